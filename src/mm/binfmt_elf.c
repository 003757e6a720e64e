// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What load_elf_binary (fs/binfmt_elf.c) sets in the mm from an executable's program headers:
 * the code and data bounds and where the break starts. The maps importer asks it about the
 * executable a snapshot shows, read from the host through the file's descriptor.
 * Left out: mapping the segments (the snapshot has them already), the interpreter, the
 * auxiliary vector, and 32-bit and big-endian images.
 */
#include "mm/exec.h"
#include "mm/mmap.h"

#include <elf.h>
#include <string.h>
#include <unistd.h>

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
