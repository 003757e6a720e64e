// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host primitives: anonymous mappings for the machine's RAM, a monotonic clock, the wait
 * of a contended spinlock, and the host kernel's auxiliary vector (the CPU's facts exec
 * passes on). RAM is mapped MAP_NORESERVE so a 64 GiB machine costs nothing
 * until its frames are touched.
 */
#include "host/host.h"
#include "host/spinlock.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Reads of a held lock before the waiter yields its host CPU to whoever holds it. */
#define SPIN_READS_BEFORE_YIELD 256

/* The spin-wait hint (cpu_relax): PAUSE on x86, YIELD on arm64, nothing elsewhere. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/**
 * __spin_lock_slowpath - take @lock, found held: spin reading it, yielding the host CPU now
 * and then so that a preempted holder can run and release it.
 * Context: any; never sleeps on a wait queue (there is none).
 */
void __spin_lock_slowpath(spinlock_t *lock)
{
	for (;;) {
		for (int i = 0; i < SPIN_READS_BEFORE_YIELD; i++) {
			if (spin_trylock(lock))
				return;
			cpu_relax();
		}
		sched_yield();
	}
}

void *host_reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void host_release(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

void host_discard(void *p, size_t bytes)
{
	madvise(p, bytes, MADV_DONTNEED);
}

int64_t host_real_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

uint64_t host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The host kernel's own vector, from /proc/self/auxv: glibc's getauxval answers AT_HWCAP on
 * x86 with its own view of the CPU, not the kernel's.
 */
unsigned long host_getauxval(unsigned long type)
{
	unsigned long v[2 * 64], val = 0;
	int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return getauxval(type);
	n = read(fd, v, sizeof(v));
	close(fd);
	for (ssize_t i = 0; i + 1 < n / (ssize_t)sizeof(v[0]); i += 2) {
		if (v[i] == AT_NULL)
			break;
		if (v[i] == type)
			val = v[i + 1];
	}
	return val;
}
