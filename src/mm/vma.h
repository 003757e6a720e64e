/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The address-space layer's internal interface (mm/vma.h, mm/internal.h and the mm parts of
 * include/linux/mm.h): VMA lookup, split and merge, the unmap path, and the system calls of
 * mmap.c, mprotect.c, mremap.c, madvise.c and procfs.c. Every call expects mmap_lock held for
 * writing (or reading, for lookups); the public wrappers (syscalls.c) take it.
 */
#ifndef MMLAB_MM_VMA_H
#define MMLAB_MM_VMA_H

#include "lib/maple_tree.h"
#include "mm/cred.h"
#include "mm/mm_types.h"

#include <stdio.h>
#include <sys/resource.h>

#define DEFAULT_MAX_MAP_COUNT 65530
#define STACK_GUARD_GAP (256UL << PAGE_SHIFT)	/* stack_guard_gap: 256 pages */
#define DEFAULT_MAP_WINDOW TASK_SIZE_MAX
#define ANON_VMA_NAME_MAX_LEN 80

/* The switches an address space is built with (limits and credentials: struct task). */
struct mm_config {
	bool randomize;			/* PF_RANDOMIZE: ASLR for mmap base, stack, brk */
	bool legacy_layout;		/* ADDR_COMPAT_LAYOUT personality: bottom-up */
	bool ignore_rlimit_data;	/* The ignore_rlimit_data boot option */
	unsigned long mmap_min_addr;	/* vm.mmap_min_addr */
	int max_map_count;		/* vm.max_map_count */
	uint64_t seed;			/* Seeds the random layout */
};

/*
 * The per-thread VMA cache (Linux's mm/vmacache.c before 6.1): the last VMAs this thread's
 * lookups found, in slots indexed by the low bits of the page number. Valid while seqnum equals
 * mm->vma_seq; any VMA change bumps that and so empties every thread's cache at its next use.
 */
#define VMACACHE_BITS 2
#define VMACACHE_SIZE (1U << VMACACHE_BITS)
struct vmacache {
	unsigned long seqnum;		/* mm->vma_seq when the entries were stored */
	struct vm_area_struct *vmas[VMACACHE_SIZE];
};

/* One task: the address space plus the process attributes the mm calls consult. */
struct task {
	struct mm_struct *mm;
	struct mm_config cfg;
	uint64_t rng;			/* State of the layout's random generator */
	int pid;			/* Thread id */
	int tgid;			/* Thread-group (process) id */
	unsigned long min_flt;		/* Faults resolved without I/O (/proc/pid/stat minflt) */
	unsigned long maj_flt;		/* Faults that needed I/O (majflt) */
	struct vmacache vmacache;	/* This thread's VMA lookups */
	struct cred cred;		/* Ids and capabilities (sys.c, capability.c) */
	struct signal_struct *signal;	/* Resource limits, shared by the thread group */
	uint32_t pkru;			/* This thread's PKRU (thread.pkru): loaded into its CPU
					 * context whenever it runs there; 0 without PKU */
};

/* rlimit(): the soft limit of @res the task's process has now. */
static inline unsigned long task_rlimit(const struct task *tsk, unsigned int res)
{
	return __atomic_load_n(&tsk->signal->rlim[res].rlim_cur, __ATOMIC_RELAXED);
}

static inline unsigned long task_rlimit_max(const struct task *tsk, unsigned int res)
{
	return __atomic_load_n(&tsk->signal->rlim[res].rlim_max, __ATOMIC_RELAXED);
}

/* capable(): @cap is in the task's effective set (no user namespaces: all in the initial). */
static inline bool capable(const struct task *tsk, int cap)
{
	return tsk->cred.cap_effective & (1ULL << cap);
}


enum vma_merge_state {
	VMA_MERGE_START,		/* Not tried yet */
	VMA_MERGE_ERROR_NOMEM,		/* A tree store failed: nothing changed */
	VMA_MERGE_NOMERGE,		/* The neighbours do not fit */
	VMA_MERGE_SUCCESS,		/* A neighbour now covers the range */
};

