// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page-level heart of the VM (mm/memory.c, with the parts of mm/gup.c, mm/madvise.c and
 * mm/mincore.c that act on pages): resolving a fault on a VMA - the zero page for a read of
 * untouched anonymous memory, a zeroed frame for a write, copy-on-write or reuse for a write to
 * a read-only private page, shmem pages for shared anonymous memory (with fault-around for
 * reads, PG_dirty for writes) -, zapping ranges (munmap,
 * MADV_DONTNEED, exit), copying page tables at fork, populating ranges (MAP_POPULATE, mlock,
 * MADV_POPULATE_*), MADV_FREE, guard markers (MADV_GUARD_INSTALL/REMOVE: non-present entries
 * that fault SIGSEGV, survive every zap but munmap's and exit's, are copied by fork and moved
 * by mremap) and mincore. RSS counters follow every mapping change.
 * Left out: file-backed pages (the page cache comes with a later issue: a fault on a file VMA
 * is SIGBUS BUS_ADRERR for now), swap entries (the guard marker is the only software entry),
 * huge pages, userfaultfd, NUMA hinting faults,
 * mlocked-page (PG_mlocked / unevictable) bookkeeping and GUP pins.
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/pkeys.h"
#include "mmu/tlb.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/**
 * vm_normal_page - the struct page a present entry maps, or NULL for a special entry (the zero
 * page, PFN maps) that has no refcount or mapcount to maintain.
 */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	(void)addr;
	if (pte & _PAGE_SPECIAL)
		return NULL;
	return pfn_to_page(vma->vm_mm->machine, pte_pfn(pte));
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
 * do_anonymous_page - first touch of private anonymous memory. A read maps the shared zero
 * page read-only (special: no refcount, no RSS); a write gets a zeroed frame of its own.
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
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		entry = pfn_pte(page_to_pfn(m, m->zero_page), vma->vm_page_prot) | _PAGE_SPECIAL;
		set_pte_at(mm, vmf->address, vmf->pte, entry);
		count_vm_event(m, ZERO_PAGE_FAULT);
		return 0;
	}
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_zeroed_page(m);
	if (!page)
		return VM_FAULT_OOM;
	entry = pfn_pte(page_to_pfn(m, page), vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	page_add_new_anon_rmap(page, vma, vmf->address);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
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
	count_vm_event(vma->vm_mm->machine, PGREUSE);
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
	new = old ? alloc_pages(m, 0) : alloc_zeroed_page(m);
	if (!new)
		return VM_FAULT_OOM;
	if (old)
		memcpy(page_address(m, new), page_address(m, old), PAGE_SIZE);
	entry = pte_mkyoung(pte_mkdirty(pfn_pte(page_to_pfn(m, new), vma->vm_page_prot)));
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(entry);
	if (old && !PageAnon(old))
		add_mm_counter(mm, mm_counter(old), -1);
	if (!old || !PageAnon(old))
		add_mm_counter(mm, MM_ANONPAGES, 1);
	ptep_clear_flush(mm, vmf->address, vmf->pte);
	page_add_new_anon_rmap(new, vma, vmf->address);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	if (old) {
		page_remove_rmap(m, old);
		put_page(m, old);
	}
	count_vm_event(m, COW_FAULT);
	return 0;
}

/*
 * A page of a shared mapping's object is written through a read-only entry (wp_page_shared):
 * it is dirty from now on, whatever later happens to the entry.
 */
