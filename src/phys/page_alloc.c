// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The buddy allocator (mm/page_alloc.c): free frames are kept in blocks of 2^order pages,
 * order 0 to MAX_PAGE_ORDER, one free list per order. Allocation takes the smallest block that
 * fits and splits it, putting the upper halves back (expand()); freeing merges a block with its
 * buddy, the block whose pfn differs only in bit `order`, for as long as that buddy is free
 * and whole (__free_one_page()). It also sets the node up at boot (memblock_free_all's role:
 * every frame handed to the free lists) and takes out the shared zero page (Linux's
 * empty_zero_page of arch/x86/kernel/head_64.S, here an ordinary reserved frame).
 *
 * Watermarks (setup_per_zone_wmarks, from vm.min_free_kbytes as calculate_min_free_kbytes
 * derives it from RAM, and vm.watermark_scale_factor): the fast path hands out a page while
 * free pages stay above low; below it the slow path wakes kswapd and serves down to min; below
 * min, a caller that may reclaim (MEMALLOC_RECLAIM) reclaims directly and retries while that
 * makes progress, and gives up (__alloc_pages_slowpath returns NULL: the OOM point) when it
 * does not. Neither runs inside the allocator when the caller holds address-space locks,
 * which reclaim needs to unmap pages (this mm's page-table lock, other mms' mmap_lock), so:
 *  - kswapd is a synchronous step, run at the next safe point (kswapd_run_pending: the start
 *    of a page fault, the end of a read(); no lock held and the CPU out of user mode, since
 *    reclaim flushes TLBs) by the thread that gets there first; a real thread
 *    would make every run's reclaim depend on the host's scheduling, and the tests compare
 *    exact counts;
 *  - a fault (MEMALLOC_FAULT) fails at min with VM_FAULT_OOM, and the fault path reclaims
 *    directly with its locks dropped, then retries (fault.c), as Linux's direct reclaim in
 *    the allocation would have before the page-table lock is taken;
 *  - other callers holding locks (system calls populating or copying) are served below min
 *    down to the last page, as the kernel's atomic reserves are, and fail only when none is
 *    left.
 * Left out: per-CPU page lists, migrate types, GFP flags beyond the two contexts above,
 * compaction, the lowmem reserve and watermark boosting.
 */
#include "phys/lru.h"
#include "host/host.h"

#include <string.h>

const char *const vmstat_text[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGFREE] = "pgfree",
	[PGFAULT] = "pgfault",
	[PGMAJFAULT] = "pgmajfault",
	[PSWPIN] = "pswpin",
	[PSWPOUT] = "pswpout",
	[NR_TLB_REMOTE_FLUSH] = "nr_tlb_remote_flush",
	[NR_TLB_LOCAL_FLUSH_ALL] = "nr_tlb_local_flush_all",
	[NR_TLB_LOCAL_FLUSH_ONE] = "nr_tlb_local_flush_one",
	[PGREUSE] = "pgreuse",
	[VMACACHE_FIND_CALLS] = "vmacache_find_calls",
	[VMACACHE_FIND_HITS] = "vmacache_find_hits",
	[ALLOCSTALL_NORMAL] = "allocstall_normal",
	[PGACTIVATE] = "pgactivate",
	[PGDEACTIVATE] = "pgdeactivate",
	[PGLAZYFREE] = "pglazyfree",
	[PGLAZYFREED] = "pglazyfreed",
	[PGREFILL] = "pgrefill",
	[PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[PGSTEAL_DIRECT] = "pgsteal_direct",
	[PGSCAN_KSWAPD] = "pgscan_kswapd",
	[PGSCAN_DIRECT] = "pgscan_direct",
	[PGSCAN_ANON] = "pgscan_anon",
	[PGSCAN_FILE] = "pgscan_file",
	[PGSTEAL_ANON] = "pgsteal_anon",
	[PGSTEAL_FILE] = "pgsteal_file",
	[PAGEOUTRUN] = "pageoutrun",
	[PGROTATED] = "pgrotated",
	[OOM_KILL] = "oom_kill",
	[UNEVICTABLE_PGCULLED] = "unevictable_pgs_culled",
	[UNEVICTABLE_PGSCANNED] = "unevictable_pgs_scanned",
	[UNEVICTABLE_PGRESCUED] = "unevictable_pgs_rescued",
	[UNEVICTABLE_PGMLOCKED] = "unevictable_pgs_mlocked",
	[UNEVICTABLE_PGMUNLOCKED] = "unevictable_pgs_munlocked",
	[UNEVICTABLE_PGCLEARED] = "unevictable_pgs_cleared",
	[UNEVICTABLE_PGSTRANDED] = "unevictable_pgs_stranded",
	[COW_FAULT] = "mmlab_cow_fault",
	[ZERO_PAGE_FAULT] = "mmlab_zero_page_fault",
	[MINOR_FAULT] = "mmlab_minor_fault",
};

