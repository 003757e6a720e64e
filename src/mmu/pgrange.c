// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Range operations on leaf entries without VMAs: map frames, unmap a range, change its
 * protection. They are the page-table halves of what mm/memory.c (zap_pte_range,
 * remap_pfn_range) and mm/mprotect.c (change_pte_range) do; the VMA-aware callers in mm/ add
 * the policy. Each one that changes or removes a present entry flushes it from every TLB.
 * They work on an MMU context; a bare space of the machine API is nothing more than one.
 * Left out: huge entries, and the mmu_gather batching of frees (each frame is put at once,
 * after its entry is cleared and before the flush, which no reader can observe here).
 */
#include "mmu/pgrange.h"
#include "mmu/mmu_context.h"
#include "mmu/tlb.h"
#include "phys/mmzone.h"

/**
 * pt_map_page - map @page at @addr with @prot, taking a reference and a mapping for it.
 * Context: the caller serializes writers of @ctx's page tables.
 * Return: 0; -EFAULT outside the user half; -EEXIST if @addr is already mapped; -ENOMEM.
 */
int pt_map_page(mm_context_t *ctx, unsigned long addr, struct page *page, pgprot_t prot)
{
	pte_t *ptep = pt_alloc_pte(ctx, addr);

	if (IS_ERR(ptep))
		return (int)PTR_ERR(ptep);
	if (!pte_none(ptep_get(ptep)))
		return -EEXIST;
	get_page(page);
	page->_mapcount++;
	native_set_pte(ptep, pfn_pte(page_to_pfn(ctx->pgdat, page), prot));
	return 0;
}

struct zap_state {
	struct pglist_data *pgdat;
	unsigned long flush_start, flush_end; /* Present entries removed: the range to flush */
	unsigned long nr_pages;		/* Frames unmapped */
};

static int zap_one(mm_context_t *ctx, unsigned long addr, pte_t *ptep, void *data)
{
	struct zap_state *z = data;
	pte_t old = native_ptep_get_and_clear(ptep);
	struct page *page;

	if (!pte_present(old))
		return 0; /* a swap entry: the swap layer frees its slot */
	if (!z->flush_end)
		z->flush_start = addr;
	z->flush_end = addr + PAGE_SIZE;
	if (old & _PAGE_SPECIAL)
		return 0;
	page = pfn_to_page(z->pgdat, pte_pfn(old));
	page->_mapcount--;
	VM_BUG_ON(page->_mapcount < -1);
	z->nr_pages++;
	put_page(z->pgdat, page);
	return 0;
}

/**
 * pt_unmap_range - remove every leaf entry in [@addr, @end), dropping the frames' mappings
 * and references, then free the page-table pages left empty inside [@floor, @ceiling).
 *
 * The TLB flush happens after the entries are cleared and before the frames could be reused,
 * which is the order the kernel's mmu_gather keeps.
 * Return: the number of frames unmapped.
 */
unsigned long pt_unmap_range(mm_context_t *ctx, unsigned long addr, unsigned long end,
			     unsigned long floor, unsigned long ceiling)
{
	struct zap_state z = { .pgdat = ctx->pgdat };

	(void)pt_walk_range(ctx, addr, end, zap_one, &z);
	if (z.flush_end)
		flush_tlb_ctx_range(ctx, z.flush_start, z.flush_end);
	pt_free_range(ctx, addr, end, floor, ceiling);
	return z.nr_pages;
}

struct protect_state {
	pgprot_t prot;
	unsigned long flush_start, flush_end;
	unsigned long nr_pages;
};

static int protect_one(mm_context_t *ctx, unsigned long addr, pte_t *ptep, void *data)
{
	struct protect_state *p = data;
	pte_t old = ptep_get(ptep), new;

	if (!pte_present(old))
		return 0;
	new = pte_modify(old, p->prot);
	if (new == old)
		return 0;
	/*
	 * change_pte_range's ptep_modify_prot_start/commit: cleared first, so an accessed or
	 * dirty bit the MMU sets meanwhile is in the entry the new one is made from.
	 */
	old = native_ptep_get_and_clear(ptep);
	native_set_pte(ptep, pte_modify(old, p->prot));
	if (!p->flush_end)
		p->flush_start = addr;
	p->flush_end = addr + PAGE_SIZE;
	p->nr_pages++;
	return 0;
}

/**
 * pt_change_protection - give every present leaf in [@addr, @end) the protection @prot,
 * keeping frame, accessed, dirty and software bits; flush what changed.
 * Return: the number of entries changed.
 */
unsigned long pt_change_protection(mm_context_t *ctx, unsigned long addr, unsigned long end,
				   pgprot_t prot)
{
	struct protect_state p = { .prot = prot };

	(void)pt_walk_range(ctx, addr, end, protect_one, &p);
	if (p.flush_end)
		flush_tlb_ctx_range(ctx, p.flush_start, p.flush_end);
	return p.nr_pages;
}
