// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Maple tree: node allocation and RCU-deferred freeing, the read side (walk, find, next, prev),
 * gap search, duplication and validation. It corresponds to the read-side half of Linux's
 * lib/maple_tree.c; the write path is in maple_store.c. It leaves out the kernel's encoded
 * parent pointers (a maple state keeps its path instead), the sparse "root pointer" tree and
 * the node preallocation API (the per-tree node cache below serves instead).
 *
 * The readers that take rcu_read_lock() themselves (mtree_load, mt_find, mt_next, mt_prev)
 * get liburcu's inline read-side lock (_LGPL_SOURCE: a thread-local counter store and a
 * compiler barrier, as the kernel's on a preemptible kernel), which mmlab's LGPL licence
 * allows; out of line it is two calls into the library, as long as a small tree's walk.
 */
#define _LGPL_SOURCE
#include "maple_internal.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#ifdef MT_TSAN
char mt_tsan_grace_period;
#endif

/* ---- Node allocation and deferred freeing ---- */

/*
 * Per-thread test seams, read on every node allocation. Initial-exec: in the shared library
 * the default model would call __tls_get_addr() twice per allocation.
 */
#define MT_TLS __thread __attribute__((tls_model("initial-exec")))
static MT_TLS long mt_fail_after = -1;
static MT_TLS unsigned long mt_allocations;

void mt_set_alloc_fail_after(long n)
{
	mt_fail_after = n;
}

unsigned long mt_nr_allocations(void)
{
	return mt_allocations;
}

/*
 * Node cache, in the spirit of the kernel's maple_node kmem_cache plus mas_preallocate: a store
 * takes nodes from its tree's cache (writer-owned, so no locking) and only calls the allocator
 * when the cache is empty. Replaced nodes collect in a batch of up to MT_FREE_BATCH (ma_free).
 *
 * When the cache runs dry and that batch is full, the writer waits for one grace period itself
 * (synchronize_rcu(), about a microsecond when no reader is inside a read-side section) and
 * the batch becomes the cache, handed out last-freed first. This is
 * the steady state of a store-heavy writer: every store frees about one node and takes one,
 * so the same MT_FREE_BATCH nodes (64 KiB) cycle through the CPU cache. Handing them to
 * call_rcu() instead would bring them back only after liburcu's worker wakes up, which it does
 * every 10 ms; by then a busy writer has cycled megabytes of nodes, and every store would write
 * into a node fetched from memory (measured: twice the cost of the whole store).
 *
 * A batch that fills up without being needed (erases, destroys: more nodes freed than taken)
 * joins a global waiting list (mt_waiting). A writer whose cache ran dry with no full batch of
 * its own takes the newest batch of the global list of free nodes (mt_returned), one at a
 * time (its mutex is taken once per batch): a tree holding a long chain of old, cold batches
 * would never get to recycle its own nodes. When that list is empty too, the writer waits for
 * one grace period itself and moves every waiting batch to it: a fork that follows an exit
 * copies its tree into the nodes the exit freed, still in the CPU cache, where call_rcu()
 * would have made it wait 10 ms for them and take fresh memory from libc meanwhile. Past
 * MT_RETURNED_MAX waiting nodes, batches go to call_rcu(), whose callback puts them on the
 * global list. A destroyed tree's cache, free nodes that need no grace period, joins the
 * global list at once. Past MT_RETURNED_MAX nodes on the global list, nodes go back to libc;
 * the two bounds cap the memory kept for reuse. The cache is an array of pointers, not a list
 * threaded through the nodes: reading a link in a cold node would stall every allocation on
 * a cache miss. Under AddressSanitizer a cached node is poisoned, so a use after free still
 * reports.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define mt_poison(n) ASAN_POISON_MEMORY_REGION((n), MAPLE_NODE_SIZE)
#define mt_unpoison(n) ASAN_UNPOISON_MEMORY_REGION((n), MAPLE_NODE_SIZE)
#else
#define mt_poison(n) ((void)(n))
#define mt_unpoison(n) ((void)(n))
#endif

#define MT_FREE_BATCH 252
#define MT_RETURNED_MAX 65536 /* nodes (16 MiB) kept on the global list at most */

/* Up to MT_FREE_BATCH nodes: replaced ones waiting for a grace period, or free ones. */
struct mt_free_batch {
	struct rcu_head rcu;
	struct mt_free_batch *next; /* on mt_returned, or in a tree's cache chain */
	unsigned int nr;	    /* nodes[0 .. nr) are used */
	struct maple_node *nodes[MT_FREE_BATCH];
};

static pthread_mutex_t mt_returned_lock = PTHREAD_MUTEX_INITIALIZER;
/* Under mt_returned_lock: */
static struct mt_free_batch *mt_returned; /* batches back from a grace period, newest first */
static unsigned long mt_returned_nr;	  /* nodes in them */
static struct mt_free_batch *mt_waiting;  /* unlinked batches waiting for a grace period */
static unsigned long mt_waiting_nr;	  /* nodes in them */

static void mt_batch_free(struct mt_free_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++) {
		mt_unpoison(b->nodes[i]);
		free(b->nodes[i]);
	}
	free(b);
}

/* Waits until no reader can still hold a node of @mt's batch of replaced nodes; returns it. */
static struct mt_free_batch *mt_recycle(struct maple_tree *mt)
{
	struct mt_free_batch *b = mt->ma_free;
	unsigned int i;

	synchronize_rcu();
#ifdef MT_TSAN
	__tsan_acquire(&mt_tsan_grace_period);
#endif
	for (i = 0; i < b->nr; i++)
		mt_poison(b->nodes[i]);
	mt->ma_free = NULL;
	b->next = NULL;
	return b;
}

/*
 * Pushes batch @b on the global list @list counting @nr nodes, unless that list holds
 * MT_RETURNED_MAX nodes already. Returns whether @b was taken.
 */
