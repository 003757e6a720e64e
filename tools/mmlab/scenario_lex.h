/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The lexer the scenario reader's files share (scenario.c reads lines and records,
 * scenario_leader.c the pid and timestamps before a call, scenario_value.c values): the
 * text of one line, or of a call joined from its "<unfinished ...>" and "<... resumed>"
 * lines, with the map from offsets to line:col for FILE:LINE:COL messages. Private to tools/mmlab's scenario*.c; models no Linux code.
 */
#ifndef MMLAB_TOOL_SCENARIO_LEX_H
#define MMLAB_TOOL_SCENARIO_LEX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_arena.h"

#define SC_MAX_DEPTH 64 /* nesting of [ { ( before the text is called malformed */


/*
 * The text being parsed and the map from its offsets to line:col. A joined call's text is the
 * entry line's part followed by the resumed line's part (a line cut by a strace message is
 * joined to the next line the same way):
 *
 *	offset 0 ........ split ........ len
 *	| entry line, col1 | resumed line, col2 |
 */
struct lexer {
	struct sc_arena *arena; /* where values go: the line's record owns it */
	const char *s;         /* the text, not NUL-terminated */
	size_t len, i;         /* its length (cut by a trailing -T time), the next offset */
	size_t split;          /* offset of the second part; SIZE_MAX for one line */
	unsigned int line1, col1, line2, col2; /* where each part starts */
	struct sc_error *err;  /* filled by the first lex_error() */
	bool failed;           /* an error was reported: parsing stops */
	unsigned int depth;    /* nesting of values being read, at most SC_MAX_DEPTH */
};

static inline struct sc_pos lex_pos(const struct lexer *lx, size_t off)
{
	if (off < lx->split)
		return (struct sc_pos){ lx->line1, lx->col1 + (unsigned int)off };
	return (struct sc_pos){ lx->line2, lx->col2 + (unsigned int)(off - lx->split) };
}

static inline void __attribute__((format(printf, 3, 4)))
lex_error(struct lexer *lx, size_t off, const char *fmt, ...)
{
	struct sc_pos pos = lex_pos(lx, off);
	va_list ap;

	if (lx->failed)
		return;
	lx->failed = true;
	lx->err->line = pos.line;
	lx->err->col = pos.col;
	va_start(ap, fmt);
	vsnprintf(lx->err->msg, sizeof(lx->err->msg), fmt, ap);
	va_end(ap);
}

static inline bool is_ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static inline bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Skips blanks and C comments; a '#' ends the text (a trailing scenario comment). */
static inline void skip_space(struct lexer *lx)
{
	while (lx->i < lx->len) {
		char c = lx->s[lx->i];

		if (c == ' ' || c == '\t') {
			lx->i++;
		} else if (c == '/' && lx->i + 1 < lx->len && lx->s[lx->i + 1] == '*') {
			const char *end = NULL;

			for (size_t j = lx->i + 2; j + 1 < lx->len; j++) {
				if (lx->s[j] == '*' && lx->s[j + 1] == '/') {
					end = lx->s + j;
					break;
				}
			}
			if (!end) {
				lex_error(lx, lx->i, "unterminated comment");
				lx->i = lx->len;
				return;
			}
			lx->i = (size_t)(end - lx->s) + 2;
		} else if (c == '#') {
			lx->len = lx->i;
		} else {
			return;
		}
	}
}

static inline bool peek_str(struct lexer *lx, const char *t)
{
	size_t n = strlen(t);

	skip_space(lx);
	return lx->len - lx->i >= n && !memcmp(lx->s + lx->i, t, n);
}

static inline bool accept(struct lexer *lx, const char *t)
{
	if (!peek_str(lx, t))
		return false;
	lx->i += strlen(t);
	return true;
}

static inline bool expect(struct lexer *lx, const char *t)
{
	if (accept(lx, t))
		return true;
	if (lx->i >= lx->len)
		lex_error(lx, lx->i, "expected '%s' at end of line", t);
	else
		lex_error(lx, lx->i, "expected '%s', found '%c'", t, lx->s[lx->i]);
	return false;
}

/* Growable list of kids, copied into the arena when complete. */
struct vlist {
	struct sc_value **v;
	unsigned int n, cap;
};

static inline bool sc_vlist_add(struct lexer *lx, struct vlist *l, struct sc_value *v)
{
	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 8;
		struct sc_value **nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			lex_error(lx, lx->i, "out of memory");
			return false;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = v;
	return true;
}

static inline bool sc_vlist_finish(struct lexer *lx, struct vlist *l, struct sc_value ***kids,
			 unsigned int *nr)
{
	*nr = l->n;
	*kids = NULL;
	if (l->n) {
		*kids = sc_arena_alloc(lx->arena, l->n * sizeof(**kids));
		if (!*kids) {
			lex_error(lx, lx->i, "out of memory");
			free(l->v);
			return false;
		}
		memcpy(*kids, l->v, l->n * sizeof(**kids));
	}
	free(l->v);
	return true;
}

/* A '<' right after a value starts a decoration; "<<" is a shift. */
static inline bool sc_at_decoration(const struct lexer *lx)
{
	return lx->i < lx->len && lx->s[lx->i] == '<' &&
	       !(lx->i + 1 < lx->len && lx->s[lx->i + 1] == '<');
}

/*
 * What strace's printleader() puts before a line: "[pid  N] " (-f on stderr) or "N  " (-f -o
 * FILE; none with -ff), then a timestamp. A timestamp before the pid is accepted as well.
 */
struct sc_leader {
	int pid;            /* from "[pid N]" or "N "; 0 when the line has none */
	bool has_time;      /* a timestamp was read */
	bool time_relative; /* it was -r's: seconds since the previous line */
	double time;        /* seconds, as struct sc_record's time */
};

int sc_parse_leader(struct lexer *lx, struct sc_leader *ld);
bool sc_lex_number(struct lexer *lx, unsigned long *out, bool *hex);
bool sc_lex_quoted(struct lexer *lx, char close, size_t limit, char **out, size_t *out_len);
bool sc_parse_decoration(struct lexer *lx, char **path, size_t *len);
struct sc_value *sc_parse_primary(struct lexer *lx);
struct sc_value *sc_parse_expr(struct lexer *lx, int min_prec);
struct sc_value *sc_parse_arg(struct lexer *lx);

#endif
