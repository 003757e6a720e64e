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
 * of it goes. Without swap, writeback never cleans a shmem page.
 * Hole punching (MADV_REMOVE, fallocate) is vfs_punch_hole's, over the same cache.
 * Left out: swap, huge pages, tmpfs files with names.
 */
#include "mm/memory.h"
#include "mm/shmem.h"
#include "mm/vma.h"

#include <string.h>

/**
 * shmem_fault - the shmem page behind vmf->pgoff, added zeroed to the inode's cache for a
 * hole (shmem_fault + shmem_get_folio). Beyond the inode's size (a shared mapping grown by
 * mremap) there is no page: SIGBUS, as Linux delivers it. Never a major fault: no I/O.
 * Context: mmap_lock and the page-table lock held.
 * Return: 0 with the page (a reference) in vmf->page, VM_FAULT_SIGBUS or VM_FAULT_OOM.
 */
vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct inode *inode = vmf->vma->vm_file->f_inode;
	loff_t size = i_size_read(inode);
	struct page *page;

	if (vmf->pgoff >= (pgoff_t)((size + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT))
		return VM_FAULT_SIGBUS;
	page = filemap_get_page(inode_mapping(inode), vmf->pgoff, FGP_CREAT, NULL);
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	vmf->page = page;
	return 0;
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
