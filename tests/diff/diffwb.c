// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of writeback cleaning the mappings it writes (folio_clear_dirty_for_io ->
 * folio_mkclean): a file of FILE_PAGES pages, cached and clean, is mapped MAP_SHARED; a read
 * maps it (fault-around), writes dirty some pages (one write-notify fault each), then the
 * pages are written back - natively by fsync(), sync_file_range(WAIT_BEFORE | WRITE |
 * WAIT_AFTER) or msync(MS_SYNC), in mmlab by the flusher once the dirty expire time has passed
 * (mmlab_machine_advance, mode "flusher"), by fsync (mode "fsync"), by sync(2) of the machine
 * (mode "sync") or by msync(MS_SYNC) (mode "msync") - after which smaps shows the pages clean
 * and the next write to each faults again and makes it dirty again. After every step the
 * mapping's smaps figures (Rss, Shared/Private Clean/Dirty) and the step's fault count must
 * match the host's. The file lives in the current directory (the build tree), not /tmp,
 * which may be tmpfs (no writeback there).
 * Usage: diffwb [MODE...]   (default: every mode)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmlab.h"

#define PG 4096UL
#define FILE_PAGES 16
#define MAP_AT 0x310000000000UL	/* 2 MiB-aligned: the same fault-around window both sides */

struct fig {
	uint64_t rss, sc, sd, pc, pd;
};

static char smaps_buf[1 << 20];
static int failures, steps;

static uint64_t field(const char *vma, const char *label)
{
	const char *p = strstr(vma, label);

	return p ? strtoull(p + strlen(label), NULL, 10) : UINT64_MAX;
}

/* The figures of the VMA at MAP_AT in smaps_buf. */
static struct fig parse(void)
{
	char head[32], *vma;
	const char *p, *end;
	struct fig f;

	snprintf(head, sizeof(head), "%lx-", MAP_AT);
	p = strstr(smaps_buf, head);
	if (!p)
		return (struct fig){ 0 };
	end = strstr(p, "VmFlags:");
	vma = strndup(p, end ? (size_t)(end - p) : strlen(p));
	f = (struct fig){ field(vma, "\nRss:"), field(vma, "\nShared_Clean:"),
			  field(vma, "\nShared_Dirty:"), field(vma, "\nPrivate_Clean:"),
			  field(vma, "\nPrivate_Dirty:") };
	free(vma);
	return f;
}

static struct fig host_fig(void)
{
	int fd = open("/proc/self/smaps", O_RDONLY);
	size_t len = 0;
	ssize_t n;

