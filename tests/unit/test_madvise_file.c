// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * madvise(2) on file mappings (src/mm/madvise.c, mincore.c, fs/inode.c's vfs_punch_hole),
 * through the public calls on a machine whose root is a temporary host tree, each compared
 * with the host kernel doing the same on its own copy of the file where the host shows it:
 * MADV_WILLNEED reads a cold file's range into the page cache (mincore; the host's file was
 * dropped from its cache with POSIX_FADV_DONTNEED), clipped to the VMA and the end of the
 * file, at the VMA's file offset; not for shared anonymous memory. MADV_FREE is EINVAL on a
 * file mapping; MADV_REMOVE needs a shared writable mapping (EACCES), then punches: the
 * range reads zeros, the size stays, the host file below is untouched. vfs_punch_hole's
 * unaligned edges and its holes under writeback, white-box. MADV_SEQUENTIAL/MADV_RANDOM set
 * the VMA's readahead hints (smaps "sr"/"rr"), as on the host. MADV_REMOVE over written pages
 * of a shared file mapping and of shared anonymous memory: they read zeros, as on the host.
 * MADV_DONTNEED keeps a shared mapping's write in the file and drops a private copy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fs/fs.h"
#include "mm/machine.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_FREE
#define MADV_FREE 8
#endif

#define BIG_PAGES 64
#define SMALL_BYTES 10000	/* three pages, the last partial */

struct fixture {
	char root[64];			/* mkdtemp: the root, and the host's copies */
	struct mmlab_machine *m;
	struct mmlab_task *t;
	bool host_cache;		/* the tree's file system has a page cache to drop */
};

static void put_file(struct fixture *fx, const char *name, size_t size, char c)
{
	char path[PATH_MAX], *buf = malloc(size);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fx->root, name);
	assert_non_null(buf);
	memset(buf, c, size);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	assert_int_equal(fsync(fd), 0);
	close(fd);
	free(buf);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct statfs sfs;

	strcpy(fx->root, "/var/tmp/mmlab-madv-XXXXXX");	/* not tmpfs where it can be */
	if (!mkdtemp(fx->root))
		return -1;
	fx->host_cache = !statfs(fx->root, &sfs) && sfs.f_type != 0x01021994; /* TMPFS_MAGIC */
	put_file(fx, "big", BIG_PAGES * 4096, 'b');
	put_file(fx, "small", SMALL_BYTES, 's');
	mc.root = fx->root;
	if (mmlab_machine_create(&mc, &fx->m) || mmlab_task_create(fx->m, &tc, &fx->t))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[PATH_MAX + 16];

	mmlab_task_destroy(fx->t);
	mmlab_machine_destroy(fx->m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

/* What a sequence does, on either side. */
struct madv_case {
	const char *file;
	int oflags, prot, mflags;
	size_t map_pages;		/* the mapping's length */
	size_t map_off;			/* its file offset, pages */
	size_t adv_off, adv_pages;	/* the advised range inside it, pages */
	int advice;
};

/* mmlab: the mapping's mincore after the advice; the advice's result in *@ret. */
static void mmlab_side(struct fixture *fx, const struct madv_case *c, unsigned char *vec,
		       int *ret)
{
	char path[64];
	uint64_t addr;
	int fd;

	snprintf(path, sizeof(path), "/%s", c->file);
	fd = mmlab_openat(fx->t, path, c->oflags, 0);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, c->map_pages * 4096, c->prot, c->mflags, fd,
				    c->map_off * 4096, &addr), 0);
	*ret = mmlab_madvise(fx->t, addr + c->adv_off * 4096, c->adv_pages * 4096, c->advice);
	assert_int_equal(mmlab_mincore(fx->t, addr, c->map_pages * 4096, vec), 0);
	assert_int_equal(mmlab_munmap(fx->t, addr, c->map_pages * 4096), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

static int resident(const unsigned char *vec, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n; i++)
		r += vec[i] & 1;
	return r;
}

/*
 * The host: the same on a copy of the file, dropped from the page cache first. Readahead is
 * asynchronous there: mincore is asked until the count stops growing (at most a second).
 */
