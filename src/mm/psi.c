// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pressure stall information for memory (kernel/sched/psi.c, the memory resource of the root
 * group): how much of the time tasks were stalled waiting for memory, as /proc/pressure/memory
 * prints it - the share of stalled time over the last 10, 60 and 300 seconds (running
 * averages updated every 2 seconds, with the kernel's decay factors) and the total in
 * microseconds, for "some" (at least one task stalled) and "full" (every non-idle task).
 *
 * mmlab's time is simulated: its clock advances with the work done and with the time the
 * scenario says passes. The model:
 *   - a fault resolved in memory costs PSI_FAULT_NS (1 us: entry, allocation, zeroing or
 *     copying a page), not a stall;
 *   - a major fault waits PSI_IO_NS (100 us, a 4 KiB random read on a solid-state disk): a
 *     memory stall when the page it read back, from swap or from a file, is of the
 *     workingset (PG_workingset: it was active when it was evicted, as the shadow entry
 *     said), as swap_read_folio and readahead count it; any other read is I/O, not a stall;
 *   - direct reclaim (the allocating task's, try_to_free_pages) is a stall of PSI_SCAN_NS
 *     (100 ns) per inactive page it examined, as __alloc_pages_direct_reclaim's
 *     psi_memstall_enter/leave; kswapd's runs are not (they stall no task here); before the
 *     OOM killer runs, the allocator tried PSI_RECLAIM_RETRIES passes over every page in use
 *     (mm's MAX_RECLAIM_RETRIES), which is the stall charged for an OOM;
 *   - psi_memstall() is the hook for every other wait on memory (the reclaim and refault
 *     waits of the LRU and swap code);
 *   - time the scenario lets pass (sleep(), strace's timestamps: mmlab_machine_advance) is
 *     idle time, no stall.
 * mmlab runs one task at a time (each scenario line runs to its end), so while a task is
 * stalled no other is productive: "full" equals "some".
 * Left out: CPU and I/O pressure, cgroups, triggers (poll on the file), the per-CPU state
 * machine (there is one runner), the kernel's 2-second timer slack.
 */
#include "mm/psi.h"
#include "mm/machine.h"
#include "mmlab.h"

#include <errno.h>

#define PSI_FREQ_NS (2 * NSEC_PER_SEC)	/* The averages' period, 2 s (PSI_FREQ) */
#define FSHIFT 11			/* Fixed point: the load average's (include/linux/sched/loadavg.h) */
#define FIXED_1 (1UL << FSHIFT)
/* exp(-2 s / window) in fixed point, for the 10 s, 60 s and 300 s windows */
static const unsigned long psi_exp[3] = { 1677, 1981, 2034 };

#ifndef NSEC_PER_SEC
#define NSEC_PER_SEC 1000000000ULL
#endif

__thread bool psi_workingset_read __attribute__((tls_model("initial-exec")));

void psi_init(struct psi_group *psi, struct vm_events *events)
{
	*psi = (struct psi_group){ .events = events, .avg_next_update = PSI_FREQ_NS };
	pthread_mutex_init(&psi->lock, NULL);
}

void psi_exit(struct psi_group *psi)
{
	pthread_mutex_destroy(&psi->lock);
}

/* One step of an exponential running average (calc_load's rounding: up while rising). */
static unsigned long psi_decay(unsigned long avg, unsigned long exp, unsigned long sample)
{
	unsigned long next = avg * exp + sample * (FIXED_1 - exp);

	if (sample >= avg)
		next += FIXED_1 - 1;
	return next / FIXED_1;
}

/* A 2-second period ended: each state's share of it enters the three averages. */
static void psi_period_end(struct psi_group *psi)
{
	for (int s = 0; s < NR_PSI_STATES; s++) {
		uint64_t stalled = psi->total_ns[s] - psi->avg_total_ns[s];
		/* whole percents, as the kernel samples them */
		unsigned long pct = (unsigned long)(min(stalled, PSI_FREQ_NS) * 100 / PSI_FREQ_NS);

		for (int w = 0; w < 3; w++)
			psi->avg[s][w] = psi_decay(psi->avg[s][w], psi_exp[w], pct * FIXED_1);
		psi->avg_total_ns[s] = psi->total_ns[s];
	}
	psi->avg_next_update += PSI_FREQ_NS;
}

static bool psi_avgs_zero(const struct psi_group *psi)
{
	for (int s = 0; s < NR_PSI_STATES; s++)
		for (int w = 0; w < 3; w++)
			if (psi->avg[s][w])
				return false;
	return true;
}

/*
 * @ns pass, stalled or not, cut at each period's end. Idle periods after the averages reached
 * zero change nothing: they are skipped whole (a sleep of years costs no loop).
 * Context: psi->lock held.
 */
static void psi_pass(struct psi_group *psi, uint64_t ns, bool stalled)
{
	while (ns) {
		uint64_t step = min(ns, psi->avg_next_update - psi->clock_ns);

		psi->clock_ns += step;
		ns -= step;
		if (stalled)
			for (int s = 0; s < NR_PSI_STATES; s++)
				psi->total_ns[s] += step;
		if (psi->clock_ns != psi->avg_next_update)
			continue;
		psi_period_end(psi);
		if (!stalled && ns >= PSI_FREQ_NS && psi_avgs_zero(psi)) {
			uint64_t idle = ns / PSI_FREQ_NS * PSI_FREQ_NS;

			psi->clock_ns += idle;
			psi->avg_next_update += idle;
			ns -= idle;
		}
	}
}

/*
 * Minor faults are counted in the faulting thread's own event set (MINOR_FAULT: a plain add,
 * no lock and no locked instruction on the fault path); the work time of those counted since
 * the last fold is passed before anything else changes or reads the clock. Passing it late
 * changes nothing: time that is not stalled only moves the clock, and the period ends it
 * crosses see the same stall totals then as they would have on time.
 * Context: psi->lock held.
 */
static void psi_fold(struct psi_group *psi)
{
	unsigned long minor = sum_vm_event(psi->events, MINOR_FAULT);

	if (minor != psi->minor_passed)
		psi_pass(psi, (uint64_t)(minor - psi->minor_passed) * PSI_FAULT_NS, false);
	psi->minor_passed = minor;
}

/**
 * psi_advance - @ns of simulated time pass with no task stalled on memory.
 * Context: any; takes psi->lock.
 */
void psi_advance(struct psi_group *psi, uint64_t ns)
{
	pthread_mutex_lock(&psi->lock);
	psi_fold(psi);
	psi_pass(psi, ns, false);
	pthread_mutex_unlock(&psi->lock);
}

/**
 * psi_memstall - the running task waits @ns of simulated time for memory (the interval
 * between the kernel's psi_memstall_enter and psi_memstall_leave).
 * Context: any; takes psi->lock.
 */
void psi_memstall(struct psi_group *psi, uint64_t ns)
{
	pthread_mutex_lock(&psi->lock);
	psi_fold(psi);
	psi_pass(psi, ns, true);
	pthread_mutex_unlock(&psi->lock);
}

/*
 * psi_account_fault's major fault: its work, then its wait - a memory stall when the page it
 * read back was of the workingset (psi_note_read, which this consumes), I/O otherwise.
 * Context: takes psi->lock.
 */
void __psi_account_major_fault(struct psi_group *psi)
{
	bool stall = psi_workingset_read;

	psi_workingset_read = false;
	pthread_mutex_lock(&psi->lock);
	psi_fold(psi);
	psi_pass(psi, PSI_FAULT_NS, false);
	psi_pass(psi, PSI_IO_NS, stall);
	pthread_mutex_unlock(&psi->lock);
}

/* LOAD_INT and LOAD_FRAC: a fixed-point percentage as "%lu.%02lu". */
static void psi_line(FILE *out, const char *name, const unsigned long avg[3], uint64_t total_ns)
{
	fprintf(out, "%s", name);
	for (int w = 0; w < 3; w++) {
		static const char *const win[3] = { "avg10", "avg60", "avg300" };

		fprintf(out, " %s=%lu.%02lu", win[w], avg[w] >> FSHIFT,
			((avg[w] & (FIXED_1 - 1)) * 100) >> FSHIFT);
	}
	fprintf(out, " total=%llu\n", (unsigned long long)(total_ns / 1000));
}

/**
 * psi_show - /proc/pressure/memory as the kernel prints it.
 * Context: any; takes psi->lock.
 * Return: 0, or -EIO when @out fails.
 */
int psi_show(struct psi_group *psi, FILE *out)
{
	pthread_mutex_lock(&psi->lock);
	psi_fold(psi);
	psi_line(out, "some", psi->avg[PSI_MEM_SOME], psi->total_ns[PSI_MEM_SOME]);
	psi_line(out, "full", psi->avg[PSI_MEM_FULL], psi->total_ns[PSI_MEM_FULL]);
	pthread_mutex_unlock(&psi->lock);
	return ferror(out) ? -EIO : 0;
}

/**
 * mmlab_pressure - /proc/pressure/memory of the machine, written to @out.
 * Return: 0; -EINVAL for a NULL argument; -EIO when @out fails.
 */
MMLAB_EXPORT int mmlab_pressure(struct mmlab_machine *m, FILE *out)
{
	if (!m || !out)
		return -EINVAL;
	return psi_show(&machine_of(m)->psi, out);
}

/**
 * mmlab_pressure_get - the machine's simulated clock and its memory stall totals.
 * Return: 0; -EINVAL for a NULL argument.
 */
MMLAB_EXPORT int mmlab_pressure_get(struct mmlab_machine *m, struct mmlab_pressure_stats *st)
{
	struct psi_group *psi;

	if (!m || !st)
		return -EINVAL;
	psi = &machine_of(m)->psi;
	pthread_mutex_lock(&psi->lock);
	psi_fold(psi);
	st->clock_ns = psi->clock_ns;
	st->some_ns = psi->total_ns[PSI_MEM_SOME];
	st->full_ns = psi->total_ns[PSI_MEM_FULL];
	pthread_mutex_unlock(&psi->lock);
	return 0;
}
