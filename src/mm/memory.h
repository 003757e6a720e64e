/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The page layer's internal interface: struct vm_fault and the VM_FAULT_* results
 * (include/linux/mm_types.h, mm.h), the RSS counters of an mm (include/linux/mm.h's
 * get_mm_counter family), the zap gather, and the functions of memory.c, filemap_fault.c,
 * gup.c, vmscan.c, mincore.c and debug.c that the address-space layer calls. Every function
 * expects mmap_lock held (reading is enough for faults; the callers from mmap/madvise/munmap
 * hold it for writing) - but truncate.c's, which walk other address spaces through a file's
 * i_mmap and take each one's mmap_lock themselves, and expect none held. The reverse map is
 * rmap.h's, shmem's entry points shmem.h's, the fault entry fault.h's.
 */
#ifndef MMLAB_MM_MEMORY_H
#define MMLAB_MM_MEMORY_H

#include "mm/machine.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/task.h"
#include "mm/vma.h"

typedef unsigned int vm_fault_t;

/* What handle_mm_fault reports (include/linux/mm_types.h's enum vm_fault_reason). */
#define VM_FAULT_OOM 0x000001U
#define VM_FAULT_SIGBUS 0x000002U
#define VM_FAULT_MAJOR 0x000004U
#define VM_FAULT_SIGSEGV 0x000040U
#define VM_FAULT_NOPAGE 0x000100U	/* The handler installed the entry itself */
#define VM_FAULT_RETRY 0x000400U	/* The kernel would have dropped mmap_lock for I/O:
					 * fault again with FAULT_FLAG_TRIED */
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* Why the fault happened (enum fault_flag). */
#define FAULT_FLAG_WRITE 0x0001U
#define FAULT_FLAG_TRIED 0x0020U	/* The second attempt, after a VM_FAULT_RETRY */
#define FAULT_FLAG_USER 0x0040U		/* From a user access, not get_user_pages */
#define FAULT_FLAG_INSTRUCTION 0x0100U

/* The state of one fault, threaded through the handlers (struct vm_fault). */
struct vm_fault {
	struct task *tsk;		/* Who faulted: its counters are charged */
	struct mmu_cpu *cpu;		/* The CPU whose access faulted, told of the new entry
					 * (update_mmu_cache); NULL for get_user_pages */
	struct vm_area_struct *vma;	/* The VMA the address lies in */
	unsigned long address;		/* Faulting address, page-aligned */
	unsigned int flags;		/* FAULT_FLAG_* */
	pgoff_t pgoff;			/* Page offset of address in the VMA's object */
	pte_t *pte;			/* The leaf entry, once the tables exist */
	bool pmd_none;			/* No page table held the entry when the fault came
					 * (pmd_none): fault-around may decline to install
					 * one (filemap_map_pages), as the kernel allocates it
					 * on demand; mmlab made it already */
	pte_t orig_pte;			/* Its value when the fault was taken */
	struct page *page;		/* The page orig_pte maps (NULL for the zero page) */
	/* Reads a miss on a hole started and did not wait for (filemap_fault): pages of the
	 * retry's fault-around window from io_base on, bit i for io_base + i, still locked */
	pgoff_t io_base;
	unsigned long io_pending;
};

/* RSS accounting (include/linux/mm.h). Pages of each type, current and peak. */
static inline long get_mm_counter(const struct mm_struct *mm, int member)
{
	return __atomic_load_n(&mm->rss_stat[member], __ATOMIC_RELAXED);
}

/*
 * add_mm_counter - RSS changes with the entries, and the entries of an mm change only under
 * mmap_lock held for writing, or for reading with page_table_lock (or in exit_mmap, when
 * nobody else sees the mm): writers are serialized, so a plain read and store is exact (as
 * Linux's per-CPU RSS counters, no locked instruction); readers see one value or the other.
 * Context: @mm's page-table changes serialized as above.
 */
static inline void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	__atomic_store_n(&mm->rss_stat[member], get_mm_counter(mm, member) + value,
			 __ATOMIC_RELAXED);
}

static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return (unsigned long)(get_mm_counter(mm, MM_FILEPAGES) +
			       get_mm_counter(mm, MM_ANONPAGES) +
			       get_mm_counter(mm, MM_SHMEMPAGES));
}

