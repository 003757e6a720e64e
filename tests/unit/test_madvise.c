// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * madvise, guard regions, MAP_DROPPABLE and mseal against the host kernel. Every advice value
 * 0..127, with lengths 0 and one page, on each kind of VMA (private anonymous untouched and
 * touched, shared anonymous, private and shared file, locked, PROT_NONE, droppable): the
 * host's return value and the window's maps and VmFlags afterwards must equal mmlab's. Then
 * scripted cases of guard regions (MADV_GUARD_INSTALL/REMOVE), MAP_DROPPABLE and mseal: the
 * native side runs in a forked child (sealed VMAs cannot be unmapped) that catches SIGSEGV
 * and records si_code and si_addr, mmlab's side goes through mmlab_touch; results, pagemap
 * entries, mincore vectors, maps and VmFlags must match step by step. MADV_HWPOISON and
 * MADV_SOFT_OFFLINE run natively with a length only when the kernel refuses them with length
 * 0 (not built in): this test runs as root, and a kernel that has them would poison or
 * migrate the page. Reclaim of droppable pages cannot be forced on the host: that case is
 * derived from mm/rmap.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"
#include "../../tools/mmlab/host_probe.h"

#define W 0x320000000000UL /* the window: far above ASan's shadow and every library */
#define WLEN (64UL << 20)
#define PG 4096UL
#define PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#define DROP (0x08 | MAP_ANONYMOUS) /* MAP_DROPPABLE */
#define MADV_GUARD_INSTALL_ 102
#define MADV_GUARD_REMOVE_ 103
#define SYS_mseal_ 462 /* x86_64 */
#define MADV_COLLAPSE_ 25
#define SYS_pidfd_open_ 434
#define SYS_process_madvise_ 440
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static char dir[] = "/tmp/mmlab-madvXXXXXX";
static char path[64];

static long sys(long r)
{
	return r == -1 ? -errno : r;
}

/* The window's lines of a smaps text: each VMA's header line and its VmFlags line. */
static void window_smaps(const char *smaps, char *out, size_t n)
{
	const char *l = smaps;
	bool in = false;

	*out = 0;
	while (*l) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l + 1) : strlen(l);
		char *dash = memchr(l, '-', len);

		if (dash && (size_t)(dash - l) >= 8 && strspn(l, "0123456789abcdef") == (size_t)(dash - l)) {
			unsigned long start = strtoul(l, NULL, 16);

			in = start >= W && start < W + WLEN;
			if (in && strlen(out) + len < n) {
				/* Range, perms and offset; a shmem inode number is the kernel's own. */
				char range[40], perms[8], off[20], dev[16], name[256] = "";

				sscanf(l, "%39s %7s %19s %15s %*s %255[^\n]", range, perms, off, dev,
				       name);
				snprintf(out + strlen(out), n - strlen(out), "%s %s %s %s\n", range,
					 perms, off, name);
			}
		} else if (in && !strncmp(l, "VmFlags:", 8) && strlen(out) + len < n) {
			strncat(out, l, len);
		}
		l += len;
	}
}

static void host_smaps(char *out, size_t n)
{
	static char buf[1 << 20];
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t got;

	if (!f) {
		*out = 0;
		return;
	}
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = 0;
	fclose(f);
	window_smaps(buf, out, n);
}

static void lab_smaps(struct mmlab_task *t, char *out, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(mmlab_proc_smaps(t, f), 0);
	fclose(f);
	window_smaps(buf, out, n);
	free(buf);
}

/* The VMA kinds the advice values are tried on. */
enum vkind { V_ANON, V_ANON_TOUCHED, V_SHARED, V_FILE_PRIV, V_FILE_SHARED, V_LOCKED, V_NONE,
	     V_DROPPABLE, NR_VKINDS };
static const char *const vkind_names[] = { "anon", "anon touched", "shared anon", "file private",
					   "file shared", "locked", "prot none", "droppable" };

static int host_file = -1, lab_file[1];

static long host_setup(enum vkind k)
{
	long r;

	switch (k) {
	case V_SHARED:
		return sys((long)mmap((void *)W, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
				      -1, 0));
	case V_FILE_PRIV:
		return sys((long)mmap((void *)W, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED,
				      host_file, 0));
	case V_FILE_SHARED:
		return sys((long)mmap((void *)W, 2 * PG, RW, MAP_SHARED | MAP_FIXED, host_file, 0));
	case V_LOCKED:
		return sys((long)mmap((void *)W, 2 * PG, RW, PRIV | MAP_FIXED | MAP_LOCKED, -1, 0));
	case V_NONE:
		return sys((long)mmap((void *)W, 2 * PG, PROT_NONE, PRIV | MAP_FIXED, -1, 0));
	case V_DROPPABLE:
		return sys((long)mmap((void *)W, 2 * PG, RW, DROP | MAP_FIXED, -1, 0));
	default:
		r = sys((long)mmap((void *)W, 2 * PG, RW, PRIV | MAP_FIXED, -1, 0));
		if (k == V_ANON_TOUCHED && r == (long)W)
			*(volatile char *)W = 1;
		return r;
	}
}

static long lab_setup(struct mmlab_task *t, enum vkind k)
{
	uint64_t out = 0;
	int err;

	switch (k) {
	case V_SHARED:
		err = mmlab_mmap(t, W, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out);
		break;
	case V_FILE_PRIV:
		err = mmlab_mmap(t, W, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, lab_file[0], 0, &out);
		break;
	case V_FILE_SHARED:
		err = mmlab_mmap(t, W, 2 * PG, RW, MAP_SHARED | MAP_FIXED, lab_file[0], 0, &out);
		break;
	case V_LOCKED:
		err = mmlab_mmap(t, W, 2 * PG, RW, PRIV | MAP_FIXED | MAP_LOCKED, -1, 0, &out);
		break;
	case V_NONE:
		err = mmlab_mmap(t, W, 2 * PG, PROT_NONE, PRIV | MAP_FIXED, -1, 0, &out);
		break;
	case V_DROPPABLE:
		err = mmlab_mmap(t, W, 2 * PG, RW, DROP | MAP_FIXED, -1, 0, &out);
		break;
	default:
		err = mmlab_mmap(t, W, 2 * PG, RW, PRIV | MAP_FIXED, -1, 0, &out);
		if (!err && k == V_ANON_TOUCHED)
			err = mmlab_poke(t, W, "\1", 1, NULL);
		break;
	}
	return err ? err : (long)out;
}

