// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pipes (fs/pipe.c): pipe2 makes a pipe inode with a ring of PIPE_DEF_BUFFERS page-sized
 * buffers and two files on it, a read end and a write end; a write copies from the writer's
 * memory into buffer pages (appending to the last buffer when the write's tail fits there, as
 * pipe_write merges), a read copies out of them into the reader's memory, each through the
 * task's page tables (uaccess.c), so a fault in the middle of a buffer gives the count before
 * that buffer, or -EFAULT. O_DIRECT makes a packet pipe: each buffer is one packet and a read
 * takes at most one, dropping what it did not ask for. The frames come from the machine's
 * buddy allocator, so pipe data is memory the machine has in use.
 *
 * mmlab has no sleeping: where Linux would block - a read of an empty pipe that still has
 * writers, a write to a full pipe - the call returns what it returns with O_NONBLOCK (-EAGAIN,
 * or the partial count already moved). A write to a pipe without readers is -EPIPE and sends
 * the writer SIGPIPE (signal.c: by default it ends the writer's process).
 * Left out: FIFOs opened by path (never opened, issue 6), F_SETPIPE_SZ and pipe-max-size,
 * notification pipes (the host kernel has no CONFIG_WATCH_QUEUE: ENOPKG), poll/fasync.
 */
#include "mm/pipe.h"
#include "mm/fdtable.h"
#include "mm/file.h"
#include "mm/machine.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef O_NOTIFICATION_PIPE
#define O_NOTIFICATION_PIPE O_EXCL	/* include/uapi/linux/watch_queue.h */
#endif

/* Inode numbers of pipefs (get_next_ino): shown in the ends' names, "pipe:[N]". */
static unsigned long pipe_next_ino = 1000;

static struct pipe_inode_info *alloc_pipe_info(struct pglist_data *pgdat)
{
	struct pipe_inode_info *pipe = calloc(1, sizeof(*pipe));

	if (!pipe)
		return NULL;
	pthread_mutex_init(&pipe->mutex, NULL);
	pipe->pgdat = pgdat;
	pipe->ring_size = PIPE_DEF_BUFFERS;
	pipe->max_usage = PIPE_DEF_BUFFERS;
	return pipe;
}

const unsigned char *pipe_buf_data(const struct pipe_inode_info *pipe,
				   const struct pipe_buffer *buf)
{
	return (const unsigned char *)page_address(pipe->pgdat, buf->page) + buf->offset;
}

/*
 * pipe_buf_copy_to_iter - @len bytes of @buf to the user buffer: bytes copied. A user page
 * (vmsplice's) may be the very page the copy lands in: its bytes then move front to back,
 * so an overlapping copy reads back what it just stored, as a byte loop would. The host's
 * copy_to_user moves words and cache lines, so where the destination overlaps the source a
 * few bytes ahead of it, the bytes it leaves differ from these (an overlap of a vmsplice'd
 * page with itself: no program relies on it).
 */
size_t pipe_buf_copy_to_iter(const struct pipe_inode_info *pipe, const struct pipe_buffer *buf,
			     size_t len, struct iov_iter *to)
{
	if (buf->flags & PIPE_BUF_FLAG_USER)
		return copy_to_iter_forward(pipe_buf_data(pipe, buf), len, to);
	return copy_to_iter(pipe_buf_data(pipe, buf), len, to);
}

/**
 * pipe_buf_release - drop @buf's page: an anonymous page (a write's) is kept as the pipe's
 * tmp_page for the next write when nothing else holds it, as anon_pipe_buf_release does; a
 * user page (vmsplice's) loses the reference vmsplice took.
 * Context: pipe->mutex held.
 */
void pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	struct page *page = buf->page;

	buf->page = NULL;
	if (!(buf->flags & PIPE_BUF_FLAG_USER) && page_ref_count(page) == 1 && !pipe->tmp_page)
		pipe->tmp_page = page;
	else
		put_page(pipe->pgdat, page);
}

static void free_pipe_info(struct pipe_inode_info *pipe)
{
	for (unsigned int t = pipe->tail; t != pipe->head; t++)
		pipe_buf_release(pipe, &pipe->bufs[t & (pipe->ring_size - 1)]);
	if (pipe->tmp_page)
		put_page(pipe->pgdat, pipe->tmp_page);
	pthread_mutex_destroy(&pipe->mutex);
	free(pipe);
}

/* One end of @pipe: a FIFO without a host file, named as /proc/pid/fd shows it. */
static struct file *pipe_file(struct pipe_inode_info *pipe, unsigned long ino, int flags)
{
	struct stat st = { .st_mode = S_IFIFO | 0600, .st_ino = (ino_t)ino };
	char name[32];
	struct file *f;

