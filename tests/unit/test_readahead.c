// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * On-demand readahead (src/fs/readahead.c) against the window positions, sizes and folio
 * orders Linux 6.18's mm/readahead.c gives. The expected values were derived by hand from
 * the kernel's algorithm, with ra_pages = 32 and one-page reads unless a test says otherwise:
 *   get_init_ra_size(req, max): roundup_pow_of_two(req) = r; r <= max/32: 4r; r <= max/4: 2r;
 *     else max.                   get_next_ra_size(cur, max): cur < max/16: 4cur;
 *     cur <= max/2: 2cur; else max.
 *   sync miss at 0: start 0, size init(1, 32) = 4, async 4 - 1 = 3, order 0 -> pages 0..3,
 *     marker on 0 + 4 - 3 = 1
 *   async at a marker: the next window (start + size, max(size, next(size)), all async), its
 *     order the last one's + 2, its end cut back to a multiple of 2^order (of 32 = ra_pages'
 *     lowest set bit at most) when that leaves it non-empty; its folios that order, clamped
 *     to ilog2(size) and to their index's alignment, the first one marked:
 *     at 1: (4, 8, 8) order 2 (end 12 is a multiple of 4); at 4: (12, 16) order 4, end 28
 *     cut to 16: (12, 4, 4), folio order 2; at 12: (16, 8, 8) order 3 (ilog2(8)); at 16:
 *     (24, 16) order 5, end 40 cut to 32: (24, 8, 8); at 24: (32, 16, 16) order 4; at 32:
 *     (48, 32) order 6, end 80 cut to 64: (48, 16, 16); at 48: (64, 32, 32) order 5; at
 *     64: (96, 32, 32) order 5
 * The reader is filemap_read's loop: find the page; on a miss sync readahead then read it; on
 * a marked page async readahead; prev_pos = the page's position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>

#include "fs_fixture.h"

struct ctx {
	struct fake_fs *fs;
	struct fake_file *f;
	struct file_ra_state ra;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	c->fs = fake_fs_new();
	c->f = fake_file_new(c->fs, 1000 * PAGE_SIZE, 1, false);
	c->ra.ra_pages = 32;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fake_file_free(c->f);
	fake_fs_free(c->fs);
	free(c);
	return 0;
}

static struct address_space *M(struct ctx *c)
{
	return &c->f->inode.i_data;
}

static void read_one(struct ctx *c, int mode, pgoff_t index, unsigned long req)
{
	struct page *page = filemap_find_page(M(c), index);

	if (!page) {
		page_cache_sync_ra(M(c), &c->ra, mode, index, req);
		page = filemap_get_page(M(c), index, FGP_CREAT, NULL);
	} else if (PageReadahead(page)) {
		page_cache_async_ra(M(c), &c->ra, mode, page, index, req);
	}
	assert_false(IS_ERR_OR_NULL(page));
	put_page(&c->fs->pgdat, page);
	assert_int_equal(mapping_validate(M(c)), 0);
	c->ra.prev_pos = (loff_t)index << PAGE_SHIFT;
}

static bool marked(struct ctx *c, pgoff_t index)
{
	struct page *p = filemap_find_page(M(c), index);
	bool m = p && PageReadahead(p);

	if (p)
		put_page(&c->fs->pgdat, p);
	return m;
}

static void assert_window(struct ctx *c, pgoff_t start, unsigned int size, unsigned int async)
{
	assert_int_equal(c->ra.start, start);
	assert_int_equal(c->ra.size, size);
	assert_int_equal(c->ra.async_size, async);
}

struct step {
	pgoff_t after;			/* once pages 0..after were read */
	pgoff_t start;
	unsigned int size, async;
	unsigned long cached;		/* pages in the cache: 0 .. start + size - 1 */
};

