// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calls `mmlab run` knows (see run.h): one table entry per system call, with its argument
 * count and a handler that evaluates the arguments and calls include/mmlab.h, and one per
 * pseudo-call. System calls that do not concern memory are accepted and skipped; memory calls
 * and pseudo-calls the library does not offer yet are reported on each line. Adding one is
 * adding a table entry. Corresponds to the SYSCALL_DEFINE entry points of Linux's mm/ files,
 * seen from user space.
 */
#include "run.h"
#include "strace_flags.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

#define PR_SET_MDWE_ 65
#define PR_GET_MDWE_ 66

/* Evaluates the first @n arguments into @v. */
static bool args(struct runner *r, struct run_call *c, unsigned int n, unsigned long *v)
{
	for (unsigned int k = 0; k < n; k++)
		if (!run_arg(r, c, k, &v[k]))
			return false;
	return true;
}

static bool task_live(struct runner *r, struct run_call *c);

static struct mmlab_task *task_of(struct run_call *c)
{
	return run_proc_task(c->proc);
}

/* An address result: the address, or -errno. */
static long addr_ret(int err, uint64_t out)
{
	return err ? err : (long)out;
}

static enum run_status sys_mmap(struct runner *r, struct run_call *c)
{
	unsigned long a[6];
	uint64_t out = 0;
	int fd, err;

	if (!args(r, c, 4, a) || !run_arg(r, c, 5, &a[5]))
		return RUN_REPORTED;
	if (run_fd_for_mmap(r, c, c->rec->args[4], a[2], a[3], &fd)) {
		c->failed = true;
		return RUN_REPORTED;
	}
	err = mmlab_mmap(task_of(c), a[0], a[1], (int)a[2], (int)a[3], fd, a[5], &out);
	c->ret = addr_ret(err, out);
	c->placed = !(a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE));
	return RUN_DONE;
}

static enum run_status sys_munmap(struct runner *r, struct run_call *c)
{
	unsigned long a[2];

	if (!args(r, c, 2, a))
		return RUN_REPORTED;
	c->ret = mmlab_munmap(task_of(c), a[0], a[1]);
	return RUN_DONE;
}

static enum run_status sys_mprotect(struct runner *r, struct run_call *c)
{
	unsigned long a[3];

	if (!args(r, c, 3, a))
		return RUN_REPORTED;
	c->ret = mmlab_mprotect(task_of(c), a[0], a[1], (int)a[2]);
	return RUN_DONE;
}

/* pkey_alloc(flags, init_val) = KEY */
static enum run_status sys_pkey_alloc(struct runner *r, struct run_call *c)
{
	unsigned long a[2];

	if (!args(r, c, 2, a))
		return RUN_REPORTED;
	c->ret = mmlab_pkey_alloc(task_of(c), a[0], a[1]);
	return RUN_DONE;
}

static enum run_status sys_pkey_free(struct runner *r, struct run_call *c)
{
	unsigned long key;

	if (!run_arg(r, c, 0, &key))
		return RUN_REPORTED;
	c->ret = mmlab_pkey_free(task_of(c), (int)key);
	return RUN_DONE;
}

static enum run_status sys_pkey_mprotect(struct runner *r, struct run_call *c)
{
	unsigned long a[4];

	if (!args(r, c, 4, a))
		return RUN_REPORTED;
	c->ret = mmlab_pkey_mprotect(task_of(c), a[0], a[1], (int)a[2], (int)a[3]);
	return RUN_DONE;
}

/* mremap(old, old_len, new_len, flags[, new_addr]): strace shows new_addr with MREMAP_FIXED. */
static enum run_status sys_mremap(struct runner *r, struct run_call *c)
{
	unsigned long a[5];
	uint64_t out = 0;
	int err;

	if (!args(r, c, c->rec->nr_args, a))
		return RUN_REPORTED;
	if (c->rec->nr_args < 5)
		a[4] = 0;
	err = mmlab_mremap(task_of(c), a[0], a[1], a[2], (int)a[3], a[4], &out);
	c->ret = addr_ret(err, out);
	/* in place, or at new_addr: only a move the kernel places depends on the layout */
	c->placed = (a[3] & MREMAP_MAYMOVE) && !(a[3] & MREMAP_FIXED);
	return RUN_DONE;
}

static enum run_status sys_brk(struct runner *r, struct run_call *c)
{
	unsigned long a;
	uint64_t out = 0;
	int err;

	if (!run_arg(r, c, 0, &a))
		return RUN_REPORTED;
	err = mmlab_brk(task_of(c), a, &out);
	c->ret = addr_ret(err, out);
	c->placed = true; /* the heap starts past the program's bss */
	return RUN_DONE;
}

static enum run_status sys_madvise(struct runner *r, struct run_call *c)
{
	unsigned long a[3];

	if (!args(r, c, 3, a))
		return RUN_REPORTED;
	c->ret = mmlab_madvise(task_of(c), a[0], a[1], (int)a[2]);
	return RUN_DONE;
}

static void access_mismatch(struct runner *r);

#define MINCORE_PAGE 4096UL
#define MINCORE_CHUNK (1UL << 20) /* pages per library call: a 1 MiB vector */

/* Prints the first @n bits of @vec as strace does, "[1, 0, ...]". */
static void mincore_format(struct sbuf *sb, const unsigned char *vec, unsigned long n,
			   bool more)
{
	sbuf_putc(sb, '[');
	for (unsigned long i = 0; i < n; i++)
		sbuf_printf(sb, i ? ", %u" : "%u", vec[i] & 1);
	if (more)
		sbuf_puts(sb, n ? ", ..." : "...");
	sbuf_putc(sb, ']');
}

/*
 * The vector a log shows ("[1, 0, ...]": what the kernel returned) against mmlab's first
 * @pages bits. Elements that are not numbers, elements past @pages, and an address in place
 * of the array (a failed call, or a log without the vector) are not compared.
 */
static void mincore_check(struct runner *r, struct run_call *c, const unsigned char *vec,
			  unsigned long pages)
{
	const struct sc_value *want = c->rec->args[2];
	struct sbuf w = SBUF_INIT, g = SBUF_INIT;
	unsigned long n = 0;
	bool differ = false;

	if (want->kind != SC_V_ARRAY)
		return;
	for (; n < want->nr_kids && n < pages && want->kids[n]->kind == SC_V_NUM; n++)
		if (want->kids[n]->num != (vec[n] & 1UL))
			differ = true;
	if (!differ)
		return;
	sc_format_value(&w, want);
	mincore_format(&g, vec, n, want->nr_kids > n);
	run_msg(r, c->rec->line, "mincore: expected vector %s, got %s", sbuf_str(&w), sbuf_str(&g));
	sbuf_free(&w);
	sbuf_free(&g);
	access_mismatch(r);
}

/*
 * mincore(addr, len, vec): mmlab_mincore in chunks of MINCORE_CHUNK pages into one buffer, so
 * a large range needs no large one; the first chunk's bits are the ones compared. The return
 * value is that of one call: an unaligned address fails the first chunk, and a range past the
 * user address space meets a hole in some chunk.
 */
static enum run_status sys_mincore(struct runner *r, struct run_call *c)
{
	unsigned long a[2], pages, done = 0;
	unsigned char *vec;
	int err;

