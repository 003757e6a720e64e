// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The overlay namespace (src/fs/namei.c, inode.c) on a temporary host tree: resolution never
 * leaves the root (.., absolute and relative symlinks, loops), O_CREAT/O_EXCL/unlink/rename
 * live in the upper layer only, hard links share one inode, identities from another machine,
 * the lower read_page, and the host tree unchanged at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fs/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct fixture {
	char top[64];			/* mkdtemp: top/root is the vfs root, top/out outside */
	char root[96];
	struct vfs vfs;
};

static const struct open_how_fs rd = { .flags = O_RDONLY, .cap_dac_override = true };

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_link(const char *dir, const char *name, const char *target)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(symlink(target, p), 0);
}

/* A listing of the tree with every file's size and contents' sum, to compare before/after. */
static unsigned long tree_sum(const char *dir)
{
	unsigned long sum = 5381;
	struct dirent *e;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		assert_int_equal(lstat(p, &st), 0);
		for (const char *c = e->d_name; *c; c++)
			sum = sum * 33 + (unsigned char)*c;
		sum = sum * 33 + (unsigned long)st.st_size + st.st_mode;
		if (S_ISDIR(st.st_mode)) {
			sum += tree_sum(p);
		} else if (S_ISREG(st.st_mode)) {
			FILE *f = fopen(p, "r");
			int ch;

			assert_non_null(f);
			while ((ch = fgetc(f)) != EOF)
				sum = sum * 33 + (unsigned long)ch;
			fclose(f);
		}
	}
	closedir(d);
	return sum;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char p[PATH_MAX];

	strcpy(fx->top, "/tmp/mmlab-vfs-XXXXXX");
	if (!mkdtemp(fx->top))
		return -1;
	snprintf(fx->root, sizeof(fx->root), "%s/root", fx->top);
	mkdir(fx->root, 0755);
	snprintf(p, sizeof(p), "%s/out", fx->top);
	mkdir(p, 0755);
	put_file(p, "secret", "outside\n");
	snprintf(p, sizeof(p), "%s/d", fx->root);
	mkdir(p, 0755);
	put_file(p, "f", "contents of f\n");
	put_file(fx->root, "top", "top\n");
	put_link(p, "rel_escape", "../../out/secret");
	put_link(fx->root, "abs_escape", "/../out/secret");
	put_link(fx->root, "abs_inside", "/d/f");
	put_link(fx->root, "loop_a", "loop_b");
	put_link(fx->root, "loop_b", "loop_a");
	put_link(fx->root, "dir_link", "d");
	snprintf(p, sizeof(p), "%s/d/hard", fx->root);
	{
		char f[PATH_MAX];

		snprintf(f, sizeof(f), "%s/d/f", fx->root);
		assert_int_equal(link(f, p), 0);
	}
	assert_int_equal(vfs_init(&fx->vfs, NULL, fx->root, false), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[PATH_MAX + 16];

	vfs_destroy(&fx->vfs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->top);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

/* Opens @path read-only: the inode (to iput), NULL or ERR_PTR. */
static struct inode *open_rd(struct fixture *fx, const char *path)
{
	struct stat st;

	return vfs_lookup_open(&fx->vfs, path, &rd, &st, NULL);
}

static long open_err(struct fixture *fx, const char *path, const struct open_how_fs *how)
{
	struct stat st;
	struct inode *inode = vfs_lookup_open(&fx->vfs, path, how, &st, NULL);

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	iput(inode);
	return 0;
}

static void test_escapes(void **state)
{
	struct fixture *fx = *state;
	struct inode *inode;
	char host[PATH_MAX];

	/* ".." at the root stays there: /../top is /top */
	inode = open_rd(fx, "/../../../top");
	assert_false(IS_ERR_OR_NULL(inode));
	assert_string_equal(inode->i_path, "/top");
	iput(inode);
	assert_int_equal(open_err(fx, "/../out/secret", &rd), -ENOENT);
	assert_int_equal(open_err(fx, "d/../../out/secret", &rd), -ENOENT);
	/* symlinks: relative and absolute targets resolve inside the root */
	assert_int_equal(open_err(fx, "/d/rel_escape", &rd), -ENOENT);
	assert_int_equal(open_err(fx, "/abs_escape", &rd), -ENOENT);
	inode = open_rd(fx, "/abs_inside");
	assert_false(IS_ERR_OR_NULL(inode));
	assert_string_equal(inode->i_path, "/d/f");
	iput(inode);
	inode = open_rd(fx, "/dir_link/../top");
	assert_false(IS_ERR_OR_NULL(inode));
	assert_string_equal(inode->i_path, "/top");
	iput(inode);
	assert_int_equal(open_err(fx, "/loop_a", &rd), -ELOOP);
	assert_int_equal(open_err(fx, "/top/x", &rd), -ENOTDIR);
	assert_int_equal(open_err(fx, "/top/", &rd), -ENOTDIR);
	assert_int_equal(open_err(fx, "/nothing/x", &rd), -ENOENT);
	assert_int_equal(open_err(fx, "", &rd), -ENOENT);
	{
		char longname[NAME_MAX + 3];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[0] = '/';
		longname[sizeof(longname) - 1] = '\0';
		assert_int_equal(open_err(fx, longname, &rd), -ENAMETOOLONG);
	}
	/* the host path is always under the root */
	assert_int_equal(vfs_host_path(&fx->vfs, "/../d/../..", host, sizeof(host)), 0);
	assert_string_equal(host, fx->root);
	/* O_NOFOLLOW on a symlink: ELOOP */
	{
		struct open_how_fs how = rd;

		how.flags |= O_NOFOLLOW;
		assert_int_equal(open_err(fx, "/abs_inside", &how), -ELOOP);
	}
	/* a directory is not an inode of the overlay: the caller's (NULL) */
	assert_null(open_rd(fx, "/d"));
}

static void test_create_unlink_rename(void **state)
{
	struct fixture *fx = *state;
	unsigned long before = tree_sum(fx->top);
	struct open_how_fs how = { .flags = O_RDWR | O_CREAT | O_EXCL, .mode = 0640,
				   .uid = 1000, .gid = 1000 };
	struct inode *a, *b;
	struct stat st, dst;
	char p[PATH_MAX];

	/* the directory is root's 0755: a plain user cannot create in it */
	assert_int_equal(open_err(fx, "/d/new", &how), -EACCES);
	how.cap_dac_override = true;
	a = vfs_lookup_open(&fx->vfs, "/d/new", &how, &st, NULL);
	assert_false(IS_ERR_OR_NULL(a));
	snprintf(p, sizeof(p), "%s/d", fx->root);
	assert_int_equal(stat(p, &dst), 0);
	assert_int_equal(a->i_dev, dst.st_dev);	/* the parent's device */
	assert_int_equal(a->i_mode, S_IFREG | 0640);
	assert_int_equal(a->i_size, 0);
	assert_int_equal(a->lower_fd, -1);
	assert_int_equal(open_err(fx, "/d/new", &how), -EEXIST);
	/* O_CREAT|O_EXCL does not follow a symlink: it exists */
	assert_int_equal(open_err(fx, "/abs_inside", &how), -EEXIST);
	assert_int_equal(open_err(fx, "/d/sub/new", &how), -ENOENT);
	how.flags = O_RDWR | O_CREAT | O_DIRECTORY;
	assert_int_equal(open_err(fx, "/d/x", &how), -EINVAL);
	/* open again without O_EXCL: the same inode */
	b = open_rd(fx, "/d/new");
	assert_ptr_equal(a, b);
	iput(b);
	/* rename: the new name, the old gone */
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/d/new", "/moved", 0), 0);
	assert_string_equal(a->i_path, "/moved");
	assert_int_equal(open_err(fx, "/d/new", &rd), -ENOENT);
	b = open_rd(fx, "/moved");
	assert_ptr_equal(a, b);
	iput(b);
	/* a host file renamed: in memory only; NOREPLACE, EXCHANGE */
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top", "/moved", 1 /* NOREPLACE */), -EEXIST);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top", "/moved", 2 /* EXCHANGE */), 0);
	assert_string_equal(a->i_path, "/top");
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top", "/moved", 2), 0);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top", "/top2", 0), 0);
	assert_int_equal(open_err(fx, "/top", &rd), -ENOENT);
	assert_int_equal(open_err(fx, "/top2", &rd), 0);
	/* a host directory moves with its tree (redirect_dir), and back */
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/d", "/e", 0), 0);
	assert_int_equal(open_err(fx, "/d/f", &rd), -ENOENT);
	assert_int_equal(open_err(fx, "/e/f", &rd), 0);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top2", "/e", 0), -EISDIR);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/e", "/top2", 0), -ENOTDIR);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/e", "/e/sub", 0), -EINVAL);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/e", "/d", 0), 0);
	assert_int_equal(open_err(fx, "/e/f", &rd), -ENOENT);
	assert_int_equal(open_err(fx, "/d/f", &rd), 0);
	/* exchanged with a file, and back: the tree follows the directory */
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/d", "/top2", 2 /* EXCHANGE */), 0);
	assert_int_equal(open_err(fx, "/top2/f", &rd), 0);
	assert_int_equal(open_err(fx, "/d", &rd), 0);
	assert_int_equal(open_err(fx, "/d/f", &rd), -ENOTDIR);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/d", "/top2", 2), 0);
	assert_int_equal(open_err(fx, "/d/f", &rd), 0);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top2", "/d", 0), -EISDIR);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/none", "/x", 0), -ENOENT);
	assert_int_equal(vfs_rename(&fx->vfs, NULL, "/top2", "/x", 8), -EINVAL);
	/* unlink: a whiteout; the inode has no link left */
	assert_int_equal(vfs_unlink(&fx->vfs, NULL, "/moved"), 0);
	assert_int_equal(a->i_nlink, 0);
	assert_int_equal(open_err(fx, "/moved", &rd), -ENOENT);
	assert_int_equal(vfs_unlink(&fx->vfs, NULL, "/moved"), -ENOENT);
	assert_int_equal(vfs_unlink(&fx->vfs, NULL, "/d"), -EISDIR);
	assert_int_equal(vfs_unlink(&fx->vfs, NULL, "/d/f"), 0);
	assert_int_equal(open_err(fx, "/d/f", &rd), -ENOENT);
	/* a whiteout of a symlink's target hides it through the link too */
	assert_int_equal(open_err(fx, "/abs_inside", &rd), -ENOENT);
	/* created again over the whiteout: a new file */
	how.flags = O_RDWR | O_CREAT;
	b = vfs_lookup_open(&fx->vfs, "/moved", &how, &st, NULL);
	assert_false(IS_ERR_OR_NULL(b));
	assert_ptr_not_equal(a, b);
	iput(b);
	iput(a);
	/* nothing of it reached the host */
	assert_int_equal(tree_sum(fx->top), before);
}

