// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swap I/O (mm/page_io.c) and the header mkswap(8) writes: a page goes to its slot of the
 * area's host file with one synchronous pwrite (swap_writepage, counted in pswpout) and comes
 * back with one pread (swap_readpage, pswpin). Slot N lies at byte N * 4096: a swap file
 * here has no extents to map, and slot 0 is the header.
 * Left out: asynchronous I/O and PG_writeback on swap pages (a write is done when the call
 * returns), bio plugging, zswap, SWP_SYNCHRONOUS_IO devices, swap on block devices.
 */
#include "mm/swap.h"

#include <string.h>
#include <unistd.h>

/* The whole of @len bytes at @off, through short transfers and EINTR; 0 or -EIO. */
static int swap_rw(int fd, void *buf, size_t len, off_t off, bool write)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write ? pwrite(fd, (char *)buf + done, len - done, off + (off_t)done) :
				    pread(fd, (char *)buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/**
 * swap_write_slot - write @page's contents to the slot of @entry (counted in pswpout).
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
		err = swap_rw(si->fd, page_address(&m->pgdat, page), PAGE_SIZE,
			      (off_t)(swp_offset(entry) << PAGE_SHIFT), true);
	pthread_mutex_unlock(&m->swap->lock);
	if (!err)
		count_vm_event(&m->pgdat, PSWPOUT);
	return err;
}

/**
 * swap_writepage - write @page, in the swap cache, to its slot; it is clean afterwards.
 * Context: swap_lock not held; the page is unmapped (swap_out_page), so nothing writes it
 * meanwhile.
 * Return: 0, or -EIO (the page stays dirty).
 */
int swap_writepage(struct page *page)
{
	int err;

	VM_BUG_ON(!PageSwapCache(page));
	ClearPageDirty(page);
	err = swap_write_slot(page_machine(page), page_swap_entry(page), page);
	if (err)
		SetPageDirty(page);
	return err;
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
	err = swap_rw(si->fd, page_address(&m->pgdat, page), PAGE_SIZE,
		      (off_t)(swp_offset(entry) << PAGE_SHIFT), false);
	if (!err)
		count_vm_event(&m->pgdat, PSWPIN);
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
	err = swap_rw(fd, hdr, PAGE_SIZE, 0, true);
	free(hdr);
	return err;
}
