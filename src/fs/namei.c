// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Path names (fs/namei.c) in an overlay (fs/overlayfs/): every path a scenario names is
 * resolved component by component inside vfs->root, so that neither ".." nor a symlink can
 * leave it (".." at the root stays at the root, as at a chroot's; an absolute symlink target
 * starts again from the root; more than 40 links: ELOOP). Each component is looked up first in
 * the upper layer (the names the scenario created, renamed or unlinked: struct vfs_dentry,
 * kept in memory only) and then on the host below, which is only ever lstat()ed, read and
 * readlink()ed: creation, unlink, rename and link never reach the host, even with
 * write_files. open's checks (O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, the permission bits
 * against the opener's fsuid/fsgid) are made here, and those of unlink, rename and link
 * (may_delete's write and search permission and sticky bit, may_linkat's
 * protected_hardlinks); O_TRUNC is the caller's (it must unmap first), so is the umask.
 * A host directory renames as overlayfs with redirect_dir does: the new name redirects to the
 * directory below (host_path follows it), the old one is a whiteout, and the upper names,
 * inodes and open files' names under it move. A file remembers the name it was opened through
 * (struct inode_name, the dentry whose d_path maps prints). mkdir makes a directory in the
 * upper layer, opaque as overlayfs makes one over a whiteout: nothing below it is looked up
 * on the host; rmdir of an empty directory (upper names and the host's entries not hidden by
 * whiteouts) leaves a whiteout.
 * Left out: renaming or linking anything but regular files and host directories (symlinks,
 * devices, upper directories: EXDEV), directories' link counts, supplementary groups,
 * CAP_DAC_READ_SEARCH, fs.protected_regular, and mount points inside the root (each host
 * file keeps its own device; link across two is EXDEV).
 */
#include "fs/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

/* Whether @path is @dir or lies under it (both inside the root). */
static bool path_under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return !strncmp(path, dir, len) && (path[len] == '\0' || path[len] == '/');
}

/*
 * The renamed directory that @path lies in, the innermost one (the longest d_path with a
 * redirect that is @path or a prefix of it), or NULL. Context: vfs->lock held.
 */
static const struct vfs_dentry *d_redirected(struct vfs *vfs, const char *path)
{
	const struct vfs_dentry *best = NULL;
	struct list_head *pos;

	list_for_each(pos, &vfs->dentries) {
		const struct vfs_dentry *d = list_entry(pos, struct vfs_dentry, d_list);

		if (d->d_redirect && path_under(path, d->d_path) &&
		    (!best || strlen(d->d_path) > strlen(best->d_path)))
			best = d;
	}
	return best;
}

/*
 * The host path of @path (inside the root) into @buf, through the directories renamed in
 * the upper layer (overlayfs's redirect_dir: "/new/x" is "/old/x" below when "/old" became
 * "/new"). Context: vfs->lock held.
 * Return: 0, or -ENAMETOOLONG when it does not fit.
 */
