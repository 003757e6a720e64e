// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page cache (src/fs/filemap.c) over a fake file: a miss reads through a_ops and counts as
 * major, a hit does not; reference counts (one for the cache, one per returned page);
 * FGP_NOREAD; read errors and -ENOMEM (frame and xarray node) leave nothing cached;
 * truncation drops whole pages, zeroes partial ones and keeps referenced pages allocated until
 * their last put; readahead's unbounded read places the async marker; threads missing on
 * the same pages at once end with one cached page per index and no leaked frame.
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <pthread.h>

#include "fs_fixture.h"
#include "phys/lru.h"

struct ctx {
	struct fake_fs *fs;
	struct fake_file *f;
	unsigned long free0;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	c->fs = fake_fs_new();
	c->free0 = fake_free_pages(c->fs);
	c->f = fake_file_new(c->fs, 5 * PAGE_SIZE + 123, 3, false);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fake_file_free(c->f);
	assert_int_equal(fake_free_pages(c->fs), c->free0);	/* nothing leaked */
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_PAGES), 0);
	assert_int_equal(page_alloc_validate(&c->fs->pgdat), 0);
	fake_fs_free(c->fs);
	free(c);
	return 0;
}

static struct address_space *M(struct ctx *c)
{
	return &c->f->inode.i_data;
}

static void *addr(struct ctx *c, struct page *p)
{
	return page_address(&c->fs->pgdat, p);
}

static void test_miss_then_hit(void **state)
{
	struct ctx *c = *state;
	bool major;
	struct page *p, *q;

	assert_null(filemap_find_page(M(c), 1));
	assert_null(filemap_get_page(M(c), 1, 0, &major));
	p = filemap_get_page(M(c), 1, FGP_CREAT, &major);
	assert_false(IS_ERR_OR_NULL(p));
	assert_true(major);
	assert_int_equal(c->f->reads, 1);
	assert_ptr_equal(p->mapping, M(c));
	assert_int_equal(p->index, 1);
	assert_true(PageUptodate(p));
	/* the cache's, ours and this thread's LRU batch's, until the batch drains */
	assert_false(PageLRU(p));
	assert_int_equal(page_ref_count(p), 3);
	lru_add_drain(&c->fs->pgdat);
	assert_true(PageLRU(p));
	assert_int_equal(page_ref_count(p), 2);	/* the cache's and ours */
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_INACTIVE_FILE), 1);
	assert_memory_equal(addr(c, p), c->f->data + PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(M(c)->nrpages, 1);
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_PAGES), 1);

	q = filemap_get_page(M(c), 1, FGP_CREAT, &major);
	assert_ptr_equal(q, p);
	assert_false(major);
	assert_int_equal(c->f->reads, 1);
	assert_int_equal(page_ref_count(p), 3);
	put_page(&c->fs->pgdat, q);
	q = filemap_find_page(M(c), 1);
	assert_ptr_equal(q, p);
	put_page(&c->fs->pgdat, q);
	put_page(&c->fs->pgdat, p);
	assert_int_equal(page_ref_count(p), 1);
}

static void test_noread_and_shmem_zero(void **state)
{
	struct ctx *c = *state;
	static const unsigned char zero[PAGE_SIZE];
	struct fake_file *s = fake_file_new(c->fs, 2 * PAGE_SIZE, 0, true);
	bool major = true;
	struct page *p;

	/* A frame that held file bytes, freed, is the next one NOREAD gets: it must come back
	 * zeroed. */
	p = filemap_get_page(M(c), 0, FGP_CREAT, NULL);
	truncate_inode_pages_range(M(c), 0, LLONG_MAX);
	put_page(&c->fs->pgdat, p);
	p = filemap_get_page(M(c), 2, FGP_CREAT | FGP_NOREAD, &major);
	assert_false(IS_ERR_OR_NULL(p));
	assert_false(major);
	assert_int_equal(c->f->reads, 1);
	assert_memory_equal(addr(c, p), zero, PAGE_SIZE);
	put_page(&c->fs->pgdat, p);

	/* shmem: no reader; a new page is zeros, swap-backed, and not a major fault. */
	p = filemap_get_page(&s->inode.i_data, 0, FGP_CREAT, &major);
	assert_false(major);
	assert_true(PageSwapBacked(p));
	assert_memory_equal(addr(c, p), zero, PAGE_SIZE);
	put_page(&c->fs->pgdat, p);
	fake_file_free(s);
}

