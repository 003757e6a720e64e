// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memfd_create and file seals (mm/memfd.c): an anonymous shmem file named "memfd:NAME" (maps
 * shows "/memfd:NAME (deleted)" on device 00:01), opened O_RDWR | O_LARGEFILE, size 0, never
 * charged (VM_NORESERVE: its pages are charged as they come). Seals live in the inode:
 * without MFD_ALLOW_SEALING the file starts with F_SEAL_SEAL, so no seal can be added.
 * MFD_NOEXEC_SEAL (or vm.memfd_noexec >= 1 without MFD_EXEC) clears the exec bits and seals
 * them (F_SEAL_EXEC), and also allows sealing. F_SEAL_WRITE is refused with EBUSY while a
 * shared writable mapping exists (mapping->i_mmap_writable); a write seal makes later shared
 * writable mmaps fail with EPERM and takes VM_MAYWRITE from shared read-only ones, so that
 * mprotect cannot add PROT_WRITE. The file calls check their seals through memfd_check_*.
 * MFD_HUGETLB makes a hugetlbfs file as a machine with no huge page reserved (vm.nr_hugepages
 * 0) has it: sizes are whole 2 MiB pages (ftruncate EINVAL otherwise), write(2) is EINVAL
 * (hugetlbfs has no write_iter), reads see zeros, and mmap fails with ENOMEM since no huge page
 * can be reserved (ENODEV at creation for a huge page size other than 2 MiB); with
 * MAP_NORESERVE nothing is reserved, so the mapping is made (VM_HUGETLB, 2 MiB aligned and
 * split only at 2 MiB boundaries, a writable one growing the file to its end) and each fault
 * finds no huge page free: SIGBUS (memory.c's hugetlb check).
 * Left out: fallocate on a hugetlbfs file, waiting for pinned pages (no page is ever pinned
 * here), chmod under F_SEAL_EXEC.
 */
#include "mm/memfd.h"
#include "mm/fdtable.h"
#include "mm/machine.h"
#include "mm/shmem.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MFD_CLOEXEC_ 0x0001U
#define MFD_ALLOW_SEALING_ 0x0002U
#define MFD_HUGETLB_ 0x0004U
#define MFD_NOEXEC_SEAL_ 0x0008U
#define MFD_EXEC_ 0x0010U
#define MFD_ALL_FLAGS (MFD_CLOEXEC_ | MFD_ALLOW_SEALING_ | MFD_HUGETLB_ | MFD_NOEXEC_SEAL_ | \
		       MFD_EXEC_)
#define MFD_HUGE_SHIFT 26
#define MFD_HUGE_MASK 0x3fU
#define MFD_NAME_PREFIX "memfd:"
#define MFD_NAME_MAX_LEN (255 - 6)	/* NAME_MAX less the prefix */
#define F_ALL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | \
		     F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)
#define F_ADD_SEALS_ 1033
#define F_GET_SEALS_ 1034
#define O_LARGEFILE_ 0100000
#define FALLOC_FL_PUNCH_HOLE_ 0x02
/* vm.memfd_noexec */
#define MEMFD_NOEXEC_SCOPE_NOEXEC_SEAL 1
#define MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED 2

/* The seals of @file, or NULL when it has none: not a shmem file (memfd_file_seals_ptr). */
static unsigned int *memfd_file_seals_ptr(struct file *file)
{
	struct inode *inode = file->f_inode;

	return inode && inode->i_kind == FS_SHMEM ? &inode->seals : NULL;
}

static bool is_write_sealed(unsigned int seals)
{
	return seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE);
}

/**
 * memfd_check_seals_mmap - the write seals' say on a new mapping of @file with *@vm_flags:
 * private mappings are unaffected; a shared writable one is refused; a shared read-only one
 * loses VM_MAYWRITE for good.
 * Context: mmap_lock held for writing.
 * Return: 0 or -EPERM.
 */
int memfd_check_seals_mmap(struct file *file, vm_flags_t *vm_flags)
{
	unsigned int *seals = memfd_file_seals_ptr(file);

	if (!seals || !is_write_sealed(*seals) || !(*vm_flags & VM_SHARED))
		return 0;
	if (*vm_flags & VM_WRITE)
		return -EPERM;
	*vm_flags &= ~VM_MAYWRITE;
	return 0;
}

/**
 * memfd_check_write - may a write(2) put @count bytes at @pos into @inode? (shmem_write_begin
 * for one chunk of at most a page: the caller checks each chunk, so a write that crosses the
 * end under F_SEAL_GROW stops short with what it wrote before.)
 * Context: the caller holds the inode against truncation.
 * Return: 0; -EPERM under F_SEAL_WRITE or F_SEAL_FUTURE_WRITE, or when the chunk would grow a
 * F_SEAL_GROW file; -EINVAL for a hugetlbfs file.
 */
int memfd_check_write(struct inode *inode, loff_t pos, size_t count)
{
	if (!inode || inode->i_kind != FS_SHMEM)
		return 0;
	if (inode->i_hugetlb)
		return -EINVAL;	/* hugetlbfs: no write_iter */
	if (is_write_sealed(inode->seals))
		return -EPERM;
	if ((inode->seals & F_SEAL_GROW) && pos + (loff_t)count > inode->i_size)
		return -EPERM;
	return 0;
}

