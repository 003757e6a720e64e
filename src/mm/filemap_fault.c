// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Faults on mappings of an object with a page cache (mm/filemap.c's filemap_fault and
 * filemap_map_pages, mm/memory.c's do_fault family, mm/shmem.c's shmem_fault for the shmem
 * side): regular files of the overlay and shmem inodes (shared anonymous memory, memfd, SysV
 * segments) fault through the same path, and so do special mappings with a ->fault of their
 * own (mm/mmap.c's special_mapping_fault: the vDSO's pages, vdso.c).
 *
 * A read fault first maps the cached, up-to-date pages around it (fault-around: the aligned
 * fault_around_bytes window clipped to the VMA, the page table and the end of the file,
 * leaving out folios that carry the async marker; when the fault found no page table, none
 * is installed for a first folio that holds the file's last page, so nothing is mapped
 * around), then the page itself. A cache miss is a major fault: it reads the window
 * read-around, the executable window or the sequential readahead picks
 * (do_sync_mmap_readahead), and, as the kernel drops mmap_lock for that I/O and has the
 * fault retried, the retry maps what the read brought in through fault-around. A hit on a
 * folio with the async marker (PG_readahead) reads the next window ahead. A page a fault
 * maps itself brings its whole large folio along where the folio fits the VMA, the page
 * table and the file and none of its entries is taken (6.18's finish_fault). A miss on a
 * hole's page does not wait for the reads its readahead started, so its retry's
 * fault-around passes over the pages they fill (fault_io_pending). A
 * private write copies the cache page into an anonymous page (do_cow_fault); a shared write
 * maps it writable and dirties it (do_shared_fault). Shared writable mappings of files that
 * writeback can clean get read-only entries (write-notify, vma_wants_writenotify), so that
 * the first write after a read fault or a writeback faults and dirties the page again
 * (memory.c's wp_page_shared). A page wholly beyond i_size is SIGBUS; the partial last page
 * reads zeros past the end (the page cache keeps that tail zeroed).
 *
 * Left out: PMD mappings of large folios (VM_HUGEPAGE's readahead), page locking (mmap_lock and the page-table lock
 * serialize every fault of an mm; the cache's own lock its index), userfaultfd,
 * the workingset refault detection that keeps mmap_miss from falling, and ->page_mkwrite
 * (no file system here has one: the dirtying is set_page_dirty's).
 */
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/shmem.h"
#include "mm/task.h"
#include "mmu/tlb.h"

#include <string.h>

/* fault_around_bytes' default, 64 KiB: the window a read fault maps around itself. */
#define FAULT_AROUND_PAGES (65536UL / PAGE_SIZE)
/* Cache misses of mmap faults after which read-around stops (MMAP_LOTSAMISS). */
#define MMAP_LOTSAMISS 100U

static struct address_space *vma_mapping(const struct vm_area_struct *vma)
{
	return inode_mapping(vma->vm_file->f_inode);
}

/* Pages of the file that exist: the index past the last one (DIV_ROUND_UP(i_size, 4096)). */
static pgoff_t file_max_index(const struct inode *inode)
{
	loff_t size = i_size_read(inode);

	return (pgoff_t)((size + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT);
}

static int vma_ra_mode(const struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_RAND_READ)
		return RA_MODE_RANDOM;
	return (vma->vm_flags & VM_SEQ_READ) ? RA_MODE_SEQUENTIAL : RA_MODE_NORMAL;
}

/*
 * The window of an executable mapping's miss (do_sync_mmap_readahead's VM_EXEC case): from
 * the faulting page (aligned down to exec_folio_order's folio, order 0 on x86) up to ra_pages
 * on, inside the VMA, with no async marker: text is read where it is mapped, not around it.
 */
static void exec_ra_window(struct vm_fault *vmf, struct file_ra_state *ra)
{
	struct vm_area_struct *vma = vmf->vma;
	pgoff_t vma_end = vma->vm_pgoff + vma_pages(vma), start = max(vmf->pgoff, vma->vm_pgoff);

	WRITE_ONCE(ra->order, 0);
	WRITE_ONCE(ra->start, start);
	WRITE_ONCE(ra->size, min((unsigned long)READ_ONCE(ra->ra_pages), vma_end - start));
	WRITE_ONCE(ra->async_size, 0);
}

/*
 * A cache miss (do_sync_mmap_readahead): no readahead for VM_RAND_READ, a sequential window
 * for VM_SEQ_READ; else, unless this file's mmap faults miss far more than they hit, the
 * executable window (exec_ra_window) or read-around: ra_pages centred on the fault, its
 * last quarter behind the async marker, read as order-0 folios.
 */
static void do_sync_mmap_readahead(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct file_ra_state *ra = &vma->vm_file->f_ra;
	struct address_space *mapping = vma_mapping(vma);
	unsigned int miss, ra_pages = READ_ONCE(ra->ra_pages);

	if ((vma->vm_flags & VM_RAND_READ) || !ra_pages)
		return;
	if (vma->vm_flags & VM_SEQ_READ) {
		page_cache_sync_ra(mapping, ra, RA_MODE_SEQUENTIAL, vmf->pgoff, ra_pages);
		return;
	}
	miss = __atomic_load_n(&ra->mmap_miss, __ATOMIC_RELAXED);
	if (miss < MMAP_LOTSAMISS * 10)
		__atomic_store_n(&ra->mmap_miss, (unsigned short)++miss, __ATOMIC_RELAXED);
	if (miss > MMAP_LOTSAMISS)
		return;
	if (vma->vm_flags & VM_EXEC) {
		exec_ra_window(vmf, ra);
	} else {
		WRITE_ONCE(ra->start, vmf->pgoff > ra_pages / 2 ? vmf->pgoff - ra_pages / 2 : 0);
		WRITE_ONCE(ra->size, ra_pages);
		WRITE_ONCE(ra->async_size, ra_pages / 4);
		WRITE_ONCE(ra->order, 0);
	}
	page_cache_ra_order(mapping, ra);
}

/* A cache hit (do_async_mmap_readahead): a hit pays back a miss; the marker reads ahead. */
static void do_async_mmap_readahead(struct vm_fault *vmf, struct page *page)
{
	struct vm_area_struct *vma = vmf->vma;
	struct file_ra_state *ra = &vma->vm_file->f_ra;
	unsigned int miss, ra_pages = READ_ONCE(ra->ra_pages);

	if ((vma->vm_flags & VM_RAND_READ) || !ra_pages)
		return;
	miss = __atomic_load_n(&ra->mmap_miss, __ATOMIC_RELAXED);
	if (miss)
		__atomic_store_n(&ra->mmap_miss, (unsigned short)(miss - 1), __ATOMIC_RELAXED);
	if (PageReadahead(page))
		page_cache_async_ra(vma_mapping(vma), ra, vma_ra_mode(vma), page, vmf->pgoff,
				    ra_pages);
}

/*
 * The file pages [*@start, *@end] of a read fault's fault-around window (do_fault_around).
 */
static void fault_around_window(const struct vm_fault *vmf, pgoff_t *start, pgoff_t *end)
{
	unsigned long nr = FAULT_AROUND_PAGES, vma_len = vma_pages(vmf->vma);
	unsigned long pte_off = (vmf->address >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	unsigned long vma_off = vmf->pgoff - vmf->vma->vm_pgoff;
	unsigned long from, to;

	from = max(pte_off & ~(nr - 1), pte_off - min(pte_off, vma_off));
	to = min(min(from + nr, (unsigned long)PTRS_PER_TABLE), pte_off + vma_len - vma_off) - 1;
	*start = vmf->pgoff + from - pte_off;
	*end = vmf->pgoff + to - pte_off;
}

/* Whether bit @index of the window from @base is set in @mask. */
static bool window_bit(pgoff_t base, unsigned long mask, pgoff_t index)
{
	return index >= base && index - base < FAULT_AROUND_PAGES && (mask >> (index - base) & 1);
}

/* The pages of the fault-around window from @base to @end that are cached, bit by bit. */
static unsigned long window_cached(struct address_space *mapping, pgoff_t base, pgoff_t end)
{
	unsigned long mask = 0;

	for (pgoff_t i = base; i <= end; i++) {
		struct page *page = filemap_find_page(mapping, i);

		if (page) {
			mask |= 1UL << (i - base);
			put_page(mapping->pgdat, page);
		}
	}
	return mask;
}

/*
 * After a miss on a hole's page read ahead: the pages of the retry's fault-around window
 * that the readahead read from blocks (not cached before, and with data), whole folios.
 * ext4 zero-fills a hole's folio without I/O, so the fault does not wait for the reads its
 * readahead started; they are in flight when it is retried, and fault-around passes over
 * their folios, still locked. A miss on a block waits for its read, and by then the others
 * have completed (host: a read fault on a hole page between data pages cached them all but
 * mapped only itself; the next fault there mapped the rest).
 */
static unsigned long fault_io_pending(struct vm_fault *vmf, pgoff_t base, pgoff_t end,
				      unsigned long before)
{
	struct address_space *mapping = vma_mapping(vmf->vma);
	struct inode *inode = mapping->host;
	unsigned long pending = 0;

	for (pgoff_t i = base; i <= end; i++) {
		struct page *page;

		if (window_bit(base, before, i) || !vfs_page_has_data(inode, i))
			continue;
		page = filemap_find_page(mapping, i);
		if (!page)
			continue;
		for (pgoff_t j = max(base, filemap_folio_index(page));
		     j < filemap_folio_next_index(page) && j <= end; j++)
			pending |= 1UL << (j - base);
		put_page(mapping->pgdat, page);
	}
	return pending;
}

/**
 * filemap_fault - find the page-cache page behind vmf->pgoff of a regular file's mapping.
 *
 * A hit returns the page. A miss counts as a major fault and reads the page with whatever
 * readahead decides; a first attempt then returns VM_FAULT_RETRY, as the kernel does after
 * dropping mmap_lock for the read, and the caller faults again with FAULT_FLAG_TRIED.
 * Context: mmap_lock and the page-table lock held.
 * Return: 0 or VM_FAULT_MAJOR with the page (a reference) in vmf->page; VM_FAULT_RETRY
 * (with VM_FAULT_MAJOR, no page); VM_FAULT_SIGBUS beyond the end of the file or on a read
 * error; VM_FAULT_OOM.
 */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vma_mapping(vmf->vma);
	struct inode *inode = mapping->host;
	vm_fault_t ret = 0;
	struct page *page;

	if (vmf->pgoff >= file_max_index(inode))
		return VM_FAULT_SIGBUS;
	page = filemap_get_page(mapping, vmf->pgoff, 0, NULL);
	if (page) {
		if (!(vmf->flags & FAULT_FLAG_TRIED))
			do_async_mmap_readahead(vmf, page);
	} else {
		/* a hole's page needs no read: its fault does not wait for the others */
		bool hole = inode->i_kind == FS_OVERLAY && !(vmf->flags & FAULT_FLAG_TRIED) &&
			    !vfs_page_has_data(inode, vmf->pgoff);
		unsigned long before = 0;
		pgoff_t base = 0, end = 0; /* set with hole; GCC -O2 cannot see it */

		if (hole) {
			fault_around_window(vmf, &base, &end);
			before = window_cached(mapping, base, end);
		}
		ret = VM_FAULT_MAJOR;
		do_sync_mmap_readahead(vmf);
		page = filemap_get_page(mapping, vmf->pgoff, FGP_CREAT, NULL);
		if (IS_ERR(page))
			return PTR_ERR(page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		psi_note_read(page);	/* readahead of a workingset page stalls */
		if (hole) {
			vmf->io_base = base;
			vmf->io_pending = fault_io_pending(vmf, base, end, before);
		}
		if (!(vmf->flags & FAULT_FLAG_TRIED)) {
			put_page(&vmf->vma->vm_mm->machine->pgdat, page);
			return VM_FAULT_MAJOR | VM_FAULT_RETRY;
		}
	}
	/* The size may have shrunk while the page was read: check again. */
	if (vmf->pgoff >= file_max_index(inode)) {
		put_page(&vmf->vma->vm_mm->machine->pgdat, page);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret;
}

/*
 * The object's ->fault (__do_fault): a special mapping's own (the vDSO's, vdso.c: a page, or
 * an entry it installed itself), shmem allocates what it lacks, files read it.
 */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	const struct vm_operations_struct *ops = vmf->vma->vm_ops;

	if (ops && ops->fault)
		return ops->fault(vmf);
	if (vma_is_shmem(vmf->vma))
		return shmem_fault(vmf);
	return filemap_fault(vmf);
}

/*
 * set_pte_range for one page of the cache: the entry takes the VMA's protection (read-only
 * for private and write-notified mappings), young as x86's protections make every entry; a
 * write fault maps it dirty and, where the VMA allows writing, writable.
 */
static void set_file_pte(struct vm_fault *vmf, struct page *page, unsigned long addr,
			 pte_t *ptep, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t entry = pte_mkyoung(pfn_pte(page_to_pfn(&mm->machine->pgdat, page),
					  vma->vm_page_prot));

	if (write) {
		entry = pte_mkdirty(entry);
		if (vma->vm_flags & VM_WRITE)
			entry = pte_mkwrite(entry);
	}
	page_add_file_rmap(page);
	mlock_vma_page(&mm->machine->pgdat, page, vma);
	set_pte_at(mm, addr, ptep, entry);
}

/*
 * A page the next_uptodate_folio walk passes over: being read, locked, or in a folio that
 * carries the async readahead marker. Context: mapping->lock held.
 */
static bool map_pages_skip(struct address_space *mapping, struct page *page)
{
	return !PageUptodate(page) || PageLocked(page) || __filemap_folio_readahead(mapping, page);
}

static bool mapping_is_shmem(const struct address_space *mapping)
{
	return mapping->host && mapping->host->i_kind == FS_SHMEM;
}

/*
 * Whether fault-around may map the pages of @mapping from the first mappable @page it found,
 * when the fault came without a page table (vmf->pmd_none): the kernel installs the table
 * only together with a folio that ends before the file's last page (filemap_map_pmd's guard,
 * which keeps a PMD from reaching past i_size: SIGBUS semantics), or for shmem, whatever the
 * folio. Without the table nothing is mapped, and the fault maps its own page alone.
 *
 *    file pages  [ 0 ... 45 | 46 | 47 (last, partial) ]
 *    first mappable folio 47 (or one holding 47), no table:  fault-around maps nothing
 */
static bool map_pages_install_table(struct vm_fault *vmf, struct address_space *mapping,
				    struct page *page, pgoff_t last_index)
{
	if (!vmf->pmd_none)
		return true;
	if (!mapping_is_shmem(mapping) && filemap_folio_next_index(page) > last_index)
		return false;
	vmf->pmd_none = false;
	return true;
}

/* What one fault-around pass has done so far (filemap_map_pages). */
struct map_pages_state {
	struct vm_fault *vmf;
	long rss[NR_MM_COUNTERS];	/* Pages mapped, by counter */
	unsigned int found;		/* Pages seen (mapped or mapped already): mmap hits */
	vm_fault_t ret;			/* VM_FAULT_NOPAGE once the faulting address is mapped */
};

/* Maps cache page @page at file page @index of the VMA, unless its entry is taken. */
static void map_pages_one(struct map_pages_state *st, struct page *page, pgoff_t index)
{
	struct vm_fault *vmf = st->vmf;
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
	pte_t *ptep = vmf->pte + ((long)(addr - vmf->address) >> PAGE_SHIFT);

	st->found++;
	if (!pte_none(ptep_get(ptep)))
		return;
	if (addr == vmf->address)
		st->ret = VM_FAULT_NOPAGE;
	get_page(page);
	set_file_pte(vmf, page, addr, ptep, false);
	st->rss[mm_counter(page)]++;
}

/*
 * A large folio is mapped whole, its pages outside the fault-around window too, when it
 * lies before the file's last page, inside the VMA and inside one page table (6.18's
 * filemap_map_folio_range). Return: the index past the folio when it was, else 0.
 *
 *    window         [ . . . . . . . . ]
 *    folio      [h t t t]        folio wholly in the file, VMA and PMD: all four mapped
 */
static pgoff_t map_pages_folio(struct map_pages_state *st, struct address_space *mapping,
			       struct page *page, pgoff_t last_index)
{
	struct vm_area_struct *vma = st->vmf->vma;
	pgoff_t head = filemap_folio_index(page), next = filemap_folio_next_index(page);
	unsigned long start, end;

	if (next - head == 1 || last_index < next || head < vma->vm_pgoff ||
	    next > vma->vm_pgoff + vma_pages(vma))
		return 0;
	start = vma->vm_start + ((head - vma->vm_pgoff) << PAGE_SHIFT);
	end = start + ((next - head) << PAGE_SHIFT) - 1;
	if ((start & PMD_MASK) != (end & PMD_MASK))
		return 0;
	for (pgoff_t i = head; i < next; i++) {
		struct page *p = xa_load(&mapping->i_pages, i);

		if (p)
			map_pages_one(st, p, i);
	}
	return next;
}

/**
 * filemap_map_pages - fault-around: map the cached pages of [@start_pgoff, @end_pgoff] whose
 * entries are none, nothing at or past the end of the file. Pages not up to date, locked or
 * in a folio carrying the async readahead marker are left for a fault of their own; a large
 * folio is mapped whole where map_pages_folio allows. Each page seen pays back one mmap miss
 * of the file's readahead state. When the fault found no page table, the first mappable
 * folio decides whether one is installed at all (map_pages_install_table).
 * Context: mmap_lock and the page-table lock held; the range lies in vmf->vma and in the
 * page table of vmf->pte.
 * Return: VM_FAULT_NOPAGE when the faulting address got its page, else 0.
 */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff)
{
	struct file_ra_state *ra = &vmf->vma->vm_file->f_ra;
	struct address_space *mapping = vma_mapping(vmf->vma);
	pgoff_t max_idx = file_max_index(mapping->host), index = start_pgoff, next;
	struct map_pages_state st = { .vmf = vmf };
	unsigned int saved;
	struct page *page;

	if (!max_idx)
		return 0;
	end_pgoff = min(end_pgoff, max_idx - 1);
	pthread_mutex_lock(&mapping->lock);
	while (index <= end_pgoff && (page = xa_find(&mapping->i_pages, &index, end_pgoff))) {
		if (map_pages_skip(mapping, page) ||
		    window_bit(vmf->io_base, vmf->io_pending, index)) {
			index++;
			continue;
		}
		if (!st.found && !map_pages_install_table(vmf, mapping, page, max_idx - 1))
			break;
		next = map_pages_folio(&st, mapping, page, max_idx - 1);
		if (!next) {
			map_pages_one(&st, page, index);
			next = index + 1;
		}
		index = next;
	}
	pthread_mutex_unlock(&mapping->lock);
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		if (st.rss[i])
			add_mm_counter(vmf->vma->vm_mm, i, st.rss[i]);
	saved = __atomic_load_n(&ra->mmap_miss, __ATOMIC_RELAXED);
	__atomic_store_n(&ra->mmap_miss,
			 (unsigned short)(st.found >= saved ? 0 : saved - st.found),
			 __ATOMIC_RELAXED);
	return st.ret;
}

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
	pgoff_t start, end;

	fault_around_window(vmf, &start, &end);
	return filemap_map_pages(vmf, start, end);
}

/*
 * Whether finish_fault may map the whole large folio of vmf->page, [@head, @next) of the
 * file: it lies inside the VMA and one page table, it does not reach past the page holding
 * the end of the file (no entry beyond i_size, for SIGBUS; shmem maps across it), and none
 * of its entries is taken (else the faulting page goes alone, finish_fault's fallback).
 *
 *    VMA         [ . . . . . . . . ]
 *    folio           [h t t t]          all four mapped by the one fault
 */
static bool finish_fault_whole(struct vm_fault *vmf, pgoff_t head, pgoff_t next)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long start = vmf->address - ((vmf->pgoff - head) << PAGE_SHIFT);
	unsigned long end = start + ((next - head) << PAGE_SHIFT) - 1;
	pte_t *ptep = vmf->pte - (vmf->pgoff - head);

	if (next - head == 1 || head < vma->vm_pgoff || next > vma->vm_pgoff + vma_pages(vma))
		return false;
	if ((start & PMD_MASK) != (end & PMD_MASK))
		return false;
	if (!vma_is_shmem(vma) && file_max_index(vma_mapping(vma)->host) < next)
		return false;
	for (pgoff_t i = head; i < next; i++)
		if (!pte_none(ptep_get(ptep + (i - head))))
			return false;
	return true;
}

/*
 * finish_fault for a page of the object itself (a read, or a shared write): the page, or
 * its whole large folio where finish_fault_whole allows (6.18 maps a file's folio at once,
 * each entry as the faulting one: young, and dirty and writable for a write).
 */
static void finish_fault(struct vm_fault *vmf, bool write)
{
	struct address_space *mapping;
	struct page *page = vmf->page;
	pgoff_t head, next;
	long nr = 1;

	if (!vmf->vma->vm_file) {
		/* a special mapping's page (the vDSO's): no cache, no folio around it */
		set_file_pte(vmf, page, vmf->address, vmf->pte, write);
		add_mm_counter(vmf->vma->vm_mm, mm_counter(page), 1);
		return;
	}
	mapping = vma_mapping(vmf->vma);
	pthread_mutex_lock(&mapping->lock);
	head = filemap_folio_index(page);
	next = filemap_folio_next_index(page);
	if (page->mapping == mapping && finish_fault_whole(vmf, head, next)) {
		for (pgoff_t i = head; i < next; i++) {
			struct page *p = xa_load(&mapping->i_pages, i);
			unsigned long addr = vmf->address + (i - vmf->pgoff) * PAGE_SIZE;

			if (!p || i == vmf->pgoff)
				continue;
			get_page(p);
			set_file_pte(vmf, p, addr, vmf->pte + (i - vmf->pgoff), write);
			nr++;
		}
	}
	pthread_mutex_unlock(&mapping->lock);
	set_file_pte(vmf, page, vmf->address, vmf->pte, write);
	add_mm_counter(vmf->vma->vm_mm, mm_counter(page), nr);
}

/* do_read_fault: the neighbours first; the faulting page itself if they did not include it. */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	const struct vm_operations_struct *ops = vmf->vma->vm_ops;
	vm_fault_t ret;

	/* should_fault_around: not where the VMA's ops have no ->map_pages (SysV shm) */
	if (FAULT_AROUND_PAGES > 1 && (!ops || !ops->no_map_pages)) {
		ret = do_fault_around(vmf);
		if (ret)
			return ret;
	}
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY | VM_FAULT_NOPAGE))
		return ret;
	finish_fault(vmf, false);
	return ret;
}

