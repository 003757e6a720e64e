// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reader of the scenario language (see scenario.h): line classification, the leader strace
 * puts before a line ("[pid N]" or "N " prefixes, -t/-tt/-ttt/-r timestamps), strace's own
 * messages, -T times, the unfinished/resumed join, lines cut by "strace: Process N attached",
 * results and records; argument values are read by scenario_value.c. The syntax is what
 * strace 6.x prints (src/strace.c printleader(), src/syscall.c syscall_exiting_trace(),
 * src/printsiginfo.c); this file models no Linux code. The values of one line live in an
 * arena that the line's record owns, so error paths have nothing to free one by one and a
 * streaming reader frees each record (with sc_record_free()) once it has run: memory does not
 * grow with the log.
 */
#include "scenario_lex.h"
#include "strace_flags.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A record with the arena holding its values: the record is handed out, the box frees it. The
 * chunks are the line's (two lines' for a joined call) and nothing else's.
 */
struct sc_record_box {
	struct sc_parser *parser;    /* forgets ->last_call; frees the record if no one else */
	struct sc_arena arena;       /* everything the record points to */
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
	bool has_time;     /* the entry line's timestamp, which the joined record keeps */
	bool time_relative;
	double time;
};

struct sc_parser {
	char *file;
	struct sc_arena arena;       /* the values of the line being parsed */
	struct sc_pending *pend; /* unfinished calls, at most one per task */
	unsigned int nr_pend, cap_pend;
	struct sc_record *last_call; /* receives a following "# si_addr:" expectation */
	struct sc_record_box *live;  /* records handed out and not freed yet */
	char *carry;                 /* a line cut by a strace message, continued by the next */
	size_t carry_len;
	unsigned int carry_line;
	unsigned int nr_carried;     /* lines the carried text has taken in so far */
	bool seen_trace;             /* a line of the trace came (not a comment, not strace's) */
	bool in_summary;             /* inside strace -c/-C's table of counts */
};

static const struct {
	const char *name;
	enum sc_pseudo ps;
	int nargs;
} pseudo_calls[] = {
	{ "maps", SC_PS_MAPS, 0 },	     { "smaps", SC_PS_SMAPS, 0 },
	{ "smaps_rollup", SC_PS_SMAPS_ROLLUP, 0 }, { "status", SC_PS_STATUS, 0 },
	{ "vmstat", SC_PS_VMSTAT, 0 },	     { "meminfo", SC_PS_MEMINFO, 0 },
	{ "swaps", SC_PS_SWAPS, 0 },
	{ "pagemap", SC_PS_PAGEMAP, 2 },     { "touch", SC_PS_TOUCH, 3 },
	{ "poke", SC_PS_POKE, 2 },	     { "peek", SC_PS_PEEK, 2 },
	{ "pkru", SC_PS_PKRU, 1 },	     { "sleep", SC_PS_SLEEP, 1 },
	{ "idle", SC_PS_IDLE, 2 },
	{ "pmap", SC_PS_PMAP, 0 },	     { "pmap_x", SC_PS_PMAP_X, 0 },
	{ "free", SC_PS_FREE, 0 },	     { "walk", SC_PS_WALK, 1 },
	{ "oom_score", SC_PS_OOM_SCORE, 0 }, { "oom_score_adj", SC_PS_OOM_SCORE_ADJ, -1 },
	{ "pressure", SC_PS_PRESSURE, 0 },  { "lru_gen", SC_PS_LRU_GEN, 0 },
};

#define SC_SLEEP_MAX_SECONDS 1000000000UL /* about 31 years, in nanoseconds below 2^63 */

/*
 * sleep(SECONDS)'s argument: decimal seconds with an optional fraction ("30", "0.25"), which
 * the C-number syntax of the other arguments lacks, kept as an SC_V_NUM of nanoseconds
 * (digits past the ninth after the point are dropped). Leaves lx->i after the ')'.
 */
