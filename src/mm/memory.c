// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page-level heart of the VM (mm/memory.c): resolving a fault on a VMA - the zero page for
 * a read of untouched anonymous memory, a zeroed frame for a write, copy-on-write or reuse for
 * a write to a read-only private page, the dirtying write to a read-only shared page of an
 * object (wp_page_shared) -, zapping ranges (munmap, MADV_DONTNEED, exit)
 * with a gather that frees frames only after the TLB flush, moving entries for mremap, copying
 * page tables at fork, and the page side of madvise: MADV_FREE's marking (reclaim is
 * vmscan.c's) and guard markers (MADV_GUARD_INSTALL/REMOVE: non-present entries that fault
 * SIGSEGV, survive every zap but munmap's and exit's, are copied by fork and moved by mremap).
 * Swap entries: the swap-in fault (do_swap_page, with swapoff's unuse_pte beside it), and
 * every walk below keeps them right - zaps free their slots, fork duplicates them, mremap
 * moves them, MADV_FREE drops them, MADV_PAGEOUT makes them (madvise_pageout).
 * RSS counters follow every mapping change. Faults on a VMA with an object behind it (files,
 * shmem) are filemap_fault.c's, populating is gup.c's, mincore mincore.c's.
 * Left out: huge pages, userfaultfd, NUMA hinting faults, migration entries,
 * mlocked-page (PG_mlocked / unevictable) bookkeeping and GUP pins.
 */
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/mmap_lock.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mmu/tlb.h"

#include <string.h>
#include <sys/mman.h>

/**
 * vm_normal_page - the struct page a present entry maps, or NULL for a special entry (the zero
 * page, PFN maps) that has no refcount or mapcount to maintain.
 */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	(void)addr;
	if (pte & _PAGE_SPECIAL)
		return NULL;
	return pfn_to_page(&vma->vm_mm->machine->pgdat, pte_pfn(pte));
}

static bool is_cow_mapping(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* Installs @entry over a present one and drops stale translations everywhere. */
static void set_pte_flush(struct vm_fault *vmf, pte_t entry)
{
	struct mm_struct *mm = vmf->vma->vm_mm;

	set_pte_at(mm, vmf->address, vmf->pte, entry);
	flush_tlb_page(mm, vmf->address);
}

/*
 * update_mmu_cache - the architecture's hook after a fault installed the entry of its address:
 * the CPU whose access faulted may load the new translation at once (mmu_update_cache). A
 * get_user_pages fault has no access behind it, and no CPU.
 */
static void update_mmu_cache(const struct vm_fault *vmf)
{
	if (vmf->cpu)
		mmu_update_cache(vmf->cpu, vmf->address, vmf->pte);
}

/*
 * Whether read faults must not map the shared zero page. Linux asks the architecture (s390
 * forbids it for KVM guests); some hosts' kernels forbid it by a boot option, and this
 * machine follows whichever host it was configured after.
 */
static bool mm_forbids_zeropage(const struct mm_struct *mm)
{
	return mm->machine->no_zero_page;
}

/*
 * A user access that faulted is retried as soon as the fault is resolved, and its walk sets
 * the accessed bit of the new entry with a locked write-back: set it in the entry now, which
 * leaves the same entry and spares the walk. A get_user_pages fault is followed by no access,
 * so its entry stays old, as on x86.
 */
static pte_t pte_mkyoung_for_retry(const struct vm_fault *vmf, pte_t entry)
{
	return vmf->flags & FAULT_FLAG_USER ? pte_mkyoung(entry) : entry;
}

/*
 * do_anonymous_page - first touch of private anonymous memory. A read maps the shared zero
 * page read-only (special: no refcount, no RSS); a write, or any touch where the zero page is
 * forbidden, gets a zeroed frame of its own, writable at once if the VMA allows, so the write
 * that usually follows takes no second fault.
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	struct page *page;
	pte_t entry;

	if (vma->vm_flags & VM_SHARED)
		return VM_FAULT_SIGBUS;
	if (!(vmf->flags & FAULT_FLAG_WRITE) && !mm_forbids_zeropage(mm)) {
		entry = pfn_pte(page_to_pfn(&m->pgdat, m->pgdat.zero_page), vma->vm_page_prot) |
			_PAGE_SPECIAL;
		entry = pte_mkyoung_for_retry(vmf, entry);
		set_pte_at(mm, vmf->address, vmf->pte, entry);
		update_mmu_cache(vmf);
		count_vm_event(&m->pgdat, ZERO_PAGE_FAULT);
		return 0;
	}
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_pages(&m->pgdat, 0);
	if (!page)
		return VM_FAULT_OOM;
	/* Nothing below fails or waits for a lock a TLB flusher holds: the CPU may head back
	 * to user mode now, before the zeroing's stores, which then drain as the fault ends. */
	if (vmf->cpu)
		mmu_fault_return(vmf->cpu);
	clear_highpage(&m->pgdat, page);
	entry = pte_mkyoung_for_retry(vmf, pfn_pte(page_to_pfn(&m->pgdat, page), vma->vm_page_prot));
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	page_add_new_anon_rmap(page, vma, vmf->address);
	folio_add_lru_vma(&m->pgdat, page, vma);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	update_mmu_cache(vmf);
	return 0;
}

