// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of the address-space calls: for each seed, a random sequence of mmap,
 * munmap, mprotect, pkey_mprotect (keys that were never allocated, so the answers do not
 * depend on this process's earlier pkey state), mremap, madvise, mlock/munlock/mlock2,
 * msync and PR_SET_VMA_ANON_NAME
 * (anonymous and file-backed, fixed and hinted) runs natively on the host kernel inside a
 * window far from this program's own mappings, then through mmlab's API. Every call's result
 * and the final /proc/self/maps lines inside the window must be identical. Addresses the
 * kernel picks outside the window (no usable hint) are compared only as "outside" and
 * unmapped again on both sides. Usage: diffmm FIRST_SEED COUNT [OPS] [nofault]
 *
 * Files: a 64-page file opened O_RDONLY, O_RDWR and O_WRONLY, a file of one page and 100
 * bytes (mapping beyond its end), an empty file and a directory (ENODEV), in a fresh
 * temporary directory. Lengths include zero, unaligned, huge and wrapping ones; offsets
 * include unaligned and overflowing ones.
 *
 * "nofault" leaves out the calls that make the host fault pages in (mlock without
 * MLOCK_ONFAULT, MAP_LOCKED, MAP_POPULATE). The full mode (the default) depends on mmlab's
 * fault layer: a populated private writable VMA gets an anon_vma, which keeps VM_ACCOUNT
 * through mprotect and refuses merges with VMAs of other anon_vmas, exactly as on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmlab.h"
#include "../../tools/mmlab/host_probe.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

#define WIN 0x300000000000UL
#define WIN_LEN (64UL << 20)
#define SPAN (WIN_LEN + (8UL << 20)) /* The window plus what a mapping may reach beyond it */
#define HOT 256
#define NR_FILES 7		/* Files the mmap calls pick from (files[]) */			/* Most addresses fall in the first HOT pages */
#define PG 4096UL
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum op_kind { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MREMAP, OP_MADVISE, OP_MLOCK, OP_MUNLOCK,
	       OP_MLOCK2, OP_MSYNC, OP_NAME, OP_PKEY_MPROTECT, NR_OPS };

struct op {
	enum op_kind kind;
	unsigned long a, b, c, d, e, f;
	const char *name;
};

static uint64_t rng;
static int nofault;
static int host_has_anon_names;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static unsigned long pick(unsigned long n)
{
	return (unsigned long)(rnd() % n);
}

static unsigned long rand_addr(void)
{
	if (pick(20) == 0)
		return WIN + pick(WIN_LEN / PG) * PG;
	if (pick(30) == 0)
		return WIN + pick(HOT) * PG + 1 + pick(PG - 1);
	return WIN + pick(HOT) * PG;
}

static unsigned long rand_len(void)
{
	/* Only lengths that wrap around: a huge length that did not would reach this
	 * program's own mappings above the window on the host. */
	static const unsigned long huge[] = { ~0UL, ~0UL - PG + 2, -PG, -2 * PG };

	switch (pick(13)) {
	case 0:
		return pick(4) ? 0 : huge[pick(ARRAY_LEN(huge))];
	case 1:
		return 1 + pick(3 * PG);
	case 2:
		return (2UL << 20) * (1 + pick(2));
	default:
		return (1 + pick(16)) * PG;
	}
}

static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC,
			     PROT_READ | PROT_WRITE | PROT_EXEC, PROT_WRITE, PROT_EXEC };
static const char *const names[] = { "a", "heap2", "x y", "bad$", "[x]", NULL, "A123456789" };
static const int advices[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_DONTFORK,
			       MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP, MADV_HUGEPAGE,
			       MADV_NOHUGEPAGE, MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_DONTNEED,
			       MADV_FREE, MADV_WILLNEED, MADV_MERGEABLE, MADV_UNMERGEABLE, 77,
			       -1, MADV_COLD, MADV_PAGEOUT, MADV_REMOVE, MADV_DONTNEED_LOCKED,
			       12345 };

