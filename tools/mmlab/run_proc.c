// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The processes of a scenario (see run.h): which mmlab task each pid of the log names, and
 * which host file each fd of the log stands for. strace prints a pid per line and an fd with
 * its path ("3</lib/libc.so.6>", -y); mmlab has tasks with their own fd tables. A clone with
 * CLONE_VM makes another pid sharing the address space, with a thread task of its own
 * (mmlab_clone with CLONE_THREAD: its own PKRU and credentials); fork and vfork run through
 * mmlab_fork and mmlab_vfork, and a clone without CLONE_VM through mmlab_clone: the child gets
 * a copy of its parent's address space and fds. Only a fork the library refuses (out of
 * memory, flags it does not take) makes a pid whose calls are reported, not run. A pid no
 * clone names is taken as a thread of the first task, until its own execve shows that it
 * leads a process. Corresponds to nothing in Linux.
 */
#include "run.h"
#include "strace_flags.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/**
 * run_mm_create() - a new address space entry (its task is set by the caller).
 * @r: the runner.
 * @out: the entry.
 *
 * Context: single-threaded.
 * Return: 0 or -ENOMEM.
 */
int run_mm_create(struct runner *r, struct run_mm **out)
{
	struct run_mm **nm = realloc(r->mms, (r->nr_mms + 1) * sizeof(*nm));
	struct run_mm *mm;

	if (!nm)
		return -ENOMEM;
	r->mms = nm;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	r->mms[r->nr_mms++] = mm;
	*out = mm;
	return 0;
}

/**
 * run_proc_add() - a pid of the log.
 * @r: the runner.
 * @pid: the pid (0 for the first task before its pid shows).
 * @kind: a thread of @mm, or a forked child.
 * @mm: the address space (RUN_PROC_TASK).
 * @line: where it appeared (the fork's line for RUN_PROC_FORKED).
 *
 * Context: single-threaded.
 * Return: the entry, or NULL when out of memory.
 */
struct run_proc *run_proc_add(struct runner *r, int pid, enum run_proc_kind kind,
			      struct run_mm *mm, unsigned int line)
{
	struct run_proc *p;

	if (r->nr_procs == r->cap_procs) {
		unsigned int ncap = r->cap_procs ? 2 * r->cap_procs : 16;
		struct run_proc **np = realloc(r->procs, ncap * sizeof(*np));

		if (!np)
			return NULL;
		r->procs = np;
		r->cap_procs = ncap;
	}
	p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	r->procs[r->nr_procs++] = p;
	*p = (struct run_proc){ .pid = pid, .kind = kind, .mm = mm, .fork_line = line };
	run_pid_seen(r, pid);
	return p;
}

/**
 * run_pid_seen() - keep fresh pids above every pid of the log.
 * @r: the runner.
 * @pid: a pid the log printed.
 *
 * Context: single-threaded.
 */
void run_pid_seen(struct runner *r, int pid)
{
	if (pid >= r->next_pid)
		r->next_pid = pid + 1;
}

/**
 * run_proc_find() - the process a pid names, if it is one yet.
 * @r: the runner.
 * @pid: the pid (0: a line without prefix: the first task, or a run appended after it).
 *
 * Context: single-threaded.
 * Return: the process, or NULL.
 */
struct run_proc *run_proc_find(struct runner *r, int pid)
{
	if (!pid)
		return r->plain ? r->plain : r->procs[0];
	for (unsigned int k = r->nr_procs; k-- > 0;)
		if (r->procs[k]->pid == pid)
			return r->procs[k];
	return NULL;
}

/* The flags of clone(..., flags=...) or clone3({flags=...} => {...}, size). */
static const struct sc_value *clone_flags_value(const struct sc_record *rec)
{
	const struct sc_value *v;

	if (!strcmp(rec->name, "clone"))
		return sc_named_arg(rec, "flags");
	if (strcmp(rec->name, "clone3") || !rec->nr_args)
		return NULL;
	v = rec->args[0];
	if (v->kind == SC_V_CHANGED)
		v = v->lhs;
	if (v->kind != SC_V_STRUCT)
		return NULL;
	for (unsigned int k = 0; k < v->nr_kids; k++)
		if (v->kids[k]->kind == SC_V_NAMED && !strcmp(v->kids[k]->name, "flags"))
			return v->kids[k]->lhs;
	return NULL;
}

/**
 * run_clone_shares_vm() - whether a clone/clone3/fork/vfork record makes a thread.
 * @r: the runner (for messages about flags that do not evaluate).
 * @rec: the record.
 * @has_flags: set false when a clone has no flags argument (then it is taken as a fork).
 *
 * fork and vfork are not threads: fork copies the address space, and vfork's child shares it
 * only until it execs or exits (mmlab_vfork), so it gets an address space entry of its own;
 * so does a clone with CLONE_VM and CLONE_VFORK (posix_spawn's).
 *
 * Context: single-threaded.
 * Return: true when the child names the same mm (CLONE_VM without CLONE_VFORK).
 */
