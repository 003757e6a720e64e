/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pressure stall information for memory (include/linux/psi.h, kernel/sched/psi.c's memory
 * resource): the machine's simulated clock, the time tasks stalled on memory, and the
 * running averages /proc/pressure/memory prints. psi.c implements it and documents the
 * model of time.
 */
#ifndef MMLAB_MM_PSI_H
#define MMLAB_MM_PSI_H

#include "kernel.h"

#include <pthread.h>
#include <stdio.h>

#include "phys/page.h"
#include "phys/vmstat.h"

/* The model's costs, in simulated nanoseconds (psi.c says why these) */
#define PSI_FAULT_NS 1000ULL		/* A fault resolved in memory */
#define PSI_IO_NS 100000ULL		/* A 4 KiB read a major fault waits for */
#define PSI_SCAN_NS 100ULL		/* One page looked at by reclaim */
#define PSI_RECLAIM_RETRIES 16		/* Reclaim passes before the OOM killer (mm's
					 * MAX_RECLAIM_RETRIES) */

enum psi_states {
	PSI_MEM_SOME,			/* At least one task stalled on memory */
	PSI_MEM_FULL,			/* Every non-idle task stalled on memory */
	NR_PSI_STATES,
};

/* The memory pressure of one machine (struct psi_group, memory only). */
struct psi_group {
	struct vm_events *events;	/* The node's counters: MINOR_FAULT, per thread */
	pthread_mutex_t lock;		/* Protects what follows */
	unsigned long minor_passed;	/* MINOR_FAULT count whose work time has passed */
	uint64_t clock_ns;		/* Simulated time since the machine was made */
	uint64_t total_ns[NR_PSI_STATES];	/* Stalled time, ever */
	uint64_t avg_next_update;	/* Clock at the end of the current 2 s period */
	uint64_t avg_total_ns[NR_PSI_STATES];	/* total_ns when the period began */
	unsigned long avg[NR_PSI_STATES][3];	/* avg10, avg60, avg300: percent, FIXED_1
						 * fixed point */
};

void psi_init(struct psi_group *psi, struct vm_events *events);
void psi_exit(struct psi_group *psi);
/* @ns of simulated time pass with no task stalled on memory (work, or idleness). */
void psi_advance(struct psi_group *psi, uint64_t ns);
/* The running task stalls on memory for @ns of simulated time (psi_memstall_enter/leave). */
void psi_memstall(struct psi_group *psi, uint64_t ns);
/*
 * Set while this thread's fault read back a page of the workingset (PG_workingset: a refault
 * of a page that was active when evicted): swap_read_folio's and readahead's
 * psi_memstall_enter. The fault's psi_account_fault takes it.
 */
extern __thread bool psi_workingset_read __attribute__((tls_model("initial-exec")));

/* The fault that reads @page back waits on memory if the page is of the workingset. */
static inline void psi_note_read(const struct page *page)
{
	if (PageWorkingset(page))
		psi_workingset_read = true;
}

void __psi_account_major_fault(struct psi_group *psi);

/*
 * psi_account_fault - a fault was resolved: PSI_FAULT_NS of work, and for a major fault
 * PSI_IO_NS waiting for the read - a memory stall when the page it read back was of the
 * workingset (psi_note_read), I/O otherwise. A minor fault is only counted (MINOR_FAULT, in
 * the thread's own set: a plain add), and its work passes at the next fold (psi_fold).
 * Context: any; takes psi->lock for a major fault only.
 */
static inline void psi_account_fault(struct psi_group *psi, bool major)
{
	if (likely(!major))
		count_vm_events_in(psi->events, MINOR_FAULT, 1);
	else
		__psi_account_major_fault(psi);
}
/* Writes /proc/pressure/memory. */
int psi_show(struct psi_group *psi, FILE *out);

#endif /* MMLAB_MM_PSI_H */
