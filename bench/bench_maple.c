// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Maple tree benchmark on VMA-like trees (two pages mapped, one page gap) of 16, 256, 4096 and
 * 65536 ranges: find_vma-style lookups, split-and-fill stores (mprotect of the first page of a
 * VMA, then the whole VMA back), erases, top-down one-page gap searches, iteration and
 * duplication, with libbsd's red-black tree doing the same lookups, stores and erases as the
 * baseline. Also bytes per stored range. Two RB trees run: a plain one ("rbtree"), and the
 * VMA tree Linux actually had before 6.1 (rb_vma.c, "rbtree_aug"): augmented with each
 * subtree's largest gap and threaded on the VMA list, which it keeps up on every store and
 * erase and walks for gap searches, as the maple tree does with its gaps.
 *
 * When $MMLAB_LINUX_MAPLE names the output of linux-maple/lmt_bench (make bench builds it from
 * Debian's kernel source and runs it just before), Linux's own maple tree ran the same
 * workload twice, once per node-freeing scheme, and the figures that have a Linux
 * counterpart are reported against it as well: "baseline": "linux_maple" is Linux's tree
 * freeing nodes as mmlab does (batches recycled after one synchronize_rcu(), the fair
 * comparison), "linux_maple_call_rcu" the kernel's own scheme (one call_rcu() per node),
 * reported for the figures the scheme changes: stores, erases and duplication.
 * Gap searches run twice: on the tree as built, and after the store and erase runs have
 * churned it.
 *
 * Where a VMA tree allocates a VMA (a split), both sides malloc it; the maple side also
 * allocates tree nodes per store (from its node cache) and frees replaced ones after a grace
 * period, in batches (src/lib/maple_tree.c), as lmt_bench's "batched" Linux tree does. Bytes
 * per range count the tree's nodes only: per VMA in the build (a VMA and its gap are two
 * stored ranges), per stored range in bench_bytes().
 *
 * Both trees' iteration takes liburcu's read lock inline (_LGPL_SOURCE), as the library's own
 * readers and lmt_bench do.
 */
#define _LGPL_SOURCE
#include <stdio.h>
#include <sys/cdefs.h>
#ifndef __unused /* RB_GENERATE_STATIC uses BSD's __unused; glibc's cdefs.h lacks it */
#define __unused __attribute__((unused))
#endif
#include <bsd/sys/tree.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "lib/maple_tree.h"
#include "rb_vma.h"

#define P 4096UL
#define BASE 0x10000000UL
#define REPS 5

struct vma {
	RB_ENTRY(vma) rb;
	unsigned long start, end; /* [start, end) */
};

static int vma_cmp(struct vma *a, struct vma *b)
{
	return (a->start > b->start) - (a->start < b->start);
}

RB_HEAD(vma_tree, vma);
RB_GENERATE_STATIC(vma_tree, vma, rb, vma_cmp)

/* find_vma on the RB tree: the first VMA with end > addr. */
static struct vma *rb_find_vma(struct vma_tree *t, unsigned long addr)
{
	struct vma *n = RB_ROOT(t), *best = NULL;

	while (n) {
		if (n->end > addr) {
			best = n;
			if (n->start <= addr)
				break;
			n = RB_LEFT(n, rb);
		} else {
			n = RB_RIGHT(n, rb);
		}
	}
	return best;
}

#define SEED 88172645463325252ULL
static uint64_t seed; /* reset per tree size: linux-maple/lmt_bench.c draws the same numbers */

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

struct setup {
	unsigned long n;
	struct vma *vmas, *spare;
	struct maple_tree mt;
	struct vma_tree rb;
	struct rb_vma *avmas; /* the same VMAs in Linux's pre-6.1 augmented tree */
	struct rb_vma_tree rba;
	unsigned long *addr; /* random addresses inside the mapped span */
	unsigned long *pick; /* random VMA indices */
};

#define NR_RANDOM 8192

/* Where VMA @i starts, as build() places it and linux-maple/lmt_bench.c computes it. */
static unsigned long vma_start(unsigned long i)
{
	return BASE + i * 3 * P;
}

