// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The xarray (src/lib/xarray.c): loads, stores, erases and finds checked against a plain array
 * model over a pool of indices that mixes dense small ones (a file's first pages), 64-way node
 * boundaries, and sparse large ones up to ULONG_MAX; -ENOMEM at every allocation of a store
 * leaves the array unchanged; erasing everything gives back the empty array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/xarray.h"

#define POOL 600

static unsigned long pool[POOL];
static void *model[POOL];

/* Distinct indices, sorted, so that xa_find's answer is the next model slot in order. */
static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

static unsigned long rnd64(void)
{
	return ((unsigned long)random() << 33) ^ ((unsigned long)random() << 2) ^
	       (unsigned long)random();
}

static void make_pool(void)
{
	int n = 0;

	for (unsigned long i = 0; i < 200; i++)
		pool[n++] = i;
	for (unsigned int s = 6; s < 64; s += 6) {	/* node boundaries on both sides */
		pool[n++] = (1UL << s) - 1;
		pool[n++] = 1UL << s;
	}
	pool[n++] = ULONG_MAX;
	pool[n++] = ULONG_MAX - 1;
	while (n < POOL) {
		unsigned long v = random() & 1 ? rnd64() : rnd64() >> (random() % 60);

		pool[n++] = v;
	}
	qsort(pool, POOL, sizeof(pool[0]), cmp_ul);
	for (int i = 1; i < POOL; i++)	/* duplicates: nudge upward, keeping the order */
		if (pool[i] <= pool[i - 1])
			pool[i] = pool[i - 1] + 1;
}

static void *value_for(int i)
{
	return (void *)(uintptr_t)(((unsigned long)i << 3) | 0x1000);
}

static void check_all(struct xarray *xa)
{
	unsigned long count = 0;

	for (int i = 0; i < POOL; i++) {
		assert_ptr_equal(xa_load(xa, pool[i]), model[i]);
		count += model[i] != NULL;
	}
	assert_int_equal(xa->count, count);
	assert_int_equal(xa_validate(xa), 0);
}

/* xa_find from a random start and a random bound against the model. */
static void check_find(struct xarray *xa)
{
	int a = random() % POOL, b = a + random() % (POOL - a);
	unsigned long start = pool[a] - (a && random() % 2), max = pool[b];
	unsigned long idx = start;
	void *got = xa_find(xa, &idx, max);
	int want = -1;

	for (int i = 0; i < POOL; i++)
		if (pool[i] >= start && pool[i] <= max && model[i]) {
			want = i;
			break;
		}
	if (want < 0) {
		assert_null(got);
		return;
	}
	assert_ptr_equal(got, model[want]);
	assert_int_equal(idx, pool[want]);
}

static void test_random_against_model(void **state)
{
	struct xarray xa;

	(void)state;
	srandom(11);
	make_pool();
	xa_init(&xa);
	for (int round = 0; round < 200000; round++) {
		int i = random() % POOL;

		switch (random() % 4) {
		case 0:
		case 1:
			assert_int_equal(xa_store(&xa, pool[i], value_for(i)), 0);
			model[i] = value_for(i);
			break;
		case 2:
			assert_ptr_equal(xa_erase(&xa, pool[i]), model[i]);
			model[i] = NULL;
			break;
		default:
			check_find(&xa);
		}
		if (round % 5000 == 0)
			check_all(&xa);
		else if (round % 97 == 0)
			assert_int_equal(xa_validate(&xa), 0);
	}
	check_all(&xa);
	/* Everything erased: no node left. */
	for (int i = 0; i < POOL; i++) {
		assert_ptr_equal(xa_erase(&xa, pool[i]), model[i]);
		model[i] = NULL;
	}
	assert_null(xa.head);
	assert_int_equal(xa.count, 0);
	xa_destroy(&xa);
}

static void test_store_null_erases(void **state)
{
	struct xarray xa;
	unsigned long idx = 0;

	(void)state;
	xa_init(&xa);
	assert_int_equal(xa_store(&xa, 1UL << 40, &xa), 0);
	assert_int_equal(xa_store(&xa, 5, &idx), 0);
	assert_ptr_equal(xa_find(&xa, &idx, ULONG_MAX), &idx);
	assert_int_equal(idx, 5);
	idx = 6;
	assert_ptr_equal(xa_find(&xa, &idx, ULONG_MAX), &xa);
	assert_int_equal(idx, 1UL << 40);
	idx = 6;
	assert_null(xa_find(&xa, &idx, (1UL << 40) - 1));
	assert_int_equal(xa_store(&xa, 1UL << 40, NULL), 0);
	assert_null(xa_load(&xa, 1UL << 40));
	assert_int_equal(xa.count, 1);
	assert_int_equal(xa.shift, 0);	/* shrunk back to one leaf */
	xa_destroy(&xa);
	assert_null(xa.head);
}

/* Each allocation a store needs fails in turn; the array stays as it was. */
static void test_enomem_leaves_array_unchanged(void **state)
{
	struct xarray xa;

	(void)state;
	srandom(7);
	make_pool();
	for (int i = 0; i < POOL; i++)
		model[i] = NULL;
	xa_init(&xa);
	for (int i = 0; i < 100; i += 3) {
		assert_int_equal(xa_store(&xa, pool[i], value_for(i)), 0);
		model[i] = value_for(i);
	}
	for (int i = POOL - 1; i >= 100; i -= 7) {
		int nth = 1, err;

		do {
			xa_fail_alloc_after(nth++);
			err = xa_store(&xa, pool[i], value_for(i));
			if (err) {
				assert_int_equal(err, -ENOMEM);
				check_all(&xa);
			}
		} while (err);
		xa_fail_alloc_after(0);
		model[i] = value_for(i);
		check_all(&xa);
	}
	xa_fail_alloc_after(1);	/* the very first node of an empty array */
	{
		struct xarray empty;

		xa_init(&empty);
		assert_int_equal(xa_store(&empty, 3, &empty), -ENOMEM);
		assert_null(empty.head);
	}
	xa_fail_alloc_after(0);
	xa_destroy(&xa);
}

/*
 * Value entries (odd: workingset shadows) beside pointers: the leaves that hold only values
 * are counted as Linux counts its shadow-only nodes; a lone entry at index 0 has no node in
 * Linux (it sits in the head), so it is not one.
 */
static void test_value_only_nodes(void **state)
{
	struct xarray xa;
	static long page;

	(void)state;
	xa_init(&xa);
	for (unsigned long i = 1; i <= 64; i++)
		assert_int_equal(xa_store(&xa, i, (void *)(i << 2 | 1)), 0);
	assert_int_equal(xa_nr_value_nodes(&xa), 2);
	assert_int_equal(xa_store(&xa, 5, &page), 0);	/* a page among the shadows */
	assert_int_equal(xa_nr_value_nodes(&xa), 1);
	assert_int_equal(xa_validate(&xa), 0);
	assert_ptr_equal(xa_erase(&xa, 5), &page);
	assert_int_equal(xa_nr_value_nodes(&xa), 2);
	assert_int_equal(xa_store(&xa, 5, (void *)(5UL << 2 | 1)), 0);
	for (unsigned long i = 1; i <= 64; i++)
		assert_non_null(xa_erase(&xa, i));
	assert_int_equal(xa_nr_value_nodes(&xa), 0);
	assert_int_equal(xa_store(&xa, 0, (void *)1UL), 0);
	assert_int_equal(xa_nr_value_nodes(&xa), 0);	/* Linux: in the head */
	assert_int_equal(xa_store(&xa, 1, (void *)5UL), 0);
	assert_int_equal(xa_nr_value_nodes(&xa), 1);
	assert_int_equal(xa_validate(&xa), 0);
	xa_destroy(&xa);
	assert_int_equal(xa.nr_value_leaves, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_store_null_erases),
		cmocka_unit_test(test_enomem_leaves_array_unchanged),
		cmocka_unit_test(test_value_only_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
