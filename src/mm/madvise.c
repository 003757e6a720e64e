// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Advice on ranges of VMAs: madvise(2) and process_madvise(2) (mm/madvise.c), and
 * prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME), which names anonymous VMAs through the same walk.
 * Each advice is a row of one table: the flags it changes or the page work it does, the VMAs
 * it refuses, whether it discards contents (a seal refuses that on read-only anonymous
 * memory, mseal.c) and whether another process may give it. The advice that only changes VMA
 * flags is exact; the advice that acts on pages is checked per VMA as the kernel checks it,
 * then memory.c acts on the pages the range has faulted in: DONTNEED zaps them, FREE makes
 * them lazily freeable, POPULATE_* faults the rest in, GUARD_INSTALL/REMOVE set and clear
 * guard markers, WILLNEED reads a file's range into its page cache (as fadvise does).
 * REMOVE punches a hole in a file or shmem object. PAGEOUT isolates the pages only this
 * mapping maps from the LRU and reclaims them (madvise_pageout: anonymous ones to swap, file
 * ones out of the mapping and, when clean, out of the page cache); COLD ages them (accessed
 * bits and PG_referenced cleared, active ones deactivated). WILLNEED on anonymous and shmem memory
 * does nothing here yet; COLLAPSE
 * gets the kernel's answers (EINVAL for a VMA that cannot hold a huge page or a 2 MiB block
 * with no writable page) but leaves the pages small: mmlab has no transparent huge pages.
 * The advice set is Linux 6.18's as the host kernel builds it: with KSM and THP, without
 * CONFIG_MEMORY_FAILURE, so MADV_HWPOISON and MADV_SOFT_OFFLINE are EINVAL like unknown values.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/mmap_lock.h"
#include "mm/shmem.h"
#include "mm/swap.h"
#include "mm/syscalls.h"
#include "mm/task.h"
#include "mm/vmscan.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif

/* Where the advice walks: the task it acts for and the advice, or the name to give. */
struct madvise_req {
	struct task *tsk;
	int behavior;			/* MADV_*; unused by PR_SET_VMA_ANON_NAME */
	struct anon_vma_name *anon_name; /* The new name; unused by madvise */
	struct vm_area_struct resume;	/* The piece a walk resumes after when the advice
					 * dropped mmap_lock (MADV_REMOVE): its bounds only */
};

/* Gives [start, end) of @vma new flags and name (madvise_update_vma); w->prev covers it after. */
static int madvise_update_vma(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, vm_flags_t new_flags,
			      struct anon_vma_name *anon_name)
{
	struct vm_area_struct *res = vma;

	/* Only a real change splits or merges; else the piece stays part of @vma. */
	if (new_flags != vma->vm_flags || !anon_vma_name_eq(vma->anon_name, anon_name)) {
		res = vma_modify_flags_name(w->mm, w->prev, vma, start, end, new_flags, anon_name);
		if (IS_ERR(res))
			return (int)PTR_ERR(res);
		res->vm_flags = new_flags | (res->vm_flags & VM_STICKY); /* a merge may add them */
		vma_set_page_prot(res);
		/* Regular files keep no name (replace_anon_vma_name: anonymous and shmem only). */
		if (res->anon_name != anon_name && (!res->vm_file || !res->vm_file->regular)) {
			if (anon_name)
				anon_vma_name_get(anon_name);
			anon_vma_name_put(res->anon_name);
			res->anon_name = anon_name;
		}
		w->mm->vma_seq++;
	}
	w->prev = res;
	return 0;
}

/*
 * MADV_REMOVE (madvise_remove): vfs_fallocate(PUNCH_HOLE | KEEP_SIZE) of the range's part of
 * the file, with vfs_fallocate's and the file system's refusals in their order: only a
 * shared mapping that may write can punch (EACCES), of a file open for writing (EBADF), not
 * append-only (EPERM), a regular file (ENODEV: devices), of a file system that punches:
 * shmem (tmpfs; not under F_SEAL_WRITE/F_SEAL_FUTURE_WRITE: EPERM) and the overlay, whose
 * upper layer keeps the hole (vfs_punch_hole). Every mapping of the range loses its pages
 * first (private COW copies stay, as shmem_fallocate's unmap_mapping_range leaves them).
 * As in Linux, mmap_lock is dropped meanwhile (unmap_mapping_range takes every mapping mm's,
 * this one's included): the walk then goes on from the piece's end, whatever became of the
 * VMAs meanwhile (req->resume stands for the piece).
 * Context: mmap_lock held for writing, dropped and taken again.
 */
