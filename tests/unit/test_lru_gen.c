// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Multi-Gen LRU (--lru mglru: src/mm/lru_gen.c, the generation lists of src/phys/lru.h
 * and lru.c, the shadows of src/phys/workingset.c), white-box through machine_of(). The host
 * kernel has no CONFIG_LRU_GEN, so nothing here is compared with it; the expectations are
 * derived from the kernel's rules in each test's comment.
 *  - placement: a new machine has generations 0..3; pages a fault brings in go to the
 *    youngest (3) and count as active, page-cache pages read() brings in go to the second
 *    oldest (1) and count as inactive; accesses through read() climb the tiers
 *    (PG_referenced, PG_workingset, then the LRU_REFS counter); lru_validate holds;
 *  - the debugfs view: byte for byte the kernel's lru_gen_seq_show format, ages on the
 *    simulated clock; -ENOENT on a classic machine;
 *  - a working set four times RAM written and read back with swap: every byte intact, pages
 *    went out and came back, the generations aged (max_seq moved) and stayed valid;
 *  - scan resistance: a hot anonymous set of a quarter of RAM, touched between two passes
 *    of a read() scan of a file four times RAM, stays resident under MGLRU (file pages read
 *    through a descriptor enter the old generations, pages touched through page tables are
 *    promoted to the young ones), where --lru lru, by the stack-distance argument, must
 *    lose every hot page;
 *  - tiers: file pages read six times through read() are protected by sort_folio and
 *    survive a one-time scan that takes a page read once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "mm/machine.h"
#include "phys/lru.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lru_fixture.h"

/* Attaches and enables a swap file of @bytes on the fixture's machine. */
static void swap_on(struct fixture *fx, size_t bytes)
{
	char path[] = "/tmp/mmlab-lru-gen-swapXXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(fx->m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_swapon(fx->t, "/swapfile", 0), 0);
}

/*
 * A machine of @ram bytes under @lru whose root holds "small" (4 pages) and "big" (4 x
 * @ram). Readahead is off, so that each read() brings in exactly the page it reads.
 */
static struct fixture *fixture_new(size_t ram, int lru)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine_config mc = { .ram_bytes = ram, .readahead_kb = -1, .lru_mode = lru };

	assert_non_null(fx);
	strcpy(fx->root, "/var/tmp/mmlab-lru-gen-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	put_file(fx, "small", 4);
	put_file(fx, "big", 4 * ram / PG);
	mc.root = fx->root;
	assert_int_equal(mmlab_machine_create(&mc, &fx->m), 0);
	assert_int_equal(mmlab_task_create(fx->m, &tc, &fx->t), 0);
	fx->pgdat = &machine_of(fx->m)->pgdat;
	return fx;
}