/**
 * memfd_check_resize - may @inode's size become @newsize? (shmem_setattr, hugetlbfs_setattr)
 * Return: 0; -EPERM for shrinking under F_SEAL_SHRINK or growing under F_SEAL_GROW; -EINVAL
 * for a hugetlbfs file's size that is not a whole number of huge pages.
 */
int memfd_check_resize(struct inode *inode, loff_t newsize)
{
	if (!inode || inode->i_kind != FS_SHMEM)
		return 0;
	if (inode->i_hugetlb && (newsize & (loff_t)(PMD_SIZE - 1)))
		return -EINVAL;
	if (newsize < inode->i_size && (inode->seals & F_SEAL_SHRINK))
		return -EPERM;
	if (newsize > inode->i_size && (inode->seals & F_SEAL_GROW))
		return -EPERM;
	return 0;
}

/**
 * memfd_check_fallocate - may fallocate(@mode, @off, @len) change @inode? (shmem_fallocate)
 * Return: 0; -EPERM for a hole punched under a write seal, or an allocation past the end of
 * a F_SEAL_GROW file (without FALLOC_FL_KEEP_SIZE too, as shmem checks it).
 */
int memfd_check_fallocate(struct inode *inode, int mode, loff_t off, loff_t len)
{
	if (!inode || inode->i_kind != FS_SHMEM)
		return 0;
	if (mode & FALLOC_FL_PUNCH_HOLE_)
		return is_write_sealed(inode->seals) ? -EPERM : 0;
	if ((inode->seals & F_SEAL_GROW) && off + len > inode->i_size)
		return -EPERM;
	return 0;
}

/* memfd_add_seals: seals are only ever added, never once F_SEAL_SEAL is there. */
static long memfd_add_seals(struct file *file, unsigned int seals)
{
	struct inode *inode = file->f_inode;
	unsigned int *file_seals;

	if (!(file->f_mode & FMODE_WRITE))
		return -EPERM;
	if (seals & ~(unsigned int)F_ALL_SEALS)
		return -EINVAL;
	file_seals = memfd_file_seals_ptr(file);
	if (!file_seals)
		return -EINVAL;
	if (*file_seals & F_SEAL_SEAL)
		return -EPERM;
	/* F_SEAL_EXEC on an executable file brings every write seal: W^X from the start */
	if ((seals & F_SEAL_EXEC) && (inode->i_mode & 0111))
		seals |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
	/* mapping_deny_writable: not while a shared mapping may write it */
	if ((seals & F_SEAL_WRITE) && !(*file_seals & F_SEAL_WRITE)) {
		struct address_space *mapping = inode_mapping(inode);
		bool busy;

		pthread_mutex_lock(&mapping->i_mmap_lock);
		busy = mapping->i_mmap_writable;
		pthread_mutex_unlock(&mapping->i_mmap_lock);
		if (busy)
			return -EBUSY;
	}
	*file_seals |= seals;
	return 0;
}

/**
 * memfd_fcntl - F_ADD_SEALS and F_GET_SEALS on @file.
 * Context: the caller's fd table holds @file.
 * Return: the seals (F_GET_SEALS), 0, or -EINVAL (not a shmem file, unknown seal bits),
 * -EPERM (not open for writing, F_SEAL_SEAL), -EBUSY (F_SEAL_WRITE while writably mapped).
 */
long memfd_fcntl(struct file *file, unsigned int cmd, unsigned int arg)
{
	unsigned int *seals;

	if (cmd == F_ADD_SEALS_)
		return memfd_add_seals(file, arg);
	if (cmd != F_GET_SEALS_)
		return -EINVAL;
	seals = memfd_file_seals_ptr(file);
	return seals ? (long)*seals : -EINVAL;
}

/* MFD_EXEC or MFD_NOEXEC_SEAL as vm.memfd_noexec decides when the caller named neither. */
static int check_sysctl_memfd_noexec(struct machine *m, unsigned int *flags)
{
	int scope = m->memfd_noexec_scope;

	if (!(*flags & (MFD_EXEC_ | MFD_NOEXEC_SEAL_)))
		*flags |= scope >= MEMFD_NOEXEC_SCOPE_NOEXEC_SEAL ? MFD_NOEXEC_SEAL_ : MFD_EXEC_;
	if (!(*flags & MFD_NOEXEC_SEAL_) && scope >= MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED)
		return -EACCES;
	return 0;
}

/**
 * memfd_sysctl - vm.memfd_noexec (0..2; as in the initial pid namespace, it may go down again).
 * Return: 0; -EINVAL (out of range); -ENOENT (another name).
 */
int memfd_sysctl(struct machine *m, const char *name, const uint64_t *new_val,
		 uint64_t *old_val)
{
	if (strcmp(name, "vm.memfd_noexec"))
		return -ENOENT;
	if (new_val && *new_val > MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED)
		return -EINVAL;
	if (old_val)
		*old_val = (uint64_t)m->memfd_noexec_scope;
	if (new_val)
		m->memfd_noexec_scope = (int)*new_val;
	return 0;
}

