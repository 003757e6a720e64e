#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Execs the kernel made, replayed from the first line: execprog (built by the test's
# CMakeLists) runs MODE under `mmlab record`, and the recording replays as replay.sh
# --from-exec replays (every result matches, no call left unrun, the final maps equal) and
# from its initial maps (the later exec loaded over --maps).
#   exec_host.sh MMLAB EXECPROG MODE
set -u
mmlab=$1 prog=$2 mode=$3
[ -x /usr/bin/true ] || { echo "SKIP: no /usr/bin/true"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$mmlab" record -o "$tmp/rec" -- "$prog" "$mode" >/dev/null 2>&1
grep -q 'execve("/usr/bin/true"' "$tmp/rec/trace.strace" || {
	echo "FAIL: no exec of /usr/bin/true in the recording"; cat "$tmp/rec/trace.strace"; exit 1; }
sh "$(dirname "$0")/replay.sh" "$mmlab" "$tmp/rec" --from-exec || exit 1
