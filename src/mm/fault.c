// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The user page-fault entry (arch/x86/mm/fault.c's do_user_addr_fault) and what it leans on:
 * the faulting task's lookup through its VMA cache (vmacache.c), stack growth (mm/mmap.c's
 * expand_downwards and acct_stack_growth: RLIMIT_STACK, RLIMIT_AS, RLIMIT_MEMLOCK, then the
 * overcommit charge of the new pages), the access check against
 * the VMA's flags and the thread's PKRU (pkeys.c), and the signal a failed fault becomes.
 * Left out: kernel-mode faults and exception fixups, the per-VMA lock fast path (the mmap_lock
 * is taken for reading, or for writing to grow the stack), userfaultfd and retry/killable
 * waits (nothing here sleeps).
 */
#include "mm/mmap_lock.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/fault.h"
#include "mm/mmap.h"
#include "mm/oom.h"
#include "mm/psi.h"
#include "mm/vma.h"
#include "mm/vmscan.h"
#include "mm/task.h"
#include "mmu/mmu.h"

#include <signal.h>

/* acct_stack_growth: may the stack grow to @size bytes, @grow pages more? */
static int acct_stack_growth(struct task *tsk, struct vm_area_struct *vma, unsigned long size,
			     unsigned long grow)
{
	if (!may_expand_vm(tsk, vma->vm_flags, grow))
		return -ENOMEM;
	if (size > task_rlimit(tsk, RLIMIT_STACK))
		return -ENOMEM;
	if (!mlock_future_ok(tsk, vma->vm_flags, grow << PAGE_SHIFT))
		return -ENOMEM;
	/* The last test: it charges the growth when it passes. */
	if (security_vm_enough_memory_mm(tsk, vma->vm_mm, (long)grow))
		return -ENOMEM;
	return 0;
}

/**
 * expand_stack - grow the VM_GROWSDOWN @vma down to cover @addr (expand_downwards).
 *
 * Refused below vm.mmap_min_addr, within stack_guard_gap of an accessible VMA below that is
 * not itself a stack, beyond RLIMIT_STACK, RLIMIT_AS or RLIMIT_MEMLOCK (for a locked stack).
 * The VMA only ever grows: an address at or above vm_start changes nothing.
 * Context: mmap_lock held for writing.
 * Return: 0; -EFAULT (not a stack), -EPERM (below mmap_min_addr), -ENOMEM (gap or limits).
 */
int expand_stack(struct task *tsk, struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev;
	unsigned long size, grow;
	int err;

	mmap_assert_write_locked(mm);
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	addr &= PAGE_MASK;
	if (addr < mm->mmap_min_addr)
		return -EPERM;
	prev = vma_prev_of(mm, vma);
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	if (addr >= vma->vm_start)
		return 0;
	size = vma->vm_end - addr;
	grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff)
		return -ENOMEM;
	err = acct_stack_growth(tsk, vma, size, grow);
	if (err)
		return err;
	/* As expand_downwards: the tree learns the new range first, the VMA follows. */
	err = vma_tree_store_range(mm, vma, addr, vma->vm_end);
	if (err) {
		vm_unacct_memory(mm->machine, (long)grow);
		return err;
	}
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	vm_stat_account(mm, vma->vm_flags, (long)grow);
	vma_set_pgrange(vma, addr, vma->vm_end, vma->vm_pgoff - grow);
	return 0;
}

/*
 * The thread's PKRU forbids the access to @vma's key: the hardware said so, or the page is
 * not present yet and the fault would only be followed by a protection-key fault.
 */
static bool bad_area_access_from_pkeys(const struct task *tsk, unsigned long error_code,
				       const struct vm_area_struct *vma)
{
	if (error_code & X86_PF_PK)
		return true;
	return !arch_vma_access_permitted(tsk, vma, error_code & X86_PF_WRITE,
					  error_code & X86_PF_INSTR);
}

/* access_error: the VMA, or the thread's PKRU, does not allow what the access tried. */
static bool access_error(const struct task *tsk, unsigned long error_code,
			 const struct vm_area_struct *vma)
{
	if (bad_area_access_from_pkeys(tsk, error_code, vma))
		return true;
	if (error_code & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	/* A read or fetch of a present page failed: the entry forbids it, so does the VMA. */
	if (error_code & X86_PF_PROT)
		return true;
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

static int fault_signal(struct mmu_fault *f, int signo, int code)
{
	f->signo = signo;
	f->si_code = code;
	f->sig_addr = f->address;
	return -EFAULT;
}

/* The VMA for @addr, growing a stack below it; NULL when there is none (SEGV_MAPERR). */
static struct vm_area_struct *lock_mm_and_find_vma(struct task *tsk, unsigned long addr)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vmacache_find_vma(tsk, addr);
	if (!vma || vma->vm_start <= addr)
		return vma;
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return NULL;
	/* Growing changes the VMA: retake the lock for writing and look again. */
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start > addr && expand_stack(tsk, vma, addr))
		vma = NULL;
	mmap_write_unlock(mm);
	mmap_read_lock(mm);
	vma = vmacache_find_vma(tsk, addr);
	return vma && vma->vm_start <= addr ? vma : NULL;
}

