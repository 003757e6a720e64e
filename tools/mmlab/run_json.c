// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What `mmlab run` says about each line for scripts and for following a run: --json writes
 * one JSON object per executed line, one per event (a process's exit or kill) and a summary
 * object, one per line of stdout (the schema: tests/cli/run-json.schema.json, described in
 * the README); --trace-maps adds, after every line that changed a task's VMAs, the maps lines
 * removed and added; --stats adds the task's Rss, VMA count and fault counts after each line.
 * Without --json the last two print as text under the line ("-"/"+" lines, a "stats:" line).
 * --html FILE collects the same objects (with the diffs and stats), each task's layout and
 * smaps before it exits and the page-table walks of its VMAs and touched addresses, and
 * writes them into report.html's page (run_report.c).
 */
#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The maps text last seen for one address space, and its VMA sequence number then. */
struct json_maps {
	struct mmlab_task *task;
	int pid;
	uint64_t seq;
	char *text;
	char *initial;		/* --html: the maps before the task's first line */
	char *end;		/* --html: its smaps and walks, JSON, when it exited or the run ended */
};

struct run_json {
	struct json_maps *maps;
	unsigned int nr_maps;
	FILE *report;		/* --html: the line objects so far, comma-separated */
	char *report_buf;
	size_t report_len;
	bool report_first;
	unsigned long *touched;	/* --html: addresses of touch/poke/peek lines (walked at the end) */
	unsigned int nr_touched;
};

/* Writes @s (@len bytes) as a JSON string: valid UTF-8 kept, other bytes as \u00XX. */
static void json_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
		bool valid = n > 1 && i + n <= len;

		for (size_t k = 1; valid && k < n; k++)
			valid = (u[i + k] & 0xc0) == 0x80;
		if (c >= 0x80 && valid) {
			fwrite(u + i, 1, n, f);
			i += n - 1;
		} else if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c < 0x20 || c >= 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

static void json_cstr(FILE *f, const char *s)
{
	json_string(f, s, strlen(s));
}

/*
 * The arguments as the line wrote them: the text between the call's "(" and its matching ")",
 * skipping parentheses inside strings.
 */
static void call_args(const char *text, size_t len, const char *name, const char **args,
		      size_t *n)
{
	const char *open = NULL;
	size_t nl = strlen(name), depth = 0, i;
	bool in_str = false;

	*args = "";
	*n = 0;
	for (i = 0; i + nl < len; i++)
		if (!strncmp(text + i, name, nl) && text[i + nl] == '(') {
			open = text + i + nl + 1;
			break;
		}
	if (!open)
		return;
	for (i = (size_t)(open - text); i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (!depth)
				break;
			depth--;
		}
	}
	*args = open;
	*n = (size_t)(text + i - open);
}

static struct json_maps *maps_of(struct runner *r, struct mmlab_task *t)
{
	struct run_json *j = r->json_state;
	struct json_maps *m;

	if (!j) {
		j = calloc(1, sizeof(*j));
		if (!j)
			return NULL;
		r->json_state = j;
	}
	for (unsigned int k = 0; k < j->nr_maps; k++)
		if (j->maps[k].task == t)
			return &j->maps[k];
	m = realloc(j->maps, (j->nr_maps + 1) * sizeof(*m));
	if (!m)
		return NULL;
	j->maps = m;
	m = &j->maps[j->nr_maps++];
	*m = (struct json_maps){ .task = t, .seq = UINT64_MAX };
	return m;
}

static char *maps_text(struct mmlab_task *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	mmlab_proc_maps(t, f);
	fclose(f);
	return text;
}

/* Whether line @l (up to its newline) is a line of @text. */
static bool has_line(const char *text, const char *l, size_t n)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t k = nl ? (size_t)(nl - p) : strlen(p);

		if (k == n && !memcmp(p, l, n))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Lines of @a that @b lacks, each followed by a newline, into @out. */
