// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Readers that never block: reader threads look up, find and iterate continuously under
 * rcu_read_lock() while one writer churns (inserts, erases, exact-range replacements, erases
 * spanning many ranges, splits and merges of nodes). Every entry is a token that records the
 * writer's sequence number when it was stored and when it was removed; a reader checks that
 * each token it sees was in the tree at some moment of its read-side critical section, with
 * exactly the range it was stored with, and that iteration moves strictly forward. Freed
 * nodes would show up as use-after-free under ASan (make check) and as races under TSan.
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>

#include "lib/maple_tree.h"

#define SLOT_SPAN 0x10000UL /* each token lives inside its own slot of the index space */
#define NR_SLOTS 3000
#define WRITER_OPS 60000
#define NR_READERS 2

struct token {
	unsigned long first, last; /* immutable after publication */
	unsigned long born;	   /* sequence number of the store; atomic */
	unsigned long died;	   /* sequence number of the removal, 0 while alive; atomic */
};

static struct maple_tree tree;
static struct token *tokens;
static unsigned long nr_tokens;
static unsigned long seq;	/* bumped after every write; atomic */
static bool writer_done;	/* atomic */
static unsigned long failures;	/* atomic */
static unsigned long reads;	/* atomic */

static unsigned long load_ul(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_ul(unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void bad(const char *what, const struct token *t, unsigned long t0, unsigned long t1)
{
	fprintf(stderr, "reader: %s: token [%#lx, %#lx] born %lu died %lu, read in [%lu, %lu]\n",
		what, t->first, t->last, load_ul(&t->born), load_ul(&t->died), t0, t1);
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

/* Seen during [t0, t1]: stored no later than t1 + 1, not removed before t0. */
static void check_token(const struct token *t, unsigned long first, unsigned long last,
			unsigned long t0, unsigned long t1)
{
	unsigned long born = load_ul(&t->born), died = load_ul(&t->died);

	if (t->first != first || t->last != last)
		bad("range differs from the stored one", t, t0, t1);
	if (born == 0 || born > t1 + 1)
		bad("seen before it was stored", t, t0, t1);
	if (died && died <= t0)
		bad("seen after it was removed", t, t0, t1);
}

static void *reader(void *arg)
{
	uint64_t s = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	unsigned long n = 0;

	rcu_register_thread();
	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE)) {
		unsigned long t0, t1, addr = rnd(&s) % (NR_SLOTS * SLOT_SPAN), prev_last = 0;
		struct token *seen[64];
		unsigned long first[64], last[64];
		unsigned int nr = 0, i, steps;
		bool started = false;
		void *entry;
		MA_STATE(mas, &tree, addr, addr);

		rcu_read_lock();
		t0 = load_ul(&seq);
		entry = mtree_load(&tree, addr);
		if (entry) {
			seen[nr] = entry;
			first[nr] = ((struct token *)entry)->first; /* checked to contain addr */
			last[nr++] = ((struct token *)entry)->last;
			if (addr < first[0] || addr > last[0])
				bad("load outside the range", entry, t0, t0);
		}
		steps = 1 + rnd(&s) % 48;
		if (rnd(&s) % 2) {
			mas_for_each(&mas, entry, ULONG_MAX) {
				if (started && mas.index <= prev_last)
					bad("iteration went backwards", entry, t0, t0);
				started = true;
				prev_last = mas.last;
				seen[nr] = entry;
				first[nr] = mas.index;
				last[nr++] = mas.last;
				if (nr == 64 || --steps == 0)
					break;
			}
		} else {
			prev_last = ULONG_MAX;
			mas_for_each_rev(&mas, entry, 0) {
				if (started && mas.last >= prev_last)
					bad("reverse iteration went forwards", entry, t0, t0);
				started = true;
				prev_last = mas.index;
				seen[nr] = entry;
				first[nr] = mas.index;
				last[nr++] = mas.last;
				if (nr == 64 || --steps == 0)
					break;
			}
		}
		t1 = load_ul(&seq);
		rcu_read_unlock();
		for (i = 0; i < nr; i++)
			check_token(seen[i], first[i], last[i], t0, t1);
		n++;
	}
	__atomic_add_fetch(&reads, n, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

static struct token *new_token(unsigned long first, unsigned long last)
{
	struct token *t = &tokens[nr_tokens++];

	t->first = first;
	t->last = last;
	store_ul(&t->born, load_ul(&seq) + 1);
	return t;
}

static void kill_token(struct token *t)
{
	store_ul(&t->died, load_ul(&seq) + 1);
}

static void writer(void)
{
	static struct token *slot[NR_SLOTS];
	uint64_t s = 42;
	unsigned long op;

	for (op = 0; op < WRITER_OPS; op++) {
		unsigned long k = rnd(&s) % NR_SLOTS, base = k * SLOT_SPAN, i;
		unsigned int kind = rnd(&s) % 16;

		if (kind == 0) { /* erase a run of slots with one spanning store */
			unsigned long n = 1 + rnd(&s) % 64;

			if (k + n > NR_SLOTS)
				n = NR_SLOTS - k;
			assert_int_equal(mtree_store_range(&tree, base, (k + n) * SLOT_SPAN - 1, NULL),
					 0);
			for (i = k; i < k + n; i++) {
				if (slot[i])
					kill_token(slot[i]);
				slot[i] = NULL;
			}
		} else if (slot[k] && kind < 4) { /* same range, new entry: in place */
			struct token *t = new_token(slot[k]->first, slot[k]->last);

			assert_int_equal(mtree_store_range(&tree, t->first, t->last, t), 0);
			kill_token(slot[k]);
			slot[k] = t;
		} else if (slot[k]) {
			assert_ptr_equal(mtree_erase(&tree, slot[k]->first), slot[k]);
			kill_token(slot[k]);
			slot[k] = NULL;
		} else {
			unsigned long off = rnd(&s) % (SLOT_SPAN / 2);
			unsigned long len = 1 + rnd(&s) % (SLOT_SPAN / 2);
			struct token *t = new_token(base + off, base + off + len - 1);

			assert_int_equal(mtree_insert_range(&tree, t->first, t->last, t), 0);
			slot[k] = t;
		}
		store_ul(&seq, load_ul(&seq) + 1);
		if (op % 4096 == 0)
			assert_int_equal(mt_validate(&tree), 0);
	}
}

static void test_rcu_readers(void **state)
{
	pthread_t th[NR_READERS];
	unsigned long i;

	(void)state;
	tokens = calloc(WRITER_OPS + 1, sizeof(*tokens));
	assert_non_null(tokens);
	mt_init_flags(&tree, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	for (i = 0; i < NR_READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)i), 0);
	writer();
	__atomic_store_n(&writer_done, true, __ATOMIC_RELEASE);
	for (i = 0; i < NR_READERS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	printf("rcu: %lu writes, %lu read-side sections, %lu failures, height %u\n",
	       (unsigned long)WRITER_OPS, reads, failures, mt_height(&tree));
	assert_int_equal(failures, 0);
	assert_true(reads > 0);
	assert_int_equal(mt_validate(&tree), 0);
	mtree_destroy(&tree);
	mt_rcu_barrier(); /* readers are gone: run the deferred frees before the tokens go */
	free(tokens);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcu_readers),
	};
	int ret;

	rcu_register_thread();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rcu_unregister_thread();
	return ret;
}
