// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page cache (mm/filemap.c and the truncation half of mm/truncate.c): an inode's pages
 * indexed by file page offset in its address_space's xarray, each a frame from the buddy
 * allocator with mapping/index set and PG_uptodate. The cache holds one reference per page;
 * every page a lookup returns carries one more, the caller's.
 *
 * Locking: mapping->lock guards i_pages, nrpages and the page-cache flags of the pages in it
 * (PG_dirty, PG_writeback, PG_readahead change only under it). It is never held across
 * a_ops->read_page: a miss allocates a private frame, reads into it unlocked, then takes the
 * lock and inserts it, or, when another thread inserted the same index meanwhile, frees its
 * copy and returns the other (Linux inserts a locked folio first and reads into it; without
 * page locks, reading before inserting is what keeps a half-read page out of sight).
 *
 * Large folios (readahead's, and a write's on file systems that make them) are runs of
 * order-0 frames (see page_cache_order). Truncation splits a large folio it cuts, or keeps a
 * dirty one whole, and has the mm layer unmap it (vfs->unmap_folio).
 *
 * A shmem page that reclaim sent to swap leaves a swap entry at its index (in a second
 * xarray, swapped, where Linux keeps it in i_pages itself); a lookup that creates brings it
 * back (filemap_swapin), truncation lets its slot go.
 *
 * Left out: page locks, shadow entries (workingset), the LRU lists (the mm layer's reclaim),
 * and mapped pages on truncation: the caller unmaps first (unmap_mapping_range); a removed
 * page stays allocated while references remain.
 */
#include "fs/internal.h"
#include "phys/lru.h"

#include <limits.h>
#include <string.h>

static struct pglist_data *mapping_pgdat(const struct address_space *mapping)
{
	return mapping->pgdat;
}

static bool mapping_is_shmem(const struct address_space *mapping)
{
	return mapping->host && mapping->host->i_kind == FS_SHMEM;
}

bool filemap_page_cached(struct address_space *mapping, pgoff_t index)
{
	bool cached;

	pthread_mutex_lock(&mapping->lock);
	cached = xa_load(&mapping->i_pages, index) != NULL;
	pthread_mutex_unlock(&mapping->lock);
	return cached;
}

/**
 * filemap_find_page - the cached page at @index, with a reference for the caller; no I/O.
 * Context: takes mapping->lock.
 * Return: the page, or NULL when @index is not cached.
 */
struct page *filemap_find_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page;

	pthread_mutex_lock(&mapping->lock);
	page = xa_load(&mapping->i_pages, index);
	if (page)
		get_page(page);
	pthread_mutex_unlock(&mapping->lock);
	return page;
}

/**
 * filemap_get_read_batch - the cached pages from @index on, consecutive, none past @max and
 * at most @nr of them, each with a reference, for a read (filemap_get_read_batch): one walk
 * under one lock where a read of many pages would otherwise take the lock for each. The batch
 * ends at the first hole and after a page carrying the async readahead marker, whose reader
 * starts the next window before it reads on. A page a truncation cached for zeroing its tail
 * has its block read (ext4's buffer up to date): it is marked up to date without I/O, as
 * read_folio marks it. filemap_get_page's hit is a batch of one.
 * Context: takes mapping->lock.
 * Return: the pages put in @pages (0: @index is not cached).
 */
unsigned int filemap_get_read_batch(struct address_space *mapping, pgoff_t index, pgoff_t max,
				    struct page **pages, unsigned int nr)
{
	unsigned int n = 0;

	pthread_mutex_lock(&mapping->lock);
	for (; n < nr && index <= max; index++) {
		struct page *page = xa_load(&mapping->i_pages, index);

		if (!page)
			break;
		get_page(page);
		if (!PageUptodate(page))
			SetPageUptodate(page);
		pages[n++] = page;
		if (PageReadahead(page))
			break;
	}
	pthread_mutex_unlock(&mapping->lock);
	return n;
}

/*
 * A new frame with page @index's contents: read through a_ops (*@did_read set), zero-filled
 * when the mapping has no reader (shmem) or @noread says the caller overwrites it.
 * Return: the page (one reference), or ERR_PTR(-ENOMEM / the reader's -errno).
 */
static struct page *filemap_fill_page(struct address_space *mapping, pgoff_t index, bool noread,
				      bool *did_read)
{
	struct pglist_data *pgdat = mapping_pgdat(mapping);
	struct page *page = alloc_pages(pgdat, 0);
	void *addr;
	int err;

	*did_read = false;
	if (!page)
		return ERR_PTR(-ENOMEM);
	addr = page_address(pgdat, page);
	if (noread || !mapping->a_ops || !mapping->a_ops->read_page) {
		memset(addr, 0, PAGE_SIZE);
		return page;
	}
	err = mapping->a_ops->read_page(mapping->host, index, addr);
	if (err) {
		put_page(pgdat, page);
		return ERR_PTR(err < 0 ? err : -EIO);
	}
	*did_read = true;
	return page;
}

/*
 * Puts the filled @page at @index unless another page got there first.
 * Return: the page now cached there with the caller's reference (@page, or the one that won
 * the race, @page then freed), or ERR_PTR(-ENOMEM) when the index could not grow.
 * Context: takes mapping->lock.
 */
