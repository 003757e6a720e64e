// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mincore(2) (mm/mincore.c): one byte per page of a range, 1 when the page is resident -
 * mapped by a present entry, or, in a hole of a shared anonymous mapping, held by its shmem
 * object's cache; a swap entry is resident when the swap cache still holds its page.
 * Anonymous holes and guard markers are not resident. A hole in the range between VMAs is
 * ENOMEM, after the bytes before it were filled.
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <string.h>
#include <sys/stat.h>

struct mincore_state {
	struct vm_area_struct *vma;
	unsigned long start;
	unsigned char *vec;
};

static int mincore_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct mincore_state *s = data;
	pte_t pte = ptep_get(ptep);

	if (pte_present(pte))
		s->vec[(addr - s->start) >> PAGE_SHIFT] = 1;
	else if (is_swap_entry_pte(pte)) /* mincore_swap: the swap cache's page */
		s->vec[(addr - s->start) >> PAGE_SHIFT] =
			swap_cache_uptodate(mm->machine, pte_to_swp_entry(pte));
	return 0;
}

/* Whether the page at @index of @mapping is in the cache and up to date (mincore_page). */
static unsigned char mincore_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page;
	unsigned char present;

	pthread_mutex_lock(&mapping->lock);
	page = xa_load(&mapping->i_pages, index);
	present = page && PageUptodate(page);
	pthread_mutex_unlock(&mapping->lock);
	return present;
}

/*
 * can_do_mincore: the page cache of a file shows only to who could open it for writing - its
 * owner, CAP_FOWNER, or the write permission bits (a side channel otherwise); for the others
 * the kernel reports every page resident.
 */
static bool can_do_mincore(struct task *tsk, const struct vm_area_struct *vma)
{
	const struct inode *inode = vma->vm_file->f_inode;
	const struct cred *c = &tsk->cred;
	mode_t mode = inode->i_mode;

	if (inode->i_uid == c->fsuid || capable(tsk, CAP_FOWNER) || capable(tsk, CAP_DAC_OVERRIDE))
		return true;
	if (inode->i_gid == c->fsgid)
		return mode & S_IWGRP;
	return mode & S_IWOTH;
}

/*
 * One VMA's part of mincore (mincore_pte_range): present entries are resident; a hole of a
 * mapping of a file (shmem included) is resident when the file's cache has the page;
 * anonymous holes are not.
 */
static void mincore_vma(struct task *tsk, struct vm_area_struct *vma, unsigned long start,
			unsigned long end, unsigned char *vec)
{
	struct mincore_state s = { .vma = vma, .start = start, .vec = vec };
	struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	unsigned long i, n = (end - start) >> PAGE_SHIFT;
	pgoff_t pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);

	if (inode && !vma_is_anonymous(vma) && !can_do_mincore(tsk, vma)) {
		memset(vec, 1, n);
		return;
	}
	for (i = 0; i < n; i++)
		vec[i] = inode && !vma_is_anonymous(vma) ?
			 mincore_page(inode_mapping(inode), pgoff + i) : 0;
	(void)walk_pte_range(vma->vm_mm, start, end, mincore_pte, &s);
}

/**
 * do_mincore - mincore(2): one byte per page of [@start, @start + @len), 1 when resident.
 * @vec: room for DIV_ROUND_UP(@len, PAGE_SIZE) bytes
 * Context: mmap_lock held for reading.
 * Return: 0; -EINVAL for an unaligned @start; -ENOMEM when the range leaves the user half or
 * meets a hole (bytes before the hole are filled).
 */
long do_mincore(struct task *tsk, unsigned long start, size_t len, unsigned char *vec)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long end, addr;

	mmap_assert_locked(mm);
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (len > TASK_SIZE_MAX || start > TASK_SIZE_MAX - len)
		return -ENOMEM;
	end = start + PAGE_ALIGN(len);
	for (addr = start; addr < end;) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		unsigned long next;

		if (!vma)
			return -ENOMEM;
		next = min(end, vma->vm_end);
		mincore_vma(tsk, vma, addr, next, vec + ((addr - start) >> PAGE_SHIFT));
		addr = next;
	}
	return 0;
}

MMLAB_EXPORT int mmlab_mincore(struct mmlab_task *t, uint64_t addr, uint64_t len,
			       unsigned char *vec)
{
	long ret;

	if (!t || (len && !vec))
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	mmap_read_lock(t->tsk.mm);
	ret = do_mincore(&t->tsk, (unsigned long)addr, (size_t)len, vec);
	mmap_read_unlock(t->tsk.mm);
	return (int)ret;
}
