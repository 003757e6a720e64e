/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SysV shared memory's namespace (include/linux/ipc_namespace.h, the shm part): the segments
 * of one machine by id and key, the limits (kernel.shmmax, shmall, shmmni) and the ids'
 * sequence. shm.c implements the calls; machine.c frees what is left when the machine goes.
 */
#ifndef MMLAB_MM_SHM_H
#define MMLAB_MM_SHM_H

#include "kernel.h"

#include <pthread.h>
#include <stdint.h>

struct shmid_kernel;
struct machine;

#define IPCMNI 32768			/* Indexes an id can have (ipc_mni without ipcmni_extend) */
#define IPCMNI_SEQ_SHIFT 15		/* id = seq << 15 | index: SEQ_MULTIPLIER 32768 */

struct ipc_namespace {
	pthread_mutex_t lock;		/* Everything below and every segment's fields (the ids'
					 * rwsem and the objects' spinlocks in one); taken after
					 * an mm's mmap_lock, never before */
	struct shmid_kernel **segs;	/* By index (the idr), NULL where free; IPCMNI slots,
					 * allocated at the first shmget */
	int in_use;			/* Segments in segs */
	int next_idx;			/* Where the cyclic index search starts (idr_next) */
	int last_idx;			/* The last index handed out: a lower one bumps seq */
	int seq;			/* Sequence of the next id (0 .. (INT_MAX >> 15) - 1) */
	unsigned long shm_tot;		/* Pages of all segments (against shm_ctlall) */
	unsigned long shm_ctlmax;	/* kernel.shmmax: bytes per segment */
	unsigned long shm_ctlall;	/* kernel.shmall: pages of all segments */
	int shm_ctlmni;			/* kernel.shmmni: number of segments */
};

/* shm.c */
int __must_check shm_init_ns(struct machine *m);
void shm_exit_ns(struct machine *m);
int shm_sysctl(struct machine *m, const char *name, const uint64_t *new_val, uint64_t *old_val);

#endif /* MMLAB_MM_SHM_H */
