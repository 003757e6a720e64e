// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * shmem pages under memory pressure go to swap and come back byte for byte (shmem.c, the
 * file layer's swapped entries): a shared anonymous mapping, a memfd and a SysV segment,
 * each with a working set larger than the machine's RAM, written with a distinct pattern and
 * read back - through the mapping, by a fork child sharing it, through read(). Checked on
 * the way: pswpout/pswpin and the major faults of swap-ins, smaps' Swap of the VMA (all of
 * the file's swapped pages for a shared mapping, as Linux's shmem_swap_usage), SHM_INFO's
 * shm_swp, meminfo's SwapFree coming back whole when truncation, the inode's end or swapoff
 * lets the slots go, and the zeroing of a partial page that was in swap.
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
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "mmlab.h"
#include "proc_value.h"

#define PG 4096UL
#define RAM (8UL << 20)
#define WSET (3 * RAM)
#define SWAP_BYTES (64UL << 20)

struct env {
	struct mmlab_machine *m;
	struct mmlab_task *t;
};

static uint64_t pattern(uint64_t page, unsigned int k)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (0xabcdefULL * (k + 3));
}

/* Writes, or checks, two words of every page of [base, base + len). */
static void pass(struct mmlab_task *t, uint64_t base, uint64_t len, bool write)
{
	static const unsigned int off[2] = { 8, 4080 };

	for (uint64_t p = 0; p < len / PG; p++)
		for (unsigned int k = 0; k < 2; k++) {
			uint64_t want = pattern(p, k), got = 0;
			struct mmlab_fault f = { 0 };
			int err = write ? mmlab_poke(t, base + p * PG + off[k], &want, 8, &f) :
					  mmlab_peek(t, base + p * PG + off[k], &got, 8, &f);

			if (err)
				fail_msg("page %lu: %s %d, signal %d code %d", (unsigned long)p,
					 write ? "poke" : "peek", err, f.signo, f.code);
			if (!write && got != want)
				fail_msg("page %lu word %u: %#lx, wrote %#lx", (unsigned long)p, k,
					 (unsigned long)got, (unsigned long)want);
		}
}

/* A /proc/meminfo line's value in kB. */
static uint64_t meminfo_kb(struct mmlab_machine *m, const char *label)
{
	uint64_t kb = proc_meminfo_value(m, label);

	assert_true(kb != UINT64_MAX);
	return kb;
}

/* The Swap: of the smaps block of the VMA starting at @start, in kB. */
static uint64_t smaps_swap_kb(struct mmlab_task *t, uint64_t start)
{
	char *buf = NULL, *block, *line, head[32];
	size_t size = 0;
	uint64_t kb = UINT64_MAX;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	assert_int_equal(mmlab_proc_smaps(t, f), 0);
	fclose(f);
	snprintf(head, sizeof(head), "%08lx-", (unsigned long)start);
	block = strstr(buf, head);
	line = block ? strstr(block, "\nSwap:") : NULL;
	if (line)
		kb = strtoull(line + strlen("\nSwap:"), NULL, 10);
	free(buf);
	assert_true(kb != UINT64_MAX);
	return kb;
}

static uint64_t vmstat(struct mmlab_machine *m, const char *name)
{
	uint64_t v;

	assert_int_equal(mmlab_vmstat_get(m, name, &v), 0);
	return v;
}