static void build(struct setup *s, unsigned long n)
{
	unsigned long i;

	s->n = n;
	s->vmas = calloc(n, sizeof(*s->vmas));
	s->spare = calloc(n, sizeof(*s->spare));
	s->avmas = calloc(n, sizeof(*s->avmas));
	s->addr = malloc(NR_RANDOM * sizeof(*s->addr));
	s->pick = malloc(NR_RANDOM * sizeof(*s->pick));
	if (!s->vmas || !s->spare || !s->avmas || !s->addr || !s->pick)
		abort();
	mt_init_flags(&s->mt, MT_FLAGS_ALLOC_RANGE);
	RB_INIT(&s->rb);
	rbv_init(&s->rba);
	seed = SEED;
	for (i = 0; i < n; i++) {
		struct vma *v = &s->vmas[i];

		v->start = vma_start(i);
		v->end = v->start + 2 * P;
		if (mtree_store_range(&s->mt, v->start, v->end - 1, v))
			abort();
		RB_INSERT(vma_tree, &s->rb, v);
		s->avmas[i].start = v->start;
		s->avmas[i].end = v->end;
		rbv_insert(&s->rba, &s->avmas[i]);
	}
	if (!rbv_validate(&s->rba))
		abort();
	for (i = 0; i < NR_RANDOM; i++) {
		s->addr[i] = BASE + rnd() % (n * 3 * P);
		s->pick[i] = rnd() % n;
	}
}

static void teardown(struct setup *s)
{
	mtree_destroy(&s->mt);
	free(s->vmas);
	free(s->spare);
	free(s->avmas);
	free(s->addr);
	free(s->pick);
}

static double per_op(uint64_t t0, unsigned long ops)
{
	return (double)(bench_now_ns() - t0) / (double)ops;
}

/*
 * find_vma on both trees. The maple side runs it twice: as mmlab's find_vma does, under the
 * writer's lock (mmap_lock), with __mt_find(); and as mt_find(), inside its own liburcu
 * read-side critical section, as a lockless reader would (the kernel's rcu_read_lock() is free
 * on a non-preemptible kernel; liburcu's out-of-line one is not).
 */
static void bench_lookup(struct setup *s, double *maple, double *rcu, double *rb)
{
	double m[REPS], u[REPS], r[REPS];
	unsigned long ops = 1 << 20, i;
	int k;

	for (k = 0; k < REPS; k++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < ops; i++) {
			unsigned long index = s->addr[i % NR_RANDOM];

			bench_keep(__mt_find(&s->mt, &index, ULONG_MAX));
		}
		m[k] = per_op(t0, ops);
		t0 = bench_now_ns();
		for (i = 0; i < ops; i++) {
			unsigned long index = s->addr[i % NR_RANDOM];

			bench_keep(mt_find(&s->mt, &index, ULONG_MAX));
		}
		u[k] = per_op(t0, ops);
		t0 = bench_now_ns();
		for (i = 0; i < ops; i++)
			bench_keep(rb_find_vma(&s->rb, s->addr[i % NR_RANDOM]));
		r[k] = per_op(t0, ops);
	}
	*maple = bench_median(m, REPS);
	*rcu = bench_median(u, REPS);
	*rb = bench_median(r, REPS);
}

/*
 * mprotect of a VMA's first page (a split), then of the whole VMA (the merge back). Both sides
 * do what a VMA tree does for it: the split allocates the new head VMA with malloc and links
 * it, the merge unlinks it and frees it. On the RB side the old VMA's start moves in place (the
 * order is unchanged, as vma_adjust did); on the maple side the two stores rewrite the ranges.
 * The plain RB tree keeps no gaps, so it does less than the maple tree, which keeps them
 * exact; the augmented one updates them as Linux 6.0 did (vma_gap_update).
 *
 * The maple side runs half its pairs each way: reading the VMA's addresses from the VMA, as
 * the RB trees' loops do (@maple, their comparison), and taking them from its index
 * (@maple_idx), as lmt_bench's loop does (Linux's maple tree's comparison). At 65536 VMAs the
 * array is 3 MiB and that read is a cache miss before the pair's first descent can begin.
 */
