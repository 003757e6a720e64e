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
 *    lists stay consistent and free memory never falls to zero;
 *  - the same file mapped shared and written page by page, then read back: mapped dirty
 *    pages are unmapped through rmap, written back and freed, and refault intact;
 *  - workingset: refaults found by shadow entries, activations and restores, shadows
 *    dropped by truncation;
 *  - --lru lru: the major faults of a page-access trace equal the LRU misses that Mattson's
 *    stack-distance algorithm computes for the same trace and capacity; --lru clock: they
 *    equal a plain CLOCK simulation's.
 *
 * ctest-run-serial
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "mm/machine.h"
#include "mm/procfs.h"
#include "phys/lru.h"
#include "mmlab.h"

#include <fcntl.h>
#include <stdint.h>
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lru_fixture.h"

/*
 * A machine of @ram bytes whose root holds "small" (4 pages) and "big" (4 x @ram). Readahead
 * is off: the host device's window (often 8 MiB) would be larger than these machines' RAM.
 */
static int setup_ram(void **state, size_t ram)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine_config mc = { .ram_bytes = ram, .readahead_kb = -1 };

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

/*
 * A shared writable mapping of a file four times the RAM, every page written once, then every
 * page read back: reclaim unmaps mapped pages through the reverse map (try_to_unmap), writes
 * dirty ones back (to the overlay's upper layer) and frees them; the second pass refaults
 * each page from there with its byte intact.
 */
static void test_reclaim_mapped_dirty_file(void **state)
{
	struct fixture *fx = *state;
	unsigned long pages = 4 * fx->pgdat->nr_frames, maj0;
	int fd = mmlab_open(fx->t, "/big", O_RDWR);
	struct mmlab_task_mem ms;
	uint64_t a;

	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				    0, &a), 0);
	for (unsigned long i = 0; i < pages; i++) {
		unsigned char c = (unsigned char)(i * 3 + 5);

		assert_int_equal(mmlab_poke(fx->t, a + i * PG + 17, &c, 1, NULL), 0);
	}
	assert_true(events(fx, PGSTEAL_FILE) > 0);
	maj0 = events(fx, PGMAJFAULT);
	for (unsigned long i = 0; i < pages; i++) {
		unsigned char c[2];

		assert_int_equal(mmlab_peek(fx->t, a + i * PG + 16, c, 2, NULL), 0);
		assert_int_equal(c[0], (i * 7 + 1) & 0xff);	/* the file's own byte */
		assert_int_equal(c[1], (unsigned char)(i * 3 + 5));	/* the write */
	}
	/* most pages were gone by the second pass: it faulted them back in */
	assert_true(events(fx, PGMAJFAULT) - maj0 >= pages / 2);
	assert_true(events(fx, PGSTEAL_FILE) >= pages);
	mmlab_task_mem(fx->t, &ms);
	assert_true(ms.rss_file < fx->pgdat->nr_frames);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	assert_int_equal(mmlab_munmap(fx->t, a, pages * PG), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

static void read_pages(struct fixture *fx, int fd, uint64_t buf, unsigned long from,
		       unsigned long to)
{
	for (unsigned long i = from; i < to; i++)
		assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 64, (int64_t)(i * PG)), 64);
}

/*
 * Workingset detection: a set A of half the RAM read twice (active), a stream B read once
 * (it makes the inactive list low, so some of A is deactivated, marked workingset, and
 * evicted), then A again: those pages come back as refaults, each found by its shadow entry.
 * After a stream of the RAM's size their refault distance fits the active list: they are
 * activated at once, and restored (they had been active). After a stream half as long again,
 * the distance is longer than the workingset: refaults, not activated. A truncation drops
 * the file's shadows: reading the range again refaults nothing.
 */
