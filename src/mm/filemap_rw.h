/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Regular files' read, write and lseek through the page cache (mm/filemap.c's filemap_read
 * and generic_perform_write, fs/read_write.c's generic_file_llseek, SEEK_DATA/SEEK_HOLE as
 * tmpfs answers them), and the calls that change a file's size or cache: ftruncate, truncate,
 * fallocate, fsync, fdatasync, fadvise.
 */
#ifndef MMLAB_MM_FILEMAP_RW_H
#define MMLAB_MM_FILEMAP_RW_H

#include "mm/uaccess.h"

/* Each takes the position in *@pos and moves it by what was done: bytes, or -errno. */
int64_t filemap_read(struct file *f, struct iov_iter *to, loff_t *pos);
int64_t filemap_write(struct file *f, struct iov_iter *from, loff_t *pos);
int64_t filemap_llseek(struct file *f, int64_t off, int whence);

#endif /* MMLAB_MM_FILEMAP_RW_H */
