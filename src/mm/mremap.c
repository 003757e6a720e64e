// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mremap(2) (mm/mremap.c): shrink in place, grow in place when the space after the VMA is
 * free, or move to a new place (MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP), page-table
 * entries and all (memory.c's move_page_tables); MREMAP_FIXED without a size change moves
 * every VMA of the range (the 6.17 multi-VMA moves). A moved VMA that has no anonymous pages
 * yet takes the new address as its vm_pgoff, so it can merge with neighbours there, as
 * copy_vma() arranges; a whole VMA emptied by MREMAP_DONTUNMAP loses its anon_vma (and keeps
 * its offset). A sealed source is EPERM, and so is a sealed target (its munmap).
 * Growth of a charged (VM_ACCOUNT) VMA is charged as the kernel charges it (util.c).
 * Left out: hugetlb and userfaultfd.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/syscalls.h"
#include "mm/task.h"

#include <sys/mman.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

/* The file offset, in pages, at which @vma maps @addr. */
static pgoff_t vma_addr_pgoff(const struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/*
 * Whether mremap may take [addr, addr + old_len) out of @vma at all, growing or not. A
 * private mapping "duplicated" with old_len 0 would be a fresh, unrelated mapping, so
 * only shared ones may; VM_DONTEXPAND and VM_PFNMAP ranges cannot be left behind empty.
 */
static int mremap_check_source(const struct vm_area_struct *vma, unsigned long addr,
			       unsigned long old_len, unsigned long flags)
{
	vm_flags_t f = vma->vm_flags;

	if (vma_is_sealed(vma))
		return -EPERM;
	if (!old_len && !(f & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (f & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	return old_len > vma->vm_end - addr ? -EFAULT : 0; /* one VMA only */
}

/*
 * Whether the range may become @new_len bytes, @old_len of which it has now: its file
 * offsets must not wrap, the VMA must allow growth, and the task's limits must allow
 * the extra bytes (locked, and in the address space).
 */
static int mremap_check_growth(struct task *tsk, const struct vm_area_struct *vma,
			       unsigned long addr, unsigned long old_len, unsigned long new_len)
{
	unsigned long extra = new_len - old_len;
	pgoff_t end;

	if (__builtin_add_overflow(vma_addr_pgoff(vma, addr), new_len >> PAGE_SHIFT, &end))
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if (!mlock_future_ok(tsk, vma->vm_flags, extra))
		return -EAGAIN;
	return may_expand_vm(tsk, vma->vm_flags, extra >> PAGE_SHIFT) ? 0 : -ENOMEM;
}

/*
 * vma_to_resize - the VMA holding [@addr, @addr + @old_len), when mremap may turn that
 * range into @new_len bytes. Growth is checked only when the length changes.
 * Return: the VMA, or ERR_PTR with -EFAULT (no VMA at @addr, or the range leaves it),
 * -EPERM (sealed), -EINVAL, -EAGAIN (RLIMIT_MEMLOCK) or -ENOMEM (address-space limits).
 */
static struct vm_area_struct *vma_to_resize(struct task *tsk, unsigned long addr,
					    unsigned long old_len, unsigned long new_len,
					    unsigned long flags)
{
	struct vm_area_struct *vma = vma_lookup(tsk->mm, addr);
	int err;

	if (!vma)
		return ERR_PTR(-EFAULT);
	err = mremap_check_source(vma, addr, old_len, flags);
	if (!err && new_len != old_len)
		err = mremap_check_growth(tsk, vma, addr, old_len, new_len);
	return err ? ERR_PTR(err) : vma;
}

/* The target range of a move: page-aligned, in the user address space, apart from the source. */
static int mremap_check_target(unsigned long addr, unsigned long old_len,
			       unsigned long new_addr, unsigned long new_len)
{
	if ((new_addr & ~PAGE_MASK) || new_len > TASK_SIZE_MAX ||
	    new_addr > TASK_SIZE_MAX - new_len)
		return -EINVAL;
	return addr + old_len > new_addr && new_addr + new_len > addr ? -EINVAL : 0;
}

/* Copies @vma's [addr, addr+len) to @new_addr, merging there when possible (copy_vma). */
static struct vm_area_struct *copy_vma(struct mm_struct *mm, struct vm_area_struct *vma,
				       unsigned long new_addr, unsigned long len, pgoff_t pgoff)
{
	struct vm_area_struct *prev, *next, *new;

	if (vma_is_anonymous(vma) && !vma->anon_vma)
		pgoff = new_addr >> PAGE_SHIFT;
	next = find_vma_prev(mm, new_addr, &prev);
	struct vma_merge_struct vmg = {
		.mm = mm,
		.prev = prev && prev->vm_end == new_addr ? prev : NULL,
		.next = next && next->vm_start == new_addr + len ? next : NULL,
		.start = new_addr, .end = new_addr + len, .pgoff = pgoff,
		.flags = vma->vm_flags, .file = vma->vm_file, .anon_vma = vma->anon_vma,
		.anon_name = vma->anon_name, .copied_from = vma,
	};
	new = vma_merge_new_range(&vmg);
	if (new || vmg.state == VMA_MERGE_ERROR_NOMEM)
		return new;
	new = vm_area_dup(vma);
	if (!new)
		return NULL;
	/* The range first: the chain's links are keyed by it. */
	new->vm_start = new_addr;
	new->vm_end = new_addr + len;
	new->vm_pgoff = pgoff;
	if (anon_vma_clone(new, vma)) {
		vm_area_free(new);
		return NULL;
	}
	if (vma_tree_insert(mm, new)) {
		vm_area_free(new);
		return NULL;
	}
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	return new;
}

/*
 * A move cuts @vma where the moved range [from, to) begins and ends, unless @vma itself
 * begins or ends there; its driver may refuse either cut (vm_ops->may_split).
 */
static int move_vma_may_split(struct vm_area_struct *vma, unsigned long from, unsigned long to)
{
	int (*may_split)(struct vm_area_struct *, unsigned long);
	int err;

	may_split = vma->vm_ops ? vma->vm_ops->may_split : NULL;
	if (!may_split)
		return 0;
	err = from != vma->vm_start ? may_split(vma, from) : 0;
	if (!err && to != vma->vm_end)
		err = may_split(vma, to);
	return err;
}

/*
 * MREMAP_DONTUNMAP: the old range stays mapped, emptied and unlocked. When it is the
 * whole VMA, no page of it is left: it drops its anon_vma (unlink_anon_vmas), so it may
 * merge with VMAs of other anon_vmas. Its offset stays (6.12 reset it to the address;
 * 6.18, checked natively, does not).
 */
static void move_vma_keep_source(struct mm_struct *mm, unsigned long old_addr,
				 unsigned long old_len)
{
	struct vm_area_struct *old = vma_lookup(mm, old_addr);
	bool whole = old->vm_start == old_addr && old->vm_end == old_addr + old_len;

	/*
	 * As Linux 6.16+ (checked natively): the whole old VMA, not only the range, loses
	 * VM_LOCKED without being uncharged. Those pages stay in VmLck until exit;
	 * locked_vm_stale says how many.
	 */
	if (old->vm_flags & VM_LOCKED)
		mm->locked_vm_stale += vma_pages(old);
	old->vm_flags &= ~VM_LOCKED_MASK;
	if (whole)
		unlink_anon_vmas(old);
	mm->vma_seq++;
}

/*
 * move_vma - move [old_addr, old_addr + old_len) of @vma to @new_addr, @new_len bytes
 * long (old_len <= new_len): a copy of the VMA there takes the page tables, then the old
 * range is unmapped, or kept empty with MREMAP_DONTUNMAP. The growth is charged first
 * (all of the new range with MREMAP_DONTUNMAP, whose source stays).
 * Return: @new_addr; -ENOMEM (map count, overcommit, memory) or a may_split refusal,
 * with nothing moved.
 */
static long move_vma(struct task *tsk, struct vm_area_struct *vma, unsigned long old_addr,
		     unsigned long old_len, unsigned long new_len, unsigned long new_addr,
		     unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t vm_flags = vma->vm_flags;
	bool keep_source = flags & MREMAP_DONTUNMAP, charged = vm_flags & VM_ACCOUNT;
	long charge = (long)((keep_source ? new_len : new_len - old_len) >> PAGE_SHIFT);
	int err;

	if (mm->map_count >= mm->max_map_count - 3)
		return -ENOMEM;
	err = move_vma_may_split(vma, old_addr, old_addr + old_len);
	if (err)
		return err;
	if (charged && security_vm_enough_memory_mm(tsk, mm, charge))
		return -ENOMEM;
	if (!copy_vma(mm, vma, new_addr, new_len, vma_addr_pgoff(vma, old_addr))) {
		if (charged)
			vm_unacct_memory(mm->machine, charge);
		return -ENOMEM;
	}
	(void)move_page_tables(mm, old_addr, new_addr, min(old_len, new_len));
	/*
	 * The new range is charged now, as vrm_stat_account does: locked_vm grows by it even
	 * when the old range stays (MREMAP_DONTUNMAP, or an unmap that fails below).
	 */
	vm_stat_account(mm, vm_flags, (long)(new_len >> PAGE_SHIFT));
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += new_len >> PAGE_SHIFT;
	if (keep_source) {
		move_vma_keep_source(mm, old_addr, old_len);
		return (long)new_addr;
	}
	/*
	 * The old range's charge moves with it (the kernel hides VM_ACCOUNT from the munmap;
	 * here the munmap returns the charge and it is taken again). A failed munmap (a
	 * split at the limit) leaves both ranges mapped, as in the kernel.
	 */
	if (charged)
		vm_acct_memory(mm->machine, (long)(old_len >> PAGE_SHIFT));
	err = do_vmi_munmap(mm, old_addr, old_len);
	(void)err;
	return (long)new_addr;
}

/*
 * Where a move puts the range: MREMAP_FIXED's @new_addr as given (get_unmapped_area still
 * vets it), else a place of mmap's choosing, @new_addr being only a hint. The source's
 * file offset and sharing go along so the placement treats it as mmap would.
 */
static unsigned long mremap_target(struct task *tsk, struct vm_area_struct *vma,
				   unsigned long addr, unsigned long new_addr,
				   unsigned long new_len, unsigned long flags)
{
	unsigned long map_flags = ((flags & MREMAP_FIXED) ? MAP_FIXED : 0) |
				  ((vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0);
	unsigned long to = get_unmapped_area(tsk, vma->vm_file, new_addr, new_len,
					     vma_addr_pgoff(vma, addr), map_flags, 0);

	if (IS_ERR_VALUE(to) || !(flags & MREMAP_FIXED))
		return to;
	return new_addr;
}

/*
 * The unmapping before a move: the MREMAP_FIXED target, then the source's tail beyond
 * @new_len when the move also shrinks it (*old_len becomes @new_len). move_vma() needs
 * the mm 4 VMAs below the limit, and each unmap here may split one VMA more.
 */
static int mremap_unmap_first(struct mm_struct *mm, unsigned long addr, unsigned long *old_len,
			      unsigned long new_addr, unsigned long new_len, unsigned long flags)
{
	int err = 0;

	if (mm->map_count + 2 >= mm->max_map_count - 3)
		return -ENOMEM;
	if (flags & MREMAP_FIXED)
		err = do_vmi_munmap(mm, new_addr, new_len);
	if (!err && *old_len > new_len) {
		err = do_vmi_munmap(mm, addr + new_len, *old_len - new_len);
		*old_len = new_len;
	}
	return err;
}

/*
 * mremap_to - the moves sys_mremap() has checked the target of: MREMAP_FIXED and
 * MREMAP_DONTUNMAP. The source is vetted before anything is unmapped (6.18's
 * check_prep_vma), limits aside, since the unmapping can still change those; after it,
 * vetted again in full.
 */
static long mremap_to(struct task *tsk, unsigned long addr, unsigned long old_len,
		      unsigned long new_addr, unsigned long new_len, unsigned long flags)
{
	struct vm_area_struct *vma;
	unsigned long to;
	int err;

	vma = vma_to_resize(tsk, addr, min(old_len, new_len), new_len, flags);
	if (IS_ERR(vma) && PTR_ERR(vma) != -ENOMEM && PTR_ERR(vma) != -EAGAIN)
		return PTR_ERR(vma);
	err = mremap_unmap_first(tsk->mm, addr, &old_len, new_addr, new_len, flags);
	if (err)
		return err;
	vma = vma_to_resize(tsk, addr, old_len, new_len, flags);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	/* The source stays mapped under MREMAP_DONTUNMAP: all of the target is new. */
	if ((flags & MREMAP_DONTUNMAP) && !may_expand_vm(tsk, vma->vm_flags, old_len >> PAGE_SHIFT))
		return -ENOMEM;
	to = mremap_target(tsk, vma, addr, new_addr, new_len, flags);
	if (IS_ERR_VALUE(to))
		return (long)to;
	return move_vma(tsk, vma, addr, old_len, new_len, to, flags);
}

/*
 * remap_move - MREMAP_FIXED without a size change moves every VMA of [addr, addr+len) (Linux
 * 6.17+): each VMA piece goes to new_addr plus its offset in the range, so the gaps between
 * source VMAs stay gaps, and each piece's move unmaps only its own target - what lies at the
 * target of a gap stays mapped. The range must start in a VMA; a failure leaves the pieces
 * already moved where they went, as in the kernel.
 *
 *   source:  |  A  |  gap  | B |        target: |  A' | (kept)| B'|
 */
static long remap_move(struct task *tsk, unsigned long addr, unsigned long len,
		       unsigned long new_addr, unsigned long flags)
{
	unsigned long end = addr + len, pos = addr;
	struct vm_area_struct *vma;
	long ret, first = -EFAULT;

	while ((vma = find_vma_intersection(tsk->mm, pos, end))) {
		unsigned long from = max(vma->vm_start, pos), n = min(end, vma->vm_end) - from;

		if (pos == addr && from != addr)
			return -EFAULT; /* no gap at the start of the range */
		ret = mremap_to(tsk, from, n, new_addr + (from - addr), n, flags);
		if (ret < 0)
			return ret;
		if (pos == addr)
			first = ret;
		pos = from + n;
	}
	return first;
}

/* [vm_end, vm_end + delta) is free and a place mmap could use: @vma may grow over it. */
static bool vma_expandable(struct task *tsk, struct vm_area_struct *vma, unsigned long delta)
{
	unsigned long end;

	if (__builtin_add_overflow(vma->vm_end, delta, &end) ||
	    find_vma_intersection(tsk->mm, vma->vm_end, end))
		return false;
	end = get_unmapped_area(tsk, NULL, vma->vm_start, end - vma->vm_start, 0, MAP_FIXED, 0);
	return !(end & ~PAGE_MASK);
}

/* Grows @vma by @delta in place, merging with the VMA after it when they match. */
static struct vm_area_struct *vma_merge_extend(struct mm_struct *mm, struct vm_area_struct *vma,
					       unsigned long delta)
{
	struct vm_area_struct *next = vma_next_of(mm, vma);
	struct vma_merge_struct vmg = {
		.mm = mm, .prev = vma,
		.next = next && next->vm_start == vma->vm_end + delta ? next : NULL,
		.start = vma->vm_end, .end = vma->vm_end + delta,
		.pgoff = vma->vm_pgoff + vma_pages(vma), .flags = vma->vm_flags,
		.file = vma->vm_file, .anon_vma = vma->anon_vma, .anon_name = vma->anon_name,
	};

	return vma_merge_new_range(&vmg);
}

/* Grows @vma by @pages in place: charged first when VM_ACCOUNT, returned on failure. */
static int mremap_grow_in_place(struct task *tsk, struct vm_area_struct *vma,
				unsigned long pages)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t f = vma->vm_flags;
	long charge = (f & VM_ACCOUNT) ? (long)pages : 0;

	if (charge && security_vm_enough_memory_mm(tsk, mm, charge))
		return -ENOMEM;
	if (!vma_merge_extend(mm, vma, pages << PAGE_SHIFT)) {
		if (charge)
			vm_unacct_memory(mm->machine, charge);
		return -ENOMEM;
	}
	vm_stat_account(mm, f, (long)pages);
	if (f & VM_LOCKED)
		mm->locked_vm += pages;
	return 0;
}

/*
 * A larger size without a fixed target: in place when the range ends where its VMA does
 * and the space after it is free, else moved when MREMAP_MAYMOVE allows it.
 */
static long mremap_grow(struct task *tsk, unsigned long addr, unsigned long old_len,
			unsigned long new_len, unsigned long flags)
{
	struct vm_area_struct *vma = vma_to_resize(tsk, addr, old_len, new_len, flags);
	unsigned long to;
	int err;

	if (IS_ERR(vma))
		return PTR_ERR(vma);
	if (old_len == vma->vm_end - addr && vma_expandable(tsk, vma, new_len - old_len)) {
		err = mremap_grow_in_place(tsk, vma, (new_len - old_len) >> PAGE_SHIFT);
		return err ? err : (long)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	to = mremap_target(tsk, vma, addr, 0, new_len, flags);
	if (IS_ERR_VALUE(to))
		return (long)to;
	return move_vma(tsk, vma, addr, old_len, new_len, to, flags);
}

/* The arguments alone, as check_mremap_params() tells them; the lengths get page-aligned. */
static int mremap_check_args(unsigned long addr, unsigned long *old_len, unsigned long *new_len,
			     unsigned long flags)
{
	bool may_move = flags & MREMAP_MAYMOVE;

	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	/* A fixed target, or keeping the source, only make sense for a move. */
	if ((flags & MREMAP_FIXED) && !may_move)
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (!may_move || *old_len != *new_len))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	*old_len = PAGE_ALIGN(*old_len);
	*new_len = PAGE_ALIGN(*new_len);
	return !*new_len || *new_len > TASK_SIZE_MAX ? -EINVAL : 0;
}

/**
 * sys_mremap - mremap(2).
 * Context: the caller holds mmap_lock for writing.
 * Return: the (new) address; -EINVAL (flags, alignment, overlap, length 0); -EFAULT (no VMA at
 * @addr or the range crosses VMAs); -ENOMEM (cannot grow without MREMAP_MAYMOVE, limits);
 * -EAGAIN (RLIMIT_MEMLOCK).
 */
long sys_mremap(struct task *tsk, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	bool to_target = flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
	struct vm_area_struct *vma;
	int err;

	err = mremap_check_args(addr, &old_len, &new_len, flags);
	/* The move target is checked before the source is looked up. */
	if (!err && to_target)
		err = mremap_check_target(addr, old_len, new_addr, new_len);
	if (err)
		return err;
	if ((flags & MREMAP_FIXED) && old_len == new_len)
		return remap_move(tsk, addr, old_len, new_addr, flags);
	vma = vma_lookup(tsk->mm, addr);
	if (!vma)
		return -EFAULT;
	if (vma_is_sealed(vma))
		return -EPERM; /* check_prep_vma: before any shrink, growth or move */
	if (to_target)
		return mremap_to(tsk, addr, old_len, new_addr, new_len, flags);
	if (new_len > old_len)
		return mremap_grow(tsk, addr, old_len, new_len, flags);
	/* Same size: nothing to do; smaller: the tail goes, wherever VMAs begin and end. */
	if (new_len < old_len)
		err = do_vmi_munmap(tsk->mm, addr + new_len, old_len - new_len);
	return err ? err : (long)addr;
}
