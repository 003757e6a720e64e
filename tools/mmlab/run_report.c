// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The --html report page: tools/mmlab/report.html, compiled into the command (embed.cmake
 * turns it into report_template.c), with the run's data (run_json.c) in place of its
 * placeholder. The data sits inside a <script> element, so "</" is written "<\/" (the same
 * string to JSON, and it cannot close the element).
 */
#include "run.h"

#include <string.h>

extern const char mmlab_report_template[];

#define REPORT_PLACEHOLDER "/*MMLAB_DATA*/"

void report_html(FILE *out, const char *data)
{
	const char *at = strstr(mmlab_report_template, REPORT_PLACEHOLDER);

	if (!at) { /* cannot happen with the template built in; an empty page says so */
		fputs("<!DOCTYPE html><p>mmlab: report template without its placeholder</p>\n", out);
		return;
	}
	fwrite(mmlab_report_template, 1, (size_t)(at - mmlab_report_template), out);
	for (const char *p = data; *p; p++) {
		if (p[0] == '<' && p[1] == '/')
			fputs("<\\", out);
		else
			fputc(*p, out);
	}
	fputs(at + strlen(REPORT_PLACEHOLDER), out);
}
