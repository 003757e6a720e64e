// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copies between the kernel and a task's memory (lib/iov_iter.c, lib/usercopy.c and x86's
 * copy_user_generic): the iterator over a user buffer's segments that read/write, pipes and
 * vmsplice fill and drain. import_ubuf and import_iovec check what the system call entry
 * checks (segment count, lengths, access_ok) and clamp the total to MAX_RW_COUNT. Each copy
 * goes page by page through the task's page tables on its CPU context, so it faults as the
 * kernel's uaccess does: a page that cannot be made present (no VMA, PROT_NONE, a read-only
 * page for data going to the user, a protection key that forbids it) ends the copy there, and
 * the copy returns how far it got.
 * Left out: iterators over kernel memory and pages (kvec, bvec, xarray), and the
 * fault_in_iov_iter_* prefaulting (a copy here may fault directly: nothing holds a page lock).
 */
#include "mm/uaccess.h"

#include <stdlib.h>
#include <string.h>

/**
 * import_ubuf - an iterator over the one buffer [@buf, @buf + @len) of @t (read/write).
 * @dest: data goes to the user (a read)
 * Context: any.
 * Return: 0, or -EFAULT when the buffer is not below the user address limit. @len is
 * clamped to MAX_RW_COUNT after the check, as vfs_read/vfs_write do.
 */
int import_ubuf(bool dest, struct mmlab_task *t, uint64_t buf, uint64_t len, struct iov_iter *i)
{
	if (!access_ok(buf, len))
		return -EFAULT;
	len = min(len, (uint64_t)MAX_RW_COUNT);
	*i = (struct iov_iter){ .task = t, .dest = dest, .nr_segs = 1, .count = len };
	i->ubuf = (struct mmlab_iovec){ .base = buf, .len = len };
	i->iov = &i->ubuf;
	return 0;
}

/**
 * import_iovec - an iterator over @nr_segs segments of @t's memory (readv, writev, vmsplice).
 * @iov: the segments; the caller's array is not changed (a clamped copy is kept)
 * Segments past the MAX_RW_COUNT total are shortened (to zero), as __import_iovec does.
 * Context: any.
 * Return: 0; -EINVAL for more than UIO_MAXIOV segments (or a negative count) or a length
 * that is negative as a ssize_t; -EFAULT for a segment beyond the user address limit;
 * -ENOMEM. On success the caller releases the iterator (iov_iter_release).
 */
int import_iovec(bool dest, struct mmlab_task *t, const struct mmlab_iovec *iov, long nr_segs,
		 struct iov_iter *i)
{
	struct mmlab_iovec *copy;
	uint64_t total = 0;

	if (nr_segs < 0 || nr_segs > UIO_MAXIOV || (nr_segs && !iov))
		return -EINVAL;
	for (long s = 0; s < nr_segs; s++)
		if ((int64_t)iov[s].len < 0)
			return -EINVAL;
	copy = malloc(sizeof(*copy) * (size_t)(nr_segs ? nr_segs : 1));
	if (!copy)
		return -ENOMEM;
	for (long s = 0; s < nr_segs; s++) {
		uint64_t len = iov[s].len;

		if (!access_ok(iov[s].base, len)) {
			free(copy);
			return -EFAULT;
		}
		len = min(len, MAX_RW_COUNT - total);
		copy[s] = (struct mmlab_iovec){ .base = iov[s].base, .len = len };
		total += len;
	}
	*i = (struct iov_iter){ .task = t, .dest = dest, .iov = copy, .owned = copy,
				.nr_segs = (unsigned long)nr_segs, .count = total };
	return 0;
}

void iov_iter_release(struct iov_iter *i)
{
	free(i->owned);
	i->owned = NULL;
}

/* Steps to the next segment with bytes left, so that iov[0] is where the next byte goes. */
static void iov_iter_skip_empty(struct iov_iter *i)
{
	while (i->nr_segs && i->iov_offset == i->iov->len) {
		i->iov++;
		i->nr_segs--;
		i->iov_offset = 0;
	}
}

uint64_t iov_iter_addr(const struct iov_iter *i, uint64_t *seg_left)
{
	struct iov_iter tmp = *i;

	iov_iter_skip_empty(&tmp);
	*seg_left = tmp.nr_segs ? min(tmp.iov->len - tmp.iov_offset, tmp.count) : 0;
	return tmp.nr_segs ? tmp.iov->base + tmp.iov_offset : 0;
}

void iov_iter_advance(struct iov_iter *i, size_t len)
{
	len = min(len, i->count);
	i->count -= len;
	while (len) {
		uint64_t step;

		iov_iter_skip_empty(i);
		step = min((uint64_t)len, i->iov->len - i->iov_offset);
		i->iov_offset += step;
		len -= step;
	}
}

