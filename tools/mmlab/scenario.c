/*
 * Reader of the scenario language (see scenario.h): line classification, "[pid N]" prefixes,
 * the unfinished/resumed join, results, and the recursive-descent parser of argument values.
 * The syntax is what strace 6.x prints (src/strace.c printleader(), src/syscall.c
 * syscall_exiting_trace(), src/util.c string_quote(), src/printsiginfo.c); this file models
 * no Linux code. The values of one line live in an arena that the line's record owns, so error
 * paths have nothing to free one by one and a streaming reader frees each record (with
 * sc_record_free()) once it has run: memory does not grow with the log.
 */
#include "scenario.h"
#include "strace_flags.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SC_MAX_DEPTH 64 /* nesting of [ { ( before the text is called malformed */

#define ARENA_FIRST_CHUNK 2048 /* bytes: one typical line's values fit in the first chunk */

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

/*
 * A record with the arena holding its values: the record is handed out, the box frees it. The
 * chunks are the line's (two lines' for a joined call) and nothing else's.
 */
struct sc_record_box {
	struct sc_parser *parser;    /* forgets ->last_call; frees the record if no one else */
	struct arena_chunk *chunks;  /* everything the record points to */
	struct sc_record_box *next, *prev; /* the parser's live records */
	struct sc_record rec;
};

/* A call whose entry was printed with "<unfinished ...>", waiting for its resumption. */
struct sc_pending {
	int pid;
	unsigned int line; /* entry line */
	unsigned int col;  /* column of the first argument byte on the entry line */
	char *name;
	char *text;        /* argument text up to the " <unfinished ...>" marker */
	size_t len;
};

struct sc_parser {
	char *file;
	struct arena_chunk *arena;
	struct sc_pending *pend; /* unfinished calls, at most one per task */
	unsigned int nr_pend, cap_pend;
	struct sc_record *last_call; /* receives a following "# si_addr:" expectation */
	struct sc_record_box *live;  /* records handed out and not freed yet */
	bool oom;
};

static void *arena_alloc(struct sc_parser *p, size_t size)
{
	struct arena_chunk *c = p->arena;
	void *ptr;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->size - c->used < size) {
		/* Chunks double, so a line with large values needs few of them. */
		size_t csize = c ? 2 * c->size : ARENA_FIRST_CHUNK;

		if (csize < size)
			csize = size;
		if (csize > 65536 && size <= 65536)
			csize = 65536;

		c = malloc(sizeof(*c) + csize);
		if (!c) {
			p->oom = true;
			return NULL;
		}
		c->next = p->arena;
		c->used = 0;
		c->size = csize;
		p->arena = c;
	}
	ptr = (char *)c->data + c->used;
	c->used += size;
	memset(ptr, 0, size);
	return ptr;
}

