// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory protection keys on a machine whose CPUs have PKU (the default), through the public
 * API. The host has no PKU, so nothing here can be compared with it: every expected value is
 * derived by hand from Linux's source (arch/x86/mm/pkeys.c, arch/x86/include/asm/pkeys.h,
 * mm/mprotect.c, arch/x86/mm/fault.c, arch/x86/kernel/process.c, fs/proc/task_mmu.c), and
 * each case names the kernel selftest it follows: tools/testing/selftests/mm/protection_keys.c
 * (with pkey-x86.h's NR_PKEYS 16 and two reserved keys) and pkey_sighandler_tests.c.
 * The CPU-without-PKU side is test_fault.c's test_pkeys_without_pku.
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

#include "mmlab.h"

#define PG 4096UL
#define NR_PKEYS 16
#define SEGV_MAPERR_ 1
#define SEGV_ACCERR_ 2
#define SEGV_PKUERR_ 4
#define PKEY_DISABLE_ACCESS_ 0x1UL
#define PKEY_DISABLE_WRITE_ 0x2UL
#define INIT_PKRU 0x55555554U
/* x86 page-fault error code bits */
#define PF_PROT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_PK 0x20

struct env {
	struct mmlab_machine *m;
	struct mmlab_task *t;
};

static int setup(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = 32UL << 20, .nr_cpus = 2 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
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

	if (e->t) {
		assert_int_equal(mmlab_task_validate(e->t), 0);
		mmlab_exit(e->t);
	}
	assert_int_equal(mmlab_machine_validate(e->m), 0);
	mmlab_machine_destroy(e->m);
	free(e);
	return 0;
}

static uint64_t map(struct mmlab_task *t, uint64_t len, int prot)
{
	uint64_t a;

	assert_int_equal(mmlab_mmap(t, 0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
	return a;
}

static uint32_t rdpkru(struct mmlab_task *t)
{
	uint32_t v = 0;

	assert_int_equal(mmlab_rdpkru(t, &v, NULL), 0);
	return v;
}

static void wrpkru(struct mmlab_task *t, uint32_t v)
{
	assert_int_equal(mmlab_wrpkru(t, v, NULL), 0);
}

/* The selftests' pkey_access_deny/pkey_write_deny/..: one key's two bits of the PKRU. */
static void set_key_rights(struct mmlab_task *t, int pkey, uint32_t bits)
{
	uint32_t v = rdpkru(t) & ~(3U << (2 * pkey));

	wrpkru(t, v | (bits << (2 * pkey)));
}

/* expected_pkey_fault: SIGSEGV SEGV_PKUERR at @a with si_pkey @pkey; returns the error code. */
static uint64_t expect_pkey_fault(struct mmlab_task *t, uint64_t a, const char *mode, int pkey)
{
	struct mmlab_fault f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(mmlab_touch(t, a, 1, mode, &f), -EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(f.code, SEGV_PKUERR_);
	assert_int_equal(f.addr, a);
	assert_int_equal(f.pkey, pkey);
	return f.error_code;
}

static void expect_fault(struct mmlab_task *t, uint64_t a, const char *mode, int code)
{
	struct mmlab_fault f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(mmlab_touch(t, a, 1, mode, &f), -EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(f.code, code);
	assert_int_equal(f.addr, a);
}

/* The text of /proc/pid/smaps; the caller frees it. */
static char *smaps(struct mmlab_task *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(mmlab_proc_smaps(t, f), 0);
	fclose(f);
	return text;
}

/* The ProtectionKey of the VMA starting at @a in smaps; -1 when smaps has no such VMA. */
static int smaps_pkey(struct mmlab_task *t, uint64_t a)
{
	char *text = smaps(t), head[32], *p;
	int key = -1;

	snprintf(head, sizeof(head), "%08llx-", (unsigned long long)a);
	for (p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, head, strlen(head)))
			continue;
		p = strstr(p, "\nProtectionKey:  ");
		assert_non_null(p);
		key = atoi(p + strlen("\nProtectionKey:  "));
		break;
	}
	free(text);
	return key;
}

/* Number of lines of /proc/pid/maps: how many VMAs (plus the [vsyscall] line). */
static int maps_lines(struct mmlab_task *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	int n = 0;

	assert_non_null(f);
	assert_int_equal(mmlab_proc_maps(t, f), 0);
	fclose(f);
	for (char *p = text; *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

/*
 * A new program's thread starts with init_pkru_value (flush_thread at exec): key 0 open,
 * 1-15 access-disabled. pkey_alloc's init_val goes into the caller's PKRU for its key only
 * (arch_set_user_pkey_access): 0 opens the key, PKEY_DISABLE_WRITE leaves reads.
 */
static void test_init_pkru_and_init_val(void **state)
{
	struct env *e = *state;

	assert_int_equal(rdpkru(e->t), INIT_PKRU);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), 1);
	assert_int_equal(rdpkru(e->t), 0x55555550U);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, PKEY_DISABLE_WRITE_), 2);
	assert_int_equal(rdpkru(e->t), 0x55555560U);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, PKEY_DISABLE_ACCESS_ | PKEY_DISABLE_WRITE_), 3);
	assert_int_equal(rdpkru(e->t), 0x555555e0U);
	/* Freeing a key leaves PKRU alone. */
	assert_int_equal(mmlab_pkey_free(e->t, 2), 0);
	assert_int_equal(rdpkru(e->t), 0x555555e0U);
	wrpkru(e->t, 0x12345678);
	assert_int_equal(rdpkru(e->t), 0x12345678);
}

