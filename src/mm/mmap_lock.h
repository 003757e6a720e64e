/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmap_lock, taken as Linux takes it (include/linux/mmap_lock.h): every path that reads the
 * VMA tree holds it for reading, every path that changes a VMA holds it for writing, and no
 * file touches the lock's parts directly. The read side is a per-CPU reader count, as Linux's
 * percpu_rw_semaphore (kernel/locking/percpu-rwsem.c) has one, with host thread slots for
 * CPUs: a reader adds one to its own slot's count with a plain store and, unless a writer has
 * arrived, holds the lock; it lets go with a plain release store. A writer takes the rwlock
 * inside (which orders writers, and readers without a slot or that met a writer), raises
 * mmap_writer, makes every reader pass a full barrier (host_barrier_heavy: membarrier, the
 * grace period percpu_down_write waits for in rcu_sync_enter), and waits for every slot's
 * count to reach zero: a reader sees the writer, or the writer sees its count. So a fault
 * pays no locked instruction for mmap_lock, neither at its start nor at its end (a locked
 * instruction waits for every earlier store to drain, the previous page's zeroing among
 * them), and a writer alone in the process skips the system call. A thread that already
 * holds the lock for reading takes it again without looking at mmap_writer (the writer
 * waits for it anyway).
 * In debug builds (MMLAB_DEBUG >= 1) the lock knows its writer (the host thread's id) and how
 * many readers hold it, so that a function states its Context with mmap_assert_locked() or
 * mmap_assert_write_locked() at its entry and a caller without the lock aborts there; at
 * MMLAB_DEBUG >= 2 mmap_write_unlock() validates the mm (mmap_lock.c) before it lets go, so
 * that no write section ends with a broken tree.
 * mmap_read_trylock serves the reverse map, which reaches other address spaces while it holds
 * an anon_vma or i_mmap lock (taken after mmap_lock): it may not wait there.
 * Left out: the killable variants (nothing here waits on a signal), lockdep's
 * nesting annotations (mmap_write_lock_nested: fork takes the child's lock after the parent's,
 * the only order there is), the per-VMA locks of the fault path (lock_vma_under_rcu), and
 * mmap_write_downgrade: the fault path drops the write lock and retakes it for reading, and
 * looks the VMA up again.
 */
#ifndef MMLAB_MM_MMAP_LOCK_H
#define MMLAB_MM_MMAP_LOCK_H

#include "mm/mm_types.h"

#include <pthread.h>

/* Debug owner bookkeeping: the writer's thread id (0: none) and the number of readers. */
static inline void __mmap_lock_set_owner(struct mm_struct *mm, pthread_t owner)
{
#if MMLAB_DEBUG > 0
	__atomic_store_n(&mm->mmap_lock_owner, owner, __ATOMIC_RELAXED);
#else
	(void)mm;
	(void)owner;
#endif
}

static inline void __mmap_lock_add_readers(struct mm_struct *mm, long n)
{
#if MMLAB_DEBUG > 0
	__atomic_add_fetch(&mm->mmap_lock_readers, n, __ATOMIC_RELAXED);
#else
	(void)mm;
	(void)n;
#endif
}

/* mmap_init_lock - a new mm's lock, unlocked. Context: @mm not visible to anyone else yet. */
static inline void mmap_init_lock(struct mm_struct *mm)
{
	pthread_rwlock_init(&mm->mmap_lock, NULL);
	mm->mmap_writer = 0;
	for (int i = 0; i < HOST_THREAD_SLOTS; i++)
		mm->mmap_readers[i] = 0;
	mm->mmap_lock_owner = 0;
	mm->mmap_lock_readers = 0;
}

/* mmap_destroy_lock - the lock of an mm being freed. Context: nobody holds it. */
static inline void mmap_destroy_lock(struct mm_struct *mm)
{
	pthread_rwlock_destroy(&mm->mmap_lock);
}

void mmap_write_lock(struct mm_struct *mm);
void mmap_write_unlock(struct mm_struct *mm);
void __mmap_write_unlock(struct mm_struct *mm);
void __mmap_read_lock_slow(struct mm_struct *mm, int slot);

static inline void mmap_read_lock(struct mm_struct *mm)
{
	int slot = host_thread_slot(), held;

	if (__builtin_expect(slot < 0, 0)) {
		__mmap_read_lock_slow(mm, slot);
		return;
	}
	/* Only this thread writes its count: a plain read of it is exact. */
	held = __atomic_load_n(&mm->mmap_readers[slot], __ATOMIC_RELAXED);
	__atomic_store_n(&mm->mmap_readers[slot], held + 1, __ATOMIC_RELAXED);
	host_barrier_light();
	if (__builtin_expect(held || !__atomic_load_n(&mm->mmap_writer, __ATOMIC_SEQ_CST), 1))
		__mmap_lock_add_readers(mm, 1);
	else
		__mmap_read_lock_slow(mm, slot);
}

/*
 * mmap_read_trylock - take a read hold unless that means waiting: a nested hold always
 * succeeds, a first one fails while a writer holds or waits for the lock (the calling thread
 * among them: a writer's own read trylock fails).
 * Return: true when the lock is held (let go with mmap_read_unlock).
 */
static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	int slot = host_thread_slot(), held = 0;

	if (__builtin_expect(slot >= 0, 1)) {
		held = __atomic_load_n(&mm->mmap_readers[slot], __ATOMIC_RELAXED);
		__atomic_store_n(&mm->mmap_readers[slot], held + 1, __ATOMIC_RELAXED);
		host_barrier_light();
		if (held || !__atomic_load_n(&mm->mmap_writer, __ATOMIC_SEQ_CST)) {
			__mmap_lock_add_readers(mm, 1);
			return true;
		}
		/* A writer came: give the count back, as the slow path does, and try the rwlock. */
		__atomic_store_n(&mm->mmap_readers[slot], 0, __ATOMIC_RELEASE);
	}
	if (pthread_rwlock_tryrdlock(&mm->mmap_lock))
		return false;
	__mmap_lock_add_readers(mm, 1);
	return true;
}

