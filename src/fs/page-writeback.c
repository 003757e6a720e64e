// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty page-cache pages and their writeback (mm/page-writeback.c, with the flusher of
 * fs/fs-writeback.c reduced to one function): set_page_dirty accounts a page dirty in its
 * inode (nr_dirty, the vfs's list of dirty inodes, oldest first, with the flusher time it
 * became dirty) and machine-wide (NR_FILE_DIRTY, NR_DIRTIED), every page of its folio with it
 * (a large folio is dirty as a whole); filemap_write_range hands each dirty page of the
 * folios a range touches to a_ops->write_page, clipped at i_size so the tail of the last
 * page never reaches the file, after the mm layer's hook (vfs->mkclean:
 * folio_clear_dirty_for_io's folio_mkclean) made the shared mappings' entries of those folios
 * clean and read-only; wb_flusher_tick is one wakeup of the flusher thread: inodes dirty
 * longer than dirty_expire_centisecs are written, then the oldest ones until the dirty pages
 * are back under dirty_background_ratio of the dirtyable memory.
 *
 * Pages whose mapping cannot be written back (shmem: no write_page) get PG_dirty but are not
 * counted, as Linux's noop_dirty_folio does for tmpfs. Writeback is synchronous: PG_writeback
 * is set on a folio's pages only while write_page runs for them, with mapping->lock dropped,
 * each page held by a reference; at its end a page reclaim marked PG_reclaim goes to the
 * inactive tail (folio_end_writeback).
 * Locking: page flags and nr_dirty change under mapping->lock; vfs->dirty_inodes under
 * vfs->lock. The order is vfs->lock, then mapping->lock (vfs_unsaved walks the inodes):
 * set_page_dirty and writeback fix the list after dropping mapping->lock. wb_flusher_tick expects no inode of
 * the vfs to be evicted while it runs (the machine calls it between operations).
 * Left out: balance_dirty_pages's throttling of writers at dirty_ratio (nothing here waits on
 * I/O), per-bdi and per-memcg writeback, the writeback of inode metadata.
 */
#include "fs/internal.h"
#include "phys/lru.h"

#include <limits.h>
#include <string.h>

/* Linux's defaults for vm.dirty_* (percent of dirtyable memory, centiseconds). */
#define DIRTY_RATIO_DEFAULT 20
#define DIRTY_BACKGROUND_RATIO_DEFAULT 10
#define DIRTY_EXPIRE_CENTISECS_DEFAULT 3000
#define DIRTY_WRITEBACK_CENTISECS_DEFAULT 500

/**
 * vfs_writeback_init - the writeback half of a new vfs: an empty dirty list, clock 0 and
 * Linux's default vm.dirty_* settings. vfs_init calls it.
 */
void vfs_writeback_init(struct vfs *vfs)
{
	INIT_LIST_HEAD(&vfs->dirty_inodes);
	vfs->clock = 0;
	vfs->dirty_ratio = DIRTY_RATIO_DEFAULT;
	vfs->dirty_background_ratio = DIRTY_BACKGROUND_RATIO_DEFAULT;
	vfs->dirty_expire_centisecs = DIRTY_EXPIRE_CENTISECS_DEFAULT;
	vfs->dirty_writeback_centisecs = DIRTY_WRITEBACK_CENTISECS_DEFAULT;
}

/* page->mapping as one read: truncation clears it under mapping->lock, which we lack yet. */
static struct address_space *page_file_mapping(const struct page *page)
{
	void *mapping = __atomic_load_n(&page->mapping, __ATOMIC_RELAXED);

	return (uintptr_t)mapping & 1 ? NULL : mapping;	/* anon: low bit set */
}

/*
 * After an inode's nr_dirty changed under mapping->lock (dropped since): put it on the
 * flusher's list (at the tail, stamped with the flusher clock) if it has dirty pages and is
 * not there, take it off if it has none. Re-reading nr_dirty under vfs->lock settles races
 * between a dirtier and a cleaner whichever comes second.
 * Context: takes vfs->lock; mapping->lock not held.
 */
