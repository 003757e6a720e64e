// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What MADV_COLD, MADV_PAGEOUT and mlock do to the LRU lists, through the public API and
 * against the host kernel:
 *  - mmlab's own view of the lists (/proc/vmstat nr_inactive_* / nr_active_*, meminfo's
 *    Active/Inactive lines, pgactivate/pgdeactivate): PAGEOUT without swap activates
 *    anonymous pages (no slot for them: shrink_folio_list's activate_locked), COLD moves
 *    them back to the inactive list through the deactivate batch, which the next drain
 *    empties; PAGEOUT with swap writes them out; a clean file page leaves the page cache, a
 *    dirty one is unmapped and activated; a page shared with a fork child is left alone;
 *  - the host's view of the same pages (/proc/self/pagemap's frame, /proc/kpageflags'
 *    LRU, ACTIVE, UNEVICTABLE and MLOCKED bits) against mmlab_page_walk's, after the same
 *    steps, on one CPU, each step followed by a drain (MADV_COLD of a page-less VMA drains
 *    the CPU's batches on both). The host has no swap; the test skips if it has;
 *  - process_madvise of COLD and PAGEOUT on a child (the host's through pidfd_open) and
 *    its errors;
 *  - mlock of pages already mapped (the unevictable list, Mlocked, nr_mlock and the
 *    unevictable_pgs_* counters), in mmlab and against the host;
 *  - populate's FOLL_TOUCH (MAP_POPULATE, MADV_POPULATE_READ/WRITE, mlock) against the
 *    host, over whole ranges and stopped midway by a SIGBUS or SIGSEGV page.
 *
 * ctest-run-serial
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"
#include "proc_value.h"
#include "../../tools/mmlab/host_probe.h"

#define PG 4096UL
#define NP 16UL
#define PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#define SYS_pidfd_open_ 434
#define SYS_process_madvise_ 440
#define KPF(b) (1ULL << (b))
/* The LRU's bits of /proc/kpageflags: LRU, ACTIVE, UNEVICTABLE, MLOCKED. */
#define KPF_LISTS (KPF(5) | KPF(6) | KPF(18) | KPF(33))
/* The same and REFERENCED: what mark_page_accessed leaves (populate's FOLL_TOUCH). */
#define KPF_TOUCHED (KPF_LISTS | KPF(2))
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#define MADV_GUARD_INSTALL_ 102

struct fix {
	struct mmlab_machine *m;
	struct mmlab_task *t;
	char path[4096];		/* A 16-page file on the host, clean */
};

static int setup(void **state)
{
	/* populate's read faults map a page, or the zero page, as the host's do */
	struct mmlab_machine_config mc = { .ram_bytes = 16UL << 20,
					   .no_zero_page = !host_has_zero_page() };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct fix *f = calloc(1, sizeof(*f));
	char data[PG];
	int fd;

	assert_non_null(f);
	assert_int_equal(mmlab_machine_create(&mc, &f->m), 0);
	assert_int_equal(mmlab_task_create(f->m, &tc, &f->t), 0);
	snprintf(f->path, sizeof(f->path), "%s/mmlab-lruadv.XXXXXX", dir);
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	for (unsigned long i = 0; i < NP; i++) {	/* page by page: small folios */
		memset(data, (int)('a' + i), sizeof(data));
		assert_int_equal(write(fd, data, PG), (ssize_t)PG);
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	unlink(f->path);
	mmlab_task_destroy(f->t);
	mmlab_machine_destroy(f->m);
	free(f);
	return 0;
}

static uint64_t vmstat(struct mmlab_machine *m, const char *name)
{
	uint64_t v = proc_vmstat_value(m, name);

	assert_true(v != UINT64_MAX);
	return v;
}

static uint64_t meminfo(struct mmlab_machine *m, const char *key)
{
	uint64_t v = proc_meminfo_value(m, key);

	assert_true(v != UINT64_MAX);
	return v;
}

/* The four lists' lengths (vmstat) and meminfo's lines agree; returns them. */
struct lists {
	uint64_t ia, aa, ifl, af;
};

static struct lists lists_of(struct mmlab_machine *m)
{
	struct lists l = {
		vmstat(m, "nr_inactive_anon"), vmstat(m, "nr_active_anon"),
		vmstat(m, "nr_inactive_file"), vmstat(m, "nr_active_file"),
	};

	assert_int_equal(meminfo(m, "Inactive(anon):"), l.ia * 4);
	assert_int_equal(meminfo(m, "Active(anon):"), l.aa * 4);
	assert_int_equal(meminfo(m, "Inactive(file):"), l.ifl * 4);
	assert_int_equal(meminfo(m, "Active(file):"), l.af * 4);
	assert_int_equal(meminfo(m, "Active:"), (l.aa + l.af) * 4);
	assert_int_equal(meminfo(m, "Inactive:"), (l.ia + l.ifl) * 4);
	return l;
}

/* The kpageflags of the page at @addr in mmlab (0 when not present). */
static uint64_t mm_flags(struct mmlab_task *t, uint64_t addr)
{
	struct mmlab_page_walk w;

	assert_int_equal(mmlab_page_walk(t, addr, &w), 0);
	return w.mapped ? w.kpageflags : 0;
}

/*
 * The same on the host, at @addr of process @pid (this one or a child): its pagemap's frame,
 * then /proc/kpageflags (root); -1: cannot read, or the frame number is hidden.
 */
static int64_t host_flags(pid_t pid, uintptr_t addr)
{
	char path[64];
	uint64_t pm, kf;
	int fd, kfd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &pm, 8, (off_t)(addr / PG * 8)) != 8) {
		close(fd);
		return -1;
	}
	close(fd);
	if (!(pm & (1ULL << 63)))
		return 0;
	if (!(pm & ((1ULL << 55) - 1)))
		return -1;	/* no PFN shown: not privileged */
	kfd = open("/proc/kpageflags", O_RDONLY);
	if (kfd < 0)
		return -1;
	if (pread(kfd, &kf, 8, (off_t)((pm & ((1ULL << 55) - 1)) * 8)) != 8)
		kf = (uint64_t)-1;
	close(kfd);
	return kf == (uint64_t)-1 ? -1 : (int64_t)kf;
}

static long host_pmadv(int pidfd, void *base, size_t len, int advice, unsigned int flags)
{
	struct iovec v = { base, len };
	long r = syscall(SYS_process_madvise_, pidfd, &v, 1, advice, flags);

	return r < 0 ? -errno : r;
}

static bool swap_on_host(void)
{
	char line[256];
	FILE *fp = fopen("/proc/swaps", "r");
	int n = 0;

	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp))
		n++;
	fclose(fp);
	return n > 1;
}