/* Every advice value on every VMA kind: return values, maps and VmFlags. */
static void test_advice_values(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1, .privileged = 1 };
	static char hs[8192], ls[8192];
	struct mmlab_machine *m;
	int failures = 0;

	(void)state;
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	for (int k = 0; k < NR_VKINDS; k++) {
		struct mmlab_task *t;

		assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
		lab_file[0] = mmlab_open(t, path, O_RDWR);
		assert_true(lab_file[0] >= 0);
		for (int advice = 0; advice < 128; advice++) {
			for (unsigned long len = 0; len <= PG; len += PG) {
				long h, l;

				syscall(SYS_munmap, W, WLEN);
				assert_int_equal(mmlab_munmap(t, W, WLEN), 0);
				assert_int_equal(host_setup(k), (long)W);
				assert_int_equal(lab_setup(t, k), (long)W);
				if ((advice == 100 || advice == 101) && len &&
				    sys(syscall(SYS_madvise, W, 0, advice)) != -EINVAL)
					continue;
				h = sys(syscall(SYS_madvise, W, len, advice));
				l = mmlab_madvise(t, W, len, advice);
				host_smaps(hs, sizeof(hs));
				lab_smaps(t, ls, sizeof(ls));
				if (h != l) {
					fprintf(stderr, "%s, advice %d, len %lu: host %ld, mmlab %ld\n",
						vkind_names[k], advice, len, h, l);
					failures++;
				} else if (strcmp(hs, ls)) {
					fprintf(stderr, "%s, advice %d, len %lu: smaps differ\nhost:\n%s"
						"mmlab:\n%s", vkind_names[k], advice, len, hs, ls);
					failures++;
				}
			}
		}
		syscall(SYS_munlockall);
		syscall(SYS_munmap, W, WLEN);
		assert_int_equal(mmlab_task_validate(t), 0);
		mmlab_task_destroy(t);
	}
	mmlab_machine_destroy(m);
	assert_int_equal(failures, 0);
}

/*
 * Guard-region scripts. Addresses are page numbers in the window; a step's result is its
 * return value (0 or -errno), a touch's is 0 or signo * 1000 + si_code * 10 + (si_addr is not
 * the touched address), a pagemap step's is the entry, a mincore step's the vector's bytes.
 */
enum gkind { G_MMAP, G_MUNMAP, G_MPROTECT, G_MREMAP, G_MADV, G_MLOCK, G_READ, G_WRITE,
	     G_FORK_READ, G_PAGEMAP, G_MINCORE, G_MSEAL, G_PRCTL, G_FORK_PRCTL, G_PMADV,
	     G_PMADV_CHILD, G_PKEY_MPROTECT, G_THP_ENABLED, G_MMAP_FILE };

/*
 * process_madvise's iovec sets, in pages of the window (base page, byte offset, length in
 * bytes); a set ends at a zero length after its first range (leading empty ranges are data).
 */
struct piov {
	unsigned long page, off, len;
};
static const struct piov piovs[][4] = {
	{ { 0, 0, PG }, { 2, 0, 2 * PG } },			/* 0: two ranges */
	{ { 0, 0, PG }, { 2, 0, 2 * PG }, { 16, 0, PG } },	/* 1: the third is a hole */
	{ { 0, 1, PG }, { 0, 0, PG } },				/* 2: first unaligned */
	{ { 0, 0, PG }, { 0, 1, PG } },				/* 3: second unaligned */
	{ { 0, 1, 0 }, { 0, 0, PG } },				/* 4: leading empty, unaligned */
	{ { 16, 0, PG }, { 0, 0, PG } },			/* 5: first a hole */
	{ { 0, 0, -1UL } },					/* 6: length above SSIZE_MAX */
	{ { 0, 0, 1UL << 62 } },				/* 7: capped at MAX_RW_COUNT */
	{ { 0, 0, PG }, { 0, 1, 0 }, { 2, 0, PG } },		/* 8: empty range in the middle */
};
static const unsigned int piov_n[] = { 2, 3, 2, 2, 2, 2, 1, 1, 3 };

struct gstep {
	enum gkind kind;
	unsigned long a, b, c, d, e;
};

struct gcase {
	const char *name;
	struct gstep s[20];
	int nr;
};

#define GS(k, ...) { .kind = k, __VA_ARGS__ }
#define MAPA(p, n) GS(G_MMAP, p, n, RW, PRIV | MAP_FIXED)
#define ADV(p, n, a) GS(G_MADV, p, n, a)
#define INST(p, n) ADV(p, n, MADV_GUARD_INSTALL_)
#define RMV(p, n) ADV(p, n, MADV_GUARD_REMOVE_)
/* mseal(page + off bytes, len bytes, flags) */
#define SEAL(p, len, fl, off) GS(G_MSEAL, p, len, fl, off)
#define SEALP(p, n) SEAL(p, (n) * PG, 0, 0)
#define PRC(opt, a2, a3) GS(G_PRCTL, opt, a2, a3)
/* process_madvise(self or a fork child, iovec set, vlen (0: the set's), advice, flags) */
#define PMA(set, vlen, adv, fl) GS(G_PMADV, set, vlen, adv, fl)
#define PMC(set, vlen, adv, fl) GS(G_PMADV_CHILD, set, vlen, adv, fl)
#define MAPRO(p, n) GS(G_MMAP, p, n, PROT_READ, PRIV | MAP_FIXED)

