// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OOM killer (mm/oom_kill.c): when an allocation finds no frame, it picks the process
 * whose death frees the most memory - oom_badness, the resident pages (anonymous, file and
 * shmem), swap entries and page-table pages of its mm, shifted by oom_score_adj in thousandths
 * of RAM + swap - kills it and every process sharing its mm (SIGKILL, which ends each group:
 * mmlab_task_signals says so), and has the OOM reaper unmap the victim's private memory at once
 * (__oom_reap_task_mm: every VMA but hugetlb, PFN maps and shared file mappings), so that the
 * allocating task's retry finds frames. The victim's mm is then MMF_OOM_SKIP: the next OOM
 * passes it over. The report goes to the machine's kernel log in the kernel's words: the
 * "invoked oom-killer" header, the task dump (vm.oom_dump_tasks), the "oom-kill:" summary, the
 * "Out of memory: Killed process" line and the reaper's line. Also here: /proc/PID/oom_score
 * and oom_score_adj (fs/proc/base.c's proc_oom_score and __set_oom_adj), the vm.oom_* sysctls,
 * and the fault path's pagefault_out_of_memory.
 * Left out: unkillable tasks other than by oom_score_adj -1000 (mmlab has neither init nor
 * kernel threads: its pid 1 is the first program, killable as any), memory cgroups, cpusets
 * and mempolicies (the constraint is always CONSTRAINT_NONE),
 * vm.panic_on_oom (the kernel would panic where mmlab kills the allocating task instead: no
 * process left to kill), the reaper's thread and its 2-second delay (reaping is synchronous),
 * the notifier chain, sysrq OOMs, the Mem-Info and stack dump of the report, oom_adj (the
 * legacy file), and /proc file ownership for oom_score_adj writes (any task may write).
 */
#include "mm/machine.h"
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/mmap_lock.h"
#include "mm/oom.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <limits.h>
#include <signal.h>
#include <string.h>

#define K(pages) ((unsigned long)(pages) << (PAGE_SHIFT - 10))

void oom_init(struct oom_state *oom)
{
	pthread_mutex_init(&oom->lock, NULL);
	oom->kill_allocating_task = 0;
	oom->dump_tasks = 1;
	oom->oom_kill = 0;
}

void oom_exit(struct oom_state *oom)
{
	pthread_mutex_destroy(&oom->lock);
}

static struct machine *task_machine(const struct task *tsk)
{
	return tsk->mm->machine;
}

static bool mm_flag(const struct mm_struct *mm, int bit)
{
	return READ_ONCE(mm->flags) & (1UL << bit);
}

static void mm_set_flag(struct mm_struct *mm, int bit)
{
	__atomic_or_fetch(&mm->flags, 1UL << bit, __ATOMIC_RELAXED);
}

/**
 * fatal_signal_pending - whether @tsk's process has been killed by SIGKILL (by the OOM killer
 * or exec's de_thread): it runs no user code any more.
 * Context: any.
 */
bool fatal_signal_pending(const struct task *tsk)
{
	return __atomic_load_n(&tsk->signal->killed_by, __ATOMIC_RELAXED) == SIGKILL;
}

/* do_send_sig_info(SIGKILL, ..., PIDTYPE_TGID): the whole group ends (the first signal wins). */
static void kill_process(struct task *tsk)
{
	int none = 0;

	__atomic_compare_exchange_n(&tsk->signal->killed_by, &none, SIGKILL, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* in_vfork: a vfork child still borrows its parent's mm; its memory is the parent's. */
static bool in_vfork(const struct task *tsk)
{
	const struct mmlab_task *t = container_of(tsk, const struct mmlab_task, tsk);

	return t->vfork_parent && t->vfork_parent->tsk.mm == tsk->mm;
}

/*
 * The task that stands for @tsk's process in a walk of the machine's tasks, as
 * for_each_process visits group leaders only: the leader (pid == tgid) when it is still there,
 * else the oldest thread of the group.
 * Context: tasks_lock held.
 */
static struct task *process_of(struct machine *m, const struct task *tsk)
{
	struct task *first = NULL;
	struct list_head *pos;

	list_for_each(pos, &m->tasks) {
		struct task *p = list_entry(pos, struct task, tasks);

		if (p->signal != tsk->signal)
			continue;
		if (p->pid == p->tgid)
			return p;
		if (!first)
			first = p;
	}
	return first;
}

/* The walk's visit of each process once: @p is its process's representative. */
static bool is_process(struct machine *m, const struct task *p)
{
	return process_of(m, p) == p;
}

static unsigned long mm_pgtables_pages(const struct mm_struct *mm)
{
	return (unsigned long)READ_ONCE(mm->context.pgtables_bytes) / PAGE_SIZE;
}

/**
 * oom_badness - how much killing @tsk's process would free, in pages, shifted by its
 * oom_score_adj: the mm's resident pages, swap entries and page-table pages, plus
 * oom_score_adj thousandths of @totalpages (the division first, as the kernel rounds).
 * @totalpages: RAM + swap, in pages
 *
 * Context: tasks_lock held (the mm stays).
 * Return: the points; LONG_MIN for a task never to kill: oom_score_adj -1000, an mm
 * already reaped (MMF_OOM_SKIP), a vfork child sharing its parent's mm.
 */
long oom_badness(struct task *tsk, unsigned long totalpages)
{
	struct mm_struct *mm = tsk->mm;
	long adj, points;

	if (!mm)
		return LONG_MIN;
	adj = READ_ONCE(tsk->signal->oom_score_adj);
	if (adj == OOM_SCORE_ADJ_MIN || mm_flag(mm, MMF_OOM_SKIP) || in_vfork(tsk))
		return LONG_MIN;
	points = (long)get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS) +
		 (long)mm_pgtables_pages(mm);
	return points + adj * (long)(totalpages / 1000);
}

/* totalram_pages() + total_swap_pages: the frames the allocator manages, and swap. */
static unsigned long oom_totalpages(struct machine *m)
{
	return m->pgdat.zone.managed_pages + m->commit.total_swap_pages;
}

/* select_bad_process: the highest badness wins; on a tie, the later process (the walk's >=). */
static void select_bad_process(struct machine *m, struct oom_control *oc)
{
	struct list_head *pos;

	oc->chosen = NULL;
	oc->chosen_points = LONG_MIN;
	list_for_each(pos, &m->tasks) {
		struct task *p = list_entry(pos, struct task, tasks);
		long points;

		if (!is_process(m, p))
			continue;
		points = oom_badness(p, oc->totalpages);
		if (points == LONG_MIN || points < oc->chosen_points)
			continue;
		oc->chosen = p;
		oc->chosen_points = points;
	}
}

/* %pGg for the masks the fault path passes: the composite name first, then the flags left. */
static const char *gfp_names(gfp_t gfp, char *buf, size_t len)
{
	buf[0] = 0;
	if ((gfp & GFP_HIGHUSER_MOVABLE) == GFP_HIGHUSER_MOVABLE)
		snprintf(buf, len, "GFP_HIGHUSER_MOVABLE");
	if (gfp & ___GFP_COMP)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s__GFP_COMP", buf[0] ? "|" : "");
	if (gfp & ___GFP_ZERO)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s__GFP_ZERO", buf[0] ? "|" : "");
	return buf;
}

/* dump_task: one line of the task dump, in the kernel's columns (memory in pages). */
static void dump_task(struct machine *m, struct task *p)
{
	struct mm_struct *mm = p->mm;

	machine_printk(m, "[%7d] %5u %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s\n",
		       p->pid, p->cred.uid, p->tgid, mm->total_vm, get_mm_rss(mm),
		       get_mm_counter(mm, MM_ANONPAGES), get_mm_counter(mm, MM_FILEPAGES),
		       get_mm_counter(mm, MM_SHMEMPAGES), READ_ONCE(mm->context.pgtables_bytes),
		       get_mm_counter(mm, MM_SWAPENTS), READ_ONCE(p->signal->oom_score_adj),
		       p->comm);
}

/* dump_header: who ran out and, with vm.oom_dump_tasks, every killable process's memory. */
static void dump_header(struct machine *m, struct oom_control *oc)
{
	struct list_head *pos;
	char names[96];

	if (oc->current)
		machine_printk(m, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, "
			       "oom_score_adj=%hd\n", oc->current->comm, oc->gfp_mask,
			       gfp_names(oc->gfp_mask, names, sizeof(names)), oc->order,
			       READ_ONCE(oc->current->signal->oom_score_adj));
	if (!m->oom.dump_tasks)
		return;
	machine_printk(m, "Tasks state (memory values in pages):\n");
	machine_printk(m, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
		       "pgtables_bytes swapents oom_score_adj name\n");
	list_for_each(pos, &m->tasks) {
		struct task *p = list_entry(pos, struct task, tasks);

		if (is_process(m, p) && p->mm)
			dump_task(m, p);
	}
}

/*
 * __oom_reap_task_mm: unmap what can go without I/O - the pages of every VMA but hugetlb and
 * PFN maps, shared file mappings and shmem (their pages stay in the page cache anyway).
 * Page tables stay, as the reaper leaves them to exit.
 * Context: mmap_lock held for reading; takes page_table_lock, as faults do.
 */
static void __oom_reap_task_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, 0);

	for_each_vma(vmi, vma) {
		if (vma->vm_flags & (VM_HUGETLB | VM_PFNMAP))
			continue;
		if (!vma_is_anonymous(vma) && (vma->vm_flags & VM_SHARED))
			continue;
		spin_lock(&mm->page_table_lock);
		munlock_vma_pages_all(vma);	/* the zap's munlock_vma_folio */
		zap_page_range(mm, vma->vm_start, vma->vm_end);
		spin_unlock(&mm->page_table_lock);
	}
}

