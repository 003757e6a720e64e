// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The buddy allocator: split and coalesce, exhaustion and recovery, the zero page, fault
 * injection, and long random sequences checked against a counting model and the validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "phys/mmzone.h"

#define RAM (16UL << 20) /* 4096 frames: four blocks of order 10 */

static int setup(void **state)
{
	struct pglist_data *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	assert_int_equal(pgdat_init_memory(m, RAM), 0);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct pglist_data *m = *state;

	pgdat_free_memory(m);
	free(m);
	return 0;
}

static void test_struct_page_size(void **state)
{
	(void)state;
	assert_true(sizeof(struct page) <= 64);
}

static void test_initial_state(void **state)
{
	struct pglist_data *m = *state;

	assert_int_equal(m->nr_frames, RAM / PAGE_SIZE);
	/* Everything free but the zero page, which split one order-10 block all the way down. */
	assert_int_equal(m->zone.nr_free_pages, m->nr_frames - 1);
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++)
		assert_int_equal(m->zone.free_area[o].nr_free, 1);
	assert_int_equal(m->zone.free_area[MAX_PAGE_ORDER].nr_free, 3);
	assert_int_equal(page_alloc_validate(m), 0);
}

static void test_zero_page(void **state)
{
	struct pglist_data *m = *state;
	const unsigned char *p = page_address(m, m->zero_page);

	assert_true(PageReserved(m->zero_page));
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
	/* References come and go; the frame is never freed. */
	get_page(m->zero_page);
	put_page(m, m->zero_page);
	assert_int_equal(page_ref_count(m->zero_page), 1);
	assert_int_equal(page_alloc_validate(m), 0);
}

static void test_split_and_coalesce(void **state)
{
	struct pglist_data *m = *state;
	unsigned long before = m->zone.nr_free_pages;
	struct page *a, *b;

	/* Orders 0..9 hold one block each after boot: an order-0 request takes the lone one. */
	a = alloc_pages(m, 0);
	b = alloc_pages(m, 0);
	assert_non_null(a);
	assert_non_null(b);
	/* The second one came from splitting the order-1 block: a and b are not buddies, but b's
	 * buddy is now on the order-0 list. */
	assert_int_equal(m->zone.free_area[0].nr_free, 1);
	assert_int_equal(m->zone.free_area[1].nr_free, 0);
	assert_int_equal(m->zone.nr_free_pages, before - 2);
	assert_int_equal(page_alloc_validate(m), 0);
	__free_pages(m, b, 0);
	__free_pages(m, a, 0);
	/* Freed frames coalesce back into exactly the boot layout. */
	assert_int_equal(m->zone.nr_free_pages, before);
	for (unsigned int o = 0; o < MAX_PAGE_ORDER; o++)
		assert_int_equal(m->zone.free_area[o].nr_free, 1);
	assert_int_equal(page_alloc_validate(m), 0);
}

static void test_high_order_alignment(void **state)
{
	struct pglist_data *m = *state;

	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		struct page *p = alloc_pages(m, o);

		assert_non_null(p);
		assert_true(IS_ALIGNED(page_to_pfn(m, p), 1UL << o));
		assert_int_equal(page_alloc_validate(m), 0);
		__free_pages(m, p, o);
	}
	assert_null(alloc_pages(m, MAX_PAGE_ORDER + 1));
	assert_int_equal(page_alloc_validate(m), 0);
}

static void test_exhaustion_and_recovery(void **state)
{
	struct pglist_data *m = *state;
	unsigned long n = m->zone.nr_free_pages, i;
	struct page **pages = calloc(n, sizeof(*pages));

	assert_non_null(pages);
	for (i = 0; i < n; i++) {
		pages[i] = alloc_pages(m, 0);
		assert_non_null(pages[i]);
	}
	assert_int_equal(m->zone.nr_free_pages, 0);
	assert_null(alloc_pages(m, 0));
	assert_null(alloc_zeroed_page(m));
	assert_int_equal(page_alloc_validate(m), 0);
	for (i = 0; i < n; i++)
		put_page(m, pages[i]);
	assert_int_equal(m->zone.nr_free_pages, n);
	/* Full coalescing: the largest block can be had again. */
	assert_int_equal(m->zone.free_area[MAX_PAGE_ORDER].nr_free, 3);
	assert_int_equal(page_alloc_validate(m), 0);
	free(pages);
}

