// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory protection keys as x86 Linux manages them (arch/x86/mm/pkeys.c, the mm context's
 * allocation map of arch/x86/include/asm/pkeys.h, the PKRU writes of
 * arch/x86/kernel/fpu/xstate.c and process.c, and the pkey_* system calls of mm/mprotect.c),
 * on a machine whose CPUs have PKU or not (struct machine's no_pku, fixed at creation).
 *
 * With PKU each mm starts with key 0 allocated and no execute-only key; a thread's PKRU is
 * struct task's pkru, copied at fork and clone and loaded into the CPU context the thread runs
 * on. Without PKU the answers are Linux 6.18's on such a CPU: its allocation map is never set
 * up, so the execute-only key reads as 0 and the single key that arch_max_pkey() allows is
 * lost by the first pkey_alloc (EINVAL), every later one being ENOSPC.
 * Left out: the init_pkru boot option and debugfs file (the value is always Linux's default),
 * PKRU in signal frames (mmlab delivers no signal handlers), ptrace access to PKRU.
 */
#include "mm/pkeys.h"
#include "mm/memory.h"
#include "mm/machine.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mm/syscalls.h"
#include "mmu/mmu.h"
#include "mmlab.h"

#include <signal.h>
#include <sys/mman.h>

#define MMLAB_ILL_ILLOPN 2	/* #UD: the SIGILL si_code do_error_trap gives an invalid opcode */

/* Sixteen keys with PKU; without, key 0 only (include/linux/pkeys.h's arch_max_pkey). */
static int arch_max_pkey(const struct machine *m)
{
	return arch_pkeys_enabled(m) ? 16 : 1;
}

/**
 * mm_pkeys_init - the protection-key part of a new mm's context (init_new_context): with
 * PKU, key 0 allocated implicitly and no execute-only key yet; without, all zero.
 * Context: @mm not yet visible to anyone else.
 */
void mm_pkeys_init(struct mm_struct *mm)
{
	if (!arch_pkeys_enabled(mm->machine))
		return;
	mm->context.pkey_allocation_map = 0x1;
	mm->context.execute_only_pkey = -1;
}

/**
 * pkru_init_value - the PKRU a thread of a freshly executed program starts with
 * (flush_thread's pkru_write_default): init_pkru_value with PKU, 0 (no register) without.
 * Context: any.
 * Return: the value.
 */
uint32_t pkru_init_value(const struct machine *m)
{
	return arch_pkeys_enabled(m) ? INIT_PKRU_VALUE : 0;
}

/**
 * mm_pkey_is_allocated - whether the user interfaces may use @pkey: handed out by pkey_alloc
 * (or key 0, allocated with the mm) and not the execute-only key, which sits in the map too.
 * Context: mmap_lock held.
 * Return: true when they may.
 */
bool mm_pkey_is_allocated(const struct mm_struct *mm, int pkey)
{
	if (pkey < 0 || pkey >= arch_max_pkey(mm->machine))
		return false;
	if (pkey == mm->context.execute_only_pkey)
		return false;
	return mm->context.pkey_allocation_map & (1U << pkey);
}

/* The lowest free key, now marked allocated; -1 when every key the CPU has is taken. */
static int mm_pkey_alloc(struct mm_struct *mm)
{
	uint16_t all = (uint16_t)((1U << arch_max_pkey(mm->machine)) - 1);
	int pkey;

	if ((mm->context.pkey_allocation_map & all) == all)
		return -1;
	pkey = __builtin_ctz(~(unsigned int)mm->context.pkey_allocation_map);
	mm->context.pkey_allocation_map |= (uint16_t)(1U << pkey);
	return pkey;
}

static int mm_pkey_free(struct mm_struct *mm, int pkey)
{
	if (!mm_pkey_is_allocated(mm, pkey))
		return -EINVAL;
	mm->context.pkey_allocation_map &= (uint16_t)~(1U << pkey);
	return 0;
}

/*
 * The calling thread's rights for @pkey become @init_val's (arch_set_user_pkey_access); the
 * other keys' bits stay. -EINVAL when the CPU has no PKRU to write.
 */
static int arch_set_user_pkey_access(struct task *tsk, int pkey, unsigned long init_val)
{
	uint32_t bits = 0, shift = (uint32_t)pkey * PKRU_BITS_PER_PKEY;

	if (!arch_pkeys_enabled(tsk->mm->machine) || pkey >= arch_max_pkey(tsk->mm->machine))
		return -EINVAL;
	if (init_val & PKEY_DISABLE_ACCESS)
		bits |= PKRU_AD_BIT;
	if (init_val & PKEY_DISABLE_WRITE)
		bits |= PKRU_WD_BIT;
	tsk->pkru = (tsk->pkru & ~((PKRU_AD_BIT | PKRU_WD_BIT) << shift)) | (bits << shift);
	return 0;
}

/**
 * execute_only_pkey - the key PROT_EXEC-only memory of @tsk's mm gets, allocated on first use.
 *
 * The key makes such memory unreadable through the calling thread's PKRU, which gets the key's
 * access-disable bit whenever it lacks it: on first use, and again after a WRPKRU cleared it
 * (a thread whose PKRU already denies reads is left alone). Other threads keep the PKRU they
 * have, as in Linux.
 * Context: mmap_lock held for writing.
 * Return: the key; 0 without PKU; -1 when no key is free (execute-only is then not offered).
 */
int execute_only_pkey(struct task *tsk)
{
	struct mm_struct *mm = tsk->mm;
	int pkey = mm->context.execute_only_pkey;
	bool fresh = false;

	if (!arch_pkeys_enabled(mm->machine))
		return ARCH_DEFAULT_PKEY;
	if (pkey == -1) {
		pkey = mm_pkey_alloc(mm);
		if (pkey < 0)
			return -1;
		fresh = true;
	}
	if (!fresh && !pkru_allows_read(tsk->pkru, pkey))
		return pkey;
	if (arch_set_user_pkey_access(tsk, pkey, PKEY_DISABLE_ACCESS)) {
		mm->context.pkey_allocation_map &= (uint16_t)~(1U << pkey);
		return -1;
	}
	if (fresh)
		mm->context.execute_only_pkey = pkey;
	return pkey;
}

/**
 * arch_override_mprotect_pkey - the key an mprotect gives @vma.
 *
 * A pkey_mprotect key (@pkey != -1) is never overridden. A plain mprotect to PROT_EXEC alone
 * moves the VMA to the execute-only key; one to anything else moves a VMA that held the
 * execute-only key as an execute-only VMA back to key 0; otherwise the VMA keeps its key.
 * Context: mmap_lock held for writing.
 * Return: the key; 0 on a CPU without PKU.
 */
int arch_override_mprotect_pkey(struct task *tsk, struct vm_area_struct *vma,
				unsigned long prot, int pkey)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!arch_pkeys_enabled(mm->machine))
		return 0;
	if (pkey != -1)
		return pkey;
	if (prot == PROT_EXEC) {
		int xkey = execute_only_pkey(tsk);

		if (xkey > 0)
			return xkey;
	} else if ((vma->vm_flags & VM_ACCESS_FLAGS) == VM_EXEC &&
		   vma_pkey(vma) == mm->context.execute_only_pkey) {
		return ARCH_DEFAULT_PKEY;
	}
	return vma_pkey(vma);
}

