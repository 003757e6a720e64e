// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of mmlab_execve against the host's execve. Each program named on the
 * command line is started on the host under ptrace with address randomization off, with a
 * fixed argv and environment, and stopped right after its execve (the SIGTRAP of a traced
 * exec: the image is loaded, no instruction has run). The same path is then executed in an
 * mmlab task without ASLR. Compared:
 *   - /proc/PID/maps, every line: addresses, permissions, offsets, device, inode, names;
 *   - the pages exec touched: smaps' Rss and Anonymous of each VMA;
 *   - /proc/PID/stat's start_code, end_code, start_stack, start_data, end_data, start_brk,
 *     arg_start, arg_end, env_start, env_end (fields 26-28, 45-51);
 *   - the stack from the stack pointer up to its top, byte for byte (argc, argv, envp, the
 *     auxiliary vector, the strings), but for AT_RANDOM's 16 random bytes; mmlab's is read
 *     with mmlab_peek;
 *   - the auxiliary vector read back from mmlab's stack against /proc/PID/auxv.
 * "--cases" adds the error and script cases (check_cases): both sides must fail with the same
 * errno, or load the same program (with execveat's forms: a directory fd, AT_EMPTY_PATH,
 * AT_SYMLINK_NOFOLLOW); "--malformed N" N damaged copies of /bin/true
 * (check_malformed), where a host process killed after the point of no return must be an
 * mmlab failure that kills the task with the same signal (SIGSEGV), and an exec that fails
 * before it must not kill. Programs that do not exist are skipped; "-n N" makes fewer
 * than N compared execs a failure. Usage: diffexec2 [-n N] [--cases] [--malformed N] PROGRAM...
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

#define STACK_END 0x7ffffffff000UL	/* The stack's top without ASLR */
#define MAX_AUXV 64
#define MAX_ARG_STRLEN_TEST (32 * 4096)

static const char *const test_envp[] = { "PATH=/usr/bin:/bin", "LANG=C", "MMLAB_EXEC=diff",
					 "HOME=/nonexistent", NULL };

/* What one exec left, on either side. */
struct exec_state {
	char *maps;			/* /proc/PID/maps text */
	char *smaps;			/* /proc/PID/smaps text */
	unsigned long stat[10];		/* The stat fields below, in that order */
	unsigned long sp;		/* The stack pointer: argc */
	unsigned char *stack;		/* [sp, STACK_END) */
	size_t stack_len;
	unsigned long auxv[2 * MAX_AUXV]; /* Pairs up to AT_NULL included */
	int auxv_words;
	int killed;			/* A failed exec killed the process: the signal */
};

/*
 * One execve: a path, its argv, and whether the path is held open for writing meanwhile; or
 * an execveat of the path under fd AT_FD, which both sides open from @at_open first.
 */
struct exec_case {
	const char *path;
	const char *const *argv;	/* NULL: { path, "--version", "two words", "", NULL } */
	bool open_write;
	rlim_t stack;			/* RLIMIT_STACK for the exec; 0: the caller's */
	const char *at_open;		/* execveat: what fd AT_FD is opened on ("": left closed);
					 * NULL: execve */
	int at_oflags;			/* Its open flags (O_CLOEXEC: the fd is close-on-exec) */
	int at_flags;			/* execveat's flags */
};

#define AT_FD 10			/* The dirfd of execveat cases, on both sides */

static const int stat_field[10] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
static const char *const stat_name[10] = { "start_code", "end_code", "start_stack",
					   "start_data", "end_data", "start_brk", "arg_start",
					   "arg_end", "env_start", "env_end" };

static void state_free(struct exec_state *s)
{
	free(s->maps);
	free(s->smaps);
	free(s->stack);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	out = open_memstream(&text, &size);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(out);
	fclose(f);
	return text;
}

