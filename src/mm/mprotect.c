// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mprotect(2) (mm/mprotect.c): new access flags for a range, splitting and merging VMAs as
 * needed, bounded by each VMA's VM_MAY* flags, by memory-deny-write-execute (EACCES) and by
 * seals (EPERM). Like the kernel, it changes VMA after VMA and stops at the first hole with
 * -ENOMEM or the first refusal, keeping what it already changed; a private VMA made writable
 * gets writable entries for its exclusive anonymous pages at once, as change_pte_range does
 * (MM_CP_TRY_CHANGE_WRITABLE). pkey_mprotect's key,
 * or the key pkeys.c's arch_override_mprotect_pkey picks for a plain mprotect, goes into each
 * VMA's flags and entries. Write access that adds VM_ACCOUNT is charged (util.c) and may fail
 * with ENOMEM. Left out: READ_IMPLIES_EXEC.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/mmap.h"
#include "mm/syscalls.h"
#include "mm/task.h"
#include "mmu/pgrange.h"
#include "mmu/tlb.h"

#include <sys/mman.h>

#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif

struct upgrade_state {
	struct vm_area_struct *vma;
	unsigned long flush_start, flush_end;	/* Entries made writable */
};

/* One entry of change_pte_range's MM_CP_TRY_CHANGE_WRITABLE pass (can_change_pte_writable). */
static int upgrade_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct upgrade_state *u = data;
	pte_t pte = *ptep;
	struct page *page;

	if (!pte_present(pte) || pte_write(pte))
		return 0;
	page = vm_normal_page(u->vma, addr, pte);
	if (!page || !PageAnon(page) || !PageAnonExclusive(page))
		return 0;
	set_pte_at(mm, addr, ptep, pte_mkwrite(pte));
	if (!u->flush_end)
		u->flush_start = addr;
	u->flush_end = addr + PAGE_SIZE;
	return 0;
}

/*
 * A private VMA that is writable now gets write access in the entries of its exclusive
 * anonymous pages at once, as the write fault would have given it without copying
 * (vma_wants_manual_pte_write_upgrade): so after mprotect(PROT_READ) and back to
 * PROT_READ|PROT_WRITE, writes to pages the process owns alone do not fault.
 */
static void mprotect_upgrade_writable(struct mm_struct *mm, struct vm_area_struct *vma,
				      unsigned long start, unsigned long end)
{
	struct upgrade_state u = { .vma = vma };

	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != VM_WRITE || !vma->anon_vma)
		return;
	(void)walk_pte_range(mm, start, end, upgrade_one, &u);
	if (u.flush_end)
		flush_tlb_range(mm, u.flush_start, u.flush_end);
}

static int mprotect_fixup(struct task *tsk, struct vm_area_struct *vma,
			  struct vm_area_struct **pprev, unsigned long start, unsigned long end,
			  vm_flags_t newflags, struct vm_area_struct **out)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t oldflags = vma->vm_flags;
	long nrpages = (long)((end - start) >> PAGE_SHIFT), charged = 0;

	/* Even a change to the same protection: the seal is checked first (mseal). */
	if (vma_is_sealed(vma))
		return -EPERM;
	if (newflags == oldflags) {
		*pprev = vma;
		*out = vma;
		return 0;
	}
	/* Private memory that becomes writable is charged for (VM_ACCOUNT), once. */
	if (newflags & VM_WRITE) {
		/* RLIMIT_DATA: memory that turns into data counts against it */
		if (!may_expand_vm(tsk, newflags, (unsigned long)nrpages) &&
		    may_expand_vm(tsk, oldflags, (unsigned long)nrpages))
			return -ENOMEM;
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
			charged = nrpages;
			if (security_vm_enough_memory_mm(tsk, mm, charged))
				return -ENOMEM;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	vma = vma_modify_flags_name(mm, *pprev, vma, start, end, newflags, vma->anon_name);
	if (IS_ERR(vma)) {
		vm_unacct_memory(mm->machine, charged);
		return (int)PTR_ERR(vma);
	}
	*pprev = vma;
	*out = vma;
	vma->vm_flags = newflags | (vma->vm_flags & VM_STICKY); /* a merge may add them */
	vma->vm_page_prot = vm_get_page_prot(newflags);
	mm->vma_seq++;
	pt_change_protection(&mm->context, start, end, vma->vm_page_prot);
	if ((oldflags & VM_ACCOUNT) && !(newflags & VM_ACCOUNT))
		vm_unacct_memory(mm->machine, nrpages);
	mprotect_upgrade_writable(mm, vma, start, end);
	vm_stat_account(mm, oldflags, -nrpages);
	vm_stat_account(mm, newflags, nrpages);
	/*
	 * A locked private VMA that becomes writable is written in now, so that the COW happens
	 * here rather than in a later fault; its new pages give it an anon_vma, which then keeps
	 * VM_ACCOUNT through a later mprotect and decides its merges. Failures are ignored.
	 */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE) &&
	    !(newflags & VM_LOCKONFAULT))
		(void)mm_populate_vma(tsk, vma, start, end);
	return 0;
}