bool run_clone_shares_vm(struct runner *r, const struct sc_record *rec, bool *has_flags)
{
	const struct sc_value *v = clone_flags_value(rec);
	unsigned long flags;

	*has_flags = v != NULL;
	if (!v || sc_eval(v, run_lookup, NULL, &flags, NULL))
		return false;
	return (flags & 0x100) && !(flags & 0x4000); /* CLONE_VM, not CLONE_VFORK */
}

static bool clone_name(const char *name)
{
	return !strcmp(name, "clone") || !strcmp(name, "clone3") || !strcmp(name, "fork") ||
	       !strcmp(name, "vfork");
}

/**
 * run_is_clone() - whether a record is clone, clone3, fork or vfork.
 * @rec: the record.
 *
 * Context: any.
 * Return: true for the calls that make a task.
 */
bool run_is_clone(const struct sc_record *rec)
{
	return rec->kind == SC_REC_CALL && !rec->pseudo && clone_name(rec->name);
}

/*
 * @pid is the child whose task @t mmlab forked from @from's: an address space entry of its
 * own, with a copy of @from's fd entries (mmlab's fork copied the fd table). NULL when out of
 * memory.
 */
static struct run_proc *child_with_task(struct runner *r, struct run_mm *from,
					struct mmlab_task *t, int pid, unsigned int line)
{
	struct run_mm *mm;

	if (run_mm_create(r, &mm)) {
		mmlab_exit(t);
		return NULL;
	}
	mm->task = t;
	for (unsigned int k = 0; k < from->nr_fds; k++) {
		const struct run_fd *f = &from->fds[k];

		if (run_fd_install(r, mm, f->fd, f->path, f->mfd, f->accmode))
			return NULL;
	}
	return run_proc_add(r, pid, RUN_PROC_TASK, mm, line);
}

/* @p, taken as a thread, takes over the address space of @q, just added for it, and @q goes. */
static void take_over(struct runner *r, struct run_proc *p, struct run_proc *q)
{
	p->mm = q->mm;
	p->adopted = false;
	r->nr_procs--;	/* q is the last, as run_proc_add() left it */
	free(q);
}

/*
 * The copying fork that makes @pid: fork, vfork, or a clone without CLONE_VM, on the parent's
 * task; the child gets a copy of the parent's fd entries (mmlab's fork copied the fd table).
 * NULL when mmlab refuses the clone's flags or memory runs out: the child is then reported.
 */
static struct run_proc *fork_child(struct runner *r, struct run_proc *parent,
				   const struct sc_record *rec, int pid)
{
	struct mmlab_task *pt = run_proc_task(parent), *t;
	const struct sc_value *v;
	unsigned long flags = 17; /* SIGCHLD, for a clone without flags */
	int err;

	if (!strcmp(rec->name, "fork")) {
		err = mmlab_fork(pt, &t);
	} else if (!strcmp(rec->name, "vfork")) {
		err = mmlab_vfork(pt, &t);
	} else {
		v = clone_flags_value(rec);
		if (v && sc_eval(v, run_lookup, NULL, &flags, NULL))
			return NULL;
		err = mmlab_clone(pt, flags, &t);
	}
	return err ? NULL : child_with_task(r, parent->mm, t, pid, rec->line);
}

/* A pid that a clone or fork without "= PID" is still waiting to learn, if any. */
static struct run_proc *unnamed_child(struct runner *r)
{
	for (unsigned int k = 0; k < r->nr_procs; k++)
		if (r->procs[k]->unnamed)
			return r->procs[k];
	return NULL;
}

/**
 * run_next_unfinished() - the next call some input entered and has not resumed yet.
 * @r: the runner.
 * @u: the walk, zeroed before the first call.
 *
 * Every input's parser keeps its own pending calls: the walk goes through them input after
 * input, so a caller needs no loop of its own per input.
 *
 * Context: single-threaded; no line is parsed during the walk.
 * Return: true with @u->pid and @u->name set, false when the walk is over.
 */
bool run_next_unfinished(const struct runner *r, struct run_unfinished *u)
{
	for (; u->src < r->nr_srcs; u->src++, u->k = 0)
		if (sc_parser_unfinished(r->srcs[u->src].parser, u->k++, &u->pid, &u->name))
			return true;
	return false;
}

/**
 * run_clone_unfinished() - whether a clone, fork or vfork is entered and not returned yet.
 * @r: the runner.
 * @pid: a pid whose own unfinished calls do not count (-1: none).
 *
 * Context: single-threaded.
 * Return: true when some input has such a call pending.
 */
