/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Swap (include/linux/swap.h, swapops.h and mm/swap.h): the swap entry and its encoding in a
 * non-present PTE, the swap areas (struct swap_info_struct, swapfile.c) with their swap_map
 * slot counts with their continuations, the swap cache (an xarray per area, swap_state.c),
 * the I/O (page_io.c) and
 * the entry points reclaim and MADV_PAGEOUT call to evict one anonymous page.
 *
 * A swap area is a host file the embedder attaches to the machine under a name (the path
 * a scenario's swapon(2) gives); swapon reads its mkswap header and makes its slots usable.
 * Slot 0 holds the header. Each slot's swap_map count is the number of swap PTEs naming it,
 * plus SWAP_HAS_CACHE while the swap cache holds a page for it; a count past SWAP_MAP_MAX
 * goes on in continuation pages, as Linux chains them (add_swap_count_continuation).
 *
 * Locking: one mutex per machine, swap_lock (struct swap_state), guards every area's
 * swap_map, counters and swap cache, the node's count of free slots (pgdat.nr_swap_pages),
 * the writes in flight, and the list of mms that hold swap entries (Linux: swap_lock,
 * si->lock, the cluster locks, the swap cache's xa_lock and mmlist_lock). Slot I/O is done
 * with it held: a page is read into the swap cache and becomes visible there in one step,
 * so nobody sees a page whose read is still going (Linux locks the folio).
 *
 * Writes are asynchronous as on a disk (page_io.c): a page written stays in the swap cache
 * under writeback until the write ends, at the next reclaim pass, and that pass or a later
 * one frees it; meanwhile SwapCached counts it and a fault finds it (a minor fault). A pass
 * of reclaim plugs its writes: pages whose slots follow each other go out as one host write.
 *
 * Left out: swap on block devices, clusters and per-CPU slot caches (slots are handed out
 * next-fit from a cursor), discard, frontswap/zswap, swap cgroups, large folios; the
 * continuation pages come from the host's heap, not from the machine's RAM as Linux's
 * alloc_page does. shmem's side of swap is shmem.c's.
 */
#ifndef MMLAB_MM_SWAP_H
#define MMLAB_MM_SWAP_H

#include "lib/xarray.h"
#include "mm/memory.h"
#include "phys/lru.h"

#include <pthread.h>

/*
 * Swap types a PTE can name: the five type bits of a software entry less the special types
 * above them (device-private 4, migration 3, the PTE marker 1, no hwpoison: the host kernel
 * is built without CONFIG_MEMORY_FAILURE), as include/linux/swap.h computes MAX_SWAPFILES.
 */
#define MAX_SWAPFILES 24

/* swapon(2)'s flags (include/linux/swap.h). */
#define SWAP_FLAG_PREFER 0x8000
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_DISCARD 0x10000
#define SWAP_FLAG_DISCARD_ONCE 0x20000
#define SWAP_FLAG_DISCARD_PAGES 0x40000
#define SWAP_FLAGS_VALID (SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | \
			  SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES)

/*
 * swap_map values (include/linux/swap.h): one byte per slot. Its low six bits count the swap
 * PTEs naming the slot, up to SWAP_MAP_MAX; SWAP_HAS_CACHE says the swap cache holds a page
 * for it; COUNT_CONTINUED says the count goes on in continuation digits. A count past
 * SWAP_MAP_MAX is a number whose lowest digit (base SWAP_MAP_MAX + 1) is in the swap_map
 * byte and whose higher digits (base SWAP_CONT_MAX + 1) are in the slot's bytes of the
 * continuation pages, one page per digit for each page of swap_map (Linux's
 * add_swap_count_continuation); in each byte COUNT_CONTINUED says a higher digit is not 0.
 */
#define SWAP_HAS_CACHE 0x40
#define COUNT_CONTINUED 0x80
#define SWAP_MAP_MAX 0x3e		/* The most the swap_map byte counts alone */
#define SWAP_MAP_BAD 0x3f		/* A slot never handed out (the header) */
#define SWAP_CONT_MAX 0x7f		/* The most a continuation byte counts */
#define SWAP_CONT_SPAN PAGE_SIZE	/* Slots one continuation page covers */
#define SWAP_CONT_LEVELS 8		/* Continuation digits a slot may use: counts to 63 x 128^8 */

/* The continuation pages of SWAP_CONT_SPAN slots: digit i of slot s at digits[i][s]. */
struct swap_cont {
	unsigned int levels;		/* Digits (pages) allocated */
	unsigned char *digits[SWAP_CONT_LEVELS];
};

/* swap_count: the byte's PTE count part (nonzero: some PTE names the slot). */
static inline unsigned char swap_count(unsigned char ent)
{
	return ent & (unsigned char)~SWAP_HAS_CACHE;
}

/* swap_info_struct.flags */
#define SWP_USED (1UL << 0)		/* Attached: the slot of swap_state.info is taken */
#define SWP_WRITEOK (1UL << 1)		/* Active: swapon succeeded, slots may be allocated */

/* The mkswap header in slot 0 (include/linux/swap.h's union swap_header, version 1). */
#define SWAP_HEADER_MAGIC "SWAPSPACE2"
#define SWAP_HEADER_VERSION_OFF 1024	/* info.version after 1024 boot bytes */
#define SWAP_HEADER_LAST_PAGE_OFF 1028	/* info.last_page: the last usable slot */
#define SWAP_HEADER_BADPAGES_OFF 1032	/* info.nr_badpages */
#define SWAP_HEADER_UUID_OFF 1036	/* info.sws_uuid[16] */

/* A swap entry: type and offset (include/linux/swapops.h's swp_entry_t). 0 is no entry. */
typedef struct {
	unsigned long val;
} swp_entry_t;

#define SWP_OFFSET_BITS 50UL

static inline swp_entry_t swp_entry(unsigned long type, pgoff_t offset)
{
	return (swp_entry_t){ .val = (type << SWP_OFFSET_BITS) | offset };
}
static inline unsigned long swp_type(swp_entry_t entry)
{
	return entry.val >> SWP_OFFSET_BITS;
}
static inline pgoff_t swp_offset(swp_entry_t entry)
{
	return entry.val & ((1UL << SWP_OFFSET_BITS) - 1);
}

/*
 * The PTE bits a swap entry keeps beside type and offset (x86_64's _PAGE_SWP_*): the
 * exclusive bit says the page was PG_anon_exclusive when it was unmapped, so the fault that
 * brings it back may reuse it writable; the soft-dirty bit survives the trip.
 */
#define _PAGE_SWP_EXCLUSIVE _PAGE_PSE
#define _PAGE_SWP_SOFT_DIRTY _PAGE_RW

static inline pte_t swp_entry_to_pte(swp_entry_t entry)
{
	return ((pte_t)swp_type(entry) << SWP_TYPE_SHIFT) |
	       ((pte_t)swp_offset(entry) << SWP_OFFSET_SHIFT);
}
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry(pte_swp_type(pte), pte_swp_offset(pte));
}
/* A software entry that names a swap slot: not a marker or another special type. */
static inline bool is_swap_entry_pte(pte_t pte)
{
	return is_swap_pte(pte) && pte_swp_type(pte) < MAX_SWAPFILES;
}
static inline bool pte_swp_exclusive(pte_t pte)
{
	return pte & _PAGE_SWP_EXCLUSIVE;
}

