#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes whose data strace printed: the host's strace traces strace_writer (write, pwrite64,
# writev of data.txt) with -s 8, -xx -s 4096 and -s 4096; `mmlab run` of the log's data.txt
# lines must leave in the file the bytes strace printed - all of them when nothing was cut,
# the printed ones then zeros where strace cut the string ("..."), said once at the first
# such call (FILE:LINE) and counted in the summary.
#   strace_write.sh MMLAB STRACE_WRITER
set -u
mmlab=$1 writer=$2
command -v strace >/dev/null 2>&1 || { echo "no strace"; exit 77; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/host" "$work/root"
fail() {
	echo "FAIL: $*"
	cat "$work/err"
	exit 1
}

# case NAME LIMIT STRACE_FLAGS...: LIMIT is the -s of the flags
check() {
	name=$1 limit=$2
	shift 2
	# (LeakSanitizer, in a sanitized build, cannot run under ptrace)
	(cd "$work/host" && ASAN_OPTIONS=detect_leaks=0 strace "$@" -o "$work/$name.log" \
		"$writer") ||
		{ echo "strace $* failed: skipped"; exit 77; }
	pid=$(grep -m1 -o '^[0-9]*' "$work/$name.log")
	# the data.txt lines (the program's loading is the host's), then a read-back of the file
	grep -e 'data\.txt' -e '\\x64\\x61\\x74\\x61\\x2e\\x74\\x78\\x74' "$work/$name.log" \
		>"$work/$name.strace"
	len=$("$writer" expect "$limit" | wc -c)
	bytes=$("$writer" expect "$limit" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
	cat >>"$work/$name.strace" <<SC
$pid openat(AT_FDCWD, "data.txt", O_RDONLY) = 7
$pid mmap(0x10000000, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED, 7, 0) = 0x10000000
$pid peek(0x10000000, $len) = "$bytes"
SC
	"$mmlab" run --no-aslr --root "$work/root" "$work/$name.strace" >"$work/out" \
		2>"$work/err" || fail "$name: exit status $?"
	grep -q ' 0 mismatches' "$work/err" || fail "$name: mismatches"
}

check full 4096 -f -y -s 4096
! grep -q 'zeros' "$work/err" || fail "full: zeros reported"
check hex 4096 -f -y -xx -s 4096
! grep -q 'zeros' "$work/err" || fail "hex: zeros reported"
check cut 8 -f -y -s 8
[ "$(grep -c "data is known for" "$work/err")" = 1 ] || fail "cut: not said once"
grep -q "^$work/cut.strace:2: write's data is known for 8 of its 21 bytes" "$work/err" ||
	fail "cut: the first cut write not named"
grep -q '^3 writes wrote 397 bytes of zeros where strace cut the data' "$work/err" ||
	fail "cut: no count in the summary"
echo "ok"
