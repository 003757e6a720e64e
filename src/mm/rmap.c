// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reverse map (mm/rmap.c): from a page to every page-table entry that maps it.
 *
 * Anonymous pages name an anon_vma (page->mapping = anon_vma | PAGE_MAPPING_ANON, page->index
 * = the page's linear offset). A VMA is linked by anon_vma_chains to its own anon_vma and, when
 * it descends from a fork, to every ancestor's, since its pages may still be the ancestors'
 * (COW-shared); each anon_vma keeps its chains in an interval tree (src/lib) keyed by the page
 * offsets their VMA covers, so a walk from the page's anon_vma reaches every VMA that may map
 * it and only those. A VMA whose range or vm_pgoff changes leaves the trees for the change
 * (anon_vma_interval_tree_pre/post_update_vma, from vma.c's vma_set_pgrange). Splits and mremap copies clone the chain (anon_vma_clone), fork links
 * the child VMA to all of the parent's anon_vmas plus a new one of its own, or reuses an
 * ancestor that no VMA uses any more and that has at most one child (anon_vma_fork's reuse
 * rule, which bounds the chains of a process that forks again and again), merges give a VMA
 * without anon_vma its neighbour's chain (dup_anon_vma), and freeing a VMA unlinks it
 * (unlink_anon_vmas), freeing the anon_vmas nothing links any more. File and shmem pages are
 * found through their mapping's i_mmap, the interval tree of the file's VMAs (shared and
 * private) by file page.
 *
 * The walks: rmap_walk visits each VMA whose entry at the page's address maps it, with that
 * mm's mmap_lock read-trylocked (page tables change under the write lock alone) and its
 * page_table_lock held; try_to_unmap clears those entries (reclaim), folio_referenced
 * tests and clears their accessed bits (aging; under MGLRU through lru_gen_look_around,
 * which promotes the young neighbours too). Per-page state: the map count (_mapcount, exact:
 * one per entry), PG_anon_exclusive (a write may reuse the page instead of copying it).
 *
 * Locks: the family's root anon_vma lock (a mutex; Linux's anon_vma->rwsem) guards the chains
 * and every anon_vma's tree; i_mmap_lock guards i_mmap. A walk takes one of them, then for
 * each mm it visits a read trylock of mmap_lock (a busy mm is skipped and reported as
 * contended) and the page_table_lock. Because the fault path holds its
 * page_table_lock around anon_vma_prepare, that one only tries the root lock of a neighbour's
 * anon_vma, and makes a new anon_vma when it is busy (the other order would deadlock).
 *
 * Left out: KSM and hugetlb pages, PMD-mapped folios (a large folio is always PTE-mapped here,
 * so each page is walked on its own), migration and device-private entries, batched TLB flush
 * (TTU_BATCH_FLUSH flushes at once) and RCU-protected anon_vma lookups from unmapped pages (a
 * walk needs the page mapped).
 */
#include "mm/lru_gen.h"
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/mmap_lock.h"
#include "mm/pgtable.h"
#include "phys/lru.h"
#include "mm/swap.h"

/* anon_vma objects */

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	av->refcount = 1;
	av->root = av;
	av->parent = av;
	av->rb_root = INTERVAL_TREE_ROOT;
	pthread_mutex_init(&av->lock, NULL);
	return av;
}

void anon_vma_get(struct anon_vma *av)
{
	VM_BUG_ON(__atomic_load_n(&av->refcount, __ATOMIC_RELAXED) <= 0);
	__atomic_add_fetch(&av->refcount, 1, __ATOMIC_RELAXED);
}

/* Drops a reference; the last one frees the anon_vma and its reference on its root. */
void anon_vma_put(struct anon_vma *av)
{
	while (av) {
		struct anon_vma *root = av->root == av ? NULL : av->root;
		long left = __atomic_sub_fetch(&av->refcount, 1, __ATOMIC_ACQ_REL);

		VM_BUG_ON(left < 0);
		if (left)
			return;
		VM_BUG_ON(!interval_tree_empty(&av->rb_root));
		pthread_mutex_destroy(&av->lock);
		free(av);
		av = root;
	}
}

static void anon_vma_lock(struct anon_vma *av)
{
	pthread_mutex_lock(&av->root->lock);
}

