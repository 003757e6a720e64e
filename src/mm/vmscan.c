// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page reclaim (mm/vmscan.c): when free pages fall below the zone's watermarks, kswapd (low
 * -> high) and direct reclaim (below min, for one allocation) scan the node's LRU lists.
 * shrink_node splits the scan between anonymous and file pages by their recent reclaim cost
 * and vm.swappiness (get_scan_count; no swap area: file pages only), and shrink_lruvec takes
 * SWAP_CLUSTER_MAX pages at a time from the tail of each inactive list (shrink_inactive_list)
 * and refills an inactive list that is low from its active list (shrink_active_list,
 * inactive_is_low). A page referenced since it was last seen (folio_referenced's accessed
 * bits, PG_referenced) gets a second chance or is activated (folio_check_references); the
 * rest are reclaimed by shrink_folio_list: file pages unmapped from every page table
 * (rmap.c's try_to_unmap) and dropped from the page cache, leaving a shadow entry
 * (workingset.c), dirty ones written back first; lazily freeable anonymous pages discarded.
 * Anonymous pages go to swap when an area has free slots (swap_state.c's swap_out_page),
 * and so do shmem pages once unmapped (shmem.c, the file layer's shmem_swapout_page).
 *
 * Where it runs: kswapd is a synchronous step at safe points, and direct reclaim runs in a
 * faulting task after it dropped its locks (page_alloc.c says why). Both go through
 * shrink_node; a run that reclaims nothing is where an allocation gives up
 * (page_alloc.c's __alloc_pages_slowpath, then the fault path's OOM).
 *
 * The pure modes (--lru lru|clock) replace the policy: one list, and reclaim evicts from
 * its tail exactly as many pages as were asked (one per allocation that found no free
 * frame), with no watermarks and no kswapd: lru evicts the least recently used page (every
 * access moved its page to the head), clock gives a page whose accessed bit or PG_referenced
 * is set a second chance (the bits cleared, the page to the head) and evicts the first that
 * has none.
 *
 * Also here: what memory pressure does to lazily freeable memory in one mm at a time
 * (mmlab_reclaim_lazyfree, below).
 * Under --lru mglru, shrink_node hands the node to lru_gen.c's aging and eviction, which
 * shares shrink_folio_list and move_folios_to_lru (vmscan_internal.h).
 *
 * Left out: swap (above), memcg and its protection, node reclaim, dirty-page throttling, the
 * writeback-in-flight waits (file writeback is synchronous here; swap writes end at the
 * start of the next pass, page_io.c), shrinkers (slab), compaction,
 * and large folios as units (each page of a large folio is reclaimed alone; removing one
 * splits the folio).
 */
#include "mm/memory.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mm/vmscan.h"
#include "mm/vmscan_internal.h"
#include "phys/lru.h"
#include "mmlab.h"

#include <limits.h>

#define DEACTIVATE_ANON 1U
#define DEACTIVATE_FILE 2U

/* What folio_check_references decided. */
enum folio_references {
	FOLIOREF_RECLAIM,
	FOLIOREF_RECLAIM_CLEAN,
	FOLIOREF_KEEP,
	FOLIOREF_ACTIVATE,
};

/*
 * The accessed bits of every mapping of the isolated @page, cleared (rmap.c's
 * folio_referenced). Return: young mappings found; negative when a mapping could not be
 * looked at (keep the page).
 */
static int vmscan_referenced(struct pglist_data *pgdat, struct page *page,
			     unsigned long *vm_flags)
{
	(void)pgdat;
	*vm_flags = 0;
	if (!page_mapcount(page))
		return 0;
	return folio_referenced(page, vm_flags);
}

/* Unmaps the isolated @page from every page table (rmap.c's try_to_unmap). */
static bool vmscan_unmap(struct pglist_data *pgdat, struct page *page,
			 struct mm_struct *locked_mm)
{
	const struct ttu_control ttu = { .flags = 0, .locked_mm = locked_mm };

	(void)pgdat;
	return try_to_unmap(page, &ttu);
}

/*
 * Evicts the isolated anonymous @page to swap (swap_state.c's swap_out_page: unmapped with
 * swap PTEs through rmap, written, freed), taking the isolation's reference when it succeeds.
 * Reclaim holds no mmap_lock but @locked_mm's (MADV_PAGEOUT): every other mapping's mm is
 * read-trylocked by the walk.
 */
static bool vmscan_swap_out(struct pglist_data *pgdat, struct page *page,
			    struct mm_struct *locked_mm)
{
	(void)pgdat;
	return swap_out_page(page, locked_mm);
}

/* A swap area is on and has a free slot (get_nr_swap_pages() > 0). */
static bool vmscan_swap_available(struct machine *m)
{
	unsigned long total, free;

	si_swapinfo(m, &total, &free);
	return free > 0;
}

static struct machine *pgdat_machine(struct pglist_data *pgdat)
{
	return container_of(pgdat, struct machine, pgdat);
}

/* Whether anonymous pages can go anywhere: a swap area with free slots. */
static bool can_reclaim_anon_pages(struct pglist_data *pgdat)
{
	return vmscan_swap_available(pgdat_machine(pgdat));
}

/*
 * folio_evictable: neither mlocked nor in an unevictable mapping (SHM_LOCK, ramfs).
 * Context: the caller holds a reference on @page.
 */
bool page_evictable(struct page *page)
{
	struct address_space *mapping;

	if (PageMlocked(page))
		return false;
	/* read once: a swap-in may make the page anonymous meanwhile, and an anon_vma read
	 * as an address_space would answer from the wrong structure */
	mapping = READ_ONCE(page->mapping);
	if ((unsigned long)mapping & PAGE_MAPPING_ANON)
		return true;
	return !mapping || !READ_ONCE(mapping->unevictable);
}

/*
 * isolate_lru_pages - take up to @nr_to_scan pages from the tail of @lru onto @dst, each with
 * a reference and PG_lru cleared (isolate_lru_folios). A page being freed (no reference
 * left) is passed over to the head.
 * Return: pages taken; *@nr_scanned the pages looked at.
 */
static unsigned long isolate_lru_pages(struct lruvec *lruvec, enum lru_list lru,
				       unsigned long nr_to_scan, struct list_head *dst,
				       unsigned long *nr_scanned)
{
	struct list_head *src = &lruvec->lists[lru];
	unsigned long taken = 0, scanned = 0;

	while (scanned < nr_to_scan && !list_empty(src)) {
		struct page *page = list_last_entry(src, struct page, lru);

		scanned++;
		if (!get_page_unless_zero(page)) {
			list_move(&page->lru, src);
			continue;
		}
		ClearPageLRU(page);
		lruvec_del_page(lruvec, page);
		list_add(&page->lru, dst);
		taken++;
	}
	*nr_scanned = scanned;
	return taken;
}

/*
 * move_folios_to_lru - put the pages of @list back on the lists their flags name, at the
 * head, dropping the isolation's references; a page whose last reference that was is freed.
 * Context: lru_lock not held.
 */
unsigned long move_folios_to_lru(struct pglist_data *pgdat, struct list_head *list)
{
	unsigned long moved = 0;

	while (!list_empty(list)) {
		struct page *page = list_first_entry(list, struct page, lru);

		list_del(&page->lru);
		if (!page_evictable(page) && !PageUnevictable(page)) {
			ClearPageActive(page);
			SetPageUnevictable(page);
			count_vm_event(pgdat, UNEVICTABLE_PGCULLED);
		}
		putback_lru_page(pgdat, page);
		moved++;
	}
	return moved;
}

/*
 * folio_check_references - what an inactive page's recent use says: referenced through
 * more than one mapping, or through one and already PG_referenced, or an executable file
 * page: activate; referenced once: keep it one more round (PG_referenced set); only its
 * PG_referenced (a read()): reclaim a file page if clean; nothing: reclaim.
 */
static enum folio_references folio_check_references(struct pglist_data *pgdat,
						    struct page *page)
{
	unsigned long vm_flags = 0;
	int referenced_ptes = vmscan_referenced(pgdat, page, &vm_flags);
	bool referenced_page = PageReferenced(page);

	if (vm_flags & VM_LOCKED)
		return FOLIOREF_ACTIVATE;
	if (referenced_ptes < 0)
		return FOLIOREF_KEEP;	/* a mapping could not be looked at */
	ClearPageReferenced(page);
	if (referenced_ptes) {
		SetPageReferenced(page);
		if (referenced_page || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && page_is_file_lru(page))
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	if (referenced_page && page_is_file_lru(page))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

/*
 * Frees a file page no longer mapped: written back first when dirty, then taken out of the
 * page cache. Return: true when it left the cache (the isolation's reference is the last).
 */
static bool reclaim_file_page(struct page *page, enum folio_references ref,
			      struct reclaim_stat *stat)
{
	struct address_space *mapping = READ_ONCE(page->mapping);

	if (!mapping)
		return page_ref_count(page) == 1;	/* truncated meanwhile: ours alone */
	if (PageDirty(page)) {
		loff_t start, end;

		if (ref == FOLIOREF_RECLAIM_CLEAN || !mapping_can_writeback(mapping))
			return false;
		start = (loff_t)filemap_folio_index(page) << PAGE_SHIFT;
		end = ((loff_t)filemap_folio_next_index(page) << PAGE_SHIFT) - 1;
		if (filemap_write_range(mapping, start, end, true) || PageDirty(page))
			return false;
		stat->nr_pageout++;
	}
	return remove_mapping(mapping, page);
}

/*
 * shrink_folio_list's activate_locked: the page goes back to its active list, counted in
 * its type's activations and in pgactivate.
 */
static void activate_locked(struct pglist_data *pgdat, struct page *page,
			    struct reclaim_stat *stat)
{
	SetPageActive(page);
	stat->nr_activate[page_is_file_lru(page)]++;
	count_vm_event(pgdat, PGACTIVATE);
}

/*
 * Sends a shmem page no longer mapped to swap (pageout's shmem_writeout). With no free slot
 * it is activated, as Linux's AOP_WRITEPAGE_ACTIVATE has it; in use again, it stays.
 * Return: true when it left the cache (the isolation's reference is the last).
 */
static bool reclaim_shmem_page(struct pglist_data *pgdat, struct page *page,
			       struct reclaim_stat *stat)
{
	struct address_space *mapping = READ_ONCE(page->mapping);
	int err;

	if (!mapping)
		return page_ref_count(page) == 1;	/* truncated meanwhile: ours alone */
	err = shmem_swapout_page(mapping, page);
	if (!err) {
		stat->nr_pageout++;
		return true;
	}
	if (err != -EBUSY)
		activate_locked(pgdat, page, stat);
	return false;
}

/*
 * An anonymous page swap_out_page kept: with no slot for it (add_to_swap failed: no swap, or
 * swap full) or a mapping left, it is activated (shrink_folio_list's activate_locked), unless
 * mlocked; kept on the inactive list otherwise (a write error, an extra reference).
 */
static void swap_out_failed(struct pglist_data *pgdat, struct page *page,
			    struct reclaim_stat *stat)
{
	if (!PageMlocked(page) && !(PageSwapCache(page) && !page_mapcount(page)))
		activate_locked(pgdat, page, stat);
}

/*
 * A dirty file page reclaim_pages (MADV_PAGEOUT) found: it does not write file pages back;
 * the page is marked PG_reclaim, counted in nr_vmscan_immediate_reclaim, and activated, so
 * that the end of the writeback that cleans it (the flusher's, fsync's) moves it to the
 * inactive tail, to be reclaimed first (folio_end_writeback's folio_rotate_reclaimable).
 */
static void activate_dirty_file_page(struct pglist_data *pgdat, struct page *page,
				     struct reclaim_stat *stat)
{
	SetPageReclaim(page);
	mod_node_page_state(pgdat, NR_VMSCAN_IMMEDIATE, 1);
	if (!PageMlocked(page))
		activate_locked(pgdat, page, stat);
}

/*
 * shrink_folio_list - try to free each isolated page of @list (shrink_folio_list). Freed
 * pages leave the list and go back to the allocator; the rest stay on @list for the caller
 * to put back, the ones to activate with PG_active set. The swap writes it starts are
 * plugged: runs of following slots go out as one host write, all before it returns.
 * Return: pages freed.
 */
unsigned long shrink_folio_list(struct pglist_data *pgdat, struct list_head *list,
				struct scan_control *sc, struct reclaim_stat *stat)
{
	struct list_head keep = LIST_HEAD_INIT(keep);
	unsigned long nr_reclaimed = 0;
	struct swap_iocb plug;

	swap_start_plug(&plug);	/* the swap writes of runs of slots go out together */
	while (!list_empty(list)) {
		struct page *page = list_last_entry(list, struct page, lru);
		enum folio_references ref = FOLIOREF_RECLAIM;
		bool freed = false;

		list_move(&page->lru, &keep);
		if (!page_evictable(page))
			continue;
		if (PageWriteback(page)) {
			SetPageReclaim(page);	/* its writeback's end rotates it to the tail */
			continue;
		}
		/* MGLRU: the aging found it young while it was isolated (folio_update_gen) */
		if (lru_gen_enabled(pgdat) && !sc->pageout && page_mapcount(page) &&
		    PageReferenced(page))
			continue;
		if (pgdat->lru_mode < LRU_MODE_LRU && !sc->pageout)
			ref = folio_check_references(pgdat, page);
		if (ref == FOLIOREF_ACTIVATE) {
			if (!PageMlocked(page)) /* else to the unevictable list */
				activate_locked(pgdat, page, stat);
			continue;
		}
		if (ref == FOLIOREF_KEEP)
			continue;
		/* anonymous, or read in by swap readahead and mapped by nobody yet (no anon_vma) */
		if ((PageAnon(page) || PageSwapCache(page)) && PageSwapBacked(page)) {
			/* swap_out_page unmaps, writes and frees it: it takes our reference; a
			 * page in the swap cache already needs no new slot */
			if (!sc->may_swap && !PageSwapCache(page))
				continue;
			list_del(&page->lru);
			if (vmscan_swap_out(pgdat, page, sc->locked_mm)) {
				nr_reclaimed++;
			} else {
				/* written (a later pass frees it), or kept */
				stat->nr_pageout += PageWriteback(page);
				list_add(&page->lru, &keep);
				swap_out_failed(pgdat, page, stat);
			}
			continue;
		}
		if (PageSwapBacked(page) && !sc->may_swap)
			continue;	/* shmem, with nowhere to go */
		if (page_mapcount(page) > 0 && !vmscan_unmap(pgdat, page, sc->locked_mm)) {
			stat->nr_unmap_fail++;
			if (PageAnon(page) && PageSwapBacked(page)) {
				/* lazily freeable, but written again: an ordinary anon page */
				activate_locked(pgdat, page, stat);
			}
			continue;
		}
		if (PageAnon(page)) {
			/* lazily freeable, now unmapped and clean: drop it */
			freed = !PageSwapBacked(page) && !PageDirty(page) &&
				page_ref_count(page) == 1;
			if (freed)
				count_vm_event(pgdat, PGLAZYFREED);
		} else if (PageDirty(page) && !PageSwapBacked(page) && sc->pageout) {
			activate_dirty_file_page(pgdat, page, stat);
		} else if (!PageSwapBacked(page)) {
			freed = reclaim_file_page(page, ref, stat);
		} else {
			freed = reclaim_shmem_page(pgdat, page, stat);
		}
		if (!freed)
			continue;
		list_del(&page->lru);
		put_page(pgdat, page);
		nr_reclaimed++;
	}
	swap_finish_plug(&plug);
	list_splice_tail_init(&keep, list);
	return nr_reclaimed;
}

/*
 * shrink_inactive_list - isolate up to @nr_to_scan pages from the tail of inactive @lru and
 * try to free them; the rest go back, activated ones to the active list.
 * Return: pages freed.
 */
static unsigned long shrink_inactive_list(struct pglist_data *pgdat, unsigned long nr_to_scan,
					  struct scan_control *sc, enum lru_list lru)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	struct list_head folio_list = LIST_HEAD_INIT(folio_list);
	struct reclaim_stat stat = {};
	bool file = is_file_lru(lru);
	unsigned long nr_scanned, nr_taken, nr_reclaimed;

	lru_add_drain(pgdat);
	spin_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_pages(lruvec, lru, nr_to_scan, &folio_list, &nr_scanned);
	spin_unlock(&lruvec->lru_lock);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, (long)nr_taken);
	count_vm_events(pgdat, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, nr_scanned);
	count_vm_events(pgdat, file ? PGSCAN_FILE : PGSCAN_ANON, nr_scanned);
	sc->nr_scanned += nr_scanned;
	if (!nr_taken)
		return 0;
	nr_reclaimed = shrink_folio_list(pgdat, &folio_list, sc, &stat);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, -(long)nr_taken);
	move_folios_to_lru(pgdat, &folio_list);
	lru_note_cost(lruvec, file, stat.nr_pageout, nr_scanned - nr_reclaimed);
	count_vm_events(pgdat, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, nr_reclaimed);
	count_vm_events(pgdat, file ? PGSTEAL_FILE : PGSTEAL_ANON, nr_reclaimed);
	return nr_reclaimed;
}

/*
 * shrink_active_list - move up to @nr_to_scan pages from the tail of active @lru to the
 * inactive list, clearing their accessed bits; an executable file page that was referenced
 * stays active (rotated to the head).
 */
static void shrink_active_list(struct pglist_data *pgdat, unsigned long nr_to_scan,
			       struct scan_control *sc, enum lru_list lru)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	struct list_head l_hold = LIST_HEAD_INIT(l_hold);
	struct list_head l_back = LIST_HEAD_INIT(l_back);
	unsigned long nr_scanned, nr_taken, nr_deactivate = 0;
	bool file = is_file_lru(lru);

	(void)sc;
	lru_add_drain(pgdat);
	spin_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_pages(lruvec, lru, nr_to_scan, &l_hold, &nr_scanned);
	spin_unlock(&lruvec->lru_lock);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, (long)nr_taken);
	count_vm_events(pgdat, PGREFILL, nr_scanned);
	while (!list_empty(&l_hold)) {
		struct page *page = list_last_entry(&l_hold, struct page, lru);
		unsigned long vm_flags = 0;

		list_move(&page->lru, &l_back);
		if (!page_evictable(page))
			continue;
		if (vmscan_referenced(pgdat, page, &vm_flags) && (vm_flags & VM_EXEC) &&
		    page_is_file_lru(page))
			continue;	/* executable code stays active */
		ClearPageActive(page);
		SetPageWorkingset(page);	/* its refault, if evicted, is a restore */
		nr_deactivate++;
	}
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, -(long)nr_taken);
	move_folios_to_lru(pgdat, &l_back);
	count_vm_events(pgdat, PGDEACTIVATE, nr_deactivate);
}

