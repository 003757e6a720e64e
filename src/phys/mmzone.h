/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The physical-memory layer's model of RAM: one region carved into 4 KiB frames, a struct page
 * for each, one zone with its buddy free lists, the shared zero page and the node's event
 * counters. Corresponds to include/linux/mmzone.h (pglist_data, zone, free_area) with a single
 * node and a single ZONE_NORMAL, and to the page_address/pfn_to_page helpers of
 * include/linux/mm.h and asm-generic/memory_model.h (flat memory model). This layer sits below
 * the MMU and knows nothing of page tables or address spaces: it hands out frames.
 * Left out: ZONE_DMA and other zones, NUMA nodes, per-CPU page lists, migrate types and
 * watermarks (running out returns NULL; there is no reclaim to wake).
 */
#ifndef MMLAB_PHYS_MMZONE_H
#define MMLAB_PHYS_MMZONE_H

#include "kernel.h"
#include "phys/page.h"
#include "phys/vmstat.h"
#include "host/spinlock.h"

#include <pthread.h>

#define MAX_PAGE_ORDER 10
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)

struct free_area {
	struct list_head free_list;	/* Heads of free blocks of this order (PG_buddy) */
	unsigned long nr_free;		/* Blocks on free_list */
};

struct zone {
	spinlock_t lock;		/* Protects free_area and the counts below */
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long nr_free_pages;	/* Free frames, all orders, in pages */
	unsigned long managed_pages;	/* Frames the allocator manages */
};

/*
 * One memory node (include/linux/mmzone.h's pglist_data, pg_data_t): the host mapping that
 * plays RAM, the struct page of every frame, the one zone and the zero page. The frames' users
 * above (page tables, the fault path) reach a frame's bytes only through page_address().
 */
struct pglist_data {
	unsigned char *ram;		/* Host mapping of all frames; frame N at ram + N * PAGE_SIZE */
	size_t ram_bytes;		/* Size of that mapping */
	unsigned long nr_frames;	/* Frames in RAM (node_present_pages) */
	struct page *mem_map;		/* One struct page per frame, indexed by pfn (node_mem_map) */
	struct zone zone;		/* The one zone; its lock protects its free lists */
	struct page *zero_page;		/* The shared zero page: reserved, read-only, never freed */
	unsigned long nr_pgtable_pages; /* Frames holding page tables (NR_PAGETABLE); atomic */
	unsigned long alloc_fail_after; /* Fault injection: fail the N-th allocation (0 = never) */
	struct vm_events vm_events;	/* /proc/vmstat event counters, per thread (vmstat.c) */
	long vm_stat[NR_VM_NODE_STAT_ITEMS];	/* Node state counters, pages; atomic */
};

static inline unsigned long page_to_pfn(const struct pglist_data *pgdat, const struct page *page)
{
	return (unsigned long)(page - pgdat->mem_map);
}

static inline struct page *pfn_to_page(const struct pglist_data *pgdat, unsigned long pfn)
{
	return &pgdat->mem_map[pfn];
}

static inline bool pfn_valid(const struct pglist_data *pgdat, unsigned long pfn)
{
	return pfn < pgdat->nr_frames;
}

/* The frame's bytes, as the kernel's direct map gives them (page_address). */
static inline void *page_address(const struct pglist_data *pgdat, const struct page *page)
{
	return pgdat->ram + (page_to_pfn(pgdat, page) << PAGE_SHIFT);
}

static inline void count_vm_events(struct pglist_data *pgdat, enum vm_event_item item,
				   unsigned long n)
{
	count_vm_events_in(&pgdat->vm_events, item, n);
}

static inline void count_vm_event(struct pglist_data *pgdat, enum vm_event_item item)
{
	count_vm_events(pgdat, item, 1);
}

static inline void mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item item,
				       long delta)
{
	__atomic_add_fetch(&pgdat->vm_stat[item], delta, __ATOMIC_RELAXED);
}

static inline unsigned long node_page_state(const struct pglist_data *pgdat,
					    enum node_stat_item item)
{
	long v = __atomic_load_n(&pgdat->vm_stat[item], __ATOMIC_RELAXED);

	return v < 0 ? 0 : (unsigned long)v;
}

/* page_alloc.c */
int __must_check pgdat_init_memory(struct pglist_data *pgdat, size_t ram_bytes);
void pgdat_free_memory(struct pglist_data *pgdat);
struct page *__must_check alloc_pages(struct pglist_data *pgdat, unsigned int order);
void __free_pages(struct pglist_data *pgdat, struct page *page, unsigned int order);
struct page *__must_check alloc_zeroed_page(struct pglist_data *pgdat);
void put_page(struct pglist_data *pgdat, struct page *page);
int __must_check page_alloc_validate(struct pglist_data *pgdat);

#endif /* MMLAB_PHYS_MMZONE_H */
