// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Address-space call benchmarks ("bench": "mmap"), mmlab beside the host kernel doing the same
 * calls in the same run: mmap+munmap pairs and mprotect split+merge pairs with 32, 2 000 and
 * 60 000 VMAs in the address space, and brk grow+shrink pairs. Both sides build the same
 * layout: N one-page VMAs at fixed addresses in a window far from everything else, alternately
 * read-only and read-write so that none merges, plus one three-page read-write VMA whose middle
 * page mprotect splits off and merges back.
 */
#include "benchutil.h"
#include "mmlab.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define REPS 5
#define PAIRS 20000
#define WINDOW 0x100000000000UL /* 16 TiB: far from the program, the heap and the libraries */
#define PG 4096UL

struct side {
	const char *name;
	int (*map)(void *ctx, uint64_t addr, uint64_t len, int prot, int flags, uint64_t *out);
	int (*unmap)(void *ctx, uint64_t addr, uint64_t len);
	int (*protect)(void *ctx, uint64_t addr, uint64_t len, int prot);
	void *ctx;
};

static int host_map(void *ctx, uint64_t addr, uint64_t len, int prot, int flags, uint64_t *out)
{
	void *p = mmap((void *)addr, len, prot, flags, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	*out = (uint64_t)p;
	return 0;
}

static int host_unmap(void *ctx, uint64_t addr, uint64_t len)
{
	return munmap((void *)addr, len);
}

static int host_protect(void *ctx, uint64_t addr, uint64_t len, int prot)
{
	return mprotect((void *)addr, len, prot);
}

static int lab_map(void *ctx, uint64_t addr, uint64_t len, int prot, int flags, uint64_t *out)
{
	return mmlab_mmap(ctx, addr, len, prot, flags, -1, 0, out);
}

static int lab_unmap(void *ctx, uint64_t addr, uint64_t len)
{
	return mmlab_munmap(ctx, addr, len);
}

static int lab_protect(void *ctx, uint64_t addr, uint64_t len, int prot)
{
	return mmlab_mprotect(ctx, addr, len, prot);
}

static void must(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "bench_mmap: %s failed (%d)\n", what, err);
		exit(1);
	}
}

/* N one-page VMAs, alternating protections, then the three-page VMA for mprotect. */
static void build(struct side *s, unsigned long n)
{
	uint64_t out;

	for (unsigned long i = 0; i < n; i++)
		must(s->map(s->ctx, WINDOW + i * PG, PG, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, &out), "build mmap");
	must(s->map(s->ctx, WINDOW + (n + 1) * PG, 3 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, &out), "build mmap 3");
}

static void teardown(struct side *s, unsigned long n)
{
	must(s->unmap(s->ctx, WINDOW, (n + 4) * PG), "teardown");
}

static double mmap_munmap(struct side *s)
{
	uint64_t t = bench_now_ns(), addr;

	for (int i = 0; i < PAIRS; i++) {
		must(s->map(s->ctx, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, &addr),
		     "mmap");
		must(s->unmap(s->ctx, addr, PG), "munmap");
	}
	return (double)(bench_now_ns() - t) / PAIRS;
}

static unsigned long cur_n;

static double mprotect_split_merge(struct side *s)
{
	uint64_t mid = WINDOW + (cur_n + 2) * PG, t = bench_now_ns();

	for (int i = 0; i < PAIRS; i++) {
		must(s->protect(s->ctx, mid, PG, PROT_READ), "mprotect split");
		must(s->protect(s->ctx, mid, PG, PROT_READ | PROT_WRITE), "mprotect merge");
	}
	return (double)(bench_now_ns() - t) / PAIRS;
}

static double median_of(double (*fn)(struct side *), struct side *s)
{
	double v[REPS];

	for (int i = 0; i < REPS; i++)
		v[i] = fn(s);
	return bench_median(v, REPS);
}

static double host_brk_pairs(void)
{
	unsigned long cur = (unsigned long)syscall(SYS_brk, 0), t = bench_now_ns();

	for (int i = 0; i < PAIRS; i++) {
		syscall(SYS_brk, cur + 64 * PG);
		syscall(SYS_brk, cur);
	}
	return (double)(bench_now_ns() - t) / PAIRS;
}

static struct mmlab_task *brk_task;

static double lab_brk_pairs(void)
{
	uint64_t cur, got, t;

	must(mmlab_brk(brk_task, 0, &cur), "brk");
	t = bench_now_ns();
	for (int i = 0; i < PAIRS; i++) {
		must(mmlab_brk(brk_task, cur + 64 * PG, &got), "brk grow");
		must(mmlab_brk(brk_task, cur, &got), "brk shrink");
	}
	return (double)(bench_now_ns() - t) / PAIRS;
}

static double median_plain(double (*fn)(void))
{
	double v[REPS];

	for (int i = 0; i < REPS; i++)
		v[i] = fn();
	return bench_median(v, REPS);
}

int main(void)
{
	static const unsigned long sizes[] = { 32, 2000, 60000 };
	struct mmlab_task_config cfg = { .seed = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *task;
	struct side host = { "kernel", host_map, host_unmap, host_protect, NULL };
	struct side lab = { "mmlab", lab_map, lab_unmap, lab_protect, NULL };
	char kase[64];

	must(mmlab_machine_create(NULL, &m), "machine");
	must(mmlab_task_create(m, &cfg, &task), "task");
	lab.ctx = task;
	bench_header("mmap", "address-space calls, mmlab vs the host kernel (median of 5)");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double h, l;

		cur_n = sizes[i];
		build(&host, cur_n);
		build(&lab, cur_n);
		h = median_of(mmap_munmap, &host);
		l = median_of(mmap_munmap, &lab);
		snprintf(kase, sizeof(kase), "mmap_munmap_pair_%lu_vmas", cur_n);
		bench_report("mmap", kase, l, "ns/op", "kernel", h, true);
		h = median_of(mprotect_split_merge, &host);
		l = median_of(mprotect_split_merge, &lab);
		snprintf(kase, sizeof(kase), "mprotect_split_merge_pair_%lu_vmas", cur_n);
		bench_report("mmap", kase, l, "ns/op", "kernel", h, true);
		teardown(&host, cur_n);
		teardown(&lab, cur_n);
	}
	brk_task = task;
	bench_report("mmap", "brk_grow_shrink_pair", median_plain(lab_brk_pairs), "ns/op", "kernel",
		     median_plain(host_brk_pairs), true);
	mmlab_task_destroy(task);
	mmlab_machine_destroy(m);
	return 0;
}
