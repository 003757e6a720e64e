// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /proc/pid/maps and /proc/pid/smaps text (fs/proc/task_mmu.c's show_map_vma, show_smap and
 * show_smap_vma_flags), byte for byte: addresses and offsets as at-least-8-digit lowercase
 * hex, the name padded to column 73, the kernel's names for the heap, the stack, named
 * anonymous memory and deleted files, and the x86_64 [vsyscall] gate area last. smaps and
 * smaps_rollup walk the page tables as smaps_pte_entry/smaps_account do (the zero page has no
 * struct page to count; Pss splits a page by its map count with PSS_SHIFT bits of fraction),
 * and /proc/pid/pagemap encodes each entry as pte_to_pagemap_entry does for a reader with
 * CAP_SYS_ADMIN (a guard marker reads as the swap-type entry 6.18 shows, with PM_GUARD_REGION;
 * a swap entry as bit 62 with its type and offset). smaps counts swap entries in Swap and
 * SwapPss (a slot several PTEs name is split between them).
 * Left out: THP and hugetlb counters (no
 * huge pages), KSM, soft-dirty (the host kernel is built without CONFIG_MEM_SOFT_DIRTY).
 * smaps has a ProtectionKey line only when the machine's CPUs have PKU, as arch_show_smap.
 */
#include "mm/procfs.h"
#include "mm/memory.h"
#include "mm/machine.h"
#include "mm/pkeys.h"
#include "mm/swap.h"
#include "mm/vma.h"

#include <inttypes.h>
#include <string.h>
#include <sys/sysmacros.h>

#define VSYSCALL_ADDR 0xffffffffff600000UL
#define MAPS_NAME_COLUMN 72	/* seq_setwidth(25 + 6 * sizeof(void *) - 1), then one space */

static int put_map_line(FILE *out, unsigned long start, unsigned long end, vm_flags_t flags,
			unsigned long long pgoff, dev_t dev, unsigned long ino, const char *fmt,
			const char *name, const char *suffix)
{
	int n = fprintf(out, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", start, end,
			flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
			flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p', pgoff,
			major(dev), minor(dev), ino);

	if (n < 0)
		return -EIO;
	if (name) {
		if (n < MAPS_NAME_COLUMN + 1 && fprintf(out, "%*s", MAPS_NAME_COLUMN + 1 - n, "") < 0)
			return -EIO;
		if (fprintf(out, fmt, name) < 0 || fputs(suffix, out) < 0)
			return -EIO;
	}
	return fputc('\n', out) == EOF ? -EIO : 0;
}

static int show_map_vma(struct mm_struct *mm, struct vm_area_struct *vma, FILE *out)
{
	struct file *file = vma->vm_file;
	const char *name = NULL, *fmt = "%s", *suffix = "";
	unsigned long long pgoff = 0;
	unsigned long ino = 0;
	dev_t dev = 0;

	if (file && file->f_inode && !vma->anon_name) {
		struct inode *inode = file->f_inode;
		struct inode_name *fname = file->f_name;
		int err;

		/* the inode's identity and the current name of what the file was opened through
		 * (d_path: after renames; " (deleted)" once that name is unlinked), else the
		 * inode's, under the namespace lock that rename takes to replace the names */
		pthread_mutex_lock(&inode->i_vfs->lock);
		err = put_map_line(out, vma->vm_start, vma->vm_end, vma->vm_flags,
				   (unsigned long long)vma->vm_pgoff << PAGE_SHIFT, inode->i_dev,
				   inode->i_ino, "%s", fname ? fname->n_path : inode->i_path,
				   (fname ? fname->n_unlinked : !inode->i_nlink) ? " (deleted)" : "");
		pthread_mutex_unlock(&inode->i_vfs->lock);
		return err;
	}
	if (file) {
		dev = file->f_inode ? file->f_inode->i_dev : file->dev;
		ino = file->f_inode ? file->f_inode->i_ino : file->ino;
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
		if (vma->anon_name) {
			fmt = "[anon_shmem:%s]";
			name = vma->anon_name->name;
		} else {
			name = file->path;
			if (file->deleted)
				suffix = " (deleted)";
		}
	} else if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
	} else if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk) {
		/* vma_is_initial_heap(): strict, so the bss ending at start_brk is not [heap] */
		name = "[heap]";
	} else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack) {
		name = "[stack]";
	} else if (vma->anon_name) {
		fmt = "[anon:%s]";
		name = vma->anon_name->name;
	}
	return put_map_line(out, vma->vm_start, vma->vm_end, vma->vm_flags, pgoff, dev, ino, fmt,
			    name, suffix);
}

