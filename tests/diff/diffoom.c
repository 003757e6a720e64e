// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OOM killer's choice against the host kernel's. On the host, a memory cgroup with a
 * 64 MiB limit and no swap holds a set of processes of known sizes and oom_score_adj values
 * (tests/diff/oomchild.c, static and unsanitized); the last of them writes past the limit, so
 * the kernel's memcg OOM killer must kill one (each set is 66-68 MiB and its victim holds at
 * least 8 MiB, so that one death is enough whatever else each side charges). mmlab runs the same processes (forked from one
 * task, each writing its own private anonymous memory) on a machine with 64 MiB of RAM; its
 * OOM killer must kill the same one, and only one on each side. Each side's "Killed process"
 * line (/dev/kmsg on the host, mmlab_dmesg in mmlab) is printed.
 *
 * Why cgroup v1: this host mounts the memory controller only in the v1 hierarchy
 * (/sys/fs/cgroup/memory; its v2 hierarchy has no memory controller), so the limit is v1's
 * memory.limit_in_bytes; under v2 the same test would write memory.max and memory.swap.max 0.
 * A memcg OOM and a global one choose alike: oom_badness over the group's processes, with the
 * group's limit as the total oom_score_adj scales (mmlab: its RAM). Without root or the v1
 * memory controller the test is skipped (exit 77) and says why. The cgroup is removed at the
 * end, its processes killed first.
 *   diffoom OOMCHILD
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmlab.h"

#define SKIP 77
#define CG_ROOT "/sys/fs/cgroup/memory"
#define LIMIT_MB 64
#define MAX_PROCS 6

struct oom_proc {
	unsigned int mb;	/* private anonymous memory written, MiB */
	int adj;		/* oom_score_adj */
};

/* A set of processes; the last one writes past the limit. */
struct oom_case {
	const char *what;
	unsigned int nr;
	struct oom_proc p[MAX_PROCS];
};

static const struct oom_case cases[] = {
	{ "oom_score_adj outweighs size", 4, { { 24, 0 }, { 8, 300 }, { 12, 200 }, { 24, 0 } } },
	{ "the largest process", 4, { { 10, 0 }, { 30, 0 }, { 6, 0 }, { 20, 0 } } },
	{ "the allocating process itself", 4, { { 8, 0 }, { 8, 0 }, { 8, 0 }, { 48, 0 } } },
	{ "a small process at oom_score_adj 1000", 3, { { 24, 0 }, { 8, 1000 }, { 34, 0 } } },
	{ "oom_score_adj 900 against 500", 4, { { 22, 0 }, { 8, 500 }, { 8, 900 }, { 28, 0 } } },
};

static const char *oomchild;
static char cg_dir[128];

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : n;
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : (n < 0 ? (int)n : -EIO);
}

/* Whether the host can run the test; a reason to skip in @why when not. */
static bool host_can(char *why, size_t len)
{
	if (geteuid() != 0) {
		snprintf(why, len, "not root: a memory cgroup cannot be made");
		return false;
	}
	if (access(CG_ROOT "/cgroup.procs", W_OK) ||
	    access(CG_ROOT "/memory.limit_in_bytes", R_OK)) {
		snprintf(why, len, "no cgroup v1 memory controller at " CG_ROOT);
		return false;
	}
	snprintf(cg_dir, sizeof(cg_dir), CG_ROOT "/mmlab-diffoom.%d", (int)getpid());
	if (mkdir(cg_dir, 0755)) {
		snprintf(why, len, "cannot make %s: %s", cg_dir, strerror(errno));
		return false;
	}
	if (rmdir(cg_dir)) {
		snprintf(why, len, "cannot remove %s: %s", cg_dir, strerror(errno));
		return false;
	}
	return true;
}

/* Kills what is left in the cgroup and removes it. */
static void cg_remove(pid_t *pids, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
			pids[i] = 0;
		}
	for (int tries = 0; tries < 200 && rmdir(cg_dir) && errno == EBUSY; tries++)
		usleep(10000);
}

/*
 * The first of the host's "Killed process PID ..." records naming one of @pids, from
 * /dev/kmsg past @fd's position, into @out. Return: that pid's index, or -1.
 */