bool run_clone_unfinished(struct runner *r, int pid)
{
	struct run_unfinished u = { 0 };

	while (run_next_unfinished(r, &u))
		if (u.pid != pid && clone_name(u.name))
			return true;
	return false;
}

/**
 * run_clone_lost_child() - the child of a clone that ended "= ?", if the log shows one.
 * @r: the runner.
 *
 * A caller killed, or superseded by a thread's execve, inside clone still made its child,
 * whose lines may have come while the call was pending: held for it, or a call of its own
 * still unfinished (its execve, when it is the thread that superseded the caller).
 *
 * Context: single-threaded.
 * Return: that pid, or 0.
 */
int run_clone_lost_child(struct runner *r)
{
	struct run_unfinished u = { 0 };

	if (r->nr_holds)
		return r->holds[0].pid;
	while (run_next_unfinished(r, &u))
		if (u.pid > 0 && !run_proc_find(r, u.pid))
			return u.pid;
	return 0;
}

/* Whether @p's process has ended: its pid exited, or its address space's exit_group ran. */
static bool proc_ended(const struct run_proc *p)
{
	return p->exited || (p->mm && p->mm->exited);
}

/*
 * Whether every process of the log has ended (all their pids exited); @shown: of those that
 * showed a line, as a log without -f never shows its forks' children. Without @shown a child
 * yet to show a line counts (strace -f -z may print a fork after its child's lines), unless
 * a line without a pid forked it: a run of strace without -f.
 */
static bool all_exited(const struct runner *r, bool shown)
{
	for (unsigned int k = 0; k < r->nr_procs; k++) {
		const struct run_proc *p = r->procs[k];

		if (!proc_ended(p) && (p->shown || !(shown || p->unseen)))
			return false;
	}
	return true;
}

/* The one pid of the log that has not ended, or NULL when none or several are left. */
static struct run_proc *only_one_left(const struct runner *r)
{
	struct run_proc *left = NULL;

	for (unsigned int k = 0; k < r->nr_procs; k++) {
		if (r->procs[k]->kind != RUN_PROC_TASK || proc_ended(r->procs[k]))
			continue;
		if (left)
			return NULL;
		left = r->procs[k];
	}
	return left;
}

/* Whether @rec is an execve or execveat line: how strace CMD begins every run it traces. */
static bool is_exec(const struct sc_record *rec)
{
	return rec->kind == SC_REC_CALL && !rec->pseudo && !strncmp(rec->name, "execve", 6);
}

/*
 * A pid whose first line is an execve after every process of the log ended: another run of
 * strace appended to the log (-A, or a second -o FILE of the same name). It is a process of
 * its own, with a new task as the first one had; its execve loads its program. Return: the
 * process, NULL when out of memory or when mmlab cannot make the task (said).
 */
static struct run_proc *new_run(struct runner *r, const struct sc_record *rec, int pid)
{
	struct mmlab_task *task;
	char who[24] = "";
	struct run_mm *mm;
	struct run_proc *p;
	int err;

	err = mmlab_task_create(r->machine, &r->cfg, &task);
	if (err)
		goto fail;
	err = run_machine_task(&r->machine_log, &r->machine_opt, task) ? -EPERM :
	      run_mm_create(r, &mm);
	if (err)
		goto destroy_task;
	mm->task = task;	/* the runner's from here: freed with its mms */
	p = run_proc_add(r, pid, RUN_PROC_TASK, mm, rec->line);
	if (p)
		r->run_first = p;
	if (p && !r->new_run_said && pid)
		run_msg(r, rec->line, "pid %d starts another run of the program after every "
			"process ended (strace -A appends runs): a process of its own", pid);
	else if (p && !r->new_run_said)
		run_msg(r, rec->line, "an execve after the process ended: another run of the "
			"program (strace -A appends runs; without -f no pid tells them apart), or "
			"a child that outlived it (strace -f on stderr prints no pid while it "
			"traces one process, and -e trace= left its fork out): a process of its own");
	r->new_run_said = true;
	return p;

destroy_task:
	mmlab_task_destroy(task);
fail:
	if (pid)
		snprintf(who, sizeof(who), "pid %d: ", pid);
	run_msg(r, rec->line, "%smmlab cannot make the task of another run: %s", who,
		strerror(-err));
	return NULL;
}

