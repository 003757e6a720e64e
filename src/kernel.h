/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The small kernel vocabulary every mmlab file uses: likely/unlikely, container_of, list_head,
 * ERR_PTR, the VM_BUG_ON family, data_race, READ_ONCE/WRITE_ONCE and the page-size constants.
 * It corresponds to the parts of include/linux/{compiler.h,list.h,err.h,mmdebug.h} and arch/x86's
 * page_types.h that mm/ leans on; it leaves out everything about SMP ordering that liburcu
 * already provides.
 */
#ifndef MMLAB_KERNEL_H
#define MMLAB_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/cdefs.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __must_check __attribute__((warn_unused_result))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))
#define __cold __attribute__((cold))
#define __maybe_unused __attribute__((unused))
#define MMLAB_API __attribute__((visibility("default")))

/*
 * data_race(expr) - @expr makes accesses that other threads' accesses may overlap by design, as
 * include/linux/compiler.h's data_race() tells KCSAN: the bytes of a frame, which the
 * modelled CPUs and the kernel read and write at the same time as on real hardware (the copy
 * of a page another CPU is writing). Only user data qualifies, never the model's own state.
 * ThreadSanitizer does not check the accesses; other builds evaluate @expr as it is.
 */
#if defined(__SANITIZE_THREAD__)
#define MMLAB_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MMLAB_UNDER_TSAN 1
#endif
#endif
#ifdef MMLAB_UNDER_TSAN
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
#define data_race(expr)                                                                    \
	({                                                                                 \
		__tsan_ignore_thread_begin();                                              \
		__auto_type __v = (expr);                                                  \
		__tsan_ignore_thread_end();                                                \
		__v;                                                                       \
	})
#else
#define data_race(expr) (expr)
#endif

/*
 * READ_ONCE(x), WRITE_ONCE(x, v) - one untorn load or store of a scalar that other threads
 * read and write without a lock by design (include/linux/compiler.h's pair): a relaxed
 * atomic, a plain mov on x86-64, which orders nothing. For state whose mixed values are
 * harmless, such as a file's readahead window; never for what a lock protects.
 */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (__typeof__(x))(v), __ATOMIC_RELAXED)

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN(x, a) ALIGN_DOWN((x) + (a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) ALIGN((unsigned long)(x), PAGE_SIZE)
#define PFN_DOWN(x) ((unsigned long)(x) >> PAGE_SHIFT)

/* ERR_PTR: failure carried in a pointer, as include/linux/err.h does. */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}
static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}
static inline bool IS_ERR(const void *ptr)
{
	return unlikely((unsigned long)ptr >= (unsigned long)-MAX_ERRNO);
}
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

/*
 * VM_BUG_ON: an invariant violation is a bug in mmlab, never bad input. In debug builds it
 * reports where and aborts; at MMLAB_DEBUG 0 the condition is not even evaluated.
 */
#ifndef MMLAB_DEBUG
#define MMLAB_DEBUG 1
#endif
__cold void mmlab_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
#if MMLAB_DEBUG > 0
#define VM_BUG_ON(cond)                                                                            \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			mmlab_bug(__FILE__, __LINE__, #cond);                                      \
	} while (0)
#define VM_WARN_ON(cond) ({                                                                        \
	bool __w = !!(cond);                                                                       \
	if (unlikely(__w))                                                                         \
		fprintf(stderr, "mmlab: warning at %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
	__w;                                                                                       \
})
#else
#define VM_BUG_ON(cond) ((void)sizeof(cond))
#define VM_WARN_ON(cond) ({ (void)sizeof(cond); false; })
#endif

/* Doubly linked circular list, as include/linux/list.h. */
/* A page's offset in its file or anon_vma, in pages (include/linux/types.h). */
typedef unsigned long pgoff_t;

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}
static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}
static inline void list_del_init(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}
static inline void list_move(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add(e, head);
}
static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add_tail(e, head);
}
/* Moves every entry of @list to the end of @head, leaving @list empty. */
static inline void list_splice_tail_init(struct list_head *list, struct list_head *head)
{
	if (list_empty(list))
		return;
	list->next->prev = head->prev;
	head->prev->next = list->next;
	list->prev->next = head;
	head->prev = list->prev;
	INIT_LIST_HEAD(list);
}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head)                                                           \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)

#endif /* MMLAB_KERNEL_H */
