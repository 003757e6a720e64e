// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab side of the layout test: a fresh task without ASLR, with the RLIMIT_STACK given on
 * the command line ("unlimited" or bytes), makes the same three mappings as probe.c and prints
 * the same lines.
 */
#include "mmlab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	static const uint64_t len[] = { 4096, 3 << 20, 4 << 20 };
	struct mmlab_task_config cfg = { .no_aslr = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t addr;

	if (argc > 1)
		cfg.rlimit_stack = strcmp(argv[1], "unlimited") ? strtoull(argv[1], NULL, 0) : ~0ULL;
	if (mmlab_machine_create(NULL, &m) || mmlab_task_create(m, &cfg, &t))
		return 1;
	for (int i = 0; i < 3; i++) {
		int err = mmlab_mmap(t, 0, len[i], i ? PROT_READ : PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &addr);

		if (err)
			return 1;
		printf("mmap %llu = %#llx\n", (unsigned long long)len[i], (unsigned long long)addr);
	}
	for (int i = 0; i < 2; i++) {
		if (mmlab_mmap(t, 0, len[i], PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
			       0, &addr))
			return 1;
		printf("mmap 32bit %llu = %#llx\n", (unsigned long long)len[i],
		       (unsigned long long)addr);
	}
	mmlab_proc_maps(t, stdout);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
	return 0;
}
