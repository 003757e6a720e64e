// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * File-backed memory ("bench": "file"), mmlab beside the host kernel doing the same work on a
 * file of the same size in the same run, repetitions interleaved (host, mmlab, host, ...):
 *   read_fault_cached_64MiB     a private read-only mapping of a 64 MiB file whose pages are
 *                               all in the page cache, one byte read per page: fault-around
 *                               maps 16 pages per fault, so the figure is pages per second
 *   cow_fault_cached_64MiB      a private writable mapping, one byte written per page: each
 *                               page a fault that copies the cache page (do_cow_fault)
 *   shared_write_fault_64MiB    a shared writable mapping, one byte written per page: each
 *                               page a fault that maps the cache page writable and dirties it
 *                               (page_mkwrite); written back (msync MS_SYNC, not timed)
 *                               before the next repetition, so each starts from clean pages
 *   read_cached_64MiB           pread(2) of the whole cached file in 128 KiB calls into a
 *                               buffer already faulted in, bytes per second
 * Both sides get the same treatment: each its own copy of the file (same size, same bytes),
 * written and synced before timing, then mapped and read once whole, so that every page is in
 * its page cache (the host's for the host's copy, the machine's for mmlab's); THP is off for the
 * host's mappings (MADV_NOHUGEPAGE), as mmlab maps 4 KiB pages. The files live in /var/tmp
 * (a disk file system, as a program's data files would be) and are removed at the end. Times
 * are the thread's CPU time (the host kernel's work in a fault or a read is charged to the
 * thread that made it), so that other jobs on a shared machine do not move the ratios.

 */
#include "benchutil.h"
#include "mmlab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096UL
#define FILE_BYTES (64UL << 20)
#define CHUNK (128UL << 10)
#define REPS 5

static struct mmlab_machine *M;
static char dir[] = "/var/tmp/bench_file.XXXXXX";
static char host_path[96], lab_path[96];

static void must(long err, const char *what)
{
	if (err < 0) {
		fprintf(stderr, "bench_file: %s failed (%ld)\n", what, err);
		exit(1);
	}
}

static void make_file(const char *path)
{
	unsigned char *b = malloc(CHUNK);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);

	if (!b || fd < 0) {
		perror("bench_file: create");
		exit(1);
	}
	for (size_t i = 0; i < CHUNK; i++)
		b[i] = (unsigned char)(i * 131 + 7);
	for (size_t o = 0; o < FILE_BYTES; o += CHUNK)
		if (pwrite(fd, b, CHUNK, (off_t)o) != (ssize_t)CHUNK) {
			perror("bench_file: write");
			exit(1);
		}
	if (fdatasync(fd)) {
		perror("bench_file: fdatasync");
		exit(1);
	}
	close(fd);
	free(b);
}

/* ---- The host ---- */

static int host_fd;
static unsigned char *host_buf;

static double host_fault_rate(bool shared, bool write);

static void host_warm(void)
{
	host_fd = open(host_path, O_RDWR);
	host_buf = malloc(CHUNK);
	if (host_fd < 0 || !host_buf) {
		perror("bench_file: open");
		exit(1);
	}
	memset(host_buf, 0, CHUNK);
	(void)host_fault_rate(false, false); /* every page into the cache, as mmlab's warm-up */
}

/* Pages per second touching every page of a fresh mapping; @shared/@write as the case. */
static double host_fault_rate(bool shared, bool write)
{
	volatile unsigned char *p = mmap(NULL, FILE_BYTES, PROT_READ | (write ? PROT_WRITE : 0),
					 shared ? MAP_SHARED : MAP_PRIVATE, host_fd, 0);
	unsigned char sum = 0;
	uint64_t t0;
	double rate;

	if (p == MAP_FAILED) {
		perror("bench_file: mmap");
		exit(1);
	}
	madvise((void *)p, FILE_BYTES, MADV_NOHUGEPAGE);
	t0 = bench_cpu_ns();
	for (size_t o = 0; o < FILE_BYTES; o += PG) {
		if (write)
			p[o] = 1;
		else
			sum += p[o];
	}
	rate = (double)(FILE_BYTES / PG) * 1e9 / (double)(bench_cpu_ns() - t0);
	bench_keep(sum);
	if (shared && write && msync((void *)p, FILE_BYTES, MS_SYNC)) {
		perror("bench_file: msync");
		exit(1);
	}
	munmap((void *)p, FILE_BYTES);
	return rate;
}