/**
 * run_proc_new() - what a pid seen for the first time is.
 * @r: the runner.
 * @rec: its first record.
 * @pid: the pid (not 0, not a process yet).
 * @out: the process, for RUN_NEW_PROC.
 *
 * In this order: the child of a clone or fork written without "= PID" (the first new pid
 * after it); the first task, when its lines had no prefix until now and this is one of them
 * resumed with a prefix; a child printing before its parent's clone returns (RUN_NEW_HOLD:
 * the caller keeps its lines until the clone names it); another run appended to the log,
 * when this is an execve after every process ended (whether the first task's pid was known
 * or not); the first task, when nothing else has claimed it and its set_tid_address, if
 * seen, returned this pid; else a thread strace found running (or, under -z, a child whose
 * fork line comes later), taken as a thread of its run's first process and noted.
 *
 * Context: single-threaded.
 * Return: RUN_NEW_PROC, RUN_NEW_HOLD, or -ENOMEM.
 */
int run_proc_new(struct runner *r, const struct sc_record *rec, int pid, struct run_proc **out)
{
	struct run_proc *first = r->procs[0], *p = unnamed_child(r);

	run_pid_seen(r, pid);
	if (p) {
		p->pid = pid;
		p->unnamed = false;
		*out = p;
		return RUN_NEW_PROC;
	}
	if (!first->pid && rec->kind == SC_REC_CALL && rec->resume_line && !rec->entry_pid) {
		first->pid = pid;
		*out = first;
		return RUN_NEW_PROC;
	}
	if (run_clone_unfinished(r, pid))
		return RUN_NEW_HOLD;
	if (is_exec(rec) && all_exited(r, false) && (*out = new_run(r, rec, pid)))
		return RUN_NEW_PROC;
	if (!first->pid && (!r->first_tid || r->first_tid == pid)) {
		first->pid = pid;
		*out = first;
		return RUN_NEW_PROC;
	}
	*out = run_proc_adopt(r, pid, rec->line);
	if (!*out)
		return -ENOMEM;
	if (r->strict) {
		run_msg(r, rec->line, "pid %d: no clone, fork or vfork of the log creates it", pid);
		r->n.errors++;
	}
	return RUN_NEW_PROC;
}

/*
 * ld.so's set_tid_address returns the caller's tid: on a line without a pid of the first
 * task, its pid. strace -f -z on stderr can print a child's line, with its pid, before the
 * first task's first line with one (the fork is printed when it returns): that child's pid
 * is then not taken for the first task's.
 */
static void note_first_tid(struct runner *r, const struct run_proc *p,
			   const struct sc_record *rec)
{
	if (p != r->procs[0] || p->pid || r->first_tid || rec->kind != SC_REC_CALL ||
	    strcmp(rec->name, "set_tid_address") || rec->res.kind != SC_RES_VALUE)
		return;
	r->first_tid = (int)rec->res.val;
}

/**
 * run_proc_plain() - the process a line without a pid acts on.
 * @r: the runner.
 * @rec: the line's record.
 *
 * The first task, until it ends. Then, in a log with pids (strace -f on stderr prints none
 * while it traces one process), the one process left, if one is. Otherwise strace traced one
 * process (no -f) and no line of it can follow its "+++ exited": an execve there is the start
 * of another run strace -A appended to the log (every run of strace CMD begins with the
 * program's execve), which becomes the process such lines act on. Other lines there stay
 * the ended process's, and are not run.
 *
 * Context: single-threaded.
 * Return: the process; the ended one when mmlab could not make the new run's (its calls are
 * then not run).
 */
struct run_proc *run_proc_plain(struct runner *r, const struct sc_record *rec)
{
	struct run_proc *p = run_proc_find(r, 0), *q;

	if (!proc_ended(p)) {
		note_first_tid(r, p, rec);
		return p;
	}
	if (p->pid && (q = only_one_left(r))) {
		if (!r->one_left_said)
			run_msg(r, rec->line, "pid %d is the one process left: strace -f prints no "
				"pid while it traces one process, so lines without a pid are its "
				"from here", q->pid);
		r->one_left_said = true;
		return r->plain = q;
	}
	if (!is_exec(rec) || !all_exited(r, true))
		return p;
	q = new_run(r, rec, 0);
	if (q)
		r->plain = q;
	return q ? q : p;
}

/**
 * run_proc_of() - the process a pid names, made on first sight without waiting for a clone.
 * @r: the runner.
 * @pid: the pid (0: the first task).
 * @line: where it is named, for the new process.
 *
 * For a pid a call names (process_madvise's pidfd), not for a line's own pid: an unknown one
 * is the first task while its pid is unknown, else taken as a thread of it.
 *
 * Context: single-threaded.
 * Return: the process, or NULL when out of memory.
 */
struct run_proc *run_proc_of(struct runner *r, int pid, unsigned int line)
{
	struct run_proc *p = run_proc_find(r, pid);

