// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * read, write and their positioned and vectored forms, and lseek (fs/read_write.c), with the
 * memory devices' file operations they reach (drivers/char/mem.c): each call checks what
 * ksys_read/vfs_read and their siblings check, in the kernel's order - the fd (EBADF, O_PATH
 * included), the open mode (EBADF), a file kind without the operation (EINVAL), the buffer
 * against the user address limit (EFAULT), the position (EINVAL, ESPIPE) - then hands an
 * iterator over the task's buffer to the file's kind: a pipe end (pipe.c), /dev/zero, /dev/null
 * and /dev/full (answered here, never opened on the host), or a regular file through the page
 * cache (filemap_rw.c). Counts are clamped to MAX_RW_COUNT as Linux clamps them.
 * Left out: other devices, FIFOs, sockets and directories' reads (what mmlab never opens:
 * EINVAL, or EISDIR for directories; their lseek is ESPIPE for devices, FIFOs and sockets,
 * and for kernel files and directories a position moved by SEEK_SET and SEEK_CUR, as
 * seq_lseek), preadv/pwritev, RWF_* flags, file locks.
 */
#include "mm/fdtable.h"
#include "mm/filemap_rw.h"
#include "mm/pipe.h"
#include "mm/uaccess.h"
#include "mmlab.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

enum rw_kind {
	RW_NONE,			/* No read/write operations mmlab has (EINVAL) */
	RW_DIR,				/* generic_read_dir: EISDIR */
	RW_PIPE,
	RW_NULL,			/* /dev/null (1:3) */
	RW_ZERO,			/* /dev/zero (1:5) */
	RW_FULL,			/* /dev/full (1:7) */
	RW_REG,				/* A regular file with an inode: the page cache */
};

static enum rw_kind file_rw_kind(const struct file *f)
{
	if (f->pipe)
		return RW_PIPE;
	if (S_ISCHR(f->i_mode) && f->rdev == makedev(1, 3))
		return RW_NULL;
	if (S_ISCHR(f->i_mode) && f->rdev == makedev(1, 5))
		return RW_ZERO;
	if (S_ISCHR(f->i_mode) && f->rdev == makedev(1, 7))
		return RW_FULL;
	if (S_ISDIR(f->i_mode))
		return RW_DIR;
	if (f->f_inode && S_ISREG(f->f_inode->i_mode))
		return RW_REG;
	return RW_NONE;
}

/* Pipes are streams: no position, no pread/pwrite, no lseek (stream_open). */
static bool file_has_pos(const struct file *f)
{
	return !f->pipe;
}

/*
 * read_zero: zeros into the buffer a page at a time, as clear_user; a fault ends it with the
 * bytes stored before the faulting page, or -EFAULT.
 */
static int64_t read_iter_zero(struct iov_iter *to)
{
	int64_t written = 0;

	while (iov_iter_count(to)) {
		size_t chunk = min(iov_iter_count(to), (uint64_t)PAGE_SIZE);
		size_t n = iov_iter_zero(chunk, to);

		written += (int64_t)n;
		if (n < chunk)
			return written ? written : -EFAULT;
	}
	return written;
}

/* The read side of every kind, the buffer imported: bytes or -errno. */
static int64_t do_iter_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	switch (file_rw_kind(f)) {
	case RW_PIPE:
		return pipe_read(f, to);
	case RW_NULL:
		return 0;
	case RW_ZERO:
	case RW_FULL:
		return read_iter_zero(to);
	case RW_REG:
		return filemap_read(f, to, pos);
	case RW_DIR:
		return -EISDIR;
	case RW_NONE:
		break;
	}
	return -EINVAL;
}

static int64_t do_iter_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	switch (file_rw_kind(f)) {
	case RW_PIPE:
		return pipe_write(f, from);
	case RW_NULL:
	case RW_ZERO:
		/* write_null: the data is taken without being read */
		return (int64_t)iov_iter_count(from);
	case RW_FULL:
		return -ENOSPC;
	case RW_REG:
		return filemap_write(f, from, pos);
	case RW_DIR:
	case RW_NONE:
		break;
	}
	return -EINVAL;
}

/*
 * The common entry of read/pread/readv and the writes: the fd, its mode, the kind's
 * operation, and the position.
 * @pos: the positioned calls' offset, or NULL to use (and advance) f_pos
 */
