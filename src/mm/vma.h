/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMAs (mm/vma.h and the VMA parts of include/linux/mm.h): the VMA tree, its iterator and the
 * range walk the VMA-by-VMA calls share (vma_tree.c), VMA life, split and merge with the state
 * one merge threads through, the unmap path and validate_mm (vma.c). Every call expects mmap_lock held for writing (or
 * reading, for lookups). Mapping is mmap.h's, the system calls are syscalls.h's, and the task
 * that makes them is task.h's.
 */
#ifndef MMLAB_MM_VMA_H
#define MMLAB_MM_VMA_H

#include "lib/maple_tree.h"
#include "mm/mm_types.h"

#define DEFAULT_MAX_MAP_COUNT 65530		/* vm.max_map_count's default */
#define STACK_GUARD_GAP (256UL << PAGE_SHIFT)	/* stack_guard_gap: 256 pages */
#define ANON_VMA_NAME_MAX_LEN 80	/* PR_SET_VMA_ANON_NAME's limit, the NUL included */

/* Where a merge attempt stands (mm/vma.h's vma_merge_state). */
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
	struct mm_struct *mm;		/* The address space, its mmap_lock held for writing */
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
	struct ma_state mas;		/* Its position in mm->mm_mt */
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

/*
 * A walk over [start, end) for the calls that change a range VMA by VMA (madvise, mlock,
 * mprotect, msync, mseal). The visitor gets one piece at a time, the part of one VMA inside
 * the range, and may split and merge. It leaves in prev the VMA that covers the piece
 * afterwards; the walk resumes at that VMA's end, so a piece merged into the next VMA is not
 * visited twice:
 *
 *     start                                    end
 *       |  piece 1   |  piece 2  |  gap  | piece 3 |
 *   ....[  VMA A     |  VMA B    ]       [  VMA C  |.....]
 */
struct vma_walk {
	struct mm_struct *mm;
	unsigned long start, end;	/* The range: start page-aligned, start < end */
	bool skip_gaps;			/* A gap is stepped over (madvise, msync) rather than
					 * ending the walk (mlock, mprotect); -ENOMEM either way */
	int (*visit)(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end);	/* Acts on one piece: 0 or -errno */
	void *private;			/* The visitor's own state */
	struct vm_area_struct *prev;	/* On entry to visit: vma_modify's prev for the piece;
					 * on return: the VMA now covering it (never NULL) */
};

/* vma_tree.c */
int __must_check vma_tree_init(struct mm_struct *mm);
void vma_tree_destroy(struct mm_struct *mm);
int __must_check vma_tree_store(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check vma_tree_store_range(struct mm_struct *mm, struct vm_area_struct *vma,
				      unsigned long start, unsigned long end);
int __must_check vma_tree_clear(struct mm_struct *mm, unsigned long start, unsigned long end);
int __must_check vma_tree_insert(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check vma_tree_remove(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *__find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_next_of(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_prev_of(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check vma_walk_range(struct vma_walk *w);
int vma_tree_validate(struct mm_struct *mm);

/* vma.c */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma);
void vm_area_free(struct vm_area_struct *vma);
void vma_link_file(struct vm_area_struct *vma);
void vma_unlink_file(struct vm_area_struct *vma);
void vma_set_pgrange(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		     pgoff_t pgoff);
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

/* madvise.c */
bool madvise_discards(int behavior);

/* mseal.c (mm/vma.h's can_modify_vma_madv) */
bool can_madvise_modify(const struct vm_area_struct *vma, int behavior);

#endif /* MMLAB_MM_VMA_H */
