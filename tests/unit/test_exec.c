// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab_execve where the host cannot be compared (tests/diff/diffexec2.c compares maps, the
 * stack and the errors without ASLR): the randomized layout is a function of the seed and
 * stays in the kernel's ranges; text really comes from the file through the page cache; exec
 * after fork and vfork (the parent keeps its mm, a vfork parent runs again); the vDSO's pages
 * against the host's (which faults, the image's bytes, Rss, fork and COW); close-on-exec
 * fds; the running program's text refuses writers until the last mm running it is gone;
 * exec twice in a row; exec in a multi-threaded process (de_thread); a failure after the point
 * of no return killing the process; bad arguments; every frame allocation failing in turn;
 * malformed ELF files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

#define PROG "/bin/true"

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

struct fixture {
	struct mmlab_machine *m;
};

static int setup(void **state)
{
	static struct fixture f;
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };

	if (mmlab_machine_create(&mc, &f.m))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mmlab_machine_validate(f->m), 0);
	mmlab_machine_destroy(f->m);
	return 0;
}

static struct mmlab_task *new_task(struct mmlab_machine *m, int no_aslr, uint64_t seed)
{
	struct mmlab_task_config cfg = { .no_aslr = no_aslr, .seed = seed, .privileged = 1 };
	struct mmlab_task *t;

	assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
	return t;
}

/* noinline: GCC takes the result for a pointer to the local it was written through */
__attribute__((noinline)) static char *maps_of(struct mmlab_task *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_int_equal(mmlab_proc_maps(t, f), 0);
	fclose(f);
	return text;
}

static void exec_ok(struct mmlab_task *t, const char *path)
{
	const char *const argv[] = { path, NULL };

	assert_int_equal(mmlab_execve(t, path, argv, NULL), 0);
	assert_int_equal(mmlab_task_validate(t), 0);
}

/* The same seed gives the same layout; another seed another one, in the kernel's ranges. */
static void test_aslr_seeded(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *a = new_task(f->m, 0, 42), *b = new_task(f->m, 0, 42);
	struct mmlab_task *c = new_task(f->m, 0, 43);
	struct mmlab_task_info ia, ic;
	char *ma, *mb, *mc;

	exec_ok(a, PROG);
	exec_ok(b, PROG);
	exec_ok(c, PROG);
	ma = maps_of(a);
	mb = maps_of(b);
	mc = maps_of(c);
	assert_string_equal(ma, mb);
	assert_string_not_equal(ma, mc);
	mmlab_task_info(a, &ia);
	mmlab_task_info(c, &ic);
	/* ELF_ET_DYN_BASE plus up to 2^28 pages; the break a page past the bss, within 1 GiB */
	assert_true(ia.start_code >= 0x555555554000UL);
	assert_true(ia.start_code < 0x555555554000UL + (1UL << 40));
	assert_true(ia.start_brk > ia.end_data + 4096);
	assert_true(ia.start_brk < ia.end_data + (1UL << 30) + 2 * 4096);
	assert_true(ia.start_stack < 0x7ffffffff000UL && ia.start_stack > 0x7ffffffff000UL -
		    (0x3fffffUL << 12) - (1UL << 20));
	assert_int_equal(ia.start_stack % 16, 0);
	assert_int_not_equal(ia.start_code, ic.start_code);
	free(ma);
	free(mb);
	free(mc);
	mmlab_task_destroy(a);
	mmlab_task_destroy(b);
	mmlab_task_destroy(c);
}