/*
 * protection_keys.c test_pkey_alloc_exhaust and test_pkey_alloc_free_attach_pkey0: keys come
 * lowest first (ffz) from 1, key 0 never, 15 of them; then ENOSPC. A fork child copies the
 * allocation map. Key 0 is allocated from the start and attaches in every mode.
 */
static void test_alloc_exhaust(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	uint64_t a = map(e->t, PG, PROT_READ | PROT_WRITE);

	for (int k = 1; k < NR_PKEYS; k++)
		assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), k);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), -ENOSPC);
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(mmlab_pkey_alloc(c, 0, 0), -ENOSPC);
	assert_int_equal(mmlab_pkey_free(c, 7), 0);
	assert_int_equal(mmlab_pkey_alloc(c, 0, 0), 7);
	mmlab_exit(c);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), -ENOSPC);
	for (int k = 1; k < NR_PKEYS; k++)
		assert_int_equal(mmlab_pkey_free(e->t, k), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, 0), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_WRITE, 0), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_EXEC, 0), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE, 0), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE | PROT_EXEC, 0),
			 0);
	assert_int_equal(smaps_pkey(e->t, a), 0);
	/* The execute-only key takes one of the 15: x86's two reserved keys. */
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_EXEC), 0);
	assert_int_equal(smaps_pkey(e->t, a), 1);
	for (int k = 2; k < NR_PKEYS; k++)
		assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), k);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), -ENOSPC);
}

/*
 * protection_keys.c test_pkey_syscalls_on_non_allocated_pkey and test_pkey_syscalls_bad_args,
 * and sys_pkey_alloc's argument checks: unallocated or out-of-range keys are EINVAL for
 * pkey_free and pkey_mprotect (after mprotect's own checks), flags must be 0, init_val only
 * PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE.
 */
static void test_bad_args(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, PG, PROT_READ);
	int pkey = mmlab_pkey_alloc(e->t, 0, 0);

	assert_int_equal(pkey, 1);
	for (int i = 1; i < NR_PKEYS; i++) {
		if (i == pkey)
			continue;
		assert_int_equal(mmlab_pkey_free(e->t, i), -EINVAL);
		assert_int_equal(mmlab_pkey_free(e->t, i), -EINVAL);
		assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, i), -EINVAL);
	}
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, NR_PKEYS + 99), -EINVAL);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, -2), -EINVAL);
	assert_int_equal(mmlab_pkey_free(e->t, -1), -EINVAL);
	assert_int_equal(mmlab_pkey_free(e->t, NR_PKEYS), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(e->t, 1, 0), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 4 /* PKEY_DISABLE_EXECUTE: not on x86 */),
			 -EINVAL);
	/* mprotect's checks come first; an empty range succeeds before the key is looked at. */
	assert_int_equal(mmlab_pkey_mprotect(e->t, a + 1, PG, PROT_READ, 9), -EINVAL);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, 0, PROT_READ, 9), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, 0x10000, PG, PROT_READ, pkey), -ENOMEM);
	assert_int_equal(smaps_pkey(e->t, a), 0);
}

