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
 * When $MMLAB_LINUX_MAPLE_BIN names linux-maple/lmt_bench (make bench builds it from Debian's
 * kernel source), Linux's own maple tree runs the same workload with each of two node-freeing
 * schemes, and the figures that have a Linux counterpart are reported against it as well:
 * "baseline": "linux_maple" is Linux's tree freeing nodes as mmlab does (batches recycled
 * after one synchronize_rcu(), the fair comparison), "linux_maple_call_rcu" the kernel's own
 * scheme (one call_rcu() per node), reported for the figures the scheme changes: stores,
 * erases and duplication. Each figure is the median of $MMLAB_MAPLE_ROUNDS (3) rounds, each
 * round one process of mmlab's tree and one of each Linux scheme taking turns, so that load
 * on a shared machine, or a process that runs slow throughout, weighs on both trees alike (one
 * lmt_bench run before one bench_maple run once moved ratios by 1.5x either way). Neither side
 * counts the time its process waited for a CPU (struct span below).
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
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"
#include "run_delay.h"
#include "lib/maple_tree.h"
#include "rb_vma.h"

extern char **environ;

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
		struct span t0 = span_start(true);

		for (i = 0; i < ops; i++) {
			unsigned long index = s->addr[i % NR_RANDOM];

			bench_keep(__mt_find(&s->mt, &index, ULONG_MAX));
		}
		m[k] = per_op(t0, ops);
		t0 = span_start(true);
		for (i = 0; i < ops; i++) {
			unsigned long index = s->addr[i % NR_RANDOM];

			bench_keep(mt_find(&s->mt, &index, ULONG_MAX));
		}
		u[k] = per_op(t0, ops);
		t0 = span_start(true);
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
		struct span t0 = span_start(true);

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
		t0 = span_start(true);
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
		t0 = span_start(true);
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
		t0 = span_start(true);
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
	bool exact = s->n >= 4096; /* each batch a span (see struct span) */
	int k;

	for (k = 0; k < REPS; k++) {
		uint64_t tm = 0, tr = 0, ta = 0;
		struct span t0;

		for (c = 0; c < cycles; c++) {
			/* distinct VMAs: a stride through a random start */
			for (i = 0; i < batch; i++)
				idx[i] = (s->pick[(k * cycles + c) % NR_RANDOM] + i * 2) % s->n;
			t0 = span_start(exact);
			for (i = 0; i < batch; i++)
				bench_keep(mtree_erase(&s->mt, s->vmas[idx[i]].start));
			tm += span_ns(t0);
			for (i = 0; i < batch; i++) {
				struct vma *v = &s->vmas[idx[i]];

				if (mtree_store_range(&s->mt, v->start, v->end - 1, v))
					abort();
			}
			t0 = span_start(exact);
			for (i = 0; i < batch; i++)
				RB_REMOVE(vma_tree, &s->rb,
					  rb_find_vma(&s->rb, s->vmas[idx[i]].start));
			tr += span_ns(t0);
			for (i = 0; i < batch; i++)
				RB_INSERT(vma_tree, &s->rb, &s->vmas[idx[i]]);
			t0 = span_start(exact);
			for (i = 0; i < batch; i++)
				rbv_remove(&s->rba, rbv_find_vma(&s->rba, s->avmas[idx[i]].start));
			ta += span_ns(t0);
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
		struct span t0 = span_start(true);

		for (i = 0; i < ops; i++) {
			MA_STATE(mas, &s->mt, 0, 0);

			if (mas_empty_area_rev(&mas, BASE, gap_max(s, top, i), P))
				abort();
			bench_keep(mas.index);
		}
		m[k] = per_op(t0, ops);
		t0 = span_start(true);
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
		struct span t0 = span_start(true);

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
			struct span t0;

			mt_init(&copy);
			t0 = span_start(s->n >= 4096); /* see struct span */
			if (__mt_dup(&s->mt, &copy))
				abort();
			total += span_ns(t0);
			mtree_destroy(&copy);
		}
		m[k] = (double)total / (double)rounds / 1000.0;
	}
	return bench_median(m, REPS);
}

/*
 * Every figure of one tree size, as one process measures it. Each is measured in a child
 * process (bench_maple --size N), alternating with lmt_bench's two schemes (see main()).
 */
struct figs {
	double height, lookup, lookup_rcu, lookup_rb, gap, gap_aug, gap_top, gap_top_aug;
	double split_fill, split_fill_idx, split_fill_rb, split_fill_aug, erase, erase_rb;
	double erase_aug, gap_churned, gap_churned_aug, iterate, dup, bytes, height_churned;
};

#define FIG(name) { #name, offsetof(struct figs, name) }
static const struct {
	const char *name;
	size_t off;
} fig_keys[] = {
	FIG(height), FIG(lookup), FIG(lookup_rcu), FIG(lookup_rb), FIG(gap), FIG(gap_aug),
	FIG(gap_top), FIG(gap_top_aug), FIG(split_fill), FIG(split_fill_idx), FIG(split_fill_rb),
	FIG(split_fill_aug), FIG(erase), FIG(erase_rb), FIG(erase_aug), FIG(gap_churned),
	FIG(gap_churned_aug), FIG(iterate), FIG(dup), FIG(bytes), FIG(height_churned),
};