/* The write may go ahead on the page already mapped: make the entry writable and dirty. */
static vm_fault_t wp_page_reuse(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry = pte_mkyoung(pte_mkdirty(vmf->orig_pte));

	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(entry);
	set_pte_flush(vmf, entry);
	update_mmu_cache(vmf);
	count_vm_event(&vma->vm_mm->machine->pgdat, PGREUSE);
	return 0;
}

/*
 * wp_page_copy - break COW: give this mapping a private copy of the page (a zeroed frame when
 * the entry maps the zero page), then drop its mapping and reference of the old one. The old
 * entry is cleared and flushed before the new one is installed, so no CPU context can keep
 * writing to a page another mapping still reads.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	struct page *old = vmf->page, *new;
	pte_t entry;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	new = old ? alloc_pages(&m->pgdat, 0) : alloc_zeroed_page(&m->pgdat);
	if (!new)
		return VM_FAULT_OOM;
	/* Another mapping may write the old page meanwhile (or truncate zero its tail). */
	if (old)
		(void)data_race(memcpy(page_address(&m->pgdat, new), page_address(&m->pgdat, old),
				       PAGE_SIZE));
	entry = pte_mkyoung(pte_mkdirty(pfn_pte(page_to_pfn(&m->pgdat, new), vma->vm_page_prot)));
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(entry);
	if (old && !PageAnon(old))
		add_mm_counter(mm, mm_counter(old), -1);
	if (!old || !PageAnon(old))
		add_mm_counter(mm, MM_ANONPAGES, 1);
	ptep_clear_flush(mm, vmf->address, vmf->pte);
	page_add_new_anon_rmap(new, vma, vmf->address);
	folio_add_lru_vma(&m->pgdat, new, vma);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	update_mmu_cache(vmf);
	if (old) {
		page_remove_rmap(m, old);
		munlock_vma_page(&m->pgdat, old, vma);
		put_page(&m->pgdat, old);
	}
	count_vm_event(&m->pgdat, COW_FAULT);
	return 0;
}

/*
 * A page of a shared mapping's object is written through a read-only entry (wp_page_shared):
 * it is dirty from now on, whatever later happens to the entry.
 */
static vm_fault_t wp_page_shared(struct vm_fault *vmf)
{
	if (vmf->page)
		fault_dirty_page(vmf->page);
	return wp_page_reuse(vmf);
}

/*
 * do_wp_page - a write hit a present read-only entry in a writable VMA. Shared mappings just
 * become writable and dirty. A private anonymous page is reused when this mapping is its only
 * user: PG_anon_exclusive says so, or nothing but this mapping holds a reference (the page was
 * shared with a fork child that has since unmapped it). Everything else is copied.
 */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = vm_normal_page(vma, vmf->address, vmf->orig_pte);

	vmf->page = page;
	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE))
		return wp_page_shared(vmf);
	if (page && PageAnon(page)) {
		if (PageAnonExclusive(page))
			return wp_page_reuse(vmf);
		/*
		 * wp_can_reuse_anon_folio: neither the LRU batch's reference (drained) nor a
		 * swap-cache copy no PTE names (freed) is another user.
		 */
		if (!PageLRU(page) && page_ref_count(page) > 1 + (int)PageSwapCache(page))
			lru_add_drain(&vma->vm_mm->machine->pgdat);
		if (PageSwapCache(page) && page_ref_count(page) == 2)
			(void)try_to_free_swap(vma->vm_mm->machine, page);
		if (page_ref_count(page) == 1) {
			if (anon_vma_prepare(vma))
				return VM_FAULT_OOM;
			page_move_anon_rmap(page, vma);
			SetPageAnonExclusive(page);
			return wp_page_reuse(vmf);
		}
	}
	return wp_page_copy(vmf);
}

