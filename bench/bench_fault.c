// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fault and fork benchmarks ("bench": "fault" and "fork"), mmlab beside the host kernel doing
 * the same work in the same run:
 *   fault: anonymous write faults per second (256 MiB, one byte written per page), zero-page
 *	read faults per second (and read faults on a machine without the zero page, the
 *	like-for-like row on a host without one), COW faults per second in a parent after fork
 *	(64 MiB), and the physical limit of a demand-zero fault, zeroing one 4 KiB page (see
 *	memset_pass()), hot and cold, with mmlab's write faults beside the cold figure.
 *   fork: fork latency with 1 MiB, 64 MiB and 1 GiB of touched private anonymous memory, and
 *	the exit teardown of the child (for the host: from telling the child to exit to waitpid
 *	returning, which adds a wake-up and a reap to the teardown).
 * The mmlab machine has 3 GiB of RAM, backed lazily by the host.
 */
#include "benchutil.h"
#include "mmlab.h"

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL
#define FAULT_BYTES (256UL << 20)
#define COW_BYTES (64UL << 20)
#define REPS 3
#define ZERO_LAYOUTS 2 /* write faults and the memset limit: fresh host memory each ... */
#define ZERO_REPS 3 /* ... for so many interleaved passes, in each placement of the code */
#define ZERO_PASSES (ZERO_LAYOUTS * ZERO_REPS)
#define MAX_PLACEMENTS 16

static struct mmlab_machine *M;

static void must(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "bench_fault: %s failed (%d)\n", what, err);
		exit(1);
	}
}

static struct mmlab_task *lab_task(void)
{
	struct mmlab_task_config cfg = { .no_aslr = 1 };
	struct mmlab_task *t;

	must(mmlab_task_create(M, &cfg, &t), "task_create");
	return t;
}

static uint64_t lab_map(struct mmlab_task *t, uint64_t len)
{
	uint64_t a;

	must(mmlab_mmap(t, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a),
	     "mmap");
	return a;
}

static char *host_map(uint64_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/* Faults per second touching @len bytes with @mode ("r" or "w"), mmlab. */
static double lab_touch_rate(uint64_t len, const char *mode)
{
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		struct mmlab_task *t = lab_task();
		uint64_t a = lab_map(t, len), t0 = bench_now_ns();

		must(mmlab_touch(t, a, len, mode, NULL), "touch");
		v[r] = (double)(len / PG) * 1e9 / (double)(bench_now_ns() - t0);
		mmlab_exit(t);
	}
	return bench_median(v, REPS);
}

static double host_touch_rate(uint64_t len, bool write)
{
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		volatile char *p = host_map(len);
		uint64_t t0 = bench_now_ns();
		char sum = 0;

		for (uint64_t o = 0; o < len; o += PG) {
			if (write)
				p[o] = 1;
			else
				sum += p[o];
		}
		v[r] = (double)(len / PG) * 1e9 / (double)(bench_now_ns() - t0);
		bench_keep(sum);
		munmap((void *)p, len);
	}
	return bench_median(v, REPS);
}

static double lab_cow_rate(void)
{
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		struct mmlab_task *t = lab_task(), *c;
		uint64_t a = lab_map(t, COW_BYTES), t0;

		must(mmlab_touch(t, a, COW_BYTES, "w", NULL), "touch");
		must(mmlab_fork(t, &c), "fork");
		t0 = bench_now_ns();
		must(mmlab_touch(t, a, COW_BYTES, "w", NULL), "cow touch");
		v[r] = (double)(COW_BYTES / PG) * 1e9 / (double)(bench_now_ns() - t0);
		mmlab_exit(c);
		mmlab_exit(t);
	}
	return bench_median(v, REPS);
}

/* A host child that waits for one byte on @fd, then exits. */
static pid_t host_fork_waiting(int fd)
{
	pid_t pid = fork();
	char b;

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid) {
		while (read(fd, &b, 1) != 1)
			;
		_exit(0);
	}
	return pid;
}

static double host_cow_rate(void)
{
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		char *p = host_map(COW_BYTES);
		int pfd[2];
		pid_t pid;
		uint64_t t0;

		memset(p, 1, COW_BYTES);
		if (pipe(pfd))
			exit(1);
		pid = host_fork_waiting(pfd[0]);
		t0 = bench_now_ns();
		for (uint64_t o = 0; o < COW_BYTES; o += PG)
			p[o] = 2;
		v[r] = (double)(COW_BYTES / PG) * 1e9 / (double)(bench_now_ns() - t0);
		if (write(pfd[1], "x", 1) != 1)
			exit(1);
		waitpid(pid, NULL, 0);
		close(pfd[0]);
		close(pfd[1]);
		munmap(p, COW_BYTES);
	}
	return bench_median(v, REPS);
}

