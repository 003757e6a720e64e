#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Execs the kernel made, replayed from the first line: execprog (built by the test's
# CMakeLists) runs MODE under `mmlab record` (the maps at exec and at exit) and under
# `setarch -R strace -f -y` (a thread's exec shows as "+++ superseded by execve in pid N +++"
# there); for execveat, whose lines mmlab record does not decode, strace's log stands alone.
# The recording replays as replay.sh --from-exec replays it: every result matches, no call is
# left unrun, the final maps are equal.
#   exec_host.sh MMLAB EXECPROG MODE
set -u
mmlab=$1 prog=$2 mode=$3
[ -x /usr/bin/true ] || { echo "SKIP: no /usr/bin/true"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$mmlab" record -o "$tmp/rec" -- "$prog" "$mode" >/dev/null 2>&1
setarch -R strace -f -y -o "$tmp/log" "$prog" "$mode" >/dev/null 2>&1
{ head -1 "$tmp/rec/trace.strace"; cat "$tmp/log"; } >"$tmp/rec/strace-host.log"
[ "$mode" = execveat ] && rm "$tmp/rec/trace.strace"
grep -qE 'execve(at)?\(.*"/usr/bin/true"' "$tmp/rec"/trace.strace "$tmp/rec"/strace-*.log 2>/dev/null || {
	echo "FAIL: no exec of /usr/bin/true in the recording"; exit 1; }
sh "$(dirname "$0")/replay.sh" "$mmlab" "$tmp/rec" --from-exec || exit 1
