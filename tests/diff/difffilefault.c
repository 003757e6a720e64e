// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of file-backed faults: for each seed, a random sequence over one file of
 * FILE_PAGES pages mapped twice, MAP_SHARED and MAP_PRIVATE (both writable) - reads and
 * writes of single pages, msync(MS_SYNC) of the shared mapping, MADV_DONTNEED of ranges, a
 * truncation to a random size and back to the whole file (ftruncate natively, do_truncate in
 * mmlab: the file call is another layer's) - runs natively on the host kernel and through
 * mmlab's API. After every touch its faults (minor + major), the byte it read or wrote over
 * and whether it got SIGBUS must match; after every step the smaps figures of both mappings
 * (Rss, Pss, Shared/Private Clean/Dirty). The file is written and fsync()ed first, so that the host has
 * all of it cached and clean; mmlab's cache is warmed by reading every page through a
 * MADV_RANDOM mapping (no readahead, so no async marker that fault-around would skip), and
 * the host's fault count of that warm-up is not compared; both are warmed again after each
 * truncation. The file lives in the current
 * directory (the build tree), not /tmp, which may be tmpfs (shmem: no write-notify). ASan's
 * shadow checks are kept out of the touch.
 * Usage: difffilefault FIRST_SEED COUNT [OPS]
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmlab.h"
#include "mm/file.h"	/* do_truncate: <fcntl.h> would clash with fs.h's F_SEAL_* */
#include "mm/task.h"

#define O_RDWR_ 2
#define O_CREAT_ 0100
#define O_TRUNC_ 01000
#define O_RDONLY_ 0
int open(const char *path, int flags, ...);	/* <fcntl.h>'s, not included (see above) */

#define PG 4096UL
#define FILE_PAGES 48
#define SHARED_AT 0x310000000000UL	/* 2 MiB-aligned: same fault-around windows both sides */
#define PRIVATE_AT 0x320000000000UL
#define MAX_OPS 200

enum op_kind { OP_READ, OP_WRITE, OP_MSYNC, OP_DONTNEED, OP_TRUNCATE };

struct op {
	enum op_kind kind;
	int shared;			/* Which mapping */
	unsigned int page, npages;
};

/* smaps figures of one mapping, kB. */
struct fig {
	uint64_t rss, pss, sc, sd, pc, pd;
};

static uint64_t rng;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void gen(struct op *ops, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		unsigned int r = (unsigned int)(rnd() % 20);

		ops[i].shared = (int)(rnd() & 1);
		ops[i].page = (unsigned int)(rnd() % FILE_PAGES);
		ops[i].npages = 1 + (unsigned int)(rnd() % 8);
		if (ops[i].page + ops[i].npages > FILE_PAGES)
			ops[i].npages = FILE_PAGES - ops[i].page;
		ops[i].kind = r < 9 ? OP_READ : r < 16 ? OP_WRITE : r < 17 ? OP_MSYNC :
			      r < 19 ? OP_DONTNEED : OP_TRUNCATE;
	}
}

static uint64_t field(const char *vma, const char *label)
{
	const char *p = strstr(vma, label);

	return p ? strtoull(p + strlen(label), NULL, 10) : UINT64_MAX;
}

/* The figures of the VMA at @start in the smaps text @buf. */
static struct fig parse(const char *buf, unsigned long start)
{
	char head[32];
	const char *p, *end;
	struct fig f;
	char *vma;

	snprintf(head, sizeof(head), "%lx-", start);
	p = strstr(buf, head);
	if (!p)
		return (struct fig){ 0 };
	end = strstr(p, "VmFlags:");
	vma = strndup(p, end ? (size_t)(end - p) : strlen(p));
	f = (struct fig){ field(vma, "\nRss:"), field(vma, "\nPss:"),
			  field(vma, "\nShared_Clean:"), field(vma, "\nShared_Dirty:"),
			  field(vma, "\nPrivate_Clean:"), field(vma, "\nPrivate_Dirty:") };
	free(vma);
	return f;
}

static char smaps_buf[1 << 20];