static bool mt_list_push(struct mt_free_batch **list, unsigned long *nr, struct mt_free_batch *b)
{
	bool taken;

	pthread_mutex_lock(&mt_returned_lock);
	taken = *nr < MT_RETURNED_MAX;
	if (taken) {
		*nr += b->nr;
		b->next = *list;
		__atomic_store_n(list, b, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&mt_returned_lock);
	return taken;
}

/*
 * Puts the free nodes of batch @b on the global list, for the next tree that needs nodes (a
 * fork's duplicate takes them while they are still in the CPU cache); past MT_RETURNED_MAX
 * nodes there, back to libc. The nodes must be poisoned already.
 */
static void mt_batch_return(struct mt_free_batch *b)
{
	if (!b->nr || !mt_list_push(&mt_returned, &mt_returned_nr, b))
		mt_batch_free(b);
}

/* The newest batch of the global list, or NULL. */
static struct mt_free_batch *mt_returned_pop(void)
{
	struct mt_free_batch *c;

	pthread_mutex_lock(&mt_returned_lock);
	c = mt_returned;
	if (c) {
		__atomic_store_n(&mt_returned, c->next, __ATOMIC_RELAXED);
		mt_returned_nr -= c->nr;
		c->next = NULL;
	}
	pthread_mutex_unlock(&mt_returned_lock);
	return c;
}

/*
 * Waits for one grace period and moves every batch that was waiting for one when it started
 * to the global list. Batches queued meanwhile wait for the next call: their nodes may have
 * been unlinked after the grace period began.
 */
static void mt_waiting_return(void)
{
	struct mt_free_batch *b;

	pthread_mutex_lock(&mt_returned_lock);
	b = mt_waiting;
	__atomic_store_n(&mt_waiting, NULL, __ATOMIC_RELAXED);
	mt_waiting_nr = 0;
	pthread_mutex_unlock(&mt_returned_lock);
	if (!b)
		return;
	synchronize_rcu();
#ifdef MT_TSAN
	__tsan_acquire(&mt_tsan_grace_period);
#endif
	while (b) {
		struct mt_free_batch *next = b->next;
		unsigned int i;

#ifdef MT_TSAN
		__tsan_acquire(b);
#endif
		for (i = 0; i < b->nr; i++)
			mt_poison(b->nodes[i]);
		mt_batch_return(b);
		b = next;
	}
}

/*
 * Moves the tree's cache to its next non-empty batch; failing that, to the tree's own replaced
 * nodes after a grace period, or to the global list's batches, or to the waiting batches after
 * a grace period. An emptied batch is kept to collect the tree's next replaced nodes.
 */
static struct mt_free_batch *__cold mt_cache_refill(struct maple_tree *mt)
{
	struct mt_free_batch *c = mt->ma_cache, *spare = NULL;

	while (c && !c->nr) {
		struct mt_free_batch *next = c->next;

		if (!spare)
			spare = c;
		else
			free(c);
		c = next;
	}
	/*
	 * Only a full batch: the nodes recycled are the cache until the next grace period, so
	 * recycling a short batch would lock the writer into a short cycle, with one
	 * synchronize_rcu() every few stores.
	 */
	if (!c && mt->ma_free && mt->ma_free->nr == MT_FREE_BATCH)
		c = mt_recycle(mt);
	if (!c && __atomic_load_n(&mt_returned, __ATOMIC_RELAXED)) /* racy peek: a hint */
		c = mt_returned_pop();
	if (!c && __atomic_load_n(&mt_waiting, __ATOMIC_RELAXED)) {
		mt_waiting_return();
		c = mt_returned_pop();
	}
	if (spare && !mt->ma_free) {
		spare->next = NULL;
		mt->ma_free = spare;
	} else {
		free(spare);
	}
	mt->ma_cache = c;
	return c;
}

/* Hands every cached node to the global list (the tree is being destroyed). */
static void mt_cache_drain(struct maple_tree *mt)
{
	struct mt_free_batch *c = mt->ma_cache;

	while (c) {
		struct mt_free_batch *next = c->next;

		mt_batch_return(c);
		c = next;
	}
	mt->ma_cache = NULL;
}

/*
 * mt_alloc_node - a node for @mt's writer, or NULL when memory (or the fault-injection seam)
 * says no. Only meta is cleared: whoever fills the node writes every field readers look at.
 */
struct maple_node *mt_alloc_node(struct maple_tree *mt)
{
	struct mt_free_batch *c = mt->ma_cache;
	struct maple_node *n;

	if (unlikely(mt_fail_after >= 0)) {
		if (mt_fail_after == 0)
			return NULL;
		mt_fail_after--;
	}
	if (unlikely(!c || !c->nr))
		c = mt_cache_refill(mt);
	if (likely(c)) {
		n = c->nodes[--c->nr];
		if (c->nr >= 8) { /* cold nodes: start fetching the one after next for writing */
			char *next = (char *)c->nodes[c->nr - 8];

			__builtin_prefetch(next, 1, 3);
			__builtin_prefetch(next + 64, 1, 3);
			__builtin_prefetch(next + 128, 1, 3);
			__builtin_prefetch(next + 192, 1, 3);
		}
		mt_unpoison(n);
	} else {
		n = aligned_alloc(MAPLE_NODE_SIZE, sizeof(*n));
		if (!n)
			return NULL;
	}
	mt_allocations++;
	n->meta = (struct maple_meta){ 0 };
	return n;
}

/* mt_free_node_now - for nodes that were never published: back to @mt's cache if it has room. */
void mt_free_node_now(struct maple_tree *mt, struct maple_node *n)
{
	struct mt_free_batch *c = mt->ma_cache;

	if (c && c->nr < MT_FREE_BATCH) {
		mt_poison(n);
		c->nodes[c->nr++] = n;
	} else {
		free(n);
	}
}

static void mt_free_batch_rcu(struct rcu_head *head)
{
	struct mt_free_batch *b = caa_container_of(head, struct mt_free_batch, rcu);
	unsigned int i;

#ifdef MT_TSAN
	__tsan_acquire(b);
	__tsan_acquire(&mt_tsan_grace_period);
#endif
	for (i = 0; i < b->nr; i++)
		mt_poison(b->nodes[i]);
	mt_batch_return(b);
}

void mt_flush_free(struct maple_tree *mt)
{
	struct mt_free_batch *b = mt->ma_free;

	if (!b)
		return;
	mt->ma_free = NULL;
	if (!b->nr) {
		free(b);
		return;
	}
#ifdef MT_TSAN
	__tsan_release(b);
#endif
	if (!mt_list_push(&mt_waiting, &mt_waiting_nr, b))
		call_rcu(&b->rcu, mt_free_batch_rcu);
}

struct mt_barrier {
	struct rcu_head rcu;
	int done; /* atomic */
};

static void mt_barrier_rcu(struct rcu_head *head)
{
	struct mt_barrier *b = caa_container_of(head, struct mt_barrier, rcu);

#ifdef MT_TSAN
	__tsan_acquire(b);
#endif
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

/**
 * mt_rcu_barrier - wait until every node freed so far by this thread's trees is back in the
 * allocator. call_rcu() runs callbacks in the order they were queued, so one callback queued
 * now and seen to run is enough. Unlike liburcu's rcu_barrier(), every access it makes is
 * visible to ThreadSanitizer.
 *
 * Context: registered RCU thread, outside any read-side critical section.
 */
void mt_rcu_barrier(void)
{
	struct mt_barrier b = { .done = 0 };
	struct timespec ts = { .tv_nsec = 100000 };

	mt_waiting_return();
#ifdef MT_TSAN
	__tsan_release(&b);
#endif
	call_rcu(&b.rcu, mt_barrier_rcu);
	while (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE))
		nanosleep(&ts, NULL);
}

static void __mt_defer_free(struct maple_tree *mt, struct maple_node *n, bool recycle)
{
	struct mt_free_batch *b = mt->ma_free;

	__atomic_store_n(&n->meta.dead, 1, __ATOMIC_RELEASE);
	mt->ma_nodes--;
	if (b && b->nr == MT_FREE_BATCH) {
		struct mt_free_batch *c = mt->ma_cache;

		/* A writer about to run dry will want these nodes: keep them (see above). */
		if (recycle && (!c || c->nr < MT_FREE_BATCH / 4)) {
			c = mt_recycle(mt);
			c->next = mt->ma_cache;
			mt->ma_cache = c;
		} else {
			mt_flush_free(mt);
		}
		b = NULL;
	}
	if (!b) {
		b = malloc(sizeof(*b));
		if (!b) {
			synchronize_rcu();
#ifdef MT_TSAN
			__tsan_acquire(&mt_tsan_grace_period);
#endif
			free(n);
			return;
		}
		b->nr = 0;
		b->next = NULL;
		mt->ma_free = b;
	}
	b->nodes[b->nr++] = n;
}

/*
 * mt_defer_free - free @n after a grace period. The node must already be unlinked; it is
 * marked dead so that readers and maple states holding it re-walk. Cannot fail: without
 * memory for a batch it waits for a grace period instead.
 */
void mt_defer_free(struct maple_tree *mt, struct maple_node *n)
{
	__mt_defer_free(mt, n, true);
}

/* ---- Tree life cycle ---- */

/**
 * mt_init_flags - initialise an empty tree.
 * @mt: the tree
 * @flags: MT_FLAGS_ALLOC_RANGE and/or MT_FLAGS_USE_RCU
 *
 * Context: the tree is not yet visible to anyone.
 */
void mt_init_flags(struct maple_tree *mt, unsigned int flags)
{
	mt->ma_root = NULL;
	mt->ma_flags = flags;
	mt->ma_height = 0;
	mt->ma_nodes = 0;
	mt->ma_free = NULL;
	mt->ma_cache = NULL;
}

static void mt_destroy_walk(struct maple_tree *mt, struct maple_enode *enode)
{
	struct maple_node *n = mte_to_node(enode);
	unsigned int i;

	if (!mte_is_leaf(enode))
		for (i = 0; i < n->meta.end; i++)
			mt_destroy_walk(mt, n->ma64.slot[i]);
	__mt_defer_free(mt, n, false);
}

/**
 * __mt_destroy - unlink every node and free them after a grace period.
 * @mt: the tree; it is left empty and usable.
 *
 * Context: writer's lock. Concurrent readers finish safely on the old nodes.
 */
void __mt_destroy(struct maple_tree *mt)
{
	struct maple_enode *root = mt->ma_root;

	__atomic_store_n(&mt->ma_root, NULL, __ATOMIC_RELEASE);
	if (root)
		mt_destroy_walk(mt, root);
	mt_flush_free(mt);
	mt_cache_drain(mt);
	mt->ma_height = 0;
}

/**
 * mtree_destroy - destroy a tree, as __mt_destroy().
 * @mt: the tree
 *
 * Context: writer's lock.
 */
void mtree_destroy(struct maple_tree *mt)
{
	__mt_destroy(mt);
}

/* ---- Read side ---- */

/*
 * mas_descend - walk from the root to the leaf slot covering @index, filling the path.
 * Sets index/last to that slot's range and status to ma_active, or to ma_none (range
 * [0, ULONG_MAX]) when the tree is empty. Returns the slot's entry.
 */
void *mas_descend(struct ma_state *mas, unsigned long index)
{
	struct maple_enode *enode = __atomic_load_n(&mas->tree->ma_root, __ATOMIC_ACQUIRE);
	unsigned long min = 0, max = ULONG_MAX;
	struct maple_node *n;
	unsigned long *piv;
	unsigned int d = 0, end, off;

	if (!enode) {
		mas->status = ma_none;
		mas->index = 0;
		mas->last = ULONG_MAX;
		return NULL;
	}
	/* Internal levels in one loop, the leaf after it: each loop body has one node shape. */
	while (!mte_is_leaf(enode)) {
		unsigned long lo, hi;

		n = mte_to_node(enode);
		mt_prefetch_node(n);
		piv = n->ma64.pivot;
		end = n->meta.end;
		off = ma_offset(piv, end, index, false);
		lo = ma_slot_min(piv, off, min);
		hi = ma_slot_max(piv, off, end, max);
		mas->path[d++] = (struct ma_path){ .node = enode, .min = min, .max = max,
						   .offset = off };
		enode = mt_slot_load((void **)&n->ma64.slot[off]);
		min = lo;
		max = hi;
	}
	n = mte_to_node(enode);
	mt_prefetch_node(n);
	piv = n->mr64.pivot;
	end = n->meta.end;
	off = ma_offset(piv, end, index, true);
	mas->path[d] = (struct ma_path){ .node = enode, .min = min, .max = max, .offset = off };
	mas->depth = d;
	mas->index = ma_slot_min(piv, off, min);
	mas->last = ma_slot_max(piv, off, end, max);
	mas->status = ma_active;
	return mt_slot_load(&n->mr64.slot[off]);
}

/**
 * mtree_load - the entry covering @index.
 * @mt: the tree
 * @index: the index
 *
 * Context: takes rcu_read_lock() itself. Return: the entry or NULL.
 */
void *mtree_load(struct maple_tree *mt, unsigned long index)
{
	void *entry;

	rcu_read_lock();
	entry = __mtree_load(mt, index);
	mt_tsan_read_done();
	rcu_read_unlock();
	return entry;
}

/* Current leaf of an active maple state. */
static inline struct maple_node *mas_leaf(const struct ma_state *mas)
{
	return mte_to_node(mas->path[mas->depth].node);
}

/* Re-reads the leaf slot the state points at; re-walks to @index if the leaf is dead. */
static void *mas_read_slot(struct ma_state *mas, unsigned long index)
{
	struct maple_node *n = mas_leaf(mas);
	void *entry = mt_slot_load(&n->mr64.slot[mas->path[mas->depth].offset]);

	if (likely(!mt_node_dead(n)))
		return entry;
	return mas_descend(mas, index);
}

/* Moves the path to the first slot of the next leaf. False at the right edge of the tree. */
static bool mas_next_leaf(struct ma_state *mas)
{
	int j = (int)mas->depth - 1;
	unsigned int d;

	while (j >= 0 && mas->path[j].offset + 1 >= mte_to_node(mas->path[j].node)->meta.end)
		j--;
	if (j < 0)
		return false;
	mas->path[j].offset++;
	for (d = (unsigned int)j; d < mas->depth; d++) {
		struct ma_path *p = &mas->path[d];
		struct maple_node *n = mte_to_node(p->node);
		unsigned long *piv = n->ma64.pivot;

		mas->path[d + 1] = (struct ma_path){
			.node = mt_slot_load((void **)&n->ma64.slot[p->offset]),
			.min = ma_slot_min(piv, p->offset, p->min),
			.max = ma_slot_max(piv, p->offset, n->meta.end, p->max),
			.offset = 0,
		};
	}
	return true;
}

/* Moves the path to the last slot of the previous leaf. False at the left edge. */
static bool mas_prev_leaf(struct ma_state *mas)
{
	int j = (int)mas->depth - 1;
	unsigned int d;

	while (j >= 0 && mas->path[j].offset == 0)
		j--;
	if (j < 0)
		return false;
	mas->path[j].offset--;
	for (d = (unsigned int)j; d < mas->depth; d++) {
		struct ma_path *p = &mas->path[d];
		struct maple_node *n = mte_to_node(p->node);
		unsigned long *piv = n->ma64.pivot;
		struct maple_enode *child = mt_slot_load((void **)&n->ma64.slot[p->offset]);

		mas->path[d + 1] = (struct ma_path){
			.node = child,
			.min = ma_slot_min(piv, p->offset, p->min),
			.max = ma_slot_max(piv, p->offset, n->meta.end, p->max),
			.offset = mte_to_node(child)->meta.end - 1,
		};
	}
	return true;
}

/* One range forward from an active state; NULL with ma_overflow past @max. */
static void *mas_next_slot(struct ma_state *mas, unsigned long max, bool empty)
{
	for (;;) {
		struct ma_path *leaf = &mas->path[mas->depth];
		struct maple_node *n;
		unsigned long next;
		void *entry;

		if (mas->last >= max) {
			mas->status = ma_overflow;
			return NULL;
		}
		next = mas->last + 1;
		n = mte_to_node(leaf->node);
		if (leaf->offset + 1 < n->meta.end) {
			leaf->offset++;
		} else if (!mas_next_leaf(mas)) {
			mas->status = ma_overflow;
			return NULL;
		}
		leaf = &mas->path[mas->depth];
		n = mte_to_node(leaf->node);
		mas->index = next;
		mas->last = ma_slot_max(n->mr64.pivot, leaf->offset, n->meta.end, leaf->max);
		entry = mas_read_slot(mas, next);
		/*
		 * After a re-walk (the leaf died under us) the range at next may now start at or
		 * before the old position: it is not "after" it, so skip it as Linux does.
		 */
		if (unlikely(mas->index < next))
			continue;
		if (entry || empty)
			return entry;
	}
}

/* One range backward from an active state; NULL with ma_underflow below @min. */
static void *mas_prev_slot(struct ma_state *mas, unsigned long min, bool empty)
{
	for (;;) {
		struct ma_path *leaf = &mas->path[mas->depth];
		struct maple_node *n;
		unsigned long prev;
		void *entry;

		if (mas->index <= min) {
			mas->status = ma_underflow;
			return NULL;
		}
		prev = mas->index - 1;
		if (leaf->offset > 0) {
			leaf->offset--;
		} else if (!mas_prev_leaf(mas)) {
			mas->status = ma_underflow;
			return NULL;
		}
		leaf = &mas->path[mas->depth];
		n = mte_to_node(leaf->node);
		mas->last = prev;
		mas->index = ma_slot_min(n->mr64.pivot, leaf->offset, leaf->min);
		entry = mas_read_slot(mas, prev);
		if (unlikely(mas->last > prev)) /* re-walked into a range reaching past prev */
			continue;
		if (entry || empty)
			return entry;
	}
}

/**
 * mas_walk - the entry covering mas->index; sets index/last to its range (NULL ranges too).
 * @mas: the maple state
 *
 * Context: rcu_read_lock() or writer's lock. Return: the entry or NULL; on an empty tree
 * index/last become [0, ULONG_MAX] and status ma_none.
 */
void *mas_walk(struct ma_state *mas)
{
	void *entry = mas_descend(mas, mas->index);

	mt_tsan_read_done();
	return entry;
}

/* Where the next forward/backward step starts from, given the state's status. */
static bool mas_next_setup(struct ma_state *mas, unsigned long max)
{
	switch (mas->status) {
	case ma_active:
		/*
		 * The leaf died under us: re-walk to the old range's LAST index, so that the
		 * step that follows starts past everything already returned even if a new range
		 * now begins inside the old one (walking to the old index could return it).
		 */
		if (mt_node_dead(mas_leaf(mas)))
			mas_descend(mas, mas->last);
		return mas->status == ma_active;
	case ma_pause:
	case ma_overflow:
	case ma_none:
		if (mas->last >= max)
			return false;
		mas_descend(mas, mas->last + 1);
		/* The range at last + 1 is the "next" one: step back so that next_slot finds it. */
		return mas->status == ma_active;
	default:
		mas_descend(mas, mas->index);
		return mas->status == ma_active;
	}
}

static void *mas_next_common(struct ma_state *mas, unsigned long max, bool empty)
{
	enum maple_status st = mas->status;
	void *entry;

	if (!mas_next_setup(mas, max)) {
		mt_tsan_read_done();
		return NULL;
	}
	if (st == ma_pause || st == ma_overflow || st == ma_none) {
		/* Positioned on the range after the old last: that range is the answer. */
		entry = mas_read_slot(mas, mas->index);
		if (mas->index > max) {
			mas->status = ma_overflow;
			entry = NULL;
		} else if (!entry && !empty) {
			entry = mas_next_slot(mas, max, empty);
		}
	} else {
		entry = mas_next_slot(mas, max, empty);
	}
	mt_tsan_read_done();
	return entry;
}

/**
 * mas_next - the next non-NULL entry after the current range, starting at or below @max.
 * @mas: the maple state; from ma_start, the current range is the one covering mas->index.
 * @max: the largest index to look at
 *
 * Context: rcu_read_lock() or writer's lock. Return: the entry (index/last set) or NULL.
 */
void *mas_next(struct ma_state *mas, unsigned long max)
{
	return mas_next_common(mas, max, false);
}

/**
 * mas_next_range - the next range, NULL or not, as mas_next().
 * @mas: the maple state
 * @max: the largest index to look at
 *
 * Context: rcu_read_lock() or writer's lock. Return: the range's entry, possibly NULL.
 */
void *mas_next_range(struct ma_state *mas, unsigned long max)
{
	return mas_next_common(mas, max, true);
}

static bool mas_prev_setup(struct ma_state *mas, unsigned long min)
{
	switch (mas->status) {
	case ma_active:
		/* As in mas_next_setup, mirrored: re-walk to the old range's first index. */
		if (mt_node_dead(mas_leaf(mas)))
			mas_descend(mas, mas->index);
		return mas->status == ma_active;
	case ma_pause:
	case ma_underflow:
	case ma_none:
		if (mas->index <= min)
			return false;
		mas_descend(mas, mas->index - 1);
		return mas->status == ma_active;
	default:
		mas_descend(mas, mas->index);
		return mas->status == ma_active;
	}
}

static void *mas_prev_common(struct ma_state *mas, unsigned long min, bool empty)
{
	enum maple_status st = mas->status;
	void *entry;

	if (!mas_prev_setup(mas, min)) {
		mt_tsan_read_done();
		return NULL;
	}
	if (st == ma_pause || st == ma_underflow || st == ma_none) {
		entry = mas_read_slot(mas, mas->last);
		if (mas->last < min) {
			mas->status = ma_underflow;
			entry = NULL;
		} else if (!entry && !empty) {
			entry = mas_prev_slot(mas, min, empty);
		}
	} else {
		entry = mas_prev_slot(mas, min, empty);
	}
	mt_tsan_read_done();
	return entry;
}

/**
 * mas_prev - the nearest non-NULL entry before the current range, ending at or above @min.
 * @mas: the maple state; from ma_start, the current range is the one covering mas->index.
 * @min: the smallest index to look at
 *
 * Context: rcu_read_lock() or writer's lock. Return: the entry (index/last set) or NULL.
 */
void *mas_prev(struct ma_state *mas, unsigned long min)
{
	if (mas->status == ma_start && mas->index <= min) {
		mas->status = ma_underflow;
		return NULL;
	}
	return mas_prev_common(mas, min, false);
}

/**
 * mas_prev_range - the previous range, NULL or not, as mas_prev().
 * @mas: the maple state
 * @min: the smallest index to look at
 *
 * Context: rcu_read_lock() or writer's lock. Return: the range's entry, possibly NULL.
 */
void *mas_prev_range(struct ma_state *mas, unsigned long min)
{
	if (mas->status == ma_start && mas->index <= min) {
		mas->status = ma_underflow;
		return NULL;
	}
	return mas_prev_common(mas, min, true);
}

/**
 * mas_find - first call: the entry at or after mas->index, starting at or below @max;
 * later calls: the next entry after the current one.
 * @mas: the maple state
 * @max: the largest index to look at
 *
 * Context: rcu_read_lock() or writer's lock. Return: the entry (index/last set) or NULL.
 */
void *mas_find(struct ma_state *mas, unsigned long max)
{
	void *entry;

	if (mas->status != ma_start)
		return mas_next(mas, max);
	if (mas->index > max) {
		mas->status = ma_overflow;
		return NULL;
	}
	entry = mas_descend(mas, mas->index);
	if (!entry && mas->status == ma_active)
		entry = mas_next_slot(mas, max, false);
	mt_tsan_read_done();
	return entry;
}

/**
 * mas_find_rev - first call: the entry at or before mas->index, ending at or above @min;
 * later calls: the previous entry before the current one.
 * @mas: the maple state
 * @min: the smallest index to look at
 *
 * Context: rcu_read_lock() or writer's lock. Return: the entry (index/last set) or NULL.
 */
void *mas_find_rev(struct ma_state *mas, unsigned long min)
{
	void *entry;

	if (mas->status != ma_start)
		return mas_prev(mas, min);
	if (mas->index < min) {
		mas->status = ma_underflow;
		return NULL;
	}
	entry = mas_descend(mas, mas->index);
	if (!entry && mas->status == ma_active)
		entry = mas_prev_slot(mas, min, false);
	mt_tsan_read_done();
	return entry;
}

/*
 * The lookups of maple_find.c, in the variant this CPU runs fastest, chosen when the library
 * loads. Until then (other libraries' constructors) the generic ones answer.
 */
static void *(*mt_find_impl)(struct maple_tree *, unsigned long *, unsigned long) =
	__mt_find_generic;
static void *(*mt_load_impl)(struct maple_tree *, unsigned long) = __mtree_load_generic;

__attribute__((constructor)) static void mt_pick_lookups(void)
{
#ifdef MMLAB_WIDE_FIND
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
		mt_find_impl = __mt_find_avx512;
		mt_load_impl = __mtree_load_avx512;
	}
#endif
}

