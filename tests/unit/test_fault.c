// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fault layer through the public API: zero page, anonymous faults, COW and exclusive reuse
 * after fork, MADV_DONTNEED/FREE/POPULATE, MAP_POPULATE, mlock, mincore, stack growth and its
 * limits, the signal of every failing access, VM_WIPEONFORK/VM_DONTCOPY, threads and vfork,
 * shared anonymous memory, protection keys on a CPU without PKU (this host's: the answers are
 * the host's, checked by hand), the VMA cache and the
 * TLBs of other CPU contexts. Every test ends with all tasks gone, the allocator valid and every
 * frame free again. Also the anonymous cases of Linux's tools/testing/selftests/mm/cow.c that
 * need neither pinning nor huge pages: "Basic COW after fork()" (with and without the
 * mprotect() optimization) and "Basic COW" with the shared zero page.
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
#define SEGV_MAPERR_ 1
#define SEGV_ACCERR_ 2
#define BUS_ADRERR_ 2

struct env {
	struct mmlab_machine *m;
	uint64_t free0;
};

static uint64_t free_pages(struct mmlab_machine *m)
{
	struct mmlab_stats st;

	mmlab_machine_stats(m, &st);
	return st.free_pages;
}

static int __setup(void **state, int no_pku)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 64UL << 20, .nr_cpus = 2,
					    .no_pku = no_pku };
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(mmlab_machine_create(&cfg, &e->m), 0);
	e->free0 = free_pages(e->m);
	*state = e;
	return 0;
}

static int setup(void **state)
{
	return __setup(state, 0);
}

/* A machine whose CPUs lack protection keys, as this host's. */
static int setup_no_pku(void **state)
{
	return __setup(state, 1);
}

/* Every task is gone by now: every frame must be back and the allocator consistent. */
static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(mmlab_machine_validate(e->m), 0);
	assert_int_equal(free_pages(e->m), e->free0);
	mmlab_machine_destroy(e->m);
	free(e);
	return 0;
}

static struct mmlab_task *task(struct env *e, const struct mmlab_task_config *cfg)
{
	struct mmlab_task_config def = { .no_aslr = 1 };
	struct mmlab_task *t;

	assert_int_equal(mmlab_task_create(e->m, cfg ? cfg : &def, &t), 0);
	return t;
}

static uint64_t map(struct mmlab_task *t, uint64_t len, int prot, int flags)
{
	uint64_t a;

	assert_int_equal(mmlab_mmap(t, 0, len, prot, flags | MAP_ANONYMOUS, -1, 0, &a), 0);
	return a;
}

static uint64_t ev(struct env *e, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(mmlab_vmstat_get(e->m, name, &v), 0);
	return v;
}

static struct mmlab_task_mem mem(struct mmlab_task *t)
{
	struct mmlab_task_mem st;

	mmlab_task_mem(t, &st);
	return st;
}

static void put_byte(struct mmlab_task *t, uint64_t a, unsigned char v)
{
	assert_int_equal(mmlab_poke(t, a, &v, 1, NULL), 0);
}

static unsigned char get_byte(struct mmlab_task *t, uint64_t a)
{
	unsigned char v = 0xee;

	assert_int_equal(mmlab_peek(t, a, &v, 1, NULL), 0);
	return v;
}

static void check(struct mmlab_task *t)
{
	assert_int_equal(mmlab_task_validate(t), 0);
}

static void expect_fault(struct mmlab_task *t, uint64_t a, const char *mode, int signo, int code)
{
	struct mmlab_fault f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(mmlab_touch(t, a, 1, mode, &f), -EFAULT);
	assert_int_equal(f.signo, signo);
	assert_int_equal(f.code, code);
	assert_int_equal(f.addr, signo == SIGSEGV && code == 0x80 ? 0 : a);
}

static void test_zero_page_then_write(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t zp = ev(e, "mmlab_zero_page_fault"), cow = ev(e, "mmlab_cow_fault");
	uint64_t pgf = ev(e, "pgfault");
	unsigned char vec[4];

	assert_int_equal(get_byte(t, a + 100), 0);
	assert_int_equal(ev(e, "mmlab_zero_page_fault"), zp + 1);
	assert_int_equal(mem(t).rss_anon, 0);	/* the zero page is not RSS */
	assert_int_equal(mem(t).minflt, 1);
	assert_int_equal(mmlab_mincore(t, a, 4 * PG, vec), 0);
	assert_int_equal(vec[0], 1);
	assert_int_equal(vec[1], 0);
	put_byte(t, a + 100, 7);		/* write to a zero-page mapping: a new frame */
	assert_int_equal(ev(e, "mmlab_cow_fault"), cow + 1);
	assert_int_equal(mem(t).rss_anon, 1);
	assert_int_equal(mem(t).minflt, 2);
	assert_int_equal(get_byte(t, a + 100), 7);
	assert_int_equal(get_byte(t, a + 101), 0);
	put_byte(t, a + PG, 1);			/* first touch is a write: no zero page */
	assert_int_equal(mem(t).rss_anon, 2);
	assert_int_equal(mem(t).minflt, 3);
	assert_int_equal(ev(e, "pgfault"), pgf + 3);
	assert_int_equal(ev(e, "mmlab_cow_fault"), cow + 1);
	check(t);
	mmlab_exit(t);
}

