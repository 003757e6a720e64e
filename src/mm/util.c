// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Overcommit accounting (mm/util.c's __vm_enough_memory, vm_commit_limit, vm_memory_committed
 * and the vm.overcommit_* sysctls; security/commoncap.c's cap_vm_enough_memory): every
 * private writable mapping (VM_ACCOUNT) and every shared anonymous object is charged in pages
 * against the machine's committed total when it is created or grows, and uncharged when it
 * goes; the charge is refused with ENOMEM according to vm.overcommit_memory - 0 (heuristic:
 * a single request larger than RAM plus swap), 1 (never refused) or 2 (the committed total
 * must stay below CommitLimit, less the admin reserve for tasks without CAP_SYS_ADMIN and a
 * per-process reserve of total_vm/32 at most vm.user_reserve_kbytes). The callers are the
 * kernel's: mmap_region, do_brk_flags, mprotect_fixup, mremap, acct_stack_growth, dup_mmap
 * and the shmem setup charge; munmap, exit_mmap, mprotect and shmem freeing uncharge.
 * The total is exact (the kernel's per-CPU counter is approximate by a batch per CPU).
 * Swap enters the formulas as the active areas' slots plus the configuration's swap_bytes.
 * Left out: hugetlb pages (hugetlb_total_pages() is 0).
 */
#include "mm/memfd.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/shm.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mmlab.h"

#include <string.h>

#define DEFAULT_OVERCOMMIT_RATIO 50
#define ADMIN_RESERVE_MAX_KB (8UL << 10)	/* 8 MiB */
#define USER_RESERVE_MAX_KB (128UL << 10)	/* 128 MiB */

/**
 * vm_commit_init - the sysctls as the kernel boots with them, then the machine config's: the
 * admin and user reserves are 1/32 of the free memory capped at 8 MiB and 128 MiB
 * (init_admin_reserve, init_user_reserve).
 * @m: the machine, its memory initialised.
 * @cfg: the machine config, or NULL.
 *
 * Context: machine creation.
 */
void vm_commit_init(struct machine *m, const struct mmlab_machine_config *cfg)
{
	struct vm_commit *vc = &m->commit;
	unsigned long free_kb = zone_page_state_free(&m->pgdat.zone) << (PAGE_SHIFT - 10);

	*vc = (struct vm_commit){
		.overcommit_memory = cfg ? cfg->overcommit_memory : OVERCOMMIT_GUESS,
		.overcommit_ratio = cfg && cfg->overcommit_ratio ? (int)cfg->overcommit_ratio
								 : DEFAULT_OVERCOMMIT_RATIO,
		.overcommit_kbytes = cfg ? cfg->overcommit_kbytes : 0,
		.admin_reserve_kbytes = min(free_kb / 32, ADMIN_RESERVE_MAX_KB),
		.user_reserve_kbytes = min(free_kb / 32, USER_RESERVE_MAX_KB),
		.total_swap_pages = cfg ? cfg->swap_bytes >> PAGE_SHIFT : 0,
	};
	/* Writing overcommit_kbytes zeroes the ratio, as the sysctl handler does. */
	if (vc->overcommit_kbytes)
		vc->overcommit_ratio = 0;
}

/**
 * vm_acct_memory - add @pages to the committed total.
 * @m: the machine.
 * @pages: the charge, in pages.
 *
 * Context: any.
 */
void vm_acct_memory(struct machine *m, long pages)
{
	__atomic_add_fetch(&m->commit.committed_as, pages, __ATOMIC_RELAXED);
}

/**
 * vm_unacct_memory - return @pages of charge.
 * @m: the machine.
 * @pages: the charge, in pages.
 *
 * Context: any.
 */
void vm_unacct_memory(struct machine *m, long pages)
{
	vm_acct_memory(m, -pages);
}

/**
 * vm_commit_limit - CommitLimit in pages: vm.overcommit_kbytes when set, else
 * vm.overcommit_ratio percent of RAM (less hugetlb pages, none here); plus swap.
 * @m: the machine.
 *
 * Context: any.
 * Return: the limit in pages.
 */
unsigned long vm_commit_limit(struct machine *m)
{
	const struct vm_commit *vc = &m->commit;
	unsigned long allowed;

	if (vc->overcommit_kbytes)
		allowed = vc->overcommit_kbytes >> (PAGE_SHIFT - 10);
	else
		allowed = m->pgdat.zone.managed_pages * (unsigned long)vc->overcommit_ratio / 100;
	return allowed + vc->total_swap_pages;
}

/**
 * vm_memory_committed - Committed_AS in pages (never negative).
 * @m: the machine.
 *
 * Context: any.
 * Return: the committed total.
 */
unsigned long vm_memory_committed(struct machine *m)
{
	long c = __atomic_load_n(&m->commit.committed_as, __ATOMIC_RELAXED);

	return c > 0 ? (unsigned long)c : 0;
}

/*
 * __vm_enough_memory: charge @pages, then take the charge back and refuse when the policy
 * says the machine cannot promise them. The charge comes first, so mode 2 compares the
 * total including this request with the limit.
 */
static int __vm_enough_memory(struct machine *m, struct mm_struct *mm, long pages,
			      bool cap_sys_admin)
{
	const struct vm_commit *vc = &m->commit;
	long allowed;

	vm_acct_memory(m, pages);
	switch (vc->overcommit_memory) {
	case OVERCOMMIT_ALWAYS:
		return 0;
	case OVERCOMMIT_GUESS:
		if (pages > (long)(m->pgdat.zone.managed_pages + vc->total_swap_pages))
			goto error;
		return 0;
	}
	allowed = (long)vm_commit_limit(m);
	if (!cap_sys_admin)
		allowed -= (long)(vc->admin_reserve_kbytes >> (PAGE_SHIFT - 10));
	if (mm)
		allowed -= (long)min(mm->total_vm / 32, vc->user_reserve_kbytes >> (PAGE_SHIFT - 10));
	if ((long)vm_memory_committed(m) < allowed)
		return 0;
error:
	vm_unacct_memory(m, pages);
	return -ENOMEM;
}

/**
 * security_vm_enough_memory_mm - charge @pages for @mm on behalf of @tsk, whose CAP_SYS_ADMIN
 * lifts the admin reserve (cap_vm_enough_memory).
 * @tsk: the calling task.
 * @mm: the address space that grows (its size sets the per-process reserve).
 * @pages: the charge; 0 still checks the limit in mode 2, as the kernel's does.
 *
 * Context: mmap_lock held for writing.
 * Return: 0 with the charge made, or -ENOMEM with nothing charged.
 */
int security_vm_enough_memory_mm(struct task *tsk, struct mm_struct *mm, long pages)
{
	return __vm_enough_memory(mm->machine, mm, pages, capable(tsk, CAP_SYS_ADMIN));
}

/* The sysctls mmlab_sysctl knows, with the range the kernel's handler accepts. */
struct vm_sysctl {
	const char *name;
	size_t offset;			/* In struct vm_commit */
	bool is_int;
	unsigned long max;
};

#define VM_SYSCTL(n, field, isint, mx)                                                             \
	{ .name = n, .offset = offsetof(struct vm_commit, field), .is_int = isint, .max = mx }
static const struct vm_sysctl vm_sysctls[] = {
	VM_SYSCTL("vm.overcommit_memory", overcommit_memory, true, OVERCOMMIT_NEVER),
	VM_SYSCTL("vm.overcommit_ratio", overcommit_ratio, true, INT_MAX),
	VM_SYSCTL("vm.overcommit_kbytes", overcommit_kbytes, false, ULONG_MAX),
	VM_SYSCTL("vm.admin_reserve_kbytes", admin_reserve_kbytes, false, ULONG_MAX),
	VM_SYSCTL("vm.user_reserve_kbytes", user_reserve_kbytes, false, ULONG_MAX),
};

/**
 * mmlab_sysctl - read and/or write one of the machine's vm sysctls, as /proc/sys/vm does:
 * "vm.overcommit_memory" (0, 1, 2), "vm.overcommit_ratio" (writing it zeroes
 * overcommit_kbytes), "vm.overcommit_kbytes" (writing it zeroes the ratio),
 * "vm.admin_reserve_kbytes", "vm.user_reserve_kbytes"; and SysV shm's "kernel.shmmax",
 * "kernel.shmall", "kernel.shmmni" (shm.c), memfd's "vm.memfd_noexec" (memfd.c), swap's
 * "vm.page-cluster" (swapfile.c).
 * @m: the machine.
 * @name: the sysctl.
 * @new_val: the value to write, or NULL.
 * @old_val: receives the value before the write, or NULL.
 *
 * Context: any; a concurrent charge sees the old or the new policy.
 * Return: 0; -EINVAL (NULL @m or @name, a value out of range); -ENOENT (unknown name).
 */
MMLAB_EXPORT int mmlab_sysctl(struct mmlab_machine *m, const char *name, const uint64_t *new_val,
			      uint64_t *old_val)
{
	struct vm_commit *vc;
	int ret;

	if (!m || !name)
		return -EINVAL;
	vc = &machine_of(m)->commit;
	for (size_t i = 0; i < ARRAY_SIZE(vm_sysctls); i++) {
		const struct vm_sysctl *s = &vm_sysctls[i];
		void *p = (char *)vc + s->offset;

		if (strcmp(name, s->name))
			continue;
		if (new_val && *new_val > s->max)
			return -EINVAL;
		if (old_val)
			*old_val = s->is_int ? (uint64_t)*(int *)p : *(unsigned long *)p;
		if (!new_val)
			return 0;
		if (s->is_int)
			*(int *)p = (int)*new_val;
		else
			*(unsigned long *)p = *new_val;
		if (p == &vc->overcommit_ratio)
			vc->overcommit_kbytes = 0;
		else if (p == &vc->overcommit_kbytes)
			vc->overcommit_ratio = 0;
		return 0;
	}
	ret = shm_sysctl(machine_of(m), name, new_val, old_val);
	if (ret == -ENOENT)
		ret = memfd_sysctl(machine_of(m), name, new_val, old_val);
	if (ret == -ENOENT)
		ret = oom_sysctl(machine_of(m), name, new_val, old_val);
	return ret == -ENOENT ? swap_sysctl(machine_of(m), name, new_val, old_val) : ret;
}
