// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Inodes (fs/inode.c, with the overlay's data layers of fs/overlayfs/ and shmem's inodes of
 * mm/shmem.c): an inode per file identity, found by (device, inode number) so that two paths
 * or hard links of one host file share one inode and one page cache; references
 * (ihold/iput), and the address_space_operations that fill and clean the cache: an overlay
 * file reads its upper copy, else the host file below (read-only), else zeros; writeback
 * goes to the upper copy, or with --write-files to the host file; a punched hole is kept in
 * the upper layer as a shared page of zeros (or punched in the host file with --write-files).
 * shmem inodes (shared anonymous memory, memfd, SysV) have no layer below: a miss reads
 * zeros. A linked host file whose contents differ from the host's stays cached after its last
 * reference, as Linux's inode cache keeps it with its dirty pages.
 * Left out: the inode cache's LRU (a clean inode lives exactly as long as its references), inode
 * timestamps and attributes but mode/uid/gid/size, extended attributes, and swap for shmem.
 */
#include "fs/internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * A punched hole's page in the upper store (fallocate PUNCH_HOLE): reads as zeros, shared by
 * every hole, never written (writeback replaces it with a copy of its own) nor freed.
 */
static const char upper_hole[PAGE_SIZE];

static int lower_read_page(struct inode *inode, pgoff_t index, void *buf);
static int lower_write_page(struct inode *inode, pgoff_t index, const void *buf, size_t len);
static int shmem_read_page(struct inode *inode, pgoff_t index, void *buf);

/* Overlay files: upper copy, else the host's bytes, else zeros; writeback to the upper copy
 * (or the host file with write_files). */
static const struct address_space_operations overlay_aops = {
	.read_page = lower_read_page,
	.write_page = lower_write_page,
};

/* shmem: nothing below, and no swap yet, so its pages cannot be cleaned. */
static const struct address_space_operations shmem_aops = {
	.read_page = shmem_read_page,
};

/**
 * vfs_init - the namespace of a machine: paths confined to @root, the host's files read-only.
 * @root: host directory (NULL or "/" for the whole host); it must exist and be a directory
 * Context: the machine is being created.
 * Return: 0, or -errno (-ENOENT, -ENOTDIR, -ENOMEM).
 */
int vfs_init(struct vfs *vfs, struct pglist_data *pgdat, const char *root, bool write_files)
{
	char real[PATH_MAX];
	struct stat st;

	*vfs = (struct vfs){
		.write_files = write_files,
		.pgdat = pgdat,
		/* get_next_ino starts at 1 as well; shmem and upper files share the counter */
		.next_ino = 1,
	};
	if (root && *root && strcmp(root, "/")) {
		/* canonical, so that every resolved path is a plain prefix + inside path */
		if (!realpath(root, real))
			return -errno;
		if (stat(real, &st))
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	} else {
		real[0] = '\0';
	}
	if (!strcmp(real, "/"))
		real[0] = '\0';
	vfs->root = strdup(real);
	if (!vfs->root)
		return -ENOMEM;
	pthread_mutex_init(&vfs->lock, NULL);
	pthread_mutex_init(&vfs->bdi_lock, NULL);
	INIT_LIST_HEAD(&vfs->inodes);
	INIT_LIST_HEAD(&vfs->dentries);
	vfs_writeback_init(vfs);
	return 0;
}

/**
 * vfs_destroy - drop the upper layer's names and every inode left. Context: no other user.
 */
void vfs_destroy(struct vfs *vfs)
{
	struct list_head *pos, *n;

	if (!vfs->root)
		return;
	/* No root marks the vfs as going: __iput keeps no inode for its unsaved contents. */
	free(vfs->root);
	vfs->root = NULL;
	list_for_each_safe(pos, n, &vfs->dentries)
		d_free(list_entry(pos, struct vfs_dentry, d_list));
	/* Inodes kept for their unsaved contents, or some file still held (a leak above
	 * us): freed all the same. */
	list_for_each_safe(pos, n, &vfs->inodes) {
		struct inode *inode = list_entry(pos, struct inode, i_hash);

		inode->i_count = 1;
		__iput(inode);
	}
	pthread_mutex_destroy(&vfs->lock);
	bdi_destroy_all(vfs);
	pthread_mutex_destroy(&vfs->bdi_lock);
}

/**
 * inode_new - an inode of @kind named @path, with one reference, not yet hashed.
 * Context: vfs->lock held for an overlay inode (next_ino).
 * Return: the inode, or NULL when out of memory.
 */
