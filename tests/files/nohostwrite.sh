#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# No host file changes unless --write-files says so, and --root cannot be left:
#   nohostwrite.sh MMLAB SRCDIR PART
# PART "nowrite": nowrite.strace (files created, written through mappings, synced, truncated,
#   hard-linked, a directory renamed with its tree,
#   renamed, unlinked) under --root TREE: every result as written, and TREE's listing (names,
#   types, modes, sizes, mtimes, link targets) and every file's sha256 the same afterwards.
# PART "write": write.strace under --root TREE --write-files: /sub/b.bin now starts with
#   "HELLO" and is otherwise unchanged, and nothing else in TREE changed.
# PART "root": root.strace under --root TREE, whose /etc/passwd is a decoy and whose symlinks
#   point up and out: every path reaches the decoy; and TREE is unchanged.
# PART "scenarios": every scenario of SRCDIR/tests/scenario and every recording of
#   tests/data/recordings, run from an empty working directory (scenarios from true's maps,
#   recordings from their own): every regular file they name by absolute path or hold in a
#   snapshot has the same sha256 afterwards, and the working directory stays empty. (Their
#   results are the scenario and replay tests' business, not checked here.)
set -u
mmlab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") src=$(cd "$2" && pwd) part=$3
here=$src/tests/files
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# The state of a tree: listing with metadata, then every regular file's sha256.
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}

make_tree() {
	mkdir -p "$1/sub" "$1/etc"
	printf 'alpha\n' >"$1/a.txt"
	head -c 8192 /dev/zero | tr '\0' B >"$1/sub/b.bin"
	printf 'gamma\n' >"$1/c.txt"
	printf 'DECOY\n' >"$1/etc/passwd"
	ln -s ../../../../../etc "$1/up"
	ln -s /etc "$1/abs"
	# mtimes in the past, so that a write now would show
	find "$1" -exec touch -h -d '2020-01-01 00:00:00' {} +
}

# run UNSAVED SCENARIO OPTIONS...: mmlab run from an empty directory; 0 when every result
# matched and it printed nothing but, when UNSAVED is 1, the end-of-run line saying what stayed
# in memory only ("N dirty pages of M files stayed in memory; --write-files writes them"),
# which it must then print.
run() {
	unsaved=$1 s=$2
	shift 2
	mkdir -p "$tmp/cwd"
	(cd "$tmp/cwd" && "$mmlab" run --quiet --no-pku --no-aslr "$@" "$s") >"$tmp/out" 2>&1
	st=$?
	grep -v 'stayed in memory; --write-files writes them' "$tmp/out" >"$tmp/other"
	if [ $st != 0 ] || [ -s "$tmp/other" ]; then
		echo "FAIL: mmlab run $* $(basename "$s"): exit $st"
		cat "$tmp/out"
		return 1
	fi
	if [ "$unsaved" = 1 ] && ! grep -q 'stayed in memory' "$tmp/out"; then
		echo "FAIL: mmlab run $* $(basename "$s"): no report of what stayed in memory"
		return 1
	fi
	if [ "$unsaved" = 0 ] && grep -q 'stayed in memory' "$tmp/out"; then
		echo "FAIL: mmlab run $* $(basename "$s"): $(cat "$tmp/out")"
		return 1
	fi
}

case $part in
nowrite | root)
	make_tree "$tmp/tree"
	snapshot "$tmp/tree" >"$tmp/before"
	unsaved=0
	[ "$part" = nowrite ] && unsaved=1 # /c.txt, truncated, is in memory only
	run $unsaved "$here/$part.strace" --root "$tmp/tree" || fail=1
	snapshot "$tmp/tree" >"$tmp/after"
	if ! diff -u "$tmp/before" "$tmp/after"; then
		echo "FAIL: $part.strace changed the host's tree (above)"
		fail=1
	fi
	;;
write)
	make_tree "$tmp/tree"
	cp -a "$tmp/tree" "$tmp/want"
	printf HELLO | dd of="$tmp/want/sub/b.bin" conv=notrunc status=none
	touch -d '2020-01-01 00:00:00' "$tmp/want/sub/b.bin"
	run 0 "$here/write.strace" --root "$tmp/tree" --write-files || fail=1
	# b.bin's mtime is the write's: compare it apart
	if [ "$(stat -c %Y "$tmp/tree/sub/b.bin")" -le "$(stat -c %Y "$tmp/want/sub/b.bin")" ]; then
		echo "FAIL: /sub/b.bin's mtime did not change"
		fail=1
	fi
	touch -d '2020-01-01 00:00:00' "$tmp/tree/sub/b.bin"
	snapshot "$tmp/want" >"$tmp/expected"
	snapshot "$tmp/tree" >"$tmp/after"
	if ! diff -u "$tmp/expected" "$tmp/after"; then
		echo "FAIL: with --write-files the tree is not as expected (above)"
		fail=1
	fi
	;;
scenarios)
	maps=$src/tests/data/recordings/true/initial.maps
	# absolute paths the scenarios and recordings name (strings, fds "3</path>", the
	# snapshots' path column), that are regular files here
	{
		cat "$src"/tests/scenario/*.strace "$src"/tests/scenario/known/*.strace \
			"$src"/tests/data/recordings/*/trace.strace 2>/dev/null |
			grep -o -e '"/[^"]*"' -e '<\/[^>]*>' | tr -d '"<>'
		cat "$src"/tests/data/recordings/*/initial.maps |
			awk 'NF >= 6 && $6 ~ /^\// { print $6 }'
	} | LC_ALL=C sort -u | while read -r f; do
		[ -f "$f" ] && [ ! -L "$f" ] && printf '%s\n' "$f"
	done >"$tmp/files"
	xargs -r -d '\n' sha256sum <"$tmp/files" >"$tmp/before"
	n=0
	for s in "$src"/tests/scenario/*.strace "$src"/tests/data/recordings/*/trace.strace; do
		m=$maps
		[ -f "$(dirname "$s")/initial.maps" ] && m=$(dirname "$s")/initial.maps
		mkdir -p "$tmp/cwd"
		(cd "$tmp/cwd" && "$mmlab" run --quiet --no-pku --no-aslr --maps "$m" "$s") \
			>/dev/null 2>&1
		n=$((n + 1))
		if [ -n "$(ls -A "$tmp/cwd")" ]; then
			echo "FAIL: $s created files in the working directory:"
			ls -A "$tmp/cwd"
			fail=1
			rm -rf "$tmp/cwd"
		fi
	done
	xargs -r -d '\n' sha256sum <"$tmp/files" >"$tmp/after"
	if ! diff -u "$tmp/before" "$tmp/after"; then
		echo "FAIL: host files changed (above)"
		fail=1
	fi
	echo "nohostwrite: $n scenarios and recordings run, $(wc -l <"$tmp/files") host files checked"
	;;
*)
	echo "usage: nohostwrite.sh MMLAB SRCDIR nowrite|write|root|scenarios" >&2
	exit 2
	;;
esac
exit $fail