/*
 * inactive_is_low - whether the inactive list of @inactive_lru's kind is too short beside its
 * active list: inactive x ratio < active, the ratio sqrt(10 x the lists' size in GiB), 1
 * below 1 GiB.
 */
static bool inactive_is_low(struct lruvec *lruvec, enum lru_list inactive_lru)
{
	unsigned long inactive = lruvec_lru_size(lruvec, inactive_lru);
	unsigned long active = lruvec_lru_size(lruvec, inactive_lru + LRU_ACTIVE);
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT), ratio = 1;

	while (gb && (ratio + 1) * (ratio + 1) <= 10 * gb)
		ratio++;
	return inactive * ratio < active;
}

static unsigned long shrink_list(struct pglist_data *pgdat, enum lru_list lru,
				 unsigned long nr_to_scan, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (is_file_lru(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			shrink_active_list(pgdat, nr_to_scan, sc, lru);
		return 0;
	}
	return shrink_inactive_list(pgdat, nr_to_scan, sc, lru);
}

/*
 * get_scan_count - how many pages of each evictable list to scan at this priority: 1/2^prio
 * of each, split between anon and file by swappiness against the lists' recent costs
 * (SCAN_FRACT); file only without swap or when file pages are plentiful (cache trim mode);
 * anon and file alike at priority 0.
 */
static void get_scan_count(struct pglist_data *pgdat, struct scan_control *sc,
			   unsigned long nr[NR_LRU_LISTS])
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long fraction[2] = { 0, 1 }, denominator = 1;
	unsigned long anon_cost, file_cost, total_cost;
	int swappiness = pgdat->swappiness;

	if (!sc->may_swap || !swappiness) {
		/* SCAN_FILE */
	} else if (!sc->priority) {
		fraction[0] = fraction[1] = 1;	/* SCAN_EQUAL */
		denominator = 2;
	} else if (sc->cache_trim_mode) {
		/* SCAN_FILE */
	} else {
		spin_lock(&lruvec->lru_lock);
		total_cost = lruvec->anon_cost + lruvec->file_cost;
		anon_cost = total_cost + lruvec->anon_cost;
		file_cost = total_cost + lruvec->file_cost;
		spin_unlock(&lruvec->lru_lock);
		total_cost = anon_cost + file_cost;
		fraction[0] = (unsigned long)swappiness * (total_cost + 1) / (anon_cost + 1);
		fraction[1] = (unsigned long)(200 - swappiness) * (total_cost + 1) / (file_cost + 1);
		denominator = fraction[0] + fraction[1];
	}
	for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		unsigned long size = lruvec_lru_size(lruvec, (enum lru_list)lru);
		unsigned long scan = size >> sc->priority;
		bool file = is_file_lru((enum lru_list)lru);

		/* a small list is scanned whole once the priority allows nothing else */
		if (!scan && size && sc->priority < DEF_PRIORITY - 2)
			scan = min(size, SWAP_CLUSTER_MAX);
		nr[lru] = fraction[file] ? (scan * fraction[file] + denominator - 1) / denominator
					 : 0;
	}
}

