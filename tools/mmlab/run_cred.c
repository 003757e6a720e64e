// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The runner's resource-limit and credential calls (see run.h): getrlimit, setrlimit,
 * prlimit64, the set*id calls and their get*id counterparts, capget, capset and
 * prctl(PR_SET_KEEPCAPS/PR_GET_KEEPCAPS), each evaluated from strace's rendering and run
 * through include/mmlab.h. A struct the kernel filled (getrlimit's and prlimit64's old limit,
 * capget's sets, getresuid's ids) is what the kernel returned: it is compared with mmlab's
 * value and a difference is reported as a mismatch, like a result. A pid other than 0 names a
 * process of the log; one the log never named is ESRCH (the symbols these calls print are in
 * run_syms.c). Corresponds to kernel/sys.c
 * and kernel/capability.c's SYSCALL_DEFINEs, seen from user space.
 */
#include "run.h"
#include "strace_flags.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static struct mmlab_task *task_of(struct run_call *c)
{
	return run_proc_task(c->proc);
}

/* Evaluates a value; a failure is reported at its column. */
static bool eval(struct runner *r, struct run_call *c, const struct sc_value *v,
		 unsigned long *out)
{
	struct sc_error err;

	if (!sc_eval(v, run_lookup, NULL, out, &err))
		return true;
	run_msg_at(r, err.line, err.col, err.msg);
	c->failed = true;
	return false;
}

static bool arg(struct runner *r, struct run_call *c, unsigned int k, unsigned long *out)
{
	if (k >= c->rec->nr_args) {
		*out = 0;
		return true;
	}
	return eval(r, c, c->rec->args[k], out);
}

/* The value of field @name of struct @v, or NULL. */
static const struct sc_value *field(const struct sc_value *v, const char *name)
{
	if (v->kind != SC_V_STRUCT)
		return NULL;
	for (unsigned int k = 0; k < v->nr_kids; k++)
		if (v->kids[k]->kind == SC_V_NAMED && !strcmp(v->kids[k]->name, name))
			return v->kids[k]->lhs;
	return NULL;
}

/* How a pointer argument was printed. */
enum ptr_kind {
	PTR_NULL,   /* NULL (or 0): the kernel sees no buffer */
	PTR_STRUCT, /* {...}: strace read (or, for an out-argument, the kernel wrote) it */
	PTR_OTHER,  /* an address: strace could not, or did not, read it */
};

static enum ptr_kind ptr_kind(const struct sc_value *v)
{
	if (!v || v->kind == SC_V_NULL || (v->kind == SC_V_NUM && !v->num))
		return PTR_NULL;
	return v->kind == SC_V_STRUCT ? PTR_STRUCT : PTR_OTHER;
}

/* Field @name of struct @v, evaluated; a missing field is reported. */
static bool field_val(struct runner *r, struct run_call *c, const struct sc_value *v,
		      const char *name, unsigned long *out)
{
	const struct sc_value *f = field(v, name);

	char msg[96];

	if (f)
		return eval(r, c, f, out);
	snprintf(msg, sizeof(msg), "the struct has no %s field", name);
	run_err_at(r, v, msg);
	c->failed = true;
	return false;
}

/* An out-value the kernel returned differs from mmlab's: a mismatch, like a result. */
static void out_check(struct runner *r, struct run_call *c, const char *what,
		      unsigned long want, unsigned long got)
{
	if (want == got)
		return;
	run_msg(r, c->rec->resume_line ? c->rec->resume_line : c->rec->line,
		"%s: expected %s %#lx, got %#lx", c->rec->name, what, want, got);
	r->n.mismatches++;
	if (r->stop_on_mismatch)
		r->stopped = true;
}

/* The log's result was a success: then the kernel filled the out-arguments. */
static bool logged_success(const struct run_call *c)
{
	return c->rec->res.kind == SC_RES_VALUE;
}

static void rlimit_check(struct runner *r, struct run_call *c, const struct sc_value *v,
			 const struct mmlab_rlimit *got)
{
	unsigned long cur, max;

	if (c->ret || !logged_success(c) || ptr_kind(v) != PTR_STRUCT)
		return;
	if (!field_val(r, c, v, "rlim_cur", &cur) || !field_val(r, c, v, "rlim_max", &max))
		return;
	out_check(r, c, "rlim_cur", cur, got->rlim_cur);
	out_check(r, c, "rlim_max", max, got->rlim_max);
}