static void fixture_free(struct fixture *fx)
{
	char cmd[PATH_MAX + 16];

	assert_int_equal(mmlab_machine_validate(fx->m), 0);
	mmlab_task_destroy(fx->t);
	mmlab_machine_destroy(fx->m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	assert_int_equal(system(cmd), 0);
	free(fx);
}

static unsigned long lru_pages(struct fixture *fx, enum lru_list lru)
{
	return node_page_state(fx->pgdat, NR_LRU_BASE + lru);
}

static uint64_t vmstat(struct fixture *fx, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(mmlab_vmstat_get(fx->m, name, &v), 0);
	return v;
}

/* The page the task maps at @addr (present), found through pagemap's PFN. */
static struct page *page_at(struct fixture *fx, uint64_t addr)
{
	uint64_t ent = 0;

	assert_int_equal(mmlab_pagemap(fx->t, addr, PG, &ent), 0);
	assert_true(ent >> 63);
	return pfn_to_page(fx->pgdat, ent & ((1ULL << 55) - 1));
}

static void test_placement(void **state)
{
	struct fixture *fx = fixture_new(16UL << 20, MMLAB_LRU_MGLRU);
	struct lru_gen_folio *lrugen = &fx->pgdat->lruvec.lrugen;
	int fd = mmlab_open(fx->t, "/small", O_RDONLY);
	uint64_t a, buf, f;
	struct page *page;

	(void)state;
	/* lru_gen_init_lruvec: max_seq MIN_NR_GENS + 1, min_seq 0: four generations */
	assert_int_equal(lrugen->max_seq, 3);
	assert_int_equal(lrugen->min_seq[LRU_GEN_ANON], 0);
	assert_int_equal(lrugen->min_seq[LRU_GEN_FILE], 0);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, 8 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
	assert_int_equal(mmlab_touch(fx->t, a, 8 * PG, "w", NULL), 0);
	lru_add_drain(fx->pgdat);
	/* faulted in: the youngest generation, active; PG_active clear on the list */
	assert_int_equal(lrugen->nr_pages[3][LRU_GEN_ANON], 8);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_ANON), 8);
	assert_int_equal(lru_pages(fx, LRU_INACTIVE_ANON), 0);
	page = page_at(fx, a);
	assert_int_equal(folio_lru_gen(page), 3);
	assert_false(PageActive(page));

	/* read() through a descriptor (not a fault): min_seq + 1, since 0 + 2 < max_seq 3 */
	buf = a;
	for (int64_t i = 0; i < 4; i++)
		assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 16, i * (int64_t)PG), 16);
	lru_add_drain(fx->pgdat);
	assert_int_equal(lrugen->nr_pages[1][LRU_GEN_FILE], 4);
	assert_int_equal(lru_pages(fx, LRU_INACTIVE_FILE), 4);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_FILE), 0);

	/* a file page read again, a page apart each time, climbs the tiers */
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ, MAP_SHARED, fd, 0, &f), 0);
	assert_int_equal(mmlab_touch(fx->t, f, PG, "r", NULL), 0);
	page = page_at(fx, f);
	/* mapped by the fault: it was in the cache already, still generation 1, read once */
	assert_int_equal(folio_lru_gen(page), 1);
	assert_true(PageReferenced(page));
	assert_int_equal(folio_lru_refs(page), 0);
	for (int k = 1; k <= 5; k++) {
		assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 16, (int64_t)PG), 16);
		assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 16, 0), 16);
		/* refs: PG_workingset makes 1, the counter adds up to 3 (2 bits) */
		assert_int_equal(folio_lru_refs(page), min(k, 4));
	}
	assert_int_equal(lru_tier_from_refs(folio_lru_refs(page)), 3);
	assert_int_equal(lru_validate(fx->pgdat), 0);

	/* munmap frees the anon pages: out of their generation */
	assert_int_equal(mmlab_munmap(fx->t, a, 8 * PG), 0);
	assert_int_equal(lrugen->nr_pages[3][LRU_GEN_ANON], 0);
	assert_int_equal(lru_pages(fx, LRU_ACTIVE_ANON), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
	fixture_free(fx);
}

/* What mmlab_lru_gen prints, in a malloc'd string. */
static char *lru_gen_text(struct mmlab_machine *m, int *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	*err = mmlab_lru_gen(m, f);
	fclose(f);
	return text;
}

