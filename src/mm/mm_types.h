/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct mm_struct and struct vm_area_struct: one address space and its regions
 * (include/linux/mm_types.h, the VM_* flags of include/linux/mm.h). The part the MMU needs -
 * the page-table root, the CPU contexts that may cache its translations, the page-table
 * accounting and the protection-key map - is the MMU layer's mm_context_t, embedded as
 * mm->context; the address-space layer adds the VMA tree, the layout and the counters of
 * /proc/pid/status. Left out: NUMA policy, userfaultfd contexts, memory cgroups,
 * the per-VMA lock (mmap_lock is the only lock here).
 */
#ifndef MMLAB_MM_MM_TYPES_H
#define MMLAB_MM_MM_TYPES_H

#include "kernel.h"
#include "fs/fs.h"
#include "lib/maple_tree.h"
#include "host/host.h"
#include "host/spinlock.h"
#include "mmu/mmu_context.h"
#include "mmu/pgtable.h"

#include <pthread.h>
#include <sys/types.h>

struct machine;
struct anon_vma;
struct pipe_inode_info;

typedef unsigned long vm_flags_t;

/*
 * vm_flags, with Linux's bit values (include/linux/mm.h) so that smaps' two-letter codes and
 * the merge rules read the same. The low nibble mirrors PROT_*; VM_MAY* bound what mprotect
 * may later grant.
 */
#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL
#define VM_UFFD_MISSING 0x00000200UL
#define VM_PFNMAP 0x00000400UL
#define VM_MAYBE_GUARD 0x00000800UL	/* MADV_GUARD_INSTALL ran on it once: maybe markers */
#define VM_UFFD_WP 0x00001000UL
#define VM_LOCKED 0x00002000UL
#define VM_IO 0x00004000UL
#define VM_SEQ_READ 0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_DONTCOPY 0x00020000UL
#define VM_DONTEXPAND 0x00040000UL
#define VM_LOCKONFAULT 0x00080000UL
#define VM_ACCOUNT 0x00100000UL
#define VM_NORESERVE 0x00200000UL
#define VM_HUGETLB 0x00400000UL
#define VM_SYNC 0x00800000UL
#define VM_ARCH_1 0x01000000UL		/* x86: VM_PAT */
#define VM_WIPEONFORK 0x02000000UL
#define VM_DONTDUMP 0x04000000UL
#define VM_SOFTDIRTY 0x08000000UL	/* Never set: the host kernel has no CONFIG_MEM_SOFT_DIRTY */
#define VM_MIXEDMAP 0x10000000UL
#define VM_HUGEPAGE 0x20000000UL
#define VM_NOHUGEPAGE 0x40000000UL
#define VM_MERGEABLE 0x80000000UL
#define VM_PKEY_SHIFT 32
#define VM_PKEY_MASK (0xfUL << VM_PKEY_SHIFT)
#define VM_SHADOW_STACK (1UL << 38)
#define VM_DROPPABLE (1UL << 40)
#define VM_SEALED (1UL << 63)

#define VM_STACK VM_GROWSDOWN
#define VM_STARTGAP_FLAGS (VM_GROWSDOWN | VM_SHADOW_STACK)
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
/* Mappings the kernel never merges, expands with mremap or treats as ordinary memory. */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)
/*
 * Flags that do not keep neighbours apart and that the merged VMA keeps when either side had
 * them (6.18's VM_STICKY/VM_IGNORE_MERGE): soft-dirty, and the guard hint, which tells fork
 * that the page tables hold markers even without an anon_vma.
 */
#define VM_STICKY (VM_SOFTDIRTY | VM_MAYBE_GUARD)
#define VM_IGNORE_MERGE VM_STICKY
/* x86_64 data and stack defaults: no READ_IMPLIES_EXEC personality, so no VM_EXEC. */
#define VM_DATA_DEFAULT_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define VM_STACK_FLAGS (VM_STACK | VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT)

struct file;
struct vm_area_struct;
struct vm_fault;

/* What a mapping's owner hooks into (include/linux/mm.h's vm_operations_struct). */
struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma);	/* A copy was made (split, fork) */
	void (*close)(struct vm_area_struct *vma);	/* Its presence prevents merging */
	int (*may_split)(struct vm_area_struct *vma, unsigned long addr); /* 0 or -errno */
	unsigned int (*fault)(struct vm_fault *vmf);
	const char *(*name)(struct vm_area_struct *vma); /* [vvar], [vdso], ... */
	bool no_map_pages;		/* No ->map_pages (SysV shm's vm_ops): a read fault maps
					 * its own page only, no fault-around */
};

/*
 * What mmap of a file does, as its file_operations decide (the kernel's f_op->mmap, or
 * mmap_prepare): no ->mmap at all (ENODEV: directories, FIFOs, sockets, sysfs attributes,
 * procfs files of a process and of /proc/sys, every character device but /dev/zero); the
 * page-cache mapping of regular files and block devices; /dev/zero's mmap_zero (a private
 * mapping is anonymous memory that keeps the file's name, a shared writable one is shmem);
 * an ->mmap that fails once a MAP_FIXED range was already unmapped: EIO for procfs entries
 * that have no mmap of their own (proc_reg_mmap), ENODEV for kernfs (sysfs, cgroup) files.
 */
