// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regular files' read, write and lseek through the page cache (mm/filemap.c's filemap_read
 * and generic_perform_write, fs/read_write.c's generic_file_llseek, mm/shmem.c's
 * shmem_file_llseek). A read walks the file's pages from the position: a page not cached
 * starts synchronous readahead (page_cache_sync_ra over file->f_ra) and is then read; a page
 * carrying the async marker starts the next window; the bytes up to the file's size are copied
 * to the user through the task's page tables. A write copies the user's bytes into the cache
 * page (read first unless the file has no bytes there), marks it dirty and extends i_size;
 * O_APPEND writes at the end. Both stop at the first page whose user copy faults, with the
 * bytes done before it, or -EFAULT. Since a mapping of the file maps these very pages, a
 * write() is seen by every mapping at once and a store through a mapping by the next read().
 * memfd seals are honoured as shmem_write_begin checks them, page by page.
 * SEEK_DATA/SEEK_HOLE answer as tmpfs does, page by page, for the overlay's files too.
 * Left out: O_DIRECT, RWF_* flags, file times, suid stripping, s_maxbytes below
 * MAX_LFS_FILESIZE (ext4's 16 TiB), the holes of the host's own files below the overlay
 * (their bytes are data), and a read of a hole caching a zero page (tmpfs maps ZERO_PAGE and
 * caches nothing): after it, that page is data.
 */
#include "mm/file.h"
#include "mm/filemap_rw.h"
#include "phys/lru.h"
#include "mm/memfd.h"
#include "mm/task.h"

#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <string.h>

#define MAX_LFS_FILESIZE ((loff_t)LLONG_MAX)

static int file_ra_mode(const struct file *f)
{
	return (READ_ONCE(f->f_mode) & FMODE_RANDOM) ? RA_MODE_RANDOM : RA_MODE_NORMAL;
}

/* Pages a read takes from the cache under one lock (PAGEVEC_SIZE, Linux's folio_batch). */
#define READ_BATCH 31

/*
 * The pages of a read of @req pages from @index on, as filemap_get_pages finds them: a batch
 * of the cached ones, or on a miss, synchronous readahead and then the page at @index.
 * Context: takes the mapping's lock; no lock held (the miss's allocations may reclaim).
 * Return: the pages put in @pages, or the page cache's -ENOMEM / -EIO.
 */
static int filemap_read_pages(struct file *f, pgoff_t index, unsigned long req,
			      struct page **pages)
{
	struct address_space *mapping = inode_mapping(f->f_inode);
	unsigned int nr, memalloc;
	struct page *page;

	nr = filemap_get_read_batch(mapping, index, index + req - 1, pages, READ_BATCH);
	if (nr)
		return (int)nr;
	/* no lock reclaim needs is held here: the allocations may reclaim directly */
	memalloc = memalloc_flags_save(memalloc_flags | MEMALLOC_RECLAIM);
	page_cache_sync_ra(mapping, &f->f_ra, file_ra_mode(f), index, req);
	page = filemap_get_page(mapping, index, FGP_CREAT, NULL);
	memalloc_flags_restore(memalloc);
	if (IS_ERR_OR_NULL(page))
		return page ? (int)PTR_ERR(page) : -ENOMEM;
	pages[0] = page;
	return 1;
}

/**
 * filemap_read - read(2) of a regular file at *@pos into @to.
 * Context: takes the mapping's lock per batch of pages; the copies take the task's mmap_lock.
 * Return: bytes read (0 at or past the end), -EFAULT when the first copy faulted, or the
 * page cache's -ENOMEM / -EIO when no byte was read.
 */
int64_t filemap_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = f->f_inode;
	struct address_space *mapping = inode_mapping(inode);
	/* shared with the other readers of the file, as f_ra is (read once, racily, as Linux) */
	loff_t prev_pos = READ_ONCE(f->f_ra.prev_pos);
	struct page *batch[READ_BATCH];
	unsigned int nr = 0, next = 0;
	int64_t done = 0;
	pgoff_t first, last;

	if (!iov_iter_count(to) || *pos >= inode->i_size)
		return 0;
	last = (pgoff_t)((min((uint64_t)inode->i_size, *pos + iov_iter_count(to)) - 1) >> PAGE_SHIFT);
	first = (pgoff_t)(*pos >> PAGE_SHIFT);
	while (iov_iter_count(to)) {
		pgoff_t index = (pgoff_t)(*pos >> PAGE_SHIFT);
		size_t offset = (size_t)(*pos & (PAGE_SIZE - 1)), len, copied;
		struct page *page;
		loff_t isize;

		if (next == nr) {
			int got = filemap_read_pages(f, index, last - index + 1, batch);

			if (got < 0) {
				if (!done)
					done = got;
				break;
			}
			nr = (unsigned int)got;
			next = 0;
		}
		page = batch[next++];
		if (PageReadahead(page)) {	/* filemap_readahead: from the folio's first page */
			pgoff_t head = filemap_folio_index(page);

			page_cache_async_ra(mapping, &f->f_ra, file_ra_mode(f), page, head,
					    last - head + 1);
		}
		/*
		 * A read that goes on in the page the last one ended in does not count as a new
		 * access (filemap_read's pos_same_folio test), so that small sequential reads
		 * do not activate every page.
		 */
		if (!(index == first && prev_pos > 0 &&
		      (pgoff_t)((prev_pos - 1) >> PAGE_SHIFT) == index))
			mark_page_accessed(mapping->pgdat, page);
		/* The size after the page is up to date: a truncation may have raced */
		isize = inode->i_size;
		if (*pos >= isize) {
			put_page(mapping->pgdat, page);
			break;
		}
		len = min((uint64_t)(PAGE_SIZE - offset), (uint64_t)(isize - *pos));
		copied = copy_to_iter((char *)page_address(mapping->pgdat, page) + offset, len, to);
		put_page(mapping->pgdat, page);
		done += (int64_t)copied;
		*pos += (loff_t)copied;
		if (copied < len) {
			if (!copied && done == 0)
				done = -EFAULT;
			break;
		}
	}
	while (next < nr)	/* the batch's pages a short read left */
		put_page(mapping->pgdat, batch[next++]);
	WRITE_ONCE(f->f_ra.prev_pos, *pos);
	kswapd_run_pending(mapping->pgdat);	/* a safe point: no lock held */
	return done;
}

