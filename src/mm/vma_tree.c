// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The VMAs of an mm by address, in the maple tree mm->mm_mt as Linux keeps them: each VMA is
 * the entry of the range [vm_start, vm_end - 1], and the tree's gap tracking answers
 * get_unmapped_area. Lookups go through a ma_state (mm/vma.h's vma_iterator and the
 * find_vma family of mm/mmap.c); writes store a VMA over its range or NULL over a range, so a
 * split, a merge or an unmap is one store that either happens whole or fails with -ENOMEM
 * and leaves the tree as it was. Callers change a VMA's vm_start/vm_end only after the store
 * that publishes the new layout succeeded.
 * The range walk of the calls that change VMAs range by range (vma_walk_range: madvise,
 * mlock, msync, mprotect, mseal) lives here beside the lookups it is made of; Linux writes
 * that loop out in each of them.
 *
 * Left out: the kernel's node preallocation (mas_preallocate), since every store here may fail
 * by itself without side effects, and RCU readers of the VMA tree (every reader holds
 * mmap_lock, as without per-VMA locks).
 */
#include "mm/vma.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"

#include <string.h>

/**
 * vma_tree_init - set up the empty VMA tree of @mm.
 * Context: @mm is not yet shared.
 * Return: 0 (the tree allocates nothing until the first store).
 */
int vma_tree_init(struct mm_struct *mm)
{
	mt_init_flags(&mm->mm_mt, MT_FLAGS_ALLOC_RANGE);
	return 0;
}

/**
 * vma_tree_destroy - free the tree's nodes (not the VMAs: exit_mmap frees those first).
 * Context: no other user of @mm.
 */
void vma_tree_destroy(struct mm_struct *mm)
{
	__mt_destroy(&mm->mm_mt);
}

/**
 * vma_tree_store - make @vma the entry of [vm_start, vm_end), overwriting whatever the range
 * held; a VMA only partly overwritten keeps its other part in the tree.
 * Context: mmap_lock held for writing.
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int vma_tree_store(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma_tree_store_range(mm, vma, vma->vm_start, vma->vm_end);
}

/* Whether [@start, @end) holds some VMA other than @vma: a store of @vma there takes its range. */
static bool vma_tree_takes_range(struct mm_struct *mm, struct vm_area_struct *vma,
				 unsigned long start, unsigned long end)
{
	unsigned long index = start;
	struct vm_area_struct *other;

	while ((other = __mt_find(&mm->mm_mt, &index, end - 1))) {
		if (other != vma)
			return true;
		if (!index || index >= end)
			break;
	}
	return false;
}

/**
 * vma_tree_store_range - make @vma the entry of [@start, @end) before its fields say so: the
 * caller updates vm_start/vm_end after this succeeded.
 * Context: mmap_lock held for writing.
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int vma_tree_store_range(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			 unsigned long end)
{
	bool takes = vma_tree_takes_range(mm, vma, start, end);
	int err;

	VM_BUG_ON(start >= end || (start | end) & ~PAGE_MASK);
	err = mtree_store_range(&mm->mm_mt, start, end - 1, vma);
	if (!err) {
		mm->vma_seq++;
		if (takes)
			vmacache_invalidate(mm);
	}
	return err;
}

/**
 * vma_tree_clear - remove every VMA entry in [@start, @end) (map_count is the caller's).
 * Context: mmap_lock held for writing.
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int vma_tree_clear(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	int err;

	VM_BUG_ON(start >= end);
	err = mtree_store_range(&mm->mm_mt, start, end - 1, NULL);
	if (!err) {
		mm->vma_seq++;
		vmacache_invalidate(mm);
	}
	return err;
}

/**
 * vma_tree_insert - add @vma, whose range is unmapped, count it and link it into its file's
 * i_mmap.
 * Context: mmap_lock held for writing.
 * Return: 0 or -ENOMEM (nothing changed).
 */
int vma_tree_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	int err;

	VM_BUG_ON(find_vma_intersection(mm, vma->vm_start, vma->vm_end));
	err = vma_tree_store(mm, vma);
	if (err)
		return err;
	vma_link_file(vma);
	mm->map_count++;
	return 0;
}

/**
 * vma_tree_remove - take @vma out of the tree and uncount it.
 * Context: mmap_lock held for writing.
 * Return: 0 or -ENOMEM (nothing changed).
 */
int vma_tree_remove(struct mm_struct *mm, struct vm_area_struct *vma)
{
	int err;

	VM_BUG_ON(mtree_load(&mm->mm_mt, vma->vm_start) != vma);
	err = vma_tree_clear(mm, vma->vm_start, vma->vm_end);
	if (!err)
		mm->map_count--;
	return err;
}

