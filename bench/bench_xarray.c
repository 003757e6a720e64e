// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page cache's index: the xarray (src/lib/xarray.c) against the project's maple tree
 * storing the same single-index entries, on page-cache-like index sets: dense files of 256,
 * 16384 and 262144 pages (1 MiB, 64 MiB, 1 GiB) filled in order as readahead fills them,
 * looked up in random order as faults do, and emptied in order as truncation does; and 4096
 * pages scattered over a 1 TiB file. Both sides are used as the page cache would use them:
 * under the caller's lock, so the maple tree's loads are __mtree_load (no RCU read section)
 * and both trees' nodes come from malloc (the maple tree through its node cache).
 * Freed memory stays in the process (M_TRIM_THRESHOLD), as in a long-running mmlab: otherwise
 * each run's first touches of fresh heap pages (page faults, slow under this host's PVM) would
 * be counted against whichever tree's nodes are not recycled.
 * Figures: ns per operation, median of REPS runs of thread CPU time; "baseline": "maple".
 */
#define _LGPL_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "benchutil.h"
#include "lib/maple_tree.h"
#include "lib/xarray.h"

#define REPS 5

struct idxset {
	const char *name;
	unsigned long n;
	unsigned long *store_order;	/* indices in insertion order */
	unsigned long *load_order;	/* the same, shuffled */
};

static unsigned long rnd(void)
{
	return ((unsigned long)random() << 31) ^ (unsigned long)random();
}

static void shuffle(unsigned long *v, unsigned long n)
{
	for (unsigned long i = n - 1; i > 0; i--) {
		unsigned long j = rnd() % (i + 1), t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

static void make_set(struct idxset *s, const char *name, unsigned long n, bool sparse)
{
	s->name = name;
	s->n = n;
	s->store_order = malloc(n * sizeof(long));
	s->load_order = malloc(n * sizeof(long));
	if (!s->store_order || !s->load_order)
		abort();
	for (unsigned long i = 0; i < n; i++)
		s->store_order[i] = sparse ? rnd() % (1UL << 28) : i;
	if (sparse) {	/* distinct, in file order */
		qsort(s->store_order, n, sizeof(long), cmp_ul);
		for (unsigned long i = 1; i < n; i++)
			if (s->store_order[i] <= s->store_order[i - 1])
				s->store_order[i] = s->store_order[i - 1] + 1;
	}
	memcpy(s->load_order, s->store_order, n * sizeof(long));
	shuffle(s->load_order, n);
}

static void *entry_of(unsigned long index)
{
	return (void *)((index << 6) | 0x40);	/* any aligned non-NULL pointer */
}

struct figs {
	double store, load, erase;	/* ns/op */
};

static double per_op(uint64_t t0, unsigned long n)
{
	return (double)(bench_cpu_ns() - t0) / (double)n;
}

static void run_xarray(const struct idxset *s, struct figs *f)
{
	double st[REPS], ld[REPS], er[REPS];
	uintptr_t sum = 0;

	for (int r = 0; r < REPS; r++) {
		struct xarray xa;
		uint64_t t0;

		xa_init(&xa);
		t0 = bench_cpu_ns();
		for (unsigned long i = 0; i < s->n; i++)
			if (xa_store(&xa, s->store_order[i], entry_of(s->store_order[i])))
				abort();
		st[r] = per_op(t0, s->n);
		t0 = bench_cpu_ns();
		for (unsigned long i = 0; i < s->n; i++)
			sum += (uintptr_t)xa_load(&xa, s->load_order[i]);
		ld[r] = per_op(t0, s->n);
		t0 = bench_cpu_ns();
		for (unsigned long i = 0; i < s->n; i++)
			sum += (uintptr_t)xa_erase(&xa, s->store_order[i]);
		er[r] = per_op(t0, s->n);
		xa_destroy(&xa);
	}
	bench_keep(sum);
	f->store = bench_median(st, REPS);
	f->load = bench_median(ld, REPS);
	f->erase = bench_median(er, REPS);
}

static void run_maple(const struct idxset *s, struct figs *f)
{
	double st[REPS], ld[REPS], er[REPS];
	uintptr_t sum = 0;

	for (int r = 0; r < REPS; r++) {
		struct maple_tree mt;
		uint64_t t0;

		mt_init(&mt);
		t0 = bench_cpu_ns();
		for (unsigned long i = 0; i < s->n; i++)
			if (mtree_store(&mt, s->store_order[i], entry_of(s->store_order[i])))
				abort();
		st[r] = per_op(t0, s->n);
		t0 = bench_cpu_ns();
		for (unsigned long i = 0; i < s->n; i++)
			sum += (uintptr_t)__mtree_load(&mt, s->load_order[i]);
		ld[r] = per_op(t0, s->n);
		t0 = bench_cpu_ns();
		for (unsigned long i = 0; i < s->n; i++)
			sum += (uintptr_t)mtree_erase(&mt, s->store_order[i]);
		er[r] = per_op(t0, s->n);
		mtree_destroy(&mt);
	}
	bench_keep(sum);
	f->store = bench_median(st, REPS);
	f->load = bench_median(ld, REPS);
	f->erase = bench_median(er, REPS);
}

static void report(const char *op, const struct idxset *s, double v, double base)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_%s_%lu", op, s->name, s->n);
	bench_report("xarray", name, v, "ns/op", "maple", base, true);
}

int main(void)
{
	struct idxset sets[4];

	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	rcu_register_thread();
	srandom(1);
	bench_header("xarray", "page-cache index: xarray vs maple tree, single-index entries");
	make_set(&sets[0], "dense", 256, false);
	make_set(&sets[1], "dense", 16384, false);
	make_set(&sets[2], "dense", 262144, false);
	make_set(&sets[3], "sparse", 4096, true);
	for (int i = 0; i < 4; i++) {
		struct figs x, m;

		run_xarray(&sets[i], &x);
		run_maple(&sets[i], &m);
		report("load", &sets[i], x.load, m.load);
		report("store", &sets[i], x.store, m.store);
		report("erase", &sets[i], x.erase, m.erase);
		free(sets[i].store_order);
		free(sets[i].load_order);
	}
	rcu_barrier();
	rcu_unregister_thread();
	return 0;
}
