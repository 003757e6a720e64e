// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * On-demand readahead (mm/readahead.c, Linux 6.18): how much of a file to read into the
 * cache beyond the page a read or fault missed, and in folios of which order.
 *
 * A miss (page_cache_sync_ra) opens a window at the missing page, sized from the request
 * (get_init_ra_size), read as order-0 folios; the folio holding the page @async_size pages
 * before the window's end carries PG_readahead. Reaching it (page_cache_async_ra) pushes the
 * next window, ramped up (get_next_ra_size) to ra_pages, its folio order two above the last
 * window's (ra->order), its end trimmed to a multiple of that folio size. page_cache_ra_order
 * reads a window as naturally aligned folios of that order, smaller where the alignment or
 * the window's or the file's end asks; where a page of the window is cached already it reads
 * the rest as order-0 pages (do_page_cache_ra), the marker then counted from the clipped
 * end. A miss far from the previous read is random unless the cache holds the history a
 * sequential stream leaves behind. RA_MODE_RANDOM (FMODE_RANDOM) reads only what was asked.
 * force_page_cache_ra is MADV_WILLNEED's and fadvise(WILLNEED)'s read, capped at
 * max(io_pages, ra_pages) in 2 MiB chunks.
 *
 *                      |<------------ async_size ----------->|
 *   |-------------------------------- size ----------------->|
 *   |======================#=================================|
 *   ^start                 ^folio marked PG_readahead
 *
 * The window state is the caller's struct file_ra_state; so is ra->prev_pos, which the read
 * path updates after each read, as filemap_read does. Every task sharing the struct file reads
 * and updates that state without a lock, as Linux's file->f_ra: each field is loaded and
 * stored whole (READ_ONCE/WRITE_ONCE), each once per decision, so racing readers may mix two
 * windows' fields, which reads other pages of the same file, bounded by its size, and nothing
 * worse. ra_pages and io_pages are the file device's (backing-dev.c). Left out: blk-cgroup congestion, folio orders above a file
 * system's maximum other than the PMD order (the overlay's files are ext4's: large folios),
 * and readahead's I/O being asynchronous (every page read is up to date at once).
 */
#include "fs/internal.h"

#include <limits.h>

/* force_page_cache_ra's chunk: 2 MiB at a time. */
#define RA_FORCE_CHUNK ((2UL << 20) >> PAGE_SHIFT)

/* bdi->io_pages of @mapping's device: the largest single read (backing-dev.c). */
static unsigned long ra_io_pages(struct address_space *mapping)
{
	return mapping->host ? inode_to_bdi(mapping->host)->io_pages : 0;
}

