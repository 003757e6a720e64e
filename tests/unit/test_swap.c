// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swap through the public API: mkswap and swapon/swapoff with Linux's errors, MADV_PAGEOUT
 * of private anonymous pages to a swap file on the host, the swap entry pagemap shows (bit
 * 62, type and offset), the counters (SwapTotal/SwapFree/SwapCached, VmSwap, smaps'
 * Swap/SwapPss, pswpin/pswpout, major faults), slots freed by munmap and exit, fork sharing
 * the slots, mremap moving them, swapoff bringing every page back, a pass's plugged writes in
 * the file when it returns; and every page that went out comes back byte-identical, in the
 * parent and in the child.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mmlab.h"
#include "proc_value.h"
#include "mm/machine.h"
#include "mm/pgtable.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "phys/lru.h"

#define PG 4096UL
#define NPAGES 64UL
#define SWAP_BYTES (1UL << 20) /* 256 slots, 255 usable */
#define PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_SOFT_DIRTY (1ULL << 55)
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif

struct swapfix {
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t base;
};

/* An unlinked swap file of @bytes in @dir. */
static int swapfile_in(const char *dir, uint64_t bytes)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/mmlab-swapXXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
	return fd;
}

/* An unlinked swap file of @bytes under $TMPDIR (what --swap makes). */
static int tmp_swapfile(uint64_t bytes)
{
	return swapfile_in(getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", bytes);
}

static int setup(void **state)
{
	struct mmlab_machine_config mc = { .ram_bytes = 16UL << 20 };
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .privileged = 1 };
	struct swapfix *f = calloc(1, sizeof(*f));
	int fd = tmp_swapfile(SWAP_BYTES);

	assert_non_null(f);
	assert_int_equal(mmlab_machine_create(&mc, &f->m), 0);
	assert_int_equal(mmlab_task_create(f->m, &tc, &f->t), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(f->m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_mmap(f->t, 0, NPAGES * PG, RW, PRIV, -1, 0, &f->base), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct swapfix *f = *state;

	if (f->t)
		mmlab_task_destroy(f->t);
	mmlab_machine_destroy(f->m);
	free(f);
	return 0;
}

/* A line's number of /proc/meminfo or status-like text @fn prints. */
static uint64_t meminfo(struct mmlab_machine *m, const char *key)
{
	return proc_meminfo_value(m, key);
}

static uint64_t vmstat(struct mmlab_machine *m, const char *name)
{
	uint64_t v;

	assert_int_equal(mmlab_vmstat_get(m, name, &v), 0);
	return v;
}

/* A /proc/vmstat line's value (node counters too, which mmlab_vmstat_get does not name). */
static uint64_t vmstat_line(struct mmlab_machine *m, const char *name)
{
	uint64_t v = proc_vmstat_value(m, name);

	assert_true(v != UINT64_MAX);
	return v;
}

/* smaps' Swap: and SwapPss: of the first VMA at @addr, in kB. */
static void smaps_swap(struct mmlab_task *t, uint64_t addr, uint64_t *swap, uint64_t *pss)
{
	char *buf = NULL, *p, hdr[32];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(mmlab_proc_smaps(t, out), 0);
	fclose(out);
	snprintf(hdr, sizeof(hdr), "%lx-", (unsigned long)addr);
	p = strstr(buf, hdr);
	assert_non_null(p);
	p = strstr(p, "\nSwap:");
	assert_non_null(p);
	*swap = strtoull(p + 6, NULL, 10);
	p = strstr(p, "\nSwapPss:");
	assert_non_null(p);
	*pss = strtoull(p + 9, NULL, 10);
	free(buf);
}

/* Page @i's pattern: every byte a function of the page, the offset and @salt. */
static void fill(unsigned char *buf, unsigned long i, unsigned int salt)
{
	for (unsigned long b = 0; b < PG; b++)
		buf[b] = (unsigned char)(i * 131 + b * 7 + salt + (b >> 8));
}

static void write_pages(struct mmlab_task *t, uint64_t base, unsigned long n, unsigned int salt)
{
	unsigned char buf[PG];

	for (unsigned long i = 0; i < n; i++) {
		fill(buf, i, salt);
		assert_int_equal(mmlab_poke(t, base + i * PG, buf, PG, NULL), 0);
	}
}

static void check_pages(struct mmlab_task *t, uint64_t base, unsigned long n, unsigned int salt)
{
	unsigned char want[PG], got[PG];

	for (unsigned long i = 0; i < n; i++) {
		fill(want, i, salt);
		assert_int_equal(mmlab_peek(t, base + i * PG, got, PG, NULL), 0);
		assert_memory_equal(got, want, PG);
	}
}

static unsigned long count_pm(struct mmlab_task *t, uint64_t base, unsigned long n,
			      uint64_t bit)
{
	uint64_t pm[NPAGES];
	unsigned long c = 0;

	assert_int_equal(mmlab_pagemap(t, base, n * PG, pm), 0);
	for (unsigned long i = 0; i < n; i++)
		c += !!(pm[i] & bit);
	return c;
}

/*
 * The next reclaim pass over the pages MADV_PAGEOUT wrote (white-box): their writes end
 * (swap_io_complete), and each page of the swap cache that no PTE maps is reclaimed as the
 * pass would take it from the inactive tail - clean now, it leaves the cache, a shadow in
 * its place. Nothing else is evicted, so the figures stay exact.
 */
static void evict_swapped(struct swapfix *f)
{
	struct machine *m = machine_of(f->m);
	struct page *pages[512];
	unsigned long n = 0;

	swap_io_complete(m);
	pthread_mutex_lock(&m->swap->lock);
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		struct swap_info_struct *si = m->swap->info[t];
		unsigned long off = 0;
		void *e;

		if (!si || !si->swap_map)
			continue;
		for (; n < 512 && (e = xa_find(&si->cache, &off, si->max)); off++)
			if (!xa_is_value(e) && !page_mapcount(e)) {
				get_page(e);
				pages[n++] = e;
			}
	}
	pthread_mutex_unlock(&m->swap->lock);
	for (unsigned long i = 0; i < n; i++) {
		bool isolated = isolate_lru_page(&m->pgdat, pages[i]);

		put_page(&m->pgdat, pages[i]);
		if (isolated && !swap_out_page(pages[i], NULL))
			putback_lru_page(&m->pgdat, pages[i]);
	}
}

static void swapon_errors(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task_config tc = { .seed = 1, .no_aslr = 1, .uid = 1000, .gid = 1000 };
	struct mmlab_task *user;
	int bad = tmp_swapfile(SWAP_BYTES), tiny = tmp_swapfile(8 * PG);

	assert_int_equal(mmlab_mkswap(tiny), -EINVAL); /* under mkswap's 40 KiB */
	close(tiny);
	assert_int_equal(mmlab_swap_attach(f->m, "/swapfile", bad, 0), -EEXIST);
	assert_int_equal(mmlab_swap_attach(f->m, "/nohdr", bad, MMLAB_SWAP_OWN_FD), 0);
	assert_int_equal(mmlab_swapon(f->t, "/nohdr", 0), -EINVAL);	/* no SWAPSPACE2 */
	assert_int_equal(mmlab_swapon(f->t, "/nothere", 0), -ENOENT);
	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0x80000000), -EINVAL);
	assert_int_equal(mmlab_swapoff(f->t, "/swapfile"), -EINVAL);	/* not on */
	assert_int_equal(mmlab_task_create(f->m, &tc, &user), 0);
	assert_int_equal(mmlab_swapon(user, "/swapfile", 0), -EPERM);
	mmlab_task_destroy(user);
	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), -EBUSY);
	assert_int_equal(meminfo(f->m, "SwapTotal:"), SWAP_BYTES / 1024 - 4);
	assert_int_equal(meminfo(f->m, "SwapFree:"), SWAP_BYTES / 1024 - 4);
	assert_int_equal(mmlab_swapoff(f->t, "/swapfile"), 0);
	assert_int_equal(meminfo(f->m, "SwapTotal:"), 0);
}

