// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every errno path of mmap, munmap, mprotect, mremap, madvise, mlock/mlock2/mlockall and msync,
 * each as a named case run twice: natively on the host kernel (raw system calls, in a window
 * far from this program's mappings) and through mmlab's API. The case's setup calls and the
 * call under test must return the same value on both sides, and the window's /proc maps lines
 * must be the same afterwards - so a failing call must also leave the same state behind (the
 * kernel's order of checks decides which error wins when several apply). The kernel is right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

#define W 0x310000000000UL /* the window: far above ASan's shadow and every library */
#define WLEN (16UL << 20)
#define PG 4096UL
#define PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

enum kind { MMAP, MUNMAP, MPROTECT, MREMAP, MADVISE, MLOCK, MUNLOCK, MLOCK2, MLOCKALL, MSYNC };
/* Files a case may map: fd slot -> (path, open flags). F_BAD is an fd nobody opened. */
enum { F_ANON = -1, F_RO = 0, F_RW, F_WO, F_DIR, NR_FILES, F_BAD = 99 };

struct step {
	enum kind kind;
	unsigned long a, b, c, d, e;
	int file;
};

struct test_case {
	const char *name;
	struct step steps[4];
	int nr;
};

#define S(k, ...) { .kind = k, __VA_ARGS__ }
#define M(addr, len, prot, flags, which, off) S(MMAP, addr, len, prot, flags, off, .file = which)

static const struct test_case cases[] = {
	/* mmap: lengths, alignment, flags, files; in the kernel's order of checks. */
	{ "mmap len 0", { M(W, 0, RW, PRIV | MAP_FIXED, F_ANON, 0) }, 1 },
	{ "mmap len wraps", { M(W, ~0UL - 100, RW, PRIV, F_ANON, 0) }, 1 },
	{ "mmap len over TASK_SIZE", { M(0, 1UL << 47, RW, PRIV, F_ANON, 0) }, 1 },
	{ "mmap unaligned fixed", { M(W + 1, PG, RW, PRIV | MAP_FIXED, F_ANON, 0) }, 1 },
	{ "mmap unaligned offset", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 1) }, 1 },
	{ "mmap neither shared nor private", { M(W, PG, RW, MAP_ANONYMOUS | MAP_FIXED, F_ANON, 0) },
	  1 },
	{ "mmap validate unknown flag",
	  { M(W, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | MAP_FIXED | 0x800000, F_ANON, 0) },
	  1 },
	{ "mmap private ignores unknown flag", { M(W, PG, RW, PRIV | MAP_FIXED | 0x800000, F_ANON, 0) },
	  1 },
	{ "mmap unknown prot bit", { M(W, PG, 0x100, PRIV | MAP_FIXED, F_ANON, 0) }, 1 },
	{ "mmap bad fd", { M(W, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, F_BAD, 0) }, 1 },
	{ "mmap shared write of read-only file",
	  { M(W, PG, RW, MAP_SHARED | MAP_FIXED, F_RO, 0) }, 1 },
	{ "mmap private write of read-only file",
	  { M(W, PG, RW, MAP_PRIVATE | MAP_FIXED, F_RO, 0) }, 1 },
	{ "mmap read of write-only file", { M(W, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, F_WO, 0) },
	  1 },
	{ "mmap directory", { M(W, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, F_DIR, 0) }, 1 },
	{ "mmap offset overflow",
	  { M(W, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, F_RO, ~0UL & ~(PG - 1)) }, 1 },
	{ "mmap fixed_noreplace over a mapping",
	  { M(W, 2 * PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
	    M(W + PG, 2 * PG, RW, PRIV | MAP_FIXED_NOREPLACE, F_ANON, 0) }, 2 },
	{ "mmap fixed past TASK_SIZE", { M(0x7ffffffff000UL - PG, 2 * PG, RW, PRIV | MAP_FIXED,
					   F_ANON, 0) }, 1 },
	{ "mmap hugetlb without huge pages",
	  { M(W, 2UL << 20, RW, PRIV | MAP_FIXED | MAP_HUGETLB, F_ANON, 0) }, 1 },
	{ "mmap growsdown shared", { M(W, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED |
					   MAP_GROWSDOWN, F_ANON, 0) }, 1 },
	{ "mmap hint honoured", { M(W + 5 * PG, PG, RW, PRIV, F_ANON, 0) }, 1 },
	/* munmap */
	{ "munmap unaligned", { S(MUNMAP, W + 1, PG) }, 1 },
	{ "munmap len 0", { S(MUNMAP, W, 0) }, 1 },
	{ "munmap past TASK_SIZE", { S(MUNMAP, 0x7ffffffff000UL, 2 * PG) }, 1 },
	{ "munmap nothing mapped", { S(MUNMAP, W, 4 * PG) }, 1 },
	/* mprotect */
	{ "mprotect unaligned", { S(MPROTECT, W + 1, PG, PROT_READ) }, 1 },
	{ "mprotect len 0", { S(MPROTECT, W, 0, PROT_READ) }, 1 },
	{ "mprotect nothing mapped", { S(MPROTECT, W, PG, PROT_READ) }, 1 },
	{ "mprotect hole after a change",
	  { M(W, 2 * PG, RW, PRIV | MAP_FIXED, F_ANON, 0), S(MPROTECT, W, 4 * PG, PROT_READ) }, 2 },
	{ "mprotect unknown prot bit",
	  { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0), S(MPROTECT, W, PG, 0x100) }, 2 },
	{ "mprotect beyond VM_MAYWRITE",
	  { M(W, PG, PROT_READ, MAP_SHARED | MAP_FIXED, F_RO, 0), S(MPROTECT, W, PG, RW) }, 2 },
	{ "mprotect growsdown on a plain VMA",
	  { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
	    S(MPROTECT, W, PG, PROT_READ | PROT_GROWSDOWN) }, 2 },
	{ "mprotect growsdown and growsup",
	  { M(W, PG, RW, PRIV | MAP_FIXED | MAP_GROWSDOWN, F_ANON, 0),
	    S(MPROTECT, W, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP) }, 2 },
	/* mremap */
	{ "mremap unaligned", { S(MREMAP, W + 1, PG, PG, 0) }, 1 },
	{ "mremap new_len 0", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0), S(MREMAP, W, PG, 0, 0) },
	  2 },
	{ "mremap unknown flag", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
				   S(MREMAP, W, PG, 2 * PG, 0x40) }, 2 },
	{ "mremap fixed without maymove", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
					    S(MREMAP, W, PG, PG, MREMAP_FIXED, W + 8 * PG) }, 2 },
	{ "mremap dontunmap without maymove", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
						S(MREMAP, W, PG, PG, MREMAP_DONTUNMAP) }, 2 },
	{ "mremap grow blocked", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
				   M(W + PG, PG, PROT_READ, PRIV | MAP_FIXED, F_ANON, 0),
				   S(MREMAP, W, PG, 2 * PG, 0) }, 3 },
	{ "mremap nothing mapped", { S(MREMAP, W, PG, 2 * PG, MREMAP_MAYMOVE) }, 1 },
	{ "mremap fixed overlapping", { M(W, 2 * PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
					S(MREMAP, W, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
					  W + PG) }, 2 },
	{ "mremap across two VMAs", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
				      M(W + PG, PG, PROT_READ, PRIV | MAP_FIXED, F_ANON, 0),
				      S(MREMAP, W, 2 * PG, 4 * PG, MREMAP_MAYMOVE) }, 3 },
	{ "mremap shrink", { M(W, 4 * PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
			     S(MREMAP, W, 4 * PG, PG, 0) }, 2 },
	/* madvise */
	{ "madvise unaligned", { S(MADVISE, W + 1, PG, MADV_NORMAL) }, 1 },
	{ "madvise unknown advice", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
				      S(MADVISE, W, PG, 1234) }, 2 },
	{ "madvise nothing mapped", { S(MADVISE, W, PG, MADV_RANDOM) }, 1 },
	{ "madvise len 0", { S(MADVISE, W, 0, MADV_RANDOM) }, 1 },
	{ "madvise len wraps", { S(MADVISE, W, ~0UL - PG, MADV_RANDOM) }, 1 },
	{ "madvise hole", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
			    S(MADVISE, W, 3 * PG, MADV_DONTFORK) }, 2 },
	/* mlock family */
	{ "mlock nothing mapped", { S(MLOCK, W, PG) }, 1 },
	{ "munlock nothing mapped", { S(MUNLOCK, W, PG) }, 1 },
	{ "mlock2 unknown flag", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0), S(MLOCK2, W, PG, 2) },
	  2 },
	{ "mlockall no flags", { S(MLOCKALL, 0) }, 1 },
	{ "mlockall onfault alone", { S(MLOCKALL, MCL_ONFAULT) }, 1 },
	{ "mlockall unknown flag", { S(MLOCKALL, 0x100) }, 1 },
	/* msync */
	{ "msync unaligned", { S(MSYNC, W + 1, PG, MS_SYNC) }, 1 },
	{ "msync sync and async", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
				    S(MSYNC, W, PG, MS_SYNC | MS_ASYNC) }, 2 },
	{ "msync unknown flag", { M(W, PG, RW, PRIV | MAP_FIXED, F_ANON, 0),
				  S(MSYNC, W, PG, 0x10) }, 2 },
	{ "msync nothing mapped", { S(MSYNC, W, PG, MS_SYNC) }, 1 },
	{ "msync invalidate locked", { M(W, PG, RW, PRIV | MAP_FIXED | MAP_LOCKED, F_ANON, 0),
				       S(MSYNC, W, PG, MS_INVALIDATE) }, 2 },
};

