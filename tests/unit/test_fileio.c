// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calls that move data between files and a task's memory: user copies that fault as the
 * kernel's uaccess does (partial counts, EFAULT), /dev/zero, /dev/null and /dev/full, lseek,
 * dup/dup2/dup3 and close-on-exec, pipe2 with reads and writes between two tasks (full, empty,
 * packet mode, broken pipes), and vmsplice in both directions. The expected partial counts are
 * what the host kernel (6.18) answered for the same sequences (tests/diff/diffio.c compares
 * them live).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "mmlab.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mm/machine.h"
#include "phys/lru.h"
#include "mm_fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096UL
#define BUF 0x10000000UL	/* pages 0-1 RW, 2 unmapped, 3 read-only, 4-5 RW */

#ifndef SPLICE_F_NONBLOCK
#define SPLICE_F_NONBLOCK 0x02
#define SPLICE_F_GIFT 0x08
#endif

static void map_window(struct mmlab_task *t)
{
	uint64_t out;
	char fill[PG];

	assert_int_equal(mmlab_mmap(t, BUF, 6 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out), 0);
	memset(fill, 'b', sizeof(fill));
	for (int i = 0; i < 6; i++)
		if (i != 2)
			assert_int_equal(mmlab_poke(t, BUF + i * PG, fill, PG, NULL), 0);
	assert_int_equal(mmlab_munmap(t, BUF + 2 * PG, PG), 0);
	assert_int_equal(mmlab_mprotect(t, BUF + 3 * PG, PG, PROT_READ), 0);
}

static void test_dev_zero_null(void **state)
{
	struct fixture *f = *state;
	int z = mmlab_open(f->t, "/dev/zero", O_RDWR), n = mmlab_open(f->t, "/dev/null", O_RDWR);
	int full = mmlab_open(f->t, "/dev/full", O_RDWR);
	char back[200];

	assert_true(z >= 0 && n >= 0 && full >= 0);
	map_window(f->t);
	/* The copy stops at the unmapped page: the bytes before it */
	assert_int_equal(mmlab_fd_read(f->t, z, BUF + 2 * PG - 96, 200), 96);
	assert_int_equal(mmlab_peek(f->t, BUF + 2 * PG - 96, back, 96, NULL), 0);
	for (int i = 0; i < 96; i++)
		assert_int_equal(back[i], 0);
	assert_int_equal(mmlab_fd_read(f->t, z, BUF + 2 * PG, 200), -EFAULT);
	assert_int_equal(mmlab_fd_read(f->t, z, BUF + 3 * PG, 200), -EFAULT); /* read-only */
	assert_int_equal(mmlab_fd_read(f->t, z, BUF, UINT64_MAX), -EFAULT);	/* access_ok */
	assert_int_equal(mmlab_fd_read(f->t, z, BUF, 0), 0);
	assert_int_equal(mmlab_fd_pread(f->t, z, BUF, 100, 12345), 100);
	assert_int_equal(mmlab_fd_pread(f->t, z, BUF, 100, -1), -EINVAL);
	/* /dev/null takes any buffer without reading it, and reads nothing */
	assert_int_equal(mmlab_fd_write(f->t, n, 8, 200), 200);
	assert_int_equal(mmlab_fd_read(f->t, n, 8, 200), 0);
	assert_int_equal(mmlab_fd_write(f->t, n, BUF, 1UL << 47), -EFAULT);
	assert_int_equal(mmlab_fd_write(f->t, z, 8, 200), 200);
	assert_int_equal(mmlab_fd_write(f->t, full, BUF, 10), -ENOSPC);
	assert_int_equal(mmlab_fd_read(f->t, full, BUF, 10), 10);
	/* lseek: always 0; whence beyond SEEK_HOLE is EINVAL */
	assert_int_equal(mmlab_lseek(f->t, z, 100, SEEK_SET), 0);
	assert_int_equal(mmlab_lseek(f->t, z, 100, 7), -EINVAL);
	assert_int_equal(mmlab_lseek(f->t, 999, 0, SEEK_SET), -EBADF);
	/* the fd's mode */
	int ro = mmlab_open(f->t, "/dev/zero", O_RDONLY);
	assert_int_equal(mmlab_fd_write(f->t, ro, BUF, 10), -EBADF);
	int path = mmlab_open(f->t, "/dev/zero", O_PATH);
	assert_int_equal(mmlab_fd_read(f->t, path, BUF, 10), -EBADF);
	assert_int_equal(mmlab_lseek(f->t, path, 0, SEEK_SET), -EBADF);
	/* readv: the segments in order, the fault ends it */
	struct mmlab_iovec iov[3] = { { BUF, 10 }, { BUF + 2 * PG - 10, 20 }, { BUF + 4 * PG, 5 } };
	assert_int_equal(mmlab_fd_readv(f->t, z, iov, 3), 20);
	assert_int_equal(mmlab_fd_readv(f->t, z, iov, 1025), -EINVAL);
	assert_int_equal(mmlab_fd_readv(f->t, z, iov, 0), 0);
	struct mmlab_iovec neg = { BUF, (uint64_t)-1 };
	assert_int_equal(mmlab_fd_readv(f->t, z, &neg, 1), -EINVAL);
	assert_int_equal(mmlab_fd_writev(f->t, n, iov, 3), 35);
}

