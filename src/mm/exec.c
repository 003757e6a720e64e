// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public process API: a task with an address space laid out as exec leaves it (stack,
 * vvar/vdso, brk start; ASLR from a seed), or built from a /proc/pid/maps snapshot with the
 * mm fields load_elf_binary would have set; a small fd table whose files are stat()ed first
 * and opened on the host only when they are regular files of ordinary filesystems (devices,
 * FIFOs, sockets and kernel files are kept by kind and identity); the memory system calls,
 * and /proc/pid/maps and smaps. A new task gets the kernel's default resource limits with the
 * config's on top, and the config's ids with every capability or none (sys.c, capability.c).
 * It corresponds to the syscall entry points (SYSCALL_DEFINE in
 * mm/ files), fs/open.c's checks, fs/exec.c + fs/binfmt_elf.c's layout choices and
 * kernel/fork.c's mm_alloc; every call takes mmap_lock as the kernel's entry point does.
 * Left out: the ELF image itself (no binary is mapped; the brk area starts where a small PIE
 * would end it), and open's device-specific errors.
 */
#include "mm/mmzone.h"
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mmu/pgrange.h"
#include "mmlab.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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
	t->tsk.mm = mm;
	return 0;
}

static struct mmlab_task *task_alloc(struct mmlab_machine *m, const struct mmlab_task_config *c)
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

/* Filesystems whose regular files are the kernel's own objects (statfs f_type). */
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270
#define DEBUGFS_MAGIC 0x64626720
#define TRACEFS_MAGIC 0x74726163
#define SECURITYFS_MAGIC 0x73636673
#define BPF_FS_MAGIC 0xcafe4a11
#define CONFIGFS_MAGIC 0x62656570
#define PSTOREFS_MAGIC 0x6165676c
#define EFIVARFS_MAGIC 0xde5e81e4

/*
 * What mmap of a procfs file does. Entries made with proc_create (/proc/meminfo, /proc/net/...,
 * which is /proc/PID/net/...) go through proc_reg_mmap, which fails with EIO when the entry has
 * no mmap of its own; a process's own files (/proc/PID/mem, maps...) and /proc/sys have
 * file_operations without mmap: ENODEV.
 */
static enum file_mmap_kind proc_file_mmap(const char *real)
{
	const char *p = real + strlen("/proc/");

	if (!strncmp(p, "sys/", 4))
		return FILE_MMAP_NONE;
	if (*p >= '0' && *p <= '9') {
		p += strspn(p, "0123456789");
		if (!strncmp(p, "/task/", 6)) {
			p += 6;
			p += strspn(p, "0123456789");
		}
		return strncmp(p, "/net/", 5) ? FILE_MMAP_NONE : FILE_MMAP_EIO;
	}
	return FILE_MMAP_EIO;
}

/* /proc/PID/net/... (what /proc/net/... resolves to): the network namespace's entries. */
static bool proc_net_file(const char *real)
{
	const char *p = real + strlen("/proc/");

	if (strncmp(real, "/proc/", 6) || *p < '0' || *p > '9')
		return false;
	p += strspn(p, "0123456789");
	if (!strncmp(p, "/task/", 6)) {
		p += 6;
		p += strspn(p, "0123456789");
	}
	return !strncmp(p, "/net/", 5);
}

/* kernfs: every file has kernfs_fop_mmap, which fails with ENODEV unless it is a binary
 * attribute with an mmap (PCI resources, BTF: not modelled). */
static bool kernfs(unsigned long type)
{
	return type == SYSFS_MAGIC || type == CGROUP_SUPER_MAGIC || type == CGROUP2_SUPER_MAGIC;
}

/* Kernel-object filesystems: their files are never opened on the host. */
static bool pseudo_fs(unsigned long type)
{
	static const unsigned long magic[] = {
		PROC_SUPER_MAGIC, SYSFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC,
		DEBUGFS_MAGIC, TRACEFS_MAGIC, SECURITYFS_MAGIC, BPF_FS_MAGIC, CONFIGFS_MAGIC,
		PSTOREFS_MAGIC, EFIVARFS_MAGIC,
	};

	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (type == magic[i])
			return true;
	return false;
}