/* The page's swap entry while it is in the swap cache (folio->swap). */
static inline swp_entry_t page_swap_entry(const struct page *page)
{
	return (swp_entry_t){ .val = page->private };
}

/* One swap area (struct swap_info_struct). Every field under swap_state.lock. */
struct swap_info_struct {
	unsigned long flags;		/* SWP_USED, SWP_WRITEOK */
	int type;			/* Index in swap_state.info: the type entries carry */
	short prio;			/* Allocation order: higher first (/proc/swaps Priority) */
	char *name;			/* What swapon/swapoff and /proc/swaps name it by */
	int fd;				/* The host file, read and written with pread/pwrite */
	bool owns_fd;			/* Closed when the machine goes */
	unsigned long max;		/* Slots, the header's included (last_page + 1) */
	unsigned long pages;		/* Usable slots: max - 1 */
	unsigned long inuse_pages;	/* Slots with a non-zero swap_map */
	unsigned long cluster_next;	/* Where the next-fit search for a free slot starts */
	unsigned char *swap_map;	/* Per slot: PTE count | SWAP_HAS_CACHE | COUNT_CONTINUED;
					 * NULL when off */
	struct swap_cont **cont;	/* Per SWAP_CONT_SPAN slots: its count continuation, or
					 * NULL; kept until swapoff, as Linux keeps the pages */
	struct xarray cache;		/* The swap cache: offset -> struct page */
	unsigned long nr_cached;	/* Pages in cache */
	bool rotational;		/* Its host file is on a rotational disk (!SWP_SOLIDSTATE) */
};