static void test_debugfs_format(void **state)
{
	struct fixture *fx = fixture_new(16UL << 20, MMLAB_LRU_MGLRU);
	struct mmlab_machine_config mc = { .ram_bytes = 1UL << 20 };
	struct mmlab_machine *classic;
	uint64_t a;
	char *text;
	int err;

	(void)state;
	/*
	 * lru_gen_seq_show, memcg disabled: "memcg %5hu %s\n" with id 0 and path "", then
	 * " node %5d\n", then for each seq from min_seq[anon] to max_seq " %10lu %10u" (seq,
	 * age in ms) and " %10lu%c" per type (pages, ' ' in this view).
	 */
	text = lru_gen_text(fx->m, &err);
	assert_int_equal(err, 0);
	assert_string_equal(text, "memcg     0 \n"
				  " node     0\n"
				  "          0          0          0           0 \n"
				  "          1          0          0           0 \n"
				  "          2          0          0           0 \n"
				  "          3          0          0           0 \n");
	free(text);
	/* 10 anonymous pages faulted (1 us each), then 1.5 s idle: all born at 0 */
	assert_int_equal(mmlab_mmap(fx->t, 0, 10 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
	assert_int_equal(mmlab_touch(fx->t, a, 10 * PG, "w", NULL), 0);
	lru_add_drain(fx->pgdat);
	mmlab_machine_advance(fx->m, 1500000000ULL);
	text = lru_gen_text(fx->m, &err);
	assert_int_equal(err, 0);
	assert_string_equal(text, "memcg     0 \n"
				  " node     0\n"
				  "          0       1500          0           0 \n"
				  "          1       1500          0           0 \n"
				  "          2       1500          0           0 \n"
				  "          3       1500         10           0 \n");
	free(text);
	assert_int_equal(mmlab_lru_gen(NULL, stdout), -EINVAL);
	assert_int_equal(mmlab_machine_create(&mc, &classic), 0);
	text = lru_gen_text(classic, &err);
	assert_int_equal(err, -ENOENT);
	assert_string_equal(text, "");
	free(text);
	mmlab_machine_destroy(classic);
	fixture_free(fx);
}

static uint64_t pattern(uint64_t page, unsigned int k)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (0x5851f42dULL * (k + 1));
}

/* Writes, or checks, three words of each of @pages pages from @base. */
static void pattern_pass(struct mmlab_task *t, uint64_t base, uint64_t pages, bool write)
{
	static const unsigned int off[3] = { 0, 2048, 4088 };

	for (uint64_t p = 0; p < pages; p++)
		for (unsigned int k = 0; k < 3; k++) {
			uint64_t want = pattern(p, k), got = 0;
			struct mmlab_fault f = { 0 };
			int err = write ? mmlab_poke(t, base + p * PG + off[k], &want, 8, &f)
					: mmlab_peek(t, base + p * PG + off[k], &got, 8, &f);

			if (err)
				fail_msg("page %lu: %s %d, signal %d", (unsigned long)p,
					 write ? "poke" : "peek", err, f.signo);
			if (!write && got != want)
				fail_msg("page %lu word %u: %#lx, wrote %#lx", (unsigned long)p, k,
					 (unsigned long)got, (unsigned long)want);
		}
}

/*
 * Issue 13's data-integrity workload under MGLRU: a working set four times RAM written,
 * read back, and read again by a fork child sharing the swapped pages.
 */
static void test_swap_four_times_ram(void **state)
{
	const size_t ram = 8UL << 20, wset = 4 * ram;
	struct fixture *fx = fixture_new(ram, MMLAB_LRU_MGLRU);
	struct lru_gen_folio *lrugen = &fx->pgdat->lruvec.lrugen;
	struct mmlab_task *child;
	uint64_t base, out, in;

	(void)state;
	swap_on(fx, 64UL << 20);
	assert_int_equal(mmlab_mmap(fx->t, 0, wset, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &base), 0);
	pattern_pass(fx->t, base, wset / PG, true);
	out = vmstat(fx, "pswpout");
	assert_true(out >= (wset - ram) / PG);
	assert_true(lrugen->max_seq > 3);	/* the aging ran */
	assert_int_equal(lru_validate(fx->pgdat), 0);
	pattern_pass(fx->t, base, wset / PG, false);
	in = vmstat(fx, "pswpin");
	assert_true(in >= (wset - ram) / PG);
	assert_int_equal(mmlab_fork(fx->t, &child), 0);
	pattern_pass(child, base, wset / PG, false);
	pattern_pass(fx->t, base, wset / PG, false);
	assert_true(vmstat(fx, "pswpin") > in);
	assert_int_equal(mmlab_task_validate(fx->t), 0);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	print_message("mglru 4x RAM: max_seq %lu, pswpout %lu, pswpin %lu, refaults anon %lu\n",
		      lrugen->max_seq, (unsigned long)vmstat(fx, "pswpout"),
		      (unsigned long)vmstat(fx, "pswpin"),
		      node_page_state(fx->pgdat, WORKINGSET_REFAULT_ANON));
	mmlab_exit(child);
	fixture_free(fx);
}

/*
 * The scan-resistance workload under @lru: a hot anonymous set of RAM/4 pages written, a
 * read() pass over "big" (4 x RAM), the hot set read once, a second pass. Return: how many
 * hot pages are resident at the end (mincore), and in *@swapped_out the pages written to
 * swap.
 */
static unsigned long scan_workload(int lru, unsigned long *swapped_out, unsigned long *hot,
				   unsigned long refaults[2])
{
	const size_t ram = 16UL << 20;
	struct fixture *fx = fixture_new(ram, lru);
	unsigned long file_pages = 4 * ram / PG, resident = 0;
	int fd = mmlab_open(fx->t, "/big", O_RDONLY);
	unsigned char *vec;
	uint64_t h, buf;

	*hot = ram / PG / 4;
	vec = calloc(*hot, 1);
	assert_non_null(vec);
	swap_on(fx, 64UL << 20);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, *hot * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &h), 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	assert_int_equal(mmlab_touch(fx->t, h, *hot * PG, "w", NULL), 0);
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned long i = 0; i < file_pages; i++)
			assert_int_equal(mmlab_fd_pread(fx->t, fd, buf, 64, (int64_t)(i * PG)),
					 64);
		if (!pass)
			assert_int_equal(mmlab_touch(fx->t, h, *hot * PG, "r", NULL), 0);
	}
	assert_int_equal(mmlab_mincore(fx->t, h, *hot * PG, vec), 0);
	for (unsigned long i = 0; i < *hot; i++)
		resident += vec[i] & 1;
	*swapped_out = vmstat(fx, "pswpout");
	refaults[0] = node_page_state(fx->pgdat, WORKINGSET_REFAULT_FILE);
	refaults[1] = node_page_state(fx->pgdat, WORKINGSET_ACTIVATE_FILE);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	assert_int_equal(mmlab_close(fx->t, fd), 0);
	free(vec);
	fixture_free(fx);
	return resident;
}