/*
 * Key 0 is allocated with the mm, not reserved: mm_pkey_is_allocated lets pkey_free take it
 * back (the selftests never do), after which pkey_mprotect refuses it and pkey_alloc hands it
 * out again. Freed and then claimed as the execute-only key, it denies the thread its own
 * key-0 memory (arch_set_user_pkey_access with PKEY_DISABLE_ACCESS), and execute-only memory
 * keeps key 0 (__arch_override_mprotect_pkey only takes a key above 0).
 */
static void test_free_key0(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, PG, PROT_READ | PROT_WRITE), b = map(e->t, PG, PROT_READ);

	assert_int_equal(mmlab_pkey_free(e->t, 0), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE, 0), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE, 0), 0);
	assert_int_equal(mmlab_pkey_free(e->t, 0), 0);
	assert_int_equal(mmlab_mprotect(e->t, b, PG, PROT_EXEC), 0);
	assert_int_equal(smaps_pkey(e->t, b), 0);
	assert_int_equal(rdpkru(e->t), INIT_PKRU | 1);
	expect_pkey_fault(e->t, a, "r", 0);
	assert_int_equal(mmlab_pkey_free(e->t, 0), -EINVAL);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, 0), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), 1);
}

/*
 * protection_keys.c test_read_of_access_disabled_region (and _with_page_already_mapped),
 * test_write_of_write_disabled_region (and _with_page_already_mapped),
 * test_write_of_access_disabled_region, test_read_of_write_disabled_region: the thread's
 * PKRU decides. A present page faults with PF_PK from the hardware; a page not there yet
 * faults as not-present and do_user_addr_fault's access_error finds the key denied
 * (arch_vma_access_permitted): SEGV_PKUERR either way, si_pkey the VMA's key.
 */
static void test_access_faults(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, 2 * PG, PROT_READ | PROT_WRITE), b = a + PG;
	int pkey = mmlab_pkey_alloc(e->t, 0, 0);

	assert_int_equal(mmlab_pkey_mprotect(e->t, a, 2 * PG, PROT_READ | PROT_WRITE, pkey), 0);
	assert_int_equal(smaps_pkey(e->t, a), pkey);
	assert_int_equal(mmlab_touch(e->t, a, 1, "w", NULL), 0);	/* a present, b not */

	set_key_rights(e->t, pkey, 1 /* AD */);
	assert_int_equal(expect_pkey_fault(e->t, a, "r", pkey), PF_PROT | PF_USER | PF_PK);
	assert_int_equal(expect_pkey_fault(e->t, b, "r", pkey), PF_USER);
	assert_int_equal(expect_pkey_fault(e->t, a, "w", pkey),
			 PF_PROT | PF_WRITE | PF_USER | PF_PK);
	assert_int_equal(expect_pkey_fault(e->t, b + 8, "w", pkey), PF_WRITE | PF_USER);

	set_key_rights(e->t, pkey, 2 /* WD */);
	assert_int_equal(mmlab_touch(e->t, a, 1, "r", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, b, 1, "r", NULL), 0);	/* maps the zero page */
	expect_pkey_fault(e->t, a, "w", pkey);
	expect_pkey_fault(e->t, b, "w", pkey);

	set_key_rights(e->t, pkey, 0);
	assert_int_equal(mmlab_touch(e->t, a, 2 * PG, "w", NULL), 0);
	/* A read-only VMA with a write-disabled key: the key is checked before VM_WRITE. */
	assert_int_equal(mmlab_mprotect(e->t, a, 2 * PG, PROT_READ), 0);
	expect_fault(e->t, a, "w", SEGV_ACCERR_);
	set_key_rights(e->t, pkey, 2);
	expect_pkey_fault(e->t, a, "w", pkey);
	/* Instruction fetches are never subject to keys. */
	assert_int_equal(mmlab_mprotect(e->t, a, 2 * PG, PROT_READ | PROT_EXEC), 0);
	set_key_rights(e->t, pkey, 1);
	assert_int_equal(mmlab_touch(e->t, a, 2 * PG, "x", NULL), 0);
}

