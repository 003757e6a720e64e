/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared memory's entry points (include/linux/shmem_fs.h): the file behind a MAP_SHARED |
 * MAP_ANONYMOUS or shared /dev/zero mapping, the shmem fault, and the release of a shmem
 * inode's commit charge. The inodes themselves are the file layer's (shmem_inode_create).
 */
#ifndef MMLAB_MM_SHMEM_H
#define MMLAB_MM_SHMEM_H

#include "mm/memory.h"

/* shmem.c */
struct file *__must_check shmem_zero_file(struct machine *m, unsigned long len);
struct file *__must_check shmem_file_setup(struct machine *m, const char *name,
					   unsigned long size);
vm_fault_t shmem_fault(struct vm_fault *vmf);
void shmem_file_release(struct file *file);
int shmem_unuse(struct machine *m, int type);
extern const struct shmem_swap_ops shmem_swap_ops;

/* The shared anonymous mapping of shmem_zero_file (vma_is_anon_shmem): not memfd, not SysV. */
static inline bool vma_is_anon_shmem(const struct vm_area_struct *vma)
{
	return vma_is_shmem(vma) && !strcmp(vma->vm_file->f_inode->i_path, "/dev/zero");
}

#endif /* MMLAB_MM_SHMEM_H */
