// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of the overlay's name calls against the host: in a temporary tree made
 * by root (directories read-only, writable, sticky, owned by the test user; files of root
 * and of the user), a sequence of unlink, rename (files and directories: within and across
 * directories, over an empty and a non-empty directory, into itself; RENAME_EXCHANGE of a
 * directory with a file and with another directory), link (protected
 * hardlinks, permissions, EEXIST), umask with O_CREAT (inherited across fork) and opens, mkdir
 * and rmdir (EEXIST, ENOENT, ENOTDIR, ENOTEMPTY, EACCES, EPERM, EINVAL; files made in a new
 * directory; a host directory emptied, removed and made again, empty) runs
 * natively in a forked child that dropped to uid/gid 1000 (setresuid), and in mmlab as a
 * task of uid 1000 whose root is that tree; each step's result (0 or the errno name) must
 * match. Then, as root, the name maps shows for a file mapped through a second hard link, and
 * after that name is unlinked (" (deleted)" while the first name lives) or the other name
 * renamed, must be the host's (the tree's prefix taken off). Needs root (skipped otherwise).
 * Usage: diffperm
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

#define USER 1000
#define MAP_AT 0x310000000000UL
#define PG 4096UL

enum kind { UNLINK, RENAME, LINK, LINK_FOLLOW, OPEN, UMASK, FORK_OPEN, EXCHANGE, MKDIR, RMDIR };

struct op {
	enum kind kind;
	const char *a, *b;
	int flags;
	unsigned int mode;
};

