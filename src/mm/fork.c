// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Processes and threads over address spaces (kernel/fork.c, kernel/exit.c): mm_struct life
 * (mm_alloc, mmput), fork's copy of an address space (dup_mm, dup_mmap), clone with or without
 * CLONE_VM, vfork, threads, and exit. A fork child gets a copy of every VMA except VM_DONTCOPY
 * ones; VM_WIPEONFORK VMAs come back empty; private pages are shared write-protected until one
 * side writes (memory.c's copy_page_range and do_wp_page); shared memory stays shared; guard
 * markers are copied; the mm flags come over as mmf_init_flags() says (MDWE may stay behind).
 * The child copies the mm's protection-key allocations and its parent thread's PKRU (pkeys.c).
 * Charged (VM_ACCOUNT) VMAs are charged again for the child, and the fork fails with ENOMEM
 * when the overcommit policy refuses. The child copies the credentials and the process's
 * resource limits (copy_signal); a CLONE_THREAD thread shares the limits.
 * Left out: signals and wait (exit codes are not kept), namespaces, CLONE_FILES/CLONE_FS
 * sharing (each task gets its own copy of the fd table), exec, and the scheduler (a task runs
 * on the CPU context its caller names, see access.c).
 */
#include "mm/file.h"
#include "mm/lru_gen.h"
#include "mm/mmap_lock.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mm/mmap.h"
#include "mm/vma.h"
#include "mmu/mmu.h"
#include "mmlab.h"

#include <sched.h>
#include <signal.h>
#include <string.h>

/**
 * mm_alloc - an empty address space on @m with @cfg's switches: a top-level table, no VMAs.
 * Return: the mm with one user, or ERR_PTR(-ENOMEM).
 */
struct mm_struct *mm_alloc(struct machine *m, const struct mm_config *cfg)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return ERR_PTR(-ENOMEM);
	mm->machine = m;
	mm->mm_users = mm->mm_count = 1;
	mm->max_map_count = cfg->max_map_count;
	mm->mmap_min_addr = cfg->mmap_min_addr;
	mm->task_size = TASK_SIZE_MAX;
	mmap_init_lock(mm);
	spin_lock_init(&mm->page_table_lock);
	INIT_LIST_HEAD(&mm->mmlist);
	mm_pkeys_init(mm);
	if (vma_tree_init(mm))
		goto free_mm;
	if (pgd_alloc(mm))
		goto free_tree;
	lru_gen_add_mm(mm);
	return mm;

free_tree:
	vma_tree_destroy(mm);
free_mm:
	mmap_destroy_lock(mm);
	free(mm);
	return ERR_PTR(-ENOMEM);
}

/**
 * mmgrab - keep the struct of @mm (not its address space) alive: a walk over a file's
 * mappings holds it while it waits for the mm's mmap_lock.
 * Context: the caller knows @mm is alive (it found one of its VMAs under i_mmap_lock).
 */
void mmgrab(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->mm_count, 1, __ATOMIC_RELAXED);
}

/**
 * mmdrop - drop a reference taken by mmgrab(), or the one all users hold together; the last
 * frees the struct.
 */
void mmdrop(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->mm_count, 1, __ATOMIC_ACQ_REL))
		return;
	mmap_destroy_lock(mm);
	free(mm);
}

/**
 * mmput - drop a user of @mm; the last one tears the address space down (exit_mmap): CPU
 * contexts still holding it lazily are switched off it, every page and page table goes back
 * to the allocator. The teardown holds mmap_lock, so a walk of a file's mappings that holds
 * the mm by mmgrab() finds either all of its VMAs or none.
 */
void mmput(struct mm_struct *mm)
{
	struct machine *m = mm->machine;

	if (--mm->mm_users)
		return;
	lru_gen_del_mm(mm);
	for (unsigned int i = 0; i < MMLAB_MAX_CPUS; i++)
		if (m->cpus[i])
			mmu_leave_context(m->cpus[i], &mm->context);
	mmap_write_lock(mm);
	exit_mmap(mm);
	__mmap_write_unlock(mm);
	swap_mm_unregister(mm);
	if (mm->exe_file) {
		exe_file_allow_write_access(mm->exe_file);
		fput(mm->exe_file);
	}
	pgd_free(mm);
	vma_tree_destroy(mm);
	mmdrop(mm);
}