/**
 * sys_pkey_alloc - pkey_alloc(2): the lowest free key, with @init_val's rights in the calling
 * thread's PKRU.
 *
 * Without PKU the first call takes key 0 out of the never-initialised map, fails to write
 * PKRU and cannot give the key back (mm_pkey_free sees the execute-only key, which reads as
 * 0): EINVAL, and ENOSPC ever after in this mm and its fork children, which copy the map.
 * Context: mmap_lock held for writing.
 * Return: the key; -EINVAL (flags, init_val beyond PKEY_ACCESS_MASK, no PKRU), -ENOSPC.
 */
long sys_pkey_alloc(struct task *tsk, unsigned long flags, unsigned long init_val)
{
	struct mm_struct *mm = tsk->mm;
	int pkey, err;

	if (flags || (init_val & ~PKEY_ACCESS_MASK))
		return -EINVAL;
	pkey = mm_pkey_alloc(mm);
	if (pkey < 0)
		return -ENOSPC;
	err = arch_set_user_pkey_access(tsk, pkey, init_val);
	if (err) {
		(void)mm_pkey_free(mm, pkey);
		return err;
	}
	return pkey;
}

/**
 * sys_pkey_free - pkey_free(2). VMAs that still carry the key keep it.
 * Context: mmap_lock held for writing.
 * Return: 0; -EINVAL for a key that is not allocated, out of range or the execute-only key.
 */
