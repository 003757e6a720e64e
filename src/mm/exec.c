// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exec (fs/exec.c) and the task it leaves (kernel/fork.c's copy_process for the task itself):
 * task creation with the limits the config asks for, ids with every capability or none
 * (sys.c, capability.c) and an empty mm; mmlab_task_create's layout without a program (the
 * stack, the vDSO's mappings of vdso.c, the brk start, with ASLR
 * from the config's seed); and execve: the file opened for execution (exec permission, noexec
 * mounts, ETXTBSY), the argument and environment strings copied to the top of the new stack
 * within the stack limit's share (E2BIG), the formats tried in turn (binfmt_elf.c,
 * binfmt_script.c) with up to five hand-overs to an interpreter, the point of no return where
 * the new mm replaces the old one (close-on-exec files closed, a vfork parent released), and
 * setup_arg_pages's stack VMA with its 128 KiB of room. maps_import.c builds a task from a
 * /proc/PID/maps snapshot instead.
 * At the point of no return de_thread kills the process's other threads and a non-leader
 * takes the leader's pid; a failure after it kills the process with SIGSEGV (the group's
 * killed_by) and returns its errno. Handled signals go back to their default action.
 * execveat opens the file under a directory fd (the directory's path as the fd was opened),
 * an fd's own file (AT_EMPTY_PATH) or not through a last symlink (AT_SYMLINK_NOFOLLOW: ELOOP),
 * and names it "/dev/fd/N[/path]" to the program.
 * Left out: set-user-ID and file capabilities (the credentials never change; AT_SECURE says
 * whether they differ), binfmt_misc, the parent's exit signal.
 */
#include "mm/exec.h"
#include "mm/fdtable.h"
#include "mm/file.h"
#include "mm/machine.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/pkeys.h"
#include "mm/mmap.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#define STACK_RND_MASK 0x3fffffUL
#define INITIAL_STACK 0x21000UL		/* 132 KiB: what a small program's [stack] spans */
#define STACK_EXPAND 0x20000UL		/* setup_arg_pages's room below the strings: 128 KiB */
#define _STK_LIM (8UL << 20)		/* The default stack limit, 8 MiB */
#define ARG_MAX (32 * PAGE_SIZE)	/* The strings' share never below this */

/* The address space of @t, for white-box tests (tests/unit/test_vma_merge.c). */
struct mm_struct *task_mm(struct mmlab_task *t)
{
	return t->tsk.mm;
}

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
	thread_group_add(&t->tsk);
	task_list_add(machine_of(m), &t->tsk);
	set_task_comm(&t->tsk, "mmlab");
	/* The task is a program just executed: exec's flush_thread left the default PKRU. */
	t->tsk.pkru = pkru_init_value(machine_of(m));
	arch_pick_mmap_layout(&t->tsk);
	return t;

free_task:
	signal_put(t->tsk.signal);
	free(t);
	return NULL;
}

/**
 * randomize_page - a page-aligned address in [@start, @start + @range), from the task's
 * random generator (mm/util.c's randomize_page; @start is page-aligned first).
 */