static void workingset_case(struct fixture *fx, unsigned long stream, bool recent)
{
	unsigned long nr = fx->pgdat->nr_frames, a = nr / 2, refaults, activates, restores;
	int fd = mmlab_open(fx->t, "/big", O_RDWR);
	uint64_t buf;

	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	read_pages(fx, fd, buf, 0, a);
	read_pages(fx, fd, buf, 0, a);
	lru_add_drain(fx->pgdat);
	assert_true(lru_pages(fx, LRU_ACTIVE_FILE) >= a - 1);
	read_pages(fx, fd, buf, nr, nr + stream);
	assert_int_equal(node_page_state(fx->pgdat, WORKINGSET_REFAULT_FILE), 0);
	read_pages(fx, fd, buf, 0, a);
	refaults = node_page_state(fx->pgdat, WORKINGSET_REFAULT_FILE);
	activates = node_page_state(fx->pgdat, WORKINGSET_ACTIVATE_FILE);
	restores = node_page_state(fx->pgdat, WORKINGSET_RESTORE_FILE);
	print_message("A %lu pages, stream %lu: refaults %lu, activated %lu, restored %lu, "
		      "stolen %lu\n", a, stream, refaults, activates, restores,
		      events(fx, PGSTEAL_FILE));
	assert_true(refaults > 0 && refaults <= events(fx, PGSTEAL_FILE));
	if (recent) {
		assert_true(activates > 0 && activates <= refaults);
		assert_true(restores > 0 && restores <= activates);
	} else {
		assert_int_equal(activates, 0);
		assert_int_equal(restores, 0);
	}
	assert_int_equal(node_page_state(fx->pgdat, WORKINGSET_REFAULT_ANON), 0);
	assert_int_equal(mmlab_ftruncate(fx->t, fd, 0), 0);
	assert_int_equal(mmlab_ftruncate(fx->t, fd, (int64_t)(4 * nr * PG)), 0);
	read_pages(fx, fd, buf, 0, a);
	assert_int_equal(node_page_state(fx->pgdat, WORKINGSET_REFAULT_FILE), refaults);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
}

static void test_workingset_refault_activates(void **state)
{
	struct fixture *fx = *state;

	workingset_case(fx, fx->pgdat->nr_frames, true);
}

static void test_workingset_refault_too_distant(void **state)
{
	struct fixture *fx = *state;

	workingset_case(fx, fx->pgdat->nr_frames * 3 / 2, false);
}

/*
 * The pure modes against independent oracles. A page-access trace over a read-only private
 * mapping of "big" (no readahead, so that each miss reads exactly the page it misses): mmlab
 * replays it one byte per access and counts major faults; the oracle computes the misses of
 * the same trace for a memory of C frames, C being what mmlab's page cache can hold: the free
 * frames once every page table the mapping needs exists, plus the pages then resident.
 */
#define TRACE_LEN 20000
#define TRACE_PAGES 1200		/* about 2.5 x C on a 2 MiB machine */

/* xorshift64*: the trace's generator (a fixed seed: the same trace every run). */
static uint64_t trace_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/*
 * The trace: its first three accesses touch each 2 MiB table's first page (the prologue that
 * allocates the page tables), then 70% of the accesses fall in a hot window of 300 pages that
 * drifts by one page every 64 accesses, 30% anywhere in the file.
 */
static void make_trace(unsigned int *trace)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	trace[0] = 0;
	trace[1] = 512;
	trace[2] = 1024;
	for (unsigned int i = 3; i < TRACE_LEN; i++) {
		uint64_t r = trace_rand(&seed);
		unsigned int base = (i / 64) % TRACE_PAGES;

		if (r % 10 < 7)
			trace[i] = (unsigned int)((base + (r >> 8) % 300) % TRACE_PAGES);
		else
			trace[i] = (unsigned int)((r >> 8) % TRACE_PAGES);
	}
}

/*
 * LRU misses for a memory of @c frames by Mattson's stack algorithm: the stack holds the
 * pages by recency; an access's stack distance is its page's depth (cold: infinite), and it
 * misses in every memory smaller than or equal to that distance.
 */
static unsigned long lru_stack_misses(const unsigned int *trace, unsigned long c)
{
	unsigned int stack[TRACE_PAGES];
	unsigned long depth = 0, misses = 0;

	for (unsigned int i = 0; i < TRACE_LEN; i++) {
		unsigned long d = 0;

		while (d < depth && stack[d] != trace[i])
			d++;
		if (d == depth) {		/* cold */
			misses++;
			depth++;
		} else if (d >= c) {
			misses++;
		}
		memmove(&stack[1], &stack[0], d * sizeof(stack[0]));
		stack[0] = trace[i];
	}
	return misses;
}

