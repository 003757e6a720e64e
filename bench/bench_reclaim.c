// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reclaim benchmark ("bench": "reclaim"): page accesses per second replaying a 10^7-access
 * page trace under memory pressure, mmlab with its whole VM (faults, LRU lists, reclaim
 * through rmap, swap-out to a swap file, swap-in on fault) against a plain LRU cache simulator
 * replaying the same trace in the same run; then the cost per page of swapping out and in,
 * and of dropping and refaulting clean file pages, against the host kernel.
 *
 * The trace (reclaim_trace): TRACE_PAGES pages (64 MiB) of one anonymous mapping, 10^7
 * accesses drawn from a fixed seed. Page popularity is Zipf-like (exponent ZIPF_S: the k-th
 * most popular page is drawn with weight 1 / k^ZIPF_S) over a random ranking of the pages;
 * every PHASE_LEN accesses a phase change gives a quarter of the pages, drawn at random, new
 * ranks among themselves (the working set drifts, as a program moves from one data structure
 * to the next). One access in WRITE_EVERY is a store, the others loads. Before the timed
 * replay both sides get the same warm-up: every page written once in address order (the
 * program initialising its data). No trace here comes from a recorded fault stream: it holds
 * each page's first fault only (a page the host kept resident faults once), so replayed it
 * is one cold pass over the footprint, and looped it is LRU's cyclic worst case, where
 * every access misses on both sides.
 *
 * The two sides, each timed over the replay loop alone (CPU time of the thread: the host's
 * work for mmlab's swap file, pread and pwrite, is the thread's):
 *   mmlab      a machine of RAM_BYTES (a quarter of the footprint) with a swap file of twice
 *              the footprint under $TMPDIR (unlinked, written with zeros), one task,
 *              mmlab_touch(addr, 1, "r"|"w") per access. Two rows: the default policy
 *              (--lru classic: active/inactive lists, referenced bits through rmap,
 *              watermarks, kswapd) and --lru lru (one exact LRU list, no TLB so that every
 *              access is seen), the policy the simulator models. Both with vm.page-cluster
 *              0 (no swap readahead): the simulator reads nothing ahead.
 *   simulator  the LRU of cache-simulation libraries: a chained hash table of the resident
 *              pages and a doubly linked list by recency; a hit moves the page to the head,
 *              a miss evicts the tail. Its capacity is the frames mmlab's RAM holds the
 *              trace's pages in: after the warm-up of the --lru lru machine, its free frames
 *              plus the pages resident (RAM less page tables and what the machine keeps).
 * In --lru lru mode mmlab's major faults during the replay must equal the simulator's misses
 * (each miss is a swap-in; the warm-up wrote every page, so none is a first touch): the
 * bench fails otherwise. The miss counts are rows of their own.
 *
 * Swap and file costs, ns per page over SWAP_PAGES pages (16 MiB), median of REPS rounds,
 * CPU time of the thread on both sides (the host's refaults also sleep on its disk, which is
 * the disk's speed, not the kernel's work; on a shared machine wall time mostly measures the
 * other jobs):
 *   swap_out_page   MADV_PAGEOUT of written anonymous pages (each written to the swap file)
 *   swap_in_page    the refault of each page (a read; from the swap cache where the page's
 *                   asynchronous writeback still holds it there, as on Linux, else a major
 *                   fault reading the swap file, swap readahead on)
 *   file_drop_page / file_refault_page  MADV_PAGEOUT of a clean private file mapping all read
 *                   in, then a read of every page (the page cache refilled from the file)
 * Their host baselines are the same calls on the host kernel. This host may have no swap
 * (/proc/swaps lists no area): the swap rows then have no baseline and a "note" says why; the
 * bench never turns swap on. mmlab's "disk" is a host file read through the host's page
 * cache, the host's a block device: the file refault row compares those.
 * MMLAB_RECLAIM_ACCESSES sets the trace's length (default 10^7), MMLAB_RECLAIM_REPS the
 * rounds of the cost rows (default 5).
 */
