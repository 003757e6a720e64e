// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The terminal views against procps itself: mmlab's pmap, pmap -X and free (tools/mmlab/
 * views.c) must print what the host's `pmap PID`, `pmap -X PID` and `free -k` print for the
 * same /proc text, byte for byte.
 *
 * The text comes from two places. A stopped child of this test gives the host's own maps and
 * smaps (anonymous, file, shared, PROT_NONE and SysV mappings, some pages touched). An mmlab
 * machine gives mmlab's: its task's maps/smaps and its meminfo are bind-mounted over the
 * child's /proc files and over /proc/meminfo in a private mount namespace, so the real pmap
 * and free read mmlab's text. A few made-up meminfo files cover free's rules (no
 * MemAvailable, MemAvailable above MemTotal, swap in use). Without the mount namespace (not
 * root) only the host's own text is compared. Exit 77 when pmap or free is missing.
 */
#include "mmlab.h"
#include "views.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

/* What is left to read from @f, NUL-terminated (its length in *@len when wanted). */
static char *read_rest(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	do {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* A file's whole contents; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f)
		return NULL;
	buf = read_rest(f, len);
	fclose(f);
	return buf;
}

/* A command's standard output; NULL when it fails. */
static char *run_cmd(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf;

	if (!p)
		return NULL;
	buf = read_rest(p, NULL);
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

typedef int (*view_fn)(FILE *in, FILE *out, const struct view_proc *p);

static int pmap_plain(FILE *in, FILE *out, const struct view_proc *p)
{
	return view_pmap(in, out, p);
}

static int free_view(FILE *in, FILE *out, const struct view_proc *p)
{
	(void)p;
	return view_free(in, out);
}

/* What a view prints for @text. */
static char *view_text(view_fn fn, const char *text, const struct view_proc *p)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int err;

	if (!in || !out)
		abort();
	err = fn(in, out, p);
	fclose(in);
	fclose(out);
	if (err) {
		fprintf(stderr, "view failed: %s\n", strerror(-err));
		free(buf);
		return NULL;
	}
	return buf;
}

/* Prints the first differing line of two outputs. */
static void compare(const char *what, const char *host, const char *ours)
{
	const char *h = host, *o = ours;
	unsigned int line = 1;

	if (host && ours && !strcmp(host, ours)) {
		printf("ok   %s (%zu bytes)\n", what, strlen(host));
		return;
	}
	failures++;
	if (!host || !ours) {
		printf("FAIL %s: %s produced nothing\n", what, host ? "mmlab" : "the host tool");
		return;
	}
	while (*h && *h == *o) {
		if (*h == '\n')
			line++;
		h++;
		o++;
	}
	while (h > host && h[-1] != '\n') {
		h--;
		o--;
	}
	printf("FAIL %s: line %u differs\n  host:  %.*s\n  mmlab: %.*s\n", what, line,
	       (int)strcspn(h, "\n"), h, (int)strcspn(o, "\n"), o);
}

/* The child whose /proc files pmap reads: mappings of every kind, then stopped. */
static void child_body(const char *file)
{
	int fd = open(file, O_RDWR);
	char *anon, *fmap, *shared;
	int shmid;

	if (fd < 0)
		_exit(2);
	anon = mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fmap = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	shared = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || fmap == MAP_FAILED || shared == MAP_FAILED ||
	    mmap(NULL, 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		_exit(2);
	anon[0] = anon[2 * 4096] = 1;
	shared[4096] = 1;
	(void)*(volatile char *)fmap;
	shmid = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	if (shmid >= 0) {
		if (shmat(shmid, NULL, 0) == (void *)-1)
			_exit(2);
		shmctl(shmid, IPC_RMID, NULL); /* gone when the child is */
	}
	raise(SIGSTOP);
	_exit(0);
}

struct child {
	pid_t pid;
	struct view_proc proc;
	char cmdline[4096];
};

static int child_start(struct child *c, const char *file)
{
	char path[64], *stat, *p;
	size_t len;
	int status;

	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid)
		child_body(file);
	if (waitpid(c->pid, &status, WUNTRACED) != c->pid || !WIFSTOPPED(status))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", c->pid);
	p = slurp(path, &len);
	if (!p)
		return -1;
	while (len && p[len - 1] == '\0')
		len--;
	if (len >= sizeof(c->cmdline))
		len = sizeof(c->cmdline) - 1;
	for (size_t i = 0; i < len; i++)
		c->cmdline[i] = p[i] ? p[i] : ' ';
	c->cmdline[len] = '\0';
	free(p);
	snprintf(path, sizeof(path), "/proc/%d/stat", c->pid);
	stat = slurp(path, NULL);
	if (!stat)
		return -1;
	/* Field 28, startstack, counted after the command's closing parenthesis (field 2). */
	p = strrchr(stat, ')');
	for (int field = 2; p && field < 28; field++)
		p = strchr(p + 1, ' ');
	c->proc = (struct view_proc){ .pid = c->pid, .cmdline = c->cmdline,
				      .start_stack = p ? strtoul(p + 1, NULL, 10) : 0 };
	free(stat);
	return 0;
}

static void child_stop(struct child *c)
{
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
}

/*
 * pmap (and, with @x, pmap -X) of the child against the views of @maps and @smaps, which the
 * child's /proc files hold now (bind-mounted, or its own maps read just before).
 */
static void compare_pmap(const struct child *c, const char *what, const char *maps,
			 const char *smaps, bool x)
{
	char cmd[96], *host, *ours;

	snprintf(cmd, sizeof(cmd), "pmap %d", c->pid);
	host = run_cmd(cmd);
	ours = view_text(pmap_plain, maps, &c->proc);
	snprintf(cmd, sizeof(cmd), "pmap, %s", what);
	compare(cmd, host, ours);
	free(host);
	free(ours);
	if (!x)
		return;
	snprintf(cmd, sizeof(cmd), "pmap -X %d", c->pid);
	host = run_cmd(cmd);
	ours = view_text(view_pmap_x, smaps, &c->proc);
	snprintf(cmd, sizeof(cmd), "pmap -X, %s", what);
	compare(cmd, host, ours);
	free(host);
	free(ours);
}

/* Writes @text to a new temporary file; returns its path (static storage per @slot). */
static const char *temp_text(const char *text, int slot)
{
	static char paths[4][64];
	int fd;

	snprintf(paths[slot], sizeof(paths[slot]), "/tmp/diffviews-XXXXXX");
	fd = mkstemp(paths[slot]);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return paths[slot];
}

static int bind_over(const char *src, const char *target)
{
	if (mount(src, target, NULL, MS_BIND, NULL)) {
		printf("note: bind-mount over %s: %s\n", target, strerror(errno));
		return -1;
	}
	return 0;
}

/* free -k with @meminfo in place of /proc/meminfo. */
static void compare_free(const char *meminfo, const char *what)
{
	const char *file = temp_text(meminfo, 0);
	char *host = NULL, *ours;

	if (!bind_over(file, "/proc/meminfo")) {
		host = run_cmd("free -k");
		umount("/proc/meminfo");
	}
	unlink(file);
	ours = view_text(free_view, meminfo, NULL);
	compare(what, host, ours);
	free(host);
	free(ours);
}

/* An mmlab machine with a task in some state, its maps, smaps and meminfo as text. */
static int mmlab_texts(char **maps, char **smaps, char **meminfo)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64 << 20 };
	struct mmlab_task_config tc = { 0 };
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t a, b, c;
	size_t len;
	FILE *f;

	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &tc, &t))
		return -1;
	if (mmlab_mmap(t, 0, 40 << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0, &a) ||
	    mmlab_mmap(t, 0, 7 << 12, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0,
		       &b) ||
	    mmlab_mmap(t, 0, 3 << 12, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &c) ||
	    mmlab_touch(t, a, 13 << 12, "w", NULL) || mmlab_touch(t, b + 4096, 4096, "r", NULL) ||
	    mmlab_mprotect(t, a + (4 << 12), 4 << 12, PROT_READ))
		return -1;
	f = open_memstream(maps, &len);
	mmlab_proc_maps(t, f);
	fclose(f);
	f = open_memstream(smaps, &len);
	mmlab_proc_smaps(t, f);
	fclose(f);
	f = open_memstream(meminfo, &len);
	mmlab_proc_meminfo(m, f);
	fclose(f);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
	return 0;
}

