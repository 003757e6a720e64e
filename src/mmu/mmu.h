/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The software MMU: CPU contexts that translate user virtual addresses through an address space's
 * page tables, as an x86_64 core in user mode does, with a TLB in front. A miss walks the four
 * levels, checks the access against USER/RW/NX (AND-ed and OR-ed across levels) and the protection
 * key in PKRU, sets the accessed and dirty bits, and fills the TLB. A missing entry or a forbidden
 * access raises a page fault to the CPU's fault handler with the x86 error code; the handler
 * resolves it and asks for a retry, or names the signal to deliver. A CPU runs one address space
 * at a time, known to it only as an MMU context (mm_context_t).
 * Left out: supervisor-mode accesses, SMEP/SMAP, segmentation, huge-page leaves.
 */
#ifndef MMLAB_MMU_MMU_H
#define MMLAB_MMU_MMU_H

#include "kernel.h"
#include "mmu/mmu_context.h"
#include "mmu/tlb.h"
#include "host/spinlock.h"

#include <string.h>

/*
 * Counting TLB hits is a read-modify-write that every access depends on, which costs a third
 * of the hit path's speed; release builds leave it out (misses and flushes are always counted).
 */
#ifndef MMLAB_TLB_HIT_STATS
#define MMLAB_TLB_HIT_STATS 1
#endif

/* Page-fault error code bits pushed by the CPU (arch/x86/include/asm/trap_pf.h). */
#define X86_PF_PROT (1UL << 0)	/* 0: not-present page; 1: protection violation */
#define X86_PF_WRITE (1UL << 1)	/* The access was a write */
#define X86_PF_USER (1UL << 2)	/* From user mode (always, here) */
#define X86_PF_RSVD (1UL << 3)	/* A reserved bit was set */
#define X86_PF_INSTR (1UL << 4) /* An instruction fetch */
#define X86_PF_PK (1UL << 5)	/* Protection-key violation */

/* PKRU's layout (arch/x86/include/asm/pkru.h): two bits per key, access- then write-disable. */
#define PKRU_AD_BIT 0x1U
#define PKRU_WD_BIT 0x2U
#define PKRU_BITS_PER_PKEY 2
/* init_pkru_value: key 0 open, keys 1-15 access-disabled (arch/x86/mm/pkeys.c). */
#define INIT_PKRU_VALUE 0x55555554U

/* si_code values the fault path reports (include/uapi/asm-generic/siginfo.h). */
#define MMLAB_SEGV_MAPERR 1
#define MMLAB_SEGV_ACCERR 2
#define MMLAB_SEGV_PKUERR 4
#define MMLAB_BUS_ADRERR 2
#define MMLAB_SI_KERNEL 0x80

/* What a fault is and, once handled, what it became. */
struct mmu_fault {
	unsigned long address;		/* The faulting virtual address (CR2) */
	unsigned long error_code;	/* X86_PF_*: PROT set means the entry was present */
	enum mmu_access access;		/* What was attempted: read, write or execute */
	int signo;			/* 0 while resolvable; SIGSEGV or SIGBUS when not */
	int si_code;			/* SEGV_MAPERR, SEGV_ACCERR, SEGV_PKUERR, BUS_ADRERR, ... */
	unsigned long sig_addr;		/* The address the signal reports (si_addr) */
	unsigned int pkey;		/* SEGV_PKUERR: the protection key si_pkey reports */
};

enum mmu_fault_result { MMU_FAULT_RETRY = 0, MMU_FAULT_SIGNAL = 1 };

struct mmu_cpu;
struct pglist_data;

/*
 * A fault handler resolves @f (e.g. by installing an entry and returning MMU_FAULT_RETRY) or
 * fills f->signo/si_code/si_addr and returns MMU_FAULT_SIGNAL.
 */
typedef enum mmu_fault_result (*mmu_fault_handler_t)(struct mmu_cpu *cpu, struct mmu_fault *f,
						     void *data);

