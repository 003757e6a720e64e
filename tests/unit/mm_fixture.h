/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cmocka fixture of the white-box VMA tests: a 16 MiB machine and one task without ASLR,
 * with its mm_struct at hand. Include after <cmocka.h>, "mmlab.h", "mm/memory.h" and
 * "mm/mmap_lock.h".
 */
#ifndef MMLAB_TEST_MM_FIXTURE_H
#define MMLAB_TEST_MM_FIXTURE_H

#include <stdlib.h>

struct fixture {
	struct mmlab_machine *m;
	struct mmlab_task *t;
	struct mm_struct *mm;		/* t's address space */
};

static inline int mm_fixture_setup(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = 16UL << 20 };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1 };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(mmlab_machine_create(&mc, &f->m), 0);
	assert_int_equal(mmlab_task_create(f->m, &tc, &f->t), 0);
	f->mm = task_mm(f->t);
	*state = f;
	return 0;
}

static inline int mm_fixture_teardown(void **state)
{
	struct fixture *f = *state;

	mmlab_task_destroy(f->t);
	mmlab_machine_destroy(f->m);
	free(f);
	return 0;
}

/* A test run on a fresh fixture. */
#define mm_fixture_test(fn)                                                                        \
	cmocka_unit_test_setup_teardown(fn, mm_fixture_setup, mm_fixture_teardown)

/*
 * The same, with the task's mmap_lock held for writing throughout, as callers of the VMA
 * functions must hold it (their entry assertions check); such a test calls no mmlab_* call
 * that takes the lock itself. Needs "mm/mmap_lock.h".
 */
static inline int mm_fixture_setup_locked(void **state)
{
	mm_fixture_setup(state);
	mmap_write_lock(((struct fixture *)*state)->mm);
	return 0;
}

static inline int mm_fixture_teardown_locked(void **state)
{
	mmap_write_unlock(((struct fixture *)*state)->mm);
	return mm_fixture_teardown(state);
}

#define mm_fixture_test_locked(fn)                                                                 \
	cmocka_unit_test_setup_teardown(fn, mm_fixture_setup_locked, mm_fixture_teardown_locked)

/*
 * Runs the array @tests on this thread registered with liburcu, which the tests need when they
 * call into the VMA tree directly rather than through the API; the last call_rcu frees are
 * waited for, so that the leak check sees none.
 */
#define mm_fixture_run(tests)                                                                      \
	({                                                                                         \
		int __ret;                                                                         \
		rcu_register_thread();                                                             \
		__ret = cmocka_run_group_tests(tests, NULL, NULL);                                 \
		rcu_unregister_thread();                                                           \
		mt_rcu_barrier();                                                                  \
		__ret;                                                                             \
	})

#endif /* MMLAB_TEST_MM_FIXTURE_H */
