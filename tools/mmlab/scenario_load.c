// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Whole-text loading for the scenario reader (see scenario.h): scenario_parse() runs
 * sc_parser_feed() over every line of a text and collects the records and the FILE:LINE:COL
 * errors, scenario_load() reads a file first. For tests and the fuzzer; `mmlab run` streams
 * lines through the parser itself. Models no Linux code.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add_error(struct scenario *sc, const struct sc_error *err, unsigned int *cap)
{
	if (sc->nr_errors == *cap) {
		unsigned int ncap = *cap ? *cap * 2 : 8;
		struct sc_error *ne = realloc(sc->errors, ncap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		sc->errors = ne;
		*cap = ncap;
	}
	sc->errors[sc->nr_errors++] = *err;
	return 0;
}

static int add_record(struct scenario *sc, const struct sc_record *r, unsigned int *cap)
{
	if (sc->nr_recs == *cap) {
		unsigned int ncap = *cap ? *cap * 2 : 64;
		struct sc_record **nr = realloc(sc->recs, ncap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		sc->recs = nr;
		*cap = ncap;
	}
	sc->recs[sc->nr_recs++] = (struct sc_record *)r;
	return 0;
}

/**
 * scenario_parse() - parse a whole scenario text.
 * @file: name for messages.
 * @text: the text (need not be NUL-terminated).
 * @len: its length.
 * @max_errors: stop after this many malformed lines (0: no limit).
 * @out: the scenario, also when it has errors (check ->nr_errors).
 *
 * Context: any.
 * Return: 0, or -ENOMEM (nothing allocated is left behind).
 */
int scenario_parse(const char *file, const char *text, size_t len, unsigned int max_errors,
		   struct scenario **out)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	unsigned int rcap = 0, ecap = 0, lineno = 0;
	const struct sc_record *r;
	struct sc_error err;
	size_t pos = 0;
	int ret;

	if (!sc)
		return -ENOMEM;
	ret = sc_parser_create(file, &sc->parser);
	if (ret)
		goto free_sc;
	sc->file = sc_parser_file(sc->parser);
	while (pos < len && (!max_errors || sc->nr_errors < max_errors)) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		ret = sc_parser_feed(sc->parser, text + pos, n, ++lineno, &r, &err);
		pos += n + (nl ? 1 : 0);
		if (ret == -EINVAL)
			ret = add_error(sc, &err, &ecap);
		else if (!ret && r)
			ret = add_record(sc, r, &rcap);
		if (ret)
			goto free_sc;
	}
	while (sc_parser_finish(sc->parser, &r, &err) == -EINVAL) {
		if (max_errors && sc->nr_errors >= max_errors)
			continue;
		ret = add_error(sc, &err, &ecap);
		if (ret)
			goto free_sc;
	}
	*out = sc;
	return 0;

free_sc:
	scenario_free(sc);
	return ret;
}

/**
 * scenario_load() - read and parse a scenario file.
 * @path: the file.
 * @max_errors: see scenario_parse().
 * @out: the scenario.
 *
 * Context: any.
 * Return: 0, -errno from open/read, or -ENOMEM.
 */
int scenario_load(const char *path, unsigned int max_errors, struct scenario **out)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	int fd, ret = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto free_buf;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				ret = -ENOMEM;
				goto close_fd;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto close_fd;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	ret = scenario_parse(path, buf, len, max_errors, out);
close_fd:
	close(fd);
free_buf:
	free(buf);
	return ret;
}

/**
 * scenario_free() - free a scenario and all its records.
 * @sc: the scenario, or NULL.
 *
 * Context: any.
 */
void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	sc_parser_destroy(sc->parser);
	free(sc->recs);
	free(sc->errors);
	free(sc);
}
