// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Advice and locking on ranges of VMAs: madvise(2) and process_madvise(2) (mm/madvise.c),
 * mlock(2) and friends (mm/mlock.c), msync(2) (mm/msync.c) and prctl(PR_SET_VMA,
 * PR_SET_VMA_ANON_NAME). A sealed VMA refuses discarding advice (mseal.c). The advice
 * that only changes VMA flags is exact; the advice that acts on pages is validated per VMA as
 * the kernel does, then memory.c does what it does to pages: DONTNEED zaps, FREE makes pages
 * lazily freeable, POPULATE_* faults them in, GUARD_INSTALL/REMOVE set and clear guard
 * markers. COLD, PAGEOUT and WILLNEED have nothing to act on without swap; COLLAPSE gets the
 * kernel's answers (EINVAL for a VMA that cannot hold a huge page or a 2 MiB block with no
 * writable page) but leaves the pages small: mmlab has no transparent huge pages.
 * The advice set is Linux 6.18's as the host kernel builds it: with KSM and THP, without
 * CONFIG_MEMORY_FAILURE, so MADV_HWPOISON and MADV_SOFT_OFFLINE are EINVAL like unknown values.
 * Locking sets VM_LOCKED/VM_LOCKONFAULT and locked_vm and faults the pages in.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/syscalls.h"
#include "mm/task.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_DOFORK: case MADV_DONTFORK: case MADV_NORMAL: case MADV_SEQUENTIAL:
	case MADV_RANDOM: case MADV_REMOVE: case MADV_WILLNEED: case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED: case MADV_FREE: case MADV_COLD: case MADV_PAGEOUT:
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_COLLAPSE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
	case MADV_GUARD_INSTALL: case MADV_GUARD_REMOVE:
		return true;
	/* MADV_HWPOISON and MADV_SOFT_OFFLINE exist only with CONFIG_MEMORY_FAILURE. */
	default:
		return false;
	}
}

typedef int (*madvise_visit_t)(struct task *tsk, struct vm_area_struct *vma,
			       struct vm_area_struct **prev, unsigned long start,
			       unsigned long end, unsigned long arg);

/*
 * Visits each VMA piece of [start, end). Holes are skipped but remembered: the result is then
 * -ENOMEM even though the VMAs around them were changed (madvise_walk_vmas).
 */
static int madvise_walk_vmas(struct task *tsk, unsigned long start, unsigned long end,
			     unsigned long arg, madvise_visit_t visit)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma, *prev;
	int unmapped_error = 0, error;

	vma = find_vma_prev(mm, start, &prev);
	if (vma && start > vma->vm_start)
		prev = vma;
	for (;;) {
		unsigned long tmp;

		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = min(vma->vm_end, end);
		error = visit(tsk, vma, &prev, start, tmp, arg);
		if (error)
			return error;
		start = tmp;
		if (prev && start < prev->vm_end)
			start = prev->vm_end;
		if (start >= end)
			break;
		vma = find_vma(mm, prev ? prev->vm_end : start);
	}
	return unmapped_error;
}

/* Gives [start, end) of @vma new flags and name, merging or splitting (madvise_update_vma). */
static int madvise_update_vma(struct task *tsk, struct vm_area_struct *vma,
			      struct vm_area_struct **prev, unsigned long start, unsigned long end,
			      vm_flags_t new_flags, struct anon_vma_name *anon_name)
{
	struct mm_struct *mm = tsk->mm;

	if (new_flags == vma->vm_flags && anon_vma_name_eq(vma->anon_name, anon_name)) {
		*prev = vma;
		return 0;
	}
	vma = vma_modify_flags_name(mm, *prev, vma, start, end, new_flags, anon_name);
	if (IS_ERR(vma))
		return (int)PTR_ERR(vma);
	*prev = vma;
	vma->vm_flags = new_flags | (vma->vm_flags & VM_STICKY); /* a merge may add them */
	vma->vm_page_prot = vm_get_page_prot(new_flags);
	if (vma->anon_name != anon_name && (!vma->vm_file || !vma->vm_file->regular)) {
		if (anon_name)
			anon_vma_name_get(anon_name);
		anon_vma_name_put(vma->anon_name);
		vma->anon_name = anon_name;
	}
	mm->vma_seq++;
	return 0;
}

