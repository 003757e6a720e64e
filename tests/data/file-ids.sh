#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Adds the recording machine's file identities to a log made without them (the host strace's
# logs, and recordings `mmlab record` made before it wrote them):
#   file-ids.sh LOG [MAPS...] > NEW-LOG
# One "# file: PATH dev MAJ:MIN ino N size S mode M" line (what `mmlab record` writes; `mmlab
# run` reads it in tools/mmlab/run_files.c) for each regular file or directory the log names
# as an fd ("3</path>", arguments and results), after the log's "# machine:" line if it has
# one; files under /proc, /sys and /dev get none (mmlab keeps those by kind). Run it on the
# machine the log was made on: the identities are that machine's, a file a maps snapshot (MAPS)
# shows must still have the device and inode the snapshot gives (or the script stops with an
# error naming it), and a file gone since gets no line (it is named and left to the host).
set -eu
log=$1; shift
if grep -q "^# file:" "$log"; then
	echo "file-ids.sh: $log has file lines already" >&2
	exit 1
fi
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
# every "N</path>" decoration, in order of first appearance (strace escapes '<' and '>' in
# paths, so a path never holds them)
grep -o '[0-9]</[^<>]*>' "$log" | sed 's/^[0-9]<//; s/>$//' | awk '!seen[$0]++' |
while IFS= read -r path; do
	# kernel files are the same kind on every machine; mmlab keeps them by kind
	case $path in *' (deleted)' | /proc/* | /sys/* | /dev/*) continue ;; esac
	st=$(stat -L -c '%F|%Hd:%Ld|%i|%s|%f' "$path" 2>/dev/null) || {
		# gone since (the recording session's own output files): no line, the host decides
		echo "file-ids.sh: $path (named by $log) is not on this machine: no line" >&2
		continue
	}
	IFS='|' read -r kind dev ino size rawmode <<EOF
$st
EOF
	case $kind in "regular file" | "regular empty file" | directory) ;; *) continue ;; esac
	for maps in "$@"; do
		awk -v p="$path" '$6 == p { print $4, $5 }' "$maps"
	done | sort -u | while read -r mdev mino; do
		want="$((0x${mdev%%:*})):$((0x${mdev##*:})) $mino"
		if [ "$want" != "$dev $ino" ]; then
			echo "file-ids.sh: $path is $dev $ino here, $want in the snapshot" >&2
			exit 1
		fi
	done
	printf '# file: %s dev %s ino %s size %s mode %o\n' "$path" "$dev" "$ino" "$size" \
		"$((0x$rawmode))"
done >"$tmp"
# the machine line stays first
if head -n 1 "$log" | grep -q '^# machine:'; then
	head -n 1 "$log"
	cat "$tmp"
	tail -n +2 "$log"
else
	cat "$tmp"
	cat "$log"
fi