static const struct gcase gcases[] = {
	{ "install faults MAPERR", { MAPA(0, 4), GS(G_WRITE, 1), INST(1, 1), GS(G_READ, 1),
				     GS(G_WRITE, 1), GS(G_READ, 0), GS(G_PAGEMAP, 1),
				     GS(G_PAGEMAP, 0), GS(G_MINCORE, 0, 4) }, 9 },
	{ "survives dontneed and free", { MAPA(0, 4), INST(1, 2), ADV(0, 4, MADV_DONTNEED),
					  GS(G_READ, 1), ADV(0, 4, MADV_FREE), GS(G_READ, 2),
					  ADV(0, 4, MADV_DONTNEED_LOCKED), GS(G_READ, 2),
					  GS(G_READ, 3) }, 9 },
	{ "populate fails", { MAPA(0, 4), INST(2, 1), ADV(0, 4, MADV_POPULATE_READ),
			      ADV(0, 4, MADV_POPULATE_WRITE), ADV(0, 2, MADV_POPULATE_WRITE),
			      GS(G_MINCORE, 0, 4), ADV(0, 4, MADV_WILLNEED) }, 7 },
	{ "remove gives a fresh page", { MAPA(0, 4), GS(G_WRITE, 1), INST(0, 4), RMV(1, 1),
					 GS(G_READ, 1), GS(G_READ, 0), GS(G_PAGEMAP, 1) }, 7 },
	{ "fork copies", { MAPA(0, 4), INST(1, 1), GS(G_FORK_READ, 1), GS(G_FORK_READ, 0) }, 4 },
	{ "wipeonfork drops", { MAPA(0, 4), INST(1, 1), ADV(0, 4, MADV_WIPEONFORK),
				GS(G_FORK_READ, 1) }, 4 },
	{ "mremap moves", { MAPA(0, 4), INST(1, 1),
			    GS(G_MREMAP, 0, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, 64),
			    GS(G_READ, 65), GS(G_READ, 1), GS(G_PAGEMAP, 65) }, 6 },
	{ "mremap dontunmap", { MAPA(0, 4), INST(1, 1),
				GS(G_MREMAP, 0, 4 * PG, 4 * PG,
				   MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, 64),
				GS(G_READ, 65), GS(G_READ, 1) }, 5 },
	{ "mremap shrink drops", { MAPA(0, 4), INST(3, 1), GS(G_MREMAP, 0, 4 * PG, PG, 0, 0),
				   GS(G_MREMAP, 0, PG, 4 * PG, 0, 0), GS(G_READ, 3) }, 5 },
	{ "munmap and map drop", { MAPA(0, 4), INST(1, 2), GS(G_MUNMAP, 1, 1), MAPA(1, 1),
				   GS(G_READ, 1), GS(G_READ, 2), MAPA(0, 4), GS(G_READ, 2) }, 8 },
	{ "mprotect keeps", { MAPA(0, 4), INST(1, 1), GS(G_MPROTECT, 0, 4, PROT_READ),
			      GS(G_READ, 1), GS(G_WRITE, 1), GS(G_MPROTECT, 0, 4, PROT_NONE),
			      GS(G_READ, 1), GS(G_MPROTECT, 0, 4, RW), GS(G_READ, 1) }, 9 },
	{ "mlock over guard", { MAPA(0, 4), INST(1, 1), GS(G_MLOCK, 0, 4), INST(2, 1), RMV(1, 1),
				GS(G_MLOCK, 0, 4), GS(G_READ, 1) }, 7 },
	{ "locked refuses", { GS(G_MMAP, 0, 4, RW, PRIV | MAP_FIXED | MAP_LOCKED), INST(0, 1),
			      RMV(0, 1) }, 3 },
	{ "holes", { MAPA(0, 2), INST(0, 4), GS(G_READ, 1), RMV(0, 4), GS(G_READ, 1) }, 5 },
	{ "shared anon", { GS(G_MMAP, 0, 4, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED),
			   GS(G_WRITE, 0), INST(0, 1), GS(G_READ, 0), GS(G_FORK_READ, 0), RMV(0, 1),
			   GS(G_READ, 0), GS(G_MINCORE, 0, 4) }, 8 },
	{ "file mappings", { GS(G_MMAP_FILE, 0, 4, PROT_READ, MAP_PRIVATE | MAP_FIXED), INST(0, 1),
			     GS(G_READ, 0), ADV(0, 2, MADV_POPULATE_READ),
			     ADV(1, 1, MADV_POPULATE_READ), GS(G_FORK_READ, 0),
			     GS(G_MMAP_FILE, 8, 4, RW, MAP_SHARED | MAP_FIXED), INST(9, 2),
			     GS(G_WRITE, 10), ADV(8, 4, MADV_POPULATE_WRITE), RMV(8, 4),
			     ADV(8, 4, MADV_POPULATE_WRITE) }, 12 },
	{ "prot none", { GS(G_MMAP, 0, 4, PROT_NONE, PRIV | MAP_FIXED), INST(0, 1),
			 GS(G_READ, 0) }, 3 },
	{ "merge keeps the hint", { MAPA(0, 4), INST(1, 1), RMV(1, 1), MAPA(4, 4),
				    GS(G_MPROTECT, 0, 2, PROT_READ), GS(G_MPROTECT, 0, 2, RW),
				    MAPA(16, 2), GS(G_MPROTECT, 16, 2, PROT_READ),
				    INST(17, 1), GS(G_MPROTECT, 16, 1, RW),
				    GS(G_MPROTECT, 16, 2, RW) }, 11 },
	/* MAP_DROPPABLE */
	{ "droppable mmap", { GS(G_MMAP, 0, 4, RW, DROP | MAP_FIXED),
			      GS(G_MMAP, 8, 4, RW, DROP | MAP_FIXED | MAP_LOCKED),
			      GS(G_MMAP, 8, 4, RW, DROP | MAP_FIXED | MAP_GROWSDOWN),
			      GS(G_MMAP, 8, 4, RW, DROP | MAP_FIXED | MAP_HUGETLB),
			      GS(G_MMAP, 8, 4, RW, DROP | MAP_FIXED | MAP_POPULATE),
			      GS(G_MMAP, 16, 4, RW, 0x09 | MAP_ANONYMOUS | MAP_FIXED),
			      GS(G_MMAP, 16, 4, RW, 0x04 | MAP_ANONYMOUS | MAP_FIXED),
			      MAPA(4, 4), GS(G_MMAP, 12, 4, RW, DROP | MAP_FIXED),
			      GS(G_MMAP, 2, 1, RW, DROP | MAP_FIXED), GS(G_MLOCK, 0, 4),
			      GS(G_MINCORE, 8, 4) }, 12 },
	{ "droppable fork", { GS(G_MMAP, 0, 4, RW, DROP | MAP_FIXED), GS(G_WRITE, 0),
			      GS(G_FORK_READ, 0), GS(G_READ, 0), GS(G_PAGEMAP, 0),
			      ADV(0, 1, MADV_DOFORK), GS(G_FORK_READ, 0), INST(1, 1),
			      GS(G_READ, 1) }, 9 },
	/* prctl: memory-deny-write-execute and THP disabling */
	{ "mdwe arguments", { PRC(66, 0, 0), PRC(66, 1, 0), PRC(65, 4, 0), PRC(65, 2, 0),
			      PRC(65, 1, 1), PRC(65, 0, 0), PRC(66, 0, 0), PRC(65, 1, 0),
			      PRC(66, 0, 0), PRC(65, 1, 0), PRC(65, 3, 0), PRC(65, 0, 0),
			      GS(G_FORK_PRCTL, 66) }, 13 },
	{ "mdwe no inherit", { PRC(65, 3, 0), PRC(66, 0, 0), PRC(65, 1, 0),
			       GS(G_FORK_PRCTL, 66) }, 4 },
	{ "mdwe mmap and mprotect", {
		MAPA(64, 1), GS(G_MMAP, 96, 1, PROT_READ | PROT_EXEC, PRIV | MAP_FIXED), MAPRO(128, 1),
		PRC(65, 1, 0), GS(G_MMAP, 0, 1, RW | PROT_EXEC, PRIV | MAP_FIXED),
		GS(G_MMAP, 0, 1, PROT_READ | PROT_EXEC, PRIV | MAP_FIXED), MAPA(2, 1),
		GS(G_MPROTECT, 64, 1, PROT_READ | PROT_EXEC), GS(G_MPROTECT, 96, 1, PROT_READ | PROT_EXEC),
		GS(G_MPROTECT, 96, 1, PROT_EXEC), GS(G_MPROTECT, 96, 1, RW | PROT_EXEC),
		GS(G_MPROTECT, 96, 1, PROT_READ), GS(G_MPROTECT, 96, 1, PROT_READ | PROT_EXEC),
		GS(G_MPROTECT, 128, 1, PROT_READ | PROT_EXEC), GS(G_MPROTECT, 0, 3, PROT_READ | PROT_EXEC),
		GS(G_MMAP, 0, 1, RW | PROT_EXEC, PRIV | MAP_FIXED_NOREPLACE) }, 16 },
	{ "thp disable", { PRC(42, 0, 0), PRC(42, 1, 0), PRC(41, 2, 0), PRC(42, 0, 0), PRC(41, 1, 1),
			   PRC(41, 1, 2), PRC(42, 0, 0), GS(G_THP_ENABLED), PRC(41, 0, 1),
			   PRC(41, 1, 0), GS(G_THP_ENABLED), GS(G_FORK_PRCTL, 42), PRC(41, 0, 0),
			   PRC(42, 0, 0), GS(G_THP_ENABLED), PRC(41, 1, 2),
			   GS(G_FORK_PRCTL, 42) }, 17 },
	{ "thp disable and collapse", {
		GS(G_MMAP, 512, 1024, RW, PRIV | MAP_FIXED), GS(G_WRITE, 1024),
		ADV(512, 1024, MADV_COLLAPSE_), ADV(1024, 1, MADV_COLLAPSE_), PRC(41, 1, 0),
		ADV(1024, 1, MADV_COLLAPSE_), PRC(41, 1, 2), ADV(1024, 1, MADV_COLLAPSE_),
		ADV(512, 1024, MADV_NOHUGEPAGE), ADV(1024, 1, MADV_COLLAPSE_) }, 10 },
	/* process_madvise */
	{ "process_madvise self", { MAPA(0, 8), GS(G_WRITE, 0), PMA(0, 0, MADV_COLD, 0),
				    PMA(1, 0, MADV_COLD, 0), PMA(0, 0, MADV_DONTFORK, 0),
				    PMA(0, 0, MADV_COLD, 1), PMA(0, 0, 77, 0), PMA(0, 0, MADV_COLD, 0),
				    PMA(0, 1025, MADV_COLD, 0), PMA(2, 0, MADV_COLD, 0),
				    PMA(3, 0, MADV_COLD, 0), PMA(4, 0, MADV_COLD, 0),
				    PMA(5, 0, MADV_COLD, 0), PMA(6, 0, MADV_COLD, 0),
				    PMA(7, 0, MADV_COLD, 0), PMA(8, 0, MADV_DONTNEED, 0),
				    PMA(0, 0, MADV_GUARD_INSTALL_, 0), GS(G_READ, 2),
				    PMA(0, 0, MADV_DONTFORK, 0) }, 19 },
	{ "process_madvise remote", { MAPA(0, 8), PMC(0, 0, MADV_COLD, 0),
				      PMC(0, 0, MADV_PAGEOUT, 0), PMC(0, 0, MADV_WILLNEED, 0),
				      PMC(0, 0, MADV_COLLAPSE_, 0), PMC(0, 0, MADV_DONTNEED, 0),
				      PMC(0, 0, MADV_GUARD_INSTALL_, 0), PMC(0, 0, 77, 0),
				      PMC(1, 0, MADV_COLD, 0), PMC(0, 0, MADV_COLD, 2),
				      PMC(5, 0, MADV_COLD, 0) }, 11 },
	/* mseal */
	{ "mseal arguments", { MAPA(0, 4), SEAL(0, PG, 1, 0), SEAL(0, PG, 0, 1), SEAL(0, 0, 0, 0),
			       SEAL(0, 0, 0, 1), SEAL(8, PG, 0, 0), SEAL(0, -PG, 0, 0),
			       SEAL(8, PG, 2, 0), SEALP(0, 8), SEALP(1, 2), SEALP(1, 1),
			       SEAL(1, 1, 0, 0) }, 12 },
	{ "mseal refuses changes", { MAPA(0, 4), SEALP(1, 2), GS(G_MUNMAP, 0, 4),
				     GS(G_MUNMAP, 3, 1), GS(G_MUNMAP, 2, 1),
				     GS(G_MMAP, 1, 1, RW, PRIV | MAP_FIXED),
				     GS(G_MMAP, 1, 1, RW, PRIV | MAP_FIXED_NOREPLACE),
				     GS(G_MPROTECT, 1, 1, PROT_READ), GS(G_MPROTECT, 1, 1, RW),
				     GS(G_MPROTECT, 0, 3, PROT_READ),
				     GS(G_MPROTECT, 1, 1, PROT_READ | PROT_EXEC | 0x1000000),
				     GS(G_PKEY_MPROTECT, 1, 1, PROT_READ),
				     GS(G_PKEY_MPROTECT, 0, 1, PROT_READ) }, 13 },
	{ "mseal munmap keeps the first split", { MAPA(0, 4), SEALP(2, 2), GS(G_MUNMAP, 1, 2) },
	  3 },
	{ "mseal munmap and mmap over", { MAPA(0, 4), SEALP(2, 2), GS(G_MUNMAP, 1, 2),
						  GS(G_MMAP, 1, 2, RW, PRIV | MAP_FIXED),
						  GS(G_MMAP, 0, 8, RW, PRIV | MAP_FIXED),
						  GS(G_MUNMAP, 0, 1), GS(G_MUNMAP, 1, 1),
						  GS(G_MUNMAP, 1, 8) }, 8 },
	{ "mseal refuses mremap", { MAPA(0, 4), SEALP(1, 2),
				    GS(G_MREMAP, 1, 2 * PG, PG, 0, 0),
				    GS(G_MREMAP, 1, 2 * PG, 2 * PG, 0, 0),
				    GS(G_MREMAP, 1, 2 * PG, 3 * PG, MREMAP_MAYMOVE, 0),
				    GS(G_MREMAP, 1, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, 64),
				    GS(G_MREMAP, 1, 2 * PG, 2 * PG,
				       MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, 64),
				    MAPA(32, 1),
				    GS(G_MREMAP, 32, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 1),
				    GS(G_MREMAP, 32, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, 1),
				    GS(G_MREMAP, 1, PG, PG, 0x40, 0),
				    GS(G_MREMAP, 5, PG, PG, 0, 0) }, 12 },
	{ "mseal multi-VMA move", { MAPA(0, 2), MAPRO(2, 2), MAPA(4, 2), SEALP(2, 2),
				    GS(G_MREMAP, 0, 6 * PG, 6 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, 64),
				    GS(G_READ, 64), GS(G_MREMAP, 4, 2 * PG, 2 * PG,
						       MREMAP_MAYMOVE | MREMAP_FIXED, 68) }, 7 },
	{ "mseal selftest shapes", { MAPA(0, 4), SEALP(2, 2), GS(G_MPROTECT, 1, 2, PROT_READ),
				     GS(G_MUNMAP, 0, 1), GS(G_MUNMAP, 0, 4),
				     GS(G_MREMAP, 2, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0),
				     GS(G_MMAP, 1, 4, RW, PRIV | MAP_FIXED), SEALP(0, 1),
				     MAPA(8, 4), SEALP(8, 1), GS(G_MPROTECT, 8, 4, PROT_READ),
				     SEAL(8, 4 * PG - 1, 0, 0), SEAL(8, 0, 0, 0) }, 13 },
	{ "mseal writable advice", { MAPA(0, 4), GS(G_WRITE, 1), SEALP(0, 4),
				     ADV(1, 1, MADV_DONTNEED), ADV(1, 1, MADV_FREE),
				     ADV(1, 1, MADV_REMOVE), ADV(1, 1, MADV_DONTFORK),
				     ADV(1, 1, MADV_WIPEONFORK), INST(1, 1), RMV(1, 1),
				     ADV(1, 1, MADV_DOFORK), ADV(1, 1, MADV_KEEPONFORK),
				     ADV(1, 1, MADV_COLD), ADV(1, 1, MADV_POPULATE_WRITE) }, 14 },
	{ "mseal read-only advice", { MAPRO(0, 4), GS(G_READ, 1), SEALP(0, 4),
				      ADV(1, 1, MADV_DONTNEED), ADV(1, 1, MADV_FREE),
				      ADV(1, 1, 24), ADV(1, 1, MADV_REMOVE),
				      ADV(1, 1, MADV_DONTFORK), ADV(1, 1, MADV_WIPEONFORK),
				      INST(1, 1), RMV(1, 1), ADV(1, 1, MADV_NORMAL),
				      ADV(1, 1, MADV_PAGEOUT), ADV(1, 1, MADV_POPULATE_WRITE),
				      ADV(1, 1, MADV_RANDOM) }, 15 },
	{ "mseal shared and prot none", {
		GS(G_MMAP, 0, 4, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED), SEALP(0, 4),
		ADV(1, 1, MADV_DONTNEED), GS(G_MMAP, 8, 4, PROT_NONE, PRIV | MAP_FIXED),
		SEALP(8, 4), ADV(9, 1, MADV_DONTNEED) }, 6 },
	{ "mseal advice stops midway", { MAPRO(0, 4), MAPRO(4, 4), MAPA(8, 4), SEALP(2, 2),
					 ADV(0, 6, MADV_DONTFORK), ADV(0, 6, MADV_DONTNEED),
					 SEALP(0, 12) }, 7 },
	{ "mseal merges", { MAPA(0, 2), MAPA(2, 2), SEALP(0, 2), SEALP(2, 2), MAPA(4, 2),
			    SEALP(4, 2), MAPA(8, 2), SEALP(9, 1), SEALP(8, 1),
			    GS(G_MMAP, 16, 4, RW, PRIV | MAP_FIXED | MAP_GROWSDOWN), SEALP(16, 4) },
	  11 },
};