/*
 * The rmap side of mapping a page that came from swap (folio_add_anon_rmap_pte, or
 * folio_add_new_anon_rmap for a page just read): a page read for this fault is not anonymous
 * yet and takes @vma's anon_vma when the entry was exclusive, else its root's, the oldest
 * that every process sharing the slot descends from (__folio_set_anon). The page's
 * reference is the caller's, handed over to the mapping.
 */
static void swapin_add_anon_rmap(struct page *page, struct vm_area_struct *vma,
				 unsigned long addr, bool exclusive)
{
	if (!PageAnon(page)) {
		struct anon_vma *av = exclusive ? vma->anon_vma : vma->anon_vma->root;

		WRITE_ONCE(page->index, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT));
		WRITE_ONCE(page->mapping, (void *)((unsigned long)av | PAGE_MAPPING_ANON));
	}
	__atomic_add_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED);
	if (exclusive)
		SetPageAnonExclusive(page);
}

/*
 * should_try_to_free_swap: the swap cache lets go of a page being mapped when swap is more
 * than half full, the VMA is locked, or a write fault is likely to find the page exclusive
 * (only the cache and this fault hold it): its copy on swap would be stale soon anyway.
 */
static bool should_try_to_free_swap(struct machine *m, struct page *page,
				    const struct vm_area_struct *vma, unsigned int flags)
{
	if (!PageSwapCache(page))
		return false;
	if (vm_swap_full(m) || (vma->vm_flags & VM_LOCKED))
		return true;
	return (flags & FAULT_FLAG_WRITE) && page_ref_count(page) == 2;
}

/**
 * do_swap_page - a fault on a swap entry: the page comes from the swap cache (a minor fault)
 * or is read from the area with readahead around it (a major one: VM_FAULT_MAJOR, which
 * mm_account_fault counts in maj_flt and pgmajfault). The entry's slot loses this PTE's
 * count. The page is mapped writable at once when the entry says it was exclusive, or when
 * nothing else holds it (PG_anon_exclusive then, as Linux); otherwise read-only, and a write
 * goes on to do_wp_page, which copies it.
 * Context: mmap_lock held; the caller serializes the mm's page-table changes.
 * Return: 0 or VM_FAULT_MAJOR, possibly with do_wp_page's bits; VM_FAULT_OOM (no frame),
 * VM_FAULT_SIGBUS (an entry of no active area, or the read failed).
 */
vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	bool major, exclusive = pte_swp_exclusive(vmf->orig_pte);
	vm_fault_t ret;
	struct page *page;
	pte_t pte;

	if (!swp_swap_info(m, entry))
		return VM_FAULT_SIGBUS;
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = swapin_readahead(m, entry, vmf, &major);
	if (!page) {
		/* freed meanwhile by another thread's zap: the fault is done (retried) */
		if (ptep_get(vmf->pte) != vmf->orig_pte)
			return 0;
		return swp_swapcount(m, entry) ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	ret = major ? VM_FAULT_MAJOR : 0;
	if (major)
		psi_note_read(page);	/* swap_read_folio: a workingset page's read stalls */
	if (ptep_get(vmf->pte) != vmf->orig_pte) {
		put_page(&m->pgdat, page);
		return ret;
	}
	add_mm_counter(mm, MM_ANONPAGES, 1);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	swap_free(m, entry);
	if (should_try_to_free_swap(m, page, vma, vmf->flags))
		(void)try_to_free_swap(m, page);
	pte = pfn_pte(page_to_pfn(&m->pgdat, page), vma->vm_page_prot);
	if (vmf->orig_pte & _PAGE_SWP_SOFT_DIRTY)
		pte |= _PAGE_SOFT_DIRTY;
	/* Same rule as do_wp_page's reuse, short-cut by the entry's exclusive bit. */
	if (exclusive || page_ref_count(page) == 1) {
		exclusive = true;
		if (vma->vm_flags & VM_WRITE) {
			pte = pte_mkwrite(pte);
			if (vmf->flags & FAULT_FLAG_WRITE) {
				pte = pte_mkdirty(pte);
				vmf->flags &= ~FAULT_FLAG_WRITE;
			}
		}
	}
	pte = pte_mkyoung_for_retry(vmf, pte);
	swapin_add_anon_rmap(page, vma, vmf->address, exclusive);
	mlock_vma_page(&m->pgdat, page, vma);
	set_pte_at(mm, vmf->address, vmf->pte, pte);
	update_mmu_cache(vmf);
	if (vmf->flags & FAULT_FLAG_WRITE) {
		vmf->orig_pte = pte;
		ret |= do_wp_page(vmf);
	}
	return ret;
}