static char dir[] = "/tmp/mmlab-errnoXXXXXX";
static char paths[NR_FILES][64];
static const int open_flags[NR_FILES] = { O_RDONLY, O_RDWR, O_WRONLY, O_RDONLY | O_DIRECTORY };
static int host_fd[NR_FILES], lab_fd[NR_FILES];

static long sys(long r)
{
	return r == -1 ? -errno : r;
}

static int fd_of(const int *fds, int file)
{
	return file == F_ANON ? -1 : file == F_BAD ? F_BAD : fds[file];
}

static long host_step(const struct step *s)
{
	switch (s->kind) {
	case MMAP:
		return sys(syscall(SYS_mmap, s->a, s->b, s->c, s->d, fd_of(host_fd, s->file), s->e));
	case MUNMAP:
		return sys(syscall(SYS_munmap, s->a, s->b));
	case MPROTECT:
		return sys(syscall(SYS_mprotect, s->a, s->b, s->c));
	case MREMAP:
		return sys(syscall(SYS_mremap, s->a, s->b, s->c, s->d, s->e));
	case MADVISE:
		return sys(syscall(SYS_madvise, s->a, s->b, s->c));
	case MLOCK:
		return sys(syscall(SYS_mlock, s->a, s->b));
	case MUNLOCK:
		return sys(syscall(SYS_munlock, s->a, s->b));
	case MLOCK2:
		return sys(syscall(SYS_mlock2, s->a, s->b, s->c));
	case MLOCKALL:
		return sys(syscall(SYS_mlockall, s->a));
	case MSYNC:
		return sys(syscall(SYS_msync, s->a, s->b, s->c));
	}
	return -ENOSYS;
}