void inode_sync_dirty_list(struct inode *inode)
{
	struct vfs *vfs = inode->i_vfs;
	unsigned long nr;

	if (!vfs)
		return;
	pthread_mutex_lock(&vfs->lock);
	nr = __atomic_load_n(&inode->nr_dirty, __ATOMIC_RELAXED);
	if (nr && list_empty(&inode->i_dirty)) {
		inode->dirtied_when = vfs->clock;
		list_add_tail(&inode->i_dirty, &vfs->dirty_inodes);
	} else if (!nr && !list_empty(&inode->i_dirty)) {
		list_del_init(&inode->i_dirty);
	}
	pthread_mutex_unlock(&vfs->lock);
}

/*
 * Clears PG_dirty and its accounting. The inode may stay on the dirty list with no dirty page
 * until the caller, once mapping->lock is dropped, calls inode_sync_dirty_list (or the flusher
 * finds it clean). Context: mapping->lock.
 */
void __page_cancel_dirty(struct address_space *mapping, struct page *page)
{
	if (!PageDirty(page))
		return;
	ClearPageDirty(page);
	if (!mapping_can_writeback(mapping))
		return;
	VM_BUG_ON(mapping->host->nr_dirty == 0);
	__atomic_sub_fetch(&mapping->host->nr_dirty, 1, __ATOMIC_RELAXED);
	mod_node_page_state(mapping->pgdat, NR_FILE_DIRTY, -1);
}

/*
 * Sets PG_dirty on every page of @page's folio that lacks it, counting each (a large folio
 * is dirty as a whole: folio_mark_dirty accounts folio_nr_pages). Context: mapping->lock,
 * @page in @mapping's cache. Return: the pages newly dirtied.
 */
static unsigned long __folio_mark_dirty(struct address_space *mapping, struct page *page)
{
	pgoff_t head = filemap_folio_index(page), next = filemap_folio_next_index(page);
	unsigned long nr = 0;

	for (pgoff_t i = head; i < next; i++) {
		struct page *p = i == page->index ? page : xa_load(&mapping->i_pages, i);

		if (!p || PageDirty(p))
			continue;
		SetPageDirty(p);
		nr++;
	}
	return nr;
}

/**
 * set_page_dirty - mark @page's contents newer than its file's (a write(), a write fault on a
 * shared mapping, or an anonymous page's PG_dirty). A page of a large folio dirties the
 * whole folio (folio_mark_dirty): writeback writes it whole, and smaps counts each of its
 * mapped pages dirty.
 * Context: takes mapping->lock, then vfs->lock, for page-cache pages.
 * Return: true when the page was clean.
 */
bool set_page_dirty(struct page *page)
{
	struct address_space *mapping = page_file_mapping(page);
	unsigned long nr;
	bool was_clean;

	if (!mapping) {
		was_clean = !PageDirty(page);
		SetPageDirty(page);
		return was_clean;
	}
	pthread_mutex_lock(&mapping->lock);
	was_clean = !PageDirty(page);
	/* Truncated meanwhile, or already dirty (so is its folio): nothing to account. */
	if (page->mapping != mapping || !was_clean) {
		SetPageDirty(page);
		pthread_mutex_unlock(&mapping->lock);
		return was_clean;
	}
	nr = __folio_mark_dirty(mapping, page);
	if (!mapping_can_writeback(mapping)) {
		pthread_mutex_unlock(&mapping->lock);
		return true;
	}
	__atomic_add_fetch(&mapping->host->nr_dirty, nr, __ATOMIC_RELAXED);
	mod_node_page_state(mapping->pgdat, NR_FILE_DIRTY, (long)nr);
	mod_node_page_state(mapping->pgdat, NR_DIRTIED, (long)nr);
	pthread_mutex_unlock(&mapping->lock);
	inode_sync_dirty_list(mapping->host);
	return true;
}

/* The bytes of page @index inside the file: all, the head of the last page, or none. */
static size_t page_valid_bytes(const struct inode *inode, pgoff_t index)
{
	loff_t isize = __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED);
	unsigned long long start = (unsigned long long)index << PAGE_SHIFT;

	if (isize <= 0 || start >= (unsigned long long)isize)
		return 0;
	return min((unsigned long long)isize - start, (unsigned long long)PAGE_SIZE);
}