/* oom_reap_task_mm: reap @mm of @victim's process once, report it, and hide it (MMF_OOM_SKIP). */
static void oom_reap_task_mm(struct machine *m, struct task *victim, struct mm_struct *mm)
{
	mmap_read_lock(mm);
	if (!mm_flag(mm, MMF_OOM_SKIP)) {
		__oom_reap_task_mm(mm);
		machine_printk(m, "oom_reaper: reaped process %d (%s), now anon-rss:%lukB, "
			       "file-rss:%lukB, shmem-rss:%lukB\n", victim->pid, victim->comm,
			       K(get_mm_counter(mm, MM_ANONPAGES)),
			       K(get_mm_counter(mm, MM_FILEPAGES)),
			       K(get_mm_counter(mm, MM_SHMEMPAGES)));
	}
	mm_set_flag(mm, MMF_OOM_SKIP);
	mmap_read_unlock(mm);
}

/*
 * __oom_kill_process: SIGKILL @victim's process and every other process using its mm (their
 * threads with them), report it, and reap the mm.
 * Context: the OOM lock and tasks_lock held.
 */
static void __oom_kill_process(struct machine *m, struct task *victim, const char *message)
{
	struct mm_struct *mm = victim->mm;
	struct list_head *pos;

	m->oom.oom_kill++;
	count_vm_event(&m->pgdat, OOM_KILL);	/* vmstat's oom_kill */
	kill_process(victim);
	mm_set_flag(mm, MMF_OOM_VICTIM);
	machine_printk(m, "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
		       "file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd\n",
		       message, victim->pid, victim->comm, K(mm->total_vm),
		       K(get_mm_counter(mm, MM_ANONPAGES)), K(get_mm_counter(mm, MM_FILEPAGES)),
		       K(get_mm_counter(mm, MM_SHMEMPAGES)), victim->cred.uid,
		       (unsigned long)READ_ONCE(mm->context.pgtables_bytes) >> 10,
		       READ_ONCE(victim->signal->oom_score_adj));
	list_for_each(pos, &m->tasks) {
		struct task *p = list_entry(pos, struct task, tasks);

		if (p->mm != mm || p->signal == victim->signal || !is_process(m, p))
			continue;
		kill_process(p);
	}
	oom_reap_task_mm(m, victim, mm);
}

