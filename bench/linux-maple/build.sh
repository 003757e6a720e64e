#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds lmt_bench, bench_maple's Linux baseline, into $1 (a build directory), from the
# kernel source tarball of Debian's linux-source-* package: lib/maple_tree.c with the
# user-space shims of tools/testing/radix-tree, with the flags CMake's Release build gives
# libmmlab (-O3 -DNDEBUG, and the project's -fno-strict-aliasing, which the kernel uses too),
# without the sanitizers that directory's own Makefile adds, and with lmt_slab.c's object
# cache in place of the shims' debugging one. Prints the binary's path; exits 1 (with the
# reason on stderr) when no kernel source is installed.
set -e
out=${1:?usage: build.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "linux-maple: no /usr/src/linux-source-*.tar.xz (Debian's linux-source package)" >&2
	exit 1
fi
version=$(basename "$tarball" .tar.xz)
src="$out/$version"
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ ! -f "$src/.extracted" ]; then
	rm -rf "$src"
	tar -xJf "$tarball" -C "$out" "$version/tools" "$version/include" "$version/lib" \
		"$version/arch/x86/include" "$version/scripts"
	touch "$src/.extracted"
fi
rt="$src/tools/testing/radix-tree"
bin="$out/lmt_bench"
cflags="-O3 -DNDEBUG -fno-strict-aliasing"
if [ ! -x "$bin" ] || [ "$here/lmt_bench.c" -nt "$bin" ] || [ "$here/lmt_slab.c" -nt "$bin" ] ||
	[ "$here/../run_delay.h" -nt "$bin" ] ||
	[ "$here/build.sh" -nt "$bin" ]; then
	# Generated headers the radix-tree Makefile would make (its own rules, no compiling).
	make -s -C "$rt" generated/map-shift.h generated/bit-length.h generated/autoconf.h >/dev/null
	cp "$here/lmt_bench.c" "$here/lmt_slab.c" "$here/../run_delay.h" "$rt/"
	objs=""
	for f in lmt_slab.c ../../lib/slab.c \
		../../lib/find_bit.c ../../lib/bitmap.c ../../lib/hweight.c ../../lib/vsprintf.c \
		lmt_bench.c; do
		o="$out/obj-$(basename "$f" .c).o"
		(cd "$rt" && cc -I../shared -I. -I../../include -I../../../lib $cflags -w \
			-D_LGPL_SOURCE -c "$f" -o "$o")
		objs="$objs $o"
	done
	cc $objs -lpthread -lurcu -o "$bin"
fi
echo "$bin"
