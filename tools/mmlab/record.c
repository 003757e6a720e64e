// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab record -o DIR -- CMD ARGS...: runs CMD under ptrace with address randomization off and
 * writes DIR/trace.strace (a "# machine:" line describing the host, then its memory and
 * process system calls in strace -f -y syntax, each regular file the initial maps show or an
 * mmap names described by a "# file:" line: after the execve, before the first call naming it),
 * DIR/initial.maps (after the first execve) and DIR/final.maps (at the exit of the traced
 * process, before its mm is torn down), and DIR/cmd. The event loop follows strace 6.1's
 * src/strace.c: "[pid N]" prefixes while more than one task is traced, " <unfinished ...>" when
 * another task's line interrupts an open one, "<... NAME resumed>" when it comes back,
 * "= ?" at PTRACE_EVENT_EXIT for a task that dies inside a call, and "+++ superseded by
 * execve in pid N +++" when a thread's execve goes on under its leader's pid. It leaves out
 * attaching to running processes, seccomp filtering and group-stop handling beyond resuming.
 */
#include "cli.h"
#include "commands.h"
#include "host_probe.h"
#include "record.h"
#include "strace_flags.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define ACOLUMN 40 /* strace's default -a: results start in this column */

struct rec_task {
	pid_t pid;
	pid_t tgid;
	bool in_syscall;     /* between syscall-entry and -exit stops */
	bool traced_call;    /* the current call is printed */
	int flags;           /* REC_* from the entry printer */
	bool exit_seen;      /* stopped at PTRACE_EVENT_EXIT: exit_status is known */
	int exit_status;     /* do_exit's code there, in wait status form */
	struct rec_syscall sc;
	struct rec_task *next;
};

/* A regular file a "# file:" line described: written again only when it changes. */
struct rec_file {
	char *path;
	dev_t dev;
	ino_t ino;
};

struct recorder {
	FILE *out;
	const char *dir;
	pid_t leader;            /* the process we started */
	struct rec_task *tasks;
	unsigned int nprocs;
	struct rec_task *printing; /* task whose line is open, or NULL */
	size_t curcol;           /* column in the open line */
	bool initial_written;
	struct sbuf sb;
	struct rec_file *files;  /* regular files a "# file:" line described */
	unsigned int nr_files;
	struct rec_faults faults; /* --faults: the page-fault event (fd -1 without) */
};

static void put(struct recorder *r, const char *s)
{
	fputs(s, r->out);
	r->curcol += strlen(s);
}

static void put_sb(struct recorder *r)
{
	put(r, sbuf_str(&r->sb));
	sbuf_reset(&r->sb);
}

static void newline(struct recorder *r)
{
	fputc('\n', r->out);
	r->curcol = 0;
	r->printing = NULL;
}

/* strace's printleader(): end another task's open line, then "[pid N] " if several tasks. */
static void printleader(struct recorder *r, struct rec_task *t)
{
	char b[32];

	if (r->printing && r->curcol) {
		put(r, " <unfinished ...>");
		newline(r);
	}
	r->printing = t;
	r->curcol = 0;
	if (r->nprocs > 1) {
		snprintf(b, sizeof(b), "[pid %5d] ", t->pid);
		put(r, b);
	}
}

static void tabto(struct recorder *r)
{
	while (r->curcol < ACOLUMN) {
		fputc(' ', r->out);
		r->curcol++;
	}
}

static struct rec_task *find_task(struct recorder *r, pid_t pid)
{
	for (struct rec_task *t = r->tasks; t; t = t->next)
		if (t->pid == pid)
			return t;
	return NULL;
}

static struct rec_task *add_task(struct recorder *r, pid_t pid)
{
	struct rec_task *t = calloc(1, sizeof(*t));
	char path[64], line[256];
	FILE *f;

	if (!t)
		return NULL;
	t->pid = pid;
	t->tgid = pid;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Tgid:", 5))
				t->tgid = atoi(line + 5);
		fclose(f);
	}
	t->next = r->tasks;
	r->tasks = t;
	r->nprocs++;
	return t;
}

static void drop_task(struct recorder *r, struct rec_task *t)
{
	struct rec_task **pp = &r->tasks;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	if (r->printing == t) {
		if (r->curcol)
			newline(r);
		r->printing = NULL;
	}
	r->nprocs--;
	free(t);
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto close_in;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			ret = -EIO;
			break;
		}
	}
	if (n < 0)
		ret = -errno;
	close(out);