static void test_dup(void **state)
{
	struct fixture *f = *state;
	int z = mmlab_open(f->t, "/dev/zero", O_RDONLY | O_CLOEXEC);

	assert_true(z >= 0);
	assert_true(f->t->close_on_exec[z / 64] & (1UL << (z % 64)));
	int d = mmlab_dup(f->t, z);
	assert_int_equal(d, z + 1);
	assert_false(f->t->close_on_exec[d / 64] & (1UL << (d % 64)));	/* dup clears it */
	assert_int_equal(mmlab_dup(f->t, 500), -EBADF);
	assert_int_equal(mmlab_dup2(f->t, z, z), z);
	assert_int_equal(mmlab_dup2(f->t, 500, 500), -EBADF);
	assert_int_equal(mmlab_dup2(f->t, z, 1024), -EBADF);
	assert_int_equal(mmlab_dup2(f->t, z, -1), -EBADF);
	assert_int_equal(mmlab_dup3(f->t, z, z, 0), -EINVAL);
	assert_int_equal(mmlab_dup3(f->t, z, 9, 1), -EINVAL);
	assert_int_equal(mmlab_dup3(f->t, z, 9, O_CLOEXEC), 9);
	assert_true(f->t->close_on_exec[0] & (1UL << 9));
	/* dup2 over an open fd closes it and clears the bit */
	int n = mmlab_open(f->t, "/dev/null", O_RDWR);
	assert_int_equal(mmlab_dup2(f->t, n, 9), 9);
	assert_false(f->t->close_on_exec[0] & (1UL << 9));
	assert_int_equal(mmlab_fd_write(f->t, 9, 8, 5), 5);	/* now /dev/null */
	assert_int_equal(mmlab_close(f->t, 9), 0);
	/* O_PATH fds can be duplicated */
	int p = mmlab_open(f->t, "/dev/null", O_PATH);
	assert_true(mmlab_dup(f->t, p) >= 0);
	/* RLIMIT_NOFILE bounds the slots */
	struct mmlab_rlimit rl = { 12, 12 };
	assert_int_equal(mmlab_setrlimit(f->t, RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(mmlab_dup2(f->t, z, 12), -EBADF);
	assert_int_equal(mmlab_dup2(f->t, z, 11), 11);
	while (mmlab_dup(f->t, z) >= 0)
		;
	assert_int_equal(mmlab_dup(f->t, z), -EMFILE);
	int fds[2];
	assert_int_equal(mmlab_pipe2(f->t, fds, 0), -EMFILE);
}

static void test_pipe_between_tasks(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *child;
	int fds[2];
	char got[16];

	assert_int_equal(mmlab_pipe2(f->t, fds, 0x1234), -EINVAL);
	assert_int_equal(mmlab_pipe2(f->t, fds, O_EXCL), -ENOPKG);
	assert_int_equal(mmlab_pipe2(f->t, fds, O_CLOEXEC), 0);
	assert_true(f->t->close_on_exec[0] & (1UL << fds[0]) && f->t->close_on_exec[0] & (1UL << fds[1]));
	map_window(f->t);
	assert_int_equal(mmlab_fork(f->t, &child), 0);
	assert_int_equal(mmlab_poke(f->t, BUF, "hello, child", 12, NULL), 0);
	assert_int_equal(mmlab_fd_read(child, fds[0], BUF + 4 * PG, 100), -EAGAIN); /* empty */
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF, 12), 12);
	assert_int_equal(mmlab_fd_read(child, fds[1], BUF, 10), -EBADF);	/* write end */
	assert_int_equal(mmlab_fd_pread(child, fds[0], BUF, 10, 0), -ESPIPE);
	assert_int_equal(mmlab_fd_pread(child, fds[1], BUF, 10, 0), -ESPIPE);	/* before EBADF */
	assert_int_equal(mmlab_lseek(child, fds[0], 0, SEEK_CUR), -ESPIPE);
	assert_int_equal(mmlab_fd_read(child, fds[0], BUF + 4 * PG, 5), 5);
	assert_int_equal(mmlab_fd_read(child, fds[0], BUF + 4 * PG + 5, 100), 7);
	assert_int_equal(mmlab_peek(child, BUF + 4 * PG, got, 12, NULL), 0);
	assert_memory_equal(got, "hello, child", 12);
	/* The parent's copy of that page is still its own */
	assert_int_equal(mmlab_peek(f->t, BUF + 4 * PG, got, 1, NULL), 0);
	assert_int_equal(got[0], 'b');
	/* Full after 16 pages: the partial count, then EAGAIN */
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF, 2 * PG), 2 * PG);
	for (int i = 0; i < 6; i++)
		assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF + 4 * PG, 2 * PG), 2 * PG);
	/* A fault in a new buffer ends the write with the pages before it; that buffer goes */
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF + 5 * PG, 2 * PG), PG);
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF, 1), 1);
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF, PG), -EAGAIN);
	/* Readers gone in both tasks: EPIPE; writers gone: end of file after the data */
	assert_int_equal(mmlab_close(f->t, fds[0]), 0);
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF, 1), 1);
	assert_int_equal(mmlab_fd_write(f->t, fds[1], BUF, PG), -EAGAIN);
	assert_int_equal(mmlab_close(f->t, fds[1]), 0);
	assert_int_equal(mmlab_close(child, fds[1]), 0);
	int64_t total = 0, r;
	while ((r = mmlab_fd_read(child, fds[0], BUF + 4 * PG, 2 * PG)) > 0)
		total += r;
	assert_int_equal(r, 0);
	assert_int_equal(total, 15 * PG + 2);
	mmlab_task_destroy(child);
}

