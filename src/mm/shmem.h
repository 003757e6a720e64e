/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared anonymous memory (include/linux/shmem_fs.h): the object behind a MAP_SHARED |
 * MAP_ANONYMOUS or shared /dev/zero mapping, and the functions of shmem.c the fault path and
 * mmap use.
 */
#ifndef MMLAB_MM_SHMEM_H
#define MMLAB_MM_SHMEM_H

#include "mm/memory.h"

/* A shared anonymous mapping's pages (mm/shmem.c's inode + page cache, minimal). */
struct shmem_inode {
	struct machine *machine;	/* Whose frames hold the pages */
	unsigned long nr_pages;		/* Size: the mapping's length in pages (i_size) */
	struct page **pages;		/* Page cache, indexed by page offset; NULL = hole */
	unsigned long nr_cached;	/* Pages present in the cache */
	unsigned long acct_pages;	/* Commit charge of its setup (shmem_acct_size), returned
					 * when it is freed */
};

/* shmem.c */
struct shmem_inode *__must_check shmem_inode_alloc(struct machine *m, unsigned long size);
struct file *__must_check shmem_zero_file(struct machine *m, unsigned long len);
void shmem_inode_free(struct shmem_inode *info);
vm_fault_t shmem_fault(struct vm_fault *vmf);
vm_fault_t shmem_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
bool shmem_page_cached(const struct shmem_inode *info, pgoff_t index);

#endif /* MMLAB_MM_SHMEM_H */