close_in:
	close(in);
	return ret;
}

static void snapshot_proc(struct recorder *r, pid_t pid, const char *file, const char *name)
{
	char from[64], to[4096];

	snprintf(from, sizeof(from), "/proc/%d/%s", pid, file);
	snprintf(to, sizeof(to), "%s/%s", r->dir, name);
	if (copy_file(from, to))
		fprintf(stderr, "mmlab record: cannot copy %s to %s\n", from, to);
}

static bool get_info(pid_t pid, struct __ptrace_syscall_info *info)
{
	return ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(*info), info) > 0;
}

/* Whether @path with @st was described already; if not, it is from now on. */
static bool file_seen(struct recorder *r, const char *path, const struct stat *st)
{
	struct rec_file *nf;

	for (unsigned int k = 0; k < r->nr_files; k++) {
		struct rec_file *f = &r->files[k];

		if (strcmp(f->path, path))
			continue;
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return true;
		f->dev = st->st_dev;
		f->ino = st->st_ino;
		return false;
	}
	nf = realloc(r->files, (r->nr_files + 1) * sizeof(*nf));
	if (!nf)
		return true;	/* no line rather than none later: run falls back to the host */
	r->files = nf;
	nf[r->nr_files].path = strdup(path);
	if (!nf[r->nr_files].path)
		return true;
	nf[r->nr_files].dev = st->st_dev;
	nf[r->nr_files++].ino = st->st_ino;
	return false;
}

/* "# file: PATH dev MAJ:MIN ino N size S mode M", on a line of its own. */
static void put_file_line(struct recorder *r, const char *path, const struct stat *st)
{
	if (r->printing && r->curcol) {
		put(r, " <unfinished ...>");
		newline(r);
	}
	fprintf(r->out, "# file: %s dev %u:%u ino %llu size %lld mode %o\n", path,
		major(st->st_dev), minor(st->st_dev), (unsigned long long)st->st_ino,
		(long long)st->st_size, (unsigned int)st->st_mode);
}

/*
 * The recording machine's identity of the regular file an mmap's fd names, once per path and
 * identity, on a line of its own before the call's: "# file: PATH dev MAJ:MIN ino N size S
 * mode M" (decimal device numbers, octal mode). `mmlab run` maps that fd with this identity
 * (run_files.c), so the log replays the same where the file differs or is missing.
 */
static void file_line(struct recorder *r, const struct rec_task *t)
{
	char link[64], path[PATH_MAX + 1];
	int fd = (int)t->sc.args[4];
	struct stat st;
	ssize_t n;

	if (t->sc.nr != 9 /* mmap */ || (t->sc.args[3] & MAP_ANONYMOUS) || fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", t->pid, fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || stat(link, &st) || !S_ISREG(st.st_mode))
		return;
	path[n] = '\0';
	if (path[0] != '/' || strchr(path, '\n') || file_seen(r, path, &st))
		return;
	put_file_line(r, path, &st);
}

/*
 * The files of the initial maps snapshot, after the execve line: the executable, the
 * interpreter and whatever exec mapped, each still the file the snapshot names (same device
 * and inode), so the log describes every regular file its maps show.
 */
static void snapshot_files(struct recorder *r, const char *name)
{
	char snap[4096], *line = NULL, path[PATH_MAX];
	unsigned int maj, min;
	unsigned long ino;
	struct stat st;
	size_t cap = 0;
	FILE *f;
	int n;

	snprintf(snap, sizeof(snap), "%s/%s", r->dir, name);
	f = fopen(snap, "r");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		n = 0;
		if (sscanf(line, "%*x-%*x %*s %*x %x:%x %lu %n", &maj, &min, &ino, &n) < 3 || !n ||
		    line[n] != '/' || sscanf(line + n, "%4095[^\n]", path) != 1)
			continue;
		if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_dev != makedev(maj, min) ||
		    st.st_ino != ino || file_seen(r, path, &st))
			continue;
		put_file_line(r, path, &st);
	}
	free(line);
	fclose(f);
}

