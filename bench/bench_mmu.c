// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Foundation benchmarks ("bench": "mmu"), each beside its baseline in the same run:
 *  (a) TLB-hit 8-byte loads and stores through the MMU vs the same loop on native memory;
 *  (b) a TLB-miss translation (a walk and a TLB fill) vs a native TLB miss: both sides chase
 *      pointers through the same random cycle of pages, one 8-byte load per page, each load's
 *      address the value the previous one read, so nothing overlaps or prefetches. Over
 *      CHASE_PAGES, 16x the reach of the 4 096-entry second-level TLB of recent x86 cores
 *      (host memory mapped with MADV_NOHUGEPAGE), nearly every native load misses the host's
 *      TLB and walks, as every mmlab load misses mmlab's 256-entry TLB and walks; mmlab's
 *      loads also pay the host's TLB miss on the frame they read. Over SMALL_CHASE_PAGES,
 *      within the host TLB's reach, mmlab still misses every time and the native side hits:
 *      that row shows the cost of mmlab's walk alone. Each is measured with mmlab's
 *      paging-structure caches and without them (a CPU that walks all four levels);
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
#include <sys/mman.h>

#define REPS 7
#define HOT_PAGES 16			/* fits the TLB: every access hits */
#define HOT_ITERS (64UL << 20)		/* accesses per repetition */
#define CHASE_PAGES 65536UL		/* 256 MiB: 16x a 4 096-entry host TLB's reach */
#define SMALL_CHASE_PAGES 2048UL	/* 8 MiB: 8x mmlab's TLB, half the host TLB's reach */
#define CHASE_LOADS (1UL << 17)		/* loads per repetition */
#define ALLOC_BATCH 64
#define ALLOC_ROUNDS 20000

static struct pglist_data m;
static struct mmu_cpu *cpus[MMLAB_MAX_CPUS];
static mm_context_t ctx;
static struct mmu_cpu *cpu;
static const unsigned long base = 0x7f0000000000UL;