/* KSM's vma_ksm_compatible(): the mappings MADV_MERGEABLE silently skips. */
static bool vma_ksm_compatible(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |
				  VM_HUGETLB | VM_MIXEDMAP | VM_DROPPABLE | VM_SHADOW_STACK));
}

/*
 * MADV_REMOVE punches the range out of the file (vfs_fallocate with PUNCH_HOLE|KEEP_SIZE):
 * the host file for a real file, nothing to do for shmem's /dev/zero, whose pages the fault
 * layer owns.
 */
static int madvise_remove(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	off_t off = (off_t)((vma->vm_pgoff << PAGE_SHIFT) + (start - vma->vm_start));

	if (vma->vm_file->host_fd < 0)
		return 0;
	if (fallocate(vma->vm_file->host_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		      (off_t)(end - start)))
		return -errno;
	return 0;
}

/* A PMD's page table maps a writable page: what hpage_collapse_scan_pmd needs to collapse. */
static int collapse_writable_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
				 void *data)
{
	(void)mm;
	(void)addr;
	(void)data;
	return (*ptep & _PAGE_PRESENT) && pte_write(*ptep);
}

/*
 * madvise_collapse(): the VMA must be able to hold a PMD-sized page (thp_vma_allowable_order
 * for a forced collapse: private anonymous memory that has an anon_vma and one aligned 2 MiB
 * block, not VM_NOHUGEPAGE, VM_SPECIAL or hugetlb; shmem's huge pages are off by default and
 * files need CONFIG_READ_ONLY_THP_FOR_FS). Each aligned block of the range then collapses or
 * fails: a block without a page table (SCAN_PMD_NULL) or without a writable page
 * (SCAN_PAGE_RO) fails, and any failure makes the call EINVAL after the other blocks were
 * tried. mmlab has no huge pages, so a block that would collapse keeps its small pages.
 */
static int madvise_collapse(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	unsigned long hstart, hend, addr, last;
	int err = 0;

	if ((vma->vm_flags & (VM_NOHUGEPAGE | VM_SPECIAL | VM_HUGETLB)) || !vma_is_anonymous(vma) ||
	    !vma->anon_vma || (vma->vm_mm->flags & (1UL << MMF_DISABLE_THP)))
		return -EINVAL;
	last = ALIGN_DOWN(vma->vm_end - PMD_SIZE, PMD_SIZE);
	if (vma->vm_end - vma->vm_start < PMD_SIZE || last < vma->vm_start)
		return -EINVAL;
	hstart = ALIGN(start, PMD_SIZE);
	hend = ALIGN_DOWN(end, PMD_SIZE);
	for (addr = hstart; addr < hend; addr += PMD_SIZE)
		if (!walk_pte_range(vma->vm_mm, addr, addr + PMD_SIZE, collapse_writable_pte, NULL))
			err = -EINVAL;
	return err;
}

static int madvise_page_advice(struct vm_area_struct *vma, int behavior, unsigned long start,
			       unsigned long end)
{
	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
		if (behavior != MADV_DONTNEED_LOCKED && (vma->vm_flags & VM_LOCKED))
			return -EINVAL;
		if (vma->vm_flags & (VM_PFNMAP | VM_HUGETLB))
			return -EINVAL;
		if (behavior == MADV_FREE && !vma_is_anonymous(vma))
			return -EINVAL;
		return 0;
	case MADV_COLD:
	case MADV_PAGEOUT:
		/* can_madv_lru_vma(): locked, PFN and hugetlb pages are not on the LRU */
		if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB))
			return -EINVAL;
		return 0;
	case MADV_WILLNEED:
		/* swap-in for anonymous and shmem memory, readahead for files: never refused */
		return 0;
	case MADV_REMOVE:
		if (vma->vm_flags & VM_LOCKED)
			return -EINVAL;
		if (!vma->vm_file)
			return -EINVAL;
		/* vma_is_shared_maywrite() */
		if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			return -EACCES;
		return madvise_remove(vma, start, end);
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			return -EINVAL;
		return 0;
	case MADV_GUARD_INSTALL:
		/* is_valid_guard_vma(): a locked range would have to be zapped */
		if (vma->vm_flags & (VM_SPECIAL | VM_HUGETLB | VM_LOCKED))
			return -EINVAL;
		return guard_install_range(vma, start, end);
	case MADV_GUARD_REMOVE:
		if (vma->vm_flags & (VM_SPECIAL | VM_HUGETLB))
			return -EINVAL;
		guard_remove_range(vma, start, end);
		return 0;
	case MADV_COLLAPSE:
		return madvise_collapse(vma, start, end);
	default:
		return 0;
	}
}