static void syscall_entry(struct recorder *r, struct rec_task *t,
			  const struct __ptrace_syscall_info *info)
{
	t->in_syscall = true;
	t->sc = (struct rec_syscall){ .pid = t->pid, .nr = (int)info->entry.nr };
	for (int k = 0; k < 6; k++)
		t->sc.args[k] = info->entry.args[k];
	t->traced_call = rec_syscall_traced(t->sc.nr);
	if (!t->traced_call)
		return;
	file_line(r, t);
	printleader(r, t);
	sbuf_printf(&r->sb, "%s(", rec_syscall_name(t->sc.nr));
	t->flags = rec_print_entry(&r->sb, &t->sc);
	put_sb(r);
	fflush(r->out);
}

static void syscall_exit(struct recorder *r, struct rec_task *t,
			 const struct __ptrace_syscall_info *info)
{
	t->in_syscall = false;
	if (!t->traced_call)
		return;
	t->traced_call = false;
	t->sc.rval = (long)info->exit.rval;
	t->sc.is_error = info->exit.is_error;
	if (r->printing != t) {
		printleader(r, t);
		sbuf_printf(&r->sb, "<... %s resumed>", rec_syscall_name(t->sc.nr));
	}
	rec_print_exit(&r->sb, &t->sc, t->flags);
	sbuf_puts(&r->sb, ") ");
	put_sb(r);
	tabto(r);
	rec_print_ret(&r->sb, &t->sc, t->flags);
	put_sb(r);
	newline(r);
	if (t->sc.nr == 59 && !t->sc.is_error && t->tgid == r->leader && !r->initial_written) {
		snapshot_proc(r, t->pid, "maps", "initial.maps");
		snapshot_files(r, "initial.maps");
		r->initial_written = true;
	}
}

/* strace's print_event_exit(): a task dies inside a call (exit, exit_group, or killed). */
static void event_exit(struct recorder *r, struct rec_task *t)
{
	unsigned long code;

	if (!ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &code)) {
		t->exit_status = (int)code;
		t->exit_seen = true;
	}
	if (t->tgid == r->leader) {
		snapshot_proc(r, t->pid, "maps", "final.maps");
		if (r->faults.on)
			snapshot_proc(r, t->pid, "smaps", "final.smaps");
	}
	if (!t->in_syscall || !t->traced_call)
		return;
	if (r->printing && r->printing != t && r->curcol) {
		put(r, " <unfinished ...>");
		newline(r);
	}
	if (r->printing != t) {
		printleader(r, t);
		sbuf_printf(&r->sb, "<... %s resumed>", rec_syscall_name(t->sc.nr));
	}
	if (!(t->flags & REC_DECODED))
		sbuf_puts(&r->sb, " <unfinished ...>");
	sbuf_puts(&r->sb, ") ");
	put_sb(r);
	tabto(r);
	put(r, "= ?");
	newline(r);
	t->traced_call = false;
}

static void print_signal(struct recorder *r, struct rec_task *t, const siginfo_t *si)
{
	char b[16];

	printleader(r, t);
	sbuf_printf(&r->sb, "--- %s ", strace_signame(si->si_signo, b));
	rec_print_siginfo(&r->sb, si);
	sbuf_puts(&r->sb, " ---");
	put_sb(r);
	newline(r);
}

static void print_gone(struct recorder *r, struct rec_task *t, int status)
{
	char b[16];

	printleader(r, t);
	if (WIFEXITED(status))
		sbuf_printf(&r->sb, "+++ exited with %d +++", WEXITSTATUS(status));
	else
		sbuf_printf(&r->sb, "+++ killed by %s %s+++", strace_signame(WTERMSIG(status), b),
			    WCOREDUMP(status) ? "(core dumped) " : "");
	put_sb(r);
	newline(r);
}

/*
 * The fault a SIGSEGV or SIGBUS the kernel sent (@si, at @tid's signal-delivery stop) came
 * from: the thread's last user-mode fault on the page of si_addr among the @n due ones, or
 * none (-1).
 */
static long signal_fault(const struct recorder *r, size_t n, pid_t tid, const siginfo_t *si)
{
	uint64_t page;

	if (!si || (si->si_signo != SIGSEGV && si->si_signo != SIGBUS) || si->si_code <= 0)
		return -1;
	page = (uint64_t)(uintptr_t)si->si_addr & ~4095ULL;
	for (size_t k = n; k-- > 0;) {
		const struct rec_fault *f = &r->faults.pending[k];

		if (f->tid == tid && !f->kernel && (f->addr & ~4095ULL) == page)
			return (long)k;
	}
	return -1;
}

