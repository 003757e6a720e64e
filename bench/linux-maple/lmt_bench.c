// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The baseline for bench_maple: Linux's own maple tree (lib/maple_tree.c of the kernel source
 * Debian ships), compiled in user space through the kernel's tools/testing/radix-tree shims,
 * running the same workload on the same machine in the same `make bench`. build.sh compiles
 * this file inside that directory; it is never part of libmmlab.
 *
 * Usage: lmt_bench SCHEME N... Prints one "SCHEME N case value" line per figure, median of
 * REPS runs, for trees of N VMA-like ranges built, seeded and churned exactly as bench_maple.c
 * does it, with one of two node-freeing schemes (make bench runs both, one process each: in
 * one process, the nodes the first scheme left on the free list slowed the second's stores
 * twofold and its duplications by more):
 *
 *   call_rcu  the kernel's own: every node a store replaces goes to call_rcu() on its own and
 *             comes back to the slab when liburcu's worker runs the callback, milliseconds
 *             later, so the next store writes into a node that has left the CPU cache;
 *   batched   mmlab's (src/lib/maple_tree.c): replaced nodes collect in batches of 252; a
 *             full batch goes back to the slab after one synchronize_rcu() by the writer
 *             itself when the slab's free list runs low (the nodes are still warm), else to
 *             a waiting list, as does a destroyed tree; an allocation that finds the slab
 *             empty waits for one grace period and frees every waiting batch into it.
 *
 * bench_maple runs it, once per scheme and tree size in each of its rounds, taking turns with
 * its own measuring processes (posix_spawn: a popen() fork once made bench_maple's small
 * duplications 5x slower).
 *
 * Stores go through mas_preallocate() + mas_store_prealloc(), the kernel's VMA path
 * (vma_iter_prealloc, vma_iter_store). Nodes come from lmt_slab.c's object cache, a free list
 * in front of posix_memalign, as the kernel's slab fast path is a per-CPU free list.
 */
#define CONFIG_MAPLE_SEARCH
#include "test.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <linux/init.h>
#include "run_delay.h" /* timed as bench_maple.c times mmlab's tree */

/*
 * The batched scheme: call_rcu() of lib/maple_tree.c lands here (see the #define below), and
 * lmt_slab.c calls lmt_slab_empty() when its free list is empty. Writer-side state: only the
 * benchmark's one thread stores and allocates.
 */
#define LMT_BATCH 252	       /* as MT_FREE_BATCH in mmlab */
#define LMT_WAITING_MAX 65536 /* callbacks on the waiting list, as MT_RETURNED_MAX nodes */

struct lmt_batch {
	struct rcu_head rcu;
	struct lmt_batch *next; /* on lmt_waiting */
	unsigned int nr;
	struct rcu_head *head[LMT_BATCH];
	void (*func[LMT_BATCH])(struct rcu_head *);
};

static bool lmt_batched;
static struct lmt_batch *lmt_pending;	 /* the batch being filled */
static struct lmt_batch *lmt_waiting;	 /* full batches waiting for a grace period */
static unsigned long lmt_waiting_nr;	 /* callbacks in them */
static struct lmt_batch *lmt_spare;	 /* emptied batches, for the next ones */
static struct kmem_cache **lmt_node_cache; /* &maple_node_cache, for its free count */
unsigned long lmt_slab_nr_free(struct kmem_cache *c);
static void mt_free_walk(struct rcu_head *head); /* lib/maple_tree.c's whole-tree free */

static void lmt_batch_run(struct lmt_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		b->func[i](b->head[i]);
	b->nr = 0;
}

/*
 * Batch structures are kept for reuse by the writer, as mmlab's tree keeps its emptied batches:
 * a destroyed tree's batch waits on its own, and malloc()ing a fresh 4 KiB batch for each one
 * then free()ing hundreds at a time made glibc shrink and regrow the heap (a brk() call per
 * small duplication, 5 us: the baseline measured the allocator, not the tree).
 */
static struct lmt_batch *lmt_batch_new(void)
{
	struct lmt_batch *b = lmt_spare;

	if (b)
		lmt_spare = b->next;
	else if (!(b = malloc(sizeof(*b))))
		abort();
	b->nr = 0;
	return b;
}

static void lmt_batch_rcu(struct rcu_head *rcu)
{
	struct lmt_batch *b = container_of(rcu, struct lmt_batch, rcu);

	lmt_batch_run(b);
	free(b);
}

/*
 * Hands the pending batch on: with @recycle, back to the slab after a grace period the writer
 * waits for (the slab runs low); else to the waiting list, or to call_rcu() past its bound.
 */
