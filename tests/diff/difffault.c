// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of the fault layer through /proc: for each seed, a random sequence of
 * anonymous mappings (private and shared), page touches (read, write), forks and exits,
 * MADV_DONTNEED and munmap runs natively on the host kernel inside a window far from this
 * program's own mappings, then through mmlab's API. After every step the smaps figures of the
 * window's VMAs (Rss, Pss, Anonymous, Shared/Private Clean/Dirty, LazyFree) and the minor faults
 * of each touch must be identical. Natively the sequence runs in a forked helper with THP
 * disabled; a fork child continues the sequence, records its own figures in shared memory and
 * exits at the matching exit step, and its parent resumes after it. ASan's shadow checks are
 * kept out of the touch loop so that its faults are the window's own.
 * Usage: difffault FIRST_SEED COUNT [OPS [MODE]]; MODE "private" leaves shared mappings out,
 * "moves" adds mremap moves (MREMAP_MAYMOVE | MREMAP_FIXED, a quarter of them with
 * MREMAP_DONTUNMAP) of mapped, often touched ranges,
 * mostly next to another mapping, and mprotect splits; "private-moves" both.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmlab.h"
#include "diffutil.h"
#include "../../tools/mmlab/host_probe.h"

#define WIN_PAGES 96
#define MAX_OPS 256

enum op_kind { OP_MMAP_PRIVATE, OP_MMAP_SHARED, OP_MUNMAP, OP_DONTNEED, OP_READ, OP_WRITE,
	       OP_FORK, OP_EXIT, OP_MOVE, OP_MPROTECT };
static const char *const op_names[] = { "mmap-private", "mmap-shared", "munmap", "dontneed",
					"read", "write", "fork", "exit", "mremap-move",
					"mprotect" };

struct op {
	enum op_kind kind;
	unsigned int page, npages;	/* Range in the window, in pages */
	unsigned int match;		/* OP_FORK: index of its OP_EXIT */
	unsigned int to;		/* OP_MOVE: destination page; OP_MPROTECT: 1 read-only */
	unsigned int dontunmap;		/* OP_MOVE: MREMAP_DONTUNMAP, the source stays mapped */
};

/* The window's VMAs and the smaps figures compared (all but Referenced). */
static const struct smaps_window win = {
	.pages = WIN_PAGES,
	.keys = SMAPS_RSS | SMAPS_PSS | SMAPS_PSS_DIRTY | SMAPS_SHARED_CLEAN | SMAPS_SHARED_DIRTY |
		SMAPS_PRIVATE_CLEAN | SMAPS_PRIVATE_DIRTY | SMAPS_ANONYMOUS | SMAPS_LAZYFREE,
};

/* What one step left behind, in the process that ran it. */
struct rec {
	int done;
	long ret;			/* 0 or -errno */
	long minflt;			/* Minor faults of a touch */
	int nr;				/* VMAs in the window */
	struct vfig v[MAX_VMAS];
};

static int no_shared;		/* Leave MAP_SHARED out (see main) */
static int with_moves;		/* Also mremap moves and mprotect (see main) */

/*
 * A move of the mapped range of @op (MREMAP_MAYMOVE | MREMAP_FIXED, same length) to a place
 * that does not overlap it, most often right after or right before another mapping, where
 * the moved VMA may merge. Updates @mapped; false when there is no room.
 */
static bool gen_move(struct op *op, unsigned char *mapped)
{
	unsigned char save[WIN_PAGES];
	unsigned int n = op->npages, to = 0, tries;

	for (tries = 0; tries < 16; tries++) {
		unsigned int p = (unsigned int)(rnd() % WIN_PAGES);

		to = p;
		if (rnd() % 4) {
			/* next to the edge of a mapping at or after p */
			while (p + 1 < WIN_PAGES && !(mapped[p] && !mapped[p + 1]) &&
			       !(mapped[p + 1] && !mapped[p]))
				p++;
			if (p + 1 >= WIN_PAGES)
				continue;
			to = mapped[p] ? p + 1 : p + 1 - n;
			if (!mapped[p] && p + 1 < n)
				continue;
		}
		if (to + n > WIN_PAGES || (to < op->page + n && op->page < to + n))
			continue;
		break;
	}
	if (tries == 16)
		return false;
	op->to = to;
	op->dontunmap = rnd() % 4 == 0;
	memcpy(save, mapped, WIN_PAGES);
	if (!op->dontunmap)
		memset(&mapped[op->page], 0, n);
	memcpy(&mapped[to], &save[op->page], n);
	return true;
}

