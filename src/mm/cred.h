/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A task's credentials and its process's resource limits: the parts of include/linux/cred.h,
 * include/linux/capability.h, include/uapi/linux/securebits.h and the rlimit array of
 * include/linux/sched/signal.h's signal_struct that decide what the memory calls allow
 * (CAP_IPC_LOCK for mlock beyond RLIMIT_MEMLOCK, CAP_SYS_RAWIO for mappings below
 * vm.mmap_min_addr, CAP_SYS_ADMIN for the overcommit reserve, CAP_SYS_NICE for
 * process_madvise of another process, CAP_SYS_RESOURCE for raising
 * hard limits, CAP_SETUID/CAP_SETGID/CAP_SETPCAP for changing the credentials themselves).
 * sys.c and capability.c implement the calls. Left out: user namespaces (every id is in the
 * initial namespace), supplementary groups, LSMs other than the capability module, file
 * capabilities and exec's capability transitions.
 */
#ifndef MMLAB_MM_CRED_H
#define MMLAB_MM_CRED_H

#include "kernel.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/resource.h>

typedef uint64_t kernel_cap_t;		/* One bit per capability, as the kernel's u64 val */

/* include/uapi/linux/capability.h: the capabilities the mm and the id calls consult. */
#define CAP_DAC_OVERRIDE 1
#define CAP_FOWNER 3
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_IPC_LOCK 14
#define CAP_SYS_RAWIO 17
#define CAP_SYS_ADMIN 21
#define CAP_SYS_PTRACE 19
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_LAST_CAP 40			/* CAP_CHECKPOINT_RESTORE */
#define CAP_VALID_MASK ((1ULL << (CAP_LAST_CAP + 1)) - 1)
#define CAP_FULL_SET CAP_VALID_MASK

/* include/uapi/linux/securebits.h */
#define SECURE_NOROOT 0
#define SECURE_NO_SETUID_FIXUP 2
#define SECURE_KEEP_CAPS 4
#define SECBIT_KEEP_CAPS (1U << SECURE_KEEP_CAPS)

#define INVALID_ID ((uint32_t)-1)	/* (uid_t)-1: "unchanged", and never a valid id */

struct cred {
	uint32_t uid, euid, suid, fsuid; /* Real, effective, saved, filesystem user ids */
	uint32_t gid, egid, sgid, fsgid; /* The same for the group */
	unsigned int securebits;	/* SECBIT_* (prctl PR_SET_KEEPCAPS sets SECBIT_KEEP_CAPS) */
	kernel_cap_t cap_inheritable;	/* Caps exec may pass on */
	kernel_cap_t cap_permitted;	/* Caps the task may make effective */
	kernel_cap_t cap_effective;	/* Caps capable() tests */
	kernel_cap_t cap_bset;		/* Bounding set */
	kernel_cap_t cap_ambient;	/* Ambient set (kept a subset of permitted & inheritable) */
};

/* The limits a thread group shares (signal_struct's rlim[] and the lock that guards them). */
struct signal_struct {
	long refcount;			/* Tasks of the group; atomic */
	pthread_mutex_t lock;		/* Serializes writers of rlim (task_lock(group_leader)) */
	struct rlimit rlim[RLIM_NLIMITS]; /* Read with READ_ONCE semantics (task_rlimit) */
	/* The dispositions (sighand_struct's, shared by the group as CLONE_THREAD shares it),
	 * bit sig - 1; atomic: */
	uint64_t sig_ignored;		/* SIG_IGN */
	uint64_t sig_handled;		/* A handler */
	int killed_by;			/* The signal whose default action ended the group, 0 */
	short oom_score_adj;		/* /proc/PID/oom_score_adj, -1000..1000 (oom_kill.c);
					 * under the machine's oom lock, read with READ_ONCE */
	short oom_score_adj_min;	/* The least an unprivileged write may set */
	struct list_head thread_head;	/* Its tasks (task.thread_node), under lock */
};

struct task;
struct machine;

/* sys.c */
struct signal_struct *signal_alloc(struct machine *m);
struct signal_struct *signal_copy(struct signal_struct *old);
struct signal_struct *signal_get(struct signal_struct *sig);
void signal_put(struct signal_struct *sig);

/* capability.c */
void cred_init(struct cred *c, uint32_t uid, uint32_t gid, bool privileged);
void cap_task_fix_setuid(struct cred *new, const struct cred *old);
int cap_mmap_addr(const struct task *tsk, unsigned long addr);

#endif /* MMLAB_MM_CRED_H */