static void lmt_batch_flush(bool recycle)
{
	struct lmt_batch *b = lmt_pending;

	if (!b || !b->nr)
		return;
	if (recycle) {
		synchronize_rcu();
		lmt_batch_run(b);
		return;
	}
	lmt_pending = NULL;
	if (lmt_waiting_nr < LMT_WAITING_MAX) {
		lmt_waiting_nr += b->nr;
		b->next = lmt_waiting;
		lmt_waiting = b;
	} else {
		call_rcu(&b->rcu, lmt_batch_rcu);
	}
}

/* The slab's free list is empty: wait for one grace period and run every waiting batch. */
void lmt_slab_empty(struct kmem_cache *c)
{
	struct lmt_batch *b = lmt_waiting;

	if (!lmt_batched || !b)
		return;
	lmt_waiting = NULL;
	lmt_waiting_nr = 0;
	synchronize_rcu();
	while (b) {
		struct lmt_batch *next = b->next;

		lmt_batch_run(b);
		b->next = lmt_spare;
		lmt_spare = b;
		b = next;
	}
}

static void lmt_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *))
{
	struct lmt_batch *b = lmt_pending;

	if (!lmt_batched) {
		call_rcu(head, func);
		return;
	}
	if (b && b->nr == LMT_BATCH) {
		lmt_batch_flush(lmt_slab_nr_free(*lmt_node_cache) < LMT_BATCH / 4);
		b = lmt_pending;
	}
	if (!b) {
		b = lmt_batch_new();
		lmt_pending = b;
	}
	b->head[b->nr] = head;
	b->func[b->nr++] = func;
	if (func == mt_free_walk) /* a destroyed tree: its batch waits, as mmlab's does */
		lmt_batch_flush(false);
}

#undef call_rcu
#define call_rcu lmt_call_rcu
#define module_init(x)
#define module_exit(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_LICENSE(x)
#define dump_stack() assert(0)
#include "../../../lib/maple_tree.c"

#define P 4096UL
#define BASE 0x10000000UL
#define REPS 5
#define NR_RANDOM 8192

/* Same generator and seed as bench_maple.c, reset per tree size there too. */
static uint64_t seed;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, REPS, sizeof(*v), cmp_double);
	return v[REPS / 2];
}

static volatile unsigned long sink;
static unsigned long n, addr[NR_RANDOM], pick[NR_RANDOM];
static struct maple_tree mt;

static unsigned long vstart(unsigned long i)
{
	return BASE + i * 3 * P;
}

static void store(unsigned long first, unsigned long last, void *entry)
{
	MA_STATE(mas, &mt, first, last);

	if (mas_preallocate(&mas, entry, GFP_KERNEL))
		abort();
	mas_store_prealloc(&mas, entry);
}

static void *entry_of(unsigned long i)
{
	return (void *)(BASE + i * 64 + 64);
}

static double lookups(void)
{
	unsigned long ops = 1 << 20, i;
	double m[REPS];
	int k;

	for (k = 0; k < REPS; k++) {
		struct span t0 = span_start(true);

		for (i = 0; i < ops; i++) {
			unsigned long index = addr[i % NR_RANDOM];

			sink = (unsigned long)mt_find(&mt, &index, ULONG_MAX);
		}
		m[k] = per_op(t0, ops);
	}
	return median(m);
}

/* Below random addresses, or (@top) below the top of the mapped span, as mmap_base is. */
static double gap(bool top)
{
	unsigned long ops = 1 << 18, i;
	double m[REPS];
	int k;

	for (k = 0; k < REPS; k++) {
		struct span t0 = span_start(true);

		for (i = 0; i < ops; i++) {
			MA_STATE(mas, &mt, 0, 0);
			unsigned long max = top ? vstart(n) - 1 : addr[i % NR_RANDOM] + 3 * P;

			if (mas_empty_area_rev(&mas, BASE, max, P))
				abort();
			sink = mas.index;
		}
		m[k] = per_op(t0, ops);
	}
	return median(m);
}

/*
 * The first page of a VMA split off into a new entry, then the whole VMA stored back. The new
 * entry is a head VMA malloc'd and freed around the two stores, as bench_maple.c's is (the
 * size of its struct vma).
 */
#define HEAD_VMA_SIZE 48
static double split_fill(void)
{
	unsigned long ops = n < 4096 ? 1 << 16 : 1 << 17, i;
	double m[REPS];
	int k;

	for (k = 0; k < REPS; k++) {
		struct span t0 = span_start(true);

		for (i = 0; i < ops; i++) {
			unsigned long v = pick[i % NR_RANDOM];
			void *head = malloc(HEAD_VMA_SIZE);

			if (!head)
				abort();
			store(vstart(v), vstart(v) + P - 1, head);
			store(vstart(v), vstart(v) + 2 * P - 1, entry_of(v));
			free(head);
		}
		m[k] = per_op(t0, 2 * ops);
	}
	return median(m);
}