static void host_figs(struct fig out[2])
{
	int fd = open("/proc/self/smaps", O_RDONLY_);
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, smaps_buf + len, sizeof(smaps_buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	smaps_buf[len] = 0;
	out[0] = parse(smaps_buf, PRIVATE_AT);
	out[1] = parse(smaps_buf, SHARED_AT);
}

static void lab_figs(struct mmlab_task *t, struct fig out[2])
{
	FILE *f = fmemopen(smaps_buf, sizeof(smaps_buf) - 1, "w");

	memset(smaps_buf, 0, sizeof(smaps_buf));
	mmlab_proc_smaps(t, f);
	fclose(f);
	out[0] = parse(smaps_buf, PRIVATE_AT);
	out[1] = parse(smaps_buf, SHARED_AT);
}

static long lab_faults(struct mmlab_task *t)
{
	struct mmlab_task_mem st;

	mmlab_task_mem(t, &st);
	return (long)(st.minflt + st.majflt);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/*
 * One touch natively: its faults, or -1 for SIGBUS; *@val gets the byte read (a write stores
 * @i + 1 after reading it).
 */
__attribute__((noinline, no_sanitize_address)) static long host_touch(unsigned long addr,
								      int write, int i,
								      unsigned char *val)
{
	struct rusage a, b;

	syscall(SYS_getrusage, RUSAGE_SELF, &a);
	if (sigsetjmp(bus_jmp, 1))
		return -1;
	if (write) {
		*val = *(volatile unsigned char *)addr;
		*(volatile unsigned char *)addr = (unsigned char)(i + 1);
	} else {
		*val = *(volatile unsigned char *)addr;
	}
	syscall(SYS_getrusage, RUSAGE_SELF, &b);
	return (b.ru_minflt - a.ru_minflt) + (b.ru_majflt - a.ru_majflt);
}

/* The same touch in mmlab (peek, then poke for a write): its faults, or -1 for SIGBUS. */
static long lab_touch(struct mmlab_task *t, unsigned long addr, int write, int i,
		      unsigned char *val)
{
	unsigned char v = (unsigned char)(i + 1);
	long before = lab_faults(t);
	struct mmlab_fault f = { 0 };

	if (mmlab_peek(t, addr, val, 1, &f))
		return f.signo == SIGBUS ? -1 : -2;
	if (write && mmlab_poke(t, addr, &v, 1, &f))
		return -2;
	return lab_faults(t) - before;
}

static int same(const struct fig *a, const struct fig *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void show(const char *who, const struct fig *f)
{
	fprintf(stderr, "  %s: Rss %lu Pss %lu SC %lu SD %lu PC %lu PD %lu\n", who,
		(unsigned long)f->rss, (unsigned long)f->pss, (unsigned long)f->sc,
		(unsigned long)f->sd, (unsigned long)f->pc, (unsigned long)f->pd);
}

/*
 * Brings the whole file into both page caches without readahead markers: natively by
 * reading it (this host's readahead window is larger than the file), in mmlab through a
 * MADV_RANDOM mapping (no readahead at all). mmlab reads ahead 128 KiB, read_ahead_kb's
 * default; the host's disk may say more (8 MiB on the virtio disk this was written on), so
 * cold misses would differ in what fault-around then finds.
 */
static int warm(struct mmlab_task *t, int lfd, int hfd)
{
	char buf[FILE_PAGES * PG];
	uint64_t a;

	if (pread(hfd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return 1;
	return mmlab_mmap(t, 0, FILE_PAGES * PG, PROT_READ, MAP_SHARED, lfd, 0, &a) ||
	       mmlab_madvise(t, a, FILE_PAGES * PG, MADV_RANDOM) ||
	       mmlab_touch(t, a, FILE_PAGES * PG, "r", NULL) ||
	       mmlab_munmap(t, a, FILE_PAGES * PG);
}

static int run_seed(uint64_t seed, unsigned int nops, const char *path)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
	struct op ops[MAX_OPS];
	struct mmlab_machine *m;
	struct mmlab_task *t;
	char buf[PG];
	int hfd, lfd, bad = 0;
	void *hp, *hs;
	uint64_t a;

	rng = seed;
	gen(ops, nops);
	hfd = open(path, O_RDWR_ | O_CREAT_ | O_TRUNC_, 0600);
	for (unsigned int p = 0; p < FILE_PAGES; p++) {
		memset(buf, (int)p, sizeof(buf));
		if (write(hfd, buf, PG) != (ssize_t)PG)
			return 1;
	}
	fsync(hfd);
	hp = mmap((void *)PRIVATE_AT, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_FIXED_NOREPLACE, hfd, 0);
	hs = mmap((void *)SHARED_AT, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_FIXED_NOREPLACE, hfd, 0);
	if (hp == MAP_FAILED || hs == MAP_FAILED)
		return 1;

	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &tc, &t))
		return 1;
	lfd = mmlab_open(t, path, O_RDWR_);
	if (lfd < 0 || warm(t, lfd, hfd))
		return 1;
	if (mmlab_mmap(t, PRIVATE_AT, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_FIXED_NOREPLACE, lfd, 0, &a) ||
	    mmlab_mmap(t, SHARED_AT, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED_NOREPLACE, lfd, 0, &a))
		return 1;

	/* The touch's own code, stack and rusage buffers fault once: before anything counts. */
	for (int w = 0; w < 2; w++) {
		static char scratch[2 * PG];
		unsigned char v;

		(void)host_touch((unsigned long)scratch + (unsigned long)w * PG, w, 0, &v);
		(void)host_touch((unsigned long)scratch + (unsigned long)w * PG, w, 0, &v);
	}
	for (unsigned int i = 0; i < nops && !bad; i++) {
		const struct op *o = &ops[i];
		unsigned long base = o->shared ? SHARED_AT : PRIVATE_AT;
		unsigned long addr = base + o->page * PG;
		struct fig h[2], l[2];
		long hf = 0, lf = 0;
		unsigned char hv = 0, lv = 0;
		loff_t size;

		switch (o->kind) {
		case OP_READ:
		case OP_WRITE:
			hf = host_touch(addr, o->kind == OP_WRITE, (int)i, &hv);
			lf = lab_touch(t, addr, o->kind == OP_WRITE, (int)i, &lv);
			break;
		case OP_TRUNCATE:
			size = (loff_t)(o->page * PG + (rnd() % PG));
			if (ftruncate(hfd, size) || ftruncate(hfd, FILE_PAGES * PG))
				bad = 1;
			if (do_truncate(t->fds[lfd]->f_inode, size) ||
			    do_truncate(t->fds[lfd]->f_inode, FILE_PAGES * PG))
				bad = 1;
			if (warm(t, lfd, hfd))
				bad = 1;
			break;
		case OP_MSYNC:
			msync((void *)SHARED_AT, FILE_PAGES * PG, MS_SYNC);
			mmlab_msync(t, SHARED_AT, FILE_PAGES * PG, MS_SYNC);
			break;
		case OP_DONTNEED:
			madvise((void *)addr, o->npages * PG, MADV_DONTNEED);
			mmlab_madvise(t, addr, o->npages * PG, MADV_DONTNEED);
			break;
		}
		host_figs(h);
		lab_figs(t, l);
		if (hf != lf || hv != lv || !same(&h[0], &l[0]) || !same(&h[1], &l[1])) {
			fprintf(stderr, "seed %lu step %u: %s %s page %u (+%u): faults host %ld "
				"mmlab %ld (-1: SIGBUS), byte host %u mmlab %u\n",
				(unsigned long)seed, i,
				(const char *[]){ "read", "write", "msync", "dontneed",
						  "truncate" }[o->kind],
				o->shared ? "shared" : "private", o->page, o->npages, hf, lf, hv, lv);
			show("host private", &h[0]);
			show("mmlab private", &l[0]);
			show("host shared", &h[1]);
			show("mmlab shared", &l[1]);
			bad = 1;
		}
	}
	mmlab_exit(t);
	mmlab_machine_destroy(m);
	munmap(hp, FILE_PAGES * PG);
	munmap(hs, FILE_PAGES * PG);
	close(hfd);
	unlink(path);
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t first = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	unsigned int count = argc > 2 ? (unsigned int)atoi(argv[2]) : 10;
	unsigned int nops = argc > 3 ? (unsigned int)atoi(argv[3]) : 60;
	char path[64];
	int bad = 0;

	if (nops > MAX_OPS)
		nops = MAX_OPS;
	signal(SIGBUS, on_sigbus);
	snprintf(path, sizeof(path), "difffilefault.%d", (int)getpid());
	/* A seed that differs runs again, up to three times in all, as difffile's (diffutil.h's
	 * DIFF_ATTEMPTS): mmlab is deterministic, the host's writeback timing is not
	 * (DIFFFILE_NO_RETRY=1 keeps the first answer). */
	unsigned int attempts = getenv("DIFFFILE_NO_RETRY") ? 1 : 3;

	for (uint64_t s = first; s < first + count; s++) {
		unsigned int tries = 0;

		while (tries < attempts && run_seed(s, nops, path))
			tries++;
		if (tries == attempts)
			bad = 1;
		else if (tries)
			printf("seed %lu: differed %u time(s), then agreed\n", (unsigned long)s, tries);
	}
	if (!bad)
		printf("difffilefault: %u seeds of %u steps match the host\n", count, nops);
	return bad;
}