/**
 * unuse_pte - swapoff's re-mapping of the swap entry at @addr of @vma to @page, read back
 * from it (unuse_pte): mapped old and read-only (a write takes the usual fault), exclusive
 * if the entry was; the slot loses this PTE's count.
 * Context: mmap_lock held for writing; the caller holds a reference on @page (this mapping
 * takes one of its own).
 * Return: 0.
 */
int unuse_pte(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	pte_t old = ptep_get(ptep), pte;

	add_mm_counter(mm, MM_SWAPENTS, -1);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	get_page(page);
	swapin_add_anon_rmap(page, vma, addr, pte_swp_exclusive(old));
	mlock_vma_page(&vma->vm_mm->machine->pgdat, page, vma);
	pte = pte_mkold(pfn_pte(page_to_pfn(&m->pgdat, page), vma->vm_page_prot));
	if (old & _PAGE_SWP_SOFT_DIRTY)
		pte |= _PAGE_SOFT_DIRTY;
	set_pte_at(mm, addr, ptep, pte);
	swap_free(m, pte_to_swp_entry(old));
	return 0;
}

/* handle_pte_fault: what the entry's state calls for. */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry = vmf->orig_pte;

	if (pte_none(entry))
		return vma_is_anonymous(vma) ? do_anonymous_page(vmf) : do_fault(vmf);
	if (!pte_present(entry)) {
		/* handle_pte_marker(): a guard region is a hole the VMA does not show. */
		if (is_guard_pte_marker(entry))
			return VM_FAULT_SIGSEGV;
		if (is_swap_entry_pte(entry))
			return do_swap_page(vmf);
		VM_WARN_ON("unknown software entry");
		return VM_FAULT_SIGBUS;
	}
	if (!(entry & _PAGE_PRESENT)) {
		/* PROT_NONE entry in an accessible VMA: only NUMA hinting leaves these. */
		set_pte_flush(vmf, pte_modify(entry, vma->vm_page_prot));
		return 0;
	}
	if (vmf->flags & FAULT_FLAG_WRITE) {
		if (!pte_write(entry))
			return do_wp_page(vmf);
		entry = pte_mkdirty(entry);
	}
	entry = pte_mkyoung(entry);
	if (entry != vmf->orig_pte) {
		set_pte_flush(vmf, entry);
		update_mmu_cache(vmf);
	} else {
		flush_tlb_page(vma->vm_mm, vmf->address); /* spurious: a stale translation */
	}
	return 0;
}