/*
 * CLOCK misses for @c frames: a circular array of frames with a reference bit each and a
 * hand. A hit sets the bit; a miss with a free frame fills it; otherwise the hand clears set
 * bits as it passes and replaces the first page whose bit is clear. A page comes in with
 * its bit set (the access that faulted it in references it).
 */
static unsigned long clock_misses(const unsigned int *trace, unsigned long c)
{
	unsigned int *frame = calloc(c, sizeof(*frame));
	bool *ref = calloc(c, sizeof(*ref));
	long where[TRACE_PAGES];
	unsigned long used = 0, hand = 0, misses = 0;

	assert_non_null(frame);
	assert_non_null(ref);
	for (unsigned int p = 0; p < TRACE_PAGES; p++)
		where[p] = -1;
	for (unsigned int i = 0; i < TRACE_LEN; i++) {
		unsigned int p = trace[i];

		if (where[p] >= 0) {
			ref[where[p]] = true;
			continue;
		}
		misses++;
		if (used < c) {
			frame[used] = p;
			ref[used] = true;
			where[p] = (long)used++;
			continue;
		}
		while (ref[hand]) {
			ref[hand] = false;
			hand = (hand + 1) % c;
		}
		where[frame[hand]] = -1;
		frame[hand] = p;
		ref[hand] = true;
		where[p] = (long)hand;
		hand = (hand + 1) % c;
	}
	free(frame);
	free(ref);
	return misses;
}

/* Replays the trace on a fresh 2 MiB machine in @mode; *@c gets the capacity it had. */
static unsigned long replay_majflt(int mode, const unsigned int *trace, unsigned long *c)
{
	struct fixture fx = { 0 };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1 };
	struct mmlab_machine_config mc = { .ram_bytes = 2UL << 20, .readahead_kb = -1,
					   .lru_mode = mode };
	struct mmlab_task_mem ms;
	struct mmlab_stats st;
	char cmd[PATH_MAX + 16];
	unsigned long maj0;
	uint64_t a;
	int fd;

	strcpy(fx.root, "/var/tmp/mmlab-lru-XXXXXX");
	assert_non_null(mkdtemp(fx.root));
	put_file(&fx, "big", TRACE_PAGES);
	mc.root = fx.root;
	assert_int_equal(mmlab_machine_create(&mc, &fx.m), 0);
	assert_int_equal(mmlab_task_create(fx.m, &tc, &fx.t), 0);
	fd = mmlab_open(fx.t, "/big", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx.t, 0, TRACE_PAGES * PG, PROT_READ, MAP_PRIVATE, fd, 0, &a),
			 0);
	mmlab_task_mem(fx.t, &ms);
	maj0 = ms.majflt;
	for (unsigned int i = 0; i < TRACE_LEN; i++) {
		assert_int_equal(mmlab_touch(fx.t, a + trace[i] * PG + (i % 64) * 8, 1, "r", NULL),
				 0);
		if (i == 2) {	/* the prologue: every table is there, three pages resident */
			mmlab_machine_stats(fx.m, &st);
			*c = st.free_pages + 3;
		}
	}
	mmlab_task_mem(fx.t, &ms);
	assert_int_equal(mmlab_machine_validate(fx.m), 0);
	assert_int_equal(mmlab_munmap(fx.t, a, TRACE_PAGES * PG), 0);
	assert_int_equal(mmlab_close(fx.t, fd), 0);
	mmlab_task_destroy(fx.t);
	mmlab_machine_destroy(fx.m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.root);
	assert_int_equal(system(cmd), 0);
	return ms.majflt - maj0;
}

