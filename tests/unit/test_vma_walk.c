// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vma_walk_range, white-box: the pieces a walk visits and in what order, the merge neighbour
 * (prev) it hands the first piece, gaps stepped over or ending the walk, a visitor's error
 * ending it, and a piece merged forward into the next VMA not visited twice.
 *
 * Addresses are in pages from BASE; the VMAs every test starts with (R read-only, W
 * read-write):
 *   0123456789
 *   RRWW RR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/mman.h>

#include "mmlab.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm_fixture.h"

#define BASE 0x100000000000UL
#define P(n) (BASE + (unsigned long)(n) * PAGE_SIZE)
#define MAX_PIECES 8

/* What a recording visitor saw. */
struct record {
	int n;				/* Pieces visited */
	unsigned long start[MAX_PIECES], end[MAX_PIECES];
	struct vm_area_struct *prev[MAX_PIECES]; /* w->prev on entry to each visit */
	int fail_at;			/* Piece number that returns -EIO, or -1 */
};

static void map(struct fixture *f, int start, int end, int prot)
{
	uint64_t out;

	assert_int_equal(mmlab_mmap(f->t, P(start), P(end) - P(start), prot,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out), 0);
}

/* The fixture's task with the VMAs of the picture above. */
static int setup(void **state)
{
	struct fixture *f;

	mm_fixture_setup(state);
	f = *state;
	map(f, 0, 2, PROT_READ);
	map(f, 2, 4, PROT_READ | PROT_WRITE);
	map(f, 5, 7, PROT_READ);
	return 0;
}

static int record_piece(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	struct record *r = w->private;
	int i = r->n++;

	assert_true(i < MAX_PIECES);
	r->start[i] = start;
	r->end[i] = end;
	r->prev[i] = w->prev;
	w->prev = vma;
	return i == r->fail_at ? -EIO : 0;
}

static int walk(struct fixture *f, struct record *r, int start, int end, bool skip_gaps)
{
	struct vma_walk w = {
		.mm = f->mm,
		.start = P(start),
		.end = P(end),
		.skip_gaps = skip_gaps,
		.visit = record_piece,
		.private = r,
	};
	int err;

	mmap_write_lock(f->mm);
	err = vma_walk_range(&w);
	mmap_write_unlock(f->mm);
	return err;
}

static void assert_piece(const struct record *r, int i, int start, int end)
{
	assert_true(i < r->n);
	assert_int_equal(r->start[i], P(start));
	assert_int_equal(r->end[i], P(end));
}

/* Pieces clipped to the range; a gap is stepped over, and still makes the walk -ENOMEM. */
static void test_pieces_and_gaps(void **state)
{
	struct fixture *f = *state;
	struct record r = { .fail_at = -1 };

	assert_int_equal(walk(f, &r, 1, 6, true), -ENOMEM);
	assert_int_equal(r.n, 3);
	assert_piece(&r, 0, 1, 2);
	assert_piece(&r, 1, 2, 4);
	assert_piece(&r, 2, 5, 6);

	r = (struct record){ .fail_at = -1 };
	assert_int_equal(walk(f, &r, 0, 7, false), -ENOMEM);
	assert_int_equal(r.n, 2);	/* stopped at the gap at page 4 */

	r = (struct record){ .fail_at = -1 };
	assert_int_equal(walk(f, &r, 0, 4, false), 0);
	assert_int_equal(r.n, 2);

	r = (struct record){ .fail_at = -1 };
	assert_int_equal(walk(f, &r, 4, 5, true), -ENOMEM); /* all gap: nothing visited */
	assert_int_equal(r.n, 0);
	assert_int_equal(walk(f, &r, 6, 9, true), -ENOMEM); /* a gap at the end */
	assert_int_equal(r.n, 1);
	assert_piece(&r, 0, 6, 7);
}

