// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Option parsing for mmlab's subcommands (see cli.h): the option table becomes getopt_long's
 * long-option array and short-option string, so adding an option is adding a table entry.
 * Errors are one line on stderr; the caller exits 2. Models no Linux code.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CLI_MAX_OPTS 32

/**
 * cli_usage_error() - "mmlab CMD: message (see mmlab CMD --help)" on stderr.
 * @cmd: the command.
 * @fmt: printf format of the message.
 *
 * Context: any.
 */
void cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mmlab %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see mmlab %s --help)\n", cmd->name);
}

/**
 * cli_help() - print a command's usage line and options.
 * @cmd: the command.
 * @f: where to print.
 *
 * Context: any.
 */
void cli_help(const struct cli_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: mmlab %s [OPTIONS] %s\n%s\n\noptions:\n", cmd->name, cmd->operands,
		cmd->summary);
	for (unsigned int k = 0; k < cmd->nr_opts; k++) {
		const struct cli_opt *o = &cmd->opts[k];
		char head[64];

		snprintf(head, sizeof(head), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
			 o->arg ? "=" : "", o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s\n", head, o->help);
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", "print this help and exit");
	if (cmd->details)
		fprintf(f, "\n%s\n", cmd->details);
}

/* One line for what getopt_long refused: @c is ':' (value missing) or '?'. */
static void report_bad_option(const struct cli_cmd *cmd, int c, const char *arg)
{
	bool is_long = arg && !strncmp(arg, "--", 2);

	if (c == ':' && optopt >= 256)
		cli_usage_error(cmd, "option '--%s' needs a value", cmd->opts[optopt - 256].name);
	else if (c == ':')
		cli_usage_error(cmd, "option '-%c' needs a value", optopt);
	else if (is_long && (optopt >= 256 || optopt == 'h'))
		cli_usage_error(cmd, "option '%.*s' takes no value", (int)strcspn(arg, "="), arg);
	else if (is_long || !optopt)
		cli_usage_error(cmd, "unknown option '%.*s'", (int)strcspn(arg ? arg : "", "="),
				arg ? arg : "");
	else
		cli_usage_error(cmd, "unknown option '-%c'", optopt);
}

/**
 * cli_parse() - parse a command's options with getopt_long.
 * @cmd: the command and its option table.
 * @argc: argument count (argv[0] is the command's name).
 * @argv: arguments; getopt_long may permute them unless @cmd->stop_at_operand.
 * @ctx: passed to each option's ->set.
 * @first: set to the index of the first operand.
 *
 * Context: the process's main thread (getopt_long keeps global state).
 * Return: CLI_OK, CLI_HELP after printing the help on stdout, or CLI_USAGE after printing one
 * line on stderr.
 */
enum cli_result cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctx, int *first)
{
	struct option longs[CLI_MAX_OPTS + 2];
	char shorts[3 * CLI_MAX_OPTS + 8], *s = shorts;
	unsigned int n = cmd->nr_opts < CLI_MAX_OPTS ? cmd->nr_opts : CLI_MAX_OPTS;
	int c, idx;

	/* ':' first: a missing value is ':', apart from an unknown option's '?' */
	s += sprintf(s, "%s:h", cmd->stop_at_operand ? "+" : "");
	for (unsigned int k = 0; k < n; k++) {
		const struct cli_opt *o = &cmd->opts[k];

		longs[k] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					    NULL, 256 + (int)k };
		if (o->short_name)
			s += sprintf(s, "%c%s", o->short_name, o->arg ? ":" : "");
	}
	longs[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[n + 1] = (struct option){ 0 };
	opterr = 0;
	optind = 0; /* glibc: full reinitialisation */
	while ((c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
		const struct cli_opt *o = NULL;

		if (c == 'h') {
			cli_help(cmd, stdout);
			return CLI_HELP;
		}
		if (c == ':' || c == '?') {
			report_bad_option(cmd, c, argv[optind - 1]);
			return CLI_USAGE;
		}
		if (c >= 256)
			o = &cmd->opts[c - 256];
		for (unsigned int k = 0; !o && k < n; k++)
			if (cmd->opts[k].short_name == c)
				o = &cmd->opts[k];
		if (!o || o->set(ctx, optarg))
			return CLI_USAGE;
	}
	*first = optind;
	return CLI_OK;
}