/* dump_oom_victim: the one-line summary before the kill (global OOM: no cgroup). */
static void dump_oom_victim(struct machine *m, struct task *victim)
{
	machine_printk(m, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
		       "mems_allowed=0,global_oom,task_memcg=/,task=%s,pid=%d,uid=%u\n",
		       victim->comm, victim->pid, victim->cred.uid);
}

static void oom_kill_process(struct machine *m, struct oom_control *oc, const char *message)
{
	dump_header(m, oc);
	dump_oom_victim(m, oc->chosen);
	__oom_kill_process(m, oc->chosen, message);
}

/*
 * The body of out_of_memory under its locks. With vm.oom_kill_allocating_task the allocating
 * task goes, if it may; otherwise the worst process. Nothing to kill: the kernel panics
 * ("System is deadlocked on memory"); mmlab reports it and fails the allocation.
 */
static bool __out_of_memory(struct machine *m, struct oom_control *oc)
{
	struct task *cur = oc->current;

	oc->constraint = CONSTRAINT_NONE;
	oc->totalpages = oom_totalpages(m);
	if (m->oom.kill_allocating_task && cur && cur->mm &&
	    READ_ONCE(cur->signal->oom_score_adj) != OOM_SCORE_ADJ_MIN &&
	    !mm_flag(cur->mm, MMF_OOM_SKIP)) {
		oc->chosen = process_of(m, cur);
		oom_kill_process(m, oc, "Out of memory (oom_kill_allocating_task)");
		return true;
	}
	select_bad_process(m, oc);
	if (!oc->chosen) {
		dump_header(m, oc);
		machine_printk(m, "Out of memory and no killable processes...\n");
		return false;
	}
	oom_kill_process(m, oc, "Out of memory");
	return true;
}

