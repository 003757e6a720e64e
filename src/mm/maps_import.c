// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A task built from a /proc/PID/maps snapshot (mmlab_task_create_from_maps): every line becomes
 * the VMA the kernel printed so - flags from the permissions and the name, the file (this
 * machine's when it is still the same file, by device and inode, else the line's identity
 * alone), the shmem object of a shared /dev/zero mapping, an [anon:] name - and the mm fields
 * exec would have set (code, data, brk, stack, mmap_base) are worked out from the executable's
 * program headers when it can be read (binfmt_elf.c), else from its mappings. It has no Linux
 * counterpart: it reads what fs/proc/task_mmu.c's show_map_vma writes.
 * Left out: what a snapshot cannot show - page contents, locked or advised state, the
 * anon_vma lineage of a forked process, and the brk's random offset when [heap] is absent.
 */
#include "mm/exec.h"
#include "mm/file.h"
#include "mm/machine.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/mmap.h"
#include "mm/shmem.h"
#include "mm/vma.h"
#include "mm/task.h"
#include "mmlab.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* What the importer learns from the lines, for the mm fields exec sets. */
struct maps_import {
	struct mmlab_task *t;
	struct mmlab_maps_error *err;	/* Where a bad line is reported, or NULL */
	struct vm_area_struct *heap;	/* The [heap] VMA, or NULL */
	struct vm_area_struct *exe;	/* The executable's first VMA: the lowest file mapping */
};

static int maps_fail(struct maps_import *mi, int err, const char *msg)
{
	if (mi->err)
		mi->err->message = msg;
	return err;
}

/*
 * The struct file of a maps line's path: an inode of the machine's overlay found by the
 * line's identity (vfs_lookup_id): the host's file at that path when it is still that file
 * (same device and inode), else a file known by identity alone, whose size is taken to be at
 * least what the line maps (a snapshot does not say more). A deleted file is never the host's.
 * A shared mapping that may write has a file opened for writing (in the overlay only).
 */
static struct file *maps_file(struct vfs *vfs, const char *name, dev_t dev, unsigned long ino,
			      bool deleted, bool shared_write, loff_t extent)
{
	struct stat id = { .st_dev = dev, .st_ino = ino, .st_mode = S_IFREG | 0644 };
	struct inode *inode;
	struct file *f;

	inode = vfs_lookup_id(vfs, name, dev, (ino_t)ino, extent, S_IFREG | 0644);
	if (IS_ERR(inode))
		return NULL;
	if (inode->contents_unknown) {
		if (inode->i_size < extent)
			inode->i_size = extent;
		if (deleted)
			inode->i_nlink = 0;
	}
	id.st_size = inode->i_size;
	f = file_from_inode(inode, shared_write ? O_RDWR : O_RDONLY, &id);
	if (IS_ERR(f))
		return NULL;
	if (inode->contents_unknown)
		f->noexec = false;	/* the identity says nothing of the mount: take it exec */
	return f;
}

/* One /proc/PID/maps line: the fields show_map_vma printed. */
struct maps_line {
	unsigned long start, end;	/* The VMA's range */
	unsigned long off;		/* File offset, in bytes */
	unsigned long ino;		/* Inode number; 0 for anonymous memory */
	unsigned int maj, min;		/* Device of the file */
	char perms[5];			/* "rwxp" or "rwxs", '-' for a missing right */
	char name[PATH_MAX];		/* A path, [heap], [stack], [anon:...], or empty */
};