/*
 * A page joining the cache of an unevictable mapping (SHM_LOCK, ramfs) goes to the
 * unevictable list (folio_evictable's mapping_unevictable test, made when it is added).
 */
static void filemap_lru_prepare(struct address_space *mapping, struct page *page)
{
	if (mapping->unevictable)
		SetPageUnevictable(page);
}

/*
 * A page joining the cache where reclaim left a shadow entry is a refault: the shadow goes,
 * and workingset_refault decides from it whether the page starts active.
 * Context: mapping->lock held; @page not on the LRU yet.
 */
static void filemap_refault(struct address_space *mapping, struct page *page, pgoff_t index)
{
	void *shadow = xa_erase(&mapping->shadows, index);

	if (shadow)
		workingset_refault(mapping_pgdat(mapping), page, (unsigned long)shadow);
}

/*
 * Makes the filled @page the cache's at @index (the allocation's reference becomes the cache's,
 * and the caller gets one more), unless the index could not grow.
 * Context: mapping->lock held; @index holds no page.
 * Return: 0, or -ENOMEM (@page freed).
 */
static int __filemap_insert_page(struct address_space *mapping, struct page *page,
				 pgoff_t index, bool mark_readahead)
{
	page->mapping = mapping;
	page->index = index;
	page->private = 0;	/* an order-0 folio */
	SetPageUptodate(page);
	if (mark_readahead)
		SetPageReadahead(page);
	if (mapping_is_shmem(mapping))
		SetPageSwapBacked(page);
	if (xa_store(&mapping->i_pages, index, page)) {
		page->mapping = NULL;
		page->flags = 0;
		put_page(mapping_pgdat(mapping), page);
		return -ENOMEM;
	}
	mapping->nrpages++;
	mod_node_page_state(mapping_pgdat(mapping), NR_FILE_PAGES, 1);
	get_page(page);
	filemap_lru_prepare(mapping, page);
	filemap_refault(mapping, page, index);
	return 0;
}

static struct page *filemap_add_page(struct address_space *mapping, struct page *page,
				     pgoff_t index, bool mark_readahead)
{
	struct page *cached;
	int err;

	pthread_mutex_lock(&mapping->lock);
	cached = xa_load(&mapping->i_pages, index);
	if (cached) {
		get_page(cached);
		pthread_mutex_unlock(&mapping->lock);
		put_page(mapping_pgdat(mapping), page);
		return cached;
	}
	err = __filemap_insert_page(mapping, page, index, mark_readahead);
	pthread_mutex_unlock(&mapping->lock);
	if (err)
		return ERR_PTR(err);
	lru_cache_add(mapping_pgdat(mapping), page);
	return page;
}

static const struct shmem_swap_ops *mapping_swap_ops(const struct address_space *mapping)
{
	return mapping->host ? mapping->host->i_vfs->shmem_swap : NULL;
}

/*
 * A shmem page that reclaim wrote to swap comes back (shmem_swapin_folio): its slot is read
 * into a new page, which takes the entry's place in the cache dirty (its only copy is in
 * memory now), and the slot goes. All of it under mapping->lock, so that a second fault, a
 * truncation or a new swap-out of the index waits for it.
 * Return: the page with the caller's reference; NULL when @index has no entry (or has a page
 * by now); ERR_PTR(-ENOMEM / -EIO).
 */
static struct page *filemap_swapin(struct address_space *mapping, pgoff_t index)
{
	const struct shmem_swap_ops *ops = mapping_swap_ops(mapping);
	struct pglist_data *pgdat = mapping_pgdat(mapping);
	unsigned long entry;
	struct page *page;
	int err;

	pthread_mutex_lock(&mapping->lock);
	entry = (unsigned long)xa_load(&mapping->swapped, index);
	if (!entry || !ops || xa_load(&mapping->i_pages, index)) {
		pthread_mutex_unlock(&mapping->lock);
		return NULL;
	}
	page = alloc_pages(pgdat, 0);	/* never reclaims in place: no lock is at risk */
	if (!page) {
		pthread_mutex_unlock(&mapping->lock);
		return ERR_PTR(-ENOMEM);
	}
	err = ops->read(mapping, entry, page);
	if (err) {
		pthread_mutex_unlock(&mapping->lock);
		put_page(pgdat, page);
		return ERR_PTR(err);
	}
	err = __filemap_insert_page(mapping, page, index, false);
	if (!err) {
		SetPageDirty(page);
		xa_erase(&mapping->swapped, index);
		mapping->nrswapped--;
		ops->release(mapping, entry);
	}
	pthread_mutex_unlock(&mapping->lock);
	if (err)
		return ERR_PTR(err);
	lru_cache_add(pgdat, page);
	return page;
}

static struct page *filemap_create_large(struct address_space *mapping, pgoff_t index,
					 unsigned int order);

