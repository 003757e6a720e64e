// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * White-box tests of `mmlab run`'s streaming (tools/mmlab/run.c is included to reach its
 * statics): records freed one by one, the order several -ff inputs are merged in by their
 * timestamps (set by hand on the records), and the join of an entry printed without a pid
 * prefix with a resumption printed with one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../tools/mmlab/run.c"
#include "mm/machine.h"	/* the flusher's clock, for test_pass_time */

/* One parsed line as an item of input @s, with an absolute timestamp when @t >= 0. */
static struct run_item *item(struct run_src *s, const char *line, double t)
{
	struct run_item *it = calloc(1, sizeof(*it) + 1);
	const struct sc_record *rec;
	struct sc_error err;

	assert_non_null(it);
	assert_int_equal(sc_parser_feed(s->parser, line, strlen(line), ++s->lineno, &rec, &err),
			 0);
	it->src = s;
	it->rec = rec;
	it->line = s->lineno;
	it->pid = rec && rec->pid ? rec->pid : s->pid;
	if (rec && t >= 0) {
		((struct sc_record *)rec)->has_time = true;
		((struct sc_record *)rec)->time = t;
	}
	return it;
}

/*
 * Two -ff inputs with -tt timestamps: lines come out by time, ties in pid order, and a line
 * without a timestamp (a comment) comes at its input's last time.
 */
static void test_merge_by_time(void **state)
{
	struct run_src srcs[2] = { { .name = "p.100", .pid = 100 }, { .name = "p.101", .pid = 101 } };
	struct runner r = { .srcs = srcs, .nr_srcs = 2, .timed = true };
	struct run_item *q[2][4];
	unsigned int n[2] = { 0, 0 }, k[2] = { 0, 0 }, order = 0;
	static const struct { unsigned int src, line; } want[] = {
		{ 0, 1 }, { 1, 1 }, { 0, 2 }, { 1, 2 }, { 1, 3 }, { 0, 3 }, { 0, 4 },
	};
	struct run_src *s;

	(void)state;
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(sc_parser_create(srcs[i].name, &srcs[i].parser), 0);
	q[0][n[0]++] = item(&srcs[0], "brk(NULL) = 0x1000", 10.0);
	q[0][n[0]++] = item(&srcs[0], "brk(NULL) = 0x1000", 12.0);
	q[0][n[0]++] = item(&srcs[0], "brk(NULL) = 0x1000", 15.0);
	q[0][n[0]++] = item(&srcs[0], "# no timestamp: after the line before it", -1);
	q[1][n[1]++] = item(&srcs[1], "brk(NULL) = 0x1000", 11.0);
	q[1][n[1]++] = item(&srcs[1], "brk(NULL) = 0x1000", 12.0);
	q[1][n[1]++] = item(&srcs[1], "brk(NULL) = 0x1000", 13.5);
	for (unsigned int i = 0; i < 2; i++)
		srcs[i].next = q[i][k[i]++];
	while ((s = next_src(&r))) {
		struct run_item *it = s->next;
		unsigned int i = (unsigned int)(s - srcs);

		assert_true(order < sizeof(want) / sizeof(want[0]));
		assert_int_equal(i, want[order].src);
		assert_int_equal(it->line, want[order].line);
		order++;
		s->clock = item_time(it);
		s->next = k[i] < n[i] ? q[i][k[i]++] : NULL;
		s->eof = !s->next;
		free_item(it);
	}
	assert_int_equal(order, sizeof(want) / sizeof(want[0]));
	for (unsigned int i = 0; i < 2; i++)
		sc_parser_destroy(srcs[i].parser);
}

/* Without timestamps, an input runs to its end before the next (pid order). */
static void test_merge_untimed(void **state)
{
	struct run_src srcs[2] = { { .name = "p.100", .pid = 100 }, { .name = "p.101", .pid = 101 } };
	struct runner r = { .srcs = srcs, .nr_srcs = 2, .timed = true };
	struct run_item *a, *b;

	(void)state;
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(sc_parser_create(srcs[i].name, &srcs[i].parser), 0);
	a = item(&srcs[0], "brk(NULL) = 0x1000", -1);
	b = item(&srcs[1], "brk(NULL) = 0x1000", -1);
	srcs[0].next = a;
	srcs[1].next = b;
	assert_ptr_equal(next_src(&r), &srcs[0]);
	srcs[0].next = NULL;
	srcs[0].eof = true;
	assert_ptr_equal(next_src(&r), &srcs[1]);
	free_item(a);
	free_item(b);
	for (unsigned int i = 0; i < 2; i++)
		sc_parser_destroy(srcs[i].parser);
}

/* Records are freed one by one, before or with their parser; a "# si_addr:" line fed after
 * its access was freed reaches nothing (ASan checks there is no use after free). */
static void test_record_free(void **state)
{
	static const char touch[] = "touch(0x1000, 1, \"w\") = SIGSEGV SEGV_MAPERR";
	static const char si[] = "# si_addr: 0x1000";
	const struct sc_record *a, *b, *c;
	struct sc_parser *p;
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_parser_create("t", &p), 0);
	assert_int_equal(sc_parser_feed(p, touch, strlen(touch), 1, &a, &err), 0);
	assert_int_equal(sc_parser_feed(p, si, strlen(si), 2, &b, &err), 0);
	assert_true(a->has_fault_addr);
	assert_int_equal(a->fault_addr, 0x1000);
	sc_record_free(a);
	sc_record_free(b);
	assert_int_equal(sc_parser_feed(p, touch, strlen(touch), 3, &a, &err), 0);
	sc_record_free(a);
	assert_int_equal(sc_parser_feed(p, si, strlen(si), 4, &b, &err), 0);
	sc_record_free(b);
	/* a record left to the parser is freed with it */
	assert_int_equal(sc_parser_feed(p, touch, strlen(touch), 5, &c, &err), 0);
	assert_non_null(c);
	sc_parser_destroy(p);
}