static void run_sequential(struct ctx *c, int mode, const struct step *steps, int n)
{
	pgoff_t next = 0;

	for (int i = 0; i < n; i++) {
		for (; next <= steps[i].after; next++)
			read_one(c, mode, next, 1);
		assert_window(c, steps[i].start, steps[i].size, steps[i].async);
		assert_int_equal(M(c)->nrpages, steps[i].cached);
		/* The marker sits at start + size - async, when that page was read ahead. */
		assert_true(marked(c, steps[i].start + steps[i].size - steps[i].async));
	}
}

static void test_sequential_ramp_up(void **state)
{
	static const struct step steps[] = {
		{0, 0, 4, 3, 4},	{1, 4, 8, 8, 12},	{4, 12, 4, 4, 16},
		{12, 16, 8, 8, 24},	{16, 24, 8, 8, 32},	{24, 32, 16, 16, 48},
		{32, 48, 16, 16, 64},	{48, 64, 32, 32, 96},	{64, 96, 32, 32, 128},
	};
	struct ctx *c = *state;

	run_sequential(c, RA_MODE_NORMAL, steps, ARRAY_SIZE(steps));
	assert_int_equal(c->f->reads, 128);	/* each page read once */
	/* the last window's folios: order 5 (ilog2(32)), the first of them marked whole */
	for (pgoff_t i = 96; i < 128; i++) {
		struct page *p = filemap_find_page(M(c), i);

		assert_int_equal(filemap_folio_order(p), 5);
		assert_true(PageReadahead(p));
		put_page(&c->fs->pgdat, p);
	}
}

/* POSIX_FADV_SEQUENTIAL doubles ra_pages (64); VM_SEQ_READ's mode changes nothing else.
 * init(1, 64) = 4; at 1: (4, 8, 8) order 2; at 4: (12, 16) order 4 cut at 16: (12, 4, 4);
 * at 12: (16, 8, 8); at 16: (24, 16) order 5 cut at 32: (24, 8, 8); at 24: (32, 16, 16);
 * at 32: (48, 32) order 6 (align 64) cut at 64: (48, 16, 16); at 48: (64, 32, 32); at 64:
 * (96, 64) order 7 cut at 128: (96, 32, 32); at 96: (128, 64, 64) order 6. */
static void test_sequential_mode_doubles(void **state)
{
	static const struct step steps[] = {
		{0, 0, 4, 3, 4},	{1, 4, 8, 8, 12},	{4, 12, 4, 4, 16},
		{12, 16, 8, 8, 24},	{16, 24, 8, 8, 32},	{24, 32, 16, 16, 48},
		{32, 48, 16, 16, 64},	{48, 64, 32, 32, 96},	{64, 96, 32, 32, 128},
		{96, 128, 64, 64, 192},
	};
	struct ctx *c = *state;

	c->ra.ra_pages = 64;
	run_sequential(c, RA_MODE_SEQUENTIAL, steps, ARRAY_SIZE(steps));
}

static void test_random_mode_reads_only_the_request(void **state)
{
	struct ctx *c = *state;

	for (pgoff_t i = 0; i < 10; i++)
		read_one(c, RA_MODE_RANDOM, i, 1);
	assert_int_equal(M(c)->nrpages, 10);
	assert_window(c, 0, 0, 0);
	for (pgoff_t i = 0; i < 10; i++)
		assert_false(marked(c, i));
}

/* A miss at 100 after a read at 0: page 99 is not cached (prev_miss = 99), so the history
 * is 100 - 99 - 1 = 0 pages <= the request: page 100 alone, the state untouched. */
static void test_random_miss_reads_alone(void **state)
{
	struct ctx *c = *state;

	read_one(c, RA_MODE_NORMAL, 0, 1);
	read_one(c, RA_MODE_NORMAL, 100, 1);
	assert_window(c, 0, 4, 3);
	assert_int_equal(M(c)->nrpages, 5);
}

/* Pages 0..49 cached without markers, a miss at 50 with prev_pos 0: prev_miss(49, 32) finds
 * 49..18 cached and returns 18; history 50 - 18 - 1 = 31 > 1: window (50, min(31 + 1, 32),
 * 1), marker on 81. Pages 0..9 cached and a miss at 10: the scan passes page 0 (ULONG_MAX),
 * history 10 doubled to 20: window (10, 21, 1), marker on 30. */
