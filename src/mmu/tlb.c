// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TLB maintenance (arch/x86/mm/tlb.c): flushing one page, a range or everything from the CPU
 * contexts that may cache an address space's translations (flush_tlb_mm_range's role, on the
 * MMU context). Every path that changes or removes a present leaf entry ends here. The kernel
 * sends IPIs to the CPUs in mm_cpumask; mmlab's contexts are plain structures, so a "remote"
 * flush writes their tags directly and counts it. Left out: lazy TLB mode, PCID, the
 * tlb_gen bookkeeping that lets a CPU skip a flush it has already done, INVLPGB.
 */
#include "mmu/tlb.h"
#include "mmu/mmu.h"
#include "mmu/mmu_context.h"
#include "phys/mmzone.h"

void tlb_flush_all(struct tlb *tlb)
{
	for (unsigned int i = 0; i < TLB_ENTRIES; i++)
		for (unsigned int a = 0; a < MMU_NR_ACCESS; a++)
			tlb->e[i].tag[a] = TLB_INVALID;
	tlb->flush_all++;
}

void tlb_flush_one(struct tlb *tlb, unsigned long addr)
{
	unsigned long page = addr & PAGE_MASK;
	struct tlb_entry *e = &tlb->e[(addr >> PAGE_SHIFT) & (TLB_ENTRIES - 1)];

	/* Each tag is checked on its own: a slot never mixes pages, but be exact anyway. */
	for (unsigned int a = 0; a < MMU_NR_ACCESS; a++)
		if (e->tag[a] == page)
			e->tag[a] = TLB_INVALID;
	tlb->flush_one++;
}

/**
 * flush_tlb_ctx_range - drop the translations of [@start, @end) of @ctx from every CPU context
 * in ctx->cpumask. Ranges of more than TLB_FLUSH_CEILING pages flush the whole TLB instead.
 * Context: the caller has already changed the entries.
 */
void flush_tlb_ctx_range(mm_context_t *ctx, unsigned long start, unsigned long end)
{
	struct pglist_data *pgdat = ctx->pgdat;
	unsigned long nr = (end - start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long mask = ctx->cpumask;
	bool local = true;

	if (start >= end)
		return;
	while (mask) {
		unsigned int id = (unsigned int)__builtin_ctzl(mask);
		struct mmu_cpu *cpu = ctx->cpus[id];

		mask &= mask - 1;
		if (!cpu)
			continue;
		if (nr > TLB_FLUSH_CEILING) {
			tlb_flush_all(&cpu->tlb);
			count_vm_event(pgdat, NR_TLB_LOCAL_FLUSH_ALL);
		} else {
			for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE)
				tlb_flush_one(&cpu->tlb, a);
			count_vm_events(pgdat, NR_TLB_LOCAL_FLUSH_ONE, nr);
		}
		/* The kernel flushes its own CPU and IPIs the others: count those as remote. */
		if (!local)
			count_vm_event(pgdat, NR_TLB_REMOTE_FLUSH);
		local = false;
	}
}
