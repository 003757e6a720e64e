/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The maple tree: a B-tree of non-overlapping ranges [first, last] of unsigned long, each mapped
 * to a non-NULL pointer, with gap tracking for get_unmapped_area and lockless RCU readers. It
 * models include/linux/maple_tree.h and lib/maple_tree.c (Linux 6.1+), written from the design
 * in Documentation/core-api/maple_tree.rst, and keeps Linux's names and semantics so mm/ code
 * reads as it does in the kernel.
 *
 * Concurrency (as in the kernel's RCU mode):
 *   - Readers (mtree_load, mt_find, mt_next, mt_prev, mas_walk, mas_find*, mas_next*, mas_prev*)
 *     never block: call them between rcu_read_lock() and rcu_read_unlock() of liburcu's default
 *     "memb" flavour (<urcu.h>), or under the writer's lock. Each thread that reads or writes
 *     must have called rcu_register_thread() (writers too: freed nodes go to call_rcu()).
 *     mtree_load/mt_find/mt_next/mt_prev take rcu_read_lock() themselves, like the kernel's;
 *     __mtree_load/__mt_find do not, for callers under the writer's lock (find_vma under
 *     mmap_lock), where liburcu's out-of-line read lock would double a small tree's lookup.
 *   - Writers (everything that stores, erases, duplicates or destroys) are serialized by the
 *     caller's lock. Gap searches (mas_empty_area*) and mt_validate read writer-side state and
 *     need that lock too, as they need mmap_lock in Linux. A writer must not be inside its own
 *     rcu_read_lock() section: it waits for a grace period (synchronize_rcu()) when its node
 *     cache runs dry, to reuse the nodes it replaced while they are still in the CPU cache.
 *     So a reader must not wait for the writer's lock, or for anything the writer holds,
 *     inside a read-side critical section (the kernel forbids sleeping there too).
 *   - A writer builds new nodes, publishes them with a release store and frees replaced nodes
 *     only after a grace period. A reader sees every entry as it was at some moment during its
 *     read-side critical section.
 *   - Before exiting a program that destroyed trees, call mt_rcu_barrier() so deferred frees
 *     run (liburcu's rcu_barrier() works too, but ThreadSanitizer cannot see its internals).
 *
 * Differences from Linux: no internal spinlock (mtree_* do not lock), no gfp arguments, no
 * XA_ZERO_ENTRY/value entries, no bulk mode; every tree is in RCU mode and every internal node
 * is a maple_arange_64 that tracks gaps, with or without MT_FLAGS_ALLOC_RANGE.
 */
#ifndef MMLAB_MAPLE_TREE_H
#define MMLAB_MAPLE_TREE_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <urcu.h>

#include "kernel.h"

#define MAPLE_NODE_SIZE 256	/* bytes, also the alignment */
#define MAPLE_RANGE64_SLOTS 16	/* leaf: 16 slots, 15 pivots */
#define MAPLE_ARANGE64_SLOTS 10 /* internal: 10 children, 9 pivots, 10 gaps */
#define MAPLE_RANGE64_MIN 6	/* fewest slots in a non-root leaf (Linux: slots / 2 - 2) */
#define MAPLE_ARANGE64_MIN 3	/* fewest children in a non-root internal node */
#define MAPLE_HEIGHT_MAX 24	/* >= 2 * 3^22 * 6 ranges at minimum fill: never reached */

#define MT_FLAGS_ALLOC_RANGE 0x01 /* gap search is used (VMA trees) */
#define MT_FLAGS_USE_RCU 0x02	  /* accepted; every mmlab tree is in RCU mode */

struct maple_node;
struct maple_enode; /* a node pointer with its type in the low bits */
struct mt_free_batch;

/* Writer-side fields are protected by the caller's lock; readers only load ma_root. */
struct maple_tree {
	struct maple_enode *ma_root;  /* root node or NULL when empty; RCU-published */
	unsigned int ma_flags;	      /* MT_FLAGS_* */
	unsigned int ma_height;	      /* levels of nodes; 0 when empty */
	unsigned long ma_nodes;	      /* nodes reachable from ma_root */
	struct mt_free_batch *ma_free; /* replaced nodes waiting for one call_rcu() */
	struct mt_free_batch *ma_cache; /* free nodes ready for this tree's writer */
};

#define MTREE_INIT(name, flags) { .ma_root = NULL, .ma_flags = (flags) }
#define DEFINE_MTREE(name) struct maple_tree name = MTREE_INIT(name, 0)

enum maple_status {
	ma_start,     /* next operation walks from the root */
	ma_active,    /* path[] holds a valid position at [index, last] */
	ma_none,      /* the tree was empty */
	ma_pause,     /* the lock was dropped; resume after last (or before index) */
	ma_overflow,  /* ran past max */
	ma_underflow, /* ran below min */
};

/* One level of the path from the root to the current leaf. */
struct ma_path {
	struct maple_enode *node; /* node at this depth */
	unsigned long min, max;	  /* range the node covers */
	unsigned char offset;	  /* slot followed (leaf: slot of [index, last]) */
};

/*
 * The maple state: a cursor. Readers use it under rcu_read_lock(); a writer uses it to store
 * where it stands without a new descent. Only tree, index, last and status are meant for
 * callers; the path is private.
 */
struct ma_state {
	struct maple_tree *tree;	       /* the tree walked */
	unsigned long index;		       /* first index of the current range */
	unsigned long last;		       /* last index of the current range */
	enum maple_status status;	       /* see enum maple_status */
	unsigned char depth;		       /* path[depth] is the leaf */
	struct ma_path path[MAPLE_HEIGHT_MAX]; /* root first */
};

static inline void mas_init(struct ma_state *mas, struct maple_tree *mt, unsigned long first,
			    unsigned long last)
{
	mas->tree = mt;
	mas->index = first;
	mas->last = last;
	mas->status = ma_start;
}

/*
 * Declares a maple state at [first, end]. Not an initializer: that would zero the whole path,
 * 800 bytes, on every use, which costs more than a short gap search. The path is only read
 * once a walk has filled it.
 */
#define MA_STATE(name, mt, first, end)                                                             \
	struct ma_state name;                                                                      \
	mas_init(&name, (mt), (first), (end))

static inline void mas_set_range(struct ma_state *mas, unsigned long first, unsigned long last)
{
	mas->index = first;
	mas->last = last;
	mas->status = ma_start;
}

static inline void mas_set(struct ma_state *mas, unsigned long index)
{
	mas_set_range(mas, index, index);
}

static inline void mas_reset(struct ma_state *mas)
{
	mas->status = ma_start;
}

/* mas_pause - call before dropping the lock in the middle of an iteration. */
static inline void mas_pause(struct ma_state *mas)
{
	mas->status = ma_pause;
}

static inline bool mt_external_lock(const struct maple_tree *mt)
{
	return true;
}

void mt_init_flags(struct maple_tree *mt, unsigned int flags);
static inline void mt_init(struct maple_tree *mt)
{
	mt_init_flags(mt, 0);
}
static inline bool mtree_empty(const struct maple_tree *mt)
{
	return __atomic_load_n(&mt->ma_root, __ATOMIC_RELAXED) == NULL;
}
void mtree_destroy(struct maple_tree *mt);
void __mt_destroy(struct maple_tree *mt);

/* Writers (caller's lock). */
int __must_check mtree_store_range(struct maple_tree *mt, unsigned long first, unsigned long last,
				   void *entry);
int __must_check mtree_store(struct maple_tree *mt, unsigned long index, void *entry);
int __must_check mtree_insert_range(struct maple_tree *mt, unsigned long first,
				    unsigned long last, void *entry);
int __must_check mtree_insert(struct maple_tree *mt, unsigned long index, void *entry);
void *mtree_erase(struct maple_tree *mt, unsigned long index);
int __must_check mas_store_gfp(struct ma_state *mas, void *entry);
void *mas_erase(struct ma_state *mas);
int __must_check mas_empty_area(struct ma_state *mas, unsigned long min, unsigned long max,
				unsigned long size);
int __must_check mas_empty_area_rev(struct ma_state *mas, unsigned long min, unsigned long max,
				    unsigned long size);
int __must_check __mt_dup(struct maple_tree *mt, struct maple_tree *new);
int __must_check mtree_dup(struct maple_tree *mt, struct maple_tree *new);

/* Readers (rcu_read_lock() or the writer's lock). */
void *mtree_load(struct maple_tree *mt, unsigned long index);
void *mt_find(struct maple_tree *mt, unsigned long *index, unsigned long max);
void *mt_next(struct maple_tree *mt, unsigned long index, unsigned long max);
void *mt_prev(struct maple_tree *mt, unsigned long index, unsigned long min);
void *__mtree_load(struct maple_tree *mt, unsigned long index);
void *__mt_find(struct maple_tree *mt, unsigned long *index, unsigned long max);
void *mas_walk(struct ma_state *mas);
void *mas_find(struct ma_state *mas, unsigned long max);
void *mas_find_rev(struct ma_state *mas, unsigned long min);
void *mas_next(struct ma_state *mas, unsigned long max);
void *mas_prev(struct ma_state *mas, unsigned long min);
void *mas_next_range(struct ma_state *mas, unsigned long max);
void *mas_prev_range(struct ma_state *mas, unsigned long min);

#define mas_for_each(__mas, __entry, __max) while (((__entry) = mas_find((__mas), (__max))) != NULL)
#define mas_for_each_rev(__mas, __entry, __min)                                                    \
	while (((__entry) = mas_find_rev((__mas), (__min))) != NULL)
#define mt_for_each(__tree, __entry, __index, __max)                                               \
	for (__entry = mt_find(__tree, &(__index), __max); __entry;                                \
	     __entry = ((__index) ? mt_find(__tree, &(__index), __max) : NULL))

void mt_rcu_barrier(void);

/* Checks and statistics (caller's lock). */
int __must_check mt_validate(struct maple_tree *mt);
void mt_dump(struct maple_tree *mt, FILE *f);
static inline unsigned int mt_height(const struct maple_tree *mt)
{
	return mt->ma_height;
}
static inline unsigned long mt_nr_nodes(const struct maple_tree *mt)
{
	return mt->ma_nodes;
}
static inline unsigned long mt_bytes_used(const struct maple_tree *mt)
{
	return mt->ma_nodes * MAPLE_NODE_SIZE;
}

/*
 * Test seam: after @n more node allocations on the calling thread succeed, every further one
 * fails until mt_set_alloc_fail_after(-1). mt_nr_allocations() counts node allocations made
 * by the calling thread.
 */
void mt_set_alloc_fail_after(long n);
unsigned long mt_nr_allocations(void);

#endif /* MMLAB_MAPLE_TREE_H */
