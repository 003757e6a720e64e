// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `mmlab run [OPTIONS] SCENARIO...|-`: executes a scenario (see scenario.h) against mmlab
 * tasks. The input streams: each line is read, parsed, run and freed before the next, so a
 * live `strace -f -o /dev/stdout CMD | mmlab run -` works and memory does not grow with the
 * log. Each call runs on the task its pid prefix names (run_proc.c) through the table of
 * run_calls.c; "= RESULT" is an expectation, and a call without one gets mmlab's result
 * printed after it, so a log with its results stripped comes back as the log. Lines run in
 * the order their calls complete, which is the order strace saw the results (but for a vfork
 * parent's lines between its child's exec and the execve's return, which wait for that
 * execve to run); several files (strace -ff's PREFIX.PID set) are merged by their timestamps.
 * Models no Linux code.
 */
#include "cli.h"
#include "commands.h"
#include "run.h"
#include "strace_flags.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RESULT_COLUMN 39	/* strace pads a call to this column before " = " (acolumn) */
#define RUN_HOLD_MAX 16384	/* lines kept for pids whose clone has not returned yet */
#define RUN_PRE_MAX (1 << 20)	/* bytes of lines kept before the transcript is decided */
#define RUN_UNKNOWN_MAX 256	/* distinct unknown call names counted by name */

static volatile sig_atomic_t run_signal; /* SIGINT or SIGTERM received: stop reading */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned int done_line(const struct sc_record *rec)
{
	return rec->resume_line ? rec->resume_line : rec->line;
}

/* Compares mmlab's result with "= RESULT"; reports a difference. */
static void check_result(struct runner *r, const struct run_call *c)
{
	const struct sc_record *rec = c->rec;
	struct sbuf exp = SBUF_INIT, res = SBUF_INIT;
	long got = c->ret, want;

	if (rec->res.kind == SC_RES_VALUE)
		want = (long)rec->res.val;
	else if (rec->res.kind == SC_RES_ERROR)
		want = -(long)rec->res.err;
	else
		return;
	if (want == got)
		return;
	if (want >= 0 && got >= 0 && c->placed)
		/*
		 * Another place the kernel chose: the layout differs, as without the program's
		 * maps. They explain neither an address the call gave nor an error.
		 */
		run_note_no_program(r, done_line(rec));
	sc_format_result(&exp, rec->name, want);
	sc_format_result(&res, rec->name, got);
	run_msg(r, done_line(rec), "expected %s, got %s", sbuf_str(&exp) + 2, sbuf_str(&res) + 2);
	sbuf_free(&exp);
	sbuf_free(&res);
	r->n.mismatches++;
	if (r->stop_on_mismatch)
		r->stopped = true;
}

/* A call name no Linux system call has: counted by name, an error with --strict. */
static void count_unknown(struct runner *r, const struct sc_record *rec)
{
	struct run_unknown *u;

	r->n.unknown++;
	if (r->strict) {
		run_msg(r, rec->line, "%s: no system call has this name", rec->name);
		r->n.errors++;
	}
	for (unsigned int k = 0; k < r->nr_unknown; k++) {
		if (!strcmp(r->unknown[k].name, rec->name)) {
			r->unknown[k].count++;
			return;
		}
	}
	if (r->nr_unknown == RUN_UNKNOWN_MAX)
		return; /* still in ->n.unknown: the summary says "others" */
	u = realloc(r->unknown, (r->nr_unknown + 1) * sizeof(*u));
	if (!u)
		return;
	r->unknown = u;
	u[r->nr_unknown].name = strdup(rec->name);
	u[r->nr_unknown].count = 1;
	if (u[r->nr_unknown].name)
		r->nr_unknown++;
}

#define DAY_SECONDS 86400.0

/*
 * Lets the time between the log's lines pass on the machine (its flusher) before a record
 * runs. Absolute timestamps (-t, -tt, -ttt) move the clock forward to the latest one seen:
 * records that run out of their time order (a call resumed after others, lines held for a
 * clone, merged -ff files) move nothing back, and a time of day smaller by more than half a
 * day is the next day's. -r's seconds since the previous line pass as they come, in a
 * single input only (an -ff set's files count from different lines). Lines without a
 * timestamp (and -T's durations alone) let no time pass: sleep(SECONDS) does.
 */
static void pass_time(struct runner *r, const struct sc_record *rec)
{
	double t = rec->time, dt;

	if (!rec->has_time)
		return;
	if (rec->time_relative) {
		if (r->nr_srcs == 1 && t > 0)
			mmlab_machine_advance(r->machine, (uint64_t)(t * 1e9 + 0.5));
		return;
	}
	if (!r->has_time) {
		r->has_time = true;
		r->time = t;
		return;
	}
	dt = t - r->time;
	if (dt < -DAY_SECONDS / 2 && t < DAY_SECONDS && r->time < DAY_SECONDS)
		dt += DAY_SECONDS;	/* -t/-tt past midnight */
	if (dt <= 0)
		return;
	mmlab_machine_advance(r->machine, (uint64_t)(dt * 1e9 + 0.5));
	r->time = t;
}

/* After a call: whether it ended @p's process by a signal's default action (SIGPIPE, SIGXFSZ). */
static void note_killed(struct runner *r, const struct sc_record *rec, struct run_proc *p)
{
	struct mmlab_task *t = run_proc_task(p);
	struct mmlab_signals s;

	(void)r;
	if (p->killed_by || !t || mmlab_task_signals(t, &s) || !s.killed_by)
		return;
	p->killed_by = s.killed_by;
	p->killed_line = rec->line;
}

/*
 * "+++ killed by SIG +++", "+++ exited with N +++" or a call after mmlab ended the process:
 * the log and mmlab must agree on the signal that ended it (said once per process).
 */
static void check_killed(struct runner *r, const struct sc_record *rec, struct run_proc *p)
{
	char a[16], b[16];

	if (p->killed_by < 0 || (rec->kind == SC_REC_KILLED && rec->sig == p->killed_by))
		return;
	if (rec->kind == SC_REC_KILLED && !p->killed_by) {
		if (rec->sig != SIGPIPE && rec->sig != SIGXFSZ)
			return;	/* signals mmlab does not send: not a difference */
		run_msg(r, rec->line, "killed by %s, not in mmlab", strace_signame(rec->sig, a));
	} else if (rec->kind == SC_REC_KILLED) {
		run_msg(r, rec->line, "killed by %s, mmlab: by %s at line %u",
			strace_signame(rec->sig, a), strace_signame(p->killed_by, b), p->killed_line);
	} else if (rec->kind == SC_REC_EXITED) {
		run_msg(r, rec->line, "exited with %d; mmlab: killed by %s at line %u", rec->status,
			strace_signame(p->killed_by, b), p->killed_line);
	} else {
		run_msg(r, rec->line, "the process goes on; mmlab: killed by %s at line %u",
			strace_signame(p->killed_by, b), p->killed_line);
	}
	r->n.mismatches++;
	p->killed_by = -1;	/* said: once */
}

/*
 * strace -e inject=SET:error=E or :retval=N makes the kernel skip the call (strace sets its
 * number to -1 at entry, src/syscall.c's tamper_with_syscall_entering()) and prints the
 * result it made up with " (INJECTED)" after it: the call changed nothing, so mmlab does not
 * run it either. Said at the first, counted in the summary. (" (DELAYED)" calls did run.)
 */
static bool injected_call(struct runner *r, const struct sc_record *rec)
{
	const char *a = rec->res.annotation;

	if (rec->kind != SC_REC_CALL || !a || !strstr(a, "(INJECTED)"))
		return false;
	if (!r->injected++)
		run_msg(r, rec->line, "%s: strace injected this result (-e inject=): the kernel "
			"did not run the call, nor does mmlab", rec->name);
	r->n.skipped++;
	return true;
}

/* Whether @p's exit ends its process: it is a task's pid and every pid of its mm exited. */
static bool last_of_process(const struct runner *r, const struct run_proc *p)
{
	if (p->kind != RUN_PROC_TASK || !p->mm || p->mm->exited)
		return false;
	for (unsigned int k = 0; k < r->nr_procs; k++)
		if (r->procs[k]->mm == p->mm && !r->procs[k]->exited)
			return false;
	return true;
}

/* Runs one record of process @p; a result to print after its line goes to @out. */
/*
 * Runs one record. @got receives the result mmlab computed when there is one to show ("= "
 * and the value, as the transcript prints it), also when the line carried "= RESULT" (for
 * --json).
 */
static void run_record(struct runner *r, const struct sc_record *rec, struct run_proc *p,
		       struct sbuf *out, struct sbuf *got)
{
	struct run_call c = { .rec = rec, .proc = p, .out = out };
	enum run_status st;

	pass_time(r, rec);
	if (rec->kind == SC_REC_SI_ADDR) {
		r->fault_addr = rec->fault_addr;
		r->has_fault_addr = true;
		return;
	}
	if (rec->kind == SC_REC_SIGNAL)
		return;
	if (rec->kind == SC_REC_KILLED || (rec->kind != SC_REC_SI_ADDR && p->killed_by > 0))
		check_killed(r, rec, p);
	if (p->kill_said && rec->kind == SC_REC_CALL) {
		r->n.not_run++;	/* the OOM killer ended it: check_killed said so */
		return;
	}
	if (rec->kind == SC_REC_EXITED || rec->kind == SC_REC_KILLED) {
		p->exited = true;
		if (rec->kind == SC_REC_KILLED && p->mm && !p->mm->exited)
			/* a fatal signal ends every thread: the summary names its rss by this pid */
			run_mm_exit(r, p->mm);
		else if (rec->kind == SC_REC_EXITED && last_of_process(r, p))
			/* its exit_group was left out (-z, -e trace=): the process ends here */
			run_mm_exit(r, p->mm);
		return;
	}
	if (injected_call(r, rec))
		return;
	st = run_call(r, &c);
	if (st == RUN_DONE)
		sc_format_result(got, rec->name, c.ret);
	if (st == RUN_DONE || st == RUN_NO_RESULT)
		note_killed(r, rec, p);
	switch (st) {
	case RUN_DONE:
		r->n.run++;
		if (rec->res.kind == SC_RES_NONE)
			sc_format_result(out, rec->name, c.ret);
		else
			check_result(r, &c);
		break;
	case RUN_NO_RESULT:
		r->n.run++;
		break;
	case RUN_SKIPPED:
		r->n.skipped++;
		if (!rec->pseudo && !run_known_syscall(rec->name))
			count_unknown(r, rec);
		break;
	case RUN_REPORTED:
		break;
	}
}

/* The line as the transcript shows it: with @res appended, padded as strace pads. */
static void format_line(struct sbuf *sb, const struct run_item *it, const struct sbuf *res)
{
	size_t n = it->len;

	while (n && (it->text[n - 1] == ' ' || it->text[n - 1] == '\t' || it->text[n - 1] == '\r'))
		n--;
	sbuf_printf(sb, "%.*s", (int)n, it->text);
	if (res->len) {
		for (; n < RESULT_COLUMN; n++)
			sbuf_puts(sb, " ");
		sbuf_printf(sb, " %s", sbuf_str(res));
	}
	sbuf_puts(sb, "\n");
}

/* Prints the line now, or keeps it while the transcript is undecided. */
static void echo_line(struct runner *r, const struct run_item *it, const struct sbuf *res)
{
	struct sbuf sb = SBUF_INIT;

	if (r->transcript == RUN_TR_OFF)
		return;
	if (r->transcript == RUN_TR_UNDECIDED) {
		format_line(&r->pre, it, res);
		if (r->pre.len > RUN_PRE_MAX) {
			/* a long preamble without memory calls: no transcript for it */
			sbuf_reset(&r->pre);
			r->transcript = RUN_TR_OFF;
		}
		return;
	}
	format_line(&sb, it, res);
	fputs(sbuf_str(&sb), stdout);
	sbuf_free(&sb);
	if (r->live)
		fflush(stdout); /* a live log (a pipe): each line as it comes */
}

/*
 * The transcript is decided per line: the first call whose result mmlab computes decides it
 * (no "= RESULT": the log is echoed with results from its first line on); later, a call
 * without "= RESULT" in a checked log turns the echo on from its own line.
 */
static void decide_transcript(struct runner *r, const struct sc_record *rec)
{
	bool wants;

	if (r->transcript == RUN_TR_ON || rec->kind != SC_REC_CALL)
		return;
	if (rec->pseudo && run_pseudo_prints(rec) && r->transcript == RUN_TR_UNDECIDED) {
		/* a hand-written scenario printing /proc: its comments are not echoed */
		sbuf_reset(&r->pre);
		r->transcript = RUN_TR_OFF;
		return;
	}
	if (!run_call_prints_result(rec))
		return;
	wants = rec->res.kind == SC_RES_NONE;
	if (r->transcript == RUN_TR_UNDECIDED && wants)
		fputs(sbuf_str(&r->pre), stdout);
	if (wants || r->transcript == RUN_TR_UNDECIDED) {
		sbuf_free(&r->pre);
		r->transcript = wants ? RUN_TR_ON : RUN_TR_OFF;
	}
}

static void free_item(struct run_item *it)
{
	if (it) {
		sc_record_free(it->rec);
		free(it);
	}
}

static void release_holds(struct runner *r);
static void release_vfork_waiters(struct runner *r, bool all);
static void dispatch(struct runner *r, struct run_item *it);

/*
 * --json: runs the record with what a printing pseudo-call prints caught in memory, then
 * writes the line's object (run_json.c). A result mmlab computed is the "result"; a line that
 * raised a mismatch or an error has "mismatch": true.
 */
static void execute_json(struct runner *r, struct run_item *it, struct run_proc *p, bool prints)
{
	const struct sc_record *rec = it->rec;
	unsigned long before = r->n.mismatches + r->n.errors;
	struct sbuf res = SBUF_INIT, got = SBUF_INIT;
	char *output = NULL;
	size_t len = 0;
	FILE *saved = stdout, *mem = NULL;
	const char *shown;

	if (prints) {
		fflush(stdout);
		mem = open_memstream(&output, &len);
		if (mem)
			stdout = mem;
	}
	run_record(r, rec, p, &res, &got);
	if (mem) {
		fflush(mem);
		stdout = saved;
		fclose(mem);
	}
	/* the kernel log of an OOM kill: on stderr, stdout being JSON lines */
	fflush(stdout);
	stdout = stderr;
	run_oom_report(r, rec);
	stdout = saved;
	if (rec->kind == SC_REC_CALL || rec->kind == SC_REC_EXITED || rec->kind == SC_REC_KILLED) {
		shown = got.len ? sbuf_str(&got) : res.len ? sbuf_str(&res) : NULL;
		if (shown && shown[0] == '=' && shown[1] == ' ')
			shown += 2;
		run_json_line(r, it, p, shown, r->n.mismatches + r->n.errors != before,
			      prints ? (output ? output : "") : NULL);
	}
	free(output);
	sbuf_free(&res);
	sbuf_free(&got);
}

/* Runs an item whose process is known, prints its line, and frees it. */
static void execute(struct runner *r, struct run_item *it, struct run_proc *p)
{
	const struct sc_record *rec = it->rec;
	bool clone = rec->kind == SC_REC_CALL && run_is_clone(rec);
	struct sbuf res = SBUF_INIT;

	struct sbuf got = SBUF_INIT;
	bool prints = rec->kind == SC_REC_CALL && rec->pseudo && run_pseudo_prints(rec);
	unsigned long before = r->n.mismatches + r->n.errors;

	r->file = it->src->name;
	p->shown = true;
	r->seen_clone |= clone;
	run_json_before(r, rec, p);
	if (r->json) {
		execute_json(r, it, p, prints);
	} else if (prints) {
		struct sbuf sb = SBUF_INIT;

		decide_transcript(r, rec);
		/* the pseudo-call's line heads what it prints, transcript or not */
		format_line(&sb, it, &res);
		fputs(sbuf_str(&sb), stdout);
		sbuf_free(&sb);
		run_record(r, rec, p, &res, &got);
	} else {
		bool said = rec->kind == SC_REC_KILLED && p->kill_said;

		decide_transcript(r, rec);
		run_record(r, rec, p, &res, &got);
		if (!said)	/* run_oom_report printed it at the kill */
			echo_line(r, it, &res);
	}
	run_oom_report(r, rec);
	if (!r->json && (r->trace_maps || r->stats || r->html_path) &&
	    (rec->kind == SC_REC_CALL || rec->kind == SC_REC_EXITED || rec->kind == SC_REC_KILLED))
		run_json_line(r, it, p, got.len > 2 ? sbuf_str(&got) + 2 : NULL,
			      r->n.mismatches + r->n.errors != before, NULL);
	sbuf_free(&got);
	sbuf_free(&res);
	free_item(it);
	if (r->live)
		fflush(stdout); /* what a pseudo-call printed, as it comes */
	if (clone)
		release_holds(r);
	if (r->vfork_head)
		release_vfork_waiters(r, false);
}

/*
 * A vfork parent runs again at its child's exec, once the new program's mm replaced the
 * shared one (exec_mm_release), while the child's execve has not returned yet: strace shows
 * the parent's lines (its page faults) between "execve(... <unfinished ...>" and
 * "<... execve resumed>", and the runner runs the execve at the resumed line. Those lines wait
 * in ->vfork_head until the execve ran (the parent's address space is not the new program's,
 * so only the order of the parent's own lines matters, and it is kept).
 */
static bool vfork_waits(struct runner *r, const struct run_item *it, struct run_proc *p)
{
	return !r->vfork_releasing && p->kind == RUN_PROC_TASK &&
	       mmlab_task_vfork_waiting(run_proc_task(p));
}

static struct run_hold *find_hold(struct runner *r, int pid);

/*
 * A vfork parent's line while its child has shown none: in one stream strace -f prints the
 * child's calls (its exec or exit) before the parent runs again, so the log was made without
 * -f and the child was never traced. By the time the parent goes on, the child has exec'd or
 * exited, giving the address space back: it ends here (said once). Several inputs (-ff
 * files run one after another) may show the child later, so they wait as before.
 */
static bool end_untraced_vfork_child(struct runner *r, const struct run_item *it,
				     struct run_proc *p)
{
	struct run_proc *c = p->vfork_child;
	struct run_unfinished u = { 0 };

	if (r->nr_srcs != 1 || !c || c->shown || c->exited || c->kind != RUN_PROC_TASK ||
	    find_hold(r, c->pid))
		return false;
	while (run_next_unfinished(r, &u))
		if (u.pid == c->pid)
			return false;
	if (!r->untraced_child_said)
		run_msg(r, it->line, "pid %d, the vfork child of line %u, shows no line (strace "
			"without -f, or its lines filtered out): taken to have exec'd or exited "
			"before its parent goes on", c->pid, p->vfork_line);
	r->untraced_child_said = true;
	c->exited = true;
	run_mm_exit(r, c->mm);
	p->vfork_child = NULL;
	return !mmlab_task_vfork_waiting(run_proc_task(p));
}

static void vfork_queue(struct runner *r, struct run_item *it)
{
	it->next = NULL;
	if (r->vfork_tail)
		r->vfork_tail->next = it;
	else
		r->vfork_head = it;
	r->vfork_tail = it;
}

/*
 * Runs the waiting lines whose task its vfork child released (@all: every line, at the end of
 * the input, where a line still waiting fails as the task's calls do: EBUSY), in order; the
 * others keep waiting, in order.
 */
static void release_vfork_waiters(struct runner *r, bool all)
{
	struct run_item *it = r->vfork_head, *next;

	if (r->vfork_releasing)
		return;
	r->vfork_head = r->vfork_tail = NULL;
	for (; it; it = next) {
		struct run_proc *p = run_proc_find(r, it->pid);

		next = it->next;
		if (!all && p && mmlab_task_vfork_waiting(run_proc_task(p))) {
			vfork_queue(r, it);
			continue;
		}
		r->vfork_releasing = true;
		if (p)
			execute(r, it, p);
		else
			dispatch(r, it);
		r->vfork_releasing = false;
	}
}

static struct run_hold *find_hold(struct runner *r, int pid)
{
	for (unsigned int k = 0; k < r->nr_holds; k++)
		if (r->holds[k].pid == pid)
			return &r->holds[k];
	return NULL;
}

static int hold_item(struct runner *r, struct run_hold *h, struct run_item *it)
{
	if (!h) {
		h = realloc(r->holds, (r->nr_holds + 1) * sizeof(*h));
		if (!h)
			return -ENOMEM;
		r->holds = h;
		h = &r->holds[r->nr_holds++];
		*h = (struct run_hold){ .pid = it->pid, .line = it->rec->line };
	}
	it->next = NULL;
	if (h->tail)
		h->tail->next = it;
	else
		h->head = it;
	h->tail = it;
	r->nr_held++;
	return 0;
}

static void dispatch(struct runner *r, struct run_item *it);

/* Runs the held lines of hold @k, whose pid is now a process, in the order they came. */
static void run_hold(struct runner *r, unsigned int k)
{
	struct run_item *it = r->holds[k].head;

	/* keep the others in order of appearance: a clone without "= PID" takes the first */
	memmove(&r->holds[k], &r->holds[k + 1], (--r->nr_holds - k) * sizeof(*r->holds));
	while (it) {
		struct run_item *next = it->next;

		r->nr_held--;
		dispatch(r, it);
		it = next;
	}
}

static void flush_oldest_hold(struct runner *r);

/*
 * A clone returned: run what the child it named (->released_pid) printed meanwhile. Pids
 * still held once no clone is pending anywhere are threads strace found running.
 */
static void release_holds(struct runner *r)
{
	struct run_hold *h;

	while (r->released_pid) {
		h = find_hold(r, r->released_pid);
		r->released_pid = 0;
		if (h)
			run_hold(r, (unsigned int)(h - r->holds));
	}
	while (r->nr_holds && !run_clone_unfinished(r, -1))
		flush_oldest_hold(r);
}

/* The end of the input, or too many held lines: the oldest hold runs as it is. */
static void flush_oldest_hold(struct runner *r)
{
	struct run_hold *h = &r->holds[0];
	struct run_proc *p;

	r->file = h->head->src->name;
	if (run_proc_new(r, h->head->rec, h->pid, &p) == RUN_NEW_HOLD) {
		/* a clone is still unfinished but never names it: a thread, as without one */
		p = run_proc_adopt(r, h->pid, h->line);
	}
	run_hold(r, 0);
}

/* Finds or makes the process of @it, holding @it when its clone has not returned yet. */
static void dispatch(struct runner *r, struct run_item *it)
{
	struct run_hold *h = it->pid ? find_hold(r, it->pid) : NULL;
	struct run_proc *p = NULL;
	int ret;

	r->file = it->src->name;
	if (it->rec->kind == SC_REC_SI_ADDR) {
		execute(r, it, r->procs[0]);
		return;
	}
	if (!h)
		p = it->pid ? run_proc_find(r, it->pid) : run_proc_plain(r, it->rec);
	if (!h && !p) {
		ret = run_proc_new(r, it->rec, it->pid, &p);
		if (ret < 0)
			goto oom;
		if (ret == RUN_NEW_PROC) {
			execute(r, it, p);
			return;
		}
	}
	if (p && vfork_waits(r, it, p) && !end_untraced_vfork_child(r, it, p)) {
		vfork_queue(r, it);
		return;
	}
	if (p) {
		execute(r, it, p);
		return;
	}
	if (hold_item(r, h, it))
		goto oom;
	if (r->nr_held > RUN_HOLD_MAX) {
		run_msg(r, r->holds[0].line, "pid %d: more than %u lines wait for the clone that "
			"makes it; taken as a thread of the first task", r->holds[0].pid,
			RUN_HOLD_MAX);
		r->n.errors++;
		flush_oldest_hold(r);
	}
	return;
oom:
	run_msg(r, it->line, "out of memory");
	r->n.errors++;
	free_item(it);
}

/*
 * Records that run once the next line is parsed: an access pseudo-call, which a "# si_addr:"
 * line after it gives an expectation, and a clone without "= PID", whose child is the new pid
 * of the next line if it has one.
 */
static bool awaits_next_line(const struct sc_record *rec)
{
	if (rec->kind != SC_REC_CALL)
		return false;
	if (rec->pseudo)
		return rec->pseudo == SC_PS_TOUCH || rec->pseudo == SC_PS_POKE ||
		       rec->pseudo == SC_PS_PEEK;
	return rec->res.kind == SC_RES_NONE && run_is_clone(rec);
}

static void flush_lag(struct runner *r)
{
	struct run_item *it = r->lag;

	r->lag = NULL;
	if (it)
		dispatch(r, it);
}

/*
 * An access of a pid no clone has named yet, followed by the clone that names it (a thread's
 * first page fault, recorded before its parent's clone returned): the clone runs first, so
 * that the access finds its task, as a call of that pid would have been held for it.
 */
static bool lag_awaits_clone(struct runner *r, const struct run_item *it)
{
	const struct run_item *lag = r->lag;

	return lag && lag->rec->pseudo && lag->pid && it->rec && run_is_clone(it->rec) &&
	       it->rec->res.kind == SC_RES_VALUE && it->rec->res.val == (unsigned long)lag->pid &&
	       !run_proc_find(r, lag->pid) && !find_hold(r, lag->pid);
}

/* Handles the next line of the input. */
static void process(struct runner *r, struct run_item *it)
{
	if (lag_awaits_clone(r, it)) {
		dispatch(r, it);
		flush_lag(r);
		return;
	}
	/* The line after an access has been parsed: its "# si_addr:" is in the record. */
	if (r->lag && it->rec && it->pid && !run_proc_find(r, it->pid) && !find_hold(r, it->pid))
		r->child_hint = it->pid;
	flush_lag(r);
	r->child_hint = 0;
	if (!it->rec) {
		struct sbuf none = SBUF_INIT;

		r->file = it->src->name;
		if (!run_file_line(r, it->text, it->len, it->line))
			run_buf_line(r, it->text, it->len, it->line);
		echo_line(r, it, &none);
		free(it);
		return;
	}
	if (awaits_next_line(it->rec)) {
		r->lag = it;
		return;
	}
	dispatch(r, it);
}

static void report_error(struct runner *r, struct run_src *s, const struct sc_error *err)
{
	struct sbuf sb = SBUF_INIT;

	fflush(stdout);
	run_progress_clear();
	sc_format_error(&sb, s->name, err);
	fprintf(stderr, "%s\n", sbuf_str(&sb));
	sbuf_free(&sb);
	r->n.malformed++;
}

/*
 * Reads and parses the next line of @s into s->next. A malformed line is reported here and
 * comes out as a line without a record (the transcript echoes it). At the end, calls left
 * unfinished are reported and s->eof is set.
 */
static void src_read(struct runner *r, struct run_src *s)
{
	const struct sc_record *rec;
	struct sc_error err;
	struct run_item *it;
	ssize_t n;
	int ret;

	if (s->eof || s->next)
		return;
	r->file = s->name;
	errno = 0;
	n = run_signal ? -1 : getline(&s->buf, &s->cap, s->f);
	if (n < 0) {
		if (errno && errno != EINTR) {
			fprintf(stderr, "mmlab run: %s: %s\n", s->name, strerror(errno));
			r->n.errors++;
		}
		s->eof = true;
		while (!run_signal && sc_parser_finish(s->parser, &rec, &err) == -EINVAL)
			report_error(r, s, &err);
		return;
	}
	s->lineno++;
	s->bytes += (unsigned long long)n;
	r->n.lines++;
	while (n && (s->buf[n - 1] == '\n'))
		n--;
	it = malloc(sizeof(*it) + (size_t)n + 1);
	if (!it) {
		run_msg(r, s->lineno, "out of memory");
		r->n.errors++;
		return;
	}
	*it = (struct run_item){ .src = s, .line = s->lineno, .len = (size_t)n };
	memcpy(it->text, s->buf, (size_t)n);
	it->text[n] = '\0';
	ret = sc_parser_feed(s->parser, s->buf, (size_t)n, s->lineno, &rec, &err);
	if (ret == -EINVAL) {
		report_error(r, s, &err);
	} else if (ret) {
		run_msg(r, s->lineno, "%s", strerror(-ret));
		r->n.errors++;
	} else if (rec) {
		struct run_proc *p;

		it->rec = rec;
		it->pid = rec->pid ? rec->pid : s->pid;
		/* read ahead of the lines that run: a vfork child's exec may be here already */
		p = it->pid ? run_proc_find(r, it->pid) : NULL;
		if (p)
			p->shown = true;
	}
	s->next = it;
}

/* When a line ran, for ordering several inputs: its absolute timestamp, else its input's last. */
static double item_time(const struct run_item *it)
{
	const struct sc_record *rec = it->rec;

	return rec && rec->has_time && !rec->time_relative ? rec->time : it->src->clock;
}

/*
 * The input whose next line runs first: the earliest timestamp (strace -t/-tt/-ttt), ties and
 * untimed lines in the order of the inputs (by pid for an -ff set, so a parent's file, which
 * holds the clone making a child, comes before the child's).
 */
static struct run_src *next_src(struct runner *r)
{
	struct run_src *best = NULL;

	for (unsigned int k = 0; k < r->nr_srcs; k++) {
		struct run_src *s = &r->srcs[k];

		src_read(r, s);
		if (!s->next)
			continue;
		if (!r->timed || r->nr_srcs == 1)
			return s;
		if (!best || item_time(s->next) < item_time(best->next))
			best = s;
	}
	return best;
}

static void show_progress(struct runner *r, double start, double *last)
{
	unsigned long long bytes = 0, size = 0;
	double t = now(), rate;

	if (t - *last < 0.25)
		return;
	*last = t;
	for (unsigned int k = 0; k < r->nr_srcs; k++) {
		bytes += r->srcs[k].bytes;
		size += r->srcs[k].size;
	}
	rate = (double)r->n.lines / (t - start);
	fprintf(stderr, "\r\033[K%s: %lu lines read and run, %.0f lines/s", r->file, r->n.lines,
		rate);
	if (size && bytes <= size)
		fprintf(stderr, ", %.0f%%, ETA %.1fs", 100.0 * (double)bytes / (double)size,
			bytes ? (t - start) * (double)(size - bytes) / (double)bytes : 0.0);
	run_progress_shown();
}

static void run_input(struct runner *r)
{
	bool progress = !r->quiet && isatty(STDERR_FILENO);
	double start = now(), last = start;
	struct run_src *s;

	while (!r->stopped && !run_signal && (s = next_src(r))) {
		struct run_item *it = s->next;

		s->next = NULL;
		s->clock = item_time(it);
		process(r, it);
		if (progress && !(r->n.lines & 1023))
			show_progress(r, start, &last);
	}
	if (!r->stopped && !run_signal) {
		flush_lag(r);
		while (r->nr_holds)
			flush_oldest_hold(r);
		release_vfork_waiters(r, true);
	}
	if (r->transcript == RUN_TR_UNDECIDED)
		sbuf_free(&r->pre);
	fflush(stdout);
	run_progress_clear();
}

/* "START-END PERMS OFFSET MAJ:MIN INODE [PATH]", as /proc/PID/maps prints a VMA. */
static bool maps_line_ok(const char *l)
{
	unsigned long start, end, off, ino;
	unsigned int maj, min;
	char perms[5];
	int n = 0;

	if (sscanf(l, "%lx-%lx %4s %lx %x:%x %lu%n", &start, &end, perms, &off, &maj, &min, &ino,
		   &n) != 7 || strlen(perms) != 4)
		return false;
	return strchr("r-", perms[0]) && strchr("w-", perms[1]) && strchr("x-", perms[2]) &&
	       strchr("ps", perms[3]) && (l[n] == '\0' || l[n] == ' ' || l[n] == '\n');
}

/*
 * The --maps file as the library reads it: a UTF-8 byte-order mark and blank lines (an
 * editor's, a copy's) are dropped; any other line that is not a VMA is reported with its
 * number, which the library's -EINVAL could not say.
 */
static int read_maps(struct runner *r, struct sbuf *text)
{
	FILE *f = fopen(r->maps_path, "re");
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	if (!f) {
		err = -errno;
		fprintf(stderr, "mmlab run: %s: %s\n", r->maps_path, strerror(errno));
		return err;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *l = line;

		if (!lineno++ && !strncmp(l, "\xef\xbb\xbf", 3))
			l += 3;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!l[strspn(l, " \t")])
			continue;
		if (!maps_line_ok(l)) {
			fprintf(stderr, "%s:%u: not a /proc/PID/maps line: '%.60s'\n", r->maps_path,
				lineno, l);
			err = -EINVAL;
			break;
		}
		sbuf_printf(text, "%s\n", l);
	}
	if (!err && ferror(f)) {
		err = -EIO;
		fprintf(stderr, "mmlab run: %s: %s\n", r->maps_path, strerror(EIO));
	}
	free(line);
	fclose(f);
	return err;
}

