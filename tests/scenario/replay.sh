#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replays a recording of a real program (tests/data/recordings/NAME) from its initial maps:
#   replay.sh MMLAB RECDIR [--forks]
# Every result of the log must match (exit status 0, no message), and the maps at the end
# must equal final.maps. --forks: the log has copying forks; their children run, but a
# child's exec of another program cannot be loaded, so only the messages about that exec and
# the child's later calls are allowed.
set -u
mmlab=$1 rec=$2 forks=${3:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The recording was made on this host: the machine gets the host CPU's protection keys.
if grep -qw pku /proc/cpuinfo; then hostpku=--pku; else hostpku=--no-pku; fi
fail=0
"$mmlab" run $hostpku --no-aslr --maps "$rec/initial.maps" --final-maps "$tmp/final.maps" \
	"$rec/trace.strace" >"$tmp/out" 2>"$tmp/err"
status=$?
cat "$tmp/err"
if [ "$status" != 0 ]; then
	echo "FAIL: exit status $status"
	fail=1
fi
if [ -s "$tmp/out" ]; then
	echo "FAIL: unexpected output:"; cat "$tmp/out"
	fail=1
fi
if [ "$forks" = --forks ]; then
	grep -v -e '^pid [0-9]*: [0-9]* calls* after its execve (line [0-9]*) not run' \
		-e ': loading a new program is not modelled; the later calls of pid' \
		-e ' lines, [0-9]* calls run, .* skipped, 0 mismatches, [0-9]* not run in ' \
		-e ' lines, [0-9]* calls run, .* skipped, 0 mismatches in ' "$tmp/err" >"$tmp/bad"
else
	grep -v -e ' lines, [0-9]* calls run, .* skipped, 0 mismatches in ' "$tmp/err" >"$tmp/bad"
fi
if [ -s "$tmp/bad" ]; then
	echo "FAIL: unexpected messages above"
	fail=1
fi
if ! diff -u "$rec/final.maps" "$tmp/final.maps"; then
	echo "FAIL: the final maps differ from $rec/final.maps"
	fail=1
fi
# A failure on a machine without the recording machine's files says nothing of mmlab.
if [ "$fail" != 0 ] && ! sh "$(dirname "$0")/same_files.sh" "$rec"; then
	exit 77
fi
exit $fail