static void anon_vma_unlock(struct anon_vma *av)
{
	pthread_mutex_unlock(&av->root->lock);
}

/* Chains */

/* Links @vma and @av with @avc. Context: @av's root locked (or @av not yet visible). */
static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				struct anon_vma *av)
{
	avc->vma = vma;
	avc->anon_vma = av;
	avc->rb = (struct interval_tree_node){ 0 };
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	interval_tree_insert(&av->rb_root, &avc->rb, vma->vm_pgoff, vma_pgoff_last(vma));
}

/* The root lock of @vma's family, when it has a chain (anon_vma_lock_write(vma->anon_vma)). */
static struct anon_vma *vma_lock_family(struct vm_area_struct *vma)
{
	struct anon_vma *family;

	if (list_empty(&vma->anon_vma_chain))
		return NULL;
	family = list_first_entry(&vma->anon_vma_chain, struct anon_vma_chain,
				  same_vma)->anon_vma;
	anon_vma_lock(family);
	return family;
}

/**
 * anon_vma_interval_tree_pre_update_vma - before @vma's range or vm_pgoff changes: take the
 * family's lock and @vma's links out of their anon_vmas' trees, whose key is that range.
 * anon_vma_interval_tree_post_update_vma() puts them back and lets go of the lock.
 * Context: mmap_lock held for writing; the caller may hold the mapping's i_mmap_lock.
 */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma)
{
	struct list_head *pos;

	if (!vma_lock_family(vma))
		return;
	list_for_each(pos, &vma->anon_vma_chain) {
		struct anon_vma_chain *avc = list_entry(pos, struct anon_vma_chain, same_vma);

		interval_tree_remove(&avc->anon_vma->rb_root, &avc->rb);
	}
}

void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma *family = NULL;
	struct list_head *pos;

	list_for_each(pos, &vma->anon_vma_chain) {
		struct anon_vma_chain *avc = list_entry(pos, struct anon_vma_chain, same_vma);

		interval_tree_insert(&avc->anon_vma->rb_root, &avc->rb, vma->vm_pgoff,
				     vma_pgoff_last(vma));
		family = avc->anon_vma;
	}
	if (family)
		anon_vma_unlock(family);
}

static struct anon_vma_chain *vma_first_avc(const struct vm_area_struct *vma)
{
	return list_first_entry(&vma->anon_vma_chain, struct anon_vma_chain, same_vma);
}

/* Two neighbours that could share an anon_vma (anon_vma_compatible). */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + vma_pages(a);
}

/*
 * A neighbour's anon_vma this VMA may join (find_mergeable_anon_vma): only one whose chain is
 * that anon_vma alone, since a forked VMA's pages may also belong to its ancestors' anon_vmas.
 */
static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *next = vma_next_of(mm, vma), *prev = vma_prev_of(mm, vma);

	if (next && next->anon_vma && !vma_is_fork_child(next) && anon_vma_compatible(vma, next))
		return next->anon_vma;
	if (prev && prev->anon_vma && !vma_is_fork_child(prev) && anon_vma_compatible(prev, vma))
		return prev->anon_vma;
	return NULL;
}

/**
 * __anon_vma_prepare - give @vma, which has none, an anon_vma before its first anonymous page
 * is mapped: a compatible neighbour's, or a new root.
 * Context: mmap_lock held; the caller serializes page-table changes of the mm (the fault
 * path holds its page_table_lock, hence the trylock of a neighbour's root).
 * Return: 0, or -ENOMEM.
 */
int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;
	struct anon_vma *av;

	avc = malloc(sizeof(*avc));
	if (!avc)
		return -ENOMEM;
	av = find_mergeable_anon_vma(vma);
	if (av && pthread_mutex_trylock(&av->root->lock) == 0) {
		vma->anon_vma = av;
		anon_vma_chain_link(vma, avc, av);
		av->num_active_vmas++;
		anon_vma_unlock(av);
		return 0;
	}
	av = anon_vma_alloc();
	if (!av) {
		free(avc);
		return -ENOMEM;
	}
	av->num_children = 1;	/* a root is its own parent */
	av->num_active_vmas = 1;
	vma->anon_vma = av;
	anon_vma_chain_link(vma, avc, av);
	return 0;
}

