/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark helpers shared by every bench/bench_*.c program: a monotonic clock, medians over
 * repetitions, and the one result format. Each figure is printed as a table row and appended
 * as one JSON object to $MMLAB_BENCH_OUT (build/bench/results.jsonl under `make bench`):
 *
 *   {"bench": "mmu", "case": "tlb_hit_load", "value": 2.1, "unit": "ns/op",
 *    "baseline": "native", "baseline_value": 1.3, "ratio": 0.62}
 *
 * ratio is baseline_value / value when lower is better and value / baseline_value when higher
 * is better, so ratio > 1 always means mmlab is faster than the baseline.
 *
 * A build variant run by `make bench-variants` (hit counting on, no AVX-512 lookups) sets
 * $MMLAB_BENCH_VARIANT, which is appended to the bench name: "bench": "mmu/hit_stats".
 */
#ifndef MMLAB_BENCHUTIL_H
#define MMLAB_BENCHUTIL_H

#include <stdbool.h>
#include <stdint.h>

/* Monotonic nanoseconds. */
uint64_t bench_now_ns(void);

/*
 * CPU time of the calling thread, in nanoseconds: what a CPU-bound loop costs without the
 * time other jobs on a shared machine take from it (kernel time on the thread's behalf, a
 * page fault's, is included).
 */
uint64_t bench_cpu_ns(void);

/* Median of n doubles (sorts the array in place). */
double bench_median(double *v, int n);

/* Prints the table heading for one benchmark program. */
void bench_header(const char *bench, const char *title);

/*
 * bench_report - print one row and append one JSON line.
 * @lower_is_better: true for ns/op style units, false for ops/s style units.
 * A NULL @baseline writes "baseline": null and no ratio.
 */
void bench_report(const char *bench, const char *kase, double value, const char *unit,
		  const char *baseline, double baseline_value, bool lower_is_better);

/*
 * bench_report_note - a row without a baseline, with a "note" saying why there is none
 * ("baseline": null ... "ratio": null, "note": "@why"); @why holds no quotes or backslashes.
 */
void bench_report_note(const char *bench, const char *kase, double value, const char *unit,
		       const char *why);

/* Keeps a value alive so the compiler cannot drop the computation that produced it. */
#define bench_keep(x) __asm__ volatile("" : : "r"(x) : "memory")

#endif