static int host_stat(pid_t pid, unsigned long v[10])
{
	char path[64], *text, *p;
	int field = 2, k = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	text = read_text(path);
	if (!text || !(p = strrchr(text, ')'))) {
		free(text);
		return -1;
	}
	for (p++; *p && k < 10;) {
		int n = 0;

		if (sscanf(p, " %*s%n", &n) < 0 || !n)
			break;
		field++;
		if (field == stat_field[k])
			v[k++] = strtoul(p, NULL, 10);
		p += n;
	}
	free(text);
	return k == 10 ? 0 : -1;
}

/*
 * The host's exec of @prog, stopped at its SIGTRAP; a failed execve's errno is the child's
 * exit status (*@errnum). @wfd: a file the child keeps open for writing, or -1.
 */
static int host_exec(const char *prog, const char *const argv[], int wfd,
		     const struct exec_case *c, int *errnum, struct exec_state *s)
{
	struct user_regs_struct regs;
	char path[64];
	int st, fd, err = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit rl;

		if (c->stack && !getrlimit(RLIMIT_STACK, &rl)) {
			rl.rlim_cur = c->stack;
			setrlimit(RLIMIT_STACK, &rl);
		}
		personality(ADDR_NO_RANDOMIZE);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		if (!c->at_open) {
			execve(prog, (char *const *)argv, (char *const *)test_envp);
			_exit(errno);
		}
		if (*c->at_open) {
			fd = open(c->at_open, c->at_oflags & ~O_CLOEXEC);
			if (fd < 0 || dup3(fd, AT_FD, c->at_oflags & O_CLOEXEC) != AT_FD)
				_exit(errno);
			close(fd);
		} else {
			close(AT_FD);
		}
		syscall(SYS_execveat, AT_FD, prog, argv, test_envp, c->at_flags);
		_exit(errno);
	}
	if (wfd >= 0)
		close(wfd);
	*errnum = 0;
	if (pid >= 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)) {
		*errnum = WEXITSTATUS(st);
		return 0;
	}
	/* a failure after the point of no return: the kernel kills the process (SIGSEGV) */
	if (pid >= 0 && (WIFSIGNALED(st) || (WIFSTOPPED(st) && WSTOPSIG(st) != SIGTRAP))) {
		s->killed = WIFSTOPPED(st) ? WSTOPSIG(st) : WTERMSIG(st);
		if (WIFSTOPPED(st)) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
		*errnum = -1;
		return 0;
	}
	if (pid < 0 || !WIFSTOPPED(st)) {
		fprintf(stderr, "%s: did not stop at exec\n", prog);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	s->maps = read_text(path);
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	s->smaps = read_text(path);
	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, s->auxv, sizeof(s->auxv));

		s->auxv_words = n > 0 ? (int)(n / sizeof(unsigned long)) : 0;
		close(fd);
	}
	if (s->maps && s->auxv_words && !host_stat(pid, s->stat) &&
	    !ptrace(PTRACE_GETREGS, pid, 0, &regs) && regs.rsp < STACK_END) {
		s->sp = regs.rsp;
		s->stack_len = STACK_END - s->sp;
		s->stack = malloc(s->stack_len);
		snprintf(path, sizeof(path), "/proc/%d/mem", pid);
		fd = open(path, O_RDONLY);
		if (fd >= 0 && s->stack &&
		    pread(fd, s->stack, s->stack_len, (off_t)s->sp) == (ssize_t)s->stack_len)
			err = 0;
		if (fd >= 0)
			close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (err)
		fprintf(stderr, "%s: cannot read the host's /proc/%d\n", prog, pid);
	return err;
}

/* The auxiliary vector on a stack image: after argc, argv[], NULL, envp[], NULL. */
static int stack_auxv(const struct exec_state *s, unsigned long *auxv)
{
	const unsigned long *w = (const unsigned long *)s->stack;
	size_t n = s->stack_len / sizeof(*w), i = 1 + w[0] + 1;
	int k = 0;

	while (i < n && w[i])
		i++;
	for (i++; i + 1 < n && k < 2 * MAX_AUXV; i += 2) {
		auxv[k++] = w[i];
		auxv[k++] = w[i + 1];
		if (w[i] == AT_NULL)
			break;
	}
	return k;
}