static void gen(struct op *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = (enum op_kind)pick(NR_OPS);
	if (pick(3) == 0 || (o->kind == OP_NAME && !host_has_anon_names))
		o->kind = OP_MMAP;
	o->a = rand_addr();
	o->b = rand_len();
	switch (o->kind) {
	case OP_MMAP: {
		int type = pick(10);
		unsigned long fl = 0;

		o->c = (unsigned long)prots[pick(ARRAY_LEN(prots))];
		if (type < 5)
			fl = MAP_PRIVATE | MAP_ANONYMOUS;
		else if (type < 7)
			fl = MAP_PRIVATE;
		else if (type < 9)
			fl = MAP_SHARED;
		else
			fl = MAP_SHARED | MAP_ANONYMOUS;
		switch (pick(5)) {
		case 0: case 1: fl |= MAP_FIXED; break;
		case 2: fl |= MAP_FIXED_NOREPLACE; break;
		default: break;
		}
		if (pick(25) == 0)
			fl |= MAP_GROWSDOWN;
		if (pick(25) == 0)
			fl |= MAP_NORESERVE;
		if (pick(25) == 0)
			fl |= MAP_STACK;
		if (pick(40) == 0)
			fl |= MAP_LOCKED;
		if (pick(40) == 0)
			fl ^= MAP_PRIVATE | MAP_SHARED; /* type 0 or SHARED_VALIDATE */
		/* Not with MAP_NORESERVE: that hugetlbfs mapping succeeds on the host, and mmlab
		 * has no hugetlbfs (a known difference). */
		if (pick(50) == 0 && !(fl & MAP_NORESERVE))
			fl |= MAP_HUGETLB;
		if (nofault)
			fl &= ~(unsigned long)MAP_LOCKED;
		else if (pick(40) == 0)
			fl |= MAP_POPULATE;
		o->d = fl;
		o->e = pick(NR_FILES);	/* which file, see files[] */
		if (pick(4))
			o->e = pick(3);
		o->f = pick(8) * PG;	/* file offset */
		if (pick(30) == 0)
			o->f += 100;
		if (pick(60) == 0)
			o->f = -PG * (1 + pick(4)); /* pgoff + pages wraps: EOVERFLOW */
		break;
	}
	case OP_PKEY_MPROTECT:
		/* -1 is mprotect; 0 is allocated only with PKU; 16+ and -2 never exist */
		o->d = (unsigned long)(long)(int[]){ -1, 0, 3, 15, 16, -2 }[pick(6)];
		/* fallthrough */
	case OP_MPROTECT:
		o->c = (unsigned long)prots[pick(ARRAY_LEN(prots))];
		if (pick(15) == 0)
			o->c |= PROT_GROWSDOWN;
		if (pick(40) == 0)
			o->c |= 0x40;
		break;
	case OP_MREMAP:
		o->c = (1 + pick(16)) * PG;
		if (pick(10) == 0)
			o->c = o->b;
		switch (pick(6)) {
		case 0: o->d = 0; break;
		case 1: case 2: o->d = MREMAP_MAYMOVE; break;
		case 3: case 4: o->d = MREMAP_MAYMOVE | MREMAP_FIXED; break;
		default: o->d = MREMAP_MAYMOVE | MREMAP_DONTUNMAP; o->c = o->b; break;
		}
		if (o->d == (MREMAP_MAYMOVE | MREMAP_DONTUNMAP) && pick(2))
			o->d |= MREMAP_FIXED;
		if (pick(40) == 0)
			o->d |= 8 << pick(3); /* unknown flag bits */
		o->e = rand_addr() & ~(PG - 1);
		break;
	case OP_MADVISE:
		o->c = (unsigned long)advices[pick(ARRAY_LEN(advices))];
		break;
	case OP_MLOCK2:
		o->c = pick(4) ? MLOCK_ONFAULT : pick(4);
		if (nofault && !(o->c & MLOCK_ONFAULT))
			o->c |= MLOCK_ONFAULT;
		break;
	case OP_MLOCK:
		if (nofault) {
			o->kind = OP_MLOCK2;
			o->c = MLOCK_ONFAULT;
		}
		break;
	case OP_MSYNC:
		o->c = pick(8);
		break;
	case OP_NAME:
		o->name = names[pick(ARRAY_LEN(names))];
		break;
	default:
		break;
	}
}