#define PGA(p) (W + (p) * PG)
#define ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))

/* One native access; the si_code and si_addr come from the handler. */
static sigjmp_buf touch_jmp;
static volatile int touch_sig, touch_code;
static volatile unsigned long touch_addr;

static void touch_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	touch_sig = sig;
	touch_code = si->si_code;
	touch_addr = (unsigned long)si->si_addr;
	siglongjmp(touch_jmp, 1);
}

__attribute__((no_sanitize_address, noinline)) static long host_touch(unsigned long addr,
								     bool write)
{
	touch_sig = 0;
	if (!sigsetjmp(touch_jmp, 1)) {
		if (write)
			*(volatile char *)addr = 0;
		else
			(void)*(volatile char *)addr;
		return 0;
	}
	return touch_sig * 1000L + touch_code * 10L + (touch_addr != addr);
}

static long lab_touch(struct mmlab_task *t, unsigned long addr, bool write)
{
	struct mmlab_fault f = { 0 };
	int err = mmlab_touch(t, addr, 1, write ? "w" : "r", &f);

	if (err != -EFAULT)
		return err;
	return f.signo * 1000L + f.code * 10L + (f.addr != addr);
}

static long host_pagemap(unsigned long addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &e, 8, (off_t)(addr / PG * 8)) != 8)
		e = (uint64_t)-1;
	if (fd >= 0)
		close(fd);
	/* The PFN of a present page is the machine's own: compare the flag bits only. */
	return (long)(e >> 63 ? e & ~((1ULL << 55) - 1) : e);
}

