#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes an N-line scenario of memory calls that all succeed (mmap, mprotect, touch, munmap
# cycling over 64 fixed slots), for the streaming memory and signal tests: genlog.sh N
awk -v n="$1" 'BEGIN {
	for (i = 0; i < n; i++) {
		a = sprintf("0x%x", 268435456 + (int(i / 4) % 64) * 65536)
		k = i % 4
		if (k == 0)
			printf "mmap(%s, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = %s\n", a, a
		else if (k == 1)
			printf "mprotect(%s, 4096, PROT_READ) = 0\n", a
		else if (k == 2)
			printf "touch(%s, 8192, \"w\") = SIGSEGV SEGV_ACCERR\n", a
		else
			printf "munmap(%s, 16384) = 0\n", a
	}
}'
