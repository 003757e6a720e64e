// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * VMA merge and split, white-box, after the cases Linux's tools/testing/vma/vma.c asserts
 * (written anew): a new range merging with neither, prev, next or both neighbours; special
 * flags, vm_ops->close and incompatible anon_vmas refusing merges; an existing range merging
 * left/right, partly or wholly; splits; and each time the VMA boundaries, vm_pgoff, flags,
 * map_count and the VMA sequence number, with the maple tree validated after every step.
 * Also the regressions of the sorted-array era: an mprotect split merged back among many
 * VMAs, an mremap move landing next to its own source, and a failing tree store that must
 * leave everything as it was. The white-box cases hold mmap_lock for writing, as callers must;
 * a split without it, or under the read lock, aborts on split_vma's entry assertion.
 *
 * Addresses are in pages from BASE; the pictures show pages 0-c as in vma.c:
 *   0123456789abc
 *   AA B       CC
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm_fixture.h"

#define BASE 0x100000000000UL
#define P(n) (BASE + (unsigned long)(n) * PAGE_SIZE)
#define RW (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/*
 * Gives @vma @from's anon_vma and chain (anon_vma_clone), or with @from NULL one of its own
 * (anon_vma_prepare, which may pick a compatible neighbour's); any previous one is unlinked.
 */
static struct anon_vma *set_anon_vma(struct vm_area_struct *vma, struct vm_area_struct *from)
{
	unlink_anon_vmas(vma);
	if (from)
		assert_int_equal(anon_vma_clone(vma, from), 0);
	else
		assert_int_equal(anon_vma_prepare(vma), 0);
	return vma->anon_vma;
}

/* A VMA of pages [start, end) with pgoff, linked into the tree (vma.c's alloc_and_link). */
static struct vm_area_struct *link_vma(struct mm_struct *mm, int start, int end, pgoff_t pgoff,
				       vm_flags_t flags)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	assert_non_null(vma);
	vma->vm_start = P(start);
	vma->vm_end = P(end);
	vma->vm_pgoff = pgoff;
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	assert_int_equal(vma_tree_insert(mm, vma), 0);
	vm_stat_account(mm, flags, (long)vma_pages(vma));
	return vma;
}

static void assert_vma(const struct vm_area_struct *vma, int start, int end, pgoff_t pgoff)
{
	assert_non_null(vma);
	assert_int_equal(vma->vm_start, P(start));
	assert_int_equal(vma->vm_end, P(end));
	assert_int_equal(vma->vm_pgoff, pgoff);
}

static void check(struct mm_struct *mm)
{
	assert_int_equal(mm_validate(mm), 0);
}

/* Merges of a new range [start, end), as mmap_region asks for them. */
static struct vm_area_struct *merge_new(struct mm_struct *mm, int start, int end, pgoff_t pgoff,
					vm_flags_t flags, struct anon_vma *anon_vma)
{
	struct vm_area_struct *prev, *next = find_vma_prev(mm, P(start), &prev);
	struct vma_merge_struct vmg = {
		.mm = mm, .start = P(start), .end = P(end), .pgoff = pgoff, .flags = flags,
		.anon_vma = anon_vma,
		.prev = prev && prev->vm_end == P(start) ? prev : NULL,
		.next = next && next->vm_start == P(end) ? next : NULL,
	};
	struct vm_area_struct *vma = vma_merge_new_range(&vmg);

	assert_int_equal(vmg.state, vma ? VMA_MERGE_SUCCESS : VMA_MERGE_NOMERGE);
	if (vma)
		vm_stat_account(mm, flags, end - start);
	return vma;
}

