// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a run leaves in memory only, and time passing for the flusher: over a real overlay
 * (a temporary host tree as the root), a host file's dirty pages, upper copies and new size
 * keep its inode after the last iput and count in vfs_unsaved until it is unlinked;
 * vfs_sync writes them to the upper layer, or with write_files to the host file; over the
 * fake files of fs_fixture.h, vfs_advance wakes the flusher every dirty_writeback_centisecs
 * from the first dirtying, so a page is written exactly dirty_expire_centisecs after it was
 * dirtied (the node's NR_FILE_DIRTY, meminfo's Dirty:, drops to 0 then and not before);
 * mmlab_machine_advance carries nanoseconds into the flusher's centiseconds. With write_files,
 * files the run created and new sizes still count after a sync (writeback never carries
 * them), and destroying the machine writes its dirty pages to the host, as umount syncs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fs_fixture.h"
#include "mm/machine.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_PAGES 3

struct fixture {
	char root[64];			/* mkdtemp: the vfs root, holding "f" */
	char host[PATH_MAX];		/* root/f */
	struct pglist_data pgdat;
	struct vfs vfs;
};

static const struct open_how_fs rw = { .flags = O_RDWR, .cap_dac_override = true };

static int setup_vfs(void **state, bool write_files)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char page[PAGE_SIZE];
	FILE *f;

	strcpy(fx->root, "/tmp/mmlab-unsaved-XXXXXX");
	if (!mkdtemp(fx->root))
		return -1;
	snprintf(fx->host, sizeof(fx->host), "%s/f", fx->root);
	f = fopen(fx->host, "w");
	if (!f)
		return -1;
	memset(page, 'h', sizeof(page));
	for (int k = 0; k < FILE_PAGES; k++)
		fwrite(page, 1, sizeof(page), f);
	fclose(f);
	if (pgdat_init_memory(&fx->pgdat, FAKE_RAM) ||
	    vfs_init(&fx->vfs, &fx->pgdat, fx->root, write_files))
		return -1;
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	return setup_vfs(state, false);
}

static int setup_write_files(void **state)
{
	return setup_vfs(state, true);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	vfs_destroy(&fx->vfs);
	pgdat_free_memory(&fx->pgdat);
	unlink(fx->host);
	rmdir(fx->root);
	free(fx);
	return 0;
}

static struct inode *open_f(struct fixture *fx)
{
	struct stat st;
	struct inode *inode = vfs_lookup_open(&fx->vfs, "/f", &rw, &st, NULL);

	assert_false(IS_ERR_OR_NULL(inode));
	return inode;
}

/* Writes @c over page @index of @inode's cache and marks it dirty. */
static void dirty_page(struct fixture *fx, struct inode *inode, pgoff_t index, char c)
{
	struct page *p = filemap_get_page(inode_mapping(inode), index, FGP_CREAT, NULL);

	assert_false(IS_ERR_OR_NULL(p));
	memset(page_address(&fx->pgdat, p), c, PAGE_SIZE);
	set_page_dirty(p);
	put_page(&fx->pgdat, p);
}

static void assert_unsaved(struct fixture *fx, unsigned long pages, unsigned long files)
{
	unsigned long p, f;

	vfs_unsaved(&fx->vfs, &p, &f);
	assert_int_equal(p, pages);
	assert_int_equal(f, files);
}

