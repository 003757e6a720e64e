// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared anonymous memory (mm/shmem.c's shmem_zero_setup and shmem_fault): MAP_SHARED |
 * MAP_ANONYMOUS gets an unnamed shmem object the size of the mapping, whose page cache is an
 * array indexed by page offset. Faults look the page up there, allocating a zeroed one for a
 * hole, and map it; fork children inherit the VMA and so the same object and pages. The object
 * lives as long as the "/dev/zero (deleted)" file the VMAs hold (fput frees it), and so does
 * its overcommit charge (made whole at mmap unless MAP_NORESERVE, returned when it is freed).
 * A read fault also maps the neighbours already in the cache (shmem_map_pages, the part of
 * filemap_map_pages that fault-around uses). A write dirties the page (PG_dirty), which the
 * page keeps: without swap, shmem pages are never cleaned.
 * Left out: swap, huge pages, tmpfs files with names, truncation and hole punching
 * (MADV_REMOVE), and the radix/xarray: the cache is a flat array of the mapping's length.
 */
#include "mm/memory.h"
#include "mm/shmem.h"
#include "mm/vma.h"

/**
 * shmem_inode_alloc - an empty shmem object of @size bytes (rounded up to pages).
 * Return: the object, or NULL when out of memory.
 */
struct shmem_inode *shmem_inode_alloc(struct machine *m, unsigned long size)
{
	struct shmem_inode *info = calloc(1, sizeof(*info));

	if (!info)
		return NULL;
	info->machine = m;
	info->nr_pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	info->pages = calloc(info->nr_pages ? info->nr_pages : 1, sizeof(*info->pages));
	if (!info->pages) {
		free(info);
		return NULL;
	}
	return info;
}

/*
 * Drops the page cache's reference on every page and frees the object (shmem_evict_inode).
 * munmap frees the VMA, and with it the last file reference, before zapping its entries: a
 * page still mapped then keeps the mapping's reference and is freed by the zap.
 */
void shmem_inode_free(struct shmem_inode *info)
{
	if (!info)
		return;
	vm_unacct_memory(info->machine, (long)info->acct_pages);
	for (unsigned long i = 0; i < info->nr_pages; i++) {
		struct page *page = info->pages[i];

		if (!page)
			continue;
		page->mapping = NULL;
		put_page(&info->machine->pgdat, page);
	}
	free(info->pages);
	free(info);
}

bool shmem_page_cached(const struct shmem_inode *info, pgoff_t index)
{
	return info && index < info->nr_pages && info->pages[index];
}

/* The cache page at @index, allocating a zeroed one for a hole (shmem_get_folio). */
static struct page *shmem_get_page(struct machine *m, struct shmem_inode *info, pgoff_t index)
{
	struct page *page = info->pages[index];

	if (page)
		return page;
	page = alloc_zeroed_page(&m->pgdat);
	if (!page)
		return NULL;
	page->mapping = info;
	page->index = index;
	SetPageSwapBacked(page);
	SetPageUptodate(page);
	info->pages[index] = page;
	info->nr_cached++;
	return page;
}

/* Maps cache page @page at @addr through @ptep, a none entry (set_pte_range for one page). */
static void shmem_set_pte(struct vm_fault *vmf, struct page *page, unsigned long addr, pte_t *ptep)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t entry;

	get_page(page);
	page_add_file_rmap(page);
	/* x86 maps pre-faulted entries young, like the faulting one (arch_wants_old_prefaulted_pte). */
	entry = pte_mkyoung(pfn_pte(page_to_pfn(&mm->machine->pgdat, page), vma->vm_page_prot));
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	set_pte_at(mm, addr, ptep, entry);
}

/**
 * shmem_fault - map the shmem page behind vmf->address (shmem_fault + finish_fault).
 *
 * The entry takes the VMA's protection; a write fault also marks it dirty. Beyond the object's
 * size (a shared mapping grown by mremap) there is no page: SIGBUS, as Linux delivers it.
 * Context: the caller holds the page-table lock; vmf->pte is a none entry.
 * Return: 0, VM_FAULT_SIGBUS or VM_FAULT_OOM.
 */
vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct shmem_inode *info = vma->vm_file->shmem;
	struct page *page;

	if (!info || vmf->pgoff >= info->nr_pages)
		return VM_FAULT_SIGBUS;
	page = shmem_get_page(mm->machine, info, vmf->pgoff);
	if (!page)
		return VM_FAULT_OOM;
	shmem_set_pte(vmf, page, vmf->address, vmf->pte);
	add_mm_counter(mm, MM_SHMEMPAGES, 1);
	/* do_shared_fault's fault_dirty_shared_page: the page, not only the entry, is dirty. */
	if (vmf->flags & FAULT_FLAG_WRITE)
		SetPageDirty(page);
	return 0;
}

/**
 * shmem_map_pages - fault-around for a read fault (filemap_map_pages): map the pages of
 * [@start_pgoff, @end_pgoff] that the object's cache already holds and whose entries are none.
 * Holes stay holes: only the faulting page itself is allocated, by shmem_fault.
 * Context: as shmem_fault; the range lies in vmf->vma and in the page table of vmf->pte.
 * Return: VM_FAULT_NOPAGE when the faulting address got its page, else 0.
 */
vm_fault_t shmem_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct shmem_inode *info = vma->vm_file->shmem;
	unsigned long nr = 0;
	vm_fault_t ret = 0;

	if (!info || !info->nr_pages)
		return 0;
	/* Nothing is mapped beyond the end of the object (i_size). */
	if (end_pgoff >= info->nr_pages)
		end_pgoff = info->nr_pages - 1;
	for (pgoff_t index = start_pgoff; index <= end_pgoff; index++) {
		struct page *page = info->pages[index];
		unsigned long addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
		pte_t *ptep = vmf->pte + ((long)(addr - vmf->address) >> PAGE_SHIFT);

		if (!page || !pte_none(*ptep))
			continue;
		if (addr == vmf->address)
			ret = VM_FAULT_NOPAGE;
		shmem_set_pte(vmf, page, addr, ptep);
		nr++;
	}
	add_mm_counter(vma->vm_mm, MM_SHMEMPAGES, (long)nr);
	return ret;
}