/* Linux's figures, as lmt_bench names them, and where they go in struct figs. */
static const struct {
	const char *name;
	size_t off;
} linux_keys[] = {
	{ "lookup_rcu", offsetof(struct figs, lookup_rcu) },
	{ "gap_topdown_1page", offsetof(struct figs, gap) },
	{ "gap_topdown_1page_top", offsetof(struct figs, gap_top) },
	{ "split_fill_store", offsetof(struct figs, split_fill_idx) },
	{ "erase", offsetof(struct figs, erase) },
	{ "gap_topdown_1page_churned", offsetof(struct figs, gap_churned) },
	{ "iterate", offsetof(struct figs, iterate) },
	{ "dup", offsetof(struct figs, dup) },
};

#define FIGP(f, off) ((double *)((char *)(f) + (off)))

static void figs_clear(struct figs *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fig_keys); i++)
		*FIGP(f, fig_keys[i].off) = NAN;
}

/* The child's part: every figure of a tree of @n ranges, one "name value" line each. */
static void measure_size(unsigned long n)
{
	struct setup s;
	struct figs f;
	size_t i;

	build(&s, n);
	f.height = mt_height(&s.mt);
	bench_lookup(&s, &f.lookup, &f.lookup_rcu, &f.lookup_rb);
	bench_gap(&s, false, &f.gap, &f.gap_aug);
	bench_gap(&s, true, &f.gap_top, &f.gap_top_aug);
	bench_split_fill(&s, &f.split_fill, &f.split_fill_idx, &f.split_fill_rb,
			 &f.split_fill_aug);
	bench_erase(&s, &f.erase, &f.erase_rb, &f.erase_aug);
	bench_gap(&s, false, &f.gap_churned, &f.gap_churned_aug);
	f.iterate = bench_iterate(&s);
	f.dup = bench_dup(&s);
	f.bytes = (double)mt_bytes_used(&s.mt) / (double)s.n;
	f.height_churned = mt_height(&s.mt);
	if (mt_validate(&s.mt))
		abort();
	teardown(&s);
	for (i = 0; i < ARRAY_SIZE(fig_keys); i++)
		printf("%s %.6f\n", fig_keys[i].name, *FIGP(&f, fig_keys[i].off));
}

/*
 * Runs @argv with its output in a pipe and reads its "[scheme n] name value" lines into @f
 * through @keys; false (with a message) if it could not run or failed. posix_spawn, not fork:
 * a fork would leave this process's pages copy-on-write, and bench_maple's small
 * duplications ran 5x slower after one.
 */
static bool run_child(char *const argv[], const void *keys, size_t nr_keys, bool linux_fmt,
		      struct figs *f)
{
	const struct {
		const char *name;
		size_t off;
	} *k = keys;
	posix_spawn_file_actions_t fa;
	char line[256], name[64], sch[16];
	int fds[2], status;
	unsigned long nr;
	double v;
	size_t i;
	pid_t pid;
	FILE *p;

	figs_clear(f);
	if (pipe(fds))
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ)) {
		fprintf(stderr, "bench_maple: cannot run %s\n", argv[0]);
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	p = fdopen(fds[0], "r");
	while (p && fgets(line, sizeof(line), p)) {
		bool ok = linux_fmt ? sscanf(line, "%15s %lu %63s %lf", sch, &nr, name, &v) == 4 :
				      sscanf(line, "%63s %lf", name, &v) == 2;

		for (i = 0; ok && i < nr_keys; i++)
			if (!strcmp(name, k[i].name))
				*FIGP(f, k[i].off) = v;
	}
	if (p)
		fclose(p);
	else
		close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_maple: %s failed\n", argv[0]);
		return false;
	}
	return true;
}

