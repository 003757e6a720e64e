// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page-table pages: allocating the levels on the way down to a leaf, walking the leaves of a
 * range, and freeing tables a range no longer needs (mm/memory.c's __pte_alloc and
 * free_pgd_range, mm/pagewalk.c, arch/x86/mm/pgtable.c's pgd_alloc). Tables are frames from the
 * buddy allocator marked PG_pgtable and counted in mm->pgtables_bytes, as VmPTE shows them.
 * Left out: split page-table locks (mmlab's writers hold the mm's lock), huge entries.
 */
#include "mmu/pgtable.h"
#include "mmu/tlb.h"
#include "mm/mm_types.h"
#include "mm/mmzone.h"

#include <string.h>

static inline pte_t *table_of(struct machine *m, pte_t entry)
{
	return (pte_t *)(m->ram + (entry & PTE_PFN_MASK));
}

static struct page *pgtable_page_alloc(struct machine *m)
{
	struct page *page = alloc_zeroed_page(m);

	if (page) {
		SetPageTable(page);
		__atomic_add_fetch(&m->nr_pgtable_pages, 1, __ATOMIC_RELAXED);
	}
	return page;
}

static void pgtable_page_free(struct machine *m, struct page *page)
{
	ClearPageTable(page);
	__atomic_sub_fetch(&m->nr_pgtable_pages, 1, __ATOMIC_RELAXED);
	put_page(m, page);
}

/**
 * pgd_alloc - give @mm an empty top-level table.
 * Return: 0, or -ENOMEM when no frame is free.
 */
int pgd_alloc(struct mm_struct *mm)
{
	struct page *page = pgtable_page_alloc(mm->machine);

	if (!page)
		return -ENOMEM;
	mm->pgd_pfn = page_to_pfn(mm->machine, page);
	mm->pgd = page_address(mm->machine, page);
	return 0;
}

/* Frees the top-level table; every lower table must already be gone. */
void pgd_free(struct mm_struct *mm)
{
	if (!mm->pgd)
		return;
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		VM_BUG_ON(mm->pgd[i] != 0);
	flush_tlb_pgtables(mm);
	pgtable_page_free(mm->machine, pfn_to_page(mm->machine, mm->pgd_pfn));
	mm->pgd = NULL;
}

/**
 * pte_alloc_map - the leaf entry for @addr, allocating missing PUD, PMD and PTE tables.
 * Context: the caller serializes writers of @mm's page tables.
 * Return: the entry, ERR_PTR(-EFAULT) for an address outside the user half, or
 * ERR_PTR(-ENOMEM) when a table cannot be allocated (tables already added stay, empty,
 * as in the kernel; free_pgd_range reclaims them).
 */
pte_t *pte_alloc_map(struct mm_struct *mm, unsigned long addr)
{
	struct machine *m = mm->machine;
	pte_t *table = mm->pgd;

	if (!addr_is_user(addr))
		return ERR_PTR(-EFAULT);
	for (int level = PT_PGD; level > PT_PTE; level--) {
		pte_t *ep = &table[pt_index(addr, level)];

		if (!(*ep & _PAGE_PRESENT)) {
			struct page *page = pgtable_page_alloc(m);

			if (!page)
				return ERR_PTR(-ENOMEM);
			mm->pgtables_bytes += PAGE_SIZE;
			*ep = pfn_pte(page_to_pfn(m, page), _PAGE_TABLE);
		}
		table = table_of(m, *ep);
	}
	return &table[pt_index(addr, PT_PTE)];
}

/* The leaf entry for @addr, or NULL when a table on the way is missing. */
pte_t *pte_offset_map(struct mm_struct *mm, unsigned long addr)
{
	pte_t *table = mm->pgd;

	if (!addr_is_user(addr))
		return NULL;
	for (int level = PT_PGD; level > PT_PTE; level--) {
		pte_t e = table[pt_index(addr, level)];

		if (!(e & _PAGE_PRESENT))
			return NULL;
		table = table_of(mm->machine, e);
	}
	return &table[pt_index(addr, PT_PTE)];
}

/*
 * Installs a leaf entry. Like the kernel's set_pte_at it does not flush: the caller either
 * filled a none entry (nothing can be cached for it) or flushes as the change requires.
 */
void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	__atomic_store_n(ptep, pte, __ATOMIC_RELEASE);
}

pte_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	return __atomic_exchange_n(ptep, 0, __ATOMIC_ACQ_REL);
}

/* Clears a leaf and removes it from every TLB that may hold it; returns the old entry. */
pte_t ptep_clear_flush(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	pte_t old = ptep_get_and_clear(mm, addr, ptep);

	if (pte_present(old))
		flush_tlb_page(mm, addr);
	return old;
}

struct range_walk {
	struct mm_struct *mm;
	pte_fn_t fn;
	void *data;
};