static void test_pure_lru_matches_stack_distance(void **state)
{
	unsigned int *trace = malloc(TRACE_LEN * sizeof(*trace));
	unsigned long c = 0, majflt, misses;

	(void)state;
	assert_non_null(trace);
	make_trace(trace);
	majflt = replay_majflt(MMLAB_LRU_LRU, trace, &c);
	assert_true(c > 300 && c < TRACE_PAGES);
	misses = lru_stack_misses(trace, c);
	print_message("lru: C %lu, major faults %lu, stack-distance misses %lu (C-1: %lu, "
		      "C+1: %lu)\n", c, majflt, misses, lru_stack_misses(trace, c - 1),
		      lru_stack_misses(trace, c + 1));
	assert_true(misses > TRACE_PAGES && misses < TRACE_LEN / 2);	/* a trace that tests */
	assert_int_equal(majflt, misses);
	free(trace);
}

static void test_pure_clock_matches_simulation(void **state)
{
	unsigned int *trace = malloc(TRACE_LEN * sizeof(*trace));
	unsigned long c = 0, majflt, misses;

	(void)state;
	assert_non_null(trace);
	make_trace(trace);
	majflt = replay_majflt(MMLAB_LRU_CLOCK, trace, &c);
	misses = clock_misses(trace, c);
	print_message("clock: C %lu, major faults %lu, CLOCK misses %lu (C-1: %lu, C+1: %lu; "
		      "LRU would miss %lu)\n", c, majflt, misses, clock_misses(trace, c - 1),
		      clock_misses(trace, c + 1), lru_stack_misses(trace, c));
	assert_true(misses > TRACE_PAGES && misses < TRACE_LEN / 2);
	assert_int_equal(majflt, misses);
	free(trace);
}

/*
 * The pure modes' one list holds anonymous and file pages alike; vmstat and meminfo count
 * them as Linux counts pages on no active list: written anonymous pages as inactive anon,
 * file pages read in as inactive file, nothing active (lru_validate checks the split).
 */
static void test_pure_modes_count_kinds(void **state)
{
	(void)state;
	for (int mode = MMLAB_LRU_LRU; mode <= MMLAB_LRU_CLOCK; mode++) {
		struct fixture fx = { 0 };
		struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1 };
		struct mmlab_machine_config mc = { .ram_bytes = 16UL << 20, .readahead_kb = -1,
						   .lru_mode = mode };
		unsigned long anon0, file0;
		char cmd[PATH_MAX + 16];
		uint64_t a, f;
		int fd;

		strcpy(fx.root, "/var/tmp/mmlab-lru-XXXXXX");
		assert_non_null(mkdtemp(fx.root));
		put_file(&fx, "small", 4);
		mc.root = fx.root;
		assert_int_equal(mmlab_machine_create(&mc, &fx.m), 0);
		assert_int_equal(mmlab_task_create(fx.m, &tc, &fx.t), 0);
		fx.pgdat = &machine_of(fx.m)->pgdat;
		anon0 = lru_pages(&fx, LRU_INACTIVE_ANON);
		file0 = lru_pages(&fx, LRU_INACTIVE_FILE);
		fd = mmlab_open(fx.t, "/small", O_RDONLY);
		assert_true(fd >= 0);
		assert_int_equal(mmlab_mmap(fx.t, 0, 8 * PG, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
		assert_int_equal(mmlab_mmap(fx.t, 0, 4 * PG, PROT_READ, MAP_SHARED, fd, 0, &f), 0);
		assert_int_equal(mmlab_touch(fx.t, a, 8 * PG, "w", NULL), 0);
		assert_int_equal(mmlab_touch(fx.t, f, 4 * PG, "r", NULL), 0);
		assert_int_equal(lru_pages(&fx, LRU_INACTIVE_ANON), anon0 + 8);
		assert_int_equal(lru_pages(&fx, LRU_INACTIVE_FILE), file0 + 4);
		assert_int_equal(lru_pages(&fx, LRU_ACTIVE_ANON), 0);
		assert_int_equal(lru_pages(&fx, LRU_ACTIVE_FILE), 0);
		assert_int_equal(mmlab_machine_validate(fx.m), 0);
		assert_int_equal(mmlab_close(fx.t, fd), 0);
		mmlab_task_destroy(fx.t);
		mmlab_machine_destroy(fx.m);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.root);
		assert_int_equal(system(cmd), 0);
	}
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define NPO 16UL
/* kpageflags' REFERENCED, DIRTY, LRU, ACTIVE, WRITEBACK, RECLAIM, UNEVICTABLE */
#define KPF_PAGEOUT ((1ULL << 2) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) | (1ULL << 8) | \
		     (1ULL << 9) | (1ULL << 18))

