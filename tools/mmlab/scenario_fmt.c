// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Output side of the scenario language: results, strings and values printed as strace prints
 * them, and the FILE:LINE:COL messages about malformed text (strace's src/syscall.c syscall_exiting_trace() for results, src/util.c string_quote()
 * for strings, src/util.c printfd() for -y decorations), so a runner's report reads like the
 * scenario it ran. Operator chains print without recursing along them (see
 * sc_binop_spine()). Models no Linux code.
 */
#include "scenario.h"
#include "strace_flags.h"

#include <stdlib.h>
#include <string.h>

/* Calls whose return strace prints in hex (RVAL_HEX in strace's decoders). */
static const char *const addr_returning[] = {
	"mmap", "mmap2", "mremap", "brk", "shmat", "old_mmap", "old_mmap_pgoff", "map_shadow_stack",
};

/**
 * sc_syscall_returns_addr() - whether strace prints @name's return value in hex.
 * @name: syscall name.
 *
 * Context: any.
 * Return: true for mmap, mremap, brk, shmat and the like.
 */
bool sc_syscall_returns_addr(const char *name)
{
	for (size_t k = 0; k < sizeof(addr_returning) / sizeof(addr_returning[0]); k++)
		if (!strcmp(name, addr_returning[k]))
			return true;
	return false;
}

/**
 * sc_format_result() - "= RESULT" as strace prints it after a call.
 * @sb: output.
 * @name: the syscall, which selects hex or decimal.
 * @ret: the raw return: -4095..-1 is an error.
 *
 * Context: any.
 */
void sc_format_result(struct sbuf *sb, const char *name, long ret)
{
	if (ret < 0 && ret >= -4095) {
		strace_print_err_ret(sb, (unsigned long)-ret);
		return;
	}
	if (sc_syscall_returns_addr(name))
		sbuf_printf(sb, "= %#lx", (unsigned long)ret);
	else
		sbuf_printf(sb, "= %ld", ret);
}

/**
 * sc_quote_string() - a byte string in strace's quoting, without the quotes.
 * @sb: output.
 * @s: the bytes.
 * @len: how many.
 * @escape: extra characters to escape (strace uses "<>" in -y paths), or NULL.
 *
 * Context: any.
 */
void sc_quote_string(struct sbuf *sb, const char *s, size_t len, const char *escape)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': case '\\': sbuf_putc(sb, '\\'); sbuf_putc(sb, (char)c); continue;
		case '\f': sbuf_puts(sb, "\\f"); continue;
		case '\n': sbuf_puts(sb, "\\n"); continue;
		case '\r': sbuf_puts(sb, "\\r"); continue;
		case '\t': sbuf_puts(sb, "\\t"); continue;
		case '\v': sbuf_puts(sb, "\\v"); continue;
		}
		if (c >= ' ' && c < 0x7f && !(escape && c && strchr(escape, c))) {
			sbuf_putc(sb, (char)c);
			continue;
		}
		sbuf_putc(sb, '\\');
		/* three digits when an octal digit follows, else the shortest form */
		if (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7')
			sbuf_printf(sb, "%03o", c);
		else
			sbuf_printf(sb, "%o", c);
	}
}

static void format_kids(struct sbuf *sb, const struct sc_value *v, const char *open,
			const char *close)
{
	sbuf_puts(sb, open);
	for (unsigned int k = 0; k < v->nr_kids; k++) {
		if (k)
			sbuf_puts(sb, ", ");
		sc_format_value(sb, v->kids[k]);
	}
	sbuf_puts(sb, close);
}

/*
 * A -y decoration: a path with '<' and '>' escaped, or a socket's "TCP:[a->b]" as strace
 * prints it, unescaped.
 */
