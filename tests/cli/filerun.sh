#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The end of a run and the passing of time, through `mmlab run`:
#   unsaved: what stays in mmlab's memory only is said in one line on stderr, also with
#            --quiet ("N dirty pages of M files stayed in memory; --write-files writes them",
#            singular for one), nothing when the files are the host's or with --write-files,
#            and the host's files are unchanged.
#   filerun.sh MMLAB unsaved
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
	run "$work/trunc.strace" --root "$tree" --write-files --quiet
	[ -s "$work/err" ] && fail "--write-files: something printed"
	[ "$sums" = "$(cd "$tree" && md5sum a.txt c.txt big)" ] || fail "the host's files changed"
	;;
*)
	echo "filerun.sh: unknown case $case"
	exit 1
	;;
esac
echo PASS
