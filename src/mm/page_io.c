// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swap I/O (mm/page_io.c) and the header mkswap(8) writes: a page goes to its slot of the
 * area's host file (swap_writepage, counted in pswpout) and comes back with one read
 * (swap_readpage, pswpin). Slot N lies at byte N * 4096: a swap file here has no extents to
 * map, and slot 0 is the header. The bytes move through the host layer (host_file_read,
 * host_file_write and their vectored forms), as all host I/O does.
 *
 * A write is asynchronous, as a bio to a disk is: swap_writepage starts writeback
 * (PG_writeback, nr_writeback) and submits the page; the write ends (end_swap_bio_write:
 * writeback over, nr_written, and a page reclaim wrote rotated to the inactive tail) only
 * when swap_io_complete runs - at the start of each reclaim pass, before swapoff, and at once
 * when the in-flight list cannot grow. Until then the page stays in the swap cache.
 * A swap file is written as Linux writes one (swap_writepage_fs): within a plugged pass of
 * reclaim (shrink_folio_list's), pages whose slots follow each other are gathered into one
 * swap_iocb and go out together as one host pwritev when the run breaks, fills, or the pass
 * unplugs; the in-flight list takes them only then, after their bytes are in the file.
 * Outside a plug a page goes out alone, at once. Readahead reads the same way: the slots of
 * its window that follow each other come in with one host preadv (swap_readpages).
 * The pure LRU modes (--lru lru|clock) write synchronously and alone (a SWP_SYNCHRONOUS_IO
 * device), so that eviction takes exactly the page the policy chose.
 * Left out: the block layer's own plugging and merging (a swap file has none: its runs are
 * the iocb's), zswap, swap on block devices.
 */
#include "mm/swap.h"
#include "phys/lru.h"

#include "host/host.h"

#include <string.h>

/*
 * end_swap_bio_write - the write of @page has ended (folio_end_writeback): writeback is
 * over, and a page that reclaim wrote (PG_reclaim) goes to the inactive tail, to be freed
 * by the next pass.
 */
static void end_swap_bio_write(struct machine *m, struct page *page)
{
	VM_BUG_ON(!PageWriteback(page));
	/* rotated while still under writeback: nobody can free it yet */
	if (PageReclaim(page)) {
		ClearPageReclaim(page);
		rotate_reclaimable_page(&m->pgdat, page);
	}
	/* once writeback is clear, reclaim may free it: our own reference until we are done */
	get_page(page);
	ClearPageWriteback(page);
	mod_node_page_state(&m->pgdat, NR_WRITEBACK, -1);
	mod_node_page_state(&m->pgdat, NR_WRITTEN, 1);
	put_page(&m->pgdat, page);
}

/*
 * The write of @page failed (sio_write_complete's error path): it is dirty again, so that
 * reclaim writes it another time, and its writeback is over without a rotation.
 */
static void swap_write_failed(struct machine *m, struct page *page)
{
	SetPageDirty(page);
	ClearPageReclaim(page);
	ClearPageWriteback(page);
	mod_node_page_state(&m->pgdat, NR_WRITEBACK, -1);
}

/* Queues @page's write as in flight; false when the list cannot grow. Context: swap_lock. */
static bool swap_submit_bio(struct swap_state *s, struct page *page)
{
	if (s->nr_wb_inflight == s->wb_inflight_cap) {
		unsigned long cap = s->wb_inflight_cap ? 2 * s->wb_inflight_cap : 64;
		struct page **p = realloc(s->wb_inflight, cap * sizeof(*p));

		if (!p)
			return false;
		s->wb_inflight = p;
		s->wb_inflight_cap = cap;
	}
	s->wb_inflight[s->nr_wb_inflight] = page;
	__atomic_store_n(&s->nr_wb_inflight, s->nr_wb_inflight + 1, __ATOMIC_RELAXED);
	return true;
}

/**
 * swap_write_slot - write @page's contents to the slot of @entry at once (counted in
 * pswpout): shmem's writeout, which keeps no swap-cache page under writeback.
 * Context: swap_lock not held; nothing writes the page meanwhile.
 * Return: 0 or -EIO.
 */
int swap_write_slot(struct machine *m, swp_entry_t entry, struct page *page)
{
	struct swap_info_struct *si;
	int err = -EIO;

	pthread_mutex_lock(&m->swap->lock);
	si = swp_swap_info(m, entry);
	if (si)
		err = host_file_write(si->fd, page_address(&m->pgdat, page), PAGE_SIZE,
				      (uint64_t)swp_offset(entry) << PAGE_SHIFT);
	pthread_mutex_unlock(&m->swap->lock);
	if (!err)
		count_vm_event(&m->pgdat, PSWPOUT);
	return err;
}

/* The thread's plug: the swap_iocb of the reclaim pass it runs (Linux's current->plug). */
static __thread struct swap_iocb *current_swap_plug;

/**
 * swap_start_plug - gather this thread's swap writes into @plug until swap_finish_plug
 * (blk_start_plug for a swap file's iocb). A thread that holds a plug already keeps that one.
 * Context: no swap_lock held.
 */
void swap_start_plug(struct swap_iocb *plug)
{
	*plug = (struct swap_iocb){ .plugged = !current_swap_plug };
	if (plug->plugged)
		current_swap_plug = plug;
}

/*
 * swap_write_unplug - the run @plug gathered goes out as one host write; its pages enter the
 * in-flight list (their writes end at the next swap_io_complete), or end at once when it
 * cannot grow. A failed write leaves every page dirty. @plug is empty afterwards.
 * Context: no swap_lock held.
 */
static void swap_write_unplug(struct swap_iocb *plug)
{
	struct machine *m = plug->m;
	void *bufs[SWAP_CLUSTER_MAX];
	struct swap_info_struct *si;
	unsigned int nr = plug->nr, queued = 0;
	int err = -EIO;

	if (!nr)
		return;
	plug->nr = 0;
	for (unsigned int i = 0; i < nr; i++)
		bufs[i] = page_address(&m->pgdat, plug->pages[i]);
	pthread_mutex_lock(&m->swap->lock);
	si = swp_swap_info(m, plug->first);
	/* DMA from pages a fault may have mapped writable again (swap_writepage) */
	if (si)
		err = data_race(host_file_writev(si->fd, bufs, nr, PAGE_SIZE,
						 (uint64_t)swp_offset(plug->first) << PAGE_SHIFT));
	while (!err && queued < nr && swap_submit_bio(m->swap, plug->pages[queued]))
		queued++;
	pthread_mutex_unlock(&m->swap->lock);
	if (err) {
		for (unsigned int i = 0; i < nr; i++)
			swap_write_failed(m, plug->pages[i]);
		return;
	}
	count_vm_events(&m->pgdat, PSWPOUT, nr);
	for (unsigned int i = queued; i < nr; i++)
		end_swap_bio_write(m, plug->pages[i]);
}

/**
 * swap_finish_plug - the writes @plug gathered go out (blk_finish_plug); the thread has no
 * plug afterwards, unless @plug was a nested one, which gathered nothing.
 * Context: no swap_lock held.
 */
void swap_finish_plug(struct swap_iocb *plug)
{
	if (!plug->plugged)
		return;
	swap_write_unplug(plug);
	current_swap_plug = NULL;
}

/*
 * swap_writepage_plugged - @page joins the run of @plug (swap_writepage_fs): under
 * writeback from now on, written when the run goes out. A page whose slot does not follow
 * the run's last, or of another area, sends the run out first and starts a new one.
 */
static void swap_writepage_plugged(struct machine *m, struct page *page, struct swap_iocb *plug)
{
	swp_entry_t entry = page_swap_entry(page);

	if (plug->nr && (plug->m != m || swp_type(entry) != swp_type(plug->first) ||
			 swp_offset(entry) != swp_offset(plug->first) + plug->nr))
		swap_write_unplug(plug);
	/* folio_start_writeback: the bio is built, it goes out with the run */
	ClearPageDirty(page);
	SetPageWriteback(page);
	mod_node_page_state(&m->pgdat, NR_WRITEBACK, 1);
	if (!plug->nr) {
		plug->m = m;
		plug->first = entry;
	}
	plug->pages[plug->nr++] = page;
	if (plug->nr == SWAP_CLUSTER_MAX)
		swap_write_unplug(plug);
}

/**
 * swap_writepage - write @page, in the swap cache, to its slot (__swap_writepage): it is
 * clean and under writeback afterwards, the write ending at the next swap_io_complete (at
 * once in the pure LRU modes, or when it cannot be queued). Within a plug (swap_start_plug)
 * the write joins the thread's run of following slots and goes out with it.
 * Context: swap_lock not held; the caller holds the page (isolated, in the swap cache) and
 * it is not under writeback; it is unmapped (swap_out_page). A fault may still find it in the
 * swap cache and map it writable before its bytes are out: a swap file does not ask for
 * stable pages (SWP_STABLE_WRITES), so do_swap_page does not wait, and the write reads the
 * page as a disk's DMA would, racing with the stores. Their dirty PTE sends it out again.
 * Return: 0, or -EIO (the page stays dirty, no writeback; within a plug, a failed write
 * makes the page dirty again when the run goes out).
 */
int swap_writepage(struct page *page)
{
	struct machine *m = page_machine(page);
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si;
	bool queued = false;
	int err = -EIO;

	VM_BUG_ON(!PageSwapCache(page) || PageWriteback(page));
	if (current_swap_plug && m->pgdat.lru_mode < LRU_MODE_LRU) {
		swap_writepage_plugged(m, page, current_swap_plug);
		return 0;
	}
	ClearPageDirty(page);
	pthread_mutex_lock(&m->swap->lock);
	si = swp_swap_info(m, entry);
	if (si)
		err = data_race(host_file_write(si->fd, page_address(&m->pgdat, page), PAGE_SIZE,
						(uint64_t)swp_offset(entry) << PAGE_SHIFT));
	if (!err) {
		/* folio_start_writeback, then the bio goes out */
		SetPageWriteback(page);
		mod_node_page_state(&m->pgdat, NR_WRITEBACK, 1);
		if (m->pgdat.lru_mode < LRU_MODE_LRU)
			queued = swap_submit_bio(m->swap, page);
	}
	pthread_mutex_unlock(&m->swap->lock);
	if (err) {
		SetPageDirty(page);
		return err;
	}
	count_vm_event(&m->pgdat, PSWPOUT);
	if (!queued)
		end_swap_bio_write(m, page);
	return 0;
}

/**
 * swap_io_complete - every swap write in flight ends, oldest first (the disk caught up).
 * Context: no swap_lock, no lru_lock held; the in-flight pages are in the swap cache, which
 * holds them until their writeback is over.
 */
void swap_io_complete(struct machine *m)
{
	struct swap_state *s = m->swap;
	struct page **pages;
	unsigned long nr;

	if (!s || !__atomic_load_n(&s->nr_wb_inflight, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&s->lock);
	pages = s->wb_inflight;
	nr = s->nr_wb_inflight;
	s->wb_inflight = NULL;
	s->wb_inflight_cap = 0;
	__atomic_store_n(&s->nr_wb_inflight, 0UL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->lock);
	for (unsigned long i = 0; i < nr; i++)
		end_swap_bio_write(m, pages[i]);
	free(pages);
}

/**
 * swap_readpage - read the slot of @entry into the new page @page.
 * Context: swap_lock held; @page is not visible to anyone else yet.
 * Return: 0, or -EIO.
 */
int swap_readpage(struct machine *m, struct page *page, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	int err;

	if (!si)
		return -EIO;
	err = host_file_read(si->fd, page_address(&m->pgdat, page), PAGE_SIZE,
			     (uint64_t)swp_offset(entry) << PAGE_SHIFT);
	if (!err)
		count_vm_event(&m->pgdat, PSWPIN);
	return err;
}

/**
 * swap_readpages - read the @nr slots that follow each other from @first into the new pages
 * @pages, with one host read (swap_read_unplug: the run readahead gathered).
 * Context: swap_lock held; the pages are not visible to anyone else yet.
 * Return: 0, or -EIO.
 */
int swap_readpages(struct machine *m, struct page *const *pages, unsigned int nr,
		   swp_entry_t first)
{
	struct swap_info_struct *si = swp_swap_info(m, first);
	void *bufs[SWAP_CLUSTER_MAX];
	int err;

	if (!si || !nr || nr > SWAP_CLUSTER_MAX)
		return -EIO;
	for (unsigned int i = 0; i < nr; i++)
		bufs[i] = page_address(&m->pgdat, pages[i]);
	err = host_file_readv(si->fd, bufs, nr, PAGE_SIZE,
			      (uint64_t)swp_offset(first) << PAGE_SHIFT);
	if (!err)
		count_vm_events(&m->pgdat, PSWPIN, nr);
	return err;
}

/**
 * swap_write_header - mkswap(8) on host file @fd of @bytes: a version-1 header in the first
 * page (last_page, no bad pages, a random UUID, no label) ending in "SWAPSPACE2".
 * Return: 0; -EINVAL when the file is under 10 pages (mkswap's 40 KiB minimum); -EIO.
 */
int swap_write_header(int fd, uint64_t bytes)
{
	unsigned char *hdr;
	uint32_t version = 1, last_page;
	uint64_t pages = bytes >> PAGE_SHIFT;
	int err;

	if (pages < 10)
		return -EINVAL;
	last_page = (uint32_t)min(pages - 1, (uint64_t)UINT32_MAX);
	hdr = calloc(1, PAGE_SIZE);
	if (!hdr)
		return -ENOMEM;
	memcpy(hdr + SWAP_HEADER_VERSION_OFF, &version, 4);
	memcpy(hdr + SWAP_HEADER_LAST_PAGE_OFF, &last_page, 4);
	for (int i = 0; i < 16; i++)
		hdr[SWAP_HEADER_UUID_OFF + i] = (unsigned char)(random() & 0xff);
	hdr[SWAP_HEADER_UUID_OFF + 6] = (unsigned char)((hdr[SWAP_HEADER_UUID_OFF + 6] & 0x0f) | 0x40);
	hdr[SWAP_HEADER_UUID_OFF + 8] = (unsigned char)((hdr[SWAP_HEADER_UUID_OFF + 8] & 0x3f) | 0x80);
	memcpy(hdr + PAGE_SIZE - 10, SWAP_HEADER_MAGIC, 10);
	err = host_file_write(fd, hdr, PAGE_SIZE, 0);
	free(hdr);
	return err;
}