static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page->private;
}

/*
 * PG_buddy comes and goes with plain stores (as Linux's __SetPageBuddy, a page type): a free
 * block's head belongs to the zone lock's holder alone, and no locked instruction is needed.
 */
static void add_to_free_list(struct zone *zone, struct page *page, unsigned int order)
{
	page->private = order;
	__SetPageBuddy(page);
	list_add(&page->buddy_list, &zone->free_area[order].free_list);
	zone->free_area[order].nr_free++;
}

static void del_from_free_list(struct zone *zone, struct page *page, unsigned int order)
{
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	page->private = 0;
	zone->free_area[order].nr_free--;
}

/*
 * The buddy of the block at @pfn of @order, when it is itself a free block of the same order
 * inside RAM; NULL otherwise. A buddy that is free but split smaller, or merged into a larger
 * block of which it is not the head, is not PG_buddy at that order and so is not taken.
 */
static struct page *find_free_buddy(struct pglist_data *pgdat, unsigned long pfn,
				    unsigned int order)
{
	unsigned long buddy_pfn = pfn ^ (1UL << order);
	struct page *buddy;

	if (!pfn_valid(pgdat, buddy_pfn) || buddy_pfn + (1UL << order) > pgdat->nr_frames)
		return NULL;
	buddy = pfn_to_page(pgdat, buddy_pfn);
	if (!PageBuddy(buddy) || buddy_order(buddy) != order)
		return NULL;
	return buddy;
}

static void __free_one_page(struct pglist_data *pgdat, unsigned long pfn, unsigned int order)
{
	struct zone *zone = &pgdat->zone;
	struct page *buddy;

	/* read without the lock by the watermark checks: one untorn store */
	WRITE_ONCE(zone->nr_free_pages, zone->nr_free_pages + (1UL << order));
	while (order < MAX_PAGE_ORDER) {
		buddy = find_free_buddy(pgdat, pfn, order);
		if (!buddy)
			break;
		del_from_free_list(zone, buddy, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_to_free_list(zone, pfn_to_page(pgdat, pfn), order);
}

/*
 * expand - give back the upper halves of a block of @high order, keeping the low 2^@low pages.
 * Each step halves the block: the upper half goes on the free list of the order below.
 */
static void expand(struct pglist_data *pgdat, unsigned long pfn, unsigned int low,
		   unsigned int high)
{
	while (high > low) {
		high--;
		add_to_free_list(&pgdat->zone, pfn_to_page(pgdat, pfn + (1UL << high)), high);
	}
}

static bool should_fail_alloc(struct pglist_data *pgdat)
{
	if (!pgdat->alloc_fail_after)
		return false;
	return --pgdat->alloc_fail_after == 0;
}

/*
 * __rmqueue_smallest - take the smallest free block of at least 2^@order frames off its list
 * and split it down to @order. Context: zone lock held. Return: the block's head, or NULL.
 */
static __always_inline struct page *__rmqueue_smallest(struct pglist_data *pgdat,
							unsigned int order)
{
	struct zone *zone = &pgdat->zone;

	for (unsigned int o = order; o <= MAX_PAGE_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, buddy_list);
		del_from_free_list(zone, page, o);
		expand(pgdat, page_to_pfn(pgdat, page), order, o);
		WRITE_ONCE(zone->nr_free_pages, zone->nr_free_pages - (1UL << order));
		return page;
	}
	return NULL;
}

/*
 * prep_new_page - set up the pages of a block just taken: the head with a reference count of
 * one, no flags and an unmapped map count, the tails pointing to it.
 */
static __always_inline void prep_new_page(struct pglist_data *pgdat, struct page *page,
					  unsigned int order)
{
	VM_BUG_ON(page->flags || page_ref_count(page));
	for (unsigned long i = 1; i < (1UL << order); i++) {
		page[i].flags = 1UL << PG_tail;
		page[i].private = page_to_pfn(pgdat, page);
	}
	page->_refcount = 1;
	page->_mapcount = -1;
	page->mapping = NULL;
	page->index = 0;
}

/*
 * rmqueue - a block of 2^@order frames off the free lists, set up (prep_new_page). Inline in
 * alloc_pages' fast path: one call from the fault to the frame. Uncounted: alloc_pages()
 * counts, the zero page's boot-time allocation does not.
 */
static __always_inline struct page *rmqueue(struct pglist_data *pgdat, unsigned int order)
{
	struct zone *zone = &pgdat->zone;
	struct page *page = NULL;

	spin_lock(&zone->lock);
	if (!should_fail_alloc(pgdat))
		page = __rmqueue_smallest(pgdat, order);
	spin_unlock(&zone->lock);
	if (page)
		prep_new_page(pgdat, page, order);
	return page;
}

__thread unsigned int memalloc_flags __attribute__((tls_model("initial-exec")));

/**
 * zone_watermark_ok - whether 2^@order pages can be taken from @z leaving @mark free pages
 * (__zone_watermark_ok without the per-order check and reserves).
 * Context: any; reads the free count without the zone lock.
 */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark)
{
	unsigned long free = zone_page_state_free(z);

	return free >= (1UL << order) && free - (1UL << order) >= mark;
}