	if (!args(r, c, 2, a))
		return RUN_REPORTED;
	pages = a[1] / MINCORE_PAGE + !!(a[1] % MINCORE_PAGE);
	vec = calloc(pages < MINCORE_CHUNK ? pages + 1 : MINCORE_CHUNK, 1);
	if (!vec) {
		run_msg(r, c->rec->line, "out of memory");
		c->failed = true;
		return RUN_REPORTED;
	}
	do {
		unsigned long n = pages - done < MINCORE_CHUNK ? pages - done : MINCORE_CHUNK;
		unsigned long len = n * MINCORE_PAGE;

		if (done + n == pages)
			len = a[1] - done * MINCORE_PAGE; /* the kernel rounds the last page up */
		err = mmlab_mincore(task_of(c), a[0] + done * MINCORE_PAGE, len, vec);
		if (!done && !err)
			mincore_check(r, c, vec, n);
		done += n;
	} while (!err && done < pages);
	c->ret = err;
	free(vec);
	return RUN_DONE;
}

static enum run_status sys_mlock(struct runner *r, struct run_call *c)
{
	unsigned long a[3];

	if (!args(r, c, c->rec->nr_args, a))
		return RUN_REPORTED;
	if (!strcmp(c->rec->name, "mlock2"))
		c->ret = mmlab_mlock2(task_of(c), a[0], a[1], (int)a[2]);
	else if (!strcmp(c->rec->name, "mlock"))
		c->ret = mmlab_mlock(task_of(c), a[0], a[1]);
	else
		c->ret = mmlab_munlock(task_of(c), a[0], a[1]);
	return RUN_DONE;
}

static enum run_status sys_mseal(struct runner *r, struct run_call *c)
{
	unsigned long a[3];

	if (!args(r, c, 3, a))
		return RUN_REPORTED;
	c->ret = mmlab_mseal(task_of(c), a[0], a[1], a[2]);
	return RUN_DONE;
}

static enum run_status sys_mlockall(struct runner *r, struct run_call *c)
{
	unsigned long a;

	if (!strcmp(c->rec->name, "munlockall")) {
		c->ret = mmlab_munlockall(task_of(c));
		return RUN_DONE;
	}
	if (!run_arg(r, c, 0, &a))
		return RUN_REPORTED;
	c->ret = mmlab_mlockall(task_of(c), (int)a);
	return RUN_DONE;
}

static enum run_status sys_msync(struct runner *r, struct run_call *c)
{
	unsigned long a[3];

	if (!args(r, c, 3, a))
		return RUN_REPORTED;
	c->ret = mmlab_msync(task_of(c), a[0], a[1], (int)a[2]);
	return RUN_DONE;
}

/* The prctl options that change the address space's behaviour (mmlab_prctl). */
static bool prctl_is_mm(unsigned long option)
{
	return option == PR_SET_THP_DISABLE || option == PR_GET_THP_DISABLE ||
	       option == PR_SET_MDWE_ || option == PR_GET_MDWE_;
}

/*
 * prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len, "name"|NULL), and the MDWE and THP
 * options (mmlab_prctl, missing arguments are 0); other options skip.
 */
static enum run_status sys_prctl(struct runner *r, struct run_call *c)
{
	const struct sc_value *name;
	unsigned long a[5] = { 0 };
	char *s = NULL;

	if (!run_arg(r, c, 0, &a[0]))
		return RUN_REPORTED;
	if (run_prctl_is_keepcaps(a[0]))
		return task_live(r, c) ? run_prctl_keepcaps(r, c, a[0]) : RUN_REPORTED;
	if (prctl_is_mm(a[0])) {
		if (!task_live(r, c) || !args(r, c, c->rec->nr_args, a))
			return RUN_REPORTED;
		c->ret = mmlab_prctl(task_of(c), (int)a[0], a[1], a[2], a[3], a[4]);
		return RUN_DONE;
	}
	if (a[0] != PR_SET_VMA)
		return RUN_SKIPPED; /* PR_SET_NAME's string and the like are not about memory */
	if (!run_arg(r, c, 1, &a[1]))
		return RUN_REPORTED;
	if (a[1] != PR_SET_VMA_ANON_NAME)
		return RUN_SKIPPED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	if (c->rec->nr_args != 5) {
		run_msg(r, c->rec->line, "prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, ...) takes 5 "
			"arguments, not %u", c->rec->nr_args);
		c->failed = true;
		return RUN_REPORTED;
	}
	if (!run_arg(r, c, 2, &a[2]) || !run_arg(r, c, 3, &a[3]))
		return RUN_REPORTED;
	name = c->rec->args[4];
	if (name->kind == SC_V_STR) {
		s = strndup(name->str, name->str_len);
		if (!s) {
			c->ret = -ENOMEM;
			return RUN_DONE;
		}
	} else if (name->kind != SC_V_NULL) {
		run_err_at(r, name, "the name must be a string or NULL");
		c->failed = true;
		return RUN_REPORTED;
	}
	c->ret = mmlab_prctl_set_vma_anon_name(task_of(c), a[2], a[3], s);
	free(s);
	return RUN_DONE;
}

#define PIDFD_PREFIX "pidfd:"

/*
 * pidfd_open(PID, flags) = FD: the log's fd names process PID from then on, for
 * process_madvise (an fd table entry whose path is "pidfd:PID"; close() drops it).
 */
static enum run_status sys_pidfd_open(struct runner *r, struct run_call *c)
{
	struct run_mm *mm = c->proc->mm;
	char path[32];
	unsigned long pid;

	if (c->rec->res.kind != SC_RES_VALUE || !mm || !mm->task)
		return RUN_SKIPPED;
	if (!run_arg(r, c, 0, &pid))
		return RUN_REPORTED;
	snprintf(path, sizeof(path), PIDFD_PREFIX "%d", (int)pid);
	if (run_fd_install(r, mm, (int)c->rec->res.val, path, -1, O_RDONLY) < 0) {
		run_msg(r, c->rec->line, "out of memory");
		c->failed = true;
		return RUN_REPORTED;
	}
	return RUN_SKIPPED;
}

#define PIDFD_SELF_THREAD -10000		/* Linux 6.15+: the calling thread */
#define PIDFD_SELF_THREAD_GROUP -10001	/* ... its thread group */

/*
 * The process a pidfd argument names: "3<pid:N>" (strace -yy), an fd pidfd_open gave, or
 * PIDFD_SELF_THREAD(_GROUP), the caller itself (*@pid 0). Return: 1 found; 0 unknown (an fd
 * the log did not open); -EBADF for a negative fd or one the log opened that is no pidfd.
 */
static int pidfd_pid(struct run_call *c, const struct sc_value *v, int *pid)
{
	const struct run_fd *f;
	unsigned long num;
	struct sc_error err;
	long fd;

	if (v->kind == SC_V_FD && !strncmp(v->str, "pid:", 4)) {
		*pid = atoi(v->str + 4);
		return 1;
	}
	if (v->kind == SC_V_FD)
		num = v->num;
	else if (v->kind != SC_V_NUM && v->kind != SC_V_UNOP)
		return 0;
	else if (sc_eval(v, run_lookup, NULL, &num, &err))	/* -10000 is a negation */
		return 0;
	fd = (long)(int)num;
	if (fd == PIDFD_SELF_THREAD || fd == PIDFD_SELF_THREAD_GROUP) {
		*pid = 0;
		return 1;
	}
	if (fd < 0)
		return -EBADF;
	f = c->proc->mm ? run_fd_find(c->proc->mm, (int)fd) : NULL;
	if (!f)
		return 0;
	if (strncmp(f->path, PIDFD_PREFIX, strlen(PIDFD_PREFIX)))
		return -EBADF;
	*pid = atoi(f->path + strlen(PIDFD_PREFIX));
	return 1;
}