/* An input {rlim_cur=, rlim_max=}: 0 and *@p set, -EFAULT for NULL or an address. */
static int rlimit_in(struct runner *r, struct run_call *c, const struct sc_value *v,
		     struct mmlab_rlimit *rl, const struct mmlab_rlimit **p)
{
	unsigned long cur, max;

	*p = NULL;
	if (ptr_kind(v) == PTR_NULL)
		return 0;
	if (ptr_kind(v) == PTR_OTHER)
		return -EFAULT;
	if (!field_val(r, c, v, "rlim_cur", &cur) || !field_val(r, c, v, "rlim_max", &max))
		return -EINVAL;
	*rl = (struct mmlab_rlimit){ cur, max };
	*p = rl;
	return 0;
}

/* getrlimit(RES, {rlim_cur=, rlim_max=}) */
static enum run_status do_getrlimit(struct runner *r, struct run_call *c)
{
	const struct sc_value *out = c->rec->args[1];
	struct mmlab_rlimit got = { 0, 0 };
	unsigned long res;

	if (!arg(r, c, 0, &res))
		return RUN_REPORTED;
	c->ret = mmlab_getrlimit(task_of(c), (unsigned int)res,
				 ptr_kind(out) == PTR_NULL ? NULL : &got);
	rlimit_check(r, c, out, &got);
	return RUN_DONE;
}

/* setrlimit(RES, {rlim_cur=, rlim_max=}) */
static enum run_status do_setrlimit(struct runner *r, struct run_call *c)
{
	const struct mmlab_rlimit *p;
	struct mmlab_rlimit rl;
	unsigned long res;
	int err;

	if (!arg(r, c, 0, &res))
		return RUN_REPORTED;
	err = rlimit_in(r, c, c->rec->args[1], &rl, &p);
	if (c->failed)
		return RUN_REPORTED;
	c->ret = err ? err : mmlab_setrlimit(task_of(c), (unsigned int)res, p);
	return RUN_DONE;
}

/*
 * The task a pid of the log names: NULL for 0 or the caller itself; -ESRCH for a pid no
 * live, modelled process of the log has.
 */
static int pid_task(struct runner *r, struct run_call *c, long pid, struct mmlab_task **out)
{
	*out = NULL;
	if (!pid || pid == c->proc->pid)
		return 0;
	for (unsigned int k = 0; k < r->nr_procs; k++) {
		const struct run_proc *p = r->procs[k];

		if (p->pid != pid)
			continue;
		if (p->kind != RUN_PROC_TASK || p->exited || p->exec_line || !p->mm ||
		    p->mm->exited || !p->mm->task)
			return -ESRCH;
		*out = p->mm->task;
		return 0;
	}
	return -ESRCH;
}

/* prlimit64(PID, RES, NEW|NULL, OLD|NULL) */
static enum run_status do_prlimit64(struct runner *r, struct run_call *c)
{
	const struct sc_value *old = c->rec->args[3];
	const struct mmlab_rlimit *p;
	struct mmlab_rlimit rl, got = { 0, 0 };
	struct mmlab_task *target;
	unsigned long pid, res;
	int err;

	if (!arg(r, c, 0, &pid) || !arg(r, c, 1, &res))
		return RUN_REPORTED;
	err = rlimit_in(r, c, c->rec->args[2], &rl, &p);
	if (c->failed)
		return RUN_REPORTED;
	err = err ?: pid_task(r, c, (long)(int)pid, &target);
	if (!err)
		err = mmlab_prlimit(task_of(c), target, (unsigned int)res, p,
				    ptr_kind(old) == PTR_NULL ? NULL : &got);
	c->ret = err;
	rlimit_check(r, c, old, &got);
	return RUN_DONE;
}

/* setuid/setgid/setreuid/setregid/setresuid/setresgid: -1 (or 4294967295) is "unchanged". */
static enum run_status do_setid(struct runner *r, struct run_call *c)
{
	const char *n = c->rec->name + 3;
	unsigned long a[3] = { 0, 0, 0 };
	uint32_t id[3];
	bool gid;

