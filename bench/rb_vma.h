/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VMA tree Linux had before the maple tree (up to 6.0, mm/mmap.c): a red-black tree of VMAs
 * ordered by start, augmented with the largest free gap below each VMA in its subtree
 * (rb_subtree_gap), plus the address-ordered VMA list (vm_prev/vm_next) the gaps are computed
 * from and the highest mapped end. bench_maple measures stores, erases and top-down gap
 * searches on it beside the maple tree, as the structure the maple tree replaced; it is a
 * benchmark baseline, written with libbsd's <bsd/sys/tree.h>, and not used by libmmlab.
 *
 * Left out: the per-thread vmacache and the mm-wide sequence number that invalidated it, and
 * the stack guard gap that vm_start_gap()/vm_end_gap() add around stacks.
 */
#ifndef MMLAB_BENCH_RB_VMA_H
#define MMLAB_BENCH_RB_VMA_H

#include <stdbool.h>
#include <sys/cdefs.h>
#ifndef __unused /* RB_GENERATE_STATIC uses BSD's __unused; glibc's cdefs.h lacks it */
#define __unused __attribute__((unused))
#endif
#include <bsd/sys/tree.h>

struct rb_vma {
	RB_ENTRY(rb_vma) rb;
	unsigned long start, end;      /* [start, end) */
	struct rb_vma *prev, *next;    /* the VMA list */
	unsigned long gap;	       /* free space between prev (or 0) and start */
	unsigned long subtree_gap;     /* largest gap in this subtree (rb_subtree_gap) */
};

RB_HEAD(rb_vma_root, rb_vma);

struct rb_vma_tree {
	struct rb_vma_root root;
	struct rb_vma *first;
	unsigned long highest_end; /* end of the last VMA (mm->highest_vm_end) */
};

void rbv_init(struct rb_vma_tree *t);
/* Links @v, whose start and end are set and overlap nothing. */
void rbv_insert(struct rb_vma_tree *t, struct rb_vma *v);
void rbv_remove(struct rb_vma_tree *t, struct rb_vma *v);
/* Moves @v's start, which must stay above the previous VMA's end (vma_adjust's case). */
void rbv_set_start(struct rb_vma_tree *t, struct rb_vma *v, unsigned long start);
/* find_vma: the first VMA ending above @addr. */
struct rb_vma *rbv_find_vma(struct rb_vma_tree *t, unsigned long addr);
/*
 * unmapped_area_topdown: the highest @len bytes free inside [@low, @high] (both inclusive).
 * Returns true and the first address in *@addr, or false if none.
 */
bool rbv_gap_topdown(struct rb_vma_tree *t, unsigned long low, unsigned long high,
		     unsigned long len, unsigned long *addr);
/* Recomputes every gap and checks the list and the tree against it. */
bool rbv_validate(struct rb_vma_tree *t);

#endif