/* The host file's byte at @off. */
static int host_byte(struct fixture *fx, off_t off)
{
	unsigned char c;
	int fd = open(fx->host, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	close(fd);
	return c;
}

/* A dirty host file outlives its last reference; sync moves its page to the upper layer. */
static void test_kept_until_unlink(void **state)
{
	struct fixture *fx = *state;
	struct inode *inode = open_f(fx), *again;

	assert_unsaved(fx, 0, 0);
	dirty_page(fx, inode, 1, 'm');
	iput(inode);			/* the last reference: Linux keeps it cached */
	assert_unsaved(fx, 1, 1);
	again = open_f(fx);
	assert_ptr_equal(again, inode);
	assert_int_equal(again->nr_dirty, 1);
	assert_int_equal(vfs_sync(&fx->vfs), 0);
	assert_int_equal(again->nr_dirty, 0);
	assert_int_equal(again->upper.nr, 1);
	assert_int_equal(node_page_state(&fx->pgdat, NR_FILE_DIRTY), 0);
	assert_unsaved(fx, 1, 1);	/* in the upper layer now: still not on the host */
	assert_int_equal(host_byte(fx, PAGE_SIZE), 'h');
	dirty_page(fx, again, 1, 'n');	/* dirty and in the upper layer: one page */
	dirty_page(fx, again, 2, 'n');
	assert_unsaved(fx, 2, 1);
	iput(again);
	assert_int_equal(vfs_unlink(&fx->vfs, NULL, "/f"), 0);
	assert_unsaved(fx, 0, 0);	/* an unlinked file's pages die with it */
	assert_int_equal(node_page_state(&fx->pgdat, NR_FILE_PAGES), 0);
	assert_int_equal(host_byte(fx, PAGE_SIZE), 'h');
}

/* A clean file's inode goes with its last reference, as before. */
static void test_clean_inode_freed(void **state)
{
	struct fixture *fx = *state;
	struct inode *inode = open_f(fx);
	struct page *p = filemap_get_page(inode_mapping(inode), 0, FGP_CREAT, NULL);

	put_page(&fx->pgdat, p);
	assert_int_equal(node_page_state(&fx->pgdat, NR_FILE_PAGES), 1);
	iput(inode);
	assert_int_equal(node_page_state(&fx->pgdat, NR_FILE_PAGES), 0);
	assert_unsaved(fx, 0, 0);
}

/*
 * A new size: the page at the new end counts (its tail was cut), unless the size is a page
 * multiple; the file counts either way.
 */
static void test_size_changed(void **state)
{
	struct fixture *fx = *state;
	struct inode *inode = open_f(fx);

	inode->i_size = 2;		/* what a truncate to 2 bytes leaves */
	inode->lower_size = 2;
	iput(inode);
	assert_unsaved(fx, 1, 1);
	inode = open_f(fx);
	inode->i_size = 0;
	inode->lower_size = 0;
	assert_unsaved(fx, 0, 1);
	inode->i_size = FILE_PAGES * PAGE_SIZE;	/* grown back: the bytes are zeros now */
	assert_unsaved(fx, 0, 1);
	dirty_page(fx, inode, 0, 'z');
	assert_unsaved(fx, 1, 1);
	iput(inode);
}

/* write_files: dirty pages count until sync writes them to the host file; sizes never. */
static void test_write_files(void **state)
{
	struct fixture *fx = *state;
	struct inode *inode = open_f(fx);

	dirty_page(fx, inode, 0, 'w');
	dirty_page(fx, inode, 2, 'w');
	iput(inode);
	assert_unsaved(fx, 2, 1);
	assert_int_equal(vfs_sync(&fx->vfs), 0);
	assert_unsaved(fx, 0, 0);
	assert_int_equal(host_byte(fx, 0), 'w');
	assert_int_equal(host_byte(fx, PAGE_SIZE), 'h');
	assert_int_equal(host_byte(fx, 2 * PAGE_SIZE + 7), 'w');
	/* A new size never reaches the host: the file counts, with the page at its end. */
	inode = open_f(fx);
	inode->i_size = 100;
	assert_unsaved(fx, 1, 1);
	iput(inode);
}

/* With write_files, a file the run created never reaches the host: its pages stay counted. */
static void test_write_files_created(void **state)
{
	static const struct open_how_fs creat = { .flags = O_RDWR | O_CREAT, .mode = 0644,
						  .cap_dac_override = true };
	struct fixture *fx = *state;
	char host[PATH_MAX + 4];
	struct inode *inode;
	struct stat st;

	inode = vfs_lookup_open(&fx->vfs, "/g", &creat, &st, NULL);
	assert_false(IS_ERR_OR_NULL(inode));
	inode->i_size = 2 * PAGE_SIZE;
	dirty_page(fx, inode, 0, 'n');
	dirty_page(fx, inode, 1, 'n');
	iput(inode);
	assert_unsaved(fx, 2, 1);
	assert_int_equal(vfs_sync(&fx->vfs), 0);
	assert_unsaved(fx, 2, 1);
	snprintf(host, sizeof(host), "%s/g", fx->root);
	assert_int_equal(access(host, F_OK), -1);
}

/* Destroying a machine with write_files writes its dirty pages to the host (umount's sync). */
static void test_destroy_syncs(void **state)
{
	struct fixture *fx = *state;
	struct mmlab_machine_config cfg = { .ram_bytes = 64 << 20, .root = fx->root,
					    .write_files = 1 };
	struct mmlab_machine *m;
	struct machine *mach;
	struct inode *inode;
	struct stat st;
	struct page *p;

	assert_int_equal(mmlab_machine_create(&cfg, &m), 0);
	mach = machine_of(m);
	inode = vfs_lookup_open(&mach->vfs, "/f", &rw, &st, NULL);
	assert_false(IS_ERR_OR_NULL(inode));
	p = filemap_get_page(inode_mapping(inode), 1, FGP_CREAT, NULL);
	assert_false(IS_ERR_OR_NULL(p));
	memset(page_address(&mach->pgdat, p), 'z', PAGE_SIZE);
	set_page_dirty(p);
	put_page(&mach->pgdat, p);
	iput(inode);
	assert_int_equal(host_byte(fx, PAGE_SIZE), 'h');
	mmlab_machine_destroy(m);
	assert_int_equal(host_byte(fx, PAGE_SIZE), 'z');
	assert_int_equal(host_byte(fx, 0), 'h');
}

/* The flusher's periodic wakeups, over the fake files. */
struct flush_ctx {
	struct fake_fs *fs;
	struct fake_file *a, *b;
};

static int setup_fake(void **state)
{
	struct flush_ctx *c = calloc(1, sizeof(*c));

	c->fs = fake_fs_new();
	c->a = fake_file_new(c->fs, 4 * PAGE_SIZE, 1, false);
	c->b = fake_file_new(c->fs, 4 * PAGE_SIZE, 2, false);
	*state = c;
	return 0;
}

static int teardown_fake(void **state)
{
	struct flush_ctx *c = *state;

	fake_file_free(c->a);
	fake_file_free(c->b);
	fake_fs_free(c->fs);
	free(c);
	return 0;
}

static void fake_dirty(struct flush_ctx *c, struct fake_file *f, pgoff_t index)
{
	struct page *p = filemap_get_page(&f->inode.i_data, index, FGP_CREAT, NULL);

	memset(page_address(&c->fs->pgdat, p), 0x5a, PAGE_SIZE);
	set_page_dirty(p);
	put_page(&c->fs->pgdat, p);
}

static unsigned long dirty_pages(struct flush_ctx *c)
{
	return node_page_state(&c->fs->pgdat, NR_FILE_DIRTY);
}

/* Written exactly dirty_expire_centisecs after the dirtying, at a 5 s wakeup. */
static void test_advance_expire(void **state)
{
	struct flush_ctx *c = *state;
	struct vfs *vfs = &c->fs->vfs;

	vfs_advance(vfs, 1234);		/* nothing dirty: time passes, no wakeup armed */
	assert_int_equal(vfs->clock, 1234);
	assert_int_equal(vfs->next_wakeup, 0);
	fake_dirty(c, c->a, 0);		/* dirtied at 1234 */
	fake_dirty(c, c->a, 1);
	vfs_advance(vfs, 2999);
	assert_int_equal(dirty_pages(c), 2);
	assert_int_equal(c->a->writes, 0);
	fake_dirty(c, c->b, 3);		/* dirtied at 4233: due at 7233 */
	vfs_advance(vfs, 1);		/* 4234: the sixth wakeup */
	assert_int_equal(c->a->writes, 2);
	assert_int_equal(c->a->data[PAGE_SIZE], 0x5a);
	assert_int_equal(dirty_pages(c), 1);
	/* b's wakeups keep a's phase (1234 + 500k): 7234 is the first at or after 7233. */
	vfs_advance(vfs, 7233 - 4234);
	assert_int_equal(dirty_pages(c), 1);
	vfs_advance(vfs, 1);
	assert_int_equal(dirty_pages(c), 0);
	assert_int_equal(c->b->writes, 1);
	vfs_advance(vfs, 500);		/* nothing dirty at that wakeup: idle again */
	assert_int_equal(vfs->next_wakeup, 0);
	assert_true(list_empty(&vfs->dirty_inodes));
}

/* One long advance runs every wakeup on the way; 0 disables the periodic flush. */
static void test_advance_long_and_disabled(void **state)
{
	struct flush_ctx *c = *state;
	struct vfs *vfs = &c->fs->vfs;

	fake_dirty(c, c->a, 0);
	vfs_advance(vfs, 360000);	/* an hour */
	assert_int_equal(dirty_pages(c), 0);
	assert_int_equal(vfs->clock, 360000);
	vfs->dirty_writeback_centisecs = 0;
	fake_dirty(c, c->b, 0);
	vfs_advance(vfs, 360000);
	assert_int_equal(dirty_pages(c), 1);
	assert_int_equal(vfs_sync(vfs), 0);
	assert_int_equal(dirty_pages(c), 0);
}

/* The public call: nanoseconds carried until they make a centisecond. */
static void test_machine_advance(void **state)
{
	struct mmlab_machine *m;
	struct machine *mach;
	uint64_t pages = 1, files = 1;

	(void)state;
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	mach = machine_of(m);
	mmlab_machine_advance(m, 6000000);	/* 6 ms */
	assert_int_equal(mach->vfs.clock, 0);
	mmlab_machine_advance(m, 6000000);
	assert_int_equal(mach->vfs.clock, 1);
	mmlab_machine_advance(m, 30ULL * 1000000000);
	assert_int_equal(mach->vfs.clock, 3001);
	mmlab_machine_advance(m, 8000000);	/* 2 + 8 ms */
	assert_int_equal(mach->vfs.clock, 3002);
	assert_int_equal(mmlab_machine_sync(m), 0);
	assert_int_equal(mmlab_machine_sync(NULL), -EINVAL);
	mmlab_unsaved_files(m, &pages, &files);
	assert_int_equal(pages, 0);
	assert_int_equal(files, 0);
	mmlab_machine_advance(NULL, 1);
	mmlab_machine_destroy(m);
}

/* meminfo's "Dirty:" in kB. */
static unsigned long meminfo_dirty_kb(struct mmlab_machine *m)
{
	char *text = NULL, *line;
	size_t len = 0;
	unsigned long kb = ULONG_MAX;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(mmlab_proc_meminfo(m, f), 0);
	fclose(f);
	line = strstr(text, "\nDirty:");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "\nDirty: %lu kB", &kb), 1);
	free(text);
	return kb;
}

