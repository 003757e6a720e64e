// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One file's readahead state shared by racing readers (src/fs/readahead.c): three tasks, a
 * parent and two fork children, share one struct file and so one struct file_ra_state, as
 * Linux's file->f_ra, read and updated without a lock. Each task's thread reads runs of the
 * file with pread and touches runs of its shared mapping (sync and async readahead, mmap
 * read-around, the mmap miss count, fault-around), while a fourth thread drops the cache
 * and switches the file between normal, sequential and WILLNEED advice (ra_pages and
 * force_page_cache_ra). Every read returns the bytes asked, every touch succeeds, and the
 * tasks validate at the end. Under TSan it checks that every access to the window is a
 * READ_ONCE/WRITE_ONCE one: tests/tsan.supp suppresses none of them.
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"

#define PG 4096UL
#define FILE_PAGES 1024		/* 4 MiB: several windows of 128 KiB */
#define RUN_PAGES 64		/* One reader's run: crosses async markers */
#define ROUNDS 60		/* Advice rounds; readers stop after the last */
#define NR_TASKS 3

struct ra_race {
	struct mmlab_task *t[NR_TASKS];
	uint64_t map;		/* The file's shared mapping, at one address in every task */
	uint64_t buf;		/* A private anonymous buffer of 4 pages, the same */
	int fd;			/* The file, one struct file in every task */
	int stop;
};

/* One run: @n pages from @first, by pread in 4-page reads or by touching the mapping. */
static void reader_run(struct ra_race *r, struct mmlab_task *t, uint64_t first, uint64_t n,
		       bool by_pread)
{
	for (uint64_t pg = first; pg < first + n && pg < FILE_PAGES; pg += 4) {
		uint64_t len = (FILE_PAGES - pg < 4 ? FILE_PAGES - pg : 4) * PG;

		if (by_pread) {
			assert_int_equal(mmlab_fd_pread(t, r->fd, r->buf, len, (int64_t)(pg * PG)),
					 (int64_t)len);
		} else {
			struct mmlab_fault f = { 0 };

			assert_int_equal(mmlab_touch(t, r->map + pg * PG, len, "r", &f), 0);
		}
	}
}

struct reader_arg {
	struct ra_race *r;
	int i;			/* Which task */
};

/* Runs from random pages, by pread or by touch, some sequential and some one page. */
static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	struct ra_race *r = a->r;
	unsigned int seed = 11 + (unsigned int)a->i;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint64_t first = (uint64_t)(rand_r(&seed) % FILE_PAGES);
		uint64_t n = rand_r(&seed) % 4 ? RUN_PAGES : 1;

		reader_run(r, r->t[a->i], first, n, rand_r(&seed) & 1);
	}
	return NULL;
}

/* Drops the cache and changes the advice; fadvise touches no task memory. */
static void *adviser(void *arg)
{
	static const int advice[] = { POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL,
				      POSIX_FADV_WILLNEED, POSIX_FADV_NORMAL };
	struct ra_race *r = arg;
	unsigned int seed = 5;

	for (int n = 0; n < ROUNDS; n++) {
		int64_t off = (int64_t)(rand_r(&seed) % FILE_PAGES) * (int64_t)PG;

		assert_int_equal(mmlab_fadvise(r->t[0], r->fd, 0, 0, POSIX_FADV_DONTNEED), 0);
		assert_int_equal(mmlab_fadvise(r->t[0], r->fd, off, 64 * (int64_t)PG,
					       advice[n % (int)(sizeof(advice) / sizeof(advice[0]))]), 0);
		usleep(1000);
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_readahead_state_races(void **state)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 64UL << 20, .nr_cpus = 4 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
	char path[] = "/tmp/mmlab_rarace_XXXXXX";
	int hfd = mkstemp(path);
	struct reader_arg args[NR_TASKS];
	struct ra_race r = { 0 };
	struct mmlab_machine *m;
	pthread_t th[NR_TASKS + 1];

	(void)state;
	assert_true(hfd >= 0);
	assert_int_equal(ftruncate(hfd, FILE_PAGES * PG), 0);
	close(hfd);
	assert_int_equal(mmlab_machine_create(&cfg, &m), 0);
	assert_int_equal(mmlab_task_create(m, &tc, &r.t[0]), 0);
	r.fd = mmlab_open(r.t[0], path, O_RDONLY);
	assert_true(r.fd >= 0);
	assert_int_equal(mmlab_mmap(r.t[0], 0, FILE_PAGES * PG, PROT_READ, MAP_SHARED, r.fd, 0,
				    &r.map), 0);
	assert_int_equal(mmlab_mmap(r.t[0], 0, 4 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &r.buf), 0);
	for (int i = 1; i < NR_TASKS; i++) {
		assert_int_equal(mmlab_fork(r.t[0], &r.t[i]), 0);
		assert_int_equal(mmlab_task_set_cpu(r.t[i], (unsigned int)i), 0);
	}
	for (int i = 0; i < NR_TASKS; i++) {
		args[i] = (struct reader_arg){ .r = &r, .i = i };
		assert_int_equal(pthread_create(&th[i], NULL, reader, &args[i]), 0);
	}
	assert_int_equal(pthread_create(&th[NR_TASKS], NULL, adviser, &r), 0);
	for (int i = 0; i <= NR_TASKS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = NR_TASKS - 1; i >= 0; i--) {
		assert_int_equal(mmlab_task_validate(r.t[i]), 0);
		mmlab_exit(r.t[i]);
	}
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_machine_destroy(m);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readahead_state_races),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
