/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OOM killer's interface (include/linux/oom.h): struct oom_control, the per-machine state
 * (the oom_lock and the vm.oom_* sysctls) and the entry points the allocator's slow path and
 * the fault path call. oom_kill.c implements it.
 * Left out: memory cgroups and cpusets (every OOM is CONSTRAINT_NONE, over the whole machine),
 * the notifier chain and oom_killer_disable (suspend).
 */
#ifndef MMLAB_MM_OOM_H
#define MMLAB_MM_OOM_H

#include "kernel.h"

#include <pthread.h>

#define OOM_SCORE_ADJ_MIN (-1000)	/* Never killed */
#define OOM_SCORE_ADJ_MAX 1000

/* mm->flags bits of the OOM killer (include/linux/mm_types.h) */
#define MMF_OOM_SKIP 21			/* Reaped, or hopeless: the killer passes it over */
#define MMF_OOM_VICTIM 25		/* An OOM victim's address space */

typedef unsigned int gfp_t;

/* The gfp masks an OOM report names (include/linux/gfp_types.h, 6.x bit values) */
#define ___GFP_HIGHMEM 0x02U
#define ___GFP_MOVABLE 0x08U
#define ___GFP_IO 0x40U
#define ___GFP_FS 0x80U
#define ___GFP_ZERO 0x100U
#define ___GFP_DIRECT_RECLAIM 0x400U
#define ___GFP_KSWAPD_RECLAIM 0x800U
#define ___GFP_COMP 0x40000U
#define ___GFP_HARDWALL 0x100000U
#define GFP_HIGHUSER_MOVABLE (___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM | ___GFP_IO | \
			      ___GFP_FS | ___GFP_HARDWALL | ___GFP_HIGHMEM | ___GFP_MOVABLE)
/* A user page as the fault path allocates it (a folio: __GFP_COMP) */
#define GFP_USER_FOLIO (GFP_HIGHUSER_MOVABLE | ___GFP_COMP)

enum oom_constraint {
	CONSTRAINT_NONE,		/* The whole machine ran out (no cpuset, mempolicy, memcg) */
};

struct task;
struct machine;

/* One OOM: what ran out, for whom, and the victim found (include/linux/oom.h). */
struct oom_control {
	struct task *current;		/* The allocating task (Linux's current), or NULL */
	gfp_t gfp_mask;			/* The failed allocation's flags, as the report prints */
	int order;			/* Its order */
	unsigned long totalpages;	/* RAM + swap, in pages: oom_score_adj's scale */
	enum oom_constraint constraint;
	struct task *chosen;		/* The victim, or NULL */
	long chosen_points;		/* Its badness */
};

/* The OOM killer's per-machine state (Linux's oom_lock and sysctls). */
struct oom_state {
	pthread_mutex_t lock;		/* oom_lock: one OOM kill at a time; oom_score_adj writes */
	int kill_allocating_task;	/* vm.oom_kill_allocating_task */
	int dump_tasks;			/* vm.oom_dump_tasks (default 1) */
	unsigned long oom_kill;		/* Victims killed (vmstat oom_kill); under lock */
};

void oom_init(struct oom_state *oom);
void oom_exit(struct oom_state *oom);
long oom_badness(struct task *tsk, unsigned long totalpages);
bool out_of_memory(struct oom_control *oc);
bool pagefault_out_of_memory(struct task *tsk, gfp_t gfp_mask);
int oom_sysctl(struct machine *m, const char *name, const uint64_t *new_val, uint64_t *old_val);

/* Whether @tsk's process was killed by SIGKILL: it runs no more (fatal_signal_pending). */
bool fatal_signal_pending(const struct task *tsk);

#endif /* MMLAB_MM_OOM_H */