/*
 * int_sqrt for calculate_min_free_kbytes: the largest r with r * r <= x.
 */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/**
 * setup_per_zone_wmarks - the zone's min, low and high watermarks. @min_free_kbytes 0 takes
 * the kernel's boot value for this RAM (calculate_min_free_kbytes: sqrt(16 x RAM in kB),
 * within [128 kB, 256 MiB]); low and high are min plus one and two steps of the larger of a
 * quarter of min and @watermark_scale_factor ten-thousandths of RAM (0 means 10, Linux's
 * default). The pure modes (--lru lru|clock) have no watermarks: they evict only when no
 * frame is left.
 * Context: at creation, before the node is used.
 */
void setup_per_zone_wmarks(struct pglist_data *pgdat, unsigned long min_free_kbytes,
			   unsigned int watermark_scale_factor)
{
	struct zone *z = &pgdat->zone;
	unsigned long managed = z->managed_pages, min, step;

	if (!min_free_kbytes) {
		min_free_kbytes = int_sqrt((managed << (PAGE_SHIFT - 10)) * 16);
		min_free_kbytes = min(max(min_free_kbytes, 128UL), 262144UL);
	}
	if (!watermark_scale_factor)
		watermark_scale_factor = 10;
	pgdat->min_free_kbytes = min_free_kbytes;
	pgdat->watermark_scale_factor = watermark_scale_factor;
	min = min_free_kbytes >> (PAGE_SHIFT - 10);
	/* a machine of a few pages keeps most of them usable */
	min = min(min, managed / 4);
	step = max(min / 4, managed * watermark_scale_factor / 10000);
	if (pgdat->lru_mode >= LRU_MODE_LRU)
		min = step = 0;
	z->_watermark[WMARK_MIN] = min;
	z->_watermark[WMARK_LOW] = min + step;
	z->_watermark[WMARK_HIGH] = min + 2 * step;
}

/**
 * wakeup_kswapd - free pages fell below the low watermark: kswapd runs at the next safe point.
 * Context: any.
 */
void wakeup_kswapd(struct pglist_data *pgdat)
{
	if (pgdat->reclaim && !__atomic_load_n(&pgdat->kswapd_woken, __ATOMIC_RELAXED))
		__atomic_store_n(&pgdat->kswapd_woken, true, __ATOMIC_RELAXED);
}

