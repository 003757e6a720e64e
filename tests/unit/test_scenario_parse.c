// SPDX-License-Identifier: LGPL-2.1-or-later
/* The strace-syntax scenario reader: lines, joins, results, values, errors, evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	/* a leading '|' is statx's flags' alone, as -X raw prints them ("|0x900") */
	expect_error("mmap(NULL, |4096) = 0", 12, "t.strace:1:12: unexpected character '|'");
	expect_error("munmap(1, (|2)) = 0", 12, "unexpected character '|'");
	expect_error("statx(-100, \"/\", 0, |0x2, 0) = 0", 21, "unexpected character '|'");
	expect_error("statx(-100, \"/\", |AT_EMPTY_PATH, 0x2, 0) = 0", 18, "unexpected character");
	expect_error("mmap(NULL, 1 | |2) = 0", 16, "unexpected character '|'");
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

/* The record that starts on @line, or fail. */
static const struct sc_record *rec_at(const struct scenario *sc, unsigned int line)
{
	for (unsigned int k = 0; k < sc->nr_recs; k++)
		if (sc->recs[k]->line == line)
			return sc->recs[k];
	fail_msg("%s: no record on line %u", sc->file, line);
	return NULL;
}

static struct scenario *load_log(const char *name)
{
	char path[4096];
	struct scenario *sc;

	snprintf(path, sizeof(path), "%s/tests/data/strace/%s", MMLAB_SOURCE_DIR, name);
	assert_int_equal(scenario_load(path, 0, &sc), 0);
	if (sc->nr_errors) {
		struct sbuf sb = SBUF_INIT;

		sc_format_error(&sb, sc->file, &sc->errors[0]);
		fail_msg("%s", sbuf_str(&sb));
	}
	return sc;
}

static void assert_fd(const struct sc_value *v, unsigned long fd, const char *path)
{
	assert_int_equal(v->kind, SC_V_FD);
	assert_int_equal(v->num, fd);
	assert_string_equal(v->str, path);
	assert_int_equal(v->str_len, strlen(path));
}

static void assert_time(const struct sc_record *r, double t, bool relative)
{
	assert_true(r->has_time);
	assert_int_equal(r->time_relative, relative);
	if (r->time < t - 5e-7 || r->time > t + 5e-7)
		fail_msg("line %u: time %.6f, want %.6f", r->line, r->time, t);
}

/* Every log of tests/data/strace, as strace 6.1 wrote it, parses without an error. */
static void test_strace_logs(void **state)
{
	const char *base = MMLAB_SOURCE_DIR "/tests/data/strace";
	DIR *d = opendir(base);
	struct dirent *de;
	unsigned int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct scenario *sc;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
			continue;
		sc = load_log(de->d_name);
		/* a detached strace leaves nothing complete */
		assert_true(sc->nr_recs >= 1 || !strcmp(de->d_name, "attach-detach.strace"));
		scenario_free(sc);
		n++;
	}
	closedir(d);
	assert_true(n >= 15);
}

/* The logs of tests/data/strace-logs (strace -f -y, -tt -T, -yy of twelve programs) too. */
static void test_strace_logs_replayed(void **state)
{
	const char *base = MMLAB_SOURCE_DIR "/tests/data/strace-logs";
	static const char *const logs[] = { "strace-f-y.log", "strace-tt-T.log", "strace-yy.log" };
	DIR *d = opendir(base);
	struct dirent *de;
	unsigned int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		for (size_t k = 0; de->d_name[0] != '.' && k < sizeof(logs) / sizeof(logs[0]); k++) {
			struct sbuf sb = SBUF_INIT;
			struct scenario *sc;
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s/%s", base, de->d_name, logs[k]);
			if (access(path, R_OK))
				continue;
			assert_int_equal(scenario_load(path, 0, &sc), 0);
			if (sc->nr_errors) {
				sc_format_error(&sb, sc->file, &sc->errors[0]);
				fail_msg("%s", sbuf_str(&sb));
			}
			assert_true(sc->nr_recs > 5);
			scenario_free(sc);
			n++;
		}
	}
	closedir(d);
	assert_true(n >= 12);
}

