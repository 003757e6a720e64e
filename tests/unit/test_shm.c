// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SysV shared memory and memfd where the host cannot be compared without changing its
 * sysctls or reading machine-wide figures (tests/diff/diffshm.c compares the rest): the
 * overcommit charge of a segment (whole at shmget unless SHM_NORESERVE, kept under overcommit
 * "never", returned when the segment goes), meminfo's Shmem and status's RssShmem, the
 * kernel.shm* and vm.memfd_noexec sysctls, SHM_LOCK against RLIMIT_MEMLOCK, the seal checks
 * the file calls use, close-on-exec bits of reused fds, EMFILE, and machine teardown with
 * segments still attached (ASan sees any leak).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>

#include "mmlab.h"
#include "mm/memfd.h"

#define PG 4096UL
/* fcntl.h's, which would clash with fs.h's F_SEAL_* */
#define F_DUPFD 0
#define F_GETFD 1
#define FD_CLOEXEC 1
#define F_GET_SEALS 1034
#define O_RDONLY 0

struct fixture {
	struct mmlab_machine *m;
	struct mmlab_task *t;
};

static int setup(void **state)
{
	static struct fixture f;
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_task_config cfg = { .no_aslr = 1, .privileged = 1 };

	if (mmlab_machine_create(&mc, &f.m) || mmlab_task_create(f.m, &cfg, &f.t))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mmlab_task_validate(f->t), 0);
	mmlab_task_destroy(f->t);
	mmlab_machine_destroy(f->m);
	return 0;
}

/* A meminfo or status line's figure in kB. */
static long proc_kb(struct fixture *f, bool status, const char *field)
{
	char line[256];
	long kb = -1;
	FILE *out = tmpfile();

	if (status)
		mmlab_proc_status(f->t, out);
	else
		mmlab_proc_meminfo(f->m, out);
	rewind(out);
	while (fgets(line, sizeof(line), out))
		if (!strncmp(line, field, strlen(field)))
			sscanf(line + strlen(field), " %ld", &kb);
	fclose(out);
	return kb;
}

static void test_commit_charge(void **state)
{
	struct fixture *f = *state;
	long base = proc_kb(f, false, "Committed_AS:");
	uint64_t never = 2, old;
	int a, b, c;

	a = mmlab_shmget(f->t, IPC_PRIVATE, 10 * PG - 1, 0600);
	assert_true(a >= 0);
	assert_int_equal(proc_kb(f, false, "Committed_AS:") - base, 40);
	b = mmlab_shmget(f->t, IPC_PRIVATE, 10 * PG, SHM_NORESERVE | 0600);
	assert_int_equal(proc_kb(f, false, "Committed_AS:") - base, 40);
	/* overcommit "never" ignores SHM_NORESERVE, and refuses beyond CommitLimit */
	assert_int_equal(mmlab_sysctl(f->m, "vm.overcommit_memory", &never, &old), 0);
	c = mmlab_shmget(f->t, IPC_PRIVATE, 10 * PG, SHM_NORESERVE | 0600);
	assert_int_equal(proc_kb(f, false, "Committed_AS:") - base, 80);
	assert_int_equal(mmlab_shmget(f->t, IPC_PRIVATE, 1UL << 30, 0600), -ENOMEM);
	assert_int_equal(mmlab_sysctl(f->m, "vm.overcommit_memory", &old, NULL), 0);
	/* attaching charges nothing more (shared); removing returns the charge */
	{
		uint64_t at;

		assert_int_equal(mmlab_shmat(f->t, a, 0, 0, &at), 0);
		assert_int_equal(proc_kb(f, false, "Committed_AS:") - base, 80);
		assert_int_equal(mmlab_shmctl(f->t, a, IPC_RMID, NULL), 0);
		assert_int_equal(proc_kb(f, false, "Committed_AS:") - base, 80);
		assert_int_equal(mmlab_shmdt(f->t, at), 0);
	}
	assert_int_equal(proc_kb(f, false, "Committed_AS:") - base, 40);
	assert_int_equal(mmlab_shmctl(f->t, b, IPC_RMID, NULL), 0);
	assert_int_equal(mmlab_shmctl(f->t, c, IPC_RMID, NULL), 0);
	assert_int_equal(proc_kb(f, false, "Committed_AS:"), base);
}

