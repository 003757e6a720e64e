/* The mmlab command: dispatches to its subcommands. Uses only include/mmlab.h. */
#include "commands.h"
#include "mmlab.h"
#include "record.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "demo", cmd_demo, "map, write, read, protect and unmap pages through the MMU" },
	{ "run", cmd_run, "run a scenario (an strace log) on mmlab tasks: run [OPTIONS] FILE|-" },
	{ "record", cmd_record, "record a program's memory system calls: record -o DIR -- CMD..." },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mmlab [--help] [--version] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nOptions common to commands that build a machine: --ram SIZE (K/M/G suffixes;"
		   " default 1G).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmlab %s\n", mmlab_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "mmlab: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
