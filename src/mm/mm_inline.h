/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The address-space layer's side of include/linux/mm_inline.h, swap.h and mm/internal.h's mlock
 * helpers: how a page that a fault just mapped joins the LRU (folio_add_lru_vma: mlocked and
 * unevictable in a VM_LOCKED VMA, else the lists), and how mapping a page into a locked VMA or
 * unmapping it from one mlocks or munlocks it. The lists themselves are the physical layer's
 * (phys/lru.h), since the page cache below this layer adds to them too.
 * Left out: MGLRU's placement of faulted pages.
 */
#ifndef MMLAB_MM_MM_INLINE_H
#define MMLAB_MM_MM_INLINE_H

#include "mm/mm_types.h"
#include "mm/machine.h"
#include "phys/lru.h"

/*
 * folio_add_lru_vma - queue a page just allocated and about to be mapped by @vma for the
 * LRU: a VM_LOCKED VMA's page is mlocked and goes to the unevictable list (mlock_new_folio).
 * Context: the page is not reachable by other threads yet.
 */
static inline void folio_add_lru_vma(struct pglist_data *pgdat, struct page *page,
				     const struct vm_area_struct *vma)
{
	if (unlikely((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)) {
		SetPageMlocked(page);
		mod_node_page_state(pgdat, NR_MLOCK, 1);
		count_vm_event(pgdat, UNEVICTABLE_PGMLOCKED);
	}
	lru_cache_add_new(pgdat, page);
}

/*
 * mlock_vma_page - @vma just mapped @page (a file page, a page read back from swap, one rmap
 * found there): a VM_LOCKED VMA mlocks it (mlock_vma_folio; VM_SPECIAL ones never lock).
 * Context: the page-table lock of the entry, or a reference on @page.
 */
static inline void mlock_vma_page(struct pglist_data *pgdat, struct page *page,
				  const struct vm_area_struct *vma)
{
	if (unlikely((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED))
		mlock_page(pgdat, page);
}

/*
 * munlock_vma_page - @vma stops mapping @page: a VM_LOCKED VMA munlocks it (munlock_vma_folio;
 * another locked mapping of the page does not keep it locked, as in Linux, whose reclaim
 * mlocks it again when it finds one).
 * Context: as mlock_vma_page.
 */
static inline void munlock_vma_page(struct pglist_data *pgdat, struct page *page,
				    const struct vm_area_struct *vma)
{
	if (unlikely(vma->vm_flags & VM_LOCKED))
		munlock_page(pgdat, page);
}

/* mlock.c */
void mlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void munlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void munlock_vma_pages_all(struct vm_area_struct *vma);

#endif /* MMLAB_MM_MM_INLINE_H */
