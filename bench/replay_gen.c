// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The replay benchmark's workload: see replay_gen.h. The generator models the window page by
 * page (mapped or not, shared or private, PROT_*) and the break as a page count; from that it
 * knows each call's result as Linux 6.18 computes it:
 *   mmap MAP_FIXED_NOREPLACE over a mapped page      -EEXIST (find_vma_intersection)
 *   mmap with a free hint address                    the hint (get_unmapped_area honours it)
 *   munmap at an unaligned address                   -EINVAL
 *   mprotect from a hole                             -ENOMEM, nothing changed
 *   mprotect running into a hole                     -ENOMEM, the pages before the hole changed
 *   madvise over a hole                              -ENOMEM, after advising the mapped parts
 * and it never asks for what the model cannot predict: an address the kernel would choose, an
 * access that faults, MADV_FREE on shared memory, more VMAs than vm.max_map_count. What it does
 * not model: the VMAs themselves (merges do not change any result above), page contents.
 */
#include "replay_gen.h"
#include "mmlab.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define RG_PG_PROT 0x07
#define RG_PG_MAPPED 0x10
#define RG_PG_SHARED 0x20
#define RG_USED_CAP (RG_SLOTS * 3 / 5)	/* above it, a new mapping becomes an unmap */
#define RG_USED_FLOOR (RG_SLOTS / 5)	/* below it, an unmap becomes a new mapping */

extern char **environ;

static uint64_t rnd(struct rg_gen *g)
{
	uint64_t x = g->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n), n > 0. */
