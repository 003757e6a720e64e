// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The sparse pointer array of lib/xarray.h, as a radix tree of 64-way nodes: the role of
 * Linux's lib/xarray.c for the page cache (file offset -> page) and the overlay's upper store.
 * Each node covers 64 << node->shift indices; shift 0 is a leaf whose slots hold the entries.
 * The tree is kept in its smallest shape: the root's shift is the least that covers every
 * stored index (a root with only slot 0 in use is replaced by that child), and a node whose
 * count falls to zero is freed at once, so the same set of entries always gives the same tree.
 * A leaf also counts its value entries (nr_values), and the array the leaves that hold only
 * values, so that the swap cache can report its shadow-only nodes as workingset_nodes.
 * Left out: RCU-safe readers (callers serialize with their own lock), marks (search tags),
 * multi-index entries, the xa_mk_value encoding (a value is any odd entry) and the xas_*
 * cursor API.
 */
#include "lib/xarray.h"

#include <limits.h>
#include <stdlib.h>

#ifndef BITS_PER_LONG
#define BITS_PER_LONG (8 * (unsigned int)sizeof(long))
#endif

#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK (XA_CHUNK_SIZE - 1)
/* The deepest path: ceil(64 / 6) levels. */
#define XA_MAX_DEPTH ((BITS_PER_LONG + XA_CHUNK_SHIFT - 1) / XA_CHUNK_SHIFT)

struct xa_node {
	unsigned int shift;		/* Bits of the index below this node's slots */
	unsigned int count;		/* Non-NULL slots */
	unsigned int nr_values;		/* ... of them value entries (leaves only) */
	void *slots[XA_CHUNK_SIZE];	/* Child nodes, or entries when shift == 0 */
};

/* Fault injection: the N-th node allocation of this thread fails (0: never). */
static __thread unsigned long xa_fail_nth;

void xa_fail_alloc_after(unsigned long nth)
{
	xa_fail_nth = nth;
}

static struct xa_node *xa_node_alloc(unsigned int shift)
{
	struct xa_node *node;

	if (xa_fail_nth && --xa_fail_nth == 0)
		return NULL;
	node = calloc(1, sizeof(*node));
	if (node)
		node->shift = shift;
	return node;
}

/* The largest index a root of @shift covers. */
static unsigned long xa_max_index(unsigned int shift)
{
	if (shift + XA_CHUNK_SHIFT >= BITS_PER_LONG)
		return ULONG_MAX;
	return (1UL << (shift + XA_CHUNK_SHIFT)) - 1;
}

