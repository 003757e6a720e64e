// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The execve lines of a scenario run without --maps (the runner's share of fs/exec.c): the
 * program the line names is loaded into the task with mmlab_execve - the first execve of the
 * log builds the first task's address space, a child's execve gives it its new program, and
 * their later calls then run there. argv is the line's; the environment is the line's when
 * strace printed it (-v), else --env FILE's, else as many variables as the count strace
 * writes after envp's address (a comment saying "37 vars"), each "MMLAB_ENV_<i>=" (their
 * sizes are unknown, so the stack's strings may differ from the recorded program's).
 * execveat loads through mmlab_execveat: under the log's dirfd (its mmlab fd; the program
 * knows the path as "/dev/fd/N/..." with mmlab's fd number), AT_EMPTY_PATH,
 * AT_SYMLINK_NOFOLLOW. With --maps the snapshot is what the first execve left; a later exec
 * loads its program as without --maps when the file is on this machine as the log knew it
 * (exec_file_here), and is not loaded otherwise (run_calls.c says so).
 * An execve by a thread kills the process's other threads (mmlab's de_thread): their pids
 * end, and the process goes on under the leader's pid, where strace shows the execve's
 * result; the leader's task executes it (fds and credentials are the runner's per address
 * space).
 * Left out: failed execve lines (not run: they change nothing).
 */
#include "run.h"
#include "sbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define EXEC_MAX_STRINGS 65536	/* strings one line may give argv or envp */

/* A NULL-terminated vector of the strings of @v (an array of strings), or NULL. */
static const char **exec_vector(const struct sc_value *v)
{
	const char **vec;
	unsigned int n = 0;

	if (v->kind == SC_V_NULL)
		return calloc(1, sizeof(*vec));
	if (v->kind != SC_V_ARRAY || v->nr_kids > EXEC_MAX_STRINGS)
		return NULL;
	vec = calloc(v->nr_kids + 1, sizeof(*vec));
	if (!vec)
		return NULL;
	for (unsigned int k = 0; k < v->nr_kids; k++) {
		if (v->kids[k]->kind == SC_V_ELLIPSIS)
			break;	/* strace left the rest out */
		if (v->kids[k]->kind != SC_V_STR) {
			free(vec);
			return NULL;
		}
		vec[n++] = v->kids[k]->str;
	}
	return vec;
}

/*
 * argv: the line's strings; an address where strace did not print them (-e verbose=none, -e
 * raw=execve) gives the program its path alone, as a shell's argv[0] would be (said once:
 * the stack's strings may differ from the recorded program's).
 */
static const char **exec_argv(struct runner *r, const struct sc_record *rec,
			      const struct sc_value *path, const struct sc_value *v)
{
	const char **vec;

	if (v->kind != SC_V_NUM)
		return exec_vector(v);
	if (!r->argv_unknown_said) {
		run_msg(r, rec->line, "%s: strace printed argv as an address (-e verbose=none): "
			"the program gets [\"%s\"]", rec->name, path->str);
		r->argv_unknown_said = true;
	}
	vec = calloc(2, sizeof(*vec));
	if (vec)
		vec[0] = path->str;
	return vec;
}

/* The count of variables strace writes after envp's address ("37 vars"); 0 when absent. */
static unsigned long exec_var_count(const char *args)
{
	const char *p = args ? strstr(args, "/* ") : NULL;
	char *end;
	unsigned long n;

	if (!p)
		return 0;
	n = strtoul(p + 3, &end, 10);
	return !strncmp(end, " var", 4) && n <= EXEC_MAX_STRINGS ? n : 0;
}

/**
 * run_env_load() - --env FILE: the environment of execve lines that do not show theirs, one
 * VAR=value a line (blank lines and lines starting with '#' skipped).
 * @r: the runner.
 * @path: the file.
 *
 * Context: option parsing.
 * Return: 0, or -errno (the file cannot be read, -ENOMEM).
 */
int run_env_load(struct runner *r, const char *path)
{
	FILE *f = fopen(path, "re");
	struct sbuf text = SBUF_INIT;
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		sbuf_putn(&text, line, (size_t)len + 1);	/* with its NUL */
		n++;
	}
	free(line);
	fclose(f);
	run_env_free(r);
	r->env = calloc(n + 1, sizeof(*r->env));
	if (!r->env || text.oom) {
		free(r->env);
		r->env = NULL;
		sbuf_free(&text);
		return -ENOMEM;
	}
	r->env_text = text.buf;	/* the strings stay: the vector points into them */
	for (size_t i = 0, off = 0; i < n; i++) {
		r->env[i] = r->env_text + off;
		off += strlen(r->env_text + off) + 1;
	}
	return 0;
}