static void test_shmem_counters(void **state)
{
	struct fixture *f = *state;
	int id = mmlab_shmget(f->t, IPC_PRIVATE, 4 * PG, 0600);
	uint64_t at;

	assert_int_equal(mmlab_shmat(f->t, id, 0, 0, &at), 0);
	assert_int_equal(mmlab_touch(f->t, at, 3 * PG, "w", NULL), 0);
	assert_int_equal(proc_kb(f, false, "Shmem:"), 12);
	assert_int_equal(proc_kb(f, true, "RssShmem:"), 12);
	assert_int_equal(mmlab_shmdt(f->t, at), 0);
	/* the pages stay in the segment after the detach */
	assert_int_equal(proc_kb(f, true, "RssShmem:"), 0);
	assert_int_equal(proc_kb(f, false, "Shmem:"), 12);
	assert_int_equal(mmlab_shmat(f->t, id, 0, SHM_RDONLY, &at), 0);
	assert_int_equal(mmlab_touch(f->t, at, 4 * PG, "r", NULL), 0);
	assert_int_equal(proc_kb(f, false, "Shmem:"), 16);
	assert_int_equal(mmlab_shmctl(f->t, id, IPC_RMID, NULL), 0);
	assert_int_equal(proc_kb(f, false, "Shmem:"), 16);
	assert_int_equal(mmlab_shmdt(f->t, at), 0);
	assert_int_equal(proc_kb(f, false, "Shmem:"), 0);
}

static void test_sysctls(void **state)
{
	struct fixture *f = *state;
	uint64_t v, old_max, old_all, old_mni;
	int ids[3];

	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmax", NULL, &old_max), 0);
	assert_int_equal(old_max, ~0UL - (1UL << 24));
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmni", NULL, &old_mni), 0);
	assert_int_equal(old_mni, 4096);
	v = 8192;
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmax", &v, NULL), 0);
	assert_int_equal(mmlab_shmget(f->t, IPC_PRIVATE, 8193, 0600), -EINVAL);
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmax", &old_max, NULL), 0);
	v = 2;
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmni", &v, NULL), 0);
	ids[0] = mmlab_shmget(f->t, IPC_PRIVATE, PG, 0600);
	ids[1] = mmlab_shmget(f->t, IPC_PRIVATE, PG, 0600);
	assert_int_equal(mmlab_shmget(f->t, IPC_PRIVATE, PG, 0600), -ENOSPC);
	/* ids are index + seq * 32768, the index taken cyclically */
	assert_int_equal(ids[1], ids[0] + 1);
	assert_int_equal(mmlab_shmctl(f->t, ids[0], IPC_RMID, NULL), 0);
	ids[2] = mmlab_shmget(f->t, IPC_PRIVATE, PG, 0600);
	assert_int_equal(ids[2], ids[1] + 1);
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmni", &old_mni, NULL), 0);
	v = 40000;
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmmni", &v, NULL), -EINVAL);
	/* shmall counts pages of all segments: two exist */
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmall", NULL, &old_all), 0);
	v = 3;
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmall", &v, NULL), 0);
	assert_int_equal(mmlab_shmget(f->t, IPC_PRIVATE, 2 * PG, 0600), -ENOSPC);
	assert_true(mmlab_shmget(f->t, IPC_PRIVATE, PG, 0600) >= 0);
	assert_int_equal(mmlab_sysctl(f->m, "kernel.shmall", &old_all, NULL), 0);

	/* vm.memfd_noexec: 1 seals exec by default, 2 also refuses MFD_EXEC */
	v = 1;
	assert_int_equal(mmlab_sysctl(f->m, "vm.memfd_noexec", &v, NULL), 0);
	{
		int fd = mmlab_memfd_create(f->t, "x", 0);

		assert_true(fd >= 0);
		assert_int_equal(mmlab_fcntl(f->t, fd, F_GET_SEALS, 0), 0x20);
		mmlab_close(f->t, fd);
	}
	v = 2;
	assert_int_equal(mmlab_sysctl(f->m, "vm.memfd_noexec", &v, NULL), 0);
	{
		int fd = mmlab_memfd_create(f->t, "x", 0);	/* MFD_NOEXEC_SEAL implied */

		assert_true(fd >= 0);
		mmlab_close(f->t, fd);
	}
	assert_int_equal(mmlab_memfd_create(f->t, "x", 0x10), -EACCES);
	v = 3;
	assert_int_equal(mmlab_sysctl(f->m, "vm.memfd_noexec", &v, NULL), -EINVAL);
	v = 0;
	assert_int_equal(mmlab_sysctl(f->m, "vm.memfd_noexec", &v, NULL), 0);
}