/**
 * filemap_get_page - the cache page at @index with a reference, up to date.
 * @mapping: the file's page cache
 * @index: file offset in pages
 * @fgp: FGP_CREAT to fill a miss; FGP_NOREAD to fill it with zeros instead of reading (the
 *	caller overwrites the whole page); FGP_ORDER(n) to fill it as a folio of up to order n
 *	where the file system makes large folios (a write's write_begin)
 * @major: set when the page was read from the layer below (a major fault's I/O); may be NULL
 *
 * Context: takes mapping->lock, never across a_ops->read_page.
 * Return: the page, NULL on a miss without FGP_CREAT, or ERR_PTR(-ENOMEM / -EIO / the
 * reader's -errno); nothing is cached on failure.
 */
struct page *filemap_get_page(struct address_space *mapping, pgoff_t index, unsigned int fgp,
			      bool *major)
{
	struct page *page;
	bool did_read;

	if (major)
		*major = false;
	if (filemap_get_read_batch(mapping, index, index, &page, 1))
		return page;
	if (!(fgp & FGP_CREAT))
		return NULL;
	if (FGP_GET_ORDER(fgp) && mapping_large_folio_support(mapping)) {
		page = filemap_create_large(mapping, index, FGP_GET_ORDER(fgp));
		if (page)
			return page;
	}
	if (mapping_is_shmem(mapping) && READ_ONCE(mapping->nrswapped)) {
		page = filemap_swapin(mapping, index);
		if (page) {
			/* a swap-in is a major fault (shmem_swapin_folio's PGMAJFAULT) */
			if (major && !IS_ERR(page))
				*major = true;
			return page;
		}
	}
	page = filemap_fill_page(mapping, index, fgp & FGP_NOREAD, &did_read);
	if (IS_ERR(page))
		return page;
	page = filemap_add_page(mapping, page, index, false);
	/* shmem's reader only zero-fills: not a major fault here. */
	if (major && !IS_ERR(page))
		*major = did_read && !mapping_is_shmem(mapping);
	return page;
}

/*
 * Large folios. The cache holds order-0 frames; where Linux makes a folio of 2^order pages
 * (readahead's page_cache_ra_order, a write's write_begin with fgf_set_order), the run
 * [head, head + 2^order), head aligned to its size, stands for that folio: each page's
 * private holds the order; PG_dirty is the folio's, on all its pages alike; when the folio is
 * the async marker, each carries PG_readahead. Which pages a window reads, how far the
 * marker reaches, what fault-around skips, what a fault maps, what writeback writes and
 * what smaps counts dirty then follow the kernel's folios. Truncation splits a run as
 * folio_split does (filemap_split_folio); a page leaving the cache otherwise splits its run
 * into order-0 folios.
 */
/* Read without mapping->lock by holders of a reference (filemap_read's marker check) while a
 * removal may split the run under it: one untorn load; a stale order only moves a marker. */
static unsigned int page_cache_order(const struct page *page)
{
	return (unsigned int)READ_ONCE(page->private);
}

/* The index of the first page of @page's folio (folio->index). */
pgoff_t filemap_folio_index(const struct page *page)
{
	return page->index & ~((1UL << page_cache_order(page)) - 1);
}

/* The index just past @page's folio (folio_next_index). */
pgoff_t filemap_folio_next_index(const struct page *page)
{
	return filemap_folio_index(page) + (1UL << page_cache_order(page));
}

unsigned int filemap_folio_order(const struct page *page)
{
	return page_cache_order(page);
}

/* Whether @page's folio carries the async marker. Context: mapping->lock held, or a
 * reference on @page (a stale answer only delays or repeats an async window). */
bool __filemap_folio_readahead(struct address_space *mapping, const struct page *page)
{
	(void)mapping;
	return PageReadahead(page);
}

/*
 * Gives the cached pages [@index, @index + 2^@order) the folio order @order; only a folio
 * that holds the old folio's head keeps the async marker (@marker), as a split's new folios
 * do not inherit PG_readahead. Context: mapping->lock held.
 */
static void filemap_set_run(struct address_space *mapping, pgoff_t index, unsigned int order,
			    bool marker)
{
	for (pgoff_t i = index; i < index + (1UL << order); i++) {
		struct page *p = xa_load(&mapping->i_pages, i);

		if (!p)
			continue;
		WRITE_ONCE(p->private, order);
		if (!marker)
			ClearPageReadahead(p);
	}
}

/*
 * Splits the folio of @page into order-0 folios (split_folio), as a page leaving it alone
 * requires. Context: mapping->lock held.
 */
static void filemap_split_run(struct address_space *mapping, struct page *page)
{
	unsigned int order = page_cache_order(page);
	pgoff_t head = filemap_folio_index(page);
	struct page *first;

	if (!order)
		return;
	first = xa_load(&mapping->i_pages, head);
	filemap_set_run(mapping, head, 0, first && PageReadahead(first));
	for (pgoff_t i = head + 1; i < head + (1UL << order); i++)
		filemap_set_run(mapping, i, 0, false);
}

/*
 * Splits the folio of @page around the page at @at (folio_split's non-uniform split, which
 * truncation asks for): @at becomes an order-0 folio, and the rest of the old folio the
 * largest aligned folios that leave it out, halving toward @at. Flags stay as they were
 * (PG_dirty and PG_uptodate are the folio's on every page), but for the async marker.
 *
 *    order 3 at 40, split at 47:  [40 41 42 43][44 45][46][47]
 *    order 3 at 40, split at 42:  [40 41][42][43][44 45 46 47]
 *
 * Context: mapping->lock held.
 */