/* shrink_lruvec - scan the lists by get_scan_count's targets, a cluster at a time. */
static void shrink_lruvec(struct pglist_data *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long nr[NR_LRU_LISTS];

	get_scan_count(pgdat, sc, nr);
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
			unsigned long n = min(nr[lru], SWAP_CLUSTER_MAX);

			if (!n)
				continue;
			nr[lru] -= n;
			sc->nr_reclaimed += shrink_list(pgdat, (enum lru_list)lru, n, sc);
		}
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	/* keep the anon lists aged even when anon was not scanned (as Linux) */
	if (can_reclaim_anon_pages(pgdat) && inactive_is_low(lruvec, LRU_INACTIVE_ANON))
		shrink_active_list(pgdat, SWAP_CLUSTER_MAX, sc, LRU_ACTIVE_ANON);
}

/*
 * shrink_node - one pass over the node at sc->priority: decide which active lists may be
 * deactivated (an inactive list that is low, or refaults since the last run that say the
 * workingset moved) and whether file pages alone will do, then shrink_lruvec.
 */
static void shrink_node(struct pglist_data *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long refaults, file;

	swap_io_complete(pgdat_machine(pgdat));	/* the writes of the last pass have ended */
	if (lru_gen_enabled(pgdat)) {
		lru_gen_shrink_node(pgdat, sc);
		return;
	}
	refaults = node_page_state(pgdat, WORKINGSET_ACTIVATE_ANON);
	if (refaults != lruvec->refaults[0] || inactive_is_low(lruvec, LRU_INACTIVE_ANON))
		sc->may_deactivate |= DEACTIVATE_ANON;
	else
		sc->may_deactivate &= ~DEACTIVATE_ANON;
	refaults = node_page_state(pgdat, WORKINGSET_ACTIVATE_FILE);
	if (refaults != lruvec->refaults[1] || inactive_is_low(lruvec, LRU_INACTIVE_FILE))
		sc->may_deactivate |= DEACTIVATE_FILE;
	else
		sc->may_deactivate &= ~DEACTIVATE_FILE;
	file = lruvec_lru_size(lruvec, LRU_INACTIVE_FILE);
	sc->cache_trim_mode = (file >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE);
	shrink_lruvec(pgdat, sc);
}