static void format_decoration(struct sbuf *sb, const char *s, size_t len)
{
	size_t j = 0;

	while (j < len && (s[j] == '_' || s[j] == '-' || (s[j] >= '0' && s[j] <= '9') ||
			   ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')))
		j++;
	sbuf_putc(sb, '<');
	if (j && j + 1 < len && s[j] == ':' && s[j + 1] == '[' && s[len - 1] == ']' &&
	    !memchr(s, '\0', len))
		sbuf_printf(sb, "%.*s", (int)len, s);
	else
		sc_quote_string(sb, s, len, "<>");
	sbuf_putc(sb, '>');
}

static void format_binop(struct sbuf *sb, const struct sc_value *v)
{
	const struct sc_value *buf[32], **spine;
	size_t n = sc_binop_spine(v, buf, 32, &spine);

	if (!n) {
		sbuf_puts(sb, "/* out of memory */");
		return;
	}
	sc_format_value(sb, spine[n - 1]->lhs);
	while (n--) {
		if (spine[n]->op[0] == '|' && !spine[n]->op[1])
			sbuf_putc(sb, '|');
		else
			sbuf_printf(sb, " %s ", spine[n]->op);
		sc_format_value(sb, spine[n]->rhs);
	}
	if (spine != buf)
		free(spine);
}

/**
 * sc_format_value() - print a value tree back in strace syntax.
 * @sb: output.
 * @v: the value.
 *
 * Numbers print in hex when above 0xffff (strace's choice for addresses), otherwise decimal;
 * names, strings and structure come out as parsed.
 *
 * Context: any.
 */
void sc_format_value(struct sbuf *sb, const struct sc_value *v)
{
	switch (v->kind) {
	case SC_V_NUM:
		sbuf_printf(sb, v->num > 0xffff ? "%#lx" : "%lu", v->num);
		break;
	case SC_V_FD:
		sbuf_printf(sb, "%lu", v->num);
		format_decoration(sb, v->str, v->str_len);
		break;
	case SC_V_SYM:
		sbuf_puts(sb, v->name);
		if (v->str)
			format_decoration(sb, v->str, v->str_len);
		break;
	case SC_V_NULL:
		sbuf_puts(sb, "NULL");
		break;
	case SC_V_STR:
		sbuf_putc(sb, '"');
		sc_quote_string(sb, v->str, v->str_len, NULL);
		sbuf_puts(sb, v->truncated ? "\"..." : "\"");
		break;
	case SC_V_BINOP:
		format_binop(sb, v);
		break;
	case SC_V_UNOP:
		sbuf_puts(sb, v->op);
		sc_format_value(sb, v->lhs);
		break;
	case SC_V_ARRAY:
		format_kids(sb, v, "[", "]");
		break;
	case SC_V_STRUCT:
		format_kids(sb, v, "{", "}");
		break;
	case SC_V_CALL:
		sbuf_puts(sb, v->name);
		format_kids(sb, v, "(", ")");
		break;
	case SC_V_NAMED:
		sbuf_printf(sb, "%s=", v->name);
		sc_format_value(sb, v->lhs);
		break;
	case SC_V_CHANGED:
		sc_format_value(sb, v->lhs);
		sbuf_puts(sb, " => ");
		sc_format_value(sb, v->rhs);
		break;
	case SC_V_ELLIPSIS:
		sbuf_puts(sb, "...");
		break;
	}
}

/**
 * sc_format_res() - append " = RESULT" as strace prints it (nothing for SC_RES_NONE).
 * @sb: the buffer.
 * @res: the result.
 *
 * Context: any.
 */
void sc_format_res(struct sbuf *sb, const struct sc_result *res)
{
	char buf[16];

	switch (res->kind) {
	case SC_RES_NONE:
		return;
	case SC_RES_VALUE:
		sbuf_printf(sb, res->hex ? " = %#lx" : " = %ld", res->val);
		if (res->path)
			format_decoration(sb, res->path, res->path_len);
		break;
	case SC_RES_ERROR:
		if (strace_errno_name(res->err))
			sbuf_printf(sb, " = %ld %s", (long)res->val, strace_errno_name(res->err));
		else
			sbuf_printf(sb, " = %ld (errno %lu)", (long)res->val, res->err);
		break;
	case SC_RES_UNKNOWN:
		sbuf_puts(sb, " = ?");
		break;
	case SC_RES_SIGNAL:
		sbuf_printf(sb, " = %s", strace_signame(res->sig, buf));
		if (res->has_si_code) {
			const char *c = strace_si_code_name(res->sig, res->si_code);

			if (c)
				sbuf_printf(sb, " %s", c);
			else
				sbuf_printf(sb, " %d", res->si_code);
		}
		break;
	case SC_RES_BYTES:
		sbuf_puts(sb, " = \"");
		sc_quote_string(sb, res->bytes, res->bytes_len, NULL);
		sbuf_putc(sb, '"');
		break;
	}
	if (res->annotation)
		sbuf_printf(sb, " %s", res->annotation);
}

/**
 * sc_format_record() - print a record back as one scenario line (no pid prefix, no newline).
 * @sb: output.
 * @r: the record.
 *
 * Context: any.
 */
void sc_format_record(struct sbuf *sb, const struct sc_record *r)
{
	char buf[16];

	switch (r->kind) {
	case SC_REC_CALL:
		sbuf_printf(sb, "%s(", r->name);
		for (unsigned int k = 0; k < r->nr_args; k++) {
			if (k)
				sbuf_puts(sb, ", ");
			sc_format_value(sb, r->args[k]);
		}
		sbuf_putc(sb, ')');
		sc_format_res(sb, &r->res);
		break;
	case SC_REC_SIGNAL:
		sbuf_printf(sb, "--- %s ", strace_signame(r->sig, buf));
		if (r->info)
			sc_format_value(sb, r->info);
		sbuf_puts(sb, " ---");
		break;
	case SC_REC_EXITED:
		sbuf_printf(sb, "+++ exited with %d +++", r->status);
		break;
	case SC_REC_KILLED:
		sbuf_printf(sb, "+++ killed by %s %s+++", strace_signame(r->sig, buf),
			    r->core_dumped ? "(core dumped) " : "");
		break;
	case SC_REC_SI_ADDR:
		sbuf_printf(sb, "# si_addr: %#lx", r->fault_addr);
		break;
	}
}

/**
 * sc_format_error() - "FILE:LINE:COL: message".
 * @sb: output.
 * @file: the file name.
 * @err: the error.
 *
 * Context: any.
 */
void sc_format_error(struct sbuf *sb, const char *file, const struct sc_error *err)
{
	sbuf_printf(sb, "%s:%u:%u: %s", file, err->line, err->col, err->msg);
}
