/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The task behind the public struct mmlab_task handle (include/linux/sched.h's task_struct
 * and sched/mm.h, the few parts mmlab models): the internal struct task the mm calls consult -
 * its mm, the switches the mm was built with, ids, fault counters, VMA cache, credentials,
 * limits and PKRU - and around it the fd table and the CPU context it runs on. Shared by exec.c (creation), file.c (the fd table), syscalls.c
 * (the memory calls), fork.c (fork, clone, exit) and access.c (memory access through the task).
 */
#ifndef MMLAB_MM_TASK_H
#define MMLAB_MM_TASK_H

#include "mm/cred.h"
#include "mm/mm_types.h"

#include <sys/resource.h>

#define MMLAB_NR_FDS 1024
#define TASK_COMM_LEN 16		/* include/linux/sched.h: 15 characters and the NUL */

struct machine;

/* The switches an address space is built with (limits and credentials: struct task). */
struct mm_config {
	bool randomize;			/* PF_RANDOMIZE: ASLR for mmap base, stack, brk */
	bool legacy_layout;		/* ADDR_COMPAT_LAYOUT personality: bottom-up */
	bool ignore_rlimit_data;	/* The ignore_rlimit_data boot option */
	unsigned long mmap_min_addr;	/* vm.mmap_min_addr */
	int max_map_count;		/* vm.max_map_count */
	uint64_t seed;			/* Seeds the random layout */
};

/*
 * The per-thread VMA cache (Linux's mm/vmacache.c before 6.1): the last VMAs this thread's
 * lookups found, in slots indexed by the low bits of the page number. Valid while seqnum equals
 * mm->vmacache_seqnum; a VMA leaving the tree bumps that and so empties every thread's cache
 * at its next use.
 */
#define VMACACHE_BITS 2
#define VMACACHE_SIZE (1U << VMACACHE_BITS)
struct vmacache {
	unsigned long seqnum;		/* mm->vmacache_seqnum when the entries were stored */
	struct vm_area_struct *vmas[VMACACHE_SIZE]; /* By page number's low bits, or NULL */
};

/* vmacache.c */
struct task;
struct mm_struct;
struct vm_area_struct *vmacache_find(struct task *tsk, struct mm_struct *mm, unsigned long addr);
void vmacache_update(struct task *tsk, unsigned long addr, struct vm_area_struct *vma);
void vmacache_invalidate(struct mm_struct *mm);

/*
 * The task whose call runs on this host thread (Linux's current), or NULL: the public entry
 * points that look VMAs up set it for their duration (TASK_ENTER), so that find_vma consults
 * that task's VMA cache when it looks in the task's own mm. A nested entry restores the
 * outer one's task when it returns.
 */
extern __thread struct task *current_task __attribute__((tls_model("initial-exec")));

static inline struct task *task_enter(struct task *tsk)
{
	struct task *prev = current_task;

	current_task = tsk;
	return prev;
}

static inline void task_leave(struct task **prev)
{
	current_task = *prev;
}

/* Makes @tsk current until the enclosing block ends (the entry point returns). */
#define TASK_ENTER(tsk)                                                                            \
	struct task *task_prev_current __attribute__((cleanup(task_leave), unused)) =             \
		task_enter(tsk)

/* One task: the address space plus the process attributes the mm calls consult. */
struct task {
	struct mm_struct *mm;		/* Its address space (shared by CLONE_VM tasks) */
	struct mm_config cfg;		/* The switches that address space was built with */
	uint64_t rng;			/* State of the layout's random generator */
	int pid;			/* Thread id */
	int tgid;			/* Thread-group (process) id */
	unsigned long min_flt;		/* Faults resolved without I/O (/proc/pid/stat minflt) */
	unsigned long maj_flt;		/* Faults that needed I/O (majflt) */
	struct vmacache vmacache;	/* This thread's VMA lookups */
	struct cred cred;		/* Ids and capabilities (sys.c, capability.c) */
	struct signal_struct *signal;	/* Resource limits, shared by the thread group */
	struct list_head thread_node;	/* In signal->thread_head (its lock) */
	uint32_t pkru;			/* This thread's PKRU (thread.pkru): loaded into its CPU
					 * context whenever it runs there; 0 without PKU */
	unsigned int umask;		/* fs_struct's umask: cleared from O_CREAT modes; copied
					 * at fork and clone (CLONE_FS's sharing not modelled) */
	/* Signals (signal.c), bit sig - 1; atomic: */
	uint64_t sig_blocked;		/* sigprocmask's mask (copied at fork) */
	uint64_t sig_pending;		/* Sent while blocked (the private queue) */
	uint64_t sig_delivered;		/* Sent to a handler (it ran: the task went on) */
	struct list_head tasks;		/* In machine->tasks (tasks_lock), from creation to exit */
	char comm[TASK_COMM_LEN];	/* The executable's name as exec set it (task->comm):
					 * what the kernel log names the task by */
};

/* send_sig(@sig, @tsk, 0) for the signals the file calls raise (SIGPIPE, SIGXFSZ): signal.c */
void send_sig(int sig, struct task *tsk);

/* rlimit(): the soft limit of @res the task's process has now. */
static inline unsigned long task_rlimit(const struct task *tsk, unsigned int res)
{
	return __atomic_load_n(&tsk->signal->rlim[res].rlim_cur, __ATOMIC_RELAXED);
}

static inline unsigned long task_rlimit_max(const struct task *tsk, unsigned int res)
{
	return __atomic_load_n(&tsk->signal->rlim[res].rlim_max, __ATOMIC_RELAXED);
}

/* capable(): @cap is in the task's effective set (no user namespaces: all in the initial). */
static inline bool capable(const struct task *tsk, int cap)
{
	return tsk->cred.cap_effective & (1ULL << cap);
}


struct mmlab_task {
	struct task tsk;		/* pid, tgid, mm, limits, fault counters, VMA cache */
	struct file *fds[MMLAB_NR_FDS];	/* The fd table (copied at fork, not shared) */
	unsigned long close_on_exec[MMLAB_NR_FDS / 64]; /* FD_CLOEXEC bits (fd.c) */
	unsigned int cpu;		/* The CPU context its accesses run on */
	struct mmlab_task *vfork_parent; /* Parent suspended in vfork until this one exits */
	struct mmlab_task *vfork_child;	/* Its vfork child while alive: this task is suspended */
};

/* The close-on-exec bit of @fd's slot (__set_close_on_exec, __clear_close_on_exec). */
static inline void fd_set_cloexec(struct mmlab_task *t, int fd, bool on)
{
	unsigned long bit = 1UL << (fd % 64);

	if (on)
		t->close_on_exec[fd / 64] |= bit;
	else
		t->close_on_exec[fd / 64] &= ~bit;
}

/* exec.c */
struct mm_struct *task_mm(struct mmlab_task *t);

/* fork.c (include/linux/sched/mm.h) */
struct mm_struct *__must_check mm_alloc(struct machine *m, const struct mm_config *cfg);
void mmput(struct mm_struct *mm);
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
struct mm_struct *__must_check dup_mm(struct task *tsk, struct mm_struct *oldmm);

/* pid.c */
int alloc_pid(struct machine *m);

/* fork.c */
void task_list_add(struct machine *m, struct task *tsk);
void set_task_comm(struct task *tsk, const char *path);
void task_exit(struct mmlab_task *t);
void thread_group_add(struct task *tsk);
void thread_group_del(struct task *tsk);

#endif /* MMLAB_MM_TASK_H */