/**
 * do_mprotect_pkey - mprotect(2), and pkey_mprotect(2) when @pkey is not -1.
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (unaligned start, unknown bits, PROT_GROWSDOWN on a VMA without
 * VM_GROWSDOWN, a @pkey that is not allocated); -ENOMEM (a hole in the range, or the
 * map-count limit); -EACCES (beyond VM_MAY*).
 */
long do_mprotect_pkey(struct task *tsk, unsigned long start, size_t len, unsigned long prot,
		      int pkey)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	unsigned long end, nstart, tmp;
	struct vm_area_struct *vma, *prev;
	int error;

	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	if (pkey != -1 && !mm_pkey_is_allocated(mm, pkey))
		return -EINVAL;

	vma = find_vma_intersection(mm, start, end);
	if (!vma)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		start = vma->vm_start;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return -EINVAL;
	} else {
		if (vma->vm_start > start)
			return -ENOMEM;
		if (grows & PROT_GROWSUP)
			return -EINVAL; /* x86 has no VM_GROWSUP */
	}
	prev = vma_prev_of(mm, vma);
	if (start > vma->vm_start)
		prev = vma;

	nstart = start;
	tmp = vma->vm_start;
	error = 0;
	while (vma && vma->vm_start < end) {
		vm_flags_t newflags;
		struct vm_area_struct *done = NULL; /* set on success; -O3 cannot see it */

		if (vma->vm_start != tmp) {
			error = -ENOMEM;
			break;
		}
		/* The key first: getting the execute-only key may write PKRU even if this fails. */
		newflags = pkey_vm_flags(arch_override_mprotect_pkey(tsk, vma, prot, pkey));
		newflags |= (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
			    (prot & PROT_EXEC ? VM_EXEC : 0);
		newflags |= vma->vm_flags & ~(VM_ACCESS_FLAGS | VM_PKEY_MASK);
		/* VM_MAY* sit four bits above their VM_* counterparts */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			error = -EACCES;
			break;
		}
		if (map_deny_write_exec(mm, vma->vm_flags, newflags)) {
			error = -EACCES; /* PR_SET_MDWE */
			break;
		}
		tmp = min(vma->vm_end, end);
		error = mprotect_fixup(tsk, vma, &prev, nstart, tmp, newflags, &done);
		if (error)
			break;
		tmp = done->vm_end;
		nstart = tmp;
		vma = vma_next_of(mm, done);
	}
	if (!error && tmp < end)
		error = -ENOMEM;
	return error;
}

/**
 * sys_mprotect - mprotect(2): do_mprotect_pkey without a key.
 * Context: the caller holds mmap_lock for writing.
 * Return: as do_mprotect_pkey.
 */
long sys_mprotect(struct task *tsk, unsigned long start, size_t len, unsigned long prot)
{
	return do_mprotect_pkey(tsk, start, len, prot, -1);
}
