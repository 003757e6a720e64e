// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mincore(2) (mm/mincore.c): one byte per page of a range, 1 when the page is resident -
 * mapped by a present entry, or, in a hole (or under a guard marker) of a file mapping, held
 * by the file's page cache (a shared anonymous mapping's: its shmem object's). Anonymous
 * holes and guard markers are not resident. A hole in the range between VMAs is ENOMEM,
 * after the bytes before it were filled.
 * Left out: swap-cache lookups (nothing is swapped).
 */
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/task.h"
#include "mm/shmem.h"
#include "mm/vma.h"
#include "mmlab.h"

struct mincore_state {
	struct vm_area_struct *vma;
	unsigned long start;
	unsigned char *vec;
};

static int mincore_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct mincore_state *s = data;

	if (pte_present(*ptep))
		s->vec[(addr - s->start) >> PAGE_SHIFT] = 1;
	return 0;
}

/* Whether @inode's page cache holds page @index (mincore_page); false without an inode. */
static bool mincore_page(struct inode *inode, pgoff_t index)
{
	struct address_space *mapping;
	struct page *page;

	if (!inode)
		return false;
	mapping = inode_mapping(inode);
	page = filemap_find_page(mapping, index);
	if (!page)
		return false;
	put_page(mapping->pgdat, page);
	return true;
}

/*
 * One VMA's part of mincore (mincore_pte_range): present entries are resident; a hole of a
 * shmem mapping is resident when the object's cache has the page; anonymous holes are not.
 */
static void mincore_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			unsigned char *vec)
{
	struct mincore_state s = { .vma = vma, .start = start, .vec = vec };
	struct shmem_inode *info = vma->vm_file ? vma->vm_file->shmem : NULL;
	struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	unsigned long i, n = (end - start) >> PAGE_SHIFT;

	for (i = 0; i < n; i++) {
		pgoff_t pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT) + i;

		vec[i] = shmem_page_cached(info, pgoff) || mincore_page(inode, pgoff);
	}
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
		mincore_vma(vma, addr, next, vec + ((addr - start) >> PAGE_SHIFT));
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
	mmap_read_lock(t->tsk.mm);
	ret = do_mincore(&t->tsk, (unsigned long)addr, (size_t)len, vec);
	mmap_read_unlock(t->tsk.mm);
	return (int)ret;
}
