// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MMU's slow path: the page-table walk a TLB miss performs, the fault it raises, and
 * byte copies into and out of user memory that cross pages (arch/x86/mm/fault.c's entry side
 * and the usercopy helpers), and the CPU contexts' life: creation, CR3 loads, WRPKRU. The fast
 * path is inline in mmu.h. Left out: the kernel-mode side of arch/x86/mm/fault.c (exception
 * tables, oops), SMAP/SMEP checks and the A/D-bit races of real hardware walkers.
 */
#include "mmu/mmu.h"
#include "mmu/pgtable.h"
#include "phys/lru.h"

#include <signal.h>

/* A handler that keeps asking for retries without fixing anything is a bug; stop it. */
#define MMU_MAX_RETRIES 16

static inline pte_t *table_at(struct pglist_data *pgdat, pte_t entry)
{
	return (pte_t *)(pgdat->ram + (entry & PTE_PFN_MASK));
}

/*
 * What the access-disable and write-disable bits of the CPU's PKRU say for a data access to a
 * page of key @pkey. Instruction fetches are not subject to protection keys, and a CPU without
 * CR4.PKE checks none.
 */
static bool pkey_denies(const struct mmu_cpu *cpu, unsigned int pkey, enum mmu_access acc)
{
	uint32_t bits = cpu->pkru >> (2 * pkey);

	if (acc == MMU_EXEC || !cpu->pke)
		return false;
	return (bits & 1) || (acc == MMU_WRITE && (bits & 2));
}

/*
 * Where a walk of @va may start: the lowest level whose paging-structure cache holds the
 * entry above it. Returns the level to read next (PT_PGD when nothing is cached), with the
 * table to read and the rights of the levels skipped.
 */
static int psc_lookup(struct tlb *tlb, unsigned long va, pte_t **table, pte_t *allow, pte_t *nx)
{
	if (tlb->psc_disabled)
		return PT_PGD;
	for (int l = PSC_PDE; l < PSC_LEVELS; l++) {
		const struct psc_entry *pe = psc_slot(tlb, va, l);

		if (pe->tag == psc_tag(va, l)) {
			*table = pe->table;
			*allow = pe->rights & (_PAGE_RW | _PAGE_USER);
			*nx = pe->rights & _PAGE_NX;
			tlb->psc_hits[l]++;
			return l; /* the cache of level l holds entries of page-table level l + 1 */
		}
	}
	return PT_PGD;
}

/* Caches the present, accessed entry of page-table @level (PMD and up) that led to @table. */
static void psc_fill(struct tlb *tlb, unsigned long va, int level, pte_t *table, pte_t rights)
{
	enum psc_level l = (enum psc_level)(level - 1);
	struct psc_entry *pe = psc_slot(tlb, va, l);

	if (tlb->psc_disabled)
		return;
	pe->tag = psc_tag(va, l);
	pe->table = table;
	pe->rights = rights;
}

/*
 * Fills @va's TLB slot from the present, accessed leaf @e, for every kind of access the leaf
 * and the levels above it allow now: @allow holds RW and USER AND-ed across the levels, @nx
 * NX OR-ed. A write tag needs the dirty bit, so the first write through a clean entry walks.
 */
static inline void tlb_set_slot(struct mmu_cpu *cpu, unsigned long va, pte_t e, pte_t allow,
				pte_t nx)
{
	struct tlb_entry *slot = mmu_tlb_slot(cpu, va);
	unsigned long page = va & PAGE_MASK;
	unsigned int pkey = pte_pkey(e);

	/* --lru lru: no TLB, so that every access walks and is seen (mmu_note_access) */
	if (unlikely(cpu->pgdat->lru_mode == LRU_MODE_LRU))
		return;
	slot->addend = (uintptr_t)(cpu->pgdat->ram + (e & PTE_PFN_MASK)) - page;
	slot->tag[MMU_READ] = pkey_denies(cpu, pkey, MMU_READ) ? TLB_INVALID : page;
	slot->tag[MMU_WRITE] = ((allow & _PAGE_RW) && (e & _PAGE_DIRTY) &&
				!pkey_denies(cpu, pkey, MMU_WRITE)) ? page : TLB_INVALID;
	slot->tag[MMU_EXEC] = nx ? TLB_INVALID : page;
}

