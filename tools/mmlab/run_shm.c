// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The runner's shared-memory calls (see run.h): SysV shmget, shmat, shmdt and shmctl,
 * memfd_create and fcntl, evaluated from strace's rendering and run through include/mmlab.h.
 * A segment id the log shows (shmget's result) names mmlab's segment from then on, as an fd
 * the log shows names mmlab's fd: the table of ids belongs to the runner (one IPC namespace
 * per machine), the fds to the address space. memfd_create's fd is entered under the path
 * strace -y prints for it ("/memfd:NAME"), so that a later "3</memfd:NAME>(deleted)" argument
 * finds it. IPC_STAT's struct is what the kernel filled: its ids, mode, key, size and nattch
 * are compared with mmlab's and a difference is a mismatch (pids and times are the recording
 * machine's); so are every field of IPC_INFO's limits and of SHM_INFO's counts (a log of a
 * program alone in its IPC namespace, or SHM_INFO counts the host's other segments too).
 * Corresponds to
 * ipc/shm.c's, mm/memfd.c's and fs/fcntl.c's SYSCALL_DEFINEs, seen from user space.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IPC_SET_ 1
#define IPC_STAT_ 2
#define IPC_INFO_ 3
#define SHM_STAT_ 13
#define SHM_INFO_ 14
#define SHM_STAT_ANY_ 15
#define F_DUPFD_CLOEXEC_ 1030

/* A segment id of the log and the mmlab id standing for it. */
struct run_shmid {
	int log_id;
	int id;
};

static struct mmlab_task *task_of(struct run_call *c)
{
	return run_proc_task(c->proc);
}

/* mmlab's id for the log's segment id @log_id (itself when the log never showed it). */
static int shmid_of(const struct runner *r, int log_id)
{
	for (unsigned int k = 0; k < r->nr_shmids; k++)
		if (r->shmids[k].log_id == log_id)
			return r->shmids[k].id;
	return log_id;
}

/* The log's id for mmlab's @id (itself when the log never showed it). */
static int log_shmid_of(const struct runner *r, int id)
{
	for (unsigned int k = 0; k < r->nr_shmids; k++)
		if (r->shmids[k].id == id)
			return r->shmids[k].log_id;
	return id;
}

/* SHM_STAT's index of the log: mmlab's index of the segment the log's index held. */
static int shm_index_of(const struct runner *r, int log_index)
{
	for (unsigned int k = 0; k < r->nr_shmids; k++)
		if ((r->shmids[k].log_id & 0x7fff) == log_index)
			return r->shmids[k].id & 0x7fff;
	return log_index;
}

/* Remembers that the log's @log_id is mmlab's @id; false when out of memory. */
static bool shmid_add(struct runner *r, int log_id, int id)
{
	struct run_shmid *n;

	for (unsigned int k = 0; k < r->nr_shmids; k++) {
		if (r->shmids[k].log_id == log_id) {
			r->shmids[k].id = id;
			return true;
		}
	}
	n = realloc(r->shmids, (r->nr_shmids + 1) * sizeof(*n));
	if (!n)
		return false;
	r->shmids = n;
	r->shmids[r->nr_shmids++] = (struct run_shmid){ .log_id = log_id, .id = id };
	return true;
}

/* The log's result when it has one and the call succeeded, else mmlab's. */
static long logged_result(const struct run_call *c, long mine)
{
	return mine >= 0 && c->rec->res.kind == SC_RES_VALUE ? (long)c->rec->res.val : mine;
}

/* shmget(key, size, flags) = ID */
static enum run_status sys_shmget(struct runner *r, struct run_call *c)
{
	unsigned long a[3];
	int id;

	for (unsigned int k = 0; k < 3; k++)
		if (!run_arg(r, c, k, &a[k]))
			return RUN_REPORTED;
	id = mmlab_shmget(task_of(c), (int32_t)a[0], a[1], (int)a[2]);
	c->ret = logged_result(c, id);
	if (id >= 0 && !shmid_add(r, (int)c->ret, id)) {
		run_msg(r, c->rec->line, "out of memory");
		return RUN_REPORTED;
	}
	return RUN_DONE;
}

/* shmat(id, addr, flags) = ADDR */
static enum run_status sys_shmat(struct runner *r, struct run_call *c)
{
	unsigned long a[3];
	uint64_t out = 0;
	int err;

