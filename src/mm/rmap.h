/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reverse map (include/linux/rmap.h and page-flags.h's PageAnon): the anon_vma a private
 * VMA's pages name, the anon_vma_chain that links a VMA to every anon_vma its pages may belong
 * to (its own and, after fork, its ancestors'), and the walks from a page to the page-table
 * entries that map it - rmap_walk and its users try_to_unmap and folio_referenced.
 */
#ifndef MMLAB_MM_RMAP_H
#define MMLAB_MM_RMAP_H

#include "mm/mm_types.h"
#include "mm/machine.h"

#include <pthread.h>

struct machine;

/*
 * The anonymous reverse-map object (include/linux/rmap.h's anon_vma). A fork child's VMA gets
 * a new anon_vma whose parent is the parent VMA's; all of a family share the root, whose lock
 * protects every chain of the family. An anon_vma lives while a chain links it (its initial
 * reference) or a child names it as root.
 */
struct anon_vma {
	struct anon_vma *root;		/* Oldest ancestor; a reference unless itself */
	struct anon_vma *parent;	/* The anon_vma it was forked from; a root: itself */
	long refcount;			/* Its chains' (one for all), each descendant's as root,
					 * and anon_vma_get()'s; atomic */
	/* Under root->lock: */
	unsigned long num_children;	/* anon_vmas whose parent it is (a root counts itself) */
	unsigned long num_active_vmas;	/* VMAs whose vma->anon_vma it is */
	struct interval_tree_root rb_root; /* Its anon_vma_chains (anon_vma_chain.rb), by the
					 * page offsets their VMAs cover */
	pthread_mutex_t lock;		/* The root's: the family's chains (anon_vma->rwsem) */
};

/*
 * One link between a VMA and an anon_vma its pages may belong to (anon_vma_chain): on the
 * VMA's list (same_vma, newest first) and in the anon_vma's interval tree, keyed by the VMA's
 * [vm_pgoff, vma_pgoff_last] - the linear offsets of the pages it may map - so that a walk
 * from a page visits only the VMAs whose range holds the page's offset.
 */
struct anon_vma_chain {
	struct vm_area_struct *vma;	/* The VMA */
	struct anon_vma *anon_vma;	/* The anon_vma */
	struct list_head same_vma;	/* In vma->anon_vma_chain, under mmap_lock */
	struct interval_tree_node rb;	/* In anon_vma->rb_root, under the root's lock */
};

/*
 * vma_is_fork_child - may pages of @vma belong to an anon_vma other than its own? True when
 * its chain links more than one anon_vma (list_is_singular fails): it was forked, or split or
 * merged from a VMA that was. The merge rules keep such VMAs apart from VMAs without an
 * anon_vma.
 */
static inline bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	const struct list_head *h;

	if (!vma || !vma->anon_vma)
		return false;
	h = &vma->anon_vma_chain;
	return h->next != h->prev;
}

#define PAGE_MAPPING_ANON 0x1UL

/*
 * One untorn load of page->mapping: a swap-in fault makes a page of the swap cache anonymous
 * (swapin_add_anon_rmap's WRITE_ONCE) while reclaim may be looking at it, since no page lock
 * keeps them apart here.
 */
static inline bool PageAnon(const struct page *page)
{
	return (unsigned long)READ_ONCE(page->mapping) & PAGE_MAPPING_ANON;
}

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	unsigned long mapping = (unsigned long)READ_ONCE(page->mapping);

	if (!(mapping & PAGE_MAPPING_ANON))
		return NULL;
	return (struct anon_vma *)(mapping & ~PAGE_MAPPING_ANON);
}

/*
 * A walk over the VMAs that map one page (include/linux/rmap.h's rmap_walk_control). rmap_one
 * is called only where the entry at @addr is present and maps @page, with @vma's mm's
 * page_table_lock held: look the entry up with page_vma_mapped_pte() and do not take that lock
 * again.
 */
struct rmap_walk_control {
	void *arg;
	/* Called for each VMA mapping @page at @addr; return false to stop the walk. */
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			 void *arg);
	/* Optional: return true to skip @vma. */
	bool (*invalid_vma)(struct vm_area_struct *vma, void *arg);
	bool contended;			/* Out: a VMA was skipped, its mm's mmap_lock busy */
	/* The caller holds this mm's mmap_lock (either way): its VMAs are visited under it. */
	struct mm_struct *locked_mm;
};

void rmap_walk(struct page *page, struct rmap_walk_control *rwc);
pte_t *page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr);
unsigned long vma_address(const struct vm_area_struct *vma, pgoff_t pgoff);

/*
 * Number of mappings whose accessed bit was set; clears them and flushes the TLB entries it
 * clears (every CPU of the mm). @vm_flags gets the OR of the flags of the VMAs whose entry was
 * young, and VM_LOCKED when a VM_LOCKED VMA maps the page (the walk stops there and the page
 * is mlocked: reclaim must not evict it), as Linux's folio_referenced. -1 when a mapping
 * could not be looked at (its mm's mmap_lock held for writing): keep the page.
 */
int folio_referenced(struct page *page, unsigned long *vm_flags);

enum ttu_flags { TTU_IGNORE_MLOCK = 1u << 0, TTU_SYNC = 1u << 1, TTU_BATCH_FLUSH = 1u << 2 };

struct ttu_control {
	enum ttu_flags flags;
	/*
	 * For an anonymous swap-backed page: returns the non-present PTE to install in place of
	 * one mapping (the swap code does swap_duplicate inside), or 0 to leave that mapping and
	 * fail. NULL: such pages are not unmapped.
	 */
	pte_t (*anon_pte)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			  void *arg);
	void *arg;
	struct mm_struct *locked_mm;	/* As rmap_walk_control's (MADV_PAGEOUT's own mm) */
};

/* Unmaps @page from every page table that maps it; true when none maps it any more. */
bool try_to_unmap(struct page *page, const struct ttu_control *ttu);

/* rmap.c: the chains */
int __must_check __anon_vma_prepare(struct vm_area_struct *vma);

/*
 * anon_vma_prepare - make sure @vma has an anon_vma (__anon_vma_prepare when it has none):
 * inline, so that every anonymous fault after a VMA's first pays one test for it.
 * Context and return: __anon_vma_prepare's.
 */
static inline int __must_check anon_vma_prepare(struct vm_area_struct *vma)
{
	if (likely(vma->anon_vma))
		return 0;
	return __anon_vma_prepare(vma);
}

int __must_check anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
int __must_check anon_vma_fork(struct vm_area_struct *dst, struct vm_area_struct *src);
void unlink_anon_vmas(struct vm_area_struct *vma);
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma);
void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma);
int __must_check dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src,
			      struct vm_area_struct **dup);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct anon_vma *av);
int anon_vma_chain_validate(struct vm_area_struct *vma);
int rmap_validate(struct mm_struct *mm);

/* rmap.c: the pages */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
void page_dup_anon_rmap(struct page *page);
void page_add_file_rmap(struct page *page);
void page_remove_rmap(struct machine *m, struct page *page);
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma);

#endif /* MMLAB_MM_RMAP_H */
