// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pmap and free as procps-ng 4.0 prints them (Debian 12's procps: pmap.c, free.c and
 * libproc2's meminfo.c), from /proc text. What they print was learnt by reading those
 * programs and checked against their output on the host (tests/diff/diffviews.c); the code is
 * organised around mmlab's needs: whole files in memory, two passes where pmap -X needs the
 * widths before the first row. Left out: pmap's other modes (-x, -d, -XX, rc files, -A
 * ranges) and free's other units; names are printed as the maps text has them (pmap replaces
 * bytes that are not valid in the locale with '?', which mmlab's ASCII names never need).
 */
#include "views.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A /proc file read whole, cut into NUL-terminated lines (the newlines removed). */
struct text {
	char *buf;
	char **line;
	size_t nr;
};

static void text_free(struct text *t)
{
	free(t->buf);
	free(t->line);
}

static int text_read(FILE *in, struct text *t)
{
	size_t len = 0, cap = 0, nr = 0;
	char chunk[4096];
	size_t got;

	*t = (struct text){ 0 };
	while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		if (len + got + 1 > cap) {
			char *b;

			cap = (len + got + 1) * 2;
			b = realloc(t->buf, cap);
			if (!b)
				goto nomem;
			t->buf = b;
		}
		memcpy(t->buf + len, chunk, got);
		len += got;
	}
	if (!t->buf && !(t->buf = malloc(1)))
		goto nomem;
	t->buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		nr += t->buf[i] == '\n';
	t->line = calloc(nr + 1, sizeof(*t->line));
	if (!t->line)
		goto nomem;
	for (char *s = t->buf; *s;) {
		char *nl = strchr(s, '\n');

		t->line[t->nr++] = s;
		if (!nl)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	return 0;
nomem:
	text_free(t);
	return -ENOMEM;
}

/* ---- pmap ---- */

/* One mapping's header line, its fields as the text has them. */
struct map_line {
	char start[24], end[24], perms[8], offset[24], dev[16], inode[24];
	const char *name;	/* After the inode's padding; "" for none */
};

static bool hex_field(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

/* Copies the next space-delimited word of *@s into @dst (room @cap); false if none fits. */
static bool take_word(const char **s, char *dst, size_t cap)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ')
		p++;
	while (p[n] && p[n] != ' ')
		n++;
	if (!n || n >= cap)
		return false;
	memcpy(dst, p, n);
	dst[n] = '\0';
	*s = p + n;
	return true;
}

static bool parse_map_line(const char *l, struct map_line *m)
{
	char range[64];
	const char *dash;

	if (!take_word(&l, range, sizeof(range)) || !take_word(&l, m->perms, sizeof(m->perms)) ||
	    !take_word(&l, m->offset, sizeof(m->offset)) || !take_word(&l, m->dev, sizeof(m->dev)) ||
	    !take_word(&l, m->inode, sizeof(m->inode)))
		return false;
	dash = strchr(range, '-');
	if (!dash || (size_t)(dash - range) >= sizeof(m->start) ||
	    strlen(dash + 1) >= sizeof(m->end) || !hex_field(range, (size_t)(dash - range)) ||
	    !hex_field(dash + 1, strlen(dash + 1)) || !hex_field(m->offset, strlen(m->offset)) ||
	    strlen(m->perms) != 4 || !strchr(m->dev, ':'))
		return false;
	memcpy(m->start, range, (size_t)(dash - range));
	m->start[dash - range] = '\0';
	strcpy(m->end, dash + 1);
	while (*l == ' ')
		l++;
	m->name = l;
	return true;
}

/*
 * The Mapping column of plain pmap: a path's last component, a SysV segment's id, else anon
 * or stack. pmap looks for the '/' and "/SYSV" in the whole line, as here.
 */
static void pmap_name(const char *line, const struct map_line *m, unsigned long start,
		      unsigned long len, const struct view_proc *p, FILE *out)
{
	const char *slash = strrchr(line, '/');

	if (strncmp(m->dev, "00:", 3) == 0 && strstr(line, "/SYSV")) {
		fprintf(out, "  [ shmid=0x%llx ]", strtoull(m->inode, NULL, 10));
	} else if (slash) {
		fputs(slash[1] ? slash + 1 : slash, out);
	} else if (p->start_stack >= start && p->start_stack <= start + len) {
		fputs("  [ stack ]", out);
	} else {
		fputs("  [ anon ]", out);
	}
}

