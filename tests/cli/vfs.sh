#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# mmlab's overlay through `mmlab run`: a scenario that creates, truncates, unlinks and renames
# files leaves the host's files byte-identical and creates nothing (checksums and listing
# before and after), with and without --root; and --root cannot be escaped by "..", absolute
# or relative symlinks. Every line's "= RESULT" must hold (exit status 0).
#   vfs.sh MMLAB nowrite|root
set -u
mmlab=$1 case=$2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
tmp=$work/tree	# what mmlab sees; the script's own files are in $work
mkdir -p "$tmp/root/d" "$tmp/out"
echo secret >"$tmp/out/secret"
i=0
while [ $i -lt 300 ]; do echo "line $i of f"; i=$((i + 1)); done >"$tmp/root/d/f"
echo keep >"$tmp/root/d/keep"
echo other >"$tmp/root/d/other"
ln -s ../../out/secret "$tmp/root/d/rel_escape"
ln -s /../out/secret "$tmp/root/abs_escape"
ln -s /d/f "$tmp/root/abs_inside"
ln -s loop_b "$tmp/root/loop_a"
ln -s loop_a "$tmp/root/loop_b"

# Everything under the tree: names, types, sizes, contents.
state() {
	(cd "$tmp" && find . -printf '%p %y %s %m %i %n %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 md5sum)
}

# The calls, with @P@ the directory they name.
calls() {
	sed "s|@P@|$1|g" <<'SC'
openat(AT_FDCWD, "@P@/d/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3
openat(AT_FDCWD, "@P@/d/new", O_RDWR|O_CREAT|O_EXCL, 0600) = 4
openat(AT_FDCWD, "@P@/d/new", O_RDWR|O_CREAT|O_EXCL, 0600) = -1 EEXIST (File exists)
mmap(NULL, 4096, PROT_READ, MAP_SHARED, 4, 0) = 0x7ffff7ff6000
rename("@P@/d/new", "@P@/d/renamed") = 0
renameat2(AT_FDCWD, "@P@/d/keep", AT_FDCWD, "@P@/d/other", RENAME_NOREPLACE) = -1 EEXIST (File exists)
renameat(AT_FDCWD, "@P@/d/keep", AT_FDCWD, "@P@/d/other") = 0
unlink("@P@/d/renamed") = 0
unlinkat(AT_FDCWD, "@P@/d/f", 0) = 0
openat(AT_FDCWD, "@P@/d/f", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "@P@/d/keep", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "@P@/d/other", O_RDONLY) = 5
creat("@P@/d/other", 0644) = 6
creat("@P@/d/created", 0644) = 7
maps()
SC
}

run() {
	"$mmlab" run --no-aslr --quiet "$@" >"$work/run.out" 2>&1
	status=$?
	cat "$work/run.out"
	[ "$status" = 0 ] || { echo "FAIL: exit status $status"; exit 1; }
}

case $case in
nowrite)
	state >"$work/before" 2>&1
	calls "$tmp/root" >"$work/host.strace"
	run "$work/host.strace"
	grep -q "$tmp/root/d/renamed (deleted)\$" "$work/run.out" ||
		{ echo "FAIL: maps do not show the renamed, unlinked file"; exit 1; }
	calls "" >"$work/rooted.strace"
	run --root "$tmp/root" "$work/rooted.strace"
	grep -q " /d/renamed (deleted)\$" "$work/run.out" ||
		{ echo "FAIL: maps do not show the path inside the root"; exit 1; }
	state >"$work/after" 2>&1
	cmp "$work/before" "$work/after" ||
		{ diff "$work/before" "$work/after"; echo "FAIL: the host changed"; exit 1; }
	;;
root)
	cat >"$work/escape.strace" <<'SC'
openat(AT_FDCWD, "/../out/secret", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "/d/../../../out/secret", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "../out/secret", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "/d/rel_escape", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "/abs_escape", O_RDONLY) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "/abs_escape", O_RDWR|O_CREAT, 0644) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD, "/loop_a", O_RDONLY) = -1 ELOOP (Too many levels of symbolic links)
openat(AT_FDCWD, "/abs_inside", O_RDONLY) = 3
openat(AT_FDCWD, "/../../d/f", O_RDONLY) = 4
rename("/d/f", "/../out/secret") = -1 ENOENT (No such file or directory)
rename("/d/f", "/../d/g") = 0
unlink("/../../d/g") = 0
unlink("/../out/secret") = -1 ENOENT (No such file or directory)
SC
	run --root "$tmp/root" "$work/escape.strace"
	[ "$(cat "$tmp/out/secret")" = secret ] || { echo "FAIL: outside file changed"; exit 1; }
	[ -f "$tmp/root/d/f" ] || { echo "FAIL: host file renamed"; exit 1; }
	"$mmlab" run --quiet --root "$tmp/nonexistent" "$work/escape.strace" >/dev/null 2>&1 &&
		{ echo "FAIL: a missing --root was accepted"; exit 1; }
	;;
*)
	echo "vfs.sh: unknown case $case"
	exit 1
	;;
esac
echo PASS