#include "benchutil.h"
#include "mmlab.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PG 4096UL
#define TRACE_PAGES 16384UL			/* 64 MiB footprint */
#define RAM_BYTES (TRACE_PAGES * PG / 4)	/* a quarter of it */
#define TRACE_LEN 10000000UL
#define PHASE_LEN 1000000UL
#define ZIPF_S 0.9
#define WRITE_EVERY 4
#define TRACE_SEED 0x6a09e667f3bcc908ULL
#define WRITE_BIT 0x80000000u
#define SWAP_PAGES 4096UL			/* 16 MiB for the cost rows */
#define MAX_REPS 15

static void fail(const char *what)
{
	fprintf(stderr, "bench_reclaim: %s\n", what);
	exit(1);
}

/* xorshift64*: the trace's generator. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void shuffle(uint32_t *v, unsigned long n, uint64_t *s)
{
	for (unsigned long i = n - 1; i > 0; i--) {
		unsigned long j = rnd(s) % (i + 1);
		uint32_t t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/*
 * reclaim_trace - the trace of the file's head: @len entries, each a page index with
 * WRITE_BIT for a store.
 */
static uint32_t *reclaim_trace(unsigned long len)
{
	uint32_t *trace = malloc(len * sizeof(*trace)), *page_of = malloc(TRACE_PAGES * 4);
	uint32_t *pick = malloc(TRACE_PAGES * 4), *ranks = malloc(TRACE_PAGES * 4);
	double *cdf = malloc(TRACE_PAGES * sizeof(*cdf)), sum = 0;
	uint64_t s = TRACE_SEED;

	if (!trace || !page_of || !pick || !ranks || !cdf)
		fail("out of memory");
	for (unsigned long k = 0; k < TRACE_PAGES; k++) {
		sum += 1.0 / pow((double)(k + 1), ZIPF_S);
		cdf[k] = sum;
		page_of[k] = (uint32_t)k;	/* rank k's page */
		pick[k] = (uint32_t)k;
	}
	shuffle(page_of, TRACE_PAGES, &s);
	for (unsigned long i = 0; i < len; i++) {
		double u = (double)(rnd(&s) >> 11) * 0x1.0p-53 * sum;
		unsigned long lo = 0, hi = TRACE_PAGES - 1;

		if (i && i % PHASE_LEN == 0) {	/* a quarter of the pages swap ranks */
			shuffle(pick, TRACE_PAGES, &s);
			for (unsigned long k = 0; k < TRACE_PAGES / 4; k++)
				ranks[k] = page_of[pick[k]];
			shuffle(ranks, TRACE_PAGES / 4, &s);
			for (unsigned long k = 0; k < TRACE_PAGES / 4; k++)
				page_of[pick[k]] = ranks[k];
		}
		while (lo < hi) {		/* the first rank whose cdf reaches u */
			unsigned long mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		trace[i] = page_of[lo] | (rnd(&s) % WRITE_EVERY ? 0 : WRITE_BIT);
	}
	free(page_of);
	free(pick);
	free(ranks);
	free(cdf);
	return trace;
}

/*
 * The simulator: an LRU cache of @cap pages as cache-simulation libraries build one, a
 * chained hash table over the resident pages and a doubly linked list by recency (head most
 * recent). Nodes come from one array, allocated at creation.
 */
struct sim_node {
	uint32_t key;
	struct sim_node *hnext;			/* hash chain */
	struct sim_node *prev, *next;		/* recency list */
};

struct lru_sim {
	struct sim_node **bucket;
	unsigned int shift;			/* 64 - log2(buckets) */
	struct sim_node *pool;
	unsigned long used, cap;
	struct sim_node *head, *tail;
	unsigned long misses;
};

static unsigned long sim_hash(const struct lru_sim *c, uint32_t key)
{
	return (unsigned long)((key * 0x9e3779b97f4a7c15ULL) >> c->shift);
}

static void sim_init(struct lru_sim *c, unsigned long cap)
{
	unsigned int bits = 1;

	while ((1UL << bits) < 2 * cap)
		bits++;
	*c = (struct lru_sim){ .shift = 64 - bits, .cap = cap };
	c->bucket = calloc(1UL << bits, sizeof(*c->bucket));
	c->pool = calloc(cap, sizeof(*c->pool));
	if (!c->bucket || !c->pool)
		fail("out of memory");
}

static void sim_free(struct lru_sim *c)
{
	free(c->bucket);
	free(c->pool);
}

static void sim_unlink(struct lru_sim *c, struct sim_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		c->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		c->tail = n->prev;
}

static void sim_push_head(struct lru_sim *c, struct sim_node *n)
{
	n->prev = NULL;
	n->next = c->head;
	if (c->head)
		c->head->prev = n;
	else
		c->tail = n;
	c->head = n;
}

/* One access to @key: a hit moves it to the head, a miss evicts the tail when full. */
static void sim_access(struct lru_sim *c, uint32_t key)
{
	struct sim_node **slot = &c->bucket[sim_hash(c, key)], *n;

	for (n = *slot; n; n = n->hnext)
		if (n->key == key) {
			if (n != c->head) {
				sim_unlink(c, n);
				sim_push_head(c, n);
			}
			return;
		}
	c->misses++;
	if (c->used < c->cap) {
		n = &c->pool[c->used++];
	} else {
		struct sim_node **p;

		n = c->tail;
		sim_unlink(c, n);
		for (p = &c->bucket[sim_hash(c, n->key)]; *p != n; p = &(*p)->hnext)
			;
		*p = n->hnext;
	}
	n->key = key;
	n->hnext = *slot;
	*slot = n;
	sim_push_head(c, n);
}

/* The simulator's run: the warm-up, then the timed replay; its misses in *@misses. */
static double sim_run(const uint32_t *trace, unsigned long len, unsigned long cap,
		      unsigned long *misses)
{
	struct lru_sim c;
	uint64_t t0, ns;

	sim_init(&c, cap);
	for (uint32_t p = 0; p < TRACE_PAGES; p++)
		sim_access(&c, p);
	c.misses = 0;
	t0 = bench_cpu_ns();
	for (unsigned long i = 0; i < len; i++)
		sim_access(&c, trace[i] & ~WRITE_BIT);
	ns = bench_cpu_ns() - t0;
	*misses = c.misses;
	sim_free(&c);
	return (double)len * 1e9 / (double)ns;
}

/*
 * A swap file of @bytes under $TMPDIR, unlinked, written with zeros as `dd if=/dev/zero`
 * makes one (no holes, no unwritten extents for the host to convert at the first swap-out),
 * synced and dropped from the host's page cache, attached and on. The zeros' 1 MiB writes
 * leave the host caching the file in large folios, and a 4 KiB write into one costs the host
 * about three times a write into a page of its own (ext4_block_write_begin walks every
 * buffer of the folio): a cost of how the file was made, which a swap device (no page cache)
 * and the swap files of `mmlab run --swap` (sparse) do not have.
 */
static void add_swap(struct mmlab_machine *m, struct mmlab_task *t, uint64_t bytes)
{
	const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static char zeros[1 << 20];
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/mmlab-bench-swapXXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0 || unlink(path))
		fail("cannot make the swap file");
	for (uint64_t off = 0; off < bytes; off += sizeof(zeros))
		if (pwrite(fd, zeros, sizeof(zeros), (off_t)off) != (ssize_t)sizeof(zeros))
			fail("cannot write the swap file");
	if (fdatasync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		fail("cannot sync the swap file");
	if (mmlab_mkswap(fd) || mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD) ||
	    mmlab_swapon(t, "/swapfile", 0))
		fail("cannot make the swap file");
}