/*
 * --lru lru: the MMU reports every access to the page's LRU position (an exact LRU needs
 * every reference, which a TLB hit or an accessed bit already set would hide; the TLB is
 * off in that mode). Takes the LRU lock under ipi_lock: no LRU-lock holder waits for a
 * CPU's ipi_lock (nothing flushes a TLB under the LRU lock), so the nesting cannot cycle.
 */
static void mmu_note_access(struct pglist_data *m, pte_t e)
{
	if (!(e & _PAGE_SPECIAL))
		lru_access_page(m, pfn_to_page(m, (e & PTE_PFN_MASK) >> PAGE_SHIFT));
}

/* __mmu_walk's answer when an entry changed between its read and its accessed-bit update. */
#define MMU_WALK_RACED (~0UL)

/*
 * The walk of one translation, from the lowest level the paging-structure caches hold. Sets
 * the accessed bit at every level it reads (the leaf's only when missing, as the hardware
 * writes an entry back only to set a bit) and the dirty bit of the leaf for a write; fills
 * the TLB slot with every kind of access the entry allows now. Returns 0 with the host
 * address, or the x86 error code of the fault (never 0, since X86_PF_USER is always set);
 * *@pkey is the leaf's key when the entry was present. MMU_WALK_RACED when an entry it read
 * changed before it could set a bit in it.
 */
static __always_inline unsigned long __mmu_walk(struct mmu_cpu *cpu, unsigned long va,
						enum mmu_access acc, void **host,
						unsigned int *leaf_pkey)
{
	unsigned long err = X86_PF_USER | (acc == MMU_WRITE ? X86_PF_WRITE : 0) |
			    (acc == MMU_EXEC ? X86_PF_INSTR : 0);
	struct pglist_data *m = cpu->pgdat;
	pte_t allow = _PAGE_RW | _PAGE_USER, nx = 0, e = 0, set, *ep = NULL;
	pte_t *table;
	unsigned int pkey;
	int level;

	if (!cpu->ctx || !cpu->ctx->pgd || !addr_is_user(va))
		return err;
	table = cpu->ctx->pgd;
	for (level = psc_lookup(&cpu->tlb, va, &table, &allow, &nx); level >= PT_PTE; level--) {
		ep = &table[pt_index(va, level)];
		e = ptep_get_lockless(ep);
		if (!(e & _PAGE_PRESENT))
			return err;
		allow &= e;
		nx |= e & _PAGE_NX;
		if (level > PT_PTE) {
			if (!(e & _PAGE_ACCESSED) && !ptep_mmu_set_bits(ep, e, _PAGE_ACCESSED))
				return MMU_WALK_RACED;
			table = table_at(m, e);
			psc_fill(&cpu->tlb, va, level, table, allow | nx);
		}
	}
	pkey = pte_pkey(e);
	*leaf_pkey = pkey;
	/* The key is a user page's: PK is reported with any other reason the access fails. */
	if ((allow & _PAGE_USER) && pkey_denies(cpu, pkey, acc))
		err |= X86_PF_PK;
	if (!(allow & _PAGE_USER) || (acc == MMU_WRITE && !(allow & _PAGE_RW)) ||
	    (acc == MMU_EXEC && nx) || (err & X86_PF_PK))
		return err | X86_PF_PROT;

	/* As the hardware, write the entry only when a bit is missing: no locked op otherwise. */
	set = _PAGE_ACCESSED | (acc == MMU_WRITE ? _PAGE_DIRTY : 0);
	if ((e & set) != set) {
		if (!ptep_mmu_set_bits(ep, e, set))
			return MMU_WALK_RACED;
		e |= set;
	}
	*host = m->ram + (e & PTE_PFN_MASK) + (va & ~PAGE_MASK);
	tlb_set_slot(cpu, va, e, allow, nx);
	if (unlikely(m->lru_mode == LRU_MODE_LRU))
		mmu_note_access(m, e);
	return 0;
}

/*
 * __mmu_walk until no entry changes under it: the kernel changed one, so the walk is redone.
 * Inline: mmu_translate's miss runs it on every fault.
 */
static __always_inline unsigned long mmu_walk(struct mmu_cpu *cpu, unsigned long va,
					       enum mmu_access acc, void **host,
					       unsigned int *leaf_pkey)
{
	unsigned long err;

	do
		err = __mmu_walk(cpu, va, acc, host, leaf_pkey);
	while (unlikely(err == MMU_WALK_RACED));
	return err;
}

