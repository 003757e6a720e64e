/* The strace-syntax scenario reader: lines, joins, results, values, errors, evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "strace_flags.h"

static struct scenario *parse(const char *text)
{
	struct scenario *sc;

	assert_int_equal(scenario_parse("t.strace", text, strlen(text), 0, &sc), 0);
	return sc;
}

static unsigned long eval(const struct sc_value *v)
{
	struct sc_error err;
	unsigned long x;

	assert_int_equal(sc_eval(v, sc_default_lookup, NULL, &x, &err), 0);
	return x;
}

static void test_mmap_line(void **state)
{
	struct scenario *sc = parse("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, "
				    "-1, 0) = 0x7ffff7fc0000\n");
	const struct sc_record *r;

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->nr_recs, 1);
	r = sc->recs[0];
	assert_string_equal(r->name, "mmap");
	assert_int_equal(r->nr_args, 6);
	assert_int_equal(r->args[0]->kind, SC_V_NULL);
	assert_int_equal(eval(r->args[1]), 8192);
	assert_int_equal(eval(r->args[2]), 3);
	assert_int_equal(eval(r->args[3]), 0x22);
	assert_int_equal(eval(r->args[4]), (unsigned long)-1);
	assert_int_equal(r->res.kind, SC_RES_VALUE);
	assert_int_equal(r->res.val, 0x7ffff7fc0000UL);
	assert_true(r->res.hex);
	assert_int_equal(r->args[2]->pos.col, 18);
	scenario_free(sc);
}

static void test_strace_f_y(void **state)
{
	struct scenario *sc = parse(
		"[pid  3607] mmap(NULL, 1974096, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, "
		"3</usr/lib/x\\\\y\\074z\\076>, 0 <unfinished ...>\n"
		"[pid  3609] exit(0)                     = ?\n"
		"[pid  3609] +++ exited with 0 +++\n"
		"[pid  3607] <... mmap resumed>)         = 0x7ffff64cd000\n"
		"[pid  3607] wait4(3611,  <unfinished ...>\n"
		"3611  exit_group(3)               = ?\n"
		"<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 3611\n"
		"--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1234} ---\n"
		"+++ killed by SIGSEGV (core dumped) +++\n");
	const struct sc_record *r;

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->nr_recs, 7);
	r = sc->recs[2];
	assert_string_equal(r->name, "mmap");
	assert_int_equal(r->line, 1);
	assert_int_equal(r->resume_line, 4);
	assert_int_equal(r->pid, 3607);
	assert_int_equal(r->args[4]->kind, SC_V_FD);
	assert_int_equal(r->args[4]->num, 3);
	assert_string_equal(r->args[4]->str, "/usr/lib/x\\y<z>");
	assert_int_equal(sc->recs[0]->res.kind, SC_RES_UNKNOWN);
	assert_int_equal(sc->recs[1]->kind, SC_REC_EXITED);
	assert_int_equal(sc->recs[3]->pid, 3611);
	/* the unprefixed resumption belongs to the only task with an unfinished call */
	r = sc->recs[4];
	assert_string_equal(r->name, "wait4");
	assert_int_equal(r->pid, 3607);
	assert_int_equal(r->nr_args, 4);
	assert_int_equal(r->args[1]->kind, SC_V_ARRAY);
	assert_int_equal(sc->recs[5]->kind, SC_REC_SIGNAL);
	assert_int_equal(sc->recs[5]->sig, 11);
	assert_int_equal(sc->recs[6]->kind, SC_REC_KILLED);
	assert_true(sc->recs[6]->core_dumped);
	scenario_free(sc);
}

static void test_join_clone3_and_interrupted(void **state)
{
	struct scenario *sc = parse(
		"clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0, stack=0x7ffff64cd000} <unfinished ...>\n"
		"# a comment line\n"
		"<... clone3 resumed> => {parent_tid=[3609]}, 88) = 3609\n"
		"wait4(-1,  <unfinished ...>\n"
		"<... wait4 resumed> <unfinished ...>) = ?\n");
	const struct sc_record *r;

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->nr_recs, 2);
	r = sc->recs[0];
	assert_int_equal(r->nr_args, 2);
	assert_int_equal(r->args[0]->kind, SC_V_CHANGED);
	assert_int_equal(r->args[0]->lhs->kind, SC_V_STRUCT);
	assert_int_equal(r->args[0]->lhs->kids[0]->kind, SC_V_NAMED);
	assert_int_equal(eval(r->args[0]->lhs->kids[0]), 0x10100);
	/* column numbers of the resumed part refer to the resumed line */
	assert_int_equal(r->args[0]->rhs->pos.line, 3);
	assert_int_equal(r->args[0]->rhs->pos.col, 25);
	assert_int_equal(r->res.val, 3609);
	assert_true(sc->recs[1]->interrupted);
	scenario_free(sc);
}