static int mmlab_exec(struct mmlab_machine *m, const char *prog, const char *const argv[],
		      const struct exec_case *c, int *errnum, struct exec_state *s)
{
	/* the host's ids; root has every capability (mappings below vm.mmap_min_addr...) */
	struct mmlab_task_config cfg = { .no_aslr = 1, .uid = getuid(), .gid = getgid(),
					 .privileged = !geteuid() };
	struct mmlab_task_info info;
	struct mmlab_task *t;
	struct rlimit rl;
	size_t size = 0;
	FILE *f;
	int err;

	if (!getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur != RLIM_INFINITY)
		cfg.rlimit_stack = rl.rlim_cur;
	if (c->stack)
		cfg.rlimit_stack = c->stack == RLIM_INFINITY ? MMLAB_RLIM_INFINITY : c->stack;
	if (mmlab_task_create(m, &cfg, &t))
		return -1;
	if (c->open_write && mmlab_openat(t, prog, O_WRONLY, 0) < 0) {
		mmlab_task_destroy(t);
		return -1;
	}
	if (c->at_open && *c->at_open) {
		int fd = mmlab_openat(t, c->at_open, c->at_oflags & ~O_CLOEXEC, 0);

		if (fd < 0 || mmlab_dup3(t, fd, AT_FD, c->at_oflags & O_CLOEXEC) != AT_FD ||
		    mmlab_close(t, fd)) {
			fprintf(stderr, "%s: mmlab cannot open %s as fd %d\n", prog, c->at_open,
				AT_FD);
			mmlab_task_destroy(t);
			return -1;
		}
	}
	err = c->at_open ? mmlab_execveat(t, AT_FD, prog, argv, test_envp, c->at_flags)
			 : mmlab_execve(t, prog, argv, test_envp);
	*errnum = -err;
	if (err) {
		struct mmlab_signals sig;

		if (!mmlab_task_signals(t, &sig))
			s->killed = sig.killed_by;
		mmlab_task_destroy(t);
		return 0;
	}
	f = open_memstream(&s->maps, &size);
	mmlab_proc_maps(t, f);
	fclose(f);
	f = open_memstream(&s->smaps, &size);
	mmlab_proc_smaps(t, f);
	fclose(f);
	mmlab_task_info(t, &info);
	s->stat[0] = info.start_code;
	s->stat[1] = info.end_code;
	s->stat[2] = info.start_stack;
	s->stat[3] = info.start_data;
	s->stat[4] = info.end_data;
	s->stat[5] = info.start_brk;
	s->stat[6] = info.arg_start;
	s->stat[7] = info.arg_end;
	s->stat[8] = info.env_start;
	s->stat[9] = info.env_end;
	s->sp = info.start_stack;
	s->stack_len = s->sp < STACK_END ? STACK_END - s->sp : 0;
	s->stack = malloc(s->stack_len ? s->stack_len : 1);
	err = s->stack_len && s->stack ? mmlab_peek(t, s->sp, s->stack, s->stack_len, NULL) : -1;
	if (!err) {
		s->auxv_words = stack_auxv(s, s->auxv);
		err = mmlab_task_validate(t);
	}
	mmlab_task_destroy(t);
	if (err)
		fprintf(stderr, "%s: mmlab's stack cannot be read or the task is invalid\n", prog);
	return err;
}

