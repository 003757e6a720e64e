// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The arena of the scenario reader (see scenario_arena.h): zeroed, max_align_t-aligned memory
 * carved from chunks of 2 KiB that double up to 64 KiB (a larger request gets a chunk of its
 * own size). Models no Linux code.
 */
#include "scenario_arena.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_FIRST_CHUNK 2048 /* bytes: one typical line's values fit in the first chunk */
#define ARENA_MAX_CHUNK 65536  /* doubling stops here */

struct sc_arena_chunk {
	struct sc_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

/**
 * sc_arena_alloc() - zeroed memory that lives until sc_arena_free().
 * @a: the arena.
 * @size: bytes.
 *
 * Context: single-threaded use of @a.
 * Return: the memory, or NULL when out of memory (then @a->oom is set).
 */
void *sc_arena_alloc(struct sc_arena *a, size_t size)
{
	struct sc_arena_chunk *c = a->chunks;
	void *ptr;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->size - c->used < size) {
		/* Chunks double, so a line with large values needs few of them. */
		size_t csize = c ? 2 * c->size : ARENA_FIRST_CHUNK;

		if (csize < size)
			csize = size;
		if (csize > ARENA_MAX_CHUNK && size <= ARENA_MAX_CHUNK)
			csize = ARENA_MAX_CHUNK;
		c = malloc(sizeof(*c) + csize);
		if (!c) {
			a->oom = true;
			return NULL;
		}
		c->next = a->chunks;
		c->used = 0;
		c->size = csize;
		a->chunks = c;
	}
	ptr = (char *)c->data + c->used;
	c->used += size;
	memset(ptr, 0, size);
	return ptr;
}

/**
 * sc_arena_strndup() - a NUL-terminated copy of @n bytes of @s in the arena.
 * @a: the arena.
 * @s: the bytes.
 * @n: how many.
 *
 * Context: single-threaded use of @a.
 * Return: the copy, or NULL when out of memory.
 */
char *sc_arena_strndup(struct sc_arena *a, const char *s, size_t n)
{
	char *d = sc_arena_alloc(a, n + 1);

	if (d)
		memcpy(d, s, n);
	return d;
}

/**
 * sc_arena_free() - free every chunk; the arena is empty again (->oom stays).
 * @a: the arena. It may itself live in one of its chunks: the list is read off it first.
 *
 * Context: single-threaded use of @a.
 */
void sc_arena_free(struct sc_arena *a)
{
	struct sc_arena_chunk *c = a->chunks;

	a->chunks = NULL;
	while (c) {
		struct sc_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
}
