// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calls that change a regular file's size or contents in place, and flush it: truncate
 * and ftruncate (fs/open.c's do_sys_truncate/do_sys_ftruncate, with shmem_setattr's seal
 * checks), fallocate in the modes tmpfs supports (mode 0, FALLOC_FL_KEEP_SIZE, and
 * FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE; the overlay's upper layer is tmpfs-like, so
 * its files answer the same), fsync and fdatasync (fs/sync.c: writeback of every dirty page,
 * then the mapping's last writeback error, reported once). The size change itself is
 * do_truncate's (the file-fault work: pages past the size unmapped from every mapping).
 * Left out: FALLOC_FL_ZERO_RANGE, COLLAPSE_RANGE, INSERT_RANGE, UNSHARE_RANGE (EOPNOTSUPP as
 * on tmpfs), leases, file times. A punched hole's pages stay cached, zeroed and dirty, where
 * tmpfs frees them: the bytes read the same, the memory figures differ.
 */
#include "mm/fdtable.h"
#include "mm/file.h"
#include "mm/filemap_rw.h"
#include "mm/machine.h"
#include "mm/memfd.h"
#include "mm/memory.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

/* inode_newsize_ok and shmem_setattr's seals: may @inode become @length bytes long? */
static int truncate_checks(struct mmlab_task *t, struct inode *inode, loff_t length)
{
	unsigned long limit = task_rlimit(&t->tsk, RLIMIT_FSIZE);

	if (length > inode->i_size && limit != RLIM_INFINITY && (uint64_t)length > limit) {
		send_sig(SIGXFSZ, &t->tsk);
		return -EFBIG;
	}
	return memfd_check_resize(inode, length);
}

MMLAB_EXPORT int mmlab_ftruncate(struct mmlab_task *t, int fd, int64_t len)
{
	struct file *f;
	int err;

	if (!t)
		return -EINVAL;
	if (len < 0)
		return -EINVAL;
	f = fdget(t, fd);
	if (!f)
		return -EBADF;
	/* not a regular file, or not open for writing: EINVAL (do_sys_ftruncate) */
	if (!f->f_inode || !S_ISREG(f->f_inode->i_mode) || !(READ_ONCE(f->f_mode) & FMODE_WRITE))
		return -EINVAL;
	if (f->append)
		return -EPERM;
	err = truncate_checks(t, f->f_inode, len);
	return err ? err : do_truncate(f->f_inode, len);
}

MMLAB_EXPORT int mmlab_truncate(struct mmlab_task *t, const char *path, int64_t len)
{
	struct mm_struct *mm = t ? task_mm(t) : NULL;
	const struct task *tsk;
	struct open_how_fs how;
	struct inode *inode;
	struct stat st;
	int err;

	if (!mm)
		return -EINVAL;
	if (!path)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	tsk = &t->tsk;
	how = task_fs_cred(tsk);
	how.flags = O_WRONLY;
	/* The lookup checks write permission (EACCES) and refuses directories (EISDIR) */
	inode = vfs_lookup_open(&mm->machine->vfs, path, &how, &st, NULL);
	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	if (!inode)
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (inode->i_writecount < 0)
		err = -ETXTBSY;	/* a running program's text (deny_write_access) */
	else
		err = truncate_checks(t, inode, len);
	if (!err)
		err = do_truncate(inode, len);
	iput(inode);
	return err;
}

/*
 * FALLOC_FL_PUNCH_HOLE (shmem_fallocate's punch): every mapping of the range loses its pages
 * first (private COW copies stay), then the cache drops them and the file reads zeros there
 * (vfs_punch_hole, which MADV_REMOVE uses too).
 */
static int punch_hole(struct inode *inode, loff_t start, loff_t end)
{
	int err = memfd_check_fallocate(inode, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start,
					end - start);

	if (err)
		return err;
	if (end <= start)
		return 0;
	unmap_mapping_range(inode_mapping(inode), start, end - start, false);
	return vfs_punch_hole(inode, start, end - start);
}

/* shmem_fallocate's allocation: every page of the range cached; the size grows unless KEEP_SIZE. */
static int fallocate_range(struct mmlab_task *t, struct inode *inode, int mode, loff_t start,
			   loff_t end)
{
	struct address_space *mapping = inode_mapping(inode);
	int err = 0;

	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->i_size)
		err = truncate_checks(t, inode, end);
	else
		err = memfd_check_fallocate(inode, mode, start, end - start);
	if (err)
		return err;
	for (pgoff_t index = (pgoff_t)(start >> PAGE_SHIFT); (loff_t)index << PAGE_SHIFT < end;
	     index++) {
		/* a page allocated earlier and not written is initialized now (SGP_FALLOC on a
		 * fallocated folio): filemap_get_page marks a found page up to date */
		struct page *page = filemap_get_page(mapping, index, 0, NULL);

		if (!page) {
			page = filemap_get_page(mapping, index, FGP_CREAT, NULL);
			if (IS_ERR_OR_NULL(page))
				return page ? (int)PTR_ERR(page) : -ENOMEM;
			/* a new one is allocated, not written: not up to date, a hole to
			 * SEEK_DATA and mincore until a fault, read or write uses it, unless
			 * the file below has its bytes */
			if (inode->i_kind != FS_OVERLAY || !vfs_page_has_data(inode, index))
				ClearPageUptodate(page);
		}
		put_page(mapping->pgdat, page);
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->i_size) {
		pthread_mutex_lock(&mapping->lock);
		if (end > inode->i_size)
			inode->i_size = end;
		pthread_mutex_unlock(&mapping->lock);
	}
	return 0;
}

