// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page faults of known kinds for `record --faults`' classification (faults_roundtrip.py):
 * between two system calls, a private writable mapping of this program's own file is read at
 * page 0 (a read fault: fault-around maps the file's cached pages read-only), written at
 * page 1 (a write fault: the copy) and written at page 0 (a second fault there, the write);
 * a read-only mapping of the file is read (a read). Prints the two addresses on stdout.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	volatile char *rw, *ro;
	int fd = open(argv[0], O_RDONLY);

	(void)argc;
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 2 * 4096)
		return 1;
	rw = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	if (rw == MAP_FAILED || ro == MAP_FAILED)
		return 1;
	printf("rw=%p ro=%p\n", (void *)rw, (void *)ro);
	fflush(stdout);
	(void)rw[0];
	rw[4096] = 1;
	rw[0] = 1;
	(void)ro[0];
	getppid();
	return 0;
}