/* strace -f -tt -T -yy -o FILE: "PID  HH:MM:SS.us call(...) = R <T>", -yy decorations. */
static void test_log_yy(void **state)
{
	struct scenario *sc = load_log("ev-f-tt-T-yy.strace");
	const struct sc_record *r;
	const struct sc_value *v;

	(void)state;
	r = rec_at(sc, 30); /* eventfd2(0, 0) = 3<anon_inode:[eventfd]> <0.000010> */
	assert_int_equal(r->pid, 22137);
	assert_string_equal(r->name, "eventfd2");
	assert_time(r, 6 * 3600 + 7 * 60 + 19.279802, false);
	assert_int_equal(r->res.kind, SC_RES_VALUE);
	assert_int_equal(r->res.val, 3);
	assert_string_equal(r->res.path, "anon_inode:[eventfd]");
	assert_null(r->res.annotation);
	r = rec_at(sc, 32); /* socketpair(..., [6<UNIX-STREAM:[200339->200340]>, 7<...>]) */
	v = r->args[3];
	assert_int_equal(v->kind, SC_V_ARRAY);
	assert_fd(v->kids[0], 6, "UNIX-STREAM:[200339->200340]");
	assert_fd(v->kids[1], 7, "UNIX-STREAM:[200340->200339]");
	r = rec_at(sc, 42); /* write(9<TCP:[127.0.0.1:37970->127.0.0.1:37733]>, "y", 1) = 1 */
	assert_fd(r->args[0], 9, "TCP:[127.0.0.1:37970->127.0.0.1:37733]");
	assert_int_equal(r->nr_args, 3);
	assert_int_equal(r->res.val, 1);
	/* openat(AT_FDCWD</tmp/sf>, "...", ...) = 11</tmp/parse-logs/tmp\76weird\tname> */
	r = rec_at(sc, 49);
	assert_int_equal(r->args[0]->kind, SC_V_SYM);
	assert_string_equal(r->args[0]->name, "AT_FDCWD");
	assert_string_equal(r->args[0]->str, "/tmp/sf");
	assert_int_equal(eval(r->args[3]), 0600);
	assert_int_equal(r->res.val, 11);
	assert_string_equal(r->res.path, "/tmp/parse-logs/tmp>weird\tname");
	r = rec_at(sc, 52); /* mmap(..., 11</tmp/parse-logs/tmp\76weird\tname>(deleted), 0) */
	assert_fd(r->args[4], 11, "/tmp/parse-logs/tmp>weird\tname");
	assert_int_equal(eval(r->args[5]), 0);
	assert_int_equal(r->res.val, 0x7f8c4e4ca000UL);
	r = rec_at(sc, 55); /* ... = 12</dev/null<char 1:3>> <0.000012> */
	assert_string_equal(r->res.path, "/dev/null");
	assert_fd(rec_at(sc, 59)->args[0], 12, "/dev/null");
	assert_int_equal(rec_at(sc, 67)->kind, SC_REC_SIGNAL); /* --- stopped by SIGSTOP --- */
	assert_null(rec_at(sc, 67)->info);
	assert_int_equal(rec_at(sc, 67)->sig, 19);
	assert_int_equal(rec_at(sc, 72)->kind, SC_REC_KILLED);
	assert_int_equal(rec_at(sc, 72)->sig, 9);
	assert_int_equal(rec_at(sc, 72)->pid, 22138);
	r = rec_at(sc, 82); /* exit_group(0) = ? */
	assert_int_equal(r->res.kind, SC_RES_UNKNOWN);
	assert_null(r->res.annotation);
	scenario_free(sc);
}

/*
 * The trace on stderr: "[pid N]" only while several tasks run, and strace's "strace: Process
 * N attached" cutting a line that goes on on the next one.
 */
static void test_log_stderr(void **state)
{
	struct scenario *sc = load_log("ev-f-tt-y-stderr.strace");
	const struct sc_record *r;

	(void)state;
	/* 61: wait4(22144, strace: Process 22144 attached / 62: " <unfinished ...>" */
	r = rec_at(sc, 61);
	assert_string_equal(r->name, "wait4");
	assert_int_equal(r->pid, 22143); /* resumed by "[pid 22143]" */
	assert_true(r->resume_line > 62);
	assert_int_equal(eval(r->args[0]), 22144);
	assert_int_equal(r->res.val, 22144);
	assert_time(r, 6 * 3600 + 7 * 60 + 19.343149, false);
	scenario_free(sc);

	sc = load_log("sh-pipe-f-r-y-stderr.strace");
	r = rec_at(sc, 2); /* "     0.004174 brk(NULL) = 0x557d6bfee000" */
	assert_int_equal(r->pid, 0);
	assert_time(r, 0.004174, true);
	assert_int_equal(r->res.val, 0x557d6bfee000UL);
	scenario_free(sc);
}

