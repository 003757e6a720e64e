#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line of mmlab, one case per ctest test: cli.sh MMLAB CASE
# Each case runs mmlab and checks exit status, stdout and stderr; usage errors must be exactly
# one line on stderr with exit status 2.
set -u
mmlab=$1 case=$2
here=$(cd "$(dirname "$0")" && pwd)
data=$here/data
maps=$here/../data/recordings/true/initial.maps
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $case: $*"; for f in "$tmp"/out "$tmp"/err; do [ -f "$f" ] && { echo "--- $f"; cat "$f"; }; done; exit 1; }

# run EXPECTED-STATUS ARGS...: mmlab ARGS with stdout in $tmp/out, stderr in $tmp/err
run() {
	want=$1; shift
	"$mmlab" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || fail "mmlab $*: exit status $got, expected $want"
}
# usage ARGS...: a usage error: status 2, one line on stderr, nothing on stdout
usage() {
	run 2 "$@"
	[ "$(wc -l <"$tmp/err")" = 1 ] || fail "mmlab $*: not one line on stderr"
	[ ! -s "$tmp/out" ] || fail "mmlab $*: output on stdout"
}
has() { grep -q -e "$2" "$tmp/$1" || fail "no '$2' in std$1"; }
hasnt() { ! grep -q -e "$2" "$tmp/$1" || fail "unexpected '$2' in std$1"; }
gone() { [ ! -e "$1" ] || fail "$1 was created"; }
# recorded MAPS...: skip the case (77) unless each system file (under /usr or /lib) the maps
# name is here the one recorded, by inode: a log whose calls load programs or libraries of
# this machine replays to the recorded maps only over the same files
recorded() {
	awk '$6 ~ /^\/(usr|lib)/ { print $5, $6 }' "$@" | sort -u |
		while read -r ino path; do
			[ "$(stat -L -c %i "$path" 2>/dev/null)" = "$ino" ] || exit 77
		done || exit 77
}

# replays_to MAPS LOG FINAL (files of data/): LOG replayed over the initial maps MAPS, with
# no pid taken as a thread and no call left not run, ends in the kernel's final maps FINAL.
# The run's stderr stays in $tmp/err
replays_to() {
	run 0 run --no-aslr --maps "$data/$1" --final-maps "$tmp/final.maps" "$data/$2"
	hasnt err "taken as a thread"
	hasnt err "not run"
	diff -u "$data/$3" "$tmp/final.maps" || fail "$2: final maps"
}
# memfd_maps NAME: data/NAME.strace replayed over NAME.maps; its final maps must be the kernel's
# (NAME.final.maps), each memfd's inode by order of first appearance (mmlab numbers its inodes
# its own way). The run's stderr stays in $tmp/err
memfd_maps() {
	run 0 run --no-aslr --maps "$data/$1.maps" --final-maps "$tmp/final.maps" "$data/$1.strace"
	inodes='$6 ~ /^\/memfd:/ { if (!($5 in n)) n[$5] = ++k; $4 = "dev"; $5 = "memfd" n[$5] }
		{ print $1, $2, $3, $4, $5, $6, $7 }'
	awk "$inodes" "$data/$1.final.maps" >"$tmp/want"
	awk "$inodes" "$tmp/final.maps" >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got" || fail "final maps"
}

case $case in
help)
	for c in run record demo; do
		run 0 "$c" --help; has out "^usage: mmlab $c "; has out "--help"
		cp "$tmp/out" "$tmp/help1"
		run 0 help "$c"; cmp -s "$tmp/out" "$tmp/help1" || fail "help $c differs from $c --help"
		run 0 "$c" -h; cmp -s "$tmp/out" "$tmp/help1" || fail "$c -h differs from $c --help"
	done
	run 0 run --help
	for o in --maps=FILE --final-maps=FILE --no-aslr --seed=N --ram=SIZE --quiet \
		--stop-on-mismatch --strict --root=DIR --write-files; do has out "$o"; done
	has out "-q, --quiet"
	run 0 record --help; has out "-o, --output=DIR"
	run 0 demo --help; has out "--ram=SIZE"
	run 0 help; has out "^usage: mmlab"
	;;