static int create_from_maps(struct runner *r, struct mmlab_task **task)
{
	struct mmlab_maps_error bad = { 0 };
	struct sbuf text = SBUF_INIT;
	FILE *f;
	int err = read_maps(r, &text); /* names a line that is not a maps line */

	if (err)
		goto out;
	if (!text.len) {
		fprintf(stderr, "mmlab run: %s: no /proc/PID/maps line\n", r->maps_path);
		err = -EINVAL;
		goto out;
	}
	/* The file itself, so that the library's line numbers are the file's. */
	f = fopen(r->maps_path, "re");
	if (!f) {
		err = -errno;
		fprintf(stderr, "mmlab run: %s: %s\n", r->maps_path, strerror(errno));
		goto out;
	}
	err = mmlab_task_create_from_maps_report(r->machine, &r->cfg, f, task, &bad);
	fclose(f);
	if (err && bad.line)
		fprintf(stderr, "%s:%lu: %s\n", r->maps_path, bad.line,
			bad.message ? bad.message : strerror(-err));
	else if (err)
		fprintf(stderr, "mmlab run: %s: cannot build the address space: %s\n",
			r->maps_path, strerror(-err));
out:
	sbuf_free(&text);
	return err;
}

static int create_first_task(struct runner *r)
{
	struct mmlab_task *task;
	struct run_mm *mm;
	int err;

	if (r->maps_path) {
		err = create_from_maps(r, &task);
		if (err)
			return err;
	} else {
		err = mmlab_task_create(r->machine, &r->cfg, &task);
		if (err) {
			fprintf(stderr, "mmlab run: cannot build the address space: %s\n",
				strerror(-err));
			return err;
		}
	}
	err = run_mm_create(r, &mm);
	if (!err && !run_proc_add(r, 0, RUN_PROC_TASK, mm, 1))
		err = -ENOMEM;
	if (err) {
		mmlab_task_destroy(task);
		return err;
	}
	mm->task = task;
	return 0;
}

