// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program shm_host.sh runs under strace and replays: SysV segments attached, touched,
 * removed while attached, shared with a fork child that detaches and exits; memfds with and
 * without sealing, their seals, duplicates and shared mappings. Its results are the kernel's;
 * the replay must reproduce every one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif

int main(void)
{
	int id = shmget(IPC_PRIVATE, 3 * 4096 + 10, IPC_CREAT | 0600);
	int key_id = shmget(0x5e3a7, 8192, IPC_CREAT | 0644);
	struct shmid_ds ds;
	char *a, *b, *m;
	int fd, fd2, fd3;
	pid_t child;

	a = shmat(id, NULL, 0);
	b = shmat(key_id, NULL, SHM_RDONLY);
	memset(a, 1, 3 * 4096);
	shmat(id, a + 123, 0);				/* EINVAL: unaligned */
	shmat(id, a, 0);				/* EINVAL: overlaps */
	shmat(id, a, SHM_REMAP);
	shmget(0x5e3a7, 8192, IPC_CREAT | IPC_EXCL | 0644);	/* EEXIST */
	shmget(0x5e3a7, 3 * 8192, 0);			/* EINVAL: larger */
	shmget(IPC_PRIVATE, 0, 0600);			/* EINVAL */
	shmctl(id, IPC_STAT, &ds);
	mprotect(a + 4096, 4096, PROT_READ);
	child = fork();
	if (!child) {
		shmdt(a);
		shmdt(b);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	shmctl(id, IPC_RMID, NULL);
	shmctl(id, IPC_STAT, &ds);
	shmdt(a);
	shmctl(id, IPC_STAT, &ds);			/* EINVAL: gone */
	shmdt(b);
	shmctl(key_id, IPC_STAT, &ds);
	ds.shm_perm.mode = 0604;
	shmctl(key_id, IPC_SET, &ds);
	shmctl(key_id, SHM_LOCK, NULL);
	shmctl(key_id, IPC_STAT, &ds);
	shmctl(key_id, SHM_UNLOCK, NULL);
	shmctl(key_id, 99, &ds);			/* EINVAL */
	shmctl(key_id & 0x7fff, SHM_STAT, &ds);		/* by index: the id */
	shmctl(key_id, IPC_RMID, NULL);

	fd = memfd_create("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	fd2 = memfd_create("plain", 0);
	fcntl(fd, F_GETFD);
	fcntl(fd, F_GETFL);
	fcntl(fd, F_GET_SEALS);
	fcntl(fd2, F_GET_SEALS);
	fcntl(fd2, F_ADD_SEALS, F_SEAL_WRITE);		/* EPERM: F_SEAL_SEAL */
	fd3 = fcntl(fd, F_DUPFD, 10);
	fcntl(fd3, F_GETFD);
	fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK);
	fcntl(fd3, F_GET_SEALS);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);		/* EBUSY: mapped shared writable */
	munmap(m, 8192);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	munmap(m, 8192);
	fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE);
	mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);	/* EPERM */
	m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	mprotect(m, 8192, PROT_READ | PROT_WRITE);		/* EACCES */
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL);
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);		/* EPERM */
	memfd_create("bad", 0x100);			/* EINVAL */
	memfd_create("x", MFD_EXEC | MFD_NOEXEC_SEAL);	/* EINVAL */
	close(fd3);
	close(fd2);
	close(fd);
	return 0;
}
