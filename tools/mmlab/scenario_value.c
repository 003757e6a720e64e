// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The value syntax of the scenario language (see scenario.h): numbers, strace's quoted
 * strings, -y/-yy fd decorations, symbols, calls, arrays, structs and C's operators, read by
 * recursive descent into sc_value trees in the parser's arena. The syntax is what strace 6.x
 * prints (src/util.c string_quote() and printfd(), src/xlat.c for flag sets); this file
 * models no Linux code. Recursion follows only nesting, which SC_MAX_DEPTH bounds, and
 * operator precedence levels: a long operator chain is read in a loop.
 */
#include "scenario_lex.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/**
 * sc_lex_number() - a C number at lx->i: decimal, 0x hex or 0 octal, no sign.
 * @lx: the lexer, left after the number.
 * @out: the value.
 * @hex: set when written in hex (may be NULL).
 *
 * Context: single-threaded use of @lx.
 * Return: true, or false with the lexer's error set (bad digit, out of range).
 */
bool sc_lex_number(struct lexer *lx, unsigned long *out, bool *hex)
{
	size_t start = lx->i;
	unsigned int base = 10;
	unsigned long v = 0;
	bool any = false;

	if (lx->s[lx->i] == '0' && lx->i + 1 < lx->len &&
	    (lx->s[lx->i + 1] == 'x' || lx->s[lx->i + 1] == 'X')) {
		base = 16;
		lx->i += 2;
	} else if (lx->s[lx->i] == '0') {
		base = 8;
	}
	if (hex)
		*hex = base == 16;
	for (; lx->i < lx->len; lx->i++) {
		char c = lx->s[lx->i];
		unsigned int d;

		if (is_digit(c))
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			break;
		if (d >= base) {
			lex_error(lx, lx->i, "bad digit '%c' in number", c);
			return false;
		}
		if (v > (ULONG_MAX - d) / base) {
			lex_error(lx, start, "number out of range");
			return false;
		}
		v = v * base + d;
		any = true;
	}
	if (base == 16 && !any) {
		lex_error(lx, start, "hex number without digits");
		return false;
	}
	if (lx->i < lx->len && is_ident_char(lx->s[lx->i])) {
		lex_error(lx, lx->i, "bad character '%c' after number", lx->s[lx->i]);
		return false;
	}
	*out = v;
	return true;
}

/**
 * sc_lex_quoted() - unescape strace's quoting from lx->i.
 * @lx: the lexer, left after @close (or at @limit).
 * @close: the closing quote, or 0 to read up to @limit.
 * @limit: offset where the text ends.
 * @out: the bytes, NUL-terminated, in the parser's arena.
 * @out_len: how many, NULs inside included.
 *
 * Escapes: \n \t \r \v \f \a \b \e \\ \" \' \? \< \> \ooo (1-3 octal digits) \xHH (1-2 hex
 * digits), as strace's string_quote() writes them.
 *
 * Context: single-threaded use of @lx.
 * Return: true, or false with the lexer's error set.
 */
bool sc_lex_quoted(struct lexer *lx, char close, size_t limit, char **out, size_t *out_len)
{
	size_t start = lx->i, n = 0;
	char *buf = sc_arena_alloc(lx->arena, limit - lx->i + 1);

	if (!buf)
		return false;
	while (lx->i < limit && (!close || lx->s[lx->i] != close)) {
		char c = lx->s[lx->i++];

		if (c != '\\') {
			buf[n++] = c;
			continue;
		}
		if (lx->i >= limit)
			break;
		c = lx->s[lx->i++];
		switch (c) {
		case 'n': buf[n++] = '\n'; break;
		case 't': buf[n++] = '\t'; break;
		case 'r': buf[n++] = '\r'; break;
		case 'v': buf[n++] = '\v'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'a': buf[n++] = '\a'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'e': buf[n++] = '\033'; break;
		case '\\': case '"': case '\'': case '?': case '<': case '>':
			buf[n++] = c;
			break;
		case 'x': {
			int v = 0, k = 0, h;

			while (k < 2 && lx->i < limit && (h = hexval(lx->s[lx->i])) >= 0) {
				v = v * 16 + h;
				lx->i++;
				k++;
			}
			if (!k) {
				lex_error(lx, lx->i - 2, "\\x without hex digits");
				return false;
			}
			buf[n++] = (char)v;
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0', k = 1;

				while (k < 3 && lx->i < limit && lx->s[lx->i] >= '0' &&
				       lx->s[lx->i] <= '7') {
					v = v * 8 + (lx->s[lx->i++] - '0');
					k++;
				}
				if (v > 0xff) {
					lex_error(lx, lx->i - 4, "octal escape out of range");
					return false;
				}
				buf[n++] = (char)v;
				break;
			}
			lex_error(lx, lx->i - 2, "unknown escape '\\%c'", c);
			return false;
		}
	}
	if (close && lx->i >= limit) {
		lex_error(lx, start - 1, "unterminated string");
		return false;
	}
	if (close)
		lx->i++;
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return true;
}