static void test_fail_injection(void **state)
{
	struct pglist_data *m = *state;
	struct page *a;

	m->alloc_fail_after = 2;
	a = alloc_pages(m, 0);
	assert_non_null(a);
	assert_null(alloc_pages(m, 0));
	assert_int_equal(m->alloc_fail_after, 0);
	put_page(m, a);
	assert_int_equal(page_alloc_validate(m), 0);
}

static void test_validator_catches_corruption(void **state)
{
	struct pglist_data *m = *state;
	struct page *a = alloc_pages(m, 0);

	assert_non_null(a);
	a->_refcount = 0; /* held by nobody, yet not free */
	assert_int_equal(page_alloc_validate(m), -EUCLEAN);
	a->_refcount = 1;
	m->zone.nr_free_pages++;
	assert_int_equal(page_alloc_validate(m), -EUCLEAN);
	m->zone.nr_free_pages--;
	put_page(m, a);
	assert_int_equal(page_alloc_validate(m), 0);
}

/* A small xorshift generator so runs repeat exactly. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_random_against_model(void **state)
{
	struct pglist_data *m = *state;
	struct { struct page *p; unsigned int order; } held[512];
	unsigned long model_free = m->zone.nr_free_pages;
	unsigned int nheld = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (int step = 0; step < 20000; step++) {
		bool do_alloc = nheld == 0 || (nheld < ARRAY_SIZE(held) && rnd(&seed) % 3 != 0);

		if (do_alloc) {
			unsigned int order = (unsigned int)(rnd(&seed) % 64 == 0 ? rnd(&seed) % 8 :
							    rnd(&seed) % 3);
			struct page *p = alloc_pages(m, order);

			if (!p) {
				/* Only a real shortage of blocks that large may refuse. */
				for (unsigned int o = order; o <= MAX_PAGE_ORDER; o++)
					assert_int_equal(m->zone.free_area[o].nr_free, 0);
				continue;
			}
			/* Contents are ours: write a pattern the next holder would see. */
			memset(page_address(m, p), (int)step, PAGE_SIZE << order);
			held[nheld].p = p;
			held[nheld++].order = order;
			model_free -= 1UL << order;
		} else {
			unsigned int i = (unsigned int)(rnd(&seed) % nheld);

			__free_pages(m, held[i].p, held[i].order);
			model_free += 1UL << held[i].order;
			held[i] = held[--nheld];
		}
		assert_int_equal(m->zone.nr_free_pages, model_free);
		if (step % 512 == 0 || MMLAB_DEBUG >= 3)
			assert_int_equal(page_alloc_validate(m), 0);
	}
	while (nheld) {
		nheld--;
		__free_pages(m, held[nheld].p, held[nheld].order);
	}
	assert_int_equal(m->zone.nr_free_pages, m->nr_frames - 1);
	assert_int_equal(page_alloc_validate(m), 0);
}

static void test_odd_ram_size(void **state)
{
	struct pglist_data m = { 0 };

	(void)state;
	/* 1000 frames: not a multiple of any large block; boot must still cover them all. */
	assert_int_equal(pgdat_init_memory(&m, 1000 * PAGE_SIZE), 0);
	assert_int_equal(m.zone.nr_free_pages, 999);
	assert_int_equal(page_alloc_validate(&m), 0);
	pgdat_free_memory(&m);
	assert_int_equal(pgdat_init_memory(&m, 4 * PAGE_SIZE), -EINVAL);
	assert_int_equal(pgdat_init_memory(&m, 100 * PAGE_SIZE + 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_page_size),
		cmocka_unit_test_setup_teardown(test_initial_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_and_coalesce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_high_order_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_and_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validator_catches_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
		cmocka_unit_test(test_odd_ram_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
