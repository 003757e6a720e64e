// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fd table's system calls (fs/file.c): dup, dup2 and dup3, and the slot helpers that
 * pipe2 and they share - the lowest free fd below RLIMIT_NOFILE (EMFILE beyond it), installing
 * a file with its close-on-exec bit, and looking an fd up as fdget (O_PATH fds refused) or
 * fdget_raw (taken) do. The table is the task's own (copied at fork, as without CLONE_FILES).
 * Left out: fcntl's F_DUPFD (fcntl.c), the table's growth (a fixed MMLAB_NR_FDS slots), close_range.
 */
#include "mm/fdtable.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>

/* The first fd number RLIMIT_NOFILE forbids (never beyond the table). */
static unsigned long fd_limit(const struct mmlab_task *t)
{
	return min(task_rlimit(&t->tsk, RLIMIT_NOFILE), (unsigned long)MMLAB_NR_FDS);
}

struct file *fdget_raw(struct mmlab_task *t, int fd)
{
	if (!t || fd < 0 || fd >= MMLAB_NR_FDS)
		return NULL;
	return t->fds[fd];
}

struct file *fdget(struct mmlab_task *t, int fd)
{
	struct file *f = fdget_raw(t, fd);

	return f && !(f->f_flags & O_PATH) ? f : NULL;
}

/**
 * get_unused_fd_flags - the lowest free slot of @t's table below RLIMIT_NOFILE. It is not
 * reserved: the caller installs a file there before it looks for another.
 * Context: the task's own calls.
 * Return: the fd, or -EMFILE.
 */
int get_unused_fd_flags(struct mmlab_task *t)
{
	unsigned long limit = fd_limit(t);

	for (unsigned long fd = 0; fd < limit; fd++)
		if (!t->fds[fd])
			return (int)fd;
	return -EMFILE;
}

/* fd_install - put @f (a reference the table takes over) into the free slot @fd. */
void fd_install(struct mmlab_task *t, int fd, struct file *f, bool cloexec)
{
	VM_BUG_ON(t->fds[fd]);
	t->fds[fd] = f;
	fd_set_cloexec(t, fd, cloexec);
}

/* do_dup2: @newfd becomes @f, closing what it held. */
static int do_dup2(struct mmlab_task *t, struct file *f, int newfd, bool cloexec)
{
	struct file *tofree = t->fds[newfd];

	t->fds[newfd] = get_file(f);
	fd_set_cloexec(t, newfd, cloexec);
	if (tofree)
		fput(tofree);
	return newfd;
}

MMLAB_EXPORT int mmlab_dup(struct mmlab_task *t, int fd)
{
	struct file *f = fdget_raw(t, fd);
	int newfd;

	if (!f)
		return -EBADF;
	newfd = get_unused_fd_flags(t);
	if (newfd < 0)
		return newfd;
	fd_install(t, newfd, get_file(f), false);
	return newfd;
}

MMLAB_EXPORT int mmlab_dup3(struct mmlab_task *t, int fd, int newfd, int flags)
{
	struct file *f;

	if (!t)
		return -EINVAL;
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (fd == newfd)
		return -EINVAL;
	/* newfd is unsigned in the system call: a negative one is beyond any limit */
	if (newfd < 0 || (unsigned long)newfd >= fd_limit(t))
		return -EBADF;
	f = fdget_raw(t, fd);
	if (!f)
		return -EBADF;
	return do_dup2(t, f, newfd, flags & O_CLOEXEC);
}

MMLAB_EXPORT int mmlab_dup2(struct mmlab_task *t, int fd, int newfd)
{
	if (!t)
		return -EINVAL;
	if (fd == newfd)
		return fdget_raw(t, fd) ? fd : -EBADF;
	return mmlab_dup3(t, fd, newfd, 0);
}