static int host_path(struct vfs *vfs, const char *path, char *buf, size_t size)
{
	const struct vfs_dentry *d = d_redirected(vfs, path);
	int n;

	if (d)
		n = snprintf(buf, size, "%s%s%s", vfs->root, d->d_redirect,
			     path + strlen(d->d_path));
	else
		n = snprintf(buf, size, "%s%s", vfs->root,
			     *path ? path : (*vfs->root ? "" : "/"));
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

/* A directory mkdir made in the upper layer (opaque: the host below it is never looked at). */
static bool d_is_upper_dir(const struct vfs_dentry *d)
{
	return d && d->d_inode && S_ISDIR(d->d_inode->i_mode);
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
	free(d->d_redirect);
	d->d_redirect = NULL;
	if (old)
		__iput(old);
	return 0;
}

void d_free(struct vfs_dentry *d)
{
	list_del(&d->d_list);
	if (d->d_inode)
		__iput(d->d_inode);
	free(d->d_redirect);
	free(d->d_path);
	free(d);
}

/*
 * The name @path of @inode, held by one more file: the one files opened through @path
 * already hold, or a new one. Context: vfs->lock held. Return: the name, or NULL (no memory).
 */
static struct inode_name *inode_name_get(struct inode *inode, const char *path)
{
	struct inode_name *name;
	struct list_head *pos;

	list_for_each(pos, &inode->i_names) {
		name = list_entry(pos, struct inode_name, n_list);
		if (!name->n_unlinked && !strcmp(name->n_path, path)) {
			name->n_count++;
			return name;
		}
	}
	name = calloc(1, sizeof(*name));
	if (!name || !(name->n_path = strdup(path))) {
		free(name);
		return NULL;
	}
	name->n_inode = inode;
	name->n_count = 1;
	list_add(&name->n_list, &inode->i_names);
	return name;
}

/** inode_name_hold - see fs.h. Context: takes vfs->lock; a file holds @name. */
struct inode_name *inode_name_hold(struct inode_name *name)
{
	struct vfs *vfs;

	if (!name)
		return NULL;
	vfs = name->n_inode->i_vfs;
	pthread_mutex_lock(&vfs->lock);
	name->n_count++;
	pthread_mutex_unlock(&vfs->lock);
	return name;
}

/** inode_name_put - see fs.h. Context: takes vfs->lock; the file still holds the inode. */
void inode_name_put(struct inode_name *name)
{
	struct vfs *vfs;

	if (!name)
		return;
	vfs = name->n_inode->i_vfs;
	pthread_mutex_lock(&vfs->lock);
	if (!--name->n_count) {
		list_del(&name->n_list);
		free(name->n_path);
		free(name);
	}
	pthread_mutex_unlock(&vfs->lock);
}

/* The names @path of @inode are gone (unlink, or renamed over): d_unlinked from now on. */
static void names_unlink(struct inode *inode, const char *path)
{
	struct list_head *pos;

	if (!inode)
		return;
	list_for_each(pos, &inode->i_names) {
		struct inode_name *name = list_entry(pos, struct inode_name, n_list);

		if (!name->n_unlinked && !strcmp(name->n_path, path))
			name->n_unlinked = true;
	}
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
	struct vfs_dentry *d = *nd->path ? d_lookup(nd->vfs, nd->path) : NULL;
	char host[PATH_MAX];
	int err;

	if (d_is_upper_dir(d)) {
		inode_stat(d->d_inode, &nd->dir_st);
		return 0;
	}
	err = host_path(nd->vfs, nd->path, host, sizeof(host));
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
	if (nd->dentry && nd->dentry->d_redirect)
		nd->dentry = NULL;	/* a renamed host directory: host_path finds it below */
	if (nd->dentry) {
		nd->exists = nd->dentry->d_inode != NULL;
		if (nd->exists)
			inode_stat(nd->dentry->d_inode, &nd->st);
		return 0;
	}
	if (*nd->path && d_is_upper_dir(d_lookup(nd->vfs, nd->path))) {
		nd->exists = false;	/* an opaque directory: nothing below from the host */
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
			      struct stat *host_st, struct inode_name **name)
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
	if (name)
		*name = IS_ERR_OR_NULL(inode) ? NULL : inode_name_get(inode, nd.path);
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

/*
 * may_delete's checks of removing the name @nd resolved from its directory (unlink, both
 * ends of rename): write and search permission on the directory, then the sticky bit (in a
 * sticky directory only the owner of the file or of the directory, or CAP_FOWNER, may).
 * Return: 0, -EACCES or -EPERM.
 */
static int may_delete(const struct nameidata *nd, const struct open_how_fs *cred)
{
	int err = may_access_st(&nd->parent_st, cred, W_OK | X_OK);

	if (err)
		return err;
	if (cred && (nd->parent_st.st_mode & S_ISVTX) && !cred->cap_fowner &&
	    nd->st.st_uid != cred->uid && nd->parent_st.st_uid != cred->uid)
		return -EPERM;	/* check_sticky */
	return 0;
}

/**
 * vfs_unlink - unlink(2) in the upper layer: the name becomes a whiteout, the inode loses a
 * link (at none, maps shows its mappings " (deleted)"; a file opened through this name shows
 * it " (deleted)" at once, as its dentry is unhashed). The host is never touched.
 * @cred: the caller's ids: write and search permission on the directory, the sticky bit
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT, -EACCES, -EPERM (sticky directory), -EISDIR (a directory),
 * -ENOTDIR, -ELOOP, -ENAMETOOLONG, -ENOMEM.
 */
int vfs_unlink(struct vfs *vfs, const struct open_how_fs *cred, const char *path)
{
	struct nameidata nd = { .vfs = vfs, .how = cred };
	struct inode *inode = NULL;
	int err;

	if (!path)
		return -EFAULT;
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nd, path);
	if (!err && !nd.exists)
		err = -ENOENT;
	if (!err && nd.dir_wanted)	/* do_unlinkat's trailing slash */
		err = S_ISDIR(nd.st.st_mode) ? -EISDIR : -ENOTDIR;
	if (!err)
		err = may_delete(&nd, cred);
	if (!err && S_ISDIR(nd.st.st_mode))
		err = -EISDIR;
	if (!err)
		inode = nd_inode(&nd, false);
	if (!err)
		err = d_set(vfs, nd.path, NULL);
	if (!err) {
		drop_nlink(inode);
		names_unlink(IS_ERR_OR_NULL(inode) ? NULL : inode, nd.path);
	}
	if (!IS_ERR_OR_NULL(inode))
		__iput(inode);
	pthread_mutex_unlock(&vfs->lock);
	return err;
}

/*
 * @path without its trailing slashes, in @buf: mkdir and rmdir never follow a symlink in
 * their last component, slash or not. "/" stays "/". -EFAULT for a NULL @path.
 */
static int strip_slashes(const char *path, char *buf, size_t size)
{
	size_t len;

	if (!path)
		return -EFAULT;
	len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return 0;
}

/**
 * vfs_mkdir - mkdir(2) in the upper layer: an empty directory, opaque (the host's entries of
 * a directory of that name once removed never show through), owned by the caller's fsuid and
 * fsgid, or the parent's group with the setgid bit when the parent has it (as inode_init_owner).
 * @mode: permission bits after the umask; the sticky bit is kept
 * Context: takes vfs->lock.
 * Return: 0, or -EEXIST (anything is there, a dangling symlink too), -ENOENT (a missing
 * parent), -ENOTDIR, -EACCES (write and search permission on the parent), -ELOOP,
 * -ENAMETOOLONG, -ENOMEM, -EFAULT (NULL @path).
 */
int vfs_mkdir(struct vfs *vfs, const struct open_how_fs *cred, const char *path,
	      unsigned int mode)
{
	struct nameidata nd = { .vfs = vfs, .how = cred };
	char name[PATH_MAX];
	struct inode *inode;
	int err;

	err = strip_slashes(path, name, sizeof(name));
	if (err)
		return err;
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nd, name);
	if (!err && nd.exists)
		err = -EEXIST;
	if (!err)
		err = may_access_st(&nd.parent_st, cred, W_OK | X_OK);	/* may_create */
	if (err)
		goto unlock;
	inode = inode_new(vfs, FS_OVERLAY, nd.path);
	if (!inode) {
		err = -ENOMEM;
		goto unlock;
	}
	inode->i_mode = S_IFDIR | (mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX));
	inode->i_uid = cred ? cred->uid : 0;
	inode->i_gid = cred ? cred->gid : 0;
	if (nd.parent_st.st_mode & S_ISGID) {
		inode->i_gid = nd.parent_st.st_gid;
		inode->i_mode |= S_ISGID;
	}
	inode->i_nlink = 2;
	inode->i_dev = nd.parent_st.st_dev;	/* as vfs_create's files */
	do {
		inode->i_ino = vfs->next_ino++;
	} while (inode_find_exists(vfs, inode->i_dev, inode->i_ino));
	err = d_set(vfs, nd.path, inode);
	if (!err)
		inode_hash(inode);
	__iput(inode);	/* the dentry holds it */
