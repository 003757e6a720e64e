/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct page: one per 4 KiB physical frame, as include/linux/mm_types.h and page-flags.h
 * describe it. The frame's bytes live in the machine's RAM mapping; this descriptor carries
 * what the kernel keeps beside them: flags, the reference count, the map count, the page-cache
 * or anon_vma identity (mapping/index) and LRU linkage. Left out: folios larger than one page,
 * memcg, and the many page_type variants (only buddy and page-table pages are typed here).
 */
#ifndef MMLAB_PHYS_PAGE_H
#define MMLAB_PHYS_PAGE_H

#include "kernel.h"

/* Page flags: bit numbers in page->flags (include/linux/page-flags.h). */
enum pageflags {
	PG_locked,	/* Page is locked for I/O */
	PG_referenced,	/* Recently referenced (second-chance LRU) */
	PG_uptodate,	/* Contents are valid */
	PG_dirty,	/* Contents differ from backing store */
	PG_lru,		/* On an LRU list */
	PG_active,	/* On the active LRU list */
	PG_reserved,	/* Never freed, never on a free list (the zero page) */
	PG_swapbacked,	/* Backed by swap (anonymous or shmem) */
	PG_swapcache,	/* In the swap cache */
	PG_reclaim,	/* Being reclaimed */
	PG_unevictable, /* On the unevictable LRU */
	PG_mlocked,	/* Mapped by a VM_LOCKED VMA */
	PG_anon_exclusive, /* The one mapping may write without copying (mm/rmap.c) */
	PG_buddy,	/* Free, head of a buddy block of order page->private */
	PG_pgtable,	/* Holds one level of a page table */
	PG_tail,	/* Non-head frame of a block of order > 0; private = head pfn */
	PG_writeback,	/* Being written back to its file */
	PG_readahead,	/* The async readahead marker (PG_reclaim's alias in Linux) */
	PG_workingset,	/* Was on an active list (workingset.c): its refault is a restore */
	PG_idle,	/* Not accessed since idle tracking marked it (mm/page_idle.c) */
	PG_young,	/* Idle tracking cleared an accessed bit reclaim has not seen */
	NR_PAGEFLAGS,
};

/*
 * Multi-Gen LRU state in the top bits of page->flags, as include/linux/page-flags-layout.h
 * places LRU_GEN and LRU_REFS above the flags: the generation the page is in plus one (0: not
 * on a generation list) and the accesses through file descriptors beyond PG_referenced and
 * PG_workingset (the tier, lru_gen.h). Order_base_2(MAX_NR_GENS + 1) bits for the first,
 * MAX_NR_TIERS - 2 for the second.
 */
#define LRU_GEN_WIDTH 3
#define LRU_REFS_WIDTH 2
#define LRU_GEN_PGOFF (64 - LRU_GEN_WIDTH)
#define LRU_REFS_PGOFF (LRU_GEN_PGOFF - LRU_REFS_WIDTH)
#define LRU_GEN_MASK (((1UL << LRU_GEN_WIDTH) - 1) << LRU_GEN_PGOFF)
#define LRU_REFS_MASK (((1UL << LRU_REFS_WIDTH) - 1) << LRU_REFS_PGOFF)
BUILD_BUG_ON(NR_PAGEFLAGS > LRU_REFS_PGOFF);

struct page {
	unsigned long flags;		/* PG_* bits; LRU_GEN and LRU_REFS at the top */
	union {
		struct list_head lru;	/* LRU lists, or the buddy free list when PG_buddy */
		struct list_head buddy_list;
	};
	void *mapping;			/* struct address_space *, or anon_vma | 1 when anonymous */
	unsigned long index;		/* Page offset within mapping, in pages */
	unsigned long private;		/* Buddy order when PG_buddy; swap entry or buffers otherwise */
	int _mapcount;			/* Page-table mappings minus one: -1 means unmapped */
	int _refcount;			/* References; 0 means free */
	unsigned int mlock_count;	/* While PG_unevictable and listed: locked VMAs mapping
					 * it, maybe fewer (lru.c); stale otherwise */
	unsigned int _reserved;		/* Room for memcg_data, keeping 64 bytes */
};

BUILD_BUG_ON(sizeof(struct page) > 64);

/*
 * Flag tests, sets and clears are atomic (the kernel's test_bit/set_bit/clear_bit): the page
 * cache changes PG_dirty or PG_readahead under its own lock while faults in other address
 * spaces read and change other bits of the same word, and the buddy allocator reads the flags
 * of in-use neighbours of the blocks it merges.
 */
