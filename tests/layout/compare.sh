#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The deterministic layout against the host's: the same three mmap calls with randomization off
# (setarch -R) under several RLIMIT_STACK values, default (top-down below the stack gap) and
# unlimited (the legacy base). Compared: the returned addresses and every maps line above
# 4 GiB (mmap area, [vvar], [vdso], [stack], [vsyscall]); the probe binary itself lives at
# 0x400000 and is not part of a fresh mmlab task.
#   compare.sh PROBE MMLAB_PROBE
set -u
probe=$1 lab=$2 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
high() { awk '/^mmap / { print; next } { split($1, r, "-"); if (length(r[1]) > 8) print }'; }
for limit in 8192 65536 unlimited; do
	if [ "$limit" = unlimited ]; then bytes=unlimited; else bytes=$((limit * 1024)); fi
	(ulimit -s "$limit" && setarch -R "$probe") | high >"$tmp/host" || { echo "probe failed"; exit 1; }
	"$lab" "$bytes" | high >"$tmp/lab" || { echo "mmlab probe failed"; exit 1; }
	# The probe prints %p; mmlab %#llx: both are 0x-prefixed lowercase hex.
	if diff -u "$tmp/host" "$tmp/lab"; then
		echo "RLIMIT_STACK $limit: same ($(wc -l <"$tmp/host") lines)"
	else
		echo "RLIMIT_STACK $limit: DIFFERENT"
		fail=1
	fi
done
exit $fail