/*
 * --faults: the faults taken before @now (a stop's time, or all at the end), each as
 * `touch(ADDR, 1, "r"|"w"|"x") = 0` under its thread's pid, in time order, before the stop's
 * own line. At @tid's signal-delivery stop for the SIGSEGV or SIGBUS @si (else NULL), the
 * fault it came from shows the signal as its result: `= SIGSEGV SEGV_MAPERR`.
 */
static void print_faults(struct recorder *r, uint64_t now, pid_t tid, const siginfo_t *si)
{
	long sigk;
	size_t n;
	char b[96];

	if (!r->faults.on)
		return;
	n = rec_faults_due(&r->faults, now);
	sigk = signal_fault(r, n, tid, si);
	for (size_t k = 0; k < n; k++) {
		const struct rec_fault *f = &r->faults.pending[k];
		struct rec_task *t = find_task(r, f->tid);

		if (f->kernel && t && t->in_syscall && t->traced_call) {
			r->faults.in_calls++; /* the call's line stands for it */
			continue;
		}
		if (f->special) {
			/* [vsyscall] is a gate area in mmlab, no VMA to touch: a comment */
			if (r->printing && r->curcol) {
				put(r, " <unfinished ...>");
				newline(r);
			}
			fprintf(r->out, "# special-mapping fault: pid %d touch(%#llx, 1, \"%c\")\n",
				f->tid, (unsigned long long)f->addr, f->mode);
			continue;
		}
		if (t) {
			printleader(r, t);
		} else {
			if (r->printing && r->curcol) {
				put(r, " <unfinished ...>");
				newline(r);
			}
			snprintf(b, sizeof(b), "[pid %5d] ", f->tid);
			put(r, b);
		}
		snprintf(b, sizeof(b), "touch(%#llx, 1, \"%c\") ", (unsigned long long)f->addr,
			 f->mode);
		put(r, b);
		tabto(r);
		if ((long)k == sigk) {
			const char *code = strace_si_code_name(si->si_signo, si->si_code);
			char name[16];

			snprintf(b, sizeof(b), "= %s %s", strace_signame(si->si_signo, name),
				 code ? code : "");
			put(r, b);
		} else {
			put(r, "= 0");
		}
		newline(r);
		r->faults.printed++;
	}
	rec_faults_consume(&r->faults, n);
}

/* Handles one wait status; returns the signal to inject when resuming, or -1 not to resume. */
static int handle_stop(struct recorder *r, struct rec_task *t, int status, bool fresh)
{
	int sig = WSTOPSIG(status), event = (unsigned int)status >> 16;
	struct __ptrace_syscall_info info;
	siginfo_t si;

	if (sig == (SIGTRAP | 0x80)) {
		if (!get_info(t->pid, &info))
			return 0;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
			syscall_entry(r, t, &info);
		else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
			syscall_exit(r, t, &info);
		return 0;
	}
	if (sig == SIGTRAP && event) {
		if (event == PTRACE_EVENT_EXIT)
			event_exit(r, t);
		return 0;
	}
	if (fresh && sig == SIGSTOP)
		return 0; /* the stop every new tracee starts with */
	if (ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si) < 0)
		return 0; /* group-stop: just resume */
	print_signal(r, t, &si);
	return sig;
}

/* The siginfo of a signal-delivery stop when faults are recorded, else NULL. */
static const siginfo_t *stop_siginfo(const struct recorder *r, pid_t pid, int status,
				     siginfo_t *si)
{
	int sig = WSTOPSIG(status);

	if (!r->faults.on || !WIFSTOPPED(status) || ((unsigned int)status >> 16) ||
	    (sig != SIGSEGV && sig != SIGBUS) || ptrace(PTRACE_GETSIGINFO, pid, 0, si) < 0)
		return NULL;
	return si;
}

/*
 * strace's maybe_switch_tcbs(): a non-leader thread's execve goes on under the leader's pid
 * @t (de_thread), so the thread's open call moves to @t and the thread's task is dropped. As
 * strace does, an execve line still open is closed with " <pid changed to LEADER ...>" (no
 * other task's line came between: the leader died in a call not traced) and
 * "+++ superseded by execve in pid N +++" comes before the "<... execve resumed>" line, which
 * `mmlab run` needs to find the entry under the leader's pid.
 */
