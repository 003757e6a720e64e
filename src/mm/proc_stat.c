// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The memory lines of /proc/pid/status (fs/proc/task_mmu.c's task_mem), the machine's
 * /proc/vmstat (mm/vmstat.c) and /proc/meminfo (fs/proc/meminfo.c), and the public entry points
 * of the /proc files procfs.c builds. Only figures the machine really keeps are printed, under
 * the kernel's names, in the kernel's order and format: vmstat's node counters are counted by a
 * sweep of the frame descriptors when asked (the kernel keeps them per node as pages change
 * state), except the page cache's (file, dirty, writeback pages, pages ever dirtied and
 * written), which the file layer keeps in pgdat->vm_stat as the kernel does; meminfo has no
 * MemAvailable, Buffers or slab lines because nothing here models them (its commit lines come
 * from util.c, its swap lines from swapfile.c and the swap cache). status ends with CoreDumping
 * and THP_enabled, the lines after the memory ones.
 * Left out of status: the other non-memory lines, VmPin (always 0: no pinning).
 */
#include "mm/mmap_lock.h"
#include "mm/procfs.h"
#include "mm/memory.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mmlab.h"

#include <inttypes.h>
#include <stdlib.h>

/**
 * task_mem - the memory lines of /proc/pid/status for @mm, VmPeak to HugetlbPages.
 * Context: mmap_lock held for reading.
 * Return: 0 or -EIO.
 */
int task_mem(struct mm_struct *mm, FILE *out)
{
	unsigned long anon = get_mm_counter(mm, MM_ANONPAGES);
	unsigned long file = get_mm_counter(mm, MM_FILEPAGES);
	unsigned long shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	unsigned long swap = get_mm_counter(mm, MM_SWAPENTS);
	unsigned long rss = anon + file + shmem, text, lib;
	const unsigned int kb = PAGE_SHIFT - 10;

	/* The executable's own text counts as VmExe, the rest of the executable VMAs as VmLib. */
	text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	text = min(text, mm->exec_vm << PAGE_SHIFT);
	lib = (mm->exec_vm << PAGE_SHIFT) - text;
	fprintf(out, "VmPeak:\t%8lu kB\n", get_mm_hiwater_vm(mm) << kb);
	fprintf(out, "VmSize:\t%8lu kB\n", mm->total_vm << kb);
	fprintf(out, "VmLck:\t%8lu kB\n", mm->locked_vm << kb);
	fprintf(out, "VmPin:\t%8lu kB\n", 0UL);
	fprintf(out, "VmHWM:\t%8lu kB\n", max(mm->hiwater_rss, rss) << kb);
	fprintf(out, "VmRSS:\t%8lu kB\n", rss << kb);
	fprintf(out, "RssAnon:\t%8lu kB\n", anon << kb);
	fprintf(out, "RssFile:\t%8lu kB\n", file << kb);
	fprintf(out, "RssShmem:\t%8lu kB\n", shmem << kb);
	fprintf(out, "VmData:\t%8lu kB\n", mm->data_vm << kb);
	fprintf(out, "VmStk:\t%8lu kB\n", mm->stack_vm << kb);
	fprintf(out, "VmExe:\t%8lu kB\n", text >> 10);
	fprintf(out, "VmLib:\t%8lu kB\n", lib >> 10);
	fprintf(out, "VmPTE:\t%8lu kB\n", (unsigned long)mm->context.pgtables_bytes >> 10);
	fprintf(out, "VmSwap:\t%8lu kB\n", swap << kb);
	fprintf(out, "HugetlbPages:\t%8lu kB\n", 0UL);
	return ferror(out) ? -EIO : 0;
}

/*
 * The two status lines after the memory lines (task_core_dumping, task_thp_status): no core
 * dump is ever in progress; THP is enabled unless PR_SET_THP_DISABLE disabled it completely.
 */
static int task_core_thp(struct mm_struct *mm, FILE *out)
{
	fprintf(out, "CoreDumping:\t0\n");
	fprintf(out, "THP_enabled:\t%d\n", !(mm->flags & (1UL << MMF_DISABLE_THP)));
	return ferror(out) ? -EIO : 0;
}

/* The node counters the kernel keeps as pages change state, counted here by a sweep. */
struct node_stats {
	unsigned long anon_mapped;	/* NR_ANON_MAPPED: anonymous pages mapped somewhere */
	unsigned long file_mapped;	/* NR_FILE_MAPPED: page-cache (and shmem) pages mapped */
	unsigned long shmem;		/* NR_SHMEM: shmem pages in a page cache */
	unsigned long free, total, pagetable;
};

