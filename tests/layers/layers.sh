#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layering of src/: lib, host, phys, fs, mmu, mm, lowest first. A layer may include its own
# headers and those of the layers below it, nothing above. Checks it twice:
#  1. in the sources: every quoted include of a src/ file names a layer at or below the file's
#     own, and none climbs out with "../";
#  2. with the build's own include flags: every header of a layer compiles alone with that
#     layer's flags, and for every layer a header of each layer above it does not compile
#     ("No such file"), so an upward include cannot creep in even where 1 were fooled.
# usage: layers.sh CC SRC_DIR EXTRA_INCLUDES LAYER=DIR:DIR... (one per layer, lowest first)
set -u
cc=$1 src=$2 extra=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
order=""
for spec in "$@"; do
	order="$order ${spec%%=*}"
done

# The position of a layer in the order, 0 for a name that is no layer (a file of the same
# folder, the public mmlab.h); kernel.h belongs to lib.
pos() {
	i=1
	for l in $order; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo 0
}

# 1. The sources.
for layer in $order; do
	me=$(pos "$layer")
	for f in "$src/$layer"/*.c "$src/$layer"/*.h; do
		[ -e "$f" ] || continue
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		while IFS= read -r line; do
			inc=$(printf '%s\n' "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
			case $inc in
			../* | */../*)
				echo "layers: ${f#$src/}: climbs out of its folder: $line"
				echo x >> "$tmp/bad"; continue ;;
			kernel.h) top=lib ;;
			*/*) top=${inc%%/*} ;;
			*) continue ;;
			esac
			p=$(pos "$top")
			if [ "$p" -gt "$me" ]; then
				echo "layers: ${f#$src/} ($layer) includes $inc ($top, a layer above)"
				echo x >> "$tmp/bad"
			fi
		done
	done
done
[ -e "$tmp/bad" ] && fail=1

# 2. The build's include flags.
specs="$*"
flags_of() {	# the -I flags of LAYER's target, then those of the libraries it uses
	for spec in $specs; do
		[ "${spec%%=*}" = "$1" ] && echo "${spec#*=}" | tr ':' '\n' | sed '/^$/d; s/^/-I/'
	done
	echo "$extra" | tr ':' '\n' | sed '/^$/d; s/^/-I/'
}
probe() {	# probe LAYER HEADER -> compiles "#include HEADER" with LAYER's flags
	printf '#include "%s"\n' "$2" > "$tmp/probe.c"
	# shellcheck disable=SC2046
	"$cc" -std=gnu11 -D_GNU_SOURCE -DMMLAB_BUILDING -fsyntax-only $(flags_of "$1") \
		"$tmp/probe.c" > "$tmp/out" 2>&1
}
for layer in $order; do
	me=$(pos "$layer")
	for h in "$src/$layer"/*.h; do
		[ -e "$h" ] || continue
		hdr="$layer/${h##*/}"
		if ! probe "$layer" "$hdr"; then
			echo "layers: $hdr does not compile alone with the $layer target's flags:"
			sed 's/^/  /' "$tmp/out" | head -5
			fail=1
		fi
	done
	for upper in $order; do
		[ "$(pos "$upper")" -gt "$me" ] || continue
		h=$(ls "$src/$upper"/*.h 2>/dev/null | head -1)
		[ -n "$h" ] || continue
		hdr="$upper/${h##*/}"
		if probe "$layer" "$hdr"; then
			echo "layers: the $layer target can include $hdr, a header of a layer above"
			fail=1
		elif ! grep -q 'No such file' "$tmp/out"; then
			echo "layers: including $hdr from $layer failed, but not for want of the file:"
			sed 's/^/  /' "$tmp/out" | head -5
			fail=1
		fi
	done
done
[ $fail = 0 ] && echo "layers: $order: each layer sees only itself and the layers below"
exit $fail
