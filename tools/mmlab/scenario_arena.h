/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The arena a scenario line's values live in (scenario_arena.c): chunks that grow by doubling,
 * freed all at once with the record the line makes, so the reader's error paths have nothing
 * to free one by one. Private to tools/mmlab's scenario*.c; models no Linux code.
 */
#ifndef MMLAB_TOOL_SCENARIO_ARENA_H
#define MMLAB_TOOL_SCENARIO_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct sc_arena_chunk;

struct sc_arena {
	struct sc_arena_chunk *chunks; /* newest first; NULL: empty */
	bool oom;                      /* an allocation failed since the arena was made */
};

void *sc_arena_alloc(struct sc_arena *a, size_t size);
char *sc_arena_strndup(struct sc_arena *a, const char *s, size_t n);
void sc_arena_free(struct sc_arena *a);

#endif
