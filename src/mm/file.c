// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The task's fd table and what opening a host file gives (fs/open.c's checks, fs/file.c's
 * table, and the f_op->mmap each kind of file has): a file is stat()ed first and opened on the
 * host only when it is a regular file of an ordinary filesystem; devices, FIFOs, sockets and
 * the kernel's own files (procfs, sysfs, cgroupfs...) are kept by kind and identity, and
 * open(2)'s answers for them come from their mode bits. The table has MMLAB_NR_FDS slots,
 * copied at fork.
 * Left out: open's device-specific errors, O_TMPFILE, file locks and fd flags but O_PATH.
 */
#include "mm/file.h"
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

/* Puts @f into the lowest free slot of @t's fd table: the fd, or -EMFILE (@f is dropped). */
static int fd_install(struct mmlab_task *t, struct file *f)
{
	int i;

	for (i = 0; i < MMLAB_NR_FDS && t->fds[i]; i++)
		;
	if (i == MMLAB_NR_FDS) {
		fput(f);
		return -EMFILE;
	}
	t->fds[i] = f;
	return i;
}

MMLAB_EXPORT int mmlab_open(struct mmlab_task *t, const char *path, int flags)
{
	struct file *f;

	if (!t || !path)
		return -EINVAL;
	f = file_open(path, flags);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	return fd_install(t, f);
}

MMLAB_EXPORT int mmlab_open_id(struct mmlab_task *t, const char *path, int flags,
			       const struct mmlab_file_id *id)
{
	struct stat st;
	struct file *f;

	if (!t || !path || !id || (!S_ISREG(id->mode) && !S_ISDIR(id->mode)))
		return -EINVAL;
	st = (struct stat){ .st_dev = (dev_t)id->dev, .st_ino = (ino_t)id->ino,
			    .st_mode = (mode_t)id->mode, .st_size = (off_t)id->size };
	f = file_open_same(path, flags, &st);
	if (!f && S_ISDIR(st.st_mode) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if (!f && S_ISREG(st.st_mode) && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (!f) {
		/* another machine's file: mappings show its identity; it cannot be read */
		f = file_alloc(-1, path, flags, &st,
			       S_ISREG(st.st_mode) ? FILE_MMAP_PAGECACHE : FILE_MMAP_NONE);
		if (!f)
			return -ENOMEM;
		f->i_size = st.st_size;
		f->noexec = false;	/* the identity says nothing of the mount: take it exec */
	}
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	return fd_install(t, f);
}

MMLAB_EXPORT int mmlab_close(struct mmlab_task *t, int fd)
{
	if (!t || fd < 0 || fd >= MMLAB_NR_FDS || !t->fds[fd])
		return -EBADF;
	fput(t->fds[fd]);
	t->fds[fd] = NULL;
	set_close_on_exec(t, fd, false);
	return 0;
}