/**
 * out_of_memory - kill the process whose death frees the most memory, as an allocation for
 * @oc->current found no frame (and reclaim none either).
 * @oc: gfp_mask, order and current set by the caller; the rest is filled in
 *
 * An allocating task already killed needs nothing: it frees its memory as it dies. The
 * victim's private memory is unmapped before this returns (the OOM reaper).
 * Context: no mmap_lock or page_table_lock held (the reaper takes the victim's); takes the
 * machine's OOM lock and tasks_lock.
 * Return: true when memory was (or is being) freed and the allocation may be retried; false
 * when there was nothing left to kill.
 */
bool out_of_memory(struct oom_control *oc)
{
	struct machine *m;
	bool ret;

	if (!oc->current)
		return false;	/* no allocation context mmlab knows: nothing to charge */
	if (fatal_signal_pending(oc->current))
		return true;	/* task_will_free_mem(current) */
	m = task_machine(oc->current);
	pthread_mutex_lock(&m->oom.lock);
	pthread_mutex_lock(&m->tasks_lock);
	ret = __out_of_memory(m, oc);
	pthread_mutex_unlock(&m->tasks_lock);
	pthread_mutex_unlock(&m->oom.lock);
	return ret;
}

/*
 * The allocator's reclaim before the OOM killer, as PSI sees it: PSI_RECLAIM_RETRIES passes
 * over every page in use, each page looked at costing PSI_SCAN_NS, the task stalled
 * throughout (psi.c's model). mmlab has no reclaim of its own here: the time is what the
 * kernel's allocator would have spent finding nothing.
 */
static void psi_reclaim_failed(struct machine *m)
{
	struct zone *z = &m->pgdat.zone;
	unsigned long used = z->managed_pages - min(READ_ONCE(z->nr_free_pages), z->managed_pages);

	psi_memstall(&m->psi, (uint64_t)PSI_RECLAIM_RETRIES * used * PSI_SCAN_NS);
}

/**
 * pagefault_out_of_memory - a fault of @tsk failed for want of a frame (VM_FAULT_OOM).
 * @gfp_mask: what the failed allocation asked for (the report prints it)
 *
 * In Linux the allocator's slow path has already run the OOM killer by then and this only
 * lets the fault retry. mmlab's allocator has no slow path yet, so the OOM killer runs here,
 * with the fault's locks dropped, as the allocator would have run it.
 * Context: no mmap_lock held.
 * Return: true when the fault should be retried (a victim was killed and reaped, and it was
 * not @tsk's process); false when @tsk must die of SIGKILL: it is the victim, or nothing was
 * left to kill.
 */
bool pagefault_out_of_memory(struct task *tsk, gfp_t gfp_mask)
{
	struct oom_control oc = {
		.current = tsk,
		.gfp_mask = gfp_mask,
		.order = 0,
	};

	if (fatal_signal_pending(tsk))
		return false;
	psi_reclaim_failed(task_machine(tsk));
	if (!out_of_memory(&oc))
		return false;
	return !fatal_signal_pending(tsk);
}

/**
 * oom_sysctl - vm.oom_kill_allocating_task and vm.oom_dump_tasks (proc_dointvec: any int,
 * non-zero is on).
 * Context: any.
 * Return: 0, -ENOENT for another name, -EINVAL for a value that is no int.
 */
