// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public memory system calls (the SYSCALL_DEFINEs of mm/mmap.c, mprotect.c, mremap.c,
 * madvise.c, mlock.c, msync.c, mseal.c and kernel/sys.c's prctl): each checks its handles, takes
 * mmap_lock for writing as the kernel's entry point does, and calls the sys_* function of the
 * file that models it (declared in syscalls.h). mmap also populates what MAP_POPULATE or a
 * locked mapping asks for before it lets go of the lock, as vm_mmap_pgoff does.
 * Left out: the calls that have a file of their own here: mincore (mincore.c), the pkey_*
 * calls (pkeys.c), brk's and mmap's 32-bit variants.
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mm/syscalls.h"
#include "mmlab.h"

#include <fcntl.h>
#include <sys/mman.h>

/* do_mmap's *populate: MAP_POPULATE without MAP_NONBLOCK, or a locked, not on-fault VMA. */
static bool mmap_wants_populate(struct mm_struct *mm, int flags)
{
	vm_flags_t locked = (flags & MAP_LOCKED ? VM_LOCKED : 0) | mm->def_flags;

	if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
		return true;
	return (locked & VM_LOCKED) && !(locked & VM_LOCKONFAULT);
}

/* The long result of a system call: an address or -errno. */
static int syscall_result(long ret, uint64_t *out)
{
	if (ret < 0 && ret >= -MAX_ERRNO)
		return (int)ret;
	if (out)
		*out = (uint64_t)ret;
	return 0;
}

MMLAB_EXPORT int mmlab_mmap(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot,
			    int flags, int fd, uint64_t off, uint64_t *out)
{
	struct file *file = NULL;
	long ret;

	if (!t)
		return -EINVAL;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (fd < 0 || fd >= MMLAB_NR_FDS || !t->fds[fd] ||
		    (t->fds[fd]->f_flags & O_PATH))
			return -EBADF;
		file = t->fds[fd];
	}
	TASK_ENTER(&t->tsk);
	mmap_write_lock(t->tsk.mm);
	ret = ksys_mmap(&t->tsk, addr, len, (unsigned long)prot, (unsigned long)(unsigned)flags,
			file, off);
	if (!(ret < 0 && ret >= -MAX_ERRNO) && mmap_wants_populate(t->tsk.mm, flags))
		mm_populate(&t->tsk, (unsigned long)ret, PAGE_ALIGN(len), true);
	mmap_write_unlock(t->tsk.mm);
	return syscall_result(ret, out);
}

/*
 * @expr's value, computed with @t's mmap_lock held for writing and @t current: how the calls
 * below make theirs, but for process_madvise, which takes the target's lock.
 */
#define LOCKED_CALL(t, expr)                                                                       \
	({                                                                                         \
		TASK_ENTER(&(t)->tsk);                                                             \
		long __r;                                                                          \
		mmap_write_lock((t)->tsk.mm);                                                      \
		__r = (expr);                                                                      \
		mmap_write_unlock((t)->tsk.mm);                                                    \
		__r;                                                                               \
	})

MMLAB_EXPORT int mmlab_munmap(struct mmlab_task *t, uint64_t addr, uint64_t len)
{
	return t ? (int)LOCKED_CALL(t, sys_munmap(&t->tsk, addr, len)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mprotect(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot)
{
	return t ? (int)LOCKED_CALL(t, sys_mprotect(&t->tsk, addr, len, (unsigned)prot)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mremap(struct mmlab_task *t, uint64_t addr, uint64_t old_len,
			      uint64_t new_len, int flags, uint64_t new_addr, uint64_t *out)
{
	if (!t)
		return -EINVAL;
	return syscall_result(LOCKED_CALL(t, sys_mremap(&t->tsk, addr, old_len, new_len,
							(unsigned)flags, new_addr)),
			      out);
}

MMLAB_EXPORT int mmlab_brk(struct mmlab_task *t, uint64_t addr, uint64_t *out)
{
	if (!t)
		return -EINVAL;
	return syscall_result(LOCKED_CALL(t, sys_brk(&t->tsk, addr)), out);
}

MMLAB_EXPORT int mmlab_madvise(struct mmlab_task *t, uint64_t addr, uint64_t len, int advice)
{
	return t ? (int)LOCKED_CALL(t, sys_madvise(&t->tsk, addr, len, advice)) : -EINVAL;
}

MMLAB_EXPORT long mmlab_process_madvise(struct mmlab_task *t, struct mmlab_task *target,
					const struct mmlab_iovec *iov, size_t vlen, int advice,
					unsigned int flags)
{
	struct madv_iovec stack[8], *v = stack;
	struct mm_struct *mm;
	long ret;

	if (!t || (vlen && !iov))
		return -EINVAL;
	/* Only the first UIO_MAXIOV ranges can matter: more is EINVAL before any is read. */
	if (vlen > ARRAY_SIZE(stack) && vlen <= 1024) {
		v = calloc(vlen, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	if (vlen > 1024)
		v = NULL; /* EINVAL before any range is read */
	for (size_t i = 0; v && i < vlen; i++)
		v[i] = (struct madv_iovec){ .base = iov[i].base, .len = iov[i].len };
	mm = target ? target->tsk.mm : t->tsk.mm;
	/* the caller is current: its lookups in another task's mm find nothing in its cache */
	TASK_ENTER(&t->tsk);
	mmap_write_lock(mm);
	ret = sys_process_madvise(&t->tsk, target ? &target->tsk : NULL, v, vlen, advice, flags);
	mmap_write_unlock(mm);
	if (v != stack)
		free(v);
	return ret;
}

MMLAB_EXPORT long mmlab_prctl(struct mmlab_task *t, int option, unsigned long arg2,
			      unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	return t ? LOCKED_CALL(t, prctl_mm(&t->tsk, option, arg2, arg3, arg4, arg5)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mseal(struct mmlab_task *t, uint64_t addr, uint64_t len,
			    unsigned long flags)
{
	return t ? (int)LOCKED_CALL(t, sys_mseal(&t->tsk, addr, len, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mlock2(struct mmlab_task *t, uint64_t addr, uint64_t len, int flags)
{
	return t ? (int)LOCKED_CALL(t, sys_mlock2(&t->tsk, addr, len, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mlock(struct mmlab_task *t, uint64_t addr, uint64_t len)
{
	return mmlab_mlock2(t, addr, len, 0);
}

MMLAB_EXPORT int mmlab_munlock(struct mmlab_task *t, uint64_t addr, uint64_t len)
{
	return t ? (int)LOCKED_CALL(t, sys_munlock(&t->tsk, addr, len)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mlockall(struct mmlab_task *t, int flags)
{
	return t ? (int)LOCKED_CALL(t, sys_mlockall(&t->tsk, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_munlockall(struct mmlab_task *t)
{
	return t ? (int)LOCKED_CALL(t, sys_munlockall(&t->tsk)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_msync(struct mmlab_task *t, uint64_t addr, uint64_t len, int flags)
{
	/* msync takes mmap_lock itself: it drops it around each file's writeback. */
	if (!t)
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	return (int)sys_msync(&t->tsk, addr, len, flags);
}

MMLAB_EXPORT int mmlab_prctl_set_vma_anon_name(struct mmlab_task *t, uint64_t addr, uint64_t len,
					       const char *name)
{
	return t ? (int)LOCKED_CALL(t, prctl_set_vma_anon_name(&t->tsk, addr, len, name)) : -EINVAL;
}
