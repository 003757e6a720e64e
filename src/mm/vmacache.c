// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-thread VMA cache in front of find_vma (mm/vmacache.c as Linux had it until 6.1, when
 * the maple tree replaced it): each thread keeps the last VMAs its lookups found, in four
 * slots indexed by the low bits of the page number. Every find_vma-style lookup consults it,
 * as Linux's find_vma did (and find_vma_prev, find_vma_intersection and vma_lookup through
 * it): the fault path's (do_user_addr_fault) and those of the system calls (mmap's
 * neighbours, munmap, mprotect, mremap, madvise, mlock, msync, brk, shmat, mincore, the
 * user-copy of read and write). Walks from one VMA to the next (Linux's vm_next) do not.
 *
 * What counts (vmstat's vmacache_find_calls and vmacache_find_hits, the figures Linux's
 * counters gave): every lookup is a call, whoever makes it; a hit is a lookup of the current
 * task's own mm (current_task: set for the duration of a public entry point, task_enter)
 * whose cache, still valid, holds a VMA containing the address. A lookup in another task's
 * mm (process_madvise) or outside any entry point is a call that cannot hit, and leaves no
 * entry behind. A miss stores the tree's answer in the address's slot; a hit found in
 * another slot is not copied to the address's own.
 *
 * Invalidation (vmacache_invalidate, by mm->vmacache_seqnum) as Linux's: when a VMA leaves
 * the tree (munmap, a merge that absorbs a neighbour, exit and exec), and also when a store
 * takes part of a VMA's range for another (a split, a merge that moves a boundary), where
 * Linux adjusted the VMAs in place. A VMA that only grows into free space, a new VMA in a
 * gap, and flag changes leave the caches as they are: a cached VMA is answered only for an
 * address it still contains.
 */
#include "mm/fault.h"
#include "mm/machine.h"
#include "mm/vma.h"

__thread struct task *current_task __attribute__((tls_model("initial-exec")));

static unsigned int vmacache_hash(unsigned long addr)
{
	return (unsigned int)(addr >> PAGE_SHIFT) & (VMACACHE_SIZE - 1);
}

/* The cache of @tsk may answer for @mm: @mm is its own, and nothing changed since it filled. */
static bool vmacache_valid(struct task *tsk, struct mm_struct *mm)
{
	struct vmacache *vc;

	if (!tsk || tsk->mm != mm)
		return false;
	vc = &tsk->vmacache;
	if (vc->seqnum == mm->vmacache_seqnum)
		return true;
	for (unsigned int i = 0; i < VMACACHE_SIZE; i++)
		vc->vmas[i] = NULL;
	vc->seqnum = mm->vmacache_seqnum;
	return false;
}

/**
 * vmacache_invalidate - empty every thread's cache of @mm at its next lookup: a VMA left the
 * tree, or its range is about to shrink, so a cached pointer may be stale.
 * Context: mmap_lock of @mm held for writing.
 */
void vmacache_invalidate(struct mm_struct *mm)
{
	mm->vmacache_seqnum++;
}

/**
 * vmacache_find - the VMA of @tsk's cache that contains @addr of @mm, trying the slots from
 * the one @addr hashes to. Counts a call, and a hit when one is found.
 * Context: mmap_lock of @mm held.
 * Return: the VMA, or NULL (not cached, or the cache cannot answer for @mm).
 */
struct vm_area_struct *vmacache_find(struct task *tsk, struct mm_struct *mm, unsigned long addr)
{
	struct vm_events *ev = &mm->machine->pgdat.vm_events;
	struct vm_event_state *s = this_cpu_vm_events(ev);
	unsigned int idx = vmacache_hash(addr);

	__count_vm_events_in(ev, s, VMACACHE_FIND_CALLS, 1);
	if (!vmacache_valid(tsk, mm))
		return NULL;
	for (unsigned int i = 0; i < VMACACHE_SIZE; i++) {
		struct vm_area_struct *vma = tsk->vmacache.vmas[idx];

		if (vma && vma->vm_start <= addr && vma->vm_end > addr) {
			VM_BUG_ON(vma->vm_mm != mm);
			__count_vm_events_in(ev, s, VMACACHE_FIND_HITS, 1);
			return vma;
		}
		idx = (idx + 1) & (VMACACHE_SIZE - 1);
	}
	return NULL;
}

/**
 * vmacache_update - remember the tree's answer @vma for @addr in @tsk's cache, when @vma is
 * of @tsk's own mm (a lookup elsewhere leaves nothing).
 * Context: mmap_lock of the VMA's mm held.
 */
void vmacache_update(struct task *tsk, unsigned long addr, struct vm_area_struct *vma)
{
	if (tsk && tsk->mm == vma->vm_mm)
		tsk->vmacache.vmas[vmacache_hash(addr)] = vma;
}

/**
 * vmacache_find_vma - find_vma() of @tsk's own mm as @tsk looks it up (the fault path, which
 * knows the faulting task): through its cache, then the tree.
 * Context: mmap_lock held.
 * Return: the first VMA ending above @addr, or NULL.
 */
struct vm_area_struct *vmacache_find_vma(struct task *tsk, unsigned long addr)
{
	struct vm_area_struct *vma = vmacache_find(tsk, tsk->mm, addr);

	if (vma)
		return vma;
	vma = __find_vma(tsk->mm, addr);
	if (vma)
		vmacache_update(tsk, addr, vma);
	return vma;
}