/* mmlab alone, without swap: anonymous pages between the lists. */
static void anon_lists(void **state)
{
	struct fix *f = *state;
	uint64_t base, dummy, act, deact;
	struct lists l0, l;

	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &base), 0);
	assert_int_equal(mmlab_mmap(f->t, 0, PG, RW, PRIV, -1, 0, &dummy), 0);
	assert_int_equal(mmlab_madvise(f->t, dummy, PG, MADV_COLD), 0);	/* drain */
	l0 = lists_of(f->m);
	assert_int_equal(mmlab_touch(f->t, base, NP * PG, "w", NULL), 0);
	assert_int_equal(mmlab_madvise(f->t, dummy, PG, MADV_COLD), 0);
	l = lists_of(f->m);
	assert_int_equal(l.ia, l0.ia + NP);	/* new anonymous pages: inactive */
	assert_int_equal(l.aa, l0.aa);
	for (unsigned long i = 0; i < NP; i++)
		assert_int_equal(mm_flags(f->t, base + i * PG) & KPF_LISTS, KPF(5));

	/* PAGEOUT without swap: no slot, so each page is activated, still mapped */
	act = vmstat(f->m, "pgactivate");
	assert_int_equal(mmlab_madvise(f->t, base, NP * PG, MADV_PAGEOUT), 0);
	l = lists_of(f->m);
	assert_int_equal(l.aa, l0.aa + NP);
	assert_int_equal(l.ia, l0.ia);
	assert_int_equal(vmstat(f->m, "pgactivate"), act + NP);
	for (unsigned long i = 0; i < NP; i++)
		assert_int_equal(mm_flags(f->t, base + i * PG) & KPF_LISTS, KPF(5) | KPF(6));

	/* COLD: into the deactivate batch (16 < 31 pages), onto the inactive list at a drain */
	deact = vmstat(f->m, "pgdeactivate");
	assert_int_equal(mmlab_madvise(f->t, base, NP * PG, MADV_COLD), 0);
	l = lists_of(f->m);
	assert_int_equal(l.aa, l0.aa + NP);
	assert_int_equal(mmlab_madvise(f->t, dummy, PG, MADV_COLD), 0);
	l = lists_of(f->m);
	assert_int_equal(l.ia, l0.ia + NP);
	assert_int_equal(l.aa, l0.aa);
	assert_int_equal(vmstat(f->m, "pgdeactivate"), deact + NP);
	/* COLD of inactive pages moves nothing */
	assert_int_equal(mmlab_madvise(f->t, base, NP * PG, MADV_COLD), 0);
	assert_int_equal(mmlab_madvise(f->t, dummy, PG, MADV_COLD), 0);
	assert_int_equal(vmstat(f->m, "pgdeactivate"), deact + NP);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/* A page a fork child shares is not this mapping's alone: PAGEOUT and COLD leave it. */
static void shared_pages_skipped(void **state)
{
	struct fix *f = *state;
	struct mmlab_task *child;
	uint64_t base, act;

	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &base), 0);
	assert_int_equal(mmlab_touch(f->t, base, NP * PG, "w", NULL), 0);
	assert_int_equal(mmlab_fork(f->t, &child), 0);
	act = vmstat(f->m, "pgactivate");
	assert_int_equal(mmlab_madvise(f->t, base, NP * PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(f->m, "pgactivate"), act);
	for (unsigned long i = 0; i < NP; i++)
		assert_int_equal(mm_flags(f->t, base + i * PG) & KPF_LISTS, KPF(5));
	mmlab_task_destroy(child);
	/* alone again: now it is paged out (activated, without swap) */
	assert_int_equal(mmlab_madvise(f->t, base, NP * PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(f->m, "pgactivate"), act + NP);
}

/* With swap, PAGEOUT writes the isolated pages out: swap entries mapped, the pages left in
 * the swap cache. */
static void anon_pageout_to_swap(void **state)
{
	struct fix *f = *state;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096];
	uint64_t base, out;
	struct lists l0, l;
	struct mmlab_task_mem st;
	int fd;

	snprintf(path, sizeof(path), "%s/mmlab-lruadv-swap.XXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(f->m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &base), 0);
	assert_int_equal(mmlab_madvise(f->t, base, PG, MADV_COLD), 0);
	l0 = lists_of(f->m);
	assert_int_equal(mmlab_touch(f->t, base, NP * PG, "w", NULL), 0);
	out = vmstat(f->m, "pswpout");
	assert_int_equal(mmlab_madvise(f->t, base, NP * PG, MADV_PAGEOUT), 0);
	/* written out but, as the write was asynchronous, still in the swap cache on the
	 * inactive list: the next reclaim pass frees them (pageout's PG_reclaim rotation) */
	l = lists_of(f->m);
	assert_int_equal(l.ia, l0.ia + NP);
	assert_int_equal(l.aa, l0.aa);
	assert_int_equal(vmstat(f->m, "nr_swapcached"), NP);
	assert_int_equal(vmstat(f->m, "pswpout"), out + NP);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.swapents, NP);
	assert_int_equal(st.rss_anon, 0);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/* File pages: a clean one leaves the cache, a dirty one is unmapped and activated. */
static void file_pageout(void **state)
{
	struct fix *f = *state;
	uint64_t clean, dirty, cached;
	struct lists l0, l;
	struct mmlab_task_mem st;
	int fd = mmlab_open(f->t, f->path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, PROT_READ, MAP_SHARED, fd, 0, &clean), 0);
	assert_int_equal(mmlab_touch(f->t, clean, NP * PG, "r", NULL), 0);
	assert_int_equal(mmlab_madvise(f->t, clean, PG, MADV_COLD), 0);	/* drain */
	l0 = lists_of(f->m);
	cached = meminfo(f->m, "Cached:");
	assert_int_equal(mmlab_madvise(f->t, clean, NP * PG, MADV_PAGEOUT), 0);
	l = lists_of(f->m);
	assert_int_equal(l.ifl + l.af, l0.ifl + l0.af - NP);
	assert_int_equal(meminfo(f->m, "Cached:"), cached - NP * 4);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_file, 0);
	assert_int_equal(mmlab_munmap(f->t, clean, NP * PG), 0);

	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, MAP_SHARED, fd, 0, &dirty), 0);
	assert_int_equal(mmlab_touch(f->t, dirty, NP * PG, "w", NULL), 0);
	assert_int_equal(mmlab_madvise(f->t, dirty, PG, MADV_COLD), 0);
	l0 = lists_of(f->m);
	assert_int_equal(mmlab_madvise(f->t, dirty, NP * PG, MADV_PAGEOUT), 0);
	l = lists_of(f->m);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_file, 0);
	assert_int_equal(l.af, l0.af + NP);	/* only kswapd writes file pages back */
	assert_int_equal(l.ifl + l.af, l0.ifl + l0.af);
	assert_int_equal(mmlab_munmap(f->t, dirty, NP * PG), 0);
	assert_int_equal(mmlab_close(f->t, fd), 0);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/*
 * A comparison of the host with mmlab, step by step: the 16 pages the steps act on and
 * compare, and the page on each side that drains the CPU's LRU batches after each step.
 */
