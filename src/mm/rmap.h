/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The anonymous reverse map (include/linux/rmap.h and page-flags.h's PageAnon): the anon_vma a
 * private VMA's pages name, and the functions of rmap.c that keep pages' mappings and map
 * counts. Minimal: identity, lineage and lifetime; no anon_vma_chain, no rmap walks.
 */
#ifndef MMLAB_MM_RMAP_H
#define MMLAB_MM_RMAP_H

#include "mm/mm_types.h"
#include "mm/machine.h"

struct machine;

/* The anonymous reverse-map root (mm/rmap.c), minimal: identity, lineage and lifetime. */
struct anon_vma {
	struct anon_vma *root;		/* Oldest ancestor: fork children chain up to it */
	struct anon_vma *parent;	/* The anon_vma this one was forked from (a reference) */
	long refcount;			/* VMAs using it, pages it names, and children */
	unsigned long nr_pages;		/* Anonymous pages whose mapping names it */
};

/*
 * vma_is_fork_child - was @vma's anon_vma forked from a parent's (directly, or through a split
 * or merge of a VMA that was)? Linux's test is an anon_vma_chain that is not singular; here a
 * forked anon_vma is the one with a parent, since anon_vma_prepare only ever hands out or shares
 * parentless ones and fork always makes a new child anon_vma (Linux may reuse an idle ancestor,
 * but the chain still holds two or more entries then).
 */
static inline bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && vma->anon_vma->parent;
}

#define PAGE_MAPPING_ANON 0x1UL

static inline bool PageAnon(const struct page *page)
{
	return (unsigned long)page->mapping & PAGE_MAPPING_ANON;
}

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	if (!PageAnon(page))
		return NULL;
	return (struct anon_vma *)((unsigned long)page->mapping & ~PAGE_MAPPING_ANON);
}

/* rmap.c */
int __must_check anon_vma_prepare(struct vm_area_struct *vma);
int __must_check anon_vma_fork(struct vm_area_struct *dst, struct vm_area_struct *src);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct anon_vma *av);
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
void page_dup_anon_rmap(struct page *page);
void page_add_file_rmap(struct page *page);
void page_remove_rmap(struct machine *m, struct page *page);
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma);
void vma_adopt_anon_vma(struct vm_area_struct *dst, const struct vm_area_struct *src);

#endif /* MMLAB_MM_RMAP_H */