	for (unsigned int k = 0; k < 3; k++)
		if (!run_arg(r, c, k, &a[k]))
			return RUN_REPORTED;
	err = mmlab_shmat(task_of(c), shmid_of(r, (int)a[0]), a[1], (int)a[2], &out);
	c->ret = err ? err : (long)out;
	return RUN_DONE;
}

/* shmdt(addr) */
static enum run_status sys_shmdt(struct runner *r, struct run_call *c)
{
	unsigned long addr;

	if (!run_arg(r, c, 0, &addr))
		return RUN_REPORTED;
	c->ret = mmlab_shmdt(task_of(c), addr);
	return RUN_DONE;
}

/* The named field of struct @v, or NULL. */
static const struct sc_value *field(const struct sc_value *v, const char *name)
{
	if (!v || v->kind != SC_V_STRUCT)
		return NULL;
	for (unsigned int k = 0; k < v->nr_kids; k++)
		if (v->kids[k]->kind == SC_V_NAMED && !strcmp(v->kids[k]->name, name))
			return v->kids[k]->lhs;
	return NULL;
}

/*
 * IPC_SET's struct as strace prints it, {shm_perm={uid=U, gid=G, mode=M}, ...}: false when
 * a field is missing or does not evaluate.
 */
static bool shm_set_fields(struct runner *r, struct run_call *c, const struct sc_value *v,
			   struct mmlab_shmid_ds *ds)
{
	const struct sc_value *perm = field(v, "shm_perm");
	const char *names[] = { "uid", "gid", "mode" };
	uint32_t *dst[] = { &ds->uid, &ds->gid, &ds->mode };
	struct sc_error err;

	for (unsigned int k = 0; k < 3; k++) {
		const struct sc_value *f = field(perm, names[k]);
		unsigned long val;

		if (!f) {
			run_err_at(r, v, "IPC_SET needs {shm_perm={uid=U, gid=G, mode=M}}");
			c->failed = true;
			return false;
		}
		if (sc_eval(f, run_lookup, NULL, &val, &err)) {
			run_msg_at(r, err.line, err.col, err.msg);
			c->failed = true;
			return false;
		}
		*dst[k] = (uint32_t)val;
	}
	return true;
}

/* A field the kernel filled differs from mmlab's: a mismatch, like a result. */
static void out_check(struct runner *r, struct run_call *c, const char *what,
		      const struct sc_value *v, unsigned long got)
{
	unsigned long want;
	struct sc_error err;

	if (!v || sc_eval(v, run_lookup, NULL, &want, &err) || want == got)
		return;
	run_msg(r, c->rec->resume_line ? c->rec->resume_line : c->rec->line,
		"%s: expected %s %#lx, got %#lx", c->rec->name, what, want, got);
	r->n.mismatches++;
	if (r->stop_on_mismatch)
		r->stopped = true;
}

/* Whether the kernel filled the struct @v of @c: the call succeeded and strace decoded it. */
static bool out_filled(const struct run_call *c, const struct sc_value *v)
{
	return c->ret >= 0 && c->rec->res.kind == SC_RES_VALUE && v && v->kind == SC_V_STRUCT;
}

/*
 * IPC_STAT's struct as the kernel filled it: ids, mode, key, size and nattch are compared;
 * pids and times are the recording machine's own.
 */
static void shm_stat_check(struct runner *r, struct run_call *c, const struct sc_value *v,
			   const struct mmlab_shmid_ds *ds)
{
	const struct sc_value *perm = field(v, "shm_perm");

	if (!out_filled(c, v))
		return;
	out_check(r, c, "shm_perm.uid", field(perm, "uid"), ds->uid);
	out_check(r, c, "shm_perm.gid", field(perm, "gid"), ds->gid);
	out_check(r, c, "shm_perm.mode", field(perm, "mode"), ds->mode);
	out_check(r, c, "shm_perm.key", field(perm, "key"), (uint32_t)ds->key);
	out_check(r, c, "shm_perm.cuid", field(perm, "cuid"), ds->cuid);
	out_check(r, c, "shm_perm.cgid", field(perm, "cgid"), ds->cgid);
	out_check(r, c, "shm_segsz", field(v, "shm_segsz"), ds->segsz);
	out_check(r, c, "shm_nattch", field(v, "shm_nattch"), ds->nattch);
}

