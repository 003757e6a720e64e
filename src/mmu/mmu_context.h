/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The MMU's own per-address-space state, Linux's mm_context_t (arch/x86/include/asm/mmu.h),
 * with the fields that Linux keeps in mm_struct but only the hardware side uses: the
 * page-table root that CR3 loads, the CPU contexts that may cache its translations
 * (mm_cpumask) and the page-table accounting (VmPTE). The address-space layer embeds one in
 * each mm_struct as mm->context; everything in src/mmu works on the context and never sees the
 * mm_struct around it. Setting it up and tearing it down are init_new_context and
 * destroy_context (arch/x86/include/asm/mmu_context.h, with pgd_alloc/pgd_free folded in).
 * Left out: PCID/ASID and the TLB generation counters (every switch flushes the whole TLB),
 * the LDT, the vDSO image, linear address masking and shadow-stack state.
 */
#ifndef MMLAB_MMU_MMU_CONTEXT_H
#define MMLAB_MMU_MMU_CONTEXT_H

#include "kernel.h"
#include "mmu/pgtable.h"

/* CPU contexts of one machine: a context's cpumask has one bit for each. */
#define PTE_TABLE_TAG_NONE (~0UL) /* No user address has it (user addresses are < 2^47) */
#define MMLAB_MAX_CPUS 64

struct pglist_data;
struct mmu_cpu;

typedef struct mm_context {
	/* Set once by init_new_context */
	struct pglist_data *pgdat;	/* The node whose frames hold the tables and the pages */
	struct mmu_cpu **cpus;		/* The machine's CPU contexts by id (MMLAB_MAX_CPUS
					 * slots, NULL where none): cpumask's bits index it */
	pte_t *pgd;			/* Top-level table, through the node's RAM */
	unsigned long pgd_pfn;		/* Frame of that table (what CR3 holds) */

	/* Changed by the writers of the page tables (the owner serializes them) */
	long pgtables_bytes;		/* Page-table frames below the PGD, in bytes (VmPTE) */
	/* The PTE table pt_alloc_pte_track reached last, so that the next call in the same
	 * 2 MiB (the next fault, mostly) skips the walk down to it; dropped when any table is
	 * freed (free_level), the only way a PMD entry stops naming its table */
	unsigned long pte_table_tag;	/* User address >> PMD_SHIFT, or PTE_TABLE_TAG_NONE */
	pte_t *pte_table;		/* That table, through the node's RAM */
	unsigned long cpumask;		/* CPU contexts that loaded this context since its last full
					 * flush (mm_cpumask); bit N is cpus[N] */

	/* Protection keys (arch/x86/include/asm/pkeys.h): kept by the owner's pkey calls */
	uint16_t pkey_allocation_map;	/* Keys handed out, bit per key; key 0 always with PKU */
	int execute_only_pkey;		/* Key reserved for PROT_EXEC-only memory, or -1 */
} mm_context_t;

/*
 * The leaf entry for @addr in the PTE table pt_alloc_pte_track reached last, when @addr is in
 * its 2 MiB; NULL otherwise. Inline, so that a fault next to the previous one finds its entry
 * without a call, as Linux's inline pte_alloc() finds the PMD entry present.
 */
static inline pte_t *pt_pte_cached(const mm_context_t *ctx, unsigned long addr)
{
	/* a tag is a user address's: no other address matches it */
	if (ctx->pte_table_tag != addr >> PMD_SHIFT)
		return NULL;
	return &ctx->pte_table[pt_index(addr, PT_PTE)];
}

/* pgtable.c */
int __must_check init_new_context(mm_context_t *ctx, struct pglist_data *pgdat,
				  struct mmu_cpu **cpus);
void destroy_context(mm_context_t *ctx);

#endif /* MMLAB_MMU_MMU_CONTEXT_H */