/*
 * Through the public calls: a host file's page dirtied in a machine shows in meminfo's
 * Dirty: until 30 s have passed (mmlab_machine_advance), then the flusher has written it.
 */
static void test_machine_flusher(void **state)
{
	struct fixture *fx = *state;
	struct mmlab_machine_config cfg = { .ram_bytes = 64 << 20, .root = fx->root };
	struct mmlab_machine *m;
	struct machine *mach;
	struct inode *inode;
	struct stat st;
	struct page *p;
	uint64_t pages, files;

	assert_int_equal(mmlab_machine_create(&cfg, &m), 0);
	mach = machine_of(m);
	mmlab_machine_advance(m, 1234567890);	/* 12.3 s of nothing */
	inode = vfs_lookup_open(&mach->vfs, "/f", &rw, &st, NULL);
	assert_false(IS_ERR_OR_NULL(inode));
	p = filemap_get_page(inode_mapping(inode), 0, FGP_CREAT, NULL);
	assert_false(IS_ERR_OR_NULL(p));
	memset(page_address(&mach->pgdat, p), 'd', PAGE_SIZE);
	set_page_dirty(p);
	put_page(&mach->pgdat, p);
	iput(inode);
	assert_int_equal(meminfo_dirty_kb(m), 4);
	mmlab_machine_advance(m, 29990000000ULL);
	assert_int_equal(meminfo_dirty_kb(m), 4);
	mmlab_machine_advance(m, 10000000);	/* 30 s since the dirtying */
	assert_int_equal(meminfo_dirty_kb(m), 0);
	mmlab_unsaved_files(m, &pages, &files);	/* in the memory layer: still unsaved */
	assert_int_equal(pages, 1);
	assert_int_equal(files, 1);
	assert_int_equal(host_byte(fx, 0), 'h');
	mmlab_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_until_unlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_inode_freed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_files, setup_write_files, teardown),
		cmocka_unit_test_setup_teardown(test_write_files_created, setup_write_files,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_syncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advance_expire, setup_fake, teardown_fake),
		cmocka_unit_test_setup_teardown(test_advance_long_and_disabled, setup_fake,
						teardown_fake),
		cmocka_unit_test(test_machine_advance),
		cmocka_unit_test_setup_teardown(test_machine_flusher, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