static int madvise_remove(struct vma_walk *w, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	struct madvise_req *req = w->private;
	struct file *f = vma->vm_file;
	struct inode *inode = f->f_inode;
	loff_t offset = (loff_t)(start - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	loff_t len = (loff_t)(end - start);
	int err;

	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	if (!(READ_ONCE(f->f_mode) & FMODE_WRITE))
		return -EBADF;
	if (f->append)
		return -EPERM;
	if (!inode || !S_ISREG(inode->i_mode))
		return -ENODEV;
	if (inode->i_kind == FS_SHMEM && (inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	get_file(f);
	mmap_write_unlock(w->mm);
	unmap_mapping_range(inode_mapping(inode), offset, len, false);
	err = vfs_punch_hole(inode, offset, len);
	mmap_write_lock(w->mm);
	fput(f);
	req->resume = (struct vm_area_struct){ .vm_start = start, .vm_end = end };
	w->prev = &req->resume;
	return err;
}

/* A PMD's page table maps a writable page: what hpage_collapse_scan_pmd needs to collapse. */
static int collapse_writable_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
				 void *data)
{
	pte_t pte = ptep_get(ptep);

	(void)mm;
	(void)addr;
	(void)data;
	return (pte & _PAGE_PRESENT) && pte_write(pte);
}

/*
 * madvise_collapse(): the VMA must be able to hold a PMD-sized page (thp_vma_allowable_order
 * for a forced collapse: private anonymous memory that has an anon_vma and one aligned 2 MiB
 * block, not VM_NOHUGEPAGE, VM_SPECIAL or hugetlb; shmem's huge pages are off by default and
 * files need CONFIG_READ_ONLY_THP_FOR_FS). Each aligned block of the range then collapses or
 * fails: a block without a page table (SCAN_PMD_NULL) or without a writable page
 * (SCAN_PAGE_RO) fails, and any failure makes the call EINVAL after the other blocks were
 * tried. mmlab has no huge pages, so a block that would collapse keeps its small pages.
 */
static int madvise_collapse(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	unsigned long hstart, hend, addr, last;
	int err = 0;

	if ((vma->vm_flags & (VM_NOHUGEPAGE | VM_SPECIAL | VM_HUGETLB)) || !vma_is_anonymous(vma) ||
	    !vma->anon_vma || (vma->vm_mm->flags & (1UL << MMF_DISABLE_THP)))
		return -EINVAL;
	last = ALIGN_DOWN(vma->vm_end - PMD_SIZE, PMD_SIZE);
	if (vma->vm_end - vma->vm_start < PMD_SIZE || last < vma->vm_start)
		return -EINVAL;
	hstart = ALIGN(start, PMD_SIZE);
	hend = ALIGN_DOWN(end, PMD_SIZE);
	for (addr = hstart; addr < hend; addr += PMD_SIZE)
		if (!walk_pte_range(vma->vm_mm, addr, addr + PMD_SIZE, collapse_writable_pte, NULL))
			err = -EINVAL;
	return err;
}

static int madvise_guard_remove(struct vm_area_struct *vma, unsigned long start,
				unsigned long end)
{
	guard_remove_range(vma, start, end);
	return 0;
}

/* Refusals that a mask of VMA flags cannot say (each one EINVAL). */
static bool vma_has_file(const struct vm_area_struct *vma)
{
	return vma->vm_file;		/* MADV_WIPEONFORK: anonymous memory only */
}

static bool vma_has_no_file(const struct vm_area_struct *vma)
{
	return !vma->vm_file;		/* MADV_REMOVE: nothing to punch a hole in */
}

static bool vma_not_anonymous(const struct vm_area_struct *vma)
{
	return !vma_is_anonymous(vma);	/* MADV_FREE: lazy freeing needs anonymous pages */
}

static bool vma_special_not_hugetlb(const struct vm_area_struct *vma)
{
	/* MADV_DODUMP: special mappings stay out of core dumps, hugetlb ones may go in */
	return (vma->vm_flags & VM_SPECIAL) && !(vma->vm_flags & VM_HUGETLB);
}

/* At most a page table's worth of isolated pages (Linux's madvise_cold_or_pageout_pte_range
 * hands reclaim_pages its list at the end of each pmd_entry): the walk stops to reclaim them. */
#define PAGEOUT_BATCH 512

/* madvise_cold_or_pageout_pte_range's walk: the pages isolated for MADV_PAGEOUT. */
struct pageout_state {
	struct vm_area_struct *vma;
	bool anon_only;			/* pageout_anon_only_filter: the file's pages stay */
	bool pageout;			/* MADV_PAGEOUT: isolate; MADV_COLD: deactivate */
	unsigned int nr;		/* Pages on @list */
	struct list_head list;		/* Isolated pages (page->lru), a reference each */
	unsigned long next;		/* Where the walk resumes after a full batch */
	unsigned long flush_start, flush_end;	/* Accessed bits cleared */
};

/*
 * can_do_file_pageout: a file's cache pages may be paged out only by who could write the file
 * (its owner, CAP_FOWNER, or the write permission bits): else it is a side channel.
 */
static bool can_do_file_pageout(struct task *tsk, const struct vm_area_struct *vma)
{
	const struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	const struct cred *c = &tsk->cred;

	if (!inode)
		return false;
	if (inode->i_uid == c->fsuid || capable(tsk, CAP_FOWNER) || capable(tsk, CAP_DAC_OVERRIDE))
		return true;
	if (inode->i_gid == c->fsgid)
		return inode->i_mode & S_IWGRP;
	return inode->i_mode & S_IWOTH;
}

/* MADV_PAGEOUT's share of one page: off the LRU onto the batch, unless it is unevictable. */
static void pageout_isolate(struct pageout_state *s, struct page *page)
{
	struct pglist_data *pgdat = &s->vma->vm_mm->machine->pgdat;

	if (!isolate_lru_page(pgdat, page))
		return;
	if (PageUnevictable(page)) {
		putback_lru_page(pgdat, page);
		return;
	}
	list_add(&page->lru, &s->list);
	s->nr++;
}

/*
 * One entry of the walk (madvise_cold_or_pageout_pte_range): a page on the LRU that this
 * mapping alone maps (shared ones are left to their other users, folio_mapcount) loses
 * PG_referenced and idle tracking's young flag, and, for COLD, the entry's accessed bit; a
 * page that was active is marked workingset. COLD then deactivates it (folio_deactivate,
 * batched), PAGEOUT isolates it; the walk stops when the batch is full.
 */
static int pageout_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct pageout_state *s = data;
	pte_t pte = ptep_get(ptep);
	struct page *page;

	if (!pte_present(pte))
		return 0;
	page = vm_normal_page(s->vma, addr, pte);
	if (!page || !PageLRU(page) || page_mapcount(page) != 1 ||
	    (s->anon_only && !PageAnon(page)))
		return 0;
	if (!s->pageout && pte_young(pte)) {	/* PAGEOUT's reclaim ignores the bit */
		(void)ptep_clear_bits(ptep, _PAGE_ACCESSED);
		if (!s->flush_end)
			s->flush_start = addr;
		s->flush_end = addr + PAGE_SIZE;
	}
	ClearPageReferenced(page);
	ClearPageYoung(page);
	if (PageActive(page))
		SetPageWorkingset(page);
	if (!s->pageout) {
		deactivate_page(&mm->machine->pgdat, page);
		return 0;
	}
	pageout_isolate(s, page);
	s->next = addr + PAGE_SIZE;
	return s->nr == PAGEOUT_BATCH;
}

/* Walks [@start, @end) a batch at a time; PAGEOUT reclaims each batch (reclaim_pages). */
static void cold_or_pageout_range(struct pageout_state *s, unsigned long start,
				  unsigned long end)
{
	struct mm_struct *mm = s->vma->vm_mm;
	unsigned long addr = start;

	INIT_LIST_HEAD(&s->list);
	/* The batches of this thread hold pages not yet on the lists: drain them first. */
	lru_add_drain(&mm->machine->pgdat);
	while (addr < end) {
		bool full = walk_pte_range(mm, addr, end, pageout_pte, s);

		addr = full ? s->next : end;
		if (s->flush_end)
			flush_tlb_range(mm, s->flush_start, s->flush_end);
		s->flush_start = s->flush_end = 0;
		if (s->pageout)
			(void)reclaim_pages(&mm->machine->pgdat, &s->list, mm);
		s->nr = 0;
	}
}

/**
 * madvise_pageout - MADV_PAGEOUT on [@start, @end) of @vma (madvise_pageout): the pages only
 * this mapping maps are isolated from the LRU and reclaimed now, without regard to their
 * recent use (vmscan.c's reclaim_pages): anonymous ones to swap (activated when there is no
 * swap), file ones unmapped and, when clean, dropped from the page cache. In a file mapping
 * the caller could not write, only the private (anonymous) copies go.
 * Context: mmap_lock held for writing.
 */
void madvise_pageout(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
	struct pageout_state s = {
		.vma = vma,
		.anon_only = !vma_is_anonymous(vma) && !can_do_file_pageout(tsk, vma),
		.pageout = true,
	};

	cold_or_pageout_range(&s, start, end);
}

/**
 * madvise_cold - MADV_COLD on [@start, @end) of @vma (madvise_cold): the pages only this
 * mapping maps are aged - accessed bits and PG_referenced cleared, the TLB entries flushed -
 * and the active ones go to the head of the inactive list through this thread's deactivate
 * batch (folio_deactivate), so that reclaim takes them before others.
 * Context: mmap_lock held.
 */
void madvise_cold(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct pageout_state s = { .vma = vma };

	cold_or_pageout_range(&s, start, end);
}

enum madvise_kind {
	MADV_KIND_INVALID,		/* Unknown to this kernel build: EINVAL */
	MADV_KIND_FLAGS,		/* Changes vm_flags only, splitting and merging */
	MADV_KIND_PAGES,		/* Acts on the range's pages; the VMA stays as it is */
};

/* One advice: what it does and to which VMAs, as data rather than a switch. */
struct madvise_desc {
	enum madvise_kind kind;
	vm_flags_t set, clear;		/* FLAGS: new vm_flags = (old & ~clear) | set */
	vm_flags_t inert_on;		/* FLAGS: VMA flags under which it silently changes nothing */
	vm_flags_t refuse;		/* VMA flags that make it EINVAL */
	bool (*refuses)(const struct vm_area_struct *vma); /* Further EINVAL cases, or NULL */
	int (*act)(struct vm_area_struct *vma, unsigned long start,
		   unsigned long end);	/* PAGES: work done before madvise_pages(), or NULL */
	bool discards;			/* Throws contents away: a seal may refuse it (is_discard) */
	bool remote;			/* May be given to another process (process_madvise) */
};

/* Pages that can be neither dropped nor aged: locked, PFN-mapped or hugetlb ones. */
#define MADV_NOT_ON_LRU (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)
/* KSM's vma_ksm_compatible(): the mappings MADV_MERGEABLE silently skips. */
#define VM_KSM_INCOMPATIBLE (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |         \
			     VM_HUGETLB | VM_MIXEDMAP | VM_DROPPABLE | VM_SHADOW_STACK)

