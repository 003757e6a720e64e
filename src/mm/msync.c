// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * msync(2) (mm/msync.c): the argument and range checks, EBUSY for MS_INVALIDATE on locked
 * memory, and for MS_SYNC a write-back of the host file behind each shared file mapping
 * (fdatasync where the kernel calls vfs_fsync_range). MS_ASYNC does nothing more, as in
 * Linux since 2.6.19. A hole makes the result ENOMEM, after the VMAs around it were synced
 * (with MS_ASYNC alone there is nothing to do around it). MS_INVALIDATE invalidates
 * nothing, in Linux as here: its only effect is the EBUSY.
 */
#include "mm/vma.h"
#include "mm/syscalls.h"
#include "mm/task.h"

#include <sys/mman.h>
#include <unistd.h>

/* Visits one VMA piece; w->private holds the MS_* flags. */
static int msync_vma(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
	const int *flags = w->private;
	const struct file *file = vma->vm_file;

	w->prev = vma;
	if ((*flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
		return -EBUSY;
	/* Private and anonymous pages have no file to go back to. */
	if (!(*flags & MS_SYNC) || !file || !(vma->vm_flags & VM_SHARED) || file->host_fd < 0)
		return 0;
	return fdatasync(file->host_fd) ? -EIO : 0;
}

/**
 * sys_msync - msync(2).
 * Context: the caller holds mmap_lock (for reading is enough).
 * Return: 0; -EINVAL (unknown flags, MS_ASYNC with MS_SYNC, unaligned start); -ENOMEM
 * (holes, or a range that wraps); -EBUSY (MS_INVALIDATE on locked memory); -EIO.
 */
long sys_msync(struct task *tsk, unsigned long start, size_t len, int flags)
{
	struct vma_walk w = {
		.mm = tsk->mm,
		.start = start,
		.skip_gaps = true,
		.visit = msync_vma,
		.private = &flags,
	};

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (start & ~PAGE_MASK) ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	w.end = start + len;
	if (w.end < start)
		return -ENOMEM;
	return len ? vma_walk_range(&w) : 0;
}
