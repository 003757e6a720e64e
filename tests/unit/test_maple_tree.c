// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Maple tree edge cases and fault injection: empty tree, one entry, index 0 and ULONG_MAX,
 * the full range, touching ranges, splits, stores spanning many leaves, erasing everything
 * in three orders (height shrinks to 0) and rebuilding, iterator stores, pause, gap search
 * semantics, duplication, and a failed node allocation at every allocation point of a store
 * leaving the tree exactly as it was.
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

static void test_empty(void **state)
{
	struct maple_tree mt;
	unsigned long index = 0;
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	check(&mt);
	assert_true(mtree_empty(&mt));
	assert_int_equal(mt_height(&mt), 0);
	assert_null(mtree_load(&mt, 0));
	assert_null(mtree_load(&mt, ULONG_MAX));
	assert_null(mt_find(&mt, &index, ULONG_MAX));
	assert_int_equal(index, 0);
	assert_null(mt_next(&mt, 0, ULONG_MAX));
	assert_null(mt_prev(&mt, ULONG_MAX, 0));
	assert_null(mtree_erase(&mt, 7));
	assert_null(mas_walk(&mas));
	assert_int_equal(mas.index, 0);
	assert_int_equal(mas.last, ULONG_MAX);
	assert_int_equal(mas_empty_area(&mas, 0, ULONG_MAX, 4096), 0);
	assert_int_equal(mas.index, 0);
	assert_int_equal(mas.last, 4095);
	assert_int_equal(mas_empty_area_rev(&mas, 0, ULONG_MAX, 4096), 0);
	assert_int_equal(mas.index, ULONG_MAX - 4095);
	assert_int_equal(mas.last, ULONG_MAX);
	assert_int_equal(mtree_store_range(&mt, 5, 4, E(1)), -EINVAL);
	assert_int_equal(mtree_insert_range(&mt, 5, 4, E(1)), -EINVAL);
	assert_int_equal(mtree_insert_range(&mt, 5, 5, NULL), -EINVAL);
	assert_int_equal(mtree_store_range(&mt, 5, 9, NULL), 0);
	assert_true(mtree_empty(&mt));
	check(&mt);
	mtree_destroy(&mt);
}

static void test_one_entry(void **state)
{
	struct maple_tree mt;
	unsigned long index = 0;

	(void)state;
	mt_init(&mt);
	assert_int_equal(mtree_insert(&mt, 5, E(5)), 0);
	assert_int_equal(mtree_insert(&mt, 5, E(6)), -EEXIST);
	assert_int_equal(mtree_insert_range(&mt, 0, 5, E(6)), -EEXIST);
	check(&mt);
	assert_int_equal(mt_height(&mt), 1);
	assert_int_equal(mt_nr_nodes(&mt), 1);
	assert_null(mtree_load(&mt, 4));
	assert_ptr_equal(mtree_load(&mt, 5), E(5));
	assert_null(mtree_load(&mt, 6));
	assert_ptr_equal(mt_find(&mt, &index, ULONG_MAX), E(5));
	assert_int_equal(index, 6);
	assert_null(mt_find(&mt, &index, ULONG_MAX));
	index = 0;
	assert_null(mt_find(&mt, &index, 4));
	assert_ptr_equal(mt_next(&mt, 0, 5), E(5));
	assert_null(mt_next(&mt, 0, 4));
	assert_null(mt_next(&mt, 5, ULONG_MAX));
	assert_ptr_equal(mt_prev(&mt, 100, 0), E(5));
	assert_ptr_equal(mt_prev(&mt, 100, 5), E(5));
	assert_null(mt_prev(&mt, 100, 6));
	assert_null(mt_prev(&mt, 5, 0));
	assert_ptr_equal(mtree_erase(&mt, 5), E(5));
	assert_true(mtree_empty(&mt));
	assert_int_equal(mt_nr_nodes(&mt), 0);
	check(&mt);
	mtree_destroy(&mt);
}

