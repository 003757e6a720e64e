// SPDX-License-Identifier: LGPL-2.1-or-later
/* diffio's look into an mmlab pipe: the bytes it holds, as FIONREAD answers on the host. */
#include "mm/pipe.h"

long diffio_pipe_bytes(struct mmlab_task *t, int fd);

long diffio_pipe_bytes(struct mmlab_task *t, int fd)
{
	struct pipe_inode_info *pipe = t->fds[fd]->pipe;
	long sum = 0;

	for (unsigned int i = pipe->tail; i != pipe->head; i++)
		sum += pipe->bufs[i & (pipe->ring_size - 1)].len;
	return sum;
}
