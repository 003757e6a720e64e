#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Differential test of `mmlab record` against the host's strace.

Runs each program under `setarch -R strace -q -f -y -e trace=%memory,%process` and under
`mmlab record`, then compares the traces. Pids are renamed by ancestry (P, P.1, P.1.2 ...), the
first execve's envp pointer (an address in the tracer's own stack) is masked, and
unfinished/resumed pairs are joined so that thread interleaving does not matter: each task's
sequence of calls must match exactly, except for SIGCHLD deliveries, which the scheduler places
before or after the parent's wait4 and which are compared by count. Traces with a single task
are also compared line by line.
"""
import os, re, subprocess, sys, tempfile

PFX = re.compile(r'^\[pid\s+(\d+)\] (.*)$')
CLONE_RES = re.compile(r'^(?:(?:clone|clone3|fork|vfork)\(|<\.\.\. (?:clone|clone3|fork|vfork) resumed>).*\) += (\d+)$')
SELF_KILL = re.compile(r'^kill\((\d+), 0\)')
ENVP = re.compile(r'0x[0-9a-f]+ /\* \d+ vars? \*/')
UNF = ' <unfinished ...>'
PID_CHANGED = re.compile(r' <pid changed to (\d+) \.\.\.>$')


def split(lines):
    """(pid or None, text) per line; None means the only task alive."""
    out = []
    for l in lines:
        m = PFX.match(l)
        out.append((int(m.group(1)), m.group(2)) if m else (None, l))
    return out


def assign(entries):
    """Resolve pid None (the only task alive) and name every pid by ancestry.

    Lines before the first "[pid N]" prefix belong to the root task, whose pid is unknown
    until it shows up in a prefix without being anyone's child: it is called 0 until then.
    """
    alive, children, resolved, alias = [0], {}, [], {}
    known_children = set()
    for pid, text in entries:
        # A lone task's kill(N, 0) names its own pid (the test programs start with one).
        m = SELF_KILL.match(text)
        if pid is None and alive == [0] and m:
            alias[int(m.group(1))] = 0
        if pid is None:
            pid = alive[0] if len(alive) == 1 else 0
        elif (pid not in known_children and pid not in alias and 0 in alive
              and 0 not in alias.values()):
            # Only while the root's pid is unknown: once it is, an unknown pid is a child
            # that runs before its parent's clone returns (strace prints it first).
            alias[pid] = 0
        pid = alias.get(pid, pid)
        resolved.append((pid, text))
        # A thread's execve goes on under its leader's pid, which may show nowhere else (the
        # leader died in a call not traced): the thread's maker, for threads of the root.
        m = PID_CHANGED.search(text)
        if m and int(m.group(1)) not in alias:
            maker = [p for p, cs in children.items() if pid in cs]
            if maker:
                alias[int(m.group(1))] = maker[0]
        m = CLONE_RES.match(text)
        if m and int(m.group(1)) > 0:
            c = int(m.group(1))
            children.setdefault(pid, []).append(c)
            known_children.add(c)
            if c not in alive:
                alive.append(c)
        if text.startswith('+++ ') and pid in alive:
            alive.remove(pid)
    names = {}

    def name(p, n):
        names[p] = n
        for k, c in enumerate(children.get(p, [])):
            name(c, '%s.%d' % (n, k + 1))
    name(0, 'P')
    for real in alias:
        names[real] = 'P'
    return resolved, names


def rename(text, names):
    return re.sub(r'\b\d+\b', lambda m: names.get(int(m.group(0)), m.group(0))
                  if int(m.group(0)) in names and int(m.group(0)) > 300 else m.group(0), text)


SAME_TIDS = re.compile(r'child_tid=(0x[0-9a-f]+), parent_tid=\1\b')


def mask_racy_tid(t):
    """A thread's tid word read back at the clone's exit races with the thread itself.

    With CLONE_CHILD_CLEARTID on the word CLONE_PARENT_SETTID fills, a thread that exits
    before the tracer reads the word has already cleared it: either tracer may show the tid or
    0, as the scheduler decides, so the value read back is not compared.
    """
    if 'CLONE_CHILD_CLEARTID' in t and SAME_TIDS.search(t):
        t = re.sub(r'=> \{parent_tid=\[[^\]]*\]\}', '=> {parent_tid=[TID]}', t)
    return t


def normalize(raw):
    lines = [l for l in raw.splitlines()
             if l and not l.startswith('# machine:') and not l.startswith('# file: ')]
    if lines and lines[0].startswith('execve('):
        lines[0] = ENVP.sub('ENVP', lines[0], count=1)
    resolved, names = assign(split(lines))
    flat = []
    per_task, pending, sigchld = {}, {}, {}
    for pid, text in resolved:
        t = rename(text, names)
        n = names.get(pid, str(pid))
        flat.append(t if len(names) <= 1 else '[%s] %s' % (n, t))
        if t.endswith(UNF):
            pending[n] = t[:-len(UNF)]
            continue
        m = re.match(r'^<\.\.\. (\w+) resumed>(.*)$', t)
        if m and n in pending:
            t = pending.pop(n) + m.group(2)
        t = re.sub(r'\) +(= .*)$', r') \1', t)
        t = mask_racy_tid(t)
        if t.startswith('--- SIGCHLD '):
            # Delivered whenever the child's exit lands: before or after the parent's
            # wait4 returns, as the scheduler decides. Compared by count, not by place.
            sigchld.setdefault(n, []).append(t)
            continue
        per_task.setdefault(n, []).append(t)
    for n, t in pending.items():
        per_task.setdefault(n, []).append(t + UNF)
    for n, sigs in sigchld.items():
        per_task.setdefault(n, []).extend(sorted(sigs))
    return flat, per_task, len(names) <= 1


def run(mmlab, cmd):
    env = dict(os.environ)
    s = subprocess.run(['setarch', '-R', 'strace', '-q', '-f', '-y', '-e',
                        'trace=%memory,%process'] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env, text=True, errors='replace')
    with tempfile.TemporaryDirectory() as d:
        m = subprocess.run([mmlab, 'record', '-o', d, '--'] + cmd, stdout=subprocess.DEVNULL,
                           env=env)
        with open(os.path.join(d, 'trace.strace'), errors='replace') as f:
            mine = f.read()
        if not re.match(r'# machine: ram=\d+K swap=\d+K? overcommit=[012] '
                        r'overcommit_(ratio|kbytes)=\d+ mmap_min_addr=\d+ pku=(yes|no) zero_page=(yes|no) uid=\d+ gid=\d+ '
                        r'cap_eff=(0x[0-9a-f]+|0) cap_prm=(0x[0-9a-f]+|0) rlimits=CPU:\w+:\w+,[^ ]*\n', mine):
            print('%s: no machine line: %s' % (cmd[0], mine.split('\n')[0]))
            return False
        for snap in ('initial.maps', 'final.maps'):
            if not os.path.getsize(os.path.join(d, snap)):
                print('%s: empty %s' % (cmd[0], snap))
                return False
    if s.returncode != m.returncode:
        print('%s: exit status strace %d, mmlab record %d' % (cmd[0], s.returncode, m.returncode))
        return False
    sf, st, single = normalize(s.stderr)
    mf, mt, _ = normalize(mine)
    ok = True
    if set(st) != set(mt):
        print('%s: tasks differ: strace %s, mmlab %s' % (cmd[0], sorted(st), sorted(mt)))
        ok = False
    for n in sorted(set(st) & set(mt)):
        a, b = st[n], mt[n]
        for k in range(max(len(a), len(b))):
            x = a[k] if k < len(a) else '<none>'
            y = b[k] if k < len(b) else '<none>'
            if x != y:
                print('%s: task %s call %d differs:\n  strace: %s\n  mmlab:  %s' % (cmd[0], n, k, x, y))
                ok = False
                break
    if ok and single and sf != mf:
        for x, y in zip(sf, mf):
            if x != y:
                print('%s: line differs:\n  strace: %s\n  mmlab:  %s' % (cmd[0], x, y))
                break
        ok = False
    print('%s: %s (%d lines)' % (' '.join(cmd)[:60], 'same' if ok else 'DIFFERENT', len(sf)))
    return ok


def main():
    mmlab, progs = sys.argv[1], sys.argv[2:]
    cmds = [p.split('::') for p in progs]
    results = [run(mmlab, c) for c in cmds]
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