static void test_shm_lock(void **state)
{
	struct fixture *f = *state;
	struct mmlab_rlimit none = { 0, 8 * PG }, eight = { 8 * PG, 8 * PG };
	struct mmlab_task *c;
	int root_id = mmlab_shmget(f->t, IPC_PRIVATE, PG, 0666), a, b;

	assert_int_equal(mmlab_fork(f->t, &c), 0);
	assert_int_equal(mmlab_setrlimit(c, RLIMIT_MEMLOCK, &none), 0);
	assert_int_equal(mmlab_setresuid(c, 1000, 1000, 1000), 0);
	assert_int_equal(mmlab_shmctl(c, root_id, SHM_LOCK, NULL), -EPERM);
	a = mmlab_shmget(c, IPC_PRIVATE, 8 * PG, 0600);
	assert_int_equal(mmlab_shmctl(c, a, SHM_LOCK, NULL), -EPERM);	/* no RLIMIT_MEMLOCK */
	assert_int_equal(mmlab_setrlimit(c, RLIMIT_MEMLOCK, &eight), 0);
	assert_int_equal(mmlab_shmctl(c, a, SHM_LOCK, NULL), 0);
	assert_int_equal(mmlab_shmctl(c, a, SHM_LOCK, NULL), 0);	/* again: nothing more */
	b = mmlab_shmget(c, IPC_PRIVATE, 1, 0600);
	assert_int_equal(mmlab_shmctl(c, b, SHM_LOCK, NULL), -ENOMEM);
	assert_int_equal(mmlab_shmctl(c, a, SHM_UNLOCK, NULL), 0);
	assert_int_equal(mmlab_shmctl(c, b, SHM_LOCK, NULL), 0);
	{
		struct mmlab_shmid_ds ds;

		assert_int_equal(mmlab_shmctl(c, b, IPC_STAT, &ds), 0);
		assert_int_equal(ds.mode, 02600);
		assert_int_equal(ds.uid, 1000);
	}
	mmlab_exit(c);
}

static void test_seal_checks(void **state)
{
	struct fixture *f = *state;
	struct inode inode = { .i_kind = FS_SHMEM, .i_size = 2 * PG };

	assert_int_equal(memfd_check_write(&inode, 0, PG), 0);
	assert_int_equal(memfd_check_write(&inode, 2 * PG, PG), 0);
	inode.seals = F_SEAL_GROW;
	assert_int_equal(memfd_check_write(&inode, PG, PG), 0);
	assert_int_equal(memfd_check_write(&inode, PG + 1, PG), -EPERM);
	assert_int_equal(memfd_check_resize(&inode, 3 * PG), -EPERM);
	assert_int_equal(memfd_check_resize(&inode, PG), 0);
	assert_int_equal(memfd_check_fallocate(&inode, 0, 0, 3 * PG), -EPERM);
	assert_int_equal(memfd_check_fallocate(&inode, 0x02 | 0x01, 0, PG), 0);
	inode.seals = F_SEAL_SHRINK;
	assert_int_equal(memfd_check_resize(&inode, PG), -EPERM);
	assert_int_equal(memfd_check_resize(&inode, 2 * PG), 0);
	inode.seals = F_SEAL_FUTURE_WRITE;
	assert_int_equal(memfd_check_write(&inode, 0, 1), -EPERM);
	assert_int_equal(memfd_check_fallocate(&inode, 0x02 | 0x01, 0, PG), -EPERM);
	inode.i_kind = FS_OVERLAY;
	assert_int_equal(memfd_check_write(&inode, 0, 1), 0);
	(void)f;
}