static unsigned long roundup_pow_of_two_ul(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static unsigned int ilog2_ul(unsigned long n)
{
	return n ? (unsigned int)(63 - __builtin_clzl(n)) : 0;
}

/* The first window: four times a small request, twice a middling one, else the maximum. */
static unsigned long get_init_ra_size(unsigned long req, unsigned long max)
{
	unsigned long size = roundup_pow_of_two_ul(req);

	if (size <= max / 32)
		return size * 4;
	if (size <= max / 4)
		return size * 2;
	return max;
}

/* The next window after one of @cur pages: x4 while small, x2 up to half, then max. */
static unsigned long get_next_ra_size(unsigned long cur, unsigned long max)
{
	if (cur < max / 16)
		return cur * 4;
	if (cur <= max / 2)
		return cur * 2;
	return max;
}

/* The window cap for a request of @req pages, @ra_pages the file's window: a request larger
 * than the window may read up to the device's largest single read (ractl_max_pages). */
static unsigned long ractl_max_pages(struct address_space *mapping, unsigned long ra_pages,
				     unsigned long req)
{
	unsigned long max = ra_pages, io = ra_io_pages(mapping);

	if (req > max && io > max)
		max = min(req, io);
	return max;
}

/* The file's last page, or -1 (ULONG_MAX) when it is empty. */
static pgoff_t ra_last_index(const struct address_space *mapping)
{
	loff_t size = mapping->host ? __atomic_load_n(&mapping->host->i_size, __ATOMIC_RELAXED)
				    : 0;

	return size > 0 ? (pgoff_t)((unsigned long long)(size - 1) >> PAGE_SHIFT) : ULONG_MAX;
}

/*
 * do_page_cache_ra - read [@index, @index + @nr) as order-0 pages, clipped to the file's
 * last page, the marker @lookahead pages before the clipped end (none when that is before
 * @index).
 */
static void do_page_cache_ra(struct address_space *mapping, pgoff_t index, unsigned long nr,
			     unsigned long lookahead)
{
	pgoff_t last = ra_last_index(mapping);

	if (last == ULONG_MAX || index > last)
		return;
	if (nr > last - index)
		nr = last - index + 1;
	page_cache_ra_unbounded(mapping, index, nr, lookahead);
}

/*
 * The highest uncached index in [from - max_scan + 1, from], scanning down from @from; when
 * all are cached, from - max_scan + 1 (outside what a caller counts as history), and
 * ULONG_MAX when the scan passed index 0 (the file is cached from its start).
 */
static pgoff_t page_cache_prev_miss(struct address_space *mapping, pgoff_t from,
				    unsigned long max_scan)
{
	for (unsigned long n = 0; n < max_scan; n++) {
		pgoff_t idx = from - n;

		if (n && idx == ULONG_MAX)
			return ULONG_MAX;
		if (!filemap_page_cached(mapping, idx))
			return idx;
	}
	return from - max_scan + 1;
}

/* The lowest uncached index in [from, from + max_scan), else from + max_scan; 0 on wrap. */
static pgoff_t page_cache_next_miss(struct address_space *mapping, pgoff_t from,
				    unsigned long max_scan)
{
	for (unsigned long n = 0; n < max_scan; n++) {
		pgoff_t idx = from + n;

		if (!filemap_page_cached(mapping, idx))
			return idx;
		if (idx == ULONG_MAX)
			return 0;
	}
	return from + max_scan;
}

/* The largest folio order that fits at @index: its alignment, and no page past @limit. */
static unsigned int ra_folio_order(pgoff_t index, pgoff_t limit, unsigned int order)
{
	if (index & ((1UL << order) - 1))
		order = (unsigned int)__builtin_ctzl(index);
	while (order && index + (1UL << order) - 1 > limit)
		order--;
	return order;
}

/**
 * page_cache_ra_order - read the window @ra describes, [ra->start, ra->start + ra->size),
 * in folios of order ra->order (clamped to the window and the largest folio; the clamped
 * order is what ra->order keeps), the folio holding ra->start + size - async_size marked.
 * Stops at the first page already cached and reads the rest as order-0 pages. The window is
 * read once: a racing update of @ra changes the next window, not this one.
 * Context: takes mapping->lock per folio, never across a_ops->read_page.
 */
void page_cache_ra_order(struct address_space *mapping, struct file_ra_state *ra)
{
	pgoff_t start = READ_ONCE(ra->start), index = start, limit = ra_last_index(mapping);
	unsigned long size = READ_ONCE(ra->size), async_size = READ_ONCE(ra->async_size);
	pgoff_t mark = start + size - async_size;
	unsigned int order;
	int err = 0;

	if (limit == ULONG_MAX || !size)
		return;
	if (!mapping_large_folio_support(mapping)) {
		WRITE_ONCE(ra->order, 0);
		goto fallback;
	}
	limit = min(limit, start + size - 1);
	order = min(min((unsigned int)READ_ONCE(ra->order), MAX_PAGECACHE_ORDER), ilog2_ul(size));
	WRITE_ONCE(ra->order, order);
	while (index <= limit) {
		unsigned int o = ra_folio_order(index, limit, order);
		bool marked = (mark & ~((1UL << o) - 1)) == index;

		err = page_cache_ra_folio(mapping, index, o, marked);
		if (err)
			break;
		index += 1UL << o;
	}
	if (!err)
		return;
fallback:
	if (size > index - start)
		do_page_cache_ra(mapping, index, size - (index - start), async_size);
}

/**
 * force_page_cache_ra - read [@index, @index + @nr) into the cache whatever the window says
 * (MADV_WILLNEED, POSIX_FADV_WILLNEED, reads of a random-mode file), at most
 * max(io_pages, ra_pages) pages, 2 MiB at a time, as order-0 pages clipped to the file's
 * size. @ra is not changed.
 * Context: takes mapping->lock per page.
 */
void force_page_cache_ra(struct address_space *mapping, struct file_ra_state *ra,
			 pgoff_t index, unsigned long nr)
{
	if (!mapping->a_ops || !mapping->a_ops->read_page)
		return;
	nr = min(nr, max(ra_io_pages(mapping), (unsigned long)READ_ONCE(ra->ra_pages)));
	while (nr) {
		unsigned long chunk = min(nr, RA_FORCE_CHUNK);

		do_page_cache_ra(mapping, index, chunk, 0);
		index += chunk;
		nr -= chunk;
	}
}

/* A new window at @start of @size pages, @async_size of them behind the marker. */
static void ra_set_window(struct file_ra_state *ra, pgoff_t start, unsigned long size,
			  unsigned long async_size)
{
	WRITE_ONCE(ra->start, start);
	WRITE_ONCE(ra->size, size);
	WRITE_ONCE(ra->async_size, async_size);
}

/**
 * page_cache_sync_ra - a read of @req_count pages from @index missed the cache: read it and,
 * as the access pattern suggests, a window beyond it.
 * @mode: RA_MODE_RANDOM for a random-mode file (FMODE_RANDOM): the request alone
 *
 * The cases, as the kernel tells them apart:
 *   - the file's start, a read larger than the window, or the page right after (or in) the
 *     previous read: a new sequential stream; window [index, init size), marker at
 *     size - req_count (or half the window when the request fills it)
 *   - otherwise the cache is asked how many pages before @index are cached: no more than the
 *     request means a random read, read alone with @ra untouched; more means an interleaved
 *     stream whose history is in the cache: a window of that history plus the request (twice
 *     the history if the file is cached from its start), marker on its last page
 * A window is read in order-0 folios: a stream's folios grow from its async windows on.
 * Context: takes mapping->lock per folio.
 */
void page_cache_sync_ra(struct address_space *mapping, struct file_ra_state *ra, int mode,
			pgoff_t index, unsigned long req_count)
{
	unsigned long ra_pages = READ_ONCE(ra->ra_pages), max_pages, contig, init;
	pgoff_t prev_index, miss;

	if (!ra_pages || mode == RA_MODE_RANDOM) {
		force_page_cache_ra(mapping, ra, index, ra_pages ? req_count : 1);
		return;
	}
	max_pages = ractl_max_pages(mapping, ra_pages, req_count);
	prev_index = (unsigned long long)READ_ONCE(ra->prev_pos) >> PAGE_SHIFT;
	if (!index || req_count > max_pages || index - prev_index <= 1UL) {
		init = get_init_ra_size(req_count, max_pages);
		ra_set_window(ra, index, init, init > req_count ? init - req_count : init / 2);
	} else {
		miss = page_cache_prev_miss(mapping, index - 1, max_pages);
		contig = index - miss - 1;
		if (contig <= req_count) {
			do_page_cache_ra(mapping, index, req_count, 0);
			return;
		}
		if (miss == ULONG_MAX)
			contig *= 2;
		ra_set_window(ra, index, min(contig + req_count, max_pages), 1);
	}
	WRITE_ONCE(ra->order, 0);
	page_cache_ra_order(mapping, ra);
}

/*
 * The window after the one @ra describes, once its marker was reached at @index (a page of
 * a folio of @folio_pages pages), in *@start and *@size: the next one in line when @index is
 * where the marker went, else (interleaved streams share @ra) one from the first uncached
 * page after @index, grown from that distance plus the request. @ra is only read.
 * Return: false when there is none to read.
 */
static bool ra_next_window(struct address_space *mapping, const struct file_ra_state *ra,
			   pgoff_t index, unsigned long folio_pages, unsigned long req_count,
			   unsigned long max_pages, pgoff_t *start, unsigned long *size)
{
	pgoff_t cur_start = READ_ONCE(ra->start);
	unsigned long cur_size = READ_ONCE(ra->size);
	pgoff_t marker = (cur_start + cur_size - READ_ONCE(ra->async_size)) & ~(folio_pages - 1);

	if (index == marker) {
		*start = cur_start + cur_size;
		*size = max(cur_size, get_next_ra_size(cur_size, max_pages));
		return true;
	}
	*start = page_cache_next_miss(mapping, index + 1, max_pages);
	if (!*start || *start - index > max_pages)
		return false;
	*size = get_next_ra_size(*start - index + req_count, max_pages);
	return true;
}

/**
 * page_cache_async_ra - a read of @req_count pages from @index found @page, whose folio
 * carries the async marker: clear it and read the next window (ra_next_window) before the
 * reader needs it, its folios two orders larger than the last window's and its end trimmed
 * to a multiple of that folio size (of the lowest set bit of the window cap at most).
 * @index: the faulting page (mmap), or the first page of @page's folio (read(2))
 * Context: takes mapping->lock.
 */
void page_cache_async_ra(struct address_space *mapping, struct file_ra_state *ra, int mode,
			 struct page *page, pgoff_t index, unsigned long req_count)
{
	unsigned long ra_pages = READ_ONCE(ra->ra_pages), max_pages, align, end, size;
	unsigned int order;
	pgoff_t start;

	if (!ra_pages || mode == RA_MODE_RANDOM)
		return;
	if (!filemap_folio_clear_readahead(mapping, page))
		return;
	max_pages = ractl_max_pages(mapping, ra_pages, req_count);
	if (!ra_next_window(mapping, ra, index, 1UL << filemap_folio_order(page), req_count,
			    max_pages, &start, &size))
		return;
	order = READ_ONCE(ra->order) + 2U;
	align = 1UL << min(order, (unsigned int)__builtin_ctzl(max_pages));
	end = start + size;
	if ((end & ~(align - 1)) > start)
		size -= end & (align - 1);
	ra_set_window(ra, start, size, size);
	WRITE_ONCE(ra->order, order);
	page_cache_ra_order(mapping, ra);
}