/* A machine's swap (Linux's globals of swapfile.c and swap_state.c). */
struct swap_state {
	pthread_mutex_t lock;		/* swap_lock: everything below and every area's fields */
	struct swap_info_struct *info[MAX_SWAPFILES]; /* Attached areas by type; NULL: free */
	int least_priority;		/* The priority the next swapon without one gets, + 1 */
	long total_swap_pages;		/* Usable slots in active areas */
	struct list_head mmlist;	/* mms that have held swap entries (init_mm.mmlist) */
	unsigned int page_cluster;	/* vm.page-cluster: readahead of up to 2^N slots */
	unsigned long ra_prev_offset;	/* swapin_nr_pages' memory: the last miss's slot */
	unsigned int ra_last_pages;	/* The last window, in pages */
	unsigned int ra_hits;		/* Readahead pages found by faults since the last miss */
	unsigned int nr_rotate_swap;	/* Active areas on rotational disks: while there is one,
					 * readahead is by slot cluster, else by VMA */
	struct page **wb_inflight;	/* Pages whose write was submitted and has not ended
					 * (PG_writeback): the bios in flight, oldest first */
	unsigned long nr_wb_inflight;	/* Entries of wb_inflight */
	unsigned long wb_inflight_cap;	/* Its allocated length */
};

/*
 * struct swap_iocb - the writes of a run of slots of one area gathered into one host write
 * (mm/page_io.c's swap_iocb, as Linux builds one for a swap file): a pass of reclaim plugs
 * one (swap_start_plug), swap_writepage adds each page whose slot follows the run's last, and
 * the run goes out as one pwritev when the next page's slot does not follow, when it holds
 * SWAP_CLUSTER_MAX pages, or when the pass unplugs (swap_finish_plug). Lives on the stack of
 * the pass that plugged, for its thread only.
 */
struct swap_iocb {
	struct machine *m;		/* The area's machine; set with the run's first page */
	swp_entry_t first;		/* The run's first slot */
	unsigned int nr;		/* Pages in the run; 0: empty */
	bool plugged;			/* This iocb is its thread's plug (not a nested one) */
	struct page *pages[SWAP_CLUSTER_MAX]; /* Under writeback, their data still unwritten */
};

struct machine;

/* swapfile.c */
int __must_check swap_init(struct machine *m);
void swap_exit(struct machine *m);
struct machine *page_machine(const struct page *page);
struct swap_info_struct *swp_swap_info(struct machine *m, swp_entry_t entry);
swp_entry_t get_swap_page(struct machine *m);
int __must_check swap_duplicate(struct machine *m, swp_entry_t entry);
void swap_free(struct machine *m, swp_entry_t entry);
void put_swap_page(struct machine *m, swp_entry_t entry);
void free_swap_and_cache(struct machine *m, swp_entry_t entry);
unsigned long swp_swapcount(struct machine *m, swp_entry_t entry);
bool vm_swap_full(struct machine *m);
void si_swapinfo(struct machine *m, unsigned long *total, unsigned long *free);
void swap_mm_register(struct mm_struct *mm);
void swap_mm_unregister(struct mm_struct *mm);
long sys_swapon(struct task *tsk, const char *name, int flags);
int swap_sysctl(struct machine *m, const char *name, const uint64_t *new_val, uint64_t *old_val);
long sys_swapoff(struct task *tsk, const char *name);

/* swap_state.c */
struct page *lookup_swap_cache(struct machine *m, swp_entry_t entry,
			       struct vm_area_struct *vma, unsigned long addr);
bool swap_cache_uptodate(struct machine *m, swp_entry_t entry);
struct page *swapin_readahead(struct machine *m, swp_entry_t entry, struct vm_fault *vmf,
			      bool *major);
bool add_to_swap(struct page *page);
void delete_from_swap_cache(struct page *page);
void __delete_from_swap_cache(struct machine *m, struct page *page, unsigned long shadow);
struct page *swap_cache_page(struct swap_info_struct *si, pgoff_t off);
void clear_shadow_from_swap_cache(struct machine *m, struct swap_info_struct *si, pgoff_t off);
void swap_cache_clear_shadows(struct machine *m, struct swap_info_struct *si);
bool try_to_free_swap(struct machine *m, struct page *page);
pte_t swap_anon_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		    void *arg);
unsigned long swap_out_page(struct page *page, struct mm_struct *locked_mm);
unsigned long swap_cache_pages(struct machine *m);

/* page_io.c */
int swap_write_slot(struct machine *m, swp_entry_t entry, struct page *page);
int swap_writepage(struct page *page);
void swap_start_plug(struct swap_iocb *plug);
void swap_finish_plug(struct swap_iocb *plug);
void swap_io_complete(struct machine *m);
int __must_check swap_readpage(struct machine *m, struct page *page, swp_entry_t entry);
int __must_check swap_readpages(struct machine *m, struct page *const *pages, unsigned int nr,
				swp_entry_t first);
int __must_check swap_write_header(int fd, uint64_t bytes);

/* memory.c: the swap-in fault and swapoff's re-mapping of one entry */
vm_fault_t do_swap_page(struct vm_fault *vmf);
int unuse_pte(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page);

#endif /* MMLAB_MM_SWAP_H */
