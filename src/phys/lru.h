/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LRU lists of a node's pages (include/linux/mm_inline.h's lru helpers and the LRU half of
 * include/linux/swap.h): which list a page belongs on from its flags, adding and removing it
 * with the node's counters kept, and the entry points of lru.c (mm/swap.c: the per-thread
 * batches, lru_cache_add, mark_page_accessed, activation and deactivation). They live in the
 * physical layer, below the page cache and the address spaces, because both put pages on the
 * lists and the allocator takes them off when they are freed; reclaim (vmscan.c) is above.
 * Under --lru mglru the evictable pages are on the generation lists of lruvec->lrugen
 * instead (mm_inline.h's lru_gen_* helpers, below): lruvec_add_page and lruvec_del_page go
 * there first, as Linux's lruvec_add_folio tries lru_gen_add_folio; the unevictable list is
 * shared.
 * Left out: memcg (one lruvec per node), folio sizes (every entry is one frame; a large
 * folio's pages are listed one by one).
 */
#ifndef MMLAB_PHYS_LRU_H
#define MMLAB_PHYS_LRU_H

#include "phys/mmzone.h"

static inline struct pglist_data *lruvec_pgdat(struct lruvec *lruvec)
{
	return container_of(lruvec, struct pglist_data, lruvec);
}

/* File LRU: page cache, and anonymous pages MADV_FREE made lazily freeable (!swapbacked). */
static inline bool page_is_file_lru(const struct page *page)
{
	return !PageSwapBacked(page);
}

static inline bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static inline bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

/*
 * page_lru - the list @page belongs on (folio_lru_list): the unevictable one when
 * PG_unevictable, else inactive or active by PG_active, anon or file by PG_swapbacked. The
 * pure modes (--lru lru|clock) have one list for every evictable page: the inactive file one.
 */
static inline enum lru_list page_lru(const struct pglist_data *pgdat, const struct page *page)
{
	if (PageUnevictable(page))
		return LRU_UNEVICTABLE;
	if (pgdat->lru_mode >= LRU_MODE_LRU)
		return LRU_INACTIVE_FILE;
	return (page_is_file_lru(page) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) +
	       (PageActive(page) ? LRU_ACTIVE : 0);
}

/*
 * page_lru_stat - the NR_LRU counter @page is counted in: its list's, except in the pure
 * modes, whose one list holds every evictable page: there an anonymous page (swap-backed) is
 * counted as inactive anon and the rest as inactive file, as Linux counts pages that are on no
 * active list, so that vmstat and meminfo tell the kinds apart.
 */
static inline enum lru_list page_lru_stat(const struct pglist_data *pgdat,
					  const struct page *page)
{
	enum lru_list lru = page_lru(pgdat, page);

	if (lru == LRU_INACTIVE_FILE && pgdat->lru_mode >= LRU_MODE_LRU &&
	    !page_is_file_lru(page))
		return LRU_INACTIVE_ANON;
	return lru;
}

/* A list's size changes with the list, under lru_lock: no locked instruction needed. */
static inline void update_lru_size(struct lruvec *lruvec, enum lru_list lru, long nr)
{
	__mod_node_page_state(lruvec_pgdat(lruvec), NR_LRU_BASE + lru, nr);
}

/* Multi-Gen LRU (include/linux/mm_inline.h's lru_gen_*) */

/*
 * The thread is in a fault of a VMA whose accesses carry recency (Linux's
 * current->in_lru_fault, set by lru_gen_enter_fault): a page added to the LRU now was
 * touched through a page table and goes to the youngest generation.
 */
extern __thread bool current_in_lru_fault __attribute__((tls_model("initial-exec")));

static inline bool lru_gen_enabled(const struct pglist_data *pgdat)
{
	return pgdat->lru_mode == LRU_MODE_MGLRU;
}

static inline int lru_gen_from_seq(unsigned long seq)
{
	return (int)(seq % MAX_NR_GENS);
}

/* The generation @page's flags name, or -1 when it is on no generation list. */
static inline int folio_lru_gen(const struct page *page)
{
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);

	return (int)((flags & LRU_GEN_MASK) >> LRU_GEN_PGOFF) - 1;
}

/*
 * Accesses through file descriptors beyond the first: PG_referenced marks one, PG_workingset
 * a second, the LRU_REFS counter the rest (folio_lru_refs).
 */
static inline int folio_lru_refs(const struct page *page)
{
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);

	return (int)((flags & LRU_REFS_MASK) >> LRU_REFS_PGOFF) +
	       !!(flags & (1UL << PG_workingset));
}

