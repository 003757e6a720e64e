// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Randomized data-integrity workload for the fault layer: a family of tasks made by fork and
 * CLONE_VM threads writes bytes, zaps with MADV_DONTNEED, marks MADV_FREE, changes protections
 * and exits, while a model keeps what every byte must read as in every address space. Every
 * byte every task can see is compared with the model, protections are checked to fault with
 * SEGV_ACCERR, and the allocator and every mm are validated (every few steps here; after every
 * step with MMLAB_FAULT_SLOW=1, the slow variant run by make slowtest, which also runs more
 * seeds and steps). At the end every frame must be free again.
 *
 * ctest-labels: tsan
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"

#define PG 4096UL
#define ARENA 0x10000000UL
#ifndef ARENA_PAGES
#define ARENA_PAGES 24
#endif
#define SHARED 0x20000000UL
#define SHARED_PAGES 6
#define MAX_TASKS 8

enum { P_NONE, P_R, P_RW };

/* What one address space must hold. Threads share one; fork copies it. */
struct model {
	int users;
	unsigned char bytes[ARENA_PAGES * PG];
	int prot[ARENA_PAGES];
#ifdef FAULT_STRESS_SWAP
	/*
	 * Under memory pressure reclaim may drop a MADV_FREE page not written since, and
	 * MADV_FREE drops a swapped-out page at once: such a page reads as bytes (kept) or as
	 * alt (dropped: zeroes, plus what was written after the drop), whichever happened,
	 * until verify sees which or DONTNEED settles it.
	 */
	unsigned char lazy[ARENA_PAGES];	/* 1: MADV_FREE'd, alt is the dropped copy */
	unsigned char alt[ARENA_PAGES * PG];
#endif
};

struct proc {
	struct mmlab_task *t;
	struct model *mm;
};

struct world {
	struct mmlab_machine *m;
	struct proc p[MAX_TASKS];
	int n;
	unsigned char shared[SHARED_PAGES * PG];
	uint64_t rng;
	bool slow;
};