static void count_node_stats(struct machine *m, struct node_stats *ns)
{
	*ns = (struct node_stats){};
	for (unsigned long pfn = 0; pfn < m->pgdat.nr_frames; pfn++) {
		const struct page *page = pfn_to_page(&m->pgdat, pfn);

		if (page_ref_count(page) <= 0 || PageBuddy(page) || PageTable(page) ||
		    PageReserved(page))
			continue;
		if (PageAnon(page)) {
			ns->anon_mapped += page_mapcount(page) > 0;
			continue;
		}
		ns->file_mapped += page_mapcount(page) > 0;
		ns->shmem += page->mapping && PageSwapBacked(page);
	}
	spin_lock(&m->pgdat.zone.lock);
	ns->free = zone_page_state_free(&m->pgdat.zone);
	ns->total = m->pgdat.zone.managed_pages;
	spin_unlock(&m->pgdat.zone.lock);
	ns->pagetable = __atomic_load_n(&m->pgdat.nr_pgtable_pages, __ATOMIC_RELAXED);
}

/* The event counters /proc/vmstat has on Linux 6.x, in its order (vm_event_item.h). */
static const enum vm_event_item vmstat_events[] = {
	PSWPIN, PSWPOUT,
	PGALLOC_NORMAL, ALLOCSTALL_NORMAL, PGFREE, PGACTIVATE, PGDEACTIVATE, PGLAZYFREE,
	PGFAULT, PGMAJFAULT, PGLAZYFREED, PGREFILL, PGREUSE, PGSTEAL_KSWAPD, PGSTEAL_DIRECT,
	PGSCAN_KSWAPD, PGSCAN_DIRECT, PGSCAN_ANON, PGSCAN_FILE, PGSTEAL_ANON, PGSTEAL_FILE,
	PAGEOUTRUN, PGROTATED, OOM_KILL, UNEVICTABLE_PGCULLED, UNEVICTABLE_PGSCANNED,
	UNEVICTABLE_PGRESCUED, UNEVICTABLE_PGMLOCKED, UNEVICTABLE_PGMUNLOCKED,
	UNEVICTABLE_PGCLEARED, UNEVICTABLE_PGSTRANDED, NR_TLB_REMOTE_FLUSH, NR_TLB_LOCAL_FLUSH_ALL,
	NR_TLB_LOCAL_FLUSH_ONE,
};

/*
 * The LRU node counters follow one another in node_stat_item from NR_LRU_BASE, as vmstat
 * prints them ("nr_" + name); the workingset ones follow, event by event, anon then file.
 */
static const char *const lru_stat_names[] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
	"isolated_anon", "isolated_file",
};
static const char *const workingset_events[] = { "refault", "activate", "restore" };
BUILD_BUG_ON(NR_ISOLATED_FILE != NR_LRU_BASE + 6);
BUILD_BUG_ON(WORKINGSET_RESTORE_FILE != WORKINGSET_REFAULT_ANON + 5);

/**
 * show_vmstat - /proc/vmstat for @m: the node counters the machine has, then its event counters
 * that Linux 6.x also has, as "name value" lines in the kernel's order.
 * Context: no mmap_lock needed; figures of concurrent faults may be half counted.
 * Return: 0 or -EIO.
 */