static void test_merge_new(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = f->mm;
	int base = mm->map_count;
	unsigned long seq;
	struct vm_area_struct *a, *b, *c, *d, *vma;
	struct anon_vma *anon;

	/* 0123456789abc
	 * AA B       CC */
	a = link_vma(mm, 0, 2, 0, RW);
	b = link_vma(mm, 3, 4, 3, RW);
	c = link_vma(mm, 0xb, 0xc, 0xb, RW);
	anon = set_anon_vma(a, NULL);
	set_anon_vma(b, a);
	(void)c;
	/* AA B   **  CC: no neighbour touches, no merge */
	assert_null(merge_new(mm, 7, 9, 7, RW, NULL));
	d = link_vma(mm, 7, 9, 7, RW);
	assert_int_equal(mm->map_count, base + 4);
	check(mm);

	/* AA*B   DD  CC: both sides, B deleted */
	seq = mm->vma_seq;
	vma = merge_new(mm, 2, 3, 2, RW, NULL);
	assert_ptr_equal(vma, a);
	assert_vma(vma, 0, 4, 0);
	assert_ptr_equal(vma->anon_vma, anon);
	assert_int_equal(mm->map_count, base + 3);
	assert_true(mm->vma_seq > seq);
	check(mm);

	/* AAAA*  DD  CC: extends prev */
	vma = merge_new(mm, 4, 5, 4, RW, NULL);
	assert_ptr_equal(vma, a);
	assert_vma(vma, 0, 5, 0);
	assert_int_equal(mm->map_count, base + 3);

	/* AAAAA *DD  CC: prepends to next, whose pgoff moves down */
	vma = merge_new(mm, 6, 7, 6, RW, NULL);
	assert_ptr_equal(vma, d);
	assert_vma(vma, 6, 9, 6);
	assert_int_equal(mm->map_count, base + 3);
	check(mm);

	/* AAAAA*DDD  CC: both again, D deleted */
	vma = merge_new(mm, 5, 6, 5, RW, NULL);
	assert_ptr_equal(vma, a);
	assert_vma(vma, 0, 9, 0);
	assert_int_equal(mm->map_count, base + 2);

	/* AAAAAAAAA *CC: next only */
	vma = merge_new(mm, 0xa, 0xb, 0xa, RW, NULL);
	assert_vma(vma, 0xa, 0xc, 0xa);

	/* AAAAAAAAA*CCC: both, the whole range is one VMA */
	vma = merge_new(mm, 9, 0xa, 9, RW, NULL);
	assert_ptr_equal(vma, a);
	assert_vma(vma, 0, 0xc, 0);
	assert_int_equal(mm->map_count, base + 1);
	check(mm);
}

static void test_merge_new_refused(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = f->mm;
	static const vm_flags_t special[] = { VM_IO, VM_DONTEXPAND, VM_PFNMAP, VM_MIXEDMAP };
	static const struct vm_operations_struct close_ops = { .close = NULL };
	struct vm_area_struct *a, *c;

	/* AAA*CCC: flags differ, or special flags, or a pgoff gap: nothing merges */
	a = link_vma(mm, 0, 3, 0, RW);
	c = link_vma(mm, 4, 7, 4, RW);
	assert_null(merge_new(mm, 3, 4, 3, RW | VM_EXEC, NULL));
	for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
		a->vm_flags |= special[i];
		c->vm_flags |= special[i];
		assert_null(merge_new(mm, 3, 4, 3, RW | special[i], NULL));
		a->vm_flags &= ~special[i];
		c->vm_flags &= ~special[i];
	}
	assert_null(merge_new(mm, 3, 4, 9, RW, NULL));
	/* A vm_ops without close does not stop a merge (vma.c's "no impact" case). */
	a->vm_ops = &close_ops;
	/* Incompatible anon_vmas: only the left side merges. */
	assert_ptr_not_equal(set_anon_vma(a, NULL), set_anon_vma(c, NULL));
	assert_ptr_equal(merge_new(mm, 3, 4, 3, RW, NULL), a);
	assert_vma(a, 0, 4, 0);
	assert_vma(c, 4, 7, 4);
	check(mm);
}

/* mprotect-style modify of [start, end) inside vma to @flags. */
static struct vm_area_struct *modify(struct mm_struct *mm, struct vm_area_struct *vma, int start,
				     int end, vm_flags_t flags)
{
	struct vm_area_struct *prev = vma_prev_of(mm, vma);
	vm_flags_t old = vma->vm_flags;
	struct vm_area_struct *res;

	if (P(start) > vma->vm_start)
		prev = vma;
	res = vma_modify_flags_name(mm, prev, vma, P(start), P(end), flags, NULL);
	assert_false(IS_ERR(res));
	res->vm_flags = flags;
	vm_stat_account(mm, old, -(end - start));
	vm_stat_account(mm, flags, end - start);
	return res;
}