/*
 * What mmap of the file @st describes would do, and whether mmlab may open it on the host:
 * only regular files of ordinary filesystems are opened. Everything else is known by its
 * kind and identity alone. Character devices: only /dev/zero (1:5) maps (drivers/char/mem.c);
 * null, full, random, urandom, kmsg, ttys... have no mmap, and a driver mmlab does not know
 * is taken as one without (ENODEV). Block devices map their page cache.
 */
static enum file_mmap_kind host_file_mmap(const struct stat *st, const struct statfs *sfs,
					  const char *real, bool *may_open)
{
	*may_open = false;
	if (S_ISCHR(st->st_mode))
		return st->st_rdev == makedev(1, 5) ? FILE_MMAP_ZERO : FILE_MMAP_NONE;
	if (S_ISBLK(st->st_mode))
		return FILE_MMAP_PAGECACHE;
	if (!S_ISREG(st->st_mode))
		return FILE_MMAP_NONE;	/* directories, FIFOs, sockets */
	if (sfs && (unsigned long)sfs->f_type == PROC_SUPER_MAGIC)
		return strncmp(real, "/proc/", 6) ? FILE_MMAP_NONE : proc_file_mmap(real);
	if (sfs && kernfs((unsigned long)sfs->f_type))
		return FILE_MMAP_KERNFS;
	if (sfs && pseudo_fs((unsigned long)sfs->f_type))
		return FILE_MMAP_NONE;
	*may_open = true;
	return FILE_MMAP_PAGECACHE;
}

/*
 * A struct file for @path, stat()ed as @st. @fd is the host file (-1 when mmlab did not open
 * it: devices, FIFOs, sockets, kernel files, files of another machine's snapshot).
 */
static struct file *file_alloc(int fd, const char *path, int flags, const struct stat *st,
			       enum file_mmap_kind f_mmap)
{
	struct file *f = calloc(1, sizeof(*f));
	struct statvfs vfs;

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
	f->f_mmap = f_mmap;
	if (!(flags & O_PATH)) {
		int acc = flags & O_ACCMODE;

		f->f_mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
			    (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0);
	}
	if (st) {
		f->dev = st->st_dev;
		f->ino = st->st_ino;
		f->i_mode = st->st_mode;
		f->rdev = st->st_rdev;
		f->regular = S_ISREG(st->st_mode);
	}
	if (fd >= 0 ? !fstatvfs(fd, &vfs) : !statvfs(path, &vfs))
		f->noexec = vfs.f_flag & ST_NOEXEC;
	return f;
}

/*
 * open(2)'s answers for a file mmlab does not open, from its kind: a socket cannot be opened,
 * a directory only for reading, and the permission bits decide as for any file.
 */
