// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reclaim to swap under pressure, byte for byte (issue 13's data-integrity check, on the
 * library): a task writes a distinct pattern into every page of an anonymous working set
 * four times the machine's RAM, with a swap file on; the LRU lists and reclaim (vmscan.c)
 * must push pages out through rmap and swap_out_page and the faults bring them back, and
 * every byte read back - by the writer, then by a fork child sharing the swapped pages -
 * must be the one written. No access may end in SIGKILL (an OOM kill would mean reclaim
 * failed to swap). A second test shows anonymous refaults within the workingset activated
 * and restored (workingset_activate_anon, workingset_restore_anon).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab.h"
#include "proc_value.h"

#define PG 4096UL
#define RAM (8UL << 20)
#define WSET (4 * RAM)
#define SWAP_BYTES (64UL << 20)

static uint64_t pattern(uint64_t page, unsigned int k)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (0x1234567ULL * (k + 1));
}

/* Writes, or checks, three words of every page of the working set. */
static void pass(struct mmlab_task *t, uint64_t base, bool write)
{
	static const unsigned int off[3] = { 0, 2048, 4088 };

	for (uint64_t p = 0; p < WSET / PG; p++)
		for (unsigned int k = 0; k < 3; k++) {
			uint64_t want = pattern(p, k), got = 0;
			struct mmlab_fault f = { 0 };

			if (write) {
				int err = mmlab_poke(t, base + p * PG + off[k], &want, 8, &f);

				if (err)
					fail_msg("page %lu of %lu: poke %d, signal %d code %d",
						 (unsigned long)p, WSET / PG, err, f.signo, f.code);
			} else {
				int err = mmlab_peek(t, base + p * PG + off[k], &got, 8, &f);

				if (err)
					fail_msg("page %lu of %lu: peek %d, signal %d code %d",
						 (unsigned long)p, WSET / PG, err, f.signo, f.code);
				if (got != want)
					fail_msg("page %lu word %u: %#lx, wrote %#lx", (unsigned long)p, k,
						 (unsigned long)got, (unsigned long)want);
			}
		}
}

static void test_reclaim_to_swap(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = RAM };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *t, *child;
	uint64_t base, out0, out1, in1, in2;
	char path[] = "/tmp/mmlab-reclaim-swapXXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)SWAP_BYTES), 0);
	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	assert_int_equal(mmlab_task_create(m, &tc, &t), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_swapon(t, "/swapfile", 0), 0);
	assert_int_equal(mmlab_mmap(t, 0, WSET, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &base), 0);
	assert_int_equal(mmlab_vmstat_get(m, "pswpout", &out0), 0);
	pass(t, base, true);
	assert_int_equal(mmlab_vmstat_get(m, "pswpout", &out1), 0);
	/* Three quarters of the working set cannot be in RAM: they went out. */
	assert_true(out1 - out0 >= (WSET - RAM) / PG);
	pass(t, base, false);
	assert_int_equal(mmlab_vmstat_get(m, "pswpin", &in1), 0);
	assert_true(in1 >= (WSET - RAM) / PG);
	assert_int_equal(mmlab_fork(t, &child), 0);
	pass(child, base, false);
	pass(t, base, false);
	assert_int_equal(mmlab_vmstat_get(m, "pswpin", &in2), 0);
	assert_true(in2 > in1);
	assert_int_equal(mmlab_task_validate(t), 0);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_exit(child);
	mmlab_exit(t);
	mmlab_machine_destroy(m);
}

/* A node counter of /proc/vmstat by name. */
static uint64_t vmstat_line(struct mmlab_machine *m, const char *name)
{
	uint64_t v = proc_vmstat_value(m, name);

	assert_true(v != UINT64_MAX);
	return v;
}

/* A machine of RAM bytes with a swap file on, and one task in it. */
static void swap_machine(struct mmlab_machine **m, struct mmlab_task **t)
{
	struct mmlab_machine_config mc = { .ram_bytes = RAM };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	char path[] = "/tmp/mmlab-reclaim-swapXXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)SWAP_BYTES), 0);
	assert_int_equal(mmlab_machine_create(&mc, m), 0);
	assert_int_equal(mmlab_task_create(*m, &tc, t), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(*m, "/swapfile", fd, MMLAB_SWAP_OWN_FD | MMLAB_SWAP_ON),
			 0);
}

