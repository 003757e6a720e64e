/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The user fault entry (arch/x86/mm/fault.c): what the MMU's fault hook calls, and stack
 * growth; and the faulting task's lookup through its VMA cache (vmacache.c).
 */
#ifndef MMLAB_MM_FAULT_H
#define MMLAB_MM_FAULT_H

#include "mm/task.h"

struct vm_area_struct *vmacache_find_vma(struct task *tsk, unsigned long addr);
int __must_check expand_stack(struct task *tsk, struct vm_area_struct *vma, unsigned long addr);
struct mmu_cpu;
struct mmu_fault;
int do_user_addr_fault(struct task *tsk, struct mmu_cpu *cpu, struct mmu_fault *f);

#endif /* MMLAB_MM_FAULT_H */
