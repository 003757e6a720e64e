/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The physical-memory layer's model of RAM: one region carved into 4 KiB frames, a struct page
 * for each, one zone with its buddy free lists, the shared zero page and the node's event
 * counters. Corresponds to include/linux/mmzone.h (pglist_data, zone, free_area) with a single
 * node and a single ZONE_NORMAL, and to the page_address/pfn_to_page helpers of
 * include/linux/mm.h and asm-generic/memory_model.h (flat memory model). This layer sits below
 * the MMU and knows nothing of page tables or address spaces: it hands out frames.
 * The node also carries the LRU lists of its pages (struct lruvec, kept by lru.c) and the
 * zone's watermarks (page_alloc.c), which say when the allocator wakes kswapd (low) and when
 * it stops handing out pages to callers that can reclaim (min); reclaim itself is the mm
 * layer's (vmscan.c), reached through the node's reclaim_ops.
 * Left out: ZONE_DMA and other zones, NUMA nodes, per-CPU page lists, migrate types, the
 * lowmem reserve and watermark boosting.
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

enum zone_watermarks {
	WMARK_MIN,			/* Below it only allocations that cannot reclaim succeed */
	WMARK_LOW,			/* Below it kswapd is woken */
	WMARK_HIGH,			/* kswapd reclaims until free pages are back above it */
	NR_WMARK,
};

struct zone {
	spinlock_t lock;		/* Protects free_area and the counts below */
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long nr_free_pages;	/* Free frames, all orders, in pages */
	unsigned long managed_pages;	/* Frames the allocator manages */
	unsigned long _watermark[NR_WMARK]; /* Pages; set once at creation (setup_per_zone_wmarks) */
};

/*
 * The LRU lists (include/linux/mmzone.h's enum lru_list): anonymous and file pages each on an
 * inactive and an active list, and the pages reclaim may not take on the unevictable list.
 * The order is Linux's: inactive + 1 is active, anon + 2 is file.
 */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS,
};

#define LRU_ACTIVE 1
#define LRU_FILE 2

/* Which replacement policy reclaim follows (mmlab run --lru). */
enum lru_mode {
	LRU_MODE_CLASSIC,		/* Linux's active/inactive lists (the default) */
	LRU_MODE_MGLRU,			/* Multi-Gen LRU: generations (lru.h), aging by
					 * page-table walks, eviction from the oldest
					 * (mm/lru_gen.c) */
	LRU_MODE_LRU,			/* One list, least recently used evicted; every access
					 * moves its page to the head (no VM policy on top) */
	LRU_MODE_CLOCK,			/* One list as a clock, the PTE accessed bits as the
					 * reference bits, the hand at the tail */
};

/*
 * Multi-Gen LRU (include/linux/mmzone.h): evictable pages sit in generations numbered by a
 * sequence that only grows. max_seq is the youngest, min_seq[type] the oldest of anonymous
 * and of file pages; between MIN_NR_GENS and MAX_NR_GENS exist at a time, the list of
 * sequence seq being folios[seq % MAX_NR_GENS]. Aging makes a new youngest generation,
 * eviction empties the oldest. Within a generation, tiers count accesses through file
 * descriptors (tier = order_base_2(refs + 1)), which the PID controller's refault rates
 * decide to protect. The two youngest generations are the active ones of the classic
 * counters (NR_ACTIVE_*), the rest inactive, so meminfo and vmstat read the same.
 */
#define MIN_NR_GENS 2U
#define MAX_NR_GENS 4U
#define MAX_NR_TIERS 4U
#define ANON_AND_FILE 2

enum {
	LRU_GEN_ANON,
	LRU_GEN_FILE,
};

/*
 * One lruvec's generations (struct lru_gen_folio, without zones or memcg, and with one set of
 * history counters: NR_HIST_GENS 1, a kernel without CONFIG_LRU_GEN_STATS).
 */
