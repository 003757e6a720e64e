// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of file-backed memory against the host kernel: for each seed, a random
 * sequence of private and shared mappings of one regular file, page touches that read and
 * write through them (past the end of the file too: SIGBUS), forks and exits, MADV_DONTNEED,
 * munmap and msync, and in "io" mode pread/pwrite/ftruncate of the same file, runs natively on
 * the host kernel in a forked helper, then through mmlab's API. After every step both sides'
 * smaps figures of the window's VMAs (Rss, Pss, Pss_Dirty, Shared/Private Clean/Dirty,
 * Anonymous; Referenced is printed but not compared, as the host's own aging clears young bits
 * at times of its choosing), which window pages are mapped (pagemap's present bit), the step's minor and major faults, the signal that stopped a touch
 * (si_code, si_addr), and a hash of every byte the step read must be identical; at the end the
 * whole file read back through pread (io mode) must be too.
 *
 * Both sides start from the same bytes and a cold page cache. The pristine file is written once
 * into DIR/lab, which is the mmlab machine's --root (mmlab only ever reads it: whatever the
 * sequence writes stays in the machine's overlay). The native side works on its own copy
 * under DIR/native, made afresh for each seed, written back (fdatasync) and dropped from the
 * host's page cache with posix_fadvise(POSIX_FADV_DONTNEED) before the sequence starts (checked
 * with mincore); each seed gets a new mmlab machine, whose page cache starts empty.
 *
 * Readahead: how much a cache miss reads is the file's device's read_ahead_kb (8 MiB on the
 * development VM's disk). mmlab takes it from the same device (the pristine file lives on
 * the host's disk under DIR/lab, and a machine's default is the read_ahead_kb of the device
 * that holds each host file), so both sides read the same windows in the same folio orders
 * whatever the disk says. The modes:
 *   random  every mapping is madvise(MADV_RANDOM) on both sides (and in io mode the file
 *	     fadvise(POSIX_FADV_RANDOM), for read(2)): a miss reads its one page, fault-around
 *	     (64 KiB) maps what is cached; a 48-page file. The default.
 *   small   Linux's normal readahead on a 16-page file: the first fault's miss reads all of
 *	     it (read-around's window holds the whole file on any disk reading ahead 128 KiB
 *	     or more); with "io", read(2)'s windows ramp up in large folios.
 *   large   normal readahead on a 48-page file: what a miss reads depends on read_ahead_kb
 *	     (with 8 MiB, all of it at once).
 * and, combined with any of them (comma-separated): "io" adds pread, pwrite and ftruncate
 * (with mappings alive: pages past a shrunk end give SIGBUS), "private" leaves MAP_SHARED out.
 *
 * Usage: difffile FIRST_SEED COUNT [OPS [MODE]]   (DIFFFILE_VERBOSE=1 prints the steps up to the
 * first difference, DIFFFILE_SHOW=1 both sides' records after every step, DIFFFILE_FOLIOS=1
 * the host's folios of the file after every step)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmlab.h"
#include "diffutil.h"
#include "../../tools/mmlab/host_probe.h"

#define WIN_PAGES 64		/* Of the window (WIN) the sequence maps files into */
#define BUF 0x200000000000UL	/* mmlab's buffer for pread/pwrite */
#define BUF_PAGES 16
#define MAX_OPS 256
#define FILE_NAME "data.bin"

enum op_kind { OP_MMAP_PRIVATE, OP_MMAP_SHARED, OP_MUNMAP, OP_DONTNEED, OP_READ, OP_WRITE,
	       OP_FORK, OP_EXIT, OP_MSYNC, OP_PREAD, OP_PWRITE, OP_TRUNCATE };
static const char *const op_names[] = { "mmap-private", "mmap-shared", "munmap", "dontneed",
					"read", "write", "fork", "exit", "msync", "pread",
					"pwrite", "ftruncate" };

struct op {
	enum op_kind kind;
	unsigned int page, npages;	/* Range in the window, in pages */
	unsigned int match;		/* OP_FORK: index of its OP_EXIT */
	unsigned int fpage;		/* OP_MMAP_*: file offset in pages */
	int flags;			/* OP_MSYNC: MS_* */
	uint64_t off, len;		/* OP_PREAD/OP_PWRITE: bytes; OP_TRUNCATE: off is the size */
};

/* The window's VMAs and their smaps figures (all but LazyFree; Referenced is not compared). */
static const struct smaps_window win = {
	.pages = WIN_PAGES,
	.keys = SMAPS_RSS | SMAPS_PSS | SMAPS_PSS_DIRTY | SMAPS_SHARED_CLEAN | SMAPS_SHARED_DIRTY |
		SMAPS_PRIVATE_CLEAN | SMAPS_PRIVATE_DIRTY | SMAPS_ANONYMOUS | SMAPS_REFERENCED,
};

/* What one step left behind, in the process that ran it. */
struct rec {
	int done;
	long ret;			/* 0, a count, or -errno */
	long minflt, majflt;		/* Faults of a touch */
	unsigned int pages;		/* Pages a touch got through before a signal */
	int signo, code;		/* The signal that stopped it */
	uint64_t sig_off;		/* si_addr - WIN */
	uint64_t hash;			/* Of the bytes the step read */
	uint64_t present;		/* Window pages mapped (pagemap bit 63), bit i page i */
	int nr;				/* VMAs in the window */
	struct vfig v[MAX_VMAS];
};

struct mode {
	bool random;			/* MADV_RANDOM + POSIX_FADV_RANDOM */
	bool io;			/* pread/pwrite/ftruncate */
	bool no_shared;
	unsigned int file_pages;	/* Pages of the pristine file (its last one partial) */
};

static struct mode mode = { .random = true, .file_pages = 48 };
static int host_twice;		/* DIFFFILE_HOST_TWICE: the host against itself */

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

/* Where in page @i of the window a touch reads 8 bytes or writes 1: spread over the page. */
static unsigned int touch_off(unsigned int i)
{
	return (i * 1032U) % (PG - 8); /* 8-byte aligned */
}

/* The byte step @step writes into window page @i. */
static unsigned char touch_val(unsigned int step, unsigned int i)
{
	return (unsigned char)(step * 31U + i * 7U + 1U);
}

/* The pristine file's size: the last page partial, so reads past the end within it see 0. */
static uint64_t file_size(void)
{
	return mode.file_pages * PG - 1234;
}

/* A random sequence; touches reach only pages the running process has mapped. */
static unsigned int gen_ops(struct op *ops, unsigned int max)
{
	/* Per page: 0 unmapped, 1 mapped */
	unsigned char mapped[MAX_DEPTH + 1][WIN_PAGES] = { { 0 } };
	unsigned int forks[MAX_DEPTH + 1];
	unsigned int n = 0, depth = 0, span = mode.file_pages + 2;

	while (n < max - (depth + 1)) {
		struct op *op = &ops[n];
		unsigned int k = (unsigned int)(rnd() % 100);

		memset(op, 0, sizeof(*op));
		op->page = (unsigned int)(rnd() % WIN_PAGES);
		op->npages = 1 + (unsigned int)(rnd() % 20);
		if (op->page + op->npages > WIN_PAGES)
			op->npages = WIN_PAGES - op->page;
		if (k < 12)
			op->kind = OP_MMAP_PRIVATE;
		else if (k < 22)
			op->kind = mode.no_shared ? OP_MMAP_PRIVATE : OP_MMAP_SHARED;
		else if (k < 27)
			op->kind = OP_MUNMAP;
		else if (k < 32)
			op->kind = OP_DONTNEED;
		else if (k < 58)
			op->kind = OP_READ;
		else if (k < 78)
			op->kind = OP_WRITE;
		else if (k < 84)
			op->kind = depth < MAX_DEPTH ? OP_FORK : OP_WRITE;
		else if (k < 89)
			op->kind = depth > 0 ? OP_EXIT : OP_READ;
		else if (k < 92)
			op->kind = OP_MSYNC;
		else if (!mode.io)
			op->kind = OP_READ;
		else if (k < 95)
			op->kind = OP_PREAD;
		else if (k < 98)
			op->kind = OP_PWRITE;
		else
			op->kind = OP_TRUNCATE;
		switch (op->kind) {
		case OP_MMAP_PRIVATE:
		case OP_MMAP_SHARED:
			/* file pages [fpage, fpage + npages), some past the end */
			op->fpage = (unsigned int)(rnd() % span);
			break;
		case OP_READ:
		case OP_WRITE: {
			unsigned int i = 0;

			while (i < op->npages && mapped[depth][op->page + i])
				i++;
			if (!i)
				continue;
			op->npages = i;
			break;
		}
		case OP_MSYNC: {
			static const int f[] = { MS_SYNC, MS_ASYNC, MS_SYNC | MS_INVALIDATE,
						 MS_INVALIDATE };

			op->flags = f[rnd() % 4];
			break;
		}
		case OP_PREAD:
		case OP_PWRITE:
			op->off = rnd() % (span * PG);
			op->len = 1 + rnd() % (BUF_PAGES * PG);
			if (rnd() % 2) /* page-aligned whole pages, the cache's easy case */
				op->off &= ~(PG - 1), op->len = PG * (1 + op->len / PG / 4);
			if (op->off + op->len > span * PG)
				op->len = span * PG - op->off;
			break;
		case OP_TRUNCATE:
			op->off = rnd() % (span * PG);
			break;
		default:
			break;
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

/* ---- Files ---- */

static char dir[] = "/var/tmp/difffile.XXXXXX"; /* a disk file system: major faults exist */
static char lab_dir[64], native_dir[64], pristine[96];

/* The pristine bytes at offset @o. */
static unsigned char pristine_byte(uint64_t o)
{
	return (unsigned char)((o * 2654435761U) >> 13) | 1; /* never 0: zeros stand out */
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

static void make_pristine(void)
{
	size_t n = file_size();
	unsigned char *b = malloc(n);
	int fd;

	if (!b || !mkdtemp(dir)) {
		perror("difffile: temp dir");
		exit(2);
	}
	snprintf(lab_dir, sizeof(lab_dir), "%s/lab", dir);
	snprintf(native_dir, sizeof(native_dir), "%s/native", dir);
	snprintf(pristine, sizeof(pristine), "%s/%s", lab_dir, FILE_NAME);
	for (size_t i = 0; i < n; i++)
		b[i] = pristine_byte(i);
	if (mkdir(lab_dir, 0755) || mkdir(native_dir, 0755) ||
	    (fd = open(pristine, O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0 || write_all(fd, b, n) ||
	    close(fd)) {
		perror("difffile: pristine file");
		exit(2);
	}
	free(b);
}

static pid_t main_pid;

static void remove_files(void)
{
	char p[128];

	if (getpid() != main_pid)
		return;

	unlink(pristine);
	rmdir(lab_dir);
	snprintf(p, sizeof(p), "%s/%s", native_dir, FILE_NAME);
	unlink(p);
	rmdir(native_dir);
	rmdir(dir);
}

/* The native copy of the pristine file, written back and out of the host's page cache. */
static int native_copy(void)
{
	size_t n = file_size(), pages = (n + PG - 1) / PG;
	unsigned char *b = malloc(n), vec[WIN_PAGES * 2];
	char path[128];
	int src, fd;

	snprintf(path, sizeof(path), "%s/%s", native_dir, FILE_NAME);
	src = open(pristine, O_RDONLY);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!b || src < 0 || fd < 0 || pread(src, b, n, 0) != (ssize_t)n || write_all(fd, b, n) ||
	    fdatasync(fd))
		_exit(7);
	close(src);
	free(b);
	for (int tries = 0;; tries++) {
		void *p;
		size_t cached = 0;

		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		p = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || mincore(p, pages * PG, vec))
			_exit(8);
		munmap(p, pages * PG);
		for (size_t i = 0; i < pages; i++)
			cached += vec[i] & 1;
		if (!cached)
			break;
		if (tries == 20) {
			fprintf(stderr, "difffile: %zu pages stay in the host's cache\n", cached);
			_exit(9);
		}
		usleep(10000);
	}
	return fd;
}

/* ---- The host side (runs in a forked helper and its fork children) ---- */

static unsigned char io_buf[BUF_PAGES * PG];

static void native_record(struct rec *r)
{
	int fd;

	parse_smaps(host_smaps_text(), &win, r->v, &r->nr);
	r->present = 0;
	fd = (int)syscall(SYS_open, "/proc/self/pagemap", O_RDONLY);
	if (fd >= 0) {
		uint64_t pm[WIN_PAGES];

		if (pread(fd, pm, sizeof(pm), (off_t)(WIN / PG * 8)) == (ssize_t)sizeof(pm))
			for (int i = 0; i < WIN_PAGES; i++)
				r->present |= (pm[i] >> 63 & 1) << i;
		close(fd);
	}
	r->done = 1;
}

static sigjmp_buf touch_jmp;
static volatile int sig_no, sig_code;
static volatile uint64_t sig_addr;
static volatile unsigned int touch_done;
static volatile uint64_t touch_hash;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sig_no = sig;
	sig_code = si->si_code;
	sig_addr = (uint64_t)si->si_addr;
	siglongjmp(touch_jmp, 1);
}

__attribute__((noinline, no_sanitize_address)) static void touch_pages(unsigned long addr,
								      unsigned int first,
								      unsigned int n, int write,
								      unsigned int step)
{
	for (unsigned int i = touch_done; i < n; i++) {
		unsigned int o = touch_off(first + i);

		if (write) {
			*(volatile unsigned char *)(addr + i * PG + o) = touch_val(step, first + i);
		} else {
			uint64_t v = *(volatile uint64_t *)(addr + i * PG + o);

			touch_hash = hash_bytes(touch_hash, &v, 8);
		}
		touch_done = i + 1;
	}
}

/* Faults of one touch, measured as tightly around it as the host allows. */
__attribute__((noinline, no_sanitize_address)) static void
measured_touch(const struct op *op, unsigned int step, struct rec *r)
{
	struct rusage a, b;

	sig_no = 0;
	touch_done = 0;
	touch_hash = 0;
	syscall(SYS_getrusage, RUSAGE_SELF, &a);
	if (!sigsetjmp(touch_jmp, 1))
		touch_pages(WIN + op->page * PG, op->page, op->npages, op->kind == OP_WRITE, step);
	syscall(SYS_getrusage, RUSAGE_SELF, &b);
	r->minflt = b.ru_minflt - a.ru_minflt;
	r->majflt = b.ru_majflt - a.ru_majflt;
	r->pages = touch_done;
	r->hash = touch_hash;
	if (sig_no) {
		r->signo = sig_no;
		r->code = sig_code;
		r->sig_off = sig_addr - WIN;
	}
}

/* After fork, this process's stack is write-protected: take those faults before measuring. */
__attribute__((noinline)) static void warm_stack(void)
{
	volatile char buf[32768];
	struct op none = { .kind = OP_READ };
	struct rec r;

	for (size_t i = 0; i < sizeof(buf); i += 512)
		buf[i] = 1;
	/* the signal path once: its frame, the handler's and siglongjmp's pages, the PLT */
	if (!sigsetjmp(touch_jmp, 1))
		raise(SIGBUS);
	measured_touch(&none, 0, &r);
	none.kind = OP_WRITE;
	measured_touch(&none, 0, &r);
	memset(io_buf, 0, sizeof(io_buf));
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void pwrite_pattern(unsigned char *b, const struct op *op, unsigned int step)
{
	for (uint64_t i = 0; i < op->len; i++)
		b[i] = (unsigned char)(step * 13U + i * 5U + 3U);
}

/*
 * DIFFFILE_PAGE_WRITES: every pwrite in pieces that end at page boundaries, on both sides. A
 * write of two pages or more makes ext4 (Linux 6.16 on) cache it in a large folio, which a
 * fault maps whole, writeback writes whole and truncation splits; pieces of a page make
 * order-0 folios only, so this shows what differs apart from write()'s large folios.
 */
static int page_writes;

static long pwrite_by_page(int fd, const struct op *op)
{
	uint64_t done = 0;

	while (done < op->len) {
		uint64_t at = op->off + done, n = min_u64(op->len - done, PG - at % PG);
		ssize_t w = pwrite(fd, io_buf + done, n, (off_t)at);

		if (w < 0)
			return done ? (long)done : -errno;
		done += (uint64_t)w;
		if ((uint64_t)w < n)
			break;
	}
	return (long)done;
}

/*
 * DIFFFILE_FOLIOS: after every step the host's page cache of the file on stderr, one
 * character a page: '.' not cached (or not up to date: mincore's view), 'o' an order-0
 * folio, 'H' the head of a large folio and 't' its tails, in capitals-for-dirty style as
 * '0', 'D', 'd' when dirty, 'W' under writeback (from /proc/kpageflags, root only: the
 * pages are mapped read-only outside the window to find their frames, which the steps'
 * records do not see).
 */
static int show_folios;

static void print_host_folios(int fd, unsigned int step)
{
	unsigned int pages = WIN_PAGES;
	unsigned char vec[WIN_PAGES];
	char line[WIN_PAGES + 1];
	struct stat st;
	int pm, kf;
	char *p;

	if (fstat(fd, &st))
		return;
	/* only pages inside the file: a touch past its end would be SIGBUS */
	pages = (unsigned int)min_u64(pages, ((uint64_t)st.st_size + PG - 1) / PG);
	p = pages ? mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (p == MAP_FAILED) {
		fprintf(stderr, "host folios after step %u: (empty)\n", step);
		return;
	}
	madvise(p, pages * PG, MADV_RANDOM);
	pm = (int)syscall(SYS_open, "/proc/self/pagemap", O_RDONLY);
	kf = (int)syscall(SYS_open, "/proc/kpageflags", O_RDONLY);
	memset(vec, 0, sizeof(vec));
	if (mincore(p, pages * PG, vec))
		memset(vec, 0, sizeof(vec));
	for (unsigned int i = 0; i < pages; i++) {
		uint64_t e = 0, f = 0;
		int head, tail, dirty;

		line[i] = '.';
		if (!(vec[i] & 1))
			continue;
		(void)*(volatile char *)(p + i * PG);
		if (pread(pm, &e, 8, (off_t)(((uintptr_t)p / PG + i) * 8)) != 8 ||
		    pread(kf, &f, 8, (off_t)((e & ((1ULL << 55) - 1)) * 8)) != 8) {
			line[i] = '?';
			continue;
		}
		head = f >> 15 & 1, tail = f >> 16 & 1, dirty = f >> 4 & 1;
		if (head)
			line[i] = dirty ? 'D' : 'H';
		else
			line[i] = tail ? (dirty ? 'd' : 't') : dirty ? '0' : 'o';
		if (f >> 8 & 1)
			line[i] = 'W';
	}
	line[pages] = 0;
	fprintf(stderr, "host folios after step %u: %s\n", step, line);
	close(pm);
	close(kf);
	munmap(p, pages * PG);
}

static void run_native(const struct op *ops, unsigned int n, struct rec *recs, struct rec *fin)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
	unsigned int i = 0;
	int fd;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	fd = native_copy();
	if (mode.random && mode.io) /* only read(2)'s readahead looks at it */
		posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
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
				 MAP_FIXED | (op->kind == OP_MMAP_SHARED ? MAP_SHARED : MAP_PRIVATE),
				 fd, op->fpage * PG);
			r->ret = p == MAP_FAILED ? -errno : 0;
			if (p != MAP_FAILED && mode.random)
				r->ret = errno_ret(madvise(p, len, MADV_RANDOM));
			break;
		case OP_MUNMAP:
			r->ret = errno_ret(munmap((void *)addr, len));
			break;
		case OP_DONTNEED:
			r->ret = errno_ret(madvise((void *)addr, len, MADV_DONTNEED));
			break;
		case OP_MSYNC:
			r->ret = errno_ret(msync((void *)addr, len, op->flags));
			break;
		case OP_READ:
		case OP_WRITE:
			measured_touch(op, i, r);
			break;
		case OP_PREAD:
			r->ret = errno_ret(pread(fd, io_buf, op->len, (off_t)op->off));
			if (r->ret > 0)
				r->hash = hash_bytes(0, io_buf, (size_t)r->ret);
			break;
		case OP_PWRITE:
			pwrite_pattern(io_buf, op, i);
			r->ret = page_writes ? pwrite_by_page(fd, op)
					     : errno_ret(pwrite(fd, io_buf, op->len, (off_t)op->off));
			break;
		case OP_TRUNCATE:
			r->ret = errno_ret(ftruncate(fd, (off_t)op->off));
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
		if (show_folios)
			print_host_folios(fd, i);
		i++;
	}
	if (mode.io) { /* the file as the sequence left it */
		uint64_t off = 0;
		ssize_t got;

		fin->hash = 0;
		while ((got = pread(fd, io_buf, sizeof(io_buf), (off_t)off)) > 0) {
			fin->hash = hash_bytes(fin->hash, io_buf, (size_t)got);
			off += (uint64_t)got;
		}
		fin->ret = (long)off;
	}
	fin->done = 1;
	close(fd);
}

/* ---- The mmlab side ---- */

static int mmlab_record(struct mmlab_task *t, struct rec *r)
{
	char *text = lab_smaps_text(t);

	if (!text)
		return -1;
	parse_smaps(text, &win, r->v, &r->nr);
	free(text);
	r->present = 0;
	{
		uint64_t pm[WIN_PAGES];

		if (!mmlab_pagemap(t, WIN, WIN_PAGES * PG, pm))
			for (int i = 0; i < WIN_PAGES; i++)
				r->present |= (pm[i] >> 63 & 1) << i;
	}
	r->done = 1;
	return 0;
}

/* A touch through mmlab: one peek or poke per page, as the native loop does. */
static void lab_touch(struct mmlab_task *t, const struct op *op, unsigned int step,
		      struct rec *r)
{
	struct mmlab_task_mem a, b;
	struct mmlab_fault f;
	uint64_t h = 0;
	unsigned int i;

	mmlab_task_mem(t, &a);
	for (i = 0; i < op->npages; i++) {
		uint64_t at = WIN + (op->page + i) * PG + touch_off(op->page + i);
		int err;

		if (op->kind == OP_WRITE) {
			unsigned char v = touch_val(step, op->page + i);

			err = mmlab_poke(t, at, &v, 1, &f);
		} else {
			uint64_t v;

			err = mmlab_peek(t, at, &v, 8, &f);
			if (!err)
				h = hash_bytes(h, &v, 8);
		}
		if (err) {
			r->signo = err == -EFAULT ? f.signo : -1000 + err;
			r->code = err == -EFAULT ? f.code : 0;
			r->sig_off = err == -EFAULT ? f.addr - WIN : 0;
			break;
		}
	}
	mmlab_task_mem(t, &b);
	r->pages = i;
	r->hash = h;
	r->minflt = (long)(b.minflt - a.minflt);
	r->majflt = (long)(b.majflt - a.majflt);
}

static int lab_pwrite(struct mmlab_task *t, int fd, const struct op *op, unsigned int step,
		      struct rec *r)
{
	unsigned char *b = malloc(op->len);
	int err;

	if (!b)
		return -ENOMEM;
	pwrite_pattern(b, op, step);
	err = mmlab_poke(t, BUF, b, op->len, NULL);
	free(b);
	if (err)
		return err;
	for (uint64_t done = 0; done < op->len;) {	/* DIFFFILE_PAGE_WRITES: by pages */
		uint64_t at = op->off + done;
		uint64_t n = page_writes ? min_u64(op->len - done, PG - at % PG) : op->len;
		int64_t w = mmlab_fd_pwrite(t, fd, BUF + done, n, (int64_t)at);

		if (w < 0) {
			r->ret = done ? (long)done : (long)w;
			break;
		}
		done += (uint64_t)w;
		r->ret = (long)done;
		if ((uint64_t)w < n)
			break;
	}
	return 0;
}

static int lab_pread(struct mmlab_task *t, int fd, uint64_t off, uint64_t len, struct rec *r)
{
	unsigned char *b = malloc(len);
	int err = 0;

	if (!b)
		return -ENOMEM;
	r->ret = (long)mmlab_fd_pread(t, fd, BUF, len, (int64_t)off);
	if (r->ret > 0) {
		err = mmlab_peek(t, BUF, b, (uint64_t)r->ret, NULL);
		r->hash = hash_bytes(r->hash, b, (size_t)r->ret);
	}
	free(b);
	return err;
}

static int run_mmlab(struct mmlab_machine *m, const struct op *ops, unsigned int n,
		     struct rec *recs, struct rec *fin)
{
	struct lab_tasks lt;
	struct mmlab_task **stack = lt.stack;
	int err, fd;
	uint64_t out;

	err = lab_tasks_start(&lt, m);
	if (err)
		return err;
	err = mmlab_mmap(stack[0], BUF, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out);
	if (err)
		goto out;
	fd = mmlab_openat(stack[0], "/" FILE_NAME, O_RDWR, 0);
	if (fd < 0) {
		printf("mmlab_openat(\"/%s\") under --root %s: %d\n", FILE_NAME, lab_dir, fd);
		err = fd;
		goto out;
	}
	if (mode.random && mode.io) {
		err = mmlab_fadvise(stack[0], fd, 0, 0, POSIX_FADV_RANDOM);
		if (err)
			goto out;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct op *op = &ops[i];
		uint64_t addr = WIN + op->page * PG, len = op->npages * PG;
		struct mmlab_task *t = stack[lt.depth];
		struct rec *r = &recs[i];

		switch (op->kind) {
		case OP_MMAP_PRIVATE:
		case OP_MMAP_SHARED:
			r->ret = mmlab_mmap(t, addr, len, PROT_READ | PROT_WRITE,
					    MAP_FIXED | (op->kind == OP_MMAP_SHARED ? MAP_SHARED
										    : MAP_PRIVATE),
					    fd, op->fpage * PG, &out);
			if (!r->ret && mode.random)
				r->ret = mmlab_madvise(t, addr, len, MADV_RANDOM);
			break;
		case OP_MUNMAP:
			r->ret = mmlab_munmap(t, addr, len);
			break;
		case OP_DONTNEED:
			r->ret = mmlab_madvise(t, addr, len, MADV_DONTNEED);
			break;
		case OP_MSYNC:
			r->ret = mmlab_msync(t, addr, len, op->flags);
			break;
		case OP_READ:
		case OP_WRITE:
			lab_touch(t, op, i, r);
			break;
		case OP_PREAD:
			err = lab_pread(t, fd, op->off, op->len, r);
			if (err)
				goto out;
			break;
		case OP_PWRITE:
			err = lab_pwrite(t, fd, op, i, r);
			if (err)
				goto out;
			break;
		case OP_TRUNCATE:
			r->ret = mmlab_ftruncate(t, fd, (int64_t)op->off);
			break;
		case OP_FORK:
			err = lab_fork(&lt);
			if (err)
				goto out;
			t = stack[lt.depth];
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
	if (mode.io) { /* the file as the sequence left it, one stream as the native side */
		uint64_t off = 0;

		fin->hash = 0;
		for (;;) {
			struct rec part = { .hash = fin->hash };

			err = lab_pread(stack[0], fd, off, BUF_PAGES * PG, &part);
			if (err || part.ret <= 0)
				break;
			fin->hash = part.hash;
			off += (uint64_t)part.ret;
		}
		fin->ret = (long)off;
	}
	fin->done = 1;
	mmlab_close(stack[0], fd);
out:
	lab_tasks_end(&lt);
	return err;
}

static void print_rec(const char *who, const struct rec *r)
{
	char map[WIN_PAGES + 1];

	for (int i = 0; i < WIN_PAGES; i++)
		map[i] = r->present >> i & 1 ? 'P' : '.';
	map[WIN_PAGES] = 0;
	printf("  %s: ret %ld minflt %ld majflt %ld pages %u sig %d code %d at +%#lx hash %016lx\n",
	       who, r->ret, r->minflt, r->majflt, r->pages, r->signo, r->code,
	       (unsigned long)r->sig_off, (unsigned long)r->hash);
	printf("    mapped: %s\n", map);
	for (int i = 0; i < r->nr; i++) {
		const struct vfig *v = &r->v[i];

		printf("    %lx-%lx Rss %lu Pss %lu PssD %lu SC %lu SD %lu PC %lu PD %lu Anon %lu "
		       "Ref %lu\n", (unsigned long)v->start, (unsigned long)v->end,
		       (unsigned long)v->rss, (unsigned long)v->pss, (unsigned long)v->pss_dirty,
		       (unsigned long)v->sc, (unsigned long)v->sd, (unsigned long)v->pc,
		       (unsigned long)v->pd, (unsigned long)v->anon, (unsigned long)v->ref);
	}
}

/* What differs between the two records: a short list of field names, "" when nothing. */
static void diff_fields(const struct rec *a, const struct rec *b, char *out, size_t size)
{
	struct vfig sa, sb;
	size_t n = 0;

	out[0] = 0;
#define D(cond, name)                                                                     \
	do {                                                                              \
		if (cond)                                                                 \
			n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s ", name); \
	} while (0)
	D(a->done != b->done, "done");
	D(a->ret != b->ret, "ret");
	D(a->minflt != b->minflt, "minflt");
	D(a->majflt != b->majflt, "majflt");
	D(a->pages != b->pages || a->signo != b->signo || a->code != b->code ||
		  a->sig_off != b->sig_off, "signal");
	D(a->hash != b->hash, "bytes");
	D(a->present != b->present, "mapped-pages");
	if (same_vmas(a->v, a->nr, b->v, b->nr)) {
		for (int i = 0; i < a->nr; i++) {
			const struct vfig *x = &a->v[i], *y = &b->v[i];

			D(x->rss != y->rss, "Rss");
			D(x->pss != y->pss || x->pss_dirty != y->pss_dirty, "Pss");
			D(x->sc != y->sc || x->sd != y->sd, "Shared");
			D(x->pc != y->pc || x->pd != y->pd, "Private");
			D(x->anon != y->anon, "Anonymous");
			/* Referenced is printed, not compared: the host clears young bits on
			 * its own (two runs of one sequence differ there) */
		}
		return;
	}
	/* Different VMAs: the page counters summed over the window */
	sa = window_sums(a->v, a->nr);
	sb = window_sums(b->v, b->nr);
	D(memcmp(&sa, &sb, sizeof(sa)), "window-sums");
	D(1, "VMA-boundaries");
#undef D
}

static void print_steps(const struct op *ops, unsigned int from, unsigned int upto)
{
	for (unsigned int j = from; j <= upto; j++) {
		const struct op *o = &ops[j];

		printf("  step %u: %s %u+%u", j, op_names[o->kind], o->page, o->npages);
		if (o->kind <= OP_MMAP_SHARED)
			printf(" file page %u", o->fpage);
		else if (o->kind == OP_MSYNC)
			printf(" flags %#x", o->flags);
		else if (o->kind == OP_PREAD || o->kind == OP_PWRITE)
			printf(" off %#lx len %#lx", (unsigned long)o->off, (unsigned long)o->len);
		else if (o->kind == OP_TRUNCATE)
			printf(" size %#lx", (unsigned long)o->off);
		printf("\n");
	}
}

/* The sequence on the host, in a forked helper; its records land in @recs (n + 1 of them). */
static void native_run(uint64_t seed, const struct op *ops, unsigned int n, struct rec *recs)
{
	int st;

	if (host_helper(&win, &st)) {
		run_native(ops, n, recs, &recs[n]);
		_exit(0);
	}
	if (st) {
		printf("seed %lu: native helper failed (status %#x)\n", (unsigned long)seed, st);
		exit(2);
	}
}

static int run_seed(uint64_t seed, unsigned int nops, int verbose)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20, .root = lab_dir };
	static struct op ops[MAX_OPS];
	struct rec *host, *lab, lab_fin = { 0 };
	struct mmlab_machine *m;
	unsigned int n;
	int bad = 0, err;
	char what[256];

	rng = seed;
	n = gen_ops(ops, nops);
	host = mmap(NULL, (n + 1) * sizeof(*host), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	lab = host_twice ? mmap(NULL, (n + 1) * sizeof(*lab), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0)
			 : calloc(n, sizeof(*lab));
	if (host == MAP_FAILED || !lab || lab == MAP_FAILED) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memset(host, 0, (n + 1) * sizeof(*host));
	native_run(seed, ops, n, host);
	if (host_twice) { /* the host against itself: is the sequence deterministic there? */
		native_run(seed, ops, n, lab);
		for (unsigned int i = 0; i < n; i++) {
			diff_fields(&host[i], &lab[i], what, sizeof(what));
			if (!what[0])
				continue;
			printf("seed %lu: step %u (%s page %u+%u): host runs differ: %s\n",
			       (unsigned long)seed, i, op_names[ops[i].kind], ops[i].page,
			       ops[i].npages, what);
			if (verbose)
				print_steps(ops, 0, i);
			print_rec("host1", &host[i]);
			print_rec("host2", &lab[i]);
			bad = 1;
			break;
		}
		munmap(host, (n + 1) * sizeof(*host));
		munmap(lab, (n + 1) * sizeof(*lab));
		return bad;
	}
	mc.no_pku = !host_cpu_has_pku();
	mc.no_zero_page = !host_has_zero_page();
	if (mmlab_machine_create(&mc, &m)) {
		fprintf(stderr, "cannot create the machine\n");
		exit(2);
	}
	err = run_mmlab(m, ops, n, lab, &lab_fin);
	mmlab_machine_destroy(m);
	if (getenv("DIFFFILE_SHOW")) /* what each side did, step by step */
		for (unsigned int i = 0; i < n; i++) {
			print_steps(ops, i, i);
			print_rec("host ", &host[i]);
			if (lab[i].done)
				print_rec("mmlab", &lab[i]);
		}
	for (unsigned int i = 0; i < n; i++) {
		if (!lab[i].done)
			break;
		diff_fields(&host[i], &lab[i], what, sizeof(what));
		if (!what[0])
			continue;
		bad = 1;
		printf("seed %lu: step %u (%s page %u+%u): %sdiffer\n", (unsigned long)seed, i,
		       op_names[ops[i].kind], ops[i].page, ops[i].npages, what);
		if (verbose)
			print_steps(ops, 0, i);
		print_rec("host ", &host[i]);
		print_rec("mmlab", &lab[i]);
		break;
	}
	if (!bad && err) {
		printf("seed %lu: mmlab failed: %d\n", (unsigned long)seed, err);
		bad = 1;
	}
	if (!bad && mode.io && (host[n].ret != lab_fin.ret || host[n].hash != lab_fin.hash)) {
		printf("seed %lu: the file at the end differs: host %ld bytes hash %016lx, mmlab "
		       "%ld bytes hash %016lx\n", (unsigned long)seed, host[n].ret,
		       (unsigned long)host[n].hash, lab_fin.ret, (unsigned long)lab_fin.hash);
		bad = 1;
	}
	munmap(host, (n + 1) * sizeof(*host));
	free(lab);
	return bad;
}

/* The calls this mode needs that the library does not have yet, and whose they are. */
static void parse_mode(const char *s)
{
	char buf[128], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "random")) {
			mode.random = true, mode.file_pages = 48;
		} else if (!strcmp(tok, "small")) {
			mode.random = false, mode.file_pages = 16;
		} else if (!strcmp(tok, "large")) {
			mode.random = false, mode.file_pages = 48;
		} else if (!strcmp(tok, "io")) {
			mode.io = true;
		} else if (!strcmp(tok, "private")) {
			mode.no_shared = true;
		} else {
			fprintf(stderr, "difffile: unknown mode %s\n", tok);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	uint64_t first = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 0) : 20;
	unsigned int nops = argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 0) : 40;
	int verbose = getenv("DIFFFILE_VERBOSE") != NULL;
	uint64_t failed = 0;

	if (argc > 4)
		parse_mode(argv[4]);
	if (nops < 4 || nops > MAX_OPS) {
		fprintf(stderr, "OPS must be 4..%d\n", MAX_OPS);
		return 2;
	}
	host_twice = getenv("DIFFFILE_HOST_TWICE") != NULL;
	page_writes = getenv("DIFFFILE_PAGE_WRITES") != NULL;
	show_folios = getenv("DIFFFILE_FOLIOS") != NULL;
	main_pid = getpid();
	make_pristine();
	atexit(remove_files);
	/*
	 * The host is not deterministic: its flusher or ext4's journal commit may write dirty
	 * pages back in the middle of a seed (Shared_Dirty turning clean at a step that did no
	 * I/O), and readahead completes on its own time. A seed that differs runs again (both
	 * sides, from a fresh file), up to DIFF_ATTEMPTS times in all: a model difference
	 * differs every time. DIFFFILE_NO_RETRY=1 keeps the first answer.
	 */
	unsigned int attempts = getenv("DIFFFILE_NO_RETRY") ? 1 : DIFF_ATTEMPTS;
	uint64_t flaky = 0;

	for (uint64_t s = first; s < first + count; s++) {
		unsigned int tries = 0;

		while (tries < attempts && run_seed(s, nops, verbose))
			tries++;
		if (tries == attempts) {
			failed++;
		} else if (tries) {
			printf("seed %lu: differed %u time(s), then agreed\n", (unsigned long)s, tries);
			flaky++;
		}
	}
	printf("difffile: %lu of %lu seeds differ (%lu more differed, then agreed)\n",
	       (unsigned long)failed, (unsigned long)count, (unsigned long)flaky);
	return failed ? 1 : 0;
}
