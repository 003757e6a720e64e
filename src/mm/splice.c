// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmsplice(2) (fs/splice.c): user memory into a pipe, or a pipe's data into user memory.
 * Into the pipe, the user's pages are taken by reference, not copied: that is what the host's
 * Linux 6.18 does (measured: a store to the page after vmsplice, by the program or by the
 * kernel, shows in the read; tests/diff/diffio.c), through iter_to_pipe and
 * iov_iter_get_pages2: a read fault for a page not present, up to 16 pages a batch, each page
 * chunk its own buffer that later writes never merge into. SPLICE_F_GIFT changes nothing. Out
 * of the pipe, the data is copied into the user's memory as a read would, except that a
 * packet pipe's buffers are not packets to splice.
 * As everywhere in mmlab, nothing sleeps: a vmsplice that would wait for room or for data
 * returns -EAGAIN, as with SPLICE_F_NONBLOCK.
 * Left out: splice(2), tee(2), and the pipe-to-pipe and file paths.
 */
#include "mm/fdtable.h"
#include "mm/machine.h"
#include "mm/pipe.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <signal.h>

#define SPLICE_F_MOVE 0x01U
#define SPLICE_F_NONBLOCK 0x02U
#define SPLICE_F_MORE 0x04U
#define SPLICE_F_GIFT 0x08U
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)

#define GUP_BATCH 16			/* Pages iter_to_pipe asks iov_iter_get_pages2 for at once */

/*
 * get_user_page - the frame behind @addr in the task's memory, with a reference, faulting it in
 * as a read would (get_user_pages without FOLL_WRITE). NULL when the fault fails.
 */
static struct page *get_user_page(struct mmu_cpu *cpu, struct pglist_data *pgdat,
				  uint64_t addr)
{
	unsigned char *host;
	struct page *page;

	if (mmu_translate(cpu, (unsigned long)addr, MMU_READ, (void **)&host))
		return NULL;
	if (host < pgdat->ram || host >= pgdat->ram + pgdat->ram_bytes)
		return NULL;	/* not a frame of this machine (nothing maps such memory) */
	page = pfn_to_page(pgdat, (unsigned long)(host - pgdat->ram) >> PAGE_SHIFT);
	get_page(page);
	return page;
}

/* wait_for_space: 0 when a buffer fits; -EPIPE (and SIGPIPE to @t) without readers; -EAGAIN
 * when full. */
static int wait_for_space(struct mmlab_task *t, struct pipe_inode_info *pipe)
{
	if (!pipe->readers) {
		send_sig(SIGPIPE, &t->tsk);
		return -EPIPE;
	}
	/* Full: Linux sleeps without SPLICE_F_NONBLOCK; mmlab returns as with it. */
	return pipe_full(pipe->head, pipe->tail, pipe->max_usage) ? -EAGAIN : 0;
}

/*
 * One batch of iter_to_pipe: up to GUP_BATCH pages of the current segment, then a buffer
 * for each page chunk while the pipe has room. Return: bytes added, or -EFAULT (no page),
 * -EAGAIN / -EPIPE (the first buffer did not fit).
 */
static int64_t iter_to_pipe_batch(struct pipe_inode_info *pipe, struct mmu_cpu *cpu,
				  struct iov_iter *from)
{
	struct page *pages[GUP_BATCH];
	uint64_t seg_left, addr = iov_iter_addr(from, &seg_left);
	unsigned int n = 0, i;
	int64_t total = 0;
	int err = 0;

	/* Faults come first, for the whole batch, as get_user_pages takes them. */
	for (uint64_t a = addr & PAGE_MASK; n < GUP_BATCH && a < addr + seg_left; a += PAGE_SIZE) {
		pages[n] = get_user_page(cpu, pipe->pgdat, a);
		if (!pages[n])
			break;
		n++;
	}
	if (!n)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		unsigned int start = i ? 0 : (unsigned int)(addr & ~PAGE_MASK);
		uint64_t size = min((uint64_t)(PAGE_SIZE - start), seg_left - (uint64_t)total);