/* kswapd_run_pending's run, once it found kswapd woken. Context: no locks held. */
void __kswapd_run_pending(struct pglist_data *pgdat)
{
	if (__atomic_exchange_n(&pgdat->kswapd_running, true, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&pgdat->kswapd_woken, false, __ATOMIC_RELAXED);
	(void)pgdat->reclaim->kswapd(pgdat);
	__atomic_store_n(&pgdat->kswapd_running, false, __ATOMIC_RELEASE);
}

/**
 * direct_reclaim - reclaim for an allocation of @order in the calling thread (the part of
 * __alloc_pages_direct_reclaim the mm layer does), counted as an allocation stall.
 * Context: no locks held (reclaim takes address-space and page-cache locks).
 * Return: pages reclaimed; 0 when there is no reclaim or nothing could be reclaimed.
 */
unsigned long direct_reclaim(struct pglist_data *pgdat, unsigned int order)
{
	if (!pgdat->reclaim)
		return 0;
	count_vm_event(pgdat, ALLOCSTALL_NORMAL);
	return pgdat->reclaim->try_to_free_pages(pgdat, order);
}

/*
 * __alloc_pages_slowpath - free pages are below the low watermark: wake kswapd and serve down
 * to min; then what the caller's context allows (see the head of this file). This is where
 * an allocation gives up: NULL after reclaim made no progress (or the caller reclaims and
 * retries itself), which the caller reports as -ENOMEM or VM_FAULT_OOM.
 */
static __attribute__((noinline)) struct page *__alloc_pages_slowpath(struct pglist_data *pgdat,
								     unsigned int order)
{
	struct zone *z = &pgdat->zone;
	unsigned long did_some_progress;
	struct page *page;

	wakeup_kswapd(pgdat);
	if (zone_watermark_ok(z, order, min_wmark_pages(z)))
		return rmqueue(pgdat, order);
	if (memalloc_flags & MEMALLOC_FAULT) {
		/* the fault path reclaims with its locks dropped and retries */
		memalloc_flags |= MEMALLOC_STALLED;
		return NULL;
	}
	if (!(memalloc_flags & MEMALLOC_RECLAIM))
		return rmqueue(pgdat, order);	/* the reserve below min */
	do {
		did_some_progress = direct_reclaim(pgdat, order);
		if (zone_watermark_ok(z, order, min_wmark_pages(z))) {
			page = rmqueue(pgdat, order);
			if (page)
				return page;
		}
	} while (did_some_progress);
	return NULL;
}

/**
 * alloc_pages - allocate 2^@order physically contiguous frames.
 * @pgdat: the node
 * @order: 0..MAX_PAGE_ORDER
 *
 * The head page comes back with a reference count of one, no flags and an unmapped map count;
 * the frames' contents are whatever they held before.
 * Below the low watermark the slow path wakes kswapd and may reclaim (see above).
 * Context: takes the zone lock; reclaims only in a MEMALLOC_RECLAIM context.
 * Return: the head page, or NULL when no block is large enough, reclaim could not make room,
 * or @order is out of range.
 */
struct page *alloc_pages(struct pglist_data *pgdat, unsigned int order)
{
	struct page *page;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	if (unlikely(!zone_watermark_ok(&pgdat->zone, order, low_wmark_pages(&pgdat->zone))))
		page = __alloc_pages_slowpath(pgdat, order);
	else if (likely(!order))
		page = rmqueue(pgdat, 0); /* a fault's frame: its own copy, the order folded in */
	else
		page = rmqueue(pgdat, order);
	if (page)
		count_vm_events(pgdat, PGALLOC_NORMAL, 1UL << order);
	return page;
}

/**
 * __free_pages - return a block from alloc_pages() to the allocator.
 * @page: head page of the block; its reference count must already be zero or one
 * @order: the order it was allocated with
 *
 * Context: takes the zone lock.
 */
void __free_pages(struct pglist_data *pgdat, struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(pgdat, page);

	VM_BUG_ON(order > MAX_PAGE_ORDER || !pfn_valid(pgdat, pfn));
	VM_BUG_ON(PageReserved(page) || PageBuddy(page) || PageTable(page) || PageLRU(page));
	VM_BUG_ON(page_ref_count(page) > 1 || page_mapcount(page) != 0);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		VM_BUG_ON(!PageTail(&page[i]) || page[i].private != pfn);
		page[i].flags = 0;
		page[i].private = 0;
	}
	/* Under the zone lock: merging buddies reads the flags of their neighbours. */
	spin_lock(&pgdat->zone.lock);
	page->flags = 0;
	page->_refcount = 0;
	page->mapping = NULL;
	__free_one_page(pgdat, pfn, order);
	spin_unlock(&pgdat->zone.lock);
	count_vm_events(pgdat, PGFREE, 1UL << order);
}