static int host_kill_line(int fd, const pid_t *pids, unsigned int nr, char *out, size_t len)
{
	char rec[1024];

	out[0] = 0;
	for (int tries = 0; fd >= 0 && tries < 50;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *text, *k, *nl;
		long pid;

		if (n < 0 && errno == EAGAIN) {
			usleep(10000);
			tries++;
			continue;
		}
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on with the next */
		if (n <= 0)
			return -1;
		rec[n] = 0;
		text = strchr(rec, ';');
		k = text ? strstr(text, "Killed process ") : NULL;
		if (!k)
			continue;
		pid = strtol(k + strlen("Killed process "), NULL, 10);
		for (unsigned int i = 0; i < nr; i++) {
			if (pids[i] != pid)
				continue;
			nl = strchr(++text, '\n');
			if (nl)
				*nl = 0;
			snprintf(out, len, "%s", text);
			return (int)i;
		}
	}
	return -1;
}

/* Starts oomchild for @p in the cgroup; its stdout is a pipe, read end in *@rd. */
static pid_t start_child(const struct oom_proc *p, int *rd)
{
	char procs[192], kb[32], adj[16];
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_dir);
	snprintf(kb, sizeof(kb), "%u", p->mb << 10);
	snprintf(adj, sizeof(adj), "%d", p->adj);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(oomchild, oomchild, procs, kb, adj, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	*rd = fds[0];
	if (pid < 0)
		close(fds[0]);
	return pid;
}

/* Waits up to @ms for a byte on @fd: 1 when it came, 0 at EOF or timeout. */
static int wait_ready(int fd, int ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pf, 1, ms) != 1)
		return 0;
	return read(fd, &c, 1) == 1;
}

/* Reaps the children that died: their count; the last one killed by SIGKILL in *@victim. */
static int reap_dead(pid_t *pids, unsigned int nr, int *victim)
{
	int dead = 0, status;

	for (unsigned int i = 0; i < nr; i++) {
		if (pids[i] <= 0 || waitpid(pids[i], &status, WNOHANG) != pids[i])
			continue;
		dead++;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			*victim = (int)i;
		else
			fprintf(stderr, "host: process %u ended with status %#x\n", i, status);
		pids[i] = 0;
	}
	return dead;
}

/*
 * Runs @c on the host. Return: the index of the process the kernel killed first (its first
 * "Killed process" line; without /dev/kmsg, the one process killed by SIGKILL), -1 when none
 * was, -2 when the host side failed; the kernel's line in @line. The kernel may kill a second
 * process while the first is still exiting (its reaper runs asynchronously, its page tables
 * and kernel stack stay charged until exit): said, not failed - mmlab's reaping is
 * synchronous and only the choice is compared.
 */
static int host_victim(const struct oom_case *c, char *line, size_t len)
{
	pid_t pids[MAX_PROCS] = { 0 }, all[MAX_PROCS] = { 0 };
	int rd[MAX_PROCS], victim = -1, dead = 0, kmsg;
	char limit[32], path[192];
	unsigned int last = c->nr - 1, started = 0;

	line[0] = 0;
	if (mkdir(cg_dir, 0755)) {
		fprintf(stderr, "mkdir %s: %s\n", cg_dir, strerror(errno));
		return -2;
	}
	snprintf(limit, sizeof(limit), "%u\n", (unsigned int)LIMIT_MB << 20);
	snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", cg_dir);
	if (write_text(path, limit)) {
		fprintf(stderr, "%s: cannot set the limit\n", path);
		cg_remove(pids, 0);
		return -2;
	}
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	for (unsigned int i = 0; i < c->nr; i++, started++) {
		pids[i] = all[i] = start_child(&c->p[i], &rd[i]);
		if (pids[i] < 0) {
			pids[i] = 0;
			victim = -2;
			goto out;
		}
		if (i < last && !wait_ready(rd[i], 30000)) {
			fprintf(stderr, "host: process %u (%u MiB) did not get ready\n", i,
				c->p[i].mb);
			started++;
			victim = -2;
			goto out;
		}
	}
	/* the last one writes past the limit: one process dies, then it finishes (or it died) */
	wait_ready(rd[last], 30000);
	for (int ms = 0; ms < 3000 && !dead; ms += 10) {
		usleep(10000);
		dead += reap_dead(pids, c->nr, &victim);
	}
	usleep(200000);	/* a second victim would be dying by now */
	dead += reap_dead(pids, c->nr, &victim);
	if (kmsg >= 0 && dead) {
		int first = host_kill_line(kmsg, all, c->nr, line, len);

		if (dead > 1)
			printf("  (the host killed %d processes; its first choice counts)\n", dead);
		victim = first >= 0 ? first : victim;
	} else if (dead != 1) {
		fprintf(stderr, "host: %d processes died\n", dead);
		victim = -1;
	}
out:
	if (kmsg >= 0)
		close(kmsg);
	for (unsigned int i = 0; i < started; i++)
		close(rd[i]);
	cg_remove(pids, c->nr);
	return victim;
}