/*
 * Writes one page of a folio under writeback (PG_dirty already cleared), the caller holding
 * a reference on it and mapping->lock (dropped across write_page, held again on return).
 * Return: 0 or write_page's -errno (the page is clean either way, as after a failed
 * writepage in Linux; the error is kept in wb_err for fsync).
 */
static int write_one_page(struct address_space *mapping, struct page *page)
{
	struct pglist_data *pgdat = mapping->pgdat;
	size_t len = page_valid_bytes(mapping->host, page->index);
	int err = 0;

	if (!len)		/* wholly past EOF: nothing of it belongs to the file */
		return 0;
	/* The page straddles i_size: its tail is zeroed on every writeback, in the cache too,
	 * since a mapping may have stored there (block_write_full_folio, ext4_bio_write_folio) */
	if (len < PAGE_SIZE)
		memset((char *)page_address(pgdat, page) + len, 0, PAGE_SIZE - len);
	pthread_mutex_unlock(&mapping->lock);
	/*
	 * A disk's DMA: write() and shared mappings may store to the page meanwhile, as Linux
	 * lets them where the device does not ask for stable pages; the page is dirty again then.
	 */
	err = data_race(mapping->a_ops->write_page(mapping->host, page->index,
						   page_address(pgdat, page), len));
	pthread_mutex_lock(&mapping->lock);
	if (err) {
		mapping->wb_err = err < 0 ? err : -EIO;
		return mapping->wb_err;
	}
	mod_node_page_state(pgdat, NR_WRITTEN, 1);
	return 0;
}

/*
 * Writes back the dirty folio of @page (its head): all its pages leave PG_dirty at once
 * (folio_clear_dirty_for_io) and stay under PG_writeback until the last is written, each
 * held by a reference, since truncation may take them out of the cache meanwhile.
 * Context: mapping->lock held (dropped across each write_page, held again on return).
 * Return: 0 or the first write_page error.
 */
static int write_folio(struct address_space *mapping, struct page *page)
{
	struct page *pages[1UL << MAX_PAGECACHE_ORDER];
	pgoff_t head = filemap_folio_index(page), next = filemap_folio_next_index(page);
	unsigned long nr = 0;
	int ret = 0;

	for (pgoff_t i = head; i < next; i++) {
		struct page *p = xa_load(&mapping->i_pages, i);

		if (!p)
			continue;
		get_page(p);
		__page_cancel_dirty(mapping, p);
		SetPageWriteback(p);
		mod_node_page_state(mapping->pgdat, NR_WRITEBACK, 1);
		pages[nr++] = p;
	}
	for (unsigned long i = 0; i < nr; i++) {
		int err = write_one_page(mapping, pages[i]);

		if (err && !ret)
			ret = err;
	}
	for (unsigned long i = 0; i < nr; i++) {
		/* folio_end_writeback: a page reclaim wanted goes to the inactive tail */
		if (PageReclaim(pages[i])) {
			ClearPageReclaim(pages[i]);
			rotate_reclaimable_page(mapping->pgdat, pages[i]);
		}
		ClearPageWriteback(pages[i]);
		mod_node_page_state(mapping->pgdat, NR_WRITEBACK, -1);
		put_page(mapping->pgdat, pages[i]);
	}
	return ret;
}

/*
 * folio_clear_dirty_for_io's half that reaches the mappings, for a whole range at once: while
 * shared writable mappings of the file exist, the mm layer's hook write-protects and cleans
 * their entries, handing a dirty entry's bit to its page, before the pages are written. A
 * page written through such an entry after writeback began is thus dirtied again by its
 * write fault (write-notify), never lost with a dirty bit nobody looks at.
 */
static void mapping_clear_dirty_for_io(struct address_space *mapping, loff_t start, loff_t end)
{
	struct vfs *vfs = mapping->host->i_vfs;

	if (vfs && vfs->mkclean && __atomic_load_n(&mapping->i_mmap_writable, __ATOMIC_RELAXED))
		vfs->mkclean(mapping, start, end);
}

/*
 * The page range [*@index, *@last] grown to whole folios: writeback writes a large folio
 * whole when any of its pages is in the range, and write-protects every entry of it.
 *
 *    range          [ . . . ]
 *    folios   [h t t t][h t t t]      ->  written: all eight pages
 *
 * Context: takes mapping->lock.
 */