/*
 * The limit of a demand-zero fault is zeroing the page it maps. What that costs depends on
 * where the page's lines are, so three figures, ns per 4 KiB page:
 *   hot:   the same page memset again and again (its lines stay in L1);
 *   cold:  every page of a FAULT_BYTES pool once per pass, in address order. The pool was
 *	    faulted in by the host beforehand (MAP_POPULATE), so no host fault is timed, and each
 *	    page was last written FAULT_BYTES earlier: the state of the frames mmlab's faults
 *	    take, which its buddy allocator hands out again after the previous pass's exit;
 *   fresh: memset of freshly mmapped host memory, the host's own page fault included (what a
 *	    process pays for its first write to a page; the host's fault rate is also measured
 *	    on its own in anon_write_fault_256MiB's baseline).
 * mmlab's fault is held to the cold figure: its RAM is faulted in by a warm-up pass first.
 * These three and the fault beside them are timed in the thread's CPU time, so that other
 * jobs on a shared machine do not move their ratio; the fresh figure, which waits on the
 * host's fault path, in wall-clock time as the other rows.
 */
/*
 * The C library's memset, called as mmlab's clear_page() calls it: out of line, the length
 * unknown to the caller. A memset of the constant PG would be expanded inline (`rep stosq`),
 * a different routine from the one that zeroes mmlab's pages.
 */
static __attribute__((noipa)) void page_memset(void *addr, int fill, size_t len)
{
	memset(addr, fill, len);
}

static double memset_hot(void)
{
	static char page[PG] __attribute__((aligned(PG)));
	const unsigned long n = FAULT_BYTES / PG;
	uint64_t t0 = bench_cpu_ns();

	for (unsigned long i = 0; i < n; i++) {
		page_memset(page, (int)i, PG);
		bench_keep(page);
	}
	return (double)(bench_cpu_ns() - t0) / (double)n;
}

static double memset_pass(char *pool, int fill, uint64_t (*clock)(void))
{
	uint64_t t0 = clock();

	for (uint64_t o = 0; o < FAULT_BYTES; o += PG) {
		page_memset(pool + o, fill, PG);
		bench_keep(pool);
	}
	return (double)(clock() - t0) / (double)(FAULT_BYTES / PG);
}

static char *host_populate(uint64_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static double memset_fresh(void)
{
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		char *p = host_map(FAULT_BYTES);

		v[r] = memset_pass(p, r + 1, bench_now_ns);
		munmap(p, FAULT_BYTES);
	}
	return bench_median(v, REPS);
}

/* One timed pass of mmlab write faults over FAULT_BYTES, ns of CPU time per fault. */
static double lab_write_pass(void)
{
	struct mmlab_task *t = lab_task();
	uint64_t a = lab_map(t, FAULT_BYTES), t0 = bench_cpu_ns();

	must(mmlab_touch(t, a, FAULT_BYTES, "w", NULL), "touch");
	t0 = bench_cpu_ns() - t0;
	mmlab_exit(t);
	return (double)t0 / (double)(FAULT_BYTES / PG);
}

/*
 * mmlab's write faults against the cold memset limit, interleaved pass by pass so that both
 * see the same load on the machine, ZERO_PASSES of each into @f, @c (cold) and @h (hot).
 * Both sides' figures depend on where the host put their memory: in one process, passes over
 * the same mappings agree within a few percent, while fresh mappings moved the ratio between
 * 0.65 and 0.82 on the machine of the README's figures. So the passes run on ZERO_LAYOUTS
 * fresh pairs, each a new machine (its RAM a new host mapping) and a new pool. The first pass
 * on each is a warm-up: it faults the host pages in (mmlab's RAM is MAP_NORESERVE) and is
 * not timed.
 */
static void fault_vs_memset_passes(const struct mmlab_machine_config *cfg, double *f, double *c,
				   double *h)
{
	struct mmlab_machine *keep = M;
	int n = 0;

	for (int l = 0; l < ZERO_LAYOUTS; l++) {
		char *pool = host_populate(FAULT_BYTES);

		must(mmlab_machine_create(cfg, &M), "machine_create");
		(void)lab_write_pass();
		(void)memset_pass(pool, 0, bench_cpu_ns);
		for (int r = 0; r < ZERO_REPS; r++, n++) {
			f[n] = lab_write_pass();
			c[n] = memset_pass(pool, r + 1, bench_cpu_ns);
			h[n] = memset_hot();
		}
		mmlab_machine_destroy(M);
		munmap(pool, FAULT_BYTES);
	}
	M = keep;
}

