// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The maple tree's hottest reads: the lookups find_vma and vma_lookup make under mmap_lock
 * (and mt_find/mtree_load make under rcu_read_lock()). They are lib/maple_tree.c's mt_find
 * and mtree_load walks, without the read lock and without recording a path.
 *
 * This file is compiled twice: as is, for any x86-64, and with AVX-512 (MT_FIND_WIDE, see
 * ma_count_below()), where a node's pivots are counted with two vector compares into a mask.
 * maple_tree.c picks one variant when the library loads. Only the lookups have two versions:
 * measured, the wide count shortens a walk by a fifth, but slows the write path, whose walks
 * overlap with the stores around them.
 */
#include "maple_internal.h"

#ifdef MT_FIND_WIDE
#define MT_FIND(name) name##_avx512
#else
#define MT_FIND(name) name##_generic
#endif

void *MT_FIND(__mtree_load)(struct maple_tree *mt, unsigned long index)
{
	struct maple_enode *enode = __atomic_load_n(&mt->ma_root, __ATOMIC_ACQUIRE);
	struct maple_node *n;

	if (!enode)
		return NULL;
	while (!mte_is_leaf(enode)) {
		n = mte_to_node(enode);
		enode = mt_slot_load(
			(void **)&n->ma64.slot[ma_offset(n->ma64.pivot, n->meta.end, index, false)]);
	}
	n = mte_to_node(enode);
	return mt_slot_load(&n->mr64.slot[ma_offset(n->mr64.pivot, n->meta.end, index, true)]);
}

void *MT_FIND(__mt_find)(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	struct maple_enode *enode;
	unsigned long hi = ULONG_MAX, at = *index; /* not reloaded after each acquire load */
	void *entry;

	if (at > max)
		return NULL;
	/*
	 * find_vma's walk: the range covering *index, or, when that is a NULL range and not the
	 * leaf's last, the range right after it, which cannot be NULL.
	 */
	enode = __atomic_load_n(&mt->ma_root, __ATOMIC_ACQUIRE);
	if (!enode)
		return NULL;
	while (!mte_is_leaf(enode)) { /* internal levels: one shape, one loop */
		struct maple_node *n = mte_to_node(enode);
		unsigned int end = n->meta.end, off = ma_offset(n->ma64.pivot, end, at, false);

		hi = ma_slot_max(n->ma64.pivot, off, end, hi);
		enode = mt_slot_load((void **)&n->ma64.slot[off]);
	}
	{
		struct maple_node *n = mte_to_node(enode);
		unsigned long *piv = n->mr64.pivot;
		unsigned int end = n->meta.end, off = ma_offset(piv, end, at, true);

		entry = mt_slot_load(&n->mr64.slot[off]);
		if (!entry && off + 1 < end) {
			if (piv[off] >= max) /* the next range starts past max */
				return NULL;
			entry = mt_slot_load(&n->mr64.slot[++off]);
		}
		if (entry) {
			*index = ma_slot_max(piv, off, end, hi) + 1;
			return entry;
		}
	}
	/* the next range is in the next leaf */
	return mt_find_next_leaf(mt, index, max);
}