/* mm_account_fault: pgfault for every completed fault, min/maj for the successful ones. */
static void mm_account_fault(struct vm_fault *vmf, vm_fault_t ret)
{
	/* Out of frames above min: the fault path reclaims and retries; that one counts. */
	if (unlikely((ret & VM_FAULT_OOM) && (memalloc_flags & MEMALLOC_STALLED)))
		return;
	count_vm_event(&vmf->vma->vm_mm->machine->pgdat, PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return;
	if (!vmf->tsk)
		return;
	if (ret & VM_FAULT_MAJOR) {
		vmf->tsk->maj_flt++;
		count_vm_event(&vmf->vma->vm_mm->machine->pgdat, PGMAJFAULT);
	} else {
		vmf->tsk->min_flt++;
	}
}

/**
 * handle_mm_fault - resolve a fault at @address in @vma, whose vm_flags allow the access.
 * @tsk: the faulting task, charged with the fault (NULL charges nobody)
 * @flags: FAULT_FLAG_WRITE for a write, FAULT_FLAG_INSTRUCTION for a fetch
 * @cpu: the CPU whose user access faulted, as Linux's @regs (NULL for get_user_pages): the
 *	handlers tell its MMU of the entries they install for the access (update_mmu_cache)
 *
 * Allocates missing page-table levels, then resolves the leaf. Every change to a present
 * entry is flushed from each CPU context that runs the mm.
 * Context: mmap_lock held; the caller serializes the mm's page-table changes.
 * Return: 0, or VM_FAULT_OOM / VM_FAULT_SIGBUS.
 */
vm_fault_t handle_mm_fault(struct task *tsk, struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags, struct mmu_cpu *cpu)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.tsk = tsk,
		.cpu = cpu,
		.vma = vma,
		.address = address & PAGE_MASK,
		.flags = flags,
		.pgoff = vma->vm_pgoff + (((address & PAGE_MASK) - vma->vm_start) >> PAGE_SHIFT),
	};
	vm_fault_t ret;

	VM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	mmap_assert_locked(mm);
	/* hugetlb_fault: the pool has no huge page (vm.nr_hugepages 0) and a hugetlb VMA is
	 * one only MAP_NORESERVE made, with nothing reserved: alloc_hugetlb_folio fails */
	if (unlikely(vma->vm_flags & VM_HUGETLB)) {
		mm_account_fault(&vmf, VM_FAULT_SIGBUS);
		return VM_FAULT_SIGBUS;
	}
	lru_gen_enter_fault(vma);
	vmf.pte = pte_alloc_map_track(mm, vmf.address, &vmf.pmd_none);
	if (IS_ERR(vmf.pte)) {
		ret = VM_FAULT_OOM;
	} else {
		/*
		 * The kernel drops mmap_lock for a page-cache read and has the fault retried:
		 * the retry maps what the read brought in. mmap_lock is held throughout here,
		 * so the retry follows at once, only once; it counts as the one (major) fault.
		 * One call site, which the compiler inlines into this hot path.
		 */
		for (;;) {
			vmf.orig_pte = ptep_get(vmf.pte);
			ret = handle_pte_fault(&vmf);
			if (!(ret & VM_FAULT_RETRY) || (vmf.flags & FAULT_FLAG_TRIED))
				break;
			vmf.flags |= FAULT_FLAG_TRIED;
		}
		if (vmf.flags & FAULT_FLAG_TRIED)
			ret |= VM_FAULT_MAJOR;
		/* A failed fault installs no page table in Linux (its preallocated one is
		 * freed): take back the one made above if it stayed empty. */
		if (vmf.pmd_none && (ret & VM_FAULT_ERROR))
			free_pgd_range(mm, vmf.address & PMD_MASK, (vmf.address & PMD_MASK) + PMD_SIZE,
				       vmf.address & PMD_MASK, (vmf.address & PMD_MASK) + PMD_SIZE);
	}
	lru_gen_exit_fault();
	mm_account_fault(&vmf, ret);
	return ret;
}

/**
 * zap_flush - the end of a zap batch: flush what was cleared from every TLB, then drop the
 * references the batch held on its pages.
 * Context: mmap_lock held.
 */
void zap_flush(struct zap_details *z)
{
	struct machine *m = z->mm->machine;

	if (z->flush_end)
		flush_tlb_range(z->mm, z->flush_start, z->flush_end);
	z->flush_start = z->flush_end = 0;
	/* a page this thread just faulted may still be in its LRU batch (free_pages_and_swap_cache) */
	if (z->nr)
		lru_add_drain(&m->pgdat);
	for (unsigned int i = 0; i < z->nr; i++) {
		/* free_swap_cache: an unmapped page whose slot no PTE names leaves the cache */
		if (PageSwapCache(z->pages[i]) && !page_mapcount(z->pages[i]))
			(void)try_to_free_swap(m, z->pages[i]);
		put_page(&m->pgdat, z->pages[i]);
	}
	z->nr = 0;
}

/**
 * zap_pte - clear one entry into the zap batch @data (a struct zap_details), as a
 * walk_pte_range() callback: its page leaves RSS and the rmap at once, its reference waits for
 * zap_flush(). Guard markers stay unless the batch drops them.
 * Context: mmap_lock held.
 * Return: 0 (the walk goes on).
 */