/*
 * Links @dst to every anon_vma of @src's chain, oldest first so that @dst's chain keeps @src's
 * order. When @dst has no anon_vma yet (fork), the oldest anon_vma that no VMA uses and that
 * has at most one child becomes @dst's own instead of a new one.
 */
static int anon_vma_clone_chain(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma *family = src->anon_vma;
	struct list_head *pos;

	anon_vma_lock(family);
	for (pos = src->anon_vma_chain.prev; pos != &src->anon_vma_chain; pos = pos->prev) {
		struct anon_vma *av = list_entry(pos, struct anon_vma_chain, same_vma)->anon_vma;
		struct anon_vma_chain *avc = malloc(sizeof(*avc));

		if (!avc) {
			anon_vma_unlock(family);
			dst->anon_vma = NULL;
			unlink_anon_vmas(dst);
			return -ENOMEM;
		}
		VM_BUG_ON(av->root != family->root);
		anon_vma_chain_link(dst, avc, av);
		if (!dst->anon_vma && av->num_children < 2 && !av->num_active_vmas)
			dst->anon_vma = av;
	}
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	anon_vma_unlock(family);
	return 0;
}

/**
 * anon_vma_clone - give @dst, a copy of @src (a split piece, an mremap target), @src's
 * anon_vma and chain.
 * Context: mmap_lock held for writing; @dst has no chain yet.
 * Return: 0, or -ENOMEM (@dst then has no anon_vma).
 */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	VM_BUG_ON(!list_empty(&dst->anon_vma_chain));
	dst->anon_vma = src->anon_vma;
	if (!src->anon_vma)
		return 0;
	return anon_vma_clone_chain(dst, src);
}

/**
 * anon_vma_fork - link a fork child's VMA @dst to every anon_vma of the parent's VMA @src,
 * and give it an anon_vma of its own: a new child of @src's, or a reused idle ancestor.
 * Context: the parent's mmap_lock held for writing; @dst has no anon_vma and no chain.
 * Return: 0, or -ENOMEM (@dst then has no anon_vma and no chain).
 */
int anon_vma_fork(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *avc;
	struct anon_vma *av;
	int err;

	VM_BUG_ON(dst->anon_vma || !list_empty(&dst->anon_vma_chain));
	if (!src->anon_vma)
		return 0;
	err = anon_vma_clone_chain(dst, src);
	if (err || dst->anon_vma)
		return err;
	av = anon_vma_alloc();
	avc = malloc(sizeof(*avc));
	if (!av || !avc)
		goto nomem;
	av->root = src->anon_vma->root;
	av->parent = src->anon_vma;
	av->num_active_vmas = 1;
	anon_vma_get(av->root);
	anon_vma_lock(av);
	dst->anon_vma = av;
	anon_vma_chain_link(dst, avc, av);
	av->parent->num_children++;
	anon_vma_unlock(av);
	return 0;

nomem:
	free(avc);
	if (av)
		anon_vma_put(av);
	unlink_anon_vmas(dst);
	return -ENOMEM;
}

/**
 * unlink_anon_vmas - take @vma off every anon_vma of its chain and free the chain; anon_vmas
 * no chain links any more lose their parent's child count and their initial reference.
 * Context: mmap_lock held for writing, or the VMA unreachable; takes the root's lock.
 */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct list_head *pos, *n, dead;
	struct anon_vma *family = vma_lock_family(vma);

	if (!family) {
		VM_BUG_ON(vma->anon_vma);
		return;
	}
	INIT_LIST_HEAD(&dead);
	list_for_each_safe(pos, n, &vma->anon_vma_chain) {
		struct anon_vma_chain *avc = list_entry(pos, struct anon_vma_chain, same_vma);
		struct anon_vma *av = avc->anon_vma;

		interval_tree_remove(&av->rb_root, &avc->rb);
		list_del(&avc->same_vma);
		if (interval_tree_empty(&av->rb_root)) {
			/* Nothing links it: it goes once the lock is dropped. */
			av->parent->num_children--;
			list_add_tail(&avc->same_vma, &dead);
		} else {
			free(avc);
		}
	}
	if (vma->anon_vma) {
		vma->anon_vma->num_active_vmas--;
		vma->anon_vma = NULL;
	}
	anon_vma_unlock(family);
	list_for_each_safe(pos, n, &dead) {
		struct anon_vma_chain *avc = list_entry(pos, struct anon_vma_chain, same_vma);

		VM_BUG_ON(avc->anon_vma->num_active_vmas);
		anon_vma_put(avc->anon_vma);
		free(avc);
	}
}