enum file_mmap_kind {
	FILE_MMAP_NONE,
	FILE_MMAP_PAGECACHE,
	FILE_MMAP_ZERO,
	FILE_MMAP_EIO,
	FILE_MMAP_KERNFS,
};

/*
 * What a kind of file does at mmap and at its last fput (the part of include/linux/fs.h's
 * file_operations mmlab needs beyond enum file_mmap_kind): SysV shm attaches set their
 * vm_ops at mmap (shm_mmap) and drop the segment's file at release (shm_release).
 */
struct file_operations {
	/* The new VMA is set up but not in the tree: may set vm_ops; 0 or -errno. */
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	/* The last reference is gone; called before the file's own state is freed. */
	void (*release)(struct file *file);
};

/*
 * An open host file, shared by the fd table and the mappings of it (include/linux/fs.h's
 * struct file with the few inode facts /proc/pid/maps prints).
 */
struct file {
	long f_count;			/* References: fd table entries and VMAs */
	int host_fd;			/* The real file on the host */
	unsigned int f_mode;		/* FMODE_READ | FMODE_WRITE, from the open flags; after
					 * the open only fadvise changes it (FMODE_RANDOM, an
					 * atomic RMW for f_lock): READ_ONCE it */
	unsigned int f_flags;		/* O_* flags as opened */
	char *path;			/* Absolute path as /proc/pid/maps prints it */
	dev_t dev;			/* st_dev of the host file */
	ino_t ino;			/* st_ino of the host file */
	long long i_size;		/* st_size of a file known by identity alone (bytes;
					 * mmlab_open_id); -1: ask host_fd */
	bool deleted;			/* Unlinked since: maps appends " (deleted)" */
	bool regular;			/* S_ISREG: mmap-able with page-cache rules */
	bool noexec;			/* On a noexec mount: PROT_EXEC is refused with EPERM */
	bool append;			/* IS_APPEND inode */
	struct inode *f_inode;		/* The file's inode (a reference): its page cache, size and
					 * identity; NULL for what mmlab does not open (devices...) */
	struct inode_name *f_name;	/* The name it was opened through (a reference), as maps
					 * prints it (d_path); NULL: the inode's i_path */
	loff_t f_pos;			/* read/write position */
	struct pipe_inode_info *pipe;	/* A pipe's end (pipe.c): f_mode says which; or NULL */
	struct file_ra_state f_ra;	/* Its readahead state */
	/* What the host file is, learnt by stat() alone: devices, FIFOs and sockets are never
	 * opened, so host_fd is -1 for them. */
	unsigned int i_mode;		/* st_mode: S_IFREG, S_IFCHR, S_IFDIR... (0: unknown) */
	dev_t rdev;			/* st_rdev of a device file */
	enum file_mmap_kind f_mmap;	/* What its f_op->mmap does */
	const struct file_operations *f_op; /* Hooks of special files (SysV shm), or NULL */
	void *private_data;		/* f_op's state (struct shm_file_data, ...) */
};
#define FMODE_READ 0x1U
#define FMODE_WRITE 0x2U
#define FMODE_RANDOM 0x1000U		/* POSIX_FADV_RANDOM: no readahead (fadvise) */
#define FMODE_WRITER 0x10000U		/* Holds write access to its inode (i_writecount) */

/* A refcounted anonymous-VMA name (include/linux/mm_types.h's anon_vma_name). */
struct anon_vma_name {
	long kref;			/* VMAs sharing this name */
	char name[];			/* NUL-terminated, at most 80 bytes with the NUL */
};

struct vm_area_struct {
	unsigned long vm_start;		/* First byte of the region */
	unsigned long vm_end;		/* First byte after it */
	struct mm_struct *vm_mm;	/* The address space it belongs to */
	pgprot_t vm_page_prot;		/* PTE protection for pages mapped here */
	vm_flags_t vm_flags;		/* VM_* */
	pgoff_t vm_pgoff;		/* Offset in the file in pages; anonymous: vm_start >> 12 */
	struct file *vm_file;		/* Mapped file (a reference), or NULL */
	const struct vm_operations_struct *vm_ops; /* NULL for anonymous memory */
	void *vm_private_data;		/* Owner of vm_ops's state */
	struct anon_vma *anon_vma;	/* The anon_vma its new anonymous pages name: NULL until
					 * the first write fault (rmap.c) */
	struct list_head anon_vma_chain; /* Its anon_vma_chains (rmap.h), newest first: its own
					 * anon_vma's and, after fork, its ancestors' */
	struct anon_vma_name *anon_name; /* PR_SET_VMA_ANON_NAME, a reference, or NULL */
	struct interval_tree_node shared; /* In vm_file's mapping->i_mmap while it maps a file,
					 * keyed by the file pages it covers (vma_pgoff_last) */
	unsigned long swap_readahead_info; /* VMA-based swap readahead: the last swap fault's
					 * page address, its window and the hits since
					 * (swap_state.c); atomic */
};

