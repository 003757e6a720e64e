/*
 * The public process API: a task with an address space laid out as exec leaves it (stack,
 * vvar/vdso, brk start; ASLR from a seed), a small fd table over real host files, the memory
 * system calls, and /proc/pid/maps and smaps. It corresponds to the syscall entry points
 * (SYSCALL_DEFINE in mm/ files), fs/exec.c + fs/binfmt_elf.c's layout choices and kernel/fork.c's
 * mm_alloc; every call takes mmap_lock as the kernel's entry point does. Left out: the ELF
 * image itself (no binary is mapped; the brk area starts where a small PIE would end it).
 */
#include "mm/mmzone.h"
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/task.h"
#include "mmu/pgrange.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define STACK_RND_MASK 0x3fffffUL
#define ELF_ET_DYN_BASE 0x555555554000UL
#define DEFAULT_IMAGE_END 0x5000UL	/* Where a small PIE's bss ends, from its load address */
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
static const struct vm_operations_struct vvar_ops = { .name = vvar_name,
						      .may_split = special_no_split };
static const struct vm_operations_struct vclock_ops = { .name = vclock_name,
							.may_split = special_no_split };
static const struct vm_operations_struct vdso_ops = { .name = vdso_name,
						      .may_split = special_no_split };

#define VVAR_FLAGS (VM_READ | VM_MAYREAD | VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
#define VDSO_FLAGS (VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND)

static void task_config(struct task *tsk, const struct mmlab_task_config *c)
{
	struct mm_config *cfg = &tsk->cfg;

	for (int i = 0; i < RLIM_NLIMITS; i++)
		cfg->rlim[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	cfg->rlim[RLIMIT_STACK] = (struct rlimit){ 8UL << 20, RLIM_INFINITY };
	cfg->rlim[RLIMIT_MEMLOCK] = (struct rlimit){ 8UL << 20, 8UL << 20 };
	cfg->randomize = c ? !c->no_aslr : true;
	cfg->legacy_layout = c && c->legacy_layout;
	cfg->cap_ipc_lock = cfg->cap_sys_rawio = c && c->privileged;
	cfg->cap_sys_nice = c && c->privileged;
	cfg->mmap_min_addr = c && c->mmap_min_addr ? c->mmap_min_addr : 65536;
	cfg->max_map_count = c && c->max_map_count ? c->max_map_count : DEFAULT_MAX_MAP_COUNT;
	cfg->seed = c ? c->seed : 0;
	if (c && c->rlimit_stack)
		cfg->rlim[RLIMIT_STACK].rlim_cur = c->rlimit_stack;
	if (c && c->rlimit_as)
		cfg->rlim[RLIMIT_AS].rlim_cur = c->rlimit_as;
	if (c && c->rlimit_data)
		cfg->rlim[RLIMIT_DATA].rlim_cur = c->rlimit_data;
	if (c && c->rlimit_memlock)
		cfg->rlim[RLIMIT_MEMLOCK].rlim_cur = c->rlimit_memlock;
	tsk->rng = cfg->seed;
}

static int mm_init(struct mmlab_task *t, struct mmlab_machine *m)
{
	struct mm_struct *mm = mm_alloc(machine_of(m), &t->tsk.cfg);

	if (IS_ERR(mm))
		return (int)PTR_ERR(mm);
	t->tsk.mm = mm;
	return 0;
}

static struct mmlab_task *task_alloc(struct mmlab_machine *m, const struct mmlab_task_config *c)
{
	struct mmlab_task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	task_config(&t->tsk, c);
	t->tsk.pid = t->tsk.tgid = alloc_pid(machine_of(m));
	if (mm_init(t, m)) {
		free(t);
		return NULL;
	}
	/* The task is a program just executed: exec's flush_thread left the default PKRU. */
	t->tsk.pkru = pkru_init_value(machine_of(m));
	arch_pick_mmap_layout(&t->tsk);
	return t;
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
	err = setup_exec_layout(t, cfg);
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

static struct file *file_from_host(int fd, const char *path, int flags)
{
	struct file *f = calloc(1, sizeof(*f));
	struct statvfs vfs;
	struct stat st;

	if (!f)
		return NULL;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return NULL;
	}
	f->f_count = 1;
	f->host_fd = fd;
	f->f_flags = (unsigned int)flags;
	if (fd >= 0 && !(flags & O_PATH)) {
		int acc = flags & O_ACCMODE;

		f->f_mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
			    (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0);
	}
	if (fd >= 0 && !fstat(fd, &st)) {
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->regular = S_ISREG(st.st_mode);
	}
	if (fd >= 0 && !fstatvfs(fd, &vfs))
		f->noexec = vfs.f_flag & ST_NOEXEC;
	return f;
}

MMLAB_EXPORT int mmlab_open(struct mmlab_task *t, const char *path, int flags)
{
	char real[PATH_MAX];
	struct file *f;
	int fd, i;

	if (!t || !path)
		return -EINVAL;
	for (i = 0; i < MMLAB_NR_FDS && t->fds[i]; i++)
		;
	if (i == MMLAB_NR_FDS)
		return -EMFILE;
	fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = file_from_host(fd, realpath(path, real) ? real : path, flags);
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	t->fds[i] = f;
	return i;
}

MMLAB_EXPORT int mmlab_close(struct mmlab_task *t, int fd)
{
	if (!t || fd < 0 || fd >= MMLAB_NR_FDS || !t->fds[fd])
		return -EBADF;
	fput(t->fds[fd]);
	t->fds[fd] = NULL;
	return 0;
}

static void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->mmap_lock);
}

