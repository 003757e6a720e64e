/*
 * /proc/pid/maps and /proc/pid/smaps text (fs/proc/task_mmu.c's show_map_vma, show_smap and
 * show_smap_vma_flags), byte for byte: addresses and offsets as at-least-8-digit lowercase
 * hex, the name padded to column 73, the kernel's names for the heap, the stack, named
 * anonymous memory and deleted files, and the x86_64 [vsyscall] gate area last. smaps's page
 * counters are all zero because no page is ever present yet (the fault layer fills them).
 */
#include "mm/vma.h"

#include <sys/sysmacros.h>

#define MAPS_NAME_COLUMN 72	/* seq_setwidth(25 + 6 * sizeof(void *) - 1), then one space */

static int put_map_line(FILE *out, unsigned long start, unsigned long end, vm_flags_t flags,
			unsigned long long pgoff, dev_t dev, unsigned long ino, const char *fmt,
			const char *name, const char *suffix)
{
	int n = fprintf(out, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", start, end,
			flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
			flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p', pgoff,
			major(dev), minor(dev), ino);

	if (n < 0)
		return -EIO;
	if (name) {
		if (n < MAPS_NAME_COLUMN + 1 && fprintf(out, "%*s", MAPS_NAME_COLUMN + 1 - n, "") < 0)
			return -EIO;
		if (fprintf(out, fmt, name) < 0 || fputs(suffix, out) < 0)
			return -EIO;
	}
	return fputc('\n', out) == EOF ? -EIO : 0;
}

static int show_map_vma(struct mm_struct *mm, struct vm_area_struct *vma, FILE *out)
{
	struct file *file = vma->vm_file;
	const char *name = NULL, *fmt = "%s", *suffix = "";
	unsigned long long pgoff = 0;
	unsigned long ino = 0;
	dev_t dev = 0;

	if (file) {
		dev = file->dev;
		ino = file->ino;
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
		if (vma->anon_name) {
			fmt = "[anon_shmem:%s]";
			name = vma->anon_name->name;
		} else {
			name = file->path;
			if (file->deleted)
				suffix = " (deleted)";
		}
	} else if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
	} else if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk) {
		/* vma_is_initial_heap(): strict, so the bss ending at start_brk is not [heap] */
		name = "[heap]";
	} else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack) {
		name = "[stack]";
	} else if (vma->anon_name) {
		fmt = "[anon:%s]";
		name = vma->anon_name->name;
	}
	return put_map_line(out, vma->vm_start, vma->vm_end, vma->vm_flags, pgoff, dev, ino, fmt,
			    name, suffix);
}

#define VSYSCALL_ADDR 0xffffffffff600000UL

/**
 * show_maps - write /proc/pid/maps for @mm to @out.
 * Context: mmap_lock held for reading.
 * Return: 0 or -EIO when @out fails.
 */
int show_maps(struct mm_struct *mm, FILE *out)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	int err;

	for_each_vma(vmi, vma) {
		err = show_map_vma(mm, vma, out);
		if (err)
			return err;
	}
	return put_map_line(out, VSYSCALL_ADDR, VSYSCALL_ADDR + PAGE_SIZE, VM_EXEC, 0, 0, 0, "%s",
			    "[vsyscall]", "");
}

static const char *const vm_flag_mnemonics[64] = {
	[0] = "rd", [1] = "wr", [2] = "ex", [3] = "sh", [4] = "mr", [5] = "mw", [6] = "me",
	[7] = "ms", [8] = "gd", [9] = "um", [10] = "pf", [12] = "uw", [13] = "lo", [14] = "io",
	[15] = "sr", [16] = "rr", [17] = "dc", [18] = "de", [19] = "lf", [20] = "ac", [21] = "nr",
	[22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf", [26] = "dd", [27] = "sd", [28] = "mm",
	[29] = "hg", [30] = "nh", [31] = "mg", [38] = "ss", [40] = "dp", [63] = "sl",
};

static int show_smap_vma_flags(const struct vm_area_struct *vma, FILE *out)
{
	fputs("VmFlags: ", out);
	for (int i = 0; i < 64; i++)
		if ((vma->vm_flags & (1UL << i)) && vm_flag_mnemonics[i])
			fprintf(out, "%s ", vm_flag_mnemonics[i]);
	return fputc('\n', out) == EOF ? -EIO : 0;
}

/* THPeligible in madvise mode: an anonymous private VMA with MADV_HUGEPAGE holding an aligned
 * 2 MiB block. */
static int thp_eligible(const struct vm_area_struct *vma)
{
	vm_flags_t f = vma->vm_flags;

	if (vma->vm_file || !(f & VM_HUGEPAGE) || (f & (VM_NOHUGEPAGE | VM_SPECIAL | VM_SHARED)))
		return 0;
	return ALIGN(vma->vm_start, PMD_SIZE) + PMD_SIZE <= vma->vm_end;
}

static const char *const smap_zero_rows[] = {
	"Rss:            ", "Pss:            ", "Pss_Dirty:      ", "Shared_Clean:   ",
	"Shared_Dirty:   ", "Private_Clean:  ", "Private_Dirty:  ", "Referenced:     ",
	"Anonymous:      ", "KSM:            ", "LazyFree:       ", "AnonHugePages:  ",
	"ShmemPmdMapped: ", "FilePmdMapped:  ", "Shared_Hugetlb: ", "Private_Hugetlb:",
	"Swap:           ", "SwapPss:        ", "Locked:         ",
};

/**
 * show_smaps - write /proc/pid/smaps for @mm to @out.
 * Context: mmap_lock held for reading.
 * Return: 0 or -EIO.
 */
int show_smaps(struct mm_struct *mm, FILE *out)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	int err;

	for_each_vma(vmi, vma) {
		err = show_map_vma(mm, vma, out);
		if (err)
			return err;
		fprintf(out, "Size:           %8lu kB\n", (vma->vm_end - vma->vm_start) >> 10);
		fprintf(out, "KernelPageSize: %8lu kB\nMMUPageSize:    %8lu kB\n", PAGE_SIZE >> 10,
			PAGE_SIZE >> 10);
		for (size_t i = 0; i < ARRAY_SIZE(smap_zero_rows); i++)
			fprintf(out, "%s%8d kB\n", smap_zero_rows[i], 0);
		fprintf(out, "THPeligible:    %d\n", thp_eligible(vma));
		err = show_smap_vma_flags(vma, out);
		if (err)
			return err;
	}
	return 0;
}
