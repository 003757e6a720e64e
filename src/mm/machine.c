// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public machine API: creating a machine (RAM, frames, zero page, CPU contexts with or
 * without protection keys, the overcommit sysctls of util.c) and bare address spaces on it,
 * and moving bytes through the MMU. A bare space is an MMU context alone (mm_context_t: page
 * tables, no VMAs), the layer an emulator embeds when it manages its own regions; the process
 * API of the address-space layer builds VMAs on an mm_struct that embeds the same context.
 * Left out: anything of a process (VMAs, accounting, protection keys) on a bare space.
 */
#include "mm/exec.h"
#include "mm/lru_gen.h"
#include "mm/machine.h"
#include "mm/memory.h"
#include "mm/shm.h"
#include "mm/shmem.h"
#include "mm/vmscan.h"
#include "mm/swap.h"
#include "mmu/mmu.h"
#include "mmu/pgrange.h"
#include "mmlab.h"

#include <limits.h>
#include <sys/mman.h>

#define DEFAULT_RAM_BYTES (1UL << 30)
#define NSEC_PER_CENTISEC 10000000ULL

struct mmlab_machine {
	struct machine m;
	unsigned int nr_cpus;
};

struct mmlab_space {
	mm_context_t ctx;		/* Page tables and the CPUs that loaded them */
};

struct machine *machine_of(struct mmlab_machine *mm)
{
	return &mm->m;
}

static inline struct mmu_cpu *to_cpu(struct mmlab_cpu *cpu)
{
	return (struct mmu_cpu *)cpu;
}

MMLAB_EXPORT int mmlab_machine_create(const struct mmlab_machine_config *cfg,
				      struct mmlab_machine **out)
{
	size_t ram = cfg && cfg->ram_bytes ? cfg->ram_bytes : DEFAULT_RAM_BYTES;
	unsigned int nr_cpus = cfg && cfg->nr_cpus ? cfg->nr_cpus : 1;
	struct mmlab_machine *mm;
	int err;

	if (!out || nr_cpus > MMLAB_MAX_CPUS || ram % PAGE_SIZE)
		return -EINVAL;
	if (cfg && ((cfg->no_pku != 0 && cfg->no_pku != 1) ||
		    (cfg->no_zero_page != 0 && cfg->no_zero_page != 1) ||
		    (cfg->write_files != 0 && cfg->write_files != 1)))
		return -EINVAL;
	if (cfg && (cfg->overcommit_memory < 0 || cfg->overcommit_memory > 2 ||
		    cfg->overcommit_ratio > INT_MAX))
		return -EINVAL;
	if (cfg && (cfg->readahead_kb < -1 || cfg->max_sectors_kb < 0))
		return -EINVAL;
	if (cfg && (cfg->lru_mode < MMLAB_LRU_CLASSIC || cfg->lru_mode > MMLAB_LRU_CLOCK))
		return -EINVAL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	err = pgdat_init_memory(&mm->m.pgdat, ram);
	if (err)
		goto free_machine;
	vmscan_init(&mm->m, cfg ? cfg->lru_mode : MMLAB_LRU_CLASSIC);
	lru_gen_init_mm_list(&mm->m);
	err = vfs_init(&mm->m.vfs, &mm->m.pgdat, cfg ? cfg->root : NULL,
		       cfg && cfg->write_files);
	if (err)
		goto free_memory;
	if (cfg)
		vfs_set_readahead(&mm->m.vfs, cfg->readahead_kb, cfg->max_sectors_kb);
	/* writeback cleans the mappings of what it writes: the file layer cannot reach them */
	mm->m.vfs.mkclean = mapping_mkclean;
	mm->m.vfs.unmap_folio = mapping_unmap_folio;
	mm->m.vfs.shmem_swap = &shmem_swap_ops;
	vm_commit_init(&mm->m, cfg);
	err = shm_init_ns(&mm->m);
	if (err)
		goto free_vfs;
	err = swap_init(&mm->m);
	if (err)
		goto free_shm;
	pthread_mutex_init(&mm->m.tasks_lock, NULL);
	INIT_LIST_HEAD(&mm->m.tasks);
	oom_init(&mm->m.oom);
	printk_init(&mm->m.log);
	psi_init(&mm->m.psi, &mm->m.pgdat.vm_events);
	mm->m.no_pku = cfg && cfg->no_pku;
	mm->m.no_zero_page = cfg && cfg->no_zero_page;
	for (mm->nr_cpus = 0; mm->nr_cpus < nr_cpus; mm->nr_cpus++) {
		struct mmu_cpu *cpu = mmu_cpu_create(&mm->m.pgdat, mm->m.cpus, mm->nr_cpus,
						     !mm->m.no_pku);

		if (IS_ERR(cpu)) {
			err = (int)PTR_ERR(cpu);
			goto free_cpus;
		}
	}
	*out = mm;
	return 0;

free_cpus:
	while (mm->nr_cpus)
		mmu_cpu_destroy(mm->m.cpus[--mm->nr_cpus]);
	lru_gen_exit_mm_list(&mm->m);
	psi_exit(&mm->m.psi);
	printk_exit(&mm->m.log);
	oom_exit(&mm->m.oom);
	pthread_mutex_destroy(&mm->m.tasks_lock);
	swap_exit(&mm->m);
free_shm:
	shm_exit_ns(&mm->m);
free_vfs:
	vfs_destroy(&mm->m.vfs);
free_memory:
	pgdat_free_memory(&mm->m.pgdat);
free_machine:
	free(mm);
	return err;
}