/* The iovec array "[{iov_base=A, iov_len=N}, ...]" into @iov (at most @max); false if not one. */
static bool iovec_arg(struct runner *r, struct run_call *c, const struct sc_value *v,
		      struct mmlab_iovec *iov, unsigned int max, unsigned int *n)
{
	struct sc_error err;

	if (v->kind != SC_V_ARRAY || v->nr_kids > max)
		return false;
	for (*n = 0; *n < v->nr_kids; (*n)++) {
		const struct sc_value *e = v->kids[*n];
		unsigned long base = 0, len = 0;
		unsigned int found = 0;

		if (e->kind != SC_V_STRUCT)
			return false;
		for (unsigned int k = 0; k < e->nr_kids; k++) {
			const struct sc_value *f = e->kids[k];
			unsigned long *dst;

			if (f->kind != SC_V_NAMED)
				continue;
			dst = !strcmp(f->name, "iov_base") ? &base :
			      !strcmp(f->name, "iov_len") ? &len : NULL;
			if (!dst)
				continue;
			if (sc_eval(f->lhs, run_lookup, NULL, dst, &err)) {
				run_msg_at(r, err.line, err.col, err.msg);
				c->failed = true;
				return false;
			}
			found++;
		}
		if (found != 2)
			return false;
		iov[*n] = (struct mmlab_iovec){ .base = base, .len = len };
	}
	return true;
}

#define PMADV_MAX_IOV 1024 /* UIO_MAXIOV: more is EINVAL whatever the ranges */

/*
 * process_madvise(pidfd, [{iov_base=..., iov_len=...}, ...], vlen, advice, flags): the pidfd must
 * name a process of the log (pidfd_open, strace -yy's "<pid:N>", or PIDFD_SELF_*); one that has
 * exited is ESRCH, an fd that is not a pidfd EBADF. Without the array (strace printed an address),
 * only a vlen over UIO_MAXIOV runs.
 */
static enum run_status sys_process_madvise(struct runner *r, struct run_call *c)
{
	struct mmlab_iovec *iov = NULL;
	struct mmlab_task *target = NULL;
	struct run_proc *p;
	unsigned long a[5];
	unsigned int n = 0;
	int pid, found;

	if (!run_arg(r, c, 2, &a[2]) || !run_arg(r, c, 3, &a[3]) || !run_arg(r, c, 4, &a[4]))
		return RUN_REPORTED;
	found = pidfd_pid(c, c->rec->args[0], &pid);
	if (found < 0) {
		/* the flags and the iovec are checked before the pidfd */
		c->ret = a[4] || a[2] > PMADV_MAX_IOV ? -EINVAL : found;
		return RUN_DONE;
	}
	if (!found) {
		run_msg(r, c->rec->line, "process_madvise: not run: the pidfd names no process of "
			"the log (no pidfd_open before it)");
		r->n.not_run++;
		return RUN_REPORTED;
	}
	/* As for a line's pid: one no clone of the log returns is a thread of the first task. */
	p = pid ? run_proc_of(r, pid, c->rec->line) : c->proc;
	if (!p || p->kind != RUN_PROC_TASK || p->exec_line) {
		run_msg(r, c->rec->line, "process_madvise: not run: pid %d is not modelled", pid);
		r->n.not_run++;
		return RUN_REPORTED;
	}
	if (!p->exited && !p->mm->exited)
		target = p->mm->task;
	if (a[2] <= PMADV_MAX_IOV) {
		iov = calloc(a[2] ? a[2] : 1, sizeof(*iov));
		if (!iov || !iovec_arg(r, c, c->rec->args[1], iov, (unsigned int)a[2], &n) ||
		    n != a[2]) {
			if (!c->failed)
				run_msg(r, c->rec->line, "process_madvise: not run: the log does not "
					"show all %lu ranges", a[2]);
			free(iov);
			r->n.not_run += !c->failed;
			return RUN_REPORTED;
		}
	}
	c->ret = mmlab_process_madvise(task_of(c), target, iov, a[2], (int)a[3],
				       (unsigned int)a[4]);
	free(iov);
	return RUN_DONE;
}

/*
 * A relative path of an openat line joined to the directory strace -y printed for its dirfd
 * ("AT_FDCWD</home/u>", "3</home/u/dir>"); NULL when there is none to join.
 */
static char *open_dir_path(const struct run_call *c, const struct sc_value *path,
			   unsigned int k)
{
	const struct sc_value *dir = k ? c->rec->args[0] : NULL;
	char *p;

	if (!path->str_len || path->str[0] == '/' || !dir || !dir->str || dir->str[0] != '/' ||
	    (dir->kind != SC_V_SYM && dir->kind != SC_V_FD))
		return NULL;
	if (asprintf(&p, "%s/%.*s", dir->str, (int)path->str_len, path->str) < 0)
		return NULL;
	return p;
}

/*
 * The path of an open whose file the log gave an identity for ("# file:" lines): the file its
 * result names ("= 3</etc/ld.so.cache>"), else the path as written (joined to its directory
 * when relative). NULL when the log describes neither.
 */
static char *open_id_path(const struct runner *r, const struct run_call *c,
			  const struct sc_value *path, unsigned int k)
{
	char *p;

	if (!r->nr_files)
		return NULL;
	if (c->rec->res.path && run_file_find(r, c->rec->res.path))
		return strdup(c->rec->res.path);
	if (path->str_len && path->str[0] == '/')
		p = strndup(path->str, path->str_len);
	else
		p = open_dir_path(c, path, k);
	if (p && !run_file_find(r, p)) {
		free(p);
		p = NULL;
	}
	return p;
}

/*
 * open(path, flags, mode), openat(dirfd, path, flags, mode) and creat(path, mode): the flags go to mmlab as they
 * are (O_CREAT, O_TRUNC, O_EXCL...): mmlab's overlay keeps whatever they change in memory and
 * never writes a host file. By its identity when the log gave one (run_files.c), else the file
 * under the machine's root. The log's fd number (the expected result) names the new mmlab fd
 * from then on.
 */
static enum run_status sys_open(struct runner *r, struct run_call *c)
{
	unsigned int k = !strcmp(c->rec->name, "openat");
	const struct sc_value *path = c->rec->args[k];
	struct run_mm *mm = c->proc->mm;
	unsigned long flags, mode;
	int mfd, fd;
	char *p;