/*
 * The advice set of Linux 6.18 as the host kernel builds it (with KSM and THP). MADV_HWPOISON
 * and MADV_SOFT_OFFLINE exist only with CONFIG_MEMORY_FAILURE, so they stay invalid.
 */
static const struct madvise_desc madvise_descs[] = {
	[MADV_NORMAL] = { MADV_KIND_FLAGS, .clear = VM_RAND_READ | VM_SEQ_READ },
	[MADV_RANDOM] = { MADV_KIND_FLAGS, .set = VM_RAND_READ, .clear = VM_SEQ_READ },
	[MADV_SEQUENTIAL] = { MADV_KIND_FLAGS, .set = VM_SEQ_READ, .clear = VM_RAND_READ },
	[MADV_DONTFORK] = { MADV_KIND_FLAGS, .set = VM_DONTCOPY, .discards = true },
	[MADV_DOFORK] = { MADV_KIND_FLAGS, .clear = VM_DONTCOPY, .refuse = VM_IO },
	[MADV_WIPEONFORK] = { MADV_KIND_FLAGS, .set = VM_WIPEONFORK, .refuse = VM_SHARED,
			      .refuses = vma_has_file, .discards = true },
	/* droppable memory is always wiped on fork */
	[MADV_KEEPONFORK] = { MADV_KIND_FLAGS, .clear = VM_WIPEONFORK, .refuse = VM_DROPPABLE },
	[MADV_DONTDUMP] = { MADV_KIND_FLAGS, .set = VM_DONTDUMP },
	/* droppable memory stays out of core dumps */
	[MADV_DODUMP] = { MADV_KIND_FLAGS, .clear = VM_DONTDUMP, .refuse = VM_DROPPABLE,
			  .refuses = vma_special_not_hugetlb },
	[MADV_MERGEABLE] = { MADV_KIND_FLAGS, .set = VM_MERGEABLE,
			     .inert_on = VM_KSM_INCOMPATIBLE },
	[MADV_UNMERGEABLE] = { MADV_KIND_FLAGS, .clear = VM_MERGEABLE },
	[MADV_HUGEPAGE] = { MADV_KIND_FLAGS, .set = VM_HUGEPAGE, .clear = VM_NOHUGEPAGE },
	[MADV_NOHUGEPAGE] = { MADV_KIND_FLAGS, .set = VM_NOHUGEPAGE, .clear = VM_HUGEPAGE },

	[MADV_DONTNEED] = { MADV_KIND_PAGES, .refuse = MADV_NOT_ON_LRU, .discards = true },
	[MADV_DONTNEED_LOCKED] = { MADV_KIND_PAGES, .refuse = VM_PFNMAP | VM_HUGETLB,
				   .discards = true },
	[MADV_FREE] = { MADV_KIND_PAGES, .refuse = MADV_NOT_ON_LRU, .refuses = vma_not_anonymous,
			.discards = true },
	/* madvise_remove, which drops mmap_lock, is called by madvise_vma_behavior */
	[MADV_REMOVE] = { MADV_KIND_PAGES, .refuse = VM_LOCKED, .refuses = vma_has_no_file,
			  .discards = true },
	/* swap-in for anonymous and shmem memory, readahead for files: never refused */
	[MADV_WILLNEED] = { MADV_KIND_PAGES, .remote = true },
	/* can_madv_lru_vma() */
	[MADV_COLD] = { MADV_KIND_PAGES, .refuse = MADV_NOT_ON_LRU, .remote = true },
	[MADV_PAGEOUT] = { MADV_KIND_PAGES, .refuse = MADV_NOT_ON_LRU, .remote = true },
	[MADV_POPULATE_READ] = { MADV_KIND_PAGES, .refuse = VM_IO | VM_PFNMAP },
	[MADV_POPULATE_WRITE] = { MADV_KIND_PAGES, .refuse = VM_IO | VM_PFNMAP },
	[MADV_COLLAPSE] = { MADV_KIND_PAGES, .act = madvise_collapse, .remote = true },
	/* is_valid_guard_vma(): installing in a locked range would have to zap it */
	[MADV_GUARD_INSTALL] = { MADV_KIND_PAGES, .refuse = VM_SPECIAL | VM_HUGETLB | VM_LOCKED,
				 .act = guard_install_range, .discards = true },
	[MADV_GUARD_REMOVE] = { MADV_KIND_PAGES, .refuse = VM_SPECIAL | VM_HUGETLB,
				.act = madvise_guard_remove },
};

