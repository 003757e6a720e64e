// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Faults on file mappings (src/mm/filemap_fault.c, truncate.c, msync.c): read faults with
 * fault-around and their major/minor accounting, the readahead hints, SIGBUS past the end and
 * the zeroed tail of the last page, MAP_PRIVATE COW from the cache, MAP_SHARED dirtying with
 * write-notify, msync(MS_SYNC) cleaning the entries, truncation while mapped (private copies
 * included), i_mmap across split/merge/mremap/fork, dirty pages outliving munmap, and the
 * smaps/pagemap figures of file pages. White-box where the public API has no call yet (the
 * truncation is do_truncate's). Every test runs on a host file of its own under /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"
#include "mm/file.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"

#define PG 4096UL
#define O_RDONLY_ 0	/* <fcntl.h> and fs.h both define F_SEAL_*: not included */
#define O_RDWR_ 2
#define BUS_ADRERR_ 2
#define PM_FILE_ (1ULL << 61)
#define PM_PRESENT_ (1ULL << 63)

struct env {
	struct mmlab_machine *m;
	struct mmlab_task *t;
	char path[64];
};

/* A host file of @pages pages plus @tail bytes, byte i of page p being (p * 7 + i) & 0xff. */
static void make_file(struct env *e, unsigned long pages, unsigned long tail)
{
	unsigned char buf[PG];
	int fd;

	strcpy(e->path, "/tmp/mmlab_filefault_XXXXXX");
	fd = mkstemp(e->path);
	assert_true(fd >= 0);
	for (unsigned long p = 0; p <= pages; p++) {
		size_t n = p < pages ? PG : tail;

		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)((p * 7 + i) & 0xff);
		if (n)
			assert_int_equal(write(fd, buf, n), (ssize_t)n);
	}
	close(fd);
}

static int setup(void **state)
{
	/* read_ahead_kb 128, max_sectors_kb 1280: the figures below, whatever the host disk */
	struct mmlab_machine_config cfg = { .ram_bytes = 64UL << 20, .nr_cpus = 2,
					    .readahead_kb = 128, .max_sectors_kb = 1280 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(mmlab_machine_create(&cfg, &e->m), 0);
	assert_int_equal(mmlab_task_create(e->m, &tc, &e->t), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	if (e->t)
		mmlab_exit(e->t);
	assert_int_equal(mmlab_machine_validate(e->m), 0);
	mmlab_machine_destroy(e->m);
	if (e->path[0])
		unlink(e->path);
	free(e);
	return 0;
}

static int open_file(struct env *e, int flags)
{
	int fd = mmlab_open(e->t, e->path, flags);

	assert_true(fd >= 0);
	return fd;
}

/*
 * Maps at the next 16 MiB-aligned slot from 4 GiB up: fault-around windows are aligned in
 * the address space, so the figures below assume mappings that start on a window.
 */
static uint64_t map_file(struct mmlab_task *t, uint64_t len, int prot, int flags, int fd,
			 uint64_t off)
{
	static uint64_t next = 1UL << 32;
	uint64_t a;

	assert_int_equal(mmlab_mmap(t, next, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off,
				    &a), 0);
	next += 16UL << 20;
	return a;
}

static struct mmlab_task_mem mem(struct mmlab_task *t)
{
	struct mmlab_task_mem st;

	mmlab_task_mem(t, &st);
	return st;
}

static unsigned char get_byte(struct mmlab_task *t, uint64_t a)
{
	unsigned char v = 0xee;

	assert_int_equal(mmlab_peek(t, a, &v, 1, NULL), 0);
	return v;
}

static void put_byte(struct mmlab_task *t, uint64_t a, unsigned char v)
{
	assert_int_equal(mmlab_poke(t, a, &v, 1, NULL), 0);
}

static unsigned char file_byte(unsigned long p, unsigned long i)
{
	return (unsigned char)((p * 7 + i) & 0xff);
}

static void expect_sigbus(struct mmlab_task *t, uint64_t a, const char *mode)
{
	struct mmlab_fault f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(mmlab_touch(t, a, 1, mode, &f), -EFAULT);
	assert_int_equal(f.signo, SIGBUS);
	assert_int_equal(f.code, BUS_ADRERR_);
	assert_int_equal(f.addr, a);
}

/* One smaps counter (kB) of the VMA starting at @start. */
static uint64_t smaps_kb(struct mmlab_task *t, uint64_t start, const char *label)
{
	char *buf = NULL, line[256], head[32];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	bool in = false;
	uint64_t v = UINT64_MAX;

	assert_non_null(out);
	assert_int_equal(mmlab_proc_smaps(t, out), 0);
	fclose(out);
	out = fmemopen(buf, len, "r");
	snprintf(head, sizeof(head), "%08lx-", (unsigned long)start);
	while (fgets(line, sizeof(line), out)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' ') && line[0] != ' ' &&
		    strncmp(line, "VmFlags", 7))
			in = !strncmp(line, head, strlen(head));
		if (in && !strncmp(line, label, strlen(label)) && line[strlen(label)] == ':')
			v = strtoull(line + strlen(label) + 1, NULL, 10);
	}
	fclose(out);
	free(buf);
	assert_true(v != UINT64_MAX);
	return v;
}

