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

/*
 * The inode's writers against its executions (include/linux/fs.h): i_writecount counts the
 * files open for writing when positive, the mms executing it (and execs under way) as a
 * negative number. Opening for writing a running program, or executing a file open for
 * writing, is ETXTBSY.
 */
static inline bool get_write_access(struct inode *inode)
{
	int c = __atomic_load_n(&inode->i_writecount, __ATOMIC_RELAXED);

	do {
		if (c < 0)
			return false;
	} while (!__atomic_compare_exchange_n(&inode->i_writecount, &c, c + 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

static inline void put_write_access(struct inode *inode)
{
	__atomic_sub_fetch(&inode->i_writecount, 1, __ATOMIC_ACQ_REL);
}

/* deny_write_access for exec: 0, or -ETXTBSY while the file is open for writing. */
static inline int exe_file_deny_write_access(struct file *file)
{
	struct inode *inode = file->f_inode;
	int c;

	if (!inode)
		return 0;
	c = __atomic_load_n(&inode->i_writecount, __ATOMIC_RELAXED);
	do {
		if (c > 0)
			return -ETXTBSY;
	} while (!__atomic_compare_exchange_n(&inode->i_writecount, &c, c - 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return 0;
}

static inline void exe_file_allow_write_access(struct file *file)
{
	if (file && file->f_inode)
		__atomic_add_fetch(&file->f_inode->i_writecount, 1, __ATOMIC_ACQ_REL);
}

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
