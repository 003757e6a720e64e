#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The --html report in a real browser: Debian's chromium, headless, loads the page with no
# console output and no script error, and the rendered DOM is checked against the run:
#   - the address-space strip after line 3 (the page's #click=3 clicks that row) holds the
#     VMAs that maps() prints after the same three lines in a separate run;
#   - each plot has one point per line that has stats in --json's output;
#   - the maps diff shown after the click is line 3's maps_removed/maps_added;
#   - the walk shown for the VMA at 0x10001000 (#vma=10001000 clicks it) has the entries
#     walk(0x10001000) prints at the same point of a separate run.
# A screenshot of the page goes to the build directory (report.png).
# usage: report.sh MMLAB OUTDIR
set -u
mmlab=$1 outdir=$2
here=$(cd "$(dirname "$0")" && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "skip: no chromium"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/s.strace" <<'EOF2'
mmap(0x10000000, 32768, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x10000000
touch(0x10001000, 8192, "w")
mprotect(0x10000000, 4096, PROT_READ) = 0
mmap(0x20000000, 1048576, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x20000000
touch(0x20000000, 4096, "r")
munmap(0x10006000, 8192) = 0
exit_group(0)                           = ?
+++ exited with 0 +++
EOF2
"$mmlab" run --json --html "$tmp/report.html" "$tmp/s.strace" >"$tmp/run.jsonl" 2>"$tmp/err" ||
	fail "mmlab run: $(cat "$tmp/err")"
python3 "$here/json_check.py" "$here/run-json.schema.json" <"$tmp/run.jsonl" >/dev/null ||
	fail "--json output with --html does not match the schema"
# The independent views: maps() after line 3, walk() where the report's walk was taken (before
# the exit_group).
{ head -n 3 "$tmp/s.strace"; echo 'maps()'; } >"$tmp/three.strace"
"$mmlab" run "$tmp/three.strace" >"$tmp/three.out" 2>/dev/null || fail "maps run"
{ head -n 6 "$tmp/s.strace"; echo 'walk(0x10001000)'; } >"$tmp/walk.strace"
"$mmlab" run "$tmp/walk.strace" >"$tmp/walk.out" 2>/dev/null || fail "walk run"
{ head -n 6 "$tmp/s.strace"; echo 'walk(0x10002000)'; } >"$tmp/walk2.strace"
"$mmlab" run "$tmp/walk2.strace" >"$tmp/walk2.out" 2>/dev/null || fail "walk run 2"

# dump URL OUT: the DOM after the page's scripts ran, console output in OUT.log
dump() {
	"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
		--virtual-time-budget=5000 --dump-dom "$1" >"$2" 2>"$2.log" ||
		fail "chromium: $(tail -3 "$2.log")"
}
dump "file://$tmp/report.html#click=3" "$tmp/dom-click"
dump "file://$tmp/report.html#vma=10001000" "$tmp/dom-vma"
dump "file://$tmp/report.html#walk=0x10002abc" "$tmp/dom-addr"
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir="$tmp/profile" \
	--window-size=1200,1000 --screenshot="$outdir/report.png" "file://$tmp/report.html#click=3" \
	>/dev/null 2>&1 || echo "note: no screenshot"

python3 - "$tmp" <<'EOF2' || exit 1
import html.parser, json, re, sys
tmp = sys.argv[1]

class Dom(html.parser.HTMLParser):
    """Elements of interest, with their attributes and text."""
    def __init__(self):
        super().__init__()
        self.els, self.stack = [], []
    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.els.append(e)
        if tag not in ("br", "meta", "input", "rect", "polyline", "path"):
            self.stack.append(e)
    def handle_startendtag(self, tag, attrs):
        self.els.append({"tag": tag, "attrs": dict(attrs), "text": ""})
    def handle_endtag(self, tag):
        while self.stack:
            e = self.stack.pop()
            if e["tag"] == tag:
                break
    def handle_data(self, data):
        for e in self.stack:
            e["text"] += data

def load(name):
    d = Dom()
    d.feed(open(tmp + "/" + name).read())
    log = open(tmp + "/" + name + ".log").read()
    bad = [l for l in log.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    assert not bad, "%s: console output: %s" % (name, bad[:3])
    errs = [e for e in d.els if e["attrs"].get("id") == "errors"]
    assert errs and errs[0]["attrs"].get("data-count") == "0", "%s: script errors %s" % (name, errs)
    return d

rows = [json.loads(l) for l in open(tmp + "/run.jsonl")]
lines = [r for r in rows if "line" in r]
click = load("dom-click")

# The strip after line 3 against maps() after the same lines.
want = sorted(l.split("-")[0] for l in open(tmp + "/three.out") if re.match(r"^[0-9a-f]+-", l))
got = sorted(e["attrs"]["data-start"] for e in click.els
             if e["tag"] == "rect" and e["attrs"].get("class") == "vma")
assert got == want, "strip after line 3: %s, maps(): %s" % (got, want)

# One plot point per line with stats.
n = sum(1 for r in lines if "stats" in r)
plots = [e for e in click.els if e["tag"] == "polyline" and e["attrs"].get("class") == "series"]
assert len(plots) == 7, "plots: %d" % len(plots)
for p in plots:
    pts = p["attrs"]["points"].split()
    assert len(pts) == n and p["attrs"]["data-points"] == str(n), \
        "%s: %d points, %d lines with stats" % (p["attrs"]["data-name"], len(pts), n)

# The machine's plots: one point per line run (every line carries the machine's counters).
m = sum(1 for r in lines if "machine" in r)
mplots = [e for e in click.els if e["tag"] == "polyline" and e["attrs"].get("class") == "machine"]
assert len(mplots) == 9 and m == len(lines), (len(mplots), m, len(lines))
for p in mplots:
    assert len(p["attrs"]["points"].split()) == m, p["attrs"]["data-name"]

# The diff after the click: line 3 changed one VMA into two.
line3 = [r for r in lines if r["line"] == 3][0]
diff = [e for e in click.els if e["tag"] == "div" and e["attrs"].get("id") == "diff"][0]
assert diff["attrs"].get("data-line") == "3", diff
kinds = {}
for e in click.els:
    c = e["attrs"].get("class")
    if e["tag"] == "div" and c in ("removed", "added", "changed"):
        kinds.setdefault(c, []).append(e["text"])
changed = [t.split("\n")[0][2:] for t in kinds.get("changed", [])]
added = [t[2:] for t in kinds.get("added", [])] + \
        [t.split("-> ")[1] for t in kinds.get("changed", [])]
removed = [t[2:] for t in kinds.get("removed", [])] + changed
assert sorted(removed) == sorted(line3["maps_removed"]), (removed, line3)
assert sorted(added) == sorted(line3["maps_added"]), (added, line3)

# The walk pane after clicking the VMA at 0x10001000.
vma = load("dom-vma")
want = [l.split()[1] for l in open(tmp + "/walk.out") if re.match(r"^  P[GUM]D\[|^  PTE\[", l)]
tables = [e for e in vma.els if e["tag"] == "table" and e["attrs"].get("data-addr") == "0x10001000"]
assert tables, "no walk table for 0x10001000"
cells = re.findall(r"0x[0-9a-f]{16}", tables[0]["text"])
assert cells == want, "walk: page %s, walk() %s" % (cells, want)
addr = load("dom-addr")
want = [l.split()[1] for l in open(tmp + "/walk2.out") if re.match(r"^  P[GUM]D\[|^  PTE\[", l)]
tables = [e for e in addr.els if e["tag"] == "table" and e["attrs"].get("data-addr") == "0x10002000"]
assert tables, "no walk table for the address typed in"
cells = re.findall(r"0x[0-9a-f]{16}", tables[0]["text"])
assert cells == want, "typed walk: page %s, walk() %s" % (cells, want)
print("report ok: %d VMAs after line 3, %d points per plot, diff and walk agree" % (len(got), n))
EOF2