/* Linux records the peak lazily, just before RSS or total_vm shrink. */
static inline void update_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss(mm);

	if (mm->hiwater_rss < rss)
		mm->hiwater_rss = rss;
}

static inline void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

static inline unsigned long get_mm_hiwater_rss(const struct mm_struct *mm)
{
	return max(mm->hiwater_rss, get_mm_rss(mm));
}

static inline unsigned long get_mm_hiwater_vm(const struct mm_struct *mm)
{
	return max(mm->hiwater_vm, mm->total_vm);
}

/* The RSS counter a mapped page is charged to (mm_counter). */
static inline int mm_counter(const struct page *page)
{
	if (PageAnon(page))
		return MM_ANONPAGES;
	return PageSwapBacked(page) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

#define ZAP_BATCH 64

/*
 * The zap's gather (mm/mmu_gather.c): entries are cleared first, frames freed only after the
 * TLB flush of what was cleared, so no CPU context can reach a frame that was handed out again.
 */
struct zap_details {
	struct mm_struct *mm;
	unsigned long flush_start, flush_end;	/* Present entries cleared since the last flush */
	struct page *pages[ZAP_BATCH];		/* Pages whose reference waits for that flush */
	unsigned int nr;			/* Entries of pages[] in use */
	unsigned long nr_unmapped;		/* Pages (not special entries) unmapped */
	bool drop_markers;			/* munmap and exit: guard markers go too */
	bool keep_cows;				/* Only the object's pages go, private
						 * (anonymous) copies stay */
};

/* memory.c */
int zap_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data);
void zap_flush(struct zap_details *z);
vm_fault_t handle_mm_fault(struct task *tsk, struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags, struct mmu_cpu *cpu);
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte);
unsigned long zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void unmap_region(struct mm_struct *mm, unsigned long start, unsigned long end,
		  unsigned long floor, unsigned long ceiling);
int __must_check copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src);
int move_page_tables(struct mm_struct *mm, unsigned long old_addr, unsigned long new_addr,
		     unsigned long len);
int __must_check madvise_pages(struct task *tsk, struct vm_area_struct *vma,
			       unsigned long start, unsigned long end, int behavior);
int __must_check guard_install_range(struct vm_area_struct *vma, unsigned long start,
				     unsigned long end);
void guard_remove_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* gup.c */
long populate_vma_page_range(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write);
long mm_populate_vma(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end);
int mm_populate(struct task *tsk, unsigned long start, unsigned long len,
		bool ignore_errors);
int __must_check faultin_vma_page_range(struct task *tsk, struct vm_area_struct *vma,
					unsigned long start, unsigned long end, bool write);

/* madvise.c */
void madvise_pageout(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end);
void madvise_cold(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* vmscan.c */
unsigned long reclaim_lazyfree(struct mm_struct *mm);

/* mincore.c */
long do_mincore(struct task *tsk, unsigned long start, size_t len, unsigned char *vec);

/* debug.c */
int rss_validate(struct mm_struct *mm);

/* filemap_fault.c */
vm_fault_t do_fault(struct vm_fault *vmf);
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
void fault_dirty_page(struct page *page);
void filemap_willneed(struct vm_area_struct *vma, unsigned long start, unsigned long end);
bool vma_wants_writenotify(const struct vm_area_struct *vma, vm_flags_t vm_flags);
void vma_set_page_prot(struct vm_area_struct *vma);

/* truncate.c */
/* Zaps the pages of [@start, @start + @len) of @mapping's file from every VMA mapping it; with
 * @even_cows, private COW copies too (truncation). @len 0: to the end of the file. */
void unmap_mapping_range(struct address_space *mapping, loff_t start, loff_t len,
			 bool even_cows);
void mapping_mkclean(struct address_space *mapping, loff_t start, loff_t end);
void mapping_unmap_folio(struct address_space *mapping, pgoff_t first, pgoff_t last);
int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync);

/* An inode's size, read without its lock (i_size_read). */
static inline loff_t i_size_read(const struct inode *inode)
{
	return __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED);
}

/* A VMA over a shmem inode: shared anonymous memory, memfd, SysV segments, shared /dev/zero. */
static inline bool vma_is_shmem(const struct vm_area_struct *vma)
{
	return vma->vm_file && vma->vm_file->f_inode && vma->vm_file->f_inode->i_kind == FS_SHMEM;
}

#endif /* MMLAB_MM_MEMORY_H */