/* A random sequence; touches only reach pages the running process has mapped. */
static unsigned int gen_ops(struct op *ops, unsigned int max)
{
	/* Per page: 0 unmapped, 1 read-write, 2 read-only */
	unsigned char mapped[MAX_DEPTH + 1][WIN_PAGES] = { { 0 } };
	unsigned int forks[MAX_DEPTH + 1];
	unsigned int n = 0, depth = 0;

	while (n < max - (depth + 1)) {
		struct op *op = &ops[n];
		unsigned int k = (unsigned int)(rnd() % 100);

		op->page = (unsigned int)(rnd() % WIN_PAGES);
		op->npages = 1 + (unsigned int)(rnd() % 24);
		if (op->page + op->npages > WIN_PAGES)
			op->npages = WIN_PAGES - op->page;
		if (k < 14)
			op->kind = OP_MMAP_PRIVATE;
		else if (k < 22)
			op->kind = no_shared ? OP_MMAP_PRIVATE : OP_MMAP_SHARED;
		else if (k < 28)
			op->kind = OP_MUNMAP;
		else if (k < 36)
			op->kind = OP_DONTNEED;
		else if (k < 58)
			op->kind = OP_READ;
		else if (k < 86)
			op->kind = OP_WRITE;
		else if (k < 93)
			op->kind = depth < MAX_DEPTH ? OP_FORK : OP_WRITE;
		else
			op->kind = depth > 0 ? OP_EXIT : OP_READ;
		if (with_moves && rnd() % 6 == 0)
			op->kind = rnd() % 3 ? OP_MOVE : OP_MPROTECT;
		if (op->kind == OP_READ || op->kind == OP_WRITE || op->kind == OP_MOVE ||
		    op->kind == OP_MPROTECT) {
			unsigned int i = 0;

			while (i < op->npages && mapped[depth][op->page + i] &&
			       (op->kind != OP_WRITE || mapped[depth][op->page + i] == 1))
				i++;
			if (!i)
				continue;
			op->npages = i;
		}
		if (op->kind == OP_MOVE && !gen_move(op, mapped[depth]))
			continue;
		if (op->kind == OP_MPROTECT) {
			op->to = (unsigned int)(rnd() % 2);
			memset(&mapped[depth][op->page], 1 + (int)op->to, op->npages);
		}
		if (op->kind <= OP_MMAP_SHARED || op->kind == OP_MUNMAP)
			memset(&mapped[depth][op->page], op->kind != OP_MUNMAP, op->npages);
		if (op->kind == OP_FORK) {
			forks[depth++] = n;
			memcpy(mapped[depth], mapped[depth - 1], WIN_PAGES);
		} else if (op->kind == OP_EXIT) {
			ops[forks[--depth]].match = n;
		}
		n++;
	}
	while (depth) {
		ops[n] = (struct op){ .kind = OP_EXIT };
		ops[forks[--depth]].match = n++;
	}
	return n;
}

/* ---- The host side (runs in a forked helper and its fork children) ---- */

static void native_record(struct rec *r)
{
	parse_smaps(host_smaps_text(), &win, r->v, &r->nr);
	r->done = 1;
}

__attribute__((noinline, no_sanitize_address)) static void touch_pages(unsigned long addr,
								      unsigned long n, int write)
{
	for (unsigned long i = 0; i < n; i++) {
		volatile char *p = (volatile char *)(addr + i * PG);

		if (write)
			*p = 0;
		else
			(void)*p;
	}
}

/* Minor faults of one touch, measured as tightly around it as the host allows. */
__attribute__((noinline, no_sanitize_address)) static long measured_touch(unsigned long addr,
									  unsigned long n, int write)
{
	struct rusage a, b;

	syscall(SYS_getrusage, RUSAGE_SELF, &a);
	touch_pages(addr, n, write);
	syscall(SYS_getrusage, RUSAGE_SELF, &b);
	return b.ru_minflt - a.ru_minflt;
}

/* After fork, this process's stack is write-protected: take those faults before measuring. */
__attribute__((noinline)) static void warm_stack(void)
{
	volatile char buf[32768];

	for (size_t i = 0; i < sizeof(buf); i += 512)
		buf[i] = 1;
	(void)measured_touch(0, 0, 0);
	(void)measured_touch(0, 0, 1);
}

