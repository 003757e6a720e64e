/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Terminal views of a task and of the machine as procps prints them: `pmap PID`, `pmap -X PID`
 * and `free -k`, each computed from the /proc text the library prints (maps, smaps, meminfo),
 * as the procps tools compute them from the kernel's. They take the text, not a task, so a
 * test can hand them the host's own /proc files and compare with the host's tools.
 */
#ifndef MMLAB_TOOL_VIEWS_H
#define MMLAB_TOOL_VIEWS_H

#include <stdio.h>

/* What pmap reads besides maps/smaps: the pid, /proc/PID/cmdline, stat's startstack. */
struct view_proc {
	int pid;
	const char *cmdline;		/* Arguments joined by spaces ("" when unknown) */
	unsigned long start_stack;	/* The mapping holding it is "[ stack ]" */
};

/* `pmap PID` from /proc/PID/maps text. 0, or -EINVAL for a line that is not a maps line. */
int view_pmap(FILE *maps, FILE *out, const struct view_proc *p);
/* `pmap -X PID` from /proc/PID/smaps text. 0, or -EINVAL for text that is not smaps. */
int view_pmap_x(FILE *smaps, FILE *out, const struct view_proc *p);
/* `free -k` from /proc/meminfo text (procps 4's rules). 0, or -EINVAL without MemTotal. */
int view_free(FILE *meminfo, FILE *out);

#endif /* MMLAB_TOOL_VIEWS_H */
