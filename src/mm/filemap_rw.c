// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regular files' read, write and lseek through the page cache (mm/filemap.c, fs/read_write.c).
 * Until the page cache is in, a regular file has no inode here and these are not reached.
 */
#include "mm/filemap_rw.h"

int64_t filemap_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f, (void)to, (void)pos;
	return -EINVAL;
}

int64_t filemap_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	(void)f, (void)from, (void)pos;
	return -EINVAL;
}

int64_t filemap_llseek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -EINVAL;
}
