// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Path names (fs/namei.c) in an overlay (fs/overlayfs/): every path a scenario names is
 * resolved component by component inside vfs->root, so that neither ".." nor a symlink can
 * leave it (".." at the root stays at the root, as at a chroot's; an absolute symlink target
 * starts again from the root; more than 40 links: ELOOP). Each component is looked up first in
 * the upper layer (the names the scenario created, renamed or unlinked: struct vfs_dentry,
 * kept in memory only) and then on the host below, which is only ever lstat()ed, read and
 * readlink()ed: creation, unlink and rename never reach the host, even with write_files.
 * open's checks (O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, the permission bits against the
 * opener's fsuid/fsgid) are made here; O_TRUNC is the caller's (it must unmap first).
 * Left out: directories in the upper layer (mkdir, rmdir; renaming a host directory is
 * EXDEV, as overlayfs without redirect_dir answers), renaming anything but regular files
 * (symlinks, devices: EXDEV), hard links made by the scenario, the sticky bit, umask,
 * supplementary groups, CAP_DAC_READ_SEARCH, mount points inside the root (each host file
 * keeps its own device), and permission checks on unlink and rename (their callers do not
 * pass ids).
 */
#include "fs/internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#define MAXSYMLINKS 40			/* include/linux/namei.h */

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1U << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1U << 1)
#endif

/* One resolution's state (struct nameidata): where it is, and what the last component is. */
struct nameidata {
	struct vfs *vfs;
	const struct open_how_fs *how;	/* Ids for search permission; NULL: no checks */
	bool follow_last;		/* Follow a symlink in the last component (LOOKUP_FOLLOW) */
	unsigned int links;		/* Symlinks followed so far */
	char path[PATH_MAX];		/* Resolved so far, inside the root: "" is the root */
	struct stat dir_st;		/* The directory path names while walking */
	/* The result: the last component */
	bool exists;			/* Something is there (a whiteout is nothing) */
	bool dir_wanted;		/* The name ended in "/" */
	struct vfs_dentry *dentry;	/* Its upper-layer name, or NULL: the host's */
	struct stat st;			/* Host lstat (after following) of what is there */
	struct stat parent_st;		/* The directory holding it */
};

/* Filesystems whose regular files are the kernel's own objects (statfs f_type): the
 * overlay never opens them, the file layer above represents them by kind. */
bool vfs_kernel_fs(unsigned long f_type)
{
	static const unsigned long magic[] = {
		0x9fa0 /* proc */, 0x62656572 /* sysfs */, 0x27e0eb /* cgroup */,
		0x63677270 /* cgroup2 */, 0x64626720 /* debugfs */, 0x74726163 /* tracefs */,
		0x73636673 /* securityfs */, 0xcafe4a11 /* bpf */, 0x62656570 /* configfs */,
		0x6165676c /* pstore */, 0xde5e81e4 /* efivarfs */,
	};

	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (f_type == magic[i])
			return true;
	return false;
}

/* The host path of @path (inside the root) into @buf: -ENAMETOOLONG when it does not fit. */
static int host_path(const struct vfs *vfs, const char *path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", vfs->root, *path ? path : (*vfs->root ? "" : "/"));

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The upper layer's name for @path, or NULL. Context: vfs->lock held. */
static struct vfs_dentry *d_lookup(struct vfs *vfs, const char *path)
{
	struct list_head *pos;

	list_for_each(pos, &vfs->dentries) {
		struct vfs_dentry *d = list_entry(pos, struct vfs_dentry, d_list);

		if (!strcmp(d->d_path, path))
			return d;
	}
	return NULL;
}

/*
 * Makes @path name @inode in the upper layer (a new reference), or a whiteout when @inode is
 * NULL; the name's previous inode loses the dentry's reference. Context: vfs->lock held.
 * Return: 0 or -ENOMEM.
 */
static int d_set(struct vfs *vfs, const char *path, struct inode *inode)
{
	struct vfs_dentry *d = d_lookup(vfs, path);
	struct inode *old;

	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d || !(d->d_path = strdup(path))) {
			free(d);
			return -ENOMEM;
		}
		list_add_tail(&d->d_list, &vfs->dentries);
	}
	old = d->d_inode;
	if (inode)
		ihold(inode);
	d->d_inode = inode;
	if (old)
		__iput(old);
	return 0;
}

