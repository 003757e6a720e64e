// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The buddy allocator (mm/page_alloc.c): free frames are kept in blocks of 2^order pages,
 * order 0 to MAX_PAGE_ORDER, one free list per order. Allocation takes the smallest block that
 * fits and splits it, putting the upper halves back (expand()); freeing merges a block with its
 * buddy, the block whose pfn differs only in bit `order`, for as long as that buddy is free
 * and whole (__free_one_page()). It also sets the node up at boot (memblock_free_all's role:
 * every frame handed to the free lists) and takes out the shared zero page (Linux's
 * empty_zero_page of arch/x86/kernel/head_64.S, here an ordinary reserved frame).
 * Left out: per-CPU page lists, migrate types, watermarks, GFP flags and the slow path
 * (reclaim, compaction): running out returns NULL to the caller.
 */
#include "phys/mmzone.h"
#include "host/host.h"

#include <string.h>

const char *const vmstat_text[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGFREE] = "pgfree",
	[PGFAULT] = "pgfault",
	[PGMAJFAULT] = "pgmajfault",
	[NR_TLB_REMOTE_FLUSH] = "nr_tlb_remote_flush",
	[NR_TLB_LOCAL_FLUSH_ALL] = "nr_tlb_local_flush_all",
	[NR_TLB_LOCAL_FLUSH_ONE] = "nr_tlb_local_flush_one",
	[PGREUSE] = "pgreuse",
	[VMACACHE_FIND_CALLS] = "vmacache_find_calls",
	[VMACACHE_FIND_HITS] = "vmacache_find_hits",
	[COW_FAULT] = "mmlab_cow_fault",
	[ZERO_PAGE_FAULT] = "mmlab_zero_page_fault",
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

	zone->nr_free_pages += 1UL << order;
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
 * rmqueue - take a block of 2^@order frames off the free lists and set its pages up: the head
 * with a reference count of one, no flags and an unmapped map count, the tails pointing to it.
 * Uncounted: alloc_pages() counts, the zero page's boot-time allocation does not.
 */
static struct page *rmqueue(struct pglist_data *pgdat, unsigned int order)
{
	struct zone *zone = &pgdat->zone;
	struct page *page = NULL;
	unsigned int o;

	spin_lock(&zone->lock);
	if (should_fail_alloc(pgdat))
		goto out;
	for (o = order; o <= MAX_PAGE_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, buddy_list);
		del_from_free_list(zone, page, o);
		expand(pgdat, page_to_pfn(pgdat, page), order, o);
		zone->nr_free_pages -= 1UL << order;
		break;
	}
out:
	spin_unlock(&zone->lock);
	if (!page)
		return NULL;
	VM_BUG_ON(page->flags || page_ref_count(page));
	for (unsigned long i = 1; i < (1UL << order); i++) {
		page[i].flags = 1UL << PG_tail;
		page[i].private = page_to_pfn(pgdat, page);
	}
	page->_refcount = 1;
	page->_mapcount = -1;
	page->mapping = NULL;
	page->index = 0;
	return page;
}

/**
 * alloc_pages - allocate 2^@order physically contiguous frames.
 * @pgdat: the node
 * @order: 0..MAX_PAGE_ORDER
 *
 * The head page comes back with a reference count of one, no flags and an unmapped map count;
 * the frames' contents are whatever they held before.
 * Context: takes the zone lock.
 * Return: the head page, or NULL when no block is large enough or @order is out of range.
 */
struct page *alloc_pages(struct pglist_data *pgdat, unsigned int order)
{
	struct page *page;

	if (order > MAX_PAGE_ORDER)
		return NULL;
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
	VM_BUG_ON(PageReserved(page) || PageBuddy(page) || PageTable(page));
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

/* One frame filled with zeroes, as a demand-zero fault or a new page table needs it. */
struct page *alloc_zeroed_page(struct pglist_data *pgdat)
{
	struct page *page = alloc_pages(pgdat, 0);

	if (page)
		clear_page(page_address(pgdat, page), PAGE_SIZE);
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
	return ret;
}