usage)
	usage
	usage run
	usage run --no-such-option x.strace
	usage run -Z x.strace
	usage run x.strace --maps
	usage run -m
	usage run --quiet=yes x.strace
	usage run --seed x x.strace
	usage run --seed=-1 x.strace
	usage run --ram 12Q x.strace
	usage run a.strace b.strace
	usage run - "$data/ff.100"
	usage help no-such-command
	usage help run extra
	usage no-such-command
	usage record
	usage record -o "$tmp/d"
	usage record --bad -o "$tmp/d" -- true
	usage demo extra
	usage demo --ram=12Q
	gone "$tmp/d"
	;;
forms)
	# --opt=value, --opt value and short forms mean the same
	run 0 run --quiet --no-aslr --maps "$maps" "$here/../scenario/basic.strace"
	cp "$tmp/out" "$tmp/want"
	run 0 run -q -R -m "$maps" "$here/../scenario/basic.strace"
	cmp -s "$tmp/out" "$tmp/want" || fail "short forms differ"
	run 0 run -qR --maps="$maps" --seed=0x10 "$here/../scenario/basic.strace"
	cmp -s "$tmp/out" "$tmp/want" || fail "--opt=value forms differ"
	# options after the scenario are options too
	run 0 run "$here/../scenario/basic.strace" -q -R -m "$maps"
	cmp -s "$tmp/out" "$tmp/want" || fail "options after the operand differ"
	;;
ram)
	usage run --ram 4K "$data/unknown.strace"; has err "below the minimum"
	usage run --ram 65540 "$data/unknown.strace"; has err "multiple of the 4K page"
	usage run --ram 1024T "$data/unknown.strace"; has err "more than this host can back"
	usage demo --ram 4K; has err "below the minimum"
	usage demo --ram=1024T; has err "more than this host can back"
	run 0 run -q --ram 64K "$data/unknown.strace"
	run 0 run -q --ram=1M "$data/unknown.strace"
	# The log's machine line sizes RAM when --ram does not, and the help says so.
	printf '# machine: ram=512M\nfree()\n' >"$tmp/ram.strace"
	run 0 run -q "$tmp/ram.strace"; has out "^Mem: *524288 "
	run 0 run -q --ram 64M "$tmp/ram.strace"; has out "^Mem: *65536 "
	run 0 run --help; has out "--ram=SIZE.*default: the log's machine line, else 1G"
	;;
lru)
	usage run --lru fifo "$data/unknown.strace"; has err "bad --lru 'fifo'"
	for p in classic mglru lru clock; do run 0 run -q --lru $p --ram 1M "$data/unknown.strace"; done
	;;
unknown)
	run 0 run "$data/unknown.strace"
	has err "^skipped: munamp 2 (unknown), frobnicate 1 (unknown)$"
	hasnt err "read"
	has err " 7 lines, 2 calls run, 4 skipped, 0 mismatches in "
	run 2 run -q --strict "$data/unknown.strace"
	has err "unknown.strace:3: munamp: no system call has this name"
	has err "unknown.strace:6: frobnicate: no system call has this name"
	;;
threads)
	run 0 run "$data/threads.strace"
	[ "$(grep -c '^pid 11 taken as a thread of 10$' "$tmp/err")" = 1 ] || fail "pid 11 note"
	[ "$(grep -c '^pid 12 taken as a thread of 10$' "$tmp/err")" = 1 ] || fail "pid 12 note"
	hasnt err "pid 10 taken"
	run 2 run -q --strict "$data/threads.strace"
	has err "threads.strace:3: pid 11: no clone, fork or vfork of the log creates it"
	;;
appended)
	# the second run loads /usr/bin/true with its loader from this machine: they must be the
	# recorded ones (the snapshot of the first, tests/scenario/inject.maps, names them)
	recorded "$here/../scenario/inject.maps"
	run 0 run --no-aslr --maps "$here/../scenario/inject.maps" "$data/appended.strace"
	has err "appended.strace:37: pid 5113 starts another run of the program after every"
	hasnt err "not run"
	hasnt err "taken as a thread"
	;;
