// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * How much a file's device lets readahead read (mm/backing-dev.c's struct backing_dev_info,
 * with block/blk-sysfs.c's read_ahead_kb and the queue limits' max_sectors_kb): Linux gives
 * each open file the window of its super block's bdi (file_ra_state_init), and the bdi's
 * io_pages caps large reads and MADV_WILLNEED.
 *
 * What decides the window here, in this order:
 *   - shmem files: noop_backing_dev_info, no readahead (shmem_fault and shmem_file_read_iter
 *     never read ahead);
 *   - files only in the upper layer: Linux's default window, 128 KiB, in order-0 folios (an
 *     overlay's upper layer on tmpfs would read none ahead: left out, as the upper layer
 *     here keeps its pages apart from the cache and reads them back like a disk);
 *   - the machine's read_ahead_kb and max_sectors_kb, when its config sets them
 *     (mmlab_machine_config.readahead_kb, `mmlab run --readahead-kb`): the same on any host,
 *     which is what a replay on another machine needs;
 *   - else the host device that holds the lower file (its st_dev): its block queue's
 *     read_ahead_kb and max_sectors_kb in sysfs, a partition's from its disk, as the kernel's
 *     bdi is the disk's; a device without a queue (NFS, FUSE) gives its bdi's read_ahead_kb;
 *   - a device the host says nothing about (an anonymous device: tmpfs or overlayfs below
 *     the root), or a file known by identity alone: Linux's default bdi, 128 KiB.
 * Each device is asked once per machine. Left out: the bdi's writeback half (page-writeback.c
 * keeps the machine-wide dirty limits) and changes to read_ahead_kb after a file is opened.
 */
#include "fs/internal.h"
#include "host/host.h"

#include <stdlib.h>
#include <sys/sysmacros.h>

static struct backing_dev_info noop_backing_dev_info;	/* ra_pages = io_pages = 0 */

/* What Linux's bdi_init gives a device that says nothing else. */
static struct backing_dev_info default_backing_dev_info = {
	.ra_pages = VM_READAHEAD_PAGES,
	.io_pages = VM_READAHEAD_PAGES,
	.large_folios = true,
};

/* Files only in the upper layer: the default window, order-0 folios (see the file's head). */
static struct backing_dev_info upper_backing_dev_info = {
	.ra_pages = VM_READAHEAD_PAGES,
	.io_pages = VM_READAHEAD_PAGES,
};

static unsigned int kb_to_pages(unsigned int kb)
{
	return kb / (PAGE_SIZE / 1024);
}

/**
 * vfs_set_readahead - the machine's own read_ahead_kb and max_sectors_kb for every lower
 * file, instead of each host device's: @ra_kb > 0 KiB, -1 for none (read_ahead_kb 0), 0 to
 * ask the host; @max_sectors_kb > 0 KiB, 0 to ask the host (or, with @ra_kb set, take
 * Linux's default 128 KiB).
 * Context: before any file is opened.
 */
void vfs_set_readahead(struct vfs *vfs, int ra_kb, int max_sectors_kb)
{
	vfs->ra_kb = ra_kb;
	vfs->max_sectors_kb = max_sectors_kb;
}

/* The bdi of host device @dev, made on first use. Context: vfs->bdi_lock held. */
static struct backing_dev_info *bdi_lookup(struct vfs *vfs, dev_t dev)
{
	unsigned int ra_kb, sectors_kb;
	struct backing_dev_info *bdi;

	for (bdi = vfs->bdi_list; bdi; bdi = bdi->next)
		if (bdi->dev == dev)
			return bdi;
	if (host_bdi_limits(major(dev), minor(dev), &ra_kb, &sectors_kb))
		return &default_backing_dev_info;
	bdi = calloc(1, sizeof(*bdi));
	if (!bdi)
		return &default_backing_dev_info;
	bdi->dev = dev;
	bdi->large_folios = true;
	bdi->ra_pages = kb_to_pages(ra_kb);
	bdi->io_pages = sectors_kb ? kb_to_pages(sectors_kb) : VM_READAHEAD_PAGES;
	bdi->next = vfs->bdi_list;
	vfs->bdi_list = bdi;
	return bdi;
}

/* The machine-wide bdi vfs_set_readahead asked for (made once). Context: bdi_lock held. */
static struct backing_dev_info *bdi_machine(struct vfs *vfs)
{
	struct backing_dev_info *bdi;

	for (bdi = vfs->bdi_list; bdi; bdi = bdi->next)
		if (bdi->dev == (dev_t)-1)
			return bdi;
	bdi = calloc(1, sizeof(*bdi));
	if (!bdi)
		return &default_backing_dev_info;
	bdi->dev = (dev_t)-1;
	bdi->large_folios = true;
	bdi->ra_pages = vfs->ra_kb > 0 ? kb_to_pages((unsigned int)vfs->ra_kb) : 0;
	bdi->io_pages = vfs->max_sectors_kb > 0 ? kb_to_pages((unsigned int)vfs->max_sectors_kb)
						: VM_READAHEAD_PAGES;
	bdi->next = vfs->bdi_list;
	vfs->bdi_list = bdi;
	return bdi;
}

/* Which bdi @inode's file system has (the order in the file's opening paragraph). */
static struct backing_dev_info *inode_find_bdi(struct inode *inode)
{
	struct vfs *vfs = inode->i_vfs;
	struct backing_dev_info *bdi;
	struct stat st;

	if (inode->i_kind == FS_SHMEM)
		return &noop_backing_dev_info;
	if (inode->lower_fd < 0 && !inode->contents_unknown)
		return &upper_backing_dev_info;
	if (!vfs)
		return &default_backing_dev_info;
	pthread_mutex_lock(&vfs->bdi_lock);
	if (vfs->ra_kb)
		bdi = bdi_machine(vfs);
	else if (inode->lower_fd >= 0 && !fstat(inode->lower_fd, &st))
		bdi = bdi_lookup(vfs, st.st_dev);
	else
		bdi = &default_backing_dev_info;
	if (!vfs->ra_kb && vfs->max_sectors_kb > 0 && bdi != &default_backing_dev_info)
		bdi->io_pages = kb_to_pages((unsigned int)vfs->max_sectors_kb);
	pthread_mutex_unlock(&vfs->bdi_lock);
	return bdi;
}

/**
 * inode_to_bdi - the readahead limits of @inode's device, found on first use and kept.
 * Context: any; takes vfs->bdi_lock the first time.
 * Return: the bdi (never NULL).
 */
struct backing_dev_info *inode_to_bdi(struct inode *inode)
{
	struct backing_dev_info *bdi = __atomic_load_n(&inode->i_bdi, __ATOMIC_ACQUIRE);

	if (!bdi) {
		bdi = inode_find_bdi(inode);
		__atomic_store_n(&inode->i_bdi, bdi, __ATOMIC_RELEASE);
	}
	return bdi;
}

/**
 * file_ra_state_init - a newly opened file's readahead state: its device's window, no
 * history (no previous read, no window, no misses).
 * Context: any.
 */
void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping)
{
	*ra = (struct file_ra_state){
		.ra_pages = mapping->host ? inode_to_bdi(mapping->host)->ra_pages : 0,
		.prev_pos = -1,
	};
}

/* Frees the bdis of the host devices seen. Context: the vfs is going, no other user. */
void bdi_destroy_all(struct vfs *vfs)
{
	while (vfs->bdi_list) {
		struct backing_dev_info *bdi = vfs->bdi_list;

		vfs->bdi_list = bdi->next;
		free(bdi);
	}
}