static bool is_deco_name_char(char c)
{
	return is_ident_char(c) || c == '-';
}

/* A quoted string inside a socket decoration (a UNIX socket's path) from @j, past its end. */
static size_t skip_deco_quoted(const struct lexer *lx, size_t j)
{
	for (j++; j < lx->len && lx->s[j] != '"'; j++)
		if (lx->s[j] == '\\')
			j++;
	return j + 1;
}

/**
 * sc_parse_decoration() - a strace -y/-yy decoration from the '<' at lx->i.
 * @lx: the lexer.
 * @path: the path or description, unescaped, in the parser's arena.
 * @len: its length.
 *
 * The decoration of an fd, of AT_FDCWD or of an fd result, as printfd() writes it (strace
 * 6.1 src/util.c):
 *
 *	</path>                 path with '<', '>' and non-printables escaped
 *	</dev/null<char 1:3>>   -yy: a device's type and numbers follow the path
 *	<pipe:[123]> <socket:[123]> <anon_inode:[eventfd]> <pid:42>
 *	<TCP:[127.0.0.1:42->127.0.0.1:80]> <UNIX-STREAM:[1->2,"/run/s"]>   -yy: unescaped
 *	</path>(deleted)        the file was unlinked
 *
 * The bracketed part of "NAME:[...]" is printed unescaped (its "->" is not a closer), so it
 * is skipped to its ']' with quoted strings in it. Sets @path (unescaped, without the device
 * part) and @len, and leaves lx->i after the decoration.
 *
 * Context: single-threaded use of @lx.
 * Return: true, or false with the lexer's error set (no closing '>').
 */
bool sc_parse_decoration(struct lexer *lx, char **path, size_t *len)
{
	size_t start = ++lx->i, j = start, dev = 0, end;

	while (j < lx->len && is_deco_name_char(lx->s[j]))
		j++;
	if (j > start && j + 1 < lx->len && lx->s[j] == ':' && lx->s[j + 1] == '[') {
		for (j += 2; j < lx->len && lx->s[j] != ']';)
			j = lx->s[j] == '"' ? skip_deco_quoted(lx, j) : j + 1;
		j++;
	} else {
		j = start;
	}
	for (; j < lx->len; j++) {
		if (lx->s[j] == '\\') {
			j++;
		} else if (lx->s[j] == '<' && !dev) {
			dev = j;
			while (j < lx->len && lx->s[j] != '>')
				j++;
		} else if (lx->s[j] == '>') {
			break;
		}
	}
	if (j >= lx->len) {
		lex_error(lx, start - 1, "unterminated fd decoration");
		return false;
	}
	end = j;
	if (!sc_lex_quoted(lx, 0, dev ? dev : end, path, len))
		return false;
	lx->i = end + 1;
	if (lx->len - lx->i >= 9 && !memcmp(lx->s + lx->i, "(deleted)", 9))
		lx->i += 9;
	return true;
}

static struct sc_value *new_value(struct lexer *lx, enum sc_vkind kind, size_t off)
{
	struct sc_value *v = sc_arena_alloc(lx->arena, sizeof(*v));

	if (!v) {
		lex_error(lx, off, "out of memory");
		return NULL;
	}
	v->kind = kind;
	v->pos = lex_pos(lx, off);
	return v;
}


/*
 * Elements up to @close. Commas separate elements; strace's signal sets ("[KILL STOP]") use
 * blanks only, so a missing comma is accepted too.
 */
static bool parse_list(struct lexer *lx, const char *close, struct sc_value ***kids,
		       unsigned int *nr)
{
	struct vlist l = { 0 };

	while (!lx->failed && !accept(lx, close)) {
		struct sc_value *v;

		if (lx->i >= lx->len) {
			lex_error(lx, lx->i, "expected '%s' at end of line", close);
			break;
		}
		v = sc_parse_arg(lx);
		if (!v || !sc_vlist_add(lx, &l, v))
			break;
		if (!accept(lx, ",") && !peek_str(lx, close) && lx->i < lx->len &&
		    lx->s[lx->i - 1] != ' ') {
			lex_error(lx, lx->i, "expected ',' or '%s'", close);
			break;
		}
	}
	if (lx->failed) {
		free(l.v);
		return false;
	}
	return sc_vlist_finish(lx, &l, kids, nr);
}

/*
 * Whether a decoration follows a blank and a comment: strace -X verbose prints AT_FDCWD as
 * -100, the comment AT_FDCWD, then the decoration ("</home/u>"). Moves lx->i to the '<'.
 */
