// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Putting pages on the LRU lists and moving them between lists (the LRU half of mm/swap.c, with
 * mm/mlock.c's move to the unevictable list). New pages do not take the LRU lock one by one: each
 * goes into its thread's lru_add batch with a reference, and the batch moves to the lists under one
 * lock acquisition when it is full or drained (Linux's per-CPU cpu_fbatches; here per host thread,
 * found through the thread's vmstat set, vmstat.c). Activation (the second mark_page_accessed),
 * deactivation (MADV_COLD) and mlock's moves to and from the unevictable list go through batches
 * the same way. A page's list follows its flags (lru.h's page_lru): PG_lru while listed, PG_active,
 * PG_swapbacked, PG_unevictable; a page leaves its list when its last reference goes
 * (__page_cache_release, from put_page) or when reclaim isolates it.
 *
 * The pure modes (--lru lru|clock) keep every evictable page on one list, new pages going
 * there at once (no batch, so that the list's order is the faults'), each counted as inactive
 * anon or inactive file by its kind (lru.h's page_lru_stat): in lru mode each access
 * the MMU reports moves its page to the head (lru_access_page; the MMU has no TLB then and
 * reports every access); in clock mode the list is the clock, reclaim's hand turning at the
 * tail.
 *
 * Under --lru mglru the same batches feed the generation lists (lru.h's lru_gen_add_folio):
 * a page added inside a fault is marked active first and goes to the youngest generation
 * (folio_add_lru's lru_gen_in_fault), mark_page_accessed counts accesses through file
 * descriptors in the page's tier instead of activating it (folio_inc_refs), and
 * deactivation sends any page to an older generation. lru_gen_validate checks the
 * generations' invariants.
 *
 * Left out: batches of other threads are never drained by this thread (lru_add_drain_all:
 * they hold at most 31 pages each and go to the lists when their owner next drains), the
 * move-to-tail batch of writeback completion (pages written back are freed by reclaim at
 * once).
 */
#include "phys/lru.h"

#include <string.h>

/* The calling thread's batches for @pgdat, or NULL when it has none (no memory). */
static struct cpu_fbatches *this_cpu_fbatches(struct pglist_data *pgdat)
{
	struct vm_event_state *s = vm_event_cache.state;

	if (unlikely(vm_event_cache.id != pgdat->vm_events.id))
		s = vm_event_state_get(&pgdat->vm_events);
	return s ? &s->fbatches : NULL;
}

__thread bool current_in_lru_fault __attribute__((tls_model("initial-exec")));

void lruvec_init(struct lruvec *lruvec)
{
	spin_lock_init(&lruvec->lru_lock);
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		INIT_LIST_HEAD(&lruvec->lists[lru]);
	lru_gen_init_lruvec(lruvec);
}

/* What a batch does to each of its pages under the LRU lock. */
typedef void (*move_fn_t)(struct lruvec *lruvec, struct page *page);

/*
 * lru_add - a new page goes on its list (lru_add): the unevictable one when it is mlocked or
 * its mapping is (the adder set PG_unevictable), else the one its flags name. Pure modes
 * have no active list. An mlocked page starts with no mlock counted: whoever mlocked it
 * may have counted already or not, and an undercount only ends the mlock early, where an
 * overcount would keep the page unevictable for good (the mlock batch, drained after this
 * one, counts the mlock that is pending).
 */
static void lru_add(struct lruvec *lruvec, struct page *page)
{
	struct pglist_data *pgdat = lruvec_pgdat(lruvec);

	VM_BUG_ON(PageLRU(page));
	if (PageMlocked(page) || PageUnevictable(page)) {
		ClearPageActive(page);
		SetPageUnevictable(page);
		page->mlock_count = 0;
		count_vm_event(pgdat, UNEVICTABLE_PGCULLED);
	} else if (pgdat->lru_mode >= LRU_MODE_LRU) {
		ClearPageActive(page);
	}
	lruvec_add_page(lruvec, page);
}

/* lru_activate: an inactive page moves to the head of the active list. */
static void lru_activate(struct lruvec *lruvec, struct page *page)
{
	if (PageActive(page) || PageUnevictable(page) ||
	    lruvec_pgdat(lruvec)->lru_mode >= LRU_MODE_LRU)
		return;
	lruvec_del_page(lruvec, page);
	SetPageActive(page);
	lruvec_add_page(lruvec, page);
	count_vm_event(lruvec_pgdat(lruvec), PGACTIVATE);
	workingset_activation(lruvec_pgdat(lruvec), page);
}

/*
 * lru_deactivate: an active page moves to the head of the inactive list, unreferenced; under
 * MGLRU any page moves to an older generation.
 */
static void lru_deactivate(struct lruvec *lruvec, struct page *page)
{
	if (PageUnevictable(page) || !(PageActive(page) || lru_gen_enabled(lruvec_pgdat(lruvec))))
		return;
	lruvec_del_page(lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	lruvec_add_page(lruvec, page);
	count_vm_event(lruvec_pgdat(lruvec), PGDEACTIVATE);
}

/*
 * folio_batch_move_lru - apply @move to each page of @fbatch under one acquisition of the
 * LRU lock, then drop the batch's references. A page other than a new one is moved only if
 * it is still listed; PG_lru is cleared around the move, as isolation would.
 */
static void folio_batch_move_lru(struct pglist_data *pgdat, struct folio_batch *fbatch,
				 move_fn_t move)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned int i;

	spin_lock(&lruvec->lru_lock);
	for (i = 0; i < fbatch->nr; i++) {
		struct page *page = fbatch->pages[i];

		if (move == lru_add) {
			lru_add(lruvec, page);
			SetPageLRU(page);
		} else if (PageLRU(page)) {
			move(lruvec, page);
		}
	}
	spin_unlock(&lruvec->lru_lock);
	for (i = 0; i < fbatch->nr; i++)
		put_page(pgdat, fbatch->pages[i]);
	fbatch->nr = 0;
}

/*
 * Adds @page with a reference to @fbatch, moving the whole batch when it fills. Without a
 * batch (no per-thread set could be had) the page moves alone.
 */
static void folio_batch_add_and_move(struct pglist_data *pgdat, struct folio_batch *fbatch,
				     struct page *page, move_fn_t move)
{
	struct folio_batch one = { .nr = 1, .pages = { page } };

	get_page(page);
	if (unlikely(!fbatch)) {
		folio_batch_move_lru(pgdat, &one, move);
		return;
	}
	fbatch->pages[fbatch->nr++] = page;
	if (fbatch->nr == FOLIO_BATCH_SIZE)
		folio_batch_move_lru(pgdat, fbatch, move);
}

/**
 * lru_cache_add - queue a page that just became anonymous-mapped or page cache for its LRU
 * list (folio_add_lru): it joins the calling thread's lru_add batch, holding a reference
 * until the batch drains; the list is chosen then, so a mark_page_accessed before that can
 * still send it to the active list.
 * Context: any; the page is not on a list yet.
 */
void lru_cache_add(struct pglist_data *pgdat, struct page *page)
{
	struct cpu_fbatches *fb = this_cpu_fbatches(pgdat);

	VM_BUG_ON(PageLRU(page) || (PageActive(page) && PageUnevictable(page)));
	/* MGLRU: a page a fault brought in was touched through a page table: the youngest */
	if (lru_gen_enabled(pgdat) && current_in_lru_fault && !PageUnevictable(page))
		SetPageActive(page);
	/* pure modes: on the list at once, so that its order is the order of the faults */
	if (pgdat->lru_mode >= LRU_MODE_LRU)
		fb = NULL;
	folio_batch_add_and_move(pgdat, fb ? &fb->lru_add : NULL, page, lru_add);
}

/**
 * lru_cache_add_new - lru_cache_add for a page just allocated that no other thread can reach
 * yet (not in a page table or cache): the batch's reference is taken with a plain store, as
 * the kernel's __folio_set_* flags of a new folio are, sparing the fault path a locked
 * instruction right after zeroing the page.
 * Context: any; @page has the allocation's single reference.
 */
void lru_cache_add_new(struct pglist_data *pgdat, struct page *page)
{
	struct cpu_fbatches *fb = this_cpu_fbatches(pgdat);
	struct folio_batch *fbatch;

	if (unlikely(!fb || pgdat->lru_mode != LRU_MODE_CLASSIC)) {
		lru_cache_add(pgdat, page);
		return;
	}
	VM_BUG_ON(page_ref_count(page) != 1 || PageLRU(page));
	__atomic_store_n(&page->_refcount, 2, __ATOMIC_RELAXED);
	fbatch = &fb->lru_add;
	fbatch->pages[fbatch->nr++] = page;
	if (fbatch->nr == FOLIO_BATCH_SIZE)
		folio_batch_move_lru(pgdat, fbatch, lru_add);
}

static void mlock_batch_move(struct pglist_data *pgdat, struct folio_batch *fbatch);

/* Moves every batch of @fb to the lists. */
static void lru_add_drain_batches(struct pglist_data *pgdat, struct cpu_fbatches *fb)
{
	if (fb->lru_add.nr)
		folio_batch_move_lru(pgdat, &fb->lru_add, lru_add);
	if (fb->lru_activate.nr)
		folio_batch_move_lru(pgdat, &fb->lru_activate, lru_activate);
	if (fb->lru_deactivate.nr)
		folio_batch_move_lru(pgdat, &fb->lru_deactivate, lru_deactivate);
	if (fb->mlock.nr)
		mlock_batch_move(pgdat, &fb->mlock);	/* mlock_drain_local */
}

/**
 * lru_add_drain_all - move every thread's batches on @pgdat to the lists (lru_add_drain_all,
 * and the drain of a dead CPU's batches, lru_add_drain_cpu from page_alloc_cpu_dead): what a
 * thread that ended left in its batches would otherwise hold for the node's life.
 * Context: quiescent: no other thread adds to a batch of @pgdat meanwhile (the batches have
 * no lock; their owners touch them with plain stores). Takes the node's list lock.
 */
void lru_add_drain_all(struct pglist_data *pgdat)
{
	struct vm_events *ev = &pgdat->vm_events;

	if (!ev->id)
		return;
	pthread_mutex_lock(&ev->lock);
	for (struct vm_event_state *s = ev->states; s; s = s->next)
		lru_add_drain_batches(pgdat, &s->fbatches);
	pthread_mutex_unlock(&ev->lock);
}

/**
 * lru_add_drain - move the calling thread's batches to the lists (lru_add_drain), as reclaim
 * and the callers that count references do first.
 * Context: any.
 */
void lru_add_drain(struct pglist_data *pgdat)
{
	struct cpu_fbatches *fb = this_cpu_fbatches(pgdat);

	if (fb)
		lru_add_drain_batches(pgdat, fb);
}

/*
 * A page not on a list is most likely in this thread's lru_add batch: mark it active there,
 * so that it goes to the active list when the batch drains (__lru_cache_activate_folio).
 */
static void __lru_cache_activate_page(struct pglist_data *pgdat, struct page *page)
{
	struct cpu_fbatches *fb = this_cpu_fbatches(pgdat);

	if (!fb)
		return;
	for (unsigned int i = fb->lru_add.nr; i-- > 0;) {
		if (fb->lru_add.pages[i] == page) {
			SetPageActive(page);
			return;
		}
	}
}

/**
 * mark_page_accessed - @page saw an access that reclaim cannot learn from an accessed bit
 * (read(), write(), a zap of a young entry): inactive unreferenced becomes inactive
 * referenced, inactive referenced becomes active (folio_mark_accessed). In --lru lru mode
 * the page moves to the head of the one list; in clock mode it gets its reference bit.
 * Context: any; the caller holds a reference on @page.
 */
void mark_page_accessed(struct pglist_data *pgdat, struct page *page)
{
	if (lru_gen_enabled(pgdat)) {
		folio_inc_refs(page);
		return;
	}
	if (pgdat->lru_mode == LRU_MODE_LRU) {
		lru_access_page(pgdat, page);
		return;
	}
	if (!PageReferenced(page)) {
		SetPageReferenced(page);
	} else if (PageUnevictable(page) || pgdat->lru_mode == LRU_MODE_CLOCK) {
		/* the unevictable list is never rotated; a clock has no active list */
	} else if (!PageActive(page)) {
		if (PageLRU(page)) {
			struct cpu_fbatches *fb = this_cpu_fbatches(pgdat);

			folio_batch_add_and_move(pgdat, fb ? &fb->lru_activate : NULL, page,
						 lru_activate);
		} else {
			__lru_cache_activate_page(pgdat, page);
		}
		ClearPageReferenced(page);
	}
}

/**
 * deactivate_page - MADV_COLD's request (folio_deactivate): an active page goes to the
 * inactive list through the lru_deactivate batch, losing its referenced bit.
 * Context: any; the caller holds a reference on @page.
 */
void deactivate_page(struct pglist_data *pgdat, struct page *page)
{
	struct cpu_fbatches *fb;

	if (PageUnevictable(page) || !PageLRU(page) ||
	    !(PageActive(page) || lru_gen_enabled(pgdat)))
		return;
	fb = this_cpu_fbatches(pgdat);
	folio_batch_add_and_move(pgdat, fb ? &fb->lru_deactivate : NULL, page, lru_deactivate);
}

/*
 * Changes @page's PG_swapbacked to @swapbacked, moving it between the anon and file lists if
 * it is listed: under the LRU lock, so that its list and its flags never disagree.
 */
static void lru_set_swapbacked(struct pglist_data *pgdat, struct page *page, bool swapbacked)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	bool listed;

	spin_lock(&lruvec->lru_lock);
	listed = PageLRU(page);
	if (listed)
		lruvec_del_page(lruvec, page);
	if (swapbacked)
		SetPageSwapBacked(page);
	else
		ClearPageSwapBacked(page);
	if (listed)
		lruvec_add_page(lruvec, page);
	spin_unlock(&lruvec->lru_lock);
}

/**
 * mark_page_lazyfree - MADV_FREE's change (folio_mark_lazyfree, lru_lazyfree): an anonymous
 * page loses PG_swapbacked, PG_active and PG_referenced and moves to the inactive file list,
 * where reclaim drops it unless it is written again. Done at once, not batched, so that
 * smaps counts it LazyFree right after the call.
 * Context: any; the caller holds a reference on @page.
 */
void mark_page_lazyfree(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	bool listed;

	if (!PageSwapBacked(page) || PageSwapCache(page) || PageUnevictable(page))
		return;
	spin_lock(&lruvec->lru_lock);
	listed = PageLRU(page);
	if (listed)
		lruvec_del_page(lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	ClearPageSwapBacked(page);
	if (listed)
		lruvec_add_page(lruvec, page);
	spin_unlock(&lruvec->lru_lock);
	count_vm_event(pgdat, PGLAZYFREE);
}

/**
 * lru_page_set_swapbacked - a lazily freeable page was written again (or is shared): it is
 * an ordinary anonymous page once more, back on the anon lists.
 * Context: any; the caller holds a reference on @page.
 */
void lru_page_set_swapbacked(struct pglist_data *pgdat, struct page *page)
{
	if (!PageSwapBacked(page))
		lru_set_swapbacked(pgdat, page, true);
}

/**
 * lru_access_page - --lru lru mode: an access to @page makes it the most recently used, at
 * the head of the one list (a page still in a batch goes there when the batch drains).
 * Context: any; the caller holds a reference on @page, or the page-table lock of an entry
 * mapping it.
 */
void lru_access_page(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;

	spin_lock(&lruvec->lru_lock);
	if (PageLRU(page) && !PageUnevictable(page))
		list_move(&page->lru, &lruvec->lists[LRU_INACTIVE_FILE]);
	spin_unlock(&lruvec->lru_lock);
}

/*
 * The mlock count. While a page is on the unevictable list, page->mlock_count counts the
 * locked VMAs mapping it (Linux keeps it in the LRU links' room, folio->mlock_count): each
 * mlock of a listed unevictable page adds one and each munlock takes one, and only the
 * munlock that brings it to zero clears PG_mlocked. A page off the lists (isolated, or in an
 * lru_add batch) cannot be counted: an mlock then is left to whoever puts it on a list (with
 * a count of zero, lru_add and putback_lru_page), and an munlock then ends the mlock at once.
 * The count errs low, never high: a page still mapped by a locked VMA after its mlock ended
 * early is mlocked again when reclaim's rmap walk meets that VMA.
 */

/*
 * __mlock_page - an mlocked page on an evictable list moves to the unevictable one with a
 * count of one (culled); one already there counts one more lock (__mlock_folio). A page
 * munlocked since it was queued stays where it is.
 * Context: lru_lock held.
 */
static void __mlock_page(struct lruvec *lruvec, struct page *page)
{
	if (!PageLRU(page) || !PageMlocked(page))
		return;
	if (PageUnevictable(page)) {
		page->mlock_count++;
		return;
	}
	lruvec_del_page(lruvec, page);
	ClearPageActive(page);
	SetPageUnevictable(page);
	page->mlock_count = 1;
	lruvec_add_page(lruvec, page);
	count_vm_event(lruvec_pgdat(lruvec), UNEVICTABLE_PGCULLED);
}

/*
 * __mlock_new_page - a new page a locked VMA's fault mapped goes straight to the unevictable
 * list, locked once (__mlock_new_folio), unless it was munlocked meanwhile.
 * Context: lru_lock held; the page is on no list.
 */
static void __mlock_new_page(struct lruvec *lruvec, struct page *page)
{
	VM_BUG_ON(PageLRU(page));
	if (PageMlocked(page)) {
		ClearPageActive(page);
		SetPageUnevictable(page);
		page->mlock_count = 1;
		count_vm_event(lruvec_pgdat(lruvec), UNEVICTABLE_PGCULLED);
	}
	lruvec_add_page(lruvec, page);
	SetPageLRU(page);
}

/*
 * __munlock_page - one lock of @page goes (__munlock_folio). A listed unevictable page whose
 * count stays above zero is still locked; otherwise PG_mlocked goes (munlocked, or stranded
 * when reclaim holds the page isolated from the unevictable list) and a listed page returns
 * to an evictable list (rescued), unless its mapping keeps it unevictable (SHM_LOCK, ramfs).
 * Context: lru_lock held.
 */
static void __munlock_page(struct lruvec *lruvec, struct page *page)
{
	struct pglist_data *pgdat = lruvec_pgdat(lruvec);
	bool listed = PageLRU(page);

	if (listed && PageUnevictable(page) && page->mlock_count) {
		if (--page->mlock_count)
			return;
	}
	if (test_and_clear_page_flag(page, PG_mlocked)) {
		mod_node_page_state(pgdat, NR_MLOCK, -1);
		count_vm_event(pgdat, listed || !PageUnevictable(page) ? UNEVICTABLE_PGMUNLOCKED
								       : UNEVICTABLE_PGSTRANDED);
	}
	if (listed && PageUnevictable(page) &&
	    (!pgdat->reclaim || pgdat->reclaim->page_evictable(page))) {
		lruvec_del_page(lruvec, page);
		ClearPageUnevictable(page);
		lruvec_add_page(lruvec, page);
		count_vm_event(pgdat, UNEVICTABLE_PGRESCUED);
	}
}

/* An mlock batch entry is a page pointer tagged with what to do (struct page is aligned). */
enum mlock_op {
	MLOCK_LISTED = 0,	/* mlock_page */
	MLOCK_NEW = 1,		/* mlock_new_page */
	MLOCK_MUNLOCK = 2,	/* munlock_page */
};
#define MLOCK_OP_MASK 3UL

/* mlock_folio_batch: the mlock batch's moves under one lock, then its references dropped. */
static void mlock_batch_move(struct pglist_data *pgdat, struct folio_batch *fbatch)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned int i;

	spin_lock(&lruvec->lru_lock);
	for (i = 0; i < fbatch->nr; i++) {
		unsigned long e = (unsigned long)fbatch->pages[i];
		struct page *page = (struct page *)(e & ~MLOCK_OP_MASK);

		switch ((enum mlock_op)(e & MLOCK_OP_MASK)) {
		case MLOCK_LISTED:
			__mlock_page(lruvec, page);
			break;
		case MLOCK_NEW:
			__mlock_new_page(lruvec, page);
			break;
		default:
			__munlock_page(lruvec, page);
			break;
		}
		fbatch->pages[i] = page;
	}
	spin_unlock(&lruvec->lru_lock);
	for (i = 0; i < fbatch->nr; i++)
		put_page(pgdat, fbatch->pages[i]);
	fbatch->nr = 0;
}

/* Queues @page (a reference taken) for @op in this thread's mlock batch, moving it when full. */
static void mlock_batch_add(struct pglist_data *pgdat, struct page *page, enum mlock_op op)
{
	struct cpu_fbatches *fb = this_cpu_fbatches(pgdat);
	struct folio_batch one = { .nr = 0 };
	struct folio_batch *fbatch = fb ? &fb->mlock : &one;

	BUILD_BUG_ON(__alignof__(struct page) <= MLOCK_OP_MASK);
	get_page(page);
	fbatch->pages[fbatch->nr++] = (struct page *)((unsigned long)page | op);
	if (fbatch->nr == FOLIO_BATCH_SIZE || !fb)
		mlock_batch_move(pgdat, fbatch);
}

/**
 * mlock_page - a VM_LOCKED VMA maps @page (mlock_folio): PG_mlocked at once, counted in
 * NR_MLOCK (Mlocked) and unevictable_pgs_mlocked the first time; the move to the unevictable
 * list, or one more lock counted there, waits in this thread's mlock batch until it fills or
 * drains (lru_add_drain), as Linux's per-CPU one.
 * Context: any; the caller holds a reference on @page (or the lock of an entry mapping it).
 */
void mlock_page(struct pglist_data *pgdat, struct page *page)
{
	if (!test_and_set_page_flag(page, PG_mlocked)) {
		mod_node_page_state(pgdat, NR_MLOCK, 1);
		count_vm_event(pgdat, UNEVICTABLE_PGMLOCKED);
	}
	mlock_batch_add(pgdat, page, MLOCK_LISTED);
}

/**
 * mlock_new_page - a page just allocated for a VM_LOCKED VMA's fault, on no list yet
 * (mlock_new_folio): mlocked at once, and put on the unevictable list locked once when the
 * mlock batch moves it, instead of going through the lru_add batch.
 * Context: the page is not reachable by other threads yet.
 */
void mlock_new_page(struct pglist_data *pgdat, struct page *page)
{
	VM_BUG_ON(PageLRU(page));
	SetPageMlocked(page);
	mod_node_page_state(pgdat, NR_MLOCK, 1);
	count_vm_event(pgdat, UNEVICTABLE_PGMLOCKED);
	mlock_batch_add(pgdat, page, MLOCK_NEW);
}

/**
 * munlock_page - a VM_LOCKED VMA no longer maps @page, or is unlocked (munlock_folio): when
 * the mlock batch moves it, one lock of the page goes, and with the last the page leaves the
 * mlock (PG_mlocked, NR_MLOCK) and the unevictable list.
 * Context: any; the caller holds a reference on @page (or the lock of an entry mapping it).
 */
void munlock_page(struct pglist_data *pgdat, struct page *page)
{
	mlock_batch_add(pgdat, page, MLOCK_MUNLOCK);
}

/**
 * isolate_lru_page - take @page off its list for the caller (folio_isolate_lru), with a
 * reference of the caller's; PG_lru is cleared, so nobody else moves it meanwhile.
 * Context: lru_lock not held; the caller holds a reference on @page.
 * Return: false when the page is not listed.
 */
bool isolate_lru_page(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	bool ok = false;

	spin_lock(&lruvec->lru_lock);
	if (PageLRU(page)) {
		get_page(page);
		ClearPageLRU(page);
		lruvec_del_page(lruvec, page);
		ok = true;
	}
	spin_unlock(&lruvec->lru_lock);
	return ok;
}

/**
 * putback_lru_page - return an isolated page to the head of the list its flags name now, and
 * drop the isolation's reference (folio_putback_lru).
 * Context: lru_lock not held.
 */
void putback_lru_page(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;

	spin_lock(&lruvec->lru_lock);
	VM_BUG_ON(PageLRU(page));
	if (PageMlocked(page))
		SetPageUnevictable(page);
	if (PageUnevictable(page))
		page->mlock_count = 0;	/* as lru_add: the locks are not known */
	SetPageLRU(page);
	lruvec_add_page(lruvec, page);
	spin_unlock(&lruvec->lru_lock);
	put_page(pgdat, page);
}

/**
 * __page_cache_release - the last reference to @page went: off its list, and out of the
 * mlock count (__page_cache_release, __folio_put's first step).
 * Context: the page's reference count is zero, so no one can isolate it meanwhile.
 */
void __page_cache_release(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;

	if (PageLRU(page)) {
		spin_lock(&lruvec->lru_lock);
		lruvec_del_page(lruvec, page);
		ClearPageLRU(page);
		spin_unlock(&lruvec->lru_lock);
	}
	if (PageMlocked(page)) {
		/* no munlock came first (free_pages_prepare's unevictable_pgs_cleared) */
		ClearPageMlocked(page);
		mod_node_page_state(pgdat, NR_MLOCK, -1);
		count_vm_event(pgdat, UNEVICTABLE_PGCLEARED);
	}
}

/**
 * lru_validate - every listed page is on the list its flags name, holds a reference and has
 * PG_lru, and each counter equals the number of listed pages it counts (page_lru_stat: a
 * list's length, or in the pure modes the one list's anon and file pages apart).
 * Context: takes lru_lock; counts of isolated pages may move meanwhile.
 * Return: 0, or -EUCLEAN after printing the first inconsistency.
 */
int lru_validate(struct pglist_data *pgdat)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	unsigned long counted[NR_LRU_LISTS] = { 0 };
	int err = 0;

	if (lru_gen_enabled(pgdat)) {
		err = lru_gen_validate(pgdat);
		if (err)
			return err;
	}
	spin_lock(&lruvec->lru_lock);
	for (int lru = 0; lru < NR_LRU_LISTS && !err; lru++) {
		struct list_head *pos;

		list_for_each(pos, &lruvec->lists[lru]) {
			struct page *page = list_entry(pos, struct page, lru);

			if (lru_gen_enabled(pgdat) && lru != LRU_UNEVICTABLE) {
				fprintf(stderr, "lru: pfn %lu on classic list %d under MGLRU\n",
					page_to_pfn(pgdat, page), lru);
				err = -EUCLEAN;
				break;
			}

			if (!PageLRU(page) || page_ref_count(page) <= 0 ||
			    (int)page_lru(pgdat, page) != lru) {
				fprintf(stderr, "lru: pfn %lu on list %d: flags %#lx ref %d\n",
					page_to_pfn(pgdat, page), lru, page->flags,
					page_ref_count(page));
				err = -EUCLEAN;
				break;
			}
			counted[page_lru_stat(pgdat, page)]++;
		}
	}
	for (int lru = 0; lru < NR_LRU_LISTS && !err; lru++) {
		/* MGLRU: the evictable counters are the generations', checked above */
		if ((lru == LRU_UNEVICTABLE || !lru_gen_enabled(pgdat)) &&
		    counted[lru] != lruvec_lru_size(lruvec, (enum lru_list)lru)) {
			fprintf(stderr, "lru: counter %d: %lu pages listed, counted %lu\n", lru,
				counted[lru], lruvec_lru_size(lruvec, (enum lru_list)lru));
			err = -EUCLEAN;
		}
	}
	spin_unlock(&lruvec->lru_lock);
	return err;
}

/* Multi-Gen LRU: the lists' side (the aging and eviction are the mm layer's lru_gen.c) */

/**
 * lru_gen_init_lruvec - empty generations (lru_gen_init_lruvec): max_seq MIN_NR_GENS + 1 and
 * min_seq 0, so that a new lruvec has MAX_NR_GENS generations, all born now (clock 0).
 * Context: at node creation.
 */
void lru_gen_init_lruvec(struct lruvec *lruvec)
{
	struct lru_gen_folio *lrugen = &lruvec->lrugen;

	memset(lrugen, 0, sizeof(*lrugen));
	lrugen->max_seq = MIN_NR_GENS + 1;
	for (unsigned int gen = 0; gen < MAX_NR_GENS; gen++)
		for (int type = 0; type < ANON_AND_FILE; type++)
			INIT_LIST_HEAD(&lrugen->folios[gen][type]);
}

/**
 * folio_inc_refs - one more access to @page through a file descriptor (MGLRU's
 * folio_mark_accessed): PG_referenced first, then PG_workingset, then the LRU_REFS counter
 * up to its limit, moving the page up a tier without the LRU lock.
 * Context: any; the caller holds a reference on @page.
 */
void folio_inc_refs(struct page *page)
{
	unsigned long old, new;

	if (PageUnevictable(page))
		return;
	if (!PageReferenced(page)) {
		SetPageReferenced(page);
		return;
	}
	if (!PageWorkingset(page)) {
		SetPageWorkingset(page);
		return;
	}
	old = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	do {
		if ((old & LRU_REFS_MASK) == LRU_REFS_MASK)
			return;
		new = old + (1UL << LRU_REFS_PGOFF);
	} while (!__atomic_compare_exchange_n(&page->flags, &old, new, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

/* The number of generations of @type (get_nr_gens). */
static unsigned long lru_gen_nr_gens(const struct lru_gen_folio *lrugen, int type)
{
	return lrugen->max_seq - lrugen->min_seq[type] + 1;
}

/*
 * Checks one generation list: each page is listed (PG_lru), of the list's type, neither
 * active nor unevictable, and its flags name a generation of the window of its type; the
 * pages are counted by the generation their flags name into @count.
 */
static int lru_gen_validate_list(struct pglist_data *pgdat, int gen, int type,
				 long count[MAX_NR_GENS][ANON_AND_FILE])
{
	struct lru_gen_folio *lrugen = &pgdat->lruvec.lrugen;
	struct list_head *pos;

	list_for_each(pos, &lrugen->folios[gen][type]) {
		struct page *page = list_entry(pos, struct page, lru);
		int pgen = folio_lru_gen(page);
		bool in_window = false;

		for (unsigned long seq = lrugen->min_seq[type]; seq <= lrugen->max_seq; seq++)
			in_window |= pgen == lru_gen_from_seq(seq);
		if (!PageLRU(page) || PageActive(page) || PageUnevictable(page) ||
		    page_ref_count(page) <= 0 || page_is_file_lru(page) != type || !in_window) {
			fprintf(stderr, "lru_gen: pfn %lu on list [%d][%d]: flags %#lx gen %d "
				"ref %d\n", page_to_pfn(pgdat, page), gen, type, page->flags, pgen,
				page_ref_count(page));
			return -EUCLEAN;
		}
		count[pgen][type]++;
	}
	return 0;
}

/**
 * lru_gen_validate - the generations' invariants (seq_is_valid and more): the file window
 * holds MIN_NR_GENS..MAX_NR_GENS generations and the anon one at least as many; a list
 * outside its type's window is empty; every listed page is valid for its list and names a
 * generation in the window; each generation's size is the number of pages whose flags name
 * it, and the active/inactive counters are the sizes of the two youngest and of the rest.
 * Context: takes lru_lock; quiescent for the counts (no aging or eviction running).
 * Return: 0, or -EUCLEAN after printing the first inconsistency.
 */
int lru_gen_validate(struct pglist_data *pgdat)
{
	struct lruvec *lruvec = &pgdat->lruvec;
	struct lru_gen_folio *lrugen = &lruvec->lrugen;
	long count[MAX_NR_GENS][ANON_AND_FILE] = { { 0 } }, lru[NR_LRU_LISTS] = { 0 };
	int err = 0;

	spin_lock(&lruvec->lru_lock);
	if (lru_gen_nr_gens(lrugen, LRU_GEN_FILE) < MIN_NR_GENS ||
	    lru_gen_nr_gens(lrugen, LRU_GEN_FILE) > lru_gen_nr_gens(lrugen, LRU_GEN_ANON) ||
	    lru_gen_nr_gens(lrugen, LRU_GEN_ANON) > MAX_NR_GENS) {
		fprintf(stderr, "lru_gen: max_seq %lu min_seq %lu/%lu\n", lrugen->max_seq,
			lrugen->min_seq[0], lrugen->min_seq[1]);
		err = -EUCLEAN;
	}
	for (int type = 0; type < ANON_AND_FILE && !err; type++) {
		for (unsigned int gen = 0; gen < MAX_NR_GENS && !err; gen++)
			err = lru_gen_validate_list(pgdat, (int)gen, type, count);
		for (unsigned int gen = 0; gen < MAX_NR_GENS && !err; gen++) {
			bool active = lru_gen_is_active(lruvec, (int)gen);

			if (count[gen][type] != lrugen->nr_pages[gen][type]) {
				fprintf(stderr, "lru_gen: generation %u type %d holds %ld pages, "
					"counted %ld\n", gen, type, count[gen][type],
					lrugen->nr_pages[gen][type]);
				err = -EUCLEAN;
			}
			lru[(type ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) + active] +=
				count[gen][type];
		}
	}
	for (int l = 0; l < LRU_UNEVICTABLE && !err; l++) {
		if (lru[l] != (long)lruvec_lru_size(lruvec, (enum lru_list)l)) {
			fprintf(stderr, "lru_gen: list %d: %ld pages in generations, counted %lu\n",
				l, lru[l], lruvec_lru_size(lruvec, (enum lru_list)l));
			err = -EUCLEAN;
		}
	}
	spin_unlock(&lruvec->lru_lock);
	return err;
}

/**
 * lru_note_cost - reclaim of @file (or anon) pages cost @nr_io pages of I/O and @nr_rotated
 * pages put back: the costs get_scan_count weighs the two kinds by. One page of I/O weighs
 * as much as a cluster of rotations; both costs halve once they outgrow a quarter of the
 * lists, so that recent events count most.
 * Context: lru_lock not held.
 */
void lru_note_cost(struct lruvec *lruvec, bool file, unsigned long nr_io,
		   unsigned long nr_rotated)
{
	unsigned long cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated, lrusize;

	spin_lock(&lruvec->lru_lock);
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	lrusize = lruvec_lru_size(lruvec, LRU_INACTIVE_ANON) +
		  lruvec_lru_size(lruvec, LRU_ACTIVE_ANON) +
		  lruvec_lru_size(lruvec, LRU_INACTIVE_FILE) + lruvec_lru_size(lruvec, LRU_ACTIVE_FILE);
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
	spin_unlock(&lruvec->lru_lock);
}

/**
 * lru_note_cost_refault - @page, evicted from the workingset, came back: its reload is one
 * page of I/O charged to its list's reclaim.
 * Context: lru_lock not held.
 */
void lru_note_cost_refault(struct pglist_data *pgdat, struct page *page)
{
	lru_note_cost(&pgdat->lruvec, page_is_file_lru(page), 1, 0);
}

/**
 * rotate_reclaimable_page - writeback reclaim started on @page has ended: a clean page still
 * on an evictable list goes to the inactive tail, where the next reclaim pass takes it first
 * (folio_rotate_reclaimable, counted in pgrotated). A page in a batch or isolated stays.
 * Context: lru_lock not held; the caller holds @page (the cache's reference).
 */
void rotate_reclaimable_page(struct pglist_data *pgdat, struct page *page)
{
	struct lruvec *lruvec = &pgdat->lruvec;

	if (PageDirty(page) || PageUnevictable(page) || !PageLRU(page))
		return;
	spin_lock(&lruvec->lru_lock);
	if (PageLRU(page) && !PageUnevictable(page)) {
		lruvec_del_page(lruvec, page);
		ClearPageActive(page);
		lruvec_add_page_tail(lruvec, page);
		count_vm_event(pgdat, PGROTATED);
	}
	spin_unlock(&lruvec->lru_lock);
}