/* Other flags: -ff (no pid), -ttt, -t, -s 4, -e trace=, thread execve, signals, -k. */
static void test_log_flags(void **state)
{
	struct scenario *sc = load_log("sh-pipe-ff.22156");
	const struct sc_record *r;

	(void)state;
	r = rec_at(sc, 2); /* 06:07:19.426214 close(3<pipe:[200413]>) = 0 <0.000069> */
	assert_int_equal(r->pid, 0);
	assert_time(r, 6 * 3600 + 7 * 60 + 19.426214, false);
	assert_fd(r->args[0], 3, "pipe:[200413]");
	assert_int_equal(r->res.val, 0);
	scenario_free(sc);

	sc = load_log("py-threads-f-ttt-T-y.strace");
	r = rec_at(sc, 1);
	assert_int_equal(r->pid, 22195);
	assert_time(r, 1796537243.193528, false);
	assert_int_equal(r->res.val, 0x7f5fbe8b9000UL);
	scenario_free(sc);

	sc = load_log("true-f-t.strace");
	assert_time(rec_at(sc, 2), 6 * 3600 + 7 * 60 + 19, false);
	assert_int_equal(rec_at(sc, 2)->pid, 22167);
	scenario_free(sc);

	sc = load_log("gcc-f-s4-y.strace");
	r = rec_at(sc, 23); /* read(3</usr/lib/...>, "\177ELF"..., 832) = 832 */
	assert_true(r->args[1]->truncated);
	assert_int_equal(r->args[1]->str_len, 4);
	assert_fd(r->args[0], 3, "/usr/lib/x86_64-linux-gnu/libisl.so.23.2.0");
	scenario_free(sc);

	sc = load_log("signals-f-T.strace");
	r = rec_at(sc, 32); /* = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <1.000746> */
	assert_int_equal(r->res.kind, SC_RES_UNKNOWN);
	assert_string_equal(r->res.annotation, "ERESTART_RESTARTBLOCK (Interrupted by signal)");
	assert_true(rec_at(sc, 44)->core_dumped);
	assert_int_equal(rec_at(sc, 44)->sig, 6);
	scenario_free(sc);

	/* a thread's execve resumes under the leader's pid after "superseded by execve" */
	sc = load_log("execve-thread.strace");
	r = rec_at(sc, 44);
	assert_string_equal(r->name, "execve");
	assert_int_equal(r->resume_line, 47);
	assert_int_equal(r->pid, 22176);
	assert_int_equal(r->res.val, 0);
	scenario_free(sc);
}

/*
 * strace -X verbose and -X raw print AT_FDCWD as a number, with its -y decoration after the
 * comment verbose adds: the fd keeps the directory a relative path is joined to.
 */
static void test_log_xlat_styles(void **state)
{
	static const char *const logs[] = { "cat-X-verbose-y.strace", "cat-X-raw-y.strace" };
	struct scenario *sc;

	(void)state;
	for (unsigned int k = 0; k < 2; k++) {
		const struct sc_record *r;

		sc = load_log(logs[k]);
		r = rec_at(sc, 7); /* openat(-100 ...</etc>, "os-release" */

		assert_string_equal(r->name, "openat");
		assert_fd(r->args[0], (unsigned long)-100, "/etc");
		assert_string_equal(r->res.path, "/usr/lib/os-release");
		r = rec_at(sc, 3); /* mmap(NULL, 8192, 0x3 [comment], 0x22 [comment], -1, 0) */
		assert_int_equal(r->args[2]->kind, SC_V_NUM);
		assert_int_equal(r->args[2]->num, 3);
		scenario_free(sc);
	}
	/* statx(-100</>, "/", |0x900, 0x2, {...}) = 0: -X raw leaves the sync type's part empty */
	sc = load_log("ls-X-raw-statx.strace");
	assert_int_equal(rec_at(sc, 1)->args[2]->kind, SC_V_NUM);
	assert_int_equal(rec_at(sc, 1)->args[2]->num, 0x900);
	scenario_free(sc);
}

