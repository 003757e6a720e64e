// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public machine API as a user sees it: argument validation with Linux's errnos, a bare
 * address space mapped, written, read, protected and unmapped through the MMU, -ENOMEM that
 * leaves nothing behind, and counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "mmlab.h"

static struct mmlab_machine *new_machine(size_t ram)
{
	struct mmlab_machine_config cfg = { .ram_bytes = ram, .nr_cpus = 2 };
	struct mmlab_machine *m = NULL;

	assert_int_equal(mmlab_machine_create(&cfg, &m), 0);
	return m;
}

static void test_create_errors(void **state)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 4097 };
	struct mmlab_machine *m;

	(void)state;
	assert_int_equal(mmlab_machine_create(&cfg, &m), -EINVAL);
	cfg = (struct mmlab_machine_config){ .ram_bytes = 1 << 20, .nr_cpus = 65 };
	assert_int_equal(mmlab_machine_create(&cfg, &m), -EINVAL);
	assert_int_equal(mmlab_machine_create(&cfg, NULL), -EINVAL);
	/* The CPU and kernel switches are yes/no. */
	cfg = (struct mmlab_machine_config){ .no_pku = 2 };
	assert_int_equal(mmlab_machine_create(&cfg, &m), -EINVAL);
	cfg = (struct mmlab_machine_config){ .no_zero_page = -1 };
	assert_int_equal(mmlab_machine_create(&cfg, &m), -EINVAL);
	/* Default: 1 GiB, lazily backed, so cheap. */
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	struct mmlab_stats st;
	mmlab_machine_stats(m, &st);
	assert_int_equal(st.ram_pages, (1UL << 30) / 4096);
	assert_null(mmlab_machine_cpu(m, 1));
	assert_non_null(mmlab_machine_cpu(m, 0));
	mmlab_machine_destroy(m);
	mmlab_machine_destroy(NULL);
}

static void test_map_write_read_unmap(void **state)
{
	struct mmlab_machine *m = new_machine(8 << 20);
	struct mmlab_cpu *cpu = mmlab_machine_cpu(m, 0);
	struct mmlab_space *s;
	struct mmlab_fault f;
	char msg[] = "hello, page tables", back[sizeof(msg)];
	struct mmlab_stats st;

	(void)state;
	assert_int_equal(mmlab_space_create(m, &s), 0);
	mmlab_cpu_switch(cpu, s);
	assert_int_equal(mmlab_space_map(s, 0x10000, 3 * 4096, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mmlab_space_map(s, 0x12000, 4096, PROT_READ), -EEXIST);
	assert_int_equal(mmlab_write(cpu, 0x10ff8, msg, sizeof(msg), &f), sizeof(msg));
	assert_int_equal(mmlab_read(cpu, 0x10ff8, back, sizeof(back), &f), sizeof(back));
	assert_string_equal(back, msg);
	/* Fresh frames are zeroed. */
	assert_int_equal(mmlab_read(cpu, 0x12000, back, 8, &f), 8);
	assert_memory_equal(back, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(mmlab_space_protect(s, 0x11000, 4096, PROT_READ), 0);
	assert_int_equal(mmlab_write(cpu, 0x10ffc, msg, 8, &f), 4);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(f.code, 2 /* SEGV_ACCERR */);
	assert_int_equal(f.addr, 0x11000);
	assert_int_equal(mmlab_fetch(cpu, 0x10000, &f), -EFAULT);
	assert_int_equal(mmlab_space_protect(s, 0x10000, 4096, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(mmlab_fetch(cpu, 0x10000, &f), 0);
	assert_int_equal(mmlab_space_unmap(s, 0x11000, 4096), 0);
	assert_int_equal(mmlab_read(cpu, 0x10ff0, back, 32, &f), 16);
	assert_int_equal(f.code, 1 /* SEGV_MAPERR */);
	assert_int_equal(f.addr, 0x11000);
	mmlab_machine_stats(m, &st);
	assert_true(st.tlb_misses > 0 && st.tlb_hits > 0 && st.faults >= 3);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_space_destroy(s);
	mmlab_machine_stats(m, &st);
	assert_int_equal(st.free_pages, st.ram_pages - 1);
	assert_int_equal(st.pgtable_pages, 0);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_machine_destroy(m);
}

static void test_argument_errors(void **state)
{
	struct mmlab_machine *m = new_machine(4 << 20);
	struct mmlab_space *s;

	(void)state;
	assert_int_equal(mmlab_space_create(NULL, &s), -EINVAL);
	assert_int_equal(mmlab_space_create(m, &s), 0);
	assert_int_equal(mmlab_space_map(s, 0x1001, 4096, PROT_READ), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0x1000, 0, PROT_READ), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0x1000, 4096, 0x100), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0x7ffffffff000UL, 4096, PROT_READ), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0xffff800000000000UL, 4096, PROT_READ), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0x7fffffffe000UL, ~0UL, PROT_READ), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0x7fffffff0000UL, 0x10000, PROT_READ), -EINVAL);
	assert_int_equal(mmlab_space_map(s, 0x7fffffe00000UL, 0x20000, PROT_READ), 0);
	assert_int_equal(mmlab_space_unmap(s, 0x1000, 0), -EINVAL);
	assert_int_equal(mmlab_space_unmap(s, 0x7fffffe00000UL, 0x20000), 0);
	assert_int_equal(mmlab_space_protect(s, 0x1000, 4096, -1), -EINVAL);
	assert_int_equal(mmlab_machine_validate(m), 0);
	mmlab_space_destroy(s);
	mmlab_machine_destroy(m);
}

