// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * VMA life cycle: allocation, the references a VMA holds (file, anonymous name), splitting,
 * merging and unmapping (mm/vma.c); unmapping a charged (VM_ACCOUNT) VMA returns its
 * overcommit charge, as exit_mmap does for all of them. The merge rules are the kernel's: two
 * neighbours merge when their flags match except the sticky ones (VM_SOFTDIRTY,
 * VM_MAYBE_GUARD: the merged VMA keeps them if either side had them), they map the same file
 * at contiguous offsets
 * (anonymous memory: contiguous vm_pgoff, which mremap preserves when it moves a VMA), their
 * anon_vmas are compatible (equal, or one side has none and the other is not a fork child),
 * their names are equal and no VM_SPECIAL flag or vm_ops->close is involved (VM_SEALED is one
 * of the flags that must match). Unmapping refuses sealed VMAs. Left out: mempolicies and
 * userfaultfd contexts, which would add further "must be equal" conditions.
 *
 *   new range:        prev |  new  | next       existing range:  prev | vma [start,end) | next
 *   vma_merge_new_range() expands prev and/or next    vma_modify() merges or splits
 */
#include "mm/vma.h"
#include "mm/file.h"
#include "mm/memory.h"
#include "mm/mm_inline.h"
#include "mm/mmap_lock.h"
#include "mm/pipe.h"
#include "mm/pkeys.h"
#include "mm/shmem.h"
#include "mmu/pgrange.h"

#include <string.h>
#include <unistd.h>

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = calloc(1, sizeof(*vma));

	if (vma) {
		vma->vm_mm = mm;
		INIT_LIST_HEAD(&vma->anon_vma_chain);
	}
	return vma;
}

/**
 * vm_area_dup - copy @vma with its own references to the file and the name, but no anon_vma
 * and no chain: the caller gives it those (anon_vma_clone, anon_vma_fork).
 * Return: the copy, or NULL when out of memory.
 */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma)
{
	struct vm_area_struct *new = malloc(sizeof(*new));

	if (!new)
		return NULL;
	*new = *vma;
	new->shared = (struct interval_tree_node){ 0 };	/* linked where it is stored */
	new->anon_vma = NULL;
	INIT_LIST_HEAD(&new->anon_vma_chain);
	if (new->vm_file)
		get_file(new->vm_file);
	if (new->anon_name)
		anon_vma_name_get(new->anon_name);
	return new;
}

/* Drops @vma's references and frees it, without vm_ops->close: for copies never opened. */
static void __vm_area_free(struct vm_area_struct *vma)
{
	vma_unlink_file(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	anon_vma_name_put(vma->anon_name);
	unlink_anon_vmas(vma);
	free(vma);
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	__vm_area_free(vma);
}

/* Shared mappings that may write the file (is_shared_maywrite): i_mmap_writable counts them. */
static bool is_shared_maywrite(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE);
}

/**
 * vma_link_file - put @vma on its file's mapping->i_mmap, where truncation, writeback and
 * the rmap find every VMA of the file (__vma_link_file); a shared writable one is counted in
 * i_mmap_writable. Nothing for anonymous VMAs, files without a page cache, or a VMA already
 * linked.
 * Context: mmap_lock of @vma->vm_mm held for writing; takes the mapping's i_mmap_lock.
 */
void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma->vm_file || !vma->vm_file->f_inode || interval_tree_node_linked(&vma->shared))
		return;
	mapping = inode_mapping(vma->vm_file->f_inode);
	pthread_mutex_lock(&mapping->i_mmap_lock);
	if (is_shared_maywrite(vma->vm_flags))
		mapping->i_mmap_writable++;
	interval_tree_insert(&mapping->i_mmap, &vma->shared, vma->vm_pgoff, vma_pgoff_last(vma));
	pthread_mutex_unlock(&mapping->i_mmap_lock);
}

/**
 * vma_unlink_file - take @vma off its mapping's i_mmap (__remove_shared_vm_struct), before
 * its page tables may go: a truncation walking i_mmap then no longer reaches them.
 * Context: as vma_link_file().
 */
void vma_unlink_file(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!interval_tree_node_linked(&vma->shared))
		return;
	mapping = inode_mapping(vma->vm_file->f_inode);
	pthread_mutex_lock(&mapping->i_mmap_lock);
	if (is_shared_maywrite(vma->vm_flags))
		mapping->i_mmap_writable--;
	interval_tree_remove(&mapping->i_mmap, &vma->shared);
	pthread_mutex_unlock(&mapping->i_mmap_lock);
}

