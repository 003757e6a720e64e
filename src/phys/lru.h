/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LRU lists of a node's pages (include/linux/mm_inline.h's lru helpers and the LRU half of
 * include/linux/swap.h): which list a page belongs on from its flags, adding and removing it
 * with the node's counters kept, and the entry points of lru.c (mm/swap.c: the per-thread
 * batches, lru_cache_add, mark_page_accessed, activation and deactivation). They live in the
 * physical layer, below the page cache and the address spaces, because both put pages on the
 * lists and the allocator takes them off when they are freed; reclaim (vmscan.c) is above.
 * Left out: memcg (one lruvec per node), MGLRU's generations, folio sizes (every entry is one
 * frame; a large folio's pages are listed one by one).
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

/* A list's size changes with the list, under lru_lock: no locked instruction needed. */
static inline void update_lru_size(struct lruvec *lruvec, enum lru_list lru, long nr)
{
	__mod_node_page_state(lruvec_pgdat(lruvec), NR_LRU_BASE + lru, nr);
}

/* Adds @page at the head (newest end) of its list. Context: lru_lock held. */
static inline void lruvec_add_page(struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = page_lru(lruvec_pgdat(lruvec), page);

	update_lru_size(lruvec, lru, 1);
	list_add(&page->lru, &lruvec->lists[lru]);
}

/* Adds @page at the tail (oldest end, reclaimed next). Context: lru_lock held. */
static inline void lruvec_add_page_tail(struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = page_lru(lruvec_pgdat(lruvec), page);

	update_lru_size(lruvec, lru, 1);
	list_add_tail(&page->lru, &lruvec->lists[lru]);
}

/* Takes @page off its list; its flags still name that list. Context: lru_lock held. */
static inline void lruvec_del_page(struct lruvec *lruvec, struct page *page)
{
	update_lru_size(lruvec, page_lru(lruvec_pgdat(lruvec), page), -1);
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
void munlock_page(struct pglist_data *pgdat, struct page *page);
bool isolate_lru_page(struct pglist_data *pgdat, struct page *page);
void putback_lru_page(struct pglist_data *pgdat, struct page *page);
void __page_cache_release(struct pglist_data *pgdat, struct page *page);
int __must_check lru_validate(struct pglist_data *pgdat);
void lru_note_cost(struct lruvec *lruvec, bool file, unsigned long nr_io,
		   unsigned long nr_rotated);
void lru_note_cost_refault(struct pglist_data *pgdat, struct page *page);
void rotate_reclaimable_page(struct pglist_data *pgdat, struct page *page);

/* workingset.c */
void workingset_activation(struct pglist_data *pgdat, struct page *page);
unsigned long workingset_eviction(struct pglist_data *pgdat, struct page *page);
void workingset_refault(struct pglist_data *pgdat, struct page *page, unsigned long shadow);

#endif /* MMLAB_PHYS_LRU_H */
