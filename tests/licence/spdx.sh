#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every source file of the project declares its licence in its first two lines (the second
# when the first is a #! line): the README's licence claim, checked rather than assumed.
# Usage: spdx.sh SOURCE_DIR
set -u
root=${1:?usage: spdx.sh SOURCE_DIR}
[ -f "$root/LICENSE" ] || { echo "spdx: $root/LICENSE is missing"; exit 1; }
missing=0
checked=0
for f in $(cd "$root" && find src include tools bench tests fuzz scripts examples .ci \
		\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \
		-o -name CMakeLists.txt -o -name run \) -type f -not -path 'tests/data/*' | sort) \
		CMakeLists.txt Makefile mmlab.pc.in; do
	checked=$((checked + 1))
	if ! head -n 2 "$root/$f" | grep -q 'SPDX-License-Identifier: LGPL-2.1-or-later'; then
		echo "spdx: $f has no SPDX-License-Identifier: LGPL-2.1-or-later line"
		missing=$((missing + 1))
	fi
done
echo "spdx: $checked files checked, $missing without the licence line"
[ "$missing" -eq 0 ]
