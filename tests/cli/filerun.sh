#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The end of a run and the passing of time, through `mmlab run`:
#   unsaved: what stays in mmlab's memory only is said in one line on stderr, also with
#            --quiet ("N dirty pages of M files stayed in memory; --write-files writes them",
#            singular for one), nothing when the files are the host's, and the host's files
#            are unchanged; with --write-files what writeback never carries (files created
#            in the run, new sizes) is said with "--write-files writes contents only, never
#            a new file or size", and nothing else.
#   clock:   time passes for the flusher: a shared mapping's dirty pages leave meminfo's
#            Dirty: 30 s after they were dirtied, not before, whether sleep(SECONDS) or the
#            lines' -ttt or -r timestamps say so; a log without timestamps lets none pass;
#            the flusher's writeback leaves the mapping's page clean (smaps) and the next
#            write faults again and dirties it.
#   filerun.sh MMLAB unsaved|clock
set -u
mmlab=$1 case=$2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir -p "$tree"
printf 'alpha\n' >"$tree/a.txt"
printf 'gamma\n' >"$tree/c.txt"
i=0
while [ $i -lt 3000 ]; do echo "line $i of big"; i=$((i + 1)); done >"$tree/big"

fail() {
	echo "FAIL: $*"
	cat "$work/err"
	exit 1
}

# run SCENARIO OPTIONS...: stderr in $work/err; every result must hold.
run() {
	s=$1
	shift
	"$mmlab" run --no-aslr "$@" "$s" >"$work/out" 2>"$work/err" || fail "exit status $?"
}

expect_line() { # expect_line TEXT: the last line of stderr is TEXT
	[ "$(tail -n 1 "$work/err")" = "$1" ] || fail "expected the line '$1'"
}

no_line() {
	! grep -q 'stayed in memory' "$work/err" || fail "reported unsaved files"
}

case $case in
unsaved)
	sums=$(cd "$tree" && md5sum a.txt c.txt big)
	cat >"$work/clean.strace" <<'SC'
openat(AT_FDCWD, "/c.txt", O_RDONLY) = 3
mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7ffff7ff6000
close(3) = 0
SC
	run "$work/clean.strace" --root "$tree"
	no_line
	# O_TRUNC: the file's new size is in memory only (0 bytes: no page of contents); a file
	# truncated and unlinked is gone with its pages.
	cat >"$work/trunc.strace" <<'SC'
openat(AT_FDCWD, "/c.txt", O_WRONLY|O_TRUNC) = 3
close(3) = 0
openat(AT_FDCWD, "/a.txt", O_WRONLY|O_TRUNC) = 3
close(3) = 0
unlink("/a.txt") = 0
SC
	run "$work/trunc.strace" --root "$tree"
	expect_line "0 dirty pages of 1 file stayed in memory; --write-files writes them"
	run "$work/trunc.strace" --root "$tree" --quiet
	[ "$(cat "$work/err")" = "0 dirty pages of 1 file stayed in memory; --write-files writes them" ] ||
		fail "--quiet: not the line alone"
	# --write-files: the new size never reaches the host, and the line says so.
	wf_line="stayed in memory; --write-files writes contents only, never a new file or size"
	run "$work/trunc.strace" --root "$tree" --write-files --quiet
	[ "$(cat "$work/err")" = "0 dirty pages of 1 file $wf_line" ] ||
		fail "--write-files, a truncated file: not the line"
	[ "$sums" = "$(cd "$tree" && md5sum a.txt c.txt big)" ] || fail "the host's files changed"
	# --write-files: a file created in the run, written, and a host file cut inside a page:
	# the new file's page and the page at the cut file's new end stay in memory.
	cat >"$work/create.strace" <<'SC'
openat(AT_FDCWD, "/new.txt", O_RDWR|O_CREAT|O_EXCL, 0644) = 3
ftruncate(3, 8192) = 0
mmap(0x10000000, 8192, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0) = 0x10000000
poke(0x10000000, "new") = 0
close(3) = 0
truncate("/big", 100) = 0
SC
	run "$work/create.strace" --root "$tree" --write-files --quiet
	[ "$(cat "$work/err")" = "2 dirty pages of 2 files $wf_line" ] ||
		fail "--write-files, a created and a truncated file: not the line"
	[ -e "$tree/new.txt" ] && fail "--write-files created a host file"
	[ "$sums" = "$(cd "$tree" && md5sum a.txt c.txt big)" ] || fail "the host's files changed"
	# Pages written through a shared mapping: counted (two pages of one file); with
	# --write-files the sync at the end takes them to the host file, and nothing is said.
	cat >"$work/write.strace" <<'SC'
