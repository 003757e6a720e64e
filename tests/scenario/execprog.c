// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program exec_host.sh records and replays from its first line (no maps snapshot): each
 * mode ends in an exec whose new program's calls must replay at the kernel's addresses.
 *   thread: two threads besides the leader; the second execs /usr/bin/true while the first
 *	   waits (de_thread kills it; the process goes on under the leader's pid).
 *   execveat: execveat of itself under its directory's fd (mode at-empty), which execs itself
 *	   through an O_PATH fd with AT_EMPTY_PATH (mode at-nofollow), which execs
 *	   /usr/bin/true with AT_SYMLINK_NOFOLLOW, after that flag refused a symlink (ELOOP).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *run_true(void *arg)
{
	char *const argv[] = { "true", NULL };

	(void)arg;
	execv("/usr/bin/true", argv);
	return NULL;
}

static int exec_mode(int fd, const char *path, const char *mode, int flags)
{
	char *const argv[] = { "execprog", (char *)mode, NULL };

	return (int)syscall(SYS_execveat, fd, path, argv, environ, flags);
}

/* The execveat chain: each mode execs the next (see the head). */
static int exec_at(const char *mode)
{
	char self[PATH_MAX], dir[PATH_MAX], *base;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd;

	if (n <= 0)
		return 1;
	self[n] = '\0';
	strcpy(dir, self);
	base = strrchr(self, '/') + 1;
	if (!strcmp(mode, "execveat")) {
		fd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
		exec_mode(fd, base, "at-empty", 0);
	} else if (!strcmp(mode, "at-empty")) {
		fd = open(self, O_PATH);
		exec_mode(fd, "", "at-nofollow", AT_EMPTY_PATH);
	} else if (!strcmp(mode, "at-nofollow")) {
		exec_mode(AT_FDCWD, "/proc/self/exe", "x", AT_SYMLINK_NOFOLLOW);	/* ELOOP */
		exec_mode(AT_FDCWD, "/usr/bin/true", "x", AT_SYMLINK_NOFOLLOW);
	}
	return 1;
}

int main(int argc, char **argv)
{
	pthread_t a, b;

	if (argc > 1 && !strcmp(argv[1], "thread")) {
		pthread_create(&a, NULL, idle, NULL);
		pthread_create(&b, NULL, run_true, NULL);
		for (;;)
			pause();
	}
	if (argc > 1 && (!strcmp(argv[1], "execveat") || !strncmp(argv[1], "at-", 3)))
		return exec_at(argv[1]);
	fprintf(stderr, "usage: execprog thread|execveat\n");
	return 2;
}
