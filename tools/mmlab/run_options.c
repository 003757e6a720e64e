// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The options of `mmlab run` (see run.h): one handler per option, storing it in struct
 * run_opts; the table cli_parse() reads and --help prints (run_cmd); run_option_kind(), which
 * mmlab sweep's axes ask; and run_check_ram(), which mmlab demo's --ram shares. run.c's
 * cmd_run() parses with run_cmd and builds the machine from what the handlers set. Models no
 * Linux code.
 */
#include "cli.h"
#include "commands.h"
#include "run.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#define RUN_RAM_MIN (64UL << 10) /* see run_check_ram() */

static int set_maps(void *ctx, const char *v)
{
	((struct run_opts *)ctx)->r->maps_path = v;
	return 0;
}

static int set_final_maps(void *ctx, const char *v)
{
	((struct run_opts *)ctx)->final_maps = v;
	return 0;
}

static int set_final_smaps(void *ctx, const char *v)
{
	((struct run_opts *)ctx)->final_smaps = v;
	return 0;
}

static int set_no_aslr(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->cfg.no_aslr = 1;
	return 0;
}

static int set_quiet(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->quiet = true;
	return 0;
}

static int set_json(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->json = true;
	return 0;
}

static int set_trace_maps(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->trace_maps = true;
	return 0;
}

static int set_stats(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->stats = true;
	return 0;
}

static int set_html(void *ctx, const char *v)
{
	((struct run_opts *)ctx)->r->html_path = v;
	return 0;
}

static int set_stop(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->stop_on_mismatch = true;
	return 0;
}

static int set_strict(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->r->strict = true;
	return 0;
}

static int set_pku(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->pku = 1;
	return 0;
}

static int set_no_pku(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->pku = 0;
	return 0;
}

static int set_zero_page(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->zero_page = 1;
	return 0;
}

static int set_no_zero_page(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->zero_page = 0;
	return 0;
}

static int set_root(void *ctx, const char *v)
{
	((struct run_opts *)ctx)->mc.root = v;
	return 0;
}

static int set_env(void *ctx, const char *v)
{
	int err = run_env_load(((struct run_opts *)ctx)->r, v);

	if (err)
		cli_usage_error(&run_cmd, "cannot read the environment file '%s': %s", v,
				strerror(-err));
	return err;
}

static int set_write_files(void *ctx, const char *v)
{
	(void)v;
	((struct run_opts *)ctx)->mc.write_files = 1;
	return 0;
}

/* --readahead-kb=N: read_ahead_kb of every host file's device (0: none). */
static int set_readahead_kb(void *ctx, const char *v)
{
	struct run_opts *o = ctx;
	unsigned long kb;
	char *end;

	errno = 0;
	kb = strtoul(v, &end, 10);
	if (errno || *end || end == v || *v == '-' || kb > INT_MAX) {
		cli_usage_error(&run_cmd, "bad --readahead-kb '%s' (KiB, 0 for none)", v);
		return -EINVAL;
	}
	o->mc.readahead_kb = kb ? (int)kb : -1;
	return 0;
}

/* --lru classic|mglru|lru|clock: the page replacement policy. */
static int set_lru(void *ctx, const char *v)
{
	static const char *const names[] = {
		[MMLAB_LRU_CLASSIC] = "classic", [MMLAB_LRU_MGLRU] = "mglru",
		[MMLAB_LRU_LRU] = "lru", [MMLAB_LRU_CLOCK] = "clock",
	};

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (!strcmp(v, names[i])) {
			((struct run_opts *)ctx)->lru = i;
			return 0;
		}
	}
	cli_usage_error(&run_cmd, "bad --lru '%s' (classic, mglru, lru or clock)", v);
	return -EINVAL;
}

/*
 * The policy this host's kernel runs, as it shows it: Multi-Gen LRU when
 * /sys/kernel/mm/lru_gen/enabled exists with its first bit (0x0001, the feature itself) set,
 * else the classic active/inactive lists (a kernel built without CONFIG_LRU_GEN has no such
 * file, as this host's 6.18).
 */
int lru_default_mode(void)
{
	FILE *f = fopen("/sys/kernel/mm/lru_gen/enabled", "r");
	unsigned int caps = 0;

	if (!f)
		return MMLAB_LRU_CLASSIC;
	if (fscanf(f, "%x", &caps) != 1)
		caps = 0;
	fclose(f);
	return caps & 1 ? MMLAB_LRU_MGLRU : MMLAB_LRU_CLASSIC;
}

