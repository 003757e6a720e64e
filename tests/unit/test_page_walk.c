// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab_page_walk (the walk() pseudo-call's source): the entries it reports agree with what
 * the other views say of the same page - pagemap's PFN, the fault that made the entry (a write
 * leaves it writable and dirty, a read of untouched memory maps the zero page read-only), fork
 * sharing the frame read-only with mapcount 2 - and it rejects what the MMU cannot walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/mman.h>

#include "mmlab.h"

#define PG 4096UL
#define A 0x10000000UL

#define E_PRESENT (1ULL << 0)
#define E_RW (1ULL << 1)
#define E_ACCESSED (1ULL << 5)
#define E_DIRTY (1ULL << 6)
#define KPF(bit) (1ULL << (bit))

struct env {
	struct mmlab_machine *m;
	struct mmlab_task *t;
};

static int setup(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = 32UL << 20, .no_pku = 1 };
	struct mmlab_task_config tc = { .seed = 3, .no_aslr = 1 };
	struct env *e = calloc(1, sizeof(*e));
	uint64_t a;

	assert_non_null(e);
	assert_int_equal(mmlab_machine_create(&mc, &e->m), 0);
	assert_int_equal(mmlab_task_create(e->m, &tc, &e->t), 0);
	assert_int_equal(mmlab_mmap(e->t, A, 8 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &a), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	mmlab_exit(e->t);
	mmlab_machine_destroy(e->m);
	free(e);
	return 0;
}

static uint64_t pagemap_of(struct mmlab_task *t, uint64_t addr)
{
	uint64_t ent;

	assert_int_equal(mmlab_pagemap(t, addr, PG, &ent), 0);
	return ent;
}

static void test_untouched(void **state)
{
	struct env *e = *state;
	struct mmlab_page_walk w;

	/* Nothing was ever mapped near 1 GiB: the walk stops at the PGD. */
	assert_int_equal(mmlab_page_walk(e->t, 0x40000000UL, &w), 0);
	assert_int_equal(w.levels, 1);
	assert_int_equal(w.entry[0] & E_PRESENT, 0);
	assert_false(w.mapped);
	/* A page of the mapping next to a touched one: the tables exist, the PTE is empty. */
	assert_int_equal(mmlab_touch(e->t, A, 1, "w", NULL), 0);
	assert_int_equal(mmlab_page_walk(e->t, A + PG, &w), 0);
	assert_int_equal(w.levels, 4);
	assert_int_equal(w.entry[3], 0);
	assert_int_equal(w.index[3], 1);
	assert_int_equal(w.index[0], (A >> 39) & 511);
	assert_false(w.mapped);
}

static void test_write_fault(void **state)
{
	struct env *e = *state;
	struct mmlab_page_walk w;
	uint64_t pm;

	assert_int_equal(mmlab_touch(e->t, A + 2 * PG, 1, "w", NULL), 0);
	assert_int_equal(mmlab_page_walk(e->t, A + 2 * PG + 123, &w), 0);
	assert_int_equal(w.levels, 4);
	for (int i = 0; i < 3; i++)
		assert_true(w.entry[i] & E_PRESENT);
	assert_int_equal(w.entry[3] & (E_PRESENT | E_RW | E_DIRTY | E_ACCESSED),
			 E_PRESENT | E_RW | E_DIRTY | E_ACCESSED);
	assert_true(w.mapped);
	pm = pagemap_of(e->t, A + 2 * PG);
	assert_int_equal(w.pfn, pm & ((1ULL << 55) - 1));
	/* One reference per mapping, and one more while the page sits in the LRU batch. */
	assert_int_equal(w.mapcount, 1);
	assert_in_range(w.refcount, 1, 2);
	assert_true(w.kpageflags & KPF(12));	/* anon */
	assert_true(w.kpageflags & KPF(11));	/* mmap */
	assert_true(w.kpageflags & KPF(14));	/* swapbacked */
	assert_false(w.kpageflags & KPF(24));	/* not the zero page */
}

static void test_read_zero_page(void **state)
{
	struct env *e = *state;
	struct mmlab_page_walk w;

	assert_int_equal(mmlab_touch(e->t, A + 3 * PG, 1, "r", NULL), 0);
	assert_int_equal(mmlab_page_walk(e->t, A + 3 * PG, &w), 0);
	assert_true(w.mapped);
	assert_int_equal(w.entry[3] & (E_PRESENT | E_RW), E_PRESENT);
	assert_true(w.kpageflags & KPF(24));	/* zero_page */
	assert_false(w.kpageflags & KPF(12));
	/* Writing it replaces the zero page with a page of its own. */
	assert_int_equal(mmlab_touch(e->t, A + 3 * PG, 1, "w", NULL), 0);
	assert_int_equal(mmlab_page_walk(e->t, A + 3 * PG, &w), 0);
	assert_false(w.kpageflags & KPF(24));
	assert_true(w.entry[3] & E_RW);
}

static void test_fork_shares(void **state)
{
	struct env *e = *state;
	struct mmlab_page_walk pw, cw;
	struct mmlab_task *child;

	assert_int_equal(mmlab_touch(e->t, A + 4 * PG, 1, "w", NULL), 0);
	assert_int_equal(mmlab_fork(e->t, &child), 0);
	assert_int_equal(mmlab_page_walk(e->t, A + 4 * PG, &pw), 0);
	assert_int_equal(mmlab_page_walk(child, A + 4 * PG, &cw), 0);
	assert_true(pw.mapped && cw.mapped);
	assert_int_equal(pw.pfn, cw.pfn);
	assert_int_equal(pw.mapcount, 2);
	assert_false(pw.entry[3] & E_RW);
	assert_false(cw.entry[3] & E_RW);
	/* The child's write copies: each has its own frame again. */
	assert_int_equal(mmlab_touch(child, A + 4 * PG, 1, "w", NULL), 0);
	assert_int_equal(mmlab_page_walk(child, A + 4 * PG, &cw), 0);
	assert_int_equal(mmlab_page_walk(e->t, A + 4 * PG, &pw), 0);
	assert_int_not_equal(pw.pfn, cw.pfn);
	assert_int_equal(cw.mapcount, 1);
	assert_int_equal(pw.mapcount, 1);
	mmlab_exit(child);
}

static void test_bad_arguments(void **state)
{
	struct env *e = *state;
	struct mmlab_page_walk w;

	assert_int_equal(mmlab_page_walk(e->t, 0xffffffffff600000UL, &w), -EINVAL);
	assert_int_equal(mmlab_page_walk(e->t, A, NULL), -EINVAL);
	assert_int_equal(mmlab_page_walk(NULL, A, &w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_zero_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_shares, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