static char *arena_strndup(struct sc_parser *p, const char *s, size_t n)
{
	char *d = arena_alloc(p, n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * The text being parsed and the map from its offsets to line:col. A joined call's text is the
 * entry line's part followed by the resumed line's part:
 *
 *	offset 0 ........ split ........ len
 *	| entry line, col1 | resumed line, col2 |
 */
struct lexer {
	struct sc_parser *p;
	const char *s;
	size_t len, i;
	size_t split;
	unsigned int line1, col1, line2, col2;
	struct sc_error *err;
	bool failed;
	unsigned int depth;
};

static struct sc_pos lex_pos(const struct lexer *lx, size_t off)
{
	if (off < lx->split)
		return (struct sc_pos){ lx->line1, lx->col1 + (unsigned int)off };
	return (struct sc_pos){ lx->line2, lx->col2 + (unsigned int)(off - lx->split) };
}

static void __attribute__((format(printf, 3, 4)))
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

static bool is_ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skips blanks and C comments; a '#' ends the text (a trailing scenario comment). */
static void skip_space(struct lexer *lx)
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

static bool peek_str(struct lexer *lx, const char *t)
{
	size_t n = strlen(t);

	skip_space(lx);
	return lx->len - lx->i >= n && !memcmp(lx->s + lx->i, t, n);
}

static bool accept(struct lexer *lx, const char *t)
{
	if (!peek_str(lx, t))
		return false;
	lx->i += strlen(t);
	return true;
}

static bool expect(struct lexer *lx, const char *t)
{
	if (accept(lx, t))
		return true;
	if (lx->i >= lx->len)
		lex_error(lx, lx->i, "expected '%s' at end of line", t);
	else
		lex_error(lx, lx->i, "expected '%s', found '%c'", t, lx->s[lx->i]);
	return false;
}

/* C number: decimal, 0x hex, 0 octal; no sign. */
static bool lex_number(struct lexer *lx, unsigned long *out, bool *hex)
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

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Unescapes strace's quoting from lx->i up to @close. Escapes: \n \t \r \v \f \a \b \e \\ \"
 * \' \? \ooo (1-3 octal digits) \xHH (1-2 hex digits), as string_quote() writes them.
 */
static bool lex_quoted(struct lexer *lx, char close, size_t limit, char **out, size_t *out_len)
{
	size_t start = lx->i, n = 0;
	char *buf = arena_alloc(lx->p, limit - lx->i + 1);

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

/*
 * End of an fd path: the '>' matching the '<' before lx->i. The path's own '<' and '>' are
 * escaped, but strace appends device info unescaped: "3</dev/zero<char 1:5>>".
 */
static bool fd_path_end(struct lexer *lx, size_t *end)
{
	unsigned int depth = 1;

	for (size_t j = lx->i; j < lx->len; j++) {
		if (lx->s[j] == '\\') {
			j++;
		} else if (lx->s[j] == '<') {
			depth++;
		} else if (lx->s[j] == '>' && !--depth) {
			*end = j;
			return true;
		}
	}
	lex_error(lx, lx->i - 1, "unterminated fd path");
	return false;
}

static struct sc_value *new_value(struct lexer *lx, enum sc_vkind kind, size_t off)
{
	struct sc_value *v = arena_alloc(lx->p, sizeof(*v));

	if (!v) {
		lex_error(lx, off, "out of memory");
		return NULL;
	}
	v->kind = kind;
	v->pos = lex_pos(lx, off);
	return v;
}

/* Growable list of kids, copied into the arena when complete. */
struct vlist {
	struct sc_value **v;
	unsigned int n, cap;
};

static bool vlist_add(struct lexer *lx, struct vlist *l, struct sc_value *v)
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

static bool vlist_finish(struct lexer *lx, struct vlist *l, struct sc_value ***kids,
			 unsigned int *nr)
{
	*nr = l->n;
	*kids = NULL;
	if (l->n) {
		*kids = arena_alloc(lx->p, l->n * sizeof(**kids));
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

static struct sc_value *parse_arg(struct lexer *lx);
static struct sc_value *parse_expr(struct lexer *lx, int min_prec);

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
		v = parse_arg(lx);
		if (!v || !vlist_add(lx, &l, v))
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
	return vlist_finish(lx, &l, kids, nr);
}

static struct sc_value *parse_primary(struct lexer *lx)
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
		v = new_value(lx, SC_V_NUM, off);
		if (!v || !lex_number(lx, &v->num, NULL))
			return NULL;
		/* strace -y: "3</path>"; "<<" is a shift, not a path */
		if (lx->i < lx->len && lx->s[lx->i] == '<' &&
		    !(lx->i + 1 < lx->len && lx->s[lx->i + 1] == '<')) {
			char *path;
			size_t end;

			lx->i++;
			v->kind = SC_V_FD;
			if (!fd_path_end(lx, &end) || !lex_quoted(lx, 0, end, &path, &v->str_len))
				return NULL;
			v->str = path;
			lx->i = end + 1;
			if (lx->len - lx->i >= 9 && !memcmp(lx->s + lx->i, "(deleted)", 9))
				lx->i += 9;
		}
	} else if (c == '"') {
		char *s;

		lx->i++;
		v = new_value(lx, SC_V_STR, off);
		if (!v || !lex_quoted(lx, '"', lx->len, &s, &v->str_len))
			return NULL;
		v->str = s;
		if (lx->len - lx->i >= 3 && !memcmp(lx->s + lx->i, "...", 3)) {
			v->truncated = true;
			lx->i += 3;
		}
	} else if (is_ident_start(c)) {
		size_t end = lx->i;

		while (end < lx->len && is_ident_char(lx->s[end]))
			end++;
		v = new_value(lx, SC_V_SYM, off);
		if (!v)
			return NULL;
		v->name = arena_strndup(lx->p, lx->s + lx->i, end - lx->i);
		lx->i = end;
		if (!v->name) {
			lex_error(lx, off, "out of memory");
			return NULL;
		}
		if (!strcmp(v->name, "NULL")) {
			v->kind = SC_V_NULL;
		} else if (lx->i < lx->len && lx->s[lx->i] == '(') {
			lx->i++;
			v->kind = SC_V_CALL;
			if (!parse_list(lx, ")", &v->kids, &v->nr_kids))
				return NULL;
		}
	} else if (c == '[') {
		lx->i++;
		v = new_value(lx, SC_V_ARRAY, off);
		if (!v || !parse_list(lx, "]", &v->kids, &v->nr_kids))
			return NULL;
	} else if (c == '{') {
		lx->i++;
		v = new_value(lx, SC_V_STRUCT, off);
		if (!v || !parse_list(lx, "}", &v->kids, &v->nr_kids))
			return NULL;
	} else if (c == '(') {
		lx->i++;
		v = parse_expr(lx, 0);
		if (!v || !expect(lx, ")"))
			return NULL;
	} else if (c == '-' || c == '~' || c == '!') {
		lx->i++;
		v = new_value(lx, SC_V_UNOP, off);
		if (!v)
			return NULL;
		v->op[0] = c;
		v->lhs = parse_primary(lx);
		if (!v->lhs)
			return NULL;
	} else {
		lex_error(lx, off, "unexpected character '%c'", c);
		return NULL;
	}
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

/* Precedence climbing over C's binary operators (strace prints |, *, <<, && and ==). */
static struct sc_value *parse_expr(struct lexer *lx, int min_prec)
{
	struct sc_value *lhs = parse_primary(lx);
	const struct binop *b;

	while (lhs && (b = peek_binop(lx)) && b->prec >= min_prec) {
		struct sc_value *v = new_value(lx, SC_V_BINOP, lx->i);

		if (!v)
			return NULL;
		memcpy(v->op, b->op, strlen(b->op));
		lx->i += strlen(b->op);
		v->lhs = lhs;
		v->rhs = parse_expr(lx, b->prec + 1);
		if (!v->rhs)
			return NULL;
		v->pos = lhs->pos;
		lhs = v;
	}
	return lx->failed ? NULL : lhs;
}

/* An argument: [name=]expr[ => expr]. */
static struct sc_value *parse_arg(struct lexer *lx)
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
		named->name = arena_strndup(lx->p, lx->s + off, j - off);
		if (!named->name) {
			lex_error(lx, off, "out of memory");
			return NULL;
		}
		lx->i = j + 1;
	}
	v = parse_expr(lx, 0);
	if (v && accept(lx, "=>")) {
		struct sc_value *c = new_value(lx, SC_V_CHANGED, off);

		if (!c)
			return NULL;
		c->lhs = v;
		c->rhs = parse_expr(lx, 0);
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

static const struct {
	const char *name;
	enum sc_pseudo ps;
	int nargs;
} pseudo_calls[] = {
	{ "maps", SC_PS_MAPS, 0 },	     { "smaps", SC_PS_SMAPS, 0 },
	{ "smaps_rollup", SC_PS_SMAPS_ROLLUP, 0 }, { "status", SC_PS_STATUS, 0 },
	{ "vmstat", SC_PS_VMSTAT, 0 },	     { "meminfo", SC_PS_MEMINFO, 0 },
	{ "pagemap", SC_PS_PAGEMAP, 2 },     { "touch", SC_PS_TOUCH, 3 },
	{ "poke", SC_PS_POKE, 2 },	     { "peek", SC_PS_PEEK, 2 },
};

/* Checks a pseudo-call's arguments; touch's mode and poke's data must be strings. */
static void check_pseudo(struct lexer *lx, struct sc_record *r, size_t name_off)
{
	for (size_t k = 0; k < sizeof(pseudo_calls) / sizeof(pseudo_calls[0]); k++) {
		if (strcmp(r->name, pseudo_calls[k].name))
			continue;
		r->pseudo = pseudo_calls[k].ps;
		if ((int)r->nr_args != pseudo_calls[k].nargs) {
			lex_error(lx, name_off, "%s() takes %d argument%s, not %u", r->name,
				  pseudo_calls[k].nargs, pseudo_calls[k].nargs == 1 ? "" : "s",
				  r->nr_args);
			return;
		}
		if (r->pseudo == SC_PS_TOUCH) {
			const struct sc_value *m = r->args[2];

			if (m->kind != SC_V_STR || m->str_len != 1 || !strchr("rwx", m->str[0]))
				lex_error(lx, name_off, "touch() mode must be \"r\", \"w\" or \"x\"");
		}
		if (r->pseudo == SC_PS_POKE && r->args[1]->kind != SC_V_STR)
			lex_error(lx, name_off, "poke() data must be a string");
		if (r->pseudo == SC_PS_PEEK && r->res.kind != SC_RES_BYTES &&
		    r->res.kind != SC_RES_NONE)
			lex_error(lx, name_off, "peek() result must be a string");
		return;
	}
}

static bool lookup_si_code(const char *name, size_t len, int *code)
{
	static const struct strace_xlat *const tabs[] = {
		&xlat_siginfo_codes, &xlat_sigsegv_codes, &xlat_sigbus_codes, &xlat_sigchld_codes,
		&xlat_sigill_codes, &xlat_sigfpe_codes, &xlat_sigtrap_codes,
	};
	unsigned long v;

	for (size_t k = 0; k < sizeof(tabs) / sizeof(tabs[0]); k++) {
		if (strace_xlat_lookup(tabs[k], name, len, &v)) {
			*code = (int)(long)v;
			return true;
		}
	}
	return false;
}

static size_t ident_end(const struct lexer *lx, size_t i)
{
	while (i < lx->len && is_ident_char(lx->s[i]))
		i++;
	return i;
}

/* Text after the value, without a trailing "# comment"; NULL when empty. */
static const char *parse_annotation(struct lexer *lx)
{
	size_t start, end;

	skip_space(lx);
	start = lx->i;
	end = lx->len;
	while (end > start && (lx->s[end - 1] == ' ' || lx->s[end - 1] == '\t'))
		end--;
	lx->i = lx->len;
	if (end == start)
		return NULL;
	return arena_strndup(lx->p, lx->s + start, end - start);
}

/* "= RESULT [annotation]" after the closing parenthesis. */
static void parse_result(struct lexer *lx, struct sc_result *res)
{
	size_t off;
	char c;

	skip_space(lx);
	if (lx->i >= lx->len) {
		res->kind = SC_RES_NONE;
		return;
	}
	if (!expect(lx, "="))
		return;
	skip_space(lx);
	off = lx->i;
	res->pos = lex_pos(lx, off);
	if (off >= lx->len) {
		lex_error(lx, off, "expected a result after '='");
		return;
	}
	c = lx->s[off];
	if (c == '?') {
		lx->i++;
		res->kind = SC_RES_UNKNOWN;
	} else if (c == '-' || is_digit(c)) {
		bool neg = c == '-';

		if (neg)
			lx->i++;
		if (lx->i >= lx->len || !is_digit(lx->s[lx->i])) {
			lex_error(lx, lx->i, "expected a number");
			return;
		}
		if (!lex_number(lx, &res->val, &res->hex))
			return;
		if (neg)
			res->val = -res->val;
		res->kind = SC_RES_VALUE;
		skip_space(lx);
		if (neg && lx->i < lx->len && is_ident_start(lx->s[lx->i])) {
			size_t e = ident_end(lx, lx->i);

			if (!strace_errno_lookup(lx->s + lx->i, e - lx->i, &res->err)) {
				lex_error(lx, lx->i, "unknown errno name '%.*s'", (int)(e - lx->i),
					  lx->s + lx->i);
				return;
			}
			res->kind = SC_RES_ERROR;
			lx->i = e;
		}
	} else if (c == '"') {
		char *b;

		lx->i++;
		if (!lex_quoted(lx, '"', lx->len, &b, &res->bytes_len))
			return;
		res->bytes = b;
		res->kind = SC_RES_BYTES;
	} else if (is_ident_start(c)) {
		size_t e = ident_end(lx, off);

		if (!strace_signal_lookup(lx->s + off, e - off, &res->sig)) {
			lex_error(lx, off, "unknown signal '%.*s'", (int)(e - off), lx->s + off);
			return;
		}
		res->kind = SC_RES_SIGNAL;
		lx->i = e;
		skip_space(lx);
		if (lx->i < lx->len && is_ident_start(lx->s[lx->i])) {
			e = ident_end(lx, lx->i);
			if (!lookup_si_code(lx->s + lx->i, e - lx->i, &res->si_code)) {
				lex_error(lx, lx->i, "unknown si_code '%.*s'", (int)(e - lx->i),
					  lx->s + lx->i);
				return;
			}
			res->has_si_code = true;
			lx->i = e;
		}
	} else {
		lex_error(lx, off, "bad result '%c'", c);
		return;
	}
	res->annotation = parse_annotation(lx);
}

/*
 * The argument list from lx->i (just after "NAME(") to the matching ')', then the result.
 * The list was printed by strace as "a, b, c"; the unfinished marker may sit in it when the
 * task died inside the call ("<... wait4 resumed> <unfinished ...>) = ?").
 */
static void parse_call_body(struct lexer *lx, struct sc_record *r, size_t name_off)
{
	struct vlist l = { 0 };
	size_t args_start = lx->i;

	while (!lx->failed) {
		struct sc_value *v;

		if (accept(lx, "<unfinished ...>")) {
			r->interrupted = true;
			continue;
		}
		if (accept(lx, ")"))
			break;
		if (lx->i >= lx->len) {
			lex_error(lx, lx->i, "expected ')' at end of line");
			break;
		}
		v = parse_arg(lx);
		if (!v || !vlist_add(lx, &l, v))
			break;
		if (!accept(lx, ",") && !peek_str(lx, ")") && !peek_str(lx, "<unfinished ...>")) {
			if (lx->i < lx->len)
				lex_error(lx, lx->i, "expected ',' or ')'");
			else
				lex_error(lx, lx->i, "expected ')' at end of line");
			break;
		}
	}
	if (lx->failed) {
		free(l.v);
		return;
	}
	if (!vlist_finish(lx, &l, &r->args, &r->nr_args))
		return;
	r->args_text = arena_strndup(lx->p, lx->s + args_start, lx->i - 1 - args_start);
	parse_result(lx, &r->res);
	if (!lx->failed)
		check_pseudo(lx, r, name_off);
}

/* The record of the line being parsed; sc_parser_feed() gives it the line's arena. */
static struct sc_record *new_record(struct lexer *lx, enum sc_rec_kind kind, unsigned int line,
				    int pid)
{
	struct sc_record_box *box = arena_alloc(lx->p, sizeof(*box));
	struct sc_record *r;

	if (!box) {
		lex_error(lx, 0, "out of memory");
		return NULL;
	}
	r = &box->rec;
	r->kind = kind;
	r->line = line;
	r->pid = pid;
	return r;
}

/* "--- SIGSEGV {si_signo=SIGSEGV, ...} ---" or "--- stopped by SIGSTOP ---" */
static struct sc_record *parse_signal_line(struct lexer *lx, unsigned int line, int pid)
{
	struct sc_record *r = new_record(lx, SC_REC_SIGNAL, line, pid);
	size_t e;

	if (!r)
		return NULL;
	accept(lx, "stopped by ");
	skip_space(lx);
	e = ident_end(lx, lx->i);
	if (!strace_signal_lookup(lx->s + lx->i, e - lx->i, &r->sig)) {
		lex_error(lx, lx->i, "unknown signal '%.*s'", (int)(e - lx->i), lx->s + lx->i);
		return NULL;
	}
	lx->i = e;
	if (peek_str(lx, "{")) {
		r->info = parse_primary(lx);
		if (!r->info)
			return NULL;
	}
	if (!expect(lx, "---"))
		return NULL;
	skip_space(lx);
	if (lx->i < lx->len) {
		lex_error(lx, lx->i, "unexpected text after '---'");
		return NULL;
	}
	return r;
}

/* "+++ exited with N +++", "+++ killed by SIGSEGV (core dumped) +++" */
static struct sc_record *parse_exit_line(struct lexer *lx, unsigned int line, int pid)
{
	struct sc_record *r;

	if (accept(lx, "exited with")) {
		unsigned long v;

		r = new_record(lx, SC_REC_EXITED, line, pid);
		skip_space(lx);
		if (!r || lx->i >= lx->len || !is_digit(lx->s[lx->i])) {
			lex_error(lx, lx->i, "expected an exit status");
			return NULL;
		}
		if (!lex_number(lx, &v, NULL))
			return NULL;
		if (v > 255) {
			lex_error(lx, lx->i, "exit status out of range");
			return NULL;
		}
		r->status = (int)v;
	} else if (accept(lx, "killed by")) {
		size_t e;

		r = new_record(lx, SC_REC_KILLED, line, pid);
		if (!r)
			return NULL;
		skip_space(lx);
		e = ident_end(lx, lx->i);
		if (!strace_signal_lookup(lx->s + lx->i, e - lx->i, &r->sig)) {
			lex_error(lx, lx->i, "unknown signal '%.*s'", (int)(e - lx->i),
				  lx->s + lx->i);
			return NULL;
		}
		lx->i = e;
		r->core_dumped = accept(lx, "(core dumped)");
	} else {
		lex_error(lx, lx->i, "expected 'exited with' or 'killed by'");
		return NULL;
	}
	if (!expect(lx, "+++"))
		return NULL;
	skip_space(lx);
	if (lx->i < lx->len) {
		lex_error(lx, lx->i, "unexpected text after '+++'");
		return NULL;
	}
	return r;
}

/* "# si_addr: ADDR" */
static struct sc_record *parse_si_addr(struct sc_parser *p, struct lexer *lx, unsigned int line,
				       int pid)
{
	struct sc_record *r = new_record(lx, SC_REC_SI_ADDR, line, pid);
	struct sc_value *v;

	if (!r)
		return NULL;
	v = parse_expr(lx, 0);
	if (!v || sc_eval(v, sc_default_lookup, NULL, &r->fault_addr, lx->err))
		return NULL;
	skip_space(lx);
	if (lx->i < lx->len) {
		lex_error(lx, lx->i, "unexpected text after the address");
		return NULL;
	}
	if (p->last_call) {
		p->last_call->has_fault_addr = true;
		p->last_call->fault_addr = r->fault_addr;
	}
	return r;
}

static struct sc_pending *find_pending(struct sc_parser *p, int pid)
{
	for (unsigned int k = 0; k < p->nr_pend; k++)
		if (p->pend[k].pid == pid)
			return &p->pend[k];
	return NULL;
}

static void drop_pending(struct sc_parser *p, struct sc_pending *pd)
{
	free(pd->name);
	free(pd->text);
	*pd = p->pend[--p->nr_pend];
}

/* Keeps an entry printed with "<unfinished ...>" until its task resumes it. */
static int add_pending(struct sc_parser *p, struct lexer *lx, int pid, unsigned int line,
		       const char *name, size_t name_len, size_t args_off, size_t args_end)
{
	struct sc_pending *pd = find_pending(p, pid);

	if (pd) {
		lex_error(lx, 0, "task %d already has an unfinished %s() from line %u", pid,
			  pd->name, pd->line);
		return -EINVAL;
	}
	if (p->nr_pend == p->cap_pend) {
		unsigned int cap = p->cap_pend ? p->cap_pend * 2 : 8;
		struct sc_pending *np = realloc(p->pend, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		p->pend = np;
		p->cap_pend = cap;
	}
	pd = &p->pend[p->nr_pend];
	pd->pid = pid;
	pd->line = line;
	pd->col = (unsigned int)args_off + 1;
	pd->name = strndup(name, name_len);
	pd->text = strndup(lx->s + args_off, args_end - args_off);
	pd->len = args_end - args_off;
	if (!pd->name || !pd->text) {
		free(pd->name);
		free(pd->text);
		return -ENOMEM;
	}
	p->nr_pend++;
	return 0;
}

static const char unfinished_marker[] = " <unfinished ...>";

static bool ends_unfinished(const char *s, size_t len, size_t *cut)
{
	size_t n = sizeof(unfinished_marker) - 1;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= n - 1 && !memcmp(s + len - (n - 1), unfinished_marker + 1, n - 1)) {
		*cut = len - (n - 1);
		if (*cut && s[*cut - 1] == ' ')
			(*cut)--;
		return true;
	}
	return false;
}

/* Leading "[pid  N] " (strace on stderr) or "N  " (strace -o FILE -f). */
static int parse_pid_prefix(struct lexer *lx, int *pid)
{
	size_t j;
	unsigned long v;

	*pid = 0;
	if (accept(lx, "[pid")) {
		skip_space(lx);
		if (lx->i >= lx->len || !is_digit(lx->s[lx->i]) || !lex_number(lx, &v, NULL) ||
		    v == 0 || v > INT32_MAX || !expect(lx, "]")) {
			lex_error(lx, lx->i, "bad [pid N] prefix");
			return -EINVAL;
		}
		*pid = (int)v;
		return 0;
	}
	j = lx->i;
	while (j < lx->len && is_digit(lx->s[j]))
		j++;
	if (j > lx->i && j < lx->len && lx->s[j] == ' ') {
		if (!lex_number(lx, &v, NULL) || v == 0 || v > INT32_MAX) {
			lex_error(lx, lx->i, "bad pid prefix");
			return -EINVAL;
		}
		*pid = (int)v;
	}
	return 0;
}

static struct sc_record *parse_call_line(struct sc_parser *p, struct lexer *lx,
					 unsigned int line, int pid, int *ret)
{
	size_t name_off = lx->i, e = ident_end(lx, lx->i), cut;
	struct sc_record *r;

	if (e == name_off || e >= lx->len || lx->s[e] != '(') {
		lex_error(lx, name_off, "expected a call NAME(...), a signal or an exit line");
		return NULL;
	}
	if (ends_unfinished(lx->s, lx->len, &cut) && cut > e) {
		*ret = add_pending(p, lx, pid, line, lx->s + name_off, e - name_off, e + 1, cut);
		return NULL;
	}
	r = new_record(lx, SC_REC_CALL, line, pid);
	if (!r)
		return NULL;
	r->name = arena_strndup(p, lx->s + name_off, e - name_off);
	lx->i = e + 1;
	parse_call_body(lx, r, name_off);
	return lx->failed ? NULL : r;
}

/* "<... NAME resumed>REST": parse the entry text and REST as one call. */
static struct sc_record *parse_resumed(struct sc_parser *p, struct lexer *lx, unsigned int line,
				       int pid, int *ret)
{
	size_t name_off, e;
	struct sc_pending *pd;
	struct sc_record *r;
	struct lexer jl;
	char *joined;
	size_t rest_len;

	skip_space(lx);
	name_off = lx->i;
	e = ident_end(lx, name_off);
	if (e == name_off || !(lx->i = e, accept(lx, "resumed>"))) {
		lex_error(lx, name_off, "expected '<... NAME resumed>'");
		return NULL;
	}
	pd = find_pending(p, pid);
	/*
	 * strace drops the "[pid N]" prefix once a single task is left, so an unprefixed
	 * resumption belongs to the only task with an unfinished call.
	 */
	if (!pd && !pid && p->nr_pend == 1) {
		pd = &p->pend[0];
		pid = pd->pid;
	}
	/*
	 * The other way round: an entry printed while its task was alone ("vfork( <unfinished
	 * ...>" before the child's first line) is resumed with the prefix the child's lines
	 * brought in.
	 */
	if (!pd && pid)
		pd = find_pending(p, 0);
	if (!pd || strlen(pd->name) != e - name_off || memcmp(pd->name, lx->s + name_off, e - name_off)) {
		lex_error(lx, name_off, "%.*s resumed without an unfinished call of task %d",
			  (int)(e - name_off), lx->s + name_off, pid);
		return NULL;
	}
	rest_len = lx->len - lx->i;
	joined = malloc(pd->len + rest_len + 1);
	if (!joined) {
		*ret = -ENOMEM;
		return NULL;
	}
	memcpy(joined, pd->text, pd->len);
	memcpy(joined + pd->len, lx->s + lx->i, rest_len);
	joined[pd->len + rest_len] = '\0';
	jl = (struct lexer){
		.p = p, .s = joined, .len = pd->len + rest_len, .split = pd->len,
		.line1 = pd->line, .col1 = pd->col, .line2 = line,
		.col2 = (unsigned int)lx->i + 1, .err = lx->err,
	};
	r = new_record(&jl, SC_REC_CALL, pd->line, pid);
	if (r) {
		r->resume_line = line;
		r->entry_pid = pd->pid;
		r->name = arena_strndup(p, pd->name, strlen(pd->name));
		parse_call_body(&jl, r, 0);
	}
	lx->failed = jl.failed;
	free(joined);
	drop_pending(p, pd);
	return lx->failed ? NULL : r;
}

/* Everything allocated for the line just parsed, when it made no record. */
static void free_arena(struct sc_parser *p)
{
	while (p->arena) {
		struct arena_chunk *c = p->arena;

		p->arena = c->next;
		free(c);
	}
}

/* The record @r takes the line's arena: sc_record_free() releases both. */
static void adopt_arena(struct sc_parser *p, struct sc_record *r)
{
	struct sc_record_box *box = (struct sc_record_box *)((char *)r -
							     offsetof(struct sc_record_box, rec));

	box->parser = p;
	box->chunks = p->arena;
	p->arena = NULL;
	box->prev = NULL;
	box->next = p->live;
	if (p->live)
		p->live->prev = box;
	p->live = box;
}

static int __sc_parser_feed(struct sc_parser *p, const char *line, size_t len,
			    unsigned int lineno, const struct sc_record **rec, struct sc_error *err)
{
	struct lexer lx = { .p = p, .s = line, .len = len, .split = SIZE_MAX, .line1 = lineno,
			    .col1 = 1, .err = err };
	struct sc_record *r = NULL;
	int pid, ret = 0;

	*rec = NULL;
	memset(err, 0, sizeof(*err));
	while (lx.len && (line[lx.len - 1] == '\n' || line[lx.len - 1] == '\r'))
		lx.len--;
	if (memchr(line, '\0', lx.len)) {
		lex_error(&lx, (size_t)((const char *)memchr(line, '\0', lx.len) - line),
			  "NUL byte in line");
		return -EINVAL;
	}
	while (lx.i < lx.len && (line[lx.i] == ' ' || line[lx.i] == '\t'))
		lx.i++;
	if (lx.len - lx.i >= 10 && !memcmp(line + lx.i, "# si_addr:", 10)) {
		lx.i += 10;
		r = parse_si_addr(p, &lx, lineno, 0);
		goto out;
	}
	skip_space(&lx);
	if (lx.i >= lx.len)
		return 0;
	if (parse_pid_prefix(&lx, &pid))
		return -EINVAL;
	skip_space(&lx);
	if (accept(&lx, "---"))
		r = parse_signal_line(&lx, lineno, pid);
	else if (accept(&lx, "+++"))
		r = parse_exit_line(&lx, lineno, pid);
	else if (accept(&lx, "<..."))
		r = parse_resumed(p, &lx, lineno, pid, &ret);
	else if (lx.i < lx.len)
		r = parse_call_line(p, &lx, lineno, pid, &ret);
	else
		lex_error(&lx, lx.i, "pid prefix without a call");
out:
	if (p->oom || ret == -ENOMEM)
		return -ENOMEM;
	if (lx.failed)
		return -EINVAL;
	if (ret)
		return ret;
	if (r && r->kind == SC_REC_CALL)
		p->last_call = r;
	else if (r && r->kind != SC_REC_SI_ADDR)
		p->last_call = NULL;
	if (r)
		adopt_arena(p, r);
	else
		free_arena(p);
	*rec = r;
	return 0;
}

/**
 * sc_parser_feed() - parse one line of a scenario.
 * @p: the parser.
 * @line: the line's text, without or with its newline.
 * @len: its length.
 * @lineno: its 1-based number, for messages and records.
 * @rec: set to the record the line completes, or NULL (blank, comment, unfinished entry).
 * @err: filled when the line is malformed.
 *
 * A call split by strace into "<unfinished ...>" and "<... NAME resumed>" lines comes out as
 * one record when its second line is fed. The record and its values stay valid until
 * sc_record_free() or sc_parser_destroy().
 * After an error the parser is still usable: the caller may feed the next line or stop.
 *
 * Context: single-threaded use of @p.
 * Return: 0 (check *@rec), -EINVAL for malformed text (@err says where and why), -ENOMEM.
 */
int sc_parser_feed(struct sc_parser *p, const char *line, size_t len, unsigned int lineno,
		   const struct sc_record **rec, struct sc_error *err)
{
	int ret = __sc_parser_feed(p, line, len, lineno, rec, err);

	if (ret)
		free_arena(p);
	return ret;
}

/**
 * sc_record_free() - free a record and every value it holds.
 * @rec: a record from sc_parser_feed(), or NULL.
 *
 * Records not freed this way are freed by sc_parser_destroy(). A "# si_addr:" line fed after
 * the record was freed no longer reaches it.
 *
 * Context: single-threaded use of the record's parser.
 */
void sc_record_free(const struct sc_record *rec)
{
	struct sc_record_box *box;
	struct arena_chunk *c;

	if (!rec)
		return;
	box = (struct sc_record_box *)((char *)rec - offsetof(struct sc_record_box, rec));
	if (box->parser) {
		if (box->parser->last_call == &box->rec)
			box->parser->last_call = NULL;
		if (box->prev)
			box->prev->next = box->next;
		else
			box->parser->live = box->next;
		if (box->next)
			box->next->prev = box->prev;
	}
	c = box->chunks;
	while (c) {
		struct arena_chunk *next = c->next;

		free(c);
		c = next;
	}
}

/**
 * sc_parser_finish() - report calls left unfinished at the end of the text.
 * @p: the parser.
 * @rec: always set to NULL (kept for symmetry with sc_parser_feed()).
 * @err: filled for the first unfinished call.
 *
 * Call repeatedly until it returns 0: each call reports and drops one unfinished entry.
 *
 * Context: single-threaded use of @p.
 * Return: 0 when none is left, -EINVAL with @err set otherwise.
 */
int sc_parser_finish(struct sc_parser *p, const struct sc_record **rec, struct sc_error *err)
{
	struct sc_pending *pd;

	*rec = NULL;
	if (!p->nr_pend)
		return 0;
	pd = &p->pend[0];
	err->line = pd->line;
	err->col = pd->col;
	snprintf(err->msg, sizeof(err->msg), "%s() unfinished and never resumed", pd->name);
	drop_pending(p, pd);
	return -EINVAL;
}

/**
 * sc_parser_create() - a parser for one scenario text.
 * @file: name used in messages (copied).
 * @out: the new parser.
 *
 * Context: any.
 * Return: 0, or -ENOMEM.
 */
int sc_parser_create(const char *file, struct sc_parser **out)
{
	struct sc_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->file = strdup(file ? file : "<scenario>");
	if (!p->file) {
		free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

/**
 * sc_parser_unfinished() - a call printed with "<unfinished ...>" and not resumed yet.
 * @p: the parser.
 * @k: which one (0-based).
 * @pid: set to its pid (0 when its line had no pid prefix).
 * @name: set to its name.
 *
 * A streaming reader uses it to tell a child printing before its parent's clone returns from
 * a pid nothing creates.
 *
 * Context: single-threaded use of @p.
 * Return: true when entry @k exists.
 */
bool sc_parser_unfinished(const struct sc_parser *p, unsigned int k, int *pid, const char **name)
{
	if (k >= p->nr_pend)
		return false;
	*pid = p->pend[k].pid;
	*name = p->pend[k].name;
	return true;
}

/**
 * sc_parser_file() - the file name given at creation.
 * @p: the parser.
 *
 * Context: any.
 * Return: the name.
 */
const char *sc_parser_file(const struct sc_parser *p)
{
	return p->file;
}

/**
 * sc_parser_destroy() - free the parser and every record it produced that is not freed yet.
 * @p: the parser, or NULL.
 *
 * Context: any.
 */
void sc_parser_destroy(struct sc_parser *p)
{
	if (!p)
		return;
	free_arena(p);
	while (p->live)
		sc_record_free(&p->live->rec);
	while (p->nr_pend)
		drop_pending(p, &p->pend[0]);
	free(p->pend);
	free(p->file);
	free(p);
}
