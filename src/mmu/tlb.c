// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TLB maintenance (arch/x86/mm/tlb.c): flushing one page, a range or everything from the CPU
 * contexts that may cache an mm's translations. Every path that changes or removes a present
 * leaf entry ends here. The kernel sends IPIs to the CPUs in mm_cpumask; mmlab's contexts are
 * plain structures, so a "remote" flush writes their tags directly and counts it.
 */
#include "mmu/tlb.h"
#include "mmu/mmu.h"
#include "mm/mm_types.h"
#include "mm/mmzone.h"

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
 * flush_tlb_range - drop the translations of [@start, @end) of @mm from every CPU context in
 * mm->cpumask. Ranges of more than TLB_FLUSH_CEILING pages flush the whole TLB instead.
 * Context: the caller has already changed the entries.
 */
void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct machine *m = mm->machine;
	unsigned long nr = (end - start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long mask = mm->cpumask;
	bool local = true;

	if (start >= end)
		return;
	while (mask) {
		unsigned int id = (unsigned int)__builtin_ctzl(mask);
		struct mmu_cpu *cpu = m->cpus[id];

		mask &= mask - 1;
		if (!cpu)
			continue;
		if (nr > TLB_FLUSH_CEILING) {
			tlb_flush_all(&cpu->tlb);
			count_vm_event(m, NR_TLB_LOCAL_FLUSH_ALL);
		} else {
			for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE)
				tlb_flush_one(&cpu->tlb, a);
			count_vm_events(m, NR_TLB_LOCAL_FLUSH_ONE, nr);
		}
		/* The kernel flushes its own CPU and IPIs the others: count those as remote. */
		if (!local)
			count_vm_event(m, NR_TLB_REMOTE_FLUSH);
		local = false;
	}
}

void flush_tlb_page(struct mm_struct *mm, unsigned long addr)
{
	flush_tlb_range(mm, addr, addr + PAGE_SIZE);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_range(mm, 0, TASK_SIZE_MAX);
}

/**
 * flush_tlb_pgtables - empty the paging-structure caches of every CPU context in
 * mm->cpumask, so that no walk goes through a table about to be freed. Leaf translations
 * are not touched: the entries they came from were cleared and flushed before their table
 * could be freed.
 * Context: the caller has cleared the upper-level entries and not yet freed the tables.
 */
void flush_tlb_pgtables(struct mm_struct *mm)
{
	unsigned long mask = mm->cpumask;

	while (mask) {
		struct mmu_cpu *cpu = mm->machine->cpus[__builtin_ctzl(mask)];

		mask &= mask - 1;
		if (cpu)
			psc_flush_all(&cpu->tlb);
	}
}