unlock:
	pthread_mutex_unlock(&vfs->lock);
	return err;
}

/* The last component of @path, trailing slashes ignored: @len gets its length; "" for "/". */
static const char *last_component(const char *path, size_t *len)
{
	size_t end = strlen(path), start;

	while (end && path[end - 1] == '/')
		end--;
	start = end;
	while (start && path[start - 1] != '/')
		start--;
	*len = end - start;
	return path + start;
}

/**
 * vfs_rmdir - rmdir(2) in the upper layer: an empty directory's name becomes a whiteout
 * (a host directory stays on the host; an upper one goes). Empty: no upper name under it but
 * whiteouts, and no host entry that a whiteout does not hide.
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT, -ENOTDIR (not a directory, a symlink to one too), -ENOTEMPTY (also
 * for a last component ".."), -EINVAL (last component "."), -EBUSY (the root), -EACCES,
 * -EPERM (sticky directory), -ELOOP, -ENAMETOOLONG, -ENOMEM, -EFAULT (NULL @path).
 */
static bool dir_empty(struct nameidata *nd);

int vfs_rmdir(struct vfs *vfs, const struct open_how_fs *cred, const char *path)
{
	struct nameidata nd = { .vfs = vfs, .how = cred };
	char name[PATH_MAX];
	const char *last;
	size_t len;
	int err;

	err = strip_slashes(path, name, sizeof(name));
	if (err)
		return err;
	last = last_component(name, &len);
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nd, name);
	if (err)
		goto unlock;
	/* do_rmdir: the kind of the last component, before looking it up */
	if (len == 2 && !strncmp(last, "..", 2))
		err = -ENOTEMPTY;
	else if (len == 1 && last[0] == '.')
		err = -EINVAL;
	else if (!len)
		err = -EBUSY;	/* "/" */
	else if (!nd.exists)
		err = -ENOENT;
	else
		err = may_delete(&nd, cred);
	if (!err && !S_ISDIR(nd.st.st_mode))
		err = -ENOTDIR;
	if (!err && !dir_empty(&nd))
		err = -ENOTEMPTY;
	if (!err)
		err = d_set(vfs, nd.path, NULL);