struct cmp {
	struct fix *f;
	pid_t pid;		/* the host process whose pages @h are: this one or a child */
	int pidfd;		/* a child's: advice to @h goes through process_madvise; or -1 */
	unsigned char *h;	/* the 16 pages, on the host (in @pid) */
	struct mmlab_task *t;	/* the task whose pages @a are: @f->t, or a child advised by it */
	uint64_t a;		/* the same 16 pages in mmlab */
	uint64_t mask;		/* the kpageflags bits compared: KPF_LISTS or KPF_TOUCHED */
	unsigned char *hd;	/* the host's drain page */
	uint64_t md;		/* mmlab's drain page */
};

/*
 * What a step does to @c->h and @c->a before the drain: an madvise advice (zero or more) or one
 * of these, which act on this process's pages only.
 */
enum {
	STEP_NONE = -1,		/* nothing: the drain and the comparison only */
	STEP_MLOCK = -2,
	STEP_MUNLOCK = -3,
	STEP_MLOCK_ONFAULT = -4,	/* mlock2(MLOCK_ONFAULT) */
};

/*
 * The host's zero page is one page for the whole machine, and every FOLL_TOUCH of a PTE that
 * maps it (populate, mlock, ptrace's and /proc/PID/mem's reads), by any process, flips its
 * PG_referenced: folio_mark_accessed sets it, and the next one, finding the page on no LRU,
 * clears it. So the tests before this one leave it set or clear (diffmm_300 and
 * record_faults_roundtrip flip it an odd number of times), while mmlab's zero page starts
 * clear: the host's is brought to clear too, or "anon POPULATE_READ" differs by that bit.
 */
static void host_zero_page_unreferenced(void)
{
	unsigned char *z = mmap(NULL, PG, PROT_READ, PRIV, -1, 0);
	int64_t kf;

	assert_true(z != MAP_FAILED);
	(void)*(volatile unsigned char *)z;	/* a read fault maps the zero page, unmarked */
	kf = host_flags(getpid(), (uintptr_t)z);
	if (kf > 0 && (kf & KPF(24)) && (kf & KPF(2)))	/* KPF_ZERO_PAGE, KPF_REFERENCED */
		assert_int_equal(madvise(z, PG, MADV_POPULATE_READ), 0);
	munmap(z, PG);
}

/*
 * Starts a comparison of @mask bits, or skips the test where the host has swap or does not
 * show its kpageflags (not root). The host's LRU batches and vmstat counters are per CPU:
 * a comparison runs pinned to one, with a page of its own on each side (@c->hd, @c->md) for
 * drain_both() to drain them with.
 */
static void cmp_start(struct cmp *c, struct fix *f, uint64_t mask)
{
	cpu_set_t one;

	if (swap_on_host() || host_flags(getpid(), (uintptr_t)c) < 0)
		skip();
	*c = (struct cmp){ .f = f, .pid = getpid(), .pidfd = -1, .t = f->t, .mask = mask };
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	host_zero_page_unreferenced();
	c->hd = mmap(NULL, PG, RW, PRIV, -1, 0);
	assert_true(c->hd != MAP_FAILED);
	assert_int_equal(mmlab_mmap(c->f->t, 0, PG, RW, PRIV, -1, 0, &c->md), 0);
}

/*
 * MADV_COLD of a VMA without pages calls lru_add_drain() on this CPU (the test is pinned to
 * one): the host's batches, then mmlab's.
 */
static void drain_both(struct cmp *c)
{
	assert_int_equal(madvise(c->hd, PG, MADV_COLD), 0);
	assert_int_equal(mmlab_madvise(c->f->t, c->md, PG, MADV_COLD), 0);
}

/* mlock (munlock, munmap) of the 16 pages at @h on the host and at @a in mmlab. */
static void mlock_both(struct fix *f, unsigned char *h, uint64_t a)
{
	/* raw system calls: ASan's mlock interceptors do nothing */
	assert_int_equal(syscall(SYS_mlock, h, NP * PG), 0);
	assert_int_equal(mmlab_mlock(f->t, a, NP * PG), 0);
}

static void munlock_both(struct fix *f, unsigned char *h, uint64_t a)
{
	assert_int_equal(syscall(SYS_munlock, h, NP * PG), 0);
	assert_int_equal(mmlab_munlock(f->t, a, NP * PG), 0);
}

static void munmap_both(struct fix *f, unsigned char *h, uint64_t a)
{
	assert_int_equal(munmap(h, NP * PG), 0);
	assert_int_equal(mmlab_munmap(f->t, a, NP * PG), 0);
}

/*
 * @advice to the 16 pages on both sides: by madvise, or by process_madvise to a child's
 * pages, which advises them all.
 */
static void advise_both(struct cmp *c, int advice)
{
	struct mmlab_iovec v = { c->a, NP * PG };

	if (c->pidfd < 0) {
		assert_int_equal(madvise(c->h, NP * PG, advice), 0);
		assert_int_equal(mmlab_madvise(c->t, c->a, NP * PG, advice), 0);
		return;
	}
	assert_int_equal(host_pmadv(c->pidfd, c->h, NP * PG, advice, 0), (long)(NP * PG));
	assert_int_equal(mmlab_process_madvise(c->f->t, c->t, &v, 1, advice, 0), (long)(NP * PG));
}

/*
 * One step of a comparison: @op on the host's pages, then on mmlab's, a drain on both, and
 * the @c->mask bits of each page compared, a difference printed under the step's @name.
 */
static void step(struct cmp *c, const char *name, int op)
{
	assert_true(op >= STEP_NONE || c->pidfd < 0);
	switch (op) {
	case STEP_NONE:
		break;
	case STEP_MLOCK:
		mlock_both(c->f, c->h, c->a);
		break;
	case STEP_MUNLOCK:
		munlock_both(c->f, c->h, c->a);
		break;
	case STEP_MLOCK_ONFAULT:
		assert_int_equal(syscall(SYS_mlock2, c->h, NP * PG, MLOCK_ONFAULT), 0);
		assert_int_equal(mmlab_mlock2(c->f->t, c->a, NP * PG, MLOCK_ONFAULT), 0);
		break;
	default:
		advise_both(c, op);
	}
	drain_both(c);
	for (unsigned long i = 0; i < NP; i++) {
		int64_t hf = host_flags(c->pid, (uintptr_t)c->h + i * PG);
		uint64_t mf = mm_flags(c->t, c->a + i * PG);

		assert_true(hf >= 0);
		if (((uint64_t)hf & c->mask) != (mf & c->mask))
			print_message("%s: page %lu: host %#llx mmlab %#llx\n", name, i,
				      (unsigned long long)hf, (unsigned long long)mf);
		assert_int_equal((uint64_t)hf & c->mask, mf & c->mask);
	}
}

