// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory access through a task, and the page-level counters of tasks and the machine: the
 * public side of the fault layer. A task runs its accesses on a CPU context (as if scheduled
 * there): the context loads the task's mm - a full TLB flush when it held another - and its
 * fault hook becomes the task's do_user_addr_fault. Faults then resolve exactly as the
 * kernel's, or end in the signal Linux would deliver (struct mmlab_fault).
 * Also here: mincore(2), the per-task counters behind
 * /proc/pid/stat and status (minflt, majflt, RSS by type, VmHWM, VmPTE) and /proc/vmstat.
 * Left out: concurrent accesses of one task from several host threads (a task is one thread).
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mmu/mmu.h"
#include "mmlab.h"

#include <string.h>

static enum mmu_fault_result task_fault_handler(struct mmu_cpu *cpu, struct mmu_fault *f,
						void *data)
{
	(void)cpu;
	return do_user_addr_fault(data, f) ? MMU_FAULT_SIGNAL : MMU_FAULT_RETRY;
}

/* Schedules @t on its CPU context: loads its mm and makes its fault path the context's. */
static struct mmu_cpu *task_cpu_enter(struct mmlab_task *t)
{
	struct mmu_cpu *cpu = t->tsk.mm->machine->cpus[t->cpu];

	mmu_switch_mm(cpu, t->tsk.mm);
	/* A context switch restores the thread's PKRU (switch_to's x86_pkru_load). */
	if (cpu->pke)
		mmu_write_pkru(cpu, t->tsk.pkru);
	cpu->fault_handler = task_fault_handler;
	cpu->fault_data = &t->tsk;
	return cpu;
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
	cpu = task_cpu_enter(t);
	/* One access per page: at @addr, then at each following page's first byte. */
	for (a = addr; a < end; a = (a & PAGE_MASK) + PAGE_SIZE) {
		void *host;

		if (mmu_translate(cpu, (unsigned long)a, acc, &host)) {
			report_fault(cpu, fault);
			return -EFAULT;
		}
		if ((a & PAGE_MASK) + PAGE_SIZE < a) /* the last page of the address space */
			break;
	}
	return 0;
}

MMLAB_EXPORT int mmlab_poke(struct mmlab_task *t, uint64_t addr, const void *buf, uint64_t len,
			    struct mmlab_fault *fault)
{
	struct mmu_cpu *cpu;
	int err = access_check(t, buf, len);

	if (err)
		return err;
	cpu = task_cpu_enter(t);
	if (mmu_copy_to_user(cpu, (unsigned long)addr, buf, len)) {
		report_fault(cpu, fault);
		return -EFAULT;
	}
	return 0;
}

MMLAB_EXPORT int mmlab_peek(struct mmlab_task *t, uint64_t addr, void *buf, uint64_t len,
			    struct mmlab_fault *fault)
{
	struct mmu_cpu *cpu;
	int err = access_check(t, buf, len);

	if (err)
		return err;
	cpu = task_cpu_enter(t);
	if (mmu_copy_from_user(cpu, buf, (unsigned long)addr, len)) {
		report_fault(cpu, fault);
		return -EFAULT;
	}
	return 0;
}

MMLAB_EXPORT int mmlab_mincore(struct mmlab_task *t, uint64_t addr, uint64_t len,
			       unsigned char *vec)
{
	long ret;

	if (!t || (len && !vec))
		return -EINVAL;
	mmap_read_lock(t->tsk.mm);
	ret = do_mincore(&t->tsk, (unsigned long)addr, (size_t)len, vec);
	mmap_read_unlock(t->tsk.mm);
	return (int)ret;
}

MMLAB_EXPORT uint64_t mmlab_reclaim_lazyfree(struct mmlab_task *t)
{
	unsigned long nr;

	if (!t)
		return 0;
	mmap_write_lock(t->tsk.mm);
	nr = reclaim_lazyfree(t->tsk.mm);
	mmap_write_unlock(t->tsk.mm);
	return nr;
}

MMLAB_EXPORT int mmlab_task_pid(const struct mmlab_task *t)
{
	return t ? t->tsk.pid : -EINVAL;
}

MMLAB_EXPORT int mmlab_task_tgid(const struct mmlab_task *t)
{
	return t ? t->tsk.tgid : -EINVAL;
}

MMLAB_EXPORT int mmlab_task_same_mm(const struct mmlab_task *a, const struct mmlab_task *b)
{
	return a && b && a->tsk.mm == b->tsk.mm;
}

MMLAB_EXPORT void mmlab_task_mem(struct mmlab_task *t, struct mmlab_task_mem *st)
{
	struct mm_struct *mm = t->tsk.mm;

	mmap_read_lock(mm);
	*st = (struct mmlab_task_mem){
		.minflt = t->tsk.min_flt,
		.majflt = t->tsk.maj_flt,
		.rss_anon = (uint64_t)get_mm_counter(mm, MM_ANONPAGES),
		.rss_file = (uint64_t)get_mm_counter(mm, MM_FILEPAGES),
		.rss_shmem = (uint64_t)get_mm_counter(mm, MM_SHMEMPAGES),
		.swapents = (uint64_t)get_mm_counter(mm, MM_SWAPENTS),
		.rss = get_mm_rss(mm),
		.hiwater_rss = get_mm_hiwater_rss(mm),
		.total_vm = mm->total_vm,
		.hiwater_vm = get_mm_hiwater_vm(mm),
		.pgtables_bytes = (uint64_t)mm->pgtables_bytes,
		.mm_users = (uint64_t)mm->mm_users,
	};
	mmap_read_unlock(mm);
}

MMLAB_EXPORT int mmlab_vmstat_get(struct mmlab_machine *mm, const char *name, uint64_t *val)
{
	struct machine *m;

	if (!mm || !name || !val)
		return -EINVAL;
	m = machine_of(mm);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		if (vmstat_text[i] && !strcmp(vmstat_text[i], name)) {
			*val = __atomic_load_n(&m->vm_events[i], __ATOMIC_RELAXED);
			return 0;
		}
	}
	return -ENOENT;
}

MMLAB_EXPORT const char *mmlab_vmstat_name(unsigned int i, int *kernel)
{
	if (i >= NR_VM_EVENT_ITEMS)
		return NULL;
	if (kernel)
		*kernel = i < NR_VM_KERNEL_EVENT_ITEMS;
	return vmstat_text[i];
}
