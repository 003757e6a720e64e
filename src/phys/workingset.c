// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Workingset detection (mm/workingset.c): when reclaim evicts a page-cache page or a page of
 * the swap cache, the cache keeps a shadow entry at its index holding the node's nonresident
 * age at eviction (the count of pages evicted or activated so far) and whether the page was
 * in the workingset.
 * When the page is read in again, the ages between eviction and refault are its refault
 * distance: the number of pages the inactive list would have needed to keep it. A distance
 * within the workingset (the active file list, and the anon lists while swap has free
 * slots) means the page was thrashing: it is activated at once (workingset_activate_*), and
 * a page that was in the workingset when evicted counts as restored (workingset_restore_*)
 * and its refault as a cost of its list's reclaim (lru_note_cost_refault, which steers
 * get_scan_count between anon and file). Here in the physical layer, beside the lists,
 * because the page cache (fs layer) and the swap cache (mm layer) call it; the shadows live
 * in the page cache's address_space (fs/filemap.c) and in the swap cache's xarray, where
 * the nodes holding only shadows are counted as workingset_nodes (swap_state.c).
 * Under --lru mglru the shadow holds the generation instead (lru_gen_eviction): the type's
 * min_seq at eviction and the page's accesses through file descriptors (its tier), and a
 * refault is recent when min_seq has not moved since; a recent refault is counted in its
 * tier (the PID controller's refaulted/evicted rates, lru_gen.c) and as an activation, and
 * as a restore when it came back through a page table or from the top tiers, its tier kept
 * (lru_gen_refault). The page is not activated: a fault puts it in the youngest generation
 * anyway.
 * Left out: memcg ids and the node id in the shadow (one node), the bucket order (an
 * unsigned long holds every age here), the shadow-node shrinker (shadows are freed with
 * their file or their swap slot, or overwritten), and workingset_nodes of the page cache,
 * whose shadows are kept apart from its pages (so no node there holds both).
 */
#include "phys/lru.h"

/* Shadow layout: bit 0 set (never a page pointer), bit 1 PG_workingset, the age above. */
#define SHADOW_WORKINGSET 0x2UL
#define SHADOW_AGE_SHIFT 2

static void workingset_age_nonresident(struct lruvec *lruvec, unsigned long nr)
{
	__atomic_add_fetch(&lruvec->nonresident_age, nr, __ATOMIC_RELAXED);
}

/**
 * workingset_activation - @page was activated (folio_mark_accessed): the nonresident age
 * moves, as each activation shrinks the room the inactive list gives refaulting pages.
 * Context: any.
 */
void workingset_activation(struct pglist_data *pgdat, struct page *page)
{
	(void)page;
	workingset_age_nonresident(&pgdat->lruvec, 1);
}

/**
 * workingset_eviction - the shadow entry reclaim leaves for @page, about to leave the cache.
 * Context: the page is isolated and locked out of the cache's lookups (mapping->lock).
 * Return: the shadow, an odd non-zero value to store at the page's index.
 */
unsigned long workingset_eviction(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long age = __atomic_load_n(&lruvec->nonresident_age, __ATOMIC_RELAXED);

	if (lru_gen_enabled(pgdat))
		return lru_gen_eviction(pgdat, page);

	workingset_age_nonresident(lruvec, 1);
	return (age << SHADOW_AGE_SHIFT) | (PageWorkingset(page) ? SHADOW_WORKINGSET : 0) | 1UL;
}

/* workingset_test_recent: whether the refault distance fits in the workingset. */
static bool workingset_test_recent(struct pglist_data *pgdat, unsigned long shadow, bool file)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long eviction = shadow >> SHADOW_AGE_SHIFT;
	unsigned long refault = __atomic_load_n(&lruvec->nonresident_age, __ATOMIC_RELAXED);
	unsigned long distance = (refault - eviction) & (~0UL >> SHADOW_AGE_SHIFT);
	unsigned long size = lruvec_lru_size(lruvec, LRU_ACTIVE_FILE);

	if (!file)
		size += lruvec_lru_size(lruvec, LRU_INACTIVE_FILE);
	/* With free swap, anon pages compete for the memory too (get_nr_swap_pages() > 0). */
	if (__atomic_load_n(&pgdat->nr_swap_pages, __ATOMIC_RELAXED) > 0) {
		size += lruvec_lru_size(lruvec, LRU_ACTIVE_ANON);
		if (file)
			size += lruvec_lru_size(lruvec, LRU_INACTIVE_ANON);
	}
	return distance <= size;
}

