// SPDX-License-Identifier: LGPL-2.1-or-later
/* A memfd whose name is longer than strace -s 32 prints, and one with a blank in it. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>
int main(void)
{
	int fd = memfd_create("a-rather-long-memfd-name-of-more-than-32-chars", MFD_CLOEXEC);
	ftruncate(fd, 8192);
	write(fd, "hello", 5);
	char *p = mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0);
	p[4096] = 1;
	int fd2 = memfd_create("x y", 0);
	ftruncate(fd2, 4096);
	char *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0);
	return q[0] + p[0];
}