static void filemap_split_folio(struct address_space *mapping, struct page *page, pgoff_t at)
{
	unsigned int order = page_cache_order(page);
	pgoff_t head = filemap_folio_index(page), first = head;
	struct page *head_page = xa_load(&mapping->i_pages, head);
	bool marker = head_page && PageReadahead(head_page);

	VM_BUG_ON(at < head || at >= filemap_folio_next_index(page));
	while (order--) {
		pgoff_t half = 1UL << order;
		bool upper = (at - head) & half;	/* @at in the upper half */
		pgoff_t other = upper ? head : head + half;

		filemap_set_run(mapping, other, order, marker && other == first);
		if (upper)
			head += half;
	}
	filemap_set_run(mapping, at, 0, marker && at == first);
}

/**
 * filemap_folio_clear_readahead - the async marker leaves @page's folio (folio_clear_readahead).
 * Return: false when the folio is under writeback (PG_readahead is PG_reclaim there in
 * Linux, so the bit is not the marker and stays).
 * Context: takes mapping->lock.
 */
bool filemap_folio_clear_readahead(struct address_space *mapping, struct page *page)
{
	pgoff_t head, end;
	bool ok = true;

	pthread_mutex_lock(&mapping->lock);
	if (PageWriteback(page)) {
		ok = false;
	} else if (page->mapping != mapping || xa_load(&mapping->i_pages, page->index) != page) {
		ClearPageReadahead(page);	/* removed meanwhile: its run is gone */
	} else {
		head = filemap_folio_index(page);
		end = filemap_folio_next_index(page);
		for (pgoff_t i = head; i < end; i++) {
			struct page *p = xa_load(&mapping->i_pages, i);

			if (p && (p == page || page_cache_order(p) == page_cache_order(page)))
				ClearPageReadahead(p);
		}
	}
	pthread_mutex_unlock(&mapping->lock);
	return ok;
}

/**
 * page_cache_ra_folio - read the folio of 2^@order pages at @index (aligned to its size) into
 * the cache, as one folio (ra_alloc_folio), marked with PG_readahead when @mark.
 * Context: takes mapping->lock, never across a_ops->read_page.
 * Return: 0; -EEXIST when a page of the range is cached already (nothing added); -ENOMEM;
 * the reader's error (nothing added).
 */
int page_cache_ra_folio(struct address_space *mapping, pgoff_t index, unsigned int order,
			bool mark)
{
	struct pglist_data *pgdat = mapping_pgdat(mapping);
	unsigned long nr = 1UL << order, i, added = 0;
	struct page *pages[1UL << MAX_PAGECACHE_ORDER];
	int err = 0;

	VM_BUG_ON(order > MAX_PAGECACHE_ORDER || (index & (nr - 1)));
	for (i = 0; i < nr; i++)
		if (filemap_page_cached(mapping, index + i))
			return -EEXIST;
	for (i = 0; i < nr; i++) {
		bool did_read;

		pages[i] = filemap_fill_page(mapping, index + i, false, &did_read);
		if (IS_ERR(pages[i])) {
			err = (int)PTR_ERR(pages[i]);
			nr = i;		/* the ones filled go back */
			goto put_pages;
		}
	}
	pthread_mutex_lock(&mapping->lock);
	for (i = 0; i < nr && !err; i++)
		if (xa_load(&mapping->i_pages, index + i))
			err = -EEXIST;
	for (; !err && added < nr; added++) {
		struct page *page = pages[added];

		page->mapping = mapping;
		page->index = index + added;
		page->private = order;
		SetPageUptodate(page);
		if (mark)
			SetPageReadahead(page);
		if (xa_store(&mapping->i_pages, index + added, page)) {
			page->mapping = NULL;
			page->flags = 0;
			err = -ENOMEM;
			break;
		}
		mapping->nrpages++;
		mod_node_page_state(pgdat, NR_FILE_PAGES, 1);
		filemap_lru_prepare(mapping, page);
		filemap_refault(mapping, page, index + added);
	}
	for (i = 0; err && i < added; i++)	/* a folio cut short: order-0 pages */
		pages[i]->private = 0;
	/*
	 * Our own reference for the LRU add (filemap_add_folio's caller holds one): once the
	 * lock drops, another thread may take the pages out of the cache, and the cache's
	 * reference with them.
	 */
	for (i = 0; i < added; i++)
		get_page(pages[i]);
	pthread_mutex_unlock(&mapping->lock);
	for (i = 0; i < added; i++) {
		lru_cache_add(pgdat, pages[i]);
		put_page(pgdat, pages[i]);
	}
put_pages:
	for (i = added; i < nr; i++)	/* the cache keeps the references of those it took */
		put_page(pgdat, pages[i]);
	return err;
}

/*
 * A write's miss at @index (__filemap_get_folio with fgf_set_order): a folio of @order
 * pages, smaller where @index is not aligned to it, and smaller again until its range holds
 * no cached page. Its pages are read from below (the write then overwrites its part).
 * Return: the page at @index with a reference, or NULL to fall back to an order-0 page.
 */