	snprintf(name, sizeof(name), "pipe:[%lu]", ino);
	f = file_alloc(-1, name, flags, &st, FILE_MMAP_NONE);
	if (!f)
		return NULL;
	f->pipe = pipe;
	if (f->f_mode & FMODE_READ)
		pipe->readers++;
	if (f->f_mode & FMODE_WRITE)
		pipe->writers++;
	return f;
}

/**
 * do_pipe2 - pipe2(2): a new pipe, its read end in @fds[0] and write end in @fds[1], the two
 * lowest free fds.
 * @flags: O_CLOEXEC (both fds), O_NONBLOCK, O_DIRECT (packet mode)
 * Context: the task's own calls.
 * Return: 0; -EINVAL for other flags, -ENOPKG for O_NOTIFICATION_PIPE (as the host kernel,
 * built without watch queues), -EMFILE, -ENOMEM.
 */
int do_pipe2(struct mmlab_task *t, int fds[2], int flags)
{
	int common = flags & (O_NONBLOCK | O_DIRECT);
	struct pipe_inode_info *pipe;
	struct file *files[2];
	unsigned long ino;
	int fd0, fd1;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE))
		return -EINVAL;
	if (flags & O_NOTIFICATION_PIPE)
		return -ENOPKG;
	pipe = alloc_pipe_info(&t->tsk.mm->machine->pgdat);
	if (!pipe)
		return -ENOMEM;
	ino = __atomic_add_fetch(&pipe_next_ino, 1, __ATOMIC_RELAXED);
	files[0] = pipe_file(pipe, ino, O_RDONLY | common);
	if (!files[0]) {
		free_pipe_info(pipe);
		return -ENOMEM;
	}
	files[1] = pipe_file(pipe, ino, O_WRONLY | common);
	if (!files[1]) {
		fput(files[0]);	/* the last reader: frees the pipe */
		return -ENOMEM;
	}
	fd0 = get_unused_fd_flags(t);
	if (fd0 < 0)
		goto put_files;
	fd_install(t, fd0, files[0], flags & O_CLOEXEC);
	fd1 = get_unused_fd_flags(t);
	if (fd1 < 0) {
		t->fds[fd0] = NULL;
		fd0 = fd1;
		goto put_files;
	}
	fd_install(t, fd1, files[1], flags & O_CLOEXEC);
	fds[0] = fd0;
	fds[1] = fd1;
	return 0;
put_files:
	fput(files[0]);
	fput(files[1]);
	return fd0;
}

MMLAB_EXPORT int mmlab_pipe2(struct mmlab_task *t, int fds[2], int flags)
{
	if (!t || !fds)
		return -EINVAL;
	return do_pipe2(t, fds, flags);
}

/* The buffer at @slot counts as consumed: release it, move the tail (pipe_update_tail). */
static void pipe_consume(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	pipe_buf_release(pipe, buf);
	pipe->tail++;
}

/**
 * pipe_read - read(2) of a pipe's read end into @to.
 * Copies buffer after buffer; a copy that faults part way leaves that buffer whole in the pipe
 * and ends the read with the bytes of the buffers before it, or -EFAULT. A packet pipe's read
 * ends after one buffer and drops what the reader did not take.
 * Context: takes pipe->mutex; the copies take the reader's mmap_lock in their faults.
 * Return: bytes read; 0 at end of file (empty, no writers left); -EAGAIN for an empty pipe
 * with writers (Linux sleeps unless O_NONBLOCK: mmlab returns as O_NONBLOCK does); -EFAULT.
 */
int64_t pipe_read(struct file *filp, struct iov_iter *to)
{
	struct pipe_inode_info *pipe = filp->pipe;
	uint64_t total_len = iov_iter_count(to);
	int64_t ret = 0;

	if (!total_len)
		return 0;
	pthread_mutex_lock(&pipe->mutex);
	while (total_len && !pipe_empty(pipe->head, pipe->tail)) {
		struct pipe_buffer *buf = &pipe->bufs[pipe->tail & (pipe->ring_size - 1)];
		size_t chars = min((uint64_t)buf->len, total_len);

		if (pipe_buf_copy_to_iter(pipe, buf, chars, to) < chars) {
			if (!ret)
				ret = -EFAULT;
			break;
		}
		ret += (int64_t)chars;
		buf->offset += (unsigned int)chars;
		buf->len -= (unsigned int)chars;
		if (buf->flags & PIPE_BUF_FLAG_PACKET) {
			total_len = chars;	/* one packet per read */
			buf->len = 0;
		}
		if (!buf->len)
			pipe_consume(pipe, buf);
		total_len -= chars;
	}
	/* Empty with writers and nothing read: Linux waits (without O_NONBLOCK), mmlab cannot. */
	if (!ret && total_len && pipe->writers)
		ret = -EAGAIN;
	pthread_mutex_unlock(&pipe->mutex);
	return ret;
}

/* A page for a new buffer: the kept tmp_page, or a fresh frame (GFP_HIGHUSER, not zeroed). */
static struct page *pipe_get_page(struct pipe_inode_info *pipe)
{
	struct page *page = pipe->tmp_page;

