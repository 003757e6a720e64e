// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-syscall printers of mmlab record: each prints one x86_64 memory or process system call
 * exactly as strace 6.1 prints it under -f -y (strace's src/mem.c, clone.c, wait.c, execve.c,
 * signal.c and printsiginfo.c). Reads the tracee's memory with process_vm_readv(). Leaves out
 * the rarely used NUMA, AIO and SysV calls, which print their arguments raw (see the report).
 */
#include "record.h"
#include "scenario.h"
#include "strace_flags.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_STRLEN 32 /* strace's default -s */

enum rec_decoder {
	D_RAW, D_MMAP, D_ADDR_LEN, D_MPROTECT, D_PKEY_MPROTECT, D_BRK, D_MREMAP, D_MSYNC,
	D_MINCORE, D_MADVISE, D_MLOCKALL, D_NONE, D_MLOCK2, D_CLONE, D_CLONE3, D_FORK, D_EXECVE,
	D_EXECVEAT, D_EXIT, D_WAIT4, D_KILL, D_TKILL, D_TGKILL, D_REMAP_FILE_PAGES, D_SHMDT,
};

struct rec_sysent {
	const char *name;
	enum rec_decoder dec;
	int nargs; /* for D_RAW */
};

/* strace 6.1's %memory and %process classes on x86_64 (TM and TP in its syscallent.h). */
static const struct rec_sysent sysents[] = {
	[9] = { "mmap", D_MMAP, 6 },
	[10] = { "mprotect", D_MPROTECT, 3 },
	[11] = { "munmap", D_ADDR_LEN, 2 },
	[12] = { "brk", D_BRK, 1 },
	[25] = { "mremap", D_MREMAP, 5 },
	[26] = { "msync", D_MSYNC, 3 },
	[27] = { "mincore", D_MINCORE, 3 },
	[28] = { "madvise", D_MADVISE, 3 },
	[30] = { "shmat", D_RAW, 3 },
	[56] = { "clone", D_CLONE, 5 },
	[57] = { "fork", D_FORK, 0 },
	[58] = { "vfork", D_FORK, 0 },
	[59] = { "execve", D_EXECVE, 3 },
	[60] = { "exit", D_EXIT, 1 },
	[61] = { "wait4", D_WAIT4, 4 },
	[62] = { "kill", D_KILL, 2 },
	[67] = { "shmdt", D_SHMDT, 1 },
	[129] = { "rt_sigqueueinfo", D_RAW, 3 },
	[149] = { "mlock", D_ADDR_LEN, 2 },
	[150] = { "munlock", D_ADDR_LEN, 2 },
	[151] = { "mlockall", D_MLOCKALL, 1 },
	[152] = { "munlockall", D_NONE, 0 },
	[200] = { "tkill", D_TKILL, 2 },
	[206] = { "io_setup", D_RAW, 2 },
	[207] = { "io_destroy", D_RAW, 1 },
	[216] = { "remap_file_pages", D_REMAP_FILE_PAGES, 5 },
	[231] = { "exit_group", D_EXIT, 1 },
	[234] = { "tgkill", D_TGKILL, 3 },
	[237] = { "mbind", D_RAW, 6 },
	[238] = { "set_mempolicy", D_RAW, 3 },
	[239] = { "get_mempolicy", D_RAW, 5 },
	[247] = { "waitid", D_RAW, 5 },
	[256] = { "migrate_pages", D_RAW, 4 },
	[279] = { "move_pages", D_RAW, 6 },
	[297] = { "rt_tgsigqueueinfo", D_RAW, 4 },
	[322] = { "execveat", D_EXECVEAT, 5 },
	[325] = { "mlock2", D_MLOCK2, 3 },
	[329] = { "pkey_mprotect", D_PKEY_MPROTECT, 4 },
	[424] = { "pidfd_send_signal", D_RAW, 4 },
	[427] = { "io_uring_register", D_RAW, 4 },
	[435] = { "clone3", D_CLONE3, 2 },
	[450] = { "set_mempolicy_home_node", D_RAW, 4 },
};