static void lines_missing(const char *a, const char *b, FILE *out)
{
	for (const char *p = a; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n && !has_line(b, p, n))
			fprintf(out, "%.*s\n", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* Newline-separated lines as a JSON array of strings. */
static void json_lines(FILE *f, const char *text)
{
	const char *sep = "";

	fputc('[', f);
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fputs(sep, f);
		json_string(f, p, n);
		sep = ",";
		p = nl ? nl + 1 : NULL;
	}
	fputc(']', f);
}

/*
 * The maps diff of @t since the last line that looked, as two texts of maps lines (a changed
 * VMA is one of each), which the caller frees. Returns false when nothing changed (the VMA
 * sequence number or the text says so).
 */
static bool maps_diff(struct runner *r, struct mmlab_task *t, char **removed, char **added)
{
	struct json_maps *m = maps_of(r, t);
	struct mmlab_task_info info;
	size_t len;
	FILE *f;
	char *now;

	*removed = *added = NULL;
	if (!m)
		return false;
	mmlab_task_info(t, &info);
	if (info.vma_seq == m->seq)
		return false;
	now = maps_text(t);
	if (!now)
		return false;
	if (m->text && !strcmp(m->text, now)) {
		free(now);
		m->seq = info.vma_seq;
		return false;
	}
	f = open_memstream(removed, &len);
	if (f) {
		if (m->text)
			lines_missing(m->text, now, f);
		fclose(f);
	}
	f = open_memstream(added, &len);
	if (f) {
		lines_missing(now, m->text ? m->text : "", f);
		fclose(f);
	}
	free(m->text);
	m->text = now;
	m->seq = info.vma_seq;
	return *removed && *added;
}

static void stats_of(struct mmlab_task *t, FILE *f, bool json)
{
	struct mmlab_task_mem st;
	struct mmlab_task_info info;

	mmlab_task_mem(t, &st);
	mmlab_task_info(t, &info);
	if (json)
		fprintf(f,
			",\"stats\":{\"rss_kb\":%" PRIu64 ",\"rss_anon_kb\":%" PRIu64
			",\"rss_file_kb\":%" PRIu64 ",\"rss_shmem_kb\":%" PRIu64
			",\"vmas\":%u,\"minflt\":%" PRIu64 ",\"majflt\":%" PRIu64
			",\"pgtables_bytes\":%" PRIu64 "}",
			st.rss * 4, st.rss_anon * 4, st.rss_file * 4, st.rss_shmem * 4, info.map_count,
			st.minflt, st.majflt, st.pgtables_bytes);
	else
		fprintf(f, "stats: rss %" PRIu64 " kB (anon %" PRIu64 ", file %" PRIu64
			   ", shmem %" PRIu64 "), %u VMAs, %" PRIu64 " minor and %" PRIu64
			   " major faults\n",
			st.rss * 4, st.rss_anon * 4, st.rss_file * 4, st.rss_shmem * 4, info.map_count,
			st.minflt, st.majflt);
}

#define REPORT_WALKS 256 /* walks of VMA starts and touched addresses kept per task */
#define REPORT_PRESENT_WALKS 4096 /* walks of other present pages kept per task */

/* One address's walk as a JSON object after @sep; returns the next separator. */
static const char *report_walk(FILE *o, struct mmlab_task *t, unsigned long addr,
			       const char *sep)
{
	struct mmlab_page_walk w;

	if (mmlab_page_walk(t, addr, &w))
		return sep;
	fprintf(o, "%s{\"addr\":\"%#lx\",\"entries\":[", sep, addr);
	for (int i = 0; i < w.levels; i++)
		fprintf(o, "%s{\"index\":%u,\"entry\":\"0x%016" PRIx64 "\"}", i ? "," : "",
			w.index[i], w.entry[i]);
	fputc(']', o);
	if (w.mapped)
		fprintf(o,
			",\"pfn\":\"%#" PRIx64 "\",\"refcount\":%d,\"mapcount\":%d,"
			"\"kpageflags\":\"%#" PRIx64 "\"",
			w.pfn, w.refcount, w.mapcount, w.kpageflags);
	fputc('}', o);
	return ",";
}

/* One task's smaps and page-table walks as a JSON object, for the report. */
static char *task_end(struct runner *r, struct mmlab_task *t)
{
	struct run_json *j = r->json_state;
	char *smaps = NULL, *out = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&smaps, &len), *o;
	const char *sep = "";

	if (!f)
		return NULL;
	mmlab_proc_smaps(t, f);
	fclose(f);
	o = open_memstream(&out, &len);
	if (!o) {
		free(smaps);
		return NULL;
	}
	fputs("{\"smaps\":", o);
	json_cstr(o, smaps ? smaps : "");
	fputs(",\"walks\":[", o);
	/* The first page of each VMA, then the addresses the scenario touched. */
	for (const char *l = smaps; l && *l && n < REPORT_WALKS;) {
		const char *nl = strchr(l, '\n');
		unsigned long start;
		char *end;

		start = strtoul(l, &end, 16);
		if (*end == '-' && end > l && start < (1UL << 47)) {
			sep = report_walk(o, t, start, sep);
			n++;
		}
		l = nl ? nl + 1 : NULL;
	}
	for (unsigned int k = 0; j && k < j->nr_touched && n < REPORT_WALKS; k++, n++)
		sep = report_walk(o, t, j->touched[k], sep);
	/* Then every present page, so that the page can show the walk of any of them. */
	n = 0;
	for (const char *l = smaps; l && *l && n < REPORT_PRESENT_WALKS;) {
		const char *nl = strchr(l, '\n');
		unsigned long start, end = 0;
		char *e;

		start = strtoul(l, &e, 16);
		if (*e == '-')
			end = strtoul(e + 1, NULL, 16);
		for (unsigned long a = start; end && end <= (1UL << 47) && a < end &&
		     n < REPORT_PRESENT_WALKS; a += 4096) {
			uint64_t pm;

			if (mmlab_pagemap(t, a, 4096, &pm) || !(pm >> 63))
				continue;
			sep = report_walk(o, t, a, sep);
			n++;
		}
		l = nl ? nl + 1 : NULL;
	}
	fputs("]}", o);
	fclose(o);
	free(smaps);
	return out;
}