MMLAB_EXPORT int mmlab_fallocate(struct mmlab_task *t, int fd, int mode, int64_t off, int64_t len)
{
	struct file *f;
	loff_t end;

	if (!t)
		return -EINVAL;
	f = fdget(t, fd);
	if (!f)
		return -EBADF;
	/* vfs_fallocate's checks, in its order */
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_NO_HIDE_STALE |
		     FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE |
		     FALLOC_FL_UNSHARE_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && (mode & FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_UNSHARE_RANGE) &&
	    (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
		return -EINVAL;
	if (!(READ_ONCE(f->f_mode) & FMODE_WRITE))
		return -EBADF;
	if ((mode & ~FALLOC_FL_KEEP_SIZE) && f->append)
		return -EPERM;
	if (S_ISFIFO(f->i_mode) || f->pipe)
		return -ESPIPE;
	if (S_ISDIR(f->i_mode))
		return -EISDIR;
	if (!f->f_inode || !S_ISREG(f->f_inode->i_mode))
		return -ENODEV;
	if (__builtin_add_overflow(off, len, &end))
		return -EFBIG;
	/* shmem_fallocate: punching a hole, or allocating; nothing else */
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		return punch_hole(f->f_inode, off, end);
	return fallocate_range(t, f->f_inode, mode, off, end);
}

/* vfs_fsync_range over the whole file: write back, then the error writeback met, once. */
static int do_fsync(struct mmlab_task *t, int fd)
{
	struct file *f = t ? fdget(t, fd) : NULL;
	struct address_space *mapping;
	int err, werr;

	if (!t)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (!f->f_inode)
		return -EINVAL;	/* no ->fsync: pipes, devices mmlab does not open */
	mapping = inode_mapping(f->f_inode);
	err = filemap_write_range(mapping, 0, LLONG_MAX, true);
	werr = filemap_fdatawait_keep_errors(mapping);
	if (werr) {
		mapping->wb_err = 0;	/* reported to this caller (file_check_and_advance_wb_err) */
		return werr;
	}
	return err;
}

MMLAB_EXPORT int mmlab_fsync(struct mmlab_task *t, int fd)
{
	return do_fsync(t, fd);
}

/* fdatasync: the same here (no metadata is kept apart from the data). */
MMLAB_EXPORT int mmlab_fdatasync(struct mmlab_task *t, int fd)
{
	return do_fsync(t, fd);
}