appended-nof)
	# the same without -f: no pids, so the line after the first run's exit that starts the
	# second is known by its execve; its calls run in a process of its own, each checked
	recorded "$here/../scenario/inject.maps"
	run 0 run --no-aslr --maps "$here/../scenario/inject.maps" "$data/appended-nof.strace"
	has err "appended-nof.strace:37: an execve after the process ended: another run of the program"
	hasnt err "not run"
	has err " 67 lines, 37 calls run, 23 skipped, 0 mismatches in "
	[ "$(grep -c '^rss: ' "$tmp/err")" = 2 ] || fail "not one rss line per run"
	# a run of strace -f (pids) with one of strace -A without -f after it
	run 0 run --no-aslr --maps "$here/../scenario/inject.maps" "$data/appended-mixed.strace"
	has err "appended-mixed.strace:37: an execve after the process ended: another run of the program"
	hasnt err "not run"
	has err " 67 lines, 37 calls run, 23 skipped, 0 mismatches in "
	# a run without -f of a program forking three children, which no line shows, then one
	# of strace -A -f /usr/bin/true (setarch -R, forkexec.c): those children are no process
	# of the log still running
	run 0 run --no-aslr --maps "$data/forkexec-z.maps" "$data/appended-fork.strace"
	has err "appended-fork.strace:41: pid 1829 starts another run of the program"
	hasnt err "not run"
	has err " 71 lines, 40 calls run, 26 skipped, 0 mismatches in "
	;;
appended-z)
	# strace -A -f -z, twice ./forkexec (forkexec.c: cc -O1, setarch -R): pid 14722 of the
	# second run prints a line before the fork that makes it (line 191). It is taken as a
	# thread of that run's process, not of the first run's ended one, until its fork makes
	# it a process. The runs load ./forkexec, built here: it must be the recorded one, as the
	# children's /bin/true must be
	recorded "$here/../scenario/inject.maps"
	cd "$tmp" && cc -O1 -o forkexec "$data/forkexec.c" 2>/dev/null || exit 77
	[ "$(sha256sum <forkexec)" = "7a78f82898249ef68c124dbbc343fc7e885faa429293c8cf966c9e3b698b187c  -" ] ||
		exit 77
	run 0 run --no-aslr "$data/appended-z.strace"
	has err "appended-z.strace:191: clone: pid 14722, its child, printed lines before it"
	hasnt err "taken as a thread"
	hasnt err "not run"
	has err " 256 lines, 158 calls run, 84 skipped, 0 mismatches in "
	;;
killed-child)
	# strace -f -o FILE ./segv (segv-child.c): a fork child killed by SIGSEGV ends its
	# process, whose rss the summary names by its pid, as an exit_group's. The program is
	# not here (mismatches: its maps are missing); only the summary counts
	run 1 run --no-aslr "$data/segv-child.strace"
	has err "^rss: pid 20316 at exit "
	has err "^rss: pid 20317 at exit "
	hasnt err "^rss: the "
	;;
plain-left)
	# strace -f on stderr prints no pid while one process is traced: after sh exits, its
	# background child's lines (its execve of /bin/sleep, from this machine) have none
	[ "$(stat -L -c %i:%s /bin/sleep 2>/dev/null)" = 248056:43888 ] || exit 77
	run 0 run --no-aslr --maps "$data/sh-z.maps" "$data/sh-bg-f.strace"
	has err "sh-bg-f.strace:63: pid 9100 is the one process left"
	hasnt err "not run"
	hasnt err "another run"
	has err " 102 lines, 57 calls run, 33 skipped, 0 mismatches in "
	# the same with -e trace=%memory,execve: no fork line, no pid; the child's execve
	# after sh's exit can be another run as well as this child, which the message says
	run 0 run --no-aslr --maps "$data/sh-z.maps" "$data/sh-bg-nofork.strace"
	has err "sh-bg-nofork.strace:19: an execve after the process ended: another run of the program (strace -A appends runs; without -f no pid tells them apart), or a child that outlived it (strace -f on stderr"
	hasnt err "not run"
	has err " 48 lines, 44 calls run, 1 skipped, 0 mismatches in "
	;;
