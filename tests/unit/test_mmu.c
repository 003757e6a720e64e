// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The software MMU and its TLB: translation, accessed/dirty bits, access-kind checks, faults
 * and the handler's retry, byte copies across pages, protection keys, stale-TLB tests that
 * prove every change of a present entry reaches every CPU context caching it, and tests that
 * no paging-structure cache entry outlives the table it points into.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>

#include "phys/mmzone.h"
#include "mmu/mmu_context.h"
#include "mmu/mmu.h"
#include "mmu/pgrange.h"

struct env {
	struct pglist_data pgdat;
	struct mmu_cpu *cpus[MMLAB_MAX_CPUS];
	mm_context_t ctx;
	struct mmu_cpu *cpu, *cpu1;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(pgdat_init_memory(&e->pgdat, 32UL << 20), 0);
	assert_int_equal(init_new_context(&e->ctx, &e->pgdat, e->cpus), 0);
	e->cpu = mmu_cpu_create(&e->pgdat, e->cpus, 0, true);
	e->cpu1 = mmu_cpu_create(&e->pgdat, e->cpus, 1, true);
	assert_false(IS_ERR(e->cpu) || IS_ERR(e->cpu1));
	mmu_switch_context(e->cpu, &e->ctx);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	mmu_cpu_destroy(e->cpu);
	mmu_cpu_destroy(e->cpu1);
	pt_unmap_range(&e->ctx, 0, TASK_SIZE_MAX, 0, 0);
	destroy_context(&e->ctx);
	assert_int_equal(e->pgdat.zone.nr_free_pages, e->pgdat.nr_frames - 1);
	assert_int_equal(page_alloc_validate(&e->pgdat), 0);
	pgdat_free_memory(&e->pgdat);
	free(e);
	return 0;
}

static struct page *map_one(struct env *e, unsigned long addr, pgprot_t prot, uint64_t fill)
{
	struct page *p = alloc_pages(&e->pgdat, 0);

	assert_non_null(p);
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		((uint64_t *)page_address(&e->pgdat, p))[i] = fill;
	assert_int_equal(pt_map_page(&e->ctx, addr, p, prot), 0);
	put_page(&e->pgdat, p);
	return p;
}

static void test_load_store_and_ad_bits(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x7f0000001000UL;
	uint64_t v = 0;
	pte_t *ptep;

	map_one(e, va, PAGE_SHARED & ~_PAGE_ACCESSED, 0x1111);
	ptep = pt_lookup_pte(&e->ctx, va);
	assert_false(pte_young(*ptep));
	assert_int_equal(mmu_load64(e->cpu, va + 8, &v), 0);
	assert_int_equal(v, 0x1111);
	assert_true(pte_young(*ptep));
	assert_false(pte_dirty(*ptep)); /* a read never dirties */
	/* The read filled the read tag only: the first write misses, walks and sets D. */
	unsigned long misses = e->cpu->tlb.misses;
	assert_int_equal(mmu_store64(e->cpu, va + 16, 0xabcdef), 0);
	assert_int_equal(e->cpu->tlb.misses, misses + 1);
	assert_true(pte_dirty(*ptep));
	assert_int_equal(mmu_store64(e->cpu, va + 24, 7), 0);
	assert_int_equal(e->cpu->tlb.misses, misses + 1); /* now a hit */
	assert_int_equal(mmu_load64(e->cpu, va + 16, &v), 0);
	assert_int_equal(v, 0xabcdef);
	uint8_t b;
	uint16_t h;
	uint32_t w;
	assert_int_equal(mmu_load8(e->cpu, va + 16, &b), 0);
	assert_int_equal(b, 0xef);
	assert_int_equal(mmu_load16(e->cpu, va + 16, &h), 0);
	assert_int_equal(h, 0xcdef);
	assert_int_equal(mmu_load32(e->cpu, va + 16, &w), 0);
	assert_int_equal(w, 0xabcdef);
	/* Misaligned inside a page: never a tag match, served by the slow path. */
	assert_int_equal(mmu_load64(e->cpu, va + 17, &v), 0);
	assert_int_equal(v, 0x070000000000abcdULL);
	assert_int_equal(mmu_store32(e->cpu, va + 1022, 0xdeadbeef), 0);
	assert_int_equal(mmu_load32(e->cpu, va + 1022, &w), 0);
	assert_int_equal(w, 0xdeadbeef);
#if MMLAB_TLB_HIT_STATS
	assert_true(e->cpu->tlb.hits >= 4);
#endif
}