static void proc_swaps_text(void **state)
{
	struct swapfix *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	write_pages(f->t, f->base, 3, 0);
	assert_int_equal(mmlab_madvise(f->t, f->base, 3 * PG, MADV_PAGEOUT), 0);
	out = open_memstream(&buf, &len);
	assert_int_equal(mmlab_proc_swaps(f->m, out), 0);
	fclose(out);
	/* swap_show's format: name padded to 40, tabs, sizes in kB, priority -2 (the first) */
	assert_string_equal(buf, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
				 "/swapfile                               file\t\t1020\t\t12\t\t-2\n");
	free(buf);
}

/* Out and back in one task: entries, counters, major faults, bytes. */
static void pageout_and_back(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task_mem st;
	uint64_t pm[NPAGES], swap, pss, free0, minflt;
	unsigned char vec[NPAGES];

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	free0 = meminfo(f->m, "SwapFree:");
	write_pages(f->t, f->base, NPAGES, 1);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_anon, NPAGES);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	/* written, under writeback in the swap cache until the next reclaim pass */
	assert_int_equal(meminfo(f->m, "SwapCached:"), NPAGES * 4);
	assert_int_equal(meminfo(f->m, "Writeback:"), NPAGES * 4);
	evict_swapped(f);
	assert_int_equal(meminfo(f->m, "Writeback:"), 0);

	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_anon, 0);
	assert_int_equal(st.swapents, NPAGES);
	assert_int_equal(mmlab_pagemap(f->t, f->base, NPAGES * PG, pm), 0);
	for (unsigned long i = 0; i < NPAGES; i++) {
		/* swap type 0 in bits 0-4, the offset above; slot 0 is the header */
		assert_true(pm[i] & PM_SWAP);
		assert_false(pm[i] & PM_PRESENT);
		assert_int_equal(pm[i] & 0x1f, 0);
		assert_true((pm[i] & ((1ULL << 55) - 1)) >> 5 >= 1);
		assert_false(pm[i] & PM_EXCLUSIVE); /* only a page's mapcount sets it */
	}
	assert_int_equal(mmlab_mincore(f->t, f->base, NPAGES * PG, vec), 0);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(vec[i], 0);
	assert_int_equal(free0 - meminfo(f->m, "SwapFree:"), NPAGES * 4);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	assert_int_equal(vmstat(f->m, "pswpout"), NPAGES);
	smaps_swap(f->t, f->base, &swap, &pss);
	assert_int_equal(swap, NPAGES * 4);
	assert_int_equal(pss, NPAGES * 4);

	/* back: each miss is a major fault, readahead brings its neighbours into the cache */
	check_pages(f->t, f->base, NPAGES, 1);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_anon, NPAGES);
	assert_int_equal(st.swapents, 0);
	assert_true(st.majflt >= 1 && st.majflt < NPAGES);
	assert_int_equal(vmstat(f->m, "pswpin"), NPAGES);
	assert_int_equal(count_pm(f->t, f->base, NPAGES, PM_PRESENT), NPAGES);
	/* swap is far from full: the swap cache keeps the pages and their slots */
	assert_int_equal(meminfo(f->m, "SwapCached:"), NPAGES * 4);
	assert_int_equal(free0 - meminfo(f->m, "SwapFree:"), NPAGES * 4);
	/* the exclusive entries were mapped writable: a write takes no fault, no copy */
	mmlab_task_mem(f->t, &st);
	minflt = st.minflt;
	write_pages(f->t, f->base, NPAGES, 2);
	check_pages(f->t, f->base, NPAGES, 2);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.minflt, minflt);
	assert_int_equal(st.rss_anon, NPAGES);
	assert_int_equal(mmlab_task_validate(f->t), 0);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
	/* out again: the dirty cached pages are written to their slots once more */
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(f->m, "pswpout"), 2 * NPAGES);
	evict_swapped(f);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	check_pages(f->t, f->base, NPAGES, 2);
	/* munmap frees the slots and the swap cache's pages */
	assert_int_equal(mmlab_munmap(f->t, f->base, NPAGES * PG), 0);
	assert_int_equal(meminfo(f->m, "SwapFree:"), free0);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
}