early-child)
	# strace -z: a vfork child's lines come before the vfork that makes it; it becomes the
	# vfork's child, not a thread, and its exit (its exit_group filtered out) ends it
	run 0 run --no-aslr --maps "$data/sh-z.maps" --final-maps "$tmp/final.maps" \
		"$data/sh-z.strace"
	hasnt err "taken as a thread"
	diff -u "$data/sh-z.final.maps" "$tmp/final.maps" || fail "final maps"
	;;
early-exec)
	# strace -z: a fork's child execs (and in the second log exits too) before the fork that
	# makes it is printed; it is a process of its own from its execve, so the parent keeps
	# its program, to the kernel's final maps. The children load /usr/bin/true from this
	# machine: it must be the recorded one (inject.maps names it and its loader)
	recorded "$here/../scenario/inject.maps"
	for log in forkexec-z forkexec-z-exited; do
		replays_to forkexec-z.maps $log.strace forkexec-z.final.maps
		has err "$log.strace: 135 lines, 78 calls run, 43 skipped, 0 mismatches in "
	done
	has err "forkexec-z-exited.strace:103: execve: pid 26400 execs before a fork line makes it"
	# the same on stderr (-f -z 2>FILE): the parent's lines have no pid, and the first line
	# with one is its child's, before the fork that makes it (line 31); the parent's
	# set_tid_address said its own pid, so the child does not take the first task's
	replays_to forkexec-z.maps forkexec-zs.strace forkexec-z.final.maps
	has err "forkexec-zs.strace:31: clone: pid 20704, its child, printed lines before it"
	has err "forkexec-zs.strace: 131 lines, 78 calls run, 43 skipped, 0 mismatches in "
	# a vfork child of sh, whose execve came before the vfork
	replays_to sh-z.maps sh-exec-z.strace sh-z.final.maps
	has err "sh-exec-z.strace:55: execve: pid 13253 execs before a fork line makes it"
	# -e trace=execve,mmap,munmap,brk,mprotect,exit_group (no fork lines) of sh running
	# /bin/true twice, then exec'ing it: each child is known by its execve, and the summary
	# says that %process shows the forks
	run 0 run --no-aslr --maps "$data/sh-z.maps" "$data/filt-exec.strace"
	has err "filt-exec.strace:17: execve: pid 12018 execs before a fork line makes it (strace -z prints a fork when it returns; -e trace= without %process prints none)"
	has err "^(the log has no clone, fork or vfork: if -e trace= left them out, trace %process too"
	hasnt err "not run"
	has err " 66 lines, 57 calls run, 4 skipped, 0 mismatches in "
	;;
thread-exec)
	# a second thread execs /bin/true while the first waits in pause() (thread-exec.c).
	# Under -e trace= strace ends the execve entry with " <pid changed to N ...>", then
	# "+++ superseded by execve in pid M +++" and the resumption under the first pid: in
	# mmlab record's recording (-rec) and in strace -f -y -e trace=%memory,%process -o (-pc).
	# Both replay to the kernel's final maps, which record took. /bin/true and its libraries
	# come from this machine: they must be the recorded ones
	recorded "$data/thread-exec.final.maps"
	for log in thread-exec-rec thread-exec-pc; do
		run 0 run --no-aslr --maps "$data/thread-exec.maps" --final-maps "$tmp/final.maps" \
			"$data/$log.strace"
		hasnt err "malformed"
		has err "$log.strace: [0-9]* lines, 34 calls run, 2 skipped, 0 mismatches in "
		diff -u "$data/thread-exec.final.maps" "$tmp/final.maps" || fail "$log: final maps"
	done
	;;