/*
 * A CPU context is run by one host thread at a time (the thread of the task scheduled on it),
 * but other threads change its TLB: a TLB shootdown writes the tags of every CPU holding the
 * address space, where the kernel sends those CPUs an IPI and waits for them. An interrupt
 * lands between two instructions, never inside one, so the shootdown must not land inside an
 * access either: between its translation and its last byte, a frame the flush lets go of
 * could be reused. ipi_lock is that window. The running thread holds it while the CPU runs
 * user mode (mmu_user_enter to mmu_user_exit: TLB hits, walks, the bytes they reach) and
 * drops it while a fault handler runs (kernel mode, interrupts on) until the handler heads
 * back (mmu_tlb_fill, or mmu_fault_return before its last stretch); a flush of another thread
 * takes it for the time it writes the CPU's tags. Its holder waits for nothing but leaf locks
 * under which no TLB is flushed (the LRU and zone locks), so it nests inside every other lock.
 */
struct mmu_cpu {
	struct tlb tlb;			/* First: the hit path touches nothing else */
	spinlock_t ipi_lock;		/* Held in user mode and by a remote flush (above) */
	struct pglist_data *pgdat;	/* Whose RAM the tables and frames live in */
	struct mmu_cpu **cpus;		/* The machine's CPU table this context is registered in */
	mm_context_t *ctx;		/* Loaded address space (CR3), or NULL */
	unsigned int id;		/* Index in cpus and bit in a loaded context's cpumask */
	uint32_t pkru;			/* Protection-key rights: AD = bit 2k, WD = bit 2k+1 */
	bool pke;			/* CR4.PKE: PKRU is checked (the CPU has PKU) */
	mmu_fault_handler_t fault_handler; /* NULL: every fault becomes a signal */
	void *fault_data;		/* Passed to fault_handler */
	struct mmu_fault last_fault;	/* The fault that stopped the last failed access */
	/* The leaf the handler of the fault being resolved installed for the CPU's access
	 * (mmu_update_cache), for mmu_tlb_fill; only the running thread touches these: */
	pte_t *preload_ptep;		/* The leaf entry, or NULL: none */
	unsigned long preload_va;	/* The page it translates */
	bool user_returned;		/* The handler is back in user mode ahead of
					 * mmu_tlb_fill (mmu_fault_return) */
	unsigned long nr_faults;	/* Faults raised to the handler */
};

/*
 * The TLB hit path. Tags hold page addresses, so masking @va with PAGE_MASK | (@align - 1)
 * makes one compare check the page and the alignment together: a misaligned access never
 * matches and takes the slow path, which also handles accesses that cross pages.
 */
static __always_inline struct tlb_entry *mmu_tlb_slot(struct mmu_cpu *cpu, unsigned long va)
{
	/* The slot's byte offset straight from @va: one shift and one mask. */
	unsigned long off = (va >> (PAGE_SHIFT - TLB_ENTRY_SHIFT)) &
			    ((TLB_ENTRIES - 1UL) << TLB_ENTRY_SHIFT);

	return (struct tlb_entry *)((char *)cpu->tlb.e + off);
}

static __always_inline bool mmu_tlb_match(struct mmu_cpu *cpu, const struct tlb_entry *e,
					  unsigned long va, enum mmu_access acc,
					  unsigned long align)
{
	if (e->tag[acc] != (va & (PAGE_MASK | (align - 1))))
		return false;
#if MMLAB_TLB_HIT_STATS
	cpu->tlb.hits++;
#endif
	return true;
}

/* The host address for @va when a tag allows @acc, else NULL. */
static __always_inline void *mmu_tlb_lookup(struct mmu_cpu *cpu, unsigned long va,
					    enum mmu_access acc)
{
	struct tlb_entry *e = mmu_tlb_slot(cpu, va);

	return mmu_tlb_match(cpu, e, va, acc, 1) ? (void *)(va + e->addend) : NULL;
}

/*
 * mmu_user_enter, mmu_user_exit - the CPU starts and stops running user mode for the calling
 * thread: shootdowns by other threads wait until it stops (see struct mmu_cpu).
 */
static inline void mmu_user_enter(struct mmu_cpu *cpu)
{
	spin_lock(&cpu->ipi_lock);
}

static inline void mmu_user_exit(struct mmu_cpu *cpu)
{
	spin_unlock(&cpu->ipi_lock);
}

/*
 * mmu_fault_return_cancel - the fault that began its return to user mode (mmu_fault_return)
 * failed after all: the CPU leaves user mode again, as the handler found it.
 */
static inline void mmu_fault_return_cancel(struct mmu_cpu *cpu)
{
	if (cpu->user_returned) {
		cpu->user_returned = false;
		mmu_user_exit(cpu);
	}
}

