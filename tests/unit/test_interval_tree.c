// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The interval tree (src/lib/interval_tree.c) against a plain array model: random inserts and
 * removals of ranges - many equal ones, ranges up to ULONG_MAX, single points - with the tree
 * validated after every step (order, AVL balance, exact heights and subtree_last, count), and
 * random queries whose answers must be exactly the model's overlapping nodes, in key order; a
 * visitor that stops ends the query there; ascending and descending insertion orders keep the
 * height logarithmic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/interval_tree.h"

#define NODES 400

static struct interval_tree_node nodes[NODES];
static bool in_tree[NODES];

static unsigned long rng_state = 88172645463325252UL;

static unsigned long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A range from a mix: small dense ones (page offsets), repeats, points, the top of the space. */
static void random_range(unsigned long *start, unsigned long *last)
{
	switch (rnd() % 5) {
	case 0:
		*start = rnd() % 64;
		*last = *start + rnd() % 16;
		break;
	case 1:
		*start = 10, *last = 20;	/* many equal ranges */
		break;
	case 2:
		*start = *last = rnd() % 100;
		break;
	case 3:
		*last = ULONG_MAX - rnd() % 4;
		*start = *last - rnd() % 1000;
		break;
	default:
		*start = rnd() >> 1;
		*last = *start + (rnd() >> 2);
	}
}

struct collected {
	int n, stop_after;
	struct interval_tree_node *seen[NODES];
};

static bool collect(struct interval_tree_node *node, void *arg)
{
	struct collected *c = arg;

	c->seen[c->n++] = node;
	return c->n != c->stop_after;
}

static bool key_before(const struct interval_tree_node *a, const struct interval_tree_node *b)
{
	return a->start != b->start ? a->start < b->start : (uintptr_t)a < (uintptr_t)b;
}

/* The model's answer, sorted by key. */
static int model_query(unsigned long start, unsigned long last, struct interval_tree_node **out)
{
	int n = 0;

	for (int i = 0; i < NODES; i++)
		if (in_tree[i] && nodes[i].start <= last && nodes[i].last >= start)
			out[n++] = &nodes[i];
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && key_before(out[j], out[j - 1]); j--) {
			struct interval_tree_node *t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static void check_query(struct interval_tree_root *root, unsigned long start, unsigned long last)
{
	static struct interval_tree_node *want[NODES];
	struct collected c = { .stop_after = -1 };
	int n = model_query(start, last, want);

	assert_true(interval_tree_query(root, start, last, collect, &c));
	assert_int_equal(c.n, n);
	for (int i = 0; i < n; i++)
		assert_ptr_equal(c.seen[i], want[i]);
	if (n >= 2) {
		/* A visitor that says stop after the second node sees two. */
		struct collected s = { .stop_after = 2 };

		assert_false(interval_tree_query(root, start, last, collect, &s));
		assert_int_equal(s.n, 2);
		assert_ptr_equal(s.seen[1], want[1]);
	}
}

static void test_random(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT;

	(void)state;
	for (int step = 0; step < 20000; step++) {
		int i = (int)(rnd() % NODES);
		unsigned long s, l;

		if (in_tree[i]) {
			interval_tree_remove(&root, &nodes[i]);
			in_tree[i] = false;
			assert_false(interval_tree_contains(&root, &nodes[i]));
		} else {
			random_range(&s, &l);
			interval_tree_insert(&root, &nodes[i], s, l);
			in_tree[i] = true;
			assert_true(interval_tree_contains(&root, &nodes[i]));
		}
		if (step % 7 == 0 || step < 500)
			assert_int_equal(interval_tree_validate(&root), 0);
		random_range(&s, &l);
		check_query(&root, s, l);
		if (step % 97 == 0)
			check_query(&root, 0, ULONG_MAX);
	}
	for (int i = 0; i < NODES; i++)
		if (in_tree[i]) {
			interval_tree_remove(&root, &nodes[i]);
			in_tree[i] = false;
		}
	assert_true(interval_tree_empty(&root));
	assert_int_equal(root.count, 0);
	assert_int_equal(interval_tree_validate(&root), 0);
}

/* Sorted insertions, the worst case of an unbalanced tree: the height stays logarithmic. */
static void test_sorted_inserts(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT;

	(void)state;
	for (int i = 0; i < NODES; i++)
		interval_tree_insert(&root, &nodes[i], (unsigned long)i, (unsigned long)i + 3);
	assert_int_equal(interval_tree_validate(&root), 0);
	/* An AVL tree of n nodes is less than 1.45 log2(n + 2) high: 13 for 400. */
	assert_true(root.top->height <= 13);
	for (int i = NODES - 1; i >= 0; i -= 2)
		interval_tree_remove(&root, &nodes[i]);
	assert_int_equal(interval_tree_validate(&root), 0);
	assert_int_equal(root.count, NODES / 2);
	for (int i = 0; i < NODES; i += 2)
		interval_tree_remove(&root, &nodes[i]);
	assert_true(interval_tree_empty(&root));
}

/* A validator that cannot fail proves nothing: a corrupted field is caught. */
static void test_validate_catches(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT;

	(void)state;
	for (int i = 0; i < 7; i++)
		interval_tree_insert(&root, &nodes[i], (unsigned long)i * 10, (unsigned long)i * 10 + 5);
	assert_int_equal(interval_tree_validate(&root), 0);
	root.top->subtree_last++;
	assert_int_equal(interval_tree_validate(&root), -EUCLEAN);
	root.top->subtree_last--;
	root.count++;
	assert_int_equal(interval_tree_validate(&root), -EUCLEAN);
	root.count--;
	root.top->left->start = ULONG_MAX - 1;	/* out of order */
	root.top->left->last = ULONG_MAX;
	assert_int_equal(interval_tree_validate(&root), -EUCLEAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_sorted_inserts),
		cmocka_unit_test(test_validate_catches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