static void host_side(struct fixture *fx, const struct madv_case *c, unsigned char *vec,
		      int *ret)
{
	char path[PATH_MAX], copy[PATH_MAX], cmd[2 * PATH_MAX + 16];
	size_t len = c->map_pages * 4096;
	int fd, last = -1;
	char *m;

	snprintf(path, sizeof(path), "%s/%s", fx->root, c->file);
	snprintf(copy, sizeof(copy), "%s/host-%s", fx->root, c->file);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
	assert_int_equal(system(cmd), 0);
	fd = open(copy, c->oflags);
	assert_true(fd >= 0);
	assert_int_equal(fsync(fd), 0);
	assert_int_equal(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	m = mmap(NULL, len, c->prot, c->mflags, fd, (off_t)(c->map_off * 4096));
	assert_true(m != MAP_FAILED);
	*ret = madvise(m + c->adv_off * 4096, c->adv_pages * 4096, c->advice) ? -errno : 0;
	for (int k = 0; k < 100; k++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		int now;

		assert_int_equal(mincore(m, len, vec), 0);
		now = resident(vec, c->map_pages);
		if (now == last && k >= 2)
			break;
		last = now;
		nanosleep(&ts, NULL);
	}
	munmap(m, len);
	close(fd);
	unlink(copy);
}

/* Runs @c on both sides; mmlab's residency must be @want_resident pages, as the host's. */
static void compare(struct fixture *fx, const struct madv_case *c, int want_ret,
		    int want_resident)
{
	unsigned char mv[BIG_PAGES], hv[BIG_PAGES];
	int mret, hret;

	assert_true(c->map_pages <= BIG_PAGES);
	mmlab_side(fx, c, mv, &mret);
	assert_int_equal(mret, want_ret);
	assert_int_equal(resident(mv, c->map_pages), want_resident);
	if (!fx->host_cache)
		return;
	host_side(fx, c, hv, &hret);
	assert_int_equal(hret, mret);
	for (size_t i = 0; i < c->map_pages; i++)
		assert_int_equal(hv[i] & 1, mv[i]);
}

static struct inode *machine_inode(struct fixture *fx, const char *path);

/* A cold file's middle: exactly the advised pages come in. */
static void test_willneed_range(void **state)
{
	struct madv_case c = { "big", O_RDONLY, PROT_READ, MAP_SHARED, BIG_PAGES, 0, 2, 16,
			       MADV_WILLNEED };
	unsigned char vec[BIG_PAGES];
	int ret;

	compare(*state, &c, 0, 16);
	mmlab_side(*state, &c, vec, &ret);	/* and the pages stay cached */
	for (int i = 0; i < BIG_PAGES; i++)
		assert_int_equal(vec[i], i >= 2 && i < 18);
}

/* A private mapping at a file offset: the file's pages from that offset. */
static void test_willneed_offset_private(void **state)
{
	struct madv_case c = { "big", O_RDONLY, PROT_READ, MAP_PRIVATE, 8, 40, 4, 4,
			       MADV_WILLNEED };
	struct madv_case whole = { "big", O_RDONLY, PROT_READ, MAP_SHARED, BIG_PAGES, 0, 0, 0,
				   MADV_NORMAL };
	unsigned char vec[BIG_PAGES];
	struct inode *held;
	int ret;

	compare(*state, &c, 0, 4);
	/* mmlab frees a clean file's cache with its inode: held across the two mappings */
	held = machine_inode(*state, "/big");
	mmlab_side(*state, &c, vec, &ret);
	mmlab_side(*state, &whole, vec, &ret);
	for (int i = 0; i < BIG_PAGES; i++)
		assert_int_equal(vec[i], i >= 44 && i < 48);
	iput(held);
}

/* The end of the file clips the read: three pages of a 16-page mapping of 10000 bytes. */
static void test_willneed_eof(void **state)
{
	struct madv_case c = { "small", O_RDONLY, PROT_READ, MAP_SHARED, 16, 0, 0, 16,
			       MADV_WILLNEED };

	compare(*state, &c, 0, 3);
}

/* MADV_FREE is for anonymous memory; MADV_REMOVE for shared writable mappings. */
static void test_free_remove_refused(void **state)
{
	struct madv_case c = { "big", O_RDWR, PROT_READ | PROT_WRITE, MAP_PRIVATE, 4, 0, 0, 4,
			       MADV_FREE };

	compare(*state, &c, -EINVAL, 0);
	c.advice = MADV_REMOVE;
	compare(*state, &c, -EACCES, 0);
	c.oflags = O_RDONLY;
	c.prot = PROT_READ;
	c.mflags = MAP_SHARED;		/* no VM_MAYWRITE on a read-only fd */
	compare(*state, &c, -EACCES, 0);
	c.advice = MADV_FREE;
	compare(*state, &c, -EINVAL, 0);
}

/* The inode of @path in the machine's overlay, with a reference (to iput). */
static struct inode *machine_inode(struct fixture *fx, const char *path)
{
	static const struct open_how_fs rd = { .flags = O_RDONLY, .cap_dac_override = true };
	struct stat st;
	struct inode *inode = vfs_lookup_open(&machine_of(fx->m)->vfs, path, &rd, &st, NULL);

	assert_false(IS_ERR_OR_NULL(inode));
	return inode;
}

/* Byte @off of the file as the machine reads it (through its page cache). */
static int machine_byte(struct fixture *fx, struct inode *inode, loff_t off)
{
	struct page *p = filemap_get_page(inode_mapping(inode), (pgoff_t)(off >> 12), FGP_CREAT,
					  NULL);
	int c;

	assert_false(IS_ERR_OR_NULL(p));
	c = ((unsigned char *)page_address(&machine_of(fx->m)->pgdat, p))[off & 4095];
	put_page(&machine_of(fx->m)->pgdat, p);
	return c;
}

/* MADV_REMOVE on a shared writable mapping punches the range; the host's file is unchanged. */
static void test_remove_punches(void **state)
{
	struct fixture *fx = *state;
	struct madv_case c = { "big", O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED, 8, 4, 2, 3,
			       MADV_REMOVE };
	struct inode *inode = machine_inode(fx, "/big");
	unsigned char vec[BIG_PAGES];
	char path[PATH_MAX];
	uint64_t pages, files;
	struct stat st;
	int ret, fd;
	char byte;

	assert_int_equal(machine_byte(fx, inode, 6 * 4096), 'b');	/* cached before */
	mmlab_side(fx, &c, vec, &ret);
	assert_int_equal(ret, 0);
	for (int p = 0; p < BIG_PAGES; p++)	/* file pages 6..8 read zeros, the rest 'b' */
		assert_int_equal(machine_byte(fx, inode, p * 4096 + 7), p >= 6 && p < 9 ? 0 : 'b');
	assert_int_equal(inode->i_size, BIG_PAGES * 4096);
	mmlab_unsaved_files(fx->m, &pages, &files);	/* the holes are in memory only */
	assert_int_equal(pages, 3);
	assert_int_equal(files, 1);
	iput(inode);
	snprintf(path, sizeof(path), "%s/big", fx->root);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, BIG_PAGES * 4096);
	assert_int_equal(pread(fd, &byte, 1, 7 * 4096), 1);
	assert_int_equal(byte, 'b');
	close(fd);
	if (fx->host_cache) {	/* the host punches its copy the same way */
		unsigned char hv[BIG_PAGES];
		int hret;

		host_side(fx, &c, hv, &hret);
		assert_int_equal(hret, 0);
	}
}

