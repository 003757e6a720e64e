// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fcntl(2) on the task's fd table (fs/fcntl.c; the table's slots and close-on-exec bits are
 * fd.c's): F_DUPFD and F_DUPFD_CLOEXEC (lowest free fd at or above the argument, below
 * RLIMIT_NOFILE), F_DUPFD_QUERY, F_GETFD/F_SETFD (FD_CLOEXEC, a bit per fd), F_GETFL/F_SETFL
 * (O_APPEND, O_NONBLOCK, O_NOATIME change; O_LARGEFILE is always set on 64-bit), and the memfd
 * seals F_ADD_SEALS/F_GET_SEALS (memfd.c). An O_PATH fd answers only the fd-level commands.
 * Left out: locks (F_SETLK...), leases, notifications, owners and signals, pipe sizes, and
 * O_ASYNC (no file here has ->fasync: the bit is ignored, as the kernel does for those).
 */
#include "mm/fdtable.h"
#include "mm/memfd.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#ifndef F_DUPFD_QUERY
#define F_DUPFD_QUERY 1027
#endif
#ifndef F_CREATED_QUERY
#define F_CREATED_QUERY 1028
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#endif
#define O_LARGEFILE_ 0100000
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME)

/* get_close_on_exec: whether @fd has FD_CLOEXEC. */
static bool get_close_on_exec(const struct mmlab_task *t, int fd)
{
	return t->close_on_exec[fd / 64] & (1UL << (fd % 64));
}

/*
 * f_dupfd: a second fd for @f, the lowest free one at or above @from and below
 * RLIMIT_NOFILE (alloc_fd's search from a start), with FD_CLOEXEC as @cloexec says.
 */
static long f_dupfd(struct mmlab_task *t, struct file *f, unsigned long from, bool cloexec)
{
	unsigned long nofile = task_rlimit(&t->tsk, RLIMIT_NOFILE);
	unsigned int end = nofile < MMLAB_NR_FDS ? (unsigned int)nofile : MMLAB_NR_FDS;

	if ((unsigned int)from >= nofile)
		return -EINVAL;
	for (unsigned int fd = (unsigned int)from; fd < end; fd++) {
		if (t->fds[fd])
			continue;
		fd_install(t, (int)fd, get_file(f), cloexec);
		return fd;
	}
	return -EMFILE;
}

/* setfl: the status flags that may change; the others stay as opened. */
static long setfl(struct mmlab_task *t, struct file *f, unsigned int arg)
{
	if (((arg ^ f->f_flags) & O_APPEND) && f->append)
		return -EPERM;
	/*
	 * O_DIRECT needs FMODE_CAN_ODIRECT: the host's regular files have it; shmem (memfd),
	 * devices and the rest do not. (O_NOATIME: the owner's, and mmlab's opener owns.)
	 */
	if ((arg & O_DIRECT) && !(f->f_inode && f->f_inode->i_kind == FS_OVERLAY &&
				  S_ISREG(f->f_inode->i_mode)))
		return -EINVAL;
	(void)t;
	f->f_flags = (arg & SETFL_MASK) | (f->f_flags & ~(unsigned int)SETFL_MASK);
	return 0;
}

/* The commands an O_PATH fd answers (check_fcntl_cmd). */
static bool path_fd_cmd(int cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_DUPFD_QUERY ||
	       cmd == F_GETFD || cmd == F_SETFD || cmd == F_GETFL || cmd == F_CREATED_QUERY;
}

/**
 * mmlab_fcntl - fcntl(2) on @fd of @t with @cmd and its argument @arg.
 * Return: the command's value (a new fd, the flags, the seals, 0); -EBADF (no such fd, or a
 * command an O_PATH fd does not take), -EINVAL (unknown command, F_DUPFD beyond
 * RLIMIT_NOFILE, seals of a file that has none), -EMFILE, -EPERM and -EBUSY (seals).
 */
MMLAB_EXPORT long mmlab_fcntl(struct mmlab_task *t, int fd, int cmd, unsigned long arg)
{
	struct file *f;

	if (!t || fd < 0 || fd >= MMLAB_NR_FDS || !t->fds[fd])
		return -EBADF;
	f = t->fds[fd];
	if ((f->f_flags & O_PATH) && !path_fd_cmd(cmd))
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return f_dupfd(t, f, arg, cmd == F_DUPFD_CLOEXEC);
	case F_DUPFD_QUERY:
		if ((int)arg < 0 || (int)arg >= MMLAB_NR_FDS || !t->fds[(int)arg])
			return -EBADF;
		return t->fds[(int)arg] == f;
	case F_CREATED_QUERY:
		return 0;	/* FMODE_CREATED is not kept */
	case F_GETFD:
		return get_close_on_exec(t, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(t, fd, (int)arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		/* open's flags less those that only acted at open; 64-bit forces O_LARGEFILE */
		return (f->f_flags & ~(unsigned int)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC |
						     O_CLOEXEC)) | O_LARGEFILE_;
	case F_SETFL:
		return setfl(t, f, (unsigned int)arg);
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return memfd_fcntl(f, (unsigned int)cmd, (unsigned int)arg);
	}
	return -EINVAL;
}
