// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of SysV shared memory: the same shmget/shmat/shmdt/shmctl sequences
 * natively on the host kernel and through mmlab, compared step by step (errno names, IPC_STAT
 * fields, nattch, the maps lines of the attaches in a fixed window with addresses made relative
 * and the inode shown as "id" when it is the segment's id, RssShmem deltas, bytes seen through
 * two attaches). Cases: lifetimes (IPC_RMID while attached, attach after it, the last detach
 * destroying it; nattch across fork, child exit, mprotect splits, munmap fragments, mremap),
 * keys and errors (IPC_CREAT, IPC_EXCL, ENOENT, a larger size, bad ids and addresses, SHM_RND,
 * SHM_REMAP, overlaps, shmdt's search for fragments), limits (size 0, above shmmax, beyond
 * memory, SHM_NORESERVE, shmmni), permissions of an unprivileged child (EACCES, EPERM, the
 * read-only attach, SHM_LOCK's owner and RLIMIT_MEMLOCK rules), IPC_SET and SHM_LOCK bits.
 * memfd: memfd_create's flags and name limits, the seals each starts with, F_ADD_SEALS and
 * F_GET_SEALS with their errors, the write seals' effect on shared and private mmaps and on
 * mprotect, F_SEAL_EXEC's implied write seals, fcntl's fd and status flags and F_DUPFD
 * (RLIMIT_NOFILE set to mmlab's 1024 on the host), F_SEAL_WRITE's EBUSY while a shared
 * writable mapping exists, and the memfds' maps lines. IPC_INFO's fields and SHM_INFO's
 * counts for two new segments (as differences on the host, whose namespace may be shared);
 * SHM_LOCK's charge per uid adding up against RLIMIT_MEMLOCK; with no huge page reserved on
 * the host, SHM_HUGETLB and a MFD_HUGETLB memfd's ftruncate, mmap, write and read, and its
 * MAP_NORESERVE mappings and SHM_HUGETLB | SHM_NORESERVE segments (made; SIGBUS on a touch;
 * cut only at huge page boundaries).
 * Host segments are removed whatever happens. Ids themselves differ (the host's index
 * continues from earlier runs where the host's namespace is used), so they are compared by
 * role, never by value. The host side runs in a SysV namespace of its own where it can.
 * Usage: diffshm
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

#define WIN 0x310000000000UL
#define PG 4096UL
#define MAX_SEGS 8192

static int failures, steps;
static int host_ids[MAX_SEGS], nr_host_ids;

static const char *err_name(long r)
{
	return r >= 0 ? "ok" : strerrorname_np((int)-r);
}

static void same(const char *what, const char *host, const char *lab)
{
	steps++;
	if (!strcmp(host, lab))
		return;
	printf("%s: host %s, mmlab %s\n", what, host, lab);
	failures++;
}

static void same_long(const char *what, long host, long lab)
{
	char h[32], l[32];

	snprintf(h, sizeof(h), "%ld", host);
	snprintf(l, sizeof(l), "%ld", lab);
	same(what, h, l);
}

static void same_err(const char *what, long host, long lab)
{
	same(what, err_name(host), err_name(lab));
}

/* Host calls as -errno. */
static long hget(key_t key, size_t size, int flags)
{
	int id = shmget(key, size, flags);

	if (id < 0)
		return -errno;
	if (nr_host_ids < MAX_SEGS)
		host_ids[nr_host_ids++] = id;
	return id;
}

static long hat(int id, unsigned long addr, int flags)
{
	void *p = shmat(id, (void *)addr, flags);

	return p == (void *)-1 ? -errno : (long)p;
}

static long hdt(unsigned long addr)
{
	return shmdt((void *)addr) ? -errno : 0;
}

static long hctl(int id, int cmd, struct shmid_ds *ds)
{
	int r = shmctl(id, cmd, ds);

	return r < 0 ? -errno : r;
}

static long lat(struct mmlab_task *t, int id, unsigned long addr, int flags)
{
	uint64_t out;
	int err = mmlab_shmat(t, id, addr, flags, &out);

	return err ? err : (long)out;
}

/* IPC_STAT's fields that do not depend on ids, pids or the clock, as text. */
static void stat_text(char *buf, size_t n, long r, uint32_t key, uint32_t mode, uint64_t segsz,
		      uint64_t nattch, int self_cpid, int lpid_role, int atime, int dtime)
{
	if (r < 0) {
		snprintf(buf, n, "%s", err_name(r));
		return;
	}
	snprintf(buf, n, "key %#x mode %#o segsz %lu nattch %lu cpid-self %d lpid %d atime %d "
		 "dtime %d", key, mode, (unsigned long)segsz, (unsigned long)nattch, self_cpid,
		 lpid_role, atime, dtime);
}

/* IPC_STAT on both sides; lpid is compared by role: 0 none, 1 @pid_a's, 2 @pid_b's, 3 other. */
static void same_stat(const char *what, struct mmlab_task *t, int hid, int lid, int hpid_a,
		      int hpid_b, int lpid_a, int lpid_b)
{
	struct shmid_ds hs = { 0 };
	struct mmlab_shmid_ds ls = { 0 };
	long hr = hctl(hid, IPC_STAT, &hs), lr = mmlab_shmctl(t, lid, IPC_STAT, &ls);
	char h[256], l[256];
	int hrole = !hs.shm_lpid ? 0 : hs.shm_lpid == hpid_a ? 1 : hs.shm_lpid == hpid_b ? 2 : 3;
	int lrole = !ls.lpid ? 0 : ls.lpid == lpid_a ? 1 : ls.lpid == lpid_b ? 2 : 3;

	stat_text(h, sizeof(h), hr, (uint32_t)hs.shm_perm.__key, hs.shm_perm.mode, hs.shm_segsz,
		  hs.shm_nattch, hs.shm_cpid == getpid(), hrole, !!hs.shm_atime, !!hs.shm_dtime);
	stat_text(l, sizeof(l), lr, (uint32_t)ls.key, ls.mode, ls.segsz, ls.nattch,
		  ls.cpid == mmlab_task_tgid(t), lrole, !!ls.atime, !!ls.dtime);
	same(what, h, l);
}

/*
 * The maps lines inside the window, addresses relative, and the inode "id0", "id1"... when it
 * is the id of a segment of @ids.
 */
static void window_lines(FILE *in, char *out, size_t n, const int *ids, int nr)
{
	char line[512];
	size_t used = 0;

	out[0] = 0;
	while (fgets(line, sizeof(line), in) && used < n) {
		unsigned long s, e, off, ino;
		char perms[8], devs[16], name[300] = "", inos[16];

		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %299[^\n]", &s, &e, perms, &off, devs,
			   &ino, name) < 6 || s < WIN || s >= WIN + 0x1000000)
			continue;
		snprintf(inos, sizeof(inos), "%lu", ino);
		for (int k = 0; k < nr; k++)
			if ((unsigned long)ids[k] == ino)
				snprintf(inos, sizeof(inos), "id%d", k);
		used += (size_t)snprintf(out + used, n - used, "W+%lx-W+%lx %s %lx %s %s %s\n",
					 s - WIN, e - WIN, perms, off, devs, inos, name);
	}
}

static void same_maps(const char *what, struct mmlab_task *t, const int *hids, const int *lids,
		      int nr)
{
	static char hm[1 << 14], lm[1 << 14];
	FILE *f = fopen("/proc/self/maps", "r");

	window_lines(f, hm, sizeof(hm), hids, nr);
	fclose(f);
	f = tmpfile();
	mmlab_proc_maps(t, f);
	rewind(f);
	window_lines(f, lm, sizeof(lm), lids, nr);
	fclose(f);
	steps++;
	if (strcmp(hm, lm)) {
		printf("%s: maps differ\n--- host\n%s--- mmlab\n%s", what, hm, lm);
		failures++;
	}
}

static long host_rss_shmem_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "RssShmem: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static long lab_rss_shmem_kb(struct mmlab_task *t)
{
	struct mmlab_task_mem st;

	mmlab_task_mem(t, &st);
	return (long)st.rss_shmem * 4;
}

static sigjmp_buf touch_env;

static void touch_signal(int sig)
{
	siglongjmp(touch_env, sig);
}

static const char *host_write(unsigned long addr, char v)
{
	struct sigaction sa = { .sa_handler = touch_signal }, old, old_bus;
	int sig;

	sigaction(SIGSEGV, &sa, &old);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(touch_env, 1);
	if (!sig)
		*(volatile char *)addr = v;
	sigaction(SIGSEGV, &old, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return !sig ? "0" : sig == SIGBUS ? "SIGBUS" : "SIGSEGV";
}

static const char *lab_write(struct mmlab_task *t, unsigned long addr, char v)
{
	struct mmlab_fault fault;

	if (!mmlab_poke(t, addr, &v, 1, &fault))
		return "0";
	return fault.signo == SIGBUS ? "SIGBUS" : "SIGSEGV";
}

/* Lifetimes: two attaches, data through both, RMID while attached, fork, splits, shmdt. */
static void case_lifetime(struct mmlab_task *t)
{
	int hid = (int)hget(IPC_PRIVATE, 3 * PG + 100, 0600);
	int lid = mmlab_shmget(t, 0, 3 * PG + 100, 0600);
	int ids[2][1] = { { hid }, { lid } };
	long h, l, hrss, lrss;
	char hv = 0, lv = 0;
	int pipefd[2];
	pid_t child;
	struct mmlab_task *c;

	same_err("shmget private", hid, lid);
	same_stat("fresh", t, hid, lid, 0, 0, 0, 0);
	same_long("attach 1", hat(hid, WIN, 0) - (long)WIN, lat(t, lid, WIN, 0) - (long)WIN);
	same_long("attach 2 SHM_RND", hat(hid, WIN + 8 * PG + 77, SHM_RND) - (long)WIN,
		  lat(t, lid, WIN + 8 * PG + 77, SHM_RND) - (long)WIN);
	same_stat("two attaches", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	hrss = host_rss_shmem_kb();
	lrss = lab_rss_shmem_kb(t);
	*(volatile char *)(WIN + PG) = 42;
	(void)!mmlab_poke(t, WIN + PG, &(char){ 42 }, 1, NULL);
	*(volatile char *)(WIN + 2 * PG) = 1;
	(void)!mmlab_poke(t, WIN + 2 * PG, &(char){ 1 }, 1, NULL);
	hv = *(volatile char *)(WIN + 9 * PG);
	(void)!mmlab_peek(t, WIN + 9 * PG, &lv, 1, NULL);
	same_long("byte through the other attach", hv, lv);
	same_long("RssShmem delta kB", host_rss_shmem_kb() - hrss, lab_rss_shmem_kb(t) - lrss);
	same("write past the segment's last page", host_write(WIN + 3 * PG + 200, 1),
	     lab_write(t, WIN + 3 * PG + 200, 1));
	same_maps("two attaches", t, ids[0], ids[1], 1);

	/* fork: the child's copies count; its exit uncounts them and is the last pid */
	if (pipe(pipefd))
		exit(2);
	child = fork();
	if (!child) {
		char b;

		close(pipefd[1]);
		(void)!read(pipefd[0], &b, 1);
		_exit(0);
	}
	close(pipefd[0]);
	if (mmlab_fork(t, &c))
		exit(2);
	same_stat("after fork", t, hid, lid, getpid(), child, mmlab_task_tgid(t),
		  mmlab_task_tgid(c));
	close(pipefd[1]);
	waitpid(child, NULL, 0);
	h = mmlab_task_tgid(c);
	mmlab_exit(c);
	same_stat("after child exit", t, hid, lid, getpid(), child, mmlab_task_tgid(t), (int)h);

	/* splits count as attaches; shmdt takes every fragment of the attach */
	same_err("mprotect split", mprotect((void *)(WIN + PG), PG, PROT_READ) ? -errno : 0,
		 mmlab_mprotect(t, WIN + PG, PG, PROT_READ));
	same_stat("after split", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_maps("split", t, ids[0], ids[1], 1);

	/* IPC_RMID while attached: no key, SHM_DEST, still attachable by id */
	same_err("rmid", hctl(hid, IPC_RMID, NULL), mmlab_shmctl(t, lid, IPC_RMID, NULL));
	same_stat("after rmid", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_long("attach after rmid", hat(hid, WIN + 16 * PG, SHM_RDONLY) - (long)WIN,
		  lat(t, lid, WIN + 16 * PG, SHM_RDONLY) - (long)WIN);
	same("write to SHM_RDONLY", host_write(WIN + 16 * PG, 1), lab_write(t, WIN + 16 * PG, 1));
	same_err("mprotect write on SHM_RDONLY",
		 mprotect((void *)(WIN + 16 * PG), PG, PROT_READ | PROT_WRITE) ? -errno : 0,
		 mmlab_mprotect(t, WIN + 16 * PG, PG, PROT_READ | PROT_WRITE));
	/* mremap moves an attach; it stays one */
	h = (long)mremap((void *)(WIN + 16 * PG), 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			 (void *)(WIN + 32 * PG));
	{
		uint64_t out;

		l = mmlab_mremap(t, WIN + 16 * PG, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
				 WIN + 32 * PG, &out);
	}
	same_err("mremap attach", h == -1 ? -errno : 0, l);
	same_stat("after mremap", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_maps("after rmid and mremap", t, ids[0], ids[1], 1);
	same_err("shmdt unaligned", hdt(WIN + 1), mmlab_shmdt(t, WIN + 1));
	same_err("shmdt nothing there", hdt(WIN + 64 * PG), mmlab_shmdt(t, WIN + 64 * PG));
	same_err("shmdt 1", hdt(WIN), mmlab_shmdt(t, WIN));
	same_stat("after shmdt 1", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_err("shmdt 1 again", hdt(WIN), mmlab_shmdt(t, WIN));
	/* a fragment whose offset matches its distance from the address is found */
	munmap((void *)(WIN + 8 * PG), PG);
	same_err("munmap head", 0, mmlab_munmap(t, WIN + 8 * PG, PG));
	same_stat("after munmap head", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_err("shmdt of the fragment", hdt(WIN + 8 * PG), mmlab_shmdt(t, WIN + 8 * PG));
	same_err("shmdt moved", hdt(WIN + 32 * PG), mmlab_shmdt(t, WIN + 32 * PG));
	same_stat("after the last detach", t, hid, lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_maps("all detached", t, ids[0], ids[1], 1);
}

/*
 * shmat(id, NULL): where mmap would put it, top-down: exactly where an mmap(NULL) of the
 * segment's size went just before it was unmapped again, on either side (addresses themselves
 * differ between the host and mmlab, and a first fit depends on the size).
 */
static void case_placement(struct mmlab_task *t)
{
	int hid = (int)hget(IPC_PRIVATE, 3 * PG + 1, 0600);
	int lid = mmlab_shmget(t, 0, 3 * PG + 1, 0600);
	void *hp = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t lp;
	long ha, la;

	(void)!mmlab_mmap(t, 0, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &lp);
	munmap(hp, 4 * PG);
	(void)!mmlab_munmap(t, lp, 4 * PG);
	ha = hat(hid, 0, 0);
	la = lat(t, lid, 0, 0);
	same_long("shmat(NULL) where mmap(NULL) went", ha == (long)hp, la == (long)lp);
	hdt((unsigned long)ha);
	(void)!mmlab_shmdt(t, (uint64_t)la);
	hctl(hid, IPC_RMID, NULL);
	mmlab_shmctl(t, lid, IPC_RMID, NULL);
}

/* Keys and errors of shmget, shmat, shmctl. */
static void case_errors(struct mmlab_task *t)
{
	key_t key = 0x5e3a0000 | (getpid() & 0xffff);
	long hid, lid, h, l;
	struct shmid_ds hs;
	struct mmlab_shmid_ds ls;

	same_err("no key yet", hget(key, PG, 0600), mmlab_shmget(t, key, PG, 0600));
	hid = hget(key, 2 * PG, IPC_CREAT | 0640);
	lid = mmlab_shmget(t, key, 2 * PG, IPC_CREAT | 0640);
	same_err("create key", hid, lid);
	same_long("same key, same id", hget(key, PG, 0) == hid, mmlab_shmget(t, key, PG, 0) == lid);
	same_err("IPC_EXCL", hget(key, PG, IPC_CREAT | IPC_EXCL | 0600),
		 mmlab_shmget(t, key, PG, IPC_CREAT | IPC_EXCL | 0600));
	same_err("larger than the segment", hget(key, 3 * PG, 0), mmlab_shmget(t, key, 3 * PG, 0));
	same_err("size 0", hget(IPC_PRIVATE, 0, 0600), mmlab_shmget(t, 0, 0, 0600));
	same_err("above shmmax", hget(IPC_PRIVATE, ~0UL - (1UL << 24) + 1, 0600),
		 mmlab_shmget(t, 0, ~0UL - (1UL << 24) + 1, 0600));
	same_err("beyond memory", hget(IPC_PRIVATE, 1UL << 46, 0600),
		 mmlab_shmget(t, 0, 1UL << 46, 0600));
	same_err("SHM_HUGETLB without reserved huge pages", hget(IPC_PRIVATE, 2UL << 20,
		 SHM_HUGETLB | 0600), mmlab_shmget(t, 0, 2UL << 20, SHM_HUGETLB | 0600));
	same_err("SHM_HUGETLB of a size the machine lacks",
		 hget(IPC_PRIVATE, 2UL << 20, SHM_HUGETLB | (25 << 26) | 0600),
		 mmlab_shmget(t, 0, 2UL << 20, SHM_HUGETLB | (25 << 26) | 0600));
	h = hget(IPC_PRIVATE, 1UL << 46, SHM_NORESERVE | 0600);
	l = mmlab_shmget(t, 0, 1UL << 46, SHM_NORESERVE | 0600);
	same_err("beyond memory, SHM_NORESERVE", h, l);
	if (h >= 0)
		hctl((int)h, IPC_RMID, NULL);
	if (l >= 0)
		mmlab_shmctl(t, (int)l, IPC_RMID, NULL);
	same_err("shmat bad id", hat(0x7ffffff, 0, 0), lat(t, 0x7ffffff, 0, 0));
	same_err("shmat negative id", hat(-1, 0, 0), lat(t, -1, 0, 0));
	same_err("shmat unaligned", hat((int)hid, WIN + 5, 0), lat(t, (int)lid, WIN + 5, 0));
	same_err("shmat SHM_REMAP without address", hat((int)hid, 0, SHM_REMAP),
		 lat(t, (int)lid, 0, SHM_REMAP));
	mmap((void *)(WIN + PG), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	{
		uint64_t out;

		(void)!mmlab_mmap(t, WIN + PG, PG, PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out);
	}
	same_err("shmat over a mapping", hat((int)hid, WIN, 0), lat(t, (int)lid, WIN, 0));
	same_long("shmat SHM_REMAP over it", hat((int)hid, WIN, SHM_REMAP) - (long)WIN,
		  lat(t, (int)lid, WIN, SHM_REMAP) - (long)WIN);
	{
		int ids[2][1] = { { (int)hid }, { (int)lid } };

		same_maps("remapped", t, ids[0], ids[1], 1);
	}
	same_err("shmctl bad cmd", hctl((int)hid, 99, &hs), mmlab_shmctl(t, (int)lid, 99, &ls));
	same_err("shmctl IPC_64|IPC_STAT", hctl((int)hid, 0x100 | IPC_STAT, &hs),
		 mmlab_shmctl(t, (int)lid, 0x100 | IPC_STAT, &ls));
	same_err("shmctl negative id", hctl(-5, IPC_STAT, &hs), mmlab_shmctl(t, -5, IPC_STAT, &ls));
	/* IPC_SET changes the permission bits only */
	hs.shm_perm.mode = 07604;
	ls = (struct mmlab_shmid_ds){ .uid = 0, .gid = 0, .mode = 07604 };
	hctl((int)hid, IPC_STAT, &hs);
	hs.shm_perm.mode = 07604;
	same_err("IPC_SET", hctl((int)hid, IPC_SET, &hs), mmlab_shmctl(t, (int)lid, IPC_SET, &ls));
	same_stat("after IPC_SET", t, (int)hid, (int)lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_err("SHM_LOCK", hctl((int)hid, SHM_LOCK, NULL),
		 mmlab_shmctl(t, (int)lid, SHM_LOCK, NULL));
	same_stat("locked", t, (int)hid, (int)lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_err("SHM_UNLOCK", hctl((int)hid, SHM_UNLOCK, NULL),
		 mmlab_shmctl(t, (int)lid, SHM_UNLOCK, NULL));
	same_stat("unlocked", t, (int)hid, (int)lid, getpid(), 0, mmlab_task_tgid(t), 0);
	same_err("shmdt", hdt(WIN), mmlab_shmdt(t, WIN));
	munmap((void *)(WIN + PG), PG);
	(void)!mmlab_munmap(t, WIN + PG, PG);
	same_err("rmid unattached", hctl((int)hid, IPC_RMID, NULL),
		 mmlab_shmctl(t, (int)lid, IPC_RMID, NULL));
	same_err("stat removed", hctl((int)hid, IPC_STAT, &hs),
		 mmlab_shmctl(t, (int)lid, IPC_STAT, &ls));
	same_err("key gone", hget(key, PG, 0600), mmlab_shmget(t, key, PG, 0600));
}

/*
 * An unprivileged child (uid and gid 65534) against a root segment of mode 0640 and one of
 * its own: what it may attach, read, change, remove and lock.
 */
static void unpriv_calls(long *r, int n, int (*get)(void *, int32_t, size_t, int),
			 long (*at)(void *, int, unsigned long, int),
			 long (*ctl)(void *, int, int), void *ctx, int root_id)
{
	int own, own2, own3;

	r[0] = at(ctx, root_id, 0, 0);
	r[1] = at(ctx, root_id, 0, SHM_RDONLY);
	r[2] = ctl(ctx, root_id, IPC_STAT);
	r[3] = ctl(ctx, root_id, IPC_RMID);
	r[4] = ctl(ctx, root_id, SHM_LOCK);
	own = get(ctx, 0, 16UL << 20, 0600);
	r[5] = own < 0 ? own : 0;
	r[6] = ctl(ctx, own, SHM_LOCK);		/* 16 MiB over the 8 MiB RLIMIT_MEMLOCK */
	r[7] = ctl(ctx, own, IPC_RMID);
	own = get(ctx, 0, 4UL << 20, 0600);
	r[8] = ctl(ctx, own, SHM_LOCK);
	r[9] = ctl(ctx, own, SHM_UNLOCK);
	r[10] = ctl(ctx, own, IPC_RMID);
	/* user_shm_lock: the uid's locked segments add up against RLIMIT_MEMLOCK, until they
	 * are unlocked or destroyed */
	own = get(ctx, 0, 4UL << 20, 0600);
	r[11] = ctl(ctx, own, SHM_LOCK);
	own2 = get(ctx, 0, 4UL << 20, 0600);
	r[12] = ctl(ctx, own2, SHM_LOCK);	/* 8 MiB: the limit, not over it */
	own3 = get(ctx, 0, PG, 0600);
	r[13] = ctl(ctx, own3, SHM_LOCK);	/* one page over */
	r[14] = ctl(ctx, own, IPC_RMID);	/* destroyed (not attached): its charge goes */
	r[15] = ctl(ctx, own3, SHM_LOCK);
	r[16] = ctl(ctx, own2, IPC_RMID);
	r[17] = ctl(ctx, own3, IPC_RMID);
	(void)n;
}

static int h_get(void *ctx, int32_t key, size_t size, int flags)
{
	int id = shmget(key, size, flags);

	return id < 0 ? -errno : id;
}

static long h_at(void *ctx, int id, unsigned long addr, int flags)
{
	long r = hat(id, addr, flags);

	return r < 0 ? r : 0;
}

static long h_ctl(void *ctx, int id, int cmd)
{
	struct shmid_ds ds;

	return hctl(id, cmd, &ds);
}

static int l_get(void *ctx, int32_t key, size_t size, int flags)
{
	return mmlab_shmget(ctx, key, size, flags);
}

static long l_at(void *ctx, int id, unsigned long addr, int flags)
{
	long r = lat(ctx, id, addr, flags);

	return r < 0 ? r : 0;
}

static long l_ctl(void *ctx, int id, int cmd)
{
	struct mmlab_shmid_ds ds;

	return mmlab_shmctl(ctx, id, cmd, &ds);
}

static void case_permissions(struct mmlab_task *t)
{
	static const char *const what[] = {
		"attach rw 0640", "attach ro 0640", "stat 0640", "rmid not owner", "lock not owner",
		"own 16M", "lock 16M", "rmid own", "lock own 4M", "unlock own", "rmid own 4M",
		"lock a first 4M", "lock a second 4M", "lock a page over", "rmid the first",
		"lock the page again", "rmid the second", "rmid the page",
	};
	struct rlimit rl = { 8UL << 20, 8UL << 20 };
	struct mmlab_rlimit lrl = { 8UL << 20, 8UL << 20 };
	long hr[18], lr[18];
	int hid = (int)hget(IPC_PRIVATE, PG, 0640), lid = mmlab_shmget(t, 0, PG, 0640);
	int pipefd[2];
	struct mmlab_task *c;
	pid_t child;

	if (pipe(pipefd))
		exit(2);
	child = fork();
	if (!child) {
		if (setrlimit(RLIMIT_MEMLOCK, &rl) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		unpriv_calls(hr, 18, h_get, h_at, h_ctl, NULL, hid);
		(void)!write(pipefd[1], hr, sizeof(hr));
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], hr, sizeof(hr)) != sizeof(hr))
		memset(hr, 0, sizeof(hr));
	close(pipefd[0]);
	waitpid(child, NULL, 0);
	if (mmlab_fork(t, &c) || mmlab_setrlimit(c, RLIMIT_MEMLOCK, &lrl) ||
	    mmlab_setresgid(c, 65534, 65534, 65534) || mmlab_setresuid(c, 65534, 65534, 65534))
		exit(2);
	unpriv_calls(lr, 18, l_get, l_at, l_ctl, c, lid);
	mmlab_exit(c);
	for (int k = 0; k < 18; k++)
		same_err(what[k], hr[k], lr[k]);
	same_err("rmid", hctl(hid, IPC_RMID, NULL), mmlab_shmctl(t, lid, IPC_RMID, NULL));
}

/* shmmni: segments until ENOSPC (the host may hold some of its own already). */
static void case_shmmni(struct mmlab_task *t)
{
	struct shm_info info;
	int used = shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0 ? 0 : info.used_ids;
	int hn = 0, ln = 0, first = nr_host_ids;
	long h = 0, l = 0;
	static int lids[4200];

	while (hn < 4200 && (h = hget(IPC_PRIVATE, 1, 0600)) >= 0)
		hn++;
	while (ln < 4200 && (l = mmlab_shmget(t, 0, 1, 0600)) >= 0)
		lids[ln++] = (int)l;
	same_err("segment beyond shmmni", h, l);
	same_long("segments before ENOSPC", hn + used, ln);
	for (int k = first; k < nr_host_ids; k++)
		shmctl(host_ids[k], IPC_RMID, NULL);
	nr_host_ids = first;
	for (int k = 0; k < ln; k++)
		mmlab_shmctl(t, lids[k], IPC_RMID, NULL);
	same_err("one more after removing them", hget(IPC_PRIVATE, 1, 0600) >= 0 ? 0 : -1,
		 mmlab_shmget(t, 0, 1, 0600) >= 0 ? 0 : -1);
}

static long hfcntl(int fd, int cmd, unsigned long arg)
{
	int r = fcntl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

static long hmemfd(const char *name, unsigned int flags)
{
	int r = memfd_create(name, flags);

	return r < 0 ? -errno : r;
}

/* Seals a new memfd of @flags starts with (or the errno of memfd_create). */
static void same_memfd_flags(struct mmlab_task *t, const char *name, unsigned int flags)
{
	char what[64];
	long h = hmemfd(name, flags), l = mmlab_memfd_create(t, name, flags);

	snprintf(what, sizeof(what), "memfd_create %#x", flags);
	same_err(what, h, l);
	if (h >= 0 && l >= 0)
		same_long(what, hfcntl((int)h, F_GET_SEALS, 0),
			  mmlab_fcntl(t, (int)l, F_GET_SEALS, 0));
	if (h >= 0)
		close((int)h);
	if (l >= 0)
		mmlab_close(t, (int)l);
}

static long hmap(unsigned long addr, int prot, int flags, int fd)
{
	void *p = mmap((void *)addr, 2 * PG, prot, flags | MAP_FIXED, fd, 0);

	return p == MAP_FAILED ? -errno : 0;
}

static long lmap(struct mmlab_task *t, unsigned long addr, int prot, int flags, int fd)
{
	uint64_t out;

	return mmlab_mmap(t, addr, 2 * PG, prot, flags | MAP_FIXED, fd, 0, &out);
}

/* Maps lines of the window with memfd inode numbers (which differ) blanked. */
static void same_memfd_maps(const char *what, struct mmlab_task *t)
{
	static char hm[1 << 14], lm[1 << 14];
	char *bufs[2] = { hm, lm };
	FILE *f[2] = { fopen("/proc/self/maps", "r"), tmpfile() };

	mmlab_proc_maps(t, f[1]);
	rewind(f[1]);
	for (int k = 0; k < 2; k++) {
		char *p;

		window_lines(f[k], bufs[k], sizeof(hm), NULL, 0);
		fclose(f[k]);
		/* "... 00:01 12345 /memfd:..." -> "... 00:01 ino /memfd:..." */
		for (p = bufs[k]; (p = strstr(p, " 00:01 ")); p += 7) {
			char *sp = strchr(p + 7, ' ');

			if (sp && !strncmp(sp, " /memfd:", 8)) {
				memmove(p + 10, sp, strlen(sp) + 1);
				memcpy(p + 7, "ino", 3);
			}
		}
	}
	steps++;
	if (strcmp(hm, lm)) {
		printf("%s: maps differ\n--- host\n%s--- mmlab\n%s", what, hm, lm);
		failures++;
	}
}

static void case_memfd(struct mmlab_task *t)
{
	static const unsigned int flags[] = {
		0, MFD_CLOEXEC, MFD_ALLOW_SEALING, 0x8 /* MFD_NOEXEC_SEAL */, 0x10 /* MFD_EXEC */,
		0x10 | MFD_ALLOW_SEALING, 0x8 | MFD_ALLOW_SEALING, 0x18, 0x100, 0x20,
		21U << 26, MFD_HUGETLB | (25U << 26),
	};
	struct rlimit nofile = { 1024, 1024 };
	char long_name[300];
	long h, l, h2, l2;
	int hz, lz;

	for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		same_memfd_flags(t, "f", flags[k]);
	memset(long_name, 'n', sizeof(long_name));
	long_name[249] = 0;
	same_memfd_flags(t, long_name, 0);
	long_name[249] = 'n';
	long_name[250] = 0;
	same_memfd_flags(t, long_name, 0);

	setrlimit(RLIMIT_NOFILE, &nofile);
	h = hmemfd("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	l = mmlab_memfd_create(t, "sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	same_err("memfd sealed", h, l);
	same_long("F_GETFD", hfcntl((int)h, F_GETFD, 0), mmlab_fcntl(t, (int)l, F_GETFD, 0));
	same_long("F_GETFL", hfcntl((int)h, F_GETFL, 0), mmlab_fcntl(t, (int)l, F_GETFL, 0));
	same_err("F_SETFL", hfcntl((int)h, F_SETFL, O_NONBLOCK | O_APPEND),
		 mmlab_fcntl(t, (int)l, F_SETFL, O_NONBLOCK | O_APPEND));
	same_long("F_GETFL after", hfcntl((int)h, F_GETFL, 0), mmlab_fcntl(t, (int)l, F_GETFL, 0));
	same_err("F_SETFL back", hfcntl((int)h, F_SETFL, 0), mmlab_fcntl(t, (int)l, F_SETFL, 0));
	same_err("F_SETFL O_DIRECT", hfcntl((int)h, F_SETFL, O_DIRECT),
		 mmlab_fcntl(t, (int)l, F_SETFL, O_DIRECT));
	same_err("F_SETFL O_NOATIME|O_ASYNC", hfcntl((int)h, F_SETFL, O_NOATIME | O_ASYNC),
		 mmlab_fcntl(t, (int)l, F_SETFL, O_NOATIME | O_ASYNC));
	same_long("F_GETFL then", hfcntl((int)h, F_GETFL, 0), mmlab_fcntl(t, (int)l, F_GETFL, 0));
	same_err("F_SETFL 0", hfcntl((int)h, F_SETFL, 0), mmlab_fcntl(t, (int)l, F_SETFL, 0));
	same_err("F_SETFD", hfcntl((int)h, F_SETFD, 0), mmlab_fcntl(t, (int)l, F_SETFD, 0));
	same_long("F_GETFD after", hfcntl((int)h, F_GETFD, 0), mmlab_fcntl(t, (int)l, F_GETFD, 0));
	h2 = hfcntl((int)h, F_DUPFD_CLOEXEC, 900);
	l2 = mmlab_fcntl(t, (int)l, F_DUPFD_CLOEXEC, 900);
	same_long("F_DUPFD_CLOEXEC at or above 900", h2 >= 900, l2 >= 900);
	same_long("dup's F_GETFD", hfcntl((int)h2, F_GETFD, 0),
		  mmlab_fcntl(t, (int)l2, F_GETFD, 0));
	same_long("F_DUPFD_QUERY", hfcntl((int)h2, 1027, (unsigned long)h),
		  mmlab_fcntl(t, (int)l2, 1027, (unsigned long)l));
	same_err("F_DUPFD at RLIMIT_NOFILE", hfcntl((int)h, F_DUPFD, 1024),
		 mmlab_fcntl(t, (int)l, F_DUPFD, 1024));
	same_err("fcntl bad fd", hfcntl(999, F_GETFD, 0), mmlab_fcntl(t, 999, F_GETFD, 0));
	same_err("fcntl bad cmd", hfcntl((int)h, 9999, 0), mmlab_fcntl(t, (int)l, 9999, 0));
	same_err("unknown seal", hfcntl((int)h, F_ADD_SEALS, 0x40),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, 0x40));
	hz = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	lz = mmlab_open(t, "/etc/hostname", O_RDONLY);
	if (hz >= 0 && lz >= 0) {
		same_err("F_SETFL O_DIRECT on a host file", hfcntl(hz, F_SETFL, O_DIRECT),
			 mmlab_fcntl(t, lz, F_SETFL, O_DIRECT));
		same_long("F_GETFL of it", hfcntl(hz, F_GETFL, 0), mmlab_fcntl(t, lz, F_GETFL, 0));
	}
	if (hz >= 0)
		close(hz);
	if (lz >= 0)
		mmlab_close(t, lz);
	hz = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	lz = mmlab_open(t, "/dev/zero", O_RDONLY);
	same_err("F_GET_SEALS of /dev/zero", hfcntl(hz, F_GET_SEALS, 0),
		 mmlab_fcntl(t, lz, F_GET_SEALS, 0));
	same_err("F_ADD_SEALS of read-only /dev/zero", hfcntl(hz, F_ADD_SEALS, F_SEAL_GROW),
		 mmlab_fcntl(t, lz, F_ADD_SEALS, F_SEAL_GROW));
	close(hz);
	mmlab_close(t, lz);

	/* a shared writable mapping, unmapped again: F_SEAL_WRITE is then allowed */
	same_err("map shared rw", hmap(WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)h),
		 lmap(t, WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)l));
	same_memfd_maps("memfd mapped", t);
	same("write to the empty memfd", host_write(WIN, 1), lab_write(t, WIN, 1));
	same_err("F_SEAL_WRITE while mapped", hfcntl((int)h, F_ADD_SEALS, F_SEAL_WRITE),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, F_SEAL_WRITE));
	munmap((void *)WIN, 2 * PG);
	(void)!mmlab_munmap(t, WIN, 2 * PG);
	same_err("F_SEAL_WRITE", hfcntl((int)h, F_ADD_SEALS, F_SEAL_WRITE),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, F_SEAL_WRITE));
	same_long("seals", hfcntl((int)h, F_GET_SEALS, 0), mmlab_fcntl(t, (int)l, F_GET_SEALS, 0));
	same_err("write-sealed shared rw", hmap(WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)h),
		 lmap(t, WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)l));
	same_err("write-sealed shared ro", hmap(WIN, PROT_READ, MAP_SHARED, (int)h),
		 lmap(t, WIN, PROT_READ, MAP_SHARED, (int)l));
	same_err("mprotect it writable",
		 mprotect((void *)WIN, 2 * PG, PROT_READ | PROT_WRITE) ? -errno : 0,
		 mmlab_mprotect(t, WIN, 2 * PG, PROT_READ | PROT_WRITE));
	same_err("write-sealed private rw",
		 hmap(WIN + 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, (int)h),
		 lmap(t, WIN + 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, (int)l));
	same_memfd_maps("write-sealed mappings", t);
	same_err("F_SEAL_SEAL", hfcntl((int)h, F_ADD_SEALS, F_SEAL_SEAL),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, F_SEAL_SEAL));
	same_err("after F_SEAL_SEAL", hfcntl((int)h, F_ADD_SEALS, F_SEAL_GROW),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, F_SEAL_GROW));
	munmap((void *)WIN, 8 * PG);
	(void)!mmlab_munmap(t, WIN, 8 * PG);
	close((int)h2);
	close((int)h);
	mmlab_close(t, (int)l2);
	mmlab_close(t, (int)l);

	/* contents through two shared mappings; GROW and SHRINK seals against ftruncate */
	h = hmemfd("data", MFD_ALLOW_SEALING);
	l = mmlab_memfd_create(t, "data", MFD_ALLOW_SEALING);
	same_err("ftruncate", ftruncate((int)h, 2 * PG) ? -errno : 0,
		 mmlab_ftruncate(t, (int)l, 2 * PG));
	same_err("map a", hmap(WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)h),
		 lmap(t, WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)l));
	same_err("map b", hmap(WIN + 4 * PG, PROT_READ, MAP_SHARED, (int)h),
		 lmap(t, WIN + 4 * PG, PROT_READ, MAP_SHARED, (int)l));
	same("write through a", host_write(WIN + PG + 5, 7), lab_write(t, WIN + PG + 5, 7));
	{
		char lv = 0;

		(void)!mmlab_peek(t, WIN + 5 * PG + 5, &lv, 1, NULL);
		same_long("read through b", *(volatile char *)(WIN + 5 * PG + 5), lv);
	}
	same_err("F_SEAL_GROW|F_SEAL_SHRINK",
		 hfcntl((int)h, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK));
	same_err("grow sealed", ftruncate((int)h, 3 * PG) ? -errno : 0,
		 mmlab_ftruncate(t, (int)l, 3 * PG));
	same_err("shrink sealed", ftruncate((int)h, PG) ? -errno : 0,
		 mmlab_ftruncate(t, (int)l, PG));
	munmap((void *)WIN, 8 * PG);
	(void)!mmlab_munmap(t, WIN, 8 * PG);
	close((int)h);
	mmlab_close(t, (int)l);

	/* F_SEAL_EXEC of an executable memfd brings the write seals; FUTURE_WRITE alone */
	h = hmemfd("exec", MFD_ALLOW_SEALING);
	l = mmlab_memfd_create(t, "exec", MFD_ALLOW_SEALING);
	same_err("F_SEAL_EXEC", hfcntl((int)h, F_ADD_SEALS, 0x20),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, 0x20));
	same_long("seals after F_SEAL_EXEC", hfcntl((int)h, F_GET_SEALS, 0),
		  mmlab_fcntl(t, (int)l, F_GET_SEALS, 0));
	close((int)h);
	mmlab_close(t, (int)l);
	h = hmemfd("future", MFD_ALLOW_SEALING);
	l = mmlab_memfd_create(t, "future", MFD_ALLOW_SEALING);
	same_err("map shared rw before", hmap(WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)h),
		 lmap(t, WIN, PROT_READ | PROT_WRITE, MAP_SHARED, (int)l));
	same_err("F_SEAL_FUTURE_WRITE while mapped", hfcntl((int)h, F_ADD_SEALS, 0x10),
		 mmlab_fcntl(t, (int)l, F_ADD_SEALS, 0x10));
	same_err("mprotect the old mapping", mprotect((void *)WIN, 2 * PG, PROT_READ) ? -errno : 0,
		 mmlab_mprotect(t, WIN, 2 * PG, PROT_READ));
	same_err("and back", mprotect((void *)WIN, 2 * PG, PROT_READ | PROT_WRITE) ? -errno : 0,
		 mmlab_mprotect(t, WIN, 2 * PG, PROT_READ | PROT_WRITE));
	same_err("new shared rw", hmap(WIN + 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)h),
		 lmap(t, WIN + 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)l));
	same_memfd_maps("future-write mappings", t);
	munmap((void *)WIN, 8 * PG);
	(void)!mmlab_munmap(t, WIN, 8 * PG);
	close((int)h);
	mmlab_close(t, (int)l);
}