struct lru_gen_folio {
	unsigned long max_seq;		/* Youngest generation; under lru_lock */
	unsigned long min_seq[ANON_AND_FILE]; /* Oldest generation of each type; lru_lock */
	uint64_t timestamps[MAX_NR_GENS]; /* Each generation's birth, simulated ns (psi.c) */
	struct list_head folios[MAX_NR_GENS][ANON_AND_FILE]; /* Lazily sorted by eviction:
					 * a page the aging promoted stays where it was until
					 * sort_folio moves it to its generation's list */
	long nr_pages[MAX_NR_GENS][ANON_AND_FILE]; /* Pages whose flags name the generation */
	unsigned long avg_refaulted[ANON_AND_FILE][MAX_NR_TIERS]; /* The PID controller's
					 * moving averages of refaults ... */
	unsigned long avg_total[ANON_AND_FILE][MAX_NR_TIERS]; /* ... and of evicted+protected */
	unsigned long protected[ANON_AND_FILE][MAX_NR_TIERS - 1]; /* Pages sort_folio kept
					 * for their tier, since min_seq last moved */
	unsigned long evicted[ANON_AND_FILE][MAX_NR_TIERS];   /* Evicted since then; atomic */
	unsigned long refaulted[ANON_AND_FILE][MAX_NR_TIERS]; /* Refaulted since then; atomic */
};

/*
 * A node's LRU lists (struct lruvec). Each list's head end holds the newest pages and reclaim
 * takes from the tail, as Linux's list_add / lru_to_folio. The counts are the node's
 * NR_INACTIVE_ANON.. NR_UNEVICTABLE counters, kept under the lock.
 */
struct lruvec {
	spinlock_t lru_lock;		/* The lists and each listed page's PG_lru, PG_active,
					 * PG_unevictable; the costs below */
	struct list_head lists[NR_LRU_LISTS];
	unsigned long anon_cost;	/* Anonymous pages reclaimed and refaulted (lru_note_cost) */
	unsigned long file_cost;	/* ... file pages */
	unsigned long nonresident_age;	/* Pages evicted or activated: the workingset clock;
					 * atomic */
	unsigned long refaults[2];	/* Refaults (anon, file) at the last reclaim run */
	struct lru_gen_folio lrugen;	/* --lru mglru: the generations, in place of lists[]
					 * but the unevictable one */
};

struct pglist_data;

/*
 * What the allocator asks of the layers above when memory runs low (the mm layer's
 * vmscan.c): kswapd's background reclaim and direct reclaim. NULL on a bare node.
 */
struct reclaim_ops {
	/* kswapd: reclaim until the high watermark is met. Return: pages reclaimed. */
	unsigned long (*kswapd)(struct pglist_data *pgdat);
	/* Direct reclaim for an allocation of @order. Return: pages reclaimed. */
	unsigned long (*try_to_free_pages)(struct pglist_data *pgdat, unsigned int order);
	/*
	 * folio_evictable: false while @page is mlocked or its mapping is unevictable
	 * (SHM_LOCK, ramfs), which only the layers above can see. Context: lru_lock may be held.
	 */
	bool (*page_evictable)(struct page *page);
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
	struct lruvec lruvec;		/* The LRU lists of the node's pages (lru.c) */
	enum lru_mode lru_mode;		/* Replacement policy; set at creation */
	int swappiness;			/* vm.swappiness, 0..200: anon vs file reclaim cost */
	long nr_swap_pages;		/* Free slots of the active swap areas (get_nr_swap_pages:
					 * the workingset weighs anon with it); the mm layer's
					 * swapfile.c changes it under its swap_lock; atomic */
	unsigned long min_free_kbytes;	/* vm.min_free_kbytes the watermarks came from */
	unsigned int watermark_scale_factor; /* vm.watermark_scale_factor, 1/10000 of RAM */
	const struct reclaim_ops *reclaim; /* The mm layer's reclaim; NULL: none */
	bool kswapd_woken;		/* Free pages fell below low: kswapd should run at the
					 * next safe point (kswapd_run_pending); atomic */
	bool kswapd_running;		/* A thread runs kswapd now (no second one); atomic */
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

/*
 * __mod_node_page_state - mod_node_page_state for a counter whose writers a lock serializes
 * (the LRU sizes: lru_lock), as Linux's __mod_* variants: a plain read and store, exact under
 * the lock, and no locked instruction. Readers without the lock see one value or the other.
 */
static inline void __mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item item,
					 long delta)
{
	__atomic_store_n(&pgdat->vm_stat[item],
			 __atomic_load_n(&pgdat->vm_stat[item], __ATOMIC_RELAXED) + delta,
			 __ATOMIC_RELAXED);
}

