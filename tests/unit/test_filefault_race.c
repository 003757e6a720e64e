// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Truncation against faults in other address spaces (src/mm/truncate.c's walk over i_mmap):
 * two tasks map one file, shared and private, and touch its pages from their own threads
 * while a third thread shrinks and regrows the file and a fourth maps and unmaps it in the
 * second task. A touch past the end gets SIGBUS, nothing else fails; at the end both tasks
 * validate (RSS, map counts, i_mmap) and every frame is free again. Under TSan it checks the
 * MMU's side of the race: walks read and update entries without locks (pgtable.h's ptep_get
 * family), and a shootdown waits for the CPU it flushes to leave user mode (mmu.h's ipi_lock).
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"
#include "mm/file.h"
#include "mm/task.h"

#define PG 4096UL
#define FILE_PAGES 48
#define ROUNDS 2000
#define O_RDWR_ 2	/* <fcntl.h> and fs.h both define F_SEAL_*: not included */

struct race {
	struct mmlab_task *t[2];
	uint64_t shared[2], private[2];	/* Each task's two mappings of the file */
	struct inode *inode;
	int fd;
	int stop;
};

/* Touches random pages of both mappings of task @i until told to stop. */
static void *toucher(void *arg)
{
	struct race *r = arg;
	static int next;
	int i = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % 2;
	unsigned int seed = 7 + (unsigned int)i;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint64_t page = (uint64_t)(rand_r(&seed) % FILE_PAGES);
		uint64_t a = (rand_r(&seed) & 1 ? r->shared[i] : r->private[i]) + page * PG;
		struct mmlab_fault f = { 0 };
		int err = mmlab_touch(r->t[i], a, 1, rand_r(&seed) & 1 ? "w" : "r", &f);

		assert_true(!err || (err == -EFAULT && f.signo == SIGBUS));
	}
	return NULL;
}

static void *truncater(void *arg)
{
	struct race *r = arg;
	unsigned int seed = 3;

	for (int n = 0; n < ROUNDS; n++) {
		loff_t len = (loff_t)(rand_r(&seed) % (FILE_PAGES * PG));

		assert_int_equal(do_truncate(r->inode, len), 0);
		assert_int_equal(do_truncate(r->inode, FILE_PAGES * PG), 0);
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Maps and unmaps extra views of the file in the second task: i_mmap changes meanwhile (its
 * CPU context is the second toucher's, so this thread does not touch).
 */
static void *remapper(void *arg)
{
	struct race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint64_t a;

		assert_int_equal(mmlab_mmap(r->t[1], 0, 8 * PG, PROT_READ, MAP_SHARED, r->fd, 0,
					    &a), 0);
		assert_int_equal(mmlab_munmap(r->t[1], a, 8 * PG), 0);
	}
	return NULL;
}

static void test_truncate_races_faults(void **state)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 64UL << 20, .nr_cpus = 4 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
	char path[] = "/tmp/mmlab_filerace_XXXXXX";
	int hfd = mkstemp(path);
	struct mmlab_machine *m;
	struct race r = { 0 };
	pthread_t th[4];

	(void)state;
	assert_true(hfd >= 0);
	assert_int_equal(ftruncate(hfd, FILE_PAGES * PG), 0);
	close(hfd);
	assert_int_equal(mmlab_machine_create(&cfg, &m), 0);
	assert_int_equal(mmlab_task_create(m, &tc, &r.t[0]), 0);
	r.fd = mmlab_open(r.t[0], path, O_RDWR_);
	assert_true(r.fd >= 0);
	r.inode = r.t[0]->fds[r.fd]->f_inode;
	assert_int_equal(mmlab_mmap(r.t[0], 0, FILE_PAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
				    r.fd, 0, &r.shared[0]), 0);
	assert_int_equal(mmlab_mmap(r.t[0], 0, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE, r.fd, 0, &r.private[0]), 0);
	assert_int_equal(mmlab_fork(r.t[0], &r.t[1]), 0);
	assert_int_equal(mmlab_task_set_cpu(r.t[1], 1), 0);
	r.shared[1] = r.shared[0];
	r.private[1] = r.private[0];
	assert_int_equal(pthread_create(&th[0], NULL, toucher, &r), 0);
	assert_int_equal(pthread_create(&th[1], NULL, toucher, &r), 0);
	assert_int_equal(pthread_create(&th[2], NULL, remapper, &r), 0);
	assert_int_equal(pthread_create(&th[3], NULL, truncater, &r), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(mmlab_task_validate(r.t[0]), 0);
	assert_int_equal(mmlab_task_validate(r.t[1]), 0);
	mmlab_exit(r.t[1]);
	mmlab_exit(r.t[0]);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_machine_destroy(m);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncate_races_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
