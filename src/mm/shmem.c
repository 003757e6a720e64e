// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared anonymous memory on the shmem file system (mm/shmem.c's shmem_zero_setup,
 * shmem_fault and the release of its commit charge): MAP_SHARED | MAP_ANONYMOUS and shared
 * writable /dev/zero mappings get an unnamed shmem inode the size of the mapping, shown as
 * "/dev/zero (deleted)"; its pages live in the inode's page cache (the address_space every
 * file has), so memfd and SysV segments, whose inodes are shmem's too, fault the same way.
 * A fault finds the page there or adds a zeroed one (shmem_get_folio); mapping it, fault-around
 * and dirtying are filemap_fault.c's, as for any file. Fork children inherit the VMA and so
 * the same inode and pages. The inode lives as long as the files holding it; the overcommit
 * charge of its setup (made whole at mmap unless MAP_NORESERVE) goes back when the last file
 * of it goes. Hole punching (MADV_REMOVE, fallocate) is vfs_punch_hole's, over the same cache.
 *
 * Swap: shmem pages sit on the anonymous LRU lists (PG_swapbacked), and reclaim, once it has
 * unmapped one, sends it to a swap slot (shmem_writeout): the file layer keeps the slot's
 * entry at the page's index (filemap.c's swapped), a fault or read there brings the page back
 * as a major fault (filemap_swapin), truncation and the inode's end let the slot go, and
 * swapoff reads back every page of the area (shmem_unuse). Each entry holds one swap_map
 * count, the file's. The shmem_swap_ops below are how the file layer reaches swap.
 * Left out: huge pages, tmpfs files with names, the swap cache on the way out and in (the
 * slot is written and read in one step under mapping->lock; Linux passes the folio through
 * the swap cache, SwapCached counting it meanwhile), swap readahead for shmem (a fault reads
 * its own slot alone) and workingset shadows of shmem pages.
 */
#include "mm/memory.h"
#include "mm/shmem.h"
#include "mm/swap.h"
#include "mm/vma.h"

#include <string.h>

static struct machine *mapping_machine(const struct address_space *mapping)
{
	return container_of(mapping->pgdat, struct machine, pgdat);
}

/*
 * shmem_swap_ops.write: a new slot (counted as swap cache's, get_swap_page) that takes
 * @page's contents, then the file's count in place of the cache's.
 */
static int shmem_swap_write(struct address_space *mapping, struct page *page,
			    unsigned long *out)
{
	struct machine *m = mapping_machine(mapping);
	swp_entry_t entry = get_swap_page(m);
	int err;

	if (!entry.val)
		return -ENOSPC;
	err = swap_write_slot(m, entry, page);
	if (!err)
		err = swap_duplicate(m, entry);
	pthread_mutex_lock(&m->swap->lock);
	put_swap_page(m, entry);	/* the slot is free again when the write failed */
	pthread_mutex_unlock(&m->swap->lock);
	if (!err)
		*out = entry.val;
	return err;
}

static int shmem_swap_read(struct address_space *mapping, unsigned long val, struct page *page)
{
	struct machine *m = mapping_machine(mapping);
	int err;

	pthread_mutex_lock(&m->swap->lock);
	err = swap_readpage(m, page, (swp_entry_t){ .val = val });
	pthread_mutex_unlock(&m->swap->lock);
	return err;
}

static void shmem_swap_release(struct address_space *mapping, unsigned long val)
{
	swap_free(mapping_machine(mapping), (swp_entry_t){ .val = val });
}

const struct shmem_swap_ops shmem_swap_ops = {
	.write = shmem_swap_write,
	.read = shmem_swap_read,
	.release = shmem_swap_release,
};

/*
 * Reads back every page of @inode that is in a slot of area @type, from the lowest index
 * (shmem_unuse_inode). Return: 0, or -ENOMEM / -EIO (what came back stays back).
 */
static int shmem_unuse_inode(struct inode *inode, int type)
{
	struct address_space *mapping = inode_mapping(inode);
	pgoff_t index = 0;

	for (;;) {
		struct page *page;
		void *entry;
		bool found = false;

		pthread_mutex_lock(&mapping->lock);
		while ((entry = xa_find(&mapping->swapped, &index, ULONG_MAX))) {
			if ((int)swp_type((swp_entry_t){ .val = (unsigned long)entry }) == type) {
				found = true;
				break;
			}
			if (index++ == ULONG_MAX)
				break;
		}
		pthread_mutex_unlock(&mapping->lock);
		if (!found)
			return 0;
		page = filemap_get_page(mapping, index, FGP_CREAT, NULL);
		if (IS_ERR(page))
			return (int)PTR_ERR(page);
		put_page(mapping->pgdat, page);
	}
}

/**
 * shmem_unuse - swapoff's pass over shmem: every shmem inode's pages in area @type come back
 * into its cache (Linux walks shmem_swaplist, the inodes that have swapped pages).
 * Context: no swap_lock, no mapping->lock held; takes vfs->lock to list the inodes.
 * Return: 0, or -ENOMEM / -EIO.
 */