/*
 * One VMA of the parent, copied into the child @mm (the body of dup_mmap's loop). A charged
 * VMA is charged again for the child, checked against the parent's size as the kernel does;
 * once the copy is in the child's tree its charge goes with it (exit_mmap returns it).
 */
static int dup_vma(struct task *tsk, struct mm_struct *mm, struct vm_area_struct *mpnt)
{
	long charge = (mpnt->vm_flags & VM_ACCOUNT) ? (long)vma_pages(mpnt) : 0;
	struct vm_area_struct *tmp;
	int err;

	if (charge && security_vm_enough_memory_mm(tsk, mpnt->vm_mm, charge))
		return -ENOMEM;
	tmp = vm_area_dup(mpnt);
	if (!tmp)
		goto unacct;
	tmp->vm_mm = mm;
	tmp->vm_flags &= ~VM_LOCKED_MASK;
	/* A VM_WIPEONFORK child starts with an empty VMA and no anon_vma: fresh zeroes. */
	if (!(tmp->vm_flags & VM_WIPEONFORK) && anon_vma_fork(tmp, mpnt)) {
		vm_area_free(tmp);
		goto unacct;
	}
	if (tmp->vm_ops && tmp->vm_ops->open)
		tmp->vm_ops->open(tmp);
	/* Copies come in address order: each store appends to the child's tree. */
	err = vma_tree_insert(mm, tmp);
	if (err) {
		vm_area_free(tmp);
		vm_unacct_memory(mm->machine, charge);
		return err;
	}
	if (tmp->vm_flags & VM_WIPEONFORK)
		return 0;
	return copy_page_range(tmp, mpnt);

unacct:
	vm_unacct_memory(mm->machine, charge);
	return -ENOMEM;
}

/*
 * dup_mmap - copy @oldmm's VMAs and pages into the new @mm. The parent's entries that became
 * read-only are flushed from every CPU context at the end, before the parent runs again.
 */
static int dup_mmap(struct task *tsk, struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt;
	int err = 0;
	VMA_ITERATOR(vmi, oldmm, 0);

	for_each_vma(vmi, mpnt) {
		if (mpnt->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, mpnt->vm_flags, -(long)vma_pages(mpnt));
			continue;
		}
		err = dup_vma(tsk, mm, mpnt);
		if (err)
			break;
	}
	flush_tlb_mm(oldmm);
	return err;
}

/**
 * dup_mm - fork's copy of @oldmm for a child of @tsk: layout, counters and protection-key
 * state copied, mlock state and MCL_FUTURE not inherited.
 * Context: @oldmm's mmap_lock held for writing; takes the new mm's.
 * Return: the new mm, or ERR_PTR(-ENOMEM) (nothing is left allocated).
 */
struct mm_struct *dup_mm(struct task *tsk, struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc(oldmm->machine, &tsk->cfg);
	int err;

	mmap_assert_write_locked(oldmm);
	if (IS_ERR(mm))
		return mm;
	mm->max_map_count = oldmm->max_map_count;
	mm->mmap_min_addr = oldmm->mmap_min_addr;
	mm->task_size = oldmm->task_size;
	mm->flags = mmf_init_flags(oldmm->flags);
	mm->mmap_base = oldmm->mmap_base;
	mm->mmap_legacy_base = oldmm->mmap_legacy_base;
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->arg_start = oldmm->arg_start;
	mm->arg_end = oldmm->arg_end;
	mm->env_start = oldmm->env_start;
	mm->env_end = oldmm->env_end;
	mm->total_vm = oldmm->total_vm;
	mm->data_vm = oldmm->data_vm;
	mm->exec_vm = oldmm->exec_vm;
	mm->stack_vm = oldmm->stack_vm;
	mm->def_flags = oldmm->def_flags & VM_NOHUGEPAGE;
	/* the child runs the same program: one more denial of writes (dup_mm_exe_file) */
	if (oldmm->exe_file && !exe_file_deny_write_access(oldmm->exe_file))
		mm->exe_file = get_file(oldmm->exe_file);
	mm->context.pkey_allocation_map = oldmm->context.pkey_allocation_map;
	mm->context.execute_only_pkey = oldmm->context.execute_only_pkey;
	/* The copies' vm_ops->open run as the parent (current), then the child owns the mm. */
	mm->owner_tgid = oldmm->owner_tgid;
	mmap_write_lock(mm);	/* dup_mmap's mmap_write_lock_nested: after the parent's */
	err = dup_mmap(tsk, mm, oldmm);
	if (err) {
		__mmap_write_unlock(mm);
		mmput(mm);
		return ERR_PTR(err);
	}
	mm->hiwater_rss = get_mm_rss(mm);
	mm->hiwater_vm = mm->total_vm;
	mm->owner_tgid = tsk->tgid;
	mmap_write_unlock(mm);
	return mm;
}

