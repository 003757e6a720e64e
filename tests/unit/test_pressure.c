// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory pressure (src/mm/psi.c) from reclaim and refaults, through the public API:
 *  - a run that fits in RAM stalls nothing: /proc/pressure/memory's some and full totals
 *    stay 0 however much it faults;
 *  - a run forced into direct reclaim (a file three times the machine's RAM mapped and read
 *    through, so that allocations find free memory below min) stalls: the some and full
 *    totals are the pages direct reclaim examined (pgscan_direct) at PSI_SCAN_NS each, and
 *    kswapd's scanning adds nothing;
 *  - a major fault that reads back a page of the workingset (a file page evicted while
 *    active, whose shadow entry restores it: workingset_restore_file) stalls PSI_IO_NS more;
 *    one that reads a page for the first time does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"
#include "proc_value.h"

#define PG 4096UL
#define SCAN_NS 100ULL		/* psi.h's PSI_SCAN_NS */
#define IO_NS 100000ULL		/* psi.h's PSI_IO_NS */

struct fix {
	char path[PATH_MAX];
	struct mmlab_machine *m;
	struct mmlab_task *t;
};

static uint64_t vmstat(struct mmlab_machine *m, const char *name)
{
	uint64_t v = proc_vmstat_value(m, name);

	assert_true(v != UINT64_MAX);
	return v;
}

/* A machine of @ram bytes with readahead windows of @ra_kb (-1: off, a page a fault) and a
 * host file of @pages. */
static struct fix *fix_new(size_t ram, size_t pages, int ra_kb)
{
	struct mmlab_machine_config mc = { .ram_bytes = ram, .readahead_kb = ra_kb };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct fix *f = calloc(1, sizeof(*f));
	char buf[PG];
	int fd;

	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "/var/tmp/mmlab-pressure.XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	for (size_t i = 0; i < pages; i++) {
		memset(buf, (int)(i & 0xff), sizeof(buf));
		assert_int_equal(write(fd, buf, PG), (ssize_t)PG);
	}
	close(fd);
	assert_int_equal(mmlab_machine_create(&mc, &f->m), 0);
	assert_int_equal(mmlab_task_create(f->m, &tc, &f->t), 0);
	return f;
}

static void fix_free(struct fix *f)
{
	unlink(f->path);
	mmlab_task_destroy(f->t);
	mmlab_machine_destroy(f->m);
	free(f);
}

/* Maps the file shared read-only and reads each page of [from, to) once. */
static uint64_t map_and_read(struct fix *f, int fd, size_t pages, size_t from, size_t to)
{
	uint64_t a;

	assert_int_equal(mmlab_mmap(f->t, 0, pages * PG, PROT_READ, MAP_SHARED, fd, 0, &a), 0);
	for (size_t i = from; i < to; i++)
		assert_int_equal(mmlab_touch(f->t, a + i * PG, 1, "r", NULL), 0);
	return a;
}

