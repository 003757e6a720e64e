/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The file layer's objects (include/linux/fs.h, pagemap.h): inodes with their page cache (the
 * address_space), the two file systems mmlab has (an overlay over the host's files, and shmem
 * for shared anonymous memory, memfd and SysV segments), the namespace that confines every
 * path to --root, and the page cache's interface to the layers above.
 *
 * Where file data lives: the host's files are the overlay's lower layer and are only ever read
 * (a host fd opened O_RDONLY); whatever a scenario writes goes to the upper layer, an in-memory
 * store of page copies per inode (struct upper_store), unless the machine was created with
 * write_files, in which case writeback writes through to the host file. The page cache sits
 * above both: a miss reads the upper copy if there is one, else the lower file, else zeros
 * (past the lower file's end, or a file whose contents this machine does not have: one known by
 * identity alone).
 *
 * Locking: vfs->lock guards the namespace and inode tables; mapping->lock the page cache
 * index and nrpages; mapping->i_mmap_lock the VMAs on i_mmap (the mm layer takes it after
 * mmap_lock and before an mm's page_table_lock, the fault path never); page refcounts are
 * atomic. Callers of the mm layer hold mmap_lock
 * as well; the file layer never takes it.
 */
#ifndef MMLAB_FS_FS_H
#define MMLAB_FS_FS_H

#include "kernel.h"
#include "lib/interval_tree.h"
#include "lib/xarray.h"
#include "phys/mmzone.h"
#include "phys/page.h"

#include <pthread.h>
#include <sys/types.h>

struct inode;
struct vfs;

/* How an address_space's pages are filled and cleaned (struct address_space_operations). */
struct address_space_operations {
	/* Fills @buf (PAGE_SIZE bytes) with the contents at page @index: 0, or -errno (-EIO). */
	int (*read_page)(struct inode *inode, pgoff_t index, void *buf);
	/* Stores the first @len bytes of @buf as page @index's contents (writeback): 0 or
	 * -errno. NULL: the pages cannot be cleaned (shmem without swap). */
	int (*write_page)(struct inode *inode, pgoff_t index, const void *buf, size_t len);
};

/* A file's page cache (struct address_space). */
struct address_space {
	struct inode *host;		/* The inode whose contents these are */
	struct xarray i_pages;		/* index -> struct page *, holding one reference each */
	struct xarray shadows;		/* index -> the shadow entry (workingset.c, an odd
					 * value) of a page reclaim evicted; under lock */
	unsigned long nrpages;		/* Pages in i_pages */
	struct xarray swapped;		/* shmem: index -> the swap entry (vfs->shmem_swap's
					 * non-zero value) of a page reclaim wrote out, where
					 * Linux keeps it in i_pages; under lock */
	unsigned long nrswapped;	/* Entries in swapped (shmem_inode_info.swapped) */
	pthread_mutex_t lock;		/* i_pages, nrpages, swapped (xa_lock) */
	pthread_mutex_t i_mmap_lock;	/* i_mmap, i_mmap_writable (i_mmap_rwsem): taken after
					 * mmap_lock, before page_table_lock and lock */
	struct interval_tree_root i_mmap; /* VMAs mapping the file, shared and private
					 * (vm_area_struct.shared), by the file pages they cover */
	unsigned long i_mmap_writable;	/* Shared writable mappings (mapping_map_writable) */
	const struct address_space_operations *a_ops;
	struct pglist_data *pgdat;	/* Whose frames hold the pages */
	bool unevictable;		/* AS_UNEVICTABLE: SHM_LOCK, ramfs */
	int wb_err;			/* Last writeback error, reported once by fsync */
};

/* The upper layer's copy of a file's contents: page copies written back from the cache. */
struct upper_store {
	struct xarray pages;		/* index -> PAGE_SIZE bytes (malloc'd) */
	unsigned long nr;		/* Pages stored */
};

enum fs_kind {
	FS_OVERLAY,			/* The host's files under --root, with the upper layer */
	FS_SHMEM,			/* tmpfs: shared anonymous memory, memfd, SysV shm */
};

/* memfd seals (include/uapi/linux/fcntl.h F_SEAL_*), kept in the inode; glibc's <fcntl.h>
 * defines the same values under _GNU_SOURCE. */
#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL 0x0001
#endif
#ifndef F_SEAL_SHRINK
#define F_SEAL_SHRINK 0x0002
#endif
#ifndef F_SEAL_GROW
#define F_SEAL_GROW 0x0004
#endif
#ifndef F_SEAL_WRITE
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

/*
 * One name of an inode as the files opened through it see it: the dentry whose d_path
 * /proc/PID/maps prints. Two hard links of one file are two names; a rename moves the name
 * (and every name under a renamed directory), an unlink leaves it unlinked (" (deleted)")
 * while another name may still hold the inode. Exists while files hold it.
 */
struct inode_name {
	struct list_head n_list;	/* inode->i_names */
	struct inode *n_inode;		/* Whose name it is (no reference of its own) */
	long n_count;			/* Files holding it */
	char *n_path;			/* Inside the root ("/a/b"), after renames */
	bool n_unlinked;		/* Unlinked or renamed over: maps adds " (deleted)" */
};

struct inode {
	long i_count;			/* References: files, dentries, SysV segments; atomic */
	struct vfs *i_vfs;		/* The namespace it belongs to */
	enum fs_kind i_kind;
	mode_t i_mode;			/* S_IFREG | permission bits, S_IFDIR... */
	uid_t i_uid;
	gid_t i_gid;
	unsigned int i_nlink;		/* Names left; 0: unlinked (maps says " (deleted)") */
	dev_t i_dev;			/* Identity as /proc/pid/maps prints it */
	ino_t i_ino;
	loff_t i_size;			/* Bytes */
	char *i_path;			/* Its name in the namespace (after the last rename), as
					 * maps prints it; shmem: "/dev/zero", "/memfd:NAME",
					 * "/SYSV%08x" */
	struct address_space i_data;	/* The page cache */
	/* Overlay lower layer: the host file, read-only. */
	int lower_fd;			/* O_RDONLY host fd, or -1: none, or contents unknown */
	char *lower_path;		/* Host path (root prefix included), for --write-files */
	loff_t lower_size;		/* Bytes of the lower file still valid: lowered by
					 * truncation, so a later extension reads zeros */
	struct upper_store upper;	/* Pages written back into memory (overlay only) */
	bool contents_unknown;		/* Known by identity only: pages read as zeros */
	int i_writecount;		/* >0: open for writing; <0: denied (executing) */
	unsigned int seals;		/* F_SEAL_* (memfd) */
	bool sealing_allowed;		/* MFD_ALLOW_SEALING (else F_SEAL_SEAL is set) */
	bool i_hugetlb;			/* A hugetlbfs file (MFD_HUGETLB): 2 MiB pages, none of
					 * which the machine's empty pool can give */
	struct list_head i_names;	/* struct inode_name the open files hold */
	struct list_head i_hash;	/* vfs->inodes, by (i_dev, i_ino) */
	struct list_head i_dirty;	/* vfs->dirty_inodes while it has dirty pages */
	unsigned long dirtied_when;	/* Flusher clock when it first became dirty */
	unsigned long nr_dirty;		/* Dirty pages in its cache */
	unsigned long shmem_acct;	/* shmem: commit charge returned when it is freed */
	struct backing_dev_info *i_bdi;	/* Its device's readahead limits, once asked
					 * (inode_to_bdi); NULL until then */
};

static inline struct address_space *inode_mapping(struct inode *inode)
{
	return &inode->i_data;
}

/* Whether writeback can clean @mapping's pages, so its dirty pages are counted: not shmem's. */
static inline bool mapping_can_writeback(const struct address_space *mapping)
{
	return mapping->a_ops && mapping->a_ops->write_page;
}

/*
 * What a device lets readahead do (struct backing_dev_info, include/linux/backing-dev-defs.h):
 * one per host device that holds lower files, from its block queue's read_ahead_kb and
 * max_sectors_kb (backing-dev.c); shmem has noop_backing_dev_info's zeros: no readahead.
 */
struct backing_dev_info {
	dev_t dev;			/* The host device (a partition's whole disk answers) */
	unsigned int ra_pages;		/* read_ahead_kb / 4: a file's maximum window */
	unsigned int io_pages;		/* max_sectors_kb / 4: the largest single read */
	bool large_folios;		/* Its file system makes large folios (ext4's
					 * AS_LARGE_FOLIO_SUPPORT); tmpfs does not */
	struct backing_dev_info *next;	/* vfs->bdi_list */
};

/* Per-file readahead state (struct file_ra_state, mm/readahead.c). */
struct file_ra_state {
	pgoff_t start;			/* Where the current window starts */
	unsigned int size;		/* Its size in pages */
	unsigned int async_size;	/* Pages from its end where the async marker sits */
	unsigned int ra_pages;		/* Maximum window: the bdi's ra_pages, doubled by
					 * POSIX_FADV_SEQUENTIAL */
	unsigned short order;		/* Folio order of the last window (ra->order) */
	unsigned short mmap_miss;	/* Cache misses in mmap faults (do_sync_mmap_readahead) */
	loff_t prev_pos;		/* The last read's position, for sequential detection */
};

/* A bdi's window when its device says nothing (read_ahead_kb 128: VM_READAHEAD_PAGES). */
#define VM_READAHEAD_PAGES 32U

/* Readahead hints (fadvise/madvise). */
#define RA_MODE_NORMAL 0
#define RA_MODE_SEQUENTIAL 1		/* FMODE_... / VM_SEQ_READ: double ra_pages */
#define RA_MODE_RANDOM 2		/* FMODE_RANDOM / VM_RAND_READ: no readahead */

/*
 * How shmem pages go to swap and come back: swap is the mm layer's, which sets
 * vfs->shmem_swap when it creates the machine (shmem.c). A swap entry is an opaque non-zero
 * value here. Context of every call: mapping->lock held (swap_lock nests inside it).
 */
struct shmem_swap_ops {
	/* Writes @page to a new slot, whose entry goes in *@entry: 0, -ENOSPC (no free slot) or
	 * -EIO. The slot is then held for @mapping until release. */
	int (*write)(struct address_space *mapping, struct page *page, unsigned long *entry);
	/* Reads the slot of @entry into @page: 0 or -EIO. */
	int (*read)(struct address_space *mapping, unsigned long entry, struct page *page);
	/* @mapping lets the slot of @entry go. */
	void (*release)(struct address_space *mapping, unsigned long entry);
};

/* The namespace: mmlab's view of the file systems, one per machine. */
struct vfs {
	char *root;			/* --root: host directory every path is under ("" = /) */
	bool write_files;		/* --write-files: writeback reaches host files */
	pthread_mutex_t lock;		/* Everything below */
	struct list_head inodes;	/* Live inodes (struct inode.i_hash) */
	struct list_head dentries;	/* Names the upper layer changed: created, unlinked,
					 * renamed (struct vfs_dentry, namei.c) */
	struct list_head dirty_inodes;	/* Inodes with dirty pages, oldest first (flusher) */
	ino_t next_ino;			/* For upper-layer and shmem inodes (get_next_ino) */
	unsigned long clock;		/* Flusher time in centiseconds (advanced by the caller) */
	unsigned long next_wakeup;	/* Clock of the flusher's next periodic wakeup; 0: idle,
					 * no dirty inode (vfs_advance) */
	struct pglist_data *pgdat;	/* Frames for every page cache */
	/* Readahead (backing-dev.c): the machine's read_ahead_kb and max_sectors_kb for every
	 * lower file when set (> 0; -1: read_ahead_kb 0), else each host device's own. */
	int ra_kb;
	int max_sectors_kb;
	pthread_mutex_t bdi_lock;	/* bdi_list */
	struct backing_dev_info *bdi_list; /* The host devices seen, each read once */
	/* Writeback sysctls (vm.dirty_*), percent and centiseconds as Linux's. */
	unsigned int dirty_ratio;
	unsigned int dirty_background_ratio;
	unsigned int dirty_expire_centisecs;
	unsigned int dirty_writeback_centisecs;
	/* Set once by the mm layer when it creates the machine (mapping_mkclean): makes every
	 * shared entry mapping a page of the bytes [start, end] clean and read-only, its dirty
	 * bit passed to the page first (folio_mkclean through folio_clear_dirty_for_io).
	 * Writeback calls it before it writes a range, so that a write through a mapping
	 * afterwards faults and dirties the page again. NULL: nothing maps files (the file
	 * layer's own tests). Context of the call: no mmap_lock, no fs lock held. */
	void (*mkclean)(struct address_space *mapping, loff_t start, loff_t end);
	/* Set with mkclean (mapping_unmap_folio): zaps every entry mapping a page of the file
	 * pages [first, last], private copies excepted, dirty bits passed to the pages: a large
	 * folio that truncation splits is unmapped whole (unmap_folio), its pages faulted back
	 * on demand. Context of the call: as mkclean's. */
	void (*unmap_folio)(struct address_space *mapping, pgoff_t first, pgoff_t last);
	/* Set with mkclean; NULL while no swap can exist (before the mm layer sets it, after
	 * it tears swap down): shmem entries then just go with their inode. */
	const struct shmem_swap_ops *shmem_swap;
};

/* namei.c / inode.c: the namespace */
int vfs_init(struct vfs *vfs, struct pglist_data *pgdat, const char *root, bool write_files);
void vfs_destroy(struct vfs *vfs);

/* What vfs_open asks for: open(2)'s flags and the creation mode. */
struct open_how_fs {
	int flags;			/* O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND ... */
	mode_t mode;			/* For O_CREAT */
	uid_t uid;			/* The opener's fsuid/fsgid, for permission checks */
	gid_t gid;
	bool cap_dac_override;		/* CAP_DAC_OVERRIDE: permission bits do not apply */
	bool cap_fowner;		/* CAP_FOWNER: the sticky bit and protected_hardlinks
					 * do not apply */
};

/*
 * vfs_lookup_open - the inode @path names, created if O_CREAT asks (with @how->mode as given:
 * the caller applied the umask). O_TRUNC is the caller's
 * (it must unmap the pages from every mapping first: mm's truncate). Only regular files and
 * directories become inodes; *@host_st receives the host's stat of what the path names
 * (devices, FIFOs and sockets are stat()ed, never opened).
 * @name: when not NULL, receives the name the file is opened through (a reference the file
 * keeps and drops with inode_name_put), or NULL when out of memory for it
 * Return: the inode with a reference, NULL when the path names no regular file or directory
 * (see *@host_st), or ERR_PTR(-errno).
 */
struct stat;
struct inode *vfs_lookup_open(struct vfs *vfs, const char *path, const struct open_how_fs *how,
			      struct stat *host_st, struct inode_name **name);
/* Drops a reference vfs_lookup_open gave; the last frees the name. Takes vfs->lock. */
void inode_name_put(struct inode_name *name);
/* One more file holds @name (NULL: none), as a file opened on an fd's path does. Takes
 * vfs->lock; returns @name. */
struct inode_name *inode_name_hold(struct inode_name *name);
/* The inode of @path with the identity another machine gave it (a "# file:" line). */
struct inode *vfs_lookup_id(struct vfs *vfs, const char *path, dev_t dev, ino_t ino,
			    loff_t size, mode_t mode);
/* The name calls, with the caller's ids for the permission checks (@cred NULL: none). */
int vfs_unlink(struct vfs *vfs, const struct open_how_fs *cred, const char *path);
/* mkdir with @mode after the umask; rmdir of an empty directory (namei.c). */
int vfs_mkdir(struct vfs *vfs, const struct open_how_fs *cred, const char *path,
	      unsigned int mode);
int vfs_rmdir(struct vfs *vfs, const struct open_how_fs *cred, const char *path);
int vfs_rename(struct vfs *vfs, const struct open_how_fs *cred, const char *from,
	       const char *to, unsigned int flags);
int vfs_link(struct vfs *vfs, const struct open_how_fs *cred, const char *from,
	     const char *to, bool follow);
/* Resolves @path under vfs->root into @buf (host path); -ENAMETOOLONG, -ELOOP, -ENOENT... */
int vfs_host_path(struct vfs *vfs, const char *path, char *buf, size_t size);
/* statfs f_type of a file system of kernel objects (procfs, sysfs, cgroupfs...): its files
 * are never opened, only stat()ed. */
bool vfs_kernel_fs(unsigned long f_type);

struct inode *shmem_inode_create(struct vfs *vfs, const char *name, loff_t size,
				 unsigned long flags);
/* fallocate(PUNCH_HOLE | KEEP_SIZE): the range reads zeros; the caller unmapped it first. */
int vfs_punch_hole(struct inode *inode, loff_t offset, loff_t len);
/* SEEK_DATA's view of an overlay file's page: in the upper layer or the lower file's bytes. */
bool vfs_page_has_data(struct inode *inode, pgoff_t index);
void ihold(struct inode *inode);
void iput(struct inode *inode);

/* backing-dev.c: how much readahead a file's device allows */
void vfs_set_readahead(struct vfs *vfs, int ra_kb, int max_sectors_kb);
void bdi_destroy_all(struct vfs *vfs);
struct backing_dev_info *inode_to_bdi(struct inode *inode);
/* A newly opened file's readahead state (file_ra_state_init): its device's window, no
 * history. */
void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping);