/* Line by line; the first few differing lines are printed. */
static int compare_maps(const char *prog, const char *host, const char *lab)
{
	int bad = 0, line = 1;

	while (*host || *lab) {
		size_t hl = strcspn(host, "\n"), ll = strcspn(lab, "\n");

		if (hl != ll || memcmp(host, lab, hl)) {
			if (bad++ < 6)
				fprintf(stderr, "%s: maps line %d\n  host:  %.*s\n  mmlab: %.*s\n",
					prog, line, (int)hl, host, (int)ll, lab);
		}
		host += hl + (host[hl] == '\n');
		lab += ll + (lab[ll] == '\n');
		line++;
	}
	return bad;
}

/*
 * The pages exec itself touched, VMA by VMA: smaps' Rss and Anonymous lines in order (the
 * stack's strings and tables, the bss's partial page cleared through a copy-on-write fault).
 */
static char *smaps_rss(const char *text)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, "Rss:", 4) || !strncmp(p, "Anonymous:", 10))
			fprintf(f, "%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	fclose(f);
	return out;
}

static int compare_rss(const char *prog, const struct exec_state *h, const struct exec_state *l)
{
	char *hr = smaps_rss(h->smaps), *lr = smaps_rss(l->smaps);
	int bad = strcmp(hr, lr) != 0;

	if (bad)
		fprintf(stderr, "%s: smaps Rss/Anonymous differ\n--- host\n%s--- mmlab\n%s", prog,
			hr, lr);
	free(hr);
	free(lr);
	return bad;
}

static unsigned long auxv_get(const unsigned long *auxv, int words, unsigned long type)
{
	for (int i = 0; i + 1 < words; i += 2)
		if (auxv[i] == type)
			return auxv[i + 1];
	return 0;
}

static int compare_stack(const char *prog, const struct exec_state *h, const struct exec_state *l)
{
	unsigned long rnd = auxv_get(h->auxv, h->auxv_words, AT_RANDOM);
	int bad = 0;

	if (h->sp != l->sp || h->stack_len != l->stack_len) {
		fprintf(stderr, "%s: stack pointer host %#lx, mmlab %#lx\n", prog, h->sp, l->sp);
		return 1;
	}
	for (size_t i = 0; i < h->stack_len; i++) {
		unsigned long a = h->sp + i;

		if (a >= rnd && a < rnd + 16)
			continue;
		if (h->stack[i] != l->stack[i] && bad++ < 4)
			fprintf(stderr, "%s: stack byte at %#lx: host %#x, mmlab %#x\n", prog, a,
				h->stack[i], l->stack[i]);
	}
	if (h->auxv_words != l->auxv_words ||
	    memcmp(h->auxv, l->auxv, (size_t)h->auxv_words * sizeof(unsigned long))) {
		fprintf(stderr, "%s: auxv differs (%d words on the host, %d in mmlab)\n", prog,
			h->auxv_words, l->auxv_words);
		for (int i = 0; i + 1 < h->auxv_words || i + 1 < l->auxv_words; i += 2)
			fprintf(stderr, "  %2lu %#lx | %2lu %#lx\n", h->auxv[i], h->auxv[i + 1],
				l->auxv[i], l->auxv[i + 1]);
		bad++;
	}
	return bad;
}