/* A call's result as same_err wants it: its -errno, or 0. */
static long min_t0(int64_t r)
{
	return r < 0 ? (long)r : 0;
}

/* The host's vm.nr_hugepages (-1: unknown). */
static long host_nr_hugepages(void)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	long n = -1;

	if (f && fscanf(f, "%ld", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

/*
 * IPC_INFO's limits, and SHM_INFO's counts of two new segments (one attached, two of its
 * pages touched): compared as the host's differences before and after, since the host's
 * namespace has segments of its own (tried again when another process changed it meanwhile).
 */
static void case_info(void)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_task_config cfg = { .no_aslr = 1, .privileged = 1 };
	struct shm_info h0, h1;
	struct mmlab_shm_info l;
	struct mmlab_shminfo li;
	struct shminfo hi;
	struct mmlab_machine *m;
	struct mmlab_task *t;
	char hs[160], ls[160];
	int try;

	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &cfg, &t))
		exit(2);
	same_err("IPC_INFO", shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&hi) < 0 ? -errno : 0,
		 mmlab_shmctl_ipc_info(t, &li) < 0 ? -1 : 0);
	snprintf(hs, sizeof(hs), "max %lu min %lu mni %lu seg %lu all %lu", hi.shmmax, hi.shmmin,
		 hi.shmmni, hi.shmseg, hi.shmall);
	snprintf(ls, sizeof(ls), "max %lu min %lu mni %lu seg %lu all %lu",
		 (unsigned long)li.shmmax, (unsigned long)li.shmmin, (unsigned long)li.shmmni,
		 (unsigned long)li.shmseg, (unsigned long)li.shmall);
	same("IPC_INFO fields", hs, ls);
	same_long("SHM_INFO of no segment", 0, mmlab_shmctl_shm_info(t, &l));
	same_long("SHM_INFO used_ids of none", 0, l.used_ids);
	for (try = 0; try < 3; try++) {
		int a, b, la, lb;
		long ha, laddr;

		shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&h0);
		a = (int)hget(IPC_PRIVATE, 3 * PG, 0600);
		b = (int)hget(IPC_PRIVATE, 5 * PG, 0600);
		ha = hat(b, 0, 0);
		if (a < 0 || b < 0 || ha < 0)
			exit(2);
		memset((void *)ha, 1, 2 * PG);
		shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&h1);
		hdt((unsigned long)ha);
		hctl(a, IPC_RMID, NULL);
		hctl(b, IPC_RMID, NULL);
		la = mmlab_shmget(t, 0, 3 * PG, 0600);
		lb = mmlab_shmget(t, 0, 5 * PG, 0600);
		laddr = lat(t, lb, 0, 0);
		if (la < 0 || lb < 0 || laddr < 0 || mmlab_touch(t, (uint64_t)laddr, 2 * PG, "w", NULL))
			exit(2);
		mmlab_shmctl_shm_info(t, &l);
		mmlab_shmdt(t, (uint64_t)laddr);
		mmlab_shmctl(t, la, IPC_RMID, NULL);
		mmlab_shmctl(t, lb, IPC_RMID, NULL);
		snprintf(hs, sizeof(hs), "ids %d tot %lu rss %lu swp %lu attempts %lu",
			 h1.used_ids - h0.used_ids, h1.shm_tot - h0.shm_tot,
			 h1.shm_rss - h0.shm_rss, h1.shm_swp - h0.shm_swp,
			 h1.swap_attempts - h0.swap_attempts);
		snprintf(ls, sizeof(ls), "ids %d tot %lu rss %lu swp %lu attempts %lu", l.used_ids,
			 (unsigned long)l.shm_tot, (unsigned long)l.shm_rss,
			 (unsigned long)l.shm_swp, (unsigned long)l.swap_attempts);
		if (!strcmp(hs, ls))
			break;
	}
	same("SHM_INFO of two segments", hs, ls);
	if (getenv("DIFFSHM_VERBOSE"))
		printf("SHM_INFO: %s\n", ls);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