	if (p)
		return p;
	run_pid_seen(r, pid);
	if (!r->procs[0]->pid) {
		r->procs[0]->pid = pid;
		return r->procs[0];
	}
	return run_proc_adopt(r, pid, line);
}

/**
 * run_proc_adopt() - a pid no clone made (yet) is taken as a thread of the first process of
 * its run: strace found it running, or -z or -e trace= printed its fork late or not at all.
 * @r: the runner.
 * @pid: the pid.
 * @line: its first line.
 *
 * The latest run's, not the first task's: in a log strace -A appended to, the first task
 * may have long ended.
 *
 * Context: single-threaded.
 * Return: the process, or NULL when out of memory.
 */
struct run_proc *run_proc_adopt(struct runner *r, int pid, unsigned int line)
{
	struct run_proc *owner = r->run_first ? r->run_first : r->procs[0];
	struct run_proc *p = run_proc_add(r, pid, RUN_PROC_TASK, owner->mm, line);

	if (p)
		p->adopted = true;
	return p;
}

/**
 * run_mm_first() - the first process on an address space: the one the summary and messages
 * name it by.
 * @r: the runner.
 * @mm: the address space.
 *
 * Context: single-threaded.
 * Return: the process, or NULL when no pid is on it.
 */
struct run_proc *run_mm_first(const struct runner *r, const struct run_mm *mm)
{
	for (unsigned int k = 0; k < r->nr_procs; k++)
		if (r->procs[k]->mm == mm)
			return r->procs[k];
	return NULL;
}

/*
 * A fork, vfork or clone without CLONE_VM names a pid whose lines came before it and was taken
 * as a thread of the first task: strace -z (-e status=successful) prints a call when it
 * returns, and no "<unfinished ...>" entry showed that a clone was on its way. From here
 * it is the copying fork's child, as it should have been; its earlier lines ran in the
 * parent's address space, which for a vfork child was its own (said once for the others).
 * Return: @p, or NULL when out of memory (reported).
 */
static struct run_proc *child_after_its_lines(struct runner *r, struct run_proc *parent,
					      struct run_proc *p, const struct sc_record *rec)
{
	struct run_proc *q = NULL;

	if (parent->kind == RUN_PROC_TASK && parent->mm->task && !parent->exited)
		q = fork_child(r, parent, rec, p->pid);
	if (!q)
		return p;	/* it stays a thread, as the summary says */
	take_over(r, p, q);
	if (!strcmp(rec->name, "vfork")) {
		parent->vfork_child = p;
		parent->vfork_line = rec->line;
	} else if (!r->early_child_said) {
		run_msg(r, rec->line, "%s: pid %d, its child, printed lines before it (strace -z "
			"shows calls as they return): they ran in this process's address space",
			rec->name, p->pid);
		r->early_child_said = true;
	}
	r->released_pid = p->pid;
	return p;
}

/**
 * run_proc_exec_apart() - a pid taken as a thread whose own execve returned 0 leads a process.
 * @r: the runner.
 * @p: the pid (->adopted, on the address space of the first task).
 * @rec: its execve line.
 *
 * A thread's successful execve returns under its leader's pid (strace shows the thread's
 * "+++ superseded by execve +++" and the result under the leader's), so a pid whose own
 * execve returned 0 leads a process of its own: the child of a fork printed later (strace -z
 * prints the fork when it returns, which may be after the child exec'd, even exited), or one
 * -e trace= left out. Before the execve runs, it gets a copy of the address space it ran in
 * (mmlab_fork: fds, credentials, limits as a fork child's), which the exec replaces; its
 * fork, when it comes, finds it made. Its lines before ran in that address space (said once).
 *
 * Context: single-threaded.
 * Return: 0; -ESRCH when the process it ran in has ended (its calls are not run), -ENOMEM
 * (it stays a thread, as the summary says).
 */
int run_proc_exec_apart(struct runner *r, struct run_proc *p, const struct sc_record *rec)
{
	const struct run_proc *owner = run_mm_first(r, p->mm);
	struct mmlab_task *t;
	struct run_proc *q;

	if (!p->mm->task || p->mm->exited)
		return -ESRCH;
	if (mmlab_fork(p->mm->task, &t))
		return -ENOMEM;
	q = child_with_task(r, p->mm, t, p->pid, rec->line);
	if (!q)
		return -ENOMEM;
	take_over(r, p, q);
	if (!r->early_child_said) {
		char where[32] = "the first task's";

		if (owner->pid)
			snprintf(where, sizeof(where), "pid %d's", owner->pid);
		run_msg(r, rec->line, "%s: pid %d execs before a fork line makes it (strace -z "
			"prints a fork when it returns; -e trace= without %%process prints none): a "
			"process of its own from here, its lines before ran in %s address space",
			rec->name, p->pid, where);
	}
	r->early_child_said = true;
	return 0;
}

