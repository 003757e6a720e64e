/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An interval tree of intrusive nodes (include/linux/interval_tree.h's role): each node covers
 * the closed range [start, last] of unsigned longs, and a query visits every node whose range
 * overlaps a given one, in order of start, in O(log n + k). The reverse map keeps two: the
 * anon_vma_chains of an anon_vma and the VMAs of a file's address_space (i_mmap), both keyed by
 * the page offsets a VMA covers.
 *
 * Built as an AVL tree ordered by (start, node address) - so that equal ranges may coexist and
 * a node is found again by its key - and augmented with each subtree's largest last, which lets
 * a query skip a subtree ending before it. Linux uses an augmented red-black tree; the
 * interface is what matters here. Not RCU-safe: callers serialize every access with their own
 * lock. A node's range must not change while it is in a tree: remove it, change, insert.
 */
#ifndef MMLAB_LIB_INTERVAL_TREE_H
#define MMLAB_LIB_INTERVAL_TREE_H

#include "kernel.h"

struct interval_tree_node {
	struct interval_tree_node *left, *right; /* Children: smaller and larger keys */
	unsigned long start;		/* First index covered */
	unsigned long last;		/* Last index covered (inclusive: start <= last) */
	unsigned long subtree_last;	/* Largest last in this node's subtree */
	int height;			/* Of this node's subtree: 1 for a leaf */
};

struct interval_tree_root {
	struct interval_tree_node *top;	/* NULL: empty */
	unsigned long count;		/* Nodes in the tree */
};

#define INTERVAL_TREE_ROOT ((struct interval_tree_root){ NULL, 0 })

static inline bool interval_tree_empty(const struct interval_tree_root *root)
{
	return !root->top;
}

/* Is @node in a tree? A node out of every tree is zeroed (as insert finds it, remove leaves it). */
static inline bool interval_tree_node_linked(const struct interval_tree_node *node)
{
	return node->height != 0;
}

/* Called for each node a query finds; return false to end the query there. */
typedef bool (*interval_tree_visit_t)(struct interval_tree_node *node, void *arg);

void interval_tree_insert(struct interval_tree_root *root, struct interval_tree_node *node,
			  unsigned long start, unsigned long last);
void interval_tree_remove(struct interval_tree_root *root, struct interval_tree_node *node);
bool interval_tree_contains(const struct interval_tree_root *root,
			    const struct interval_tree_node *node);
bool interval_tree_query(const struct interval_tree_root *root, unsigned long start,
			 unsigned long last, interval_tree_visit_t visit, void *arg);
int interval_tree_validate(const struct interval_tree_root *root);

#endif /* MMLAB_LIB_INTERVAL_TREE_H */
