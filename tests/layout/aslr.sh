#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Address randomization: the first mmap address and the stack end, from the host (30 runs of
# the probe with ASLR on) and from mmlab (500 seeds). Both must lie within what x86_64 Linux's
# entropy allows: the stack top up to 2^22 pages (16 GiB) below STACK_TOP; mmap_base up to
# 2^28 pages (1 TiB) below TASK_SIZE minus the stack gap, which with randomization includes a
# pad of the stack's whole random range. mmlab's 500 samples must spread over most of both.
#   aslr.sh PROBE ASLR_PROBE
set -u
probe=$1 lab=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 30); do
	"$probe" | awk '/^mmap 4096/ { a = $4 } /\[stack\]/ { split($1, r, "-"); s = "0x" r[2] }
			 END { print a, s }'
done >"$tmp/host"
"$lab" 500 >"$tmp/lab" || { echo "mmlab probe failed"; exit 1; }
python3 - "$tmp/host" "$tmp/lab" <<'PY'
import sys
STACK_TOP, STACK_SPAN = 0x7ffffffff000, 1 << (22 + 12)
MMAP_SPAN = 1 << (28 + 12)
MMAP_TOP = 0x7ffff7fff000 - STACK_SPAN          # the random pad of the stack gap, at least
MMAP_LOW = MMAP_TOP - MMAP_SPAN - (1 << 30)     # slack: RLIMIT_STACK, guard gap, vdso pages
def load(p):
    return [tuple(int(x, 16) for x in l.split()) for l in open(p) if l.strip()]
ok = True
for name, rows in (("host", load(sys.argv[1])), ("mmlab", load(sys.argv[2]))):
    bad = [r for r in rows if not (MMAP_LOW <= r[0] <= MMAP_TOP and
                                   STACK_TOP - STACK_SPAN <= r[1] <= STACK_TOP)]
    print("%s: %d samples, %d outside the kernel's ranges" % (name, len(rows), len(bad)))
    ok &= not bad and len(rows) > 0
    if name == "mmlab":
        mm = [r[0] for r in rows]; st = [r[1] for r in rows]
        spread = ((max(mm) - min(mm)) / MMAP_SPAN, (max(st) - min(st)) / STACK_SPAN)
        print("mmlab spread: mmap %.2f, stack %.2f of the range" % spread)
        ok &= spread[0] > 0.9 and spread[1] > 0.9 and len(set(mm)) > 490
sys.exit(0 if ok else 1)
PY
