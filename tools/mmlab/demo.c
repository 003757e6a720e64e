// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `mmlab demo`: the machine at work without any VMA layer. Maps pages into a bare address
 * space, writes and reads them through the MMU from two CPU contexts, shows a protection fault
 * and an unmapped-page fault, unmaps, and prints the machine's counters.
 */
#include "cli.h"
#include "commands.h"
#include "mmlab.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static const char *code_name(int signo, int code)
{
	if (signo == SIGSEGV && code == 1)
		return "SEGV_MAPERR";
	if (signo == SIGSEGV && code == 2)
		return "SEGV_ACCERR";
	if (signo == SIGSEGV && code == 4)
		return "SEGV_PKUERR";
	if (code == 0x80)
		return "SI_KERNEL";
	return "?";
}

static void print_fault(const char *what, const struct mmlab_fault *f)
{
	printf("%-44s -> %s %s at %#llx\n", what, f->signo == SIGBUS ? "SIGBUS" : "SIGSEGV",
	       code_name(f->signo, f->code), (unsigned long long)f->addr);
}

static void print_stats(struct mmlab_machine *m)
{
	struct mmlab_stats st;

	mmlab_machine_stats(m, &st);
	printf("\nram_pages %llu  free_pages %llu  pgtable_pages %llu\n",
	       (unsigned long long)st.ram_pages, (unsigned long long)st.free_pages,
	       (unsigned long long)st.pgtable_pages);
	printf("pgalloc %llu  pgfree %llu  faults %llu\n", (unsigned long long)st.pgalloc,
	       (unsigned long long)st.pgfree, (unsigned long long)st.faults);
	if (st.tlb_hits_counted)
		printf("tlb_hits %llu  ", (unsigned long long)st.tlb_hits);
	else
		printf("tlb_hits (not counted in this build)  ");
	printf("tlb_misses %llu  tlb_flush_all %llu  tlb_flush_one %llu\n",
	       (unsigned long long)st.tlb_misses,
	       (unsigned long long)st.tlb_flush_all, (unsigned long long)st.tlb_flush_one);
}

static int demo(struct mmlab_machine *m)
{
	struct mmlab_cpu *c0 = mmlab_machine_cpu(m, 0), *c1 = mmlab_machine_cpu(m, 1);
	const uint64_t base = 0x7f0000000000ULL, len = 4 * 4096;
	char msg[] = "written by cpu0 across a page boundary", back[sizeof(msg)];
	struct mmlab_space *s;
	struct mmlab_fault f;
	int err;

	err = mmlab_space_create(m, &s);
	if (err)
		return err;
	mmlab_cpu_switch(c0, s);
	mmlab_cpu_switch(c1, s);
	err = mmlab_space_map(s, base, len, PROT_READ | PROT_WRITE);
	if (err)
		goto out;
	printf("map   %#llx-%#llx rw-\n", (unsigned long long)base,
	       (unsigned long long)(base + len));
	if (mmlab_write(c0, base + 4096 - 10, msg, sizeof(msg), &f) != sizeof(msg)) {
		err = -EFAULT;
		goto out;
	}
	mmlab_read(c1, base + 4096 - 10, back, sizeof(back), &f);
	printf("cpu1 reads %#llx: \"%s\"\n", (unsigned long long)(base + 4096 - 10), back);

	mmlab_space_protect(s, base, 4096, PROT_READ);
	printf("mprotect %#llx-%#llx r--\n", (unsigned long long)base,
	       (unsigned long long)(base + 4096));
	if (mmlab_write(c1, base + 8, "x", 1, &f) != 1)
		print_fault("cpu1 writes the read-only page", &f);
	if (mmlab_fetch(c0, base + 4096, &f))
		print_fault("cpu0 executes the no-exec page", &f);

	mmlab_space_unmap(s, base + 4096, 4096);
	printf("unmap %#llx-%#llx\n", (unsigned long long)(base + 4096),
	       (unsigned long long)(base + 8192));
	if (mmlab_read(c0, base + 4096 - 10, back, sizeof(back), &f) != sizeof(back))
		print_fault("cpu0 reads across the hole", &f);
	if (mmlab_read(c0, 0x0000800000000000ULL, back, 1, &f) != 1)
		print_fault("cpu0 reads a non-canonical address", &f);

	err = mmlab_machine_validate(m);
out:
	mmlab_space_destroy(s);
	print_stats(m);
	return err;
}

static const struct cli_cmd demo_cmd;

static int set_ram(void *ctx, const char *v)
{
	struct mmlab_machine_config *cfg = ctx;

	if (mmlab_parse_size(v, &cfg->ram_bytes)) {
		cli_usage_error(&demo_cmd, "bad size '%s' for --ram (a number with K, M or G)", v);
		return -EINVAL;
	}
	return run_check_ram(&demo_cmd, v, cfg->ram_bytes);
}

static const struct cli_opt demo_opts[] = {
	{ "ram", 0, "SIZE", "the machine's RAM, 64K up to the host's RAM + swap (default 1G)",
	  set_ram },
};

static const struct cli_cmd demo_cmd = {
	.name = "demo",
	.operands = "",
	.summary = "Map, write, read, protect and unmap pages through the MMU, and show the "
		   "faults.",
	.opts = demo_opts,
	.nr_opts = sizeof(demo_opts) / sizeof(demo_opts[0]),
};

/**
 * cmd_demo_help() - the help of `mmlab demo`.
 * @f: where to print.
 *
 * Context: any.
 */
void cmd_demo_help(FILE *f)
{
	cli_help(&demo_cmd, f);
}

/**
 * cmd_demo() - the `mmlab demo` command.
 * @argc: argument count (argv[0] is "demo").
 * @argv: arguments.
 *
 * Context: the process's main thread.
 * Return: 0, 1 when the machine fails, 2 for usage errors.
 */
int cmd_demo(int argc, char **argv)
{
	struct mmlab_machine_config cfg = { .nr_cpus = 2 };
	struct mmlab_machine *m;
	int err, first;

	switch (cli_parse(&demo_cmd, argc, argv, &cfg, &first)) {
	case CLI_HELP:
		return 0;
	case CLI_USAGE:
		return 2;
	case CLI_OK:
		break;
	}
	if (first < argc) {
		cli_usage_error(&demo_cmd, "unexpected argument '%s'", argv[first]);
		return 2;
	}
	err = mmlab_machine_create(&cfg, &m);
	if (err) {
		fprintf(stderr, "mmlab demo: cannot create the machine: %s\n", strerror(-err));
		return 1;
	}
	err = demo(m);
	mmlab_machine_destroy(m);
	if (err) {
		fprintf(stderr, "mmlab demo: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
