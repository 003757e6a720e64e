/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the host's CPU has, for the tests that compare mmlab with the host kernel: such a test
 * builds its mmlab machine with the host's CPU features, so both sides answer for the same
 * CPU. Today that is protection keys: the "pku" flag of /proc/cpuinfo (set when the CPU has
 * PKU; the kernel uses it, OSPKE, unless booted with nopku, which then clears the flag too).
 */
#ifndef MMLAB_TESTS_HOST_CPU_H
#define MMLAB_TESTS_HOST_CPU_H

#include <stdio.h>
#include <string.h>

/* 1 when the first processor's "flags" line of /proc/cpuinfo lists "pku", else 0. */
static inline int host_cpu_has_pku(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save;

		if (strncmp(line, "flags", 5))
			continue;
		for (tok = strtok_r(strchr(line, ':') ? strchr(line, ':') + 1 : line, " \t\n", &save);
		     tok; tok = strtok_r(NULL, " \t\n", &save))
			if (!strcmp(tok, "pku"))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

#endif /* MMLAB_TESTS_HOST_CPU_H */
