/*
 * `mmlab run [--maps FILE] [--no-aslr] [--seed N] [--ram SIZE] [--pku|--no-pku]
 * [--stop-on-mismatch] [--quiet] [--final-maps FILE] SCENARIO|-`: executes a scenario (see scenario.h) against mmlab tasks.
 * Each call runs on the task its pid prefix names (run_proc.c) through the table of
 * run_calls.c; "= RESULT" is an expectation, and a call without one gets mmlab's result
 * printed after it, so a log with its results stripped comes back as the log. Lines run in the
 * order their calls complete, which is the order strace saw the results. Models no Linux code.
 */
#include "commands.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RESULT_COLUMN 39	/* strace pads a call to this column before " = " (acolumn) */

static bool progress_shown;

static void progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}

/**
 * run_msg() - a message about a line: "FILE:LINE: message" on stderr.
 * @r: the runner.
 * @line: the line.
 * @fmt: printf format of the message.
 *
 * Context: single-threaded.
 */
void run_msg(struct runner *r, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	progress_clear();
	fprintf(stderr, "%s:%u: ", r->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * run_msg_at() - "FILE:LINE:COL: message" on stderr.
 * @r: the runner.
 * @line: the line.
 * @col: the column.
 * @msg: the message.
 *
 * Context: single-threaded.
 */
void run_msg_at(struct runner *r, unsigned int line, unsigned int col, const char *msg)
{
	fflush(stdout);
	progress_clear();
	fprintf(stderr, "%s:%u:%u: %s\n", r->file, line, col, msg);
}

/**
 * run_err_at() - "FILE:LINE:COL: message" about a value of the scenario.
 * @r: the runner.
 * @v: the value.
 * @msg: the message.
 *
 * Context: single-threaded.
 */
void run_err_at(struct runner *r, const struct sc_value *v, const char *msg)
{
	run_msg_at(r, v->pos.line, v->pos.col, msg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_all(const char *path, char **text, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t n = 0, cap = 1 << 16;
	char *buf;
	int ret = 0;

	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	while (buf) {
		ssize_t got;

		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			ret = -errno;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (!buf)
		ret = -ENOMEM;
	if (fd != STDIN_FILENO)
		close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	*text = buf;
	*len = n;
	return 0;
}

static int index_lines(struct runner *r)
{
	unsigned int n = 0;

	for (size_t i = 0; i < r->len; i++)
		n += r->text[i] == '\n';
	if (r->len && r->text[r->len - 1] != '\n')
		n++;
	r->line_off = malloc((n + 1) * sizeof(*r->line_off));
	if (!r->line_off)
		return -ENOMEM;
	r->nr_lines = n;
	n = 0;
	r->line_off[0] = 0;
	for (size_t i = 0; i < r->len; i++)
		if (r->text[i] == '\n')
			r->line_off[++n] = i + 1;
	if (r->len && r->text[r->len - 1] != '\n')
		r->line_off[r->nr_lines] = r->len + 1; /* as if the last line had its newline */
	return 0;
}

/* Line @l (1-based) without its newline and trailing blanks. */
static const char *line_text(const struct runner *r, unsigned int l, size_t *len)
{
	const char *s = r->text + r->line_off[l - 1];
	size_t n = r->line_off[l] - 1 - r->line_off[l - 1];

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	*len = n;
	return s;
}

static unsigned int done_line(const struct sc_record *rec)
{
	return rec->resume_line ? rec->resume_line : rec->line;
}

/* Compares mmlab's result with "= RESULT"; reports a difference. */
static void check_result(struct runner *r, const struct sc_record *rec, long got)
{
	struct sbuf exp = SBUF_INIT, res = SBUF_INIT;
	long want;

	if (rec->res.kind == SC_RES_VALUE)
		want = (long)rec->res.val;
	else if (rec->res.kind == SC_RES_ERROR)
		want = -(long)rec->res.err;
	else
		return;
	if (want == got)
		return;
	sc_format_result(&exp, rec->name, want);
	sc_format_result(&res, rec->name, got);
	run_msg(r, done_line(rec), "expected %s, got %s", sbuf_str(&exp) + 2, sbuf_str(&res) + 2);
	sbuf_free(&exp);
	sbuf_free(&res);
	r->n.mismatches++;
	if (r->stop_on_mismatch)
		r->stopped = true;
}

/* Runs one record; a result to print after its line goes to @out. */
static void run_record(struct runner *r, const struct sc_record *rec, struct sbuf *out)
{
	struct run_call c = { .rec = rec, .out = out };
	enum run_status st;

	if (rec->kind == SC_REC_SI_ADDR) {
		r->fault_addr = rec->fault_addr;
		r->has_fault_addr = true;
		return;
	}
	if (rec->kind == SC_REC_SIGNAL)
		return;
	c.proc = run_proc_of(r, rec->pid, rec->line);
	if (!c.proc) {
		run_msg(r, rec->line, "out of memory");
		r->n.errors++;
		return;
	}
	if (rec->kind == SC_REC_EXITED || rec->kind == SC_REC_KILLED) {
		c.proc->exited = true;
		if (rec->kind == SC_REC_KILLED && c.proc->mm)
			c.proc->mm->exited = true;
		return;
	}
	st = run_call(r, &c);
	switch (st) {
	case RUN_DONE:
		r->n.run++;
		if (rec->res.kind == SC_RES_NONE)
			sc_format_result(out, rec->name, c.ret);
		else
			check_result(r, rec, c.ret);
		break;
	case RUN_NO_RESULT:
		r->n.run++;
		break;
	case RUN_SKIPPED:
		r->n.skipped++;
		break;
	case RUN_REPORTED:
		break;
	}
}

/* Prints line @l as the transcript shows it: with @res appended, padded as strace pads. */
static void echo_line(struct runner *r, unsigned int l, const struct sbuf *res)
{
	size_t n;
	const char *s = line_text(r, l, &n);

	fwrite(s, 1, n, stdout);
	if (res->len) {
		for (; n < RESULT_COLUMN; n++)
			putchar(' ');
		printf(" %s", sbuf_str(res));
	}
	putchar('\n');
}

static void show_progress(struct runner *r, unsigned int l, double start, double *last)
{
	double t = now(), rate;

	if (t - *last < 0.25)
		return;
	*last = t;
	rate = l / (t - start);
	fprintf(stderr, "\r\033[K%s: %u/%u lines, %.0f lines/s, ETA %.1fs", r->file, l,
		r->nr_lines, rate, rate > 0 ? (r->nr_lines - l) / rate : 0.0);
	progress_shown = true;
}

static void run_lines(struct runner *r)
{
	bool progress = !r->quiet && isatty(STDERR_FILENO);
	double start = now(), last = start;
	struct sbuf res = SBUF_INIT;
	unsigned int k = 0;

	for (unsigned int l = 1; l <= r->nr_lines && !r->stopped; l++) {
		bool pseudo_printed = false;

		sbuf_reset(&res);
		for (; k < r->sc->nr_recs && done_line(r->sc->recs[k]) == l && !r->stopped; k++) {
			const struct sc_record *rec = r->sc->recs[k];

			if (rec->kind == SC_REC_CALL && rec->pseudo && !pseudo_printed &&
			    run_pseudo_prints(rec)) {
				/* The pseudo-call's line heads what it prints. */
				echo_line(r, l, &res);
				pseudo_printed = true;
			}
			run_record(r, rec, &res);
		}
		if (r->transcript && !pseudo_printed)
			echo_line(r, l, &res);
		if (progress && !(l & 1023))
			show_progress(r, l, start, &last);
	}
	sbuf_free(&res);
	fflush(stdout);
	progress_clear();
}

/* Some executed call has no "= RESULT": then the run prints the whole log back. */
static bool wants_transcript(const struct scenario *sc)
{
	for (unsigned int k = 0; k < sc->nr_recs; k++)
		if (sc->recs[k]->kind == SC_REC_CALL && sc->recs[k]->res.kind == SC_RES_NONE &&
		    run_call_prints_result(sc->recs[k]))
			return true;
	return false;
}

static int create_first_task(struct runner *r)
{
	struct mmlab_task *task;
	struct run_mm *mm;
	FILE *f = NULL;
	int err;

	if (r->maps_path) {
		f = fopen(r->maps_path, "re");
		if (!f) {
			fprintf(stderr, "mmlab run: %s: %s\n", r->maps_path, strerror(errno));
			return -errno;
		}
		err = mmlab_task_create_from_maps(r->machine, &r->cfg, f, &task);
		fclose(f);
	} else {
		err = mmlab_task_create(r->machine, &r->cfg, &task);
	}
	if (err) {
		fprintf(stderr, "mmlab run: %s: cannot build the address space: %s\n",
			r->maps_path ? r->maps_path : "task", strerror(-err));
		return err;
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

static void summary(struct runner *r, double secs)
{
	fflush(stdout); /* the transcript first, when both streams share a pipe */
	fprintf(stderr, "%s: %lu calls run, %lu skipped, %lu mismatch%s", r->file, r->n.run,
		r->n.skipped, r->n.mismatches, r->n.mismatches == 1 ? "" : "es");
	if (r->n.not_run)
		fprintf(stderr, ", %lu not run", r->n.not_run);
	if (r->n.unsupported)
		fprintf(stderr, ", %lu unsupported", r->n.unsupported);
	if (r->n.errors)
		fprintf(stderr, ", %lu error%s", r->n.errors, r->n.errors == 1 ? "" : "s");
	fprintf(stderr, "%s in %.3f s\n", r->stopped ? " (stopped at the first mismatch)" : "",
		secs);
}

static int write_final_maps(struct runner *r, const char *path)
{
	FILE *f = fopen(path, "we");
	int err;

	if (!f) {
		fprintf(stderr, "mmlab run: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	err = mmlab_proc_maps(r->procs[0]->mm->task, f);
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		fprintf(stderr, "mmlab run: %s: %s\n", path, strerror(-err));
	return err;
}

static void usage(void)
{
	fprintf(stderr, "usage: mmlab run [--maps FILE] [--no-aslr] [--seed N] [--ram SIZE] "
			"[--pku|--no-pku] [--stop-on-mismatch] [--quiet] [--final-maps FILE] "
			"SCENARIO|-\n");
}

struct run_opts {
	const char *scenario;
	const char *final_maps;
	size_t ram;
	int pku;	/* --pku 1, --no-pku 0 (CPUs without protection keys); -1 when neither
			   is given: the default, PKU */
};

static int parse_opts(int argc, char **argv, struct runner *r, struct run_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		char *end;

		if (!strcmp(a, "--no-aslr")) {
			r->cfg.no_aslr = 1;
		} else if (!strcmp(a, "--pku")) {
			o->pku = 1;
		} else if (!strcmp(a, "--no-pku")) {
			o->pku = 0;
		} else if (!strcmp(a, "--quiet")) {
			r->quiet = true;
		} else if (!strcmp(a, "--stop-on-mismatch")) {
			r->stop_on_mismatch = true;
		} else if (!strcmp(a, "--maps") && has_val) {
			r->maps_path = argv[++i];
		} else if (!strcmp(a, "--final-maps") && has_val) {
			o->final_maps = argv[++i];
		} else if (!strcmp(a, "--seed") && has_val) {
			errno = 0;
			r->cfg.seed = strtoull(argv[++i], &end, 0);
			if (errno || *end || end == argv[i]) {
				fprintf(stderr, "mmlab run: bad seed '%s'\n", argv[i]);
				return -EINVAL;
			}
		} else if (!strcmp(a, "--ram") && has_val) {
			if (mmlab_parse_size(argv[++i], &o->ram)) {
				fprintf(stderr, "mmlab run: bad size '%s'\n", argv[i]);
				return -EINVAL;
			}
		} else if ((a[0] != '-' || !strcmp(a, "-")) && !o->scenario) {
			o->scenario = a;
		} else {
			fprintf(stderr, "mmlab run: unexpected argument '%s'\n", a);
			return -EINVAL;
		}
	}
	if (!o->scenario) {
		usage();
		return -EINVAL;
	}
	return 0;
}

/* Loads and parses the scenario; malformed lines are reported and fail the run. */
static int load(struct runner *r, const char *path)
{
	struct sbuf sb = SBUF_INIT;
	int err;

	r->file = strcmp(path, "-") ? path : "<stdin>";
	err = read_all(path, &r->text, &r->len);
	if (err) {
		fprintf(stderr, "mmlab run: %s: %s\n", r->file, strerror(-err));
		return err;
	}
	err = index_lines(r) ?: scenario_parse(r->file, r->text, r->len, 100, &r->sc);
	if (err) {
		fprintf(stderr, "mmlab run: %s: %s\n", r->file, strerror(-err));
		return err;
	}
	for (unsigned int k = 0; k < r->sc->nr_errors; k++) {
		sbuf_reset(&sb);
		sc_format_error(&sb, r->file, &r->sc->errors[k]);
		fprintf(stderr, "%s\n", sbuf_str(&sb));
	}
	sbuf_free(&sb);
	return r->sc->nr_errors ? -EINVAL : 0;
}

/**
 * cmd_run() - the `mmlab run` command.
 * @argc: argument count (argv[0] is "run").
 * @argv: arguments.
 *
 * Context: the process's main thread.
 * Return: 0 when every expectation held, 1 when some result differed, 2 for usage errors,
 * malformed scenarios and arguments that do not evaluate.
 */
int cmd_run(int argc, char **argv)
{
	struct mmlab_machine_config mc = { 0 };
	struct runner r = { .next_pid = 1000 };
	struct run_opts o = { .pku = -1 };
	double start = now();
	int status = 2;

	if (parse_opts(argc, argv, &r, &o) || load(&r, o.scenario))
		goto out;
	mc.ram_bytes = o.ram;
	mc.no_pku = o.pku == 0;
	if (mmlab_machine_create(&mc, &r.machine)) {
		fprintf(stderr, "mmlab run: cannot create the machine\n");
		goto out;
	}
	if (create_first_task(&r))
		goto out;
	run_procs_prescan(&r);
	r.transcript = wants_transcript(r.sc);
	run_lines(&r);
	if (o.final_maps && write_final_maps(&r, o.final_maps))
		r.n.errors++;
	if (!r.quiet)
		summary(&r, now() - start);
	status = r.n.errors ? 2 : r.n.mismatches ? 1 : 0;
out:
	run_free_procs(&r);
	if (r.machine)
		mmlab_machine_destroy(r.machine);
	scenario_free(r.sc);
	free(r.line_off);
	free(r.text);
	return status;
}
