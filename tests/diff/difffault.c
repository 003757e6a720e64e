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
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"
#include "../../tools/mmlab/host_probe.h"

#define WIN 0x300000000000UL
#define WIN_PAGES 96
#define PG 4096UL
#define MAX_OPS 256
#define MAX_DEPTH 2
#define MAX_VMAS 48

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

/* The figures of one window VMA, from smaps (kB). */
struct vfig {
	uint64_t start, end;
	uint64_t rss, pss, pss_dirty, sc, sd, pc, pd, anon, lazy;
};

/* What one step left behind, in the process that ran it. */
struct rec {
	int done;
	long ret;			/* 0 or -errno */
	long minflt;			/* Minor faults of a touch */
	int nr;				/* VMAs in the window */
	struct vfig v[MAX_VMAS];
};

static uint64_t rng;
static int no_shared;		/* Leave MAP_SHARED out (see main) */
static int with_moves;		/* Also mremap moves and mprotect (see main) */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

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

/* Collects the window's VMAs from smaps text. */
static void parse_smaps(const char *text, struct rec *r)
{
	struct vfig *cur = NULL;
	const char *line = text;

	r->nr = 0;
	while (line && *line) {
		unsigned long s, e, v;
		char key[32];

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, ' ') < strchr(line, '\n')) {
			cur = NULL;
			if (s >= WIN && e <= WIN + WIN_PAGES * PG && r->nr < MAX_VMAS) {
				cur = &r->v[r->nr++];
				memset(cur, 0, sizeof(*cur));
				cur->start = s;
				cur->end = e;
			}
		} else if (cur && sscanf(line, "%31[^:]: %lu", key, &v) == 2) {
			uint64_t *f = NULL;

			if (!strcmp(key, "Rss"))
				f = &cur->rss;
			else if (!strcmp(key, "Pss"))
				f = &cur->pss;
			else if (!strcmp(key, "Pss_Dirty"))
				f = &cur->pss_dirty;
			else if (!strcmp(key, "Shared_Clean"))
				f = &cur->sc;
			else if (!strcmp(key, "Shared_Dirty"))
				f = &cur->sd;
			else if (!strcmp(key, "Private_Clean"))
				f = &cur->pc;
			else if (!strcmp(key, "Private_Dirty"))
				f = &cur->pd;
			else if (!strcmp(key, "Anonymous"))
				f = &cur->anon;
			else if (!strcmp(key, "LazyFree"))
				f = &cur->lazy;
			if (f)
				*f = v;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

/* ---- The host side (runs in a forked helper and its fork children) ---- */

static char smaps_buf[8 << 20];

static void native_record(struct rec *r)
{
	size_t len = 0;
	ssize_t n;
	int fd = (int)syscall(SYS_open, "/proc/self/smaps", O_RDONLY);

	if (fd < 0)
		_exit(3);
	while ((n = read(fd, smaps_buf + len, sizeof(smaps_buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	smaps_buf[len] = 0;
	parse_smaps(smaps_buf, r);
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

static long errno_ret(long r)
{
	return r < 0 ? -errno : 0;
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
		pid_t pid;
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
			pid = fork();
			if (pid < 0)
				_exit(4);
			if (pid > 0) {
				int st;

				if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
					_exit(5);
				warm_stack();
				i = op->match + 1;
				continue;
			}
			warm_stack();
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
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f || mmlab_proc_smaps(t, f)) {
		if (f)
			fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	parse_smaps(text, r);
	free(text);
	r->done = 1;
	return 0;
}

static int run_mmlab(struct mmlab_machine *m, const struct op *ops, unsigned int n,
		     struct rec *recs)
{
	struct mmlab_task_config cfg = { .seed = 1, .no_aslr = 1 };
	struct mmlab_task *stack[MAX_DEPTH + 1];
	int depth = 0, err;

	err = mmlab_task_create(m, &cfg, &stack[0]);
	if (err)
		return err;
	for (unsigned int i = 0; i < n; i++) {
		const struct op *op = &ops[i];
		uint64_t addr = WIN + op->page * PG, len = op->npages * PG, out;
		struct mmlab_task *t = stack[depth];
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
			err = mmlab_fork(t, &stack[depth + 1]);
			if (err)
				goto out;
			t = stack[++depth];
			break;
		case OP_EXIT:
			break;
		}
		if (mmlab_record(t, r)) {
			err = -EIO;
			goto out;
		}
		if (op->kind == OP_EXIT) {
			mmlab_exit(t);
			depth--;
		}
		err = mmlab_task_validate(stack[depth]);
		if (err)
			goto out;
	}
out:
	while (depth >= 0)
		mmlab_exit(stack[depth--]);
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

/* Same VMA boundaries in the window? */
static int same_vmas(const struct rec *a, const struct rec *b)
{
	if (a->nr != b->nr)
		return 0;
	for (int i = 0; i < a->nr; i++)
		if (a->v[i].start != b->v[i].start || a->v[i].end != b->v[i].end)
			return 0;
	return 1;
}

/*
 * Same figures? With the same VMAs every field of every VMA; with different ones (a merge the
 * kernel refused or made) the page counters summed over the window, which do not depend on
 * where the VMAs split (Pss, rounded per VMA, does).
 */
static int same_figures(const struct rec *a, const struct rec *b)
{
	struct vfig sa = { 0 }, sb = { 0 };

	if (a->done != b->done || a->ret != b->ret || a->minflt != b->minflt)
		return 0;
	if (same_vmas(a, b))
		return !memcmp(a->v, b->v, (size_t)a->nr * sizeof(a->v[0]));
	for (int i = 0; i < a->nr; i++) {
		sa.rss += a->v[i].rss, sa.sc += a->v[i].sc, sa.sd += a->v[i].sd;
		sa.pc += a->v[i].pc, sa.pd += a->v[i].pd, sa.anon += a->v[i].anon;
		sa.lazy += a->v[i].lazy;
	}
	for (int i = 0; i < b->nr; i++) {
		sb.rss += b->v[i].rss, sb.sc += b->v[i].sc, sb.sd += b->v[i].sd;
		sb.pc += b->v[i].pc, sb.pd += b->v[i].pd, sb.anon += b->v[i].anon;
		sb.lazy += b->v[i].lazy;
	}
	return !memcmp(&sa, &sb, sizeof(sa));
}

static int run_seed(struct mmlab_machine *m, uint64_t seed, unsigned int nops, int verbose)
{
	static struct op ops[MAX_OPS];
	struct rec *host, *lab;
	unsigned int n;
	int st = 0, bad = 0, vma_mismatch = 0, err;
	pid_t pid;

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
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		void *w = mmap((void *)WIN, WIN_PAGES * PG, PROT_NONE,
			       MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (w != (void *)WIN)
			_exit(6);
		munmap(w, WIN_PAGES * PG);
		run_native(ops, n, host);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("seed %lu: native helper failed (status %d)\n", (unsigned long)seed, st);
		exit(2);
	}
	err = run_mmlab(m, ops, n, lab);
	if (err) {
		printf("seed %lu: mmlab failed: %d\n", (unsigned long)seed, err);
		bad = 1;
	}
	for (unsigned int i = 0; i < n && !bad; i++) {
		int vmas = same_vmas(&host[i], &lab[i]), figures = same_figures(&host[i], &lab[i]);

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
