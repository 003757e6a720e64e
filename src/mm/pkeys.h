/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Memory protection keys, the interface the rest of src/mm uses (include/linux/pkeys.h with
 * arch/x86/include/asm/pkeys.h and pkru.h): a VMA's key lives in vm_flags' VM_PKEY bits and
 * in its PTEs, a thread's rights in its PKRU. pkeys.c implements them; the check every page
 * fault makes (arch_vma_access_permitted) is inline here, as x86's is.
 */
#ifndef MMLAB_MM_PKEYS_H
#define MMLAB_MM_PKEYS_H

#include "mm/machine.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmu/mmu.h"

#define ARCH_DEFAULT_PKEY 0
#define PKEY_DISABLE_ACCESS 0x1UL
#define PKEY_DISABLE_WRITE 0x2UL
#define PKEY_ACCESS_MASK (PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE)

static inline int vma_pkey(const struct vm_area_struct *vma)
{
	return (int)((vma->vm_flags & VM_PKEY_MASK) >> VM_PKEY_SHIFT);
}

/* arch_calc_vm_prot_bits: a key's place in vm_flags. */
static inline vm_flags_t pkey_vm_flags(int pkey)
{
	return ((vm_flags_t)pkey << VM_PKEY_SHIFT) & VM_PKEY_MASK;
}

/* The PTE bits of the key in @vm_flags (vm_get_page_prot's VM_PKEY_BITn -> _PAGE_PKEY_BITn). */
static inline pgprot_t vm_flags_pte_pkey(vm_flags_t vm_flags)
{
	return (pgprot_t)((vm_flags & VM_PKEY_MASK) >> VM_PKEY_SHIFT) << _PAGE_BIT_PKEY_BIT0;
}

/* arch_pkeys_enabled: the machine's CPUs have protection keys (X86_FEATURE_OSPKE). */
static inline bool arch_pkeys_enabled(const struct machine *m)
{
	return !m->no_pku;
}

static inline bool pkru_allows_read(uint32_t pkru, int pkey)
{
	return !(pkru & (PKRU_AD_BIT << (pkey * PKRU_BITS_PER_PKEY)));
}

static inline bool pkru_allows_write(uint32_t pkru, int pkey)
{
	/* Access-disable forbids writes as well. */
	return !(pkru & ((PKRU_AD_BIT | PKRU_WD_BIT) << (pkey * PKRU_BITS_PER_PKEY)));
}

/**
 * arch_vma_access_permitted - whether @tsk's PKRU lets it read (or write) @vma's key; fetches
 * are never subject to keys, and without PKU nothing is. Inline, as x86's in
 * asm/mmu_context.h: every page fault asks, with mmap_lock held.
 * Context: mmap_lock held.
 * Return: true when permitted.
 */
static inline bool arch_vma_access_permitted(const struct task *tsk,
					     const struct vm_area_struct *vma, bool write,
					     bool execute)
{
	if (execute || !arch_pkeys_enabled(vma->vm_mm->machine))
		return true;
	return write ? pkru_allows_write(tsk->pkru, vma_pkey(vma)) :
		       pkru_allows_read(tsk->pkru, vma_pkey(vma));
}

void mm_pkeys_init(struct mm_struct *mm);
uint32_t pkru_init_value(const struct machine *m);
int execute_only_pkey(struct task *tsk);
int arch_override_mprotect_pkey(struct task *tsk, struct vm_area_struct *vma,
				unsigned long prot, int pkey);
bool mm_pkey_is_allocated(const struct mm_struct *mm, int pkey);

long sys_pkey_alloc(struct task *tsk, unsigned long flags, unsigned long init_val);
long sys_pkey_free(struct task *tsk, int pkey);
long sys_pkey_mprotect(struct task *tsk, unsigned long start, size_t len, unsigned long prot,
		       int pkey);

#endif /* MMLAB_MM_PKEYS_H */
