/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct machine: one simulated computer as the address-space layer sees it, the object behind
 * a public mmlab_machine handle. It gathers what Linux keeps in globals: the memory node of the
 * physical layer (contig_page_data), the CPU contexts of the MMU layer (the per-CPU
 * cpu_tlbstate, boot_cpu_data's PKU bit), the pid cursor of kernel/pid.c and the overcommit
 * sysctls and total of mm/util.c. Each lower layer gets only its own part: the allocator a
 * struct pglist_data, the MMU that node and the CPU table.
 * Left out: NUMA (one node), CPU hotplug (the CPUs are fixed at creation), pid namespaces.
 */
#ifndef MMLAB_MM_MACHINE_H
#define MMLAB_MM_MACHINE_H

#include "kernel.h"
#include "fs/fs.h"
#include "mmu/mmu.h"
#include "phys/mmzone.h"
#include "mm/oom.h"
#include "mm/printk.h"
#include "mm/psi.h"

#include <pthread.h>

/* vm.overcommit_memory's modes (include/uapi/linux/mman.h) */
#define OVERCOMMIT_GUESS 0
#define OVERCOMMIT_ALWAYS 1
#define OVERCOMMIT_NEVER 2

/* The commit accounting of mm/util.c: sysctls and the committed total (util.c). */
struct vm_commit {
	int overcommit_memory;		/* vm.overcommit_memory: OVERCOMMIT_* */
	int overcommit_ratio;		/* vm.overcommit_ratio, percent of RAM */
	unsigned long overcommit_kbytes; /* vm.overcommit_kbytes; 0: the ratio applies */
	unsigned long admin_reserve_kbytes; /* vm.admin_reserve_kbytes (mode 2, non-admin) */
	unsigned long user_reserve_kbytes; /* vm.user_reserve_kbytes (mode 2, per process) */
	unsigned long total_swap_pages;	/* Swap the formulas count: the active areas' slots
					 * (swapfile.c), plus the configuration's swap_bytes,
					 * which no file backs */
	long committed_as;		/* vm_committed_as in pages; atomic */
};

/*
 * The address spaces the Multi-Gen LRU's aging walks (struct lru_gen_mm_list, for the one
 * root memcg): each mm from its creation to its teardown (lru_gen.c).
 */
struct lru_gen_mm_list {
	pthread_mutex_t lock;		/* The list, and one aging at a time: held through the
					 * walk of every mm and the new generation */
	struct list_head fifo;		/* mm_struct.lru_gen_list, oldest first */
};

struct machine {
	struct pglist_data pgdat;	/* RAM, its frames, the zone, the zero page, vmstat events */
	struct mmu_cpu *cpus[MMLAB_MAX_CPUS]; /* CPU contexts, by id; NULL where none */
	bool no_pku;			/* The CPUs lack protection keys (X86_FEATURE_OSPKE off) */
	bool no_zero_page;		/* Read faults never map pgdat.zero_page (mm_forbids_zeropage) */
	int last_pid;			/* The last pid handed out (kernel/pid.c's idr cursor) */
	struct vm_commit commit;	/* Overcommit sysctls and Committed_AS (util.c) */
	struct vfs vfs;			/* Its files: the overlay under --root, shmem */
	struct ipc_namespace *ipc_ns;	/* SysV shared memory segments (shm.c) */
	int memfd_noexec_scope;		/* vm.memfd_noexec (the pid namespace's): 0 MFD_EXEC by
					 * default, 1 MFD_NOEXEC_SEAL by default, 2 enforced */
	struct vdso_text *vdso_text;	/* The vDSO's pages, made at its first fault (vdso.c);
					 * atomic, NULL before */
	struct swap_state *swap;	/* Swap areas, swap cache, mmlist (swap.h) */
	uint64_t clock_ns;		/* Time passed (mmlab_machine_advance) that the
					 * flusher's centisecond clock has not taken yet, ns */
	pthread_mutex_t tasks_lock;	/* tasklist_lock: protects tasks */
	struct list_head tasks;		/* Every task (task.tasks), oldest first, as
					 * init_task.tasks: for_each_process walks it */
	struct oom_state oom;		/* The OOM killer's lock, sysctls, counters (oom_kill.c) */
	struct printk_log log;		/* The kernel log (printk.c): dmesg */
	struct psi_group psi;		/* Memory pressure and the simulated clock (psi.c) */
	struct lru_gen_mm_list mm_list;	/* --lru mglru: the mms the aging walks (lru_gen.c) */
};

struct ipc_namespace;
struct mmlab_machine;
/* machine.c: the machine behind a public handle */
struct machine *machine_of(struct mmlab_machine *mm);

/* util.c */
struct mmlab_machine_config;
void vm_commit_init(struct machine *m, const struct mmlab_machine_config *cfg);
void vm_acct_memory(struct machine *m, long pages);
void vm_unacct_memory(struct machine *m, long pages);
unsigned long vm_commit_limit(struct machine *m);
unsigned long vm_memory_committed(struct machine *m);

#endif /* MMLAB_MM_MACHINE_H */
