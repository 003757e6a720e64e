// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap cache and the eviction of one anonymous page (mm/swap_state.c, with the
 * swap-out half of mm/vmscan.c's shrink_folio_list for one isolated folio). The swap cache
 * maps a slot to the page that holds its data while both exist: a page on its way out sits
 * there from add_to_swap until it is written and unmapped everywhere; a page read back sits
 * there until every PTE naming the slot has mapped it or gone, so that processes sharing the
 * slot (fork) share the page again. The cache holds one reference on each page and sets
 * PG_swapcache and page->private (the entry).
 *
 * Swap-in reads ahead as Linux chooses: by VMA (swap_vma_readahead: the swap entries of the
 * PTEs around the faulting address, up to 2^min(vm.page-cluster, 5) pages) unless an active
 * area's host file is on a rotational disk, then by slot cluster (swap_cluster_readahead:
 * the aligned window of up to 2^vm.page-cluster slots around the faulting one). Both
 * windows are sized by hit accounting (readahead pages that faults then used widen the
 * next window), per VMA or per machine. A file whose device shows no "rotational" flag
 * (tmpfs) counts as non-rotational. The window's reads, the faulting page's among them, go
 * out together: slots that follow each other in the window's order come in with one host
 * read (swap_ra_submit, as Linux's swap_read_folio_fs gathers them under a plug).
 * When reclaim frees a page that was written out, the cache keeps a workingset shadow entry
 * (an odd value, workingset_eviction's) at its slot for as long as a PTE names the slot; the
 * page that reads the slot back in finds it and counts as a refault (workingset_refault:
 * workingset_refault_anon, and activate/restore when its distance fits the workingset). The
 * cache's nodes that hold only shadows are the node's workingset_nodes, as Linux counts them.
 * Left out: large folios, swap slot caches, the shadow-node shrinker (shadows go when their
 * slot is freed), the LRU side (the caller isolates pages and puts back the ones it keeps).
 */
#include "mm/swap.h"
#include "mm/mmap_lock.h"
#include "mm/rmap.h"
#include "phys/lru.h"

#include <limits.h>
#include <string.h>

/*
 * Stores @entry (a page, a shadow or NULL) at @off of @si's swap cache, the node's
 * workingset_nodes following the cache's shadow-only nodes (workingset_update_node).
 * Context: swap_lock held. Return: 0, or -ENOMEM (nothing changed; never for NULL or for a
 * slot that holds an entry).
 */
static int swap_cache_store(struct machine *m, struct swap_info_struct *si, pgoff_t off,
			    void *entry)
{
	long before = (long)xa_nr_value_nodes(&si->cache);
	int err = xa_store(&si->cache, off, entry);

	mod_node_page_state(&m->pgdat, WORKINGSET_NODES,
			    (long)xa_nr_value_nodes(&si->cache) - before);
	return err;
}

/**
 * swap_cache_page - the page @si's swap cache holds at @off, or NULL (none, or a shadow).
 * Context: swap_lock held.
 */
struct page *swap_cache_page(struct swap_info_struct *si, pgoff_t off)
{
	void *entry = xa_load(&si->cache, off);

	return xa_is_value(entry) ? NULL : entry;
}

/**
 * clear_shadow_from_swap_cache - slot @off of @si is free: the shadow left there goes.
 * Context: swap_lock held.
 */
void clear_shadow_from_swap_cache(struct machine *m, struct swap_info_struct *si, pgoff_t off)
{
	if (xa_is_value(xa_load(&si->cache, off)))
		(void)swap_cache_store(m, si, off, NULL);
}

/**
 * swap_cache_clear_shadows - every shadow of @si goes (the area is turned off).
 * Context: swap_lock held.
 */
void swap_cache_clear_shadows(struct machine *m, struct swap_info_struct *si)
{
	unsigned long off = 0;
	void *entry;

	for (; (entry = xa_find(&si->cache, &off, ULONG_MAX)); off++)
		if (xa_is_value(entry))
			(void)swap_cache_store(m, si, off, NULL);
}

/*
 * Adds @page to the swap cache at @entry, whose slot has SWAP_HAS_CACHE set: the cache takes
 * a reference; the shadow the slot held, if any, goes to *@shadowp (0: none).
 * Context: swap_lock held. Return: 0, or -ENOMEM (nothing changed).
 */
static int __add_to_swap_cache(struct machine *m, struct page *page, swp_entry_t entry,
			       unsigned long *shadowp)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	void *old;
	int err;

	VM_BUG_ON(!si || PageSwapCache(page));
	old = xa_load(&si->cache, swp_offset(entry));
	VM_BUG_ON(old && !xa_is_value(old));
	err = swap_cache_store(m, si, swp_offset(entry), page);
	if (err)
		return err;
	*shadowp = (unsigned long)old;
	get_page(page);
	page->private = entry.val;
	SetPageSwapCache(page);
	SetPageSwapBacked(page);
	si->nr_cached++;
	mod_node_page_state(&m->pgdat, NR_SWAPCACHE, 1);
	return 0;
}

/**
 * __delete_from_swap_cache - @page leaves the swap cache, @shadow (0: none) taking its place,
 * and its slot loses SWAP_HAS_CACHE (freed, shadow and all, when no PTE names it). The
 * cache's reference is the caller's to drop.
 * Context: swap_lock held; @page is not under writeback.
 */
void __delete_from_swap_cache(struct machine *m, struct page *page, unsigned long shadow)
{
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si = swp_swap_info(m, entry);

	VM_BUG_ON(!si || !PageSwapCache(page) || PageWriteback(page));
	VM_BUG_ON(shadow && !xa_is_value((void *)shadow));
	(void)swap_cache_store(m, si, swp_offset(entry), (void *)shadow);
	si->nr_cached--;
	mod_node_page_state(&m->pgdat, NR_SWAPCACHE, -1);
	ClearPageSwapCache(page);
	page->private = 0;
	put_swap_page(m, entry);
}

/**
 * delete_from_swap_cache - @page, unmapped and clean (or mapped, its data then only in RAM),
 * leaves the swap cache; the slot keeps the counts of the PTEs that name it. The cache's
 * reference is dropped: the caller's own keeps the page.
 * Context: swap_lock not held; the caller holds a reference.
 */
void delete_from_swap_cache(struct page *page)
{
	struct machine *m = page_machine(page);

	pthread_mutex_lock(&m->swap->lock);
	__delete_from_swap_cache(m, page, 0);
	pthread_mutex_unlock(&m->swap->lock);
	put_page(&m->pgdat, page);
}

/* vm_area_struct.swap_readahead_info: page address | window << 6 | hits (SWAP_RA_VAL). */
#define SWAP_RA_HITS_BITS 6
#define SWAP_RA_HITS_MAX ((1U << SWAP_RA_HITS_BITS) - 1)
#define SWAP_RA_ORDER_CEILING 5		/* VMA windows of at most 32 pages */

static unsigned long swap_ra_val(unsigned long addr, unsigned int win, unsigned int hits)
{
	return (addr & PAGE_MASK) | (unsigned long)win << SWAP_RA_HITS_BITS | hits;
}

/* Readahead by VMA (swap_use_vma_readahead): unless an active area is on a rotational disk. */
static bool swap_use_vma_readahead(struct swap_state *s)
{
	return !READ_ONCE(s->nr_rotate_swap);
}

/**
 * lookup_swap_cache - the page the swap cache holds for @entry, with a reference for the
 * caller (swap_cache_get_folio). A readahead page found here is a readahead hit: of @vma's
 * window when readahead goes by VMA (the fault at @addr then becomes the VMA's last), else
 * of the machine's cluster readahead.
 * @vma: the faulting VMA, or NULL (no fault: no hit is counted to a VMA)
 * Context: swap_lock not held.
 * Return: the page, or NULL.
 */
struct page *lookup_swap_cache(struct machine *m, swp_entry_t entry,
			       struct vm_area_struct *vma, unsigned long addr)
{
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;
	struct page *page = NULL;
	bool readahead = false;

	pthread_mutex_lock(&s->lock);
	si = swp_swap_info(m, entry);
	if (si)
		page = swap_cache_page(si, swp_offset(entry));
	if (page) {
		get_page(page);
		readahead = PageReadahead(page);
		if (readahead)
			ClearPageReadahead(page);
		if (readahead && !(vma && swap_use_vma_readahead(s)))
			s->ra_hits++;
	}
	pthread_mutex_unlock(&s->lock);
	if (page && vma && swap_use_vma_readahead(s)) {
		unsigned long ra = READ_ONCE(vma->swap_readahead_info);
		unsigned int hits = (unsigned int)(ra & SWAP_RA_HITS_MAX);
		unsigned int win = (unsigned int)(ra & ~PAGE_MASK) >> SWAP_RA_HITS_BITS;

		if (readahead)
			hits = min(hits + 1, SWAP_RA_HITS_MAX);
		WRITE_ONCE(vma->swap_readahead_info, swap_ra_val(addr, win, hits));
	}
	return page;
}

/**
 * swap_cache_uptodate - whether the swap cache holds an up-to-date page for @entry, for
 * mincore: a look that neither takes the page nor counts as a readahead hit.
 * Context: swap_lock not held.
 */
bool swap_cache_uptodate(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si;
	struct page *page = NULL;
	bool ret;

	pthread_mutex_lock(&m->swap->lock);
	si = swp_swap_info(m, entry);
	if (si)
		page = swap_cache_page(si, swp_offset(entry));
	ret = page && PageUptodate(page);
	pthread_mutex_unlock(&m->swap->lock);
	return ret;
}

/*
 * read_swap_cache_async - the page of @entry from the swap cache, or read into it from the
 * area: *@allocated says which. The frame is allocated without swap_lock (reclaim may run
 * inside the allocation), then the cache is checked again. Return: the page with a
 * reference for the caller, or NULL (the slot is free: nothing to read; no memory; I/O error).
 */
static struct page *read_swap_cache_async(struct machine *m, swp_entry_t entry, bool *allocated)
{
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;
	struct page *page, *new;
	unsigned long shadow = 0;

	*allocated = false;
	page = lookup_swap_cache(m, entry, NULL, 0);
	if (page)
		return page;
	new = alloc_pages(&m->pgdat, 0);
	if (!new)
		return NULL;
	pthread_mutex_lock(&s->lock);
	si = swp_swap_info(m, entry);
	page = si ? swap_cache_page(si, swp_offset(entry)) : NULL;
	if (page) {
		get_page(page);
	} else if (si && swap_count(si->swap_map[swp_offset(entry)]) &&
		   !(si->swap_map[swp_offset(entry)] & SWAP_HAS_CACHE)) {
		/* swapcache_prepare: the slot is ours to fill */
		si->swap_map[swp_offset(entry)] |= SWAP_HAS_CACHE;
		if (swap_readpage(m, new, entry) || __add_to_swap_cache(m, new, entry, &shadow)) {
			put_swap_page(m, entry);
		} else {
			__set_page_flags(new, 1UL << PG_uptodate);
			page = new;
			new = NULL;
			*allocated = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (new)
		put_page(&m->pgdat, new);
	/*
	 * A page read in joins the LRU (folio_add_lru), so that reclaim can evict it again; at
	 * once, not through the batch, whose reference would keep free_swap_and_cache (which
	 * has no page lock here, only the count of references) from dropping a readahead page
	 * whose slot goes. A shadow left at the slot makes it a refault, perhaps activated
	 * before it joins (workingset_refault).
	 */
	if (*allocated) {
		if (shadow)
			workingset_refault(&m->pgdat, page, shadow);
		lru_cache_add(&m->pgdat, page);
		lru_add_drain(&m->pgdat);
	}
	return page;
}

/*
 * __swapin_nr_pages: a readahead window in pages (a power of two up to @max_pages) for a
 * miss at @offset: hits since the last miss widen it, a miss with no hits that is not next
 * to the previous one (@prev_offset) reads one page, and it never shrinks by more than half
 * of the previous window @prev_win at once.
 */
static unsigned int __swapin_nr_pages(unsigned long prev_offset, unsigned long offset,
				      unsigned int hits, unsigned int max_pages,
				      unsigned int prev_win)
{
	unsigned int pages = hits + 2, roundup = 4;

	if (pages == 2) {
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	pages = min(pages, max_pages);
	return max(pages, prev_win / 2);
}

/* swapin_nr_pages: the cluster readahead's window, from the machine's hit accounting. */
static unsigned int swapin_nr_pages(struct swap_state *s, unsigned long offset)
{
	unsigned int max_pages = 1U << READ_ONCE(s->page_cluster), pages;

	if (max_pages <= 1)
		return 1;
	pthread_mutex_lock(&s->lock);
	pages = __swapin_nr_pages(s->ra_prev_offset, offset, s->ra_hits, max_pages,
				  s->ra_last_pages);
	if (!s->ra_hits)
		s->ra_prev_offset = offset;
	s->ra_hits = 0;
	s->ra_last_pages = pages;
	pthread_mutex_unlock(&s->lock);
	return pages;
}

/*
 * The reads of a readahead window gathered (a swap_iocb of reads): up to SWAP_CLUSTER_MAX
 * entries in the window's order, the faulting one among them, each with the frame it is
 * read into and, once read, the shadow its slot held.
 */
struct swap_ra_batch {
	swp_entry_t target;			/* The faulting entry: read, not marked */
	unsigned int nr;			/* Entries gathered */
	swp_entry_t entry[SWAP_CLUSTER_MAX];
	struct page *page[SWAP_CLUSTER_MAX];	/* Its new frame; NULL: in the cache already */
	bool added[SWAP_CLUSTER_MAX];		/* Read into the swap cache */
	unsigned long shadow[SWAP_CLUSTER_MAX];	/* What the slot held before (0: nothing) */
};

/*
 * Reads the run of @nr entries of @b from @i, whose slots follow each other and are ours to
 * fill (SWAP_HAS_CACHE set), with one host read, and puts each page read in the swap cache;
 * a failed read or a cache that lacks memory gives the slots back. Context: swap_lock held.
 */
static void swap_ra_read_run(struct machine *m, struct swap_ra_batch *b, unsigned int i,
			     unsigned int nr)
{
	int err = swap_readpages(m, &b->page[i], nr, b->entry[i]);

	for (unsigned int k = i; k < i + nr; k++) {
		if (err || __add_to_swap_cache(m, b->page[k], b->entry[k], &b->shadow[k])) {
			put_swap_page(m, b->entry[k]);
			continue;
		}
		__set_page_flags(b->page[k], 1UL << PG_uptodate);
		b->added[k] = true;
	}
}

/*
 * Whether slot @entry is to be read in now (__read_swap_cache_async's swapcache_prepare): a
 * PTE names it and no page holds it or is being read for it; it is then ours to fill.
 * Context: swap_lock held.
 */
static bool swapcache_prepare(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned char *map = si ? &si->swap_map[swp_offset(entry)] : NULL;

	if (!map || swap_cache_page(si, swp_offset(entry)) || !swap_count(*map) ||
	    (*map & SWAP_HAS_CACHE))
		return false;
	*map |= SWAP_HAS_CACHE;
	return true;
}

/*
 * swap_ra_submit - read in the entries of @b that the swap cache lacks, the slots that
 * follow each other with one host read each (swap_read_unplug), as read_swap_cache_async
 * would one by one: frames first, without swap_lock (reclaim may run inside the
 * allocation), then each slot checked again and the runs read under the lock, so that a
 * page is visible in the cache only once read. Each page read in joins the LRU, a refault
 * when its slot held a shadow, marked PG_readahead unless it is the faulting page. @b is
 * empty afterwards.
 */
static void swap_ra_submit(struct machine *m, struct swap_ra_batch *b)
{
	unsigned int run = 0, nr = b->nr;

	for (unsigned int i = 0; i < nr; i++) {
		struct page *cached = lookup_swap_cache(m, b->entry[i], NULL, 0);

		b->added[i] = false;
		b->shadow[i] = 0;
		b->page[i] = cached ? NULL : alloc_pages(&m->pgdat, 0);
		if (cached)
			put_page(&m->pgdat, cached);
	}
	pthread_mutex_lock(&m->swap->lock);
	for (unsigned int i = 0; i < nr; i++) {
		bool ours = b->page[i] && swapcache_prepare(m, b->entry[i]);
		bool follows = ours && run && swp_type(b->entry[i]) == swp_type(b->entry[i - 1]) &&
			       swp_offset(b->entry[i]) == swp_offset(b->entry[i - run]) + run;

		if (run && !follows) {
			swap_ra_read_run(m, b, i - run, run);
			run = 0;
		}
		run += ours;
	}
	if (run)
		swap_ra_read_run(m, b, nr - run, run);
	pthread_mutex_unlock(&m->swap->lock);
	/* as read_swap_cache_async: on the LRU at once, not through the batch */
	for (unsigned int i = 0; i < nr; i++) {
		if (b->added[i]) {
			if (b->shadow[i])
				workingset_refault(&m->pgdat, b->page[i], b->shadow[i]);
			lru_cache_add(&m->pgdat, b->page[i]);
			lru_add_drain(&m->pgdat);
			if (b->entry[i].val != b->target.val)
				SetPageReadahead(b->page[i]);
		}
		if (b->page[i])
			put_page(&m->pgdat, b->page[i]);
	}
	b->nr = 0;
}

/* Adds @entry to the window's reads, which go out when SWAP_CLUSTER_MAX are gathered. */
static void swap_ra_add(struct machine *m, struct swap_ra_batch *b, swp_entry_t entry)
{
	b->entry[b->nr++] = entry;
	if (b->nr == SWAP_CLUSTER_MAX)
		swap_ra_submit(m, b);
}

/*
 * swap_cluster_readahead: the aligned window of slots around @entry's, on a disk where
 * neighbouring slots are cheap to read together.
 */
static void swap_cluster_readahead(struct machine *m, swp_entry_t entry, struct swap_ra_batch *b)
{
	unsigned long offset = swp_offset(entry), start, end, max;
	struct swap_info_struct *si;
	unsigned int win = swapin_nr_pages(m->swap, offset);

	if (win <= 1)
		return;
	pthread_mutex_lock(&m->swap->lock);
	si = swp_swap_info(m, entry);
	max = si ? si->max : 0;
	pthread_mutex_unlock(&m->swap->lock);
	start = offset & ~((unsigned long)win - 1);
	end = min(offset | (win - 1), max - 1);
	for (unsigned long off = max(start, 1UL); max && off <= end; off++)
		swap_ra_add(m, b, swp_entry(swp_type(entry), off));
	swap_ra_submit(m, b);
}

/*
 * swap_vma_ra_win: the VMA readahead window around @vmf's address, [*@start, *@end): ahead
 * of a fault that follows the last one, behind one that precedes it, centred otherwise;
 * inside the VMA and the faulting page table. The VMA remembers the fault. Return: its
 * size in pages (1: no readahead).
 */
static unsigned int swap_vma_ra_win(struct swap_state *s, struct vm_fault *vmf,
				    unsigned long *start, unsigned long *end)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long faddr = vmf->address, ra = READ_ONCE(vma->swap_readahead_info);
	unsigned long prev = ra & PAGE_MASK, left;
	unsigned int max_win, win;

	max_win = 1U << min(READ_ONCE(s->page_cluster), SWAP_RA_ORDER_CEILING);
	if (max_win == 1)
		return 1;
	win = __swapin_nr_pages(prev >> PAGE_SHIFT, faddr >> PAGE_SHIFT,
				(unsigned int)(ra & SWAP_RA_HITS_MAX), max_win,
				(unsigned int)(ra & ~PAGE_MASK) >> SWAP_RA_HITS_BITS);
	WRITE_ONCE(vma->swap_readahead_info, swap_ra_val(faddr, win, 0));
	if (win == 1)
		return 1;
	if (faddr == prev + PAGE_SIZE)
		left = faddr;
	else if (prev == faddr + PAGE_SIZE)
		left = faddr - ((unsigned long)(win - 1) << PAGE_SHIFT);
	else
		left = faddr - ((unsigned long)((win - 1) / 2) << PAGE_SHIFT);
	if (left > faddr)	/* wrapped below 0 */
		left = 0;
	*start = max(max(left, vma->vm_start), faddr & PMD_MASK);
	*end = min(min(left + ((unsigned long)win << PAGE_SHIFT), vma->vm_end),
		   (faddr & PMD_MASK) + PMD_SIZE);
	return win;
}

/*
 * swap_vma_readahead: the swap entries of the PTEs around the fault, whatever slots they
 * name - what the process is likely to touch next, on a disk where scattered reads cost
 * no more than neighbouring ones.
 */
static void swap_vma_readahead(struct machine *m, struct vm_fault *vmf, struct swap_ra_batch *b)
{
	unsigned long start, end;

	if (swap_vma_ra_win(m->swap, vmf, &start, &end) == 1)
		return;
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = addr == vmf->address ? NULL : pte_offset_map(vmf->vma->vm_mm, addr);
		pte_t pte = ptep ? ptep_get(ptep) : 0;

		if (addr == vmf->address)
			swap_ra_add(m, b, b->target);
		else if (is_swap_entry_pte(pte))
			swap_ra_add(m, b, pte_to_swp_entry(pte));
	}
	swap_ra_submit(m, b);
}

/**
 * swapin_readahead - the page of @entry for a fault: from the swap cache, or read from the
 * area after a readahead around it (swapin_readahead): by VMA around the faulting address
 * unless an active area is on a rotational disk, by slot cluster then, or with no @vmf
 * (swapoff). Pages read ahead enter the cache marked PG_readahead.
 * @vmf: the fault, or NULL
 * @major: set when the page itself was not in the swap cache (a major fault)
 * Context: swap_lock not held; for a fault, its mmap_lock held.
 * Return: the page with a reference for the caller, or NULL (no memory, I/O error, or the
 * entry was freed meanwhile).
 */
struct page *swapin_readahead(struct machine *m, swp_entry_t entry, struct vm_fault *vmf,
			      bool *major)
{
	struct swap_ra_batch b = { .target = entry };
	struct page *page;
	bool allocated;

	*major = false;
	page = lookup_swap_cache(m, entry, vmf ? vmf->vma : NULL, vmf ? vmf->address : 0);
	if (page)
		return page;
	*major = true;
	if (vmf && swap_use_vma_readahead(m->swap))
		swap_vma_readahead(m, vmf, &b);
	else
		swap_cluster_readahead(m, entry, &b);
	/* read with the window, unless there was none or no frame for it */
	return read_swap_cache_async(m, entry, &allocated);
}

/**
 * add_to_swap - give anonymous @page a swap slot: it enters the swap cache (PG_swapcache,
 * page->private the entry) and is dirty, so that it is written before it is freed.
 * Context: the caller holds a reference and has isolated the page; swap_lock not held.
 * Return: false when no slot is free (no swap, or full) or the cache needs memory it lacks.
 */
bool add_to_swap(struct page *page)
{
	struct machine *m = page_machine(page);
	unsigned long shadow;	/* none: a fresh slot's shadow went when it was freed */
	swp_entry_t entry;
	int err;

	VM_BUG_ON(!PageAnon(page) || PageSwapCache(page));
	entry = get_swap_page(m);
	if (!entry.val)
		return false;
	pthread_mutex_lock(&m->swap->lock);
	err = __add_to_swap_cache(m, page, entry, &shadow);
	if (err)
		put_swap_page(m, entry);
	pthread_mutex_unlock(&m->swap->lock);
	if (err)
		return false;
	SetPageDirty(page);
	return true;
}

/**
 * try_to_free_swap - @page keeps its data only in RAM from now on (folio_free_swap): when no
 * PTE names its slot any more, it leaves the swap cache and is dirty.
 * Context: swap_lock not held; the caller holds a reference.
 * Return: whether the page left the cache.
 */
bool try_to_free_swap(struct machine *m, struct page *page)
{
	bool freed = false;

	pthread_mutex_lock(&m->swap->lock);
	if (PageSwapCache(page)) {
		struct swap_info_struct *si = swp_swap_info(m, page_swap_entry(page));

		if (si && !PageWriteback(page) &&
		    !swap_count(si->swap_map[swp_offset(page_swap_entry(page))])) {
			__delete_from_swap_cache(m, page, 0);
			freed = true;
		}
	}
	pthread_mutex_unlock(&m->swap->lock);
	if (freed) {
		SetPageDirty(page);
		put_page(&m->pgdat, page);
	}
	return freed;
}

/**
 * swap_anon_pte - try_to_unmap's anon_pte callback for a page in the swap cache: the swap PTE
 * to install in place of the mapping of @page at @addr in @vma. The slot gains the PTE's
 * count; the entry is exclusive when the page was (so the fault that brings it back may
 * reuse it writable), and @vma's mm joins the list swapoff walks.
 * Context: the caller holds the mapping's page-table lock; swap_lock not held.
 * Return: the swap PTE, or 0 to leave this mapping (the count is at its cap).
 */
pte_t swap_anon_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		    void *arg)
{
	struct machine *m = vma->vm_mm->machine;
	swp_entry_t entry = page_swap_entry(page);
	pte_t pte;

	(void)addr;
	(void)arg;
	VM_BUG_ON(!PageSwapCache(page));
	if (swap_duplicate(m, entry))
		return 0;
	swap_mm_register(vma->vm_mm);
	pte = swp_entry_to_pte(entry);
	if (PageAnonExclusive(page))
		pte |= _PAGE_SWP_EXCLUSIVE;
	return pte;
}

/*
 * __remove_mapping for a page of the swap cache: when only the caller and the cache hold it
 * and it is clean, unmapped and not under writeback, it leaves the cache, a workingset
 * shadow taking its place. Return: whether it left (the cache's reference is dropped).
 */
static bool swap_remove_mapping(struct machine *m, struct page *page)
{
	bool freed = false;

	pthread_mutex_lock(&m->swap->lock);
	if (PageSwapCache(page) && page_ref_count(page) == 2 && !page_mapcount(page) &&
	    !PageDirty(page) && !PageWriteback(page)) {
		__delete_from_swap_cache(m, page, workingset_eviction(&m->pgdat, page));
		freed = true;
	}
	pthread_mutex_unlock(&m->swap->lock);
	if (freed)
		put_page(&m->pgdat, page);	/* the cache's */
	return freed;
}

/*
 * swap_pageout - pageout() for a dirty page of the swap cache: written when only the caller
 * and the cache hold it (is_page_cache_freeable), marked PG_reclaim so that the end of its
 * writeback rotates it to the inactive tail. Return: 0, or -EAGAIN (held elsewhere: not
 * written), -EIO.
 */
static int swap_pageout(struct page *page)
{
	int err;

	if (page_ref_count(page) != 2)
		return -EAGAIN;
	SetPageReclaim(page);
	err = swap_writepage(page);
	if (err || !PageWriteback(page))
		ClearPageReclaim(page);	/* failed, or a synchronous write */
	return err;
}

/**
 * swap_out_page - reclaim one anonymous page to swap (shrink_folio_list's path for one
 * anonymous folio, or a page swap readahead left in the swap cache unmapped): add_to_swap
 * (unless it is in the swap cache already), unmap it everywhere with swap PTEs, and when it
 * is dirty start its write: it stays in the swap cache under writeback, and a later pass,
 * after the write ended, finds it clean and frees it. A clean page (written before, or read back and not written since) is freed at once,
 * leaving a workingset shadow at its slot. A page under writeback is only marked PG_reclaim.
 * MADV_PAGEOUT and reclaim both evict through here.
 * Context: the caller holds one reference (its isolation's) and has taken the page off the
 * LRU; no mmap_lock of another mm held; @locked_mm: an mm whose mmap_lock the caller holds
 * (its mappings are unmapped under it; NULL for none); swap_lock not held.
 * Return: 1 when the page was freed (the caller's reference is gone with it); 0 when it
 * stays (no slot, a mapping left, writeback started or going on, a write error, someone
 * else holds it): the caller keeps its reference and puts the page back. A page that stays
 * may be in the swap cache with some or all of its mappings turned into swap PTEs: faults
 * find it there.
 */
unsigned long swap_out_page(struct page *page, struct mm_struct *locked_mm)
{
	const struct ttu_control ttu = { .anon_pte = swap_anon_pte, .locked_mm = locked_mm };
	struct machine *m = page_machine(page);

	if (!PageSwapBacked(page) || (!PageAnon(page) && !PageSwapCache(page)))
		return 0;
	if (PageWriteback(page)) {
		SetPageReclaim(page);	/* its end rotates it for the next pass */
		return 0;
	}
	if (!PageSwapCache(page) && !add_to_swap(page))
		return 0;
	if (page_mapcount(page) && !try_to_unmap(page, &ttu))
		return 0;
	if (PageDirty(page) && (swap_pageout(page) || PageWriteback(page)))
		return 0;
	if (!swap_remove_mapping(m, page))
		return 0;
	put_page(&m->pgdat, page);	/* the caller's: the frame is free */
	return 1;
}

/**
 * swap_cache_pages - pages in the swap caches of @m (SwapCached).
 * Context: any.
 */
unsigned long swap_cache_pages(struct machine *m)
{
	return node_page_state(&m->pgdat, NR_SWAPCACHE);
}
