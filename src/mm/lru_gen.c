// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Multi-Gen LRU (the lru_gen half of mm/vmscan.c, Linux 6.1+; --lru mglru): reclaim by
 * generations instead of active and inactive lists. The lists live in the physical layer
 * (lruvec->lrugen, phys/lru.h's lru_gen_add_folio and friends); this file ages them and
 * evicts from them.
 *
 * Aging (try_to_inc_max_seq): when the oldest generations run low on pages, every address
 * space on the machine's mm_list is walked - its VMAs, then their page tables a PTE table at a
 * time under the mm's page_table_lock - and each young entry's Accessed bit is cleared and its
 * page promoted to the youngest generation (folio_update_gen: only the generation in the
 * page's flags changes; the page stays on its list until eviction sorts it). Then max_seq
 * grows by one (inc_max_seq), pushing the oldest generation forward first when there are
 * MAX_NR_GENS already. Rmap gives feedback the other way: when eviction tests a page's
 * mappings (folio_referenced), a young entry's neighbours in the same page table are looked
 * at and promoted too (lru_gen_look_around).
 *
 * Eviction (evict_folios): from the oldest generation of the type the PID controller picks
 * (get_type_to_scan: each type's first-tier refault rate, weighted by swappiness and
 * 200 - swappiness; swappiness 0 or no swap: file only), pages are sorted (sort_folio: one
 * the aging promoted goes to its generation's list, one whose tier's refault rate is above
 * the first tier's is protected in the next generation) or isolated for shrink_folio_list,
 * vmscan.c's, which the classic lists use too. A generation emptied of both types moves
 * min_seq (try_to_inc_min_seq). How much to scan and when to age (should_run_aging,
 * get_nr_to_scan) follow the kernel: aging is lazy, run when the generations are down to
 * MIN_NR_GENS or badly unbalanced, and not at all at DEF_PRIORITY.
 *
 * Refaults: the shadow entries (workingset.c's lru_gen_eviction/lru_gen_refault) feed the
 * controller's refaulted/evicted counters per tier, averaged each time min_seq moves.
 *
 * Also here: the machine's mm_list (lru_gen_add_mm at mm_alloc, lru_gen_del_mm before the
 * teardown) and /sys/kernel/debug/lru_gen's view (lru_gen_seq_show).
 *
 * Where the model differs: the aging walks every mm at every new generation, holding the
 * list's lock (Linux lets several reclaimers share one walk through mm_state, and skips PTE
 * tables through its Bloom filters, which are left out); each PTE table is walked under the
 * page_table_lock and lru_lock, so generation sizes are exact at every moment (Linux batches
 * them); the TLB entries of the cleared bits are flushed, as this model's folio_referenced
 * does, so that the next access sets the bit again (x86 Linux leaves them, accepting missed
 * accesses; with this model's 256-entry TLB covering much of a small machine's RAM, hot pages
 * would look cold). The look-around always promotes through the page flags (Linux's direct
 * reclaim, which has no walk structure, activates the neighbours through the batch instead:
 * they end in the youngest generation either way). The generations' timestamps come from the
 * simulated clock (psi.c).
 * Left out: memcg (one lruvec, the memcg LRU and shrink_many), min_ttl_ms and its OOM kill
 * (its default, 0, never kills), the enabled/min_ttl sysfs knobs (the policy is fixed at
 * machine creation), the debugfs write commands (+/- aging and eviction), the lru_gen_full
 * view, PMD-level accessed bits (no huge entries), and dirty-bit transfer by the walk (the
 * PTE keeps its dirty bit for try_to_unmap).
 */
#include "mm/lru_gen.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/pgtable.h"
#include "mm/swap.h"
#include "mm/vma.h"
#include "mm/vmscan_internal.h"
#include "phys/lru.h"
#include "mmlab.h"

#define MIN_LRU_BATCH 64L		/* BITS_PER_LONG */
#define MAX_LRU_BATCH (MIN_LRU_BATCH * 64)
#define MAX_SWAPPINESS 200

static struct machine *lruvec_machine(struct lruvec *lruvec)
{
	return container_of(lruvec_pgdat(lruvec), struct machine, pgdat);
}

/* The simulated clock (psi.c): what jiffies are to the kernel's timestamps. */
static uint64_t lru_gen_clock(struct machine *m)
{
	uint64_t now;

	psi_advance(&m->psi, 0);	/* folds the minor faults' time into the clock */
	pthread_mutex_lock(&m->psi.lock);
	now = m->psi.clock_ns;
	pthread_mutex_unlock(&m->psi.lock);
	return now;
}

static unsigned long get_nr_gens(const struct lruvec *lruvec, int type)
{
	return lruvec->lrugen.max_seq - lruvec->lrugen.min_seq[type] + 1;
}

/* The window of each type: MIN_NR_GENS..MAX_NR_GENS, anon's at least as wide as file's. */
static bool seq_is_valid(const struct lruvec *lruvec)
{
	return get_nr_gens(lruvec, LRU_GEN_FILE) >= MIN_NR_GENS &&
	       get_nr_gens(lruvec, LRU_GEN_FILE) <= get_nr_gens(lruvec, LRU_GEN_ANON) &&
	       get_nr_gens(lruvec, LRU_GEN_ANON) <= MAX_NR_GENS;
}

/* Anonymous pages may be evicted: a swap area with a batch of free slots (get_swappiness). */
static int get_swappiness(struct lruvec *lruvec, struct scan_control *sc)
{
	unsigned long total, free;

	if (!sc->may_swap)
		return 0;
	si_swapinfo(lruvec_machine(lruvec), &total, &free);
	if (free < MIN_LRU_BATCH)
		return 0;
	return lruvec_pgdat(lruvec)->swappiness;
}

/* The mm_list */

/**
 * lru_gen_init_mm_list - an empty list for @m's address spaces.
 * Context: at machine creation.
 */
void lru_gen_init_mm_list(struct machine *m)
{
	pthread_mutex_init(&m->mm_list.lock, NULL);
	INIT_LIST_HEAD(&m->mm_list.fifo);
}

/** lru_gen_exit_mm_list - at machine destruction: every mm is gone. */
void lru_gen_exit_mm_list(struct machine *m)
{
	VM_WARN_ON(!list_empty(&m->mm_list.fifo));
	pthread_mutex_destroy(&m->mm_list.lock);
}

/**
 * lru_gen_add_mm - a new address space joins the walks (lru_gen_add_mm).
 * Context: @mm is new; takes the list's lock.
 */
void lru_gen_add_mm(struct mm_struct *mm)
{
	struct lru_gen_mm_list *l = &mm->machine->mm_list;

	pthread_mutex_lock(&l->lock);
	list_add_tail(&mm->lru_gen_list, &l->fifo);
	pthread_mutex_unlock(&l->lock);
}

/**
 * lru_gen_del_mm - @mm leaves the walks before its teardown (lru_gen_del_mm); an aging in
 * progress finishes with it first, since it holds the lock through its walks.
 * Context: no page_table_lock or lru_lock held; takes the list's lock.
 */
void lru_gen_del_mm(struct mm_struct *mm)
{
	struct lru_gen_mm_list *l = &mm->machine->mm_list;

	pthread_mutex_lock(&l->lock);
	list_del_init(&mm->lru_gen_list);
	pthread_mutex_unlock(&l->lock);
}

/* The PID controller (mm/vmscan.c's "PID controller" section) */

/*
 * What the controller knows of one tier: its refaults against the pages that left it
 * (evicted, or protected into the next tier), the halved history of earlier windows added.
 */
struct tier_record {
	unsigned long refaults;
	unsigned long seen;
};

static struct tier_record tier_record_of(const struct lru_gen_folio *lrugen, int type, int tier)
{
	unsigned long protected = tier ? lrugen->protected[type][tier - 1] : 0;

	return (struct tier_record){
		.refaults = lrugen->avg_refaulted[type][tier] +
			    __atomic_load_n(&lrugen->refaulted[type][tier], __ATOMIC_RELAXED),
		.seen = lrugen->avg_total[type][tier] + protected +
			__atomic_load_n(&lrugen->evicted[type][tier], __ATOMIC_RELAXED),
	};
}

/*
 * min_seq[@type] moves (@carryover): the counters since the last move enter the moving
 * averages with weight 1/2 and start over. A new max_seq changes nothing with one set of
 * history counters.
 */
static void reset_ctrl_pos(struct lruvec *lruvec, int type, bool carryover)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;

	if (!carryover)
		return;
	for (unsigned int tier = 0; tier < MAX_NR_TIERS; tier++) {
		unsigned long refaulted = __atomic_exchange_n(&lrugen->refaulted[type][tier], 0,
							      __ATOMIC_RELAXED);
		unsigned long evicted = __atomic_exchange_n(&lrugen->evicted[type][tier], 0,
							    __ATOMIC_RELAXED);

		lrugen->avg_refaulted[type][tier] =
			(lrugen->avg_refaulted[type][tier] + refaulted) / 2;
		if (tier) {
			evicted += lrugen->protected[type][tier - 1];
			lrugen->protected[type][tier - 1] = 0;
		}
		lrugen->avg_total[type][tier] = (lrugen->avg_total[type][tier] + evicted) / 2;
	}
}

/*
 * The PID controller's test: the process variable @pv (weighed by @pv_gain) refaults at a
 * rate no higher than the setpoint @sp (by @sp_gain), or too rarely to tell.
 */
static bool positive_ctrl_err(struct tier_record sp, unsigned long sp_gain,
			      struct tier_record pv, unsigned long pv_gain)
{
	if (pv.refaults < MIN_LRU_BATCH)
		return true;
	return pv.refaults * (sp.seen + MIN_LRU_BATCH) * sp_gain <=
	       (sp.refaults + 1) * pv.seen * pv_gain;
}

/* The aging */

/*
 * folio_update_gen - an accessed bit of @page was found set: its flags name generation
 * @gen now, its tier starts over. A page off the lists (isolated) gets PG_referenced
 * instead, for shrink_folio_list. Return: the generation it was in, or -1.
 */
static int folio_update_gen(struct page *page, int gen)
{
	unsigned long old = __atomic_load_n(&page->flags, __ATOMIC_RELAXED), new;

	do {
		if (!(old & LRU_GEN_MASK))
			new = old | (1UL << PG_referenced);
		else
			new = (old & ~(LRU_GEN_MASK | LRU_REFS_MASK | LRU_REFS_FLAGS)) |
			      ((gen + 1UL) << LRU_GEN_PGOFF);
	} while (!__atomic_compare_exchange_n(&page->flags, &old, new, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return (int)((old & LRU_GEN_MASK) >> LRU_GEN_PGOFF) - 1;
}

/*
 * folio_inc_gen - @page, in the oldest generation of its type, moves one generation up
 * (protected, or carried forward by inc_min_seq) unless the aging promoted it meanwhile;
 * its tier starts over. Return: the generation its flags name now.
 * Context: lru_lock held; the page is listed.
 */
static int folio_inc_gen(struct lruvec *lruvec, struct page *page)
{
	int type = page_is_file_lru(page);
	int old_gen = lru_gen_from_seq(lruvec->lrugen.min_seq[type]), new_gen;
	unsigned long old = __atomic_load_n(&page->flags, __ATOMIC_RELAXED), new;

	VM_BUG_ON(!(old & LRU_GEN_MASK));
	do {
		new_gen = (int)((old & LRU_GEN_MASK) >> LRU_GEN_PGOFF) - 1;
		if (new_gen >= 0 && new_gen != old_gen)
			return new_gen;	/* promoted by folio_update_gen */
		new_gen = (old_gen + 1) % (int)MAX_NR_GENS;
		new = (old & ~(LRU_GEN_MASK | LRU_REFS_MASK | LRU_REFS_FLAGS)) |
		      ((new_gen + 1UL) << LRU_GEN_PGOFF);
	} while (!__atomic_compare_exchange_n(&page->flags, &old, new, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	lru_gen_update_size(lruvec, page, old_gen, new_gen);
	return new_gen;
}

/* One aging walk (struct lru_gen_mm_walk). */
struct lru_gen_mm_walk {
	struct lruvec *lruvec;		/* The lruvec being aged */
	struct vm_area_struct *vma;	/* The VMA being walked */
	int new_gen;			/* lru_gen_from_seq(max_seq) */
	bool can_swap;			/* Anonymous pages are aged too */
	unsigned long flush_start;	/* The range of the PTE table walked whose bits were */
	unsigned long flush_end;	/* cleared; 0: none */
	unsigned long nr_young;		/* Young entries found (MM_LEAF_YOUNG) */
};

/*
 * should_skip_vma - VMAs whose accesses say nothing, or whose pages the aging does not
 * handle: inaccessible, hugetlb, MADV_SEQUENTIAL/RANDOM, mlocked or special; anonymous ones
 * when anon pages cannot be evicted.
 */
static bool should_skip_vma(const struct vm_area_struct *vma, const struct lru_gen_mm_walk *walk)
{
	if (!(vma->vm_flags & VM_ACCESS_FLAGS) || (vma->vm_flags & VM_HUGETLB))
		return true;
	if (vma->vm_flags & (VM_SEQ_READ | VM_RAND_READ | VM_LOCKED | VM_SPECIAL))
		return true;
	if (vma_is_anonymous(vma))
		return !walk->can_swap;
	return false;
}

/*
 * The page a young entry maps that the aging handles, its Accessed bit cleared (get_pte_pfn,
 * get_pfn_folio, ptep_test_and_clear_young); NULL otherwise. File VMAs may hold anonymous
 * COW pages: those only when anon pages are aged.
 */
static struct page *lru_gen_young_page(struct pglist_data *pgdat, pte_t *ptep, bool can_swap)
{
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!pte_present(pte) || (pte & _PAGE_SPECIAL) || !pte_young(pte) ||
	    !pfn_valid(pgdat, pte_pfn(pte)))
		return NULL;
	page = pfn_to_page(pgdat, pte_pfn(pte));
	if (PageReserved(page) || (!page_is_file_lru(page) && !can_swap))
		return NULL;
	if (!pte_young(ptep_clear_bits(ptep, _PAGE_ACCESSED)))
		return NULL;
	return page;
}

/*
 * Promotes the page of a young entry to generation @new_gen, the sizes following.
 * Context: lru_lock and the entry's page_table_lock held.
 */
static void lru_gen_promote(struct lruvec *lruvec, struct page *page, int new_gen)
{
	int old_gen = folio_update_gen(page, new_gen);

	if (old_gen >= 0 && old_gen != new_gen)
		lru_gen_update_size(lruvec, page, old_gen, new_gen);
}

/* walk_pte_range's step: one leaf entry. */
static int walk_pte_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct lru_gen_mm_walk *walk = data;
	struct page *page = lru_gen_young_page(&mm->machine->pgdat, ptep, walk->can_swap);

	if (!page)
		return 0;
	walk->nr_young++;
	lru_gen_promote(walk->lruvec, page, walk->new_gen);
	if (!walk->flush_end)
		walk->flush_start = addr;
	walk->flush_end = addr + PAGE_SIZE;
	return 0;
}

/*
 * walk_pmd_range - the PTE table of [@start, @end) (within one PMD): young entries cleared and
 * their pages promoted under the mm's page_table_lock and the lruvec's lru_lock, then the TLB
 * entries of what was cleared flushed.
 */
static void walk_pmd_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			   struct lru_gen_mm_walk *walk)
{
	struct lruvec *lruvec = walk->lruvec;

	walk->flush_end = 0;
	spin_lock(&mm->page_table_lock);
	spin_lock(&lruvec->lru_lock);
	walk->new_gen = lru_gen_from_seq(lruvec->lrugen.max_seq);
	(void)walk_pte_range(mm, start, end, walk_pte_one, walk);
	spin_unlock(&lruvec->lru_lock);
	spin_unlock(&mm->page_table_lock);
	if (walk->flush_end)
		flush_tlb_range(mm, walk->flush_start, walk->flush_end);
}

/*
 * walk_mm - age one address space: each VMA should_skip_vma lets through, a PTE table at a
 * time. A mm whose mmap_lock a writer holds is skipped (mmap_read_trylock), as Linux's.
 */
static void walk_mm(struct mm_struct *mm, struct lru_gen_mm_walk *walk)
{
	VMA_ITERATOR(vmi, mm, 0);

	if (!mmap_read_trylock(mm))
		return;
	for_each_vma(vmi, walk->vma) {
		unsigned long addr = walk->vma->vm_start, next;

		if (should_skip_vma(walk->vma, walk))
			continue;
		for (; addr < walk->vma->vm_end; addr = next) {
			next = min((addr & PMD_MASK) + PMD_SIZE, walk->vma->vm_end);
			walk_pmd_range(mm, addr, next, walk);
		}
	}
	mmap_read_unlock(mm);
}

/*
 * inc_min_seq - the oldest generation of @type goes: its pages move to the next one (a
 * type that cannot be evicted just moves min_seq, its pages landing in the generation
 * max_seq + 1 will reuse: cold/hot inversion, as Linux accepts).
 * Context: lru_lock held.
 */
static void inc_min_seq(struct lruvec *lruvec, int type, bool can_swap)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	struct list_head *head = &lrugen->folios[lru_gen_from_seq(lrugen->min_seq[type])][type];

	if (type == LRU_GEN_FILE || can_swap) {
		while (!list_empty(head)) {
			struct page *page = list_last_entry(head, struct page, lru);
			int new_gen = folio_inc_gen(lruvec, page);

			list_move_tail(&page->lru, &lrugen->folios[new_gen][type]);
		}
	}
	reset_ctrl_pos(lruvec, type, true);
	__atomic_store_n(&lrugen->min_seq[type], lrugen->min_seq[type] + 1, __ATOMIC_RELAXED);
}

/*
 * try_to_inc_min_seq - move min_seq past the empty oldest generations, keeping anon's no
 * younger than file's when anon can be evicted (see the comment on lru_gen_folio).
 * Context: lru_lock held. Return: whether a min_seq moved.
 */
static bool try_to_inc_min_seq(struct lruvec *lruvec, bool can_swap)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	unsigned long min_seq[ANON_AND_FILE] = { lrugen->min_seq[0], lrugen->min_seq[1] };
	bool success = false;

	VM_BUG_ON(!seq_is_valid(lruvec));
	for (int type = !can_swap; type < ANON_AND_FILE; type++) {
		while (min_seq[type] + MIN_NR_GENS <= lrugen->max_seq &&
		       list_empty(&lrugen->folios[lru_gen_from_seq(min_seq[type])][type]))
			min_seq[type]++;
	}
	if (can_swap) {
		min_seq[LRU_GEN_ANON] = min(min_seq[LRU_GEN_ANON], min_seq[LRU_GEN_FILE]);
		min_seq[LRU_GEN_FILE] = max(min_seq[LRU_GEN_ANON], lrugen->min_seq[LRU_GEN_FILE]);
	}
	for (int type = !can_swap; type < ANON_AND_FILE; type++) {
		if (min_seq[type] == lrugen->min_seq[type])
			continue;
		reset_ctrl_pos(lruvec, type, true);
		__atomic_store_n(&lrugen->min_seq[type], min_seq[type], __ATOMIC_RELAXED);
		success = true;
	}
	return success;
}

