/*
 * The VMAs of an mm by address: lookups, neighbours, insert/remove and the gap searches that
 * get_unmapped_area needs. Linux keeps them in a maple tree (mm->mm_mt, used through
 * vma_iterator in mm/vma.h); this file gives the same answers from a sorted array of VMA
 * pointers while the maple tree lands, so every caller goes through the functions below and
 * swapping the structure underneath touches only this file. The gap searches follow
 * mas_empty_area() / mas_empty_area_rev(): a gap is a maximal unmapped range, clipped to the
 * search window, that must hold the requested size.
 */
#include "mm/vma.h"

#include <string.h>

struct vma_tree {
	struct vm_area_struct **v;	/* VMAs sorted by vm_start; ranges never overlap */
	int nr;				/* Entries used */
	int cap;			/* Entries allocated */
};

int vma_tree_init(struct mm_struct *mm)
{
	mm->mm_mt = calloc(1, sizeof(*mm->mm_mt));
	return mm->mm_mt ? 0 : -ENOMEM;
}

void vma_tree_destroy(struct mm_struct *mm)
{
	if (!mm->mm_mt)
		return;
	free(mm->mm_mt->v);
	free(mm->mm_mt);
	mm->mm_mt = NULL;
}

/* Index of the first VMA with vm_end > addr (nr when none). */
static int first_ending_after(const struct vma_tree *t, unsigned long addr)
{
	int lo = 0, hi = t->nr;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (t->v[mid]->vm_end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int index_of(const struct vma_tree *t, const struct vm_area_struct *vma)
{
	int i = first_ending_after(t, vma->vm_start);

	VM_BUG_ON(i >= t->nr || t->v[i] != vma);
	return i;
}

int vma_tree_preallocate(struct mm_struct *mm, int extra)
{
	struct vma_tree *t = mm->mm_mt;
	struct vm_area_struct **v;
	int cap;

	if (t->nr + extra <= t->cap)
		return 0;
	cap = max(t->cap * 2, t->nr + extra + 16);
	v = realloc(t->v, (size_t)cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = cap;
	return 0;
}

void vma_tree_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vma_tree *t = mm->mm_mt;
	int i = first_ending_after(t, vma->vm_start);

	VM_BUG_ON(t->nr >= t->cap);
	VM_BUG_ON(i < t->nr && t->v[i]->vm_start < vma->vm_end);
	memmove(&t->v[i + 1], &t->v[i], (size_t)(t->nr - i) * sizeof(*t->v));
	t->v[i] = vma;
	t->nr++;
	mm->map_count++;
	mm->vma_seq++;
}

void vma_tree_remove(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vma_tree *t = mm->mm_mt;
	int i = index_of(t, vma);

	memmove(&t->v[i], &t->v[i + 1], (size_t)(t->nr - i - 1) * sizeof(*t->v));
	t->nr--;
	mm->map_count--;
	mm->vma_seq++;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vma_tree *t = mm->mm_mt;
	int i = first_ending_after(t, addr);

	return i < t->nr ? t->v[i] : NULL;
}

struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vma_tree *t = mm->mm_mt;
	int i = first_ending_after(t, addr);

	*pprev = i > 0 ? t->v[i - 1] : NULL;
	return i < t->nr ? t->v[i] : NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vma_tree *t = mm->mm_mt;
	int i = vma ? index_of(t, vma) + 1 : 0;

	return i < t->nr ? t->v[i] : NULL;
}

struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vma_tree *t = mm->mm_mt;
	int i = vma ? index_of(t, vma) : t->nr;

	return i > 0 ? t->v[i - 1] : NULL;
}

/*
 * The lowest (rev false) or highest (rev true) gap inside [@min, @max) holding @size bytes.
 * Fills the clipped gap [*start, *end) and the VMAs around it.
 */
int vma_tree_find_gap(struct mm_struct *mm, unsigned long min, unsigned long max,
		      unsigned long size, bool rev, struct vma_gap *gap)
{
	struct vma_tree *t = mm->mm_mt;

	if (min >= max || max - min < size)
		return -EBUSY;
	for (int k = 0; k <= t->nr; k++) {
		int i = rev ? t->nr - k : k; /* the gap just below v[i] */
		unsigned long hs = i > 0 ? t->v[i - 1]->vm_end : 0;
		unsigned long he = i < t->nr ? t->v[i]->vm_start : ~0UL;
		unsigned long cs = max(hs, min), ce = min(he, max);

		if (ce <= cs || ce - cs < size)
			continue;
		gap->start = cs;
		gap->end = ce;
		gap->prev = i > 0 ? t->v[i - 1] : NULL;
		gap->next = i < t->nr ? t->v[i] : NULL;
		return 0;
	}
	return -EBUSY;
}

int vma_tree_validate(struct mm_struct *mm)
{
	struct vma_tree *t = mm->mm_mt;
	unsigned long last_end = 0;

	if (t->nr != mm->map_count) {
		fprintf(stderr, "mmlab: map_count %d, tree holds %d\n", mm->map_count, t->nr);
		return -EUCLEAN;
	}
	for (int i = 0; i < t->nr; i++) {
		const struct vm_area_struct *v = t->v[i];

		if (v->vm_start >= v->vm_end || v->vm_start < last_end || v->vm_mm != mm ||
		    v->vm_start % PAGE_SIZE || v->vm_end % PAGE_SIZE) {
			fprintf(stderr, "mmlab: bad VMA %lx-%lx after %lx\n", v->vm_start, v->vm_end,
				last_end);
			return -EUCLEAN;
		}
		last_end = v->vm_end;
	}
	return 0;
}
