// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program strace_signals.sh traces: "strace_signals CASE" writes into a pipe whose read end
 * is closed (SIGPIPE) or past RLIMIT_FSIZE (SIGXFSZ) in data.txt, with the signal's default
 * action (dfl), ignored (ign), blocked (block) or caught (handler); vmsplice into the pipe too.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

static void on_signal(int sig)
{
	(void)sig;
}

static void dispose(int sig, const char *how)
{
	struct sigaction sa = { 0 };
	sigset_t set;

	if (!strcmp(how, "block")) {
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_BLOCK, &set, NULL);
		return;
	}
	sa.sa_handler = !strcmp(how, "ign") ? SIG_IGN : !strcmp(how, "handler") ? on_signal
										   : SIG_DFL;
	sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	static char page[4096] __attribute__((aligned(4096))) = "data";
	struct iovec v = { page, 16 };
	int p[2], fd;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "pipe")) {
		dispose(SIGPIPE, argv[2]);
		if (pipe(p))
			return 1;
		close(p[0]);
		(void)!write(p[1], "x", 1);
		(void)!vmsplice(p[1], &v, 1, 0);
		return 0;
	}
	struct rlimit rl = { 4096, RLIM_INFINITY };

	dispose(SIGXFSZ, argv[2]);
	setrlimit(RLIMIT_FSIZE, &rl);
	fd = open("data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	(void)!pwrite(fd, "y", 1, 4000);	/* short of the limit: written */
	(void)!pwrite(fd, "z", 1, 4096);	/* at it: EFBIG and SIGXFSZ */
	(void)!ftruncate(fd, 8192);		/* past it: EFBIG and SIGXFSZ */
	return 0;
}