/*
 * inc_max_seq - a new youngest generation, born @now: a type already at MAX_NR_GENS loses
 * its oldest first; the classic counters shift, the generation two below the new one turning
 * inactive (and the one reused, if anon's oldest was, active).
 * Context: lru_lock not held. Return: false when @seq is no longer max_seq.
 */
static bool inc_max_seq(struct lruvec *lruvec, unsigned long seq, bool can_swap, uint64_t now)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	int prev, next;

	spin_lock(&lruvec->lru_lock);
	VM_BUG_ON(!seq_is_valid(lruvec));
	if (seq != lrugen->max_seq) {
		spin_unlock(&lruvec->lru_lock);
		return false;
	}
	for (int type = ANON_AND_FILE - 1; type >= 0; type--)
		if (get_nr_gens(lruvec, type) == MAX_NR_GENS)
			inc_min_seq(lruvec, type, can_swap);
	prev = lru_gen_from_seq(lrugen->max_seq - 1);
	next = lru_gen_from_seq(lrugen->max_seq + 1);
	for (int type = 0; type < ANON_AND_FILE; type++) {
		enum lru_list lru = type ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
		long delta = lrugen->nr_pages[prev][type] - lrugen->nr_pages[next][type];

		update_lru_size(lruvec, lru, delta);
		update_lru_size(lruvec, lru + LRU_ACTIVE, -delta);
	}
	for (int type = 0; type < ANON_AND_FILE; type++)
		reset_ctrl_pos(lruvec, type, false);
	lrugen->timestamps[next] = now;
	/* the sizes shifted above are seen with the new max_seq (smp_store_release) */
	__atomic_store_n(&lrugen->max_seq, lrugen->max_seq + 1, __ATOMIC_RELEASE);
	spin_unlock(&lruvec->lru_lock);
	return true;
}