/* Run in this order on both sides, as uid 1000. */
static const struct op ops[] = {
	{ UNLINK, "/ro/f", NULL, 0, 0 },			/* no write permission on the directory */
	{ UNLINK, "/rw/g", NULL, 0, 0 },
	{ UNLINK, "/sticky/s_root", NULL, 0, 0 },		/* sticky, neither file nor directory ours */
	{ UNLINK, "/sticky/s_user", NULL, 0, 0 },
	{ RENAME, "/sticky/s_root", "/sticky/x", 0, 0 },
	{ RENAME, "/ro/f", "/rw/f2", 0, 0 },
	{ RENAME, "/rw/h", "/ro/h", 0, 0 },		/* the target's directory is read-only */
	{ RENAME, "/own/o", "/own/o2", 0, 0 },	/* root's file in our (non-sticky) directory */
	{ RENAME, "/own/o2", "/ro/f", 0, 0 },		/* over a name in a read-only directory */
	{ UNLINK, "/noexec/f", NULL, 0, 0 },		/* no search permission */
	{ LINK, "/top", "/rw/hl", 0, 0 },		/* protected_hardlinks: not ours, not writable */
	{ LINK, "/rw/w", "/rw/hl", 0, 0 },		/* root's but writable: allowed */
	{ LINK, "/own/u", "/own/u2", 0, 0 },
	{ LINK, "/own/u", "/ro/u", 0, 0 },
	{ LINK, "/own/u", "/own/u2", 0, 0 },		/* exists */
	{ LINK, "/own", "/own/dirlink", 0, 0 },	/* a directory */
	{ LINK, "/nothing", "/own/x", 0, 0 },
	{ LINK_FOLLOW, "/own/u", "/own/u3", 0, 0 },
	{ OPEN, "/own/u2", NULL, O_RDWR, 0 },
	{ UMASK, NULL, NULL, 0, 0277 },
	{ OPEN, "/own/new", NULL, O_RDWR | O_CREAT | O_EXCL, 0666 },	/* mode 0400 */
	{ OPEN, "/own/new", NULL, O_RDWR, 0 },				/* EACCES */
	{ OPEN, "/own/new", NULL, O_RDONLY, 0 },
	{ FORK_OPEN, "/own/new2", NULL, O_RDWR | O_CREAT | O_EXCL, 0666 },
	{ OPEN, "/own/new2", NULL, O_RDWR, 0 },				/* EACCES */
	{ UMASK, NULL, NULL, 0, 022 },
	{ RENAME, "/own/dir", "/own/dir2", 0, 0 },	/* a directory, within its parent */
	{ OPEN, "/own/dir2/in", NULL, O_RDONLY, 0 },
	{ OPEN, "/own/dir/in", NULL, O_RDONLY, 0 },
	{ RENAME, "/own/dir2", "/own/dir2/sub", 0, 0 },	/* into itself */
	{ RENAME, "/own/dir2", "/own/full", 0, 0 },	/* over a non-empty directory */
	{ RENAME, "/own/dir2", "/own/empty", 0, 0 },	/* over an empty one */
	{ OPEN, "/own/empty/in", NULL, O_RDONLY, 0 },
	{ RENAME, "/own/empty", "/own/u", 0, 0 },	/* a directory over a file */
	{ RENAME, "/own/u", "/own/full", 0, 0 },	/* a file over a directory */
	{ RENAME, "/own/empty", "/rw/moved", 0, 0 },	/* to another parent (ours: writable) */
	{ OPEN, "/rw/moved/in", NULL, O_RDONLY, 0 },
	{ RENAME, "/rootdir", "/rw/rootdir", 0, 0 },	/* root's directory to another parent */
	{ RENAME, "/rw/moved", "/sticky/moved", 0, 0 },
	{ RENAME, "/sticky/moved", "/sticky/moved2", 0, 0 },
	{ OPEN, "/sticky/moved2/in", NULL, O_RDONLY, 0 },
	{ UNLINK, "/sticky/moved2", NULL, 0, 0 },		/* a directory */
	{ EXCHANGE, "/own/full", "/own/u", 0, 0 },	/* a directory and a file swap */
	{ OPEN, "/own/u/x", NULL, O_RDONLY, 0 },
	{ OPEN, "/own/full", NULL, O_RDONLY, 0 },
	{ OPEN, "/own/full/x", NULL, O_RDONLY, 0 },
	{ EXCHANGE, "/own/u", "/sticky/moved2", 0, 0 },	/* two directories, two parents */
	{ OPEN, "/own/u/in", NULL, O_RDONLY, 0 },
	{ OPEN, "/sticky/moved2/x", NULL, O_RDONLY, 0 },
	{ EXCHANGE, "/own/u", "/own/u/in", 0, 0 },	/* into itself */
	{ EXCHANGE, "/own/nothing", "/own/u", 0, 0 },
	{ EXCHANGE, "/rootdir", "/own/u", 0, 0 },	/* root's directory, not writable */
	{ MKDIR, "/own/d1", NULL, 0, 0755 },
	{ MKDIR, "/own/d1", NULL, 0, 0755 },		/* exists */
	{ MKDIR, "/own/d1/", NULL, 0, 0755 },
	{ MKDIR, "/own/nope/d", NULL, 0, 0755 },	/* no parent */
	{ MKDIR, "/own/u2/d", NULL, 0, 0755 },		/* the parent is a file */
	{ MKDIR, "/own/u2", NULL, 0, 0755 },
	{ MKDIR, "/ro/d", NULL, 0, 0755 },		/* read-only parent */
	{ MKDIR, "/noexec/d", NULL, 0, 0755 },	/* no search permission */
	{ MKDIR, "/own/d1/sub/", NULL, 0, 0700 },	/* in a new directory, trailing slash */
	{ OPEN, "/own/d1/sub/f", NULL, O_RDWR | O_CREAT | O_EXCL, 0644 },
	{ OPEN, "/own/d1/sub/f", NULL, O_RDONLY, 0 },
	{ RMDIR, "/own/d1", NULL, 0, 0 },		/* not empty */
	{ RMDIR, "/own/d1/sub", NULL, 0, 0 },
	{ UNLINK, "/own/d1/sub", NULL, 0, 0 },		/* a directory */
	{ UNLINK, "/own/d1/sub/f", NULL, 0, 0 },
	{ RMDIR, "/own/d1/sub/.", NULL, 0, 0 },
	{ RMDIR, "/own/d1/sub/..", NULL, 0, 0 },
	{ RMDIR, "/own/d1/sub", NULL, 0, 0 },
	{ RMDIR, "/own/d1/sub", NULL, 0, 0 },		/* gone */
	{ OPEN, "/own/d1/sub/f", NULL, O_RDONLY, 0 },
	{ RMDIR, "/own/u2", NULL, 0, 0 },		/* a file */
	{ RMDIR, "/own/nope", NULL, 0, 0 },
	{ RMDIR, "/own/hd", NULL, 0, 0 },		/* the host's, not empty */
	{ UNLINK, "/own/hd/f", NULL, 0, 0 },
	{ RMDIR, "/own/hd", NULL, 0, 0 },		/* emptied */
	{ OPEN, "/own/hd/f", NULL, O_RDONLY, 0 },
	{ MKDIR, "/own/hd", NULL, 0, 0755 },		/* again: empty */
	{ OPEN, "/own/hd/f", NULL, O_RDONLY, 0 },
	{ OPEN, "/own/hd/g", NULL, O_RDWR | O_CREAT, 0644 },
	{ RMDIR, "/own/hd", NULL, 0, 0 },
	{ UNLINK, "/own/hd/g", NULL, 0, 0 },
	{ RMDIR, "/own/hd", NULL, 0, 0 },
	{ RMDIR, "/own/he/", NULL, 0, 0 },		/* the host's, empty */
	{ RMDIR, "/own/he", NULL, 0, 0 },
	{ RMDIR, "/sticky/sd_root", NULL, 0, 0 },	/* root's, in a sticky directory */
	{ RMDIR, "/ro/rd", NULL, 0, 0 },		/* in a read-only directory */
	{ RMDIR, "/own/dlink", NULL, 0, 0 },		/* a symlink to a directory */
	{ RMDIR, "/own/dlink/", NULL, 0, 0 },
	{ MKDIR, "/own/dangling", NULL, 0, 0755 },	/* a dangling symlink */
	{ MKDIR, "/own/dangling/", NULL, 0, 0755 },
	{ UMASK, NULL, NULL, 0, 0277 },
	{ MKDIR, "/own/m", NULL, 0, 0777 },		/* mode 0500 */
	{ OPEN, "/own/m/f", NULL, O_RDWR | O_CREAT, 0644 },	/* not writable */
	{ RMDIR, "/own/m", NULL, 0, 0 },
	{ UMASK, NULL, NULL, 0, 022 },
	{ MKDIR, "/sticky/sd_user", NULL, 0, 0755 },
	{ RMDIR, "/sticky/sd_user", NULL, 0, 0 },	/* ours, in a sticky directory */
};
#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

