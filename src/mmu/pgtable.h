/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x86_64 4-level paging: the entry format and the table walkers (arch/x86/include/asm/
 * pgtable_types.h and pgtable_64_types.h, mm/pagewalk.c's role). Every table is one 4 KiB frame
 * of 512 eight-byte entries taken from the buddy allocator; entries hold physical addresses,
 * so a table is reached through the machine's RAM like the kernel's direct map.
 *
 *   47      39 38      30 29      21 20      12 11         0
 *  +----------+----------+----------+----------+------------+
 *  | PGD idx  | PUD idx  | PMD idx  | PTE idx  |   offset   |
 *  +----------+----------+----------+----------+------------+
 *
 * Left out: huge entries (PSE at PUD/PMD level; transparent huge pages come later), 5-level
 * paging, PAT/MTRR caching attributes, and the global bit's meaning (there is no kernel half).
 */
#ifndef MMLAB_MMU_PGTABLE_H
#define MMLAB_MMU_PGTABLE_H

#include "kernel.h"

typedef uint64_t pteval_t;
typedef pteval_t pte_t;	/* One entry at any level: the layouts are the same */
typedef uint64_t pgprot_t;

/*
 * Entry bits. Hardware bits are x86_64's; the software bits are the ones Linux assigns in the
 * bits the CPU ignores (9-11, 57-58). Bits 59-62 carry the protection key of a leaf entry.
 *
 *  bit  name           set by     meaning
 *  0    PRESENT        OS         the entry translates; when clear, bits 1-63 are the OS's own
 *  1    RW             OS         writes allowed (AND-ed across levels)
 *  2    USER           OS         user-mode access allowed (AND-ed across levels)
 *  3    PWT            OS         write-through caching (unused here)
 *  4    PCD            OS         caching disabled (unused here)
 *  5    ACCESSED       MMU        the entry was used for a translation
 *  6    DIRTY          MMU        a write went through this leaf entry
 *  7    PSE            OS         huge page at PUD/PMD level (not used yet); PAT at PTE level
 *  8    GLOBAL/PROTNONE OS        in a non-present leaf: PROT_NONE page, still mapped
 *  9    SOFTW1/SPECIAL OS         no struct page behind it (vm_normal_page says NULL)
 *  10   SOFTW2/UFFD_WP OS         userfaultfd write-protect
 *  11   SOFTW3/SOFT_DIRTY OS      soft-dirty tracking (/proc/pid/clear_refs)
 *  57   SOFTW4/DEVMAP  OS         device mapping
 *  58   SOFTW5/SAVED_DIRTY OS     dirty bit saved while write-protected (shadow-stack rules)
 *  59-62 PKEY          OS         protection key of the page, checked against PKRU
 *  63   NX             OS         instruction fetch forbidden (OR-ed across levels)
 *  12-51 PFN           OS         physical frame number of the page or next table
 *
 * A non-present leaf with bits 0 and 8 clear and other bits set is a software entry (Linux's
 * swap-entry format, arch/x86/include/asm/pgtable_64.h): bits 59-63 the swap type, bits 9-58
 * the offset. The one kind mmlab has is the PTE marker (type SWP_PTE_MARKER, offset a set of
 * PTE_MARKER_* bits): MADV_GUARD_INSTALL's guard marker, which faults SIGSEGV SEGV_MAPERR and
 * outlives zaps other than munmap and exit. Linux stores the offset inverted against L1TF;
 * nothing here speculates, so mmlab stores it plain (only pagemap shows it, decoded).
 *
 *  bit   name           meaning in a software (non-present) entry
 *  59-63 SWP_TYPE       SWP_PTE_MARKER (31) for a marker
 *  9-58  SWP_OFFSET     PTE_MARKER_GUARD (bit 2 of the offset) for a guard marker
 */
#define _PAGE_BIT_PRESENT 0
#define _PAGE_BIT_RW 1
#define _PAGE_BIT_USER 2
#define _PAGE_BIT_PWT 3
#define _PAGE_BIT_PCD 4
#define _PAGE_BIT_ACCESSED 5
#define _PAGE_BIT_DIRTY 6
#define _PAGE_BIT_PSE 7
#define _PAGE_BIT_GLOBAL 8
#define _PAGE_BIT_SPECIAL 9
#define _PAGE_BIT_UFFD_WP 10
#define _PAGE_BIT_SOFT_DIRTY 11
#define _PAGE_BIT_DEVMAP 57
#define _PAGE_BIT_SAVED_DIRTY 58
#define _PAGE_BIT_PKEY_BIT0 59
#define _PAGE_BIT_NX 63

#define _PAGE_PRESENT (1ULL << _PAGE_BIT_PRESENT)
#define _PAGE_RW (1ULL << _PAGE_BIT_RW)
#define _PAGE_USER (1ULL << _PAGE_BIT_USER)
#define _PAGE_PWT (1ULL << _PAGE_BIT_PWT)
#define _PAGE_PCD (1ULL << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED (1ULL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY (1ULL << _PAGE_BIT_DIRTY)
#define _PAGE_PSE (1ULL << _PAGE_BIT_PSE)
#define _PAGE_GLOBAL (1ULL << _PAGE_BIT_GLOBAL)
#define _PAGE_SPECIAL (1ULL << _PAGE_BIT_SPECIAL)
#define _PAGE_UFFD_WP (1ULL << _PAGE_BIT_UFFD_WP)
#define _PAGE_SOFT_DIRTY (1ULL << _PAGE_BIT_SOFT_DIRTY)
#define _PAGE_DEVMAP (1ULL << _PAGE_BIT_DEVMAP)
#define _PAGE_SAVED_DIRTY (1ULL << _PAGE_BIT_SAVED_DIRTY)
#define _PAGE_PKEY_MASK (0xfULL << _PAGE_BIT_PKEY_BIT0)
#define _PAGE_NX (1ULL << _PAGE_BIT_NX)

#define PTE_PFN_MASK 0x000ffffffffff000ULL
/* What a new intermediate table's entry grants: everything, leaving the leaf to decide. */
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
/* The bits a protection change may set; the rest of a present entry is preserved. */
#define _PAGE_CHG_MASK (PTE_PFN_MASK | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SPECIAL | \
			_PAGE_SOFT_DIRTY | _PAGE_UFFD_WP | _PAGE_DEVMAP | _PAGE_SAVED_DIRTY)

