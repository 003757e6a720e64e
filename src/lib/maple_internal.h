/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Maple tree internals shared by maple_tree.c (nodes, readers, gap search, dup, validation)
 * and maple_store.c (the write path). The node layouts follow lib/maple_tree.c's
 * maple_range_64 and maple_arange_64; the node type lives in the low bits of every node
 * pointer (a "maple_enode"), so a reader never touches metadata to know what it is reading.
 *
 * A node covers [min, max], known from its parent's pivots (the root covers everything). Slot
 * i covers [pivot[i - 1] + 1, pivot[i]], the first slot starts at min and the last used slot,
 * meta.end - 1, ends at max. Live nodes are immutable except for three in-place writes, each a
 * single aligned store: a leaf slot whose range is unchanged gets a new entry, an internal
 * slot gets a replacement child covering the same range, and gap values (writer-only) change.
 * A live node's [min, max] therefore never changes, which is what lets a reader holding a
 * stale path still read a consistent snapshot.
 */
#ifndef MMLAB_MAPLE_INTERNAL_H
#define MMLAB_MAPLE_INTERNAL_H

#include "maple_tree.h"

#if defined(__SANITIZE_THREAD__)
#define MT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MT_TSAN 1
#endif
#endif

enum maple_type {
	maple_leaf_64 = 1,   /* low bits of an enode: leaf */
	maple_arange_64 = 2, /* internal node with gaps */
};
#define MAPLE_ENODE_MASK 0xffUL

struct maple_meta {
	unsigned char end;  /* slots used, 1..16 */
	unsigned char dead; /* set once the node is unlinked; atomic */
	unsigned char pad[6];
};

struct maple_range_64 {
	unsigned long pivot[MAPLE_RANGE64_SLOTS - 1];
	void *slot[MAPLE_RANGE64_SLOTS];
};

struct maple_arange_64 {
	unsigned long pivot[MAPLE_ARANGE64_SLOTS - 1];
	struct maple_enode *slot[MAPLE_ARANGE64_SLOTS];
	unsigned long gap[MAPLE_ARANGE64_SLOTS]; /* largest free range size in each child */
};

struct maple_node {
	struct maple_meta meta; /* first cache line, with the first pivots */
	union {
		struct maple_range_64 mr64;
		struct maple_arange_64 ma64;
	};
} __attribute__((aligned(MAPLE_NODE_SIZE)));

static inline struct maple_node *mte_to_node(const struct maple_enode *e)
{
	return (struct maple_node *)((unsigned long)e & ~MAPLE_ENODE_MASK);
}
static inline bool mte_is_leaf(const struct maple_enode *e)
{
	return ((unsigned long)e & MAPLE_ENODE_MASK) == maple_leaf_64;
}
static inline struct maple_enode *mt_mk_node(struct maple_node *n, bool leaf)
{
	return (struct maple_enode *)((unsigned long)n | (leaf ? maple_leaf_64 : maple_arange_64));
}
static inline unsigned long *ma_pivots(struct maple_node *n, bool leaf)
{
	return leaf ? n->mr64.pivot : n->ma64.pivot;
}
static inline void **ma_slots(struct maple_node *n, bool leaf)
{
	return leaf ? n->mr64.slot : (void **)n->ma64.slot;
}
static inline unsigned int mt_slots(bool leaf)
{
	return leaf ? MAPLE_RANGE64_SLOTS : MAPLE_ARANGE64_SLOTS;
}
static inline unsigned int mt_min_slots(bool leaf)
{
	return leaf ? MAPLE_RANGE64_MIN : MAPLE_ARANGE64_MIN;
}

/* Acquire loads and release stores of slots: what rcu_dereference/rcu_assign_pointer do. */
static inline void *mt_slot_load(void *const *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}
static inline void mt_slot_store(void **slot, void *v)
{
	__atomic_store_n(slot, v, __ATOMIC_RELEASE);
}
static inline bool mt_node_dead(struct maple_node *n)
{
	return __atomic_load_n(&n->meta.dead, __ATOMIC_ACQUIRE);
}

/*
 * Starts fetching a node's last three cache lines (the first is about to be read). A descent
 * reads the pivots, then the one slot they pick: without this the slot's line is a second
 * cache miss that waits for the first. A writer goes on to copy the whole leaf and to read
 * the internal nodes' gaps, so on a tree larger than the CPU cache every line is wanted.
 */
static inline void mt_prefetch_node(const struct maple_node *n)
{
	const char *p = (const char *)n;

	__builtin_prefetch(p + 64);
	__builtin_prefetch(p + 128);
	__builtin_prefetch(p + 192);
}

/* Slot @i of a node covering [min, max] that uses @end slots covers [lo, hi]. */
static inline unsigned long ma_slot_min(const unsigned long *piv, unsigned int i, unsigned long min)
{
	return i ? piv[i - 1] + 1 : min;
}
static inline unsigned long ma_slot_max(const unsigned long *piv, unsigned int i, unsigned int end,
					unsigned long max)
{
	return i + 1 < end ? piv[i] : max;
}