thread-exec-z)
	# strace -f -z of the same program (the reviewer's log): the thread's execve entry never
	# printed, "<... execve resumed>) = 0" alone under the first pid is the whole call. Its
	# program is not in the log, so the process's later calls are not run (not run on the
	# old program, where they mismatched)
	run 0 run --no-aslr --maps "$data/thread-exec-fz.maps" "$data/thread-exec-fz.strace"
	hasnt err "malformed"
	has err "thread-exec-fz.strace:46: execve: strace -z printed no entry, so the log does not"
	has err "thread-exec-fz.strace: 74 lines, 30 calls run, 22 skipped, 0 mismatches, 19 not run"
	has err "^pid 22059: 19 calls after its execve (line 46) not run"
	;;
memfd-long)
	# strace -y (default -s 32) cuts a memfd name of 46 characters in memfd_create's argument
	# but prints the fd's path in full: the memfd is made under that name, so the later lines
	# naming the fd by it find it, not a second memfd the log "does not show", to the
	# kernel's final maps. The log maps this machine's libc: it must be the recorded one
	recorded "$data/memfd-long.final.maps"
	memfd_maps memfd-long
	hasnt err "does not show"
	has err "memfd-long.strace: 38 lines, 25 calls run, 12 skipped, 0 mismatches in "
	;;
memfd-dup)
	# -e trace= without memfd_create: a memfd is known by its fds' "/memfd:NAME" alone. The
	# dup line makes fd 4 the memfd of fd 3, whose ftruncate made it here; fd 5, of the same
	# name, is another. The final maps as the kernel's, each memfd's inode by order of first
	# appearance
	memfd_maps memfd-dup
	hasnt err "not open"
	has err "memfd-dup.strace: 36 lines, 21 calls run, 4 skipped, 0 mismatches in "
	# the fork's child maps fd 3 it inherited (at 0x7ffff7fbb000): the memfd of fds 3 and 4
	run 0 run --no-aslr --trace-maps --maps "$data/memfd-dup.maps" "$data/memfd-dup.strace"
	awk '$1 == "+" && $7 ~ /^\/memfd:/ { split($2, a, "-"); ino[a[1]] = $6 }
		END { exit !(ino["7ffff7fbb000"] == ino["7ffff7fbe000"] &&
			     ino["7ffff7fbd000"] != ino["7ffff7fbe000"]) }' "$tmp/out" ||
		fail "the child's mapping is not of the memfd of fds 3 and 4"
	;;
fork-untraced)
	run 1 run --no-aslr "$data/fork-untraced.strace"
	has err "^pid 25935 taken as a thread of 25934$"
	has err "^(the log has no clone, fork or vfork: if -e trace= left them out, trace %process"
	run 0 run "$data/threads.strace"
	has err "^(the log has no clone, fork or vfork"
	;;
exec)
	# over --maps the child loads /bin/true, which is on this machine (the break depends on
	# this machine's /bin/true: the line goes)
	grep -v brk "$data/exec.strace" >"$tmp/exec.strace"
	run 0 run --no-aslr --maps "$maps" "$tmp/exec.strace"
	hasnt err "not run"
	has err " 9 lines, 6 calls run, 1 skipped, 0 mismatches in "
	# a program that is not: its later calls are not run, and summarised once
	sed 's|"/bin/true"|"/nonexistent-machine/bin/true"|' "$data/exec.strace" >"$tmp/away.strace"
	run 0 run --maps "$maps" "$tmp/away.strace"
	[ "$(grep -v '^rss: ' "$tmp/err" | grep -c 'pid 21')" = 2 ] ||
		fail "not one message at the execve and one in the summary"
	has err "^pid 21: 3 calls after its execve (line 4) not run"
	hasnt err "not run: pid 21"
	# without --maps the child loads /bin/true (the replay_*_from_exec tests compare results)
	run 0 run --no-aslr "$tmp/exec.strace"
	hasnt err "not run"
	has err " 9 lines, 6 calls run, 1 skipped, 0 mismatches in "
	# a program mmlab cannot load: a mismatch, and the child stops there
	run 1 run "$data/exec-missing.strace"
	has err "exec-missing.strace:5: execve: mmlab could not load /nonexistent/true: No such file"
	has err "^pid 21: 1 call after its execve (line 5) not run"
	;;