/* -e read=/write= dump the data after the call: the dump lines are strace's, no records. */
static void test_log_dumps(void **state)
{
	struct scenario *sc = load_log("py-e-read-write-iov.strace");

	(void)state;
	assert_int_equal(sc->nr_recs, 4); /* writev, write, readv, +++ exited */
	assert_string_equal(rec_at(sc, 6)->name, "write");
	assert_string_equal(rec_at(sc, 8)->name, "readv");
	scenario_free(sc);
	sc = load_log("cat-f-e-read-write.strace");
	assert_string_equal(rec_at(sc, 24)->name, "write"); /* its 17 dump lines follow */
	assert_string_equal(rec_at(sc, 42)->name, "read");
	scenario_free(sc);
}

/*
 * A dump of a buffer of 1 MiB or more has a wider offset; the line classifiers stay within
 * the line's bytes, which nothing NUL-ends (an exact-size copy, for ASan to see).
 */
static void test_log_dump_bounds(void **state)
{
	static const char *const texts[] = {
		"read(0, \"ab\", 2) = 2\n | 100000  61 62  ab |\n",
		"* 1 bytes in buffer 1",
		"getpid() = 1\n% time\n--",
		"getpid() = 1\n% time     seconds\n---- -----",
	};
	struct scenario *sc;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t len = strlen(texts[i]);
		char *copy = malloc(len);

		assert_non_null(copy);
		memcpy(copy, texts[i], len);
		if (scenario_parse("t.strace", copy, len, 0, &sc) == 0) {
			if (i == 0) {
				assert_int_equal(sc->nr_errors, 0);
				assert_int_equal(sc->nr_recs, 1);
			}
			scenario_free(sc);
		}
		free(copy);
	}
}

/*
 * A thread killed inside a call (here by another thread's execve) may have no "resumed"
 * line: its exit ends the call, which is not reported as never resumed.
 */
static void test_exit_ends_unfinished(void **state)
{
	struct scenario *sc = parse("18780 rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>\n"
				    "18779 getpid() = 18779\n"
				    "18780 +++ exited with 0 +++\n");

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->nr_recs, 2);
	assert_string_equal(rec_at(sc, 2)->name, "getpid");
	scenario_free(sc);
}

/* Forms read in strace 6.1's source (tests/data/strace/from-source.strace). */
static void test_log_from_source(void **state)
{
	struct scenario *sc = load_log("from-source.strace");
	const struct sc_record *r;

	(void)state;
	r = rec_at(sc, 5); /* 4000  12:00:00 (+     0.000010) brk(NULL) = 0x1000 */
	assert_int_equal(r->pid, 4000);
	assert_time(r, 12 * 3600, false);
	r = rec_at(sc, 8); /* ???(0x1, ...) = -1 (errno 1234) */
	assert_string_equal(r->name, "???");
	assert_int_equal(r->nr_args, 6);
	assert_int_equal(r->res.kind, SC_RES_ERROR);
	assert_int_equal(r->res.err, 1234);
	r = rec_at(sc, 9); /* ???( <unfinished ...> ... <... ??? resumed>) = ? <unavailable> */
	assert_int_equal(r->resume_line, 13);
	assert_int_equal(r->res.kind, SC_RES_UNKNOWN);
	assert_string_equal(r->res.annotation, "<unavailable>");
	assert_time(r, 12 * 3600 + 2, false); /* the entry line's */
	assert_fd(rec_at(sc, 16)->args[0], 3, "/tmp/x (deleted)");
	assert_string_equal(rec_at(sc, 17)->res.path, "pid:4001");
	assert_fd(rec_at(sc, 18)->args[0], 0, "/dev/pts/0");
	r = rec_at(sc, 19);
	assert_string_equal(r->args[0]->str, "/h<o>me");
	assert_string_equal(r->res.path, "/h<o>me/a");
	assert_string_equal(rec_at(sc, 21)->res.annotation, "(INJECTED)");
	scenario_free(sc);
}