/* generic_write_checks: the position O_APPEND and RLIMIT_FSIZE leave, and the count. */
static int64_t write_checks(struct file *f, struct iov_iter *from, loff_t *pos,
			    struct task *tsk)
{
	unsigned long limit = task_rlimit(tsk, RLIMIT_FSIZE);
	uint64_t count = iov_iter_count(from);

	if (f->f_flags & O_APPEND)
		*pos = f->f_inode->i_size;
	if (limit != RLIM_INFINITY) {
		if ((uint64_t)*pos >= limit) {
			send_sig(SIGXFSZ, tsk);
			return -EFBIG;
		}
		count = min(count, limit - (uint64_t)*pos);
	}
	if (*pos >= MAX_LFS_FILESIZE)
		return -EFBIG;
	return (int64_t)min(count, (uint64_t)(MAX_LFS_FILESIZE - *pos));
}

/*
 * The page a write of @len more bytes at @pos goes into: read from the file unless the file
 * has no byte in it yet (past the end), then it starts as zeros; a miss makes a folio of
 * the order @len asks for (ext4's write_begin: fgf_set_order), within a PMD-sized chunk.
 */
static struct page *write_begin(struct inode *inode, loff_t pos, uint64_t len)
{
	struct address_space *mapping = inode_mapping(inode);
	pgoff_t index = (pgoff_t)(pos >> PAGE_SHIFT);
	bool beyond = (loff_t)index << PAGE_SHIFT >= inode->i_size;
	uint64_t chunk = PAGE_SIZE << MAX_PAGECACHE_ORDER;
	unsigned int order = fgf_order(min(len, chunk - ((uint64_t)pos & (chunk - 1))));
	struct page *page = filemap_get_page(mapping, index, FGP_CREAT | FGP_ORDER(order) |
					     (beyond ? FGP_NOREAD : 0), NULL);

	return page ? page : ERR_PTR(-ENOMEM);
}

/**
 * filemap_write - write(2) of a regular file at *@pos from @from (generic_perform_write).
 * Context: takes the mapping's lock per page; the copies take the task's mmap_lock.
 * Return: bytes written; -EFAULT when the first copy faulted; -EFBIG past RLIMIT_FSIZE;
 * -EPERM for a sealed memfd; -ENOMEM.
 */
