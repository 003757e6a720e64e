// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ELF loader (fs/binfmt_elf.c's load_elf_binary and what it calls) for x86_64 executables:
 * the program headers read through the page cache; PT_INTERP's interpreter opened as exec opens
 * files; PT_GNU_STACK's stack permission; after the point of no return, the PT_LOAD segments
 * mapped private from the file with their protections - an ET_DYN program at ELF_ET_DYN_BASE
 * (plus mmap's randomization with ASLR) aligned to the largest power-of-two p_align, its first
 * mapping spanning the whole image and the rest unmapped, ET_EXEC at its own addresses, a
 * static PIE where mmap puts it - the bss's partial page cleared through the task's page tables
 * and the rest of it anonymous brk-like memory; the interpreter where a hint-less mmap of its
 * whole image lands; the vDSO; the tables on the stack (create_elf_tables: argc, argv, envp,
 * the auxiliary vector, AT_RANDOM's bytes, the platform string); the mm's code, data, stack
 * and argument bounds; and the break after the bss (with ASLR a page further, then randomized
 * over 1 GiB; a static PIE's at ELF_ET_DYN_BASE). The CPU facts of the auxiliary vector
 * (AT_HWCAP, AT_HWCAP2, AT_MINSIGSTKSZ, the rseq sizes) are the host kernel's.
 * The maps importer asks elf_mm_layout about a snapshot's executable: the same mm fields.
 * Left out: 32-bit images (ENOEXEC; the kernel's compat loader would run them), big-endian
 * ones, GNU properties (IBT/SHSTK), MMAP_PAGE_ZERO, core dumps.
 */
#include "host/host.h"
#include "mm/exec.h"
#include "mm/fault.h"
#include "mm/file.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/syscalls.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mmu/mmu.h"

#include <elf.h>
#include <limits.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28
#endif
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define ELF_PAGESTART(v) ((v) & PAGE_MASK)
#define ELF_PAGEOFFSET(v) ((v) & (PAGE_SIZE - 1))
#define ELF_PAGEALIGN(v) PAGE_ALIGN(v)
#define BAD_ADDR(x) ((unsigned long)(x) >= TASK_SIZE)
#ifndef IS_ERR_VALUE
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
#endif
/* x86_64's ELF_ET_DYN_BASE: two thirds of the address space, not page-aligned itself */
#define ELF_ET_DYN_BASE_X86 (DEFAULT_MAP_WINDOW / 3 * 2)
#define MMAP_RND_BITS 28		/* vm.mmap_rnd_bits: arch_mmap_rnd's span, in pages */
#define BRK_RND_RANGE (1UL << 30)	/* arch_randomize_brk on x86_64: 1 GiB */
#define ELF_PLATFORM "x86_64"
#define AUXV_MAX 32			/* Entries create_elf_tables writes, AT_NULL included */

/* The executable's program headers, as binfmt_elf reads them (at most 4 KiB of them). */
struct exe_image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4096 / sizeof(Elf64_Phdr)];
	unsigned int nr;
};

static bool exe_read(const struct file *f, struct exe_image *img)
{
	/* the lower file's bytes: an executable the scenario wrote is not read here */
	int fd = f->f_inode ? f->f_inode->lower_fd : f->host_fd;
	size_t size;

	if (fd < 0 || pread(fd, &img->eh, sizeof(img->eh), 0) != sizeof(img->eh))
		return false;
	if (memcmp(img->eh.e_ident, ELFMAG, SELFMAG) || img->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    (img->eh.e_type != ET_EXEC && img->eh.e_type != ET_DYN) ||
	    img->eh.e_phentsize != sizeof(Elf64_Phdr))
		return false;
	size = (size_t)img->eh.e_phnum * sizeof(Elf64_Phdr);
	if (!size || size > sizeof(img->ph))
		return false;
	img->nr = img->eh.e_phnum;
	return pread(fd, img->ph, size, (off_t)img->eh.e_phoff) == (ssize_t)size;
}

/**
 * elf_mm_layout - the mm fields load_elf_binary sets, from the program headers of @exe's
 * file (@exe: the executable's first VMA in the snapshot). start_code and
 * end_code span the executable segments' file contents, start_data is the highest segment's
 * address, end_data the end of the highest file contents, and the break starts at the page
 * after the highest segment's memory (bss included), however far apart the segments are.
 * A static PIE (ET_DYN without PT_INTERP) gets its break at ELF_ET_DYN_BASE. The load bias
 * is where the first segment's page landed in the snapshot.
 * Context: the mm's lock held for writing.
 * Return: the unrandomized break, or 0 when the file cannot be read or does not fit the
 * snapshot (the mm is then unchanged).
 */
unsigned long elf_mm_layout(struct mm_struct *mm, struct vm_area_struct *exe)
{
	unsigned long start_code = ~0UL, end_code = 0, start_data = 0, end_data = 0, brk = 0;
	unsigned long bias = 0;
	struct exe_image *img = malloc(sizeof(*img));
	bool first = true, interp = false;

	if (!img || !exe_read(exe->vm_file, img))
		goto fail;
	for (unsigned int i = 0; i < img->nr; i++) {
		const Elf64_Phdr *ph = &img->ph[i];

		interp |= ph->p_type == PT_INTERP;
		if (ph->p_type != PT_LOAD)
			continue;
		if (first) {
			/* The first segment's page is the executable's first VMA. */
			if ((ph->p_offset & PAGE_MASK) != exe->vm_pgoff << PAGE_SHIFT)
				goto fail;
			bias = exe->vm_start - (ph->p_vaddr & PAGE_MASK);
			first = false;
		}
		if (ph->p_filesz > ph->p_memsz || ph->p_memsz > TASK_SIZE_MAX ||
		    ph->p_vaddr > TASK_SIZE_MAX - ph->p_memsz)
			goto fail;
		if ((ph->p_flags & PF_X) && ph->p_vaddr < start_code)
			start_code = ph->p_vaddr;
		start_data = max(start_data, (unsigned long)ph->p_vaddr);
		if (ph->p_flags & PF_X)
			end_code = max(end_code, (unsigned long)(ph->p_vaddr + ph->p_filesz));
		end_data = max(end_data, (unsigned long)(ph->p_vaddr + ph->p_filesz));
		brk = max(brk, (unsigned long)(ph->p_vaddr + ph->p_memsz));
	}
	if (first)
		goto fail;
	if (start_code == ~0UL)
		start_code = 0;	/* no executable segment: as the kernel leaves it, ~0 + bias */
	mm->start_code = start_code + bias;
	mm->end_code = end_code + bias;
	mm->start_data = start_data + bias;
	mm->end_data = end_data + bias;
	/* x86's ELF_ET_DYN_BASE, two thirds of the address space, is not page-aligned itself */
	brk = img->eh.e_type == ET_DYN && !interp ? PAGE_ALIGN(DEFAULT_MAP_WINDOW / 3 * 2)
						   : PAGE_ALIGN(brk + bias);
	free(img);
	return brk;
fail:
	free(img);
	return 0;
}

/* One ELF image being loaded: the program or its interpreter. */
struct elf_image {
	struct file *file;		/* Opened for execution (writes denied) */
	Elf64_Ehdr eh;			/* Its header */
	Elf64_Phdr *ph;			/* Its program headers (malloc'd), eh.e_phnum of them */
};

/*
 * load_elf_binary's state from the headers to the tables: both images, the stack's
 * permission, and what the mapping of the program found.
 */
struct elf_load {
	struct linux_binprm *bprm;
	struct task *tsk;		/* The task executing (its mm is the new one after
					 * begin_new_exec) */
	struct elf_image exe;		/* The program */
	struct elf_image interp;	/* Its PT_INTERP interpreter (file NULL: none) */
	enum exec_stack exstack;	/* PT_GNU_STACK's wish */
	unsigned long load_bias;	/* Where the program's vaddr 0 landed */
	unsigned long phdr_addr;	/* Its program headers in memory (AT_PHDR) */
	unsigned long start_code, end_code, start_data, end_data, elf_brk;
	unsigned long interp_base;	/* Where the interpreter's vaddr 0 landed (AT_BASE) */
	unsigned long vdso;		/* The vDSO's text (AT_SYSINFO_EHDR) */
};

/*
 * The header's own checks (ENOEXEC): ELF, an executable, for x86_64 (elf_check_arch looks at
 * e_machine alone: EI_CLASS and EI_DATA are not checked; a 32-bit file fails on its program
 * header size).
 */
static bool elf_check_header(const Elf64_Ehdr *eh)
{
	return !memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_machine == EM_X86_64 &&
	       (eh->e_type == ET_EXEC || eh->e_type == ET_DYN);
}

/*
 * load_elf_phdrs: the program headers, at most 64 KiB of them in the entry size this
 * loader knows (6.18 no longer limits them to a page, as 6.12 did: the host loads 169).
 * Return: 0, or -1 when they are missing, too many, or short.
 */
static int load_elf_phdrs(struct elf_image *img)
{
	size_t size = (size_t)img->eh.e_phnum * sizeof(Elf64_Phdr);

	if (img->eh.e_phentsize != sizeof(Elf64_Phdr) || !size || size > 65536)
		return -1;
	img->ph = malloc(size);
	if (!img->ph)
		return -1;
	if (kernel_read(img->file, img->ph, size, (loff_t)img->eh.e_phoff) != (ssize_t)size) {
		free(img->ph);
		img->ph = NULL;
		return -1;
	}
	return 0;
}

/* total_mapping_size: from the first PT_LOAD's page to the end of the highest one's memory. */
static unsigned long total_mapping_size(const struct elf_image *img)
{
	unsigned long lo = ~0UL, hi = 0;

	for (unsigned int i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		lo = min(lo, ELF_PAGESTART((unsigned long)ph->p_vaddr));
		hi = max(hi, (unsigned long)(ph->p_vaddr + ph->p_memsz));
	}
	return lo == ~0UL ? 0 : hi - lo;
}

/* maximum_alignment: the largest power-of-two p_align of the PT_LOADs, at least a page. */
static unsigned long maximum_alignment(const struct elf_image *img)
{
	unsigned long align = 0;

	for (unsigned int i = 0; i < img->eh.e_phnum; i++) {
		unsigned long a = img->ph[i].p_align;

		if (img->ph[i].p_type == PT_LOAD && a && !(a & (a - 1)))
			align = max(align, a);
	}
	return ELF_PAGEALIGN(align);
}

static int make_prot(Elf64_Word p_flags)
{
	return ((p_flags & PF_R) ? PROT_READ : 0) | ((p_flags & PF_W) ? PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? PROT_EXEC : 0);
}

/* vm_mmap and vm_munmap: the calls with the mm's lock taken around them. */
static unsigned long vm_mmap(struct task *tsk, struct file *file, unsigned long addr,
			     unsigned long len, int prot, int flags, unsigned long off)
{
	long ret;

	mmap_write_lock(tsk->mm);
	ret = ksys_mmap(tsk, addr, len, (unsigned long)prot, (unsigned long)flags, file, off);
	mmap_write_unlock(tsk->mm);
	return (unsigned long)ret;
}

static void vm_munmap(struct task *tsk, unsigned long addr, unsigned long len)
{
	mmap_write_lock(tsk->mm);
	(void)sys_munmap(tsk, addr, len);
	mmap_write_unlock(tsk->mm);
}

/* clear_user through the task's page tables: 0, or -EFAULT when a page would not fault in. */
static int clear_user(struct mmlab_task *t, unsigned long addr, size_t len)
{
	static const unsigned char zeros[PAGE_SIZE];
	struct mmu_cpu *cpu = task_cpu_enter(t);
	size_t left = mmu_copy_to_user(cpu, addr, zeros, len);

	task_cpu_exit(cpu);
	return left ? -EFAULT : 0;
}

/*
 * elf_map: the file part of segment @ph at @addr, pages rounded outwards. With @total_size
 * (an image's first segment) the whole image's span is mapped first, so that a search for
 * room finds room for all of it, and all but the segment's part unmapped again.
 * Return: the address, or a -errno (BAD_ADDR).
 */
static unsigned long elf_map(struct task *tsk, struct file *file, unsigned long addr,
			     const Elf64_Phdr *ph, int prot, int type, unsigned long total_size)
{
	unsigned long size = ELF_PAGEALIGN(ph->p_filesz + ELF_PAGEOFFSET(ph->p_vaddr));
	unsigned long off = ph->p_offset - ELF_PAGEOFFSET(ph->p_vaddr);
	unsigned long map;

	addr = ELF_PAGESTART(addr);
	if (!size)
		return addr;
	if (!total_size)
		return vm_mmap(tsk, file, addr, size, prot, type, off);
	total_size = ELF_PAGEALIGN(total_size);
	map = vm_mmap(tsk, file, addr, total_size, prot, type, off);
	if (!BAD_ADDR(map) && total_size > size)
		vm_munmap(tsk, map + size, total_size - size);
	return map;
}

/*
 * elf_load: segment @ph at @addr - the file part mapped, the rest of the page it ends in
 * cleared (when writable), the memory beyond it anonymous (vm_brk_flags, executable if the
 * segment is).
 * Return: the address of the segment's first page, or a -errno (BAD_ADDR).
 */
static unsigned long elf_load(struct task *tsk, struct file *file, unsigned long addr,
			      const Elf64_Phdr *ph, int prot, int type, unsigned long total_size)
{
	unsigned long map, zero_start, zero_end;
	int err;

	if (ph->p_filesz) {
		map = elf_map(tsk, file, addr, ph, prot, type, total_size);
		if (BAD_ADDR(map))
			return map;
		zero_start = map + ELF_PAGEOFFSET(ph->p_vaddr) + ph->p_filesz;
		zero_end = map + ELF_PAGEOFFSET(ph->p_vaddr) + ph->p_memsz;
		/* padzero: the file's bytes past p_filesz in the last page read as zeros */
		if (ph->p_memsz > ph->p_filesz && ELF_PAGEOFFSET(zero_start) &&
		    (prot & PROT_WRITE) &&
		    clear_user(container_of(tsk, struct mmlab_task, tsk), zero_start,
			       PAGE_SIZE - ELF_PAGEOFFSET(zero_start)))
			return (unsigned long)-EFAULT;
	} else {
		map = zero_start = ELF_PAGESTART(addr);
		zero_end = zero_start + ELF_PAGEOFFSET(ph->p_vaddr) + ph->p_memsz;
	}
	if (ph->p_memsz <= ph->p_filesz)
		return map;
	zero_start = ELF_PAGEALIGN(zero_start);
	zero_end = ELF_PAGEALIGN(zero_end);
	if (zero_end <= zero_start)
		return map;
	mmap_write_lock(tsk->mm);
	err = vm_brk_flags(tsk, zero_start, zero_end - zero_start,
			   (prot & PROT_EXEC) ? VM_EXEC : 0);
	mmap_write_unlock(tsk->mm);
	return err ? (unsigned long)(long)err : map;
}

/* Whether a segment's sizes keep it inside the user address space at @k (set_brk's check). */
static bool elf_segment_fits(const Elf64_Phdr *ph, unsigned long k)
{
	return !BAD_ADDR(k) && ph->p_filesz <= ph->p_memsz && ph->p_memsz <= TASK_SIZE &&
	       TASK_SIZE - ph->p_memsz >= k;
}

/*
 * The first PT_LOAD of an ET_DYN program decides the load bias: a program with an interpreter
 * goes at ELF_ET_DYN_BASE (randomized as mmap's base is), aligned down to its largest p_align;
 * a static PIE goes where mmap puts it, found by mapping its whole image once when it wants
 * more than page alignment.
 * Return: 0 with ld->load_bias and *@flags set, or -errno.
 */
static int elf_dyn_bias(struct elf_load *ld, const Elf64_Phdr *ph, unsigned long total,
			int prot, int *flags)
{
	unsigned long align = maximum_alignment(&ld->exe), bias = 0;

	if (ld->interp.file) {
		bias = ELF_ET_DYN_BASE_X86;
		if (ld->tsk->cfg.randomize)
			bias += (task_random(ld->tsk) & ((1UL << MMAP_RND_BITS) - 1)) << PAGE_SHIFT;
		if (align)
			bias &= ~(align - 1);
		*flags |= MAP_FIXED_NOREPLACE;
	} else if (align > PAGE_SIZE) {
		bias = elf_load(ld->tsk, ld->exe.file, 0, ph, prot, *flags, total);
		if (BAD_ADDR(bias))
			return IS_ERR_VALUE(bias) ? (int)(long)bias : -EINVAL;
		vm_munmap(ld->tsk, bias, total);
		bias &= ~(align - 1);
		*flags |= MAP_FIXED_NOREPLACE;
	}
	ld->load_bias = ELF_PAGESTART(bias - ph->p_vaddr);
	return 0;
}

/* The program's bounds as load_elf_binary gathers them from one PT_LOAD. */
static void elf_note_segment(struct elf_load *ld, const Elf64_Phdr *ph)
{
	const Elf64_Ehdr *eh = &ld->exe.eh;
	unsigned long end = ph->p_vaddr + ph->p_filesz;

	if (ph->p_offset <= eh->e_phoff && eh->e_phoff < ph->p_offset + ph->p_filesz)
		ld->phdr_addr = eh->e_phoff - ph->p_offset + ph->p_vaddr;
	if ((ph->p_flags & PF_X) && ph->p_vaddr < ld->start_code)
		ld->start_code = ph->p_vaddr;
	ld->start_data = max(ld->start_data, (unsigned long)ph->p_vaddr);
	if ((ph->p_flags & PF_X) && end > ld->end_code)
		ld->end_code = end;
	ld->end_data = max(ld->end_data, end);
	ld->elf_brk = max(ld->elf_brk, (unsigned long)(ph->p_vaddr + ph->p_memsz));
}

/*
 * The program's PT_LOAD segments: the first decides where the image goes (MAP_FIXED_NOREPLACE
 * for ET_EXEC and a placed ET_DYN), the others follow it MAP_FIXED. The bounds and AT_PHDR
 * are gathered on the way and biased at the end.
 * Return: 0 or -errno.
 */
static int elf_map_program(struct elf_load *ld)
{
	const Elf64_Ehdr *eh = &ld->exe.eh;
	bool first = true;

	ld->start_code = ~0UL;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &ld->exe.ph[i];
		int prot = make_prot(ph->p_flags), flags = MAP_PRIVATE, err;
		unsigned long total = 0, map;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!first) {
			flags |= MAP_FIXED;
		} else if (eh->e_type == ET_EXEC) {
			flags |= MAP_FIXED_NOREPLACE;
		} else {
			total = total_mapping_size(&ld->exe);
			if (!total)
				return -EINVAL;
			err = elf_dyn_bias(ld, ph, total, prot, &flags);
			if (err)
				return err;
		}
		map = elf_load(ld->tsk, ld->exe.file, ld->load_bias + ph->p_vaddr, ph, prot, flags,
			       total);
		if (BAD_ADDR(map))
			return IS_ERR_VALUE(map) ? (int)(long)map : -EINVAL;
		/* a static PIE without a place of its own went wherever mmap put it */
		if (first && eh->e_type == ET_DYN)
			ld->load_bias += map - ELF_PAGESTART(ld->load_bias + ph->p_vaddr);
		first = false;
		if (!elf_segment_fits(ph, ph->p_vaddr))
			return -EINVAL;
		elf_note_segment(ld, ph);
	}
	ld->phdr_addr += ld->load_bias;
	ld->elf_brk += ld->load_bias;
	ld->start_code += ld->load_bias;
	ld->end_code += ld->load_bias;
	ld->start_data += ld->load_bias;
	ld->end_data += ld->load_bias;
	return 0;
}