/* The RSS counters of an mm (include/linux/mm_types_task.h), in pages. */
enum {
	MM_FILEPAGES,			/* Page-cache pages of regular files */
	MM_ANONPAGES,			/* Anonymous pages (not the shared zero page) */
	MM_SWAPENTS,			/* Swap entries in the page tables */
	MM_SHMEMPAGES,			/* Shared-memory (shmem) pages */
	NR_MM_COUNTERS
};

/* mm->flags bits (include/linux/sched/coredump.h). */
#define MMF_TOPDOWN 31
#define MMF_DISABLE_THP 24		/* prctl(PR_SET_THP_DISABLE): no huge pages at all */
#define MMF_HAS_MDWE 28			/* prctl(PR_SET_MDWE): memory-deny-write-execute */
#define MMF_DISABLE_THP_EXCEPT_ADVISED 32 /* ... but for MADV_HUGEPAGE and MADV_COLLAPSE */
#define MMF_HAS_MDWE_NO_INHERIT 33	/* fork children start without MDWE */

struct mm_struct {
	struct machine *machine;	/* Whose frames back this address space */
	mm_context_t context;		/* The MMU's part: page tables, cpumask, VmPTE, pkey map;
					 * its tables change under page_table_lock or mmap_lock
					 * held for writing, its pkey fields under mmap_lock */

	pthread_rwlock_t mmap_lock;	/* Protects what follows but the page accounting, with the
					 * two fields below; taken through mmap_lock.h. Held by
					 * writers and by readers without a count of their own */
	int mmap_writer;		/* 1 from a writer's taking the lock to its release */
	int mmap_readers[HOST_THREAD_SLOTS]; /* Read holds of each thread slot's thread */
	pthread_t mmap_lock_owner;	/* Debug builds: the thread holding it for writing, or 0 */
	long mmap_lock_readers;		/* Debug builds: how many hold it for reading */
	spinlock_t page_table_lock;	/* Page-table population against concurrent faults */
	struct maple_tree mm_mt;	/* The VMAs by address, each over [vm_start, vm_end - 1] */
	unsigned long vma_seq;		/* Bumped on every VMA change */
	unsigned long vmacache_seqnum;	/* Bumped when a VMA leaves the tree or loses part of
					 * its range (vmacache_invalidate): per-thread VMA
					 * caches check it */
	int map_count;			/* Number of VMAs */
	long mm_users;			/* Tasks using the address space */
	long mm_count;			/* References to the struct (mm_users counts as one) */
	unsigned long flags;		/* MMF_* */
	int owner_tgid;			/* The process using it (mm->owner): the pid SysV shm's
					 * attach and detach record; during fork, the parent's */

	unsigned long mmap_base;	/* Top of the top-down area (below the stack gap) */
	unsigned long mmap_legacy_base;	/* Bottom of the bottom-up area */
	unsigned long task_size;	/* Size of the user address space */
	unsigned long mmap_min_addr;	/* vm.mmap_min_addr */
	int max_map_count;		/* vm.max_map_count */

	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;

	unsigned long total_vm;		/* Pages mapped (VmSize) */
	unsigned long locked_vm;	/* Pages with VM_LOCKED (VmLck), plus locked_vm_stale */
	unsigned long locked_vm_stale;	/* Pages locked_vm still counts that no VMA locks any more
					 * (an MREMAP_DONTUNMAP of locked memory, as Linux) */
	unsigned long data_vm;		/* VM_WRITE & ~VM_SHARED & ~VM_STACK (VmData) */
	unsigned long exec_vm;		/* VM_EXEC & ~VM_WRITE & ~VM_STACK (VmExe) */
	unsigned long stack_vm;		/* VM_STACK (VmStk) */
	vm_flags_t def_flags;		/* Added to every new VMA: mlockall(MCL_FUTURE) */
	struct file *exe_file;		/* The program exec loaded (a reference that denies
					 * writes to its inode), or NULL */

	/* Page accounting, kept by the fault layer (memory.c) under the page-table lock */
	long rss_stat[NR_MM_COUNTERS];	/* Resident pages by type; read with get_mm_counter() */
	unsigned long hiwater_rss;	/* RSS peak before the last shrink (VmHWM, with rss) */
	unsigned long hiwater_vm;	/* total_vm peak before the last unmap (VmPeak) */
	struct list_head mmlist;	/* On the machine's list of mms that have held swap
					 * entries (swap_state.lock), or empty */
	struct list_head lru_gen_list;	/* On the machine's mm_list (its lock) from mm_alloc
					 * to mmput's teardown: the MGLRU aging walks it */
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* The page offset of @vma's last page: its key in the reverse maps is [vm_pgoff, this]. */
static inline pgoff_t vma_pgoff_last(const struct vm_area_struct *vma)
{
	return vma->vm_pgoff + vma_pages(vma) - 1;
}

static inline bool vma_is_sealed(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_SEALED;
}

/* Anonymous memory: no object behind it, or a private (or read-only) mapping of /dev/zero. */
static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops && (!vma->vm_file || vma->vm_file->f_mmap == FILE_MMAP_ZERO);
}

#endif /* MMLAB_MM_MM_TYPES_H */