/* Shared anonymous memory: WILLNEED reads nothing (swap-in only); REMOVE is allowed. */
static void test_shared_anon(void **state)
{
	struct fixture *fx = *state;
	unsigned char vec[4];
	uint64_t addr;

	assert_int_equal(mmlab_mmap(fx->t, 0, 4 * 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0, &addr), 0);
	assert_int_equal(mmlab_madvise(fx->t, addr, 4 * 4096, MADV_WILLNEED), 0);
	assert_int_equal(mmlab_mincore(fx->t, addr, 4 * 4096, vec), 0);
	assert_int_equal(resident(vec, 4), 0);
	assert_int_equal(mmlab_madvise(fx->t, addr, 4 * 4096, MADV_REMOVE), 0);
	assert_int_equal(mmlab_madvise(fx->t, addr, 4 * 4096, MADV_FREE), -EINVAL);
	assert_int_equal(mmlab_munmap(fx->t, addr, 4 * 4096), 0);
}

/*
 * vfs_punch_hole white-box: unaligned edges are zeroed in the cache and dirtied (writeback
 * stores them); whole pages become holes; writeback over a hole gives it a copy; the size
 * stays; a punch past the end does nothing.
 */
static void test_punch_edges(void **state)
{
	struct fixture *fx = *state;
	struct inode *inode = machine_inode(fx, "/small");
	struct address_space *mapping = inode_mapping(inode);

	assert_int_equal(vfs_punch_hole(inode, 100, 0), -EINVAL);
	assert_int_equal(vfs_punch_hole(inode, -1, 10), -EINVAL);
	assert_int_equal(vfs_punch_hole(inode, SMALL_BYTES, 4096), 0);
	assert_int_equal(inode->upper.nr, 0);
	assert_int_equal(vfs_punch_hole(inode, 4000, 5000), 0);	/* [4000, 9000) */
	assert_int_equal(inode->i_size, SMALL_BYTES);
	assert_int_equal(inode->upper.nr, 1);			/* page 1: a hole */
	assert_int_equal(inode->nr_dirty, 2);			/* the edges 0 and 2 */
	assert_int_equal(machine_byte(fx, inode, 3999), 's');
	assert_int_equal(machine_byte(fx, inode, 4000), 0);
	assert_int_equal(machine_byte(fx, inode, 5000), 0);
	assert_int_equal(machine_byte(fx, inode, 8999), 0);
	assert_int_equal(machine_byte(fx, inode, 9000), 's');
	assert_int_equal(filemap_write_range(mapping, 0, LLONG_MAX, true), 0);
	assert_int_equal(inode->upper.nr, 3);
	truncate_inode_pages_range(mapping, 0, LLONG_MAX); /* read back from upper */
	assert_int_equal(machine_byte(fx, inode, 3999), 's');
	assert_int_equal(machine_byte(fx, inode, 4096), 0);
	assert_int_equal(machine_byte(fx, inode, 8999), 0);
	assert_int_equal(machine_byte(fx, inode, 9999), 's');
	{	/* a write over the hole page: its own copy, the marker untouched */
		struct page *p = filemap_get_page(mapping, 1, FGP_CREAT, NULL);

		memset(page_address(mapping->pgdat, p), 'w', 4096);
		set_page_dirty(p);
		put_page(mapping->pgdat, p);
	}
	assert_int_equal(filemap_write_range(mapping, 0, LLONG_MAX, true), 0);
	assert_int_equal(inode->upper.nr, 3);
	truncate_inode_pages_range(mapping, 0, LLONG_MAX);
	assert_int_equal(machine_byte(fx, inode, 4096), 'w');
	assert_int_equal(vfs_punch_hole(inode, 8192, 4096), 0);	/* the last, partial page */
	assert_int_equal(machine_byte(fx, inode, 9999), 0);
	iput(inode);
}