static void parse_sleep_arg(struct lexer *lx, struct sc_record *r)
{
	size_t off, digits = 0;
	unsigned long sec = 0, ns = 0, scale = 100000000UL;
	struct sc_value *v;

	skip_space(lx);
	off = lx->i;
	if (peek_str(lx, ")"))
		goto bad;	/* no argument: check_pseudo's count message */
	for (; lx->i < lx->len && is_digit(lx->s[lx->i]); lx->i++, digits++) {
		sec = sec * 10 + (unsigned long)(lx->s[lx->i] - '0');
		if (sec > SC_SLEEP_MAX_SECONDS) {
			lex_error(lx, off, "sleep() seconds out of range (at most %lu)",
				  SC_SLEEP_MAX_SECONDS);
			return;
		}
	}
	if (digits && lx->i + 1 < lx->len && lx->s[lx->i] == '.' && is_digit(lx->s[lx->i + 1]))
		for (lx->i++; lx->i < lx->len && is_digit(lx->s[lx->i]); lx->i++, scale /= 10)
			ns += (unsigned long)(lx->s[lx->i] - '0') * scale;
	if (!digits) {
		lex_error(lx, off, "sleep() takes seconds: a decimal number such as 30 or 0.5");
		return;
	}
	skip_space(lx);
	if (!accept(lx, ")")) {
		lex_error(lx, lx->i, lx->i < lx->len && lx->s[lx->i] == ',' ?
			  "sleep() takes 1 argument" : "expected ')' after the seconds");
		return;
	}
	v = sc_arena_alloc(lx->arena, sizeof(*v));
	r->args = sc_arena_alloc(lx->arena, sizeof(*r->args));
	if (!v || !r->args) {
		lex_error(lx, off, "out of memory");
		return;
	}
	*v = (struct sc_value){ .kind = SC_V_NUM, .pos = lex_pos(lx, off),
				.num = sec * 1000000000UL + ns };
	r->args[0] = v;
	r->nr_args = 1;
	return;
bad:
	accept(lx, ")");
}