/**
 * vma_set_pgrange - give @vma the range [@start, @end) starting at page offset @pgoff. Both
 * reverse maps key a VMA by the page offsets it covers, so its i_mmap node and its chains
 * leave their trees for the change and come back with the new keys, under the locks their
 * walks take (the interval-tree part of Linux's vma_prepare/vma_complete): a walk never
 * meets a node whose key changed under it. The VMA tree is the caller's business.
 * Context: mmap_lock held for writing; takes i_mmap_lock, then the anon_vma root's lock.
 */
void vma_set_pgrange(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		     pgoff_t pgoff)
{
	struct address_space *mapping = NULL;

	VM_BUG_ON(start >= end);
	if (interval_tree_node_linked(&vma->shared)) {
		mapping = inode_mapping(vma->vm_file->f_inode);
		pthread_mutex_lock(&mapping->i_mmap_lock);
		interval_tree_remove(&mapping->i_mmap, &vma->shared);
	}
	anon_vma_interval_tree_pre_update_vma(vma);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	anon_vma_interval_tree_post_update_vma(vma);
	if (mapping) {
		interval_tree_insert(&mapping->i_mmap, &vma->shared, pgoff, vma_pgoff_last(vma));
		pthread_mutex_unlock(&mapping->i_mmap_lock);
	}
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

void fput(struct file *f)
{
	if (--f->f_count)
		return;
	if (f->pipe)
		pipe_release(f);
	if (f->f_op && f->f_op->release)
		f->f_op->release(f);
	if (f->host_fd >= 0)
		close(f->host_fd);
	if (READ_ONCE(f->f_mode) & FMODE_WRITER)
		put_write_access(f->f_inode);
	shmem_file_release(f);
	inode_name_put(f->f_name);
	iput(f->f_inode);
	free(f->path);
	free(f);
}

struct anon_vma_name *anon_vma_name_alloc(const char *name)
{
	size_t len = strlen(name);
	struct anon_vma_name *n = malloc(sizeof(*n) + len + 1);

	if (!n)
		return NULL;
	n->kref = 1;
	memcpy(n->name, name, len + 1);
	return n;
}

void anon_vma_name_get(struct anon_vma_name *n)
{
	n->kref++;
}

void anon_vma_name_put(struct anon_vma_name *n)
{
	if (n && !--n->kref)
		free(n);
}

bool anon_vma_name_eq(const struct anon_vma_name *a, const struct anon_vma_name *b)
{
	if (a == b)
		return true;
	return a && b && !strcmp(a->name, b->name);
}

/*
 * x86's protection_map: a private writable mapping gets read-only entries (the write fault
 * copies), a shared one writable entries; without PROT_EXEC the entry is NX. The VMA's
 * protection key goes into every entry, PROT_NONE ones included.
 */
pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	bool shared = vm_flags & VM_SHARED;
	pgprot_t key = vm_flags_pte_pkey(vm_flags);

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return PAGE_NONE | key;
	if ((vm_flags & VM_WRITE) && shared)
		return ((vm_flags & VM_EXEC) ? PAGE_SHARED_EXEC : PAGE_SHARED) | key;
	return ((vm_flags & VM_EXEC) ? PAGE_READONLY_EXEC : PAGE_READONLY) | key;
}