/**
 * run_json_before() - before a line runs: with --trace-maps or --html, notes the maps of @p's
 * task before its first line, so that line's diff shows what it changed rather than the whole
 * layout; with --html, keeps the task's smaps and walks before an exit_group or execve ends
 * its address space.
 * @r: the runner
 * @rec: the record about to run
 * @p: its process (NULL: none)
 */
void run_json_before(struct runner *r, const struct sc_record *rec, struct run_proc *p)
{
	struct mmlab_task *t;
	struct json_maps *m;
	struct mmlab_task_info info;

	/* An exited process's task is gone, or kept only for --final-maps: not followed. */
	if ((!r->trace_maps && !r->html_path) || !p || p->kind != RUN_PROC_TASK || p->exited ||
	    !(t = run_proc_task(p)))
		return;
	m = maps_of(r, t);
	if (!m)
		return;
	if (!m->pid)
		m->pid = p->pid;
	if (!m->text) {
		mmlab_task_info(t, &info);
		m->text = maps_text(t);
		m->seq = info.vma_seq;
		if (r->html_path && m->text)
			m->initial = strdup(m->text);
	}
	if (r->html_path && rec->kind == SC_REC_CALL &&
	    (!strcmp(rec->name, "exit_group") || !strncmp(rec->name, "execve", 6))) {
		free(m->end);
		m->end = task_end(r, t);
	}
}

/* --html: the address a touch/poke/peek line names, walked at the end. */
static void note_touched(struct runner *r, const struct sc_record *rec, const char *args)
{
	struct run_json *j = r->json_state;
	unsigned long *a;

	if (!j || !rec->pseudo || j->nr_touched >= REPORT_WALKS ||
	    (strcmp(rec->name, "touch") && strcmp(rec->name, "poke") && strcmp(rec->name, "peek")))
		return;
	a = realloc(j->touched, (j->nr_touched + 1) * sizeof(*a));
	if (!a)
		return;
	j->touched = a;
	a[j->nr_touched++] = strtoul(args, NULL, 0) & ~4095UL;
}

/* --html: appends one line object to the report's list. */
static void report_add(struct runner *r, const char *obj, size_t len)
{
	struct run_json *j = r->json_state;

	if (!j->report) {
		j->report = open_memstream(&j->report_buf, &j->report_len);
		if (!j->report)
			return;
		j->report_first = true;
	}
	if (!j->report_first)
		fputs(",\n", j->report);
	fwrite(obj, 1, len, j->report);
	j->report_first = false;
}

/**
 * run_json_line() - what follows one executed line: its JSON object with --json (and, with
 * --html, for the report), else the --trace-maps diff and --stats line as text.
 * @r: the runner
 * @it: the line
 * @p: its process (NULL for a line no process ran)
 * @res: the result as computed (see run.c's run_record): NULL when there is none
 * @mismatch: the result differed from "= RESULT", or the line was reported
 * @output: what a printing pseudo-call printed (NULL when none)
 */
