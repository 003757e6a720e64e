// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * msync(2) (mm/msync.c) and the fsync of a file's cached range it shares with fsync(2)
 * (fs/sync.c's vfs_fsync_range): the argument and range checks, EBUSY for MS_INVALIDATE on
 * locked memory, and for MS_SYNC a writeback of the file range behind each shared file
 * mapping: its shared entries are cleaned and write-protected (so a later write faults and
 * dirties the page again), its dirty pages written, and the first writeback error reported.
 * MS_ASYNC does nothing more, as in Linux since 2.6.19: dirty pages wait for the flusher.
 * A hole makes the result ENOMEM, after the VMAs around it were synced (MS_ASYNC alone stops
 * at the hole). MS_INVALIDATE invalidates nothing, in Linux as here: its only effect is the
 * EBUSY. As the kernel does, msync drops mmap_lock around each file's writeback and looks the
 * next VMA up again afterwards.
 * Left out: the file's own fsync methods (every file here writes back through its page cache;
 * shmem has nothing to write), and the metadata a non-data sync would also write.
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/syscalls.h"
#include "mm/task.h"
#include "mm/vma.h"

#include <sys/mman.h>

/**
 * vfs_fsync_range - write back the bytes [@start, @end] of @file's page cache and wait for
 * it, as fsync/fdatasync and msync(MS_SYNC) do: the shared entries mapping those pages are
 * cleaned and write-protected first (writeback's mkclean hook, mapping_mkclean). Files
 * without a page cache and shmem (no writeback) have nothing to do.
 * @datasync: fdatasync rather than fsync (the same here: no metadata is kept apart)
 * Context: no mmap_lock held.
 * Return: 0, or the writeback's error (-EIO...).
 */
int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct address_space *mapping;

	(void)datasync;
	if (!file->f_inode || start < 0 || end < start)
		return 0;
	mapping = inode_mapping(file->f_inode);
	if (!mapping_can_writeback(mapping))
		return 0;
	return filemap_write_range(mapping, start, end, true);
}

/* What one pass of the msync loop has to do with the VMA it stands on. */
struct msync_state {
	struct mm_struct *mm;
	unsigned long start, end;	/* What is left of the range */
	int flags;			/* MS_* */
	int unmapped_error;		/* -ENOMEM once a hole was passed */
};

/*
 * The part of @vma from s->start: the EBUSY check, then its file range written back when
 * MS_SYNC meets a shared file mapping (with mmap_lock dropped meanwhile).
 * Return: 0 to go on with s->start at the VMA's end, 1 when mmap_lock was dropped (and
 * taken again), or -errno.
 */
static int msync_one(struct msync_state *s, struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;
	loff_t fstart, fend;
	int err;

	if ((s->flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
		return -EBUSY;
	fstart = (loff_t)(s->start - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	fend = fstart + (loff_t)(min(s->end, vma->vm_end) - s->start) - 1;
	s->start = vma->vm_end;
	if (!(s->flags & MS_SYNC) || !file || !(vma->vm_flags & VM_SHARED))
		return 0;
	get_file(file);
	mmap_read_unlock(s->mm);
	err = vfs_fsync_range(file, fstart, fend, 1);
	fput(file);
	mmap_read_lock(s->mm);
	return err ? err : 1;
}

/**
 * sys_msync - msync(2).
 * Context: takes mmap_lock for reading (the caller must not hold it).
 * Return: 0; -EINVAL (unknown flags, MS_ASYNC with MS_SYNC, unaligned start); -ENOMEM
 * (holes, or a range that wraps); -EBUSY (MS_INVALIDATE on locked memory); -EIO.
 */
long sys_msync(struct task *tsk, unsigned long start, size_t len, int flags)
{
	struct msync_state s = { .mm = tsk->mm, .start = start, .flags = flags };
	struct vm_area_struct *vma;
	int err = -ENOMEM;

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (start & ~PAGE_MASK) ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	s.end = start + len;
	if (s.end < start)
		return -ENOMEM;
	if (s.end == start)
		return 0;
	mmap_read_lock(s.mm);
	vma = find_vma(s.mm, s.start);
	while (vma) {
		if (s.start < vma->vm_start) {
			/* A hole: MS_ASYNC stops here, the others go on and fail at the end. */
			if (flags == MS_ASYNC || vma->vm_start >= s.end)
				break;
			s.start = vma->vm_start;
			s.unmapped_error = -ENOMEM;
		}
		err = msync_one(&s, vma);
		if (err < 0)
			break;
		if (s.start >= s.end) {
			err = 0;
			break;
		}
		err = -ENOMEM;
		vma = find_vma(s.mm, s.start);
	}
	mmap_read_unlock(s.mm);
	return err ? err : s.unmapped_error;
}