/* The VmSize/VmExe/VmStk/VmData counters (mm/mmap.c's vm_stat_account). */
void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages)
{
	mm->total_vm += npages;
	if ((flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
		mm->exec_vm += npages;
	else if ((flags & VM_STACK) == VM_STACK)
		mm->stack_vm += npages;
	else if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
		mm->data_vm += npages;
}

/* One side of a split: a VMA's range and the file offset of its start. */
struct vma_piece {
	unsigned long start, end;
	pgoff_t pgoff;
};

static void vma_take_piece(struct vm_area_struct *vma, const struct vma_piece *piece)
{
	vma_set_pgrange(vma, piece->start, piece->end, piece->pgoff);
}

/*
 * __split_vma - cut @vma at @addr into two VMAs; the new one is the lower part when
 * @new_below, else the upper. Skips the map-count limit, which split_vma() checks.
 *
 *   vma:  [vm_start      addr      vm_end)   ->   lower | upper   (one becomes the new VMA)
 *
 * The new VMA's store overwrites its piece of @vma's range in the tree, so readers see
 * the split in one step; only then does @vma shrink to the other piece.
 * Return: 0, -ENOMEM, or vm_ops->may_split's refusal; nothing changed on failure.
 */
static int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		       int new_below)
{
	const struct vma_piece lower = { vma->vm_start, addr, vma->vm_pgoff };
	const struct vma_piece upper = {
		addr, vma->vm_end, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT)
	};
	const struct vm_operations_struct *ops = vma->vm_ops;
	struct vm_area_struct *new;
	int err;

	VM_BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end);
	/* A driver may keep its VMAs whole (may_split): ask before anything changes. */
	err = ops && ops->may_split ? ops->may_split(vma, addr) : 0;
	if (err)
		return err;
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	err = anon_vma_clone(new, vma);
	if (err)
		goto free_new;
	vma_take_piece(new, new_below ? &lower : &upper);
	vma_link_file(new);
	err = vma_tree_store(mm, new);
	if (err)
		goto free_new;
	vma_take_piece(vma, new_below ? &upper : &lower);
	mm->map_count++;
	if (ops && ops->open)
		ops->open(new);
	return 0;

free_new:
	__vm_area_free(new);
	return err;
}

/**
 * split_vma - __split_vma() refused once the mm holds vm.max_map_count VMAs.
 * Context: mmap_lock held for writing.
 * Return: 0; -ENOMEM at the map-count limit or when out of memory.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	mmap_assert_write_locked(mm);
	if (mm->map_count >= mm->max_map_count)
		return -ENOMEM;
	return __split_vma(mm, vma, addr, new_below);
}

/* Two VMAs that both end up in one can share their pages' anon_vma (are_anon_vmas_compatible). */
static bool anon_vmas_compatible(const struct anon_vma *a, const struct anon_vma *b)
{
	return !a || !b || a == b;
}

/*
 * The range of @vmg may join neighbour @tgt as far as their anon_vmas go (is_mergeable_anon_vma).
 * Equal anon_vmas always fit. When one side has none, the merged VMA takes the other's - unless
 * that VMA is a fork child: its pages may also sit in its ancestors' anon_vmas (its chain is not
 * singular), and Linux keeps such VMAs apart rather than widen the set of VMAs whose rmap walks
 * take the root's lock. The source side is the VMA being changed, or the one mremap copies from.
 */
static bool is_mergeable_anon_vma(const struct vma_merge_struct *vmg,
				  const struct vm_area_struct *tgt)
{
	struct anon_vma *tgt_anon = tgt->anon_vma, *src_anon = vmg->anon_vma;

	if (!tgt_anon && src_anon)
		return !vma_is_fork_child(vmg->vma) && !vma_is_fork_child(vmg->copied_from);
	if (tgt_anon && !src_anon)
		return !vma_is_fork_child(tgt);
	return src_anon == tgt_anon;
}

/* The properties of @vmg match those of neighbour @vma (is_mergeable_vma). */
static bool is_mergeable_vma(const struct vma_merge_struct *vmg, const struct vm_area_struct *vma)
{
	if ((vma->vm_flags ^ vmg->flags) & ~VM_IGNORE_MERGE)
		return false;
	if (vma->vm_file != vmg->file)
		return false;
	if (vma->vm_ops && vma->vm_ops->close)
		return false;
	return anon_vma_name_eq(vma->anon_name, vmg->anon_name);
}

/* @vmg's range can be appended to prev. */
bool can_vma_merge_after(const struct vma_merge_struct *vmg)
{
	const struct vm_area_struct *prev = vmg->prev;

	return prev && prev->vm_end == vmg->start && is_mergeable_vma(vmg, prev) &&
	       is_mergeable_anon_vma(vmg, prev) &&
	       prev->vm_pgoff + vma_pages(prev) == vmg->pgoff;
}

/* @vmg's range can be prepended to next. */
static bool can_vma_merge_before(const struct vma_merge_struct *vmg)
{
	const struct vm_area_struct *next = vmg->next;

	return next && next->vm_start == vmg->end && is_mergeable_vma(vmg, next) &&
	       is_mergeable_anon_vma(vmg, next) &&
	       next->vm_pgoff == vmg->pgoff + ((vmg->end - vmg->start) >> PAGE_SHIFT);
}

