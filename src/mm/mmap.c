// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Creating mappings: the layout of a new address space (arch/x86/mm/mmap.c: mmap_base, ASLR),
 * the search for a free range (mm/mmap.c's unmapped_area*, arch/x86/kernel/sys_x86_64.c's
 * arch_get_unmapped_area*, mm/huge_memory.c's THP alignment), mmap(2), munmap(2) and brk(2)
 * (mm/mmap.c) with the kernel's order of checks; PROT_EXEC alone gets the execute-only
 * protection key (pkeys.c). Left out: hugetlbfs (no huge pages exist, so MAP_HUGETLB fails as
 * on a host without reserved huge pages), LSM hooks other than the capability module's,
 * 5-level paging and the 32-bit compat bases. Overcommit charges go through util.c.
 */
#include "mm/vma.h"
#include "mm/memory.h"
#include "mm/pkeys.h"
#include "mm/mmap.h"
#include "mm/syscalls.h"
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

struct vm_unmapped_area_info {
	bool topdown;
	unsigned long length;
	unsigned long low_limit, high_limit;
	unsigned long align_mask, align_offset;
	unsigned long start_gap;
};

#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

/*
 * The lowest fit in [low_limit, high_limit): mas_empty_area() finds a free range of length
 * (padded for alignment and a start gap); the VMAs around it are then checked for their own
 * guard gaps (a VM_GROWSDOWN VMA above wants stack_guard_gap below it), and the search
 * restarts above an offender, as the kernel's unmapped_area() does.
 */
static unsigned long unmapped_area(struct mm_struct *mm, struct vm_unmapped_area_info *info)
{
	unsigned long length = info->length + info->align_mask + info->start_gap;
	unsigned long low_limit = max(info->low_limit, mm->mmap_min_addr), gap;
	struct vm_area_struct *tmp;
	VMA_ITERATOR(vmi, mm, 0);

	if (length < info->length)
		return -ENOMEM;
retry:
	if (low_limit >= info->high_limit ||
	    mas_empty_area(&vmi.mas, low_limit, info->high_limit - 1, length))
		return -ENOMEM;
	gap = vmi.mas.index + info->start_gap;
	gap += (info->align_offset - gap) & info->align_mask;
	tmp = vma_next(&vmi);
	if (tmp && (tmp->vm_flags & VM_STARTGAP_FLAGS)) {
		if (vm_start_gap(tmp) < gap + length - 1) {
			low_limit = tmp->vm_end;
			vma_iter_set(&vmi, 0);
			goto retry;
		}
	} else {
		tmp = tmp ? vma_prev(&vmi) : mt_prev(&mm->mm_mt, gap, 0);
		if (tmp && vm_end_gap(tmp) > gap) {
			low_limit = vm_end_gap(tmp);
			vma_iter_set(&vmi, 0);
			goto retry;
		}
	}
	return gap;
}

/* The highest fit, searching down from high_limit (unmapped_area_topdown). */
static unsigned long unmapped_area_topdown(struct mm_struct *mm,
					   struct vm_unmapped_area_info *info)
{
	unsigned long length = info->length + info->align_mask + info->start_gap;
	unsigned long low_limit = max(info->low_limit, mm->mmap_min_addr);
	unsigned long high_limit = info->high_limit, gap, gap_end;
	struct vm_area_struct *tmp;
	VMA_ITERATOR(vmi, mm, 0);

	if (length < info->length)
		return -ENOMEM;
retry:
	if (low_limit >= high_limit ||
	    mas_empty_area_rev(&vmi.mas, low_limit, high_limit - 1, length))
		return -ENOMEM;
	gap_end = vmi.mas.last + 1;
	gap = gap_end - info->length;
	gap -= (gap - info->align_offset) & info->align_mask;
	tmp = vma_next(&vmi);
	if (tmp && (tmp->vm_flags & VM_STARTGAP_FLAGS)) {
		if (vm_start_gap(tmp) < gap_end) {
			high_limit = vm_start_gap(tmp);
			vma_iter_set(&vmi, 0);
			goto retry;
		}
	} else {
		tmp = tmp ? vma_prev(&vmi) : mt_prev(&mm->mm_mt, gap, 0);
		if (tmp && vm_end_gap(tmp) > gap) {
			high_limit = tmp->vm_start;
			vma_iter_set(&vmi, 0);
			goto retry;
		}
	}
	return gap;
}

static unsigned long vm_unmapped_area(struct mm_struct *mm, struct vm_unmapped_area_info *info)
{
	return info->topdown ? unmapped_area_topdown(mm, info) : unmapped_area(mm, info);
}

static void find_start_end(struct task *tsk, unsigned long flags, unsigned long *begin,
			   unsigned long *end)
{
	if (flags & MAP_32BIT) {
		*begin = 0x40000000UL;
		*end = 0x80000000UL;
		if (tsk->cfg.randomize)
			*begin += (task_random(tsk) % (0x02000000UL >> PAGE_SHIFT)) << PAGE_SHIFT;
		return;
	}
	*begin = tsk->mm->mmap_legacy_base;
	*end = DEFAULT_MAP_WINDOW;
}

/* arch/x86/kernel/sys_x86_64.c's bottom-up search. */
static unsigned long arch_get_unmapped_area(struct task *tsk, unsigned long addr,
					    unsigned long len, pgoff_t pgoff, unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_unmapped_area_info info = { 0 };
	unsigned long begin, end;

	if (flags & MAP_FIXED)
		return addr;
	find_start_end(tsk, flags, &begin, &end);
	if (len > end)
		return -ENOMEM;
	if (addr) {
		struct vm_area_struct *vma;

		addr = PAGE_ALIGN(addr);
		vma = find_vma(mm, addr);
		if (end - len >= addr && (!vma || addr + len <= vm_start_gap(vma)))
			return addr;
	}
	info.length = len;
	info.low_limit = begin;
	info.high_limit = end;
	info.align_offset = pgoff << PAGE_SHIFT;
	return vm_unmapped_area(mm, &info);
}

static bool mmap_address_hint_valid(unsigned long addr, unsigned long len)
{
	if (TASK_SIZE_MAX - len < addr)
		return false;
	return (addr > DEFAULT_MAP_WINDOW) == (addr + len > DEFAULT_MAP_WINDOW);
}

static unsigned long arch_get_unmapped_area_topdown(struct task *tsk, unsigned long addr0,
						    unsigned long len, pgoff_t pgoff,
						    unsigned long flags)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_unmapped_area_info info = { 0 };
	unsigned long addr = addr0;

	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (flags & MAP_32BIT)
		goto bottomup;
	if (addr) {
		struct vm_area_struct *vma;

		addr &= PAGE_MASK;
		if (mmap_address_hint_valid(addr, len)) {
			vma = find_vma(mm, addr);
			if (!vma || addr + len <= vm_start_gap(vma))
				return addr;
		}
	}
	info.topdown = true;
	info.length = len;
	info.low_limit = PAGE_SIZE;
	info.high_limit = mm->mmap_base;
	info.align_offset = pgoff << PAGE_SHIFT;
	addr = vm_unmapped_area(mm, &info);
	if (!(addr & ~PAGE_MASK))
		return addr;
bottomup:
	return arch_get_unmapped_area(tsk, addr0, len, pgoff, flags);
}