static void writeback_folio_range(struct address_space *mapping, pgoff_t *index, pgoff_t *last)
{
	struct page *page;

	pthread_mutex_lock(&mapping->lock);
	page = xa_load(&mapping->i_pages, *index);
	if (page)
		*index = filemap_folio_index(page);
	page = xa_load(&mapping->i_pages, *last);
	if (page)
		*last = filemap_folio_next_index(page) - 1;
	pthread_mutex_unlock(&mapping->lock);
}

/**
 * filemap_write_range - write back the dirty pages of bytes [@start, @end] (inclusive; @end =
 * LLONG_MAX for all), as filemap_fdatawrite_range/filemap_write_and_wait_range do: the
 * folios the range touches are written whole, their shared mappings' entries cleaned and
 * write-protected first (vfs->mkclean).
 * @wait: whether the caller waits for the I/O (it always completes before return here)
 * Context: no mmap_lock held (the mkclean hook takes each mapping mm's); takes
 * mapping->lock, never across write_page.
 * Return: 0, -EINVAL for a bad range, or the first write_page error (later pages are still
 * written).
 */
int filemap_write_range(struct address_space *mapping, loff_t start, loff_t end, bool wait)
{
	pgoff_t index, last;
	struct page *page;
	int ret = 0;

	(void)wait;
	if (start < 0 || end < start)
		return -EINVAL;
	if (!mapping_can_writeback(mapping))
		return 0;
	index = (unsigned long long)start >> PAGE_SHIFT;
	last = (unsigned long long)end >> PAGE_SHIFT;
	writeback_folio_range(mapping, &index, &last);
	if (last < (pgoff_t)(LLONG_MAX >> PAGE_SHIFT))
		end = max(end, (loff_t)((last + 1) << PAGE_SHIFT) - 1);
	mapping_clear_dirty_for_io(mapping, (loff_t)index << PAGE_SHIFT, end);
	pthread_mutex_lock(&mapping->lock);
	while (mapping->host->nr_dirty && (page = xa_find(&mapping->i_pages, &index, last))) {
		/* Past the folio as it is now: truncation may drop or split it meanwhile */
		pgoff_t next = filemap_folio_next_index(page);

		if (PageDirty(page)) {
			int err = write_folio(mapping, page);

			if (err && !ret)
				ret = err;
		}
		if (next > last || !next)
			break;
		index = next;
	}
	pthread_mutex_unlock(&mapping->lock);
	inode_sync_dirty_list(mapping->host);
	return ret;
}

/**
 * filemap_fdatawait_keep_errors - wait for writeback (none is ever in flight once
 * filemap_write_range returned) and report the mapping's last writeback error, leaving it
 * set: fsync clears it when it has reported it.
 * Return: 0 or the -errno of the last failed writeback.
 */
int filemap_fdatawait_keep_errors(struct address_space *mapping)
{
	int err;

	pthread_mutex_lock(&mapping->lock);
	err = mapping->wb_err;
	pthread_mutex_unlock(&mapping->lock);
	return err;
}

/*
 * The oldest dirty inode, if it has been dirty @older_than centisecs or @any; else NULL.
 * Context: vfs->lock.
 */
static struct inode *oldest_dirty_inode(struct vfs *vfs, unsigned long older_than, bool any)
{
	struct inode *inode;

	if (list_empty(&vfs->dirty_inodes))
		return NULL;
	inode = list_first_entry(&vfs->dirty_inodes, struct inode, i_dirty);
	if (!any && vfs->clock - inode->dirtied_when < older_than)
		return NULL;
	return inode;
}

/*
 * Writes back the oldest dirty inode that qualifies; false when none does. An inode whose
 * pages stay dirty (a write error) goes to the list's tail so the next one gets its turn.
 */
static bool flush_oldest(struct vfs *vfs, bool any)
{
	struct inode *inode;

	pthread_mutex_lock(&vfs->lock);
	inode = oldest_dirty_inode(vfs, vfs->dirty_expire_centisecs, any);
	if (inode) {	/* requeued first: writing may take it off the list */
		list_del_init(&inode->i_dirty);
		list_add_tail(&inode->i_dirty, &vfs->dirty_inodes);
	}
	pthread_mutex_unlock(&vfs->lock);
	if (!inode)
		return false;
	(void)filemap_write_range(inode_mapping(inode), 0, LLONG_MAX, false);
	return true;
}