static void setup(void)
{
	if (pgdat_init_memory(&m, 320UL << 20) || init_new_context(&ctx, &m, cpus)) {
		fprintf(stderr, "bench_mmu: cannot build the machine\n");
		exit(1);
	}
	cpu = mmu_cpu_create(&m, cpus, 0, true);
	if (IS_ERR(cpu))
		exit(1);
	for (unsigned long i = 0; i < CHASE_PAGES; i++) {
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

/*
 * A chase: page next[i] follows page i in one random cycle through n pages (Sattolo's
 * shuffle, fixed seed), and page i holds the address of the next at a line offset of its own
 * (plus @word * 8, so that two chases can share pages), so that the loads spread over the
 * cache sets. The same cycle runs natively (in host memory of its own) and through the MMU.
 */
struct chase {
	unsigned long n;		/* Pages in the cycle */
	unsigned int word;		/* Which 8-byte word of the line holds the pointer */
	unsigned long *next;		/* next[i]: the page after page i */
	unsigned char *native;		/* The native side's n pages */
};

static struct chase big = { .n = CHASE_PAGES, .word = 0 };
static struct chase small = { .n = SMALL_CHASE_PAGES, .word = 1 };

static unsigned long chase_offset(const struct chase *c, unsigned long page)
{
	return ((page * 37) & 63) * 64 + c->word * 8;
}

/* Builds the cycle and the native side's memory: 4 KiB host pages, faulted in. */
static void chase_build(struct chase *c)
{
	size_t len = c->n * PAGE_SIZE;
	uint64_t seed = 1;

	c->next = malloc(c->n * sizeof(*c->next));
	c->native = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!c->next || c->native == MAP_FAILED)
		exit(1);
	madvise(c->native, len, MADV_NOHUGEPAGE);
	memset(c->native, 0, len);
	for (unsigned long i = 0; i < c->n; i++)
		c->next[i] = i;
	for (unsigned long i = c->n - 1; i > 0; i--) {
		unsigned long j, t;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (unsigned long)(seed >> 33) % i;
		t = c->next[i];
		c->next[i] = c->next[j];
		c->next[j] = t;
	}
	for (unsigned long i = 0; i < c->n; i++) {
		unsigned long nx = c->next[i];
		uint64_t to = (uint64_t)(uintptr_t)c->native + nx * PAGE_SIZE + chase_offset(c, nx);

		memcpy(c->native + i * PAGE_SIZE + chase_offset(c, i), &to, 8);
	}
}

/* The same cycle stored through the MMU into mmlab's pages at base. */
static void chase_store_mmu(const struct chase *c)
{
	for (unsigned long i = 0; i < c->n; i++) {
		unsigned long nx = c->next[i];

		if (mmu_store64(cpu, base + i * PAGE_SIZE + chase_offset(c, i),
				base + nx * PAGE_SIZE + chase_offset(c, nx)))
			exit(1);
	}
}

static void chase_free(struct chase *c)
{
	munmap(c->native, c->n * PAGE_SIZE);
	free(c->next);
}

static double mmu_chase(const struct chase *c, bool psc)
{
	unsigned long loads = CHASE_LOADS, misses;
	uint64_t va = base + chase_offset(c, 0), t;

	cpu->tlb.psc_disabled = !psc;
	tlb_flush_all(&cpu->tlb);
	misses = cpu->tlb.misses;
	t = bench_now_ns();
	for (unsigned long i = 0; i < loads; i++)
		if (unlikely(mmu_load64(cpu, va, &va)))
			exit(1);
	t = bench_now_ns() - t;
	bench_keep(va);
	cpu->tlb.psc_disabled = false;
	/* A page comes back only after n - 1 others: its slot has long been refilled. */
	if (cpu->tlb.misses - misses < loads * 99 / 100) {
		fprintf(stderr, "bench_mmu: expected every chase load to miss the TLB\n");
		exit(1);
	}
	return (double)t / (double)loads;
}

static double native_chase(const struct chase *c)
{
	const unsigned char *p = c->native + chase_offset(c, 0);
	uint64_t t = bench_now_ns();

	for (unsigned long i = 0; i < CHASE_LOADS; i++)
		memcpy(&p, p, 8);
	t = bench_now_ns() - t;
	bench_keep(p);
	return (double)t / CHASE_LOADS;
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
static double nbig(void) { return native_chase(&big); }
static double mbig(void) { return mmu_chase(&big, true); }
static double mbig_nopsc(void) { return mmu_chase(&big, false); }
static double nsmall(void) { return native_chase(&small); }
static double msmall(void) { return mmu_chase(&small, true); }
static double msmall_nopsc(void) { return mmu_chase(&small, false); }

/*
 * Medians of @a and @b measured alternately, so that both see the same load on the machine.
 */
static void median_pair(double (*a)(void), double (*b)(void), double *ma, double *mb)
{
	double va[REPS], vb[REPS];

	for (int i = 0; i < REPS; i++) {
		va[i] = a();
		vb[i] = b();
	}
	*ma = bench_median(va, REPS);
	*mb = bench_median(vb, REPS);
}

int main(void)
{
	double walk, native;

	/* Keep glibc from returning the batch to the kernel on every round: the baseline is the
	 * allocator, not brk/munmap system calls. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	setup();
	native_mem = aligned_alloc(PAGE_SIZE, HOT_PAGES * PAGE_SIZE);
	if (!native_mem)
		return 1;
	memset(native_mem, 0, HOT_PAGES * PAGE_SIZE);
	chase_build(&big);
	chase_build(&small);
	mmu_loads(); /* fill the TLB and warm the caches once */
	mmu_stores();

	bench_header("mmu", "software MMU and frame allocator (median of 7)");
	bench_report("mmu", "tlb_hit_load", median_of(mmu_loads), "ns/op", "native",
		     median_of(nl), true);
	bench_report("mmu", "tlb_hit_store", median_of(mmu_stores), "ns/op", "native",
		     median_of(ns), true);
	/* After the hit loops, which write over the first pages. */
	chase_store_mmu(&big);
	chase_store_mmu(&small);
	median_pair(mbig, nbig, &walk, &native);
	bench_report("mmu", "tlb_miss_walk", walk, "ns/op", "native_tlb_miss", native, true);
	median_pair(mbig_nopsc, nbig, &walk, &native);
	bench_report("mmu", "tlb_miss_walk_no_psc", walk, "ns/op", "native_tlb_miss", native,
		     true);
	median_pair(msmall, nsmall, &walk, &native);
	bench_report("mmu", "tlb_miss_walk_8MiB", walk, "ns/op", "native_in_host_tlb", native,
		     true);
	median_pair(msmall_nopsc, nsmall, &walk, &native);
	bench_report("mmu", "tlb_miss_walk_8MiB_no_psc", walk, "ns/op", "native_in_host_tlb",
		     native, true);
	bench_report("mmu", "frame_alloc_free", median_of(frame_alloc_free), "ns/op",
		     "malloc_free_4k", median_of(malloc_free), true);
	free(native_mem);
	chase_free(&big);
	chase_free(&small);
	return 0;
}
