// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of shared memory that is not a file of the host: memfd seals and SysV
 * shared memory, against the host kernel. One script of calls (run_script) runs twice, once
 * on the host through the system calls and once through mmlab's API, behind the same small
 * table of operations (struct sys); every call's result is logged by name, and the two logs
 * must be identical line for line. What the script covers:
 *   memfd: F_GET_SEALS of a memfd with and without MFD_ALLOW_SEALING; F_SEAL_WRITE refused
 *	while a shared writable mapping exists (EBUSY), then refusing shared writable mmap
 *	(EPERM), mprotect to writable of a shared read-only mapping (EACCES: VM_MAYWRITE is
 *	gone), write(2) (EPERM), while private writable mappings stay allowed; F_SEAL_SHRINK,
 *	F_SEAL_GROW, F_SEAL_SEAL; F_SEAL_FUTURE_WRITE leaving existing writable mappings
 *	working; data written through one mapping seen through another and through fork.
 *   SysV: IPC_STAT's size, attach count and mode through shmat, fork, shmdt, IPC_RMID (the
 *	segment lives until the last detach, SHM_DEST in its mode), SHM_RND and unaligned
 *	addresses, SHM_RDONLY (a write is SIGSEGV), SHM_REMAP over a mapping, IPC_CREAT|IPC_EXCL
 *	on a key, a size above the key's segment, size 0, sizes against shmmax.
 * Ids, addresses the kernel picks and pids differ between the sides by nature: the script
 * logs only whether they are what they should be (the same id again, the caller's pid).
 * The calls of the shm branch are referenced weakly, so this test builds before they exist;
 * it says which one is missing and fails.
 * Usage: diffshm (DIFFSHM_VERBOSE=1 prints both logs)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"
#include "../../tools/mmlab/host_probe.h"

#pragma weak mmlab_memfd_create
#pragma weak mmlab_fcntl
#pragma weak mmlab_ftruncate
#pragma weak mmlab_fd_write
#pragma weak mmlab_shmget
#pragma weak mmlab_shmat
#pragma weak mmlab_shmdt
#pragma weak mmlab_shmctl

#define PG 4096UL
#define WIN 0x300000000000UL	/* Fixed addresses the script uses: 64 pages */
#define WIN_PAGES 64
#define BUF (WIN + 60 * PG)	/* mmlab's buffer for write(2) */

/* The operations the script calls: each returns the result or -errno. */
struct sys {
	long (*memfd_create)(const char *name, unsigned int flags);
	long (*ftruncate)(long fd, long len);
	long (*mmap)(uint64_t addr, uint64_t len, int prot, int flags, long fd, uint64_t *out);
	long (*munmap)(uint64_t addr, uint64_t len);
	long (*mprotect)(uint64_t addr, uint64_t len, int prot);
	long (*fcntl)(long fd, int cmd, long arg);
	long (*write)(long fd, uint64_t len);		/* @len bytes of 'w' */
	long (*close)(long fd);
	long (*poke)(uint64_t addr, unsigned char v);	/* 0, or the signal's number */
	long (*peek)(uint64_t addr);			/* the byte, or -signal */
	long (*shmget)(int key, uint64_t size, int flags);
	long (*shmat)(long id, uint64_t addr, int flags, uint64_t *out);
	long (*shmdt)(uint64_t addr);
	/* IPC_STAT: segsz, nattch, mode; *lpid_self: lpid is the caller's pid */
	long (*shm_stat)(long id, uint64_t *segsz, uint64_t *nattch, unsigned int *mode,
			 int *lpid_self);
	long (*shm_rmid)(long id);
	long (*fork)(void);				/* a child that waits */
	void (*child_poke)(uint64_t addr, unsigned char v); /* the child writes, then waits */
	void (*end_child)(void);			/* it exits; reaped */
};

/* ---- The log ---- */

#define LOG_MAX 256
struct log {
	int n;
	char name[LOG_MAX][48];
	long val[LOG_MAX];
};

static void log_val(struct log *l, const char *name, long v)
{
	if (l->n == LOG_MAX)
		return;
	snprintf(l->name[l->n], sizeof(l->name[0]), "%s", name);
	l->val[l->n++] = v;
}

/* ---- The script ---- */

static void memfd_script(const struct sys *s, struct log *l)
{
	uint64_t a;
	long fd, fd2, r;

	/* without MFD_ALLOW_SEALING: sealed against sealing */
	fd2 = s->memfd_create("plain", MFD_CLOEXEC);
	log_val(l, "memfd plain ok", fd2 >= 0);
	log_val(l, "plain F_GET_SEALS", s->fcntl(fd2, F_GET_SEALS, 0));
	log_val(l, "plain F_ADD_SEALS write", s->fcntl(fd2, F_ADD_SEALS, F_SEAL_WRITE));
	s->close(fd2);

	fd = s->memfd_create("sealed", MFD_ALLOW_SEALING);
	log_val(l, "memfd ok", fd >= 0);
	log_val(l, "F_GET_SEALS", s->fcntl(fd, F_GET_SEALS, 0));
	log_val(l, "ftruncate 3 pages", s->ftruncate(fd, 3 * PG));
	log_val(l, "mmap shared rw", s->mmap(WIN, 3 * PG, PROT_READ | PROT_WRITE,
					     MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "poke shared", s->poke(WIN + PG, 0x5a));
	log_val(l, "mmap shared ro 2nd", s->mmap(WIN + 8 * PG, 3 * PG, PROT_READ,
						 MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "peek 2nd mapping", s->peek(WIN + 9 * PG));
	log_val(l, "F_SEAL_WRITE with writable mapping", s->fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	log_val(l, "munmap rw", s->munmap(WIN, 3 * PG));
	/* a shared read-only mapping of an O_RDWR fd may still become writable (VM_MAYWRITE) */
	log_val(l, "F_SEAL_WRITE with shared ro mapping", s->fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	log_val(l, "munmap ro", s->munmap(WIN + 8 * PG, 3 * PG));
	log_val(l, "F_SEAL_WRITE", s->fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	log_val(l, "F_GET_SEALS after write seal", s->fcntl(fd, F_GET_SEALS, 0));
	log_val(l, "mmap shared rw sealed", s->mmap(WIN, 3 * PG, PROT_READ | PROT_WRITE,
						    MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "mmap shared ro sealed", s->mmap(WIN + 8 * PG, 3 * PG, PROT_READ,
						    MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "peek sealed ro mapping", s->peek(WIN + 9 * PG));
	log_val(l, "mprotect rw of shared ro", s->mprotect(WIN + 8 * PG, 3 * PG,
							   PROT_READ | PROT_WRITE));
	log_val(l, "mmap private rw sealed", s->mmap(WIN + 16 * PG, 3 * PG,
						     PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_FIXED, fd, &a));
	log_val(l, "poke private", s->poke(WIN + 17 * PG, 0x77));
	log_val(l, "peek shared after private write", s->peek(WIN + 9 * PG));
	log_val(l, "write sealed", s->write(fd, 10));
	log_val(l, "ftruncate grow", s->ftruncate(fd, 4 * PG));
	log_val(l, "F_SEAL_SHRINK", s->fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	log_val(l, "ftruncate shrink", s->ftruncate(fd, 2 * PG));
	log_val(l, "F_SEAL_SEAL", s->fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	log_val(l, "F_SEAL_GROW after seal", s->fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	log_val(l, "F_GET_SEALS final", s->fcntl(fd, F_GET_SEALS, 0));
	log_val(l, "bad seal bits", s->fcntl(fd, F_ADD_SEALS, 0x1000));
	s->munmap(WIN, 32 * PG);
	s->close(fd);

	/* F_SEAL_FUTURE_WRITE: existing writable mappings keep working, new ones are refused */
	fd = s->memfd_create("future", MFD_ALLOW_SEALING);
	log_val(l, "ftruncate", s->ftruncate(fd, 2 * PG));
	log_val(l, "mmap shared rw", s->mmap(WIN, 2 * PG, PROT_READ | PROT_WRITE,
					     MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "F_SEAL_FUTURE_WRITE", s->fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	log_val(l, "poke old mapping", s->poke(WIN, 0x11));
	log_val(l, "mmap shared rw after future", s->mmap(WIN + 4 * PG, 2 * PG,
							  PROT_READ | PROT_WRITE,
							  MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "mmap shared ro after future", s->mmap(WIN + 4 * PG, 2 * PG, PROT_READ,
							  MAP_SHARED | MAP_FIXED, fd, &a));
	log_val(l, "peek new ro mapping", s->peek(WIN + 4 * PG));
	log_val(l, "mprotect rw after future", s->mprotect(WIN + 4 * PG, 2 * PG,
							   PROT_READ | PROT_WRITE));
	log_val(l, "write after future", s->write(fd, 10));
	/* a fork child writes through the old mapping; the parent sees it */
	r = s->fork();
	log_val(l, "fork", r);
	if (!r) {
		s->child_poke(WIN + PG, 0x22);
		s->end_child();
		log_val(l, "peek child's write", s->peek(WIN + PG));
	}
	s->munmap(WIN, 32 * PG);
	s->close(fd);
}

static void shm_stat_log(const struct sys *s, struct log *l, const char *what, long id)
{
	uint64_t segsz = 0, nattch = 0;
	unsigned int mode = 0;
	int lpid_self = 0;
	char name[48];
	long r = s->shm_stat(id, &segsz, &nattch, &mode, &lpid_self);

	snprintf(name, sizeof(name), "%s: stat", what);
	log_val(l, name, r);
	if (r < 0)
		return;
	snprintf(name, sizeof(name), "%s: segsz", what);
	log_val(l, name, (long)segsz);
	snprintf(name, sizeof(name), "%s: nattch", what);
	log_val(l, name, (long)nattch);
	snprintf(name, sizeof(name), "%s: mode", what);
	log_val(l, name, mode);
	snprintf(name, sizeof(name), "%s: lpid is self", what);
	log_val(l, name, lpid_self);
}

static void sysv_script(const struct sys *s, struct log *l, int key)
{
	uint64_t a = 0, b = 0;
	long id, id2, r;

	id = s->shmget(IPC_PRIVATE, 2 * PG + 100, IPC_CREAT | 0600);
	log_val(l, "shmget private ok", id >= 0);
	shm_stat_log(s, l, "created", id);
	log_val(l, "shmat kernel's address", s->shmat(id, 0, 0, &a));
	log_val(l, "shmat fixed", s->shmat(id, WIN, 0, &b));
	log_val(l, "shmat fixed address", b == WIN);
	shm_stat_log(s, l, "two attaches", id);
	log_val(l, "poke first", s->poke(a + PG, 0x42));
	log_val(l, "peek second", s->peek(WIN + PG));
	log_val(l, "peek past the size within the page", s->peek(WIN + 2 * PG + 200));
	r = s->fork();
	log_val(l, "fork", r);
	if (!r) {
		shm_stat_log(s, l, "after fork", id);
		s->child_poke(WIN + 2 * PG, 0x43);
		s->end_child();
		shm_stat_log(s, l, "after child exit", id);
		log_val(l, "peek child's write", s->peek(a + 2 * PG));
	}
	log_val(l, "shmdt kernel's", s->shmdt(a));
	log_val(l, "shmdt again", s->shmdt(a));
	log_val(l, "IPC_RMID", s->shm_rmid(id));
	shm_stat_log(s, l, "removed, attached", id);
	log_val(l, "peek after rmid", s->peek(WIN + PG));
	log_val(l, "shmat after rmid", s->shmat(id, WIN + 8 * PG, 0, &b));
	log_val(l, "shmdt", s->shmdt(WIN));
	shm_stat_log(s, l, "removed, one attach", id);
	log_val(l, "shmdt last", s->shmdt(WIN + 8 * PG));
	shm_stat_log(s, l, "gone", id);

	/* attach flags */
	id = s->shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	log_val(l, "shmat unaligned", s->shmat(id, WIN + 100, 0, &b));
	log_val(l, "shmat SHM_RND", s->shmat(id, WIN + 100, SHM_RND, &b));
	log_val(l, "SHM_RND address", (long)(b - WIN));
	log_val(l, "shmat SHM_RDONLY", s->shmat(id, WIN + 4 * PG, SHM_RDONLY, &b));
	log_val(l, "poke read-only", s->poke(WIN + 4 * PG, 1));
	log_val(l, "mmap over", s->mmap(WIN + 8 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
					MAP_FIXED, -1, &b));
	log_val(l, "shmat over a mapping", s->shmat(id, WIN + 8 * PG, 0, &b));
	log_val(l, "shmat SHM_REMAP", s->shmat(id, WIN + 8 * PG, SHM_REMAP, &b));
	shm_stat_log(s, l, "three attaches", id);
	log_val(l, "shmdt middle of nothing", s->shmdt(WIN + 12 * PG));
	log_val(l, "IPC_RMID", s->shm_rmid(id));
	s->munmap(WIN, 32 * PG);
	shm_stat_log(s, l, "munmapped", id);

	/* keys and sizes */
	id = s->shmget(key, 3 * PG, IPC_CREAT | IPC_EXCL | 0600);
	log_val(l, "shmget key", id >= 0);
	log_val(l, "shmget key IPC_EXCL again", s->shmget(key, 3 * PG, IPC_CREAT | IPC_EXCL | 0600));
	id2 = s->shmget(key, 2 * PG, 0);
	log_val(l, "shmget key smaller: same id", id2 == id);
	log_val(l, "shmget key larger", s->shmget(key, 4 * PG, 0));
	log_val(l, "shmget key size 0: same id", s->shmget(key, 0, 0) == id);
	log_val(l, "shmget size 0", s->shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	log_val(l, "shmget no key no creat", s->shmget(key + 1, PG, 0));
	log_val(l, "shmget above shmmax", s->shmget(IPC_PRIVATE, ~0UL - (1UL << 24) + 1,
						    IPC_CREAT | 0600));
	log_val(l, "IPC_RMID key", s->shm_rmid(id));
	log_val(l, "shmget key after rmid", s->shmget(key, PG, 0));
}

static void run_script(const struct sys *s, struct log *l, int key)
{
	memfd_script(s, l);
	sysv_script(s, l, key);
}

/* ---- The host ---- */

static sigjmp_buf poke_jmp;
static volatile int poke_sig;

static void on_signal(int sig)
{
	poke_sig = sig;
	siglongjmp(poke_jmp, 1);
}

static long h_ret(long r)
{
	return r < 0 ? -errno : r;
}

static long h_memfd_create(const char *name, unsigned int flags)
{
	return h_ret(memfd_create(name, flags));
}

static long h_ftruncate(long fd, long len)
{
	return h_ret(ftruncate((int)fd, len));
}

static long h_mmap(uint64_t addr, uint64_t len, int prot, int flags, long fd, uint64_t *out)
{
	void *p = mmap((void *)addr, len, prot, flags, (int)fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	*out = (uint64_t)p;
	return 0;
}

static long h_munmap(uint64_t addr, uint64_t len)
{
	return h_ret(munmap((void *)addr, len));
}

static long h_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return h_ret(mprotect((void *)addr, len, prot));
}

static long h_fcntl(long fd, int cmd, long arg)
{
	return h_ret(fcntl((int)fd, cmd, arg));
}

static long h_write(long fd, uint64_t len)
{
	char b[64];

	memset(b, 'w', sizeof(b));
	return h_ret(write((int)fd, b, len < sizeof(b) ? len : sizeof(b)));
}

static long h_close(long fd)
{
	return h_ret(close((int)fd));
}

__attribute__((no_sanitize_address)) static long h_poke(uint64_t addr, unsigned char v)
{
	poke_sig = 0;
	if (!sigsetjmp(poke_jmp, 1))
		*(volatile unsigned char *)addr = v;
	return poke_sig;
}

__attribute__((no_sanitize_address)) static long h_peek(uint64_t addr)
{
	long v = 0;

	poke_sig = 0;
	if (!sigsetjmp(poke_jmp, 1))
		v = *(volatile unsigned char *)addr;
	return poke_sig ? -poke_sig : v;
}

static long h_shmget(int key, uint64_t size, int flags)
{
	return h_ret(shmget(key, size, flags));
}

static long h_shmat(long id, uint64_t addr, int flags, uint64_t *out)
{
	void *p = shmat((int)id, (void *)addr, flags);

	if (p == (void *)-1)
		return -errno;
	*out = (uint64_t)p;
	return 0;
}

static long h_shmdt(uint64_t addr)
{
	return h_ret(shmdt((void *)addr));
}

static long h_shm_stat(long id, uint64_t *segsz, uint64_t *nattch, unsigned int *mode,
		       int *lpid_self)
{
	struct shmid_ds ds;

	if (shmctl((int)id, IPC_STAT, &ds) < 0)
		return -errno;
	*segsz = ds.shm_segsz;
	*nattch = ds.shm_nattch;
	*mode = ds.shm_perm.mode;
	*lpid_self = ds.shm_lpid == getpid();
	return 0;
}

static long h_shm_rmid(long id)
{
	return h_ret(shmctl((int)id, IPC_RMID, NULL));
}

static pid_t h_child;
static int h_pipe[2];

static long h_fork(void)
{
	if (pipe(h_pipe))
		return -errno;
	h_child = fork();
	if (h_child < 0)
		return -errno;
	if (h_child == 0) {
		/* writes where it is told, until told 0: then exits */
		uint64_t addr;
		unsigned char v;

		while (read(h_pipe[0], &addr, sizeof(addr)) == sizeof(addr) && addr &&
		       read(h_pipe[0], &v, 1) == 1)
			*(volatile unsigned char *)addr = v;
		_exit(0);
	}
	return 0;
}

static void h_child_poke(uint64_t addr, unsigned char v)
{
	/* the child writes while the parent waits for it to exit next */
	if (write(h_pipe[1], &addr, sizeof(addr)) != sizeof(addr) || write(h_pipe[1], &v, 1) != 1)
		perror("diffshm: pipe");
}

static void h_end_child(void)
{
	uint64_t zero = 0;
	int st;

	if (write(h_pipe[1], &zero, sizeof(zero)) != sizeof(zero))
		perror("diffshm: pipe");
	waitpid(h_child, &st, 0);
	close(h_pipe[0]);
	close(h_pipe[1]);
}

static const struct sys host_sys = {
	h_memfd_create, h_ftruncate, h_mmap, h_munmap, h_mprotect, h_fcntl, h_write, h_close,
	h_poke, h_peek, h_shmget, h_shmat, h_shmdt, h_shm_stat, h_shm_rmid, h_fork,
	h_child_poke, h_end_child,
};

/* ---- mmlab ---- */

static struct mmlab_task *T, *C;

static long l_memfd_create(const char *name, unsigned int flags)
{
	return mmlab_memfd_create(T, name, flags);
}

static long l_ftruncate(long fd, long len)
{
	return mmlab_ftruncate(T, (int)fd, len);
}

static long l_mmap(uint64_t addr, uint64_t len, int prot, int flags, long fd, uint64_t *out)
{
	return mmlab_mmap(T, addr, len, prot, flags, (int)fd, 0, out);
}

static long l_munmap(uint64_t addr, uint64_t len)
{
	return mmlab_munmap(T, addr, len);
}

static long l_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return mmlab_mprotect(T, addr, len, prot);
}

static long l_fcntl(long fd, int cmd, long arg)
{
	return mmlab_fcntl(T, (int)fd, cmd, (unsigned long)arg);
}

static long l_write(long fd, uint64_t len)
{
	char b[64];
	uint64_t out;

	memset(b, 'w', sizeof(b));
	/* the buffer: a page of its own at BUF, as the host's is on its stack */
	if (mmlab_mmap(T, BUF, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0, &out) || mmlab_poke(T, BUF, b, sizeof(b), NULL))
		return -1000;
	len = len < sizeof(b) ? len : sizeof(b);
	out = (uint64_t)mmlab_fd_write(T, (int)fd, BUF, len);
	mmlab_munmap(T, BUF, PG);
	return (long)out;
}

static long l_close(long fd)
{
	return mmlab_close(T, (int)fd);
}

static long l_poke(uint64_t addr, unsigned char v)
{
	struct mmlab_fault f;
	int err = mmlab_poke(T, addr, &v, 1, &f);

	return err == -EFAULT ? f.signo : err;
}

static long l_peek(uint64_t addr)
{
	struct mmlab_fault f;
	unsigned char v;
	int err = mmlab_peek(T, addr, &v, 1, &f);

	return err == -EFAULT ? -f.signo : err ? err : v;
}

static long l_shmget(int key, uint64_t size, int flags)
{
	return mmlab_shmget(T, key, size, flags);
}

static long l_shmat(long id, uint64_t addr, int flags, uint64_t *out)
{
	return mmlab_shmat(T, (int)id, addr, flags, out);
}

static long l_shmdt(uint64_t addr)
{
	return mmlab_shmdt(T, addr);
}

static long l_shm_stat(long id, uint64_t *segsz, uint64_t *nattch, unsigned int *mode,
		       int *lpid_self)
{
	struct mmlab_shmid_ds ds;
	int err = mmlab_shmctl(T, (int)id, IPC_STAT, &ds);

	if (err)
		return err;
	*segsz = ds.segsz;
	*nattch = ds.nattch;
	*mode = ds.mode;
	*lpid_self = ds.lpid == mmlab_task_tgid(T);
	return 0;
}

static long l_shm_rmid(long id)
{
	return mmlab_shmctl(T, (int)id, IPC_RMID, NULL);
}

static long l_fork(void)
{
	return mmlab_fork(T, &C);
}

static void l_child_poke(uint64_t addr, unsigned char v)
{
	if (mmlab_poke(C, addr, &v, 1, NULL))
		fprintf(stderr, "diffshm: the mmlab child's poke failed\n");
}

static void l_end_child(void)
{
	mmlab_exit(C);
	C = NULL;
}

static const struct sys lab_sys = {
	l_memfd_create, l_ftruncate, l_mmap, l_munmap, l_mprotect, l_fcntl, l_write, l_close,
	l_poke, l_peek, l_shmget, l_shmat, l_shmdt, l_shm_stat, l_shm_rmid, l_fork,
	l_child_poke, l_end_child,
};

static int missing_calls(void)
{
	int missing = 0;

#define NEED(fn, who)                                                                    \
	do {                                                                             \
		if (!(fn)) {                                                             \
			printf("diffshm: waits for %s (%s)\n", #fn, who);                \
			missing = 1;                                                     \
		}                                                                        \
	} while (0)
	NEED(mmlab_memfd_create, "shm");
	NEED(mmlab_fcntl, "shm");
	NEED(mmlab_shmget, "shm");
	NEED(mmlab_shmat, "shm");
	NEED(mmlab_shmdt, "shm");
	NEED(mmlab_shmctl, "shm");
	NEED(mmlab_ftruncate, "fileio");
	NEED(mmlab_fd_write, "fileio");
#undef NEED
	return missing;
}

int main(void)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1 };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_NODEFER };
	static struct log host, lab;
	struct mmlab_machine *m;
	int key = 0x6d6d0000 | (getpid() & 0xffff), bad = 0;
	bool verbose = getenv("DIFFSHM_VERBOSE") != NULL;
	void *w;

	bool host_only = getenv("DIFFSHM_HOST_ONLY") != NULL; /* the host's log alone */

	if (!host_only && missing_calls())
		return 1;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	w = mmap((void *)WIN, WIN_PAGES * PG, PROT_NONE,
		 MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w != (void *)WIN) {
		fprintf(stderr, "diffshm: the window is taken\n");
		return 2;
	}
	munmap(w, WIN_PAGES * PG);
	run_script(&host_sys, &host, key);
	shmctl(shmget(key, 0, 0), IPC_RMID, NULL); /* whatever the script left */
	if (host_only) {
		for (int i = 0; i < host.n; i++)
			printf("%-40s %ld\n", host.name[i], host.val[i]);
		return 0;
	}

	mc.no_pku = !host_cpu_has_pku();
	mc.no_zero_page = !host_has_zero_page();
	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &tc, &T)) {
		fprintf(stderr, "diffshm: cannot create the machine\n");
		return 2;
	}
	run_script(&lab_sys, &lab, key);
	if (mmlab_task_validate(T)) {
		printf("diffshm: the task does not validate\n");
		bad = 1;
	}
	mmlab_exit(T);
	mmlab_machine_destroy(m);

	for (int i = 0; i < host.n || i < lab.n; i++) {
		bool same = i < host.n && i < lab.n && !strcmp(host.name[i], lab.name[i]) &&
			    host.val[i] == lab.val[i];

		if (!same) {
			printf("diffshm: %-40s host %ld, mmlab %ld\n", i < host.n ? host.name[i] : "-",
			       i < host.n ? host.val[i] : 0, i < lab.n ? lab.val[i] : 0);
			bad = 1;
		} else if (verbose) {
			printf("         %-40s %ld\n", host.name[i], host.val[i]);
		}
	}
	printf("diffshm: %d calls, %s\n", host.n, bad ? "differ" : "identical");
	return bad;
}