unlock:
	pthread_mutex_unlock(&vfs->lock);
	return err;
}

/*
 * The rename's source once @nd is resolved: a regular file (its inode), or a host directory
 * (*@isdir, no inode). Other objects are not modelled (EXDEV).
 */
static struct inode *rename_source(struct nameidata *nd, bool *isdir)
{
	*isdir = false;
	if (!nd->exists)
		return ERR_PTR(-ENOENT);
	if (!nd->dentry && S_ISDIR(nd->st.st_mode)) {
		*isdir = true;
		return NULL;
	}
	if ((!nd->dentry || S_ISDIR(nd->st.st_mode)) && !S_ISREG(nd->st.st_mode))
		return ERR_PTR(-EXDEV);	/* devices, symlinks, upper directories */
	if (nd->dir_wanted)
		return ERR_PTR(-ENOTDIR);
	return nd_inode(nd, true);
}

/* A path string to rewrite when a directory moves: where it is kept, and its new value. */
struct path_move {
	char **slot;
	char *path;
};

struct dir_move {
	const char *from, *to;		/* The directory's old and new path */
	bool swap;			/* RENAME_EXCHANGE: what is under @to moves under @from */
	struct path_move *moves;
	size_t nr, cap;
};

/* Records that *@slot (under m->from) becomes the same path under m->to. 0 or -ENOMEM. */
static int dir_move_add(struct dir_move *m, char **slot)
{
	const char *old_dir, *new_dir;
	char *path;

	if (path_under(*slot, m->from)) {
		old_dir = m->from;
		new_dir = m->to;
	} else if (m->swap && path_under(*slot, m->to)) {
		old_dir = m->to;
		new_dir = m->from;
	} else {
		return 0;
	}
	if (m->nr == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct path_move *bigger = realloc(m->moves, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		m->moves = bigger;
		m->cap = cap;
	}
	if (asprintf(&path, "%s%s", new_dir, *slot + strlen(old_dir)) < 0)
		return -ENOMEM;
	m->moves[m->nr++] = (struct path_move){ .slot = slot, .path = path };
	return 0;
}

/* Every path under the moving directory: upper names, inodes' and open files' names. */
static int dir_move_collect(struct vfs *vfs, struct dir_move *m)
{
	struct list_head *pos, *npos;
	int err = 0;

	list_for_each(pos, &vfs->dentries) {
		struct vfs_dentry *d = list_entry(pos, struct vfs_dentry, d_list);

		/* the names at the two ends are replaced, not moved */
		if (!err && strcmp(d->d_path, m->from) && strcmp(d->d_path, m->to))
			err = dir_move_add(m, &d->d_path);
	}
	list_for_each(pos, &vfs->inodes) {
		struct inode *inode = list_entry(pos, struct inode, i_hash);

		if (inode->i_kind != FS_OVERLAY)
			continue;
		if (!err)
			err = dir_move_add(m, &inode->i_path);
		list_for_each(npos, &inode->i_names) {
			struct inode_name *name = list_entry(npos, struct inode_name, n_list);

			if (!err && !name->n_unlinked)
				err = dir_move_add(m, &name->n_path);
		}
	}
	return err;
}

/*
 * Whether the directory @nd resolved has no entry: no upper name under it but whiteouts, and
 * no host entry below it that a whiteout does not hide. Context: vfs->lock held.
 */
static bool dir_empty(struct nameidata *nd)
{
	char host[PATH_MAX], cand[PATH_MAX];
	struct list_head *pos;
	struct dirent *e;
	bool empty = true;
	DIR *dir;

	list_for_each(pos, &nd->vfs->dentries) {
		struct vfs_dentry *d = list_entry(pos, struct vfs_dentry, d_list);

		if ((d->d_inode || d->d_redirect) && strcmp(d->d_path, nd->path) &&
		    path_under(d->d_path, nd->path))
			return false;
	}
	if (d_is_upper_dir(nd->dentry) || host_path(nd->vfs, nd->path, host, sizeof(host)) ||
	    !(dir = opendir(host)))
		return true;
	while (empty && (e = readdir(dir))) {
		struct vfs_dentry *d;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(cand, sizeof(cand), "%s/%s", nd->path, e->d_name) >= (int)sizeof(cand))
			continue;
		d = d_lookup(nd->vfs, cand);
		empty = d && !d->d_inode && !d->d_redirect;
	}
	closedir(dir);
	return empty;
}