	for (unsigned int k = 0; k < c->rec->nr_args; k++)
		if (!arg(r, c, k, &a[k]))
			return RUN_REPORTED;
	for (int k = 0; k < 3; k++)
		id[k] = (uint32_t)a[k];
	gid = strstr(n, "gid") != NULL;
	if (!strcmp(n, "uid") || !strcmp(n, "gid"))
		c->ret = gid ? mmlab_setgid(task_of(c), id[0]) : mmlab_setuid(task_of(c), id[0]);
	else if (!strncmp(n, "res", 3))
		c->ret = gid ? mmlab_setresgid(task_of(c), id[0], id[1], id[2])
			     : mmlab_setresuid(task_of(c), id[0], id[1], id[2]);
	else
		c->ret = gid ? mmlab_setregid(task_of(c), id[0], id[1])
			     : mmlab_setreuid(task_of(c), id[0], id[1]);
	return RUN_DONE;
}

/* getuid()/geteuid()/getgid()/getegid(): the result is the id. */
static enum run_status do_getid(struct runner *r, struct run_call *c)
{
	struct mmlab_cred cr;
	const char *n = c->rec->name + 3;

	(void)r;
	mmlab_task_cred(task_of(c), &cr);
	c->ret = !strcmp(n, "uid") ? cr.uid : !strcmp(n, "euid") ? cr.euid
					   : !strcmp(n, "gid") ? cr.gid : cr.egid;
	return RUN_DONE;
}

/* getresuid([R], [E], [S]) and getresgid: each array holds what the kernel wrote. */
static enum run_status do_getresid(struct runner *r, struct run_call *c)
{
	static const char *const what[] = { "real id", "effective id", "saved id" };
	bool gid = c->rec->name[6] == 'g';
	struct mmlab_cred cr;
	uint32_t got[3];

	mmlab_task_cred(task_of(c), &cr);
	got[0] = gid ? cr.gid : cr.uid;
	got[1] = gid ? cr.egid : cr.euid;
	got[2] = gid ? cr.sgid : cr.suid;
	c->ret = 0;
	if (!logged_success(c))
		return RUN_DONE;
	for (unsigned int k = 0; k < 3 && k < c->rec->nr_args; k++) {
		const struct sc_value *v = c->rec->args[k];
		unsigned long want;

		if (v->kind != SC_V_ARRAY || v->nr_kids != 1)
			continue;
		if (!eval(r, c, v->kids[0], &want))
			return RUN_REPORTED;
		out_check(r, c, what[k], want, got[k]);
	}
	return RUN_DONE;
}

/* The capability header {version=, pid=}: the bits the version carries, 0 when unknown. */
static int cap_header(struct runner *r, struct run_call *c, unsigned long *pid,
		      uint64_t *mask)
{
	const struct sc_value *h = c->rec->args[0];
	unsigned long version;

	if (ptr_kind(h) != PTR_STRUCT)
		return -EFAULT;
	if (!field_val(r, c, h, "version", &version))
		return -EINVAL;
	switch (version) {
	case LINUX_CAPABILITY_VERSION_1:
		*mask = 0xffffffffULL;
		break;
	case LINUX_CAPABILITY_VERSION_2:
	case LINUX_CAPABILITY_VERSION_3:
		*mask = ~0ULL;
		break;
	default:
		*mask = 0;
		return 0;
	}
	return field_val(r, c, h, "pid", pid) ? 0 : -EINVAL;
}

/* capget({version=, pid=}, {effective=, permitted=, inheritable=}|NULL) */
static enum run_status do_capget(struct runner *r, struct run_call *c)
{
	const struct sc_value *data = c->rec->args[1];
	struct mmlab_task *target = NULL;
	struct mmlab_caps caps;
	unsigned long pid = 0, want;
	uint64_t mask = 0;
	int err = cap_header(r, c, &pid, &mask);