static bool at_commented_decoration(struct lexer *lx)
{
	size_t j = lx->i;
	const char *end;

	if (lx->len - j < 5 || memcmp(lx->s + j, " /*", 3))
		return false;
	end = memmem(lx->s + j + 3, lx->len - j - 3, "*/", 2);
	if (!end)
		return false;
	j = (size_t)(end - lx->s) + 2;
	if (j >= lx->len || lx->s[j] != '<' || (j + 1 < lx->len && lx->s[j + 1] == '<'))
		return false;
	lx->i = j;
	return true;
}

/* A number, or an fd when a decoration follows it: "3</path>". */
static struct sc_value *parse_number(struct lexer *lx, size_t off)
{
	struct sc_value *v = new_value(lx, SC_V_NUM, off);
	char *path;

	if (!v || !sc_lex_number(lx, &v->num, NULL))
		return NULL;
	if (!sc_at_decoration(lx) && !at_commented_decoration(lx))
		return v;
	v->kind = SC_V_FD;
	if (!sc_parse_decoration(lx, &path, &v->str_len))
		return NULL;
	v->str = path;
	return v;
}

/* A quoted string, and the "..." strace puts after one it truncated. */
static struct sc_value *parse_string(struct lexer *lx, size_t off)
{
	struct sc_value *v;
	char *s;

	lx->i++;
	v = new_value(lx, SC_V_STR, off);
	if (!v || !sc_lex_quoted(lx, '"', lx->len, &s, &v->str_len))
		return NULL;
	v->str = s;
	if (lx->len - lx->i >= 3 && !memcmp(lx->s + lx->i, "...", 3)) {
		v->truncated = true;
		lx->i += 3;
	}
	return v;
}

/* An identifier: NULL, a symbol (decorated: "AT_FDCWD</home/u>"), or a call "NAME(...)". */
static struct sc_value *parse_ident(struct lexer *lx, size_t off)
{
	size_t end = lx->i;
	struct sc_value *v;
	char *path;

	while (end < lx->len && is_ident_char(lx->s[end]))
		end++;
	v = new_value(lx, SC_V_SYM, off);
	if (!v)
		return NULL;
	v->name = sc_arena_strndup(lx->arena, lx->s + lx->i, end - lx->i);
	lx->i = end;
	if (!v->name) {
		lex_error(lx, off, "out of memory");
		return NULL;
	}
	if (!strcmp(v->name, "NULL")) {
		v->kind = SC_V_NULL;
	} else if (sc_at_decoration(lx)) {
		if (!sc_parse_decoration(lx, &path, &v->str_len))
			return NULL;
		v->str = path;
	} else if (lx->i < lx->len && lx->s[lx->i] == '(') {
		lx->i++;
		v->kind = SC_V_CALL;
		if (!parse_list(lx, ")", &v->kids, &v->nr_kids))
			return NULL;
	}
	return v;
}

/* What opens with @c: [array], {struct}, (expression), or a unary - ~ ! and its operand. */
static struct sc_value *parse_nested(struct lexer *lx, size_t off, char c)
{
	struct sc_value *v;

	lx->i++;
	switch (c) {
	case '[':
		v = new_value(lx, SC_V_ARRAY, off);
		return v && parse_list(lx, "]", &v->kids, &v->nr_kids) ? v : NULL;
	case '{':
		v = new_value(lx, SC_V_STRUCT, off);
		return v && parse_list(lx, "}", &v->kids, &v->nr_kids) ? v : NULL;
	case '(':
		v = sc_parse_expr(lx, 0);
		return v && expect(lx, ")") ? v : NULL;
	default:
		v = new_value(lx, SC_V_UNOP, off);
		if (!v)
			return NULL;
		v->op[0] = c;
		v->lhs = sc_parse_primary(lx);
		if (v->lhs && c == '-' && v->lhs->kind == SC_V_FD) {
			/*
			 * -X raw and -X verbose print AT_FDCWD as a number: "-100</home/u>". The
			 * decoration is the whole number's, the directory of a relative path.
			 */
			v->lhs->num = -v->lhs->num;
			v->lhs->pos = v->pos;
			return v->lhs;
		}
		return v->lhs ? v : NULL;
	}
}

/**
 * sc_parse_primary() - one value without binary operators around it.
 * @lx: the lexer.
 *
 * A number (with an fd decoration), a string, a symbol (with AT_FDCWD's decoration), NULL,
 * a call f(...), [array], {struct}, (expr), a unary - ~ ! applied to a primary, or "...".
 * Nesting deeper than SC_MAX_DEPTH is an error, which bounds the recursion. In phases: the
 * checks at entry, then one reader per kind of value, chosen by its first character.
 *
 * Context: single-threaded use of @lx.
 * Return: the value in the parser's arena, or NULL with the lexer's error set.
 */