/*
 * try_to_inc_max_seq - the aging: walk every address space, promoting what was accessed,
 * then make a new generation. One aging at a time: a reclaimer that finds max_seq moved
 * past @seq while it waited has nothing to do.
 * Context: no locks held. Return: whether this call made the new generation.
 */
static bool try_to_inc_max_seq(struct lruvec *lruvec, unsigned long seq, bool can_swap)
{
	struct machine *m = lruvec_machine(lruvec);
	struct lru_gen_mm_walk walk = { .lruvec = lruvec, .can_swap = can_swap };
	struct list_head *pos;
	bool success;

	pthread_mutex_lock(&m->mm_list.lock);
	if (seq < __atomic_load_n(&lruvec->lrugen.max_seq, __ATOMIC_RELAXED)) {
		pthread_mutex_unlock(&m->mm_list.lock);
		return false;
	}
	list_for_each(pos, &m->mm_list.fifo)
		walk_mm(list_entry(pos, struct mm_struct, lru_gen_list), &walk);
	success = inc_max_seq(lruvec, seq, can_swap, lru_gen_clock(m));
	pthread_mutex_unlock(&m->mm_list.lock);
	return success;
}

/**
 * lru_gen_look_around - rmap found @page mapped at @addr of @vma (folio_referenced_one under
 * MGLRU): test and clear that entry's Accessed bit, and when it was young, also the other
 * entries of the same page table around it (up to MIN_LRU_BATCH pages, within the VMA),
 * promoting their pages to the youngest generation - pages used together are often
 * reclaimed together. The TLB entries cleared are flushed.
 * Context: @vma's mm's page_table_lock held (rmap_visit); @page isolated; takes lru_lock.
 * Return: whether @page's own entry was young.
 */