/* The notes of the summary: pids taken as threads, programs not loaded, unknown names. */
static void summary_notes(struct runner *r)
{
	unsigned long named = 0;
	bool adopted = false;

	for (unsigned int k = 0; k < r->nr_procs; k++) {
		const struct run_proc *p = r->procs[k];
		const struct run_proc *owner = p->adopted ? run_mm_first(r, p->mm) : NULL;

		adopted |= p->adopted;
		if (owner && owner->pid)
			fprintf(stderr, "pid %d taken as a thread of %d\n", p->pid, owner->pid);
		else if (owner && owner == r->procs[0])
			fprintf(stderr, "pid %d taken as a thread of the first task\n", p->pid);
		else if (owner)
			fprintf(stderr, "pid %d taken as a thread of the run of line %u\n", p->pid,
				owner->fork_line);
		if (p->after_exec)
			fprintf(stderr, "pid %d: %lu call%s after its execve (line %u) not run: "
				"its new program was not loaded\n", p->pid, p->after_exec,
				p->after_exec == 1 ? "" : "s", p->exec_line);
	}
	if ((adopted || r->early_child_said) && !r->seen_clone)
		/*
		 * children of forks share nothing: their calls went to the wrong address space
		 * (without a clone line, early_child_said comes from a pid's execve alone)
		 */
		fprintf(stderr, "(the log has no clone, fork or vfork: if -e trace= left them "
			"out, trace %%process too, or %s ran in the wrong process)\n",
			adopted ? "these pids' calls" : "the calls of a pid before its execve");
	if (r->cut_writes)
		fprintf(stderr, "%lu write%s wrote %llu byte%s of zeros where strace cut the data "
			"(\"...\"): a larger strace -s shows them\n", r->cut_writes,
			r->cut_writes == 1 ? "" : "s", r->cut_bytes, r->cut_bytes == 1 ? "" : "s");
	if (r->injected)
		fprintf(stderr, "%lu call%s skipped: strace injected %s result%s, the kernel did not "
			"run %s\n", r->injected, r->injected == 1 ? "" : "s",
			r->injected == 1 ? "its" : "their", r->injected == 1 ? "" : "s",
			r->injected == 1 ? "it" : "them");
	if (!r->n.unknown)
		return;
	fprintf(stderr, "skipped:");
	for (unsigned int k = 0; k < r->nr_unknown; k++) {
		fprintf(stderr, "%s %s %lu (unknown)", k ? "," : "", r->unknown[k].name,
			r->unknown[k].count);
		named += r->unknown[k].count;
	}
	if (named < r->n.unknown)
		fprintf(stderr, "%s others %lu (unknown)", named ? "," : "", r->n.unknown - named);
	fputc('\n', stderr);
}