static int rw_file_check(struct file *f, bool write, const int64_t *pos)
{
	if (!f)
		return -EBADF;
	/* ksys_pread64 asks for FMODE_PREAD before vfs_read asks for FMODE_READ */
	if (pos && !file_has_pos(f))
		return -ESPIPE;
	if (!(READ_ONCE(f->f_mode) & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	return 0;
}

/* The read or write of the imported @i at @pos (NULL: the file position, advanced). */
static int64_t rw_iter(struct file *f, bool write, struct iov_iter *i, const int64_t *pos)
{
	loff_t p = pos ? *pos : f->f_pos;
	int64_t ret;

	ret = write ? do_iter_write(f, i, &p) : do_iter_read(f, i, &p);
	if (!pos && ret > 0 && file_has_pos(f))
		f->f_pos = p;
	return ret;
}

static int64_t ksys_rw(struct mmlab_task *t, int fd, bool write, uint64_t buf, uint64_t count,
		       const int64_t *pos)
{
	TASK_ENTER(&t->tsk);
	struct file *f = fdget(t, fd);
	struct iov_iter iter;
	int err;

	if (pos && *pos < 0)
		return -EINVAL;	/* ksys_pread64 checks it before the fd */
	err = rw_file_check(f, write, pos);
	if (err)
		return err;
	err = import_ubuf(!write, t, buf, count, &iter);
	if (err)
		return err;
	return rw_iter(f, write, &iter, pos);
}

/* kernel_write of @data: the write's checks and path, the data from the caller's memory. */
static int64_t ksys_write_data(struct mmlab_task *t, int fd, const void *data, uint64_t count,
			       const int64_t *pos)
{
	struct file *f = fdget(t, fd);
	struct iov_iter iter;
	int err;

	if (pos && *pos < 0)
		return -EINVAL;
	err = rw_file_check(f, true, pos);
	if (err)
		return err;
	if (count && !data)
		return -EFAULT;
	iov_iter_kvec(&iter, t, data, count);
	return rw_iter(f, true, &iter, pos);
}

static int64_t ksys_rwv(struct mmlab_task *t, int fd, bool write,
			const struct mmlab_iovec *iov, int iovcnt)
{
	TASK_ENTER(&t->tsk);
	struct file *f = fdget(t, fd);
	struct iov_iter iter;
	int64_t ret;

	ret = rw_file_check(f, write, NULL);
	if (ret)
		return ret;
	/* iovcnt is unsigned long in the system call: a negative one is too many */
	ret = import_iovec(!write, t, iov, iovcnt < 0 ? UIO_MAXIOV + 1 : iovcnt, &iter);
	if (ret)
		return ret;
	ret = iov_iter_count(&iter) ? rw_iter(f, write, &iter, NULL) : 0;
	iov_iter_release(&iter);
	return ret;
}

MMLAB_EXPORT int64_t mmlab_fd_read(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count)
{
	return t ? ksys_rw(t, fd, false, buf, count, NULL) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_fd_write(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count)
{
	return t ? ksys_rw(t, fd, true, buf, count, NULL) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_fd_pread(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count,
				    int64_t pos)
{
	return t ? ksys_rw(t, fd, false, buf, count, &pos) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_fd_pwrite(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count,
				     int64_t pos)
{
	return t ? ksys_rw(t, fd, true, buf, count, &pos) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_fd_write_data(struct mmlab_task *t, int fd, const void *data,
					 uint64_t count, const int64_t *pos)
{
	return t ? ksys_write_data(t, fd, data, count, pos) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_fd_readv(struct mmlab_task *t, int fd, const struct mmlab_iovec *iov,
				    int iovcnt)
{
	return t ? ksys_rwv(t, fd, false, iov, iovcnt) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_fd_writev(struct mmlab_task *t, int fd, const struct mmlab_iovec *iov,
				     int iovcnt)
{
	return t ? ksys_rwv(t, fd, true, iov, iovcnt) : -EINVAL;
}

MMLAB_EXPORT int64_t mmlab_lseek(struct mmlab_task *t, int fd, int64_t off, int whence)
{
	struct file *f;

	if (!t)
		return -EINVAL;
	f = fdget(t, fd);
	if (!f)
		return -EBADF;
	if (whence < 0 || whence > SEEK_HOLE)
		return -EINVAL;
	if (!file_has_pos(f))
		return -ESPIPE;
	switch (file_rw_kind(f)) {
	case RW_NULL:
	case RW_ZERO:
	case RW_FULL:
		/* null_lseek / zero_lseek / full_lseek: always back at 0 */
		f->f_pos = 0;
		return 0;
	case RW_REG:
		return filemap_llseek(f, off, whence);
	case RW_DIR:
	case RW_NONE:
		break;
	default:
		return -ESPIPE;
	}
	/* Devices but the memory ones: no_llseek (ttys, FIFOs). */
	if (S_ISCHR(f->i_mode) || S_ISFIFO(f->i_mode) || S_ISSOCK(f->i_mode))
		return -ESPIPE;
	/* Kernel files (procfs's seq_lseek, sysfs) and directories: a position without an end */
	if (whence == SEEK_CUR)
		off += f->f_pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	f->f_pos = off;
	return off;
}