static int walk_level(struct range_walk *w, pte_t *table, int level, unsigned long addr,
		      unsigned long end)
{
	unsigned long size = 1UL << pt_shift(level), next;
	int ret;

	for (; addr < end; addr = next) {
		pte_t *ep = &table[pt_index(addr, level)];

		next = min(ALIGN_DOWN(addr, size) + size, end);
		if (next < addr) /* wrapped past the top */
			next = end;
		if (level == PT_PTE) {
			if (!pte_none(*ep) && (ret = w->fn(w->mm, addr, ep, w->data)))
				return ret;
			continue;
		}
		if (!(*ep & _PAGE_PRESENT))
			continue;
		ret = walk_level(w, table_of(w->mm->machine, *ep), level - 1, addr, next);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * walk_pte_range - call @fn for every non-none leaf entry in [@addr, @end), in address order.
 * Tables that are missing are skipped without being allocated.
 * Return: 0, or the first non-zero value @fn returned.
 */
int walk_pte_range(struct mm_struct *mm, unsigned long addr, unsigned long end, pte_fn_t fn,
		   void *data)
{
	struct range_walk w = { .mm = mm, .fn = fn, .data = data };

	end = min(end, TASK_SIZE_MAX);
	if (addr >= end)
		return 0;
	return walk_level(&w, mm->pgd, PT_PGD, addr, end);
}

static bool table_empty(const pte_t *table)
{
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		if (table[i])
			return false;
	return true;
}

/*
 * Frees the tables below @table that cover only [@floor, @ceiling) and meet [@addr, @end).
 * A table that reaches outside [floor, ceiling) may still serve a neighbouring mapping, so it
 * stays even if empty: this is why VmPTE keeps counting a table after MADV_DONTNEED.
 */
static void free_level(struct mm_struct *mm, pte_t *table, int level, unsigned long addr,
		       unsigned long end, unsigned long floor, unsigned long ceiling)
{
	unsigned long span = 1UL << pt_shift(level), next, pfn;

	for (; addr < end; addr = next) {
		pte_t *ep = &table[pt_index(addr, level)];
		unsigned long start = ALIGN_DOWN(addr, span);
		pte_t *child;

		next = min(start + span, end);
		if (!(*ep & _PAGE_PRESENT))
			continue;
		child = table_of(mm->machine, *ep);
		if (level > PT_PMD)
			free_level(mm, child, level - 1, addr, next, floor, ceiling);
		if (start < floor || start + span > ceiling || !table_empty(child))
			continue;
		pfn = pte_pfn(*ep);
		*ep = 0;
		/* No CPU context may walk through the table once its frame can be reused. */
		flush_tlb_pgtables(mm);
		mm->pgtables_bytes -= PAGE_SIZE;
		pgtable_page_free(mm->machine, pfn_to_page(mm->machine, pfn));
	}
}

/**
 * free_pgd_range - free page-table pages no longer needed after [@addr, @end) was unmapped.
 * @floor, @ceiling: the nearest mappings' boundaries; tables reaching below @floor or at or
 *	above @ceiling are kept (@ceiling 0 means the top of the user half).
 *
 * Tables are freed only once empty, each after its entry is cleared and the paging-structure
 * caches of every CPU context running @mm are emptied (the leaf translations were flushed when
 * the range was unmapped).
 * Context: the caller serializes writers of @mm's page tables.
 */
void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling)
{
	if (!ceiling || ceiling > TASK_SIZE_MAX)
		ceiling = ALIGN(TASK_SIZE_MAX, PGDIR_SIZE);
	end = min(end, TASK_SIZE_MAX);
	if (addr >= end || !mm->pgd)
		return;
	free_level(mm, mm->pgd, PT_PGD, addr, end, floor, ceiling);
}

struct pt_count {
	struct machine *m;
	unsigned long tables;
	int err;
};

static void validate_level(struct pt_count *c, pte_t *table, int level, unsigned long base)
{
	for (unsigned int i = 0; i < PTRS_PER_TABLE && !c->err; i++) {
		unsigned long addr = base + ((unsigned long)i << pt_shift(level));
		pte_t e = table[i];
		unsigned long pfn = pte_pfn(e);

		if (!e)
			continue;
		if (level == PT_PGD && i >= PTRS_PER_TABLE / 2) {
			fprintf(stderr, "pgtable: entry for kernel-half address %#lx\n", addr);
			c->err = -EUCLEAN;
		} else if (level > PT_PTE && (e & _PAGE_PRESENT)) {
			if (!pfn_valid(c->m, pfn) || !PageTable(pfn_to_page(c->m, pfn))) {
				fprintf(stderr, "pgtable: level %d entry %#lx -> pfn %lu not a table\n",
					level, addr, pfn);
				c->err = -EUCLEAN;
				return;
			}
			c->tables++;
			validate_level(c, table_of(c->m, e), level - 1, addr);
		} else if (level > PT_PTE) {
			fprintf(stderr, "pgtable: non-present non-leaf entry at %#lx\n", addr);
			c->err = -EUCLEAN;
		} else if (pte_present(e)) {
			struct page *page = pfn_valid(c->m, pfn) ? pfn_to_page(c->m, pfn) : NULL;

			if (!(e & _PAGE_SPECIAL) &&
			    (!page || PageBuddy(page) || PageTable(page) || page_ref_count(page) <= 0 ||
			     (!PageReserved(page) && page_mapcount(page) <= 0))) {
				fprintf(stderr, "pgtable: pte at %#lx maps bad pfn %lu\n", addr, pfn);
				c->err = -EUCLEAN;
			}
			if (page == c->m->zero_page && (e & _PAGE_RW)) {
				fprintf(stderr, "pgtable: zero page mapped writable at %#lx\n", addr);
				c->err = -EUCLEAN;
			}
		}
	}
}

/**
 * pgtable_validate - check @mm's tables: every table entry points at a PG_pgtable frame,
 * nothing maps the kernel half, present leaves point at held frames, the zero page is never
 * writable, and pgtables_bytes equals the tables found.
 * Return: 0, or -EUCLEAN after printing the first problem.
 */
int pgtable_validate(struct mm_struct *mm)
{
	struct pt_count c = { .m = mm->machine };

	if (!mm->pgd)
		return 0;
	validate_level(&c, mm->pgd, PT_PGD, 0);
	if (!c.err && c.tables * PAGE_SIZE != (unsigned long)mm->pgtables_bytes) {
		fprintf(stderr, "pgtable: %lu tables found, pgtables_bytes says %ld\n", c.tables,
			mm->pgtables_bytes);
		c.err = -EUCLEAN;
	}
	return c.err;
}
