// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What `mmlab run` shows of the OOM killer: the pseudo-calls oom_score() (/proc/PID/oom_score,
 * "= N") and oom_score_adj() / oom_score_adj(N) (/proc/PID/oom_score_adj read, "= N", or
 * written, "= 0" or "= -1 EINVAL"/"EACCES"), run on the task their pid prefix names; and after
 * every record, the machine's new kernel-log lines on stdout as "# dmesg: TEXT" (a comment, so
 * the transcript stays a scenario), then "[pid N] +++ killed by SIGKILL +++" for each process
 * the OOM killer ended, as strace shows a process killed under it. The kernel's text names
 * mmlab's pids; the runner prints the log's pid of each process instead. Models no Linux code.
 */
#include "run.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* The log's pid of the process whose mmlab pid is @pid, or @pid when the log has none. */
static int log_pid(const struct runner *r, long pid)
{
	for (unsigned int k = 0; k < r->nr_procs; k++) {
		const struct run_proc *p = r->procs[k];
		struct mmlab_task *t = run_proc_task(p);

		if (p->pid > 0 && t && mmlab_task_pid(t) == pid)
			return p->pid;
	}
	return (int)pid;
}

/*
 * The line with mmlab's pids turned into the log's: the number after each of @keys, in a
 * field as wide as it was (the task dump's columns keep their places).
 */
static void translate_pids(const struct runner *r, const char *line, struct sbuf *out)
{
	static const char *const keys[] = { "process ", "pid=", "pinned by ", "[" };
	const char *s = line;

	while (*s) {
		size_t best = strlen(s), klen = 0;

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *hit = strstr(s, keys[k]);

			if (hit && (size_t)(hit - s) < best) {
				best = (size_t)(hit - s);
				klen = strlen(keys[k]);
			}
		}
		sbuf_printf(out, "%.*s", (int)(best + klen), s);
		s += best + klen;
		if (!klen)
			break;
		{
			const char *num = s + strspn(s, " ");
			char *end;
			long pid = strtol(num, &end, 10);

			if (end == num || (*end != ' ' && *end != ',' && *end != ']' && *end))
				continue;
			sbuf_printf(out, "%*d", (int)(end - s), log_pid(r, pid));
			s = end;
			/* the task dump: "[  pid  ]   uid  tgid ..." - the tgid is a pid too */
			if (klen == 1 && *s == ']') {
				const char *uid_end = s + 1 + strspn(s + 1, " ");

				uid_end += strspn(uid_end, "0123456789");
				num = uid_end + strspn(uid_end, " ");
				pid = strtol(num, &end, 10);
				if (end == num)
					continue;
				sbuf_printf(out, "%.*s%*d", (int)(uid_end - s), s, (int)(end - uid_end),
					    log_pid(r, pid));
				s = end;
			}
		}
	}
}

#define OOM_ORDER_MAX 64	/* kills reported in the log's order per record; more: proc order */

/* The mmlab pids of the processes the log says were killed, in its order. */
struct oom_kills {
	long pid[OOM_ORDER_MAX];
	unsigned int nr;
};

/* The kernel log's new lines, each as "# dmesg: TEXT"; the victims they name go to @kills. */
static void print_dmesg(struct runner *r, struct oom_kills *kills)
{
	char *buf = NULL, *line, *next;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	if (mmlab_dmesg(r->machine, f, 1) || fclose(f) || !len) {
		if (!len)
			free(buf);
		return;
	}
	for (line = buf; line && *line; line = next) {
		struct sbuf sb = SBUF_INIT;
		const char *k = strstr(line, "Killed process ");

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (k && kills->nr < OOM_ORDER_MAX)
			kills->pid[kills->nr++] = strtol(k + strlen("Killed process "), NULL, 10);
		translate_pids(r, line, &sb);
		printf("# dmesg: %s\n", sbuf_str(&sb));
		sbuf_free(&sb);
	}
	free(buf);
}

/*
 * If @p's process was killed by SIGKILL and not yet said so: "+++ killed by SIGKILL +++",
 * and the process exits.
 */
static void report_kill(struct runner *r, const struct sc_record *rec, struct run_proc *p)
{
	struct mmlab_task *t = run_proc_task(p);
	struct mmlab_signals s;

	if (p->killed_by || p->exited || !t || mmlab_task_signals(t, &s) || s.killed_by != SIGKILL)
		return;
	p->killed_by = SIGKILL;
	p->killed_line = rec->line;
	p->kill_said = true;
	if (p->pid > 0)
		printf("[pid %5d] +++ killed by SIGKILL +++\n", p->pid);
	else
		printf("+++ killed by SIGKILL +++\n");
	if (p->kind == RUN_PROC_TASK && p->mm && !p->mm->exited)
		run_mm_exit(r, p->mm);
}

/**
 * run_oom_report() - after a record: the kernel's new lines, and the processes the OOM killer
 * ended since the last record, each once and in the order they were killed, as strace would
 * end them. A killed process exits (its memory is freed as exit frees it); its later lines
 * are reported, not run.
 * @r: the runner.
 * @rec: the record that ran (the line the kill is charged to).
 *
 * Context: single-threaded.
 */
void run_oom_report(struct runner *r, const struct sc_record *rec)
{
	struct oom_kills kills = { .nr = 0 };

	print_dmesg(r, &kills);
	for (unsigned int i = 0; i < kills.nr; i++)
		for (unsigned int k = 0; k < r->nr_procs; k++) {
			struct mmlab_task *t = run_proc_task(r->procs[k]);

			if (t && mmlab_task_tgid(t) == kills.pid[i])
				report_kill(r, rec, r->procs[k]);
		}
	for (unsigned int k = 0; k < r->nr_procs; k++)
		report_kill(r, rec, r->procs[k]);
	if (r->live)
		fflush(stdout);
}

static struct mmlab_task *oom_task(struct run_call *c)
{
	return run_proc_task(c->proc);
}

/* oom_score(): "= N", the task's /proc/PID/oom_score. */
enum run_status run_ps_oom_score(struct runner *r, struct run_call *c)
{
	uint64_t score;
	int err;

	(void)r;
	err = mmlab_oom_score(oom_task(c), &score);
	c->ret = err ? err : (long)score;
	return RUN_DONE;
}

/* oom_score_adj(): "= N"; oom_score_adj(N): the write, "= 0" or "= -1 EINVAL". */
enum run_status run_ps_oom_score_adj(struct runner *r, struct run_call *c)
{
	unsigned long v;
	int adj, old, err;

	if (!c->rec->nr_args) {
		err = mmlab_oom_score_adj(oom_task(c), NULL, NULL, &old);
		if (!err && old < 0 && c->rec->res.kind == SC_RES_NONE) {
			/* a value, not an errno: "= -500" as the file reads */
			sbuf_printf(c->out, "= %d", old);
			r->n.run++;
			return RUN_REPORTED;
		}
		c->ret = err ? err : old;
		return RUN_DONE;
	}
	if (!run_arg(r, c, 0, &v))
		return RUN_REPORTED;
	/* kstrtoint: an int or -EINVAL (a value that does not fit is out of range too) */
	adj = (long)v < -100000 || (long)v > 100000 ? 100000 : (int)(long)v;
	c->ret = mmlab_oom_score_adj(oom_task(c), NULL, &adj, NULL);
	return RUN_DONE;
}
