/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Spinlocks for short critical sections that never sleep (include/linux/spinlock.h's
 * spin_lock/spin_unlock; x86's queued spinlock reduced to test-and-set): taking one is one
 * locked exchange, releasing it a plain store, as on x86 Linux. A pthread mutex pays a locked
 * instruction on each side, and the release's waits for every store before it to drain: after
 * zeroing a page that is most of a fault. Contended, the waiter spins reading the lock and,
 * after a while, gives its host CPU back (the holder may have been preempted: host threads
 * are not kernel code with preemption off). Left out: fairness (queueing), lockdep.
 */
#ifndef MMLAB_HOST_SPINLOCK_H
#define MMLAB_HOST_SPINLOCK_H

#include <stdbool.h>

typedef struct {
	int locked;			/* 1 while held */
} spinlock_t;

void __spin_lock_slowpath(spinlock_t *lock);

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
}

static inline bool spin_trylock(spinlock_t *lock)
{
	return !__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_lock(spinlock_t *lock)
{
	if (__builtin_expect(__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE), 0))
		__spin_lock_slowpath(lock);
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif /* MMLAB_HOST_SPINLOCK_H */
