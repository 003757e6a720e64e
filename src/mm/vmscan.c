// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What memory pressure does to lazily freeable memory (mm/vmscan.c's shrink_folio_list with
 * rmap.c's try_to_unmap_one for MADV_FREE pages): a page MADV_FREE marked, still clean and
 * mapped once, is dropped - its next touch faults in a zeroed page; a written or shared one
 * becomes swap-backed again. Pages of MAP_DROPPABLE memory are dropped even when written. The
 * public mmlab_reclaim_lazyfree stands for the pressure: it runs this on one mm at a time.
 * Left out: everything else reclaim does (LRU lists, swap-out, page-cache writeback).
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

struct reclaim_state {
	struct zap_details z;
	struct vm_area_struct *vma;
	unsigned long nr_freed;
};

/*
 * A lazily freeable page still clean in its only mapping is dropped, as shrink_folio_list
 * and try_to_unmap_one do; a page of a VM_DROPPABLE VMA is dropped even when dirty, and never
 * becomes swap-backed when it cannot be.
 */
static int reclaim_lazyfree_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct reclaim_state *r = data;
	bool droppable = r->vma->vm_flags & VM_DROPPABLE;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!(pte & _PAGE_PRESENT) || (pte & _PAGE_SPECIAL))
		return 0;
	page = pfn_to_page(&mm->machine->pgdat, pte_pfn(pte));
	if (!PageAnon(page) || PageSwapBacked(page))
		return 0;
	if ((pte_dirty(pte) && !droppable) || page_mapcount(page) != 1 ||
	    page_ref_count(page) != 1) {
		if (!droppable)
			SetPageSwapBacked(page); /* written again, or shared: no longer lazyfree */
		return 0;
	}
	r->nr_freed++;
	return zap_pte(mm, addr, ptep, &r->z);
}

/**
 * reclaim_lazyfree - what memory pressure would do to MADV_FREE pages of @mm, and to pages of
 * MAP_DROPPABLE memory: drop those not written since (droppable ones even if written), so
 * that their next touch faults in a zeroed page.
 * Context: mmap_lock held for writing.
 * Return: the number of pages freed.
 */
unsigned long reclaim_lazyfree(struct mm_struct *mm)
{
	struct reclaim_state r = { .z = { .mm = mm } };
	VMA_ITERATOR(vmi, mm, 0);

	mmap_assert_write_locked(mm);
	for_each_vma(vmi, r.vma)
		(void)walk_pte_range(mm, r.vma->vm_start, r.vma->vm_end, reclaim_lazyfree_pte, &r);
	zap_flush(&r.z);
	return r.nr_freed;
}

MMLAB_EXPORT uint64_t mmlab_reclaim_lazyfree(struct mmlab_task *t)
{
	unsigned long nr;

	if (!t)
		return 0;
	mmap_write_lock(t->tsk.mm);
	nr = reclaim_lazyfree(t->tsk.mm);
	mmap_write_unlock(t->tsk.mm);
	return nr;
}