bool lru_gen_look_around(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	struct pglist_data *pgdat = &mm->machine->pgdat;
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long start = max(addr & PMD_MASK, vma->vm_start);
	unsigned long end = min((addr & PMD_MASK) + PMD_SIZE, vma->vm_end);
	const unsigned long span = MIN_LRU_BATCH * PAGE_SIZE;
	bool can_swap = !page_is_file_lru(page);
	int new_gen;

	if (!pte_young(ptep_clear_bits(ptep, _PAGE_ACCESSED)))
		return false;
	if ((vma->vm_flags & VM_SPECIAL) || end - start == PAGE_SIZE) {
		flush_tlb_page(mm, addr);
		return true;
	}
	if (end - start > span) {
		if (addr - start < span / 2)
			end = start + span;
		else if (end - addr < span / 2)
			start = end - span;
		else
			start = addr - span / 2, end = addr + span / 2;
	}
	spin_lock(&lruvec->lru_lock);
	new_gen = lru_gen_from_seq(lruvec->lrugen.max_seq);
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		pte_t *p = ptep + ((long)a - (long)addr) / (long)PAGE_SIZE;
		struct page *young = lru_gen_young_page(pgdat, p, can_swap);

		if (young)
			lru_gen_promote(lruvec, young, new_gen);
	}
	spin_unlock(&lruvec->lru_lock);
	flush_tlb_range(mm, start, end);
	return true;
}