	if (!run_path_ok(r, c, path))
		return RUN_REPORTED;
	if (!strcmp(c->rec->name, "creat")) {
		flags = O_CREAT | O_WRONLY | O_TRUNC;	/* creat(2) is this open */
		if (!run_arg(r, c, 1, &mode))
			return RUN_REPORTED;
	} else if (!run_arg(r, c, k + 1, &flags) || !run_arg(r, c, k + 2, &mode)) {
		return RUN_REPORTED;
	}
	p = open_id_path(r, c, path, k);
	if (p) {
		mfd = run_file_open(r, mm->task, p, (int)flags, (unsigned int)mode);
	} else {
		/* the log's directory first; where it does not exist, the path as mmlab's cwd
		 * sees it */
		p = open_dir_path(c, path, k);
		mfd = p ? mmlab_openat(mm->task, p, (int)flags, (unsigned int)mode) : -ENOENT;
		if (mfd < 0) {
			free(p);
			p = strndup(path->str, path->str_len);
			if (!p)
				return RUN_REPORTED;
			mfd = mmlab_openat(mm->task, p, (int)flags, (unsigned int)mode);
		}
	}
	c->ret = mfd;
	if (mfd >= 0) {
		fd = c->rec->res.kind == SC_RES_VALUE ? (int)c->rec->res.val : mfd;
		if (run_fd_install(r, mm, fd, p, mfd, (int)(flags & O_ACCMODE)) < 0) {
			c->ret = -ENOMEM;
		} else {
			c->ret = fd;
			run_fd_find(mm, fd)->opened = true;
		}
	}
	free(p);
	return RUN_DONE;
}

/*
 * The path argument @k of an unlink/rename line, joined to the directory strace -y printed
 * for its dirfd argument @dirk (-1: none) when it is relative. NULL: reported, or no memory.
 */
static char *path_arg(struct runner *r, struct run_call *c, unsigned int k, int dirk)
{
	const struct sc_value *path = c->rec->args[k];
	const struct sc_value *dir = dirk >= 0 ? c->rec->args[dirk] : NULL;
	char *p;

	if (!run_path_ok(r, c, path))
		return NULL;
	if (dir && path->str_len && path->str[0] != '/' && dir->str && dir->str[0] == '/' &&
	    (dir->kind == SC_V_SYM || dir->kind == SC_V_FD))
		return asprintf(&p, "%s/%.*s", dir->str, (int)path->str_len, path->str) < 0 ?
			NULL : p;
	return strndup(path->str, path->str_len);
}

/*
 * unlink(path) and unlinkat(dirfd, path, flags): the name goes from mmlab's overlay only
 * (the host's file stays); unlinkat with AT_REMOVEDIR is rmdir.
 */
static enum run_status sys_unlink(struct runner *r, struct run_call *c)
{
	unsigned int k = !strcmp(c->rec->name, "unlinkat");
	unsigned long flags = 0;
	char *p;

	if (k && !run_arg(r, c, 2, &flags))
		return RUN_REPORTED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	p = path_arg(r, c, k, k ? 0 : -1);
	if (!p)
		return RUN_REPORTED;
	if (flags & ~0x200UL)	/* only AT_REMOVEDIR */
		c->ret = -EINVAL;
	else
		c->ret = flags ? mmlab_rmdir(task_of(c), p) : mmlab_unlink(task_of(c), p);
	free(p);
	return RUN_DONE;
}

/*
 * mkdir(path, mode), mkdirat(dirfd, path, mode) and rmdir(path): directories in mmlab's
 * overlay only (the host's are never made or removed).
 */
static enum run_status sys_mkdir(struct runner *r, struct run_call *c)
{
	bool at = !strcmp(c->rec->name, "mkdirat"), rm = !strcmp(c->rec->name, "rmdir");
	unsigned long mode = 0;
	char *p;

	if (!rm && !run_arg(r, c, at ? 2 : 1, &mode))
		return RUN_REPORTED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	p = path_arg(r, c, at ? 1 : 0, at ? 0 : -1);
	if (!p)
		return RUN_REPORTED;
	c->ret = rm ? mmlab_rmdir(task_of(c), p) : mmlab_mkdir(task_of(c), p, (unsigned int)mode);
	free(p);
	return RUN_DONE;
}

/*
 * rename(old, new), renameat(olddirfd, old, newdirfd, new) and renameat2(..., flags): in
 * mmlab's overlay only; maps show the file under its new name from then on.
 */
static enum run_status sys_rename(struct runner *r, struct run_call *c)
{
	bool at = strcmp(c->rec->name, "rename") != 0;
	unsigned long flags = 0;
	char *from, *to;

	if (!strcmp(c->rec->name, "renameat2") && !run_arg(r, c, 4, &flags))
		return RUN_REPORTED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	from = path_arg(r, c, at ? 1 : 0, at ? 0 : -1);
	to = from ? path_arg(r, c, at ? 3 : 1, at ? 2 : -1) : NULL;
	if (to)
		c->ret = mmlab_renameat2(task_of(c), from, to, (unsigned int)flags);
	free(from);
	free(to);
	return to ? RUN_DONE : RUN_REPORTED;
}

/*
 * link(old, new) and linkat(olddirfd, old, newdirfd, new, flags): another name of the file,
 * in mmlab's overlay only.
 */
static enum run_status sys_link(struct runner *r, struct run_call *c)
{
	bool at = !strcmp(c->rec->name, "linkat");
	unsigned long flags = 0;
	char *from, *to;

	if (at && !run_arg(r, c, 4, &flags))
		return RUN_REPORTED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	from = path_arg(r, c, at ? 1 : 0, at ? 0 : -1);
	to = from ? path_arg(r, c, at ? 3 : 1, at ? 2 : -1) : NULL;
	if (to)
		c->ret = mmlab_linkat(task_of(c), from, to, (int)flags);
	free(from);
	free(to);
	return to ? RUN_DONE : RUN_REPORTED;
}

/* umask(mask): the task's new file-creation mask; the result is the old one. */
static enum run_status sys_umask(struct runner *r, struct run_call *c)
{
	unsigned long mask;

	if (!run_arg(r, c, 0, &mask))
		return RUN_REPORTED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	c->ret = mmlab_umask(task_of(c), (unsigned int)mask);
	return RUN_DONE;
}

static enum run_status sys_close(struct runner *r, struct run_call *c)
{
	struct run_fd *f;
	unsigned long fd;

	if (!run_arg(r, c, 0, &fd))
		return RUN_REPORTED;
	f = c->proc->mm ? run_fd_find(c->proc->mm, (int)fd) : NULL;
	if (!f)
		return RUN_SKIPPED;
	if (!task_live(r, c))
		return RUN_REPORTED;
	run_fd_drop(c->proc->mm, f);
	c->ret = 0;
	return RUN_DONE;
}

/*
 * clone/clone3/fork/vfork: the child pid is the logged result, or one the log shows later
 * (run_proc_clone). CLONE_VM makes it another name of the parent's task; a copying fork
 * copies the parent's task.
 */
static enum run_status sys_clone(struct runner *r, struct run_call *c)
{
	const struct sc_result *res = &c->rec->res;
	struct run_proc *child;

	if (res->kind == SC_RES_ERROR)
		return RUN_NO_RESULT;
	/* "= ?": a child is known only if the log showed it while the call was pending */
	if (res->kind == SC_RES_UNKNOWN && !run_clone_lost_child(r))
		return RUN_NO_RESULT;
	child = run_proc_clone(r, c);
	if (!child)
		return RUN_REPORTED;
	c->ret = child->pid;
	return res->kind == SC_RES_NONE ? RUN_DONE : RUN_NO_RESULT;
}