env)
	# --env FILE: the variables of an execve line without them; else placeholders
	run 0 run --no-aslr --env "$data/exec-env.env" "$data/exec-env.strace"
	run 1 run --no-aslr "$data/exec-env.strace"
	has err 'exec-env.strace:4: expected "B=2\\0", got "_1=\\0"'
	usage run --env /nonexistent "$data/exec-env.strace"
	has err "cannot read the environment file '/nonexistent'"
	;;
malformed)
	# a malformed line is reported where it is; the others still run; exit status 2
	run 2 run --no-aslr "$data/malformed.strace"
	has err "malformed.strace:2:25: "
	has err " 4 lines, 3 calls run, 0 skipped, 0 mismatches, 1 malformed line in "
	;;
ff)
	# strace -ff: the pid is the file name's; without timestamps the files run in pid order,
	# whatever the order on the command line
	run 0 run -R "$data/ff.101" "$data/ff.100"
	has err "^2 files: 10 lines, 6 calls run, 2 skipped, 0 mismatches"
	hasnt err "taken as a thread"
	;;
ff-timed)
	# strace -ff -tt of two threads: the lines of both files are merged by time, so the
	# thread's munmap comes between its parent's mmap and mprotect
	run 0 run -R "$data/tt.101" "$data/tt.100"
	has err "^2 files: 8 lines, 6 calls run, 1 skipped, 0 mismatches"
	;;
live)
	# results come out while the input is still being written
	{ echo 'mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)'; sleep 4;
	  echo 'brk(NULL)'; } | "$mmlab" run -q -R - >"$tmp/out" 2>"$tmp/err" &
	sleep 2
	grep -q '^mmap(NULL, 4096.* = 0x' "$tmp/out" || fail "no result after 2 s"
	wait
	has out "^brk(NULL) *= 0x"
	;;
record-missing)
	run 127 record -o "$tmp/d" -- no-such-command-mmlab-test
	has err "no-such-command-mmlab-test: command not found"
	gone "$tmp/d"
	run 127 record -o "$tmp/d" /nonexistent/bin/prog
	has err "/nonexistent/bin/prog: No such file or directory"
	gone "$tmp/d"
	run 126 record -o "$tmp/d" -- "$tmp"
	gone "$tmp/d"
	;;
maps)
	# a --maps file with a UTF-8 BOM and blank lines is accepted; a bad line is reported
	# with its number
	printf '\357\273\277' >"$tmp/bom.maps"
	head -3 "$maps" >>"$tmp/bom.maps"
	printf '\n\r\n' >>"$tmp/bom.maps"
	tail -n +4 "$maps" >>"$tmp/bom.maps"
	echo 'brk(NULL)' >"$tmp/brk.strace"
	run 0 run -q -R -m "$maps" "$tmp/brk.strace"
	cp "$tmp/out" "$tmp/want"
	run 0 run -q -R -m "$tmp/bom.maps" "$tmp/brk.strace"
	cmp -s "$tmp/out" "$tmp/want" || fail "the BOM or blank lines changed the layout"
	{ head -3 "$maps"; echo "garbage"; tail -n +4 "$maps"; } >"$tmp/bad.maps"
	run 2 run -q -R -m "$tmp/bad.maps" "$tmp/brk.strace"
	has err "bad.maps:4: not a /proc/PID/maps line: 'garbage'"
	: >"$tmp/empty.maps"
	run 2 run -q -R -m "$tmp/empty.maps" "$tmp/brk.strace"
	has err "no /proc/PID/maps line"
	;;
