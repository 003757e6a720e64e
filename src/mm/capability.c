// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capabilities (kernel/capability.c's capget/capset, security/commoncap.c's capability
 * module): the sets a task starts with, capget and capset with commoncap's subset rules, the
 * fixup that follows a uid change (cap_emulate_setxuid: leaving uid 0 empties the permitted
 * and effective sets unless SECBIT_KEEP_CAPS; a root effective uid regains the permitted set),
 * PR_SET_KEEPCAPS/PR_GET_KEEPCAPS, and the check of mappings below vm.mmap_min_addr
 * (cap_mmap_addr, reached through get_unmapped_area as security_mmap_addr is). Left out: file
 * capabilities and exec's transitions, the bounding-set and ambient prctls, other LSMs,
 * user namespaces, and the 32-bit capget/capset header versions (the caller's side: the
 * scenario runner narrows _LINUX_CAPABILITY_VERSION_1 to the low 32 bits).
 */
#include "mm/task.h"
#include "mmlab.h"

/**
 * cred_init - the credentials of a first task: root with every capability when
 * @privileged (what a root login shell has), else the given ids with empty sets.
 * @c: the credentials to fill.
 * @uid: every user id.
 * @gid: every group id.
 * @privileged: give the full permitted and effective sets.
 *
 * Context: any.
 */
void cred_init(struct cred *c, uint32_t uid, uint32_t gid, bool privileged)
{
	*c = (struct cred){
		.uid = uid, .euid = uid, .suid = uid, .fsuid = uid,
		.gid = gid, .egid = gid, .sgid = gid, .fsgid = gid,
		.cap_bset = CAP_FULL_SET,
		.cap_permitted = privileged ? CAP_FULL_SET : 0,
		.cap_effective = privileged ? CAP_FULL_SET : 0,
	};
}

/**
 * cap_task_fix_setuid - adjust the capability sets after setuid/setreuid/setresuid
 * (cap_emulate_setxuid). When no id of @new is 0 any more though one of @old was, the
 * permitted and effective sets empty (the permitted set stays with SECBIT_KEEP_CAPS) and the
 * ambient set always empties; an effective uid leaving 0 empties the effective set, one
 * arriving at 0 makes it the permitted set.
 * @new: the credentials being committed.
 * @old: the credentials before the call.
 *
 * Context: the task's own call.
 */
void cap_task_fix_setuid(struct cred *new, const struct cred *old)
{
	bool was_root = !old->uid || !old->euid || !old->suid;
	bool is_root = !new->uid || !new->euid || !new->suid;

	if (new->securebits & (1U << SECURE_NO_SETUID_FIXUP))
		return;
	if (was_root && !is_root) {
		if (!(new->securebits & SECBIT_KEEP_CAPS)) {
			new->cap_permitted = 0;
			new->cap_effective = 0;
		}
		new->cap_ambient = 0;
	}
	if (!old->euid && new->euid)
		new->cap_effective = 0;
	if (old->euid && !new->euid)
		new->cap_effective = new->cap_permitted;
}

/**
 * cap_mmap_addr - security_mmap_addr()'s capability check: an address below vm.mmap_min_addr
 * needs CAP_SYS_RAWIO.
 * @tsk: the task mapping.
 * @addr: the address chosen.
 *
 * Context: mmap_lock held.
 * Return: 0 or -EPERM.
 */
int cap_mmap_addr(const struct task *tsk, unsigned long addr)
{
	if (addr < tsk->mm->mmap_min_addr && !capable(tsk, CAP_SYS_RAWIO))
		return -EPERM;
	return 0;
}

/**
 * mmlab_capget - capget(2): the effective, permitted and inheritable sets of @target.
 * @t: the calling task.
 * @target: the task asked about; NULL (pid 0) means @t.
 * @caps: receives the sets (bit N: capability N); NULL probes, as a NULL data pointer does.
 *
 * Context: any.
 * Return: 0; -EINVAL (NULL @t).
 */
MMLAB_EXPORT int mmlab_capget(struct mmlab_task *t, struct mmlab_task *target,
			      struct mmlab_caps *caps)
{
	const struct cred *c;