struct lab {
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t base;
};

/*
 * A machine of @ram bytes in @lru_mode with swap, its task and @pages of anonymous memory;
 * @readahead false sets vm.page-cluster 0.
 */
static void lab_create(struct lab *l, size_t ram, int lru_mode, unsigned long pages,
		       bool readahead)
{
	struct mmlab_machine_config mc = { .ram_bytes = ram, .no_zero_page = 1,
					   .lru_mode = lru_mode };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	uint64_t zero = 0;

	if (mmlab_machine_create(&mc, &l->m) || mmlab_task_create(l->m, &tc, &l->t))
		fail("mmlab_machine_create");
	add_swap(l->m, l->t, 2 * pages * PG);
	if (!readahead && mmlab_sysctl(l->m, "vm.page-cluster", &zero, NULL))
		fail("vm.page-cluster");
	if (mmlab_mmap(l->t, 0, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0, &l->base))
		fail("mmlab_mmap");
}

static void lab_destroy(struct lab *l)
{
	mmlab_exit(l->t);
	mmlab_machine_destroy(l->m);
}

static uint64_t majflt(struct lab *l)
{
	struct mmlab_task_mem ms;

	mmlab_task_mem(l->t, &ms);
	return ms.majflt;
}

/*
 * mmlab's run in @lru_mode: the warm-up, then the timed replay. *@majflts gets the major
 * faults of the replay; *@cap, when not NULL, the frames the trace's pages had after the
 * warm-up (free frames plus resident pages).
 */