/*
 * load_elf_interp: the interpreter's segments, the first one mapped with the image's whole
 * span where a hint-less mmap puts it (below mmap_base, top-down), the others after it.
 * Return: 0 with ld->interp_base set, or -errno.
 */
static int load_elf_interp(struct elf_load *ld)
{
	const Elf64_Ehdr *eh = &ld->interp.eh;
	unsigned long total = total_mapping_size(&ld->interp), base = 0;
	bool placed = false;

	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -EINVAL;
	if (!total)
		return -EINVAL;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &ld->interp.ph[i];
		int flags = MAP_PRIVATE;
		unsigned long map, addr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (eh->e_type == ET_EXEC || placed)
			flags |= MAP_FIXED;
		/* a placed program leaves the interpreter to mmap's choice: no hint */
		addr = (!placed && ld->load_bias && eh->e_type == ET_DYN) ? 0 : base + ph->p_vaddr;
		map = elf_load(ld->tsk, ld->interp.file, addr, ph, make_prot(ph->p_flags), flags,
			       total);
		total = 0;
		if (BAD_ADDR(map))
			return IS_ERR_VALUE(map) ? (int)(long)map : -EINVAL;
		if (!placed && eh->e_type == ET_DYN) {
			base = map - ELF_PAGESTART(ph->p_vaddr);
			placed = true;
		}
		if (!elf_segment_fits(ph, base + ph->p_vaddr))
			return -ENOMEM;
	}
	ld->interp_base = base;
	return 0;
}