/*
 * Workingset shadows in the swap cache: pages paged out leave shadows at their slots (1..64:
 * two xarray leaves, offsets 0-63 and 64-127, hold nothing else: workingset_nodes 2); read
 * back, every page is a refault. The first time the machine holds no file page, so the
 * refault distances (1..64) exceed the workingset (no active pages): none is activated. The
 * second time a 128-page file sits on the inactive file list, which an anonymous refault's
 * workingset includes: every page is activated and joins the active anon list. Shadows give
 * way to the pages that read their slots, and go with a slot that is freed.
 */
static void workingset_shadows(void **state)
{
	struct swapfix *f = *state;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096], data[PG];
	uint64_t file;
	int fd, mfd;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 0);
	write_pages(f->t, f->base, NPAGES, 9);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 2);
	check_pages(f->t, f->base, NPAGES, 9);
	assert_int_equal(vmstat_line(f->m, "workingset_refault_anon"), NPAGES);
	assert_int_equal(vmstat_line(f->m, "workingset_activate_anon"), 0);
	assert_int_equal(vmstat_line(f->m, "workingset_restore_anon"), 0);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 0);
	assert_int_equal(meminfo(f->m, "Active(anon):"), 0);

	snprintf(path, sizeof(path), "%s/mmlab-wsfile.XXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(data, 'w', sizeof(data));
	for (int i = 0; i < 128; i++)
		assert_int_equal(write(fd, data, PG), (ssize_t)PG);
	mfd = mmlab_open(f->t, path, O_RDONLY);
	assert_true(mfd >= 0);
	assert_int_equal(mmlab_mmap(f->t, 0, 128 * PG, PROT_READ, MAP_SHARED, mfd, 0, &file), 0);
	assert_int_equal(mmlab_touch(f->t, file, 128 * PG, "r", NULL), 0);
	assert_true(meminfo(f->m, "Inactive(file):") >= 100 * 4); /* a few in the LRU batch */

	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 2);
	check_pages(f->t, f->base, NPAGES, 9);
	assert_int_equal(vmstat_line(f->m, "workingset_refault_anon"), 2 * NPAGES);
	assert_int_equal(vmstat_line(f->m, "workingset_activate_anon"), NPAGES);
	assert_int_equal(meminfo(f->m, "Active(anon):"), NPAGES * 4);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 0);

	/* out once more, then unmapped: the slots are freed and their shadows with them */
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 2);
	assert_int_equal(mmlab_munmap(f->t, f->base, NPAGES * PG), 0);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 0);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
	assert_int_equal(mmlab_close(f->t, mfd), 0);
	close(fd);
	unlink(path);
}

/*
 * Asynchronous writeback: MADV_PAGEOUT writes the pages and leaves them in the swap cache
 * under writeback (SwapCached, Writeback); a touch before the next reclaim pass is a minor
 * fault that maps the cached page (no read, no refault). Still under writeback, a second
 * MADV_PAGEOUT leaves them mapped; once the writes end (rotated to the inactive tail,
 * pgrotated), the pages are clean and a third one frees them at once, with no new write,
 * leaving shadows; they come back with major faults.
 */
