#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs benchmark programs as `make bench` does, each appending its rows to OUT (the
# results.jsonl format of bench/benchutil.h).
# usage: bench-run.sh BENCH_DIR OUT LMT_BENCH [PROGRAM...]
#   BENCH_DIR        the build's bench/ directory (build/release/bench)
#   LMT_BENCH        lmt_bench, bench_maple's Linux baseline ("" for none)
#   PROGRAM...       bench_* names to run (default: every bench_* in BENCH_DIR, in name order)
# $MMLAB_BENCH_VARIANT, when set, tags the rows (see benchutil.h).
set -e
dir=$1 out=$2 lmt=$3
shift 3
[ $# -gt 0 ] || set -- $(cd "$dir" && ls bench_* 2>/dev/null)
for b in "$@"; do
	[ -x "$dir/$b" ] || continue
	MMLAB_LINUX_MAPLE_BIN=$lmt MMLAB_BENCH_OUT=$out "$dir/$b"
done