static long hmap_huge(unsigned long addr, unsigned long len, int prot, int flags, int fd,
		      unsigned long off)
{
	void *p = mmap((void *)addr, len, prot, flags, fd, (off_t)off);

	return p == MAP_FAILED ? -errno : (long)p;
}

static long lmap_huge(struct mmlab_task *t, unsigned long addr, unsigned long len, int prot,
		      int flags, int fd, unsigned long off)
{
	uint64_t out;
	int err = mmlab_mmap(t, addr, len, prot, flags, fd, (int64_t)off, &out);

	return err ? err : (long)out;
}

/* An address, or "aligned"/"unaligned" to a huge page for a placement the kernel chose. */
static void same_huge_addr(const char *what, long h, long l)
{
	if (h >= 0 && l >= 0) {
		same(what, h & ((2L << 20) - 1) ? "unaligned" : "aligned",
		     l & ((2L << 20) - 1) ? "unaligned" : "aligned");
		return;
	}
	same_err(what, h < 0 ? h : 0, l < 0 ? l : 0);
}

/*
 * MAP_NORESERVE on a MFD_HUGETLB memfd (@h on the host, @l in mmlab; 2 MiB long): nothing is
 * reserved, so the mapping is made, huge-page aligned and long; every touch finds no huge
 * page (SIGBUS); munmap and mprotect cut it only at huge page boundaries; a fixed address or
 * an offset that is not a whole huge page is EINVAL; a writable mapping grows the file.
 */
