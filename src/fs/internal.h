/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the page cache's three files share and no layer above needs (mm/internal.h's role for
 * filemap.c, readahead.c and page-writeback.c).
 */
#ifndef MMLAB_FS_INTERNAL_H
#define MMLAB_FS_INTERNAL_H

#include "fs/fs.h"

/* page-writeback.c: a dirty page leaves the cache (truncation); mapping->lock held. */
void __page_cancel_dirty(struct address_space *mapping, struct page *page);
/* ... and afterwards, mapping->lock dropped: the inode joins or leaves vfs->dirty_inodes as
 * its nr_dirty now says. */
void inode_sync_dirty_list(struct inode *inode);
/* Whether @mapping's dirty pages are counted (writeback can clean them): not shmem's. */
static inline bool mapping_can_writeback(const struct address_space *mapping)
{
	return mapping->a_ops && mapping->a_ops->write_page;
}

/* filemap.c: whether @index is cached (readahead's history probes). */
bool filemap_page_cached(struct address_space *mapping, pgoff_t index);

#endif /* MMLAB_FS_INTERNAL_H */
