// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Creating mappings: the layout of a new address space (arch/x86/mm/mmap.c: mmap_base, ASLR),
 * the search for a free range (mm/mmap.c's unmapped_area*, arch/x86/kernel/sys_x86_64.c's
 * arch_get_unmapped_area*, mm/huge_memory.c's THP alignment), mmap(2), munmap(2) and brk(2)
 * (mm/mmap.c) with the kernel's order of checks; PROT_EXEC alone gets the execute-only
 * protection key (pkeys.c). A hugetlbfs file (a MFD_HUGETLB memfd) is mapped in whole huge
 * pages at a huge page boundary (hugetlb_get_unmapped_area); its ->mmap decides the rest
 * (memfd.c). Left out: MAP_HUGETLB's own hugetlbfs file (no huge pages exist, so it fails as
 * on a host without reserved huge pages, even with MAP_NORESERVE), LSM hooks other than the capability module's,
 * 5-level paging and the 32-bit compat bases. Overcommit charges go through util.c.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/mmap.h"
#include "mm/syscalls.h"
#include "mm/memfd.h"
#include "mm/shmem.h"
#include "mm/task.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#define MAP_TYPE_MASK 0x0f
#define MAP_DROPPABLE_TYPE 0x08
#define MAP_HUGE_SHIFT_ 26
#define MAP_HUGE_MASK_ 0x3f
/* The flags MAP_SHARED silently accepts (include/linux/mman.h's LEGACY_MAP_MASK). */
#define LEGACY_MAP_MASK                                                                            \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE |   \
	 MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |           \
	 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)

#define SIZE_128M (128UL << 20)
#define STACK_RND_MASK 0x3fffffUL	/* 22 bits of stack randomization, in pages */
#define MMAP_RND_BITS 28		/* vm.mmap_rnd_bits on x86_64 */
#define ELF_ET_DYN_BASE 0x555555554000UL