/* The end of __mt_find()'s walk when the range after a NULL one is in the next leaf. */
void *mt_find_next_leaf(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	struct ma_state mas;
	void *entry;

	mas.tree = mt;
	entry = mas_descend(&mas, *index);
	if (!entry && mas.status == ma_active)
		entry = mas_next_slot(&mas, max, false);
	if (entry)
		*index = mas.last + 1;
	return entry;
}

/**
 * __mtree_load - mtree_load() for a caller that already keeps the tree from changing under it.
 * @mt: the tree
 * @index: the index
 *
 * Context: the writer's lock (as find_vma's callers hold mmap_lock), or rcu_read_lock().
 * Return: the entry or NULL.
 */
void *__mtree_load(struct maple_tree *mt, unsigned long index)
{
	return mt_load_impl(mt, index);
}

/**
 * __mt_find - mt_find() for a caller that already keeps the tree from changing under it.
 * @mt: the tree
 * @index: in: where to start; out: where to continue
 * @max: the largest index to look at
 *
 * liburcu's read-side lock is two calls into the library and three lookups of a thread-local
 * variable, about 9 ns: as much as the walk itself on a small tree. The kernel's costs nothing
 * on a non-preemptible kernel, so a VMA lookup under mmap_lock pays nothing for it there; this
 * is that lookup.
 *
 * Context: the writer's lock (as find_vma's callers hold mmap_lock), or rcu_read_lock().
 * Return: the entry or NULL.
 */
