#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The `mmlab record --faults` round trip of real programs, recorded live on this machine.

faults_roundtrip.py MMLAB FAULTPROG FAULTKINDS MMPROG: records ls, sort on a 4.6 MB file
(threads), python3 importing modules and running /bin/true as a subprocess (vfork and exec),
gzip, FAULTPROG (four threads) and MMPROG (mmprog.c: mlockall, a fork, a thread, a caught
SIGSEGV, whose fault is recorded with the signal) with
`mmlab record --faults`, replays each log from its first line with `mmlab run --no-aslr
--final-smaps`, and compares the first task's final smaps with the kernel's (final.smaps,
taken at its exit). Each replay must run every
line with no mismatch and end with the kernel's VMAs; each VMA's Rss and Anonymous difference
is printed, and the totals must agree within the pages the sampler cannot see. With
kernel-mode faults sampled (the recorder prints those of calls the log leaves out, read()
into a buffer): Anonymous equal, and file pages no more than the kernel's plus 2% of Rss.
The vDSO's VMAs ([vvar], [vvar_vclock], [vdso]) must have the kernel's Rss exactly: their
faults are recorded and replayed like any other. With user-mode
faults only (perf_event_paranoid 2 without CAP_PERFMON): 15% of Anonymous and 10% of Rss,
since the pages the kernel wrote for read() are missing then. Fewer file pages than the
kernel's are reported, not failed: the kernel's depend on how its page cache held the files
before the run (on a machine whose libraries were just installed they sit in the large
folios the installer's writes made, and a fault maps a whole folio), and mmlab's replay
starts from a cold cache; on a machine whose libraries were read in by readahead the totals
agree within 2% (ls 2688 kB against the kernel's 2692).
FAULTKINDS takes faults of known kinds (a read, a write, a read then a write of
one page, a read of a read-only mapping), which must be recorded as such; as root, also with
a one-page /etc/ld.so.cache (kinds_small_cache).
Skipped (77) when perf_event_open cannot open the software page-fault event, with the
reason, or when a program is missing.
"""
import os, re, shutil, subprocess, sys, tempfile


def smaps(path):
    """{(range, name): [Rss kB, Anonymous kB]} in file order."""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            w = line.split()
            if re.match(r'^[0-9a-f]+-[0-9a-f]+$', w[0]) and len(w) >= 5:
                cur = (w[0], w[5] if len(w) > 5 else '')
                out[cur] = [0, 0]
            elif w[0] == 'Rss:':
                out[cur][0] = int(w[1])
            elif w[0] == 'Anonymous:':
                out[cur][1] = int(w[1])
    return out


def roundtrip(mmlab, name, argv, tmp, status=0):
    d = os.path.join(tmp, name)
    rec = subprocess.run([mmlab, 'record', '--faults', '-o', d, '--'] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if rec.returncode == 1 and '--faults:' in rec.stderr:
        print('SKIP: ' + rec.stderr.strip())
        sys.exit(77)
    if rec.returncode != status:
        print(f'FAIL {name}: record exit {rec.returncode}: {rec.stderr}')
        return False
    got = os.path.join(d, 'mmlab.smaps')
    run = subprocess.run([mmlab, 'run', '--no-aslr', '--final-smaps', got,
                          os.path.join(d, 'trace.strace')], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    touches = sum(1 for l in open(os.path.join(d, 'trace.strace')) if 'touch(' in l)
    print(f'== {name}: {touches} faults recorded, replay exit {run.returncode}')
    print(run.stderr, end='')
    ok = run.returncode == 0 and ' 0 mismatches in ' in run.stderr
    if not ok:
        print(f'FAIL {name}: the replay did not run every line without a mismatch')
        return False
    kern, ours = smaps(os.path.join(d, 'final.smaps')), smaps(got)
    if list(kern) != list(ours):
        print(f'FAIL {name}: the VMAs differ from the kernel\'s')
        print(' kernel:', list(kern), '\n mmlab:', list(ours))
        return False
    special_ok = True
    for k in kern:
        if kern[k] != ours[k]:
            print(f'  {k[0]} {k[1]}: Rss {kern[k][0]} kB (kernel) vs {ours[k][0]} kB, '
                  f'Anonymous {kern[k][1]} vs {ours[k][1]} kB')
            special_ok = special_ok and k[1] not in ('[vvar]', '[vvar_vclock]', '[vdso]')
    if not special_ok:
        print(f'FAIL {name}: the vDSO\'s Rss differs from the kernel\'s')
        return False
    tk = [sum(v[i] for v in kern.values()) for i in (0, 1)]
    to = [sum(v[i] for v in ours.values()) for i in (0, 1)]
    print(f'  total Rss {tk[0]} kB (kernel) vs {to[0]} kB (mmlab), Anonymous {tk[1]} vs {to[1]} kB')
    with open(os.path.join(d, 'trace.strace')) as f:
        with_kernel = 'kernel-mode ones of the calls above' in f.read()
    rss_tol, anon_tol = (0.02, 0) if with_kernel else (0.10, 0.15 * max(tk[1], 1))
    if abs(tk[1] - to[1]) > anon_tol:
        print(f'FAIL {name}: the anonymous resident sets differ beyond what the sampler '
              'cannot see')
        return False
    # File pages: a fault maps the whole folio, and fault-around what is cached near it, so
    # the kernel's file Rss follows the layout its page cache had before the run (files
    # written by dpkg or cp sit in the large folios their writes made, files read in those
    # readahead made), which a recording does not carry; mmlab starts from a cold cache.
    # More file pages than the kernel's is an error; fewer is reported.
    kf, of = tk[0] - tk[1], to[0] - to[1]
    if of > kf + rss_tol * tk[0]:
        print(f'FAIL {name}: mmlab maps more file pages than the kernel had ({of} vs {kf} kB)')
        return False
    if of < kf - rss_tol * tk[0]:
        print(f'  note {name}: {kf - of} kB fewer file pages than the kernel, whose page cache '
              'held these files in larger folios or more pages than a cold cache reads')
    return True


def kinds(mmlab, prog, tmp, name='kinds', wrap=None):
    """The classification of faults of known kinds (faultkinds.c): r, w, w, r."""
    d = os.path.join(tmp, name)
    cmd = [mmlab, 'record', '--faults', '-o', d, '--', prog]
    if wrap:
        cmd = wrap(cmd)
    rec = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    m = re.match(r'rw=0x([0-9a-f]+) ro=0x([0-9a-f]+)', rec.stdout)
    if rec.returncode or not m:
        print(f'FAIL kinds: record exit {rec.returncode}: {rec.stdout}{rec.stderr}')
        return False
    rw, ro = int(m.group(1), 16), int(m.group(2), 16)
    want = [(rw, 'r'), (rw + 4096, 'w'), (rw, 'w'), (ro, 'r')]
    pages = {rw, rw + 4096, ro}
    got, mapped = [], False
    for line in open(os.path.join(d, 'trace.strace')):
        # Only after the program's own mmap of the read-only page (its file's second page):
        # the loader touched pages at these addresses before, in mappings since unmapped -
        # where /etc/ld.so.cache is one page or less (a fresh Debian root), its mapping was
        # at the very address the program's later mmap reuses, and the loader read it.
        if not mapped:
            mapped = re.search(r'mmap\(NULL, 4096, PROT_READ, MAP_PRIVATE, \d+<[^>]*>, '
                               r'0x1000\) = 0x0*%x\b' % ro, line) is not None
            continue
        t = re.match(r'touch\(0x([0-9a-f]+), 1, "(.)"\)', line)
        if t and int(t.group(1), 16) & ~4095 in pages:
            got.append((int(t.group(1), 16) & ~4095, t.group(2)))
    print(f'== {name}: {[(hex(a), k) for a, k in got]}')
    if got != want:
        print(f'FAIL {name}: expected {[(hex(a), k) for a, k in want]}')
        return False
    return True


def kinds_small_cache(mmlab, prog, tmp):
    """kinds() with a one-page /etc/ld.so.cache (a fresh Debian root's): the loader's mapping
    of it lands where the program's read-only mapping later does. Needs root (a private mount
    namespace binds a cache of libc alone over the file); reported and passed otherwise."""
    libc = '/usr/lib/x86_64-linux-gnu/libc.so.6'
    if os.geteuid() != 0 or not shutil.which('unshare') or not shutil.which('ldconfig') \
            or not os.path.exists(libc):
        print('  note kinds-small-cache: not run (needs root, unshare, ldconfig and libc)')
        return True
    root = os.path.join(tmp, 'cacheroot')
    os.makedirs(os.path.join(root, 'usr/lib/x86_64-linux-gnu'))
    os.makedirs(os.path.join(root, 'etc'))
    shutil.copy(libc, os.path.join(root, 'usr/lib/x86_64-linux-gnu'))
    open(os.path.join(root, 'etc/ld.so.conf'), 'w').close()
    cache = os.path.join(root, 'etc/ld.so.cache')
    made = subprocess.run(['ldconfig', '-X', '-r', root], capture_output=True, text=True)
    probe = subprocess.run(['unshare', '-m', 'true'], capture_output=True)
    if made.returncode or not os.path.exists(cache) or probe.returncode:
        print('  note kinds-small-cache: not run (ldconfig -r or unshare -m refused)')
        return True
    if os.path.getsize(cache) > 4096:
        print(f'FAIL kinds-small-cache: the cache of libc alone is {os.path.getsize(cache)} bytes')
        return False
    return kinds(mmlab, prog, tmp, 'kinds-small-cache', lambda cmd: [
        'unshare', '-m', 'sh', '-c', 'mount --bind "$0" /etc/ld.so.cache && exec "$@"',
        cache] + cmd)


def main():
    mmlab, faultprog, faultkinds, mmprog = sys.argv[1:5]
    for prog in ('ls', 'sort', 'gzip', 'python3'):
        if not shutil.which(prog):
            print(f'SKIP: {prog} is not installed')
            sys.exit(77)
    py = os.path.realpath(shutil.which('python3'))
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, 'big.txt')
        with open(big, 'w') as f:
            for k in range(300000):
                f.write(f'{(k * 2654435761) % 1000003} {k}\n')
        progs = [
            ('ls', [shutil.which('ls'), '/usr/bin']),
            ('sort', [shutil.which('sort'), big]),
            ('gzip', [shutil.which('gzip'), '-c', big]),
            # a subprocess: vfork, the child's exec of /bin/true, the parent's faults
            # between that exec and the execve's return
            ('python3', [py, '-c', 'import json, decimal, subprocess; '
                         'subprocess.run(["/bin/true"]); '
                         'print(json.dumps([decimal.Decimal(1)], default=str))']),
            ('faultprog', [faultprog]),
        ]
        ok = all([roundtrip(mmlab, n, a, tmp) for n, a in progs] +
                 [roundtrip(mmlab, 'mmprog', [mmprog], tmp, status=3)] +
                 [kinds(mmlab, faultkinds, tmp), kinds_small_cache(mmlab, faultkinds, tmp)])
    sys.exit(0 if ok else 1)


main()
