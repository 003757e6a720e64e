/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake file for the page-cache tests: an inode of a hand-made vfs whose a_ops read from and
 * write to a byte buffer (the "file"), counting calls and failing on request. Nothing of
 * namei.c/inode.c is used: the tests build the objects those would.
 */
#ifndef MMLAB_TEST_FS_FIXTURE_H
#define MMLAB_TEST_FS_FIXTURE_H

#include <pthread.h>
#include <string.h>

#include "fs/fs.h"
#include "phys/mmzone.h"

#define FAKE_RAM (16UL << 20)		/* 4096 frames */
#define FAKE_MAX_PAGES 1024

struct fake_file {
	struct inode inode;
	unsigned char data[FAKE_MAX_PAGES * PAGE_SIZE];	/* the file's bytes below the cache */
	pthread_mutex_t io_lock;	/* One a_ops copy of a page at a time, as the host's own
					 * page cache makes a pread and a pwrite of it: the cache
					 * fills a page before inserting it, so a fill may run
					 * beside a writeback of the same index (and lose the
					 * insertion to the page written) */
	unsigned long reads, writes;	/* a_ops calls */
	size_t last_write_len;
	int read_err, write_err;	/* returned by the a_ops when set */
};

struct fake_fs {
	struct pglist_data pgdat;
	struct vfs vfs;
	struct backing_dev_info bdi;	/* Its files' device: read_ahead_kb 128, max_sectors_kb
					 * 1280 (a typical SATA disk's) */
};

static int fake_read_page(struct inode *inode, pgoff_t index, void *buf)
{
	struct fake_file *f = (struct fake_file *)inode;

	__atomic_add_fetch(&f->reads, 1, __ATOMIC_RELAXED);	/* a_ops run concurrently */
	if (f->read_err)
		return f->read_err;
	if (index >= FAKE_MAX_PAGES) {
		memset(buf, 0, PAGE_SIZE);
		return 0;
	}
	pthread_mutex_lock(&f->io_lock);
	memcpy(buf, f->data + index * PAGE_SIZE, PAGE_SIZE);
	pthread_mutex_unlock(&f->io_lock);
	return 0;
}

static int fake_write_page(struct inode *inode, pgoff_t index, const void *buf, size_t len)
{
	struct fake_file *f = (struct fake_file *)inode;

	__atomic_add_fetch(&f->writes, 1, __ATOMIC_RELAXED);
	f->last_write_len = len;
	if (f->write_err)
		return f->write_err;
	if (index < FAKE_MAX_PAGES) {
		pthread_mutex_lock(&f->io_lock);
		memcpy(f->data + index * PAGE_SIZE, buf, len);
		pthread_mutex_unlock(&f->io_lock);
	}
	return 0;
}

static const struct address_space_operations fake_aops = {
	.read_page = fake_read_page,
	.write_page = fake_write_page,
};

static const struct address_space_operations fake_shmem_aops = {0};

static inline struct fake_fs *fake_fs_new(void)
{
	struct fake_fs *fs = calloc(1, sizeof(*fs));

	if (!fs || pgdat_init_memory(&fs->pgdat, FAKE_RAM))
		abort();
	pthread_mutex_init(&fs->vfs.lock, NULL);
	INIT_LIST_HEAD(&fs->vfs.inodes);
	INIT_LIST_HEAD(&fs->vfs.dentries);
	vfs_writeback_init(&fs->vfs);
	fs->vfs.pgdat = &fs->pgdat;
	fs->bdi = (struct backing_dev_info){ .ra_pages = 32, .io_pages = 320,
					     .large_folios = true };
	return fs;
}

static inline void fake_fs_free(struct fake_fs *fs)
{
	pgdat_free_memory(&fs->pgdat);
	free(fs);
}

/* A file of @size bytes whose byte i is (i * 7 + seed) & 0xff. */
static inline struct fake_file *fake_file_new(struct fake_fs *fs, loff_t size, unsigned int seed,
				       bool shmem)
{
	struct fake_file *f = calloc(1, sizeof(*f));
	struct inode *inode = &f->inode;
	struct address_space *mapping = &inode->i_data;

	if (!f)
		abort();
	pthread_mutex_init(&f->io_lock, NULL);
	for (size_t i = 0; i < (size_t)size && i < sizeof(f->data); i++)
		f->data[i] = (unsigned char)(i * 7 + seed);
	inode->i_count = 1;
	inode->i_vfs = &fs->vfs;
	inode->i_kind = shmem ? FS_SHMEM : FS_OVERLAY;
	inode->i_size = size;
	inode->lower_fd = -1;
	inode->i_bdi = shmem ? NULL : &fs->bdi;	/* shmem: noop_backing_dev_info */
	xa_init(&inode->upper.pages);
	INIT_LIST_HEAD(&inode->i_dirty);
	list_add_tail(&inode->i_hash, &fs->vfs.inodes);
	mapping->host = inode;
	xa_init(&mapping->i_pages);
	pthread_mutex_init(&mapping->lock, NULL);
	mapping->i_mmap = INTERVAL_TREE_ROOT;
	mapping->a_ops = shmem ? &fake_shmem_aops : &fake_aops;
	mapping->pgdat = &fs->pgdat;
	return f;
}

static inline void fake_file_free(struct fake_file *f)
{
	if (mapping_validate(&f->inode.i_data))
		abort();
	struct vfs *vfs = f->inode.i_vfs;

	pthread_mutex_lock(&vfs->lock);	/* as __iput holds it */
	truncate_inode_pages_final(&f->inode.i_data);
	pthread_mutex_unlock(&vfs->lock);
	if (!list_empty(&f->inode.i_dirty) || f->inode.nr_dirty)
		abort();	/* eviction must leave nothing on the flusher's list */
	list_del_init(&f->inode.i_hash);
	xa_destroy(&f->inode.upper.pages);
	free(f);
}

static inline unsigned long fake_free_pages(struct fake_fs *fs)
{
	return fs->pgdat.zone.nr_free_pages;
}

#endif /* MMLAB_TEST_FS_FIXTURE_H */