static const struct rec_sysent *sysent(int nr)
{
	if (nr < 0 || (size_t)nr >= sizeof(sysents) / sizeof(sysents[0]) || !sysents[nr].name)
		return NULL;
	return &sysents[nr];
}

/**
 * rec_syscall_name() - name of a traced syscall.
 * @nr: x86_64 syscall number.
 *
 * Context: any.
 * Return: the name, or NULL when mmlab record does not trace @nr.
 */
const char *rec_syscall_name(int nr)
{
	const struct rec_sysent *e = sysent(nr);

	return e ? e->name : NULL;
}

/**
 * rec_syscall_traced() - whether @nr is in strace's %memory or %process class.
 * @nr: x86_64 syscall number.
 *
 * Context: any.
 * Return: true when traced.
 */
bool rec_syscall_traced(int nr)
{
	return sysent(nr) != NULL;
}

/**
 * rec_syscall_is_exit() - exit and exit_group, which never return.
 * @nr: x86_64 syscall number.
 *
 * Context: any.
 * Return: true for them.
 */
bool rec_syscall_is_exit(int nr)
{
	return nr == 60 || nr == 231;
}

static bool peek(pid_t pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* strace's printaddr(): NULL or %#lx. */
static void print_addr(struct sbuf *sb, unsigned long a)
{
	if (a)
		sbuf_printf(sb, "%#lx", a);
	else
		sbuf_puts(sb, "NULL");
}

/* strace -y fd: "3</path>", "3</dev/zero<char 1:5>>", "3</memfd:x>(deleted)". */
static void print_fd(struct sbuf *sb, pid_t pid, int fd)
{
	char link[64], path[PATH_MAX + 1];
	static const char del[] = " (deleted)";
	bool deleted = false;
	ssize_t n;

	sbuf_printf(sb, "%d", fd);
	if (fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", pid, fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return;
	path[n] = '\0';
	if ((size_t)n > sizeof(del) - 1 && !strcmp(path + n - (sizeof(del) - 1), del)) {
		path[n - (sizeof(del) - 1)] = '\0';
		deleted = access(path, F_OK) != 0;
		if (!deleted)
			path[n - (sizeof(del) - 1)] = ' ';
	}
	sbuf_putc(sb, '<');
	sc_quote_string(sb, path, strlen(path), "<>");
	if (path[0] == '/') {
		struct stat st;

		if (!stat(path, &st) && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			sbuf_printf(sb, "<%s %u:%u>", S_ISBLK(st.st_mode) ? "block" : "char",
				    major(st.st_rdev), minor(st.st_rdev));
	}
	sbuf_putc(sb, '>');
	if (deleted)
		sbuf_puts(sb, "(deleted)");
}

/* strace -y dirfd: "AT_FDCWD</cwd>" (the task's working directory), else as print_fd. */
static void print_dirfd(struct sbuf *sb, pid_t pid, int fd)
{
	char link[64], path[PATH_MAX + 1];
	ssize_t n;

	if (fd != -100) {
		print_fd(sb, pid, fd);
		return;
	}
	sbuf_puts(sb, "AT_FDCWD");
	snprintf(link, sizeof(link), "/proc/%d/cwd", pid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return;
	path[n] = '\0';
	sbuf_putc(sb, '<');
	sc_quote_string(sb, path, (size_t)n, "<>");
	sbuf_putc(sb, '>');
}

/* strace's printstr() with -s 32: a NUL-terminated string, "..." when longer. */
static void print_str_max(struct sbuf *sb, pid_t pid, unsigned long addr, size_t max)
{
	char buf[PATH_MAX + 1];
	size_t n = 0;

	if (!addr) {
		sbuf_puts(sb, "NULL");
		return;
	}
	while (n < max + 1 && peek(pid, addr + n, &buf[n], 1)) {
		if (!buf[n])
			break;
		n++;
	}
	if (n == 0 && !peek(pid, addr, buf, 1)) {
		print_addr(sb, addr);
		return;
	}
	sbuf_putc(sb, '"');
	sc_quote_string(sb, buf, n > max ? max : n, NULL);
	sbuf_putc(sb, '"');
	if (n > max)
		sbuf_puts(sb, "...");
}

static void print_str(struct sbuf *sb, pid_t pid, unsigned long addr)
{
	print_str_max(sb, pid, addr, MAX_STRLEN);
}

/* strace's printpath(): file names are not cut at -s, only at PATH_MAX. */
static void print_path(struct sbuf *sb, pid_t pid, unsigned long addr)
{
	print_str_max(sb, pid, addr, PATH_MAX - 1);
}

static void print_argv(struct sbuf *sb, pid_t pid, unsigned long addr)
{
	unsigned long word;
	unsigned int n;

	if (!addr) {
		print_addr(sb, addr);
		return;
	}
	for (n = 0;; n++, addr += sizeof(word)) {
		if (!peek(pid, addr, &word, sizeof(word))) {
			if (n == 0) {
				print_addr(sb, addr);
				return;
			}
			sbuf_printf(sb, ", ... /* %#lx */", addr);
			break;
		}
		if (n == 0)
			sbuf_putc(sb, '[');
		if (!word)
			break;
		if (n)
			sbuf_puts(sb, ", ");
		if (n >= MAX_STRLEN) {
			sbuf_puts(sb, "...");
			break;
		}
		print_str(sb, pid, word);
	}
	sbuf_putc(sb, ']');
}

static void print_envc(struct sbuf *sb, pid_t pid, unsigned long addr)
{
	unsigned long word, prev = 0;
	unsigned int n;

	print_addr(sb, addr);
	if (!addr)
		return;
	for (n = 0; addr > prev; prev = addr, addr += sizeof(word), n++) {
		if (!peek(pid, addr, &word, sizeof(word))) {
			if (n == 0)
				return;
			break;
		}
		if (!word)
			break;
	}
	sbuf_printf(sb, " /* %u var%s */", n, n == 1 ? "" : "s");
}

/* strace's printstatus() for wait4's status word. */
static void print_status(struct sbuf *sb, int status)
{
	char b[16];

	sbuf_putc(sb, '[');
	if (WIFSTOPPED(status)) {
		int sig = WSTOPSIG(status);

		sbuf_printf(sb, "{WIFSTOPPED(s) && WSTOPSIG(s) == %s%s}",
			    strace_signame(sig & 0x7f, b), sig & 0x80 ? " | 0x80" : "");
		status &= ~((sig << 8) | 0x7f);
	} else if (WIFSIGNALED(status)) {
		sbuf_printf(sb, "{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}",
			    strace_signame(WTERMSIG(status), b),
			    WCOREDUMP(status) ? " && WCOREDUMP(s)" : "");
		status &= ~(WTERMSIG(status) | 0x80);
	} else if (WIFEXITED(status)) {
		sbuf_printf(sb, "{WIFEXITED(s) && WEXITSTATUS(s) == %d}", WEXITSTATUS(status));
		status &= ~(WEXITSTATUS(status) << 8);
	} else if (WIFCONTINUED(status)) {
		sbuf_puts(sb, "{WIFCONTINUED(s)}");
		status &= ~0xffff;
	} else {
		sbuf_printf(sb, "%#x]", (unsigned int)status);
		return;
	}
	if (status)
		sbuf_printf(sb, "|%#x", (unsigned int)status);
	sbuf_putc(sb, ']');
}

static void print_clone_flags(struct sbuf *sb, unsigned long flags)
{
	unsigned int sig = flags & 0xff;

	flags &= ~0xffUL;
	if (flags) {
		strace_print_flags(sb, &xlat_clone_flags, flags, "CLONE_???");
		if (sig) {
			sbuf_putc(sb, '|');
			strace_print_signal(sb, (int)sig);
		}
	} else {
		strace_print_signal(sb, (int)sig);
	}
}

/* x86_64 clone(flags, stack, parent_tid, child_tid, tls) */
static int print_clone_entry(struct sbuf *sb, const struct rec_syscall *sc)
{
	unsigned long flags = sc->args[0] & ~0xffUL;

	sbuf_puts(sb, "child_stack=");
	print_addr(sb, sc->args[1]);
	sbuf_puts(sb, ", flags=");
	print_clone_flags(sb, sc->args[0]);
	if (!(flags & (0x100000 | 0x1000 | 0x1000000 | 0x200000 | 0x80000)))
		return REC_DECODED;
	return 0;
}

static void print_tid_ptr(struct sbuf *sb, pid_t pid, unsigned long addr)
{
	int v;

	if (!addr)
		sbuf_puts(sb, "NULL");
	else if (peek(pid, addr, &v, sizeof(v)))
		sbuf_printf(sb, "[%d]", v);
	else
		print_addr(sb, addr);
}

static void print_clone_exit(struct sbuf *sb, const struct rec_syscall *sc)
{
	unsigned long flags = sc->args[0] & ~0xffUL;

	if (flags & (0x100000 | 0x1000)) {
		sbuf_puts(sb, ", parent_tid=");
		if (flags & 0x100000) {
			print_tid_ptr(sb, sc->pid, sc->args[2]);
		} else {
			int fd;

			if (sc->args[2] && peek(sc->pid, sc->args[2], &fd, sizeof(fd))) {
				sbuf_putc(sb, '[');
				print_fd(sb, sc->pid, fd);
				sbuf_putc(sb, ']');
			} else {
				print_addr(sb, sc->args[2]);
			}
		}
	}
	if (flags & 0x80000) {
		sbuf_puts(sb, ", tls=");
		print_addr(sb, sc->args[4]);
	}
	if (flags & (0x1000000 | 0x200000)) {
		sbuf_puts(sb, ", child_tidptr=");
		print_addr(sb, sc->args[3]);
	}
}

struct rec_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
		set_tid, set_tid_size, cgroup;
};

static int print_clone3_entry(struct sbuf *sb, const struct rec_syscall *sc)
{
	struct rec_clone_args a = { 0 };
	size_t size = sc->args[1] < sizeof(a) ? sc->args[1] : sizeof(a);

	if (size < 64 || !peek(sc->pid, sc->args[0], &a, size)) {
		print_addr(sb, sc->args[0]);
		sbuf_printf(sb, ", %lu", sc->args[1]);
		return REC_DECODED;
	}
	sbuf_puts(sb, "{flags=");
	strace_print_flags2(sb, &xlat_clone_flags, &xlat_clone3_flags, a.flags, "CLONE_???");
	if (a.flags & 0x1000)
		sbuf_printf(sb, ", pidfd=%#lx", (unsigned long)a.pidfd);
	if (a.flags & (0x1000000 | 0x200000))
		sbuf_printf(sb, ", child_tid=%#lx", (unsigned long)a.child_tid);
	if (a.flags & 0x100000)
		sbuf_printf(sb, ", parent_tid=%#lx", (unsigned long)a.parent_tid);
	sbuf_puts(sb, ", exit_signal=");
	if (a.exit_signal < INT_MAX)
		strace_print_signal(sb, (int)a.exit_signal);
	else
		sbuf_printf(sb, "%lu", (unsigned long)a.exit_signal);
	sbuf_printf(sb, ", stack=%#lx, stack_size=%#lx", (unsigned long)a.stack,
		    (unsigned long)a.stack_size);
	if (a.flags & 0x80000)
		sbuf_printf(sb, ", tls=%#lx", (unsigned long)a.tls);
	if (a.set_tid || a.set_tid_size)
		sbuf_printf(sb, ", set_tid=%#lx, set_tid_size=%lu", (unsigned long)a.set_tid,
			    (unsigned long)a.set_tid_size);
	if (size > 80 && (a.cgroup || (a.flags & 0x200000000UL)))
		sbuf_printf(sb, ", cgroup=%lu", (unsigned long)a.cgroup);
	sbuf_putc(sb, '}');
	if (a.flags & (0x1000 | 0x100000))
		return 0;
	sbuf_printf(sb, ", %lu", sc->args[1]);
	return REC_DECODED;
}

static void print_clone3_exit(struct sbuf *sb, const struct rec_syscall *sc)
{
	struct rec_clone_args a = { 0 };
	size_t size = sc->args[1] < sizeof(a) ? sc->args[1] : sizeof(a);
	const char *pfx = " => {";

	if (!sc->is_error) {
		if (!peek(sc->pid, sc->args[0], &a, size)) {
			sbuf_puts(sb, " => ");
			print_addr(sb, sc->args[0]);
		} else {
			if (a.flags & 0x1000) {
				int fd;

				sbuf_printf(sb, "%spidfd=", pfx);
				pfx = ", ";
				if (peek(sc->pid, a.pidfd, &fd, sizeof(fd))) {
					sbuf_putc(sb, '[');
					print_fd(sb, sc->pid, fd);
					sbuf_putc(sb, ']');
				} else {
					print_addr(sb, a.pidfd);
				}
			}
			if (a.flags & 0x100000) {
				sbuf_printf(sb, "%sparent_tid=", pfx);
				pfx = ", ";
				print_tid_ptr(sb, sc->pid, a.parent_tid);
			}
			if (pfx[0] == ',')
				sbuf_putc(sb, '}');
		}
	}
	sbuf_printf(sb, ", %lu", sc->args[1]);
}

static void print_raw(struct sbuf *sb, const struct rec_syscall *sc, int nargs)
{
	for (int k = 0; k < nargs; k++)
		sbuf_printf(sb, k ? ", %#lx" : "%#lx", sc->args[k]);
}

/**
 * rec_print_entry() - print a call's arguments known at entry (after "NAME(").
 * @sb: output.
 * @sc: the call; rval and is_error are unused.
 *
 * Context: the task is in a syscall-entry stop.
 * Return: REC_* bits: REC_DECODED when nothing is left for the exit, REC_HEX for
 * address-returning calls.
 */
int rec_print_entry(struct sbuf *sb, const struct rec_syscall *sc)
{
	const struct rec_sysent *e = sysent(sc->nr);
	const unsigned long *a = sc->args;

	switch (e->dec) {
	case D_MMAP:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		strace_print_flags(sb, &xlat_mmap_prot, a[2], "PROT_???");
		sbuf_puts(sb, ", ");
		strace_print_mmap_flags(sb, a[3]);
		sbuf_puts(sb, ", ");
		print_fd(sb, sc->pid, (int)a[4]);
		sbuf_printf(sb, ", %#lx", a[5]);
		return REC_DECODED | REC_HEX;
	case D_ADDR_LEN:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu", a[1]);
		return REC_DECODED;
	case D_MPROTECT:
	case D_PKEY_MPROTECT:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		strace_print_flags(sb, &xlat_mmap_prot, a[2], "PROT_???");
		if (e->dec == D_PKEY_MPROTECT)
			sbuf_printf(sb, ", %d", (int)a[3]);
		return REC_DECODED;
	case D_BRK:
		print_addr(sb, a[0]);
		return REC_DECODED | REC_HEX;
	case D_MREMAP:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, %lu, ", a[1], a[2]);
		strace_print_flags(sb, &xlat_mremap_flags, a[3], "MREMAP_???");
		if ((a[3] & 3) == 3) {
			sbuf_puts(sb, ", ");
			print_addr(sb, a[4]);
		}
		return REC_DECODED | REC_HEX;
	case D_MSYNC:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		strace_print_flags(sb, &xlat_msync_flags, a[2], "MS_???");
		return REC_DECODED;
	case D_MINCORE:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		return 0;
	case D_MADVISE:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		strace_print_xval(sb, &xlat_madvise_cmds, a[2], "MADV_???");
		return REC_DECODED;
	case D_MLOCKALL:
		strace_print_flags(sb, &xlat_mlockall_flags, (unsigned int)a[0], "MCL_???");
		return REC_DECODED;
	case D_MLOCK2:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		strace_print_flags(sb, &xlat_mlock_flags, (unsigned int)a[2], "MLOCK_???");
		return REC_DECODED;
	case D_REMAP_FILE_PAGES:
		print_addr(sb, a[0]);
		sbuf_printf(sb, ", %lu, ", a[1]);
		strace_print_flags(sb, &xlat_mmap_prot, a[2], "PROT_???");
		sbuf_printf(sb, ", %lu, ", a[3]);
		strace_print_mmap_flags(sb, a[4]);
		return REC_DECODED;
	case D_SHMDT:
		print_addr(sb, a[0]);
		return REC_DECODED;
	case D_NONE:
	case D_FORK:
		return REC_DECODED;
	case D_CLONE:
		return print_clone_entry(sb, sc);
	case D_CLONE3:
		return print_clone3_entry(sb, sc);
	case D_EXECVE:
		print_path(sb, sc->pid, a[0]);
		sbuf_puts(sb, ", ");
		print_argv(sb, sc->pid, a[1]);
		sbuf_puts(sb, ", ");
		print_envc(sb, sc->pid, a[2]);
		return REC_DECODED;
	case D_EXECVEAT:
		print_dirfd(sb, sc->pid, (int)a[0]);
		sbuf_puts(sb, ", ");
		print_path(sb, sc->pid, a[1]);
		sbuf_puts(sb, ", ");
		print_argv(sb, sc->pid, a[2]);
		sbuf_puts(sb, ", ");
		print_envc(sb, sc->pid, a[3]);
		sbuf_puts(sb, ", ");
		strace_print_flags(sb, &xlat_execveat_flags, (unsigned int)a[4], "AT_???");
		return REC_DECODED;
	case D_EXIT:
		sbuf_printf(sb, "%d", (int)a[0]);
		return REC_DECODED;
	case D_WAIT4:
		sbuf_printf(sb, "%d, ", (int)a[0]);
		return 0;
	case D_KILL:
	case D_TKILL:
		sbuf_printf(sb, "%d, ", (int)a[0]);
		strace_print_signal(sb, (int)a[1]);
		return REC_DECODED;
	case D_TGKILL:
		sbuf_printf(sb, "%d, %d, ", (int)a[0], (int)a[1]);
		strace_print_signal(sb, (int)a[2]);
		return REC_DECODED;
	case D_RAW:
		print_raw(sb, sc, e->nargs);
		return REC_DECODED;
	}
	return REC_DECODED;
}

/**
 * rec_print_exit() - print the arguments only known at exit (wait4's status ...).
 * @sb: output.
 * @sc: the call with its return value.
 * @flags: what rec_print_entry() returned.
 *
 * Context: the task is in a syscall-exit stop.
 */
void rec_print_exit(struct sbuf *sb, const struct rec_syscall *sc, int flags)
{
	const struct rec_sysent *e = sysent(sc->nr);

	if (flags & REC_DECODED)
		return;
	switch (e->dec) {
	case D_MINCORE: {
		unsigned long n = (sc->args[1] + 4095) / 4096;
		unsigned char v;

		if (sc->is_error || !sc->args[2]) {
			print_addr(sb, sc->args[2]);
			break;
		}
		sbuf_putc(sb, '[');
		for (unsigned long k = 0; k < n; k++) {
			if (k == MAX_STRLEN) {
				sbuf_puts(sb, ", ...");
				break;
			}
			if (!peek(sc->pid, sc->args[2] + k, &v, 1))
				break;
			sbuf_printf(sb, k ? ", %u" : "%u", v & 1);
		}
		sbuf_putc(sb, ']');
		break;
	}
	case D_WAIT4: {
		int st;

		if (sc->rval == 0 || sc->is_error || !sc->args[1])
			print_addr(sb, sc->args[1]);
		else if (peek(sc->pid, sc->args[1], &st, sizeof(st)))
			print_status(sb, st);
		else
			print_addr(sb, sc->args[1]);
		sbuf_puts(sb, ", ");
		strace_print_flags(sb, &xlat_wait4_options, (unsigned int)sc->args[2], "W???");
		sbuf_puts(sb, ", ");
		print_addr(sb, sc->args[3]);
		break;
	}
	case D_CLONE:
		if (!sc->is_error)
			print_clone_exit(sb, sc);
		break;
	case D_CLONE3:
		print_clone3_exit(sb, sc);
		break;
	default:
		break;
	}
}

/**
 * rec_print_ret() - "= RESULT" for a finished call, as strace's syscall_exiting_trace().
 * @sb: output.
 * @sc: the call with its return value.
 * @flags: what rec_print_entry() returned.
 *
 * Context: any.
 */
void rec_print_ret(struct sbuf *sb, const struct rec_syscall *sc, int flags)
{
	if (sc->is_error) {
		unsigned long err = (unsigned long)-sc->rval;

		switch (err) {
		case 512:
			sbuf_puts(sb, "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
			return;
		case 513:
			sbuf_puts(sb, "= ? ERESTARTNOINTR (To be restarted)");
			return;
		case 514:
			sbuf_puts(sb, "= ? ERESTARTNOHAND (To be restarted if no handler)");
			return;
		case 516:
			sbuf_puts(sb, "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)");
			return;
		}
		strace_print_err_ret(sb, err);
		return;
	}
	if (flags & REC_HEX)
		sbuf_printf(sb, "= %#lx", (unsigned long)sc->rval);
	else
		sbuf_printf(sb, "= %ld", sc->rval);
}

/**
 * rec_print_siginfo() - the {...} of a "--- SIGNAL {...} ---" line, as strace prints it.
 * @sb: output.
 * @si: the siginfo from PTRACE_GETSIGINFO.
 *
 * Context: any.
 */
void rec_print_siginfo(struct sbuf *sb, const siginfo_t *si)
{
	const char *code = strace_si_code_name(si->si_signo, si->si_code);
	char b[16];

	sbuf_printf(sb, "{si_signo=%s, si_code=", strace_signame(si->si_signo, b));
	if (code)
		sbuf_puts(sb, code);
	else
		sbuf_printf(sb, "%#x", (unsigned int)si->si_code);
	if (si->si_errno) {
		const char *en = strace_errno_name((unsigned long)si->si_errno);

		if (en)
			sbuf_printf(sb, ", si_errno=%s", en);
		else
			sbuf_printf(sb, ", si_errno=%d", si->si_errno);
	}
	if (si->si_code <= 0) {
		/* SI_FROMUSER */
		if (si->si_code == SI_TIMER) {
			sbuf_printf(sb, ", si_timerid=%#x, si_overrun=%d", (unsigned)si->si_timerid,
				    si->si_overrun);
			sbuf_printf(sb, ", si_int=%d, si_ptr=", si->si_int);
			print_addr(sb, (unsigned long)si->si_ptr);
		} else {
			sbuf_printf(sb, ", si_pid=%d, si_uid=%u", si->si_pid, si->si_uid);
			if (si->si_code != SI_USER && si->si_code != SI_TKILL && si->si_ptr) {
				sbuf_printf(sb, ", si_int=%d, si_ptr=", si->si_int);
				print_addr(sb, (unsigned long)si->si_ptr);
			}
		}
	} else {
		switch (si->si_signo) {
		case SIGCHLD:
			sbuf_printf(sb, ", si_pid=%d, si_uid=%u, si_status=", si->si_pid, si->si_uid);
			if (si->si_code == CLD_EXITED)
				sbuf_printf(sb, "%d", si->si_status);
			else
				strace_print_signal(sb, si->si_status);
			sbuf_printf(sb, ", si_utime=%ld, si_stime=%ld", (long)si->si_utime,
				    (long)si->si_stime);
			break;
		case SIGILL: case SIGFPE: case SIGBUS: case SIGSEGV: case SIGTRAP:
			sbuf_puts(sb, ", si_addr=");
			print_addr(sb, (unsigned long)si->si_addr);
			if (si->si_signo == SIGSEGV && si->si_code == SEGV_PKUERR)
				sbuf_printf(sb, ", si_pkey=%u", si->si_pkey);
			if (si->si_signo == SIGSEGV && si->si_code == SEGV_BNDERR) {
				sbuf_puts(sb, ", si_lower=");
				print_addr(sb, (unsigned long)si->si_lower);
				sbuf_puts(sb, ", si_upper=");
				print_addr(sb, (unsigned long)si->si_upper);
			}
			break;
		default:
			if (si->si_pid || si->si_uid)
				sbuf_printf(sb, ", si_pid=%d, si_uid=%u", si->si_pid, si->si_uid);
			if (si->si_ptr) {
				sbuf_printf(sb, ", si_int=%d, si_ptr=", si->si_int);
				print_addr(sb, (unsigned long)si->si_ptr);
			}
		}
	}
	sbuf_putc(sb, '}');
}