static long lab_pagemap(struct mmlab_task *t, unsigned long addr)
{
	uint64_t e = 0;

	if (mmlab_pagemap(t, addr, PG, &e))
		return -1;
	return (long)(e >> 63 ? e & ~((1ULL << 55) - 1) : e);
}

static long vec_value(long err, const unsigned char *vec, unsigned long n)
{
	long v = 0;

	if (err)
		return err;
	for (unsigned long i = 0; i < n && i < 8; i++)
		v |= (long)(vec[i] & 1) << i;
	return v;
}

/* The THP_enabled value of a status text, or -ENOENT. */
static long thp_enabled(const char *status)
{
	const char *l = strstr(status, "\nTHP_enabled:\t");

	return l ? strtol(l + 14, NULL, 10) : -ENOENT;
}

static long host_gstep(const struct gstep *s, long *shared_slot)
{
	unsigned char vec[16];
	pid_t pid;
	int status;

	switch (s->kind) {
	case G_MMAP:
		return sys((long)mmap((void *)PGA(s->a), s->b * PG, (int)s->c, (int)s->d, -1, 0));
	case G_MMAP_FILE:
		return sys((long)mmap((void *)PGA(s->a), s->b * PG, (int)s->c, (int)s->d, host_file,
				      0));
	case G_MUNMAP:
		return sys(syscall(SYS_munmap, PGA(s->a), s->b * PG));
	case G_MPROTECT:
		return sys(syscall(SYS_mprotect, PGA(s->a), s->b * PG, s->c));
	case G_MREMAP:
		return sys(syscall(SYS_mremap, PGA(s->a), s->b, s->c, s->d, PGA(s->e)));
	case G_MADV:
		return sys(syscall(SYS_madvise, PGA(s->a), s->b * PG, s->c));
	case G_MLOCK:
		return sys(syscall(SYS_mlock, PGA(s->a), s->b * PG));
	case G_READ:
	case G_WRITE:
		return host_touch(PGA(s->a), s->kind == G_WRITE);
	case G_FORK_READ:
		pid = fork();
		if (!pid) {
			*shared_slot = host_touch(PGA(s->a), false);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return -ECHILD;
		return *shared_slot;
	case G_PAGEMAP:
		return host_pagemap(PGA(s->a));
	case G_MINCORE:
		return vec_value(sys(syscall(SYS_mincore, PGA(s->a), s->b * PG, vec)), vec, s->b);
	case G_MSEAL:
		return sys(syscall(SYS_mseal_, PGA(s->a) + s->d, s->b, s->c));
	case G_PRCTL:
		return sys(syscall(SYS_prctl, s->a, s->b, s->c, 0, 0));
	case G_PKEY_MPROTECT:
		return sys(syscall(SYS_pkey_mprotect, PGA(s->a), s->b * PG, s->c, -1));
	case G_THP_ENABLED: {
		static char text[8192];
		FILE *f = fopen("/proc/self/status", "r");
		size_t got = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

		if (f)
			fclose(f);
		text[got] = 0;
		return thp_enabled(text);
	}
	case G_PMADV:
	case G_PMADV_CHILD: {
		struct iovec v[4];
		unsigned int n = piov_n[s->a];
		int pidfd;
		long r;

		for (unsigned int k = 0; k < n; k++)
			v[k] = (struct iovec){ (void *)(PGA(piovs[s->a][k].page) + piovs[s->a][k].off),
					       piovs[s->a][k].len };
		pid = s->kind == G_PMADV ? getpid() : fork();
		if (!pid) {
			pause();
			_exit(0);
		}
		pidfd = (int)syscall(SYS_pidfd_open_, pid, 0);
		r = pidfd < 0 ? -errno : sys(syscall(SYS_process_madvise_, pidfd, v,
						      s->b ? s->b : n, s->c, s->d));
		if (pidfd >= 0)
			close(pidfd);
		if (s->kind == G_PMADV_CHILD) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		return r;
	}
	case G_FORK_PRCTL:
		pid = fork();
		if (!pid) {
			*shared_slot = sys(syscall(SYS_prctl, s->a, 0, 0, 0, 0));
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return -ECHILD;
		return *shared_slot;
	}
	return -ENOSYS;
}

static long lab_gstep(struct mmlab_task *t, const struct gstep *s)
{
	unsigned char vec[16];
	struct mmlab_task *child;
	uint64_t out = 0;
	long r;
	int err;

	switch (s->kind) {
	case G_MMAP:
		err = mmlab_mmap(t, PGA(s->a), s->b * PG, (int)s->c, (int)s->d, -1, 0, &out);
		return err ? err : (long)out;
	case G_MMAP_FILE:
		err = mmlab_mmap(t, PGA(s->a), s->b * PG, (int)s->c, (int)s->d, lab_file[0], 0, &out);
		return err ? err : (long)out;
	case G_MUNMAP:
		return mmlab_munmap(t, PGA(s->a), s->b * PG);
	case G_MPROTECT:
		return mmlab_mprotect(t, PGA(s->a), s->b * PG, (int)s->c);
	case G_MREMAP:
		err = mmlab_mremap(t, PGA(s->a), s->b, s->c, (int)s->d, PGA(s->e), &out);
		return err ? err : (long)out;
	case G_MADV:
		return mmlab_madvise(t, PGA(s->a), s->b * PG, (int)s->c);
	case G_MLOCK:
		return mmlab_mlock(t, PGA(s->a), s->b * PG);
	case G_READ:
	case G_WRITE:
		return lab_touch(t, PGA(s->a), s->kind == G_WRITE);
	case G_FORK_READ:
		err = mmlab_fork(t, &child);
		if (err)
			return err;
		r = lab_touch(child, PGA(s->a), false);
		mmlab_exit(child);
		return r;
	case G_PAGEMAP:
		return lab_pagemap(t, PGA(s->a));
	case G_MINCORE:
		return vec_value(mmlab_mincore(t, PGA(s->a), s->b * PG, vec), vec, s->b);
	case G_MSEAL:
		return mmlab_mseal(t, PGA(s->a) + s->d, s->b, s->c);
	case G_PRCTL:
		return mmlab_prctl(t, (int)s->a, s->b, s->c, 0, 0);
	case G_PKEY_MPROTECT:
		return mmlab_pkey_mprotect(t, PGA(s->a), s->b * PG, (int)s->c, -1);
	case G_THP_ENABLED: {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			return -ENOMEM;
		r = mmlab_proc_status(t, f);
		fclose(f);
		if (!r)
			r = thp_enabled(buf);
		free(buf);
		return r;
	}
	case G_PMADV:
	case G_PMADV_CHILD: {
		struct mmlab_iovec v[4];
		unsigned int n = piov_n[s->a];

		for (unsigned int k = 0; k < n; k++)
			v[k] = (struct mmlab_iovec){ PGA(piovs[s->a][k].page) + piovs[s->a][k].off,
						     piovs[s->a][k].len };
		if (s->kind == G_PMADV)
			return mmlab_process_madvise(t, t, v, s->b ? s->b : n, (int)s->c,
						     (unsigned int)s->d);
		err = mmlab_fork(t, &child);
		if (err)
			return err;
		r = mmlab_process_madvise(t, child, v, s->b ? s->b : n, (int)s->c,
					  (unsigned int)s->d);
		mmlab_exit(child);
		return r;
	}
	case G_FORK_PRCTL:
		err = mmlab_fork(t, &child);
		if (err)
			return err;
		r = mmlab_prctl(child, (int)s->a, 0, 0, 0, 0);
		mmlab_exit(child);
		return r;
	}
	return -ENOSYS;
}

/* What the native child hands back: one result per step and the final smaps lines. */
struct host_run {
	long res[20];
	long fork_slot;
	char smaps[8192];
};

static void host_run_case(const struct gcase *c, struct host_run *hr)
{
	struct sigaction sa = { .sa_sigaction = touch_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	syscall(SYS_munmap, W, WLEN);
	for (int i = 0; i < c->nr; i++)
		hr->res[i] = host_gstep(&c->s[i], &hr->fork_slot);
	host_smaps(hr->smaps, sizeof(hr->smaps));
	syscall(SYS_munlockall);
	syscall(SYS_munmap, W, WLEN);
}

static void test_guard_regions(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1, .privileged = 1 };
	struct host_run *hr = mmap(NULL, sizeof(*hr), RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* pagemap's exclusive bit after a read differs on a host without the zero page */
	struct mmlab_machine_config mc = { .no_zero_page = !host_has_zero_page() };
	static char ls[8192];
	struct mmlab_machine *m;
	int failures = 0;

	(void)state;
	assert_true(hr != MAP_FAILED);
	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	for (size_t i = 0; i < sizeof(gcases) / sizeof(gcases[0]); i++) {
		const struct gcase *c = &gcases[i];
		struct mmlab_task *t;
		pid_t pid;
		int status;

		memset(hr, 0, sizeof(*hr));
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			host_run_case(c, hr);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
		lab_file[0] = mmlab_open(t, path, O_RDWR);
		assert_true(lab_file[0] >= 0);
		for (int s = 0; s < c->nr; s++) {
			long l = lab_gstep(t, &c->s[s]);

			if (getenv("MMLAB_MADV_VERBOSE"))
				fprintf(stderr, "%-28s step %2d: %#lx\n", c->name, s, hr->res[s]);
			if (l != hr->res[s]) {
				fprintf(stderr, "%s, step %d: host %ld (%#lx), mmlab %ld (%#lx)\n",
					c->name, s, hr->res[s], (unsigned long)hr->res[s], l,
					(unsigned long)l);
				failures++;
			}
		}
		lab_smaps(t, ls, sizeof(ls));
		if (strcmp(hr->smaps, ls)) {
			fprintf(stderr, "%s: smaps differ\nhost:\n%smmlab:\n%s", c->name, hr->smaps,
				ls);
			failures++;
		}
		assert_int_equal(mmlab_task_validate(t), 0);
		mmlab_task_destroy(t);
	}
	mmlab_machine_destroy(m);
	munmap(hr, sizeof(*hr));
	assert_int_equal(failures, 0);
}

/* The kernel's special mappings, each a VM_SPECIAL or vm_ops VMA that advice must respect. */
static const char *const special_names[] = { "[vvar]", "[vvar_vclock]", "[vdso]" };

/* Start of the VMA named @name in a maps or smaps text, and its VmFlags line (smaps). */
static unsigned long special_find(const char *text, const char *name, char *flags, size_t n)
{
	const char *l = text, *hit = NULL;

	while (*l) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);

		if (len > strlen(name) && !strncmp(l + len - strlen(name), name, strlen(name)) &&
		    l[len - strlen(name) - 1] == ' ')
			hit = l;
		else if (hit && flags && !strncmp(l, "VmFlags:", 8)) {
			snprintf(flags, n, "%.*s", (int)len, l);
			break;
		}
		l += e ? len + 1 : len;
	}
	return hit ? strtoul(hit, NULL, 16) : 0;
}

struct special_run {
	long ret;
	char flags[128];
};

/*
 * Every advice value on one page of [vvar], [vvar_vclock] and [vdso]: VM_PFNMAP/VM_IO and
 * special-mapping VMAs refuse most page advice and cannot be split. The host side runs in a
 * fork child per call, so that the advice never touches this process's own vDSO.
 */
static void test_special_vmas(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1, .privileged = 1 };
	struct special_run *hr = mmap(NULL, sizeof(*hr), RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static char host_text[1 << 20];
	struct mmlab_machine *m;
	int failures = 0;

	(void)state;
	assert_true(hr != MAP_FAILED);
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	for (size_t v = 0; v < ARRAY_SIZE_(special_names); v++) {
		for (int advice = 0; advice < 128; advice++) {
			struct mmlab_task *t;
			char lflags[128] = "";
			char *buf = NULL;
			size_t len = 0;
			unsigned long addr;
			FILE *f;
			pid_t pid;
			int status;

			if (advice == 100 || advice == 101)
				continue; /* see the file head: never with a length */
			memset(hr, 0, sizeof(*hr));
			pid = fork();
			assert_true(pid >= 0);
			if (!pid) {
				FILE *mf = fopen("/proc/self/smaps", "r");
				size_t got = mf ? fread(host_text, 1, sizeof(host_text) - 1, mf) : 0;

				if (mf)
					fclose(mf);
				host_text[got] = 0;
				addr = special_find(host_text, special_names[v], NULL, 0);
				hr->ret = addr ? sys(syscall(SYS_madvise, addr, PG, advice)) : -ENOENT;
				mf = fopen("/proc/self/smaps", "r");
				got = mf ? fread(host_text, 1, sizeof(host_text) - 1, mf) : 0;
				if (mf)
					fclose(mf);
				host_text[got] = 0;
				(void)special_find(host_text, special_names[v], hr->flags,
						   sizeof(hr->flags));
				_exit(0);
			}
			assert_int_equal(waitpid(pid, &status, 0), pid);
			assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
			f = open_memstream(&buf, &len);
			assert_non_null(f);
			assert_int_equal(mmlab_proc_smaps(t, f), 0);
			fclose(f);
			addr = special_find(buf, special_names[v], NULL, 0);
			free(buf);
			assert_true(addr != 0);
			if (mmlab_madvise(t, addr, PG, advice) != hr->ret) {
				fprintf(stderr, "%s, advice %d: host %ld, mmlab %d\n", special_names[v],
					advice, hr->ret, mmlab_madvise(t, addr, PG, advice));
				failures++;
			}
			buf = NULL;
			f = open_memstream(&buf, &len);
			assert_non_null(f);
			assert_int_equal(mmlab_proc_smaps(t, f), 0);
			fclose(f);
			(void)special_find(buf, special_names[v], lflags, sizeof(lflags));
			free(buf);
			if (strcmp(lflags, hr->flags)) {
				fprintf(stderr, "%s, advice %d: host %s, mmlab %s\n", special_names[v],
					advice, hr->flags, lflags);
				failures++;
			}
			assert_int_equal(mmlab_task_validate(t), 0);
			mmlab_task_destroy(t);
		}
	}
	mmlab_machine_destroy(m);
	munmap(hr, sizeof(*hr));
	assert_int_equal(failures, 0);
}

/*
 * Reclaim drops MAP_DROPPABLE pages even when written (try_to_unmap_one's VM_DROPPABLE case);
 * the host cannot be made to reclaim on demand, so this is derived from mm/rmap.c.
 */
static void test_droppable_reclaim(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1 };
	struct mmlab_machine *m;
	struct mmlab_task *t;
	struct mmlab_task_mem mem;
	uint64_t out;
	char b = 1;

	(void)state;
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
	assert_int_equal(mmlab_mmap(t, W, 4 * PG, RW, DROP | MAP_FIXED, -1, 0, &out), 0);
	assert_int_equal(mmlab_mmap(t, W + 8 * PG, PG, RW, PRIV | MAP_FIXED, -1, 0, &out), 0);
	assert_int_equal(mmlab_poke(t, W, "x", 1, NULL), 0);
	assert_int_equal(mmlab_poke(t, W + 2 * PG, "y", 1, NULL), 0);
	assert_int_equal(mmlab_touch(t, W + PG, 1, "r", NULL), 0);
	assert_int_equal(mmlab_poke(t, W + 8 * PG, "z", 1, NULL), 0);
	mmlab_task_mem(t, &mem);
	assert_int_equal(mem.rss_anon, 3);
	assert_int_equal(mmlab_reclaim_lazyfree(t), 2);
	mmlab_task_mem(t, &mem);
	assert_int_equal(mem.rss_anon, 1);
	assert_int_equal(mmlab_peek(t, W, &b, 1, NULL), 0);
	assert_int_equal(b, 0);
	assert_int_equal(mmlab_peek(t, W + 8 * PG, &b, 1, NULL), 0);
	assert_int_equal(b, 'z');
	assert_int_equal(mmlab_task_validate(t), 0);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

/*
 * MADV_GUARD_INSTALL that runs out of page-table frames: -ENOMEM, the markers already set
 * stay (as the kernel's walk leaves them), and the address space stays valid.
 */
static void test_guard_nomem(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1 };
	const uint64_t a = W + (2UL << 20) - PG; /* the last page of one PTE table */
	struct mmlab_fault f;
	struct mmlab_machine *m;
	struct mmlab_task *t;
	uint64_t out;

	(void)state;
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
	assert_int_equal(mmlab_mmap(t, a, 2 * PG, RW, PRIV | MAP_FIXED, -1, 0, &out), 0);
	assert_int_equal(mmlab_poke(t, a, "x", 1, NULL), 0);
	mmlab_machine_fail_alloc_after(m, 1);
	assert_int_equal(mmlab_madvise(t, a, 2 * PG, MADV_GUARD_INSTALL_), -ENOMEM);
	mmlab_machine_fail_alloc_after(m, 0);
	assert_int_equal(mmlab_task_validate(t), 0);
	assert_int_equal(mmlab_touch(t, a, 1, "r", &f), -EFAULT);
	assert_int_equal(f.code, 1 /* SEGV_MAPERR */);
	assert_int_equal(mmlab_touch(t, a + PG, 1, "r", NULL), 0);
	assert_int_equal(mmlab_madvise(t, a, 2 * PG, MADV_GUARD_INSTALL_), 0);
	assert_int_equal(mmlab_touch(t, a + PG, 1, "w", &f), -EFAULT);
	assert_int_equal(mmlab_task_validate(t), 0);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

static int setup(void **state)
{
	int fd;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 16 * PG))
		return -1;
	host_file = fd;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(host_file);
	unlink(path);
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advice_values),
		cmocka_unit_test(test_guard_regions),
		cmocka_unit_test(test_droppable_reclaim),
		cmocka_unit_test(test_special_vmas),
		cmocka_unit_test(test_guard_nomem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
