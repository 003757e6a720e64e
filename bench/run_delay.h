/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Spans of wall time less the time the thread waited for a CPU, shared by bench_maple.c and
 * linux-maple/lmt_bench.c so that both trees are timed by the same code (the latter is built
 * apart, with the kernel's lib/maple_tree.c, and cannot link benchutil.c).
 */
#ifndef MMLAB_BENCH_RUN_DELAY_H
#define MMLAB_BENCH_RUN_DELAY_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/*
 * Wall time less the time spent waiting for a CPU. make bench runs on shared machines (two
 * cores, other jobs building): a process kept off the CPU through part of a 40 ms loop at
 * 65536 VMAs measured up to 2x slow, and the ratio of two trees then said which process had
 * waited more. The kernel counts, per thread, the time it was runnable but not running
 * (run_delay, the second field of /proc/thread-self/schedstat), and a span subtracts it. The
 * thread's CPU time would not do: it also leaves out the time a writer really waits, in
 * synchronize_rcu() (about 7 of its 9 us here: IPIs in a virtual machine).
 *
 * A span around a loop of many operations reads run_delay at both ends. Calls timed one by
 * one (an erase batch, a duplication) are spans of their own on trees of 4096 VMAs and more,
 * where a call takes 0.2 ms and more; on smaller trees reading run_delay, a system call, would
 * cost more than the call measured, and a whole repetition lasts about a millisecond: the
 * median over REPS leaves out one that waited. linux-maple/lmt_bench.c measures the same way.
 * Without schedstat (a kernel without CONFIG_SCHED_INFO) a span is plain wall time.
 */
static int schedstat_fd = -2;

static inline uint64_t span_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t run_delay_ns(void)
{
	unsigned long long on_cpu, delay;
	char buf[96];
	ssize_t len;

	if (schedstat_fd == -2)
		schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	if (schedstat_fd < 0)
		return 0;
	len = pread(schedstat_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	return sscanf(buf, "%llu %llu", &on_cpu, &delay) == 2 ? delay : 0;
}

struct span {
	uint64_t wall, delay; /* ns, at the start */
	bool sched;	      /* run_delay read: subtracted */
};

static inline struct span span_start(bool sched)
{
	return (struct span){ .delay = sched ? run_delay_ns() : 0, .wall = span_clock_ns(),
			      .sched = sched };
}

/* Wall time since @s, less the time the thread waited for a CPU meanwhile. */
static inline uint64_t span_ns(struct span s)
{
	uint64_t wall = span_clock_ns() - s.wall, delay = s.sched ? run_delay_ns() - s.delay : 0;

	return delay < wall ? wall - delay : 0;
}

/* Per operation, @ops of them since @s. */
static inline double per_op(struct span s, unsigned long ops)
{
	return (double)span_ns(s) / (double)ops;
}

#endif /* MMLAB_BENCH_RUN_DELAY_H */