/*
 * The state of one merge (mm/vma.h's vma_merge_struct): the range [start, end) and the
 * properties it will have, its neighbours, and the VMA it lies in when it already exists.
 */
struct vma_merge_struct {
	struct mm_struct *mm;
	struct vm_area_struct *prev;	/* VMA ending at or before start, or NULL */
	struct vm_area_struct *next;	/* VMA starting at or after end, or NULL */
	struct vm_area_struct *vma;	/* The existing VMA containing [start, end), or NULL */
	struct vm_area_struct *copied_from; /* The VMA mremap copies the range from, or NULL */
	unsigned long start, end;	/* The range being mapped or modified */
	pgoff_t pgoff;			/* Its file offset in pages */
	vm_flags_t flags;		/* Its new flags */
	struct file *file;		/* Its file */
	struct anon_vma *anon_vma;	/* Its anon_vma */
	struct anon_vma_name *anon_name; /* Its name */
	enum vma_merge_state state;	/* Outcome; VMA_MERGE_ERROR_NOMEM when a store failed */
};

/*
 * A cursor over the VMA tree (mm/vma.h's vma_iterator): a ma_state on mm->mm_mt. It stays
 * valid across stores made through other states (a replaced node makes it re-walk), but a
 * loop that modifies VMAs usually re-positions it with vma_iter_set().
 */
struct vma_iterator {
	struct ma_state mas;
};

#define VMA_ITERATOR(name, __mm, __addr)                                                           \
	struct vma_iterator name = { .mas = { .tree = &(__mm)->mm_mt,                              \
					      .index = (__addr),                                   \
					      .last = (__addr),                                    \
					      .status = ma_start } }

static inline void vma_iter_init(struct vma_iterator *vmi, struct mm_struct *mm,
				 unsigned long addr)
{
	vmi->mas.tree = &mm->mm_mt;
	mas_set(&vmi->mas, addr);
}

static inline void vma_iter_set(struct vma_iterator *vmi, unsigned long addr)
{
	mas_set(&vmi->mas, addr);
}

/* The next VMA starting below @max (the first call: at or after the start address). */
static inline struct vm_area_struct *vma_find(struct vma_iterator *vmi, unsigned long max)
{
	return mas_find(&vmi->mas, max - 1);
}

static inline struct vm_area_struct *vma_next(struct vma_iterator *vmi)
{
	return mas_find(&vmi->mas, ULONG_MAX);
}

static inline struct vm_area_struct *vma_prev(struct vma_iterator *vmi)
{
	return mas_prev(&vmi->mas, 0);
}

#define for_each_vma(__vmi, __vma) while (((__vma) = vma_next(&(__vmi))) != NULL)
#define for_each_vma_range(__vmi, __vma, __end)                                                    \
	while (((__vma) = vma_find(&(__vmi), (__end))) != NULL)

/* vma_tree.c */
int __must_check vma_tree_init(struct mm_struct *mm);
void vma_tree_destroy(struct mm_struct *mm);
int __must_check vma_tree_store(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check vma_tree_store_range(struct mm_struct *mm, struct vm_area_struct *vma,
				      unsigned long start, unsigned long end);
int __must_check vma_tree_clear(struct mm_struct *mm, unsigned long start, unsigned long end);
int __must_check vma_tree_insert(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check vma_tree_remove(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_next_of(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_prev_of(struct mm_struct *mm, struct vm_area_struct *vma);
int vma_tree_validate(struct mm_struct *mm);

/* vma.c */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma);
void vm_area_free(struct vm_area_struct *vma);
struct file *get_file(struct file *f);
void fput(struct file *f);
struct anon_vma_name *anon_vma_name_alloc(const char *name);
void anon_vma_name_get(struct anon_vma_name *n);
void anon_vma_name_put(struct anon_vma_name *n);
bool anon_vma_name_eq(const struct anon_vma_name *a, const struct anon_vma_name *b);
pgprot_t vm_get_page_prot(vm_flags_t vm_flags);
void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages);
int __must_check split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
			   int new_below);
struct vm_area_struct *vma_merge_new_range(struct vma_merge_struct *vmg);
bool can_vma_merge_after(const struct vma_merge_struct *vmg);
struct vm_area_struct *vma_modify(struct vma_merge_struct *vmg);
struct vm_area_struct *vma_modify_flags_name(struct mm_struct *mm, struct vm_area_struct *prev,
					     struct vm_area_struct *vma, unsigned long start,
					     unsigned long end, vm_flags_t new_flags,
					     struct anon_vma_name *new_name);
int __must_check do_vmi_munmap(struct mm_struct *mm, unsigned long start, size_t len);
int __must_check do_vmi_align_munmap(struct mm_struct *mm, struct vm_area_struct *vma,
				     unsigned long start, unsigned long end);
void exit_mmap(struct mm_struct *mm);
int mm_validate(struct mm_struct *mm);

static inline unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= STACK_GUARD_GAP;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}