int zap_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct zap_details *z = data;
	pte_t old = ptep_get(ptep);
	struct page *page;

	if (is_pte_marker(old) && !z->drop_markers)
		return 0;
	if (z->keep_cows && ((pte_present(old) && !(old & _PAGE_SPECIAL) &&
			      PageAnon(pfn_to_page(&mm->machine->pgdat, pte_pfn(old)))) ||
			     is_swap_entry_pte(old)))
		return 0;
	old = ptep_get_and_clear(mm, addr, ptep);
	if (is_swap_entry_pte(old)) {
		add_mm_counter(mm, MM_SWAPENTS, -1);
		free_swap_and_cache(mm->machine, pte_to_swp_entry(old));
		return 0;
	}
	if (!pte_present(old))
		return 0;
	if (!z->flush_end)
		z->flush_start = addr;
	z->flush_end = addr + PAGE_SIZE;
	if (old & _PAGE_SPECIAL)
		return 0;
	page = pfn_to_page(&mm->machine->pgdat, pte_pfn(old));
	/* The entry's dirty bit is the only record of a write through it: keep it in the page. */
	if (pte_dirty(old))
		fault_dirty_page(page);
	add_mm_counter(mm, mm_counter(page), -1);
	page_remove_rmap(mm->machine, page);
	z->nr_unmapped++;
	z->pages[z->nr++] = page;
	if (z->nr == ZAP_BATCH)
		zap_flush(z);
	return 0;
}

/**
 * zap_page_range - unmap every page in [@start, @end) of @mm: RSS, map counts and references
 * drop, the TLBs are flushed; the page tables stay (MADV_DONTNEED keeps them, as VmPTE shows),
 * and so do guard markers (only munmap and exit remove those, through unmap_region).
 * Context: mmap_lock held.
 * Return: the number of pages (not zero-page entries) unmapped.
 */
unsigned long zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct zap_details z = { .mm = mm };

	(void)walk_pte_range(mm, start, end, zap_pte, &z);
	zap_flush(&z);
	return z.nr_unmapped;
}

/* The zap of munmap and exit (unmap_vmas' ZAP_FLAG_DROP_MARKER): markers go with the pages. */
static void zap_page_range_all(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct zap_details z = { .mm = mm, .drop_markers = true };

	(void)walk_pte_range(mm, start, end, zap_pte, &z);
	zap_flush(&z);
}

/**
 * unmap_region - the page half of munmap and exit: record the RSS peak, zap [@start, @end),
 * then free the page tables that only served it (those inside [@floor, @ceiling)).
 * Context: mmap_lock held for writing; the VMAs of the range are already gone.
 */
void unmap_region(struct mm_struct *mm, unsigned long start, unsigned long end,
		  unsigned long floor, unsigned long ceiling)
{
	update_hiwater_rss(mm);
	zap_page_range_all(mm, start, end);
	free_pgd_range(mm, start, end, floor, ceiling);
}

struct move_state {
	long delta;				/* new address minus old */
	unsigned long flush_start, flush_end;	/* Old entries cleared */
	int err;
};

static int move_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct move_state *s = data;
	pte_t *dst = pte_alloc_map(mm, addr + (unsigned long)s->delta);

	if (IS_ERR(dst)) {
		s->err = (int)PTR_ERR(dst);
		return 1;
	}
	VM_BUG_ON(!pte_none(*dst));
	set_pte_at(mm, addr + (unsigned long)s->delta, dst, ptep_get_and_clear(mm, addr, ptep));
	if (!s->flush_end)
		s->flush_start = addr;
	s->flush_end = addr + PAGE_SIZE;
	return 0;
}

/**
 * move_page_tables - mremap's move of the entries of [@old_addr, @old_addr + @len) to
 * @new_addr: frames, map counts and RSS stay as they are, the old translations are flushed.
 * Context: mmap_lock held for writing; the ranges do not overlap; the new VMA exists.
 * Return: 0, or -ENOMEM when a table for the new range cannot be allocated (the entries not
 * moved yet stay at the old address, which the caller then unmaps).
 */
int move_page_tables(struct mm_struct *mm, unsigned long old_addr, unsigned long new_addr,
		     unsigned long len)
{
	struct move_state s = { .delta = (long)(new_addr - old_addr) };

	(void)walk_pte_range(mm, old_addr, old_addr + len, move_pte, &s);
	if (s.flush_end)
		flush_tlb_range(mm, s.flush_start, s.flush_end);
	return s.err;
}

struct copy_state {
	struct vm_area_struct *dst, *src;
	int err;
};