/*
 * The shmem file itself: "/memfd:NAME" on the internal mount (00:01, no link), size 0,
 * F_SEAL_SEAL as every shmem inode starts.
 */
/* hugetlb_vm_op_split: a hugetlb VMA is cut only where a huge page starts. */
static int hugetlb_vm_op_split(struct vm_area_struct *vma, unsigned long addr)
{
	(void)vma;
	return (addr & (PMD_SIZE - 1)) ? -EINVAL : 0;
}

static const struct vm_operations_struct hugetlb_vm_ops = {
	.may_split = hugetlb_vm_op_split,
	.no_map_pages = true,
};

/*
 * hugetlbfs_file_mmap over an empty huge page pool: an offset that is not a whole number of
 * huge pages is EINVAL; the mapping's huge pages must be reserved (hugetlb_reserve_pages) and
 * none is free: ENOMEM, unless VM_NORESERVE (MAP_NORESERVE) skips the reservation. A
 * writable mapping then grows the file to the mapping's end, as the kernel's does.
 */
static int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file->f_inode;
	loff_t end = (loff_t)(vma->vm_end - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);

	if (vma->vm_pgoff & ((PMD_SIZE >> PAGE_SHIFT) - 1))
		return -EINVAL;
	if (!(vma->vm_flags & VM_NORESERVE))
		return -ENOMEM;
	vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	vma->vm_ops = &hugetlb_vm_ops;
	if ((vma->vm_flags & VM_WRITE) && __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED) < end)
		__atomic_store_n(&inode->i_size, end, __ATOMIC_RELAXED);
	return 0;
}

static const struct file_operations hugetlbfs_file_operations = {
	.mmap = hugetlbfs_file_mmap,
};

static struct file *memfd_file_create(struct machine *m, const char *path)
{
	struct file *f = shmem_file_setup(m, path, 0);

	if (!f)
		return NULL;
	f->f_inode->seals = F_SEAL_SEAL;
	f->f_flags = O_RDWR | O_LARGEFILE_;
	f->f_mmap = FILE_MMAP_PAGECACHE;
	f->i_mode = f->f_inode->i_mode;
	return f;
}

/**
 * mmlab_memfd_create - memfd_create(2): a new anonymous shmem file named "memfd:@name".
 * Return: the fd; -EINVAL (unknown flags, MFD_EXEC with MFD_NOEXEC_SEAL, a name longer than
 * 249 bytes), -ENODEV (MFD_HUGETLB with a size other than 2 MiB), -EFAULT (NULL @name), -EACCES (vm.memfd_noexec 2 without
 * MFD_NOEXEC_SEAL), -EMFILE, -ENOMEM.
 */
MMLAB_EXPORT int mmlab_memfd_create(struct mmlab_task *t, const char *name, unsigned int flags)
{
	struct machine *m;
	char path[sizeof("/" MFD_NAME_PREFIX) + MFD_NAME_MAX_LEN];
	struct file *f;
	int err, fd;

	if (!t)
		return -EINVAL;
	m = t->tsk.mm->machine;
	/* a huge page size may be encoded only with MFD_HUGETLB */
	if (flags & ~(MFD_ALL_FLAGS | (flags & MFD_HUGETLB_ ? MFD_HUGE_MASK << MFD_HUGE_SHIFT : 0)))
		return -EINVAL;
	if ((flags & MFD_EXEC_) && (flags & MFD_NOEXEC_SEAL_))
		return -EINVAL;
	err = check_sysctl_memfd_noexec(m, &flags);
	if (err)
		return err;
	if (!name)
		return -EFAULT;
	if (strnlen(name, MFD_NAME_MAX_LEN + 1) > MFD_NAME_MAX_LEN)
		return -EINVAL;
	if (flags & MFD_HUGETLB_) {
		unsigned int log = (flags >> MFD_HUGE_SHIFT) & MFD_HUGE_MASK;

		/* the machine's only huge page size is 2 MiB (hugetlb_file_setup: ENODEV) */
		if (log && log != 21)
			return -ENODEV;
	}
	fd = get_unused_fd_flags(t);
	if (fd < 0)
		return fd;
	snprintf(path, sizeof(path), "/" MFD_NAME_PREFIX "%s", name);
	f = memfd_file_create(m, path);
	if (!f)
		return -ENOMEM;
	if (flags & MFD_HUGETLB_) {
		f->f_inode->i_hugetlb = true;
		f->f_op = &hugetlbfs_file_operations;
	}
	if (flags & MFD_NOEXEC_SEAL_) {
		f->f_inode->i_mode &= ~0111U;
		f->f_inode->seals = (f->f_inode->seals & ~F_SEAL_SEAL) | F_SEAL_EXEC;
	} else if (flags & MFD_ALLOW_SEALING_) {
		f->f_inode->seals &= ~F_SEAL_SEAL;
	}
	f->i_mode = f->f_inode->i_mode;
	fd_install(t, fd, f, flags & MFD_CLOEXEC_);
	return fd;
}