/* The files mapped: o->e indexes these (path within the temp dir, open flags). */
static const struct {
	const char *name;
	int flags;
} files[NR_FILES] = {
	{ "big", O_RDONLY }, { "big", O_RDWR }, { "big", O_WRONLY }, { "small", O_RDWR },
	{ "small", O_RDONLY }, { "empty", O_RDWR }, { ".", O_RDONLY },
};
static char dir_path[] = "/tmp/mmlab-diffmm.XXXXXX";
static char file_paths[NR_FILES][64];
static int host_fds[NR_FILES];
static int lab_fds[NR_FILES];

static int in_window(unsigned long a)
{
	return a >= WIN && a < WIN + WIN_LEN;
}

/* A call's result as text: an errno name, "outside" or the address relative to the window. */
static void fmt_result(char *buf, size_t n, long ret, int is_addr)
{
	if (ret < 0 && ret > -4096)
		snprintf(buf, n, "-%ld", -ret);
	else if (is_addr && !in_window((unsigned long)ret))
		snprintf(buf, n, "outside");
	else if (is_addr)
		snprintf(buf, n, "W+%#lx", (unsigned long)ret - WIN);
	else
		snprintf(buf, n, "%ld", ret);
}

/* Raw system calls: the sanitizers' interceptors turn mlock into a no-op. */
static long sys(long r)
{
	return r == -1 ? -errno : r;
}

static long host_call(const struct op *o, int *is_addr)
{
	long r = 0;

	*is_addr = 0;
	switch (o->kind) {
	case OP_MMAP:
		*is_addr = 1;
		r = sys(syscall(SYS_mmap, o->a, o->b, o->c, o->d,
			    (o->d & MAP_ANONYMOUS) ? -1 : host_fds[o->e], o->f));
		break;
	case OP_MUNMAP:
		r = sys(syscall(SYS_munmap, o->a, o->b));
		break;
	case OP_MPROTECT:
		r = sys(syscall(SYS_mprotect, o->a, o->b, o->c));
		break;
	case OP_PKEY_MPROTECT:
		r = sys(syscall(SYS_pkey_mprotect, o->a, o->b, o->c, (int)o->d));
		break;
	case OP_MREMAP:
		*is_addr = 1;
		r = sys(syscall(SYS_mremap, o->a, o->b, o->c, o->d, o->e));
		break;
	case OP_MADVISE:
		r = sys(syscall(SYS_madvise, o->a, o->b, o->c));
		break;
	case OP_MLOCK:
		r = sys(syscall(SYS_mlock, o->a, o->b));
		break;
	case OP_MUNLOCK:
		r = sys(syscall(SYS_munlock, o->a, o->b));
		break;
	case OP_MLOCK2:
		r = sys(syscall(SYS_mlock2, o->a, o->b, o->c));
		break;
	case OP_MSYNC:
		r = sys(syscall(SYS_msync, o->a, o->b, o->c));
		break;
	case OP_NAME:
		r = sys(syscall(SYS_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME, o->a, o->b, o->name));
		break;
	default:
		break;
	}
	return r;
}

static long lab_call(struct mmlab_task *t, const struct op *o)
{
	uint64_t out = 0;
	int err = 0;

	switch (o->kind) {
	case OP_MMAP:
		err = mmlab_mmap(t, o->a, o->b, (int)o->c, (int)o->d,
				 (o->d & MAP_ANONYMOUS) ? -1 : lab_fds[o->e], o->f, &out);
		return err ? err : (long)out;
	case OP_MUNMAP:
		return mmlab_munmap(t, o->a, o->b);
	case OP_MPROTECT:
		return mmlab_mprotect(t, o->a, o->b, (int)o->c);
	case OP_PKEY_MPROTECT:
		return mmlab_pkey_mprotect(t, o->a, o->b, (int)o->c, (int)o->d);
	case OP_MREMAP:
		err = mmlab_mremap(t, o->a, o->b, o->c, (int)o->d, o->e, &out);
		return err ? err : (long)out;
	case OP_MADVISE:
		return mmlab_madvise(t, o->a, o->b, (int)o->c);
	case OP_MLOCK:
		return mmlab_mlock(t, o->a, o->b);
	case OP_MUNLOCK:
		return mmlab_munlock(t, o->a, o->b);
	case OP_MLOCK2:
		return mmlab_mlock2(t, o->a, o->b, (int)o->c);
	case OP_MSYNC:
		return mmlab_msync(t, o->a, o->b, (int)o->c);
	case OP_NAME:
		return mmlab_prctl_set_vma_anon_name(t, o->a, o->b, o->name);
	default:
		return 0;
	}
}

