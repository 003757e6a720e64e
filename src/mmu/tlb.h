/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The software TLB of one CPU context (arch/x86/mm/tlb.c's role). Direct-mapped, TLB_ENTRIES
 * slots indexed by the low bits of the virtual page number. Each slot keeps one tag per access
 * kind, as QEMU's softmmu does: a tag is the page address when that kind of access may proceed
 * without a walk, so a hit is one compare and one add. A write tag is only set once the leaf's
 * dirty bit is set, so the first write through a clean entry still walks and sets it, as the
 * hardware does.
 */
#ifndef MMLAB_MMU_TLB_H
#define MMLAB_MMU_TLB_H

#include "kernel.h"

#define TLB_BITS 8
#define TLB_ENTRIES (1U << TLB_BITS)
#define TLB_INVALID (~0UL)	/* Never equal to a masked address: its low bits are set */
/* Ranges longer than this are flushed whole, as the kernel's tlb_single_page_flush_ceiling. */
#define TLB_FLUSH_CEILING 33

enum mmu_access { MMU_READ = 0, MMU_WRITE = 1, MMU_EXEC = 2, MMU_NR_ACCESS = 3 };

struct tlb_entry {
	unsigned long tag[MMU_NR_ACCESS]; /* Virtual page address, or TLB_INVALID */
	uintptr_t addend;		/* Host address minus virtual address, for the page */
};

#define TLB_ENTRY_SHIFT 5
BUILD_BUG_ON(sizeof(struct tlb_entry) != 1UL << TLB_ENTRY_SHIFT);

struct tlb {
	struct tlb_entry e[TLB_ENTRIES];
	unsigned long hits;		/* Translations served from a tag (MMLAB_TLB_HIT_STATS) */
	unsigned long misses;		/* Translations that walked the page tables */
	unsigned long flush_all;	/* Whole-TLB flushes */
	unsigned long flush_one;	/* Single-page flushes */
};

typedef struct mm_context mm_context_t;

void tlb_flush_all(struct tlb *tlb);
void tlb_flush_one(struct tlb *tlb, unsigned long addr);
/* Flushes [start, end) of @ctx from every CPU context that may hold it. */
void flush_tlb_ctx_range(mm_context_t *ctx, unsigned long start, unsigned long end);

#endif /* MMLAB_MMU_TLB_H */
