#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Address randomization: the first mmap address and the stack end, from the host (30 runs of
# the probe with ASLR on) and from mmlab (500 seeds). Both must lie within what x86_64 Linux's
# entropy allows: the stack top up to 2^22 pages (16 GiB) below STACK_TOP; mmap_base up to
# 2^28 pages (1 TiB) below TASK_SIZE minus the stack gap, which with randomization includes a
# pad of the stack's whole random range. mmlab's 500 samples must spread over most of both.
# Plain sh and awk: a minimal Debian has no python3.
#   aslr.sh PROBE ASLR_PROBE
set -u
probe=$1 lab=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 30); do
	"$probe" | awk '/^mmap 4096/ { a = $4 } /\[stack\]/ { split($1, r, "-"); s = "0x" r[2] }
			 END { print a, s }'
done >"$tmp/host"
"$lab" 500 >"$tmp/lab" || { echo "mmlab probe failed"; exit 1; }
# The statistics in awk (POSIX: mawk will do): addresses below 2^48 are exact in its doubles.
awk '
function hex(x,   i, n, c) {
	n = 0
	sub(/^0[xX]/, "", x)
	for (i = 1; i <= length(x); i++) {
		c = index("0123456789abcdef", tolower(substr(x, i, 1)))
		if (!c)
			return -1
		n = n * 16 + c - 1
	}
	return n
}
BEGIN {
	STACK_TOP = hex("7ffffffff000"); STACK_SPAN = 2 ^ (22 + 12)
	MMAP_SPAN = 2 ^ (28 + 12)
	MMAP_TOP = hex("7ffff7fff000") - STACK_SPAN	# the random pad of the stack gap, at least
	MMAP_LOW = MMAP_TOP - MMAP_SPAN - 2 ^ 30	# slack: RLIMIT_STACK, guard gap, vdso pages
	ok = 1
}
FNR == 1 { name = FILENAME == ARGV[1] ? "host" : "mmlab" }
NF {
	a = hex($1); s = hex($2)
	rows[name]++
	if (!(MMAP_LOW <= a && a <= MMAP_TOP && STACK_TOP - STACK_SPAN <= s && s <= STACK_TOP))
		bad[name]++
	if (name == "mmlab") {
		if (!($1 in seen)) { seen[$1]; distinct++ }	# the text: mawk keys numbers by %.6g
		if (rows[name] == 1 || a < mmin) mmin = a
		if (rows[name] == 1 || a > mmax) mmax = a
		if (rows[name] == 1 || s < smin) smin = s
		if (rows[name] == 1 || s > smax) smax = s
	}
}
END {
	split("host mmlab", names, " ")
	for (k = 1; k <= 2; k++) {
		n = names[k]
		printf "%s: %d samples, %d outside the kernel\x27s ranges\n", n, rows[n], bad[n]
		if (bad[n] || !rows[n])
			ok = 0
	}
	ms = (mmax - mmin) / MMAP_SPAN; ss = (smax - smin) / STACK_SPAN
	printf "mmlab spread: mmap %.2f, stack %.2f of the range\n", ms, ss
	if (!(ms > 0.9 && ss > 0.9 && distinct > 490))
		ok = 0
	exit !ok
}' "$tmp/host" "$tmp/lab"
