// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of files that map specially: the same open + mmap calls natively on the
 * host kernel and through mmlab (mmlab_open, mmlab_mmap), for /dev/zero, other character
 * devices, procfs and sysfs files, a directory, a FIFO and a socket of a temporary directory,
 * and a block device when the machine has one. Each case first maps four anonymous pages, then
 * maps the file with MAP_FIXED over the middle two: a file without ->mmap (ENODEV) is refused
 * before the old pages go, a procfs entry's ->mmap fails with EIO after they went, and both
 * sides must leave the same maps lines. The results (errno names) of every open and mmap,
 * reads and writes of the /dev/zero mappings, mremap moves of them (an untouched private one
 * takes its new address as offset, as anonymous memory does) and the final maps lines of the
 * window (shmem inode numbers aside) must be identical. mmlab must not open any of these
 * files on the host: the test checks its own fd count.
 * Usage: diffspecial
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mmlab.h"

#define WIN 0x300000000000UL
#define SLOT 0x10000UL		/* Each case in its own 16 pages */
#define PG 4096UL

static char dir[] = "/tmp/mmlab-diffspecial.XXXXXX";
static char fifo[64], sock[64];

struct mcase {
	const char *path;
	int oflags, prot, mflags;
	unsigned long off;
};

static const struct { int oflags, prot, mflags; unsigned long off; } modes[] = {
	{ O_RDONLY, PROT_READ, MAP_PRIVATE, 0 },
	{ O_RDWR, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0 },
	{ O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED, 0 },
	{ O_RDONLY, PROT_READ, MAP_SHARED, 0 },
	{ O_RDONLY, PROT_READ | PROT_WRITE, MAP_SHARED, 0 },	/* EACCES */
	{ O_WRONLY, PROT_READ, MAP_PRIVATE, 0 },		/* EACCES */
	{ O_RDWR, PROT_READ | PROT_WRITE, MAP_PRIVATE, 3 * PG },
	{ O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED, 5 * PG },
	{ O_RDONLY, PROT_READ | PROT_EXEC, MAP_PRIVATE, 0 },
};

static const char *err_name(long r)
{
	return r >= 0 ? "ok" : strerrorname_np((int)-r);
}

/* The maps lines inside the window, addresses made relative, shmem inodes blanked. */
static void window_lines(FILE *in, char *out, size_t n)
{
	char line[512];
	size_t used = 0;

	out[0] = 0;
	while (fgets(line, sizeof(line), in) && used < n) {
		unsigned long s, e, off;
		char rest[400], perms[8], devs[16], name[300] = "";
		unsigned long ino;

		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %299[^\n]", &s, &e, perms, &off, devs,
			   &ino, name) < 6 || s < WIN || s >= WIN + 256 * SLOT)
			continue;
		if (strstr(name, "(deleted)"))
			ino = 0;
		snprintf(rest, sizeof(rest), "%s %lx %s %lu %s", perms, off, devs, ino, name);
		used += (size_t)snprintf(out + used, n - used, "W+%lx-W+%lx %s\n", s - WIN, e - WIN,
					 rest);
	}
}

/* The lines of one side that the other lacks. */
static void print_diff(const char *host, const char *lab)
{
	const char *sides[2][2] = { { host, lab }, { lab, host } };

	printf("maps differ:\n");
	for (int k = 0; k < 2; k++) {
		for (const char *p = sides[k][0]; *p;) {
			const char *e = strchr(p, '\n');
			int n = (int)(e - p);
			char line[512];

			snprintf(line, sizeof(line), "%.*s\n", n, p);
			if (!strstr(sides[k][1], line))
				printf("  only %s: %s", k ? "mmlab" : "host ", line);
			p = e + 1;
		}
	}
}

static int nr_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static int failures;

static void same(const char *what, const char *host, const char *lab)
{
	if (!strcmp(host, lab))
		return;
	printf("%s: host %s, mmlab %s\n", what, host, lab);
	failures++;
}