/*
 * protection_keys.c test_implicit_mprotect_exec_only_memory and
 * test_executing_on_unreadable_memory: a plain mprotect(PROT_EXEC) gives the execute-only
 * key, allocated once per mm, whose access-disable bit the caller's PKRU gets; the page still
 * executes but any read faults with SEGV_PKUERR. PROT_NONE, then PROT_READ|PROT_EXEC, clears
 * the key (__arch_override_mprotect_pkey), and the memory is readable again.
 */
static void test_exec_only_mprotect(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, PG, PROT_READ | PROT_WRITE | PROT_EXEC);

	assert_int_equal(mmlab_touch(e->t, a, 1, "r", NULL), 0);
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_EXEC), 0);
	assert_int_equal(smaps_pkey(e->t, a), 1);
	assert_int_equal(rdpkru(e->t), INIT_PKRU);	/* key 1 was access-disabled already */
	assert_int_equal(mmlab_touch(e->t, a, 1, "x", NULL), 0);
	expect_pkey_fault(e->t, a, "r", 1);
	/* The key is not the user's: not freeable, not usable by pkey_mprotect. */
	assert_int_equal(mmlab_pkey_free(e->t, 1), -EINVAL);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_EXEC, 1), -EINVAL);
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), 2);

	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_NONE), 0);
	assert_int_equal(smaps_pkey(e->t, a), 0);
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(mmlab_touch(e->t, a, 1, "r", NULL), 0);
	assert_int_equal(smaps_pkey(e->t, a), 0);

	/* Again: the same key; a PKRU that had opened it is closed again by the mprotect. */
	wrpkru(e->t, 0);
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_EXEC), 0);
	assert_int_equal(smaps_pkey(e->t, a), 1);
	assert_int_equal(rdpkru(e->t), 0x4U);
	expect_pkey_fault(e->t, a, "r", 1);
	/* Straight to PROT_READ|PROT_EXEC: back to key 0 too. */
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(smaps_pkey(e->t, a), 0);
	/* A user key is left to a plain mprotect, unless it asks for PROT_EXEC alone. */
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, 2), 0);
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(smaps_pkey(e->t, a), 2);
	assert_int_equal(mmlab_mprotect(e->t, a, PG, PROT_EXEC), 0);
	assert_int_equal(smaps_pkey(e->t, a), 1);
	/* pkey_mprotect's key is never overridden, PROT_EXEC alone included. */
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_EXEC, 2), 0);
	assert_int_equal(smaps_pkey(e->t, a), 2);
}

/*
 * do_mmap: PROT_EXEC alone gets the execute-only key (protection_keys.c's exec-only
 * mappings); PROT_READ|PROT_EXEC does not. When every key is taken, execute-only memory is
 * not offered: the mapping gets key 0 and stays readable.
 */
static void test_exec_only_mmap(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c;
	uint64_t x = map(e->t, PG, PROT_EXEC), rx = map(e->t, PG, PROT_READ | PROT_EXEC), y;

	assert_int_equal(smaps_pkey(e->t, x), 1);
	assert_int_equal(smaps_pkey(e->t, rx), 0);
	expect_pkey_fault(e->t, x, "r", 1);
	assert_int_equal(mmlab_touch(e->t, x, 1, "x", NULL), 0);
	assert_int_equal(mmlab_touch(e->t, rx, 1, "r", NULL), 0);

	/* A fork child inherits the key, the map and the PKRU. */
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(smaps_pkey(c, x), 1);
	expect_pkey_fault(c, x, "r", 1);
	assert_int_equal(mmlab_pkey_alloc(c, 0, 0), 2);
	mmlab_exit(c);

	assert_int_equal(mmlab_munmap(e->t, x, PG), 0);
	for (int k = 2; k < NR_PKEYS; k++)
		assert_int_equal(mmlab_pkey_alloc(e->t, 0, 0), k);
	y = map(e->t, PG, PROT_EXEC);
	assert_int_equal(smaps_pkey(e->t, y), 1);	/* the mm's key, allocated already */

	/* A fresh mm with every key taken: no execute-only key at all. */
	{
		struct mmlab_task_config tc = { .no_aslr = 1 };
		struct mmlab_task *t2;
		uint64_t z;

		assert_int_equal(mmlab_task_create(e->m, &tc, &t2), 0);
		for (int k = 1; k < NR_PKEYS; k++)
			assert_int_equal(mmlab_pkey_alloc(t2, 0, 0), k);
		z = map(t2, PG, PROT_EXEC);
		assert_int_equal(smaps_pkey(t2, z), 0);
		assert_int_equal(mmlab_touch(t2, z, 1, "r", NULL), 0);
		assert_int_equal(mmlab_mprotect(t2, z, PG, PROT_EXEC), 0);
		assert_int_equal(smaps_pkey(t2, z), 0);
		mmlab_exit(t2);
	}
}

