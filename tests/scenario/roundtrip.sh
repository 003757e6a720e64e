#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Strips the results of the memory calls from a recording's log and runs it: `mmlab run`
# must print the log back byte for byte (results recomputed, padded as strace pads them).
#   roundtrip.sh MMLAB RECDIR
set -u
mmlab=$1 rec=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sed -E '/(^|\] )(<\.\.\. )?(mmap|munmap|mprotect|mremap|brk|madvise)[ (]/ s/\) +=.*$/)/' \
	"$rec/trace.strace" >"$tmp/stripped"
if cmp -s "$tmp/stripped" "$rec/trace.strace"; then
	echo "FAIL: nothing was stripped"
	exit 1
fi
"$mmlab" run --quiet --no-aslr --maps "$rec/initial.maps" "$tmp/stripped" >"$tmp/out" || {
	echo "FAIL: mmlab run failed"
	exit 1
}
diff -u "$rec/trace.strace" "$tmp/out" || { echo "FAIL: the log did not come back"; exit 1; }