/* The node's reclaim is done with the run: remember the refaults it saw (snapshot_refaults). */
static void snapshot_refaults(struct pglist_data *pgdat)
{
	if (lru_gen_enabled(pgdat))
		return;
	pgdat->lruvec.refaults[0] = node_page_state(pgdat, WORKINGSET_ACTIVATE_ANON);
	pgdat->lruvec.refaults[1] = node_page_state(pgdat, WORKINGSET_ACTIVATE_FILE);
}

/*
 * shrink_pure - the pure modes' reclaim (--lru lru|clock): from the tail of the one list,
 * evict pages until @sc's target is met; in clock mode a referenced page (accessed bit in a
 * mapping, or PG_referenced) loses its bits and goes to the head instead. Two turns of the
 * clock without a victim end the run.
 */
static void shrink_pure(struct pglist_data *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long budget;

	lru_add_drain(pgdat);
	/* the one list's pages are counted as inactive anon or file (page_lru_stat) */
	budget = 2 * (lruvec_lru_size(lruvec, LRU_INACTIVE_FILE) +
		      lruvec_lru_size(lruvec, LRU_INACTIVE_ANON)) + 1;
	while (sc->nr_reclaimed < sc->nr_to_reclaim && budget--) {
		struct list_head one = LIST_HEAD_INIT(one);
		struct reclaim_stat stat = {};
		unsigned long scanned, vm_flags = 0;
		struct page *page;

		spin_lock(&lruvec->lru_lock);
		if (!isolate_lru_pages(lruvec, LRU_INACTIVE_FILE, 1, &one, &scanned)) {
			spin_unlock(&lruvec->lru_lock);
			if (!scanned)
				break;
			continue;
		}
		spin_unlock(&lruvec->lru_lock);
		page = list_first_entry(&one, struct page, lru);
		count_vm_events(pgdat, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, 1);
		sc->nr_scanned++;
		if (pgdat->lru_mode == LRU_MODE_CLOCK &&
		    (vmscan_referenced(pgdat, page, &vm_flags) || PageReferenced(page))) {
			ClearPageReferenced(page);
			move_folios_to_lru(pgdat, &one);
			continue;
		}
		if (shrink_folio_list(pgdat, &one, sc, &stat)) {
			sc->nr_reclaimed++;
			count_vm_events(pgdat, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, 1);
			continue;
		}
		move_folios_to_lru(pgdat, &one);
	}
}