static const char *err_name(int r)
{
	return r >= 0 ? "ok" : strerrorname_np(-r);
}

/* The host's tree, and mmlab's root: a copy, since the host's calls change the former. */
static char top[64], lab_top[64];
static const char *mk_base;

static void host_path(char *buf, size_t n, const char *p)
{
	snprintf(buf, n, "%s%s", top, p);
}

static int host_op(const struct op *o)
{
	char a[256], b[256];
	int fd, r = 0, st;
	pid_t pid;

	host_path(a, sizeof(a), o->a ? o->a : "");
	host_path(b, sizeof(b), o->b ? o->b : "");
	switch (o->kind) {
	case UNLINK:
		r = unlink(a);
		break;
	case RENAME:
		r = rename(a, b);
		break;
	case LINK:
	case LINK_FOLLOW:
		r = linkat(AT_FDCWD, a, AT_FDCWD, b, o->kind == LINK_FOLLOW ? AT_SYMLINK_FOLLOW : 0);
		break;
	case OPEN:
		fd = open(a, o->flags, o->mode);
		if (fd < 0)
			return -errno;
		close(fd);
		return 0;
	case UMASK:
		umask(o->mode);
		return 0;
	case EXCHANGE:
		r = renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
		break;
	case MKDIR:
		r = mkdir(a, o->mode);
		break;
	case RMDIR:
		r = rmdir(a);
		break;
	case FORK_OPEN:
		pid = fork();
		if (!pid) {
			fd = open(a, o->flags, o->mode);
			_exit(fd < 0 ? errno : 0);
		}
		waitpid(pid, &st, 0);
		return -WEXITSTATUS(st);
	}
	return r ? -errno : 0;
}