/**
 * do_user_addr_fault - handle the page fault @f taken by @tsk in user mode on @cpu.
 *
 * No VMA at or above the address, or a VMA above it that is not a stack that may grow to it:
 * SIGSEGV SEGV_MAPERR. An access the VMA does not allow: SEGV_ACCERR (SEGV_PKUERR for a
 * protection-key fault). Otherwise handle_mm_fault() resolves it; a page it cannot provide is
 * SIGBUS BUS_ADRERR. Running out of frames runs the OOM killer (pagefault_out_of_memory): the
 * fault is retried once another process was killed and reaped, and the task dies of SIGKILL
 * when it is the victim or nothing was left to kill; a task already killed takes no fault. A
 * resolved fault leaves the access's translation in @cpu's TLB when the new entry allows it,
 * so that the retried access hits.
 * Context: @cpu out of user mode; takes mmap_lock (reading) and page_table_lock.
 * Return: 0 when the access can be retried, with @cpu back in user mode (mmu_tlb_fill), or
 * -EFAULT with f->signo/si_code/sig_addr set and @cpu still out of it.
 */
int do_user_addr_fault(struct task *tsk, struct mmu_cpu *cpu, struct mmu_fault *f)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long addr = f->address;
	unsigned int flags = FAULT_FLAG_USER;
	struct vm_area_struct *vma;
	unsigned int memalloc = MEMALLOC_FAULT, old_memalloc;
	bool stalled;
	vm_fault_t ret;
	bool anon;
	gfp_t gfp;

	if (f->error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (f->error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	/*
	 * kswapd's safe point: no lock held and the CPU out of user mode (its reclaim flushes
	 * TLBs, this CPU's too). At the end of the fault the CPU is back in user mode
	 * (mmu_tlb_fill), so a wakeup by this fault runs at the next one.
	 */
	kswapd_run_pending(&mm->machine->pgdat);
retry:
	if (fatal_signal_pending(tsk))
		return fault_signal(f, SIGKILL, MMLAB_SI_KERNEL);
	vma = lock_mm_and_find_vma(tsk, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return fault_signal(f, SIGSEGV, MMLAB_SEGV_MAPERR);
	}
	if (access_error(tsk, f->error_code, vma)) {
		/* si_pkey is the VMA's key, which another thread may have changed since. */
		bool pkuerr = bad_area_access_from_pkeys(tsk, f->error_code, vma);

		f->pkey = pkuerr ? (unsigned int)vma_pkey(vma) : 0;
		mmap_read_unlock(mm);
		return fault_signal(f, SIGSEGV, pkuerr ? MMLAB_SEGV_PKUERR : MMLAB_SEGV_ACCERR);
	}
	spin_lock(&mm->page_table_lock);
	old_memalloc = memalloc_flags_save(memalloc);
	ret = handle_mm_fault(tsk, vma, addr, flags, cpu);
	stalled = memalloc_flags & MEMALLOC_STALLED;
	memalloc_flags_restore(old_memalloc);
	/*
	 * The retried access would walk to the new entry as soon as the locks drop: fill the TLB
	 * now, while the entry cannot change - from the entry the handler told the MMU of
	 * (update_mmu_cache), or by that walk - and go back to user mode with it (mmu_tlb_fill
	 * takes the CPU's ipi_lock, unless a demand-zero fault took it before zeroing its page:
	 * mmu_fault_return). Neither unlock below is a locked instruction (a release store each),
	 * nor is the accounting after them, so the unlocks, the retried access and the next
	 * access's walk run while the stores that zeroed the page drain.
	 */
	if (!(ret & VM_FAULT_ERROR))
		mmu_tlb_fill(cpu, addr, f->access);
	else
		mmu_fault_return_cancel(cpu);
	/* The page the fault wanted: a zeroed one for anonymous memory, else a copy or file's */
	anon = vma_is_anonymous(vma);
	gfp = anon ? GFP_USER_FOLIO | ___GFP_ZERO : GFP_USER_FOLIO;
	spin_unlock(&mm->page_table_lock);
	mmap_read_unlock(mm);
	/*
	 * No frame above min: reclaim with the locks dropped, as the allocation would have in
	 * Linux, and retry while that frees pages; then once more allowed below min.
	 */
	if ((ret & VM_FAULT_OOM) && stalled) {
		if (!mm_fault_reclaim(mm->machine))
			memalloc = 0;
		goto retry;
	}
	if (!(ret & VM_FAULT_ERROR)) {
		psi_account_fault(&mm->machine->psi, ret & VM_FAULT_MAJOR);
		return 0;
	}
	if (ret & VM_FAULT_OOM) {
		if (pagefault_out_of_memory(tsk, gfp))
			goto retry;
		return fault_signal(f, SIGKILL, MMLAB_SI_KERNEL);
	}
	if (ret & VM_FAULT_SIGBUS)
		return fault_signal(f, SIGBUS, MMLAB_BUS_ADRERR);
	return fault_signal(f, SIGSEGV, MMLAB_SEGV_MAPERR);
}