/* copy_present_pte: share the page with the child, write-protecting private writable ones. */
static int copy_one_pte(struct mm_struct *src_mm, unsigned long addr, pte_t *src_pte, void *data)
{
	struct copy_state *c = data;
	struct mm_struct *dst_mm = c->dst->vm_mm;
	pte_t pte = ptep_get(src_pte), *dst_pte;
	struct page *page;

	if (!pte_present(pte) && !is_guard_pte_marker(pte) && !is_swap_entry_pte(pte))
		return 0;
	dst_pte = pte_alloc_map(dst_mm, addr);
	if (IS_ERR(dst_pte)) {
		c->err = (int)PTR_ERR(dst_pte);
		return 1;
	}
	if (is_swap_entry_pte(pte)) {
		/* copy_nonpresent_pte: one more PTE names the slot; neither side is exclusive */
		c->err = swap_duplicate(dst_mm->machine, pte_to_swp_entry(pte));
		if (c->err)
			return 1;
		swap_mm_register(dst_mm);
		if (pte_swp_exclusive(pte)) {
			pte &= ~_PAGE_SWP_EXCLUSIVE;
			set_pte_at(src_mm, addr, src_pte, pte);
		}
		add_mm_counter(dst_mm, MM_SWAPENTS, 1);
		set_pte_at(dst_mm, addr, dst_pte, pte);
		return 0;
	}
	if (!pte_present(pte)) {
		/* copy_pte_marker(): the child's range stays guarded. */
		set_pte_at(dst_mm, addr, dst_pte, pte);
		return 0;
	}
	page = vm_normal_page(c->src, addr, pte);
	if (page) {
		if (PageAnon(page)) {
			page_dup_anon_rmap(page);
		} else {
			get_page(page);
			page_add_file_rmap(page);
		}
		add_mm_counter(dst_mm, mm_counter(page), 1);
	}
	if (is_cow_mapping(c->src->vm_flags) && pte_write(pte)) {
		/*
		 * The parent's TLBs are flushed once for the whole mm at the end of dup_mmap. One
		 * atomic update: the parent's other threads may set the dirty bit meanwhile.
		 */
		ptep_set_wrprotect(src_mm, addr, src_pte);
		pte = pte_wrprotect(pte);
	}
	if (c->src->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	set_pte_at(dst_mm, addr, dst_pte, pte_mkold(pte));
	return 0;
}

/**
 * copy_page_range - fork's copy of @src's entries into the child VMA @dst. VMAs without
 * anonymous pages (no anon_vma: shared or untouched memory) are skipped: the child faults
 * them in from the same object, as Linux's vma_needs_copy() decides - unless they may hold
 * guard markers (VM_MAYBE_GUARD), which only the page tables record, or are PFN maps (the
 * vDSO's [vvar]: their special entries are copied as they are).
 * Context: both mms' mmap_locks held for writing.
 * Return: 0, or -ENOMEM (what was copied stays, and exit of the child frees it).
 */
int copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct copy_state c = { .dst = dst, .src = src };

	mmap_assert_write_locked(src->vm_mm);
	mmap_assert_write_locked(dst->vm_mm);
	if (!src->anon_vma && !(src->vm_flags & (VM_MAYBE_GUARD | VM_PFNMAP)))
		return 0;
	/* copy_pte_range allocates the child's table wherever the parent has one, entries
	 * or not: a later fault there finds a table (fault-around's pmd_none rule) */
	for (unsigned long addr = src->vm_start; addr < src->vm_end;
	     addr = (addr & PMD_MASK) + PMD_SIZE) {
		if (pte_offset_map(src->vm_mm, addr) && IS_ERR(pte_alloc_map(dst->vm_mm, addr)))
			return -ENOMEM;
	}
	(void)walk_pte_range(src->vm_mm, src->vm_start, src->vm_end, copy_one_pte, &c);
	return c.err;
}

struct lazyfree_state {
	struct vm_area_struct *vma;
	unsigned long flush_start, flush_end;
};

/*
 * madvise_free_pte_range: a page only this mapping uses becomes lazily freeable: its entry is
 * made clean and old, the page loses PG_swapbacked. Until a write dirties the entry again,
 * reclaim may drop it and a later read sees zeroes; nothing is lost before that. A swap
 * entry is dropped at once, with its slot.
 */