progress)
	# on a terminal, the progress line counts the lines read (parsed) and run, with the
	# percentage of a regular file
	command -v script >/dev/null || { echo "SKIP: no script(1)"; exit 77; }
	sh "$here/genlog.sh" 60000 >"$tmp/long.strace"
	script -qec "'$mmlab' run -R '$tmp/long.strace'" /dev/null >"$tmp/err" 2>&1 ||
		fail "the run failed"
	has err "long.strace: [0-9]* lines read and run, [0-9]* lines/s, [0-9]*%, ETA "
	has err "long.strace: 60000 lines, "
	;;
hold)
	# a child printing before its parent's clone returns: its lines wait for the clone, up
	# to a bound
	for n in 1000 17000; do
		{ echo 'mmap(0x10000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x10000000'
		  echo 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>'
		  echo '[pid     2] munmap(0x10000000, 4096) = 0'
		  awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) print "[pid     2] getpid() = 2" }'
		  echo '[pid     1] <... clone resumed>, child_tidptr=0x7ffff7dd0a10) = 2'
		  echo '[pid     1] mprotect(0x10000000, 4096, PROT_READ) = 0'
		} >"$tmp/hold.strace"
		if [ $n = 1000 ]; then
			# the child is a copy: its munmap leaves the parent's page
			run 0 run "$tmp/hold.strace"
			hasnt err "taken as a thread"
		else
			run 2 run "$tmp/hold.strace"
			has err "hold.strace:3: pid 2: more than 16384 lines wait for the clone that makes it; taken as a thread of the first task"
			has err "hold.strace:[0-9]*: expected 0, got -1 ENOMEM"
		fi
	done
	;;
signal)
	# SIGINT and SIGTERM stop a long run cleanly: summary and --final-maps written, 128+N
	sh "$here/genlog.sh" 1000000 >"$tmp/long.strace"
	for sig in INT TERM; do
		"$mmlab" run -R -o "$tmp/final.maps" "$tmp/long.strace" >"$tmp/out" 2>"$tmp/err" &
		pid=$!
		sleep 1.5
		kill -s $sig $pid
		wait $pid
		got=$?
		want=130 note=interrupted
		[ $sig = TERM ] && want=143 note=terminated
		[ "$got" = $want ] || fail "SIG$sig: exit status $got, expected $want"
		has err "lines, .* calls run, .* mismatches in .* ($note) in \| ($note) in "
		has err "($note)"
		grep -q ' 1000000 lines' "$tmp/err" && fail "SIG$sig came after the end"
		grep -q '^10000000-' "$tmp/final.maps" || [ -s "$tmp/final.maps" ] ||
			fail "SIG$sig: no final maps"
		rm -f "$tmp/final.maps"
	done
	;;
memory)
	# Streaming: peak RSS does not grow with the log. 2*10^5 lines took ~190 MB when the
	# whole log was loaded and parsed first; now each line's record is freed once it ran.
	[ -x /usr/bin/time ] || { echo "SKIP: no /usr/bin/time"; exit 77; }
	sh "$here/genlog.sh" 200000 >"$tmp/long.strace"
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=4:detect_leaks=0 /usr/bin/time -f '%M' \
		-o "$tmp/rss" "$mmlab" run -q -R "$tmp/long.strace" >"$tmp/out" 2>"$tmp/err" ||
		fail "the run failed"
	rss=$(tail -1 "$tmp/rss")
	echo "peak RSS: $rss KiB for 200000 lines"
	[ "$rss" -lt 65536 ] || fail "peak RSS $rss KiB is not under 64 MiB"
	;;
views)
	# pmap(), pmap_x(), free(), walk() and pagemap(..., decoded) of a known layout; their
	# formats are checked against procps by tests/diff/diffviews.c.
	cat >"$tmp/v.strace" <<'EOF2'