static int open_check(const char *path, const char *real, const struct stat *st, int flags)
{
	int acc = flags & O_ACCMODE, mode = 0;

	if (S_ISSOCK(st->st_mode))
		return -ENXIO;
	/* fifo_open: no reader can be there for a writer that will not wait */
	if (S_ISFIFO(st->st_mode) && acc == O_WRONLY && (flags & O_NONBLOCK))
		return -ENXIO;
	/* seq_open_net: a network entry without a write handler (mode 0444) is read-only even
	 * for root */
	if (acc != O_RDONLY && S_ISREG(st->st_mode) && !(st->st_mode & 0222) &&
	    proc_net_file(real))
		return -EACCES;
	if ((flags & O_DIRECTORY) && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	if (S_ISDIR(st->st_mode) && (acc != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_PATH)
		return 0;
	mode = (acc == O_RDONLY || acc == O_RDWR ? R_OK : 0) |
	       (acc == O_WRONLY || acc == O_RDWR ? W_OK : 0);
	if (mode && faccessat(AT_FDCWD, path, mode, AT_EACCESS))
		return -errno;
	return 0;
}

/*
 * Opens @path as open(2) with @flags would, but touches the host only for regular files of
 * ordinary filesystems: everything else is stat()ed and represented by kind and identity.
 */
static struct file *file_open(const char *path, int flags)
{
	char real[PATH_MAX];
	const char *name = realpath(path, real) ? real : path;
	struct statfs sfs;
	struct stat st;
	bool may_open;
	enum file_mmap_kind kind;
	int fd = -1, err;
	struct file *f;

	if (stat(path, &st)) {
		if (errno != ENOENT || !(flags & O_CREAT))
			return ERR_PTR(-errno);
		may_open = true;	/* a new regular file */
		kind = FILE_MMAP_PAGECACHE;
	} else {
		kind = host_file_mmap(&st, statfs(path, &sfs) ? NULL : &sfs, name, &may_open);
	}
	if (may_open) {
		fd = open(path, flags | O_CLOEXEC, 0600);
		if (fd < 0)
			return ERR_PTR(-errno);
		if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			/* replaced by something else since the stat: not ours to open */
			close(fd);
			return ERR_PTR(-EAGAIN);
		}
		name = realpath(path, real) ? real : path;
	} else {
		err = open_check(path, name, &st, flags);
		if (err)
			return ERR_PTR(err);
	}
	f = file_alloc(fd, name, flags, &st, kind);
	if (!f) {
		if (fd >= 0)
			close(fd);
		return ERR_PTR(-ENOMEM);
	}
	/* procfs and kernfs superblocks are SB_I_NOEXEC whatever the mount says */
	if (!statfs(path, &sfs) && ((unsigned long)sfs.f_type == PROC_SUPER_MAGIC ||
				    kernfs((unsigned long)sfs.f_type)))
		f->noexec = true;
	return f;
}

MMLAB_EXPORT int mmlab_open(struct mmlab_task *t, const char *path, int flags)
{
	struct file *f;
	int i;

	if (!t || !path)
		return -EINVAL;
	for (i = 0; i < MMLAB_NR_FDS && t->fds[i]; i++)
		;
	if (i == MMLAB_NR_FDS)
		return -EMFILE;
	f = file_open(path, flags);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
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
	mmap_read_lock(t->tsk.mm);
	err = show_maps(t->tsk.mm, out);
	mmap_read_unlock(t->tsk.mm);
	return err;
}

MMLAB_EXPORT int mmlab_proc_smaps(struct mmlab_task *t, FILE *out)
{
	int err;

	if (!t || !out)
		return -EINVAL;
	mmap_read_lock(t->tsk.mm);
	err = show_smaps(t->tsk.mm, out);
	mmap_read_unlock(t->tsk.mm);
	return err;
}

MMLAB_EXPORT int mmlab_task_validate(struct mmlab_task *t)
{
	int err;

	mmap_read_lock(t->tsk.mm);
	err = mm_validate(t->tsk.mm) ?: pgtable_validate(t->tsk.mm) ?: rss_validate(t->tsk.mm);
	mmap_read_unlock(t->tsk.mm);
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
		.start_code = mm->start_code, .end_code = mm->end_code,
		.start_data = mm->start_data, .end_data = mm->end_data,
	};
}

/* What the importer learns from the lines, for the mm fields exec sets. */
struct maps_import {
	struct mmlab_task *t;
	struct mmlab_maps_error *err;	/* Where a bad line is reported, or NULL */
	struct vm_area_struct *heap;	/* The [heap] VMA, or NULL */
	struct vm_area_struct *exe;	/* The executable's first VMA: the lowest file mapping */
};

static int maps_fail(struct maps_import *mi, int err, const char *msg)
{
	if (mi->err)
		mi->err->message = msg;
	return err;
}

/*
 * The struct file of a maps line's path. A file of this machine is stat()ed and opened as
 * mmlab_open opens (regular files only, read-only, or read-write for a shared writable
 * mapping) when it is still the file the line names (same device and inode); otherwise the
 * line's identity is kept and the file is taken as a regular file that cannot be read.
 */
static struct file *maps_file(const char *name, dev_t dev, unsigned long ino, bool deleted,
			      bool shared_write)
{
	struct stat st;
	struct file *f = NULL;

	if (!deleted && !stat(name, &st) && st.st_dev == dev && st.st_ino == ino) {
		f = file_open(name, shared_write ? O_RDWR : O_RDONLY);
		if (IS_ERR(f) && shared_write)
			f = file_open(name, O_RDONLY);
		if (IS_ERR(f))
			f = NULL;
	}
	if (!f) {
		st = (struct stat){ .st_dev = dev, .st_ino = ino, .st_mode = S_IFREG };
		f = file_alloc(-1, name, O_RDONLY, &st, FILE_MMAP_PAGECACHE);
		if (!f)
			return NULL;
	}
	f->dev = dev;
	f->ino = ino;
	f->deleted = deleted;
	return f;
}