static unsigned int xa_offset(const struct xa_node *node, unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

/* The leaf node that holds @index's slot, or NULL when the tree has none. */
static struct xa_node *xa_leaf(const struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->head;

	if (!node || index > xa_max_index(xa->shift))
		return NULL;
	while (node && node->shift)
		node = node->slots[xa_offset(node, index)];
	return node;
}

static bool xa_leaf_values_only(const struct xa_node *leaf)
{
	return leaf->count && leaf->count == leaf->nr_values;
}

/*
 * Slot @off of @leaf goes from @old to @entry (either may be NULL): its counts and the
 * array's value-only leaves follow (workingset_update_node's test).
 */
static void xa_leaf_set(struct xarray *xa, struct xa_node *leaf, unsigned int off, void *entry)
{
	void *old = leaf->slots[off];
	bool was = xa_leaf_values_only(leaf);

	leaf->count += (unsigned int)!!entry - (unsigned int)!!old;
	leaf->nr_values += (unsigned int)xa_is_value(entry) - (unsigned int)xa_is_value(old);
	xa->count += (unsigned long)!!entry - (unsigned long)!!old;
	leaf->slots[off] = entry;
	xa->nr_value_leaves += (unsigned long)xa_leaf_values_only(leaf) - (unsigned long)was;
}

void xa_init(struct xarray *xa)
{
	*xa = (struct xarray){};
}

/**
 * xa_load - the entry at @index, or NULL.
 * Context: the caller's lock (shared is enough).
 */
void *xa_load(const struct xarray *xa, unsigned long index)
{
	const struct xa_node *node = xa_leaf(xa, index);

	return node ? node->slots[index & XA_CHUNK_MASK] : NULL;
}

/*
 * Restores the smallest shape after the path to @index lost entries or after a store failed
 * half way: frees the empty nodes on that path, bottom up, then drops roots that only use
 * slot 0 (they cover nothing their child does not).
 */
static void xa_shrink(struct xarray *xa, unsigned long index)
{
	struct xa_node *path[XA_MAX_DEPTH + 1];
	struct xa_node *node = xa->head;
	int depth = 0;

	if (node && index <= xa_max_index(xa->shift)) {
		for (;;) {
			path[depth++] = node;
			if (!node->shift)
				break;
			node = node->slots[xa_offset(node, index)];
			if (!node)
				break;
		}
	}
	while (depth > 0 && path[depth - 1]->count == 0) {
		node = path[--depth];
		if (depth) {
			path[depth - 1]->slots[xa_offset(path[depth - 1], index)] = NULL;
			path[depth - 1]->count--;
		} else {
			xa->head = NULL;
			xa->shift = 0;
		}
		free(node);
	}
	while ((node = xa->head) && node->shift && node->count == 1 && node->slots[0]) {
		xa->head = node->slots[0];
		xa->shift = node->shift - XA_CHUNK_SHIFT;
		free(node);
	}
}

/**
 * xa_store - store @entry at @index, replacing what was there; NULL erases.
 * Context: the caller's lock, held exclusively.
 * Return: 0, or -ENOMEM when a node could not be allocated (the array is unchanged).
 */
int xa_store(struct xarray *xa, unsigned long index, void *entry)
{
	struct xa_node *node;
	unsigned int off;

	if (!entry) {
		xa_erase(xa, index);
		return 0;
	}
	if (!xa->head) {
		unsigned int shift = 0;

		while (index > xa_max_index(shift))
			shift += XA_CHUNK_SHIFT;
		xa->head = xa_node_alloc(shift);
		if (!xa->head)
			return -ENOMEM;
		xa->shift = shift;
	}
	/* Grow upward: the old root becomes slot 0 of a wider one. */
	while (index > xa_max_index(xa->shift)) {
		node = xa_node_alloc(xa->shift + XA_CHUNK_SHIFT);
		if (!node)
			goto nomem;
		node->slots[0] = xa->head;
		node->count = 1;
		xa->head = node;
		xa->shift = node->shift;
	}
	for (node = xa->head; node->shift; node = node->slots[off]) {
		off = xa_offset(node, index);
		if (!node->slots[off]) {
			node->slots[off] = xa_node_alloc(node->shift - XA_CHUNK_SHIFT);
			if (!node->slots[off])
				goto nomem;
			node->count++;
		}
	}
	xa_leaf_set(xa, node, (unsigned int)(index & XA_CHUNK_MASK), entry);
	return 0;
nomem:
	xa_shrink(xa, index);
	return -ENOMEM;
}

/**
 * xa_erase - remove the entry at @index.
 * Context: the caller's lock, held exclusively.
 * Return: the entry that was there, or NULL.
 */
void *xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa_leaf(xa, index);
	void *entry;

	if (!node)
		return NULL;
	entry = node->slots[index & XA_CHUNK_MASK];
	if (!entry)
		return NULL;
	xa_leaf_set(xa, node, (unsigned int)(index & XA_CHUNK_MASK), NULL);
	xa_shrink(xa, index);
	return entry;
}

/*
 * The first entry in @node's subtree (covering indices from @base) at or after *@index and at
 * most @max. Every non-NULL child holds an entry (empty nodes are freed), but not necessarily
 * one inside the bounds, so a child that yields nothing passes the search to its next sibling.
 */