static vm_fault_t wp_page_shared(struct vm_fault *vmf)
{
	if (vmf->page && !PageAnon(vmf->page))
		SetPageDirty(vmf->page);
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

/* fault_around_bytes' default, 64 KiB: the window a read fault maps around itself. */
#define FAULT_AROUND_PAGES (65536UL / PAGE_SIZE)

/*
 * do_fault_around - map the cached pages near a read fault: the aligned FAULT_AROUND_PAGES
 * window that holds the address, clipped to the VMA and to the page table of the entry.
 *
 *      |<-- aligned window -->|
 *   vma_start    addr                     window start >= vma start, end <= vma end and
 *      [.....P..x.....P.......]           both within one PMD
 */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	unsigned long nr = FAULT_AROUND_PAGES, vma_len = vma_pages(vmf->vma);
	unsigned long pte_off = (vmf->address >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	unsigned long vma_off = vmf->pgoff - vmf->vma->vm_pgoff;
	unsigned long from, to;

	from = max(pte_off & ~(nr - 1), pte_off - min(pte_off, vma_off));
	to = min(min(from + nr, (unsigned long)PTRS_PER_TABLE), pte_off + vma_len - vma_off) - 1;
	return shmem_map_pages(vmf, vmf->pgoff + from - pte_off, vmf->pgoff + to - pte_off);
}

/* do_read_fault: the neighbours first; the faulting page itself if they did not include it. */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	if (do_fault_around(vmf) & VM_FAULT_NOPAGE)
		return 0;
	return shmem_fault(vmf);
}

/* A fault on a none entry of a VMA with an object behind it (do_fault). */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;

	if (file && file->shmem)
		return vmf->flags & FAULT_FLAG_WRITE ? shmem_fault(vmf) : do_read_fault(vmf);
	/* do_cow_fault prepares the anon_vma before it looks for the file's page. */
	if ((vmf->flags & FAULT_FLAG_WRITE) && !(vmf->vma->vm_flags & VM_SHARED) &&
	    anon_vma_prepare(vmf->vma))
		return VM_FAULT_OOM;
	/* Regular files need the page cache, a later issue: SIGBUS BUS_ADRERR until then. */
	return VM_FAULT_SIGBUS;
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
		VM_WARN_ON("swap entry without swap");
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
	if (entry != vmf->orig_pte)
		set_pte_flush(vmf, entry);
	else
		flush_tlb_page(vma->vm_mm, vmf->address); /* spurious: a stale translation */
	return 0;
}

/* mm_account_fault: pgfault for every completed fault, min/maj for the successful ones. */
static void mm_account_fault(struct vm_fault *vmf, vm_fault_t ret)
{
	count_vm_event(vmf->vma->vm_mm->machine, PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return;
	if (!vmf->tsk)
		return;
	if (ret & VM_FAULT_MAJOR) {
		vmf->tsk->maj_flt++;
		count_vm_event(vmf->vma->vm_mm->machine, PGMAJFAULT);
	} else {
		vmf->tsk->min_flt++;
	}
}

/**
 * handle_mm_fault - resolve a fault at @address in @vma, whose vm_flags allow the access.
 * @tsk: the faulting task, charged with the fault (NULL charges nobody)
 * @flags: FAULT_FLAG_WRITE for a write, FAULT_FLAG_INSTRUCTION for a fetch
 *
 * Allocates missing page-table levels, then resolves the leaf. Every change to a present
 * entry is flushed from each CPU context that runs the mm.
 * Context: mmap_lock held; the caller serializes the mm's page-table changes.
 * Return: 0, or VM_FAULT_OOM / VM_FAULT_SIGBUS.
 */
vm_fault_t handle_mm_fault(struct task *tsk, struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.tsk = tsk,
		.vma = vma,
		.address = address & PAGE_MASK,
		.flags = flags,
		.pgoff = vma->vm_pgoff + (((address & PAGE_MASK) - vma->vm_start) >> PAGE_SHIFT),
	};
	vm_fault_t ret;

	VM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	mmap_assert_locked(mm);
	vmf.pte = pte_alloc_map(mm, vmf.address);
	if (IS_ERR(vmf.pte)) {
		ret = VM_FAULT_OOM;
	} else {
		vmf.orig_pte = *vmf.pte;
		ret = handle_pte_fault(&vmf);
	}
	mm_account_fault(&vmf, ret);
	return ret;
}

