#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The VMA cache's hit ratio replaying each recording of tests/data (`make vmacache`):
#   vmacache-ratios.sh MMLAB SRCDIR
# Each log of tests/data/recordings/* (trace.strace, by mmlab record) and of
# tests/data/strace-logs/* (strace-*.log, by the host's strace) runs as the replay tests run
# it (--no-aslr --maps initial.maps) and its `vmacache:` line is printed after the log's name.
# Exit status 1 when a replay fails or prints no such line.
set -u
mmlab=$1 src=$2
status=0
for dir in "$src"/tests/data/recordings/* "$src"/tests/data/strace-logs/*; do
	[ -f "$dir/initial.maps" ] || continue
	for log in "$dir"/trace.strace "$dir"/strace-*.log; do
		[ -f "$log" ] || continue
		out=$("$mmlab" run --no-aslr --maps "$dir/initial.maps" "$log" 2>&1 >/dev/null)
		rc=$?
		line=$(printf '%s\n' "$out" | sed -n 's/^vmacache: //p')
		if [ "$rc" != 0 ] || [ -z "$line" ]; then
			line="FAIL: exit $rc, $(printf '%s\n' "$out" | tail -n 1)"
			status=1
		fi
		printf '%-44s %s\n' "${log#"$src"/tests/data/}" "$line"
	done
done
exit $status
