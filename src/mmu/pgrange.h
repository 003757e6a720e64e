/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Leaf-entry range operations on an MMU context, without VMAs; see pgrange.c. */
#ifndef MMLAB_MMU_PGRANGE_H
#define MMLAB_MMU_PGRANGE_H

#include "mmu/pgtable.h"

struct page;

int __must_check pt_map_page(mm_context_t *ctx, unsigned long addr, struct page *page,
			     pgprot_t prot);
unsigned long pt_unmap_range(mm_context_t *ctx, unsigned long addr, unsigned long end,
			     unsigned long floor, unsigned long ceiling);
unsigned long pt_change_protection(mm_context_t *ctx, unsigned long addr, unsigned long end,
				   pgprot_t prot);

#endif
