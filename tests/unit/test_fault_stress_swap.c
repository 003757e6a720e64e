// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The data-integrity workload of test_fault_stress (forks, CLONE_VM threads, writes, DONTNEED,
 * MADV_FREE, mprotect and exits, every byte of every task checked against a model) on a
 * machine whose RAM is a quarter of what the tasks hold, with a swap file: reclaim swaps
 * their pages out and faults bring them back, shared by forks and written by each side,
 * and every byte must still read as the model says. At the end swapoff brings back what is
 * left, and every frame and every swap slot is free again.
 */
#define FAULT_STRESS_SWAP 1
#define ARENA_PAGES 512
#include "test_fault_stress.c"