static double lab_run(int lru_mode, const uint32_t *trace, unsigned long len,
		      unsigned long *majflts, unsigned long *cap)
{
	struct mmlab_task_mem ms;
	struct mmlab_stats st;
	struct lab l;
	uint64_t t0, ns, maj0;

	lab_create(&l, RAM_BYTES, lru_mode, TRACE_PAGES, false);
	if (mmlab_touch(l.t, l.base, TRACE_PAGES * PG, "w", NULL))
		fail("the warm-up faulted");
	mmlab_machine_stats(l.m, &st);
	mmlab_task_mem(l.t, &ms);
	if (cap)
		*cap = st.free_pages + ms.rss_anon;
	maj0 = majflt(&l);
	t0 = bench_cpu_ns();
	for (unsigned long i = 0; i < len; i++) {
		uint32_t e = trace[i];

		if (mmlab_touch(l.t, l.base + (e & ~WRITE_BIT) * PG, 1, e & WRITE_BIT ? "w" : "r",
				NULL))
			fail("an access of the trace faulted");
	}
	ns = bench_cpu_ns() - t0;
	*majflts = majflt(&l) - maj0;
	if (mmlab_machine_validate(l.m))
		fail("the machine is inconsistent after the replay");
	lab_destroy(&l);
	return (double)len * 1e9 / (double)ns;
}

/* Whether the host has a swap area on: /proc/swaps lists one below its heading. */
static bool host_has_swap(void)
{
	char line[512];
	FILE *f = fopen("/proc/swaps", "r");
	int lines = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

/* One mmlab swap round: ns per page of MADV_PAGEOUT (*@out) and of the refaults (*@in). */
static void lab_swap_round(double *out, double *in)
{
	struct mmlab_task_mem ms;
	struct lab l;
	uint64_t t0, t1, t2;

	lab_create(&l, 4 * SWAP_PAGES * PG, MMLAB_LRU_CLASSIC, SWAP_PAGES, true);
	if (mmlab_touch(l.t, l.base, SWAP_PAGES * PG, "w", NULL))
		fail("writing the pages faulted");
	t0 = bench_cpu_ns();
	if (mmlab_madvise(l.t, l.base, SWAP_PAGES * PG, MADV_PAGEOUT))
		fail("MADV_PAGEOUT");
	t1 = bench_cpu_ns();
	mmlab_task_mem(l.t, &ms);
	if (ms.rss_anon > SWAP_PAGES / 8)
		fail("MADV_PAGEOUT left too many pages mapped");
	*out = (double)(t1 - t0) / SWAP_PAGES;
	t1 = bench_cpu_ns();		/* the refaults, without the check */
	if (mmlab_touch(l.t, l.base, SWAP_PAGES * PG, "r", NULL))
		fail("the refaults faulted");
	t2 = bench_cpu_ns();
	lab_destroy(&l);
	*in = (double)(t2 - t1) / SWAP_PAGES;
}

/* The same on the host: anonymous memory written, paged out, read back. */
static void host_swap_round(double *out, double *in)
{
	size_t len = SWAP_PAGES * PG;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	uint64_t t0, t1, t2;

	if (p == MAP_FAILED)
		fail("mmap");
	for (size_t o = 0; o < len; o += PG)
		p[o] = 1;
	t0 = bench_cpu_ns();
	if (madvise((void *)p, len, MADV_PAGEOUT))
		fail("the host's MADV_PAGEOUT");
	t1 = bench_cpu_ns();
	for (size_t o = 0; o < len; o += PG)
		bench_keep(p[o]);
	t2 = bench_cpu_ns();
	munmap((void *)p, len);
	*out = (double)(t1 - t0) / SWAP_PAGES;
	*in = (double)(t2 - t1) / SWAP_PAGES;
}

/* A file of SWAP_PAGES pages at @path, written and synced (its page-cache pages clean). */
static void put_file(const char *path)
{
	char buf[PG];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		fail("cannot create the file");
	for (unsigned long k = 0; k < SWAP_PAGES; k++) {
		memset(buf, (int)(k & 0xff) | 1, PG);
		if (write(fd, buf, PG) != (ssize_t)PG)
			fail("cannot write the file");
	}
	if (fsync(fd) || close(fd))
		fail("cannot sync the file");
}

/* Pages of a mincore vector in the page cache. */
static unsigned long cached(const unsigned char *vec)
{
	unsigned long n = 0;

	for (unsigned long k = 0; k < SWAP_PAGES; k++)
		n += vec[k] & 1;
	return n;
}

/*
 * One mmlab file round: the machine's root is @dir, whose "lab" file is mapped private and
 * read whole; ns per page of MADV_PAGEOUT (*@out) and of reading every page again (*@in).
 */
static void lab_file_round(const char *dir, double *out, double *in)
{
	struct mmlab_machine_config mc = { .ram_bytes = 4 * SWAP_PAGES * PG, .no_zero_page = 1,
					   .root = dir };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1 };
	struct lab l;
	unsigned char vec[SWAP_PAGES];
	uint64_t t0, t1, t2;
	int fd;

	if (mmlab_machine_create(&mc, &l.m) || mmlab_task_create(l.m, &tc, &l.t))
		fail("mmlab_machine_create");
	fd = mmlab_open(l.t, "/lab", O_RDONLY);
	if (fd < 0 || mmlab_mmap(l.t, 0, SWAP_PAGES * PG, PROT_READ, MAP_PRIVATE, fd, 0, &l.base) ||
	    mmlab_touch(l.t, l.base, SWAP_PAGES * PG, "r", NULL))
		fail("mapping the file");
	t0 = bench_cpu_ns();
	if (mmlab_madvise(l.t, l.base, SWAP_PAGES * PG, MADV_PAGEOUT))
		fail("MADV_PAGEOUT of the file");
	t1 = bench_cpu_ns();
	if (mmlab_mincore(l.t, l.base, SWAP_PAGES * PG, vec) || cached(vec) > SWAP_PAGES / 8)
		fail("MADV_PAGEOUT left the file's pages in mmlab's page cache");
	*out = (double)(t1 - t0) / SWAP_PAGES;
	t1 = bench_cpu_ns();		/* the refaults, without the mincore */
	if (mmlab_touch(l.t, l.base, SWAP_PAGES * PG, "r", NULL))
		fail("the file's refaults faulted");
	t2 = bench_cpu_ns();
	if (mmlab_close(l.t, fd))
		fail("close");
	lab_destroy(&l);
	*in = (double)(t2 - t1) / SWAP_PAGES;
}