int view_pmap(FILE *maps, FILE *out, const struct view_proc *p)
{
	unsigned long total = 0;
	struct text t;
	int err = text_read(maps, &t);

	if (err)
		return err;
	fprintf(out, "%d:   %s\n", p->pid, p->cmdline);
	for (size_t i = 0; i < t.nr; i++) {
		struct map_line m;
		unsigned long start, end;
		char mode[6];

		if (!t.line[i][0])
			continue;
		if (!parse_map_line(t.line[i], &m)) {
			err = -EINVAL;
			break;
		}
		start = strtoul(m.start, NULL, 16);
		end = strtoul(m.end, NULL, 16);
		total += end - start;
		/* "rw-p" becomes "rw---": private shows as '-', and the fifth column ('R', swap not
		 * reserved, on Solaris) is always '-' here. */
		memcpy(mode, m.perms, 4);
		if (mode[3] == 'p')
			mode[3] = '-';
		mode[4] = '-';
		mode[5] = '\0';
		fprintf(out, "%016lx %6luK %s ", start, (end - start) >> 10, mode);
		pmap_name(t.line[i], &m, start, end - start, p, out);
		fputc('\n', out);
	}
	if (!err)
		fprintf(out, " total %16luK\n", total >> 10);
	text_free(&t);
	return err;
}

/* The smaps fields pmap -X leaves out (-XX shows them). */
static bool pmap_x_hidden(const char *key)
{
	static const char *const hidden[] = {
		"AnonHugePages", "KernelPageSize", "MMUPageSize", "Shared_Dirty",
		"Private_Dirty", "Shared_Clean",  "Private_Clean",
	};

	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (!strcmp(key, hidden[i]))
			return true;
	return false;
}

/*
 * A "Key:   123 kB" line (the unit optional, as THPeligible and ProtectionKey have none):
 * its key into @key, its digits' offset and length. VmFlags and mapping headers are not.
 */
static bool smaps_field(const char *l, char key[32], const char **digits, size_t *nd)
{
	const char *colon = strchr(l, ':');
	size_t n;

	if (!colon || colon == l || (size_t)(colon - l) >= 32)
		return false;
	memcpy(key, l, (size_t)(colon - l));
	key[colon - l] = '\0';
	l = colon + 1;
	while (*l == ' ' || *l == '\t')
		l++;
	for (n = 0; l[n] >= '0' && l[n] <= '9'; n++)
		;
	if (!n || n > 20)
		return false;
	*digits = l;
	*nd = n;
	return true;
}

struct x_column {
	char key[32];
	unsigned long long total;
	int width;
};

#define X_COLUMNS_MAX 48