/* @v with a space between groups of three digits: "1 234 567". */
static const char *group_digits(char *buf, size_t size, uint64_t v)
{
	char digits[32];
	size_t n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v), o = 0;

	for (size_t k = 0; k < n && o + 2 < size; k++) {
		if (k && (n - k) % 3 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[k];
	}
	buf[o] = '\0';
	return buf;
}

/*
 * The end of the summary: the VMA cache's lookups and hits (vmacache_find_calls/hits), and
 * each address space's resident set when its process ended (or at the end of the log).
 */
static void summary_memory(struct runner *r)
{
	uint64_t calls = 0, hits = 0;
	char b[40];

	if (!mmlab_vmstat_get(r->machine, "vmacache_find_calls", &calls) &&
	    !mmlab_vmstat_get(r->machine, "vmacache_find_hits", &hits) && calls)
		fprintf(stderr, "vmacache: %s lookups, %.1f%% hits\n",
			group_digits(b, sizeof(b), calls), 100.0 * (double)hits / (double)calls);
	for (unsigned int k = 0; k < r->nr_mms; k++) {
		struct run_mm *mm = r->mms[k];
		const struct run_proc *first = run_mm_first(r, mm);
		struct mmlab_task_mem st = mm->exit_mem;
		int pid = mm->exit_pid;

		if (!mm->exited && !mm->task)
			continue;
		if (!mm->exited)
			mmlab_task_mem(mm->task, &st);
		/* the pid whose exit ended it, else its first task's (while it runs) */
		if (!pid && first)
			pid = first->pid;
		if (pid)
			fprintf(stderr, "rss: pid %d", pid);
		else if (mm == r->procs[0]->mm)
			fputs("rss: the first task", stderr); /* a log without pids */
		else	/* a run strace -A appended without -f: its execve's line */
			fprintf(stderr, "rss: the run of line %u", first ? first->fork_line : 0);
		fprintf(stderr, " %s %llu kB (anon %llu kB, file %llu kB, shmem %llu kB)\n",
			mm->exited ? "at exit" : "at the end", (unsigned long long)st.rss * 4,
			(unsigned long long)st.rss_anon * 4, (unsigned long long)st.rss_file * 4,
			(unsigned long long)st.rss_shmem * 4);
	}
}

