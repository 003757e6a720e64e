#!/bin/sh
# Records the real-program logs replayed by tests/scenario/replay.sh (replay_strace_*):
#   record.sh MMLAB [NAME...]
# For each program: `mmlab record` gives initial.maps and final.maps, and the host's own
# strace, run the same way (address randomization off, the same environment and directory),
# gives the logs a user brings, headed by mmlab record's "# machine:" line (the limits a
# child's prlimit64 reads): strace-f-y.log (-f -y), and for a few programs
# strace-tt-T.log (-f -y -tt -T) and strace-yy.log (-f -yy). Run on the machine the
# recordings describe; the logs name its files (paths, devices, inodes), and ../file-ids.sh
# adds a "# file:" line with the identity of each, so that they replay on any machine.
set -eu
mmlab=$(readlink -f "$1"); shift
here=$(cd "$(dirname "$0")" && pwd)
src=$here/src
env="env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb"

prog() {
	case $1 in
	ls) echo "/usr/bin/ls -l /usr/share/doc/coreutils" ;;
	cat) echo "/usr/bin/cat /etc/os-release" ;;
	sort) echo "/usr/bin/sort -r /usr/share/common-licenses/GPL-2" ;;
	gzip) echo "/usr/bin/gzip -c -9 /usr/share/common-licenses/GPL-3" ;;
	sed) echo "/usr/bin/sed -n s/the/THE/gp /usr/share/common-licenses/GPL-2" ;;
	grep) echo "/usr/bin/grep -c -i license /usr/share/common-licenses/GPL-3" ;;
	find) echo "/usr/bin/find /usr/share/common-licenses -name G*" ;;
	date) echo "/usr/bin/date -u -d @0" ;;
	md5sum) echo "/usr/bin/md5sum /usr/share/common-licenses/GPL-3" ;;
	python3-threads) echo "/usr/bin/python3 $src/threads.py" ;;
	sh-pipeline) echo "/bin/sh -c /usr/bin/ls${IFS}/usr/bin|/usr/bin/wc${IFS}-l" ;;
	gcc) echo "/usr/bin/gcc -pipe -O2 -c $src/hello.c -o /dev/null" ;;
	esac
}
variants() {
	case $1 in
	ls | python3-threads | sh-pipeline) echo "f-y tt-T yy" ;;
	*) echo "f-y" ;;
	esac
}
flags() {
	case $1 in
	f-y) echo "-f -y" ;;
	tt-T) echo "-f -y -tt -T" ;;
	yy) echo "-f -yy" ;;
	esac
}

[ $# -gt 0 ] || set -- ls cat sort gzip sed grep find date md5sum python3-threads sh-pipeline gcc
cd /
for name in "$@"; do
	dir=$here/$name
	rm -rf "$dir"
	cmd=$(prog "$name")
	[ -n "$cmd" ] || { echo "record.sh: unknown program $name" >&2; exit 2; }
	if [ "$name" = sh-pipeline ]; then
		set -- /bin/sh -c '/usr/bin/ls /usr/bin | /usr/bin/wc -l'
	else
		# shellcheck disable=SC2086
		set -- $cmd
	fi
	$env "$mmlab" record -o "$dir" -- "$@" >/dev/null
	# its "# machine:" line heads the logs too: the limits children ask prlimit64 about
	machine=$(head -1 "$dir/trace.strace")
	rm -f "$dir/trace.strace"
	for v in $(variants "$name"); do
		# shellcheck disable=SC2046
		$env setarch -R strace $(flags "$v") -o "$dir/strace-$v.log" "$@" >/dev/null
		{ echo "$machine"; cat "$dir/strace-$v.log"; } >"$dir/strace-$v.log.m"
		sh "$here/../file-ids.sh" "$dir/strace-$v.log.m" "$dir/initial.maps" \
			"$dir/final.maps" >"$dir/strace-$v.log"
		rm "$dir/strace-$v.log.m"
	done
	echo "$name: $(wc -l <"$dir/strace-f-y.log") lines"
done