/*
 * generic_permission for @mask (R_OK | W_OK | X_OK) on an object of mode/uid/gid, for the
 * ids in @how. CAP_DAC_OVERRIDE passes reads and writes, and execution when some x bit is set
 * (or it is a directory), as capable_wrt_inode_uidgid does.
 */
static int may_access(mode_t mode, uid_t uid, gid_t gid, const struct open_how_fs *how,
		      int mask)
{
	mode_t bits;

	if (!how || !mask)
		return 0;
	if (how->cap_dac_override) {
		if (!(mask & X_OK) || S_ISDIR(mode) || (mode & 0111))
			return 0;
		return -EACCES;
	}
	if (how->uid == uid)
		bits = (mode >> 6) & 7;
	else if (how->gid == gid)
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((mode_t)mask & ~bits) ? -EACCES : 0;
}

static int may_access_st(const struct stat *st, const struct open_how_fs *how, int mask)
{
	return may_access(st->st_mode, st->st_uid, st->st_gid, how, mask);
}

/* What an upper inode looks like to stat(). */
static void inode_stat(const struct inode *inode, struct stat *st)
{
	*st = (struct stat){
		.st_dev = inode->i_dev, .st_ino = inode->i_ino, .st_mode = inode->i_mode,
		.st_nlink = inode->i_nlink, .st_uid = inode->i_uid, .st_gid = inode->i_gid,
		.st_size = inode->i_size,
	};
}

/* Refreshes nd->dir_st for the directory nd->path names (after "..", or at the start). */
static int nd_stat_dir(struct nameidata *nd)
{
	char host[PATH_MAX];
	int err = host_path(nd->vfs, nd->path, host, sizeof(host));

	if (err)
		return err;
	return stat(host, &nd->dir_st) ? -errno : 0;
}

/* The last component is the directory walked to ("/", ".", ".."). */
static void nd_end_at_dir(struct nameidata *nd)
{
	nd->exists = true;
	nd->dentry = NULL;
	nd->st = nd->dir_st;
	nd->parent_st = nd->dir_st;
}

/*
 * Replaces the walk's remaining text with @target followed by @rest (a symlink's expansion),
 * in @todo. An absolute target restarts at the root.
 */
static int nd_follow(struct nameidata *nd, const char *target, const char *rest, char *todo,
		     size_t size)
{
	char buf[PATH_MAX * 2];
	int n;

	if (++nd->links > MAXSYMLINKS)
		return -ELOOP;
	if (!*target)
		return -ENOENT;
	n = snprintf(buf, sizeof(buf), "%s%s%s", target, *rest ? "/" : "", rest);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	memcpy(todo, buf, (size_t)n + 1);
	if (*target == '/') {
		nd->path[0] = '\0';
		return nd_stat_dir(nd);
	}
	return 0;
}

/*
 * Looks up one component @name (not "." or "..") in the directory nd->path: the upper layer's
 * name first, then the host's. Fills nd->exists/dentry/st for it.
 * Return: 0, or -errno of the host's lstat other than ENOENT.
 */
static int nd_lookup_one(struct nameidata *nd, const char *cand)
{
	char host[PATH_MAX];
	int err;

	nd->parent_st = nd->dir_st;
	nd->dentry = d_lookup(nd->vfs, cand);
	if (nd->dentry) {
		nd->exists = nd->dentry->d_inode != NULL;
		if (nd->exists)
			inode_stat(nd->dentry->d_inode, &nd->st);
		return 0;
	}
	err = host_path(nd->vfs, cand, host, sizeof(host));
	if (err)
		return err;
	nd->exists = !lstat(host, &nd->st);
	if (!nd->exists && errno != ENOENT)
		return -errno;
	return 0;
}