void run_json_line(struct runner *r, const struct run_item *it, struct run_proc *p,
		   const char *res, bool mismatch, const char *output)
{
	const struct sc_record *rec = it->rec;
	struct mmlab_task *t = p && p->kind == RUN_PROC_TASK && !p->exited ? run_proc_task(p) : NULL;
	bool want_maps = t && (r->trace_maps || r->html_path);
	bool want_stats = t && (r->stats || r->html_path);
	char *removed = NULL, *added = NULL, *obj = NULL;
	bool changed = want_maps && maps_diff(r, t, &removed, &added);
	size_t len = 0;
	FILE *f;

	if (!r->json) {
		if (changed && r->trace_maps) {
			for (const char *l = removed; *l;) {
				const char *nl = strchr(l, '\n');

				printf("- %.*s\n", (int)(nl - l), l);
				l = nl + 1;
			}
			for (const char *l = added; *l;) {
				const char *nl = strchr(l, '\n');

				printf("+ %.*s\n", (int)(nl - l), l);
				l = nl + 1;
			}
		}
		if (t && r->stats)
			stats_of(t, stdout, false);
		if (!r->html_path)
			goto out;
	}
	f = open_memstream(&obj, &len);
	if (!f)
		goto out;
	fputs("{\"file\":", f);
	json_cstr(f, it->src->name);
	fprintf(f, ",\"line\":%u,\"pid\":%d", it->line, p ? p->pid : it->pid);
	if (rec->kind == SC_REC_CALL) {
		const char *args;
		size_t n;
		struct sbuf exp = SBUF_INIT;

		fputs(",\"call\":", f);
		json_cstr(f, rec->name);
		call_args(it->text, it->len, rec->name, &args, &n);
		if (r->html_path)
			note_touched(r, rec, args);
		fputs(",\"args\":", f);
		json_string(f, args, n);
		fputs(",\"result\":", f);
		if (res)
			json_cstr(f, res);
		else
			fputs("null", f);
		fputs(",\"expected\":", f);
		if (rec->res.kind != SC_RES_NONE) {
			const char *e;

			sc_format_res(&exp, &rec->res);
			e = sbuf_str(&exp);
			while (*e == ' ')
				e++;
			if (e[0] == '=' && e[1] == ' ')
				e += 2;
			json_cstr(f, e);
		} else {
			fputs("null", f);
		}
		sbuf_free(&exp);
		fprintf(f, ",\"mismatch\":%s", mismatch ? "true" : "false");
		if (output) {
			fputs(",\"output\":", f);
			json_cstr(f, output);
		}
	} else {
		fputs(",\"event\":", f);
		json_cstr(f, rec->kind == SC_REC_EXITED ? "exited" :
			     rec->kind == SC_REC_KILLED ? "killed" : "signal");
	}
	if (changed) {
		fputs(",\"maps_removed\":", f);
		json_lines(f, removed);
		fputs(",\"maps_added\":", f);
		json_lines(f, added);
	}
	if (want_stats)
		stats_of(t, f, true);
	if (r->html_path) {
		/* The machine's counters the report plots: vmstat names, as printed */
		static const char *const ev[] = { "mmlab_cow_fault", "pgmajfault", "pswpin",
						  "pswpout", "pgsteal_kswapd", "pgsteal_direct" };
		struct mmlab_stats ms;

		mmlab_machine_stats(r->machine, &ms);
		fprintf(f,
			",\"machine\":{\"free_pages\":%" PRIu64 ",\"page_faults\":%" PRIu64
			",\"pgtable_pages\":%" PRIu64,
			ms.free_pages, ms.faults, ms.pgtable_pages);
		for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
			uint64_t v = 0;

			mmlab_vmstat_get(r->machine, ev[i], &v);
			fprintf(f, ",\"%s\":%" PRIu64, ev[i], v);
		}
		fputc('}', f);
	}
	fputc('}', f);
	fclose(f);
	if (r->json) {
		fwrite(obj, 1, len, stdout);
		fputc('\n', stdout);
		if (r->live)
			fflush(stdout);
	}
	if (r->html_path)
		report_add(r, obj, len);
