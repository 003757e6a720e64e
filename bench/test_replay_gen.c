// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Self-check of bench_replay's workload (replay_gen.c), so that `make check` catches a broken
 * generator before `make bench` does: the host kernel gives every result the generator
 * predicts (differential, executed natively in a child), lines parse back to the calls they
 * were formatted from, the native text replay agrees and notices a wrong line, and `mmlab run
 * --quiet --no-aslr -` (this build's, path in argv[1]) replays a generated log with no
 * mismatch and reports one when a line's result is made wrong. The lines are the same for
 * a seed and a heap base, and every kind of call and every error the README names occurs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replay_gen.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const char *tool;
static uint64_t heap_base;

static void test_heap_base(void **state)
{
	assert_int_equal(rg_mmlab_heap_base(&heap_base), 0);
	assert_int_not_equal(heap_base, 0);
	assert_int_equal(heap_base % RG_PAGE, 0);
}

static void test_deterministic(void **state)
{
	static struct rg_gen a, b, c;
	struct rg_call x, y, z;
	unsigned long differ = 0;

	rg_init(&a, 7, heap_base);
	rg_init(&b, 7, heap_base);
	rg_init(&c, 8, heap_base);
	for (int i = 0; i < 10000; i++) {
		rg_next(&a, &x);
		rg_next(&b, &y);
		rg_next(&c, &z);
		assert_memory_equal(&x, &y, sizeof(x));
		differ += memcmp(&x, &z, sizeof(x)) != 0;
	}
	assert_true(differ > 5000);
}

/* Every kind, every error path and both placements of mmap occur in 10^4 lines. */
static void test_mix(void **state)
{
	static struct rg_gen g;
	unsigned long eexist = 0, enomem_mprotect = 0, enomem_madvise = 0, einval = 0;
	unsigned long hint = 0, fixed = 0, noreplace = 0, shared = 0, heap_touch = 0, free_ = 0;
	struct rg_call c;

	rg_init(&g, 1, heap_base);
	for (int i = 0; i < 10000; i++) {
		rg_next(&g, &c);
		eexist += c.ret == -EEXIST;
		enomem_mprotect += c.kind == RG_MPROTECT && c.ret == -ENOMEM;
		enomem_madvise += c.kind == RG_MADVISE && c.ret == -ENOMEM;
		einval += c.ret == -EINVAL;
		if (c.kind == RG_MMAP) {
			hint += !(c.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE));
			fixed += !!(c.flags & MAP_FIXED);
			noreplace += !!(c.flags & MAP_FIXED_NOREPLACE);
			shared += !!(c.flags & MAP_SHARED);
		}
		heap_touch += c.kind == RG_TOUCH && c.heap;
		free_ += c.kind == RG_MADVISE && c.flags == MADV_FREE;
	}
	for (int k = 0; k < RG_NR_KINDS; k++)
		assert_true(g.count[k] > 300);
	assert_true(eexist && enomem_mprotect && enomem_madvise && einval);
	assert_true(hint && fixed && noreplace && shared && heap_touch && free_);
}

static void test_format_parse(void **state)
{
	static struct rg_gen g;
	char line[RG_LINE_MAX], again[RG_LINE_MAX];
	struct rg_call c, p;

	rg_init(&g, 2, heap_base);
	for (int i = 0; i < 20000; i++) {
		size_t n;

		rg_next(&g, &c);
		n = rg_format(&c, line);
		assert_true(n > 1 && n <= RG_LINE_MAX);
		assert_int_equal(line[n - 1], '\n');
		assert_null(memchr(line, '\n', n - 1));
		assert_int_equal(rg_parse(line, n - 1, heap_base, &p), 0);
		assert_memory_equal(&c, &p, sizeof(c));
		assert_int_equal(rg_format(&p, again), n);
		assert_memory_equal(line, again, n);
	}
	assert_int_equal(rg_parse("mmap(0x1000, 4096)", 18, heap_base, &p), -EINVAL);
	assert_int_equal(rg_parse("munmap(0x1000, 4096) = -1 EBOGUS (x)", 36, heap_base, &p),
			 -EINVAL);
	assert_int_equal(rg_parse("mremap(0x1000, 4096, 8192, 0) = 0x1000", 38, heap_base, &p),
			 -EINVAL);
}

/* The host kernel answers every call as the generator says (the differential check). */
static void test_native_matches(void **state)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		uint64_t ns = 0;

		assert_int_equal(rg_native_check(seed, heap_base, 20000, &ns), 0);
		assert_true(ns > 0);
	}
}

/* The text replay: 0 mismatches on the log, 1 on a log with one wrong line. */
static long native_replay(unsigned long lines, unsigned long corrupt_line)
{
	int pfd[2], status;
	pid_t pid;

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned long n = 0;
		long bad;

		close(pfd[1]);
		bad = rg_native_replay(pfd[0], heap_base, &n);
		_exit(n != lines ? 100 : bad < 0 ? 101 : (int)bad);
	}
	close(pfd[0]);
	assert_int_equal(rg_feed(pfd[1], 4, heap_base, lines, corrupt_line), 0);
	close(pfd[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_native_replay(void **state)
{
	assert_int_equal(native_replay(5000, 0), 0);
	assert_int_equal(native_replay(5000, 2500), 1);
}

static const char *const run_args[] = { "--quiet", "--no-aslr", NULL };

static void test_mmlab_replays(void **state)
{
	static struct rg_replay res;

	assert_int_equal(rg_replay(tool, run_args, 5, heap_base, 1000, 0, &res), 0);
	if (res.out_len)
		fprintf(stderr, "%s\n", res.out);
	assert_true(WIFEXITED(res.status));
	assert_int_equal(WEXITSTATUS(res.status), 0);
	assert_int_equal(res.out_len, 0);
	assert_true(res.maxrss_kb > 0);
}

/* The replay's check can fail: one wrong result is one mismatch and exit status 1. */
static void test_mmlab_sees_corruption(void **state)
{
	static struct rg_replay res;

	assert_int_equal(rg_replay(tool, run_args, 5, heap_base, 1000, 500, &res), 0);
	assert_true(WIFEXITED(res.status));
	assert_int_equal(WEXITSTATUS(res.status), 1);
	assert_true(res.out_len > 0);
	assert_non_null(strstr(res.out, "expected"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_base),	cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_mix),		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_native_matches), cmocka_unit_test(test_native_replay),
		cmocka_unit_test(test_mmlab_replays),	cmocka_unit_test(test_mmlab_sees_corruption),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s MMLAB\n", argv[0]);
		return 2;
	}
	tool = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