static void test_fds(void **state)
{
	struct fixture *f = *state;
	struct mmlab_rlimit four = { 4, 4 }, back;
	int fd = mmlab_memfd_create(f->t, "a", MFD_CLOEXEC), fd2, hfd;
	uint64_t addr;

	assert_int_equal(mmlab_fcntl(f->t, fd, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(mmlab_close(f->t, fd), 0);
	fd2 = mmlab_open(f->t, "/dev/null", O_RDONLY);
	assert_int_equal(fd2, fd);
	/* the bit went with close */
	assert_int_equal(mmlab_fcntl(f->t, fd2, F_GETFD, 0), 0);
	mmlab_close(f->t, fd2);
	assert_int_equal(mmlab_getrlimit(f->t, RLIMIT_NOFILE, &back), 0);
	assert_int_equal(mmlab_setrlimit(f->t, RLIMIT_NOFILE, &four), 0);
	for (int k = 0; k < 4; k++)
		assert_int_equal(mmlab_memfd_create(f->t, "n", 0), k);
	assert_int_equal(mmlab_memfd_create(f->t, "n", 0), -EMFILE);
	assert_int_equal(mmlab_fcntl(f->t, 0, F_DUPFD, 0), -EMFILE);
	assert_int_equal(mmlab_fcntl(f->t, 0, F_DUPFD, 4), -EINVAL);
	for (int k = 0; k < 4; k++)
		mmlab_close(f->t, k);
	assert_int_equal(mmlab_setrlimit(f->t, RLIMIT_NOFILE, &back), 0);
	assert_int_equal(mmlab_memfd_create(f->t, NULL, 0), -EFAULT);
	/* MFD_HUGETLB with no huge page reserved: whole 2 MiB sizes, no mmap, no write */
	hfd = mmlab_memfd_create(f->t, "h", 0x4);
	assert_true(hfd >= 0);
	assert_int_equal(mmlab_ftruncate(f->t, hfd, 4096), -EINVAL);
	assert_int_equal(mmlab_ftruncate(f->t, hfd, 2L << 20), 0);
	assert_int_equal(mmlab_mmap(f->t, 0, 2UL << 20, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0,
				    &addr), -ENOMEM);
	assert_int_equal(mmlab_close(f->t, hfd), 0);
	assert_int_equal(mmlab_memfd_create(f->t, "h", 0x4 | (30U << 26)), -ENODEV);
}

/* The index runs cyclically through 32768 slots; coming back to 0 bumps the sequence. */
static void test_id_wrap(void **state)
{
	struct fixture *f = *state;
	int id = -1;

	for (int k = 0; k < 32768; k++) {
		id = mmlab_shmget(f->t, IPC_PRIVATE, 1, 0600);
		assert_int_equal(id, k);
		assert_int_equal(mmlab_shmctl(f->t, id, IPC_RMID, NULL), 0);
	}
	id = mmlab_shmget(f->t, IPC_PRIVATE, 1, 0600);
	assert_int_equal(id, 32768);
	/* the old id of that index is stale now */
	assert_int_equal(mmlab_shmctl(f->t, 0, IPC_RMID, NULL), -EINVAL);
	assert_int_equal(mmlab_shmctl(f->t, id, IPC_RMID, NULL), 0);
}

/* Segments still attached, one of them removed, when the task and machine go. */
static void test_teardown_attached(void **state)
{
	struct fixture *f = *state;
	int a = mmlab_shmget(f->t, IPC_PRIVATE, 2 * PG, 0600);
	int b = mmlab_shmget(f->t, 0x1234, 2 * PG, IPC_CREAT | 0600);
	struct mmlab_task *c;
	uint64_t at;

	assert_int_equal(mmlab_shmat(f->t, a, 0, 0, &at), 0);
	assert_int_equal(mmlab_touch(f->t, at, 2 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_shmat(f->t, b, 0, 0, &at), 0);
	assert_int_equal(mmlab_touch(f->t, at, PG, "w", NULL), 0);
	assert_int_equal(mmlab_shmctl(f->t, a, IPC_RMID, NULL), 0);
	assert_int_equal(mmlab_fork(f->t, &c), 0);
	assert_int_equal(mmlab_touch(c, at, 2 * PG, "w", NULL), 0);
	mmlab_exit(c);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_charge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shmem_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shm_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seal_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_attached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_wrap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