/* The host frame mapped at @addr (root's pagemap), 0 when none is shown. */
static uint64_t host_pfn(const void *addr)
{
	uint64_t pm = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &pm, 8, (off_t)((uintptr_t)addr / PG * 8)) != 8)
		pm = 0;
	close(fd);
	return pm >> 63 ? pm & ((1ULL << 55) - 1) : 0;
}

/* /proc/kpageflags of host frame @pfn; -1 when it cannot be read. */
static int64_t host_kpageflags(uint64_t pfn)
{
	uint64_t kf;
	int fd = open("/proc/kpageflags", O_RDONLY);
	bool ok;

	if (fd < 0)
		return -1;
	ok = pread(fd, &kf, 8, (off_t)(pfn * 8)) == 8;
	close(fd);
	return ok ? (int64_t)kf : -1;
}

/* The host's /proc/vmstat @name. */
static uint64_t host_vmstat(const char *name)
{
	char key[64];
	unsigned long long v, found = 0;
	FILE *fp = fopen("/proc/vmstat", "r");

	assert_non_null(fp);
	while (fscanf(fp, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(fp);
	return found;
}

/*
 * Drains the LRU batches of every CPU in @cpus on the host, by running there the MADV_COLD of
 * the page-less @hd; the thread ends pinned to @home. A writeback may end on any CPU, and its
 * move-to-tail batch is that CPU's.
 */
static void host_drain_cpus(const cpu_set_t *cpus, int home, void *hd)
{
	cpu_set_t one;

	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, cpus))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (!sched_setaffinity(0, sizeof(one), &one))
			assert_int_equal(madvise(hd, PG, MADV_COLD), 0);
	}
	CPU_ZERO(&one);
	CPU_SET(home, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
}

/* Each frame's KPF_PAGEOUT bits on both sides: whether they agree (both printed if not). */
static bool same_frames(const char *step, const uint64_t *hpfn, struct fixture *fx,
			const uint64_t *mpfn)
{
	bool same = true;

	for (unsigned long i = 0; i < NPO; i++) {
		int64_t hf = host_kpageflags(hpfn[i]);
		uint64_t mf = stable_page_flags(fx->pgdat, pfn_to_page(fx->pgdat, mpfn[i]));

		assert_true(hf >= 0);
		if (((uint64_t)hf & KPF_PAGEOUT) != (mf & KPF_PAGEOUT)) {
			print_message("%s: page %lu: host %#llx mmlab %#llx\n", step, i,
				      (unsigned long long)hf, (unsigned long long)mf);
			same = false;
		}
	}
	return same;
}

/*
 * The host against mmlab: dirty pages of a shared file mapping that MADV_PAGEOUT finds are
 * unmapped, marked PG_reclaim and activated (reclaim_pages does not write file pages back);
 * the fsync that cleans them moves them to the inactive list's tail (pgrotated), PG_reclaim
 * cleared. The frames are compared through kpageflags after each step (drained, on one CPU),
 * and pgactivate's and pgrotated's changes (machine-wide on the host: up to 5 rounds, each
 * on pages of the files not used before).
 */