/* The median, per figure, of @nr measurements (NAN figures left out). */
static void figs_median(const struct figs *runs, int nr, struct figs *out)
{
	double v[16];
	size_t i;
	int r, k;

	for (i = 0; i < ARRAY_SIZE(fig_keys); i++) {
		for (r = k = 0; r < nr && k < 16; r++)
			if (!isnan(*FIGP(&runs[r], fig_keys[i].off)))
				v[k++] = *FIGP(&runs[r], fig_keys[i].off);
		*FIGP(out, fig_keys[i].off) = k ? bench_median(v, k) : NAN;
	}
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

#define MAX_ROUNDS 15

/*
 * Every figure of a tree of @n ranges, the median of @rounds child processes each for mmlab
 * (f[0]), Linux's batched tree (f[1]) and Linux's call_rcu tree (f[2]); the three take turns,
 * starting with a different one each round, so a stretch of load on the machine, or a process
 * that happens to run slow (placement, caches), weighs on every side alike.
 */
static void measure_rounds(unsigned long n, const char *lmt, int rounds, struct figs f[3])
{
	static struct figs runs[3][MAX_ROUNDS];
	static const char *const scheme[3] = { NULL, "batched", "call_rcu" };
	int nr[3] = { 0, 0, 0 }, r, j;
	char size[32];

	snprintf(size, sizeof(size), "%lu", n);
	for (r = 0; r < rounds; r++) {
		for (j = 0; j < 3; j++) {
			int who = (r + j) % 3;
			char *self[] = { "/proc/self/exe", "--size", size, NULL };
			char *lx[] = { (char *)lmt, (char *)scheme[who], size, NULL };

			if (!who) {
				if (!run_child(self, fig_keys, ARRAY_SIZE(fig_keys), false,
					       &runs[0][nr[0]]))
					exit(1);
				nr[0]++;
			} else if (lmt && run_child(lx, linux_keys, ARRAY_SIZE(linux_keys), true,
						    &runs[who][nr[who]])) {
				nr[who]++;
			}
		}
	}
	for (j = 0; j < 3; j++) {
		figs_clear(&f[j]);
		figs_median(runs[j], nr[j], &f[j]);
	}
}

/*
 * bench_maple [--size N]: with no argument the whole benchmark, which runs itself with
 * --size N for each tree size's figures (one "name value" line each). $MMLAB_LINUX_MAPLE_BIN
 * names lmt_bench (make bench builds it), $MMLAB_MAPLE_ROUNDS the rounds (default 3).
 */
int main(int argc, char **argv)
{
	static const unsigned long sizes[] = { 16, 256, 4096, 65536 };
	const char *lmt = getenv("MMLAB_LINUX_MAPLE_BIN");
	const char *env_rounds = getenv("MMLAB_MAPLE_ROUNDS");
	int rounds = env_rounds ? atoi(env_rounds) : 3;
	unsigned int i;

	rcu_register_thread();
	if (argc == 3 && !strcmp(argv[1], "--size")) {
		unsigned long n = strtoul(argv[2], NULL, 0);

		if (n < 2)
			return 2;
		measure_size(n);
		mt_rcu_barrier();
		rcu_unregister_thread();
		return 0;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "bench_maple: MMLAB_MAPLE_ROUNDS must be 1..%d\n", MAX_ROUNDS);
		return 2;
	}
	if (lmt && !*lmt)
		lmt = NULL;
	bench_header("maple", "maple tree vs libbsd red-black tree on VMA-like ranges");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long n = sizes[i];
		struct figs f[3], *m = &f[0], *lx = &f[1], *lc = &f[2];

		measure_rounds(n, lmt, rounds, f);
		report("height", n, m->height, "levels", NULL, 0);
		report("lookup", n, m->lookup, "ns/op", "rbtree", m->lookup_rb);
		report("lookup_rcu", n, m->lookup_rcu, "ns/op", "rbtree", m->lookup_rb);
		report_linux("lookup_rcu_vs_linux", n, m->lookup_rcu, "ns/op", lx->lookup_rcu, true);
		report_linux("gap_topdown_1page", n, m->gap, "ns/op", lx->gap, false);
		report("gap_topdown_1page_vs_rbtree_aug", n, m->gap, "ns/op", "rbtree_aug",
		       m->gap_aug);
		report_linux("gap_topdown_1page_top", n, m->gap_top, "ns/op", lx->gap_top, false);
		report("gap_topdown_1page_top_vs_rbtree_aug", n, m->gap_top, "ns/op", "rbtree_aug",
		       m->gap_top_aug);
		report("split_fill_store", n, m->split_fill, "ns/op", "rbtree", m->split_fill_rb);
		report("split_fill_store_vs_rbtree_aug", n, m->split_fill, "ns/op", "rbtree_aug",
		       m->split_fill_aug);
		report_linux("split_fill_store_vs_linux", n, m->split_fill_idx, "ns/op",
			     lx->split_fill_idx, true);
		report_call_rcu("split_fill_store_vs_linux_call_rcu", n, m->split_fill_idx, "ns/op",
				lc->split_fill_idx);
		report("erase", n, m->erase, "ns/op", "rbtree", m->erase_rb);
		report("erase_vs_rbtree_aug", n, m->erase, "ns/op", "rbtree_aug", m->erase_aug);
		report_linux("erase_vs_linux", n, m->erase, "ns/op", lx->erase, true);
		report_call_rcu("erase_vs_linux_call_rcu", n, m->erase, "ns/op", lc->erase);
		report_linux("gap_topdown_1page_churned", n, m->gap_churned, "ns/op",
			     lx->gap_churned, false);
		report("gap_topdown_1page_churned_vs_rbtree_aug", n, m->gap_churned, "ns/op",
		       "rbtree_aug", m->gap_churned_aug);
		report_linux("iterate", n, m->iterate, "ns/entry", lx->iterate, false);
		report_linux("dup", n, m->dup, "us/tree", lx->dup, false);
		report_call_rcu("dup_vs_linux_call_rcu", n, m->dup, "us/tree", lc->dup);
		report("bytes_per_range", n, m->bytes, "B", "rbtree", (double)sizeof(struct vma));
		report("height_churned", n, m->height_churned, "levels", NULL, 0);
	}
	bench_bytes();
	mt_rcu_barrier();
	rcu_unregister_thread();
	return 0;
}