/*
 * The program's PT_INTERP: its path (NUL-terminated, 2..PATH_MAX bytes) opened for execution
 * and its header read. No PT_INTERP: 0 with no interpreter.
 * Return: 0, -ENOEXEC for a bad path, or open_exec's and the read's -errno.
 */
static int elf_open_interp(struct elf_load *ld)
{
	for (unsigned int i = 0; i < ld->exe.eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &ld->exe.ph[i];
		struct file *f;
		char *path;
		ssize_t n;

		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_filesz > PATH_MAX || ph->p_filesz < 2)
			return -ENOEXEC;
		path = malloc(ph->p_filesz);
		if (!path)
			return -ENOMEM;
		n = kernel_read(ld->exe.file, path, ph->p_filesz, (loff_t)ph->p_offset);
		if (n != (ssize_t)ph->p_filesz || path[ph->p_filesz - 1]) {
			free(path);
			return n < 0 ? (int)n : n != (ssize_t)ph->p_filesz ? -EIO : -ENOEXEC;
		}
		/* an empty path names the working directory: not a file to execute */
		f = path[0] ? open_exec(ld->bprm->task, path, false) : ERR_PTR(-EACCES);
		free(path);
		if (IS_ERR(f))
			return (int)PTR_ERR(f);
		ld->interp.file = f;
		n = kernel_read(f, &ld->interp.eh, sizeof(ld->interp.eh), 0);
		return n == sizeof(ld->interp.eh) ? 0 : n < 0 ? (int)n : -EIO;
	}
	return 0;
}