static void test_read_error_and_enomem(void **state)
{
	struct ctx *c = *state;
	unsigned long free0 = fake_free_pages(c->fs);
	struct page *p;

	c->f->read_err = -EIO;
	p = filemap_get_page(M(c), 0, FGP_CREAT, NULL);
	assert_int_equal(PTR_ERR(p), -EIO);
	c->f->read_err = 0;
	assert_int_equal(M(c)->nrpages, 0);
	assert_int_equal(fake_free_pages(c->fs), free0);

	c->fs->pgdat.alloc_fail_after = 1;
	p = filemap_get_page(M(c), 0, FGP_CREAT, NULL);
	assert_int_equal(PTR_ERR(p), -ENOMEM);
	assert_int_equal(M(c)->nrpages, 0);

	xa_fail_alloc_after(1);		/* the index's first node */
	p = filemap_get_page(M(c), 0, FGP_CREAT, NULL);
	xa_fail_alloc_after(0);
	assert_int_equal(PTR_ERR(p), -ENOMEM);
	assert_int_equal(M(c)->nrpages, 0);
	assert_null(M(c)->i_pages.head);
	assert_int_equal(fake_free_pages(c->fs), free0);
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_PAGES), 0);
}

static void cache_pages(struct ctx *c, pgoff_t from, pgoff_t to)
{
	for (pgoff_t i = from; i <= to; i++)
		put_page(&c->fs->pgdat, filemap_get_page(M(c), i, FGP_CREAT, NULL));
}

static void test_truncate_range(void **state)
{
	struct ctx *c = *state;
	unsigned char *b;
	struct page *held, *p;

	cache_pages(c, 0, 5);
	held = filemap_find_page(M(c), 3);
	/* Punch [PAGE_SIZE + 100, 4 * PAGE_SIZE + 9]: page 1 from byte 100 and page 4 up to
	 * byte 9 zeroed, pages 2 and 3 dropped. */
	truncate_inode_pages_range(M(c), PAGE_SIZE + 100, 4 * PAGE_SIZE + 9);
	assert_int_equal(M(c)->nrpages, 4);
	assert_null(filemap_find_page(M(c), 2));
	assert_null(filemap_find_page(M(c), 3));
	assert_null(held->mapping);
	assert_int_equal(page_ref_count(held), 1);	/* ours alone: still allocated */
	put_page(&c->fs->pgdat, held);

	p = filemap_find_page(M(c), 1);
	b = addr(c, p);
	assert_memory_equal(b, c->f->data + PAGE_SIZE, 100);
	for (size_t i = 100; i < PAGE_SIZE; i++)
		assert_int_equal(b[i], 0);
	put_page(&c->fs->pgdat, p);
	p = filemap_find_page(M(c), 4);
	b = addr(c, p);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(b[i], 0);
	assert_memory_equal(b + 10, c->f->data + 4 * PAGE_SIZE + 10, PAGE_SIZE - 10);
	put_page(&c->fs->pgdat, p);

	/* Within one page: bytes [10, 19] of page 0. */
	truncate_inode_pages_range(M(c), 10, 19);
	p = filemap_find_page(M(c), 0);
	b = addr(c, p);
	assert_int_equal(b[9], c->f->data[9]);
	assert_int_equal(b[10], 0);
	assert_int_equal(b[19], 0);
	assert_int_equal(b[20], c->f->data[20]);
	put_page(&c->fs->pgdat, p);

	assert_int_equal(mapping_validate(M(c)), 0);
	/* A truncation to 5 pages: page 5 goes, the rest stays. */
	truncate_inode_pages_range(M(c), 5 * PAGE_SIZE, LLONG_MAX);
	assert_int_equal(M(c)->nrpages, 3);
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_PAGES), 3);
}