/* A new upper-layer name @path (an inode-less one: a whiteout, or a redirect to fill). */
static struct vfs_dentry *d_alloc(const char *path)
{
	struct vfs_dentry *d = calloc(1, sizeof(*d));

	if (d && !(d->d_path = strdup(path))) {
		free(d);
		return NULL;
	}
	return d;
}

/* Frees a name d_alloc made that never joined the list (its inode reference with it). */
static void d_discard(struct vfs_dentry *d)
{
	if (!d)
		return;
	if (d->d_inode)
		__iput(d->d_inode);
	free(d->d_redirect);
	free(d->d_path);
	free(d);
}

/*
 * Makes @d, a new name, show what @nd resolved: @inode (a file: a new reference), or the
 * host directory below it (a redirect to where host_path finds it). 0 or -errno.
 */
static int d_fill(struct vfs_dentry *d, struct nameidata *nd, struct inode *inode)
{
	char host[PATH_MAX];
	int err;

	if (inode) {
		ihold(inode);
		d->d_inode = inode;
		return 0;
	}
	err = host_path(nd->vfs, nd->path, host, sizeof(host));
	if (!err && !(d->d_redirect = strdup(host + strlen(nd->vfs->root))))
		err = -ENOMEM;
	return err;
}

/*
 * A rename with a host directory at one end (overlayfs with redirect_dir, or any file system
 * renaming within itself): @to's new name shows what @from named (the file @src, or the
 * directory below through a redirect); @from becomes a whiteout, or with @exchange shows what
 * @to named (@dst, or its directory). The upper names, inodes and open files' names under
 * @from move under @to (and, exchanging, those under @to under @from); without @exchange what
 * was at @to (nothing, a whiteout, an empty directory's whiteouts) goes.
 * Context: vfs->lock held. Return: 0 or -ENOMEM (nothing changed).
 */
