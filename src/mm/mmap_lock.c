// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The out-of-line half of mmap_lock (mm/mmap_lock.c): the write unlock, which in debug builds
 * (MMLAB_DEBUG >= 2) validates the whole mm first, as Linux's validate_mm runs after every
 * VMA-tree change under CONFIG_DEBUG_VM_MAPLE_TREE; a broken tree or counter aborts at the end
 * of the write section that broke it. Left out: the tracepoints Linux's file holds.
 */
#include "mm/mmap_lock.h"
#include "mm/vma.h"

/**
 * mmap_write_unlock - end a write section of @mm, validating it first in debug builds.
 * Context: the calling thread holds @mm's lock for writing.
 */
void mmap_write_unlock(struct mm_struct *mm)
{
#if MMLAB_DEBUG >= 2
	mmap_assert_write_locked(mm);
	VM_BUG_ON(mm_validate(mm));
#endif
	__mmap_write_unlock(mm);
}

/**
 * __mmap_write_unlock - mmap_write_unlock() without the validation, for an mm that is torn
 * down half-built and that nobody else can see (a fork that failed midway, whose counters
 * were copied whole before its VMAs were).
 * Context: the calling thread holds @mm's lock for writing.
 */
void __mmap_write_unlock(struct mm_struct *mm)
{
	mmap_assert_write_locked(mm);
	__mmap_lock_set_owner(mm, 0);
	pthread_rwlock_unlock(&mm->mmap_lock);
}