static void test_cow_after_fork(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e, NULL), *c;
	uint64_t a = map(p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t cow, reuse;

	put_byte(p, a, 'A');
	put_byte(p, a + PG, 'A');
	assert_int_equal(mmlab_fork(p, &c), 0);
	assert_int_not_equal(mmlab_task_pid(c), mmlab_task_pid(p));
	assert_int_equal(mem(c).rss_anon, 2);	/* shared pages count in both */
	assert_int_equal(get_byte(c, a), 'A');
	cow = ev(e, "mmlab_cow_fault");
	reuse = ev(e, "pgreuse");
	put_byte(c, a, 'B');			/* child copies */
	assert_int_equal(ev(e, "mmlab_cow_fault"), cow + 1);
	assert_int_equal(get_byte(p, a), 'A');
	put_byte(p, a, 'C');			/* parent is the page's only user now: reuse */
	assert_int_equal(ev(e, "mmlab_cow_fault"), cow + 1);
	assert_int_equal(ev(e, "pgreuse"), reuse + 1);
	assert_int_equal(get_byte(c, a), 'B');
	put_byte(p, a + PG, 'P');		/* parent copies the second page */
	assert_int_equal(ev(e, "mmlab_cow_fault"), cow + 2);
	assert_int_equal(get_byte(c, a + PG), 'A');
	check(p);
	check(c);
	mmlab_exit(c);
	mmlab_exit(p);
}

/* cow.c "Basic COW after fork()": a child never sees the parent's later writes. */
static void cow_in_parent(struct env *e, bool do_mprotect, bool zeropage)
{
	struct mmlab_task *p = task(e, NULL), *c;
	uint64_t a = map(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char old[PG], now[PG], ff[PG];

	memset(ff, 0xff, sizeof(ff));
	if (zeropage)
		assert_int_equal(mmlab_touch(p, a, PG, "r", NULL), 0);
	else
		assert_int_equal(mmlab_poke(p, a, (unsigned char[PG]){ [0 ... PG - 1] = 1 }, PG,
					    NULL), 0);
	assert_int_equal(mmlab_fork(p, &c), 0);
	assert_int_equal(mmlab_peek(c, a, old, PG, NULL), 0);
	if (do_mprotect) {
		assert_int_equal(mmlab_mprotect(p, a, PG, PROT_READ), 0);
		assert_int_equal(mmlab_mprotect(p, a, PG, PROT_READ | PROT_WRITE), 0);
	}
	assert_int_equal(mmlab_poke(p, a, ff, PG, NULL), 0);
	assert_int_equal(mmlab_peek(c, a, now, PG, NULL), 0);
	assert_memory_equal(old, now, PG);
	check(p);
	check(c);
	mmlab_exit(c);
	mmlab_exit(p);
}

static void test_cow_selftest_cases(void **state)
{
	struct env *e = *state;

	cow_in_parent(e, false, false);
	cow_in_parent(e, true, false);
	cow_in_parent(e, false, true);
	cow_in_parent(e, true, true);
}

/* cow.c "Basic COW" with the shared zero page: a write must not leak into another mapping. */
static void test_cow_zeropage_other_mapping(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t s = map(t, PG, PROT_READ, MAP_PRIVATE);
	unsigned char ff[PG], buf[PG], zero[PG] = { 0 };

	assert_int_equal(get_byte(t, a) + get_byte(t, s), 0);
	memset(ff, 0xff, sizeof(ff));
	assert_int_equal(mmlab_poke(t, a, ff, PG, NULL), 0);
	assert_int_equal(mmlab_peek(t, s, buf, PG, NULL), 0);
	assert_memory_equal(buf, zero, PG);
	check(t);
	mmlab_exit(t);
}

static void test_exclusive_reuse(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e, NULL), *c;
	uint64_t a = map(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), cow, reuse;
	uint64_t before;

	put_byte(p, a, 1);
	before = free_pages(e->m);
	assert_int_equal(mmlab_fork(p, &c), 0);
	mmlab_exit(c);
	assert_int_equal(free_pages(e->m), before);
	cow = ev(e, "mmlab_cow_fault");
	reuse = ev(e, "pgreuse");
	put_byte(p, a, 2);	/* write-protected by the fork, but the only user: no copy */
	assert_int_equal(ev(e, "mmlab_cow_fault"), cow);
	assert_int_equal(ev(e, "pgreuse"), reuse + 1);
	put_byte(p, a, 3);	/* exclusive and writable now: no fault at all */
	assert_int_equal(ev(e, "pgreuse"), reuse + 1);
	assert_int_equal(free_pages(e->m), before);
	check(p);
	mmlab_exit(p);
}

