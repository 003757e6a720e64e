/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The task behind the public struct mmlab_task handle (include/linux/sched.h's task_struct,
 * the few parts mmlab models): the internal struct task the mm calls consult, its fd table and
 * the CPU context it runs on. Shared by exec.c (creation), file.c (the fd table), syscalls.c
 * (the memory calls), fork.c (fork, clone, exit) and access.c (memory access through the task).
 */
#ifndef MMLAB_MM_TASK_H
#define MMLAB_MM_TASK_H

#include "mm/vma.h"

#define MMLAB_NR_FDS 1024

struct machine;

struct mmlab_task {
	struct task tsk;		/* pid, tgid, mm, limits, fault counters, VMA cache */
	struct file *fds[MMLAB_NR_FDS];	/* The fd table (copied at fork, not shared) */
	unsigned int cpu;		/* The CPU context its accesses run on */
	struct mmlab_task *vfork_parent; /* Parent suspended in vfork until this one exits */
	struct mmlab_task *vfork_child;	/* Its vfork child while alive: this task is suspended */
};

/* pid.c */
int alloc_pid(struct machine *m);

/* fork.c */
void task_exit(struct mmlab_task *t);

#endif /* MMLAB_MM_TASK_H */