/* Each leader and trailer form on its own. */
static void test_leaders(void **state)
{
	struct scenario *sc = parse(
		"12:34:56 brk(NULL) = 0x1000\n"
		"12:34:56.123456 brk(NULL) = 0x1000 <0.000012>\n"
		"1700000000.123456 brk(NULL) = 0x1000\n"
		"     0.000123 brk(NULL) = 0x1000\n"
		"[pid  42] 12:34:56.5 munmap(0x1000, 4096) = -1 EINVAL (Invalid argument) <0.000003>\n"
		"12:34:57 [pid 43] exit_group(0) = ?\n"
		"43    1700000001 +++ exited with 0 +++\n"
		"strace: Process 44 attached\n"
		"  strace: [ Process PID=44 runs in x32 mode. ]\n"
		"[pid 44] [ Process PID=44 runs in 64 bit mode. ]\n"
		"read(0, \"\", 1) = 0 <1>\n"
		"restart_syscall(<... resuming interrupted read ...>) = 0\n"
		"read(0,  <detached ...>\n"
		"--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=43, si_status=0} ---\n"
		"+++ killed by SIGSEGV (core dumped) +++\n");
	const struct sc_record *r;

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->nr_recs, 11);
	assert_time(sc->recs[0], 12 * 3600 + 34 * 60 + 56, false);
	assert_time(sc->recs[1], 12 * 3600 + 34 * 60 + 56.123456, false);
	assert_null(sc->recs[1]->res.annotation);
	assert_time(sc->recs[2], 1700000000.123456, false);
	assert_time(sc->recs[3], 0.000123, true);
	r = sc->recs[4];
	assert_int_equal(r->pid, 42);
	assert_time(r, 12 * 3600 + 34 * 60 + 56.5, false);
	assert_int_equal(r->res.kind, SC_RES_ERROR);
	assert_string_equal(r->res.annotation, "(Invalid argument)");
	assert_int_equal(sc->recs[5]->pid, 43);
	assert_time(sc->recs[5], 12 * 3600 + 34 * 60 + 57, false);
	assert_int_equal(sc->recs[6]->kind, SC_REC_EXITED);
	assert_int_equal(sc->recs[6]->pid, 43);
	assert_time(sc->recs[6], 1700000001, false);
	assert_null(sc->recs[7]->res.annotation);
	assert_string_equal(sc->recs[8]->name, "restart_syscall");
	assert_int_equal(sc->recs[8]->nr_args, 0);
	assert_int_equal(sc->recs[9]->kind, SC_REC_SIGNAL);
	assert_false(sc->recs[9]->has_time);
	assert_true(sc->recs[10]->core_dumped);
	scenario_free(sc);

	/* -Y, -n, -i: "PID<comm>", "[  11]" (syscall number), "[00007f...]" (instruction pointer) */
	sc = parse("18311<sh> 06:16:37.694300 [  11] [00007f10068e9ce7] munmap(0x1000, 4096) = 0\n"
		   "[pid 18324<sl\\76eep>] [ 231] [????????????????] +++ exited with 0 +++\n"
		   "getpid() = 18311<sh>\n");
	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->recs[0]->pid, 18311);
	assert_string_equal(sc->recs[0]->name, "munmap");
	assert_time(sc->recs[0], 6 * 3600 + 16 * 60 + 37.6943, false);
	assert_int_equal(sc->recs[1]->pid, 18324);
	assert_int_equal(sc->recs[1]->kind, SC_REC_EXITED);
	assert_int_equal(sc->recs[2]->res.val, 18311);
	assert_string_equal(sc->recs[2]->res.path, "sh");
	scenario_free(sc);

	expect_error("12:34:56 (+ x) brk(NULL) = 0", 13, "bad relative timestamp");
	expect_error("+++ superseded by execve in pid x +++", 33, "expected 'superseded");
	expect_error("[pid 5] 12:00:00", 17, "timestamp without a call");
	expect_error("write(1</a\\>, \"\", 0) = 0", 8, "unterminated fd decoration");
	expect_error("munmap(1, 2) = -1 (errno x)", 26, "expected '(errno N)'");
	expect_error("wait4(1, strace: Process 5 attached\n", 10, "not continued");
}

/* Decorations print back the way strace writes them, and read again to the same values. */
static void test_decoration_format(void **state)
{
	struct scenario *sc = parse(
		"openat(AT_FDCWD</h\\76>, \"x\", O_RDONLY) = 3</h\\76/x>\n"
		"write(4<TCP:[1.2.3.4:5->6.7.8.9:10]>, \"\", 0) = 0\n"
		"munmap(1, 2) = -1 (errno 1234)\n");
	struct sbuf sb = SBUF_INIT;

	(void)state;
	assert_int_equal(sc->nr_errors, 0);
	sc_format_record(&sb, sc->recs[0]);
	assert_string_equal(sbuf_str(&sb),
			    "openat(AT_FDCWD</h\\76>, \"x\", O_RDONLY) = 3</h\\76/x>");
	sbuf_reset(&sb);
	sc_format_record(&sb, sc->recs[1]);
	assert_string_equal(sbuf_str(&sb), "write(4<TCP:[1.2.3.4:5->6.7.8.9:10]>, \"\", 0) = 0");
	sbuf_reset(&sb);
	sc_format_record(&sb, sc->recs[2]);
	assert_string_equal(sbuf_str(&sb), "munmap(1, 2) = -1 (errno 1234)");
	sbuf_free(&sb);
	scenario_free(sc);
}

