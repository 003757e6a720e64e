#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs one scenario and compares what `mmlab run` printed with the expectation files:
#   check.sh MMLAB DIR SCENARIO EXPECT [RUN-OPTIONS...]
# DIR/SCENARIO is run from DIR with --quiet; DIR/EXPECT.out is the expected stdout,
# DIR/EXPECT.err the expected stderr (both empty when absent), DIR/EXPECT.exit the exit status
# (0 when absent). SCENARIO "-" reads DIR/EXPECT.strace from stdin.
set -u
mmlab=$1 dir=$2 scenario=$3 expect=$4
shift 4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The expectations were taken on a CPU without protection keys, so the machine has none,
# whatever the host's CPU; a scenario written for the other CPU kind says --pku itself, which
# wins (it comes later).
cpu=--no-pku
cd "$dir" || exit 1
if [ "$scenario" = - ]; then
	"$mmlab" run --quiet $cpu "$@" - <"$expect.strace" >"$tmp/out" 2>"$tmp/err"
else
	"$mmlab" run --quiet $cpu "$@" "$scenario" >"$tmp/out" 2>"$tmp/err"
fi
status=$?
want=0
[ -f "$expect.exit" ] && want=$(cat "$expect.exit")
fail=0
for s in out err; do
	if [ -f "$expect.$s" ]; then cp "$expect.$s" "$tmp/want.$s"; else : >"$tmp/want.$s"; fi
	if ! diff -u "$tmp/want.$s" "$tmp/$s"; then
		echo "FAIL: std$s differs from $expect.$s"
		fail=1
	fi
done
if [ "$status" != "$want" ]; then
	echo "FAIL: exit status $status, expected $want"
	fail=1
fi
exit $fail
