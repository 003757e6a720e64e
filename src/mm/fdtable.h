/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A task's fd table as the system calls reach it (include/linux/fdtable.h, file.h): looking
 * an fd up, finding the lowest free slot under RLIMIT_NOFILE, installing a file there, and the
 * close-on-exec bit of each slot.
 */
#ifndef MMLAB_MM_FDTABLE_H
#define MMLAB_MM_FDTABLE_H

#include "mm/task.h"

/* fd.c */
struct file *fdget(struct mmlab_task *t, int fd);	/* NULL: closed, out of range, O_PATH */
struct file *fdget_raw(struct mmlab_task *t, int fd);	/* ... O_PATH fds too */
int get_unused_fd_flags(struct mmlab_task *t);		/* The lowest free slot, or -EMFILE */
void fd_install(struct mmlab_task *t, int fd, struct file *f, bool cloexec);

#endif /* MMLAB_MM_FDTABLE_H */