unsigned long randomize_page(struct task *tsk, unsigned long start, unsigned long range)
{
	if (start & ~PAGE_MASK) {
		range -= PAGE_ALIGN(start) - start;
		start = PAGE_ALIGN(start);
	}
	if (start > TASK_SIZE_MAX - range)
		range = TASK_SIZE_MAX - start;
	range >>= PAGE_SHIFT;
	if (!range)
		return start;
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

	err = map_vdso(tsk, &vdso);
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

/*
 * may_open's answer for an execution: only a regular file (EACCES for the rest), not on a
 * noexec mount, with an x bit for the caller (CAP_DAC_OVERRIDE: any x bit).
 */
static int may_exec(const struct task *tsk, const struct inode *inode)
{
	mode_t bits;

	if (!S_ISREG(inode->i_mode))
		return -EACCES;
	if (capable(tsk, CAP_DAC_OVERRIDE))
		return (inode->i_mode & 0111) ? 0 : -EACCES;
	if (tsk->cred.fsuid == inode->i_uid)
		bits = inode->i_mode >> 6;
	else if (tsk->cred.fsgid == inode->i_gid)
		bits = inode->i_mode >> 3;
	else
		bits = inode->i_mode;
	return (bits & 1) ? 0 : -EACCES;
}

/*
 * The file for execution on @inode (whose reference it takes) through @iname (likewise):
 * the caller may execute it, it is on a mount without noexec, and it is not open for writing
 * anywhere: its writes are denied until exe_file_allow_write_access.
 */
static struct file *exec_file_open(const struct task *tsk, struct inode *inode,
				   struct inode_name *iname, const struct stat *st)
{
	struct file *f;
	int err = may_exec(tsk, inode);

	if (err) {
		inode_name_put(iname);
		iput(inode);
		return ERR_PTR(err);
	}
	ihold(inode);	/* the name goes before the inode when the file cannot be made */
	f = file_from_inode(inode, O_RDONLY, st);
	if (IS_ERR(f))
		inode_name_put(iname);
	else
		f->f_name = iname;	/* maps shows the name the program was executed through */
	iput(inode);
	if (IS_ERR(f))
		return f;
	err = f->noexec ? -EACCES : exe_file_deny_write_access(f);
	if (err) {
		fput(f);
		return ERR_PTR(err);
	}
	return f;
}

/*
 * execveat's AT_EMPTY_PATH: the file @fd refers to (an O_PATH fd too), opened anew for
 * execution as do_filp_open opens the fd's own path. EBADF for no such fd, EACCES for what
 * is no regular file of the overlay.
 */
static struct file *open_exec_fd(struct mmlab_task *t, int fd)
{
	struct file *file = fdget_raw(t, fd);
	struct inode *inode;
	struct stat st;

	if (!file)
		return ERR_PTR(-EBADF);
	inode = file->f_inode;
	if (!inode || !file->regular || !S_ISREG(inode->i_mode))
		return ERR_PTR(-EACCES);
	st = (struct stat){ .st_dev = inode->i_dev, .st_ino = inode->i_ino,
			    .st_mode = inode->i_mode,
			    .st_size = __atomic_load_n(&inode->i_size, __ATOMIC_RELAXED) };
	ihold(inode);
	return exec_file_open(&t->tsk, inode, inode_name_hold(file->f_name), &st);
}

/**
 * open_exec - open @name for execution (do_open_execat): looked up as open(2) would with the
 * task's fsuid and fsgid (@nofollow: a symlink in the last component is ELOOP, as
 * AT_SYMLINK_NOFOLLOW), a regular file the caller may execute, on a mount without noexec,
 * and not open for writing anywhere: its writes are denied until exe_file_allow_write_access.
 * Context: no mmap_lock held.
 * Return: the file, or ERR_PTR(-ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES, -ETXTBSY,
 * -ENOMEM).
 */
struct file *open_exec(struct mmlab_task *t, const char *name, bool nofollow)
{
	const struct task *tsk = &t->tsk;
	struct open_how_fs how = { .flags = O_PATH | (nofollow ? O_NOFOLLOW : 0),
				   .uid = tsk->cred.fsuid, .gid = tsk->cred.fsgid,
				   .cap_dac_override = capable(tsk, CAP_DAC_OVERRIDE) };
	struct inode_name *iname;
	struct inode *inode;
	struct stat st;

	if (!*name)
		return ERR_PTR(-ENOENT);
	inode = vfs_lookup_open(&tsk->mm->machine->vfs, name, &how, &st, &iname);
	if (IS_ERR(inode))
		return (struct file *)inode;
	if (!inode)	/* a directory, device, FIFO, socket, procfs file; an unfollowed link */
		return ERR_PTR(nofollow && S_ISLNK(st.st_mode) ? -ELOOP : -EACCES);
	return exec_file_open(tsk, inode, iname, &st);
}

/**
 * kernel_read - @count bytes of @file from @pos into @buf, through its page cache.
 * Context: no lock held (takes the mapping's).
 * Return: the bytes read (fewer at the end of the file), or -EINVAL (a negative position:
 * rw_verify_area), -ENOMEM, -EIO.
 */
ssize_t kernel_read(struct file *file, void *buf, size_t count, loff_t pos)
{
	struct address_space *mapping = inode_mapping(file->f_inode);
	size_t done = 0;

	if (pos < 0)
		return -EINVAL;

	while (done < count && pos < file->f_inode->i_size) {
		size_t off = (size_t)(pos & (PAGE_SIZE - 1));
		size_t nr = min(count - done, (size_t)(PAGE_SIZE - off));
		struct page *page = filemap_get_page(mapping, (pgoff_t)(pos >> PAGE_SHIFT),
						     FGP_CREAT, NULL);

		if (IS_ERR_OR_NULL(page))
			return done ? (ssize_t)done : page ? PTR_ERR(page) : -ENOMEM;
		nr = min(nr, (size_t)(file->f_inode->i_size - pos));
		memcpy((char *)buf + done, (char *)page_address(mapping->pgdat, page) + off, nr);
		put_page(mapping->pgdat, page);
		done += nr;
		pos += (loff_t)nr;
	}
	return (ssize_t)done;
}

/**
 * bprm_stack_at - the host bytes standing for the new stack's [@addr, @addr + @len), the
 * image grown downwards to hold them.
 * Return: the bytes, or NULL when out of memory or above the image's top.
 */
void *bprm_stack_at(struct linux_binprm *bprm, unsigned long addr, size_t len)
{
	struct bprm_stack *s = &bprm->stack;
	size_t need;

	if (addr > s->top || len > s->top - addr)
		return NULL;
	need = s->top - addr;
	if (need > s->size) {
		size_t size = s->size ? s->size : PAGE_SIZE;
		unsigned char *bytes;

		while (size < need)
			size *= 2;
		bytes = calloc(1, size);
		if (!bytes)
			return NULL;
		if (s->size)
			memcpy(bytes + size - s->size, s->bytes, s->size);
		free(s->bytes);
		s->bytes = bytes;
		s->size = size;
	}
	return s->bytes + s->size - need;
}

/**
 * copy_string_kernel - push @arg, its NUL included, below the strings already on the new
 * stack.
 * Return: 0, -E2BIG for a string longer than MAX_ARG_STRLEN, past the strings' share of the
 * stack, or making the stack's pages more than RLIMIT_STACK; -ENOMEM.
 */
int copy_string_kernel(const char *arg, struct linux_binprm *bprm)
{
	size_t len = strnlen(arg, MAX_ARG_STRLEN) + 1;
	unsigned long size;
	char *to;

	if (len > MAX_ARG_STRLEN)
		return -E2BIG;
	if (bprm->p - bprm->argmin < len)
		return -E2BIG;
	/* get_arg_page grows the temporary stack VMA (a page at first): RLIMIT_STACK bounds it */
	size = STACK_TOP_MAX - ((bprm->p - len) & PAGE_MASK);
	if (size > PAGE_SIZE && size > bprm->rlim_stack)
		return -E2BIG;
	bprm->p -= len;
	to = bprm_stack_at(bprm, bprm->p, len);
	if (!to)
		return -ENOMEM;
	memcpy(to, arg, len);
	return 0;
}

/* copy_strings: @n strings of @strv, the last pushed first so that strv[0] ends up lowest. */
static int copy_strings(struct linux_binprm *bprm, int n, const char *const *strv)
{
	while (n-- > 0) {
		int err = copy_string_kernel(strv[n], bprm);

		if (err)
			return err;
	}
	return 0;
}

/* count(): the strings of a NULL-terminated vector (NULL: none). */
static int count_strings(const char *const *strv)
{
	int n = 0;

	if (!strv)
		return 0;
	while (strv[n]) {
		if (n == MAX_ARG_STRINGS)
			return -E2BIG;
		n++;
	}
	return n;
}

/*
 * bprm_stack_limits: the strings may take a quarter of the stack limit (at most 6 MiB, at
 * least ARG_MAX), less the pointers to them the stack will hold too (argc counted as at
 * least one: an empty argv gets "").
 */
static int bprm_stack_limits(struct linux_binprm *bprm)
{
	unsigned long limit = min(_STK_LIM / 4 * 3, bprm->rlim_stack / 4);
	unsigned long ptrs;

	limit = max(limit, ARG_MAX);
	ptrs = ((unsigned long)max(bprm->argc, 1) + (unsigned long)bprm->envc) * sizeof(void *);
	if (limit <= ptrs || bprm->p < limit - ptrs)
		return -E2BIG;
	bprm->argmin = bprm->p - (limit - ptrs);
	return 0;
}

/**
 * remove_arg_zero - drop argv[0] from the new stack (binfmt_script replaces it).
 * Return: 0, or -EFAULT when the strings are not there.
 */
int remove_arg_zero(struct linux_binprm *bprm)
{
	const char *s;

	if (!bprm->argc)
		return 0;
	s = bprm_stack_at(bprm, bprm->p, 1);
	if (!s)
		return -EFAULT;
	bprm->p += strnlen(s, bprm->stack.top - bprm->p) + 1;
	bprm->argc--;
	return 0;
}

/**
 * bprm_change_interp - the path of the file loaded next (a script's interpreter).
 * Return: 0 or -ENOMEM.
 */
int bprm_change_interp(const char *interp, struct linux_binprm *bprm)
{
	char *copy = strdup(interp);

	if (!copy)
		return -ENOMEM;
	free(bprm->interp);
	bprm->interp = copy;
	return 0;
}

/* exec_mmap: the task moves to the new mm; the old one loses a user (and maybe its pages). */
static void exec_mmap(struct linux_binprm *bprm)
{
	struct mmlab_task *t = bprm->task;
	struct mm_struct *old = t->tsk.mm;

	bprm->mm->owner_tgid = t->tsk.tgid;
	t->tsk.mm = bprm->mm;
	bprm->mm = NULL;
	/* vmacache_flush: the cached VMAs were the old mm's */
	memset(&t->tsk.vmacache, 0, sizeof(t->tsk.vmacache));
	/* mm_release: a vfork parent waits no longer */
	if (t->vfork_parent) {
		t->vfork_parent->vfork_child = NULL;
		t->vfork_parent = NULL;
	}
	mmput(old);
}

/* Whether @t is a vfork parent its child has not released yet (by exec or exit). */
MMLAB_EXPORT int mmlab_task_vfork_waiting(const struct mmlab_task *t)
{
	return t && t->vfork_child;
}

/*
 * A thread de_thread killed: it leaves the old mm for an empty one of its own and the group
 * for a signal_struct of its own that says SIGKILL, and its files are closed. Its handle
 * stays valid (the caller still holds it) until mmlab_exit, acting on nothing.
 * Return: 0 or -ENOMEM (then it stays on the old mm, out of the group).
 */
static int zap_thread(struct task *o)
{
	struct mmlab_task *ot = container_of(o, struct mmlab_task, tsk);
	struct signal_struct *sig = signal_copy(o->signal);
	struct mm_struct *mm = mm_alloc(o->mm->machine, &o->cfg);
	int none = 0;

	if (!sig || IS_ERR(mm)) {
		signal_put(sig);
		if (!IS_ERR(mm))
			mmput(mm);
		return -ENOMEM;
	}
	__atomic_compare_exchange_n(&sig->killed_by, &none, SIGKILL, false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
	signal_put(o->signal);
	o->signal = sig;
	thread_group_add(o);
	mm->owner_tgid = o->tgid;
	mmput(o->mm);
	o->mm = mm;
	memset(&o->vmacache, 0, sizeof(o->vmacache));
	for (int fd = 0; fd < MMLAB_NR_FDS; fd++) {
		if (!ot->fds[fd])
			continue;
		fput(ot->fds[fd]);
		ot->fds[fd] = NULL;
		fd_set_cloexec(ot, fd, false);
	}
	return 0;
}

/*
 * de_thread: the exec'ing task becomes the only thread of its process. Every other thread of
 * its group is killed (zap_other_threads), and a thread other than the leader takes the
 * leader's pid, the leader its (exchange_tids), as the kernel does before it releases the old
 * leader: the process keeps its pid.
 * Return: 0, or -ENOMEM (a thread could not be moved off the old mm).
 */
static int de_thread(struct mmlab_task *t)
{
	struct signal_struct *sig = t->tsk.signal;
	struct list_head zapped, *pos, *n;
	struct task *leader = NULL;
	int err = 0;

	INIT_LIST_HEAD(&zapped);
	pthread_mutex_lock(&sig->lock);
	list_for_each_safe(pos, n, &sig->thread_head) {
		if (pos == &t->tsk.thread_node)
			continue;
		list_del(pos);
		list_add_tail(pos, &zapped);
	}
	pthread_mutex_unlock(&sig->lock);
	list_for_each_safe(pos, n, &zapped) {
		struct task *o = list_entry(pos, struct task, thread_node);

		list_del_init(pos);
		if (o->pid == o->tgid)
			leader = o;
		err = zap_thread(o) ?: err;
	}
	if (t->tsk.pid != t->tsk.tgid) {
		if (leader)
			leader->pid = t->tsk.pid;
		t->tsk.pid = t->tsk.tgid;
	}
	return err;
}

/* do_close_on_exec: every fd marked FD_CLOEXEC is closed. */
static void do_close_on_exec(struct mmlab_task *t)
{
	for (int fd = 0; fd < MMLAB_NR_FDS; fd++) {
		if (!t->fds[fd] || !(t->close_on_exec[fd / 64] & (1UL << (fd % 64))))
			continue;
		fput(t->fds[fd]);
		t->fds[fd] = NULL;
		fd_set_cloexec(t, fd, false);
	}
}

/**
 * begin_new_exec - the point of no return: the task becomes its process's only thread
 * (de_thread), the new mm (whose exe_file is the program, writes to it denied) replaces the
 * task's, the close-on-exec files are closed, PKRU is reset.
 * Context: no mmap_lock held.
 * Return: 0, or -ENOMEM (another thread could not be killed): fatal, as every failure from
 * here on.
 */
int begin_new_exec(struct linux_binprm *bprm)
{
	struct mmlab_task *t = bprm->task;
	int err;

	bprm->point_of_no_return = true;
	err = de_thread(t);
	if (err)
		return err;
	if (!exe_file_deny_write_access(bprm->file))
		bprm->mm->exe_file = get_file(bprm->file);
	exec_mmap(bprm);
	/* __set_task_comm: a path through a dirfd names the file itself */
	set_task_comm(&t->tsk, bprm->fdpath && bprm->file->path ? bprm->file->path : bprm->filename);
	do_close_on_exec(t);
	/* flush_signal_handlers: handled signals go back to their default; ignored stay so */
	__atomic_store_n(&t->tsk.signal->sig_handled, 0, __ATOMIC_RELAXED);
	/* flush_thread: the FPU state, PKRU included, is the init task's */
	t->tsk.pkru = pkru_init_value(t->tsk.mm->machine);
	return 0;
}

/** setup_new_exec - the new mm's layout: top-down or legacy, mmap_base (with its ASLR). */
void setup_new_exec(struct linux_binprm *bprm)
{
	arch_pick_mmap_layout(&bprm->task->tsk);
}

/** arch_align_stack - @sp lowered by up to 8 KiB at random (with ASLR), 16-byte aligned. */
unsigned long arch_align_stack(struct task *tsk, unsigned long sp)
{
	if (tsk->cfg.randomize)
		sp -= task_random(tsk) % 8192;
	return sp & ~0xfUL;
}

/**
 * setup_arg_pages - the stack VMA of the new mm under @stack_top: the pages the strings
 * took, and 128 KiB more (less when RLIMIT_STACK is smaller), execute permission as
 * PT_GNU_STACK asks; the strings move there from STACK_TOP_MAX. arg_start and start_stack
 * are where argv's strings begin.
 * Context: no mmap_lock held (takes the new mm's).
 * Return: 0, or -ENOMEM (no room below @stack_top, out of memory).
 */
int setup_arg_pages(struct linux_binprm *bprm, unsigned long stack_top,
		    enum exec_stack executable_stack)
{
	struct task *tsk = &bprm->task->tsk;
	struct mm_struct *mm = tsk->mm;
	unsigned long size = STACK_TOP_MAX - (bprm->p & PAGE_MASK), shift, expand;
	vm_flags_t flags = VM_STACK_FLAGS | mm->def_flags;
	int err;

	stack_top = PAGE_ALIGN(arch_align_stack(tsk, stack_top));
	if (stack_top < mm->mmap_min_addr || size >= stack_top - mm->mmap_min_addr)
		return -ENOMEM;
	shift = STACK_TOP_MAX - stack_top;
	bprm->p -= shift;
	bprm->exec -= shift;
	bprm->stack.top -= shift;
	mm->arg_start = bprm->p;
	if (executable_stack == EXSTACK_ENABLE_X)
		flags |= VM_EXEC;
	else if (executable_stack == EXSTACK_DISABLE_X)
		flags &= ~VM_EXEC;
	/* expand_stack to the room: never below what the strings took, never past the limit */
	expand = min(bprm->rlim_stack & PAGE_MASK, size + STACK_EXPAND);
	size = max(size, expand);
	mmap_write_lock(mm);
	err = insert_special_vma(tsk, stack_top - size, stack_top, flags, NULL);
	if (!err)
		bprm->vma = find_vma(mm, stack_top - size);
	mm->start_stack = bprm->p;
	mmap_write_unlock(mm);
	return err;
}

/*
 * search_binary_handler: the file's first bytes, then each format in turn; one that does not
 * know the file says ENOEXEC, and so does the call when none knew it.
 */
static int search_binary_handler(struct linux_binprm *bprm)
{
	static int (*const formats[])(struct linux_binprm *) = { load_elf_binary, load_script };
	ssize_t n;
	int err = -ENOEXEC;

	memset(bprm->buf, 0, sizeof(bprm->buf));
	n = kernel_read(bprm->file, bprm->buf, sizeof(bprm->buf), 0);
	if (n < 0)
		return (int)n;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		err = formats[i](bprm);
		if (bprm->point_of_no_return || err != -ENOEXEC)
			return err;
	}
	return err;
}

/* exec_binprm: formats hand over to their interpreter at most four times (ELOOP). */
static int exec_binprm(struct linux_binprm *bprm)
{
	for (bprm->depth = 0;; bprm->depth++) {
		struct file *exec;
		int err;

		if (bprm->depth > 5)
			return -ELOOP;
		err = search_binary_handler(bprm);
		if (err < 0)
			return err;
		if (!bprm->interpreter)
			return 0;
		exec = bprm->file;
		bprm->file = bprm->interpreter;
		bprm->interpreter = NULL;
		exe_file_allow_write_access(exec);
		fput(exec);
	}
}

/*
 * do_open_execat: execveat's file. AT_EMPTY_PATH with an empty @name: @fd's own file; an
 * absolute @name or AT_FDCWD: @name; else @name under the directory @fd refers to (ENOTDIR
 * for another file, EBADF for no fd).
 */
static struct file *do_open_execat(struct mmlab_task *t, int fd, const char *name, int flags)
{
	bool nofollow = flags & AT_SYMLINK_NOFOLLOW;
	const struct file *dir;
	struct file *file;
	char *path;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return ERR_PTR(-EINVAL);
	if (!*name && (flags & AT_EMPTY_PATH) && fd != AT_FDCWD)
		return open_exec_fd(t, fd);
	if (!*name || name[0] == '/' || fd == AT_FDCWD)
		return open_exec(t, name, nofollow);
	dir = fdget_raw(t, fd);
	if (!dir)
		return ERR_PTR(-EBADF);
	if (!S_ISDIR(dir->i_mode) || !dir->path)
		return ERR_PTR(-ENOTDIR);
	if (asprintf(&path, "%s/%s", strcmp(dir->path, "/") ? dir->path : "", name) < 0)
		return ERR_PTR(-ENOMEM);
	file = open_exec(t, path, nofollow);
	free(path);
	return file;
}

/*
 * alloc_bprm: the file opened for execution, and the empty mm it will run in. A name
 * relative to a dirfd is known to the program as "/dev/fd/N[/name]" (AT_EXECFN, a script's
 * argument), which a close-on-exec fd makes inaccessible to an interpreter.
 */
static struct linux_binprm *alloc_bprm(struct mmlab_task *t, int fd, const char *filename,
				       int flags, int *err)
{
	struct linux_binprm *bprm;
	struct file *file = do_open_execat(t, fd, filename, flags);
	struct mm_struct *old = t->tsk.mm;

	if (IS_ERR(file)) {
		*err = (int)PTR_ERR(file);
		return NULL;
	}
	*err = -ENOMEM;
	bprm = calloc(1, sizeof(*bprm));
	if (!bprm)
		goto allow_write;
	bprm->task = t;
	bprm->file = file;
	bprm->filename = filename;
	if (fd != AT_FDCWD && filename[0] != '/') {
		if ((*filename ? asprintf(&bprm->fdpath, "/dev/fd/%d/%s", fd, filename)
			       : asprintf(&bprm->fdpath, "/dev/fd/%d", fd)) < 0) {
			bprm->fdpath = NULL;
			goto free_bprm;
		}
		if (t->close_on_exec[fd / 64] & (1UL << (fd % 64)))
			bprm->interp_flags |= BINPRM_FLAGS_PATH_INACCESSIBLE;
		bprm->filename = bprm->fdpath;
	}
	bprm->interp = strdup(bprm->filename);
	bprm->mm = mm_alloc(old->machine, &t->tsk.cfg);
	if (!bprm->interp || IS_ERR(bprm->mm))
		goto free_bprm;
	/* mm_init: the flags a new mm inherits (MDWE unless NO_INHERIT, THP disabled) */
	bprm->mm->flags = mmf_init_flags(old->flags);
	bprm->mm->def_flags = old->def_flags & VM_NOHUGEPAGE;
	bprm->rlim_stack = task_rlimit(&t->tsk, RLIMIT_STACK);
	bprm->stack.top = STACK_TOP_MAX;
	bprm->p = STACK_TOP_MAX - sizeof(void *);
	return bprm;

free_bprm:
	if (!IS_ERR_OR_NULL(bprm->mm))
		mmput(bprm->mm);
	free(bprm->interp);
	free(bprm->fdpath);
	free(bprm);
allow_write:
	exe_file_allow_write_access(file);
	fput(file);
	return NULL;
}

static void free_bprm(struct linux_binprm *bprm)
{
	if (bprm->mm)
		mmput(bprm->mm);
	if (bprm->file) {
		exe_file_allow_write_access(bprm->file);
		fput(bprm->file);
	}
	if (bprm->interpreter) {
		exe_file_allow_write_access(bprm->interpreter);
		fput(bprm->interpreter);
	}
	free(bprm->interp);
	free(bprm->fdpath);
	free(bprm->stack.bytes);
	free(bprm);
}

/* do_execveat_common's strings: the filename, the environment, then the arguments. */
static int bprm_copy_strings(struct linux_binprm *bprm, const char *const argv[],
			     const char *const envp[])
{
	int err;

	bprm->argc = count_strings(argv);
	if (bprm->argc < 0)
		return bprm->argc;
	bprm->envc = count_strings(envp);
	if (bprm->envc < 0)
		return bprm->envc;
	err = bprm_stack_limits(bprm) ?: copy_string_kernel(bprm->filename, bprm);
	if (err)
		return err;
	bprm->exec = bprm->p;
	err = copy_strings(bprm, bprm->envc, envp) ?: copy_strings(bprm, bprm->argc, argv);
	if (err)
		return err;
	/* an empty argv gets "" as argv[0], so that argv[1] is never envp[0] */
	if (!bprm->argc) {
		err = copy_string_kernel("", bprm);
		bprm->argc = 1;
	}
	return err;
}

/*
 * force_fatal_sig: a failure after the point of no return kills the process with @sig (the
 * group's killed_by, which mmlab_task_signals reports); the task is left half-built.
 */
static void force_fatal_sig(struct mmlab_task *t, int sig)
{
	int none = 0;

	__atomic_compare_exchange_n(&t->tsk.signal->killed_by, &none, sig, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

MMLAB_EXPORT int mmlab_execveat(struct mmlab_task *t, int dirfd, const char *path,
				const char *const argv[], const char *const envp[], int flags)
{
	struct linux_binprm *bprm;
	int err;

	if (!t)
		return -EINVAL;
	if (!path)
		return -EFAULT;
	if (t->vfork_child)
		return -EBUSY;
	TASK_ENTER(&t->tsk);
	bprm = alloc_bprm(t, dirfd, path, flags, &err);
	if (!bprm)
		return err;
	err = bprm_copy_strings(bprm, argv, envp) ?: exec_binprm(bprm);
	if (err && bprm->point_of_no_return)
		force_fatal_sig(t, SIGSEGV);
	free_bprm(bprm);
	return err;
}

MMLAB_EXPORT int mmlab_execve(struct mmlab_task *t, const char *path, const char *const argv[],
			      const char *const envp[])
{
	return mmlab_execveat(t, AT_FDCWD, path, argv, envp, 0);
}