/*
 * clear_page - zero @len bytes of frames through the C library's memset. Kept out of line
 * with the length unknown to the caller: a memset of a constant PAGE_SIZE would be expanded
 * inline as `rep stosq`, which zeroes cold lines 20-30% slower than the library's vector
 * stores on the machine of the README's figures, and the library's memset is what the
 * benchmark's limit for a demand-zero fault measures.
 */
static __attribute__((noipa)) void clear_page(void *addr, size_t len)
{
	memset(addr, 0, len);
}

/* clear_highpage - fill the frame of the order-0 @page with zeroes. */
void clear_highpage(struct pglist_data *pgdat, struct page *page)
{
	clear_page(page_address(pgdat, page), PAGE_SIZE);
}

/* One frame filled with zeroes, as a new page table or a copy of the zero page needs it. */
struct page *alloc_zeroed_page(struct pglist_data *pgdat)
{
	struct page *page = alloc_pages(pgdat, 0);

	if (page)
		clear_highpage(pgdat, page);
	return page;
}

/**
 * put_page - drop a reference to an order-0 frame, freeing it with the last one.
 * Reserved frames (the zero page) keep the reference they were born with and are never freed.
 */
void put_page(struct pglist_data *pgdat, struct page *page)
{
	if (put_page_testzero(page)) {
		VM_BUG_ON(PageReserved(page));
		__page_cache_release(pgdat, page);
		page->_refcount = 1;
		__free_pages(pgdat, page, 0);
	}
}

/*
 * Hands every frame to the allocator in the largest naturally aligned blocks that fit, as
 * memblock_free_all() does at boot, then takes one frame out as the zero page.
 */