/* Undoes the last @len bytes of advance (the segments array is contiguous behind iov). */
void iov_iter_revert(struct iov_iter *i, size_t len)
{
	i->count += len;
	while (len) {
		uint64_t step;

		if (!i->iov_offset) {
			i->iov--;
			i->nr_segs++;
			i->iov_offset = i->iov->len;
			continue;
		}
		step = min((uint64_t)len, i->iov_offset);
		i->iov_offset -= step;
		len -= step;
	}
}

/*
 * Moves up to @len bytes between @kbuf and the iterator's user memory, segment by segment;
 * @zero: store zeros instead of @kbuf's bytes (clear_user). Stops at the first page that
 * faults. Return: bytes moved; the iterator advanced by that much.
 */
static size_t iter_copy(struct iov_iter *i, unsigned char *kbuf, size_t len, bool zero)
{
	static const unsigned char zeros[PAGE_SIZE];
	struct mmu_cpu *cpu;
	size_t done = 0;

	len = min((uint64_t)len, i->count);
	if (!len)
		return 0;
	cpu = task_cpu_enter(i->task);
	while (done < len) {
		uint64_t seg_left, addr = iov_iter_addr(i, &seg_left);
		size_t chunk = min((uint64_t)(len - done), seg_left), left;

		if (!chunk)
			break;
		if (zero) {
			/* clear_user a page at a time, from one zeroed page */
			size_t part = min(chunk, PAGE_SIZE - (size_t)(addr & ~PAGE_MASK));

			chunk = part;
			left = mmu_copy_to_user(cpu, (unsigned long)addr, zeros, part);
		} else if (i->dest) {
			left = mmu_copy_to_user(cpu, (unsigned long)addr, kbuf + done, chunk);
		} else {
			left = mmu_copy_from_user(cpu, kbuf + done, (unsigned long)addr, chunk);
		}
		iov_iter_advance(i, chunk - left);
		done += chunk - left;
		if (left)
			break;
	}
	task_cpu_exit(cpu);
	return done;
}

/**
 * copy_to_iter - copy @len bytes of @src to the user buffer (a read's data).
 * Context: takes the task's mmap_lock in the faults it meets.
 * Return: bytes copied, less than @len when a page faulted (or the buffer ended).
 */
size_t copy_to_iter(const void *src, size_t len, struct iov_iter *i)
{
	VM_BUG_ON(!i->dest);
	return iter_copy(i, (unsigned char *)src, len, false);
}

/* copy_from_iter - as copy_to_iter, from the user buffer into @dst (a write's data). */
size_t copy_from_iter(void *dst, size_t len, struct iov_iter *i)
{
	VM_BUG_ON(i->dest);
	return iter_copy(i, dst, len, false);
}

/* iov_iter_zero - store @len zeros into the user buffer (/dev/zero, holes); bytes stored. */
size_t iov_iter_zero(size_t len, struct iov_iter *i)
{
	VM_BUG_ON(!i->dest);
	return iter_copy(i, NULL, len, true);
}

/* A forward copy, byte after byte as x86's rep movsb defines it, even when @dst overlaps @src. */
static void memcpy_forward(unsigned char *dst, const unsigned char *src, size_t n)
{
	size_t d = (size_t)(dst - src);

	if (dst <= src || dst >= src + n) {
		memmove(dst, src, n);	/* no overlap a forward copy would read back */
		return;
	}
	/* Each step of d bytes reads what the step before it wrote, as the byte loop would. */
	for (size_t done = 0; done < n; done += d)
		memcpy(dst + done, src + done, min(d, n - done));
}

/**
 * copy_to_iter_forward - copy_to_iter from memory the user's buffer may itself be (a user page
 * a pipe holds): the bytes move in the order the kernel's copy_to_user moves them, so a
 * destination that overlaps the source ahead of it sees the bytes just stored, as on the
 * host.
 * Context: takes the task's mmap_lock in the faults it meets.
 * Return: bytes copied, less than @len when a page faulted.
 */
size_t copy_to_iter_forward(const void *src, size_t len, struct iov_iter *i)
{
	const unsigned char *s = src;
	struct mmu_cpu *cpu;
	size_t done = 0;

	VM_BUG_ON(!i->dest);
	len = min((uint64_t)len, i->count);
	if (!len)
		return 0;
	cpu = task_cpu_enter(i->task);
	while (done < len) {
		uint64_t seg_left, addr = iov_iter_addr(i, &seg_left);
		size_t chunk = min((uint64_t)(len - done), seg_left);
		void *host;

		chunk = min(chunk, PAGE_SIZE - (size_t)(addr & ~PAGE_MASK));
		if (!chunk || mmu_translate(cpu, (unsigned long)addr, MMU_WRITE, &host))
			break;
		memcpy_forward(host, s + done, chunk);
		iov_iter_advance(i, chunk);
		done += chunk;
	}
	task_cpu_exit(cpu);
	return done;
}