/* Linux's protection_map for user pages, as PAGE_* values (arch/x86/mm/pgprot.c). */
/*
 * PROT_NONE pages keep their frame but must fault on any access: the hardware present bit is
 * clear and the otherwise unused GLOBAL bit says "present to the OS" (x86's _PAGE_PROTNONE).
 */
#define _PAGE_PROTNONE _PAGE_GLOBAL
#define PAGE_NONE (_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_READONLY (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_READONLY_EXEC (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_SHARED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_SHARED_EXEC (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

#define PTRS_PER_TABLE 512
#define PGDIR_SHIFT 39
#define PUD_SHIFT 30
#define PMD_SHIFT 21
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define PUD_MASK (~(PUD_SIZE - 1))
#define PMD_MASK (~(PMD_SIZE - 1))

/* The user half of the 48-bit address space, as x86_64's TASK_SIZE_MAX (one guard page short). */
#define TASK_SIZE_MAX 0x00007ffffffff000UL
#define TASK_SIZE TASK_SIZE_MAX

enum pt_level { PT_PTE = 0, PT_PMD = 1, PT_PUD = 2, PT_PGD = 3, PT_LEVELS = 4 };

static inline unsigned int pt_shift(enum pt_level level)
{
	return PAGE_SHIFT + 9 * level;
}

static inline unsigned int pt_index(unsigned long addr, enum pt_level level)
{
	return (addr >> pt_shift(level)) & (PTRS_PER_TABLE - 1);
}