static unsigned long mm_get_unmapped_area(struct task *tsk, unsigned long addr,
					  unsigned long len, pgoff_t pgoff, unsigned long flags)
{
	if (tsk->mm->flags & (1UL << MMF_TOPDOWN))
		return arch_get_unmapped_area_topdown(tsk, addr, len, pgoff, flags);
	return arch_get_unmapped_area(tsk, addr, len, pgoff, flags);
}

/*
 * mm/huge_memory.c's __thp_get_unmapped_area: search for len + 2 MiB and place the mapping so
 * that file offset and address agree modulo 2 MiB. Returns 0 to fall back to a plain search.
 */
static unsigned long thp_get_unmapped_area(struct task *tsk, unsigned long addr,
					   unsigned long len, pgoff_t pgoff, unsigned long flags)
{
	unsigned long off = pgoff << PAGE_SHIFT, off_end = off + len;
	unsigned long off_align = ALIGN(off, PMD_SIZE), len_pad, ret, off_sub;

	if (off_end <= off_align || off_end - off_align < PMD_SIZE)
		return 0;
	len_pad = len + PMD_SIZE;
	if (len_pad < len || off + len_pad < off)
		return 0;
	ret = mm_get_unmapped_area(tsk, addr, len_pad, pgoff, flags);
	if (IS_ERR_VALUE(ret))
		return 0;
	if (ret == addr)
		return addr;
	off_sub = (off - ret) & (PMD_SIZE - 1);
	if ((tsk->mm->flags & (1UL << MMF_TOPDOWN)) && !off_sub)
		return ret + PMD_SIZE;
	return ret + off_sub;
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
	unsigned long ret = 0;
	int err;

	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	if (!file)
		pgoff = 0;
	if (file && (file->regular || (file->f_mmap == FILE_MMAP_ZERO && !(flags & MAP_SHARED)))) {
		/* ext4/xfs/tmpfs files, private /dev/zero: thp_get_unmapped_area */
		ret = thp_get_unmapped_area(tsk, addr, len, pgoff, flags);
		if (!ret)
			ret = mm_get_unmapped_area(tsk, addr, len, pgoff, flags);
	} else if (!file && !(flags & MAP_SHARED) && !addr && IS_ALIGNED(len, PMD_SIZE)) {
		ret = thp_get_unmapped_area(tsk, addr, len, pgoff, flags);
		if (!ret)
			ret = mm_get_unmapped_area(tsk, addr, len, pgoff, flags);
	} else {
		ret = mm_get_unmapped_area(tsk, addr, len, pgoff, flags);
	}
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
	unsigned long data = task_rlimit(tsk, RLIMIT_DATA);

	if (mm->total_vm + npages > task_rlimit(tsk, RLIMIT_AS) >> PAGE_SHIFT)
		return false;
	if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE &&
	    mm->data_vm + npages > data >> PAGE_SHIFT) {
		if (data == 0 &&
		    mm->data_vm + npages <= task_rlimit_max(tsk, RLIMIT_DATA) >> PAGE_SHIFT)
			return true;
		return tsk->cfg.ignore_rlimit_data;
	}
	return true;
}

