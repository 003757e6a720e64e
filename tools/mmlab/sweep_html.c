// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab sweep --html: sweep.html, tools/mmlab/sweep.html (compiled in by embed.cmake) with
 * sweep.jsonl's lines as one JSON array in place of its placeholder ("</" written "<\/", so
 * the data cannot close its <script> element).
 */
#include "commands.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern const char mmlab_sweep_template[];

#define SWEEP_PLACEHOLDER "/*MMLAB_DATA*/"

static void put_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (s[0] == '<' && s[1] == '/')
			fputs("<\\", out);
		else
			fputc(*s, out);
	}
}

int sweep_html(const char *jsonl, const char *html)
{
	const char *at = strstr(mmlab_sweep_template, SWEEP_PLACEHOLDER);
	FILE *in = fopen(jsonl, "r"), *out = NULL;
	char *line = NULL;
	size_t cap = 0;
	const char *sep = "";
	ssize_t n;
	int err = 0;

	if (!in || !at || !(out = fopen(html, "w"))) {
		err = at ? -errno : -EINVAL;
		fprintf(stderr, "mmlab sweep: %s: %s\n", in ? html : jsonl, strerror(-err));
		if (in)
			fclose(in);
		return err;
	}
	fwrite(mmlab_sweep_template, 1, (size_t)(at - mmlab_sweep_template), out);
	fputc('[', out);
	while ((n = getline(&line, &cap, in)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		fputs(sep, out);
		put_escaped(out, line);
		sep = ",\n";
	}
	fputc(']', out);
	fputs(at + strlen(SWEEP_PLACEHOLDER), out);
	free(line);
	fclose(in);
	if (fclose(out)) {
		err = -errno;
		fprintf(stderr, "mmlab sweep: %s: %s\n", html, strerror(-err));
	}
	return err;
}
