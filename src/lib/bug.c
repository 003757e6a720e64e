// SPDX-License-Identifier: LGPL-2.1-or-later
/* The one place a violated invariant ends the process (mm/debug.c's role). */
#include "kernel.h"

void mmlab_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "mmlab: BUG at %s:%d: %s\n", file, line, cond);
	fflush(stderr);
	abort();
}