static void exec_switch(struct recorder *r, struct rec_task *t)
{
	struct rec_task *old;
	unsigned long former;
	char b[64];

	if (ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &former) || (pid_t)former == t->pid)
		return;
	old = find_task(r, (pid_t)former);
	if (!old)
		return;
	if (r->printing == old && r->curcol) {
		snprintf(b, sizeof(b), " <pid changed to %d ...>", t->pid);
		put(r, b);
		newline(r);
	}
	t->in_syscall = old->in_syscall;
	t->traced_call = old->traced_call;
	t->sc = old->sc;
	t->sc.pid = t->pid;
	t->flags = old->flags;
	drop_task(r, old);
	printleader(r, t);
	sbuf_printf(&r->sb, "+++ superseded by execve in pid %d +++", (int)former);
	put_sb(r);
	newline(r);
}

static int trace_loop(struct recorder *r)
{
	int exit_code = 0;

	while (r->nprocs) {
		struct rec_task *t;
		bool fresh = false;
		siginfo_t si;
		int status, sig;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR) {
				rec_faults_drain(&r->faults); /* SIGIO: the buffer is half full */
				continue;
			}
			break;
		}
		print_faults(r, rec_clock_ns(), pid, stop_siginfo(r, pid, status, &si));
		t = find_task(r, pid);
		if (!t) {
			t = add_task(r, pid);
			if (!t)
				return -ENOMEM;
			fresh = true;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			/*
			 * A thread that exited on its own but is reaped after its group began to
			 * exit reports the group's code (wait_task_zombie), so what waitpid said
			 * depended on how soon this loop got to it: under load the leader's stops
			 * come first and a thread's exit(0) showed as the exit_group's 3. strace
			 * reaps at once and prints the thread's own code, which do_exit gave
			 * PTRACE_EVENT_EXIT. A leader is reaped only after its threads anyway.
			 */
			if (t->exit_seen && t->pid != t->tgid)
				status = t->exit_status;
			print_gone(r, t, status);
			if (pid == r->leader)
				exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
							      : 128 + WTERMSIG(status);
			drop_task(r, t);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (((unsigned int)status >> 16) == PTRACE_EVENT_EXEC)
			exec_switch(r, t);
		sig = handle_stop(r, t, status, fresh);
		if (sig >= 0)
			ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)sig);
	}
	print_faults(r, UINT64_MAX, 0, NULL);
	fflush(r->out);
	return exit_code;
}

