// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program exec_host.sh records and replays from its first line (no maps snapshot): each
 * mode ends in an exec whose new program's calls must replay at the kernel's addresses.
 *   thread: two threads besides the leader; the second execs /usr/bin/true while the first
 *	   waits (de_thread kills it; the process goes on under the leader's pid).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	pthread_t a, b;

	if (argc > 1 && !strcmp(argv[1], "thread")) {
		pthread_create(&a, NULL, idle, NULL);
		pthread_create(&b, NULL, run_true, NULL);
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: execprog thread\n");
	return 2;
}
