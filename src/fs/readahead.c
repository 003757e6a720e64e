// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * On-demand readahead (mm/readahead.c, Linux 6.12): how much of a file to read into the cache
 * beyond the page a read or fault missed. A miss (page_cache_sync_ra) opens a window at the
 * missing page, sized from the request (get_init_ra_size); the page @async_size pages from the
 * window's end carries PG_readahead, and reaching it (page_cache_async_ra) pushes the next
 * window, ramped up (get_next_ra_size) to ra_pages (32: read_ahead_kb = 128). A miss far from
 * the previous read is random unless the cache holds the history a sequential stream leaves
 * behind. RA_MODE_RANDOM reads only what was asked; RA_MODE_SEQUENTIAL doubles the maximum
 * window (POSIX_FADV_SEQUENTIAL's ra_pages * 2). force_page_cache_ra is MADV_WILLNEED's and
 * fadvise(WILLNEED)'s read, capped at max(io_pages, ra_pages) in 2 MiB chunks.
 *
 * The window state is the caller's struct file_ra_state; so is ra->prev_pos, which the read
 * path updates after each read, as filemap_read does. Left out: large folios (the kernel's
 * page_cache_ra_order falls back to order-0 pages, which is what is read here), blk-cgroup
 * congestion. ra_pages and io_pages are the file device's (backing-dev.c).
 */
#include "fs/internal.h"

#include <limits.h>

/* bdi->io_pages of @mapping's device: the largest single read (backing-dev.c). */
static unsigned long ra_io_pages(struct address_space *mapping)
{
	return mapping->host ? inode_to_bdi(mapping->host)->io_pages : 0;
}
/* force_page_cache_ra's chunk: 2 MiB at a time. */
#define RA_FORCE_CHUNK ((2UL << 20) >> PAGE_SHIFT)

static unsigned long roundup_pow_of_two_ul(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
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

/* The next window after one of ra->size pages: x4 while small, x2 up to half, then max. */
static unsigned long get_next_ra_size(unsigned long cur, unsigned long max)
{
	if (cur < max / 16)
		return cur * 4;
	if (cur <= max / 2)
		return cur * 2;
	return max;
}

/* The window cap for a request of @req pages (ractl_max_pages). */
static unsigned long ra_max_pages(struct address_space *mapping, const struct file_ra_state *ra,
				  int mode, unsigned long req)
{
	unsigned long max = ra->ra_pages, io = ra_io_pages(mapping);

	if (mode == RA_MODE_SEQUENTIAL)
		max *= 2;
	if (req > max && io > max)
		max = min(req, io);
	return max;
}

static loff_t mapping_size(const struct address_space *mapping)
{
	return mapping->host ? __atomic_load_n(&mapping->host->i_size, __ATOMIC_RELAXED) : 0;
}

/* Reads [index, index + nr) clipped to the file's last page (do_page_cache_ra). */
static void ra_read_clipped(struct address_space *mapping, pgoff_t index, unsigned long nr,
			    unsigned long lookahead)
{
	loff_t isize = mapping_size(mapping);
	pgoff_t last;

	if (isize <= 0)
		return;
	last = (unsigned long long)(isize - 1) >> PAGE_SHIFT;
	if (index > last)
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
static pgoff_t ra_prev_miss(struct address_space *mapping, pgoff_t from, unsigned long max_scan)
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
static pgoff_t ra_next_miss(struct address_space *mapping, pgoff_t from, unsigned long max_scan)
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

static void ra_set_window(struct file_ra_state *ra, pgoff_t start, unsigned long size,
			  unsigned long async_size)
{
	ra->start = start;
	ra->size = size;
	ra->async_size = async_size;
}

static void ra_read_window(struct address_space *mapping, struct file_ra_state *ra)
{
	ra_read_clipped(mapping, ra->start, ra->size, ra->async_size);
}

/**
 * force_page_cache_ra - read [@index, @index + @nr) into the cache whatever the window says
 * (MADV_WILLNEED, POSIX_FADV_WILLNEED, reads of a random-mode file), at most
 * max(io_pages, ra_pages) pages, 2 MiB at a time, clipped to the file's size. @ra is not
 * changed.
 * Context: takes mapping->lock per page.
 */
void force_page_cache_ra(struct address_space *mapping, struct file_ra_state *ra,
			 pgoff_t index, unsigned long nr)
{
	if (!mapping->a_ops || !mapping->a_ops->read_page)
		return;
	nr = min(nr, max(ra_io_pages(mapping), (unsigned long)ra->ra_pages));
	while (nr) {
		unsigned long chunk = min(nr, RA_FORCE_CHUNK);

		ra_read_clipped(mapping, index, chunk, 0);
		index += chunk;
		nr -= chunk;
	}
}

/**
 * page_cache_sync_ra - a read of @req_count pages from @index missed the cache: read it and,
 * as the access pattern suggests, a window beyond it.
 * @mode: RA_MODE_* of the file or the VMA
 *
 * The cases, as the kernel tells them apart:
 *   - the file's start, a read larger than the window, or the page right after (or in) the
 *     previous read: a new sequential stream; window [index, init size), marker at
 *     size - req_count (or half the window when the request fills it)
 *   - otherwise the cache is asked how many pages before @index are cached: no more than the
 *     request means a random read, read alone with @ra untouched; more means an interleaved
 *     stream whose history is in the cache: a window of that history plus the request (twice
 *     the history if the file is cached from its start), marker on its last page
 * Context: takes mapping->lock per page.
 */
void page_cache_sync_ra(struct address_space *mapping, struct file_ra_state *ra, int mode,
			pgoff_t index, unsigned long req_count)
{
	unsigned long max_pages, contig, init;
	pgoff_t prev_index, miss;

	if (!ra->ra_pages || mode == RA_MODE_RANDOM) {
		force_page_cache_ra(mapping, ra, index, ra->ra_pages ? req_count : 1);
		return;
	}
	max_pages = ra_max_pages(mapping, ra, mode, req_count);
	prev_index = (unsigned long long)ra->prev_pos >> PAGE_SHIFT;
	if (!index || req_count > max_pages || index - prev_index <= 1UL) {
		init = get_init_ra_size(req_count, max_pages);
		ra_set_window(ra, index, init, init > req_count ? init - req_count : init / 2);
		ra_read_window(mapping, ra);
		return;
	}
	miss = ra_prev_miss(mapping, index - 1, max_pages);
	contig = index - miss - 1;
	if (contig <= req_count) {
		ra_read_clipped(mapping, index, req_count, 0);
		return;
	}
	if (miss == ULONG_MAX)
		contig *= 2;
	ra_set_window(ra, index, min(contig + req_count, max_pages), 1);
	ra_read_window(mapping, ra);
}

/**
 * page_cache_async_ra - a read of @req_count pages from @index found @page carrying the async
 * marker: clear it and read the next window before the reader needs it.
 * If @index is where the current window put its marker, the stream is the one @ra follows:
 * the window moves to its end and grows. Otherwise (interleaved streams share @ra) the pages
 * cached after @index stand for the lost window: the next one starts at the first uncached
 * page, grown from that distance plus the request.
 * Context: takes mapping->lock.
 */
void page_cache_async_ra(struct address_space *mapping, struct file_ra_state *ra, int mode,
			 struct page *page, pgoff_t index, unsigned long req_count)
{
	unsigned long max_pages;
	pgoff_t start;

	if (!ra->ra_pages || mode == RA_MODE_RANDOM)
		return;
	pthread_mutex_lock(&mapping->lock);
	if (PageWriteback(page)) {	/* PG_readahead is PG_reclaim there in Linux */
		pthread_mutex_unlock(&mapping->lock);
		return;
	}
	ClearPageReadahead(page);
	pthread_mutex_unlock(&mapping->lock);

	max_pages = ra_max_pages(mapping, ra, mode, req_count);
	if (index == ra->start + ra->size - ra->async_size) {
		unsigned long next = max((unsigned long)ra->size,
					 get_next_ra_size(ra->size, max_pages));

		ra_set_window(ra, ra->start + ra->size, next, next);
		ra_read_window(mapping, ra);
		return;
	}
	start = ra_next_miss(mapping, index + 1, max_pages);
	if (!start || start - index > max_pages)
		return;
	ra->start = start;
	ra->size = get_next_ra_size(start - index + req_count, max_pages);
	ra->async_size = ra->size;
	ra_read_window(mapping, ra);
}