static void test_enomem_leaves_nothing(void **state)
{
	struct mmlab_machine *m = new_machine(1 << 20); /* 256 frames */
	struct mmlab_space *s;
	struct mmlab_stats before, after;

	(void)state;
	assert_int_equal(mmlab_space_create(m, &s), 0);
	mmlab_machine_stats(m, &before);
	assert_int_equal(mmlab_space_map(s, 0x100000, 300 * 4096, PROT_READ), -ENOMEM);
	mmlab_machine_stats(m, &after);
	assert_int_equal(after.free_pages, before.free_pages);
	assert_int_equal(mmlab_machine_validate(m), 0);
	/* Every failure point of a small map: none leaks. */
	for (unsigned long n = 1; n <= 8; n++) {
		mmlab_machine_fail_alloc_after(m, n);
		int err = mmlab_space_map(s, 0x40000000, 4 * 4096, PROT_READ | PROT_WRITE);

		mmlab_machine_fail_alloc_after(m, 0);
		if (err == 0) {
			assert_true(n > 7); /* 3 tables + 4 frames */
			assert_int_equal(mmlab_space_unmap(s, 0x40000000, 4 * 4096), 0);
		} else {
			assert_int_equal(err, -ENOMEM);
		}
		mmlab_machine_stats(m, &after);
		assert_int_equal(after.free_pages, before.free_pages);
		assert_int_equal(mmlab_machine_validate(m), 0);
	}
	mmlab_space_destroy(s);
	mmlab_machine_destroy(m);
}

static void test_two_cpus_share_a_space(void **state)
{
	struct mmlab_machine *m = new_machine(4 << 20);
	struct mmlab_cpu *c0 = mmlab_machine_cpu(m, 0), *c1 = mmlab_machine_cpu(m, 1);
	struct mmlab_space *s;
	struct mmlab_fault f;
	uint64_t v = 0x1122334455667788ULL, r = 0;

	(void)state;
	assert_int_equal(mmlab_space_create(m, &s), 0);
	mmlab_cpu_switch(c0, s);
	mmlab_cpu_switch(c1, s);
	assert_int_equal(mmlab_space_map(s, 0x20000, 4096, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mmlab_write(c0, 0x20000, &v, 8, &f), 8);
	assert_int_equal(mmlab_read(c1, 0x20000, &r, 8, &f), 8);
	assert_int_equal(r, v);
	assert_int_equal(mmlab_space_unmap(s, 0x20000, 4096), 0);
	assert_int_equal(mmlab_read(c1, 0x20000, &r, 8, &f), 0);
	assert_int_equal(mmlab_read(c0, 0x20000, &r, 8, &f), 0);
	mmlab_space_destroy(s);
	mmlab_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_map_write_read_unmap),
		cmocka_unit_test(test_argument_errors),
		cmocka_unit_test(test_enomem_leaves_nothing),
		cmocka_unit_test(test_two_cpus_share_a_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