/*
 * execve: without --maps the program is loaded (run_exec.c). With --maps, the first execve
 * made the snapshot, and a later one's program is loaded when its file is on this machine;
 * when it is not, the first task goes on in its old address space, and a forked child's old
 * address space is released, as exec releases it (and its vfork parent), and its later calls
 * are reported, not run.
 */
static enum run_status sys_execve(struct runner *r, struct run_call *c)
{
	struct run_proc *p = c->proc;
	enum run_status st;

	if (p->adopted && c->rec->res.kind == SC_RES_VALUE && !c->rec->res.val &&
	    run_proc_exec_apart(r, p, c->rec) == -ENOMEM)
		run_msg(r, c->rec->line, "%s: out of memory: pid %d stays a thread", c->rec->name,
			p->pid);
	st = p->kind == RUN_PROC_TASK ? run_execve(r, c) : RUN_SKIPPED;

	if (st == RUN_DONE)
		return st;
	if (st == RUN_REPORTED) {
		if (p->mm != r->procs[0]->mm) {
			run_mm_exit(r, p->mm);
			p->exec_line = c->rec->line;
		}
		return st;
	}
	if (p->kind != RUN_PROC_TASK || !r->seen_memory_call ||
	    !(c->rec->res.kind == SC_RES_NONE ||
	      (c->rec->res.kind == SC_RES_VALUE && !c->rec->res.val)))
		return RUN_SKIPPED;
	if (p->mm == r->procs[0]->mm) {
		run_msg(r, c->rec->line, "%s: the new program is not loaded over --maps; later "
			"calls of the first task act on the old address space", c->rec->name);
		return RUN_SKIPPED;
	}
	run_msg(r, c->rec->line, "%s: the new program is not loaded over --maps; the later calls "
		"of pid %d are not run", c->rec->name, p->pid);
	run_mm_exit(r, p->mm);
	p->exec_line = c->rec->line;
	return RUN_SKIPPED;
}

static enum run_status sys_exit_group(struct runner *r, struct run_call *c)
{
	if (c->proc->kind != RUN_PROC_TASK) {
		c->proc->exited = true;
		return RUN_SKIPPED;
	}
	run_mm_exit(r, c->proc->mm);
	return RUN_SKIPPED;
}

/* exit(2) ends a thread; the last thread of an address space ends the process. */
static enum run_status sys_exit(struct runner *r, struct run_call *c)
{
	c->proc->exited = true;
	if (c->proc->kind != RUN_PROC_TASK)
		return RUN_SKIPPED;
	run_proc_release(c->proc);
	for (unsigned int k = 0; k < r->nr_procs; k++)
		if (r->procs[k]->mm == c->proc->mm && !r->procs[k]->exited)
			return RUN_SKIPPED;
	run_mm_exit(r, c->proc->mm);
	return RUN_SKIPPED;
}

/**
 * run_note_no_program() - say once that no execve loaded a program and no --maps gave one,
 * where that shows: the first call of a program's loader (brk) or the first mapping placed
 * elsewhere than the log says. A log filtered with -e trace= lacks its execve.
 * @r: the runner.
 * @line: the line to name.
 *
 * Context: single-threaded.
 */
void run_note_no_program(struct runner *r, unsigned int line)
{
	if (r->maps_path || r->exec_loaded || r->no_program_said)
		return;
	r->no_program_said = true;
	run_msg(r, line, "no execve loaded a program and no --maps gave one: the program's maps "
		"are missing, and results may differ (a log of -e trace= without execve needs "
		"--maps)");
}

#define ANY 6
static const struct run_syscall syscalls[] = {
	{ "mmap", 6, 6, RUN_K_MEM, sys_mmap },
	{ "munmap", 2, 2, RUN_K_MEM, sys_munmap },
	{ "mprotect", 3, 3, RUN_K_MEM, sys_mprotect },
	{ "mremap", 4, 5, RUN_K_MEM, sys_mremap },
	{ "brk", 1, 1, RUN_K_MEM, sys_brk },
	{ "madvise", 3, 3, RUN_K_MEM, sys_madvise },
	{ "mlock", 2, 2, RUN_K_MEM, sys_mlock },
	{ "mlock2", 3, 3, RUN_K_MEM, sys_mlock },
	{ "munlock", 2, 2, RUN_K_MEM, sys_mlock },
	{ "mlockall", 1, 1, RUN_K_MEM, sys_mlockall },
	{ "munlockall", 0, 0, RUN_K_MEM, sys_mlockall },
	{ "msync", 3, 3, RUN_K_MEM, sys_msync },
	{ "mincore", 3, 3, RUN_K_MEM, sys_mincore },
	{ "mseal", 3, 3, RUN_K_MEM, sys_mseal },
	/* strace 6.1 predates mseal (x86_64's 462) and prints its six raw registers */
	{ "syscall_0x1ce", 3, 6, RUN_K_MEM, sys_mseal },
	{ "process_madvise", 5, 5, RUN_K_MEM, sys_process_madvise },
	{ "pidfd_open", 2, 2, RUN_K_PROC, sys_pidfd_open },
	{ "pkey_alloc", 2, 2, RUN_K_MEM, sys_pkey_alloc },
	{ "pkey_free", 1, 1, RUN_K_MEM, sys_pkey_free },
	{ "pkey_mprotect", 4, 4, RUN_K_MEM, sys_pkey_mprotect },
	{ "prctl", 1, 5, RUN_K_PROC, sys_prctl },
	{ "open", 2, 3, RUN_K_MEM, sys_open },
	{ "openat", 3, 4, RUN_K_MEM, sys_open },
	{ "creat", 2, 2, RUN_K_MEM, sys_open },
	{ "close", 1, 1, RUN_K_PROC, sys_close },
	{ "link", 2, 2, RUN_K_MEM, sys_link },
	{ "linkat", 5, 5, RUN_K_MEM, sys_link },
	{ "umask", 1, 1, RUN_K_MEM, sys_umask },
	{ "unlink", 1, 1, RUN_K_MEM, sys_unlink },
	{ "unlinkat", 3, 3, RUN_K_MEM, sys_unlink },
	{ "mkdir", 2, 2, RUN_K_MEM, sys_mkdir },
	{ "mkdirat", 3, 3, RUN_K_MEM, sys_mkdir },
	{ "rmdir", 1, 1, RUN_K_MEM, sys_mkdir },
	{ "rename", 2, 2, RUN_K_MEM, sys_rename },
	{ "renameat", 4, 4, RUN_K_MEM, sys_rename },
	{ "renameat2", 5, 5, RUN_K_MEM, sys_rename },
	{ "clone", 0, ANY, RUN_K_PROC, sys_clone },
	{ "clone3", 0, ANY, RUN_K_PROC, sys_clone },
	{ "fork", 0, 0, RUN_K_PROC, sys_clone },
	{ "vfork", 0, 0, RUN_K_PROC, sys_clone },
	{ "execve", 0, ANY, RUN_K_PROC, sys_execve },
	{ "execveat", 0, ANY, RUN_K_PROC, sys_execve },
	{ "exit_group", 0, ANY, RUN_K_PROC, sys_exit_group },
	{ "exit", 0, ANY, RUN_K_PROC, sys_exit },
	{ "getrlimit", 2, 2, RUN_K_MEM, run_cred_call },
	{ "setrlimit", 2, 2, RUN_K_MEM, run_cred_call },
	{ "prlimit64", 4, 4, RUN_K_MEM, run_cred_call },
	{ "setuid", 1, 1, RUN_K_MEM, run_cred_call },
	{ "setgid", 1, 1, RUN_K_MEM, run_cred_call },
	{ "setreuid", 2, 2, RUN_K_MEM, run_cred_call },
	{ "setregid", 2, 2, RUN_K_MEM, run_cred_call },
	{ "setresuid", 3, 3, RUN_K_MEM, run_cred_call },
	{ "setresgid", 3, 3, RUN_K_MEM, run_cred_call },
	{ "getuid", 0, 0, RUN_K_MEM, run_cred_call },
	{ "geteuid", 0, 0, RUN_K_MEM, run_cred_call },
	{ "getgid", 0, 0, RUN_K_MEM, run_cred_call },
	{ "getegid", 0, 0, RUN_K_MEM, run_cred_call },
	{ "getresuid", 3, 3, RUN_K_MEM, run_cred_call },
	{ "getresgid", 3, 3, RUN_K_MEM, run_cred_call },
	{ "capget", 2, 2, RUN_K_MEM, run_cred_call },
	{ "capset", 2, 2, RUN_K_MEM, run_cred_call },
	{ "shmget", 3, 3, RUN_K_MEM, run_shm_call },
	{ "shmat", 3, 3, RUN_K_MEM, run_shm_call },
	{ "shmdt", 1, 1, RUN_K_MEM, run_shm_call },
	{ "shmctl", 3, 3, RUN_K_MEM, run_shm_call },
	{ "memfd_create", 2, 2, RUN_K_MEM, run_shm_call },
	{ "fcntl", 2, 3, RUN_K_PROC, run_shm_call },
	{ "swapon", 2, 2, RUN_K_MEM, run_swap_call },
	{ "swapoff", 1, 1, RUN_K_MEM, run_swap_call },
};

