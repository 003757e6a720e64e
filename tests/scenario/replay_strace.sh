#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replays the host strace's logs of a real program (tests/data/strace-logs/NAME, made by its
# record.sh) from the initial maps mmlab record took of the same program:
#   replay_strace.sh MMLAB RECDIR
# Every log (-f -y, and where present -f -y -tt -T and -f -yy) must parse, every result must
# match, and the first task's maps at the end must equal final.maps. The only messages allowed
# are the summary and, for a child that execs, the note that the new program is not loaded.
set -u
mmlab=$1 rec=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for log in "$rec"/strace-*.log; do
	[ -f "$log" ] || continue
	n=$((n + 1))
	"$mmlab" run --no-aslr --maps "$rec/initial.maps" --final-maps "$tmp/final.maps" \
		"$log" >"$tmp/out" 2>"$tmp/err"
	status=$?
	echo "== $log: exit $status"
	cat "$tmp/err"
	[ "$status" = 0 ] || { echo "FAIL: exit status $status"; fail=1; }
	[ -s "$tmp/out" ] && { echo "FAIL: unexpected output:"; cat "$tmp/out"; fail=1; }
	grep -v -e ': execve: loading a new program is not modelled; the later calls of pid' \
		-e '^pid [0-9]*: [0-9]* calls after its execve (line [0-9]*) not run' \
		-e ' lines, [0-9]* calls run, .* skipped, 0 mismatches\(, [0-9]* not run\)\? in ' \
		"$tmp/err" >"$tmp/bad"
	[ -s "$tmp/bad" ] && { echo "FAIL: unexpected messages above"; fail=1; }
	if ! diff -u "$rec/final.maps" "$tmp/final.maps"; then
		echo "FAIL: the final maps differ from $rec/final.maps"
		fail=1
	fi
done
[ "$n" -gt 0 ] || { echo "FAIL: no strace-*.log in $rec"; fail=1; }
# A failure on a machine without the recording machine's files says nothing of mmlab.
if [ "$fail" != 0 ] && ! sh "$(dirname "$0")/same_files.sh" "$rec"; then
	exit 77
fi
exit $fail
