// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Randomized differential test of the maple tree against maple_ref.h: 10^6 mixed operations
 * (stores of random, spanning, VMA-like and edge-of-space ranges, erases, inserts, iterator
 * stores, loads and mt_find (with and without the read lock, in both compilations), mt_next,
 * mt_prev, both gap searches), each checked against the model. The fast variant (make check)
 * validates the whole tree every 256 operations and compares full forward and backward
 * iteration every 4096; MT_DIFF_SLOW=1 validates after every operation. MT_DIFF_OPS and
 * MT_DIFF_SEED override the count and the seed.
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

#include "lib/maple_internal.h"
#include "maple_ref.h"

static uint64_t rnd(void);

/*
 * Both compilations of the lookups (maple_find.c), whichever the library picked: the generic
 * one always, the AVX-512 one when the CPU has it.
 */
static bool have_wide(void)
{
#if defined(__x86_64__)
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
#else
	return false;
#endif
}

static void *any_load(struct maple_tree *mt, unsigned long index)
{
	switch (rnd() % 4) {
	case 0:
		return mtree_load(mt, index);
	case 1:
		return __mtree_load_generic(mt, index);
	case 2:
		if (have_wide())
			return __mtree_load_avx512(mt, index);
		/* fall through */
	default:
		return __mtree_load(mt, index);
	}
}

