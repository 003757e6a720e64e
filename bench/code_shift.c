// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Linked first into a fault_placement_N program (bench/CMakeLists.txt): CODE_SHIFT_BYTES
 * bytes of code that nothing calls, so that every function linked after it - the benchmark's
 * and the whole of libmmlab - sits that much further on. Only where the code lies changes.
 */
#define STR(x) #x
#define XSTR(x) STR(x)

void bench_code_shift(void);

__attribute__((used, aligned(16))) void bench_code_shift(void)
{
	__asm__ volatile(".skip " XSTR(CODE_SHIFT_BYTES) " - 1, 0x90");
}