static void test_values(void **state)
{
	struct scenario *sc = parse(
		"execve(\"/bin/x\", [\"a\\n\\t\\376\\x41\", \"long\"...], 0x7fff /* 37 vars */) = 0\n"
		"clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x10) = 5 # c\n"
		"mknodat(AT_FDCWD, \"/d\", 020644, makedev(0x1, 0x3)) = -1 EEXIST (File exists)\n"
		"mmap(NULL, 8192*1024, PROT_READ, MAP_PRIVATE|0x80000|21<<MAP_HUGE_SHIFT, -1, 010) = 0x1\n"
		"rt_sigprocmask(SIG_SETMASK, ~[KILL STOP RTMIN RT_1], [], 8) = 0\n");
	const struct sc_record *r;
	const struct sc_value *v;

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	r = sc->recs[0];
	v = r->args[1];
	assert_int_equal(v->kind, SC_V_ARRAY);
	assert_int_equal(v->kids[0]->str_len, 5);
	assert_memory_equal(v->kids[0]->str, "a\n\t\376A", 5);
	assert_true(v->kids[1]->truncated);
	assert_int_equal(r->args[2]->kind, SC_V_NUM);
	r = sc->recs[1];
	assert_non_null(sc_named_arg(r, "flags"));
	assert_int_equal(eval(sc_named_arg(r, "flags")), 0x1000000 | 17);
	assert_null(sc_named_arg(r, "nope"));
	r = sc->recs[2];
	assert_int_equal(r->res.kind, SC_RES_ERROR);
	assert_int_equal(r->res.err, EEXIST);
	assert_string_equal(r->res.annotation, "(File exists)");
	assert_int_equal(eval(r->args[2]), 020644);
	assert_int_equal(eval(r->args[3]), 0x103);
	r = sc->recs[3];
	assert_int_equal(eval(r->args[1]), 8192 * 1024);
	assert_int_equal(eval(r->args[3]), 0x2 | 0x80000 | (21UL << 26));
	assert_int_equal(eval(r->args[5]), 8);
	assert_int_equal(sc->recs[4]->args[1]->kind, SC_V_UNOP);
	scenario_free(sc);
}

static void test_pseudo_calls(void **state)
{
	struct scenario *sc = parse("maps()\n"
				    "touch(0x1000, 4096, \"w\") = SIGSEGV SEGV_MAPERR\n"
				    "# si_addr: 0x1000\n"
				    "poke(0x2000, \"ab\\0\")\n"
				    "peek(0x2000, 3) = \"ab\\0\"\n"
				    "pagemap(0x2000, 4096)\n");

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->recs[0]->pseudo, SC_PS_MAPS);
	assert_int_equal(sc->recs[1]->pseudo, SC_PS_TOUCH);
	assert_int_equal(sc->recs[1]->res.kind, SC_RES_SIGNAL);
	assert_int_equal(sc->recs[1]->res.si_code, 1);
	assert_true(sc->recs[1]->has_fault_addr);
	assert_int_equal(sc->recs[1]->fault_addr, 0x1000);
	assert_int_equal(sc->recs[2]->kind, SC_REC_SI_ADDR);
	assert_int_equal(sc->recs[3]->args[1]->str_len, 3);
	assert_int_equal(sc->recs[4]->res.bytes_len, 3);
	assert_int_equal(sc->recs[5]->pseudo, SC_PS_PAGEMAP);
	scenario_free(sc);
}

