#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The spread of every figure over several `make bench` runs: reads one results.jsonl per run
# (the format of bench/benchutil.h) and prints, per bench and case, the number of runs and the
# minimum, median and maximum of the value and of the ratio to the baseline.
# usage: bench-spread.sh RUN.jsonl...
awk "$(cat "$(dirname "$0")/jsonl.awk")"'
function stats(arr, k, n,   i, j, t, a) {
	for (i = 1; i <= n; i++)
		a[i] = arr[k, i] + 0
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (n % 2)
		med = a[(n + 1) / 2]
	else
		med = (a[n / 2] + a[n / 2 + 1]) / 2
	return sprintf("%10.4g %10.4g %10.4g", a[1], med, a[n])
}
{
	k = field($0, "bench") " " field($0, "case")
	if (!(k in n)) {
		order[++nk] = k
		unit[k] = field($0, "unit")
		base[k] = field($0, "baseline")
	}
	n[k]++
	val[k, n[k]] = field($0, "value")
	r = field($0, "ratio")
	if (r != "null" && r != "")
		rat[k, ++nr[k]] = r
}
END {
	printf "%-58s %4s %-9s %32s   %32s\n", "bench case", "runs", "unit",
		"value: min median max", "ratio: min median max"
	for (i = 1; i <= nk; i++) {
		k = order[i]
		printf "%-58s %4d %-9s %s   %s\n", k, n[k], unit[k], stats(val, k, n[k]),
			nr[k] ? stats(rat, k, nr[k]) : sprintf("%32s", "-")
	}
}' "$@"