static void test_limits(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	store(&mt, &ref, 0, 0, E(1));
	store(&mt, &ref, ULONG_MAX, ULONG_MAX, E(2));
	same(&mt, &ref);
	assert_ptr_equal(mtree_load(&mt, 0), E(1));
	assert_ptr_equal(mtree_load(&mt, ULONG_MAX), E(2));
	assert_null(mtree_load(&mt, 1));
	assert_ptr_equal(mt_prev(&mt, ULONG_MAX, 0), E(1));
	assert_ptr_equal(mt_next(&mt, 0, ULONG_MAX), E(2));
	assert_int_equal(mas_empty_area(&mas, 0, ULONG_MAX, 2), 0);
	assert_int_equal(mas.index, 1);
	assert_int_equal(mas_empty_area_rev(&mas, 0, ULONG_MAX, 2), 0);
	assert_int_equal(mas.last, ULONG_MAX - 1);
	assert_int_equal(mas_empty_area(&mas, 0, ULONG_MAX, ULONG_MAX - 1), 0);
	assert_int_equal(mas_empty_area(&mas, 0, ULONG_MAX, ULONG_MAX), -EBUSY);
	assert_int_equal(mas_empty_area(&mas, 0, 0, 1), -EBUSY);
	assert_int_equal(mas_empty_area(&mas, 5, 4, 1), -EINVAL);
	assert_int_equal(mas_empty_area(&mas, 0, 10, 0), -EINVAL);
	assert_int_equal(mas_empty_area(&mas, 0, 10, 12), -EINVAL);
	/* The full range replaces everything; erasing it empties the tree. */
	store(&mt, &ref, 0, ULONG_MAX, E(3));
	same(&mt, &ref);
	assert_int_equal(mt_nr_nodes(&mt), 1);
	assert_ptr_equal(mtree_load(&mt, 123456), E(3));
	assert_int_equal(mas_empty_area(&mas, 0, ULONG_MAX, 1), -EBUSY);
	assert_ptr_equal(mtree_erase(&mt, 77), E(3));
	assert_true(mtree_empty(&mt));
	check(&mt);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

static void test_touching(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	store(&mt, &ref, 10, 19, E(1));
	store(&mt, &ref, 20, 29, E(2));
	store(&mt, &ref, 30, 39, E(3));
	store(&mt, &ref, 15, 34, E(4)); /* trims both neighbours, removes the middle */
	same(&mt, &ref);
	mas_set(&mas, 12);
	assert_ptr_equal(mas_walk(&mas), E(1));
	assert_int_equal(mas.index, 10);
	assert_int_equal(mas.last, 14);
	mas_set(&mas, 36);
	assert_ptr_equal(mas_walk(&mas), E(3));
	assert_int_equal(mas.index, 35);
	store(&mt, &ref, 0, 100, E(5));
	store(&mt, &ref, 40, 60, E(6)); /* splits one range in three */
	same(&mt, &ref);
	mas_set(&mas, 61);
	assert_ptr_equal(mas_walk(&mas), E(5));
	assert_int_equal(mas.index, 61);
	assert_int_equal(mas.last, 100);
	/* Erasing the middle merges nothing: the sides keep their entry but stay apart. */
	store(&mt, &ref, 40, 60, NULL);
	same(&mt, &ref);
	mas_set(&mas, 50);
	assert_null(mas_walk(&mas));
	assert_int_equal(mas.index, 40);
	assert_int_equal(mas.last, 60);
	/* Two NULL ranges meeting become one, across a mas_walk. */
	store(&mt, &ref, 0, 39, NULL);
	mas_set(&mas, 50);
	assert_null(mas_walk(&mas));
	assert_int_equal(mas.index, 0);
	assert_int_equal(mas.last, 60);
	same(&mt, &ref);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

/* Many single-index ranges, then one store over most of them. */
static void test_spanning(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned long i, h;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (i = 0; i < 20000; i++)
		store(&mt, &ref, i * 3, i * 3 + 1, E(i + 1));
	same(&mt, &ref);
	h = mt_height(&mt);
	assert_true(h >= 4);
	store(&mt, &ref, 100, 55000, E(0x100000));
	same(&mt, &ref);
	assert_true(mt_height(&mt) <= h);
	store(&mt, &ref, 7, 59990, NULL);
	same(&mt, &ref);
	store(&mt, &ref, 0, ULONG_MAX - 1, E(0x100001));
	same(&mt, &ref);
	assert_int_equal(mt_height(&mt), 1);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

enum erase_order { ASCENDING, DESCENDING, RANDOM };

static void erase_all(enum erase_order order)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned long n = 6000, i, *idx = malloc(n * sizeof(*idx)), seed = 12345;
	int round;

	assert_non_null(idx);
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (round = 0; round < 2; round++) { /* the second round rebuilds after a full erase */
		for (i = 0; i < n; i++) {
			store(&mt, &ref, i * 0x3000, i * 0x3000 + 0x1fff, E(i + 1));
			idx[i] = i;
		}
		same(&mt, &ref);
		assert_true(mt_height(&mt) >= 3);
		for (i = 0; order == RANDOM && i < n; i++) {
			unsigned long j, t;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			j = i + (seed >> 33) % (n - i);
			t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
		}
		for (i = 0; i < n; i++) {
			unsigned long k = order == DESCENDING ? n - 1 - i : idx[i];

			assert_ptr_equal(mtree_erase(&mt, k * 0x3000 + 5), E(k + 1));
			ref_store(&ref, k * 0x3000, k * 0x3000 + 0x1fff, NULL);
			if (i % 97 == 0)
				same(&mt, &ref);
		}
		same(&mt, &ref);
		assert_true(mtree_empty(&mt));
		assert_int_equal(mt_height(&mt), 0);
		assert_int_equal(mt_nr_nodes(&mt), 0);
	}
	mtree_destroy(&mt);
	ref_destroy(&ref);
	free(idx);
}

static void test_erase_ascending(void **state)
{
	(void)state;
	erase_all(ASCENDING);
}

static void test_erase_descending(void **state)
{
	(void)state;
	erase_all(DESCENDING);
}

static void test_erase_random(void **state)
{
	(void)state;
	erase_all(RANDOM);
}

/* Walk and store where the state stands, then keep iterating; and pause/resume. */
static void test_iterator_store(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	MA_STATE(mas, &mt, 0, 0);
	unsigned long i, seen = 0;
	void *entry;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (i = 0; i < 3000; i++)
		store(&mt, &ref, i * 10, i * 10 + 4, E(i + 1));
	/* Replace every entry in place and split every third one. */
	mas_for_each(&mas, entry, ULONG_MAX) {
		unsigned long first = mas.index, last = mas.last;

		assert_ptr_equal(entry, E(first / 10 + 1));
		if ((first / 10) % 3 == 0) {
			mas_set_range(&mas, first + 1, first + 2);
			assert_int_equal(mas_store_gfp(&mas, E(0x10000 + first)), 0);
			ref_store(&ref, first + 1, first + 2, E(0x10000 + first));
			mas_set(&mas, last); /* continue after the original range */
			mas_pause(&mas);
		} else {
			assert_int_equal(mas_store_gfp(&mas, E(0x20000 + first)), 0);
			ref_store(&ref, first, last, E(0x20000 + first));
			assert_int_equal(mas.index, first);
			assert_int_equal(mas.last, last);
		}
		seen++;
	}
	assert_int_equal(seen, 3000);
	same(&mt, &ref);
	/* Erase with the iterator: every other entry. */
	mas_set(&mas, 0);
	i = 0;
	mas_for_each(&mas, entry, ULONG_MAX) {
		if (i++ % 2 == 0) {
			unsigned long first = mas.index, last = mas.last;

			assert_ptr_equal(mas_erase(&mas), entry);
			ref_store(&ref, first, last, NULL);
		}
	}
	same(&mt, &ref);
	/* Backwards with prev and the ranges in between. */
	mas_set(&mas, ULONG_MAX);
	i = ref.nr;
	while ((entry = mas_prev(&mas, 0)) != NULL) {
		assert_true(i > 0);
		i--;
		assert_ptr_equal(entry, ref.r[i].entry);
		assert_int_equal(mas.index, ref.r[i].first);
	}
	assert_int_equal(i, 0);
	mas_set(&mas, 0);
	for (i = 0; mas_next_range(&mas, ULONG_MAX) || mas.status == ma_active; i++)
		if (mas.last == ULONG_MAX)
			break;
	assert_true(i >= ref.nr);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

/* Linux's get_unmapped_area shapes: top-down and bottom-up. */
static void test_gap_search(void **state)
{
	struct maple_tree mt;
	MA_STATE(mas, &mt, 0, 0);
	unsigned long i;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	assert_int_equal(mtree_store_range(&mt, 0x1000, 0x1fff, E(1)), 0);
	assert_int_equal(mtree_store_range(&mt, 0x3000, 0x3fff, E(2)), 0);
	assert_int_equal(mas_empty_area(&mas, 0, ULONG_MAX, 0x1000), 0);
	assert_int_equal(mas.index, 0);
	assert_int_equal(mas.last, 0xfff);
	assert_int_equal(mas_empty_area(&mas, 0x1000, ULONG_MAX, 0x1000), 0);
	assert_int_equal(mas.index, 0x2000);
	assert_int_equal(mas_empty_area(&mas, 0x1000, 0x2ffe, 0x1000), -EBUSY);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 0x4fff, 0x1000), 0);
	assert_int_equal(mas.index, 0x4000);
	assert_int_equal(mas.last, 0x4fff);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 0x3fff, 0x1000), 0);
	assert_int_equal(mas.index, 0x2000);
	assert_int_equal(mas_empty_area_rev(&mas, 0x800, 0x3fff, 0x1800), -EBUSY);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 0x3fff, 0x1800), -EBUSY);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 0x27ff, 0x800), 0);
	assert_int_equal(mas.index, 0x2000);
	/* Many ranges: a hole of 3 pages among 1-page holes, found from both sides. */
	for (i = 0; i < 5000; i++)
		assert_int_equal(mtree_store_range(&mt, 0x100000 + i * 0x3000,
						   0x100000 + i * 0x3000 + 0x1fff, E(i + 3)),
				 0);
	assert_int_equal(mtree_store_range(&mt, 0x100000 + 2500 * 0x3000,
					   0x100000 + 2500 * 0x3000 + 0x1fff, NULL),
			 0);
	check(&mt);
	assert_int_equal(mas_empty_area(&mas, 0x100000, ULONG_MAX, 0x3000), 0);
	assert_int_equal(mas.index, 0x100000 + 2499 * 0x3000 + 0x2000);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 0x100000 + 4999 * 0x3000 - 1, 0x3000), 0);
	assert_int_equal(mas.last, 0x100000 + 2501 * 0x3000 - 1);
	assert_int_equal(mas_empty_area_rev(&mas, 0x100000, 0x100000 + 4999 * 0x3000, 0x1000),
			 0);
	assert_int_equal(mas.index, 0x100000 + 4998 * 0x3000 + 0x2000);
	mtree_destroy(&mt);
}