/* The eviction */

/*
 * sort_folio - a page at the tail of the oldest generation that should not be evicted yet:
 * unevictable (let through, shrink_folio_list culls it), promoted by the aging (to its
 * generation's list), or in a tier above @tier_idx or at the top of the counter
 * (protected: to the next generation, counted). Return: true when it was moved.
 * Context: lru_lock held.
 */
static bool sort_folio(struct lruvec *lruvec, struct page *page, int tier_idx)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	int gen = folio_lru_gen(page), type = page_is_file_lru(page);
	int refs = folio_lru_refs(page), tier = lru_tier_from_refs(refs);

	if (!page_evictable(page))
		return false;
	if (gen != lru_gen_from_seq(lrugen->min_seq[type])) {
		list_move(&page->lru, &lrugen->folios[gen][type]);
		return true;
	}
	if (tier > tier_idx || refs == 1 << LRU_REFS_WIDTH) {
		gen = folio_inc_gen(lruvec, page);
		list_move_tail(&page->lru, &lrugen->folios[gen][type]);
		lrugen->protected[type][tier - 1]++;
		return true;
	}
	return false;
}

/*
 * isolate_folio - take @page off its generation for reclaim, with a reference, PG_lru
 * cleared; its tier kept only if PG_referenced says it had accesses (see MAX_NR_TIERS), and
 * PG_referenced cleared for shrink_folio_list. Return: false when it is being freed.
 * Context: lru_lock held.
 */
static bool isolate_folio(struct lruvec *lruvec, struct page *page)
{
	if (!get_page_unless_zero(page))
		return false;
	ClearPageLRU(page);
	if (!PageReferenced(page))
		folio_clear_lru_refs(page);
	ClearPageReferenced(page);
	(void)lru_gen_del_folio(lruvec, page, true);
	return true;
}

/*
 * scan_folios - from the tail of the oldest generation of @type, sort or isolate pages onto
 * @list: at most MIN_LRU_BATCH isolated, MAX_LRU_BATCH looked at. Nothing while the type has
 * MIN_NR_GENS generations only (they are the active ones). Return: pages looked at, or 0
 * when none could be isolated and the batch was not used up.
 * Context: lru_lock held.
 */
static long scan_folios(struct lruvec *lruvec, struct scan_control *sc, int type, int tier,
			struct list_head *list)
{
	struct pglist_data *pgdat = lruvec_pgdat(lruvec);
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	struct list_head *head, moved = LIST_HEAD_INIT(moved);
	long scanned = 0, sorted = 0, isolated = 0, skipped = 0, remaining = MAX_LRU_BATCH;

