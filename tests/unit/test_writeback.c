// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty pages and writeback (src/fs/page-writeback.c) over fake files: set_page_dirty's
 * accounting (the inode's count, the vfs's dirty list, NR_FILE_DIRTY/NR_DIRTIED) and shmem's
 * uncounted dirt; filemap_write_range writing only the bytes inside i_size, recording
 * write errors for fsync; the flusher writing inodes on age (dirty_expire_centisecs) and on
 * dirty_background_ratio; vfs_unsaved; dirtiers, writers and the flusher running at once leave
 * the counts and the dirty list consistent. (Truncation is left out of that race: page.h's
 * flag operations are plain read-modify-writes, and a frame freed beside a page whose flags
 * change is a data race on the flags word for ThreadSanitizer, in the allocator's buddy
 * check, whatever the page cache locks.)
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <pthread.h>

#include "fs_fixture.h"

struct ctx {
	struct fake_fs *fs;
	struct fake_file *a, *b;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	c->fs = fake_fs_new();
	c->a = fake_file_new(c->fs, 2 * PAGE_SIZE + 100, 1, false);	/* 3 pages, last partial */
	c->b = fake_file_new(c->fs, 1000 * PAGE_SIZE, 2, false);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fake_file_free(c->a);
	fake_file_free(c->b);
	assert_int_equal(node_page_state(&c->fs->pgdat, NR_FILE_DIRTY), 0);
	assert_true(list_empty(&c->fs->vfs.dirty_inodes));
	fake_fs_free(c->fs);
	free(c);
	return 0;
}

static unsigned long nstat(struct ctx *c, enum node_stat_item item)
{
	return node_page_state(&c->fs->pgdat, item);
}

/* Dirties pages [from, to] of @f with a byte pattern of @v. */
static void dirty_pages(struct ctx *c, struct fake_file *f, pgoff_t from, pgoff_t to,
			unsigned char v)
{
	for (pgoff_t i = from; i <= to; i++) {
		struct page *p = filemap_get_page(&f->inode.i_data, i, FGP_CREAT, NULL);

		memset(page_address(&c->fs->pgdat, p), v, PAGE_SIZE);
		set_page_dirty(p);
		put_page(&c->fs->pgdat, p);
	}
}

static void test_dirty_accounting(void **state)
{
	struct ctx *c = *state;
	struct page *p = filemap_get_page(&c->a->inode.i_data, 0, FGP_CREAT, NULL);

	c->fs->vfs.clock = 77;
	assert_true(set_page_dirty(p));
	assert_false(set_page_dirty(p));
	assert_true(PageDirty(p));
	assert_int_equal(c->a->inode.nr_dirty, 1);
	assert_int_equal(c->a->inode.dirtied_when, 77);
	assert_ptr_equal(c->fs->vfs.dirty_inodes.next, &c->a->inode.i_dirty);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 1);
	assert_int_equal(nstat(c, NR_DIRTIED), 1);
	put_page(&c->fs->pgdat, p);

	/* shmem: PG_dirty, but no count and no list (noop_dirty_folio). */
	struct fake_file *s = fake_file_new(c->fs, PAGE_SIZE, 0, true);

	p = filemap_get_page(&s->inode.i_data, 0, FGP_CREAT, NULL);
	assert_true(set_page_dirty(p));
	assert_true(PageDirty(p));
	assert_int_equal(s->inode.nr_dirty, 0);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 1);
	assert_int_equal(filemap_write_range(&s->inode.i_data, 0, LLONG_MAX, true), 0);
	put_page(&c->fs->pgdat, p);
	fake_file_free(s);
	assert_int_equal(filemap_write_range(&c->a->inode.i_data, 0, LLONG_MAX, true), 0);
}

