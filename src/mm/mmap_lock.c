// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The out-of-line half of mmap_lock (mm/mmap_lock.c, with the writer's and the blocked
 * reader's side of kernel/locking/percpu-rwsem.c): the write lock, which waits for every
 * reader count to drain, a reader's way past a writer, and the write unlock, which in debug
 * builds (MMLAB_DEBUG >= 2) validates the whole mm first, as Linux's validate_mm runs after
 * every VMA-tree change under CONFIG_DEBUG_VM_MAPLE_TREE; a broken tree or counter aborts at
 * the end of the write section that broke it. Left out: the tracepoints Linux's file holds,
 * and a writer's sleep (it spins, then yields the host CPU).
 */
#include "mm/mmap_lock.h"
#include "mm/vma.h"

/**
 * mmap_write_lock - take @mm's lock for writing: the rwlock first (no other writer, no reader
 * past the rwlock), then mmap_writer up, which sends new readers to the rwlock, then the wait
 * for the readers counted in the slots to let go.
 * Context: the calling thread holds no hold of @mm's lock.
 */
void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->mmap_lock);
	(void)__atomic_exchange_n(&mm->mmap_writer, 1, __ATOMIC_SEQ_CST);
	host_barrier_heavy();
	for (int i = 0; i < HOST_THREAD_SLOTS; i++)
		host_wait_for_zero(&mm->mmap_readers[i]);
	__mmap_lock_set_owner(mm, pthread_self());
}

/**
 * __mmap_read_lock_slow - a reader without a slot (@slot < 0), or one whose count met a
 * writer: the count goes back to zero, letting the writer on, and the reader waits on the
 * rwlock, as percpu_down_read's slow path waits on the semaphore.
 * Context: the calling thread holds no read hold counted in its slot.
 */
void __mmap_read_lock_slow(struct mm_struct *mm, int slot)
{
	if (slot >= 0)
		__atomic_store_n(&mm->mmap_readers[slot], 0, __ATOMIC_RELEASE);
	pthread_rwlock_rdlock(&mm->mmap_lock);
	__mmap_lock_add_readers(mm, 1);
}

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
	__atomic_store_n(&mm->mmap_writer, 0, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&mm->mmap_lock);
}