static void bench_split_fill(struct setup *s, double *maple, double *maple_idx, double *rb,
			     double *rba)
{
	double m[REPS], mi[REPS], r[REPS], a[REPS];
	unsigned long ops = s->n < 4096 ? 1 << 16 : 1 << 17, half = ops / 2, i;
	int k;

	for (k = 0; k < REPS; k++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < half; i++) {
			struct vma *v = &s->vmas[s->pick[i % NR_RANDOM]];
			struct vma *head = malloc(sizeof(*head));

			if (!head)
				abort();
			head->start = v->start;
			head->end = v->start + P;
			if (mtree_store_range(&s->mt, v->start, v->start + P - 1, head) ||
			    mtree_store_range(&s->mt, v->start, v->end - 1, v))
				abort();
			free(head);
		}
		m[k] = per_op(t0, 2 * half);
		t0 = bench_now_ns();
		for (i = half; i < ops; i++) {
			unsigned long j = s->pick[i % NR_RANDOM], start = vma_start(j);
			struct vma *head = malloc(sizeof(*head));

			if (!head)
				abort();
			head->start = start;
			head->end = start + P;
			if (mtree_store_range(&s->mt, start, start + P - 1, head) ||
			    mtree_store_range(&s->mt, start, start + 2 * P - 1, &s->vmas[j]))
				abort();
			free(head);
		}
		mi[k] = per_op(t0, 2 * (ops - half));
		t0 = bench_now_ns();
		for (i = 0; i < ops; i++) {
			struct vma *v = &s->vmas[s->pick[i % NR_RANDOM]];
			struct vma *head = malloc(sizeof(*head));

			if (!head)
				abort();
			head->start = v->start;
			head->end = v->start + P;
			v->start += P;
			RB_INSERT(vma_tree, &s->rb, head);
			RB_REMOVE(vma_tree, &s->rb, head);
			v->start -= P;
			free(head);
		}
		r[k] = per_op(t0, 2 * ops);
		t0 = bench_now_ns();
		for (i = 0; i < ops; i++) { /* __split_vma, then vma_merge's vma_adjust */
			struct rb_vma *v = &s->avmas[s->pick[i % NR_RANDOM]];
			struct rb_vma *head = malloc(sizeof(*head));

			if (!head)
				abort();
			head->start = v->start;
			head->end = v->start + P;
			rbv_set_start(&s->rba, v, v->start + P);
			rbv_insert(&s->rba, head);
			rbv_remove(&s->rba, head);
			rbv_set_start(&s->rba, v, head->start);
			free(head);
		}
		a[k] = per_op(t0, 2 * ops);
	}
	*maple = bench_median(m, REPS);
	*maple_idx = bench_median(mi, REPS);
	*rb = bench_median(r, REPS);
	*rba = bench_median(a, REPS);
	if (!rbv_validate(&s->rba))
		abort();
}

/*
 * munmap of whole VMAs: both sides find the VMA from an address and unlink it (the maple tree
 * from the address alone; the RB tree by find_vma, then RB_REMOVE). Neither frees the VMA.
 */