static void test_dontneed(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), pte;
	uint64_t before = free_pages(e->m), pte0 = mem(t).pgtables_bytes;
	unsigned char vec[8];

	for (int i = 0; i < 8; i++)
		put_byte(t, a + i * PG, 0x5a);
	assert_int_equal(mem(t).rss_anon, 8);
	pte = mem(t).pgtables_bytes;
	assert_int_equal(free_pages(e->m), before - 8 - (pte - pte0) / PG);
	assert_int_equal(mmlab_madvise(t, a, 8 * PG, MADV_DONTNEED), 0);
	assert_int_equal(mem(t).rss_anon, 0);
	assert_int_equal(mem(t).hiwater_rss, 8);
	assert_int_equal(mem(t).pgtables_bytes, pte);	/* tables stay */
	assert_int_equal(free_pages(e->m), before - (pte - pte0) / PG);
	assert_int_equal(mmlab_mincore(t, a, 8 * PG, vec), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(vec[i], 0);
	assert_int_equal(get_byte(t, a + 3 * PG), 0);	/* zeroes after DONTNEED */
	assert_int_equal(mmlab_mlock(t, a, PG), 0);
	assert_int_equal(mmlab_madvise(t, a, PG, MADV_DONTNEED), -EINVAL);
	check(t);
	mmlab_exit(t);
}

static void test_madv_free(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL), *c;
	uint64_t a = map(t, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	for (int i = 0; i < 3; i++)
		put_byte(t, a + i * PG, (unsigned char)(10 + i));
	assert_int_equal(mmlab_madvise(t, a, 3 * PG, MADV_FREE), 0);
	/* Nothing is lost before reclaim. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(get_byte(t, a + i * PG), 10 + i);
	put_byte(t, a + PG, 99);	/* written again: no longer freeable */
	assert_int_equal(mmlab_reclaim_lazyfree(t), 2);
	assert_int_equal(get_byte(t, a), 0);
	assert_int_equal(get_byte(t, a + PG), 99);
	assert_int_equal(get_byte(t, a + 2 * PG), 0);
	assert_int_equal(mem(t).rss_anon, 1);
	/* A page shared with a fork child is not made freeable. */
	assert_int_equal(mmlab_fork(t, &c), 0);
	assert_int_equal(mmlab_madvise(t, a + PG, PG, MADV_FREE), 0);
	assert_int_equal(mmlab_reclaim_lazyfree(t), 0);
	assert_int_equal(get_byte(c, a + PG), 99);
	mmlab_exit(c);
	check(t);
	mmlab_exit(t);
}