/* The ELF header at the load address and the instructions at the entry are the file's. */
static void test_text_from_file(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *t = new_task(f->m, 1, 0);
	unsigned char want[64], got[64];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	FILE *file = fopen(PROG, "rb");
	long off = -1;

	assert_non_null(file);
	assert_int_equal(fread(&eh, sizeof(eh), 1, file), 1);
	for (int i = 0; i < eh.e_phnum && off < 0; i++) {
		fseek(file, (long)(eh.e_phoff + (unsigned)i * sizeof(ph)), SEEK_SET);
		assert_int_equal(fread(&ph, sizeof(ph), 1, file), 1);
		if (ph.p_type == PT_LOAD && eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry < ph.p_vaddr + ph.p_filesz)
			off = (long)(ph.p_offset + eh.e_entry - ph.p_vaddr);
	}
	assert_true(off >= 0);
	fseek(file, off, SEEK_SET);
	assert_int_equal(fread(want, sizeof(want), 1, file), 1);
	fclose(file);
	exec_ok(t, PROG);
	assert_int_equal(mmlab_peek(t, 0x555555554000UL, got, sizeof(eh), NULL), 0);
	assert_memory_equal(got, &eh, sizeof(eh));
	assert_int_equal(mmlab_peek(t, 0x555555554000UL + eh.e_entry, got, sizeof(got), NULL), 0);
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(mmlab_touch(t, 0x555555554000UL + eh.e_entry, 1, "x", NULL), 0);
	mmlab_task_destroy(t);
}

/* The start and end of the line of @maps naming @name, or 0. */
static uint64_t maps_find(const char *maps, const char *name, uint64_t *end)
{
	for (const char *l = maps; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *nl = strchr(l, '\n');
		size_t n = strlen(name), len = nl ? (size_t)(nl - l) : strlen(l);
		unsigned long a, b;

		if (len > n && !memcmp(l + len - n, name, n) && sscanf(l, "%lx-%lx", &a, &b) == 2) {
			*end = b;
			return a;
		}
	}
	return 0;
}

/* The signal (0 when none) a read of each page of the host's [vvar], [vvar_vclock], [vdso]. */
static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probe_sig;

static void probe_handler(int sig)
{
	probe_sig = sig;
	siglongjmp(probe_jmp, 1);
}

static void host_special_probe(const char *name, int *sig, unsigned int max, unsigned int *nr)
{
	int pfd[2];
	pid_t pid;
	int status;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char buf[1 << 16];
		FILE *f = fopen("/proc/self/maps", "r");
		size_t got = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		uint64_t a, b;
		struct sigaction sa = { .sa_handler = probe_handler };

		buf[got] = 0;
		a = maps_find(buf, name, &b);
		sigaction(SIGBUS, &sa, NULL);
		sigaction(SIGSEGV, &sa, NULL);
		for (uint64_t p = a; a && p < b && (p - a) / 4096 < max; p += 4096) {
			int s = 0;

			probe_sig = 0;
			if (!sigsetjmp(probe_jmp, 1))
				(void)*(volatile char *)p;
			s = probe_sig;
			if (write(pfd[1], &s, sizeof(s)) != sizeof(s))
				_exit(1);
		}
		_exit(0);
	}
	close(pfd[1]);
	*nr = 0;
	while (*nr < max && read(pfd[0], &sig[*nr], sizeof(*sig)) == sizeof(*sig))
		(*nr)++;
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

/*
 * The vDSO's pages against the host's: a read of each page of [vvar], [vvar_vclock] and
 * [vdso] faults as the host's does (SIGBUS where the kernel has no page), [vdso] holds the
 * host's own image and counts in RssFile while the PFN maps count nothing, a fork child
 * faults the image in again, and a write after mprotect copies the page for that task alone.
 */