/*
 * The first piece's prev: its own VMA when the range starts inside it, else the VMA before
 * (also across a leading gap); later pieces get what the visitor left.
 */
static void test_first_prev(void **state)
{
	struct fixture *f = *state;
	struct vm_area_struct *r0 = vma_lookup(f->mm, P(0)), *w2 = vma_lookup(f->mm, P(2)), *prev;
	struct record r = { .fail_at = -1 };

	assert_int_equal(walk(f, &r, 1, 3, false), 0);
	assert_ptr_equal(r.prev[0], r0);
	assert_ptr_equal(r.prev[1], r0);

	r = (struct record){ .fail_at = -1 };
	assert_int_equal(walk(f, &r, 2, 3, false), 0);
	assert_ptr_equal(r.prev[0], r0);

	r = (struct record){ .fail_at = -1 };
	assert_int_equal(walk(f, &r, 4, 6, true), -ENOMEM);
	assert_ptr_equal(r.prev[0], w2);

	r = (struct record){ .fail_at = -1 };
	assert_int_equal(walk(f, &r, 0, 1, false), 0);
	assert_ptr_equal(find_vma_prev(f->mm, P(0), &prev), r0);
	assert_ptr_equal(r.prev[0], prev);
}

/* A visitor's error ends the walk and wins over a gap seen before it. */
static void test_visitor_error(void **state)
{
	struct fixture *f = *state;
	struct record r = { .fail_at = 2 };

	assert_int_equal(walk(f, &r, 0, 7, true), -EIO);
	assert_int_equal(r.n, 3);
	r = (struct record){ .fail_at = 0 };
	assert_int_equal(walk(f, &r, 0, 7, true), -EIO);
	assert_int_equal(r.n, 1);
}

/* Gives each piece VM_DONTDUMP, merging as madvise would. */
static int set_dontdump(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	struct record *r = w->private;
	vm_flags_t flags = vma->vm_flags | VM_DONTDUMP;
	struct vm_area_struct *res = vma;

	r->start[r->n] = start;
	r->end[r->n++] = end;
	if (flags != vma->vm_flags) {
		res = vma_modify_flags_name(w->mm, w->prev, vma, start, end, flags,
					    vma->anon_name);
		assert_false(IS_ERR(res));
		res->vm_flags = flags;
		w->mm->vma_seq++;
	}
	w->prev = res;
	return 0;
}

/*
 * Pages 5-6 given VM_DONTDUMP merge with 7-8, which have it already: the walk goes on after
 * the merged VMA instead of visiting 7-8.
 *   0123456789
 *   RRWW RRDD
 */
static void test_merged_forward(void **state)
{
	struct fixture *f = *state;
	struct record r = { .fail_at = -1 };
	struct vma_walk w = {
		.mm = f->mm,
		.start = P(5),
		.end = P(9),
		.visit = set_dontdump,
		.private = &r,
	};
	struct vm_area_struct *vma;
	int err;

	map(f, 7, 9, PROT_READ);
	assert_int_equal(mmlab_madvise(f->t, P(7), P(9) - P(7), MADV_DONTDUMP), 0);
	assert_int_equal(vma_lookup(f->mm, P(5))->vm_end, P(7));
	mmap_write_lock(f->mm);
	err = vma_walk_range(&w);
	mmap_write_unlock(f->mm);
	assert_int_equal(err, 0);
	assert_int_equal(r.n, 1);
	assert_piece(&r, 0, 5, 7);
	vma = vma_lookup(f->mm, P(5));
	assert_int_equal(vma->vm_start, P(5));
	assert_int_equal(vma->vm_end, P(9));
	assert_ptr_equal(w.prev, vma);
	assert_int_equal(mm_validate(f->mm), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pieces_and_gaps, setup, mm_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_first_prev, setup, mm_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_visitor_error, setup, mm_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_merged_forward, setup, mm_fixture_teardown),
	};

	return mm_fixture_run(tests);
}