/* The host's answers to the same sequence (see the file's comment). */
static void test_pipe_partial(void **state)
{
	struct fixture *f = *state;
	int p[2];

	map_window(f->t);
	assert_int_equal(mmlab_pipe2(f->t, p, O_NONBLOCK), 0);
	uint64_t m = BUF + PG;	/* page m is RW, m + PG unmapped */
	assert_int_equal(mmlab_fd_write(f->t, p[1], m + 4000, 200), -EFAULT);
	assert_int_equal(mmlab_fd_write(f->t, p[1], m + 4000, 96), 96);
	assert_int_equal(mmlab_fd_write(f->t, p[1], m + 4000, 100), -EFAULT);
	assert_int_equal(mmlab_fd_write(f->t, p[1], BUF + 4 * PG, 5000), 5000);
	assert_int_equal(mmlab_fd_read(f->t, p[0], m + 4000, 200), -EFAULT);
	assert_int_equal(mmlab_fd_read(f->t, p[0], m + 4000, 50), 50);
	assert_int_equal(mmlab_fd_read(f->t, p[0], m + 4000, 200), -EFAULT);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF + 3 * PG, 200), -EFAULT); /* read-only */
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF + 5 * PG, 6000), 950);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF + 4 * PG, 6000), 4096);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF + 4 * PG, 6000), -EAGAIN);
	/* Packet mode: one buffer per read, the rest dropped */
	assert_int_equal(mmlab_pipe2(f->t, p, O_DIRECT | O_NONBLOCK), 0);
	assert_int_equal(mmlab_fd_write(f->t, p[1], BUF + 4 * PG, 5000), 5000);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF, 10), 10);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF, 10000), 904);
	/* writev: segments in order into one pipe */
	struct mmlab_iovec iov[2] = { { BUF, 3 }, { BUF + 4 * PG, 4 } };
	assert_int_equal(mmlab_fd_writev(f->t, p[1], iov, 2), 7);
	assert_int_equal(mmlab_fd_readv(f->t, p[0], iov, 2), 7);
}