static void pageout_async_writeback(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task_mem st;
	uint64_t majflt, rotated;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	write_pages(f->t, f->base, NPAGES, 10);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(f->m, "pswpout"), NPAGES);
	assert_int_equal(meminfo(f->m, "SwapCached:"), NPAGES * 4);
	assert_int_equal(meminfo(f->m, "Writeback:"), NPAGES * 4);
	assert_int_equal(count_pm(f->t, f->base, NPAGES, PM_SWAP), NPAGES);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_anon, 0);
	assert_int_equal(st.swapents, NPAGES);
	majflt = st.majflt;

	check_pages(f->t, f->base, NPAGES, 10);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.majflt, majflt);
	assert_int_equal(st.rss_anon, NPAGES);
	assert_int_equal(st.swapents, 0);
	assert_int_equal(vmstat(f->m, "pswpin"), 0);
	assert_int_equal(vmstat_line(f->m, "workingset_refault_anon"), 0);

	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_anon, NPAGES);
	rotated = vmstat(f->m, "pgrotated");
	swap_io_complete(machine_of(f->m));
	assert_int_equal(meminfo(f->m, "Writeback:"), 0);
	assert_int_equal(vmstat(f->m, "pgrotated") - rotated, NPAGES);
	assert_int_equal(vmstat_line(f->m, "nr_written"), NPAGES);

	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(f->m, "pswpout"), NPAGES);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	assert_int_equal(vmstat_line(f->m, "workingset_nodes"), 2);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.swapents, NPAGES);
	check_pages(f->t, f->base, NPAGES, 10);
	mmlab_task_mem(f->t, &st);
	assert_true(st.majflt > majflt);
	assert_int_equal(vmstat(f->m, "pswpin"), NPAGES);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
}

/*
 * MADV_PAGEOUT's pass plugs its swap writes: the fresh area hands out following slots, and
 * when the call returns every page's bytes are in its slot of the host file (the runs went
 * out as the pass unplugged), while each page stays under writeback in the swap cache until
 * the next pass (white-box: the area's file read directly).
 */
static void pageout_plugged_writes(void **state)
{
	struct swapfix *f = *state;
	struct machine *m = machine_of(f->m);
	unsigned char want[PG], got[PG];
	uint64_t pm[NPAGES];
	struct swap_info_struct *si;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	write_pages(f->t, f->base, NPAGES, 12);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(vmstat(f->m, "pswpout"), NPAGES);
	assert_int_equal(meminfo(f->m, "Writeback:"), NPAGES * 4);
	assert_int_equal(mmlab_pagemap(f->t, f->base, NPAGES * PG, pm), 0);
	si = m->swap->info[(pm[0] & 0x1f)];
	assert_non_null(si);
	for (unsigned long i = 0; i < NPAGES; i++) {
		unsigned long off = (unsigned long)((pm[i] & ((1ULL << 55) - 1)) >> 5);

		assert_true(pm[i] & PM_SWAP);
		if (i)	/* one slot after the other: the pass's writes could merge */
			assert_int_equal(off, ((pm[i - 1] & ((1ULL << 55) - 1)) >> 5) + 1);
		fill(want, i, 12);
		assert_int_equal(pread(si->fd, got, PG, (off_t)(off * PG)), (ssize_t)PG);
		assert_memory_equal(got, want, PG);
	}
	swap_io_complete(m);
	assert_int_equal(meminfo(f->m, "Writeback:"), 0);
	assert_int_equal(vmstat_line(f->m, "nr_written"), NPAGES);
	check_pages(f->t, f->base, NPAGES, 12);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
}

/* The entry of @addr in @t's page table (white-box; the test is the only thread). */
static pte_t pte_at(struct mmlab_task *t, uint64_t addr)
{
	pte_t *ptep = pte_offset_map(t->tsk.mm, addr);

	return ptep ? ptep_get(ptep) : 0;
}

/* Bit 55 (soft-dirty) of the host's own pagemap entry for @p. */
static uint64_t host_pagemap(const void *p)
{
	FILE *f = fopen("/proc/self/pagemap", "r");
	uint64_t e = 0;

	assert_non_null(f);
	assert_int_equal(fseek(f, (long)((uintptr_t)p / PG * 8), SEEK_SET), 0);
	assert_int_equal(fread(&e, 8, 1, f), 1);
	fclose(f);
	return e;
}

/*
 * Soft-dirty survives the trip through swap: try_to_unmap_one moves a PTE's soft-dirty bit
 * into the swap entry (_PAGE_SWP_SOFT_DIRTY), fork copies the entry with it, and
 * do_swap_page puts it back in the PTE; a PTE without it (as clear_refs would leave it)
 * comes back without it. /proc/PID/pagemap shows no soft-dirty bit, as on the host, whose
 * kernel is built without CONFIG_MEM_SOFT_DIRTY (checked on the host's own pagemap).
 */
