// SPDX-License-Identifier: LGPL-2.1-or-later
/* A second thread maps and touches memory, then execs /bin/true while the first one waits in
 * pause(): de_thread ends the first, and /bin/true runs under the first thread's pid. */
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

static void *run(void *a)
{
	char *argv[] = { "/bin/true", NULL };
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)a;
	p[0] = 1;
	usleep(20000);
	execv("/bin/true", argv);
	return NULL;
}

int main(void)
{
	pthread_t t;

	mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_create(&t, NULL, run, NULL);
	for (;;)
		pause();
}