#define CLONE_SUPPORTED                                                                            \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK |              \
	 CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
	 CLONE_CHILD_SETTID)

/* copy_process's flag rules that concern the memory side, in its order. */
static int clone_check_flags(unsigned long flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & ~(unsigned long)CLONE_SUPPORTED)
		return -EINVAL; /* namespaces, pidfds, ...: not modelled */
	return 0;
}

/**
 * thread_group_add - @tsk joins the list of its signal_struct's tasks (copy_process's
 * thread_node), where exec's de_thread finds the other threads of the group.
 * Context: the group's signal->lock not held (taken).
 */
void thread_group_add(struct task *tsk)
{
	pthread_mutex_lock(&tsk->signal->lock);
	list_add_tail(&tsk->thread_node, &tsk->signal->thread_head);
	pthread_mutex_unlock(&tsk->signal->lock);
}

/**
 * thread_group_del - @tsk leaves its group's list (__unhash_process), if it is on one.
 * Context: the group's signal->lock not held (taken).
 */
void thread_group_del(struct task *tsk)
{
	if (!tsk->thread_node.next)
		return;
	pthread_mutex_lock(&tsk->signal->lock);
	list_del_init(&tsk->thread_node);
	pthread_mutex_unlock(&tsk->signal->lock);
}

/**
 * task_list_add - @tsk joins @m's list of every task (copy_process's list_add_tail_rcu on
 * init_task.tasks), where the OOM killer walks the processes; task_exit takes it off.
 * Context: tasks_lock not held (taken).
 */
void task_list_add(struct machine *m, struct task *tsk)
{
	pthread_mutex_lock(&m->tasks_lock);
	list_add_tail(&tsk->tasks, &m->tasks);
	pthread_mutex_unlock(&m->tasks_lock);
}

/* The task leaves its machine's list, if it is on it (__unhash_process). */
static void task_list_del(struct task *tsk)
{
	struct machine *m;

	if (!tsk->tasks.next || !tsk->mm)
		return;
	m = tsk->mm->machine;
	pthread_mutex_lock(&m->tasks_lock);
	list_del_init(&tsk->tasks);
	pthread_mutex_unlock(&m->tasks_lock);
}

/**
 * set_task_comm - name @tsk after the last component of @path, cut to 15 characters, as exec
 * names a task after the file it ran (__set_task_comm(kbasename(filename))).
 * Context: any; the name is read without a lock (a torn read shows a mix, as in Linux).
 */
void set_task_comm(struct task *tsk, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(tsk->comm, sizeof(tsk->comm), "%s", base);
}

static struct mmlab_task *task_dup(struct mmlab_task *parent, unsigned long flags)
{
	struct mmlab_task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tsk.cfg = parent->tsk.cfg;
	t->tsk.cred = parent->tsk.cred;
	t->tsk.umask = parent->tsk.umask;	/* copy_fs */
	memcpy(t->tsk.comm, parent->tsk.comm, sizeof(t->tsk.comm));
	/* Threads share their process's limits; a new process gets a copy (copy_signal). */
	t->tsk.signal = (flags & CLONE_THREAD) ? signal_get(parent->tsk.signal)
					       : signal_copy(parent->tsk.signal);
	if (!t->tsk.signal) {
		free(t);
		return NULL;
	}
	t->tsk.rng = parent->tsk.rng;
	t->tsk.pid = alloc_pid(parent->tsk.mm->machine);
	t->tsk.tgid = (flags & CLONE_THREAD) ? parent->tsk.tgid : t->tsk.pid;
	thread_group_add(&t->tsk);
	t->cpu = parent->cpu;
	t->tsk.pkru = parent->tsk.pkru; /* copy_thread: the parent's PKRU as it is now */
	/* the blocked mask is inherited, the pending signals are not (init_sigpending) */
	t->tsk.sig_blocked = __atomic_load_n(&parent->tsk.sig_blocked, __ATOMIC_RELAXED);
	for (int i = 0; i < MMLAB_NR_FDS; i++)
		if (parent->fds[i])
			t->fds[i] = get_file(parent->fds[i]);
	memcpy(t->close_on_exec, parent->close_on_exec, sizeof(t->close_on_exec));
	return t;
}