/* The walk out of line, for mmu_tlb_fill: the preload of the new leaf usually spares it. */
static __attribute__((noinline)) void mmu_walk_to_fill(struct mmu_cpu *cpu, unsigned long va,
							enum mmu_access acc)
{
	unsigned int pkey;
	void *host;

	(void)mmu_walk(cpu, va, acc, &host, &pkey);
}

/**
 * mmu_update_cache - update_mmu_cache(): the fault handler has installed @ptep, the leaf of
 * @va, for the access that faulted on @cpu. Architectures whose TLB the kernel loads (MIPS,
 * SPARC, LoongArch) preload the new translation there, sparing the retried access its miss;
 * x86 leaves the hook empty and its retry walks. mmlab's MMU is software, so it takes the
 * cheaper way: mmu_tlb_fill fills the TLB from this leaf instead of walking to it.
 * Context: a fault handler of @cpu's running thread, holding the lock that keeps @ptep as it
 * is until mmu_tlb_fill (the page table's).
 */
void mmu_update_cache(struct mmu_cpu *cpu, unsigned long va, pte_t *ptep)
{
	cpu->preload_ptep = ptep;
	cpu->preload_va = va & PAGE_MASK;
}

/*
 * The preload of mmu_update_cache: the TLB entry a walk to the leaf @e would make. The levels
 * above a leaf are always _PAGE_TABLE entries (every right, as Linux makes user page tables:
 * the leaf decides), so the leaf's rights are the walk's. A leaf the walk would have to write
 * back (not accessed), or that user mode may not reach, is left to the walk.
 */
static void tlb_preload(struct mmu_cpu *cpu, unsigned long va, pte_t e)
{
	const pte_t need = _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER;

	if ((e & need) != need)
		return;
	tlb_set_slot(cpu, va, e, e & (_PAGE_RW | _PAGE_USER), e & _PAGE_NX);
	cpu->tlb.preloads++;
}

/**
 * mmu_tlb_fill - the walk of @va for @acc that the retry of a resolved fault makes, made
 * early: it sets the accessed and dirty bits and fills the TLB when the entry allows @acc,
 * and does nothing else when it does not. When the handler installed the leaf and said so
 * (mmu_update_cache), the TLB is filled from that leaf without a walk.
 * Context: a fault handler, holding the locks that keep the new entry as it is, and not
 * @cpu's ipi_lock. Returns with the CPU back in user mode (ipi_lock held, as
 * mmu_user_enter), where the retried access runs: one acquisition serves both, and a
 * shootdown after the handler's locks drop waits for the access as it would for the retry.
 */
void mmu_tlb_fill(struct mmu_cpu *cpu, unsigned long va, enum mmu_access acc)
{
	if (!cpu->user_returned)
		mmu_user_enter(cpu);
	cpu->user_returned = false;
	if (cpu->preload_ptep && cpu->preload_va == (va & PAGE_MASK)) {
		tlb_preload(cpu, va, ptep_get_lockless(cpu->preload_ptep));
		cpu->preload_ptep = NULL;
		return;
	}
	mmu_walk_to_fill(cpu, va, acc);
}

/*
 * The translation a fault handler left in the TLB (mmu_tlb_fill), or NULL. Not counted as a
 * hit: the access has already missed once.
 */
static void *tlb_filled_by_handler(struct mmu_cpu *cpu, unsigned long va, enum mmu_access acc)
{
	const struct tlb_entry *e = mmu_tlb_slot(cpu, va);

	return e->tag[acc] == (va & PAGE_MASK) ? (void *)(va + e->addend) : NULL;
}

/* What a fault becomes when nobody resolves it: the signal Linux sends for it. */
static void fault_to_signal(struct mmu_fault *f, unsigned int pkey)
{
	f->signo = SIGSEGV;
	f->sig_addr = f->address;
	if (!(f->error_code & X86_PF_PROT)) {
		f->si_code = MMLAB_SEGV_MAPERR;
	} else if (f->error_code & X86_PF_PK) {
		f->si_code = MMLAB_SEGV_PKUERR;
		f->pkey = pkey;
	} else {
		f->si_code = MMLAB_SEGV_ACCERR;
	}
}