/* Memory calls include/mmlab.h does not offer yet: reported, not skipped. */
static const char *const unsupported[] = {
	"remap_file_pages",
	"mbind", "set_mempolicy", "get_mempolicy",
	"set_mempolicy_home_node", "migrate_pages", "move_pages",
	"process_mrelease", "process_vm_readv", "process_vm_writev", "map_shadow_stack",
	"userfaultfd", "memfd_secret", "old_mmap",
};

/* /proc files a pseudo-call prints: the task's, or the machine's (vmstat, meminfo). */
static enum run_status ps_proc(struct runner *r, struct run_call *c)
{
	struct mmlab_task *t = task_of(c);
	int err;

	fflush(stdout);
	switch (c->rec->pseudo) {
	case SC_PS_MAPS:
		err = mmlab_proc_maps(t, stdout);
		break;
	case SC_PS_SMAPS:
		err = mmlab_proc_smaps(t, stdout);
		break;
	case SC_PS_SMAPS_ROLLUP:
		err = mmlab_proc_smaps_rollup(t, stdout);
		break;
	case SC_PS_STATUS:
		err = mmlab_proc_status(t, stdout);
		break;
	case SC_PS_VMSTAT:
		err = mmlab_proc_vmstat(r->machine, stdout);
		break;
	case SC_PS_PRESSURE:
		err = mmlab_pressure(r->machine, stdout);
		break;
	case SC_PS_LRU_GEN:
		err = mmlab_lru_gen(r->machine, stdout);
		break;
	case SC_PS_SWAPS:
		err = mmlab_proc_swaps(r->machine, stdout);
		break;
	default:
		err = mmlab_proc_meminfo(r->machine, stdout);
		break;
	}
	fflush(stdout);
	if (err)
		run_msg(r, c->rec->line, "%s: %s", c->rec->name, strerror(-err));
	return RUN_NO_RESULT;
}

#define PM_PAGE 4096UL		  /* x86-64's base page: one pagemap entry each */
#define PAGEMAP_MAX_PAGES 65536UL /* pagemap() prints at most this many lines */

/*
 * The (ADDR, LEN) of pagemap() and idle(): both evaluated and the pages counted, at most
 * PAGEMAP_MAX_PAGES; false when a failure was reported.
 */
static bool range_pages(struct runner *r, struct run_call *c, unsigned long *addr,
			unsigned long *len, unsigned long *pages)
{
	if (!run_arg(r, c, 0, addr) || !run_arg(r, c, 1, len))
		return false;
	*pages = *len / PM_PAGE + !!(*len % PM_PAGE);
	if (*pages > PAGEMAP_MAX_PAGES) {
		run_err_at(r, c->rec->args[1], !strcmp(c->rec->name, "idle") ?
			   "idle covers at most 65536 pages" : "pagemap prints at most 65536 pages");
		r->n.errors++;
		return false;
	}
	return true;
}

/*
 * The @n words that @fill (mmlab_pagemap or mmlab_page_idle) gives for the range, in a
 * buffer the caller frees; NULL once the failure is reported.
 */
static uint64_t *range_words(struct runner *r, struct run_call *c,
			     int (*fill)(struct mmlab_task *, uint64_t, uint64_t, uint64_t *),
			     unsigned long addr, unsigned long len, unsigned long n)
{
	uint64_t *words = calloc(n ? n : 1, sizeof(*words));
	int err;

	if (!words) {
		run_msg(r, c->rec->line, "out of memory");
		r->n.errors++;
		return NULL;
	}
	err = fill(task_of(c), addr, len, words);
	if (err) {
		run_msg(r, c->rec->line, "%s: %s", c->rec->name, strerror(-err));
		r->n.errors++;
		free(words);
		return NULL;
	}
	return words;
}

/*
 * pagemap(ADDR, LEN): one line per page of the range, "ADDR ENTRY" in hex, ENTRY the
 * /proc/pid/pagemap word (bit 63 present, 62 swapped, 61 file/shared, 56 exclusive, PFN).
 */
static enum run_status ps_pagemap(struct runner *r, struct run_call *c)
{
	unsigned long addr, len, pages;
	uint64_t *ent;