static void test_merge_existing(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = f->mm;
	int base = mm->map_count;
	struct vm_area_struct *prev, *vma, *next, *res;

	/* 0123456789
	 *  PPPVVVVNNN   change V[4,6) to N's flags: next grows down to 4, V ends at 4 */
	prev = link_vma(mm, 1, 4, 1, RW | VM_EXEC);
	vma = link_vma(mm, 4, 7, 4, RW);
	next = link_vma(mm, 7, 0xa, 7, VM_READ | VM_MAYREAD);
	res = modify(mm, vma, 5, 7, VM_READ | VM_MAYREAD);
	assert_ptr_equal(res, next);
	assert_vma(next, 5, 0xa, 5);
	assert_vma(vma, 4, 5, 4);
	assert_int_equal(mm->map_count, base + 3);
	check(mm);

	/* PPPV NNNNN: the whole of V to N's flags: V deleted */
	res = modify(mm, vma, 4, 5, VM_READ | VM_MAYREAD);
	assert_ptr_equal(res, next);
	assert_vma(next, 4, 0xa, 4);
	assert_int_equal(mm->map_count, base + 2);
	check(mm);

	/* PPP NNNNNN: N's first two pages to P's flags: prev grows, next starts later */
	res = modify(mm, next, 4, 6, RW | VM_EXEC);
	assert_ptr_equal(res, prev);
	assert_vma(prev, 1, 6, 1);
	assert_vma(next, 6, 0xa, 6);
	assert_int_equal(mm->map_count, base + 2);
	check(mm);

	/* A split in the middle, then merged back on both sides: one VMA again. */
	res = modify(mm, next, 7, 8, RW);
	assert_int_equal(mm->map_count, base + 4);
	assert_ptr_equal(res, next); /* the modified VMA keeps the middle, as in the kernel */
	assert_vma(res, 7, 8, 7);
	vma = find_vma(mm, P(6));
	assert_vma(vma, 6, 7, 6);
	assert_vma(find_vma(mm, P(8)), 8, 0xa, 8);
	res = modify(mm, res, 7, 8, VM_READ | VM_MAYREAD);
	assert_ptr_equal(res, vma);
	assert_vma(vma, 6, 0xa, 6);
	next = vma;
	assert_int_equal(mm->map_count, base + 2);
	/* Both sides: N to P's flags, all of it: P covers everything, N deleted. */
	res = modify(mm, next, 6, 0xa, RW | VM_EXEC);
	assert_ptr_equal(res, prev);
	assert_vma(prev, 1, 0xa, 1);
	assert_int_equal(mm->map_count, base + 1);
	check(mm);
}

static void test_split(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = f->mm;
	struct vm_area_struct *vma = link_vma(mm, 0, 8, 0x10, RW), *lo;
	int n = mm->map_count;

	assert_int_equal(split_vma(mm, vma, P(3), 1), 0);
	lo = find_vma(mm, P(0));
	assert_vma(lo, 0, 3, 0x10);
	assert_vma(vma, 3, 8, 0x13);
	assert_int_equal(split_vma(mm, vma, P(5), 0), 0);
	assert_vma(vma, 3, 5, 0x13);
	assert_vma(find_vma(mm, P(5)), 5, 8, 0x15);
	assert_int_equal(mm->map_count, n + 2);
	check(mm);
	/* At vm.max_map_count a split is refused, nothing changes. */
	mm->max_map_count = mm->map_count;
	assert_int_equal(split_vma(mm, vma, P(4), 0), -ENOMEM);
	assert_vma(vma, 3, 5, 0x13);
	mm->max_map_count = DEFAULT_MAX_MAP_COUNT;
	/* A failing tree store leaves the VMA and the tree as they were. */
	mt_set_alloc_fail_after(0);
	assert_int_equal(split_vma(mm, vma, P(4), 0), -ENOMEM);
	mt_set_alloc_fail_after(-1);
	assert_vma(vma, 3, 5, 0x13);
	assert_int_equal(mm->map_count, n + 2);
	check(mm);
}