void *__mt_find(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	return mt_find_impl(mt, index, max);
}

/**
 * mt_find - the entry covering *@index or the first one after it that starts at or below
 * @max; on success *@index becomes the entry's last + 1 (0 after ULONG_MAX), as in Linux.
 * @mt: the tree
 * @index: in: where to start; out: where to continue
 * @max: the largest index to look at
 *
 * Context: takes rcu_read_lock() itself. Return: the entry or NULL.
 */
void *mt_find(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	void *entry;

	rcu_read_lock();
	entry = __mt_find(mt, index, max);
	mt_tsan_read_done();
	rcu_read_unlock();
	return entry;
}

/**
 * mt_next - the first entry after the range covering @index, starting at or below @max.
 * @mt: the tree
 * @index: the index
 * @max: the largest index to look at
 *
 * Context: takes rcu_read_lock() itself. Return: the entry or NULL.
 */
void *mt_next(struct maple_tree *mt, unsigned long index, unsigned long max)
{
	struct ma_state mas;
	void *entry = NULL;

	mas.tree = mt;
	rcu_read_lock();
	mas_descend(&mas, index);
	if (mas.status == ma_active)
		entry = mas_next_slot(&mas, max, false);
	mt_tsan_read_done();
	rcu_read_unlock();
	return entry;
}