/* Phase 1: the fields of @line, checked for what a kernel could have printed. */
static int maps_parse_line(struct maps_import *mi, const char *line, struct maps_line *ml)
{
	const char *perms = ml->perms;
	int n = 0;

	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &ml->start, &ml->end, ml->perms, &ml->off,
		   &ml->maj, &ml->min, &ml->ino, &n) < 7 || !n)
		return maps_fail(mi, -EINVAL, "not a /proc/PID/maps line");
	if (sscanf(line + n, "%4095[^\n]", ml->name) < 1)
		ml->name[0] = 0;
	if (strlen(perms) != 4 || strspn(perms, "r-") < 1 || !strchr("w-", perms[1]) ||
	    !strchr("x-", perms[2]) || !strchr("ps", perms[3]))
		return maps_fail(mi, -EINVAL, "bad permissions");
	if (ml->start >= ml->end || ml->start % PAGE_SIZE || ml->end % PAGE_SIZE ||
	    ml->off % PAGE_SIZE)
		return maps_fail(mi, -EINVAL, "bad address range");
	return 0;
}

/*
 * Phase 2: the flags a VMA printed so had, from its permissions and name. [stack] and
 * private writable memory are charged (VM_ACCOUNT); vvar, vvar_vclock and vdso are the
 * special mappings exec installs, with their own flags and operations (*@ops).
 */
static vm_flags_t maps_vm_flags(const struct maps_line *ml,
				const struct vm_operations_struct **ops)
{
	const char *perms = ml->perms, *name = ml->name;
	vm_flags_t flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	*ops = NULL;
	flags |= (perms[0] == 'r' ? VM_READ : 0) | (perms[1] == 'w' ? VM_WRITE : 0) |
		 (perms[2] == 'x' ? VM_EXEC : 0);
	if (perms[3] == 's')
		flags |= VM_MAYSHARE | (perms[1] == 'w' ? VM_SHARED : 0);
	if (!strcmp(name, "[stack]")) {
		flags |= VM_STACK | VM_ACCOUNT;
	} else if (!strcmp(name, "[vvar]") || !strcmp(name, "[vvar_vclock]")) {
		flags = VVAR_FLAGS;
		*ops = name[6] ? &vclock_ops : &vvar_ops;
	} else if (!strcmp(name, "[vdso]")) {
		flags = VDSO_FLAGS;
		*ops = &vdso_ops;
	}
	if ((flags & (VM_WRITE | VM_SHARED | VM_MAYSHARE)) == VM_WRITE && !*ops)
		flags |= VM_ACCOUNT;
	return flags;
}

/*
 * Phase 3: what @vma maps, from the line's name: a file (of this machine when it is still
 * there, else the snapshot's identity alone), the shmem object of a shared /dev/zero mapping
 * (shown as "/dev/zero (deleted)" on device 00:01), or an [anon:...] name.
 */
static int maps_vma_object(struct maps_import *mi, struct vm_area_struct *vma,
			   struct maps_line *ml)
{
	char *name = ml->name;
	size_t len = strlen(name);