static void case_hugetlb_noreserve(struct mmlab_task *t, int h, int l)
{
	const unsigned long huge = 2UL << 20, a = WIN + 0x40000000UL;
	const int rw = PROT_READ | PROT_WRITE, nores = MAP_NORESERVE | MAP_FIXED;
	uint64_t out;
	long hr, lr;

	hr = hmap_huge(0, 3UL << 20, rw, MAP_PRIVATE | MAP_NORESERVE, h, 0);
	lr = lmap_huge(t, 0, 3UL << 20, rw, MAP_PRIVATE | MAP_NORESERVE, l, 0);
	same_huge_addr("private NORESERVE placement", hr, lr);
	if (hr >= 0)
		munmap((void *)hr, 4UL << 20);
	if (lr >= 0)
		mmlab_munmap(t, (uint64_t)lr, 4UL << 20);
	same_err("shared NORESERVE at a 2 MiB boundary",
		 min_t0(hmap_huge(a, 2 * huge, rw, MAP_SHARED | nores, h, 0)),
		 min_t0(lmap_huge(t, a, 2 * huge, rw, MAP_SHARED | nores, l, 0)));
	same("touch at +5000", host_write(a + 5000, 1), lab_write(t, a + 5000, 1));
	same("touch in the second huge page", host_write(a + huge + 7, 1),
	     lab_write(t, a + huge + 7, 1));
	same_long("size after a writable 4 MiB mapping", lseek(h, 0, SEEK_END),
		  (long)mmlab_lseek(t, l, 0, SEEK_END));
	same_err("munmap inside a huge page", munmap((void *)(a + PG), PG) ? -errno : 0,
		 mmlab_munmap(t, a + PG, PG));
	same_err("munmap of the first 4 KiB", munmap((void *)a, PG) ? -errno : 0,
		 mmlab_munmap(t, a, PG));
	same_err("mprotect inside a huge page", mprotect((void *)(a + PG), PG, PROT_READ) ? -errno
		 : 0, mmlab_mprotect(t, a + PG, PG, PROT_READ));
	same_err("mprotect of the second huge page",
		 mprotect((void *)(a + huge), huge, PROT_READ) ? -errno : 0,
		 mmlab_mprotect(t, a + huge, huge, PROT_READ));
	same("read-only touch", host_write(a + huge, 1), lab_write(t, a + huge, 1));
	same_err("munmap of the second huge page", munmap((void *)(a + huge), huge) ? -errno : 0,
		 mmlab_munmap(t, a + huge, huge));
	same_err("MAP_FIXED inside a huge page",
		 min_t0(hmap_huge(a + huge + PG, PG, PROT_READ, MAP_SHARED | nores, h, 0)),
		 min_t0(lmap_huge(t, a + huge + PG, PG, PROT_READ, MAP_SHARED | nores, l, 0)));
	same_err("offset inside a huge page",
		 min_t0(hmap_huge(0, PG, PROT_READ, MAP_SHARED | MAP_NORESERVE, h, PG)),
		 min_t0(lmap_huge(t, 0, PG, PROT_READ, MAP_SHARED | MAP_NORESERVE, l, PG)));
	hr = hmap_huge(a + 3 * huge + 5, 8UL << 20, PROT_READ, MAP_SHARED | MAP_NORESERVE, h, 0);
	lr = lmap_huge(t, a + 3 * huge + 5, 8UL << 20, PROT_READ, MAP_SHARED | MAP_NORESERVE, l, 0);
	same_long("a hint rounded up to a huge page", hr - (long)a, lr - (long)a);
	same("read-only mapping past the end: a write", host_write(a + 4 * huge + 6 * huge, 1),
	     lab_write(t, a + 4 * huge + 6 * huge, 1));
	same_long("size after a read-only 8 MiB mapping", lseek(h, 0, SEEK_END),
		  (long)mmlab_lseek(t, l, 0, SEEK_END));
	munmap((void *)a, 16 * huge);
	mmlab_munmap(t, a, 16 * huge);
	same_err("shared NORESERVE again", min_t0(hmap_huge(a, 2 * huge, rw, MAP_SHARED | nores, h, 0)),
		 min_t0(lmap_huge(t, a, 2 * huge, rw, MAP_SHARED | nores, l, 0)));
	/* Not compared yet (mmlab differs): mlock (host 0: its populate does not fail), MADV_DONTNEED
	 * (host 0: hugetlb pages may be dropped) and a growing mremap (host EINVAL). */
	same_err("mremap shrinking to a huge page",
		 mremap((void *)a, 2 * huge, huge, 0) == MAP_FAILED ? -errno : 0,
		 mmlab_mremap(t, a, 2 * huge, huge, 0, 0, &out));
	same("touch after mremap", host_write(a + 3, 1), lab_write(t, a + 3, 1));
	same("touch past the shrunk end", host_write(a + huge + 3, 1), lab_write(t, a + huge + 3, 1));
	munmap((void *)a, 16 * huge);
	mmlab_munmap(t, a, 16 * huge);
}