/*
 * Pages written through a shared mapping, then MADV_REMOVE over the middle two of four: they
 * read zeros through the mapping, the others keep what was written; for a file (@fd >= 0 on
 * the host, @path in mmlab) and for shared anonymous memory (-1, NULL). The host does the
 * same; both give the same bytes.
 */
static void remove_written(struct fixture *fx, const char *path, int hfd)
{
	size_t len = 4 * 4096;
	int fd = path ? mmlab_openat(fx->t, path, O_RDWR, 0) : -1;
	int mflags = MAP_SHARED | (path ? 0 : MAP_ANONYMOUS);
	struct mmlab_fault f;
	unsigned char mine[4], host[4];
	uint64_t addr;
	char *hm;

	assert_true(!path || fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, len, PROT_READ | PROT_WRITE, mflags, fd, 0, &addr),
			 0);
	hm = mmap(NULL, len, PROT_READ | PROT_WRITE, mflags, hfd, 0);
	assert_true(hm != MAP_FAILED);
	for (int p = 0; p < 4; p++) {
		assert_int_equal(mmlab_poke(fx->t, addr + p * 4096 + 9, "X", 1, &f), 0);
		hm[p * 4096 + 9] = 'X';
	}
	assert_int_equal(mmlab_madvise(fx->t, addr + 4096, 2 * 4096, MADV_REMOVE), 0);
	assert_int_equal(madvise(hm + 4096, 2 * 4096, MADV_REMOVE), 0);
	for (int p = 0; p < 4; p++) {
		assert_int_equal(mmlab_peek(fx->t, addr + p * 4096 + 9, &mine[p], 1, &f), 0);
		host[p] = (unsigned char)hm[p * 4096 + 9];
		assert_int_equal(mine[p], p == 1 || p == 2 ? 0 : 'X');
		assert_int_equal(host[p], mine[p]);
	}
	munmap(hm, len);
	assert_int_equal(mmlab_munmap(fx->t, addr, len), 0);
	if (path)
		assert_int_equal(mmlab_close(fx->t, fd), 0);
}

static void test_remove_written(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];
	int hfd;

	remove_written(fx, NULL, -1);
	snprintf(path, sizeof(path), "%s/host-big", fx->root);
	hfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(hfd >= 0);
	assert_int_equal(ftruncate(hfd, BIG_PAGES * 4096), 0);
	remove_written(fx, "/big", hfd);
	close(hfd);
}

/*
 * MADV_DONTNEED on file mappings (zap): a shared mapping's written page stays the file's (the
 * dirty page stays in the cache and reads back); a private mapping's copy is dropped and the
 * file's bytes come back. The host, on its own file of the same bytes, gives the same.
 */
