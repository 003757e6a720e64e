/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The only door to the host OS (mimalloc's prim/ layer): reserving lazily backed memory for
 * RAM, a clock, and the host devices' readahead limits. Everything else in mmlab is plain computation over that memory.
 */
#ifndef MMLAB_HOST_H
#define MMLAB_HOST_H

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

/*
 * The block queue limits Linux's bdi takes for files on the host device MAJOR:MINOR:
 * read_ahead_kb and max_sectors_kb, a partition's from its whole disk; a device without a
 * block queue (NFS, FUSE) gives its bdi's read_ahead_kb and no max_sectors_kb (0).
 * Return: 0, or -ENOENT when the host shows neither (tmpfs, overlayfs: anonymous devices).
 */
int host_bdi_limits(unsigned int major, unsigned int minor, unsigned int *ra_kb,
		    unsigned int *max_sectors_kb);

#endif
