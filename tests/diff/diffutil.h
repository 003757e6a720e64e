/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the differential fault tests share (difffault.c: anonymous memory, difffile.c: a
 * file): the seeded random numbers of their sequences, the smaps figures of the VMAs in their
 * window, read on the host (/proc/self/smaps) and in mmlab (mmlab_proc_smaps), compared VMA
 * by VMA or summed over the window, and the host side's process tree: the forked helper that
 * runs a sequence natively and its fork steps. What a step does and which figures count stay
 * in each test.
 */
#ifndef MMLAB_TESTS_DIFFUTIL_H
#define MMLAB_TESTS_DIFFUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "mmlab.h"

#define WIN 0x300000000000UL	/* Where the sequences map: far from the tests' own mappings */
#define PG 4096UL
#define MAX_VMAS 48		/* VMAs of the window a record keeps */
#define MAX_DEPTH 2		/* Fork children below the sequence's first process */
/*
 * How often the file tests run a seed before calling it a difference. mmlab is deterministic
 * and a model difference shows every time; the host's readahead and writeback finish on their
 * own time: a read-around split in two bios by pages already cached, the second still in
 * flight when fault-around looks, costs the host one more minor fault. At a load of 5-7 on
 * two CPUs one such seed differed in 1 run of 10 to 25, and in one make check twice in a
 * row, so one retry was not enough.
 */
#define DIFF_ATTEMPTS 3

/* The random numbers of a sequence (splitmix64): set rng to the seed, then call rnd(). */
extern uint64_t rng;
uint64_t rnd(void);

/* The figures of one window VMA, from smaps (kB); a test fills those it compares. */
struct vfig {
	uint64_t start, end;
	uint64_t rss, pss, pss_dirty, sc, sd, pc, pd, anon, lazy, ref;
};

/* The smaps keys parse_smaps can fill: Rss, Pss, ... LazyFree, Referenced. */
enum smaps_key {
	SMAPS_RSS = 1 << 0,
	SMAPS_PSS = 1 << 1,
	SMAPS_PSS_DIRTY = 1 << 2,
	SMAPS_SHARED_CLEAN = 1 << 3,
	SMAPS_SHARED_DIRTY = 1 << 4,
	SMAPS_PRIVATE_CLEAN = 1 << 5,
	SMAPS_PRIVATE_DIRTY = 1 << 6,
	SMAPS_ANONYMOUS = 1 << 7,
	SMAPS_LAZYFREE = 1 << 8,
	SMAPS_REFERENCED = 1 << 9,
};

/* The VMAs in the window a test maps into: where they lie and which keys count. */
struct smaps_window {
	unsigned int pages;		/* [WIN, WIN + pages * PG) */
	unsigned int keys;		/* SMAPS_*: the figures parsed, the others stay 0 */
};

/*
 * Collects the VMAs of @text (smaps) inside @w into @v (at most MAX_VMAS); the window's VMA
 * count is stored in @nr.
 */
void parse_smaps(const char *text, const struct smaps_window *w, struct vfig *v, int *nr);

/* Same VMA boundaries in the window? */
bool same_vmas(const struct vfig *a, int na, const struct vfig *b, int nb);

/* The page counters (Rss, Shared, Private, Anonymous, LazyFree) summed over @nr VMAs. */
struct vfig window_sums(const struct vfig *v, int nr);

/* The host's /proc/self/smaps, in a static buffer; exits the helper (3) when unreadable. */
const char *host_smaps_text(void);

/* mmlab's smaps of @t, allocated (free() it), or NULL. */
char *lab_smaps_text(struct mmlab_task *t);

/* A call's return: @r, or -errno when it is negative. */
long errno_ret(long r);

/*
 * Forks the helper that runs a sequence natively, with the window free (it exits 6
 * otherwise). Return: true in the helper, which runs the sequence and _exit()s; false in the
 * caller once the helper is gone, *@status its wait status (0: it exited with 0; -1: no
 * helper could be forked or waited for).
 */
bool host_helper(const struct smaps_window *w, int *status);

/*
 * A fork step of the native sequence: the child returns false and runs on, up to the
 * matching exit; the parent returns true once the child has exited with 0 (the helper exits
 * 4 or 5 otherwise). Each calls @warm_stack first, to take the write faults fork left on its
 * stack before anything is measured.
 */
bool native_fork(void (*warm_stack)(void));

/* The mmlab side's processes: the sequence's first task and the fork children below it. */
struct lab_tasks {
	struct mmlab_task *stack[MAX_DEPTH + 1]; /* [depth] runs the steps */
	int depth;
};

/* The first task (seed 1, no ASLR) on @m. Return: 0 or mmlab_task_create's error. */
int lab_tasks_start(struct lab_tasks *l, struct mmlab_machine *m);

/* A fork step: the running task forks and the child runs on. Return: 0 or the error. */
int lab_fork(struct lab_tasks *l);

/*
 * The end of a step, after its record: an exit step (@exit) ends the running task and its
 * parent resumes; the task that runs on is validated. Return: 0 or the validator's error.
 */
int lab_step_end(struct lab_tasks *l, bool exit);

/* Exits every task left. */
void lab_tasks_end(struct lab_tasks *l);

#endif /* MMLAB_TESTS_DIFFUTIL_H */
