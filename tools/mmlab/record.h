/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmlab record: a small ptrace tracer that writes a program's memory and process system calls
 * in strace -f -y syntax (a scenario), plus /proc/PID/maps snapshots after execve and at exit.
 * record.c is the tracer (strace's src/strace.c event loop, cut down to what -f -y
 * -e trace=%memory,%process needs); record_fmt.c holds the per-syscall printers (strace's
 * src/mem.c, clone.c, wait.c, execve.c, printsiginfo.c decoders); record_faults.c samples
 * the page faults (--faults).
 */
#ifndef MMLAB_TOOL_RECORD_H
#define MMLAB_TOOL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <signal.h>

#include "sbuf.h"

/* What the printer returns from an entry decoder, like strace's RVAL_* bits. */
#define REC_DECODED 0x1 /* everything printed at entry */
#define REC_HEX 0x2     /* return value in hex */

struct rec_syscall {
	pid_t pid;               /* the task, to read its memory and fds */
	int nr;                  /* x86_64 syscall number */
	unsigned long args[6];
	long rval;               /* raw return (exit only) */
	bool is_error;           /* rval is -errno */
};

const char *rec_syscall_name(int nr);
bool rec_syscall_traced(int nr);
bool rec_syscall_is_exit(int nr);
int rec_print_entry(struct sbuf *sb, const struct rec_syscall *sc);
void rec_print_exit(struct sbuf *sb, const struct rec_syscall *sc, int flags);
void rec_print_ret(struct sbuf *sb, const struct rec_syscall *sc, int flags);
void rec_print_siginfo(struct sbuf *sb, const siginfo_t *si);

/* One page fault of a traced thread (record_faults.c). */
struct rec_fault {
	uint64_t time;           /* CLOCK_MONOTONIC, ns */
	uint64_t ip, addr;       /* the faulting instruction and address */
	uint64_t seq;            /* order of arrival, for a stable sort */
	pid_t pid, tid;          /* process and thread */
	char mode;               /* 'r', 'w' or 'x' once classified */
	bool special;            /* in [vsyscall], which mmlab has no VMA for */
	bool kernel;             /* taken in kernel mode, for a system call */
};

/* The page-fault event of `record --faults` and the faults not printed yet. */
struct rec_faults {
	bool on;                 /* faults are recorded */
	unsigned int nr_cpus;    /* one inherited event per CPU (per-task ones cannot be mapped) */
	int *fds;                /* [cpu]: perf event, or -1 for a CPU that is not online */
	void **bases;            /* [cpu]: its ring buffer, the metadata page then data, or NULL */
	size_t len;              /* bytes mapped at each base */
	int kpageflags;          /* /proc/kpageflags, or -1 */
	struct rec_fault *pending; /* drained, not printed, in time order after due() */
	size_t nr, cap;
	uint64_t lost;           /* samples the kernel dropped (PERF_RECORD_LOST) */
	uint64_t printed;        /* touch lines written */
	uint64_t in_calls;       /* kernel-mode faults of calls the log has (not printed) */
	bool with_kernel;        /* kernel-mode faults are sampled (perf_event_paranoid <= 1) */
};

uint64_t rec_clock_ns(void);
int rec_faults_open(struct rec_faults *rf, pid_t pid, char *why, size_t whylen);
void rec_faults_drain(struct rec_faults *rf);
size_t rec_faults_due(struct rec_faults *rf, uint64_t now);
void rec_faults_consume(struct rec_faults *rf, size_t n);
void rec_faults_close(struct rec_faults *rf);

int cmd_record(int argc, char **argv);

#endif