static void test_vmsplice(void **state)
{
	struct fixture *f = *state;
	int p[2], z = mmlab_open(f->t, "/dev/zero", O_RDONLY);
	struct mmlab_iovec iov = { BUF, 4 }, v[16];
	char c[4];

	map_window(f->t);
	assert_int_equal(mmlab_pipe2(f->t, p, O_NONBLOCK), 0);
	assert_int_equal(mmlab_vmsplice(f->t, p[1], &iov, 1, 0x10), -EINVAL);
	assert_int_equal(mmlab_vmsplice(f->t, z, &iov, 1, 0), -EBADF);
	assert_int_equal(mmlab_vmsplice(f->t, 999, &iov, 1, 0), -EBADF);
	assert_int_equal(mmlab_vmsplice(f->t, p[1], &iov, 1, SPLICE_F_GIFT), 4);
	/* The pipe holds the page, not a copy: a later store shows */
	assert_int_equal(mmlab_poke(f->t, BUF, "Z", 1, NULL), 0);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF + 4 * PG, 4), 4);
	assert_int_equal(mmlab_peek(f->t, BUF + 4 * PG, c, 4, NULL), 0);
	assert_memory_equal(c, "Zbbb", 4);
	/* Each segment is a buffer of its own: 16 fill the pipe */
	for (int i = 0; i < 16; i++)
		v[i] = (struct mmlab_iovec){ BUF + i * 10, 1 };
	assert_int_equal(mmlab_vmsplice(f->t, p[1], v, 16, 0), 16);
	assert_int_equal(mmlab_fd_write(f->t, p[1], BUF, 1), -EAGAIN);
	assert_int_equal(mmlab_vmsplice(f->t, p[1], v, 1, SPLICE_F_NONBLOCK), -EAGAIN);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF + 4 * PG, 100), 16);
	/* A fault ends it with the pages before */
	iov = (struct mmlab_iovec){ BUF + 2 * PG - 96, 200 };
	assert_int_equal(mmlab_vmsplice(f->t, p[1], &iov, 1, 0), 96);
	/* Out of the pipe: a copy that faults is EFAULT with nothing taken */
	iov = (struct mmlab_iovec){ BUF + 2 * PG - 50, 96 };
	assert_int_equal(mmlab_vmsplice(f->t, p[0], &iov, 1, 0), -EFAULT);
	iov = (struct mmlab_iovec){ BUF + 5 * PG, 200 };
	assert_int_equal(mmlab_vmsplice(f->t, p[0], &iov, 1, 0), 96);
	assert_int_equal(mmlab_vmsplice(f->t, p[0], &iov, 1, SPLICE_F_NONBLOCK), -EAGAIN);
	/* A segment of 16 pages from an 8-page aligned buffer: 16 pages fit, not more */
	assert_int_equal(mmlab_vmsplice(f->t, p[1], &iov, 0, 0), 0);
	/* munmap after vmsplice: the pipe still holds the data */
	iov = (struct mmlab_iovec){ BUF + 4 * PG, 8 };
	assert_int_equal(mmlab_poke(f->t, BUF + 4 * PG, "12345678", 8, NULL), 0);
	assert_int_equal(mmlab_vmsplice(f->t, p[1], &iov, 1, 0), 8);
	assert_int_equal(mmlab_munmap(f->t, BUF + 4 * PG, PG), 0);
	assert_int_equal(mmlab_fd_read(f->t, p[0], BUF, 8), 8);
	assert_int_equal(mmlab_peek(f->t, BUF, c, 4, NULL), 0);
	assert_memory_equal(c, "1234", 4);
	/* closing the read end: EPIPE */
	assert_int_equal(mmlab_close(f->t, p[0]), 0);
	iov = (struct mmlab_iovec){ BUF, 8 };
	assert_int_equal(mmlab_vmsplice(f->t, p[1], &iov, 1, 0), -EPIPE);
}