	if (name[0] == '/') {
		bool deleted = len > 10 && !strcmp(name + len - 10, " (deleted)");

		if (deleted)
			name[len - 10] = 0;
		if (deleted && !strcmp(name, "/dev/zero") && ml->maj == 0 && ml->min == 1)
			vma->vm_file = shmem_zero_file(vma->vm_mm->machine,
						       ml->off + (ml->end - ml->start));
		else
			vma->vm_file = maps_file(&vma->vm_mm->machine->vfs, name,
						 makedev(ml->maj, ml->min), ml->ino, deleted,
						 (vma->vm_flags & VM_SHARED) != 0,
						 (loff_t)(ml->off + (ml->end - ml->start)));
		if (!vma->vm_file)
			return maps_fail(mi, -ENOMEM, "out of memory");
		if (vma_is_shmem(vma))
			vma->vm_file->f_inode->i_ino = vma->vm_file->ino = ml->ino;
		vma->vm_pgoff = ml->off >> PAGE_SHIFT;
	} else if (!strncmp(name, "[anon:", 6) && name[len - 1] == ']') {
		name[len - 1] = 0;
		vma->anon_name = anon_vma_name_alloc(name + 6);
		if (!vma->anon_name)
			return maps_fail(mi, -ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * One /proc/PID/maps line turned into a VMA of the importing task: parsed, given its flags
 * and its object, then inserted; [vsyscall] (the fixed legacy page, outside the mm's tree) is
 * skipped. [heap], [stack] and the lowest regular file tell exe_layout() where exec put things.
 */
static int vma_from_maps_line(struct maps_import *mi, char *line)
{
	struct mm_struct *mm = mi->t->tsk.mm;
	const struct vm_operations_struct *ops;
	struct maps_line ml;
	struct vm_area_struct *vma;
	int err = maps_parse_line(mi, line, &ml);

	if (err)
		return err;
	if (!strcmp(ml.name, "[vsyscall]"))
		return 0;
	if (ml.end > TASK_SIZE_MAX)
		return maps_fail(mi, -EINVAL, "beyond the user address space");
	if (find_vma_intersection(mm, ml.start, ml.end))
		return maps_fail(mi, -EINVAL, "overlaps an earlier line");
	vma = vm_area_alloc(mm);
	if (!vma)
		return maps_fail(mi, -ENOMEM, "out of memory");
	vma->vm_start = ml.start;
	vma->vm_end = ml.end;
	vma->vm_flags = maps_vm_flags(&ml, &ops);
	vma->vm_ops = ops;
	/* anonymous memory's offset is its page number; a special mapping's pages count from 0 */
	vma->vm_pgoff = ops ? 0 : ml.start >> PAGE_SHIFT;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	err = maps_vma_object(mi, vma, &ml) ?:
	      (insert_vm_struct(mm, vma) ? maps_fail(mi, -ENOMEM, "out of memory") : 0);
	if (err) {
		vm_area_free(vma);
		return err;
	}
	if (!strcmp(ml.name, "[heap]"))
		mi->heap = vma;
	else if (!strcmp(ml.name, "[stack]"))
		mm->start_stack = ml.end - PAGE_SIZE;
	else if (!mi->exe && vma->vm_file && vma->vm_file->regular)
		mi->exe = vma;
	return 0;
}

/*
 * The same fields from the snapshot alone, when the executable cannot be read: its mappings
 * are the VMAs of its path (with gaps between segments), code is the span of the executable
 * ones, data the last one, and the break follows the last one and the anonymous bss pages
 * right after it. Exact to the page for VmExe/VmLib; start_data and end_data are the page
 * bounds of the last segment's mapping.
 */
static unsigned long exe_layout_maps(struct mm_struct *mm, struct vm_area_struct *exe)
{
	struct vm_area_struct *vma, *last = exe, *code = NULL;
	VMA_ITERATOR(vmi, mm, exe->vm_start);

	mm->start_code = mm->end_code = exe->vm_start;
	for_each_vma(vmi, vma) {
		if (vma->vm_file && vma->vm_file->ino == exe->vm_file->ino &&
		    vma->vm_file->dev == exe->vm_file->dev &&
		    !strcmp(vma->vm_file->path, exe->vm_file->path)) {
			last = vma;
			if (!(vma->vm_flags & VM_EXEC))
				continue;
			if (!code)
				mm->start_code = vma->vm_start;
			code = vma;
			mm->end_code = vma->vm_end;
		}
	}
	mm->start_data = last->vm_start;
	mm->end_data = last->vm_end;
	vma = vma_next_of(mm, last);
	if (vma && vma->vm_start == last->vm_end && vma_is_anonymous(vma) && !vma->vm_ops &&
	    !vma->anon_name && !(vma->vm_flags & VM_GROWSDOWN) && vma->vm_file == NULL)
		return vma->vm_end;
	return last->vm_end;
}

/*
 * Sets start_code..end_data and the break as exec left them. A [heap] in the snapshot gives
 * the break; the heap starts where exec put the break when that lies inside [heap] (without
 * ASLR, the bss and the heap merge into one VMA), else at [heap]'s start (ASLR moved it). A
 * snapshot without [heap] taken after exec with ASLR cannot show how far the break was moved.
 */
static void exe_layout(struct maps_import *mi)
{
	struct mm_struct *mm = mi->t->tsk.mm;
	unsigned long brk = 0;

	if (mi->exe) {
		if (mi->exe->vm_file && mi->exe->vm_file->path)
			set_task_comm(&mi->t->tsk, mi->exe->vm_file->path);
		brk = elf_mm_layout(mm, mi->exe);
		if (!brk)
			brk = exe_layout_maps(mm, mi->exe);
	}
	if (mi->heap) {
		mm->brk = mi->heap->vm_end;
		mm->start_brk = brk > mi->heap->vm_start && brk <= mi->heap->vm_end ?
					brk : mi->heap->vm_start;
	} else {
		mm->start_brk = mm->brk = brk ? brk : ELF_ET_DYN_BASE + DEFAULT_IMAGE_END;
	}
	if (!mi->exe)
		mm->start_data = mm->end_data = mm->start_brk;
}

/* A line of only blanks is skipped. */
static bool blank_line(const char *line)
{
	return line[strspn(line, " \t\r\n")] == 0;
}

/*
 * Every line of @maps into a VMA, in order. A UTF-8 byte order mark and CRLF endings are
 * accepted, blank lines skipped; mi->err->line names the line being read.
 */
static int maps_read(struct maps_import *mi, FILE *maps)
{
	char line[PATH_MAX + 128];
	unsigned long nr = 0;
	int err;

	while (fgets(line, sizeof(line), maps)) {
		char *p = line;
		size_t len = strlen(line);

		nr++;
		if (mi->err)
			mi->err->line = nr;
		if (len && line[len - 1] != '\n' && !feof(maps))
			return maps_fail(mi, -EINVAL, "line too long");
		if (nr == 1 && !memcmp(p, "\xef\xbb\xbf", 3))
			p += 3;	/* a UTF-8 byte order mark */
		if (len >= 2 && !strcmp(line + len - 2, "\r\n"))
			strcpy(line + len - 2, "\n");	/* a file that went through Windows */
		if (blank_line(p))
			continue;
		err = vma_from_maps_line(mi, p);
		if (err)
			return err;
	}
	if (ferror(maps))
		return maps_fail(mi, -EIO, "read error");
	if (mi->err)
		mi->err->line = 0;
	return 0;
}

/* The top-down base is where the highest mapping below the stack's gap ends. */
static void maps_mmap_base(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *stack = NULL;
	VMA_ITERATOR(vmi, mm, 0);

	for_each_vma(vmi, vma)
		if (vma->vm_flags & VM_GROWSDOWN)
			stack = vma;
	vma = stack ? vma_prev_of(mm, stack) : NULL;
	if (vma)
		mm->mmap_base = vma->vm_end;
}

MMLAB_EXPORT int mmlab_task_create_from_maps_report(struct mmlab_machine *m,
						    const struct mmlab_task_config *cfg,
						    FILE *maps, struct mmlab_task **out,
						    struct mmlab_maps_error *err_out)
{
	struct maps_import mi = { .err = err_out };
	int err;

	if (err_out)
		*err_out = (struct mmlab_maps_error){ 0 };
	if (!m || !maps || !out)
		return -EINVAL;
	mi.t = task_alloc(m, cfg);
	if (!mi.t)
		return -ENOMEM;
	mmap_write_lock(mi.t->tsk.mm);
	err = maps_read(&mi, maps);
	if (err) {
		mmap_write_unlock(mi.t->tsk.mm);
		mmlab_task_destroy(mi.t);
		return err;
	}
	if (!mi.t->tsk.cfg.legacy_layout)
		maps_mmap_base(mi.t->tsk.mm);
	exe_layout(&mi);
	mmap_write_unlock(mi.t->tsk.mm);
	*out = mi.t;
	return 0;
}

MMLAB_EXPORT int mmlab_task_create_from_maps(struct mmlab_machine *m,
					     const struct mmlab_task_config *cfg, FILE *maps,
					     struct mmlab_task **out)
{
	return mmlab_task_create_from_maps_report(m, cfg, maps, out, NULL);
}
