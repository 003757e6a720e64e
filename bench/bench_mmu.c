// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Foundation benchmarks ("bench": "mmu"), each beside its baseline in the same run:
 *  (a) TLB-hit 8-byte loads and stores through the MMU vs the same loop on native memory;
 *  (b) a TLB-miss translation (a full four-level walk and a TLB fill) vs native loads that
 *      touch a new page each time;
 *  (c) frame allocation + free vs glibc malloc + free of 4 KiB blocks.
 * Every figure is the median of REPS repetitions.
 */
#include "benchutil.h"
#include "mmu/mmu_context.h"
#include "phys/mmzone.h"
#include "mmu/mmu.h"
#include "mmu/pgrange.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPS 7
#define HOT_PAGES 16			/* fits the TLB: every access hits */
#define HOT_ITERS (64UL << 20)		/* accesses per repetition */
#define COLD_PAGES 4096			/* 16x the TLB: every access misses */
#define COLD_ROUNDS 32
#define ALLOC_BATCH 64
#define ALLOC_ROUNDS 20000

static struct pglist_data m;
static struct mmu_cpu *cpus[MMLAB_MAX_CPUS];
static mm_context_t ctx;
static struct mmu_cpu *cpu;
static const unsigned long base = 0x7f0000000000UL;

static void setup(void)
{
	if (pgdat_init_memory(&m, 256UL << 20) || init_new_context(&ctx, &m, cpus)) {
		fprintf(stderr, "bench_mmu: cannot build the machine\n");
		exit(1);
	}
	cpu = mmu_cpu_create(&m, cpus, 0, true);
	if (IS_ERR(cpu))
		exit(1);
	for (unsigned long i = 0; i < COLD_PAGES; i++) {
		struct page *p = alloc_zeroed_page(&m);

		if (!p || pt_map_page(&ctx, base + i * PAGE_SIZE, p, PAGE_SHARED))
			exit(1);
		put_page(&m, p);
	}
	mmu_switch_context(cpu, &ctx);
}

/* The same address sequence on both sides: 8-byte steps over HOT_PAGES pages, wrapping. */
#define HOT_MASK (HOT_PAGES * PAGE_SIZE - 1)

static double mmu_loads(void)
{
	struct mmu_cpu *c = cpu;
	uint64_t sum = 0, v, t = bench_now_ns();

	for (unsigned long i = 0; i < HOT_ITERS; i++) {
		if (unlikely(mmu_load64(c, base + ((i * 8) & HOT_MASK), &v)))
			exit(1);
		sum += v;
	}
	bench_keep(sum);
	return (double)(bench_now_ns() - t) / HOT_ITERS;
}

static double native_loads(const unsigned char *mem)
{
	uint64_t sum = 0, v, t = bench_now_ns();

	for (unsigned long i = 0; i < HOT_ITERS; i++) {
		memcpy(&v, mem + ((i * 8) & HOT_MASK), 8);
		bench_keep(mem);
		sum += v;
	}
	bench_keep(sum);
	return (double)(bench_now_ns() - t) / HOT_ITERS;
}

static double mmu_stores(void)
{
	struct mmu_cpu *c = cpu;
	uint64_t t = bench_now_ns();

	for (unsigned long i = 0; i < HOT_ITERS; i++)
		if (unlikely(mmu_store64(c, base + ((i * 8) & HOT_MASK), i)))
			exit(1);
	return (double)(bench_now_ns() - t) / HOT_ITERS;
}

static double native_stores(unsigned char *mem)
{
	uint64_t t = bench_now_ns();

	for (unsigned long i = 0; i < HOT_ITERS; i++) {
		memcpy(mem + ((i * 8) & HOT_MASK), &i, 8);
		bench_keep(mem);
	}
	return (double)(bench_now_ns() - t) / HOT_ITERS;
}