/* One /proc/PID/maps line: the fields show_map_vma printed. */
struct maps_line {
	unsigned long start, end;	/* The VMA's range */
	unsigned long off;		/* File offset, in bytes */
	unsigned long ino;		/* Inode number; 0 for anonymous memory */
	unsigned int maj, min;		/* Device of the file */
	char perms[5];			/* "rwxp" or "rwxs", '-' for a missing right */
	char name[PATH_MAX];		/* A path, [heap], [stack], [anon:...], or empty */
};

/* Phase 1: the fields of @line, checked for what a kernel could have printed. */
static int maps_parse_line(struct maps_import *mi, const char *line, struct maps_line *ml)
{
	const char *perms = ml->perms;
	int n = 0;

	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &ml->start, &ml->end, ml->perms, &ml->off,
		   &ml->maj, &ml->min, &ml->ino, &n) < 7 || !n)
		return maps_fail(mi, -EINVAL, "not a /proc/PID/maps line");
	if (sscanf(line + n, "%4095[^\n]", ml->name) < 1)
		ml->name[0] = 0;
	if (strlen(perms) != 4 || strspn(perms, "r-") < 1 || !strchr("w-", perms[1]) ||
	    !strchr("x-", perms[2]) || !strchr("ps", perms[3]))
		return maps_fail(mi, -EINVAL, "bad permissions");
	if (ml->start >= ml->end || ml->start % PAGE_SIZE || ml->end % PAGE_SIZE ||
	    ml->off % PAGE_SIZE)
		return maps_fail(mi, -EINVAL, "bad address range");
	return 0;
}

/*
 * Phase 2: the flags a VMA printed so had, from its permissions and name. [stack] and
 * private writable memory are charged (VM_ACCOUNT); vvar, vvar_vclock and vdso are the
 * special mappings exec installs, with their own flags and operations (*@ops).
 */
static vm_flags_t maps_vm_flags(const struct maps_line *ml,
				const struct vm_operations_struct **ops)
{
	const char *perms = ml->perms, *name = ml->name;
	vm_flags_t flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	*ops = NULL;
	flags |= (perms[0] == 'r' ? VM_READ : 0) | (perms[1] == 'w' ? VM_WRITE : 0) |
		 (perms[2] == 'x' ? VM_EXEC : 0);
	if (perms[3] == 's')
		flags |= VM_MAYSHARE | (perms[1] == 'w' ? VM_SHARED : 0);
	if (!strcmp(name, "[stack]")) {
		flags |= VM_STACK | VM_ACCOUNT;
	} else if (!strcmp(name, "[vvar]") || !strcmp(name, "[vvar_vclock]")) {
		flags = VVAR_FLAGS;
		*ops = name[6] ? &vclock_ops : &vvar_ops;
	} else if (!strcmp(name, "[vdso]")) {
		flags = VDSO_FLAGS;
		*ops = &vdso_ops;
	}
	if ((flags & (VM_WRITE | VM_SHARED | VM_MAYSHARE)) == VM_WRITE && !*ops)
		flags |= VM_ACCOUNT;
	return flags;
}

/*
 * Phase 3: what @vma maps, from the line's name: a file (of this machine when it is still
 * there, else the snapshot's identity alone), the shmem object of a shared /dev/zero mapping
 * (shown as "/dev/zero (deleted)" on device 00:01), or an [anon:...] name.
 */
static int maps_vma_object(struct maps_import *mi, struct vm_area_struct *vma,
			   struct maps_line *ml)
{
	char *name = ml->name;
	size_t len = strlen(name);

