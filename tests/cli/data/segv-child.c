// SPDX-License-Identifier: LGPL-2.1-or-later
/* A fork child killed by SIGSEGV (a store to NULL); the parent waits for it and exits 0. */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	if (fork() == 0)
		*(volatile int *)0 = 1;
	wait(NULL);
	return 0;
}