MMLAB_EXPORT void mmlab_machine_destroy(struct mmlab_machine *mm)
{
	if (!mm)
		return;
	/* umount's sync_filesystem: the host's files get what is still dirty (the CPUs are
	 * still there for the TLB flushes of cleaning mapped pages). An error has nobody to
	 * go to: mmlab_machine_sync first reports it. */
	if (mm->m.vfs.write_files)
		(void)vfs_sync(&mm->m.vfs);
	for (unsigned int i = 0; i < MMLAB_MAX_CPUS; i++)
		mmu_cpu_destroy(mm->m.cpus[i]);
	shm_exit_ns(&mm->m);	/* segments nobody removed: their pages and inodes go first */
	mm->m.vfs.shmem_swap = NULL;	/* shmem inodes left let their slots go with the areas */
	swap_exit(&mm->m);	/* areas detached; swap-cache pages go with RAM */
	vfs_destroy(&mm->m.vfs);
	vdso_exit(&mm->m);
	pgdat_free_memory(&mm->m.pgdat);
	psi_exit(&mm->m.psi);
	printk_exit(&mm->m.log);
	oom_exit(&mm->m.oom);
	lru_gen_exit_mm_list(&mm->m);
	pthread_mutex_destroy(&mm->m.tasks_lock);
	free(mm);
}

MMLAB_EXPORT struct mmlab_cpu *mmlab_machine_cpu(struct mmlab_machine *mm, unsigned int id)
{
	if (!mm || id >= mm->nr_cpus)
		return NULL;
	return (struct mmlab_cpu *)mm->m.cpus[id];
}

