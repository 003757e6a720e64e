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

/*
 * The paging-structure caches (Intel SDM vol. 3A 4.10.3; AMD's page walk cache): upper-level
 * entries a walk went through, so that a miss near a recent one reads only the levels below.
 * One direct-mapped cache per level, each keyed by the virtual-address bits its entry
 * translates:
 *
 *   level       caches the entry of   tag          a hit leaves to read
 *   PSC_PML4E   the PGD (PML4E)       va[47:39]    PUD, PMD and PTE entries
 *   PSC_PDPTE   the PUD (PDPTE)       va[47:30]    PMD and PTE entries
 *   PSC_PDE     the PMD (PDE)         va[47:21]    the PTE entry
 *
 * An entry holds the table the cached entry points to and the rights of the levels down to
 * it (RW and USER AND-ed, NX OR-ed). As on x86, only present entries whose accessed bit is
 * set are cached, leaf entries never are, and a walk starts at the lowest level that hits.
 * The caches hold host pointers into page-table frames, so they must be emptied before a
 * table is freed (flush_tlb_ctx_pgtables(), as Linux flushes after freeing page tables); they are
 * also emptied with the whole TLB, and a single-page flush (INVLPG) drops the entries that
 * translate its address.
 */
#define PSC_ENTRIES 32
#define PSC_INVALID (~0UL)	/* Never a tag: tags are at most 27 bits */

enum psc_level { PSC_PDE = 0, PSC_PDPTE = 1, PSC_PML4E = 2, PSC_LEVELS = 3 };

struct psc_entry {
	unsigned long tag;		/* va >> the entry's span shift, or PSC_INVALID */
	uint64_t *table;		/* The next level's table, in the machine's RAM */
	uint64_t rights;		/* _PAGE_RW | _PAGE_USER AND-ed and _PAGE_NX OR-ed so far */
};

struct tlb {
	struct tlb_entry e[TLB_ENTRIES];
	unsigned long hits;		/* Translations served from a tag (MMLAB_TLB_HIT_STATS) */
	unsigned long misses;		/* Translations that walked the page tables */
	unsigned long flush_all;	/* Whole-TLB flushes */
	unsigned long flush_one;	/* Single-page flushes */
	unsigned long preloads;		/* Entries filled from a leaf the fault path had just
					 * installed (update_mmu_cache), without a walk */
	struct psc_entry psc[PSC_LEVELS][PSC_ENTRIES]; /* Paging-structure caches, by level */
	unsigned long psc_hits[PSC_LEVELS]; /* Walks that started below a cached entry */
	unsigned long psc_flushes;	/* Emptyings of every level (flush_all included) */
	bool psc_disabled;		/* Walk all four levels, as a CPU without them (bench) */
};

/* The entry of level @l translates 2^psc_shift(@l) bytes: 2 MiB, 1 GiB, 512 GiB. */
static inline unsigned int psc_shift(enum psc_level l)
{
	return PAGE_SHIFT + 9 * ((unsigned int)l + 1);
}

static inline unsigned long psc_tag(unsigned long va, enum psc_level l)
{
	return va >> psc_shift(l);
}

static inline struct psc_entry *psc_slot(struct tlb *tlb, unsigned long va, enum psc_level l)
{
	return &tlb->psc[l][psc_tag(va, l) & (PSC_ENTRIES - 1)];
}

typedef struct mm_context mm_context_t;

void tlb_flush_all(struct tlb *tlb);
void tlb_flush_one(struct tlb *tlb, unsigned long addr);
void psc_flush_all(struct tlb *tlb);
/* Flushes [start, end) of @ctx from every CPU context that may hold it. */
void flush_tlb_ctx_range(mm_context_t *ctx, unsigned long start, unsigned long end);
/* Empties the paging-structure caches of every CPU context that may hold @ctx's tables. */
void flush_tlb_ctx_pgtables(mm_context_t *ctx);

#endif /* MMLAB_MMU_TLB_H */