/* A file that exists only in the machine's memory (the overlay's upper layer). */
static void test_regular_rw(void **state)
{
	struct fixture *f = *state;
	int fd = mmlab_openat(f->t, "/tmp/mmlab-fileio-unit.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
	char got[16];

	assert_true(fd >= 0);
	map_window(f->t);
	assert_int_equal(mmlab_poke(f->t, BUF, "0123456789", 10, NULL), 0);
	assert_int_equal(mmlab_fd_write(f->t, fd, BUF, 10), 10);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_CUR), 10);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_END), 10);
	/* a write whose source faults part way: the bytes before the fault (host: 96) */
	assert_int_equal(mmlab_fd_pwrite(f->t, fd, BUF + 2 * PG - 96, 200, 4090), 96);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_END), 4090 + 96);
	assert_int_equal(mmlab_fd_pwrite(f->t, fd, BUF + 2 * PG, 200, 0), -EFAULT);
	/* the hole between reads as zeros */
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + 4 * PG, 16, 8), 16);
	assert_int_equal(mmlab_peek(f->t, BUF + 4 * PG, got, 4, NULL), 0);
	assert_memory_equal(got, "89\0\0", 4);
	/* into a read-only or unmapped buffer: EFAULT, or the bytes before the fault */
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + 3 * PG, 100, 0), -EFAULT);
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + 2 * PG - 30, 100, 0), 30);
	/* reads stop at the end of the file */
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF, 100, 4090 + 90), 6);
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF, 100, 1 << 20), 0);
	/* the file position moves with read/write, not with pread/pwrite */
	assert_int_equal(mmlab_lseek(f->t, fd, 2, SEEK_SET), 2);
	assert_int_equal(mmlab_fd_read(f->t, fd, BUF + 4 * PG, 3), 3);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_CUR), 5);
	assert_int_equal(mmlab_lseek(f->t, fd, -10, SEEK_SET), -EINVAL);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_DATA), 0);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_HOLE), 4090 + 96);
	assert_int_equal(mmlab_lseek(f->t, fd, 5000, SEEK_DATA), -ENXIO);
	/* O_APPEND: every write at the end, pwrite too */
	int ap = mmlab_openat(f->t, "/tmp/mmlab-fileio-unit.txt", O_WRONLY | O_APPEND, 0);
	assert_true(ap >= 0);
	assert_int_equal(mmlab_fd_pwrite(f->t, ap, BUF, 4, 0), 4);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_END), 4090 + 96 + 4);
	assert_int_equal(mmlab_fd_read(f->t, ap, BUF, 4), -EBADF);
	/* readv/writev over the file */
	struct mmlab_iovec iov[2] = { { BUF, 2 }, { BUF + 4, 3 } };
	assert_int_equal(mmlab_fd_pwrite(f->t, fd, BUF, 0, 0), 0);
	assert_int_equal(mmlab_poke(f->t, BUF, "0123456789", 10, NULL), 0);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_SET), 0);
	assert_int_equal(mmlab_fd_writev(f->t, fd, iov, 2), 5);
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + 4 * PG, 5, 0), 5);
	assert_int_equal(mmlab_peek(f->t, BUF + 4 * PG, got, 5, NULL), 0);
	assert_memory_equal(got, "01456", 5);
	/* fallocate: tmpfs's modes */
	assert_int_equal(mmlab_fallocate(f->t, fd, 0, -1, 10), -EINVAL);
	assert_int_equal(mmlab_fallocate(f->t, fd, 0, 0, 0), -EINVAL);
	assert_int_equal(mmlab_fallocate(f->t, fd, 0x02, 0, 10), -EOPNOTSUPP);	/* hole w/o keep */
	assert_int_equal(mmlab_fallocate(f->t, fd, 0x10, 0, 10), -EOPNOTSUPP);	/* zero range */
	assert_int_equal(mmlab_fallocate(f->t, ap, 0, 0, 10), 0);	/* O_APPEND is not IS_APPEND */
	assert_int_equal(mmlab_fallocate(f->t, fd, 0x01, 0, 100000), 0);	/* keep size */
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_END), 4090 + 96 + 4);
	assert_int_equal(mmlab_fallocate(f->t, fd, 0, 0, 100000), 0);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_END), 100000);
	assert_int_equal(mmlab_fallocate(f->t, fd, 0x03, 1, 2), 0);		/* punch */
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + 4 * PG, 4, 0), 4);
	assert_int_equal(mmlab_peek(f->t, BUF + 4 * PG, got, 4, NULL), 0);
	assert_memory_equal(got, "0\0\0" "5", 4);
	/* fsync, fdatasync, fadvise */
	assert_int_equal(mmlab_fsync(f->t, fd), 0);
	assert_int_equal(mmlab_fdatasync(f->t, fd), 0);
	assert_int_equal(mmlab_fsync(f->t, 999), -EBADF);
	/* DONTNEED drops the clean pages fsync left; WILLNEED reads them back */
	struct address_space *mapping = &f->t->fds[fd]->f_inode->i_data;
	assert_true(mapping->nrpages >= 20);
	assert_int_equal(mmlab_fadvise(f->t, fd, 0, 0, 4 /* DONTNEED */), 0);
	assert_int_equal(mapping->nrpages, 0);
	assert_int_equal(mmlab_fadvise(f->t, fd, 0, 8 * PG, 3 /* WILLNEED */), 0);
	assert_int_equal(mapping->nrpages, 8);
	assert_int_equal(mmlab_fadvise(f->t, fd, 0, 0, 4 /* DONTNEED */), 0);
	assert_int_equal(mmlab_fadvise(f->t, fd, 0, -1, 0), -EINVAL);
	assert_int_equal(mmlab_fadvise(f->t, fd, 0, 0, 99), -EINVAL);
	assert_int_equal(mmlab_fadvise(f->t, fd, 0, 0, 3 /* WILLNEED */), 0);
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + 4 * PG, 4, 0), 4);
	assert_int_equal(mmlab_peek(f->t, BUF + 4 * PG, got, 4, NULL), 0);
	assert_memory_equal(got, "0\0\0" "5", 4);
	/* ftruncate: EINVAL for negative lengths and fds not open for writing */
	int ro = mmlab_openat(f->t, "/tmp/mmlab-fileio-unit.txt", O_RDONLY, 0);
	assert_int_equal(mmlab_ftruncate(f->t, ro, 10), -EINVAL);
	assert_int_equal(mmlab_ftruncate(f->t, fd, -1), -EINVAL);
	assert_int_equal(mmlab_ftruncate(f->t, 999, 1), -EBADF);
	assert_int_equal(mmlab_ftruncate(f->t, fd, 200000), 0);
	assert_int_equal(mmlab_lseek(f->t, fd, 0, SEEK_END), 200000);
	assert_int_equal(mmlab_truncate(f->t, "/tmp/mmlab-fileio-unit.txt", -1), -EINVAL);
	assert_int_equal(mmlab_truncate(f->t, "/tmp", 0), -EISDIR);
	assert_int_equal(mmlab_truncate(f->t, "/tmp/mmlab-fileio-no-such", 0), -ENOENT);
	assert_int_equal(mmlab_truncate(f->t, "/dev/null", 0), -EINVAL);
	int p[2];
	assert_int_equal(mmlab_pipe2(f->t, p, 0), 0);
	assert_int_equal(mmlab_ftruncate(f->t, p[1], 0), -EINVAL);
	assert_int_equal(mmlab_fallocate(f->t, p[1], 0, 0, 1), -ESPIPE);
	assert_int_equal(mmlab_fadvise(f->t, p[0], 0, 0, 0), -ESPIPE);
	assert_int_equal(mmlab_fsync(f->t, p[0]), -EINVAL);
}