/*
 * The host against mmlab, page by page: anonymous pages written (inactive), PAGEOUT (no
 * swap: activated), COLD (deactivated); file pages mapped and read (inactive), read twice
 * with pread (activated by mark_page_accessed), COLD (deactivated), PAGEOUT (dropped).
 */
static void lists_vs_host(void **state)
{
	struct fix *f = *state;
	struct cmp c;
	unsigned char *h, *hf, buf[NP * PG];
	uint64_t a, mf;
	int hfd, mfd;

	cmp_start(&c, f, KPF_LISTS);
	h = mmap(NULL, NP * PG, RW, PRIV, -1, 0);
	assert_true(h != MAP_FAILED);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &a), 0);
	memset(h, 1, NP * PG);
	assert_int_equal(mmlab_touch(f->t, a, NP * PG, "w", NULL), 0);
	c.h = h;
	c.a = a;
	step(&c, "anon written", STEP_NONE);
	step(&c, "anon MADV_PAGEOUT", MADV_PAGEOUT);
	step(&c, "anon MADV_COLD", MADV_COLD);

	/* the file out of the host's page cache first: both sides read it in */
	hfd = open(f->path, O_RDONLY);
	assert_true(hfd >= 0);
	assert_int_equal(posix_fadvise(hfd, 0, 0, POSIX_FADV_DONTNEED), 0);
	mfd = mmlab_open(f->t, f->path, O_RDONLY);
	assert_true(mfd >= 0);
	hf = mmap(NULL, NP * PG, PROT_READ, MAP_SHARED, hfd, 0);
	assert_true(hf != MAP_FAILED);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, PROT_READ, MAP_SHARED, mfd, 0, &mf), 0);
	for (unsigned long i = 0; i < NP; i++)
		(void)*(volatile unsigned char *)(hf + i * PG);
	assert_int_equal(mmlab_touch(f->t, mf, NP * PG, "r", NULL), 0);
	c.h = hf;
	c.a = mf;
	step(&c, "file mapped", STEP_NONE);
	for (int r = 0; r < 2; r++) {	/* into the anonymous range, done with */
		assert_int_equal(pread(hfd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
		assert_int_equal(mmlab_fd_pread(f->t, mfd, a, sizeof(buf), 0),
				 (int64_t)sizeof(buf));
	}
	step(&c, "file read twice", STEP_NONE);
	step(&c, "file MADV_COLD", MADV_COLD);
	step(&c, "file MADV_PAGEOUT", MADV_PAGEOUT);
	munmap(hf, NP * PG);
	munmap(h, NP * PG);
	munmap(c.hd, PG);
	close(hfd);
	assert_int_equal(mmlab_close(f->t, mfd), 0);
}

/* In a forked helper with capabilities @eff (effective, permitted kept): the call's answer. */
static long host_pmadv_as(uint64_t eff, int pidfd, void *base, int advice)
{
	int pfd[2];
	long r = 0;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
		struct { uint32_t eff, perm, inh; } d[2];

		syscall(SYS_capget, &hdr, d);
		d[0].eff = (uint32_t)eff & d[0].perm;
		d[1].eff = (uint32_t)(eff >> 32) & d[1].perm;
		r = syscall(SYS_capset, &hdr, d) ? -1000 : host_pmadv(pidfd, base, NP * PG,
								      advice, 0);
		(void)!write(pfd[1], &r, sizeof(r));
		_exit(0);
	}
	assert_int_equal(read(pfd[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	return r;
}

static long mm_pmadv_as(struct mmlab_task *t, uint64_t eff, struct mmlab_task *target,
			uint64_t base, int advice)
{
	struct mmlab_iovec v = { base, NP * PG };
	struct mmlab_task *helper;
	struct mmlab_caps caps;
	long r;

	assert_int_equal(mmlab_fork(t, &helper), 0);
	assert_int_equal(mmlab_capget(helper, NULL, &caps), 0);
	caps.effective = eff & caps.permitted;
	assert_int_equal(mmlab_capset(helper, &caps), 0);
	r = mmlab_process_madvise(helper, target, &v, 1, advice, 0);
	mmlab_exit(helper);
	return r;
}

/*
 * The host's side of process_madvise_vs_host's child: it maps 16 anonymous pages, writes
 * them and waits. Sets @c->pid, @c->pidfd and @c->h (the pages, in the child); writing to
 * @go lets the child exit.
 */
static void host_child_written(struct cmp *c, int go[2])
{
	int addr[2];
	uintptr_t ha;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(addr), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (!c->pid) {
		unsigned char *p = mmap(NULL, NP * PG, RW, PRIV, -1, 0);
		char x;

		memset(p, 3, NP * PG);
		ha = (uintptr_t)p;
		(void)!write(addr[1], &ha, sizeof(ha));
		close(go[1]);	/* a parent that failed midway ends this read when it exits */
		(void)!read(go[0], &x, 1);
		_exit(0);
	}
	close(addr[1]);	/* a child that failed ends this read with nothing, not a hang */
	assert_int_equal(read(addr[0], &ha, sizeof(ha)), (ssize_t)sizeof(ha));
	close(addr[0]);
	c->h = (unsigned char *)ha;
	c->pidfd = (int)syscall(SYS_pidfd_open_, c->pid, 0);
	assert_true(c->pidfd >= 0);
}

/*
 * process_madvise on a child, the host's (pidfd_open) against mmlab's: PAGEOUT and COLD act
 * on the child's pages as madvise would (kpageflags compared after each), and the errors come
 * in Linux 6.18's order: flags (EINVAL), advice not allowed remotely (EINVAL), a caller
 * missing a capability of the target's and CAP_SYS_PTRACE (EACCES), one without
 * CAP_SYS_NICE (EPERM), a child that has exited (ESRCH).
 */
static void process_madvise_vs_host(void **state)
{
	struct fix *f = *state;
	const uint64_t all = ~0ULL, no_nice = ~(1ULL << 23);
	struct mmlab_iovec v;
	struct cmp c;
	int go[2];

	cmp_start(&c, f, KPF_LISTS);	/* before the fork: the host child runs on this CPU too */
	host_child_written(&c, go);
	assert_int_equal(mmlab_fork(f->t, &c.t), 0);
	assert_int_equal(mmlab_mmap(c.t, 0, NP * PG, RW, PRIV, -1, 0, &c.a), 0);
	assert_int_equal(mmlab_touch(c.t, c.a, NP * PG, "w", NULL), 0);
	step(&c, "process_madvise MADV_PAGEOUT", MADV_PAGEOUT);
	step(&c, "process_madvise MADV_COLD", MADV_COLD);

	v = (struct mmlab_iovec){ c.a, NP * PG };
	assert_int_equal(host_pmadv(c.pidfd, c.h, NP * PG, MADV_COLD, 1), -EINVAL);
	assert_int_equal(mmlab_process_madvise(f->t, c.t, &v, 1, MADV_COLD, 1), -EINVAL);
	assert_int_equal(host_pmadv(c.pidfd, c.h, NP * PG, MADV_DONTNEED, 0), -EINVAL);
	assert_int_equal(mmlab_process_madvise(f->t, c.t, &v, 1, MADV_DONTNEED, 0), -EINVAL);
	/* no capability: the ptrace check fails first, whatever the advice */
	assert_int_equal(host_pmadv_as(0, c.pidfd, c.h, MADV_DONTNEED), -EACCES);
	assert_int_equal(mm_pmadv_as(f->t, 0, c.t, c.a, MADV_DONTNEED), -EACCES);
	assert_int_equal(host_pmadv_as(0, c.pidfd, c.h, MADV_COLD), -EACCES);
	assert_int_equal(mm_pmadv_as(f->t, 0, c.t, c.a, MADV_COLD), -EACCES);
	/* CAP_SYS_PTRACE lets it read the child; without CAP_SYS_NICE it may not advise */
	assert_int_equal(host_pmadv_as(no_nice, c.pidfd, c.h, MADV_COLD), -EPERM);
	assert_int_equal(mm_pmadv_as(f->t, no_nice, c.t, c.a, MADV_COLD), -EPERM);
	assert_int_equal(host_pmadv_as(no_nice, c.pidfd, c.h, MADV_DONTNEED), -EINVAL);
	assert_int_equal(mm_pmadv_as(f->t, no_nice, c.t, c.a, MADV_DONTNEED), -EINVAL);
	assert_int_equal(host_pmadv_as(all, c.pidfd, c.h, MADV_COLD), (long)(NP * PG));
	assert_int_equal(mm_pmadv_as(f->t, all, c.t, c.a, MADV_COLD), (long)(NP * PG));

	assert_int_equal(write(go[1], "x", 1), 1);
	waitpid(c.pid, NULL, 0);
	mmlab_exit(c.t);
	assert_int_equal(host_pmadv(c.pidfd, c.h, NP * PG, MADV_COLD, 0), -ESRCH);
	assert_int_equal(mmlab_process_madvise(f->t, NULL, &v, 1, MADV_COLD, 0), -ESRCH);
	close(c.pidfd);
	close(go[0]);
	close(go[1]);
	munmap(c.hd, PG);
}

static const char *const unevictable_events[] = {
	"unevictable_pgs_culled", "unevictable_pgs_scanned", "unevictable_pgs_rescued",
	"unevictable_pgs_mlocked", "unevictable_pgs_munlocked", "unevictable_pgs_cleared",
	"unevictable_pgs_stranded", "nr_mlock",
};
#define NR_UNEV_EVENTS (sizeof(unevictable_events) / sizeof(unevictable_events[0]))

/* The host's /proc/vmstat lines named in unevictable_events. */
static void host_unevictable(uint64_t v[NR_UNEV_EVENTS])
{
	char name[64];
	unsigned long long val;
	FILE *fp = fopen("/proc/vmstat", "r");

	assert_non_null(fp);
	while (fscanf(fp, "%63s %llu", name, &val) == 2)
		for (size_t i = 0; i < NR_UNEV_EVENTS; i++)
			if (!strcmp(name, unevictable_events[i]))
				v[i] = val;
	fclose(fp);
}

static void mm_unevictable(struct mmlab_machine *m, uint64_t v[NR_UNEV_EVENTS])
{
	for (size_t i = 0; i < NR_UNEV_EVENTS; i++)
		v[i] = vmstat(m, unevictable_events[i]);
}

/* The unevictable_pgs_* changes since @h0 and @m0, printed; true when both sides agree. */
static bool unevictable_moved_alike(struct mmlab_machine *m, const uint64_t *h0,
				    const uint64_t *m0)
{
	uint64_t h1[NR_UNEV_EVENTS], m1[NR_UNEV_EVENTS];
	bool same = true;

	host_unevictable(h1);
	mm_unevictable(m, m1);
	for (size_t i = 0; i < NR_UNEV_EVENTS; i++) {
		print_message("%s: host %+lld mmlab %+lld\n", unevictable_events[i],
			      (long long)(h1[i] - h0[i]), (long long)(m1[i] - m0[i]));
		same &= h1[i] - h0[i] == m1[i] - m0[i];
	}
	return same;
}

/*
 * mmlab alone: mlock of pages already mapped moves them to the unevictable list (Mlocked and
 * nr_mlock at once, Unevictable when the mlock batch drains), munlock brings them back,
 * munmap of a locked range munlocks before it frees; mlockall(MCL_CURRENT) and
 * mlock2(MLOCK_ONFAULT) lock the pages present the same way.
 */
static void mlock_mapped_pages(void **state)
{
	struct fix *f = *state;
	uint64_t base, dummy, dummy2, u0[NR_UNEV_EVENTS], u[NR_UNEV_EVENTS];
	struct lists l0, l;

	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &base), 0);
	assert_int_equal(mmlab_mmap(f->t, 0, PG, RW, PRIV, -1, 0, &dummy), 0);
	assert_int_equal(mmlab_touch(f->t, base, NP * PG, "w", NULL), 0);
	assert_int_equal(mmlab_madvise(f->t, dummy, PG, MADV_COLD), 0);	/* drain */
	l0 = lists_of(f->m);
	mm_unevictable(f->m, u0);
	assert_int_equal(meminfo(f->m, "Mlocked:"), 0);

	/* mlock_vma_pages_range drains the mlock batch when it is done: moved at once */
	assert_int_equal(mmlab_mlock(f->t, base, NP * PG), 0);
	assert_int_equal(meminfo(f->m, "Mlocked:"), NP * 4);
	assert_int_equal(vmstat(f->m, "nr_mlock"), NP);
	l = lists_of(f->m);
	assert_int_equal(meminfo(f->m, "Unevictable:"), NP * 4);
	assert_int_equal(vmstat(f->m, "nr_unevictable"), NP);
	assert_int_equal(l.ia, l0.ia - NP);
	for (unsigned long i = 0; i < NP; i++)	/* referenced by mlock's populate */
		assert_int_equal(mm_flags(f->t, base + i * PG) & KPF_TOUCHED,
				 KPF(2) | KPF(5) | KPF(18) | KPF(33));
	mm_unevictable(f->m, u);
	assert_int_equal(u[3] - u0[3], NP);	/* mlocked */
	assert_int_equal(u[0] - u0[0], NP);	/* culled */

	assert_int_equal(mmlab_munlock(f->t, base, NP * PG), 0);
	l = lists_of(f->m);
	assert_int_equal(l.ia, l0.ia);
	assert_int_equal(meminfo(f->m, "Mlocked:"), 0);
	assert_int_equal(meminfo(f->m, "Unevictable:"), 0);
	mm_unevictable(f->m, u);
	assert_int_equal(u[4] - u0[4], NP);	/* munlocked */
	assert_int_equal(u[2] - u0[2], NP);	/* rescued */

	/* mlockall(MCL_CURRENT) locks what is mapped, munlockall unlocks it */
	assert_int_equal(mmlab_mlockall(f->t, MCL_CURRENT), 0);
	assert_true(meminfo(f->m, "Mlocked:") >= (NP + 1) * 4);	/* the dummy page too */
	/* the stack's pages populate faulted in may wait in the batch: drain (a new VMA is
	 * not locked without MCL_FUTURE) */
	assert_int_equal(mmlab_mmap(f->t, 0, PG, RW, PRIV, -1, 0, &dummy2), 0);
	assert_int_equal(mmlab_madvise(f->t, dummy2, PG, MADV_COLD), 0);
	assert_int_equal(meminfo(f->m, "Unevictable:"), meminfo(f->m, "Mlocked:"));
	assert_int_equal(mmlab_munlockall(f->t), 0);
	assert_int_equal(meminfo(f->m, "Unevictable:"), 0);
	assert_int_equal(meminfo(f->m, "Mlocked:"), 0);

	/* on fault, present pages are locked now all the same; munmap munlocks and frees */
	assert_int_equal(mmlab_mlock2(f->t, base, NP * PG, MLOCK_ONFAULT), 0);
	assert_int_equal(meminfo(f->m, "Mlocked:"), NP * 4);
	mm_unevictable(f->m, u0);
	assert_int_equal(mmlab_munmap(f->t, base, NP * PG), 0);
	assert_int_equal(meminfo(f->m, "Mlocked:"), 0);
	assert_int_equal(meminfo(f->m, "Unevictable:"), 0);
	mm_unevictable(f->m, u);
	assert_int_equal(u[4] - u0[4], NP);	/* munlocked */
	assert_int_equal(u[5] - u0[5], 0);	/* none freed still mlocked */
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/*
 * The host against mmlab: anonymous pages written, mlock()ed, munlock()ed, mlock()ed again and
 * unmapped, each step followed by a drain. Each page's LRU bits are compared after each step,
 * and the unevictable_pgs_* counters' and nr_mlock's changes over the whole sequence (the
 * host's are machine-wide: a sequence another process disturbed is run again, up to 5 times).
 */
static void mlock_vs_host(void **state)
{
	struct fix *f = *state;
	struct cmp c;
	uint64_t h0[NR_UNEV_EVENTS], m0[NR_UNEV_EVENTS];
	bool same = false;

	cmp_start(&c, f, KPF_TOUCHED);
	for (int round = 0; round < 5 && !same; round++) {
		c.h = mmap(NULL, NP * PG, RW, PRIV, -1, 0);
		assert_true(c.h != MAP_FAILED);
		assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &c.a), 0);
		memset(c.h, 1, NP * PG);
		assert_int_equal(mmlab_touch(f->t, c.a, NP * PG, "w", NULL), 0);
		drain_both(&c);
		host_unevictable(h0);
		mm_unevictable(f->m, m0);
		step(&c, "mlock", STEP_MLOCK);
		step(&c, "munlock", STEP_MUNLOCK);
		step(&c, "mlock2 on fault", STEP_MLOCK_ONFAULT);
		munmap_both(f, c.h, c.a);
		drain_both(&c);
		same = unevictable_moved_alike(f->m, h0, m0);
	}
	assert_true(same);
	munmap(c.hd, PG);
}

