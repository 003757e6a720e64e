// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program that makes every kind of memory and process system call mmlab record prints, for
 * the differential test against strace (strace_diff.py): file and anonymous mmaps, odd flags
 * and advice values, failing calls, mremap, msync, mincore, mlock2, pkey_mprotect, brk, a
 * thread, a fork with wait4, a caught SIGSEGV and a signal sent with kill.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_segv(int sig)
{
	siglongjmp(env, sig);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void *thread_fn(void *arg)
{
	void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 65536);
	return arg;
}

int main(void)
{
	unsigned char vec[4];
	pthread_t t;
	int fd, st;
	char *p, *q;
	pid_t pid;

	/* Names our pid in the trace (signal 0 sends nothing) so the harness can tell the root's
	 * pid from a child's whatever the scheduling. */
	kill(getpid(), 0);

	fd = open("/etc/passwd", O_RDONLY);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	munmap(p, 4096);
	mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_POPULATE | 0x8, fd, 4096);
	close(fd);
	p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmap(p, 4096, PROT_READ | PROT_EXEC | 0x80, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
	     0);
	mmap(NULL, 2UL << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << 26),
	     -1, 0);
	mmap(NULL, 4096, PROT_NONE, MAP_ANONYMOUS, -1, 0);
	mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	madvise(p, 4096, MADV_DONTNEED);
	madvise(p, 4096, 99);
	mprotect(p, 4096, PROT_READ);
	msync(p, 4096, MS_SYNC | MS_INVALIDATE);
	mincore(p, 16384, vec);
	syscall(SYS_mlock2, p, 4096, 1);
	munlock(p, 4096);
	syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, -1);
	q = mremap(p, 16384, 32768, MREMAP_MAYMOVE);
	mremap(q, 32768, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	mremap((void *)0x1000, 4096, 8192, 0);
	sbrk(8192);
	mlockall(MCL_CURRENT);
	munlockall();
	pthread_create(&t, NULL, thread_fn, NULL);
	pthread_join(t, NULL);
	pid = fork();
	if (pid == 0) {
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(7);
	}
	waitpid(pid, &st, 0);
	signal(SIGSEGV, on_segv);
	if (!sigsetjmp(env, 1))
		*(volatile char *)0x1234 = 1;
	signal(SIGUSR1, on_usr1);
	kill(getpid(), SIGUSR1);
	return 3;
}
