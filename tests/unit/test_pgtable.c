// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page tables: map/unmap/protect over ranges that cross PMD and PUD boundaries, the freeing
 * of empty tables (and the keeping of tables a neighbour may share), refusal of kernel-half
 * and non-canonical addresses, and the validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "phys/mmzone.h"
#include "mmu/mmu_context.h"
#include "mmu/pgrange.h"
#include "mmu/tlb.h"

struct env {
	struct pglist_data pgdat;
	struct mmu_cpu *cpus[MMLAB_MAX_CPUS];
	mm_context_t ctx;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(pgdat_init_memory(&e->pgdat, 64UL << 20), 0);
	assert_int_equal(init_new_context(&e->ctx, &e->pgdat, e->cpus), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	pt_unmap_range(&e->ctx, 0, TASK_SIZE_MAX, 0, 0);
	assert_int_equal(e->ctx.pgtables_bytes, 0);
	destroy_context(&e->ctx);
	assert_int_equal(e->pgdat.nr_pgtable_pages, 0);
	assert_int_equal(e->pgdat.zone.nr_free_pages, e->pgdat.nr_frames - 1);
	assert_int_equal(page_alloc_validate(&e->pgdat), 0);
	pgdat_free_memory(&e->pgdat);
	free(e);
	return 0;
}

/* Maps @n fresh frames from @addr; each frame's first word holds its virtual address. */
static void map_n(struct env *e, unsigned long addr, unsigned long n, pgprot_t prot)
{
	for (unsigned long i = 0; i < n; i++) {
		struct page *p = alloc_zeroed_page(&e->pgdat);

		assert_non_null(p);
		*(unsigned long *)page_address(&e->pgdat, p) = addr + i * PAGE_SIZE;
		assert_int_equal(pt_map_page(&e->ctx, addr + i * PAGE_SIZE, p, prot), 0);
		put_page(&e->pgdat, p);
	}
}

static int count_one(mm_context_t *ctx, unsigned long addr, pte_t *ptep, void *data)
{
	(*(unsigned long *)data)++;
	return 0;
}

static unsigned long count(struct env *e, unsigned long a, unsigned long b)
{
	unsigned long n = 0;

	assert_int_equal(pt_walk_range(&e->ctx, a, b, count_one, &n), 0);
	return n;
}

static void test_map_across_pud_boundary(void **state)
{
	struct env *e = *state;
	/* 8 pages before and 8 after the 1 GiB line: two PUD entries, two PMDs, two PTE tables. */
	unsigned long base = PUD_SIZE * 5 - 8 * PAGE_SIZE;

	map_n(e, base, 16, PAGE_SHARED);
	assert_int_equal(e->ctx.pgtables_bytes, 5 * PAGE_SIZE); /* 1 PUD + 2 PMD + 2 PTE */
	assert_int_equal(count(e, 0, TASK_SIZE_MAX), 16);
	for (unsigned long i = 0; i < 16; i++) {
		pte_t *ptep = pt_lookup_pte(&e->ctx, base + i * PAGE_SIZE);

		assert_non_null(ptep);
		assert_true(pte_present(*ptep) && pte_write(*ptep));
		assert_int_equal(*(unsigned long *)(e->pgdat.ram + (*ptep & PTE_PFN_MASK)),
				 base + i * PAGE_SIZE);
	}
	assert_int_equal(pt_validate(&e->ctx), 0);
	assert_int_equal(pt_map_page(&e->ctx, base, e->pgdat.zero_page, PAGE_READONLY), -EEXIST);
}

static void test_unmap_frees_empty_tables(void **state)
{
	struct env *e = *state;
	unsigned long base = PMD_SIZE * 3 - 4 * PAGE_SIZE;
	unsigned long free_before = e->pgdat.zone.nr_free_pages;

	map_n(e, base, 8, PAGE_SHARED); /* crosses one PMD line: 2 PTE tables */
	assert_int_equal(e->ctx.pgtables_bytes, 4 * PAGE_SIZE);
	/* Unmapping the upper half empties the second PTE table: freed. */
	assert_int_equal(pt_unmap_range(&e->ctx, PMD_SIZE * 3, PMD_SIZE * 3 + 4 * PAGE_SIZE, 0, 0),
			 4);
	assert_int_equal(e->ctx.pgtables_bytes, 3 * PAGE_SIZE);
	assert_int_equal(count(e, 0, TASK_SIZE_MAX), 4);
	assert_int_equal(pt_validate(&e->ctx), 0);
	/* The rest: every table below the PGD goes. */
	assert_int_equal(pt_unmap_range(&e->ctx, base, base + 8 * PAGE_SIZE, 0, 0), 4);
	assert_int_equal(e->ctx.pgtables_bytes, 0);
	assert_int_equal(e->pgdat.zone.nr_free_pages, free_before);
	assert_int_equal(page_alloc_validate(&e->pgdat), 0);
}

static void test_floor_ceiling_keep_shared_tables(void **state)
{
	struct env *e = *state;
	unsigned long base = PMD_SIZE * 7;

	map_n(e, base, 4, PAGE_SHARED);
	/* A neighbour mapping at base+2 MiB-4 KiB would share this PTE table: the ceiling below
	 * the table's end keeps it, empty, as the kernel keeps it. */
	pt_unmap_range(&e->ctx, base, base + 4 * PAGE_SIZE, base, base + PMD_SIZE - PAGE_SIZE);
	assert_int_equal(count(e, 0, TASK_SIZE_MAX), 0);
	assert_int_equal(e->ctx.pgtables_bytes, 3 * PAGE_SIZE);
	/* A floor inside the table keeps it too. */
	pt_free_range(&e->ctx, base, base + PAGE_SIZE, base + PAGE_SIZE, 0);
	assert_int_equal(e->ctx.pgtables_bytes, 3 * PAGE_SIZE);
	/* With the whole table inside [floor, ceiling) it goes, and the levels above with it. */
	pt_free_range(&e->ctx, base, base + PAGE_SIZE, base, base + PMD_SIZE);
	assert_int_equal(e->ctx.pgtables_bytes, 2 * PAGE_SIZE); /* PMD table spans 1 GiB: kept */
	pt_free_range(&e->ctx, base, base + PAGE_SIZE, 0, 0);
	assert_int_equal(e->ctx.pgtables_bytes, 0);
}

static void test_change_protection(void **state)
{
	struct env *e = *state;
	unsigned long base = PMD_SIZE - 2 * PAGE_SIZE;
	pte_t *ptep;

	map_n(e, base, 4, PAGE_SHARED);
	ptep = pt_lookup_pte(&e->ctx, base);
	*ptep = pte_mkdirty(*ptep);
	assert_int_equal(pt_change_protection(&e->ctx, base, base + 4 * PAGE_SIZE, PAGE_READONLY),
			 4);
	/* The frame and the dirty bit survive a protection change. */
	assert_false(pte_write(*ptep));
	assert_true(pte_dirty(*ptep));
	assert_false(pte_exec(*ptep));
	assert_int_equal(pt_change_protection(&e->ctx, base, base + 4 * PAGE_SIZE, PAGE_NONE), 4);
	assert_true(pte_present(*ptep));
	assert_false(*ptep & _PAGE_PRESENT); /* the hardware sees nothing */
	assert_int_equal(pt_change_protection(&e->ctx, base, base + 4 * PAGE_SIZE,
					      PAGE_READONLY_EXEC), 4);
	assert_true(pte_exec(*ptep) && (*ptep & _PAGE_PRESENT));
	assert_false(*ptep & _PAGE_PROTNONE);
	/* Nothing changes twice. */
	assert_int_equal(pt_change_protection(&e->ctx, base, base + 4 * PAGE_SIZE,
					      PAGE_READONLY_EXEC), 0);
	assert_int_equal(pt_validate(&e->ctx), 0);
}

static void test_user_half_only(void **state)
{
	struct env *e = *state;

	assert_ptr_equal(pt_alloc_pte(&e->ctx, TASK_SIZE_MAX), ERR_PTR(-EFAULT));
	assert_ptr_equal(pt_alloc_pte(&e->ctx, 0xffff800000000000UL), ERR_PTR(-EFAULT));
	assert_ptr_equal(pt_alloc_pte(&e->ctx, 0x0000900000000000UL), ERR_PTR(-EFAULT));
	assert_int_equal(pt_map_page(&e->ctx, 0xffffffff81000000UL, e->pgdat.zero_page,
				     PAGE_READONLY), -EFAULT);
	assert_null(pt_lookup_pte(&e->ctx, 0xffffffffff600000UL));
	assert_true(addr_is_canonical(0x00007fffffffffffUL));
	assert_false(addr_is_canonical(0x0000800000000000UL));
	assert_true(addr_is_canonical(0xffff800000000000UL));
	/* The last user page is fine. */
	map_n(e, TASK_SIZE_MAX - PAGE_SIZE, 1, PAGE_SHARED);
	assert_int_equal(pt_validate(&e->ctx), 0);
}

static void test_enomem_leaves_state_consistent(void **state)
{
	struct env *e = *state;
	pte_t *ptep;

	/* The second table allocation (PMD) fails: the PUD stays, empty and counted. */
	e->pgdat.alloc_fail_after = 2;
	ptep = pt_alloc_pte(&e->ctx, PUD_SIZE * 9);
	assert_ptr_equal(ptep, ERR_PTR(-ENOMEM));
	assert_int_equal(e->ctx.pgtables_bytes, PAGE_SIZE);
	assert_int_equal(pt_validate(&e->ctx), 0);
	assert_int_equal(page_alloc_validate(&e->pgdat), 0);
	pt_free_range(&e->ctx, PUD_SIZE * 9, PUD_SIZE * 9 + PAGE_SIZE, 0, 0);
	assert_int_equal(e->ctx.pgtables_bytes, 0);
}

static void test_validator_catches_corruption(void **state)
{
	struct env *e = *state;
	pte_t *ptep;

	map_n(e, 0x400000, 1, PAGE_SHARED);
	ptep = pt_lookup_pte(&e->ctx, 0x400000);
	e->ctx.pgtables_bytes += PAGE_SIZE;
	assert_int_equal(pt_validate(&e->ctx), -EUCLEAN);
	e->ctx.pgtables_bytes -= PAGE_SIZE;
	pte_t saved = *ptep;
	*ptep = pfn_pte(page_to_pfn(&e->pgdat, e->pgdat.zero_page), PAGE_SHARED);
	assert_int_equal(pt_validate(&e->ctx), -EUCLEAN); /* zero page writable */
	*ptep = saved;
	assert_int_equal(pt_validate(&e->ctx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_across_pud_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_frees_empty_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_floor_ceiling_keep_shared_tables, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_change_protection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_half_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem_leaves_state_consistent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_validator_catches_corruption, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