	if (get_nr_gens(lruvec, type) == MIN_NR_GENS)
		return 0;
	head = &lrugen->folios[lru_gen_from_seq(lrugen->min_seq[type])][type];
	while (!list_empty(head)) {
		struct page *page = list_last_entry(head, struct page, lru);

		VM_BUG_ON(PageUnevictable(page) || PageActive(page) ||
			  page_is_file_lru(page) != type);
		scanned++;
		if (sort_folio(lruvec, page, tier)) {
			sorted++;
		} else if (isolate_folio(lruvec, page)) {
			list_add(&page->lru, list);
			isolated++;
		} else {
			list_move(&page->lru, &moved);
			skipped++;
		}
		if (!--remaining || max(isolated, skipped) >= MIN_LRU_BATCH)
			break;
	}
	if (skipped) {
		/* to the head of the list, as Linux's list_splice(&moved, head) */
		list_splice_tail_init(head, &moved);
		list_splice_tail_init(&moved, head);
	}
	count_vm_events(pgdat, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, (unsigned long)isolated);
	count_vm_events(pgdat, PGREFILL, (unsigned long)sorted);
	count_vm_events(pgdat, type ? PGSCAN_FILE : PGSCAN_ANON, (unsigned long)isolated);
	return isolated || !remaining ? scanned : 0;
}

/*
 * The tiers of @type from @first_tier up that refault no more than @sp (weighed by @sp_gain
 * against @gain): eviction takes the type's pages up to the last of them.
 */
static int last_tier_to_evict(const struct lru_gen_folio *lrugen, int type, unsigned long gain,
			      struct tier_record sp, unsigned long sp_gain)
{
	unsigned int tier = 1;

	while (tier < MAX_NR_TIERS &&
	       positive_ctrl_err(sp, sp_gain, tier_record_of(lrugen, type, (int)tier), gain))
		tier++;
	return (int)tier - 1;
}

/* The last tier of @type to evict: below the first that refaults more than tier 0 does. */
static int get_tier_idx(struct lruvec *lruvec, int type)
{
	const struct lru_gen_folio *lrugen = &lruvec->lrugen;

	return last_tier_to_evict(lrugen, type, 2, tier_record_of(lrugen, type, 0), 1);
}

/*
 * get_type_to_scan - the type whose first tier refaults less, weighted by swappiness
 * (anon) and MAX_SWAPPINESS - swappiness (file), and in *@tier_idx the last tier of it to
 * evict, measured against the other type's first tier.
 */
static int get_type_to_scan(struct lruvec *lruvec, int swappiness, int *tier_idx)
{
	const struct lru_gen_folio *lrugen = &lruvec->lrugen;
	const unsigned long gain[ANON_AND_FILE] = {
		[LRU_GEN_ANON] = (unsigned long)swappiness,
		[LRU_GEN_FILE] = (unsigned long)(MAX_SWAPPINESS - swappiness),
	};
	int type = positive_ctrl_err(tier_record_of(lrugen, LRU_GEN_ANON, 0), gain[LRU_GEN_ANON],
				     tier_record_of(lrugen, LRU_GEN_FILE, 0), gain[LRU_GEN_FILE]);

	*tier_idx = last_tier_to_evict(lrugen, type, gain[type],
				       tier_record_of(lrugen, !type, 0), gain[!type]);
	return type;
}

/*
 * The type eviction tries first: anon when its oldest generation is the older (and anon may
 * go at all), file when swappiness is 0 or 1, anon at MAX_SWAPPINESS, else the one the
 * controller picks, with the tier it picks (*@tier stays -1 otherwise).
 */
static int first_type_to_evict(struct lruvec *lruvec, int swappiness, int *tier)
{
	const unsigned long *min_seq = lruvec->lrugen.min_seq;

	if (swappiness && min_seq[LRU_GEN_ANON] < min_seq[LRU_GEN_FILE])
		return LRU_GEN_ANON;
	if (swappiness <= 1)
		return LRU_GEN_FILE;
	return swappiness == MAX_SWAPPINESS ? LRU_GEN_ANON :
					      get_type_to_scan(lruvec, swappiness, tier);
}

/*
 * isolate_folios - scan the first type to evict, then, when that gives nothing and anon may
 * go, the other one from its own tier. *@type_scanned: the type after the last empty scan
 * flips it, as Linux leaves it (the one scanned when a scan took pages).
 * Context: lru_lock held. Return: pages looked at.
 */
static long isolate_folios(struct lruvec *lruvec, struct scan_control *sc, int swappiness,
			   int *type_scanned, struct list_head *list)
{
	int tier = -1, type = first_type_to_evict(lruvec, swappiness, &tier);
	int tries = swappiness ? ANON_AND_FILE : 1;
	long scanned = 0;

	while (tries-- > 0 && !scanned) {
		scanned = scan_folios(lruvec, sc, type,
				      tier >= 0 ? tier : get_tier_idx(lruvec, type), list);
		if (!scanned) {
			type ^= 1;
			tier = -1;
		}
	}
	*type_scanned = type;
	return scanned;
}

/*
 * Sorts what shrink_folio_list left on @list: a page under writeback reclaim started goes
 * back as it is (lru_gen_add_folio keeps it young until the write ends and rotates it); a
 * page rejected for a reason that will last (activated, referenced, mapped, dirty) goes to
 * the youngest generation with its tier reset, rather than back to the oldest; the others
 * are moved to @clean for one retry.
 */