/* Dirty pages above which the background flush starts (wb_over_bg_thresh's global half). */
static unsigned long background_thresh(struct vfs *vfs)
{
	struct pglist_data *pgdat = vfs->pgdat;
	unsigned long dirtyable;

	/* global_dirtyable_memory: free pages plus the file pages that could be reclaimed. */
	spin_lock(&pgdat->zone.lock);
	dirtyable = pgdat->zone.nr_free_pages;
	spin_unlock(&pgdat->zone.lock);
	dirtyable += node_page_state(pgdat, NR_FILE_PAGES);
	return dirtyable * vfs->dirty_background_ratio / 100;
}

/**
 * wb_flusher_tick - @centisecs pass, then the flusher wakes once: it writes back every inode
 * that has been dirty for dirty_expire_centisecs or longer, then, while the machine's dirty
 * pages exceed dirty_background_ratio percent of the dirtyable memory, the oldest dirty
 * inodes whatever their age.
 * Context: takes vfs->lock and each written inode's mapping->lock; no inode may be evicted
 * concurrently.
 */
void wb_flusher_tick(struct vfs *vfs, unsigned long centisecs)
{
	unsigned long budget = 0, n;

	pthread_mutex_lock(&vfs->lock);
	vfs->clock += centisecs;
	for (struct list_head *pos = vfs->dirty_inodes.next; pos != &vfs->dirty_inodes;
	     pos = pos->next)
		budget++;
	pthread_mutex_unlock(&vfs->lock);
	/* Each pass visits an inode at most once: one redirtied meanwhile went to the tail. */
	for (n = budget; n && flush_oldest(vfs, false); n--)
		;
	if (!vfs->pgdat)
		return;
	for (n = budget; n && node_page_state(vfs->pgdat, NR_FILE_DIRTY) > background_thresh(vfs);
	     n--)
		if (!flush_oldest(vfs, true))
			break;
}

/**
 * vfs_advance - @centisecs of time pass with the flusher running as Linux's does: idle while
 * nothing is dirty; when an inode becomes dirty, it wakes dirty_writeback_centisecs later
 * (wb_wakeup_delayed) and every dirty_writeback_centisecs after that (wb_workfn rearming
 * itself) while dirty pages remain, each wakeup one wb_flusher_tick. An inode dirtied at
 * time T is thus written at the first wakeup at or after T + dirty_expire_centisecs (with
 * the defaults, exactly 30 s later). dirty_writeback_centisecs 0 disables the periodic
 * wakeups, as the sysctl does.
 * Context: takes vfs->lock; as wb_flusher_tick, no inode may be evicted concurrently.
 */
void vfs_advance(struct vfs *vfs, unsigned long centisecs)
{
	unsigned long target, step;

	pthread_mutex_lock(&vfs->lock);
	target = vfs->clock + centisecs;
	for (;;) {
		struct inode *first;

		if (list_empty(&vfs->dirty_inodes) || !vfs->dirty_writeback_centisecs) {
			vfs->next_wakeup = 0;	/* idle: the next dirtying arms it again */
			break;
		}
		first = list_first_entry(&vfs->dirty_inodes, struct inode, i_dirty);
		/* Unarmed, or armed before the dirt (it fired on nothing and stopped). */
		if (!vfs->next_wakeup || vfs->next_wakeup <= first->dirtied_when)
			vfs->next_wakeup = first->dirtied_when + vfs->dirty_writeback_centisecs;
		if (vfs->next_wakeup > target)
			break;
		step = vfs->next_wakeup > vfs->clock ? vfs->next_wakeup - vfs->clock : 0;
		vfs->next_wakeup += vfs->dirty_writeback_centisecs;
		pthread_mutex_unlock(&vfs->lock);
		wb_flusher_tick(vfs, step);
		pthread_mutex_lock(&vfs->lock);
	}
	vfs->clock = target;
	pthread_mutex_unlock(&vfs->lock);
}

/**
 * vfs_sync - sync(2) for the machine: every dirty page of every file written back (to the
 * host file with write_files, else the in-memory upper layer), oldest dirty inode first, as
 * a clean shutdown's sync does before the file systems are unmounted.
 * Context: takes vfs->lock and each written inode's mapping->lock; no inode may be evicted
 * concurrently.
 * Return: 0, or the first writeback error (the other inodes are still written).
 */