/* Checks a pseudo-call's arguments; touch's mode and poke's data must be strings. */
static void check_pseudo(struct lexer *lx, struct sc_record *r, size_t name_off)
{
	for (size_t k = 0; k < sizeof(pseudo_calls) / sizeof(pseudo_calls[0]); k++) {
		if (strcmp(r->name, pseudo_calls[k].name))
			continue;
		r->pseudo = pseudo_calls[k].ps;
		/* pagemap's third argument, the bare word decoded, spells the bits out. */
		if (r->pseudo == SC_PS_PAGEMAP && r->nr_args == 3) {
			const struct sc_value *d = r->args[2];

			if (d->kind != SC_V_SYM || strcmp(d->name, "decoded"))
				lex_error(lx, name_off, "pagemap()'s third argument can only be decoded");
			return;
		}
		if (pseudo_calls[k].nargs < 0 && r->nr_args > 1) {
			lex_error(lx, name_off, "%s() takes 0 or 1 argument, not %u", r->name,
				  r->nr_args);
			return;
		}
		if (pseudo_calls[k].nargs >= 0 && (int)r->nr_args != pseudo_calls[k].nargs) {
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
	return sc_arena_strndup(lx->arena, lx->s + start, end - start);
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
		if (!sc_lex_number(lx, &res->val, &res->hex))
			return;
		if (neg)
			res->val = -res->val;
		res->kind = SC_RES_VALUE;
		if (!neg && sc_at_decoration(lx)) {
			char *path;

			/* "= 3</etc/ld.so.cache>": an fd result under strace -y */
			if (!sc_parse_decoration(lx, &path, &res->path_len))
				return;
			res->path = path;
		}
		skip_space(lx);
		if (neg && accept(lx, "(errno ")) {
			/* print_err_ret() for an errno strace has no name for */
			skip_space(lx);
			if (lx->i >= lx->len || !is_digit(lx->s[lx->i]) ||
			    !sc_lex_number(lx, &res->err, NULL) || !expect(lx, ")")) {
				lex_error(lx, lx->i, "expected '(errno N)'");
				return;
			}
			res->kind = SC_RES_ERROR;
		} else if (neg && lx->i < lx->len && is_ident_start(lx->s[lx->i])) {
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
		if (!sc_lex_quoted(lx, '"', lx->len, &b, &res->bytes_len))
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
 * strace -X raw prints statx's flags with the sync type's part empty when it is 0 (other
 * styles name it AT_STATX_SYNC_AS_STAT): "|0x900" is 0x900. No other value starts with '|',
 * so a stray one anywhere else stays an error.
 */
static void skip_statx_raw_bar(struct lexer *lx, const struct sc_record *r, unsigned int arg)
{
	skip_space(lx);
	if (arg == 2 && !strcmp(r->name, "statx") && lx->i + 1 < lx->len &&
	    lx->s[lx->i] == '|' && is_digit(lx->s[lx->i + 1]))
		lx->i++;
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

	if (!strcmp(r->name, "sleep")) {
		parse_sleep_arg(lx, r);
		goto result;
	}
	while (!lx->failed) {
		struct sc_value *v;

		if (accept(lx, "<unfinished ...>")) {
			r->interrupted = true;
			continue;
		}
		if (peek_str(lx, "<... resuming ")) {
			/* restart_syscall(<... resuming interrupted read ...>): no argument */
			const char *e = memmem(lx->s + lx->i, lx->len - lx->i, "...>", 4);

			if (e && e > lx->s + lx->i + 13) {
				lx->i = (size_t)(e - lx->s) + 4;
				continue;
			}
		}
		if (accept(lx, ")"))
			break;
		if (lx->i >= lx->len) {
			lex_error(lx, lx->i, "expected ')' at end of line");
			break;
		}
		skip_statx_raw_bar(lx, r, l.n);
		v = sc_parse_arg(lx);
		if (!v || !sc_vlist_add(lx, &l, v))
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
	if (!sc_vlist_finish(lx, &l, &r->args, &r->nr_args))
		return;
result:
	if (lx->failed)
		return;
	r->args_text = sc_arena_strndup(lx->arena, lx->s + args_start, lx->i - 1 - args_start);
	parse_result(lx, &r->res);
	if (!lx->failed)
		check_pseudo(lx, r, name_off);
}

/* The record of the line being parsed; sc_parser_feed() gives it the line's arena. */
static struct sc_record *new_record(struct lexer *lx, enum sc_rec_kind kind, unsigned int line,
				    int pid)
{
	struct sc_record_box *box = sc_arena_alloc(lx->arena, sizeof(*box));
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
		r->info = sc_parse_primary(lx);
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

static struct sc_pending *find_pending(struct sc_parser *p, int pid);
static void drop_pending(struct sc_parser *p, struct sc_pending *pd);

/*
 * "+++ exited with N +++", "+++ killed by SIGSEGV (core dumped) +++". A task that dies with
 * a call unfinished was killed in it, its whole group with it (exit_group, a fatal signal, or
 * another thread's execve: de_thread), and strace may print no "resumed" line: the call is
 * dropped, as the address space it could have changed is torn down or replaced.
 */
static struct sc_record *parse_exit_line(struct sc_parser *p, struct lexer *lx,
					 unsigned int line, int pid)
{
	struct sc_pending *pd;
	struct sc_record *r;

	if (accept(lx, "exited with")) {
		unsigned long v;

		r = new_record(lx, SC_REC_EXITED, line, pid);
		skip_space(lx);
		if (!r || lx->i >= lx->len || !is_digit(lx->s[lx->i])) {
			lex_error(lx, lx->i, "expected an exit status");
			return NULL;
		}
		if (!sc_lex_number(lx, &v, NULL))
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
	pd = find_pending(p, pid);
	if (pd)
		drop_pending(p, pd);
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
	v = sc_parse_expr(lx, 0);
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
static int add_pending(struct sc_parser *p, struct lexer *lx, const struct sc_leader *ld,
		       unsigned int line, const char *name, size_t name_len, size_t args_off,
		       size_t args_end)
{
	struct sc_pending *pd = find_pending(p, ld->pid);
	int pid = ld->pid;

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
	pd->has_time = ld->has_time;
	pd->time_relative = ld->time_relative;
	pd->time = ld->time;
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

static const char pid_changed_marker[] = "<pid changed to ";

/*
 * strace's maybe_switch_tcbs() ends a thread's execve entry with " <pid changed to N ...>"
 * in place of " <unfinished ...>" when no other line came between it and the exec (the
 * leader died in a call -e trace= left out): the same unfinished entry, resumed under N.
 * Returns where that marker starts in @s[0..@len), or @len.
 */
static size_t pid_changed_start(const char *s, size_t len)
{
	size_t n = sizeof(pid_changed_marker) - 1, j;

	if (len < 4 || memcmp(s + len - 4, " ...", 4))
		return len;
	j = len - 4;
	while (j && s[j - 1] >= '0' && s[j - 1] <= '9')
		j--;
	if (j == len - 4 || j < n || memcmp(s + j - n, pid_changed_marker, n))
		return len;
	return j - n;
}

static bool ends_unfinished(const char *s, size_t len, size_t *cut)
{
	size_t n = sizeof(unfinished_marker) - 1, m;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= n - 1 && !memcmp(s + len - (n - 1), unfinished_marker + 1, n - 1))
		m = len - (n - 1);
	else if (!len || s[len - 1] != '>' || (m = pid_changed_start(s, len - 1)) == len - 1)
		return false;
	*cut = m && s[m - 1] == ' ' ? m - 1 : m;
	return true;
}

/* A call strace left when it detached: "read(0,  <detached ...>". */
static bool ends_detached(const char *s, size_t len)
{
	static const char detached[] = "<detached ...>";
	size_t n = sizeof(detached) - 1;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len >= n && !memcmp(s + len - n, detached, n);
}

/* How many of the @n bytes at @s, from the first, are in @set: lines are not NUL-ended. */
static size_t span_in(const char *s, size_t n, const char *set)
{
	size_t k = 0;

	while (k < n && s[k] && strchr(set, s[k]))
		k++;
	return k;
}

/*
 * The data dumps of -e read=SET and -e write=SET after a call (src/util.c's dumpstr() and
 * dumpiov()): " | 00010  69 61 6e 20 ...  ian GNU/Linux 12 |", the offset five hex digits or
 * more (as many as the buffer's size needs), and before each buffer of a vector " * 3 bytes
 * in buffer 1". The call's line has the data already (as far as -s lets it), so they add
 * nothing to run.
 */
static bool is_dump_line(const char *s, size_t n)
{
	size_t k;

	if (n >= 9 && s[0] == '|' && s[1] == ' ' && s[n - 1] == '|') {
		k = 2 + span_in(s + 2, n - 2, "0123456789abcdef");
		return k >= 7 && n - k >= 2 && s[k] == ' ' && s[k + 1] == ' ';
	}
	if (n < 4 || s[0] != '*' || s[1] != ' ')
		return false;
	k = 2 + span_in(s + 2, n - 2, "0123456789");
	return k > 2 && n - k > 17 && !memcmp(s + k, " bytes in buffer ", 17) &&
	       span_in(s + k + 17, n - k - 17, "0123456789") == n - k - 17;
}

/*
 * strace's own lines that carry no call (its "strace: ..." diagnostics are skipped before the
 * leader): "[ Process PID=N runs in 32 bit mode. ]", a detached call's " <detached ...>",
 * stack-trace lines of -k (" > /lib/x.so(f+0x1)") and data dumps of -e read=/write=.
 */
static bool is_noop_line(const struct lexer *lx, size_t leader_end)
{
	static const char *const starts[] = { "[ Process PID=", "> " };
	const char *s = lx->s + leader_end;
	size_t n = lx->len - leader_end;

	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++)
		if (n >= strlen(starts[k]) && !memcmp(s, starts[k], strlen(starts[k])))
			return true;
	return is_dump_line(s, n) || ends_detached(s, n);
}

/* A blank-separated word of @s from *@i, skipping blanks before it; false at the end. */
static bool next_word(const char *s, size_t n, size_t *i, const char **w, size_t *wl)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
	if (*i >= n)
		return false;
	*w = s + *i;
	while (*i < n && s[*i] != ' ' && s[*i] != '\t')
		(*i)++;
	*wl = (size_t)(s + *i - *w);
	return true;
}

/*
 * The header of strace -c/-C's table of counts (src/count.c's call_summary()): only its
 * column titles, such as "% time     seconds  usecs/call     calls    errors syscall" (-U
 * picks and orders the columns).
 */
static bool is_summary_header(const char *s, size_t n)
{
	static const char *const titles[] = { "%",	"time",	 "seconds", "shortest", "longest",
					      "usecs/call", "calls", "errors",  "syscall" };
	const char *w;
	size_t i = 0, wl, words = 0;

	while (next_word(s, n, &i, &w, &wl)) {
		size_t k = 0;

		while (k < sizeof(titles) / sizeof(titles[0]) &&
		       (strlen(titles[k]) != wl || memcmp(titles[k], w, wl)))
			k++;
		if (k == sizeof(titles) / sizeof(titles[0]))
			return false;
		words++;
	}
	return words > 0;
}

/*
 * A line of the table after its header: dashes under each column, or a row of numbers and
 * one syscall name ("  0.00    0.000000           0        11         1 mmap"; the last row
 * is "total"). *@total tells the last row.
 */
static bool is_summary_row(const char *s, size_t n, bool *total)
{
	const char *w;
	size_t i = 0, wl, names = 0, words = 0;
	bool dashes = true;

	*total = false;
	while (next_word(s, n, &i, &w, &wl)) {
		size_t d = span_in(w, wl, "-"), num = span_in(w, wl, "0123456789.");

		words++;
		if (d >= wl)
			continue;
		dashes = false;
		if (num >= wl)
			continue;
		if (!is_ident_start(w[0]))
			return false;
		for (size_t j = 1; j < wl; j++)
			if (!is_ident_char(w[j]))
				return false;
		names++;
		*total = wl == 5 && !memcmp(w, "total", 5);
	}
	return words && (dashes || names == 1);
}

/*
 * strace -c and -C's table of counts per syscall, at the end of the log: a header, dashes,
 * a row per syscall, dashes and a "total" row; "System call usage summary for 32 bit mode:"
 * before each further personality's table. -C's calls are in the log above it, and the table
 * adds nothing to run; a log of -c alone has the table and no call: that is said at its
 * header, as nothing of it can run. Return: 1 when the line belongs to the table (0 for
 * others), -EINVAL for the header of a log without calls.
 */
static int summary_line(struct sc_parser *p, struct lexer *lx)
{
	const char *s = lx->s + lx->i;
	size_t n = lx->len - lx->i;
	static const char personality[] = "System call usage summary for ";
	bool total;

	if (n >= sizeof(personality) - 1 && !memcmp(s, personality, sizeof(personality) - 1))
		return 1;
	if (p->in_summary && is_summary_row(s, n, &total)) {
		p->in_summary = !total;
		return 1;
	}
	p->in_summary = false;
	if (!is_summary_header(s, n))
		return 0;
	p->in_summary = true;
	if (p->seen_trace)
		return 1;
	lex_error(lx, lx->i, "strace -c's table of counts: the log has no calls to run "
		  "(strace -C keeps them, with the table after them)");
	return -EINVAL;
}

/*
 * "+++ superseded by execve in pid N +++": thread N of the task called execve, and strace
 * goes on under the leader's pid (the kernel's de_thread()), so the "<... execve resumed>"
 * that follows carries the leader's pid. The pending entry moves to it.
 */
static int parse_superseded(struct sc_parser *p, struct lexer *lx, int pid)
{
	struct sc_pending *pd;
	unsigned long old;

	skip_space(lx);
	if (lx->i >= lx->len || !is_digit(lx->s[lx->i]) || !sc_lex_number(lx, &old, NULL) ||
	    !expect(lx, "+++")) {
		lex_error(lx, lx->i, "expected 'superseded by execve in pid N +++'");
		return -EINVAL;
	}
	skip_space(lx);
	if (lx->i < lx->len) {
		lex_error(lx, lx->i, "unexpected text after '+++'");
		return -EINVAL;
	}
	pd = old <= INT32_MAX ? find_pending(p, (int)old) : NULL;
	if (pd && !find_pending(p, pid))
		pd->pid = pid;
	return 0;
}

/*
 * strace -T: " <0.000012>" after the result (after "= ?" and errors too). Cuts it from the
 * end of the text; "<unavailable>" and fd decorations have no blank before them or hold
 * something else than a number.
 */
static void cut_syscall_time(struct lexer *lx)
{
	size_t j = lx->len;

	if (!j || lx->s[j - 1] != '>')
		return;
	j--;
	while (j > lx->i && (is_digit(lx->s[j - 1]) || lx->s[j - 1] == '.'))
		j--;
	if (j == lx->len - 1 || j < lx->i + 2 || lx->s[j - 1] != '<' || lx->s[j - 2] != ' ' ||
	    !is_digit(lx->s[j]))
		return;
	j -= 2;
	while (j > lx->i && (lx->s[j - 1] == ' ' || lx->s[j - 1] == '\t'))
		j--;
	lx->len = j;
}

/* A call's name; "???" is strace's for a syscall whose number it could not read (stub_sysent). */
static size_t call_name_end(const struct lexer *lx, size_t i)
{
	if (lx->len - i >= 3 && !memcmp(lx->s + i, "???", 3))
		return i + 3;
	return ident_end(lx, i);
}

static struct sc_record *parse_call_line(struct sc_parser *p, struct lexer *lx,
					 unsigned int line, const struct sc_leader *ld, int *ret)
{
	int pid = ld->pid;
	size_t name_off = lx->i, e = call_name_end(lx, lx->i), cut;
	struct sc_record *r;

	if (e == name_off || e >= lx->len || lx->s[e] != '(') {
		lex_error(lx, name_off, "expected a call NAME(...), a signal or an exit line");
		return NULL;
	}
	if (ends_unfinished(lx->s, lx->len, &cut) && cut > e) {
		*ret = add_pending(p, lx, ld, line, lx->s + name_off, e - name_off, e + 1, cut);
		return NULL;
	}
	r = new_record(lx, SC_REC_CALL, line, pid);
	if (!r)
		return NULL;
	r->name = sc_arena_strndup(&p->arena, lx->s + name_off, e - name_off);
	lx->i = e + 1;
	parse_call_body(lx, r, name_off);
	return lx->failed ? NULL : r;
}

static bool is_exec_name(const char *s, size_t n)
{
	return (n == 6 && !memcmp(s, "execve", 6)) || (n == 8 && !memcmp(s, "execveat", 8));
}

/*
 * strace -z prints only calls that succeeded, so a thread's execve entry waits unprinted;
 * when the exec moves the thread to its leader's pid (maybe_switch_tcbs) the entry is
 * dropped and "<... execve resumed>) = 0" comes alone, under the leader's pid. That line is
 * the whole call, without its arguments: the program's path is not in the log.
 */
static struct sc_record *parse_headless_exec(struct sc_parser *p, struct lexer *lx,
					     unsigned int line, int pid, size_t name_off,
					     size_t name_end)
{
	struct sc_record *r = new_record(lx, SC_REC_CALL, line, pid);

	if (!r)
		return NULL;
	r->name = sc_arena_strndup(&p->arena, lx->s + name_off, name_end - name_off);
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
	e = call_name_end(lx, name_off);
	if (e == name_off || !(lx->i = e, accept(lx, "resumed>"))) {
		lex_error(lx, name_off, "expected '<... NAME resumed>'");
		return NULL;
	}
	pd = find_pending(p, pid);
	/*
	 * On stderr strace prints "[pid N]" only while more than one task is traced, so an
	 * unprefixed resumption belongs to the only task with an unfinished call, and a
	 * prefixed one may resume an entry printed without a prefix when the task was alone.
	 */
	if (!pd && !pid && p->nr_pend == 1) {
		pd = &p->pend[0];
		pid = pd->pid;
	} else if (!pd && pid) {
		pd = find_pending(p, 0);
	}
	if (!pd && is_exec_name(lx->s + name_off, e - name_off))
		return parse_headless_exec(p, lx, line, pid, name_off, e);
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
		.arena = &p->arena, .s = joined, .len = pd->len + rest_len, .split = pd->len,
		.line1 = pd->line, .col1 = pd->col, .line2 = line,
		.col2 = (unsigned int)lx->i + 1, .err = lx->err,
	};
	r = new_record(&jl, SC_REC_CALL, pd->line, pid);
	if (r) {
		r->resume_line = line;
		r->entry_pid = pd->pid;
		r->has_time = pd->has_time;
		r->time_relative = pd->time_relative;
		r->time = pd->time;
		r->name = sc_arena_strndup(&p->arena, pd->name, strlen(pd->name));
		parse_call_body(&jl, r, 0);
	}
	lx->failed = jl.failed;
	free(joined);
	drop_pending(p, pd);
	return lx->failed ? NULL : r;
}

/*
 * With the trace on stderr, strace's "strace: Process N attached" (or detached) message can
 * land inside a traced line, which then goes on on the next line:
 *
 *	wait4(6492, strace: Process 6492 attached
 *	 <unfinished ...>
 *
 * Returns the offset of such a message that ends the text after other text, or 0.
 */
static size_t find_interjection(const char *s, size_t len)
{
	static const char msg[] = "strace: Process ";
	size_t n = sizeof(msg) - 1, j;

	/* "... attached", "... detached", "... attached with N threads": most lines are none */
	if (len < 8 || (memcmp(s + len - 8, "attached", 8) && memcmp(s + len - 8, "detached", 8) &&
			memcmp(s + len - 7, "threads", 7)))
		return 0;
	for (j = len; j-- > 0;) {
		if (j + n > len || memcmp(s + j, msg, n))
			continue;
		size_t k = j + n, d = k;

		while (k < len && is_digit(s[k]))
			k++;
		if (k == d)
			return 0;
		if ((len - k >= 9 && !memcmp(s + k, " attached", 9)) ||
		    (len - k == 9 && !memcmp(s + k, " detached", 9)))
			return j;
		return 0;
	}
	return 0;
}

#define SC_MAX_CARRIED 16 /* lines one cut line may take in before it is called malformed */

static int carry_line(struct sc_parser *p, struct lexer *lx, size_t len, unsigned int lineno,
		      unsigned int carried)
{
	const char *s = lx->s;
	char *c;
	size_t k;

	for (k = 0; k < len && (s[k] == ' ' || s[k] == '\t'); k++)
		;
	if (k == len)
		return 0; /* the message alone on its line */
	if (carried >= SC_MAX_CARRIED) {
		lex_error(lx, 0, "line cut by strace messages %u times", carried);
		return -EINVAL;
	}
	c = malloc(len + 1);
	if (!c)
		return -ENOMEM;
	memcpy(c, s, len);
	c[len] = '\0';
	free(p->carry);
	p->carry = c;
	p->carry_len = len;
	p->carry_line = lineno;
	p->nr_carried = carried + 1;
	return 0;
}

static int feed_text(struct sc_parser *p, const struct lexer *text, unsigned int lineno,
		     const struct sc_record **rec);

/* Everything allocated for the line just parsed, when it made no record. */
static void free_arena(struct sc_parser *p)
{
	sc_arena_free(&p->arena);
}

/* The record @r takes the line's arena: sc_record_free() releases both. */
static void adopt_arena(struct sc_parser *p, const struct sc_record *r)
{
	struct sc_record_box *box = (struct sc_record_box *)((char *)r -
							     offsetof(struct sc_record_box, rec));

	box->parser = p;
	box->arena.chunks = p->arena.chunks;
	p->arena.chunks = NULL;
	box->prev = NULL;
	box->next = p->live;
	if (p->live)
		p->live->prev = box;
	p->live = box;
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
	struct lexer lx = { .arena = &p->arena, .s = line, .len = len, .split = SIZE_MAX,
			    .line1 = lineno, .col1 = 1, .err = err };
	unsigned int carried = 0;
	char *joined = NULL;
	size_t cut;
	int ret;

	*rec = NULL;
	memset(err, 0, sizeof(*err));
	while (lx.len && (line[lx.len - 1] == '\n' || line[lx.len - 1] == '\r'))
		lx.len--;
	if (memchr(line, '\0', lx.len)) {
		lex_error(&lx, (size_t)((const char *)memchr(line, '\0', lx.len) - line),
			  "NUL byte in line");
		return -EINVAL;
	}
	if (p->carry) {
		joined = malloc(p->carry_len + lx.len + 1);
		if (!joined)
			return -ENOMEM;
		memcpy(joined, p->carry, p->carry_len);
		memcpy(joined + p->carry_len, line, lx.len);
		joined[p->carry_len + lx.len] = '\0';
		lx = (struct lexer){ .arena = &p->arena, .s = joined, .len = p->carry_len + lx.len,
				     .split = p->carry_len, .line1 = p->carry_line, .col1 = 1,
				     .line2 = lineno, .col2 = 1, .err = err };
		lineno = p->carry_line;
		carried = p->nr_carried;
		free(p->carry);
		p->carry = NULL;
	}
	cut = find_interjection(lx.s, lx.len);
	if (cut && !(lx.len >= 8 && !memcmp(lx.s, "strace: ", 8)))
		ret = ends_detached(lx.s, cut) ? 0 : carry_line(p, &lx, cut, lineno, carried);
	else
		ret = feed_text(p, &lx, lineno, rec);
	free(joined);
	if (!ret && *rec)
		adopt_arena(p, *rec);
	else
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

	if (!rec)
		return;
	box = (struct sc_record_box *)((char *)rec - offsetof(struct sc_record_box, rec));
	if (box->parser->last_call == &box->rec)
		box->parser->last_call = NULL;
	if (box->prev)
		box->prev->next = box->next;
	else
		box->parser->live = box->next;
	if (box->next)
		box->next->prev = box->prev;
	sc_arena_free(&box->arena); /* the box itself lives in it */
}

/*
 * A line of no traced task: strace's own message ("strace: ..."), a blank or comment line, or
 * a row of -c's table (summary_line()). Return: 1 for such a line, 0 for a line of trace,
 * -EINVAL for the header of a -c log without calls.
 */
static int untraced_line(struct sc_parser *p, struct lexer *lx)
{
	if (lx->len - lx->i >= 8 && !memcmp(lx->s + lx->i, "strace: ", 8))
		return 1;
	skip_space(lx);
	if (lx->i >= lx->len)
		return 1;
	return summary_line(p, lx);
}

/*
 * What follows the pid prefix and timestamps @ld: a signal, an exit, the resumed half of a
 * call or a whole call. The leader's timestamp is the record's unless the record has its own
 * (a resumed call keeps the time of its first half).
 */
static struct sc_record *parse_event(struct sc_parser *p, struct lexer *lx, unsigned int lineno,
				     const struct sc_leader *ld, int *ret)
{
	struct sc_record *r = NULL;

	if (accept(lx, "---"))
		r = parse_signal_line(lx, lineno, ld->pid);
	else if (accept(lx, "+++"))
		r = parse_exit_line(p, lx, lineno, ld->pid);
	else if (accept(lx, "<..."))
		r = parse_resumed(p, lx, lineno, ld->pid, ret);
	else if (lx->i < lx->len)
		r = parse_call_line(p, lx, lineno, ld, ret);
	else
		lex_error(lx, lx->i, "pid prefix or timestamp without a call");
	if (r && !r->has_time && ld->has_time) {
		r->has_time = true;
		r->time_relative = ld->time_relative;
		r->time = ld->time;
	}
	return r;
}

/*
 * Hands out the line's record @r, or says what went wrong (@ret, or the lexer's error). A
 * "# si_addr:" line completes the call just before it: a record of another kind in between
 * leaves it none.
 */
static int feed_done(struct sc_parser *p, const struct lexer *lx, struct sc_record *r, int ret,
		     const struct sc_record **rec)
{
	if (p->arena.oom || ret == -ENOMEM)
		return -ENOMEM;
	if (lx->failed)
		return -EINVAL;
	if (ret)
		return ret;
	if (r && r->kind == SC_REC_CALL)
		p->last_call = r;
	else if (r && r->kind != SC_REC_SI_ADDR)
		p->last_call = NULL;
	*rec = r;
	return 0;
}

/* sc_parser_feed() for one whole line of trace in @text. */
static int feed_text(struct sc_parser *p, const struct lexer *text, unsigned int lineno,
		     const struct sc_record **rec)
{
	struct lexer lx = *text;
	struct sc_record *r;
	struct sc_leader ld;
	int ret = 0;

	while (lx.i < lx.len && (lx.s[lx.i] == ' ' || lx.s[lx.i] == '\t'))
		lx.i++;
	if (lx.len - lx.i >= 10 && !memcmp(lx.s + lx.i, "# si_addr:", 10)) {
		lx.i += 10;
		r = parse_si_addr(p, &lx, lineno, 0);
		return feed_done(p, &lx, r, 0, rec);
	}
	ret = untraced_line(p, &lx);
	if (ret)
		return ret < 0 ? ret : 0;
	if (sc_parse_leader(&lx, &ld))
		return -EINVAL;
	if (is_noop_line(&lx, lx.i))
		return 0;
	p->seen_trace = true;
	cut_syscall_time(&lx);
	if (accept(&lx, "+++ superseded by execve in pid"))
		return parse_superseded(p, &lx, ld.pid);
	r = parse_event(p, &lx, lineno, &ld, &ret);
	return feed_done(p, &lx, r, ret, rec);
}

/**
 * sc_parser_finish() - report calls left unfinished at the end of the text, and a line that
 * a "strace: Process N attached" message cut and no later line continued.
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
	if (p->carry) {
		err->line = p->carry_line;
		err->col = (unsigned int)p->carry_len + 1;
		snprintf(err->msg, sizeof(err->msg),
			 "line cut by a strace message is not continued");
		free(p->carry);
		p->carry = NULL;
		return -EINVAL;
	}
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
	free(p->carry);
	free(p->file);
	free(p);
}