/* The regression: 32 alternating one-page VMAs, then a split and merge-back next to them. */
static void test_mprotect_split_merge_back(void **state)
{
	struct fixture *f = *state;
	uint64_t out;
	struct mmlab_task_info a, b;

	for (int i = 0; i < 32; i++)
		assert_int_equal(mmlab_mmap(f->t, P(i), PAGE_SIZE,
					    i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0,
					    &out),
				 0);
	assert_int_equal(mmlab_mmap(f->t, P(33), 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, &out),
			 0);
	mmlab_task_info(f->t, &a);
	assert_int_equal(mmlab_mprotect(f->t, P(34), PAGE_SIZE, PROT_READ), 0);
	mmlab_task_info(f->t, &b);
	assert_int_equal(b.map_count, a.map_count + 2);
	assert_int_equal(mmlab_task_validate(f->t), 0);
	assert_int_equal(mmlab_mprotect(f->t, P(34), PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	mmlab_task_info(f->t, &b);
	assert_int_equal(b.map_count, a.map_count);
	assert_true(b.vma_seq > a.vma_seq);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/* mremap moves [4,6) of A to [0,2), right below A: the copy merges with A itself. */
static void test_mremap_next_to_source(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = f->mm;
	struct mmlab_task_info a, b;
	uint64_t out;

	assert_int_equal(mmlab_mmap(f->t, P(2), 6 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out),
			 0);
	mmlab_task_info(f->t, &a);
	assert_int_equal(mmlab_mremap(f->t, P(4), 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				      MREMAP_MAYMOVE | MREMAP_FIXED, P(0), &out),
			 0);
	assert_int_equal(out, P(0));
	/* pgoff follows the new address (no anon_vma yet), so [0,4) merges; [6,8) remains. */
	assert_vma(find_vma(mm, P(0)), 0, 4, P(0) >> PAGE_SHIFT);
	assert_vma(find_vma(mm, P(4)), 6, 8, P(6) >> PAGE_SHIFT);
	mmlab_task_info(f->t, &b);
	assert_int_equal(b.map_count, a.map_count + 1);
	assert_int_equal(mmlab_task_validate(f->t), 0);
	/* And moving back on top of the gap merges all of it again. */
	assert_int_equal(mmlab_mremap(f->t, P(2), 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				      MREMAP_MAYMOVE | MREMAP_FIXED, P(4), &out),
			 0);
	assert_vma(find_vma(mm, P(0)), 0, 2, P(0) >> PAGE_SHIFT);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/* munmap of many VMAs at once, with a failing tree store first: nothing unmapped. */
static void test_munmap_many(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task_info a, b;
	uint64_t out;

	mmlab_task_info(f->t, &a);
	for (int i = 0; i < 100; i++)
		assert_int_equal(mmlab_mmap(f->t, P(2 * i), PAGE_SIZE, PROT_READ,
					    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out),
				 0);
	mmlab_task_info(f->t, &b);
	assert_int_equal(b.map_count, a.map_count + 100);
	mt_set_alloc_fail_after(0);
	assert_int_equal(mmlab_munmap(f->t, P(1), 150 * PAGE_SIZE), -ENOMEM);
	mt_set_alloc_fail_after(-1);
	assert_int_equal(mmlab_task_validate(f->t), 0);
	assert_int_equal(mmlab_munmap(f->t, P(1), 150 * PAGE_SIZE), 0);
	mmlab_task_info(f->t, &b);
	assert_int_equal(b.map_count, a.map_count + 25);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/*
 * Runs @fn(@f) in a forked child and returns how the child ended: the entry assertions abort
 * (SIGABRT) a caller that lacks the lock they ask for.
 */
static int child_status(void (*fn)(struct fixture *), struct fixture *f)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		/* mmlab_bug's report on stderr is the expected outcome: keep the log quiet */
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		fn(f);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void split_unlocked(struct fixture *f)
{
	if (split_vma(f->mm, find_vma(f->mm, P(0)), P(4), 0))
		_exit(3);
}

static void split_read_locked(struct fixture *f)
{
	mmap_read_lock(f->mm);
	split_unlocked(f);
}

static void split_write_locked(struct fixture *f)
{
	mmap_write_lock(f->mm);
	split_unlocked(f);
	mmap_write_unlock(f->mm);
}

/* mmap_assert_write_locked at split_vma's entry: no lock and a read lock abort, a write
 * lock passes (debug builds; at MMLAB_DEBUG 0 the assertions are compiled out). */
static void test_split_needs_write_lock(void **state)
{
	struct fixture *f = *state;
	int status;

	if (!MMLAB_DEBUG)
		skip();
	mmap_write_lock(f->mm);
	link_vma(f->mm, 0, 8, 0x10, RW);
	mmap_write_unlock(f->mm);
	status = child_status(split_unlocked, f);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	status = child_status(split_read_locked, f);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	status = child_status(split_write_locked, f);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mm_fixture_test_locked(test_merge_new),
		mm_fixture_test_locked(test_merge_new_refused),
		mm_fixture_test_locked(test_merge_existing),
		mm_fixture_test_locked(test_split),
		mm_fixture_test(test_mprotect_split_merge_back),
		mm_fixture_test(test_mremap_next_to_source),
		mm_fixture_test(test_munmap_many),
		mm_fixture_test(test_split_needs_write_lock),
	};

	return mm_fixture_run(tests);
}