static void mmap_write_unlock(struct mm_struct *mm)
{
#if MMLAB_DEBUG >= 2
	VM_BUG_ON(mm_validate(mm));
#endif
	pthread_rwlock_unlock(&mm->mmap_lock);
}

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

/* do_mmap's *populate: MAP_POPULATE without MAP_NONBLOCK, or a locked, not on-fault VMA. */
static bool mmap_wants_populate(struct mm_struct *mm, int flags)
{
	vm_flags_t locked = (flags & MAP_LOCKED ? VM_LOCKED : 0) | mm->def_flags;

	if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
		return true;
	return (locked & VM_LOCKED) && !(locked & VM_LOCKONFAULT);
}

/* The long result of a system call: an address or -errno. */
static int syscall_result(long ret, uint64_t *out)
{
	if (ret < 0 && ret >= -MAX_ERRNO)
		return (int)ret;
	if (out)
		*out = (uint64_t)ret;
	return 0;
}

MMLAB_EXPORT int mmlab_mmap(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot,
			    int flags, int fd, uint64_t off, uint64_t *out)
{
	struct file *file = NULL;
	long ret;

	if (!t)
		return -EINVAL;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (fd < 0 || fd >= MMLAB_NR_FDS || !t->fds[fd] ||
		    (t->fds[fd]->f_flags & O_PATH))
			return -EBADF;
		file = t->fds[fd];
	}
	mmap_write_lock(t->tsk.mm);
	ret = ksys_mmap(&t->tsk, addr, len, (unsigned long)prot, (unsigned long)(unsigned)flags,
			file, off);
	if (!(ret < 0 && ret >= -MAX_ERRNO) && mmap_wants_populate(t->tsk.mm, flags))
		mm_populate(&t->tsk, (unsigned long)ret, PAGE_ALIGN(len), true);
	mmap_write_unlock(t->tsk.mm);
	return syscall_result(ret, out);
}

#define LOCKED_CALL(t, expr)                                                                       \
	({                                                                                         \
		long __r;                                                                          \
		mmap_write_lock((t)->tsk.mm);                                                         \
		__r = (expr);                                                                      \
		mmap_write_unlock((t)->tsk.mm);                                                       \
		__r;                                                                               \
	})