static int rename_tree(struct nameidata *from, struct nameidata *to, struct inode *src,
		       struct inode *dst, bool exchange)
{
	struct vfs *vfs = from->vfs;
	struct dir_move m = { .from = from->path, .to = to->path, .swap = exchange };
	struct vfs_dentry *at_from = d_alloc(from->path), *at_to = d_alloc(to->path);
	struct list_head *pos, *n;
	int err = at_from && at_to ? 0 : -ENOMEM;

	if (!err)
		err = d_fill(at_to, from, src);
	if (!err && exchange)
		err = d_fill(at_from, to, dst);
	if (!err)
		err = dir_move_collect(vfs, &m);
	if (err) {
		for (size_t i = 0; i < m.nr; i++)
			free(m.moves[i].path);
		free(m.moves);
		d_discard(at_from);
		d_discard(at_to);
		return err;
	}
	/* the names at both ends go, and a replaced empty directory's whiteouts */
	list_for_each_safe(pos, n, &vfs->dentries) {
		struct vfs_dentry *d = list_entry(pos, struct vfs_dentry, d_list);

		if (!strcmp(d->d_path, from->path) || !strcmp(d->d_path, to->path) ||
		    (!exchange && path_under(d->d_path, to->path)))
			d_free(d);
	}
	for (size_t i = 0; i < m.nr; i++) {
		free(*m.moves[i].slot);
		*m.moves[i].slot = m.moves[i].path;
	}
	free(m.moves);
	list_add_tail(&at_from->d_list, &vfs->dentries);
	list_add_tail(&at_to->d_list, &vfs->dentries);
	return 0;
}

/* The names of @inode at @from now say @to (a file renamed). Context: vfs->lock held. */
static int names_move(struct inode *inode, const char *from, const char *to)
{
	struct list_head *pos;

	list_for_each(pos, &inode->i_names) {
		struct inode_name *name = list_entry(pos, struct inode_name, n_list);
		char *path;

		if (name->n_unlinked || strcmp(name->n_path, from))
			continue;
		path = strdup(to);
		if (!path)
			return -ENOMEM;
		free(name->n_path);
		name->n_path = path;
	}
	return 0;
}

/* Moves or swaps the names of files once both ends are known. Context: vfs->lock held. */
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
		/* through a placeholder, so that the two sets of names do not mix */
		if (names_move(src, from->path, "\n") || names_move(dst, to->path, from->path) ||
		    names_move(src, "\n", to->path))
			return -ENOMEM;
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
	if (dst)
		names_unlink(dst, to->path);
	free(src->i_path);
	src->i_path = tmp;
	return names_move(src, from->path, to->path);
}

/*
 * The checks of the target @nt against the source (@isdir: a directory), in do_renameat2's
 * and vfs_rename's order after both lookups: NOREPLACE, the trailing slash, a directory into
 * itself, then may_delete or creation rights, a directory's own write permission when it
 * changes parents, and the kinds of the two ends. Context: vfs->lock held.
 */