	if (name[0] == '/') {
		bool deleted = len > 10 && !strcmp(name + len - 10, " (deleted)");

		if (deleted)
			name[len - 10] = 0;
		if (deleted && !strcmp(name, "/dev/zero") && ml->maj == 0 && ml->min == 1)
			vma->vm_file = shmem_zero_file(vma->vm_mm->machine,
						       ml->off + (ml->end - ml->start));
		else
			vma->vm_file = maps_file(name, makedev(ml->maj, ml->min), ml->ino, deleted,
						 (vma->vm_flags & VM_SHARED) != 0);
		if (!vma->vm_file)
			return maps_fail(mi, -ENOMEM, "out of memory");
		if (vma->vm_file->shmem)
			vma->vm_file->ino = ml->ino;
		vma->vm_pgoff = ml->off >> PAGE_SHIFT;
	} else if (!strncmp(name, "[anon:", 6) && name[len - 1] == ']') {
		name[len - 1] = 0;
		vma->anon_name = anon_vma_name_alloc(name + 6);
		if (!vma->anon_name)
			return maps_fail(mi, -ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * One /proc/PID/maps line turned into a VMA of the importing task: parsed, given its flags
 * and its object, then inserted; [vsyscall] (the fixed legacy page, outside the mm's tree) is
 * skipped. [heap], [stack] and the lowest regular file tell exe_layout() where exec put things.
 */
static int vma_from_maps_line(struct maps_import *mi, char *line)
{
	struct mm_struct *mm = mi->t->tsk.mm;
	const struct vm_operations_struct *ops;
	struct maps_line ml;
	struct vm_area_struct *vma;
	int err = maps_parse_line(mi, line, &ml);

	if (err)
		return err;
	if (!strcmp(ml.name, "[vsyscall]"))
		return 0;
	if (ml.end > TASK_SIZE_MAX)
		return maps_fail(mi, -EINVAL, "beyond the user address space");
	if (find_vma_intersection(mm, ml.start, ml.end))
		return maps_fail(mi, -EINVAL, "overlaps an earlier line");
	vma = vm_area_alloc(mm);
	if (!vma)
		return maps_fail(mi, -ENOMEM, "out of memory");
	vma->vm_start = ml.start;
	vma->vm_end = ml.end;
	vma->vm_flags = maps_vm_flags(&ml, &ops);
	vma->vm_ops = ops;
	vma->vm_pgoff = ml.start >> PAGE_SHIFT;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	err = maps_vma_object(mi, vma, &ml) ?:
	      (insert_vm_struct(mm, vma) ? maps_fail(mi, -ENOMEM, "out of memory") : 0);
	if (err) {
		vm_area_free(vma);
		return err;
	}
	if (!strcmp(ml.name, "[heap]"))
		mi->heap = vma;
	else if (!strcmp(ml.name, "[stack]"))
		mm->start_stack = ml.end - PAGE_SIZE;
	else if (!mi->exe && vma->vm_file && vma->vm_file->regular)
		mi->exe = vma;
	return 0;
}

/* The executable's program headers, as binfmt_elf reads them (at most 4 KiB of them). */
struct exe_image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4096 / sizeof(Elf64_Phdr)];
	unsigned int nr;
};

static bool exe_read(const struct file *f, struct exe_image *img)
{
	size_t size;

	if (f->host_fd < 0 || pread(f->host_fd, &img->eh, sizeof(img->eh), 0) != sizeof(img->eh))
		return false;
	if (memcmp(img->eh.e_ident, ELFMAG, SELFMAG) || img->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    (img->eh.e_type != ET_EXEC && img->eh.e_type != ET_DYN) ||
	    img->eh.e_phentsize != sizeof(Elf64_Phdr))
		return false;
	size = (size_t)img->eh.e_phnum * sizeof(Elf64_Phdr);
	if (!size || size > sizeof(img->ph))
		return false;
	img->nr = img->eh.e_phnum;
	return pread(f->host_fd, img->ph, size, (off_t)img->eh.e_phoff) == (ssize_t)size;
}

/*
 * The mm fields load_elf_binary sets, from the executable's program headers: start_code and
 * end_code span the executable segments' file contents, start_data is the highest segment's
 * address, end_data the end of the highest file contents, and the break starts at the page
 * after the highest segment's memory (bss included), however far apart the segments are.
 * A static PIE (ET_DYN without PT_INTERP) gets its break at ELF_ET_DYN_BASE. The load bias
 * is where the first segment's page landed in the snapshot. Returns the unrandomized break,
 * or 0 when the file cannot be read or does not fit the snapshot.
 */
static unsigned long exe_layout_elf(struct mm_struct *mm, struct vm_area_struct *exe)
{
	unsigned long start_code = ~0UL, end_code = 0, start_data = 0, end_data = 0, brk = 0;
	unsigned long bias = 0;
	struct exe_image *img = malloc(sizeof(*img));
	bool first = true, interp = false;

	if (!img || !exe_read(exe->vm_file, img))
		goto fail;
	for (unsigned int i = 0; i < img->nr; i++) {
		const Elf64_Phdr *ph = &img->ph[i];

		interp |= ph->p_type == PT_INTERP;
		if (ph->p_type != PT_LOAD)
			continue;
		if (first) {
			/* The first segment's page is the executable's first VMA. */
			if ((ph->p_offset & PAGE_MASK) != exe->vm_pgoff << PAGE_SHIFT)
				goto fail;
			bias = exe->vm_start - (ph->p_vaddr & PAGE_MASK);
			first = false;
		}
		if (ph->p_filesz > ph->p_memsz || ph->p_memsz > TASK_SIZE_MAX ||
		    ph->p_vaddr > TASK_SIZE_MAX - ph->p_memsz)
			goto fail;
		if ((ph->p_flags & PF_X) && ph->p_vaddr < start_code)
			start_code = ph->p_vaddr;
		start_data = max(start_data, (unsigned long)ph->p_vaddr);
		if (ph->p_flags & PF_X)
			end_code = max(end_code, (unsigned long)(ph->p_vaddr + ph->p_filesz));
		end_data = max(end_data, (unsigned long)(ph->p_vaddr + ph->p_filesz));
		brk = max(brk, (unsigned long)(ph->p_vaddr + ph->p_memsz));
	}
	if (first)
		goto fail;
	if (start_code == ~0UL)
		start_code = 0;	/* no executable segment: as the kernel leaves it, ~0 + bias */
	mm->start_code = start_code + bias;
	mm->end_code = end_code + bias;
	mm->start_data = start_data + bias;
	mm->end_data = end_data + bias;
	/* x86's ELF_ET_DYN_BASE, two thirds of the address space, is not page-aligned itself */
	brk = img->eh.e_type == ET_DYN && !interp ? PAGE_ALIGN(DEFAULT_MAP_WINDOW / 3 * 2)
						   : PAGE_ALIGN(brk + bias);
	free(img);
	return brk;
fail:
	free(img);
	return 0;
}

/*
 * The same fields from the snapshot alone, when the executable cannot be read: its mappings
 * are the VMAs of its path (with gaps between segments), code is the span of the executable
 * ones, data the last one, and the break follows the last one and the anonymous bss pages
 * right after it. Exact to the page for VmExe/VmLib; start_data and end_data are the page
 * bounds of the last segment's mapping.
 */
static unsigned long exe_layout_maps(struct mm_struct *mm, struct vm_area_struct *exe)
{
	struct vm_area_struct *vma, *last = exe, *code = NULL;
	VMA_ITERATOR(vmi, mm, exe->vm_start);

	mm->start_code = mm->end_code = exe->vm_start;
	for_each_vma(vmi, vma) {
		if (vma->vm_file && vma->vm_file->ino == exe->vm_file->ino &&
		    vma->vm_file->dev == exe->vm_file->dev &&
		    !strcmp(vma->vm_file->path, exe->vm_file->path)) {
			last = vma;
			if (!(vma->vm_flags & VM_EXEC))
				continue;
			if (!code)
				mm->start_code = vma->vm_start;
			code = vma;
			mm->end_code = vma->vm_end;
		}
	}
	mm->start_data = last->vm_start;
	mm->end_data = last->vm_end;
	vma = vma_next_of(mm, last);
	if (vma && vma->vm_start == last->vm_end && vma_is_anonymous(vma) && !vma->vm_ops &&
	    !vma->anon_name && !(vma->vm_flags & VM_GROWSDOWN) && vma->vm_file == NULL)
		return vma->vm_end;
	return last->vm_end;
}

/*
 * Sets start_code..end_data and the break as exec left them. A [heap] in the snapshot gives
 * the break; the heap starts where exec put the break when that lies inside [heap] (without
 * ASLR, the bss and the heap merge into one VMA), else at [heap]'s start (ASLR moved it). A
 * snapshot without [heap] taken after exec with ASLR cannot show how far the break was moved.
 */
static void exe_layout(struct maps_import *mi)
{
	struct mm_struct *mm = mi->t->tsk.mm;
	unsigned long brk = 0;

	if (mi->exe) {
		brk = exe_layout_elf(mm, mi->exe);
		if (!brk)
			brk = exe_layout_maps(mm, mi->exe);
	}
	if (mi->heap) {
		mm->brk = mi->heap->vm_end;
		mm->start_brk = brk > mi->heap->vm_start && brk <= mi->heap->vm_end ?
					brk : mi->heap->vm_start;
	} else {
		mm->start_brk = mm->brk = brk ? brk : ELF_ET_DYN_BASE + DEFAULT_IMAGE_END;
	}
	if (!mi->exe)
		mm->start_data = mm->end_data = mm->start_brk;
}

/* A line of only blanks is skipped. */
static bool blank_line(const char *line)
{
	return line[strspn(line, " \t\r\n")] == 0;
}

MMLAB_EXPORT int mmlab_task_create_from_maps_report(struct mmlab_machine *m,
						    const struct mmlab_task_config *cfg,
						    FILE *maps, struct mmlab_task **out,
						    struct mmlab_maps_error *err_out)
{
	struct vm_area_struct *vma, *stack = NULL;
	struct maps_import mi = { .err = err_out };
	char line[PATH_MAX + 128];
	unsigned long nr = 0;
	int err = 0;

	if (err_out)
		*err_out = (struct mmlab_maps_error){ 0 };
	if (!m || !maps || !out)
		return -EINVAL;
	mi.t = task_alloc(m, cfg);
	if (!mi.t)
		return -ENOMEM;
	mmap_write_lock(mi.t->tsk.mm);
	while (fgets(line, sizeof(line), maps)) {
		char *p = line;
		size_t len = strlen(line);

		nr++;
		if (err_out)
			err_out->line = nr;
		if (len && line[len - 1] != '\n' && !feof(maps)) {
			err = maps_fail(&mi, -EINVAL, "line too long");
			goto fail;
		}
		if (nr == 1 && !memcmp(p, "\xef\xbb\xbf", 3))
			p += 3;	/* a UTF-8 byte order mark */
		if (len >= 2 && !strcmp(line + len - 2, "\r\n"))
			strcpy(line + len - 2, "\n");	/* a file that went through Windows */
		if (blank_line(p))
			continue;
		err = vma_from_maps_line(&mi, p);
		if (err)
			goto fail;
	}
	if (ferror(maps)) {
		err = maps_fail(&mi, -EIO, "read error");
		goto fail;
	}
	if (err_out)
		err_out->line = 0;
	/* The top-down base is where the highest mapping below the stack's gap ends. */
	VMA_ITERATOR(vmi, mi.t->tsk.mm, 0);
	for_each_vma(vmi, vma)
		if (vma->vm_flags & VM_GROWSDOWN)
			stack = vma;
	if (stack && !mi.t->tsk.cfg.legacy_layout) {
		vma = vma_prev_of(mi.t->tsk.mm, stack);
		if (vma)
			mi.t->tsk.mm->mmap_base = vma->vm_end;
	}
	exe_layout(&mi);
	mmap_write_unlock(mi.t->tsk.mm);
	*out = mi.t;
	return 0;
fail:
	mmap_write_unlock(mi.t->tsk.mm);
	mmlab_task_destroy(mi.t);
	return err;
}

MMLAB_EXPORT int mmlab_task_create_from_maps(struct mmlab_machine *m,
					     const struct mmlab_task_config *cfg, FILE *maps,
					     struct mmlab_task **out)
{
	return mmlab_task_create_from_maps_report(m, cfg, maps, out, NULL);
}