/*
 * do_cow_fault - a write to a private mapping with no page yet: the object's page is copied
 * into a new anonymous page, the VMA's anon_vma prepared first (even when the page then turns
 * out to lie beyond the end of the file).
 */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct pglist_data *pgdat = &mm->machine->pgdat;
	struct page *new;
	vm_fault_t ret;
	pte_t entry;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	new = alloc_pages(pgdat, 0);
	if (!new)
		return VM_FAULT_OOM;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY | VM_FAULT_NOPAGE)) {
		put_page(pgdat, new);
		return ret;
	}
	/*
	 * A shared mapping may write the cache page meanwhile, or a truncate zero its tail past
	 * the new end. Linux copies with the folio locked, which keeps the truncate out; mmlab
	 * has no page lock, so each byte copied is the old one or the zeroed one.
	 */
	(void)data_race(memcpy(page_address(pgdat, new), page_address(pgdat, vmf->page),
			       PAGE_SIZE));
	put_page(pgdat, vmf->page);
	entry = pte_mkyoung(pte_mkdirty(pfn_pte(page_to_pfn(pgdat, new), vma->vm_page_prot)));
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(entry);
	page_add_new_anon_rmap(new, vma, vmf->address);
	folio_add_lru_vma(pgdat, new, vma);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	return ret;
}