/**
 * mmu_translate - translate @va for @acc, walking and faulting as needed.
 * @host: set to the host address of the byte at @va on success
 *
 * A non-canonical address is a general-protection fault, not a page fault: SIGSEGV with
 * si_code SI_KERNEL and a zero address, as Linux reports it, without calling the handler.
 * Context: runs the fault handler, which may take its owner's locks.
 * Return: 0, or -EFAULT with cpu->last_fault holding the signal.
 */
int mmu_translate(struct mmu_cpu *cpu, unsigned long va, enum mmu_access acc, void **host)
{
	struct mmu_fault *f = &cpu->last_fault;
	void *p = mmu_tlb_lookup(cpu, va, acc);

	if (p) {
		*host = p;
		return 0;
	}
	cpu->tlb.misses++;
	if (!addr_is_canonical(va)) {
		*f = (struct mmu_fault){ .address = va, .access = acc, .signo = SIGSEGV,
					 .si_code = MMLAB_SI_KERNEL, .sig_addr = 0 };
		return -EFAULT;
	}
	for (int tries = 0; tries < MMU_MAX_RETRIES; tries++) {
		unsigned int pkey = 0;
		unsigned long err;

		/* Only a walk can have filled the slot since the miss: it is as good as one. */
		if (tries && (*host = tlb_filled_by_handler(cpu, va, acc)))
			return 0;
		err = mmu_walk(cpu, va, acc, host, &pkey);
		if (!err)
			return 0;
		*f = (struct mmu_fault){ .address = va, .error_code = err, .access = acc };
		cpu->nr_faults++;
		cpu->preload_ptep = NULL; /* the handler's mmu_update_cache, if any, comes next */
		if (!cpu->fault_handler ||
		    cpu->fault_handler(cpu, f, cpu->fault_data) == MMU_FAULT_SIGNAL) {
			if (!f->signo)
				fault_to_signal(f, pkey);
			return -EFAULT;
		}
	}
	VM_WARN_ON("fault handler retried without resolving the fault");
	*f = (struct mmu_fault){ .address = va, .access = acc, .signo = SIGBUS,
				 .si_code = MMLAB_BUS_ADRERR, .sig_addr = va };
	return -EFAULT;
}