/* PT_GNU_STACK's flags say whether the stack is executable. */
static enum exec_stack elf_exec_stack(const struct elf_image *img)
{
	enum exec_stack x = EXSTACK_DEFAULT;

	for (unsigned int i = 0; i < img->eh.e_phnum; i++)
		if (img->ph[i].p_type == PT_GNU_STACK)
			x = (img->ph[i].p_flags & PF_X) ? EXSTACK_ENABLE_X : EXSTACK_DISABLE_X;
	return x;
}

/* The auxiliary vector's pairs, in create_elf_tables's order; the count of words written. */
static unsigned int elf_auxv(const struct elf_load *ld, unsigned long random,
			     unsigned long platform, unsigned long *v)
{
	const struct cred *cred = &ld->tsk->cred;
	unsigned long rseq_size = host_getauxval(AT_RSEQ_FEATURE_SIZE);
	unsigned long rseq_align = host_getauxval(AT_RSEQ_ALIGN);
	const unsigned long pairs[][2] = {
		{ AT_SYSINFO_EHDR, ld->vdso },
		{ AT_MINSIGSTKSZ, host_getauxval(AT_MINSIGSTKSZ) },
		{ AT_HWCAP, host_getauxval(AT_HWCAP) },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_CLKTCK, 100 },
		{ AT_PHDR, ld->phdr_addr },
		{ AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, ld->exe.eh.e_phnum },
		{ AT_BASE, ld->interp_base },
		{ AT_FLAGS, (ld->bprm->interp_flags & BINPRM_FLAGS_PRESERVE_ARGV0) ? 1UL : 0 },
		{ AT_ENTRY, ld->exe.eh.e_entry + ld->load_bias },
		{ AT_UID, cred->uid },
		{ AT_EUID, cred->euid },
		{ AT_GID, cred->gid },
		{ AT_EGID, cred->egid },
		{ AT_SECURE, cred->uid != cred->euid || cred->gid != cred->egid },
		{ AT_RANDOM, random },
		{ AT_HWCAP2, host_getauxval(AT_HWCAP2) },
		{ AT_EXECFN, ld->bprm->exec },
		{ AT_PLATFORM, platform },
		{ AT_RSEQ_FEATURE_SIZE, rseq_size ? rseq_size : 28 },
		{ AT_RSEQ_ALIGN, rseq_align ? rseq_align : 32 },
		{ AT_NULL, 0 },
	};
	unsigned int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		v[n++] = pairs[i][0];
		v[n++] = pairs[i][1];
	}
	return n;
}