static void summary(struct runner *r, const char *name, double secs)
{
	fflush(stdout); /* the transcript first, when both streams share a pipe */
	fprintf(stderr, "%s: %lu lines, %lu calls run, %lu skipped, %lu mismatch%s", name,
		r->n.lines, r->n.run, r->n.skipped, r->n.mismatches,
		r->n.mismatches == 1 ? "" : "es");
	if (r->n.not_run)
		fprintf(stderr, ", %lu not run", r->n.not_run);
	if (r->n.unsupported)
		fprintf(stderr, ", %lu unsupported", r->n.unsupported);
	if (r->n.malformed)
		fprintf(stderr, ", %lu malformed line%s", r->n.malformed,
			r->n.malformed == 1 ? "" : "s");
	if (r->n.errors)
		fprintf(stderr, ", %lu error%s", r->n.errors, r->n.errors == 1 ? "" : "s");
	fprintf(stderr, "%s in %.3f s\n",
		run_signal == SIGINT	? " (interrupted)" :
		run_signal		? " (terminated)" :
		r->stopped		? " (stopped at the first mismatch)" : "",
		secs);
	summary_notes(r);
	summary_memory(r);
	run_pressure_summary(r);
}

/*
 * The end of the run as a clean shutdown: with --write-files, sync(2) takes every dirty page
 * of the host's files through to them (what the flusher or msync had not written yet).
 * Return: 0, or -errno when writeback failed (said on stderr).
 */