struct inode *inode_new(struct vfs *vfs, enum fs_kind kind, const char *path)
{
	struct inode *inode = calloc(1, sizeof(*inode));

	if (!inode)
		return NULL;
	inode->i_path = strdup(path);
	if (!inode->i_path) {
		free(inode);
		return NULL;
	}
	inode->i_count = 1;
	inode->i_vfs = vfs;
	inode->i_kind = kind;
	inode->i_nlink = 1;
	inode->lower_fd = -1;
	inode->i_data.host = inode;
	inode->i_data.a_ops = kind == FS_SHMEM ? &shmem_aops : &overlay_aops;
	inode->i_data.pgdat = vfs->pgdat;
	pthread_mutex_init(&inode->i_data.lock, NULL);
	pthread_mutex_init(&inode->i_data.i_mmap_lock, NULL);
	inode->i_data.i_mmap = INTERVAL_TREE_ROOT;
	INIT_LIST_HEAD(&inode->i_hash);
	INIT_LIST_HEAD(&inode->i_dirty);
	INIT_LIST_HEAD(&inode->i_names);
	/* i_pages and upper.pages start zeroed, which is xa_init's empty array */
	return inode;
}

/* Puts @inode in the identity table. Context: vfs->lock held. */
void inode_hash(struct inode *inode)
{
	list_add(&inode->i_hash, &inode->i_vfs->inodes);
}

/**
 * inode_find - the live overlay inode with identity (@dev, @ino) (iget5_locked's lookup),
 * with a new reference. Context: vfs->lock held. Return: the inode, or NULL.
 */
struct inode *inode_find(struct vfs *vfs, dev_t dev, ino_t ino)
{
	struct list_head *pos;

	list_for_each(pos, &vfs->inodes) {
		struct inode *inode = list_entry(pos, struct inode, i_hash);

		if (inode->i_kind == FS_OVERLAY && inode->i_dev == dev && inode->i_ino == ino) {
			ihold(inode);
			return inode;
		}
	}
	return NULL;
}

/* Whether an inode of identity (@dev, @ino) is live. Context: vfs->lock held. */
bool inode_find_exists(struct vfs *vfs, dev_t dev, ino_t ino)
{
	struct list_head *pos;

	list_for_each(pos, &vfs->inodes) {
		struct inode *inode = list_entry(pos, struct inode, i_hash);

		if (inode->i_dev == dev && inode->i_ino == ino)
			return true;
	}
	return false;
}

/**
 * inode_get_lower - the inode of the host's regular file at @host_path (stat()ed as @st),
 * shared with every other name of it; opened read-only the first time.
 * @path: its name inside the root, as maps prints it
 * Context: vfs->lock held.
 * Return: the inode with a reference, or ERR_PTR(-errno); -EAGAIN when the host file was
 * replaced between the stat and the open.
 */