/**
 * mt_prev - the nearest entry before the range covering @index, ending at or above @min.
 * @mt: the tree
 * @index: the index
 * @min: the smallest index to look at
 *
 * Context: takes rcu_read_lock() itself. Return: the entry or NULL (also when @index <= @min).
 */
void *mt_prev(struct maple_tree *mt, unsigned long index, unsigned long min)
{
	struct ma_state mas;
	void *entry = NULL;

	if (index <= min)
		return NULL;
	mas.tree = mt;
	rcu_read_lock();
	mas_descend(&mas, index);
	if (mas.status == ma_active)
		entry = mas_prev_slot(&mas, min, false);
	mt_tsan_read_done();
	rcu_read_unlock();
	return entry;
}

/* ---- Gap search ---- */

/* Largest free range in a node covering [min, max]: from the slots of a leaf, from the
 * gaps of an internal node. */
unsigned long mt_node_gap(struct maple_node *n, bool leaf, unsigned long min, unsigned long max)
{
	unsigned int i, end = n->meta.end;
	unsigned long gap = 0;

	if (!leaf) {
		for (i = 0; i < end; i++)
			gap = max(gap, n->ma64.gap[i]);
		return gap;
	}
	for (i = 0; i < end; i++)
		if (!n->mr64.slot[i])
			gap = max(gap, mt_range_size(ma_slot_min(n->mr64.pivot, i, min),
						     ma_slot_max(n->mr64.pivot, i, end, max)));
	return gap;
}