int oom_sysctl(struct machine *m, const char *name, const uint64_t *new_val, uint64_t *old_val)
{
	int *v;

	if (!strcmp(name, "vm.oom_kill_allocating_task"))
		v = &m->oom.kill_allocating_task;
	else if (!strcmp(name, "vm.oom_dump_tasks"))
		v = &m->oom.dump_tasks;
	else
		return -ENOENT;
	if (new_val && *new_val > INT_MAX)
		return -EINVAL;
	pthread_mutex_lock(&m->oom.lock);
	if (old_val)
		*old_val = (uint64_t)*v;
	if (new_val)
		*v = (int)*new_val;
	pthread_mutex_unlock(&m->oom.lock);
	return 0;
}

/**
 * mmlab_oom_score - /proc/PID/oom_score of @t: its badness scaled to 0..2000 as
 * proc_oom_score does ((1000 + points * 1000 / totalpages) * 2 / 3), 0 for an unkillable one.
 * Return: 0; -EINVAL for a NULL argument.
 */
MMLAB_EXPORT int mmlab_oom_score(struct mmlab_task *t, uint64_t *score)
{
	struct machine *m;
	unsigned long total;
	long badness;

	if (!t || !score || !t->tsk.mm)
		return -EINVAL;
	m = task_machine(&t->tsk);
	total = oom_totalpages(m);
	pthread_mutex_lock(&m->tasks_lock);
	badness = oom_badness(&t->tsk, total);
	pthread_mutex_unlock(&m->tasks_lock);
	*score = 0;
	if (badness != LONG_MIN)
		*score = (uint64_t)((1000 + badness * 1000 / (long)total) * 2 / 3);
	return 0;
}

/*
 * Other processes sharing @target's mm (CLONE_VM without CLONE_VFORK: MMF_MULTIPROCESS) get
 * the same value, as they would be killed together.
 * Context: the OOM lock and tasks_lock held.
 */
static void oom_adj_propagate(struct machine *m, struct task *target, short adj, bool set_min)
{
	struct list_head *pos;

	if (in_vfork(target))
		return;
	list_for_each(pos, &m->tasks) {
		struct task *p = list_entry(pos, struct task, tasks);

		if (p->mm != target->mm || p->signal == target->signal || in_vfork(p))
			continue;
		WRITE_ONCE(p->signal->oom_score_adj, adj);
		if (set_min)
			p->signal->oom_score_adj_min = adj;
	}
}

/**
 * mmlab_oom_score_adj - read and/or write /proc/PID/oom_score_adj of @target (NULL: @t) as
 * @t: a value below the process's oom_score_adj_min needs CAP_SYS_RESOURCE, which also makes
 * the value the new minimum (__set_oom_adj).
 * @new_adj: the value to write, or NULL to read only
 * @old_adj: receives the value before, or NULL
 * Return: 0; -EINVAL (NULL @t, @new_adj outside -1000..1000); -EACCES (below the minimum
 * without CAP_SYS_RESOURCE).
 */
MMLAB_EXPORT int mmlab_oom_score_adj(struct mmlab_task *t, struct mmlab_task *target,
				     const int *new_adj, int *old_adj)
{
	struct task *tsk, *tgt;
	struct machine *m;
	bool privileged;
	int err = 0;

	if (!t || !t->tsk.mm)
		return -EINVAL;
	tsk = &t->tsk;
	tgt = target ? &target->tsk : tsk;
	if (!tgt->mm)
		return -EINVAL;
	if (new_adj && (*new_adj < OOM_SCORE_ADJ_MIN || *new_adj > OOM_SCORE_ADJ_MAX))
		return -EINVAL;
	m = task_machine(tgt);
	privileged = capable(tsk, CAP_SYS_RESOURCE);
	pthread_mutex_lock(&m->oom.lock);
	if (old_adj)
		*old_adj = READ_ONCE(tgt->signal->oom_score_adj);
	if (!new_adj)
		goto unlock;
	if (*new_adj < tgt->signal->oom_score_adj_min && !privileged) {
		err = -EACCES;
		goto unlock;
	}
	WRITE_ONCE(tgt->signal->oom_score_adj, (short)*new_adj);
	if (privileged)
		tgt->signal->oom_score_adj_min = (short)*new_adj;
	pthread_mutex_lock(&m->tasks_lock);
	oom_adj_propagate(m, tgt, (short)*new_adj, privileged);
	pthread_mutex_unlock(&m->tasks_lock);
unlock:
	pthread_mutex_unlock(&m->oom.lock);
	return err;
}
