// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page-table pages: allocating the levels on the way down to a leaf, walking the leaves of a
 * range, and freeing tables a range no longer needs (mm/memory.c's __pte_alloc and
 * free_pgd_range, mm/pagewalk.c, arch/x86/mm/pgtable.c's pgd_alloc). Tables are frames from the
 * buddy allocator marked PG_pgtable and counted in the context's pgtables_bytes, as VmPTE shows
 * them. Everything here works on an mm_context_t, the MMU's part of an address space.
 * Left out: split page-table locks (the context's owner serializes the writers), huge entries.
 */
#include "mmu/pgtable.h"
#include "mmu/mmu_context.h"
#include "mmu/tlb.h"
#include "phys/mmzone.h"

#include <string.h>

static inline pte_t *table_of(struct pglist_data *pgdat, pte_t entry)
{
	return (pte_t *)(pgdat->ram + (entry & PTE_PFN_MASK));
}

static struct page *pgtable_page_alloc(struct pglist_data *pgdat)
{
	struct page *page = alloc_zeroed_page(pgdat);

	if (page) {
		SetPageTable(page);
		__atomic_add_fetch(&pgdat->nr_pgtable_pages, 1, __ATOMIC_RELAXED);
	}
	return page;
}

static void pgtable_page_free(struct pglist_data *pgdat, struct page *page)
{
	ClearPageTable(page);
	__atomic_sub_fetch(&pgdat->nr_pgtable_pages, 1, __ATOMIC_RELAXED);
	put_page(pgdat, page);
}

/**
 * init_new_context - set up @ctx on @pgdat's frames and @cpus's CPU contexts, with an empty
 * top-level table and no CPU holding it. The protection-key fields are the owner's and are
 * left as they are.
 * Return: 0, or -ENOMEM when no frame is free.
 */
int init_new_context(mm_context_t *ctx, struct pglist_data *pgdat, struct mmu_cpu **cpus)
{
	struct page *page = pgtable_page_alloc(pgdat);

	if (!page)
		return -ENOMEM;
	ctx->pgdat = pgdat;
	ctx->cpus = cpus;
	ctx->pgd_pfn = page_to_pfn(pgdat, page);
	ctx->pgd = page_address(pgdat, page);
	ctx->pgtables_bytes = 0;
	ctx->pte_table_tag = PTE_TABLE_TAG_NONE;
	ctx->cpumask = 0;
	return 0;
}

/* Frees the top-level table; every lower table must already be gone, and no CPU hold @ctx. */
void destroy_context(mm_context_t *ctx)
{
	if (!ctx->pgd)
		return;
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		VM_BUG_ON(ptep_get(&ctx->pgd[i]) != 0);
	/* so no paging-structure cache can hold an entry of it */
	VM_BUG_ON(__atomic_load_n(&ctx->cpumask, __ATOMIC_RELAXED));
	pgtable_page_free(ctx->pgdat, pfn_to_page(ctx->pgdat, ctx->pgd_pfn));
	ctx->pgd = NULL;
}

/**
 * pt_alloc_pte_track - the leaf entry for @addr, allocating missing PUD, PMD and PTE tables
 * (mm/memory.c's __pte_alloc and friends). A call in the 2 MiB of the previous one finds
 * its PTE table without a walk (ctx->pte_table: faults come in runs of neighbours).
 * @pmd_none: set to whether the PTE table had to be made (the PMD entry was none), which a
 *	lookup first would otherwise have to find out with a walk of its own
 * Context: the caller serializes writers of @ctx's page tables (the cached table's too).
 * Return: the entry, ERR_PTR(-EFAULT) for an address outside the user half, or
 * ERR_PTR(-ENOMEM) when a table cannot be allocated (tables already added stay, empty,
 * as in the kernel; pt_free_range reclaims them).
 */
pte_t *pt_alloc_pte_track(mm_context_t *ctx, unsigned long addr, bool *pmd_none)
{
	struct pglist_data *pgdat = ctx->pgdat;
	pte_t *pte = pt_pte_cached(ctx, addr);
	pte_t *table = ctx->pgd;

	*pmd_none = false;
	if (pte)
		return pte;
	if (!addr_is_user(addr))
		return ERR_PTR(-EFAULT);
	for (int level = PT_PGD; level > PT_PTE; level--) {
		pte_t *ep = &table[pt_index(addr, level)];
		pte_t e = ptep_get(ep);

		if (!(e & _PAGE_PRESENT)) {
			struct page *page = pgtable_page_alloc(pgdat);

			if (!page)
				return ERR_PTR(-ENOMEM);
			ctx->pgtables_bytes += PAGE_SIZE;
			e = pfn_pte(page_to_pfn(pgdat, page), _PAGE_TABLE);
			native_set_pte(ep, e); /* publishes the zeroed table to the MMU's walks */
			*pmd_none = level == PT_PMD;
		}
		table = table_of(pgdat, e);
	}
	ctx->pte_table_tag = addr >> PMD_SHIFT;
	ctx->pte_table = table;
	return &table[pt_index(addr, PT_PTE)];
}

/* pt_alloc_pte_track for a caller that does not ask whether the PTE table was new. */
pte_t *pt_alloc_pte(mm_context_t *ctx, unsigned long addr)
{
	bool pmd_none;

	return pt_alloc_pte_track(ctx, addr, &pmd_none);
}

/* The leaf entry for @addr, or NULL when a table on the way is missing. */
pte_t *pt_lookup_pte(mm_context_t *ctx, unsigned long addr)
{
	pte_t *table = ctx->pgd;

	if (!addr_is_user(addr))
		return NULL;
	for (int level = PT_PGD; level > PT_PTE; level--) {
		pte_t e = ptep_get(&table[pt_index(addr, level)]);

		if (!(e & _PAGE_PRESENT))
			return NULL;
		table = table_of(ctx->pgdat, e);
	}
	return &table[pt_index(addr, PT_PTE)];
}

/*
 * The entries met on the way to @addr's leaf, PGD first, into @entries: 4 when the walk
 * reached the PTE (present or not), fewer when it stopped at a non-present table entry, the
 * last one read being that entry; 0 for an address outside the user half. For views (walk()):
 * the fault path and the MMU read the tables through pt_lookup_pte and the TLB.
 */
int pt_walk_entries(mm_context_t *ctx, unsigned long addr, pte_t entries[PT_LEVELS])
{
	pte_t *table = ctx->pgd;
	int n = 0;

	if (!addr_is_user(addr))
		return 0;
	for (int level = PT_PGD; level >= PT_PTE; level--) {
		pte_t e = ptep_get(&table[pt_index(addr, level)]);

		entries[n++] = e;
		if (level == PT_PTE || !(e & _PAGE_PRESENT))
			break;
		table = table_of(ctx->pgdat, e);
	}
	return n;
}

/* Clears a leaf and removes it from every TLB that may hold it; returns the old entry. */
pte_t pt_clear_flush(mm_context_t *ctx, unsigned long addr, pte_t *ptep)
{
	pte_t old = native_ptep_get_and_clear(ptep);

	if (pte_present(old))
		flush_tlb_ctx_range(ctx, addr, addr + PAGE_SIZE);
	return old;
}

struct range_walk {
	mm_context_t *ctx;
	pt_fn_t fn;
	void *data;
};

static int walk_level(struct range_walk *w, pte_t *table, int level, unsigned long addr,
		      unsigned long end)
{
	unsigned long size = 1UL << pt_shift(level), next;
	int ret;

	for (; addr < end; addr = next) {
		pte_t *ep = &table[pt_index(addr, level)];
		pte_t e = ptep_get(ep);

		next = min(ALIGN_DOWN(addr, size) + size, end);
		if (next < addr) /* wrapped past the top */
			next = end;
		if (level == PT_PTE) {
			if (!pte_none(e) && (ret = w->fn(w->ctx, addr, ep, w->data)))
				return ret;
			continue;
		}
		if (!(e & _PAGE_PRESENT))
			continue;
		ret = walk_level(w, table_of(w->ctx->pgdat, e), level - 1, addr, next);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * pt_walk_range - call @fn for every non-none leaf entry in [@addr, @end), in address order.
 * Tables that are missing are skipped without being allocated.
 * Return: 0, or the first non-zero value @fn returned.
 */
int pt_walk_range(mm_context_t *ctx, unsigned long addr, unsigned long end, pt_fn_t fn,
		  void *data)
{
	struct range_walk w = { .ctx = ctx, .fn = fn, .data = data };

	end = min(end, TASK_SIZE_MAX);
	if (addr >= end)
		return 0;
	return walk_level(&w, ctx->pgd, PT_PGD, addr, end);
}

static bool table_empty(pte_t *table)
{
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		if (ptep_get(&table[i]))
			return false;
	return true;
}

/*
 * Frees the tables below @table that cover only [@floor, @ceiling) and meet [@addr, @end).
 * A table that reaches outside [floor, ceiling) may still serve a neighbouring mapping, so it
 * stays even if empty: this is why VmPTE keeps counting a table after MADV_DONTNEED.
 */
static void free_level(mm_context_t *ctx, pte_t *table, int level, unsigned long addr,
		       unsigned long end, unsigned long floor, unsigned long ceiling)
{
	unsigned long span = 1UL << pt_shift(level), next, pfn;

	for (; addr < end; addr = next) {
		pte_t *ep = &table[pt_index(addr, level)];
		unsigned long start = ALIGN_DOWN(addr, span);
		pte_t e = ptep_get(ep);
		pte_t *child;

		next = min(start + span, end);
		if (!(e & _PAGE_PRESENT))
			continue;
		child = table_of(ctx->pgdat, e);
		if (level > PT_PMD)
			free_level(ctx, child, level - 1, addr, next, floor, ceiling);
		if (start < floor || start + span > ceiling || !table_empty(child))
			continue;
		pfn = pte_pfn(e);
		native_set_pte(ep, 0);
		ctx->pte_table_tag = PTE_TABLE_TAG_NONE;
		/* No CPU context may walk through the table once its frame can be reused. */
		flush_tlb_ctx_pgtables(ctx);
		ctx->pgtables_bytes -= PAGE_SIZE;
		pgtable_page_free(ctx->pgdat, pfn_to_page(ctx->pgdat, pfn));
	}
}

/**
 * pt_free_range - free page-table pages no longer needed after [@addr, @end) was unmapped.
 * @floor, @ceiling: the nearest mappings' boundaries; tables reaching below @floor or at or
 *	above @ceiling are kept (@ceiling 0 means the top of the user half).
 *
 * Tables are freed only once empty, each after its entry is cleared and the paging-structure
 * caches of every CPU context running @ctx are emptied (the leaf translations were flushed
 * when the range was unmapped).
 * Context: the caller serializes writers of @ctx's page tables.
 */
void pt_free_range(mm_context_t *ctx, unsigned long addr, unsigned long end, unsigned long floor,
		   unsigned long ceiling)
{
	if (!ceiling || ceiling > TASK_SIZE_MAX)
		ceiling = ALIGN(TASK_SIZE_MAX, PGDIR_SIZE);
	end = min(end, TASK_SIZE_MAX);
	if (addr >= end || !ctx->pgd)
		return;
	free_level(ctx, ctx->pgd, PT_PGD, addr, end, floor, ceiling);
}

struct pt_count {
	struct pglist_data *pgdat;
	unsigned long tables;
	int err;
};

static void validate_level(struct pt_count *c, pte_t *table, int level, unsigned long base)
{
	for (unsigned int i = 0; i < PTRS_PER_TABLE && !c->err; i++) {
		unsigned long addr = base + ((unsigned long)i << pt_shift(level));
		pte_t e = ptep_get(&table[i]);
		unsigned long pfn = pte_pfn(e);

		if (!e)
			continue;
		if (level == PT_PGD && i >= PTRS_PER_TABLE / 2) {
			fprintf(stderr, "pgtable: entry for kernel-half address %#lx\n", addr);
			c->err = -EUCLEAN;
		} else if (level > PT_PTE && (e & _PAGE_PRESENT)) {
			if (!pfn_valid(c->pgdat, pfn) || !PageTable(pfn_to_page(c->pgdat, pfn))) {
				fprintf(stderr, "pgtable: level %d entry %#lx -> pfn %lu not a table\n",
					level, addr, pfn);
				c->err = -EUCLEAN;
				return;
			}
			c->tables++;
			validate_level(c, table_of(c->pgdat, e), level - 1, addr);
		} else if (level > PT_PTE) {
			fprintf(stderr, "pgtable: non-present non-leaf entry at %#lx\n", addr);
			c->err = -EUCLEAN;
		} else if (pte_present(e)) {
			struct page *page = pfn_valid(c->pgdat, pfn) ? pfn_to_page(c->pgdat, pfn) :
									 NULL;

			if (!(e & _PAGE_SPECIAL) &&
			    (!page || PageBuddy(page) || PageTable(page) || page_ref_count(page) <= 0 ||
			     (!PageReserved(page) && page_mapcount(page) <= 0))) {
				fprintf(stderr, "pgtable: pte at %#lx maps bad pfn %lu\n", addr, pfn);
				c->err = -EUCLEAN;
			}
			if (page == c->pgdat->zero_page && (e & _PAGE_RW)) {
				fprintf(stderr, "pgtable: zero page mapped writable at %#lx\n", addr);
				c->err = -EUCLEAN;
			}
		}
	}
}

/**
 * pt_validate - check @ctx's tables: every table entry points at a PG_pgtable frame,
 * nothing maps the kernel half, present leaves point at held frames, the zero page is never
 * writable, and pgtables_bytes equals the tables found.
 * Return: 0, or -EUCLEAN after printing the first problem.
 */
int pt_validate(mm_context_t *ctx)
{
	struct pt_count c = { .pgdat = ctx->pgdat };

	if (!ctx->pgd)
		return 0;
	validate_level(&c, ctx->pgd, PT_PGD, 0);
	if (!c.err && c.tables * PAGE_SIZE != (unsigned long)ctx->pgtables_bytes) {
		fprintf(stderr, "pgtable: %lu tables found, pgtables_bytes says %ld\n", c.tables,
			ctx->pgtables_bytes);
		c.err = -EUCLEAN;
	}
	return c.err;
}
