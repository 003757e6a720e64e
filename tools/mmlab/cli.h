/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command-line options of mmlab's subcommands: one table entry per option, parsed with
 * getopt_long (--opt VALUE, --opt=VALUE, short forms, option bundling) and printed by
 * `mmlab CMD --help` and `mmlab help CMD` from the same table. Models no Linux code.
 */
#ifndef MMLAB_TOOL_CLI_H
#define MMLAB_TOOL_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct cli_opt {
	const char *name;   /* long name, without "--" */
	int short_name;     /* 0 when the option has no short form */
	const char *arg;    /* the value's name in --help; NULL for a flag */
	const char *help;   /* one line */
	/* Stores the option in @ctx; returns 0, or -EINVAL after printing one line. */
	int (*set)(void *ctx, const char *val);
};

struct cli_cmd {
	const char *name;          /* "run" */
	const char *operands;      /* "SCENARIO...|-" */
	const char *summary;       /* one line for `mmlab --help` */
	const char *details;       /* paragraph printed after the options, or NULL */
	const struct cli_opt *opts;
	unsigned int nr_opts;
	bool stop_at_operand;      /* the first operand ends the options (record's command) */
};

enum cli_result {
	CLI_OK,     /* options parsed; operands start at *first */
	CLI_HELP,   /* --help was printed: exit 0 */
	CLI_USAGE,  /* a one-line error was printed: exit 2 */
};

enum cli_result cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctx,
			  int *first);
void cli_help(const struct cli_cmd *cmd, FILE *f);
void cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