/*
 * Where the linker puts the code is a third draw. On the machine of the README's figures, a
 * build whose functions all sat 16 bytes further on took 0.78 of the memset's time per fault
 * where this program, as linked, took 0.63, in each of six interleaved pairs of runs; the
 * memset loop did not move. A program linking libmmlab gets any such placement, so the
 * passes run in sibling programs - this file linked after a padding function of a different
 * size each (fault_placement_N beside this program, bench/CMakeLists.txt) - and their
 * passes are pooled. Return: how many placements answered into @f, @c and @h (ZERO_PASSES
 * each); 0 when there are no siblings.
 */
static int fault_vs_memset_placements(double *f, double *c, double *h, double *ratio)
{
	char self[PATH_MAX], path[PATH_MAX + 512];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct dirent *d;
	int n = 0;
	DIR *dir;

	if (len < 0)
		return 0;
	self[len] = '\0';
	dir = opendir(dirname(self));
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < MAX_PLACEMENTS) {
		double *pf = &f[n * ZERO_PASSES], *pc = &c[n * ZERO_PASSES], fm, cm;
		int got = 0;
		FILE *out;

		if (strncmp(d->d_name, "fault_placement_", 16))
			continue;
		snprintf(path, sizeof(path), "'%s/%s' --passes", self, d->d_name);
		out = popen(path, "r");
		if (!out)
			continue;
		while (got < ZERO_PASSES &&
		       fscanf(out, "%lf %lf %lf", &pf[got], &pc[got], &h[n * ZERO_PASSES + got]) == 3)
			got++;
		if (pclose(out) || got != ZERO_PASSES) {
			fprintf(stderr, "bench_fault: %s failed\n", d->d_name);
			exit(1);
		}
		fm = bench_median(pf, ZERO_PASSES);
		cm = bench_median(pc, ZERO_PASSES);
		ratio[n] = cm / fm;
		fprintf(stderr, "bench_fault: %s: fault %.1f ns, cold memset %.1f ns, ratio %.3f\n",
			d->d_name, fm, cm, ratio[n]);
		n++;
	}
	closedir(dir);
	return n;
}

/*
 * The fault-vs-memset rows: medians over every pass of every placement, and the ratio of
 * the placement that came out worst and of the one that came out best. Without siblings
 * (this program copied elsewhere), the passes of this one placement, and a warning.
 */
static void report_fault_vs_memset(const struct mmlab_machine_config *cfg)
{
	static double f[MAX_PLACEMENTS * ZERO_PASSES], c[MAX_PLACEMENTS * ZERO_PASSES],
		h[MAX_PLACEMENTS * ZERO_PASSES];
	double ratio[MAX_PLACEMENTS], cold;
	int placements = fault_vs_memset_placements(f, c, h, ratio);
	int n = placements ? placements : 1;

	if (!placements) {
		fprintf(stderr, "bench_fault: no fault_placement_* beside this program: the "
				"fault-vs-memset rows come from this placement only\n");
		fault_vs_memset_passes(cfg, f, c, h);
	}
	cold = bench_median(c, n * ZERO_PASSES);
	bench_report("fault", "memset_4KiB_page_hot", bench_median(h, n * ZERO_PASSES), "ns/page",
		     NULL, 0, true);
	bench_report("fault", "memset_4KiB_page_cold", cold, "ns/page", NULL, 0, true);
	bench_report("fault", "anon_write_fault_vs_cold_memset", bench_median(f, n * ZERO_PASSES),
		     "ns/fault", "memset_cold", cold, true);
	if (placements) {
		double lo = ratio[0], hi = ratio[0];

		for (int i = 1; i < placements; i++) {
			lo = ratio[i] < lo ? ratio[i] : lo;
			hi = ratio[i] > hi ? ratio[i] : hi;
		}
		bench_report("fault", "fault_vs_cold_memset_worst_placement", lo, "ratio", NULL, 0,
			     false);
		bench_report("fault", "fault_vs_cold_memset_best_placement", hi, "ratio", NULL, 0,
			     false);
	}
}

static void lab_fork_exit(uint64_t len, double *fork_us, double *exit_us)
{
	double f[REPS], e[REPS];

	for (int r = 0; r < REPS; r++) {
		struct mmlab_task *t = lab_task(), *c;
		uint64_t a = lab_map(t, len), t0;

		must(mmlab_touch(t, a, len, "w", NULL), "touch");
		t0 = bench_now_ns();
		must(mmlab_fork(t, &c), "fork");
		f[r] = (double)(bench_now_ns() - t0) / 1e3;
		t0 = bench_now_ns();
		mmlab_exit(c);
		e[r] = (double)(bench_now_ns() - t0) / 1e3;
		mmlab_exit(t);
	}
	*fork_us = bench_median(f, REPS);
	*exit_us = bench_median(e, REPS);
}

