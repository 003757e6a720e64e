/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * System-wide event counters, the machine's /proc/vmstat (include/linux/vm_event_item.h and
 * the event half of include/linux/vmstat.h). They live in the node (struct pglist_data), the
 * lowest object every layer that counts reaches: the allocator counts here, the MMU its TLB
 * flushes, the fault path its faults. Counted per node rather than per CPU: mmlab's CPUs are
 * contexts, not host threads racing on the counters, so one array with relaxed atomic adds is
 * exact and cheap. Beside them, the few node state counters (mmzone.h's node_stat_item) that
 * the page cache changes and that a sweep of the frames cannot recover (writeback in flight,
 * pages ever dirtied or written): kept as pages change state, like the kernel's vm_node_stat.
 * Left out: the other state counters; /proc/meminfo reads the zone and the frames directly.
 */
#ifndef MMLAB_PHYS_VMSTAT_H
#define MMLAB_PHYS_VMSTAT_H

enum vm_event_item {
	PGALLOC_NORMAL,		/* Frames handed out by the buddy allocator (order-0 units) */
	PGFREE,			/* Frames returned to it */
	PGFAULT,		/* Page faults taken */
	PGMAJFAULT,		/* Faults that needed I/O */
	NR_TLB_REMOTE_FLUSH,	/* Flushes of another CPU context's TLB */
	NR_TLB_LOCAL_FLUSH_ALL, /* Full flushes of one TLB */
	NR_TLB_LOCAL_FLUSH_ONE, /* Single-page flushes */
	PGREUSE,		/* Write faults that reused the page instead of copying it */
	VMACACHE_FIND_CALLS,	/* Per-thread VMA cache lookups (Linux < 6.1, DEBUG_VM_VMACACHE) */
	VMACACHE_FIND_HITS,	/* ... that found the VMA */
	/* mmlab's own counters: no /proc/vmstat line on Linux carries them. */
	NR_VM_KERNEL_EVENT_ITEMS,
	COW_FAULT = NR_VM_KERNEL_EVENT_ITEMS, /* Write faults that copied a page (wp_page_copy) */
	ZERO_PAGE_FAULT,	/* Read faults that mapped the shared zero page */
	NR_VM_EVENT_ITEMS,
};

/* Node state counters (include/linux/mmzone.h's node_stat_item), in pages. */
enum node_stat_item {
	NR_FILE_PAGES,		/* Pages in a page cache (shmem included) */
	NR_FILE_DIRTY,		/* Dirty page-cache pages that writeback can clean */
	NR_WRITEBACK,		/* Pages being written back */
	NR_DIRTIED,		/* Pages ever dirtied (monotonic) */
	NR_WRITTEN,		/* Pages ever written back (monotonic) */
	NR_VM_NODE_STAT_ITEMS,
};

extern const char *const vmstat_text[NR_VM_EVENT_ITEMS];

#endif /* MMLAB_PHYS_VMSTAT_H */
