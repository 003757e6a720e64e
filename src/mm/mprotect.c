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
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!pte_present(pte) || pte_write(pte))
		return 0;
	if (u->vma->vm_flags & VM_SHARED) {
		/* Write-notify: a dirty entry has told the file already, a clean one must fault. */
		if (!pte_dirty(pte))
			return 0;
	} else {
		page = vm_normal_page(u->vma, addr, pte);
		if (!page || !PageAnon(page) || !PageAnonExclusive(page))
			return 0;
	}
	/* One atomic update: the MMU may set the accessed bit meanwhile. */
	(void)ptep_set_bits(ptep, _PAGE_RW);
	if (!u->flush_end)
		u->flush_start = addr;
	u->flush_end = addr + PAGE_SIZE;
	return 0;
}

/*
 * A private VMA that is writable now gets write access in the entries of its exclusive
 * anonymous pages at once, as the write fault would have given it without copying
 * (vma_wants_manual_pte_write_upgrade): so after mprotect(PROT_READ) and back to
 * PROT_READ|PROT_WRITE, writes to pages the process owns alone do not fault. A shared
 * write-notified VMA does the same for its dirty entries (the file knows of those pages).
 */
static void mprotect_upgrade_writable(struct mm_struct *mm, struct vm_area_struct *vma,
				      unsigned long start, unsigned long end)
{
	struct upgrade_state u = { .vma = vma };

	if (!(vma->vm_flags & VM_WRITE))
		return;
	if ((vma->vm_flags & VM_SHARED) ? !vma_wants_writenotify(vma, vma->vm_flags) :
					   !vma->anon_vma)
		return;
	(void)walk_pte_range(mm, start, end, upgrade_one, &u);
	if (u.flush_end)
		flush_tlb_range(mm, u.flush_start, u.flush_end);
}

/* Gives [start, end) of @vma @newflags; *pprev becomes the VMA that covers it. */
static int mprotect_fixup(struct task *tsk, struct vm_area_struct *vma,
			  struct vm_area_struct **pprev, unsigned long start, unsigned long end,
			  vm_flags_t newflags)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t oldflags = vma->vm_flags;
	long nrpages = (long)((end - start) >> PAGE_SHIFT), charged = 0;

	/* Even a change to the same protection: the seal is checked first (mseal). */
	if (vma_is_sealed(vma))
		return -EPERM;
	if (newflags == oldflags) {
		*pprev = vma;
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
	vma->vm_flags = newflags | (vma->vm_flags & VM_STICKY); /* a merge may add them */
	vma_set_page_prot(vma);
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

/* What one mprotect call asks of each VMA of its range. */
struct mprotect_req {
	struct task *tsk;
	unsigned long prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC; PROT_SEM is a no-op */
	int pkey;			/* -1: keep the VMA's key (or let pkeys.c pick one) */
};

/*
 * The flags @vma gets: the new access bits and key, everything else kept. They must stay
 * within the VMA's VM_MAY* bits, and memory-deny-write-execute (PR_SET_MDWE) may refuse them.
 */
static int mprotect_vma_flags(const struct mprotect_req *req, struct vm_area_struct *vma,
			      vm_flags_t *newflags)
{
	/* The key first: getting the execute-only key may write PKRU even if this fails. */
	vm_flags_t flags = pkey_vm_flags(arch_override_mprotect_pkey(req->tsk, vma, req->prot,
								       req->pkey));

	flags |= vma->vm_flags & ~(VM_ACCESS_FLAGS | VM_PKEY_MASK);
	if (req->prot & PROT_READ)
		flags |= VM_READ;
	if (req->prot & PROT_WRITE)
		flags |= VM_WRITE;
	if (req->prot & PROT_EXEC)
		flags |= VM_EXEC;
	/* VM_MAY* sit four bits above their VM_* counterparts */
	if (flags & ~(flags >> 4) & VM_ACCESS_FLAGS)
		return -EACCES;
	if (map_deny_write_exec(req->tsk->mm, vma->vm_flags, flags))
		return -EACCES;
	*newflags = flags;
	return 0;
}

/* Visits one VMA piece of the range. */
static int mprotect_vma(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	const struct mprotect_req *req = w->private;
	vm_flags_t newflags;
	int err = mprotect_vma_flags(req, vma, &newflags);

	return err ?: mprotect_fixup(req->tsk, vma, &w->prev, start, end, newflags);
}

/*
 * The checks made before any VMA is looked at, in the kernel's order (it shows, as their
 * errors differ). Return: 1 when the length is 0 (nothing to do), 0 with *end set, or -errno.
 */
static int mprotect_check_args(struct mm_struct *mm, unsigned long start, size_t len,
			       unsigned long prot, int pkey, unsigned long *end)
{
	const unsigned long grows = PROT_GROWSDOWN | PROT_GROWSUP;

	/* both directions at once, or an unaligned start */
	if ((prot & grows) == grows || (start & ~PAGE_MASK))
		return -EINVAL;
	if (!len)
		return 1;
	*end = start + PAGE_ALIGN(len);
	if (*end <= start)
		return -ENOMEM;
	if (prot & ~(grows | PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	/* a key userspace did not allocate */
	if (pkey != -1 && !mm_pkey_is_allocated(mm, pkey))
		return -EINVAL;
	return 0;
}

/*
 * Where the change begins. With PROT_GROWSDOWN, at the start of the stack VMA the range
 * begins in, so a stack that grew down since is changed whole; otherwise the range must
 * begin inside a VMA. x86 has no VM_GROWSUP: PROT_GROWSUP on mapped memory is EINVAL.
 */
static int mprotect_range_start(struct mm_struct *mm, unsigned long *start, unsigned long end,
				unsigned long grows)
{
	struct vm_area_struct *vma = find_vma_intersection(mm, *start, end);

	if (!vma)
		return -ENOMEM;
	if (!(grows & PROT_GROWSDOWN)) {
		if (vma->vm_start > *start)
			return -ENOMEM;
		return grows ? -EINVAL : 0;
	}
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EINVAL;
	*start = vma->vm_start;
	return 0;
}

/**
 * do_mprotect_pkey - mprotect(2), and pkey_mprotect(2) when @pkey is not -1.
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (unaligned start, unknown bits, PROT_GROWSDOWN on a VMA without
 * VM_GROWSDOWN, a @pkey that is not allocated); -ENOMEM (a hole in the range, or the
 * map-count limit); -EACCES (beyond VM_MAY*); -EPERM (a sealed VMA).
 */
long do_mprotect_pkey(struct task *tsk, unsigned long start, size_t len, unsigned long prot,
		      int pkey)
{
	struct mprotect_req req = {
		.tsk = tsk,
		.prot = prot & ~(PROT_GROWSDOWN | PROT_GROWSUP),
		.pkey = pkey,
	};
	struct vma_walk w = { .mm = tsk->mm, .visit = mprotect_vma, .private = &req };
	int err;

	err = mprotect_check_args(tsk->mm, start, len, prot, pkey, &w.end);
	if (err)
		return err < 0 ? err : 0;
	err = mprotect_range_start(tsk->mm, &start, w.end, prot & (PROT_GROWSDOWN | PROT_GROWSUP));
	if (err)
		return err;
	/* VMA by VMA, stopping at the first hole or refusal; what was changed stays changed. */
	w.start = start;
	return vma_walk_range(&w);
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