/* splitmix64: the layout is a pure function of the task's seed. */
uint64_t task_random(struct task *tsk)
{
	uint64_t z = (tsk->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long arch_rnd(struct task *tsk, unsigned int bits)
{
	if (!tsk->cfg.randomize)
		return 0;
	return (unsigned long)(task_random(tsk) & ((1ULL << bits) - 1)) << PAGE_SHIFT;
}

/* The stack's random span, reserved below the stack before mmap_base. */
static unsigned long stack_maxrandom_size(struct task *tsk)
{
	return tsk->cfg.randomize ? STACK_RND_MASK << PAGE_SHIFT : 0;
}

static unsigned long mmap_base(struct task *tsk, unsigned long rnd, unsigned long task_size)
{
	unsigned long gap = task_rlimit(tsk, RLIMIT_STACK);
	unsigned long pad = stack_maxrandom_size(tsk) + STACK_GUARD_GAP;

	if (gap + pad > gap) /* RLIM_INFINITY would overflow */
		gap += pad;
	gap = gap < SIZE_128M ? SIZE_128M : min(gap, (task_size / 6) * 5);
	return PAGE_ALIGN(task_size - gap - rnd);
}

/**
 * arch_pick_mmap_layout - choose top-down or legacy layout and the mmap bases, as exec does.
 * Context: the mm has no VMAs yet.
 */
void arch_pick_mmap_layout(struct task *tsk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long rnd = arch_rnd(tsk, MMAP_RND_BITS);

	mm->task_size = TASK_SIZE_MAX;
	mm->mmap_legacy_base = PAGE_ALIGN(DEFAULT_MAP_WINDOW / 3) + rnd;
	if (tsk->cfg.legacy_layout) {
		mm->flags &= ~(1UL << MMF_TOPDOWN);
		mm->mmap_base = mm->mmap_legacy_base;
	} else {
		mm->flags |= 1UL << MMF_TOPDOWN;
		mm->mmap_base = mmap_base(tsk, rnd, DEFAULT_MAP_WINDOW);
	}
}

/*
 * One request to the gap search (the kernel's vm_unmapped_area_info): @length bytes inside
 * [low_limit, high_limit) at an address congruent to align_offset modulo align_mask + 1.
 */
struct vm_unmapped_area_info {
	bool topdown;			/* The highest fit instead of the lowest */
	unsigned long length;		/* Bytes, a multiple of the page size */
	unsigned long low_limit;	/* The mapping starts at or above this address */
	unsigned long high_limit;	/* and ends at or below this one */
	unsigned long align_mask;	/* An alignment minus one; 0 for page alignment */
	unsigned long align_offset;	/* The address's wanted remainder under align_mask */
};

#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

/*
 * Where a mapping goes inside the free range [lo, hi): as low as the alignment allows, or
 * top-down as high. The search asked the tree for length + align_mask bytes, so moving to
 * the aligned address never leaves the range.
 */
static unsigned long gap_candidate(const struct vm_unmapped_area_info *info, unsigned long lo,
				   unsigned long hi)
{
	unsigned long top;

	if (!info->topdown)
		return lo + ((info->align_offset - lo) & info->align_mask);
	top = hi - info->length;
	return top - ((top - info->align_offset) & info->align_mask);
}

/*
 * The tree knows free ranges, not guard gaps: the VMA right above the range @mas found
 * may want room below it (a VM_GROWSDOWN stack keeps stack_guard_gap free). Returns that
 * VMA when its guard gap starts below @reach, else NULL. The VMA below the range needs no
 * look: without VM_GROWSUP (x86 has none) its vm_end_gap() is its vm_end, which the free
 * range already starts at or above.
 */
static struct vm_area_struct *gap_guard_conflict(struct ma_state *mas, unsigned long reach)
{
	struct vm_area_struct *above = mas_find(mas, ULONG_MAX);

	if (!above || !(above->vm_flags & VM_STARTGAP_FLAGS))
		return NULL;
	return vm_start_gap(above) < reach ? above : NULL;
}

/*
 * unmapped_area - the lowest address for @info. Each round asks the maple tree for the
 * lowest free range of the padded length in the window; when a stack's guard gap above it
 * is in the way, the window's floor moves past that stack and the tree is asked again.
 * Return: the address, or -ENOMEM when nothing fits.
 */
static unsigned long unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info)
{
	unsigned long need = info->length + info->align_mask;
	unsigned long floor = max(info->low_limit, mm->mmap_min_addr);
	MA_STATE(mas, &mm->mm_mt, 0, 0);

	if (need < info->length) /* the padding wrapped around */
		return -ENOMEM;
	while (floor < info->high_limit) {
		struct vm_area_struct *stack;
		unsigned long addr;

		if (mas_empty_area(&mas, floor, info->high_limit - 1, need))
			break;
		addr = gap_candidate(info, mas.index, mas.last + 1);
		stack = gap_guard_conflict(&mas, addr + need - 1);
		if (!stack)
			return addr;
		floor = stack->vm_end;
	}
	return -ENOMEM;
}

/*
 * unmapped_area_topdown - the highest address for @info: the mirror of unmapped_area(),
 * whose window loses its top part, down to the obstructing stack's guard gap, each round.
 */
static unsigned long unmapped_area_topdown(struct mm_struct *mm,
					   const struct vm_unmapped_area_info *info)
{
	unsigned long need = info->length + info->align_mask;
	unsigned long floor = max(info->low_limit, mm->mmap_min_addr), ceiling = info->high_limit;
	struct vm_area_struct *stack;
	MA_STATE(mas, &mm->mm_mt, 0, 0);

	if (need < info->length)
		return -ENOMEM;
	for (; floor < ceiling; ceiling = vm_start_gap(stack)) {
		unsigned long free_end;

		if (mas_empty_area_rev(&mas, floor, ceiling - 1, need))
			break;
		free_end = mas.last + 1;
		stack = gap_guard_conflict(&mas, free_end);
		if (!stack)
			return gap_candidate(info, mas.index, free_end);
	}
	return -ENOMEM;
}

static unsigned long vm_unmapped_area(struct mm_struct *mm,
				      const struct vm_unmapped_area_info *info)
{
	return info->topdown ? unmapped_area_topdown(mm, info) : unmapped_area(mm, info);
}

/* A hinted range is taken when it is free, the guard gap of a stack above it included. */
static bool mmap_hint_free(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *above = find_vma(mm, addr);

	return !above || addr + len <= vm_start_gap(above);
}

/*
 * The window of a bottom-up search: above mmap_legacy_base, or for MAP_32BIT the second
 * GiB, whose start moves up by as much as 32 MiB (in whole pages) under ASLR.
 */
static struct vm_unmapped_area_info bottomup_window(struct task *tsk, unsigned long flags)
{
	unsigned long low = 0x40000000UL;

	if (!(flags & MAP_32BIT))
		return (struct vm_unmapped_area_info){ .low_limit = tsk->mm->mmap_legacy_base,
						       .high_limit = DEFAULT_MAP_WINDOW };
	if (tsk->cfg.randomize)
		low += (task_random(tsk) % (0x02000000UL >> PAGE_SHIFT)) << PAGE_SHIFT;
	return (struct vm_unmapped_area_info){ .low_limit = low, .high_limit = 0x80000000UL };
}

/*
 * arch_get_unmapped_area - x86's bottom-up placement (arch/x86/kernel/sys_x86_64.c): a
 * free hint as it is (rounded up to a page), else the lowest fit in the window.
 */
static unsigned long arch_get_unmapped_area(struct task *tsk, unsigned long addr,
					    unsigned long len, pgoff_t pgoff, unsigned long flags)
{
	struct vm_unmapped_area_info info;

	if (flags & MAP_FIXED)
		return addr;
	info = bottomup_window(tsk, flags);
	if (len > info.high_limit)
		return -ENOMEM;
	if (addr) {
		unsigned long hint = PAGE_ALIGN(addr);

		if (info.high_limit - len >= hint && mmap_hint_free(tsk->mm, hint, len))
			return hint;
	}
	info.length = len;
	info.align_offset = pgoff << PAGE_SHIFT;
	return vm_unmapped_area(tsk->mm, &info);
}

/* A hint must not straddle DEFAULT_MAP_WINDOW (x86's 47-bit limit; 5-level paging aside). */
static bool mmap_address_hint_valid(unsigned long addr, unsigned long len)
{
	if (TASK_SIZE_MAX - len < addr)
		return false;
	return (addr > DEFAULT_MAP_WINDOW) == (addr + len > DEFAULT_MAP_WINDOW);
}

/*
 * arch_get_unmapped_area_topdown - x86's top-down placement: a free hint as it is
 * (rounded down to a page), else the highest fit below mmap_base. MAP_32BIT, and a
 * search that finds nothing below mmap_base, go to the bottom-up placement instead.
 */
static unsigned long arch_get_unmapped_area_topdown(struct task *tsk, unsigned long addr,
						    unsigned long len, pgoff_t pgoff,
						    unsigned long flags)
{
	const struct vm_unmapped_area_info below_base = {
		.topdown = true,
		.length = len,
		.low_limit = PAGE_SIZE,
		.high_limit = tsk->mm->mmap_base,
		.align_offset = pgoff << PAGE_SHIFT,
	};
	unsigned long hint = addr & PAGE_MASK, found;

	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (flags & MAP_32BIT)
		return arch_get_unmapped_area(tsk, addr, len, pgoff, flags);
	if (addr && mmap_address_hint_valid(hint, len) && mmap_hint_free(tsk->mm, hint, len))
		return hint;
	found = vm_unmapped_area(tsk->mm, &below_base);
	/* An error is never page-aligned. */
	if (found & ~PAGE_MASK)
		return arch_get_unmapped_area(tsk, addr, len, pgoff, flags);
	return found;
}

static unsigned long mm_get_unmapped_area(struct task *tsk, unsigned long addr,
					  unsigned long len, pgoff_t pgoff, unsigned long flags)
{
	if (tsk->mm->flags & (1UL << MMF_TOPDOWN))
		return arch_get_unmapped_area_topdown(tsk, addr, len, pgoff, flags);
	return arch_get_unmapped_area(tsk, addr, len, pgoff, flags);
}

/* The file range [off, off + len) holds a whole 2 MiB-aligned block of the file. */
static bool thp_range_holds_pmd(unsigned long off, unsigned long len)
{
	unsigned long first = ALIGN(off, PMD_SIZE), end = off + len;

	return end > first && end - first >= PMD_SIZE;
}

/*
 * thp_get_unmapped_area - place a mapping so that its address and file offset agree
 * modulo 2 MiB, so that whole aligned blocks of the file could map with huge pages
 * (mm/huge_memory.c). It searches for 2 MiB more than needed and slides the mapping up
 * inside that room; a hint found free is kept as it is.
 * Return: the address, or 0 to have the caller search again without padding.
 */
static unsigned long thp_get_unmapped_area(struct task *tsk, unsigned long addr,
					   unsigned long len, pgoff_t pgoff, unsigned long flags)
{
	unsigned long off = pgoff << PAGE_SHIFT, padded, base, slide;

	if (!thp_range_holds_pmd(off, len))
		return 0;
	if (__builtin_add_overflow(len, PMD_SIZE, &padded) || off + padded < off)
		return 0;
	base = mm_get_unmapped_area(tsk, addr, padded, pgoff, flags);
	if (IS_ERR_VALUE(base))
		return 0; /* perhaps only the padding did not fit */
	if (base == addr)
		return addr;
	slide = (off - base) & (PMD_SIZE - 1);
	/* Top-down, an already aligned base moves up a whole block, to the top of the room. */
	if (!slide && (tsk->mm->flags & (1UL << MMF_TOPDOWN)))
		slide = PMD_SIZE;
	return base + slide;
}

/* is_file_hugepages: a hugetlbfs file (a MFD_HUGETLB memfd). */
static bool is_file_hugepages(const struct file *file)
{
	return file && file->f_inode && file->f_inode->i_hugetlb;
}

/*
 * hugetlb_get_unmapped_area - a hugetlbfs file's placement (fs/hugetlbfs): whole huge pages
 * at a huge page boundary; a fixed address must be one (EINVAL), a hint is rounded up to one
 * and taken when free; else the top-down search, or the bottom-up one when it finds nothing
 * or the layout is legacy, each for a 2 MiB-aligned gap.
 */
static unsigned long hugetlb_get_unmapped_area(struct task *tsk, unsigned long addr,
					       unsigned long len, unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_unmapped_area_info info = { .length = len, .align_mask = PMD_SIZE - 1 };
	unsigned long found;

	if (len & (PMD_SIZE - 1))
		return -EINVAL;
	if (flags & MAP_FIXED)
		return (addr & (PMD_SIZE - 1)) ? (unsigned long)-EINVAL : addr;
	if (addr) {
		addr = ALIGN(addr, PMD_SIZE);
		if (addr && DEFAULT_MAP_WINDOW - len >= addr && addr >= mm->mmap_min_addr &&
		    mmap_hint_free(mm, addr, len))
			return addr;
	}
	if (mm->flags & (1UL << MMF_TOPDOWN)) {
		info.topdown = true;
		info.low_limit = PAGE_SIZE;
		info.high_limit = mm->mmap_base;
		found = vm_unmapped_area(mm, &info);
		if (!(found & ~PAGE_MASK))
			return found;
		info.topdown = false;
	}
	info.low_limit = mm->mmap_base;
	info.high_limit = DEFAULT_MAP_WINDOW;
	return vm_unmapped_area(mm, &info);
}

/**
 * get_unmapped_area - choose where a mapping of @len bytes goes (__get_unmapped_area).
 * Return: the address, or -ENOMEM (no room, too long) / -EINVAL (unaligned fixed address) /
 * -EPERM (below vm.mmap_min_addr without CAP_SYS_RAWIO: security_mmap_addr) cast to unsigned
 * long.
 */
unsigned long get_unmapped_area(struct task *tsk, struct file *file, unsigned long addr,
				unsigned long len, pgoff_t pgoff, unsigned long flags,
				vm_flags_t vm_flags)
{
	bool thp_align;
	unsigned long ret = 0;
	int err;

	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	if (!file)
		pgoff = 0;
	if (is_file_hugepages(file)) {
		ret = hugetlb_get_unmapped_area(tsk, addr, len, flags);
		goto check;
	}
	/*
	 * THP alignment for files that can have huge pages (ext4, xfs, tmpfs; private
	 * /dev/zero), and for private anonymous memory of whole 2 MiB blocks without a hint.
	 */
	if (file)
		thp_align = file->regular ||
			    (file->f_mmap == FILE_MMAP_ZERO && !(flags & MAP_SHARED));
	else
		thp_align = !(flags & MAP_SHARED) && !addr && IS_ALIGNED(len, PMD_SIZE);
	if (thp_align)
		ret = thp_get_unmapped_area(tsk, addr, len, pgoff, flags);
	if (!ret)
		ret = mm_get_unmapped_area(tsk, addr, len, pgoff, flags);
check:
	if (IS_ERR_VALUE(ret))
		return ret;
	if (ret > TASK_SIZE_MAX - len)
		return -ENOMEM;
	if (ret & ~PAGE_MASK)
		return -EINVAL;
	err = cap_mmap_addr(tsk, ret);
	return err ? (unsigned long)(long)err : ret;
}

/**
 * may_expand_vm - RLIMIT_AS and RLIMIT_DATA allow @npages more pages with @flags.
 */
bool may_expand_vm(struct task *tsk, vm_flags_t flags, unsigned long npages)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long soft = task_rlimit(tsk, RLIMIT_DATA);
	bool data = (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;

	if (mm->total_vm + npages > task_rlimit(tsk, RLIMIT_AS) >> PAGE_SHIFT)
		return false;
	if (!data || mm->data_vm + npages <= soft >> PAGE_SHIFT)
		return true;
	/*
	 * Over RLIMIT_DATA. A soft limit of 0 is Valgrind's way of asking for the hard one;
	 * the ignore_rlimit_data boot option turns the limit into a warning.
	 */
	if (!soft && mm->data_vm + npages <= task_rlimit_max(tsk, RLIMIT_DATA) >> PAGE_SHIFT)
		return true;
	return tsk->cfg.ignore_rlimit_data;
}

/**
 * mlock_future_ok - RLIMIT_MEMLOCK allows @bytes more locked memory when @flags lock it.
 */
bool mlock_future_ok(struct task *tsk, vm_flags_t flags, unsigned long bytes)
{
	unsigned long limit = task_rlimit(tsk, RLIMIT_MEMLOCK) >> PAGE_SHIFT;

	if (!(flags & VM_LOCKED) || capable(tsk, CAP_IPC_LOCK))
		return true;
	return tsk->mm->locked_vm + (bytes >> PAGE_SHIFT) <= limit;
}

/*
 * Pages of [addr, end) in VMAs that have every flag of @need (0: all VMAs): what a new
 * mapping there replaces, for the address-space limit (0) and for the overcommit charge,
 * which passes from the replaced VM_ACCOUNT pages to the new mapping.
 */
static unsigned long count_vma_pages_range(struct mm_struct *mm, unsigned long addr,
					   unsigned long end, vm_flags_t need)
{
	struct vm_area_struct *vma;
	unsigned long pages = 0;
	VMA_ITERATOR(vmi, mm, addr);

	for_each_vma_range(vmi, vma, end)
		if ((vma->vm_flags & need) == need)
			pages += (min(end, vma->vm_end) - max(addr, vma->vm_start)) >> PAGE_SHIFT;
	return pages;
}

/*
 * __mmap_region - map [addr, addr+len) with @vm_flags, replacing what is there. @mmap_err is
 * the error the file's ->mmap returns (hugetlbfs without reserved pages), 0 when it accepts:
 * it comes after the old mappings of a MAP_FIXED range are gone, and the gap stays, as in
 * the kernel when a file's mmap fails.
 */
static unsigned long __mmap_region(struct task *tsk, struct file *file, unsigned long addr,
				   unsigned long len, vm_flags_t vm_flags, pgoff_t pgoff,
				   int mmap_err)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long end = addr + len, pglen = len >> PAGE_SHIFT, charged = 0;
	struct vm_area_struct *vma, *prev, *next;
	struct file *shm = NULL;
	bool zero_shared = false;
	int err;

	if (map_deny_write_exec(mm, vm_flags, vm_flags))
		return -EACCES; /* mmap_region: before anything is unmapped */
	if (!may_expand_vm(tsk, vm_flags, pglen) &&
	    !may_expand_vm(tsk, vm_flags, pglen - count_vma_pages_range(mm, addr, end, 0)))
		return -ENOMEM;
	/*
	 * Private writable memory is charged against overcommit (accountable_mapping), less
	 * the charged pages it replaces; a refusal leaves the old mappings, as 6.12+ restores
	 * them. The munmap below returns their charge, so it is taken again for the new VMA.
	 */
	vma = find_vma_intersection(mm, addr, end);
	if (!mmap_err && (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
		unsigned long old = vma ? count_vma_pages_range(mm, addr, end, VM_ACCOUNT) : 0;

		if (security_vm_enough_memory_mm(tsk, mm, (long)(pglen - old)))
			return -ENOMEM;
		vm_acct_memory(mm->machine, (long)old);
		charged = pglen;
		vm_flags |= VM_ACCOUNT;
	}
	if (vma) {
		err = do_vmi_align_munmap(mm, vma, addr, end);
		if (err)
			goto unacct;
	}
	if (mmap_err)
		return mmap_err;
	/* mmap_zero: a shared writable mapping of /dev/zero is shmem, as MAP_ANONYMOUS is. */
	if (file && file->f_mmap == FILE_MMAP_ZERO && (vm_flags & VM_SHARED)) {
		zero_shared = true;
		file = NULL;
	}

	next = find_vma_prev(mm, addr, &prev);
	if (next && next->vm_start != end)
		next = NULL;
	if (prev && prev->vm_end != addr)
		prev = NULL;
	struct vma_merge_struct vmg = {
		.mm = mm, .prev = prev, .next = next, .start = addr, .end = end,
		.pgoff = pgoff, .flags = vm_flags, .file = file,
	};
	vma = vma_merge_new_range(&vmg);
	err = -ENOMEM;
	if (!vma && vmg.state == VMA_MERGE_ERROR_NOMEM)
		goto unacct;
	if (!vma) {
		if (!file && (vm_flags & VM_SHARED)) {
			shm = shmem_zero_file(mm->machine, len);
			if (!shm)
				goto unacct;
			/* shmem_acct_size: the object is charged whole unless MAP_NORESERVE */
			if (!(vm_flags & VM_NORESERVE)) {
				if (security_vm_enough_memory_mm(tsk, mm, (long)pglen))
					goto put_shm;
				shm->f_inode->shmem_acct = pglen;
			}
		}
		vma = vm_area_alloc(mm);
		if (!vma)
			goto put_shm;
		vma->vm_start = addr;
		vma->vm_end = end;
		vma->vm_flags = vm_flags;
		vma->vm_pgoff = pgoff;
		vma->vm_file = file ? get_file(file) : shm;
		if (shm && !zero_shared)
			vma->vm_pgoff = 0;
		vma_set_page_prot(vma);
		/* The file's own ->mmap (shm_mmap): it sets vm_ops only when it succeeds. */
		if (file && file->f_op && file->f_op->mmap) {
			err = file->f_op->mmap(file, vma);
			if (err) {
				vm_area_free(vma);
				goto unacct;
			}
		}
		err = vma_tree_insert(mm, vma);
		if (err) {
			vm_area_free(vma);
			goto unacct;
		}
	}
	vm_stat_account(mm, vm_flags, (long)pglen);
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += pglen;
	return addr;

put_shm:
	if (shm)
		fput(shm);
unacct:
	vm_unacct_memory(mm->machine, (long)charged);
	return (unsigned long)(long)err;
}

/**
 * mmap_region - map [addr, addr+len) with @vm_flags, replacing what is there.
 * Context: mmap_lock held for writing; the range was chosen by get_unmapped_area().
 * Return: @addr, or -ENOMEM (limits, map count, memory).
 */
unsigned long mmap_region(struct task *tsk, struct file *file, unsigned long addr,
			  unsigned long len, vm_flags_t vm_flags, pgoff_t pgoff)
{
	return __mmap_region(tsk, file, addr, len, vm_flags, pgoff, 0);
}

static vm_flags_t calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

static vm_flags_t calc_vm_flag_bits(unsigned long flags)
{
	return (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | (flags & MAP_LOCKED ? VM_LOCKED : 0) |
	       (flags & MAP_SYNC ? VM_SYNC : 0) | (flags & MAP_STACK ? VM_NOHUGEPAGE : 0);
}

/* A hint below vm.mmap_min_addr is moved up to it rather than refused: it is only a hint. */
static unsigned long round_hint_to_min(struct mm_struct *mm, unsigned long hint)
{
	hint &= PAGE_MASK;
	if (hint && hint < mm->mmap_min_addr)
		return PAGE_ALIGN(mm->mmap_min_addr);
	return hint;
}

/*
 * One mmap(2) call on its way through do_mmap(): each stage reads what the earlier ones
 * settled, fills in its own part and returns 0 or the errno the call fails with. Callers
 * see the stages' order in which errno wins when several apply, so it is the kernel's.
 */
struct mmap_request {
	struct task *tsk;
	struct file *file;		/* NULL for anonymous memory */
	unsigned long addr;		/* The hint, then the address chosen */
	unsigned long len;		/* Bytes; page-aligned once checked */
	unsigned long prot;		/* PROT_* */
	unsigned long flags;		/* MAP_*; MAP_FIXED_NOREPLACE adds MAP_FIXED */
	pgoff_t pgoff;			/* File offset in pages; anonymous memory gets its own */
	vm_flags_t vm_flags;		/* The new VMA's flags, built up stage by stage */
	int mmap_err;			/* The file's ->mmap verdict: 0, or its errno */
};

/* The length and offset the request can have at all, whatever is mapped already. */
static int mmap_check_range(struct mmap_request *req)
{
	struct mm_struct *mm = req->tsk->mm;
	pgoff_t last_pgoff;

	if (!req->len)
		return -EINVAL;
	if (req->flags & MAP_FIXED_NOREPLACE)
		req->flags |= MAP_FIXED;
	if (!(req->flags & MAP_FIXED))
		req->addr = round_hint_to_min(mm, req->addr);
	req->len = PAGE_ALIGN(req->len);
	if (!req->len)
		return -ENOMEM; /* within a page of the top of the address space */
	if (__builtin_add_overflow(req->pgoff, req->len >> PAGE_SHIFT, &last_pgoff))
		return -EOVERFLOW;
	return mm->map_count > mm->max_map_count ? -ENOMEM : 0;
}

/* The VMA flags the protection and the MAP_ flags ask for, before the type adds its own. */
static int mmap_calc_vm_flags(struct mmap_request *req)
{
	struct task *tsk = req->tsk;

	req->vm_flags = calc_vm_prot_bits(req->prot) | calc_vm_flag_bits(req->flags) |
			tsk->mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	/* PROT_EXEC alone: the execute-only key, taken even if the mapping then fails. */
	if (req->prot == PROT_EXEC)
		req->vm_flags |= pkey_vm_flags(max(execute_only_pkey(tsk), 0));
	return 0;
}

/* Where the mapping goes; MAP_FIXED_NOREPLACE refuses a place that is not free. */
static int mmap_place(struct mmap_request *req)
{
	unsigned long addr = get_unmapped_area(req->tsk, req->file, req->addr, req->len,
					       req->pgoff, req->flags, req->vm_flags);

	if (IS_ERR_VALUE(addr))
		return (int)(long)addr;
	req->addr = addr;
	if (!(req->flags & MAP_FIXED_NOREPLACE))
		return 0;
	return find_vma_intersection(req->tsk->mm, addr, addr + req->len) ? -EEXIST : 0;
}

/* MAP_LOCKED and a VM_LOCKED default against RLIMIT_MEMLOCK. */
static int mmap_check_mlock(struct mmap_request *req)
{
	struct task *tsk = req->tsk;
	bool can_lock = capable(tsk, CAP_IPC_LOCK) || task_rlimit(tsk, RLIMIT_MEMLOCK) != 0;

	if ((req->flags & MAP_LOCKED) && !can_lock)
		return -EPERM; /* can_do_mlock() */
	return mlock_future_ok(tsk, req->vm_flags, req->len) ? 0 : -EAGAIN;
}

/*
 * file_mmap_ok(): the offset of the mapping's last byte must fit the file's size limit,
 * MAX_LFS_FILESIZE for regular files, block devices and sockets (and hugetlbfs).
 */
static bool mmap_offset_fits(pgoff_t pgoff, unsigned long len, bool lfs)
{
	unsigned long limit = lfs ? 0x7fffffffffffffffUL : ULONG_MAX;

	return pgoff <= (limit - len) >> PAGE_SHIFT;
}

/*
 * A file mapping: the open mode must allow what the type and protection ask for. Shared
 * mappings of a file opened read-only stay read-only for good (no VM_MAYWRITE), so
 * mprotect cannot make them writable later.
 */
static int mmap_file_type(struct mmap_request *req)
{
	struct file *file = req->file;
	unsigned long type = req->flags & MAP_TYPE_MASK;
	bool writer = READ_ONCE(file->f_mode) & FMODE_WRITE;
	int err;

	if (!mmap_offset_fits(req->pgoff, req->len,
			      file->regular || S_ISBLK(file->i_mode) || S_ISSOCK(file->i_mode)))
		return -EOVERFLOW;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type != MAP_PRIVATE) {
		/* Only MAP_SHARED_VALIDATE refuses flags it does not know. */
		if (type == MAP_SHARED_VALIDATE && (req->flags & ~LEGACY_MAP_MASK))
			return -EOPNOTSUPP;
		if (writer ? file->append : (req->prot & PROT_WRITE) != 0)
			return -EACCES;
		req->vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!writer)
			req->vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	}
	if (!(READ_ONCE(file->f_mode) & FMODE_READ))
		return -EACCES;
	if (file->noexec && (req->vm_flags & VM_EXEC))
		return -EPERM;
	if (file->noexec)
		req->vm_flags &= ~VM_MAYEXEC;
	if (file->f_mmap == FILE_MMAP_NONE)
		return -ENODEV;
	if (req->vm_flags & VM_GROWSDOWN)
		return -EINVAL;
	/* the write seals of a memfd: before any old mapping goes */
	err = memfd_check_seals_mmap(file, &req->vm_flags);
	if (err)
		return err;
	/* procfs entries without an mmap of their own (proc_reg_mmap), kernfs files */
	if (file->f_mmap == FILE_MMAP_EIO)
		req->mmap_err = -EIO;
	else if (file->f_mmap == FILE_MMAP_KERNFS)
		req->mmap_err = -ENODEV;
	return 0;
}

