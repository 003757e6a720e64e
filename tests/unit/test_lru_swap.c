// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --lru lru with swap against an independent oracle (the check bench_reclaim makes on its
 * 10^7-access trace, here on a small one): anonymous memory 2.5 times the machine's RAM is
 * written once in address order (every page then exists, in RAM or in swap), then a trace of
 * loads and stores with a drifting hot set is replayed with swap readahead off
 * (vm.page-cluster 0). Every page missing from RAM is a swap-in, a major fault, so the major
 * faults of the replay must equal the LRU misses that Mattson's stack-distance algorithm
 * computes for the warm-up followed by the trace, counted over the trace, with the capacity
 * the machine had after the warm-up (its free frames plus the resident pages). Every page
 * read back at the end holds the value last written to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"

#define PG 4096UL
#define RAM (2UL << 20)
#define PAGES 1280UL			/* 2.5 x RAM */
#define TRACE_LEN 30000

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* 75% of the accesses in a 320-page window that drifts a page every 50 accesses; one in 3
 * a store. */
static void make_trace(unsigned int *page, bool *write)
{
	uint64_t s = 0x243f6a8885a308d3ULL;

	for (unsigned int i = 0; i < TRACE_LEN; i++) {
		uint64_t r = rnd(&s);
		unsigned int base = (i / 50) % PAGES;

		page[i] = (unsigned int)(r % 4 ? (base + (r >> 8) % 320) % PAGES
					       : (r >> 8) % PAGES);
		write[i] = (r >> 40) % 3 == 0;
	}
}

/* Mattson's stack algorithm: LRU misses of the trace for @c frames after the warm-up. */
static unsigned long stack_misses(const unsigned int *trace, unsigned long c)
{
	unsigned int *stack = malloc(PAGES * sizeof(*stack));
	unsigned long depth = PAGES, misses = 0;

	assert_non_null(stack);
	for (unsigned long d = 0; d < PAGES; d++)	/* warm-up: page PAGES-1 most recent */
		stack[d] = (unsigned int)(PAGES - 1 - d);
	for (unsigned int i = 0; i < TRACE_LEN; i++) {
		unsigned long d = 0;

		while (d < depth && stack[d] != trace[i])
			d++;
		assert_true(d < depth);			/* no cold page after the warm-up */
		misses += d >= c;
		memmove(&stack[1], &stack[0], d * sizeof(stack[0]));
		stack[0] = trace[i];
	}
	free(stack);
	return misses;
}

static uint64_t value(unsigned long page, unsigned int version)
{
	return page * 0x9e3779b97f4a7c15ULL + version;
}

static void test_lru_swap_matches_stack_distance(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = RAM, .lru_mode = MMLAB_LRU_LRU,
					   .no_zero_page = 1 };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	unsigned int *trace = malloc(TRACE_LEN * sizeof(*trace)), *version;
	bool *write = malloc(TRACE_LEN * sizeof(*write));
	char path[] = "/tmp/mmlab-lru-swapXXXXXX";
	int fd = mkstemp(path);
	struct mmlab_machine *m;
	struct mmlab_task *t;
	struct mmlab_task_mem ms;
	struct mmlab_stats st;
	uint64_t base, zero = 0, maj0, in0, in1;
	unsigned long c, misses;

	(void)state;
	version = calloc(PAGES, sizeof(*version));
	assert_non_null(trace);
	assert_non_null(write);
	assert_non_null(version);
	make_trace(trace, write);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(posix_fallocate(fd, 0, (off_t)(2 * PAGES * PG)), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	assert_int_equal(mmlab_task_create(m, &tc, &t), 0);
	assert_int_equal(mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD | MMLAB_SWAP_ON),
			 0);
	assert_int_equal(mmlab_sysctl(m, "vm.page-cluster", &zero, NULL), 0);
	assert_int_equal(mmlab_mmap(t, 0, PAGES * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &base), 0);
	for (unsigned long p = 0; p < PAGES; p++) {
		uint64_t v = value(p, 0);

		assert_int_equal(mmlab_poke(t, base + p * PG, &v, 8, NULL), 0);
	}
	mmlab_machine_stats(m, &st);
	mmlab_task_mem(t, &ms);
	c = st.free_pages + ms.rss_anon;
	maj0 = ms.majflt;
	assert_int_equal(mmlab_vmstat_get(m, "pswpin", &in0), 0);
	for (unsigned int i = 0; i < TRACE_LEN; i++) {
		uint64_t addr = base + trace[i] * PG, v;

		if (write[i]) {
			v = value(trace[i], ++version[trace[i]]);
			assert_int_equal(mmlab_poke(t, addr, &v, 8, NULL), 0);
		} else {
			assert_int_equal(mmlab_peek(t, addr, &v, 8, NULL), 0);
			assert_int_equal(v, value(trace[i], version[trace[i]]));
		}
	}
	mmlab_task_mem(t, &ms);
	assert_int_equal(mmlab_vmstat_get(m, "pswpin", &in1), 0);
	misses = stack_misses(trace, c);
	print_message("C %lu of %lu pages, major faults %lu, swap-ins %lu, stack-distance misses "
		      "%lu (C-1: %lu, C+1: %lu)\n", c, PAGES, (unsigned long)(ms.majflt - maj0),
		      (unsigned long)(in1 - in0), misses, stack_misses(trace, c - 1),
		      stack_misses(trace, c + 1));
	assert_true(c > 300 && c < PAGES / 2);
	assert_true(misses > TRACE_LEN / 20 && misses < TRACE_LEN / 2);	/* a trace that tests */
	assert_int_equal(ms.majflt - maj0, misses);
	assert_int_equal(in1 - in0, misses);
	for (unsigned long p = 0; p < PAGES; p++) {
		uint64_t v;

		assert_int_equal(mmlab_peek(t, base + p * PG, &v, 8, NULL), 0);
		assert_int_equal(v, value(p, version[p]));
	}
	assert_int_equal(mmlab_task_validate(t), 0);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_exit(t);
	mmlab_machine_destroy(m);
	free(trace);
	free(write);
	free(version);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru_swap_matches_stack_distance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