static void test_history_in_cache(void **state)
{
	struct ctx *c = *state;

	for (pgoff_t i = 0; i < 50; i++)
		put_page(&c->fs->pgdat, filemap_get_page(M(c), i, FGP_CREAT, NULL));
	read_one(c, RA_MODE_NORMAL, 50, 1);
	assert_window(c, 50, 32, 1);
	assert_true(marked(c, 81));
	assert_int_equal(M(c)->nrpages, 82);

	truncate_inode_pages_range(M(c), 0, LLONG_MAX);
	c->ra = (struct file_ra_state){.ra_pages = 32};
	for (pgoff_t i = 0; i < 10; i++)
		put_page(&c->fs->pgdat, filemap_get_page(M(c), i, FGP_CREAT, NULL));
	read_one(c, RA_MODE_NORMAL, 10, 1);
	assert_window(c, 10, 21, 1);
	assert_true(marked(c, 30));
	assert_int_equal(M(c)->nrpages, 31);
}

/* A 64-page read at 0: max becomes min(64, io_pages 320) = 64; init(64, 64) = 64 (64 > 16);
 * size == req, so async = 64 / 2 = 32: marker on 32. */
static void test_large_request(void **state)
{
	struct ctx *c = *state;

	page_cache_sync_ra(M(c), &c->ra, RA_MODE_NORMAL, 0, 64);
	assert_window(c, 0, 64, 32);
	assert_int_equal(M(c)->nrpages, 64);
	assert_true(marked(c, 32));
}

/* A 10-page file: (0, 4, 3), then the async window (4, 8, 8) is clipped to pages 4..9: an
 * order-2 folio 4..7 that holds the marker (on 4: counted from the window, not from the
 * clipped end), then 8..9 as an order-1 folio (order 2 would pass the end). */
static void test_clipped_at_eof(void **state)
{
	struct ctx *c = *state;

	c->f->inode.i_size = 10 * PAGE_SIZE - 1;
	read_one(c, RA_MODE_NORMAL, 0, 1);
	read_one(c, RA_MODE_NORMAL, 1, 1);
	assert_window(c, 4, 8, 8);
	assert_int_equal(M(c)->nrpages, 10);
	for (pgoff_t i = 0; i < 10; i++)
		assert_int_equal(marked(c, i), i >= 4 && i < 8);
	for (pgoff_t i = 4; i < 10; i++) {
		struct page *p = filemap_find_page(M(c), i);

		assert_int_equal(filemap_folio_order(p), i < 8 ? 2 : 1);
		put_page(&c->fs->pgdat, p);
	}
}

/* The marker hit with a state that does not expect it (interleaved streams): pages 2, 3
 * cached after 1, next_miss(2) = 4, distance 3 + the request 1 = 4 -> next(4) = 8:
 * window (4, 8, 8). */
static void test_async_without_state(void **state)
{
	struct ctx *c = *state;

	read_one(c, RA_MODE_NORMAL, 0, 1);
	c->ra.start = 500;
	read_one(c, RA_MODE_NORMAL, 1, 1);
	assert_window(c, 4, 8, 8);
	assert_int_equal(M(c)->nrpages, 12);
	assert_true(marked(c, 4));
}

/* WILLNEED of 1000 pages: capped at max(io_pages 320, ra_pages 32), no marker, state kept. */
static void test_force_willneed(void **state)
{
	struct ctx *c = *state;

	force_page_cache_ra(M(c), &c->ra, 0, 1000);
	assert_int_equal(M(c)->nrpages, 320);
	assert_window(c, 0, 0, 0);
	for (pgoff_t i = 0; i < 320; i++)
		assert_false(marked(c, i));
	/* Past EOF: nothing. */
	force_page_cache_ra(M(c), &c->ra, 1000, 10);
	assert_int_equal(M(c)->nrpages, 320);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sequential_ramp_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequential_mode_doubles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_mode_reads_only_the_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_miss_reads_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_in_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clipped_at_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_without_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_force_willneed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