static int check(struct mmlab_machine *m, const struct exec_case *c, int *compared)
{
	const char *const dflt[] = { c->path, "--version", "two words", "", NULL };
	const char *const *argv = c->argv ? c->argv : dflt;
	struct exec_state h = { 0 }, l = { 0 };
	int bad = 0, herr = 0, lerr = 0, wfd = -1;

	if (c->open_write && (wfd = open(c->path, O_WRONLY)) < 0)
		return 1;
	if (host_exec(c->path, argv, wfd, c, &herr, &h) ||
	    mmlab_exec(m, c->path, argv, c, &lerr, &l)) {
		state_free(&h);
		state_free(&l);
		return 1;
	}
	(*compared)++;
	if (herr == -1) {
		/* killed after the point of no return: mmlab must be killed too (its own errno) */
		bad = !lerr || l.killed != h.killed;
		printf("%s: %s (host killed by signal %d at exec, mmlab %s, signal %d)\n", c->path,
		       bad ? "differs" : "same", h.killed, strerror(lerr), l.killed);
		state_free(&h);
		state_free(&l);
		return bad;
	}
	if (herr || lerr) {
		bad = herr != lerr || l.killed;
		printf("%s: %s (host %s, mmlab %s)\n", c->path, bad ? "differs" : "same",
		       strerror(herr), strerror(lerr));
		state_free(&h);
		state_free(&l);
		return bad;
	}
	bad += compare_maps(c->path, h.maps, l.maps);
	for (int i = 0; i < 10; i++)
		if (h.stat[i] != l.stat[i] && ++bad)
			fprintf(stderr, "%s: %s host %#lx, mmlab %#lx\n", c->path, stat_name[i],
				h.stat[i], l.stat[i]);
	bad += compare_stack(c->path, &h, &l);
	bad += compare_rss(c->path, &h, &l);
	printf("%s: %s\n", c->path, bad ? "differs" : "same");
	state_free(&h);
	state_free(&l);
	return bad ? 1 : 0;
}

static void write_file(const char *dir, const char *name, const void *data, size_t len,
		       mode_t mode, char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd >= 0) {
		if (write(fd, data, len) != (ssize_t)len)
			perror(path);
		close(fd);
	}
	chmod(path, mode);
}

/* A copy of /bin/true with @patch applied at @off (NULL: none). */
static void write_true(const char *dir, const char *name, long off, const void *patch,
		       size_t plen, mode_t mode, char *path, size_t size)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen("/bin/true", "rb"), *out = open_memstream(&text, &len);
	char buf[4096];
	size_t n;

	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(out);
	if (f)
		fclose(f);
	if (patch && off >= 0 && (size_t)off + plen <= len)
		memcpy(text + off, patch, plen);
	write_file(dir, name, text, len, mode, path, size);
	free(text);
}

/* Where /bin/true's PT_INTERP string is in the file, or -1. */
static long interp_offset(void)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	long off = -1;
	FILE *f = fopen("/bin/true", "rb");

	if (!f || fread(&eh, sizeof(eh), 1, f) != 1) {
		if (f)
			fclose(f);
		return -1;
	}
	for (int i = 0; i < eh.e_phnum; i++)
		if (!fseek(f, (long)(eh.e_phoff + (unsigned)i * sizeof(ph)), SEEK_SET) &&
		    fread(&ph, sizeof(ph), 1, f) == 1 && ph.p_type == PT_INTERP)
			off = (long)ph.p_offset;
	fclose(f);
	return off;
}

/*
 * The error and script cases, in a fresh directory: each execve either fails with the same
 * errno on both sides, or loads the same program (a script's interpreter) with the same maps
 * and stack.
 */
/*
 * execveat's forms (@link and @script receive paths in @dir): under a directory fd, close-on-
 * exec or not, and an O_PATH one; an fd's own file (AT_EMPTY_PATH, fexecve), O_PATH too; a
 * symlink followed or not (AT_SYMLINK_NOFOLLOW: ELOOP); a script under a directory fd
 * (argv names "/dev/fd/10/script") and under a close-on-exec one (ENOENT); an absolute path
 * ignoring a closed fd; bad flags (EINVAL), a closed fd (EBADF), a file as the directory
 * (ENOTDIR), an empty path without AT_EMPTY_PATH (ENOENT) and of a directory fd (EACCES).
 * Return: the cases written to @cases.
 */
