// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The LRU lists and reclaim (src/phys/lru.c, src/mm/vmscan.c, the watermarks of
 * src/phys/page_alloc.c), white-box through machine_of():
 *  - the zone watermarks for a RAM size, recomputed here from Linux's formulas
 *    (calculate_min_free_kbytes: sqrt(16 x RAM in kB) clamped to [128 kB, 256 MiB];
 *    setup_per_zone_wmarks: low = min + max(min / 4, RAM x 10 / 10000), high = low + the
 *    same step);
 *  - new anonymous pages wait in the thread's batch, then go to the inactive anon list;
 *    MAP_LOCKED pages to the unevictable list, counted Mlocked; all leave at munmap;
 *  - read() marks page-cache pages accessed: the second read of a page activates it,
 *    a read that starts in the page the previous one ended in does not (pos_same_folio);
 *  - a file four times the machine's RAM read whole with pread(): reclaim drops clean
 *    page-cache pages (pgsteal_file, pgscan_*), every byte read back is the file's, the
 *    lists stay consistent and free memory never falls to zero.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "mm/machine.h"
#include "phys/lru.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096UL

struct fixture {
	char root[64];			/* mkdtemp: the machine's root */
	struct mmlab_machine *m;
	struct mmlab_task *t;
	struct pglist_data *pgdat;
};

/* A file of @pages pages whose page i is filled with byte (i * 7 + 1) & 0xff. */
static void put_file(struct fixture *fx, const char *name, size_t pages)
{
	char path[PATH_MAX], buf[PG];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fx->root, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	for (size_t i = 0; i < pages; i++) {
		memset(buf, (int)((i * 7 + 1) & 0xff), PG);
		assert_int_equal(write(fd, buf, PG), (ssize_t)PG);
	}
	close(fd);
}

static int setup_ram(void **state, size_t ram)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine_config mc = { .ram_bytes = ram };

	strcpy(fx->root, "/var/tmp/mmlab-lru-XXXXXX");
	if (!mkdtemp(fx->root))
		return -1;
	put_file(fx, "small", 4);
	put_file(fx, "big", 4 * ram / PG);
	mc.root = fx->root;
	if (mmlab_machine_create(&mc, &fx->m) || mmlab_task_create(fx->m, &tc, &fx->t))
		return -1;
	fx->pgdat = &machine_of(fx->m)->pgdat;
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	return setup_ram(state, 16UL << 20);
}

