/*
 * Scenario replay benchmark ("bench": "replay"): lines per second of `mmlab run --quiet
 * --no-aslr -` on a generated log of mixed memory calls (replay_gen.c: mmap, munmap,
 * mprotect, madvise, brk and touches, every line with the host kernel's result), fed through
 * a pipe while the generator writes it, and the mmlab process's peak RSS; beside it, the host
 * kernel executing the same calls at the same addresses natively, twice:
 *   kernel_exec        the calls alone: generated into batches beforehand, only their
 *                      execution timed (the kernel at its best);
 *   kernel_parse_exec  a child reading the same text from a pipe fed the same way, parsing
 *                      each line with a parser for the generator's lines and executing it,
 *                      timed like mmlab from fork to reaping (what mmlab's figure contains).
 * Every run checks results: mmlab must exit 0 with nothing printed (no mismatch), and both
 * native runs must get from the kernel every result the log carries; otherwise the benchmark
 * fails. MMLAB_REPLAY_LINES sets the log's length (default 10^6), MMLAB_REPLAY_REPS the
 * repetitions (default 3; figures are medians, the RSS the largest), MMLAB_REPLAY_TOOL the
 * mmlab command (default: the one built beside this program).
 */
#include "benchutil.h"
#include "replay_gen.h"

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
	double lab[MAX_REPS], kexec[MAX_REPS], kparse[MAX_REPS], lab_rate;
	long rss_kb = 0, rss;
	struct rusage self;
	uint64_t base;
	char kase[64];

	if (!tool || !*tool)
		tool = MMLAB_TOOL_PATH;
	if (!lines || !reps || reps > MAX_REPS)
		fail("MMLAB_REPLAY_LINES must be > 0 and MMLAB_REPLAY_REPS in 1..15");
	if (rg_mmlab_heap_base(tool, &base))
		fail("cannot learn mmlab's initial break");
	bench_header("replay", "mmlab run of a generated log, streamed, vs the host kernel");
	print_mix(base, lines);
	for (unsigned long r = 0; r < reps; r++) {
		/* interleaved, so that the machine's load falls on every side alike */
		lab[r] = mmlab_rate(tool, base, lines, &rss);
		rss_kb = rss > rss_kb ? rss : rss_kb;
		kexec[r] = kernel_exec_rate(base, lines);
		kparse[r] = kernel_parse_exec_rate(base, lines);
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
	snprintf(kase, sizeof(kase), "generator_lines_per_s_%lu", lines);
	bench_report("replay", kase, generator_rate(base, lines), "lines/s", NULL, 0, false);
	/* exec carries the spawner's peak RSS into the child's ru_maxrss: this is its floor */
	getrusage(RUSAGE_SELF, &self);
	printf("(the bench process's own peak RSS, a floor under mmlab's figure: %.1f MB)\n",
	       (double)self.ru_maxrss / 1024);
	return 0;
}
