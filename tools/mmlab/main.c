// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mmlab command: dispatches to its subcommands (`mmlab help CMD` is `mmlab CMD --help`).
 * Uses only include/mmlab.h.
 */
#include "commands.h"
#include "mmlab.h"
#include "record.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	void (*help)(FILE *f);
	const char *summary;
} commands[] = {
	{ "demo", cmd_demo, cmd_demo_help,
	  "map, write, read, protect and unmap pages through the MMU" },
	{ "run", cmd_run, cmd_run_help,
	  "run a scenario (an strace log) on mmlab tasks: run [OPTIONS] FILE...|-" },
	{ "record", cmd_record, cmd_record_help,
	  "record a program's memory system calls: record -o DIR -- CMD..." },
	{ "sweep", cmd_sweep, cmd_sweep_help,
	  "many runs (traces x options, a YAML spec) on GNU parallel or Slurm: sweep SPEC" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: mmlab [--help] [--version] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-8s %s\n", "help", "help CMD: the options of a command");
	fprintf(f, "\nOptions common to commands that build a machine: --ram SIZE (K/M/G suffixes;"
		   " default 1G).\n");
}

static int find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return (int)i;
	return -1;
}

/* `mmlab help [CMD]` */
static int help(int argc, char **argv)
{
	int k;

	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	k = find_command(argv[2]);
	if (k < 0 || argc > 3) {
		fprintf(stderr, "mmlab help: %s '%s' (see mmlab --help)\n",
			k < 0 ? "unknown command" : "unexpected argument", argv[k < 0 ? 2 : 3]);
		return 2;
	}
	commands[k].help(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int k;

	if (argc < 2) {
		fprintf(stderr, "mmlab: no command (see mmlab --help)\n");
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("mmlab %s\n", mmlab_version());
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	k = find_command(argv[1]);
	if (k >= 0)
		return commands[k].fn(argc - 1, argv + 1);
	fprintf(stderr, "mmlab: unknown command '%s' (see mmlab --help)\n", argv[1]);
	return 2;
}