/*
 * IPC_INFO's struct shminfo64, {shmmax=N, shmmin=1, shmmni=N, shmseg=N, shmall=N}, and
 * SHM_INFO's struct shm_info, {used_ids=N, shm_tot=N, shm_rss=N, shm_swp=N, swap_attempts=0,
 * swap_successes=0}: every field is compared (shm_tot, shm_rss and shm_swp in pages). The
 * result, the highest index in use (or -errno), is left in @c->ret.
 */
static void shm_info_check(struct runner *r, struct run_call *c, int cmd,
			   const struct sc_value *v, bool null_buf)
{
	struct mmlab_shm_info su = { 0 };
	struct mmlab_shminfo si = { 0 };
	int ret;

	if (cmd == IPC_INFO_)
		ret = mmlab_shmctl_ipc_info(task_of(c), null_buf ? NULL : &si);
	else
		ret = mmlab_shmctl_shm_info(task_of(c), null_buf ? NULL : &su);
	c->ret = ret;
	if (!out_filled(c, v))
		return;
	if (cmd == IPC_INFO_) {
		out_check(r, c, "shmmax", field(v, "shmmax"), si.shmmax);
		out_check(r, c, "shmmin", field(v, "shmmin"), si.shmmin);
		out_check(r, c, "shmmni", field(v, "shmmni"), si.shmmni);
		out_check(r, c, "shmseg", field(v, "shmseg"), si.shmseg);
		out_check(r, c, "shmall", field(v, "shmall"), si.shmall);
		return;
	}
	out_check(r, c, "used_ids", field(v, "used_ids"), (unsigned long)su.used_ids);
	out_check(r, c, "shm_tot", field(v, "shm_tot"), su.shm_tot);
	out_check(r, c, "shm_rss", field(v, "shm_rss"), su.shm_rss);
	out_check(r, c, "shm_swp", field(v, "shm_swp"), su.shm_swp);
	out_check(r, c, "swap_attempts", field(v, "swap_attempts"), su.swap_attempts);
	out_check(r, c, "swap_successes", field(v, "swap_successes"), su.swap_successes);
}

/*
 * shmctl(id, cmd, buf): IPC_STAT's and SHM_STAT's buffers are mmlab's own, then compared.
 * SHM_STAT takes an index, which is mapped as the ids are; IPC_INFO and SHM_INFO return the
 * highest index in use, which is mmlab's own, and their structs are compared field by field.
 */
static enum run_status sys_shmctl(struct runner *r, struct run_call *c)
{
	const struct sc_value *bufv = c->rec->nr_args > 2 ? c->rec->args[2] : NULL;
	bool null_buf = !bufv || bufv->kind == SC_V_NULL || (bufv->kind == SC_V_NUM && !bufv->num);
	struct mmlab_shmid_ds ds = { 0 };
	unsigned long id, cmd;
	int ret;

	if (!run_arg(r, c, 0, &id) || !run_arg(r, c, 1, &cmd))
		return RUN_REPORTED;
	if (cmd == IPC_INFO_ || cmd == SHM_INFO_) {
		shm_info_check(r, c, (int)cmd, bufv, null_buf);
		return RUN_DONE;
	}
	if (cmd == IPC_SET_ && !null_buf && !shm_set_fields(r, c, bufv, &ds))
		return RUN_REPORTED;
	if (cmd != SHM_STAT_ && cmd != SHM_STAT_ANY_)
		id = (unsigned long)shmid_of(r, (int)id);
	else
		id = (unsigned long)shm_index_of(r, (int)id);
	ret = mmlab_shmctl(task_of(c), (int)id, (int)cmd, null_buf ? NULL : &ds);
	/* SHM_STAT returns the id of the segment at the index: the log's name for it */
	c->ret = ret > 0 && (cmd == SHM_STAT_ || cmd == SHM_STAT_ANY_) ? log_shmid_of(r, ret) : ret;
	if (cmd == IPC_STAT_ || cmd == SHM_STAT_ || cmd == SHM_STAT_ANY_)
		shm_stat_check(r, c, bufv, &ds);
	return RUN_DONE;
}

/*
 * The memfd's name: strace -s cuts the argument ("a-rather-long-memfd-name-of-more"...),
 * while -y prints the fd's path in full ("= 3</memfd:a-rather-long-memfd-name-of-more-than-
 * 32-chars>"), which the later lines name it by. The path wins when it extends the argument.
 */