/*
 * mmap_read_unlock - let go of a read hold: this thread's count when it has one (a nested
 * hold is always counted there), the rwlock otherwise.
 */
static inline void mmap_read_unlock(struct mm_struct *mm)
{
	int slot = host_thread_slot(), held;

	__mmap_lock_add_readers(mm, -1);
	held = slot < 0 ? 0 : __atomic_load_n(&mm->mmap_readers[slot], __ATOMIC_RELAXED);
	if (__builtin_expect(held > 0, 1))
		__atomic_store_n(&mm->mmap_readers[slot], held - 1, __ATOMIC_RELEASE);
	else
		pthread_rwlock_unlock(&mm->mmap_lock);
}

/* Whether the calling thread holds @mm's lock for writing (debug builds only). */
static inline bool __mmap_lock_write_owned(const struct mm_struct *mm)
{
	return pthread_equal(__atomic_load_n(&mm->mmap_lock_owner, __ATOMIC_RELAXED),
			     pthread_self());
}

/*
 * mmap_assert_locked - the caller holds @mm's lock, for reading or writing. A reader is not
 * known by thread (a rwlock's readers are anonymous), so this checks that some reader holds it
 * when the caller is not the writer.
 */
static inline void mmap_assert_locked(const struct mm_struct *mm)
{
	VM_BUG_ON(!__mmap_lock_write_owned(mm) &&
		  __atomic_load_n(&mm->mmap_lock_readers, __ATOMIC_RELAXED) <= 0);
}

/* mmap_assert_write_locked - the calling thread holds @mm's lock for writing. */
static inline void mmap_assert_write_locked(const struct mm_struct *mm)
{
	VM_BUG_ON(!__mmap_lock_write_owned(mm));
}

#endif /* MMLAB_MM_MMAP_LOCK_H */
