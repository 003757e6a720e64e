#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host kernel's answers to resource-limit calls, replayed: a shell runs ulimit commands
# (prlimit64 reads and writes, a hard limit raised without CAP_SYS_RESOURCE, `ulimit -a`),
# and python3 lowers its RLIMIT_AS and fails to allocate beyond it. Each program runs under
# `setarch -R strace -f -y`, and again under `mmlab record` for its initial maps and its
# machine line (ids, capabilities, limits); `mmlab run` replays the strace log from there and
# every result and every struct the kernel filled must match. As root the shell also runs as
# uid 1000 without capabilities, through setpriv.
#   limits_host.sh MMLAB
set -u
mmlab=$1
tmp=$(mktemp -d) || exit 1
chmod 777 "$tmp"
trap 'rm -rf "$tmp"' EXIT
sh_cmd='ulimit -l 4; ulimit -s 4096; ulimit -H -s 8192; ulimit -H -n 8192; ulimit -d 65536;
ulimit -v 1048576; ulimit -a'
py_cmd='import resource
resource.setrlimit(resource.RLIMIT_AS, (1 << 33, resource.RLIM_INFINITY))
try:
    x = bytearray(1 << 33)
except MemoryError:
    pass
x = bytearray(1 << 28)'
runas=
fail=0

replay() { # replay NAME MIN-PRLIMITS CMD [ARGS...]
	name=$1 min=$2
	shift 2
	$runas "$mmlab" record -o "$tmp/$name" -- "$@" >/dev/null 2>&1
	$runas setarch -R strace -f -y -o "$tmp/$name.log" "$@" >/dev/null 2>&1
	# the machine line from the recording, then strace's log as it is
	{ head -1 "$tmp/$name/trace.strace"; cat "$tmp/$name.log"; } >"$tmp/$name.strace"
	if ! grep -q '^# machine: ' "$tmp/$name.strace" ||
	   [ "$(grep -c 'prlimit64(' "$tmp/$name.strace")" -lt "$min" ]; then
		echo "FAIL ($name): no machine line or too few prlimit64 calls"
		fail=1
		return
	fi
	if ! "$mmlab" run --quiet --no-aslr --maps "$tmp/$name/initial.maps" \
		"$tmp/$name.strace" >/dev/null; then
		echo "FAIL ($name): the replay differs from the kernel"
		fail=1
	fi
}

replay sh 20 /bin/sh -c "$sh_cmd"
# the system's interpreter itself (a python3 on PATH may be a wrapper that execs others)
if [ -x /usr/bin/python3 ]; then
	replay python 2 /usr/bin/python3 -c "$py_cmd"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	runas='setpriv --reuid 1000 --regid 1000 --clear-groups'
	replay sh-user 20 /bin/sh -c "$sh_cmd"
fi
exit $fail