	if (c->rec->nr_args != 2 && c->rec->nr_args != 3) {
		run_msg(r, c->rec->line, "pagemap takes 2 or 3 arguments, not %u",
			c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (!range_pages(r, c, &addr, &len, &pages))
		return RUN_REPORTED;
	ent = range_words(r, c, mmlab_pagemap, addr, len, pages);
	if (!ent)
		return RUN_REPORTED;
	fflush(stdout);
	for (unsigned long i = 0; i < pages; i++)
		if (c->rec->nr_args == 3)
			print_pagemap_decoded(addr + i * PM_PAGE, ent[i]);
		else
			printf("%#lx %016" PRIx64 "\n", addr + i * PM_PAGE, ent[i]);
	fflush(stdout);
	free(ent);
	return RUN_NO_RESULT;
}

/*
 * idle(ADDR, LEN): idle page tracking over the range (mmlab_page_idle), printed as
 * /sys/kernel/mm/page_idle/bitmap holds it, 64 pages a line: "ADDR WORD" in hex, bit i of
 * WORD set when the page at ADDR + i pages was not accessed since the previous idle() marked
 * it. Every present page of the range is then marked idle again.
 */
static enum run_status ps_idle(struct runner *r, struct run_call *c)
{
	unsigned long addr, len, pages, words;
	uint64_t *bits;

	if (c->rec->nr_args != 2) {
		run_msg(r, c->rec->line, "idle takes 2 arguments, not %u", c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (!range_pages(r, c, &addr, &len, &pages))
		return RUN_REPORTED;
	words = (pages + 63) / 64;
	bits = range_words(r, c, mmlab_page_idle, addr, len, words);
	if (!bits)
		return RUN_REPORTED;
	fflush(stdout);
	for (unsigned long i = 0; i < words; i++)
		printf("%#lx %016" PRIx64 "\n", addr + i * 64 * PM_PAGE, bits[i]);
	fflush(stdout);
	free(bits);
	return RUN_NO_RESULT;
}

#define PEEK_MAX (1UL << 20) /* peek() reads at most this many bytes */

/* Two results of an access pseudo-call agree (a signal without si_code matches any code). */
static bool access_res_equal(const struct sc_result *want, const struct sc_result *got)
{
	if (want->kind != got->kind)
		return false;
	switch (want->kind) {
	case SC_RES_VALUE:
		return want->val == got->val;
	case SC_RES_SIGNAL:
		return want->sig == got->sig && (!want->has_si_code || want->si_code == got->si_code);
	case SC_RES_BYTES:
		return want->bytes_len == got->bytes_len &&
		       !memcmp(want->bytes, got->bytes, got->bytes_len);
	default:
		return false;
	}
}

static void access_mismatch(struct runner *r)
{
	/* Also mincore's vector: see mincore_check. */
	r->n.mismatches++;
	if (r->stop_on_mismatch)
		r->stopped = true;
}

/*
 * The result of touch/poke/peek: "0", the bytes read, or the signal as strace would show the
 * task dying of it ("SIGSEGV SEGV_MAPERR"); checked against "= RESULT" and "# si_addr:", or
 * printed when the line has no result.
 */
static enum run_status access_done(struct runner *r, struct run_call *c, int err,
				   const struct mmlab_fault *f, const char *bytes, size_t len)
{
	const struct sc_record *rec = c->rec;
	struct sc_result got = { .kind = SC_RES_VALUE };
	struct sbuf want_s = SBUF_INIT, got_s = SBUF_INIT;

	if (err && err != -EFAULT) {
		run_msg(r, rec->line, "%s: %s", rec->name, strerror(-err));
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (err) {
		got = (struct sc_result){ .kind = SC_RES_SIGNAL, .sig = f->signo, .si_code = f->code,
					  .has_si_code = true };
	} else if (bytes) {
		got = (struct sc_result){ .kind = SC_RES_BYTES, .bytes = bytes, .bytes_len = len };
	}
	r->n.run++;
	sc_format_res(&got_s, &got);
	if (rec->res.kind == SC_RES_NONE) {
		sbuf_puts(c->out, sbuf_str(&got_s) + 1);
	} else if (!access_res_equal(&rec->res, &got)) {
		sc_format_res(&want_s, &rec->res);
		run_msg(r, rec->resume_line ? rec->resume_line : rec->line, "expected %s, got %s",
			sbuf_str(&want_s) + 3, sbuf_str(&got_s) + 3);
		access_mismatch(r);
	} else if (err && rec->has_fault_addr && rec->fault_addr != f->addr) {
		run_msg(r, rec->line, "%s: expected si_addr %#lx, got %#lx", rec->name,
			rec->fault_addr, (unsigned long)f->addr);
		access_mismatch(r);
	}
	sbuf_free(&want_s);
	sbuf_free(&got_s);
	return RUN_REPORTED;
}

/* A string argument of a pseudo-call, or NULL after reporting it. */
static const struct sc_value *str_arg(struct runner *r, struct run_call *c, unsigned int k)
{
	const struct sc_value *v = k < c->rec->nr_args ? c->rec->args[k] : NULL;

	if (v && v->kind == SC_V_STR)
		return v;
	if (v)
		run_err_at(r, v, "a string is expected here");
	else
		run_msg(r, c->rec->line, "%s: too few arguments", c->rec->name);
	c->failed = true;
	return NULL;
}

/* touch(ADDR, LEN, "r"|"w"|"x"): one access per page, as mmlab_touch makes them. */
static enum run_status ps_touch(struct runner *r, struct run_call *c)
{
	const struct sc_value *mode;
	struct mmlab_fault f = { 0 };
	unsigned long addr, len;
	char m[2] = { 0 };

	if (c->rec->nr_args != 3) {
		run_msg(r, c->rec->line, "touch takes 3 arguments, not %u", c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (!run_arg(r, c, 0, &addr) || !run_arg(r, c, 1, &len) || !(mode = str_arg(r, c, 2)))
		return RUN_REPORTED;
	if (mode->str_len != 1 || !strchr("rwx", mode->str[0])) {
		run_err_at(r, mode, "the access is \"r\", \"w\" or \"x\"");
		r->n.errors++;
		return RUN_REPORTED;
	}
	m[0] = mode->str[0];
	return access_done(r, c, mmlab_touch(task_of(c), addr, len, m, &f), &f, NULL, 0);
}

/* poke(ADDR, "bytes"): stores the bytes as the task would. */
static enum run_status ps_poke(struct runner *r, struct run_call *c)
{
	const struct sc_value *data;
	struct mmlab_fault f = { 0 };
	unsigned long addr;

	if (c->rec->nr_args != 2) {
		run_msg(r, c->rec->line, "poke takes 2 arguments, not %u", c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (!run_arg(r, c, 0, &addr))
		return RUN_REPORTED;
	data = str_arg(r, c, 1);
	if (!data)
		return RUN_REPORTED;
	return access_done(r, c, mmlab_poke(task_of(c), addr, data->str, data->str_len, &f), &f,
			   NULL, 0);
}

/* peek(ADDR, LEN) = "bytes": loads LEN bytes as the task would. */
static enum run_status ps_peek(struct runner *r, struct run_call *c)
{
	struct mmlab_fault f = { 0 };
	unsigned long addr, len;
	enum run_status st;
	char *buf;

	if (c->rec->nr_args != 2) {
		run_msg(r, c->rec->line, "peek takes 2 arguments, not %u", c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (!run_arg(r, c, 0, &addr) || !run_arg(r, c, 1, &len))
		return RUN_REPORTED;
	if (len > PEEK_MAX) {
		run_err_at(r, c->rec->args[1], "peek reads at most 1 MiB");
		r->n.errors++;
		return RUN_REPORTED;
	}
	buf = malloc(len ? len : 1);
	if (!buf) {
		run_msg(r, c->rec->line, "out of memory");
		r->n.errors++;
		return RUN_REPORTED;
	}
	st = access_done(r, c, mmlab_peek(task_of(c), addr, buf, len, &f), &f, buf, len);
	free(buf);
	return st;
}

/*
 * pkru(VALUE): the task executes WRPKRU with VALUE in EAX: 0, or the SIGILL ILL_ILLOPN a CPU
 * without PKU raises (run with --no-pku).
 */
static enum run_status ps_pkru(struct runner *r, struct run_call *c)
{
	struct mmlab_fault f = { 0 };
	unsigned long v;

	if (c->rec->nr_args != 1) {
		run_msg(r, c->rec->line, "pkru takes 1 argument, not %u", c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (!run_arg(r, c, 0, &v))
		return RUN_REPORTED;
	if (v > UINT32_MAX) {
		run_err_at(r, c->rec->args[0], "PKRU is a 32-bit register");
		r->n.errors++;
		return RUN_REPORTED;
	}
	return access_done(r, c, mmlab_wrpkru(task_of(c), (uint32_t)v, &f), &f, NULL, 0);
}

/*
 * sleep(SECONDS): that much time passes on the machine (mmlab_machine_advance), so that the
 * flusher writes back what has been dirty long enough; a log without timestamps has no other
 * way to let time pass. No result is computed or checked.
 */
static enum run_status ps_sleep(struct runner *r, struct run_call *c)
{
	mmlab_machine_advance(r->machine, c->rec->args[0]->num);
	return RUN_NO_RESULT;
}

struct run_pseudo {
	enum sc_pseudo ps;
	enum run_status (*fn)(struct runner *r, struct run_call *c);
};

static const struct run_pseudo pseudos[] = {
	{ SC_PS_MAPS, ps_proc },
	{ SC_PS_SMAPS, ps_proc },
	{ SC_PS_STATUS, ps_proc },
	{ SC_PS_SMAPS_ROLLUP, ps_proc },
	{ SC_PS_VMSTAT, ps_proc },
	{ SC_PS_MEMINFO, ps_proc },
	{ SC_PS_SWAPS, ps_proc },
	{ SC_PS_PAGEMAP, ps_pagemap },
	{ SC_PS_TOUCH, ps_touch },
	{ SC_PS_POKE, ps_poke },
	{ SC_PS_PEEK, ps_peek },
	{ SC_PS_PKRU, ps_pkru },
	{ SC_PS_SLEEP, ps_sleep },
	{ SC_PS_IDLE, ps_idle },
	{ SC_PS_PMAP, ps_view },
	{ SC_PS_PMAP_X, ps_view },
	{ SC_PS_FREE, ps_view },
	{ SC_PS_WALK, ps_walk },
	{ SC_PS_OOM_SCORE, run_ps_oom_score },
	{ SC_PS_OOM_SCORE_ADJ, run_ps_oom_score_adj },
	{ SC_PS_PRESSURE, ps_proc },
	{ SC_PS_LRU_GEN, ps_proc },
};

/* Whether the call's task can run a memory call; reports why not. */
static bool task_live(struct runner *r, struct run_call *c)
{
	struct run_proc *p = c->proc;

	if (p->kind == RUN_PROC_FORKED) {
		run_msg(r, c->rec->line, "%s: not run: pid %d comes from the copying fork at line "
			"%u, which mmlab could not make", c->rec->name, p->pid, p->fork_line);
		r->n.not_run++;
		return false;
	}
	if (p->exec_line) {
		/* one line per pid at the end (run.c), not one per call */
		p->after_exec++;
		r->n.not_run++;
		return false;
	}
	if (p->exited || p->mm->exited) {
		run_msg(r, c->rec->line, "%s: not run: pid %d has exited", c->rec->name, p->pid);
		r->n.not_run++;
		return false;
	}
	return true;
}

static enum run_status run_pseudo(struct runner *r, struct run_call *c)
{
	enum run_status st;

	for (size_t k = 0; k < sizeof(pseudos) / sizeof(pseudos[0]); k++) {
		if (pseudos[k].ps != c->rec->pseudo)
			continue;
		if (!task_live(r, c))
			return RUN_REPORTED;
		st = pseudos[k].fn(r, c);
		if (c->failed)
			r->n.errors++;
		return st;
	}
	run_msg(r, c->rec->line, "%s: unknown pseudo-call", c->rec->name);
	r->n.errors++;
	return RUN_REPORTED;
}

/**
 * run_pseudo_prints() - whether a pseudo-call prints text under its line.
 * @rec: a pseudo-call record.
 *
 * Context: any.
 * Return: true for the /proc pseudo-calls (maps(), smaps(), status(), smaps_rollup(),
 * vmstat(), meminfo(), swaps(), pagemap()), the views (pmap(), pmap_x(), free(), walk())
 * and idle().
 */
bool run_pseudo_prints(const struct sc_record *rec)
{
	for (size_t k = 0; k < sizeof(pseudos) / sizeof(pseudos[0]); k++)
		if (pseudos[k].ps == rec->pseudo)
			return pseudos[k].fn == ps_proc || pseudos[k].fn == ps_pagemap ||
			       pseudos[k].fn == ps_view || pseudos[k].fn == ps_walk ||
			       pseudos[k].fn == ps_idle;
	return false;
}

static const struct run_syscall *find_syscall(const char *name)
{
	for (size_t k = 0; k < sizeof(syscalls) / sizeof(syscalls[0]); k++)
		if (!strcmp(syscalls[k].name, name))
			return &syscalls[k];
	return run_fileio_find(name);	/* read, write, pipes, dup... (run_fileio.c) */
}


/**
 * run_call_prints_result() - whether the runner computes a result for this record.
 * @rec: a call record.
 *
 * Context: any.
 * Return: true for the memory calls and clones, whose result a log without "= RESULT" gets.
 */
bool run_call_prints_result(const struct sc_record *rec)
{
	const struct run_syscall *s;

	if (rec->kind != SC_REC_CALL)
		return false;
	if (rec->pseudo)
		return rec->pseudo == SC_PS_TOUCH || rec->pseudo == SC_PS_POKE ||
		       rec->pseudo == SC_PS_PEEK || rec->pseudo == SC_PS_PKRU ||
		       rec->pseudo == SC_PS_OOM_SCORE || rec->pseudo == SC_PS_OOM_SCORE_ADJ;
	s = find_syscall(rec->name);
	return s && (s->kind == RUN_K_MEM || s->fn == sys_clone);
}

/**
 * run_call() - execute one call record.
 * @r: the runner.
 * @c: the call; ->rec and ->proc set.
 *
 * Context: single-threaded.
 * Return: what became of it; RUN_DONE leaves the result in @c->ret.
 */
enum run_status run_call(struct runner *r, struct run_call *c)
{
	const struct run_syscall *s;
	enum run_status st;

	if (c->rec->pseudo)
		return run_pseudo(r, c);
	s = find_syscall(c->rec->name);
	if (!s) {
		for (size_t k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++) {
			if (strcmp(unsupported[k], c->rec->name))
				continue;
			run_msg(r, c->rec->line, "%s: not implemented in mmlab yet", c->rec->name);
			r->n.unsupported++;
			return RUN_REPORTED;
		}
		return RUN_SKIPPED;
	}
	if (c->rec->nr_args < s->min_args || c->rec->nr_args > s->max_args) {
		run_msg(r, c->rec->line, "%s takes %u%s%.0u argument%s, not %u", s->name,
			s->min_args, s->max_args > s->min_args ? " to " : "",
			s->max_args > s->min_args ? s->max_args : 0, s->max_args == 1 ? "" : "s",
			c->rec->nr_args);
		r->n.errors++;
		return RUN_REPORTED;
	}
	if (s->kind == RUN_K_MEM) {
		if (!task_live(r, c))
			return RUN_REPORTED;
		if (!r->seen_memory_call && !strcmp(c->rec->name, "brk"))
			/* the loader's first call: a log whose execve strace left out */
			run_note_no_program(r, c->rec->line);
		r->seen_memory_call = true;
	}
	st = s->fn(r, c);
	if (c->failed)
		r->n.errors++;
	return st;
}