/* One open + mmap case in slot @slot; returns whether it mapped. */
static int run_case(struct mmlab_task *t, int slot, const struct mcase *c)
{
	unsigned long at = WIN + (unsigned long)slot * SLOT, m = at + PG;
	char what[256], h[64], l[64];
	long hr, lr;
	uint64_t out;
	int hfd, lfd;
	void *p;

	snprintf(what, sizeof(what), "%s open %#x mmap prot %d flags %#x off %#lx", c->path,
		 c->oflags, c->prot, c->mflags, c->off);
	mmap((void *)at, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (mmlab_mmap(t, at, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0,
		       &out))
		failures++;
	hfd = open(c->path, c->oflags | O_NONBLOCK | O_CLOEXEC);
	snprintf(h, sizeof(h), "%s", err_name(hfd < 0 ? -errno : 0));
	lfd = mmlab_open(t, c->path, c->oflags | O_NONBLOCK);
	snprintf(l, sizeof(l), "%s", err_name(lfd));
	same(what, h, l);
	if (hfd < 0 || lfd < 0) {
		if (hfd >= 0)
			close(hfd);
		if (lfd >= 0)
			mmlab_close(t, lfd);
		return 0;
	}
	p = mmap((void *)m, 2 * PG, c->prot, c->mflags | MAP_FIXED, hfd, (off_t)c->off);
	hr = p == MAP_FAILED ? -errno : 0;
	lr = mmlab_mmap(t, m, 2 * PG, c->prot, c->mflags | MAP_FIXED, lfd, c->off, &out);
	same(what, err_name(hr), err_name(lr));
	close(hfd);
	mmlab_close(t, lfd);
	return !hr && !lr;
}

static sigjmp_buf touch_env;

static void touch_signal(int sig)
{
	siglongjmp(touch_env, sig);
}

/* A load or store of one byte natively: "0", or the signal's name. */
static const char *host_touch(unsigned long addr, int write)
{
	struct sigaction sa = { .sa_handler = touch_signal }, old_segv, old_bus;
	int sig;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(touch_env, 1);
	if (!sig) {
		if (write)
			*(volatile char *)addr = *(volatile char *)addr;
		else
			(void)*(volatile char *)addr;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return !sig ? "0" : sig == SIGBUS ? "SIGBUS" : "SIGSEGV";
}

static const char *lab_touch(struct mmlab_task *t, unsigned long addr, int write)
{
	struct mmlab_fault fault;

	if (!mmlab_touch(t, addr, 1, write ? "w" : "r", &fault))
		return "0";
	return fault.signo == SIGBUS ? "SIGBUS" : "SIGSEGV";
}

/* Reads and writes of each page of a /dev/zero mapping at @m, natively and in mmlab. */
static void touch_zero(struct mmlab_task *t, unsigned long m, int prot, const char *what)
{
	for (unsigned long a = m; a < m + 2 * PG; a += PG) {
		same(what, host_touch(a, 0), lab_touch(t, a, 0));
		if (prot & PROT_WRITE)
			same(what, host_touch(a, 1), lab_touch(t, a, 1));
	}
}

int main(void)
{
	static const char *const fixed[] = {
		"/dev/zero", "/dev/null", "/dev/full", "/dev/random", "/dev/urandom",
		"/proc/self/mem", "/proc/self/maps", "/proc/self/pagemap", "/proc/cpuinfo",
		"/proc/meminfo", "/proc/self/net/dev", "/proc/sys/vm/overcommit_memory",
		"/sys/kernel/mm/transparent_hugepage/enabled", "/tmp", "/dev/loop0",
	};
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	static char host_maps[1 << 16], lab_maps[1 << 16];
	const char *paths[32];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct mmlab_machine *m;
	struct mmlab_task_config cfg = { .no_aslr = 1, .privileged = 1 };
	struct mmlab_task *t;
	int np = 0, slot = 0, fds_before, s;
	uint64_t out;
	FILE *f;

	if (!mkdtemp(dir))
		return 2;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (mkfifo(fifo, 0600))
		return 2;
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		return 2;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!access(fixed[i], F_OK))
			paths[np++] = fixed[i];
	paths[np++] = fifo;
	paths[np++] = sock;
	paths[np++] = dir;
	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &cfg, &t))
		return 2;
	munmap((void *)WIN, 256 * SLOT);
	fds_before = nr_fds();
	for (int i = 0; i < np; i++) {
		for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
			struct mcase c = { paths[i], modes[k].oflags, modes[k].prot, modes[k].mflags,
					   modes[k].off };
			unsigned long at = WIN + (unsigned long)slot * SLOT + PG;

			if (run_case(t, slot++, &c) && !strcmp(c.path, "/dev/zero"))
				touch_zero(t, at, c.prot, c.path);
		}
	}
	if (nr_fds() != fds_before) {
		printf("mmlab left %d host fds open\n", nr_fds() - fds_before);
		failures++;
	}
	/*
	 * /dev/zero private mappings: two of one open file, adjacent with contiguous offsets,
	 * merge; an untouched one moved by mremap takes its new address as offset (it is
	 * anonymous memory), a touched one keeps its offset.
	 */
	{
		unsigned long a = WIN + (unsigned long)slot++ * SLOT, b = WIN + (unsigned long)slot++ * SLOT;
		unsigned long c2 = WIN + (unsigned long)slot++ * SLOT;
		int hfd = open("/dev/zero", O_RDWR | O_CLOEXEC), lfd = mmlab_open(t, "/dev/zero", O_RDWR);
		const int fl = MAP_PRIVATE | MAP_FIXED, pr = PROT_READ | PROT_WRITE;

		mmap((void *)a, 2 * PG, pr, fl, hfd, 0);
		mmap((void *)(a + 2 * PG), 2 * PG, pr, fl, hfd, 2 * PG);
		mmap((void *)b, 2 * PG, pr, fl, hfd, 0);
		mremap((void *)b, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(b + 8 * PG));
		*(volatile char *)(a + 2 * PG) = 1;
		mremap((void *)(a + 2 * PG), 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
		       (void *)c2);
		(void)!mmlab_mmap(t, a, 2 * PG, pr, fl, lfd, 0, &out);
		(void)!mmlab_mmap(t, a + 2 * PG, 2 * PG, pr, fl, lfd, 2 * PG, &out);
		(void)!mmlab_mmap(t, b, 2 * PG, pr, fl, lfd, 0, &out);
		(void)!mmlab_mremap(t, b, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 8 * PG,
				    &out);
		(void)!mmlab_touch(t, a + 2 * PG, 1, "w", NULL);
		(void)!mmlab_mremap(t, a + 2 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
				    c2, &out);
		close(hfd);
		mmlab_close(t, lfd);
		/*
		 * Hand-derived (this host lacks CONFIG_ANON_VMA_NAME): only anonymous memory is
		 * named, and a private /dev/zero mapping is not (mm/madvise.c: vm_file set, not
		 * anonymous shmem): EBADF.
		 */
		if (mmlab_prctl_set_vma_anon_name(t, a, PG, "x") != -EBADF) {
			printf("naming a /dev/zero mapping: not EBADF\n");
			failures++;
		}
	}
	f = fopen("/proc/self/maps", "r");
	window_lines(f, host_maps, sizeof(host_maps));
	fclose(f);
	f = tmpfile();
	mmlab_proc_maps(t, f);
	rewind(f);
	window_lines(f, lab_maps, sizeof(lab_maps));
	fclose(f);
	if (strcmp(host_maps, lab_maps)) {
		print_diff(host_maps, lab_maps);
		failures++;
	}
	if (mmlab_task_validate(t))
		failures++;
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
	munmap((void *)WIN, 256 * SLOT);
	close(s);
	unlink(sock);
	unlink(fifo);
	rmdir(dir);
	printf("diffspecial: %d cases, %d differences\n", slot, failures);
	return failures ? 1 : 0;
}