int shmem_unuse(struct machine *m, int type)
{
	struct inode **inodes = NULL;
	size_t n = 0, cap = 0;
	struct list_head *pos;
	int err = 0;

	pthread_mutex_lock(&m->vfs.lock);
	list_for_each(pos, &m->vfs.inodes) {
		struct inode *inode = list_entry(pos, struct inode, i_hash);

		if (inode->i_kind != FS_SHMEM || !READ_ONCE(inode->i_data.nrswapped))
			continue;
		if (n == cap) {
			struct inode **grown = realloc(inodes, (cap ? cap * 2 : 16) * sizeof(*grown));

			if (!grown) {
				err = -ENOMEM;
				break;
			}
			inodes = grown;
			cap = cap ? cap * 2 : 16;
		}
		ihold(inode);
		inodes[n++] = inode;
	}
	pthread_mutex_unlock(&m->vfs.lock);
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = shmem_unuse_inode(inodes[i], type);
		iput(inodes[i]);
	}
	free(inodes);
	return err;
}

/**
 * shmem_fault - the shmem page behind vmf->pgoff, added zeroed to the inode's cache for a
 * hole, read back from swap where reclaim sent it (shmem_fault + shmem_get_folio). Beyond the
 * inode's size (a shared mapping grown by mremap) there is no page: SIGBUS, as Linux
 * delivers it.
 * Context: mmap_lock and the page-table lock held.
 * Return: 0 or VM_FAULT_MAJOR (a swap-in) with the page (a reference) in vmf->page,
 * VM_FAULT_SIGBUS or VM_FAULT_OOM.
 */
vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct inode *inode = vmf->vma->vm_file->f_inode;
	loff_t size = i_size_read(inode);
	struct page *page;
	bool major;

	if (vmf->pgoff >= (pgoff_t)((size + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT))
		return VM_FAULT_SIGBUS;
	page = filemap_get_page(inode_mapping(inode), vmf->pgoff, FGP_CREAT, &major);
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	if (major)
		psi_note_read(page);	/* swap_read_folio: a workingset page's read stalls */
	vmf->page = page;
	return major ? VM_FAULT_MAJOR : 0;
}

/**
 * shmem_zero_file - the file a shared anonymous mapping gets: shmem's "/dev/zero (deleted)"
 * (shmem_zero_setup), an inode of @len bytes on the machine's shmem file system.
 * Return: the file (one reference), or NULL when out of memory.
 */
struct file *shmem_zero_file(struct machine *m, unsigned long len)
{
	struct inode *inode = shmem_inode_create(&m->vfs, "/dev/zero", (loff_t)len, 0);
	struct file *f;

	if (IS_ERR(inode))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f)
		f->path = strdup("/dev/zero");
	if (!f || !f->path) {
		free(f);
		iput(inode);
		return NULL;
	}
	f->f_count = 1;
	f->host_fd = -1;
	f->i_size = -1;
	f->f_mode = FMODE_READ | FMODE_WRITE;
	f->f_inode = inode;
	f->dev = inode->i_dev;
	f->ino = inode->i_ino;
	f->deleted = true;
	return f;
}

/**
 * shmem_file_setup - a shmem file named @name, as maps prints it ("/memfd:x",
 * "/SYSV0000abcd"), of @size bytes: shmem_zero_file's object under its own name. The commit
 * charge (inode->shmem_acct) is the caller's to set.
 * Context: takes the namespace lock (the name is read under it).
 * Return: the file (one reference), or NULL when out of memory.
 */
struct file *shmem_file_setup(struct machine *m, const char *name, unsigned long size)
{
	struct file *f = shmem_zero_file(m, size);
	char *path = strdup(name), *ipath = strdup(name);

	if (!f || !path || !ipath) {
		free(path);
		free(ipath);
		if (f)
			fput(f);
		return NULL;
	}
	free(f->path);
	f->path = path;
	pthread_mutex_lock(&m->vfs.lock);
	free(f->f_inode->i_path);
	f->f_inode->i_path = ipath;
	pthread_mutex_unlock(&m->vfs.lock);
	return f;
}

/**
 * shmem_file_release - the last reference to @file is going: when it also held the last
 * reference to a shmem inode, the inode's commit charge goes back (shmem_evict_inode's
 * shmem_unacct_size) before iput frees the inode and its pages.
 * Context: any; the caller then drops the inode reference.
 */
void shmem_file_release(struct file *file)
{
	struct inode *inode = file->f_inode;

	if (!inode || inode->i_kind != FS_SHMEM || !inode->shmem_acct)
		return;
	if (__atomic_load_n(&inode->i_count, __ATOMIC_ACQUIRE) != 1)
		return;
	vm_unacct_memory(container_of(inode->i_vfs, struct machine, vfs),
			 (long)inode->shmem_acct);
	inode->shmem_acct = 0;
}