static void expect_error(const char *line, unsigned int col, const char *msg)
{
	struct scenario *sc = parse(line);
	struct sbuf sb = SBUF_INIT;

	assert_int_equal(sc->nr_errors, 1);
	sc_format_error(&sb, sc->file, &sc->errors[0]);
	if (!strstr(sbuf_str(&sb), msg) || sc->errors[0].col != col)
		fail_msg("'%s' gave '%s', want col %u '%s'", line, sbuf_str(&sb), col, msg);
	sbuf_free(&sb);
	scenario_free(sc);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("mmap(NULL, 8192", 16, "t.strace:1:16: expected ')'");
	expect_error("mmap(NULL, 0x) = 0", 12, "hex number without digits");
	expect_error("mmap(NULL, 099) = 0", 13, "bad digit");
	expect_error("mmap(\"abc) = 0", 6, "unterminated string");
	expect_error("munmap(1, 2) = -1 EWHAT (x)", 19, "unknown errno name 'EWHAT'");
	expect_error("munmap(1, 2) = @", 16, "bad result");
	expect_error("touch(1, 2, \"q\")", 1, "touch() mode");
	expect_error("maps(1)", 1, "maps() takes 0 arguments");
	expect_error("<... mmap resumed>) = 0", 6, "without an unfinished call");
	expect_error("mmap(NULL, 1 <unfinished ...>\n", 6, "never resumed");
	expect_error("+++ exited with 300 +++", 20, "exit status out of range");
	expect_error("--- SIGFOO {} ---", 5, "unknown signal 'SIGFOO'");
	expect_error("mmap(99999999999999999999) = 0", 6, "number out of range");
	expect_error("mmap([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		     70, "nested too deeply");
}

static void test_eval_errors(void **state)
{
	struct scenario *sc = parse("mmap(NULL, 1, PROT_READ|PROT_BOGUS, [1], \"s\", 1<<99)\n");
	struct sc_error err;
	unsigned long v;

	(void)state;
	assert_int_equal(sc_eval(sc->recs[0]->args[2], sc_default_lookup, NULL, &v, &err), -EINVAL);
	assert_int_equal(err.col, 25);
	assert_non_null(strstr(err.msg, "PROT_BOGUS"));
	assert_int_equal(sc_eval(sc->recs[0]->args[3], sc_default_lookup, NULL, &v, &err), -EINVAL);
	assert_int_equal(sc_eval(sc->recs[0]->args[4], sc_default_lookup, NULL, &v, &err), -EINVAL);
	assert_int_equal(sc_eval(sc->recs[0]->args[5], sc_default_lookup, NULL, &v, &err), -EINVAL);
	scenario_free(sc);
}

static void test_format(void **state)
{
	struct sbuf sb = SBUF_INIT;

	(void)state;
	sc_format_result(&sb, "mmap", 0x7ffff7fc0000L);
	assert_string_equal(sbuf_str(&sb), "= 0x7ffff7fc0000");
	sbuf_reset(&sb);
	sc_format_result(&sb, "munmap", 0);
	assert_string_equal(sbuf_str(&sb), "= 0");
	sbuf_reset(&sb);
	sc_format_result(&sb, "mmap", -ENOMEM);
	assert_string_equal(sbuf_str(&sb), "= -1 ENOMEM (Cannot allocate memory)");
	sbuf_reset(&sb);
	sc_format_result(&sb, "madvise", -EOPNOTSUPP);
	assert_string_equal(sbuf_str(&sb), "= -1 EOPNOTSUPP (Operation not supported)");
	sbuf_reset(&sb);
	strace_print_mmap_flags(&sb, 0x2 | 0x20 | 0x200 | (21UL << 26));
	assert_string_equal(sbuf_str(&sb), "MAP_PRIVATE|MAP_ANONYMOUS|0x200|21<<MAP_HUGE_SHIFT");
	sbuf_reset(&sb);
	strace_print_mmap_flags(&sb, 0xa | 0x20);
	assert_string_equal(sbuf_str(&sb), "0xa /* MAP_??? */|MAP_ANONYMOUS");
	sbuf_reset(&sb);
	strace_print_flags(&sb, &xlat_mmap_prot, 0, "PROT_???");
	assert_string_equal(sbuf_str(&sb), "PROT_NONE");
	sbuf_reset(&sb);
	strace_print_flags(&sb, &xlat_mlockall_flags, 0x40, "MCL_???");
	assert_string_equal(sbuf_str(&sb), "0x40 /* MCL_??? */");
	sbuf_reset(&sb);
	strace_print_xval(&sb, &xlat_madvise_cmds, 99, "MADV_???");
	assert_string_equal(sbuf_str(&sb), "0x63 /* MADV_??? */");
	sbuf_free(&sb);
}

/* Errno texts must be glibc's, which strace prints via strerror(). */
static void test_errno_texts(void **state)
{
	unsigned long v;

	(void)state;
	for (unsigned long e = 1; e < 134; e++) {
		const char *t = strace_errno_text(e);

		if (t)
			assert_string_equal(t, strerror((int)e));
	}
	assert_true(strace_errno_lookup("ENOMEM", 6, &v));
	assert_int_equal(v, ENOMEM);
}

/* Every recording under tests/data/recordings parses without error. */
static void test_recordings(void **state)
{
	const char *base = MMLAB_SOURCE_DIR "/tests/data/recordings";
	DIR *d = opendir(base);
	struct dirent *de;
	unsigned int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct sbuf sb = SBUF_INIT;
		struct scenario *sc;
		char path[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/trace.strace", base, de->d_name);
		assert_int_equal(scenario_load(path, 0, &sc), 0);
		if (sc->nr_errors) {
			sc_format_error(&sb, sc->file, &sc->errors[0]);
			fail_msg("%s", sbuf_str(&sb));
		}
		assert_true(sc->nr_recs > 5);
		scenario_free(sc);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_line),   cmocka_unit_test(test_strace_f_y),
		cmocka_unit_test(test_join_clone3_and_interrupted),
		cmocka_unit_test(test_values),	    cmocka_unit_test(test_pseudo_calls),
		cmocka_unit_test(test_errors),	    cmocka_unit_test(test_eval_errors),
		cmocka_unit_test(test_format),	    cmocka_unit_test(test_errno_texts),
		cmocka_unit_test(test_recordings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
