// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One process of diffoom's host side, built static and without the sanitizers so that its
 * memory is only what it is asked to hold:
 *   oomchild CGROUP_PROCS SIZE_KB OOM_SCORE_ADJ
 * joins the memory cgroup whose cgroup.procs is CGROUP_PROCS, sets its oom_score_adj, writes
 * SIZE_KB of private anonymous memory page by page, then writes one byte to stdout (the
 * parent's pipe) and waits to be killed. Exit status 2..5 says which step failed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int main(int argc, char **argv)
{
	char buf[32];
	size_t len;
	char *p;

	if (argc != 4)
		return 2;
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write_file(argv[1], buf))
		return 3;
	snprintf(buf, sizeof(buf), "%s\n", argv[3]);
	if (write_file("/proc/self/oom_score_adj", buf))
		return 4;
	len = strtoul(argv[2], NULL, 10) << 10;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 5;
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	if (write(1, "r", 1) != 1)
		return 5;
	for (;;)
		pause();
}
