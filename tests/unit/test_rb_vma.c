// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pre-maple VMA tree bench_maple measures as a baseline (bench/rb_vma.c): random inserts,
 * removes and start moves on a few hundred VMAs, checking after each one the VMA list, every
 * gap and subtree gap (rbv_validate), find_vma, and top-down gap searches against a brute
 * force scan of the VMAs. A wrong baseline would make every ratio beside it wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rb_vma.h"

#define NR 256
#define SPACE 2048 /* pages */
#define P 4096UL

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static struct rb_vma vmas[NR];
static bool used[NR];

/* Is [start, end) free of every linked VMA but @skip? */
static bool range_free(unsigned long start, unsigned long end, const struct rb_vma *skip)
{
	unsigned int i;

	for (i = 0; i < NR; i++)
		if (used[i] && &vmas[i] != skip && vmas[i].start < end && start < vmas[i].end)
			return false;
	return true;
}

static struct rb_vma *brute_find_vma(unsigned long addr)
{
	struct rb_vma *best = NULL;
	unsigned int i;

	for (i = 0; i < NR; i++)
		if (used[i] && vmas[i].end > addr && (!best || vmas[i].start < best->start))
			best = &vmas[i];
	return best;
}

/* The highest page-aligned start of @len free bytes in [low, high]; the tree's answer may be
 * any address, so the search is by byte below the highest candidate ends. */
static bool brute_gap(unsigned long low, unsigned long high, unsigned long len,
		      unsigned long *addr)
{
	unsigned long ends[NR + 1], best = 0;
	unsigned int i, n = 0;
	bool found = false;

	ends[n++] = high + 1; /* the window's top */
	for (i = 0; i < NR; i++)
		if (used[i] && vmas[i].start <= high + 1)
			ends[n++] = vmas[i].start; /* a gap can end where a VMA starts */
	for (i = 0; i < n; i++) {
		unsigned long a;

		if (ends[i] < low + len)
			continue;
		a = ends[i] - len;
		if (range_free(a, a + len, NULL) && (!found || a > best)) {
			best = a;
			found = true;
		}
	}
	*addr = best;
	return found;
}

static void test_random_ops(void **state)
{
	struct rb_vma_tree t;
	unsigned int step;

	(void)state;
	rbv_init(&t);
	for (step = 0; step < 20000; step++) {
		unsigned int i = rnd() % NR, kind = rnd() % 4;
		struct rb_vma *v = &vmas[i];

		if (!used[i]) {
			unsigned long start = (rnd() % SPACE) * P, len = (1 + rnd() % 8) * P;

			if (range_free(start, start + len, NULL)) {
				v->start = start;
				v->end = start + len;
				rbv_insert(&t, v);
				used[i] = true;
			}
		} else if (kind == 0) {
			rbv_remove(&t, v);
			used[i] = false;
		} else if (kind == 1 && v->end - v->start > P) {
			rbv_set_start(&t, v, v->start + P); /* a split's head leaves */
		} else if (kind == 2 && v->start >= P && range_free(v->start - P, v->start, v)) {
			rbv_set_start(&t, v, v->start - P); /* a merge takes it back */
		}
		assert_true(rbv_validate(&t));
		{
			unsigned long addr = (rnd() % (SPACE + 8)) * P + rnd() % P;

			assert_ptr_equal(rbv_find_vma(&t, addr), brute_find_vma(addr));
		}
		{
			unsigned long low = (rnd() % SPACE) * P;
			unsigned long high = low + (rnd() % SPACE) * P + P - 1;
			unsigned long len = (1 + rnd() % 4) * P, got = 0, want = 0;
			bool ok = rbv_gap_topdown(&t, low, high, len, &got);

			assert_int_equal(ok, brute_gap(low, high, len, &want));
			if (ok)
				assert_int_equal(got, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
