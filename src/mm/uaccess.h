/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's side of a system call's user buffers (include/linux/uaccess.h, uio.h): access_ok,
 * and an iov_iter over a task's memory that read/write, pipes and vmsplice copy through. Every
 * byte moves through the task's page tables on its CPU context, so a copy takes the faults a
 * user access would (and counts them); a fault that cannot be resolved stops the copy at the
 * page where it happened, as copy_to_user/copy_from_user stop, and the caller turns the short
 * count into a partial result or -EFAULT.
 * Left out: kernel-mode fault flags (a uaccess fault is handled as the user's own access would
 * be, FAULT_FLAG_USER included), SMAP, and iterators over kernel memory (ITER_KVEC, bvec).
 */
#ifndef MMLAB_MM_UACCESS_H
#define MMLAB_MM_UACCESS_H

#include "mm/task.h"
#include "mmu/mmu.h"
#include "mmlab.h"

#include <limits.h>

#define UIO_MAXIOV 1024			/* Segments import_iovec accepts (uio.h) */
#define MAX_RW_COUNT (INT_MAX & PAGE_MASK) /* The most one read or write moves (fs.h) */

/*
 * access_ok - whether [@addr, @addr + @size) lies below USER_PTR_MAX (TASK_SIZE_MAX on x86-64
 * without LAM) and does not wrap: the check every system call makes before it copies, so a
 * buffer that reaches into the kernel's half is -EFAULT before any byte moves.
 */
static inline bool access_ok(uint64_t addr, uint64_t size)
{
	uint64_t sum = addr + size;

	return sum <= TASK_SIZE_MAX && sum >= addr;
}

/* A user buffer of @task, in segments (struct iov_iter with ITER_UBUF or ITER_IOVEC). */
struct iov_iter {
	struct mmlab_task *task;	/* Whose memory */
	bool dest;			/* ITER_DEST: data goes to the user (a read) */
	const struct mmlab_iovec *iov;	/* The segments (iter->ubuf for a single buffer) */
	unsigned long nr_segs;		/* Segments left, iov[0] being the current one */
	uint64_t iov_offset;		/* Bytes of iov[0] already done */
	uint64_t count;			/* Bytes left in all segments */
	struct mmlab_iovec ubuf;	/* The one segment of import_ubuf */
	struct mmlab_iovec *owned;	/* import_iovec's clamped copy of the caller's array */
};

int __must_check import_ubuf(bool dest, struct mmlab_task *t, uint64_t buf, uint64_t len,
			     struct iov_iter *i);
int __must_check import_iovec(bool dest, struct mmlab_task *t, const struct mmlab_iovec *iov,
			      long nr_segs, struct iov_iter *i);
void iov_iter_release(struct iov_iter *i);

static inline uint64_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

size_t copy_to_iter(const void *src, size_t len, struct iov_iter *i);
size_t copy_from_iter(void *dst, size_t len, struct iov_iter *i);
size_t copy_to_iter_forward(const void *src, size_t len, struct iov_iter *i);
size_t iov_iter_zero(size_t len, struct iov_iter *i);
void iov_iter_advance(struct iov_iter *i, size_t len);
void iov_iter_revert(struct iov_iter *i, size_t len);
/* The user address the iterator stands at and how many bytes its current segment has left. */
uint64_t iov_iter_addr(const struct iov_iter *i, uint64_t *seg_left);

/*
 * access.c: schedules @t on its CPU context (switch_mm, PKRU) and returns that context, in
 * user mode until task_cpu_exit: the caller must not block or flush TLBs in between (faults
 * leave user mode while their handler runs).
 */
struct mmu_cpu *task_cpu_enter(struct mmlab_task *t);
void task_cpu_exit(struct mmu_cpu *cpu);

#endif /* MMLAB_MM_UACCESS_H */