/* Resolves CMD through $PATH as strace does, so execve shows the same filename. */
static char *resolve_cmd(const char *cmd)
{
	const char *path = getenv("PATH");
	char *buf;

	if (strchr(cmd, '/') || !path)
		return strdup(cmd);
	buf = malloc(strlen(path) + strlen(cmd) + 2);
	if (!buf)
		return NULL;
	for (const char *p = path; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct stat st;

		if (n) {
			memcpy(buf, p, n);
			buf[n] = '/';
			strcpy(buf + n + 1, cmd);
			if (!stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
				return buf;
		}
		p += n + (e ? 1 : 0);
	}
	strcpy(buf, cmd);
	return buf;
}

struct record_opts {
	const char *dir;  /* -o */
	bool faults;      /* --faults */
};

static int set_dir(void *ctx, const char *v)
{
	((struct record_opts *)ctx)->dir = v;
	return 0;
}

static int set_faults(void *ctx, const char *v)
{
	(void)v;
	((struct record_opts *)ctx)->faults = true;
	return 0;
}

static const struct cli_opt record_opts[] = {
	{ "output", 'o', "DIR", "write trace.strace, initial.maps, final.maps and cmd here "
				"(created if missing)", set_dir },
	{ "faults", 'F', NULL, "also record every page fault (perf's software page-fault event) "
			       "as touch() lines, and final.smaps at exit", set_faults },
};

static const struct cli_cmd record_cmd = {
	.name = "record",
	.operands = "-o DIR [--] CMD [ARGS...]",
	.summary = "Record a program's memory and process system calls (strace -f -y syntax) and "
		   "its maps.",
	.details = "With --faults, the program's page faults are lines touch(ADDR, 1, "
		   "\"r\"|\"w\"|\"x\") = 0\namong the system calls, in time order (the README "
		   "says how they are classified\nand which are left out).\n"
		   "Exit status: the command's own (128+N when signal N killed it), 2 for usage "
		   "errors,\n127 when CMD is not found and 126 when it cannot be executed (nothing "
		   "is written then),\n1 when tracing fails (or --faults cannot open its event).",
	.opts = record_opts,
	.nr_opts = sizeof(record_opts) / sizeof(record_opts[0]),
	.stop_at_operand = true,
};

/**
 * cmd_record_help() - the help of `mmlab record`.
 * @f: where to print.
 *
 * Context: any.
 */
void cmd_record_help(FILE *f)
{
	cli_help(&record_cmd, f);
}

/*
 * The program execv will run, checked before anything is written: a command that does not
 * exist leaves no directory and no file behind. Return: 0, 127 or 126 (the shell's codes).
 */
static int check_cmd(const char *cmd, const char *exe)
{
	struct stat st;

	if (stat(exe, &st)) {
		fprintf(stderr, "mmlab record: %s: %s\n", cmd,
			strchr(cmd, '/') ? strerror(errno) : "command not found");
		return 127;
	}
	if (!S_ISREG(st.st_mode) || access(exe, X_OK)) {
		fprintf(stderr, "mmlab record: %s: %s\n", cmd,
			S_ISDIR(st.st_mode) ? "is a directory" : strerror(EACCES));
		return 126;
	}
	return 0;
}

/* A number from a /proc or /proc/sys file: the first one after @key (NULL: at the start). */
static unsigned long proc_number(const char *path, const char *key, unsigned long dflt)
{
	char line[256];
	unsigned long v = dflt;
	FILE *f = fopen(path, "re");

	if (!f)
		return dflt;
	while (fgets(line, sizeof(line), f)) {
		if (key && strncmp(line, key, strlen(key)))
			continue;
		if (sscanf(line + (key ? strlen(key) : 0), " %lu", &v) != 1)
			v = dflt;
		break;
	}
	fclose(f);
	return v;
}

/* A hexadecimal field of /proc/self/status (the capability sets). */
static unsigned long proc_hex(const char *key)
{
	char line[256];
	unsigned long v = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && sscanf(line + strlen(key), " %lx", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* The resource limits by the names `mmlab run` reads back, in RLIMIT_* order. */
static const char *const rlimit_names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS",
	"LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
};

static void put_rlim(FILE *out, rlim_t v)
{
	if (v == RLIM_INFINITY)
		fputs("inf", out);
	else
		fprintf(out, "%llu", (unsigned long long)v);
}

/* " rlimits=NAME:CUR:MAX,...": the limits the traced program starts with (the recorder's). */
static void put_rlimits(FILE *out)
{
	const char *sep = " rlimits=";

	for (int i = 0; i < (int)(sizeof(rlimit_names) / sizeof(rlimit_names[0])); i++) {
		struct rlimit rl;

		if (getrlimit(i, &rl))
			continue;
		fprintf(out, "%s%s:", sep, rlimit_names[i]);
		put_rlim(out, rl.rlim_cur);
		fputc(':', out);
		put_rlim(out, rl.rlim_max);
		sep = ",";
	}
}

static void put_size_kb(FILE *out, const char *key, unsigned long kb)
{
	if (kb)
		fprintf(out, " %s=%luK", key, kb);
	else
		fprintf(out, " %s=0", key);
}

/*
 * The first line of a recording, which `mmlab run` reads back (run_machine.c): the machine
 * it was made on - RAM and swap as /proc/meminfo counts them, the overcommit sysctls and
 * vm.mmap_min_addr, the
 * CPU's protection keys - and the ids, capability sets and resource limits the traced
 * program starts with (the recorder's).
 */
static void write_machine_line(FILE *out)
{
	unsigned long kbytes = proc_number("/proc/sys/vm/overcommit_kbytes", NULL, 0);

	fputs("# machine:", out);
	put_size_kb(out, "ram", proc_number("/proc/meminfo", "MemTotal:", 0));
	put_size_kb(out, "swap", proc_number("/proc/meminfo", "SwapTotal:", 0));
	fprintf(out, " overcommit=%lu", proc_number("/proc/sys/vm/overcommit_memory", NULL, 0));
	if (kbytes)
		fprintf(out, " overcommit_kbytes=%lu", kbytes);
	else
		fprintf(out, " overcommit_ratio=%lu",
			proc_number("/proc/sys/vm/overcommit_ratio", NULL, 50));
	fprintf(out, " mmap_min_addr=%lu", proc_number("/proc/sys/vm/mmap_min_addr", NULL, 65536));
	fprintf(out, " pku=%s zero_page=%s uid=%u gid=%u", host_cpu_has_pku() ? "yes" : "no",
		host_has_zero_page() ? "yes" : "no", (unsigned)getuid(), (unsigned)getgid());
	/* A root whose capabilities were cut (a container's) answers differently: say so. */
	fprintf(out, " cap_eff=%#lx cap_prm=%#lx", proc_hex("CapEff:"), proc_hex("CapPrm:"));
	put_rlimits(out);
	fputc('\n', out);
}

static int write_cmd(const char *dir, char **argv)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cmd", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (int k = 0; argv[k]; k++)
		fprintf(f, "%s%s", k ? " " : "", argv[k]);
	fputc('\n', f);
	return fclose(f) ? -EIO : 0;
}

/**
 * cmd_record() - the "mmlab record" subcommand.
 * @argc: argument count, argv[0] being "record".
 * @argv: "record", "-o", DIR, "--", CMD, ARGS...
 *
 * Context: process context; forks and traces the command.
 * Return: the command's exit status (128+signal when killed), 2 for usage errors, 127 when
 * the command does not exist and 126 when it cannot be executed (nothing written), 1 when
 * tracing fails.
 */
int cmd_record(int argc, char **argv)
{
	struct recorder r = { .faults = { .kpageflags = -1 } };
	struct record_opts o = { 0 };
	const char *dir;
	char path[4096], why[160], *exe;
	int k, status, ret;
	pid_t pid;

	switch (cli_parse(&record_cmd, argc, argv, &o, &k)) {
	case CLI_HELP:
		return 0;
	case CLI_USAGE:
		return 2;
	case CLI_OK:
		break;
	}
	dir = o.dir;
	if (!dir || k >= argc) {
		cli_usage_error(&record_cmd, !dir ? "no output directory (-o DIR)" : "no command");
		return 2;
	}
	exe = resolve_cmd(argv[k]);
	if (!exe) {
		fprintf(stderr, "mmlab record: out of memory\n");
		return 1;
	}
	ret = check_cmd(argv[k], exe);
	if (ret) {
		free(exe);
		return ret;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "mmlab record: %s: %s\n", dir, strerror(errno));
		free(exe);
		return 1;
	}
	if (write_cmd(dir, argv + k)) {
		fprintf(stderr, "mmlab record: cannot write %s/cmd\n", dir);
		free(exe);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/trace.strace", dir);
	r.out = fopen(path, "w");
	if (!r.out) {
		fprintf(stderr, "mmlab record: %s: %s\n", path, strerror(errno));
		free(exe);
		return 1;
	}
	r.dir = dir;
	write_machine_line(r.out);
	fflush(r.out); /* before the fork: the child must not write it again */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int p = personality(0xffffffff);

		if (p != -1)
			personality((unsigned long)p | ADDR_NO_RANDOMIZE);
		fclose(r.out);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(127);
		raise(SIGSTOP);
		execv(exe, argv + k);
		_exit(127);
	}
	free(exe);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		fclose(r.out);
		return 1;
	}
	r.leader = pid;
	if (o.faults && rec_faults_open(&r.faults, pid, why, sizeof(why))) {
		fprintf(stderr, "mmlab record: --faults: %s\n", why);
		kill(pid, SIGKILL);
		fclose(r.out);
		return 1;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
			   PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
			   PTRACE_O_EXITKILL) < 0 ||
	    !add_task(&r, pid)) {
		kill(pid, SIGKILL);
		fclose(r.out);
		return 1;
	}
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	ret = trace_loop(&r);
	if (r.faults.on) {
		fprintf(r.out, "# faults: %llu recorded, %llu lost, %s\n",
			(unsigned long long)r.faults.printed, (unsigned long long)r.faults.lost,
			r.faults.with_kernel ?
				"kernel-mode ones of the calls above left to them" :
				"kernel-mode ones not sampled (perf_event_paranoid)");
		if (r.faults.lost)
			fprintf(stderr, "mmlab record: %llu page faults lost (the ring buffer was "
				"full)\n", (unsigned long long)r.faults.lost);
	}
	rec_faults_close(&r.faults);
	while (r.tasks)
		drop_task(&r, r.tasks);
	sbuf_free(&r.sb);
	for (unsigned int f = 0; f < r.nr_files; f++)
		free(r.files[f].path);
	free(r.files);
	if (fclose(r.out))
		return 1;
	return ret < 0 ? 1 : ret;
}
