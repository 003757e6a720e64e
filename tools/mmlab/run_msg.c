// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The runner's messages (see run.h): "FILE:LINE: message" and "FILE:LINE:COL: message" on
 * stderr about the scenario's lines, printed after what stdout holds so far and over the
 * progress line, which they clear first. Every run*.c file reports through these, and
 * evaluates a call's arguments with run_arg, which reports where one fails; they call nothing
 * of the runner's but run_lookup (run_syms.c). Models no Linux file.
 */
#include "run.h"

#include <stdarg.h>
#include <stdio.h>

static bool progress_shown; /* a progress line is on stderr, without a newline */

/**
 * run_progress_clear() - erase the progress line, if one is shown.
 *
 * Context: single-threaded.
 */
void run_progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}

/**
 * run_progress_shown() - a progress line was just written to stderr (run.c): the next message
 * erases it first.
 *
 * Context: single-threaded.
 */
void run_progress_shown(void)
{
	progress_shown = true;
}

/**
 * run_msg() - a message about a line: "FILE:LINE: message" on stderr.
 * @r: the runner.
 * @line: the line.
 * @fmt: printf format of the message.
 *
 * Context: single-threaded.
 */
void run_msg(struct runner *r, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	run_progress_clear();
	fprintf(stderr, "%s:%u: ", r->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * run_msg_at() - "FILE:LINE:COL: message" on stderr.
 * @r: the runner.
 * @line: the line.
 * @col: the column.
 * @msg: the message.
 *
 * Context: single-threaded.
 */
void run_msg_at(struct runner *r, unsigned int line, unsigned int col, const char *msg)
{
	fflush(stdout);
	run_progress_clear();
	fprintf(stderr, "%s:%u:%u: %s\n", r->file, line, col, msg);
}

/**
 * run_err_at() - "FILE:LINE:COL: message" about a value of the scenario.
 * @r: the runner.
 * @v: the value.
 * @msg: the message.
 *
 * Context: single-threaded.
 */
void run_err_at(struct runner *r, const struct sc_value *v, const char *msg)
{
	run_msg_at(r, v->pos.line, v->pos.col, msg);
}

/* Evaluates argument @k of the call; a failure is reported at the argument's column. */
bool run_arg(struct runner *r, struct run_call *c, unsigned int k, unsigned long *v)
{
	struct sc_error err;

	if (k >= c->rec->nr_args) {
		*v = 0;
		return true;
	}
	if (!sc_eval(c->rec->args[k], run_lookup, NULL, v, &err))
		return true;
	run_msg_at(r, err.line, err.col, err.msg);
	c->failed = true;
	return false;
}

/**
 * run_path_ok() - whether the path argument @path of @c is a string, as a path must be.
 * @r: the runner.
 * @c: the call (c->failed set when not).
 * @path: the argument.
 *
 * An address is what strace -e raw= prints for one: said so.
 * Context: single-threaded.
 * Return: true for a string; false, reported, otherwise.
 */
bool run_path_ok(struct runner *r, struct run_call *c, const struct sc_value *path)
{
	if (path->kind == SC_V_STR)
		return true;
	run_err_at(r, path, path->kind == SC_V_NUM ?
		   "the path must be a string, not an address (strace -e raw= prints one)" :
		   "the path must be a string");
	c->failed = true;
	return false;
}