static int lab_op(struct mmlab_task *t, const struct op *o)
{
	struct mmlab_task *child;
	int fd;

	switch (o->kind) {
	case UNLINK:
		return mmlab_unlink(t, o->a);
	case RENAME:
		return mmlab_rename(t, o->a, o->b);
	case EXCHANGE:
		return mmlab_renameat2(t, o->a, o->b, RENAME_EXCHANGE);
	case LINK:
		return mmlab_link(t, o->a, o->b);
	case LINK_FOLLOW:
		return mmlab_linkat(t, o->a, o->b, AT_SYMLINK_FOLLOW);
	case OPEN:
		fd = mmlab_openat(t, o->a, o->flags, o->mode);
		if (fd >= 0)
			mmlab_close(t, fd);
		return fd < 0 ? fd : 0;
	case UMASK:
		mmlab_umask(t, o->mode);
		return 0;
	case MKDIR:
		return mmlab_mkdir(t, o->a, o->mode);
	case RMDIR:
		return mmlab_rmdir(t, o->a);
	case FORK_OPEN:
		if (mmlab_fork(t, &child))
			return -ENOMEM;
		fd = mmlab_openat(child, o->a, o->flags, o->mode);
		mmlab_exit(child);
		return fd < 0 ? fd : 0;
	}
	return -EINVAL;
}

static void mk(const char *p, mode_t mode, uid_t uid, int dir)
{
	char h[256];

	snprintf(h, sizeof(h), "%s%s", mk_base, p);
	if (dir) {
		mkdir(h, mode);
	} else {
		int fd = open(h, O_WRONLY | O_CREAT | O_TRUNC, mode);

		if (write(fd, "data\n", 5) != 5)
			perror(h);
		close(fd);
	}
	chmod(h, mode);
	if (chown(h, uid, uid))
		perror(h);
}

static void mk_symlink(const char *p, const char *target)
{
	char h[256];

	snprintf(h, sizeof(h), "%s%s", mk_base, p);
	if (symlink(target, h) || lchown(h, USER, USER))
		perror(h);
}

static void make_tree(const char *base)
{
	mk_base = base;
	mk("", 0755, 0, 1);
	mk("/ro", 0555, 0, 1);
	mk("/ro/f", 0666, 0, 0);
	mk("/rw", 0777, 0, 1);
	mk("/rw/g", 0644, 0, 0);
	mk("/rw/h", 0666, 0, 0);
	mk("/rw/w", 0666, 0, 0);
	mk("/sticky", 01777, 0, 1);
	mk("/sticky/s_root", 0666, 0, 0);
	mk("/sticky/s_user", 0666, USER, 0);
	mk("/own", 0755, USER, 1);
	mk("/own/o", 0644, 0, 0);
	mk("/own/u", 0644, USER, 0);
	mk("/own/dir", 0755, USER, 1);
	mk("/own/dir/in", 0644, USER, 0);
	mk("/own/full", 0755, USER, 1);
	mk("/own/full/x", 0644, USER, 0);
	mk("/own/empty", 0755, USER, 1);
	mk("/noexec", 0666, 0, 1);
	mk("/noexec/f", 0666, 0, 0);
	mk("/top", 0644, 0, 0);
	mk("/rootdir", 0755, 0, 1);
	mk("/own/hd", 0755, USER, 1);
	mk("/own/hd/f", 0644, USER, 0);
	mk("/own/he", 0755, USER, 1);
	mk("/sticky/sd_root", 0755, 0, 1);
	mk("/ro/rd", 0755, 0, 1);
	mk_symlink("/own/dlink", "he2");
	mk("/own/he2", 0755, USER, 1);
	mk_symlink("/own/dangling", "nowhere");
}

static void remove_tree(void)
{
	char cmd[192];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", top, lab_top);
	if (system(cmd))
		fprintf(stderr, "diffperm: could not remove %s\n", top);
}

/* The name maps shows for the mapping at MAP_AT, relative to the tree. */
static void maps_name(FILE *f, char *out, size_t n)
{
	char line[512], head[32];

	snprintf(head, sizeof(head), "%lx-", MAP_AT);
	*out = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *name;

		if (strncmp(line, head, strlen(head)))
			continue;
		for (int k = 0; k < 5; k++) {
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		line[strcspn(line, "\n")] = 0;
		name = strncmp(p, top, strlen(top)) ? p : p + strlen(top);
		snprintf(out, n, "%s", name);
	}
}

static void host_maps(char *out, size_t n)
{
	FILE *f = fopen("/proc/self/maps", "r");

	maps_name(f, out, n);
	fclose(f);
}

static void lab_maps(struct mmlab_task *t, char *out, size_t n)
{
	static char buf[1 << 16];
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	memset(buf, 0, sizeof(buf));
	mmlab_proc_maps(t, f);
	fclose(f);
	f = fmemopen(buf, strlen(buf) + 1, "r");
	maps_name(f, out, n);
	fclose(f);
}

