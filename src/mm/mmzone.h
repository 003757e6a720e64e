/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The machine's physical memory: one RAM region carved into frames, their struct pages, one
 * zone with its buddy free lists, and the shared zero page. Corresponds to include/linux/mmzone.h
 * (pglist_data, zone, free_area) with a single node and a single ZONE_NORMAL; there is no
 * ZONE_DMA, no per-CPU page lists, no migrate types and no watermarks yet (reclaim brings them).
 */
#ifndef MMLAB_MM_MMZONE_H
#define MMLAB_MM_MMZONE_H

#include "kernel.h"
#include "mm/page.h"
#include "mm/vmstat.h"

#include <pthread.h>

#define MAX_PAGE_ORDER 10
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)
#define MMLAB_MAX_CPUS 64

struct free_area {
	struct list_head free_list;	/* Heads of free blocks of this order (PG_buddy) */
	unsigned long nr_free;		/* Blocks on free_list */
};

struct zone {
	pthread_mutex_t lock;		/* Protects free_area and the counts below */
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long nr_free_pages;	/* Free frames, all orders, in pages */
	unsigned long managed_pages;	/* Frames the allocator manages */
};

struct mmu_cpu;

/* vm.overcommit_memory's modes (include/uapi/linux/mman.h) */
#define OVERCOMMIT_GUESS 0
#define OVERCOMMIT_ALWAYS 1
#define OVERCOMMIT_NEVER 2

/* The commit accounting of mm/util.c: sysctls and the committed total (util.c). */
struct vm_commit {
	int overcommit_memory;		/* vm.overcommit_memory: OVERCOMMIT_* */
	int overcommit_ratio;		/* vm.overcommit_ratio, percent of RAM */
	unsigned long overcommit_kbytes; /* vm.overcommit_kbytes; 0: the ratio applies */
	unsigned long admin_reserve_kbytes; /* vm.admin_reserve_kbytes (mode 2, non-admin) */
	unsigned long user_reserve_kbytes; /* vm.user_reserve_kbytes (mode 2, per process) */
	unsigned long total_swap_pages;	/* Swap the formulas count; no swap device exists */
	long committed_as;		/* vm_committed_as in pages; atomic */
};

struct machine {
	unsigned char *ram;		/* Host mapping of all frames; frame N at ram + N * PAGE_SIZE */
	size_t ram_bytes;		/* Size of that mapping */
	unsigned long nr_frames;	/* Frames in RAM */
	struct page *mem_map;		/* One struct page per frame, indexed by pfn */
	struct zone zone;		/* The one zone; protected by zone_lock */
	struct page *zero_page;		/* The shared zero page: reserved, read-only, never freed */
	unsigned long nr_pgtable_pages; /* Frames holding page tables (PG_pgtable) */
	struct mmu_cpu *cpus[MMLAB_MAX_CPUS]; /* CPU contexts, by id; NULL where none */
	unsigned long alloc_fail_after; /* Fault injection: fail the N-th allocation (0 = never) */
	unsigned long vm_events[NR_VM_EVENT_ITEMS]; /* /proc/vmstat event counters */
	int last_pid;			/* The last pid handed out (kernel/pid.c's idr cursor) */
	struct vm_commit commit;	/* Overcommit sysctls and Committed_AS (util.c) */
	bool no_pku;			/* The CPUs lack protection keys (X86_FEATURE_OSPKE off) */
	bool no_zero_page;		/* Read faults never map zero_page (mm_forbids_zeropage) */
};

static inline unsigned long page_to_pfn(const struct machine *m, const struct page *page)
{
	return (unsigned long)(page - m->mem_map);
}

static inline struct page *pfn_to_page(const struct machine *m, unsigned long pfn)
{
	return &m->mem_map[pfn];
}

static inline bool pfn_valid(const struct machine *m, unsigned long pfn)
{
	return pfn < m->nr_frames;
}

/* The frame's bytes, as the kernel's direct map gives them (page_address). */
static inline void *page_address(const struct machine *m, const struct page *page)
{
	return m->ram + (page_to_pfn(m, page) << PAGE_SHIFT);
}

static inline void count_vm_events(struct machine *m, enum vm_event_item item, unsigned long n)
{
	__atomic_add_fetch(&m->vm_events[item], n, __ATOMIC_RELAXED);
}

static inline void count_vm_event(struct machine *m, enum vm_event_item item)
{
	count_vm_events(m, item, 1);
}

struct mmlab_machine;
/* machine.c: the machine behind a public handle */
struct machine *machine_of(struct mmlab_machine *mm);

/* util.c */
struct mmlab_machine_config;
void vm_commit_init(struct machine *m, const struct mmlab_machine_config *cfg);
void vm_acct_memory(struct machine *m, long pages);
void vm_unacct_memory(struct machine *m, long pages);
unsigned long vm_commit_limit(struct machine *m);
unsigned long vm_memory_committed(struct machine *m);

/* page_alloc.c */
int __must_check machine_init_memory(struct machine *m, size_t ram_bytes);
void machine_free_memory(struct machine *m);
struct page *__must_check alloc_pages(struct machine *m, unsigned int order);
void __free_pages(struct machine *m, struct page *page, unsigned int order);
struct page *__must_check alloc_zeroed_page(struct machine *m);
void put_page(struct machine *m, struct page *page);
int __must_check page_alloc_validate(struct machine *m);

#endif /* MMLAB_MM_MMZONE_H */