		err = wait_for_space(from->task, pipe);
		if (err)
			break;
		pipe->bufs[pipe->head & (pipe->ring_size - 1)] = (struct pipe_buffer){
			.page = pages[i], .offset = start, .len = (unsigned int)size,
			.flags = PIPE_BUF_FLAG_USER,
		};
		pipe->head++;
		total += (int64_t)size;
	}
	for (; i < n; i++)
		put_page(pipe->pgdat, pages[i]);
	iov_iter_advance(from, (size_t)total);
	return total ? total : err;
}

/* vmsplice_to_pipe: the user's pages into the pipe, batch after batch while there is room. */
static int64_t vmsplice_to_pipe(struct mmlab_task *t, struct pipe_inode_info *pipe,
				struct iov_iter *from)
{
	struct mmu_cpu *cpu;
	int64_t total = 0, ret;

	pthread_mutex_lock(&pipe->mutex);
	cpu = task_cpu_enter(t);	/* inside the mutex: user mode never waits for a lock */
	ret = wait_for_space(t, pipe);
	while (!ret && iov_iter_count(from)) {
		ret = iter_to_pipe_batch(pipe, cpu, from);
		if (ret > 0) {
			total += ret;
			ret = 0;
		}
	}
	task_cpu_exit(cpu);
	pthread_mutex_unlock(&pipe->mutex);
	return total ? total : ret;
}

/* vmsplice_to_user: the pipe's data copied out (__splice_from_pipe with pipe_to_user). */
static int64_t vmsplice_to_user(struct pipe_inode_info *pipe, struct iov_iter *to,
				unsigned int flags)
{
	int64_t spliced = 0, ret = 0;

	(void)flags;	/* SPLICE_F_NONBLOCK or not: mmlab never waits */
	pthread_mutex_lock(&pipe->mutex);
	while (iov_iter_count(to)) {
		struct pipe_buffer *buf;
		size_t len;

		if (pipe_empty(pipe->head, pipe->tail)) {
			/* splice_from_pipe_next: end of data, or Linux would wait */
			if (pipe->writers && !spliced)
				ret = -EAGAIN;
			break;
		}
		buf = &pipe->bufs[pipe->tail & (pipe->ring_size - 1)];
		len = min((uint64_t)buf->len, iov_iter_count(to));
		if (pipe_buf_copy_to_iter(pipe, buf, len, to) != len) {
			ret = -EFAULT;
			break;
		}
		buf->offset += (unsigned int)len;
		buf->len -= (unsigned int)len;
		spliced += (int64_t)len;
		if (!buf->len) {
			pipe_buf_release(pipe, buf);
			pipe->tail++;
		}
	}
	pthread_mutex_unlock(&pipe->mutex);
	return spliced ? spliced : ret;
}

MMLAB_EXPORT int64_t mmlab_vmsplice(struct mmlab_task *t, int fd, const struct mmlab_iovec *iov,
				    unsigned long nr, unsigned int flags)
{
	struct iov_iter iter;
	struct file *f;
	bool to_pipe;
	int64_t ret;

	if (!t)
		return -EINVAL;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	f = fdget(t, fd);
	if (!f)
		return -EBADF;
	if (f->f_mode & FMODE_WRITE)
		to_pipe = true;
	else if (f->f_mode & FMODE_READ)
		to_pipe = false;
	else
		return -EBADF;
	ret = import_iovec(!to_pipe, t, iov, nr > UIO_MAXIOV ? UIO_MAXIOV + 1 : (long)nr, &iter);
	if (ret)
		return ret;
	if (!iov_iter_count(&iter))
		ret = 0;
	else if (!f->pipe)
		ret = -EBADF;
	else if (to_pipe)
		ret = vmsplice_to_pipe(t, f->pipe, &iter);
	else
		ret = vmsplice_to_user(f->pipe, &iter, flags);
	iov_iter_release(&iter);
	return ret;
}