#define ZAP_BATCH 64

/*
 * The zap's gather (mm/mmu_gather.c): entries are cleared first, frames freed only after the
 * TLB flush of what was cleared, so no CPU context can reach a frame that was handed out again.
 */
struct zap_details {
	struct mm_struct *mm;
	unsigned long flush_start, flush_end;	/* Present entries cleared since the last flush */
	struct page *pages[ZAP_BATCH];		/* Pages whose reference waits for that flush */
	unsigned int nr;
	unsigned long nr_unmapped;		/* Pages (not special entries) unmapped */
	bool drop_markers;			/* munmap and exit: guard markers go too */
};

static void zap_flush(struct zap_details *z)
{
	struct machine *m = z->mm->machine;

	if (z->flush_end)
		flush_tlb_range(z->mm, z->flush_start, z->flush_end);
	z->flush_start = z->flush_end = 0;
	for (unsigned int i = 0; i < z->nr; i++)
		put_page(m, z->pages[i]);
	z->nr = 0;
}

static int zap_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct zap_details *z = data;
	pte_t old;
	struct page *page;

	if (is_pte_marker(*ptep) && !z->drop_markers)
		return 0;
	old = ptep_get_and_clear(mm, addr, ptep);
	if (!pte_present(old))
		return 0;
	if (!z->flush_end)
		z->flush_start = addr;
	z->flush_end = addr + PAGE_SIZE;
	if (old & _PAGE_SPECIAL)
		return 0;
	page = pfn_to_page(mm->machine, pte_pfn(old));
	/* The entry's dirty bit is the only record of a write through it: keep it in the page. */
	if (pte_dirty(old) && !PageAnon(page))
		SetPageDirty(page);
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
	pte_t pte = *src_pte, *dst_pte;
	struct page *page;

	if (!pte_present(pte) && !is_guard_pte_marker(pte))
		return 0;
	dst_pte = pte_alloc_map(dst_mm, addr);
	if (IS_ERR(dst_pte)) {
		c->err = (int)PTR_ERR(dst_pte);
		return 1;
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
		/* The parent's TLBs are flushed once for the whole mm at the end of dup_mmap. */
		set_pte_at(src_mm, addr, src_pte, pte_wrprotect(pte));
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
 * guard markers (VM_MAYBE_GUARD), which only the page tables record.
 * Context: both mms' mmap_locks held for writing.
 * Return: 0, or -ENOMEM (what was copied stays, and exit of the child frees it).
 */
int copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct copy_state c = { .dst = dst, .src = src };

	if (!src->anon_vma && !(src->vm_flags & VM_MAYBE_GUARD))
		return 0;
	(void)walk_pte_range(src->vm_mm, src->vm_start, src->vm_end, copy_one_pte, &c);
	return c.err;
}

/* The access a present entry already allows GUP without a fault (follow_page_pte). */
static bool follow_page_ok(struct mm_struct *mm, unsigned long addr, bool write)
{
	pte_t *ptep = pte_offset_map(mm, addr);

	if (!ptep || !(*ptep & _PAGE_PRESENT))
		return false;
	return !write || pte_write(*ptep);
}

/**
 * populate_vma_page_range - fault in [@start, @end) of @vma as get_user_pages does, a write
 * fault when @write (private writable memory, so COW is broken now), else a read.
 * Each page that needed a fault counts as a minor fault of @tsk.
 * Context: mmap_lock held.
 * Return: pages done, or -EFAULT (SIGBUS/SIGSEGV page) / -ENOMEM.
 */
long populate_vma_page_range(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		vm_fault_t ret;

		if (follow_page_ok(vma->vm_mm, addr, write))
			continue;
		ret = handle_mm_fault(tsk, vma, addr, write ? FAULT_FLAG_WRITE : 0);
		if (ret & VM_FAULT_OOM)
			return -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return (long)((end - start) >> PAGE_SHIFT);
}