/**
 * dup_anon_vma - a merge makes @dst cover pages of @src: @dst takes @src's anon_vma and chain
 * when it had none (the merge rules guarantee they are equal otherwise). *@dup is set to @dst
 * when it did, so that a merge failing later can undo it with unlink_anon_vmas().
 * Return: 0, or -ENOMEM (nothing changed).
 */
int dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src,
		 struct vm_area_struct **dup)
{
	int err;

	if (!src || !src->anon_vma || dst->anon_vma)
		return 0;
	err = anon_vma_clone(dst, src);
	if (!err)
		*dup = dst;
	return err;
}

/**
 * anon_vma_chain_validate - @vma's chain is consistent: it links @vma's anon_vma, every link
 * names @vma and sits in its anon_vma's tree under @vma's current range, all anon_vmas share
 * one root, and the counts of active VMAs and children are plausible.
 * Return: 0, or -EUCLEAN with the problem on stderr.
 */
int anon_vma_chain_validate(struct vm_area_struct *vma)
{
	struct anon_vma *root = NULL;
	bool own = false;
	struct list_head *pos;
	int err = 0;

	if (list_empty(&vma->anon_vma_chain)) {
		if (!vma->anon_vma)
			return 0;
		fprintf(stderr, "mmlab: VMA %lx-%lx has an anon_vma and no chain\n",
			vma->vm_start, vma->vm_end);
		return -EUCLEAN;
	}
	root = vma_first_avc(vma)->anon_vma->root;
	anon_vma_lock(root);
	list_for_each(pos, &vma->anon_vma_chain) {
		struct anon_vma_chain *avc = list_entry(pos, struct anon_vma_chain, same_vma);
		struct anon_vma *av = avc->anon_vma;
		bool listed = interval_tree_contains(&av->rb_root, &avc->rb) &&
			      avc->rb.start == vma->vm_pgoff && avc->rb.last == vma_pgoff_last(vma);

		own |= av == vma->anon_vma;
		/* A root counts itself among its children; a leaf has none. */
		if (avc->vma != vma || !listed || av->root != root || av->refcount <= 0 ||
		    (av == root && !av->num_children) ||
		    (av == vma->anon_vma && !av->num_active_vmas))
			err = -EUCLEAN;
	}
	if (!own)
		err = -EUCLEAN;
	anon_vma_unlock(root);
	if (err)
		fprintf(stderr, "mmlab: VMA %lx-%lx: broken anon_vma chain\n", vma->vm_start,
			vma->vm_end);
	return err;
}

/* Pages */

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

/* Walks */

/**
 * vma_address - the address at which @vma maps page offset @pgoff (of its file, or the linear
 * offset of an anonymous page), or -EFAULT when @pgoff lies outside @vma.
 */
unsigned long vma_address(const struct vm_area_struct *vma, pgoff_t pgoff)
{
	if (pgoff < vma->vm_pgoff || pgoff - vma->vm_pgoff >= vma_pages(vma))
		return -EFAULT;
	return vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
}

/**
 * page_vma_mapped_pte - the entry of @vma at @addr when it is present and maps @page
 * (page_vma_mapped_walk for one PTE-mapped page), else NULL.
 * Context: @vma's mm's page_table_lock held, or its mmap_lock for writing.
 */
pte_t *page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = pte_offset_map(mm, addr);
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = ptep_get(ptep);
	if (!pte_present(pte) || (pte & _PAGE_SPECIAL) ||
	    pte_pfn(pte) != page_to_pfn(&mm->machine->pgdat, page))
		return NULL;
	return ptep;
}

/* One walk from a page: what the tree queries' visitors need. */
struct rmap_walk_state {
	struct page *page;
	pgoff_t index;			/* the page's, read once */
	struct rmap_walk_control *rwc;
};

/* Visits @vma if it maps @page; false when rmap_one asked to stop. */
static bool rmap_visit(struct page *page, struct vm_area_struct *vma, pgoff_t pgoff,
		       struct rmap_walk_control *rwc)
{
	unsigned long addr = vma_address(vma, pgoff);
	struct mm_struct *mm = vma->vm_mm;
	bool more = true;