static void test_dup(void **state)
{
	struct maple_tree mt, copy, other;
	struct ref_tree ref = { 0 };
	unsigned long i;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	mt_init(&copy);
	mt_init(&other);
	assert_int_equal(__mt_dup(&mt, &copy), 0); /* empty to empty */
	assert_true(mtree_empty(&copy));
	for (i = 0; i < 4000; i++)
		store(&mt, &ref, i * 0x3000, i * 0x3000 + 0x1fff, E(i + 1));
	assert_int_equal(__mt_dup(&mt, &copy), 0);
	assert_int_equal(__mt_dup(&mt, &copy), -EINVAL); /* not empty */
	assert_int_equal(copy.ma_flags, MT_FLAGS_ALLOC_RANGE);
	same(&copy, &ref);
	assert_int_equal(mt_nr_nodes(&copy), mt_nr_nodes(&mt));
	/* The copy is independent of the original. */
	assert_int_equal(mtree_store_range(&mt, 0, 0x100000, NULL), 0);
	same(&copy, &ref);
	/* A failed dup leaves the new tree empty, at every allocation point. */
	for (i = 0;; i++) {
		int ret;

		mt_set_alloc_fail_after((long)i);
		ret = __mt_dup(&copy, &other);
		mt_set_alloc_fail_after(-1);
		if (!ret)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_true(mtree_empty(&other));
		check(&other);
	}
	same(&other, &ref);
	mtree_destroy(&mt);
	mtree_destroy(&copy);
	mtree_destroy(&other);
	ref_destroy(&ref);
}

