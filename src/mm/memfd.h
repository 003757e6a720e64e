/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memfd's seals (include/linux/memfd.h): what fcntl, mmap and the file calls ask of memfd.c.
 * The file calls (write, ftruncate, fallocate) check their effect through the memfd_check_*
 * functions: each returns 0 or -EPERM, and 0 for any inode that is not a sealed shmem file.
 */
#ifndef MMLAB_MM_MEMFD_H
#define MMLAB_MM_MEMFD_H

#include "mm/mm_types.h"

long memfd_fcntl(struct file *file, unsigned int cmd, unsigned int arg);
/* mmap of a write-sealed memfd: shared writable refused (-EPERM), shared read-only loses
 * VM_MAYWRITE. */
int memfd_check_seals_mmap(struct file *file, vm_flags_t *vm_flags);
/* A write of @count bytes at @pos (one page's chunk, as shmem_write_begin checks it). */
int memfd_check_write(struct inode *inode, loff_t pos, size_t count);
/* A size change to @newsize (ftruncate, truncate: shmem_setattr). */
int memfd_check_resize(struct inode *inode, loff_t newsize);
/* fallocate(@mode, @off, @len) (shmem_fallocate's seal checks). */
int memfd_check_fallocate(struct inode *inode, int mode, loff_t off, loff_t len);
struct machine;
int memfd_sysctl(struct machine *m, const char *name, const uint64_t *new_val,
		 uint64_t *old_val);

#endif /* MMLAB_MM_MEMFD_H */
