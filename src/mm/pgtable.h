/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The page-table calls of the address-space layer, with Linux's names and arguments
 * (include/linux/pgtable.h, asm/tlbflush.h's flush_tlb_*, asm/mmu_context.h's switch_mm,
 * mm/pagewalk.c's walker): each takes an mm_struct and hands its embedded MMU context to the
 * MMU layer (src/mmu), which never sees the mm_struct. They are inline and add nothing but
 * the step from mm to mm->context, and, for the walker, the step back.
 * Left out: the pmd/pud-level variants (no huge entries), the vma-taking flush_tlb_range
 * (callers pass the mm), lazy MMU mode.
 */
#ifndef MMLAB_MM_PGTABLE_H
#define MMLAB_MM_PGTABLE_H

#include "mm/machine.h"
#include "mm/mm_types.h"
#include "mmu/mmu.h"
#include "mmu/pgtable.h"
#include "mmu/tlb.h"

/* Gives @mm an empty top-level table on its machine (mm_alloc_pgd + init_new_context). */
static inline int __must_check pgd_alloc(struct mm_struct *mm)
{
	return init_new_context(&mm->context, &mm->machine->pgdat, mm->machine->cpus);
}

/* Frees the top-level table; every lower table must already be gone. */
static inline void pgd_free(struct mm_struct *mm)
{
	destroy_context(&mm->context);
}

/* The leaf entry for @addr, allocating missing tables; ERR_PTR(-EFAULT or -ENOMEM). */
static inline pte_t *__must_check pte_alloc_map(struct mm_struct *mm, unsigned long addr)
{
	return pt_alloc_pte(&mm->context, addr);
}

/* As pte_alloc_map; *@pmd_none says whether the PTE table was missing (and is now made). */
static inline pte_t *__must_check pte_alloc_map_track(struct mm_struct *mm, unsigned long addr,
						     bool *pmd_none)
{
	pte_t *pte = pt_pte_cached(&mm->context, addr);

	if (likely(pte)) {
		*pmd_none = false;
		return pte;
	}
	return pt_alloc_pte_track(&mm->context, addr, pmd_none);
}

/* The leaf entry for @addr, or NULL when a table on the way is missing. */
static inline pte_t *pte_offset_map(struct mm_struct *mm, unsigned long addr)
{
	return pt_lookup_pte(&mm->context, addr);
}

/* Installs a leaf entry without flushing (see native_set_pte). */
static inline void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	native_set_pte(ptep, pte);
}

static inline pte_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	return native_ptep_get_and_clear(ptep);
}

/* Takes away write permission with one atomic update, keeping a dirty bit set meanwhile. */
static inline void ptep_set_wrprotect(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	(void)ptep_clear_bits(ptep, _PAGE_RW);
}

/* Clears a leaf and removes it from every TLB that may hold it; returns the old entry. */
static inline pte_t ptep_clear_flush(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	return pt_clear_flush(&mm->context, addr, ptep);
}

static inline void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
				  unsigned long floor, unsigned long ceiling)
{
	pt_free_range(&mm->context, addr, end, floor, ceiling);
}

static inline int __must_check pgtable_validate(struct mm_struct *mm)
{
	return pt_validate(&mm->context);
}

/* Flushes [@start, @end) of @mm from every CPU context that may hold it. */
static inline void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	flush_tlb_ctx_range(&mm->context, start, end);
}

static inline void flush_tlb_page(struct mm_struct *mm, unsigned long addr)
{
	flush_tlb_ctx_range(&mm->context, addr, addr + PAGE_SIZE);
}

static inline void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_ctx_range(&mm->context, 0, TASK_SIZE_MAX);
}

/* Loads @mm (or nothing) on @cpu: a CR3 write, which flushes the CPU's TLB. */
static inline void mmu_switch_mm(struct mmu_cpu *cpu, struct mm_struct *mm)
{
	mmu_switch_context(cpu, mm ? &mm->context : NULL);
}

/* Visits each present-or-swap leaf entry in [addr, end); stops when @fn returns non-zero. */
typedef int (*pte_fn_t)(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data);

struct mm_pte_walk {
	struct mm_struct *mm;		/* Whose context is walked, passed on to fn */
	pte_fn_t fn;
	void *data;
};

static inline int mm_pte_walk_entry(mm_context_t *ctx, unsigned long addr, pte_t *ptep,
				    void *data)
{
	struct mm_pte_walk *w = data;

	return w->fn(w->mm, addr, ptep, w->data);
}

static inline int walk_pte_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
				 pte_fn_t fn, void *data)
{
	struct mm_pte_walk w = { .mm = mm, .fn = fn, .data = data };

	return pt_walk_range(&mm->context, addr, end, mm_pte_walk_entry, &w);
}

#endif /* MMLAB_MM_PGTABLE_H */
