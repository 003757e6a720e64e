// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The recording machine's files: the "# file: PATH dev MAJ:MIN ino N size S mode M" lines
 * `mmlab record` writes before the first line naming a regular file (device numbers in
 * decimal, the mode in octal, as stat(1) prints them; a directory may have one too). A log
 * that has them replays the same on any machine: an fd of such a path is opened through
 * mmlab_open_id, so its mappings show the recording machine's device and inode, and the host's
 * file is used only when it is that very file. A path no line names, and every path of a log
 * without such lines, is opened on the host (mmlab_open). A later line for the same path
 * replaces the earlier one (a file replaced while the program ran). Models no Linux file.
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define FILE_TAG "# file: "

/* The fields after the path, in this order: "dev MAJ:MIN ino N size S mode M". */
static int parse_fields(const char *s, struct mmlab_file_id *id)
{
	unsigned int maj, min, mode;
	unsigned long long ino, size;
	int n = 0;

	if (sscanf(s, " dev %u:%u ino %llu size %llu mode %o%n", &maj, &min, &ino, &size, &mode,
		   &n) != 5 || s[n])
		return -EINVAL;
	*id = (struct mmlab_file_id){ .dev = makedev(maj, min), .ino = ino, .size = size,
				      .mode = mode };
	return 0;
}

/* Where " dev " starts the fields: the last occurrence, so a path may hold the word. */
static const char *fields_start(const char *s)
{
	const char *p = NULL, *q = s;

	while ((q = strstr(q, " dev ")))
		p = q++;
	return p;
}

static int add_file(struct runner *r, char *path, const struct mmlab_file_id *id)
{
	struct run_file *nf;

	for (unsigned int k = 0; k < r->nr_files; k++) {
		if (!strcmp(r->files[k].path, path)) {
			free(path);
			r->files[k].id = *id;
			return 0;
		}
	}
	nf = realloc(r->files, (r->nr_files + 1) * sizeof(*nf));
	if (!nf) {
		free(path);
		return -ENOMEM;
	}
	r->files = nf;
	r->files[r->nr_files++] = (struct run_file){ .path = path, .id = *id };
	return 0;
}

/**
 * run_file_line() - take a "# file:" line of the log into the runner's table.
 * @r: the runner.
 * @text: the line as read (a trailing newline is allowed).
 * @len: its length.
 * @line: its number, for messages.
 *
 * A malformed line is reported at its number and counted as an error (the run exits 2).
 *
 * Context: single-threaded.
 * Return: true when the line was a "# file:" line (well-formed or not), false for any other.
 */
bool run_file_line(struct runner *r, const char *text, size_t len, unsigned int line)
{
	struct mmlab_file_id id;
	const char *f;
	char *s, *path;

	if (len < sizeof(FILE_TAG) - 1 || memcmp(text, FILE_TAG, sizeof(FILE_TAG) - 1))
		return false;
	s = strndup(text + sizeof(FILE_TAG) - 1, len - (sizeof(FILE_TAG) - 1));
	if (!s)
		goto oom;
	s[strcspn(s, "\r\n")] = 0;
	f = fields_start(s);
	if (!f || f == s || s[0] != '/' || parse_fields(f, &id) ||
	    (!S_ISREG(id.mode) && !S_ISDIR(id.mode))) {
		run_msg(r, line, "file line: expected \"# file: /PATH dev MAJ:MIN ino N size S "
			"mode M\" of a regular file or directory");
		r->n.errors++;
		free(s);
		return true;
	}
	path = strndup(s, (size_t)(f - s));
	free(s);
	if (!path || add_file(r, path, &id))
		goto oom;
	return true;
oom:
	run_msg(r, line, "out of memory");
	r->n.errors++;
	return true;
}

/**
 * run_file_find() - the recording machine's identity of a path, if the log gave one.
 * @r: the runner.
 * @path: an absolute path.
 *
 * Context: single-threaded.
 * Return: the identity, or NULL.
 */
const struct mmlab_file_id *run_file_find(const struct runner *r, const char *path)
{
	for (unsigned int k = 0; k < r->nr_files; k++)
		if (!strcmp(r->files[k].path, path))
			return &r->files[k].id;
	return NULL;
}

/**
 * run_file_open() - open a path of the log for @t: by the log's identity when it has one,
 * else the host's file.
 * @r: the runner.
 * @t: the task.
 * @path: the path.
 * @flags: open(2)'s flags (O_CREAT, O_TRUNC... reach only mmlab's overlay, never the host).
 * @mode: the creation mode.
 *
 * Context: single-threaded.
 * Return: mmlab's fd, or -errno.
 */
int run_file_open(const struct runner *r, struct mmlab_task *t, const char *path, int flags,
		  unsigned int mode)
{
	const struct mmlab_file_id *id = run_file_find(r, path);

	return id ? mmlab_open_id(t, path, flags, id) : mmlab_openat(t, path, flags, mode);
}

/**
 * run_files_free() - forget the table.
 * @r: the runner.
 *
 * Context: single-threaded.
 */
void run_files_free(struct runner *r)
{
	for (unsigned int k = 0; k < r->nr_files; k++)
		free(r->files[k].path);
	free(r->files);
	r->files = NULL;
	r->nr_files = 0;
}
