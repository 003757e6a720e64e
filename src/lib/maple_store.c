// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Maple tree write path: store a range over whatever it overlaps (trimming or splitting the
 * neighbours exactly as Linux's mas_store), with node splits, rebalancing and gap upkeep. It
 * corresponds to the write half of lib/maple_tree.c (mas_wr_*, mas_spanning_store,
 * mas_split, mas_rebalance), rebuilt around one idea instead of the kernel's many cases:
 *
 * A store replaces a contiguous span of nodes on every level it touches with new nodes:
 *
 *   level k+1:  [ a  b  L ........... R  c  d ]     L, R: nodes holding first and last
 *   level k:          [x y|first ... last|z]        items = kept left + new + kept right
 *
 * On level 0 the items are the leaf slots left of @first, the new entry, and the slots right
 * of @last; on level k the items are the kept children of the boundary nodes plus the nodes
 * built on level k - 1. Too few items (below minimum fill) pull in a whole neighbour node of
 * the same level, even under another parent, like mas_spanning_rebalance. Too many are split
 * evenly, or, when appending at the right edge of the tree, leaving every node but the new
 * rightmost one full, so that ascending insertion packs nodes as the kernel's append does. The climb stops at the first level
 * where one node was replaced by one node: that one is published with a single release store
 * into its parent (or the root), and every replaced node is freed after a grace period.
 * Nothing is visible before that store, so an allocation failure just frees the new nodes.
 *
 * Most stores never reach that climb: mas_wr_leaf() handles a store that stays inside one leaf
 * (Linux's slot store and node store), rebuilding just that leaf from a cached node, and
 * mas_wr_rebalance() handles one that leaves the leaf under minimum fill, or erases next to a
 * NULL range in the sibling leaf, by rebuilding the leaf with that sibling under a copy of the
 * parent (Linux's mas_rebalance when the parent needs no rebalancing itself). The
 * rightmost node of each level may be below minimum fill, as in Linux; that is what lets an
 * append at the right edge leave every node to its left full.
 *
 * Left out: the kernel's node preallocation API (mas_preallocate; a per-tree node cache does its
 * job) and in-place appends (Linux does them only outside RCU mode; every tree here is in RCU
 * mode); only an exact-range overwrite with a non-NULL entry is done in place.
 */
#include "maple_internal.h"

#include <string.h>

#define MT_ITEMS_MAX 48 /* 15 kept + 3 + 15 kept on a leaf; < MIN + 16 after a pull */
#define MT_MID_MAX 4
#define MT_FRESH_MAX (MT_MID_MAX * (MAPLE_HEIGHT_MAX + 1))

/* One slot of a node being built: an entry (leaf) or a child with its gap. */
struct mt_item {
	void *ptr;	    /* entry, or child enode */
	unsigned long last; /* last index covered */
	unsigned long gap;  /* largest gap in the child (internal levels) */
};

/* State of one store, threaded through every step (Linux's ma_wr_state in spirit). */
struct ma_wr_state {
	struct maple_tree *mt;
	unsigned long first, last;		    /* range stored, after NULL merging */
	void *entry;				    /* what is stored; NULL erases */
	unsigned int height;			    /* tree height before the store */
	struct ma_state l, r;			    /* paths to first and last */
	unsigned long lo[MAPLE_HEIGHT_MAX + 1];	    /* replaced span per level, from leaves */
	unsigned long hi[MAPLE_HEIGHT_MAX + 1];
	struct mt_item items[MT_ITEMS_MAX];	    /* slots of the level being built */
	unsigned int nr;
	bool bias;				    /* appending at the right edge */
	struct mt_item mid[MT_MID_MAX];		    /* nodes built on the level below */
	unsigned int nr_mid;
	struct maple_node *fresh[MT_FRESH_MAX];	    /* every node allocated, for unwinding */
	unsigned int nr_fresh;
	struct maple_node *leaf;		    /* new leaf when only one leaf changed */
};

/* Path entries by level counted from the leaves, as the climb goes. */
static inline struct ma_path *wr_l(struct ma_wr_state *w, unsigned int k)
{
	return &w->l.path[w->height - 1 - k];
}
static inline struct ma_path *wr_r(struct ma_wr_state *w, unsigned int k)
{
	return &w->r.path[w->height - 1 - k];
}

/* Appends an item; two NULL ranges in a row become one (the tree never has them apart). */
static void wr_push(struct ma_wr_state *w, void *ptr, unsigned long last, unsigned long gap)
{
	if (!ptr && w->nr && !w->items[w->nr - 1].ptr) {
		w->items[w->nr - 1].last = last;
		return;
	}
	VM_BUG_ON(w->nr >= MT_ITEMS_MAX);
	w->items[w->nr++] = (struct mt_item){ .ptr = ptr, .last = last, .gap = gap };
}

static void wr_push_slot(struct ma_wr_state *w, struct ma_path *p, unsigned int i, bool leaf)
{
	struct maple_node *n = mte_to_node(p->node);
	unsigned long last = ma_slot_max(ma_pivots(n, leaf), i, n->meta.end, p->max);

	wr_push(w, ma_slots(n, leaf)[i], last, leaf ? 0 : n->ma64.gap[i]);
}

/* Level 0: slots left of first, the entry, slots right of last. */
static void wr_leaf_items(struct ma_wr_state *w)
{
	struct ma_path *lp = wr_l(w, 0), *rp = wr_r(w, 0);
	struct maple_node *ln = mte_to_node(lp->node), *rn = mte_to_node(rp->node);
	unsigned int i;

	w->nr = 0;
	for (i = 0; i < lp->offset; i++)
		wr_push_slot(w, lp, i, true);
	if (w->l.index < w->first)
		wr_push(w, ln->mr64.slot[lp->offset], w->first - 1, 0);
	wr_push(w, w->entry, w->last, 0);
	if (w->r.last > w->last)
		wr_push(w, rn->mr64.slot[rp->offset], w->r.last, 0);
	for (i = rp->offset + 1; i < rn->meta.end; i++)
		wr_push_slot(w, rp, i, true);
	w->bias = rp->max == ULONG_MAX && rp->offset + 1 == rn->meta.end;
}

/* Level k > 0: kept children of the boundary nodes around the nodes built below. */
static void wr_node_items(struct ma_wr_state *w, unsigned int k)
{
	struct ma_path *lp = wr_l(w, k), *rp = wr_r(w, k);
	struct maple_node *rn = mte_to_node(rp->node);
	unsigned int i;

	w->nr = 0;
	for (i = 0; i < lp->offset; i++)
		wr_push_slot(w, lp, i, false);
	for (i = 0; i < w->nr_mid; i++)
		wr_push(w, w->mid[i].ptr, w->mid[i].last, w->mid[i].gap);
	for (i = rp->offset + 1; i < rn->meta.end; i++)
		wr_push_slot(w, rp, i, false);
	w->bias = rp->max == ULONG_MAX && rp->offset + 1 == rn->meta.end;
}

/* Child @p->offset of path entry @p, as the path entry one level down. */
static void wr_path_child(struct ma_path *p, struct ma_path *c, bool last_slot)
{
	struct maple_node *n = mte_to_node(p->node);
	struct maple_enode *child = n->ma64.slot[p->offset];

	*c = (struct ma_path){
		.node = child,
		.min = ma_slot_min(n->ma64.pivot, p->offset, p->min),
		.max = ma_slot_max(n->ma64.pivot, p->offset, n->meta.end, p->max),
		.offset = last_slot ? mte_to_node(child)->meta.end - 1 : 0,
	};
}

/*
 * The level of the nearest ancestor of level @k's span that has a child left (or right) of
 * the span's path; w->height when the span is at the tree's edge.
 */
static unsigned int wr_neighbour_level(struct ma_wr_state *w, unsigned int k, bool left)
{
	unsigned int j;

	for (j = k + 1; j < w->height; j++) {
		struct ma_path *p = left ? wr_l(w, j) : wr_r(w, j);

		if (left ? p->offset > 0 : p->offset + 1u < mte_to_node(p->node)->meta.end)
			break;
	}
	return j;
}

/* Slots used by the node of level @k just left (or right) of the span; -1 at the edge. */
static int wr_neighbour_end(struct ma_wr_state *w, unsigned int k, bool left)
{
	unsigned int j = wr_neighbour_level(w, k, left);
	struct maple_enode *e;
	struct ma_path *p;

	if (j >= w->height)
		return -1;
	p = left ? wr_l(w, j) : wr_r(w, j);
	e = mte_to_node(p->node)->ma64.slot[p->offset + (left ? -1 : 1)];
	for (; --j > k;) {
		struct maple_node *n = mte_to_node(e);

		e = n->ma64.slot[left ? n->meta.end - 1 : 0];
	}
	return mte_to_node(e)->meta.end;
}

/*
 * Take in every slot of the node of level @k just left (or right) of the span, found through
 * the nearest ancestor that has one, as the kernel's spanning rebalance does: when the items
 * are too few for a node, or too many for one node and the neighbour has room for the excess
 * (mas_push_data). The span grows by that node; the paths above now lead to it.
 */
static void wr_pull_neighbour(struct ma_wr_state *w, unsigned int k, bool left)
{
	struct mt_item saved[MT_ITEMS_MAX];
	unsigned int nr = w->nr, j = wr_neighbour_level(w, k, left), i;
	struct ma_path *p;

	VM_BUG_ON(j >= w->height);
	p = left ? wr_l(w, j) : wr_r(w, j);
	if (left)
		p->offset--;
	else
		p->offset++;
	for (i = j; i > k; i--) {
		if (left)
			wr_path_child(wr_l(w, i), wr_l(w, i - 1), true);
		else
			wr_path_child(wr_r(w, i), wr_r(w, i - 1), false);
	}
	p = left ? wr_l(w, k) : wr_r(w, k);
	memcpy(saved, w->items, nr * sizeof(saved[0]));
	w->nr = 0;
	if (!left)
		for (i = 0; i < nr; i++)
			wr_push(w, saved[i].ptr, saved[i].last, saved[i].gap);
	for (i = 0; i < mte_to_node(p->node)->meta.end; i++)
		wr_push_slot(w, p, i, k == 0);
	if (left)
		for (i = 0; i < nr; i++)
			wr_push(w, saved[i].ptr, saved[i].last, saved[i].gap);
	if (left)
		w->lo[k] = p->min;
	else
		w->hi[k] = p->max;
	w->bias = false;
}

static void wr_unwind(struct ma_wr_state *w)
{
	while (w->nr_fresh)
		mt_free_node_now(w->mt, w->fresh[--w->nr_fresh]);
}

/* Fills a new node with items [@start, @start + @nr); its range begins at @min. */
static unsigned long wr_fill(struct maple_node *n, bool leaf, const struct mt_item *it,
			     unsigned int nr, unsigned long min)
{
	unsigned long *piv = ma_pivots(n, leaf), gap = 0, lo = min;
	void **slots = ma_slots(n, leaf);
	unsigned int i, npiv = mt_slots(leaf) - 1;

	/*
	 * One simple loop per field, each a run of loads and stores the CPU overlaps; the largest
	 * gap is gathered on the way, not by a second pass over the node (mt_node_gap).
	 */
	n->meta.end = (unsigned char)nr;
	for (i = 0; i + 1 < nr; i++)
		piv[i] = it[i].last;
	for (i = nr - 1; i < npiv; i++) /* unused pivots: see ma_offset() */
		piv[i] = ULONG_MAX;
	for (i = 0; i < nr; i++)
		slots[i] = it[i].ptr;
	if (!leaf) {
		for (i = 0; i < nr; i++) {
			n->ma64.gap[i] = it[i].gap;
			gap = max(gap, it[i].gap);
		}
		return gap;
	}
	for (i = 0; i < nr; lo = it[i++].last + 1)
		if (!it[i].ptr)
			gap = max(gap, mt_range_size(lo, it[i].last));
	return gap;
}

/* Splits the items of level @k into new nodes, which become w->mid. */
static int __must_check wr_build(struct ma_wr_state *w, unsigned int k)
{
	bool leaf = k == 0;
	unsigned int cap = mt_slots(leaf), nr = w->nr, cnt = (nr + cap - 1) / cap;
	unsigned int sizes[MT_MID_MAX], i, start = 0, rest = nr;
	unsigned long min = w->lo[k];

	VM_BUG_ON(cnt == 0 || cnt > MT_MID_MAX);
	if (w->bias && cnt > 1) {
		sizes[cnt - 1] = nr - (cnt - 1) * cap;
		rest -= sizes[cnt - 1];
		for (i = 0; i + 1 < cnt; i++)
			sizes[i] = rest / (cnt - 1) + (i < rest % (cnt - 1));
	} else {
		for (i = 0; i < cnt; i++)
			sizes[i] = nr / cnt + (i < nr % cnt);
	}
	w->nr_mid = 0;
	for (i = 0; i < cnt; i++) {
		struct maple_node *n = mt_alloc_node(w->mt);
		const struct mt_item *it = &w->items[start];
		unsigned long gap;

		if (!n)
			return -ENOMEM;
		w->fresh[w->nr_fresh++] = n;
		gap = wr_fill(n, leaf, it, sizes[i], min);
		w->mid[w->nr_mid++] = (struct mt_item){
			.ptr = mt_mk_node(n, leaf), .last = it[sizes[i] - 1].last, .gap = gap
		};
		min = it[sizes[i] - 1].last + 1;
		start += sizes[i];
	}
	if (leaf && cnt == 1)
		w->leaf = w->fresh[w->nr_fresh - 1];
	return 0;
}

/*
 * Frees the replaced nodes under @enode (on level @k, covering [min, max]): the node itself
 * and, below it, every child meeting the replaced span of its level. Children outside the
 * span were moved into new nodes and stay.
 */
static void wr_free_span(struct ma_wr_state *w, struct maple_enode *enode, unsigned int k,
			 unsigned long min, unsigned long max)
{
	struct maple_node *n = mte_to_node(enode);
	unsigned int i;

	if (k > 0) {
		unsigned long *piv = n->ma64.pivot;

		for (i = 0; i < n->meta.end; i++) {
			unsigned long lo = ma_slot_min(piv, i, min);
			unsigned long hi = ma_slot_max(piv, i, n->meta.end, max);

			if (hi >= w->lo[k - 1] && lo <= w->hi[k - 1])
				wr_free_span(w, n->ma64.slot[i], k - 1, lo, hi);
		}
	}
	mt_defer_free(w->mt, n);
}

/* Propagates a child's new gap up the left path, in place, from level @k. */
static void wr_update_gaps(struct ma_wr_state *w, unsigned int k, unsigned long gap)
{
	for (; k < w->height; k++) {
		struct ma_path *p = wr_l(w, k);
		struct maple_node *n = mte_to_node(p->node);

		if (n->ma64.gap[p->offset] == gap)
			return;
		n->ma64.gap[p->offset] = gap;
		gap = mt_node_gap(n, false, p->min, p->max);
	}
}

/* Publishes @root (height @height) in place of the whole old tree. */
static void wr_new_root(struct ma_wr_state *w, struct maple_enode *root, unsigned int height,
			unsigned int k)
{
	struct maple_enode *old = w->mt->ma_root;
	unsigned int i;

	for (i = k; i <= w->height; i++) {
		w->lo[i] = 0;
		w->hi[i] = ULONG_MAX;
	}
	w->mt->ma_nodes += w->nr_fresh;
	w->mt->ma_height = height;
	__atomic_store_n(&w->mt->ma_root, root, __ATOMIC_RELEASE);
	if (old)
		wr_free_span(w, old, w->height - 1, 0, ULONG_MAX);
	if (!root || height != 1 || mte_to_node(root) != w->leaf)
		w->leaf = NULL;
}

/* The climb described at the top of this file. */
static int __must_check wr_store_span(struct ma_wr_state *w)
{
	unsigned int k;
	int ret;

	for (k = 0;; k++) {
		struct ma_path *lp, *rp;
		bool whole;

		if (k == w->height) { /* the old root split: one more level */
			struct maple_node *n = mt_alloc_node(w->mt);

			if (!n)
				return -ENOMEM;
			w->fresh[w->nr_fresh++] = n;
			wr_fill(n, false, w->mid, w->nr_mid, 0);
			w->leaf = NULL;
			wr_new_root(w, mt_mk_node(n, false), k + 1, k);
			return 0;
		}
		lp = wr_l(w, k);
		rp = wr_r(w, k);
		if (k == 0)
			wr_leaf_items(w);
		else
			wr_node_items(w, k);
		w->lo[k] = lp->min;
		w->hi[k] = rp->max;
		whole = lp->min == 0 && rp->max == ULONG_MAX;
		if (!whole && w->nr < mt_min_slots(k == 0) && w->hi[k] != ULONG_MAX) {
			wr_pull_neighbour(w, k, w->lo[k] > 0);
			lp = wr_l(w, k);
			rp = wr_r(w, k);
			whole = w->lo[k] == 0 && w->hi[k] == ULONG_MAX;
		} else if (!whole && !w->bias && w->nr > mt_slots(k == 0)) {
			/*
			 * An overflow: shared with a neighbour that has room, two full nodes
			 * replace two and the level above gains no child. Split alone, the two
			 * halves would stay half full under churn, and the tree would grow a
			 * level sooner. The emptier neighbour is taken.
			 */
			int room = 2 * (int)mt_slots(k == 0) - (int)w->nr;
			int l = wr_neighbour_end(w, k, true), r = wr_neighbour_end(w, k, false);
			bool fit_l = l >= 0 && l <= room, fit_r = r >= 0 && r <= room;

			if (fit_l || fit_r) {
				wr_pull_neighbour(w, k, fit_l && (!fit_r || l <= r));
				lp = wr_l(w, k);
				rp = wr_r(w, k);
				whole = w->lo[k] == 0 && w->hi[k] == ULONG_MAX;
			}
		}
		if (whole && w->nr == 1 && (k > 0 || !w->items[0].ptr)) {
			/* One child left (or one NULL range): the tree gets shorter. */
			wr_new_root(w, k ? w->items[0].ptr : NULL, k, k);
			return 0;
		}
		ret = wr_build(w, k);
		if (ret)
			return ret;
		if (whole && w->nr_mid == 1) {
			wr_new_root(w, w->mid[0].ptr, k + 1, k + 1);
			return 0;
		}
		if (!whole && w->nr_mid == 1 && lp->node == rp->node) {
			struct ma_path *pp = wr_l(w, k + 1);
			struct maple_node *parent = mte_to_node(pp->node);

			w->mt->ma_nodes += w->nr_fresh;
			mt_slot_store((void **)&parent->ma64.slot[pp->offset], w->mid[0].ptr);
			wr_update_gaps(w, k + 1, w->mid[0].gap);
			wr_free_span(w, lp->node, k, lp->min, lp->max);
			if (k)
				w->leaf = NULL;
			return 0;
		}
	}
}

/* Empty tree: one leaf of up to three ranges. */
static int __must_check wr_store_empty(struct ma_wr_state *w)
{
	struct maple_node *n;

	if (!w->entry)
		return 0;
	w->nr = 0;
	if (w->first)
		wr_push(w, NULL, w->first - 1, 0);
	wr_push(w, w->entry, w->last, 0);
	if (w->last != ULONG_MAX)
		wr_push(w, NULL, ULONG_MAX, 0);
	n = mt_alloc_node(w->mt);
	if (!n)
		return -ENOMEM;
	wr_fill(n, true, w->items, w->nr, 0);
	w->mt->ma_nodes = 1;
	w->mt->ma_height = 1;
	w->leaf = n;
	__atomic_store_n(&w->mt->ma_root, mt_mk_node(n, true), __ATOMIC_RELEASE);
	return 0;
}

/* Is every node on the state's path still in the tree, at the tree's height? */
static bool mas_path_valid(struct ma_state *mas)
{
	unsigned int d;

	if (mas->status != ma_active || mas->depth + 1u != mas->tree->ma_height)
		return false;
	if (mas->path[0].node != mas->tree->ma_root)
		return false;
	for (d = 0; d <= mas->depth; d++)
		if (mt_node_dead(mte_to_node(mas->path[d].node)))
			return false;
	return true;
}

/* Points @dst (a copy of @src's path) at the leaf slot of @index, inside @src's leaf. */
static void *mas_locate(struct ma_state *dst, const struct ma_state *src, unsigned long index)
{
	const struct ma_path *lp = &src->path[src->depth];
	struct maple_node *n = mte_to_node(lp->node);
	unsigned int end = n->meta.end, i;

	i = ma_offset(n->mr64.pivot, end, index, true);
	if (dst != src)
		memcpy(dst->path, src->path, (src->depth + 1u) * sizeof(src->path[0]));
	dst->tree = src->tree;
	dst->depth = src->depth;
	dst->status = ma_active;
	dst->path[dst->depth].offset = (unsigned char)i;
	dst->index = ma_slot_min(n->mr64.pivot, i, lp->min);
	dst->last = ma_slot_max(n->mr64.pivot, i, end, lp->max);
	return n->mr64.slot[i];
}

/* Finds the range holding @index: inside the state's leaf when @in_leaf, else by a walk. */
static void *wr_find(struct ma_state *tmp, struct ma_state *mas, bool in_leaf,
		     unsigned long index)
{
	const struct ma_path *lp = &mas->path[mas->depth];

	if (in_leaf && index >= lp->min && index <= lp->max)
		return mas_locate(tmp, mas, index);
	tmp->tree = mas->tree;
	return mas_descend(tmp, index);
}

/* Exact overwrite of one range with a non-NULL entry: a single store, no new node. */
static void wr_slot_store(struct ma_wr_state *w)
{
	struct ma_path *lp = wr_l(w, 0);
	struct maple_node *n = mte_to_node(lp->node);
	void *old = n->mr64.slot[lp->offset];

	mt_slot_store(&n->mr64.slot[lp->offset], w->entry);
	if (!old && w->height > 1)
		wr_update_gaps(w, 1, mt_node_gap(n, true, lp->min, lp->max));
}

/*
 * Only one leaf changed, in place under the same parents (or the tree is one leaf): the state
 * stays on the range just written, so that iteration and further stores need no descent.
 */
static void mas_keep_position(struct ma_state *mas, struct ma_wr_state *w)
{
	unsigned int h = w->mt->ma_height;

	if (h == 1) {
		mas->path[0] = (struct ma_path){ .node = w->mt->ma_root, .max = ULONG_MAX };
	} else {
		memcpy(mas->path, w->l.path, h * sizeof(mas->path[0]));
		mas->path[h - 1].node = mt_mk_node(w->leaf, true);
	}
	mas->depth = (unsigned char)(h - 1);
	mas_locate(mas, mas, w->first);
	mas->index = w->first;
	mas->last = w->last;
}

/* Propagates a leaf's new largest gap up the state's path, in place (readers never read gaps). */
static void mas_update_gaps(struct ma_state *mas, unsigned long gap)
{
	int d;

	for (d = (int)mas->depth - 1; d >= 0; d--) {
		struct ma_path *p = &mas->path[d];
		struct maple_node *n = mte_to_node(p->node);
		unsigned long old = n->ma64.gap[p->offset];

		if (old == gap)
			return;
		n->ma64.gap[p->offset] = gap;
		if (gap > old && d > 0) { /* a larger gap: the node's largest is the max of two */
			struct ma_path *up = &mas->path[d - 1];

			gap = max(gap, mte_to_node(up->node)->ma64.gap[up->offset]);
		} else {
			gap = mt_node_gap(n, false, p->min, p->max);
		}
	}
}

/* A store inside one leaf: [first, last] replaces slots offl..offr, which cover [lo, hi]. */
struct ma_leaf_wr {
	unsigned long first, last; /* range stored, after NULL widening inside the leaf */
	void *entry;		   /* what is stored; NULL erases */
	unsigned long lo, hi;	   /* from the first index of slot offl to the last of offr */
	unsigned int offl, offr;   /* first and last slot overwritten */
	struct maple_node *n;	   /* the leaf, as found by mas_wr_leaf_locate() */
	unsigned int end;	   /* its slots used */
	int merge;		   /* erase: merge with the sibling's NULL range, -1 left, 1 right */
};

/* Appends an item to @it; two NULL ranges in a row become one, as in wr_push(). */
static void mt_push(struct mt_item *it, unsigned int *nr, void *ptr, unsigned long last)
{
	if (!ptr && *nr && !it[*nr - 1].ptr) {
		it[*nr - 1].last = last;
		return;
	}
	it[(*nr)++] = (struct mt_item){ .ptr = ptr, .last = last };
}

/* Every slot of the leaf @enode, which ends at @max. */
static void mt_push_leaf(struct mt_item *it, unsigned int *nr, struct maple_enode *enode,
			 unsigned long max)
{
	struct maple_node *n = mte_to_node(enode);
	unsigned int i, end = n->meta.end;

	for (i = 0; i < end; i++)
		mt_push(it, nr, n->mr64.slot[i], ma_slot_max(n->mr64.pivot, i, end, max));
}

/* The slots of leaf @n (ending at @max) after store @s; returns the entry's item. */
static unsigned int mt_push_store(struct mt_item *it, unsigned int *nr, struct maple_node *n,
				  unsigned long max, const struct ma_leaf_wr *s)
{
	unsigned long *piv = n->mr64.pivot;
	unsigned int i, end = n->meta.end, at;

	for (i = 0; i < s->offl; i++)
		mt_push(it, nr, n->mr64.slot[i], piv[i]);
	if (s->first > s->lo)
		mt_push(it, nr, n->mr64.slot[s->offl], s->first - 1);
	mt_push(it, nr, s->entry, s->last);
	at = *nr - 1;
	if (s->last < s->hi)
		mt_push(it, nr, n->mr64.slot[s->offr], s->hi);
	for (i = s->offr + 1; i < end; i++)
		mt_push(it, nr, n->mr64.slot[i], ma_slot_max(piv, i, end, max));
	return at;
}

/* The sibling on the @left (or right) of the state's leaf under the same parent, or NULL. */
static struct maple_node *mas_leaf_sibling(const struct ma_state *mas, bool left)
{
	const struct ma_path *pp;
	struct maple_node *parent;

	if (!mas->depth)
		return NULL;
	pp = &mas->path[mas->depth - 1];
	parent = mte_to_node(pp->node);
	if (left ? pp->offset == 0 : pp->offset + 1u >= parent->meta.end)
		return NULL;
	return mte_to_node(parent->ma64.slot[pp->offset + (left ? -1 : 1)]);
}

/*
 * Is the slot next to the leaf, in the sibling on the @left (or right) under the same parent,
 * NULL? -1 when there is no such sibling.
 */
static int mas_sibling_null(const struct ma_state *mas, bool left)
{
	struct maple_node *sib = mas_leaf_sibling(mas, left);

	if (!sib)
		return -1;
	return !sib->mr64.slot[left ? sib->meta.end - 1 : 0];
}

/*
 * Starts fetching both siblings of the state's leaf: a leaf that overflows or underflows
 * reads the end of one or both and may copy one whole, and on a large tree each is a cache
 * miss that would otherwise wait for the one before.
 */
static void mas_prefetch_siblings(const struct ma_state *mas)
{
	struct maple_node *l = mas_leaf_sibling(mas, true), *r = mas_leaf_sibling(mas, false);

	if (l) {
		__builtin_prefetch(l);
		mt_prefetch_node(l);
	}
	if (r) {
		__builtin_prefetch(r);
		mt_prefetch_node(r);
	}
}

/* Slots used by the sibling on the @left (or right) of the state's leaf; -1 if there is none. */
static int mas_sibling_end(const struct ma_state *mas, bool left)
{
	struct maple_node *sib = mas_leaf_sibling(mas, left);

	return sib ? sib->meta.end : -1;
}

/*
 * mas_wr_rebalance - store @s into the state's leaf together with its sibling on the @side
 * (-1 left, 1 right; 0: the leaf alone) under the same parent: Linux's mas_rebalance,
 * mas_push_data and mas_split for the cases that need no node beyond the parent. With a
 * sibling, the store left the leaf under minimum fill, erased a range next to a NULL range at
 * the sibling's edge (the two must become one range), or overflowed the leaf while the
 * sibling has room; alone, it overflowed the leaf and neither sibling has room. The slots make
 * one leaf, or two split evenly, under a copy of the parent, published with one release store
 * into the grandparent (or the root); the old parent and leaves are freed after a grace
 * period. Readers see the old subtree or the new one.
 *
 * Return: 0 (the state is paused after the range written), -ENOMEM (nothing changed), or
 * -EAGAIN when the parent would leave its fill limits or the tree would change height.
 */
static int mas_wr_rebalance(struct ma_state *mas, const struct ma_leaf_wr *s, int side)
{
	struct maple_tree *mt = mas->tree;
	struct ma_path *lp = &mas->path[mas->depth], *pp = &mas->path[mas->depth - 1];
	struct maple_node *parent = mte_to_node(pp->node), *nn[3];
	unsigned long *ppiv = parent->ma64.pivot, min, gap;
	unsigned int pend = parent->meta.end, sib = pp->offset + side;
	unsigned int s0 = side < 0 ? sib : pp->offset; /* first child replaced */
	unsigned int nrep = side ? 2 : 1;		 /* children replaced */
	struct mt_item it[2 * MAPLE_RANGE64_SLOTS + 2], pit[MAPLE_ARANGE64_SLOTS + 1];
	unsigned int nr = 0, pnr = 0, at, cnt, i, k, start = 0;

	min = ma_slot_min(ppiv, s0, pp->min);
	if (side < 0)
		mt_push_leaf(it, &nr, parent->ma64.slot[sib], ma_slot_max(ppiv, sib, pend, pp->max));
	at = mt_push_store(it, &nr, mte_to_node(lp->node), lp->max, s);
	if (side > 0)
		mt_push_leaf(it, &nr, parent->ma64.slot[sib], ma_slot_max(ppiv, sib, pend, pp->max));
	cnt = nr > MAPLE_RANGE64_SLOTS ? 2 : 1;
	if (nr > 2 * MAPLE_RANGE64_SLOTS ||
	    (cnt == 1 && nr < MAPLE_RANGE64_MIN && it[nr - 1].last != ULONG_MAX))
		return -EAGAIN;
	pnr = pend - nrep + cnt;
	if (pnr > MAPLE_ARANGE64_SLOTS ||
	    (mas->depth == 1 ? pnr < 2 : pnr < MAPLE_ARANGE64_MIN && pp->max != ULONG_MAX))
		return -EAGAIN;
	for (k = 0; k <= cnt; k++) {
		nn[k] = mt_alloc_node(mt);
		if (!nn[k]) {
			while (k--)
				mt_free_node_now(mt, nn[k]);
			return -ENOMEM;
		}
	}
	pnr = 0;
	for (i = 0; i < s0; i++)
		pit[pnr++] = (struct mt_item){ parent->ma64.slot[i], ppiv[i], parent->ma64.gap[i] };
	for (k = 0; k < cnt; k++) {
		unsigned int sz = nr / cnt + (k < nr % cnt);

		gap = wr_fill(nn[k], true, &it[start], sz, min);
		min = it[start + sz - 1].last + 1;
		pit[pnr++] = (struct mt_item){ mt_mk_node(nn[k], true), min - 1, gap };
		start += sz;
	}
	for (i = s0 + nrep; i < pend; i++)
		pit[pnr++] = (struct mt_item){ parent->ma64.slot[i], ma_slot_max(ppiv, i, pend, pp->max),
					       parent->ma64.gap[i] };
	gap = wr_fill(nn[cnt], false, pit, pnr, pp->min);
	pp->node = mt_mk_node(nn[cnt], false);
	if (mas->depth == 1) {
		__atomic_store_n(&mt->ma_root, pp->node, __ATOMIC_RELEASE);
	} else {
		struct ma_path *gp = &mas->path[mas->depth - 2];

		mt_slot_store((void **)&mte_to_node(gp->node)->ma64.slot[gp->offset], pp->node);
	}
	mt->ma_nodes += cnt + 1;
	mt_defer_free(mt, mte_to_node(lp->node));
	if (side)
		mt_defer_free(mt, mte_to_node(parent->ma64.slot[sib]));
	mt_defer_free(mt, parent);
	mas->depth--;
	if (mas->depth)
		mas_update_gaps(mas, gap);
	mas->index = at ? it[at - 1].last + 1 : ma_slot_min(ppiv, s0, pp->min);
	mas->last = it[at].last;
	mas->status = ma_pause;
	return 0;
}

/*
 * The phases of mas_wr_leaf(), each on the one struct ma_leaf_wr: locate the slots the range
 * covers, widen an erase over its NULL neighbours, then one of: overwrite a slot in place,
 * hand an overflow or underflow to mas_wr_rebalance(), or copy the leaf around the range and
 * publish the copy.
 */

/*
 * Finds the slots offl..offr of the state's leaf that [s->first, s->last] covers, walking from
 * the root unless the state already stands on a live leaf holding s->first. Return: 0, or
 * -EAGAIN when the range runs past the leaf.
 */
static inline int mas_wr_leaf_locate(struct ma_state *mas, struct ma_leaf_wr *s)
{
	bool walked = !mas_path_valid(mas) || s->first < mas->path[mas->depth].min ||
		      s->first > mas->path[mas->depth].max;
	const unsigned long *piv;
	struct ma_path *lp;
	unsigned int offr;

	if (walked)
		mas_descend(mas, s->first);
	lp = &mas->path[mas->depth];
	if (s->last > lp->max)
		return -EAGAIN;
	s->n = mte_to_node(lp->node);
	s->end = s->n->meta.end;
	piv = s->n->mr64.pivot;
	/* The walk found first's slot; last's is most often the same one or the next. */
	s->offl = walked ? lp->offset : ma_offset(piv, s->end, s->first, true);
	for (offr = s->offl; offr + 1 < s->end && piv[offr] < s->last; offr++)
		;
	s->offr = offr;
	s->lo = ma_slot_min(piv, s->offl, lp->min);
	s->hi = ma_slot_max(piv, offr, s->end, lp->max);
	return 0;
}

/*
 * An erase takes in the NULL ranges around it, so that no two NULL ranges touch: inside the
 * leaf by widening [first, last] over them; a NULL range at the edge of the sibling leaf is
 * recorded in s->merge (-1 left, 1 right), for mas_wr_rebalance(). Return: 0, or -EAGAIN when
 * both siblings' edges are NULL, or a sibling cannot be checked.
 */
static inline int mas_wr_leaf_widen(struct ma_state *mas, struct ma_leaf_wr *s)
{
	const struct ma_path *lp = &mas->path[mas->depth];
	unsigned long *piv = s->n->mr64.pivot;
	void **slots = s->n->mr64.slot;
	int merge_left = 0, merge_right = 0; /* 1: with the sibling's NULL range at that side */

	if (!slots[s->offl]) {
		s->first = s->lo;
	} else if (s->first == s->lo && s->first != 0) {
		if (s->offl == 0) /* the NULL may sit in the previous leaf */
			merge_left = mas_sibling_null(mas, true);
		else if (!slots[s->offl - 1])
			s->first = s->lo = ma_slot_min(piv, --s->offl, lp->min);
	}
	if (!slots[s->offr]) {
		s->last = s->hi;
	} else if (s->last == s->hi && s->last != ULONG_MAX) {
		if (s->offr + 1 == s->end)
			merge_right = mas_sibling_null(mas, false);
		else if (!slots[s->offr + 1])
			s->last = s->hi = ma_slot_max(piv, ++s->offr, s->end, lp->max);
	}
	if (merge_left < 0 || merge_right < 0 || (merge_left && merge_right))
		return -EAGAIN;
	s->merge = merge_left ? -1 : merge_right;
	return 0;
}

/* An exact overwrite with a non-NULL entry: one slot store, the leaf stays. */
static inline void mas_wr_slot_store(struct ma_state *mas, const struct ma_leaf_wr *s)
{
	const struct ma_path *lp = &mas->path[mas->depth];
	void *old = s->n->mr64.slot[s->offl];

	mt_slot_store(&s->n->mr64.slot[s->offl], s->entry);
	if (!old && mas->depth)
		mas_update_gaps(mas, mt_node_gap(s->n, true, lp->min, lp->max));
}

/* mas_wr_rebalance() on a copy of @s: the caller's own stays in registers. */
static inline int mas_wr_leaf_rebalance(struct ma_state *mas, struct ma_leaf_wr s, int side)
{
	return mas_wr_rebalance(mas, &s, side);
}

/*
 * A leaf of @nr slots would leave its fill limits, or an erase must merge with a sibling's
 * NULL range: mas_wr_rebalance() with the sibling that fits (Linux's mas_push_data, its
 * mas_split, its mas_rebalance). Return: as mas_wr_rebalance(), or 1 when the leaf can simply
 * be copied, or -EAGAIN for the general path: the root leaf splits or empties, an append at
 * the right edge packs the left node full, or an only child needs its parent rebalanced.
 */
static inline int mas_wr_leaf_reshape(struct ma_state *mas, const struct ma_leaf_wr *s,
				      unsigned int nr)
{
	const struct ma_path *lp = &mas->path[mas->depth];
	int left;

	if (s->merge)
		return mas_wr_leaf_rebalance(mas, *s, s->merge);
	if (nr > MAPLE_RANGE64_SLOTS) {
		/* As mas_push_data: into a sibling with room, else split the leaf in two. */
		int room = 2 * MAPLE_RANGE64_SLOTS - 2 - (int)nr;

		if (!mas->depth)
			return -EAGAIN; /* the root leaf splits: one more level */
		if (lp->max == ULONG_MAX && s->offr + 1 == s->end)
			return -EAGAIN; /* an append: the general path packs the left node full */
		mas_prefetch_siblings(mas);
		if (mas_sibling_end(mas, true) >= 0 && mas_sibling_end(mas, true) <= room)
			return mas_wr_leaf_rebalance(mas, *s, -1);
		if (mas_sibling_end(mas, false) >= 0 && mas_sibling_end(mas, false) <= room)
			return mas_wr_leaf_rebalance(mas, *s, 1);
		return mas_wr_leaf_rebalance(mas, *s, 0);
	}
	if (mas->depth ? nr >= MAPLE_RANGE64_MIN || lp->max == ULONG_MAX : nr != 1 || s->entry)
		return 1;
	if (!mas->depth) /* the tree empties */
		return -EAGAIN;
	mas_prefetch_siblings(mas);
	left = mas_sibling_end(mas, true);
	if (left < 0 && mas_sibling_end(mas, false) < 0)
		return -EAGAIN; /* an only child: the parent needs rebalancing too */
	return mas_wr_leaf_rebalance(mas, *s, left >= 0 ? -1 : 1);
}

/*
 * Fills the new leaf @nn (@nr slots) with the old leaf's slots around the store: [0, offl)
 * kept, the left remainder of slot offl, the entry, the right remainder of slot offr,
 * (offr, end) kept. Returns the entry's slot.
 */
static inline unsigned int mas_wr_leaf_copy(struct maple_node *nn, const struct ma_leaf_wr *s,
					    unsigned int nr)
{
	const unsigned long *piv = s->n->mr64.pivot;
	void *const *slots = s->n->mr64.slot;
	unsigned long *np = nn->mr64.pivot;
	void **ns = nn->mr64.slot;
	unsigned int i, j = s->offl, at, end = s->end, offr = s->offr;

	for (i = 0; i < MAPLE_RANGE64_SLOTS - 1; i++)
		np[i] = ULONG_MAX; /* unused pivots, see ma_offset(); fixed length: no rep stos */
	memcpy(np, piv, s->offl * sizeof(*np));
	memcpy(ns, slots, s->offl * sizeof(*ns));
	if (s->first > s->lo) { /* never the last item: the entry follows */
		ns[j] = slots[s->offl];
		np[j++] = s->first - 1;
	}
	at = j;
	ns[j] = s->entry;
	if (j + 1 < nr)
		np[j] = s->last;
	j++;
	if (s->last < s->hi) {
		ns[j] = slots[offr];
		if (j + 1 < nr)
			np[j] = s->hi;
		j++;
	}
	memcpy(&ns[j], &slots[offr + 1], (end - 1 - offr) * sizeof(*ns));
	if (offr + 2 < end)
		memcpy(&np[j], &piv[offr + 1], (end - 2 - offr) * sizeof(*np));
	nn->meta.end = (unsigned char)nr;
	return at;
}

/*
 * Publishes the copy @nn in place of the old leaf with one release store into the parent (or
 * the root), keeps the ancestors' gaps exact and frees the old leaf after a grace period.
 * @lost is the largest NULL range the store overwrote.
 */
static inline void mas_wr_leaf_publish(struct ma_state *mas, const struct ma_leaf_wr *s,
				       struct maple_node *nn, unsigned long lost)
{
	struct maple_tree *mt = mas->tree;
	struct ma_path *lp = &mas->path[mas->depth];

	lp->node = mt_mk_node(nn, true);
	if (mas->depth) {
		struct ma_path *pp = &mas->path[mas->depth - 1];
		struct maple_node *parent = mte_to_node(pp->node);
		unsigned long gap = parent->ma64.gap[pp->offset];

		mt_slot_store((void **)&parent->ma64.slot[pp->offset], lp->node);
		/*
		 * Erasing only merges NULL ranges into [first, last]: the gap can only grow.
		 * Storing an entry only shrinks NULL ranges: the largest stays unless it was one
		 * of them (the leaf is scanned again only then).
		 */
		if (!s->entry)
			mas_update_gaps(mas, max(gap, mt_range_size(s->first, s->last)));
		else if (lost && lost >= gap)
			mas_update_gaps(mas, mt_node_gap(nn, true, lp->min, lp->max));
	} else {
		__atomic_store_n(&mt->ma_root, lp->node, __ATOMIC_RELEASE);
	}
	mt->ma_nodes++;
	mt_defer_free(mt, s->n);
}

/* The largest NULL range among the slots offl..offr that the store overwrites. */
static inline unsigned long mas_wr_leaf_lost(const struct ma_state *mas,
					     const struct ma_leaf_wr *s)
{
	const struct ma_path *lp = &mas->path[mas->depth];
	const unsigned long *piv = s->n->mr64.pivot;
	unsigned long lost = 0;
	unsigned int i;

	for (i = s->offl; i <= s->offr; i++)
		if (!s->n->mr64.slot[i])
			lost = max(lost, mt_range_size(ma_slot_min(piv, i, lp->min),
						       ma_slot_max(piv, i, s->end, lp->max)));
	return lost;
}

/*
 * mas_wr_leaf - the common store, Linux's mas_wr_slot_store and mas_wr_node_store: [first,
 * last] (after widening over NULL neighbours) lies inside one leaf, and that leaf rebuilt
 * around it keeps its fill limits. An exact overwrite with a non-NULL entry is one slot store;
 * anything else copies the leaf into a new node, publishes it with one release store into the
 * parent and frees the old leaf after a grace period, so readers see the old leaf or the new
 * one, never a mixture. The state stays on the range written.
 *
 * Return: 0, -ENOMEM (nothing changed), or -EAGAIN when the general path must do the store;
 * the state then stands on a live leaf, which that path reuses.
 */
static int mas_wr_leaf(struct ma_state *mas, unsigned long first, unsigned long last, void *entry)
{
	struct ma_leaf_wr s = { .first = first, .last = last, .entry = entry };
	struct maple_node *nn;
	unsigned long lost;
	unsigned int nr, at;
	int ret;

	ret = mas_wr_leaf_locate(mas, &s);
	if (!ret && !entry)
		ret = mas_wr_leaf_widen(mas, &s);
	if (ret)
		return ret;
	if (entry && s.offl == s.offr && s.first == s.lo && s.last == s.hi) {
		mas_wr_slot_store(mas, &s);
		at = s.offl;
		goto done;
	}
	nr = s.offl + (s.first > s.lo) + 1 + (s.last < s.hi) + (s.end - 1 - s.offr);
	ret = mas_wr_leaf_reshape(mas, &s, nr);
	if (ret <= 0)
		return ret;
	lost = mas_wr_leaf_lost(mas, &s);
	nn = mt_alloc_node(mas->tree);
	if (!nn)
		return -ENOMEM;
	at = mas_wr_leaf_copy(nn, &s, nr);
	mas_wr_leaf_publish(mas, &s, nn, lost);
done:
	mas->path[mas->depth].offset = (unsigned char)at;
	mas->index = s.first;
	mas->last = s.last;
	mas->status = ma_active;
	return 0;
}

/* Every store mas_wr_leaf() cannot do: spans of leaves, splits, rebalancing, an empty tree. */
static __noinline int mas_wr_span(struct ma_state *mas, void *entry)
{
	struct ma_wr_state w; /* 4 KiB: set field by field, zeroing it would cost more than a store */
	bool in_leaf;
	int ret;

	w.mt = mas->tree;
	w.first = mas->index;
	w.last = mas->last;
	w.entry = entry;
	w.height = w.mt->ma_height;
	w.nr_fresh = 0;
	w.nr_mid = 0;
	w.leaf = NULL;
	if (!w.mt->ma_root) {
		ret = wr_store_empty(&w);
		goto out;
	}
	in_leaf = mas_path_valid(mas);
	if (!entry) { /* widen over NULL neighbours so that no two NULL ranges touch */
		if (w.first && !wr_find(&w.l, mas, in_leaf, w.first - 1))
			w.first = w.l.index;
		if (w.last != ULONG_MAX && !wr_find(&w.r, mas, in_leaf, w.last + 1))
			w.last = w.r.last;
	}
	wr_find(&w.l, mas, in_leaf, w.first);
	wr_find(&w.r, mas, in_leaf, w.last);
	if (entry && w.l.index == w.first && w.l.last == w.last) {
		w.leaf = mte_to_node(wr_l(&w, 0)->node);
		wr_slot_store(&w);
		ret = 0;
		goto out;
	}
	ret = wr_store_span(&w);
	if (ret)
		wr_unwind(&w);
out:
	if (ret)
		return ret;
	mas->index = w.first;
	mas->last = w.last;
	mas->status = ma_pause;
	if (w.leaf)
		mas_keep_position(mas, &w);
	return 0;
}

/**
 * mas_store_gfp - store @entry over [mas->index, mas->last], trimming or splitting whatever
 * overlaps; a NULL @entry erases the range. When the state stands on a live leaf that holds
 * the range (after mas_walk, mas_find ...), no new descent is made.
 * @mas: the maple state; afterwards [index, last] is the range written (widened to merge
 *       neighbouring NULL ranges when erasing) and the state can keep iterating
 * @entry: the new entry
 *
 * Context: writer's lock. Return: 0, -EINVAL if index > last, -ENOMEM (tree unchanged).
 */
int mas_store_gfp(struct ma_state *mas, void *entry)
{
	int ret;

	if (mas->index > mas->last)
		return -EINVAL;
	if (likely(mas->tree->ma_root)) {
		unsigned long first = mas->index, last = mas->last;

		ret = mas_wr_leaf(mas, first, last, entry);
		if (ret != -EAGAIN)
			return ret;
		mas->index = first;
		mas->last = last;
	}
	return mas_wr_span(mas, entry);
}

/**
 * mtree_store_range - store @entry over [@first, @last]; NULL erases.
 * @mt: the tree
 * @first: first index
 * @last: last index
 * @entry: the entry
 *
 * Context: writer's lock. Return: 0, -EINVAL if @first > @last, -ENOMEM (tree unchanged).
 */
int mtree_store_range(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	struct ma_state mas; /* only what mas_store_gfp reads from a fresh state */

	mas.tree = mt;
	mas_set_range(&mas, first, last);
	return mas_store_gfp(&mas, entry);
}

/**
 * mtree_store - store @entry at the single index @index.
 * @mt: the tree
 * @index: the index
 * @entry: the entry
 *
 * Context: writer's lock. Return: 0 or -ENOMEM (tree unchanged).
 */
int mtree_store(struct maple_tree *mt, unsigned long index, void *entry)
{
	return mtree_store_range(mt, index, index, entry);
}

/**
 * mtree_insert_range - store @entry over [@first, @last] only if all of it is empty.
 * @mt: the tree
 * @first: first index
 * @last: last index
 * @entry: the entry, not NULL
 *
 * Context: writer's lock. Return: 0, -EINVAL (@first > @last or NULL @entry), -EEXIST if any
 * index in the range is occupied, -ENOMEM (tree unchanged).
 */
int mtree_insert_range(struct maple_tree *mt, unsigned long first, unsigned long last,
		       void *entry)
{
	MA_STATE(mas, mt, first, last);

	if (first > last || !entry)
		return -EINVAL;
	if (mas_walk(&mas) || mas.last < last)
		return -EEXIST;
	mas_set_range(&mas, first, last);
	return mas_store_gfp(&mas, entry);
}

/**
 * mtree_insert - mtree_insert_range() of one index.
 * @mt: the tree
 * @index: the index
 * @entry: the entry, not NULL
 *
 * Context: writer's lock. Return: 0, -EINVAL, -EEXIST, -ENOMEM.
 */
int mtree_insert(struct maple_tree *mt, unsigned long index, void *entry)
{
	return mtree_insert_range(mt, index, index, entry);
}

/**
 * mas_erase - erase the whole range holding mas->index.
 * @mas: the maple state; afterwards [index, last] is the range erased
 *
 * Context: writer's lock. Return: the entry erased, NULL if there was none, or
 * ERR_PTR(-ENOMEM) with the tree unchanged.
 */
void *mas_erase(struct ma_state *mas)
{
	void *entry = mas_descend(mas, mas->index);
	int ret;

	if (!entry)
		return NULL;
	ret = mas_store_gfp(mas, NULL);
	return ret ? ERR_PTR(ret) : entry;
}

/**
 * mtree_erase - erase the whole range holding @index.
 * @mt: the tree
 * @index: the index
 *
 * Context: writer's lock. Return: the entry erased, NULL, or ERR_PTR(-ENOMEM).
 */
void *mtree_erase(struct maple_tree *mt, unsigned long index)
{
	struct ma_state mas;

	mas.tree = mt;
	mas.index = index;
	return mas_erase(&mas);
}