static void *any_find(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	switch (rnd() % 4) {
	case 0:
		return mt_find(mt, index, max);
	case 1:
		return __mt_find_generic(mt, index, max);
	case 2:
		if (have_wide())
			return __mt_find_avx512(mt, index, max);
		/* fall through */
	default:
		return __mt_find(mt, index, max);
	}
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/* Compares every range, forwards with mas_find and backwards with mas_find_rev. */
static void compare_all(struct maple_tree *mt, struct ref_tree *ref)
{
	MA_STATE(mas, mt, 0, 0);
	size_t i = 0;
	void *entry;

	rcu_read_lock();
	mas_for_each(&mas, entry, ULONG_MAX) {
		assert_true(i < ref->nr);
		assert_ptr_equal(entry, ref->r[i].entry);
		assert_int_equal(mas.index, ref->r[i].first);
		assert_int_equal(mas.last, ref->r[i].last);
		i++;
	}
	assert_int_equal(i, ref->nr);
	mas_set(&mas, ULONG_MAX);
	mas_for_each_rev(&mas, entry, 0) {
		assert_true(i > 0);
		i--;
		assert_ptr_equal(entry, ref->r[i].entry);
		assert_int_equal(mas.index, ref->r[i].first);
		assert_int_equal(mas.last, ref->r[i].last);
	}
	assert_int_equal(i, 0);
	rcu_read_unlock();
}

/* A random range: short, long (spanning many leaves), page-shaped or at the top of space. */
static unsigned int long_pct; /* share of stores spanning up to space / 8 */

static void random_range(unsigned long space, unsigned long *first, unsigned long *last)
{
	unsigned int kind = rnd() % 100;
	unsigned long len;

	if (kind < 55 || (kind >= 55 + long_pct && kind < 65)) {
		*first = rnd() % space;
		len = 1 + rnd() % 24;
	} else if (kind < 65) {
		*first = rnd() % space;
		len = 1 + rnd() % (space / 8);
	} else if (kind < 92) {
		*first = (rnd() % (space / 16)) * 16;
		len = 16 * (1 + rnd() % 4);
	} else if (kind < 97) {
		*first = ULONG_MAX - rnd() % 64;
		len = 1 + rnd() % 64;
	} else {
		*first = rnd() % 8;
		len = 1 + rnd() % 8;
	}
	*last = *first + len - 1 < *first ? ULONG_MAX : *first + len - 1;
}

static unsigned long random_index(unsigned long space)
{
	unsigned int kind = rnd() % 16;

	if (kind == 0)
		return ULONG_MAX - rnd() % 80;
	if (kind == 1)
		return rnd() % 16;
	return rnd() % (space + space / 8);
}

static void one_op(struct maple_tree *mt, struct ref_tree *ref, unsigned long space,
		   unsigned long op)
{
	unsigned int kind = rnd() % 100;
	void *entry = (void *)(uintptr_t)((op << 4) | 8);
	unsigned long first, last, index, max, min, size, rindex;
	struct ref_range *x;
	int ret, rret;

	if (kind < 30) { /* store */
		random_range(space, &first, &last);
		if (rnd() % 8 == 0)
			entry = NULL;
		assert_int_equal(mtree_store_range(mt, first, last, entry), 0);
		ref_store(ref, first, last, entry);
	} else if (kind < 40) { /* erase */
		index = random_index(space);
		x = ref_at(ref, index);
		assert_ptr_equal(mtree_erase(mt, index), x ? x->entry : NULL);
		if (x)
			ref_store(ref, x->first, x->last, NULL);
	} else if (kind < 44) { /* insert */
		random_range(space, &first, &last);
		ret = mtree_insert_range(mt, first, last, entry);
		x = ref_find(ref, first, last);
		assert_int_equal(ret, x ? -EEXIST : 0);
		if (!x)
			ref_store(ref, first, last, entry);
	} else if (kind < 48) { /* iterator: walk, overwrite what is there, then the next */
		MA_STATE(mas, mt, random_index(space), 0);

		mas.last = mas.index;
		if (mas_find(&mas, ULONG_MAX)) {
			first = mas.index;
			last = mas.last;
			assert_int_equal(mas_store_gfp(&mas, entry), 0);
			ref_store(ref, first, last, entry);
			x = ref_find(ref, last == ULONG_MAX ? last : last + 1, ULONG_MAX);
			if (last != ULONG_MAX) {
				void *next = mas_find(&mas, ULONG_MAX);

				assert_ptr_equal(next, x ? x->entry : NULL);
				if (x)
					assert_int_equal(mas.index, x->first);
			}
		}
	} else if (kind < 60) { /* load */
		index = random_index(space);
		assert_ptr_equal(any_load(mt, index), ref_load(ref, index));
	} else if (kind < 70) { /* mt_find */
		index = random_index(space);
		max = rnd() % 4 ? index + rnd() % (space / 4) : ULONG_MAX;
		if (max < index)
			max = ULONG_MAX;
		x = ref_find(ref, index, max);
		rindex = index;
		assert_ptr_equal(any_find(mt, &rindex, max), x ? x->entry : NULL);
		if (x)
			assert_int_equal(rindex, x->last + 1);
		else
			assert_int_equal(rindex, index);
	} else if (kind < 76) { /* mt_prev */
		index = random_index(space);
		min = rnd() % 2 ? 0 : index - rnd() % (space / 4);
		if (min > index)
			min = 0;
		x = ref_prev(ref, index, min);
		assert_ptr_equal(mt_prev(mt, index, min), x ? x->entry : NULL);
	} else if (kind < 82) { /* mt_next */
		index = random_index(space);
		max = rnd() % 2 ? ULONG_MAX : index + rnd() % (space / 4);
		if (max < index)
			max = ULONG_MAX;
		x = ref_next(ref, index, max);
		assert_ptr_equal(mt_next(mt, index, max), x ? x->entry : NULL);
	} else { /* gap search, both directions */
		MA_STATE(mas, mt, 0, 0);
		bool rev = kind % 2;

		min = rnd() % 4 ? rnd() % space : 0;
		max = rnd() % 4 ? min + rnd() % space : ULONG_MAX;
		if (max < min)
			max = ULONG_MAX;
		size = rnd() % 4 ? 1 + rnd() % 16 : 1 + rnd() % 200;
		if (rnd() % 32 == 0)
			size = max - min + 1 + rnd() % 2;
		ret = rev ? mas_empty_area_rev(&mas, min, max, size)
			  : mas_empty_area(&mas, min, max, size);
		rret = ref_gap(ref, min, max, size, rev, &rindex);
		if (ret != rret)
			fprintf(stderr, "gap op %lu: [%#lx, %#lx] size %lu rev %d: %d want %d\n", op,
				min, max, size, rev, ret, rret);
		assert_int_equal(ret, rret);
		if (!ret) {
			assert_int_equal(mas.index, rindex);
			assert_int_equal(mas.last, rindex + size - 1);
		}
	}
}

static void run_diff(unsigned long ops, unsigned long seed, bool slow)
{
	struct maple_tree mt;
	struct ref_tree ref = { 0 };
	unsigned long op, space = 1 << 12, max_height = 0, max_nr = 0;

	rng_state = seed;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (op = 0; op < ops; op++) {
		/* Vary the density: a small space churns a few nodes, a big one grows the tree. */
		if (op % 100000 == 0) {
			space = 1UL << (8 + rnd() % 13);
			long_pct = (unsigned int[]){ 0, 1, 4, 10 }[rnd() % 4];
		}
		one_op(&mt, &ref, space, op);
		if (slow || op % 256 == 0) {
			if (mt_validate(&mt)) {
				fprintf(stderr, "after op %lu (seed %lu):\n", op, seed);
				mt_dump(&mt, stderr);
				fail();
			}
		}
		if (op % 4096 == 0)
			compare_all(&mt, &ref);
		max_height = max(max_height, mt_height(&mt));
		max_nr = max(max_nr, ref.nr);
	}
	/* The run must have exercised a multi-level tree, or it proves little. */
	printf("maple diff: %lu ops, max height %lu, max ranges %lu\n", ops, max_height, max_nr);
	assert_true(ops < 100000 || max_height >= 3);
	compare_all(&mt, &ref);
	assert_int_equal(mt_validate(&mt), 0);
	mtree_destroy(&mt);
	ref_destroy(&ref);
}

static void test_maple_diff(void **state)
{
	(void)state;
	run_diff(env_ul("MT_DIFF_OPS", 1000000), env_ul("MT_DIFF_SEED", 0x9e3779b97f4a7c15UL),
		 env_ul("MT_DIFF_SLOW", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maple_diff),
	};
	int ret;

	rcu_register_thread();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	mt_rcu_barrier();
	rcu_unregister_thread();
	return ret;
}