static void test_populate_and_mlock(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a, r, n;
	unsigned char vec[16];

	a = map(t, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE);
	assert_int_equal(mem(t).rss_anon, 16);	/* written: private writable */
	assert_int_equal(mem(t).minflt, 16);
	r = map(t, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_POPULATE);
	assert_int_equal(mem(t).rss_anon, 16);	/* read-only: zero page */
	assert_int_equal(mmlab_mincore(t, r, 4 * PG, vec), 0);
	assert_int_equal(vec[3], 1);
	assert_int_equal(mmlab_madvise(t, r, PG, MADV_POPULATE_WRITE), -EINVAL);
	n = map(t, 2 * PG, PROT_NONE, MAP_PRIVATE);
	assert_int_equal(mmlab_madvise(t, n, PG, MADV_POPULATE_READ), -EINVAL);
	assert_int_equal(mmlab_mlock(t, n, PG), -ENOMEM); /* as the host: PROT_NONE cannot fault */
	a = map(t, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	assert_int_equal(mmlab_madvise(t, a, 8 * PG, MADV_POPULATE_WRITE), 0);
	assert_int_equal(mem(t).rss_anon, 24);
	assert_int_equal(mmlab_madvise(t, a, 8 * PG, MADV_WILLNEED), 0);
	a = map(t, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	assert_int_equal(mmlab_mlock(t, a + 10, 2 * PG), 0);	/* three pages */
	assert_int_equal(mem(t).rss_anon, 27);
	assert_int_equal(mmlab_mincore(t, a, 4 * PG, vec), 0);
	assert_int_equal(vec[2] + vec[3] * 2, 1);
	assert_int_equal(mmlab_mincore(t, a + 1, PG, vec), -EINVAL);
	assert_int_equal(mmlab_mincore(t, 0x10000, PG, vec), -ENOMEM);
	assert_int_equal(mmlab_mincore(t, a, 0, vec), 0);
	check(t);
	mmlab_exit(t);
}

/* The stack VMA: [start, end) of the line ending in "[stack]". */
static void stack_range(struct mmlab_task *t, uint64_t *start, uint64_t *end)
{
	char *buf = NULL, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(mmlab_proc_maps(t, f), 0);
	fclose(f);
	line = strstr(buf, "[stack]");
	assert_non_null(line);
	while (line > buf && line[-1] != '\n')
		line--;
	assert_int_equal(sscanf(line, "%lx-%lx", (unsigned long *)start, (unsigned long *)end), 2);
	free(buf);
}

static void test_stack_growth(void **state)
{
	struct env *e = *state;
	struct mmlab_task_config cfg = { .no_aslr = 1, .rlimit_stack = 1UL << 20 };
	struct mmlab_task *t = task(e, &cfg);
	struct mmlab_task_info info;
	uint64_t s, end, s2, e2, got;

	stack_range(t, &s, &end);
	mmlab_task_info(t, &info);
	put_byte(t, s - 5 * PG + 8, 1);		/* below the stack: it grows */
	stack_range(t, &s2, &e2);
	assert_int_equal(s2, s - 5 * PG);
	assert_int_equal(e2, end);
	{
		struct mmlab_task_info now;

		mmlab_task_info(t, &now);
		assert_int_equal(now.stack_vm, info.stack_vm + 5);
	}
	/* Beyond RLIMIT_STACK: no growth, SEGV_MAPERR. */
	expect_fault(t, end - (1UL << 20) - PG, "r", SIGSEGV, SEGV_MAPERR_);
	/* Just within it. */
	assert_int_equal(mmlab_touch(t, end - (1UL << 20), 1, "w", NULL), 0);
	check(t);
	mmlab_exit(t);
	/* Gap: a fresh task with a large limit and a VMA 100 pages below the stack. */
	cfg.rlimit_stack = 64UL << 20;
	t = task(e, &cfg);
	stack_range(t, &s, &end);
	assert_int_equal(mmlab_mmap(t, s - 100 * PG - PG, PG, PROT_READ, MAP_PRIVATE |
				    MAP_ANONYMOUS | MAP_FIXED, -1, 0, &got), 0);
	expect_fault(t, s - PG, "r", SIGSEGV, SEGV_MAPERR_);	/* 99 pages above it: in the gap */
	stack_range(t, &s2, &e2);
	assert_int_equal(s2, s);				/* never shrinks, did not grow */
	/* A PROT_NONE VMA does not count for the gap. */
	assert_int_equal(mmlab_mprotect(t, s - 100 * PG - PG, PG, PROT_NONE), 0);
	assert_int_equal(mmlab_touch(t, s - PG, 1, "r", NULL), 0);
	/* RLIMIT_AS also bounds the growth. */
	check(t);
	mmlab_exit(t);
	cfg = (struct mmlab_task_config){ .no_aslr = 1, .rlimit_as = 1UL << 30 };
	t = task(e, &cfg);
	mmlab_task_info(t, &info);
	stack_range(t, &s, &end);
	/* Fill RLIMIT_AS up to the last page with a PROT_NONE reservation, then grow by 2. */
	assert_int_equal(mmlab_mmap(t, 0, (1UL << 30) - info.total_vm * PG - PG, PROT_NONE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0, &got), 0);
	expect_fault(t, s - 2 * PG, "w", SIGSEGV, SEGV_MAPERR_);
	assert_int_equal(mmlab_touch(t, s - PG, 1, "w", NULL), 0);
	check(t);
	mmlab_exit(t);
}

static void test_segv_codes(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t rw = map(t, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t ro = map(t, PG, PROT_READ, MAP_PRIVATE);
	uint64_t none = map(t, PG, PROT_NONE, MAP_PRIVATE);
	uint64_t x = map(t, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE);
	uint64_t hole = map(t, PG, PROT_READ, MAP_PRIVATE);
	struct mmlab_fault f;

	assert_int_equal(mmlab_munmap(t, hole, PG), 0);
	expect_fault(t, hole + 123, "r", SIGSEGV, SEGV_MAPERR_);
	expect_fault(t, ro + 5, "w", SIGSEGV, SEGV_ACCERR_);
	expect_fault(t, none + 7, "r", SIGSEGV, SEGV_ACCERR_);
	expect_fault(t, none, "x", SIGSEGV, SEGV_ACCERR_);
	expect_fault(t, rw + 9, "x", SIGSEGV, SEGV_ACCERR_);	/* maps the zero page, then NX */
	assert_int_equal(mmlab_touch(t, x, 1, "x", NULL), 0);
	expect_fault(t, 0x10, "r", SIGSEGV, SEGV_MAPERR_);
	expect_fault(t, 0x800000000000UL, "r", SIGSEGV, 0x80);	/* non-canonical: SI_KERNEL */
	/* A write crossing into a read-only page stops at the first byte of that page. */
	assert_int_equal(mmlab_mprotect(t, rw + PG, PG, PROT_READ), 0);
	memset(&f, 0, sizeof(f));
	assert_int_equal(mmlab_poke(t, rw + PG - 2, "abcd", 4, &f), -EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(f.code, SEGV_ACCERR_);
	assert_int_equal(f.addr, rw + PG);
	assert_int_equal(mmlab_touch(t, rw, PG, "q", NULL), -EINVAL);
	check(t);
	mmlab_exit(t);
}

/* A file page reads through the page cache; a page wholly past the end is SIGBUS. */
static void test_file_fault_sigbus(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	char path[] = "/tmp/mmlab_fault_XXXXXX";
	int hfd = mkstemp(path), fd;
	uint64_t a;

	assert_true(hfd >= 0);
	assert_int_equal(write(hfd, "hello", 5), 5);
	close(hfd);
	fd = mmlab_open(t, path, 0);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(t, 0, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0, &a), 0);
	assert_int_equal(get_byte(t, a + 1), 'e');	/* the page cache's copy of the file */
	assert_int_equal(get_byte(t, a + 5), 0);	/* past the end, in the last page: zeros */
	expect_fault(t, a + PG, "r", SIGBUS, BUS_ADRERR_);
	unlink(path);
	mmlab_exit(t);
}

static void test_wipe_and_dontcopy(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e, NULL), *c;
	uint64_t w = map(p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t d = map(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct mmlab_task_info pi, ci;

	put_byte(p, w, 0x11);
	put_byte(p, d, 0x22);
	assert_int_equal(mmlab_madvise(p, w, 2 * PG, MADV_WIPEONFORK), 0);
	assert_int_equal(mmlab_madvise(p, d, PG, MADV_DONTFORK), 0);
	assert_int_equal(mmlab_fork(p, &c), 0);
	assert_int_equal(get_byte(c, w), 0);		/* wiped */
	assert_int_equal(get_byte(p, w), 0x11);
	expect_fault(c, d, "r", SIGSEGV, SEGV_MAPERR_);	/* not copied */
	assert_int_equal(get_byte(p, d), 0x22);
	mmlab_task_info(p, &pi);
	mmlab_task_info(c, &ci);
	assert_int_equal(ci.total_vm, pi.total_vm - 1);
	check(p);
	check(c);
	mmlab_exit(p);	/* the child outlives its parent */
	assert_int_equal(get_byte(c, w), 0);
	mmlab_exit(c);
}

static void test_threads_and_vfork(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e, NULL), *th, *v;
	uint64_t a = map(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	assert_int_equal(mmlab_clone(p, CLONE_THREAD, &th), -EINVAL);
	assert_int_equal(mmlab_clone(p, CLONE_SIGHAND, &th), -EINVAL);
	assert_int_equal(mmlab_clone(p, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, &th), 0);
	assert_true(mmlab_task_same_mm(p, th));
	assert_int_equal(mmlab_task_tgid(th), mmlab_task_pid(p));
	assert_int_not_equal(mmlab_task_pid(th), mmlab_task_pid(p));
	assert_int_equal(mem(p).mm_users, 2);
	assert_int_equal(mmlab_task_set_cpu(th, 1), 0);
	assert_int_equal(mmlab_task_set_cpu(th, 7), -EINVAL);
	put_byte(th, a, 42);				/* the thread faults on CPU 1 */
	assert_int_equal(get_byte(p, a), 42);
	assert_int_equal(mem(th).minflt, 1);
	assert_int_equal(mem(p).minflt, 0);		/* per-thread counters */
	/* The thread's CPU caches the translation; the zap must reach it. */
	assert_int_equal(mmlab_madvise(p, a, PG, MADV_DONTNEED), 0);
	assert_int_equal(get_byte(th, a), 0);
	mmlab_exit(th);
	assert_int_equal(mem(p).mm_users, 1);

	assert_int_equal(mmlab_vfork(p, &v), 0);
	assert_true(mmlab_task_same_mm(p, v));
	assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), -EBUSY);
	put_byte(v, a, 9);
	mmlab_exit(v);
	assert_int_equal(get_byte(p, a), 9);
	check(p);
	mmlab_exit(p);
}

static void test_shared_anon(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e, NULL), *c;
	uint64_t a = map(p, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	unsigned char vec[4];

	put_byte(p, a, 1);
	assert_int_equal(mem(p).rss_shmem, 1);
	assert_int_equal(mmlab_fork(p, &c), 0);
	assert_int_equal(mem(c).rss_shmem, 0);		/* not copied: faulted in on use */
	assert_int_equal(get_byte(c, a), 1);
	assert_int_equal(mem(c).rss_shmem, 1);
	put_byte(c, a + 2 * PG, 5);
	assert_int_equal(get_byte(p, a + 2 * PG), 5);	/* shared both ways */
	assert_int_equal(mmlab_mincore(p, a, 4 * PG, vec), 0); /* in the cache, unmapped in p */
	assert_int_equal(vec[2], 1);
	assert_int_equal(vec[1], 0);
	assert_int_equal(mmlab_madvise(p, a, 4 * PG, MADV_DONTNEED), 0);
	assert_int_equal(get_byte(p, a + 2 * PG), 5);	/* shmem keeps the data */
	check(p);
	check(c);
	mmlab_exit(p);
	assert_int_equal(get_byte(c, a), 1);
	mmlab_exit(c);
}

static void test_pkeys_without_pku(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL), *c;
	uint64_t a = map(t, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	assert_int_equal(mmlab_pkey_alloc(t, 1, 0), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(t, 0, 4), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(t, 0, 0), -EINVAL);	/* key 0 is now stuck */
	assert_int_equal(mmlab_pkey_alloc(t, 0, 0), -ENOSPC);
	assert_int_equal(mmlab_fork(t, &c), 0);
	assert_int_equal(mmlab_pkey_alloc(c, 0, 3), -ENOSPC);	/* inherited */
	for (int k = -1; k < 17; k++)
		assert_int_equal(mmlab_pkey_free(t, k), -EINVAL);
	assert_int_equal(mmlab_pkey_mprotect(t, a, PG, PROT_READ, -1), 0);
	assert_int_equal(mmlab_pkey_mprotect(t, a, PG, PROT_READ, 0), -EINVAL);
	assert_int_equal(mmlab_pkey_mprotect(t, a, 0, PROT_READ, 5), 0);
	assert_int_equal(mmlab_pkey_mprotect(t, 0x10000, PG, PROT_READ, -1), -ENOMEM);
	expect_fault(t, a, "w", SIGSEGV, SEGV_ACCERR_);
	/* No execute-only memory: PROT_EXEC alone stays readable, as x86 pages are. */
	assert_int_equal(mmlab_mprotect(t, a, PG, PROT_EXEC), 0);
	assert_int_equal(mmlab_touch(t, a, PG, "r", NULL), 0);
	{
		struct mmlab_fault f;
		uint32_t pkru = 1;

		/* WRPKRU and RDPKRU do not exist on such a CPU: #UD. */
		assert_int_equal(mmlab_wrpkru(t, 0, &f), -EFAULT);
		assert_int_equal(f.signo, SIGILL);
		assert_int_equal(f.code, 2 /* ILL_ILLOPN */);
		assert_int_equal(mmlab_rdpkru(t, &pkru, &f), -EFAULT);
		assert_int_equal(pkru, 1);
	}
	mmlab_exit(c);
	mmlab_exit(t);
}

/*
 * The VMA cache counts every find_vma of the current task (Linux's before 6.1): the fault
 * path's and the system calls'. A VMA leaving the tree or losing part of its range empties
 * it, a new VMA does not; a lookup in another task's
 * mm (process_madvise's) is a call that cannot hit.
 */
static void test_vmacache(void **state)
{
	struct env *e = *state;
	struct mmlab_task_config root = { .no_aslr = 1, .privileged = 1 };
	struct mmlab_task *t = task(e, NULL), *o = task(e, &root);
	uint64_t a = map(t, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t calls = ev(e, "vmacache_find_calls"), hits = ev(e, "vmacache_find_hits");
	struct mmlab_iovec iov = { .base = a + 2 * PG, .len = PG };

	for (int i = 0; i < 8; i++)
		put_byte(t, a + i * PG, 1);
	/* a + 0 misses and fills slot 0; the others find it by probing the four slots */
	assert_int_equal(ev(e, "vmacache_find_calls"), calls + 8);
	assert_int_equal(ev(e, "vmacache_find_hits"), hits + 7);

	/* a new VMA in a gap leaves the cache as it was (no VMA left the tree); a system call's
	 * lookup goes through the same cache: madvise's of a + PG hits */
	(void)map(t, PG, PROT_READ, MAP_PRIVATE);
	calls = ev(e, "vmacache_find_calls");
	hits = ev(e, "vmacache_find_hits");
	assert_int_equal(mmlab_madvise(t, a + PG, PG, MADV_DONTNEED), 0);
	assert_true(ev(e, "vmacache_find_calls") > calls);
	assert_int_equal(ev(e, "vmacache_find_hits"), hits + 1);

	/* any VMA change empties it: the first lookup after the split misses */
	assert_int_equal(mmlab_mprotect(t, a, PG, PROT_READ), 0);
	hits = ev(e, "vmacache_find_hits");
	put_byte(t, a + PG, 1);
	assert_int_equal(ev(e, "vmacache_find_hits"), hits);
	put_byte(t, a + 2 * PG, 1); /* present: no fault, no lookup */
	assert_int_equal(ev(e, "vmacache_find_hits"), hits);

	/* @o looking into @t's mm: calls that cannot hit, and fill nothing */
	calls = ev(e, "vmacache_find_calls");
	assert_int_equal(mmlab_process_madvise(o, t, &iov, 1, MADV_COLD, 0), (long)PG);
	assert_int_equal(mmlab_process_madvise(o, t, &iov, 1, MADV_COLD, 0), (long)PG);
	assert_true(ev(e, "vmacache_find_calls") > calls);
	assert_int_equal(ev(e, "vmacache_find_hits"), hits);
	mmlab_exit(o);
	mmlab_exit(t);
}

/*
 * update_mmu_cache: a resolved fault fills the faulting CPU's TLB from the entry it installed,
 * so each fault costs one miss and no second walk, and the preload grants only what the entry
 * allows (the zero page: reads; a read-only VMA: reads), so the next write still misses.
 */
static void test_update_mmu_cache(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct mmlab_stats s0, s1;

#define STEP(call, nfaults, nmisses, npreloads)                                                    \
	do {                                                                                       \
		mmlab_machine_stats(e->m, &s0);                                                    \
		call;                                                                              \
		mmlab_machine_stats(e->m, &s1);                                                    \
		assert_int_equal(s1.faults - s0.faults, nfaults);                                  \
		assert_int_equal(s1.tlb_misses - s0.tlb_misses, nmisses);                          \
		assert_int_equal(s1.tlb_preloads - s0.tlb_preloads, npreloads);                    \
	} while (0)

	STEP(assert_int_equal(mmlab_touch(t, a, 2 * PG, "w", NULL), 0), 2, 2, 2);
	STEP(assert_int_equal(mmlab_touch(t, a, 2 * PG, "w", NULL), 0), 0, 0, 0);
	STEP(assert_int_equal(mmlab_touch(t, a + 2 * PG, 1, "r", NULL), 0), 1, 1, 1);
	STEP(assert_int_equal(mmlab_touch(t, a + 2 * PG, 1, "r", NULL), 0), 0, 0, 0);
	/* The zero page's entry gave no write tag: the write misses and copies it. */
	STEP(assert_int_equal(mmlab_touch(t, a + 2 * PG, 1, "w", NULL), 0), 1, 1, 1);
	STEP(assert_int_equal(mmlab_touch(t, a + 2 * PG, 1, "w", NULL), 0), 0, 0, 0);
	assert_int_equal(get_byte(t, a + 2 * PG), 0);
	assert_int_equal(mmlab_mprotect(t, a + 3 * PG, PG, PROT_READ), 0);
	STEP(assert_int_equal(mmlab_touch(t, a + 3 * PG, 1, "r", NULL), 0), 1, 1, 1);
	STEP(expect_fault(t, a + 3 * PG, "w", SIGSEGV, SEGV_ACCERR_), 1, 1, 0);
#undef STEP
	check(t);
	mmlab_exit(t);
}

static void test_exit_frees_everything(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e, NULL), *c, *g;
	uint64_t a = map(p, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t s = map(p, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	uint64_t far = 0x7f0000000000UL;

	assert_int_equal(mmlab_touch(p, a, 64 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_touch(p, s, 8 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_mmap(p, far, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE |
				    MAP_ANONYMOUS | MAP_FIXED, -1, 0, &far), 0);
	put_byte(p, far, 1);
	assert_int_equal(mmlab_fork(p, &c), 0);
	assert_int_equal(mmlab_touch(c, a, 32 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_fork(c, &g), 0);
	assert_int_equal(mmlab_touch(g, a + 16 * PG, 32 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_munmap(p, far, PG), 0);
	check(p);
	check(c);
	check(g);
	assert_int_equal(mmlab_machine_validate(e->m), 0);
	mmlab_exit(c);
	mmlab_exit(p);
	assert_int_equal(get_byte(g, a + 40 * PG), 0);
	mmlab_exit(g);
}

/*
 * Running out of frames in a fault is the OOM killer's business: the only process is the
 * victim, dies of SIGKILL, and the reaper frees its anonymous page; nothing leaks. A killed
 * task's later access faults SIGKILL without running the killer again.
 */
static void test_fault_oom(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct mmlab_signals s;
	struct mmlab_fault f;

	put_byte(t, a, 1);
	assert_int_equal(ev(e, "oom_kill"), 0);
	mmlab_machine_fail_alloc_after(e->m, 1);
	assert_int_equal(mmlab_touch(t, a + PG, 1, "w", &f), -EFAULT);
	assert_int_equal(f.signo, SIGKILL);
	assert_int_equal(ev(e, "oom_kill"), 1);	/* vmstat's oom_kill: one per kill */
	assert_int_equal(mmlab_task_signals(t, &s), 0);
	assert_int_equal(s.killed_by, SIGKILL);
	assert_int_equal(mem(t).rss_anon, 0);
	assert_int_equal(mmlab_touch(t, a, 1, "r", &f), -EFAULT);
	assert_int_equal(f.signo, SIGKILL);
	assert_int_equal(ev(e, "oom_kill"), 1);	/* no second kill */
	check(t);
	mmlab_exit(t);
}

#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#endif

/* mremap moves the pages with the VMA: same frames, same RSS, nothing left behind. */
static void test_mremap_moves_pages(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), n;

	for (int i = 0; i < 4; i++)
		put_byte(t, a + i * PG + 1, (unsigned char)(0x30 + i));
	assert_int_equal(mmlab_munmap(t, a + 4 * PG, 4 * PG), 0);
	assert_int_equal(mmlab_mmap(t, a + 4 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
				    MAP_FIXED, -1, 0, &n), 0);	/* a blocker: growing must move */
	assert_int_equal(mmlab_mremap(t, a, 4 * PG, 6 * PG, MREMAP_MAYMOVE, 0, &n), 0);
	assert_int_not_equal(n, a);
	for (int i = 0; i < 4; i++)
		assert_int_equal(get_byte(t, n + i * PG + 1), 0x30 + i);
	assert_int_equal(get_byte(t, n + 5 * PG), 0);
	assert_int_equal(mem(t).rss_anon, 4);
	expect_fault(t, a, "r", SIGSEGV, SEGV_MAPERR_);
	check(t);
	mmlab_exit(t);
}

/*
 * A MREMAP_FIXED move of a range of several VMAs (6.17's multi-VMA move) moves every piece's
 * pages; the page at the target of the gap stays as it was.
 *
 *   a:  | A rw | gap | B ro |        t:  | A' | (kept page) | B' |
 */
static void test_mremap_fixed_multi_vma_moves_pages(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), dst, n;

	dst = map(t, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	put_byte(t, a + 1, 0x41);
	put_byte(t, a + 2 * PG + 1, 0x42);
	put_byte(t, dst + PG + 3, 0x77);
	assert_int_equal(mmlab_mprotect(t, a + 2 * PG, PG, PROT_READ), 0);
	assert_int_equal(mmlab_munmap(t, a + PG, PG), 0);
	assert_int_equal(mmlab_mremap(t, a, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst,
				      &n), 0);
	assert_int_equal(n, dst);
	assert_int_equal(get_byte(t, dst + 1), 0x41);
	assert_int_equal(get_byte(t, dst + PG + 3), 0x77);
	assert_int_equal(get_byte(t, dst + 2 * PG + 1), 0x42);
	expect_fault(t, dst + 2 * PG, "w", SIGSEGV, SEGV_ACCERR_);
	expect_fault(t, a, "r", SIGSEGV, SEGV_MAPERR_);
	expect_fault(t, a + 2 * PG, "r", SIGSEGV, SEGV_MAPERR_);
	assert_int_equal(mem(t).rss_anon, 3);
	check(t);
	mmlab_exit(t);
}

/* The number of /proc/pid/maps lines that start in [start, end). */
static int vmas_in(struct mmlab_task *t, uint64_t start, uint64_t end)
{
	FILE *f = tmpfile();
	unsigned long lo, hi;
	char line[512];
	int n = 0;

	assert_non_null(f);
	assert_int_equal(mmlab_proc_maps(t, f), 0);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo >= start && lo < end)
			n++;
	fclose(f);
	return n;
}

/*
 * mprotect making a locked private VMA writable writes its pages in at once (mprotect_fixup's
 * populate): the COW copies exist, the VMA has an anon_vma, and so it keeps VM_ACCOUNT when
 * it becomes read-only again and does not merge back with its untouched neighbour - the host's
 * maps show the same two VMAs (diffmm's full mode).
 *
 *   | locked r-- 4 pages |  ->  | r-- | rw- (written) |  ->  | r-- | r-- (own anon_vma) |
 */
static void test_mprotect_locked_writable_populates(void **state)
{
	struct env *e = *state;
	struct mmlab_task *t = task(e, NULL);
	uint64_t a = map(t, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_LOCKED);

	assert_int_equal(mem(t).rss_anon, 0);	/* read-populated: the zero page */
	assert_int_equal(mmlab_mprotect(t, a + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mem(t).rss_anon, 2);
	assert_int_equal(mmlab_mprotect(t, a + 2 * PG, 2 * PG, PROT_READ), 0);
	assert_int_equal(vmas_in(t, a, a + 4 * PG), 2);
	check(t);
	mmlab_exit(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zero_page_then_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cow_after_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cow_selftest_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cow_zeropage_other_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusive_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dontneed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madv_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_populate_and_mlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segv_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_fault_sigbus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wipe_and_dontcopy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_and_vfork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_anon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pkeys_without_pku, setup_no_pku, teardown),
		cmocka_unit_test_setup_teardown(test_vmacache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_mmu_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_frees_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_oom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_moves_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mprotect_locked_writable_populates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mremap_fixed_multi_vma_moves_pages, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
