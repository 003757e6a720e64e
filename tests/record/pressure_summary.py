#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The end-of-run pressure figures of real programs, end to end (issue 13 section 4).

pressure_summary.py MMLAB: records two real programs with `mmlab record --faults` (their fault
streams, threads and children included): sort on a generated 8 MB file, and python3 building
a 24 MiB bytearray and forking a child that writes its copy of every page (FORK). It adds
`vmstat()`, `swaps()` and `pressure()` before each log's last exit_group line, and replays it
with `mmlab run --no-aslr --overcommit 1 --ram 16M --swap 64M --json --stats` (sort maps a
buffer sized from the recording machine's RAM: the heuristic would refuse it on 16 MiB).
Every line must run without a mismatch; the summary's line
  pressure: N major faults, N pages swapped in, N out, N refaults; stalled X ms of Y s simulated
must give the figures of the other views: vmstat's pgmajfault, pswpin, pswpout and
workingset_refault_anon + workingset_refault_file, pressure()'s `some ... total=` (us) for the
stall; the major faults also equal the sum of each thread's own majflt (the JSON lines'
stats, each thread's last); at least 1000 pages must have gone out, and swaps() shows the
area in use. A fault stream holds each page's first fault only (the host never reclaimed it)
and leaves out the copies of read and write, so only a fork's COW faults bring pages back
from swap: the fork case must swap in, take major faults and stall. The same replays with
--ram 256M must show no swap-in, no swap-out, no refault and no stall.
Skipped (77) when perf_event_open cannot open the software page-fault event, or without sort.
"""
import json, os, re, shutil, subprocess, sys, tempfile

LINE = re.compile(r'^pressure: (\d+) major faults, (\d+) pages swapped in, (\d+) out, '
                  r'(\d+) refaults; stalled ([0-9.]+) ms of ([0-9.]+) s simulated$')

# A process with a 24 MiB heap forks and the child writes its copy of every page (a forking
# server, a snapshot by fork): the parent's pages that went out come back for the COW.
FORK = """
import os
big = bytearray(24 << 20)
big[::4096] = b'x' * (6 << 10)
pid = os.fork()
if pid == 0:
    big[::4096] = b'y' * (6 << 10)
    os._exit(0)
os.waitpid(pid, 0)
"""


def record(mmlab, tmp, name):
    """@name's log recorded live, with the three views before its last exit_group."""
    if name == 'sort':
        big = os.path.join(tmp, 'big.txt')
        with open(big, 'w') as f:
            for k in range(600000):
                f.write(f'{(k * 2654435761) % 1000003} {k}\n')
        if not shutil.which('sort'):
            print('SKIP: no sort(1)')
            sys.exit(77)
        argv = ['sort', big]
    else:
        argv = [sys.executable, '-c', FORK]
    d = os.path.join(tmp, name + '.rec')
    rec = subprocess.run([mmlab, 'record', '--faults', '-o', d, '--'] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if rec.returncode == 1 and '--faults:' in rec.stderr:
        print('SKIP: ' + rec.stderr.strip())
        sys.exit(77)
    if rec.returncode:
        sys.exit(f'FAIL: {name}: record exit {rec.returncode}: {rec.stderr}')
    lines = open(os.path.join(d, 'trace.strace')).read().splitlines(keepends=True)
    last = max(i for i, l in enumerate(lines) if re.match(r'^(\[pid +\d+\] )?exit_group\(', l))
    prefix = re.match(r'^(\[pid +\d+\] )?', lines[last]).group(0)
    lines[last:last] = [f'{prefix}{call}\n' for call in ('vmstat()', 'swaps()', 'pressure()')]
    log = os.path.join(tmp, name + '.strace')
    with open(log, 'w') as f:
        f.writelines(lines)
    return log


def replay(mmlab, log, ram):
    """(pressure line's figures, vmstat, the views' text, summed majflt, stderr)."""
    run = subprocess.run([mmlab, 'run', '--no-aslr', '--overcommit', '1', '--ram', ram,
                          '--swap', '64M', '--json', '--stats', log],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    objs = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
    summary = objs[-1] if objs else {'mismatched': -1, 'not_run': -1}
    if run.returncode or summary['mismatched'] or summary['not_run']:
        sys.exit(f'FAIL: {log} --ram {ram}: exit {run.returncode}, {summary["mismatched"]} '
                 f'mismatched, {summary["not_run"]} not run\n{run.stderr[-3000:]}')
    got = [m for m in (LINE.match(l) for l in run.stderr.splitlines()) if m]
    if len(got) != 1:
        sys.exit(f'FAIL: {log} --ram {ram}: no pressure line in\n{run.stderr[-2000:]}')
    out = {}
    for o in objs:
        if o.get('call') in ('vmstat', 'swaps', 'pressure'):
            out[o['call']] = o.get('output') or ''
    vm = dict((w[0], int(w[1])) for w in (l.split() for l in out['vmstat'].splitlines())
              if len(w) == 2)
    # each thread's own majflt, its last line's; the first task's lines say pid 0 until
    # the log names its pid (the pressure() line, made with its exit_group's prefix, has it)
    main = next(o['pid'] for o in objs if o.get('call') == 'pressure')
    majflt = {}
    for o in objs:
        if 'stats' in o and o.get('pid') is not None:
            majflt[o['pid'] or main] = o['stats']['majflt']
    return [float(x) for x in got[0].groups()], vm, out, sum(majflt.values()), run.stderr


def check(mmlab, tmp, name):
    """The failures of @name's two replays, as strings."""
    log = record(mmlab, tmp, name)
    (maj, sin, sout, refaults, stall_ms, _), vm, out, task_maj, err = replay(mmlab, log, '16M')
    print(name + ': ' + next(l for l in err.splitlines() if l.startswith('pressure:')))
    some = re.search(r'^some .* total=(\d+)$', out['pressure'], re.M)
    used = [l.split() for l in out['swaps'].splitlines()[1:] if l.strip()]
    want = {'major faults': (maj, vm['pgmajfault']),
            'pages swapped in': (sin, vm['pswpin']),
            'pages swapped out': (sout, vm['pswpout']),
            'refaults': (refaults, vm['workingset_refault_anon'] +
                         vm['workingset_refault_file']),
            'stall (us)': (round(stall_ms * 1000), int(some.group(1)) if some else -1),
            'major faults, summed over the threads': (maj, task_maj)}
    bad = [f'{name}: {k}: pressure line {a:.0f}, other view {b}' for k, (a, b) in want.items()
           if abs(a - b) > (1 if k == 'stall (us)' else 0)]
    # sort holds its 8 MB input and its line array in anonymous memory, the fork case 24 MiB
    # twice: with 16 MiB of RAM (libraries and page tables included) much must go out
    if sout < 1000:
        bad.append(f'{name}: only {sout:.0f} pages swapped out')
    if not used or int(used[0][3]) == 0:
        bad.append(f'{name}: swaps() shows no area in use:\n{out["swaps"]}')
    if name == 'fork' and (sin < 1000 or not maj or not stall_ms):
        bad.append(f'{name}: the child brought back {sin:.0f} pages, {maj:.0f} major faults, '
                   f'stalled {stall_ms} ms')
    (maj2, sin2, sout2, refaults2, stall2, _), vm2, _, _, err2 = replay(mmlab, log, '256M')
    print(name + ': ' + next(l for l in err2.splitlines() if l.startswith('pressure:')))
    if sin2 or sout2 or refaults2 or stall2:
        bad.append(f'{name}: --ram 256M: swap, refaults or a stall where memory is plentiful')
    if maj2 != vm2['pgmajfault']:
        bad.append(f'{name}: --ram 256M: {maj2:.0f} major faults, vmstat {vm2["pgmajfault"]}')
    return bad


def main():
    mmlab = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix='mmlab-pressure-')
    try:
        bad = check(mmlab, tmp, 'sort') + check(mmlab, tmp, 'fork')
        for b in bad:
            print('FAIL: ' + b)
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
