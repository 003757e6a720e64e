#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replays the logs of a real program from the initial maps of the same program:
#   replay.sh MMLAB RECDIR [--not-run REASON:COUNT] [--elsewhere [--no-ids]]
# RECDIR is a recording of tests/data/recordings (trace.strace, by mmlab record) or of
# tests/data/strace-logs (strace-*.log, by the host's strace: -f -y, and where present
# -f -y -tt -T and -f -yy). Every log must parse, every result must match (exit status 0, no
# output), and the first task's maps at the end must equal final.maps. A call not run fails
# the test unless the test names its reason and how many: "exec:N" allows exactly N calls of
# children after their execve (over --maps mmlab loads the new program only when its file is
# on this machine as the log knew it: not elsewhere), and with it only the messages saying so. --elsewhere replays a copy whose files are all missing on this machine
# (elsewhere.sh): the recording's "# file:" lines and snapshots must be all it needs (with
# --no-ids, the copy loses its "# file:" lines: then the replay must fail). --from-exec
# replays without the initial maps: the log's execve lines load the programs (mmlab_execve,
# children's too, so no call may be left unrun), which needs this machine's files to be the
# recording's (each file of initial.maps with the same inode); else the test is skipped (77).
#   replay.sh MMLAB RECDIR --from-exec
set -u
mmlab=$1 rec=$2
shift 2
exec_calls=0 elsewhere= ids=1 from_exec=
while [ $# -gt 0 ]; do
	case $1 in
	--not-run)
		case $2 in
		exec:[0-9]*) exec_calls=${2#exec:} ;;
		*) echo "replay.sh: unknown reason for calls not run: $2"; exit 2 ;;
		esac
		shift 2 ;;
	--elsewhere) elsewhere=1; shift ;;
	--no-ids) ids=; shift ;;
	--from-exec) from_exec=1; shift ;;
	*) echo "replay.sh: unknown option $1"; exit 2 ;;
	esac
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ -n "$elsewhere" ]; then
	sh "$(dirname "$0")/elsewhere.sh" "$rec" "$tmp/rec" || exit 1
	rec=$tmp/rec
	[ -n "$ids" ] || sed -i '/^# file: /d' "$rec"/trace.strace "$rec"/strace-*.log 2>/dev/null
fi
if [ -n "$from_exec" ]; then
	# the programs are loaded from this machine's files: they must be the recorded ones
	awk 'NF >= 6 && $6 ~ /^\// && $NF != "(deleted)" { print $5, $6 }' "$rec/initial.maps" |
		sort -u | while read -r ino path; do
		[ "$(stat -L -c %i "$path" 2>/dev/null)" = "$ino" ] || {
			echo "SKIP: $path is not the recorded file here"; exit 77; }
	done || exit 77
	maps_opt=
else
	maps_opt="--maps $rec/initial.maps"
fi
fail=0 n=0
for log in "$rec"/trace.strace "$rec"/strace-*.log; do
	[ -f "$log" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086 # $maps_opt is two words or none
	"$mmlab" run --no-aslr $maps_opt --final-maps "$tmp/final.maps" \
		"$log" >"$tmp/out" 2>"$tmp/err"
	status=$?
	echo "== $log: exit $status"
	cat "$tmp/err"
	[ "$status" = 0 ] || { echo "FAIL: exit status $status"; fail=1; }
	[ -s "$tmp/out" ] && { echo "FAIL: unexpected output:"; cat "$tmp/out"; fail=1; }
	# calls not run: the summary's count, and the exec reason's own count
	not_run=$(sed -n 's/.* mismatches, \([0-9]*\) not run in .*/\1/p' "$tmp/err")
	after_exec=$(sed -n 's/^pid [0-9]*: \([0-9]*\) calls* after its execve (line [0-9]*) not run: .*/\1/p' \
		"$tmp/err" | awk '{ n += $1 } END { print n + 0 }')
	if [ "${not_run:-0}" != "$exec_calls" ] || [ "$after_exec" != "$exec_calls" ]; then
		echo "FAIL: ${not_run:-0} calls not run ($after_exec after an execve); the test allows exec:$exec_calls"
		fail=1
	fi
	# (writes whose data strace cut at -s: zeros written, said and counted; not a difference)
	grep -v -e ' lines, [0-9]* calls run, .* skipped, 0 mismatches\(, [0-9]* not run\)\? in ' \
		-e "^[^ ]*:[0-9]*: [a-z0-9]*'s data is known for [0-9]* of its [0-9]* bytes" \
		-e '^[0-9]* writes* wrote [0-9]* bytes* of zeros where strace cut the data' \
		-e '^vmacache: [0-9 ]* lookups, [0-9.]*% hits$' \
		-e '^rss: \(pid [0-9]*\|the first task\) at \(exit\|the end\) [0-9]* kB (anon [0-9]* kB, file [0-9]* kB, shmem [0-9]* kB)$' \
		"$tmp/err" >"$tmp/bad"
	if [ "$exec_calls" != 0 ]; then
		grep -v -e ': execve: the new program is not loaded over --maps; the later calls of pid' \
			-e '^pid [0-9]*: [0-9]* calls* after its execve (line [0-9]*) not run' \
			"$tmp/bad" >"$tmp/bad2"
		mv "$tmp/bad2" "$tmp/bad"
	fi
	[ -s "$tmp/bad" ] && { echo "FAIL: unexpected messages above"; fail=1; }
	if ! diff -u "$rec/final.maps" "$tmp/final.maps"; then
		echo "FAIL: the final maps differ from $rec/final.maps"
		fail=1
	fi
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace.strace or strace-*.log in $rec"; fail=1; }
exit $fail