long sys_pkey_free(struct task *tsk, int pkey)
{
	return mm_pkey_free(tsk->mm, pkey);
}

/**
 * sys_pkey_mprotect - pkey_mprotect(2): mprotect that also gives the range key @pkey.
 * Context: mmap_lock held for writing.
 * Return: as sys_mprotect; -EINVAL for a key other than -1 that is not allocated.
 */
long sys_pkey_mprotect(struct task *tsk, unsigned long start, size_t len, unsigned long prot,
		       int pkey)
{
	return do_mprotect_pkey(tsk, start, len, prot, pkey);
}

/* The public pkey_* calls take mmap_lock for writing, as the kernel's entry points do. */
MMLAB_EXPORT int mmlab_pkey_alloc(struct mmlab_task *t, unsigned long flags,
				  unsigned long init_val)
{
	long ret;

	if (!t)
		return -EINVAL;
	mmap_write_lock(t->tsk.mm);
	ret = sys_pkey_alloc(&t->tsk, flags, init_val);
	mmap_write_unlock(t->tsk.mm);
	return (int)ret;
}

MMLAB_EXPORT int mmlab_pkey_free(struct mmlab_task *t, int pkey)
{
	long ret;

	if (!t)
		return -EINVAL;
	mmap_write_lock(t->tsk.mm);
	ret = sys_pkey_free(&t->tsk, pkey);
	mmap_write_unlock(t->tsk.mm);
	return (int)ret;
}

MMLAB_EXPORT int mmlab_pkey_mprotect(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot,
				     int pkey)
{
	long ret;

	if (!t)
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	mmap_write_lock(t->tsk.mm);
	ret = sys_pkey_mprotect(&t->tsk, (unsigned long)addr, (size_t)len,
				(unsigned long)(unsigned int)prot, pkey);
	mmap_write_unlock(t->tsk.mm);
	return (int)ret;
}

/* WRPKRU and RDPKRU raise #UD on a CPU without PKU: SIGILL ILL_ILLOPN. */
static int pkru_insn_check(struct mmlab_task *t, struct mmlab_fault *fault)
{
	if (arch_pkeys_enabled(t->tsk.mm->machine))
		return 0;
	if (fault)
		*fault = (struct mmlab_fault){ .signo = SIGILL, .code = MMLAB_ILL_ILLOPN };
	return -EFAULT;
}

/*
 * The register is the thread's own: the new value reaches the CPU context the next time the
 * thread accesses memory there (access.c's task_cpu_enter), as a context switch restores it.
 */
MMLAB_EXPORT int mmlab_wrpkru(struct mmlab_task *t, uint32_t pkru, struct mmlab_fault *fault)
{
	int err;

	if (!t)
		return -EINVAL;
	err = pkru_insn_check(t, fault);
	if (!err)
		t->tsk.pkru = pkru;
	return err;
}

MMLAB_EXPORT int mmlab_rdpkru(struct mmlab_task *t, uint32_t *pkru, struct mmlab_fault *fault)
{
	int err;

	if (!t || !pkru)
		return -EINVAL;
	err = pkru_insn_check(t, fault);
	if (!err)
		*pkru = t->tsk.pkru;
	return err;
}