static int sync_at_exit(struct runner *r, bool write_files)
{
	int err;

	if (!write_files)
		return 0;
	err = mmlab_machine_sync(r->machine);
	if (err)
		fprintf(stderr, "mmlab run: writing files back at the end: %s\n", strerror(-err));
	return err;
}

/*
 * What stays in mmlab's memory only, in one line on stderr after the summary, --quiet or
 * not, since the host's files do not have it: "N dirty pages of M files stayed in memory;
 * --write-files writes them". With --write-files (after the sync at the end) what is left is
 * what writeback never carries: files the run created and new sizes of host files, and the
 * line says so instead. Nothing when there is none.
 */
static void report_unsaved(struct runner *r, bool write_files)
{
	uint64_t pages, files;

	mmlab_unsaved_files(r->machine, &pages, &files);
	if (!files)
		return;
	fflush(stdout);
	run_progress_clear();
	fprintf(stderr, "%llu dirty page%s of %llu file%s stayed in memory; %s\n",
		(unsigned long long)pages, pages == 1 ? "" : "s", (unsigned long long)files,
		files == 1 ? "" : "s",
		write_files ? "--write-files writes contents only, never a new file or size" :
			      "--write-files writes them");
}

static int write_final_maps(struct runner *r, const char *path, bool smaps)
{
	FILE *f = fopen(path, "we");
	int err;

	if (!f) {
		fprintf(stderr, "mmlab run: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	err = smaps ? mmlab_proc_smaps(r->procs[0]->mm->task, f) :
		      mmlab_proc_maps(r->procs[0]->mm->task, f);
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		fprintf(stderr, "mmlab run: %s: %s\n", path, strerror(-err));
	return err;
}

/*
 * The host refused the machine's memory. Under vm.overcommit_memory=2 the host charges even
 * MAP_NORESERVE mappings against CommitLimit, so a --ram within RAM + swap can still fail.
 */
static void report_machine_error(int err)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "re");
	int mode = -1;

	if (f) {
		if (fscanf(f, "%d", &mode) != 1)
			mode = -1;
		fclose(f);
	}
	fprintf(stderr, "mmlab run: cannot create the machine: %s%s\n", strerror(-err),
		err == -ENOMEM && mode == 2 ? " (the host's vm.overcommit_memory is 2: a smaller "
					      "--ram may fit its CommitLimit)" : "");
}