struct mt_gap_search {
	unsigned long min, max, size; /* window and size asked for */
	bool rev;		      /* highest fit instead of lowest */
	unsigned long index, last;    /* result */
};

/* Fits [lo, hi] clipped to the window? Fills in the result if so. */
static bool mt_gap_fit(struct mt_gap_search *gs, unsigned long lo, unsigned long hi)
{
	unsigned long s = max(lo, gs->min), e = min(hi, gs->max);

	if (s > e || e - s < gs->size - 1)
		return false;
	if (gs->rev) {
		gs->last = e;
		gs->index = e - gs->size + 1;
	} else {
		gs->index = s;
		gs->last = s + gs->size - 1;
	}
	return true;
}

/*
 * Descends only into children whose gap is large enough and whose range meets the window.
 * A child passing both tests fails to hold a fit only when the window clips it, which
 * happens on at most two root-to-leaf paths, so the search stays O(height). Each node is
 * entered at the slot holding the window's near end (found as a lookup finds it) and left
 * as soon as a slot lies past the far end. The walk keeps its own stack instead of recursing,
 * and is compiled once per direction, so the common search, straight down the path of the
 * window's near end, costs little more than a lookup.
 */
struct mt_gap_level {
	struct maple_enode *node;
	unsigned long min, max; /* range the node covers */
	int i;			/* next slot to look at */
};