static void test_pageout_dirty_file_reclaim_flag(void **state)
{
	struct fixture *fx = *state;
	uint64_t hpfn[NPO], mpfn[NPO], md, ma, h0[2], h1[2], m0[2], m1[2];
	const char *ev[2] = { "pgactivate", "pgrotated" };
	const enum vm_event_item mev[2] = { PGACTIVATE, PGROTATED };
	struct mmlab_page_walk w;
	unsigned char *hd, *h;
	char path[PATH_MAX];
	bool same = false;
	cpu_set_t one, all;
	int hfd, mfd, home;

	if (!host_pfn(&fx) || host_kpageflags(host_pfn(&fx)) < 0)
		skip();	/* frames not shown: not root */
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	home = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(home, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	put_file(fx, "host", 5 * NPO);	/* a file of its own: mmlab's writes go to "big" */
	snprintf(path, sizeof(path), "%s/host", fx->root);
	hfd = open(path, O_RDWR);
	mfd = mmlab_open(fx->t, "/big", O_RDWR);
	assert_true(hfd >= 0 && mfd >= 0);
	hd = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(hd != MAP_FAILED);
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &md), 0);
	for (int round = 0; round < 5 && !same; round++) {
		off_t off = (off_t)(round * NPO * PG);

		h = mmap(NULL, NPO * PG, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, off);
		assert_true(h != MAP_FAILED);
		assert_int_equal(mmlab_mmap(fx->t, 0, NPO * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
					    mfd, (uint64_t)off, &ma), 0);
		memset(h, 'z', NPO * PG);
		assert_int_equal(mmlab_touch(fx->t, ma, NPO * PG, "w", NULL), 0);
		for (unsigned long i = 0; i < NPO; i++) {
			hpfn[i] = host_pfn(h + i * PG);
			assert_int_equal(mmlab_page_walk(fx->t, ma + i * PG, &w), 0);
			mpfn[i] = w.pfn;
			assert_true(hpfn[i] && w.mapped);
		}
		/* drains: MADV_COLD of a VMA without pages empties this CPU's batches */
		assert_int_equal(madvise(hd, PG, MADV_COLD), 0);
		assert_int_equal(mmlab_madvise(fx->t, md, PG, MADV_COLD), 0);
		same = same_frames("dirty", hpfn, fx, mpfn);
		for (int i = 0; i < 2; i++) {
			h0[i] = host_vmstat(ev[i]);
			m0[i] = events(fx, mev[i]);
		}
		assert_int_equal(madvise(h, NPO * PG, MADV_PAGEOUT), 0);
		assert_int_equal(mmlab_madvise(fx->t, ma, NPO * PG, MADV_PAGEOUT), 0);
		assert_int_equal(madvise(hd, PG, MADV_COLD), 0);
		assert_int_equal(mmlab_madvise(fx->t, md, PG, MADV_COLD), 0);
		same &= same_frames("MADV_PAGEOUT", hpfn, fx, mpfn);
		assert_int_equal(fsync(hfd), 0);
		assert_int_equal(mmlab_fsync(fx->t, mfd), 0);
		host_drain_cpus(&all, home, hd);
		assert_int_equal(mmlab_madvise(fx->t, md, PG, MADV_COLD), 0);
		same &= same_frames("fsync", hpfn, fx, mpfn);
		for (int i = 0; i < 2; i++) {
			h1[i] = host_vmstat(ev[i]);
			m1[i] = events(fx, mev[i]);
			print_message("%s: host %+lld mmlab %+lld\n", ev[i],
				      (long long)(h1[i] - h0[i]), (long long)(m1[i] - m0[i]));
			same &= h1[i] - h0[i] == m1[i] - m0[i];
		}
		munmap(h, NPO * PG);
		assert_int_equal(mmlab_munmap(fx->t, ma, NPO * PG), 0);
	}
	assert_true(same);
	assert_int_equal(node_page_state(fx->pgdat, NR_VMSCAN_IMMEDIATE) >= NPO, 1);
	munmap(hd, PG);
	close(hfd);
	assert_int_equal(mmlab_close(fx->t, mfd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watermarks),
		cmocka_unit_test_setup_teardown(test_anon_and_mlocked_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_marks_accessed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_clean_file_pages, setup_4m, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_mapped_dirty_file, setup_4m, teardown),
		cmocka_unit_test_setup_teardown(test_workingset_refault_activates, setup_4m,
						teardown),
		cmocka_unit_test_setup_teardown(test_workingset_refault_too_distant, setup_4m,
						teardown),
		cmocka_unit_test_setup_teardown(test_pageout_dirty_file_reclaim_flag, setup,
						teardown),
		cmocka_unit_test(test_pure_lru_matches_stack_distance),
		cmocka_unit_test(test_pure_clock_matches_simulation),
		cmocka_unit_test(test_pure_modes_count_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