static inline unsigned long node_page_state(const struct pglist_data *pgdat,
					    enum node_stat_item item)
{
	long v = __atomic_load_n(&pgdat->vm_stat[item], __ATOMIC_RELAXED);

	return v < 0 ? 0 : (unsigned long)v;
}

static inline unsigned long zone_page_state_free(struct zone *zone)
{
	return __atomic_load_n(&zone->nr_free_pages, __ATOMIC_RELAXED);
}

static inline unsigned long min_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_MIN];
}

static inline unsigned long low_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_LOW];
}

static inline unsigned long high_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_HIGH];
}

/*
 * The calling thread's allocation context (Linux's gfp flags and PF_MEMALLOC scopes), see
 * page_alloc.c: MEMALLOC_RECLAIM, the caller holds no lock reclaim needs, so the allocator
 * may reclaim directly; MEMALLOC_FAULT, a fault that reclaims itself, with its locks
 * dropped, and retries, so the allocator stops at min. Neither: served down to the last page.
 */
#define MEMALLOC_RECLAIM 0x1U
#define MEMALLOC_FAULT 0x2U
#define MEMALLOC_STALLED 0x4U	/* Set by the allocator: a MEMALLOC_FAULT allocation stopped at
				 * min (not an injected failure), the fault should reclaim */
extern __thread unsigned int memalloc_flags __attribute__((tls_model("initial-exec")));

static inline unsigned int memalloc_flags_save(unsigned int flags)
{
	unsigned int old = memalloc_flags;

	memalloc_flags = flags;
	return old;
}

static inline void memalloc_flags_restore(unsigned int old)
{
	memalloc_flags = old;
}

/* page_alloc.c */
int __must_check pgdat_init_memory(struct pglist_data *pgdat, size_t ram_bytes);
void pgdat_free_memory(struct pglist_data *pgdat);
struct page *__must_check alloc_pages(struct pglist_data *pgdat, unsigned int order);
void __free_pages(struct pglist_data *pgdat, struct page *page, unsigned int order);
struct page *__must_check alloc_zeroed_page(struct pglist_data *pgdat);
void clear_highpage(struct pglist_data *pgdat, struct page *page);
void put_page(struct pglist_data *pgdat, struct page *page);
int __must_check page_alloc_validate(struct pglist_data *pgdat);
void setup_per_zone_wmarks(struct pglist_data *pgdat, unsigned long min_free_kbytes,
			   unsigned int watermark_scale_factor);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark);
void wakeup_kswapd(struct pglist_data *pgdat);
void __kswapd_run_pending(struct pglist_data *pgdat);

/*
 * kswapd_run_pending - run kswapd if it was woken and no other thread runs it (the safe point:
 * the caller holds no lock of an address space or of the page cache). The test is inline:
 * every fault passes here.
 * Context: no locks held.
 */
static inline void kswapd_run_pending(struct pglist_data *pgdat)
{
	if (__builtin_expect(__atomic_load_n(&pgdat->kswapd_woken, __ATOMIC_RELAXED), 0))
		__kswapd_run_pending(pgdat);
}
unsigned long direct_reclaim(struct pglist_data *pgdat, unsigned int order);

#endif /* MMLAB_PHYS_MMZONE_H */
