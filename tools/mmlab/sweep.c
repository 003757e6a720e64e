// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab sweep SPEC: many independent runs of `mmlab run` (traces x option values), executed
 * by GNU parallel on this machine or written as a Slurm job array for a cluster, their --json
 * summaries merged into sweep.jsonl in the current directory (one line per run, the axes as
 * keys). The spec is YAML (libyaml):
 *
 *   traces: [a.strace, b.strace]       # paths relative to the spec's directory
 *   axes:                              # each key a long option of mmlab run
 *     ram: [64M, 128M]                 # --ram=64M, --ram=128M
 *     no-zero-page: [false, true]      # a flag: true gives --no-zero-page, false nothing
 *
 * Each run's own output stays in sweep.d/ (run-N.jsonl, run-N.err, run-N.status), beside the
 * command list (jobs) and parallel's joblog. Left out: remote execution other than Slurm's
 * array (GNU parallel's --sshlogin works on the jobs file as it is).
 */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

#define SWEEP_DIR "sweep.d"
#define SWEEP_OUT "sweep.jsonl"
#define SWEEP_MAX_RUNS 100000

struct sweep_axis {
	char *name;
	int kind;		/* run_option_kind(): 0 a flag, 1 takes a value */
	char **vals;
	unsigned int nr;
};

struct sweep {
	const char *spec;
	char **traces;		/* absolute paths */
	unsigned int nr_traces;
	struct sweep_axis *axes;
	unsigned int nr_axes;
	unsigned long runs;
};

struct sweep_opts {
	const char *slurm;	/* --slurm FILE */
	bool merge_only;	/* --merge */
	bool html;		/* --html: sweep.html beside sweep.jsonl */
	unsigned int jobs;	/* --jobs N: parallel's -j (0: one per CPU) */
};

static void spec_error(const char *spec, const yaml_node_t *n, const char *msg, const char *what)
{
	if (n)
		fprintf(stderr, "%s:%zu:%zu: %s%s%s\n", spec, n->start_mark.line + 1,
			n->start_mark.column + 1, msg, what ? " " : "", what ? what : "");
	else
		fprintf(stderr, "%s: %s%s%s\n", spec, msg, what ? " " : "", what ? what : "");
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A sequence of scalars into a new array; NULL (said) when @n is not one. */
static char **scalars(yaml_document_t *doc, const char *spec, yaml_node_t *n, unsigned int *nr)
{
	char **v;
	unsigned int k = 0;

	if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top ==
						      n->data.sequence.items.start) {
		spec_error(spec, n, "expected a non-empty list", NULL);
		return NULL;
	}
	v = calloc((size_t)(n->data.sequence.items.top - n->data.sequence.items.start),
		   sizeof(*v));
	if (!v)
		return NULL;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(doc, *it);

		if (!scalar(e) || !(v[k] = strdup(scalar(e)))) {
			spec_error(spec, e, "expected a plain value", NULL);
			while (k)
				free(v[--k]);
			free(v);
			return NULL;
		}
		k++;
	}
	*nr = k;
	return v;
}

/* A trace path: relative ones are relative to the spec's directory; must exist. */
static char *trace_path(const char *spec, const yaml_node_t *n, const char *p)
{
	char buf[PATH_MAX], *abs;
	const char *slash = strrchr(spec, '/');

	if (p[0] != '/' && slash)
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - spec), spec, p);
	else
		snprintf(buf, sizeof(buf), "%s", p);
	abs = realpath(buf, NULL);
	if (!abs)
		spec_error(spec, n, "trace not found:", p);
	return abs;
}

static bool is_bool(const char *v, bool *b)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*b = true;
	else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		*b = false;
	else
		return false;
	return true;
}

