// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Growable text buffer (see sbuf.h). Allocation failure is sticky and reported through
 * sbuf->oom rather than by aborting, so a caller can turn it into -ENOMEM.
 */
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool sbuf_reserve(struct sbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap;
	char *p;

	if (sb->oom)
		return false;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

/**
 * sbuf_putn() - append @n bytes of @s.
 * @sb: the buffer.
 * @s: bytes to append (may contain NULs).
 * @n: how many.
 *
 * Context: any.
 * Return: nothing; on allocation failure sets @sb->oom and drops the text.
 */
void sbuf_putn(struct sbuf *sb, const char *s, size_t n)
{
	if (!sbuf_reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/**
 * sbuf_puts() - append a C string.
 * @sb: the buffer.
 * @s: the string.
 *
 * Context: any.
 * Return: nothing; see sbuf_putn().
 */
void sbuf_puts(struct sbuf *sb, const char *s)
{
	sbuf_putn(sb, s, strlen(s));
}

/**
 * sbuf_putc() - append one byte.
 * @sb: the buffer.
 * @c: the byte.
 *
 * Context: any.
 * Return: nothing; see sbuf_putn().
 */
void sbuf_putc(struct sbuf *sb, char c)
{
	sbuf_putn(sb, &c, 1);
}

/**
 * sbuf_vprintf() - append formatted text.
 * @sb: the buffer.
 * @fmt: printf format.
 * @ap: its arguments.
 *
 * Context: any.
 * Return: nothing; see sbuf_putn().
 */
void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !sbuf_reserve(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

/**
 * sbuf_printf() - append formatted text.
 * @sb: the buffer.
 * @fmt: printf format, then its arguments.
 *
 * Context: any.
 * Return: nothing; see sbuf_putn().
 */
void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

/**
 * sbuf_str() - the text so far.
 * @sb: the buffer.
 *
 * Context: any.
 * Return: a NUL-terminated string owned by @sb ("" when empty).
 */
const char *sbuf_str(const struct sbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/**
 * sbuf_reset() - empty the buffer but keep its memory.
 * @sb: the buffer.
 *
 * Context: any.
 */
void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	sb->oom = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

/**
 * sbuf_free() - release the buffer's memory.
 * @sb: the buffer; it is left empty and reusable.
 *
 * Context: any.
 */
void sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	*sb = SBUF_INIT;
}
