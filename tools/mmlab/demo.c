/*
 * `mmlab demo`: the machine at work without any VMA layer. Maps pages into a bare address
 * space, writes and reads them through the MMU from two CPU contexts, shows a protection fault
 * and an unmapped-page fault, unmaps, and prints the machine's counters.
 */
#include "commands.h"
#include "mmlab.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static const char *code_name(int signo, int code)
{
	if (signo == SIGSEGV && code == 1)
		return "SEGV_MAPERR";
	if (signo == SIGSEGV && code == 2)
		return "SEGV_ACCERR";
	if (signo == SIGSEGV && code == 4)
		return "SEGV_PKUERR";
	if (code == 0x80)
		return "SI_KERNEL";
	return "?";
}

static void print_fault(const char *what, const struct mmlab_fault *f)
{
	printf("%-44s -> %s %s at %#llx\n", what, f->signo == SIGBUS ? "SIGBUS" : "SIGSEGV",
	       code_name(f->signo, f->code), (unsigned long long)f->addr);
}

static void print_stats(struct mmlab_machine *m)
{
	struct mmlab_stats st;

	mmlab_machine_stats(m, &st);
	printf("\nram_pages %llu  free_pages %llu  pgtable_pages %llu\n",
	       (unsigned long long)st.ram_pages, (unsigned long long)st.free_pages,
	       (unsigned long long)st.pgtable_pages);
	printf("pgalloc %llu  pgfree %llu  faults %llu\n", (unsigned long long)st.pgalloc,
	       (unsigned long long)st.pgfree, (unsigned long long)st.faults);
	if (st.tlb_hits_counted)
		printf("tlb_hits %llu  ", (unsigned long long)st.tlb_hits);
	else
		printf("tlb_hits (not counted in this build)  ");
	printf("tlb_misses %llu  tlb_flush_all %llu  tlb_flush_one %llu\n",
	       (unsigned long long)st.tlb_misses,
	       (unsigned long long)st.tlb_flush_all, (unsigned long long)st.tlb_flush_one);
}

static int demo(struct mmlab_machine *m)
{
	struct mmlab_cpu *c0 = mmlab_machine_cpu(m, 0), *c1 = mmlab_machine_cpu(m, 1);
	const uint64_t base = 0x7f0000000000ULL, len = 4 * 4096;
	char msg[] = "written by cpu0 across a page boundary", back[sizeof(msg)];
	struct mmlab_space *s;
	struct mmlab_fault f;
	int err;

	err = mmlab_space_create(m, &s);
	if (err)
		return err;
	mmlab_cpu_switch(c0, s);
	mmlab_cpu_switch(c1, s);
	err = mmlab_space_map(s, base, len, PROT_READ | PROT_WRITE);
	if (err)
		goto out;
	printf("map   %#llx-%#llx rw-\n", (unsigned long long)base,
	       (unsigned long long)(base + len));
	if (mmlab_write(c0, base + 4096 - 10, msg, sizeof(msg), &f) != sizeof(msg)) {
		err = -EFAULT;
		goto out;
	}
	mmlab_read(c1, base + 4096 - 10, back, sizeof(back), &f);
	printf("cpu1 reads %#llx: \"%s\"\n", (unsigned long long)(base + 4096 - 10), back);

	mmlab_space_protect(s, base, 4096, PROT_READ);
	printf("mprotect %#llx-%#llx r--\n", (unsigned long long)base,
	       (unsigned long long)(base + 4096));
	if (mmlab_write(c1, base + 8, "x", 1, &f) != 1)
		print_fault("cpu1 writes the read-only page", &f);
	if (mmlab_fetch(c0, base + 4096, &f))
		print_fault("cpu0 executes the no-exec page", &f);

	mmlab_space_unmap(s, base + 4096, 4096);
	printf("unmap %#llx-%#llx\n", (unsigned long long)(base + 4096),
	       (unsigned long long)(base + 8192));
	if (mmlab_read(c0, base + 4096 - 10, back, sizeof(back), &f) != sizeof(back))
		print_fault("cpu0 reads across the hole", &f);
	if (mmlab_read(c0, 0x0000800000000000ULL, back, 1, &f) != 1)
		print_fault("cpu0 reads a non-canonical address", &f);

	err = mmlab_machine_validate(m);
out:
	mmlab_space_destroy(s);
	print_stats(m);
	return err;
}

int cmd_demo(int argc, char **argv)
{
	struct mmlab_machine_config cfg = { .nr_cpus = 2 };
	struct mmlab_machine *m;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ram") && i + 1 < argc) {
			if (mmlab_parse_size(argv[++i], &cfg.ram_bytes)) {
				fprintf(stderr, "mmlab demo: bad --ram size '%s'\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "usage: mmlab demo [--ram SIZE]\n");
			return 2;
		}
	}
	err = mmlab_machine_create(&cfg, &m);
	if (err) {
		fprintf(stderr, "mmlab demo: cannot create the machine: %s\n", strerror(-err));
		return 1;
	}
	err = demo(m);
	mmlab_machine_destroy(m);
	if (err) {
		fprintf(stderr, "mmlab demo: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