static void test_write_range_clips_at_eof(void **state)
{
	struct ctx *c = *state;
	struct address_space *m = &c->a->inode.i_data;
	unsigned char before = c->a->data[2 * PAGE_SIZE + 100];

	dirty_pages(c, c->a, 0, 3, 0xee);	/* page 3 lies wholly past EOF */
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 4);
	/* Only page 1: bytes [PAGE_SIZE, 2 * PAGE_SIZE - 1]. */
	assert_int_equal(filemap_write_range(m, PAGE_SIZE, 2 * PAGE_SIZE - 1, true), 0);
	assert_int_equal(c->a->writes, 1);
	assert_int_equal(c->a->data[PAGE_SIZE], 0xee);
	assert_int_equal(c->a->data[0], 1);	/* page 0 not yet */
	assert_int_equal(c->a->inode.nr_dirty, 3);

	assert_int_equal(filemap_write_range(m, 0, LLONG_MAX, true), 0);
	assert_int_equal(c->a->writes, 3);	/* pages 0 and 2; page 3 just cleaned */
	assert_int_equal(c->a->last_write_len, 100);
	assert_int_equal(c->a->data[2 * PAGE_SIZE + 99], 0xee);
	assert_int_equal(c->a->data[2 * PAGE_SIZE + 100], before);	/* the tail stays out */
	assert_int_equal(c->a->inode.nr_dirty, 0);
	assert_true(list_empty(&c->fs->vfs.dirty_inodes));
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 0);
	assert_int_equal(nstat(c, NR_WRITEBACK), 0);
	assert_int_equal(nstat(c, NR_WRITTEN), 3);
	assert_int_equal(nstat(c, NR_DIRTIED), 4);
	assert_int_equal(filemap_write_range(m, 5, 4, true), -EINVAL);
}

static void test_write_error_kept_for_fsync(void **state)
{
	struct ctx *c = *state;
	struct address_space *m = &c->a->inode.i_data;

	dirty_pages(c, c->a, 0, 1, 0x11);
	c->a->write_err = -EIO;
	assert_int_equal(filemap_write_range(m, 0, LLONG_MAX, true), -EIO);
	assert_int_equal(c->a->writes, 2);		/* the second page was still tried */
	assert_int_equal(filemap_fdatawait_keep_errors(m), -EIO);
	assert_int_equal(filemap_fdatawait_keep_errors(m), -EIO);	/* kept */
	assert_int_equal(c->a->inode.nr_dirty, 0);
	c->a->write_err = 0;
}

/* Dirtied at clock 100: not written at 100 + 2999, written at 100 + 3000. */
static void test_flusher_expires_old_inodes(void **state)
{
	struct ctx *c = *state;

	wb_flusher_tick(&c->fs->vfs, 100);
	dirty_pages(c, c->a, 0, 0, 0x22);
	wb_flusher_tick(&c->fs->vfs, 1500);
	dirty_pages(c, c->b, 0, 0, 0x33);	/* dirtied at 1600 */
	wb_flusher_tick(&c->fs->vfs, 1499);
	assert_int_equal(c->a->writes, 0);
	wb_flusher_tick(&c->fs->vfs, 1);	/* clock 3100 */
	assert_int_equal(c->a->writes, 1);
	assert_int_equal(c->b->writes, 0);
	assert_int_equal(c->b->inode.nr_dirty, 1);
	wb_flusher_tick(&c->fs->vfs, 1500);	/* 4600 - 1600 = 3000 */
	assert_int_equal(c->b->writes, 1);
	assert_true(list_empty(&c->fs->vfs.dirty_inodes));
}

/*
 * 4096 frames, one the zero page: 4095 dirtyable (free + file pages, whatever is cached).
 * Background threshold 10%: 409 pages. a: 3 dirty pages (oldest), b: 450 dirty: 453 > 409,
 * so the flusher writes the oldest inode, a (450 still > 409), then b.
 * With b at 400 dirty and a at 3: 403 <= 409, nothing is written.
 */
static void test_flusher_background_ratio(void **state)
{
	struct ctx *c = *state;

	dirty_pages(c, c->a, 0, 2, 0x44);
	dirty_pages(c, c->b, 0, 399, 0x55);
	wb_flusher_tick(&c->fs->vfs, 0);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 403);
	assert_int_equal(c->a->writes + c->b->writes, 0);

	dirty_pages(c, c->b, 400, 449, 0x55);
	wb_flusher_tick(&c->fs->vfs, 0);
	assert_int_equal(c->a->writes, 3);
	assert_int_equal(c->b->writes, 450);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 0);
}

/* Truncation drops dirty pages uncounted and takes the inode off the flusher's list. */
static void test_truncate_cleans(void **state)
{
	struct ctx *c = *state;

	dirty_pages(c, c->b, 0, 9, 0x77);
	truncate_inode_pages_range(&c->b->inode.i_data, 4 * PAGE_SIZE, LLONG_MAX);
	assert_int_equal(c->b->inode.nr_dirty, 4);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 4);
	assert_false(list_empty(&c->fs->vfs.dirty_inodes));
	truncate_inode_pages_range(&c->b->inode.i_data, 0, LLONG_MAX);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 0);
	assert_true(list_empty(&c->fs->vfs.dirty_inodes));
	assert_int_equal(c->b->writes, 0);
}