/*
 * path_lookup - resolve @name into @nd (link_path_walk + the last component's lookup). The
 * last component need not exist (nd->exists says), its parent must.
 * Context: vfs->lock held.
 * Return: 0, or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES (search permission).
 */
static int path_lookup(struct nameidata *nd, const char *name)
{
	char todo[PATH_MAX * 2], cand[PATH_MAX], host[PATH_MAX], target[PATH_MAX];
	size_t len = strlen(name);
	char *p = todo;
	int err;

	if (!len)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	nd->path[0] = '\0';
	nd->dir_wanted = name[len - 1] == '/';
	/* A relative name starts at the working directory: the host's when the root is the
	 * whole host, the root itself otherwise (a confined scenario has no other cwd). */
	if (*name != '/' && !*nd->vfs->root) {
		if (!getcwd(nd->path, sizeof(nd->path)))
			return -errno;
		if (!strcmp(nd->path, "/"))
			nd->path[0] = '\0';
	}
	memcpy(todo, name, len + 1);
	err = nd_stat_dir(nd);
	if (err)
		return err;
	for (;;) {
		const char *comp, *next;
		size_t clen, plen = strlen(nd->path);
		bool last;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p) {
			nd_end_at_dir(nd);
			return 0;
		}
		comp = p;
		clen = strcspn(p, "/");
		next = p + clen;
		while (*next == '/')
			next++;
		last = !*next;
		if (clen > NAME_MAX)
			return -ENAMETOOLONG;
		/* searching the directory takes its x bit */
		err = may_access_st(&nd->dir_st, nd->how, X_OK);
		if (err)
			return err;
		if (clen == 1 && comp[0] == '.') {
			p = (char *)next;
			continue;
		}
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			/* never above the root */
			char *slash = strrchr(nd->path, '/');

			if (slash)
				*slash = '\0';
			err = nd_stat_dir(nd);
			if (err)
				return err;
			p = (char *)next;
			continue;
		}
		if (plen + 1 + clen >= sizeof(cand))
			return -ENAMETOOLONG;
		memcpy(cand, nd->path, plen);
		cand[plen] = '/';
		memcpy(cand + plen + 1, comp, clen);
		cand[plen + 1 + clen] = '\0';
		err = nd_lookup_one(nd, cand);
		if (err)
			return err;
		if (!nd->exists && !last)
			return -ENOENT;
		if (nd->exists && !nd->dentry && S_ISLNK(nd->st.st_mode) &&
		    (!last || nd->follow_last || nd->dir_wanted)) {
			err = host_path(nd->vfs, cand, host, sizeof(host));
			if (err)
				return err;
			n = readlink(host, target, sizeof(target) - 1);
			if (n < 0)
				return -errno;
			target[n] = '\0';
			err = nd_follow(nd, target, next, todo, sizeof(todo));
			if (err)
				return err;
			p = todo;
			continue;
		}
		memcpy(nd->path, cand, plen + 2 + clen);
		if (last)
			return 0;
		if (!S_ISDIR(nd->st.st_mode))
			return -ENOTDIR;
		nd->dir_st = nd->st;
		p = (char *)next;
	}
}

/* An inode for a new regular file at nd->path, in the upper layer only. */
static struct inode *vfs_create(struct nameidata *nd, const struct open_how_fs *how)
{
	struct vfs *vfs = nd->vfs;
	struct inode *inode;
	int err = may_access_st(&nd->parent_st, how, W_OK | X_OK);

	if (err)
		return ERR_PTR(err);
	if (nd->dir_wanted)
		return ERR_PTR(-EISDIR);
	inode = inode_new(vfs, FS_OVERLAY, nd->path);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_mode = S_IFREG | (how->mode & 07777);
	inode->i_uid = how->uid;
	inode->i_gid = how->gid;
	/*
	 * Identity: Linux's overlayfs would show the upper file system's device and the inode
	 * number it gave the file (tmpfs's get_next_ino, say). mmlab shows the parent
	 * directory's device, so the file looks like it lives where it was created (as it
	 * would on the host), and a number from the machine's own counter: deterministic for a
	 * replay, the same on every host. It may equal a host inode number of that device; such
	 * a coincidence would merge the two files' caches, so the counter skips live ones.
	 */
	inode->i_dev = nd->parent_st.st_dev;
	do {
		inode->i_ino = vfs->next_ino++;
	} while (inode_find_exists(vfs, inode->i_dev, inode->i_ino));
	err = d_set(vfs, nd->path, inode);
	if (err) {
		__iput(inode);
		return ERR_PTR(err);
	}
	inode_hash(inode);
	return inode;
}

