// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The threaded program of the `record --faults` round trip (faults_roundtrip.py): four threads
 * each write every page of their own 1 MiB buffer (mapped by the main thread), read a shared
 * buffer the main thread wrote half of, and the main thread reads its own executable through a
 * private file mapping.
 */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NR_THREADS 4
#define BUF (1 << 20)

static volatile char *shared;

static volatile char *bufs[NR_THREADS];

/*
 * Each worker's buffer is mapped by the main thread: mappings made by several threads at once
 * (malloc's per-thread arenas) land in the order the kernel took mmap_lock, which a ptrace
 * log cannot show.
 */
static void *worker(void *arg)
{
	volatile char *buf = bufs[(long)arg];
	long sum = (long)arg;

	for (long k = 0; k < BUF; k += 4096)
		buf[k] = (char)k;
	for (long k = 0; k < 4 * BUF; k += 4096)
		sum += shared[k];
	return (void *)sum;
}

int main(int argc, char **argv)
{
	pthread_t t[NR_THREADS];
	volatile char *text;
	off_t size;
	int fd;

	(void)argc;
	shared = mmap(NULL, 4 * BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	for (long k = 0; k < 2 * BUF; k += 4096)
		shared[k] = 1;
	for (long k = 0; k < NR_THREADS; k++) {
		bufs[k] = mmap(NULL, BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (bufs[k] == MAP_FAILED)
			return 1;
	}
	for (long k = 0; k < NR_THREADS; k++)
		pthread_create(&t[k], NULL, worker, (void *)k);
	for (long k = 0; k < NR_THREADS; k++)
		pthread_join(t[k], NULL);
	fd = open(argv[0], O_RDONLY);
	size = fd < 0 ? 0 : lseek(fd, 0, SEEK_END);
	text = size <= 0 ? MAP_FAILED : mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text != MAP_FAILED)
		for (long k = 0; k < size; k += 4096)
			(void)text[k];
	return 0;
}