static uint64_t rnd(struct world *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static unsigned int pick(struct world *w, unsigned int n)
{
	return (unsigned int)(rnd(w) % n);
}

static const int prot_of[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

static void do_write(struct world *w, struct proc *p)
{
	unsigned int pg = pick(w, ARENA_PAGES), off = pick(w, PG), len = 1 + pick(w, 300);
	unsigned char buf[300];
	struct mmlab_fault f;
	uint64_t a = ARENA + pg * PG + off;

	if (off + len > PG)
		len = (unsigned int)(PG - off);
	for (unsigned int i = 0; i < len; i++)
		buf[i] = (unsigned char)rnd(w);
	if (p->mm->prot[pg] == P_RW) {
		assert_int_equal(mmlab_poke(p->t, a, buf, len, NULL), 0);
		memcpy(p->mm->bytes + pg * PG + off, buf, len);
#ifdef FAULT_STRESS_SWAP
		if (p->mm->lazy[pg])
			memcpy(p->mm->alt + pg * PG + off, buf, len);
#endif
	} else {
		assert_int_equal(mmlab_poke(p->t, a, buf, len, &f), -EFAULT);
		assert_int_equal(f.signo, SIGSEGV);
		assert_int_equal(f.code, 2);
		assert_int_equal(f.addr, a);
	}
}

static void do_write_shared(struct world *w, struct proc *p)
{
	unsigned int off = pick(w, SHARED_PAGES * PG - 64);
	unsigned char buf[64];

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)rnd(w);
	assert_int_equal(mmlab_poke(p->t, SHARED + off, buf, sizeof(buf), NULL), 0);
	memcpy(w->shared + off, buf, sizeof(buf));
}

static void range(struct world *w, unsigned int *first, unsigned int *n)
{
	*first = pick(w, ARENA_PAGES);
	*n = 1 + pick(w, ARENA_PAGES - *first);
}

static void do_dontneed(struct world *w, struct proc *p)
{
	unsigned int first, n;

	range(w, &first, &n);
	assert_int_equal(mmlab_madvise(p->t, ARENA + first * PG, n * PG, MADV_DONTNEED), 0);
	memset(p->mm->bytes + first * PG, 0, n * PG);
#ifdef FAULT_STRESS_SWAP
	memset(p->mm->lazy + first, 0, n);
#endif
}

static void do_free(struct world *w, struct proc *p)
{
	unsigned int first, n;

	range(w, &first, &n);
#ifdef FAULT_STRESS_SWAP
	/*
	 * A page still undecided from an earlier MADV_FREE is read first, so that the model
	 * knows which copy the new one may drop; one that cannot be read (PROT_NONE) makes
	 * the call wait for another turn.
	 */
	for (unsigned int i = first; i < first + n; i++)
		if (p->mm->lazy[i] && p->mm->prot[i] == P_NONE)
			return;
	for (unsigned int i = first; i < first + n; i++) {
		static unsigned char buf[PG];

		if (!p->mm->lazy[i])
			continue;
		assert_int_equal(mmlab_peek(p->t, ARENA + i * PG, buf, PG, NULL), 0);
		if (memcmp(buf, p->mm->alt + i * PG, PG))
			assert_memory_equal(buf, p->mm->bytes + i * PG, PG);
		memcpy(p->mm->bytes + i * PG, buf, PG);
		p->mm->lazy[i] = 0;
	}
#endif
	assert_int_equal(mmlab_madvise(p->t, ARENA + first * PG, n * PG, MADV_FREE), 0);
#ifdef FAULT_STRESS_SWAP
	memset(p->mm->lazy + first, 1, n);
	memset(p->mm->alt + first * PG, 0, n * PG);
#endif
}

static void do_mprotect(struct world *w, struct proc *p)
{
	unsigned int first, n, pr = pick(w, 3);

	range(w, &first, &n);
	assert_int_equal(mmlab_mprotect(p->t, ARENA + first * PG, n * PG, prot_of[pr]), 0);
	for (unsigned int i = first; i < first + n; i++)
		p->mm->prot[i] = (int)pr;
}

static void do_clone(struct world *w, struct proc *p, bool thread)
{
	struct proc *c = &w->p[w->n];

	if (thread) {
		assert_int_equal(mmlab_clone(p->t, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, &c->t),
				 0);
		c->mm = p->mm;
		c->mm->users++;
	} else {
		assert_int_equal(mmlab_fork(p->t, &c->t), 0);
		c->mm = malloc(sizeof(*c->mm));
		assert_non_null(c->mm);
		*c->mm = *p->mm;
		c->mm->users = 1;
	}
	assert_int_equal(mmlab_task_set_cpu(c->t, (unsigned int)w->n % 2), 0);
	w->n++;
}

static void do_exit(struct world *w, unsigned int i)
{
	struct proc *p = &w->p[i];

	mmlab_exit(p->t);
	if (!--p->mm->users)
		free(p->mm);
	w->p[i] = w->p[--w->n];
}

static void verify(struct world *w, struct proc *p)
{
	static unsigned char buf[PG];

	for (unsigned int pg = 0; pg < ARENA_PAGES; pg++) {
		struct mmlab_fault f;
		uint64_t a = ARENA + pg * PG;

		if (p->mm->prot[pg] == P_NONE) {
			assert_int_equal(mmlab_peek(p->t, a, buf, 1, &f), -EFAULT);
			assert_int_equal(f.code, 2);
			continue;
		}
		assert_int_equal(mmlab_peek(p->t, a, buf, PG, NULL), 0);
#ifdef FAULT_STRESS_SWAP
		if (p->mm->lazy[pg] && !memcmp(buf, p->mm->alt + pg * PG, PG)) {
			/* dropped: from now on the page is what it reads */
			memcpy(p->mm->bytes + pg * PG, buf, PG);
			p->mm->lazy[pg] = 0;
			continue;
		}
#endif
		assert_memory_equal(buf, p->mm->bytes + pg * PG, PG);
	}
	for (unsigned int pg = 0; pg < SHARED_PAGES; pg++) {
		assert_int_equal(mmlab_peek(p->t, SHARED + pg * PG, buf, PG, NULL), 0);
		assert_memory_equal(buf, w->shared + pg * PG, PG);
	}
}

static void step(struct world *w)
{
	struct proc *p = &w->p[pick(w, (unsigned int)w->n)];
	unsigned int op = pick(w, 100);

	if (op < 45)
		do_write(w, p);
	else if (op < 55)
		do_write_shared(w, p);
	else if (op < 62)
		do_dontneed(w, p);
	else if (op < 67)
		do_free(w, p);
	else if (op < 77)
		do_mprotect(w, p);
	else if (op < 85 && w->n < MAX_TASKS)
		do_clone(w, p, pick(w, 4) == 0);
	else if (op < 92 && w->n > 1)
		do_exit(w, (unsigned int)(p - w->p));
	else
		verify(w, p);
}

static void validate_all(struct world *w)
{
	assert_int_equal(mmlab_machine_validate(w->m), 0);
	for (int i = 0; i < w->n; i++)
		assert_int_equal(mmlab_task_validate(w->p[i].t), 0);
}

#ifdef FAULT_STRESS_SWAP
/*
 * The swap variant: the first task fills its whole arena before the workload starts, on a
 * machine whose RAM is a quarter of that, with a swap file under $TMPDIR of eight times the
 * RAM, on from the start: reclaim swaps pages out as the tasks go (shared by the forks, then
 * copied by their writes), and every byte still reads back.
 */
#define STRESS_RAM (ARENA_PAGES * PG / 4)

static void swap_setup(struct mmlab_machine *m)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/mmlab-stress-swapXXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)(8 * STRESS_RAM)), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD | MMLAB_SWAP_ON),
			 0);
}