/**
 * mlock_future_ok - RLIMIT_MEMLOCK allows @bytes more locked memory when @flags lock it.
 */
bool mlock_future_ok(struct task *tsk, vm_flags_t flags, unsigned long bytes)
{
	unsigned long locked, limit;

	if (!(flags & VM_LOCKED) || capable(tsk, CAP_IPC_LOCK))
		return true;
	locked = (bytes >> PAGE_SHIFT) + tsk->mm->locked_vm;
	limit = task_rlimit(tsk, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	return locked <= limit;
}

static unsigned long count_vma_pages_range(struct mm_struct *mm, unsigned long addr,
					   unsigned long end)
{
	unsigned long n = 0;
	struct vm_area_struct *vma;

	for (vma = find_vma_intersection(mm, addr, end); vma && vma->vm_start < end;
	     vma = vma_next_of(mm, vma))
		n += (min(end, vma->vm_end) - max(addr, vma->vm_start)) >> PAGE_SHIFT;
	return n;
}

/* Pages of [addr, end) already charged (VM_ACCOUNT): their charge passes to a new mapping. */
static unsigned long count_accounted_pages(struct mm_struct *mm, unsigned long addr,
					   unsigned long end)
{
	unsigned long n = 0;
	struct vm_area_struct *vma;

	for (vma = find_vma_intersection(mm, addr, end); vma && vma->vm_start < end;
	     vma = vma_next_of(mm, vma))
		if (vma->vm_flags & VM_ACCOUNT)
			n += (min(end, vma->vm_end) - max(addr, vma->vm_start)) >> PAGE_SHIFT;
	return n;
}

/**
 * shmem_zero_file - the file a shared anonymous mapping gets: shmem's "/dev/zero (deleted)"
 * (shmem_zero_setup), an object of @len bytes.
 * Return: the file (one reference), or NULL when out of memory.
 */
struct file *shmem_zero_file(struct machine *m, unsigned long len)
{
	static unsigned long next_ino = 1;
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->path = strdup("/dev/zero");
	f->shmem = shmem_inode_alloc(m, len);
	if (!f->path || !f->shmem) {
		free(f->path);
		shmem_inode_free(f->shmem);
		free(f);
		return NULL;
	}
	f->f_count = 1;
	f->host_fd = -1;
	f->f_mode = FMODE_READ | FMODE_WRITE;
	f->dev = makedev(0, 1);
	f->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	f->deleted = true;
	return f;
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
	    !may_expand_vm(tsk, vm_flags, pglen - count_vma_pages_range(mm, addr, end)))
		return -ENOMEM;
	/*
	 * Private writable memory is charged against overcommit (accountable_mapping), less
	 * the charged pages it replaces; a refusal leaves the old mappings, as 6.12+ restores
	 * them. The munmap below returns their charge, so it is taken again for the new VMA.
	 */
	vma = find_vma_intersection(mm, addr, end);
	if (!mmap_err && (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
		unsigned long old = vma ? count_accounted_pages(mm, addr, end) : 0;

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
				shm->shmem->acct_pages = pglen;
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
		vma->vm_page_prot = vm_get_page_prot(vm_flags);
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

static unsigned long round_hint_to_min(struct mm_struct *mm, unsigned long hint)
{
	hint &= PAGE_MASK;
	if (hint && hint < mm->mmap_min_addr)
		return PAGE_ALIGN(mm->mmap_min_addr);
	return hint;
}

/* do_mmap()'s checks of the file against the mapping type; updates *vm_flags. */
static long mmap_check_file(struct file *file, unsigned long flags, unsigned long prot,
			    pgoff_t pgoff, unsigned long len, vm_flags_t *vm_flags)
{
	/* file_mmap_size_max(): MAX_LFS_FILESIZE for regular files, block devices and
	 * sockets, else the whole range */
	bool lfs = file->regular || S_ISBLK(file->i_mode) || S_ISSOCK(file->i_mode);
	unsigned long maxsize = (lfs ? 0x7fffffffffffffffUL : ULONG_MAX) - len;

	if (pgoff > maxsize >> PAGE_SHIFT)
		return -EOVERFLOW;
	switch (flags & MAP_TYPE_MASK) {
	case MAP_SHARED:
		flags &= LEGACY_MAP_MASK;
		/* fallthrough */
	case MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		if (file->append && (file->f_mode & FMODE_WRITE))
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fallthrough */
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (file->noexec) {
			if (*vm_flags & VM_EXEC)
				return -EPERM;
			*vm_flags &= ~VM_MAYEXEC;
		}
		if (file->f_mmap == FILE_MMAP_NONE)
			return -ENODEV;
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * do_mmap - mmap(2) after the fd lookup. Returns the address or -errno; *populate is the
 * length MAP_POPULATE/MAP_LOCKED would fault in (faulting is the fault layer's job).
 */
static long do_mmap(struct task *tsk, struct file *file, unsigned long addr, unsigned long len,
		    unsigned long prot, unsigned long flags, pgoff_t pgoff, int mmap_err)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t vm_flags;
	long err;

	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED))
		addr = round_hint_to_min(mm, addr);
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > mm->max_map_count)
		return -ENOMEM;
	vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags) | mm->def_flags |
		   VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	/* PROT_EXEC alone: the execute-only key, taken even if the mapping then fails. */
	if (prot == PROT_EXEC)
		vm_flags |= pkey_vm_flags(max(execute_only_pkey(tsk), 0));
	addr = get_unmapped_area(tsk, file, addr, len, pgoff, flags, vm_flags);
	if (IS_ERR_VALUE(addr))
		return (long)addr;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	/* can_do_mlock: with RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK, MAP_LOCKED is refused */
	if ((flags & MAP_LOCKED) && !capable(tsk, CAP_IPC_LOCK) &&
	    task_rlimit(tsk, RLIMIT_MEMLOCK) == 0)
		return -EPERM;
	if (!mlock_future_ok(tsk, vm_flags, len))
		return -EAGAIN;
	if (file) {
		err = mmap_check_file(file, flags, prot, pgoff, len, &vm_flags);
		if (err)
			return err;
		/* procfs entries without an mmap of their own (proc_reg_mmap), kernfs files */
		if (file->f_mmap == FILE_MMAP_EIO)
			mmap_err = -EIO;
		else if (file->f_mmap == FILE_MMAP_KERNFS)
			mmap_err = -ENODEV;
	} else if (mmap_err) {
		/* MAP_HUGETLB maps a hugetlbfs file: file_mmap_ok(), then no VM_GROWSDOWN */
		if (pgoff > (0x7fffffffffffffffUL - len) >> PAGE_SHIFT)
			return -EOVERFLOW;
		/* the hugetlbfs file's mapping types: MAP_DROPPABLE is not one */
		if ((flags & MAP_TYPE_MASK) == MAP_DROPPABLE_TYPE)
			return -EINVAL;
		if (vm_flags & VM_GROWSDOWN)
			return -EINVAL;
	} else {
		switch (flags & MAP_TYPE_MASK) {
		case MAP_SHARED:
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			pgoff = 0;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_DROPPABLE_TYPE:
			/*
			 * 6.11's MAP_DROPPABLE: private anonymous memory reclaim may drop even when
			 * dirty, so never locked, a stack, reserved, copied by fork or dumped.
			 */
			if ((flags & MAP_LOCKED) || (vm_flags & VM_GROWSDOWN))
				return -EINVAL;
			vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
			/* fallthrough */
		case MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;
			break;
		default:
			return -EINVAL;
		}
	}
	/* MAP_NORESERVE is honoured unless vm.overcommit_memory is 2 (never overcommit). */
	if ((flags & MAP_NORESERVE) && mm->machine->commit.overcommit_memory != OVERCOMMIT_NEVER)
		vm_flags |= VM_NORESERVE;
	return (long)__mmap_region(tsk, file, addr, len, vm_flags, pgoff, mmap_err);
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

/* Grows the heap by [addr, addr+len): expand brkvma or add a VMA (do_brk_flags). */
static int do_brk_flags(struct task *tsk, struct vm_area_struct *brkvma, unsigned long addr,
			unsigned long len)
{
	struct mm_struct *mm = tsk->mm;
	vm_flags_t flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	struct vm_area_struct *vma;

	if (!may_expand_vm(tsk, flags, len >> PAGE_SHIFT))
		return -ENOMEM;
	if (mm->map_count > mm->max_map_count)
		return -ENOMEM;
	if (security_vm_enough_memory_mm(tsk, mm, (long)(len >> PAGE_SHIFT)))
		return -ENOMEM;
	if (brkvma && brkvma->vm_end == addr) {
		struct vma_merge_struct vmg = {
			.mm = mm, .prev = brkvma, .start = addr, .end = addr + len,
			.pgoff = addr >> PAGE_SHIFT, .flags = flags,
		};

		if (can_vma_merge_after(&vmg)) {
			if (vma_tree_store_range(mm, brkvma, brkvma->vm_start, addr + len))
				goto unacct;
			brkvma->vm_end = addr + len;
			goto out;
		}
	}
	vma = vm_area_alloc(mm);
	if (!vma)
		goto unacct;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_pgoff = addr >> PAGE_SHIFT;
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	if (vma_tree_insert(mm, vma)) {
		vm_area_free(vma);
		goto unacct;
	}
out:
	vm_stat_account(mm, flags, (long)(len >> PAGE_SHIFT));
	if (flags & VM_LOCKED)
		mm->locked_vm += len >> PAGE_SHIFT;
	return 0;

unacct:
	vm_unacct_memory(mm->machine, (long)(len >> PAGE_SHIFT));
	return -ENOMEM;
}

/* check_data_rlimit(): RLIMIT_DATA bounds brk - start_brk + end_data - start_data. */
static bool brk_exceeds_data_rlimit(struct task *tsk, unsigned long brk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long rlim = task_rlimit(tsk, RLIMIT_DATA);

	return rlim < RLIM_INFINITY &&
	       (brk - mm->start_brk) + (mm->end_data - mm->start_data) > rlim;
}

/**
 * sys_brk - brk(2): move the end of the heap. Never fails with an errno: a refused request
 * returns the unchanged break, as the kernel does.
 * Return: the new (or old) break.
 */
long sys_brk(struct task *tsk, unsigned long brk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long newbrk, oldbrk, origbrk = mm->brk;
	struct vm_area_struct *brkvma, *next, *prev = NULL;

	if (brk < mm->start_brk)
		goto out;
	if (brk_exceeds_data_rlimit(tsk, brk))
		goto out;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk) {
		mm->brk = brk;
		return (long)brk;
	}
	if (brk <= mm->brk) {
		brkvma = find_vma(mm, newbrk);
		if (!brkvma || brkvma->vm_start >= oldbrk)
			goto out;
		mm->brk = brk;
		if (do_vmi_align_munmap(mm, brkvma, newbrk, oldbrk))
			goto out;
		return (long)brk;
	}
	/* check_brk_limits */
	if (IS_ERR_VALUE(get_unmapped_area(tsk, NULL, oldbrk, newbrk - oldbrk, 0, MAP_FIXED, 0)))
		goto out;
	if (!mlock_future_ok(tsk, mm->def_flags, newbrk - oldbrk))
		goto out;
	next = find_vma(mm, oldbrk);
	if (next && next->vm_start < newbrk + PAGE_SIZE + STACK_GUARD_GAP &&
	    newbrk + PAGE_SIZE > vm_start_gap(next))
		goto out;
	(void)find_vma_prev(mm, oldbrk, &prev);
	if (prev && prev->vm_end <= mm->start_brk)
		prev = NULL;
	if (do_brk_flags(tsk, prev, oldbrk, newbrk - oldbrk))
		goto out;
	mm->brk = brk;
	return (long)brk;
out:
	mm->brk = origbrk;
	return (long)origbrk;
}

/**
 * insert_vm_struct - give a hand-built VMA its page protection, link it into the tree and
 * account it (mm/vma.c's insert_vm_struct, used where exec and /proc snapshots build VMAs).
 * Return: 0, or -ENOMEM with @vma left to the caller to free.
 */
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
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
