/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the host's CPU and kernel have, for `mmlab record`'s machine line and for the tests
 * that compare mmlab with the host kernel: such a test builds its mmlab machine with the
 * host's features, so both sides answer for the same machine. Today that is protection keys: the "pku" flag of /proc/cpuinfo (set when the CPU has
 * PKU; the kernel uses it, OSPKE, unless booted with nopku, which then clears the flag too),
 * and whether the kernel maps the shared zero page on a read fault (some VM hosts' kernels
 * are booted without it).
 */
#ifndef MMLAB_TOOL_HOST_PROBE_H
#define MMLAB_TOOL_HOST_PROBE_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/*
 * 1 when a read of untouched private anonymous memory maps the shared zero page, 0 when it
 * gets a page of its own. The zero page is never an exclusively mapped page, so pagemap's
 * bit 56 (PM_MMAP_EXCLUSIVE, shown without privileges) tells the two apart. 1 when the probe
 * cannot run: Linux's usual behaviour.
 */
static inline int host_has_zero_page(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	volatile char *p = mmap(NULL, (size_t)psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t entry = 0;
	int fd, zero = 1;

	if (p == MAP_FAILED)
		return 1;
	(void)p[0];
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd >= 0 && pread(fd, &entry, sizeof(entry),
			     (off_t)((uintptr_t)p / (uintptr_t)psz * sizeof(entry))) ==
			       (ssize_t)sizeof(entry))
		zero = !(entry >> 63 && (entry >> 56 & 1));
	if (fd >= 0)
		close(fd);
	munmap((void *)p, (size_t)psz);
	return zero;
}

#endif /* MMLAB_TOOL_HOST_PROBE_H */