mmap(0x10000000, 32768, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x10000000
touch(0x10001000, 8192, "w")
pmap()
pmap_x()
free()
walk(0x10001000)
walk(0x10004000)
pagemap(0x10000000, 12288, decoded)
EOF2
	run 0 run "$tmp/v.strace"
	has out '^0000000010000000     32K rw---   \[ anon \]$'
	has out '^ total  *[0-9][0-9]*K$'
	# pmap -X: the mapping's Size 32 and Rss 8 (two written pages).
	has out '^ *10000000 rw-p 00000000  *00:00  *0  *32  *8  *8 '
	has out '^               total        used        free      shared  buff/cache   available$'
	has out '^Mem: '
	has out '^  PTE\[1\]  *0x8[0-9a-f]* present,rw,user,accessed,dirty'
	has out 'page pfn 0x[0-9a-f]* refcount [12] mapcount 1 flags .*anon'
	has out '^  PTE\[4\]  *0x0000000000000000 not present$'
	has out '^0x10000000 none$'
	has out '^0x10001000 present pfn 0x[0-9a-f]* exclusive$'
	printf 'pagemap(0x10000000, 4096, raw)\nwalk(0x10000000, 1)\nwalk(0xffffffffff600000)\n' \
		>"$tmp/bad.strace"
	run 2 run "$tmp/bad.strace"
	has err "bad.strace:1:1: pagemap()'s third argument can only be decoded"
	has err "bad.strace:2:1: walk() takes 1 argument, not 2"
	has err "bad.strace:3:6: walk: not a user address"
	;;
json)
	# --json with --trace-maps and --stats: every line checked against the schema, then the
	# figures of a known sequence.
	cat >"$tmp/j.strace" <<'EOF2'
mmap(0x10000000, 32768, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x10000000
touch(0x10001000, 8192, "w")
mprotect(0x10000000, 4096, PROT_READ) = 0
munmap(0x10006000, 8192) = -1 EINVAL (Invalid argument)
maps()
exit_group(0)                           = ?
+++ exited with 0 +++
EOF2
	run 1 run --json --trace-maps --stats "$tmp/j.strace"
	python3 "$here/json_check.py" "$here/run-json.schema.json" <"$tmp/out" >"$tmp/kinds" ||
		fail "$(cat "$tmp/kinds")"
	grep -q "line=6 event=1 summary=1" "$tmp/kinds" || fail "kinds: $(cat "$tmp/kinds")"
	python3 - "$tmp/out" <<'EOF2' || fail "json content"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["line"]: r for r in rows if "line" in r}
assert by[1]["call"] == "mmap" and by[1]["result"] == "0x10000000", by[1]
assert by[1]["args"].startswith("0x10000000, 32768, PROT_READ|PROT_WRITE"), by[1]["args"]
assert by[1]["maps_added"] == ["10000000-10008000 rw-p 00000000 00:00 0 "], by[1]
assert by[2]["stats"]["rss_anon_kb"] == 8 and by[2]["stats"]["minflt"] == 2, by[2]
assert "maps_added" not in by[2], by[2]
assert by[3]["maps_removed"] == ["10000000-10008000 rw-p 00000000 00:00 0 "], by[3]
assert sorted(by[3]["maps_added"]) == ["10000000-10001000 r--p 00000000 00:00 0 ",
                                       "10001000-10008000 rw-p 00000000 00:00 0 "], by[3]
assert by[3]["expected"] == "0" and by[3]["mismatch"] is False, by[3]
assert by[4]["result"] == "0" and by[4]["expected"].startswith("-1 EINVAL"), by[4]
assert by[4]["mismatch"] is True, by[4]
assert "10001000-10006000 rw-p" in by[5]["output"], by[5]
assert by[7]["event"] == "exited", by[7]
s = rows[-1]
assert s["summary"] and s["mismatched"] == 1 and s["calls_run"] == 5, s
assert s["skipped"] == 1 and s["lines"] == 7, s
assert s["end"] == "complete", s
EOF2
	# The same options without --json: text under each line.
	run 1 run --trace-maps --stats "$tmp/j.strace"
	has out '^+ 10000000-10008000 rw-p 00000000 00:00 0 $'
	has out '^- 10000000-10008000 rw-p 00000000 00:00 0 $'
	has out '^stats: rss 8 kB (anon 8, file 0, shmem 0), [0-9]* VMAs, 2 minor and 0 major faults$'
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