/**
 * run_proc_clone() - the child of a clone, clone3, fork or vfork that returned.
 * @r: the runner.
 * @c: the call, on the parent.
 *
 * The child's pid is the logged result; without one, the first pid waiting for its clone
 * (it printed before the call returned), or the new pid of the next line, else a fresh pid
 * that the next new pid of the log takes over. CLONE_VM makes a thread of the parent's mm; otherwise mmlab forks the parent's
 * task, and a fork mmlab refuses leaves a pid whose calls are reported.
 *
 * Context: single-threaded.
 * Return: the child, or NULL when out of memory (reported).
 */
struct run_proc *run_proc_clone(struct runner *r, struct run_call *c)
{
	const struct sc_record *rec = c->rec;
	struct run_proc *parent = c->proc, *p;
	bool has_flags, unnamed = false;
	int pid;

	if (rec->res.kind == SC_RES_VALUE) {
		pid = (int)rec->res.val;
	} else if (rec->res.kind == SC_RES_UNKNOWN) {
		pid = run_clone_lost_child(r);
	} else if (r->nr_holds) {
		pid = r->holds[0].pid;
	} else if (r->child_hint) {
		pid = r->child_hint;
	} else {
		pid = r->next_pid;
		unnamed = true;
	}
	run_pid_seen(r, pid);
	p = run_proc_find(r, pid);
	if (p && p->adopted && p->mm == parent->mm && !p->thread && !p->exited &&
	    !run_clone_shares_vm(r, rec, &has_flags))
		return child_after_its_lines(r, parent, p, rec);
	if (p)
		return p;
	if (parent->kind == RUN_PROC_TASK && run_clone_shares_vm(r, rec, &has_flags)) {
		p = run_proc_add(r, pid, RUN_PROC_TASK, parent->mm, rec->line);
		/*
		 * A thread of its own in mmlab too: PKRU, credentials and the CPU are per task.
		 * Should the clone fail, the pid shares the parent's task as before.
		 */
		if (p && run_proc_task(parent) && !parent->exited &&
		    mmlab_clone(run_proc_task(parent), CLONE_VM | CLONE_SIGHAND | CLONE_THREAD,
				&p->thread))
			p->thread = NULL;
	}
	else if (parent->kind == RUN_PROC_TASK && parent->mm->task && !parent->exited &&
		 (p = fork_child(r, parent, rec, pid))) {
		if (!strcmp(rec->name, "vfork")) {
			parent->vfork_child = p;
			parent->vfork_line = rec->line;
		}
	}
	else if ((p = run_proc_add(r, pid, RUN_PROC_FORKED, NULL, rec->line)))
		run_msg(r, rec->line, "%s: mmlab could not make this copying fork; the calls of "
			"pid %d will not be run", rec->name, pid);
	if (!p) {
		run_msg(r, rec->line, "out of memory");
		r->n.errors++;
		return NULL;
	}
	p->unnamed = unnamed;
	p->unseen = !parent->pid;
	r->released_pid = pid;
	return p;
}

/**
 * run_fd_find() - the entry of a log fd in an address space's fd table.
 * @mm: the address space.
 * @fd: the fd number of the log.
 *
 * Context: single-threaded.
 * Return: the entry, or NULL.
 */
struct run_fd *run_fd_find(struct run_mm *mm, int fd)
{
	for (unsigned int k = 0; k < mm->nr_fds; k++)
		if (mm->fds[k].fd == fd)
			return &mm->fds[k];
	return NULL;
}

/**
 * run_fd_drop() - forget a log fd, closing its mmlab fd (mappings keep the file).
 * @mm: the address space.
 * @f: the entry.
 *
 * Context: single-threaded.
 */
void run_fd_drop(struct run_mm *mm, struct run_fd *f)
{
	if (mm->task)
		(void)mmlab_close(mm->task, f->mfd);
	free(f->path);
	*f = mm->fds[--mm->nr_fds];
}

/**
 * run_fd_install() - record that log fd @fd is mmlab fd @mfd, opened on @path.
 * @r: the runner.
 * @mm: the address space.
 * @fd: the log's fd.
 * @path: the host path.
 * @mfd: mmlab's fd.
 * @accmode: O_RDONLY or O_RDWR.
 *
 * An older entry for @fd (a close the log did not show) is dropped.
 *
 * Context: single-threaded.
 * Return: 0 or -ENOMEM (then @mfd is closed).
 */