	if (c->failed)
		return RUN_REPORTED;
	if (!err && !mask)
		err = ptr_kind(data) == PTR_NULL ? 0 : -EINVAL; /* the version probe */
	else if (!err && ptr_kind(data) != PTR_NULL)
		err = (long)(int)pid < 0 ? -EINVAL : pid_task(r, c, (long)(int)pid, &target);
	if (err || !mask || ptr_kind(data) == PTR_NULL) {
		c->ret = err;
		return RUN_DONE;
	}
	c->ret = mmlab_capget(task_of(c), target, &caps);
	if (c->ret || !logged_success(c) || ptr_kind(data) != PTR_STRUCT)
		return RUN_DONE;
	if (field_val(r, c, data, "effective", &want))
		out_check(r, c, "effective", want, caps.effective & mask);
	if (field_val(r, c, data, "permitted", &want))
		out_check(r, c, "permitted", want, caps.permitted & mask);
	if (field_val(r, c, data, "inheritable", &want))
		out_check(r, c, "inheritable", want, caps.inheritable & mask);
	return c->failed ? RUN_REPORTED : RUN_DONE;
}

/* capset({version=, pid=}, {effective=, permitted=, inheritable=}) */
static enum run_status do_capset(struct runner *r, struct run_call *c)
{
	const struct sc_value *data = c->rec->args[1];
	struct mmlab_caps caps;
	unsigned long pid = 0, e, p, i;
	uint64_t mask = 0;
	int err = cap_header(r, c, &pid, &mask);

	if (c->failed)
		return RUN_REPORTED;
	if (!err && !mask)
		err = -EINVAL;
	if (!err && pid && (long)(int)pid != c->proc->pid)
		err = -EPERM; /* capset acts on the caller only */
	if (!err && ptr_kind(data) != PTR_STRUCT)
		err = -EFAULT;
	if (err) {
		c->ret = err;
		return RUN_DONE;
	}
	if (!field_val(r, c, data, "effective", &e) || !field_val(r, c, data, "permitted", &p) ||
	    !field_val(r, c, data, "inheritable", &i))
		return RUN_REPORTED;
	/* A version-1 caller passes 32 bits: the upper sets arrive empty. */
	caps = (struct mmlab_caps){ e & mask, p & mask, i & mask };
	c->ret = mmlab_capset(task_of(c), &caps);
	return RUN_DONE;
}

/**
 * run_prctl_keepcaps() - prctl(PR_SET_KEEPCAPS, 0|1) and prctl(PR_GET_KEEPCAPS).
 * @r: the runner.
 * @c: the call; its first argument was PR_SET_KEEPCAPS or PR_GET_KEEPCAPS.
 * @option: that argument's value.
 *
 * Context: single-threaded.
 * Return: RUN_DONE with the result in @c->ret, or RUN_REPORTED.
 */
enum run_status run_prctl_keepcaps(struct runner *r, struct run_call *c, unsigned long option)
{
	unsigned long v;

	if (option == PR_GET_KEEPCAPS_) {
		c->ret = mmlab_prctl_keepcaps(task_of(c), -1);
		return RUN_DONE;
	}
	if (!arg(r, c, 1, &v))
		return RUN_REPORTED;
	c->ret = mmlab_prctl_keepcaps(task_of(c), v > 1 ? 2 : (long)v);
	return RUN_DONE;
}

/**
 * run_prctl_is_keepcaps() - whether a prctl option is one run_prctl_keepcaps() runs.
 * @option: prctl's first argument.
 *
 * Context: any.
 * Return: true for PR_SET_KEEPCAPS and PR_GET_KEEPCAPS.
 */
bool run_prctl_is_keepcaps(unsigned long option)
{
	return option == PR_GET_KEEPCAPS_ || option == PR_SET_KEEPCAPS_;
}

/**
 * run_cred_call() - one of the limit and credential calls (the table entries of run_calls.c
 * name this handler).
 * @r: the runner.
 * @c: the call.
 *
 * Context: single-threaded.
 * Return: RUN_DONE with the result in @c->ret, or RUN_REPORTED after a message.
 */
enum run_status run_cred_call(struct runner *r, struct run_call *c)
{
	const char *n = c->rec->name;

	if (!strcmp(n, "getrlimit"))
		return do_getrlimit(r, c);
	if (!strcmp(n, "setrlimit"))
		return do_setrlimit(r, c);
	if (!strcmp(n, "prlimit64"))
		return do_prlimit64(r, c);
	if (!strcmp(n, "capget"))
		return do_capget(r, c);
	if (!strcmp(n, "capset"))
		return do_capset(r, c);
	if (!strncmp(n, "getres", 6))
		return do_getresid(r, c);
	if (!strncmp(n, "get", 3))
		return do_getid(r, c);
	return do_setid(r, c);
}