/* MAP_HUGETLB maps a hugetlbfs file (ksys_mmap set up its ->mmap verdict). */
static int mmap_hugetlb_type(struct mmap_request *req)
{
	if (!mmap_offset_fits(req->pgoff, req->len, true))
		return -EOVERFLOW;
	/* hugetlbfs knows shared and private mappings; MAP_DROPPABLE is neither */
	if ((req->flags & MAP_TYPE_MASK) == MAP_DROPPABLE_TYPE || (req->vm_flags & VM_GROWSDOWN))
		return -EINVAL;
	return 0;
}

/*
 * Anonymous memory. A shared mapping is a shmem object of its own, offset 0; private
 * memory takes its address's page number as offset, so that neighbours mapped apart can
 * merge. 6.11's MAP_DROPPABLE is private memory reclaim may drop even when dirty: never
 * locked, a stack, reserved, copied by fork or dumped.
 */
static int mmap_anon_type(struct mmap_request *req)
{
	unsigned long type = req->flags & MAP_TYPE_MASK;
	bool stack = req->vm_flags & VM_GROWSDOWN;

	if (type == MAP_SHARED && !stack) {
		req->vm_flags |= VM_SHARED | VM_MAYSHARE;
		req->pgoff = 0;
		return 0;
	}
	if (type == MAP_DROPPABLE_TYPE && !stack && !(req->flags & MAP_LOCKED))
		req->vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
	else if (type != MAP_PRIVATE)
		return -EINVAL;
	req->pgoff = req->addr >> PAGE_SHIFT;
	return 0;
}

