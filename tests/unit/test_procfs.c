// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The /proc texts of src/mm/procfs.c and proc_stat.c through the public API: smaps of a
 * hand-built layout against the text Linux 6.x prints for it (expected figures derived by hand
 * from fs/proc/task_mmu.c's rules), Pss split by fork sharing with PSS_SHIFT truncation,
 * LazyFree after MADV_FREE, the [vsyscall] and [rollup] entries, the status memory lines,
 * pagemap bits, and the meminfo/vmstat lines moving with the faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mmlab.h"

#define PG 4096UL
#define A 0x10000000UL

struct env {
	struct mmlab_machine *m;
	struct mmlab_task *t;
};

static int setup(void **state)
{
	/* The texts below are those of a CPU without PKU, as this host's: no ProtectionKey. */
	struct mmlab_machine_config mc = { .ram_bytes = 32UL << 20, .no_pku = 1 };
	struct mmlab_task_config tc = { .seed = 7, .no_aslr = 1 };
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(mmlab_machine_create(&mc, &e->m), 0);
	assert_int_equal(mmlab_task_create(e->m, &tc, &e->t), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	if (e->t)
		mmlab_exit(e->t);
	mmlab_machine_destroy(e->m);
	free(e);
	return 0;
}

/* The whole output of one /proc writer, NUL-terminated; the caller frees it. */
static char *capture(int (*fn)(struct mmlab_task *, FILE *), struct mmlab_task *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(fn(t, f), 0);
	fclose(f);
	return text;
}

/* The smaps entry of the VMA starting at @start, up to and including its VmFlags line. */
static char *smaps_entry(struct mmlab_task *t, unsigned long start)
{
	char *text = capture(mmlab_proc_smaps, t), key[32], *p, *end, *out;

	snprintf(key, sizeof(key), "%08lx-", start);
	p = strstr(text, key);
	assert_non_null(p);
	end = strstr(p, "VmFlags:");
	assert_non_null(end);
	end = strchr(end, '\n') + 1;
	out = strndup(p, (size_t)(end - p));
	free(text);
	return out;
}

/* One field of the entry, in kB. */
static unsigned long field(const char *entry, const char *name)
{
	char key[40];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(entry, key);
	assert_non_null(p);
	return strtoul(p + strlen(key), NULL, 10);
}

static void map_anon(struct mmlab_task *t, unsigned long addr, unsigned long pages, int shared)
{
	uint64_t out;

	assert_int_equal(mmlab_mmap(t, addr, pages * PG, PROT_READ | PROT_WRITE,
				    MAP_FIXED | MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE),
				    -1, 0, &out), 0);
}

/*
 * Four private pages: two written (own frames, dirty, young), one read (the zero page: mapped
 * but not counted, since vm_normal_page has no page for it), one untouched.
 */
static void test_smaps_layout(void **state)
{
	struct env *e = *state;
	static const char expected[] =
		"10000000-10004000 rw-p 00000000 00:00 0 \n"
		"Size:                 16 kB\n"
		"KernelPageSize:        4 kB\n"
		"MMUPageSize:           4 kB\n"
		"Rss:                   8 kB\n"
		"Pss:                   8 kB\n"
		"Pss_Dirty:             8 kB\n"
		"Shared_Clean:          0 kB\n"
		"Shared_Dirty:          0 kB\n"
		"Private_Clean:         0 kB\n"
		"Private_Dirty:         8 kB\n"
		"Referenced:            8 kB\n"
		"Anonymous:             8 kB\n"
		"KSM:                   0 kB\n"
		"LazyFree:              0 kB\n"
		"AnonHugePages:         0 kB\n"
		"ShmemPmdMapped:        0 kB\n"
		"FilePmdMapped:         0 kB\n"
		"Shared_Hugetlb:        0 kB\n"
		"Private_Hugetlb:       0 kB\n"
		"Swap:                  0 kB\n"
		"SwapPss:               0 kB\n"
		"Locked:                0 kB\n"
		"THPeligible:           0\n"
		"VmFlags: rd wr mr mw me ac \n";
	static const char gate_tail[] = "THPeligible:           0\nVmFlags: ex \n";
	char *entry, *text;

	map_anon(e->t, A, 4, 0);
	assert_int_equal(mmlab_touch(e->t, A, 2 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + 2 * PG, PG, "r", NULL), 0);
	entry = smaps_entry(e->t, A);
	assert_string_equal(entry, expected);
	free(entry);

	/* The gate area closes the file with every counter zero. */
	text = capture(mmlab_proc_smaps, e->t);
	assert_non_null(strstr(text, "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
				     "                  [vsyscall]\nSize:                  4 kB\n"));
	assert_string_equal(text + strlen(text) - strlen(gate_tail), gate_tail);
	free(text);
}

/*
 * Pss divides each page by its map count with 12 bits of fraction: three pages each mapped by
 * three processes add up to 3 * ((4096 << 12) / 3) = 16777215, which is 4095 bytes: 3 kB, not 4.
 */
static void test_pss_fork_sharing(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c1, *c2;
	char *entry;

	map_anon(e->t, A, 3, 0);
	assert_int_equal(mmlab_touch(e->t, A, 3 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_fork(e->t, &c1), 0);
	entry = smaps_entry(e->t, A);
	assert_int_equal(field(entry, "Rss"), 12);
	assert_int_equal(field(entry, "Pss"), 6);
	assert_int_equal(field(entry, "Pss_Dirty"), 6);
	assert_int_equal(field(entry, "Shared_Dirty"), 12);
	assert_int_equal(field(entry, "Private_Dirty"), 0);
	free(entry);

	assert_int_equal(mmlab_fork(e->t, &c2), 0);
	entry = smaps_entry(c2, A);
	assert_int_equal(field(entry, "Pss"), 3);
	assert_int_equal(field(entry, "Shared_Dirty"), 12);
	free(entry);
	mmlab_exit(c2);

	/* The child's write copies page 0: each side now owns its page 0 outright. */
	assert_int_equal(mmlab_touch(c1, A, PG, "w", NULL), 0);
	entry = smaps_entry(e->t, A);
	assert_int_equal(field(entry, "Pss"), 4 + 2 + 2);
	assert_int_equal(field(entry, "Private_Dirty"), 4);
	assert_int_equal(field(entry, "Shared_Dirty"), 8);
	free(entry);
	mmlab_exit(c1);
	entry = smaps_entry(e->t, A);
	assert_int_equal(field(entry, "Pss"), 12);
	assert_int_equal(field(entry, "Private_Dirty"), 12);
	free(entry);
}

/* MADV_FREE leaves the pages mapped but clean and old: LazyFree, Private_Clean, unreferenced. */
static void test_lazyfree(void **state)
{
	struct env *e = *state;
	char *entry;

	map_anon(e->t, A, 2, 0);
	assert_int_equal(mmlab_touch(e->t, A, 2 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_madvise(e->t, A, 2 * PG, MADV_FREE), 0);
	entry = smaps_entry(e->t, A);
	assert_int_equal(field(entry, "Rss"), 8);
	assert_int_equal(field(entry, "LazyFree"), 8);
	assert_int_equal(field(entry, "Private_Clean"), 8);
	assert_int_equal(field(entry, "Private_Dirty"), 0);
	assert_int_equal(field(entry, "Referenced"), 0);
	free(entry);
	/* Writing one again takes it out of the lazy set. */
	assert_int_equal(mmlab_touch(e->t, A, PG, "w", NULL), 0);
	entry = smaps_entry(e->t, A);
	assert_int_equal(field(entry, "LazyFree"), 4);
	assert_int_equal(field(entry, "Private_Dirty"), 4);
	free(entry);
}

/* Shared anonymous memory is shmem: not Anonymous, and the page cache's reference makes the
 * page count as mapped once rather than as unshared. */
static void test_smaps_shared_rollup(void **state)
{
	struct env *e = *state;
	char *entry, *text;

	map_anon(e->t, A, 2, 1);
	map_anon(e->t, A + 4 * PG, 1, 0);
	assert_int_equal(mmlab_touch(e->t, A, 2 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + 4 * PG, PG, "w", NULL), 0);
	entry = smaps_entry(e->t, A);
	assert_int_equal(field(entry, "Rss"), 8);
	assert_int_equal(field(entry, "Anonymous"), 0);
	assert_int_equal(field(entry, "Private_Dirty"), 8);
	free(entry);

	text = capture(mmlab_proc_smaps_rollup, e->t);
	/* From the first VMA's start to the stack's end, the name at column 73 as in maps. */
	assert_int_equal(strncmp(text, "10000000-7ffffffff000 ---p 00000000 00:00 0 ", 44), 0);
	assert_int_equal(strspn(text + 44, " "), 73 - 44);
	assert_non_null(strstr(text, "[rollup]\n"
				     "Rss:                  12 kB\nPss:                  12 kB\n"
				     "Pss_Dirty:            12 kB\nPss_Anon:              4 kB\n"
				     "Pss_File:              0 kB\nPss_Shmem:             8 kB\n"));
	assert_non_null(strstr(text, "\nPrivate_Hugetlb:       0 kB\n"));
	assert_int_equal(strncmp(strstr(text, "Locked:"), "Locked:                0 kB\n", 28),
			 0);
	assert_null(strstr(text, "THPeligible"));
	free(text);
}

static unsigned long status_kb(struct mmlab_task *t, const char *name)
{
	char *text = capture(mmlab_proc_status, t), key[40], *p;
	unsigned long v;

	snprintf(key, sizeof(key), "%s:\t", name);
	p = strstr(text, key);
	assert_non_null(p);
	assert_int_equal(strlen(p) > strlen(key) + 11, 1);
	assert_int_equal(strncmp(p + strlen(key) + 8, " kB\n", 4), 0); /* %8lu kB */
	v = strtoul(p + strlen(key), NULL, 10);
	free(text);
	return v;
}

static void test_status_after_touches(void **state)
{
	struct env *e = *state;
	unsigned long size0 = status_kb(e->t, "VmSize"), rss0 = status_kb(e->t, "VmRSS");
	static const char *const order[] = { "VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM",
		"VmRSS", "RssAnon", "RssFile", "RssShmem", "VmData", "VmStk", "VmExe", "VmLib",
		"VmPTE", "VmSwap", "HugetlbPages", "CoreDumping", "THP_enabled" };
	char *text, *p;

	map_anon(e->t, A, 8, 0);
	map_anon(e->t, A + 16 * PG, 2, 1);
	assert_int_equal(status_kb(e->t, "VmSize"), size0 + 40);
	assert_int_equal(mmlab_touch(e->t, A, 5 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + 5 * PG, 3 * PG, "r", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + 16 * PG, PG, "w", NULL), 0);
	assert_int_equal(status_kb(e->t, "VmRSS"), rss0 + 24);
	assert_int_equal(status_kb(e->t, "RssAnon"), 20);
	assert_int_equal(status_kb(e->t, "RssShmem"), 4);
	assert_int_equal(mmlab_madvise(e->t, A, 5 * PG, MADV_DONTNEED), 0);
	assert_int_equal(status_kb(e->t, "VmRSS"), rss0 + 4);
	assert_int_equal(status_kb(e->t, "VmHWM"), rss0 + 24);
	assert_int_equal(mmlab_munmap(e->t, A, 8 * PG), 0);
	assert_int_equal(status_kb(e->t, "VmPeak"), size0 + 40);
	assert_int_equal(status_kb(e->t, "VmSize"), size0 + 8);

	text = capture(mmlab_proc_status, e->t);
	p = text;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_int_equal(strncmp(p, order[i], strlen(order[i])), 0);
		p = strchr(p, '\n') + 1;
	}
	assert_int_equal(*p, 0);
	free(text);
}

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN ((1ULL << 55) - 1)

static void test_pagemap(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	uint64_t pm[6];

	map_anon(e->t, A, 3, 0);
	map_anon(e->t, A + 4 * PG, 1, 1);
	assert_int_equal(mmlab_touch(e->t, A, PG, "w", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + PG, PG, "r", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + 4 * PG, PG, "r", NULL), 0);
	assert_int_equal(mmlab_pagemap(e->t, A, 6 * PG, pm), 0);
	assert_int_equal(pm[0] & ~PM_PFN, PM_PRESENT | PM_EXCLUSIVE);
	assert_int_equal(pm[1] & ~PM_PFN, PM_PRESENT); /* The zero page: no struct page counted */
	assert_int_not_equal(pm[0] & PM_PFN, pm[1] & PM_PFN);
	assert_int_equal(pm[2], 0);
	assert_int_equal(pm[3], 0);			/* No VMA */
	assert_int_equal(pm[4] & ~PM_PFN, PM_PRESENT | PM_FILE | PM_EXCLUSIVE);
	assert_int_equal(pm[5], 0);

	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(mmlab_pagemap(c, A, 2 * PG, pm), 0);
	assert_int_equal(pm[0] & ~PM_PFN, PM_PRESENT); /* Shared with the parent now */
	mmlab_exit(c);

	assert_int_equal(mmlab_pagemap(e->t, A + 1, PG, pm), -EINVAL);
	assert_int_equal(mmlab_pagemap(e->t, 0x7ffffffff000UL, 2 * PG, pm), -EINVAL);
	assert_int_equal(mmlab_pagemap(NULL, A, PG, pm), -EINVAL);
}

static uint64_t text_value(char *text, const char *key)
{
	char *p = strstr(text, key);

	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 10);
}

/*
 * Every line of mmlab's /proc/vmstat @text that the host's has too comes in the host's order
 * (oom_kill after pgrotated, the unevictable_pgs_* lines after it, ...).
 */
static void vmstat_order_as_host(const char *text)
{
	char name[64], line[128];
	unsigned long long v;
	long last = -1, shared = 0;
	FILE *host = fopen("/proc/vmstat", "r");
	char *names = NULL;
	size_t len = 0;
	FILE *out;

	if (!host)
		return;
	out = open_memstream(&names, &len);
	assert_non_null(out);
	while (fscanf(host, "%63s %llu", name, &v) == 2)
		fprintf(out, " %s ", name);
	fclose(out);
	fclose(host);
	for (const char *p = text; sscanf(p, "%63s %llu", name, &v) == 2;) {
		char *at;

		snprintf(line, sizeof(line), " %s ", name);
		at = strstr(names, line);
		if (at) {
			if (at - names <= last)
				print_message("vmstat: %s out of the host's order\n", name);
			assert_true(at - names > last);
			last = at - names;
			shared++;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	assert_true(shared > 40);
	assert_non_null(strstr(names, " oom_kill "));
	assert_non_null(strstr(text, "\noom_kill "));
	free(names);
}

static void test_meminfo_vmstat(void **state)
{
	struct env *e = *state;
	char *a = NULL, *b = NULL, *va = NULL, *vb = NULL;
	size_t sa, sb, sva, svb;
	FILE *f;

	f = open_memstream(&a, &sa);
	assert_int_equal(mmlab_proc_meminfo(e->m, f), 0);
	fclose(f);
	f = open_memstream(&va, &sva);
	assert_int_equal(mmlab_proc_vmstat(e->m, f), 0);
	fclose(f);
	assert_int_equal(strncmp(a, "MemTotal:       ", 16), 0);
	assert_int_equal(strncmp(va, "nr_free_pages ", 14), 0);

	map_anon(e->t, A, 4, 0);
	assert_int_equal(mmlab_touch(e->t, A, 3 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, A + 3 * PG, PG, "r", NULL), 0);
	f = open_memstream(&b, &sb);
	assert_int_equal(mmlab_proc_meminfo(e->m, f), 0);
	fclose(f);
	f = open_memstream(&vb, &svb);
	assert_int_equal(mmlab_proc_vmstat(e->m, f), 0);
	fclose(f);
	assert_int_equal(text_value(b, "AnonPages:"), text_value(a, "AnonPages:") + 12);
	assert_int_equal(text_value(b, "MemTotal:"), text_value(a, "MemTotal:"));
	assert_true(text_value(b, "MemFree:") <= text_value(a, "MemFree:") - 12);
	assert_int_equal(text_value(vb, "\nnr_anon_pages "), text_value(va, "\nnr_anon_pages ") + 3);
	assert_int_equal(text_value(vb, "\npgfault "), text_value(va, "\npgfault ") + 4);
	assert_non_null(strstr(vb, "\npgfree "));
	assert_null(strstr(vb, "mmlab_"));
	assert_int_equal(mmlab_proc_vmstat(NULL, stdout), -EINVAL);
	vmstat_order_as_host(vb);
	free(a), free(b), free(va), free(vb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_smaps_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pss_fork_sharing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazyfree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smaps_shared_rollup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_after_touches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagemap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meminfo_vmstat, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
