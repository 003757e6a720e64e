// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory sealing (mm/mseal.c, Linux 6.10; the 6.18 form): mseal(2) sets VM_SEALED on every
 * VMA of a range that has no holes, splitting at the edges and merging with sealed neighbours
 * like any flag change. A sealed VMA cannot be unmapped, mapped over, moved, resized or given
 * a new protection (munmap, mmap MAP_FIXED, brk, mremap, mprotect and pkey_mprotect fail with
 * EPERM: the checks live in vma.c, mremap.c and mprotect.c), and discarding advice is refused
 * on sealed private anonymous memory the task cannot write (can_madvise_modify, here for
 * madvise.c). /proc/pid/smaps shows the flag as "sl". Left out: sealing of the system
 * mappings at exec (CONFIG_MSEAL_SYSTEM_MAPPINGS, which the host kernel is built without) and
 * 32-bit tasks (mseal is 64-bit only).
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/syscalls.h"
#include "mm/task.h"

#include <sys/mman.h>

/**
 * can_madvise_modify - whether @behavior may act on @vma despite a seal: anything on an
 * unsealed VMA, advice that discards nothing, and discarding advice on file or shared
 * mappings and on private anonymous memory the task could overwrite anyway (VM_WRITE).
 * Context: mmap_lock held.
 * Return: true when allowed; false means -EPERM for this VMA.
 */
bool can_madvise_modify(const struct vm_area_struct *vma, int behavior)
{
	if (!vma_is_sealed(vma) || !madvise_discards(behavior))
		return true;
	if (vma->vm_file || (vma->vm_flags & VM_SHARED))
		return true;
	/* No protection keys on this CPU: VM_WRITE alone says whether the task may write. */
	return vma->vm_flags & VM_WRITE;
}

/* The first pass: it only looks, so that a range with a hole is left unsealed. */
static int mseal_check_vma(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			   unsigned long end)
{
	w->prev = vma;
	return 0;
}

/* The second pass: seals each VMA piece, merging and splitting as a flag change does. */
static int mseal_vma(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
	struct vm_area_struct *res = vma;

	if (!vma_is_sealed(vma)) {
		res = vma_modify_flags_name(w->mm, w->prev, vma, start, end,
					    vma->vm_flags | VM_SEALED, vma->anon_name);
		if (IS_ERR(res))
			return (int)PTR_ERR(res);
		res->vm_flags |= VM_SEALED;
		w->mm->vma_seq++;
	}
	w->prev = res;
	return 0;
}

/**
 * sys_mseal - mseal(2): seal [@start, @start + @len).
 * Context: the caller holds mmap_lock for writing.
 * Return: 0 (also for length 0 and already sealed VMAs); -EINVAL (flags, unaligned start,
 * a length that wraps); -ENOMEM (a hole in the range: nothing is sealed; or no memory for a
 * split, after which the VMAs before it stay sealed).
 */
long sys_mseal(struct task *tsk, unsigned long start, size_t len_in, unsigned long flags)
{
	size_t len = PAGE_ALIGN(len_in);
	struct vma_walk w = {
		.mm = tsk->mm,
		.start = start,
		.end = start + len,
		.visit = mseal_check_vma,
	};
	int err;

	/* flags are reserved; an unaligned start, a length rounding past 2^64 or a wrap: EINVAL */
	if (flags || (start & ~PAGE_MASK) || (len_in && !len) || start + len < start)
		return -EINVAL;
	if (!len)
		return 0;
	err = vma_walk_range(&w);
	if (!err) {
		w.visit = mseal_vma;
		err = vma_walk_range(&w);
	}
	return err;
}