static void run_native(const struct op *ops, unsigned int n, struct rec *recs)
{
	unsigned int i = 0;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	warm_stack();
	while (i < n) {
		const struct op *op = &ops[i];
		unsigned long addr = WIN + op->page * PG, len = op->npages * PG;
		struct rec *r = &recs[i];
		void *p;

		switch (op->kind) {
		case OP_MMAP_PRIVATE:
		case OP_MMAP_SHARED:
			p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
				 MAP_FIXED | MAP_ANONYMOUS |
					 (op->kind == OP_MMAP_SHARED ? MAP_SHARED : MAP_PRIVATE),
				 -1, 0);
			r->ret = p == MAP_FAILED ? -errno : 0;
			break;
		case OP_MUNMAP:
			r->ret = errno_ret(munmap((void *)addr, len));
			break;
		case OP_DONTNEED:
			r->ret = errno_ret(madvise((void *)addr, len, MADV_DONTNEED));
			break;
		case OP_MOVE:
			p = mremap((void *)addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED |
					   (op->dontunmap ? MREMAP_DONTUNMAP : 0),
				   (void *)(WIN + op->to * PG));
			r->ret = p == MAP_FAILED ? -errno : 0;
			break;
		case OP_MPROTECT:
			r->ret = errno_ret(mprotect((void *)addr, len,
						    PROT_READ | (op->to ? 0 : PROT_WRITE)));
			break;
		case OP_READ:
		case OP_WRITE:
			r->minflt = measured_touch(addr, op->npages, op->kind == OP_WRITE);
			break;
		case OP_FORK:
			if (native_fork(warm_stack)) {
				i = op->match + 1;
				continue;
			}
			break;
		case OP_EXIT:
			native_record(r);
			_exit(0);
		}
		native_record(r);
		i++;
	}
}

/* ---- The mmlab side ---- */

static int mmlab_record(struct mmlab_task *t, struct rec *r)
{
	char *text = lab_smaps_text(t);

	if (!text)
		return -1;
	parse_smaps(text, &win, r->v, &r->nr);
	free(text);
	r->done = 1;
	return 0;
}

static int run_mmlab(struct mmlab_machine *m, const struct op *ops, unsigned int n,
		     struct rec *recs)
{
	struct lab_tasks lt;
	int err = lab_tasks_start(&lt, m);

	if (err)
		return err;
	for (unsigned int i = 0; i < n; i++) {
		const struct op *op = &ops[i];
		uint64_t addr = WIN + op->page * PG, len = op->npages * PG, out;
		struct mmlab_task *t = lt.stack[lt.depth];
		struct mmlab_task_mem a, b;
		struct rec *r = &recs[i];

		switch (op->kind) {
		case OP_MMAP_PRIVATE:
		case OP_MMAP_SHARED:
			r->ret = mmlab_mmap(t, addr, len, PROT_READ | PROT_WRITE,
					    MAP_FIXED | MAP_ANONYMOUS |
						    (op->kind == OP_MMAP_SHARED ? MAP_SHARED
										: MAP_PRIVATE),
					    -1, 0, &out);
			break;
		case OP_MUNMAP:
			r->ret = mmlab_munmap(t, addr, len);
			break;
		case OP_DONTNEED:
			r->ret = mmlab_madvise(t, addr, len, MADV_DONTNEED);
			break;
		case OP_MOVE:
			r->ret = mmlab_mremap(t, addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED |
						      (op->dontunmap ? MREMAP_DONTUNMAP : 0),
					      WIN + op->to * PG, &out);
			break;
		case OP_MPROTECT:
			r->ret = mmlab_mprotect(t, addr, len, PROT_READ | (op->to ? 0 : PROT_WRITE));
			break;
		case OP_READ:
		case OP_WRITE:
			mmlab_task_mem(t, &a);
			err = mmlab_touch(t, addr, len, op->kind == OP_WRITE ? "w" : "r", NULL);
			if (err)
				goto out;
			mmlab_task_mem(t, &b);
			r->minflt = (long)(b.minflt - a.minflt);
			break;
		case OP_FORK:
			err = lab_fork(&lt);
			if (err)
				goto out;
			t = lt.stack[lt.depth];
			break;
		case OP_EXIT:
			break;
		}
		if (mmlab_record(t, r)) {
			err = -EIO;
			goto out;
		}
		err = lab_step_end(&lt, op->kind == OP_EXIT);
		if (err)
			goto out;
	}
out:
	lab_tasks_end(&lt);
	return err;
}

static void print_rec(const char *who, const struct rec *r)
{
	printf("  %s: ret %ld minflt %ld\n", who, r->ret, r->minflt);
	for (int i = 0; i < r->nr; i++) {
		const struct vfig *v = &r->v[i];

		printf("    %lx-%lx Rss %lu Pss %lu PssD %lu SC %lu SD %lu PC %lu PD %lu Anon %lu "
		       "Lazy %lu\n", (unsigned long)v->start, (unsigned long)v->end,
		       (unsigned long)v->rss, (unsigned long)v->pss, (unsigned long)v->pss_dirty,
		       (unsigned long)v->sc, (unsigned long)v->sd, (unsigned long)v->pc,
		       (unsigned long)v->pd, (unsigned long)v->anon, (unsigned long)v->lazy);
	}
}