static int parse_axes(yaml_document_t *doc, struct sweep *sw, yaml_node_t *map)
{
	if (map->type != YAML_MAPPING_NODE) {
		spec_error(sw->spec, map, "axes: expected a map from options to lists", NULL);
		return -EINVAL;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		struct sweep_axis *a;
		const char *name = scalar(k);
		int kind = name ? run_option_kind(name) : -1;

		if (kind < 0 || !strcmp(name, "json") || !strcmp(name, "html") ||
		    !strcmp(name, "quiet")) {
			spec_error(sw->spec, k, "not an option a sweep can vary:", name ? name : "?");
			return -EINVAL;
		}
		a = realloc(sw->axes, (sw->nr_axes + 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		sw->axes = a;
		a = &sw->axes[sw->nr_axes];
		*a = (struct sweep_axis){ .name = strdup(name), .kind = kind };
		a->vals = scalars(doc, sw->spec, v, &a->nr);
		if (!a->name || !a->vals) {
			free(a->name);
			return -EINVAL;
		}
		sw->nr_axes++;
		for (unsigned int i = 0; i < a->nr && kind == 0; i++) {
			bool b;

			if (!is_bool(a->vals[i], &b)) {
				spec_error(sw->spec, v, "a flag's values are true or false:", a->vals[i]);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int parse_spec(struct sweep *sw)
{
	FILE *f = fopen(sw->spec, "r");
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int err = 0;

	if (!f) {
		fprintf(stderr, "mmlab sweep: %s: %s\n", sw->spec, strerror(errno));
		return -errno;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", sw->spec, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		return -EINVAL;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		spec_error(sw->spec, root, "expected a map with traces: and axes:", NULL);
		err = -EINVAL;
	}
	for (yaml_node_pair_t *p = root && !err ? root->data.mapping.pairs.start : NULL;
	     p && p < root->data.mapping.pairs.top && !err; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);

		if (scalar(k) && !strcmp(scalar(k), "traces")) {
			char **t = scalars(&doc, sw->spec, v, &sw->nr_traces);
			yaml_node_item_t *it = v->data.sequence.items.start;

			if (!t) {
				err = -EINVAL;
				break;
			}
			sw->traces = calloc(sw->nr_traces, sizeof(*sw->traces));
			for (unsigned int i = 0; i < sw->nr_traces; i++, it++) {
				if (!err && sw->traces &&
				    !(sw->traces[i] = trace_path(sw->spec,
								 yaml_document_get_node(&doc, *it),
								 t[i])))
					err = -ENOENT;
				free(t[i]);
			}
			free(t);
			if (!sw->traces)
				err = -ENOMEM;
		} else if (scalar(k) && !strcmp(scalar(k), "axes")) {
			err = parse_axes(&doc, sw, v);
		} else {
			spec_error(sw->spec, k, "unknown key (traces: and axes: are):",
				   scalar(k) ? scalar(k) : "?");
			err = -EINVAL;
		}
	}
	if (!err && !sw->nr_traces) {
		spec_error(sw->spec, root, "no traces:", NULL);
		err = -EINVAL;
	}
	if (!err) {
		sw->runs = sw->nr_traces;
		for (unsigned int a = 0; a < sw->nr_axes && sw->runs <= SWEEP_MAX_RUNS; a++)
			sw->runs *= sw->axes[a].nr;
		if (sw->runs > SWEEP_MAX_RUNS) {
			spec_error(sw->spec, NULL, "more than 100000 runs", NULL);
			err = -E2BIG;
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return err;
}

static void sweep_free(struct sweep *sw)
{
	for (unsigned int i = 0; i < sw->nr_traces && sw->traces; i++)
		free(sw->traces[i]);
	free(sw->traces);
	for (unsigned int a = 0; a < sw->nr_axes; a++) {
		for (unsigned int i = 0; i < sw->axes[a].nr; i++)
			free(sw->axes[a].vals[i]);
		free(sw->axes[a].vals);
		free(sw->axes[a].name);
	}
	free(sw->axes);
}

/* Run @k's trace and each axis's value index (the last axis varies fastest). */
static unsigned int run_coords(const struct sweep *sw, unsigned long k, unsigned int *idx)
{
	for (unsigned int a = sw->nr_axes; a-- > 0;) {
		idx[a] = (unsigned int)(k % sw->axes[a].nr);
		k /= sw->axes[a].nr;
	}
	return (unsigned int)k;
}

/* @s single-quoted for sh. */
static void sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* sweep.d/jobs: one sh command per run, in run order; each keeps its status in a file. */
static int write_jobs(const struct sweep *sw, const char *self, const char *dir)
{
	char path[PATH_MAX];
	unsigned int idx[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/jobs", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (unsigned long k = 0; k < sw->runs; k++) {
		unsigned int t = run_coords(sw, k, idx);

		sh_quote(f, self);
		fputs(" run --json --quiet", f);
		for (unsigned int a = 0; a < sw->nr_axes; a++) {
			const char *v = sw->axes[a].vals[idx[a]];
			bool b;

			if (sw->axes[a].kind == 0) {
				if (is_bool(v, &b) && b)
					fprintf(f, " --%s", sw->axes[a].name);
				continue;
			}
			fprintf(f, " --%s=", sw->axes[a].name);
			sh_quote(f, v);
		}
		fputc(' ', f);
		sh_quote(f, sw->traces[t]);
		fprintf(f, " >%s/run-%lu.jsonl 2>%s/run-%lu.err; echo $? >%s/run-%lu.status\n", dir,
			k, dir, k, dir, k);
	}
	return fclose(f) ? -errno : 0;
}

/* Writes @s as a JSON string (the spec's values and paths: printable text). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The last line of a file that starts with @prefix, or NULL; the caller frees it. */
static char *last_line_with(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *found = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	while (getline(&line, &cap, f) > 0)
		if (!strncmp(line, prefix, strlen(prefix))) {
			free(found);
			found = strdup(line);
		}
	free(line);
	fclose(f);
	if (found)
		found[strcspn(found, "\n")] = '\0';
	return found;
}

/* sweep.jsonl: each run's coordinates, exit status and --json summary members. */
static int merge(const struct sweep *sw, const char *dir, unsigned long *missing)
{
	FILE *out = fopen(SWEEP_OUT, "w");
	unsigned int idx[64];

	if (!out) {
		fprintf(stderr, "mmlab sweep: %s: %s\n", SWEEP_OUT, strerror(errno));
		return -errno;
	}
	*missing = 0;
	for (unsigned long k = 0; k < sw->runs; k++) {
		unsigned int t = run_coords(sw, k, idx);
		char path[PATH_MAX], *summary, *status;

		fprintf(out, "{\"run\":%lu,\"trace\":", k);
		json_str(out, sw->traces[t]);
		for (unsigned int a = 0; a < sw->nr_axes; a++) {
			fputc(',', out);
			json_str(out, sw->axes[a].name);
			fputc(':', out);
			json_str(out, sw->axes[a].vals[idx[a]]);
		}
		snprintf(path, sizeof(path), "%s/run-%lu.status", dir, k);
		status = last_line_with(path, "");
		fprintf(out, ",\"exit\":%s", status && *status ? status : "null");
		free(status);
		snprintf(path, sizeof(path), "%s/run-%lu.jsonl", dir, k);
		summary = last_line_with(path, "{\"summary\":true,");
		if (summary) {
			fprintf(out, ",%s\n", summary + 1); /* its members after ours */
		} else {
			fputs(",\"error\":\"no summary: the run did not finish\"}\n", out);
			(*missing)++;
		}
		free(summary);
	}
	return fclose(out) ? -errno : 0;
}

/* GNU parallel over the jobs file; its joblog beside it. */
static int run_parallel(const char *dir, unsigned int jobs)
{
	char jobfile[PATH_MAX], joblog[PATH_MAX], j[16];
	pid_t pid;
	int status;

	snprintf(jobfile, sizeof(jobfile), "%s/jobs", dir);
	snprintf(joblog, sizeof(joblog), "%s/joblog", dir);
	snprintf(j, sizeof(j), jobs ? "%u" : "100%%", jobs);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		char *argv[] = { "parallel", "--will-cite", "--jobs", j, "--joblog", joblog,
				 "-a", jobfile, NULL };

		execvp("parallel", argv);
		fprintf(stderr, "mmlab sweep: GNU parallel not found (Debian's parallel package): "
				"%s\n", strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "mmlab sweep: parallel failed (status %d)\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -ECHILD;
	}
	return 0;
}

/* A Slurm job array: task N runs line N+1 of the jobs file. */
static int write_slurm(const struct sweep *sw, const char *path, const char *dir)
{
	char cwd[PATH_MAX];
	FILE *f = fopen(path, "w");

	if (!f || !getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "mmlab sweep: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -errno;
	}
	fprintf(f, "#!/bin/bash\n");
	fprintf(f, "# mmlab sweep of %s: %lu runs, one per array task. Submit with sbatch;\n",
		sw->spec, sw->runs);
	fprintf(f, "# when every task has ended, `mmlab sweep --merge SPEC` in the same directory\n");
	fprintf(f, "# writes sweep.jsonl.\n");
	fprintf(f, "#SBATCH --job-name=mmlab-sweep\n");
	fprintf(f, "#SBATCH --array=0-%lu\n", sw->runs - 1);
	fprintf(f, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
	fprintf(f, "#SBATCH --output=%s/%s/slurm-%%A_%%a.out\n", cwd, dir);
	fprintf(f, "set -u\ncd ");
	sh_quote(f, cwd);
	fprintf(f, " || exit 1\n");
	fprintf(f, "job=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" %s/jobs)\n", dir);
	fprintf(f, "[ -n \"$job\" ] || { echo \"no job $SLURM_ARRAY_TASK_ID\" >&2; exit 1; }\n");
	fprintf(f, "eval \"$job\"\n");
	if (fclose(f))
		return -errno;
	chmod(path, 0755);
	return 0;
}

static int set_slurm(void *ctx, const char *v)
{
	((struct sweep_opts *)ctx)->slurm = v;
	return 0;
}

static int set_merge(void *ctx, const char *v)
{
	(void)v;
	((struct sweep_opts *)ctx)->merge_only = true;
	return 0;
}

static int set_html(void *ctx, const char *v)
{
	(void)v;
	((struct sweep_opts *)ctx)->html = true;
	return 0;
}

static int set_jobs(void *ctx, const char *v)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (*end || !n || n > 4096) {
		fprintf(stderr, "mmlab sweep: --jobs wants 1 to 4096, not '%s'\n", v);
		return -EINVAL;
	}
	((struct sweep_opts *)ctx)->jobs = (unsigned int)n;
	return 0;
}

static const struct cli_opt sweep_opts[] = {
	{ "jobs", 'j', "N", "runs at once (GNU parallel's -j; default one per CPU)", set_jobs },
	{ "slurm", 0, "FILE", "write a Slurm job-array script instead of running", set_slurm },
	{ "merge", 0, NULL, "only merge the runs' outputs in sweep.d/ into sweep.jsonl (after "
			    "a Slurm array)", set_merge },
	{ "html", 0, NULL, "also write sweep.html: any counter against any axis", set_html },
};

static const struct cli_cmd sweep_cmd = {
	.name = "sweep",
	.operands = "SPEC",
	.summary = "Run mmlab run over traces x option values (a YAML SPEC) with GNU parallel, "
		   "or write a Slurm job array;\nmerge the runs' --json summaries into sweep.jsonl "
		   "in the current directory.",
	.details = "SPEC: traces: a list of scenario files (relative to SPEC's directory); axes: "
		   "a map from a long option\nof mmlab run to a list of values (a flag's: true or "
		   "false). Each run's output stays in sweep.d/.\nExit status: 0 when every run "
		   "finished (its own status is in sweep.jsonl), 1 when one did not,\n2 for usage "
		   "and spec errors.",
	.opts = sweep_opts,
	.nr_opts = sizeof(sweep_opts) / sizeof(sweep_opts[0]),
};

void cmd_sweep_help(FILE *f)
{
	cli_help(&sweep_cmd, f);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o = { 0 };
	struct sweep sw = { 0 };
	char self[PATH_MAX];
	unsigned long missing = 0;
	ssize_t n;
	int first, err, status = 2;

	switch (cli_parse(&sweep_cmd, argc, argv, &o, &first)) {
	case CLI_HELP:
		return 0;
	case CLI_USAGE:
		return 2;
	case CLI_OK:
		break;
	}
	if (first != argc - 1) {
		cli_usage_error(&sweep_cmd, first >= argc ? "no spec given" : "one spec only");
		return 2;
	}
	sw.spec = argv[first];
	if (parse_spec(&sw))
		goto out;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "mmlab sweep: cannot find the mmlab command: %s\n", strerror(errno));
		goto out;
	}
	self[n] = '\0';
	if (!o.merge_only) {
		if (mkdir(SWEEP_DIR, 0777) && errno != EEXIST) {
			fprintf(stderr, "mmlab sweep: %s: %s\n", SWEEP_DIR, strerror(errno));
			goto out;
		}
		err = write_jobs(&sw, self, SWEEP_DIR);
		if (err) {
			fprintf(stderr, "mmlab sweep: %s/jobs: %s\n", SWEEP_DIR, strerror(-err));
			goto out;
		}
		if (o.slurm) {
			if (write_slurm(&sw, o.slurm, SWEEP_DIR))
				goto out;
			fprintf(stderr, "mmlab sweep: %lu runs in %s (sbatch %s; then mmlab sweep "
					"--merge %s)\n", sw.runs, o.slurm, o.slurm, sw.spec);
			status = 0;
			goto out;
		}
		if (run_parallel(SWEEP_DIR, o.jobs)) {
			status = 1;
			goto out;
		}
	}
	if (merge(&sw, SWEEP_DIR, &missing))
		goto out;
	if (o.html && sweep_html(SWEEP_OUT, "sweep.html"))
		goto out;
	fprintf(stderr, "mmlab sweep: %lu runs, %lu without a summary; %s\n", sw.runs, missing,
		SWEEP_OUT);
	status = missing ? 1 : 0;
out:
	sweep_free(&sw);
	return status;
}