/* The mapping type and what the object behind it allows. */
static int mmap_check_type(struct mmap_request *req)
{
	if (req->file)
		return mmap_file_type(req);
	return req->mmap_err ? mmap_hugetlb_type(req) : mmap_anon_type(req);
}

/*
 * do_mmap - mmap(2) after the fd lookup: the request passes the stages in turn, then
 * __mmap_region() maps it. Faulting the range in (MAP_POPULATE, MAP_LOCKED) is the
 * caller's decision, taken from the flags alone (task.c's mmap_wants_populate).
 * Return: the address or a negative errno.
 */
static long do_mmap(struct task *tsk, struct file *file, unsigned long addr, unsigned long len,
		    unsigned long prot, unsigned long flags, pgoff_t pgoff, int mmap_err)
{
	static int (*const stages[])(struct mmap_request *) = {
		mmap_check_range, mmap_calc_vm_flags, mmap_place, mmap_check_mlock,
		mmap_check_type,
	};
	struct mmap_request req = {
		.tsk = tsk, .file = file, .addr = addr, .len = len, .prot = prot,
		.flags = flags, .pgoff = pgoff, .mmap_err = mmap_err,
	};

	for (size_t i = 0; i < ARRAY_SIZE(stages); i++) {
		int err = stages[i](&req);

		if (err)
			return err;
	}
	/* MAP_NORESERVE is honoured unless vm.overcommit_memory is 2 (never overcommit); by a
	 * hugetlbfs file always (it skips the huge page reservation) */
	if ((req.flags & MAP_NORESERVE) &&
	    (tsk->mm->machine->commit.overcommit_memory != OVERCOMMIT_NEVER ||
	     is_file_hugepages(file)))
		req.vm_flags |= VM_NORESERVE;
	return (long)__mmap_region(tsk, req.file, req.addr, req.len, req.vm_flags, req.pgoff,
				   req.mmap_err);
}

