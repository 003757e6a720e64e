/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * System-wide event counters, the machine's /proc/vmstat (include/linux/vm_event_item.h and
 * the event half of include/linux/vmstat.h). They live in the node (struct pglist_data), the
 * lowest object every layer that counts reaches: the allocator counts here, the MMU its TLB
 * flushes, the fault path its faults. Linux keeps one set per CPU, bumped without a locked
 * instruction and summed when read; mmlab's CPUs are contexts that host threads take turns
 * on, so the sets are per host thread instead (vmstat.c), with the same effect: a count is a
 * plain add, and a fault does not wait for its own page-zeroing stores to drain at a lock
 * prefix. Beside them, the few node state counters (mmzone.h's node_stat_item) that the page
 * cache changes and that a sweep of the frames cannot recover (writeback in flight, pages
 * ever dirtied or written): kept as pages change state, like the kernel's vm_node_stat.
 * Left out: the other state counters; /proc/meminfo reads the zone and the frames directly.
 */
#ifndef MMLAB_PHYS_VMSTAT_H
#define MMLAB_PHYS_VMSTAT_H

#include <pthread.h>

enum vm_event_item {
	PGALLOC_NORMAL,		/* Frames handed out by the buddy allocator (order-0 units) */
	PGFREE,			/* Frames returned to it */
	PGFAULT,		/* Page faults taken */
	PGMAJFAULT,		/* Faults that needed I/O */
	PSWPIN,			/* Pages read from swap */
	PSWPOUT,		/* Pages written to swap */
	NR_TLB_REMOTE_FLUSH,	/* Flushes of another CPU context's TLB */
	NR_TLB_LOCAL_FLUSH_ALL, /* Full flushes of one TLB */
	NR_TLB_LOCAL_FLUSH_ONE, /* Single-page flushes */
	PGREUSE,		/* Write faults that reused the page instead of copying it */
	VMACACHE_FIND_CALLS,	/* Per-thread VMA cache lookups (Linux < 6.1, DEBUG_VM_VMACACHE) */
	VMACACHE_FIND_HITS,	/* ... that found the VMA */
	/* LRU and reclaim (mm/swap.c, mm/vmscan.c), in pages */
	ALLOCSTALL_NORMAL,	/* Allocations that entered direct reclaim */
	PGACTIVATE,		/* Pages moved to an active list */
	PGDEACTIVATE,		/* Pages moved to an inactive list */
	PGLAZYFREE,		/* Pages MADV_FREE made lazily freeable */
	PGLAZYFREED,		/* Lazily freeable pages reclaim dropped */
	PGREFILL,		/* Active pages scanned by shrink_active_list */
	PGSTEAL_KSWAPD,		/* Pages kswapd reclaimed */
	PGSTEAL_DIRECT,		/* Pages direct reclaim reclaimed */
	PGSCAN_KSWAPD,		/* Inactive pages kswapd scanned */
	PGSCAN_DIRECT,		/* Inactive pages direct reclaim scanned */
	PGSCAN_ANON,		/* ... of them anonymous */
	PGSCAN_FILE,		/* ... of them file */
	PGSTEAL_ANON,		/* Reclaimed pages that were anonymous */
	PGSTEAL_FILE,		/* ... file */
	PAGEOUTRUN,		/* kswapd runs (balance_pgdat) */
	PGROTATED,		/* Pages rotated to the inactive tail after writeback */
	OOM_KILL,		/* Processes the OOM killer killed */
	UNEVICTABLE_PGCULLED,	/* Pages moved to the unevictable list */
	UNEVICTABLE_PGSCANNED,	/* Pages an unlocked mapping's scan looked at (SHM_UNLOCK) */
	UNEVICTABLE_PGRESCUED,	/* Pages moved back to an evictable list */
	UNEVICTABLE_PGMLOCKED,	/* Pages mlocked */
	UNEVICTABLE_PGMUNLOCKED, /* Pages munlocked */
	UNEVICTABLE_PGCLEARED,	/* Pages freed while still mlocked */
	UNEVICTABLE_PGSTRANDED,	/* Pages munlocked while isolated on the unevictable list */
	/* mmlab's own counters: no /proc/vmstat line on Linux carries them. */
	NR_VM_KERNEL_EVENT_ITEMS,
	COW_FAULT = NR_VM_KERNEL_EVENT_ITEMS, /* Write faults that copied a page (wp_page_copy) */
	ZERO_PAGE_FAULT,	/* Read faults that mapped the shared zero page */
	MINOR_FAULT,		/* User faults resolved without I/O (PSI's work time, psi.c) */
	NR_VM_EVENT_ITEMS,
};

/* Node state counters (include/linux/mmzone.h's node_stat_item), in pages. */
enum node_stat_item {
	NR_LRU_BASE,
	NR_INACTIVE_ANON = NR_LRU_BASE, /* Pages on each LRU list (enum lru_list order) */
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_ISOLATED_ANON,	/* Taken off the lists by reclaim for a while */
	NR_ISOLATED_FILE,
	WORKINGSET_NODES,	/* Cache xarray nodes holding only shadow entries (counted, not
				 * pages) */
	WORKINGSET_REFAULT_ANON, /* Evicted pages faulted back in (shadow entry found) */
	WORKINGSET_REFAULT_FILE,
	WORKINGSET_ACTIVATE_ANON, /* ... refaulting within the workingset: activated */
	WORKINGSET_ACTIVATE_FILE,
	WORKINGSET_RESTORE_ANON, /* ... that were active when evicted */
	WORKINGSET_RESTORE_FILE,
	NR_MLOCK,		/* Mlocked pages (a zone counter in Linux) */
	NR_FILE_PAGES,		/* Pages in a page cache (shmem included) */
	NR_FILE_DIRTY,		/* Dirty page-cache pages that writeback can clean */
	NR_WRITEBACK,		/* Pages being written back */
	NR_DIRTIED,		/* Pages ever dirtied (monotonic) */
	NR_WRITTEN,		/* Pages ever written back (monotonic) */
	NR_VMSCAN_IMMEDIATE,	/* Dirty file pages reclaim left to writeback, marked PG_reclaim
				 * to be freed first once clean (monotonic) */
	NR_SWAPCACHE,		/* Pages in a swap cache (swap_state.c) */
	NR_VM_NODE_STAT_ITEMS,
};

extern const char *const vmstat_text[NR_VM_EVENT_ITEMS];

/*
 * A batch of pages waiting for the LRU lock (include/linux/pagevec.h's folio_batch), each
 * holding a reference. The size is Linux's PAGEVEC_SIZE.
 */
#define FOLIO_BATCH_SIZE 31
struct page;
struct folio_batch {
	unsigned int nr;			/* Pages in @pages */
	struct page *pages[FOLIO_BATCH_SIZE];
};

/*
 * The per-CPU LRU batches of mm/swap.c (struct cpu_fbatches): pages added to the LRU, pages
 * to activate, pages to deactivate (MADV_COLD), pages to make lazily freeable (MADV_FREE);
 * and mm/mlock.c's, pages to move to or from the unevictable list.
 * Like the event counts, they are per host thread here and only their owner touches them.
 */
struct cpu_fbatches {
	struct folio_batch lru_add;
	struct folio_batch lru_activate;
	struct folio_batch lru_deactivate;
	struct folio_batch lru_lazyfree;
	struct folio_batch mlock;	/* mm/mlock.c's mlock_fbatch: pages to mlock or munlock,
					 * in order (an entry's low bit: munlock) */
};

/* One host thread's counts for one node (Linux's per-CPU struct vm_event_state). */
struct vm_event_state {
	unsigned long event[NR_VM_EVENT_ITEMS]; /* Written by the owner only; relaxed atomics */
	struct cpu_fbatches fbatches;		/* The owner's LRU batches (lru.c); owner only */
	const void *owner;			/* The owner's vm_event_cache (a per-thread address) */
	struct vm_event_state *next;		/* The node's next set */
};

/* A node's counters: every thread's set, and one shared set for threads that have none. */
struct vm_events {
	pthread_mutex_t lock;		/* Protects the list of sets (not the counts) */
	struct vm_event_state *states;	/* Every thread's set, newest first; freed with the node */
	unsigned long id;		/* Unique over the process's life; 0 before vm_events_init */
	unsigned long shared[NR_VM_EVENT_ITEMS]; /* Atomic adds, when a set could not be had */
};

/*
 * The set the calling thread used last, and the node it belongs to: a thread counting on one
 * machine finds its set with one compare. Initial-exec TLS, as the maple tree's seams.
 */
struct vm_event_cache {
	unsigned long id;		/* vm_events.id of the node of @state */
	struct vm_event_state *state;	/* The thread's set there; NULL: use the shared set */
};

extern __thread struct vm_event_cache vm_event_cache __attribute__((tls_model("initial-exec")));

/* vmstat.c */
struct vm_event_state *vm_event_state_get(struct vm_events *ev);
void vm_events_init(struct vm_events *ev);
void vm_events_destroy(struct vm_events *ev);
unsigned long sum_vm_event(struct vm_events *ev, enum vm_event_item item);

/*
 * count_vm_events - add @n to @item (count_vm_events/__count_vm_events): the owner's plain
 * add to its own set, or an atomic add to the shared one.
 * Context: any; the counts are exact once the counting threads are done.
 */
static inline void count_vm_events_in(struct vm_events *ev, enum vm_event_item item,
				      unsigned long n)
{
	struct vm_event_state *s = vm_event_cache.state;

	if (__builtin_expect(vm_event_cache.id != ev->id, 0))
		s = vm_event_state_get(ev);
	if (__builtin_expect(!s, 0)) {
		__atomic_add_fetch(&ev->shared[item], n, __ATOMIC_RELAXED);
		return;
	}
	__atomic_store_n(&s->event[item], __atomic_load_n(&s->event[item], __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

#endif /* MMLAB_PHYS_VMSTAT_H */