/* put_user of one word into the stack image. */
static int put_stack_word(struct linux_binprm *bprm, unsigned long addr, unsigned long val)
{
	unsigned long *to = bprm_stack_at(bprm, addr, sizeof(val));

	if (!to)
		return -ENOMEM;
	memcpy(to, &val, sizeof(val));
	return 0;
}

/*
 * The pointers to @n strings starting at @p on the new stack, written from @sp on, with the
 * NULL after them; *@p ends after the last string.
 */
static int put_string_ptrs(struct linux_binprm *bprm, unsigned long *sp, unsigned long *p, int n)
{
	while (n-- > 0) {
		const char *s = bprm_stack_at(bprm, *p, 1);
		size_t len;

		if (!s || put_stack_word(bprm, *sp, *p))
			return -EFAULT;
		len = strnlen(s, bprm->stack.top - *p) + 1;
		if (len > MAX_ARG_STRLEN)
			return -EINVAL;
		*p += len;
		*sp += sizeof(unsigned long);
	}
	*sp += sizeof(unsigned long);
	return put_stack_word(bprm, *sp - sizeof(unsigned long), 0);
}

/*
 * create_elf_tables: below the strings, the platform string and AT_RANDOM's 16 bytes, then,
 * 16-byte aligned, argc, argv[], NULL, envp[], NULL and the auxiliary vector; the stack VMA
 * grows over them if it must. The image is then written to the stack through the task's
 * page tables, and the mm learns where argv and envp's strings are.
 * Return: 0, -EFAULT, -ENOMEM.
 */