static int execveat_cases(const char *dir, char *link, char *script, struct exec_case *cases)
{
	const int nofollow = AT_SYMLINK_NOFOLLOW, empty = AT_EMPTY_PATH;
	int n = 0;

	snprintf(link, 256, "%s/link", dir);
	if (symlink("/usr/bin/true", link))
		return 0;
	write_file(dir, "script", "#!/bin/sh\n", 10, 0755, script, 256);
	cases[n++] = (struct exec_case){ .path = "true", .at_open = "/usr/bin",
					 .at_oflags = O_RDONLY | O_DIRECTORY };
	cases[n++] = (struct exec_case){ .path = "true", .at_open = "/usr/bin",
					 .at_oflags = O_RDONLY | O_DIRECTORY | O_CLOEXEC };
	cases[n++] = (struct exec_case){ .path = "true", .at_open = "/usr/bin",
					 .at_oflags = O_PATH };
	cases[n++] = (struct exec_case){ .path = "./../bin/true", .at_open = "/usr/bin",
					 .at_oflags = O_RDONLY };
	cases[n++] = (struct exec_case){ .path = "", .at_open = "/usr/bin/true",
					 .at_oflags = O_RDONLY, .at_flags = empty };
	cases[n++] = (struct exec_case){ .path = "", .at_open = "/usr/bin/true",
					 .at_oflags = O_PATH | O_CLOEXEC, .at_flags = empty };
	cases[n++] = (struct exec_case){ .path = "", .at_open = "/usr/bin/true",
					 .at_oflags = O_RDONLY };
	cases[n++] = (struct exec_case){ .path = "", .at_open = "/usr/bin",
					 .at_oflags = O_RDONLY, .at_flags = empty };
	cases[n++] = (struct exec_case){ .path = "link", .at_open = dir,
					 .at_oflags = O_RDONLY };
	cases[n++] = (struct exec_case){ .path = "link", .at_open = dir,
					 .at_oflags = O_RDONLY, .at_flags = nofollow };
	cases[n++] = (struct exec_case){ .path = link, .at_open = "", .at_flags = nofollow };
	cases[n++] = (struct exec_case){ .path = "script", .at_open = dir,
					 .at_oflags = O_RDONLY };
	cases[n++] = (struct exec_case){ .path = "script", .at_open = dir,
					 .at_oflags = O_RDONLY | O_CLOEXEC };
	cases[n++] = (struct exec_case){ .path = "/usr/bin/true", .at_open = "" };
	cases[n++] = (struct exec_case){ .path = "true", .at_open = "" };
	cases[n++] = (struct exec_case){ .path = "", .at_open = "", .at_flags = empty };
	cases[n++] = (struct exec_case){ .path = "true", .at_open = "/usr/bin",
					 .at_oflags = O_RDONLY, .at_flags = 0x2 };
	cases[n++] = (struct exec_case){ .path = "x", .at_open = "/usr/bin/true",
					 .at_oflags = O_RDONLY };
	return n;
}