static inline unsigned long vm_end_gap(const struct vm_area_struct *vma)
{
	return vma->vm_end;
}

/* mmap.c */
void arch_pick_mmap_layout(struct task *tsk);
unsigned long get_unmapped_area(struct task *tsk, struct file *file, unsigned long addr,
				unsigned long len, pgoff_t pgoff, unsigned long flags,
				vm_flags_t vm_flags);
long ksys_mmap(struct task *tsk, unsigned long addr, unsigned long len, unsigned long prot,
	       unsigned long flags, struct file *file, unsigned long off);
long sys_munmap(struct task *tsk, unsigned long addr, unsigned long len);
long sys_brk(struct task *tsk, unsigned long brk);
bool may_expand_vm(struct task *tsk, vm_flags_t flags, unsigned long npages);
bool mlock_future_ok(struct task *tsk, vm_flags_t flags, unsigned long bytes);
unsigned long mmap_region(struct task *tsk, struct file *file, unsigned long addr,
			  unsigned long len, vm_flags_t vm_flags, pgoff_t pgoff);
int __must_check insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check insert_special_vma(struct task *tsk, unsigned long start, unsigned long end,
				    vm_flags_t flags, const struct vm_operations_struct *ops);
uint64_t task_random(struct task *tsk);

/* mprotect.c */
long sys_mprotect(struct task *tsk, unsigned long start, size_t len, unsigned long prot);
long do_mprotect_pkey(struct task *tsk, unsigned long start, size_t len, unsigned long prot,
		      int pkey);

/* mremap.c */
long sys_mremap(struct task *tsk, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long new_addr);

/* madvise.c */
long sys_madvise(struct task *tsk, unsigned long start, size_t len, int behavior);
long sys_mlock2(struct task *tsk, unsigned long start, size_t len, int flags);
long sys_munlock(struct task *tsk, unsigned long start, size_t len);
long sys_mlockall(struct task *tsk, int flags);
long sys_munlockall(struct task *tsk);
long sys_msync(struct task *tsk, unsigned long start, size_t len, int flags);
/* prctl.c */
long prctl_mm(struct task *tsk, int option, unsigned long arg2, unsigned long arg3,
	      unsigned long arg4, unsigned long arg5);
unsigned long mmf_init_flags(unsigned long flags);
bool map_deny_write_exec(const struct mm_struct *mm, vm_flags_t old, vm_flags_t new);
/* One range of process_madvise's iovec array. */
struct madv_iovec {
	unsigned long base;
	unsigned long len;
};
long sys_process_madvise(struct task *tsk, struct task *target, const struct madv_iovec *iov,
			 size_t vlen, int behavior, unsigned int flags);
/* mseal.c */
long sys_mseal(struct task *tsk, unsigned long start, size_t len, unsigned long flags);
bool can_madvise_modify(const struct vm_area_struct *vma, int behavior);
long prctl_set_vma_anon_name(struct task *tsk, unsigned long start, unsigned long len,
			     const char *name);

/* util.c */
int __must_check security_vm_enough_memory_mm(struct task *tsk, struct mm_struct *mm,
					      long pages);

/* exec.c */
struct mmlab_task;
struct mm_struct *task_mm(struct mmlab_task *t);

/* procfs.c */
int show_maps(struct mm_struct *mm, FILE *out);
int show_smaps(struct mm_struct *mm, FILE *out);

#endif /* MMLAB_MM_VMA_H */