static int digits_of(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/*
 * pmap -X: a first pass learns the columns (from the first mapping: every mapping must have
 * the same), their widths and totals; the second prints. Column widths: the widest value of
 * the five leading columns or its title; a field's title or its total, whichever is wider.
 */
static bool is_smaps_field(const char *l)
{
	char key[32];
	const char *d;
	size_t nd;

	return smaps_field(l, key, &d, &nd);
}

int view_pmap_x(FILE *smaps, FILE *out, const struct view_proc *p)
{
	static const char *const title[5] = { "Address", "Perm", "Offset", "Device", "Inode" };
	struct x_column col[X_COLUMNS_MAX];
	int ncol = 0, w[5] = { 0 }, gap, k = 0;
	size_t mappings = 0;
	struct text t;
	int err = text_read(smaps, &t);

	if (err)
		return err;
	/* Pass 1: the columns (the first mapping's fields), the widths and the totals. */
	for (size_t i = 0; i < t.nr && !err; i++) {
		char key[32];
		const char *d;
		size_t nd;
		struct map_line m;

		if (!t.line[i][0] || !strncmp(t.line[i], "VmFlags:", 8))
			continue;
		if (!smaps_field(t.line[i], key, &d, &nd)) {
			if (!parse_map_line(t.line[i], &m)) {
				err = -EINVAL;
				break;
			}
			mappings++;
			k = 0;
			w[0] = max_int(w[0], (int)strlen(m.start));
			w[1] = max_int(w[1], (int)strlen(m.perms));
			w[2] = max_int(w[2], (int)strlen(m.offset));
			w[3] = max_int(w[3], (int)strlen(m.dev));
			w[4] = max_int(w[4], (int)strlen(m.inode));
			continue;
		}
		if (!mappings) { /* a field before any mapping: not smaps */
			err = -EINVAL;
			break;
		}
		if (pmap_x_hidden(key))
			continue;
		if (mappings == 1) {
			if (ncol == X_COLUMNS_MAX) {
				err = -EINVAL;
				break;
			}
			strcpy(col[ncol].key, key);
			col[ncol].total = 0;
			col[ncol].width = (int)strlen(key);
			ncol++;
		}
		/* pmap stops at a mapping whose fields differ from the first one's. */
		if (k >= ncol || strcmp(col[k].key, key)) {
			err = -EINVAL;
			break;
		}
		col[k++].total += strtoull(d, NULL, 10);
	}
	fprintf(out, "%d:   %s\n", p->pid, p->cmdline);
	if (err || !mappings)
		goto done;
	for (int c = 0; c < 5; c++)
		w[c] = max_int(w[c], (int)strlen(title[c]));
	for (int c = 0; c < ncol; c++)
		col[c].width = max_int(col[c].width, digits_of(col[c].total));
	for (int c = 0; c < 5; c++)
		fprintf(out, "%*s ", w[c], title[c]);
	for (int c = 0; c < ncol; c++)
		fprintf(out, "%*s ", col[c].width, col[c].key);
	fputs("Mapping\n", out);
	/* Pass 2: one row per mapping, its fields from the lines that follow its header. */
	for (size_t i = 0; i < t.nr; i++) {
		struct map_line m;
		const char *base;

		if (!t.line[i][0] || !strncmp(t.line[i], "VmFlags:", 8) ||
		    is_smaps_field(t.line[i]) || !parse_map_line(t.line[i], &m))
			continue;
		fprintf(out, "%*s %*s %*s %*s %*s", w[0], m.start, w[1], m.perms, w[2], m.offset,
			w[3], m.dev, w[4], m.inode);
		k = 0;
		for (size_t j = i + 1; j < t.nr && k < ncol; j++) {
			char key[32];
			const char *d;
			size_t nd;

			if (!smaps_field(t.line[j], key, &d, &nd))
				break;
			if (pmap_x_hidden(key))
				continue;
			fprintf(out, " %*.*s", col[k].width, (int)nd, d);
			k++;
		}
		base = strrchr(m.name, '/');
		fprintf(out, " %s\n", base ? base + 1 : m.name);
	}
	gap = 0;
	for (int c = 0; c < 5; c++)
		gap += w[c] + 1;
	fprintf(out, "%*s", gap, "");
	for (int c = 0; c < ncol; c++) {
		for (int j = 0; j < col[c].width; j++)
			fputc('=', out);
		fputc(' ', out);
	}
	fprintf(out, "\n%*s", gap, "");
	for (int c = 0; c < ncol; c++)
		fprintf(out, "%*llu ", col[c].width, col[c].total);
	fputs("KB \n", out);
done:
	text_free(&t);
	return err;
}

/* ---- free ---- */

/* A meminfo field in kB; 0 when the file has no such line. */
static unsigned long meminfo_kb(const struct text *t, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < t->nr; i++)
		if (!strncmp(t->line[i], key, n) && t->line[i][n] == ':')
			return strtoul(t->line[i] + n + 1, NULL, 10);
	return 0;
}

int view_free(FILE *meminfo, FILE *out)
{
	unsigned long total, mfree, avail, cache, swap_total, swap_free, used;
	struct text t;
	int err = text_read(meminfo, &t);

	if (err)
		return err;
	total = meminfo_kb(&t, "MemTotal");
	if (!total) {
		text_free(&t);
		return -EINVAL;
	}
	mfree = meminfo_kb(&t, "MemFree");
	avail = meminfo_kb(&t, "MemAvailable");
	/* procps 4: no MemAvailable (older kernels, or mmlab's meminfo, which has none) or one
	 * above the total (a container's distorted view) means "as free as MemFree". */
	if (!avail || avail > total)
		avail = mfree;
	used = total >= avail ? total - avail : total - mfree;
	cache = meminfo_kb(&t, "Buffers") + meminfo_kb(&t, "Cached") +
		meminfo_kb(&t, "SReclaimable");
	swap_total = meminfo_kb(&t, "SwapTotal");
	swap_free = meminfo_kb(&t, "SwapFree");
	fputs("               total        used        free      shared  buff/cache   available\n",
	      out);
	fprintf(out, "%-9s%11lu %11lu %11lu %11lu %11lu %11lu\n", "Mem:", total, used, mfree,
		meminfo_kb(&t, "Shmem"), cache, avail);
	fprintf(out, "%-9s%11lu %11lu %11lu\n", "Swap:", swap_total,
		swap_free < swap_total ? swap_total - swap_free : 0, swap_free);
	text_free(&t);
	return 0;
}