struct inode *inode_get_lower(struct vfs *vfs, const char *host_path, const char *path,
			      const struct stat *st)
{
	struct inode *inode = inode_find(vfs, st->st_dev, st->st_ino);
	struct stat now;
	int fd;

	if (inode)
		return inode;
	/* Never for writing, whatever the open asks: the host's files are the lower layer. */
	fd = open(host_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return ERR_PTR(-errno);
	if (fstat(fd, &now) || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		close(fd);
		return ERR_PTR(-EAGAIN);
	}
	inode = inode_new(vfs, FS_OVERLAY, path);
	if (inode)
		inode->lower_path = strdup(host_path);
	if (!inode || !inode->lower_path) {
		if (inode)
			__iput(inode);
		close(fd);
		return ERR_PTR(-ENOMEM);
	}
	inode->lower_fd = fd;
	inode->i_mode = now.st_mode;
	inode->i_uid = now.st_uid;
	inode->i_gid = now.st_gid;
	inode->i_nlink = (unsigned int)now.st_nlink;
	inode->i_dev = now.st_dev;
	inode->i_ino = now.st_ino;
	inode->i_size = now.st_size;
	inode->lower_size = now.st_size;
	inode_hash(inode);
	return inode;
}

/* The bytes of page @index from the upper copy, the host file below, or zeros. */
static int lower_read_page(struct inode *inode, pgoff_t index, void *buf)
{
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	const void *copy = xa_load(&inode->upper.pages, index);
	size_t want, got = 0;
	loff_t lower_size;

	if (copy) {
		memcpy(buf, copy, PAGE_SIZE);
		return 0;
	}
	/* Read once without the mapping's lock: a truncate may cut it meanwhile (do_truncate). */
	lower_size = __atomic_load_n(&inode->lower_size, __ATOMIC_RELAXED);
	if (inode->lower_fd >= 0 && !inode->contents_unknown && pos < lower_size) {
		want = (size_t)MIN((loff_t)PAGE_SIZE, lower_size - pos);
		while (got < want) {
			ssize_t n = pread(inode->lower_fd, (char *)buf + got, want - got,
					  pos + (loff_t)got);

			if (n < 0)
				return -EIO;
			if (!n)
				break;	/* shrunk on the host: the rest reads as zeros */
			got += (size_t)n;
		}
	}
	memset((char *)buf + got, 0, PAGE_SIZE - got);
	return 0;
}

/*
 * Writeback of page @index. With write_files and a host file below, the bytes go to the host
 * file, opened for writing only for this (the inode's own fd stays read-only). Otherwise the
 * page is copied into the upper store, where reads find it from then on.
 */
static int lower_write_page(struct inode *inode, pgoff_t index, const void *buf, size_t len)
{
	void *copy;
	int err;

	if (len > PAGE_SIZE)
		return -EINVAL;
	if (inode->i_vfs->write_files && inode->lower_path && !inode->contents_unknown) {
		int fd = open(inode->lower_path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		ssize_t n;

		if (fd < 0)
			return -EIO;
		n = pwrite(fd, buf, len, (off_t)index << PAGE_SHIFT);
		close(fd);
		if (n != (ssize_t)len)
			return -EIO;
		__atomic_store_n(&inode->lower_size,
				 MAX(inode->lower_size, ((loff_t)index << PAGE_SHIFT) + (loff_t)len),
				 __ATOMIC_RELAXED);
		return 0;
	}
	copy = xa_load(&inode->upper.pages, index);
	if (!copy || copy == upper_hole) {
		void *hole = copy;

		copy = malloc(PAGE_SIZE);
		if (!copy)
			return -ENOMEM;
		err = xa_store(&inode->upper.pages, index, copy);
		if (err) {
			free(copy);
			return err;
		}
		inode->upper.nr += !hole;
	}
	memcpy(copy, buf, len);
	memset((char *)copy + len, 0, PAGE_SIZE - len);
	return 0;
}

/*
 * The host file below, punched there (--write-files): 0, or -errno when it cannot be (a
 * file system without hole punching), and the caller keeps the hole in memory instead.
 */
static int lower_punch_hole(struct inode *inode, loff_t offset, loff_t len)
{
	int fd, err = 0;

	if (!inode->i_vfs->write_files || !inode->lower_path || inode->contents_unknown)
		return -EOPNOTSUPP;
	fd = open(inode->lower_path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Makes the upper store read zeros for pages [@first, @last]: a copy is cleared, a page the
 * lower file has bytes for gets the hole marker, one past them reads zeros already.
 * Return: 0 or -ENOMEM (the pages before stay punched).
 */
static int upper_punch(struct inode *inode, pgoff_t first, pgoff_t last)
{
	for (pgoff_t index = first; index <= last; index++) {
		void *copy = xa_load(&inode->upper.pages, index);
		int err;

		if (copy && copy != upper_hole) {
			memset(copy, 0, PAGE_SIZE);
		} else if (!copy && ((loff_t)index << PAGE_SHIFT) < inode->lower_size &&
			   !inode->contents_unknown) {
			err = xa_store(&inode->upper.pages, index, (void *)upper_hole);
			if (err)
				return err;
			inode->upper.nr++;
		}
		if (index == last)
			break;
	}
	return 0;
}

/*
 * The partial pages at a hole's edges (@offset and @end not on page boundaries, @end inside
 * the file): zeroed over the hole in the cache and dirtied, so that writeback stores them as
 * the hole leaves them. Return: 0, or -ENOMEM / -EIO (reading the page in).
 */
static int upper_punch_edges(struct inode *inode, loff_t offset, loff_t end)
{
	struct address_space *mapping = inode_mapping(inode);
	loff_t edges[2][2] = {
		{ offset, MIN(end, (loff_t)ALIGN((unsigned long long)offset + 1, PAGE_SIZE)) },
		{ (loff_t)ALIGN_DOWN((unsigned long long)end, PAGE_SIZE), end },
	};

	for (int k = 0; k < 2; k++) {
		loff_t from = edges[k][0], to = edges[k][1];
		struct page *page;

		if (from >= to || (!(from % PAGE_SIZE) && (!(to % PAGE_SIZE) ||
							   to == inode->i_size)))
			continue;	/* a whole page (or the file's last one): a hole */
		if (k == 1 && from < offset)
			continue;	/* one page holds both edges: done with the first */
		/* a page in the cache as it is; else read in if it has data: a hole stays one,
		 * as shmem_undo_range passes over a partial page it does not have */
		page = filemap_find_page(mapping, (pgoff_t)(from >> PAGE_SHIFT));
		if (!page && !vfs_page_has_data(inode, (pgoff_t)(from >> PAGE_SHIFT)))
			continue;
		if (!page)
			page = filemap_get_page(mapping, (pgoff_t)(from >> PAGE_SHIFT), FGP_CREAT,
						NULL);
		if (IS_ERR(page))
			return (int)PTR_ERR(page);
		memset((char *)page_address(mapping->pgdat, page) + from % PAGE_SIZE, 0,
		       (size_t)(to - from));
		set_page_dirty(page);
		put_page(mapping->pgdat, page);
	}
	return 0;
}

/**
 * vfs_punch_hole - fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) of bytes [@offset,
 * @offset + @len) of @inode, as tmpfs (shmem_fallocate) and an overlay's upper file system
 * do it: the cache's pages wholly inside are dropped (dirty ones with their contents), the
 * partial pages at the edges zeroed there, and the file reads zeros over the range from then
 * on; its size stays. An overlay file's hole is kept in the upper layer (the host file is
 * only read), or with write_files punched in the host file when its file system can.
 * The caller unmapped the range from every mapping first (unmap_mapping_range).
 * Context: takes mapping->lock; the caller holds the inode by a reference.
 * Return: 0, -EINVAL (a negative offset, a non-positive length), -ENOMEM.
 */
int vfs_punch_hole(struct inode *inode, loff_t offset, loff_t len)
{
	loff_t end, size = __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED);
	pgoff_t first, last;

	if (offset < 0 || len <= 0 || offset > LLONG_MAX - len)
		return -EINVAL;
	/* the cache's pages go over the whole range: tmpfs punches pages fallocate put past
	 * the end too (shmem_truncate_range); the layers have nothing past the end */
	truncate_inode_pages_range(inode_mapping(inode), offset, offset + len - 1);
	end = MIN(offset + len, size);
	if (offset >= end)
		return 0;
	if (inode->i_kind != FS_OVERLAY || !lower_punch_hole(inode, offset, end - offset))
		return 0;
	/* Whole pages become holes; a partial edge page is stored as the cache left it. */
	first = (pgoff_t)((offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
	last = (pgoff_t)(end >> PAGE_SHIFT);
	if (end == size && end % PAGE_SIZE)
		last++;		/* the last page's tail is past EOF: the whole page goes */
	if (first < last && upper_punch(inode, first, last - 1))
		return -ENOMEM;
	return upper_punch_edges(inode, offset, end);
}

/**
 * vfs_page_has_data - whether page @index of overlay file @inode holds data for SEEK_DATA and
 * SEEK_HOLE, as tmpfs counts its pages: a copy in the upper layer, or bytes of the lower file
 * not punched out. Past those (a file grown by truncate, a punched range) is a hole; the
 * page cache's own pages are the caller's to count.
 * Context: as a_ops->read_page's readers of the upper store.
 */
bool vfs_page_has_data(struct inode *inode, pgoff_t index)
{
	void *copy = xa_load(&inode->upper.pages, index);

	if (copy)
		return copy != upper_hole;
	/* without the mapping's lock too (a read fault's miss): a truncate may cut it */
	return ((loff_t)index << PAGE_SHIFT) < __atomic_load_n(&inode->lower_size, __ATOMIC_RELAXED);
}

static int shmem_read_page(struct inode *inode, pgoff_t index, void *buf)
{
	(void)inode;
	(void)index;
	memset(buf, 0, PAGE_SIZE);
	return 0;
}

/**
 * shmem_inode_create - an inode of the shmem file system (shmem_file_setup): @name is what
 * maps prints ("/dev/zero" for a shared anonymous mapping, "/memfd:NAME", "/SYSV%08x").
 * Identity as the host shows it: device 0:1 (the internal shm_mnt's anonymous device), an
 * inode number from the machine's counter, and no link: maps says " (deleted)" for all
 * three, as it does on the host.
 * @flags: reserved (VM_NORESERVE accounting is the caller's), must be 0 for now
 * Context: any; takes vfs->lock.
 * Return: the inode with one reference, or ERR_PTR(-ENOMEM / -EINVAL).
 */
struct inode *shmem_inode_create(struct vfs *vfs, const char *name, loff_t size,
				 unsigned long flags)
{
	struct inode *inode;

	if (!name || size < 0 || flags)
		return ERR_PTR(-EINVAL);
	pthread_mutex_lock(&vfs->lock);
	inode = inode_new(vfs, FS_SHMEM, name);
	if (inode) {
		inode->i_mode = S_IFREG | 0777;
		inode->i_nlink = 0;
		inode->i_dev = makedev(0, 1);
		inode->i_ino = vfs->next_ino++;
		inode->i_size = size;
		inode_hash(inode);
	}
	pthread_mutex_unlock(&vfs->lock);
	return inode ? inode : ERR_PTR(-ENOMEM);
}

/** ihold - one more reference to @inode. Context: any. */
void ihold(struct inode *inode)
{
	__atomic_add_fetch(&inode->i_count, 1, __ATOMIC_RELAXED);
}

/* Frees the upper store's page copies. */
static void upper_free(struct upper_store *upper)
{
	unsigned long index = 0;
	void *copy;

	if (!upper->nr)
		return;
	while ((copy = xa_find(&upper->pages, &index, ULONG_MAX))) {
		xa_erase(&upper->pages, index);
		if (copy != upper_hole)
			free(copy);
		index++;
	}
	xa_destroy(&upper->pages);
	upper->nr = 0;
}

/**
 * inode_size_changed - whether a host file's size or bytes in the overlay are no longer the
 * host's: truncated (the lower bytes no longer all valid) or resized. Files without a host
 * file below, or known by identity alone, have no host size to differ from.
 * Context: any; reads the host file's size (fstat of the read-only fd).
 */
bool inode_size_changed(struct inode *inode)
{
	loff_t size = __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED);
	struct stat st;

	if (inode->i_kind != FS_OVERLAY || inode->lower_fd < 0 || inode->contents_unknown ||
	    fstat(inode->lower_fd, &st))
		return false;
	return size != st.st_size || inode->lower_size < st.st_size;
}

/*
 * Whether an unreferenced inode must stay: a linked overlay file whose contents live only
 * here (dirty pages, upper copies, a new size). Linux keeps such an inode in the inode cache
 * with its pages until writeback and reclaim; here it stays in the identity table with no
 * reference, where the next lookup of the file finds it, until the vfs is destroyed.
 */
static bool inode_keep_unused(struct inode *inode)
{
	return inode->i_kind == FS_OVERLAY && inode->i_nlink && inode->i_vfs->root &&
	       (__atomic_load_n(&inode->nr_dirty, __ATOMIC_RELAXED) || inode->upper.nr ||
		inode_size_changed(inode));
}

/**
 * __iput - drop a reference; the last one frees the inode (iput_final + evict): its cache
 * pages, upper copies and host fd, unless the file's contents live only in the machine
 * (inode_keep_unused), when it stays cached with no reference.
 * Context: vfs->lock held (the identity table).
 */
void __iput(struct inode *inode)
{
	if (__atomic_sub_fetch(&inode->i_count, 1, __ATOMIC_ACQ_REL))
		return;
	if (inode_keep_unused(inode))
		return;
	list_del_init(&inode->i_hash);
	/* with every page reclaimed, the shadows of their evictions or their swap entries stay */
	if (inode->i_data.nrpages || inode->i_data.nrswapped || inode->i_data.shadows.head)
		truncate_inode_pages_final(&inode->i_data);
	else
		xa_destroy(&inode->i_data.shadows);	/* reclaim's shadows of pages all gone */
	upper_free(&inode->upper);
	if (inode->lower_fd >= 0)
		close(inode->lower_fd);
	pthread_mutex_destroy(&inode->i_data.lock);
	pthread_mutex_destroy(&inode->i_data.i_mmap_lock);
	free(inode->lower_path);
	free(inode->i_path);
	free(inode);
}

/** iput - drop a reference to @inode. Context: vfs->lock not held. */
void iput(struct inode *inode)
{
	struct vfs *vfs;
	long c;

	if (!inode)
		return;
	vfs = inode->i_vfs;
	/* Not the last: no table to change, no lock. */
	c = __atomic_load_n(&inode->i_count, __ATOMIC_ACQUIRE);
	while (c > 1)
		if (__atomic_compare_exchange_n(&inode->i_count, &c, c - 1, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return;
	pthread_mutex_lock(&vfs->lock);
	__iput(inode);
	pthread_mutex_unlock(&vfs->lock);
}
