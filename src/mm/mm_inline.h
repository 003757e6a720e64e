/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The address-space layer's side of include/linux/mm_inline.h, swap.h and mm/internal.h's mlock
 * helpers: how a page that a fault just mapped joins the LRU (folio_add_lru_vma: mlocked and
 * unevictable in a VM_LOCKED VMA, else the lists), and how mapping a page into a locked VMA or
 * unmapping it from one mlocks or munlocks it. The lists themselves are the physical layer's
 * (phys/lru.h), since the page cache below this layer adds to them too.
 * Under MGLRU a fault marks the thread (lru_gen_enter_fault) so that the pages it adds to
 * the LRU go to the youngest generation (lru.c's lru_cache_add).
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
	if (unlikely((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED))
		mlock_new_page(pgdat, page);
	else
		lru_cache_add_new(pgdat, page);
}

/* A VMA whose accesses carry recency: no MADV_SEQUENTIAL or MADV_RANDOM hint. */
static inline bool vma_has_recency(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_SEQ_READ | VM_RAND_READ));
}

/*
 * lru_gen_enter_fault - the fault path's mark for MGLRU (lru_gen_enter_fault): pages this
 * fault adds to the LRU were touched through @vma's page table. lru_gen_exit_fault ends it.
 */
static inline void lru_gen_enter_fault(const struct vm_area_struct *vma)
{
	if (unlikely(lru_gen_enabled(&vma->vm_mm->machine->pgdat)))
		current_in_lru_fault = vma_has_recency(vma);
}

static inline void lru_gen_exit_fault(void)
{
	current_in_lru_fault = false;
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
 * munlock_vma_page - @vma stops mapping @page: a VM_LOCKED VMA takes its lock of the page away
 * (munlock_vma_folio); the page stays mlocked while other locks are counted (lru.c's
 * mlock_count).
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