/**
 * fault_dirty_page - a write reached @page of an object's cache through a mapping
 * (fault_dirty_shared_page, and the dirty bit a zap finds): the cache learns it is dirty.
 * Context: any; the caller holds a reference on the page.
 */
void fault_dirty_page(struct page *page)
{
	if (PageAnon(page) || PageDirty(page))
		return;
	if (page->mapping)
		(void)set_page_dirty(page);
	else
		SetPageDirty(page);	/* truncated meanwhile: nobody will write it back */
}

/* do_shared_fault: the object's page, mapped writable and dirty at once. */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = __do_fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY | VM_FAULT_NOPAGE))
		return ret;
	finish_fault(vmf, true);
	fault_dirty_page(vmf->page);
	return ret;
}

/**
 * do_fault - a fault on a none entry of a VMA with an object behind it: a read maps the
 * cache page (and its neighbours), a private write copies it, a shared write dirties it.
 * Objects without a page cache (a file known by kind alone: block devices, files another
 * machine's snapshot names without this machine opening them) have no pages to give: SIGBUS
 * BUS_ADRERR, after a private write prepared the anon_vma, as do_cow_fault does first. The
 * vDSO's special mappings have a ->fault of their own (vdso.c), which __do_fault asks.
 * Context: mmap_lock and the page-table lock held; vmf->pte is a none entry.
 * Return: VM_FAULT_* bits; VM_FAULT_RETRY asks the caller to fault again with
 * FAULT_FLAG_TRIED.
 */
vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	if ((!vma->vm_file || !vma->vm_file->f_inode) && !(vma->vm_ops && vma->vm_ops->fault)) {
		if (write && !(vma->vm_flags & VM_SHARED) && anon_vma_prepare(vma))
			return VM_FAULT_OOM;
		return VM_FAULT_SIGBUS;
	}
	if (!write)
		return do_read_fault(vmf);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

/**
 * filemap_willneed - MADV_WILLNEED on [@start, @end) of a file mapping (madvise_willneed's
 * POSIX_FADV_WILLNEED): the range is read into the page cache, up to the readahead cap and
 * without an async marker; nothing is mapped. Anonymous memory and shmem have nothing to
 * read without swap.
 * Context: mmap_lock held (the kernel drops it for the read; nothing here needs that).
 */
void filemap_willneed(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct file *file = vma->vm_file;

	if (!file || !file->f_inode || vma_is_anonymous(vma) || vma_is_shmem(vma) || start >= end)
		return;
	force_page_cache_ra(inode_mapping(file->f_inode), &file->f_ra,
			    vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
			    (end - start) >> PAGE_SHIFT);
}

/**
 * vma_wants_writenotify - whether a shared writable mapping needs read-only entries so that
 * each first write after a clean state faults: when writeback can clean its pages (regular
 * files; not shmem, whose pages only swap would clean).
 * @vm_flags: the flags the VMA has or is about to get
 */
bool vma_wants_writenotify(const struct vm_area_struct *vma, vm_flags_t vm_flags)
{
	const struct file *file = vma->vm_file;

	if ((vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	if (vm_flags & VM_PFNMAP)
		return false;
	return file && file->f_inode && mapping_can_writeback(inode_mapping(file->f_inode));
}

/**
 * vma_set_page_prot - the protection @vma's entries take (vm_page_prot): its flags' as x86
 * maps them, made read-only where vma_wants_writenotify() says so.
 */
void vma_set_page_prot(struct vm_area_struct *vma)
{
	vm_flags_t flags = vma->vm_flags;

	if (vma_wants_writenotify(vma, flags))
		flags &= ~VM_SHARED;
	vma->vm_page_prot = vm_get_page_prot(flags);
}
