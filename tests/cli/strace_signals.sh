#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SIGPIPE and SIGXFSZ against the host: strace_signals writes into a pipe without readers and
# past RLIMIT_FSIZE, with each signal's default action, ignored, blocked and caught; `mmlab
# run` of the host's strace log (the calls after the program's loading) must agree on every
# result (EPIPE, EFBIG) and on the process's end ("+++ killed by SIGPIPE +++", "SIGXFSZ
# (core dumped)", or exiting).
#   strace_signals.sh MMLAB STRACE_SIGNALS
set -u
mmlab=$1 prog=$2
command -v strace >/dev/null 2>&1 || { echo "no strace"; exit 77; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/host" "$work/root"
for case in pipe xfsz; do
	for how in dfl ign block handler; do
		log=$work/$case-$how
		(cd "$work/host" && ulimit -c 0 && ASAN_OPTIONS=detect_leaks=0 strace -f -o "$log.log" \
			"$prog" "$case" "$how") >/dev/null 2>&1
		# from the program's first signal call on (its loading is the host's)
		awk '/rt_sigaction\(SIG(PIPE|XFSZ)|rt_sigprocmask\(SIG_BLOCK, \[(PIPE|XFSZ)\]/ { on = 1 }
		     on' "$log.log" >"$log.strace"
		grep -q 'killed by\|exited with' "$log.strace" || { echo "FAIL: $case $how: no end"; exit 1; }
		"$mmlab" run --no-aslr --root "$work/root" "$log.strace" >"$work/out" 2>"$work/err"
		if ! grep -q ' 0 mismatches' "$work/err"; then
			echo "FAIL: $case $how"
			cat "$log.strace" "$work/err"
			exit 1
		fi
	done
done
echo ok