/* Writes every VMA's entry with @show, in address order; stops at the first error. */
static int show_each_vma(struct mm_struct *mm, FILE *out,
			 int (*show)(struct mm_struct *, struct vm_area_struct *, FILE *))
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	int err = 0;

	for_each_vma(vmi, vma) {
		err = show(mm, vma, out);
		if (err)
			break;
	}
	return err;
}

/**
 * show_maps - write /proc/pid/maps for @mm to @out.
 * Context: mmap_lock held for reading.
 * Return: 0 or -EIO when @out fails.
 */
int show_maps(struct mm_struct *mm, FILE *out)
{
	int err = show_each_vma(mm, out, show_map_vma);

	if (err)
		return err;
	return put_map_line(out, VSYSCALL_ADDR, VSYSCALL_ADDR + PAGE_SIZE, VM_EXEC, 0, 0, 0, "%s",
			    "[vsyscall]", "");
}

static const char *const vm_flag_mnemonics[64] = {
	[0] = "rd", [1] = "wr", [2] = "ex", [3] = "sh", [4] = "mr", [5] = "mw", [6] = "me",
	[7] = "ms", [8] = "gd", [9] = "um", [10] = "pf", [12] = "uw", [13] = "lo", [14] = "io",
	[15] = "sr", [16] = "rr", [17] = "dc", [18] = "de", [19] = "lf", [20] = "ac", [21] = "nr",
	[22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf", [26] = "dd", [27] = "sd", [28] = "mm",
	[29] = "hg", [30] = "nh", [31] = "mg", [38] = "ss", [40] = "dp", [63] = "sl",
	[11] = "gu", /* VM_MAYBE_GUARD */
};

static int show_smap_vma_flags(const struct vm_area_struct *vma, FILE *out)
{
	fputs("VmFlags: ", out);
	for (int i = 0; i < 64; i++)
		if ((vma->vm_flags & (1UL << i)) && vm_flag_mnemonics[i])
			fprintf(out, "%s ", vm_flag_mnemonics[i]);
	return fputc('\n', out) == EOF ? -EIO : 0;
}

/* THPeligible in madvise mode: an anonymous private VMA with MADV_HUGEPAGE holding an aligned
 * 2 MiB block. */
static int thp_eligible(const struct vm_area_struct *vma)
{
	vm_flags_t f = vma->vm_flags;

	if (vma->vm_file || !(f & VM_HUGEPAGE) || (f & (VM_NOHUGEPAGE | VM_SPECIAL | VM_SHARED)))
		return 0;
	return ALIGN(vma->vm_start, PMD_SIZE) + PMD_SIZE <= vma->vm_end;
}

/* Pss and friends carry 12 bits of fraction so that a page split three ways adds up. */
#define PSS_SHIFT 12

/* What one VMA (or, for smaps_rollup, every VMA) holds (fs/proc/task_mmu.c). In bytes. */
struct mem_size_stats {
	struct vm_area_struct *vma;	/* The VMA being walked */
	unsigned long resident;
	unsigned long shared_clean, shared_dirty, private_clean, private_dirty;
	unsigned long referenced, anonymous, lazyfree;
	unsigned long swap;
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked; /* << PSS_SHIFT */
	uint64_t swap_pss;		/* << PSS_SHIFT */
};

/*
 * Adds one page, or the mapping's share of it, to the counters: @pss (<< PSS_SHIFT) to the
 * Pss totals of its kind, the whole page to the one Rss bucket that describes it. @private:
 * no other mapping shares the page. A page counts as dirty when its PTE or the page says so.
 */
static void smaps_page_accumulate(struct mem_size_stats *mss, const struct page *page,
				  uint64_t pss, bool dirty, bool locked, bool private)
{
	uint64_t *kind = PageAnon(page) ? &mss->pss_anon :
			 PageSwapBacked(page) ? &mss->pss_shmem : &mss->pss_file;
	unsigned long *bucket;

	dirty = dirty || PageDirty(page);
	if (dirty)
		bucket = private ? &mss->private_dirty : &mss->shared_dirty;
	else
		bucket = private ? &mss->private_clean : &mss->shared_clean;
	*bucket += PAGE_SIZE;
	mss->pss += pss;
	*kind += pss;
	mss->pss_dirty += dirty ? pss : 0;
	mss->pss_locked += locked ? pss : 0;
}

/*
 * smaps_account for one small page. A page nothing else references is private whatever its
 * map count; otherwise the map count decides, and each mapping gets 1/mapcount of the Pss.
 */
static void smaps_account(struct mem_size_stats *mss, const struct page *page, bool young,
			  bool dirty, bool locked)
{
	uint64_t pss = (uint64_t)PAGE_SIZE << PSS_SHIFT;
	int sharers = page_ref_count(page) == 1 ? 1 : page_mapcount(page);

	mss->resident += PAGE_SIZE;
	if (young || PageReferenced(page))
		mss->referenced += PAGE_SIZE;
	if (PageAnon(page)) {
		mss->anonymous += PAGE_SIZE;
		/* MADV_FREE cleared SwapBacked: reclaim may drop the page unless it is redirtied */
		if (!PageSwapBacked(page) && !dirty && !PageDirty(page))
			mss->lazyfree += PAGE_SIZE;
	}
	if (sharers >= 2)
		pss /= (uint64_t)sharers;
	smaps_page_accumulate(mss, page, pss, dirty, locked, sharers < 2);
}

static int smaps_pte_entry(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct mem_size_stats *mss = data;
	struct vm_area_struct *vma = mss->vma;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (is_swap_entry_pte(pte)) {
		/* swap, and its share of a slot several PTEs name (swp_swapcount) */
		unsigned long count = swp_swapcount(mm->machine, pte_to_swp_entry(pte));

		mss->swap += PAGE_SIZE;
		mss->swap_pss += ((uint64_t)PAGE_SIZE << PSS_SHIFT) / (uint64_t)max(count, 1UL);
		return 0;
	}
	if (!pte_present(pte))
		return 0;
	page = vm_normal_page(vma, addr, pte);
	if (!page)
		return 0;	/* The zero page: mapped, but nobody's resident memory */
	smaps_account(mss, page, pte_young(pte), pte_dirty(pte), vma->vm_flags & VM_LOCKED);
	return 0;
}

/*
 * The swap a shmem VMA shows: the file's swapped pages in its range, all of them where a
 * private page cannot hide one (a shared or read-only mapping); in a private writable one,
 * those whose entry is empty, a private copy standing for the rest (smaps_pte_hole_lookup).
 */
static uint64_t smaps_shmem_swap(struct vm_area_struct *vma)
{
	struct address_space *mapping = inode_mapping(vma->vm_file->f_inode);
	pgoff_t first = vma->vm_pgoff, last = first + vma_pages(vma) - 1, index = first;
	unsigned long n = 0;

	if (!READ_ONCE(mapping->nrswapped))
		return 0;
	if ((vma->vm_flags & VM_SHARED) || !(vma->vm_flags & VM_WRITE))
		return (uint64_t)shmem_swapped_range(mapping, first, last) << PAGE_SHIFT;
	for (;;) {
		pte_t *ptep;

		pthread_mutex_lock(&mapping->lock);
		if (!xa_find(&mapping->swapped, &index, last)) {
			pthread_mutex_unlock(&mapping->lock);
			break;
		}
		pthread_mutex_unlock(&mapping->lock);
		ptep = pte_offset_map(vma->vm_mm, vma->vm_start + ((index - first) << PAGE_SHIFT));
		n += !ptep || pte_none(ptep_get(ptep));
		if (index++ == last)
			break;
	}
	return (uint64_t)n << PAGE_SHIFT;
}

static void smap_gather_stats(struct vm_area_struct *vma, struct mem_size_stats *mss)
{
	mss->vma = vma;
	(void)walk_pte_range(vma->vm_mm, vma->vm_start, vma->vm_end, smaps_pte_entry, mss);
	if (vma_is_shmem(vma))
		mss->swap += smaps_shmem_swap(vma);
}

static void put_kb(FILE *out, const char *label, uint64_t bytes)
{
	fprintf(out, "%s%8" PRIu64 " kB\n", label, bytes >> 10);
}

/* __show_smap: the counter lines; smaps_rollup adds the Pss split by page type. */
static void show_smap_counters(FILE *out, const struct mem_size_stats *mss, bool rollup)
{
	put_kb(out, "Rss:            ", mss->resident);
	put_kb(out, "Pss:            ", mss->pss >> PSS_SHIFT);
	put_kb(out, "Pss_Dirty:      ", mss->pss_dirty >> PSS_SHIFT);
	if (rollup) {
		put_kb(out, "Pss_Anon:       ", mss->pss_anon >> PSS_SHIFT);
		put_kb(out, "Pss_File:       ", mss->pss_file >> PSS_SHIFT);
		put_kb(out, "Pss_Shmem:      ", mss->pss_shmem >> PSS_SHIFT);
	}
	put_kb(out, "Shared_Clean:   ", mss->shared_clean);
	put_kb(out, "Shared_Dirty:   ", mss->shared_dirty);
	put_kb(out, "Private_Clean:  ", mss->private_clean);
	put_kb(out, "Private_Dirty:  ", mss->private_dirty);
	put_kb(out, "Referenced:     ", mss->referenced);
	put_kb(out, "Anonymous:      ", mss->anonymous);
	put_kb(out, "KSM:            ", 0);
	put_kb(out, "LazyFree:       ", mss->lazyfree);
	put_kb(out, "AnonHugePages:  ", 0);
	put_kb(out, "ShmemPmdMapped: ", 0);
	put_kb(out, "FilePmdMapped:  ", 0);
	put_kb(out, "Shared_Hugetlb: ", 0);
	fprintf(out, "Private_Hugetlb: %7d kB\n", 0); /* One column narrower: the label is long */
	put_kb(out, "Swap:           ", mss->swap);
	put_kb(out, "SwapPss:        ", mss->swap_pss >> PSS_SHIFT);
	put_kb(out, "Locked:         ", mss->pss_locked >> PSS_SHIFT);
}

static int show_smap(struct mm_struct *mm, struct vm_area_struct *vma, FILE *out)
{
	struct mem_size_stats mss = {};
	int err;

	err = show_map_vma(mm, vma, out);
	if (err)
		return err;
	smap_gather_stats(vma, &mss);
	put_kb(out, "Size:           ", vma->vm_end - vma->vm_start);
	put_kb(out, "KernelPageSize: ", PAGE_SIZE);
	put_kb(out, "MMUPageSize:    ", PAGE_SIZE);
	show_smap_counters(out, &mss, false);
	fprintf(out, "THPeligible:    %8d\n", thp_eligible(vma));
	if (!mm->machine->no_pku) /* arch_pkeys_enabled() */
		fprintf(out, "ProtectionKey:  %8u\n", (unsigned int)vma_pkey(vma));
	return show_smap_vma_flags(vma, out);
}

/* The gate area has no page tables of the process's own: every counter is zero, its key 0. */
static int show_smap_gate(struct mm_struct *mm, FILE *out)
{
	struct mem_size_stats mss = {};
	int err;

	err = put_map_line(out, VSYSCALL_ADDR, VSYSCALL_ADDR + PAGE_SIZE, VM_EXEC, 0, 0, 0, "%s",
			   "[vsyscall]", "");
	if (err)
		return err;
	put_kb(out, "Size:           ", PAGE_SIZE);
	put_kb(out, "KernelPageSize: ", PAGE_SIZE);
	put_kb(out, "MMUPageSize:    ", PAGE_SIZE);
	show_smap_counters(out, &mss, false);
	fprintf(out, "THPeligible:    %8d\n", 0);
	if (!mm->machine->no_pku)
		fprintf(out, "ProtectionKey:  %8u\n", 0U);
	return fputs("VmFlags: ex \n", out) == EOF ? -EIO : 0;
}

/**
 * show_smaps - write /proc/pid/smaps for @mm to @out, the [vsyscall] gate area last.
 * Context: mmap_lock held for reading.
 * Return: 0 or -EIO.
 */
int show_smaps(struct mm_struct *mm, FILE *out)
{
	int err = show_each_vma(mm, out, show_smap);

	return err ? err : show_smap_gate(mm, out);
}

/**
 * show_smaps_rollup - write /proc/pid/smaps_rollup for @mm: one header spanning the first VMA's
 * start to the last one's end (the gate area is not a VMA), then every VMA's counters summed.
 * An empty mm prints 00000000-00000000.
 * Context: mmap_lock held for reading.
 * Return: 0 or -EIO.
 */
int show_smaps_rollup(struct mm_struct *mm, FILE *out)
{
	struct mem_size_stats mss = {};
	struct vm_area_struct *vma;
	unsigned long start = 0, end = 0;
	int err;
	VMA_ITERATOR(vmi, mm, 0);

	for_each_vma(vmi, vma) {
		if (!end)
			start = vma->vm_start;
		smap_gather_stats(vma, &mss);
		end = vma->vm_end;
	}
	err = put_map_line(out, start, end, 0, 0, 0, 0, "%s", "[rollup]", "");
	if (err)
		return err;
	show_smap_counters(out, &mss, true);
	return ferror(out) ? -EIO : 0;
}

struct pagemap_state {
	struct vm_area_struct *vma;	/* The VMA being walked */
	unsigned long start;		/* Address of out[0] */
	uint64_t *out;			/* One entry per page, holes left zero */
};

/*
 * pte_to_pagemap_entry: a present entry's frame and flags; a guard marker, the one software
 * entry, reads as a swap entry (type and offset in the frame field) with PM_GUARD_REGION.
 */
static int pagemap_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct pagemap_state *pm = data;
	pte_t pte = ptep_get(ptep);
	uint64_t pme;
	struct page *page;

	(void)mm;
	if (is_guard_pte_marker(pte) || is_swap_entry_pte(pte)) {
		pme = PM_SWAP | (is_guard_pte_marker(pte) ? PM_GUARD_REGION : 0) |
		      ((pte_swp_type(pte) | pte_swp_offset(pte) << MAX_SWAPFILES_SHIFT) &
		       PM_PFRAME_MASK);
		pm->out[(addr - pm->start) >> PAGE_SHIFT] = pme;
		return 0;
	}
	if (!pte_present(pte))
		return 0;
	pme = PM_PRESENT | (pte_pfn(pte) & PM_PFRAME_MASK);
	page = vm_normal_page(pm->vma, addr, pte);
	if (page) {
		if (!PageAnon(page))
			pme |= PM_FILE;
		if (page_mapcount(page) == 1)
			pme |= PM_MMAP_EXCLUSIVE;
	}
	pm->out[(addr - pm->start) >> PAGE_SHIFT] = pme;
	return 0;
}

/**
 * pagemap_read - the /proc/pid/pagemap entries of the pages of [@start, @end), as a reader with
 * CAP_SYS_ADMIN sees them (with the PFN). Pages outside any VMA or not present read as 0.
 * @out: room for (@end - @start) >> PAGE_SHIFT entries
 * Context: mmap_lock held for reading. @start and @end page-aligned, @start <= @end.
 */
void pagemap_read(struct mm_struct *mm, unsigned long start, unsigned long end, uint64_t *out)
{
	struct pagemap_state pm = { .start = start, .out = out };
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, start);

	memset(out, 0, ((end - start) >> PAGE_SHIFT) * sizeof(*out));
	for_each_vma(vmi, vma) {
		unsigned long s = max(start, vma->vm_start), e = min(end, vma->vm_end);

		if (s >= e)
			continue;
		pm.vma = vma;
		(void)walk_pte_range(mm, s, e, pagemap_pte, &pm);
	}
}