/**
 * ksys_mmap - mmap(2) on x86_64 with the file already looked up (NULL for MAP_ANONYMOUS).
 * Context: takes nothing; the caller holds mmap_lock for writing.
 * Return: the address, or -EINVAL/-ENOMEM/-EEXIST/-EACCES/-EPERM/-EAGAIN/-ENODEV/
 * -EOVERFLOW/-EOPNOTSUPP in the kernel's order of checks.
 */
long ksys_mmap(struct task *tsk, unsigned long addr, unsigned long len, unsigned long prot,
	       unsigned long flags, struct file *file, unsigned long off)
{
	int mmap_err = 0;

	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (is_file_hugepages(file))	/* ksys_mmap_pgoff: whole huge pages */
		len = ALIGN(len, PMD_SIZE);
	if (flags & MAP_HUGETLB) {
		unsigned long log = (flags >> MAP_HUGE_SHIFT_) & MAP_HUGE_MASK_;
		unsigned long hmask = (log == 30 ? 1UL << 30 : PMD_SIZE) - 1;

		if (file)
			return -EINVAL; /* not a hugetlbfs file */
		if (log && log != 21 && log != 30)
			return -EINVAL; /* no such huge page size */
		/* The hugetlbfs file is set up; its get_unmapped_area wants huge alignment. */
		if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & hmask))
			return -EINVAL;
		/* Its ->mmap wants an aligned offset, then fails to reserve pages, as on a host
		 * with none reserved: both after a MAP_FIXED range was unmapped. */
		mmap_err = (off & hmask) ? -EINVAL : -ENOMEM;
		len = (len + hmask) & ~hmask;
	}
	return do_mmap(tsk, file, addr, len, prot, flags, off >> PAGE_SHIFT, mmap_err);
}