/* Present to the OS: mapped to a frame, accessible or PROT_NONE. Not a swap entry. */
static inline bool pte_present(pte_t pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
static inline bool pte_none(pte_t pte)
{
	return pte == 0;
}
static inline bool pte_write(pte_t pte)
{
	return pte & _PAGE_RW;
}
static inline bool pte_dirty(pte_t pte)
{
	return pte & _PAGE_DIRTY;
}
static inline bool pte_young(pte_t pte)
{
	return pte & _PAGE_ACCESSED;
}
static inline bool pte_exec(pte_t pte)
{
	return !(pte & _PAGE_NX);
}
static inline unsigned long pte_pfn(pte_t pte)
{
	return (unsigned long)((pte & PTE_PFN_MASK) >> PAGE_SHIFT);
}
static inline unsigned int pte_pkey(pte_t pte)
{
	return (unsigned int)((pte & _PAGE_PKEY_MASK) >> _PAGE_BIT_PKEY_BIT0);
}
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return ((pte_t)pfn << PAGE_SHIFT) | (prot & ~PTE_PFN_MASK);
}
static inline pte_t pte_modify(pte_t pte, pgprot_t prot)
{
	return (pte & _PAGE_CHG_MASK) | (prot & ~_PAGE_CHG_MASK);
}
static inline pte_t pte_wrprotect(pte_t pte)
{
	return pte & ~_PAGE_RW;
}
static inline pte_t pte_mkwrite(pte_t pte)
{
	return pte | _PAGE_RW;
}
static inline pte_t pte_mkdirty(pte_t pte)
{
	return pte | _PAGE_DIRTY | _PAGE_SOFT_DIRTY;
}
static inline pte_t pte_mkclean(pte_t pte)
{
	return pte & ~_PAGE_DIRTY;
}
static inline pte_t pte_mkyoung(pte_t pte)
{
	return pte | _PAGE_ACCESSED;
}
static inline pte_t pte_mkold(pte_t pte)
{
	return pte & ~_PAGE_ACCESSED;
}

/* Software entries (see the table above): swap type and offset of a non-present entry. */
#define SWP_TYPE_SHIFT 59
#define SWP_OFFSET_SHIFT 9
#define SWP_OFFSET_MASK ((1ULL << (SWP_TYPE_SHIFT - SWP_OFFSET_SHIFT)) - 1)
#define SWP_PTE_MARKER 31UL		/* MAX_SWAPFILES + the other special types, as x86_64 */
#define PTE_MARKER_GUARD (1UL << 2)	/* include/linux/swapops.h's bit for guard regions */

static inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}
static inline unsigned long pte_swp_type(pte_t pte)
{
	return (unsigned long)(pte >> SWP_TYPE_SHIFT);
}
static inline unsigned long pte_swp_offset(pte_t pte)
{
	return (unsigned long)((pte >> SWP_OFFSET_SHIFT) & SWP_OFFSET_MASK);
}
static inline pte_t make_pte_marker(unsigned long marker)
{
	return ((pte_t)SWP_PTE_MARKER << SWP_TYPE_SHIFT) | ((pte_t)marker << SWP_OFFSET_SHIFT);
}
static inline bool is_pte_marker(pte_t pte)
{
	return is_swap_pte(pte) && pte_swp_type(pte) == SWP_PTE_MARKER;
}
static inline bool is_guard_pte_marker(pte_t pte)
{
	return is_pte_marker(pte) && (pte_swp_offset(pte) & PTE_MARKER_GUARD);
}

/*
 * Canonical user addresses: bits 63..47 all zero. Anything at or above TASK_SIZE_MAX is the
 * guard page, the non-canonical hole or the kernel half, none of which user page tables map.
 */
static inline bool addr_is_user(unsigned long addr)
{
	return addr < TASK_SIZE_MAX;
}
static inline bool addr_is_canonical(unsigned long addr)
{
	return addr < (1UL << 47) || addr >= ~((1UL << 47) - 1);
}

