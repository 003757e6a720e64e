/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fault layer's internal interface: struct vm_fault and the VM_FAULT_* results
 * (include/linux/mm_types.h, mm.h), the RSS counters of an mm (include/linux/mm.h's
 * get_mm_counter family), the anonymous reverse-map root (include/linux/rmap.h), shmem objects
 * and the functions of memory.c, rmap.c, shmem.c, fault.c and fork.c that the address-space
 * layer calls. Every function expects mmap_lock held (reading is enough for faults; the
 * callers from mmap/madvise/munmap hold it for writing).
 */
#ifndef MMLAB_MM_MEMORY_H
#define MMLAB_MM_MEMORY_H

#include "mm/vma.h"
#include "mm/mmzone.h"

typedef unsigned int vm_fault_t;

/* What handle_mm_fault reports (include/linux/mm_types.h's enum vm_fault_reason). */
#define VM_FAULT_OOM 0x000001U
#define VM_FAULT_SIGBUS 0x000002U
#define VM_FAULT_MAJOR 0x000004U
#define VM_FAULT_SIGSEGV 0x000040U
#define VM_FAULT_NOPAGE 0x000100U	/* The handler installed the entry itself */
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* Why the fault happened (enum fault_flag). */
#define FAULT_FLAG_WRITE 0x0001U
#define FAULT_FLAG_USER 0x0040U		/* From a user access, not get_user_pages */
#define FAULT_FLAG_INSTRUCTION 0x0100U

/* The state of one fault, threaded through the handlers (struct vm_fault). */
struct vm_fault {
	struct task *tsk;		/* Who faulted: its counters are charged */
	struct vm_area_struct *vma;	/* The VMA the address lies in */
	unsigned long address;		/* Faulting address, page-aligned */
	unsigned int flags;		/* FAULT_FLAG_* */
	pgoff_t pgoff;			/* Page offset of address in the VMA's object */
	pte_t *pte;			/* The leaf entry, once the tables exist */
	pte_t orig_pte;			/* Its value when the fault was taken */
	struct page *page;		/* The page orig_pte maps (NULL for the zero page) */
};

/* The anonymous reverse-map root (mm/rmap.c), minimal: identity, lineage and lifetime. */
struct anon_vma {
	struct anon_vma *root;		/* Oldest ancestor: fork children chain up to it */
	struct anon_vma *parent;	/* The anon_vma this one was forked from (a reference) */
	long refcount;			/* VMAs using it, pages it names, and children */
	unsigned long nr_pages;		/* Anonymous pages whose mapping names it */
};

/*
 * vma_is_fork_child - was @vma's anon_vma forked from a parent's (directly, or through a split
 * or merge of a VMA that was)? Linux's test is an anon_vma_chain that is not singular; here a
 * forked anon_vma is the one with a parent, since anon_vma_prepare only ever hands out or shares
 * parentless ones and fork always makes a new child anon_vma (Linux may reuse an idle ancestor,
 * but the chain still holds two or more entries then).
 */
static inline bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && vma->anon_vma->parent;
}

/* A shared anonymous mapping's pages (mm/shmem.c's inode + page cache, minimal). */
struct shmem_inode {
	struct machine *machine;	/* Whose frames hold the pages */
	unsigned long nr_pages;		/* Size: the mapping's length in pages (i_size) */
	struct page **pages;		/* Page cache, indexed by page offset; NULL = hole */
	unsigned long nr_cached;	/* Pages present in the cache */
	unsigned long acct_pages;	/* Commit charge of its setup (shmem_acct_size), returned
					 * when it is freed */
};

#define PAGE_MAPPING_ANON 0x1UL

static inline bool PageAnon(const struct page *page)
{
	return (unsigned long)page->mapping & PAGE_MAPPING_ANON;
}

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	if (!PageAnon(page))
		return NULL;
	return (struct anon_vma *)((unsigned long)page->mapping & ~PAGE_MAPPING_ANON);
}

/* RSS accounting (include/linux/mm.h). Pages of each type, current and peak. */
static inline long get_mm_counter(const struct mm_struct *mm, int member)
{
	return __atomic_load_n(&mm->rss_stat[member], __ATOMIC_RELAXED);
}

static inline void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	__atomic_add_fetch(&mm->rss_stat[member], value, __ATOMIC_RELAXED);
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

/* rmap.c */
int __must_check anon_vma_prepare(struct vm_area_struct *vma);
int __must_check anon_vma_fork(struct vm_area_struct *dst, struct vm_area_struct *src);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct anon_vma *av);
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
void page_dup_anon_rmap(struct page *page);
void page_add_file_rmap(struct page *page);
void page_remove_rmap(struct machine *m, struct page *page);
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma);
void vma_adopt_anon_vma(struct vm_area_struct *dst, const struct vm_area_struct *src);

/* shmem.c */
struct shmem_inode *__must_check shmem_inode_alloc(struct machine *m, unsigned long size);
struct file *__must_check shmem_zero_file(struct machine *m, unsigned long len);
void shmem_inode_free(struct shmem_inode *info);
vm_fault_t shmem_fault(struct vm_fault *vmf);
vm_fault_t shmem_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
bool shmem_page_cached(const struct shmem_inode *info, pgoff_t index);

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
};

/* memory.c */
int zap_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data);
void zap_flush(struct zap_details *z);
vm_fault_t handle_mm_fault(struct task *tsk, struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);
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

/* vmscan.c */
unsigned long reclaim_lazyfree(struct mm_struct *mm);

/* mincore.c */
long do_mincore(struct task *tsk, unsigned long start, size_t len, unsigned char *vec);

/* debug.c */
int rss_validate(struct mm_struct *mm);

/* fault.c */
struct vm_area_struct *vmacache_find_vma(struct task *tsk, unsigned long addr);
int __must_check expand_stack(struct task *tsk, struct vm_area_struct *vma, unsigned long addr);
struct mmu_cpu;
struct mmu_fault;
int do_user_addr_fault(struct task *tsk, struct mmu_fault *f);

/* fork.c */
struct mm_struct *__must_check mm_alloc(struct machine *m, const struct mm_config *cfg);
void mmput(struct mm_struct *mm);
struct mm_struct *__must_check dup_mm(struct task *tsk, struct mm_struct *oldmm);

#endif /* MMLAB_MM_MEMORY_H */
