#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# mmlab sweep: a 12-run sweep (2 traces x 3 RAM sizes x 2 seeds) on GNU parallel, the merged
# sweep.jsonl checked (every combination once; each run's summary equal to the same run made
# directly; free pages growing with the RAM), the Slurm script checked with bash -n and its
# array size, sweep.html's data, and spec errors reported at their line and column.
# usage: sweep.sh MMLAB
set -u
mmlab=$1
command -v parallel >/dev/null || { echo "skip: no GNU parallel"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/out "$tmp"/err; do [ -f "$f" ] && cat "$f"; done; exit 1; }
mkdir "$tmp/traces" "$tmp/work"
cat >"$tmp/traces/a.strace" <<'EOF2'
mmap(NULL, 1048576, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
touch(0x10000000, 4096, "w")
EOF2
cat >"$tmp/traces/b.strace" <<'EOF2'
mmap(0x10000000, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x10000000
touch(0x10000000, 65536, "w")
munmap(0x10000000, 4096) = 0
EOF2
cat >"$tmp/traces/spec.yaml" <<'EOF2'
# two traces, three RAM sizes, two ASLR seeds
traces:
  - a.strace
  - b.strace
axes:
  ram: [64M, 128M, 256M]
  seed: [1, 2]
EOF2
cd "$tmp/work" || exit 1
"$mmlab" sweep --jobs 2 --html ../traces/spec.yaml >"$tmp/out" 2>"$tmp/err" || fail "sweep"
[ -f sweep.jsonl ] && [ -f sweep.d/joblog ] && [ -f sweep.html ] || fail "missing outputs"
[ "$(wc -l <sweep.jsonl)" = 12 ] || fail "$(wc -l <sweep.jsonl) lines in sweep.jsonl"
# the joblog of GNU parallel: a header and 12 jobs, all exit 0 (each run's status is its own)
[ "$(tail -n +2 sweep.d/joblog | awk '$7 == 0' | wc -l)" = 12 ] || fail "joblog"
for t in a b; do
	for ram in 64M 128M 256M; do
		for seed in 1 2; do
			"$mmlab" run --json --quiet --ram=$ram --seed=$seed "$tmp/traces/$t.strace" \
				2>/dev/null | tail -n 1 >"$tmp/direct-$t-$ram-$seed.json"
		done
	done
done
python3 - "$tmp" <<'EOF2' || fail "sweep.jsonl content"
import json, sys, itertools
tmp = sys.argv[1]
rows = [json.loads(l) for l in open("sweep.jsonl")]
combos = sorted((r["trace"].split("/")[-1], r["ram"], r["seed"]) for r in rows)
want = sorted(itertools.product(["a.strace", "b.strace"], ["64M", "128M", "256M"], ["1", "2"]))
assert combos == want, combos
for r in rows:
    t = r["trace"].split("/")[-1][0]
    d = json.load(open("%s/direct-%s-%s-%s.json" % (tmp, t, r["ram"], r["seed"])))
    for k in ("lines", "calls_run", "mismatched", "skipped", "counters"):
        if k == "counters":
            # the same run: same faults, free pages and page tables
            assert r[k] == d[k], (r, d)
        else:
            assert r[k] == d[k], (k, r, d)
    assert r["exit"] == (1 if r["mismatched"] else 0), r
for t in ("a", "b"):
    for seed in ("1", "2"):
        free = [next(r for r in rows if r["trace"].endswith(t + ".strace") and r["ram"] == ram
                     and r["seed"] == seed)["counters"]["free_pages"] for ram in ("64M", "128M", "256M")]
        assert free[0] < free[1] < free[2], free
html = open("sweep.html").read()
data = html.split('<script id="mmlab-data" type="application/json">')[1].split("</script>")[0]
assert len(json.loads(data)) == 12
EOF2
# sweep.html in the browser, when there is one: no script error, one line per group (the
# first axis offered is the trace: 3 RAM sizes x 2 seeds = 6 groups of 2 points).
browser=$(command -v chromium || true)
if [ -n "$browser" ]; then
	"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
		--user-data-dir="$tmp/profile" --dump-dom "file://$PWD/sweep.html" >"$tmp/dom" \
		2>/dev/null || fail "chromium"
	grep -q 'id="errors" data-count="0"' "$tmp/dom" || fail "sweep.html: script errors"
	[ "$(grep -o '<polyline class="group"' "$tmp/dom" | wc -l)" = 6 ] || fail "sweep.html groups"
fi
# Slurm: a job array of 12, valid bash; --merge alone rebuilds the same sweep.jsonl.
cp sweep.jsonl "$tmp/first.jsonl"
"$mmlab" sweep --slurm job.sh ../traces/spec.yaml >"$tmp/out" 2>"$tmp/err" || fail "slurm"
bash -n job.sh || fail "job.sh is not valid bash"
grep -q '^#SBATCH --array=0-11$' job.sh || fail "array size: $(grep array job.sh)"
"$mmlab" sweep --merge ../traces/spec.yaml >"$tmp/out" 2>"$tmp/err" || fail "merge"
python3 -c "
import json
a = [json.loads(l) for l in open('$tmp/first.jsonl')]
b = [json.loads(l) for l in open('sweep.jsonl')]
for x in a + b: x.pop('seconds')
assert a == b
" || fail "--merge differs"
# Errors: an unknown key, an option mmlab run lacks, a flag with a value, a missing trace.
printf 'traces: [a.strace]\nsizes: [1]\n' >../traces/bad1.yaml
printf 'traces: [a.strace]\naxes:\n  colour: [red]\n' >../traces/bad2.yaml
printf 'traces: [a.strace]\naxes:\n  no-zero-page: [maybe]\n' >../traces/bad3.yaml
printf 'traces: [a.strace, nothere.strace]\n' >../traces/bad4.yaml
"$mmlab" sweep ../traces/bad1.yaml 2>"$tmp/err"; [ $? = 2 ] || fail "bad1 status"
grep -q "bad1.yaml:2:1: unknown key (traces: and axes: are): sizes" "$tmp/err" || fail "bad1"
"$mmlab" sweep ../traces/bad2.yaml 2>"$tmp/err"; [ $? = 2 ] || fail "bad2 status"
grep -q "bad2.yaml:3:3: not an option a sweep can vary: colour" "$tmp/err" || fail "bad2"
"$mmlab" sweep ../traces/bad3.yaml 2>"$tmp/err"; [ $? = 2 ] || fail "bad3 status"
grep -q "bad3.yaml:3:17: a flag's values are true or false: maybe" "$tmp/err" || fail "bad3"
"$mmlab" sweep ../traces/bad4.yaml 2>"$tmp/err"; [ $? = 2 ] || fail "bad4 status"
grep -q "bad4.yaml:1:20: trace not found: nothere.strace" "$tmp/err" || fail "bad4"
echo "sweep ok"
