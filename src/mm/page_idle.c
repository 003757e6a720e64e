// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Idle page tracking (mm/page_idle.c): which pages nobody accessed since they were marked
 * idle. Linux exposes it per frame in /sys/kernel/mm/page_idle/bitmap - writing a 1 bit marks
 * the frame idle (its accessed bits in every mapping are cleared through the reverse map and
 * PG_idle set), reading gives 1 for the frames still idle (the read clears the accessed bits
 * again; a set one ends the idleness) - and tools turn virtual ranges into frames through
 * /proc/pid/pagemap. mmlab_page_idle does both for one virtual range in one step, as the
 * scenario pseudo-call idle(ADDR, LEN): it reports each present page's idleness since the
 * previous marking, then marks it idle again. An accessed bit the tracking clears is kept in
 * PG_young, so that reclaim's folio_referenced still counts the access.
 *
 * One difference: Linux clears the bits with ptep_clear_young_notify, which on x86 does not
 * flush the TLB, so an access through a translation the TLB still holds can go unseen; here
 * the entries cleared are flushed, as folio_referenced does, and the answer is exact.
 * Left out: the frame-indexed sysfs file itself, and the idle flag's clearing by
 * mark_page_accessed (read(2)/write(2) accesses to file pages): only accesses through page
 * tables end a page's idleness here.
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mmlab.h"

/* One mapping's accessed bit cleared, and its TLB entry flushed (page_idle_clear_pte_refs_one). */
static bool page_idle_clear_pte_refs_one(struct page *page, struct vm_area_struct *vma,
					 unsigned long addr, void *arg)
{
	pte_t *ptep = page_vma_mapped_pte(page, vma, addr);
	bool *young = arg;

	if (pte_young(ptep_clear_bits(ptep, _PAGE_ACCESSED))) {
		flush_tlb_range(vma->vm_mm, addr, addr + PAGE_SIZE);
		*young = true;
	}
	return true;
}

/*
 * Clears @page's accessed bits in every mapping; one was set: the page is not idle, and young
 * for reclaim. A mapping the walk could not reach (its mm busy) may have been accessed: the
 * page is not idle either.
 */
static void page_idle_clear_pte_refs(struct page *page)
{
	bool young = false;
	struct rmap_walk_control rwc = { .arg = &young, .rmap_one = page_idle_clear_pte_refs_one };

	rmap_walk(page, &rwc);
	if (young)
		SetPageYoung(page);
	if (young || rwc.contended)
		ClearPageIdle(page);
}

/* The page @ptep maps, with a reference, if idle tracking can follow it; else NULL. */
static struct page *page_idle_get_page(struct mm_struct *mm, pte_t *ptep)
{
	struct page *page = NULL;
	pte_t pte;

	spin_lock(&mm->page_table_lock);
	pte = ptep_get(ptep);
	if (pte_present(pte) && !(pte & _PAGE_SPECIAL)) {
		page = pfn_to_page(&mm->machine->pgdat, pte_pfn(pte));
		/* The zero page and pages of no mapping have no reverse map to follow. */
		if (PageReserved(page) || !page->mapping)
			page = NULL;
		else
			get_page(page);
	}
	spin_unlock(&mm->page_table_lock);
	return page;
}

/*
 * One page: idle since its last marking (nothing accessed it through any mapping), then
 * marked idle again (page_idle_bitmap_read, then page_idle_bitmap_write).
 */
static bool page_idle_sample(struct page *page)
{
	bool was_idle = PageIdle(page);

	page_idle_clear_pte_refs(page);
	was_idle = was_idle && PageIdle(page);
	SetPageIdle(page);
	return was_idle;
}

struct page_idle_range {
	unsigned long start;		/* Address of bit 0 */
	uint64_t *bitmap;		/* Bit i: the page at start + i pages is idle */
};

static int page_idle_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct page_idle_range *r = data;
	unsigned long i = (addr - r->start) >> PAGE_SHIFT;
	struct page *page = page_idle_get_page(mm, ptep);

	if (!page)
		return 0;
	if (page_idle_sample(page))
		r->bitmap[i / 64] |= 1ULL << (i % 64);
	put_page(&mm->machine->pgdat, page);
	return 0;
}

MMLAB_EXPORT int mmlab_page_idle(struct mmlab_task *t, uint64_t addr, uint64_t len,
				 uint64_t *bitmap)
{
	struct page_idle_range r = { .start = addr, .bitmap = bitmap };
	struct mm_struct *mm;
	unsigned long pages;

	if (!t || (len && !bitmap) || (addr & ~PAGE_MASK) || addr > TASK_SIZE_MAX ||
	    len > TASK_SIZE_MAX - addr)
		return -EINVAL;
	mm = t->tsk.mm;
	pages = PAGE_ALIGN(len) >> PAGE_SHIFT;
	for (unsigned long w = 0; w < (pages + 63) / 64; w++)
		bitmap[w] = 0;
	mmap_read_lock(mm);
	(void)walk_pte_range(mm, addr, addr + (pages << PAGE_SHIFT), page_idle_pte, &r);
	mmap_read_unlock(mm);
	return 0;
}
