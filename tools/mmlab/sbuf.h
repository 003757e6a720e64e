/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A growable text buffer for building strace-style lines and error messages. It plays the role
 * of strace's per-tcb output stream (tprintf and friends in strace's src/strace.c); it leaves out
 * everything about files: callers write the finished text where they want it.
 */
#ifndef MMLAB_TOOL_SBUF_H
#define MMLAB_TOOL_SBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *buf;  /* NUL-terminated text, NULL until the first append */
	size_t len; /* bytes of text, excluding the NUL */
	size_t cap; /* bytes allocated */
	bool oom;   /* an append failed: the text is truncated */
};

#define SBUF_INIT ((struct sbuf){ 0 })

void sbuf_putc(struct sbuf *sb, char c);
void sbuf_puts(struct sbuf *sb, const char *s);
void sbuf_putn(struct sbuf *sb, const char *s, size_t n);
void sbuf_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
const char *sbuf_str(const struct sbuf *sb);
void sbuf_reset(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);

#endif
