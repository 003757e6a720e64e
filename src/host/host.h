/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The only door to the host OS (mimalloc's prim/ layer): reserving lazily backed memory for
 * RAM, clocks, the host kernel's auxiliary vector, the host devices' readahead limits, and
 * what stands in for "this CPU" (a small number per host thread, as smp_processor_id() is per
 * CPU) and for waiting on another CPU, and the swap files' I/O. Everything else in mmlab is
 * plain computation over that memory.
 */
#ifndef MMLAB_HOST_H
#define MMLAB_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reserves @bytes of zero-filled, lazily backed host memory; returns NULL on failure. */
void *host_reserve(size_t bytes);
void host_release(void *p, size_t bytes);
/* Gives the host back the backing of a range (it reads back as zeroes). */
void host_discard(void *p, size_t bytes);
uint64_t host_now_ns(void);
/* Wall-clock seconds since the epoch (ktime_get_real_seconds), for SysV IPC's times. */
int64_t host_real_seconds(void);
/* The host kernel's auxiliary vector entry @type (AT_HWCAP...), 0 when it has none. */
unsigned long host_getauxval(unsigned long type);
/* Copies up to @len bytes of the host's own vDSO image (at AT_SYSINFO_EHDR, as long as its
 * [vdso] line in /proc/self/maps) to @buf; returns the bytes copied, 0 when there is none. */
size_t host_vdso_image(void *buf, size_t len);

/* Host threads that get a slot of their own (host_thread_slot); later ones share none. */
#define HOST_THREAD_SLOTS 16

extern __thread int host_thread_slot_plus1 __attribute__((tls_model("initial-exec")));
int __host_thread_slot(void);

/*
 * host_thread_slot - the calling thread's number in [0, HOST_THREAD_SLOTS), its own until it
 * exits (then another thread may get it), or -1 when every slot is taken: per-thread data kept
 * in an array (the mmap_lock's reader counts) is indexed by it, as per-CPU data is by CPU.
 */
static inline int host_thread_slot(void)
{
	int s = host_thread_slot_plus1;

	return __builtin_expect(s > 0, 1) ? s - 1 : __host_thread_slot();
}

/* Waits, spinning and then yielding the host CPU, until *@word reads 0 (acquire). */
void host_wait_for_zero(const int *word);

/*
 * An asymmetric pair of barriers, for a store-then-load handshake (Dekker's) where one side
 * runs often and the other seldom: the frequent side orders its store before its load with
 * host_barrier_light(), a compiler barrier only; the rare side calls host_barrier_heavy(),
 * which makes every other thread of the process that holds a thread slot pass a full memory
 * barrier (membarrier's private expedited command). The loads after the light barrier that
 * must see the heavy side's stores are seq_cst atomics (a plain load on x86). This is the user-space form of the
 * grace period percpu_rw_semaphore's writer waits for (rcu_sync_enter), which lets its
 * readers count themselves without a locked instruction. When the host kernel has no
 * membarrier, the light side is a full fence and the heavy side nothing.
 */
extern bool host_membarrier_ready;

extern int host_barrier_word;

static inline void host_barrier_light(void)
{
	if (__builtin_expect(host_membarrier_ready, 1))
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	else	/* a locked instruction: a full barrier (ThreadSanitizer takes no fences) */
		(void)__atomic_fetch_add(&host_barrier_word, 0, __ATOMIC_SEQ_CST);
}

void host_barrier_heavy(void);

/*
 * The block queue limits Linux's bdi takes for files on the host device MAJOR:MINOR:
 * read_ahead_kb and max_sectors_kb, a partition's from its whole disk; a device without a
 * block queue (NFS, FUSE) gives its bdi's read_ahead_kb and no max_sectors_kb (0).
 * Return: 0, or -ENOENT when the host shows neither (tmpfs, overlayfs: anonymous devices).
 */
int host_bdi_limits(unsigned int major, unsigned int minor, unsigned int *ra_kb,
		    unsigned int *max_sectors_kb);

/*
 * host_bdev_rotational - the "rotational" flag of the block queue of host device MAJOR:MINOR
 * (a partition's from its whole disk), as Linux's bdev_nonrot reads it.
 * Return: 1 rotational, 0 not; -ENOENT when the host shows none (tmpfs, overlayfs).
 */
int host_bdev_rotational(unsigned int major, unsigned int minor);

/*
 * host_file_read / host_file_write - all @len bytes at byte @off of host file @fd, through
 * short transfers and EINTR (a swap slot, a swap header).
 * Return: 0, or -EIO (an error, or the file ends first).
 */
int host_file_read(int fd, void *buf, size_t len, uint64_t off);
int host_file_write(int fd, const void *buf, size_t len, uint64_t off);

/*
 * host_file_readv / host_file_writev - @nr buffers of @each bytes, @bufs[0] at byte @off of
 * host file @fd and each next one right after it, moved with as few preadv/pwritev calls as
 * the host takes (a run of swap slots), through short transfers and EINTR.
 * Return: 0, or -EIO (an error, or the file ends first).
 */
int host_file_readv(int fd, void *const *bufs, unsigned int nr, size_t each, uint64_t off);
int host_file_writev(int fd, void *const *bufs, unsigned int nr, size_t each, uint64_t off);

/*
 * host_file_stat - of host file @fd: its size in bytes and whether it is a regular file
 * (either pointer may be NULL); *@rotational, when asked, as host_bdev_rotational says for
 * the device the file is on (1, 0, -ENOENT).
 * Return: 0, or -EBADF.
 */
int host_file_stat(int fd, uint64_t *size, bool *regular, int *rotational);

/* Closes host file descriptor @fd (a swap file the machine owns). */
void host_file_close(int fd);

/*
 * host_copy_aliased - what the kernel's copy_to_user (rep movsb) leaves when it copies @n bytes
 * from @src_page + @src_off to a destination of up to two pages, @dst_pages[0] + @dst_off
 * onwards, one of which is the source page itself seen through another address (a pipe holds
 * a user page, and a read puts its bytes back into that page): the copy runs on this CPU
 * through two aliases of one memory, so its wide loads and stores meet as the kernel's did.
 * Pages are host pointers, page-aligned; @dst_pages[1] is used when the range crosses a page,
 * NULL when that page faulted: the copy runs in full over a scratch page there, since the
 * bytes a faulting copy leaves before the fault are those of the whole copy, not of a
 * shorter one (measured).
 * Return: 0, or -1 when the aliases could not be made (the caller then copies plainly).
 */
int host_copy_aliased(void *const dst_pages[2], unsigned int dst_off, const void *src_page,
		      unsigned int src_off, size_t n);

#endif