/* filemap.c: the page cache */
#define FGP_CREAT 0x1U			/* Allocate and read the page on a miss */
#define FGP_NOREAD 0x2U			/* ... without reading it: the caller overwrites it whole */
/* A miss may make a folio up to this order at @index (fgf_set_order: a write's length). */
#define FGP_ORDER(order) ((unsigned int)(order) << 8)
#define FGP_GET_ORDER(fgp) ((fgp) >> 8)

/* The folio order that fits a write of @len bytes (fgf_set_order). */
static inline unsigned int fgf_order(size_t len)
{
	unsigned int shift = len ? (unsigned int)(63 - __builtin_clzl(len)) : 0;

	return shift > PAGE_SHIFT ? shift - PAGE_SHIFT : 0;
}

/*
 * filemap_get_page - the cache page at @index with a reference, up to date.
 * @major: set when the page had to be read from the layer below (a major fault's I/O)
 * Return: the page, NULL on a miss without FGP_CREAT, or ERR_PTR(-ENOMEM / -EIO).
 */
struct page *filemap_get_page(struct address_space *mapping, pgoff_t index, unsigned int fgp,
			      bool *major);
struct page *filemap_find_page(struct address_space *mapping, pgoff_t index); /* no read */
unsigned int filemap_get_read_batch(struct address_space *mapping, pgoff_t index, pgoff_t max,
				    struct page **pages, unsigned int nr);
