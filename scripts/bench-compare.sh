#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compares build variants in one results file (the format of bench/benchutil.h): every row
# whose bench is "NAME/VARIANT" is set beside the row of bench NAME with the same case, with
# the variant's value over the default build's (for ns/op, above 1 means the variant is slower).
# usage: bench-compare.sh VARIANTS.jsonl
awk "$(cat "$(dirname "$0")/jsonl.awk")"'
{
	b = field($0, "bench"); c = field($0, "case")
	if (index(b, "/")) {
		vb[++nv] = b; vc[nv] = c; vv[nv] = field($0, "value"); vu[nv] = field($0, "unit")
	} else {
		def[b " " c] = field($0, "value")
	}
}
END {
	printf "%-24s %-46s %-9s %12s %12s %8s\n", "variant", "case", "unit", "default",
		"variant", "v/d"
	for (i = 1; i <= nv; i++) {
		split(vb[i], p, "/")
		d = def[p[1] " " vc[i]]
		if (d == "")
			continue
		r = d + 0 > 0 ? vv[i] / d : 0
		printf "%-24s %-46s %-9s %12.4g %12.4g %8.3f\n", vb[i], vc[i], vu[i], d, vv[i], r
	}
}' "$@"
