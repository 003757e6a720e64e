// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fault-stream replay benchmark ("bench": "replay_faults"): touches per second replaying the
 * page faults a real program took. The stream is recorded here, live, with `mmlab record
 * --faults` of GNU sort on a generated 19 MB file (its threads included); without perf's
 * software page-fault event or without sort the program says why and reports nothing.
 *
 * The touches are the log's touch() lines at the recorded addresses, in the recorded order,
 * in the VMAs of the kernel's maps at exit (final.maps) where the VMA permits the access ("w"
 * a writable one, "r" and "x" a readable one) and is neither a special mapping nor a shared
 * file mapping (its writes would reach the file); memory the program unmapped before it
 * exited (malloc's arenas and large blocks, thread stacks) becomes anonymous read-write VMAs
 * over the touched pages (runs less than 16 pages apart), whose "x" touches are loads. Two
 * figures of the same touches, in the same order, at the same addresses, each timed over the
 * touch loop alone after the same warm-up (one untimed round, so that both page caches hold
 * the files, and mmlab's RAM written once, so that its frames are resident in the host, as
 * bench_fault does):
 *   mmlab   a task built from final.maps (mmlab_task_create_from_maps), mmlab_touch(addr, 1,
 *           mode) per touch; a fresh task per round on one machine.
 *   kernel  a child process that maps every one of those VMAs at its address (files at their
 *           offsets, private; anonymous memory elsewhere) and loads ("r", "x": an instruction
 *           fetch cannot be made on arbitrary bytes, so a load) or stores ("w") one byte per
 *           touch; a fresh child per round. A VMA its own mappings already cover is left out,
 *           with its touches, of both sides.
 * The kernel's rounds run first, then mmlab's: each kernel round forks, and a fork
 * write-protects this process's memory, mmlab's RAM included, which would add a host fault to
 * mmlab's next write of every frame.
 * What the stream leaves out on both sides: the system calls between the faults (the VMAs
 * are the final ones, made once), so a page unmapped and faulted again during the run
 * faults once here. A third row: `mmlab run --quiet` of the whole log, lines per second
 * (no baseline). MMLAB_REPLAY_FAULTS_REPS sets the rounds (default 5; figures are medians).
 */
#include "benchutil.h"
#include "mmlab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SORT_LINES 1200000
#define RAM_BYTES (256UL << 20)
#define WARM_BYTES (224UL << 20)
#define MAX_REPS 15

struct bvma {
	unsigned long start, end, off;
	char perms[5];
	char path[512];
	bool keep;		/* mapped natively, so its touches count on both sides */
};

struct btouch {
	unsigned long addr;
	char mode;
	unsigned int vma;
};

static struct bvma *vmas;
static unsigned int nr_vmas;
static struct btouch *touches;
static unsigned long nr_touches, nr_recorded;
static unsigned int nr_final;	/* vmas[0..nr_final) are final.maps', the rest added */

static void skip(const char *why)
{
	printf("replay_faults: skipped: %s\n", why);
	exit(0);
}

static void fail(const char *what)
{
	fprintf(stderr, "bench_replay_faults: %s\n", what);
	exit(1);
}

static int run_cmd(char *const argv[], const char *out)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int err = open("/dev/null", O_WRONLY);

		if (fd < 0 || err < 0 || dup2(fd, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The recording: sort of a generated file under `mmlab record --faults` into @dir. */
static void record(const char *tool, const char *dir)
{
	char big[600], rec[600];
	FILE *f;
	int ret;

	snprintf(big, sizeof(big), "%s/big.txt", dir);
	snprintf(rec, sizeof(rec), "%s/rec", dir);
	f = fopen(big, "w");
	if (!f)
		fail("cannot write the input file");
	for (unsigned long k = 0; k < SORT_LINES; k++)
		fprintf(f, "%lu %lu\n", (k * 2654435761UL) % 1000003, k);
	if (fclose(f))
		fail("cannot write the input file");
	ret = run_cmd((char *[]){ "sort", "--version", NULL }, NULL);
	if (ret)
		skip("no sort(1) on this machine");
	ret = run_cmd((char *[]){ (char *)tool, "record", "--faults", "-o", rec, "--", "sort",
				  big, NULL },
		      NULL);
	if (ret == 1)
		skip("mmlab record --faults failed here (perf_event_open refused?)");
	if (ret)
		fail("the recording failed");
}

static void add_vma(const struct bvma *v);

static void read_maps(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		fail("no final.maps");
	while (fgets(line, sizeof(line), f)) {
		struct bvma v = { .path = "" };
		int n = 0;

		if (sscanf(line, "%lx-%lx %4s %lx %*s %*u %n", &v.start, &v.end, v.perms, &v.off,
			   &n) < 4)
			continue;
		if (n && line[n] && line[n] != '\n')
			sscanf(line + n, "%511[^\n]", v.path);
		add_vma(&v);
	}
	fclose(f);
}

/* Whether the touch is one both sides can make (see the file's head). */
static bool touch_ok(const struct bvma *v, char mode)
{
	if (v->path[0] == '[' && strcmp(v->path, "[heap]") && strcmp(v->path, "[stack]"))
		return false;
	if (v->perms[3] == 's' && v->path[0] == '/')
		return false;
	return mode == 'w' ? v->perms[1] == 'w' : v->perms[0] == 'r';
}

static void add_vma(const struct bvma *v)
{
	vmas = realloc(vmas, (nr_vmas + 1) * sizeof(*vmas));
	if (!vmas)
		fail("out of memory");
	vmas[nr_vmas++] = *v;
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The final VMA holding @addr, or -1. */
static int final_vma(unsigned long addr)
{
	for (unsigned int k = 0; k < nr_final; k++)
		if (addr >= vmas[k].start && addr < vmas[k].end)
			return (int)k;
	return -1;
}

/*
 * Memory the program unmapped before it exited (malloc's arenas and large blocks, thread
 * stacks) is not in final.maps: its touched pages become anonymous read-write VMAs, runs of
 * pages less than 16 pages apart in one, never across a final VMA.
 */
static void add_gone_vmas(unsigned long *pages, unsigned long n)
{
	qsort(pages, n, sizeof(*pages), cmp_ul);
	for (unsigned long k = 0, end; k < n; k = end) {
		struct bvma v = { .start = pages[k], .perms = "rw-p", .path = "" };

		for (end = k + 1; end < n && pages[end] - pages[end - 1] < 16 * 4096UL; end++) {
			bool between = false;

			for (unsigned int j = 0; j < nr_final && !between; j++)
				between = vmas[j].start >= pages[end - 1] &&
					  vmas[j].start < pages[end];
			if (between)
				break;
		}
		v.end = pages[end - 1] + 4096;
		add_vma(&v);
	}
}

static void add_touch(unsigned long addr, char mode, unsigned int vma, unsigned long *cap)
{
	if (nr_touches == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		touches = realloc(touches, *cap * sizeof(*touches));
		if (!touches)
			fail("out of memory");
	}
	touches[nr_touches++] = (struct btouch){ addr, mode, vma };
}

static void read_touches(const char *path)
{
	unsigned long addr, cap = 0, *gone = NULL, nr_gone = 0, cap_gone = 0;
	char line[1024], mode;
	FILE *f = fopen(path, "r");
	int k;

	if (!f)
		fail("no trace.strace");
	nr_final = nr_vmas;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "touch(");

		if (line[0] == '#' || !p || sscanf(p, "touch(%lx, 1, \"%c\")", &addr, &mode) != 2)
			continue;
		nr_recorded++;
		k = final_vma(addr);
		if (k >= 0) {
			if (touch_ok(&vmas[k], mode))
				add_touch(addr, mode, (unsigned int)k, &cap);
			continue;
		}
		if (nr_gone == cap_gone) {
			cap_gone = cap_gone ? cap_gone * 2 : 4096;
			gone = realloc(gone, cap_gone * sizeof(*gone));
			if (!gone)
				fail("out of memory");
		}
		gone[nr_gone++] = addr & ~4095UL;
		add_touch(addr, mode, UINT32_MAX, &cap); /* its VMA is found below */
	}
	fclose(f);
	add_gone_vmas(gone, nr_gone);
	free(gone);
	for (unsigned long i = 0; i < nr_touches; i++) {
		if (touches[i].vma != UINT32_MAX)
			continue;
		for (unsigned int j = nr_final; j < nr_vmas; j++)
			if (touches[i].addr >= vmas[j].start && touches[i].addr < vmas[j].end)
				touches[i].vma = j;
		if (touches[i].mode == 'x')
			touches[i].mode = 'r'; /* code run from memory unmapped since: a load */
	}
}

/* Maps @v natively at its address; false when something is there already. */
static bool map_native(const struct bvma *v)
{
	int prot = (v->perms[0] == 'r' ? PROT_READ : 0) | (v->perms[1] == 'w' ? PROT_WRITE : 0) |
		   (v->perms[2] == 'x' ? PROT_EXEC : 0);
	int flags = MAP_FIXED_NOREPLACE | (v->perms[3] == 's' ? MAP_SHARED : MAP_PRIVATE);
	int fd = -1;
	void *p;

	if (v->path[0] == '/') {
		fd = open(v->path, O_RDONLY);
		if (fd < 0)
			return false;
	} else {
		flags |= MAP_ANONYMOUS;
	}
	p = mmap((void *)v->start, v->end - v->start, prot, flags, fd, (off_t)v->off);
	if (fd >= 0)
		close(fd);
	return p == (void *)v->start;
}

/* One native round in a child: nanoseconds of the touch loop (its VMAs' keep flags set). */
static uint64_t native_round(unsigned long *done)
{
	struct { uint64_t ns; unsigned long done; unsigned char keep[4096]; } msg = { 0 };
	int pfd[2], status;
	pid_t pid;

	if (nr_vmas > sizeof(msg.keep) || pipe(pfd))
		fail("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		uint64_t t0;

		close(pfd[0]);
		for (unsigned int k = 0; k < nr_vmas; k++) {
			bool used = false;

			for (unsigned long i = 0; i < nr_touches && !used; i++)
				used = touches[i].vma == k;
			msg.keep[k] = used && map_native(&vmas[k]);
		}
		t0 = bench_now_ns();
		for (unsigned long i = 0; i < nr_touches; i++) {
			volatile char *b = (volatile char *)touches[i].addr;

			if (!msg.keep[touches[i].vma])
				continue;
			if (touches[i].mode == 'w')
				*b = 0; /* a store alone: one write fault, as mmlab's "w" */
			else
				bench_keep(*b);
			msg.done++;
		}
		msg.ns = bench_now_ns() - t0;
		_exit(write(pfd[1], &msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], &msg, sizeof(msg)) != sizeof(msg) || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		fail("the native round failed");
	close(pfd[0]);
	for (unsigned int k = 0; k < nr_vmas; k++)
		vmas[k].keep = msg.keep[k];
	*done = msg.done;
	return msg.ns;
}

/*
 * One mmlab round on @m: nanoseconds of the touch loop. The task is built from @maps, with
 * the VMAs of memory unmapped before the exit added; with @keep it is left alive in *@keep
 * (so that the files it maps, and their page cache, stay).
 */
static uint64_t mmlab_round(struct mmlab_machine *m, const char *maps, unsigned long *done,
			    struct mmlab_task **keep)
{
	struct mmlab_task_config cfg = { 0 };
	struct mmlab_task *t;
	struct mmlab_fault f;
	uint64_t t0, ns, got;
	FILE *in = fopen(maps, "r");
	char mode[2] = { 0 };

	if (!in || mmlab_task_create_from_maps(m, &cfg, in, &t))
		fail("mmlab could not build the task from final.maps");
	fclose(in);
	for (unsigned int k = nr_final; k < nr_vmas; k++)
		if (vmas[k].keep &&
		    mmlab_mmap(t, vmas[k].start, vmas[k].end - vmas[k].start,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, &got))
			fail("mmlab could not map the memory unmapped before the exit");
	*done = 0;
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < nr_touches; i++) {
		if (!vmas[touches[i].vma].keep)
			continue;
		mode[0] = touches[i].mode;
		if (mmlab_touch(t, touches[i].addr, 1, mode, &f))
			fail("a touch the kernel made faulted in mmlab");
		(*done)++;
	}
	ns = bench_now_ns() - t0;
	if (keep)
		*keep = t;
	else
		mmlab_task_destroy(t);
	return ns;
}

/*
 * mmlab's frames are host memory the host faults in at their first use: one pass writes
 * WARM_BYTES of the machine's RAM and frees it, so that the rounds' frames are resident, as
 * bench_fault warms its machine (the kernel's own frames need no such pass).
 */
static void warm_ram(struct mmlab_machine *m)
{
	struct mmlab_task_config cfg = { 0 };
	struct mmlab_task *t;
	uint64_t a;

	if (mmlab_task_create(m, &cfg, &t) ||
	    mmlab_mmap(t, 0, WARM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0, &a) ||
	    mmlab_touch(t, a, WARM_BYTES, "w", NULL))
		fail("warming mmlab's RAM failed");
	mmlab_task_destroy(t);
}

/* `mmlab run --quiet --no-aslr LOG`: lines per second, from spawning to reaping. */
static double run_rate(const char *tool, const char *log)
{
	unsigned long lines = 0;
	char line[4096];
	FILE *f = fopen(log, "r");
	uint64_t t0, ns;

	if (!f)
		fail("no trace.strace");
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	t0 = bench_now_ns();
	if (run_cmd((char *[]){ (char *)tool, "run", "--quiet", "--no-aslr", (char *)log, NULL },
		    NULL))
		fail("mmlab run of the recorded log did not replay it without a mismatch");
	ns = bench_now_ns() - t0;
	return (double)lines * 1e9 / (double)ns;
}

int main(void)
{
	const char *tool = getenv("MMLAB_REPLAY_TOOL") ? getenv("MMLAB_REPLAY_TOOL")
						       : MMLAB_TOOL_PATH;
	const char *r = getenv("MMLAB_REPLAY_FAULTS_REPS");
	struct mmlab_machine_config mc = { .ram_bytes = RAM_BYTES, .no_zero_page = 1 };
	double lab[MAX_REPS], nat[MAX_REPS], runs[MAX_REPS];
	char dir[] = "/tmp/mmlab-replay-faults-XXXXXX", path[600], cmd[700];
	unsigned long reps = r && *r ? strtoul(r, NULL, 0) : 5, done_l = 0, done_n = 0;
	struct mmlab_machine *m;
	struct mmlab_task *warm;

	if (!reps || reps > MAX_REPS)
		reps = 5;
	if (!mkdtemp(dir))
		fail("mkdtemp");
	record(tool, dir);
	snprintf(path, sizeof(path), "%s/rec/final.maps", dir);
	read_maps(path);
	snprintf(path, sizeof(path), "%s/rec/trace.strace", dir);
	read_touches(path);
	if (!nr_touches)
		fail("the recording holds no touches");
	if (mmlab_machine_create(&mc, &m))
		fail("mmlab_machine_create");
	snprintf(path, sizeof(path), "%s/rec/final.maps", dir);
	/*
	 * The native rounds first: each forks, which write-protects this process's memory, and
	 * mmlab's RAM is in it (every page would take a host fault at its next write).
	 */
	native_round(&done_n); /* warm-up, and which VMAs both sides map */
	for (unsigned long k = 0; k < reps; k++)
		nat[k] = (double)done_n * 1e9 / (double)native_round(&done_n);
	/*
	 * mmlab's warm-up: its RAM written once; a task left alive keeps the files open, so
	 * their page cache stays as the host's does; a round's own task goes, so its frames are
	 * free for the next.
	 */
	warm_ram(m);
	mmlab_round(m, path, &done_l, &warm);
	mmlab_round(m, path, &done_l, NULL);
	for (unsigned long k = 0; k < reps; k++)
		lab[k] = (double)done_l * 1e9 / (double)mmlab_round(m, path, &done_l, NULL);
	if (done_l != done_n)
		fail("the two sides made different touches");
	mmlab_task_destroy(warm);
	mmlab_machine_destroy(m);
	snprintf(path, sizeof(path), "%s/rec/trace.strace", dir);
	for (unsigned long k = 0; k < reps; k++)
		runs[k] = run_rate(tool, path);
	bench_header("replay_faults", "the page faults sort took, replayed: mmlab vs the kernel");
	printf("(%lu touches of %lu recorded faults in sort's final VMAs)\n", done_l, nr_recorded);
	bench_report("replay_faults", "sort_touches", bench_median(lab, (int)reps), "touches/s",
		     "kernel", bench_median(nat, (int)reps), false);
	bench_report("replay_faults", "sort_run", bench_median(runs, (int)reps), "lines/s", NULL,
		     0, false);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "bench_replay_faults: could not remove %s\n", dir);
	return 0;
}