void filemap_remove_page(struct address_space *mapping, struct page *page);
bool filemap_evict_page(struct address_space *mapping, struct page *page);
bool remove_mapping(struct address_space *mapping, struct page *page); /* reclaim's */
int shmem_swapout_page(struct address_space *mapping, struct page *page); /* reclaim's */
unsigned long shmem_swapped_range(struct address_space *mapping, pgoff_t first, pgoff_t last);
/* Drops the cache's pages wholly inside [lstart, lend] and zeroes the partial ones' tails. */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend);
void truncate_inode_pages_final(struct address_space *mapping);
int mapping_validate(struct address_space *mapping);	/* 0 or -EINVAL (tests, debug) */
/* Reads ahead [index, index + nr) that is not cached (page_cache_ra_unbounded). */
void page_cache_ra_unbounded(struct address_space *mapping, pgoff_t index, unsigned long nr,
			     unsigned long lookahead);
/* Whether the file system makes large folios (mapping_large_folio_support). */
static inline bool mapping_large_folio_support(const struct address_space *mapping)
{
	return mapping->host && mapping->host->i_kind == FS_OVERLAY &&
	       inode_to_bdi(mapping->host)->large_folios;
}

/* Large folios of the cache (filemap.c): runs of pages read or written as one folio. */
#define MAX_PAGECACHE_ORDER 9U		/* A PMD's worth of pages: the largest folio */
pgoff_t filemap_folio_index(const struct page *page);
pgoff_t filemap_folio_next_index(const struct page *page);
unsigned int filemap_folio_order(const struct page *page);
bool __filemap_folio_readahead(struct address_space *mapping, const struct page *page);
bool filemap_folio_clear_readahead(struct address_space *mapping, struct page *page);
int page_cache_ra_folio(struct address_space *mapping, pgoff_t index, unsigned int order,
			bool mark);