/*
 * Frees @vma, whose range a neighbour's store already took over (or that was cleared): its
 * pages now belong to that neighbour, so nothing is unmapped.
 */
static void vma_drop(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mm->map_count--;
	vm_area_free(vma);
}

/* @vma grows or shrinks to [start, end): one store publishes the new range. */
static int vma_set_range(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			 unsigned long end)
{
	int err = vma_tree_store_range(mm, vma, start, end);
	pgoff_t pgoff = vma->vm_pgoff;

	if (err)
		return err;
	if (start < vma->vm_start)
		pgoff -= (vma->vm_start - start) >> PAGE_SHIFT;
	else
		pgoff += (start - vma->vm_start) >> PAGE_SHIFT;
	vma_set_pgrange(vma, start, end, pgoff);
	return 0;
}

/*
 * The anonymous side of a merge into @tgt, done before the tree changes because it may fail:
 * @tgt takes the chain of @absorbed (a neighbour it swallows) or, for mremap, of the VMA
 * the pages come from, when it has no anon_vma of its own. *@dup says whether it took one.
 */
static int vma_merge_anon(const struct vma_merge_struct *vmg, struct vm_area_struct *tgt,
			  struct vm_area_struct *absorbed, struct vm_area_struct **dup)
{
	int err = dup_anon_vma(tgt, absorbed, dup);

	if (!err && vmg->anon_vma && vmg->copied_from)
		err = dup_anon_vma(tgt, vmg->copied_from, dup);
	return err;
}

/**
 * vma_merge_new_range - map [start, end) by growing prev, next or both instead of adding a
 * VMA, when their properties allow it.
 *
 *   prev |  new  | next   ->   prev grows over new (and next, which is removed)
 *
 * Context: mmap_lock held for writing; [start, end) is unmapped.
 * Return: the VMA that now covers the range, or NULL with vmg->state NOMERGE or
 * ERROR_NOMEM (nothing changed).
 */
struct vm_area_struct *vma_merge_new_range(struct vma_merge_struct *vmg)
{
	struct mm_struct *mm = vmg->mm;
	struct vm_area_struct *prev = vmg->prev, *next = vmg->next, *vma, *anon_dup = NULL;
	unsigned long start, end;
	bool left, right;

	mmap_assert_write_locked(mm);
	vmg->state = VMA_MERGE_NOMERGE;
	if ((vmg->flags & VM_SPECIAL) || (!prev && !next))
		return NULL;
	left = can_vma_merge_after(vmg);
	right = can_vma_merge_before(vmg);
	if (left && right && !anon_vmas_compatible(prev->anon_vma, next->anon_vma))
		right = false;
	if (!left && !right)
		return NULL;
	vma = left ? prev : next;
	start = left ? prev->vm_start : vmg->start;
	end = right ? next->vm_end : vmg->end;
	/* next's anonymous pages now lie in prev, and so do those mremap moves in. */
	if (vma_merge_anon(vmg, vma, left && right ? next : NULL, &anon_dup))
		goto nomem;
	if (vma_set_range(mm, vma, start, end)) {
		if (anon_dup)
			unlink_anon_vmas(anon_dup);
		goto nomem;
	}
	vma->vm_flags |= (vmg->flags | (left && right ? next->vm_flags : 0)) & VM_STICKY;
	if (left && right)
		vma_drop(mm, next);
	vmg->state = VMA_MERGE_SUCCESS;
	return vma;
nomem:
	vmg->state = VMA_MERGE_ERROR_NOMEM;
	return NULL;
}

static bool merge_deletes(const struct vm_area_struct *vma)
{
	return vma->vm_ops && vma->vm_ops->close;
}

/*
 * vma_merge_existing_range - give [start, end) of vmg->vma new properties by merging it into
 * prev and/or next. The range touches vma's start to merge left, its end to merge right.
 *
 *   prev | vma        | next        prev grows to end, vma starts at end    (left only)
 *   prev |      vma   | next        next grows down to start, vma ends there (right only)
 *   prev | vma        | next        all three become prev                     (both)
 *
 * The surviving neighbour's store over its new range is the one tree change; vma keeps (in
 * the tree already) whatever the store did not cover.
 */
