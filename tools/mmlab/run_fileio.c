// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario calls that move data between files and memory, and the fd calls around them:
 * read, pread64, readv, write, pwrite64, writev, lseek, ftruncate, truncate, fallocate,
 * fsync, fdatasync, fadvise64, dup, dup2, dup3, pipe, pipe2 and vmsplice (close is
 * run_calls.c's, for pipes too), and rt_sigaction and rt_sigprocmask for the signals they
 * raise (SIGPIPE, SIGXFSZ: the log's "+++ killed by +++" is checked against mmlab's, run.c).
 * The log's fd numbers name mmlab fds as open's do (run_fd_install): a pipe's two ends, a
 * dup's new fd.
 *
 * The user buffer: strace prints a read's or write's data, not its address. A "# buf: ADDR"
 * line before the call names it; otherwise the buffer argument is used when it is an address
 * (strace -e raw=..., or a hand-written scenario). A write takes its bytes from the task's
 * memory there, a read stores into it, both through the task's page tables as the kernel
 * would; results (counts, errors) are compared with the log's.
 * A write, pwrite64 or writev whose data strace printed writes those bytes (the escapes, -x
 * and -xx hex undone) from outside the task's memory (mmlab_fd_write_data). Where strace cut
 * the string at its -s limit ("..."), the bytes it did not print are unknown: they are written
 * as zeros, said once at the first such call (file:line) and counted in the summary. A read
 * whose buffer is only printed data is skipped, but for the file position: a read of N bytes
 * moves it by N, so that a later lseek(fd, -60, SEEK_CUR) answers as in the log.
 * Models no Linux file.
 */
#include "run.h"
#include "strace_flags.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_TAG "# buf: "

/**
 * run_buf_line() - take a "# buf: ADDR" line: the user buffer of the next read or write.
 * @r: the runner.
 * @text: the line.
 * @len: its length.
 * @line: its number, for messages.
 *
 * Context: single-threaded.
 * Return: true when it was such a line (well-formed or not).
 */
bool run_buf_line(struct runner *r, const char *text, size_t len, unsigned int line)
{
	char tmp[64], *end;
	size_t n = sizeof(BUF_TAG) - 1;

	if (len < n || memcmp(text, BUF_TAG, n))
		return false;
	len = len - n < sizeof(tmp) ? len - n : sizeof(tmp) - 1;
	memcpy(tmp, text + n, len);
	tmp[len] = 0;
	tmp[strcspn(tmp, "\r\n")] = 0;
	errno = 0;
	r->buf_addr = strtoul(tmp, &end, 0);
	if (errno || end == tmp || *end) {
		run_msg(r, line, "buf line: expected \"# buf: ADDR\"");
		r->n.errors++;
		r->has_buf_addr = false;
		return true;
	}
	r->has_buf_addr = true;
	return true;
}

static struct mmlab_task *task_of(struct run_call *c)
{
	return run_proc_task(c->proc);
}

/*
 * The mmlab fd of the log's fd in argument @k, or NULL when the log's fd is not one mmlab
 * opened (stdin, a socket...). A memfd strace -y names that no line made is made here, as an
 * mmap of it would (run_fd_memfd), so that its ftruncate, data and dups act on it.
 */
static struct run_fd *fd_arg(struct runner *r, struct run_call *c, unsigned int k)
{
	struct run_fd *f;
	unsigned long fd;

	if (!run_arg(r, c, k, &fd) || !c->proc->mm)
		return NULL;
	f = run_fd_memfd(r, c, c->rec->args[k]);
	return f ? f : run_fd_find(c->proc->mm, (int)fd);
}

/* The user buffer of argument @k: "# buf:" first, else an address argument. */
static bool buf_arg(struct runner *r, struct run_call *c, unsigned int k, uint64_t *addr)
{
	const struct sc_value *v = c->rec->args[k];
	unsigned long a;

	if (r->has_buf_addr) {
		r->has_buf_addr = false;
		*addr = r->buf_addr;
		return true;
	}
	if (v->kind == SC_V_STR || v->kind == SC_V_ARRAY || v->kind == SC_V_STRUCT)
		return false;	/* the data strace printed, not where it was */
	if (!run_arg(r, c, k, &a))
		return false;
	*addr = a;
	return true;
}

/*
 * The bytes of a write whose data strace printed: @count bytes, the printed ones first, zeros
 * where strace cut the string (counted, and said at the first such call). Return: a buffer
 * the caller frees, or NULL (out of memory).
 */
static unsigned char *printed_data(struct runner *r, struct run_call *c,
				   const struct sc_value *v, uint64_t count)
{
	uint64_t known = v->str_len < count ? v->str_len : count;
	unsigned char *data = calloc(1, count ? count : 1);

	if (!data)
		return NULL;
	memcpy(data, v->str, known);
	if (known < count && (v->truncated || known < v->str_len)) {
		if (!r->cut_writes)
			run_msg(r, c->rec->line, "%s's data is known for %llu of its %llu bytes "
				"(strace cut it: -s); the rest is written as zeros",
				c->rec->name, (unsigned long long)known,
				(unsigned long long)count);
		r->cut_writes++;
		r->cut_bytes += count - known;
	}
	return data;
}

/* A write of printed data (no address): the bytes from the log, the position as the call's. */
static enum run_status write_printed(struct runner *r, struct run_call *c, struct run_fd *f,
				     const struct sc_value *v, uint64_t count, const int64_t *pos)
{
	unsigned char *data = printed_data(r, c, v, count);

	if (!data)
		return RUN_REPORTED;
	c->ret = mmlab_fd_write_data(task_of(c), f->mfd, data, count, pos);
	free(data);
	return RUN_DONE;
}

/* read(fd, buf, n), write, pread64(fd, buf, n, pos), pwrite64. */
static enum run_status sys_rw(struct runner *r, struct run_call *c)
{
	const char *name = c->rec->name;
	bool write = !strcmp(name, "write") || !strcmp(name, "pwrite64");
	bool positioned = name[0] == 'p';
	struct run_fd *f = fd_arg(r, c, 0);
	unsigned long count, pos = 0;
	uint64_t buf;

	if (!f) {
		r->has_buf_addr = false;
		return c->failed ? RUN_REPORTED : RUN_SKIPPED;
	}
	if (!run_arg(r, c, 2, &count) || (positioned && !run_arg(r, c, 3, &pos)))
		return RUN_REPORTED;
	if (!buf_arg(r, c, 1, &buf)) {
		if (c->failed)
			return RUN_REPORTED;
		if (write && c->rec->args[1]->kind == SC_V_STR) {
			int64_t p = (int64_t)pos;

			return write_printed(r, c, f, c->rec->args[1], count,
					     positioned ? &p : NULL);
		}
		/* only the data is known: the copy is skipped, the file position kept in step */
		if (!positioned && c->rec->res.kind == SC_RES_VALUE && (long)c->rec->res.val > 0)
			(void)mmlab_lseek(task_of(c), f->mfd, (int64_t)c->rec->res.val, SEEK_CUR);
		return RUN_SKIPPED;
	}
	if (positioned)
		c->ret = write ? mmlab_fd_pwrite(task_of(c), f->mfd, buf, count, (int64_t)pos)
			       : mmlab_fd_pread(task_of(c), f->mfd, buf, count, (int64_t)pos);
	else
		c->ret = write ? mmlab_fd_write(task_of(c), f->mfd, buf, count)
			       : mmlab_fd_read(task_of(c), f->mfd, buf, count);
	return RUN_DONE;
}

/*
 * An iovec array argument, [{iov_base=ADDR, iov_len=N}, ...]: false when a base is the data
 * strace printed rather than an address (the call is then skipped). A "# buf:" line names
 * one buffer that the segments fill one after another.
 */
static bool iov_arg(struct runner *r, struct run_call *c, unsigned int k,
		    struct mmlab_iovec *iov, unsigned int *nr)
{
	const struct sc_value *v = c->rec->args[k];
	uint64_t next = r->buf_addr;
	bool by_buf = r->has_buf_addr;
	struct sc_error err;

	r->has_buf_addr = false;
	if (v->kind != SC_V_ARRAY || v->nr_kids > 64)
		return false;
	*nr = 0;
	for (unsigned int i = 0; i < v->nr_kids; i++) {
		const struct sc_value *s = v->kids[i], *base = NULL, *len = NULL;
		unsigned long b = 0, l;

		if (s->kind == SC_V_ELLIPSIS)
			return false;
		if (s->kind != SC_V_STRUCT)
			return false;
		for (unsigned int j = 0; j < s->nr_kids; j++) {
			const struct sc_value *kv = s->kids[j];

			if (kv->kind == SC_V_NAMED && !strcmp(kv->name, "iov_base"))
				base = kv->lhs;
			else if (kv->kind == SC_V_NAMED && !strcmp(kv->name, "iov_len"))
				len = kv->lhs;
		}
		if (!base || !len || sc_eval(len, run_lookup, NULL, &l, &err))
			return false;
		if (by_buf) {
			b = next;
			next += l;
		} else if (base->kind == SC_V_STR || sc_eval(base, run_lookup, NULL, &b, &err)) {
			return false;
		}
		iov[(*nr)++] = (struct mmlab_iovec){ .base = b, .len = l };
	}
	return true;
}

/* The iov_base and iov_len of iovec @s, or false. */
static bool iov_fields(const struct sc_value *s, const struct sc_value **base,
		       const struct sc_value **len)
{
	*base = *len = NULL;
	if (s->kind != SC_V_STRUCT)
		return false;
	for (unsigned int j = 0; j < s->nr_kids; j++) {
		const struct sc_value *kv = s->kids[j];

		if (kv->kind == SC_V_NAMED && !strcmp(kv->name, "iov_base"))
			*base = kv->lhs;
		else if (kv->kind == SC_V_NAMED && !strcmp(kv->name, "iov_len"))
			*len = kv->lhs;
	}
	return *base && *len;
}

/* Whether iovec array @v is whole (no "...") and its first base is printed data. */
static bool printed_iov(const struct sc_value *v)
{
	const struct sc_value *base, *len;

	if (v->kind != SC_V_ARRAY || !v->nr_kids)
		return false;
	for (unsigned int i = 0; i < v->nr_kids; i++)
		if (!iov_fields(v->kids[i], &base, &len) || base->kind != SC_V_STR)
			return false;
	return true;
}

/* writev of printed segments: each segment's bytes (zeros where cut), one after another. */
static enum run_status writev_printed(struct runner *r, struct run_call *c, struct run_fd *f,
				      const struct sc_value *v)
{
	unsigned char *all = NULL;
	uint64_t total = 0;
	struct sc_error err;

	for (unsigned int i = 0; i < v->nr_kids; i++) {
		const struct sc_value *base, *len;
		unsigned long l;
		unsigned char *seg, *bigger;

		if (!iov_fields(v->kids[i], &base, &len) || sc_eval(len, run_lookup, NULL, &l, &err) ||
		    l > (1UL << 30) || total + l > (1ULL << 31)) {
			free(all);
			return RUN_SKIPPED;
		}
		seg = printed_data(r, c, base, l);
		bigger = seg ? realloc(all, total + l + 1) : NULL;
		if (!bigger) {
			free(seg);
			free(all);
			return RUN_REPORTED;
		}
		all = bigger;
		memcpy(all + total, seg, l);
		total += l;
		free(seg);
	}
	c->ret = mmlab_fd_write_data(task_of(c), f->mfd, all, total, NULL);
	free(all);
	return RUN_DONE;
}

/* readv(fd, iov, n), writev, vmsplice(fd, iov, n, flags). */
static enum run_status sys_rwv(struct runner *r, struct run_call *c)
{
	const char *name = c->rec->name;
	struct run_fd *f = fd_arg(r, c, 0);
	struct mmlab_iovec iov[64];
	unsigned long nr, flags = 0;
	unsigned int got;

	if (!f) {
		r->has_buf_addr = false;
		return c->failed ? RUN_REPORTED : RUN_SKIPPED;
	}
	if (!run_arg(r, c, 2, &nr) || (name[0] == 'v' && !run_arg(r, c, 3, &flags)))
		return RUN_REPORTED;
	if (!strcmp(name, "writev") && !r->has_buf_addr && printed_iov(c->rec->args[1]))
		return writev_printed(r, c, f, c->rec->args[1]);
	if (!iov_arg(r, c, 1, iov, &got) || got != nr)
		return RUN_SKIPPED;
	if (!strcmp(name, "readv"))
		c->ret = mmlab_fd_readv(task_of(c), f->mfd, iov, (int)got);
	else if (!strcmp(name, "writev"))
		c->ret = mmlab_fd_writev(task_of(c), f->mfd, iov, (int)got);
	else
		c->ret = mmlab_vmsplice(task_of(c), f->mfd, iov, got, (unsigned int)flags);
	return RUN_DONE;
}

/* lseek, ftruncate, fallocate, fsync, fdatasync, fadvise64: an fd and numbers. */
static enum run_status sys_fd_num(struct runner *r, struct run_call *c)
{
	const char *name = c->rec->name;
	struct run_fd *f = fd_arg(r, c, 0);
	unsigned long a[4] = { 0 };
	struct mmlab_task *t = task_of(c);

	if (!f)
		return c->failed ? RUN_REPORTED : RUN_SKIPPED;
	for (unsigned int k = 1; k < c->rec->nr_args && k < 4; k++)
		if (!run_arg(r, c, k, &a[k]))
			return RUN_REPORTED;
	if (!strcmp(name, "lseek"))
		c->ret = mmlab_lseek(t, f->mfd, (int64_t)a[1], (int)a[2]);
	else if (!strcmp(name, "ftruncate"))
		c->ret = mmlab_ftruncate(t, f->mfd, (int64_t)a[1]);
	else if (!strcmp(name, "fallocate"))
		c->ret = mmlab_fallocate(t, f->mfd, (int)a[1], (int64_t)a[2], (int64_t)a[3]);
	else if (!strcmp(name, "fsync"))
		c->ret = mmlab_fsync(t, f->mfd);
	else if (!strcmp(name, "fdatasync"))
		c->ret = mmlab_fdatasync(t, f->mfd);
	else
		c->ret = mmlab_fadvise(t, f->mfd, (int64_t)a[1], (int64_t)a[2], (int)a[3]);
	return RUN_DONE;
}

/* truncate(path, len): the path under the machine's root, in mmlab's overlay only. */
static enum run_status sys_truncate(struct runner *r, struct run_call *c)
{
	const struct sc_value *path = c->rec->args[0];
	unsigned long len;
	char *p;

	if (!run_path_ok(r, c, path))
		return RUN_REPORTED;
	if (!run_arg(r, c, 1, &len))
		return RUN_REPORTED;
	p = strndup(path->str, path->str_len);
	if (!p)
		return RUN_REPORTED;
	c->ret = mmlab_truncate(task_of(c), p, (int64_t)len);
	free(p);
	return RUN_DONE;
}

/* Makes log fd @fd name mmlab fd @mfd (as a copy of @like): the log's result or -errno. */
static long install(struct runner *r, struct run_call *c, int fd, int mfd, const char *path,
		    int accmode)
{
	if (mfd < 0)
		return mfd;
	if (run_fd_install(r, c->proc->mm, fd, path, mfd, accmode) < 0)
		return -ENOMEM;
	return fd;
}

/* dup(fd) = N, dup2(fd, N) = N, dup3(fd, N, flags) = N: N names mmlab's new fd. */
static enum run_status sys_dup(struct runner *r, struct run_call *c)
{
	const struct sc_result *res = &c->rec->res;
	struct run_fd *f = fd_arg(r, c, 0);
	struct mmlab_task *t = task_of(c);
	unsigned long newfd = 0, flags = 0, oldfd;
	char *path;
	int accmode, mfd;

	if (!f)
		return c->failed ? RUN_REPORTED : RUN_SKIPPED;
	if (!run_arg(r, c, 0, &oldfd) || !run_arg(r, c, 1, &newfd) || !run_arg(r, c, 2, &flags))
		return RUN_REPORTED;
	if (!strcmp(c->rec->name, "dup")) {
		newfd = res->kind == SC_RES_VALUE ? res->val : 0;
	} else if (newfd == oldfd) {
		/* dup2 of an fd onto itself is that fd; dup3 refuses it */
		c->ret = strcmp(c->rec->name, "dup3") ? (long)oldfd : -EINVAL;
		return RUN_DONE;
	}
	if (flags & ~(unsigned long)O_CLOEXEC) {
		c->ret = -EINVAL;
		return RUN_DONE;
	}
	path = strdup(f->path);
	accmode = f->accmode;
	mfd = mmlab_dup(t, f->mfd);
	if (mfd >= 0 && flags)
		(void)mmlab_dup3(t, f->mfd, mfd, O_CLOEXEC);	/* the bit on the new fd */
	if (!path) {
		if (mfd >= 0)
			(void)mmlab_close(t, mfd);
		return RUN_REPORTED;
	}
	/* the log's fd N: a dup of an fd mmlab knows; an older N goes first (run_fd_install) */
	c->ret = install(r, c, res->kind == SC_RES_VALUE || newfd ? (int)newfd : mfd, mfd, path,
			 accmode);
	free(path);
	return RUN_DONE;
}

/* pipe([R, W]) and pipe2([R, W], flags): the log's two fds name mmlab's pipe ends. */
static enum run_status sys_pipe(struct runner *r, struct run_call *c)
{
	const struct sc_value *v = c->rec->args[0];
	unsigned long flags = 0, want[2];
	struct sc_error err;
	char name[32];
	int fds[2];

	if (c->rec->nr_args > 1 && !run_arg(r, c, 1, &flags))
		return RUN_REPORTED;
	c->ret = mmlab_pipe2(task_of(c), fds, (int)flags);
	if (c->ret)
		return RUN_DONE;
	/* the log's numbers, or mmlab's when the log shows none (a failed or hand-written call) */
	if (v->kind != SC_V_ARRAY || v->nr_kids != 2 ||
	    sc_eval(v->kids[0], run_lookup, NULL, &want[0], &err) ||
	    sc_eval(v->kids[1], run_lookup, NULL, &want[1], &err)) {
		want[0] = (unsigned long)fds[0];
		want[1] = (unsigned long)fds[1];
	}
	snprintf(name, sizeof(name), "pipe:[%d]", fds[0]);
	if (install(r, c, (int)want[0], fds[0], name, O_RDONLY) < 0 ||
	    install(r, c, (int)want[1], fds[1], name, O_WRONLY) < 0)
		c->ret = -ENOMEM;
	return RUN_DONE;
}

/* A signal argument: SIGPIPE, or a number. */
static bool sig_arg(struct runner *r, struct run_call *c, unsigned int k, int *sig)
{
	const struct sc_value *v = c->rec->args[k];
	unsigned long n;

	if (v->kind == SC_V_SYM)
		return strace_signal_lookup(v->name, strlen(v->name), sig);
	if (!run_arg(r, c, k, &n))
		return false;
	*sig = (int)n;
	return true;
}

/* A signal set as strace prints it: [PIPE XFSZ], ~[RTMIN RT_1], []; bit sig - 1. */
static bool sigset_value(const struct sc_value *v, uint64_t *set)
{
	bool invert = v->kind == SC_V_UNOP && v->op[0] == '~';
	char name[32];

	if (invert)
		v = v->lhs;
	if (v->kind != SC_V_ARRAY)
		return false;
	*set = 0;
	for (unsigned int i = 0; i < v->nr_kids; i++) {
		const struct sc_value *e = v->kids[i];
		int sig;

		if (e->kind == SC_V_NUM) {
			sig = (int)e->num;
		} else if (e->kind == SC_V_SYM) {
			snprintf(name, sizeof(name), "SIG%s", e->name);
			if (!strace_signal_lookup(name, strlen(name), &sig) &&
			    !strace_signal_lookup(e->name, strlen(e->name), &sig))
				return false;
		} else {
			return false;
		}
		if (sig < 1 || sig > 64)
			return false;
		*set |= 1ULL << (sig - 1);
	}
	if (invert)
		*set = ~*set;
	return true;
}

/* Whether the signal calls of the call's pid reach a modelled task; else they are skipped, as
 * calls that are not about memory (a process past its execve, a fork mmlab could not make). */
static bool signal_task(const struct run_call *c)
{
	const struct run_proc *p = c->proc;

	return p->kind == RUN_PROC_TASK && !p->exec_line && !p->exited && p->mm &&
	       !p->mm->exited && run_proc_task(p);
}

/* rt_sigaction(SIG, {sa_handler=SIG_IGN|SIG_DFL|ADDR, ...} or NULL, OLD, 8): the disposition
 * the file calls' signals meet (signal.c); sa_mask and sa_flags are not modelled. */
static enum run_status sys_rt_sigaction(struct runner *r, struct run_call *c)
{
	const struct sc_value *act = c->rec->args[1], *h = NULL;
	int sig, action = -1;

	if (!signal_task(c) || !sig_arg(r, c, 0, &sig))
		return RUN_SKIPPED;
	if (act->kind == SC_V_STRUCT) {
		for (unsigned int j = 0; j < act->nr_kids; j++)
			if (act->kids[j]->kind == SC_V_NAMED &&
			    !strcmp(act->kids[j]->name, "sa_handler"))
				h = act->kids[j]->lhs;
		if (!h)
			return RUN_SKIPPED;
		action = h->kind == SC_V_SYM && !strcmp(h->name, "SIG_IGN") ? MMLAB_SIG_IGN :
			 h->kind == SC_V_SYM && !strcmp(h->name, "SIG_DFL") ? MMLAB_SIG_DFL :
			 MMLAB_SIG_HANDLER;
	} else if (act->kind != SC_V_NULL && !(act->kind == SC_V_NUM && !act->num)) {
		return RUN_SKIPPED;	/* an address: what it points to is not known */
	}
	c->ret = mmlab_sigaction(task_of(c), sig, action, NULL);
	return RUN_DONE;
}

/* rt_sigprocmask(SIG_BLOCK|SIG_UNBLOCK|SIG_SETMASK, SET or NULL, OLD, 8). */
static enum run_status sys_rt_sigprocmask(struct runner *r, struct run_call *c)
{
	const struct sc_value *how = c->rec->args[0], *set = c->rec->args[1];
	static const char *const hows[] = { "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK" };
	unsigned long n = 3;
	uint64_t mask;

	(void)r;
	if (!signal_task(c))
		return RUN_SKIPPED;
	for (unsigned long k = 0; k < 3 && how->kind == SC_V_SYM; k++)
		if (!strcmp(how->name, hows[k]))
			n = k;
	if (how->kind == SC_V_NUM)
		n = how->num;
	if (set->kind == SC_V_NULL || (set->kind == SC_V_NUM && !set->num)) {
		c->ret = mmlab_sigprocmask(task_of(c), (int)n, NULL, NULL);
		return RUN_DONE;
	}
	if (!sigset_value(set, &mask))
		return RUN_SKIPPED;
	c->ret = mmlab_sigprocmask(task_of(c), (int)n, &mask, NULL);
	return RUN_DONE;
}

static const struct run_syscall fileio_calls[] = {
	{ "read", 3, 3, RUN_K_MEM, sys_rw },
	{ "write", 3, 3, RUN_K_MEM, sys_rw },
	{ "pread64", 4, 4, RUN_K_MEM, sys_rw },
	{ "pwrite64", 4, 4, RUN_K_MEM, sys_rw },
	{ "readv", 3, 3, RUN_K_MEM, sys_rwv },
	{ "writev", 3, 3, RUN_K_MEM, sys_rwv },
	{ "vmsplice", 4, 4, RUN_K_MEM, sys_rwv },
	{ "lseek", 3, 3, RUN_K_MEM, sys_fd_num },
	{ "ftruncate", 2, 2, RUN_K_MEM, sys_fd_num },
	{ "fallocate", 4, 4, RUN_K_MEM, sys_fd_num },
	{ "fsync", 1, 1, RUN_K_MEM, sys_fd_num },
	{ "fdatasync", 1, 1, RUN_K_MEM, sys_fd_num },
	{ "fadvise64", 4, 4, RUN_K_MEM, sys_fd_num },
	{ "truncate", 2, 2, RUN_K_MEM, sys_truncate },
	{ "dup", 1, 1, RUN_K_MEM, sys_dup },
	{ "dup2", 2, 2, RUN_K_MEM, sys_dup },
	{ "dup3", 3, 3, RUN_K_MEM, sys_dup },
	{ "pipe", 1, 1, RUN_K_MEM, sys_pipe },
	{ "pipe2", 2, 2, RUN_K_MEM, sys_pipe },
	{ "rt_sigaction", 4, 4, RUN_K_PROC, sys_rt_sigaction },
	{ "rt_sigprocmask", 4, 4, RUN_K_PROC, sys_rt_sigprocmask },
};

const struct run_syscall *run_fileio_find(const char *name)
{
	for (size_t k = 0; k < sizeof(fileio_calls) / sizeof(fileio_calls[0]); k++)
		if (!strcmp(fileio_calls[k].name, name))
			return &fileio_calls[k];
	return NULL;
}