/* The description of @behavior, or NULL for advice this kernel does not know. */
static const struct madvise_desc *madvise_desc_of(int behavior)
{
	if (behavior < 0 || (size_t)behavior >= ARRAY_SIZE(madvise_descs) ||
	    madvise_descs[behavior].kind == MADV_KIND_INVALID)
		return NULL;
	return &madvise_descs[behavior];
}

/**
 * madvise_discards - whether @behavior throws memory contents away (mseal's is_discard).
 * Context: any; it reads a constant table.
 * Return: false for unknown advice too.
 */
bool madvise_discards(int behavior)
{
	const struct madvise_desc *d = madvise_desc_of(behavior);

	return d && d->discards;
}

/*
 * Visits each VMA piece of the range for madvise(2): the seal first (EPERM), then the
 * advice's refusals (EINVAL), then either the flag change or the work on the pages.
 */
static int madvise_vma_behavior(struct vma_walk *w, struct vm_area_struct *vma,
				unsigned long start, unsigned long end)
{
	struct madvise_req *req = w->private;
	const struct madvise_desc *d = &madvise_descs[req->behavior];
	vm_flags_t new_flags = vma->vm_flags;
	int err = 0;

	if (!can_madvise_modify(vma, req->behavior))
		return -EPERM;
	if ((vma->vm_flags & d->refuse) || (d->refuses && d->refuses(vma)))
		return -EINVAL;
	if (d->kind == MADV_KIND_FLAGS) {
		if (!(vma->vm_flags & d->inert_on))
			new_flags = (new_flags & ~d->clear) | d->set;
		return madvise_update_vma(w, vma, start, end, new_flags, vma->anon_name);
	}
	w->prev = vma;
	if (req->behavior == MADV_REMOVE)
		return madvise_remove(w, vma, start, end);
	if (d->act)
		err = d->act(vma, start, end);
	return err ?: madvise_pages(req->tsk, vma, start, end, req->behavior);
}