/**
 * workingset_refault - @page, new in the cache, replaces the evicted page whose @shadow was
 * there: counted as a refault; activated when its distance fits the workingset (before it
 * joins the LRU), and marked workingset again when it was when evicted.
 * Context: @page is not on the LRU yet.
 */
void workingset_refault(struct pglist_data *pgdat, struct page *page, unsigned long shadow)
{
	bool file = page_is_file_lru(page);

	VM_BUG_ON(!(shadow & 1UL) || PageLRU(page));
	if (lru_gen_enabled(pgdat)) {
		lru_gen_refault(pgdat, page, shadow);
		return;
	}
	mod_node_page_state(pgdat, file ? WORKINGSET_REFAULT_FILE : WORKINGSET_REFAULT_ANON, 1);
	if (!workingset_test_recent(pgdat, shadow, file))
		return;
	SetPageActive(page);
	workingset_age_nonresident(&pgdat->lruvec, 1);
	mod_node_page_state(pgdat, file ? WORKINGSET_ACTIVATE_FILE : WORKINGSET_ACTIVATE_ANON, 1);
	if (shadow & SHADOW_WORKINGSET) {
		SetPageWorkingset(page);
		lru_note_cost_refault(pgdat, page);
		mod_node_page_state(pgdat, file ? WORKINGSET_RESTORE_FILE : WORKINGSET_RESTORE_ANON,
				    1);
	}
}

/* Multi-Gen LRU shadows: the token is min_seq << LRU_REFS_WIDTH | the refs beyond one. */

/**
 * lru_gen_eviction - the shadow of @page under MGLRU (lru_gen_eviction): the token of its
 * type's oldest generation and its tier's references, PG_workingset's place saying whether it
 * had any; the eviction is counted in its tier.
 * Context: as workingset_eviction.
 * Return: the shadow, odd and non-zero.
 */
unsigned long lru_gen_eviction(struct pglist_data *pgdat, struct page *page)
{
	struct lru_gen_folio *lrugen = &pgdat->lruvec.lrugen;
	int type = page_is_file_lru(page), refs = folio_lru_refs(page);
	unsigned long min_seq = __atomic_load_n(&lrugen->min_seq[type], __ATOMIC_RELAXED);
	unsigned long token = (min_seq << LRU_REFS_WIDTH) | (unsigned long)max(refs - 1, 0);

	__atomic_add_fetch(&lrugen->evicted[type][lru_tier_from_refs(refs)], 1, __ATOMIC_RELAXED);
	return (token << SHADOW_AGE_SHIFT) | (refs ? SHADOW_WORKINGSET : 0) | 1UL;
}

/**
 * lru_gen_refault - @page replaces the page evicted with @shadow under MGLRU
 * (lru_gen_refault): a refault; if its generation is still the oldest (recent), counted in
 * its tier's refaults and as an activation, and a restore - the tier's references kept and
 * PG_workingset set - when it came back through a page table or from the top tiers.
 * Context: as workingset_refault.
 */
void lru_gen_refault(struct pglist_data *pgdat, struct page *page, unsigned long shadow)
{
	struct lru_gen_folio *lrugen = &pgdat->lruvec.lrugen;
	int type = page_is_file_lru(page), refs, tier;
	unsigned long token = shadow >> SHADOW_AGE_SHIFT;
	unsigned long min_seq = __atomic_load_n(&lrugen->min_seq[type], __ATOMIC_RELAXED);
	unsigned long mask = ~0UL >> (SHADOW_AGE_SHIFT + LRU_REFS_WIDTH);

	mod_node_page_state(pgdat, type ? WORKINGSET_REFAULT_FILE : WORKINGSET_REFAULT_ANON, 1);
	if ((token >> LRU_REFS_WIDTH) != (min_seq & mask))
		return;
	refs = (int)(token & ((1UL << LRU_REFS_WIDTH) - 1)) + !!(shadow & SHADOW_WORKINGSET);
	tier = lru_tier_from_refs(refs);
	__atomic_add_fetch(&lrugen->refaulted[type][tier], 1, __ATOMIC_RELAXED);
	mod_node_page_state(pgdat, type ? WORKINGSET_ACTIVATE_FILE : WORKINGSET_ACTIVATE_ANON, 1);
	if (current_in_lru_fault || refs >= (1 << LRU_REFS_WIDTH) - 1) {
		(void)page_set_mask_bits(page, 0, LRU_REFS_MASK | (1UL << PG_workingset));
		mod_node_page_state(pgdat, type ? WORKINGSET_RESTORE_FILE : WORKINGSET_RESTORE_ANON,
				    1);
	}
}
