/*
 * struct mm_struct: one address space (include/linux/mm_types.h). The foundation defines the
 * part the MMU needs - the page-table root, the CPU contexts that may cache its translations
 * and the page-table accounting; the address-space layer adds the VMA tree, layout and counters.
 */
#ifndef MMLAB_MM_MM_TYPES_H
#define MMLAB_MM_MM_TYPES_H

#include "kernel.h"
#include "mmu/pgtable.h"

struct machine;

struct mm_struct {
	struct machine *machine;	/* Whose frames back this address space */
	pte_t *pgd;			/* Top-level table, through the machine's RAM */
	unsigned long pgd_pfn;		/* Frame of that table (what CR3 holds) */
	unsigned long cpumask;		/* CPU contexts that loaded this mm since its last full flush
					 * (mm_cpumask); bit N is machine->cpus[N] */
	long pgtables_bytes;		/* Page-table frames below the PGD, in bytes (VmPTE) */
};

#endif /* MMLAB_MM_MM_TYPES_H */
