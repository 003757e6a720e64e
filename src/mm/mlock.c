// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory locking (mm/mlock.c): mlock(2), mlock2(2), munlock(2), mlockall(2) and
 * munlockall(2). Locking gives each VMA of a range VM_LOCKED, plus VM_LOCKONFAULT for the
 * on-fault variants, splitting and merging as any flag change does; mm->locked_vm counts the
 * locked pages against RLIMIT_MEMLOCK, and the pages are faulted in at once unless locked on
 * fault. mlockall(MCL_FUTURE) puts the flags into mm->def_flags, which every new VMA gets.
 * Special, hugetlb and droppable mappings are never locked (vma_supports_mlock). The pages a
 * range maps when its VM_LOCKED changes are mlocked (PG_mlocked, NR_MLOCK, the unevictable
 * list) or munlocked through lru.c's mlock batch; pages faulted into a locked VMA later are
 * mlocked by the fault (folio_add_lru_vma, mlock_vma_page), and munmap and exit munlock the
 * pages of the locked VMAs they remove. A page mapped by several locked VMAs (two mappings
 * of a file, a fork child's) stays mlocked until the last of them lets it go: lru.c counts
 * them (mlock_count) while the page is on the unevictable list.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/syscalls.h"
#include "mm/task.h"
#include "mm/mm_inline.h"

#include <sys/mman.h>

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

/* The mappings mlock leaves alone: their flags stay, locked_vm does not count them. */
#define VM_NO_MLOCK (VM_SPECIAL | VM_HUGETLB | VM_DROPPABLE)

static bool can_do_mlock(struct task *tsk)
{
	return task_rlimit(tsk, RLIMIT_MEMLOCK) != 0 || capable(tsk, CAP_IPC_LOCK);
}

/*
 * locked_vm's change when @npages go from @oldflags to @newflags: unlocking subtracts
 * whatever the piece was before, relocking a locked piece (say, to on-fault) adds nothing.
 */
static long mlock_vm_delta(vm_flags_t oldflags, vm_flags_t newflags, unsigned long npages)
{
	if (!(newflags & VM_LOCKED))
		return -(long)npages;
	return (oldflags & VM_LOCKED) ? 0 : (long)npages;
}

struct mlock_walk {
	struct vm_area_struct *vma;
	bool lock;			/* mlock, else munlock */
};

/* One present page of a range being locked or unlocked (mlock_pte_range). */
static int mlock_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct mlock_walk *mw = data;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!pte_present(pte))
		return 0;
	page = vm_normal_page(mw->vma, addr, pte);
	if (!page)
		return 0;	/* the zero page and PFN maps are nobody's to lock */
	if (mw->lock)
		mlock_page(&mm->machine->pgdat, page);
	else
		munlock_page(&mm->machine->pgdat, page);
	return 0;
}

/**
 * mlock_vma_pages_range - the pages [@start, @end) of @vma maps follow its VM_LOCKED, just changed:
 * each is mlocked (to the unevictable list) or munlocked, through the mlock batch, drained before
 * and after (mlock_vma_pages_range). Pages not present are left to the populate that follows (their
 * faults mlock them) or to nothing.
 * Context: mmap_lock held for writing.
 */
void mlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mlock_walk mw = { .vma = vma, .lock = vma->vm_flags & VM_LOCKED };
	struct pglist_data *pgdat = &vma->vm_mm->machine->pgdat;

	/* new pages onto the lists first, and the moves made before returning */
	lru_add_drain(pgdat);
	(void)walk_pte_range(vma->vm_mm, start, end, mlock_pte, &mw);
	lru_add_drain(pgdat);
}

/**
 * munlock_vma_pages_range - the pages [@start, @end) of a VM_LOCKED @vma maps are about to be
 * unmapped (munmap, exit, MADV_DONTNEED_LOCKED, the OOM reaper): each is munlocked, as
 * Linux's zap does one by one (folio_remove_rmap_ptes' munlock_vma_folio).
 * Context: mmap_lock held, or the mm is exiting; the pages are still mapped.
 */
void munlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mlock_walk mw = { .vma = vma, .lock = false };

	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
		(void)walk_pte_range(vma->vm_mm, start, end, mlock_pte, &mw);
}

/** munlock_vma_pages_all - munlock_vma_pages_range over the whole of @vma. */
void munlock_vma_pages_all(struct vm_area_struct *vma)
{
	munlock_vma_pages_range(vma, vma->vm_start, vma->vm_end);
}

/*
 * Visits one piece of an mlock or munlock range (mlock_fixup): w->private holds the
 * VM_LOCKED_MASK bits it is to have. Only a change of VM_LOCKED itself touches the pages
 * (locking a locked piece on fault, or back, leaves them).
 */
static int mlock_fixup(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
		       unsigned long end)
{
	const vm_flags_t *lock = w->private;
	vm_flags_t oldflags = vma->vm_flags;
	vm_flags_t newflags = (oldflags & ~VM_LOCKED_MASK) | *lock;
	struct vm_area_struct *res = vma;

	if (newflags != oldflags && !(oldflags & VM_NO_MLOCK)) {
		res = vma_modify_flags_name(w->mm, w->prev, vma, start, end, newflags,
					    vma->anon_name);
		if (IS_ERR(res))
			return (int)PTR_ERR(res);
		w->mm->locked_vm += mlock_vm_delta(oldflags, newflags, (end - start) >> PAGE_SHIFT);
		res->vm_flags = newflags | (res->vm_flags & VM_STICKY); /* a merge may add them */
		w->mm->vma_seq++;
		if ((oldflags ^ newflags) & VM_LOCKED)
			mlock_vma_pages_range(res, start, end);
	}
	w->prev = res;
	return 0;
}

/* mlockall's visitor: it locks what it can; a VMA that cannot be split stays as it was. */
static int mlockall_fixup(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	if (mlock_fixup(w, vma, start, end))
		w->prev = vma;
	return 0;
}

/*
 * Gives the VMAs of [start, start + len) the lock bits @lock (0 unlocks). The range must be
 * mapped: the first hole ends the walk with -ENOMEM, the VMAs before it keep their change.
 */
static int apply_vma_lock_flags(struct task *tsk, unsigned long start, size_t len,
				vm_flags_t lock)
{
	struct vma_walk w = {
		.mm = tsk->mm,
		.start = start,
		.end = start + len,
		.visit = mlock_fixup,
		.private = &lock,
	};

	if (w.end < start)
		return -EINVAL;
	return len ? vma_walk_range(&w) : 0;
}

/* Pages of [start, start+len) already locked (count_mm_mlocked_page_nr). */
static unsigned long count_mm_mlocked_page_nr(struct mm_struct *mm, unsigned long start,
					      size_t len)
{
	unsigned long end = start + len, count = 0;
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma_next_of(mm, vma))
		if (vma->vm_flags & VM_LOCKED)
			count += (min(end, vma->vm_end) - max(start, vma->vm_start)) >> PAGE_SHIFT;
	return count;
}

/*
 * Whether locking [start, start + len) keeps locked_vm within RLIMIT_MEMLOCK (CAP_IPC_LOCK
 * has no limit). Pages of the range that are locked already are not counted twice.
 */
