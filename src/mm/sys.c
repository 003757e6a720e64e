// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resource limits and user/group ids (kernel/sys.c): getrlimit, setrlimit and prlimit64 over
 * the thread group's shared limits (do_prlimit, check_prlimit_permission), the limits the
 * first task starts with (include/asm-generic/resource.h's INIT_RLIMITS, with RLIMIT_NPROC
 * and RLIMIT_SIGPENDING derived from the machine's RAM as kernel/fork.c's set_max_threads
 * does), and setuid, setgid, setreuid, setregid, setresuid, setresgid with the kernel's
 * checks, each followed by the capability module's fixup (capability.c). The limits then
 * govern the memory calls through task_rlimit(). Left out: user namespaces, RLIMIT_CPU
 * timers, RLIMIT_NPROC enforcement (set_user's accounting) and the fsuid calls.
 */
#include "mm/machine.h"
#include "mm/task.h"
#include "mmlab.h"

#include <string.h>

#define INR_OPEN_CUR 1024UL
#define INR_OPEN_MAX 4096UL
#define MQ_BYTES_MAX 819200UL
#define MLOCK_LIMIT (8UL << 20)
#define STK_LIM (8UL << 20)
#define NR_OPEN_DEFAULT (1024UL * 1024)	/* fs.nr_open */
#define THREAD_SIZE (16UL << 10)	/* x86_64 kernel stacks */
#define MIN_THREADS 20UL
#define MAX_THREADS 0x3fffffffUL	/* FUTEX_TID_MASK */

/**
 * signal_alloc - the limits of a new process: INIT_RLIMITS, with RLIMIT_NPROC and
 * RLIMIT_SIGPENDING at half of max_threads, which the kernel sizes so that thread stacks
 * take at most an eighth of RAM.
 * @m: the machine whose RAM sizes max_threads.
 *
 * Context: any.
 * Return: the signal_struct with one reference, or NULL.
 */
struct signal_struct *signal_alloc(struct machine *m)
{
	struct signal_struct *sig = calloc(1, sizeof(*sig));
	unsigned long threads;

	if (!sig)
		return NULL;
	sig->refcount = 1;
	pthread_mutex_init(&sig->lock, NULL);
	INIT_LIST_HEAD(&sig->thread_head);
	for (int i = 0; i < RLIM_NLIMITS; i++)
		sig->rlim[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	sig->rlim[RLIMIT_STACK].rlim_cur = STK_LIM;
	sig->rlim[RLIMIT_CORE].rlim_cur = 0;
	sig->rlim[RLIMIT_NOFILE] = (struct rlimit){ INR_OPEN_CUR, INR_OPEN_MAX };
	sig->rlim[RLIMIT_MEMLOCK] = (struct rlimit){ MLOCK_LIMIT, MLOCK_LIMIT };
	sig->rlim[RLIMIT_MSGQUEUE] = (struct rlimit){ MQ_BYTES_MAX, MQ_BYTES_MAX };
	sig->rlim[RLIMIT_NICE] = sig->rlim[RLIMIT_RTPRIO] = (struct rlimit){ 0, 0 };
	threads = m->pgdat.zone.managed_pages * PAGE_SIZE / (THREAD_SIZE * 8);
	threads = min(max(threads, MIN_THREADS), MAX_THREADS);
	sig->rlim[RLIMIT_NPROC] = (struct rlimit){ threads / 2, threads / 2 };
	sig->rlim[RLIMIT_SIGPENDING] = sig->rlim[RLIMIT_NPROC];
	return sig;
}

/**
 * signal_copy - fork's copy of a process's limits (copy_signal): the child's own, equal now.
 * @old: the parent's.
 *
 * Context: any.
 * Return: the copy with one reference, or NULL.
 */
struct signal_struct *signal_copy(struct signal_struct *old)
{
	struct signal_struct *sig = calloc(1, sizeof(*sig));

	if (!sig)
		return NULL;
	sig->refcount = 1;
	pthread_mutex_init(&sig->lock, NULL);
	INIT_LIST_HEAD(&sig->thread_head);
	pthread_mutex_lock(&old->lock);
	memcpy(sig->rlim, old->rlim, sizeof(sig->rlim));
	pthread_mutex_unlock(&old->lock);
	/* copy_sighand: fork keeps the dispositions */
	sig->sig_ignored = __atomic_load_n(&old->sig_ignored, __ATOMIC_RELAXED);
	sig->sig_handled = __atomic_load_n(&old->sig_handled, __ATOMIC_RELAXED);
	/* copy_signal: the OOM killer's adjustment is inherited */
	sig->oom_score_adj = READ_ONCE(old->oom_score_adj);
	sig->oom_score_adj_min = READ_ONCE(old->oom_score_adj_min);
	return sig;
}

/**
 * signal_get - another thread of the group (CLONE_THREAD) shares @sig.
 * @sig: the limits.
 *
 * Context: any.
 * Return: @sig.
 */
struct signal_struct *signal_get(struct signal_struct *sig)
{
	__atomic_add_fetch(&sig->refcount, 1, __ATOMIC_RELAXED);
	return sig;
}

/**
 * signal_put - a task of the group exits; the last one frees the limits.
 * @sig: the limits, or NULL.
 *
 * Context: any.
 */
void signal_put(struct signal_struct *sig)
{
	if (!sig || __atomic_sub_fetch(&sig->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_destroy(&sig->lock);
	free(sig);
}

/* check_prlimit_permission: another process's limits need its ids or CAP_SYS_RESOURCE. */
static int check_prlimit_permission(struct task *cur, struct task *tsk)
{
	const struct cred *c = &cur->cred, *t = &tsk->cred;

	if (cur == tsk)
		return 0;
	if (c->uid == t->euid && c->uid == t->suid && c->uid == t->uid && c->gid == t->egid &&
	    c->gid == t->sgid && c->gid == t->gid)
		return 0;
	return capable(cur, CAP_SYS_RESOURCE) ? 0 : -EPERM;
}

/*
 * do_prlimit: @cur reads and/or sets @tsk's limit @res. Raising the hard limit takes
 * CAP_SYS_RESOURCE of the caller; a soft limit above the hard one is EINVAL.
 */
static int do_prlimit(struct task *cur, struct task *tsk, unsigned int res,
		      const struct rlimit *new_rlim, struct rlimit *old_rlim)
{
	struct signal_struct *sig = tsk->signal;
	struct rlimit *rlim;
	int err = 0;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (new_rlim) {
		if (new_rlim->rlim_cur > new_rlim->rlim_max)
			return -EINVAL;
		if (res == RLIMIT_NOFILE && new_rlim->rlim_max > NR_OPEN_DEFAULT)
			return -EPERM;
	}
	rlim = &sig->rlim[res];
	pthread_mutex_lock(&sig->lock);
	if (new_rlim && new_rlim->rlim_max > rlim->rlim_max && !capable(cur, CAP_SYS_RESOURCE))
		err = -EPERM;
	if (!err && old_rlim)
		*old_rlim = *rlim;
	if (!err && new_rlim) {
		/* Readers load each field alone (task_rlimit), without the lock. */
		__atomic_store_n(&rlim->rlim_cur, new_rlim->rlim_cur, __ATOMIC_RELAXED);
		__atomic_store_n(&rlim->rlim_max, new_rlim->rlim_max, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&sig->lock);
	return err;
}

/**
 * mmlab_prlimit - prlimit64(2): @t reads and/or sets limit @resource of @target.
 * @t: the calling task.
 * @target: the task whose limits change; NULL (pid 0) means @t.
 * @resource: RLIMIT_*.
 * @new_rlim: the new soft and hard limits, or NULL to only read.
 * @old_rlim: receives the limits before the change, or NULL.
 *
 * Context: takes the target's limit lock; no mmap_lock.
 * Return: 0; -EINVAL (NULL @t, unknown resource, soft above hard); -EPERM (another process
 * whose ids differ without CAP_SYS_RESOURCE, raising the hard limit without it, or
 * RLIMIT_NOFILE above fs.nr_open). A failed call changes nothing and leaves @old_rlim alone.
 */
MMLAB_EXPORT int mmlab_prlimit(struct mmlab_task *t, struct mmlab_task *target,
			       unsigned int resource, const struct mmlab_rlimit *new_rlim,
			       struct mmlab_rlimit *old_rlim)
{
	struct rlimit new, old;
	struct task *tsk;
	int err;

	if (!t)
		return -EINVAL;
	tsk = target ? &target->tsk : &t->tsk;
	err = check_prlimit_permission(&t->tsk, tsk);
	if (err)
		return err;
	if (new_rlim)
		new = (struct rlimit){ new_rlim->rlim_cur, new_rlim->rlim_max };
	err = do_prlimit(&t->tsk, tsk, resource, new_rlim ? &new : NULL, old_rlim ? &old : NULL);
	if (!err && old_rlim)
		*old_rlim = (struct mmlab_rlimit){ old.rlim_cur, old.rlim_max };
	return err;
}

/**
 * mmlab_getrlimit - getrlimit(2).
 * @t: the task.
 * @resource: RLIMIT_*.
 * @rlim: receives the limits.
 *
 * Context: as mmlab_prlimit.
 * Return: 0; -EINVAL (NULL @t, unknown resource); -EFAULT (NULL @rlim).
 */
MMLAB_EXPORT int mmlab_getrlimit(struct mmlab_task *t, unsigned int resource,
				 struct mmlab_rlimit *rlim)
{
	struct mmlab_rlimit val;
	int err;

	if (!t)
		return -EINVAL;
	err = mmlab_prlimit(t, NULL, resource, NULL, &val);
	if (err)
		return err;
	if (!rlim)
		return -EFAULT;
	*rlim = val;
	return 0;
}

/**
 * mmlab_setrlimit - setrlimit(2).
 * @t: the task.
 * @resource: RLIMIT_*.
 * @rlim: the new limits.
 *
 * Context: as mmlab_prlimit.
 * Return: 0; -EFAULT (NULL @rlim, checked first as the copy from user space is); -EINVAL;
 * -EPERM (see mmlab_prlimit).
 */
MMLAB_EXPORT int mmlab_setrlimit(struct mmlab_task *t, unsigned int resource,
				 const struct mmlab_rlimit *rlim)
{
	if (!t)
		return -EINVAL;
	if (!rlim)
		return -EFAULT;
	return mmlab_prlimit(t, NULL, resource, rlim, NULL);
}

/* The commit of new ids: the capability module adjusts the sets (cap_task_fix_setuid). */
static void commit_uids(struct task *tsk, const struct cred *new)
{
	struct cred old = tsk->cred;

	tsk->cred = *new;
	cap_task_fix_setuid(&tsk->cred, &old);
}

/**
 * mmlab_setuid - setuid(2): with CAP_SETUID all of real, effective, saved and fs uid become
 * @uid; without it only the effective and fs uid, and only to the real or saved uid.
 * Leaving uid 0 drops the capabilities as commoncap does (see capability.c).
 * @t: the task.
 * @uid: the uid; (uint32_t)-1 is not a valid id.
 *
 * Context: the task's own call (credentials are the task's).
 * Return: 0; -EINVAL (NULL @t or an invalid id); -EPERM.
 */
MMLAB_EXPORT int mmlab_setuid(struct mmlab_task *t, uint32_t uid)
{
	struct cred new;

	if (!t || uid == INVALID_ID)
		return -EINVAL;
	new = t->tsk.cred;
	if (capable(&t->tsk, CAP_SETUID))
		new.uid = new.suid = uid;
	else if (uid != new.uid && uid != new.suid)
		return -EPERM;
	new.euid = new.fsuid = uid;
	commit_uids(&t->tsk, &new);
	return 0;
}

/*
 * The setreuid/setregid rule on one kind of id (uids or gids): @ids holds the new credential's
 * real, effective, saved and filesystem ids, @old the old real, effective and saved ones.
 */
static int set_real_effective(uint32_t *const ids[4], const uint32_t old[3], uint32_t r,
			      uint32_t e, bool cap)
{
	if (r != INVALID_ID && r != old[0] && r != old[1] && !cap)
		return -EPERM;
	if (e != INVALID_ID && e != old[0] && e != old[1] && e != old[2] && !cap)
		return -EPERM;
	if (r != INVALID_ID)
		*ids[0] = r;
	if (e != INVALID_ID)
		*ids[1] = e;
	if (r != INVALID_ID || (e != INVALID_ID && e != old[0]))
		*ids[2] = *ids[1];
	*ids[3] = *ids[1];
	return 0;
}

/**
 * mmlab_setreuid - setreuid(2): (uint32_t)-1 leaves an id unchanged. An unprivileged task
 * may set the real uid to its real or effective uid, the effective to any of the three; the
 * saved uid follows the effective when the real one is set or the effective one moves away
 * from the old real uid.
 * @t: the task.
 * @ruid: the new real uid or -1.
 * @euid: the new effective uid or -1.
 *
 * Context: the task's own call.
 * Return: 0; -EINVAL; -EPERM.
 */
MMLAB_EXPORT int mmlab_setreuid(struct mmlab_task *t, uint32_t ruid, uint32_t euid)
{
	struct cred new;
	int err;

	if (!t)
		return -EINVAL;
	new = t->tsk.cred;
	err = set_real_effective((uint32_t *const[4]){ &new.uid, &new.euid, &new.suid, &new.fsuid },
				 (const uint32_t[3]){ new.uid, new.euid, new.suid }, ruid, euid,
				 capable(&t->tsk, CAP_SETUID));
	if (!err)
		commit_uids(&t->tsk, &new);
	return err;
}

/* An id of the request that none of the old real/effective/saved ids has. */
static bool id_new(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id != INVALID_ID && id != r && id != e && id != s;
}

/**
 * mmlab_setresuid - setresuid(2): each id may be -1 (unchanged); an unprivileged task may only
 * pick among its current real, effective and saved uids. A request that changes nothing
 * returns 0 before any check.
 * @t: the task.
 * @ruid: real uid or -1.
 * @euid: effective uid or -1.
 * @suid: saved uid or -1.
 *
 * Context: the task's own call.
 * Return: 0; -EINVAL (NULL @t); -EPERM.
 */
MMLAB_EXPORT int mmlab_setresuid(struct mmlab_task *t, uint32_t ruid, uint32_t euid,
				 uint32_t suid)
{
	const struct cred *old;
	struct cred new;

	if (!t)
		return -EINVAL;
	old = &t->tsk.cred;
	if ((ruid == INVALID_ID || ruid == old->uid) &&
	    (euid == INVALID_ID || (euid == old->euid && euid == old->fsuid)) &&
	    (suid == INVALID_ID || suid == old->suid))
		return 0;
	if ((id_new(ruid, old->uid, old->euid, old->suid) ||
	     id_new(euid, old->uid, old->euid, old->suid) ||
	     id_new(suid, old->uid, old->euid, old->suid)) &&
	    !capable(&t->tsk, CAP_SETUID))
		return -EPERM;
	new = *old;
	if (ruid != INVALID_ID)
		new.uid = ruid;
	if (euid != INVALID_ID)
		new.euid = euid;
	if (suid != INVALID_ID)
		new.suid = suid;
	new.fsuid = new.euid;
	commit_uids(&t->tsk, &new);
	return 0;
}

/**
 * mmlab_setgid - setgid(2), as setuid with CAP_SETGID; group ids change no capability.
 * @t: the task.
 * @gid: the gid; -1 is invalid.
 *
 * Context: the task's own call.
 * Return: 0; -EINVAL; -EPERM.
 */
MMLAB_EXPORT int mmlab_setgid(struct mmlab_task *t, uint32_t gid)
{
	struct cred *c;

	if (!t || gid == INVALID_ID)
		return -EINVAL;
	c = &t->tsk.cred;
	if (capable(&t->tsk, CAP_SETGID))
		c->gid = c->egid = c->sgid = c->fsgid = gid;
	else if (gid == c->gid || gid == c->sgid)
		c->egid = c->fsgid = gid;
	else
		return -EPERM;
	return 0;
}

/**
 * mmlab_setregid - setregid(2), as setreuid with CAP_SETGID.
 * @t: the task.
 * @rgid: real gid or -1.
 * @egid: effective gid or -1.
 *
 * Context: the task's own call.
 * Return: 0; -EINVAL; -EPERM.
 */
MMLAB_EXPORT int mmlab_setregid(struct mmlab_task *t, uint32_t rgid, uint32_t egid)
{
	struct cred new;
	int err;

	if (!t)
		return -EINVAL;
	new = t->tsk.cred;
	err = set_real_effective((uint32_t *const[4]){ &new.gid, &new.egid, &new.sgid, &new.fsgid },
				 (const uint32_t[3]){ new.gid, new.egid, new.sgid }, rgid, egid,
				 capable(&t->tsk, CAP_SETGID));
	if (!err)
		t->tsk.cred = new;
	return err;
}

/**
 * mmlab_setresgid - setresgid(2), as setresuid with CAP_SETGID.
 * @t: the task.
 * @rgid: real gid or -1.
 * @egid: effective gid or -1.
 * @sgid: saved gid or -1.
 *
 * Context: the task's own call.
 * Return: 0; -EINVAL; -EPERM.
 */
MMLAB_EXPORT int mmlab_setresgid(struct mmlab_task *t, uint32_t rgid, uint32_t egid,
				 uint32_t sgid)
{
	struct cred *c;

	if (!t)
		return -EINVAL;
	c = &t->tsk.cred;
	if ((rgid == INVALID_ID || rgid == c->gid) &&
	    (egid == INVALID_ID || (egid == c->egid && egid == c->fsgid)) &&
	    (sgid == INVALID_ID || sgid == c->sgid))
		return 0;
	if ((id_new(rgid, c->gid, c->egid, c->sgid) || id_new(egid, c->gid, c->egid, c->sgid) ||
	     id_new(sgid, c->gid, c->egid, c->sgid)) &&
	    !capable(&t->tsk, CAP_SETGID))
		return -EPERM;
	if (rgid != INVALID_ID)
		c->gid = rgid;
	if (egid != INVALID_ID)
		c->egid = egid;
	if (sgid != INVALID_ID)
		c->sgid = sgid;
	c->fsgid = c->egid;
	return 0;
}
