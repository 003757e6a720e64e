// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What happens to the mappings of a file when its pages change under them (mm/truncate.c's
 * truncate_pagecache and truncate_setsize, mm/memory.c's unmap_mapping_range, mm/rmap.c's
 * folio_mkclean): truncation unmaps the pages past the new end from every VMA on the
 * mapping's i_mmap - private copies too, so a later access past the end gets SIGBUS - before
 * the page cache drops them and zeroes the partial page's tail; writeback write-protects and
 * cleans the shared entries of the pages it is about to write, so the next write through
 * them faults and dirties the page again.
 *
 * Reaching another mm's page tables: the kernel holds i_mmap_rwsem and each page table's
 * lock. Here an mm's page tables change under its mmap_lock held for writing without
 * page_table_lock, so a walk over i_mmap takes, for one mm at a time, that mm's mmap_lock
 * for reading (no VMA or table of it can change), then i_mmap_lock (its VMAs on i_mmap are
 * stable) and its page_table_lock (no fault runs in it): the kernel's order. The mms are
 * found first under i_mmap_lock alone, each held by an mm_count reference, and the search
 * repeats until it finds no mm it has not visited, which catches a fork child created
 * meanwhile.
 *
 * Truncation also trims the overlay's upper copies past the new end (so that growing the file
 * again reads zeros) and dirties the partial page when a block of the file holds it, as ext4
 * and shmem do.
 *
 * A large folio the truncation cuts is unmapped whole (mapping_unmap_folio, which the file
 * layer's truncation calls), as the kernel's split of it does.
 *
 * Left out: hole punching and invalidation for other callers than truncation (their
 * callers pass even_cows as they need).
 */
#include "mm/file.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mmu/tlb.h"

#include <limits.h>
#include <string.h>

/* One walk over the VMAs mapping [first, last] of a file. */
struct mapping_walk {
	struct address_space *mapping;
	pgoff_t first, last;		/* File pages, inclusive */
	/* Called for the part [start, end) of @vma that maps the range, with the locks held. */
	void (*visit)(struct mapping_walk *w, struct vm_area_struct *vma, unsigned long start,
		      unsigned long end);
	bool even_cows;			/* unmap: private copies go too */
	struct mm_struct **done;	/* The mms visited, each with an mm_count reference */
	struct mm_struct *found;	/* The mm a query looks for, or found */
	size_t nr_done, cap_done;
};

static bool mm_visited(const struct mapping_walk *w, const struct mm_struct *mm)
{
	for (size_t i = 0; i < w->nr_done; i++)
		if (w->done[i] == mm)
			return true;
	return false;
}

/* i_mmap query visitor: the mm of the first VMA whose mm is not visited yet, into found. */
static bool find_unvisited(struct interval_tree_node *node, void *arg)
{
	struct vm_area_struct *vma = container_of(node, struct vm_area_struct, shared);
	struct mapping_walk *w = arg;

	if (mm_visited(w, vma->vm_mm))
		return true;
	w->found = vma->vm_mm;
	return false;
}

/*
 * An mm with a VMA on i_mmap over the walk's range that the walk has not visited, grabbed and
 * recorded; NULL: none left.
 */
static struct mm_struct *mapping_next_mm(struct mapping_walk *w)
{
	struct address_space *mapping = w->mapping;
	struct mm_struct *mm;

	if (w->nr_done == w->cap_done) {
		size_t cap = w->cap_done ? 2 * w->cap_done : 8;
		struct mm_struct **bigger = realloc(w->done, cap * sizeof(*bigger));

		if (!bigger)
			return NULL;	/* the mms not reached keep their entries */
		w->done = bigger;
		w->cap_done = cap;
	}
	pthread_mutex_lock(&mapping->i_mmap_lock);
	w->found = NULL;
	(void)interval_tree_query(&mapping->i_mmap, w->first, w->last, find_unvisited, w);
	mm = w->found;
	if (mm) {
		mmgrab(mm);
		w->done[w->nr_done++] = mm;
	}
	pthread_mutex_unlock(&mapping->i_mmap_lock);
	return mm;
}

/* i_mmap query visitor: a VMA over the range, visited clipped to it if it is @w->found's. */
static bool visit_clipped(struct interval_tree_node *node, void *arg)
{
	struct vm_area_struct *vma = container_of(node, struct vm_area_struct, shared);
	struct mapping_walk *w = arg;
	pgoff_t first = max(vma->vm_pgoff, w->first), last = min(vma_pgoff_last(vma), w->last);

	if (vma->vm_mm != w->found)
		return true;
	spin_lock(&w->found->page_table_lock);
	w->visit(w, vma, vma->vm_start + ((first - vma->vm_pgoff) << PAGE_SHIFT),
		 vma->vm_start + ((last - vma->vm_pgoff + 1) << PAGE_SHIFT));
	spin_unlock(&w->found->page_table_lock);
	return true;
}

/* The VMAs of @mm on i_mmap over the walk's range, each clipped to it. */
static void mapping_walk_mm(struct mapping_walk *w, struct mm_struct *mm)
{
	struct address_space *mapping = w->mapping;

	mmap_read_lock(mm);
	pthread_mutex_lock(&mapping->i_mmap_lock);
	w->found = mm;
	(void)interval_tree_query(&mapping->i_mmap, w->first, w->last, visit_clipped, w);
	pthread_mutex_unlock(&mapping->i_mmap_lock);
	mmap_read_unlock(mm);
}

static void mapping_walk(struct mapping_walk *w)
{
	struct mm_struct *mm;

	while ((mm = mapping_next_mm(w)))
		mapping_walk_mm(w, mm);
	for (size_t i = 0; i < w->nr_done; i++)
		mmdrop(w->done[i]);
	free(w->done);
}

static void unmap_visit(struct mapping_walk *w, struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	struct zap_details z = { .mm = vma->vm_mm, .keep_cows = !w->even_cows };

	/* Private copies of a private mapping are anonymous pages: only even_cows zaps them. */
	update_hiwater_rss(vma->vm_mm);
	(void)walk_pte_range(vma->vm_mm, start, end, zap_pte, &z);
	zap_flush(&z);
}

/* Byte range [start, start + len) (len 0: to the end) as file pages, inclusive. */
static void mapping_walk_range(struct mapping_walk *w, loff_t start, loff_t len)
{
	w->first = (pgoff_t)start >> PAGE_SHIFT;
	w->last = ULONG_MAX;
	if (len > 0 && start + len - 1 >= start)
		w->last = (pgoff_t)(start + len - 1) >> PAGE_SHIFT;
}

/**
 * unmap_mapping_range - zap the file pages of [@start, @start + @len) from every VMA on
 * @mapping's i_mmap (@len 0: to the end of the file). With @even_cows the private copies a
 * MAP_PRIVATE write made of those pages go too, as truncation requires; without, only the
 * cache's own pages are unmapped. Guard markers stay.
 * Context: no mmap_lock held; takes each mapping mm's mmap_lock (reading), the mapping's
 * i_mmap_lock and the mm's page_table_lock.
 */
void unmap_mapping_range(struct address_space *mapping, loff_t start, loff_t len,
			 bool even_cows)
{
	struct mapping_walk w = { .mapping = mapping, .visit = unmap_visit,
				  .even_cows = even_cows };

	if (start < 0 || len < 0)
		return;
	mapping_walk_range(&w, start, len);
	mapping_walk(&w);
}

/**
 * mapping_unmap_folio - zap the file pages [@first, @last] of @mapping from every VMA, the
 * private copies a write made excepted: a large folio truncation splits is unmapped whole
 * (split_folio's unmap_folio: file pages are left unmapped, to be faulted back on demand).
 * The file layer calls it through vfs->unmap_folio (the machine sets it).
 * Context: as unmap_mapping_range().
 */
void mapping_unmap_folio(struct address_space *mapping, pgoff_t first, pgoff_t last)
{
	struct mapping_walk w = { .mapping = mapping, .visit = unmap_visit,
				  .first = first, .last = last };

	mapping_walk(&w);
}

struct mkclean_state {
	struct vm_area_struct *vma;
	struct address_space *mapping;
	unsigned long flush_start, flush_end;
};

static int mkclean_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct mkclean_state *s = data;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!pte_present(pte) || !(pte_dirty(pte) || pte_write(pte)))
		return 0;
	page = vm_normal_page(s->vma, addr, pte);
	if (!page || page->mapping != s->mapping)
		return 0;
	pte = ptep_get_and_clear(mm, addr, ptep);
	if (pte_dirty(pte))
		fault_dirty_page(page);
	set_pte_at(mm, addr, ptep, pte_wrprotect(pte_mkclean(pte)));
	if (!s->flush_end)
		s->flush_start = addr;
	s->flush_end = addr + PAGE_SIZE;
	return 0;
}

