/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The /proc files of a task and of the machine (fs/proc/task_mmu.c,
 * fs/proc/array.c, fs/proc/meminfo.c, mm/vmstat.c): what procfs.c and proc_stat.c share.
 */
#ifndef MMLAB_MM_PROCFS_H
#define MMLAB_MM_PROCFS_H

#include "mm/vma.h"

#include <stdint.h>
#include <stdio.h>

/* /proc/pid/pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PFRAME_BITS 55
#define PM_PFRAME_MASK ((1ULL << PM_PFRAME_BITS) - 1)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_UFFD_WP (1ULL << 57)
#define PM_GUARD_REGION (1ULL << 58)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define MAX_SWAPFILES_SHIFT 5	/* a swap entry's frame field: type | offset << 5 */

/* procfs.c */
int show_maps(struct mm_struct *mm, FILE *out);
int show_smaps(struct mm_struct *mm, FILE *out);
int show_smaps_rollup(struct mm_struct *mm, FILE *out);
void pagemap_read(struct mm_struct *mm, unsigned long start, unsigned long end, uint64_t *out);
/* proc_page.c: @page's state as /proc/kpageflags bits. */
uint64_t stable_page_flags(const struct pglist_data *pgdat, const struct page *page);

/* proc_stat.c */
int task_mem(struct mm_struct *mm, FILE *out);
int show_vmstat(struct machine *m, FILE *out);
int show_meminfo(struct machine *m, FILE *out);

#endif /* MMLAB_MM_PROCFS_H */