static int rename_check(struct nameidata *nf, struct nameidata *nt, bool isdir,
			const struct open_how_fs *cred, unsigned int flags)
{
	int err;

	if (nt->exists && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (!nt->exists && (flags & RENAME_EXCHANGE))
		return -ENOENT;
	if (!isdir && nt->dir_wanted)
		return -ENOTDIR;
	bool exchange = flags & RENAME_EXCHANGE, other_parent;
	bool dst_isdir = nt->exists && S_ISDIR(nt->st.st_mode);

	if ((isdir && !*nf->path) || (dst_isdir && !*nt->path))
		return -EBUSY;	/* the root */
	if (path_under(nt->path, nf->path))
		return -EINVAL;	/* into itself */
	if (path_under(nf->path, nt->path))
		return exchange ? -EINVAL : -ENOTEMPTY;
	other_parent = nf->parent_st.st_dev != nt->parent_st.st_dev ||
		       nf->parent_st.st_ino != nt->parent_st.st_ino;
	err = may_delete(nf, cred);
	if (!err)
		err = nt->exists ? may_delete(nt, cred) :
				   may_access_st(&nt->parent_st, cred, W_OK | X_OK);
	/* a directory that changes parents has its ".." rewritten */
	if (!err && isdir && other_parent)
		err = may_access_st(&nf->st, cred, W_OK);
	if (!err && exchange && dst_isdir && other_parent)
		err = may_access_st(&nt->st, cred, W_OK);
	if (err || !nt->exists || exchange)
		return err;
	if (isdir && !dst_isdir)
		return -ENOTDIR;
	if (!isdir && dst_isdir)
		return -EISDIR;
	if (isdir && !dir_empty(nt))
		return -ENOTEMPTY;
	return 0;
}

/**
 * vfs_rename - rename(2)/renameat2(2) in the upper layer: @to names @from's file from now on
 * (maps prints the new name), @from becomes a whiteout; a file @to named loses a link. A
 * host directory moves as overlayfs with redirect_dir moves it (as any file system does
 * within itself): its whole tree shows under the new name, over nothing or an empty
 * directory; RENAME_EXCHANGE swaps two trees, or a tree and a file.
 * @cred: the caller's ids: write and search permission on both directories, the sticky bit,
 * write permission on a directory that changes parents
 * @flags: RENAME_NOREPLACE, RENAME_EXCHANGE (RENAME_WHITEOUT: -EINVAL, it needs
 * CAP_MKNOD and a filesystem that supports it)
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT, -EEXIST (NOREPLACE), -EISDIR, -ENOTDIR, -ENOTEMPTY, -EACCES, -EPERM,
 * -EBUSY (the root), -EINVAL (a directory into itself, bad flags), -EXDEV (a symlink or
 * device: not modelled), -ELOOP, -ENAMETOOLONG, -ENOMEM.
 */
int vfs_rename(struct vfs *vfs, const struct open_how_fs *cred, const char *from,
	       const char *to, unsigned int flags)
{
	struct nameidata nf = { .vfs = vfs, .how = cred }, nt = { .vfs = vfs, .how = cred };
	struct inode *src = NULL, *dst = NULL;
	bool isdir = false;
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
		src = rename_source(&nf, &isdir);
		if (IS_ERR(src)) {
			err = (int)PTR_ERR(src);
			src = NULL;
		}
	}
	if (!err && nt.exists && !S_ISDIR(nt.st.st_mode)) {
		if (flags & RENAME_EXCHANGE && !nt.dentry && !S_ISREG(nt.st.st_mode))
			err = -EXDEV;
		else
			dst = nd_inode(&nt, flags & RENAME_EXCHANGE);
		if (IS_ERR(dst)) {
			err = (int)PTR_ERR(dst);
			dst = NULL;
		}
		/* two names of one file: nothing to do (do_renameat2's same-inode case) */
		if (!err && dst == src && src)
			goto out;
	}
	if (!err && !strcmp(nf.path, nt.path))
		goto out;	/* the same name */
	if (!err)
		err = rename_check(&nf, &nt, isdir, cred, flags);
	if (!err && (isdir || (nt.exists && S_ISDIR(nt.st.st_mode))))
		err = rename_tree(&nf, &nt, src, dst, flags & RENAME_EXCHANGE);
	else if (!err)
		err = rename_commit(&nf, &nt, src, dst, flags);
out:
	if (src)
		__iput(src);
	if (dst)
		__iput(dst);
	pthread_mutex_unlock(&vfs->lock);
	return err;
}