/* mmlab's "Killed process" line, from its kernel log. */
static void lab_kill_line(struct mmlab_machine *m, char *out, size_t len)
{
	char *buf = NULL, *k;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	out[0] = 0;
	if (!f)
		return;
	mmlab_dmesg(m, f, 0);
	fclose(f);
	k = buf ? strstr(buf, "Out of memory") : NULL;
	k = k ? strstr(k, "Killed process") : NULL;
	if (k)
		snprintf(out, len, "%.*s", (int)strcspn(k, "\n"), k);
	free(buf);
}

/*
 * Runs @c in mmlab. Return: the index of the one process killed by SIGKILL, -1 when none or
 * several were, -2 when mmlab failed; mmlab's line in @line.
 */
static int lab_victim(const struct oom_case *c, char *line, size_t len)
{
	struct mmlab_machine_config mc = { .ram_bytes = (size_t)LIMIT_MB << 20, .no_pku = 1,
					   .no_zero_page = 1 };
	struct mmlab_task *first = NULL, *t[MAX_PROCS] = { NULL };
	struct mmlab_machine *m;
	int victim = -1, dead = 0, ret = -2;

	line[0] = 0;
	if (mmlab_machine_create(&mc, &m))
		return -2;
	if (mmlab_task_create(m, NULL, &first))
		goto destroy;
	for (unsigned int i = 0; i < c->nr; i++) {
		uint64_t len_b = (uint64_t)c->p[i].mb << 20, addr;
		struct mmlab_fault f;
		int err;

		if (mmlab_fork(first, &t[i]) ||
		    mmlab_oom_score_adj(t[i], NULL, &c->p[i].adj, NULL) ||
		    mmlab_mmap(t[i], 0, len_b, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0, &addr))
			goto exit;
		err = mmlab_touch(t[i], addr, len_b, "w", &f);
		if (err && !(i + 1 == c->nr && err == -EFAULT && f.signo == SIGKILL)) {
			fprintf(stderr, "mmlab: process %u's touch failed: %d\n", i, err);
			goto exit;
		}
	}
	for (unsigned int i = 0; i < c->nr; i++) {
		struct mmlab_signals s;

		if (!mmlab_task_signals(t[i], &s) && s.killed_by == SIGKILL) {
			victim = (int)i;
			dead++;
		}
	}
	ret = dead == 1 ? victim : -1;
	lab_kill_line(m, line, len);
exit:
	for (unsigned int i = 0; i < c->nr; i++)
		if (t[i])
			mmlab_exit(t[i]);
	if (first)
		mmlab_exit(first);
destroy:
	mmlab_machine_destroy(m);
	return ret;
}

/* The anon-rss of a "Killed process" line, kB; -1 when it has none. */
static long anon_rss(const char *line)
{
	const char *a = strstr(line, "anon-rss:");

	return a ? strtol(a + strlen("anon-rss:"), NULL, 10) : -1;
}

/*
 * The victim held as much anonymous memory on both sides when it was killed: the host's is
 * the static oomchild's few pages of stack and data more (and the allocating process's size
 * at the OOM depends on what else each side charges: page tables, the kernel's stacks).
 */
static bool anon_close(const char *host, const char *lab)
{
	long h = anon_rss(host), l = anon_rss(lab);

	if (h < 0)
		return true;	/* no /dev/kmsg line to compare with */
	return l >= 0 && labs(h - l) <= 256;
}

int main(int argc, char **argv)
{
	char why[256], hline[512], lline[512];
	int fails = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: diffoom OOMCHILD\n");
		return 2;
	}
	oomchild = argv[1];
	if (!host_can(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return SKIP;
	}
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct oom_case *c = &cases[k];
		int host = host_victim(c, hline, sizeof(hline));
		int lab = lab_victim(c, lline, sizeof(lline));

		printf("%s: host kills process %d, mmlab %d\n", c->what, host, lab);
		printf("  host:  %s\n  mmlab: %s\n", hline[0] ? hline : "(no kernel line)",
		       lline[0] ? lline : "(no line)");
		if (host < 0 || lab < 0 || host != lab) {
			printf("FAIL: %s\n", c->what);
			fails++;
		} else if (!anon_close(hline, lline)) {
			printf("FAIL: %s: the victim's anon-rss differs by more than 256 kB\n",
			       c->what);
			fails++;
		}
	}
	return fails ? 1 : 0;
}