/* A host file read through the page cache gives the host's bytes. */
/*
 * A read takes the cached pages it goes through in batches (filemap_get_read_batch): one whose
 * copy faults midway through a batch returns the bytes before the fault, and lets go of the
 * batch's pages it did not reach, so that the file's pages are freed with the file.
 */
static void test_regular_read_short_batch(void **state)
{
	struct fixture *f = *state;
	struct pglist_data *pgdat = &machine_of(f->m)->pgdat;
	struct mmlab_stats before, after;
	char fill[PG];
	int fd;

	map_window(f->t);
	lru_add_drain(pgdat);
	mmlab_machine_stats(f->m, &before);
	fd = mmlab_openat(f->t, "/tmp/mmlab-fileio-batch.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (int i = 0; i < 8; i++) {
		memset(fill, 'a' + i, sizeof(fill));
		assert_int_equal(mmlab_poke(f->t, BUF, fill, PG, NULL), 0);
		assert_int_equal(mmlab_fd_pwrite(f->t, fd, BUF, PG, (int64_t)(i * PG)), (int64_t)PG);
	}
	/* pages 0-1 of the window are writable, page 2 unmapped: two pages of eight */
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF, 8 * PG, 0), (int64_t)(2 * PG));
	assert_int_equal(mmlab_peek(f->t, BUF + PG, fill, PG, NULL), 0);
	assert_int_equal(fill[0], 'b');
	assert_int_equal(mmlab_fd_pread(f->t, fd, BUF + PG, 8 * PG, 3 * PG), (int64_t)PG);
	assert_int_equal(mmlab_peek(f->t, BUF + PG, fill, PG, NULL), 0);
	assert_int_equal(fill[PG - 1], 'd');
	assert_int_equal(mmlab_close(f->t, fd), 0);
	assert_int_equal(mmlab_unlink(f->t, "/tmp/mmlab-fileio-batch.txt"), 0);
	lru_add_drain(pgdat);
	mmlab_machine_stats(f->m, &after);
	assert_int_equal(after.free_pages, before.free_pages);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
}