/* The maps lines inside the window; shmem inode numbers are not comparable. */
static void window_lines(FILE *in, char *out, size_t n)
{
	char line[512];
	size_t used = 0;

	out[0] = 0;
	while (fgets(line, sizeof(line), in)) {
		unsigned long s, e;
		char *z;

		if (sscanf(line, "%lx-%lx", &s, &e) != 2 || e <= WIN || s >= WIN + SPAN)
			continue;
		z = strstr(line, "/dev/zero (deleted)");
		if (z) {
			/* blank the inode column: the fifth field */
			char *ino = line;

			for (int f = 0; f < 4; f++)
				ino = strchr(ino, ' ') + 1;
			memmove(ino, z, strlen(z) + 1);
		}
		used += (size_t)snprintf(out + used, n - used, "%s", line);
		if (used >= n)
			break;
	}
}

static int compare_maps(struct mmlab_task *t, char *h, char *l, size_t n)
{
	FILE *f = fopen("/proc/self/maps", "r");

	window_lines(f, h, n);
	fclose(f);
	f = tmpfile();
	mmlab_proc_maps(t, f);
	rewind(f);
	window_lines(f, l, n);
	fclose(f);
	return strcmp(h, l);
}

static const char *const kind_names[] = { "mmap", "munmap", "mprotect", "mremap", "madvise",
					  "mlock", "munlock", "mlock2", "msync", "set_vma_name",
					  "pkey_mprotect" };

static int run_seed(struct mmlab_machine *m, uint64_t seed, int nops, const struct op *ops_in)
{
	static char host_maps[1 << 16], lab_maps[1 << 16];
	struct op ops[512];
	char hr[64][64], lr[64][64];
	struct mmlab_task_config cfg = { .seed = seed, .privileged = geteuid() == 0 };
	struct mmlab_task *t;
	struct rlimit rl;
	FILE *f;
	int bad = 0;

	(void)ops_in;
	if (nops > 512)
		nops = 512;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	cfg.rlimit_memlock = rl.rlim_cur;
	f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	if (f) {
		unsigned long v;

		if (fscanf(f, "%lu", &v) == 1)
			cfg.mmap_min_addr = v;
		fclose(f);
	}
	if (mmlab_task_create(m, &cfg, &t))
		return 1;
	for (int i = 0; i < NR_FILES; i++)
		lab_fds[i] = mmlab_open(t, file_paths[i], files[i].flags);

	rng = seed * 7919 + 1;
	for (int i = 0; i < nops; i++)
		gen(&ops[i]);
	syscall(SYS_munmap, WIN, SPAN);
	for (int i = 0; i < nops; i++) {
		int is_addr;
		long h = host_call(&ops[i], &is_addr), l = lab_call(t, &ops[i]);
		char hs[64], ls[64];

		fmt_result(hs, sizeof(hs), h, is_addr);
		fmt_result(ls, sizeof(ls), l, is_addr);
		if (is_addr && h > 0 && !in_window((unsigned long)h))
			syscall(SYS_munmap, h, ops[i].kind == OP_MREMAP ? ops[i].c : ops[i].b);
		if (is_addr && l > 0 && !in_window((unsigned long)l))
			(void)mmlab_munmap(t, (uint64_t)l, ops[i].kind == OP_MREMAP ? ops[i].c : ops[i].b);
		if (getenv("DIFFMM_TRACE"))
			fprintf(stderr, "  op %d %s(W+%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) = %s / %s\n", i,
				kind_names[ops[i].kind], ops[i].a - WIN, ops[i].b, ops[i].c, ops[i].d,
				ops[i].e, ops[i].f, hs, ls);
		if (strcmp(hs, ls)) {
			fprintf(stderr, "seed %lu op %d %s(W+%#lx, %#lx, %#lx, %#lx, %#lx, %#lx %s):"
				" host %s, mmlab %s\n", (unsigned long)seed, i, kind_names[ops[i].kind],
				ops[i].a - WIN, ops[i].b, ops[i].c, ops[i].d, ops[i].e, ops[i].f,
				ops[i].name ? ops[i].name : "-", hs, ls);
			bad = 1;
			break;
		}
		(void)hr;
		(void)lr;
		if (getenv("DIFFMM_EACH") && compare_maps(t, host_maps, lab_maps, sizeof(host_maps))) {
			fprintf(stderr, "seed %lu: maps differ after op %d\n--- host\n%s--- mmlab\n%s",
				(unsigned long)seed, i, host_maps, lab_maps);
			bad = 1;
			break;
		}
	}
	f = fopen("/proc/self/maps", "r");
	window_lines(f, host_maps, sizeof(host_maps));
	fclose(f);
	f = tmpfile();
	mmlab_proc_maps(t, f);
	rewind(f);
	window_lines(f, lab_maps, sizeof(lab_maps));
	fclose(f);
	if (!bad && strcmp(host_maps, lab_maps)) {
		fprintf(stderr, "seed %lu: maps differ\n--- host\n%s--- mmlab\n%s", (unsigned long)seed,
			host_maps, lab_maps);
		bad = 1;
	}
	if (!bad && mmlab_task_validate(t)) {
		fprintf(stderr, "seed %lu: mmlab_task_validate failed\n", (unsigned long)seed);
		bad = 1;
	}
	syscall(SYS_munmap, WIN, SPAN);
	mmlab_task_destroy(t);
	return bad;
}

