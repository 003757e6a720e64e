/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reference model of a maple tree for differential tests: a sorted array of non-overlapping
 * non-NULL ranges, with every query answered by the obvious linear rule. Slow and simple on
 * purpose: each function restates the kernel's documented semantics.
 */
#ifndef MMLAB_TEST_MAPLE_REF_H
#define MMLAB_TEST_MAPLE_REF_H

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct ref_range {
	unsigned long first, last;
	void *entry;
};

struct ref_tree {
	struct ref_range *r;
	size_t nr, cap;
};

static inline void ref_insert_at(struct ref_tree *t, size_t i, struct ref_range x)
{
	if (t->nr == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		if (!t->r)
			abort();
	}
	memmove(&t->r[i + 1], &t->r[i], (t->nr - i) * sizeof(*t->r));
	t->r[i] = x;
	t->nr++;
}

static inline void ref_remove_at(struct ref_tree *t, size_t i)
{
	memmove(&t->r[i], &t->r[i + 1], (t->nr - i - 1) * sizeof(*t->r));
	t->nr--;
}

/* First range with last >= index. */
static inline size_t ref_lower(const struct ref_tree *t, unsigned long index)
{
	size_t lo = 0, hi = t->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->r[mid].last < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* mas_store semantics: overlapping ranges are trimmed or split. */
static inline void ref_store(struct ref_tree *t, unsigned long first, unsigned long last,
			     void *entry)
{
	size_t i = ref_lower(t, first);

	while (i < t->nr && t->r[i].first <= last) {
		struct ref_range *x = &t->r[i];

		if (x->first < first && x->last > last) { /* split */
			struct ref_range right = { last + 1, x->last, x->entry };

			x->last = first - 1;
			ref_insert_at(t, i + 1, right);
			i++;
			break;
		}
		if (x->first < first) {
			x->last = first - 1;
			i++;
		} else if (x->last > last) {
			x->first = last + 1;
			break;
		} else {
			ref_remove_at(t, i);
		}
	}
	if (entry)
		ref_insert_at(t, ref_lower(t, first), (struct ref_range){ first, last, entry });
}

static inline struct ref_range *ref_at(struct ref_tree *t, unsigned long index)
{
	size_t i = ref_lower(t, index);

	return i < t->nr && t->r[i].first <= index ? &t->r[i] : NULL;
}

static inline void *ref_load(struct ref_tree *t, unsigned long index)
{
	struct ref_range *x = ref_at(t, index);

	return x ? x->entry : NULL;
}

/* The full-partition range (entry or gap) holding index. */
static inline void ref_range_of(struct ref_tree *t, unsigned long index, unsigned long *s,
				unsigned long *e)
{
	size_t i = ref_lower(t, index);

	if (i < t->nr && t->r[i].first <= index) {
		*s = t->r[i].first;
		*e = t->r[i].last;
		return;
	}
	*s = i ? t->r[i - 1].last + 1 : 0;
	*e = i < t->nr ? t->r[i].first - 1 : ULONG_MAX;
}

/* mt_find: entry at index, else the first one starting in (index, max]. */
static inline struct ref_range *ref_find(struct ref_tree *t, unsigned long index,
					 unsigned long max)
{
	size_t i;

	if (index > max)
		return NULL;
	i = ref_lower(t, index);
	return i < t->nr && t->r[i].first <= max ? &t->r[i] : NULL;
}

/* mt_next: first entry after the range holding index, starting at or below max. */
static inline struct ref_range *ref_next(struct ref_tree *t, unsigned long index,
					 unsigned long max)
{
	unsigned long s, e;

	ref_range_of(t, index, &s, &e);
	if (e >= max)
		return NULL;
	return ref_find(t, e + 1, max);
}

/* mt_prev: nearest entry before the range holding index, ending at or above min. */
static inline struct ref_range *ref_prev(struct ref_tree *t, unsigned long index,
					 unsigned long min)
{
	unsigned long s, e;
	size_t i;

	if (index <= min)
		return NULL;
	ref_range_of(t, index, &s, &e);
	if (s <= min)
		return NULL;
	i = ref_lower(t, s); /* first range with last >= s: the one at s or after */
	if (i == 0)
		return NULL;
	return t->r[i - 1].last >= min ? &t->r[i - 1] : NULL;
}

/* mas_empty_area(_rev): lowest/highest [index, index + size - 1] in [min, max], all empty. */
static inline int ref_gap(struct ref_tree *t, unsigned long min, unsigned long max,
			  unsigned long size, bool rev, unsigned long *index)
{
	size_t i;

	if (min > max || size == 0 || max - min < size - 1)
		return -22;
	/* Gaps: [prev.last + 1, next.first - 1] for consecutive entries, plus the two ends. */
	for (i = 0; i <= t->nr; i++) {
		size_t k = rev ? t->nr - i : i;
		unsigned long gs, ge, s, e;

		if (k == 0)
			gs = 0;
		else if (t->r[k - 1].last == ULONG_MAX)
			continue;
		else
			gs = t->r[k - 1].last + 1;
		if (k == t->nr)
			ge = ULONG_MAX;
		else if (t->r[k].first == 0)
			continue;
		else
			ge = t->r[k].first - 1;
		if (gs > ge)
			continue;
		s = gs > min ? gs : min;
		e = ge < max ? ge : max;
		if (s > e || e - s < size - 1)
			continue;
		*index = rev ? e - size + 1 : s;
		return 0;
	}
	return -16;
}

static inline void ref_destroy(struct ref_tree *t)
{
	free(t->r);
	t->r = NULL;
	t->nr = t->cap = 0;
}

#endif