/* The tier of @refs: order_base_2(refs + 1), 0..MAX_NR_TIERS - 1. */
static inline int lru_tier_from_refs(int refs)
{
	int tier = 0;

	while ((1 << tier) < refs + 1)
		tier++;
	return tier;
}

/* Changes the bits of @mask in @page's flags to @set atomically; the old flags. */
static inline unsigned long page_set_mask_bits(struct page *page, unsigned long mask,
					       unsigned long set)
{
	unsigned long old = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);

	while (!__atomic_compare_exchange_n(&page->flags, &old, (old & ~mask) | set, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return old;
}

#define LRU_REFS_FLAGS ((1UL << PG_referenced) | (1UL << PG_workingset))

static inline void folio_clear_lru_refs(struct page *page)
{
	(void)page_set_mask_bits(page, LRU_REFS_MASK | LRU_REFS_FLAGS, 0);
}

/* The two youngest generations count as active (see the comment on MIN_NR_GENS). */
static inline bool lru_gen_is_active(const struct lruvec *lruvec, int gen)
{
	unsigned long max_seq = lruvec->lrugen.max_seq;

	return gen == lru_gen_from_seq(max_seq) || gen == lru_gen_from_seq(max_seq - 1);
}

/*
 * lru_gen_update_size - @page (of its type) moves from generation @old_gen to @new_gen, -1
 * for none: the generation sizes and the classic active/inactive counters follow. A move
 * may promote (inactive to active), never demote: demotion goes through isolation.
 * Context: lru_lock held.
 */
static inline void lru_gen_update_size(struct lruvec *lruvec, const struct page *page,
				       int old_gen, int new_gen)
{
	int type = page_is_file_lru(page);
	enum lru_list lru = type ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	struct lru_gen_folio *lrugen = &lruvec->lrugen;

	VM_BUG_ON(old_gen >= (int)MAX_NR_GENS || new_gen >= (int)MAX_NR_GENS);
	VM_BUG_ON(old_gen < 0 && new_gen < 0);
	/* WRITE_ONCE: should_run_aging reads the sizes without the lock */
	if (old_gen >= 0)
		__atomic_store_n(&lrugen->nr_pages[old_gen][type],
				 lrugen->nr_pages[old_gen][type] - 1, __ATOMIC_RELAXED);
	if (new_gen >= 0)
		__atomic_store_n(&lrugen->nr_pages[new_gen][type],
				 lrugen->nr_pages[new_gen][type] + 1, __ATOMIC_RELAXED);
	if (old_gen < 0) {
		update_lru_size(lruvec, lru + lru_gen_is_active(lruvec, new_gen) * LRU_ACTIVE, 1);
	} else if (new_gen < 0) {
		update_lru_size(lruvec, lru + lru_gen_is_active(lruvec, old_gen) * LRU_ACTIVE, -1);
	} else if (!lru_gen_is_active(lruvec, old_gen) && lru_gen_is_active(lruvec, new_gen)) {
		update_lru_size(lruvec, lru, -1);
		update_lru_size(lruvec, lru + LRU_ACTIVE, 1);
	}
	VM_BUG_ON(old_gen >= 0 && new_gen >= 0 && lru_gen_is_active(lruvec, old_gen) &&
		  !lru_gen_is_active(lruvec, new_gen));
}

/*
 * lru_gen_add_folio - put @page on a generation list; false when it belongs elsewhere (the
 * unevictable list, or MGLRU is off). Which generation:
 *  - PG_active (faulted in through a page table, or activated): the youngest, and its
 *    tier and PG_referenced start over;
 *  - an anonymous page outside the swap cache, or one reclaim wrote and is waiting for
 *    (PG_reclaim, dirty or under writeback): the second youngest;
 *  - @reclaiming (put back at the tail) or too few generations: the oldest;
 *  - otherwise (page cache read or read ahead through a file descriptor, swap cache): the
 *    second oldest.
 * PG_active is always clear while the page is on a generation list.
 * Context: lru_lock held; the page is on no list.
 */
static inline bool lru_gen_add_folio(struct lruvec *lruvec, struct page *page, bool reclaiming)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	int type = page_is_file_lru(page);
	unsigned long seq, oldest, mask = LRU_GEN_MASK;
	bool below_youngest;
	int gen;

	VM_BUG_ON(folio_lru_gen(page) != -1);
	if (PageUnevictable(page) || !lru_gen_enabled(lruvec_pgdat(lruvec)))
		return false;
	/* active: the youngest; new anon, or under reclaim's write: the one below; put back by
	 * reclaim, or only MIN_NR_GENS generations: the oldest; else the one above it */
	below_youngest = (type == LRU_GEN_ANON && !PageSwapCache(page)) ||
			 (PageReclaim(page) && (PageDirty(page) || PageWriteback(page)));
	oldest = lrugen->min_seq[type];
	if (PageActive(page) || below_youngest)
		seq = lrugen->max_seq - !PageActive(page);
	else
		seq = oldest + !(reclaiming || oldest + MIN_NR_GENS >= lrugen->max_seq);
	gen = lru_gen_from_seq(seq);
	if (PageActive(page))
		mask |= LRU_REFS_MASK | (1UL << PG_referenced) | (1UL << PG_active);
	(void)page_set_mask_bits(page, mask, (gen + 1UL) << LRU_GEN_PGOFF);
	lru_gen_update_size(lruvec, page, -1, gen);
	if (reclaiming)
		list_add_tail(&page->lru, &lrugen->folios[gen][type]);
	else
		list_add(&page->lru, &lrugen->folios[gen][type]);
	return true;
}

