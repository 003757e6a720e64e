// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pseudo-calls that print views rather than /proc files: pmap() and pmap_x() (procps'
 * `pmap PID` and `pmap -X PID` of the task), free() (`free -k` of the machine), walk(ADDR)
 * (the four-level page-table walk of one address, decoded) and pagemap(ADDR, LEN, decoded)
 * (pagemap's bits spelled out). pmap and free format the library's own /proc text with
 * views.c, as the procps tools format the kernel's.
 */
#include "run.h"
#include "views.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CMDLINE_MAX 4096 /* bytes of the argument strings pmap's header shows */

/*
 * /proc/PID/cmdline as pmap prints it: the argument strings between arg_start and arg_end
 * (read from the task's stack, as the kernel reads them) joined by spaces; "" for a task whose
 * arguments were never laid out (one made from a maps snapshot).
 */
static void task_cmdline(struct mmlab_task *t, char *buf, size_t cap)
{
	struct mmlab_task_info info;
	uint64_t len;

	buf[0] = '\0';
	mmlab_task_info(t, &info);
	if (info.arg_end <= info.arg_start)
		return;
	len = info.arg_end - info.arg_start;
	if (len > cap - 1)
		len = cap - 1;
	if (mmlab_peek(t, info.arg_start, buf, len, NULL)) {
		buf[0] = '\0';
		return;
	}
	while (len && buf[len - 1] == '\0')
		len--;
	for (uint64_t i = 0; i < len; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[len] = '\0';
}

typedef int (*proc_text_fn)(void *src, FILE *out);

static int maps_text(void *t, FILE *out)
{
	return mmlab_proc_maps(t, out);
}

static int smaps_text(void *t, FILE *out)
{
	return mmlab_proc_smaps(t, out);
}

static int meminfo_text(void *m, FILE *out)
{
	return mmlab_proc_meminfo(m, out);
}

/* Runs @fn on @src into memory, then @view over that text onto stdout. */
static int view_of_text(void *src, proc_text_fn fn,
			int (*view)(FILE *, FILE *, const struct view_proc *),
			const struct view_proc *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int err;

	if (!mem)
		return -ENOMEM;
	err = fn(src, mem);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (!err) {
		FILE *in = fmemopen(text, len, "r");

		if (!in) {
			err = -ENOMEM;
		} else {
			fflush(stdout);
			err = view(in, stdout, p);
			fflush(stdout);
			fclose(in);
		}
	}
	free(text);
	return err;
}

static int free_of(FILE *in, FILE *out, const struct view_proc *p)
{
	(void)p;
	return view_free(in, out);
}

enum run_status ps_view(struct runner *r, struct run_call *c)
{
	struct mmlab_task *t = run_proc_task(c->proc);
	char cmdline[CMDLINE_MAX];
	struct mmlab_task_info info;
	struct view_proc p;
	int err;

	mmlab_task_info(t, &info);
	task_cmdline(t, cmdline, sizeof(cmdline));
	p = (struct view_proc){ .pid = c->proc->pid ? c->proc->pid : mmlab_task_pid(t),
				.cmdline = cmdline, .start_stack = info.start_stack };
	switch (c->rec->pseudo) {
	case SC_PS_PMAP:
		err = view_of_text(t, maps_text, view_pmap, &p);
		break;
	case SC_PS_PMAP_X:
		err = view_of_text(t, smaps_text, view_pmap_x, &p);
		break;
	default:
		err = view_of_text(r->machine, meminfo_text, free_of, &p);
		break;
	}
	if (err)
		run_msg(r, c->rec->line, "%s: %s", c->rec->name, strerror(-err));
	return RUN_NO_RESULT;
}

/* The x86-64 entry bits a reader wants named, lowest first. */
static const struct {
	unsigned int bit;
	const char *name;
} pte_bits[] = {
	{ 0, "present" },  { 1, "rw" },	    { 2, "user" },	{ 3, "pwt" },
	{ 4, "pcd" },	   { 5, "accessed" }, { 6, "dirty" },	{ 7, "pse" },
	{ 8, "global" },   { 9, "special" },  { 10, "uffd_wp" }, { 11, "soft_dirty" },
	{ 58, "saved_dirty" }, { 63, "nx" },
};

static void print_entry_bits(uint64_t e)
{
	const char *sep = "";

	for (size_t i = 0; i < sizeof(pte_bits) / sizeof(pte_bits[0]); i++)
		if (e & (1ULL << pte_bits[i].bit)) {
			printf("%s%s", sep, pte_bits[i].name);
			sep = ",";
		}
	if ((e >> 59) & 0xf)
		printf("%spkey=%u", sep, (unsigned int)((e >> 59) & 0xf));
}

/* /proc/kpageflags bit names (include/uapi/linux/kernel-page-flags.h and the ones past 31). */
static const char *const kpf_names[64] = {
	[0] = "locked",	      [2] = "referenced",   [3] = "uptodate",	   [4] = "dirty",
	[5] = "lru",	      [6] = "active",	    [8] = "writeback",	   [9] = "reclaim",
	[10] = "buddy",	      [11] = "mmap",	    [12] = "anon",	   [13] = "swapcache",
	[14] = "swapbacked",  [15] = "compound_head", [16] = "compound_tail",
	[18] = "unevictable", [24] = "zero_page",   [26] = "pgtable",	   [32] = "reserved",
	[33] = "mlocked",
};

static void print_kpageflags(uint64_t k)
{
	const char *sep = "";

	for (unsigned int b = 0; b < 64; b++)
		if (k & (1ULL << b)) {
			if (kpf_names[b])
				printf("%s%s", sep, kpf_names[b]);
			else
				printf("%sbit%u", sep, b);
			sep = ",";
		}
	if (!*sep)
		printf("none");
}

/*
 * walk(ADDR): one line per level read, "PGD[i] 0x... present,rw,...", then the frame:
 *   walk 0x7f0000001000
 *     PGD[254] 0x0000000000012067 present,rw,user,accessed,dirty
 *     ...
 *     PTE[1]   0x800000000013d867 present,rw,user,accessed,dirty,nx
 *     page pfn 0x13d refcount 1 mapcount 1 flags uptodate,dirty,lru,mmap,anon,swapbacked
 * A level whose entry is not present ends the walk ("not present"; a swap entry or marker
 * in a PTE shows as its raw value).
 */
enum run_status ps_walk(struct runner *r, struct run_call *c)
{
	static const char *const level[4] = { "PGD", "PUD", "PMD", "PTE" };
	struct mmlab_page_walk w;
	unsigned long addr;
	int err;

	if (!run_arg(r, c, 0, &addr))
		return RUN_REPORTED;
	err = mmlab_page_walk(run_proc_task(c->proc), addr, &w);
	if (err) {
		run_err_at(r, c->rec->args[0], "walk: not a user address");
		r->n.errors++;
		return RUN_REPORTED;
	}
	fflush(stdout);
	printf("walk %#lx\n", addr);
	if (!w.levels)
		printf("  no page table\n");
	for (int i = 0; i < w.levels; i++) {
		char idx[16];

		snprintf(idx, sizeof(idx), "%s[%u]", level[i], w.index[i]);
		printf("  %-8s 0x%016" PRIx64 " ", idx, w.entry[i]);
		if (w.entry[i] & 1)
			print_entry_bits(w.entry[i]);
		else
			printf("not present");
		putchar('\n');
	}
	if (w.mapped) {
		printf("  page pfn %#" PRIx64 " refcount %d mapcount %d flags ", w.pfn, w.refcount,
		       w.mapcount);
		print_kpageflags(w.kpageflags);
		putchar('\n');
	}
	fflush(stdout);
	return RUN_NO_RESULT;
}

/* pagemap(ADDR, LEN, decoded)'s spelling of one entry (Documentation/admin-guide/mm/pagemap). */
void print_pagemap_decoded(uint64_t addr, uint64_t e)
{
	printf("%#" PRIx64 " ", addr);
	if (e & (1ULL << 63))
		printf("present pfn %#" PRIx64, (uint64_t)(e & ((1ULL << 55) - 1)));
	else if (e & (1ULL << 62))
		printf("swapped type %" PRIu64 " offset %#" PRIx64, (uint64_t)(e & 0x1f),
		       (uint64_t)((e >> 5) & ((1ULL << 50) - 1)));
	else
		printf("none");
	if (e & (1ULL << 61))
		printf(" file-or-shared");
	if (e & (1ULL << 56))
		printf(" exclusive");
	if (e & (1ULL << 57))
		printf(" uffd-wp");
	if (e & (1ULL << 58))
		printf(" guard");
	if (e & (1ULL << 55))
		printf(" soft-dirty");
	putchar('\n');
}
