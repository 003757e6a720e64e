// SPDX-License-Identifier: LGPL-2.1-or-later
/* A memfd mapped through a dup of its fd, another memfd of the same name, a fork's child
 * mapping the first through the fd it inherited. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fd = memfd_create("buf", 0), d, o;

	ftruncate(fd, 8192);
	d = dup(fd);
	mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, d, 0);
	o = memfd_create("buf", 0);
	ftruncate(o, 4096);
	mmap(NULL, 4096, PROT_READ, MAP_SHARED, o, 0);
	if (fork() == 0) {
		mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
		_exit(0);
	}
	wait(NULL);
	mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	return 0;
}
