// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Whole-mm consistency checks (mm/debug.c's share, with validate_mm's caller side): the
 * public mmlab_task_validate runs every validator of an address space - the VMA tree and the
 * counters derived from it (vma.c's mm_validate), the page tables (pgtable_validate), and the
 * RSS counters against what the page tables map (rss_validate, here; Linux's check_mm only
 * looks at the counters at exit), and the reverse map with exact map counts (rmap.c's
 * rmap_validate) - as tests and the stress runs call it after each step, with the machine at
 * rest.
 * Left out: dump_vma/dump_mm (VM_BUG_ON reports the failing condition and where).
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

struct rss_count {
	long rss[NR_MM_COUNTERS];
};

static int rss_count_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct rss_count *c = data;
	pte_t pte = ptep_get(ptep);

	if (pte_present(pte) && !(pte & _PAGE_SPECIAL))
		c->rss[mm_counter(pfn_to_page(&mm->machine->pgdat, pte_pfn(pte)))]++;
	else if (is_swap_entry_pte(pte))
		c->rss[MM_SWAPENTS]++;
	return 0;
}

/**
 * rss_validate - check @mm's RSS counters (MM_SWAPENTS: the swap entries) against its page
 * tables, and that every present entry lies in a VMA whose vm_flags allow what the entry
 * allows.
 * Context: mmap_lock held.
 * Return: 0, or -EUCLEAN after printing the first mismatch.
 */
int rss_validate(struct mm_struct *mm)
{
	struct rss_count c = { { 0 } };
	struct vm_area_struct *vma;
	unsigned long covered = 0;
	VMA_ITERATOR(vmi, mm, 0);

	(void)walk_pte_range(mm, 0, TASK_SIZE_MAX, rss_count_pte, &c);
	for (int i = 0; i < NR_MM_COUNTERS; i++) {
		if (c.rss[i] != get_mm_counter(mm, i)) {
			fprintf(stderr, "rss: counter %d is %ld, page tables map %ld\n", i,
				get_mm_counter(mm, i), c.rss[i]);
			return -EUCLEAN;
		}
	}
	for_each_vma(vmi, vma) {
		struct rss_count in = { { 0 } };

		(void)walk_pte_range(mm, vma->vm_start, vma->vm_end, rss_count_pte, &in);
		covered += (unsigned long)(in.rss[MM_ANONPAGES] + in.rss[MM_SHMEMPAGES] +
					   in.rss[MM_FILEPAGES]);
	}
	if (covered != get_mm_rss(mm)) {
		fprintf(stderr, "rss: %lu pages mapped outside any VMA\n", get_mm_rss(mm) - covered);
		return -EUCLEAN;
	}
	return 0;
}

MMLAB_EXPORT int mmlab_task_validate(struct mmlab_task *t)
{
	int err;

	mmap_read_lock(t->tsk.mm);
	err = mm_validate(t->tsk.mm) ?: pgtable_validate(t->tsk.mm) ?: rss_validate(t->tsk.mm) ?:
	      rmap_validate(t->tsk.mm);
	mmap_read_unlock(t->tsk.mm);
	return err;
}