static int set_seed(void *ctx, const char *v)
{
	char *end;

	errno = 0;
	((struct run_opts *)ctx)->r->cfg.seed = strtoull(v, &end, 0);
	if (errno || *end || end == v || *v == '-') {
		cli_usage_error(&run_cmd, "bad seed '%s'", v);
		return -EINVAL;
	}
	return 0;
}

/**
 * run_check_ram() - whether a --ram size is one mmlab can model and the host can back.
 * @cmd: the command, for the message.
 * @v: the option's text.
 * @bytes: the size.
 *
 * The floor, 64 KiB (16 pages), is the least a machine works with: the zero page, the four
 * page-table pages (PGD, PUD, PMD, PTE) of an address space's first fault, the same again
 * for a forked child, and a few data pages; below it the first program faults fail at once.
 * The ceiling is the host's RAM plus swap (sysinfo): mmlab's frames are host memory reserved
 * with MAP_NORESERVE and touched as the scenario touches them, so a larger machine would
 * have the host's OOM killer, not mmlab's, decide.
 *
 * Context: any.
 * Return: 0, or -EINVAL after a one-line message.
 */
int run_check_ram(const struct cli_cmd *cmd, const char *v, size_t bytes)
{
	struct sysinfo si;
	unsigned long long host;

	if (bytes < RUN_RAM_MIN) {
		cli_usage_error(cmd, "--ram %s is below the minimum, 64K (16 pages: the zero page "
			       "and the page tables of a first fault)", v);
		return -EINVAL;
	}
	if (bytes % 4096) {
		cli_usage_error(cmd, "--ram %s is not a multiple of the 4K page size", v);
		return -EINVAL;
	}
	if (!sysinfo(&si)) {
		host = ((unsigned long long)si.totalram + si.totalswap) * si.mem_unit;
		if (bytes > host) {
			cli_usage_error(cmd, "--ram %s is more than this host can back (RAM + swap "
				       "= %lluM)", v, host >> 20);
			return -EINVAL;
		}
	}
	return 0;
}

static int set_ram(void *ctx, const char *v)
{
	struct run_opts *o = ctx;

	if (mmlab_parse_size(v, &o->mc.ram_bytes)) {
		cli_usage_error(&run_cmd, "bad size '%s' for --ram (a number with K, M or G)", v);
		return -EINVAL;
	}
	o->r->ram_option = true;
	return run_check_ram(&run_cmd, v, o->mc.ram_bytes);
}

static int set_swap(void *ctx, const char *v)
{
	struct run_opts *o = ctx;

	if (mmlab_parse_size(v, &o->swap.bytes) || o->swap.bytes % 4096) {
		cli_usage_error(&run_cmd, "bad size '%s' for --swap (a multiple of 4K, with K, M "
			       "or G)", v);
		return -EINVAL;
	}
	if (o->swap.bytes < 40960) {
		cli_usage_error(&run_cmd, "--swap %s is below mkswap's minimum, 40K", v);
		return -EINVAL;
	}
	return 0;
}

static int set_swapfile(void *ctx, const char *v)
{
	((struct run_opts *)ctx)->swap.path = v;
	return 0;
}

/* The options of `mmlab run`: one entry each (cli.h). */
static int set_user(void *ctx, const char *v)
{
	if (!run_machine_parse_user(v, &((struct run_opts *)ctx)->r->machine_opt))
		return 0;
	cli_usage_error(&run_cmd, "bad user '%s' (UID[:GID])", v);
	return -EINVAL;
}

static int set_overcommit(void *ctx, const char *v)
{
	if (!run_machine_parse_overcommit(v, false, &((struct run_opts *)ctx)->r->machine_opt))
		return 0;
	cli_usage_error(&run_cmd, "bad overcommit mode '%s' (0, 1 or 2)", v);
	return -EINVAL;
}

static int set_overcommit_ratio(void *ctx, const char *v)
{
	if (!run_machine_parse_overcommit(v, true, &((struct run_opts *)ctx)->r->machine_opt))
		return 0;
	cli_usage_error(&run_cmd, "bad overcommit ratio '%s'", v);
	return -EINVAL;
}