	if (!t)
		return -EINVAL;
	if (!caps)
		return 0;
	c = target ? &target->tsk.cred : &t->tsk.cred;
	*caps = (struct mmlab_caps){ .effective = c->cap_effective,
				     .permitted = c->cap_permitted,
				     .inheritable = c->cap_inheritable };
	return 0;
}

/**
 * mmlab_capset - capset(2) on the calling task (cap_capset's rules): the new permitted set
 * must be a subset of the old one, the effective of the new permitted; the inheritable set
 * may only gain capabilities of the old inheritable and bounding sets, and, without
 * CAP_SETPCAP, of the old permitted set. Bits above CAP_LAST_CAP are dropped as the kernel
 * masks them. The ambient set shrinks to what stays permitted and inheritable.
 * @t: the task.
 * @caps: the new sets.
 *
 * Context: the task's own call.
 * Return: 0; -EINVAL (NULL @t); -EFAULT (NULL @caps); -EPERM.
 */
MMLAB_EXPORT int mmlab_capset(struct mmlab_task *t, const struct mmlab_caps *caps)
{
	kernel_cap_t eff, perm, inh;
	struct cred *c;

	if (!t)
		return -EINVAL;
	if (!caps)
		return -EFAULT;
	c = &t->tsk.cred;
	eff = caps->effective & CAP_VALID_MASK;
	perm = caps->permitted & CAP_VALID_MASK;
	inh = caps->inheritable & CAP_VALID_MASK;
	if (!capable(&t->tsk, CAP_SETPCAP) && (inh & ~(c->cap_inheritable | c->cap_permitted)))
		return -EPERM;
	if (inh & ~(c->cap_inheritable | c->cap_bset))
		return -EPERM;
	if (perm & ~c->cap_permitted)
		return -EPERM;
	if (eff & ~perm)
		return -EPERM;
	c->cap_effective = eff;
	c->cap_permitted = perm;
	c->cap_inheritable = inh;
	c->cap_ambient &= perm & inh;
	return 0;
}

/**
 * mmlab_prctl_keepcaps - prctl(PR_SET_KEEPCAPS, @set) when @set is 0 or 1, prctl
 * (PR_GET_KEEPCAPS) when @set is -1: whether leaving uid 0 keeps the permitted set.
 * @t: the task.
 * @set: 0 or 1 to set the flag, -1 to read it.
 *
 * Context: the task's own call.
 * Return: 0 after setting; the flag (0 or 1) when reading; -EINVAL (NULL @t, @set other than
 * -1, 0 or 1: the kernel refuses PR_SET_KEEPCAPS arguments above 1).
 */
MMLAB_EXPORT int mmlab_prctl_keepcaps(struct mmlab_task *t, long set)
{
	struct cred *c;

	if (!t || set < -1 || set > 1)
		return -EINVAL;
	c = &t->tsk.cred;
	if (set < 0)
		return !!(c->securebits & SECBIT_KEEP_CAPS);
	if (set)
		c->securebits |= SECBIT_KEEP_CAPS;
	else
		c->securebits &= ~SECBIT_KEEP_CAPS;
	return 0;
}

/**
 * mmlab_task_cred - the task's ids and capability sets, as /proc/pid/status shows them.
 * @t: the task.
 * @out: receives them.
 *
 * Context: any.
 */
MMLAB_EXPORT void mmlab_task_cred(struct mmlab_task *t, struct mmlab_cred *out)
{
	const struct cred *c = &t->tsk.cred;

	*out = (struct mmlab_cred){
		.uid = c->uid, .euid = c->euid, .suid = c->suid, .fsuid = c->fsuid,
		.gid = c->gid, .egid = c->egid, .sgid = c->sgid, .fsgid = c->fsgid,
		.cap_inheritable = c->cap_inheritable, .cap_permitted = c->cap_permitted,
		.cap_effective = c->cap_effective, .cap_bset = c->cap_bset,
		.cap_ambient = c->cap_ambient, .securebits = c->securebits,
	};
}