/*
 * lru_gen_del_folio - take @page off its generation list; false when it is on none. Taken
 * for anything but reclaim, a page of an active generation gets PG_active back, so that it
 * returns to the youngest (Linux: for folio_migrate_flags).
 * Context: lru_lock held.
 */
static inline bool lru_gen_del_folio(struct lruvec *lruvec, struct page *page, bool reclaiming)
{
	unsigned long old;
	int gen = folio_lru_gen(page);
	bool active;

	if (gen < 0)
		return false;
	VM_BUG_ON(PageActive(page) || PageUnevictable(page));
	active = !reclaiming && lru_gen_is_active(lruvec, gen);
	old = page_set_mask_bits(page, LRU_GEN_MASK, active ? 1UL << PG_active : 0);
	gen = (int)((old & LRU_GEN_MASK) >> LRU_GEN_PGOFF) - 1;
	lru_gen_update_size(lruvec, page, gen, -1);
	list_del(&page->lru);
	return true;
}

/* Adds @page at the head (newest end) of its list. Context: lru_lock held. */
static inline void lruvec_add_page(struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru;

	if (lru_gen_add_folio(lruvec, page, false))
		return;
	lru = page_lru(lruvec_pgdat(lruvec), page);

	update_lru_size(lruvec, page_lru_stat(lruvec_pgdat(lruvec), page), 1);
	list_add(&page->lru, &lruvec->lists[lru]);
}

