/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mapping address ranges, the interface of mmap.c and its helpers to the other mm files
 * (mm/internal.h's and include/linux/mman.h's share): the layout and unmapped-area search,
 * mmap_region and the special mappings exec installs, the rlimit checks a growing mapping
 * passes, the overcommit charge (util.c), and the MDWE and fork-inheritance rules of
 * mm->flags (prctl.c). The system calls themselves are declared in syscalls.h.
 * Context: every function expects mmap_lock held for writing unless it says otherwise.
 */
#ifndef MMLAB_MM_MMAP_H
#define MMLAB_MM_MMAP_H

#include "mm/task.h"

#define DEFAULT_MAP_WINDOW TASK_SIZE_MAX	/* The top of the user address space x86 hands out */

/* mmap.c */
void arch_pick_mmap_layout(struct task *tsk);
unsigned long get_unmapped_area(struct task *tsk, struct file *file, unsigned long addr,
				unsigned long len, pgoff_t pgoff, unsigned long flags,
				vm_flags_t vm_flags);
bool may_expand_vm(struct task *tsk, vm_flags_t flags, unsigned long npages);
bool mlock_future_ok(struct task *tsk, vm_flags_t flags, unsigned long bytes);
unsigned long mmap_region(struct task *tsk, struct file *file, unsigned long addr,
			  unsigned long len, vm_flags_t vm_flags, pgoff_t pgoff);
int __must_check vm_brk_flags(struct task *tsk, unsigned long addr, unsigned long len,
			      vm_flags_t flags);
int __must_check insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
int __must_check insert_special_vma(struct task *tsk, unsigned long start, unsigned long end,
				    vm_flags_t flags, const struct vm_operations_struct *ops);
uint64_t task_random(struct task *tsk);

/* util.c */
int __must_check security_vm_enough_memory_mm(struct task *tsk, struct mm_struct *mm,
					      long pages);

/* prctl.c */
unsigned long mmf_init_flags(unsigned long flags);
bool map_deny_write_exec(const struct mm_struct *mm, vm_flags_t old, vm_flags_t new);

#endif /* MMLAB_MM_MMAP_H */