/* Moves @len bytes between @buf and user memory at @va; returns what was left unmoved. */
static size_t copy_user(struct mmu_cpu *cpu, unsigned long va, unsigned char *buf, size_t len,
			enum mmu_access acc)
{
	while (len) {
		size_t chunk = min(len, PAGE_SIZE - (va & ~PAGE_MASK));
		void *host;

		if (mmu_translate(cpu, va, acc, &host))
			return len;
		if (acc == MMU_WRITE)
			memcpy(host, buf, chunk);
		else
			memcpy(buf, host, chunk);
		buf += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * mmu_copy_from_user - copy @len bytes at user address @va into @dst, page by page.
 * Return: the number of bytes NOT copied (0 on success), as the kernel's copy_from_user;
 * when non-zero, cpu->last_fault says where and why it stopped.
 */
size_t mmu_copy_from_user(struct mmu_cpu *cpu, void *dst, unsigned long va, size_t len)
{
	return copy_user(cpu, va, dst, len, MMU_READ);
}

/* As mmu_copy_from_user, the other way. */
size_t mmu_copy_to_user(struct mmu_cpu *cpu, unsigned long va, const void *src, size_t len)
{
	return copy_user(cpu, va, (unsigned char *)src, len, MMU_WRITE);
}

/*
 * The slow paths of the inline accessors: a TLB miss, or a misaligned access that may cross a
 * page. A crossing access is checked on both pages before any byte moves, as the CPU does.
 */
static int access_slow(struct mmu_cpu *cpu, unsigned long va, unsigned char *val, size_t size,
		       enum mmu_access acc)
{
	size_t first = min(size, PAGE_SIZE - (va & ~PAGE_MASK));
	unsigned char *p[2] = { NULL, NULL };
	size_t part[2] = { first, size - first };

	if (mmu_translate(cpu, va, acc, (void **)&p[0]))
		return -EFAULT;
	/* A TLB miss of an aligned 8-byte access: one page, a copy of known size. */
	if (size == 8 && first == 8) {
		if (acc == MMU_WRITE)
			memcpy(p[0], val, 8);
		else
			memcpy(val, p[0], 8);
		return 0;
	}
	if (part[1] && mmu_translate(cpu, va + first, acc, (void **)&p[1]))
		return -EFAULT;
	for (int i = 0; i < 2 && part[i]; val += part[i], i++) {
		if (acc == MMU_WRITE)
			memcpy(p[i], val, part[i]);
		else
			memcpy(val, p[i], part[i]);
	}
	return 0;
}

int mmu_load_slow(struct mmu_cpu *cpu, unsigned long va, void *val, size_t size)
{
	return access_slow(cpu, va, val, size, MMU_READ);
}

int mmu_store_slow(struct mmu_cpu *cpu, unsigned long va, const void *val, size_t size)
{
	return access_slow(cpu, va, (unsigned char *)val, size, MMU_WRITE);
}

/**
 * mmu_cpu_create - a CPU context with an empty TLB, registered as @cpus[@id].
 * @pgdat: the node whose RAM the CPU's translations point into
 * @cpus: the machine's table of CPU contexts (MMLAB_MAX_CPUS slots)
 * @pke: the CPU has protection keys and CR4.PKE is set
 * Return: the context, or ERR_PTR(-EINVAL) for a bad or taken id, ERR_PTR(-ENOMEM).
 */
struct mmu_cpu *mmu_cpu_create(struct pglist_data *pgdat, struct mmu_cpu **cpus, unsigned int id,
			       bool pke)
{
	struct mmu_cpu *cpu;

	if (id >= MMLAB_MAX_CPUS || cpus[id])
		return ERR_PTR(-EINVAL);
	cpu = calloc(1, sizeof(*cpu));
	if (!cpu)
		return ERR_PTR(-ENOMEM);
	cpu->pgdat = pgdat;
	cpu->cpus = cpus;
	cpu->id = id;
	/* Reset leaves PKRU 0; the kernel's boot code writes init_pkru_value when it has PKU. */
	cpu->pke = pke;
	cpu->pkru = cpu->pke ? INIT_PKRU_VALUE : 0;
	spin_lock_init(&cpu->ipi_lock);
	tlb_flush_all(&cpu->tlb);
	cpu->tlb.flush_all = 0;
	cpus[id] = cpu;
	return cpu;
}

void mmu_cpu_destroy(struct mmu_cpu *cpu)
{
	if (!cpu)
		return;
	mmu_switch_context(cpu, NULL);
	cpu->cpus[cpu->id] = NULL;
	free(cpu);
}

/*
 * Loads @ctx (a CR3 write): the TLB is flushed whole, as without PCID, and the CPU joins
 * @ctx's cpumask so later flushes of that address space reach it. The mask changes with
 * locked operations, which order them against a flusher's entry changes (flush_tlb_ctx_range):
 * a flusher that does not see the bit changed its entries before the walks that follow.
 * Context: the thread running @cpu, in user mode or with the CPU idle.
 */
void mmu_switch_context(struct mmu_cpu *cpu, mm_context_t *ctx)
{
	if (cpu->ctx == ctx)
		return;
	if (cpu->ctx)
		__atomic_fetch_and(&cpu->ctx->cpumask, ~(1UL << cpu->id), __ATOMIC_SEQ_CST);
	cpu->ctx = ctx;
	if (ctx)
		__atomic_fetch_or(&ctx->cpumask, 1UL << cpu->id, __ATOMIC_SEQ_CST);
	tlb_flush_all(&cpu->tlb);
}

/**
 * mmu_leave_context - switch @cpu off @ctx if it still has it loaded: the IPI that takes a
 * CPU off an address space about to go away (the kernel's leave_mm of a lazy CPU).
 * Context: not in user mode on @cpu (takes its ipi_lock).
 */
void mmu_leave_context(struct mmu_cpu *cpu, mm_context_t *ctx)
{
	mmu_user_enter(cpu);
	if (cpu->ctx == ctx)
		mmu_switch_context(cpu, NULL);
	mmu_user_exit(cpu);
}

/*
 * WRPKRU (the caller checks that the CPU has PKU: without it the instruction does not exist).
 * The hardware checks PKRU on every access rather than caching it in the TLB; the tags here
 * do cache the verdict, so a new PKRU must drop them.
 */
void mmu_write_pkru(struct mmu_cpu *cpu, uint32_t pkru)
{
	if (cpu->pkru == pkru)
		return;
	cpu->pkru = pkru;
	tlb_flush_all(&cpu->tlb);
}