static double host_read_rate(void)
{
	uint64_t t0 = bench_cpu_ns();

	for (size_t o = 0; o < FILE_BYTES; o += CHUNK)
		if (pread(host_fd, host_buf, CHUNK, (off_t)o) != (ssize_t)CHUNK) {
			perror("bench_file: pread");
			exit(1);
		}
	return (double)FILE_BYTES / (double)(bench_cpu_ns() - t0); /* bytes per ns = GB/s */
}

/* ---- mmlab ---- */

static struct mmlab_task *lab_t;
static int lab_fd;
static uint64_t lab_buf;

static double lab_fault_rate(bool shared, bool write);

static void lab_warm(void)
{
	struct mmlab_task_config cfg = { .no_aslr = 1 };

	must(mmlab_task_create(M, &cfg, &lab_t), "task_create");
	lab_fd = mmlab_openat(lab_t, lab_path, O_RDWR, 0);
	must(lab_fd, "openat");
	must(mmlab_mmap(lab_t, 0, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0,
			&lab_buf), "mmap buffer");
	must(mmlab_touch(lab_t, lab_buf, CHUNK, "w", NULL), "touch buffer");
	(void)lab_fault_rate(false, false); /* every page into the machine's cache */
}

static double lab_fault_rate(bool shared, bool write)
{
	uint64_t a, t0;
	double rate;

	must(mmlab_mmap(lab_t, 0, FILE_BYTES, PROT_READ | (write ? PROT_WRITE : 0),
			shared ? MAP_SHARED : MAP_PRIVATE, lab_fd, 0, &a), "mmap file");
	t0 = bench_cpu_ns();
	must(mmlab_touch(lab_t, a, FILE_BYTES, write ? "w" : "r", NULL), "touch");
	rate = (double)(FILE_BYTES / PG) * 1e9 / (double)(bench_cpu_ns() - t0);
	if (shared && write)
		must(mmlab_msync(lab_t, a, FILE_BYTES, MS_SYNC), "msync");
	must(mmlab_munmap(lab_t, a, FILE_BYTES), "munmap");
	return rate;
}

static double lab_read_rate(void)
{
	uint64_t t0 = bench_cpu_ns();

	for (uint64_t o = 0; o < FILE_BYTES; o += CHUNK)
		if (mmlab_fd_pread(lab_t, lab_fd, lab_buf, CHUNK, (int64_t)o) != (int64_t)CHUNK)
			must(-EIO, "pread");
	return (double)FILE_BYTES / (double)(bench_cpu_ns() - t0);
}

/* One case: REPS interleaved repetitions of each side, medians reported. */
static void run_case(const char *kase, bool shared, bool write, bool read_call)
{
	double h[REPS], l[REPS];

	for (int r = 0; r < REPS; r++) {
		h[r] = read_call ? host_read_rate() : host_fault_rate(shared, write);
		l[r] = read_call ? lab_read_rate() : lab_fault_rate(shared, write);
	}
	bench_report("file", kase, bench_median(l, REPS), read_call ? "GB/s" : "pages/s",
		     "kernel", bench_median(h, REPS), false);
}

static void cleanup(void)
{
	unlink(host_path);
	unlink(lab_path);
	rmdir(dir);
}

int main(void)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 1UL << 30, .nr_cpus = 1 };

	if (!mkdtemp(dir)) {
		perror("bench_file: mkdtemp");
		return 1;
	}
	snprintf(host_path, sizeof(host_path), "%s/host.data", dir);
	snprintf(lab_path, sizeof(lab_path), "%s/lab.data", dir);
	atexit(cleanup);
	make_file(host_path);
	make_file(lab_path);
	must(mmlab_machine_create(&cfg, &M), "machine_create");
	host_warm();
	lab_warm();

	bench_header("file", "file-backed faults and read(), cached 64 MiB file, mmlab vs the "
			     "host kernel (median of 5, interleaved)");
	run_case("read_fault_cached_64MiB", false, false, false);
	run_case("cow_fault_cached_64MiB", false, true, false);
	run_case("shared_write_fault_64MiB", true, true, false);
	run_case("read_cached_64MiB", false, false, true);

	mmlab_close(lab_t, lab_fd);
	mmlab_exit(lab_t);
	mmlab_machine_destroy(M);
	close(host_fd);
	free(host_buf);
	return 0;
}
