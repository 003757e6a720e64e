#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Traces real programs with the host's strace in each output form mmlab reads and runs the
# logs: `mmlab run` must find no malformed line and no argument it cannot evaluate (no
# FILE:LINE:COL message, exit status not 2). Results may differ: the logs start from the
# host's exec, not from a maps snapshot.
#   strace-live.sh MMLAB
set -u
mmlab=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
n=0
check() { # LOG...
	"$mmlab" run --quiet --no-aslr "$@" >out 2>err
	status=$?
	if [ "$status" = 2 ] || grep -E '^[^ ]+:[0-9]+:[0-9]+: ' err >/dev/null; then
		echo "FAIL: $* (exit $status):"
		head -5 err
		fail=1
	fi
	n=$((n + 1))
}
for prog in "ls /" "sh -c 'ls / | wc -l'"; do
	for flags in "-f -y" "-f -yy -tt -T" "-f -ttt -y" "-f -r -y" "-f -t -s 8" \
		     "-f -e trace=memory,process" "-f -n -i -Y -tt -y"; do
		eval "setarch -R strace $flags -o log $prog" >/dev/null 2>&1 || { fail=1; continue; }
		check log
		# on stderr: "[pid N]" prefixes and "strace: Process N attached" mixed in
		eval "setarch -R strace $flags $prog" >/dev/null 2>log || { fail=1; continue; }
		check log
	done
	rm -f ff.*
	eval "setarch -R strace -ff -tt -T -y -o ff $prog" >/dev/null 2>&1 || fail=1
	for f in ff.*; do
		check "$f"
	done
done
echo "$n logs run"
exit $fail