	if (addr == (unsigned long)-EFAULT)
		return true;
	if (rwc->invalid_vma && rwc->invalid_vma(vma, rwc->arg))
		return true;
	/*
	 * Page tables change under mmap_lock held for writing alone: that one must be out,
	 * unless it is the caller's own (rwc->locked_mm), whose tables it already holds still.
	 */
	if (mm != rwc->locked_mm && !mmap_read_trylock(mm)) {
		rwc->contended = true;
		return true;
	}
	spin_lock(&mm->page_table_lock);
	if (page_vma_mapped_pte(page, vma, addr))
		more = rwc->rmap_one(page, vma, addr, rwc->arg);
	spin_unlock(&mm->page_table_lock);
	if (mm != rwc->locked_mm)
		mmap_read_unlock(mm);
	return more;
}

/* A VMA the query found; false ends the walk (rmap_one said so, or no mapping is left). */
static bool rmap_walk_one(struct rmap_walk_state *s, struct vm_area_struct *vma)
{
	return rmap_visit(s->page, vma, s->index, s->rwc) && page_mapcount(s->page);
}

static bool rmap_walk_anon_one(struct interval_tree_node *node, void *arg)
{
	return rmap_walk_one(arg, container_of(node, struct anon_vma_chain, rb)->vma);
}

static bool rmap_walk_file_one(struct interval_tree_node *node, void *arg)
{
	return rmap_walk_one(arg, container_of(node, struct vm_area_struct, shared));
}

/*
 * The VMAs linked to the page's anon_vma - its own and its descendants' - whose range holds
 * the page's linear offset (rmap_walk_anon).
 */
static void rmap_walk_anon(struct page *page, struct rmap_walk_control *rwc)
{
	struct anon_vma *av = page_anon_vma(page);
	/* set with the anon_vma by a swap-in fault, which may run meanwhile (PageAnon) */
	struct rmap_walk_state s = { .page = page, .index = READ_ONCE(page->index), .rwc = rwc };

	anon_vma_lock(av);
	(void)interval_tree_query(&av->rb_root, s.index, s.index, rmap_walk_anon_one, &s);
	anon_vma_unlock(av);
}

/* The VMAs on the page's mapping's i_mmap whose range holds its offset (rmap_walk_file). */
static void rmap_walk_file(struct page *page, struct rmap_walk_control *rwc)
{
	struct address_space *mapping = page->mapping;
	struct rmap_walk_state s = { .page = page, .index = page->index, .rwc = rwc };

	pthread_mutex_lock(&mapping->i_mmap_lock);
	(void)interval_tree_query(&mapping->i_mmap, s.index, s.index, rmap_walk_file_one, &s);
	pthread_mutex_unlock(&mapping->i_mmap_lock);
}

/**
 * rmap_walk - call @rwc->rmap_one for every VMA whose entry at the page's address maps
 * @page, until it returns false or no mapping is left. A page of a large folio is walked on
 * its own (its entries are PTEs, each found by the page's own index). Unmapped pages, the
 * zero page and pages of no mapping are not walked.
 * A VMA whose mm's mmap_lock cannot be had for reading without waiting (a writer changes its
 * page tables) is skipped and @rwc->contended set.
 * Context: the caller holds a reference to @page and no page_table_lock (reclaim from inside
 * a fault must drop the faulting mm's first); takes the anon_vma root's lock or the
 * mapping's i_mmap_lock, then for each visited mm a read trylock of its mmap_lock and its
 * page_table_lock. A caller holding its own mm's mmap_lock names that mm in
 * @rwc->locked_mm, or the walk skips that mm's mappings.
 */
void rmap_walk(struct page *page, struct rmap_walk_control *rwc)
{
	if (!page_mapcount(page) || PageReserved(page) || !READ_ONCE(page->mapping))
		return;
	if (PageAnon(page))
		rmap_walk_anon(page, rwc);
	else
		rmap_walk_file(page, rwc);
}

/* Accessed-bit aging */

struct referenced_state {
	int referenced;			/* Young entries found and cleared */
	unsigned long vm_flags;		/* Their VMAs' flags, VM_LOCKED if one was */
};