static void no_pressure_no_stall(void **state)
{
	struct fix *f = fix_new(16UL << 20, 256, -1);
	struct mmlab_pressure_stats st;
	struct mmlab_task_mem tm;
	uint64_t a;
	int fd = mmlab_open(f->t, f->path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(f->t, 0, 256 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
	assert_int_equal(mmlab_touch(f->t, a, 256 * PG, "w", NULL), 0);
	(void)map_and_read(f, fd, 256, 0, 256);
	mmlab_task_mem(f->t, &tm);
	assert_true(tm.majflt > 0);	/* first reads of a file: I/O, not stalls */
	assert_int_equal(mmlab_pressure_get(f->m, &st), 0);
	assert_true(st.clock_ns > 0);
	assert_int_equal(st.some_ns, 0);
	assert_int_equal(st.full_ns, 0);
	assert_int_equal(vmstat(f->m, "allocstall_normal"), 0);
	assert_int_equal(mmlab_close(f->t, fd), 0);
	fix_free(f);
}

static void direct_reclaim_stalls(void **state)
{
	const size_t ram = 8UL << 20, pages = 3 * ram / PG, chunk = 512;
	struct fix *f = fix_new(ram, pages, -1);
	struct mmlab_pressure_stats st;
	uint64_t scanned, buf;
	int fd = mmlab_open(f->t, f->path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	/* 2 MiB reads: kswapd runs only when a read returns, so each read's allocations fall
	 * to min and reclaim directly (read() allocates with direct reclaim allowed) */
	assert_int_equal(mmlab_mmap(f->t, 0, chunk * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	for (size_t i = 0; i < pages; i += chunk)
		assert_int_equal(mmlab_fd_pread(f->t, fd, buf, chunk * PG, (int64_t)(i * PG)),
				 (int64_t)(chunk * PG));
	assert_true(vmstat(f->m, "allocstall_normal") > 0);
	scanned = vmstat(f->m, "pgscan_direct");
	assert_true(scanned > 0);
	assert_int_equal(vmstat(f->m, "workingset_restore_file"), 0);
	assert_int_equal(mmlab_pressure_get(f->m, &st), 0);
	print_message("pgscan_direct %llu pgscan_kswapd %llu: some %llu ns\n",
		      (unsigned long long)scanned,
		      (unsigned long long)vmstat(f->m, "pgscan_kswapd"),
		      (unsigned long long)st.some_ns);
	assert_true(vmstat(f->m, "pgscan_kswapd") > 0);	/* kswapd ran too, unstalled */
	assert_int_equal(st.some_ns, scanned * SCAN_NS);
	assert_int_equal(st.full_ns, st.some_ns);
	assert_int_equal(mmlab_close(f->t, fd), 0);
	fix_free(f);
}

static void read_pages(struct fix *f, int fd, uint64_t buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		assert_int_equal(mmlab_fd_pread(f->t, fd, buf, 64, (int64_t)(i * PG)), 64);
}

/*
 * Workingset refaults (test_lru's recipe): a set A of half the RAM read twice (active), a
 * stream of the RAM's size read once (the inactive list runs low, so part of A is
 * deactivated, marked workingset and evicted), then A faulted back through a mapping: the
 * pages whose shadow restores them stall PSI_IO_NS each; the rest are plain I/O.
 */
static void workingset_refault_stalls(void **state)
{
	const size_t ram = 8UL << 20, nr = ram / PG, a = nr / 2;
	struct fix *f = fix_new(ram, 3 * nr, -1);
	struct mmlab_pressure_stats st0, st;
	uint64_t buf, restores, major, scanned;
	struct mmlab_task_mem tm;
	int fd = mmlab_open(f->t, f->path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(f->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	read_pages(f, fd, buf, 0, a);
	read_pages(f, fd, buf, 0, a);
	read_pages(f, fd, buf, nr, 2 * nr);
	assert_int_equal(mmlab_pressure_get(f->m, &st0), 0);
	restores = vmstat(f->m, "workingset_restore_file");
	scanned = vmstat(f->m, "pgscan_direct");
	mmlab_task_mem(f->t, &tm);
	major = tm.majflt;
	(void)map_and_read(f, fd, a, 0, a);
	restores = vmstat(f->m, "workingset_restore_file") - restores;
	scanned = vmstat(f->m, "pgscan_direct") - scanned;
	mmlab_task_mem(f->t, &tm);
	assert_int_equal(mmlab_pressure_get(f->m, &st), 0);
	print_message("restores %llu, major faults %llu, direct scans %llu: stall %llu ns more\n",
		      (unsigned long long)restores, (unsigned long long)(tm.majflt - major),
		      (unsigned long long)scanned,
		      (unsigned long long)(st.some_ns - st0.some_ns));
	assert_true(restores > 0);
	assert_true(tm.majflt - major >= restores);
	assert_int_equal(st.some_ns - st0.some_ns, restores * IO_NS + scanned * SCAN_NS);
	assert_int_equal(mmlab_close(f->t, fd), 0);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_pressure_no_stall),
		cmocka_unit_test(direct_reclaim_stalls),
		cmocka_unit_test(workingset_refault_stalls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
