// SPDX-License-Identifier: LGPL-2.1-or-later
/* Benchmark helpers: see benchutil.h for the result format. */
#include "benchutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_header(const char *bench, const char *title)
{
	printf("\n== %s: %s ==\n", bench, title);
	printf("%-46s %14s %-8s %-16s %14s %8s\n", "case", "value", "unit", "baseline",
	       "baseline_value", "ratio");
}

static void report(const char *bench, const char *kase, double value, const char *unit,
		   const char *baseline, double baseline_value, bool lower_is_better,
		   const char *note)
{
	const char *path = getenv("MMLAB_BENCH_OUT"), *variant = getenv("MMLAB_BENCH_VARIANT");
	char name[128];
	double ratio = 0;
	FILE *f;

	if (variant && *variant) {
		snprintf(name, sizeof(name), "%s/%s", bench, variant);
		bench = name;
	}

	if (baseline && value > 0 && baseline_value > 0)
		ratio = lower_is_better ? baseline_value / value : value / baseline_value;
	if (baseline)
		printf("%-46s %14.3f %-8s %-16s %14.3f %8.3f\n", kase, value, unit, baseline,
		       baseline_value, ratio);
	else
		printf("%-46s %14.3f %-8s %-16s %14s %8s%s%s\n", kase, value, unit, "-", "-", "-",
		       note ? "  " : "", note ? note : "");
	fflush(stdout);
	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	if (baseline)
		fprintf(f,
			"{\"bench\": \"%s\", \"case\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", "
			"\"baseline\": \"%s\", \"baseline_value\": %.6g, \"ratio\": %.4g}\n",
			bench, kase, value, unit, baseline, baseline_value, ratio);
	else
		fprintf(f,
			"{\"bench\": \"%s\", \"case\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", "
			"\"baseline\": null, \"baseline_value\": null, \"ratio\": null%s%s%s}\n",
			bench, kase, value, unit, note ? ", \"note\": \"" : "", note ? note : "",
			note ? "\"" : "");
	fclose(f);
}

void bench_report(const char *bench, const char *kase, double value, const char *unit,
		  const char *baseline, double baseline_value, bool lower_is_better)
{
	report(bench, kase, value, unit, baseline, baseline_value, lower_is_better, NULL);
}

void bench_report_note(const char *bench, const char *kase, double value, const char *unit,
		       const char *why)
{
	report(bench, kase, value, unit, NULL, 0, true, why);
}
