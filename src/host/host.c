// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host primitives: anonymous mappings for the machine's RAM and a monotonic clock. RAM is
 * mapped MAP_NORESERVE so a 64 GiB machine costs nothing until its frames are touched.
 */
#include "host/host.h"

#include <sys/mman.h>
#include <time.h>

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