static int check_cases(struct mmlab_machine *m, int *compared)
{
	char dir[] = "/tmp/diffexec2.XXXXXX", p[32][256], chain[512], longline[400];
	static char big[MAX_ARG_STRLEN_TEST + 1];
	const char *const big_argv[] = { "x", big, NULL };
	const char *medium[24], *few[7] = { NULL }, *one[3] = { NULL };
	const uint16_t aarch64 = EM_AARCH64;
	long ioff = interp_offset();
	struct exec_case cases[80];
	int n = 0, failed = 0;

	if (!mkdtemp(dir))
		return 1;
	snprintf(p[0], sizeof(p[0]), "%s/missing", dir);
	cases[n++] = (struct exec_case){ .path = p[0] };
	write_true(dir, "noperm", -1, NULL, 0, 0644, p[1], sizeof(p[1]));
	cases[n++] = (struct exec_case){ .path = p[1] };
	cases[n++] = (struct exec_case){ .path = dir };
	write_file(dir, "empty", "", 0, 0755, p[2], sizeof(p[2]));
	cases[n++] = (struct exec_case){ .path = p[2] };
	write_file(dir, "text", "hello\n", 6, 0755, p[3], sizeof(p[3]));
	cases[n++] = (struct exec_case){ .path = p[3] };
	write_true(dir, "aarch64", 18, &aarch64, sizeof(aarch64), 0755, p[4], sizeof(p[4]));
	cases[n++] = (struct exec_case){ .path = p[4] };
	write_true(dir, "nointerp", ioff, "/lib64/ld-linux-x86-64.so.X", 28, 0755, p[5],
		   sizeof(p[5]));
	cases[n++] = (struct exec_case){ .path = p[5] };
	/* the interpreter is the text file: not ELF (ELIBBAD); its path fits PT_INTERP's */
	snprintf(chain, sizeof(chain), "%s/text", dir);
	write_true(dir, "badinterp", ioff, chain, strlen(chain) + 1, 0755, p[6], sizeof(p[6]));
	cases[n++] = (struct exec_case){ .path = p[6] };
	write_true(dir, "busy", -1, NULL, 0, 0755, p[7], sizeof(p[7]));
	cases[n++] = (struct exec_case){ .path = p[7], .open_write = true };
	write_file(dir, "sh", "#!/bin/sh\necho\n", 16, 0755, p[8], sizeof(p[8]));
	cases[n++] = (struct exec_case){ .path = p[8] };
	write_file(dir, "sh-arg", "#! /bin/sh  -e -x \t\n", 21, 0755, p[9], sizeof(p[9]));
	cases[n++] = (struct exec_case){ .path = p[9] };
	write_file(dir, "sh-nonl", "#!/bin/sh", 9, 0755, p[10], sizeof(p[10]));
	cases[n++] = (struct exec_case){ .path = p[10] };
	write_file(dir, "no-interp", "#!/nonexistent/sh\n", 19, 0755, p[11], sizeof(p[11]));
	cases[n++] = (struct exec_case){ .path = p[11] };
	write_file(dir, "no-name", "#!   \n", 6, 0755, p[12], sizeof(p[12]));
	cases[n++] = (struct exec_case){ .path = p[12] };
	memset(longline, 'a', sizeof(longline) - 1);
	memcpy(longline, "#!/", 3);
	longline[sizeof(longline) - 1] = 0;
	write_file(dir, "long", longline, strlen(longline), 0755, p[13], sizeof(p[13]));
	cases[n++] = (struct exec_case){ .path = p[13] };
	/* an interpreter long enough to have a header, but no ELF one: ELIBBAD */
	snprintf(chain, sizeof(chain), "%s/long", dir);
	write_true(dir, "badinterp2", ioff, chain, strlen(chain) + 1, 0755, p[21], sizeof(p[21]));
	cases[n++] = (struct exec_case){ .path = p[21] };
	snprintf(chain, sizeof(chain), "#!%s\n", p[1]);
	write_file(dir, "noperm-interp", chain, strlen(chain), 0755, p[14], sizeof(p[14]));
	cases[n++] = (struct exec_case){ .path = p[14] };
	/* scripts running scripts: level 1 runs /bin/true, level k runs level k-1 */
	snprintf(chain, sizeof(chain), "#!/bin/true\n");
	for (int k = 1; k <= 6; k++) {
		char name[16];

		snprintf(name, sizeof(name), "level%d", k);
		write_file(dir, name, chain, strlen(chain), 0755, p[14 + k], sizeof(p[14 + k]));
		cases[n++] = (struct exec_case){ .path = p[14 + k] };
		snprintf(chain, sizeof(chain), "#!%s -x\n", p[14 + k]);
	}
	/* one string too long, and many that together pass the stack's quarter */
	memset(big, 'b', sizeof(big) - 1);
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = big_argv };
	medium[0] = "/bin/true";
	for (int k = 1; k < 23; k++)
		medium[k] = big + sizeof(big) - 1 - 120000;
	medium[23] = NULL;
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = medium };
	/* small stack limits: the stack VMA's room, mmap_base's gap, the strings' share */
	cases[n++] = (struct exec_case){ .path = "/bin/true", .stack = 64 << 10 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .stack = (64 << 10) + 100 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = medium, .stack = 1 << 20 };
	memcpy(few, medium, sizeof(few) - sizeof(few[0]));
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = few, .stack = 1 << 20 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = few, .stack = 256 << 20 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = few, .stack = RLIM_INFINITY };
	/* strings within ARG_MAX but past a 64 KiB limit: the tables cannot grow the stack */
	one[0] = "/bin/true";
	one[1] = big + sizeof(big) - 1 - 100000;
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = one, .stack = 64 << 10 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .argv = one, .stack = 256 << 10 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .stack = 1000 };
	cases[n++] = (struct exec_case){ .path = "/bin/true", .stack = 8192 };
	n += execveat_cases(dir, p[22], p[23], cases + n);
	for (int i = 0; i < n; i++)
		failed += check(m, &cases[i], compared);
	for (int i = 0; i < 24; i++)
		unlink(p[i]);
	rmdir(dir);
	return failed;
}