static struct page *filemap_create_large(struct address_space *mapping, pgoff_t index,
					 unsigned int order)
{
	order = min(order, MAX_PAGECACHE_ORDER);
	if (index & ((1UL << order) - 1))
		order = (unsigned int)__builtin_ctzl(index);
	for (; order; order--) {
		int err = page_cache_ra_folio(mapping, index, order, false);

		if (!err)
			return filemap_find_page(mapping, index);
		if (err != -EEXIST)
			return NULL;
	}
	return NULL;
}

/* Takes @page out of the index and drops the cache's reference. Context: mapping->lock. */
static void __filemap_remove_page(struct address_space *mapping, struct page *page)
{
	VM_BUG_ON(page->mapping != mapping);
	filemap_split_run(mapping, page);
	xa_erase(&mapping->i_pages, page->index);
	mapping->nrpages--;
	mod_node_page_state(mapping_pgdat(mapping), NR_FILE_PAGES, -1);
	if (PageDirty(page))
		__page_cancel_dirty(mapping, page);
	ClearPageReadahead(page);
	__atomic_store_n(&page->mapping, NULL, __ATOMIC_RELAXED); /* set_page_dirty reads it */
	put_page(mapping_pgdat(mapping), page);
}

/**
 * filemap_remove_page - take @page out of @mapping's cache (it is not mapped: the caller saw
 * to it). A dirty page's contents are dropped. The caller's own reference stays its own.
 * Context: takes mapping->lock.
 */
void filemap_remove_page(struct address_space *mapping, struct page *page)
{
	pthread_mutex_lock(&mapping->lock);
	if (page->mapping == mapping && xa_load(&mapping->i_pages, page->index) == page)
		__filemap_remove_page(mapping, page);
	pthread_mutex_unlock(&mapping->lock);
	if (mapping->host)	/* a dropped dirty page may have been its last */
		inode_sync_dirty_list(mapping->host);
}

/**
 * filemap_evict_page - invalidation's removal of a clean, unmapped page nobody else holds
 * (mapping_evict_folio): remove_mapping's checks, made under mapping->lock so that no lookup
 * (a fault-around, a read) takes the page between the check and the removal, and no shadow
 * entry (the page was dropped, not reclaimed).
 * Context: takes mapping->lock; the caller holds one reference.
 * Return: true when the page left the cache.
 */
bool filemap_evict_page(struct address_space *mapping, struct page *page)
{
	bool removed = false;

	pthread_mutex_lock(&mapping->lock);
	if (page->mapping == mapping && xa_load(&mapping->i_pages, page->index) == page &&
	    !PageDirty(page) && !PageWriteback(page) && page_mapcount(page) == 0 &&
	    page_ref_count(page) == 2) {
		__filemap_remove_page(mapping, page);
		removed = true;
	}
	pthread_mutex_unlock(&mapping->lock);
	return removed;
}

/**
 * remove_mapping - reclaim's removal of a clean page from the cache (__remove_mapping): only
 * if nothing but the cache and the caller (isolating it) holds a reference, no page table
 * maps it and it is neither dirty nor under writeback; checked under mapping->lock, where
 * no lookup can take a new reference.
 * Context: takes mapping->lock; the caller holds one reference.
 * Return: true when the page left the cache (the caller's reference is now the last).
 */
bool remove_mapping(struct address_space *mapping, struct page *page)
{
	bool removed = false;

	pthread_mutex_lock(&mapping->lock);
	if (page->mapping == mapping && xa_load(&mapping->i_pages, page->index) == page &&
	    !PageDirty(page) && !PageWriteback(page) && page_mapcount(page) == 0 &&
	    page_ref_count(page) == 2) {
		pgoff_t index = page->index;
		void *shadow = (void *)workingset_eviction(mapping_pgdat(mapping), page);

		__filemap_remove_page(mapping, page);
		/* no room for the shadow: the refault will look like a first read */
		(void)xa_store(&mapping->shadows, index, shadow);
		removed = true;
	}
	pthread_mutex_unlock(&mapping->lock);
	return removed;
}

/**
 * shmem_swapout_page - shmem_writeout for the isolated shmem @page: if only the cache and
 * the caller hold it and no page table maps it, its contents go to a new swap slot and the
 * slot's entry takes its place in the cache (shmem_delete_from_page_cache); it leaves the
 * cache dirty or not (shmem pages have no file to be clean against). Checked and done under
 * mapping->lock, where no lookup can take a new reference meanwhile.
 * Context: takes mapping->lock; the caller holds one reference.
 * Return: 0 (the caller's reference is now the last), -EBUSY (in use), -ENOSPC (no slot; no
 * swap), -ENOMEM or -EIO.
 */