/* page_mkclean_one over a range: shared mappings only, private ones never write the file. */
static void mkclean_visit(struct mapping_walk *w, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	struct mkclean_state s = { .vma = vma, .mapping = w->mapping };

	if (!(vma->vm_flags & VM_SHARED))
		return;
	(void)walk_pte_range(vma->vm_mm, start, end, mkclean_pte, &s);
	if (s.flush_end)
		flush_tlb_range(vma->vm_mm, s.flush_start, s.flush_end);
}

/**
 * mapping_mkclean - before writeback of the bytes [@start, @end] of @mapping: every shared
 * entry mapping one of its pages becomes clean and read-only (folio_mkclean), its dirty bit
 * passed to the page first, so that a write after the writeback faults and dirties the page
 * again. The file layer's writeback calls it through vfs->mkclean (the machine sets it), for
 * fsync, msync, sync and the flusher alike.
 * Context: as unmap_mapping_range().
 */
void mapping_mkclean(struct address_space *mapping, loff_t start, loff_t end)
{
	struct mapping_walk w = { .mapping = mapping, .visit = mkclean_visit };

	if (start < 0 || end < start)
		return;
	/* end LLONG_MAX: the whole file, whose length would not fit a loff_t from 0 */
	mapping_walk_range(&w, start, end == LLONG_MAX ? 0 : end - start + 1);
	mapping_walk(&w);
}