struct sc_value *sc_parse_primary(struct lexer *lx)
{
	struct sc_value *v;
	size_t off;
	char c;

	skip_space(lx);
	off = lx->i;
	if (lx->i >= lx->len) {
		lex_error(lx, off, "expected a value at end of line");
		return NULL;
	}
	if (++lx->depth > SC_MAX_DEPTH) {
		lex_error(lx, off, "values nested too deeply");
		return NULL;
	}
	c = lx->s[lx->i];
	if (accept(lx, "...")) {
		v = new_value(lx, SC_V_ELLIPSIS, off);
	} else if (is_digit(c)) {
		v = parse_number(lx, off);
	} else if (c == '"') {
		v = parse_string(lx, off);
	} else if (is_ident_start(c)) {
		v = parse_ident(lx, off);
	} else if (c && strchr("[{(-~!", c)) {
		v = parse_nested(lx, off, c);
	} else {
		lex_error(lx, off, "unexpected character '%c'", c);
		return NULL;
	}
	if (!v)
		return NULL;
	lx->depth--;
	return v;
}

static const struct binop {
	const char *op;
	int prec;
} binops[] = {
	/* longest first so "||" is not read as "|" */
	{ "||", 1 }, { "&&", 2 }, { "==", 5 }, { "!=", 5 }, { "<<", 7 }, { ">>", 7 },
	{ "|", 3 },  { "&", 4 },  { "+", 8 },  { "-", 8 },  { "*", 9 },  { "/", 9 },
};

static const struct binop *peek_binop(struct lexer *lx)
{
	skip_space(lx);
	for (size_t k = 0; k < sizeof(binops) / sizeof(binops[0]); k++) {
		size_t n = strlen(binops[k].op);

		if (lx->len - lx->i >= n && !memcmp(lx->s + lx->i, binops[k].op, n)) {
			/* "=>" is not "=="-anything, and "..." is not an operator */
			return &binops[k];
		}
	}
	return NULL;
}

/**
 * sc_parse_expr() - precedence climbing over C's binary operators.
 * @lx: the lexer.
 * @min_prec: the lowest precedence this call takes (0 for a whole expression).
 *
 * strace prints |, *, <<, && and ==. A chain of operators of one precedence is read in a
 * loop into a left-leaning tree; recursion happens only for a tighter operator on the right,
 * at most once per precedence level, so its depth is bounded.
 *
 * Context: single-threaded use of @lx.
 * Return: the value in the parser's arena, or NULL with the lexer's error set.
 */
struct sc_value *sc_parse_expr(struct lexer *lx, int min_prec)
{
	struct sc_value *lhs = sc_parse_primary(lx);
	const struct binop *b;

	while (lhs && (b = peek_binop(lx)) && b->prec >= min_prec) {
		struct sc_value *v = new_value(lx, SC_V_BINOP, lx->i);

		if (!v)
			return NULL;
		memcpy(v->op, b->op, strlen(b->op));
		lx->i += strlen(b->op);
		v->lhs = lhs;
		v->rhs = sc_parse_expr(lx, b->prec + 1);
		if (!v->rhs)
			return NULL;
		v->pos = lhs->pos;
		lhs = v;
	}
	return lx->failed ? NULL : lhs;
}

/**
 * sc_parse_arg() - an argument: [name=]expr[ => expr].
 * @lx: the lexer.
 *
 * Context: single-threaded use of @lx.
 * Return: the value in the parser's arena, or NULL with the lexer's error set.
 */
struct sc_value *sc_parse_arg(struct lexer *lx)
{
	struct sc_value *v, *named = NULL;
	size_t off, j;

	skip_space(lx);
	off = lx->i;
	j = off;
	while (j < lx->len && is_ident_char(lx->s[j]))
		j++;
	if (j > off && is_ident_start(lx->s[off]) && j < lx->len && lx->s[j] == '=' &&
	    !(j + 1 < lx->len && (lx->s[j + 1] == '=' || lx->s[j + 1] == '>'))) {
		named = new_value(lx, SC_V_NAMED, off);
		if (!named)
			return NULL;
		named->name = sc_arena_strndup(lx->arena, lx->s + off, j - off);
		if (!named->name) {
			lex_error(lx, off, "out of memory");
			return NULL;
		}
		lx->i = j + 1;
	}
	v = sc_parse_expr(lx, 0);
	if (v && accept(lx, "=>")) {
		struct sc_value *c = new_value(lx, SC_V_CHANGED, off);

		if (!c)
			return NULL;
		c->lhs = v;
		c->rhs = sc_parse_expr(lx, 0);
		if (!c->rhs)
			return NULL;
		v = c;
	}
	if (!v)
		return NULL;
	if (named) {
		named->lhs = v;
		return named;
	}
	return v;
}