static void test_unsaved(void **state)
{
	struct ctx *c = *state;
	unsigned long pages, files;
	static char upper_copy[PAGE_SIZE];

	vfs_unsaved(&c->fs->vfs, &pages, &files);
	assert_int_equal(pages, 0);
	assert_int_equal(files, 0);
	/* Files with a name (an unlinked one's pages are not counted) and a host file below
	 * (whose dirty pages --write-files would write there). */
	c->a->inode.i_nlink = c->b->inode.i_nlink = 1;
	c->a->inode.lower_path = c->b->inode.lower_path = (char *)"/host/file";
	dirty_pages(c, c->a, 0, 1, 0x66);
	dirty_pages(c, c->b, 5, 5, 0x66);
	/* b's page 5 also has an upper-layer copy, page 9 only that: 2 pages of b. */
	assert_int_equal(xa_store(&c->b->inode.upper.pages, 5, upper_copy), 0);
	assert_int_equal(xa_store(&c->b->inode.upper.pages, 9, upper_copy), 0);
	c->b->inode.upper.nr = 2;
	vfs_unsaved(&c->fs->vfs, &pages, &files);
	assert_int_equal(pages, 4);
	assert_int_equal(files, 2);
	c->fs->vfs.write_files = true;	/* the upper copies do not count; dirty pages do */
	vfs_unsaved(&c->fs->vfs, &pages, &files);
	assert_int_equal(pages, 3);
	assert_int_equal(files, 2);
	c->b->inode.lower_path = NULL;	/* no host file: its upper copies stay in memory */
	vfs_unsaved(&c->fs->vfs, &pages, &files);
	assert_int_equal(pages, 4);
	c->b->inode.i_nlink = 0;	/* unlinked: not counted */
	vfs_unsaved(&c->fs->vfs, &pages, &files);
	assert_int_equal(pages, 2);
	assert_int_equal(files, 1);
	assert_int_equal(filemap_write_range(&c->a->inode.i_data, 0, LLONG_MAX, true), 0);
	assert_int_equal(filemap_write_range(&c->b->inode.i_data, 0, LLONG_MAX, true), 0);
}

#define STORM_PAGES 64

static void *storm_dirty(void *arg)
{
	struct ctx *c = arg;
	struct address_space *m = &c->b->inode.i_data;

	for (unsigned int round = 0; round < 200; round++)
		for (pgoff_t i = 0; i < STORM_PAGES; i++) {
			struct page *p = filemap_get_page(m, i, FGP_CREAT, NULL);

			if (IS_ERR_OR_NULL(p))
				abort();
			set_page_dirty(p);
			put_page(&c->fs->pgdat, p);
		}
	return NULL;
}

static void *storm_write(void *arg)
{
	struct ctx *c = arg;

	for (unsigned int round = 0; round < 300; round++) {
		(void)filemap_write_range(&c->b->inode.i_data, 0, LLONG_MAX, false);
		wb_flusher_tick(&c->fs->vfs, 1000);
	}
	return NULL;
}

static void test_concurrent_dirty_and_writeback(void **state)
{
	struct ctx *c = *state;
	pthread_t t[3];

	assert_int_equal(pthread_create(&t[0], NULL, storm_dirty, c), 0);
	assert_int_equal(pthread_create(&t[1], NULL, storm_dirty, c), 0);
	assert_int_equal(pthread_create(&t[2], NULL, storm_write, c), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	/* The counts agree with the pages' flags. */
	unsigned long dirty = 0;

	for (pgoff_t i = 0; i < STORM_PAGES; i++) {
		struct page *p = filemap_find_page(&c->b->inode.i_data, i);

		if (p) {
			dirty += PageDirty(p);
			assert_false(PageWriteback(p));
			put_page(&c->fs->pgdat, p);
		}
	}
	assert_int_equal(c->b->inode.nr_dirty, dirty);
	assert_int_equal(mapping_validate(&c->b->inode.i_data), 0);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), dirty);
	assert_int_equal(nstat(c, NR_WRITEBACK), 0);
	assert_int_equal(!list_empty(&c->fs->vfs.dirty_inodes), dirty != 0);
	assert_int_equal(filemap_write_range(&c->b->inode.i_data, 0, LLONG_MAX, true), 0);
	assert_int_equal(nstat(c, NR_FILE_DIRTY), 0);
	assert_true(list_empty(&c->fs->vfs.dirty_inodes));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dirty_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_range_clips_at_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error_kept_for_fsync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flusher_expires_old_inodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flusher_background_ratio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_cleans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsaved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_dirty_and_writeback, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