static void test_remove_dirty_page(void **state)
{
	struct ctx *c = *state;
	struct page *p = filemap_get_page(M(c), 2, FGP_CREAT, NULL);

	assert_true(set_page_dirty(p));
	assert_int_equal(c->f->inode.nr_dirty, 1);
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_DIRTY), 1);
	filemap_remove_page(M(c), p);
	assert_int_equal(c->f->inode.nr_dirty, 0);
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_DIRTY), 0);
	assert_true(list_empty(&c->fs->vfs.dirty_inodes));
	assert_int_equal(M(c)->nrpages, 0);
	assert_null(p->mapping);
	filemap_remove_page(M(c), p);	/* twice: nothing happens */
	put_page(&c->fs->pgdat, p);
	assert_int_equal(c->f->writes, 0);	/* its contents were dropped, not written */
}

static void test_ra_unbounded_marker(void **state)
{
	struct ctx *c = *state;
	struct page *p;

	cache_pages(c, 2, 2);
	page_cache_ra_unbounded(M(c), 0, 5, 2);	/* marker on page 5 - 2 = 3 */
	assert_int_equal(M(c)->nrpages, 5);
	assert_int_equal(c->f->reads, 5);	/* page 2 was cached */
	lru_add_drain(&c->fs->pgdat);		/* the LRU batch's references */
	for (pgoff_t i = 0; i < 5; i++) {
		p = filemap_find_page(M(c), i);
		assert_non_null(p);
		assert_int_equal(PageReadahead(p), i == 3);
		assert_int_equal(page_ref_count(p), 2);
		put_page(&c->fs->pgdat, p);
	}
	/* lookahead larger than the range: no marker. */
	page_cache_ra_unbounded(M(c), 10, 2, 5);
	p = filemap_find_page(M(c), 10);
	assert_false(PageReadahead(p));
	put_page(&c->fs->pgdat, p);
}

#define RACE_THREADS 4
#define RACE_PAGES 200

struct racer {
	struct ctx *c;
	unsigned int seed;
};

static void *race_get(void *arg)
{
	struct racer *r = arg;

	for (unsigned int round = 0; round < 3; round++)
		for (pgoff_t i = 0; i < RACE_PAGES; i++) {
			pgoff_t idx = (i * 37 + r->seed * 11) % RACE_PAGES;
			struct page *p = filemap_get_page(M(r->c), idx, FGP_CREAT, NULL);

			if (IS_ERR_OR_NULL(p) || p->index != idx)
				abort();
			put_page(&r->c->fs->pgdat, p);
		}
	return NULL;
}

static void test_concurrent_misses(void **state)
{
	struct ctx *c = *state;
	struct racer r[RACE_THREADS];
	pthread_t t[RACE_THREADS];

	c->f->inode.i_size = RACE_PAGES * PAGE_SIZE;
	for (unsigned int i = 0; i < RACE_THREADS; i++) {
		r[i] = (struct racer){c, i};
		assert_int_equal(pthread_create(&t[i], NULL, race_get, &r[i]), 0);
	}
	for (unsigned int i = 0; i < RACE_THREADS; i++)
		pthread_join(t[i], NULL);
	lru_add_drain_all(&c->fs->pgdat);	/* the racers ended with pages in their batches */
	assert_int_equal(M(c)->nrpages, RACE_PAGES);
	assert_int_equal(mapping_validate(M(c)), 0);
	for (pgoff_t i = 0; i < RACE_PAGES; i++) {
		struct page *p = filemap_find_page(M(c), i);

		assert_int_equal(page_ref_count(p), 2);
		assert_memory_equal(addr(c, p), c->f->data + i * PAGE_SIZE, PAGE_SIZE);
		put_page(&c->fs->pgdat, p);
	}
	/* A lost race frees its copy: cached + free = all frames (teardown checks the rest). */
	assert_int_equal(fake_free_pages(c->fs) + RACE_PAGES, c->free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_miss_then_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noread_and_shmem_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_error_and_enomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_dirty_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ra_unbounded_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_misses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