/*
 * Sets flags of a page no other thread can change yet (just allocated, not yet in a page table
 * or cache): a plain load and store instead of a locked or, as Linux's __SetPage and
 * __folio_set_* are for new folios. Each access is still atomic, because the buddy allocator
 * may read the flags of a neighbour it is merging with. Right after a page is zeroed a locked
 * instruction would wait for every zeroing store to drain.
 */
static inline void __set_page_flags(struct page *p, unsigned long mask)
{
	__atomic_store_n(&p->flags, __atomic_load_n(&p->flags, __ATOMIC_RELAXED) | mask,
			 __ATOMIC_RELAXED);
}

/* Clears flags of a page no other thread can change (free, under the zone lock): as above. */
static inline void __clear_page_flags(struct page *p, unsigned long mask)
{
	__atomic_store_n(&p->flags, __atomic_load_n(&p->flags, __ATOMIC_RELAXED) & ~mask,
			 __ATOMIC_RELAXED);
}

#define PAGEFLAG(name, bit)                                                                        \
	static inline bool Page##name(const struct page *p)                                       \
	{                                                                                          \
		return __atomic_load_n(&p->flags, __ATOMIC_RELAXED) & (1UL << (bit));              \
	}                                                                                          \
	static inline void SetPage##name(struct page *p)                                          \
	{                                                                                          \
		__atomic_or_fetch(&p->flags, 1UL << (bit), __ATOMIC_RELAXED);                      \
	}                                                                                          \
	static inline void ClearPage##name(struct page *p)                                        \
	{                                                                                          \
		__atomic_and_fetch(&p->flags, ~(1UL << (bit)), __ATOMIC_RELAXED);                  \
	}                                                                                          \
	static inline void __SetPage##name(struct page *p)                                        \
	{                                                                                          \
		__set_page_flags(p, 1UL << (bit));                                                 \
	}                                                                                          \
	static inline void __ClearPage##name(struct page *p)                                      \
	{                                                                                          \
		__clear_page_flags(p, 1UL << (bit));                                               \
	}

PAGEFLAG(Locked, PG_locked)
PAGEFLAG(Referenced, PG_referenced)
PAGEFLAG(Uptodate, PG_uptodate)
PAGEFLAG(Dirty, PG_dirty)
PAGEFLAG(LRU, PG_lru)
PAGEFLAG(Active, PG_active)
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(SwapBacked, PG_swapbacked)
PAGEFLAG(SwapCache, PG_swapcache)
PAGEFLAG(Reclaim, PG_reclaim)
PAGEFLAG(Unevictable, PG_unevictable)
PAGEFLAG(Mlocked, PG_mlocked)
PAGEFLAG(AnonExclusive, PG_anon_exclusive)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Table, PG_pgtable)
PAGEFLAG(Tail, PG_tail)
PAGEFLAG(Writeback, PG_writeback)
PAGEFLAG(Readahead, PG_readahead)
PAGEFLAG(Workingset, PG_workingset)
PAGEFLAG(Idle, PG_idle)
PAGEFLAG(Young, PG_young)

/* Sets flag @bit of @p; true when it was set already (TestSetPage*). */
static inline bool test_and_set_page_flag(struct page *p, unsigned int bit)
{
	return __atomic_fetch_or(&p->flags, 1UL << bit, __ATOMIC_RELAXED) & (1UL << bit);
}

/* Clears flag @bit of @p; true when it was set (TestClearPage*). */
static inline bool test_and_clear_page_flag(struct page *p, unsigned int bit)
{
	return __atomic_fetch_and(&p->flags, ~(1UL << bit), __ATOMIC_RELAXED) & (1UL << bit);
}

static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline void get_page(struct page *page)
{
	VM_BUG_ON(page_ref_count(page) <= 0);
	__atomic_add_fetch(&page->_refcount, 1, __ATOMIC_RELAXED);
}

/* Drops a reference; true when it was the last one and the caller must free the frame. */
static inline bool put_page_testzero(struct page *page)
{
	VM_BUG_ON(page_ref_count(page) <= 0);
	return __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

static inline int page_mapcount(const struct page *page)
{
	return __atomic_load_n(&page->_mapcount, __ATOMIC_RELAXED) + 1;
}

#endif /* MMLAB_PHYS_PAGE_H */