static void bench_erase(struct setup *s, double *maple, double *rb, double *rba)
{
	double m[REPS], r[REPS], a[REPS];
	unsigned long batch = s->n / 2 < 4096 ? s->n / 2 : 4096, i, c;
	unsigned long cycles = 8192 / batch; /* small trees: many batches, for a steady figure */
	unsigned long *idx = malloc(batch * sizeof(*idx));
	int k;

	for (k = 0; k < REPS; k++) {
		uint64_t tm = 0, tr = 0, ta = 0, t0;

		for (c = 0; c < cycles; c++) {
			/* distinct VMAs: a stride through a random start */
			for (i = 0; i < batch; i++)
				idx[i] = (s->pick[(k * cycles + c) % NR_RANDOM] + i * 2) % s->n;
			t0 = bench_now_ns();
			for (i = 0; i < batch; i++)
				bench_keep(mtree_erase(&s->mt, s->vmas[idx[i]].start));
			tm += bench_now_ns() - t0;
			for (i = 0; i < batch; i++) {
				struct vma *v = &s->vmas[idx[i]];

				if (mtree_store_range(&s->mt, v->start, v->end - 1, v))
					abort();
			}
			t0 = bench_now_ns();
			for (i = 0; i < batch; i++)
				RB_REMOVE(vma_tree, &s->rb,
					  rb_find_vma(&s->rb, s->vmas[idx[i]].start));
			tr += bench_now_ns() - t0;
			for (i = 0; i < batch; i++)
				RB_INSERT(vma_tree, &s->rb, &s->vmas[idx[i]]);
			t0 = bench_now_ns();
			for (i = 0; i < batch; i++)
				rbv_remove(&s->rba, rbv_find_vma(&s->rba, s->avmas[idx[i]].start));
			ta += bench_now_ns() - t0;
			for (i = 0; i < batch; i++)
				rbv_insert(&s->rba, &s->avmas[idx[i]]);
		}
		m[k] = (double)tm / (double)(cycles * batch);
		r[k] = (double)tr / (double)(cycles * batch);
		a[k] = (double)ta / (double)(cycles * batch);
	}
	free(idx);
	*maple = bench_median(m, REPS);
	*rb = bench_median(r, REPS);
	*rba = bench_median(a, REPS);
	if (!rbv_validate(&s->rba))
		abort();
}

/*
 * Top-down searches for one free page below a random address (or, @top, below the top of the
 * mapped span, as get_unmapped_area searches below mmap_base): mas_empty_area_rev() beside
 * the augmented RB tree's unmapped_area_topdown walk, which must find the same page.
 */
static unsigned long gap_max(const struct setup *s, bool top, unsigned long i)
{
	return top ? BASE + s->n * 3 * P - 1 : s->addr[i % NR_RANDOM] + 3 * P;
}

static void bench_gap(struct setup *s, bool top, double *maple, double *rba)
{
	double m[REPS], a[REPS];
	unsigned long ops = 1 << 18, i;
	int k;

	for (i = 0; i < NR_RANDOM; i++) {
		MA_STATE(mas, &s->mt, 0, 0);
		unsigned long addr;

		if (mas_empty_area_rev(&mas, BASE, gap_max(s, top, i), P) ||
		    !rbv_gap_topdown(&s->rba, BASE, gap_max(s, top, i), P, &addr) ||
		    addr != mas.index)
			abort();
	}
	for (k = 0; k < REPS; k++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < ops; i++) {
			MA_STATE(mas, &s->mt, 0, 0);

			if (mas_empty_area_rev(&mas, BASE, gap_max(s, top, i), P))
				abort();
			bench_keep(mas.index);
		}
		m[k] = per_op(t0, ops);
		t0 = bench_now_ns();
		for (i = 0; i < ops; i++) {
			unsigned long addr;

			if (!rbv_gap_topdown(&s->rba, BASE, gap_max(s, top, i), P, &addr))
				abort();
			bench_keep(addr);
		}
		a[k] = per_op(t0, ops);
	}
	*maple = bench_median(m, REPS);
	*rba = bench_median(a, REPS);
}

static double bench_iterate(struct setup *s)
{
	double m[REPS];
	unsigned long rounds = (1 << 20) / s->n + 1, i, n = 0;
	int k;

	for (k = 0; k < REPS; k++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < rounds; i++) {
			MA_STATE(mas, &s->mt, 0, 0);
			void *entry;

			rcu_read_lock();
			mas_for_each(&mas, entry, ULONG_MAX)
				n++;
			rcu_read_unlock();
		}
		m[k] = per_op(t0, rounds * s->n);
	}
	bench_keep(n);
	return bench_median(m, REPS);
}

static double bench_dup(struct setup *s)
{
	double m[REPS];
	unsigned long rounds = s->n >= 4096 ? 20 : 2000, i;
	int k;

	for (k = 0; k < REPS; k++) {
		uint64_t total = 0;

		for (i = 0; i < rounds; i++) {
			struct maple_tree copy;
			uint64_t t0;

			mt_init(&copy);
			t0 = bench_now_ns();
			if (__mt_dup(&s->mt, &copy))
				abort();
			total += bench_now_ns() - t0;
			mtree_destroy(&copy);
		}
		m[k] = (double)total / (double)rounds / 1000.0;
	}
	return bench_median(m, REPS);
}