/*
 * The host's side of mlock_count_vs_host's fork step: a child mlocks the shared mapping @h
 * (its VMA came unlocked from fork), drains, and waits; the parent's munlock then leaves the
 * pages locked by the child. Returns the child, writing to @go lets it exit.
 */
static pid_t host_child_mlock(unsigned char *h, unsigned char *hd, int go[2])
{
	int ready[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (syscall(SYS_mlock, h, NP * PG) || madvise(hd, PG, MADV_COLD))
			_exit(1);
		(void)!write(ready[1], "x", 1);
		close(go[1]);	/* a parent that failed midway ends this read when it exits */
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);	/* a child that failed ends this read with nothing, not a hang */
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

/*
 * The host against mlock_count: a page of a shared file mapped at two addresses, both
 * mlocked, stays mlocked and unevictable through the first munlock and the first munmap and
 * leaves the unevictable list at the last; mlocking a locked range again counts nothing; a
 * fork child that mlocks the parent's shared pages keeps them locked after the parent's
 * munlock, until it exits; the new pages of a MAP_LOCKED mapping are locked once. Each
 * page's LRU bits are compared after each step (drained), and the unevictable_pgs_* changes
 * over the whole sequence.
 */
static void mlock_count_vs_host(void **state)
{
	struct fix *f = *state;
	struct cmp c;
	uint64_t h0[NR_UNEV_EVENTS], m0[NR_UNEV_EVENTS];
	unsigned char *h1m, *h2m;
	uint64_t a1, a2;
	struct mmlab_task *child;
	int hfd, mfd, go[2];
	bool same = false;
	pid_t pid;

	cmp_start(&c, f, KPF_TOUCHED);
	hfd = open(f->path, O_RDONLY);
	mfd = mmlab_open(f->t, f->path, O_RDONLY);
	assert_true(hfd >= 0 && mfd >= 0);
	for (int round = 0; round < 5 && !same; round++) {
		/*
		 *   h1m/a1: file pages 0..15  [locked]
		 *   h2m/a2: file pages 0..15  [locked]   the same pages, two VMAs
		 */
		h1m = mmap(NULL, NP * PG, PROT_READ, MAP_SHARED, hfd, 0);
		h2m = mmap(NULL, NP * PG, PROT_READ, MAP_SHARED, hfd, 0);
		assert_true(h1m != MAP_FAILED && h2m != MAP_FAILED);
		assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, PROT_READ, MAP_SHARED, mfd, 0, &a1),
				 0);
		assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, PROT_READ, MAP_SHARED, mfd, 0, &a2),
				 0);
		for (unsigned long i = 0; i < NP; i++) {
			(void)*(volatile unsigned char *)(h1m + i * PG);
			(void)*(volatile unsigned char *)(h2m + i * PG);
		}
		assert_int_equal(mmlab_touch(f->t, a1, NP * PG, "r", NULL), 0);
		assert_int_equal(mmlab_touch(f->t, a2, NP * PG, "r", NULL), 0);
		c.h = h1m;	/* the steps compare the first mapping's pages */
		c.a = a1;
		drain_both(&c);
		host_unevictable(h0);
		mm_unevictable(f->m, m0);
		mlock_both(f, h1m, a1);
		mlock_both(f, h2m, a2);
		mlock_both(f, h2m, a2);	/* no second count */
		step(&c, "mlock twice", STEP_NONE);
		step(&c, "munlock one of two", STEP_MUNLOCK);
		munlock_both(f, h2m, a2);
		step(&c, "munlock the other", STEP_NONE);
		mlock_both(f, h1m, a1);
		mlock_both(f, h2m, a2);
		munmap_both(f, h2m, a2);
		step(&c, "munmap one of two", STEP_NONE);

		/* a fork child locks the pages too; the parent's munlock leaves them locked */
		pid = host_child_mlock(h1m, c.hd, go);
		assert_int_equal(mmlab_fork(f->t, &child), 0);
		assert_int_equal(mmlab_mlock(child, a1, NP * PG), 0);
		assert_int_equal(mmlab_madvise(child, c.md, PG, MADV_COLD), 0);
		step(&c, "parent munlock, child locked", STEP_MUNLOCK);
		assert_int_equal(write(go[1], "x", 1), 1);
		assert_int_equal(waitpid(pid, NULL, 0), pid);
		close(go[0]);
		close(go[1]);
		mmlab_exit(child);
		step(&c, "child exit", STEP_NONE);
		munmap_both(f, h1m, a1);

		/* new pages of a MAP_LOCKED mapping: locked once by their faults, so munmap's
		 * munlock ends the lock and rescues them before they are freed */
		c.h = mmap(NULL, NP * PG, RW, PRIV | MAP_LOCKED, -1, 0);
		assert_true(c.h != MAP_FAILED);
		assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV | MAP_LOCKED, -1, 0, &c.a),
				 0);
		step(&c, "MAP_LOCKED", STEP_NONE);
		munmap_both(f, c.h, c.a);
		drain_both(&c);
		same = unevictable_moved_alike(f->m, h0, m0);
	}
	assert_true(same);
	assert_int_equal(mmlab_task_validate(f->t), 0);
	close(hfd);
	assert_int_equal(mmlab_close(f->t, mfd), 0);
	munmap(c.hd, PG);
}