static struct vm_area_struct *vma_merge_existing_range(struct vma_merge_struct *vmg)
{
	struct mm_struct *mm = vmg->mm;
	struct vm_area_struct *vma = vmg->vma, *prev = vmg->prev, *next = vmg->next;
	struct vm_area_struct *anon_dup = NULL;
	bool left_side = vmg->start == vma->vm_start, right_side = vmg->end == vma->vm_end;
	bool merge_left, merge_right;

	mmap_assert_write_locked(mm);
	vmg->state = VMA_MERGE_NOMERGE;
	if ((vmg->flags & VM_SPECIAL) || (vma->vm_flags & VM_SPECIAL) || (!left_side && !right_side))
		return NULL;
	merge_left = left_side && can_vma_merge_after(vmg);
	merge_right = right_side && can_vma_merge_before(vmg);
	if (merge_left && merge_right &&
	    (!anon_vmas_compatible(prev->anon_vma, next->anon_vma) || merge_deletes(vma) ||
	     merge_deletes(next)))
		merge_right = false;
	if ((merge_left && right_side && merge_deletes(vma)) ||
	    (merge_right && left_side && merge_deletes(vma)))
		return NULL;
	if (merge_left) {
		unsigned long end = merge_right ? next->vm_end : vmg->end;

		/* The pages of [start, end), and of next, now lie in prev. */
		if (dup_anon_vma(prev, vma, &anon_dup) ||
		    (merge_right && dup_anon_vma(prev, next, &anon_dup)))
			goto undo_anon;
		if (vma_set_range(mm, prev, prev->vm_start, end))
			goto undo_anon;
		prev->vm_flags |= (vma->vm_flags | (merge_right ? next->vm_flags : 0)) & VM_STICKY;
		if (right_side) {
			vma_drop(mm, vma);
		} else {
			vma_set_pgrange(vma, vmg->end, vma->vm_end,
					vma->vm_pgoff + ((vmg->end - vma->vm_start) >> PAGE_SHIFT));
		}
		if (merge_right)
			vma_drop(mm, next);
		vmg->state = VMA_MERGE_SUCCESS;
		return prev;
	}
	if (merge_right) {
		if (dup_anon_vma(next, vma, &anon_dup))
			goto nomem;
		if (vma_set_range(mm, next, vmg->start, next->vm_end))
			goto undo_anon;
		next->vm_flags |= vma->vm_flags & VM_STICKY;
		if (left_side)
			vma_drop(mm, vma);
		else
			vma_set_pgrange(vma, vma->vm_start, vmg->start, vma->vm_pgoff);
		vmg->state = VMA_MERGE_SUCCESS;
		return next;
	}
	return NULL;
undo_anon:
	if (anon_dup)
		unlink_anon_vmas(anon_dup);
nomem:
	vmg->state = VMA_MERGE_ERROR_NOMEM;
	return NULL;
}

/*
 * Splits off the parts of @vma outside [start, end), lower part first, so that @vma is
 * left covering exactly that range. A failed second split leaves the first one made.
 */
static int vma_isolate_range(struct mm_struct *mm, struct vm_area_struct *vma,
			     unsigned long start, unsigned long end)
{
	int err = 0;

	if (start > vma->vm_start)
		err = split_vma(mm, vma, start, 1);
	if (!err && end < vma->vm_end)
		err = split_vma(mm, vma, end, 0);
	return err;
}

/**
 * vma_modify - prepare [start, end) of vmg->vma to take new properties: merge it into a
 * neighbour, or split vma so that the range is a VMA of its own.
 * Context: mmap_lock held for writing.
 * Return: the VMA covering exactly [start, end) (after a merge, possibly more), or ERR_PTR
 * with -ENOMEM (map count or memory) or a may_split refusal. On failure nothing changed
 * except possibly a first split, as in the kernel.
 */
struct vm_area_struct *vma_modify(struct vma_merge_struct *vmg)
{
	struct vm_area_struct *merged;
	int err;

	mmap_assert_write_locked(vmg->mm);
	merged = vma_merge_existing_range(vmg);
	switch (vmg->state) {
	case VMA_MERGE_SUCCESS:
		return merged;
	case VMA_MERGE_ERROR_NOMEM:
		return ERR_PTR(-ENOMEM);
	default: /* no neighbour fits: the range becomes a VMA of its own */
		err = vma_isolate_range(vmg->mm, vmg->vma, vmg->start, vmg->end);
		return err ? ERR_PTR(err) : vmg->vma;
	}
}

