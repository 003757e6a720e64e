// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario replay benchmark ("bench": "replay"): lines per second of `mmlab run --quiet
 * --no-aslr -` on a generated log of mixed memory calls (replay_gen.c: mmap, munmap,
 * mprotect, madvise, brk and touches, every line with the host kernel's result), fed through
 * a pipe while the generator writes it, timed from spawning mmlab to reaping it (parsing,
 * start-up and teardown included), and the mmlab process's peak RSS; beside it, the host
 * kernel executing the same calls at the same addresses natively, twice:
 *   kernel_exec        the calls alone: generated into batches beforehand, only their
 *                      execution timed (the kernel at its best);
 *   kernel_parse_exec  a child reading the same text from a pipe fed the same way, parsing
 *                      each line with a parser for the generator's lines and executing it,
 *                      timed like mmlab from fork to reaping (what mmlab's figure contains).
 * A fourth row times the same calls through the library (no text, batches like kernel_exec),
 * to show how mmlab's time per line divides between reading the line and executing it.
 * Every run checks results: mmlab must exit 0 with nothing printed (no mismatch), and both
 * native runs must get from the kernel every result the log carries; otherwise the benchmark
 * fails. MMLAB_REPLAY_LINES sets the log's length (default 10^6), MMLAB_REPLAY_REPS the
 * repetitions (default 3; figures are medians, the RSS the largest), MMLAB_REPLAY_TOOL the
 * mmlab command (default: the one built beside this program).
 */
#include "benchutil.h"
#include "mmlab.h"
#include "replay_gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEED 1
#define RSS_GOAL_MB 64.0
#define MAX_REPS 15

static const char *const run_args[] = { "--quiet", "--no-aslr", NULL };

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static void fail(const char *what)
{
	fprintf(stderr, "bench_replay: %s\n", what);
	exit(1);
}

/* One `mmlab run` of the log: lines per second; its peak RSS in @rss_kb. */
static double mmlab_rate(const char *tool, uint64_t base, unsigned long lines, long *rss_kb)
{
	static struct rg_replay res;

	if (rg_replay(tool, run_args, SEED, base, lines, 0, &res))
		fail("the mmlab run could not be made");
	if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) || res.out_len) {
		fprintf(stderr, "bench_replay: mmlab run exited with status %#x and printed %zu "
				"bytes:\n%s\n",
			res.status, res.out_len, res.out);
		fail("the replay did not match the host kernel's results");
	}
	*rss_kb = res.maxrss_kb;
	return (double)lines / res.secs;
}

/* The calls alone, natively: calls per second of execution. */
static double kernel_exec_rate(uint64_t base, unsigned long lines)
{
	uint64_t ns;
	long bad = rg_native_check(SEED, base, lines, &ns);

	if (bad)
		fail(bad < 0 ? "the native run failed"
			     : "the host kernel disagrees with the generator's results");
	return (double)lines * 1e9 / (double)ns;
}

/* One generated call through the library, as the runner makes it: the result in log terms. */
static int64_t lab_exec(struct mmlab_task *t, const struct rg_call *c)
{
	const char mode[2] = { (char)c->flags, 0 };
	uint64_t out = 0;
	int err;

	switch (c->kind) {
	case RG_MMAP:
		err = mmlab_mmap(t, c->addr, c->len, c->prot, c->flags, -1, 0, &out);
		return err ? err : (int64_t)out;
	case RG_MUNMAP:
		return mmlab_munmap(t, c->addr, c->len);
	case RG_MPROTECT:
		return mmlab_mprotect(t, c->addr, c->len, c->prot);
	case RG_MADVISE:
		return mmlab_madvise(t, c->addr, c->len, c->flags);
	case RG_BRK:
		err = mmlab_brk(t, c->addr, &out);
		return err ? err : (int64_t)out;
	case RG_TOUCH:
		return mmlab_touch(t, c->addr, c->len, mode, NULL);
	default:
		return -ENOSYS;
	}
}

#define BATCH 4096

/*
 * The calls alone through the library (no text), in a child so that the bench process stays
 * small: calls per second of execution, and the child's peak RSS in @rss_kb. Shows what of
 * mmlab's time per line is the call and what is reading the line.
 */
static double library_rate(uint64_t base, unsigned long lines, long *rss_kb)
{
	struct { uint64_t ns, bad; long rss; } msg = { 0, 0, 0 };
	int pfd[2], status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		fail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		static struct rg_gen g;
		static struct rg_call batch[BATCH];
		static int64_t got[BATCH];
		struct mmlab_task_config cfg = { .no_aslr = 1 };
		struct mmlab_machine *m;
		struct mmlab_task *t;
		struct rusage ru;
		uint64_t brk0;

		if (mmlab_machine_create(NULL, &m) || mmlab_task_create(m, &cfg, &t) ||
		    mmlab_brk(t, 0, &brk0) || brk0 != base)
			_exit(1);
		rg_init(&g, SEED, base);
		for (unsigned long done = 0; done < lines;) {
			unsigned long n = lines - done < BATCH ? lines - done : BATCH;
			uint64_t t0;

			for (unsigned long i = 0; i < n; i++)
				rg_next(&g, &batch[i]);
			t0 = bench_now_ns();
			for (unsigned long i = 0; i < n; i++)
				got[i] = lab_exec(t, &batch[i]);
			msg.ns += bench_now_ns() - t0;
			for (unsigned long i = 0; i < n; i++)
				msg.bad += got[i] != batch[i].ret;
			done += n;
		}
		getrusage(RUSAGE_SELF, &ru);
		msg.rss = ru.ru_maxrss;
		_exit(write(pfd[1], &msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], &msg, sizeof(msg)) != sizeof(msg) || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		fail("the library run failed");
	close(pfd[0]);
	if (msg.bad)
		fail("the library disagrees with the host kernel's results");
	*rss_kb = msg.rss;
	return (double)lines * 1e9 / (double)msg.ns;
}

/* The same text read, parsed and executed natively by a child: lines per second. */
static double kernel_parse_exec_rate(uint64_t base, unsigned long lines)
{
	int pfd[2], status;
	unsigned long n = 0;
	uint64_t t0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		fail("pipe");
	fcntl(pfd[1], F_SETPIPE_SZ, 1 << 20);
	fflush(NULL);
	t0 = bench_now_ns();
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		long bad;

		close(pfd[1]);
		bad = rg_native_replay(pfd[0], base, &n);
		_exit(bad == 0 && n == lines ? 0 : 1);
	}
	close(pfd[0]);
	if (rg_feed(pfd[1], SEED, base, lines, 0))
		fail("feeding the native replay");
	close(pfd[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("the native replay failed or disagrees with the generator's results");
	return (double)lines * 1e9 / (double)(bench_now_ns() - t0);
}

/* The feed alone, into /dev/null: it must outrun both readers. */
static double generator_rate(uint64_t base, unsigned long lines)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	uint64_t t0 = bench_now_ns();

	if (fd < 0 || rg_feed(fd, SEED, base, lines, 0))
		fail("generating into /dev/null");
	close(fd);
	return (double)lines * 1e9 / (double)(bench_now_ns() - t0);
}

static void print_mix(uint64_t base, unsigned long lines)
{
	static const char *const names[RG_NR_KINDS] = { "mmap", "munmap", "mprotect",
							"madvise", "brk", "touch" };
	static struct rg_gen g;
	struct rg_call c;

	rg_init(&g, SEED, base);
	for (unsigned long i = 0; i < lines; i++)
		rg_next(&g, &c);
	printf("mix of the %lu lines:", lines);
	for (int k = 0; k < RG_NR_KINDS; k++)
		printf(" %s %.1f%%", names[k], 100.0 * (double)g.count[k] / (double)lines);
	printf("\n");
}

int main(void)
{
	unsigned long lines = env_ul("MMLAB_REPLAY_LINES", 1000000);
	unsigned long reps = env_ul("MMLAB_REPLAY_REPS", 3);
	const char *tool = getenv("MMLAB_REPLAY_TOOL");
	double lab[MAX_REPS], lib[MAX_REPS], kexec[MAX_REPS], kparse[MAX_REPS], lab_rate;
	long rss_kb = 0, lib_rss_kb = 0, rss;
	struct rusage self;
	uint64_t base;
	char kase[64];

	if (!tool || !*tool)
		tool = MMLAB_TOOL_PATH;
	if (!lines || !reps || reps > MAX_REPS)
		fail("MMLAB_REPLAY_LINES must be > 0 and MMLAB_REPLAY_REPS in 1..15");
	if (rg_mmlab_heap_base(&base))
		fail("cannot learn mmlab's initial break");
	bench_header("replay", "mmlab run of a generated log, streamed, vs the host kernel");
	print_mix(base, lines);
	for (unsigned long r = 0; r < reps; r++) {
		/* interleaved, so that the machine's load falls on every side alike */
		lab[r] = mmlab_rate(tool, base, lines, &rss);
		rss_kb = rss > rss_kb ? rss : rss_kb;
		kexec[r] = kernel_exec_rate(base, lines);
		kparse[r] = kernel_parse_exec_rate(base, lines);
		lib[r] = library_rate(base, lines, &rss);
		lib_rss_kb = rss > lib_rss_kb ? rss : lib_rss_kb;
	}
	lab_rate = bench_median(lab, (int)reps);
	snprintf(kase, sizeof(kase), "lines_per_s_%lu", lines);
	bench_report("replay", kase, lab_rate, "lines/s", "kernel_exec",
		     bench_median(kexec, (int)reps), false);
	snprintf(kase, sizeof(kase), "lines_per_s_%lu_parsed", lines);
	bench_report("replay", kase, lab_rate, "lines/s", "kernel_parse_exec",
		     bench_median(kparse, (int)reps), false);
	snprintf(kase, sizeof(kase), "peak_rss_mb_%lu", lines);
	bench_report("replay", kase, (double)rss_kb / 1024, "MB", "goal", RSS_GOAL_MB, true);
	snprintf(kase, sizeof(kase), "calls_per_s_%lu_library", lines);
	bench_report("replay", kase, bench_median(lib, (int)reps), "calls/s", "kernel_exec",
		     bench_median(kexec, (int)reps), false);
	snprintf(kase, sizeof(kase), "peak_rss_mb_%lu_library", lines);
	bench_report("replay", kase, (double)lib_rss_kb / 1024, "MB", "goal", RSS_GOAL_MB, true);
	snprintf(kase, sizeof(kase), "generator_lines_per_s_%lu", lines);
	bench_report("replay", kase, generator_rate(base, lines), "lines/s", NULL, 0, false);
	/* exec carries the spawner's peak RSS into the child's ru_maxrss: this is its floor */
	getrusage(RUSAGE_SELF, &self);
	printf("(the bench process's own peak RSS, a floor under mmlab's figure: %.1f MB)\n",
	       (double)self.ru_maxrss / 1024);
	return 0;
}
