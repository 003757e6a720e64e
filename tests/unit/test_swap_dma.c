// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A page stored to while its swap write is in flight. MADV_PAGEOUT's pass runs inside the
 * test's own plug, so the page leaves it unmapped, in the swap cache and under writeback, with
 * its bytes not yet out. Another thread then writes it through the task: on a swap file,
 * which does not ask for stable pages, do_swap_page maps a page under writeback writable as
 * Linux does, and the store lands in the very frame the write will read. The run goes out
 * afterwards, with no lock ordering it after that store, as a disk's DMA would read it.
 * Under TSan that read must not be reported (page_io.c marks it data_race); in every build
 * the stored bytes must survive: the dirty PTE sends the page out again, and what comes back
 * from swap is the new value.
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"
#include "mm/machine.h"
#include "mm/swap.h"

#define PG 4096UL
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_PFN ((1ULL << 55) - 1)

struct storer {
	struct mmlab_task *t;
	uint64_t addr;
	int err;
	int done;		/* set with a relaxed store: no happens-before for TSan */
};

static const uint64_t before = 0x1111111111111111ULL, after = 0x2222222222222222ULL;

static void *store(void *arg)
{
	struct storer *s = arg;

	s->err = mmlab_poke(s->t, s->addr, &after, sizeof(after), NULL);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELAXED);
	return NULL;
}

static uint64_t vmstat(struct mmlab_machine *m, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(mmlab_vmstat_get(m, name, &v), 0);
	return v;
}

static uint64_t pagemap(struct mmlab_task *t, uint64_t addr)
{
	uint64_t pm = 0;

	assert_int_equal(mmlab_pagemap(t, addr, PG, &pm), 0);
	return pm;
}

static void store_during_swap_write(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = 16UL << 20 };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	char swap[] = "/tmp/mmlab-swap-dma-XXXXXX";
	struct storer s = { 0 };
	struct mmlab_machine *m;
	struct swap_iocb plug;
	uint64_t pfn, v = 0;
	pthread_t th;
	int fd;

	(void)state;
	fd = mkstemp(swap);
	assert_true(fd >= 0);
	assert_int_equal(unlink(swap), 0);
	assert_int_equal(ftruncate(fd, 1L << 20), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	assert_int_equal(mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_task_create(m, &tc, &s.t), 0);
	assert_int_equal(mmlab_swapon(s.t, "/swapfile", 0), 0);
	assert_int_equal(mmlab_mmap(s.t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &s.addr), 0);
	assert_int_equal(mmlab_poke(s.t, s.addr, &before, sizeof(before), NULL), 0);
	pfn = pagemap(s.t, s.addr) & PM_PFN;

	/* out of the page tables and under writeback, its bytes still in the plug */
	swap_start_plug(&plug);
	assert_int_equal(mmlab_madvise(s.t, s.addr, PG, MADV_PAGEOUT), 0);
	assert_true(pagemap(s.t, s.addr) & PM_SWAP);
	assert_int_equal(vmstat(m, "pswpout"), 0);

	assert_int_equal(pthread_create(&th, NULL, store, &s), 0);
	/* nothing of what the store touched is looked at before the run goes out */
	while (!__atomic_load_n(&s.done, __ATOMIC_RELAXED))
		sched_yield();
	swap_finish_plug(&plug);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(s.err, 0);
	assert_int_equal(vmstat(m, "pswpout"), 1);
	/* the store went to the frame that was under writeback, mapped writable again */
	assert_int_equal(pagemap(s.t, s.addr) & (PM_PRESENT | PM_SWAP | PM_PFN), PM_PRESENT | pfn);

	/* the write ends; the page, dirty through its PTE, goes out a second time */
	swap_io_complete(machine_of(m));
	assert_int_equal(mmlab_madvise(s.t, s.addr, PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(m, "pswpout"), 2);
	/* once that write ended too, the page, read back from the swap cache and clean, is
	 * dropped by the next pageout: the bytes that come back are the slot's */
	swap_io_complete(machine_of(m));
	assert_int_equal(mmlab_peek(s.t, s.addr, &v, sizeof(v), NULL), 0);
	assert_int_equal(v, after);
	assert_int_equal(mmlab_madvise(s.t, s.addr, PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(m, "pswpout"), 2);
	assert_int_equal(vmstat(m, "pswpin"), 0);
	v = 0;
	assert_int_equal(mmlab_peek(s.t, s.addr, &v, sizeof(v), NULL), 0);
	assert_int_equal(vmstat(m, "pswpin"), 1);
	assert_int_equal(v, after);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_task_destroy(s.t);
	mmlab_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_during_swap_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