static int create_elf_tables(struct elf_load *ld)
{
	struct linux_binprm *bprm = ld->bprm;
	struct mm_struct *mm = ld->tsk->mm;
	unsigned long p = arch_align_stack(ld->tsk, bprm->p), auxv[2 * AUXV_MAX], sp, str;
	unsigned long platform, random, items;
	unsigned int words;
	struct mmu_cpu *cpu;
	size_t left;
	void *to;
	int err;

	p -= sizeof(ELF_PLATFORM);
	platform = p;
	to = bprm_stack_at(bprm, p, sizeof(ELF_PLATFORM));
	if (!to)
		return -ENOMEM;
	memcpy(to, ELF_PLATFORM, sizeof(ELF_PLATFORM));
	p -= 16;
	random = p;
	for (int i = 0; i < 2; i++)
		if (put_stack_word(bprm, p + 8 * i, task_random(ld->tsk)))
			return -ENOMEM;
	words = elf_auxv(ld, random, platform, auxv);
	items = (unsigned long)bprm->argc + 1 + (unsigned long)bprm->envc + 1 + 1;
	sp = (p - words * sizeof(unsigned long) - items * sizeof(unsigned long)) & ~15UL;
	bprm->p = sp;
	mmap_write_lock(mm);
	err = sp < bprm->vma->vm_start ? expand_stack(ld->tsk, bprm->vma, sp) : 0;
	mmap_write_unlock(mm);
	if (err)
		return -EFAULT;
	err = put_stack_word(bprm, sp, (unsigned long)bprm->argc);
	sp += sizeof(unsigned long);
	str = mm->arg_start;
	err = err ?: put_string_ptrs(bprm, &sp, &str, bprm->argc);
	mm->arg_end = mm->env_start = str;
	err = err ?: put_string_ptrs(bprm, &sp, &str, bprm->envc);
	mm->env_end = str;
	to = err ? NULL : bprm_stack_at(bprm, sp, words * sizeof(unsigned long));
	if (!to)
		return err ?: -ENOMEM;
	memcpy(to, auxv, words * sizeof(unsigned long));
	to = bprm_stack_at(bprm, bprm->p, bprm->stack.top - bprm->p);
	if (!to)
		return -EFAULT;
	cpu = task_cpu_enter(bprm->task);
	left = mmu_copy_to_user(cpu, bprm->p, to, bprm->stack.top - bprm->p);
	task_cpu_exit(cpu);
	return left ? -EFAULT : 0;
}