MMLAB_EXPORT void mmlab_machine_stats(struct mmlab_machine *mm, struct mmlab_stats *st)
{
	struct machine *m = &mm->m;

	*st = (struct mmlab_stats){
		.ram_pages = m->pgdat.nr_frames,
		.free_pages = zone_page_state_free(&m->pgdat.zone),
		.pgtable_pages = m->pgdat.nr_pgtable_pages,
		.pgalloc = sum_vm_event(&m->pgdat.vm_events, PGALLOC_NORMAL),
		.pgfree = sum_vm_event(&m->pgdat.vm_events, PGFREE),
		.tlb_hits_counted = MMLAB_TLB_HIT_STATS,
	};
	for (unsigned int i = 0; i < MMLAB_MAX_CPUS; i++) {
		struct mmu_cpu *cpu = m->cpus[i];

		if (!cpu)
			continue;
		st->tlb_hits += cpu->tlb.hits;
		st->tlb_misses += cpu->tlb.misses;
		st->tlb_flush_all += cpu->tlb.flush_all;
		st->tlb_flush_one += cpu->tlb.flush_one;
		st->faults += cpu->nr_faults;
		st->tlb_preloads += cpu->tlb.preloads;
	}
}

MMLAB_EXPORT int mmlab_machine_validate(struct mmlab_machine *mm)
{
	return page_alloc_validate(&mm->m.pgdat);
}

MMLAB_EXPORT void mmlab_machine_fail_alloc_after(struct mmlab_machine *mm, unsigned long n)
{
	mm->m.pgdat.alloc_fail_after = n;
}

MMLAB_EXPORT void mmlab_unsaved_files(struct mmlab_machine *mm, uint64_t *pages, uint64_t *files)
{
	unsigned long p = 0, f = 0;

	if (mm)
		vfs_unsaved(&mm->m.vfs, &p, &f);
	if (pages)
		*pages = p;
	if (files)
		*files = f;
}

MMLAB_EXPORT int mmlab_machine_sync(struct mmlab_machine *mm)
{
	if (!mm)
		return -EINVAL;
	return vfs_sync(&mm->m.vfs);
}

MMLAB_EXPORT void mmlab_machine_advance(struct mmlab_machine *mm, uint64_t nanoseconds)
{
	uint64_t ns;

	if (!mm)
		return;
	psi_advance(&mm->m.psi, nanoseconds);	/* idle time: nothing stalls */
	/* Centiseconds are the flusher's unit; what is left of one waits for the next call. */
	ns = mm->m.clock_ns + nanoseconds % NSEC_PER_CENTISEC;
	vfs_advance(&mm->m.vfs, nanoseconds / NSEC_PER_CENTISEC + ns / NSEC_PER_CENTISEC);
	mm->m.clock_ns = ns % NSEC_PER_CENTISEC;
}