/* Stops a walk at the first guard marker. */
static int guard_marker_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	(void)mm;
	(void)addr;
	(void)data;
	return is_guard_pte_marker(*ptep);
}

/*
 * A regular file's pages would come from the page cache, which is not modelled: populate
 * maps none of them, and fails only where the kernel's fault would, on a page at or beyond
 * the end of the file (SIGBUS, so -EFAULT).
 */
static long populate_file_range(struct vm_area_struct *vma, unsigned long start,
				unsigned long end, bool write)
{
	struct file *f = vma->vm_file;
	pgoff_t last = vma->vm_pgoff + ((end - vma->vm_start) >> PAGE_SHIFT);
	struct stat st;

	/* The fault on a guard marker would be SIGSEGV before any page-cache lookup. */
	if (walk_pte_range(vma->vm_mm, start, end, guard_marker_pte, NULL))
		return -EFAULT;

	/*
	 * A write fault COWs, and do_cow_fault prepares the anon_vma before it reads the page
	 * (or finds it beyond the end of the file): the VMA has its anon_vma either way.
	 */
	if (write && anon_vma_prepare(vma))
		return -ENOMEM;
	if (f->regular && f->host_fd >= 0 && !fstat(f->host_fd, &st) &&
	    last > (unsigned long)(st.st_size + PAGE_SIZE - 1) >> PAGE_SHIFT)
		return -EFAULT;
	return (long)((end - start) >> PAGE_SHIFT);
}

/**
 * mm_populate_vma - fault in [@start, @end) of @vma as __mm_populate does for each VMA:
 * private writable memory with write faults (so COW is broken now), the rest with reads,
 * forced through a missing VM_READ.
 * Context: mmap_lock held.
 * Return: pages done, or -EFAULT (PROT_NONE, or a page that cannot be faulted) / -ENOMEM.
 */
long mm_populate_vma(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;

	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return -EFAULT;
	/* get_user_pages' check_vma_flags: the caller's PKRU applies to its own mm. */
	if (!arch_vma_access_permitted(tsk, vma, write, false))
		return -EFAULT;
	if (vma->vm_file && !vma_is_anonymous(vma) && !vma->vm_file->shmem)
		return populate_file_range(vma, start, end, write);
	return populate_vma_page_range(tsk, vma, start, end, write);
}

/**
 * mm_populate - fault in the VMAs of [@start, @start + @len) after mmap(MAP_POPULATE or
 * MAP_LOCKED) or mlock (__mm_populate): private writable memory is written, the rest read;
 * VM_LOCKONFAULT, VM_IO and VM_PFNMAP VMAs are skipped.
 * @ignore_errors: mmap's populate ignores failures; mlock reports the first one.
 * Context: mmap_lock held.
 * Return: 0, -EFAULT (PROT_NONE VMA or a page that cannot be faulted) or -ENOMEM.
 */
int mm_populate(struct task *tsk, unsigned long start, unsigned long len, bool ignore_errors)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long end = start + len, nstart, nend;
	struct vm_area_struct *vma;

	for (nstart = start; nstart < end; nstart = nend) {
		long ret;

		vma = find_vma_intersection(mm, nstart, end);
		if (!vma)
			break;
		nstart = max(nstart, vma->vm_start);
		nend = min(end, vma->vm_end);
		if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT))
			continue;
		ret = mm_populate_vma(tsk, vma, nstart, nend);
		if (ret < 0 && !ignore_errors)
			return (int)ret;
	}
	return 0;
}

struct lazyfree_state {
	struct vm_area_struct *vma;
	unsigned long flush_start, flush_end;
};

/*
 * madvise_free_pte_range: a page only this mapping uses becomes lazily freeable: its entry is
 * made clean and old, the page loses PG_swapbacked. Until a write dirties the entry again,
 * reclaim may drop it and a later read sees zeroes; nothing is lost before that.
 */