/**
 * mmu_fault_return - the fault being handled on @cpu begins its return to user mode now,
 * before its last stretch of work: ipi_lock is taken here, and mmu_tlb_fill finds it held.
 * Taking it is a locked instruction, which waits for every store before it to drain. A
 * demand-zero fault takes it just before zeroing its page, so that no locked instruction
 * follows the zeroing until the next fault's, and the zeroing stores drain while the fault
 * ends, the retried access runs and the next access walks, instead of stalling them. The
 * only cost: a shootdown from another thread waits for the rest of this fault, as it waits
 * for user mode.
 * Context: a fault handler of @cpu's running thread, which from here to mmu_tlb_fill (or
 * mmu_fault_return_cancel) takes no lock whose holder may wait for ipi_lock: only leaf locks
 * under which nothing flushes a TLB (the LRU lock, the zone lock) may still be taken, as
 * mmu_note_access takes the LRU lock in user mode.
 */
static inline void mmu_fault_return(struct mmu_cpu *cpu)
{
	mmu_user_enter(cpu);
	cpu->user_returned = true;
}

/* mmu.c */
int __must_check mmu_translate(struct mmu_cpu *cpu, unsigned long va, enum mmu_access acc,
			       void **host);
void mmu_tlb_fill(struct mmu_cpu *cpu, unsigned long va, enum mmu_access acc);
void mmu_update_cache(struct mmu_cpu *cpu, unsigned long va, pte_t *ptep);
int __must_check mmu_load_slow(struct mmu_cpu *cpu, unsigned long va, void *val, size_t size);
int __must_check mmu_store_slow(struct mmu_cpu *cpu, unsigned long va, const void *val,
				size_t size);
size_t mmu_copy_from_user(struct mmu_cpu *cpu, void *dst, unsigned long va, size_t len);
size_t mmu_copy_to_user(struct mmu_cpu *cpu, unsigned long va, const void *src, size_t len);
struct mmu_cpu *__must_check mmu_cpu_create(struct pglist_data *pgdat, struct mmu_cpu **cpus,
					    unsigned int id, bool pke);
void mmu_cpu_destroy(struct mmu_cpu *cpu);
void mmu_switch_context(struct mmu_cpu *cpu, mm_context_t *ctx);
void mmu_leave_context(struct mmu_cpu *cpu, mm_context_t *ctx);
void mmu_write_pkru(struct mmu_cpu *cpu, uint32_t pkru);

/*
 * Loads and stores of 1, 2, 4 or 8 bytes. The hit path is inline: a mask, a tag compare and a
 * copy. Misaligned accesses and misses take the slow path.
 * Return: 0, or -EFAULT with cpu->last_fault describing the signal.
 */
#define MMU_DEFINE_ACCESS(bits)                                                                    \
	static __always_inline int mmu_load##bits(struct mmu_cpu *cpu, unsigned long va,          \
						  uint##bits##_t *val)                             \
	{                                                                                          \
		struct tlb_entry *e = mmu_tlb_slot(cpu, va);                                       \
		if (likely(mmu_tlb_match(cpu, e, va, MMU_READ, sizeof(*val)))) {                   \
			memcpy(val, (void *)(va + e->addend), sizeof(*val));                       \
			return 0;                                                                  \
		}                                                                                  \
		return mmu_load_slow(cpu, va, val, sizeof(*val));                                  \
	}                                                                                          \
	static __always_inline int mmu_store##bits(struct mmu_cpu *cpu, unsigned long va,         \
						   uint##bits##_t val)                             \
	{                                                                                          \
		struct tlb_entry *e = mmu_tlb_slot(cpu, va);                                       \
		if (likely(mmu_tlb_match(cpu, e, va, MMU_WRITE, sizeof(val)))) {                   \
			memcpy((void *)(va + e->addend), &val, sizeof(val));                       \
			return 0;                                                                  \
		}                                                                                  \
		return mmu_store_slow(cpu, va, &val, sizeof(val));                                 \
	}

MMU_DEFINE_ACCESS(8)
MMU_DEFINE_ACCESS(16)
MMU_DEFINE_ACCESS(32)
MMU_DEFINE_ACCESS(64)

#endif /* MMLAB_MMU_MMU_H */