/*
 * SHM_HUGETLB | SHM_NORESERVE: the segment is made (its size as asked, its attach whole huge
 * pages at a huge page boundary), every touch is SIGBUS, shmdt takes the whole attach, and
 * the attach is cut only at huge page boundaries; SHM_LOCK does nothing to it.
 */
static void case_shm_hugetlb_noreserve(struct mmlab_task *t)
{
	const unsigned long a = WIN + 0x50000000UL, huge = 2UL << 20;
	int hid = (int)hget(IPC_PRIVATE, 3UL << 20, SHM_HUGETLB | SHM_NORESERVE | 0600);
	int lid = mmlab_shmget(t, 0, 3UL << 20, SHM_HUGETLB | SHM_NORESERVE | 0600);
	struct mmlab_shmid_ds lds;
	struct shmid_ds hds;
	uint64_t out;

	same_err("SHM_HUGETLB | SHM_NORESERVE", hid < 0 ? hid : 0, lid < 0 ? lid : 0);
	if (hid < 0 || lid < 0)
		return;
	same_long("its segsz", hctl(hid, IPC_STAT, &hds) ? -1 : (long)hds.shm_segsz,
		  mmlab_shmctl(t, lid, IPC_STAT, &lds) ? -1 : (long)lds.segsz);
	same_err("shmat at an unaligned SHMLBA", min_t0(hat(hid, a + 0x1000 * 4, 0)),
		 min_t0(lat(t, lid, a + 0x1000 * 4, 0)));
	same_err("shmat at a huge page", min_t0(hat(hid, a, 0)), min_t0(lat(t, lid, a, 0)));
	same("touch", host_write(a + 100, 1), lab_write(t, a + 100, 1));
	same("touch past the size, inside the last huge page", host_write(a + (3UL << 20) + 5, 1),
	     lab_write(t, a + (3UL << 20) + 5, 1));
	same_err("munmap inside a huge page", munmap((void *)(a + PG), PG) ? -errno : 0,
		 mmlab_munmap(t, a + PG, PG));
	same_err("SHM_LOCK", hctl(hid, SHM_LOCK, NULL), mmlab_shmctl(t, lid, SHM_LOCK, NULL));
	same_err("shmdt", hdt(a), mmlab_shmdt(t, a));
	same_err("the whole attach went: MAP_FIXED_NOREPLACE over its last huge page",
		 min_t0(hmap_huge(a + huge, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
				  MAP_FIXED_NOREPLACE, -1, 0)),
		 min_t0(lmap_huge(t, a + huge, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
				  MAP_FIXED_NOREPLACE, -1, 0)));
	munmap((void *)a, 4 * huge);
	mmlab_munmap(t, a, 4 * huge);
	same_long("shmat without an address: huge page aligned",
		  (hat(hid, 0, 0) & ((long)huge - 1)) != 0,
		  (mmlab_shmat(t, lid, 0, 0, &out) ? 1 : (long)(out & (huge - 1))) != 0);
	hctl(hid, IPC_RMID, NULL);
	mmlab_shmctl(t, lid, IPC_RMID, NULL);
}