/*
 * The break after the bss (a static PIE's at ELF_ET_DYN_BASE, out of the mmap area); with
 * ASLR a page further unless it moved, then anywhere in the next 1 GiB.
 */
static void elf_set_brk(struct elf_load *ld)
{
	struct mm_struct *mm = ld->tsk->mm;
	bool moved = false;

	if (ld->exe.eh.e_type == ET_DYN && !ld->interp.file) {
		ld->elf_brk = ELF_ET_DYN_BASE_X86;
		moved = true;
	}
	mm->start_brk = mm->brk = ELF_PAGEALIGN(ld->elf_brk);
	if (ld->tsk->cfg.randomize) {
		if (!moved)
			mm->start_brk = mm->brk = mm->brk + PAGE_SIZE;
		mm->start_brk = mm->brk = randomize_page(ld->tsk, mm->brk, BRK_RND_RANGE);
	}
}

/* What load_elf_binary does once the old mm is gone: the new one built, in the kernel's order. */
static int elf_build_mm(struct elf_load *ld)
{
	struct linux_binprm *bprm = ld->bprm;
	struct mm_struct *mm;
	unsigned long stack_top = STACK_TOP;
	int err;

	setup_new_exec(bprm);
	/* randomize_stack_top: 22 bits of pages below STACK_TOP */
	if (ld->tsk->cfg.randomize)
		stack_top -= (task_random(ld->tsk) & 0x3fffffUL) << PAGE_SHIFT;
	err = setup_arg_pages(bprm, stack_top, ld->exstack) ?: elf_map_program(ld);
	if (!err && ld->interp.file)
		err = load_elf_interp(ld);
	if (err)
		return err;
	mm = ld->tsk->mm;
	mmap_write_lock(mm);
	err = map_vdso(ld->tsk, &ld->vdso);
	mmap_write_unlock(mm);
	err = err ?: create_elf_tables(ld);
	if (err)
		return err;
	mm->start_code = ld->start_code;
	mm->end_code = ld->end_code;
	mm->start_data = ld->start_data;
	mm->end_data = ld->end_data;
	mm->start_stack = bprm->p;
	elf_set_brk(ld);
	return 0;
}