static long lab_step(struct mmlab_task *t, const struct step *s)
{
	uint64_t out = 0;
	int err;

	switch (s->kind) {
	case MMAP:
		err = mmlab_mmap(t, s->a, s->b, (int)s->c, (int)s->d, fd_of(lab_fd, s->file), s->e,
				 &out);
		return err ? err : (long)out;
	case MUNMAP:
		return mmlab_munmap(t, s->a, s->b);
	case MPROTECT:
		return mmlab_mprotect(t, s->a, s->b, (int)s->c);
	case MREMAP:
		err = mmlab_mremap(t, s->a, s->b, s->c, (int)s->d, s->e, &out);
		return err ? err : (long)out;
	case MADVISE:
		return mmlab_madvise(t, s->a, s->b, (int)s->c);
	case MLOCK:
		return mmlab_mlock(t, s->a, s->b);
	case MUNLOCK:
		return mmlab_munlock(t, s->a, s->b);
	case MLOCK2:
		return mmlab_mlock2(t, s->a, s->b, (int)s->c);
	case MLOCKALL:
		return mmlab_mlockall(t, (int)s->a);
	case MSYNC:
		return mmlab_msync(t, s->a, s->b, (int)s->c);
	}
	return -ENOSYS;
}

/* The maps lines inside the window, from a maps text. */
static void window_lines(const char *maps, char *out, size_t n)
{
	const char *l = maps;

	*out = 0;
	while (*l) {
		const char *e = strchr(l, '\n');
		unsigned long start = strtoul(l, NULL, 16);
		size_t len = e ? (size_t)(e - l + 1) : strlen(l);

		if (start >= W && start < W + WLEN && strlen(out) + len < n)
			strncat(out, l, len);
		l += len;
	}
}

