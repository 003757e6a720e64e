// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The task's fd table and what opening a file gives (fs/open.c's checks, fs/file.c's
 * table, and the f_op->mmap each kind of file has): a regular file of an ordinary filesystem
 * is an inode of the machine's overlay (src/fs: the host file below read-only, what the
 * scenario creates, truncates, unlinks or renames in memory); devices, FIFOs, sockets,
 * directories and the kernel's own files (procfs, sysfs, cgroupfs...) are stat()ed and kept by
 * kind and identity, never opened, and open(2)'s answers for them come from their mode bits.
 * The table has MMLAB_NR_FDS slots, copied at fork. file_open() and file_open_same() stat
 * and open by host path alone: what a directory known by identity uses.
 * Left out: open's device-specific errors, O_TMPFILE, file locks and fd flags but O_PATH.
 */
#include "mm/fdtable.h"
#include "mm/file.h"
#include "mm/machine.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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

/* Kernel-object filesystems: their files are never opened on the host (the list is the
 * overlay's, which never opens them either). */
static bool pseudo_fs(unsigned long type)
{
	return vfs_kernel_fs(type);
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

/**
 * file_alloc - a struct file for @path, stat()ed as @st (NULL: nothing known of it).
 * @fd: the host file, owned by the struct from now on; -1 when mmlab did not open it
 * (devices, FIFOs, sockets, kernel files, files of another machine's snapshot)
 * Context: any.
 * Return: the file with one reference, or NULL when out of memory (@fd stays the caller's).
 */
struct file *file_alloc(int fd, const char *path, int flags, const struct stat *st,
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
	f->i_size = -1;
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

/**
 * file_open - open @path as open(2) with @flags would, touching the host only for regular
 * files of ordinary filesystems: everything else is stat()ed and represented by kind and
 * identity.
 * Context: any.
 * Return: the file with one reference, or ERR_PTR(-errno) as open(2) would fail (-EAGAIN
 * when the path was replaced by something else between the stat and the open).
 */
struct file *file_open(const char *path, int flags)
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
		/* Never for writing, never created or truncated: a write access is only checked. */
		if ((flags & O_ACCMODE) != O_RDONLY && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS))
			return ERR_PTR(-errno);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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

/**
 * file_open_same - the host's file at @path, opened as file_open() opens it, when it is still
 * the file @id names (same device and inode): a log or snapshot of another machine names files
 * by identity.
 * Context: any.
 * Return: the file, NULL when the host has another file there (or none), or an ERR_PTR.
 */
struct file *file_open_same(const char *path, int flags, const struct stat *id)
{
	struct stat st;

	if (stat(path, &st) || st.st_dev != id->st_dev || st.st_ino != id->st_ino)
		return NULL;
	return file_open(path, flags);
}

/*
 * Puts @f into the lowest free slot below RLIMIT_NOFILE (get_unused_fd_flags + fd_install):
 * the fd, or -EMFILE (@f is dropped).
 */
static int install_new_fd(struct mmlab_task *t, struct file *f)
{
	int fd = get_unused_fd_flags(t);

	if (fd < 0) {
		fput(f);
		return fd;
	}
	fd_install(t, fd, f, f->f_flags & O_CLOEXEC);
	return fd;
}

/**
 * file_from_inode - a regular file of the overlay as open(2) gives it, on @inode (whose
 * reference it takes over): its identity and name are the inode's.
 * Context: any.
 * Return: the file, or ERR_PTR(-ENOMEM) (the reference dropped).
 */
struct file *file_from_inode(struct inode *inode, int flags, const struct stat *st)
{
	bool writer = (flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH);
	struct file *f;
	struct statvfs sv;

	/* a running program's text is not opened for writing (get_write_access) */
	if (writer && !get_write_access(inode)) {
		iput(inode);
		return ERR_PTR(-ETXTBSY);
	}
	f = file_alloc(-1, inode->i_path, flags, st, FILE_MMAP_PAGECACHE);
	if (!f) {
		if (writer)
			put_write_access(inode);
		iput(inode);
		return ERR_PTR(-ENOMEM);
	}
	if (writer)
		f->f_mode |= FMODE_WRITER;
	f->f_inode = inode;
	f->regular = true;
	file_ra_state_init(&f->f_ra, inode_mapping(inode));
	/* the mount's noexec is the host file's; a file only in memory is taken exec */
	f->noexec = inode->lower_path && !statvfs(inode->lower_path, &sv) &&
		    (sv.f_flag & ST_NOEXEC);
	return f;
}

/*
 * A path the overlay makes no inode of (a device, FIFO, socket, directory or kernel file):
 * stat()ed at its host path under the root, kept by kind and identity, never opened.
 */
static struct file *file_open_special(struct vfs *vfs, const char *path, int flags,
				      const struct stat *st)
{
	char host[PATH_MAX];
	const char *name = host + strlen(vfs->root);
	struct statfs sfs;
	struct statvfs sv;
	enum file_mmap_kind kind;
	bool may_open, kernel_fs;
	struct file *f;
	int err = vfs_host_path(vfs, path, host, sizeof(host));

	if (err)
		return ERR_PTR(err);
	kernel_fs = !statfs(host, &sfs);
	kind = host_file_mmap(st, kernel_fs ? &sfs : NULL, host, &may_open);
	err = open_check(host, host, st, flags);
	if (err)
		return ERR_PTR(err);
	f = file_alloc(-1, *name ? name : "/", flags, st, kind);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->noexec = !statvfs(host, &sv) && (sv.f_flag & ST_NOEXEC);
	/* procfs and kernfs superblocks are SB_I_NOEXEC whatever the mount says */
	if (kernel_fs && ((unsigned long)sfs.f_type == PROC_SUPER_MAGIC ||
			  kernfs((unsigned long)sfs.f_type)))
		f->noexec = true;
	return f;
}

/*
 * do_sys_openat2's work for @t: the overlay resolves @path under the root with the task's
 * fsuid/fsgid, and the file is its inode's or, for what it does not open, a special file's.
 */
static struct file *vfs_file_open(struct mmlab_task *t, struct vfs *vfs, const char *path,
				  int flags, unsigned int mode)
{
	const struct task *tsk = &t->tsk;
	struct open_how_fs how = task_fs_cred(tsk);
	struct inode_name *name;
	struct inode *inode;
	struct file *f;
	struct stat st;
	int err;

	how.flags = flags;
	how.mode = (mode_t)mode & ~(mode_t)tsk->umask;	/* vfs_prepare_mode (no ACLs) */
	inode = vfs_lookup_open(vfs, path, &how, &st, &name);
	if (IS_ERR(inode))
		return (struct file *)inode;
	if (!inode)
		return file_open_special(vfs, path, flags, &st);
	if ((flags & O_TRUNC) && !(flags & O_PATH)) {
		/* handle_truncate: write access held across it, so a running program stays whole */
		err = -ETXTBSY;
		if (get_write_access(inode)) {
			err = do_truncate(inode, 0);
			put_write_access(inode);
		}
		if (err) {
			inode_name_put(name);
			iput(inode);
			return ERR_PTR(err);
		}
		st.st_size = 0;
	}
	ihold(inode);	/* the name goes before the inode when the file cannot be made */
	f = file_from_inode(inode, flags, &st);
	if (IS_ERR(f))
		inode_name_put(name);
	else
		f->f_name = name;
	iput(inode);
	return f;
}

MMLAB_EXPORT int mmlab_openat(struct mmlab_task *t, const char *path, int flags, unsigned int mode)
{
	struct mm_struct *mm = t ? task_mm(t) : NULL;
	struct file *f;

	if (!mm)
		return -EINVAL;
	if (!path)
		return -EFAULT;
	f = vfs_file_open(t, &mm->machine->vfs, path, flags, mode);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	return install_new_fd(t, f);
}

MMLAB_EXPORT int mmlab_open(struct mmlab_task *t, const char *path, int flags)
{
	if (!t || !path)
		return -EINVAL;
	return mmlab_openat(t, path, flags, 0);
}

/* A directory another machine had: the host's when it is that one, else its identity. */
static struct file *file_open_id_dir(struct vfs *vfs, const char *path, int flags,
				     const struct stat *id)
{
	char host[PATH_MAX];
	struct file *f = NULL;

	if (!vfs_host_path(vfs, path, host, sizeof(host)))
		f = file_open_same(host, flags, id);
	if (!f && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
		return ERR_PTR(-EISDIR);
	if (f)
		return f;
	f = file_alloc(-1, path, flags, id, FILE_MMAP_NONE);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->noexec = false;
	return f;
}

MMLAB_EXPORT int mmlab_open_id(struct mmlab_task *t, const char *path, int flags,
			       const struct mmlab_file_id *id)
{
	struct mm_struct *mm = t ? task_mm(t) : NULL;
	struct inode *inode;
	struct stat st;
	struct file *f;

	if (!mm || !path || !id || (!S_ISREG(id->mode) && !S_ISDIR(id->mode)))
		return -EINVAL;
	st = (struct stat){ .st_dev = (dev_t)id->dev, .st_ino = (ino_t)id->ino,
			    .st_mode = (mode_t)id->mode, .st_size = (off_t)id->size };
	if (S_ISDIR(st.st_mode)) {
		f = file_open_id_dir(&mm->machine->vfs, path, flags, &st);
	} else if (flags & O_DIRECTORY) {
		return -ENOTDIR;
	} else {
		inode = vfs_lookup_id(&mm->machine->vfs, path, st.st_dev, st.st_ino, st.st_size,
				      st.st_mode);
		if (IS_ERR(inode))
			return (int)PTR_ERR(inode);
		f = file_from_inode(inode, flags, &st);
		/* the identity says nothing of the mount: take it exec */
		if (!IS_ERR(f) && inode->contents_unknown)
			f->noexec = false;
	}
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	return install_new_fd(t, f);
}

MMLAB_EXPORT int mmlab_close(struct mmlab_task *t, int fd)
{
	if (!t || fd < 0 || fd >= MMLAB_NR_FDS || !t->fds[fd])
		return -EBADF;
	fput(t->fds[fd]);
	t->fds[fd] = NULL;
	return 0;
}

/**
 * task_fs_cred - the ids and capabilities the file layer's permission checks take from
 * @tsk (its fsuid/fsgid, CAP_DAC_OVERRIDE, CAP_FOWNER), with no open flags.
 */
struct open_how_fs task_fs_cred(const struct task *tsk)
{
	return (struct open_how_fs){
		.uid = tsk->cred.fsuid,
		.gid = tsk->cred.fsgid,
		.cap_dac_override = capable(tsk, CAP_DAC_OVERRIDE),
		.cap_fowner = capable(tsk, CAP_FOWNER),
	};
}

/*
 * The name calls' common checks: a task (-EINVAL), its names (-EFAULT). Fills @cred with the
 * task's ids for the permission checks and returns the overlay the names live in.
 */
static struct vfs *name_call_vfs(struct mmlab_task *t, const char *from, const char *to,
				 struct open_how_fs *cred, int *err)
{
	struct mm_struct *mm = t ? task_mm(t) : NULL;

	*err = !mm ? -EINVAL : !from || !to ? -EFAULT : 0;
	if (*err)
		return NULL;
	*cred = task_fs_cred(&t->tsk);
	return &mm->machine->vfs;
}

MMLAB_EXPORT int mmlab_unlink(struct mmlab_task *t, const char *path)
{
	struct open_how_fs cred;
	int err;
	struct vfs *vfs = name_call_vfs(t, path, path, &cred, &err);

	return vfs ? vfs_unlink(vfs, &cred, path) : err;
}

MMLAB_EXPORT int mmlab_mkdir(struct mmlab_task *t, const char *path, unsigned int mode)
{
	struct open_how_fs cred;
	int err;
	struct vfs *vfs = name_call_vfs(t, path, path, &cred, &err);

	return vfs ? vfs_mkdir(vfs, &cred, path, mode & ~t->tsk.umask & 07777) : err;
}

MMLAB_EXPORT int mmlab_rmdir(struct mmlab_task *t, const char *path)
{
	struct open_how_fs cred;
	int err;
	struct vfs *vfs = name_call_vfs(t, path, path, &cred, &err);

	return vfs ? vfs_rmdir(vfs, &cred, path) : err;
}

MMLAB_EXPORT int mmlab_linkat(struct mmlab_task *t, const char *from, const char *to,
			      int flags)
{
	struct open_how_fs cred;
	int err;
	struct vfs *vfs = name_call_vfs(t, from, to, &cred, &err);

	if (!vfs)
		return err;
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH)
		return -ENOENT;	/* an empty path names no fd here */
	return vfs_link(vfs, &cred, from, to, flags & AT_SYMLINK_FOLLOW);
}

MMLAB_EXPORT int mmlab_link(struct mmlab_task *t, const char *from, const char *to)
{
	return mmlab_linkat(t, from, to, 0);
}

MMLAB_EXPORT unsigned int mmlab_umask(struct mmlab_task *t, unsigned int mask)
{
	unsigned int old;

	if (!t)
		return 0;
	old = t->tsk.umask;
	t->tsk.umask = mask & 0777;
	return old;
}

MMLAB_EXPORT int mmlab_renameat2(struct mmlab_task *t, const char *from, const char *to,
				 unsigned int flags)
{
	struct open_how_fs cred;
	int err;
	struct vfs *vfs = name_call_vfs(t, from, to, &cred, &err);

	return vfs ? vfs_rename(vfs, &cred, from, to, flags) : err;
}

MMLAB_EXPORT int mmlab_rename(struct mmlab_task *t, const char *from, const char *to)
{
	return mmlab_renameat2(t, from, to, 0);
}