/* readahead.c: on a read (or fault) miss, and at the async marker (PG_readahead). */
void page_cache_sync_ra(struct address_space *mapping, struct file_ra_state *ra, int mode,
			pgoff_t index, unsigned long req_count);
void page_cache_async_ra(struct address_space *mapping, struct file_ra_state *ra, int mode,
			 struct page *page, pgoff_t index, unsigned long req_count);
void force_page_cache_ra(struct address_space *mapping, struct file_ra_state *ra,
			 pgoff_t index, unsigned long nr);
/* Reads the window @ra describes in folios of order ra->order (mmap read-around). */
void page_cache_ra_order(struct address_space *mapping, struct file_ra_state *ra);

/* page-writeback.c: dirty pages and their writeback */
void vfs_writeback_init(struct vfs *vfs);	/* dirty list, clock, vm.dirty_* defaults */
bool set_page_dirty(struct page *page);	/* true when it was clean */
int filemap_write_range(struct address_space *mapping, loff_t start, loff_t end, bool wait);
int filemap_fdatawait_keep_errors(struct address_space *mapping);
void wb_flusher_tick(struct vfs *vfs, unsigned long centisecs); /* advance the clock */
/* @centisecs pass, the flusher waking every dirty_writeback_centisecs while pages are dirty. */
void vfs_advance(struct vfs *vfs, unsigned long centisecs);
int vfs_sync(struct vfs *vfs);		/* sync(2): every dirty page written back */
/* What stayed in memory only: dirty or upper-layer pages not in any host file. */
void vfs_unsaved(struct vfs *vfs, unsigned long *pages, unsigned long *files);

#endif /* MMLAB_FS_FS_H */