int vfs_sync(struct vfs *vfs)
{
	unsigned long budget = 0;
	int ret = 0;

	pthread_mutex_lock(&vfs->lock);
	for (struct list_head *pos = vfs->dirty_inodes.next; pos != &vfs->dirty_inodes;
	     pos = pos->next)
		budget++;
	pthread_mutex_unlock(&vfs->lock);
	/* Each inode once: one that stays dirty (a write error) went to the tail. */
	for (; budget; budget--) {
		struct inode *inode;
		int err;

		pthread_mutex_lock(&vfs->lock);
		inode = oldest_dirty_inode(vfs, 0, true);
		if (inode) {
			list_del_init(&inode->i_dirty);
			list_add_tail(&inode->i_dirty, &vfs->dirty_inodes);
		}
		pthread_mutex_unlock(&vfs->lock);
		if (!inode)
			break;
		err = filemap_write_range(inode_mapping(inode), 0, LLONG_MAX, true);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* Whether writeback of @inode reaches a host file (write_files, a host file below it). */
static bool writes_to_host(const struct vfs *vfs, const struct inode *inode)
{
	return vfs->write_files && inode->lower_path && !inode->contents_unknown;
}

/*
 * The pages of one inode that live only in memory: dirty ones (unless writeback takes them
 * to the host) and upper-layer copies, each counted once; and, when the file's size is no
 * longer the host's, the page holding its new end (whose tail truncation zeroed), if that
 * one is not counted yet. Context: vfs->lock; takes mapping->lock.
 */
static unsigned long inode_unsaved(struct vfs *vfs, struct inode *inode)
{
	struct address_space *mapping = inode_mapping(inode);
	bool to_host = writes_to_host(vfs, inode);
	unsigned long index = 0, n = to_host ? 0 : inode->upper.nr;
	loff_t size = __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED);
	struct page *page;

	pthread_mutex_lock(&mapping->lock);
	for (; inode->nr_dirty && (page = xa_find(&mapping->i_pages, &index, ULONG_MAX));
	     index++) {
		if (PageDirty(page) && (to_host || !xa_load(&inode->upper.pages, index)))
			n++;
		if (index == ULONG_MAX)
			break;
	}
	if (size % PAGE_SIZE && inode_size_changed(inode)) {
		index = (unsigned long)(size >> PAGE_SHIFT);
		page = xa_load(&mapping->i_pages, index);
		if (!xa_load(&inode->upper.pages, index) && !(page && PageDirty(page)))
			n++;
	}
	pthread_mutex_unlock(&mapping->lock);
	return n;
}

/**
 * vfs_unsaved - what lives only in mmlab's memory: of the overlay's files that still have a
 * name, the pages dirty in their cache or written back into the upper layer (unless
 * --write-files takes them to the host) and the page at the new end of a file whose size no
 * longer is the host file's, counted once each; and the files they belong to, with those
 * whose size alone changed (truncated to a page boundary). An unlinked file's pages die with
 * it, as Linux drops them at the last close; shmem is memory by nature: neither is counted.
 * With write_files the same holds for what writeback does not carry to the host: the files
 * the run created (they have no host file) and new sizes (writeback writes contents within
 * the file's size, it never truncates the host file), so a resized host file counts, with
 * the page at its new end, whose tail the host file still has.
 * Context: takes vfs->lock and each inode's mapping->lock.
 */
void vfs_unsaved(struct vfs *vfs, unsigned long *pages, unsigned long *files)
{
	*pages = 0;
	*files = 0;
	pthread_mutex_lock(&vfs->lock);
	for (struct list_head *pos = vfs->inodes.next; pos != &vfs->inodes; pos = pos->next) {
		struct inode *inode = list_entry(pos, struct inode, i_hash);
		unsigned long n;

		if (inode->i_kind != FS_OVERLAY || !inode->i_nlink)
			continue;
		n = inode_unsaved(vfs, inode);
		*pages += n;
		*files += n || inode_size_changed(inode);
	}
	pthread_mutex_unlock(&vfs->lock);
}