/*
 * Keys are VMA flags (VM_PKEY_BIT0..3): VMAs with different keys do not merge (is_mergeable
 * compares every flag), a plain mprotect keeps a VMA's key (protection_keys.c
 * test_mprotect_with_pkey_0 sets it back and forth), and pkey_free leaves the key on the VMA.
 */
static void test_merge_and_keep(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, 4 * PG, PROT_READ | PROT_WRITE);
	int n0 = maps_lines(e->t), k = mmlab_pkey_alloc(e->t, 0, 0);

	/*
	 *  a         a+PG      a+2PG           a+4PG
	 *  [  rw k0  |  rw k1  |     rw k0     ]
	 */
	assert_int_equal(mmlab_touch(e->t, a, 4 * PG, "w", NULL), 0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a + PG, PG, PROT_READ | PROT_WRITE, k), 0);
	assert_int_equal(maps_lines(e->t), n0 + 2);
	assert_int_equal(smaps_pkey(e->t, a + PG), k);
	assert_int_equal(smaps_pkey(e->t, a + 2 * PG), 0);
	/* The same key on the neighbour: they merge. */
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE, k), 0);
	assert_int_equal(maps_lines(e->t), n0 + 1);
	assert_int_equal(smaps_pkey(e->t, a), k);
	/* A plain mprotect keeps the key. */
	assert_int_equal(mmlab_mprotect(e->t, a, 2 * PG, PROT_READ), 0);
	assert_int_equal(smaps_pkey(e->t, a), k);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, 2 * PG, PROT_READ | PROT_WRITE, 0), 0);
	assert_int_equal(maps_lines(e->t), n0);
	assert_int_equal(mmlab_pkey_mprotect(e->t, a, 2 * PG, PROT_READ | PROT_WRITE, k), 0);
	assert_int_equal(mmlab_pkey_free(e->t, k), 0);
	assert_int_equal(smaps_pkey(e->t, a), k);
	/* Freed, the key is found again by the next pkey_alloc. */
	assert_int_equal(mmlab_pkey_alloc(e->t, 0, PKEY_DISABLE_ACCESS_), k);
	expect_pkey_fault(e->t, a, "r", k);
	assert_int_equal(mmlab_touch(e->t, a + 2 * PG, 1, "r", NULL), 0);
}

/*
 * PKRU is per thread (copy_thread copies the parent's current value): a fork child and a
 * CLONE_VM thread start with their parent's PKRU, and later writes stay in their own thread.
 * pkey_sighandler_tests.c: a thread that disables key 0 (0x55555555) faults with SEGV_PKUERR
 * on its own stack's key-0 memory (thread_segv_pkuerr_stack) but with SEGV_MAPERR at an
 * unmapped address (thread_segv_with_pkey0_disabled), while the other threads go on.
 */
