#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host kernel's answers to SysV shm, memfd and fcntl calls, replayed: shmprog (built by
# the test's CMakeLists) runs under `setarch -R strace -f -y` and under `mmlab record` for its
# initial maps and machine line; `mmlab run` replays the strace log from there, and every
# result (segment ids mapped as fds are, attach addresses, errnos, seals, fds) must match.
#   shm_host.sh MMLAB SHMPROG
set -u
# A SysV namespace of its own where one can be had (root): shmprog's fixed key 0x5e3a7 and its
# segments are then no other process's, not even those of another run of this test at the same
# time. Elsewhere the host's namespace is used (ctest's RESOURCE_LOCK host_sysv).
if [ -z "${SHM_HOST_OWN_IPC:-}" ] && unshare -i true 2>/dev/null; then
	SHM_HOST_OWN_IPC=1 exec unshare -i sh "$0" "$@"
fi
mmlab=$1 prog=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$mmlab" record -o "$tmp/rec" -- "$prog" >/dev/null 2>&1
setarch -R strace -f -y -o "$tmp/log" "$prog" >/dev/null 2>&1
{ head -1 "$tmp/rec/trace.strace"; cat "$tmp/log"; } >"$tmp/shm.strace"
for call in shmget shmat shmdt shmctl memfd_create fcntl; do
	if ! grep -q "$call(" "$tmp/shm.strace"; then
		echo "FAIL: no $call in the log"
		exit 1
	fi
done
if ! "$mmlab" run --quiet --no-aslr --maps "$tmp/rec/initial.maps" "$tmp/shm.strace"; then
	echo "FAIL: the replay differs from the kernel"
	exit 1
fi