int shmem_swapout_page(struct address_space *mapping, struct page *page)
{
	const struct shmem_swap_ops *ops = mapping_swap_ops(mapping);
	unsigned long entry;
	pgoff_t index;
	int err = -EBUSY;

	if (!ops)
		return -ENOSPC;
	pthread_mutex_lock(&mapping->lock);
	index = page->index;
	if (page->mapping != mapping || xa_load(&mapping->i_pages, index) != page ||
	    PageWriteback(page) || page_mapcount(page) != 0 || page_ref_count(page) != 2 ||
	    page_cache_order(page))
		goto out;
	err = ops->write(mapping, page, &entry);
	if (err)
		goto out;
	err = xa_store(&mapping->swapped, index, (void *)entry);
	if (err) {
		ops->release(mapping, entry);
		goto out;
	}
	mapping->nrswapped++;
	__filemap_remove_page(mapping, page);
out:
	pthread_mutex_unlock(&mapping->lock);
	return err;
}

/* The swap entries @mapping holds for pages [@first, @last] (shmem_partial_swap_usage). */
unsigned long shmem_swapped_range(struct address_space *mapping, pgoff_t first, pgoff_t last)
{
	unsigned long n = 0;
	pgoff_t index = first;

	pthread_mutex_lock(&mapping->lock);
	if (mapping->nrswapped)
		while (index <= last && xa_find(&mapping->swapped, &index, last)) {
			n++;
			if (index++ == last)
				break;
		}
	pthread_mutex_unlock(&mapping->lock);
	return n;
}

/* Zeroes bytes [from, to) of the cached page at @index, if it is cached. */
static void truncate_partial_page(struct address_space *mapping, pgoff_t index, size_t from,
				  size_t to)
{
	struct page *page;

	if (from >= to)
		return;
	if (READ_ONCE(mapping->nrswapped)) {
		/* a swapped shmem page comes back to be zeroed in part (shmem_get_partial_folio) */
		page = filemap_swapin(mapping, index);
		if (!IS_ERR_OR_NULL(page))
			put_page(mapping_pgdat(mapping), page);
	}
	pthread_mutex_lock(&mapping->lock);
	page = xa_load(&mapping->i_pages, index);
	if (page)
		memset((char *)page_address(mapping_pgdat(mapping), page) + from, 0, to - from);
	pthread_mutex_unlock(&mapping->lock);
}

/* What truncate_partial_folio did to a large folio at an edge of the range. */
struct truncate_edge {
	pgoff_t head, next;		/* The folio's pages [head, next) as it was */
	bool split;			/* Split: its pages in the range go, the rest stays */
	bool kept;			/* Dirty, so not split: kept whole, the range's part
					 * zeroed (pages past the end stay cached) */
};

/* Zeroes the bytes [@from, @to) of the cached pages that hold them. Context: mapping->lock. */
static void truncate_zero_range(struct address_space *mapping, loff_t from, loff_t to)
{
	while (from < to) {
		pgoff_t index = (pgoff_t)(from >> PAGE_SHIFT);
		size_t off = (size_t)(from & (PAGE_SIZE - 1));
		size_t n = (size_t)min((loff_t)(PAGE_SIZE - off), to - from);
		struct page *page = xa_load(&mapping->i_pages, index);

		if (page)
			memset((char *)page_address(mapping_pgdat(mapping), page) + off, 0, n);
		from += (loff_t)n;
	}
}

/*
 * A large folio holding page @index that the bytes [@lstart, @lend] being truncated cover
 * only in part (truncate_inode_partial_folio): a clean one is split where the range starts
 * inside it, then at the page holding the first byte after the range, so that the pages the
 * range covers leave as folios of their own and the rest stays cached; a dirty one is kept
 * whole (its buffers cannot be released for the split), the range's bytes in it zeroed.
 * Either way the folio is unmapped from every mapping, as the attempt to split it does
 * (the caller does that, without the lock).
 *
 *    lstart = 0x2a000 (page 42), to the end:   [40 41 42 43 44 45 46 47]
 *        clean, split at 42:                   [40 41][42][43][44 45 46 47]
 *        dropped after:                               ^^^^^^^^^^^^^^^^^^^^^
 *        dirty:                                [40 41 42 43 44 45 46 47]  42-47 zeroed
 *
 * Context: mapping->lock held. Return: whether @edge says what happened (a large folio
 * partly in the range).
 */
static bool truncate_partial_folio(struct address_space *mapping, pgoff_t index, loff_t lstart,
				   loff_t lend, struct truncate_edge *edge)
{
	struct page *page = xa_load(&mapping->i_pages, index);
	loff_t pos, size, from, to;

	if (!page || !page_cache_order(page))
		return false;
	edge->head = filemap_folio_index(page);
	edge->next = filemap_folio_next_index(page);
	pos = (loff_t)edge->head << PAGE_SHIFT;
	size = (loff_t)PAGE_SIZE << page_cache_order(page);
	from = max(lstart, pos);
	to = lend >= pos + size - 1 ? pos + size : lend + 1;	/* [from, to) in the folio */
	if (from == pos && to == pos + size)
		return false;	/* wholly inside: it goes whole */
	edge->kept = PageDirty(page);
	edge->split = !edge->kept;
	if (edge->kept) {
		truncate_zero_range(mapping, from, to);
		return true;
	}
	filemap_split_folio(mapping, page, (pgoff_t)(from >> PAGE_SHIFT));
	if (to == pos + size)
		return true;
	page = xa_load(&mapping->i_pages, (pgoff_t)(to >> PAGE_SHIFT));
	if (page && page_cache_order(page))
		filemap_split_folio(mapping, page, (pgoff_t)(to >> PAGE_SHIFT));
	return true;
}