/*
 * The host against populate's FOLL_TOUCH: each page MAP_POPULATE, MADV_POPULATE_READ or
 * _WRITE faults in or finds is marked accessed, so a new page is inactive and referenced,
 * and a referenced one populated again is activated (its PG_referenced cleared); the same
 * for a shared file mapped with MAP_POPULATE, read back from the file.
 */
static void populate_vs_host(void **state)
{
	struct fix *f = *state;
	struct cmp c;
	int hfd, mfd;

	cmp_start(&c, f, KPF_TOUCHED);

	c.h = mmap(NULL, NP * PG, RW, PRIV | MAP_POPULATE, -1, 0);
	assert_true(c.h != MAP_FAILED);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV | MAP_POPULATE, -1, 0, &c.a), 0);
	step(&c, "anon MAP_POPULATE", STEP_NONE);
	step(&c, "anon POPULATE_READ again", MADV_POPULATE_READ);
	step(&c, "anon POPULATE_WRITE again", MADV_POPULATE_WRITE);
	munmap(c.h, NP * PG);
	assert_int_equal(mmlab_munmap(f->t, c.a, NP * PG), 0);
	for (int w = 0; w < 2; w++) {	/* fresh mappings, populated by madvise */
		c.h = mmap(NULL, NP * PG, RW, PRIV, -1, 0);
		assert_true(c.h != MAP_FAILED);
		assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &c.a), 0);
		step(&c, w ? "anon POPULATE_WRITE" : "anon POPULATE_READ",
		     w ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
		munmap(c.h, NP * PG);
		assert_int_equal(mmlab_munmap(f->t, c.a, NP * PG), 0);
	}

	/* mmlab first: its reads of the host file would touch the host's pages, so the host's
	 * page cache is dropped after them, for the host's populate to read the file in */
	mfd = mmlab_open(f->t, f->path, O_RDONLY);
	assert_true(mfd >= 0);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, PROT_READ, MAP_SHARED | MAP_POPULATE, mfd, 0,
				    &c.a), 0);
	hfd = open(f->path, O_RDONLY);
	assert_true(hfd >= 0);
	assert_int_equal(posix_fadvise(hfd, 0, 0, POSIX_FADV_DONTNEED), 0);
	c.h = mmap(NULL, NP * PG, PROT_READ, MAP_SHARED | MAP_POPULATE, hfd, 0);
	assert_true(c.h != MAP_FAILED);
	step(&c, "file MAP_POPULATE", STEP_NONE);
	step(&c, "file POPULATE_READ again", MADV_POPULATE_READ);
	munmap(c.h, NP * PG);
	close(hfd);
	assert_int_equal(mmlab_close(f->t, mfd), 0);
	munmap(c.hd, PG);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/* @advice over @n pages at @h on the host and at @a in mmlab, failing alike with -@err. */