/*
 * Walks [start, start + len_in) for madvise or PR_SET_VMA_ANON_NAME (madvise_walk_vmas),
 * after the range checks both share. Holes are stepped over but remembered: the result is
 * then -ENOMEM even though the VMAs around them were changed, unlike mlock and mprotect,
 * which stop at the first hole.
 */
static int madvise_walk_vmas(struct madvise_req *req, unsigned long start, size_t len_in,
			     int (*visit)(struct vma_walk *w, struct vm_area_struct *vma,
					  unsigned long start, unsigned long end))
{
	size_t len = PAGE_ALIGN(len_in);
	struct vma_walk w = {
		.mm = req->tsk->mm,
		.start = start,
		.end = start + len,
		.skip_gaps = true,
		.visit = visit,
		.private = req,
	};

	/* An unaligned start, a length that rounds up past 2^64, a range that wraps. */
	if ((start & ~PAGE_MASK) || (len_in && !len) || w.end < start)
		return -EINVAL;
	return len ? vma_walk_range(&w) : 0;
}

/**
 * sys_madvise - madvise(2).
 * Context: the caller holds mmap_lock for writing.
 * Return: 0; -EINVAL (unknown advice, unaligned start, advice the VMA does not allow);
 * -ENOMEM (holes in the range: the VMAs around them were still advised); -EFAULT
 * (MADV_POPULATE_* on a guard marker or a page that cannot be faulted); -EPERM (discarding
 * advice on sealed memory); -EACCES (MADV_REMOVE without shared write access); -EAGAIN.
 */