static int failures, steps;

static void same(const char *what, const char *host, const char *lab)
{
	steps++;
	if (!strcmp(host, lab))
		return;
	printf("%s: host %s, mmlab %s\n", what, host, lab);
	failures++;
}

/* The second name's part, as root: names maps shows through links, unlink and rename. */
static void names(struct mmlab_task *t)
{
	char h[256], l[256], hp[256], hq[256];
	uint64_t a;
	void *p;
	int hfd, lfd;

	host_path(hp, sizeof(hp), "/top");
	host_path(hq, sizeof(hq), "/toplink");
	if (link(hp, hq) || mmlab_link(t, "/top", "/toplink")) {
		printf("names: link failed\n");
		failures++;
		return;
	}
	hfd = open(hq, O_RDONLY);
	lfd = mmlab_open(t, "/toplink", O_RDONLY);
	p = mmap((void *)MAP_AT, PG, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, hfd, 0);
	if (hfd < 0 || lfd < 0 || p == MAP_FAILED ||
	    mmlab_mmap(t, MAP_AT, PG, PROT_READ, MAP_SHARED | MAP_FIXED, lfd, 0, &a)) {
		printf("names: open or mmap failed\n");
		failures++;
		return;
	}
	host_maps(h, sizeof(h));
	lab_maps(t, l, sizeof(l));
	same("maps name through a second link", h, l);
	host_path(hp, sizeof(hp), "/top2");
	if (rename(hq, hp) || mmlab_rename(t, "/toplink", "/top2"))
		failures++;
	host_maps(h, sizeof(h));
	lab_maps(t, l, sizeof(l));
	same("maps name after the link's rename", h, l);
	if (unlink(hp) || mmlab_unlink(t, "/top2"))
		failures++;
	host_maps(h, sizeof(h));
	lab_maps(t, l, sizeof(l));
	same("maps name after the link's unlink (the first name lives)", h, l);
	munmap(p, PG);
	mmlab_munmap(t, MAP_AT, PG);
	close(hfd);
	mmlab_close(t, lfd);
}

int main(void)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20, .root = lab_top };
	struct mmlab_task_config tc = { .no_aslr = 1, .uid = USER, .gid = USER };
	struct mmlab_task_config rc = { .no_aslr = 1, .privileged = 1 };
	int *results = mmap(NULL, NR_OPS * sizeof(int), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct mmlab_machine *m;
	struct mmlab_task *t, *rt;
	char hn[32], ln[32];
	pid_t pid;
	int st;

	if (geteuid()) {
		printf("diffperm: needs root (setresuid to uid %d)\n", USER);
		return 77;
	}
	snprintf(top, sizeof(top), "/tmp/diffperm.%d", (int)getpid());
	snprintf(lab_top, sizeof(lab_top), "/tmp/diffperm-lab.%d", (int)getpid());
	make_tree(top);
	make_tree(lab_top);
	umask(022);
	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &tc, &t) ||
	    mmlab_task_create(m, &rc, &rt))
		return 1;
	pid = fork();
	if (!pid) {
		if (setresgid(USER, USER, USER) || setresuid(USER, USER, USER))
			_exit(2);
		for (size_t i = 0; i < NR_OPS; i++)
			results[i] = host_op(&ops[i]);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("diffperm: the host child failed\n");
		remove_tree();
		return 1;
	}
	for (size_t i = 0; i < NR_OPS; i++) {
		char what[160];
		int r = lab_op(t, &ops[i]);

		snprintf(what, sizeof(what), "step %zu (%d %s %s)", i, ops[i].kind, ops[i].a ?: "",
			 ops[i].b ?: "");
		snprintf(hn, sizeof(hn), "%s", err_name(results[i]));
		snprintf(ln, sizeof(ln), "%s", err_name(r));
		same(what, hn, ln);
		if (getenv("DIFFPERM_VERBOSE"))
			printf("%s: %s\n", what, hn);
	}
	names(rt);
	mmlab_exit(t);
	mmlab_exit(rt);
	mmlab_machine_destroy(m);
	remove_tree();
	if (!failures)
		printf("diffperm: %d steps match the host\n", steps);
	return failures != 0;
}
