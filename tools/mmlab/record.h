/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmlab record: a small ptrace tracer that writes a program's memory and process system calls
 * in strace -f -y syntax (a scenario), plus /proc/PID/maps snapshots after execve and at exit.
 * record.c is the tracer (strace's src/strace.c event loop, cut down to what -f -y
 * -e trace=%memory,%process needs); record_fmt.c holds the per-syscall printers (strace's
 * src/mem.c, clone.c, wait.c, execve.c, printsiginfo.c decoders).
 */
#ifndef MMLAB_TOOL_RECORD_H
#define MMLAB_TOOL_RECORD_H

#include <stdbool.h>
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

int cmd_record(int argc, char **argv);

#endif