long sys_madvise(struct task *tsk, unsigned long start, size_t len, int behavior)
{
	struct madvise_req req = { .tsk = tsk, .behavior = behavior };

	if (!madvise_desc_of(behavior))
		return -EINVAL;
	return madvise_walk_vmas(&req, start, len, madvise_vma_behavior);
}

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT (0x7fffffffUL & PAGE_MASK)	/* INT_MAX & PAGE_MASK: one call's byte cap */

/*
 * __ptrace_may_access(PTRACE_MODE_READ_FSCREDS) of @target by @tsk, another process: the
 * caller's fsuid and fsgid are each of the target's real, effective and saved ids, and the
 * target's permitted capabilities are among the caller's effective ones
 * (cap_ptrace_access_check), or the caller has CAP_SYS_PTRACE. Left out: the dumpable
 * check (mmlab has no non-dumpable process) and LSMs.
 */
static bool ptrace_may_access_read(struct task *tsk, struct task *target)
{
	const struct cred *c = &tsk->cred, *t = &target->cred;

	if (capable(tsk, CAP_SYS_PTRACE))
		return true;
	if (c->fsuid != t->uid || c->fsuid != t->euid || c->fsuid != t->suid ||
	    c->fsgid != t->gid || c->fsgid != t->egid || c->fsgid != t->sgid)
		return false;
	return !(t->cap_permitted & ~c->cap_effective);
}

