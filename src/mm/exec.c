// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A task as exec leaves it (fs/exec.c, fs/binfmt_elf.c's layout choices, the vDSO's special
 * mappings of arch/x86/entry/vdso, and kernel/fork.c's copy_process for the task itself): the
 * limits the config asks for on top of the kernel's defaults, its ids with every capability or
 * none (sys.c, capability.c), an empty mm, then the stack, vvar/vdso and the brk start, with ASLR
 * from the config's seed. maps_import.c builds the same task from a /proc/PID/maps snapshot.
 * Left out: the ELF image itself (no binary is mapped; the brk area starts where a small PIE
 * would end it), argv and the environment (their bounds sit at the stack's top).
 */
#include "mm/exec.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/pkeys.h"
#include "mm/mmap.h"
#include "mm/task.h"
#include "mmlab.h"

#define STACK_RND_MASK 0x3fffffUL
#define INITIAL_STACK 0x21000UL		/* 132 KiB: what a small program's [stack] spans */

/* The address space of @t, for white-box tests (tests/unit/test_vma_merge.c). */
struct mm_struct *task_mm(struct mmlab_task *t)
{
	return t->tsk.mm;
}

static const char *vvar_name(struct vm_area_struct *vma)
{
	return "[vvar]";
}
static const char *vclock_name(struct vm_area_struct *vma)
{
	return "[vvar_vclock]";
}
static const char *vdso_name(struct vm_area_struct *vma)
{
	return "[vdso]";
}
static int special_no_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/* The vDSO's special mappings: named in maps, never split (special_mapping_split). */
const struct vm_operations_struct vvar_ops = { .name = vvar_name,
					       .may_split = special_no_split };
const struct vm_operations_struct vclock_ops = { .name = vclock_name,
						 .may_split = special_no_split };
const struct vm_operations_struct vdso_ops = { .name = vdso_name,
					       .may_split = special_no_split };

/* The limits the config asks for: soft limits, the hard limits raised to them if below. */
static void task_config_rlimit(struct signal_struct *sig, unsigned int res, uint64_t cur)
{
	if (!cur)
		return;
	sig->rlim[res].rlim_cur = cur;
	if (sig->rlim[res].rlim_max < cur)
		sig->rlim[res].rlim_max = cur;
}

static int task_config(struct task *tsk, struct machine *m, const struct mmlab_task_config *c)
{
	struct mm_config *cfg = &tsk->cfg;

	tsk->signal = signal_alloc(m);
	if (!tsk->signal)
		return -ENOMEM;
	cfg->randomize = c ? !c->no_aslr : true;
	cfg->legacy_layout = c && c->legacy_layout;
	cred_init(&tsk->cred, c ? c->uid : 0, c ? c->gid : 0, c && c->privileged);
	tsk->umask = 0022;	/* init_fs's */
	cfg->mmap_min_addr = c && c->mmap_min_addr ? c->mmap_min_addr : 65536;
	cfg->max_map_count = c && c->max_map_count ? c->max_map_count : DEFAULT_MAX_MAP_COUNT;
	cfg->seed = c ? c->seed : 0;
	if (c) {
		task_config_rlimit(tsk->signal, RLIMIT_STACK, c->rlimit_stack);
		task_config_rlimit(tsk->signal, RLIMIT_AS, c->rlimit_as);
		task_config_rlimit(tsk->signal, RLIMIT_DATA, c->rlimit_data);
		task_config_rlimit(tsk->signal, RLIMIT_MEMLOCK, c->rlimit_memlock);
	}
	tsk->rng = cfg->seed;
	return 0;
}

static int mm_init(struct mmlab_task *t, struct mmlab_machine *m)
{
	struct mm_struct *mm = mm_alloc(machine_of(m), &t->tsk.cfg);

	if (IS_ERR(mm))
		return (int)PTR_ERR(mm);
	mm->owner_tgid = t->tsk.tgid;
	t->tsk.mm = mm;
	return 0;
}

/**
 * task_alloc - a task of @m with @c's switches (NULL: the defaults) and an empty address space:
 * limits, credentials, pid, the mm and its layout base, PKRU as exec leaves it; no VMA yet.
 * Context: any; the task is not visible to anyone else.
 * Return: the task, or NULL when out of memory.
 */
struct mmlab_task *task_alloc(struct mmlab_machine *m, const struct mmlab_task_config *c)
{
	struct mmlab_task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (task_config(&t->tsk, machine_of(m), c))
		goto free_task;
	t->tsk.pid = t->tsk.tgid = alloc_pid(machine_of(m));
	if (mm_init(t, m))
		goto free_task;
	/* The task is a program just executed: exec's flush_thread left the default PKRU. */
	t->tsk.pkru = pkru_init_value(machine_of(m));
	arch_pick_mmap_layout(&t->tsk);
	return t;

free_task:
	signal_put(t->tsk.signal);
	free(t);
	return NULL;
}

/* randomize_page(): a page-aligned address in [start, start + range). */
static unsigned long randomize_page(struct task *tsk, unsigned long start, unsigned long range)
{
	range >>= PAGE_SHIFT;
	return start + ((task_random(tsk) % range) << PAGE_SHIFT);
}

/* What exec leaves: the stack, vvar/vdso below mmap_base, and the brk start after the image. */
static int setup_exec_layout(struct mmlab_task *t, const struct mmlab_task_config *c)
{
	struct task *tsk = &t->tsk;
	struct mm_struct *mm = t->tsk.mm;
	unsigned long stack_top = DEFAULT_MAP_WINDOW, load, vdso;
	int err;

	if (tsk->cfg.randomize)
		stack_top -= (task_random(tsk) & STACK_RND_MASK) << PAGE_SHIFT;
	err = insert_special_vma(tsk, stack_top - INITIAL_STACK, stack_top, VM_STACK_FLAGS, NULL);
	if (err)
		return err;
	mm->start_stack = stack_top - PAGE_SIZE;
	mm->arg_start = mm->arg_end = mm->env_start = mm->env_end = mm->start_stack;

	vdso = get_unmapped_area(tsk, NULL, 0, 8 * PAGE_SIZE, 0, 0, 0);
	if (vdso & ~PAGE_MASK)
		return -ENOMEM;
	err = insert_special_vma(tsk, vdso, vdso + 4 * PAGE_SIZE, VVAR_FLAGS, &vvar_ops) ?:
	      insert_special_vma(tsk, vdso + 4 * PAGE_SIZE, vdso + 6 * PAGE_SIZE, VVAR_FLAGS,
				 &vclock_ops) ?:
	      insert_special_vma(tsk, vdso + 6 * PAGE_SIZE, vdso + 8 * PAGE_SIZE, VDSO_FLAGS,
				 &vdso_ops);
	if (err)
		return err;

	load = ELF_ET_DYN_BASE;
	if (tsk->cfg.randomize)
		load += (task_random(tsk) & ((1UL << 28) - 1)) << PAGE_SHIFT;
	mm->start_code = mm->end_code = load;
	mm->start_data = mm->end_data = load + DEFAULT_IMAGE_END;
	mm->start_brk = c && c->start_brk ? c->start_brk : load + DEFAULT_IMAGE_END;
	if (tsk->cfg.randomize && !(c && c->start_brk))
		mm->start_brk = randomize_page(tsk, mm->start_brk, 0x02000000UL);
	mm->brk = mm->start_brk;
	return 0;
}

MMLAB_EXPORT int mmlab_task_create(struct mmlab_machine *m, const struct mmlab_task_config *cfg,
				   struct mmlab_task **out)
{
	struct mmlab_task *t;
	int err;

	if (!m || !out)
		return -EINVAL;
	t = task_alloc(m, cfg);
	if (!t)
		return -ENOMEM;
	mmap_write_lock(t->tsk.mm);
	err = setup_exec_layout(t, cfg);
	mmap_write_unlock(t->tsk.mm);
	if (err) {
		mmlab_task_destroy(t);
		return err;
	}
	*out = t;
	return 0;
}

MMLAB_EXPORT void mmlab_task_destroy(struct mmlab_task *t)
{
	if (t)
		task_exit(t);
}