static void both_fail(struct fix *f, unsigned char *h, uint64_t a, unsigned long n, int advice,
		      int err)
{
	assert_int_equal(madvise(h, n * PG, advice), -1);
	assert_int_equal(errno, err);
	assert_int_equal(mmlab_madvise(f->t, a, n * PG, advice), -err);
}

/* @t's faults, minor and major (a page read from the file is a major one). */
static uint64_t faults(struct mmlab_task *t)
{
	struct mmlab_task_mem st;

	mmlab_task_mem(t, &st);
	return st.minflt + st.majflt;
}

/*
 * The host against populate stopped midway, a page at a time as __get_user_pages goes: the
 * pages before the failing one are faulted in and touched (inactive, referenced), the rest
 * left unmapped; populating the pages done again activates them without a fault. Three
 * failures: MADV_POPULATE_READ meeting the end of a file (SIGBUS), MADV_POPULATE_WRITE
 * meeting a guard marker (SIGSEGV), and mlock meeting the end of a file (ENOMEM, the pages
 * before it locked).
 *
 *   file:  | 0 .. 15: the file's pages | 16 .. 19: beyond its end, SIGBUS |
 *   anon:  | 0 .. 7: faulted | 8: guard | 9 .. 15: never reached |
 */
static void populate_midway_vs_host(void **state)
{
	struct fix *f = *state;
	unsigned char *h, *hf;
	uint64_t a, mf, flt;
	struct cmp c;
	int hfd, mfd;

	cmp_start(&c, f, KPF_TOUCHED);

	/* mmlab first, then the host's page cache dropped (see populate_vs_host) */
	mfd = mmlab_open(f->t, f->path, O_RDONLY);
	assert_true(mfd >= 0);
	assert_int_equal(mmlab_mmap(f->t, 0, (NP + 4) * PG, PROT_READ, MAP_SHARED, mfd, 0, &mf),
			 0);
	hfd = open(f->path, O_RDONLY);
	assert_true(hfd >= 0);
	hf = mmap(NULL, (NP + 4) * PG, PROT_READ, MAP_SHARED, hfd, 0);
	assert_true(hf != MAP_FAILED);
	flt = faults(f->t);
	assert_int_equal(mmlab_madvise(f->t, mf, (NP + 4) * PG, MADV_POPULATE_READ), -EFAULT);
	assert_true(faults(f->t) > flt);
	assert_int_equal(posix_fadvise(hfd, 0, 0, POSIX_FADV_DONTNEED), 0);
	assert_int_equal(madvise(hf, (NP + 4) * PG, MADV_POPULATE_READ), -1);
	assert_int_equal(errno, EFAULT);
	c.h = hf;
	c.a = mf;
	step(&c, "file POPULATE_READ to SIGBUS", STEP_NONE);
	for (unsigned long i = 0; i < NP; i++)
		assert_int_equal(mm_flags(f->t, mf + i * PG) & KPF_TOUCHED, KPF(2) | KPF(5));
	for (unsigned long i = NP; i < NP + 4; i++)
		assert_int_equal(mm_flags(f->t, mf + i * PG), 0);
	flt = faults(f->t);
	step(&c, "file POPULATE_READ again", MADV_POPULATE_READ);
	assert_int_equal(faults(f->t), flt);
	for (unsigned long i = 0; i < NP; i++)
		assert_int_equal(mm_flags(f->t, mf + i * PG) & KPF_TOUCHED, KPF(5) | KPF(6));

	/* mlock stops at the same page; what it faulted in or found before it is locked */
	assert_int_equal(syscall(SYS_mlock, hf, (NP + 4) * PG), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(mmlab_mlock(f->t, mf, (NP + 4) * PG), -ENOMEM);
	step(&c, "mlock to SIGBUS", STEP_NONE);
	munlock_both(f, hf, mf);
	munmap(hf, (NP + 4) * PG);
	close(hfd);
	assert_int_equal(mmlab_munmap(f->t, mf, (NP + 4) * PG), 0);
	assert_int_equal(mmlab_close(f->t, mfd), 0);

	h = mmap(NULL, NP * PG, RW, PRIV, -1, 0);
	assert_true(h != MAP_FAILED);
	assert_int_equal(mmlab_mmap(f->t, 0, NP * PG, RW, PRIV, -1, 0, &a), 0);
	if (madvise(h + 8 * PG, PG, MADV_GUARD_INSTALL_)) {
		print_message("host without guard regions (6.13): no SIGSEGV case\n");
		goto unmap;
	}
	assert_int_equal(mmlab_madvise(f->t, a + 8 * PG, PG, MADV_GUARD_INSTALL_), 0);
	flt = faults(f->t);
	both_fail(f, h, a, NP, MADV_POPULATE_WRITE, EFAULT);
	assert_int_equal(faults(f->t), flt + 8);
	c.h = h;
	c.a = a;
	step(&c, "anon POPULATE_WRITE to a guard", STEP_NONE);
	for (unsigned long i = 0; i < NP; i++)
		assert_int_equal(mm_flags(f->t, a + i * PG) & KPF_TOUCHED,
				 i < 8 ? KPF(2) | KPF(5) : 0);
	flt = faults(f->t);
	assert_int_equal(madvise(h, 8 * PG, MADV_POPULATE_WRITE), 0);
	assert_int_equal(mmlab_madvise(f->t, a, 8 * PG, MADV_POPULATE_WRITE), 0);
	assert_int_equal(faults(f->t), flt);
	step(&c, "anon POPULATE_WRITE again", STEP_NONE);
unmap:
	munmap(h, NP * PG);
	assert_int_equal(mmlab_munmap(f->t, a, NP * PG), 0);
	munmap(c.hd, PG);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/*
 * A page of a SHM_LOCKed segment that is also mlocked stays on the unevictable list when the
 * munlock comes (__munlock_folio asks folio_evictable, which sees the mapping), on both sides.
 */
static void shm_locked_munlock_vs_host(void **state)
{
	struct fix *f = *state;
	struct cmp c;
	int hid, mid;

	cmp_start(&c, f, KPF_LISTS);
	hid = shmget(IPC_PRIVATE, NP * PG, IPC_CREAT | 0600);
	mid = mmlab_shmget(f->t, IPC_PRIVATE, NP * PG, IPC_CREAT | 0600);
	assert_true(hid >= 0 && mid >= 0);
	c.h = shmat(hid, NULL, 0);
	assert_true(c.h != (void *)-1);
	/*
	 * Removed while attached (SHM_DEST: still lockable by id, gone at the last detach), so
	 * that a failing step, which leaves this function early, cannot leave a locked segment
	 * in the host's SysV namespace for the tests after it (SHM_INFO counts, SHMMNI).
	 */
	assert_int_equal(shmctl(hid, IPC_RMID, NULL), 0);
	assert_int_equal(mmlab_shmat(f->t, mid, 0, 0, &c.a), 0);
	assert_int_equal(shmctl(hid, SHM_LOCK, NULL), 0);
	assert_int_equal(mmlab_shmctl(f->t, mid, SHM_LOCK, NULL), 0);
	memset(c.h, 1, NP * PG);
	assert_int_equal(mmlab_touch(f->t, c.a, NP * PG, "w", NULL), 0);
	step(&c, "SHM_LOCK, written", STEP_NONE);
	step(&c, "mlock", STEP_MLOCK);
	step(&c, "munlock", STEP_MUNLOCK);
	assert_true(mm_flags(f->t, c.a) & KPF(18));
	assert_int_equal(shmdt(c.h), 0);
	assert_int_equal(mmlab_shmdt(f->t, c.a), 0);
	assert_int_equal(mmlab_shmctl(f->t, mid, IPC_RMID, NULL), 0);
	assert_int_equal(mmlab_task_validate(f->t), 0);
	munmap(c.hd, PG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(anon_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_pages_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(anon_pageout_to_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(file_pageout, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_vs_host, setup, teardown),
		cmocka_unit_test_setup_teardown(process_madvise_vs_host, setup, teardown),
		cmocka_unit_test_setup_teardown(mlock_mapped_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(mlock_vs_host, setup, teardown),
		cmocka_unit_test_setup_teardown(mlock_count_vs_host, setup, teardown),
		cmocka_unit_test_setup_teardown(populate_vs_host, setup, teardown),
		cmocka_unit_test_setup_teardown(populate_midway_vs_host, setup, teardown),
		cmocka_unit_test_setup_teardown(shm_locked_munlock_vs_host, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