/* Test and clear one mapping's accessed bit (folio_referenced_one). */
static bool folio_referenced_one(struct page *page, struct vm_area_struct *vma,
				 unsigned long addr, void *arg)
{
	struct referenced_state *rs = arg;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = page_vma_mapped_pte(page, vma, addr);

	if (vma->vm_flags & VM_LOCKED) {
		/* The page must stay: mlock it (reclaim moves it to the unevictable list). */
		mlock_vma_page(&mm->machine->pgdat, page, vma);
		rs->vm_flags |= VM_LOCKED;
		return false;
	}
	if (lru_gen_enabled(&mm->machine->pgdat)) {
		/* MGLRU: the young neighbours of a young entry are promoted too */
		if (lru_gen_look_around(page, vma, addr, ptep)) {
			rs->referenced++;
			rs->vm_flags |= vma->vm_flags;
		}
		return true;
	}
	if (pte_young(ptep_clear_bits(ptep, _PAGE_ACCESSED))) {
		flush_tlb_range(mm, addr, addr + PAGE_SIZE);
		rs->referenced++;
		rs->vm_flags |= vma->vm_flags;
	}
	return true;
}

/* Sequential and random-access hints say the accesses tell nothing (vma_has_recency). */
static bool invalid_referenced_vma(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	return vma->vm_flags & (VM_SEQ_READ | VM_RAND_READ);
}

/**
 * folio_referenced - count and clear the accessed bits of @page's mappings, flushing the TLB
 * entries of those it clears from every CPU of their mm; *@vm_flags gets the flags of the
 * VMAs whose entry was young, and VM_LOCKED when a VM_LOCKED VMA maps the page (the walk
 * stops there and the page is mlocked). VMAs with MADV_SEQUENTIAL or MADV_RANDOM hints are
 * not looked at. An accessed bit idle tracking cleared (PG_young) counts as one more, and a
 * young page is no longer idle (PG_idle), as page_idle.c reads it.
 * Context: as rmap_walk().
 * Return: the number of young entries found, or -1 when a mapping's mm was busy (its
 * mmap_lock held for writing): reclaim keeps the page, as after a contended Linux walk.
 */
int folio_referenced(struct page *page, unsigned long *vm_flags)
{
	struct referenced_state rs = { 0 };
	struct rmap_walk_control rwc = {
		.arg = &rs,
		.rmap_one = folio_referenced_one,
		.invalid_vma = invalid_referenced_vma,
	};

	rmap_walk(page, &rwc);
	/* An access idle tracking saw (and cleared the bit of) counts once more for reclaim. */
	if (rs.referenced)
		ClearPageIdle(page);
	if (test_and_clear_page_flag(page, PG_young))
		rs.referenced++;
	*vm_flags = rs.vm_flags;
	return rwc.contended ? -1 : rs.referenced;
}

/* Unmapping */

struct unmap_state {
	const struct ttu_control *ttu;
	bool failed;			/* A mapping was left in place */
};

/*
 * A lazily freeable page (MADV_FREE): dropped when nobody wrote it since and no reference is
 * held beyond the mappings' and the caller's (a GUP pin keeps it); otherwise the entry goes
 * back and the page is swap-backed again, except in droppable memory. Return: true dropped.
 */
static bool unmap_lazyfree(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			   pte_t *ptep, pte_t old)
{
	bool droppable = vma->vm_flags & VM_DROPPABLE;

	if (page_ref_count(page) == 1 + page_mapcount(page) && (!PageDirty(page) || droppable))
		return true;
	set_pte_at(vma->vm_mm, addr, ptep, old);
	if (!droppable)
		SetPageSwapBacked(page);
	return false;
}