/* A line of @n copies of @term joined by @op, as the argument of mmap(). */
static char *chain_line(const char *term, const char *op, size_t n)
{
	size_t tl = strlen(term), ol = strlen(op), len = 5 + n * (tl + ol) + 3;
	char *s = malloc(len), *p = s;

	assert_non_null(s);
	p += sprintf(p, "mmap(");
	for (size_t k = 0; k < n; k++) {
		if (k) {
			memcpy(p, op, ol);
			p += ol;
		}
		memcpy(p, term, tl);
		p += tl;
	}
	strcpy(p, ")\n");
	return s;
}

static void check_chain(const char *term, const char *op, size_t n, unsigned long want)
{
	char *line = chain_line(term, op, n);
	struct scenario *sc = parse(line);
	struct sbuf sb = SBUF_INIT;

	assert_int_equal(sc->nr_errors, 0);
	assert_int_equal(sc->recs[0]->nr_args, 1);
	assert_int_equal(eval(sc->recs[0]->args[0]), want);
	sc_format_value(&sb, sc->recs[0]->args[0]);
	/* "|" prints as written; the other operators get blanks around them */
	if (!strcmp(op, "|"))
		assert_int_equal(strlen(sbuf_str(&sb)), strlen(line) - 7);
	else
		assert_true(strlen(sbuf_str(&sb)) > strlen(line) - 7);
	sbuf_free(&sb);
	scenario_free(sc);
	free(line);
}

/* Operator chains a million terms long evaluate and print; deep nesting is an error. */
static void test_long_chains(void **state)
{
	struct scenario *sc;
	struct sc_error err;
	unsigned long v;
	char *line;

	(void)state;
	check_chain("1", "+", 1000000, 1000000);
	check_chain("PROT_READ", "|", 1000000, 1);
	/* "1*1+2-1*1+2-...": ((1*1)+2) - (1*1) + 2 ...: each right operand is a chain too */
	check_chain("1*1+2", "-", 300000, 300002);
	/* 2*2*...: the product overflows; an error at its operator, not a crash */
	line = chain_line("2", "*", 1000000);
	sc = parse(line);
	assert_int_equal(sc_eval(sc->recs[0]->args[0], sc_default_lookup, NULL, &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "product overflows"));
	assert_int_equal(err.line, 1);
	scenario_free(sc);
	free(line);
	for (const char *open = "[({-~"; *open; open++) {
		size_t n = 1000000;

		line = malloc(n + 16);
		assert_non_null(line);
		memcpy(line, "mmap(", 5);
		memset(line + 5, *open, n);
		strcpy(line + 5 + n, "1)\n");
		sc = parse(line);
		assert_int_equal(sc->nr_errors, 1);
		assert_non_null(strstr(sc->errors[0].msg, "nested too deeply"));
		scenario_free(sc);
		free(line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_line),   cmocka_unit_test(test_strace_f_y),
		cmocka_unit_test(test_join_clone3_and_interrupted),
		cmocka_unit_test(test_values),	    cmocka_unit_test(test_pseudo_calls),
		cmocka_unit_test(test_errors),	    cmocka_unit_test(test_eval_errors),
		cmocka_unit_test(test_format),	    cmocka_unit_test(test_errno_texts),
		cmocka_unit_test(test_recordings),  cmocka_unit_test(test_strace_logs),
		cmocka_unit_test(test_strace_logs_replayed),
		cmocka_unit_test(test_log_yy),	    cmocka_unit_test(test_log_stderr),
		cmocka_unit_test(test_log_flags),   cmocka_unit_test(test_log_from_source),
		cmocka_unit_test(test_log_xlat_styles), cmocka_unit_test(test_log_dumps),
		cmocka_unit_test(test_log_dump_bounds),
		cmocka_unit_test(test_exit_ends_unfinished),
		cmocka_unit_test(test_leaders),	    cmocka_unit_test(test_decoration_format),
		cmocka_unit_test(test_long_chains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
