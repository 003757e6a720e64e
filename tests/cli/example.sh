#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bundled example that make run shows: every "= RESULT" line must hold (exit status 0)
# and the maps it prints must show the mprotect split.
#   example.sh MMLAB EXAMPLE [--wrong]
# --wrong runs a copy whose first expectation is deliberately wrong: the check above must then
# fail (the test that runs it is WILL_FAIL), which shows it is not satisfied by the output alone.
set -u
mmlab=$1 example=$2 mode=${3:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ "$mode" = --wrong ]; then
	sed 's/^\(mmap(NULL, 8192.*\) = 0x7ffff7ff5000$/\1 = 0x7ffff7ff4000/' \
		"$example" >"$tmp/example.strace"
	if cmp -s "$example" "$tmp/example.strace"; then
		# nothing to falsify: fail the WILL_FAIL test by passing
		echo "example.sh: no expectation changed in $example"
		exit 0
	fi
	example=$tmp/example.strace
fi
"$mmlab" run --no-aslr --quiet "$example" >"$tmp/out" 2>&1
status=$?
cat "$tmp/out"
[ "$status" = 0 ] || { echo "FAIL: exit status $status"; exit 1; }
grep -q '^7ffff7ff5000-7ffff7ff6000 r--p' "$tmp/out" || { echo "FAIL: no split in the maps"; exit 1; }
