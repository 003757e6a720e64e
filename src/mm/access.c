// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory access through a task: the public side of the fault layer. A task runs its accesses
 * on a CPU context (as if scheduled there, switch_mm and switch_to's PKRU load): the context
 * loads the task's mm - a full TLB flush when it held another - and its fault hook becomes the
 * task's do_user_addr_fault. Faults then resolve exactly as the kernel's, or end in the signal
 * Linux would deliver (struct mmlab_fault). It stands for the user-mode instructions that
 * touch memory, whose kernel side is arch/x86/mm/fault.c (fault.c here).
 * Left out: concurrent accesses of one task from several host threads (a task is one thread).
 */
#include "mm/memory.h"
#include "mm/task.h"
#include "mm/fault.h"
#include "mm/uaccess.h"
#include "mmu/mmu.h"
#include "mmlab.h"

#include <string.h>

/* The fault runs in kernel mode: TLB shootdowns may reach the CPU meanwhile. */
static enum mmu_fault_result task_fault_handler(struct mmu_cpu *cpu, struct mmu_fault *f,
						void *data)
{
	int err;

	mmu_user_exit(cpu);
	err = do_user_addr_fault(data, cpu, f);
	if (!err)
		return MMU_FAULT_RETRY;	/* its mmu_tlb_fill went back to user mode */
	mmu_user_enter(cpu);
	return MMU_FAULT_SIGNAL;
}

/*
 * task_cpu_enter - schedules @t on its CPU context: loads its mm and makes its fault path the
 * context's, and enters user mode there until task_cpu_exit. The system calls' user copies
 * (uaccess.c) run there too.
 */
struct mmu_cpu *task_cpu_enter(struct mmlab_task *t)
{
	struct mmu_cpu *cpu = t->tsk.mm->machine->cpus[t->cpu];

	mmu_user_enter(cpu);
	mmu_switch_mm(cpu, t->tsk.mm);
	/* A context switch restores the thread's PKRU (switch_to's x86_pkru_load). */
	if (cpu->pke)
		mmu_write_pkru(cpu, t->tsk.pkru);
	cpu->fault_handler = task_fault_handler;
	cpu->fault_data = &t->tsk;
	return cpu;
}

/* task_cpu_exit - the CPU leaves user mode: TLB shootdowns reach it again. */
void task_cpu_exit(struct mmu_cpu *cpu)
{
	mmu_user_exit(cpu);
}

static void report_fault(const struct mmu_cpu *cpu, struct mmlab_fault *fault)
{
	const struct mmu_fault *f = &cpu->last_fault;

	if (fault)
		*fault = (struct mmlab_fault){ .signo = f->signo, .code = f->si_code,
					       .addr = f->sig_addr, .fault_addr = f->address,
					       .error_code = f->error_code, .pkey = f->pkey };
}

MMLAB_EXPORT int mmlab_task_set_cpu(struct mmlab_task *t, unsigned int cpu)
{
	if (!t || cpu >= MMLAB_MAX_CPUS || !t->tsk.mm->machine->cpus[cpu])
		return -EINVAL;
	t->cpu = cpu;
	return 0;
}

static int access_check(struct mmlab_task *t, const void *buf, uint64_t len)
{
	if (!t || (len && !buf))
		return -EINVAL;
	return t->vfork_child ? -EBUSY : 0;
}

MMLAB_EXPORT int mmlab_touch(struct mmlab_task *t, uint64_t addr, uint64_t len, const char *mode,
			     struct mmlab_fault *fault)
{
	enum mmu_access acc;
	struct mmu_cpu *cpu;
	uint64_t a, end;
	int err = access_check(t, mode, 1);

	if (err)
		return err;
	if (!strcmp(mode, "r"))
		acc = MMU_READ;
	else if (!strcmp(mode, "w"))
		acc = MMU_WRITE;
	else if (!strcmp(mode, "x"))
		acc = MMU_EXEC;
	else
		return -EINVAL;
	if (!len)
		return 0;
	end = addr + len;
	if (end < addr)
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	cpu = task_cpu_enter(t);
	/* One access per page: at @addr, then at each following page's first byte. */
	for (a = addr; a < end; a = (a & PAGE_MASK) + PAGE_SIZE) {
		void *host;

		if (mmu_translate(cpu, (unsigned long)a, acc, &host)) {
			report_fault(cpu, fault);
			err = -EFAULT;
			break;
		}
		if ((a & PAGE_MASK) + PAGE_SIZE < a) /* the last page of the address space */
			break;
	}
	task_cpu_exit(cpu);
	return err;
}

/*
 * A copy between the caller's memory and the task's, as copy_to_user/copy_from_user: @into
 * is where a read (peek) lands, NULL for a write (poke) of @from. The fault, if any, is
 * reported as the access that met it.
 */
static int task_copy(struct mmlab_task *t, uint64_t addr, void *into, const void *from,
		     uint64_t len, struct mmlab_fault *fault)
{
	struct mmu_cpu *cpu;
	int err = access_check(t, into ? into : from, len);
	size_t left;

	if (err)
		return err;
	TASK_ENTER(&t->tsk);
	cpu = task_cpu_enter(t);
	left = into ? mmu_copy_from_user(cpu, into, (unsigned long)addr, len)
		    : mmu_copy_to_user(cpu, (unsigned long)addr, from, len);
	task_cpu_exit(cpu);
	if (left) {
		report_fault(cpu, fault);
		return -EFAULT;
	}
	return 0;
}

MMLAB_EXPORT int mmlab_poke(struct mmlab_task *t, uint64_t addr, const void *buf, uint64_t len,
			    struct mmlab_fault *fault)
{
	return task_copy(t, addr, NULL, buf, len, fault);
}

MMLAB_EXPORT int mmlab_peek(struct mmlab_task *t, uint64_t addr, void *buf, uint64_t len,
			    struct mmlab_fault *fault)
{
	return task_copy(t, addr, buf, NULL, len, fault);
}
