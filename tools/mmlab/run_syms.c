// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The symbols a scenario's arguments may use (see run.h): the strace tables of the memory and
 * process calls (strace_flags.c), open(2)'s flags, and what the limit and credential calls
 * print (RLIMIT_*, RLIM64_INFINITY, CAP_*, _LINUX_CAPABILITY_VERSION_*, PR_*_KEEPCAPS), and
 * those of the shared-memory calls (IPC_*, SHM_*, MFD_*, F_* of fcntl).
 * run_lookup() is the lookup every run*.c file evaluates arguments with; it calls nothing of
 * the runner's. Models no Linux file; the values are the x86-64 uapi headers'.
 */
#include "run.h"
#include "strace_flags.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/resource.h>

/* open(2)'s flags, which the strace tables (memory and process calls only) leave out. */
static const struct strace_xlat_entry open_flags[] = {
	{ O_RDONLY, "O_RDONLY", false }, { O_WRONLY, "O_WRONLY", false },
	{ O_RDWR, "O_RDWR", false }, { O_CREAT, "O_CREAT", false }, { O_EXCL, "O_EXCL", false },
	{ O_NOCTTY, "O_NOCTTY", false }, { O_TRUNC, "O_TRUNC", false },
	{ O_APPEND, "O_APPEND", false }, { O_NONBLOCK, "O_NONBLOCK", false },
	{ O_DSYNC, "O_DSYNC", false }, { O_SYNC, "O_SYNC", false },
	{ O_DIRECTORY, "O_DIRECTORY", false }, { O_NOFOLLOW, "O_NOFOLLOW", false },
	{ O_CLOEXEC, "O_CLOEXEC", false }, { 0100000, "O_LARGEFILE", false },
	{ O_PATH, "O_PATH", false }, { O_DIRECT, "O_DIRECT", false },
	{ O_NOATIME, "O_NOATIME", false }, { O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE", false },
	{ (unsigned long)AT_FDCWD, "AT_FDCWD", false },
	/* unlinkat's and renameat2's flags */
	{ 0x200, "AT_REMOVEDIR", false }, { 1, "RENAME_NOREPLACE", false },
	{ 2, "RENAME_EXCHANGE", false }, { 4, "RENAME_WHITEOUT", false },
	/* linkat's, execveat's */
	{ 0x400, "AT_SYMLINK_FOLLOW", false }, { 0x1000, "AT_EMPTY_PATH", false },
	{ 0x100, "AT_SYMLINK_NOFOLLOW", false },
};
static const struct strace_xlat xlat_open_flags = { "open_flags", open_flags,
						    sizeof(open_flags) / sizeof(open_flags[0]) };

#define E(v, n) { (unsigned long)(v), n, false }
static const struct strace_xlat_entry cred_syms[] = {
	E(0, "RLIMIT_CPU"), E(1, "RLIMIT_FSIZE"), E(2, "RLIMIT_DATA"), E(3, "RLIMIT_STACK"),
	E(4, "RLIMIT_CORE"), E(5, "RLIMIT_RSS"), E(6, "RLIMIT_NPROC"), E(7, "RLIMIT_NOFILE"),
	E(8, "RLIMIT_MEMLOCK"), E(9, "RLIMIT_AS"), E(10, "RLIMIT_LOCKS"),
	E(11, "RLIMIT_SIGPENDING"), E(12, "RLIMIT_MSGQUEUE"), E(13, "RLIMIT_NICE"),
	E(14, "RLIMIT_RTPRIO"), E(15, "RLIMIT_RTTIME"),
	E(~0UL, "RLIM64_INFINITY"), E(~0UL, "RLIM_INFINITY"),
	E(LINUX_CAPABILITY_VERSION_1, "_LINUX_CAPABILITY_VERSION_1"),
	E(LINUX_CAPABILITY_VERSION_2, "_LINUX_CAPABILITY_VERSION_2"),
	E(LINUX_CAPABILITY_VERSION_3, "_LINUX_CAPABILITY_VERSION_3"),
	E(PR_GET_KEEPCAPS_, "PR_GET_KEEPCAPS"), E(PR_SET_KEEPCAPS_, "PR_SET_KEEPCAPS"),
	E(0, "CAP_CHOWN"), E(1, "CAP_DAC_OVERRIDE"), E(2, "CAP_DAC_READ_SEARCH"),
	E(3, "CAP_FOWNER"), E(4, "CAP_FSETID"), E(5, "CAP_KILL"), E(6, "CAP_SETGID"),
	E(7, "CAP_SETUID"), E(8, "CAP_SETPCAP"), E(9, "CAP_LINUX_IMMUTABLE"),
	E(10, "CAP_NET_BIND_SERVICE"), E(11, "CAP_NET_BROADCAST"), E(12, "CAP_NET_ADMIN"),
	E(13, "CAP_NET_RAW"), E(14, "CAP_IPC_LOCK"), E(15, "CAP_IPC_OWNER"),
	E(16, "CAP_SYS_MODULE"), E(17, "CAP_SYS_RAWIO"), E(18, "CAP_SYS_CHROOT"),
	E(19, "CAP_SYS_PTRACE"), E(20, "CAP_SYS_PACCT"), E(21, "CAP_SYS_ADMIN"),
	E(22, "CAP_SYS_BOOT"), E(23, "CAP_SYS_NICE"), E(24, "CAP_SYS_RESOURCE"),
	E(25, "CAP_SYS_TIME"), E(26, "CAP_SYS_TTY_CONFIG"), E(27, "CAP_MKNOD"),
	E(28, "CAP_LEASE"), E(29, "CAP_AUDIT_WRITE"), E(30, "CAP_AUDIT_CONTROL"),
	E(31, "CAP_SETFCAP"), E(32, "CAP_MAC_OVERRIDE"), E(33, "CAP_MAC_ADMIN"),
	E(34, "CAP_SYSLOG"), E(35, "CAP_WAKE_ALARM"), E(36, "CAP_BLOCK_SUSPEND"),
	E(37, "CAP_AUDIT_READ"), E(38, "CAP_PERFMON"), E(39, "CAP_BPF"),
	E(40, "CAP_CHECKPOINT_RESTORE"),
};
#undef E
static const struct strace_xlat xlat_cred = { "cred", cred_syms,
					      sizeof(cred_syms) / sizeof(cred_syms[0]) };

/* SysV shm (ipc.h, shm.h), memfd_create (memfd.h) and fcntl (fcntl.h) as strace prints them. */
#define E(v, n) { (unsigned long)(v), n, false }
static const struct strace_xlat_entry shm_syms[] = {
	E(0, "IPC_PRIVATE"), E(01000, "IPC_CREAT"), E(02000, "IPC_EXCL"), E(04000, "IPC_NOWAIT"),
	E(0, "IPC_RMID"), E(1, "IPC_SET"), E(2, "IPC_STAT"), E(3, "IPC_INFO"), E(0x100, "IPC_64"),
	E(11, "SHM_LOCK"), E(12, "SHM_UNLOCK"), E(13, "SHM_STAT"), E(14, "SHM_INFO"),
	E(15, "SHM_STAT_ANY"), E(010000, "SHM_RDONLY"), E(020000, "SHM_RND"),
	E(040000, "SHM_REMAP"), E(0100000, "SHM_EXEC"), E(04000, "SHM_HUGETLB"),
	E(010000, "SHM_NORESERVE"),
	E(1, "MFD_CLOEXEC"), E(2, "MFD_ALLOW_SEALING"), E(4, "MFD_HUGETLB"),
	E(8, "MFD_NOEXEC_SEAL"), E(0x10, "MFD_EXEC"),
	E(0, "F_DUPFD"), E(1, "F_GETFD"), E(2, "F_SETFD"), E(3, "F_GETFL"), E(4, "F_SETFL"),
	E(1030, "F_DUPFD_CLOEXEC"), E(1033, "F_ADD_SEALS"), E(1034, "F_GET_SEALS"),
	E(1, "FD_CLOEXEC"), E(1, "F_SEAL_SEAL"), E(2, "F_SEAL_SHRINK"), E(4, "F_SEAL_GROW"),
	E(8, "F_SEAL_WRITE"), E(0x10, "F_SEAL_FUTURE_WRITE"), E(0x20, "F_SEAL_EXEC"),
};
#undef E
static const struct strace_xlat xlat_shm = { "shm", shm_syms,
					     sizeof(shm_syms) / sizeof(shm_syms[0]) };

/* The file calls' symbols: lseek, fadvise64, fallocate, vmsplice, pipe2. */
static const struct strace_xlat_entry fileio_syms[] = {
	{ 0, "SEEK_SET", false }, { 1, "SEEK_CUR", false }, { 2, "SEEK_END", false },
	{ 3, "SEEK_DATA", false }, { 4, "SEEK_HOLE", false },
	{ 0, "POSIX_FADV_NORMAL", false }, { 1, "POSIX_FADV_RANDOM", false },
	{ 2, "POSIX_FADV_SEQUENTIAL", false }, { 3, "POSIX_FADV_WILLNEED", false },
	{ 4, "POSIX_FADV_DONTNEED", false }, { 5, "POSIX_FADV_NOREUSE", false },
	{ 0x01, "FALLOC_FL_KEEP_SIZE", false }, { 0x02, "FALLOC_FL_PUNCH_HOLE", false },
	{ 0x04, "FALLOC_FL_NO_HIDE_STALE", false }, { 0x08, "FALLOC_FL_COLLAPSE_RANGE", false },
	{ 0x10, "FALLOC_FL_ZERO_RANGE", false }, { 0x20, "FALLOC_FL_INSERT_RANGE", false },
	{ 0x40, "FALLOC_FL_UNSHARE_RANGE", false },
	{ 0x01, "SPLICE_F_MOVE", false }, { 0x02, "SPLICE_F_NONBLOCK", false },
	{ 0x04, "SPLICE_F_MORE", false }, { 0x08, "SPLICE_F_GIFT", false },
	{ 0200, "O_NOTIFICATION_PIPE", false },
};
static const struct strace_xlat xlat_fileio = { "fileio", fileio_syms,
						sizeof(fileio_syms) / sizeof(fileio_syms[0]) };


/**
 * run_lookup() - symbols of a scenario: the strace tables, open(2)'s flags, the limit and
 * credential calls' symbols, the file calls'.
 * @name: the symbol, not necessarily NUL-terminated.
 * @len: its length.
 * @val: where the value goes.
 * @data: unused.
 *
 * Context: any.
 * Return: true when found.
 */
bool run_lookup(const char *name, size_t len, unsigned long *val, void *data)
{
	return sc_default_lookup(name, len, val, data) ||
	       strace_xlat_lookup(&xlat_open_flags, name, len, val) ||
	       strace_xlat_lookup(&xlat_cred, name, len, val) ||
	       strace_xlat_lookup(&xlat_shm, name, len, val) ||
	       strace_xlat_lookup(&xlat_fileio, name, len, val);
}
