// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Native side of the layout test: a static non-PIE program (no interpreter, so nothing but the
 * kernel's own choices sits above it) makes three anonymous mappings - one page, 3 MiB, and
 * 4 MiB (which the kernel 2 MiB-aligns) - then two MAP_32BIT ones, and prints their addresses
 * and its maps.
 */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	static const size_t len[] = { 4096, 3 << 20, 4 << 20 };
	char line[512];
	FILE *f;

	for (int i = 0; i < 3; i++) {
		void *p = mmap(NULL, len[i], i ? PROT_READ : PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		printf("mmap %zu = %p\n", len[i], p);
	}
	for (int i = 0; i < 2; i++) /* bottom-up from 1 GiB */
		printf("mmap 32bit %zu = %p\n", len[i], mmap(NULL, len[i], PROT_READ,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0));
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	return 0;
}