static void *xa_node_find(const struct xa_node *node, unsigned long base, unsigned long *index,
			  unsigned long max)
{
	unsigned long span = 1UL << node->shift;
	unsigned long off = *index > base ? (*index - base) >> node->shift : 0;

	for (; off < XA_CHUNK_SIZE; off++) {
		unsigned long first = base + off * span;
		void *slot = node->slots[off];

		if (first > max || (off && first == 0))	/* past @max, or wrapped */
			return NULL;
		if (!slot)
			continue;
		if (!node->shift) {
			*index = first;
			return slot;
		}
		if (first > *index)
			*index = first;
		slot = xa_node_find(slot, first, index, max);
		if (slot)
			return slot;
	}
	return NULL;
}

/**
 * xa_find - the first entry at or after *@index and at most @max.
 * Context: the caller's lock (shared is enough).
 * Return: the entry with its index in *@index, or NULL (*@index is then unspecified).
 */
void *xa_find(const struct xarray *xa, unsigned long *index, unsigned long max)
{
	if (!xa->head || *index > max || *index > xa_max_index(xa->shift))
		return NULL;
	return xa_node_find(xa->head, 0, index, max);
}

/*
 * Checks @node's subtree; returns its entries, or -1 on a broken invariant. *@value_leaves
 * gains its leaves that hold only values.
 */
static long xa_node_validate(const struct xa_node *node, unsigned int shift,
			     unsigned long *value_leaves)
{
	unsigned int used = 0, values = 0;
	long entries = 0;

	if (node->shift != shift)
		return -1;
	for (unsigned int i = 0; i < XA_CHUNK_SIZE; i++) {
		long n;

		if (!node->slots[i])
			continue;
		used++;
		values += !shift && xa_is_value(node->slots[i]);
		n = shift ? xa_node_validate(node->slots[i], shift - XA_CHUNK_SHIFT, value_leaves)
			  : 1;
		if (n <= 0)	/* a broken child, or an empty node left behind */
			return -1;
		entries += n;
	}
	if (used != node->count || values != (shift ? 0 : node->nr_values))
		return -1;
	*value_leaves += !shift && xa_leaf_values_only(node);
	return entries;
}

/**
 * xa_validate - check the array's invariants: every node's shift one chunk below its
 * parent's and its count equal to its used slots, no empty node, a root that cannot shrink,
 * the entry count and the value-only leaves.
 * Return: 0, or -EINVAL when one is broken.
 */
int xa_validate(const struct xarray *xa)
{
	const struct xa_node *root = xa->head;
	unsigned long value_leaves = 0;
	long n;

	if (!root)
		return xa->count == 0 && xa->shift == 0 && !xa->nr_value_leaves ? 0 : -EINVAL;
	if (root->shift && root->count == 1 && root->slots[0])
		return -EINVAL;
	if (root->shift % XA_CHUNK_SHIFT || root->shift >= BITS_PER_LONG)
		return -EINVAL;
	n = xa_node_validate(root, xa->shift, &value_leaves);
	return n > 0 && (unsigned long)n == xa->count && value_leaves == xa->nr_value_leaves ?
		       0 : -EINVAL;
}

/**
 * xa_nr_value_nodes - the value-only nodes Linux's xarray would have for the same entries.
 * Context: the caller's lock (shared is enough).
 */
unsigned long xa_nr_value_nodes(const struct xarray *xa)
{
	const struct xa_node *root = xa->head;

	if (root && !root->shift && root->count == 1 && xa_is_value(root->slots[0]))
		return xa->nr_value_leaves - 1;
	return xa->nr_value_leaves;
}

static void xa_node_free(struct xa_node *node)
{
	if (node->shift)
		for (unsigned int i = 0; i < XA_CHUNK_SIZE; i++)
			if (node->slots[i])
				xa_node_free(node->slots[i]);
	free(node);
}

/**
 * xa_destroy - free every node; the entries are the caller's. The array is empty after.
 */
void xa_destroy(struct xarray *xa)
{
	if (xa->head)
		xa_node_free(xa->head);
	xa_init(xa);
}
