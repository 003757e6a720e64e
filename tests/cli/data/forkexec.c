// SPDX-License-Identifier: LGPL-2.1-or-later
/* Three times: fork, the child execs /bin/true at once, the parent waits for it. */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	static char *argv[] = { "/bin/true", 0 };

	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(argv[0], argv, 0);
			_exit(127);
		}
		waitpid(pid, 0, 0);
	}
	return 0;
}