static int setup(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = RAM };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	char path[] = "/tmp/mmlab-shmem-swapXXXXXX";
	struct env *e = calloc(1, sizeof(*e));
	int fd = mkstemp(path);

	assert_non_null(e);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)SWAP_BYTES), 0);
	assert_int_equal(mmlab_machine_create(&mc, &e->m), 0);
	assert_int_equal(mmlab_task_create(e->m, &tc, &e->t), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(e->m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_swapon(e->t, "/swapfile", 0), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(mmlab_machine_validate(e->m), 0);
	if (e->t)
		mmlab_exit(e->t);
	mmlab_machine_destroy(e->m);
	free(e);
	return 0;
}

/* MAP_SHARED | MAP_ANONYMOUS: out and back, shared with a fork child, slots freed at unmap. */
static void test_shared_anon(void **state)
{
	struct env *e = *state;
	struct mmlab_task *child;
	uint64_t base, total = meminfo_kb(e->m, "SwapTotal:"), out0 = vmstat(e->m, "pswpout");
	uint64_t in0, maj0, swap_kb, marker = 0x5eed, got = 0;
	struct mmlab_fault f = { 0 };

	assert_int_equal(meminfo_kb(e->m, "SwapFree:"), total);
	assert_int_equal(mmlab_mmap(e->t, 0, WSET, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0, &base), 0);
	pass(e->t, base, WSET, true);
	/* two thirds of the set cannot be in RAM: they went to swap */
	assert_true(vmstat(e->m, "pswpout") - out0 >= (WSET - RAM) / PG);
	swap_kb = smaps_swap_kb(e->t, base);
	assert_true(swap_kb > 0);
	/* a shared mapping shows all of the file's swapped pages: the slots in use */
	assert_int_equal(swap_kb, total - meminfo_kb(e->m, "SwapFree:"));
	in0 = vmstat(e->m, "pswpin");
	maj0 = vmstat(e->m, "pgmajfault");
	pass(e->t, base, WSET, false);
	assert_true(vmstat(e->m, "pswpin") - in0 >= (WSET - RAM) / PG);
	assert_true(vmstat(e->m, "pgmajfault") - maj0 >= (WSET - RAM) / PG);
	assert_int_equal(mmlab_fork(e->t, &child), 0);
	pass(child, base, WSET, false);
	/* the child's write to a page reclaim sent out meanwhile reaches the parent */
	assert_int_equal(mmlab_poke(child, base + 16, &marker, 8, &f), 0);
	pass(e->t, base, WSET, false);	/* the marker lies between the pattern words */
	assert_int_equal(mmlab_peek(e->t, base + 16, &got, 8, &f), 0);
	assert_int_equal(got, marker);
	assert_int_equal(mmlab_task_validate(e->t), 0);
	mmlab_exit(child);
	assert_int_equal(mmlab_munmap(e->t, base, WSET), 0);
	/* the inode went with its last mapping, and its slots with it */
	assert_int_equal(meminfo_kb(e->m, "SwapFree:"), total);
}

/* A memfd read through read(), cut by ftruncate inside a swapped page, and swapoff. */
static void test_memfd_truncate_swapoff(void **state)
{
	struct env *e = *state;
	uint64_t base, buf, total = meminfo_kb(e->m, "SwapTotal:"), free_cut, word;
	int fd = mmlab_memfd_create(e->t, "big", 0);
	struct mmlab_fault f = { 0 };

	assert_true(fd >= 0);
	assert_int_equal(mmlab_ftruncate(e->t, fd, (int64_t)WSET), 0);
	assert_int_equal(mmlab_mmap(e->t, 0, WSET, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0,
				    &base), 0);
	assert_int_equal(mmlab_mmap(e->t, 0, PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf), 0);
	pass(e->t, base, WSET, true);
	assert_true(meminfo_kb(e->m, "SwapFree:") < total);
	/* read() of the first page, which the later writes pushed out */
	assert_int_equal(mmlab_fd_pread(e->t, fd, buf, 8, 8), 8);
	assert_int_equal(mmlab_peek(e->t, buf, &word, 8, &f), 0);
	assert_int_equal(word, pattern(0, 0));
	/* cut the second half and into page 1 of the first: slots go, the tail is zeroed */
	free_cut = meminfo_kb(e->m, "SwapFree:");
	assert_int_equal(mmlab_munmap(e->t, base, WSET), 0);
	assert_int_equal(mmlab_ftruncate(e->t, fd, (int64_t)(PG + 100)), 0);
	assert_true(meminfo_kb(e->m, "SwapFree:") > free_cut);
	assert_int_equal(mmlab_ftruncate(e->t, fd, (int64_t)(2 * PG)), 0);
	assert_int_equal(mmlab_fd_pread(e->t, fd, buf, 8, PG + 4080), 8);
	assert_int_equal(mmlab_peek(e->t, buf, &word, 8, &f), 0);
	assert_int_equal(word, 0);
	assert_int_equal(mmlab_fd_pread(e->t, fd, buf, 8, PG + 8), 8);
	assert_int_equal(mmlab_peek(e->t, buf, &word, 8, &f), 0);
	assert_int_equal(word, pattern(1, 0));
	/* swapoff reads back what is still out */
	assert_int_equal(mmlab_swapoff(e->t, "/swapfile"), 0);
	assert_int_equal(meminfo_kb(e->m, "SwapTotal:"), 0);
	assert_int_equal(mmlab_fd_pread(e->t, fd, buf, 8, 8), 8);
	assert_int_equal(mmlab_peek(e->t, buf, &word, 8, &f), 0);
	assert_int_equal(word, pattern(0, 0));
	assert_int_equal(mmlab_close(e->t, fd), 0);
}

/* A SysV segment: SHM_INFO counts its swapped pages; IPC_RMID and the detach free them. */
static void test_sysv_shm_swp(void **state)
{
	struct env *e = *state;
	struct mmlab_shm_info info;
	uint64_t addr, total = meminfo_kb(e->m, "SwapTotal:");
	int id = mmlab_shmget(e->t, IPC_PRIVATE, WSET, IPC_CREAT | 0600);

	assert_true(id >= 0);
	assert_int_equal(mmlab_shmat(e->t, id, 0, 0, &addr), 0);
	pass(e->t, addr, WSET, true);
	assert_true(mmlab_shmctl_shm_info(e->t, &info) >= 0);
	assert_true(info.shm_swp >= (WSET - RAM) / PG);
	assert_int_equal(info.shm_swp * 4, total - meminfo_kb(e->m, "SwapFree:"));
	pass(e->t, addr, WSET, false);
	assert_int_equal(mmlab_shmctl(e->t, id, IPC_RMID, NULL), 0);
	assert_int_equal(mmlab_shmdt(e->t, addr), 0);
	assert_int_equal(meminfo_kb(e->m, "SwapFree:"), total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shared_anon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memfd_truncate_swapoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysv_shm_swp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