/**
 * vma_modify_flags_name - vma_modify() for a change of flags and/or anonymous name.
 * @prev: the VMA before @vma, or @vma itself when @start lies inside it (as the callers in
 * the kernel pass it).
 * Return: as vma_modify(); the caller then stores the new flags/name in the result.
 */
struct vm_area_struct *vma_modify_flags_name(struct mm_struct *mm, struct vm_area_struct *prev,
					     struct vm_area_struct *vma, unsigned long start,
					     unsigned long end, vm_flags_t new_flags,
					     struct anon_vma_name *new_name)
{
	struct vma_merge_struct vmg = {
		.mm = mm,
		.prev = prev == vma ? NULL : prev,
		.next = vma_next_of(mm, vma),
		.vma = vma,
		.start = start,
		.end = end,
		.pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
		.flags = new_flags,
		.file = vma->vm_file,
		.anon_vma = vma->anon_vma,
		.anon_name = new_name,
	};

	if (vmg.next && vmg.next->vm_start != vma->vm_end)
		vmg.next = NULL;
	if (vmg.prev && vmg.prev->vm_end != vma->vm_start)
		vmg.prev = NULL;
	return vma_modify(&vmg);
}

/**
 * do_vmi_align_munmap - unmap [start, end), which @vma (the first VMA ending above start)
 * intersects: split the VMAs at the edges, take the ones inside out of the tree with one
 * store (the kernel gathers them in a detached tree first; here an array), zap their page
 * tables and free the tables no neighbour still uses.
 * Context: mmap_lock held for writing.
 * Return: 0; -ENOMEM when a split fails (the map-count limit or memory) or the tree store
 * fails; -EPERM when a VMA of the range is sealed (mseal); a first split may stay behind, as
 * in the kernel, nothing is unmapped.
 */
int do_vmi_align_munmap(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	struct vm_area_struct *stack_buf[16], **detached = stack_buf, *prev, *next;
	unsigned long floor, ceiling;
	int err, nr = 0, cap = (int)ARRAY_SIZE(stack_buf);

	if (start > vma->vm_start) {
		/* Splitting in the middle adds a VMA: refused at the limit, before any change. */
		if (end < vma->vm_end && mm->map_count >= mm->max_map_count)
			return -ENOMEM;
		if (vma_is_sealed(vma))
			return -EPERM;
		err = __split_vma(mm, vma, start, 1);
		if (err)
			return err;
	}
	/* A sealed VMA anywhere in the range: nothing is unmapped (the first split stays). */
	VMA_ITERATOR(svmi, mm, start);
	for_each_vma_range(svmi, next, end)
		if (vma_is_sealed(next))
			return -EPERM;
	next = find_vma(mm, end - 1);
	if (next && next->vm_start < end && next->vm_end > end) {
		err = __split_vma(mm, next, end, 1);
		if (err)
			return err;
	}
	update_hiwater_vm(mm);
	VMA_ITERATOR(vmi, mm, start);
	for_each_vma_range(vmi, vma, end) {
		if (nr == cap) {
			struct vm_area_struct **bigger = malloc(2 * (size_t)cap * sizeof(*bigger));

			if (!bigger) {
				err = -ENOMEM;
				goto out;
			}
			memcpy(bigger, detached, (size_t)nr * sizeof(*bigger));
			if (detached != stack_buf)
				free(detached);
			detached = bigger;
			cap *= 2;
		}
		detached[nr++] = vma;
	}
	err = vma_tree_clear(mm, start, end);
	if (err)
		goto out;
	for (int i = 0; i < nr; i++) {
		vma = detached[i];
		if (vma->vm_flags & VM_ACCOUNT)
			vm_unacct_memory(mm->machine, (long)vma_pages(vma));
		if (vma->vm_flags & VM_LOCKED) {
			mm->locked_vm -= vma_pages(vma);
			munlock_vma_pages_all(vma);	/* the zap below frees them */
		}
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(vma));
		vma_drop(mm, vma);
	}
	next = find_vma_prev(mm, start, &prev);
	floor = prev ? prev->vm_end : 0;
	ceiling = next ? next->vm_start : 0;
	unmap_region(mm, start, end, floor, ceiling);
out:
	if (detached != stack_buf)
		free(detached);
	return err;
}

