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

#endif