/*
 * The overlay's upper copies past the new end go, and the partial page's copy loses its tail
 * (the lower file's bytes past the end are cut by lower_size): a later extension reads zeros,
 * not what was written back before. Context: no page-cache page past @length remains.
 */
static void truncate_upper(struct inode *inode, loff_t length)
{
	struct upper_store *upper = &inode->upper;
	pgoff_t first = (pgoff_t)((length + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT);
	size_t tail = (size_t)(length & ((loff_t)PAGE_SIZE - 1));
	unsigned long index = first;
	void *copy;

	if (!upper->nr)
		return;
	if (tail && (copy = xa_load(&upper->pages, (unsigned long)(length >> PAGE_SHIFT))))
		memset((char *)copy + tail, 0, PAGE_SIZE - tail);
	while ((copy = xa_find(&upper->pages, &index, ULONG_MAX))) {
		xa_erase(&upper->pages, index);
		free(copy);
		upper->nr--;
		index++;
	}
}

/* Whether the page (block) at @index has bytes of the file a block of its own holds, not a
 * hole: ext4 zeroes the partial block of a size change only then. A dirty cached page has
 * one (page_mkwrite or write_begin reserved it). */
static bool eof_block_mapped(struct inode *inode, pgoff_t index, loff_t lower_size,
			     const struct page *page)
{
	if ((loff_t)index << PAGE_SHIFT < lower_size || (page && PageDirty(page)))
		return true;
	return inode->upper.nr && xa_load(&inode->upper.pages, index);
}

/*
 * The page holding end of file @eof after (or, for a write, before) a size change of a
 * shmem inode: shmem_undo_range dirties a cached partial page it zeroed; a tmpfs file that
 * grows keeps the old tail as it was.
 */
static void shmem_eof_page(struct inode *inode, loff_t eof)
{
	struct address_space *mapping = inode_mapping(inode);
	struct page *page = filemap_find_page(mapping, (pgoff_t)(eof >> PAGE_SHIFT));

	if (page) {
		(void)set_page_dirty(page);
		put_page(mapping->pgdat, page);
	}
}

static void __block_truncate_page(struct inode *inode, loff_t eof, loff_t lower_size)
{
	struct address_space *mapping = inode_mapping(inode);
	size_t offset = (size_t)(eof & ((loff_t)PAGE_SIZE - 1));
	pgoff_t index = (pgoff_t)(eof >> PAGE_SHIFT);
	struct page *page;
	bool mapped;

	if (!offset)
		return;
	page = filemap_find_page(mapping, index);
	mapped = eof_block_mapped(inode, index, lower_size, page);
	/* ext4 looks the folio up with FGP_CREAT before the block: a hole's page is cached
	 * too, not up to date (its buffer has no block to read); files only in the upper
	 * layer, tmpfs-like, cache nothing for a hole */
	if (!page && !mapped && inode->lower_fd < 0 && !inode->contents_unknown)
		return;
	if (!page) {
		page = filemap_get_page(mapping, index, FGP_CREAT, NULL);
		if (IS_ERR(page))
			return;	/* the kernel's zeroing fails the same way, silently */
		ClearPageUptodate(page);
	}
	if (mapped) {	/* a hole has nothing to zero */
		memset((char *)page_address(mapping->pgdat, page) + offset, 0,
		       PAGE_SIZE - offset);
		(void)set_page_dirty(page);
	}
	put_page(mapping->pgdat, page);
}

/**
 * block_truncate_page - zero the tail of the page holding end of file @eof, past @eof, as
 * ext4_block_truncate_page does on every truncation to an unaligned size (the same size
 * too) and for the old end of a file that grows (by truncate or by a write past it): bytes a
 * shared mapping stored past the end never show once the file is longer. The page is put
 * in the cache if it is not there - left not up to date (only its buffer is, if any), which
 * fault-around and mincore pass over until a read, a fault or a write marks it -, a hole's
 * too (but in files only the upper layer holds); a block's is zeroed past @eof and dirtied,
 * a hole has nothing to zero. shmem only
 * dirties its cached partial page on a truncation, and keeps an old tail when it grows
 * (shmem_eof_page).
 * Context: no mmap_lock or mapping lock held.
 */
void block_truncate_page(struct inode *inode, loff_t eof)
{
	if (inode->i_kind != FS_SHMEM)
		__block_truncate_page(inode, eof, inode->lower_size);
}

/**
 * do_truncate - set @inode's size to @length as truncate(2) does (truncate_setsize and
 * truncate_pagecache): on shrinking or at the same size, the pages past the end are
 * unmapped from every mapping, private copies included, dropped from the cache, and the
 * partial last page's tail is zeroed, which dirties that page; the unmap runs again after
 * the cache is trimmed, for a fault that raced with the trimming. A later access past the
 * end is SIGBUS. A regular file's page holding the new end (or, when it grows, the old
 * end) has its tail zeroed and is dirtied, read into the cache if need be
 * (block_truncate_page).
 * Context: no mmap_lock held.
 * Return: 0, or -EINVAL for a negative length.
 */
int do_truncate(struct inode *inode, loff_t length)
{
	struct address_space *mapping = inode_mapping(inode);
	loff_t oldsize, holebegin, lower_size;

	if (length < 0)
		return -EINVAL;
	pthread_mutex_lock(&mapping->lock);
	oldsize = inode->i_size;
	lower_size = inode->lower_size;
	__atomic_store_n(&inode->i_size, length, __ATOMIC_RELAXED);
	/* The lower file's bytes past the new end are gone: growing again reads zeros. */
	if (inode->lower_size > length)	/* lower_read_page reads it without the lock */
		__atomic_store_n(&inode->lower_size, length, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&mapping->lock);
	if (length > oldsize) {
		block_truncate_page(inode, oldsize);	/* ext4_setattr's truncate up */
		return 0;
	}
	/*
	 * The same size trims too, as shmem_setattr and ext4_setattr do for any size not above
	 * the old one: what fallocate put past the end with KEEP_SIZE goes (`truncate -s` of
	 * the current size is how one gives such space back), and the last page's tail.
	 */
	holebegin = (length + (loff_t)PAGE_SIZE - 1) & ~((loff_t)PAGE_SIZE - 1);
	unmap_mapping_range(mapping, holebegin, 0, true);
	truncate_inode_pages_range(mapping, length, LLONG_MAX);
	unmap_mapping_range(mapping, holebegin, 0, true);
	truncate_upper(inode, length);
	/* The zeroed tail is a change to write back (ext4_truncate, shmem_undo_range). */
	if (inode->i_kind == FS_SHMEM) {
		if (length & ((loff_t)PAGE_SIZE - 1))
			shmem_eof_page(inode, length);
	} else {
		__block_truncate_page(inode, length, lower_size);
	}
	return 0;
}