/* One reclaim run: priorities from DEF_PRIORITY down until the target is met. */
static unsigned long do_try_to_free_pages(struct pglist_data *pgdat, struct scan_control *sc)
{
	if (pgdat->lru_mode >= LRU_MODE_LRU) {
		shrink_pure(pgdat, sc);
		return sc->nr_reclaimed;
	}
	for (sc->priority = DEF_PRIORITY; sc->priority >= 0; sc->priority--) {
		shrink_node(pgdat, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	snapshot_refaults(pgdat);
	return sc->nr_reclaimed;
}

/*
 * The allocating task stalled on memory for its direct reclaim (__alloc_pages_direct_reclaim's
 * psi_memstall_enter/leave): PSI_SCAN_NS for each page the run examined (psi.c's model).
 */
static void direct_reclaim_memstall(struct pglist_data *pgdat, const struct scan_control *sc)
{
	if (sc->nr_scanned)
		psi_memstall(&pgdat_machine(pgdat)->psi, sc->nr_scanned * PSI_SCAN_NS);
}

/*
 * try_to_free_pages - direct reclaim for an allocation: SWAP_CLUSTER_MAX pages (one in the
 * pure modes, which evict exactly what is needed), a memory stall of the allocating task.
 * Context: no locks held.
 */
static unsigned long try_to_free_pages(struct pglist_data *pgdat, unsigned int order)
{
	struct scan_control sc = {
		.nr_to_reclaim = pgdat->lru_mode >= LRU_MODE_LRU ? 1UL << order
								  : max(SWAP_CLUSTER_MAX, 1UL << order),
		.may_swap = can_reclaim_anon_pages(pgdat),
	};
	unsigned long nr = do_try_to_free_pages(pgdat, &sc);

	direct_reclaim_memstall(pgdat, &sc);
	return nr;
}

static bool pgdat_balanced(struct pglist_data *pgdat)
{
	return zone_watermark_ok(&pgdat->zone, 0, high_wmark_pages(&pgdat->zone));
}

/*
 * balance_pgdat - kswapd's run: reclaim until free pages reach the high watermark, raising
 * the scan priority each pass that fell short (balance_pgdat, kswapd_shrink_node).
 * Context: no locks held.
 */
static unsigned long balance_pgdat(struct pglist_data *pgdat)
{
	struct scan_control sc = {
		.kswapd = true,
		.may_swap = can_reclaim_anon_pages(pgdat),
	};
	unsigned long total = 0;

	if (pgdat->lru_mode >= LRU_MODE_LRU)
		return 0;	/* no watermarks, no kswapd */
	count_vm_event(pgdat, PAGEOUTRUN);
	lru_add_drain(pgdat);
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0 && !pgdat_balanced(pgdat);) {
		sc.nr_reclaimed = 0;
		sc.nr_to_reclaim = max(SWAP_CLUSTER_MAX, high_wmark_pages(&pgdat->zone));
		if (!lru_gen_enabled(pgdat) && can_reclaim_anon_pages(pgdat) &&
		    inactive_is_low(&pgdat->lruvec, LRU_INACTIVE_ANON))
			shrink_active_list(pgdat, SWAP_CLUSTER_MAX, &sc, LRU_ACTIVE_ANON);
		shrink_node(pgdat, &sc);
		total += sc.nr_reclaimed;
		if (sc.nr_reclaimed < sc.nr_to_reclaim)
			sc.priority--;
	}
	snapshot_refaults(pgdat);
	return total;
}

static const struct reclaim_ops vmscan_reclaim_ops = {
	.kswapd = balance_pgdat,
	.try_to_free_pages = try_to_free_pages,
	.page_evictable = page_evictable,
};

/**
 * vmscan_init - give @m's node its reclaim: the policy @lru_mode (MMLAB_LRU_*), vm.swappiness
 * 60 and the watermarks for its RAM.
 * Context: at machine creation.
 */
void vmscan_init(struct machine *m, int lru_mode)
{
	struct pglist_data *pgdat = &m->pgdat;

	pgdat->lru_mode = (enum lru_mode)lru_mode;
	pgdat->swappiness = 60;
	setup_per_zone_wmarks(pgdat, 0, 0);
	pgdat->reclaim = &vmscan_reclaim_ops;
}

/**
 * mm_fault_reclaim - a fault found no free frame above min (VM_FAULT_OOM under
 * MEMALLOC_FAULT) and dropped its locks: reclaim directly, as the kernel's allocation would
 * have before the fault took the page-table lock.
 * Context: no locks held.
 * Return: whether reclaim made progress (retry the fault) or not (give up: OOM).
 */
bool mm_fault_reclaim(struct machine *m)
{
	return direct_reclaim(&m->pgdat, 0) > 0;
}

/**
 * reclaim_pages - reclaim the pages of @list, isolated from the LRU by MADV_PAGEOUT
 * (reclaim_pages, reclaim_folio_list): each loses PG_active and goes through shrink_folio_list
 * without a look at its references. Anonymous pages go to swap (without a free slot they are
 * activated), file pages are unmapped and, when clean, leave the page cache (dirty ones are
 * activated: only kswapd writes file pages back), lazily freeable ones are dropped when
 * clean. What stays goes back to the lists its flags name, dropping the isolation's reference.
 * Context: @locked_mm's mmap_lock held (either way), or NULL; lru_lock not held.
 * Return: pages freed.
 */
unsigned long reclaim_pages(struct pglist_data *pgdat, struct list_head *list,
			    struct mm_struct *locked_mm)
{
	struct scan_control sc = { .may_swap = true, .pageout = true, .locked_mm = locked_mm };
	struct reclaim_stat stat = {};
	struct list_head *pos;
	unsigned long nr;

	if (list_empty(list))
		return 0;
	list_for_each(pos, list)
		ClearPageActive(list_entry(pos, struct page, lru));
	nr = shrink_folio_list(pgdat, list, &sc, &stat);
	move_folios_to_lru(pgdat, list);
	return nr;
}

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
			/* written again, or shared: no longer lazyfree */
			lru_page_set_swapbacked(&mm->machine->pgdat, page);
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
	lru_add_drain(&mm->machine->pgdat);	/* the batch's references are not users */
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