/*
 * The checks before the point of no return: the program's header and program headers
 * (ENOEXEC), its interpreter opened and its header checked (ELIBBAD), the stack's wish.
 */
static int elf_prepare(struct elf_load *ld)
{
	struct linux_binprm *bprm = ld->bprm;
	int err;

	memcpy(&ld->exe.eh, bprm->buf, sizeof(ld->exe.eh));
	ld->exe.file = bprm->file;
	if (!elf_check_header(&ld->exe.eh) || load_elf_phdrs(&ld->exe))
		return -ENOEXEC;
	err = elf_open_interp(ld);
	if (err)
		return err;
	ld->exstack = elf_exec_stack(&ld->exe);
	if (!ld->interp.file)
		return 0;
	if (memcmp(ld->interp.eh.e_ident, ELFMAG, SELFMAG) ||
	    ld->interp.eh.e_machine != EM_X86_64 || load_elf_phdrs(&ld->interp))
		return -ELIBBAD;
	return 0;
}

/**
 * load_elf_binary - the ELF format's load_binary: see the file's head.
 * Context: no mmap_lock held.
 * Return: 0; -ENOEXEC when the file is no x86_64 ELF executable (the next format is tried);
 * before the point of no return, open_exec's errors for the interpreter, -ELIBBAD for a bad
 * interpreter; after it, -EINVAL, -ENOMEM, -EEXIST, -EFAULT... (the process cannot go on).
 */
int load_elf_binary(struct linux_binprm *bprm)
{
	struct elf_load ld = { .bprm = bprm, .tsk = &bprm->task->tsk };
	int err = elf_prepare(&ld);

	if (!err)
		err = begin_new_exec(bprm) ?: elf_build_mm(&ld);
	if (ld.interp.file) {
		exe_file_allow_write_access(ld.interp.file);
		fput(ld.interp.file);
	}
	free(ld.interp.ph);
	free(ld.exe.ph);
	return err;
}