int run_fd_install(struct runner *r, struct run_mm *mm, int fd, const char *path, int mfd,
		   int accmode)
{
	struct run_fd *old = run_fd_find(mm, fd);
	char *p = strdup(path);

	if (old)
		run_fd_drop(mm, old);
	if (p && mm->nr_fds == mm->cap_fds) {
		unsigned int ncap = mm->cap_fds ? 2 * mm->cap_fds : 8;
		struct run_fd *nf = realloc(mm->fds, ncap * sizeof(*nf));

		if (nf) {
			mm->fds = nf;
			mm->cap_fds = ncap;
		}
	}
	if (!p || mm->nr_fds == mm->cap_fds) {
		free(p);
		(void)mmlab_close(mm->task, mfd);
		return -ENOMEM;
	}
	mm->fds[mm->nr_fds++] =
		(struct run_fd){ .fd = fd, .path = p, .mfd = mfd, .accmode = accmode };
	return 0;
}

/*
 * An fd no entry stands for: mmlab's fd table is smaller, so mmap fails with EBADF as the
 * kernel would for a closed fd.
 */
#define RUN_BAD_FD INT_MAX

/*
 * "3</memfd:NAME>(deleted)" where no memfd_create line made fd 3 (-e trace=memory leaves it
 * out): a memfd of that name is made here, empty until a line of the log sizes it (the mmap
 * succeeds as the kernel's did; a touch past the size would be SIGBUS). It is one file for
 * as long as the fd is the log's, and for what shares it as the log shows: a dup line's new
 * fd, a fork child's copy of the table. Two fds that only share the name are two memfds:
 * strace (6.1, -y or -yy) prints no inode for a memfd, so a dup the log left out cannot be
 * told from another memfd_create of that name. Said once. Return: mmlab's fd, or -errno.
 */
static int memfd_left_out(struct runner *r, struct run_call *c, const struct sc_value *v)
{
	int mfd = mmlab_memfd_create(c->proc->mm->task, v->str + 7, 0);

	if (mfd >= 0 && !r->memfd_made_said) {
		run_msg(r, c->rec->line, "%s: fd %lu is a memfd whose memfd_create the log does "
			"not show: made here, empty until a line sizes it, one memfd per fd and "
			"what dups or forks share it", c->rec->name, v->num);
		r->memfd_made_said = true;
	}
	return mfd;
}

/**
 * run_fd_memfd() - the entry of an fd argument strace -y names "/memfd:NAME".
 * @r: the runner.
 * @c: the call (for the mm and messages).
 * @v: the argument.
 *
 * The fd's entry when it names that memfd; else, no line of the log having made it, a memfd
 * made here (memfd_left_out()), read-write as memfd_create opens it, in place of what the
 * table held under that number (its close was left out too).
 *
 * Context: single-threaded.
 * Return: the entry, or NULL when @v names no memfd or the memfd cannot be made (reported,
 * @c->failed set).
 */
struct run_fd *run_fd_memfd(struct runner *r, struct run_call *c, const struct sc_value *v)
{
	struct run_mm *mm = c->proc->mm;
	struct run_fd *f;
	int mfd;

	if (v->kind != SC_V_FD || strncmp(v->str, "/memfd:", 7) || !mm || !mm->task)
		return NULL;
	f = run_fd_find(mm, (int)v->num);
	if (f && !strcmp(f->path, v->str))
		return f;
	mfd = memfd_left_out(r, c, v);
	if (mfd < 0 || run_fd_install(r, mm, (int)v->num, v->str, mfd, O_RDWR)) {
		run_err_at(r, v, mfd == -ENOMEM || mfd >= 0 ? "out of memory" :
			   "cannot make the memfd");
		c->failed = true;	/* counted with the call's errors */
		return NULL;
	}
	return run_fd_find(mm, (int)v->num);
}

/**
 * run_fd_for_mmap() - the mmlab fd for mmap's fd argument.
 * @r: the runner.
 * @c: the call (for the mm and messages).
 * @v: the argument: "3</path>" (strace -y), a plain number, or -1.
 * @prot: mmap's prot, which with @flags decides the access the host file is opened with.
 * @flags: mmap's flags.
 * @mfd: the fd to pass to mmlab_mmap().
 *
 * "N</path>" seen for the first time opens the path read-only, or read-write when the mapping
 * is shared and writable, once per (address space, fd, path); a later need for write access
 * reopens it read-write. A plain number names an fd opened by an earlier openat/open line.
 * A "/memfd:NAME" that is no file here is run_fd_memfd()'s.
 *
 * Context: single-threaded.
 * Return: 0, or -errno when the host file cannot be opened or the memfd made (reported).
 */