MMLAB_EXPORT int mmlab_space_create(struct mmlab_machine *mm, struct mmlab_space **out)
{
	struct mmlab_space *s;
	int err;

	if (!mm || !out)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = init_new_context(&s->ctx, &mm->m.pgdat, mm->m.cpus);
	if (err) {
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

MMLAB_EXPORT void mmlab_space_destroy(struct mmlab_space *s)
{
	struct mmu_cpu **cpus;

	if (!s)
		return;
	cpus = s->ctx.cpus;
	for (unsigned int i = 0; i < MMLAB_MAX_CPUS; i++)
		if (cpus[i])
			mmu_leave_context(cpus[i], &s->ctx);
	pt_unmap_range(&s->ctx, 0, TASK_SIZE_MAX, 0, 0);
	destroy_context(&s->ctx);
	free(s);
}

/* x86's protection_map for shared mappings: there is no write-only or exec-only page. */
static pgprot_t prot_to_pgprot(int prot)
{
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return PAGE_NONE;
	if (prot & PROT_WRITE)
		return (prot & PROT_EXEC) ? PAGE_SHARED_EXEC : PAGE_SHARED;
	return (prot & PROT_EXEC) ? PAGE_READONLY_EXEC : PAGE_READONLY;
}

/* Normalizes [addr, addr+len) to whole pages inside the user half; false when it is not one. */
static bool user_range(uint64_t addr, uint64_t len, unsigned long *end)
{
	if (!len || addr % PAGE_SIZE || len > TASK_SIZE_MAX)
		return false;
	*end = (unsigned long)(addr + PAGE_ALIGN(len));
	return addr < *end && *end <= TASK_SIZE_MAX;
}

static int range_mapped(mm_context_t *ctx, unsigned long addr, pte_t *ptep, void *data)
{
	return -EEXIST;
}

MMLAB_EXPORT int mmlab_space_map(struct mmlab_space *s, uint64_t addr, uint64_t len, int prot)
{
	struct pglist_data *pgdat;
	unsigned long end, a;
	int err = 0;

	if (!s || !user_range(addr, len, &end) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	pgdat = s->ctx.pgdat;
	if (pt_walk_range(&s->ctx, addr, end, range_mapped, NULL))
		return -EEXIST;
	for (a = addr; a < end; a += PAGE_SIZE) {
		struct page *page = alloc_zeroed_page(pgdat);

		if (!page) {
			err = -ENOMEM;
			break;
		}
		err = pt_map_page(&s->ctx, a, page, prot_to_pgprot(prot));
		put_page(pgdat, page); /* the mapping holds its own reference now */
		if (err)
			break;
	}
	if (err)
		pt_unmap_range(&s->ctx, addr, end, 0, 0);
	return err;
}

MMLAB_EXPORT int mmlab_space_unmap(struct mmlab_space *s, uint64_t addr, uint64_t len)
{
	unsigned long end;

	if (!s || !user_range(addr, len, &end))
		return -EINVAL;
	pt_unmap_range(&s->ctx, addr, end, 0, 0);
	return 0;
}

MMLAB_EXPORT int mmlab_space_protect(struct mmlab_space *s, uint64_t addr, uint64_t len,
				     int prot)
{
	unsigned long end;

	if (!s || !user_range(addr, len, &end) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	pt_change_protection(&s->ctx, addr, end, prot_to_pgprot(prot));
	return 0;
}

MMLAB_EXPORT void mmlab_cpu_switch(struct mmlab_cpu *cpu, struct mmlab_space *s)
{
	mmu_user_enter(to_cpu(cpu));
	mmu_switch_context(to_cpu(cpu), s ? &s->ctx : NULL);
	mmu_user_exit(to_cpu(cpu));
}

static void report_fault(struct mmu_cpu *cpu, struct mmlab_fault *fault)
{
	const struct mmu_fault *f = &cpu->last_fault;

	if (!fault)
		return;
	*fault = (struct mmlab_fault){ .signo = f->signo, .code = f->si_code,
				       .addr = f->sig_addr, .fault_addr = f->address,
				       .error_code = f->error_code };
}

MMLAB_EXPORT size_t mmlab_read(struct mmlab_cpu *c, uint64_t addr, void *buf, size_t len,
			       struct mmlab_fault *fault)
{
	size_t left;

	mmu_user_enter(to_cpu(c));
	left = mmu_copy_from_user(to_cpu(c), buf, (unsigned long)addr, len);
	mmu_user_exit(to_cpu(c));
	if (left)
		report_fault(to_cpu(c), fault);
	return len - left;
}

MMLAB_EXPORT size_t mmlab_write(struct mmlab_cpu *c, uint64_t addr, const void *buf, size_t len,
				struct mmlab_fault *fault)
{
	size_t left;

	mmu_user_enter(to_cpu(c));
	left = mmu_copy_to_user(to_cpu(c), (unsigned long)addr, buf, len);
	mmu_user_exit(to_cpu(c));
	if (left)
		report_fault(to_cpu(c), fault);
	return len - left;
}

MMLAB_EXPORT int mmlab_fetch(struct mmlab_cpu *c, uint64_t addr, struct mmlab_fault *fault)
{
	void *host;
	int err;

	mmu_user_enter(to_cpu(c));
	err = mmu_translate(to_cpu(c), (unsigned long)addr, MMU_EXEC, &host);
	mmu_user_exit(to_cpu(c));
	if (err) {
		report_fault(to_cpu(c), fault);
		return -EFAULT;
	}
	return 0;
}