int show_vmstat(struct machine *m, FILE *out)
{
	struct node_stats ns;

	count_node_stats(m, &ns);
	fprintf(out, "nr_free_pages %lu\n", ns.free);
	/* one zone: the zone's LRU counters are the node's */
	for (int i = 0; i < NR_LRU_LISTS; i++)
		fprintf(out, "nr_zone_%s %lu\n", lru_stat_names[i],
			node_page_state(&m->pgdat, NR_LRU_BASE + i));
	fprintf(out, "nr_mlock %lu\n", node_page_state(&m->pgdat, NR_MLOCK));
	for (int i = 0; i < (int)ARRAY_SIZE(lru_stat_names); i++)
		fprintf(out, "nr_%s %lu\n", lru_stat_names[i],
			node_page_state(&m->pgdat, NR_LRU_BASE + i));
	fprintf(out, "workingset_nodes %lu\n", node_page_state(&m->pgdat, WORKINGSET_NODES));
	for (int i = 0; i < 6; i++)
		fprintf(out, "workingset_%s_%s %lu\n", workingset_events[i / 2],
			i % 2 ? "file" : "anon",
			node_page_state(&m->pgdat, WORKINGSET_REFAULT_ANON + i));
	fprintf(out, "nr_anon_pages %lu\n", ns.anon_mapped);
	fprintf(out, "nr_mapped %lu\n", ns.file_mapped);
	fprintf(out, "nr_file_pages %lu\n", node_page_state(&m->pgdat, NR_FILE_PAGES));
	fprintf(out, "nr_dirty %lu\n", node_page_state(&m->pgdat, NR_FILE_DIRTY));
	fprintf(out, "nr_writeback %lu\n", node_page_state(&m->pgdat, NR_WRITEBACK));
	fprintf(out, "nr_shmem %lu\n", ns.shmem);
	fprintf(out, "nr_vmscan_immediate_reclaim %lu\n",
		node_page_state(&m->pgdat, NR_VMSCAN_IMMEDIATE));
	fprintf(out, "nr_dirtied %lu\n", node_page_state(&m->pgdat, NR_DIRTIED));
	fprintf(out, "nr_written %lu\n", node_page_state(&m->pgdat, NR_WRITTEN));
	fprintf(out, "nr_page_table_pages %lu\n", ns.pagetable);
	fprintf(out, "nr_swapcached %lu\n", node_page_state(&m->pgdat, NR_SWAPCACHE));
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_events); i++)
		fprintf(out, "%s %lu\n", vmstat_text[vmstat_events[i]],
			sum_vm_event(&m->pgdat.vm_events, vmstat_events[i]));
	return ferror(out) ? -EIO : 0;
}

static void show_val_kb(FILE *out, const char *label, unsigned long pages)
{
	fprintf(out, "%-16s%8lu kB\n", label, pages << (PAGE_SHIFT - 10));
}

/**
 * show_meminfo - the /proc/meminfo lines whose figures the machine keeps, in the kernel's order.
 * Context: as show_vmstat.
 * Return: 0 or -EIO.
 */
int show_meminfo(struct machine *m, FILE *out)
{
	unsigned long lru[NR_LRU_LISTS];
	unsigned long swap_total, swap_free;
	struct node_stats ns;

	count_node_stats(m, &ns);
	for (int i = 0; i < NR_LRU_LISTS; i++)
		lru[i] = node_page_state(&m->pgdat, NR_LRU_BASE + i);
	show_val_kb(out, "MemTotal:", ns.total);
	show_val_kb(out, "MemFree:", ns.free);
	/* Every page-cache page (shmem's too): no buffer cache; swap-cache pages are counted
	 * apart (NR_SWAPCACHE), not in NR_FILE_PAGES as Linux, so there is nothing to subtract. */
	show_val_kb(out, "Cached:", node_page_state(&m->pgdat, NR_FILE_PAGES));
	show_val_kb(out, "SwapCached:", node_page_state(&m->pgdat, NR_SWAPCACHE));
	show_val_kb(out, "Active:", lru[LRU_ACTIVE_ANON] + lru[LRU_ACTIVE_FILE]);
	show_val_kb(out, "Inactive:", lru[LRU_INACTIVE_ANON] + lru[LRU_INACTIVE_FILE]);
	show_val_kb(out, "Active(anon):", lru[LRU_ACTIVE_ANON]);
	show_val_kb(out, "Inactive(anon):", lru[LRU_INACTIVE_ANON]);
	show_val_kb(out, "Active(file):", lru[LRU_ACTIVE_FILE]);
	show_val_kb(out, "Inactive(file):", lru[LRU_INACTIVE_FILE]);
	show_val_kb(out, "Unevictable:", lru[LRU_UNEVICTABLE]);
	show_val_kb(out, "Mlocked:", node_page_state(&m->pgdat, NR_MLOCK));
	si_swapinfo(m, &swap_total, &swap_free);
	show_val_kb(out, "SwapTotal:", swap_total);
	show_val_kb(out, "SwapFree:", swap_free);
	show_val_kb(out, "Dirty:", node_page_state(&m->pgdat, NR_FILE_DIRTY));
	show_val_kb(out, "Writeback:", node_page_state(&m->pgdat, NR_WRITEBACK));
	show_val_kb(out, "AnonPages:", ns.anon_mapped);
	show_val_kb(out, "Mapped:", ns.file_mapped);
	show_val_kb(out, "Shmem:", ns.shmem);
	show_val_kb(out, "PageTables:", ns.pagetable);
	show_val_kb(out, "CommitLimit:", vm_commit_limit(m));
	show_val_kb(out, "Committed_AS:", vm_memory_committed(m));
	return ferror(out) ? -EIO : 0;
}

