/*
 * mmlab - the Linux process virtual-memory subsystem in user space.
 *
 * The one public header. Every handle is opaque; every function that can fail returns 0 or a
 * negative errno (-EINVAL, -ENOMEM, ...) exactly as the Linux call it models would, and never
 * writes errno. Nothing here aborts on bad input.
 */
#ifndef MMLAB_H
#define MMLAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MMLAB_BUILDING)
#define MMLAB_EXPORT __attribute__((visibility("default")))
#else
#define MMLAB_EXPORT
#endif

/* The library's version string, "MAJOR.MINOR.PATCH". */
MMLAB_EXPORT const char *mmlab_version(void);

/*
 * mmlab_parse_size - parse "64M", "1G", "4096", "512k" into bytes.
 * Returns 0, or -EINVAL for anything that is not a positive size that fits in size_t.
 */
MMLAB_EXPORT int mmlab_parse_size(const char *s, size_t *bytes);


/*
 * The machine: RAM carved into 4 KiB frames (a buddy allocator hands them out), CPU contexts
 * with a TLB each, and a software MMU that reaches RAM only through x86_64 page tables.
 */
struct mmlab_machine;
struct mmlab_cpu;
/* A bare address space: page tables and frames, no VMAs. For emulators and for tests. */
struct mmlab_space;

struct mmlab_machine_config {
	size_t ram_bytes;	/* RAM size; 0 means the default, 1 GiB */
	unsigned int nr_cpus;	/* CPU contexts, 1..64; 0 means 1 */
};

/* Where and why an access stopped: the signal Linux would deliver. */
struct mmlab_fault {
	int signo;		/* SIGSEGV or SIGBUS */
	int code;		/* si_code: SEGV_MAPERR, SEGV_ACCERR, SEGV_PKUERR, SI_KERNEL, ... */
	uint64_t addr;		/* si_addr */
	uint64_t fault_addr;	/* The first byte that could not be accessed */
	uint64_t error_code;	/* x86 page-fault error code (0 for a general protection fault) */
};

/* Counters of the machine, all since creation. */
struct mmlab_stats {
	uint64_t ram_pages, free_pages, pgtable_pages;
	uint64_t pgalloc, pgfree;
	uint64_t tlb_hits, tlb_misses, tlb_flush_all, tlb_flush_one; /* Summed over CPUs */
	int tlb_hits_counted;	/* 0 when built without MMLAB_TLB_HIT_STATS: tlb_hits is 0 */
	uint64_t faults;
};

MMLAB_EXPORT int mmlab_machine_create(const struct mmlab_machine_config *cfg,
				      struct mmlab_machine **out);
MMLAB_EXPORT void mmlab_machine_destroy(struct mmlab_machine *m);
/* CPU context @id (0..nr_cpus-1), or NULL. */
MMLAB_EXPORT struct mmlab_cpu *mmlab_machine_cpu(struct mmlab_machine *m, unsigned int id);
MMLAB_EXPORT void mmlab_machine_stats(struct mmlab_machine *m, struct mmlab_stats *st);
/* Checks every frame, list and page table; 0 or -EUCLEAN (details on stderr). */
MMLAB_EXPORT int mmlab_machine_validate(struct mmlab_machine *m);
/* Makes the @n-th frame allocation from now fail (0 disables), for failure-path tests. */
MMLAB_EXPORT void mmlab_machine_fail_alloc_after(struct mmlab_machine *m, unsigned long n);

MMLAB_EXPORT int mmlab_space_create(struct mmlab_machine *m, struct mmlab_space **out);
/* Unmaps everything, frees the tables; CPUs still running the space are switched off it. */
MMLAB_EXPORT void mmlab_space_destroy(struct mmlab_space *s);
/*
 * Maps fresh zero-filled frames over [addr, addr+len) with PROT_* bits @prot.
 * Returns 0; -EINVAL for unaligned or empty ranges or ranges outside the user half or unknown
 * prot bits; -EEXIST if a page in the range is mapped; -ENOMEM (nothing stays mapped).
 */
MMLAB_EXPORT int mmlab_space_map(struct mmlab_space *s, uint64_t addr, uint64_t len, int prot);
/* Unmaps [addr, addr+len); holes are fine. -EINVAL for bad ranges. */
MMLAB_EXPORT int mmlab_space_unmap(struct mmlab_space *s, uint64_t addr, uint64_t len);
/* Changes the protection of the mapped pages in [addr, addr+len). -EINVAL for bad input. */
MMLAB_EXPORT int mmlab_space_protect(struct mmlab_space *s, uint64_t addr, uint64_t len,
				     int prot);
/* Loads @s on @cpu (NULL unloads), flushing its TLB. */
MMLAB_EXPORT void mmlab_cpu_switch(struct mmlab_cpu *cpu, struct mmlab_space *s);
/*
 * Copy through the MMU. Return the number of bytes copied; when fewer than @len, @fault
 * (if not NULL) says where and why the copy stopped.
 */
MMLAB_EXPORT size_t mmlab_read(struct mmlab_cpu *cpu, uint64_t addr, void *buf, size_t len,
			       struct mmlab_fault *fault);
MMLAB_EXPORT size_t mmlab_write(struct mmlab_cpu *cpu, uint64_t addr, const void *buf,
				size_t len, struct mmlab_fault *fault);
/* Checks that @addr can be executed (an instruction fetch of one byte). 0 or -EFAULT. */
MMLAB_EXPORT int mmlab_fetch(struct mmlab_cpu *cpu, uint64_t addr, struct mmlab_fault *fault);

#ifdef __cplusplus
}
#endif
#endif /* MMLAB_H */