static bool mlock_within_limit(struct task *tsk, unsigned long start, size_t len)
{
	unsigned long limit = task_rlimit(tsk, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long locked = tsk->mm->locked_vm + (len >> PAGE_SHIFT);

	if (locked <= limit || capable(tsk, CAP_IPC_LOCK))
		return true;
	return locked - count_mm_mlocked_page_nr(tsk->mm, start, len) <= limit;
}

/* mlock and munlock take any start: the range grows to whole pages around it. */
static void mlock_page_range(unsigned long *start, size_t *len)
{
	*len = PAGE_ALIGN(*len + (*start & ~PAGE_MASK));
	*start &= PAGE_MASK;
}

/**
 * sys_mlock2 - mlock2(2); mlock(2) is mlock2 with flags 0.
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (flags, wrapping range); -EPERM (RLIMIT_MEMLOCK 0 without
 * CAP_IPC_LOCK); -ENOMEM (over RLIMIT_MEMLOCK, holes, or a page that cannot be faulted in);
 * -EAGAIN (no memory to fault a page in, or to split a VMA).
 */
long sys_mlock2(struct task *tsk, unsigned long start, size_t len, int flags)
{
	vm_flags_t lock = VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0);
	int err;

	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock(tsk))
		return -EPERM;
	lru_add_drain(&tsk->mm->machine->pgdat);	/* lru_add_drain_all: this thread's */
	mlock_page_range(&start, &len);
	if (!mlock_within_limit(tsk, start, len))
		return -ENOMEM;
	err = apply_vma_lock_flags(tsk, start, len, lock);
	if (err || (lock & VM_LOCKONFAULT))
		return err;
	/*
	 * The VMAs stay locked whatever the fault-in does; __mlock_posix_error_return(): a page
	 * that cannot be faulted reads as ENOMEM, no memory for it as EAGAIN.
	 */
	err = mm_populate(tsk, start, len, false);
	if (err == -EFAULT)
		return -ENOMEM;
	return err == -ENOMEM ? -EAGAIN : err;
}

/**
 * sys_munlock - munlock(2): clears VM_LOCKED and VM_LOCKONFAULT on the range.
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (wrapping range); -ENOMEM (holes: the VMAs before the first one are
 * unlocked); -EAGAIN.
 */
long sys_munlock(struct task *tsk, unsigned long start, size_t len)
{
	mlock_page_range(&start, &len);
	return apply_vma_lock_flags(tsk, start, len, 0);
}

/*
 * mlockall's flags (0 for munlockall) to mm->def_flags for the VMAs to come (MCL_FUTURE),
 * and to every VMA there is: locked with MCL_CURRENT, unlocked without it, untouched for
 * MCL_FUTURE alone. Calls do not stack: one without MCL_FUTURE clears what an earlier one
 * put into def_flags.
 */
static int apply_mlockall_flags(struct task *tsk, int flags)
{
	vm_flags_t lock = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
	vm_flags_t present = flags & MCL_CURRENT ? lock : 0;
	struct vma_walk w = {
		.mm = tsk->mm,
		.start = 0,
		.end = ULONG_MAX,
		.skip_gaps = true,
		.visit = mlockall_fixup,
		.private = &present,
	};
	int err;

	tsk->mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE)
		tsk->mm->def_flags |= lock;
	if ((flags & (MCL_CURRENT | MCL_FUTURE)) == MCL_FUTURE)
		return 0;
	/* mlockall_fixup keeps errors to itself: -ENOMEM only says there are gaps */
	err = vma_walk_range(&w);
	return err == -ENOMEM ? 0 : err;
}

/**
 * sys_mlockall - mlockall(2).
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (flags); -EPERM; -ENOMEM (MCL_CURRENT over RLIMIT_MEMLOCK).
 */
long sys_mlockall(struct task *tsk, int flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock(tsk))
		return -EPERM;
	if ((flags & MCL_CURRENT) && !capable(tsk, CAP_IPC_LOCK) &&
	    tsk->mm->total_vm > task_rlimit(tsk, RLIMIT_MEMLOCK) >> PAGE_SHIFT)
		return -ENOMEM;
	if (flags & MCL_CURRENT)
		lru_add_drain(&tsk->mm->machine->pgdat);
	(void)apply_mlockall_flags(tsk, flags);
	/* Locks what it can and faults in what it can: populate errors are ignored. */
	if ((flags & MCL_CURRENT) && !(flags & MCL_ONFAULT))
		mm_populate(tsk, 0, TASK_SIZE_MAX, true);
	return 0;
}

/**
 * sys_munlockall - munlockall(2): unlocks every VMA and clears mlockall's MCL_FUTURE.
 * Context: the caller holds mmap_lock for writing.
 * Return: 0.
 */
long sys_munlockall(struct task *tsk)
{
	return apply_mlockall_flags(tsk, 0);
}