openat(AT_FDCWD, "/big", O_RDWR) = 3
mmap(0x10000000, 16384, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0) = 0x10000000
poke(0x10000000, "dirty") = 0
poke(0x10003000, "dirty") = 0
SC
	run "$work/write.strace" --root "$tree" --quiet
	[ "$(cat "$work/err")" = "2 dirty pages of 1 file stayed in memory; --write-files writes them" ] ||
		fail "written pages: not the line"
	[ "$sums" = "$(cd "$tree" && md5sum a.txt c.txt big)" ] || fail "the host's files changed"
	run "$work/write.strace" --root "$tree" --quiet --write-files
	[ -s "$work/err" ] && fail "--write-files: something printed"
	[ "$(head -c 5 "$tree/big")" = dirty ] || fail "--write-files: the page is not on the host"
	[ "$(dd if="$tree/big" bs=1 skip=12288 count=5 status=none)" = dirty ] ||
		fail "--write-files: the last page is not on the host"
	;;
clock)
	# dirty(): the Dirty: lines of the run's meminfo() calls, in kB, on one line
	dirty() { grep '^Dirty:' "$work/out" | awk '{ printf "%s ", $2 }'; }
	cat >"$work/sleep.strace" <<'SC'
openat(AT_FDCWD, "/big", O_RDWR) = 3
mmap(0x10000000, 16384, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0) = 0x10000000
poke(0x10000000, "dirty") = 0
poke(0x10002000, "dirty") = 0
meminfo()
sleep(29.99)
meminfo()
sleep(0.01)
meminfo()
SC
	run "$work/sleep.strace" --root "$tree" --quiet
	[ "$(dirty)" = "8 8 0 " ] || fail "sleep: Dirty: $(dirty), expected 8 8 0"
	# The same times as -ttt and -r timestamps; without them no time passes.
	sed -e 's/^/1700000000.000000 /' -e '/sleep(/d' \
		-e '7s/^1700000000.000000/1700000029.990000/' \
		-e '9s/^1700000000.000000/1700000030.000000/' "$work/sleep.strace" >"$work/ttt.strace"
	run "$work/ttt.strace" --root "$tree" --quiet
	[ "$(dirty)" = "8 8 0 " ] || fail "-ttt: Dirty: $(dirty), expected 8 8 0"
	sed -e 's/^/     0.000000 /' -e '/sleep(/d' -e '7s/^     0.000000/    29.990000/' \
		-e '9s/^     0.000000/     0.010000/' "$work/sleep.strace" >"$work/r.strace"
	run "$work/r.strace" --root "$tree" --quiet
	[ "$(dirty)" = "8 8 0 " ] || fail "-r: Dirty: $(dirty), expected 8 8 0"
	sed '/sleep(/d' "$work/sleep.strace" >"$work/untimed.strace"
	run "$work/untimed.strace" --root "$tree" --quiet
	[ "$(dirty)" = "8 8 8 " ] || fail "untimed: Dirty: $(dirty), expected 8 8 8"
	# The flusher's writeback cleans the mapping too: its page shows clean in smaps, and the
	# next write faults again (write-notify) and makes it dirty.
	cat >"$work/clean.strace" <<'SC'
openat(AT_FDCWD, "/big", O_RDWR) = 3
mmap(0x10000000, 16384, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0) = 0x10000000
poke(0x10000000, "dirty") = 0
smaps()
vmstat()
sleep(30)
smaps()
vmstat()
poke(0x10000000, "again") = 0
smaps()
vmstat()
SC
	run "$work/clean.strace" --root "$tree" --quiet
	# the mapping is the first VMA: its Private_Clean/Private_Dirty, then pgfault
	figs=$(awk '/^10000000-/ { m = 1 } /^Private_(Clean|Dirty):/ && m { printf "%s ", $2; n++ }
		n == 2 { m = 0; n = 0 } /^pgfault / { printf "f%s ", $2 }' "$work/out")
	[ "$figs" = "0 4 f1 4 0 f1 0 4 f2 " ] ||
		fail "flusher and mapping: Private_Clean Private_Dirty pgfault $figs, expected 0 4 f1 4 0 f1 0 4 f2"
	;;
*)
	echo "filerun.sh: unknown case $case"
	exit 1
	;;
esac
echo PASS
