// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Evaluation for the scenario reader (see scenario.h): sc_eval() folds an argument's value tree
 * to the unsigned long a system call would receive, with symbols from the strace tables
 * (sc_default_lookup()) or the caller's.
 * Operator chains of any length ("PROT_READ|PROT_WRITE|..." a million terms long) evaluate
 * without recursion along the chain: the parser builds them as left-leaning trees and
 * sc_eval() walks such a spine with an explicit stack, so C recursion only follows nesting
 * the parser bounds. Models no Linux code; makedev() follows glibc's encoding of dev_t.
 */
#include "scenario.h"
#include "strace_flags.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int __attribute__((format(printf, 3, 4)))
eval_error(struct sc_error *err, const struct sc_value *v, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->line = v->pos.line;
		err->col = v->pos.col;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/**
 * sc_default_lookup() - symbol lookup in the strace tables (strace_sym_lookup()).
 * @name: the symbol, not necessarily NUL-terminated.
 * @len: its length.
 * @val: where the value goes.
 * @data: unused.
 *
 * Context: any.
 * Return: true when found.
 */
bool sc_default_lookup(const char *name, size_t len, unsigned long *val, void *data)
{
	(void)data;
	return strace_sym_lookup(name, len, val);
}

static int eval_binop(const struct sc_value *v, unsigned long a, unsigned long b,
		      unsigned long *out, struct sc_error *err)
{
	switch (v->op[0]) {
	case '|':
		*out = v->op[1] == '|' ? (a || b) : (a | b);
		return 0;
	case '&':
		*out = v->op[1] == '&' ? (a && b) : (a & b);
		return 0;
	case '+':
		*out = a + b;
		return 0;
	case '-':
		*out = a - b;
		return 0;
	case '*':
		if (b && a > ULONG_MAX / b)
			return eval_error(err, v, "product overflows");
		*out = a * b;
		return 0;
	case '/':
		if (!b)
			return eval_error(err, v, "division by zero");
		*out = a / b;
		return 0;
	case '<':
		if (b >= 64)
			return eval_error(err, v, "shift count %lu out of range", b);
		*out = a << b;
		return 0;
	case '>':
		if (b >= 64)
			return eval_error(err, v, "shift count %lu out of range", b);
		*out = a >> b;
		return 0;
	case '=':
		*out = a == b;
		return 0;
	case '!':
		*out = a != b;
		return 0;
	}
	return eval_error(err, v, "unknown operator '%s'", v->op);
}

/**
 * sc_binop_spine() - the operator nodes down a left-leaning chain, top first.
 * @v: an SC_V_BINOP value.
 * @buf: room for @nbuf entries, used when the chain fits.
 * @nbuf: its size.
 * @spine: set to @buf or to a malloc()ed array the caller frees when it is not @buf.
 *
 * "a|b|c" is parsed as ((a|b)|c): its depth grows with its length, so walkers take the
 * chain's nodes from this array instead of recursing down ->lhs.
 *
 * Context: any.
 * Return: the number of nodes (at least 1), or 0 when out of memory.
 */
size_t sc_binop_spine(const struct sc_value *v, const struct sc_value **buf, size_t nbuf,
		      const struct sc_value ***spine)
{
	const struct sc_value **s = buf;
	size_t n = 0, cap = nbuf;

	for (; v->kind == SC_V_BINOP; v = v->lhs) {
		if (n == cap) {
			const struct sc_value **ns;

			cap = cap ? cap * 2 : 64;
			ns = s == buf ? malloc(cap * sizeof(*ns)) : realloc(s, cap * sizeof(*ns));
			if (!ns) {
				if (s != buf)
					free(s);
				return 0;
			}
			if (s == buf && n)
				memcpy(ns, buf, n * sizeof(*ns));
			s = ns;
		}
		s[n++] = v;
	}
	*spine = s;
	return n;
}

/* A chain of binary operators: the leftmost operand, then each node's right operand. */
static int eval_chain(const struct sc_value *v, sc_sym_lookup_t lookup, void *data,
		      unsigned long *out, struct sc_error *err)
{
	const struct sc_value *buf[32], **spine;
	size_t n = sc_binop_spine(v, buf, 32, &spine);
	unsigned long acc, b;
	int ret;

	if (!n) {
		eval_error(err, v, "out of memory evaluating an operator chain");
		return -ENOMEM;
	}
	ret = sc_eval(spine[n - 1]->lhs, lookup, data, &acc, err);
	while (!ret && n--) {
		ret = sc_eval(spine[n]->rhs, lookup, data, &b, err);
		if (!ret)
			ret = eval_binop(spine[n], acc, b, &acc, err);
	}
	if (spine != buf)
		free(spine);
	if (!ret)
		*out = acc;
	return ret;
}

/**
 * sc_eval() - the number a value denotes.
 * @v: the value.
 * @lookup: resolves symbols (sc_default_lookup for the strace tables).
 * @data: passed to @lookup.
 * @out: the result; negative numbers come out in two's complement.
 * @err: filled on failure (may be NULL).
 *
 * Numbers, NULL, symbols, fds ("3</path>" is 3), key=value (the value), unary - ~ !, binary
 * | & + - * / << >> == != && ||, and makedev(MAJOR, MINOR) evaluate; strings, arrays and
 * structs do not. "AT_FDCWD</home/u>" is AT_FDCWD's value.
 *
 * Context: any.
 * Return: 0, -EINVAL with @err naming the column of the offending part, or -ENOMEM (@err
 * says so) when a long operator chain needs memory that is not there.
 */
int sc_eval(const struct sc_value *v, sc_sym_lookup_t lookup, void *data, unsigned long *out,
	    struct sc_error *err)
{
	unsigned long a, b;
	int ret;

	switch (v->kind) {
	case SC_V_NUM:
	case SC_V_FD:
		*out = v->num;
		return 0;
	case SC_V_NULL:
		*out = 0;
		return 0;
	case SC_V_SYM:
		if (!lookup(v->name, strlen(v->name), out, data))
			return eval_error(err, v, "unknown symbol '%s'", v->name);
		return 0;
	case SC_V_NAMED:
		return sc_eval(v->lhs, lookup, data, out, err);
	case SC_V_UNOP:
		ret = sc_eval(v->lhs, lookup, data, &a, err);
		if (ret)
			return ret;
		*out = v->op[0] == '-' ? -a : v->op[0] == '~' ? ~a : !a;
		return 0;
	case SC_V_BINOP:
		return eval_chain(v, lookup, data, out, err);
	case SC_V_CALL:
		if (!strcmp(v->name, "makedev") && v->nr_kids == 2) {
			ret = sc_eval(v->kids[0], lookup, data, &a, err);
			if (!ret)
				ret = sc_eval(v->kids[1], lookup, data, &b, err);
			if (ret)
				return ret;
			*out = ((a & 0xfffff000UL) << 32) | ((a & 0xfffUL) << 8) |
			       ((b & 0xffffff00UL) << 12) | (b & 0xffUL);
			return 0;
		}
		return eval_error(err, v, "cannot evaluate %s() as a number", v->name);
	case SC_V_STR:
		return eval_error(err, v, "a string is not a number");
	case SC_V_ARRAY:
		return eval_error(err, v, "an array is not a number");
	case SC_V_STRUCT:
		return eval_error(err, v, "a struct is not a number");
	case SC_V_CHANGED:
		return eval_error(err, v, "an in => out value is not a number");
	case SC_V_ELLIPSIS:
		return eval_error(err, v, "'...' is not a number");
	}
	return eval_error(err, v, "bad value");
}

/**
 * sc_named_arg() - a call's "name=value" argument (clone's flags=...).
 * @r: the call record.
 * @name: the argument name.
 *
 * Context: any.
 * Return: the value after '=', or NULL when the call has no such argument.
 */
const struct sc_value *sc_named_arg(const struct sc_record *r, const char *name)
{
	for (unsigned int k = 0; k < r->nr_args; k++)
		if (r->args[k]->kind == SC_V_NAMED && !strcmp(r->args[k]->name, name))
			return r->args[k]->lhs;
	return NULL;
}