static int lazyfree_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct lazyfree_state *s = data;
	pte_t pte = *ptep;
	struct page *page;

	if (!pte_present(pte))
		return 0;
	page = vm_normal_page(s->vma, addr, pte);
	if (!page || !PageAnon(page) || page_mapcount(page) != 1)
		return 0;
	ClearPageSwapBacked(page);
	ClearPageDirty(page);
	if (pte_dirty(pte) || pte_young(pte)) {
		set_pte_at(mm, addr, ptep, pte_mkold(pte_mkclean(pte)));
		if (!s->flush_end)
			s->flush_start = addr;
		s->flush_end = addr + PAGE_SIZE;
	}
	return 0;
}

struct reclaim_state {
	struct zap_details z;
	struct vm_area_struct *vma;
	unsigned long nr_freed;
};

/*
 * A lazily freeable page still clean in its only mapping is dropped, as shrink_folio_list
 * and try_to_unmap_one do; a page of a VM_DROPPABLE VMA is dropped even when dirty, and never
 * becomes swap-backed when it cannot be.
 */
static int reclaim_lazyfree_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct reclaim_state *r = data;
	bool droppable = r->vma->vm_flags & VM_DROPPABLE;
	pte_t pte = *ptep;
	struct page *page;

	if (!(pte & _PAGE_PRESENT) || (pte & _PAGE_SPECIAL))
		return 0;
	page = pfn_to_page(mm->machine, pte_pfn(pte));
	if (!PageAnon(page) || PageSwapBacked(page))
		return 0;
	if ((pte_dirty(pte) && !droppable) || page_mapcount(page) != 1 ||
	    page_ref_count(page) != 1) {
		if (!droppable)
			SetPageSwapBacked(page); /* written again, or shared: no longer lazyfree */
		return 0;
	}
	r->nr_freed++;
	return zap_pte(mm, addr, ptep, &r->z);
}

/**
 * reclaim_lazyfree - what memory pressure would do to MADV_FREE pages of @mm, and to pages of
 * MAP_DROPPABLE memory: drop those not written since (droppable ones even if written), so
 * that their next touch faults in a zeroed page.
 * Context: mmap_lock held for writing.
 * Return: the number of pages freed.
 */
unsigned long reclaim_lazyfree(struct mm_struct *mm)
{
	struct reclaim_state r = { .z = { .mm = mm } };
	VMA_ITERATOR(vmi, mm, 0);

	for_each_vma(vmi, r.vma)
		(void)walk_pte_range(mm, r.vma->vm_start, r.vma->vm_end, reclaim_lazyfree_pte, &r);
	zap_flush(&r.z);
	return r.nr_freed;
}

/**
 * madvise_pages - the page effects of madvise advice on [@start, @end) of @vma, after
 * madvise.c checked the advice is allowed there: DONTNEED zaps, FREE makes pages lazily
 * freeable, POPULATE_READ/WRITE fault pages in, WILLNEED (anonymous: swap-in, a no-op
 * without swap) and the rest do nothing to pages here.
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
	case MADV_POPULATE_WRITE: {
		bool write = behavior == MADV_POPULATE_WRITE;
		long ret;

		if (write ? !(vma->vm_flags & VM_WRITE) : !(vma->vm_flags & VM_READ))
			return -EINVAL;
		if (!arch_vma_access_permitted(tsk, vma, write, false))
			return -EINVAL;
		if (vma->vm_file && !vma_is_anonymous(vma) && !vma->vm_file->shmem)
			ret = populate_file_range(vma, start, end, write);
		else
			ret = populate_vma_page_range(tsk, vma, start, end, write);
		return ret < 0 ? (int)ret : 0;
	}
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
	if (!is_guard_pte_marker(*ptep))
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
		if (pte_none(*ptep))
			set_pte_at(mm, addr, ptep, make_pte_marker(PTE_MARKER_GUARD));
	}
	return 0;
}

static int guard_remove_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	(void)data;
	if (is_guard_pte_marker(*ptep))
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

struct mincore_state {
	struct vm_area_struct *vma;
	unsigned long start;
	unsigned char *vec;
};

static int mincore_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct mincore_state *s = data;

	if (pte_present(*ptep))
		s->vec[(addr - s->start) >> PAGE_SHIFT] = 1;
	return 0;
}

/*
 * One VMA's part of mincore (mincore_pte_range): present entries are resident; a hole of a
 * shmem mapping is resident when the object's cache has the page; anonymous holes are not.
 */
