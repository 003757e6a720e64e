/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel log of a machine (kernel/printk/printk.c's log buffer as dmesg reads it): the
 * lines the kernel would print (the OOM killer's report), kept in order for the caller to read
 * and clear (mmlab_dmesg). Left out: log levels, timestamps, the console and the ring's
 * fixed size (the oldest lines are dropped once PRINTK_LOG_MAX bytes are held).
 */
#ifndef MMLAB_MM_PRINTK_H
#define MMLAB_MM_PRINTK_H

#include "kernel.h"

#include <pthread.h>
#include <stddef.h>

#define PRINTK_LOG_MAX (1UL << 20)	/* Bytes held before the oldest lines go */

struct printk_log {
	pthread_mutex_t lock;		/* Protects what follows */
	char *buf;			/* Whole lines, each ending in '\n' */
	size_t len, cap;		/* Bytes used, bytes allocated */
	unsigned long dropped;		/* Lines dropped from the front (the buffer was full) */
};

struct machine;

void printk_init(struct printk_log *log);
void printk_exit(struct printk_log *log);
/* One line (or several, each ending in '\n'; a missing last '\n' is added) in @m's log. */
void machine_printk(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* MMLAB_MM_PRINTK_H */