static void test_hard_links_share(void **state)
{
	struct fixture *fx = *state;
	struct inode *a = open_rd(fx, "/d/f"), *b = open_rd(fx, "/d/hard");
	char buf[PAGE_SIZE];

	assert_false(IS_ERR_OR_NULL(a));
	assert_ptr_equal(a, b);
	assert_int_equal(a->i_nlink, 2);
	assert_int_equal(a->i_size, 14);
	/* the lower read: the host's bytes, zeros past them */
	memset(buf, 0x55, sizeof(buf));
	assert_int_equal(a->i_data.a_ops->read_page(a, 0, buf), 0);
	assert_memory_equal(buf, "contents of f\n", 14);
	for (size_t i = 14; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(a->i_data.a_ops->read_page(a, 3, buf), 0);
	assert_int_equal(buf[0], 0);
	/* one name unlinked: still linked by the other */
	assert_int_equal(vfs_unlink(&fx->vfs, NULL, "/d/hard"), 0);
	assert_int_equal(a->i_nlink, 1);
	iput(b);
	iput(a);
}

static void test_identity(void **state)
{
	struct fixture *fx = *state;
	char p[PATH_MAX], buf[PAGE_SIZE];
	struct inode *a, *b;
	struct stat st;

	snprintf(p, sizeof(p), "%s/d/f", fx->root);
	assert_int_equal(stat(p, &st), 0);
	/* the very file: its contents */
	a = vfs_lookup_id(&fx->vfs, "/d/f", st.st_dev, st.st_ino, st.st_size, S_IFREG | 0644);
	assert_false(IS_ERR_OR_NULL(a));
	assert_false(a->contents_unknown);
	assert_true(a->lower_fd >= 0);
	b = open_rd(fx, "/d/hard");	/* the same inode by identity */
	assert_ptr_equal(a, b);
	iput(b);
	iput(a);
	/* another machine's file at the same path: identity only, zeros */
	a = vfs_lookup_id(&fx->vfs, "/d/f", makedev(8, 1), 4242, 10000, S_IFREG | 0644);
	assert_false(IS_ERR_OR_NULL(a));
	assert_true(a->contents_unknown);
	assert_int_equal(a->i_dev, makedev(8, 1));
	assert_int_equal(a->i_ino, 4242);
	assert_int_equal(a->i_size, 10000);
	memset(buf, 0x55, sizeof(buf));
	assert_int_equal(a->i_data.a_ops->read_page(a, 0, buf), 0);
	assert_int_equal(buf[0], 0);
	b = vfs_lookup_id(&fx->vfs, "/elsewhere", makedev(8, 1), 4242, 10000, S_IFREG | 0644);
	assert_ptr_equal(a, b);
	iput(b);
	iput(a);
	assert_true(IS_ERR(vfs_lookup_id(&fx->vfs, "/d", 1, 2, 0, S_IFDIR | 0755)));
}

static void test_shmem_inode(void **state)
{
	struct fixture *fx = *state;
	struct inode *a = shmem_inode_create(&fx->vfs, "/memfd:x", 8192, 0);
	struct inode *b = shmem_inode_create(&fx->vfs, "/dev/zero", 4096, 0);
	char buf[PAGE_SIZE];

	assert_false(IS_ERR_OR_NULL(a));
	assert_false(IS_ERR_OR_NULL(b));
	/* as the host's maps show them: 00:01, no link (" (deleted)") */
	assert_int_equal(a->i_dev, makedev(0, 1));
	assert_int_equal(a->i_nlink, 0);
	assert_int_not_equal(a->i_ino, b->i_ino);
	assert_null(a->i_data.a_ops->write_page);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(a->i_data.a_ops->read_page(a, 1, buf), 0);
	assert_int_equal(buf[100], 0);
	iput(a);
	iput(b);
}

static void test_permissions(void **state)
{
	struct fixture *fx = *state;
	struct open_how_fs user = { .flags = O_RDONLY, .uid = 1000, .gid = 1000 };
	char p[PATH_MAX];

	assert_int_equal(open_err(fx, "/d/f", &user), 0);	/* 0644: others read */
	user.flags = O_WRONLY;
	assert_int_equal(open_err(fx, "/d/f", &user), -EACCES);
	user.flags = O_RDONLY | O_TRUNC;			/* O_TRUNC asks for write */
	assert_int_equal(open_err(fx, "/d/f", &user), -EACCES);
	snprintf(p, sizeof(p), "%s/d", fx->root);
	assert_int_equal(chmod(p, 0700), 0);			/* no search for others */
	user.flags = O_RDONLY;
	assert_int_equal(open_err(fx, "/d/f", &user), -EACCES);
	assert_int_equal(chmod(p, 0755), 0);
}

static void test_bad_root(void **state)
{
	struct fixture *fx = *state;
	struct vfs v;
	char p[PATH_MAX];

	assert_int_equal(vfs_init(&v, NULL, "/nonexistent-mmlab-root", false), -ENOENT);
	snprintf(p, sizeof(p), "%s/top", fx->root);
	assert_int_equal(vfs_init(&v, NULL, p, false), -ENOTDIR);
	assert_int_equal(vfs_init(&v, NULL, "/", false), 0);
	assert_string_equal(v.root, "");
	vfs_destroy(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_unlink_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_links_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shmem_inode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_root, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