MMLAB_EXPORT int mmlab_proc_maps(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	mmap_read_lock(t->tsk.mm);
	err = show_maps(t->tsk.mm, out);
	mmap_read_unlock(t->tsk.mm);
	return err;
}

MMLAB_EXPORT int mmlab_proc_smaps(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	mmap_read_lock(t->tsk.mm);
	err = show_smaps(t->tsk.mm, out);
	mmap_read_unlock(t->tsk.mm);
	return err;
}


MMLAB_EXPORT void mmlab_task_info(struct mmlab_task *t, struct mmlab_task_info *info)
{
	struct mm_struct *mm = t->tsk.mm;

	*info = (struct mmlab_task_info){
		.mmap_base = mm->mmap_base, .start_brk = mm->start_brk, .brk = mm->brk,
		.start_stack = mm->start_stack, .map_count = (unsigned)mm->map_count,
		.total_vm = mm->total_vm, .locked_vm = mm->locked_vm, .data_vm = mm->data_vm,
		.exec_vm = mm->exec_vm, .stack_vm = mm->stack_vm, .vma_seq = mm->vma_seq,
		.start_code = mm->start_code, .end_code = mm->end_code,
		.start_data = mm->start_data, .end_data = mm->end_data,
		.arg_start = mm->arg_start, .arg_end = mm->arg_end,
		.env_start = mm->env_start, .env_end = mm->env_end,
	};
}

MMLAB_EXPORT void mmlab_task_mem(struct mmlab_task *t, struct mmlab_task_mem *st)
{
	struct mm_struct *mm = t->tsk.mm;

	mmap_read_lock(mm);
	*st = (struct mmlab_task_mem){
		.minflt = t->tsk.min_flt,
		.majflt = t->tsk.maj_flt,
		.rss_anon = (uint64_t)get_mm_counter(mm, MM_ANONPAGES),
		.rss_file = (uint64_t)get_mm_counter(mm, MM_FILEPAGES),
		.rss_shmem = (uint64_t)get_mm_counter(mm, MM_SHMEMPAGES),
		.swapents = (uint64_t)get_mm_counter(mm, MM_SWAPENTS),
		.rss = get_mm_rss(mm),
		.hiwater_rss = get_mm_hiwater_rss(mm),
		.total_vm = mm->total_vm,
		.hiwater_vm = get_mm_hiwater_vm(mm),
		.pgtables_bytes = (uint64_t)mm->context.pgtables_bytes,
		.mm_users = (uint64_t)mm->mm_users,
	};
	mmap_read_unlock(mm);
}

MMLAB_EXPORT int mmlab_proc_smaps_rollup(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	mmap_read_lock(t->tsk.mm);
	err = show_smaps_rollup(t->tsk.mm, out);
	mmap_read_unlock(t->tsk.mm);
	return err;
}

MMLAB_EXPORT int mmlab_proc_status(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	mmap_read_lock(t->tsk.mm);
	err = task_mem(t->tsk.mm, out) ?: task_core_thp(t->tsk.mm, out);
	mmap_read_unlock(t->tsk.mm);
	return err;
}

MMLAB_EXPORT int mmlab_pagemap(struct mmlab_task *t, uint64_t addr, uint64_t len, uint64_t *out)
{
	uint64_t end;

	if (!t || (len && !out) || (addr & ~PAGE_MASK) || addr > TASK_SIZE_MAX ||
	    len > TASK_SIZE_MAX - addr)
		return -EINVAL;
	end = addr + PAGE_ALIGN(len);
	mmap_read_lock(t->tsk.mm);
	pagemap_read(t->tsk.mm, addr, end, out);
	mmap_read_unlock(t->tsk.mm);
	return 0;
}

MMLAB_EXPORT int mmlab_proc_vmstat(struct mmlab_machine *mm, FILE *out)
{
	if (!mm || !out)
		return -EINVAL;
	return show_vmstat(machine_of(mm), out);
}

MMLAB_EXPORT int mmlab_proc_meminfo(struct mmlab_machine *mm, FILE *out)
{
	if (!mm || !out)
		return -EINVAL;
	return show_meminfo(machine_of(mm), out);
}