/*
 * ma_offset - index of the slot covering @index in a node using @end slots. Every pivot a node
 * does not use holds ULONG_MAX (whoever fills a node sees to it), so counting the pivots below
 * @index over the whole fixed-size array gives the slot: no loop exit that depends on the data,
 * hence no branch mispredicted on random lookups, and loads the CPU can issue all at once. The
 * count cannot pass end - 1 for an @index inside the node's range, whose used pivots are all
 * below its max and whose pivot end - 1 is ULONG_MAX (mt_validate checks both), and no caller
 * passes one outside: so @end is not read, which takes a compare and a conditional move off
 * the chain of dependent loads a descent is.
 */
#ifdef MT_FIND_WIDE
#include <immintrin.h>
#endif
static inline unsigned int ma_count_below(const unsigned long *piv, unsigned int nr,
					  unsigned long index)
{
#ifdef MT_FIND_WIDE
	/*
	 * Two unsigned compares of eight pivots each against the index into bit masks, the
	 * second masked to the pivots that exist, and a population count of each.
	 */
	__m512i x = _mm512_set1_epi64((long long)index);
	__mmask8 rest = (__mmask8)((1u << (nr - 8)) - 1);
	__mmask8 lo = _mm512_cmplt_epu64_mask(_mm512_loadu_si512(piv), x);
	__mmask8 hi = _mm512_mask_cmplt_epu64_mask(rest, _mm512_maskz_loadu_epi64(rest, piv + 8), x);

	return (unsigned int)__builtin_popcount(lo) + (unsigned int)__builtin_popcount(hi);
#else
	_Static_assert((MAPLE_RANGE64_SLOTS - 1) % 3 == 0 && (MAPLE_ARANGE64_SLOTS - 1) % 3 == 0,
		       "pivot counts must be multiples of three");
	unsigned int i, a = 0, b = 0, c = 0;

	for (i = 0; i < nr; i += 3) {
		a += piv[i] < index;
		b += piv[i + 1] < index;
		c += piv[i + 2] < index;
	}
	/*
	 * Three sums, kept apart by the empty asm: GCC would otherwise fold them back into one
	 * chain of add-with-carry, 15 dependent instructions on a leaf, in every level of every
	 * walk (measured: stores 8-10% faster with three).
	 */
	__asm__("" : "+r"(a), "+r"(b), "+r"(c));
	return a + b + c;
#endif
}
static inline unsigned int ma_offset(const unsigned long *piv, unsigned int end,
				     unsigned long index, bool leaf)
{
	unsigned int off = leaf ? ma_count_below(piv, MAPLE_RANGE64_SLOTS - 1, index)
				: ma_count_below(piv, MAPLE_ARANGE64_SLOTS - 1, index);

	VM_BUG_ON(off >= end);
	return off;
}

/* Size of [lo, hi], saturated: only [0, ULONG_MAX] does not fit. */
static inline unsigned long mt_range_size(unsigned long lo, unsigned long hi)
{
	return hi - lo == ULONG_MAX ? ULONG_MAX : hi - lo + 1;
}

/* maple_find.c, compiled for any x86-64 and with AVX-512 (MT_FIND_WIDE). */
void *__mtree_load_generic(struct maple_tree *mt, unsigned long index);
void *__mt_find_generic(struct maple_tree *mt, unsigned long *index, unsigned long max);
void *__mtree_load_avx512(struct maple_tree *mt, unsigned long index);
void *__mt_find_avx512(struct maple_tree *mt, unsigned long *index, unsigned long max);
void *mt_find_next_leaf(struct maple_tree *mt, unsigned long *index, unsigned long max);

struct maple_node *mt_alloc_node(struct maple_tree *mt);
void mt_free_node_now(struct maple_tree *mt, struct maple_node *n);
void mt_defer_free(struct maple_tree *mt, struct maple_node *n);
void mt_flush_free(struct maple_tree *mt);
unsigned long mt_node_gap(struct maple_node *n, bool leaf, unsigned long min, unsigned long max);
void *mas_descend(struct ma_state *mas, unsigned long index);

/*
 * Tell ThreadSanitizer about the happens-before edge an RCU grace period provides: every
 * reader's accesses to tree nodes happen before the end of its read-side critical section,
 * and a node is freed only after every such section that could see it has ended. liburcu is
 * not instrumented, so TSan cannot see that edge itself; without it each deferred free would
 * be reported as racing with the readers it waited for.
 */
#ifdef MT_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char mt_tsan_grace_period;
static inline void mt_tsan_read_done(void)
{
	__tsan_release(&mt_tsan_grace_period);
}
#else
static inline void mt_tsan_read_done(void)
{
}
#endif

#endif /* MMLAB_MAPLE_INTERNAL_H */
