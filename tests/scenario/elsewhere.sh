#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Moves a recording to a machine that has none of its files:
#   elsewhere.sh RECDIR OUTDIR
# OUTDIR gets RECDIR's maps snapshots and logs with every absolute path moved under
# /nonexistent-machine (fds "3</path>", strings "/path", "# file:" lines, the maps' path
# column), except kernel files (/proc, /sys, /dev), which are alike on every machine. Replaying
# OUTDIR shows that the recording needs nothing of the host it was made on: the maps show the
# identities the "# file:" lines and snapshots give, never the host's.
set -eu
rec=$1 out=$2
P=/nonexistent-machine
mkdir -p "$out"
for f in "$rec"/initial.maps "$rec"/final.maps; do
	sed -E "/^[0-9a-f]+-[0-9a-f]+ [^ ]+ [^ ]+ [^ ]+ [0-9]+ +\/(proc|sys|dev)\//!s#^([0-9a-f]+-[0-9a-f]+ [^ ]+ [^ ]+ [^ ]+ [0-9]+ +)/#\1$P/#" \
		"$f" >"$out/$(basename "$f")"
done
for f in "$rec"/trace.strace "$rec"/strace-*.log; do
	[ -f "$f" ] || continue
	sed -E "s#([<\"])/(proc|sys|dev)/#\1\x01\2/#g; s#([<\"])/#\1$P/#g; s#\x01#/#g; s#^\# file: /#\# file: $P/#" \
		"$f" >"$out/$(basename "$f")"
done
