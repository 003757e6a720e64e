/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reclaim's interface to the rest of the address-space layer (include/linux/swap.h's
 * try_to_free_pages and friends): setting a machine's reclaim up and the fault path's direct
 * reclaim with its locks dropped, and MADV_PAGEOUT's reclaim of the pages it isolated.
 * Everything else of vmscan.c is reached from the allocator through the node's reclaim_ops.
 */
#ifndef MMLAB_MM_VMSCAN_H
#define MMLAB_MM_VMSCAN_H

#include "mm/machine.h"

void vmscan_init(struct machine *m, int lru_mode);
bool mm_fault_reclaim(struct machine *m);
unsigned long reclaim_pages(struct pglist_data *pgdat, struct list_head *list,
			    struct mm_struct *locked_mm);

#endif /* MMLAB_MM_VMSCAN_H */
