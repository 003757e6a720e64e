// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The anonymous reverse map, minimal (mm/rmap.c): the anon_vma a private VMA gets at its first
 * anonymous page, shared by the VMAs split from it, adopted by merges and forked into a child
 * anon_vma that points at its parent; and the per-page half of rmap - a page's identity
 * (mapping = anon_vma | PAGE_MAPPING_ANON, index = linear page index), its map count and the
 * PG_anon_exclusive bit that lets a write fault reuse a page instead of copying it.
 * Left out until the rmap issue: anon_vma_chain lists and the interval tree, so there is no
 * walk from a page to the PTEs mapping it (try_to_unmap, page_referenced); pages do not pin
 * their anon_vma (as in Linux, the VMAs that map them do).
 */
#include "mm/memory.h"

/* Two neighbours that could share an anon_vma (anon_vma_compatible). */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + vma_pages(a);
}

/*
 * A neighbour's anon_vma this VMA may join (find_mergeable_anon_vma): only one that was not
 * forked, since a forked VMA's pages may also belong to its ancestors' anon_vmas.
 */
static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *next = vma_next_of(mm, vma), *prev = vma_prev_of(mm, vma);

	if (next && next->anon_vma && !next->anon_vma->parent && anon_vma_compatible(vma, next))
		return next->anon_vma;
	if (prev && prev->anon_vma && !prev->anon_vma->parent && anon_vma_compatible(prev, vma))
		return prev->anon_vma;
	return NULL;
}

void anon_vma_get(struct anon_vma *av)
{
	VM_BUG_ON(av->refcount <= 0);
	av->refcount++;
}

/* Drops a reference; the last one frees the anon_vma and its reference on its parent. */
void anon_vma_put(struct anon_vma *av)
{
	while (av) {
		struct anon_vma *parent = av->parent;

		VM_BUG_ON(av->refcount <= 0);
		if (--av->refcount)
			return;
		free(av);
		av = parent;
	}
}

static struct anon_vma *anon_vma_alloc(struct anon_vma *parent)
{
	struct anon_vma *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	av->refcount = 1;
	av->parent = parent;
	av->root = parent ? parent->root : av;
	if (parent)
		anon_vma_get(parent);
	return av;
}

/**
 * anon_vma_prepare - give @vma an anon_vma before its first anonymous page is mapped: a
 * compatible neighbour's, or a new one.
 * Context: mmap_lock held; the caller serializes page-table changes of the mm.
 * Return: 0, or -ENOMEM.
 */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct anon_vma *av;

	if (likely(vma->anon_vma))
		return 0;
	av = find_mergeable_anon_vma(vma);
	if (av) {
		anon_vma_get(av);
	} else {
		av = anon_vma_alloc(NULL);
		if (!av)
			return -ENOMEM;
	}
	vma->anon_vma = av;
	return 0;
}

/**
 * anon_vma_fork - give a fork child's VMA @dst its own anon_vma descending from that of the
 * parent's VMA @src. @dst arrives as a copy of @src holding a reference to @src's anon_vma.
 * Return: 0, or -ENOMEM (then @dst has no anon_vma).
 */
int anon_vma_fork(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma *av;

	if (!src->anon_vma)
		return 0;
	av = anon_vma_alloc(src->anon_vma);
	anon_vma_put(dst->anon_vma);
	dst->anon_vma = av;
	return av ? 0 : -ENOMEM;
}

/**
 * page_add_new_anon_rmap - make a freshly allocated page the anonymous page of @vma at @addr,
 * mapped once and exclusively (folio_add_new_anon_rmap).
 */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	VM_BUG_ON(!vma->anon_vma || page_mapcount(page));
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	page->index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	page->_mapcount = 0;
	/* Nobody else sees the page yet: one plain update of its flags. Droppable memory is
	 * never written to swap: reclaim drops it, like MADV_FREE pages. */
	__set_page_flags(page, (1UL << PG_uptodate) | (1UL << PG_anon_exclusive) |
			       (vma->vm_flags & VM_DROPPABLE ? 0 : 1UL << PG_swapbacked));
}

/*
 * A write fault found the page's only user: re-home it to @vma's anon_vma so that it belongs to
 * the child's anon_vma rather than an ancestor's (folio_move_anon_rmap).
 */
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	VM_BUG_ON(!PageAnon(page) || !vma->anon_vma);
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
}

/*
 * A merge made @dst cover pages of @src: @dst needs @src's anon_vma if it had none
 * (dup_anon_vma). The merge rules guarantee they are equal or one is NULL.
 */
void vma_adopt_anon_vma(struct vm_area_struct *dst, const struct vm_area_struct *src)
{
	if (dst->anon_vma || !src->anon_vma)
		return;
	anon_vma_get(src->anon_vma);
	dst->anon_vma = src->anon_vma;
}

/* fork shares a page with the child: one more mapping, exclusive no more. */
void page_dup_anon_rmap(struct page *page)
{
	get_page(page);
	__atomic_add_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED);
	ClearPageAnonExclusive(page);
}

/*
 * A shmem or file page gets one more mapping; the caller holds the reference it takes. Map
 * counts change atomically: faults in other address spaces map the same cache page.
 */
void page_add_file_rmap(struct page *page)
{
	__atomic_add_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED);
}

/* One mapping of @page is gone; the page's reference is dropped by the caller. */
void page_remove_rmap(struct machine *m, struct page *page)
{
	int mapcount = __atomic_sub_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED);

	(void)m;
	VM_BUG_ON(mapcount < -1);
	if (mapcount < 0 && PageAnon(page))
		ClearPageAnonExclusive(page);
}