static double erase_vmas(void)
{
	unsigned long batch = n / 2 < 4096 ? n / 2 : 4096, cycles = 8192 / batch, i, c;
	double m[REPS];
	int k;

	for (k = 0; k < REPS; k++) {
		unsigned long long t = 0;
		struct span t0;

		for (c = 0; c < cycles; c++) {
			unsigned long first = pick[(k * cycles + c) % NR_RANDOM];

			t0 = span_start(n >= 4096);
			for (i = 0; i < batch; i++) {
				unsigned long v = (first + i * 2) % n;

				store(vstart(v), vstart(v) + 2 * P - 1, NULL);
			}
			t += span_ns(t0);
			for (i = 0; i < batch; i++) {
				unsigned long v = (first + i * 2) % n;

				store(vstart(v), vstart(v) + 2 * P - 1, entry_of(v));
			}
		}
		m[k] = (double)t / (cycles * batch);
	}
	return median(m);
}

static double iterate(void)
{
	unsigned long rounds = (1 << 20) / n + 1, i, cnt = 0;
	double m[REPS];
	int k;

	for (k = 0; k < REPS; k++) {
		struct span t0 = span_start(true);

		for (i = 0; i < rounds; i++) {
			MA_STATE(mas, &mt, 0, 0);
			void *entry;

			rcu_read_lock();
			mas_for_each(&mas, entry, ULONG_MAX)
				cnt++;
			rcu_read_unlock();
		}
		m[k] = per_op(t0, rounds * n);
	}
	sink = cnt;
	return median(m);
}

static double duplicate(void)
{
	unsigned long rounds = n >= 4096 ? 20 : 2000, i;
	double m[REPS];
	int k;

	for (k = 0; k < REPS; k++) {
		unsigned long long total = 0;

		for (i = 0; i < rounds; i++) {
			struct maple_tree copy;
			struct span t0;

			mt_init_flags(&copy, mt.ma_flags);
			t0 = span_start(n >= 4096);
			if (__mt_dup(&mt, &copy, GFP_KERNEL))
				abort();
			total += span_ns(t0);
			__mt_destroy(&copy);
		}
		m[k] = (double)total / rounds / 1000.0;
	}
	return median(m);
}

/* Every figure for a tree of @nr ranges, each line "scheme nr case value". */
static void run(unsigned long nr, const char *scheme)
{
	unsigned long i;

	n = nr;
	/* As the kernel's mm_struct: MM_MT_FLAGS without the external lock (none here). */
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	seed = 88172645463325252ULL;
	for (i = 0; i < n; i++)
		if (mtree_store_range(&mt, vstart(i), vstart(i) + 2 * P - 1, entry_of(i),
				      GFP_KERNEL))
			abort();
	for (i = 0; i < NR_RANDOM; i++) {
		addr[i] = BASE + rnd() % (n * 3 * P);
		pick[i] = rnd() % n;
	}
	printf("%s %lu lookup_rcu %.3f\n", scheme, n, lookups());
	printf("%s %lu gap_topdown_1page %.3f\n", scheme, n, gap(false));
	printf("%s %lu gap_topdown_1page_top %.3f\n", scheme, n, gap(true));
	printf("%s %lu split_fill_store %.3f\n", scheme, n, split_fill());
	printf("%s %lu erase %.3f\n", scheme, n, erase_vmas());
	printf("%s %lu gap_topdown_1page_churned %.3f\n", scheme, n, gap(false));
	printf("%s %lu iterate %.3f\n", scheme, n, iterate());
	printf("%s %lu dup %.3f\n", scheme, n, duplicate());
	fflush(stdout);
	__mt_destroy(&mt);
	lmt_batch_flush(false);
	lmt_slab_empty(NULL);
	rcu_barrier();
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3 || (strcmp(argv[1], "batched") && strcmp(argv[1], "call_rcu"))) {
		fprintf(stderr, "usage: lmt_bench batched|call_rcu N... (tree sizes, N >= 2)\n");
		return 2;
	}
	lmt_batched = !strcmp(argv[1], "batched");
	maple_tree_init();
	lmt_node_cache = &maple_node_cache;
	rcu_register_thread();
	for (i = 2; i < argc; i++) {
		unsigned long nr = strtoul(argv[i], NULL, 0);

		if (nr < 2) {
			fprintf(stderr, "lmt_bench: bad size %s\n", argv[i]);
			return 2;
		}
		run(nr, argv[1]);
	}
	return 0;
}