int64_t filemap_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = f->f_inode;
	struct address_space *mapping = inode_mapping(inode);
	struct mmlab_task *t = from->task;
	int64_t count = write_checks(f, from, pos, &t->tsk), done = 0;

	if (count <= 0)
		return count;
	/* Starting past the end: ext4 zeroes the old last page's tail first (what a shared
	 * mapping stored past the end is not file data). A write from the end or before it
	 * overwrites that tail itself: the old last page is left alone, so the write's folio
	 * may take it in. */
	if (*pos > inode->i_size)
		block_truncate_page(inode, inode->i_size);
	while (done < count) {
		size_t offset = (size_t)(*pos & (PAGE_SIZE - 1));
		size_t bytes = min((uint64_t)(PAGE_SIZE - offset), (uint64_t)(count - done)), copied;
		struct page *page;
		/* shmem_write_begin's seal checks, chunk by chunk */
		int err = memfd_check_write(inode, *pos, bytes);

		page = err ? ERR_PTR(err) : write_begin(inode, *pos, (uint64_t)(count - done));
		if (IS_ERR(page)) {
			if (!done)
				done = PTR_ERR(page);
			break;
		}
		copied = copy_from_iter((char *)page_address(mapping->pgdat, page) + offset, bytes,
					from);
		if (copied) {
			set_page_dirty(page);
			pthread_mutex_lock(&mapping->lock);
			if (*pos + (loff_t)copied > inode->i_size)
				inode->i_size = *pos + (loff_t)copied;
			pthread_mutex_unlock(&mapping->lock);
		}
		put_page(mapping->pgdat, page);
		done += (int64_t)copied;
		*pos += (loff_t)copied;
		if (copied < bytes) {
			if (!done)
				done = -EFAULT;
			break;
		}
	}
	return done;
}

/*
 * Whether page @index of the file is data for SEEK_DATA/SEEK_HOLE: a cached page up to date
 * (a page a truncation added for zeroing is not yet: a hole, as an unwritten tmpfs folio), and
 * for an overlay file what its layers hold (vfs_page_has_data).
 */
static bool seek_page_is_data(struct inode *inode, pgoff_t index)
{
	struct address_space *mapping = inode_mapping(inode);
	struct page *page = filemap_find_page(mapping, index);
	bool data = page && PageUptodate(page);

	if (page)
		put_page(mapping->pgdat, page);
	return data || (inode->i_kind == FS_OVERLAY && vfs_page_has_data(inode, index));
}

/*
 * SEEK_DATA/SEEK_HOLE as tmpfs answers them (shmem_file_llseek, mapping_seek_hole_data),
 * page by page up to the size, for shmem and for the overlay's files alike: the first data
 * or hole at or after @off; the end of the file is a hole. Return: the offset, or -ENXIO.
 */
static loff_t seek_hole_data(struct inode *inode, loff_t off, int whence)
{
	loff_t size = inode->i_size;
	pgoff_t index = (pgoff_t)(off >> PAGE_SHIFT);
	loff_t found;

	if (off >= size)
		return -ENXIO;
	for (;; index++) {
		found = (loff_t)index << PAGE_SHIFT;
		if (found >= size)
			return whence == SEEK_DATA ? -ENXIO : size;
		if (seek_page_is_data(inode, index) == (whence == SEEK_DATA))
			break;
	}
	return max(found, off);
}

/**
 * filemap_llseek - lseek(2) of a regular file: SEEK_SET, SEEK_CUR, SEEK_END; SEEK_DATA and
 * SEEK_HOLE as tmpfs answers them, for shmem files and the overlay's (its upper layer being
 * tmpfs-like: holes where a truncation grew the file or fallocate punched it).
 * Return: the new position, or -EINVAL (negative, or beyond MAX_LFS_FILESIZE) / -ENXIO.
 */
int64_t filemap_llseek(struct file *f, int64_t off, int whence)
{
	struct inode *inode = f->f_inode;
	loff_t size = inode->i_size, pos;

	switch (whence) {
	case SEEK_SET:
		pos = off;
		break;
	case SEEK_CUR:
		if (!off)
			return f->f_pos;	/* the position as it is, no check */
		if (__builtin_add_overflow(f->f_pos, off, &pos))
			return -EINVAL;
		break;
	case SEEK_END:
		if (__builtin_add_overflow(size, off, &pos))
			return -EINVAL;
		break;
	default:	/* SEEK_DATA, SEEK_HOLE */
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = seek_hole_data(inode, off, whence);
		if (pos < 0)
			return pos;
		break;
	}
	if (pos < 0 || pos > MAX_LFS_FILESIZE)
		return -EINVAL;
	if (pos != f->f_pos)
		f->f_pos = pos;
	return pos;
}