/* "vfork( <unfinished ...>" while one task was traced, resumed once the child's lines brought
 * "[pid N]" prefixes in: one record, with the pid of the resumption and no entry pid. */
static void test_vfork_join(void **state)
{
	static const char *const lines[] = {
		"vfork( <unfinished ...>",
		"[pid 14066] execve(\"/bin/true\", [\"true\"], 0x7fffffffe598 /* 40 vars */) = 0",
		"[pid 13929] <... vfork resumed>)        = 14066",
	};
	const struct sc_record *rec[3];
	struct sc_parser *p;
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_parser_create("t", &p), 0);
	for (unsigned int k = 0; k < 3; k++)
		assert_int_equal(sc_parser_feed(p, lines[k], strlen(lines[k]), k + 1, &rec[k], &err),
				 0);
	assert_null(rec[0]);
	assert_int_equal(rec[1]->pid, 14066);
	assert_string_equal(rec[2]->name, "vfork");
	assert_int_equal(rec[2]->pid, 13929);
	assert_int_equal(rec[2]->entry_pid, 0);
	assert_int_equal(rec[2]->line, 1);
	assert_int_equal(rec[2]->resume_line, 3);
	assert_int_equal((long)rec[2]->res.val, 14066);
	sc_parser_destroy(p);
}

/* Runs @line's record's timing on @r, returning the machine's flusher clock (centiseconds). */
static unsigned long clock_after(struct runner *r, const char *line)
{
	const struct sc_record *rec;
	struct sc_error err;

	assert_int_equal(sc_parser_feed(r->srcs[0].parser, line, strlen(line),
					++r->srcs[0].lineno, &rec, &err), 0);
	if (rec) {
		pass_time(r, rec);
		sc_record_free(rec);
	}
	return machine_of(r->machine)->vfs.clock;
}

/*
 * Absolute timestamps: the clock moves by the time between lines, never back (a record run
 * out of order), across midnight for -t/-tt; lines without one move nothing.
 */
static void test_pass_time(void **state)
{
	struct run_src src = { .name = "t" };
	struct runner r = { .srcs = &src, .nr_srcs = 1 };

	(void)state;
	assert_int_equal(sc_parser_create(src.name, &src.parser), 0);
	assert_int_equal(mmlab_machine_create(NULL, &r.machine), 0);
	assert_int_equal(clock_after(&r, "23:59:50.000000 brk(NULL) = 0x1000"), 0);
	assert_int_equal(clock_after(&r, "23:59:51.250000 brk(NULL) = 0x1000"), 125);
	assert_int_equal(clock_after(&r, "brk(NULL) = 0x1000"), 125);
	assert_int_equal(clock_after(&r, "23:59:50.000000 brk(NULL) = 0x1000"), 125);
	assert_int_equal(clock_after(&r, "00:00:01.250000 brk(NULL) = 0x1000"), 1125);
	assert_int_equal(clock_after(&r, "sleep(0.5)"), 1125);	/* the call does it, not time */
	sc_parser_destroy(src.parser);
	mmlab_machine_destroy(r.machine);
	r.machine = NULL;
	r.has_time = false;
	assert_int_equal(sc_parser_create(src.name, &src.parser), 0);
	assert_int_equal(mmlab_machine_create(NULL, &r.machine), 0);
	assert_int_equal(clock_after(&r, "1700000000.000000 brk(NULL) = 0x1000"), 0);
	assert_int_equal(clock_after(&r, "1700000031.000000 brk(NULL) = 0x1000"), 3100);
	sc_parser_destroy(src.parser);
	mmlab_machine_destroy(r.machine);
}

/* -r: each line's seconds since the one before pass; not in an -ff set of several inputs. */
static void test_pass_time_relative(void **state)
{
	struct run_src src[2] = { { .name = "t" } };
	struct runner r = { .srcs = src, .nr_srcs = 1 };

	(void)state;
	assert_int_equal(sc_parser_create(src[0].name, &src[0].parser), 0);
	assert_int_equal(mmlab_machine_create(NULL, &r.machine), 0);
	assert_int_equal(clock_after(&r, "     0.000000 brk(NULL) = 0x1000"), 0);
	assert_int_equal(clock_after(&r, "     0.004000 brk(NULL) = 0x1000"), 0);
	assert_int_equal(clock_after(&r, "     0.006000 brk(NULL) = 0x1000"), 1);
	assert_int_equal(clock_after(&r, "    30.000000 brk(NULL) = 0x1000"), 3001);
	r.nr_srcs = 2;
	assert_int_equal(clock_after(&r, "    30.000000 brk(NULL) = 0x1000"), 3001);
	sc_parser_destroy(src[0].parser);
	mmlab_machine_destroy(r.machine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_by_time),
		cmocka_unit_test(test_pass_time),
		cmocka_unit_test(test_pass_time_relative),
		cmocka_unit_test(test_merge_untimed),
		cmocka_unit_test(test_record_free),
		cmocka_unit_test(test_vfork_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
