// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A frame's flags as /proc/kpageflags reports them (fs/proc/page.c's stable_page_flags) and
 * one address's page-table walk, for the views that show a reader what the MMU sees (the
 * walk() pseudo-call). The KPF_* numbers are the kernel's ABI (include/uapi/linux/
 * kernel-page-flags.h, and the kernel-internal ones above 31 that /proc/kpageflags also
 * shows). Left out: flags of states mmlab has no model of (slab, KSM, hwpoison, huge pages
 * of hugetlbfs or THP, idle tracking, the arch and private bits).
 */
#include "fs/fs.h"
#include "mm/procfs.h"
#include "mm/mmap_lock.h"
#include "mm/memory.h"
#include "mm/rmap.h"
#include "mm/task.h"
#include "mmlab.h"

enum {
	KPF_LOCKED = 0, KPF_REFERENCED = 2, KPF_UPTODATE = 3, KPF_DIRTY = 4, KPF_LRU = 5,
	KPF_ACTIVE = 6, KPF_WRITEBACK = 8, KPF_RECLAIM = 9, KPF_BUDDY = 10, KPF_MMAP = 11,
	KPF_ANON = 12, KPF_SWAPCACHE = 13, KPF_SWAPBACKED = 14, KPF_COMPOUND_HEAD = 15,
	KPF_COMPOUND_TAIL = 16, KPF_UNEVICTABLE = 18, KPF_ZERO_PAGE = 24, KPF_PGTABLE = 26,
	KPF_RESERVED = 32, KPF_MLOCKED = 33,
};

/* The PG_ bits that /proc/kpageflags shows as they are, each with its KPF_ number. */
static const unsigned char kpf_of_pg[][2] = {
	{ PG_locked, KPF_LOCKED },	   { PG_referenced, KPF_REFERENCED },
	{ PG_uptodate, KPF_UPTODATE },	   { PG_dirty, KPF_DIRTY },
	{ PG_lru, KPF_LRU },		   { PG_active, KPF_ACTIVE },
	{ PG_writeback, KPF_WRITEBACK },   { PG_reclaim, KPF_RECLAIM },
	{ PG_buddy, KPF_BUDDY },	   { PG_swapcache, KPF_SWAPCACHE },
	{ PG_swapbacked, KPF_SWAPBACKED }, { PG_unevictable, KPF_UNEVICTABLE },
	{ PG_pgtable, KPF_PGTABLE },	   { PG_reserved, KPF_RESERVED },
	{ PG_mlocked, KPF_MLOCKED },	   { PG_tail, KPF_COMPOUND_TAIL },
};

/*
 * stable_page_flags - @page's state in /proc/kpageflags bits. The flags word is read once, so
 * the bits are one moment's; the derived ones (mapped, anonymous, a large folio's head, the
 * zero page) read other fields a moment apart, as the kernel's do.
 */
uint64_t stable_page_flags(const struct pglist_data *pgdat, const struct page *page)
{
	unsigned long pg = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	uint64_t k = 0;

	for (size_t i = 0; i < sizeof(kpf_of_pg) / sizeof(kpf_of_pg[0]); i++)
		if (pg & (1UL << kpf_of_pg[i][0]))
			k |= 1ULL << kpf_of_pg[i][1];
	if (page == pgdat->zero_page)
		k |= 1ULL << KPF_ZERO_PAGE;
	if (page_mapcount(page) > 0)
		k |= 1ULL << KPF_MMAP;
	if (PageAnon(page))
		k |= 1ULL << KPF_ANON;
	else if (page->mapping && !(pg & (1UL << PG_tail)) && !(pg & (1UL << PG_buddy)) &&
		 filemap_folio_order(page) > 0)
		k |= 1ULL << KPF_COMPOUND_HEAD;
	return k;
}

MMLAB_EXPORT int mmlab_page_walk(struct mmlab_task *t, uint64_t addr, struct mmlab_page_walk *w)
{
	struct mm_struct *mm;
	struct pglist_data *pgdat;
	pte_t e[PT_LEVELS];

	if (!t || !w || addr > TASK_SIZE_MAX)
		return -EINVAL;
	mm = t->tsk.mm;
	pgdat = mm->context.pgdat;
	*w = (struct mmlab_page_walk){ 0 };
	mmap_read_lock(mm);
	w->levels = pt_walk_entries(&mm->context, addr, e);
	for (int i = 0; i < w->levels; i++) {
		w->entry[i] = e[i];
		w->index[i] = pt_index(addr, PT_PGD - i);
	}
	if (w->levels == PT_LEVELS && pte_present(e[PT_LEVELS - 1]) &&
	    pfn_valid(pgdat, pte_pfn(e[PT_LEVELS - 1]))) {
		const struct page *page = pfn_to_page(pgdat, pte_pfn(e[PT_LEVELS - 1]));

		w->mapped = 1;
		w->pfn = pte_pfn(e[PT_LEVELS - 1]);
		w->kpageflags = stable_page_flags(pgdat, page);
		w->refcount = page_ref_count(page);
		w->mapcount = page_mapcount(page);
	}
	mmap_read_unlock(mm);
	return 0;
}