static void evict_sort_rejected(struct list_head *list, struct list_head *clean, bool skip_retry)
{
	struct list_head *pos, *n;

	list_for_each_safe(pos, n, list) {
		struct page *page = list_entry(pos, struct page, lru);

		if (!page_evictable(page))
			continue;	/* move_folios_to_lru culls it */
		if (PageReclaim(page) && (PageDirty(page) || PageWriteback(page))) {
			/* its writeback's end rotates it; isolate_folio cleared its tier */
			if (PageWorkingset(page))
				SetPageReferenced(page);
			continue;
		}
		if (skip_retry || PageActive(page) || PageReferenced(page) ||
		    page_mapcount(page) || PageLocked(page) || PageDirty(page) ||
		    PageWriteback(page)) {
			(void)page_set_mask_bits(page, LRU_REFS_MASK | LRU_REFS_FLAGS,
						 1UL << PG_active);
			continue;
		}
		list_move(&page->lru, clean);
	}
}

/*
 * evict_folios - one batch: isolate from the oldest generation, move min_seq past what
 * emptied, reclaim the batch through shrink_folio_list, put the rest back (one retry for
 * the clean ones).
 * Return: pages looked at (0: nothing left to evict without aging).
 */
static long evict_folios(struct lruvec *lruvec, struct scan_control *sc, int swappiness)
{
	struct pglist_data *pgdat = lruvec_pgdat(lruvec);
	struct list_head list = LIST_HEAD_INIT(list), clean = LIST_HEAD_INIT(clean);
	unsigned long reclaimed, taken = 0;
	struct list_head *pos;
	bool skip_retry = false, stuck;
	long scanned;
	int type;

	spin_lock(&lruvec->lru_lock);
	scanned = isolate_folios(lruvec, sc, swappiness, &type, &list) +
		  try_to_inc_min_seq(lruvec, swappiness);
	/* the other type down to its last generations: nothing more without aging */
	stuck = get_nr_gens(lruvec, !swappiness) == MIN_NR_GENS;
	spin_unlock(&lruvec->lru_lock);
	if (stuck)
		scanned = 0;
	list_for_each(pos, &list)
		taken++;
	if (!taken)
		return scanned;
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + type, (long)taken);
	sc->nr_scanned += taken;
retry:
	reclaimed = shrink_folio_list(pgdat, &list, sc, &(struct reclaim_stat){ 0 });
	sc->nr_reclaimed += reclaimed;
	count_vm_events(pgdat, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, reclaimed);
	count_vm_events(pgdat, type ? PGSTEAL_FILE : PGSTEAL_ANON, reclaimed);
	evict_sort_rejected(&list, &clean, skip_retry);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + type, -(long)taken);
	taken = 0;
	move_folios_to_lru(pgdat, &list);
	list_for_each(pos, &clean)
		taken++;
	if (taken) {
		mod_node_page_state(pgdat, NR_ISOLATED_ANON + type, (long)taken);
		list_splice_tail_init(&clean, &list);
		skip_retry = true;
		goto retry;
	}
	return scanned;
}

/* The pages generation @seq of @type holds (read without lru_lock: never below 0). */
static unsigned long gen_pages(const struct lru_gen_folio *lrugen, unsigned long seq, int type)
{
	long n = __atomic_load_n(&lrugen->nr_pages[lru_gen_from_seq(seq)][type], __ATOMIC_RELAXED);

	return n > 0 ? (unsigned long)n : 0;
}

/*
 * should_run_aging - whether the lruvec is out of cold pages (down to MIN_NR_GENS), or its
 * generations are badly spread: more than 1/MIN_NR_GENS of the pages in the youngest, or
 * fewer than 1/(MIN_NR_GENS + 2) in the oldest of the MIN_NR_GENS + 1 ideal ones.
 * *@nr_to_scan: the evictable pages.
 */
static bool should_run_aging(struct lruvec *lruvec, unsigned long max_seq, bool can_swap,
			     unsigned long *nr_to_scan)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	unsigned long min_seq[ANON_AND_FILE], old = 0, young = 0, total = 0;

	min_seq[0] = __atomic_load_n(&lrugen->min_seq[0], __ATOMIC_RELAXED);
	min_seq[1] = __atomic_load_n(&lrugen->min_seq[1], __ATOMIC_RELAXED);
	if (min_seq[!can_swap] + MIN_NR_GENS > max_seq) {
		*nr_to_scan = 0;
		return true;
	}
	for (int type = !can_swap; type < ANON_AND_FILE; type++) {
		for (unsigned long seq = min_seq[type]; seq <= max_seq; seq++)
			total += gen_pages(lrugen, seq, type);
		young += gen_pages(lrugen, max_seq, type);
		/* the oldest of the MIN_NR_GENS + 1 generations the aging aims for, if there */
		if (min_seq[type] + MIN_NR_GENS <= max_seq)
			old += gen_pages(lrugen, max_seq - MIN_NR_GENS, type);
	}
	*nr_to_scan = total;
	if (min_seq[!can_swap] + MIN_NR_GENS < max_seq)
		return false;
	return young * MIN_NR_GENS > total || old * (MIN_NR_GENS + 2) < total;
}

/*
 * get_nr_to_scan - how many pages to scan at this priority; when aging is due (and the
 * priority is past DEF_PRIORITY), age instead. Return: the number, 0 to stop, -1 when the
 * aging made a new generation (stop this pass too).
 */