static void test_access_kinds(void **state)
{
	struct env *e = *state;
	unsigned long ro = 0x10000, rx = 0x11000, none = 0x12000;
	void *host;
	uint64_t v;

	map_one(e, ro, PAGE_READONLY, 1);
	map_one(e, rx, PAGE_READONLY_EXEC, 2);
	map_one(e, none, PAGE_NONE, 3);
	assert_int_equal(mmu_load64(e->cpu, ro, &v), 0);
	assert_int_equal(mmu_store64(e->cpu, ro, 5), -EFAULT);
	assert_int_equal(e->cpu->last_fault.signo, SIGSEGV);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_ACCERR);
	assert_int_equal(e->cpu->last_fault.error_code, X86_PF_PROT | X86_PF_WRITE | X86_PF_USER);
	assert_int_equal(e->cpu->last_fault.access, MMU_WRITE);
	/* NX: execution refused, reading fine. */
	assert_int_equal(mmu_translate(e->cpu, ro, MMU_EXEC, &host), -EFAULT);
	assert_int_equal(e->cpu->last_fault.error_code, X86_PF_PROT | X86_PF_INSTR | X86_PF_USER);
	assert_int_equal(mmu_translate(e->cpu, rx, MMU_EXEC, &host), 0);
	assert_int_equal(*(uint64_t *)host, 2);
	/* PROT_NONE is not present to the hardware: a not-present fault. */
	assert_int_equal(mmu_load64(e->cpu, none, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.error_code, X86_PF_USER);
	/* Nothing mapped. */
	assert_int_equal(mmu_load64(e->cpu, 0x13000, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_MAPERR);
	assert_int_equal(e->cpu->last_fault.sig_addr, 0x13000);
}

static void test_bad_addresses(void **state)
{
	struct env *e = *state;
	uint64_t v;

	/* Non-canonical: #GP, reported as SI_KERNEL with a zero address. */
	assert_int_equal(mmu_load64(e->cpu, 0x0000800000000000UL, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SI_KERNEL);
	assert_int_equal(e->cpu->last_fault.sig_addr, 0);
	assert_int_equal(e->cpu->nr_faults, 0); /* the page-fault handler never saw it */
	/* Kernel half: a page fault on an address user tables never map. */
	assert_int_equal(mmu_load64(e->cpu, 0xffffffff81000000UL, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_MAPERR);
	assert_int_equal(e->cpu->last_fault.sig_addr, 0xffffffff81000000UL);
	assert_int_equal(mmu_load64(e->cpu, TASK_SIZE_MAX + 8, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_MAPERR);
}

static void test_stale_tlb_after_unmap(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x400000;
	uint64_t v;

	map_one(e, va, PAGE_SHARED, 42);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0); /* cached now */
	pt_unmap_range(&e->ctx, va, va + PAGE_SIZE, 0, 0);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_MAPERR);
	/* A new frame at the same address: the old one's bytes must not show. */
	map_one(e, va, PAGE_SHARED, 99);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(v, 99);
}

static void test_stale_tlb_after_protect(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x500000;
	uint64_t v;

	map_one(e, va, PAGE_SHARED, 0);
	assert_int_equal(mmu_store64(e->cpu, va, 1), 0); /* write tag cached */
	pt_change_protection(&e->ctx, va, va + PAGE_SIZE, PAGE_READONLY);
	assert_int_equal(mmu_store64(e->cpu, va, 2), -EFAULT);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(v, 1);
	pt_change_protection(&e->ctx, va, va + PAGE_SIZE, PAGE_NONE);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
}

static void test_stale_tlb_on_other_cpu(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x600000;
	uint64_t v;

	map_one(e, va, PAGE_SHARED, 5);
	mmu_switch_context(e->cpu1, &e->ctx);
	assert_int_equal(mmu_store64(e->cpu1, va, 6), 0);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(v, 6);
	unsigned long remote = sum_vm_event(&e->pgdat.vm_events, NR_TLB_REMOTE_FLUSH);
	pt_change_protection(&e->ctx, va, va + PAGE_SIZE, PAGE_READONLY);
	assert_int_equal(mmu_store64(e->cpu1, va, 7), -EFAULT);
	assert_int_equal(sum_vm_event(&e->pgdat.vm_events, NR_TLB_REMOTE_FLUSH), remote + 1);
	pt_unmap_range(&e->ctx, va, va + PAGE_SIZE, 0, 0);
	assert_int_equal(mmu_load64(e->cpu1, va, &v), -EFAULT);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	/* A CPU that left the context is not flushed any more, and does not need to be. */
	mmu_switch_context(e->cpu1, NULL);
	assert_int_equal(e->ctx.cpumask, 1UL);
}

static void test_large_range_flushes_all(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x800000;
	uint64_t v;

	for (unsigned long i = 0; i < 64; i++)
		map_one(e, va + i * PAGE_SIZE, PAGE_SHARED, i);
	for (unsigned long i = 0; i < 64; i++)
		assert_int_equal(mmu_load64(e->cpu, va + i * PAGE_SIZE, &v), 0);
	unsigned long all = e->cpu->tlb.flush_all;
	pt_unmap_range(&e->ctx, va, va + 64 * PAGE_SIZE, 0, 0);
	assert_int_equal(e->cpu->tlb.flush_all, all + 1);
	for (unsigned long i = 0; i < 64; i++)
		assert_int_equal(mmu_load64(e->cpu, va + i * PAGE_SIZE, &v), -EFAULT);
}

static void test_conflicting_slots(void **state)
{
	struct env *e = *state;
	/* Two pages TLB_ENTRIES pages apart share a slot: alternating must stay correct. */
	unsigned long a = 0x1000000, b = a + TLB_ENTRIES * PAGE_SIZE;
	uint64_t v;

	map_one(e, a, PAGE_SHARED, 0xa);
	map_one(e, b, PAGE_READONLY, 0xb);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(mmu_load64(e->cpu, a, &v), 0);
		assert_int_equal(v, 0xa);
		assert_int_equal(mmu_load64(e->cpu, b, &v), 0);
		assert_int_equal(v, 0xb);
		assert_int_equal(mmu_store64(e->cpu, b, 1), -EFAULT);
		assert_int_equal(mmu_store64(e->cpu, a, 0xa), 0);
	}
}

static void test_copy_across_pages_stops_at_fault(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x2000000;
	unsigned char buf[3 * PAGE_SIZE], back[3 * PAGE_SIZE];

	map_one(e, va, PAGE_SHARED, 0);
	map_one(e, va + PAGE_SIZE, PAGE_SHARED, 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7);
	/* 100 bytes before the end of the first page, through the second, into the hole. */
	size_t left = mmu_copy_to_user(e->cpu, va + PAGE_SIZE - 100, buf, 100 + PAGE_SIZE + 50);
	assert_int_equal(left, 50);
	assert_int_equal(e->cpu->last_fault.sig_addr, va + 2 * PAGE_SIZE);
	assert_int_equal(e->cpu->last_fault.access, MMU_WRITE);
	assert_int_equal(mmu_copy_from_user(e->cpu, back, va + PAGE_SIZE - 100, 100 + PAGE_SIZE),
			 0);
	assert_memory_equal(back, buf, 100 + PAGE_SIZE);
	assert_int_equal(mmu_copy_from_user(e->cpu, back, va, 3 * PAGE_SIZE), PAGE_SIZE);
}

static void test_crossing_access_checks_both_pages(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x3000000;
	uint64_t v = 0;

	map_one(e, va, PAGE_SHARED, 0);
	map_one(e, va + PAGE_SIZE, PAGE_READONLY, 0x0101010101010101ULL);
	/* An 8-byte store straddling into a read-only page moves no byte at all. */
	assert_int_equal(mmu_store64(e->cpu, va + PAGE_SIZE - 4, ~0ULL), -EFAULT);
	assert_int_equal(e->cpu->last_fault.sig_addr, va + PAGE_SIZE);
	assert_int_equal(mmu_load64(e->cpu, va + PAGE_SIZE - 8, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(mmu_load64(e->cpu, va + PAGE_SIZE - 4, &v), 0);
	assert_int_equal(v, 0x0101010100000000ULL);
}

static enum mmu_fault_result demand_map(struct mmu_cpu *cpu, struct mmu_fault *f, void *data)
{
	struct env *e = data;

	if (f->address >= 0x4000000 && f->address < 0x4100000 && !(f->error_code & X86_PF_PROT)) {
		map_one(e, f->address & PAGE_MASK, PAGE_SHARED, f->address & PAGE_MASK);
		return MMU_FAULT_RETRY;
	}
	return MMU_FAULT_SIGNAL;
}

static enum mmu_fault_result never_fixes(struct mmu_cpu *cpu, struct mmu_fault *f, void *data)
{
	return MMU_FAULT_RETRY;
}

static void test_fault_handler_retry(void **state)
{
	struct env *e = *state;
	uint64_t v;

	e->cpu->fault_handler = demand_map;
	e->cpu->fault_data = e;
	assert_int_equal(mmu_load64(e->cpu, 0x4002010, &v), 0);
	assert_int_equal(v, 0x4002000);
	assert_int_equal(e->cpu->nr_faults, 1);
	assert_int_equal(mmu_load64(e->cpu, 0x4100000, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_MAPERR);
	/* A handler that never resolves anything cannot hang the MMU. */
	e->cpu->fault_handler = never_fixes;
	assert_int_equal(mmu_load64(e->cpu, 0x5000000, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.signo, SIGBUS);
	e->cpu->fault_handler = NULL;
}

static void test_protection_keys(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x6000000;
	uint64_t v;
	void *host;

	map_one(e, va, PAGE_SHARED_EXEC | (1ULL << _PAGE_BIT_PKEY_BIT0), 77);
	/* Linux's initial PKRU disables every key but 0. */
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_PKUERR);
	assert_int_equal(e->cpu->last_fault.error_code, X86_PF_PROT | X86_PF_USER | X86_PF_PK);
	assert_int_equal(e->cpu->last_fault.pkey, 1);
	/* Instruction fetches ignore keys. */
	assert_int_equal(mmu_translate(e->cpu, va, MMU_EXEC, &host), 0);
	mmu_write_pkru(e->cpu, 0x8); /* key 1 write-disabled only */
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(v, 77);
	assert_int_equal(mmu_store64(e->cpu, va, 1), -EFAULT);
	assert_int_equal(e->cpu->last_fault.si_code, MMLAB_SEGV_PKUERR);
	mmu_write_pkru(e->cpu, 0);
	assert_int_equal(mmu_store64(e->cpu, va, 1), 0);
	/* Revoking access again must not be defeated by the cached tags. */
	mmu_write_pkru(e->cpu, 0x4);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	/* A CPU without CR4.PKE (no PKU) checks no key, whatever PKRU holds. */
	e->cpu->pke = false;
	tlb_flush_all(&e->cpu->tlb);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(mmu_store64(e->cpu, va, 2), 0);
	e->cpu->pke = true;
	tlb_flush_all(&e->cpu->tlb);
}

static void test_zero_page_never_written(void **state)
{
	struct env *e = *state;
	struct page *zero = e->pgdat.zero_page;
	unsigned long va = 0x7000000;
	uint64_t v;

	assert_int_equal(pt_map_page(&e->ctx, va, zero, PAGE_READONLY), 0);
	assert_int_equal(mmu_load64(e->cpu, va + 64, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(mmu_store64(e->cpu, va + 64, 1), -EFAULT);
	assert_int_equal(mmu_copy_to_user(e->cpu, va, "x", 1), 1);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)page_address(&e->pgdat, zero))[i], 0);
	pt_unmap_range(&e->ctx, va, va + PAGE_SIZE, 0, 0);
	assert_int_equal(page_ref_count(e->pgdat.zero_page), 1);
}

/*
 * The paging-structure caches. A walk near a recent one starts below the levels it cached:
 * two pages TLB_ENTRIES pages apart share a TLB slot and a 2 MiB PMD entry, so the second
 * miss reads only its PTE.
 */
static void test_psc_skips_cached_levels(void **state)
{
	struct env *e = *state;
	unsigned long a = 0x40000000, b = a + TLB_ENTRIES * PAGE_SIZE;
	uint64_t v;

	map_one(e, a, PAGE_SHARED, 0xa);
	map_one(e, b, PAGE_SHARED, 0xb);
	tlb_flush_all(&e->cpu->tlb);
	assert_int_equal(mmu_load64(e->cpu, a, &v), 0);
	assert_int_equal(e->cpu->tlb.psc_hits[PSC_PDE], 0);
	assert_int_equal(mmu_load64(e->cpu, b, &v), 0);
	assert_int_equal(v, 0xb);
	assert_int_equal(e->cpu->tlb.psc_hits[PSC_PDE], 1);
	/* INVLPG drops the entries that translate its address, at every level. */
	tlb_flush_one(&e->cpu->tlb, a);
	for (int l = 0; l < PSC_LEVELS; l++)
		assert_int_equal(psc_slot(&e->cpu->tlb, a, l)->tag, PSC_INVALID);
	assert_int_equal(mmu_load64(e->cpu, b, &v), 0);
	assert_int_equal(e->cpu->tlb.psc_hits[PSC_PDE], 1);
	assert_int_equal(e->cpu->tlb.psc_hits[PSC_PDPTE] + e->cpu->tlb.psc_hits[PSC_PML4E], 0);
}

/* The frame of the table at @level that translates @va (PT_PTE: the PTE table). */
static unsigned long table_pfn(struct env *e, unsigned long va, int level)
{
	pte_t *table = e->ctx.pgd;

	for (int l = PT_PGD; l > level; l--)
		table = (pte_t *)(e->pgdat.ram + (table[pt_index(va, l)] & PTE_PFN_MASK));
	return (unsigned long)(((unsigned char *)table - e->pgdat.ram) >> PAGE_SHIFT);
}

/*
 * Takes the frames @pfn[0..2] (a freed PTE, PMD and PUD table) back from the allocator and
 * turns them into traps: every entry of the PUD trap leads to the PMD trap, every entry of
 * that to the PTE trap, and every entry of that maps @bait. A walk through a stale cached
 * entry of any level ends on @bait.
 */
static void plant_traps(struct env *e, const unsigned long pfn[3], struct page *bait,
			struct page *traps[3])
{
	unsigned long nr = 0, found = 0;
	struct page **held = calloc(e->pgdat.nr_frames, sizeof(*held));

	assert_non_null(held);
	while (found < 3) {
		struct page *p = alloc_pages(&e->pgdat, 0);

		assert_non_null(p); /* the freed tables must come back */
		for (int i = 0; i < 3; i++)
			if (page_to_pfn(&e->pgdat, p) == pfn[i]) {
				traps[i] = p;
				found++;
				p = NULL;
			}
		if (p)
			held[nr++] = p;
	}
	while (nr)
		__free_pages(&e->pgdat, held[--nr], 0);
	free(held);
	for (int i = 0; i < PTRS_PER_TABLE; i++) {
		((pte_t *)page_address(&e->pgdat, traps[0]))[i] =
			pfn_pte(page_to_pfn(&e->pgdat, bait), PAGE_SHARED);
		((pte_t *)page_address(&e->pgdat, traps[1]))[i] = pfn_pte(pfn[0], _PAGE_TABLE);
		((pte_t *)page_address(&e->pgdat, traps[2]))[i] = pfn_pte(pfn[1], _PAGE_TABLE);
	}
}

/*
 * munmap frees page tables: no CPU context may walk through them afterwards. The walk that
 * caches the upper levels finds no leaf, so unmapping clears no present entry and flushes no
 * page; only the flush that comes with freeing the tables can drop those cached entries. The
 * freed tables are then refilled with entries leading to the old page, on both CPUs' behalf.
 */
static void test_psc_stale_after_table_free(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x7e0000200000UL, pfn[3];
	struct page *old, *traps[3];
	uint64_t v;

	mmu_switch_context(e->cpu1, &e->ctx);
	old = map_one(e, va, PAGE_SHARED, 0x1111);
	get_page(old); /* the bait stays a valid frame */
	for (int i = 0; i < 3; i++)
		pfn[i] = table_pfn(e, va, PT_PTE + i);
	/* Zap the page but keep its tables (they reach past floor and ceiling). */
	pt_unmap_range(&e->ctx, va, va + PAGE_SIZE, va, va + PAGE_SIZE);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	assert_int_equal(mmu_load64(e->cpu1, va, &v), -EFAULT);
	assert_int_equal(psc_slot(&e->cpu->tlb, va, PSC_PDE)->tag, psc_tag(va, PSC_PDE));
	assert_int_equal(psc_slot(&e->cpu1->tlb, va, PSC_PDE)->tag, psc_tag(va, PSC_PDE));
	unsigned long flush_one = e->cpu->tlb.flush_one;
	pt_unmap_range(&e->ctx, va, va + PAGE_SIZE, 0, 0); /* frees the PTE, PMD and PUD tables */
	assert_int_equal(e->cpu->tlb.flush_one, flush_one);
	assert_int_equal(e->ctx.pgtables_bytes, 0);
	plant_traps(e, pfn, old, traps);
	map_one(e, va, PAGE_SHARED, 0x2222);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(v, 0x2222);
	assert_int_equal(mmu_load64(e->cpu1, va, &v), 0);
	assert_int_equal(v, 0x2222);
	pt_unmap_range(&e->ctx, va, va + PAGE_SIZE, 0, 0);
	for (int i = 0; i < 3; i++)
		__free_pages(&e->pgdat, traps[i], 0);
	put_page(&e->pgdat, old);
}

/*
 * mprotect changes leaves only: the cached upper levels grant everything, and the leaf,
 * read on every walk, decides.
 */
static void test_psc_protect_reads_leaf(void **state)
{
	struct env *e = *state;
	unsigned long va = 0x7e0000400000UL, other = va + TLB_ENTRIES * PAGE_SIZE;
	uint64_t v;

	map_one(e, va, PAGE_SHARED, 1);
	map_one(e, other, PAGE_SHARED, 2);
	assert_int_equal(mmu_store64(e->cpu, va, 3), 0);
	pt_change_protection(&e->ctx, va, va + PAGE_SIZE, PAGE_READONLY);
	assert_int_equal(mmu_load64(e->cpu, other, &v), 0); /* refills the PDE cache entry */
	unsigned long hits = e->cpu->tlb.psc_hits[PSC_PDE];
	assert_int_equal(mmu_store64(e->cpu, va, 4), -EFAULT);
	assert_true(e->cpu->last_fault.error_code & X86_PF_PROT);
	assert_int_equal(e->cpu->tlb.psc_hits[PSC_PDE], hits + 1);
	pt_change_protection(&e->ctx, va, va + PAGE_SIZE, PAGE_NONE);
	assert_int_equal(mmu_load64(e->cpu, other, &v), 0);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	pt_change_protection(&e->ctx, va, va + PAGE_SIZE, PAGE_SHARED);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	assert_int_equal(v, 3);
}

/* Another address space on the same CPU (a CR3 write) starts with empty caches. */
static void test_psc_switch_context(void **state)
{
	struct env *e = *state;
	mm_context_t other = {};
	unsigned long va = 0x7e0000600000UL;
	uint64_t v;

	assert_int_equal(init_new_context(&other, &e->pgdat, e->cpus), 0);
	map_one(e, va, PAGE_SHARED, 0x11);
	assert_int_equal(mmu_load64(e->cpu, va, &v), 0);
	mmu_switch_context(e->cpu, &other);
	assert_int_equal(psc_slot(&e->cpu->tlb, va, PSC_PDE)->tag, PSC_INVALID);
	assert_int_equal(mmu_load64(e->cpu, va, &v), -EFAULT);
	mmu_switch_context(e->cpu, &e->ctx);
	destroy_context(&other);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_load_store_and_ad_bits),
		T(test_access_kinds),
		T(test_bad_addresses),
		T(test_stale_tlb_after_unmap),
		T(test_stale_tlb_after_protect),
		T(test_stale_tlb_on_other_cpu),
		T(test_large_range_flushes_all),
		T(test_conflicting_slots),
		T(test_copy_across_pages_stops_at_fault),
		T(test_crossing_access_checks_both_pages),
		T(test_fault_handler_retry),
		T(test_protection_keys),
		T(test_zero_page_never_written),
		T(test_psc_skips_cached_levels),
		T(test_psc_stale_after_table_free),
		T(test_psc_protect_reads_leaf),
		T(test_psc_switch_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
