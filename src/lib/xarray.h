/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A sparse array of pointers indexed by unsigned long (include/linux/xarray.h's role): the page
 * cache's index from file offset to page, and the upper layer's store. A radix tree of 64-way
 * nodes grown upward as larger indices arrive; entries are non-NULL pointers, storing NULL
 * erases. An entry with bit 0 set is a value (xa_is_value: a workingset shadow), not a pointer;
 * the array counts its leaf nodes that hold nothing but values, as Linux's page cache and
 * swap cache count their shadow-only nodes (workingset_update_node). Not RCU-safe: callers
 * serialize every access with their own lock.
 */
#ifndef MMLAB_LIB_XARRAY_H
#define MMLAB_LIB_XARRAY_H

#include "kernel.h"

struct xarray {
	void *head;			/* Root node (struct xa_node, xarray.c); NULL: empty */
	unsigned int shift;		/* Bits below the root's slots; 0 with a leaf root */
	unsigned long count;		/* Entries present */
	unsigned long nr_value_leaves;	/* Leaf nodes whose entries are all values */
};

/* A value entry (odd), not a pointer: xa_is_value. */
static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1UL;
}

void xa_init(struct xarray *xa);
void *xa_load(const struct xarray *xa, unsigned long index);
/* Stores @entry (NULL erases): 0, or -ENOMEM (the array is unchanged). */
int xa_store(struct xarray *xa, unsigned long index, void *entry);
void *xa_erase(struct xarray *xa, unsigned long index);
/* The first entry at or after *@index and at most @max, its index in *@index; NULL: none. */
void *xa_find(const struct xarray *xa, unsigned long *index, unsigned long max);
/*
 * The nodes Linux's xarray would have that hold only value entries (its workingset_nodes):
 * the leaves counted above, less a root leaf whose one entry is at index 0 (Linux keeps
 * that entry in the head, with no node).
 */
unsigned long xa_nr_value_nodes(const struct xarray *xa);
/* Frees the nodes (not the entries). */
void xa_destroy(struct xarray *xa);
/* Checks the tree's shape and counts: 0 or -EINVAL. */
int xa_validate(const struct xarray *xa);
/* Fault injection for tests: this thread's @nth node allocation from now fails (0: none). */
void xa_fail_alloc_after(unsigned long nth);

#endif /* MMLAB_LIB_XARRAY_H */