/*
 * Same figures? With the same VMAs every field of every VMA; with different ones (a merge the
 * kernel refused or made) the page counters summed over the window, which do not depend on
 * where the VMAs split (Pss, rounded per VMA, does).
 */
static int same_figures(const struct rec *a, const struct rec *b)
{
	struct vfig sa, sb;

	if (a->done != b->done || a->ret != b->ret || a->minflt != b->minflt)
		return 0;
	if (same_vmas(a->v, a->nr, b->v, b->nr))
		return !memcmp(a->v, b->v, (size_t)a->nr * sizeof(a->v[0]));
	sa = window_sums(a->v, a->nr);
	sb = window_sums(b->v, b->nr);
	return !memcmp(&sa, &sb, sizeof(sa));
}

static int run_seed(struct mmlab_machine *m, uint64_t seed, unsigned int nops, int verbose)
{
	static struct op ops[MAX_OPS];
	struct rec *host, *lab;
	unsigned int n;
	int st, bad = 0, vma_mismatch = 0, err;

	rng = seed;
	n = gen_ops(ops, nops);
	host = mmap(NULL, n * sizeof(*host), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	lab = calloc(n, sizeof(*lab));
	if (host == MAP_FAILED || !lab) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memset(host, 0, n * sizeof(*host));
	if (host_helper(&win, &st)) {
		run_native(ops, n, host);
		_exit(0);
	}
	if (st) {
		printf("seed %lu: native helper failed (status %d)\n", (unsigned long)seed, st);
		exit(2);
	}
	err = run_mmlab(m, ops, n, lab);
	if (err) {
		printf("seed %lu: mmlab failed: %d\n", (unsigned long)seed, err);
		bad = 1;
	}
	for (unsigned int i = 0; i < n && !bad; i++) {
		int vmas = same_vmas(host[i].v, host[i].nr, lab[i].v, lab[i].nr);
		int figures = same_figures(&host[i], &lab[i]);

		if (vmas && figures)
			continue;
		if (!figures)
			bad = 1;
		else if (!vma_mismatch)
			vma_mismatch = 1;
		else
			continue;
		printf("seed %lu: step %u (%s page %u+%u): %s differ\n", (unsigned long)seed, i,
		       op_names[ops[i].kind], ops[i].page, ops[i].npages,
		       figures ? "VMA boundaries (only)" : "figures");
		if (verbose)
			for (unsigned int j = 0; j <= i; j++)
				printf("  step %u: %s %u+%u to %u%s\n", j, op_names[ops[j].kind],
				       ops[j].page, ops[j].npages, ops[j].to,
				       ops[j].dontunmap ? " dontunmap" : "");
		print_rec("host ", &host[i]);
		print_rec("mmlab", &lab[i]);
	}
	if (vma_mismatch && !bad)
		bad = 2;
	munmap(host, n * sizeof(*host));
	free(lab);
	return bad;
}

int main(int argc, char **argv)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	uint64_t first = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 0) : 20;
	unsigned int nops = argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 0) : 40;
	int verbose;

	no_shared = argc > 4 && !strncmp(argv[4], "private", 7);
	with_moves = argc > 4 && strstr(argv[4], "moves");
	verbose = getenv("DIFFFAULT_VERBOSE") != NULL;
	struct mmlab_machine *m;
	uint64_t failed = 0, vma_only = 0;
	int r;

	if (nops < 4 || nops > MAX_OPS) {
		fprintf(stderr, "OPS must be 4..%d\n", MAX_OPS);
		return 2;
	}
	mc.no_pku = !host_cpu_has_pku(); /* smaps' ProtectionKey lines, execute-only keys */
	mc.no_zero_page = !host_has_zero_page(); /* Rss after read faults */
	if (mmlab_machine_create(&mc, &m)) {
		fprintf(stderr, "cannot create the machine\n");
		return 2;
	}
	for (uint64_t s = first; s < first + count; s++) {
		r = run_seed(m, s, nops, verbose);
		failed += r == 1;
		vma_only += r == 2;
	}
	mmlab_machine_destroy(m);
	/* VMAs that split where the kernel's do not are as wrong as figures that differ. */
	printf("difffault: %lu of %lu seeds differ in figures, %lu only in VMA boundaries\n",
	       (unsigned long)failed, (unsigned long)count, (unsigned long)vma_only);
	return failed || vma_only ? 1 : 0;
}