/*
 * pmap of @c reading @maps and @smaps through the child's /proc files. A snapshot even of the
 * child's own: pmap's run changes the Pss of the libraries it maps too.
 */
static void compare_pmap_texts(const struct child *c, const char *what, const char *maps,
			       const char *smaps)
{
	char tmaps[64], tsmaps[64];
	const char *fm = temp_text(maps, 1), *fs = temp_text(smaps, 2);

	snprintf(tmaps, sizeof(tmaps), "/proc/%d/maps", c->pid);
	snprintf(tsmaps, sizeof(tsmaps), "/proc/%d/smaps", c->pid);
	if (!bind_over(fm, tmaps)) {
		if (!bind_over(fs, tsmaps)) {
			compare_pmap(c, what, maps, smaps, true);
			umount(tsmaps);
		} else {
			failures++;
		}
		umount(tmaps);
	} else {
		failures++;
	}
	unlink(fm);
	unlink(fs);
}

static const char *const made_up_meminfo[] = {
	/* As mmlab's: no MemAvailable, Buffers or slab lines. */
	"MemTotal:          65536 kB\nMemFree:           60000 kB\nCached:              120 kB\n"
	"SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                28 kB\n",
	/* MemAvailable above MemTotal (a container's view): free shows MemFree instead. */
	"MemTotal:        1000000 kB\nMemFree:          400000 kB\nMemAvailable:    2000000 kB\n"
	"Buffers:            1000 kB\nCached:            50000 kB\nSwapTotal:        100000 kB\n"
	"SwapFree:          25000 kB\nShmem:              3000 kB\nSReclaimable:       7000 kB\n",
	/* Swap in use, every field free reads. */
	"MemTotal:        2048000 kB\nMemFree:           10000 kB\nMemAvailable:      90000 kB\n"
	"Buffers:               4 kB\nCached:            70000 kB\nSwapCached:         1000 kB\n"
	"SwapTotal:       1048572 kB\nSwapFree:         500000 kB\nShmem:             11111 kB\n"
	"SReclaimable:      12345 kB\n",
};

