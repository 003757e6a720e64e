// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Multi-Gen LRU under concurrency (src/mm/lru_gen.c): two tasks with address spaces of
 * their own, each on its own thread and CPU, write and read back anonymous working sets that
 * together are half again the machine's RAM, with swap on, while a third thread streams a
 * file through read(). Their faults add pages to the generations, their allocations reclaim
 * directly and age - walking both address spaces' page tables while the other task faults -
 * and rmap's look-around promotes neighbours during eviction. Every byte read back must be
 * the one written, and the generations must validate at the end. Under TSan it checks the
 * locking of the walks (page_table_lock, then lru_lock) and the lock-free reads of max_seq,
 * min_seq and the generation sizes.
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mm/machine.h"
#include "mmlab.h"

#define PG 4096UL
#define RAM (8UL << 20)
#define WSET (6UL << 20)		/* Per worker: two of them are 1.5 x RAM */
#define FILE_PAGES 1024			/* The streamed file: 4 MiB */
#define ROUNDS 2

struct worker {
	struct mmlab_task *t;
	uint64_t base;
	unsigned int id;
	int failed;			/* First failure: page number + 1, or 0 */
};

static uint64_t pattern(unsigned int id, uint64_t page)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (0xabcdefULL * (id + 1));
}

/*
 * Both working sets are written before either is read back: together they exceed RAM when
 * the reading starts, so the reads swap pages in however the host scheduled the threads (a
 * worker done before the other began read back only resident pages: pswpin 0).
 */
static pthread_barrier_t written;

static void *anon_worker(void *arg)
{
	struct worker *w = arg;

	for (uint64_t p = 0; p < WSET / PG && !w->failed; p++) {
		uint64_t v = pattern(w->id, p);

		if (mmlab_poke(w->t, w->base + p * PG + (p % 7) * 8, &v, 8, NULL))
			w->failed = (int)p + 1;
	}
	pthread_barrier_wait(&written);
	for (int round = 0; round < ROUNDS; round++) {
		for (uint64_t p = 0; p < WSET / PG && !w->failed; p++) {
			uint64_t v = 0;

			if (mmlab_peek(w->t, w->base + p * PG + (p % 7) * 8, &v, 8, NULL) ||
			    v != pattern(w->id, p))
				w->failed = (int)p + 1;
		}
	}
	return NULL;
}

struct streamer {
	struct mmlab_task *t;
	int fd;
	uint64_t buf;
	int failed;
};

static void *file_streamer(void *arg)
{
	struct streamer *s = arg;

	for (int round = 0; round < ROUNDS; round++) {
		for (unsigned long i = 0; i < FILE_PAGES && !s->failed; i++) {
			unsigned char b = 0;

			if (mmlab_fd_pread(s->t, s->fd, s->buf, 1, (int64_t)(i * PG)) != 1 ||
			    mmlab_peek(s->t, s->buf, &b, 1, NULL) || b != ((i * 3 + 1) & 0xff))
				s->failed = (int)i + 1;
		}
	}
	return NULL;
}

static void test_concurrent_aging_and_eviction(void **state)
{
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine_config mc = { .ram_bytes = RAM, .nr_cpus = 3, .readahead_kb = -1,
					   .lru_mode = MMLAB_LRU_MGLRU };
	char root[] = "/var/tmp/mmlab-lru-gen-race-XXXXXX", path[PATH_MAX], cmd[PATH_MAX + 16];
	char swap[] = "/tmp/mmlab-lru-gen-race-swapXXXXXX";
	struct worker w[2] = { { 0 } };
	struct streamer s = { 0 };
	struct mmlab_machine *m;
	unsigned char page[PG];
	uint64_t out = 0, in = 0;
	pthread_t th[3];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/stream", root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	for (unsigned long i = 0; i < FILE_PAGES; i++) {
		memset(page, (int)((i * 3 + 1) & 0xff), PG);
		assert_int_equal(write(fd, page, PG), (ssize_t)PG);
	}
	close(fd);
	mc.root = root;
	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	for (unsigned int i = 0; i < 2; i++) {
		w[i].id = i;
		assert_int_equal(mmlab_task_create(m, &tc, &w[i].t), 0);
		assert_int_equal(mmlab_task_set_cpu(w[i].t, i), 0);
		assert_int_equal(mmlab_mmap(w[i].t, 0, WSET, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &w[i].base), 0);
	}
	fd = mkstemp(swap);
	assert_true(fd >= 0);
	assert_int_equal(unlink(swap), 0);
	assert_int_equal(ftruncate(fd, 64L << 20), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_swapon(w[0].t, "/swapfile", 0), 0);
	assert_int_equal(mmlab_task_create(m, &tc, &s.t), 0);
	assert_int_equal(mmlab_task_set_cpu(s.t, 2), 0);
	s.fd = mmlab_open(s.t, "/stream", O_RDONLY);
	assert_true(s.fd >= 0);
	assert_int_equal(mmlab_mmap(s.t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &s.buf), 0);
	assert_int_equal(pthread_barrier_init(&written, NULL, 2), 0);
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, anon_worker, &w[i]), 0);
	assert_int_equal(pthread_create(&th[2], NULL, file_streamer, &s), 0);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&written);
	for (unsigned int i = 0; i < 2; i++)
		if (w[i].failed)
			fail_msg("worker %u: page %d wrong or faulted", i, w[i].failed - 1);
	if (s.failed)
		fail_msg("streamer: page %d wrong", s.failed - 1);
	/* pages went to swap and came back, and the aging ran while the tasks faulted */
	assert_int_equal(mmlab_vmstat_get(m, "pswpout", &out), 0);
	assert_int_equal(mmlab_vmstat_get(m, "pswpin", &in), 0);
	assert_true(out >= (2 * WSET - RAM) / PG && in > 0);
	assert_true(machine_of(m)->pgdat.lruvec.lrugen.max_seq > 3);
	print_message("pswpout %lu pswpin %lu max_seq %lu\n", (unsigned long)out,
		      (unsigned long)in, machine_of(m)->pgdat.lruvec.lrugen.max_seq);
	assert_int_equal(mmlab_machine_validate(m), 0);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(mmlab_task_validate(w[i].t), 0);
		mmlab_task_destroy(w[i].t);
	}
	assert_int_equal(mmlab_close(s.t, s.fd), 0);
	mmlab_task_destroy(s.t);
	mmlab_machine_destroy(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_aging_and_eviction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