/* The access open(2)'s flags ask for (build_open_flags' acc_mode, O_TRUNC included). */
static int open_mask(int flags)
{
	int acc = flags & O_ACCMODE, mask = 0;

	if (flags & O_PATH)
		return 0;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= R_OK;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= W_OK;
	return mask;
}

/* vfs_lookup_open's work once the last component is known. Context: vfs->lock held. */
static struct inode *open_last(struct nameidata *nd, const struct open_how_fs *how,
			       struct stat *host_st)
{
	char host[PATH_MAX];
	struct statfs sfs;
	struct inode *inode;
	int err;

	if (!nd->exists) {
		if (!(how->flags & O_CREAT))
			return ERR_PTR(-ENOENT);
		inode = vfs_create(nd, how);
		if (!IS_ERR(inode))
			inode_stat(inode, host_st);
		return inode;
	}
	if ((how->flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return ERR_PTR(-EEXIST);
	*host_st = nd->st;
	if (S_ISLNK(nd->st.st_mode))	/* not followed: O_NOFOLLOW */
		return (how->flags & O_PATH) ? NULL : ERR_PTR(-ELOOP);
	if (!S_ISREG(nd->st.st_mode))
		return NULL;	/* directories, devices, FIFOs, sockets: the caller's */
	if ((how->flags & O_DIRECTORY) || nd->dir_wanted)
		return ERR_PTR(-ENOTDIR);
	err = may_access_st(&nd->st, how, open_mask(how->flags));
	if (err)
		return ERR_PTR(err);
	if (nd->dentry) {
		ihold(nd->dentry->d_inode);
		return nd->dentry->d_inode;
	}
	err = host_path(nd->vfs, nd->path, host, sizeof(host));
	if (err)
		return ERR_PTR(err);
	if (!statfs(host, &sfs) && vfs_kernel_fs((unsigned long)sfs.f_type))
		return NULL;	/* procfs, sysfs...: stat() only, never opened */
	inode = inode_get_lower(nd->vfs, host, *nd->path ? nd->path : "/", &nd->st);
	if (!IS_ERR(inode))
		inode_stat(inode, host_st);
	return inode;
}

/**
 * vfs_lookup_open - see fs.h.
 * Context: takes vfs->lock.
 */
struct inode *vfs_lookup_open(struct vfs *vfs, const char *path, const struct open_how_fs *how,
			      struct stat *host_st)
{
	struct nameidata nd = { .vfs = vfs, .how = how };
	struct inode *inode;
	int err;

	if (!path || !how || !host_st)
		return ERR_PTR(-EINVAL);
	/* O_CREAT|O_DIRECTORY is EINVAL since Linux 6.4 */
	if ((how->flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return ERR_PTR(-EINVAL);
	/* O_CREAT|O_EXCL never follows a symlink in the last component */
	nd.follow_last = !(how->flags & O_NOFOLLOW) &&
			 (how->flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nd, path);
	inode = err ? ERR_PTR(err) : open_last(&nd, how, host_st);
	pthread_mutex_unlock(&vfs->lock);
	return inode;
}

/**
 * vfs_lookup_id - the inode of a file another machine named by identity (a "# file:" line
 * or a maps snapshot): the live inode with that identity, else the host's file at @path when
 * it is that very file (same device and inode), else an inode of that identity whose
 * contents this machine does not have (pages read as zeros).
 * Context: takes vfs->lock.
 * Return: the inode with a reference, or ERR_PTR(-EINVAL / -ENOMEM).
 */
struct inode *vfs_lookup_id(struct vfs *vfs, const char *path, dev_t dev, ino_t ino,
			    loff_t size, mode_t mode)
{
	struct nameidata nd = { .vfs = vfs, .follow_last = true };
	char host[PATH_MAX];
	struct inode *inode;

	if (!path || !S_ISREG(mode) || size < 0)
		return ERR_PTR(-EINVAL);
	pthread_mutex_lock(&vfs->lock);
	inode = inode_find(vfs, dev, ino);
	if (!inode && !path_lookup(&nd, path) && nd.exists && !nd.dentry &&
	    S_ISREG(nd.st.st_mode) && nd.st.st_dev == dev && nd.st.st_ino == ino &&
	    !host_path(vfs, nd.path, host, sizeof(host))) {
		inode = inode_get_lower(vfs, host, path, &nd.st);
		if (IS_ERR(inode))
			inode = NULL;	/* gone meanwhile: known by identity alone */
	}
	if (!inode) {
		inode = inode_new(vfs, FS_OVERLAY, path);
		if (inode) {
			inode->i_mode = mode;
			inode->i_dev = dev;
			inode->i_ino = ino;
			inode->i_size = size;
			inode->contents_unknown = true;
			inode_hash(inode);
		} else {
			inode = ERR_PTR(-ENOMEM);
		}
	}
	pthread_mutex_unlock(&vfs->lock);
	return inode;
}

/*
 * The inode behind a resolved last component that exists, for unlink/rename: the upper
 * name's, or the host regular file's (opened below when @open_lower, else only a live one).
 * Return: a reference, NULL, or ERR_PTR.
 */
static struct inode *nd_inode(struct nameidata *nd, bool open_lower)
{
	char host[PATH_MAX];
	int err;

	if (nd->dentry) {
		ihold(nd->dentry->d_inode);
		return nd->dentry->d_inode;
	}
	if (!S_ISREG(nd->st.st_mode))
		return NULL;
	if (!open_lower)
		return inode_find(nd->vfs, nd->st.st_dev, nd->st.st_ino);
	err = host_path(nd->vfs, nd->path, host, sizeof(host));
	return err ? ERR_PTR(err) : inode_get_lower(nd->vfs, host, nd->path, &nd->st);
}

/* One name of @inode is gone. */
static void drop_nlink(struct inode *inode)
{
	if (inode && inode->i_nlink)
		inode->i_nlink--;
}

/**
 * vfs_unlink - unlink(2) in the upper layer: the name becomes a whiteout, the inode loses a
 * link (at none, maps shows its mappings " (deleted)"). The host is never touched.
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT, -EISDIR (a directory), -ENOTDIR, -ELOOP, -ENAMETOOLONG, -ENOMEM.
 */
int vfs_unlink(struct vfs *vfs, const char *path)
{
	struct nameidata nd = { .vfs = vfs };
	struct inode *inode = NULL;
	int err;

	if (!path)
		return -EFAULT;
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nd, path);
	if (!err && !nd.exists)
		err = -ENOENT;
	if (!err && (S_ISDIR(nd.st.st_mode) || nd.dir_wanted))
		err = S_ISDIR(nd.st.st_mode) ? -EISDIR : -ENOTDIR;
	if (!err)
		inode = nd_inode(&nd, false);
	if (!err)
		err = d_set(vfs, nd.path, NULL);
	if (!err)
		drop_nlink(inode);
	if (!IS_ERR_OR_NULL(inode))
		__iput(inode);
	pthread_mutex_unlock(&vfs->lock);
	return err;
}

/* The rename's source: a regular file (its inode) once @nd is resolved. */
static struct inode *rename_source(struct nameidata *nd)
{
	if (!nd->exists)
		return ERR_PTR(-ENOENT);
	/* overlayfs without redirect_dir: a lower directory cannot move */
	if (!nd->dentry && !S_ISREG(nd->st.st_mode))
		return ERR_PTR(-EXDEV);
	if (nd->dir_wanted)
		return ERR_PTR(-ENOTDIR);
	return nd_inode(nd, true);
}

/* Moves or swaps the names once both ends are known. Context: vfs->lock held. */
static int rename_commit(struct nameidata *from, struct nameidata *to, struct inode *src,
			 struct inode *dst, unsigned int flags)
{
	char *tmp;
	int err;

	if (flags & RENAME_EXCHANGE) {
		err = d_set(from->vfs, from->path, dst);
		if (!err)
			err = d_set(to->vfs, to->path, src);
		if (err)
			return err;
		tmp = src->i_path;
		src->i_path = dst->i_path;
		dst->i_path = tmp;
		return 0;
	}
	tmp = strdup(to->path);
	if (!tmp)
		return -ENOMEM;
	err = d_set(to->vfs, to->path, src);
	if (!err)
		err = d_set(from->vfs, from->path, NULL);
	if (err) {
		free(tmp);
		return err;
	}
	drop_nlink(dst);
	free(src->i_path);
	src->i_path = tmp;
	return 0;
}

/**
 * vfs_rename - rename(2)/renameat2(2) in the upper layer: @to names @from's file from now on
 * (maps prints the new name), @from becomes a whiteout; a file @to named loses a link.
 * @flags: RENAME_NOREPLACE, RENAME_EXCHANGE (RENAME_WHITEOUT: -EINVAL, it needs
 * CAP_MKNOD and a filesystem that supports it)
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT, -EEXIST (NOREPLACE), -EISDIR, -ENOTDIR, -EXDEV (a directory or
 * something else than a regular file: not modelled), -EINVAL, -ELOOP, -ENAMETOOLONG.
 */
int vfs_rename(struct vfs *vfs, const char *from, const char *to, unsigned int flags)
{
	struct nameidata nf = { .vfs = vfs }, nt = { .vfs = vfs };
	struct inode *src = NULL, *dst = NULL;
	int err;

	if (!from || !to)
		return -EFAULT;
	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
		return -EINVAL;
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nf, from);
	if (!err)
		err = path_lookup(&nt, to);
	if (!err) {
		src = rename_source(&nf);
		if (IS_ERR(src)) {
			err = (int)PTR_ERR(src);
			src = NULL;
		}
	}
	if (!err && nt.exists) {
		if (S_ISDIR(nt.st.st_mode))
			err = -EISDIR;
		else if (flags & RENAME_EXCHANGE && !nt.dentry && !S_ISREG(nt.st.st_mode))
			err = -EXDEV;
		else
			dst = nd_inode(&nt, flags & RENAME_EXCHANGE);
		if (IS_ERR(dst)) {
			err = (int)PTR_ERR(dst);
			dst = NULL;
		}
		/* two names of one file: nothing to do (do_renameat2's same-inode case) */
		if (!err && (dst == src || !strcmp(nf.path, nt.path)))
			goto out;
		if (!err && flags & RENAME_NOREPLACE)
			err = -EEXIST;
	} else if (!err && (flags & RENAME_EXCHANGE)) {
		err = -ENOENT;
	} else if (!err && nt.dir_wanted) {
		err = -ENOTDIR;
	}
	if (!err)
		err = rename_commit(&nf, &nt, src, dst, flags);
out:
	if (src)
		__iput(src);
	if (dst)
		__iput(dst);
	pthread_mutex_unlock(&vfs->lock);
	return err;
}

/**
 * vfs_host_path - the host path @path resolves to under the root (symlinks followed), for
 * what the overlay does not make an inode of (devices, FIFOs, directories, kernel files).
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT (nothing there, or a whiteout), -ELOOP, -ENOTDIR, -ENAMETOOLONG.
 */
int vfs_host_path(struct vfs *vfs, const char *path, char *buf, size_t size)
{
	struct nameidata nd = { .vfs = vfs, .follow_last = true };
	int err;

	if (!path || !buf)
		return -EINVAL;
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nd, path);
	if (!err && !nd.exists)
		err = -ENOENT;
	if (!err)
		err = host_path(vfs, nd.path, buf, size);
	pthread_mutex_unlock(&vfs->lock);
	return err;
}