/**
 * sys_munmap - munmap(2).
 * Return: 0; -EINVAL for an unaligned, empty or out-of-range request; -ENOMEM when a split
 * would exceed vm.max_map_count.
 */
long sys_munmap(struct task *tsk, unsigned long addr, unsigned long len)
{
	return do_vmi_munmap(tsk->mm, addr, len);
}

/*
 * Puts [addr, addr + len) into the tree as heap: the heap's VMA @brkvma grows over it when
 * nothing sets the range apart from it (can_vma_merge_after), else the range is a new VMA.
 */
static int brk_map(struct mm_struct *mm, struct vm_area_struct *brkvma, unsigned long addr,
		   unsigned long len, vm_flags_t flags)
{
	const struct vma_merge_struct vmg = {
		.mm = mm, .prev = brkvma, .start = addr, .end = addr + len,
		.pgoff = addr >> PAGE_SHIFT, .flags = flags,
	};
	struct vm_area_struct *vma;

	if (can_vma_merge_after(&vmg)) {
		if (vma_tree_store_range(mm, brkvma, brkvma->vm_start, vmg.end))
			return -ENOMEM;
		vma_set_pgrange(brkvma, brkvma->vm_start, vmg.end, brkvma->vm_pgoff);
		return 0;
	}
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = vmg.start;
	vma->vm_end = vmg.end;
	vma->vm_pgoff = vmg.pgoff;
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	if (vma_tree_insert(mm, vma)) {
		vm_area_free(vma);
		return -ENOMEM;
	}
	return 0;
}

