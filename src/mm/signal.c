// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The part of signal handling the file calls need (kernel/signal.c): dispositions set by
 * rt_sigaction - default, ignored, a handler - shared by a thread group, each thread's blocked
 * mask (rt_sigprocmask), and send_sig for the signals a call raises in its caller: SIGPIPE on
 * a write or vmsplice into a pipe without readers, SIGXFSZ at RLIMIT_FSIZE. A signal sent
 * while blocked stays pending (even when ignored: a blocked signal is never ignored); an
 * ignored one is dropped; a handler runs and the task goes on; the default action of both
 * signals ends the whole thread group (SIGXFSZ with a core dump), which the caller sees in
 * mmlab_task_signals after the call returned its error.
 * Left out: every other signal and its sending, queued siginfo, sa_flags and sa_mask, real-time
 * signals' queueing, delivery of a pending signal once unblocked (it stays pending), and
 * sigaltstack.
 */
#include "mm/task.h"
#include "mmlab.h"

#include <errno.h>
#include <signal.h>

#define SIG_BIT(sig) (1ULL << ((sig) - 1))
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))

/**
 * send_sig - @sig sent to @tsk by the kernel for the call it is in (send_sig(sig, current, 0)).
 * @sig: SIGPIPE or SIGXFSZ (their default action ends the group)
 * Context: any; the dispositions and masks are read and changed atomically.
 */
void send_sig(int sig, struct task *tsk)
{
	struct signal_struct *s = tsk->signal;
	uint64_t bit = SIG_BIT(sig);
	int none = 0;

	if (__atomic_load_n(&tsk->sig_blocked, __ATOMIC_RELAXED) & bit) {
		__atomic_or_fetch(&tsk->sig_pending, bit, __ATOMIC_RELAXED);
		return;
	}
	if (__atomic_load_n(&s->sig_ignored, __ATOMIC_RELAXED) & bit)
		return;
	if (__atomic_load_n(&s->sig_handled, __ATOMIC_RELAXED) & bit) {
		__atomic_or_fetch(&tsk->sig_delivered, bit, __ATOMIC_RELAXED);
		return;
	}
	/* SIGPIPE terminates, SIGXFSZ dumps core: either ends the group (do_group_exit) */
	__atomic_compare_exchange_n(&s->killed_by, &none, sig, false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
}

MMLAB_EXPORT int mmlab_sigaction(struct mmlab_task *t, int sig, int action, int *old)
{
	struct signal_struct *s;
	uint64_t bit;

	if (!t || sig < 1 || sig > 64 || action < -1 || action > MMLAB_SIG_HANDLER)
		return -EINVAL;
	s = t->tsk.signal;
	bit = SIG_BIT(sig);
	if (old)
		*old = (__atomic_load_n(&s->sig_ignored, __ATOMIC_RELAXED) & bit) ? MMLAB_SIG_IGN :
		       (__atomic_load_n(&s->sig_handled, __ATOMIC_RELAXED) & bit) ? MMLAB_SIG_HANDLER :
		       MMLAB_SIG_DFL;
	if (action < 0)
		return 0;
	if (bit & SIG_UNBLOCKABLE)
		return -EINVAL;	/* do_sigaction: SIGKILL and SIGSTOP keep their action */
	if (action == MMLAB_SIG_IGN) {
		__atomic_or_fetch(&s->sig_ignored, bit, __ATOMIC_RELAXED);
		/* POSIX: setting SIG_IGN discards what is pending (flush_sigqueue_mask) */
		__atomic_and_fetch(&t->tsk.sig_pending, ~bit, __ATOMIC_RELAXED);
	} else {
		__atomic_and_fetch(&s->sig_ignored, ~bit, __ATOMIC_RELAXED);
	}
	if (action == MMLAB_SIG_HANDLER)
		__atomic_or_fetch(&s->sig_handled, bit, __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&s->sig_handled, ~bit, __ATOMIC_RELAXED);
	return 0;
}

MMLAB_EXPORT int mmlab_sigprocmask(struct mmlab_task *t, int how, const uint64_t *set,
				   uint64_t *old)
{
	uint64_t cur, next;

	if (!t)
		return -EINVAL;
	cur = __atomic_load_n(&t->tsk.sig_blocked, __ATOMIC_RELAXED);
	if (old)
		*old = cur;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		next = cur | *set;
		break;
	case SIG_UNBLOCK:
		next = cur & ~*set;
		break;
	case SIG_SETMASK:
		next = *set;
		break;
	default:
		return -EINVAL;
	}
	__atomic_store_n(&t->tsk.sig_blocked, next & ~SIG_UNBLOCKABLE, __ATOMIC_RELAXED);
	return 0;
}

MMLAB_EXPORT int mmlab_task_signals(struct mmlab_task *t, struct mmlab_signals *out)
{
	if (!t || !out)
		return -EINVAL;
	out->killed_by = __atomic_load_n(&t->tsk.signal->killed_by, __ATOMIC_RELAXED);
	out->pending = __atomic_load_n(&t->tsk.sig_pending, __ATOMIC_RELAXED);
	out->delivered = __atomic_exchange_n(&t->tsk.sig_delivered, 0, __ATOMIC_RELAXED);
	return 0;
}