/*
 * Linux's maple tree on the same workload with the node-freeing @scheme ("batched" or
 * "call_rcu"), from lmt_bench's output; NAN where not measured.
 */
struct linux_figs {
	double lookup_rcu, gap, gap_top, split_fill, erase, gap_churned, iterate, dup;
};

static void linux_maple(unsigned long n, const char *scheme, struct linux_figs *f)
{
	static const struct {
		const char *name;
		size_t off;
	} keys[] = {
		{ "lookup_rcu", offsetof(struct linux_figs, lookup_rcu) },
		{ "gap_topdown_1page", offsetof(struct linux_figs, gap) },
		{ "gap_topdown_1page_top", offsetof(struct linux_figs, gap_top) },
		{ "split_fill_store", offsetof(struct linux_figs, split_fill) },
		{ "erase", offsetof(struct linux_figs, erase) },
		{ "gap_topdown_1page_churned", offsetof(struct linux_figs, gap_churned) },
		{ "iterate", offsetof(struct linux_figs, iterate) },
		{ "dup", offsetof(struct linux_figs, dup) },
	};
	const char *path = getenv("MMLAB_LINUX_MAPLE");
	unsigned long nr;
	char name[64], sch[16];
	double v;
	FILE *p;
	size_t i;

	f->lookup_rcu = f->gap = f->gap_top = f->split_fill = NAN;
	f->erase = f->gap_churned = f->iterate = f->dup = NAN;
	if (!path || !*path)
		return;
	p = fopen(path, "r");
	if (!p) {
		fprintf(stderr, "bench_maple: no Linux figures: cannot read %s\n", path);
		return;
	}
	while (fscanf(p, "%15s %lu %63s %lf", sch, &nr, name, &v) == 4)
		for (i = 0; nr == n && !strcmp(sch, scheme) && i < ARRAY_SIZE(keys); i++)
			if (!strcmp(name, keys[i].name))
				*(double *)((char *)f + keys[i].off) = v;
	fclose(p);
}

static void report(const char *what, unsigned long n, double v, const char *unit,
		   const char *base, double bv)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_%lu", what, n);
	bench_report("maple", name, v, unit, base, bv, true);
}

/*
 * A figure against Linux's maple tree, or with no baseline if that did not run; an @extra
 * figure (one already reported against the RB tree) is then left out.
 */
static void report_linux(const char *what, unsigned long n, double v, const char *unit,
			 double linux_v, bool extra)
{
	if (!isnan(linux_v))
		report(what, n, v, unit, "linux_maple", linux_v);
	else if (!extra)
		report(what, n, v, unit, NULL, 0);
}

/* A figure against Linux's tree freeing every node with its own call_rcu(), if that ran. */
static void report_call_rcu(const char *what, unsigned long n, double v, const char *unit,
			    double linux_v)
{
	if (!isnan(linux_v))
		report(what, n, v, unit, "linux_maple_call_rcu", linux_v);
}

/* Every stored range, NULL (a gap) or not, as the tree holds them. */
static unsigned long count_ranges(struct maple_tree *mt)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long nr = 0;

	if (mtree_empty(mt))
		return 0;
	mas_walk(&mas);
	do
		nr++;
	while (mas.last != ULONG_MAX && (mas_next_range(&mas, ULONG_MAX), true));
	return nr;
}

/*
 * Bytes per range of trees built by ascending insertion (the append path), contiguous or with
 * gaps. "Per VMA" divides by the entries stored, against the RB tree's node in each VMA; "per
 * stored range" divides by every range the tree holds, gaps included, as each is one slot.
 */