	if (page) {
		pipe->tmp_page = NULL;
		return page;
	}
	return alloc_pages(pipe->pgdat, 0);
}

/*
 * The write's first (total % PAGE_SIZE) bytes appended to the last buffer, when it may merge
 * and they fit: 1 done (the write may go on), 0 not possible, or -EFAULT (nothing counted).
 */
static int pipe_write_merge(struct pipe_inode_info *pipe, struct iov_iter *from, int64_t *ret)
{
	size_t chars = iov_iter_count(from) & (PAGE_SIZE - 1);
	struct pipe_buffer *buf;
	unsigned int offset;

	if (!chars || pipe_empty(pipe->head, pipe->tail))
		return 0;
	buf = &pipe->bufs[(pipe->head - 1) & (pipe->ring_size - 1)];
	offset = buf->offset + buf->len;
	if (!(buf->flags & PIPE_BUF_FLAG_CAN_MERGE) || offset + chars > PAGE_SIZE)
		return 0;
	if (copy_from_iter((unsigned char *)page_address(pipe->pgdat, buf->page) + offset, chars,
			   from) < chars)
		return -EFAULT;
	buf->len += (unsigned int)chars;
	*ret = (int64_t)chars;
	return 1;
}

/**
 * pipe_write - write(2) to a pipe's write end from @from.
 * The tail of the write that is not a whole page goes first into the last buffer if it fits
 * there; the rest fills new buffers a page at a time. A copy that faults ends the write, and
 * the buffer it was filling leaves the ring again (the host kernel keeps no empty slot: a
 * pipe takes 16 more pages after such a write).
 * Context: takes pipe->mutex; the copies take the writer's mmap_lock in their faults.
 * Return: bytes written; -EPIPE with no reader left; -EAGAIN when the pipe is full before any
 * byte moved (Linux sleeps unless O_NONBLOCK: mmlab returns as O_NONBLOCK does); -EFAULT;
 * -ENOMEM.
 */
int64_t pipe_write(struct file *filp, struct iov_iter *from)
{
	struct pipe_inode_info *pipe = filp->pipe;
	bool packet = filp->f_flags & O_DIRECT;
	int64_t ret = 0;
	int merged;

	if (!iov_iter_count(from))
		return 0;
	pthread_mutex_lock(&pipe->mutex);
	if (!pipe->readers) {
		send_sig(SIGPIPE, &from->task->tsk);
		ret = -EPIPE;
		goto out;
	}
	merged = pipe_write_merge(pipe, from, &ret);
	if (merged < 0) {
		ret = merged;
		goto out;
	}
	while (iov_iter_count(from)) {
		struct pipe_buffer *buf;
		struct page *page;
		size_t copied;

		if (!pipe->readers) {
			send_sig(SIGPIPE, &from->task->tsk);
			if (!ret)
				ret = -EPIPE;
			break;
		}
		if (pipe_full(pipe->head, pipe->tail, pipe->max_usage)) {
			/* Linux waits for room (without O_NONBLOCK), mmlab cannot. */
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		page = pipe_get_page(pipe);
		if (!page) {
			if (!ret)
				ret = -ENOMEM;
			break;
		}
		buf = &pipe->bufs[pipe->head & (pipe->ring_size - 1)];
		*buf = (struct pipe_buffer){
			.page = page,
			.flags = packet ? PIPE_BUF_FLAG_PACKET : PIPE_BUF_FLAG_CAN_MERGE,
		};
		pipe->head++;
		copied = copy_from_iter(page_address(pipe->pgdat, page), PAGE_SIZE, from);
		if (copied < PAGE_SIZE && iov_iter_count(from)) {
			/* The host (6.18) keeps no empty buffer behind: 16 pages still fit after */
			pipe->head--;
			buf->page = NULL;
			if (!pipe->tmp_page)
				pipe->tmp_page = page;
			else
				put_page(pipe->pgdat, page);
			if (!ret)
				ret = -EFAULT;
			break;
		}
		ret += (int64_t)copied;
		buf->len = (unsigned int)copied;
	}
out:
	pthread_mutex_unlock(&pipe->mutex);
	return ret;
}

/**
 * pipe_release - the last reference to @filp, one end of a pipe, is gone: the pipe loses a
 * reader or a writer, and is freed with its buffers when it has neither.
 * Context: from fput.
 */
void pipe_release(struct file *filp)
{
	struct pipe_inode_info *pipe = filp->pipe;
	bool last;

	pthread_mutex_lock(&pipe->mutex);
	if (filp->f_mode & FMODE_READ)
		pipe->readers--;
	if (filp->f_mode & FMODE_WRITE)
		pipe->writers--;
	last = !pipe->readers && !pipe->writers;
	pthread_mutex_unlock(&pipe->mutex);
	filp->pipe = NULL;
	if (last)
		free_pipe_info(pipe);
}