/*
 * Reading and writing one entry (include/linux/pgtable.h's ptep_get and ptep_get_lockless,
 * arch/x86's native_set_pte, native_ptep_get_and_clear and the atomic bit updates of
 * ptep_set_wrprotect and ptep_test_and_clear_young). Page tables are shared memory: the MMU's
 * walks (mmu.c) read entries, and set their accessed and dirty bits, on the accessing thread
 * without any lock, as the hardware walker does, while the kernel side changes them under its
 * locks. So every access to an entry, at any level, goes through these: one atomic load or
 * store each (the kernel's READ_ONCE/WRITE_ONCE), compiled to a plain mov on x86-64, and a
 * locked instruction only where the kernel has one. An entry the MMU may update must be
 * changed with a single atomic operation: a load, a change and a store would lose an accessed
 * or dirty bit set in between.
 *
 *   helper                  ordering  used by
 *   ptep_get                relaxed   the kernel side, under the writers' locks
 *   ptep_get_lockless       acquire   the MMU walk: sees the zeroed table or page an entry
 *                                     published (pairs with native_set_pte's release)
 *   native_set_pte          release   installing an entry (a new table, a new page)
 *   native_ptep_get_and_clear acq_rel clearing an entry (unmap, truncate, mremap)
 *   ptep_mmu_set_bits       relaxed   the MMU's accessed and dirty bits
 *   ptep_set_bits           relaxed   making a present entry writable
 *   ptep_clear_bits         relaxed   write-protecting, cleaning, aging a present entry
 *
 * None of them flushes: the caller either filled a none entry (nothing can be cached for it)
 * or flushes as the change requires.
 */
static inline pte_t ptep_get(pte_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_RELAXED);
}

static inline pte_t ptep_get_lockless(pte_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

static inline void native_set_pte(pte_t *ptep, pte_t pte)
{
	__atomic_store_n(ptep, pte, __ATOMIC_RELEASE);
}

static inline pte_t native_ptep_get_and_clear(pte_t *ptep)
{
	return __atomic_exchange_n(ptep, 0, __ATOMIC_ACQ_REL);
}

/*
 * The MMU's write-back of the accessed and dirty bits into the entry it read as @pte: one
 * locked compare-and-exchange, which does nothing if the entry changed since (cleared,
 * write-protected, pointed elsewhere): the hardware never sets a bit in an entry other than
 * the one it translated through, and a plain OR would turn a cleared entry into a bogus
 * non-present one. Return: false when the entry changed, and the walk must start again.
 */
static inline bool ptep_mmu_set_bits(pte_t *ptep, pte_t pte, pte_t bits)
{
	return __atomic_compare_exchange_n(ptep, &pte, pte | bits, false, __ATOMIC_RELAXED,
					   __ATOMIC_RELAXED);
}

/* Sets @bits in the entry; returns the entry as it now is. */
static inline pte_t ptep_set_bits(pte_t *ptep, pte_t bits)
{
	return __atomic_or_fetch(ptep, bits, __ATOMIC_RELAXED);
}

/* Clears @bits in the entry; returns the entry as it was. */
static inline pte_t ptep_clear_bits(pte_t *ptep, pte_t bits)
{
	return __atomic_fetch_and(ptep, ~bits, __ATOMIC_RELAXED);
}

/* The address space's MMU context (mmu_context.h). */
typedef struct mm_context mm_context_t;

/* pgtable.c */
pte_t *__must_check pt_alloc_pte(mm_context_t *ctx, unsigned long addr);
pte_t *__must_check pt_alloc_pte_track(mm_context_t *ctx, unsigned long addr, bool *pmd_none);
pte_t *pt_lookup_pte(mm_context_t *ctx, unsigned long addr);
int pt_walk_entries(mm_context_t *ctx, unsigned long addr, pte_t entries[PT_LEVELS]);
pte_t pt_clear_flush(mm_context_t *ctx, unsigned long addr, pte_t *ptep);
void pt_free_range(mm_context_t *ctx, unsigned long addr, unsigned long end, unsigned long floor,
		   unsigned long ceiling);

/* Visits each present-or-swap leaf entry in [addr, end); stops when @fn returns non-zero. */
typedef int (*pt_fn_t)(mm_context_t *ctx, unsigned long addr, pte_t *ptep, void *data);
int pt_walk_range(mm_context_t *ctx, unsigned long addr, unsigned long end, pt_fn_t fn,
		  void *data);
int __must_check pt_validate(mm_context_t *ctx);

#endif /* MMLAB_MMU_PGTABLE_H */