/*
 * do_brk_flags - back [addr, addr + len) with heap memory, within the address-space and
 * map-count limits. The heap is private writable memory, so it is charged against
 * overcommit first (VM_ACCOUNT); the charge goes back if the range cannot be mapped.
 * Return: 0 or -ENOMEM.
 */
static int do_brk_flags(struct task *tsk, struct vm_area_struct *brkvma, unsigned long addr,
			unsigned long len, vm_flags_t extra)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t flags = extra | VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	long pages = (long)(len >> PAGE_SHIFT);

	if (!may_expand_vm(tsk, flags, len >> PAGE_SHIFT) || mm->map_count > mm->max_map_count ||
	    security_vm_enough_memory_mm(tsk, mm, pages))
		return -ENOMEM;
	if (brk_map(mm, brkvma, addr, len, flags)) {
		vm_unacct_memory(mm->machine, pages);
		return -ENOMEM;
	}
	vm_stat_account(mm, flags, pages);
	if (flags & VM_LOCKED)
		mm->locked_vm += len >> PAGE_SHIFT;
	return 0;
}

/* check_data_rlimit(): RLIMIT_DATA bounds brk - start_brk + end_data - start_data. */
static bool brk_exceeds_data_rlimit(struct task *tsk, unsigned long brk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long rlim = task_rlimit(tsk, RLIMIT_DATA);

	return rlim < RLIM_INFINITY &&
	       (brk - mm->start_brk) + (mm->end_data - mm->start_data) > rlim;
}