/*
 * @n copies of /bin/true (every other one cut to its first 16 KiB) with bytes of the ELF
 * header and program headers, or whole 8-byte fields of the program headers, changed by a
 * fixed pseudo-random sequence: each must fail alike, or load alike.
 */
static int check_malformed(struct mmlab_machine *m, int n, int *compared)
{
	static const uint64_t odd[] = { 0, 1, 0xfff, 0x1000, 0x200000, 1UL << 40,
					0x7ffffffff000UL, 1UL << 47, ~0UL, ~0UL << 12 };
	static unsigned char orig[1 << 20], buf[1 << 20];
	char dir[] = "/tmp/diffexec2.XXXXXX", path[64], name[16];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	FILE *f = fopen("/bin/true", "rb");
	size_t len = f ? fread(orig, 1, sizeof(orig), f) : 0;
	int failed = 0;

	if (f)
		fclose(f);
	if (len < 4096 || !mkdtemp(dir))
		return 1;
	for (int i = 0; i < n; i++) {
		size_t size = i % 2 ? len : (len < 16384 ? len : 16384);
		struct exec_case c = { .path = path };

		memcpy(buf, orig, size);
		for (int k = 0; k < 1 + i % 4; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			if (i % 4 == 3)
				memcpy(buf + 64 + 56 * (rng % 13) + 8 * (1 + (rng >> 8) % 6),
				       &odd[(rng >> 16) % 10], 8);
			else
				buf[rng % 792] = (unsigned char)(rng >> 32);
		}
		snprintf(name, sizeof(name), "m%d", i);
		write_file(dir, name, buf, size, 0755, path, sizeof(path));
		failed += check(m, &c, compared);
	}
	if (getenv("DIFFEXEC2_KEEP"))	/* to look at the files that differed */
		return failed;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/m%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	return failed;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the host's RAM, so that overcommit answers a huge bss as the host does */
	struct mmlab_machine_config mc = {
		.ram_bytes = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE),
	};
	struct mmlab_machine *m;
	int failed = 0, compared = 0, need = 0, i = 1;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		need = atoi(argv[2]);
		i = 3;
	}
	if (mmlab_machine_create(&mc, &m))
		return 2;
	for (; i < argc; i++) {
		struct exec_case c = { .path = argv[i] };

		if (!strcmp(argv[i], "--cases"))
			failed += check_cases(m, &compared);
		else if (!strcmp(argv[i], "--malformed") && i + 1 < argc)
			failed += check_malformed(m, atoi(argv[++i]), &compared);
		else if (!access(argv[i], X_OK))
			failed += check(m, &c, &compared);
	}
	mmlab_machine_destroy(m);
	printf("%d programs compared, %d differ\n", compared, failed);
	if (compared < need) {
		fprintf(stderr, "only %d programs compared, %d wanted\n", compared, need);
		return 1;
	}
	return failed ? 1 : 0;
}
