/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mmlab command's subcommands; each returns the process exit status. */
#ifndef MMLAB_TOOL_COMMANDS_H
#define MMLAB_TOOL_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

struct cli_cmd;

int cmd_demo(int argc, char **argv);
int cmd_run(int argc, char **argv);
void cmd_demo_help(FILE *f);
void cmd_run_help(FILE *f);
void cmd_record_help(FILE *f);
int run_check_ram(const struct cli_cmd *cmd, const char *v, size_t bytes);
int run_option_kind(const char *name);
int cmd_sweep(int argc, char **argv);
void cmd_sweep_help(FILE *f);
/* sweep_html.c: sweep.html from sweep.jsonl; 0 or -errno (said on stderr) */
int sweep_html(const char *jsonl, const char *html);

#endif