static void test_regular_host_read(void **state)
{
	struct fixture *f = *state;
	static char host[3 * 4096], got[3 * 4096];
	FILE *h = fopen("/etc/passwd", "r");
	size_t n = h ? fread(host, 1, sizeof(host), h) : 0;
	int fd = mmlab_open(f->t, "/etc/passwd", O_RDONLY);
	uint64_t out;

	if (h)
		fclose(h);
	assert_true(n > 0 && fd >= 0);
	assert_int_equal(mmlab_mmap(f->t, BUF, 3 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out), 0);
	assert_int_equal(mmlab_fd_read(f->t, fd, BUF, 3 * PG), (int64_t)n);
	assert_int_equal(mmlab_peek(f->t, BUF, got, n, NULL), 0);
	assert_memory_equal(got, host, n);
	assert_int_equal(mmlab_fd_read(f->t, fd, BUF, 3 * PG), 0);
	/* not open for writing */
	assert_int_equal(mmlab_fd_write(f->t, fd, BUF, 1), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mm_fixture_test(test_dev_zero_null),
		mm_fixture_test(test_dup),
		mm_fixture_test(test_pipe_between_tasks),
		mm_fixture_test(test_pipe_partial),
		mm_fixture_test(test_vmsplice),
		mm_fixture_test(test_regular_rw),
		mm_fixture_test(test_regular_read_short_batch),
		mm_fixture_test(test_regular_host_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
