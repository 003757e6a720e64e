/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What reclaim's two policies share inside the address-space layer (the parts of
 * mm/vmscan.c that its lru_gen half uses, in Linux one file): the scan_control a reclaim run
 * threads through, the result of shrink_folio_list, and the steps both policies take with the
 * pages they isolated. vmscan.c implements them; lru_gen.c is the Multi-Gen LRU policy.
 */
#ifndef MMLAB_MM_VMSCAN_INTERNAL_H
#define MMLAB_MM_VMSCAN_INTERNAL_H

#include "mm/machine.h"
#include "phys/lru.h"

#define DEF_PRIORITY 12

/* How a reclaim run goes (struct scan_control). */
struct scan_control {
	unsigned long nr_to_reclaim;	/* Pages this run wants */
	unsigned long nr_reclaimed;	/* ... reclaimed so far */
	unsigned long nr_scanned;	/* Inactive pages scanned so far */
	int priority;			/* Scan 1/2^priority of each list per pass: 12..0 */
	bool kswapd;			/* kswapd's run (counts go to *_KSWAPD) */
	bool may_swap;			/* Anonymous pages may be reclaimed (a swap area exists) */
	unsigned int may_deactivate;	/* DEACTIVATE_ANON / _FILE: shrink those active lists */
	bool cache_trim_mode;		/* Plenty of inactive file pages: take only those */
	/* reclaim_pages (MADV_PAGEOUT): */
	bool pageout;			/* No folio_check_references; dirty file pages are
					 * activated, not written */
	struct mm_struct *locked_mm;	/* The caller holds this mm's mmap_lock */
};

/* What shrink_folio_list did (struct reclaim_stat). */
struct reclaim_stat {
	unsigned long nr_activate[2];	/* Pages activated: anon, file */
	unsigned long nr_pageout;	/* Pages written out (swap or file) */
	unsigned long nr_unmap_fail;	/* Pages still mapped after try_to_unmap */
};

/* vmscan.c */
unsigned long shrink_folio_list(struct pglist_data *pgdat, struct list_head *list,
				struct scan_control *sc, struct reclaim_stat *stat);
unsigned long move_folios_to_lru(struct pglist_data *pgdat, struct list_head *list);
bool page_evictable(struct page *page);

/* lru_gen.c */
void lru_gen_shrink_node(struct pglist_data *pgdat, struct scan_control *sc);

#endif /* MMLAB_MM_VMSCAN_INTERNAL_H */