static void bench_bytes(void)
{
	static const unsigned long sizes[] = { 256, 4096, 65536 };
	unsigned int i, gaps;

	for (gaps = 0; gaps < 2; gaps++) {
		for (i = 0; i < 3; i++) {
			struct maple_tree mt;
			unsigned long j, step = gaps ? 3 * P : 2 * P;
			char name[64];

			mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
			for (j = 0; j < sizes[i]; j++)
				if (mtree_store_range(&mt, BASE + j * step, BASE + j * step + 2 * P - 1,
						      (void *)(BASE + j)))
					abort();
			snprintf(name, sizeof(name), "bytes_per_vma_%s_%lu",
				 gaps ? "gaps" : "contiguous", sizes[i]);
			bench_report("maple", name, (double)mt_bytes_used(&mt) / (double)sizes[i],
				     "B", "rbtree", (double)sizeof(struct vma), true);
			snprintf(name, sizeof(name), "bytes_per_stored_range_%s_%lu",
				 gaps ? "gaps" : "contiguous", sizes[i]);
			bench_report("maple", name,
				     (double)mt_bytes_used(&mt) / (double)count_ranges(&mt), "B",
				     NULL, 0, true);
			mtree_destroy(&mt);
		}
	}
}

int main(void)
{
	static const unsigned long sizes[] = { 16, 256, 4096, 65536 };
	unsigned int i;

	rcu_register_thread();
	bench_header("maple", "maple tree vs libbsd red-black tree on VMA-like ranges");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct setup s;
		struct linux_figs lx, lc;
		double m, u, r, a;

		linux_maple(sizes[i], "batched", &lx);
		linux_maple(sizes[i], "call_rcu", &lc);
		build(&s, sizes[i]);
		report("height", s.n, mt_height(&s.mt), "levels", NULL, 0);
		bench_lookup(&s, &m, &u, &r);
		report("lookup", s.n, m, "ns/op", "rbtree", r);
		report("lookup_rcu", s.n, u, "ns/op", "rbtree", r);
		report_linux("lookup_rcu_vs_linux", s.n, u, "ns/op", lx.lookup_rcu, true);
		bench_gap(&s, false, &m, &a);
		report_linux("gap_topdown_1page", s.n, m, "ns/op", lx.gap, false);
		report("gap_topdown_1page_vs_rbtree_aug", s.n, m, "ns/op", "rbtree_aug", a);
		bench_gap(&s, true, &m, &a);
		report_linux("gap_topdown_1page_top", s.n, m, "ns/op", lx.gap_top, false);
		report("gap_topdown_1page_top_vs_rbtree_aug", s.n, m, "ns/op", "rbtree_aug", a);
		bench_split_fill(&s, &m, &u, &r, &a);
		report("split_fill_store", s.n, m, "ns/op", "rbtree", r);
		report("split_fill_store_vs_rbtree_aug", s.n, m, "ns/op", "rbtree_aug", a);
		report_linux("split_fill_store_vs_linux", s.n, u, "ns/op", lx.split_fill, true);
		report_call_rcu("split_fill_store_vs_linux_call_rcu", s.n, u, "ns/op",
				lc.split_fill);
		bench_erase(&s, &m, &r, &a);
		report("erase", s.n, m, "ns/op", "rbtree", r);
		report("erase_vs_rbtree_aug", s.n, m, "ns/op", "rbtree_aug", a);
		report_linux("erase_vs_linux", s.n, m, "ns/op", lx.erase, true);
		report_call_rcu("erase_vs_linux_call_rcu", s.n, m, "ns/op", lc.erase);
		bench_gap(&s, false, &m, &a);
		report_linux("gap_topdown_1page_churned", s.n, m, "ns/op", lx.gap_churned, false);
		report("gap_topdown_1page_churned_vs_rbtree_aug", s.n, m, "ns/op", "rbtree_aug", a);
		report_linux("iterate", s.n, bench_iterate(&s), "ns/entry", lx.iterate, false);
		m = bench_dup(&s);
		report_linux("dup", s.n, m, "us/tree", lx.dup, false);
		report_call_rcu("dup_vs_linux_call_rcu", s.n, m, "us/tree", lc.dup);
		report("bytes_per_range", s.n, (double)mt_bytes_used(&s.mt) / (double)s.n, "B",
		       "rbtree", (double)sizeof(struct vma));
		report("height_churned", s.n, mt_height(&s.mt), "levels", NULL, 0);
		if (mt_validate(&s.mt))
			abort();
		teardown(&s);
	}
	bench_bytes();
	mt_rcu_barrier();
	rcu_unregister_thread();
	return 0;
}
