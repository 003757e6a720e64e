// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmap_lock under contention: reader threads (more of them than there are thread slots, so
 * that some read through the rwlock) take the lock for reading, sometimes nested, and check
 * that a pair of counters a writer bumps one after the other under the write lock is never
 * seen half-bumped; writers take it for writing meanwhile. A reader that got in while a writer
 * held the lock, or a writer that did not wait for a counted reader, shows up as a torn pair
 * here and as a data race under TSan (the counters are plain ints). It runs twice: with the
 * membarrier-based barrier between readers and writers, and with its fallback.
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "mm/mmap_lock.h"

#define READERS (HOST_THREAD_SLOTS + 4)
#define WRITERS 2
#define READS 4000
#define WRITES 1000

struct shared {
	struct mm_struct *mm;
	long a, b;		/* Bumped together under the write lock */
	long torn;		/* Pairs seen unequal; atomic */
};

static void *reader(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < READS; i++) {
		mmap_read_lock(s->mm);
		if (i % 7 == 0)
			mmap_read_lock(s->mm); /* nested, as a fault under a read-locked call is */
		if (s->a != s->b)
			__atomic_add_fetch(&s->torn, 1, __ATOMIC_RELAXED);
		if (i % 7 == 0)
			mmap_read_unlock(s->mm);
		mmap_read_unlock(s->mm);
	}
	return NULL;
}

static void *writer(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < WRITES; i++) {
		mmap_write_lock(s->mm);
		s->a++;
		sched_yield(); /* let readers try to get in between */
		s->b++;
		/* No mm_validate: this mm has nothing but its lock. */
		__mmap_write_unlock(s->mm);
	}
	return NULL;
}

static void readers_and_writers(void)
{
	struct shared s = { .mm = calloc(1, sizeof(*s.mm)) };
	pthread_t r[READERS], w[WRITERS];

	assert_non_null(s.mm);
	mmap_init_lock(s.mm);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader, &s), 0);
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, writer, &s), 0);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_join(r[i], NULL), 0);
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_join(w[i], NULL), 0);
	assert_int_equal(s.torn, 0);
	assert_int_equal(s.a, WRITERS * WRITES);
	assert_int_equal(s.b, WRITERS * WRITES);
	/* Every read hold was given back: a writer gets in at once. */
	for (int i = 0; i < HOST_THREAD_SLOTS; i++)
		assert_int_equal(s.mm->mmap_readers[i], 0);
	mmap_write_lock(s.mm);
	__mmap_write_unlock(s.mm);
	mmap_destroy_lock(s.mm);
	free(s.mm);
}

/* Readers order their count before their look at mmap_writer with a compiler barrier only;
 * the writers' membarrier (host_barrier_heavy) does the rest. */
static void test_readers_and_writers(void **state)
{
	(void)state;
	readers_and_writers();
}

/*
 * A host kernel without membarrier: readers fall back to a locked instruction, writers to
 * nothing. Switched between runs, while no thread holds a slot's count.
 */
static void test_readers_and_writers_without_membarrier(void **state)
{
	bool ready = host_membarrier_ready;

	(void)state;
	host_membarrier_ready = false;
	readers_and_writers();
	host_membarrier_ready = ready;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readers_and_writers),
		cmocka_unit_test(test_readers_and_writers_without_membarrier),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