	while (fd >= 0 && (n = read(fd, smaps_buf + len, sizeof(smaps_buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (fd >= 0)
		close(fd);
	smaps_buf[len] = 0;
	return parse();
}

static struct fig lab_fig(struct mmlab_task *t)
{
	FILE *f = fmemopen(smaps_buf, sizeof(smaps_buf) - 1, "w");

	memset(smaps_buf, 0, sizeof(smaps_buf));
	mmlab_proc_smaps(t, f);
	fclose(f);
	return parse();
}

static long lab_faults(struct mmlab_task *t)
{
	struct mmlab_task_mem st;

	mmlab_task_mem(t, &st);
	return (long)(st.minflt + st.majflt);
}

/* Native touches of pages [first, first + n): their faults. */
__attribute__((noinline, no_sanitize_address)) static long host_touch(unsigned int first,
								      unsigned int n, int write)
{
	struct rusage a, b;

	syscall(SYS_getrusage, RUSAGE_SELF, &a);
	for (unsigned int p = first; p < first + n; p++) {
		volatile unsigned char *c = (volatile unsigned char *)(MAP_AT + p * PG);

		if (write)
			*c = (unsigned char)(*c + 1);
		else
			(void)*c;
	}
	syscall(SYS_getrusage, RUSAGE_SELF, &b);
	return (b.ru_minflt - a.ru_minflt) + (b.ru_majflt - a.ru_majflt);
}

static long lab_touch(struct mmlab_task *t, unsigned int first, unsigned int n, int write)
{
	long before = lab_faults(t);

	if (mmlab_touch(t, MAP_AT + first * PG, n * PG, write ? "w" : "r", NULL))
		return -1;
	return lab_faults(t) - before;
}

static void compare(const char *mode, const char *what, long hf, long lf, struct mmlab_task *t)
{
	struct fig h = host_fig(), l = lab_fig(t);

	steps++;
	if (hf == lf && !memcmp(&h, &l, sizeof(h)))
		return;
	failures++;
	printf("%s: %s: faults host %ld mmlab %ld\n", mode, what, hf, lf);
	printf("  host:  Rss %lu SC %lu SD %lu PC %lu PD %lu\n", (unsigned long)h.rss,
	       (unsigned long)h.sc, (unsigned long)h.sd, (unsigned long)h.pc, (unsigned long)h.pd);
	printf("  mmlab: Rss %lu SC %lu SD %lu PC %lu PD %lu\n", (unsigned long)l.rss,
	       (unsigned long)l.sc, (unsigned long)l.sd, (unsigned long)l.pc, (unsigned long)l.pd);
}

/* Writes the dirty pages back on both sides, each in the way @mode names. */
static int writeback(const char *mode, int hfd, struct mmlab_machine *m, struct mmlab_task *t,
		     int lfd)
{
	if (!strcmp(mode, "flusher")) {
		if (sync_file_range(hfd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
				    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
			return -1;
		/* dirty_expire_centisecs (30 s) and the wakeup after it */
		mmlab_machine_advance(m, 35ULL * 1000000000ULL);
		return 0;
	}
	if (!strcmp(mode, "fsync"))
		return fsync(hfd) || mmlab_fsync(t, lfd) ? -1 : 0;
	if (!strcmp(mode, "sync")) {
		/*
		 * Not syncfs(): it would also clean the pages of every test beside this one
		 * on the build tree's filesystem, and those compare their dirty counts with
		 * the host's (difffilefault failed that way). This file is the only dirty one
		 * of this process, so its fsync is what a sync does to what is compared.
		 */
		if (fsync(hfd))
			return -1;
		return mmlab_machine_sync(m);
	}
	return msync((void *)MAP_AT, FILE_PAGES * PG, MS_SYNC) ||
	       mmlab_msync(t, MAP_AT, FILE_PAGES * PG, MS_SYNC) ? -1 : 0;
}

/* nr_dirty of the machine's /proc/vmstat. */
static uint64_t lab_dirty(struct mmlab_machine *m)
{
	static char vmstat[1 << 16];
	FILE *f = fmemopen(vmstat, sizeof(vmstat) - 1, "w");
	const char *p;

	memset(vmstat, 0, sizeof(vmstat));
	mmlab_proc_vmstat(m, f);
	fclose(f);
	p = strstr(vmstat, "\nnr_dirty ");
	return p ? strtoull(p + 10, NULL, 10) : UINT64_MAX;
}

static int run_mode(const char *mode, const char *path)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_task_config tc = { .no_aslr = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *t;
	char buf[FILE_PAGES * PG];
	int hfd, lfd, bad = failures;
	uint64_t a;
	void *hp;

	/* Written a page at a time, so that the host's cache holds single pages (a large
	 * folio is dirtied and counted whole, which mmlab does not model). */
	hfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(buf, 'x', sizeof(buf));
	for (unsigned int p = 0; p < FILE_PAGES; p++)
		if (hfd < 0 || write(hfd, buf, PG) != (ssize_t)PG)
			return 1;
	if (fsync(hfd) || pread(hfd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return 1;
	hp = mmap((void *)MAP_AT, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_FIXED_NOREPLACE, hfd, 0);
	if (hp == MAP_FAILED)
		return 1;
	if (mmlab_machine_create(&mc, &m) || mmlab_task_create(m, &tc, &t))
		return 1;
	lfd = mmlab_open(t, path, O_RDWR);
	/* mmlab's cache warmed whole, without readahead markers (as difffilefault does) */
	if (lfd < 0 ||
	    mmlab_mmap(t, 0, FILE_PAGES * PG, PROT_READ, MAP_SHARED, lfd, 0, &a) ||
	    mmlab_madvise(t, a, FILE_PAGES * PG, MADV_RANDOM) ||
	    mmlab_touch(t, a, FILE_PAGES * PG, "r", NULL) ||
	    mmlab_munmap(t, a, FILE_PAGES * PG) ||
	    mmlab_mmap(t, MAP_AT, FILE_PAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED_NOREPLACE, lfd, 0, &a))
		return 1;
	(void)host_touch(0, 0, 0);	/* the touch's own stack and code fault first */
	(void)host_touch(0, 0, 1);

	compare(mode, "read page 0 (fault-around)", host_touch(0, 1, 0), lab_touch(t, 0, 1, 0), t);
	compare(mode, "write pages 2-5", host_touch(2, 4, 1), lab_touch(t, 2, 4, 1), t);
	compare(mode, "write pages 2-5 again", host_touch(2, 4, 1), lab_touch(t, 2, 4, 1), t);
	if (writeback(mode, hfd, m, t, lfd)) {
		printf("%s: writeback failed\n", mode);
		failures++;
	}
	compare(mode, "written back", 0, 0, t);
	steps++;
	if (lab_dirty(m)) {
		printf("%s: mmlab nr_dirty %lu after writeback\n", mode,
		       (unsigned long)lab_dirty(m));
		failures++;
	}
	compare(mode, "read pages 2-5 (clean, read-only)", host_touch(2, 4, 0),
		lab_touch(t, 2, 4, 0), t);
	compare(mode, "write pages 3-4 (write-notify again)", host_touch(3, 2, 1),
		lab_touch(t, 3, 2, 1), t);
	steps++;
	if (lab_dirty(m) != 2) {
		printf("%s: mmlab nr_dirty %lu after the new writes, want 2\n", mode,
		       (unsigned long)lab_dirty(m));
		failures++;
	}
	compare(mode, "write pages 0-7", host_touch(0, 8, 1), lab_touch(t, 0, 8, 1), t);
	if (writeback(mode, hfd, m, t, lfd))
		failures++;
	compare(mode, "written back again", 0, 0, t);

	mmlab_exit(t);
	mmlab_machine_destroy(m);
	munmap(hp, FILE_PAGES * PG);
	close(hfd);
	unlink(path);
	return failures != bad;
}

int main(int argc, char **argv)
{
	static const char *const all[] = { "flusher", "fsync", "sync", "msync" };
	char path[64];
	int bad = 0;

	snprintf(path, sizeof(path), "diffwb.%d", (int)getpid());
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			bad |= run_mode(argv[i], path);
	} else {
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			bad |= run_mode(all[i], path);
	}
	if (!bad)
		printf("diffwb: %d steps match the host\n", steps);
	return bad;
}
