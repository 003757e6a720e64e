// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regression sequences shaped like real address spaces: the VMA boundaries of a few programs
 * on the development machine (tests/data/maps_*.txt, captured from /proc/PID/maps of cat,
 * bash, python3 and an ASan test binary) are inserted like exec and mmap would, then churned
 * the way mm does it: munmap of a page inside a VMA, mprotect splits, merges back, new
 * mappings placed by top-down and bottom-up gap search, brk growth, and a final erase of
 * everything. Each step is checked against the reference model and the validator.
 *
 * A TSan test too: freed nodes reach the allocator again from liburcu's call_rcu worker.
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/maple_tree.h"
#include "maple_ref.h"
#include "maple_check.h"

#define E(x) ((void *)(uintptr_t)(((unsigned long)(x) << 4) | 8))

static const char *const maps_files[] = {
	"maps_cat.txt", "maps_bash.txt", "maps_python3.txt", "maps_asan_test.txt",
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* tests/data/ next to this file's directory. */
static FILE *open_data(const char *name)
{
	char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__) : 0;

	snprintf(path, sizeof(path), "%.*s/../data/%s", dir, __FILE__, name);
	return fopen(path, "r");
}

static size_t load_maps(const char *name, unsigned long *start, unsigned long *end, size_t max)
{
	FILE *f = open_data(name);
	char line[1024];
	size_t n = 0;

	assert_non_null(f);
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start[n], &end[n]) != 2)
			continue;
		assert_true(start[n] < end[n]);
		n++;
	}
	fclose(f);
	return n;
}

/* A new mapping of @pages placed like get_unmapped_area, top-down or bottom-up. */
static void map_new(struct maple_tree *mt, struct ref_tree *ref, unsigned long pages,
		    bool topdown, unsigned long limit, unsigned long id)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long size = pages * PAGE_SIZE, want;
	int ret, rret;

	if (topdown)
		ret = mas_empty_area_rev(&mas, PAGE_SIZE, limit - 1, size);
	else
		ret = mas_empty_area(&mas, PAGE_SIZE, limit - 1, size);
	rret = ref_gap(ref, PAGE_SIZE, limit - 1, size, !topdown ? false : true, &want);
	assert_int_equal(ret, rret);
	if (ret)
		return;
	assert_int_equal(mas.index, want);
	assert_int_equal(mtree_insert_range(mt, mas.index, mas.last, E(id)), 0);
	ref_store(ref, mas.index, mas.last, E(id));
}

static void replay(const char *name)
{
	static unsigned long start[4096], end[4096];
	size_t n = load_maps(name, start, end, 4096), i, nr_vmas;
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned long op, limit = 0x800000000000UL, brk_end;

	assert_true(n > 10);
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (i = 0; i < n; i++) /* exec: ascending */
		store(&mt, &ref, start[i], end[i] - 1, E(i + 1));
	same(&mt, &ref);
	nr_vmas = ref.nr;
	printf("%s: %zu VMAs, height %u, %lu nodes, %.1f bytes per VMA\n", name, nr_vmas,
	       mt_height(&mt), mt_nr_nodes(&mt), (double)mt_bytes_used(&mt) / (double)nr_vmas);
	brk_end = end[n / 4];
	for (op = 0; op < 6000; op++) {
		struct ref_range *v = ref.nr ? &ref.r[rnd() % ref.nr] : NULL;
		unsigned long pages = v ? (v->last - v->first + 1) / PAGE_SIZE : 0;
		unsigned int kind = rnd() % 10;

		if (v && v->last >= limit)
			kind = 9; /* above user space (vsyscall): only read it */
		if (kind < 2 && pages > 2) { /* munmap one page inside, then map it back */
			unsigned long p = v->first + (1 + rnd() % (pages - 2)) * PAGE_SIZE;
			void *entry = v->entry;

			store(&mt, &ref, p, p + PAGE_SIZE - 1, NULL);
			same(&mt, &ref);
			store(&mt, &ref, p, p + PAGE_SIZE - 1, entry);
		} else if (kind < 4 && pages > 1) { /* mprotect the head: a split */
			unsigned long k = 1 + rnd() % (pages - 1);

			store(&mt, &ref, v->first, v->first + k * PAGE_SIZE - 1, E(op + 10000));
		} else if (kind < 5 && v) { /* munmap a whole VMA */
			struct ref_range x = *v;

			assert_ptr_equal(mtree_erase(&mt, x.first + (x.last - x.first) / 2), x.entry);
			ref_store(&ref, x.first, x.last, NULL);
		} else if (kind < 7) { /* mmap */
			map_new(&mt, &ref, 1 + rnd() % 64, rnd() % 4 != 0, limit, op + 20000);
		} else if (kind < 8) { /* brk grows by one page when free */
			if (!ref_find(&ref, brk_end, brk_end + PAGE_SIZE - 1)) {
				store(&mt, &ref, brk_end, brk_end + PAGE_SIZE - 1, E(op + 30000));
				brk_end += PAGE_SIZE;
			}
		} else if (v) { /* find_vma and friends */
			unsigned long addr = v->first + rnd() % (v->last - v->first + 1), index;
			struct ref_range *x = ref_find(&ref, addr, ULONG_MAX);

			index = addr;
			assert_ptr_equal(mt_find(&mt, &index, ULONG_MAX), x ? x->entry : NULL);
			x = ref_prev(&ref, addr, 0);
			assert_ptr_equal(mt_prev(&mt, addr, 0), x ? x->entry : NULL);
		}
		if (op % 16 == 0)
			same(&mt, &ref);
	}
	same(&mt, &ref);
	/* exit_mmap: erase from the top down, then the tree is empty. */
	while (ref.nr) {
		struct ref_range x = ref.r[ref.nr - 1];

		assert_ptr_equal(mtree_erase(&mt, x.last), x.entry);
		ref_store(&ref, x.first, x.last, NULL);
	}
	same(&mt, &ref);
	assert_true(mtree_empty(&mt));
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

static void test_maps_replay(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(maps_files); i++)
		replay(maps_files[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_replay),
	};
	int ret;

	rcu_register_thread();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	mt_rcu_barrier();
	rcu_unregister_thread();
	return ret;
}