int run_fd_for_mmap(struct runner *r, struct run_call *c, const struct sc_value *v,
		    unsigned long prot, unsigned long flags, int *mfd)
{
	struct run_mm *mm = c->proc->mm;
	unsigned long type = flags & STRACE_MAP_TYPE;
	int accmode = (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) && (prot & PROT_WRITE)
			      ? O_RDWR : O_RDONLY;
	struct run_fd *f;
	unsigned long n;
	struct sc_error err;
	int ret;

	if (v->kind != SC_V_FD) {
		if (sc_eval(v, run_lookup, NULL, &n, &err)) {
			run_msg_at(r, err.line, err.col, err.msg);
			return -EINVAL;
		}
		f = run_fd_find(mm, (int)n);
		*mfd = (int)n == -1 ? -1 : f ? f->mfd : RUN_BAD_FD;
		if (*mfd == RUN_BAD_FD && !(flags & MAP_ANONYMOUS) && !r->unknown_fd_said &&
		    c->rec->res.kind == SC_RES_VALUE) {
			/* the log says the fd was open: its open was left out */
			run_msg(r, c->rec->line, "%s: fd %d is not open here: no line opened it "
				"and strace did not name its file (-y names it; -e trace= may have "
				"left its open out)", c->rec->name, (int)n);
			r->unknown_fd_said = true;
		}
		return 0;
	}
	f = run_fd_find(mm, (int)v->num);
	if (f && !strcmp(f->path, v->str) && (f->accmode == O_RDWR || accmode == O_RDONLY)) {
		*mfd = f->mfd;
		return 0;
	}
	ret = run_file_open(r, mm->task, v->str, accmode, 0);
	if (ret == -ENOENT && !strncmp(v->str, "/memfd:", 7)) {
		/* no line made it: the memfd its other calls would make (reported if not) */
		f = run_fd_memfd(r, c, v);
		if (!f)
			return -ENOENT;
		*mfd = f->mfd;
		return 0;
	}
	if (ret < 0) {
		char msg[PATH_MAX + 64];

		snprintf(msg, sizeof(msg), "cannot open %s for fd %lu: %s", v->str, v->num,
			 strerror(-ret));
		run_err_at(r, v, msg);
		return ret;
	}
	*mfd = ret;
	ret = run_fd_install(r, mm, (int)v->num, v->str, ret, accmode);
	if (ret)
		run_err_at(r, v, "out of memory");
	return ret;
}

/**
 * run_proc_task() - the mmlab task a pid's calls run on.
 * @p: the pid.
 *
 * Context: single-threaded.
 * Return: the thread's own task, else its address space's, else NULL (a fork mmlab could not
 * make, or an exited process).
 */
struct mmlab_task *run_proc_task(const struct run_proc *p)
{
	if (p->thread)
		return p->thread;
	return p->mm ? p->mm->task : NULL;
}

/**
 * run_proc_release() - a thread ends: its own task exits (the address space stays with the
 * others).
 * @p: the pid.
 *
 * Context: single-threaded.
 */
void run_proc_release(struct run_proc *p)
{
	if (p->thread) {
		mmlab_exit(p->thread);
		p->thread = NULL;
	}
}

/**
 * run_mm_exit() - the process of @mm is gone (exit_group, a failed exec, the OOM killer):
 * mmlab_exit frees its address space (and resumes a vfork parent). The first task's is kept
 * until the end, for --final-maps.
 * @r: the runner.
 * @mm: the address space.
 *
 * Context: single-threaded.
 */
void run_mm_exit(struct runner *r, struct run_mm *mm)
{
	bool named = false;

	mm->exited = true;
	if (mm->task)
		mmlab_task_mem(mm->task, &mm->exit_mem);
	for (unsigned int k = 0; k < r->nr_procs; k++)
		if (r->procs[k]->mm == mm) {
			if (!named)
				mm->exit_pid = r->procs[k]->pid;
			named = true;
			r->procs[k]->exited = true;
			run_proc_release(r->procs[k]);
		}
	if (mm != r->procs[0]->mm && mm->task) {
		mmlab_exit(mm->task);
		mm->task = NULL;
	}
}

/**
 * run_free_procs() - destroy every task and forget every pid and fd.
 * @r: the runner.
 *
 * Context: single-threaded.
 */
void run_free_procs(struct runner *r)
{
	for (unsigned int k = 0; k < r->nr_procs; k++)
		run_proc_release(r->procs[k]);
	for (unsigned int k = 0; k < r->nr_mms; k++) {
		struct run_mm *mm = r->mms[k];

		while (mm->nr_fds)
			run_fd_drop(mm, &mm->fds[0]);
		free(mm->fds);
		if (mm->task)
			mmlab_task_destroy(mm->task);
		free(mm);
	}
	free(r->mms);
	for (unsigned int k = 0; k < r->nr_procs; k++)
		free(r->procs[k]);
	free(r->procs);
	r->mms = NULL;
	r->procs = NULL;
	r->plain = NULL;
	r->nr_mms = r->nr_procs = 0;
}