static long get_nr_to_scan(struct lruvec *lruvec, struct scan_control *sc, bool can_swap)
{
	unsigned long max_seq = __atomic_load_n(&lruvec->lrugen.max_seq, __ATOMIC_RELAXED);
	unsigned long nr_to_scan;
	bool aging = should_run_aging(lruvec, max_seq, can_swap, &nr_to_scan);

	if (!aging || sc->priority == DEF_PRIORITY)
		return (long)(nr_to_scan >> sc->priority);
	return try_to_inc_max_seq(lruvec, max_seq, can_swap) ? -1 : 0;
}

/* The run has what it wanted, or kswapd's zone is back above high (should_abort_scan). */
static bool should_abort_scan(struct lruvec *lruvec, struct scan_control *sc)
{
	struct zone *zone = &lruvec_pgdat(lruvec)->zone;

	if (sc->nr_reclaimed >= sc->nr_to_reclaim)
		return true;
	if (!sc->kswapd)
		return false;
	return zone_watermark_ok(zone, 0, high_wmark_pages(zone) + MIN_LRU_BATCH);
}

/* try_to_shrink_lruvec - evict batches until the scan target or the run's is met. */
static void try_to_shrink_lruvec(struct lruvec *lruvec, struct scan_control *sc)
{
	int swappiness = get_swappiness(lruvec, sc);
	long scanned = 0;

	for (;;) {
		/* asked before each batch: it may age instead, and the batch changed the sizes */
		long target = get_nr_to_scan(lruvec, sc, swappiness);
		long batch = target > 0 ? evict_folios(lruvec, sc, swappiness) : 0;

		scanned += batch;
		/* nothing to scan or to evict, this target met, or the run's goal */
		if (!batch || scanned >= target || should_abort_scan(lruvec, sc))
			return;
	}
}

/*
 * set_initial_priority - a large run starts at the priority where (reclaimable >> priority)
 * meets its target, between DEF_PRIORITY / 2 and DEF_PRIORITY.
 */
static void set_initial_priority(struct pglist_data *pgdat, struct scan_control *sc)
{
	unsigned long reclaimable;
	int priority;

	if (sc->priority != DEF_PRIORITY || sc->nr_to_reclaim < MIN_LRU_BATCH)
		return;
	reclaimable = node_page_state(pgdat, NR_INACTIVE_FILE);
	if (get_swappiness(&pgdat->lruvec, sc))
		reclaimable += node_page_state(pgdat, NR_INACTIVE_ANON);
	priority = (reclaimable ? 63 - __builtin_clzl(reclaimable) : -1) -
		   (64 - __builtin_clzl(sc->nr_to_reclaim - 1));
	sc->priority = max(DEF_PRIORITY / 2, min(priority, DEF_PRIORITY));
}

/**
 * lru_gen_shrink_node - shrink_node under MGLRU (lru_gen_shrink_node for the root memcg):
 * drain this thread's batches, then age and evict until @sc's target is met.
 * Context: no locks held.
 */
void lru_gen_shrink_node(struct pglist_data *pgdat, struct scan_control *sc)
{
	lru_add_drain(pgdat);
	set_initial_priority(pgdat, sc);
	try_to_shrink_lruvec(&pgdat->lruvec, sc);
}

/* The debugfs view */

/**
 * lru_gen_seq_show - /sys/kernel/debug/lru_gen as the kernel prints it for a kernel without
 * memcg (memcg id 0, no path): the node, then one line per generation from the oldest anon
 * one to max_seq - its sequence number, its age in ms, its anon and file pages.
 * Context: takes lru_lock and the clock's lock.
 * Return: 0, or -ENOENT when the machine does not run MGLRU (a kernel without
 * CONFIG_LRU_GEN has no such file).
 */
int lru_gen_seq_show(struct machine *m, FILE *out)
{
	struct lruvec *lruvec = &m->pgdat.lruvec;
	struct lru_gen_folio *lrugen = &lruvec->lrugen, snap;
	uint64_t now;

	if (!lru_gen_enabled(&m->pgdat))
		return -ENOENT;
	now = lru_gen_clock(m);
	spin_lock(&lruvec->lru_lock);
	snap.max_seq = lrugen->max_seq;
	snap.min_seq[LRU_GEN_ANON] = lrugen->min_seq[LRU_GEN_ANON];
	memcpy(snap.timestamps, lrugen->timestamps, sizeof(snap.timestamps));
	memcpy(snap.nr_pages, lrugen->nr_pages, sizeof(snap.nr_pages));
	spin_unlock(&lruvec->lru_lock);
	fprintf(out, "memcg %5hu %s\n", (unsigned short)0, "");
	fprintf(out, " node %5d\n", 0);
	for (unsigned long seq = snap.min_seq[LRU_GEN_ANON]; seq <= snap.max_seq; seq++) {
		int gen = lru_gen_from_seq(seq);
		uint64_t birth = snap.timestamps[gen];

		fprintf(out, " %10lu %10u", seq, (unsigned int)((now - birth) / 1000000));
		for (int type = 0; type < ANON_AND_FILE; type++) {
			long size = max(snap.nr_pages[gen][type], 0L);

			fprintf(out, " %10lu%c", (unsigned long)size, ' ');
		}
		fputc('\n', out);
	}
	return 0;
}

MMLAB_EXPORT int mmlab_lru_gen(struct mmlab_machine *mm, FILE *out)
{
	if (!mm || !out)
		return -EINVAL;
	return lru_gen_seq_show(machine_of(mm), out);
}
