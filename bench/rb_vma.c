// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Linux's pre-maple VMA tree (see rb_vma.h): the augmented red-black tree and the VMA list.
 * Gap upkeep follows the kernel's order of work: a VMA is linked into the tree with a gap of
 * zero, which changes no ancestor, so rebalancing rotations only need to recompute the two
 * nodes they move (libbsd's RB_AUGMENT hook); its real gap is then propagated upwards until an
 * ancestor's value does not change (vma_gap_update). A VMA leaving the tree first has its gap
 * propagated down to zero, for the same reason.
 */
#include <stddef.h>

struct rb_vma;
static void rbv_augment(struct rb_vma *v);
#define RB_AUGMENT(x) rbv_augment(x)

#include "rb_vma.h"

static int rbv_cmp(struct rb_vma *a, struct rb_vma *b)
{
	return (a->start > b->start) - (a->start < b->start);
}

RB_GENERATE_STATIC(rb_vma_root, rb_vma, rb, rbv_cmp)

static unsigned long rbv_max(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/* The subtree gap of @v from its own gap and its children's (the rotation callback). */
static unsigned long rbv_compute(struct rb_vma *v)
{
	unsigned long g = v->gap;

	if (RB_LEFT(v, rb))
		g = rbv_max(g, RB_LEFT(v, rb)->subtree_gap);
	if (RB_RIGHT(v, rb))
		g = rbv_max(g, RB_RIGHT(v, rb)->subtree_gap);
	return g;
}

static void rbv_augment(struct rb_vma *v)
{
	v->subtree_gap = rbv_compute(v);
}

/* vma_gap_update: @v's own gap changed; fix the ancestors that see it. */
static void rbv_propagate(struct rb_vma *v)
{
	for (; v; v = RB_PARENT(v, rb)) {
		unsigned long g = rbv_compute(v);

		if (g == v->subtree_gap)
			break;
		v->subtree_gap = g;
	}
}

static void rbv_set_gap(struct rb_vma *v)
{
	v->gap = v->start - (v->prev ? v->prev->end : 0);
	rbv_propagate(v);
}

void rbv_init(struct rb_vma_tree *t)
{
	RB_INIT(&t->root);
	t->first = NULL;
	t->highest_end = 0;
}

void rbv_insert(struct rb_vma_tree *t, struct rb_vma *v)
{
	v->gap = 0;
	v->subtree_gap = 0;
	RB_INSERT(rb_vma_root, &t->root, v);
	v->prev = RB_PREV(rb_vma_root, &t->root, v);
	v->next = RB_NEXT(rb_vma_root, &t->root, v);
	if (v->prev)
		v->prev->next = v;
	else
		t->first = v;
	if (v->next) {
		v->next->prev = v;
		rbv_set_gap(v->next);
	} else {
		t->highest_end = v->end;
	}
	rbv_set_gap(v);
}

void rbv_remove(struct rb_vma_tree *t, struct rb_vma *v)
{
	v->gap = 0;
	rbv_propagate(v);
	RB_REMOVE(rb_vma_root, &t->root, v);
	if (v->prev)
		v->prev->next = v->next;
	else
		t->first = v->next;
	if (v->next) {
		v->next->prev = v->prev;
		rbv_set_gap(v->next);
	} else {
		t->highest_end = v->prev ? v->prev->end : 0;
	}
}

void rbv_set_start(struct rb_vma_tree *t, struct rb_vma *v, unsigned long start)
{
	v->start = start;
	rbv_set_gap(v);
}

struct rb_vma *rbv_find_vma(struct rb_vma_tree *t, unsigned long addr)
{
	struct rb_vma *n = RB_ROOT(&t->root), *best = NULL;

	while (n) {
		if (n->end > addr) {
			best = n;
			if (n->start <= addr)
				break;
			n = RB_LEFT(n, rb);
		} else {
			n = RB_RIGHT(n, rb);
		}
	}
	return best;
}

/*
 * The highest start for @len bytes in the gap [gs, ge) and the window [low, high], or 0 with
 * *ok false.
 */
static unsigned long rbv_fit(unsigned long gs, unsigned long ge, unsigned long low,
			     unsigned long high, unsigned long len, bool *ok)
{
	unsigned long end = high == ~0UL || ge <= high ? ge : high + 1; /* exclusive */
	unsigned long a = end - len;

	*ok = end >= len && a >= gs && a >= low;
	return a;
}

/*
 * unmapped_area_topdown's walk: right subtrees first (higher addresses), each entered only
 * if its largest gap is big enough and could start low enough; a VMA's own gap lies between
 * its left and right subtrees. The walk stops once a gap ends too low for anything below it.
 */
bool rbv_gap_topdown(struct rb_vma_tree *t, unsigned long low, unsigned long high,
		     unsigned long len, unsigned long *addr)
{
	struct rb_vma *v = RB_ROOT(&t->root);
	unsigned long latest, gs;
	bool ok;

	if (!len || high < low || high - low < len - 1)
		return false;
	latest = high - len + 1; /* the highest start that fits the window */
	if (t->highest_end <= latest) { /* above the last VMA */
		*addr = latest;
		return latest >= low;
	}
	if (!v || v->subtree_gap < len)
		return false;
	for (;;) {
		struct rb_vma *r = RB_RIGHT(v, rb), *l;

		gs = v->prev ? v->prev->end : 0;
		if (gs <= latest && r && r->subtree_gap >= len) {
			v = r;
			continue;
		}
check:
		if (v->start < low + len)
			return false; /* this gap and every one below end too low */
		*addr = rbv_fit(gs, v->start, low, high, len, &ok);
		if (ok)
			return true;
		l = RB_LEFT(v, rb);
		if (l && l->subtree_gap >= len) {
			v = l;
			continue;
		}
		for (;;) { /* back up to the nearest ancestor whose own gap is still to check */
			struct rb_vma *p = RB_PARENT(v, rb);

			if (!p)
				return false;
			if (RB_RIGHT(p, rb) == v) {
				v = p;
				gs = v->prev ? v->prev->end : 0;
				goto check;
			}
			v = p;
		}
	}
}

static bool rbv_check(struct rb_vma *v, unsigned long *gap)
{
	unsigned long l = 0, r = 0;

	if (!v) {
		*gap = 0;
		return true;
	}
	if (!rbv_check(RB_LEFT(v, rb), &l) || !rbv_check(RB_RIGHT(v, rb), &r))
		return false;
	*gap = rbv_max(v->gap, rbv_max(l, r));
	return v->subtree_gap == *gap;
}

bool rbv_validate(struct rb_vma_tree *t)
{
	struct rb_vma *v, *prev = NULL;
	unsigned long g;

	RB_FOREACH(v, rb_vma_root, &t->root) {
		if (v->prev != prev || (prev ? prev->next != v : t->first != v) ||
		    v->gap != v->start - (prev ? prev->end : 0) || (prev && prev->end > v->start))
			return false;
		prev = v;
	}
	if ((prev ? prev->next : t->first) || t->highest_end != (prev ? prev->end : 0))
		return false;
	return rbv_check(RB_ROOT(&t->root), &g);
}