/* Unmap @page from @vma at @addr (try_to_unmap_one); false stops the walk with a failure. */
static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     void *arg)
{
	struct unmap_state *us = arg;
	const struct ttu_control *ttu = us->ttu;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = page_vma_mapped_pte(page, vma, addr);
	bool anon = PageAnon(page), swapped = anon && PageSwapBacked(page);
	pte_t old, swp_pte = 0;

	if ((vma->vm_flags & VM_LOCKED) && !(ttu->flags & TTU_IGNORE_MLOCK)) {
		mlock_vma_page(&mm->machine->pgdat, page, vma);	/* one a race missed */
		goto fail;
	}
	if (swapped) {
		if (!ttu->anon_pte)
			goto fail;
		swp_pte = ttu->anon_pte(page, vma, addr, ttu->arg);
		if (!swp_pte)
			goto fail;
	}
	old = ptep_clear_flush(mm, addr, ptep);
	/* The entry's dirty bit is the only record of a write through it: keep it in the page. */
	if (pte_dirty(old)) {
		if (anon)
			SetPageDirty(page);
		else
			fault_dirty_page(page);
	}
	if (anon && !swapped && !unmap_lazyfree(page, vma, addr, ptep, old))
		goto fail;
	update_hiwater_rss(mm);
	if (swapped) {
		/* the swap entry keeps the soft-dirty bit; do_swap_page gives it back */
		if (old & _PAGE_SOFT_DIRTY)
			swp_pte |= _PAGE_SWP_SOFT_DIRTY;
		set_pte_at(mm, addr, ptep, swp_pte);
		add_mm_counter(mm, MM_SWAPENTS, 1);
	}
	add_mm_counter(mm, mm_counter(page), -1);
	page_remove_rmap(mm->machine, page);
	put_page(&mm->machine->pgdat, page);
	return true;

fail:
	us->failed = true;
	return false;
}

/**
 * try_to_unmap - unmap @page from every page table that maps it (reclaim's unmap): dirty
 * bits move to the page, the TLB entries are flushed, RSS counters follow (an anonymous page
 * leaves MM_ANONPAGES for MM_SWAPENTS where @ttu->anon_pte gave a swap entry). VM_LOCKED
 * VMAs refuse and mlock the page, unless TTU_IGNORE_MLOCK. A lazily freeable anonymous page
 * (MADV_FREE) is discarded when clean and referenced by its mappings and the caller alone,
 * and becomes swap-backed again otherwise (droppable memory excepted). The walk stops at the
 * first mapping it must leave.
 * Context: as rmap_walk(); the caller holds a reference to @page (reclaim's isolation).
 * Return: true when no page table maps @page any more.
 */
bool try_to_unmap(struct page *page, const struct ttu_control *ttu)
{
	struct unmap_state us = { .ttu = ttu };
	struct rmap_walk_control rwc = { .arg = &us, .rmap_one = try_to_unmap_one,
					 .locked_mm = ttu->locked_mm };

	rmap_walk(page, &rwc);
	return !page_mapcount(page);
}

/* Checks */

struct rmap_check {
	struct mm_struct *mm;		/* The mm whose page tables are swept */
	unsigned long addr;		/* The entry being checked */
	unsigned long found;		/* Mappings the walk visited */
	bool self;			/* It visited (mm, addr) */
};

static bool rmap_check_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			   void *arg)
{
	struct rmap_check *c = arg;

	(void)page;
	c->found++;
	c->self |= vma->vm_mm == c->mm && addr == c->addr;
	return true;
}

static int rmap_check_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct rmap_check *c = data;
	struct rmap_walk_control rwc = { .arg = c, .rmap_one = rmap_check_one };
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!pte_present(pte) || (pte & _PAGE_SPECIAL))
		return 0;
	page = pfn_to_page(&mm->machine->pgdat, pte_pfn(pte));
	if (PageReserved(page))
		return 0;
	c->addr = addr;
	c->found = 0;
	c->self = false;
	rmap_walk(page, &rwc);
	if (c->self && c->found == (unsigned long)page_mapcount(page))
		return 0;
	fprintf(stderr, "rmap: page %lx at %lx (%s, mapcount %d): the walk %s it, %lu mappings\n",
		page_to_pfn(&mm->machine->pgdat, page), addr, PageAnon(page) ? "anon" : "file",
		page_mapcount(page), c->self ? "finds" : "misses", c->found);
	return -EUCLEAN;
}

/**
 * rmap_validate - every page @mm maps is found by rmap_walk at the address that maps it, and
 * its map count is exactly the number of mappings the walk finds in every mm.
 * Context: @mm's mmap_lock held, and nothing else changing page tables of the machine (the
 * count is compared across every mm that maps the page): tests between steps.
 * Return: 0, or -EUCLEAN after printing the first mismatch.
 */
int rmap_validate(struct mm_struct *mm)
{
	struct rmap_check c = { .mm = mm };

	return walk_pte_range(mm, 0, TASK_SIZE_MAX, rmap_check_pte, &c) ? -EUCLEAN : 0;
}
