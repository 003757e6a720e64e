// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TLB maintenance (arch/x86/mm/tlb.c): flushing one page, a range or everything from the CPU
 * contexts that may cache an address space's translations (flush_tlb_mm_range's role, on the
 * MMU context). Every path that changes or removes a present leaf entry ends here. The kernel
 * sends IPIs to the CPUs in mm_cpumask; mmlab's contexts are plain structures, so a "remote"
 * flush writes their tags directly, holding the CPU's ipi_lock so that it lands between two
 * of the CPU's accesses as an interrupt does (struct mmu_cpu), and counts it. Left out: lazy
 * TLB mode, PCID, the tlb_gen bookkeeping that lets a CPU skip a flush it has already done,
 * INVLPGB.
 */
#include "mmu/tlb.h"
#include "mmu/mmu.h"
#include "mmu/mmu_context.h"
#include "phys/mmzone.h"

/*
 * The CPUs to flush, read after the entries changed: a locked read, paired with the locked
 * updates of mmu_switch_context, so that a CPU whose bit is not seen yet sees the new entries
 * in the walks after its switch (a plain load could pass the store of the entry on x86).
 */
static unsigned long ctx_cpumask_after_change(mm_context_t *ctx)
{
	return __atomic_fetch_add(&ctx->cpumask, 0UL, __ATOMIC_SEQ_CST);
}

/* Empties every level of the paging-structure caches. */
void psc_flush_all(struct tlb *tlb)
{
	for (unsigned int l = 0; l < PSC_LEVELS; l++)
		for (unsigned int i = 0; i < PSC_ENTRIES; i++)
			tlb->psc[l][i].tag = PSC_INVALID;
	tlb->psc_flushes++;
}

void tlb_flush_all(struct tlb *tlb)
{
	for (unsigned int i = 0; i < TLB_ENTRIES; i++)
		for (unsigned int a = 0; a < MMU_NR_ACCESS; a++)
			tlb->e[i].tag[a] = TLB_INVALID;
	psc_flush_all(tlb);
	tlb->flush_all++;
}

/* INVLPG: the page's translation and the paging-structure entries that translate it. */
void tlb_flush_one(struct tlb *tlb, unsigned long addr)
{
	unsigned long page = addr & PAGE_MASK;
	struct tlb_entry *e = &tlb->e[(addr >> PAGE_SHIFT) & (TLB_ENTRIES - 1)];

	/* Each tag is checked on its own: a slot never mixes pages, but be exact anyway. */
	for (unsigned int a = 0; a < MMU_NR_ACCESS; a++)
		if (e->tag[a] == page)
			e->tag[a] = TLB_INVALID;
	for (unsigned int l = 0; l < PSC_LEVELS; l++) {
		struct psc_entry *pe = psc_slot(tlb, addr, l);

		if (pe->tag == psc_tag(addr, l))
			pe->tag = PSC_INVALID;
	}
	tlb->flush_one++;
}

/**
 * flush_tlb_ctx_range - drop the translations of [@start, @end) of @ctx from every CPU context
 * in ctx->cpumask. Ranges of more than TLB_FLUSH_CEILING pages flush the whole TLB instead.
 * Context: the caller has already changed the entries, and is not in user mode on a CPU
 * of ctx->cpumask (it takes their ipi_locks).
 */
void flush_tlb_ctx_range(mm_context_t *ctx, unsigned long start, unsigned long end)
{
	struct pglist_data *pgdat = ctx->pgdat;
	unsigned long nr = (end - start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long mask;
	bool local = true;

	if (start >= end)
		return;
	mask = ctx_cpumask_after_change(ctx);
	while (mask) {
		unsigned int id = (unsigned int)__builtin_ctzl(mask);
		struct mmu_cpu *cpu = ctx->cpus[id];

		mask &= mask - 1;
		if (!cpu)
			continue;
		mmu_user_enter(cpu);
		if (nr > TLB_FLUSH_CEILING) {
			tlb_flush_all(&cpu->tlb);
			count_vm_event(pgdat, NR_TLB_LOCAL_FLUSH_ALL);
		} else {
			for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE)
				tlb_flush_one(&cpu->tlb, a);
			count_vm_events(pgdat, NR_TLB_LOCAL_FLUSH_ONE, nr);
		}
		mmu_user_exit(cpu);
		/* The kernel flushes its own CPU and IPIs the others: count those as remote. */
		if (!local)
			count_vm_event(pgdat, NR_TLB_REMOTE_FLUSH);
		local = false;
	}
}

/**
 * flush_tlb_ctx_pgtables - empty the paging-structure caches of every CPU context in
 * ctx->cpumask, so that no walk goes through a table about to be freed. Leaf translations
 * are not touched: the entries they came from were cleared and flushed before their table
 * could be freed.
 * Context: the caller has cleared the upper-level entries and not yet freed the tables.
 */
void flush_tlb_ctx_pgtables(mm_context_t *ctx)
{
	unsigned long mask;

	mask = ctx_cpumask_after_change(ctx);
	while (mask) {
		struct mmu_cpu *cpu = ctx->cpus[__builtin_ctzl(mask)];

		mask &= mask - 1;
		if (!cpu)
			continue;
		mmu_user_enter(cpu);
		psc_flush_all(&cpu->tlb);
		mmu_user_exit(cpu);
	}
}