int pgdat_init_memory(struct pglist_data *pgdat, size_t ram_bytes)
{
	unsigned long pfn, nr;
	unsigned int o;

	if (ram_bytes < 16 * PAGE_SIZE || ram_bytes % PAGE_SIZE)
		return -EINVAL;
	nr = ram_bytes >> PAGE_SHIFT;
	pgdat->ram = host_reserve(ram_bytes);
	if (!pgdat->ram)
		return -ENOMEM;
	pgdat->mem_map = host_reserve(ALIGN(nr * sizeof(struct page), PAGE_SIZE));
	if (!pgdat->mem_map) {
		host_release(pgdat->ram, ram_bytes);
		pgdat->ram = NULL;
		return -ENOMEM;
	}
	pgdat->ram_bytes = ram_bytes;
	pgdat->nr_frames = nr;
	spin_lock_init(&pgdat->zone.lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		INIT_LIST_HEAD(&pgdat->zone.free_area[o].free_list);
	for (pfn = 0; pfn < nr;) {
		o = MAX_PAGE_ORDER;
		while (o && (!IS_ALIGNED(pfn, 1UL << o) || pfn + (1UL << o) > nr))
			o--;
		__free_one_page(pgdat, pfn, o);
		pfn += 1UL << o;
	}
	pgdat->zone.managed_pages = nr;
	vm_events_init(&pgdat->vm_events);
	lruvec_init(&pgdat->lruvec);
	pgdat->swappiness = 60;
	setup_per_zone_wmarks(pgdat, 0, 0);

	/* The zero page's own allocation is boot-time, not a counted event. */
	pgdat->zero_page = rmqueue(pgdat, 0);
	if (!pgdat->zero_page) {
		pgdat_free_memory(pgdat);
		return -ENOMEM;
	}
	clear_page(page_address(pgdat, pgdat->zero_page), PAGE_SIZE);
	SetPageReserved(pgdat->zero_page);
	return 0;
}

void pgdat_free_memory(struct pglist_data *pgdat)
{
	if (pgdat->mem_map)
		host_release(pgdat->mem_map,
			     ALIGN(pgdat->nr_frames * sizeof(struct page), PAGE_SIZE));
	host_release(pgdat->ram, pgdat->ram_bytes);
	vm_events_destroy(&pgdat->vm_events);
	pgdat->ram = NULL;
	pgdat->mem_map = NULL;
}

/**
 * page_alloc_validate - check every frame is free exactly once or held by someone.
 *
 * Walks the free lists marking the frames of each block, then checks: blocks are aligned,
 * inside RAM and do not overlap; no free frame has a reference; every frame not free has a
 * positive count (or is reserved); per-order counts and nr_free_pages agree with the lists;
 * frames marked PG_pgtable match nr_pgtable_pages.
 * Context: takes the zone lock; the caller holds no page references changing concurrently.
 * Return: 0, or -EUCLEAN after printing the first inconsistency found.
 */
int page_alloc_validate(struct pglist_data *pgdat)
{
	struct zone *zone = &pgdat->zone;
	unsigned char *seen;
	unsigned long pfn, nr_free = 0, tables = 0;
	int ret = -EUCLEAN;
	unsigned int o;

	seen = calloc(pgdat->nr_frames, 1);
	if (!seen)
		return -ENOMEM;
	spin_lock(&zone->lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		struct list_head *pos;
		unsigned long blocks = 0;

		list_for_each(pos, &zone->free_area[o].free_list) {
			struct page *page = list_entry(pos, struct page, buddy_list);
			unsigned long head = page_to_pfn(pgdat, page), i;

			if (!PageBuddy(page) || buddy_order(page) != o || !IS_ALIGNED(head, 1UL << o) ||
			    head + (1UL << o) > pgdat->nr_frames) {
				fprintf(stderr, "page_alloc: bad free block pfn %lu order %u\n", head, o);
				goto out;
			}
			for (i = head; i < head + (1UL << o); i++) {
				if (seen[i]++ || page_ref_count(pfn_to_page(pgdat, i))) {
					fprintf(stderr, "page_alloc: pfn %lu free twice or held\n", i);
					goto out;
				}
			}
			nr_free += 1UL << o;
			blocks++;
		}
		if (blocks != zone->free_area[o].nr_free) {
			fprintf(stderr, "page_alloc: order %u counts %lu, list has %lu\n", o,
				zone->free_area[o].nr_free, blocks);
			goto out;
		}
	}
	if (nr_free != zone->nr_free_pages) {
		fprintf(stderr, "page_alloc: nr_free_pages %lu, lists hold %lu\n",
			zone->nr_free_pages, nr_free);
		goto out;
	}
	for (pfn = 0; pfn < pgdat->nr_frames; pfn++) {
		struct page *page = pfn_to_page(pgdat, pfn);

		if (PageTable(page))
			tables++;
		if (seen[pfn])
			continue;
		if (PageTail(page)) {
			if (page->private >= pfn ||
			    !page_ref_count(pfn_to_page(pgdat, page->private))) {
				fprintf(stderr, "page_alloc: tail pfn %lu of a block not held\n", pfn);
				goto out;
			}
			continue;
		}
		if (page_ref_count(page) <= 0 || page_mapcount(page) < 0) {
			fprintf(stderr, "page_alloc: pfn %lu neither free nor held (ref %d map %d)\n",
				pfn, page_ref_count(page), page_mapcount(page));
			goto out;
		}
	}
	if (tables != pgdat->nr_pgtable_pages) {
		fprintf(stderr, "page_alloc: %lu page-table frames, counted %lu\n", tables,
			pgdat->nr_pgtable_pages);
		goto out;
	}
	ret = 0;
out:
	spin_unlock(&zone->lock);
	free(seen);
	return ret ?: lru_validate(pgdat);
}