/* The host's file round on @path, as lab_file_round. */
static void host_file_round(const char *path, double *out, double *in)
{
	size_t len = SWAP_PAGES * PG;
	int fd = open(path, O_RDONLY);
	unsigned char vec[SWAP_PAGES];
	volatile char *p;
	uint64_t t0, t1, t2;

	if (fd < 0)
		fail("cannot open the file");
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		fail("mmap of the file");
	for (size_t o = 0; o < len; o += PG)
		bench_keep(p[o]);
	t0 = bench_cpu_ns();
	if (madvise((void *)p, len, MADV_PAGEOUT))
		fail("the host's MADV_PAGEOUT of the file");
	t1 = bench_cpu_ns();
	if (mincore((void *)p, len, vec) || cached(vec) > SWAP_PAGES / 8)
		fail("the host's MADV_PAGEOUT left the file's pages in its page cache");
	*out = (double)(t1 - t0) / SWAP_PAGES;
	t1 = bench_cpu_ns();		/* the refaults, without the mincore */
	for (size_t o = 0; o < len; o += PG)
		bench_keep(p[o]);
	t2 = bench_cpu_ns();
	munmap((void *)p, len);
	*in = (double)(t2 - t1) / SWAP_PAGES;
}

static unsigned long env_ul(const char *name, unsigned long def, unsigned long max)
{
	const char *v = getenv(name);
	unsigned long n = v && *v ? strtoul(v, NULL, 0) : def;

	return n && n <= max ? n : def;
}