static int madvise_vma_behavior(struct task *tsk, struct vm_area_struct *vma,
				struct vm_area_struct **prev, unsigned long start,
				unsigned long end, unsigned long arg)
{
	int behavior = (int)arg;
	vm_flags_t new_flags = vma->vm_flags;

	if (!can_madvise_modify(vma, behavior))
		return -EPERM;
	switch (behavior) {
	case MADV_NORMAL:
		new_flags &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MADV_SEQUENTIAL:
		new_flags = (new_flags & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MADV_RANDOM:
		new_flags = (new_flags & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MADV_DONTFORK:
		new_flags |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		if (vma->vm_flags & VM_IO)
			return -EINVAL;
		new_flags &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return -EINVAL;
		new_flags |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		if (vma->vm_flags & VM_DROPPABLE)
			return -EINVAL;
		new_flags &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP:
		new_flags |= VM_DONTDUMP;
		break;
	case MADV_DODUMP:
		/* droppable memory stays out of core dumps */
		if ((!(vma->vm_flags & VM_HUGETLB) && (new_flags & VM_SPECIAL)) ||
		    (vma->vm_flags & VM_DROPPABLE))
			return -EINVAL;
		new_flags &= ~VM_DONTDUMP;
		break;
	case MADV_MERGEABLE:
		if (vma_ksm_compatible(vma)) /* else silently unchanged */
			new_flags |= VM_MERGEABLE;
		break;
	case MADV_UNMERGEABLE:
		new_flags &= ~VM_MERGEABLE;
		break;
	case MADV_HUGEPAGE:
		new_flags = (new_flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case MADV_NOHUGEPAGE:
		new_flags = (new_flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	default:
		*prev = vma;
		return madvise_page_advice(vma, behavior, start, end) ?:
		       madvise_pages(tsk, vma, start, end, behavior);
	}
	return madvise_update_vma(tsk, vma, prev, start, end, new_flags, vma->anon_name);
}

/* The common range checks of madvise and PR_SET_VMA_ANON_NAME; 1 means "nothing to do". */
static int madvise_range(unsigned long start, size_t len_in, unsigned long *end)
{
	size_t len;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len_in);
	if (len_in && !len)
		return -EINVAL;
	*end = start + len;
	if (*end < start)
		return -EINVAL;
	return *end == start;
}

/**
 * sys_madvise - madvise(2).
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (unknown advice, unaligned start, advice the VMA does not allow);
 * -ENOMEM (holes in the range: the VMAs around them were still advised); -EFAULT
 * (MADV_POPULATE_* on a guard marker or a page that cannot be faulted); -EAGAIN.
 */
long sys_madvise(struct task *tsk, unsigned long start, size_t len, int behavior)
{
	unsigned long end;
	int err;

	if (!madvise_behavior_valid(behavior))
		return -EINVAL;
	err = madvise_range(start, len, &end);
	if (err)
		return err < 0 ? err : 0;
	err = madvise_walk_vmas(tsk, start, end, (unsigned long)behavior, madvise_vma_behavior);
	return err;
}

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT (0x7fffffffUL & PAGE_MASK)	/* INT_MAX & PAGE_MASK: one call's byte cap */

/* The advice one process may give another (process_madvise_remote_valid). */
static bool process_madvise_remote_valid(int behavior)
{
	switch (behavior) {
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_WILLNEED:
	case MADV_COLLAPSE:
		return true;
	default:
		return false;
	}
}

/**
 * sys_process_madvise - process_madvise(2) of @tsk on @target's address space.
 * @target: the pidfd's task, NULL when it has exited
 * @iov: the ranges; lengths count as import_iovec takes them (a length above SSIZE_MAX is
 * EINVAL, the total is capped at MAX_RW_COUNT by shortening the ranges that pass it)
 *
 * The ranges are advised in order as madvise(2) would advise them, until one fails; like the
 * iovec iterator, empty ranges after the first are skipped without a look.
 * Context: the caller holds @target's mmap_lock for writing.
 * Return: the bytes advised, or the first range's -errno when nothing was; -EINVAL (flags,
 * more than UIO_MAXIOV ranges, advice not allowed on another process), -ESRCH, -EPERM.
 */
long sys_process_madvise(struct task *tsk, struct task *target, const struct madv_iovec *iov,
			 size_t vlen, int behavior, unsigned int flags)
{
	unsigned long total = 0, left, done = 0;
	size_t i = 0;
	long ret = 0;

	if (flags)
		return -EINVAL;
	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	for (size_t k = 0; k < vlen; k++) {
		if (iov[k].len > (unsigned long)LONG_MAX)
			return -EINVAL;
		total += min(iov[k].len, MAX_RW_COUNT - total);
	}
	if (!target)
		return -ESRCH;
	if (target->mm != tsk->mm) {
		if (!process_madvise_remote_valid(behavior))
			return -EINVAL;
		if (!capable(tsk, CAP_SYS_NICE))
			return -EPERM;
	}
	for (left = total; left; ) {
		unsigned long len = min(iov[i].len, left);

		ret = sys_madvise(target->mm == tsk->mm ? tsk : target, iov[i].base, len, behavior);
		if (ret < 0)
			break;
		done += len;
		left -= len;
		for (i++; left && !iov[i].len; i++)
			;
	}
	return done ? (long)done : ret;
}

static bool is_valid_name_char(char ch)
{
	return ch >= 32 && ch < 127 && !strchr("\\`$[]", ch);
}

static int madvise_vma_anon_name(struct task *tsk, struct vm_area_struct *vma,
				 struct vm_area_struct **prev, unsigned long start,
				 unsigned long end, unsigned long arg)
{
	int error;

	/* Only anonymous memory is named: not even /dev/zero's (vma_is_anon_shmem) */
	if (vma->vm_file && !vma->vm_file->shmem)
		return -EBADF;
	error = madvise_update_vma(tsk, vma, prev, start, end, vma->vm_flags,
				   (struct anon_vma_name *)arg);
	return error == -ENOMEM ? -EAGAIN : error;
}

/**
 * prctl_set_vma_anon_name - prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, start, len, name).
 * @name: NULL clears the name.
 * Return: 0; -EINVAL (bad name or range); -ENOMEM (holes); -EBADF (a file mapping).
 */
long prctl_set_vma_anon_name(struct task *tsk, unsigned long start, unsigned long len,
			     const char *name)
{
	struct anon_vma_name *anon_name = NULL;
	unsigned long end;
	long err;

	if (name) {
		if (strnlen(name, ANON_VMA_NAME_MAX_LEN) >= ANON_VMA_NAME_MAX_LEN)
			return -EINVAL;
		for (const char *p = name; *p; p++)
			if (!is_valid_name_char(*p))
				return -EINVAL;
		anon_name = anon_vma_name_alloc(name);
		if (!anon_name)
			return -ENOMEM;
	}
	err = madvise_range(start, len, &end);
	if (err == 0)
		err = madvise_walk_vmas(tsk, start, end, (unsigned long)anon_name,
					madvise_vma_anon_name);
	else if (err == 1)
		err = 0;
	anon_vma_name_put(anon_name);
	return err;
}

static bool can_do_mlock(struct task *tsk)
{
	return task_rlimit(tsk, RLIMIT_MEMLOCK) != 0 || capable(tsk, CAP_IPC_LOCK);
}

static int mlock_fixup(struct task *tsk, struct vm_area_struct *vma,
		       struct vm_area_struct **prev, unsigned long start, unsigned long end,
		       vm_flags_t newflags)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t oldflags = vma->vm_flags;
	long nr_pages;

	if (newflags == oldflags || (oldflags & (VM_SPECIAL | VM_HUGETLB | VM_DROPPABLE))) {
		*prev = vma;
		return 0;
	}
	vma = vma_modify_flags_name(mm, *prev, vma, start, end, newflags, vma->anon_name);
	if (IS_ERR(vma)) {
		*prev = NULL;
		return (int)PTR_ERR(vma);
	}
	nr_pages = (long)((end - start) >> PAGE_SHIFT);
	if (!(newflags & VM_LOCKED))
		nr_pages = -nr_pages;
	else if (oldflags & VM_LOCKED)
		nr_pages = 0;
	mm->locked_vm += nr_pages;
	vma->vm_flags = newflags | (vma->vm_flags & VM_STICKY);
	mm->vma_seq++;
	*prev = vma;
	return 0;
}

static int apply_vma_lock_flags(struct task *tsk, unsigned long start, size_t len,
				vm_flags_t flags)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long end = start + len, nstart, tmp;
	struct vm_area_struct *vma, *prev;
	int error;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vma = vma_lookup(mm, start);
	if (!vma)
		return -ENOMEM;
	prev = start > vma->vm_start ? vma : vma_prev_of(mm, vma);
	nstart = start;
	tmp = vma->vm_start;
	while (vma && vma->vm_start < end) {
		vm_flags_t newflags;

		if (vma->vm_start != tmp)
			return -ENOMEM;
		newflags = (vma->vm_flags & ~VM_LOCKED_MASK) | flags;
		tmp = min(vma->vm_end, end);
		error = mlock_fixup(tsk, vma, &prev, nstart, tmp, newflags);
		if (error)
			return error;
		tmp = prev->vm_end;
		nstart = tmp;
		vma = vma_next_of(mm, prev);
	}
	return tmp < end ? -ENOMEM : 0;
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

/**
 * sys_mlock2 - mlock2(2); mlock(2) is mlock2 with flags 0.
 * Return: 0; -EINVAL (flags, wrapping range); -EPERM (RLIMIT_MEMLOCK 0 without
 * CAP_IPC_LOCK); -ENOMEM (over RLIMIT_MEMLOCK, or holes); -EAGAIN.
 */
long sys_mlock2(struct task *tsk, unsigned long start, size_t len, int flags)
{
	vm_flags_t vm_flags = VM_LOCKED;
	unsigned long locked, lock_limit;
	int err;

	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	if (flags & MLOCK_ONFAULT)
		vm_flags |= VM_LOCKONFAULT;
	if (!can_do_mlock(tsk))
		return -EPERM;
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	lock_limit = task_rlimit(tsk, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	locked = (len >> PAGE_SHIFT) + tsk->mm->locked_vm;
	if (locked > lock_limit && !capable(tsk, CAP_IPC_LOCK))
		locked -= count_mm_mlocked_page_nr(tsk->mm, start, len);
	if (locked > lock_limit && !capable(tsk, CAP_IPC_LOCK))
		return -ENOMEM;
	err = apply_vma_lock_flags(tsk, start, len, vm_flags);
	if (err || (flags & MLOCK_ONFAULT))
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

long sys_munlock(struct task *tsk, unsigned long start, size_t len)
{
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	return apply_vma_lock_flags(tsk, start, len, 0);
}

static int apply_mlockall_flags(struct task *tsk, int flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma, *prev = NULL;
	vm_flags_t to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return 0;
	}
	if (flags & MCL_CURRENT) {
		to_add |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			to_add |= VM_LOCKONFAULT;
	}
	for (vma = find_vma(mm, 0); vma; vma = vma_next_of(mm, prev)) {
		vm_flags_t newflags = (vma->vm_flags & ~VM_LOCKED_MASK) | to_add;

		/* Errors are ignored, as in the kernel: mlockall locks what it can. */
		if (mlock_fixup(tsk, vma, &prev, vma->vm_start, vma->vm_end, newflags))
			prev = vma;
	}
	return 0;
}

/**
 * sys_mlockall - mlockall(2).
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
	apply_mlockall_flags(tsk, flags);
	/* Locks what it can and faults in what it can: populate errors are ignored. */
	if ((flags & MCL_CURRENT) && !(flags & MCL_ONFAULT))
		mm_populate(tsk, 0, TASK_SIZE_MAX, true);
	return 0;
}

long sys_munlockall(struct task *tsk)
{
	return apply_mlockall_flags(tsk, 0);
}

/**
 * sys_msync - msync(2): argument and range checks; MS_SYNC on a shared file mapping syncs the
 * host file.
 * Return: 0; -EINVAL; -ENOMEM (holes); -EBUSY (MS_INVALIDATE on locked memory).
 */
long sys_msync(struct task *tsk, unsigned long start, size_t len, int flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma;
	unsigned long end;
	int unmapped_error = 0;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	vma = find_vma(mm, start);
	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			if (flags == MS_ASYNC)
				return -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return -ENOMEM;
			unmapped_error = -ENOMEM;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			return -EBUSY;
		if ((flags & MS_SYNC) && vma->vm_file && (vma->vm_flags & VM_SHARED) &&
		    vma->vm_file->host_fd >= 0 && fdatasync(vma->vm_file->host_fd))
			return -EIO;
		start = vma->vm_end;
		if (start >= end)
			return unmapped_error;
		vma = vma_next_of(mm, vma);
	}
}
