/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmocka checks shared by the maple tree tests: the validator with a dump on failure, the tree
 * compared range by range with the reference model (maple_ref.h), and a store into both.
 * Include after <cmocka.h>, "lib/maple_tree.h" and "maple_ref.h".
 */
#ifndef MMLAB_TEST_MAPLE_CHECK_H
#define MMLAB_TEST_MAPLE_CHECK_H

#include <stdio.h>

/* The tree passes mt_validate(); otherwise it is dumped and the test fails. */
static inline void check(struct maple_tree *mt)
{
	if (mt_validate(mt)) {
		mt_dump(mt, stderr);
		fail();
	}
}

/* The tree is valid and holds exactly the ranges of @ref, in order. */
static inline void same(struct maple_tree *mt, struct ref_tree *ref)
{
	MA_STATE(mas, mt, 0, 0);
	size_t i = 0;
	void *entry;

	check(mt);
	mas_for_each(&mas, entry, ULONG_MAX) {
		assert_true(i < ref->nr);
		assert_ptr_equal(entry, ref->r[i].entry);
		assert_int_equal(mas.index, ref->r[i].first);
		assert_int_equal(mas.last, ref->r[i].last);
		i++;
	}
	assert_int_equal(i, ref->nr);
}

/* Stores [@first, @last] -> @entry in the tree and in the model. */
static inline void store(struct maple_tree *mt, struct ref_tree *ref, unsigned long first,
			 unsigned long last, void *entry)
{
	assert_int_equal(mtree_store_range(mt, first, last, entry), 0);
	ref_store(ref, first, last, entry);
}

#endif