/* The trace replayed on both sides, both policies; fails when the LRU miss counts differ. */
static void replay_rows(unsigned long len)
{
	uint32_t *trace = reclaim_trace(len);
	unsigned long cap = 0, maj_lru, maj_classic, miss_lru, miss2;
	double sim, sim2, lru, classic;

	/* Interleaved: simulator, mmlab --lru lru, simulator, mmlab --lru classic. */
	lru = lab_run(MMLAB_LRU_LRU, trace, len, &maj_lru, &cap);
	sim = sim_run(trace, len, cap, &miss_lru);
	classic = lab_run(MMLAB_LRU_CLASSIC, trace, len, &maj_classic, NULL);
	sim2 = sim_run(trace, len, cap, &miss2);
	printf("(%lu accesses over %lu pages, RAM %lu pages, simulator capacity %lu pages)\n", len,
	       TRACE_PAGES, RAM_BYTES / PG, cap);
	if (maj_lru != miss_lru || miss2 != miss_lru) {
		fprintf(stderr, "bench_reclaim: --lru lru took %lu major faults, the simulator "
				"missed %lu (%lu)\n", maj_lru, miss_lru, miss2);
		fail("mmlab's exact LRU and the simulator disagree");
	}
	bench_report("reclaim", "zipf_phases_lru", lru, "accesses/s", "lru_simulator", sim, false);
	bench_report("reclaim", "zipf_phases_classic", classic, "accesses/s", "lru_simulator",
		     sim2, false);
	bench_report("reclaim", "zipf_phases_lru_major_faults", (double)maj_lru, "faults",
		     "lru_simulator_misses", (double)miss_lru, true);
	bench_report("reclaim", "zipf_phases_classic_major_faults", (double)maj_classic,
		     "faults", "lru_simulator_misses", (double)miss_lru, true);
	free(trace);
}

static void cost_rows(unsigned long reps)
{
	double lo[MAX_REPS], li[MAX_REPS], ho[MAX_REPS], hi[MAX_REPS];
	double fo[MAX_REPS], fi[MAX_REPS], hfo[MAX_REPS], hfi[MAX_REPS];
	char dir[] = "/var/tmp/mmlab-bench-reclaimXXXXXX", lab[600], host[600], cmd[700];
	bool swap = host_has_swap();

	if (!mkdtemp(dir))
		fail("mkdtemp");
	snprintf(lab, sizeof(lab), "%s/lab", dir);
	snprintf(host, sizeof(host), "%s/host", dir);
	put_file(lab);
	put_file(host);
	/* The host's rounds first: none forks, but keep mmlab's machines apart from them. */
	for (unsigned long k = 0; k < reps; k++) {
		if (swap)
			host_swap_round(&ho[k], &hi[k]);
		host_file_round(host, &hfo[k], &hfi[k]);
	}
	for (unsigned long k = 0; k < reps; k++) {
		lab_swap_round(&lo[k], &li[k]);
		lab_file_round(dir, &fo[k], &fi[k]);
	}
	if (swap) {
		bench_report("reclaim", "swap_out_page", bench_median(lo, (int)reps), "ns/page",
			     "kernel", bench_median(ho, (int)reps), true);
		bench_report("reclaim", "swap_in_page", bench_median(li, (int)reps), "ns/page",
			     "kernel", bench_median(hi, (int)reps), true);
	} else {
		bench_report_note("reclaim", "swap_out_page", bench_median(lo, (int)reps),
				  "ns/page", "the host has no swap area (/proc/swaps)");
		bench_report_note("reclaim", "swap_in_page", bench_median(li, (int)reps),
				  "ns/page", "the host has no swap area (/proc/swaps)");
	}
	bench_report("reclaim", "file_drop_page", bench_median(fo, (int)reps), "ns/page",
		     "kernel", bench_median(hfo, (int)reps), true);
	bench_report("reclaim", "file_refault_page", bench_median(fi, (int)reps), "ns/page",
		     "kernel", bench_median(hfi, (int)reps), true);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "bench_reclaim: could not remove %s\n", dir);
}

int main(void)
{
	unsigned long len = env_ul("MMLAB_RECLAIM_ACCESSES", TRACE_LEN, 1UL << 30);
	unsigned long reps = env_ul("MMLAB_RECLAIM_REPS", 5, MAX_REPS);

	bench_header("reclaim", "a page trace four times RAM, mmlab with swap vs an LRU "
				"simulator; swap and file page costs vs the kernel");
	replay_rows(len);
	cost_rows(reps);
	return 0;
}