void run_env_free(struct runner *r)
{
	free(r->env);
	free(r->env_text);
	r->env = NULL;
	r->env_text = NULL;
}

/*
 * envp: the line's strings, else --env's, else placeholders for the count; *@names holds
 * what the vector points into when it is not the line's or --env's.
 */
static const char **exec_env(const struct runner *r, const struct sc_value *v,
			     const char *args_text, char **names)
{
	unsigned long n;
	const char **vec;
	size_t off = 0;

	*names = NULL;
	if (v->kind == SC_V_ARRAY || v->kind == SC_V_NULL)
		return exec_vector(v);
	if (r->env) {
		for (n = 0; r->env[n]; n++)
			;
		vec = calloc(n + 1, sizeof(*vec));
		if (vec)
			memcpy(vec, r->env, n * sizeof(*vec));
		return vec;
	}
	n = exec_var_count(args_text);
	vec = calloc(n + 1, sizeof(*vec));
	*names = malloc(n * 24 + 1);
	if (!vec || !*names) {
		free(vec);
		free(*names);
		*names = NULL;
		return NULL;
	}
	for (unsigned long i = 0; i < n; i++) {
		vec[i] = *names + off;
		off += (size_t)sprintf(*names + off, "MMLAB_ENV_%lu=", i) + 1;
	}
	return vec;
}

/* Which argument is the path: execve's first, execveat's second; ~0U: not an exec line. */
static unsigned int exec_path_arg(const struct sc_record *rec)
{
	if (!strcmp(rec->name, "execve"))
		return rec->nr_args == 3 ? 0 : ~0U;
	return !strcmp(rec->name, "execveat") && rec->nr_args == 5 ? 1 : ~0U;
}

/*
 * execveat's dirfd and flags: AT_FDCWD, or the mmlab fd of the log's (an fd strace -y named
 * that no line opened is opened from its path, as an mmap's); execve's are AT_FDCWD and 0.
 * Return: 0, or -errno (reported).
 */
static int exec_at(struct runner *r, struct run_call *c, int *dirfd, unsigned long *flags)
{
	const struct sc_value *v = c->rec->args[0];
	unsigned long n;

	*dirfd = AT_FDCWD;
	*flags = 0;
	if (strcmp(c->rec->name, "execveat"))
		return 0;
	if (!run_arg(r, c, 4, flags) || !run_arg(r, c, 0, &n))
		return -EINVAL;
	if ((int)n == AT_FDCWD)
		return 0;
	return run_fd_for_mmap(r, c, v, PROT_READ, MAP_PRIVATE, dirfd);
}

/*
 * Over --maps, whether a later exec's program is here to load: the file the line names (under
 * the directory strace -y printed for execveat's dirfd; its own path for AT_EMPTY_PATH) exists
 * on this machine and, when the log gave its identity ("# file:"), has its inode and size.
 * Else (a recording replayed elsewhere) the new program is not loaded.
 */
static bool exec_file_here(const struct runner *r, const struct sc_record *rec,
			   const struct sc_value *path)
{
	const struct sc_value *dir = !strcmp(rec->name, "execveat") ? rec->args[0] : NULL;
	const struct mmlab_file_id *id;
	char *p = NULL;
	struct stat st;
	bool here;

	if (path->kind != SC_V_STR)
		return false;
	if (dir && path->str[0] != '/' && dir->kind == SC_V_FD && dir->str && dir->str[0] == '/') {
		if ((*path->str ? asprintf(&p, "%s/%s", dir->str, path->str)
				: asprintf(&p, "%s", dir->str)) < 0)
			return false;
	} else if (!(p = strdup(path->str))) {
		return false;
	}
	id = p[0] == '/' ? run_file_find(r, p) : NULL;
	here = !stat(p, &st) && (!id || (id->ino == st.st_ino && id->size == (uint64_t)st.st_size));
	free(p);
	return here;
}

/* The fds the exec closed (close-on-exec) leave the log's table too. */
static void exec_sync_fds(struct run_mm *mm)
{
	for (unsigned int k = mm->nr_fds; k-- > 0;)
		if (mmlab_fcntl(mm->task, mm->fds[k].mfd, F_GETFD, 0) < 0)
			run_fd_drop(mm, &mm->fds[k]);
}