static char *memfd_name(const struct sc_record *rec, const struct sc_value *name)
{
	static const char pfx[] = "/memfd:";
	size_t n = sizeof(pfx) - 1;
	const char *p = rec->res.path;

	if (rec->res.kind == SC_RES_VALUE && p && rec->res.path_len >= n + name->str_len &&
	    !memcmp(p, pfx, n) && !memcmp(p + n, name->str, name->str_len))
		return strndup(p + n, rec->res.path_len - n);
	return strndup(name->str, name->str_len);
}

/* memfd_create("NAME", flags) = FD: the log's fd names it as "/memfd:NAME". */
static enum run_status sys_memfd_create(struct runner *r, struct run_call *c)
{
	const struct sc_value *name = c->rec->args[0];
	struct run_mm *mm = c->proc->mm;
	unsigned long flags;
	char *s, path[300];
	int mfd;

	if (name->kind != SC_V_STR) {
		run_err_at(r, name, "the name must be a string");
		c->failed = true;
		return RUN_REPORTED;
	}
	if (!run_arg(r, c, 1, &flags))
		return RUN_REPORTED;
	s = memfd_name(c->rec, name);
	if (!s)
		return RUN_REPORTED;
	mfd = mmlab_memfd_create(mm->task, s, (unsigned int)flags);
	snprintf(path, sizeof(path), "/memfd:%s", s);
	free(s);
	c->ret = logged_result(c, mfd);
	if (mfd >= 0 && run_fd_install(r, mm, (int)c->ret, path, mfd, O_RDWR) < 0)
		c->ret = -ENOMEM;
	else if (mfd >= 0)
		run_fd_find(mm, (int)c->ret)->opened = true;
	return RUN_DONE;
}

/*
 * fcntl(fd, cmd[, arg]) on an fd the log's own lines made (open, memfd_create, F_DUPFD).
 * An fd the runner opened for an mmap on its own has the access mode only, not the log's
 * flags, and the fds the program started with are not the runner's: those lines are
 * skipped. F_DUPFD's new fd is entered under the log's number, as open's is.
 */
static enum run_status sys_fcntl(struct runner *r, struct run_call *c)
{
	const struct sc_value *fdv = c->rec->args[0];
	struct run_mm *mm = c->proc->mm;
	unsigned long fd, cmd, val;
	struct run_fd *f;
	char *path;
	long ret;

	if (!run_arg(r, c, 0, &fd))
		return RUN_REPORTED;
	f = mm ? run_fd_find(mm, (int)fd) : NULL;
	if (!f || (fdv->kind == SC_V_FD && strcmp(f->path, fdv->str)) || !f->opened)
		return RUN_SKIPPED;
	if (!run_proc_task(c->proc))
		return RUN_SKIPPED;
	if (!run_arg(r, c, 1, &cmd) || !run_arg(r, c, 2, &val))
		return RUN_REPORTED;
	ret = mmlab_fcntl(task_of(c), f->mfd, (int)cmd, val);
	c->ret = ret;
	if (ret >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC_)) {
		int accmode = f->accmode;

		path = strdup(f->path);
		c->ret = logged_result(c, ret);
		if (!path || run_fd_install(r, mm, (int)c->ret, path, (int)ret, accmode) < 0)
			c->ret = -ENOMEM;
		else
			run_fd_find(mm, (int)c->ret)->opened = true;
		free(path);
	}
	return RUN_DONE;
}

/**
 * run_shm_call() - run a shmget, shmat, shmdt, shmctl, memfd_create or fcntl line.
 * @r: the runner.
 * @c: the call; ->rec and ->proc set.
 *
 * Context: single-threaded.
 * Return: what became of it; RUN_DONE leaves the result in @c->ret.
 */
enum run_status run_shm_call(struct runner *r, struct run_call *c)
{
	static const struct {
		const char *name;
		enum run_status (*fn)(struct runner *r, struct run_call *c);
	} calls[] = {
		{ "shmget", sys_shmget }, { "shmat", sys_shmat }, { "shmdt", sys_shmdt },
		{ "shmctl", sys_shmctl }, { "memfd_create", sys_memfd_create },
		{ "fcntl", sys_fcntl },
	};

	for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++)
		if (!strcmp(calls[k].name, c->rec->name))
			return calls[k].fn(r, c);
	return RUN_SKIPPED;
}

/**
 * run_shm_free() - forget the segment ids.
 * @r: the runner.
 *
 * Context: single-threaded.
 */
void run_shm_free(struct runner *r)
{
	free(r->shmids);
	r->shmids = NULL;
	r->nr_shmids = 0;
}
