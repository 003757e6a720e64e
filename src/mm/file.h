/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opening host files as the kernel's open(2) would (file.c): what the fd table and the maps
 * importer share (include/linux/file.h's share). struct file itself is in mm_types.h, its
 * references (get_file, fput) in vma.c.
 */
#ifndef MMLAB_MM_FILE_H
#define MMLAB_MM_FILE_H

#include "mm/mm_types.h"

#include <sys/stat.h>

struct file *file_alloc(int fd, const char *path, int flags, const struct stat *st,
			enum file_mmap_kind f_mmap);
struct file *file_open(const char *path, int flags);
struct file *file_open_same(const char *path, int flags, const struct stat *id);
struct file *file_from_inode(struct inode *inode, int flags, const struct stat *st);
struct task;
struct open_how_fs task_fs_cred(const struct task *tsk);

/*
 * do_truncate - set @inode's size to @length as truncate(2) does: pages past it unmapped from
 * every mapping (unmap_mapping_range) and dropped from the cache, the partial page's tail
 * zeroed. Context: no mmap_lock held. Return: 0 or -errno.
 */
int do_truncate(struct inode *inode, loff_t length);

#endif /* MMLAB_MM_FILE_H */