static void test_scan_resistance(void **state)
{
	unsigned long hot, out_mglru, out_lru, res_mglru, res_lru, ref_mglru[2], ref_lru[2];

	(void)state;
	/*
	 * MGLRU: the hot pages were faulted in (youngest generation) and touched through the
	 * page table again between the passes, so every aging that ran found them young; the
	 * file pages come in through read() to the oldest generations and refault into them.
	 * Eviction takes the oldest generation, which only the file pages fill: every hot
	 * page must stay, none need go to swap.
	 */
	res_mglru = scan_workload(MMLAB_LRU_MGLRU, &out_mglru, &hot, ref_mglru);
	/*
	 * Pure LRU: between the hot set's last access and the end, the second pass touched
	 * 4 x RAM distinct file pages, a stack distance beyond the capacity (RAM): every hot
	 * page was evicted.
	 */
	res_lru = scan_workload(MMLAB_LRU_LRU, &out_lru, &hot, ref_lru);
	print_message("hot set %lu pages: resident %lu under mglru (%lu swapped out), %lu under "
		      "lru (%lu swapped out)\n", hot, res_mglru, out_mglru, res_lru, out_lru);
	assert_int_equal(res_mglru, hot);
	assert_int_equal(out_mglru, 0);
	assert_int_equal(res_lru, 0);
	/*
	 * MGLRU's shadows: at most RAM of the first pass can still be cached when the second
	 * begins, so at least 3 x RAM of its pages refault; those evicted while min_seq[file]
	 * was what it is at their refault are recent and count as activations.
	 */
	print_message("mglru: workingset_refault_file %lu, workingset_activate_file %lu\n",
		      ref_mglru[0], ref_mglru[1]);
	assert_true(ref_mglru[0] >= 3 * (16UL << 20) / PG);
	assert_true(ref_mglru[1] > 0 && ref_mglru[1] <= ref_mglru[0]);
}

/*
 * Tiers: pages 0 and 2 of "small", read in turn six times each, reach refs 4, the top of
 * the counter, which sort_folio always protects (refs == BIT(LRU_REFS_WIDTH)); page 1 read
 * once is in tier 0. One read() pass over "big" (4 x RAM) follows. Eviction meets pages 0
 * and 2 in the oldest generation and moves them to the next one instead (tier 3: counted in
 * protected[file][2]); the stream's pages keep coming into the oldest generation (three
 * generations: min_seq), so min_seq never passes them and they stay, while page 1 goes with
 * the stream.
 */
static void test_tier_protection(void **state)
{
	struct fixture *fx = fixture_new(16UL << 20, MMLAB_LRU_MGLRU);
	int small = mmlab_open(fx->t, "/small", O_RDONLY);
	int big = mmlab_open(fx->t, "/big", O_RDONLY);
	unsigned long big_pages = 4 * fx->pgdat->nr_frames;
	unsigned char vec[4];
	uint64_t buf, f;

	(void)state;
	assert_true(small >= 0 && big >= 0);
	assert_int_equal(mmlab_mmap(fx->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	assert_int_equal(mmlab_fd_pread(fx->t, small, buf, 16, (int64_t)PG), 16);
	for (int k = 0; k < 6; k++) {
		assert_int_equal(mmlab_fd_pread(fx->t, small, buf, 16, 0), 16);
		assert_int_equal(mmlab_fd_pread(fx->t, small, buf, 16, 2 * (int64_t)PG), 16);
	}
	for (unsigned long i = 0; i < big_pages; i++)
		assert_int_equal(mmlab_fd_pread(fx->t, big, buf, 64, (int64_t)(i * PG)), 64);
	/* mincore of a mapping of "small" says which of its pages are in the cache */
	assert_int_equal(mmlab_mmap(fx->t, 0, 4 * PG, PROT_READ, MAP_SHARED, small, 0, &f), 0);
	assert_int_equal(mmlab_mincore(fx->t, f, 4 * PG, vec), 0);
	print_message("after the stream: small's pages resident %d %d %d %d, protected %lu\n",
		      vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1,
		      fx->pgdat->lruvec.lrugen.protected[LRU_GEN_FILE][2]);
	assert_int_equal(vec[0] & 1, 1);
	assert_int_equal(vec[1] & 1, 0);
	assert_int_equal(vec[2] & 1, 1);
	assert_int_equal(fx->pgdat->lruvec.lrugen.protected[LRU_GEN_FILE][2], 2);
	assert_int_equal(lru_validate(fx->pgdat), 0);
	assert_int_equal(mmlab_close(fx->t, small), 0);
	assert_int_equal(mmlab_close(fx->t, big), 0);
	fixture_free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_debugfs_format),
		cmocka_unit_test(test_swap_four_times_ram),
		cmocka_unit_test(test_scan_resistance),
		cmocka_unit_test(test_tier_protection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
