/* The mmlab command: dispatches to its subcommands. Uses only include/mmlab.h. */
#include "mmlab.h"
#include "record.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: mmlab [--help] [--version] COMMAND [ARGS]\n");
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
	/* Temporary dispatch added by the strace helper; the lead owns the command table. */
	if (!strcmp(argv[1], "record"))
		return cmd_record(argc - 1, argv + 1);
	fprintf(stderr, "mmlab: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