static void host_fork_exit(uint64_t len, double *fork_us, double *exit_us)
{
	double f[REPS], e[REPS];
	char *p = host_map(len);

	memset(p, 1, len);
	for (int r = 0; r < REPS; r++) {
		int pfd[2];
		pid_t pid;
		uint64_t t0;

		if (pipe(pfd))
			exit(1);
		t0 = bench_now_ns();
		pid = host_fork_waiting(pfd[0]);
		f[r] = (double)(bench_now_ns() - t0) / 1e3;
		usleep(1000); /* let the child reach its read */
		t0 = bench_now_ns();
		if (write(pfd[1], "x", 1) != 1)
			exit(1);
		waitpid(pid, NULL, 0);
		e[r] = (double)(bench_now_ns() - t0) / 1e3;
		close(pfd[0]);
		close(pfd[1]);
	}
	munmap(p, len);
	*fork_us = bench_median(f, REPS);
	*exit_us = bench_median(e, REPS);
}

/*
 * Read faults on a machine without the shared zero page, each allocating and zeroing a frame:
 * the like-for-like row against a host kernel that has none either (booted with
 * pvm_no_zero_page=1); against one with the zero page, zero_page_read_fault_256MiB is.
 */
static void lab_read_no_zero_page(const struct mmlab_machine_config *cfg, double host_rate)
{
	struct mmlab_machine_config nz = *cfg;
	struct mmlab_machine *keep = M;

	nz.no_zero_page = 1;
	must(mmlab_machine_create(&nz, &M), "machine_create");
	(void)lab_touch_rate(FAULT_BYTES, "r"); /* faults in the host pages of its RAM */
	bench_report("fault", "read_fault_no_zero_page_256MiB", lab_touch_rate(FAULT_BYTES, "r"),
		     "faults/s", "kernel", host_rate, false);
	mmlab_machine_destroy(M);
	M = keep;
}

int main(int argc, char **argv)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 3UL << 30, .nr_cpus = 1 };
	static const struct { const char *name; uint64_t len; } sizes[] = {
		{ "1MiB", 1UL << 20 }, { "64MiB", 64UL << 20 }, { "1GiB", 1UL << 30 },
	};
	double hw, hr, hc, mfresh, hf[3], he[3];
	char kase[64];

	/* A placement sibling's run (see fault_vs_memset_placements): its passes, one a line. */
	if (argc == 2 && !strcmp(argv[1], "--passes")) {
		double f[ZERO_PASSES], c[ZERO_PASSES], h[ZERO_PASSES];

		fault_vs_memset_passes(&cfg, f, c, h);
		for (int i = 0; i < ZERO_PASSES; i++)
			printf("%.3f %.3f %.3f\n", f[i], c[i], h[i]);
		return 0;
	}
	/* The host side first: its forks must not copy the mmlab machine's RAM mapping. */
	hw = host_touch_rate(FAULT_BYTES, true);
	hr = host_touch_rate(FAULT_BYTES, false);
	hc = host_cow_rate();
	mfresh = memset_fresh();
	for (unsigned int i = 0; i < 3; i++)
		host_fork_exit(sizes[i].len, &hf[i], &he[i]);

	must(mmlab_machine_create(&cfg, &M), "machine_create");
	(void)lab_write_pass(); /* faults in the host pages the later passes reuse */
	bench_header("fault", "page faults, mmlab vs the host kernel (median of 3)");
	bench_report("fault", "anon_write_fault_256MiB", lab_touch_rate(FAULT_BYTES, "w"),
		     "faults/s", "kernel", hw, false);
	bench_report("fault", "zero_page_read_fault_256MiB", lab_touch_rate(FAULT_BYTES, "r"),
		     "faults/s", "kernel", hr, false);
	bench_report("fault", "cow_fault_after_fork_64MiB", lab_cow_rate(), "faults/s", "kernel",
		     hc, false);
	lab_read_no_zero_page(&cfg, hr);
	bench_report("fault", "memset_4KiB_page_fresh_host_mapping", mfresh, "ns/page", NULL, 0,
		     true);
	report_fault_vs_memset(&cfg);

	bench_header("fork", "fork and exit with touched anonymous memory (median of 3)");
	for (unsigned int i = 0; i < 3; i++) {
		double lf, le;

		lab_fork_exit(sizes[i].len, &lf, &le);
		snprintf(kase, sizeof(kase), "fork_%s", sizes[i].name);
		bench_report("fork", kase, lf, "us", "kernel", hf[i], true);
		snprintf(kase, sizeof(kase), "exit_%s", sizes[i].name);
		bench_report("fork", kase, le, "us", "kernel", he[i], true);
	}
	mmlab_machine_destroy(M);
	return 0;
}
