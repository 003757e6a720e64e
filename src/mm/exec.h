/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec's objects (include/linux/binfmts.h's share): struct linux_binprm, the state one execve
 * threads from the open of the file to the new stack, and what exec.c (task creation, the
 * new mm, the argument strings, the stack VMA), vdso.c (the vDSO's special mappings),
 * binfmt_elf.c (the ELF loader, and the mm fields an ELF executable sets, which the maps
 * importer asks about too) and binfmt_script.c offer each other.
 */
#ifndef MMLAB_MM_EXEC_H
#define MMLAB_MM_EXEC_H

#include "mm/task.h"

#define ELF_ET_DYN_BASE 0x555555554000UL /* Where a PIE is loaded without ASLR */
#define DEFAULT_IMAGE_END 0x5000UL	/* Where a small PIE's bss ends, from its load address */

/* The vDSO's special mappings (vdso.c): they never split or merge. */
#define VDSO_TEXT_PAGES 2UL		/* [vdso]: this host's image, 8 KiB */
#define VVAR_FLAGS (VM_READ | VM_MAYREAD | VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
#define VDSO_FLAGS (VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND)
extern const struct vm_operations_struct vvar_ops, vclock_ops, vdso_ops;

#define BINPRM_BUF_SIZE 256		/* The file's first bytes every format looks at */
#define MAX_ARG_STRLEN (32 * PAGE_SIZE)	/* One argument or variable, its NUL included */
#define MAX_ARG_STRINGS 0x7fffffff	/* Arguments (and variables) one exec takes */
#define STACK_TOP (TASK_SIZE_MAX)	/* x86_64 with 4-level tables: TASK_SIZE_LOW */
#define STACK_TOP_MAX (TASK_SIZE_MAX)
#define BINPRM_FLAGS_PATH_INACCESSIBLE 0x4 /* filename is /dev/fd/N/... of a close-on-exec fd */
#define BINPRM_FLAGS_PRESERVE_ARGV0 0x8	/* AT_FLAGS_PRESERVE_ARGV0 (binfmt_misc's P flag) */

/* What setup_arg_pages makes of the stack's execute permission (PT_GNU_STACK). */
enum exec_stack {
	EXSTACK_DEFAULT,		/* No PT_GNU_STACK: the architecture's default */
	EXSTACK_DISABLE_X,		/* PT_GNU_STACK without PF_X */
	EXSTACK_ENABLE_X,		/* PT_GNU_STACK with PF_X: VM_EXEC on the stack */
};

/*
 * The top of the new stack while it is built, in host memory: the bytes of stack addresses
 * [top - size, top). The strings go there first, at addresses as if the stack ended at
 * STACK_TOP_MAX (the kernel's temporary stack VMA); setup_arg_pages moves @top to the real
 * stack top, create_elf_tables adds the tables below, and the whole is then written through
 * the task's page tables at once.
 */
struct bprm_stack {
	unsigned char *bytes;		/* size bytes, zero where nothing was written */
	size_t size;			/* Bytes held (grows by doubling) */
	unsigned long top;		/* Stack address just past bytes[size - 1] */
};

/* One execve's state (struct linux_binprm): from the open of the file to the new stack. */
struct linux_binprm {
	struct mmlab_task *task;	/* Who executes */
	struct file *file;		/* The file being loaded; its writes denied */
	struct file *interpreter;	/* What a format asked to load next (#! scripts), or NULL */
	const char *filename;		/* The path execve got, or fdpath (AT_EXECFN's string) */
	char *fdpath;			/* execveat relative to a dirfd: "/dev/fd/N[/path]" */
	char *interp;			/* The path of the file being loaded (malloc'd) */
	char buf[BINPRM_BUF_SIZE];	/* The file's first bytes, zero beyond its end */
	int argc, envc;			/* Strings on the stack */
	unsigned int interp_flags;	/* BINPRM_FLAGS_* (AT_FLAGS) */
	unsigned long p;		/* Lowest byte of the strings so far (stack address) */
	unsigned long argmin;		/* p may not go below: the strings' share of the stack */
	unsigned long exec;		/* Where the filename string is (AT_EXECFN) */
	unsigned long rlim_stack;	/* RLIMIT_STACK at the call (the new stack's limit) */
	struct bprm_stack stack;	/* The new stack's top, built in host memory */
	struct mm_struct *mm;		/* The new address space until begin_new_exec installs it */
	struct vm_area_struct *vma;	/* The new stack's VMA, once setup_arg_pages made it */
	bool point_of_no_return;	/* The old mm is gone: a failure now kills the process */
	int depth;			/* Formats that handed over to an interpreter (#!) */
};

struct mmlab_machine;
struct mmlab_task_config;

/* exec.c */
struct mmlab_task *task_alloc(struct mmlab_machine *m, const struct mmlab_task_config *c);
struct file *open_exec(struct mmlab_task *t, const char *name, bool nofollow);
ssize_t kernel_read(struct file *file, void *buf, size_t count, loff_t pos);
int __must_check begin_new_exec(struct linux_binprm *bprm);
void setup_new_exec(struct linux_binprm *bprm);
int __must_check setup_arg_pages(struct linux_binprm *bprm, unsigned long stack_top,
				 enum exec_stack executable_stack);
int __must_check copy_string_kernel(const char *arg, struct linux_binprm *bprm);
int __must_check remove_arg_zero(struct linux_binprm *bprm);
int __must_check bprm_change_interp(const char *interp, struct linux_binprm *bprm);
void *bprm_stack_at(struct linux_binprm *bprm, unsigned long addr, size_t len);
unsigned long arch_align_stack(struct task *tsk, unsigned long sp);
unsigned long randomize_page(struct task *tsk, unsigned long start, unsigned long range);

/* vdso.c */
int __must_check map_vdso(struct task *tsk, unsigned long *vdso);
struct machine;
void vdso_exit(struct machine *m);

/* binfmt_elf.c */
unsigned long elf_mm_layout(struct mm_struct *mm, struct vm_area_struct *exe);
int load_elf_binary(struct linux_binprm *bprm);

/* binfmt_script.c */
int load_script(struct linux_binprm *bprm);

#endif /* MMLAB_MM_EXEC_H */