/* Adds @page at the tail (oldest end, reclaimed next). Context: lru_lock held. */
static inline void lruvec_add_page_tail(struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru;

	if (lru_gen_add_folio(lruvec, page, true))
		return;
	lru = page_lru(lruvec_pgdat(lruvec), page);

	update_lru_size(lruvec, page_lru_stat(lruvec_pgdat(lruvec), page), 1);
	list_add_tail(&page->lru, &lruvec->lists[lru]);
}

/* Takes @page off its list; its flags still name that list. Context: lru_lock held. */
static inline void lruvec_del_page(struct lruvec *lruvec, struct page *page)
{
	if (lru_gen_del_folio(lruvec, page, false))
		return;
	update_lru_size(lruvec, page_lru_stat(lruvec_pgdat(lruvec), page), -1);
	list_del(&page->lru);
}

/* The page at the tail of @lru (lru_to_folio), or NULL when it is empty. */
static inline struct page *lru_tail_page(struct lruvec *lruvec, enum lru_list lru)
{
	if (list_empty(&lruvec->lists[lru]))
		return NULL;
	return list_last_entry(&lruvec->lists[lru], struct page, lru);
}

static inline unsigned long lruvec_lru_size(struct lruvec *lruvec, enum lru_list lru)
{
	return node_page_state(lruvec_pgdat(lruvec), NR_LRU_BASE + lru);
}

/* Takes a reference unless the count is zero (the page is being freed): get_page_unless_zero. */
static inline bool get_page_unless_zero(struct page *page)
{
	int c = __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);

	do {
		if (!c)
			return false;
	} while (!__atomic_compare_exchange_n(&page->_refcount, &c, c + 1, true, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/* Pages reclaim takes at a time; the weight of one page of I/O in the LRU costs. */
#define SWAP_CLUSTER_MAX 32UL

/* lru.c */
void lruvec_init(struct lruvec *lruvec);
void lru_cache_add(struct pglist_data *pgdat, struct page *page);
void lru_cache_add_new(struct pglist_data *pgdat, struct page *page);
void lru_add_drain(struct pglist_data *pgdat);
void lru_add_drain_all(struct pglist_data *pgdat);
void mark_page_accessed(struct pglist_data *pgdat, struct page *page);
void deactivate_page(struct pglist_data *pgdat, struct page *page);
void mark_page_lazyfree(struct pglist_data *pgdat, struct page *page);
void lru_page_set_swapbacked(struct pglist_data *pgdat, struct page *page);
void lru_access_page(struct pglist_data *pgdat, struct page *page);
void mlock_page(struct pglist_data *pgdat, struct page *page);
void mlock_new_page(struct pglist_data *pgdat, struct page *page);
void munlock_page(struct pglist_data *pgdat, struct page *page);
bool isolate_lru_page(struct pglist_data *pgdat, struct page *page);
void putback_lru_page(struct pglist_data *pgdat, struct page *page);
void __page_cache_release(struct pglist_data *pgdat, struct page *page);
int __must_check lru_validate(struct pglist_data *pgdat);
void lru_note_cost(struct lruvec *lruvec, bool file, unsigned long nr_io,
		   unsigned long nr_rotated);
void lru_note_cost_refault(struct pglist_data *pgdat, struct page *page);
void rotate_reclaimable_page(struct pglist_data *pgdat, struct page *page);
void lru_gen_init_lruvec(struct lruvec *lruvec);
void folio_inc_refs(struct page *page);
int __must_check lru_gen_validate(struct pglist_data *pgdat);

/* workingset.c */
void workingset_activation(struct pglist_data *pgdat, struct page *page);
unsigned long workingset_eviction(struct pglist_data *pgdat, struct page *page);
unsigned long lru_gen_eviction(struct pglist_data *pgdat, struct page *page);
void lru_gen_refault(struct pglist_data *pgdat, struct page *page, unsigned long shadow);
void workingset_refault(struct pglist_data *pgdat, struct page *page, unsigned long shadow);

#endif /* MMLAB_PHYS_LRU_H */
