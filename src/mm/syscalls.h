/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The memory system calls, one function each in the file that models it (include/linux/
 * syscalls.h's share): what syscalls.c's public entry points call once they hold mmap_lock.
 * Each returns what the kernel's returns: a value or an address, or -errno.
 * Context: mmap_lock held for writing (process_madvise: the target's).
 */
#ifndef MMLAB_MM_SYSCALLS_H
#define MMLAB_MM_SYSCALLS_H

#include "mm/task.h"

/* mmap.c */
long ksys_mmap(struct task *tsk, unsigned long addr, unsigned long len, unsigned long prot,
	       unsigned long flags, struct file *file, unsigned long off);
long sys_munmap(struct task *tsk, unsigned long addr, unsigned long len);
long sys_brk(struct task *tsk, unsigned long brk);

/* mprotect.c */
long sys_mprotect(struct task *tsk, unsigned long start, size_t len, unsigned long prot);
long do_mprotect_pkey(struct task *tsk, unsigned long start, size_t len, unsigned long prot,
		      int pkey);

/* mremap.c */
long sys_mremap(struct task *tsk, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long new_addr);

/* madvise.c (with the anon-name prctl) */
long sys_madvise(struct task *tsk, unsigned long start, size_t len, int behavior);
/* One range of process_madvise's iovec array. */
struct madv_iovec {
	unsigned long base;		/* Start of the range */
	unsigned long len;		/* Its length in bytes */
};
long sys_process_madvise(struct task *tsk, struct task *target, const struct madv_iovec *iov,
			 size_t vlen, int behavior, unsigned int flags);
long prctl_set_vma_anon_name(struct task *tsk, unsigned long start, unsigned long len,
			     const char *name);

/* mlock.c */
long sys_mlock2(struct task *tsk, unsigned long start, size_t len, int flags);
long sys_munlock(struct task *tsk, unsigned long start, size_t len);
long sys_mlockall(struct task *tsk, int flags);
long sys_munlockall(struct task *tsk);

/* msync.c */
long sys_msync(struct task *tsk, unsigned long start, size_t len, int flags);

/* prctl.c */
long prctl_mm(struct task *tsk, int option, unsigned long arg2, unsigned long arg3,
	      unsigned long arg4, unsigned long arg5);

/* mseal.c */
long sys_mseal(struct task *tsk, unsigned long start, size_t len, unsigned long flags);

#endif /* MMLAB_MM_SYSCALLS_H */