/**
 * do_vmi_munmap - munmap(2)'s work on page-aligned @start.
 * Return: 0; -EINVAL for a range outside the user half or of length zero; -ENOMEM.
 */
int do_vmi_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	unsigned long end = start + PAGE_ALIGN(len);
	struct vm_area_struct *first;

	/* Page-aligned, inside the user half, and not empty once rounded up to pages. */
	if ((start & ~PAGE_MASK) || start > mm->task_size || len > mm->task_size - start ||
	    end == start)
		return -EINVAL;
	first = find_vma_intersection(mm, start, end);
	return first ? do_vmi_align_munmap(mm, first, start, end) : 0;
}

/* Tears every VMA and page table down (mm/mmap.c's exit_mmap). */
void exit_mmap(struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	long nr_accounted = 0;

	/* Nothing else can see the mm: zap its pages, free the VMAs, then the tree at once. */
	for_each_vma(vmi, vma)
		munlock_vma_pages_all(vma);
	vma_iter_set(&vmi, 0);
	unmap_region(mm, 0, TASK_SIZE_MAX, 0, 0);
	for_each_vma(vmi, vma) {
		if (vma->vm_flags & VM_ACCOUNT)
			nr_accounted += (long)vma_pages(vma);
		vm_area_free(vma);
	}
	vm_unacct_memory(mm->machine, nr_accounted);
	__mt_destroy(&mm->mm_mt);
	mt_init_flags(&mm->mm_mt, MT_FLAGS_ALLOC_RANGE);
	mm->map_count = 0;
	mm->vma_seq++;
	vmacache_invalidate(mm);
	mm->total_vm = mm->locked_vm = mm->data_vm = mm->exec_vm = mm->stack_vm = 0;
}

/* Every VMA of a file with a page cache is on its i_mmap, keyed by its range; only those. */
static bool vma_i_mmap_valid(struct vm_area_struct *vma)
{
	struct address_space *mapping;
	bool ok;

	if (!vma->vm_file || !vma->vm_file->f_inode)
		return !interval_tree_node_linked(&vma->shared);
	if (!interval_tree_node_linked(&vma->shared))
		return false;
	mapping = inode_mapping(vma->vm_file->f_inode);
	pthread_mutex_lock(&mapping->i_mmap_lock);
	ok = interval_tree_contains(&mapping->i_mmap, &vma->shared) &&
	     vma->shared.start == vma->vm_pgoff && vma->shared.last == vma_pgoff_last(vma);
	pthread_mutex_unlock(&mapping->i_mmap_lock);
	return ok;
}

/**
 * mm_validate - check the VMA tree and the counters derived from it (validate_mm).
 * Return: 0, or -EUCLEAN with the first problem on stderr.
 */
int mm_validate(struct mm_struct *mm)
{
	unsigned long total = 0, locked = 0, data = 0, exec = 0, stack = 0;
	struct vm_area_struct *vma;
	int err = vma_tree_validate(mm);
	VMA_ITERATOR(vmi, mm, 0);

	if (err)
		return err;
	for_each_vma(vmi, vma) {
		unsigned long n = vma_pages(vma);
		vm_flags_t f = vma->vm_flags;

		if (!vma_i_mmap_valid(vma)) {
			fprintf(stderr, "mmlab: VMA %lx-%lx wrongly on or off i_mmap\n",
				vma->vm_start, vma->vm_end);
			return -EUCLEAN;
		}
		if (anon_vma_chain_validate(vma))
			return -EUCLEAN;

		total += n;
		if (f & VM_LOCKED)
			locked += n;
		if ((f & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
			exec += n;
		else if (f & VM_STACK)
			stack += n;
		else if ((f & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
			data += n;
	}
	if (total != mm->total_vm || locked + mm->locked_vm_stale != mm->locked_vm ||
	    data != mm->data_vm ||
	    exec != mm->exec_vm || stack != mm->stack_vm) {
		fprintf(stderr, "mmlab: counters total %lu/%lu locked %lu+%lu/%lu data %lu/%lu "
			"exec %lu/%lu stack %lu/%lu\n", total, mm->total_vm, locked,
			mm->locked_vm_stale, mm->locked_vm,
			data, mm->data_vm, exec, mm->exec_vm, stack, mm->stack_vm);
		return -EUCLEAN;
	}
	return 0;
}