/*
 * A hot set of half of RAM read between every chunk of a cycle over a warm set of 0.6 RAM:
 * reclaim keeps the hot pages active, so the warm ones cannot all stay, and each comes back
 * from a refault distance (the warm pages evicted since) shorter than the active list: a
 * refault within the workingset, activated (workingset_activate_anon); once active, some
 * are deactivated again (PG_workingset) and evicted, and their refaults are restores
 * (workingset_restore_anon). Every byte stays intact.
 */
static void test_workingset_hot_and_cold(void **state)
{
	const uint64_t hot_pages = RAM / PG / 2, cold_pages = RAM / PG * 6 / 10;
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t hot, cold;
	(void)state;
	swap_machine(&m, &t);
	assert_int_equal(mmlab_mmap(t, 0, hot_pages * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &hot), 0);
	assert_int_equal(mmlab_mmap(t, 0, cold_pages * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &cold), 0);
	for (uint64_t p = 0; p < hot_pages; p++) {
		uint64_t v = pattern(p, 0);

		assert_int_equal(mmlab_poke(t, hot + p * PG, &v, 8, NULL), 0);
	}
	for (unsigned int round = 0; round < 6; round++)
		for (uint64_t c = 0; c < cold_pages; c++) {
			uint64_t v = pattern(c, 1), got;

			if (round == 0)
				assert_int_equal(mmlab_poke(t, cold + c * PG, &v, 8, NULL), 0);
			assert_int_equal(mmlab_peek(t, cold + c * PG, &got, 8, NULL), 0);
			assert_true(got == v);
			if (c % 64)
				continue;
			for (uint64_t p = 0; p < hot_pages; p++) {
				assert_int_equal(mmlab_peek(t, hot + p * PG, &got, 8, NULL), 0);
				assert_true(got == pattern(p, 0));
			}
		}
	print_message("refault %lu activate %lu restore %lu\n",
		      (unsigned long)vmstat_line(m, "workingset_refault_anon"),
		      (unsigned long)vmstat_line(m, "workingset_activate_anon"),
		      (unsigned long)vmstat_line(m, "workingset_restore_anon"));
	assert_true(vmstat_line(m, "workingset_refault_anon") > 0);
	assert_true(vmstat_line(m, "workingset_activate_anon") > 0);
	assert_true(vmstat_line(m, "workingset_restore_anon") > 0);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_exit(t);
	mmlab_machine_destroy(m);
}

/*
 * Pages swap readahead brings in that nobody maps (a stride-8 reader under vm.page-cluster 3
 * touches one page of each window) sit in the swap cache on the anonymous list without an
 * anon_vma: reclaim must free them as clean swap-cache pages. It once kept them, rescanning
 * them without end (hundreds of pages scanned per page reclaimed).
 */
static void test_readahead_pages_reclaimed(void **state)
{
	const uint64_t pages = WSET / PG;
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t base, scan0, steal0, scanned, stolen;
	(void)state;
	swap_machine(&m, &t);
	assert_int_equal(mmlab_mmap(t, 0, WSET, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &base), 0);
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t v = pattern(p, 0);

		assert_int_equal(mmlab_poke(t, base + p * PG, &v, 8, NULL), 0);
	}
	scan0 = vmstat_line(m, "pgscan_anon");
	steal0 = vmstat_line(m, "pgsteal_anon");
	for (unsigned int round = 0; round < 3; round++)
		for (uint64_t p = round; p < pages; p++) {
			uint64_t got;

			if (p % 16 >= 4)
				continue;	/* runs of 4 grow the window; the rest stays unread */
			assert_int_equal(mmlab_peek(t, base + p * PG, &got, 8, NULL), 0);
			assert_true(got == pattern(p, 0));
		}
	scanned = vmstat_line(m, "pgscan_anon") - scan0;
	stolen = vmstat_line(m, "pgsteal_anon") - steal0;
	print_message("pgscan_anon %lu pgsteal_anon %lu\n", (unsigned long)scanned,
		      (unsigned long)stolen);
	assert_true(stolen > 0);
	assert_true(scanned < 8 * stolen);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_exit(t);
	mmlab_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reclaim_to_swap),
		cmocka_unit_test(test_workingset_hot_and_cold),
		cmocka_unit_test(test_readahead_pages_reclaimed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