static double mmu_walks(void)
{
	uint64_t sum = 0, v, t;
	unsigned long misses;

	tlb_flush_all(&cpu->tlb);
	misses = cpu->tlb.misses;

	t = bench_now_ns();
	for (unsigned long r = 0; r < COLD_ROUNDS; r++)
		for (unsigned long i = 0; i < COLD_PAGES; i++) {
			if (unlikely(mmu_load64(cpu, base + i * PAGE_SIZE + (r & 511) * 8, &v)))
				exit(1);
			sum += v;
		}
	t = bench_now_ns() - t;
	bench_keep(sum);
	if (cpu->tlb.misses - misses != COLD_ROUNDS * COLD_PAGES) {
		fprintf(stderr, "bench_mmu: expected every cold access to miss\n");
		exit(1);
	}
	return (double)t / (COLD_ROUNDS * COLD_PAGES);
}

static double native_page_stride(const unsigned char *mem)
{
	uint64_t sum = 0, v, t = bench_now_ns();

	for (unsigned long r = 0; r < COLD_ROUNDS; r++)
		for (unsigned long i = 0; i < COLD_PAGES; i++) {
			memcpy(&v, mem + i * PAGE_SIZE + (r & 511) * 8, 8);
			bench_keep(mem);
			sum += v;
		}
	bench_keep(sum);
	return (double)(bench_now_ns() - t) / (COLD_ROUNDS * COLD_PAGES);
}

static double frame_alloc_free(void)
{
	struct page *batch[ALLOC_BATCH];
	uint64_t t = bench_now_ns();

	for (int r = 0; r < ALLOC_ROUNDS; r++) {
		for (int i = 0; i < ALLOC_BATCH; i++)
			if (!(batch[i] = alloc_pages(&m, 0)))
				exit(1);
		for (int i = ALLOC_BATCH - 1; i >= 0; i--)
			__free_pages(&m, batch[i], 0);
	}
	return (double)(bench_now_ns() - t) / (ALLOC_ROUNDS * ALLOC_BATCH);
}

static double malloc_free(void)
{
	void *batch[ALLOC_BATCH];
	uint64_t t = bench_now_ns();

	for (int r = 0; r < ALLOC_ROUNDS; r++) {
		for (int i = 0; i < ALLOC_BATCH; i++) {
			if (!(batch[i] = malloc(PAGE_SIZE)))
				exit(1);
			bench_keep(batch[i]);
		}
		for (int i = ALLOC_BATCH - 1; i >= 0; i--)
			free(batch[i]);
	}
	return (double)(bench_now_ns() - t) / (ALLOC_ROUNDS * ALLOC_BATCH);
}

typedef double (*bench_fn)(void);

static double median_of(double (*fn)(void))
{
	double v[REPS];

	for (int i = 0; i < REPS; i++)
		v[i] = fn();
	return bench_median(v, REPS);
}

static unsigned char *native_mem;
static double nl(void) { return native_loads(native_mem); }
static double ns(void) { return native_stores(native_mem); }
static double nps(void) { return native_page_stride(native_mem); }

int main(void)
{
	/* Keep glibc from returning the batch to the kernel on every round: the baseline is the
	 * allocator, not brk/munmap system calls. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	setup();
	native_mem = aligned_alloc(PAGE_SIZE, COLD_PAGES * PAGE_SIZE);
	if (!native_mem)
		return 1;
	memset(native_mem, 0, COLD_PAGES * PAGE_SIZE);
	mmu_loads(); /* fill the TLB and warm the caches once */
	mmu_stores();

	bench_header("mmu", "software MMU and frame allocator (median of 7)");
	bench_report("mmu", "tlb_hit_load", median_of(mmu_loads), "ns/op", "native",
		     median_of(nl), true);
	bench_report("mmu", "tlb_hit_store", median_of(mmu_stores), "ns/op", "native",
		     median_of(ns), true);
	bench_report("mmu", "tlb_miss_walk", median_of(mmu_walks), "ns/op", "native_page_stride",
		     median_of(nps), true);
	bench_report("mmu", "frame_alloc_free", median_of(frame_alloc_free), "ns/op",
		     "malloc_free_4k", median_of(malloc_free), true);
	free(native_mem);
	return 0;
}