/**
 * sys_process_madvise - process_madvise(2) of @tsk on @target's address space.
 * @target: the pidfd's task, NULL when it has exited
 * @iov: the ranges; lengths count as import_iovec takes them (a length above SSIZE_MAX is
 * EINVAL, the total is capped at MAX_RW_COUNT by shortening the ranges that pass it)
 *
 * The checks go in Linux 6.18's order: flags, the iovec, the pidfd's process (ESRCH), then,
 * for another process, mm_access's ptrace check (EACCES), the advice (only COLD, PAGEOUT,
 * WILLNEED and COLLAPSE: EINVAL) and CAP_SYS_NICE (EPERM). The ranges are advised in order
 * as madvise(2) would advise them, until one fails; like the iovec iterator, empty ranges
 * after the first are skipped without a look.
 * Context: the caller holds @target's mmap_lock for writing.
 * Return: the bytes advised, or the first range's -errno when nothing was; -EINVAL (flags,
 * more than UIO_MAXIOV ranges, advice not allowed on another process), -ESRCH, -EACCES,
 * -EPERM.
 */
long sys_process_madvise(struct task *tsk, struct task *target, const struct madv_iovec *iov,
			 size_t vlen, int behavior, unsigned int flags)
{
	const struct madvise_desc *desc = madvise_desc_of(behavior);
	unsigned long total = 0, left, done = 0;
	size_t i = 0;
	long ret = 0;

	if (flags)
		return -EINVAL;
	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	for (size_t k = 0; k < vlen; k++) {
		if (iov[k].len > (unsigned long)LONG_MAX)
			return -EINVAL;
		total += min(iov[k].len, MAX_RW_COUNT - total);
	}
	if (!target)
		return -ESRCH;
	if (target->mm != tsk->mm) {
		/* mm_access: reading another mm's layout needs PTRACE_MODE_READ_FSCREDS */
		if (!ptrace_may_access_read(tsk, target))
			return -EACCES;
		/* only hints that destroy nothing (process_madvise_remote_valid) */
		if (!desc || !desc->remote)
			return -EINVAL;
		if (!capable(tsk, CAP_SYS_NICE))
			return -EPERM;
	}
	for (left = total; left; ) {
		unsigned long len = min(iov[i].len, left);

		ret = sys_madvise(target->mm == tsk->mm ? tsk : target, iov[i].base, len, behavior);
		if (ret < 0)
			break;
		done += len;
		left -= len;
		for (i++; left && !iov[i].len; i++)
			;
	}
	return done ? (long)done : ret;
}

static bool is_valid_name_char(char ch)
{
	return ch >= 32 && ch < 127 && !strchr("\\`$[]", ch);
}

/* Names each VMA piece; file mappings keep none (PR_SET_VMA_ANON_NAME). */
static int madvise_vma_anon_name(struct vma_walk *w, struct vm_area_struct *vma,
				 unsigned long start, unsigned long end)
{
	const struct madvise_req *req = w->private;
	int err;

	/* Only anonymous memory is named: not even /dev/zero's (vma_is_anon_shmem) */
	if (vma->vm_file && !vma_is_anon_shmem(vma))
		return -EBADF;
	err = madvise_update_vma(w, vma, start, end, vma->vm_flags, req->anon_name);
	return err == -ENOMEM ? -EAGAIN : err;
}

/**
 * prctl_set_vma_anon_name - prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, start, len, name).
 * @name: NULL clears the name.
 * Return: 0; -EINVAL (bad name or range); -ENOMEM (holes); -EBADF (a file mapping).
 */
long prctl_set_vma_anon_name(struct task *tsk, unsigned long start, unsigned long len,
			     const char *name)
{
	struct madvise_req req = { .tsk = tsk };
	long err;

	if (name) {
		if (strnlen(name, ANON_VMA_NAME_MAX_LEN) >= ANON_VMA_NAME_MAX_LEN)
			return -EINVAL;
		for (const char *p = name; *p; p++)
			if (!is_valid_name_char(*p))
				return -EINVAL;
		req.anon_name = anon_vma_name_alloc(name);
		if (!req.anon_name)
			return -ENOMEM;
	}
	err = madvise_walk_vmas(&req, start, len, madvise_vma_anon_name);
	anon_vma_name_put(req.anon_name);
	return err;
}
