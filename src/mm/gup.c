// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Faulting pages in ahead of an access (mm/gup.c): populate_vma_page_range and __mm_populate's
 * loop for MAP_POPULATE, MAP_LOCKED and mlock, and faultin_page_range for MADV_POPULATE_READ
 * and _WRITE. Each page that is not mapped with the access already takes the fault a user
 * access would (handle_mm_fault); private writable memory is written, so COW is broken now.
 * Files with a page cache fault like anonymous memory; a file known by kind alone (no page
 * cache here) maps nothing and fails only where the kernel's fault would (beyond its end).
 * Every page populate finds mapped, faulted in or there already, is touched as FOLL_TOUCH
 * touches it (follow_page_pte) when the walk reaches it, before the next page's fault:
 * mark_page_accessed, so PG_referenced the first time and an activation the next, and a
 * write dirties a page its entry does not show dirty.
 * Left out: get_user_pages itself (pins, other FOLL_* flags, page references handed to
 * callers).
 */
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/mmap_lock.h"
#include "mm/pkeys.h"
#include "mm/task.h"

#include <sys/stat.h>

/* The leaf entry at @addr as it is now; none when a table on the way is missing. */
static pte_t follow_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = pte_offset_map(mm, addr);

	return ptep ? ptep_get(ptep) : 0;
}

/* Whether @pte already allows the access without a fault (follow_page_pte's checks). */
static bool follow_page_ok(pte_t pte, bool write)
{
	if (!(pte & _PAGE_PRESENT))
		return false;
	return !write || pte_write(pte);
}

/*
 * FOLL_TOUCH on the entry @pte at @addr (follow_page_pte): the page it maps is marked
 * accessed, as the kernel does instead of setting the entry's accessed bit, and dirtied for
 * a write the entry does not show. The zero page and PFN maps have no page to touch.
 */
static void follow_touch_pte(struct vm_area_struct *vma, unsigned long addr, pte_t pte,
			     bool write)
{
	struct pglist_data *pgdat = &vma->vm_mm->machine->pgdat;
	struct page *page;

	if (!pte_present(pte))
		return;
	page = vm_normal_page(vma, addr, pte);
	if (!page || !get_page_unless_zero(page))
		return;
	if (write && !pte_dirty(pte) && !PageDirty(page))
		(void)set_page_dirty(page);
	mark_page_accessed(pgdat, page);
	put_page(pgdat, page);
}

/**
 * populate_vma_page_range - fault in [@start, @end) of @vma as get_user_pages does, a write
 * fault when @write (private writable memory, so COW is broken now), else a read, and touch
 * each page done (FOLL_TOUCH). Each page that needed a fault counts as a minor fault of @tsk.
 *
 * One pass, page by page (__get_user_pages): an entry that allows the access is touched as
 * it is; otherwise the page is faulted in and the entry the fault left is looked up again
 * and touched (the kernel's retry of follow_page_mask). A failure stops the pass at its
 * page, the ones before it touched.
 * Context: mmap_lock held for writing: no fault runs in the mm meanwhile and every other
 * walker of its page tables takes mmap_lock, so its entries change only through this pass's
 * faults (and the MMU's accessed and dirty bits), and no page_table_lock is taken; the
 * fault path takes it because it holds mmap_lock for reading only.
 * Return: pages done, or -EFAULT (SIGBUS/SIGSEGV page) / -ENOMEM.
 */
long populate_vma_page_range(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;

	mmap_assert_write_locked(mm);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t pte = follow_pte(mm, addr);
		vm_fault_t ret;

		if (!follow_page_ok(pte, write)) {
			ret = handle_mm_fault(tsk, vma, addr, write ? FAULT_FLAG_WRITE : 0, NULL);
			if (ret & (VM_FAULT_OOM | VM_FAULT_ERROR))
				return ret & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
			pte = follow_pte(mm, addr);
		}
		follow_touch_pte(vma, addr, pte, write);
	}
	return (long)((end - start) >> PAGE_SHIFT);
}

/* Stops a walk at the first guard marker. */
static int guard_marker_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	(void)mm;
	(void)addr;
	(void)data;
	return is_guard_pte_marker(ptep_get(ptep));
}

/*
 * A file without a page cache here (known by kind or identity alone): populate maps none of
 * its pages, and fails only where the kernel's fault would, on a page at or beyond the end
 * of the file (SIGBUS, so -EFAULT).
 */
static long populate_file_range(struct vm_area_struct *vma, unsigned long start,
				unsigned long end, bool write)
{
	struct file *f = vma->vm_file;
	pgoff_t last = vma->vm_pgoff + ((end - vma->vm_start) >> PAGE_SHIFT);
	long long size = f->i_size;	/* -1: unknown, never beyond the end */
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
	if (f->f_inode)
		size = f->f_inode->i_size;
	else if (f->i_size < 0 && f->host_fd >= 0 && !fstat(f->host_fd, &st))
		size = st.st_size;
	if (f->regular && size >= 0 && last > (unsigned long)(size + PAGE_SIZE - 1) >> PAGE_SHIFT)
		return -EFAULT;
	return (long)((end - start) >> PAGE_SHIFT);
}

/* A file VMA whose object has no page cache here. */
static bool vma_without_pages(const struct vm_area_struct *vma)
{
	return vma->vm_file && !vma_is_anonymous(vma) && !vma->vm_file->f_inode;
}

/**
 * mm_populate_vma - fault in [@start, @end) of @vma as __mm_populate does for each VMA:
 * private writable memory with write faults (so COW is broken now), the rest with reads,
 * forced through a missing VM_READ.
 * Context: mmap_lock held for writing.
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
	if (vma_without_pages(vma))
		return populate_file_range(vma, start, end, write);
	return populate_vma_page_range(tsk, vma, start, end, write);
}

/**
 * mm_populate - fault in the VMAs of [@start, @start + @len) after mmap(MAP_POPULATE or
 * MAP_LOCKED) or mlock (__mm_populate): private writable memory is written, the rest read;
 * VM_LOCKONFAULT, VM_IO and VM_PFNMAP VMAs are skipped.
 * @ignore_errors: mmap's populate ignores failures; mlock reports the first one.
 * Context: mmap_lock held for writing.
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

/**
 * faultin_vma_page_range - MADV_POPULATE_READ/WRITE's work on [@start, @end) of @vma
 * (faultin_page_range): fault the pages in as a read or a @write would, once the VMA and the
 * caller's PKRU allow that access.
 * Context: mmap_lock held for writing.
 * Return: 0; -EINVAL (the access is not allowed), -EFAULT (a page that cannot be faulted),
 * -ENOMEM.
 */
int faultin_vma_page_range(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
			   unsigned long end, bool write)
{
	long ret;

	if (write ? !(vma->vm_flags & VM_WRITE) : !(vma->vm_flags & VM_READ))
		return -EINVAL;
	if (!arch_vma_access_permitted(tsk, vma, write, false))
		return -EINVAL;
	if (vma_without_pages(vma))
		ret = populate_file_range(vma, start, end, write);
	else
		ret = populate_vma_page_range(tsk, vma, start, end, write);
	return ret < 0 ? (int)ret : 0;
}