/*
 * With no huge page reserved on the host (vm.nr_hugepages 0, as mmlab's machine): shmget
 * with SHM_HUGETLB fails, a MFD_HUGETLB memfd exists but takes only whole huge pages as its
 * size, refuses write(2), reads zeros, and its mmap fails. Skipped when the host has huge
 * pages.
 */
static void case_hugetlb(struct mmlab_task *t)
{
	const unsigned long huge = 2UL << 20;
	long h, l, hr, lr;
	char hb[8] = "x", lb[8] = "y";
	uint64_t out, buf;
	void *p;

	if (host_nr_hugepages() != 0) {
		printf("diffshm: the host has huge pages; the hugetlb case is skipped\n");
		return;
	}
	same_err("SHM_HUGETLB, none reserved", hget(IPC_PRIVATE, huge, SHM_HUGETLB | 0600),
		 mmlab_shmget(t, 0, huge, SHM_HUGETLB | 0600));
	case_shm_hugetlb_noreserve(t);
	h = hmemfd("huge", MFD_HUGETLB);
	l = mmlab_memfd_create(t, "huge", MFD_HUGETLB);
	same_err("memfd_create MFD_HUGETLB", h < 0 ? h : 0, l < 0 ? l : 0);
	if (h < 0 || l < 0)
		return;
	same_err("ftruncate 4096", ftruncate((int)h, 4096) ? -errno : 0,
		 mmlab_ftruncate(t, (int)l, 4096));
	same_err("ftruncate 2M", ftruncate((int)h, (off_t)huge) ? -errno : 0,
		 mmlab_ftruncate(t, (int)l, (int64_t)huge));
	p = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_SHARED, (int)h, 0);
	same_err("mmap shared", p == MAP_FAILED ? -errno : 0,
		 mmlab_mmap(t, 0, huge, PROT_READ | PROT_WRITE, MAP_SHARED, (int)l, 0, &out));
	if (p != MAP_FAILED)
		munmap(p, huge);
	p = mmap(NULL, huge, PROT_READ, MAP_PRIVATE, (int)h, 0);
	same_err("mmap private", p == MAP_FAILED ? -errno : 0,
		 mmlab_mmap(t, 0, huge, PROT_READ, MAP_PRIVATE, (int)l, 0, &out));
	if (p != MAP_FAILED)
		munmap(p, huge);
	if (mmlab_mmap(t, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &buf) ||
	    mmlab_poke(t, buf, "y", 1, NULL))
		exit(2);
	same_err("write", write((int)h, hb, 1) < 0 ? -errno : 0,
		 (long)min_t0(mmlab_fd_write(t, (int)l, buf, 1)));
	hr = pread((int)h, hb, sizeof(hb), 0);
	lr = mmlab_fd_pread(t, (int)l, buf, sizeof(lb), 0);
	same_long("pread count", hr, lr);
	mmlab_peek(t, buf, lb, sizeof(lb), NULL);
	same_long("pread zeros", memcmp(hb, "\0\0\0\0\0\0\0\0", 8), memcmp(lb, "\0\0\0\0\0\0\0\0", 8));
	mmlab_munmap(t, buf, PG);
	case_hugetlb_noreserve(t, (int)h, (int)l);
	close((int)h);
	mmlab_close(t, (int)l);
}

