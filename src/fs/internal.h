/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What namei.c and inode.c share inside the fs layer (fs/internal.h's role): making inodes,
 * finding them by identity, and the names the upper layer changed; and what the page cache's
 * three files (filemap.c, readahead.c, page-writeback.c) share (mm/internal.h's role for
 * them). Not for the layers above.
 */
#ifndef MMLAB_FS_INTERNAL_H
#define MMLAB_FS_INTERNAL_H

#include "fs/fs.h"

#include <sys/stat.h>

/* A name the upper layer changed: a file it created or renamed there, or a whiteout. */
struct vfs_dentry {
	struct list_head d_list;	/* vfs->dentries */
	char *d_path;			/* Canonical path inside the root ("/a/b") */
	struct inode *d_inode;		/* A reference; NULL: a whiteout (unlinked, renamed away)
					 * or a directory moved here (d_redirect) */
	char *d_redirect;		/* A host directory renamed to d_path: the path below,
					 * inside the root, that it shows (overlayfs's
					 * redirect_dir xattr); NULL otherwise */
};

/* inode.c; all with vfs->lock held */
struct inode *inode_new(struct vfs *vfs, enum fs_kind kind, const char *path);
struct inode *inode_find(struct vfs *vfs, dev_t dev, ino_t ino);
bool inode_find_exists(struct vfs *vfs, dev_t dev, ino_t ino);
void inode_hash(struct inode *inode);
struct inode *inode_get_lower(struct vfs *vfs, const char *host_path, const char *path,
			      const struct stat *st);
void __iput(struct inode *inode);
/* Frees an upper-layer name, dropping its inode reference. Context: vfs->lock held. */
void d_free(struct vfs_dentry *d);
/* Whether a host file's size, or its lower bytes' extent, changed in the overlay. */
bool inode_size_changed(struct inode *inode);

/* page-writeback.c: a dirty page leaves the cache (truncation); mapping->lock held. */
void __page_cancel_dirty(struct address_space *mapping, struct page *page);
/* ... and afterwards, mapping->lock dropped: the inode joins or leaves vfs->dirty_inodes as
 * its nr_dirty now says. */
void inode_sync_dirty_list(struct inode *inode);

/* filemap.c: whether @index is cached (readahead's history probes). */
bool filemap_page_cached(struct address_space *mapping, pgoff_t index);

#endif /* MMLAB_FS_INTERNAL_H */