/* Runs one store with allocation n failing, for n = 0, 1, ... until it succeeds. */
static void store_with_failures(struct maple_tree *mt, struct ref_tree *ref, unsigned long first,
				unsigned long last, void *entry, unsigned int *points)
{
	unsigned long nodes = mt_nr_nodes(mt), height = mt_height(mt);
	long n;

	for (n = 0;; n++) {
		int ret;

		mt_set_alloc_fail_after(n);
		ret = mtree_store_range(mt, first, last, entry);
		mt_set_alloc_fail_after(-1);
		if (!ret)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(mt_nr_nodes(mt), nodes);
		assert_int_equal(mt_height(mt), height);
		same(mt, ref);
	}
	*points += (unsigned int)n;
	ref_store(ref, first, last, entry);
	same(mt, ref);
}

static void test_alloc_failure(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned int points = 0;
	unsigned long i, seed = 99;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	store_with_failures(&mt, &ref, 5, 10, E(1), &points); /* first leaf */
	for (i = 0; i < 2000; i++) /* ascending: leaf and root splits */
		store_with_failures(&mt, &ref, 100 + i * 3, 101 + i * 3, E(i + 2), &points);
	for (i = 0; i < 600; i++) { /* random splits, spans, erases and merges */
		unsigned long first, len;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		first = (seed >> 20) % 7000;
		len = i % 10 == 0 ? (seed >> 40) % 2000 : (seed >> 40) % 5;
		store_with_failures(&mt, &ref, first, first + len, i % 3 ? E(i + 5000) : NULL,
				    &points);
	}
	store_with_failures(&mt, &ref, 0, ULONG_MAX, NULL, &points); /* everything at once */
	assert_true(mtree_empty(&mt));
	/* Many allocation points were hit, including multi-node ones. */
	assert_true(points > 2600);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

/*
 * Stores that overflow a leaf push slots into a sibling with room or split the leaf; erases
 * that leave a leaf under minimum fill, or that erase a range next to a NULL range at the edge
 * of the sibling leaf, rebuild the leaf with that sibling. All under a copy of the parent
 * (mas_wr_rebalance): a packed VMA-like tree gets random splits (some with a failed
 * allocation at every point first), then every other VMA erased, each erase with failures.
 */
static void test_sibling_rebalance(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned int points = 0;
	unsigned long i, n = 1200, seed = 3;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (i = 0; i < n; i++)
		store(&mt, &ref, i * 0x3000, i * 0x3000 + 0x1fff, E(i + 1));
	for (i = 0; i < 4 * n; i++) { /* split off the first page, then fill back */
		unsigned long k;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		k = (seed >> 33) % n;
		if (i % 8)
			store(&mt, &ref, k * 0x3000, k * 0x3000 + 0xfff, E(n + i + 1));
		else
			store_with_failures(&mt, &ref, k * 0x3000, k * 0x3000 + 0xfff, E(n + i + 1),
					    &points);
		store(&mt, &ref, k * 0x3000, k * 0x3000 + 0x1fff, E(k + 1));
	}
	same(&mt, &ref);
	for (i = 0; i < n; i += 2)
		store_with_failures(&mt, &ref, i * 0x3000, i * 0x3000 + 0x1fff, NULL, &points);
	for (i = 1; i < n; i += 4) /* and again, down to a quarter */
		store_with_failures(&mt, &ref, i * 0x3000, i * 0x3000 + 0x1fff, NULL, &points);
	assert_true(points > n);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

/* Long random churn keeps the tree compact: validator fill limits hold throughout. */
static void test_churn_compact(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned long i, seed = 7;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (i = 0; i < 200000; i++) {
		unsigned long slot;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		slot = (seed >> 30) % 4096;
		if ((seed >> 20) % 2)
			store(&mt, &ref, slot * 0x3000, slot * 0x3000 + 0x1fff, E(i + 1));
		else
			store(&mt, &ref, slot * 0x3000, slot * 0x3000 + 0x1fff, NULL);
		if (i % 20000 == 0)
			same(&mt, &ref);
	}
	same(&mt, &ref);
	/* Minimum fill bounds the node count: 6 slots per leaf, 3 children per node. */
	assert_true(mt_nr_nodes(&mt) <= (2 * ref.nr + 1) / 6 * 3 / 2 + 2);
	printf("churn: %zu ranges in %lu nodes, %.1f bytes per range\n", ref.nr,
	       mt_nr_nodes(&mt), (double)mt_bytes_used(&mt) / (double)ref.nr);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

/*
 * Ascending insertion appends at the right edge: every node but the rightmost of each level is
 * left full (16 ranges a leaf), as the kernel's append path does; the short rightmost nodes are
 * valid. Stores inside the packed tree then split full leaves; erases at leaf edges widen into
 * the neighbouring leaf's NULL range.
 */
static void test_append_packs(void **state)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned long i, n = 4096, ranges = 2 * n + 1, leaves = (ranges + 15) / 16;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (i = 0; i < n; i++)
		store(&mt, &ref, 0x100000 + i * 0x3000, 0x100000 + i * 0x3000 + 0x1fff, E(i + 1));
	same(&mt, &ref);
	/* Full leaves, full internal nodes above them: at most one short node per level. */
	assert_true(mt_nr_nodes(&mt) <= leaves + (leaves + 9) / 10 + (leaves + 99) / 100 + 2);
	assert_true((double)mt_bytes_used(&mt) / (double)ranges < 18.5);
	for (i = 0; i < n; i += 7) /* split full leaves from the inside */
		store(&mt, &ref, 0x100000 + i * 0x3000, 0x100000 + i * 0x3000 + 0xfff, E(n + i));
	same(&mt, &ref);
	for (i = 0; i < n; i += 3) /* erase, merging gaps, across leaf edges too */
		store(&mt, &ref, 0x100000 + i * 0x3000, 0x100000 + i * 0x3000 + 0x1fff, NULL);
	same(&mt, &ref);
	for (i = n; i-- > 0;) /* empty it from the right edge */
		store(&mt, &ref, 0x100000 + i * 0x3000, 0x100000 + i * 0x3000 + 0x1fff, NULL);
	same(&mt, &ref);
	assert_true(mtree_empty(&mt));
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_entry),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_touching),
		cmocka_unit_test(test_spanning),
		cmocka_unit_test(test_erase_ascending),
		cmocka_unit_test(test_erase_descending),
		cmocka_unit_test(test_erase_random),
		cmocka_unit_test(test_iterator_store),
		cmocka_unit_test(test_gap_search),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_sibling_rebalance),
		cmocka_unit_test(test_churn_compact),
		cmocka_unit_test(test_append_packs),
	};
	int ret;

	rcu_register_thread();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	mt_rcu_barrier();
	rcu_unregister_thread();
	return ret;
}
