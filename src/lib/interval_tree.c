// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The interval tree (lib/interval_tree.c's role, over an AVL tree instead of Linux's augmented
 * red-black tree): nodes ordered by (start, address), each knowing its subtree's height and
 * largest last. Insertion and removal recurse down one path and rebalance on the way back up,
 * refreshing both augmented fields of every node they pass; a query prunes subtrees whose
 * largest last lies before it and stops going right at the first start past it.
 * Left out: RCU readers and the iterator API (queries take a callback instead).
 */
#include "lib/interval_tree.h"

#include <stdint.h>

static int node_height(const struct interval_tree_node *n)
{
	return n ? n->height : 0;
}

/* Refreshes @n's height and subtree_last from its children. */
static void node_update(struct interval_tree_node *n)
{
	int hl = node_height(n->left), hr = node_height(n->right);
	unsigned long last = n->last;

	if (n->left && n->left->subtree_last > last)
		last = n->left->subtree_last;
	if (n->right && n->right->subtree_last > last)
		last = n->right->subtree_last;
	n->subtree_last = last;
	n->height = 1 + (hl > hr ? hl : hr);
}

/* The strict order of the tree: by start, then by the node's address. */
static bool node_before(const struct interval_tree_node *a, const struct interval_tree_node *b)
{
	if (a->start != b->start)
		return a->start < b->start;
	return (uintptr_t)a < (uintptr_t)b;
}

/*
 *     n            l
 *    / \          / \
 *   l   c   ->   a   n
 *  / \              / \
 * a   b            b   c
 */
static struct interval_tree_node *rotate_right(struct interval_tree_node *n)
{
	struct interval_tree_node *l = n->left;

	n->left = l->right;
	l->right = n;
	node_update(n);
	node_update(l);
	return l;
}

static struct interval_tree_node *rotate_left(struct interval_tree_node *n)
{
	struct interval_tree_node *r = n->right;

	n->right = r->left;
	r->left = n;
	node_update(n);
	node_update(r);
	return r;
}

/* @n's children are balanced trees whose heights differ by at most two: make @n one. */
static struct interval_tree_node *rebalance(struct interval_tree_node *n)
{
	int balance = node_height(n->left) - node_height(n->right);

	if (balance > 1) {
		if (node_height(n->left->left) < node_height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (node_height(n->right->right) < node_height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	node_update(n);
	return n;
}

static struct interval_tree_node *insert_under(struct interval_tree_node *n,
					       struct interval_tree_node *node)
{
	if (!n)
		return node;
	if (node_before(node, n))
		n->left = insert_under(n->left, node);
	else
		n->right = insert_under(n->right, node);
	return rebalance(n);
}

/**
 * interval_tree_insert - add @node, covering [@start, @last], to @root.
 * Context: the caller's lock over @root; @node is in no tree (zeroed).
 */
void interval_tree_insert(struct interval_tree_root *root, struct interval_tree_node *node,
			  unsigned long start, unsigned long last)
{
	VM_BUG_ON(start > last || interval_tree_node_linked(node));
	*node = (struct interval_tree_node){ .start = start, .last = last, .subtree_last = last,
					     .height = 1 };
	root->top = insert_under(root->top, node);
	root->count++;
}

/* Detaches the smallest node of @n's subtree into *@min; returns the subtree without it. */
static struct interval_tree_node *detach_min(struct interval_tree_node *n,
					     struct interval_tree_node **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = detach_min(n->left, min);
	return rebalance(n);
}

static struct interval_tree_node *remove_under(struct interval_tree_node *n,
					       struct interval_tree_node *node)
{
	struct interval_tree_node *succ;

	VM_BUG_ON(!n);		/* @node is not in the tree */
	if (n != node) {
		if (node_before(node, n))
			n->left = remove_under(n->left, node);
		else
			n->right = remove_under(n->right, node);
		return rebalance(n);
	}
	if (!n->right)
		return n->left;
	/* The successor takes @node's place. */
	succ = NULL;
	n->right = detach_min(n->right, &succ);
	succ->left = n->left;
	succ->right = n->right;
	return rebalance(succ);
}

/**
 * interval_tree_remove - take @node out of @root.
 * Context: the caller's lock over @root; @node is in @root (a bug otherwise).
 */
void interval_tree_remove(struct interval_tree_root *root, struct interval_tree_node *node)
{
	root->top = remove_under(root->top, node);
	root->count--;
	*node = (struct interval_tree_node){ 0 };
}

/* interval_tree_contains - is @node in @root? O(log n), by its key. */
bool interval_tree_contains(const struct interval_tree_root *root,
			    const struct interval_tree_node *node)
{
	const struct interval_tree_node *n = root->top;

	while (n && n != node)
		n = node_before(node, n) ? n->left : n->right;
	return n;
}

static bool query_under(struct interval_tree_node *n, unsigned long start, unsigned long last,
			interval_tree_visit_t visit, void *arg)
{
	while (n && n->subtree_last >= start) {
		if (!query_under(n->left, start, last, visit, arg))
			return false;
		if (n->start > last)
			return true;	/* every node to the right starts later still */
		if (n->last >= start && !visit(n, arg))
			return false;
		n = n->right;
	}
	return true;
}

/**
 * interval_tree_query - call @visit for every node of @root overlapping [@start, @last], in
 * order of start (then of address), until it returns false. @visit must not change the tree.
 * Context: the caller's lock over @root.
 * Return: false when @visit ended the query, true otherwise.
 */
bool interval_tree_query(const struct interval_tree_root *root, unsigned long start,
			 unsigned long last, interval_tree_visit_t visit, void *arg)
{
	return query_under(root->top, start, last, visit, arg);
}

/* Checks @n's subtree; returns its node count, or -1 after printing what is wrong. */
static long validate_under(const struct interval_tree_node *n,
			   const struct interval_tree_node *lo, const struct interval_tree_node *hi)
{
	long l, r;
	unsigned long sub;
	int hl, hr;

	if (!n)
		return 0;
	l = validate_under(n->left, lo, n);
	r = validate_under(n->right, n, hi);
	if (l < 0 || r < 0)
		return -1;
	hl = node_height(n->left);
	hr = node_height(n->right);
	sub = n->last;
	if (n->left && n->left->subtree_last > sub)
		sub = n->left->subtree_last;
	if (n->right && n->right->subtree_last > sub)
		sub = n->right->subtree_last;
	if (n->start > n->last || (lo && !node_before(lo, n)) || (hi && !node_before(n, hi)) ||
	    n->height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1 ||
	    n->subtree_last != sub) {
		fprintf(stderr, "interval_tree: node [%lx, %lx] out of order or unbalanced\n",
			n->start, n->last);
		return -1;
	}
	return l + r + 1;
}

/**
 * interval_tree_validate - @root is an AVL tree in key order whose heights and subtree_last
 * fields are exact and whose count is its number of nodes.
 * Return: 0, or -EUCLEAN after printing the first problem.
 */
int interval_tree_validate(const struct interval_tree_root *root)
{
	long n = validate_under(root->top, NULL, NULL);

	if (n < 0)
		return -EUCLEAN;
	if ((unsigned long)n != root->count) {
		fprintf(stderr, "interval_tree: %ld nodes, count %lu\n", n, root->count);
		return -EUCLEAN;
	}
	return 0;
}
