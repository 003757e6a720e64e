// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * posix_fadvise (mm/fadvise.c's generic_fadvise): the readahead hints of an open file
 * (NORMAL, RANDOM, SEQUENTIAL change its file_ra_state and FMODE_RANDOM), WILLNEED (read the
 * range into the cache now, force_page_cache_ra) and DONTNEED (write the range back, then
 * drop its clean pages that no one maps). Files without a backing device that reads ahead -
 * tmpfs (shmem inodes), /dev/zero and the other devices - accept the advice and ignore it,
 * as noop_backing_dev_info's do; pipes are ESPIPE.
 * Left out: NOREUSE (accepted, nothing to do in 6.18 either but a flag), and the writeback's
 * asynchrony (DONTNEED's writeback is synchronous here, so the pages it cleaned are dropped
 * too, where Linux would find them still under writeback and keep them).
 */
#include "mm/fdtable.h"
#include "mm/filemap_rw.h"
#include "phys/lru.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

/* The first cached page at or after *@index, up to @last, with a reference; NULL if none. */
static struct page *invalidate_next_page(struct address_space *mapping, pgoff_t *index,
					 pgoff_t last)
{
	struct page *page;

	pthread_mutex_lock(&mapping->lock);
	page = xa_find(&mapping->i_pages, index, last);
	if (page)
		get_page(page);
	pthread_mutex_unlock(&mapping->lock);
	return page;
}

/*
 * Drops the clean, unmapped, unreferenced cache pages of [first, last] (mapping_try_invalidate),
 * visiting only the cached ones: a whole-file range is 2^51 indices.
 */
static void invalidate_range(struct address_space *mapping, pgoff_t first, pgoff_t last)
{
	struct page *page;

	for (pgoff_t index = first; index <= last; index++) {
		page = invalidate_next_page(mapping, &index, last);
		if (!page)
			break;
		/* ours and the cache's references only, no mapping, nothing to write */
		(void)filemap_evict_page(mapping, page);
		put_page(mapping->pgdat, page);
		if (index == ULONG_MAX)
			break;
	}
}

MMLAB_EXPORT int mmlab_fadvise(struct mmlab_task *t, int fd, int64_t off, int64_t len, int advice)
{
	struct address_space *mapping;
	struct file *f;
	uint64_t endbyte;
	pgoff_t first, last;

	if (!t)
		return -EINVAL;
	f = fdget(t, fd);
	if (!f)
		return -EBADF;
	if (f->pipe || S_ISFIFO(f->i_mode))
		return -ESPIPE;
	if (len < 0)
		return -EINVAL;
	if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	if (!f->f_inode || f->f_inode->i_kind == FS_SHMEM)
		return 0;	/* noop_backing_dev_info: valid advice is taken and ignored */
	mapping = inode_mapping(f->f_inode);
	/* len 0 means "to the end"; an overflowing end is the end too */
	endbyte = (uint64_t)off + (uint64_t)len;
	if (!len || endbyte < (uint64_t)len || endbyte > LLONG_MAX)
		endbyte = LLONG_MAX;
	else
		endbyte--;
	switch (advice) {
	case POSIX_FADV_NORMAL:
		WRITE_ONCE(f->f_ra.ra_pages, inode_to_bdi(f->f_inode)->ra_pages);
		__atomic_fetch_and(&f->f_mode, ~FMODE_RANDOM, __ATOMIC_RELAXED);
		break;
	case POSIX_FADV_RANDOM:
		__atomic_fetch_or(&f->f_mode, FMODE_RANDOM, __ATOMIC_RELAXED);
		break;
	case POSIX_FADV_SEQUENTIAL:
		WRITE_ONCE(f->f_ra.ra_pages, inode_to_bdi(f->f_inode)->ra_pages * 2);
		__atomic_fetch_and(&f->f_mode, ~FMODE_RANDOM, __ATOMIC_RELAXED);
		break;
	case POSIX_FADV_WILLNEED:
		first = (pgoff_t)((uint64_t)off >> PAGE_SHIFT);
		last = (pgoff_t)(endbyte >> PAGE_SHIFT);
		force_page_cache_ra(mapping, &f->f_ra, first, last - first + 1 ? last - first + 1
									   : ULONG_MAX);
		break;
	case POSIX_FADV_DONTNEED:
		(void)filemap_write_range(mapping, off, (loff_t)endbyte, false);
		first = (pgoff_t)(((uint64_t)off + PAGE_SIZE - 1) >> PAGE_SHIFT);
		last = (pgoff_t)(endbyte >> PAGE_SHIFT);
		/* only whole pages: a partial last page stays */
		if ((endbyte & (PAGE_SIZE - 1)) != PAGE_SIZE - 1) {
			if (!last)
				break;
			last--;
		}
		/* a page in this thread's LRU batch holds a reference: drain it (as Linux) */
		lru_add_drain(mapping->pgdat);
		if (last >= first)
			invalidate_range(mapping, first, last);
		break;
	default:	/* POSIX_FADV_NOREUSE */
		break;
	}
	return 0;
}