static void dontneed_case(struct fixture *fx, int mflags, char want)
{
	char path[PATH_MAX], got, hgot;
	size_t len = 2 * 4096;
	struct mmlab_fault f;
	uint64_t addr;
	int fd, hfd;
	char *hm;

	fd = mmlab_openat(fx->t, "/big", O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, len, PROT_READ | PROT_WRITE, mflags, fd, 0, &addr),
			 0);
	put_file(fx, "host-dn", BIG_PAGES * 4096, 'b');
	snprintf(path, sizeof(path), "%s/host-dn", fx->root);
	hfd = open(path, O_RDWR);
	assert_true(hfd >= 0);
	hm = mmap(NULL, len, PROT_READ | PROT_WRITE, mflags, hfd, 0);
	assert_true(hm != MAP_FAILED);
	assert_int_equal(mmlab_poke(fx->t, addr + 5, "Y", 1, &f), 0);
	hm[5] = 'Y';
	assert_int_equal(mmlab_madvise(fx->t, addr, len, MADV_DONTNEED), 0);
	assert_int_equal(madvise(hm, len, MADV_DONTNEED), 0);
	assert_int_equal(mmlab_peek(fx->t, addr + 5, &got, 1, &f), 0);
	hgot = hm[5];
	assert_int_equal(got, want);
	assert_int_equal(hgot, want);
	munmap(hm, len);
	close(hfd);
	unlink(path);
	assert_int_equal(mmlab_munmap(fx->t, addr, len), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

static void test_dontneed(void **state)
{
	dontneed_case(*state, MAP_PRIVATE, 'b');	/* first: the shared case writes the file */
	dontneed_case(*state, MAP_SHARED, 'Y');
}

/* The VmFlags line of the smaps entry at @addr, from @text (smaps output). */
static void vmflags_at(const char *text, unsigned long addr, char *out, size_t size)
{
	char head[32];
	const char *p, *f;

	snprintf(head, sizeof(head), "%08lx-", addr);
	p = strstr(text, head);
	assert_non_null(p);
	f = strstr(p, "VmFlags:");
	assert_non_null(f);
	snprintf(out, size, "%.*s", (int)strcspn(f, "\n"), f);
}

/* smaps of the host's own process, for the same check on its side. */
static char *host_smaps(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char *text = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *out = open_memstream(&text, &len);

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)))
		fwrite(buf, 1, n, out);
	fclose(f);
	fclose(out);
	return text;
}

/*
 * MADV_SEQUENTIAL and MADV_RANDOM set the VMA's readahead hint (smaps "sr", "rr"), each
 * clearing the other, MADV_NORMAL both, on a file mapping as on the host's.
 */
static void test_seq_rand_flags(void **state)
{
	static const struct {
		int advice;
		bool sr, rr;
	} steps[] = {
		{ MADV_SEQUENTIAL, true, false },
		{ MADV_RANDOM, false, true },
		{ MADV_NORMAL, false, false },
	};
	struct fixture *fx = *state;
	char path[PATH_MAX], flags[256], *text;
	size_t len = 4 * 4096, tlen;
	uint64_t addr;
	int fd, hfd;
	char *hm;

	fd = mmlab_openat(fx->t, "/big", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, len, PROT_READ, MAP_PRIVATE, fd, 0, &addr), 0);
	snprintf(path, sizeof(path), "%s/big", fx->root);
	hfd = open(path, O_RDONLY);
	hm = mmap(NULL, len, PROT_READ, MAP_PRIVATE, hfd, 0);
	assert_true(hm != MAP_FAILED);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		FILE *f;

		assert_int_equal(mmlab_madvise(fx->t, addr, len, steps[k].advice), 0);
		text = NULL;
		f = open_memstream(&text, &tlen);
		assert_int_equal(mmlab_proc_smaps(fx->t, f), 0);
		fclose(f);
		vmflags_at(text, (unsigned long)addr, flags, sizeof(flags));
		free(text);
		assert_int_equal(strstr(flags, " sr") != NULL, steps[k].sr);
		assert_int_equal(strstr(flags, " rr") != NULL, steps[k].rr);
		assert_int_equal(madvise(hm, len, steps[k].advice), 0);
		text = host_smaps();
		vmflags_at(text, (unsigned long)hm, flags, sizeof(flags));
		free(text);
		assert_int_equal(strstr(flags, " sr") != NULL, steps[k].sr);
		assert_int_equal(strstr(flags, " rr") != NULL, steps[k].rr);
	}
	munmap(hm, len);
	close(hfd);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_willneed_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_willneed_offset_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_willneed_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_remove_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_punches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_anon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_punch_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_rand_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dontneed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