static void test_vdso(void **state)
{
	static const char *const names[] = { "[vvar]", "[vvar_vclock]", "[vdso]" };
	struct fixture *f = *state;
	struct mmlab_task *t = new_task(f->m, 1, 0), *c;
	char *maps = maps_of(t);
	uint64_t vdso, vdso_end, host = getauxval(AT_SYSINFO_EHDR);
	struct mmlab_task_mem st;
	unsigned char page[4096], mine = 0xcc;

	for (size_t v = 0; v < 3; v++) {
		int hsig[8], sig;
		unsigned int nr;
		uint64_t a, b;

		host_special_probe(names[v], hsig, 8, &nr);
		a = maps_find(maps, names[v], &b);
		assert_int_equal((b - a) / 4096, nr);
		for (unsigned int i = 0; i < nr; i++) {
			struct mmlab_fault fault = { 0 };
			unsigned char byte;

			sig = mmlab_peek(t, a + i * 4096UL, &byte, 1, &fault) ? fault.signo : 0;
			if (sig != hsig[i])
				print_error("%s page %u: signal %d, the host's %d\n", names[v], i, sig,
					    hsig[i]);
			assert_int_equal(sig, hsig[i]);
		}
	}
	vdso = maps_find(maps, "[vdso]", &vdso_end);
	free(maps);
	/* [vdso] holds the host's image; only its pages count */
	mmlab_task_mem(t, &st);
	assert_int_equal(st.rss_file, (vdso_end - vdso) / 4096);
	assert_int_equal(st.rss_anon, 0);
	assert_true(host != 0);
	for (uint64_t a = vdso; a < vdso_end; a += 4096) {
		assert_int_equal(mmlab_peek(t, a, page, sizeof(page), NULL), 0);
		assert_memory_equal(page, (const void *)(host + (a - vdso)), sizeof(page));
	}
	assert_int_equal(mmlab_fork(t, &c), 0);
	mmlab_task_mem(c, &st);
	assert_int_equal(st.rss_file, 0); /* no anon_vma: fork copied no entry */
	assert_int_equal(mmlab_mprotect(c, vdso, 4096, PROT_READ | PROT_WRITE), -EINVAL);
	assert_int_equal(mmlab_mprotect(c, vdso, vdso_end - vdso, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mmlab_poke(c, vdso + 100, &mine, 1, NULL), 0);
	mmlab_task_mem(c, &st);
	assert_int_equal(st.rss_anon, 1);
	assert_int_equal(mmlab_peek(t, vdso + 100, page, 1, NULL), 0);
	assert_int_equal(page[0], ((const unsigned char *)host)[100]);
	mmlab_task_destroy(c);
	mmlab_task_destroy(t);
}

/* A fork child's exec leaves the parent's mm alone; a vfork parent runs again at the exec. */
static void test_fork_vfork(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *p = new_task(f->m, 1, 0), *c;
	char *before = maps_of(p), *after;

	assert_int_equal(mmlab_fork(p, &c), 0);
	exec_ok(c, PROG);
	after = maps_of(p);
	assert_string_equal(before, after);
	free(after);
	after = maps_of(c);
	assert_non_null(strstr(after, "/usr/bin/true"));
	assert_null(strstr(before, "/usr/bin/true"));
	free(after);
	mmlab_exit(c);

	assert_int_equal(mmlab_vfork(p, &c), 0);
	assert_int_equal(mmlab_task_same_mm(p, c), 1);
	assert_int_equal(mmlab_touch(p, 0x7ffffffde000UL, 1, "r", NULL), -EBUSY);
	exec_ok(c, PROG);
	assert_int_equal(mmlab_task_same_mm(p, c), 0);
	assert_int_equal(mmlab_touch(p, 0x7ffffffde000UL, 1, "r", NULL), 0);
	after = maps_of(p);
	assert_string_equal(before, after);
	free(after);
	free(before);
	mmlab_exit(c);
	assert_int_equal(mmlab_task_validate(p), 0);
	mmlab_task_destroy(p);
}

static int killed_by(struct mmlab_task *t)
{
	struct mmlab_signals s;

	assert_int_equal(mmlab_task_signals(t, &s), 0);
	return s.killed_by;
}

/*
 * de_thread: a thread's exec kills the other threads of its process (their handles stay
 * usable, on empty address spaces, until mmlab_exit) and a non-leader takes the leader's
 * pid, the leader the thread's; a leader's exec keeps its pid.
 */
static void test_de_thread(void **state)
{
	const unsigned long thread = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	struct fixture *f = *state;
	struct mmlab_task *p = new_task(f->m, 1, 0), *a, *b;
	int pid_p = mmlab_task_pid(p), pid_a, pid_b;
	uint64_t addr;
	char *maps;

	assert_int_equal(mmlab_mmap(p, 0, 1 << 20, 3, 0x22, -1, 0, &addr), 0);
	assert_int_equal(mmlab_touch(p, addr, 1 << 20, "w", NULL), 0);
	assert_int_equal(mmlab_clone(p, thread, &a), 0);
	assert_int_equal(mmlab_clone(p, thread, &b), 0);
	pid_a = mmlab_task_pid(a);
	pid_b = mmlab_task_pid(b);
	assert_int_equal(mmlab_task_tgid(a), pid_p);
	assert_true(mmlab_openat(b, "/etc/passwd", O_RDONLY, 0) >= 0);
	exec_ok(a, PROG);
	assert_int_equal(mmlab_task_pid(a), pid_p);
	assert_int_equal(mmlab_task_tgid(a), pid_p);
	assert_int_equal(mmlab_task_pid(p), pid_a);
	assert_int_equal(mmlab_task_pid(b), pid_b);
	assert_int_equal(killed_by(a), 0);
	assert_int_equal(killed_by(p), SIGKILL);
	assert_int_equal(killed_by(b), SIGKILL);
	assert_int_equal(mmlab_task_same_mm(a, p), 0);
	assert_int_equal(mmlab_task_same_mm(b, p), 0);
	maps = maps_of(p);	/* nothing but [vsyscall], which every mm shows */
	assert_null(strstr(maps, "[stack]"));
	assert_true(strchr(maps, '\n') && !strchr(maps, '\n')[1]);
	free(maps);
	maps = maps_of(a);
	assert_non_null(strstr(maps, "/usr/bin/true"));
	assert_null(strstr(maps, "rw-p 00000000 00:00 0 \n"));	/* the old mmap is gone */
	free(maps);
	assert_int_equal(mmlab_close(b, 3), -EBADF);	/* its files were closed */
	/* a killed thread's handle acts on nothing of the process's */
	assert_int_equal(mmlab_touch(b, addr, 1, "r", NULL), -EFAULT);
	mmlab_exit(p);
	mmlab_exit(b);
	assert_int_equal(mmlab_task_validate(a), 0);

	/* the new leader's own exec, with a new thread: the pid stays */
	assert_int_equal(mmlab_clone(a, thread, &b), 0);
	exec_ok(a, PROG);
	assert_int_equal(mmlab_task_pid(a), pid_p);
	assert_int_equal(killed_by(b), SIGKILL);
	mmlab_exit(b);
	/* a forked child is another process: an exec of the parent leaves it alone */
	assert_int_equal(mmlab_fork(a, &b), 0);
	exec_ok(a, PROG);
	assert_int_equal(killed_by(b), 0);
	assert_int_equal(mmlab_task_validate(b), 0);
	mmlab_exit(b);
	mmlab_exit(a);
}

/*
 * A failure after the point of no return kills the process with SIGSEGV, as the kernel's
 * force_fatal_sig: here a writable segment whose file offset is past any file (mapping it
 * fails after the old mm is gone). A failure before it kills nothing.
 */
static void test_point_of_no_return(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/test_exec.XXXXXX", path[64];
	const char *const argv[] = { "x", NULL };
	static unsigned char buf[1 << 20];
	FILE *file = fopen(PROG, "rb");
	struct mmlab_task *t;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph;
	size_t len;
	int fd, err, last = -1;

	assert_non_null(file);
	len = fread(buf, 1, sizeof(buf), file);
	fclose(file);
	ph = (Elf64_Phdr *)(buf + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			last = i;
	assert_true(last >= 0);
	ph[last].p_offset += 1UL << 46;
	ph[last].p_vaddr += 1UL << 46;
	ph[last].p_paddr += 1UL << 46;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ponr", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);

	t = new_task(f->m, 1, 0);
	assert_int_equal(mmlab_execve(t, "/nonexistent", argv, NULL), -ENOENT);
	assert_int_equal(killed_by(t), 0);
	err = mmlab_execve(t, path, argv, NULL);
	assert_true(err < 0);
	assert_int_equal(killed_by(t), SIGSEGV);
	assert_int_equal(mmlab_task_validate(t), 0);
	mmlab_task_destroy(t);
	unlink(path);
	rmdir(dir);
}

/* FD_CLOEXEC fds are closed by the exec, the others stay. */
static void test_close_on_exec(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *t = new_task(f->m, 1, 0);
	int keep = mmlab_openat(t, "/etc/passwd", O_RDONLY, 0);
	int drop = mmlab_openat(t, "/etc/passwd", O_RDONLY | O_CLOEXEC, 0);

	assert_true(keep >= 0 && drop >= 0);
	exec_ok(t, PROG);
	assert_int_equal(mmlab_close(t, drop), -EBADF);
	assert_int_equal(mmlab_close(t, keep), 0);
	mmlab_task_destroy(t);
}

/* The program's file refuses writers while an mm runs it (a fork child's too). */
static void test_text_busy(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *t = new_task(f->m, 1, 0), *other = new_task(f->m, 1, 0), *c;
	int fd;

	if (access(PROG, W_OK)) {
		mmlab_task_destroy(t);
		mmlab_task_destroy(other);
		skip();
	}
	exec_ok(t, PROG);
	assert_int_equal(mmlab_openat(other, PROG, O_WRONLY, 0), -ETXTBSY);
	assert_int_equal(mmlab_truncate(other, PROG, 0), -ETXTBSY);
	assert_int_equal(mmlab_fork(t, &c), 0);
	mmlab_task_destroy(t);
	assert_int_equal(mmlab_openat(other, PROG, O_WRONLY, 0), -ETXTBSY);
	mmlab_exit(c);
	fd = mmlab_openat(other, PROG, O_WRONLY, 0);
	assert_true(fd >= 0);
	/* and now the exec is the one refused */
	{
		const char *const argv[] = { PROG, NULL };

		assert_int_equal(mmlab_execve(other, PROG, argv, NULL), -ETXTBSY);
	}
	assert_int_equal(mmlab_close(other, fd), 0);
	exec_ok(other, PROG);
	mmlab_task_destroy(other);
}

/* exec after exec: the first program's mm goes; its pages go back to the machine. */
static void test_exec_twice(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *t = new_task(f->m, 1, 0);
	struct mmlab_stats s1, s2;
	char *maps;

	exec_ok(t, "/bin/ls");
	mmlab_machine_stats(f->m, &s1);
	exec_ok(t, PROG);
	exec_ok(t, "/bin/ls");
	mmlab_machine_stats(f->m, &s2);
	maps = maps_of(t);
	assert_null(strstr(maps, "/usr/bin/true"));
	assert_non_null(strstr(maps, "/usr/bin/ls"));
	/* the page cache keeps both files' pages; the anonymous ones went with each mm */
	assert_true(s2.free_pages + 64 >= s1.free_pages);
	free(maps);
	mmlab_task_destroy(t);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct mmlab_task *t = new_task(f->m, 1, 0);
	const char *const argv[] = { PROG, NULL };

	assert_int_equal(mmlab_execve(NULL, PROG, argv, NULL), -EINVAL);
	assert_int_equal(mmlab_execve(t, NULL, argv, NULL), -EFAULT);
	assert_int_equal(mmlab_execve(t, "", argv, NULL), -ENOENT);
	assert_int_equal(mmlab_execve(t, "/bin/true/x", argv, NULL), -ENOTDIR);
	/* an empty argv gets "" as argv[0] */
	assert_int_equal(mmlab_execve(t, PROG, NULL, NULL), 0);
	{
		struct mmlab_task_info info;
		uint64_t argc;
		char c = 'x';

		mmlab_task_info(t, &info);
		assert_int_equal(mmlab_peek(t, info.start_stack, &argc, sizeof(argc), NULL), 0);
		assert_int_equal(argc, 1);
		assert_int_equal(info.arg_end - info.arg_start, 1);
		assert_int_equal(mmlab_peek(t, info.arg_start, &c, 1, NULL), 0);
		assert_int_equal(c, 0);
	}
	mmlab_task_destroy(t);
}

/*
 * Every frame allocation of an exec failing in turn: the call fails with an errno or succeeds,
 * and whatever it left (a half-built task after the point of no return) is torn down cleanly.
 */
static void test_enomem(void **state)
{
	struct fixture *f = *state;
	const char *const argv[] = { PROG, "x", NULL };
	int failures = 0;

	for (unsigned long n = 1; n < 400; n++) {
		struct mmlab_task *t = new_task(f->m, 1, 0);
		int err;

		mmlab_machine_fail_alloc_after(f->m, n);
		err = mmlab_execve(t, PROG, argv, NULL);
		mmlab_machine_fail_alloc_after(f->m, 0);
		assert_true(err == 0 || err == -ENOMEM || err == -EFAULT || err == -EIO);
		failures += err != 0;
		mmlab_task_destroy(t);
		assert_int_equal(mmlab_machine_validate(f->m), 0);
		if (!err && n > 40)
			break;
	}
	assert_true(failures > 0);
}

/*
 * Malformed programs never crash the loader: copies of /bin/true's first 16 KiB with a few
 * bytes of the header and program headers changed (a fixed sequence), and the whole file
 * with its segments' fields changed. Each exec fails with an errno or loads something; the
 * task is then valid and goes away cleanly.
 */
static void test_malformed_elf(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/test_exec.XXXXXX", path[64];
	const char *const argv[] = { "x", NULL };
	static unsigned char orig[1 << 20], buf[1 << 20];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	FILE *file = fopen(PROG, "rb");
	size_t len;
	int loaded = 0;

	assert_non_null(file);
	len = fread(orig, 1, sizeof(orig), file);
	fclose(file);
	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 200; i++) {
		size_t n = i % 2 ? len : min_size(len, 16384);
		struct mmlab_task *t = new_task(f->m, i % 3 != 0, (uint64_t)i);
		int fd, err;

		static const uint64_t odd[] = { 0, 1, 0xfff, 0x1000, 0x200000, 1UL << 40,
						0x7ffffffff000UL, 1UL << 47, ~0UL, ~0UL << 12 };

		memcpy(buf, orig, n);
		for (int k = 0; k < 1 + i % 4; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			if (i % 4 == 3) {
				/* an 8-byte field of a program header: offset, addresses, sizes */
				size_t at = 64 + 56 * (rng % 13) + 8 * (1 + (rng >> 8) % 6);

				memcpy(buf + at, &odd[(rng >> 16) % 10], 8);
				continue;
			}
			/* a byte of the ELF header or the program headers (64 + 13 * 56 bytes) */
			buf[rng % 792] = (unsigned char)(rng >> 32);
		}
		snprintf(path, sizeof(path), "%s/p%d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, buf, n), (ssize_t)n);
		close(fd);
		err = mmlab_execve(t, path, argv, NULL);
		assert_true(err <= 0 && err > -4096);
		loaded += !err;
		assert_int_equal(mmlab_task_validate(t), 0);
		mmlab_task_destroy(t);
	}
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "%s/p%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	print_message("%d of 200 malformed programs loaded\n", loaded);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aslr_seeded),
		cmocka_unit_test(test_text_from_file),
		cmocka_unit_test(test_vdso),
		cmocka_unit_test(test_fork_vfork),
		cmocka_unit_test(test_close_on_exec),
		cmocka_unit_test(test_de_thread),
		cmocka_unit_test(test_point_of_no_return),
		cmocka_unit_test(test_text_busy),
		cmocka_unit_test(test_exec_twice),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_enomem),
		cmocka_unit_test(test_malformed_elf),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