/**
 * __find_vma - the first VMA ending above @addr, from the tree alone (no VMA cache).
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *__find_vma(struct mm_struct *mm, unsigned long addr)
{
	unsigned long index = addr;

	return __mt_find(&mm->mm_mt, &index, ULONG_MAX);
}

/**
 * find_vma - the first VMA ending above @addr: the current task's VMA cache first
 * (vmacache.c), then the tree, whose answer the cache keeps.
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct task *tsk = current_task;
	struct vm_area_struct *vma = vmacache_find(tsk, mm, addr);

	if (vma)
		return vma;
	vma = __find_vma(mm, addr);
	if (vma)
		vmacache_update(tsk, addr, vma);
	return vma;
}

/**
 * find_vma_prev - find_vma() and the VMA before it (mm/mmap.c's, on one ma_state).
 * @pprev: set to the last VMA ending at or below @addr, or NULL
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	VMA_ITERATOR(vmi, mm, addr);
	struct vm_area_struct *vma = vmacache_find(current_task, mm, addr);

	if (vma) {
		*pprev = vma_prev_of(mm, vma);
		return vma;
	}
	vma = vma_find(&vmi, 0);
	if (vma)
		vmacache_update(current_task, addr, vma);
	*pprev = vma ? vma_prev(&vmi) : mt_prev(&mm->mm_mt, addr, 0);
	if (vma && *pprev == vma)
		*pprev = NULL;
	return vma;
}

/**
 * find_vma_intersection - the first VMA overlapping [@start, @end).
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	if (start >= end)
		return NULL;
	vma = find_vma(mm, start);
	return vma && vma->vm_start < end ? vma : NULL;
}

/**
 * vma_lookup - the VMA containing @addr.
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

/**
 * vma_next_of - the VMA after @vma (any distance away): Linux's vm_next, no cached lookup.
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *vma_next_of(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return __find_vma(mm, vma->vm_end);
}

/**
 * vma_prev_of - the VMA before @vma (any distance away).
 * Context: mmap_lock held.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *vma_prev_of(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (!vma->vm_start)
		return NULL;
	return mt_prev(&mm->mm_mt, vma->vm_start, 0);
}

/**
 * vma_walk_range - call @w->visit on each piece of [@w->start, @w->end), in address order.
 * @w: the walk (see struct vma_walk); @w->prev is set here for the first piece: the VMA
 * itself when the range starts inside it, else the VMA before it
 *
 * The iterator is re-set after every piece, since the visitor may have replaced the nodes it
 * stood on.
 * Context: mmap_lock held for writing (for reading when the visitor changes no VMA).
 * Return: the visitor's first error, which ends the walk; else -ENOMEM when the range has a
 * gap (the pieces after it were visited only with @w->skip_gaps); else 0.
 */
int vma_walk_range(struct vma_walk *w)
{
	VMA_ITERATOR(vmi, w->mm, w->start);
	unsigned long addr = w->start, piece_end;
	struct vm_area_struct *vma;
	bool gap = false;
	int err;

	VM_BUG_ON(w->start >= w->end || (w->start & ~PAGE_MASK));
	while (addr < w->end) {
		/* the first piece is a lookup (through the VMA cache), the rest a walk */
		vma = addr == w->start ? find_vma_intersection(w->mm, addr, w->end) :
					 vma_find(&vmi, w->end);
		if (!vma || vma->vm_start > addr) {
			gap = true;
			if (!vma || !w->skip_gaps)
				break;
		}
		if (addr == w->start)
			w->prev = addr > vma->vm_start ? vma : vma_prev_of(w->mm, vma);
		addr = max(addr, vma->vm_start);
		piece_end = min(vma->vm_end, w->end);
		err = w->visit(w, vma, addr, piece_end);
		if (err)
			return err;
		VM_BUG_ON(!w->prev);
		/* past a VMA the visitor merged forward beyond the piece */
		addr = max(piece_end, w->prev->vm_end);
		vma_iter_set(&vmi, addr);
	}
	return gap ? -ENOMEM : 0;
}

/**
 * vma_tree_validate - the tree is a valid maple tree, each entry's range is its VMA's
 * [vm_start, vm_end - 1], ranges are page-aligned, and map_count counts them.
 * Context: mmap_lock held.
 * Return: 0, or -EUCLEAN with the first problem on stderr.
 */
int vma_tree_validate(struct mm_struct *mm)
{
	MA_STATE(mas, &mm->mm_mt, 0, 0);
	struct vm_area_struct *v;
	unsigned long last_end = 0;
	int n = 0, err;

	err = mt_validate(&mm->mm_mt);
	if (err) {
		fprintf(stderr, "mmlab: VMA maple tree invalid (%d)\n", err);
		return -EUCLEAN;
	}
	mas_for_each(&mas, v, ULONG_MAX) {
		if (v->vm_start != mas.index || v->vm_end - 1 != mas.last || v->vm_mm != mm ||
		    v->vm_start >= v->vm_end || v->vm_start < last_end ||
		    (v->vm_start | v->vm_end) & ~PAGE_MASK) {
			fprintf(stderr, "mmlab: bad VMA %lx-%lx stored at %lx-%lx after %lx\n",
				v->vm_start, v->vm_end, mas.index, mas.last + 1, last_end);
			return -EUCLEAN;
		}
		last_end = v->vm_end;
		n++;
	}
	if (n != mm->map_count) {
		fprintf(stderr, "mmlab: map_count %d, tree holds %d\n", mm->map_count, n);
		return -EUCLEAN;
	}
	return 0;
}