out:
	free(obj);
	free(removed);
	free(added);
}

/* The last JSON line: the run's counts and the machine's counters. */
void run_json_summary(struct runner *r, const char *name, double secs, const char *end)
{
	uint64_t calls = 0, hits = 0;
	struct mmlab_stats st;
	FILE *f = stdout;

	if (!r->json)
		return;
	mmlab_vmstat_get(r->machine, "vmacache_find_calls", &calls);
	mmlab_vmstat_get(r->machine, "vmacache_find_hits", &hits);
	mmlab_machine_stats(r->machine, &st);
	fputs("{\"summary\":true,\"file\":", f);
	json_cstr(f, name);
	fprintf(f,
		",\"lines\":%lu,\"calls_run\":%lu,\"skipped\":%lu,\"mismatched\":%lu,"
		"\"not_run\":%lu,\"unsupported\":%lu,\"malformed\":%lu,\"errors\":%lu,"
		"\"seconds\":%.6f,\"end\":",
		r->n.lines, r->n.run, r->n.skipped, r->n.mismatches, r->n.not_run,
		r->n.unsupported, r->n.malformed, r->n.errors, secs);
	json_cstr(f, end);
	fprintf(f,
		",\"counters\":{\"vmacache_lookups\":%" PRIu64 ",\"vmacache_hits\":%" PRIu64
		",\"page_faults\":%" PRIu64 ",\"free_pages\":%" PRIu64 ",\"pgtable_pages\":%" PRIu64
		"}}\n",
		calls, hits, st.faults, st.free_pages, st.pgtable_pages);
	fflush(f);
}

void run_json_free(struct runner *r)
{
	struct run_json *j = r->json_state;

	if (!j)
		return;
	for (unsigned int k = 0; k < j->nr_maps; k++) {
		free(j->maps[k].text);
		free(j->maps[k].initial);
		free(j->maps[k].end);
	}
	if (j->report)
		fclose(j->report);
	free(j->report_buf);
	free(j->touched);
	free(j->maps);
	free(j);
	r->json_state = NULL;
}

/* Whether @t is a task the run still has (not one an exit freed). */
static bool task_alive(struct runner *r, const struct mmlab_task *t)
{
	for (unsigned int k = 0; k < r->nr_mms; k++)
		if (r->mms[k]->task == t && !r->mms[k]->exited)
			return true;
	return false;
}

/**
 * run_json_report() - --html: writes the report page with what the run collected.
 * @r: the runner
 * @name: the scenario's name
 * @secs: the run's time
 * Return: 0, or -errno when the file cannot be written (said on stderr).
 */
int run_json_report(struct runner *r, const char *name, double secs)
{
	struct run_json *j = r->json_state;
	char *data = NULL;
	size_t len = 0;
	FILE *f, *out;
	const char *sep = "";
	int err = 0;

	if (!r->html_path)
		return 0;
	f = open_memstream(&data, &len);
	if (!f)
		return -ENOMEM;
	fputs("{\"file\":", f);
	json_cstr(f, name);
	fprintf(f, ",\"seconds\":%.6f,\"calls_run\":%lu,\"mismatched\":%lu,\"lines\":[", secs,
		r->n.run, r->n.mismatches);
	if (j && j->report) {
		fflush(j->report);
		fwrite(j->report_buf, 1, j->report_len, f);
	}
	fputs("],\"tasks\":[", f);
	for (unsigned int k = 0; j && k < j->nr_maps; k++) {
		struct json_maps *m = &j->maps[k];

		if (m->task && task_alive(r, m->task)) {
			free(m->end);
			m->end = task_end(r, m->task);
		}
		fprintf(f, "%s{\"pid\":%d,\"initial\":", sep, m->pid);
		json_cstr(f, m->initial ? m->initial : "");
		fputs(",\"end\":", f);
		fputs(m->end ? m->end : "null", f);
		fputc('}', f);
		sep = ",";
	}
	fputs("]}", f);
	fclose(f);
	out = fopen(r->html_path, "w");
	if (!out) {
		err = -errno;
	} else {
		report_html(out, data);
		if (fclose(out))
			err = -errno;
	}
	if (err)
		fprintf(stderr, "mmlab run: %s: %s\n", r->html_path, strerror(-err));
	free(data);
	return err;
}
