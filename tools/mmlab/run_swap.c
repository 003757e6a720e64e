// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The runner's swap (see run.h): the swap area --swap SIZE and --swapfile PATH give the
 * machine, on from the start as a host's configured swap is, and the swapon(2)/swapoff(2)
 * lines of a scenario (mm/swapfile.c's SYSCALL_DEFINEs, seen from user space).
 *
 * --swap SIZE alone: a temporary file under $TMPDIR (else /tmp), unlinked at once so that
 * nothing is left behind; /proc/swaps, swapon and swapoff name it "/swapfile" (the name
 * of a Debian host's swap file), so that a scenario's text does not depend on where the
 * temporary file was. --swapfile
 * PATH: the area is that host file, created with --swap's size; an existing file is used
 * only with --write-files (the run then owns its contents: mkswap writes a new header, and
 * without --swap the file keeps its size). A scenario's swapon/swapoff name an area by the
 * path the options gave; any other path is one mmlab has no area for (ENOENT).
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An unlinked file of @bytes under $TMPDIR; @name gets its path. -errno on failure. */
static int swap_tmpfile(uint64_t bytes, char *name, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(name, len, "%s/mmlab-swap.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (unlink(name) || ftruncate(fd, (off_t)bytes)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * --swapfile PATH: created (of @bytes, which a new file needs: -ENODATA without), or opened
 * when it exists and @write_files allows it.
 */
static int swap_hostfile(const char *path, uint64_t bytes, bool write_files)
{
	struct stat st;
	int fd = -1;

	if (bytes)
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if ((!bytes || errno == EEXIST) && fd < 0) {
		if (!write_files)
			return bytes || !access(path, F_OK) ? -EEXIST : -ENODATA;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && !bytes)
			return -ENODATA;
	}
	if (fd < 0)
		return -errno;
	if ((bytes && ftruncate(fd, (off_t)bytes)) || fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/**
 * run_swap_setup() - give machine @m the swap area the options ask for, on at once.
 * @m: the machine.
 * @o: --swap and --swapfile.
 * @write_files: --write-files: an existing --swapfile may be used.
 *
 * Context: before the scenario's first line.
 * Return: 0 (also when no option asks for swap), or -errno after a message on stderr.
 */
int run_swap_setup(struct mmlab_machine *m, const struct run_swap_opts *o, bool write_files)
{
	char name[4096];
	int fd, err;

	if (!o->bytes && !o->path)
		return 0;
	if (o->path) {
		snprintf(name, sizeof(name), "%s", o->path);
		fd = swap_hostfile(o->path, o->bytes, write_files);
	} else {
		fd = swap_tmpfile(o->bytes, name, sizeof(name));
		if (fd >= 0)
			snprintf(name, sizeof(name), "/swapfile");
	}
	if (fd < 0) {
		fprintf(stderr, "mmlab run: swap file %s: %s\n", o->path ? o->path : name,
			fd == -EEXIST  ? "it exists (an existing file needs --write-files)" :
			fd == -ENODATA ? "a new file needs --swap SIZE" : strerror(-fd));
		return fd;
	}
	err = mmlab_mkswap(fd);
	if (!err)
		err = mmlab_swap_attach(m, name, fd, MMLAB_SWAP_OWN_FD | MMLAB_SWAP_ON);
	if (err) {
		fprintf(stderr, "mmlab run: swap file %s: %s%s\n", name, strerror(-err),
			err == -EINVAL ? " (mkswap wants at least 40K)" : "");
		close(fd);
	}
	return err;
}

/**
 * run_swap_call() - run a swapon(path, flags) or swapoff(path) line.
 * @r: the runner.
 * @c: the call; ->rec and ->proc set.
 *
 * Context: single-threaded (swapoff walks every address space).
 * Return: what became of it; RUN_DONE leaves the result in @c->ret.
 */
enum run_status run_swap_call(struct runner *r, struct run_call *c)
{
	const struct sc_value *path = c->rec->args[0];
	bool on = !strcmp(c->rec->name, "swapon");
	unsigned long flags = 0;
	char *p;

	if (!run_path_ok(r, c, path))
		return RUN_REPORTED;
	if (on && !run_arg(r, c, 1, &flags))
		return RUN_REPORTED;
	p = strndup(path->str, path->str_len);
	if (!p)
		return RUN_REPORTED;
	c->ret = on ? mmlab_swapon(run_proc_task(c->proc), p, (int)flags) :
		      mmlab_swapoff(run_proc_task(c->proc), p);
	free(p);
	return RUN_DONE;
}
