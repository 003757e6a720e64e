#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# same_files.sh RECDIR: exit 0 when every file the recording's maps name exists here with the
# device and inode the maps give, else print the first that does not and exit 77 (ctest's skip).
# A replay opens the host's files by path and shows their identity, so a recording replays
# exactly only on a machine with the recording machine's files; until mmlab keeps the
# identities a snapshot gives (issue 11's file layer), a replay that fails elsewhere is
# skipped, not failed (replay.sh, replay_strace.sh).
for maps in "$1"/initial.maps "$1"/final.maps; do
	[ -f "$maps" ] || continue
	awk '$6 ~ /^\// && $5 != 0 { print $4, $5, $6 }' "$maps"
done | sort -u | while read -r dev ino path; do
	maj=$((0x${dev%%:*})) min=$((0x${dev##*:}))
	here=$(stat -L -c '%Hd:%Ld %i' "$path" 2>/dev/null)
	if [ "$here" != "$maj:$min $ino" ]; then
		echo "skipped: $path is not the recording machine's file ($maj:$min $ino; here: ${here:-missing})"
		exit 77
	fi
done
