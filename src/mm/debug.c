// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Whole-mm consistency checks (mm/debug.c's share, with validate_mm's caller side): the
 * public mmlab_task_validate runs every validator of an address space - the VMA tree and the
 * counters derived from it (vma.c's mm_validate), the page tables (pgtable_validate), and the
 * RSS counters against what the page tables map (rss_validate) - as tests and the stress
 * runs call it after each step.
 * Left out: dump_vma/dump_mm (VM_BUG_ON reports the failing condition and where).
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mmlab.h"

MMLAB_EXPORT int mmlab_task_validate(struct mmlab_task *t)
{
	int err;

	mmap_read_lock(t->tsk.mm);
	err = mm_validate(t->tsk.mm) ?: pgtable_validate(t->tsk.mm) ?: rss_validate(t->tsk.mm);
	mmap_read_unlock(t->tsk.mm);
	return err;
}