/**
 * mmlab_clone - clone(2) of @t with @flags: CLONE_VM shares the address space (mm_users
 * raised), otherwise it is copied as fork does; CLONE_THREAD joins @t's thread group;
 * CLONE_VFORK suspends @t (its memory calls return -EBUSY) until the child exits.
 * Return: 0 with *@child set; -EINVAL (flag combinations Linux refuses, or flags not
 * modelled), -ENOMEM, -EBUSY (@t is suspended in vfork).
 */
MMLAB_EXPORT int mmlab_clone(struct mmlab_task *t, unsigned long flags, struct mmlab_task **child)
{
	struct mm_struct *mm;
	struct mmlab_task *c;
	int err;

	if (!t || !child)
		return -EINVAL;
	if (t->vfork_child)
		return -EBUSY;
	err = clone_check_flags(flags);
	if (err)
		return err;
	c = task_dup(t, flags);
	if (!c)
		return -ENOMEM;
	if (flags & CLONE_VM) {
		mm = t->tsk.mm;
		mmap_write_lock(mm);
		mm->mm_users++;
		mmap_write_unlock(mm);
	} else {
		mmap_write_lock(t->tsk.mm);
		mm = dup_mm(&c->tsk, t->tsk.mm);
		mmap_write_unlock(t->tsk.mm);
		if (IS_ERR(mm)) {
			c->tsk.mm = NULL;
			task_exit(c);
			return (int)PTR_ERR(mm);
		}
	}
	c->tsk.mm = mm;
	task_list_add(mm->machine, &c->tsk);
	if (flags & CLONE_VFORK) {
		c->vfork_parent = t;
		t->vfork_child = c;
	}
	*child = c;
	return 0;
}

MMLAB_EXPORT int mmlab_fork(struct mmlab_task *t, struct mmlab_task **child)
{
	return mmlab_clone(t, SIGCHLD, child);
}

MMLAB_EXPORT int mmlab_vfork(struct mmlab_task *t, struct mmlab_task **child)
{
	return mmlab_clone(t, CLONE_VM | CLONE_VFORK | SIGCHLD, child);
}

/**
 * task_exit - the task leaves (do_exit): its files are closed, a vfork parent resumes, and
 * its mm loses a user - the last user's exit frees every page and table of it.
 */
void task_exit(struct mmlab_task *t)
{
	task_list_del(&t->tsk);
	if (t->vfork_parent)
		t->vfork_parent->vfork_child = NULL;
	if (t->vfork_child)
		t->vfork_child->vfork_parent = NULL;
	for (int i = 0; i < MMLAB_NR_FDS; i++)
		if (t->fds[i])
			fput(t->fds[i]);
	if (t->tsk.mm) {
		struct machine *m = t->tsk.mm->machine;

		for (unsigned int i = 0; i < MMLAB_MAX_CPUS; i++) {
			struct mmu_cpu *cpu = m->cpus[i];

			if (!cpu)
				continue;
			mmu_user_enter(cpu);	/* another thread may be running it */
			if (cpu->fault_data == &t->tsk) {
				cpu->fault_handler = NULL;
				cpu->fault_data = NULL;
			}
			mmu_user_exit(cpu);
		}
		mmput(t->tsk.mm);
	}
	thread_group_del(&t->tsk);
	signal_put(t->tsk.signal);
	free(t);
}

MMLAB_EXPORT void mmlab_exit(struct mmlab_task *t)
{
	if (t)
		task_exit(t);
}