/* The pages to drop, [*@first, *@last], end before @head (nothing left: first > last). */
static void truncate_keep_below(pgoff_t *first, pgoff_t *last, pgoff_t head)
{
	if (*last < head)
		return;
	if (!head || *first >= head)
		*first = 1, *last = 0;
	else
		*last = head - 1;
}

/*
 * The large folios at either edge of [@lstart, @lend] split where the range cuts them, or
 * kept whole when dirty; each one is then unmapped from every mapping (split_folio unmaps a
 * file folio whole and leaves its pages to be faulted back). The whole pages to drop,
 * [*@first, *@last], shrink to leave a kept folio out.
 * Context: takes mapping->lock; no mmap_lock held.
 */
static void truncate_edges(struct address_space *mapping, loff_t lstart, loff_t lend,
			   pgoff_t *first, pgoff_t *last)
{
	pgoff_t sidx = (unsigned long long)lstart >> PAGE_SHIFT;
	pgoff_t eidx = (unsigned long long)lend >> PAGE_SHIFT;
	struct vfs *vfs = mapping->host ? mapping->host->i_vfs : NULL;
	struct truncate_edge edges[2] = { { 0 } };
	struct page *page;
	bool same_folio = sidx == eidx;
	int n = 0;

	pthread_mutex_lock(&mapping->lock);
	page = xa_load(&mapping->i_pages, sidx);
	if (page) {
		same_folio = eidx < filemap_folio_next_index(page);
		if (truncate_partial_folio(mapping, sidx, lstart, lend, &edges[n]) &&
		    edges[n++].kept) {
			*first = max(*first, edges[0].next);
			if (same_folio)
				truncate_keep_below(first, last, edges[0].head);
		}
	}
	if (!same_folio && truncate_partial_folio(mapping, eidx, lstart, lend, &edges[n]) &&
	    edges[n++].kept)
		truncate_keep_below(first, last, edges[n - 1].head);
	pthread_mutex_unlock(&mapping->lock);
	for (int i = 0; i < n && vfs && vfs->unmap_folio; i++)
		vfs->unmap_folio(mapping, edges[i].head, edges[i].next - 1);
}

/* truncate_inode_pages_range without fixing the dirty list: true when it removed pages. */
static bool __truncate_inode_pages_range(struct address_space *mapping, loff_t lstart,
					 loff_t lend)
{
	bool to_end = lend == LLONG_MAX;
	pgoff_t sidx, eidx, first, last, index;
	size_t soff, eoff;
	struct page *page;
	void *entry;

	if (lstart < 0 || lend < lstart)
		return false;
	sidx = (unsigned long long)lstart >> PAGE_SHIFT;
	eidx = to_end ? ULONG_MAX : (unsigned long long)lend >> PAGE_SHIFT;
	soff = lstart & (PAGE_SIZE - 1);			/* range starts inside sidx */
	eoff = to_end ? 0 : ((unsigned long long)lend + 1) & (PAGE_SIZE - 1); /* ends in eidx */

	if (soff)
		truncate_partial_page(mapping, sidx, soff, sidx == eidx && eoff ? eoff : PAGE_SIZE);
	if (eoff && !(sidx == eidx && soff))
		truncate_partial_page(mapping, eidx, 0, eoff);

	/* the whole pages [first, last]; none when first > last */
	first = sidx + (soff != 0);
	last = eidx;
	if (eoff && !eidx)
		first = 1, last = 0;
	else if (eoff)
		last = eidx - 1;
	truncate_edges(mapping, lstart, lend, &first, &last);
	if (first > last)
		return false;
	pthread_mutex_lock(&mapping->lock);
	index = first;
	while ((page = xa_find(&mapping->i_pages, &index, last))) {
		__filemap_remove_page(mapping, page);
		if (index == last)
			break;
		index++;
	}
	/* the shadows of the range's evicted pages go with it (truncate's shadow cleanup) */
	index = first;
	while (xa_find(&mapping->shadows, &index, last)) {
		xa_erase(&mapping->shadows, index);
		if (index == last)
			break;
		index++;
	}
	/* and a shmem file's swapped pages their slots (shmem_undo_range's shmem_free_swap) */
	index = first;
	while (mapping->nrswapped && (entry = xa_find(&mapping->swapped, &index, last))) {
		const struct shmem_swap_ops *ops = mapping_swap_ops(mapping);

		xa_erase(&mapping->swapped, index);
		mapping->nrswapped--;
		if (ops)
			ops->release(mapping, (unsigned long)entry);
		if (index++ == last)
			break;
	}
	pthread_mutex_unlock(&mapping->lock);
	return true;
}

