// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of mmlab_execve against the host's execve. Each program named on the
 * command line is started on the host under ptrace with address randomization off, with a
 * fixed argv and environment, and stopped right after its execve (the SIGTRAP of a traced
 * exec: the image is loaded, no instruction has run). The same path is then executed in an
 * mmlab task without ASLR. Compared:
 *   - /proc/PID/maps, every line: addresses, permissions, offsets, device, inode, names;
 *   - /proc/PID/stat's start_code, end_code, start_stack, start_data, end_data, start_brk,
 *     arg_start, arg_end, env_start, env_end (fields 26-28, 45-51);
 *   - the stack from the stack pointer up to its top, byte for byte (argc, argv, envp, the
 *     auxiliary vector, the strings), but for AT_RANDOM's 16 random bytes; mmlab's is read
 *     with mmlab_peek;
 *   - the auxiliary vector read back from mmlab's stack against /proc/PID/auxv.
 * Programs that do not exist are skipped; "-n N" makes fewer than N compared programs a
 * failure. Usage: diffexec2 [-n N] PROGRAM...
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

#define STACK_END 0x7ffffffff000UL	/* The stack's top without ASLR */
#define MAX_AUXV 64

static const char *const test_envp[] = { "PATH=/usr/bin:/bin", "LANG=C", "MMLAB_EXEC=diff",
					 "HOME=/nonexistent", NULL };

/* What one exec left, on either side. */
struct exec_state {
	char *maps;			/* /proc/PID/maps text */
	unsigned long stat[10];		/* The stat fields below, in that order */
	unsigned long sp;		/* The stack pointer: argc */
	unsigned char *stack;		/* [sp, STACK_END) */
	size_t stack_len;
	unsigned long auxv[2 * MAX_AUXV]; /* Pairs up to AT_NULL included */
	int auxv_words;
};

static const int stat_field[10] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
static const char *const stat_name[10] = { "start_code", "end_code", "start_stack",
					   "start_data", "end_data", "start_brk", "arg_start",
					   "arg_end", "env_start", "env_end" };

static void state_free(struct exec_state *s)
{
	free(s->maps);
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

/* The host's exec of @prog, stopped at its SIGTRAP. */
static int host_exec(const char *prog, const char *const argv[], struct exec_state *s)
{
	struct user_regs_struct regs;
	char path[64];
	int st, fd, err = -1;
	pid_t pid = fork();

	if (pid == 0) {
		personality(ADDR_NO_RANDOMIZE);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execve(prog, (char *const *)argv, (char *const *)test_envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "%s: did not stop at exec\n", prog);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	s->maps = read_text(path);
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
		      struct exec_state *s)
{
	struct mmlab_task_config cfg = { .no_aslr = 1 };
	struct mmlab_task_info info;
	struct mmlab_task *t;
	struct rlimit rl;
	size_t size = 0;
	FILE *f;
	int err;

	if (!getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur != RLIM_INFINITY)
		cfg.rlimit_stack = rl.rlim_cur;
	if (mmlab_task_create(m, &cfg, &t))
		return -1;
	err = mmlab_execve(t, prog, argv, test_envp);
	if (err) {
		fprintf(stderr, "%s: mmlab_execve: %s\n", prog, strerror(-err));
		mmlab_task_destroy(t);
		return -1;
	}
	f = open_memstream(&s->maps, &size);
	mmlab_proc_maps(t, f);
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
				fprintf(stderr, "%s: maps line %d\n  host:  %.*s\n  mmlab: %.*s\n", prog,
					line, (int)hl, host, (int)ll, lab);
		}
		host += hl + (host[hl] == '\n');
		lab += ll + (lab[ll] == '\n');
		line++;
	}
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

static int check(struct mmlab_machine *m, const char *prog, int *compared)
{
	const char *const argv[] = { prog, "--version", "two words", "", NULL };
	struct exec_state h = { 0 }, l = { 0 };
	int bad = 0;

	if (access(prog, X_OK))
		return 0;
	if (host_exec(prog, argv, &h) || mmlab_exec(m, prog, argv, &l)) {
		state_free(&h);
		state_free(&l);
		return 1;
	}
	bad += compare_maps(prog, h.maps, l.maps);
	for (int i = 0; i < 10; i++)
		if (h.stat[i] != l.stat[i] && ++bad)
			fprintf(stderr, "%s: %s host %#lx, mmlab %#lx\n", prog, stat_name[i], h.stat[i],
				l.stat[i]);
	bad += compare_stack(prog, &h, &l);
	printf("%s: %s\n", prog, bad ? "differs" : "same");
	(*compared)++;
	state_free(&h);
	state_free(&l);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct mmlab_machine_config mc = { .ram_bytes = 256UL << 20 };
	struct mmlab_machine *m;
	int failed = 0, compared = 0, need = 0, i = 1;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		need = atoi(argv[2]);
		i = 3;
	}
	if (mmlab_machine_create(&mc, &m))
		return 2;
	for (; i < argc; i++)
		failed += check(m, argv[i], &compared);
	mmlab_machine_destroy(m);
	printf("%d programs compared, %d differ\n", compared, failed);
	if (compared < need) {
		fprintf(stderr, "only %d programs compared, %d wanted\n", compared, need);
		return 1;
	}
	return failed ? 1 : 0;
}