static int setup_4m(void **state)
{
	return setup_ram(state, 4UL << 20);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[PATH_MAX + 16];

	assert_int_equal(mmlab_machine_validate(fx->m), 0);
	mmlab_task_destroy(fx->t);
	mmlab_machine_destroy(fx->m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

static unsigned long lru_pages(struct fixture *fx, enum lru_list lru)
{
	return node_page_state(fx->pgdat, NR_LRU_BASE + lru);
}

static unsigned long events(struct fixture *fx, enum vm_event_item item)
{
	return sum_vm_event(&fx->pgdat->vm_events, item);
}

/* floor(sqrt(@x)) by Newton's iteration (a different method from page_alloc.c's). */
static unsigned long isqrt(unsigned long x)
{
	unsigned long r = x, y = (x + 1) / 2;

	while (y < r) {
		r = y;
		y = (r + x / r) / 2;
	}
	return r;
}

/* Linux's watermarks for a zone of @managed pages, computed independently of page_alloc.c. */
static void linux_wmarks(unsigned long managed, unsigned long w[NR_WMARK])
{
	unsigned long min_kb = isqrt(managed * (PG / 1024) * 16), min, step;

	if (min_kb < 128)
		min_kb = 128;
	if (min_kb > 262144)
		min_kb = 262144;
	min = min_kb / (PG / 1024);
	step = min / 4 > managed * 10 / 10000 ? min / 4 : managed * 10 / 10000;
	w[WMARK_MIN] = min;
	w[WMARK_LOW] = min + step;
	w[WMARK_HIGH] = min + 2 * step;
}

static void test_watermarks(void **state)
{
	static const size_t rams[] = { 16UL << 20, 64UL << 20, 1UL << 30 };
	(void)state;

	for (size_t i = 0; i < sizeof(rams) / sizeof(rams[0]); i++) {
		struct mmlab_machine_config mc = { .ram_bytes = rams[i] };
		struct mmlab_machine *m;
		unsigned long w[NR_WMARK];
		struct zone *z;

		assert_int_equal(mmlab_machine_create(&mc, &m), 0);
		z = &machine_of(m)->pgdat.zone;
		linux_wmarks(z->managed_pages, w);
		assert_int_equal(min_wmark_pages(z), w[WMARK_MIN]);
		assert_int_equal(low_wmark_pages(z), w[WMARK_LOW]);
		assert_int_equal(high_wmark_pages(z), w[WMARK_HIGH]);
		assert_int_equal(machine_of(m)->pgdat.swappiness, 60);
		mmlab_machine_destroy(m);
	}
}

static void test_anon_and_mlocked_lists(void **state)
{
	struct fixture *fx = *state;
	uint64_t a, l;

	assert_int_equal(mmlab_mmap(fx->t, 0, 10 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
	assert_int_equal(mmlab_touch(fx->t, a, 10 * PG, "w", NULL), 0);
	lru_add_drain(fx->pgdat);
	assert_int_equal(lru_pages(fx, LRU_INACTIVE_ANON), 10);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_ANON), 0);
	assert_int_equal(lru_pages(fx, LRU_UNEVICTABLE), 0);

	assert_int_equal(mmlab_mmap(fx->t, 0, 3 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0, &l), 0);
	lru_add_drain(fx->pgdat);
	assert_int_equal(lru_pages(fx, LRU_UNEVICTABLE), 3);
	assert_int_equal(node_page_state(fx->pgdat, NR_MLOCK), 3);
	assert_int_equal(lru_pages(fx, LRU_INACTIVE_ANON), 10);
	assert_int_equal(lru_validate(fx->pgdat), 0);

	assert_int_equal(mmlab_munmap(fx->t, l, 3 * PG), 0);
	assert_int_equal(mmlab_munmap(fx->t, a, 10 * PG), 0);
	assert_int_equal(lru_pages(fx, LRU_UNEVICTABLE), 0);
	assert_int_equal(node_page_state(fx->pgdat, NR_MLOCK), 0);
	assert_int_equal(lru_pages(fx, LRU_INACTIVE_ANON), 0);
}

static void test_read_marks_accessed(void **state)
{
	struct fixture *fx = *state;
	int fd = mmlab_open(fx->t, "/small", O_RDONLY);
	uint64_t buf;

	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	/* first read of page 0 in two halves: one access (the second goes on in the page) */
	assert_int_equal(mmlab_fd_read(fx->t, fd, buf, PG / 2), (int64_t)(PG / 2));
	assert_int_equal(mmlab_fd_read(fx->t, fd, buf, PG / 2), (int64_t)(PG / 2));
	lru_add_drain(fx->pgdat);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_FILE), 0);
	assert_true(lru_pages(fx, LRU_INACTIVE_FILE) >= 1);
	/* a read that starts in the page the last one ended in is no new access either */
	assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 16, 0), 16);
	lru_add_drain(fx->pgdat);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_FILE), 0);
	/* after a read of page 1, page 0 again: referenced -> active */
	assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 16, PG), 16);
	assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 16, 0), 16);
	lru_add_drain(fx->pgdat);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_FILE), 1);
	assert_int_equal(events(fx, PGACTIVATE), 1);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

static void test_reclaim_clean_file_pages(void **state)
{
	struct fixture *fx = *state;
	unsigned long pages = 4 * fx->pgdat->nr_frames, min_free = ULONG_MAX;
	int fd = mmlab_open(fx->t, "/big", O_RDONLY);
	unsigned char got[PG];
	uint64_t buf;

	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	for (unsigned long i = 0; i < pages; i++) {
		unsigned long free_now = zone_page_state_free(&fx->pgdat->zone);

		assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, PG, (int64_t)(i * PG)),
				 (int64_t)PG);
		assert_int_equal(mmlab_peek(fx->t, buf, got, PG, NULL), 0);
		for (size_t b = 0; b < PG; b += 512)
			assert_int_equal(got[b], (i * 7 + 1) & 0xff);
		if (free_now < min_free)
			min_free = free_now;
	}
	assert_true(events(fx, PGSTEAL_FILE) >= pages / 2);
	assert_true(events(fx, PGSCAN_FILE) >= events(fx, PGSTEAL_FILE));
	assert_int_equal(events(fx, PGSTEAL_ANON), 0);
	assert_int_equal(events(fx, PGSTEAL_KSWAPD) + events(fx, PGSTEAL_DIRECT),
			 events(fx, PGSTEAL_FILE));
	assert_true(events(fx, PAGEOUTRUN) > 0);	/* kswapd was woken at low */
	assert_true(node_page_state(fx->pgdat, NR_FILE_PAGES) < fx->pgdat->nr_frames);
	assert_true(min_free > 0);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watermarks),
		cmocka_unit_test_setup_teardown(test_anon_and_mlocked_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_marks_accessed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_clean_file_pages, setup_4m, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