static const struct cli_opt run_opts[] = {
	{ "maps", 'm', "FILE", "start from this /proc/PID/maps snapshot (mmlab record's "
			       "initial.maps)", set_maps },
	{ "final-maps", 'o', "FILE", "write the first task's maps here at the end (also when "
				     "interrupted)", set_final_maps },
	{ "final-smaps", 0, "FILE", "write the first task's smaps here at the end",
	  set_final_smaps },
	{ "no-aslr", 'R', NULL, "no address randomization, as setarch -R", set_no_aslr },
	{ "seed", 's', "N", "seed of the address randomization", set_seed },
	{ "ram", 0, "SIZE", "the machine's RAM, 64K up to the host's RAM + swap (default: the "
			    "log's machine line, else 1G)", set_ram },
	{ "swap", 0, "SIZE", "a swap area of SIZE, on from the start, named /swapfile: a "
			     "temporary file under $TMPDIR, deleted at once (default: none)",
	  set_swap },
	{ "swapfile", 0, "PATH", "the swap area is host file PATH, created with --swap's size "
				 "(an existing file only with --write-files)", set_swapfile },
	{ "pku", 0, NULL, "a CPU with protection keys (the default)", set_pku },
	{ "no-pku", 0, NULL, "a CPU without protection keys", set_no_pku },
	{ "zero-page", 0, NULL, "read faults map the shared zero page (the default)",
	  set_zero_page },
	{ "no-zero-page", 0, NULL, "read faults get a page of their own, as kernels booted "
				   "without the zero page", set_no_zero_page },
	{ "overcommit", 0, "MODE", "vm.overcommit_memory 0, 1 or 2 (default: the log's machine "
				   "line, else 0)", set_overcommit },
	{ "overcommit-ratio", 0, "N", "vm.overcommit_ratio (default: the log's, else 50)",
	  set_overcommit_ratio },
	{ "root", 0, "DIR", "every path the scenario names is under DIR, which it cannot leave "
			    "(default /)", set_root },
	{ "readahead-kb", 0, "N", "read_ahead_kb of the devices of host files, 0 for none "
				  "(default: each device's own, from sysfs)", set_readahead_kb },
	{ "lru", 0, "POLICY", "page replacement when RAM runs short: classic (active/inactive "
			      "lists), mglru (Multi-Gen LRU), lru or clock (one list, no VM "
			      "policy on top); default: what this host's kernel runs "
			      "(/sys/kernel/mm/lru_gen/enabled)",
	  set_lru },
	{ "write-files", 0, NULL, "writeback (the flusher, msync, fsync, and a sync at the end) "
				  "writes file contents through to the host's files (default: every "
				  "change stays in memory, and the end says how much)",
	  set_write_files },
	{ "user", 0, "UID[:GID]", "the first task's ids (default: the log's, else root)",
	  set_user },
	{ "env", 0, "FILE", "the environment of execve lines that do not show theirs (strace "
			    "without -v): one VAR=value a line (default: as many MMLAB_ENV_<i>= as "
			    "the line counts)", set_env },
	{ "quiet", 'q', NULL, "no progress line and no summary", set_quiet },
	{ "json", 0, NULL, "JSON lines on stdout: one object per line run, one per exit, and "
			   "a summary (schema in the README)", set_json },
	{ "trace-maps", 0, NULL, "after each line that changes a task's VMAs, the maps lines "
				 "it removed (-) and added (+)", set_trace_maps },
	{ "stats", 0, NULL, "after each line, the task's Rss, VMA count and faults",
	  set_stats },
	{ "html", 0, "FILE", "write a report page of the run to FILE: the address space, memory "
			     "over the run, each line's maps diff, page-table walks", set_html },
	{ "stop-on-mismatch", 'x', NULL, "stop at the first result that differs", set_stop },
	{ "strict", 0, NULL, "unknown call names and pids no clone makes are errors",
	  set_strict },
};

/**
 * run_option_kind() - whether `mmlab run` has the long option @name (for mmlab sweep's axes).
 * @name: without "--"
 *
 * Return: 1 when it takes a value, 0 for a flag, -1 when there is no such option.
 */
int run_option_kind(const char *name)
{
	for (size_t k = 0; k < sizeof(run_opts) / sizeof(run_opts[0]); k++)
		if (!strcmp(run_opts[k].name, name))
			return run_opts[k].arg ? 1 : 0;
	return -1;
}

const struct cli_cmd run_cmd = {
	.name = "run",
	.operands = "SCENARIO...|-",
	.summary = "Run a scenario (an strace log) on mmlab tasks; - reads standard input.",
	.details = "Several SCENARIO files are strace -ff's PREFIX.PID set: each file's lines are "
		   "the pid of its name,\nand lines are merged by their -t/-tt/-ttt timestamps, or "
		   "file by file in pid order.\nExit status: 0 when every result matched, 1 when "
		   "one differed, 2 for usage errors,\nmalformed lines and calls that could not "
		   "run, 128+N when signal N stopped the run.",
	.opts = run_opts,
	.nr_opts = sizeof(run_opts) / sizeof(run_opts[0]),
};

/**
 * cmd_run_help() - the help of `mmlab run`.
 * @f: where to print.
 *
 * Context: any.
 */
void cmd_run_help(FILE *f)
{
	cli_help(&run_cmd, f);
}
