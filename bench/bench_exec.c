// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exec benchmark ("bench": "exec"): execve(2) of /usr/bin/true and of python3, mmlab beside
 * the host kernel in the same run, each side measured the same way: the time of fork + execve
 * + exit (the host: waitpid reaping the child) of the program, minus the time of fork + exit
 * of a child that exits at once, per exec. The host's difference holds the kernel's execve
 * and what the new program does until it exits (ld.so, its page faults, the interpreter's
 * start-up for python3, the exit of the new image); mmlab's holds mmlab_execve (open, the
 * strings, the ELF and interpreter mappings, the stack, the old mm's teardown) and the exit
 * of the new mm: mmlab runs no instruction of the program, so the host's side does more.
 * The host side runs first, before the mmlab machine exists, so its forks copy none of it;
 * both sides run one batch untimed first (the binaries' pages in both page caches, the
 * machine's frames backed by host memory; mmlab's first child stays alive, see
 * lab_exec_ns()). CPU nanoseconds per exec (cpu_ns()), median of REPS batches.
 */
#include "benchutil.h"
#include "mmlab.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPS 5

extern char **environ;

/* One program to exec: its path, its argv, execs per batch. */
struct exec_case {
	const char *kase;
	const char *path;
	const char *const *argv;
	int n;
};

static void must(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "bench_exec: %s failed (%d)\n", what, err);
		exit(1);
	}
}

/*
 * CPU time of this process and of its reaped children, in nanoseconds: the work both sides
 * do, not the time a shared machine's other jobs keep them waiting (a child's exec and run
 * are in its own figure, fork and waitpid in ours). Each sum of user and system time is exact
 * (the kernel splits sum_exec_runtime between them), so only microseconds are lost.
 */
static uint64_t cpu_ns(void)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	return (uint64_t)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
			  children.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
			  children.ru_utime.tv_usec + children.ru_stime.tv_usec) * 1000ull;
}

/* fork, then execve @c's program in the child (NULL: exit at once), and reap it. */
static void host_spawn(const struct exec_case *c)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid) {
		if (c)
			execve(c->path, (char *const *)c->argv, environ);
		_exit(c ? 127 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_exec: %s did not exit with 0\n", c ? c->path : "child");
		exit(1);
	}
}

/* ns per exec on the host: (fork + exec + wait) - (fork + wait), batches of @c->n each. */
static double host_exec_ns(const struct exec_case *c)
{
	double v[REPS];

	host_spawn(c);
	for (int r = -1; r < REPS; r++) {	/* batch -1 warms up, untimed */
		uint64_t t0 = cpu_ns(), t1, t2;

		for (int i = 0; i < c->n; i++)
			host_spawn(c);
		t1 = cpu_ns();
		for (int i = 0; i < c->n; i++)
			host_spawn(NULL);
		t2 = cpu_ns();
		if (r >= 0)
			v[r] = ((double)(t1 - t0) - (double)(t2 - t1)) / c->n;
	}
	return bench_median(v, REPS);
}

/* mmlab's fork of @parent, then mmlab_execve of @c's program (NULL: none), then exit. */
static void lab_spawn(struct mmlab_task *parent, const struct exec_case *c)
{
	struct mmlab_task *child;

	must(mmlab_fork(parent, &child), "fork");
	if (c)
		must(mmlab_execve(child, c->path, c->argv, (const char *const *)environ),
		     c->path);
	mmlab_exit(child);
}

/*
 * ns per exec in mmlab, measured as the host's. The first exec's child lives until the end:
 * mmlab frees a clean inode, page cache and all, with its last reference, where Linux's inode
 * cache keeps it, so without it every exec would read the binaries from the host again.
 */
static double lab_exec_ns(struct mmlab_task *parent, const struct exec_case *c)
{
	struct mmlab_task *warm;
	double v[REPS];

	must(mmlab_fork(parent, &warm), "fork");
	must(mmlab_execve(warm, c->path, c->argv, (const char *const *)environ), c->path);
	for (int r = -1; r < REPS; r++) {	/* batch -1 warms up, untimed */
		uint64_t t0 = cpu_ns(), t1, t2;

		for (int i = 0; i < c->n; i++)
			lab_spawn(parent, c);
		t1 = cpu_ns();
		for (int i = 0; i < c->n; i++)
			lab_spawn(parent, NULL);
		t2 = cpu_ns();
		if (r >= 0)
			v[r] = ((double)(t1 - t0) - (double)(t2 - t1)) / c->n;
	}
	mmlab_exit(warm);
	return bench_median(v, REPS);
}

int main(void)
{
	static const char *const true_argv[] = { "true", NULL };
	static const char *const python_argv[] = { "python3", "-c", "pass", NULL };
	static const struct exec_case cases[] = {
		{ "execve_usr_bin_true", "/usr/bin/true", true_argv, 50 },
		{ "execve_python3", "/usr/bin/python3", python_argv, 5 },
	};
	enum { NR = sizeof(cases) / sizeof(cases[0]) };
	struct mmlab_task_config cfg = { .seed = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *parent;
	double host[NR];
	bool present[NR];

	/* The host side first: its forks must not copy the mmlab machine. */
	for (int i = 0; i < NR; i++) {
		present[i] = !access(cases[i].path, X_OK);
		if (present[i])
			host[i] = host_exec_ns(&cases[i]);
	}
	must(mmlab_machine_create(NULL, &m), "machine");
	must(mmlab_task_create(m, &cfg, &parent), "task");
	bench_header("exec", "execve, mmlab vs the host kernel: (fork + exec + exit) - (fork + "
		     "exit), CPU ns per exec (median of 5)");
	for (int i = 0; i < NR; i++) {
		if (!present[i]) {
			printf("%-46s skipped: %s is not on this machine\n", cases[i].kase,
			       cases[i].path);
			continue;
		}
		bench_report("exec", cases[i].kase, lab_exec_ns(parent, &cases[i]), "ns/op",
			     "kernel", host[i], true);
	}
	mmlab_task_destroy(parent);
	mmlab_machine_destroy(m);
	return 0;
}