/* Takes the heap back from @oldbrk to @newbrk (page-aligned, newbrk < oldbrk). */
static int brk_shrink(struct mm_struct *mm, unsigned long newbrk, unsigned long oldbrk)
{
	struct vm_area_struct *heap = find_vma(mm, newbrk);

	/* Nothing of the heap there (another mapping took its place): leave it be. */
	if (!heap || heap->vm_start >= oldbrk)
		return -ENOMEM;
	return do_vmi_align_munmap(mm, heap, newbrk, oldbrk);
}

/*
 * Extends the heap from @oldbrk to @newbrk (page-aligned, newbrk > oldbrk). The new part
 * must be a place mmap could use too (check_brk_limits), and a page plus the guard gap
 * must stay free below a stack above it.
 */
static int brk_grow(struct task *tsk, unsigned long oldbrk, unsigned long newbrk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long len = newbrk - oldbrk, top = newbrk + PAGE_SIZE;
	struct vm_area_struct *next, *heap;

	if (IS_ERR_VALUE(get_unmapped_area(tsk, NULL, oldbrk, len, 0, MAP_FIXED, 0)))
		return -ENOMEM;
	if (!mlock_future_ok(tsk, mm->def_flags, len))
		return -EAGAIN;
	next = find_vma_prev(mm, oldbrk, &heap);
	if (next && next->vm_start < top + STACK_GUARD_GAP && top > vm_start_gap(next))
		return -ENOMEM;
	/* Only a VMA of the heap itself may grow: one ending above start_brk. */
	if (heap && heap->vm_end <= mm->start_brk)
		heap = NULL;
	return do_brk_flags(tsk, heap, oldbrk, len, 0);
}

/**
 * sys_brk - brk(2): move the end of the heap. Never fails with an errno: a refused request
 * returns the unchanged break, as the kernel does.
 * Return: the new (or old) break.
 */
long sys_brk(struct task *tsk, unsigned long brk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long newbrk = PAGE_ALIGN(brk), oldbrk = PAGE_ALIGN(mm->brk);
	int err = 0;

	if (brk < mm->start_brk || brk_exceeds_data_rlimit(tsk, brk))
		return (long)mm->brk;
	/* Compared unaligned: a break in the top page aligns to 0, which is no shrink. */
	if (newbrk != oldbrk)
		err = brk <= mm->brk ? brk_shrink(mm, newbrk, oldbrk) :
				       brk_grow(tsk, oldbrk, newbrk);
	if (!err)
		mm->brk = brk;
	return (long)mm->brk;
}

/**
 * vm_brk_flags - anonymous heap-like memory over [addr, addr + len) for the ELF loader's bss,
 * replacing whatever was mapped there (mm/mmap.c's vm_brk_flags). @flags may only add VM_EXEC.
 * Context: mmap_lock held for writing.
 * Return: 0; -EINVAL for other flags; -ENOMEM when the range is not a place mmap could use
 * or the limits refuse it; -EAGAIN for the mlock limit.
 */
int vm_brk_flags(struct task *tsk, unsigned long addr, unsigned long len, vm_flags_t flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *prev;
	int err;

	if (flags & ~VM_EXEC)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return 0;
	if (IS_ERR_VALUE(get_unmapped_area(tsk, NULL, addr, len, 0, MAP_FIXED, 0)))
		return -ENOMEM;
	if (!mlock_future_ok(tsk, mm->def_flags, len))
		return -EAGAIN;
	err = do_vmi_munmap(mm, addr, len);
	if (err)
		return err;
	find_vma_prev(mm, addr, &prev);
	if (prev && prev->vm_end != addr)
		prev = NULL;
	return do_brk_flags(tsk, prev, addr, len, flags);
}

/**
 * insert_vm_struct - give a hand-built VMA its page protection, link it into the tree and
 * account it (mm/vma.c's insert_vm_struct, used where exec and /proc snapshots build VMAs).
 * Return: 0, or -ENOMEM with @vma left to the caller to free.
 */
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_set_page_prot(vma);
	if (vma_tree_insert(mm, vma))
		return -ENOMEM;
	vm_stat_account(mm, vma->vm_flags, (long)vma_pages(vma));
	/* Charged as exec's VMAs are, but never refused: the task being built has no creds. */
	if (vma->vm_flags & VM_ACCOUNT)
		vm_acct_memory(mm->machine, (long)vma_pages(vma));
	return 0;
}

/**
 * insert_special_vma - map a kernel-provided region ([vvar], [vdso], [stack]) at a fixed place.
 * Return: 0 or -ENOMEM.
 */
int insert_special_vma(struct task *tsk, unsigned long start, unsigned long end, vm_flags_t flags,
		       const struct vm_operations_struct *ops)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma;

	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	vma->vm_ops = ops;
	vma->vm_pgoff = (flags & VM_STACK) ? start >> PAGE_SHIFT : 0;
	if (insert_vm_struct(mm, vma)) {
		vm_area_free(vma);
		return -ENOMEM;
	}
	return 0;
}
