// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Process and thread ids (kernel/pid.c's alloc_pid, getpid/gettid): each task gets the next
 * number of its machine, which never wraps or reuses one; a thread (CLONE_THREAD) takes its
 * own id and its creator's thread-group id. Also here: whether two tasks share an address
 * space (CLONE_VM), the identity /proc/PID/task shows.
 * Left out: pid namespaces, pid_max and reuse, process groups and sessions.
 */
#include "mm/machine.h"
#include "mm/task.h"
#include "mmlab.h"

/**
 * alloc_pid - the next id of @m, for a new task or thread.
 * Context: any; ids are handed out atomically.
 * Return: the id (from 1 up).
 */
int alloc_pid(struct machine *m)
{
	return __atomic_add_fetch(&m->last_pid, 1, __ATOMIC_RELAXED);
}

MMLAB_EXPORT int mmlab_task_pid(const struct mmlab_task *t)
{
	return t ? t->tsk.pid : -EINVAL;
}

MMLAB_EXPORT int mmlab_task_tgid(const struct mmlab_task *t)
{
	return t ? t->tsk.tgid : -EINVAL;
}

MMLAB_EXPORT int mmlab_task_same_mm(const struct mmlab_task *a, const struct mmlab_task *b)
{
	return a && b && a->tsk.mm == b->tsk.mm;
}