MMLAB_EXPORT int mmlab_munmap(struct mmlab_task *t, uint64_t addr, uint64_t len)
{
	return t ? (int)LOCKED_CALL(t, sys_munmap(&t->tsk, addr, len)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mprotect(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot)
{
	return t ? (int)LOCKED_CALL(t, sys_mprotect(&t->tsk, addr, len, (unsigned)prot)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mremap(struct mmlab_task *t, uint64_t addr, uint64_t old_len,
			      uint64_t new_len, int flags, uint64_t new_addr, uint64_t *out)
{
	if (!t)
		return -EINVAL;
	return syscall_result(LOCKED_CALL(t, sys_mremap(&t->tsk, addr, old_len, new_len,
							(unsigned)flags, new_addr)),
			      out);
}

MMLAB_EXPORT int mmlab_brk(struct mmlab_task *t, uint64_t addr, uint64_t *out)
{
	if (!t)
		return -EINVAL;
	return syscall_result(LOCKED_CALL(t, sys_brk(&t->tsk, addr)), out);
}

MMLAB_EXPORT int mmlab_madvise(struct mmlab_task *t, uint64_t addr, uint64_t len, int advice)
{
	return t ? (int)LOCKED_CALL(t, sys_madvise(&t->tsk, addr, len, advice)) : -EINVAL;
}

MMLAB_EXPORT long mmlab_process_madvise(struct mmlab_task *t, struct mmlab_task *target,
					const struct mmlab_iovec *iov, size_t vlen, int advice,
					unsigned int flags)
{
	struct madv_iovec stack[8], *v = stack;
	struct mm_struct *mm;
	long ret;

	if (!t || (vlen && !iov))
		return -EINVAL;
	/* Only the first UIO_MAXIOV ranges can matter: more is EINVAL before any is read. */
	if (vlen > ARRAY_SIZE(stack) && vlen <= 1024) {
		v = calloc(vlen, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	if (vlen > 1024)
		v = NULL; /* EINVAL before any range is read */
	for (size_t i = 0; v && i < vlen; i++)
		v[i] = (struct madv_iovec){ .base = iov[i].base, .len = iov[i].len };
	mm = target ? target->tsk.mm : t->tsk.mm;
	mmap_write_lock(mm);
	ret = sys_process_madvise(&t->tsk, target ? &target->tsk : NULL, v, vlen, advice, flags);
	mmap_write_unlock(mm);
	if (v != stack)
		free(v);
	return ret;
}

MMLAB_EXPORT long mmlab_prctl(struct mmlab_task *t, int option, unsigned long arg2,
			      unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	return t ? LOCKED_CALL(t, prctl_mm(&t->tsk, option, arg2, arg3, arg4, arg5)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mseal(struct mmlab_task *t, uint64_t addr, uint64_t len,
			    unsigned long flags)
{
	return t ? (int)LOCKED_CALL(t, sys_mseal(&t->tsk, addr, len, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mlock2(struct mmlab_task *t, uint64_t addr, uint64_t len, int flags)
{
	return t ? (int)LOCKED_CALL(t, sys_mlock2(&t->tsk, addr, len, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mlock(struct mmlab_task *t, uint64_t addr, uint64_t len)
{
	return mmlab_mlock2(t, addr, len, 0);
}

MMLAB_EXPORT int mmlab_munlock(struct mmlab_task *t, uint64_t addr, uint64_t len)
{
	return t ? (int)LOCKED_CALL(t, sys_munlock(&t->tsk, addr, len)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_mlockall(struct mmlab_task *t, int flags)
{
	return t ? (int)LOCKED_CALL(t, sys_mlockall(&t->tsk, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_munlockall(struct mmlab_task *t)
{
	return t ? (int)LOCKED_CALL(t, sys_munlockall(&t->tsk)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_msync(struct mmlab_task *t, uint64_t addr, uint64_t len, int flags)
{
	return t ? (int)LOCKED_CALL(t, sys_msync(&t->tsk, addr, len, flags)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_prctl_set_vma_anon_name(struct mmlab_task *t, uint64_t addr, uint64_t len,
					       const char *name)
{
	return t ? (int)LOCKED_CALL(t, prctl_set_vma_anon_name(&t->tsk, addr, len, name)) : -EINVAL;
}

MMLAB_EXPORT int mmlab_proc_maps(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	pthread_rwlock_rdlock(&t->tsk.mm->mmap_lock);
	err = show_maps(t->tsk.mm, out);
	pthread_rwlock_unlock(&t->tsk.mm->mmap_lock);
	return err;
}

MMLAB_EXPORT int mmlab_proc_smaps(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	pthread_rwlock_rdlock(&t->tsk.mm->mmap_lock);
	err = show_smaps(t->tsk.mm, out);
	pthread_rwlock_unlock(&t->tsk.mm->mmap_lock);
	return err;
}

MMLAB_EXPORT int mmlab_task_validate(struct mmlab_task *t)
{
	int err;

	pthread_rwlock_rdlock(&t->tsk.mm->mmap_lock);
	err = mm_validate(t->tsk.mm) ?: pgtable_validate(t->tsk.mm) ?: rss_validate(t->tsk.mm);
	pthread_rwlock_unlock(&t->tsk.mm->mmap_lock);
	return err;
}

MMLAB_EXPORT void mmlab_task_info(struct mmlab_task *t, struct mmlab_task_info *info)
{
	struct mm_struct *mm = t->tsk.mm;

	*info = (struct mmlab_task_info){
		.mmap_base = mm->mmap_base, .start_brk = mm->start_brk, .brk = mm->brk,
		.start_stack = mm->start_stack, .map_count = (unsigned)mm->map_count,
		.total_vm = mm->total_vm, .locked_vm = mm->locked_vm, .data_vm = mm->data_vm,
		.exec_vm = mm->exec_vm, .stack_vm = mm->stack_vm, .vma_seq = mm->vma_seq,
	};
}

/* One /proc/pid/maps line turned into a VMA; names decide heap, stack and specials. */
static int vma_from_maps_line(struct mmlab_task *t, const char *line)
{
	unsigned long start, end, off, ino;
	unsigned int maj, min;
	char perms[5], name[PATH_MAX] = "";
	const struct vm_operations_struct *ops = NULL;
	struct mm_struct *mm = t->tsk.mm;
	struct vm_area_struct *vma;
	vm_flags_t flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	int n;

	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &off, &maj, &min,
		   &ino, &n) < 7)
		return -EINVAL;
	if (sscanf(line + n, "%4095[^\n]", name) < 1)
		name[0] = 0;
	if (start >= end || start % PAGE_SIZE || end % PAGE_SIZE || strlen(perms) != 4)
		return -EINVAL;
	if (!strcmp(name, "[vsyscall]"))
		return 0;
	if (end > TASK_SIZE_MAX || find_vma_intersection(mm, start, end))
		return -EINVAL;
	flags |= (perms[0] == 'r' ? VM_READ : 0) | (perms[1] == 'w' ? VM_WRITE : 0) |
		 (perms[2] == 'x' ? VM_EXEC : 0);
	if (perms[3] == 's')
		flags |= VM_MAYSHARE | (perms[1] == 'w' ? VM_SHARED : 0);
	if (!strcmp(name, "[stack]")) {
		flags |= VM_STACK | VM_ACCOUNT;
		mm->start_stack = end - PAGE_SIZE;
	} else if (!strcmp(name, "[vvar]") || !strcmp(name, "[vvar_vclock]")) {
		flags = VVAR_FLAGS;
		ops = name[6] ? &vclock_ops : &vvar_ops;
	} else if (!strcmp(name, "[vdso]")) {
		flags = VDSO_FLAGS;
		ops = &vdso_ops;
	} else if (!strcmp(name, "[heap]")) {
		if (!mm->start_brk)
			mm->start_brk = start;
		mm->brk = end;
	}
	if ((flags & (VM_WRITE | VM_SHARED | VM_MAYSHARE)) == VM_WRITE && !ops)
		flags |= VM_ACCOUNT;
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	vma->vm_ops = ops;
	vma->vm_pgoff = start >> PAGE_SHIFT;
	if (name[0] == '/') {
		size_t len = strlen(name);
		bool deleted = len > 10 && !strcmp(name + len - 10, " (deleted)");
		int fd = -1;

		if (deleted)
			name[len - 10] = 0;
		else
			fd = open(name, (perms[3] == 's' && perms[1] == 'w' ? O_RDWR : O_RDONLY) |
					    O_CLOEXEC);
		vma->vm_file = file_from_host(fd, name, fd >= 0 ? O_RDONLY : 0);
		if (!vma->vm_file) {
			if (fd >= 0)
				close(fd);
			free(vma);
			return -ENOMEM;
		}
		vma->vm_file->dev = makedev(maj, min);
		vma->vm_file->ino = ino;
		vma->vm_file->deleted = deleted;
		vma->vm_file->regular = true;
		vma->vm_pgoff = off >> PAGE_SHIFT;
	} else if (!strncmp(name, "[anon:", 6) && name[strlen(name) - 1] == ']') {
		name[strlen(name) - 1] = 0;
		vma->anon_name = anon_vma_name_alloc(name + 6);
	}
	if (insert_vm_struct(mm, vma)) {
		vm_area_free(vma);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Where exec put the break when the snapshot has no [heap] yet: binfmt_elf sets start_brk to
 * the page-aligned end of the executable's bss, i.e. the end of the run of mappings that starts
 * with the lowest file mapping (the executable, PIE or not) and continues with its other
 * segments and the anonymous bss pages right after them. ASLR moves the break further
 * (arch_randomize_brk); a snapshot without [heap] cannot show by how much.
 */
static unsigned long infer_start_brk(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *exe = NULL;
	unsigned long end = 0;
	VMA_ITERATOR(vmi, mm, 0);

	for_each_vma(vmi, vma) {
		if (!exe && vma->vm_file) {
			exe = vma;
			end = vma->vm_end;
			continue;
		}
		if (!exe)
			continue;
		if (vma->vm_start != end)
			break;
		if (vma->vm_file ? strcmp(vma->vm_file->path, exe->vm_file->path)
				 : vma->vm_ops || vma->anon_name || (vma->vm_flags & VM_GROWSDOWN))
			break;
		end = vma->vm_end;
	}
	return end;
}

MMLAB_EXPORT int mmlab_task_create_from_maps(struct mmlab_machine *m,
					     const struct mmlab_task_config *cfg, FILE *maps,
					     struct mmlab_task **out)
{
	struct vm_area_struct *vma, *stack = NULL;
	struct mmlab_task *t;
	char line[PATH_MAX + 128];
	int err = 0;

	if (!m || !maps || !out)
		return -EINVAL;
	t = task_alloc(m, cfg);
	if (!t)
		return -ENOMEM;
	while (fgets(line, sizeof(line), maps)) {
		err = vma_from_maps_line(t, line);
		if (err)
			goto fail;
	}
	/* The top-down base is where the highest mapping below the stack's gap ends. */
	VMA_ITERATOR(vmi, t->tsk.mm, 0);
	for_each_vma(vmi, vma)
		if (vma->vm_flags & VM_GROWSDOWN)
			stack = vma;
	if (stack && !t->tsk.cfg.legacy_layout) {
		vma = vma_prev_of(t->tsk.mm, stack);
		if (vma)
			t->tsk.mm->mmap_base = vma->vm_end;
	}
	if (!t->tsk.mm->start_brk)
		t->tsk.mm->start_brk = t->tsk.mm->brk = infer_start_brk(t->tsk.mm);
	if (!t->tsk.mm->start_brk)
		t->tsk.mm->start_brk = t->tsk.mm->brk = ELF_ET_DYN_BASE + DEFAULT_IMAGE_END;
	t->tsk.mm->start_data = t->tsk.mm->end_data = t->tsk.mm->start_brk;
	*out = t;
	return 0;
fail:
	mmlab_task_destroy(t);
	return err;
}