static void host_maps(char *out, size_t n)
{
	static char buf[1 << 17];
	FILE *f = fopen("/proc/self/maps", "r");
	size_t got;

	assert_non_null(f);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = 0;
	fclose(f);
	window_lines(buf, out, n);
}

static void lab_maps(struct mmlab_task *t, char *out, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(mmlab_proc_maps(t, f), 0);
	fclose(f);
	window_lines(buf, out, n);
	free(buf);
}

static void test_errno_paths(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1, .privileged = 1 };
	struct mmlab_machine *m;
	static char hm[8192], lm[8192];
	int failures = 0;

	/* The machine's CPU is the host's: PROT_EXEC alone means a key only with PKU. */
	struct mmlab_machine_config mc = { .no_pku = !host_cpu_has_pku() };

	(void)state;
	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct test_case *c = &cases[i];
		struct mmlab_task *t;

		assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
		for (int f = 0; f < NR_FILES; f++) {
			lab_fd[f] = mmlab_open(t, paths[f], open_flags[f]);
			assert_true(lab_fd[f] >= 0);
		}
		syscall(SYS_munmap, W, WLEN);
		for (int s = 0; s < c->nr; s++) {
			long h = host_step(&c->steps[s]), l = lab_step(t, &c->steps[s]);

			if (getenv("MMLAB_ERRNO_VERBOSE"))
				fprintf(stderr, "%-40s step %d: %ld\n", c->name, s, h);
			if (h != l) {
				fprintf(stderr, "%s, step %d: host %ld (%#lx), mmlab %ld (%#lx)\n",
					c->name, s, h, (unsigned long)h, l, (unsigned long)l);
				failures++;
			}
		}
		host_maps(hm, sizeof(hm));
		lab_maps(t, lm, sizeof(lm));
		if (strcmp(hm, lm)) {
			fprintf(stderr, "%s: maps differ\nhost:\n%smmlab:\n%s", c->name, hm, lm);
			failures++;
		}
		syscall(SYS_munlockall);
		syscall(SYS_munmap, W, WLEN);
		assert_int_equal(mmlab_task_validate(t), 0);
		mmlab_task_destroy(t);
	}
	mmlab_machine_destroy(m);
	assert_int_equal(failures, 0);
}

static int setup(void **state)
{
	int fd;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(paths[F_RO], sizeof(paths[0]), "%s/file", dir);
	snprintf(paths[F_RW], sizeof(paths[0]), "%s/file", dir);
	snprintf(paths[F_WO], sizeof(paths[0]), "%s/file", dir);
	snprintf(paths[F_DIR], sizeof(paths[0]), "%s", dir);
	fd = open(paths[F_RO], O_CREAT | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 16 * PG))
		return -1;
	close(fd);
	for (int f = 0; f < NR_FILES; f++)
		if ((host_fd[f] = open(paths[f], open_flags[f])) < 0)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int f = 0; f < NR_FILES; f++)
		close(host_fd[f]);
	unlink(paths[F_RO]);
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno_paths),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