static __always_inline bool mt_gap_walk(struct mt_gap_search *gs, struct maple_enode *root,
					const bool rev)
{
	struct mt_gap_level st[MAPLE_HEIGHT_MAX];
	struct mt_gap_level *l = st;
	struct maple_enode *enode = root;
	unsigned long min = 0, max = ULONG_MAX;

	for (;;) {
		struct maple_node *n = mte_to_node(enode);
		bool leaf = mte_is_leaf(enode);
		unsigned long *piv = ma_pivots(n, leaf);
		int end = n->meta.end, i;

		if (rev)
			i = gs->max < max ? (int)ma_offset(piv, end, gs->max, leaf) : end - 1;
		else
			i = gs->min > min ? (int)ma_offset(piv, end, gs->min, leaf) : 0;
		for (; rev ? i >= 0 : i < end; i += rev ? -1 : 1) {
			unsigned long lo = ma_slot_min(piv, i, min), hi = ma_slot_max(piv, i, end, max);

			if (rev ? hi < gs->min : lo > gs->max)
				break;
			if (leaf) {
				if (!n->mr64.slot[i] && mt_gap_fit(gs, lo, hi))
					return true;
			} else if (n->ma64.gap[i] >= gs->size) {
				*l++ = (struct mt_gap_level){ .node = enode, .min = min, .max = max,
							     .i = i + (rev ? -1 : 1) };
				enode = n->ma64.slot[i];
				min = lo;
				max = hi;
				goto descend;
			}
		}
		/* Nothing here: back up to the next candidate of an ancestor. */
		for (;;) {
			struct maple_node *p;
			int pend;

			if (l == st)
				return false;
			l--;
			p = mte_to_node(l->node);
			pend = p->meta.end;
			for (; rev ? l->i >= 0 : l->i < pend; l->i += rev ? -1 : 1) {
				unsigned long lo = ma_slot_min(p->ma64.pivot, l->i, l->min);
				unsigned long hi = ma_slot_max(p->ma64.pivot, l->i, pend, l->max);

				if (rev ? hi < gs->min : lo > gs->max)
					break;
				if (p->ma64.gap[l->i] >= gs->size) {
					enode = p->ma64.slot[l->i];
					l->i += rev ? -1 : 1;
					l++;
					min = lo;
					max = hi;
					goto descend;
				}
			}
		}
descend:;
	}
}

static int mas_gap_search(struct ma_state *mas, unsigned long min, unsigned long max,
			  unsigned long size, bool rev)
{
	struct mt_gap_search gs = { .min = min, .max = max, .size = size, .rev = rev };
	struct maple_enode *root = mas->tree->ma_root;

	if (min > max || size == 0 || max - min < size - 1)
		return -EINVAL;
	if (!root)
		mt_gap_fit(&gs, 0, ULONG_MAX);
	else if (!(rev ? mt_gap_walk(&gs, root, true) : mt_gap_walk(&gs, root, false)))
		return -EBUSY;
	mas->index = gs.index;
	mas->last = gs.last;
	mas->status = ma_start;
	return 0;
}

/**
 * mas_empty_area - lowest free range of @size indices inside [@min, @max] (both inclusive).
 * @mas: the maple state; on success [index, last] is the range found
 * @min: lowest index the range may start at
 * @max: highest index the range may end at
 * @size: number of indices, at least 1
 *
 * Context: writer's lock. Return: 0, -EINVAL for a bad window, -EBUSY when nothing fits.
 */
int mas_empty_area(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size)
{
	return mas_gap_search(mas, min, max, size, false);
}

/**
 * mas_empty_area_rev - highest free range of @size indices inside [@min, @max].
 * @mas: the maple state; on success [index, last] is the range found
 * @min: lowest index the range may start at
 * @max: highest index the range may end at
 * @size: number of indices, at least 1
 *
 * Context: writer's lock. Return: 0, -EINVAL for a bad window, -EBUSY when nothing fits.
 */
int mas_empty_area_rev(struct ma_state *mas, unsigned long min, unsigned long max,
		       unsigned long size)
{
	return mas_gap_search(mas, min, max, size, true);
}

/* ---- Duplication ---- */

static void mt_dup_free(struct maple_tree *mt, struct maple_enode *enode)
{
	struct maple_node *n = mte_to_node(enode);
	unsigned int i;

	if (!mte_is_leaf(enode))
		for (i = 0; i < n->meta.end; i++)
			if (n->ma64.slot[i])
				mt_dup_free(mt, n->ma64.slot[i]);
	mt_free_node_now(mt, n);
}

/*
 * Copies a subtree node by node, with nodes from @mt's cache; NULL when out of memory (nothing
 * left allocated).
 */
static struct maple_enode *mt_dup_node(struct maple_tree *mt, struct maple_enode *enode,
				       unsigned long *nodes)
{
	struct maple_node *old = mte_to_node(enode), *n = mt_alloc_node(mt);
	bool leaf = mte_is_leaf(enode);
	unsigned int i;

	if (!n)
		return NULL;
	memcpy(n, old, sizeof(*n));
	n->meta.dead = 0;
	(*nodes)++;
	if (!leaf) {
		for (i = 0; i < n->meta.end; i++)
			n->ma64.slot[i] = NULL;
		for (i = 0; i < n->meta.end; i++) {
			n->ma64.slot[i] = mt_dup_node(mt, old->ma64.slot[i], nodes);
			if (!n->ma64.slot[i]) {
				mt_dup_free(mt, mt_mk_node(n, false));
				return NULL;
			}
		}
	}
	return mt_mk_node(n, leaf);
}

/**
 * __mt_dup - copy every node of @mt into the empty tree @new, keeping the same entries.
 * @mt: the source tree
 * @new: an initialised, empty tree; it takes @mt's flags
 *
 * Copying nodes is much cheaper than re-inserting every range (dup_mmap's use). The copies
 * come from @mt's node cache, which its writer's lock guards: the nodes its stores freed,
 * still in the CPU cache, as the kernel's dup takes them from the slab's per-CPU list.
 * Context: writer's lock of both trees. Return: 0, -EINVAL if @new is not empty, -ENOMEM
 * (then @new is still empty).
 */
int __mt_dup(struct maple_tree *mt, struct maple_tree *new)
{
	struct maple_enode *root = mt->ma_root, *copy;
	unsigned long nodes = 0;

	if (new->ma_root)
		return -EINVAL;
	new->ma_flags = mt->ma_flags;
	if (!root)
		return 0;
	copy = mt_dup_node(mt, root, &nodes);
	if (!copy)
		return -ENOMEM;
	new->ma_height = mt->ma_height;
	new->ma_nodes = nodes;
	__atomic_store_n(&new->ma_root, copy, __ATOMIC_RELEASE);
	return 0;
}

/**
 * mtree_dup - as __mt_dup().
 * @mt: the source tree
 * @new: an initialised, empty tree
 *
 * Context: writer's lock of both trees. Return: 0, -EINVAL, -ENOMEM.
 */
int mtree_dup(struct maple_tree *mt, struct maple_tree *new)
{
	return __mt_dup(mt, new);
}

