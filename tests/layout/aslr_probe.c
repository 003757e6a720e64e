// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ASLR side of the layout test: for seeds 1..N, a fresh randomized task's first one-page
 * mmap address and the end of its [stack], one line each ("ADDR STACK_END", hex).
 */
#include "mmlab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100;
	struct mmlab_machine *m;

	if (mmlab_machine_create(NULL, &m))
		return 1;
	for (unsigned long seed = 1; seed <= n; seed++) {
		struct mmlab_task_config cfg = { .seed = seed };
		struct mmlab_task *t;
		unsigned long long start = 0, end = 0;
		char *buf = NULL, *s;
		size_t len = 0;
		uint64_t addr;
		FILE *f;

		if (mmlab_task_create(m, &cfg, &t) ||
		    mmlab_mmap(t, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &addr))
			return 1;
		f = open_memstream(&buf, &len);
		if (!f || mmlab_proc_maps(t, f))
			return 1;
		fclose(f);
		s = strstr(buf, "[stack]");
		while (s && s > buf && s[-1] != '\n')
			s--;
		if (!s || sscanf(s, "%llx-%llx", &start, &end) != 2)
			return 1;
		printf("%#llx %#llx\n", (unsigned long long)addr, end);
		free(buf);
		mmlab_task_destroy(t);
	}
	mmlab_machine_destroy(m);
	return 0;
}