int main(int argc, char **argv)
{
	unsigned long first = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 100;
	int nops = argc > 3 ? atoi(argv[3]) : 60;
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_machine *m;
	unsigned long failed = 0;
	char page[4096];
	int fd;

	if (argc > 4 && !strcmp(argv[4], "nofault"))
		nofault = 1;
	if (!mkdtemp(dir_path))
		return 2;
	for (int i = 0; i < NR_FILES; i++)
		snprintf(file_paths[i], sizeof(file_paths[i]), "%s/%s", dir_path, files[i].name);
	memset(page, 'x', sizeof(page));
	fd = open(file_paths[0], O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (int i = 0; i < 64; i++)
		if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page))
			return 2;
	close(fd);
	fd = open(file_paths[3], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page) || write(fd, page, 100) != 100)
		return 2;
	close(fd);
	fd = open(file_paths[5], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 2;
	close(fd);
	for (int i = 0; i < NR_FILES; i++)
		host_fds[i] = open(file_paths[i], files[i].flags);
	/* Without CONFIG_ANON_VMA_NAME the host refuses every name: leave names out. */
	if (syscall(SYS_mmap, WIN, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	    (long)WIN) {
		host_has_anon_names = !syscall(SYS_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME, WIN, PG, "t");
		syscall(SYS_munmap, WIN, PG);
	}
	if (!host_has_anon_names)
		printf("diffmm: host kernel has no CONFIG_ANON_VMA_NAME; names not compared\n");
	mc.no_pku = !host_cpu_has_pku(); /* PROT_EXEC alone gets a key only on a PKU CPU */
	mc.no_zero_page = !host_has_zero_page(); /* Rss after read faults */
	if (mmlab_machine_create(&mc, &m))
		return 2;
	for (unsigned long s = first; s < first + count; s++)
		failed += (unsigned long)run_seed(m, s, nops, NULL);
	mmlab_machine_destroy(m);
	for (int i = 0; i < NR_FILES; i++)
		close(host_fds[i]);
	for (int i = 0; i < NR_FILES - 1; i++)
		unlink(file_paths[i]);
	rmdir(dir_path);
	printf("diffmm: %lu seeds%s, %lu failed\n", count, nofault ? " (nofault)" : "", failed);
	return failed ? 1 : 0;
}