/* The last task turns swap off: every page comes back, every slot and cached page goes. */
static void swap_teardown(struct world *w)
{
	uint64_t out;

	assert_int_equal(mmlab_vmstat_get(w->m, "pswpout", &out), 0);
	assert_true(out > 0);	/* the workload did not fit: reclaim swapped */
	assert_int_equal(mmlab_swapoff(w->p[0].t, "/swapfile"), 0);
	verify(w, &w->p[0]);
}
#endif

static void run_seed(uint64_t seed, unsigned long steps, bool slow)
{
#ifdef FAULT_STRESS_SWAP
	struct mmlab_machine_config cfg = { .ram_bytes = STRESS_RAM, .nr_cpus = 2 };
	struct mmlab_task_config tc = { .no_aslr = 1, .privileged = 1 };
#else
	struct mmlab_machine_config cfg = { .ram_bytes = 64UL << 20, .nr_cpus = 2 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
#endif
	struct world *w = calloc(1, sizeof(*w));
	struct mmlab_stats st;
	uint64_t free0, a;

	assert_non_null(w);
	w->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	w->slow = slow;
	assert_int_equal(mmlab_machine_create(&cfg, &w->m), 0);
	mmlab_machine_stats(w->m, &st);
	free0 = st.free_pages;
	assert_int_equal(mmlab_task_create(w->m, &tc, &w->p[0].t), 0);
#ifdef FAULT_STRESS_SWAP
	swap_setup(w->m);
#endif
	w->p[0].mm = calloc(1, sizeof(struct model));
	assert_non_null(w->p[0].mm);
	w->p[0].mm->users = 1;
	w->n = 1;
	assert_int_equal(mmlab_mmap(w->p[0].t, ARENA, ARENA_PAGES * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &a), 0);
	assert_int_equal(mmlab_mmap(w->p[0].t, SHARED, SHARED_PAGES * PG, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &a), 0);
	for (int i = 0; i < ARENA_PAGES; i++)
		w->p[0].mm->prot[i] = P_RW;
#ifdef FAULT_STRESS_SWAP
	for (unsigned long i = 0; i < ARENA_PAGES * PG; i++)
		w->p[0].mm->bytes[i] = (unsigned char)rnd(w);
	assert_int_equal(mmlab_poke(w->p[0].t, ARENA, w->p[0].mm->bytes, ARENA_PAGES * PG, NULL),
			 0);
#endif
	for (unsigned long s = 0; s < steps; s++) {
		step(w);
		if (slow || s % 64 == 0)
			validate_all(w);
	}
	for (int i = 0; i < w->n; i++)
		verify(w, &w->p[i]);
	validate_all(w);
#ifdef FAULT_STRESS_SWAP
	while (w->n > 1)
		do_exit(w, 1);
	swap_teardown(w);
#endif
	while (w->n)
		do_exit(w, 0);
	assert_int_equal(mmlab_machine_validate(w->m), 0);
	mmlab_machine_stats(w->m, &st);
	assert_int_equal(st.free_pages, free0);
	mmlab_machine_destroy(w->m);
	free(w);
}

static void test_fault_stress(void **state)
{
	bool slow = getenv("MMLAB_FAULT_SLOW") != NULL;
	unsigned long seeds = slow ? 16 : 2, steps = slow ? 20000 : 1500;

	(void)state;
	for (uint64_t seed = 1; seed <= seeds; seed++)
		run_seed(seed, steps, slow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