/*
 * de_thread: the exec killed the other threads of the process (mmlab_execve), and the pid
 * that called it, when not the leader's, is gone (strace shows its execve resumed under the
 * leader's pid, after "+++ superseded by execve in pid N +++"; mmlab record under the first
 * task's). Their own tasks are released; the process goes on as the address space's task
 * under the leader's pid: the first pid of the address space that has no task of its own.
 */
static void exec_end_threads(struct runner *r, struct run_proc *p)
{
	struct run_proc *leader = NULL;

	for (unsigned int k = 0; k < r->nr_procs && !leader; k++)
		if (r->procs[k]->kind == RUN_PROC_TASK && r->procs[k]->mm == p->mm &&
		    !r->procs[k]->thread)
			leader = r->procs[k];
	for (unsigned int k = 0; k < r->nr_procs; k++) {
		struct run_proc *q = r->procs[k];

		if (q->kind != RUN_PROC_TASK || q->mm != p->mm)
			continue;
		run_proc_release(q);
		if (q != (leader ? leader : p))
			q->exited = true;
	}
}

/*
 * An execve that succeeded with no arguments: strace -z dropped a thread's entry (the path
 * with it) when the exec moved the thread to its leader's pid (scenario.c). The exec ended
 * the other threads, as any; the new program is unknown, so the process's later calls are
 * another program's and are not run (summarised once), rather than run on the old one.
 */
static enum run_status exec_unknown(struct runner *r, struct run_call *c)
{
	exec_end_threads(r, c->proc);
	run_msg(r, c->rec->line, "%s: strace -z printed no entry, so the log does not name the "
		"program (strace without -z does): mmlab cannot load it", c->rec->name);
	c->proc->exec_line = c->rec->line;
	return RUN_REPORTED;
}

/**
 * run_execve() - load the program of an execve line that returned 0 (or has no result).
 * @r: the runner.
 * @c: the call, of a task's pid.
 *
 * Context: single-threaded.
 * Return: RUN_DONE with ->ret 0 when the program was loaded; RUN_SKIPPED when this line is
 * not for loading (a failed execve; over --maps, the snapshot's exec, or a program not on this
 * machine); RUN_REPORTED when mmlab could not load it
 * (reported; the task keeps its old address space unless the failure came after the point
 * of no return).
 */
enum run_status run_execve(struct runner *r, struct run_call *c)
{
	const struct sc_record *rec = c->rec;
	struct run_mm *mm = c->proc->mm;
	const char **argv = NULL, **envp = NULL;
	const struct sc_value *path;
	unsigned int k = exec_path_arg(rec);
	unsigned long flags;
	char *names = NULL;
	int err = -EINVAL, dirfd;

	if (!(rec->res.kind == SC_RES_NONE || (rec->res.kind == SC_RES_VALUE && !rec->res.val)))
		return RUN_SKIPPED;
	if (k == ~0U && !rec->nr_args)
		return exec_unknown(r, c);
	if (k == ~0U)
		return RUN_SKIPPED;
	/* over --maps: the snapshot is the first exec's work; later programs load if here */
	if (r->maps_path && (!r->seen_memory_call || !exec_file_here(r, rec, rec->args[k])))
		return RUN_SKIPPED;
	if (exec_at(r, c, &dirfd, &flags))
		return RUN_REPORTED;
	path = rec->args[k];
	if (path->kind != SC_V_STR) {
		run_msg(r, rec->line, "%s: strace printed the program's path as an address (-e raw=): "
			"mmlab cannot load it", rec->name);
		r->n.mismatches++;
		return RUN_REPORTED;
	}
	argv = exec_argv(r, rec, path, rec->args[k + 1]);
	envp = exec_env(r, rec->args[k + 2], rec->args_text, &names);
	if (argv && envp)
		err = mmlab_execveat(mm->task, dirfd, path->str, argv, envp, (int)flags);
	free(argv);
	free(envp);
	free(names);
	if (err) {
		run_msg(r, rec->line, "%s: mmlab could not load %s: %s", rec->name,
			path->str, strerror(-err));
		r->n.mismatches++;
		return RUN_REPORTED;
	}
	exec_end_threads(r, c->proc);
	exec_sync_fds(mm);
	r->exec_loaded = true;
	c->ret = 0;
	return RUN_DONE;
}