static void on_signal(int sig)
{
	run_signal = sig;
}

/* SIGINT/SIGTERM end the reading loop; getline returns EINTR from a blocking read. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The pid of an -ff file name, PREFIX.PID; 0 when the name does not end so. */
static int ff_pid(const char *name)
{
	const char *dot = strrchr(name, '.');
	char *end;
	long v;

	if (!dot || !dot[1])
		return 0;
	v = strtol(dot + 1, &end, 10);
	return *end || v <= 0 || v > INT_MAX ? 0 : (int)v;
}

static int cmp_src_pid(const void *a, const void *b)
{
	const struct run_src *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int open_srcs(struct runner *r, char **names, int nr)
{
	struct stat st;

	r->srcs = calloc((size_t)nr, sizeof(*r->srcs));
	if (!r->srcs)
		return -ENOMEM;
	for (int k = 0; k < nr; k++) {
		struct run_src *s = &r->srcs[r->nr_srcs];
		bool is_stdin = !strcmp(names[k], "-");

		if (is_stdin && nr > 1) {
			cli_usage_error(&run_cmd, "'-' cannot be one of several files");
			return -EINVAL;
		}
		s->name = is_stdin ? "<stdin>" : names[k];
		s->pid = nr > 1 ? ff_pid(names[k]) : 0;
		if (nr > 1 && !s->pid) {
			cli_usage_error(&run_cmd, "%s: several files must be strace -ff's PREFIX.PID",
					names[k]);
			return -EINVAL;
		}
		s->f = is_stdin ? stdin : fopen(names[k], "re");
		if (!s->f) {
			fprintf(stderr, "mmlab run: %s: %s\n", names[k], strerror(errno));
			return -errno;
		}
		r->nr_srcs++;
		if (!fstat(fileno(s->f), &st) && S_ISREG(st.st_mode))
			s->size = (unsigned long long)st.st_size;
		else
			r->live = true;
		if (sc_parser_create(s->name, &s->parser))
			return -ENOMEM;
	}
	qsort(r->srcs, r->nr_srcs, sizeof(*r->srcs), cmp_src_pid);
	for (unsigned int k = 0; k < r->nr_srcs; k++)
		run_pid_seen(r, r->srcs[k].pid);
	r->timed = nr > 1;
	return 0;
}

static void close_srcs(struct runner *r)
{
	for (unsigned int k = 0; k < r->nr_srcs; k++) {
		struct run_src *s = &r->srcs[k];

		free_item(s->next);
		sc_parser_destroy(s->parser);
		if (s->f && s->f != stdin)
			fclose(s->f);
		free(s->buf);
	}
	free(r->srcs);
}

static void free_runner(struct runner *r)
{
	free_item(r->lag);
	run_json_free(r);
	for (unsigned int k = 0; k < r->nr_holds; k++) {
		struct run_item *it = r->holds[k].head;

		while (it) {
			struct run_item *next = it->next;

			free_item(it);
			it = next;
		}
	}
	free(r->holds);
	for (struct run_item *it = r->vfork_head, *next; it; it = next) {
		next = it->next;
		free_item(it);
	}
	for (unsigned int k = 0; k < r->nr_unknown; k++)
		free(r->unknown[k].name);
	free(r->unknown);
	sbuf_free(&r->pre);
	run_free_procs(r);
	run_files_free(r);
	run_env_free(r);
	run_shm_free(r);
	if (r->machine)
		mmlab_machine_destroy(r->machine);
	close_srcs(r);
}

/**
 * cmd_run() - the `mmlab run` command.
 * @argc: argument count (argv[0] is "run").
 * @argv: arguments.
 *
 * Context: the process's main thread; installs SIGINT and SIGTERM handlers.
 * Return: 0 when every expectation held, 1 when some result differed, 2 for usage errors,
 * malformed lines and arguments that do not evaluate, 128+N when signal N stopped the run.
 */
int cmd_run(int argc, char **argv)
{
	struct runner r = { .next_pid = 1000, .file = "mmlab run" };
	struct run_opts o = { .r = &r, .pku = -1, .zero_page = -1, .lru = -1 };
	double start = now();
	int status = 2, first, err;
	char name[64], msg[160];

	run_machine_init(&r.machine_log);
	run_machine_init(&r.machine_opt);
	switch (cli_parse(&run_cmd, argc, argv, &o, &first)) {
	case CLI_HELP:
		return 0;
	case CLI_USAGE:
		return 2;
	case CLI_OK:
		break;
	}
	if (first >= argc) {
		cli_usage_error(&run_cmd, "no scenario given");
		return 2;
	}
	if (open_srcs(&r, argv + first, argc - first))
		goto out;
	/* The first line is read before the machine exists: a recording's "# machine:" line. */
	src_read(&r, &r.srcs[0]);
	if (r.srcs[0].next && r.srcs[0].next->line == 1 &&
	    run_machine_parse_line(r.srcs[0].next->text, r.srcs[0].next->len, &r.machine_log,
				   msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s:1: %s\n", r.srcs[0].name, msg);
		goto out;
	}
	run_machine_apply(&r.machine_log, &r.machine_opt, &o.mc, &r.cfg);
	/* the recording's "pku=" unless --pku/--no-pku says otherwise */
	o.mc.no_pku = run_machine_pku(&r.machine_log, o.pku) == 0;
	o.mc.no_zero_page = (o.zero_page >= 0 ? o.zero_page : r.machine_log.zero_page) == 0;
	if (o.swap.bytes || o.swap.path)
		o.mc.swap_bytes = 0;	/* a real area replaces the recording host's figure */
	o.mc.lru_mode = o.lru >= 0 ? o.lru : lru_default_mode();
	err = mmlab_machine_create(&o.mc, &r.machine);
	if (!err)
		err = run_machine_sysctls(&r.machine_log, &r.machine_opt, r.machine);
	if (err) {
		report_machine_error(err);
		goto out;
	}
	if (run_swap_setup(r.machine, &o.swap, o.mc.write_files))
		goto out;
	if (create_first_task(&r))
		goto out;
	if (run_machine_task(&r.machine_log, &r.machine_opt, r.procs[0]->mm->task)) {
		fprintf(stderr, "%s:1: machine line: limits or capabilities root cannot have\n",
			r.srcs[0].name);
		goto out;
	}
	catch_signals();
	run_input(&r);
	if (o.final_maps && write_final_maps(&r, o.final_maps, false))
		r.n.errors++;
	if (o.final_smaps && write_final_maps(&r, o.final_smaps, true))
		r.n.errors++;
	if (sync_at_exit(&r, o.mc.write_files))
		r.n.errors++;
	if (r.nr_srcs > 1)
		snprintf(name, sizeof(name), "%u files", r.nr_srcs);
	if (!r.quiet)
		summary(&r, r.nr_srcs > 1 ? name : r.srcs[0].name, now() - start);
	if (run_json_report(&r, r.nr_srcs > 1 ? name : r.srcs[0].name, now() - start))
		r.n.errors++;
	run_json_summary(&r, r.nr_srcs > 1 ? name : r.srcs[0].name, now() - start,
			 run_signal == SIGINT ? "interrupted" : run_signal ? "terminated" :
			 r.stopped ? "stopped" : "complete");
	report_unsaved(&r, o.mc.write_files);
	status = run_signal			   ? 128 + run_signal :
		 r.n.errors || r.n.malformed ? 2 :
		 r.n.mismatches		   ? 1 : 0;
out:
	free_runner(&r);
	return status;
}