/* ---- Validation ---- */

struct mt_check {
	struct maple_tree *mt;
	unsigned long nodes;  /* nodes seen */
	unsigned int height;  /* expected leaf depth */
	bool prev_null;	      /* the last slot seen, in index order, was NULL */
	bool seen;	      /* any slot seen yet */
	int err;
};

static void __cold mt_check_fail(struct mt_check *c, struct maple_enode *e, unsigned long min,
				 unsigned long max, const char *what, unsigned int i)
{
	if (!c->err)
		fprintf(stderr, "mt_validate: node %p [%#lx, %#lx] slot %u: %s\n",
			(void *)mte_to_node(e), min, max, i, what);
	c->err = -EINVAL;
}

/* Returns the node's largest gap as recomputed from the leaves. */
static unsigned long mt_check_node(struct mt_check *c, struct maple_enode *e, unsigned long min,
				   unsigned long max, unsigned int depth)
{
	struct maple_node *n = mte_to_node(e);
	bool leaf = mte_is_leaf(e), root = depth == 0;
	unsigned long *piv = ma_pivots(n, leaf);
	unsigned int end = n->meta.end, i;
	unsigned long gap = 0;

	c->nodes++;
	if ((unsigned long)e & MAPLE_ENODE_MASK & ~(unsigned long)(maple_leaf_64 | maple_arange_64))
		mt_check_fail(c, e, min, max, "bad node type", 0);
	if (n->meta.dead)
		mt_check_fail(c, e, min, max, "dead node in tree", 0);
	if (leaf != (depth + 1 == c->height))
		mt_check_fail(c, e, min, max, "leaf not at the leaf depth", 0);
	/* As in Linux, the rightmost node of each level may be short: appends fill nodes. */
	if (end > mt_slots(leaf) ||
	    end < (root ? (leaf ? 1 : 2) : max == ULONG_MAX ? 1 : mt_min_slots(leaf)))
		mt_check_fail(c, e, min, max, "fill out of limits", end);
	if (end > mt_slots(leaf) || end == 0)
		return 0;
	for (i = end - 1; i + 1 < mt_slots(leaf); i++)
		if (piv[i] != ULONG_MAX)
			mt_check_fail(c, e, min, max, "unused pivot is not ULONG_MAX", i);
	for (i = 0; i < end; i++) {
		unsigned long lo = ma_slot_min(piv, i, min), hi = ma_slot_max(piv, i, end, max);

		if (i + 1 < end && (piv[i] < lo || piv[i] >= max))
			mt_check_fail(c, e, min, max, "pivot not increasing or outside parent", i);
		if (c->err)
			return 0;
		if (leaf) {
			void *entry = n->mr64.slot[i];

			if (!entry && c->seen && c->prev_null)
				mt_check_fail(c, e, min, max, "adjacent NULL ranges", i);
			if (!entry)
				gap = max(gap, mt_range_size(lo, hi));
			c->prev_null = !entry;
			c->seen = true;
		} else {
			unsigned long g;

			if (!n->ma64.slot[i]) {
				mt_check_fail(c, e, min, max, "missing child", i);
				return 0;
			}
			g = mt_check_node(c, n->ma64.slot[i], lo, hi, depth + 1);
			if (g != n->ma64.gap[i])
				mt_check_fail(c, e, min, max, "wrong gap", i);
			gap = max(gap, g);
		}
	}
	return gap;
}

/**
 * mt_validate - check the whole tree: pivots strictly increasing and inside the parent's
 * bounds, ranges covering the index space without overlap, no two adjacent NULL ranges,
 * every gap exact, fill limits, every leaf at the same depth, node count.
 * @mt: the tree
 *
 * Context: writer's lock. Return: 0, or -EINVAL with the first problem printed on stderr.
 */
int mt_validate(struct maple_tree *mt)
{
	struct mt_check c = { .mt = mt, .height = mt->ma_height };
	struct maple_enode *root = mt->ma_root;

	if (!root) {
		if (mt->ma_height || mt->ma_nodes) {
			fprintf(stderr, "mt_validate: empty tree with height %u, %lu nodes\n",
				mt->ma_height, mt->ma_nodes);
			return -EINVAL;
		}
		return 0;
	}
	mt_check_node(&c, root, 0, ULONG_MAX, 0);
	if (!c.err && mte_is_leaf(root) && mte_to_node(root)->meta.end == 1 &&
	    !mte_to_node(root)->mr64.slot[0]) {
		fprintf(stderr, "mt_validate: tree of one NULL range is not empty\n");
		c.err = -EINVAL;
	}
	if (!c.err && c.nodes != mt->ma_nodes) {
		fprintf(stderr, "mt_validate: %lu nodes found, %lu counted\n", c.nodes,
			mt->ma_nodes);
		c.err = -EINVAL;
	}
	return c.err;
}

static void mt_dump_node(FILE *f, struct maple_enode *e, unsigned long min, unsigned long max,
			 unsigned int depth)
{
	struct maple_node *n = mte_to_node(e);
	bool leaf = mte_is_leaf(e);
	unsigned long *piv = ma_pivots(n, leaf);
	unsigned int i, end = n->meta.end;

	fprintf(f, "%*s%s %p [%#lx, %#lx] end %u\n", (int)depth * 2, "", leaf ? "leaf" : "node",
		(void *)n, min, max, end);
	for (i = 0; i < end; i++) {
		unsigned long lo = ma_slot_min(piv, i, min), hi = ma_slot_max(piv, i, end, max);

		if (leaf)
			fprintf(f, "%*s[%#lx, %#lx] %p\n", (int)depth * 2 + 2, "", lo, hi,
				n->mr64.slot[i]);
		else
			mt_dump_node(f, n->ma64.slot[i], lo, hi, depth + 1);
	}
}

/**
 * mt_dump - print every node and range, for debugging.
 * @mt: the tree
 * @f: where to print
 *
 * Context: writer's lock.
 */
void mt_dump(struct maple_tree *mt, FILE *f)
{
	fprintf(f, "maple tree %p height %u nodes %lu\n", (void *)mt, mt->ma_height, mt->ma_nodes);
	if (mt->ma_root)
		mt_dump_node(f, mt->ma_root, 0, ULONG_MAX, 0);
}