/**
 * truncate_inode_pages_range - drop the cached pages wholly inside [@lstart, @lend] (bytes,
 * inclusive; @lend = LLONG_MAX for "to the end") and zero the parts of the partial pages at
 * either edge that fall inside the range, as a truncation or hole punch leaves them.
 *
 *   lstart                                      lend
 *     v                                          v
 *   | page a  |  page b  |  page c  |  page d  | page e |
 *     ^zeroed^  dropped    dropped    dropped   ^zeroed^
 *
 * Pages still mapped are the mm layer's: it unmaps them first; a page another holder still
 * references stays allocated, out of the cache, until its last put.
 * Context: takes mapping->lock, then vfs->lock (not held by the caller).
 */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	/* the pages this thread just cached leave its LRU batch first (folio_batch_release) */
	lru_add_drain(mapping->pgdat);
	/* Dropped dirty pages may have been the inode's last. */
	if (__truncate_inode_pages_range(mapping, lstart, lend) && mapping->host)
		inode_sync_dirty_list(mapping->host);
}

/**
 * truncate_inode_pages_final - empty @mapping for good (the inode is being evicted): every
 * page dropped, dirty ones with their contents, the inode off the flusher's list, and the
 * index's nodes freed.
 * Context: vfs->lock held by the caller (__iput), or no other user of the vfs; takes
 * mapping->lock; nothing else may use the mapping any more.
 */
void truncate_inode_pages_final(struct address_space *mapping)
{
	lru_add_drain(mapping->pgdat);
	__truncate_inode_pages_range(mapping, 0, LLONG_MAX);
	if (mapping->host)
		list_del_init(&mapping->host->i_dirty);
	pthread_mutex_lock(&mapping->lock);
	VM_BUG_ON(mapping->nrpages != 0 || mapping->nrswapped != 0);
	xa_destroy(&mapping->i_pages);
	xa_destroy(&mapping->shadows);
	xa_destroy(&mapping->swapped);
	pthread_mutex_unlock(&mapping->lock);
}

/*
 * A large folio's pages: all cached, of its order, and dirty alike (a folio is dirty as a
 * whole). Context: mapping->lock held. Return: 0 or -EINVAL.
 */
static int folio_run_validate(struct address_space *mapping, struct page *page)
{
	pgoff_t head = filemap_folio_index(page), next = filemap_folio_next_index(page);

	for (pgoff_t i = head; i < next; i++) {
		struct page *p = xa_load(&mapping->i_pages, i);

		if (!p || page_cache_order(p) != page_cache_order(page) ||
		    PageDirty(p) != PageDirty(page))
			return -EINVAL;
	}
	return 0;
}

/**
 * mapping_validate - check @mapping's invariants: the index is a sound xarray holding
 * nrpages pages, each with mapping/index pointing back and referenced, a large folio's
 * pages all there and dirty alike; with a
 * writeback-capable mapping, the host's nr_dirty equals its PG_dirty pages. PG_writeback is
 * not checked: a writer holds it with the lock dropped.
 * Context: takes mapping->lock.
 * Return: 0, or -EINVAL at the first broken invariant.
 */
int mapping_validate(struct address_space *mapping)
{
	unsigned long index = 0, pages = 0, dirty = 0;
	struct page *page;
	int err = 0;

	pthread_mutex_lock(&mapping->lock);
	if (xa_validate(&mapping->i_pages) || mapping->i_pages.count != mapping->nrpages)
		err = -EINVAL;
	while (!err && (page = xa_find(&mapping->i_pages, &index, ULONG_MAX))) {
		/* a page not up to date is one a truncation zeroed: dirty until written */
		if (page->mapping != mapping || page->index != index || page_ref_count(page) < 1)
			err = -EINVAL;
		pages++;
		dirty += PageDirty(page);
		if (!err && page_cache_order(page))
			err = folio_run_validate(mapping, page);
		if (index++ == ULONG_MAX)
			break;
	}
	if (!err && pages != mapping->nrpages)
		err = -EINVAL;
	if (!err && (xa_validate(&mapping->swapped) ||
		     mapping->swapped.count != mapping->nrswapped))
		err = -EINVAL;
	if (!err && mapping_can_writeback(mapping) && mapping->host &&
	    mapping->host->nr_dirty != dirty)
		err = -EINVAL;
	pthread_mutex_unlock(&mapping->lock);
	return err;
}

/**
 * page_cache_ra_unbounded - read [@index, @index + @nr) into the cache where it is not
 * cached yet, with the async marker (PG_readahead) on the page @lookahead pages before the
 * end (none when @lookahead is 0 or beyond the range). No clipping to i_size: readahead.c's
 * callers clip. Stops at the first allocation failure; a page the reader fails on is left
 * out (a later access reads it again and sees the error).
 * Context: takes mapping->lock per page, never across a_ops->read_page.
 */
void page_cache_ra_unbounded(struct address_space *mapping, pgoff_t index, unsigned long nr,
			     unsigned long lookahead)
{
	unsigned long mark = nr - lookahead;	/* wraps past nr when lookahead > nr: no mark */

	for (unsigned long i = 0; i < nr; i++) {
		struct page *page;
		bool did_read;

		if (filemap_page_cached(mapping, index + i))
			continue;
		page = filemap_fill_page(mapping, index + i, false, &did_read);
		if (PTR_ERR(page) == -ENOMEM)
			break;
		if (IS_ERR(page))
			continue;
		page = filemap_add_page(mapping, page, index + i, i == mark);
		if (IS_ERR(page))
			break;
		put_page(mapping_pgdat(mapping), page);	/* the cache keeps its own */
	}
}