static unsigned int rnd_below(struct rg_gen *g, unsigned int n)
{
	return (unsigned int)(((rnd(g) >> 32) * n) >> 32);
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

void rg_init(struct rg_gen *g, uint64_t seed, uint64_t heap_base)
{
	memset(g, 0, sizeof(*g));
	/* splitmix64 of the seed: any seed, 0 included, gives a good non-zero state */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	g->rng = (seed ^ (seed >> 31)) | 1;
	g->heap_base = heap_base;
	for (unsigned int s = 0; s < RG_SLOTS; s++) {
		g->list[s] = (uint16_t)s;
		g->pos[s] = (uint16_t)s;
	}
}

/* Moves @slot between the occupied and the empty part of list[]. */
static void slot_set_used(struct rg_gen *g, unsigned int slot, bool used)
{
	unsigned int i = g->pos[slot], j = used ? g->nr_used++ : --g->nr_used;
	uint16_t other = g->list[j];

	g->list[j] = (uint16_t)slot;
	g->list[i] = other;
	g->pos[slot] = (uint16_t)j;
	g->pos[other] = (uint16_t)i;
}

/* Pages [@first, @first + @n) of one slot become @state. */
static void set_pages(struct rg_gen *g, unsigned int first, unsigned int n, uint8_t state)
{
	unsigned int slot = first / RG_SLOT_PAGES;

	for (unsigned int i = first; i < first + n; i++) {
		bool was = g->page[i] & RG_PG_MAPPED, now = state & RG_PG_MAPPED;

		g->page[i] = state;
		if (was == now)
			continue;
		if (now && g->mapped[slot]++ == 0)
			slot_set_used(g, slot, true);
		else if (!now && --g->mapped[slot] == 0)
			slot_set_used(g, slot, false);
	}
}

static uint64_t page_addr(unsigned int idx)
{
	return RG_WINDOW + (uint64_t)idx * RG_PAGE;
}

static unsigned int used_slot(struct rg_gen *g)
{
	return g->list[rnd_below(g, g->nr_used)];
}

/* A random subrange of an occupied slot's extent, at most @max pages: its first page index. */
static unsigned int sub_range(struct rg_gen *g, unsigned int max, unsigned int *n)
{
	unsigned int slot = used_slot(g), ext = g->extent[slot], start = rnd_below(g, ext);

	*n = 1 + rnd_below(g, min_u(max, ext - start));
	return slot * RG_SLOT_PAGES + start;
}

static void gen_unmap_whole(struct rg_gen *g, struct rg_call *c);

/* A new mapping in an empty slot: malloc's large chunks, thread stacks, reservations. */
static void gen_map_new(struct rg_gen *g, struct rg_call *c)
{
	unsigned int slot, n, r;
	bool shared;

	if (g->nr_used >= RG_USED_CAP) {
		gen_unmap_whole(g, c);
		return;
	}
	slot = g->list[g->nr_used + rnd_below(g, RG_SLOTS - g->nr_used)];
	r = rnd_below(g, 100);
	n = r < 50 ? 1 + rnd_below(g, 4) : r < 85 ? 5 + rnd_below(g, 12) : 17 + rnd_below(g, 32);
	r = rnd_below(g, 100);
	c->prot = r < 85 ? PROT_READ | PROT_WRITE : r < 92 ? PROT_READ : PROT_NONE;
	shared = c->prot == (PROT_READ | PROT_WRITE) && rnd_below(g, 100) < 5;
	c->flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	/* else a hint: the range is free, so the kernel takes it */
	if (rnd_below(g, 2))
		c->flags |= MAP_FIXED_NOREPLACE;
	c->kind = RG_MMAP;
	c->addr = page_addr(slot * RG_SLOT_PAGES);
	c->len = n * RG_PAGE;
	c->ret = (int64_t)c->addr;
	g->extent[slot] = (uint16_t)n;
	set_pages(g, slot * RG_SLOT_PAGES, n,
		  (uint8_t)(RG_PG_MAPPED | c->prot | (shared ? RG_PG_SHARED : 0)));
}

static void gen_mmap(struct rg_gen *g, struct rg_call *c)
{
	unsigned int r = rnd_below(g, 100), first, n, slot, ext, p;

	if (r < 72 || !g->nr_used) {
		gen_map_new(g, c);
		return;
	}
	c->kind = RG_MMAP;
	c->flags = MAP_PRIVATE | MAP_ANONYMOUS;
	if (r < 92) {
		/* MAP_FIXED inside a mapping, as ld.so maps segments into its reservation */
		first = sub_range(g, 8, &n);
		c->prot = rnd_below(g, 2) ? PROT_READ : PROT_READ | PROT_WRITE;
		c->flags |= MAP_FIXED;
		c->addr = page_addr(first);
		c->len = n * RG_PAGE;
		c->ret = (int64_t)c->addr;
		set_pages(g, first, n, (uint8_t)(RG_PG_MAPPED | c->prot));
		return;
	}
	/* MAP_FIXED_NOREPLACE from a mapped page: -EEXIST */
	slot = used_slot(g);
	ext = g->extent[slot];
	p = rnd_below(g, ext);
	while (!(g->page[slot * RG_SLOT_PAGES + p] & RG_PG_MAPPED))
		p = (p + 1) % ext;
	c->prot = PROT_READ | PROT_WRITE;
	c->flags |= MAP_FIXED_NOREPLACE;
	c->addr = page_addr(slot * RG_SLOT_PAGES + p);
	c->len = (1 + rnd_below(g, 4)) * RG_PAGE;
	c->ret = -EEXIST;
}

static void gen_unmap_whole(struct rg_gen *g, struct rg_call *c)
{
	unsigned int slot = used_slot(g);

	c->kind = RG_MUNMAP;
	c->addr = page_addr(slot * RG_SLOT_PAGES);
	c->len = g->extent[slot] * RG_PAGE;
	c->ret = 0;
	set_pages(g, slot * RG_SLOT_PAGES, g->extent[slot], 0);
}

static void gen_munmap(struct rg_gen *g, struct rg_call *c)
{
	unsigned int r = rnd_below(g, 100), first, n;

	if (g->nr_used <= RG_USED_FLOOR) {
		gen_map_new(g, c);
		return;
	}
	if (r < 80) {
		gen_unmap_whole(g, c);
		return;
	}
	c->kind = RG_MUNMAP;
	first = sub_range(g, RG_MAX_EXTENT, &n);
	c->addr = page_addr(first);
	c->len = n * RG_PAGE;
	c->ret = 0;
	if (r < 95) {
		set_pages(g, first, n, 0);
		return;
	}
	c->addr += 1 + rnd_below(g, RG_PAGE - 1);
	c->ret = -EINVAL;
}

/* mprotect: guard pages, RELRO, a JIT's W^X flips. */
static void gen_mprotect(struct rg_gen *g, struct rg_call *c)
{
	unsigned int r, first, n, k;

	if (!g->nr_used) {
		gen_map_new(g, c);
		return;
	}
	first = sub_range(g, 16, &n);
	r = rnd_below(g, 100);
	c->kind = RG_MPROTECT;
	c->prot = r < 30 ? PROT_NONE : r < 60 ? PROT_READ : PROT_READ | PROT_WRITE;
	c->addr = page_addr(first);
	c->len = n * RG_PAGE;
	for (k = 0; k < n && (g->page[first + k] & RG_PG_MAPPED); k++)
		g->page[first + k] = (uint8_t)((g->page[first + k] & ~RG_PG_PROT) | c->prot);
	c->ret = k < n ? -ENOMEM : 0;
}

/* madvise: malloc's trims (DONTNEED) and lazy frees (FREE, private memory only). */
static void gen_madvise(struct rg_gen *g, struct rg_call *c)
{
	unsigned int first, n, k;
	bool holes = false, shared = false;

	if (!g->nr_used) {
		gen_map_new(g, c);
		return;
	}
	first = sub_range(g, 16, &n);
	for (k = 0; k < n; k++) {
		holes |= !(g->page[first + k] & RG_PG_MAPPED);
		shared |= g->page[first + k] & RG_PG_SHARED;
	}
	c->kind = RG_MADVISE;
	c->flags = !shared && rnd_below(g, 4) == 0 ? MADV_FREE : MADV_DONTNEED;
	c->addr = page_addr(first);
	c->len = n * RG_PAGE;
	c->ret = holes ? -ENOMEM : 0;
}

/* brk: malloc's main arena growing and trimming, and its brk(NULL) at start. */
static void gen_brk(struct rg_gen *g, struct rg_call *c)
{
	unsigned int d = 1 + rnd_below(g, 32);
	bool grow;

	c->kind = RG_BRK;
	c->heap = true;
	if (rnd_below(g, 100) < 15) {
		c->addr = 0;
		c->ret = (int64_t)(g->heap_base + g->heap_pages * RG_PAGE);
		return;
	}
	grow = !g->heap_pages || (g->heap_pages + 32 <= RG_HEAP_MAX_PAGES && rnd_below(g, 10) < 6);
	g->heap_pages = grow ? g->heap_pages + d : g->heap_pages - min_u(d, (unsigned)g->heap_pages);
	c->addr = g->heap_base + g->heap_pages * RG_PAGE;
	c->ret = (int64_t)c->addr;
}

/* touch: the program's own loads and stores, only where they do not fault. */
static void gen_touch(struct rg_gen *g, struct rg_call *c)
{
	unsigned int slot, ext, p, idx, k, max, need;
	uint8_t st;

	c->kind = RG_TOUCH;
	c->ret = 0;
	if (g->heap_pages && rnd_below(g, 4) == 0) {
		p = rnd_below(g, (unsigned)g->heap_pages);
		c->heap = true;
		c->addr = g->heap_base + p * RG_PAGE;
		c->len = (1 + rnd_below(g, min_u(16, (unsigned)g->heap_pages - p))) * RG_PAGE;
		c->flags = rnd_below(g, 10) < 6 ? 'w' : 'r';
		return;
	}
	for (int tries = 0; tries < 4 && g->nr_used; tries++) {
		slot = used_slot(g);
		ext = g->extent[slot];
		p = rnd_below(g, ext);
		idx = slot * RG_SLOT_PAGES + p;
		st = g->page[idx];
		if (!(st & RG_PG_MAPPED) || !(st & PROT_READ))
			continue;
		c->flags = (st & PROT_WRITE) && rnd_below(g, 10) < 6 ? 'w' : 'r';
		need = c->flags == 'w' ? PROT_WRITE : PROT_READ;
		max = 1 + rnd_below(g, 16);
		for (k = 1; k < max && p + k < ext; k++)
			if (!(g->page[idx + k] & RG_PG_MAPPED) || !(g->page[idx + k] & need))
				break;
		c->addr = page_addr(idx);
		c->len = k * RG_PAGE;
		return;
	}
	gen_map_new(g, c);
}

void rg_next(struct rg_gen *g, struct rg_call *c)
{
	unsigned int r = rnd_below(g, 100);

	memset(c, 0, sizeof(*c));
	if (r < 25)
		gen_touch(g, c);
	else if (r < 55)
		gen_mmap(g, c);
	else if (r < 75)
		gen_munmap(g, c);
	else if (r < 87)
		gen_mprotect(g, c);
	else if (r < 92)
		gen_madvise(g, c);
	else
		gen_brk(g, c);
	g->count[c->kind]++;
}

/* ---- strace lines ---- */

static const char *const kind_name[RG_NR_KINDS] = {
	[RG_MMAP] = "mmap",	  [RG_MUNMAP] = "munmap", [RG_MPROTECT] = "mprotect",
	[RG_MADVISE] = "madvise", [RG_BRK] = "brk",	  [RG_TOUCH] = "touch",
};

static const struct {
	const char *name;
	int value;
} syms[] = {
	{ "PROT_NONE", PROT_NONE },
	{ "PROT_READ", PROT_READ },
	{ "PROT_WRITE", PROT_WRITE },
	{ "MAP_SHARED", MAP_SHARED },
	{ "MAP_PRIVATE", MAP_PRIVATE },
	{ "MAP_ANONYMOUS", MAP_ANONYMOUS },
	{ "MAP_FIXED", MAP_FIXED },
	{ "MAP_FIXED_NOREPLACE", MAP_FIXED_NOREPLACE },
	{ "MADV_DONTNEED", MADV_DONTNEED },
	{ "MADV_FREE", MADV_FREE },
};

static const struct {
	const char *name, *text;
	int err;
} errs[] = {
	{ "EEXIST", "File exists", EEXIST },
	{ "ENOMEM", "Cannot allocate memory", ENOMEM },
	{ "EINVAL", "Invalid argument", EINVAL },
};

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static char *put_hex(char *p, uint64_t v)
{
	char tmp[16];
	int n = 0;

	*p++ = '0';
	*p++ = 'x';
	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_dec(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_prot(char *p, int prot)
{
	if (prot == PROT_NONE)
		return put_str(p, "PROT_NONE");
	p = put_str(p, "PROT_READ");
	return prot & PROT_WRITE ? put_str(p, "|PROT_WRITE") : p;
}

static char *put_mmap_flags(char *p, int flags)
{
	p = put_str(p, flags & MAP_SHARED ? "MAP_SHARED|MAP_ANONYMOUS" : "MAP_PRIVATE|MAP_ANONYMOUS");
	if (flags & MAP_FIXED)
		p = put_str(p, "|MAP_FIXED");
	if (flags & MAP_FIXED_NOREPLACE)
		p = put_str(p, "|MAP_FIXED_NOREPLACE");
	return p;
}

size_t rg_format(const struct rg_call *c, char *buf)
{
	char *p = put_str(buf, kind_name[c->kind]);

	*p++ = '(';
	if (c->kind == RG_BRK) {
		p = c->addr ? put_hex(p, c->addr) : put_str(p, "NULL");
	} else {
		p = put_hex(p, c->addr);
		p = put_str(p, ", ");
		p = put_dec(p, c->len);
	}
	if (c->kind == RG_MMAP || c->kind == RG_MPROTECT) {
		p = put_str(p, ", ");
		p = put_prot(p, c->prot);
	}
	if (c->kind == RG_MMAP) {
		p = put_str(p, ", ");
		p = put_mmap_flags(p, c->flags);
		p = put_str(p, ", -1, 0");
	} else if (c->kind == RG_MADVISE) {
		p = put_str(p, c->flags == MADV_FREE ? ", MADV_FREE" : ", MADV_DONTNEED");
	} else if (c->kind == RG_TOUCH) {
		p = put_str(p, c->flags == 'w' ? ", \"w\"" : ", \"r\"");
	}
	*p++ = ')';
	/* strace's column: the result's " = " starts at column 39 when the call is shorter */
	while (p - buf < 39)
		*p++ = ' ';
	p = put_str(p, " = ");
	if (c->ret < 0) {
		unsigned int i;

		for (i = 0; i < sizeof(errs) / sizeof(errs[0]) - 1; i++)
			if (errs[i].err == -c->ret)
				break;
		p = put_str(p, "-1 ");
		p = put_str(p, errs[i].name);
		p = put_str(p, " (");
		p = put_str(p, errs[i].text);
		*p++ = ')';
	} else if (c->kind == RG_MMAP || c->kind == RG_BRK) {
		p = put_hex(p, (uint64_t)c->ret);
	} else {
		p = put_dec(p, (uint64_t)c->ret);
	}
	*p++ = '\n';
	return (size_t)(p - buf);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int hex_val(char ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* A decimal or 0x number at *@pp, bounded by @end. */
static int parse_num(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;

	*v = 0;
	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		for (p += 2; p < end && hex_val(*p) >= 0; p++)
			*v = *v * 16 + (uint64_t)hex_val(*p);
	} else {
		for (; p < end && is_digit(*p); p++)
			*v = *v * 10 + (uint64_t)(*p - '0');
	}
	if (p == *pp)
		return -EINVAL;
	*pp = p;
	return 0;
}

static bool sym_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_';
}

/* One argument: a number, -1, NULL, "r"/"w", or NAME|NAME... */
static int parse_arg(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp, *s;
	unsigned int i;

	*v = 0;
	if (p < end && *p == '-') {
		if (end - p < 2 || p[1] != '1')
			return -EINVAL;
		*v = (uint64_t)-1;
		*pp = p + 2;
		return 0;
	}
	if (p < end && is_digit(*p))
		return parse_num(pp, end, v);
	if (end - p >= 3 && *p == '"' && p[2] == '"') {
		*v = (uint64_t)p[1];
		*pp = p + 3;
		return 0;
	}
	if (end - p >= 4 && !memcmp(p, "NULL", 4)) {
		*pp = p + 4;
		return 0;
	}
	for (;;) {
		for (s = p; p < end && sym_char(*p); p++)
			;
		for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
			if (strlen(syms[i].name) == (size_t)(p - s) && !memcmp(syms[i].name, s, p - s))
				break;
		if (p == s || i == sizeof(syms) / sizeof(syms[0]))
			return -EINVAL;
		*v |= (uint64_t)syms[i].value;
		if (p == end || *p != '|')
			break;
		p++;
	}
	*pp = p;
	return 0;
}

static int parse_result(const char *p, const char *end, int64_t *ret)
{
	uint64_t v;

	while (p < end && *p == ' ')
		p++;
	if (end - p < 2 || p[0] != '=' || p[1] != ' ')
		return -EINVAL;
	p += 2;
	if (end - p > 3 && !memcmp(p, "-1 ", 3)) {
		const char *s = p + 3;

		for (p = s; p < end && sym_char(*p); p++)
			;
		for (unsigned int i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
			if (strlen(errs[i].name) == (size_t)(p - s) && !memcmp(errs[i].name, s, p - s)) {
				*ret = -errs[i].err;
				return 0;
			}
		return -EINVAL;
	}
	if (parse_num(&p, end, &v))
		return -EINVAL;
	*ret = (int64_t)v;
	return 0;
}

int rg_parse(const char *line, size_t len, uint64_t heap_base, struct rg_call *c)
{
	static const unsigned int nr_args[RG_NR_KINDS] = {
		[RG_MMAP] = 6, [RG_MUNMAP] = 2, [RG_MPROTECT] = 3,
		[RG_MADVISE] = 3, [RG_BRK] = 1, [RG_TOUCH] = 3,
	};
	const char *p = line, *end = line + len, *paren = memchr(line, '(', len);
	uint64_t a[6];
	unsigned int k, i;

	if (!paren)
		return -EINVAL;
	for (k = 0; k < RG_NR_KINDS; k++)
		if (strlen(kind_name[k]) == (size_t)(paren - line) &&
		    !memcmp(kind_name[k], line, paren - line))
			break;
	if (k == RG_NR_KINDS)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->kind = (enum rg_kind)k;
	p = paren + 1;
	for (i = 0; i < nr_args[k]; i++) {
		if (parse_arg(&p, end, &a[i]))
			return -EINVAL;
		if (i + 1 < nr_args[k]) {
			if (end - p < 2 || p[0] != ',' || p[1] != ' ')
				return -EINVAL;
			p += 2;
		}
	}
	if (p == end || *p++ != ')' || parse_result(p, end, &c->ret))
		return -EINVAL;
	c->addr = a[0];
	if (k != RG_BRK)
		c->len = a[1];
	if (k == RG_MMAP || k == RG_MPROTECT)
		c->prot = (int)a[2];
	if (k == RG_MMAP)
		c->flags = (int)a[3];
	if (k == RG_MADVISE || k == RG_TOUCH)
		c->flags = (int)a[2];
	c->heap = k == RG_BRK ||
		  (c->addr >= heap_base && c->addr < heap_base + (RG_HEAP_MAX_PAGES + 1) * RG_PAGE);
	return 0;
}

/* ---- the native side ---- */

/* One access per page of [@addr, @addr + @len), as mmlab_touch makes them. */
static void touch_native(uint64_t addr, uint64_t len, int mode)
{
	for (uint64_t a = addr; a < addr + len; a = (a & ~(RG_PAGE - 1)) + RG_PAGE) {
		volatile uint8_t *p = (volatile uint8_t *)a;

		if (mode == 'w')
			/* one write access: a load then a store would fault twice (zero page, COW) */
			__asm__ volatile("orb $0, %0" : "+m"(*p));
		else
			(void)*p;
	}
}

int64_t rg_exec(const struct rg_call *c, int64_t heap_delta)
{
	uint64_t a = c->heap && c->addr ? c->addr + (uint64_t)heap_delta : c->addr;
	void *p;

	switch (c->kind) {
	case RG_MMAP:
		p = mmap((void *)a, c->len, c->prot, c->flags, -1, 0);
		return p == MAP_FAILED ? -errno : (int64_t)(uintptr_t)p;
	case RG_MUNMAP:
		return munmap((void *)a, c->len) ? -errno : 0;
	case RG_MPROTECT:
		return mprotect((void *)a, c->len, c->prot) ? -errno : 0;
	case RG_MADVISE:
		return madvise((void *)a, c->len, c->flags) ? -errno : 0;
	case RG_BRK:
		return (int64_t)syscall(SYS_brk, a) - heap_delta;
	case RG_TOUCH:
		touch_native(a, c->len, c->flags);
		return 0;
	default:
		return -ENOSYS;
	}
}

int64_t rg_native_heap_delta(uint64_t heap_base)
{
	uint64_t cur = (uint64_t)syscall(SYS_brk, 0), aligned = (cur + RG_PAGE - 1) & ~(RG_PAGE - 1);

	if (aligned != cur)
		syscall(SYS_brk, aligned);
	return (int64_t)(aligned - heap_base);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define RG_REPORT_MAX 5

/* The first mismatches of a native run, printed once the calls are done (no stdio before). */
struct rg_mismatches {
	unsigned long nr;
	struct {
		unsigned long line;
		struct rg_call call;
		int64_t got;
	} first[RG_REPORT_MAX];
};

static void note_mismatch(struct rg_mismatches *m, unsigned long line, const struct rg_call *c,
			  int64_t got)
{
	if (m->nr < RG_REPORT_MAX) {
		m->first[m->nr].line = line;
		m->first[m->nr].call = *c;
		m->first[m->nr].got = got;
	}
	m->nr++;
}

static void print_mismatches(const struct rg_mismatches *m, const char *who)
{
	char buf[RG_LINE_MAX];

	for (unsigned long i = 0; i < m->nr && i < RG_REPORT_MAX; i++) {
		size_t n = rg_format(&m->first[i].call, buf);

		fprintf(stderr, "%s: line %lu: %.*s  host kernel: %lld\n", who, m->first[i].line,
			(int)n - 1, buf, (long long)m->first[i].got);
	}
}

#define RG_BATCH 4096

/* The child of rg_native_check: execute, compare, report through @fd. */
static void native_check_child(int fd, uint64_t seed, uint64_t heap_base, unsigned long lines)
{
	static struct rg_gen gen;
	static struct rg_call batch[RG_BATCH];
	static int64_t got[RG_BATCH];
	static struct rg_mismatches mm;
	int64_t delta = rg_native_heap_delta(heap_base);
	uint64_t msg[2] = { 0, 0 };

	rg_init(&gen, seed, heap_base);
	for (unsigned long done = 0; done < lines;) {
		unsigned long n = lines - done < RG_BATCH ? lines - done : RG_BATCH, t0;

		for (unsigned long i = 0; i < n; i++)
			rg_next(&gen, &batch[i]);
		t0 = now_ns();
		for (unsigned long i = 0; i < n; i++)
			got[i] = rg_exec(&batch[i], delta);
		msg[0] += now_ns() - t0;
		for (unsigned long i = 0; i < n; i++)
			if (got[i] != batch[i].ret)
				note_mismatch(&mm, done + i + 1, &batch[i], got[i]);
		done += n;
	}
	print_mismatches(&mm, "native");
	msg[1] = mm.nr;
	_exit(write(fd, msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
}

long rg_native_check(uint64_t seed, uint64_t heap_base, unsigned long lines, uint64_t *exec_ns)
{
	uint64_t msg[2];
	int pfd[2], status;
	ssize_t got;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		native_check_child(pfd[1], seed, heap_base, lines);
	}
	close(pfd[1]);
	got = read(pfd[0], msg, sizeof(msg));
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    got != sizeof(msg)) {
		fprintf(stderr, "native: the child failed (status %#x)\n", status);
		return -1;
	}
	if (exec_ns)
		*exec_ns = msg[0];
	return (long)msg[1];
}

long rg_native_replay(int fd, uint64_t heap_base, unsigned long *lines)
{
	static char buf[1 << 20];
	static struct rg_mismatches mm;
	int64_t delta = rg_native_heap_delta(heap_base);
	size_t have = 0;
	unsigned long n = 0;
	struct rg_call c;

	memset(&mm, 0, sizeof(mm));
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		char *p = buf, *nl;
		int64_t got;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		have += (size_t)r;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			n++;
			if (rg_parse(p, (size_t)(nl - p), heap_base, &c)) {
				fprintf(stderr, "native: line %lu does not parse: %.*s\n", n,
					(int)(nl - p), p);
				return -1;
			}
			got = rg_exec(&c, delta);
			if (got != c.ret)
				note_mismatch(&mm, n, &c, got);
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (r == 0)
			break;
	}
	print_mismatches(&mm, "native replay");
	*lines = n;
	return have ? -1 : (long)mm.nr;
}

/* ---- feeding mmlab ---- */

int rg_feed(int fd, uint64_t seed, uint64_t heap_base, unsigned long lines,
	    unsigned long corrupt_line)
{
	static struct rg_gen gen;
	static char buf[256 << 10];
	size_t used = 0;
	struct rg_call c;

	rg_init(&gen, seed, heap_base);
	for (unsigned long i = 1; i <= lines; i++) {
		rg_next(&gen, &c);
		if (corrupt_line && i >= corrupt_line && c.kind != RG_TOUCH) {
			c.ret = c.ret < 0 ? 0 : c.ret == 0 ? -ENOMEM : c.ret + (int64_t)RG_PAGE;
			corrupt_line = 0;
		}
		used += rg_format(&c, buf + used);
		if (used + RG_LINE_MAX <= sizeof(buf) && i < lines)
			continue;
		for (size_t off = 0; off < used;) {
			ssize_t w = write(fd, buf + off, used - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -errno;
			off += (size_t)w;
		}
		used = 0;
	}
	return 0;
}

int rg_spawn(const char *tool, const char *const *args, int in_fd, int out_fd, pid_t *pid)
{
	const char *argv[16] = { tool, "run" };
	posix_spawn_file_actions_t fa;
	unsigned int n = 2;
	int err;

	while (*args && n < 14)
		argv[n++] = *args++;
	argv[n++] = "-";
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	err = posix_spawn(pid, tool, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

/* Reads what a child wrote into the memfd @fd: the first bytes into @buf, the size. */
static size_t read_output(int fd, char *buf, size_t size)
{
	off_t end = lseek(fd, 0, SEEK_END);
	ssize_t got = pread(fd, buf, size - 1, 0);

	buf[got > 0 ? got : 0] = 0;
	return end > 0 ? (size_t)end : 0;
}

int rg_replay(const char *tool, const char *const *args, uint64_t seed, uint64_t heap_base,
	      unsigned long lines, unsigned long corrupt_line, struct rg_replay *res)
{
	int pfd[2], out, err;
	struct rusage ru;
	uint64_t t0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	signal(SIGPIPE, SIG_IGN);
	out = memfd_create("mmlab-run-output", MFD_CLOEXEC);
	if (out < 0 || pipe2(pfd, O_CLOEXEC)) {
		perror("replay: memfd/pipe");
		return -1;
	}
	fcntl(pfd[1], F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups; the default 64 KiB also works */
	t0 = now_ns();
	err = rg_spawn(tool, args, pfd[0], out, &pid);
	close(pfd[0]);
	if (err) {
		fprintf(stderr, "replay: cannot start %s: %s\n", tool, strerror(err));
		close(pfd[1]);
		close(out);
		return -1;
	}
	err = rg_feed(pfd[1], seed, heap_base, lines, corrupt_line);
	close(pfd[1]);
	if (wait4(pid, &res->status, 0, &ru) != pid) {
		perror("replay: wait4");
		close(out);
		return -1;
	}
	res->secs = (double)(now_ns() - t0) / 1e9;
	res->maxrss_kb = ru.ru_maxrss;
	res->out_len = read_output(out, res->out, sizeof(res->out));
	close(out);
	if (err && err != -EPIPE) {
		fprintf(stderr, "replay: writing the log: %s\n", strerror(-err));
		return -1;
	}
	return 0;
}

int rg_mmlab_heap_base(uint64_t *base)
{
	uint64_t brk0 = 0;
	int pfd[2], status;
	pid_t pid;

	/* in a child: the machine's own pages must not count in the spawner's RSS */
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct mmlab_task_config cfg = { .no_aslr = 1 };
		struct mmlab_machine *m;
		struct mmlab_task *t;

		if (mmlab_machine_create(NULL, &m) || mmlab_task_create(m, &cfg, &t) ||
		    mmlab_brk(t, 0, &brk0))
			_exit(1);
		_exit(write(pfd[1], &brk0, sizeof(brk0)) == sizeof(brk0) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], &brk0, sizeof(brk0)) != sizeof(brk0))
		brk0 = 0;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) || !brk0) {
		fprintf(stderr, "replay: no --no-aslr task from the library\n");
		return -1;
	}
	if (brk0 & (RG_PAGE - 1)) {
		fprintf(stderr, "replay: mmlab's initial break %#llx is not page-aligned\n",
			(unsigned long long)brk0);
		return -1;
	}
	*base = brk0;
	return 0;
}
