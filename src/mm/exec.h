/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A task as exec leaves it: what exec.c (task creation, the exec layout, the vDSO's special
 * mappings) and binfmt_elf.c (the mm fields an ELF executable sets) offer the maps importer,
 * which builds the same task from a snapshot (include/linux/binfmts.h's share).
 */
#ifndef MMLAB_MM_EXEC_H
#define MMLAB_MM_EXEC_H

#include "mm/task.h"

#define ELF_ET_DYN_BASE 0x555555554000UL /* Where a PIE is loaded without ASLR */
#define DEFAULT_IMAGE_END 0x5000UL	/* Where a small PIE's bss ends, from its load address */

/* The vDSO's special mappings (arch/x86/entry/vdso/vma.c): they never split or merge. */
#define VVAR_FLAGS (VM_READ | VM_MAYREAD | VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
#define VDSO_FLAGS (VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND)
extern const struct vm_operations_struct vvar_ops, vclock_ops, vdso_ops;

struct mmlab_machine;
struct mmlab_task_config;

/* exec.c */
struct mmlab_task *task_alloc(struct mmlab_machine *m, const struct mmlab_task_config *c);

/* binfmt_elf.c */
unsigned long elf_mm_layout(struct mm_struct *mm, struct vm_area_struct *exe);

#endif /* MMLAB_MM_EXEC_H */