/*
 * may_linkat with fs.protected_hardlinks = 1 (the default): who does not own the file nor
 * has CAP_FOWNER links only a regular file that is not set-id and that it may read and
 * write. Return: 0 or -EPERM.
 */
static int may_linkat(const struct stat *st, const struct open_how_fs *cred)
{
	if (!cred || cred->cap_fowner || st->st_uid == cred->uid)
		return 0;
	if (S_ISREG(st->st_mode) && !(st->st_mode & S_ISUID) &&
	    (st->st_mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
	    !may_access_st(st, cred, R_OK | W_OK))
		return 0;
	return -EPERM;
}

/**
 * vfs_link - link(2)/linkat(2) in the upper layer: @to becomes another name of @from's file
 * (one inode, one page cache; i_nlink counts it). The host is never touched.
 * @cred: the caller's ids: write and search permission on @to's directory, protected_hardlinks
 * @follow: AT_SYMLINK_FOLLOW (link(2) does not follow a symlink in @from)
 * Context: takes vfs->lock.
 * Return: 0, or -ENOENT, -EEXIST, -EXDEV (another device: a mount point; or a symlink or
 * device, not modelled), -EPERM (a directory, protected_hardlinks), -EACCES, -ENOTDIR,
 * -ELOOP, -ENAMETOOLONG, -ENOMEM.
 */
int vfs_link(struct vfs *vfs, const struct open_how_fs *cred, const char *from,
	     const char *to, bool follow)
{
	struct nameidata nf = { .vfs = vfs, .how = cred, .follow_last = follow };
	struct nameidata nt = { .vfs = vfs, .how = cred };
	struct inode *inode = NULL;
	int err;

	if (!from || !to)
		return -EFAULT;
	pthread_mutex_lock(&vfs->lock);
	err = path_lookup(&nf, from);
	if (!err && !nf.exists)
		err = -ENOENT;
	if (!err && nf.dir_wanted && !S_ISDIR(nf.st.st_mode))
		err = -ENOTDIR;
	if (!err)
		err = path_lookup(&nt, to);
	if (!err && nt.exists)
		err = -EEXIST;
	if (!err && nt.dir_wanted)
		err = -ENOENT;	/* filename_create: a trailing slash on a new name */
	if (!err && nf.st.st_dev != nt.parent_st.st_dev)
		err = -EXDEV;
	if (!err)
		err = may_linkat(&nf.st, cred);
	if (!err)
		err = may_access_st(&nt.parent_st, cred, W_OK | X_OK);
	if (!err && S_ISDIR(nf.st.st_mode))
		err = -EPERM;
	if (!err && !nf.dentry && !S_ISREG(nf.st.st_mode))
		err = -EXDEV;	/* symlinks, devices, FIFOs: not modelled */
	if (!err) {
		inode = nd_inode(&nf, true);
		if (IS_ERR(inode)) {
			err = (int)PTR_ERR(inode);
			inode = NULL;
		}
	}
	if (!err)
		err = d_set(vfs, nt.path, inode);
	if (!err)
		inode->i_nlink++;
	if (inode)
		__iput(inode);
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
