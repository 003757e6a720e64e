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

static struct vm_area_struct *vma_to_resize(struct task *tsk, unsigned long addr,
					    unsigned long old_len, unsigned long new_len,
					    unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	pgoff_t pgoff;

	if (!vma)
		return ERR_PTR(-EFAULT);
	if (vma_is_sealed(vma))
		return ERR_PTR(-EPERM);
	/* Duplicating a private mapping with old_len 0 makes an unrelated mapping. */
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return ERR_PTR(-EINVAL);
	if ((flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return ERR_PTR(-EINVAL);
	if (old_len > vma->vm_end - addr)
		return ERR_PTR(-EFAULT);
	if (new_len == old_len)
		return vma;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return ERR_PTR(-EINVAL);
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return ERR_PTR(-EFAULT);
	if (!mlock_future_ok(tsk, vma->vm_flags, new_len - old_len))
		return ERR_PTR(-EAGAIN);
	if (!may_expand_vm(tsk, vma->vm_flags, (new_len - old_len) >> PAGE_SHIFT))
		return ERR_PTR(-ENOMEM);
	return vma;
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
	new->vm_start = new_addr;
	new->vm_end = new_addr + len;
	new->vm_pgoff = pgoff;
	if (vma_tree_insert(mm, new)) {
		vm_area_free(new);
		return NULL;
	}
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	return new;
}

static long move_vma(struct task *tsk, struct vm_area_struct *vma, unsigned long old_addr,
		     unsigned long old_len, unsigned long new_len, unsigned long new_addr,
		     unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t vm_flags = vma->vm_flags;
	struct vm_area_struct *new_vma;
	/* A move charges the growth; MREMAP_DONTUNMAP keeps the old range, so all of it. */
	long to_account = (long)(((flags & MREMAP_DONTUNMAP) ? new_len : new_len - old_len) >>
				 PAGE_SHIFT);
	int err;

	if (mm->map_count >= mm->max_map_count - 3)
		return -ENOMEM;
	if (vma->vm_ops && vma->vm_ops->may_split) {
		err = 0;
		if (vma->vm_start != old_addr)
			err = vma->vm_ops->may_split(vma, old_addr);
		if (!err && vma->vm_end != old_addr + old_len)
			err = vma->vm_ops->may_split(vma, old_addr + old_len);
		if (err)
			return err;
	}
	if ((vm_flags & VM_ACCOUNT) && security_vm_enough_memory_mm(tsk, mm, to_account))
		return -ENOMEM;
	new_vma = copy_vma(mm, vma, new_addr, new_len,
			   vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT));
	if (!new_vma) {
		if (vm_flags & VM_ACCOUNT)
			vm_unacct_memory(mm->machine, to_account);
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
	if (flags & MREMAP_DONTUNMAP) {
		/* The old range stays mapped, emptied and unlocked. */
		vma = vma_lookup(mm, old_addr);
		/*
		 * As Linux 6.16+ (checked natively): the whole old VMA, not only the range, loses
		 * VM_LOCKED without being uncharged. Those pages stay in VmLck until exit;
		 * locked_vm_stale says how many.
		 */
		if (vma->vm_flags & VM_LOCKED)
			mm->locked_vm_stale += vma_pages(vma);
		vma->vm_flags &= ~VM_LOCKED_MASK;
		/*
		 * When it is the whole VMA, no page of it is left: it drops its anon_vma
		 * (unlink_anon_vmas), so it may merge with VMAs of other anon_vmas. Its offset
		 * stays (6.12 reset it to the address; 6.18, checked natively, does not).
		 */
		if (vma->vm_start == old_addr && vma->vm_end == old_addr + old_len &&
		    vma->anon_vma) {
			anon_vma_put(vma->anon_vma);
			vma->anon_vma = NULL;
		}
		mm->vma_seq++;
		return (long)new_addr;
	}
	/*
	 * The old range's charge moves with it (the kernel hides VM_ACCOUNT from the munmap;
	 * here the munmap returns the charge and it is taken again).
	 */
	if (vm_flags & VM_ACCOUNT)
		vm_acct_memory(mm->machine, (long)(old_len >> PAGE_SHIFT));
	/* A failed unmap (a split out of memory) leaves both ranges, as in the kernel. */
	err = do_vmi_munmap(mm, old_addr, old_len);
	(void)err;
	return (long)new_addr;
}

static long mremap_to(struct task *tsk, unsigned long addr, unsigned long old_len,
		      unsigned long new_addr, unsigned long new_len, unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma;
	unsigned long map_flags = 0, ret;
	int err;

	if (new_addr & ~PAGE_MASK)
		return -EINVAL;
	if (new_len > TASK_SIZE_MAX || new_addr > TASK_SIZE_MAX - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;
	/* 6.18 validates the source VMA before unmapping anything (check_prep_vma). */
	vma = vma_to_resize(tsk, addr, min(old_len, new_len), new_len, flags);
	if (IS_ERR(vma) && PTR_ERR(vma) != -ENOMEM && PTR_ERR(vma) != -EAGAIN)
		return PTR_ERR(vma);
	if (mm->map_count + 2 >= mm->max_map_count - 3)
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		err = do_vmi_munmap(mm, new_addr, new_len);
		if (err)
			return err;
	}
	if (old_len > new_len) {
		err = do_vmi_munmap(mm, addr + new_len, old_len - new_len);
		if (err)
			return err;
		old_len = new_len;
	}
	vma = vma_to_resize(tsk, addr, old_len, new_len, flags);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	if ((flags & MREMAP_DONTUNMAP) && !may_expand_vm(tsk, vma->vm_flags, old_len >> PAGE_SHIFT))
		return -ENOMEM;
	if (flags & MREMAP_FIXED)
		map_flags |= MAP_FIXED;
	if (vma->vm_flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	ret = get_unmapped_area(tsk, vma->vm_file, new_addr, new_len,
				vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), map_flags, 0);
	if (IS_ERR_VALUE(ret))
		return (long)ret;
	if (!(flags & MREMAP_FIXED))
		new_addr = ret;
	return move_vma(tsk, vma, addr, old_len, new_len, new_addr, flags);
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

static bool vma_expandable(struct task *tsk, struct vm_area_struct *vma, unsigned long delta)
{
	unsigned long end = vma->vm_end + delta;

	if (end < vma->vm_end)
		return false;
	if (find_vma_intersection(tsk->mm, vma->vm_end, end))
		return false;
	if (get_unmapped_area(tsk, NULL, vma->vm_start, end - vma->vm_start, 0, MAP_FIXED, 0) &
	    ~PAGE_MASK)
		return false;
	return true;
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
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma;
	int err;

	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || new_len > TASK_SIZE_MAX)
		return -EINVAL;
	/* The move target is checked before the source is looked up (check_mremap_params). */
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		if (new_addr & ~PAGE_MASK)
			return -EINVAL;
		if (new_len > TASK_SIZE_MAX || new_addr > TASK_SIZE_MAX - new_len)
			return -EINVAL;
		if (addr + old_len > new_addr && new_addr + new_len > addr)
			return -EINVAL;
	}
	if ((flags & MREMAP_FIXED) && old_len == new_len)
		return remap_move(tsk, addr, old_len, new_addr, flags);
	vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT;
	if (vma_is_sealed(vma))
		return -EPERM; /* check_prep_vma: before any shrink, growth or move */
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(tsk, addr, old_len, new_addr, new_len, flags);
	if (old_len >= new_len) {
		if (old_len == new_len)
			return (long)addr;
		err = do_vmi_munmap(mm, addr + new_len, old_len - new_len);
		return err ? err : (long)addr;
	}
	vma = vma_to_resize(tsk, addr, old_len, new_len, flags);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	if (old_len == vma->vm_end - addr && vma_expandable(tsk, vma, new_len - old_len)) {
		unsigned long pages = (new_len - old_len) >> PAGE_SHIFT;
		vm_flags_t f = vma->vm_flags;

		if ((f & VM_ACCOUNT) && security_vm_enough_memory_mm(tsk, mm, (long)pages))
			return -ENOMEM;
		if (!vma_merge_extend(mm, vma, new_len - old_len)) {
			if (f & VM_ACCOUNT)
				vm_unacct_memory(mm->machine, (long)pages);
			return -ENOMEM;
		}
		vm_stat_account(mm, f, (long)pages);
		if (f & VM_LOCKED)
			mm->locked_vm += pages;
		return (long)addr;
	}
	if (flags & MREMAP_MAYMOVE) {
		unsigned long map_flags = (vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0;
		unsigned long na = get_unmapped_area(
			tsk, vma->vm_file, 0, new_len,
			vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), map_flags, 0);

		if (IS_ERR_VALUE(na))
			return (long)na;
		return move_vma(tsk, vma, addr, old_len, new_len, na, flags);
	}
	return -ENOMEM;
}
