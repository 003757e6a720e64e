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

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

/* Advice that throws contents away (is_discard): what a seal protects read-only memory from. */
static bool madvise_is_discard(int behavior)
{
	switch (behavior) {
	case MADV_FREE:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_REMOVE:
	case MADV_DONTFORK:
	case MADV_WIPEONFORK:
	case MADV_GUARD_INSTALL:
		return true;
	default:
		return false;
	}
}

/**
 * can_madvise_modify - whether @behavior may act on @vma despite a seal: anything on an
 * unsealed VMA, advice that discards nothing, and discarding advice on file or shared
 * mappings and on private anonymous memory the task could overwrite anyway (VM_WRITE).
 * Context: mmap_lock held.
 * Return: true when allowed; false means -EPERM for this VMA.
 */
bool can_madvise_modify(const struct vm_area_struct *vma, int behavior)
{
	if (!vma_is_sealed(vma) || !madvise_is_discard(behavior))
		return true;
	if (vma->vm_file || (vma->vm_flags & VM_SHARED))
		return true;
	/* No protection keys on this CPU: VM_WRITE alone says whether the task may write. */
	return vma->vm_flags & VM_WRITE;
}

/* Whether [start, end) has a hole (range_contains_unmapped). */
static bool range_contains_unmapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long prev_end = start;
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, start);

	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start > prev_end)
			return true;
		prev_end = vma->vm_end;
	}
	return prev_end < end;
}

/* Seals each VMA piece of [start, end), merging and splitting as a flag change does. */
static int mseal_apply(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma, *prev;
	unsigned long curr = start;

	vma = find_vma_prev(mm, start, &prev);
	if (start > vma->vm_start)
		prev = vma;
	while (vma && vma->vm_start < end) {
		unsigned long curr_end = min(vma->vm_end, end);

		if (!vma_is_sealed(vma)) {
			vma = vma_modify_flags_name(mm, prev, vma, curr, curr_end,
						    vma->vm_flags | VM_SEALED, vma->anon_name);
			if (IS_ERR(vma))
				return (int)PTR_ERR(vma);
			vma->vm_flags |= VM_SEALED;
			mm->vma_seq++;
		}
		prev = vma;
		curr = curr_end;
		vma = vma_next_of(mm, vma);
	}
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
	unsigned long end;
	size_t len;

	len = PAGE_ALIGN(len_in);
	/* flags are reserved; an unaligned start, a length rounding past 2^64 or a wrap: EINVAL */
	if (flags || (start & ~PAGE_MASK) || (len_in && !len) || start + len < start)
		return -EINVAL;
	if (!len)
		return 0;
	end = start + len;
	if (range_contains_unmapped(tsk->mm, start, end))
		return -ENOMEM;
	return mseal_apply(tsk->mm, start, end);
}