int main(void)
{
	char file[] = "/tmp/diffviews-file-XXXXXX";
	char *maps = NULL, *smaps = NULL, *meminfo = NULL, *real, *hmaps, *hsmaps, path[64];
	struct child c;
	int fd;

	if (system("command -v pmap >/dev/null && command -v free >/dev/null")) {
		printf("skip: pmap or free (procps) missing\n");
		return 77;
	}
	fd = mkstemp(file);
	if (fd < 0 || ftruncate(fd, 3 * 4096))
		return 1;
	close(fd);
	if (child_start(&c, file)) {
		printf("FAIL: cannot start the child\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", c.pid);
	hmaps = slurp(path, NULL);
	snprintf(path, sizeof(path), "/proc/%d/smaps", c.pid);
	hsmaps = slurp(path, NULL);
	if (!hmaps || !hsmaps || mmlab_texts(&maps, &smaps, &meminfo)) {
		printf("FAIL: the child's /proc files or the mmlab machine\n");
		failures++;
	} else if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		printf("note: no private mount namespace (%s): pmap -X and free not compared, "
		       "nor mmlab's text\n", strerror(errno));
		compare_pmap(&c, "the host's maps", hmaps, NULL, false);
	} else {
		compare_pmap_texts(&c, "the host's maps and smaps", hmaps, hsmaps);
		compare_pmap_texts(&c, "mmlab's maps and smaps", maps, smaps);
		compare_free(meminfo, "free -k, mmlab's meminfo");
		real = slurp("/proc/meminfo", NULL);
		if (real)
			compare_free(real, "free -k, the host's meminfo");
		free(real);
		for (size_t i = 0; i < sizeof(made_up_meminfo) / sizeof(made_up_meminfo[0]); i++) {
			char what[64];

			snprintf(what, sizeof(what), "free -k, made-up meminfo %zu", i + 1);
			compare_free(made_up_meminfo[i], what);
		}
	}
	free(hmaps);
	free(hsmaps);
	free(maps);
	free(smaps);
	free(meminfo);
	child_stop(&c);
	unlink(file);
	printf("%s\n", failures ? "FAILED" : "all views agree");
	return failures ? 1 : 0;
}