/* The file behind @fd (white-box: the fd table). */
static struct file *fd_file(struct mmlab_task *t, int fd)
{
	return t->fds[fd];
}

/* A cold read fault is major; it reads around and the retry maps the aligned 16-page window. */
static void test_read_fault_around(void **state)
{
	struct env *e = *state;
	uint64_t a;
	int fd;

	make_file(e, 64, 0);
	fd = open_file(e, O_RDONLY_);
	a = map_file(e->t, 64 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_int_equal(get_byte(e->t, a + 20 * PG + 5), file_byte(20, 5));
	assert_int_equal(mem(e->t).majflt, 1);
	/* read-around put [4, 36) in the cache, its marker on 28: the window [16, 32) less 28 */
	assert_int_equal(mem(e->t).rss_file, 15);
	assert_int_equal(get_byte(e->t, a + 17 * PG), file_byte(17, 0)); /* mapped: no fault */
	assert_int_equal(mem(e->t).minflt + mem(e->t).majflt, 1);
	/* the marker page: a minor fault that reads the next window ahead */
	assert_int_equal(get_byte(e->t, a + 28 * PG + 1), file_byte(28, 1));
	assert_int_equal(mem(e->t).majflt, 1);
	assert_int_equal(mem(e->t).minflt, 1);
	assert_int_equal(mem(e->t).rss_file, 16);
	/* a cached window elsewhere: minor, all 16 mapped */
	assert_int_equal(get_byte(e->t, a + 5 * PG), file_byte(5, 0));
	assert_int_equal(mem(e->t).majflt, 1);
	assert_int_equal(mem(e->t).rss_file, 16 + 12);	/* [0, 16) less [0, 4) not cached */
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* MADV_RANDOM: no readahead, the retry maps the faulting page alone. */
static void test_random_advice(void **state)
{
	struct env *e = *state;
	uint64_t a;
	int fd;

	make_file(e, 32, 0);
	fd = open_file(e, O_RDONLY_);
	a = map_file(e->t, 32 * PG, PROT_READ, MAP_SHARED, fd, 0);
	assert_int_equal(mmlab_madvise(e->t, a, 32 * PG, MADV_RANDOM), 0);
	assert_int_equal(get_byte(e->t, a + 3 * PG), file_byte(3, 0));
	assert_int_equal(get_byte(e->t, a + 9 * PG), file_byte(9, 0));
	assert_int_equal(mem(e->t).majflt, 2);
	assert_int_equal(mem(e->t).rss_file, 2);
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* MADV_WILLNEED reads the range into the cache (no marker) and maps nothing: later faults
 * there are minor. */
static void test_willneed(void **state)
{
	struct env *e = *state;
	unsigned char vec[64];
	uint64_t a;
	int fd;

	make_file(e, 64, 0);
	fd = open_file(e, O_RDONLY_);
	a = map_file(e->t, 64 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_int_equal(mmlab_madvise(e->t, a + 8 * PG, 24 * PG, MADV_WILLNEED), 0);
	assert_int_equal(mem(e->t).rss_file, 0);
	assert_int_equal(mmlab_mincore(e->t, a, 64 * PG, vec), 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(vec[i], i >= 8 && i < 32);
	assert_int_equal(get_byte(e->t, a + 20 * PG + 1), file_byte(20, 1));
	assert_int_equal(mem(e->t).majflt, 0);
	assert_int_equal(mem(e->t).rss_file, 16);	/* the window [16, 32), all cached */
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* The partial last page reads zeros past the end; the page after it is SIGBUS. */
static void test_eof(void **state)
{
	struct env *e = *state;
	uint64_t a;
	int fd;

	make_file(e, 2, 100);
	fd = open_file(e, O_RDWR_);
	a = map_file(e->t, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_int_equal(get_byte(e->t, a + 2 * PG + 99), file_byte(2, 99));
	assert_int_equal(get_byte(e->t, a + 2 * PG + 100), 0);
	assert_int_equal(get_byte(e->t, a + 3 * PG - 1), 0);
	expect_sigbus(e->t, a + 3 * PG, "r");
	expect_sigbus(e->t, a + 3 * PG + 5, "w");
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* MAP_PRIVATE: reads share the cache page, a write copies it; other mappings keep the file. */
static void test_private_cow(void **state)
{
	struct env *e = *state;
	uint64_t a, b;
	int fd;

	make_file(e, 4, 0);
	fd = open_file(e, O_RDONLY_);
	a = map_file(e->t, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	b = map_file(e->t, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
	assert_int_equal(get_byte(e->t, a + PG), file_byte(1, 0));
	assert_int_equal(mem(e->t).rss_file, 4);
	put_byte(e->t, a + PG + 3, 0xab);
	assert_int_equal(mem(e->t).rss_file, 3);
	assert_int_equal(mem(e->t).rss_anon, 1);
	assert_int_equal(get_byte(e->t, a + PG + 3), 0xab);
	assert_int_equal(get_byte(e->t, b + PG + 3), file_byte(1, 3));
	/* a write fault on a none entry copies at once (do_cow_fault) */
	put_byte(e->t, a + 3 * PG, 0xcd);
	assert_int_equal(get_byte(e->t, b + 3 * PG), file_byte(3, 0));
	assert_int_equal(smaps_kb(e->t, a, "Anonymous"), 8);
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/*
 * MAP_SHARED: the first write after a read fault faults again (write-notify) and dirties the
 * page; another task sees it; msync(MS_SYNC) cleans and write-protects, so the next write
 * faults once more.
 */
static void test_shared_write_notify(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	uint64_t a, flt;
	int fd;

	make_file(e, 4, 0);
	fd = open_file(e, O_RDWR_);
	a = map_file(e->t, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_int_equal(get_byte(e->t, a), file_byte(0, 0));
	flt = mem(e->t).minflt + mem(e->t).majflt;
	assert_int_equal(smaps_kb(e->t, a, "Private_Clean"), 16);
	put_byte(e->t, a + 1, 0x5a);
	assert_int_equal(mem(e->t).minflt + mem(e->t).majflt, flt + 1);
	assert_int_equal(smaps_kb(e->t, a, "Private_Dirty"), 4);
	put_byte(e->t, a + 2, 0x5b);			/* writable now: no fault */
	assert_int_equal(mem(e->t).minflt + mem(e->t).majflt, flt + 1);
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(get_byte(c, a + 1), 0x5a);
	assert_int_equal(smaps_kb(e->t, a, "Shared_Dirty"), 4);
	assert_int_equal(smaps_kb(e->t, a, "Pss"), 8);	/* the child mapped all four */
	mmlab_exit(c);
	assert_int_equal(mmlab_msync(e->t, a, 4 * PG, MS_SYNC), 0);
	assert_int_equal(smaps_kb(e->t, a, "Private_Dirty"), 0);
	assert_int_equal(smaps_kb(e->t, a, "Private_Clean"), 16);
	put_byte(e->t, a + 3, 0x5c);
	assert_int_equal(mem(e->t).minflt + mem(e->t).majflt, flt + 2);
	assert_int_equal(smaps_kb(e->t, a, "Private_Dirty"), 4);
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* msync's errors: EBUSY for MS_INVALIDATE on locked memory, ENOMEM across a hole. */
static void test_msync_errors(void **state)
{
	struct env *e = *state;
	uint64_t a;
	int fd;

	make_file(e, 4, 0);
	fd = open_file(e, O_RDWR_);
	a = map_file(e->t, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_int_equal(mmlab_msync(e->t, a, 4 * PG, MS_ASYNC), 0);
	assert_int_equal(mmlab_msync(e->t, a, 4 * PG, MS_SYNC | MS_ASYNC), -EINVAL);
	assert_int_equal(mmlab_msync(e->t, a + 1, PG, MS_SYNC), -EINVAL);
	assert_int_equal(mmlab_munmap(e->t, a + PG, PG), 0);
	assert_int_equal(mmlab_msync(e->t, a, 4 * PG, MS_SYNC), -ENOMEM);
	assert_int_equal(mmlab_msync(e->t, a, 4 * PG, MS_ASYNC), -ENOMEM);
	assert_int_equal(mmlab_mlock(e->t, a + 2 * PG, PG), 0);
	assert_int_equal(mmlab_msync(e->t, a + 2 * PG, 2 * PG, MS_INVALIDATE), -EBUSY);
	assert_int_equal(mmlab_msync(e->t, a + 3 * PG, PG, MS_INVALIDATE), 0);
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* Truncation unmaps past the new end from every mapping, private copies too. */
static void test_truncate_mapped(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	uint64_t a, b;
	int fd;

	make_file(e, 8, 0);
	fd = open_file(e, O_RDWR_);
	a = map_file(e->t, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = map_file(e->t, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	assert_int_equal(get_byte(e->t, a + 7 * PG), file_byte(7, 0));
	put_byte(e->t, b + 6 * PG, 1);			/* a private copy past the new end */
	put_byte(e->t, b + 2 * PG, 2);			/* one before it */
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(get_byte(c, a + 5 * PG), file_byte(5, 0));
	assert_int_equal(do_truncate(fd_file(e->t, fd)->f_inode, 3 * PG + 10), 0);
	assert_int_equal(get_byte(e->t, a + 3 * PG + 9), file_byte(3, 9));
	assert_int_equal(get_byte(e->t, a + 3 * PG + 10), 0);	/* the tail was zeroed */
	expect_sigbus(e->t, a + 4 * PG, "r");
	expect_sigbus(e->t, b + 6 * PG, "r");		/* the copy went too */
	expect_sigbus(c, a + 5 * PG, "r");
	expect_sigbus(c, b + 6 * PG, "w");
	assert_int_equal(get_byte(e->t, b + 2 * PG), 2);	/* the copy before the end stays */
	assert_int_equal(get_byte(c, b + 2 * PG), 2);
	assert_int_equal(mmlab_task_validate(e->t), 0);
	assert_int_equal(mmlab_task_validate(c), 0);
	mmlab_exit(c);
}

/* i_mmap query visitor: counts the VMAs and checks each holds the queried page. */
struct i_mmap_count {
	pgoff_t page;
	int n;
};

static bool count_vma(struct interval_tree_node *node, void *arg)
{
	struct vm_area_struct *vma = container_of(node, struct vm_area_struct, shared);
	struct i_mmap_count *c = arg;

	assert_true(vma->vm_pgoff <= c->page && c->page <= vma_pgoff_last(vma));
	c->n++;
	return true;
}

/* The VMAs of i_mmap that map file page @page. */
static int i_mmap_at(struct address_space *mapping, pgoff_t page)
{
	struct i_mmap_count c = { .page = page };

	assert_int_equal(interval_tree_validate(&mapping->i_mmap), 0);
	(void)interval_tree_query(&mapping->i_mmap, page, page, count_vma, &c);
	return c.n;
}

/*
 * Splits, merges, mremap and fork keep every file VMA on i_mmap under its range
 * (mm_validate checks each VMA's key); a query by file page finds the VMAs that map it.
 */
static void test_i_mmap_tracks_vmas(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	struct address_space *mapping;
	uint64_t a, n;
	int fd;

	make_file(e, 16, 0);
	fd = open_file(e, O_RDWR_);
	mapping = inode_mapping(fd_file(e->t, fd)->f_inode);
	a = map_file(e->t, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_int_equal(mmlab_mprotect(e->t, a + 4 * PG, 4 * PG, PROT_READ), 0);	/* 3 VMAs */
	assert_int_equal(mmlab_task_validate(e->t), 0);
	assert_int_equal(mmlab_mremap(e->t, a + 12 * PG, 4 * PG, 4 * PG,
				      MREMAP_MAYMOVE | MREMAP_FIXED, a + 64 * PG, &n), 0);
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(mmlab_task_validate(c), 0);
	assert_int_equal(mapping->i_mmap.count, 8);	/* 4 VMAs in each task */
	assert_int_equal(mapping->i_mmap_writable, 8);	/* read-only ones may write later */
	for (pgoff_t p = 0; p < 16; p++)
		assert_int_equal(i_mmap_at(mapping, p), 2);	/* one VMA per task */
	assert_int_equal(i_mmap_at(mapping, 16), 0);
	mmlab_exit(c);
	assert_int_equal(mmlab_mprotect(e->t, a + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mapping->i_mmap.count, 2);	/* merged back, and the moved piece */
	assert_int_equal(mapping->i_mmap_writable, 2);
	assert_int_equal(i_mmap_at(mapping, 5), 1);
	/* A private mapping of pages 2-5 is on i_mmap too. */
	n = map_file(e->t, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
	assert_int_equal(i_mmap_at(mapping, 1), 1);
	assert_int_equal(i_mmap_at(mapping, 2), 2);
	assert_int_equal(i_mmap_at(mapping, 5), 2);
	assert_int_equal(i_mmap_at(mapping, 6), 1);
	assert_int_equal(mmlab_munmap(e->t, n, 4 * PG), 0);
	assert_int_equal(mmlab_munmap(e->t, a, 128 * PG), 0);
	assert_true(interval_tree_empty(&mapping->i_mmap));
	assert_int_equal(mapping->i_mmap_writable, 0);
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* A shared write survives munmap: the dirty page stays in the cache for the next mapping. */
static void test_dirty_outlives_munmap(void **state)
{
	struct env *e = *state;
	uint64_t a;
	int fd;

	make_file(e, 2, 0);
	fd = open_file(e, O_RDWR_);
	a = map_file(e->t, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	put_byte(e->t, a + PG + 7, 0x77);
	assert_int_equal(mmlab_munmap(e->t, a, 2 * PG), 0);
	a = map_file(e->t, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_int_equal(get_byte(e->t, a + PG + 7), 0x77);
	assert_int_equal(mem(e->t).majflt, 1);		/* only the first fault read the file */
	assert_int_equal(smaps_kb(e->t, a, "Private_Dirty"), 4);	/* PageDirty */
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/* pagemap marks file pages (bit 61), not anonymous copies; Pss halves across a fork. */
static void test_pagemap_and_pss(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	uint64_t a, pm[2];
	int fd;

	make_file(e, 2, 0);
	fd = open_file(e, O_RDONLY_);
	a = map_file(e->t, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	assert_int_equal(get_byte(e->t, a), file_byte(0, 0));
	put_byte(e->t, a + PG, 1);
	assert_int_equal(mmlab_pagemap(e->t, a, 2 * PG, pm), 0);
	assert_true(pm[0] & PM_PRESENT_);
	assert_true(pm[0] & PM_FILE_);
	assert_false(pm[1] & PM_FILE_);
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(get_byte(c, a), file_byte(0, 0));
	assert_int_equal(smaps_kb(e->t, a, "Rss"), 8);
	assert_int_equal(smaps_kb(e->t, a, "Pss"), 4);	/* two halves of two shared pages */
	assert_int_equal(smaps_kb(e->t, a, "Shared_Clean"), 4);
	assert_int_equal(smaps_kb(e->t, a, "Shared_Dirty"), 4);
	mmlab_exit(c);
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

/*
 * Shared anonymous memory lives in a shmem inode's page cache: a write maps its own page
 * only, a read maps what the cache holds around it (fault-around), holes read as new zeroed
 * pages; a fork child finds the parent's pages there.
 */
static void test_shmem_page_cache(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	struct address_space *mapping;
	uint64_t a;

	assert_int_equal(mmlab_mmap(e->t, 1UL << 36, 32 * PG, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, &a), 0);
	put_byte(e->t, a, 1);
	put_byte(e->t, a + 5 * PG, 5);
	assert_int_equal(mem(e->t).rss_shmem, 2);
	mmap_read_lock(task_mm(e->t));
	mapping = inode_mapping(find_vma(task_mm(e->t), a)->vm_file->f_inode);
	mmap_read_unlock(task_mm(e->t));
	assert_int_equal(mapping->nrpages, 2);
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(mem(c).rss_shmem, 0);
	assert_int_equal(get_byte(c, a + 4 * PG), 0);	/* a hole: a new page, 0 and 5 around it */
	assert_int_equal(mem(c).rss_shmem, 3);
	assert_int_equal(get_byte(c, a + 5 * PG), 5);
	assert_int_equal(mapping->nrpages, 3);
	put_byte(c, a + 20 * PG, 20);
	assert_int_equal(get_byte(e->t, a + 20 * PG), 20);
	mmlab_exit(c);
	/* grown by mremap: the inode keeps its size, the new part has no page (SIGBUS) */
	assert_int_equal(mmlab_mremap(e->t, a, 32 * PG, 40 * PG, MREMAP_MAYMOVE, 0, &a), 0);
	assert_int_equal(get_byte(e->t, a + 20 * PG), 20);
	expect_sigbus(e->t, a + 35 * PG, "r");
	assert_int_equal(mmlab_task_validate(e->t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_fault_around, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_advice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_willneed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_cow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_write_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msync_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i_mmap_tracks_vmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_outlives_munmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagemap_and_pss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shmem_page_cache, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
