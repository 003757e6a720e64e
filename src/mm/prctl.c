// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The prctl(2) options that change how an address space behaves (kernel/sys.c's
 * prctl_set_mdwe/prctl_get_mdwe and the PR_SET/GET_THP_DISABLE cases, as in Linux 6.18), and
 * the rule MDWE enforces (include/linux/mman.h's map_deny_write_exec). Memory-deny-write-
 * execute refuses, with EACCES, a mapping that is writable and executable and an mprotect
 * that makes memory executable that was not, or writable and executable; once set it cannot
 * be cleared, and fork children keep it unless PR_MDWE_NO_INHERIT was given. THP disabling
 * only changes MADV_COLLAPSE here, which it makes EINVAL (completely disabled) - mmlab has no
 * transparent huge pages for it to keep away - and is inherited by fork. Left out:
 * /proc/pid/status's THP_enabled line (mmlab's status shows the memory lines only) and
 * execve, which would reset MDWE with NO_INHERIT.
 */
#include "mm/vma.h"
#include "mm/mmap.h"
#include "mm/oom.h"
#include "mm/syscalls.h"
#include "mm/task.h"

#ifndef PR_SET_THP_DISABLE
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42
#endif
#define PR_THP_DISABLE_EXCEPT_ADVISED (1UL << 1)
#define PR_SET_MDWE_ 65
#define PR_GET_MDWE_ 66
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#define PR_MDWE_NO_INHERIT (1UL << 1)

static bool mm_flag(const struct mm_struct *mm, int bit)
{
	return mm->flags & (1UL << bit);
}

/**
 * map_deny_write_exec - whether MDWE refuses a VMA going from @old to @new flags: memory
 * that becomes writable and executable, or executable when it was not (for mmap, @old is
 * @new: only writable-and-executable is refused).
 * Context: mmap_lock held.
 * Return: true when the change must fail with -EACCES.
 */
bool map_deny_write_exec(const struct mm_struct *mm, vm_flags_t old, vm_flags_t new)
{
	if (!mm_flag(mm, MMF_HAS_MDWE) || !(new & VM_EXEC))
		return false;
	return (new & VM_WRITE) || !(old & VM_EXEC);
}

/**
 * mmf_init_flags - the mm flags a fork child starts with: all of the parent's, except MDWE
 * when the parent set it with PR_MDWE_NO_INHERIT.
 * Return: the child's flags.
 */
unsigned long mmf_init_flags(unsigned long flags)
{
	/* MMF_INIT_MASK leaves the OOM killer's marks behind */
	flags &= ~((1UL << MMF_OOM_SKIP) | (1UL << MMF_OOM_VICTIM));
	if (flags & (1UL << MMF_HAS_MDWE_NO_INHERIT))
		flags &= ~((1UL << MMF_HAS_MDWE) | (1UL << MMF_HAS_MDWE_NO_INHERIT));
	return flags;
}

static unsigned long get_current_mdwe(const struct mm_struct *mm)
{
	return (mm_flag(mm, MMF_HAS_MDWE) ? PR_MDWE_REFUSE_EXEC_GAIN : 0) |
	       (mm_flag(mm, MMF_HAS_MDWE_NO_INHERIT) ? PR_MDWE_NO_INHERIT : 0);
}

static long prctl_set_mdwe(struct mm_struct *mm, unsigned long bits, unsigned long arg3,
			   unsigned long arg4, unsigned long arg5)
{
	unsigned long current_bits;

	if (arg3 || arg4 || arg5)
		return -EINVAL;
	if (bits & ~(PR_MDWE_REFUSE_EXEC_GAIN | PR_MDWE_NO_INHERIT))
		return -EINVAL;
	if ((bits & PR_MDWE_NO_INHERIT) && !(bits & PR_MDWE_REFUSE_EXEC_GAIN))
		return -EINVAL;
	current_bits = get_current_mdwe(mm);
	if (current_bits && current_bits != bits)
		return -EPERM; /* it cannot be cleared or changed */
	if (bits & PR_MDWE_NO_INHERIT)
		mm->flags |= 1UL << MMF_HAS_MDWE_NO_INHERIT;
	if (bits & PR_MDWE_REFUSE_EXEC_GAIN)
		mm->flags |= 1UL << MMF_HAS_MDWE;
	return 0;
}

static long prctl_set_thp_disable(struct mm_struct *mm, unsigned long disable, unsigned long flags,
				  unsigned long arg4, unsigned long arg5)
{
	const unsigned long both = (1UL << MMF_DISABLE_THP) | (1UL << MMF_DISABLE_THP_EXCEPT_ADVISED);

	if (arg4 || arg5)
		return -EINVAL;
	if ((!disable && flags) || (flags & ~PR_THP_DISABLE_EXCEPT_ADVISED))
		return -EINVAL;
	mm->flags &= ~both;
	if (disable)
		mm->flags |= 1UL << ((flags & PR_THP_DISABLE_EXCEPT_ADVISED) ?
				     MMF_DISABLE_THP_EXCEPT_ADVISED : MMF_DISABLE_THP);
	return 0;
}

static long prctl_get_thp_disable(const struct mm_struct *mm)
{
	if (mm_flag(mm, MMF_DISABLE_THP))
		return 1;
	if (mm_flag(mm, MMF_DISABLE_THP_EXCEPT_ADVISED))
		return 1 | PR_THP_DISABLE_EXCEPT_ADVISED;
	return 0;
}

/**
 * prctl_mm - prctl(2) for PR_SET_MDWE, PR_GET_MDWE, PR_SET_THP_DISABLE and PR_GET_THP_DISABLE.
 * Context: the caller holds mmap_lock for writing.
 * Return: 0 or the GET option's bits; -EINVAL (unused arguments not 0, unknown bits, another
 * option); -EPERM (changing MDWE once set).
 */
long prctl_mm(struct task *tsk, int option, unsigned long arg2, unsigned long arg3,
	      unsigned long arg4, unsigned long arg5)
{
	struct mm_struct *mm = tsk->mm;

	switch (option) {
	case PR_SET_MDWE_:
		return prctl_set_mdwe(mm, arg2, arg3, arg4, arg5);
	case PR_GET_MDWE_:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return (long)get_current_mdwe(mm);
	case PR_SET_THP_DISABLE:
		return prctl_set_thp_disable(mm, arg2, arg3, arg4, arg5);
	case PR_GET_THP_DISABLE:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return prctl_get_thp_disable(mm);
	default:
		return -EINVAL;
	}
}