static int lazyfree_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct lazyfree_state *s = data;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (is_swap_entry_pte(pte)) {
		/* the contents may go: so does their copy on swap */
		(void)ptep_get_and_clear(mm, addr, ptep);
		add_mm_counter(mm, MM_SWAPENTS, -1);
		free_swap_and_cache(mm->machine, pte_to_swp_entry(pte));
		return 0;
	}
	if (!pte_present(pte))
		return 0;
	page = vm_normal_page(s->vma, addr, pte);
	if (!page || !PageAnon(page) || page_mapcount(page) != 1)
		return 0;
	mark_page_lazyfree(&mm->machine->pgdat, page);
	ClearPageDirty(page);
	if (pte_dirty(pte) || pte_young(pte)) {
		/* One atomic update: a write through another CPU may set the dirty bit meanwhile. */
		(void)ptep_clear_bits(ptep, _PAGE_DIRTY | _PAGE_ACCESSED);
		if (!s->flush_end)
			s->flush_start = addr;
		s->flush_end = addr + PAGE_SIZE;
	}
	return 0;
}

/**
 * madvise_pages - the page effects of madvise advice on [@start, @end) of @vma, after
 * madvise.c checked the advice is allowed there: DONTNEED zaps, FREE makes pages lazily
 * freeable, POPULATE_READ/WRITE fault pages in, WILLNEED reads a file range into its page
 * cache (anonymous memory and shmem: swap-in is not done ahead), PAGEOUT reclaims
 * (madvise_pageout), COLD ages (madvise_cold) and the rest do nothing to pages here.
 * Context: mmap_lock held for writing.
 * Return: 0; POPULATE: -EINVAL (the VMA does not allow the access), -EFAULT, -ENOMEM.
 */
int madvise_pages(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
		  unsigned long end, int behavior)
{
	struct mm_struct *mm = vma->vm_mm;

	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		update_hiwater_rss(mm);
		if (vma->vm_flags & VM_LOCKED)
			munlock_vma_pages_range(vma, start, end);
		zap_page_range(mm, start, end);
		return 0;
	case MADV_FREE: {
		struct lazyfree_state s = { .vma = vma };

		update_hiwater_rss(mm);
		(void)walk_pte_range(mm, start, end, lazyfree_pte, &s);
		if (s.flush_end)
			flush_tlb_range(mm, s.flush_start, s.flush_end);
		return 0;
	}
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return faultin_vma_page_range(tsk, vma, start, end, behavior == MADV_POPULATE_WRITE);
	case MADV_WILLNEED:
		filemap_willneed(vma, start, end);
		return 0;
	case MADV_PAGEOUT:
		madvise_pageout(tsk, vma, start, end);
		return 0;
	case MADV_COLD:
		madvise_cold(vma, start, end);
		return 0;
	default:
		return 0;
	}
}

struct guard_state {
	unsigned long nr_present;	/* Entries that are neither none nor guard markers */
};

static int guard_count_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct guard_state *g = data;

	(void)mm;
	(void)addr;
	if (!is_guard_pte_marker(ptep_get(ptep)))
		g->nr_present++;
	return 0;
}

/**
 * guard_install_range - MADV_GUARD_INSTALL's page-table work on [@start, @end) of @vma: pages
 * mapped there are zapped (their contents are gone, as the kernel's zap-and-retry leaves
 * them), then every entry becomes a guard marker. The VMA gets an anon_vma, so that fork
 * copies the markers, and VM_MAYBE_GUARD.
 * Context: mmap_lock held; the caller checked that @vma takes guard markers.
 * Return: 0, or -ENOMEM (a page table or the anon_vma; markers already set stay, as the
 * kernel's walk leaves them).
 */
int guard_install_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct guard_state g = { 0 };
	unsigned long addr;

	mmap_assert_locked(mm);
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	vma->vm_flags |= VM_MAYBE_GUARD;
	mm->vma_seq++;
	(void)walk_pte_range(mm, start, end, guard_count_pte, &g);
	if (g.nr_present) {
		update_hiwater_rss(mm);
		zap_page_range(mm, start, end);
	}
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = pte_alloc_map(mm, addr);

		if (IS_ERR(ptep))
			return (int)PTR_ERR(ptep);
		if (pte_none(ptep_get(ptep)))
			set_pte_at(mm, addr, ptep, make_pte_marker(PTE_MARKER_GUARD));
	}
	return 0;
}

static int guard_remove_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	(void)data;
	if (is_guard_pte_marker(ptep_get(ptep)))
		(void)ptep_get_and_clear(mm, addr, ptep);
	return 0;
}

/**
 * guard_remove_range - MADV_GUARD_REMOVE on [@start, @end): the guard markers become none
 * entries again (the next touch faults a fresh page in); pages and tables stay.
 * Context: mmap_lock held.
 */
void guard_remove_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	(void)walk_pte_range(vma->vm_mm, start, end, guard_remove_pte, NULL);
}
