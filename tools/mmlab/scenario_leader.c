// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The leader of a line of trace (see scenario.h): what strace's printleader() puts before
 * a call, a pid prefix ("[pid  N] " with -f on stderr, "N  " with -f -o FILE) and the
 * timestamps of -t, -tt, -ttt, -r and their --timestamp forms, in either order, then the
 * bracketed numbers of -i and -n. It models no Linux code.
 */
#include "scenario_lex.h"

#include <errno.h>

#define SC_PID_MAX_LIMIT 4194304 /* Linux's PID_MAX_LIMIT on 64-bit: larger is no pid */

/* Digits from @j as a number and a count; returns the index after them. */
static size_t scan_digits(const struct lexer *lx, size_t j, double *v, unsigned int *n)
{
	*v = 0;
	*n = 0;
	for (; j < lx->len && is_digit(lx->s[j]); j++, (*n)++)
		*v = *v * 10 + (lx->s[j] - '0');
	return j;
}

/* ".digits" from @j added to @v as a fraction; returns the index after them. */
static size_t scan_fraction(const struct lexer *lx, size_t j, double *v)
{
	double scale = 0.1;

	if (j + 1 < lx->len && lx->s[j] == '.' && is_digit(lx->s[j + 1]))
		for (j++; j < lx->len && is_digit(lx->s[j]); j++, scale /= 10)
			*v += (lx->s[j] - '0') * scale;
	return j;
}

/*
 * A timestamp followed by a blank:
 *	12:34:56  12:34:56.123456   -t, -tt: local time of day
 *	1700000000.123456           -ttt: seconds since the epoch
 *	     0.000123               -r: seconds since the previous line
 *	12:34:56 (+     0.000123)   -t -r: the relative part is dropped
 * -ttt and -r look alike; -r pads its seconds to six digits and -ttt has ten, so seven
 * digits or more is the epoch. A whole number is a time only above any pid (-ttt with
 * second precision); smaller it is a pid prefix.
 */
static bool parse_timestamp(struct lexer *lx, struct sc_leader *ld)
{
	size_t j = lx->i;
	unsigned int n;
	double v, part;

	j = scan_digits(lx, j, &v, &n);
	if (!n || j >= lx->len)
		return false;
	if (lx->s[j] == ':') {
		for (int k = 0; k < 2; k++) {
			if (j >= lx->len || lx->s[j] != ':')
				return false;
			j = scan_digits(lx, j + 1, &part, &n);
			if (n != 2)
				return false;
			v = v * 60 + part;
		}
		j = scan_fraction(lx, j, &v);
		ld->time_relative = false;
	} else if (lx->s[j] == '.') {
		ld->time_relative = n < 7;
		j = scan_fraction(lx, j, &v);
	} else if (v > SC_PID_MAX_LIMIT) {
		ld->time_relative = false;
	} else {
		return false;
	}
	if (j < lx->len && lx->s[j] != ' ' && lx->s[j] != '\t')
		return false;
	lx->i = j;
	ld->has_time = true;
	ld->time = v;
	if (!ld->time_relative && accept(lx, "(+")) {
		skip_space(lx);
		j = scan_fraction(lx, scan_digits(lx, lx->i, &part, &n), &part);
		if (!n || j >= lx->len || lx->s[j] != ')') {
			lex_error(lx, lx->i, "bad relative timestamp");
			return false;
		}
		lx->i = j + 1;
	}
	return true;
}

/* "[pid  N] " or "N  ". */
static int parse_pid_prefix(struct lexer *lx, int *pid)
{
	size_t j;
	unsigned long v;
	char *comm;
	size_t comm_len;

	if (accept(lx, "[pid")) {
		skip_space(lx);
		if (lx->i >= lx->len || !is_digit(lx->s[lx->i]) || !sc_lex_number(lx, &v, NULL) ||
		    v == 0 || v > INT32_MAX ||
		    (sc_at_decoration(lx) && !sc_parse_decoration(lx, &comm, &comm_len)) ||
		    !expect(lx, "]")) {
			lex_error(lx, lx->i, "bad [pid N] prefix");
			return -EINVAL;
		}
		*pid = (int)v;
		return 0;
	}
	j = lx->i;
	while (j < lx->len && is_digit(lx->s[j]))
		j++;
	if (j > lx->i && j < lx->len && lx->s[j] == '<') {
		/* "N<comm> " (-Y): the pid when a blank follows the command name */
		struct lexer look = *lx;

		look.i = j;
		if (!sc_parse_decoration(&look, &comm, &comm_len) || look.i >= look.len ||
		    (look.s[look.i] != ' ' && look.s[look.i] != '\t'))
			return 0;
		if (!sc_lex_number(lx, &v, NULL) || v == 0 || v > INT32_MAX) {
			lex_error(lx, lx->i, "bad pid prefix");
			return -EINVAL;
		}
		lx->i = look.i;
		*pid = (int)v;
	} else if (j > lx->i && j < lx->len && (lx->s[j] == ' ' || lx->s[j] == '\t')) {
		if (!sc_lex_number(lx, &v, NULL) || v == 0 || v > INT32_MAX) {
			lex_error(lx, lx->i, "bad pid prefix");
			return -EINVAL;
		}
		*pid = (int)v;
	}
	return 0;
}

/* "[  11]" (-n, the syscall number) or "[00007f10068e9ce7]" (-i, the instruction pointer). */
static bool skip_bracketed_number(struct lexer *lx)
{
	size_t j = lx->i + 1, digits = 0;

	if (lx->i >= lx->len || lx->s[lx->i] != '[')
		return false;
	while (j < lx->len && lx->s[j] == ' ')
		j++;
	for (; j < lx->len && (hexval(lx->s[j]) >= 0 || lx->s[j] == '?'); j++)
		digits++;
	if (!digits || j >= lx->len || lx->s[j] != ']')
		return false;
	lx->i = j + 1;
	return true;
}

/**
 * sc_parse_leader() - what strace printed before the call of a line of trace, from lx->i.
 * @lx: the lexer, left at the call (or whatever follows the leader).
 * @ld: the pid and timestamp found.
 *
 * Return: 0, or -EINVAL with the lexer's error set (a malformed pid or timestamp).
 */
int sc_parse_leader(struct lexer *lx, struct sc_leader *ld)
{
	*ld = (struct sc_leader){ 0 };
	skip_space(lx);
	parse_timestamp(lx, ld);
	if (lx->failed)
		return -EINVAL;
	skip_space(lx);
	if (parse_pid_prefix(lx, &ld->pid))
		return -EINVAL;
	skip_space(lx);
	if (!ld->has_time)
		parse_timestamp(lx, ld);
	skip_space(lx);
	for (int k = 0; k < 2 && skip_bracketed_number(lx); k++)
		skip_space(lx);
	return lx->failed ? -EINVAL : 0;
}
