// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel log (kernel/printk/printk.c's part that dmesg sees): lines appended by the
 * subsystems that report to it - the OOM killer - and read, and optionally cleared, through
 * mmlab_dmesg as `dmesg` and `dmesg -c` read /dev/kmsg's records. Each line is the text of one
 * pr_*() call as the kernel formats it.
 * Left out: log levels, sequence numbers and timestamps (the text only), the console,
 * ratelimiting and continuation-line merging across calls (a caller formats whole lines).
 */
#include "mm/machine.h"
#include "mmlab.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void printk_init(struct printk_log *log)
{
	pthread_mutex_init(&log->lock, NULL);
	log->buf = NULL;
	log->len = log->cap = 0;
	log->dropped = 0;
}

void printk_exit(struct printk_log *log)
{
	free(log->buf);
	log->buf = NULL;
	pthread_mutex_destroy(&log->lock);
}

/* Drops whole lines from the front until @need more bytes fit under PRINTK_LOG_MAX. */
static void printk_make_room(struct printk_log *log, size_t need)
{
	size_t cut = 0;

	while (log->len - cut + need > PRINTK_LOG_MAX && cut < log->len) {
		char *nl = memchr(log->buf + cut, '\n', log->len - cut);

		cut = nl ? (size_t)(nl - log->buf) + 1 : log->len;
		log->dropped++;
	}
	if (!cut)
		return;
	memmove(log->buf, log->buf + cut, log->len - cut);
	log->len -= cut;
}

static void printk_append(struct printk_log *log, const char *text, size_t n)
{
	bool nl = !n || text[n - 1] != '\n';
	size_t need = n + nl;
	char *buf;

	if (need > PRINTK_LOG_MAX)
		return;
	pthread_mutex_lock(&log->lock);
	printk_make_room(log, need);
	if (log->len + need > log->cap) {
		size_t cap = max(log->cap * 2, log->len + need + 256);

		buf = realloc(log->buf, cap);
		if (!buf)
			goto unlock;	/* the kernel drops a record it cannot store, too */
		log->buf = buf;
		log->cap = cap;
	}
	memcpy(log->buf + log->len, text, n);
	log->len += n;
	if (nl)
		log->buf[log->len++] = '\n';
unlock:
	pthread_mutex_unlock(&log->lock);
}

/**
 * machine_printk - append formatted text to @m's kernel log.
 * @fmt: printf format; the text is one line or several, each ending in '\n'
 *
 * Context: any; takes the log's lock.
 */
void machine_printk(struct machine *m, const char *fmt, ...)
{
	char small[512], *text = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text)
			return;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	printk_append(&m->log, text, (size_t)n);
	if (text != small)
		free(text);
}

/**
 * mmlab_dmesg - the machine's kernel log, as dmesg prints it without timestamps.
 * @mm: the machine
 * @out: where the lines go
 * @clear: 1 forgets the lines written (dmesg -c); 0 keeps them
 *
 * Context: any.
 * Return: 0; -EINVAL (NULL @mm or @out, @clear not 0 or 1); -EIO when @out fails.
 */
MMLAB_EXPORT int mmlab_dmesg(struct mmlab_machine *mm, FILE *out, int clear)
{
	struct printk_log *log;
	int err = 0;

	if (!mm || !out || (clear != 0 && clear != 1))
		return -EINVAL;
	log = &machine_of(mm)->log;
	pthread_mutex_lock(&log->lock);
	if (log->len && fwrite(log->buf, 1, log->len, out) != log->len)
		err = -EIO;
	if (!err && clear)
		log->len = 0;
	pthread_mutex_unlock(&log->lock);
	return err;
}