static void soft_dirty_through_swap(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task *child;
	unsigned char *h = mmap(NULL, PG, RW, PRIV, -1, 0);
	uint64_t pm[2];
	pte_t *ptep;

	assert_true(h != MAP_FAILED);
	h[0] = 1;
	assert_false(host_pagemap(h) & PM_SOFT_DIRTY);
	munmap(h, PG);
	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	write_pages(f->t, f->base, 2, 11);
	assert_true(pte_at(f->t, f->base) & _PAGE_SOFT_DIRTY);
	ptep = pte_offset_map(f->t->tsk.mm, f->base + PG);
	assert_non_null(ptep);
	(void)ptep_clear_bits(ptep, _PAGE_SOFT_DIRTY);	/* clear_refs' 4 on page 1 */
	assert_int_equal(mmlab_madvise(f->t, f->base, 2 * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_true(is_swap_entry_pte(pte_at(f->t, f->base)));
	assert_true(pte_at(f->t, f->base) & _PAGE_SWP_SOFT_DIRTY);
	assert_false(pte_at(f->t, f->base + PG) & _PAGE_SWP_SOFT_DIRTY);
	assert_int_equal(mmlab_pagemap(f->t, f->base, 2 * PG, pm), 0);
	assert_false((pm[0] | pm[1]) & PM_SOFT_DIRTY);
	assert_int_equal(mmlab_fork(f->t, &child), 0);
	assert_true(pte_at(child, f->base) & _PAGE_SWP_SOFT_DIRTY);
	assert_false(pte_at(child, f->base + PG) & _PAGE_SWP_SOFT_DIRTY);
	check_pages(f->t, f->base, 2, 11);
	check_pages(child, f->base, 2, 11);
	for (int k = 0; k < 2; k++) {
		struct mmlab_task *t = k ? child : f->t;

		assert_true(pte_present(pte_at(t, f->base)));
		assert_true(pte_at(t, f->base) & _PAGE_SOFT_DIRTY);
		assert_false(pte_at(t, f->base + PG) & _PAGE_SOFT_DIRTY);
	}
	assert_int_equal(mmlab_pagemap(f->t, f->base, 2 * PG, pm), 0);
	assert_false((pm[0] | pm[1]) & PM_SOFT_DIRTY);
	mmlab_exit(child);
}

/* The swap_map byte and the continuation digits of @entry's slot. */
static void slot_bytes(struct mmlab_machine *mm, swp_entry_t entry, unsigned char *ent,
		       unsigned char cont[2])
{
	struct swap_info_struct *si = machine_of(mm)->swap->info[swp_type(entry)];
	struct swap_cont *c = si->cont[swp_offset(entry) / SWAP_CONT_SPAN];

	*ent = si->swap_map[swp_offset(entry)];
	for (unsigned int i = 0; i < 2; i++)
		cont[i] = c && i < c->levels ? c->digits[i][swp_offset(entry) % SWAP_CONT_SPAN] : 0;
}

/*
 * Counts past SWAP_MAP_MAX go on in continuation digits, as Linux's swap_count_continued
 * leaves them: 62 fits the swap_map byte; 63 is digit 0 with COUNT_CONTINUED and 1 in the
 * first continuation page; 63 x 128 carries into the second page. Every count comes back
 * down to a free slot.
 */
static void count_continuation_digits(void **state)
{
	struct swapfix *f = *state;
	struct machine *m = machine_of(f->m);
	const unsigned long top = 63 * 128 + 70;
	unsigned char ent, cont[2];
	swp_entry_t entry;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	entry = get_swap_page(m);	/* SWAP_HAS_CACHE, as for a page entering the cache */
	assert_true(entry.val != 0);
	for (unsigned long n = 1; n <= top; n++) {
		assert_int_equal(swap_duplicate(m, entry), 0);
		assert_int_equal(swp_swapcount(m, entry), n);
		slot_bytes(f->m, entry, &ent, cont);
		if (n == 62) {
			assert_int_equal(ent, SWAP_HAS_CACHE | 62);
		} else if (n == 63) {
			assert_int_equal(ent, SWAP_HAS_CACHE | COUNT_CONTINUED);
			assert_int_equal(cont[0], 1);
		} else if (n == 63 * 128) {
			assert_int_equal(ent, SWAP_HAS_CACHE | COUNT_CONTINUED);
			assert_int_equal(cont[0], COUNT_CONTINUED);
			assert_int_equal(cont[1], 1);
		}
	}
	for (unsigned long n = top; n > 0; n--) {
		swap_free(m, entry);
		assert_int_equal(swp_swapcount(m, entry), n - 1);
		if (n - 1 == 63 * 128 - 1) {
			slot_bytes(f->m, entry, &ent, cont);
			assert_int_equal(ent, SWAP_HAS_CACHE | COUNT_CONTINUED | 62);
			assert_int_equal(cont[0], SWAP_CONT_MAX);
			assert_int_equal(cont[1], 0);
		}
	}
	slot_bytes(f->m, entry, &ent, cont);
	assert_int_equal(ent, SWAP_HAS_CACHE);
	pthread_mutex_lock(&m->swap->lock);
	put_swap_page(m, entry);
	pthread_mutex_unlock(&m->swap->lock);
	assert_int_equal(meminfo(f->m, "SwapFree:"), meminfo(f->m, "SwapTotal:"));
}

/*
 * One swapped-out page shared by 150 forks: its slot's count passes SWAP_MAP_MAX into a
 * continuation (Linux would fail no fork either); each child reads the page back, and when
 * all have exited and the parent unmaps it, the slot is free.
 */
#define NFORKS 150
static void fork_past_swap_map_max(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task **kids = calloc(NFORKS, sizeof(*kids));
	uint64_t pm, free0;
	swp_entry_t entry;

	assert_non_null(kids);
	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	free0 = meminfo(f->m, "SwapFree:");
	write_pages(f->t, f->base, 1, 12);
	assert_int_equal(mmlab_madvise(f->t, f->base, PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_int_equal(mmlab_pagemap(f->t, f->base, PG, &pm), 0);
	assert_true(pm & PM_SWAP);
	entry = swp_entry(pm & 0x1f, (pm & ((1ULL << 55) - 1)) >> 5);
	for (int i = 0; i < NFORKS; i++)
		assert_int_equal(mmlab_fork(f->t, &kids[i]), 0);
	assert_int_equal(swp_swapcount(machine_of(f->m), entry), NFORKS + 1);
	for (int i = 0; i < NFORKS; i++) {
		if (i % 7 == 0)
			check_pages(kids[i], f->base, 1, 12);
		mmlab_exit(kids[i]);
	}
	assert_int_equal(swp_swapcount(machine_of(f->m), entry), 1);
	check_pages(f->t, f->base, 1, 12);
	assert_int_equal(mmlab_munmap(f->t, f->base, NPAGES * PG), 0);
	assert_int_equal(meminfo(f->m, "SwapFree:"), free0);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
	free(kids);
}

/* fork shares the slots; each side reads its bytes back; exit and munmap free the slots. */
static void fork_shares_slots(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task *child;
	struct mmlab_task_mem st;
	uint64_t swap, pss, free0;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	free0 = meminfo(f->m, "SwapFree:");
	write_pages(f->t, f->base, NPAGES, 3);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_int_equal(mmlab_fork(f->t, &child), 0);
	mmlab_task_mem(child, &st);
	assert_int_equal(st.swapents, NPAGES);
	/* two PTEs name each slot: SwapPss is half of Swap */
	smaps_swap(child, f->base, &swap, &pss);
	assert_int_equal(swap, NPAGES * 4);
	assert_int_equal(pss, NPAGES * 2);
	assert_int_equal(free0 - meminfo(f->m, "SwapFree:"), NPAGES * 4);

	/* the child writes its copy; the parent's bytes stay */
	check_pages(child, f->base, NPAGES, 3);
	write_pages(child, f->base, NPAGES, 4);
	check_pages(f->t, f->base, NPAGES, 3);
	check_pages(child, f->base, NPAGES, 4);
	assert_int_equal(mmlab_task_validate(child), 0);

	/* out again: the child's private copies take new slots; then it exits */
	assert_int_equal(mmlab_madvise(child, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	check_pages(child, f->base, NPAGES / 2, 4);
	mmlab_exit(child);
	check_pages(f->t, f->base, NPAGES, 3);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	assert_int_equal(mmlab_munmap(f->t, f->base, NPAGES * PG), 0);
	assert_int_equal(meminfo(f->m, "SwapFree:"), free0);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	assert_int_equal(mmlab_machine_validate(f->m), 0);
}

/* mremap moves swap entries with the VMA; swapoff brings every page back. */
static void mremap_and_swapoff(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task_mem st;
	uint64_t to;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	write_pages(f->t, f->base, NPAGES, 5);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(mmlab_mremap(f->t, f->base, NPAGES * PG, NPAGES * PG * 2, MREMAP_MAYMOVE,
				      0, &to), 0);
	assert_true(to != f->base);
	assert_int_equal(count_pm(f->t, to, NPAGES, PM_SWAP), NPAGES);
	assert_int_equal(mmlab_swapoff(f->t, "/swapfile"), 0);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.swapents, 0);
	assert_int_equal(st.rss_anon, NPAGES);
	assert_int_equal(count_pm(f->t, to, NPAGES, PM_PRESENT), NPAGES);
	assert_int_equal(meminfo(f->m, "SwapTotal:"), 0);
	assert_int_equal(meminfo(f->m, "SwapCached:"), 0);
	check_pages(f->t, to, NPAGES, 5);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/* No swap: MADV_PAGEOUT leaves anonymous pages mapped, as on the host without swap. */
static void pageout_without_swap(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task_mem st;

	write_pages(f->t, f->base, NPAGES, 6);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_PAGEOUT), 0);
	assert_int_equal(mmlab_madvise(f->t, f->base, NPAGES * PG, MADV_COLD), 0);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.rss_anon, NPAGES);
	assert_int_equal(st.swapents, 0);
	check_pages(f->t, f->base, NPAGES, 6);
}

/* Full swap: what fits goes out, the rest stays mapped; all comes back intact. */
static void swap_full(void **state)
{
	struct swapfix *f = *state;
	struct mmlab_task_mem st;
	uint64_t big, used;
	unsigned long n = 300;

	assert_int_equal(mmlab_swapon(f->t, "/swapfile", 0), 0);
	assert_int_equal(mmlab_mmap(f->t, 0, n * PG, RW, PRIV, -1, 0, &big), 0);
	write_pages(f->t, big, n, 7);
	assert_int_equal(mmlab_madvise(f->t, big, n * PG, MADV_PAGEOUT), 0);
	evict_swapped(f);
	mmlab_task_mem(f->t, &st);
	assert_int_equal(st.swapents, 255);
	assert_int_equal(st.rss_anon, (n - 255));
	assert_int_equal(meminfo(f->m, "SwapFree:"), 0);
	/* vm_swap_full: faults take pages out of the swap cache until half is free again */
	check_pages(f->t, big, n, 7);
	used = meminfo(f->m, "SwapTotal:") - meminfo(f->m, "SwapFree:");
	assert_int_equal(used, meminfo(f->m, "SwapCached:"));
	assert_true(used * 2 <= meminfo(f->m, "SwapTotal:") + 8 * 4 * 2);
	assert_int_equal(mmlab_task_validate(f->t), 0);
}

/*
 * Readahead as Linux chooses it. Pages go out one at a time in an order unlike their
 * addresses' (slots 1..8 for pages 7 3 5 1 0 6 2 4), then pages 0 and 1 fault in order.
 * The second fault follows the first: a window of 2. By VMA (a swap file on tmpfs, no
 * rotational disk) that window is pages 1 and 2 - page 2 comes in ahead; by slot cluster
 * (a rotational disk) it is slots 4 and 5, pages 1 and 0 - page 2 does not.
 */
static const unsigned long ra_order[] = { 7, 3, 5, 1, 0, 6, 2, 4 };

static unsigned char readahead_page2(struct mmlab_machine *m, struct mmlab_task *t,
				     uint64_t base, int fd)
{
	unsigned char vec[8];

	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(m, "/ra", fd, MMLAB_SWAP_OWN_FD | MMLAB_SWAP_ON), 0);
	write_pages(t, base, 8, 8);
	for (unsigned long i = 0; i < 8; i++)
		assert_int_equal(mmlab_madvise(t, base + ra_order[i] * PG, PG, MADV_PAGEOUT), 0);
	evict_swapped(&(struct swapfix){ .m = m });
	assert_int_equal(count_pm(t, base, 8, PM_SWAP), 8);
	check_pages(t, base, 2, 8);
	assert_int_equal(mmlab_mincore(t, base, 8 * PG, vec), 0);
	assert_int_equal(vmstat(m, "pgmajfault"), 2);
	check_pages(t, base, 8, 8);
	return vec[2];
}

static void readahead_by_vma(void **state)
{
	struct swapfix *f = *state;

	assert_int_equal(readahead_page2(f->m, f->t, f->base, swapfile_in("/dev/shm", 1 << 20)),
			 1);
}

static void readahead_by_cluster(void **state)
{
	struct swapfix *f = *state;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[256];
	struct stat st;
	unsigned int rot = 0;
	FILE *q;

	/* only where the host has a rotational disk to put the file on */
	assert_int_equal(stat(dir, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/rotational", major(st.st_dev),
		 minor(st.st_dev));
	q = fopen(path, "r");
	if (!q) {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../queue/rotational",
			 major(st.st_dev), minor(st.st_dev));
		q = fopen(path, "r");
	}
	if (!q || fscanf(q, "%u", &rot) != 1 || !rot) {
		if (q)
			fclose(q);
		skip();
	}
	fclose(q);
	assert_int_equal(readahead_page2(f->m, f->t, f->base, swapfile_in(dir, 1 << 20)), 0);
}

/* Rss and Referenced of the VMA at @addr in smaps text @buf, in kB. */
static void smaps_rss_ref(const char *buf, uint64_t addr, uint64_t *rss, uint64_t *ref)
{
	char hdr[32];
	const char *p;

	snprintf(hdr, sizeof(hdr), "%lx-", (unsigned long)addr);
	p = strstr(buf, hdr);
	assert_non_null(p);
	p = strstr(p, "\nRss:");
	assert_non_null(p);
	*rss = strtoull(p + 5, NULL, 10);
	p = strstr(p, "\nReferenced:");
	assert_non_null(p);
	*ref = strtoull(p + 12, NULL, 10);
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *in = fopen(path, "r"), *out = open_memstream(&buf, &len);
	char chunk[4096];

	assert_non_null(in);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(in);
	fclose(out);
	return buf;
}

/* Whether the host has swap on (/proc/swaps lists an area): the comparison assumes none. */
static bool swap_on_host(void)
{
	char *buf = slurp("/proc/swaps");
	bool on = strchr(buf, '\n') && strchr(buf, '\n')[1];

	free(buf);
	return on;
}

static void host_rss_ref(void *addr, uint64_t *rss, uint64_t *ref)
{
	char *buf = slurp("/proc/self/smaps");

	smaps_rss_ref(buf, (uint64_t)(uintptr_t)addr, rss, ref);
	free(buf);
}

static void mmlab_rss_ref(struct mmlab_task *t, uint64_t addr, uint64_t *rss, uint64_t *ref)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(mmlab_proc_smaps(t, out), 0);
	fclose(out);
	smaps_rss_ref(buf, addr, rss, ref);
	free(buf);
}

/*
 * The host (no swap) and mmlab without swap, the same sequence on a private anonymous range
 * and a shared mapping of a clean file the caller owns: MADV_COLD keeps every page and
 * clears their accessed bits (Referenced 0); MADV_PAGEOUT keeps the anonymous pages (no
 * swap to put them in) and drops the file's from the mapping. Rss and Referenced compared
 * after each step.
 */
static void cold_pageout_vs_host(void **state)
{
	struct swapfix *f = *state;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096], data[PG];
	uint64_t hrss, href, mrss, mref, maddr[2];
	unsigned char *h[2];
	int fd, mfd;
	static const int advice[] = { MADV_COLD, MADV_PAGEOUT };

	snprintf(path, sizeof(path), "%s/mmlab-swapdiff.XXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(data, 'f', sizeof(data));
	for (int i = 0; i < 16; i++)
		assert_int_equal(write(fd, data, PG), (ssize_t)PG);
	assert_int_equal(fsync(fd), 0); /* clean: reclaim may drop the pages */
	if (swap_on_host())
		skip();
	for (int round = 0; round < 2; round++) {
		/* inside PROT_NONE reservations: no neighbour merges with them */
		for (int k = 0; k < 2; k++) {
			unsigned char *resv = mmap(NULL, 48 * PG, PROT_NONE, PRIV, -1, 0);

			assert_true(resv != MAP_FAILED);
			h[k] = mmap(resv + 16 * PG, 16 * PG, k ? PROT_READ : RW,
				    MAP_FIXED | (k ? MAP_SHARED : PRIV), k ? fd : -1, 0);
			assert_true(h[k] == resv + 16 * PG);
		}
		mfd = mmlab_open(f->t, path, O_RDONLY);
		assert_true(mfd >= 0);
		assert_int_equal(mmlab_mmap(f->t, 0, 16 * PG, RW, PRIV, -1, 0, &maddr[0]), 0);
		assert_int_equal(mmlab_mmap(f->t, 0, 16 * PG, PROT_READ, MAP_SHARED, mfd, 0,
					    &maddr[1]), 0);
		for (int k = 0; k < 2; k++) {
			unsigned char v;
			for (unsigned long i = 0; i < 16; i++) {
				if (k == 0)
					h[0][i * PG] = 1;
				else
					v = *(volatile unsigned char *)&h[1][i * PG];
				assert_int_equal(mmlab_touch(f->t, maddr[k] + i * PG, 1,
							     k ? "r" : "w", NULL), 0);
			}
			(void)v;
		}
		for (int k = 0; k < 2; k++) {
			assert_int_equal(madvise(h[k], 16 * PG, advice[round]), 0);
			assert_int_equal(mmlab_madvise(f->t, maddr[k], 16 * PG, advice[round]), 0);
			host_rss_ref(h[k], &hrss, &href);
			mmlab_rss_ref(f->t, maddr[k], &mrss, &mref);
			print_message("%s %s: host Rss %lu Referenced %lu, mmlab %lu %lu kB\n",
				      round ? "MADV_PAGEOUT" : "MADV_COLD", k ? "file" : "anon",
				      (unsigned long)hrss, (unsigned long)href, (unsigned long)mrss,
				      (unsigned long)mref);
			assert_int_equal(mrss, hrss);
			assert_int_equal(mref, href);
		}
		munmap(h[0] - 16 * PG, 48 * PG);
		munmap(h[1] - 16 * PG, 48 * PG);
		assert_int_equal(mmlab_munmap(f->t, maddr[0], 16 * PG), 0);
		assert_int_equal(mmlab_munmap(f->t, maddr[1], 16 * PG), 0);
		assert_int_equal(mmlab_close(f->t, mfd), 0);
	}
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(swapon_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(proc_swaps_text, setup, teardown),
		cmocka_unit_test_setup_teardown(pageout_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(pageout_async_writeback, setup, teardown),
		cmocka_unit_test_setup_teardown(pageout_plugged_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(workingset_shadows, setup, teardown),
		cmocka_unit_test_setup_teardown(soft_dirty_through_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(fork_shares_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(count_continuation_digits, setup, teardown),
		cmocka_unit_test_setup_teardown(fork_past_swap_map_max, setup, teardown),
		cmocka_unit_test_setup_teardown(mremap_and_swapoff, setup, teardown),
		cmocka_unit_test_setup_teardown(pageout_without_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(swap_full, setup, teardown),
		cmocka_unit_test_setup_teardown(readahead_by_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(readahead_by_cluster, setup, teardown),
		cmocka_unit_test_setup_teardown(cold_pageout_vs_host, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
