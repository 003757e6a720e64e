/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pipes (include/linux/pipe_fs_i.h): a ring of page-sized buffers between a read end and a
 * write end, shared by the two struct files pipe2 makes; pipe.c reads and writes it, splice.c
 * (vmsplice) fills it with user pages and drains it into user memory.
 */
#ifndef MMLAB_MM_PIPE_H
#define MMLAB_MM_PIPE_H

#include "mm/uaccess.h"

#include <pthread.h>

#define PIPE_DEF_BUFFERS 16		/* Slots of a new pipe (pipe_max_size is not modelled) */

/* pipe_buffer flags */
#define PIPE_BUF_FLAG_PACKET 0x08U	/* O_DIRECT pipe: a read takes at most this buffer */
#define PIPE_BUF_FLAG_CAN_MERGE 0x10U	/* A write may append to it (an anonymous page) */
#define PIPE_BUF_FLAG_USER 0x100U	/* A user page vmsplice took a reference on (mmlab's
					 * stand-in for user_page_pipe_buf_ops) */

struct pipe_buffer {
	struct page *page;		/* A reference; the zero page is never referenced */
	unsigned int offset;		/* First byte of data in the page */
	unsigned int len;		/* Bytes of data */
	unsigned int flags;		/* PIPE_BUF_FLAG_* */
};

/* One pipe (struct pipe_inode_info). head and tail run freely; slot = index & (ring_size - 1). */
struct pipe_inode_info {
	pthread_mutex_t mutex;		/* Everything below */
	struct pglist_data *pgdat;	/* Whose frames hold the data */
	unsigned int head;		/* Where the next buffer goes */
	unsigned int tail;		/* The oldest buffer */
	unsigned int max_usage;		/* Slots that may hold data */
	unsigned int ring_size;		/* Slots in bufs (a power of two) */
	unsigned int readers;		/* Files open for reading */
	unsigned int writers;		/* Files open for writing */
	struct page *tmp_page;		/* A freed buffer page kept for the next write, or NULL */
	struct pipe_buffer bufs[PIPE_DEF_BUFFERS];
};

static inline bool pipe_empty(unsigned int head, unsigned int tail)
{
	return head == tail;
}

static inline unsigned int pipe_occupancy(unsigned int head, unsigned int tail)
{
	return head - tail;
}

static inline bool pipe_full(unsigned int head, unsigned int tail, unsigned int limit)
{
	return pipe_occupancy(head, tail) >= limit;
}

/* pipe.c */
int do_pipe2(struct mmlab_task *t, int fds[2], int flags);
int64_t pipe_read(struct file *filp, struct iov_iter *to);
int64_t pipe_write(struct file *filp, struct iov_iter *from);
void pipe_release(struct file *filp);
void pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf);
/* The bytes of @buf (its page's data at buf->offset). */
const unsigned char *pipe_buf_data(const struct pipe_inode_info *pipe,
				   const struct pipe_buffer *buf);
size_t pipe_buf_copy_to_iter(const struct pipe_inode_info *pipe, const struct pipe_buffer *buf,
			     size_t len, struct iov_iter *to);

#endif /* MMLAB_MM_PIPE_H */