static void test_pkru_inheritance(void **state)
{
	struct env *e = *state;
	struct mmlab_task *c, *th;
	uint64_t a = map(e->t, PG, PROT_READ | PROT_WRITE);
	uint64_t stack = map(e->t, PG, PROT_READ | PROT_WRITE);
	int k = mmlab_pkey_alloc(e->t, 0, 0);

	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE, k), 0);
	assert_int_equal(rdpkru(e->t), INIT_PKRU & ~(3U << (2 * k)));
	set_key_rights(e->t, k, 2);
	assert_int_equal(mmlab_fork(e->t, &c), 0);
	assert_int_equal(rdpkru(c), rdpkru(e->t));
	expect_pkey_fault(c, a, "w", k);
	set_key_rights(e->t, k, 0);			/* the parent opens it; the child does not */
	assert_int_equal(mmlab_touch(e->t, a, 1, "w", NULL), 0);
	expect_pkey_fault(c, a, "w", k);
	mmlab_exit(c);

	assert_int_equal(mmlab_clone(e->t, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, &th), 0);
	assert_int_equal(mmlab_task_set_cpu(th, 1), 0);
	assert_int_equal(rdpkru(th), rdpkru(e->t));
	wrpkru(th, 0x55555555);
	expect_pkey_fault(th, stack, "r", 0);
	expect_fault(th, 0x1, "w", SEGV_MAPERR_);
	/* The parent, on the same CPU as the thread or not, keeps its own rights. */
	assert_int_equal(mmlab_touch(e->t, stack, 1, "r", NULL), 0);
	assert_int_equal(mmlab_task_set_cpu(e->t, 1), 0);
	assert_int_equal(mmlab_touch(e->t, a, 1, "w", NULL), 0);
	expect_pkey_fault(th, a, "r", k);
	/* pkey_alloc writes only the calling thread's PKRU. */
	assert_int_equal(mmlab_pkey_alloc(th, 0, PKEY_DISABLE_WRITE_), k + 1);
	assert_int_equal(rdpkru(e->t) >> (2 * (k + 1)) & 3, 1);
	assert_int_equal(rdpkru(th) >> (2 * (k + 1)) & 3, 2);
	mmlab_exit(th);
}

/*
 * get_user_pages checks the caller's PKRU too (check_vma_flags -> arch_vma_access_permitted):
 * MADV_POPULATE_READ of an access-disabled key is EINVAL, and mlock's populate fails with
 * EFAULT, which mlock reports as ENOMEM (the VMA is locked all the same).
 */
static void test_gup_checks_pkru(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, PG, PROT_READ | PROT_WRITE);
	int k = mmlab_pkey_alloc(e->t, 0, PKEY_DISABLE_ACCESS_);

	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ | PROT_WRITE, k), 0);
	assert_int_equal(mmlab_madvise(e->t, a, PG, MADV_POPULATE_READ), -EINVAL);
	assert_int_equal(mmlab_madvise(e->t, a, PG, MADV_POPULATE_WRITE), -EINVAL);
	assert_int_equal(mmlab_mlock(e->t, a, PG), -ENOMEM);
	set_key_rights(e->t, k, 0);
	assert_int_equal(mmlab_madvise(e->t, a, PG, MADV_POPULATE_WRITE), 0);
}

/*
 * fs/proc/task_mmu.c show_smap: "ProtectionKey:" after THPeligible on every VMA, the
 * [vsyscall] gate area included (key 0), when the CPU has PKU.
 */
static void test_smaps_lines(void **state)
{
	struct env *e = *state;
	uint64_t a = map(e->t, PG, PROT_READ);
	int k = mmlab_pkey_alloc(e->t, 0, 0);
	char *text, *p, want[64];
	int vmas = 0, keys = 0, thp = 0;

	assert_int_equal(mmlab_pkey_mprotect(e->t, a, PG, PROT_READ, k), 0);
	text = smaps(e->t);
	for (p = text; (p = strstr(p, "\nVmFlags: ")); p++)
		vmas++;
	for (p = text; (p = strstr(p, "\nProtectionKey:  ")); p++)
		keys++;
	for (p = text; (p = strstr(p, "\nTHPeligible:           0\nProtectionKey:  ")); p++)
		thp++;
	assert_true(vmas > 3);
	assert_int_equal(keys, vmas);
	assert_int_equal(thp, vmas);
	snprintf(want, sizeof(want), "ProtectionKey:  %8d\nVmFlags: rd mr mw me \n", k);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "[vsyscall]\n"));
	p = strstr(text, "[vsyscall]\n");
	assert_non_null(strstr(p, "ProtectionKey:         0\nVmFlags: ex \n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_pkru_and_init_val, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_exhaust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_key0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_only_mprotect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_only_mmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_and_keep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pkru_inheritance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gup_checks_pkru, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smaps_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