static void mincore_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			unsigned char *vec)
{
	struct mincore_state s = { .vma = vma, .start = start, .vec = vec };
	struct shmem_inode *info = vma->vm_file ? vma->vm_file->shmem : NULL;
	unsigned long i, n = (end - start) >> PAGE_SHIFT;

	for (i = 0; i < n; i++) {
		pgoff_t pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT) + i;

		vec[i] = shmem_page_cached(info, pgoff);
	}
	(void)walk_pte_range(vma->vm_mm, start, end, mincore_pte, &s);
}

/**
 * do_mincore - mincore(2): one byte per page of [@start, @start + @len), 1 when resident.
 * @vec: room for DIV_ROUND_UP(@len, PAGE_SIZE) bytes
 * Context: mmap_lock held for reading.
 * Return: 0; -EINVAL for an unaligned @start; -ENOMEM when the range leaves the user half or
 * meets a hole (bytes before the hole are filled).
 */
long do_mincore(struct task *tsk, unsigned long start, size_t len, unsigned char *vec)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long end, addr;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (len > TASK_SIZE_MAX || start > TASK_SIZE_MAX - len)
		return -ENOMEM;
	end = start + PAGE_ALIGN(len);
	for (addr = start; addr < end;) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		unsigned long next;

		if (!vma)
			return -ENOMEM;
		next = min(end, vma->vm_end);
		mincore_vma(vma, addr, next, vec + ((addr - start) >> PAGE_SHIFT));
		addr = next;
	}
	return 0;
}

struct rss_count {
	long rss[NR_MM_COUNTERS];
};

static int rss_count_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct rss_count *c = data;
	pte_t pte = *ptep;

	if (pte_present(pte) && !(pte & _PAGE_SPECIAL))
		c->rss[mm_counter(pfn_to_page(mm->machine, pte_pfn(pte)))]++;
	return 0;
}

/**
 * rss_validate - check @mm's RSS counters against its page tables, and that every present
 * entry lies in a VMA whose vm_flags allow what the entry allows.
 * Context: mmap_lock held.
 * Return: 0, or -EUCLEAN after printing the first mismatch.
 */
int rss_validate(struct mm_struct *mm)
{
	struct rss_count c = { { 0 } };
	struct vm_area_struct *vma;
	unsigned long covered = 0;
	VMA_ITERATOR(vmi, mm, 0);

	(void)walk_pte_range(mm, 0, TASK_SIZE_MAX, rss_count_pte, &c);
	for (int i = 0; i < NR_MM_COUNTERS; i++) {
		if (c.rss[i] != get_mm_counter(mm, i)) {
			fprintf(stderr, "rss: counter %d is %ld, page tables map %ld\n", i,
				get_mm_counter(mm, i), c.rss[i]);
			return -EUCLEAN;
		}
	}
	for_each_vma(vmi, vma) {
		struct rss_count in = { { 0 } };

		(void)walk_pte_range(mm, vma->vm_start, vma->vm_end, rss_count_pte, &in);
		covered += (unsigned long)(in.rss[MM_ANONPAGES] + in.rss[MM_SHMEMPAGES] +
					   in.rss[MM_FILEPAGES]);
	}
	if (covered != get_mm_rss(mm)) {
		fprintf(stderr, "rss: %lu pages mapped outside any VMA\n", get_mm_rss(mm) - covered);
		return -EUCLEAN;
	}
	return 0;
}