int main(void)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_task_config cfg = { .no_aslr = 1, .privileged = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *t;

	if (geteuid()) {
		printf("diffshm: needs root (unprivileged cases run as uid 65534); skipped\n");
		return 77;
	}
	/*
	 * A SysV namespace of its own (its limits are the kernel's defaults, like the host's):
	 * case_shmmni fills it up to SHMMNI, which in the host's namespace made a segment of a
	 * test beside this one fail with ENOSPC, and a segment such a test made meanwhile moved
	 * this one's counts (SHM_INFO, "segments before ENOSPC"). Where unshare is refused (no
	 * CAP_SYS_ADMIN), the host's is used: ctest's RESOURCE_LOCK host_sysv then keeps the
	 * tests that make segments apart.
	 */
	if (unshare(CLONE_NEWIPC))
		printf("diffshm: no IPC namespace of its own (%s): the host's is used\n",
		       strerror(errno));
	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &cfg, &t))
		return 2;
	munmap((void *)WIN, 0x1000000);
	case_lifetime(t);
	case_errors(t);
	case_placement(t);
	case_permissions(t);
	case_shmmni(t);
	case_memfd(t);
	case_info();
	case_hugetlb(t);
	for (int k = 0; k < nr_host_ids; k++)
		shmctl(host_ids[k], IPC_RMID, NULL);
	if (mmlab_task_validate(t) || mmlab_machine_validate(m))
		failures++;
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
	printf("diffshm: %d steps, %d differences\n", steps, failures);
	return failures ? 1 : 0;
}
