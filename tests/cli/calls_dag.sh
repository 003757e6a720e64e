#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command's source files call each other without cycles: from the objects given, an edge
# A -> B for each function A uses that B defines; tsort(1) refuses a graph with a loop.
#   calls_dag.sh OBJECT...
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for o in "$@"; do
	n=$(basename "$o" .o)
	nm --defined-only -g "$o" | awk -v n="$n" 'NF == 3 && $2 ~ /[TDBR]/ { print $3, n }'
done | sort >"$tmp/defs"
for o in "$@"; do
	n=$(basename "$o" .o)
	nm -u "$o" | awk -v n="$n" '{ print $NF, n }'
done | sort >"$tmp/uses"
join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$tmp/edges"
echo "$(wc -l <"$tmp/edges") edges between $# files"
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loop"; then
	echo "FAIL: the files call each other in a circle:"
	cat "$tmp/loop"
	exit 1
fi
