#!/bin/sh
# The host kernel's answers to a shell's ulimit calls, replayed: /bin/sh runs ulimit commands
# (prlimit64 reads and writes, a hard limit raised without CAP_SYS_RESOURCE, `ulimit -a`)
# under `setarch -R strace -f -y`, and again under `mmlab record` for its initial maps and its
# machine line (ids, capabilities, limits); `mmlab run` replays the strace log from there and
# every result and every struct the kernel filled must match. As root it runs twice: as root
# and, through setpriv, as uid 1000 without capabilities.
#   limits_host.sh MMLAB
set -u
mmlab=$1
tmp=$(mktemp -d) || exit 1
chmod 777 "$tmp"
trap 'rm -rf "$tmp"' EXIT
cmd='ulimit -l 4; ulimit -s 4096; ulimit -H -s 8192; ulimit -H -n 8192; ulimit -d 65536;
ulimit -v 1048576; ulimit -a'
fail=0

replay() { # replay NAME [RUN-AS...]
	name=$1
	shift
	"$@" "$mmlab" record -o "$tmp/$name" -- /bin/sh -c "$cmd" >/dev/null 2>&1
	"$@" setarch -R strace -f -y -o "$tmp/$name.log" /bin/sh -c "$cmd" >/dev/null 2>&1
	# the machine line from the recording, then strace's log as it is
	{ head -1 "$tmp/$name/trace.strace"; cat "$tmp/$name.log"; } >"$tmp/$name.strace"
	if ! grep -q '^# machine: ' "$tmp/$name.strace" ||
	   [ "$(grep -c 'prlimit64(' "$tmp/$name.strace")" -lt 20 ]; then
		echo "FAIL ($name): no machine line or no prlimit64 calls"
		fail=1
		return
	fi
	if ! "$mmlab" run --quiet --no-aslr --maps "$tmp/$name/initial.maps" \
		"$tmp/$name.strace" >/dev/null; then
		echo "FAIL ($name): the replay differs from the kernel"
		fail=1
	fi
}

replay self
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	replay user setpriv --reuid 1000 --regid 1000 --clear-groups
fi
exit $fail
