// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resource limits, credentials and overcommit against the host kernel. Each case is a short
 * sequence of calls - getrlimit/setrlimit/prlimit64, set*id, capget/capset, PR_SET_KEEPCAPS,
 * and the memory calls the limits and capabilities govern (mlock, MAP_LOCKED, mappings below
 * vm.mmap_min_addr, RLIMIT_AS and RLIMIT_DATA bounds, vm.overcommit_memory 0's single-request
 * bound on mmap, mprotect, mremap and brk) - run natively in a forked child of this root
 * process (so the credentials it drops and the limits it sets die with it) and through
 * mmlab's API on a root task; every result must match. Limits that depend on the process's
 * size (RLIMIT_AS, RLIMIT_DATA) and the overcommit bound (RAM + swap) are given relative to
 * each side's own figure. Modes 1 and 2 of vm.overcommit_memory cannot be shown without
 * changing the host's sysctls, which this test never does: their cases are derived by hand
 * from mm/util.c's __vm_enough_memory and vm_commit_limit and checked through meminfo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

#define W 0x310000000000UL /* the window: far above ASan's shadow and every library */
#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define INF RLIM_INFINITY
#define BIT(c) (1ULL << (c))

enum kind {
	GETRL,	   /* a=res: ret, cur, max */
	SETRL,	   /* a=res b=cur c=max (d=1: NULL pointer) */
	PRLIM,	   /* a=res b=cur c=max (d=1: read only): ret, old cur, old max */
	SETUID, SETGID, SETREUID, SETREGID, SETRESUID, SETRESGID, /* a, b, c: the ids */
	CAPGET,	   /* ret, effective, permitted, inheritable */
	CAPSET,	   /* effective &= ~a, permitted &= ~b, inheritable = c, effective |= d */
	IDS,	   /* real/effective/saved uid and gid: ret 0 and the six */
	KEEPCAPS,  /* a=0/1 */
	MMAP,	   /* a=addr b=len c=prot d=flags: address or -errno (then unmapped) */
	MMAP_KEEP, /* as MMAP, left mapped */
	MLOCK,	   /* a=addr b=len */
	MPROTECT,  /* a=addr b=len c=prot */
	MREMAP,	   /* a=addr b=old c=new d=flags */
	MUNMAP,	   /* a=addr b=len */
	AS_REL,	   /* RLIMIT_AS soft = VmSize + a bytes */
	DATA_REL,  /* RLIMIT_DATA soft = VmData + a bytes */
	BRK_REL,   /* brk(current + a): 0 when it moved, 1 when refused */
	FORK,	   /* a child that takes uid/gid a (-1: keeps root) and waits */
	CHILD_PRLIM, /* prlimit64 on that child: a=res b=cur c=max (d=1: read only) */
};

/* A length relative to the machine's RAM + swap in pages: ram_rel(n) is RAM + swap + n pages. */
#define RAM_REL 0x4000000000000000UL
#define ram_rel(n) (RAM_REL + (unsigned long)(n))

struct step {
	enum kind kind;
	unsigned long a, b, c, d;
};

struct test_case {
	const char *name;
	struct step steps[8];
	int nr;
};

#define S(k, ...) { .kind = k, __VA_ARGS__ }
/* Drop root: every uid and gid 1000. */
#define DROP S(SETRESGID, 1000, 1000, 1000), S(SETRESUID, 1000, 1000, 1000)

static const struct test_case cases[] = {
	{ "defaults", { S(GETRL, RLIMIT_STACK), S(GETRL, RLIMIT_MEMLOCK), S(GETRL, RLIMIT_AS),
			S(GETRL, RLIMIT_DATA), S(CAPGET), S(IDS) }, 6 },
	{ "bad resource", { S(GETRL, 16), S(GETRL, 99), S(SETRL, 99, 1, 2), S(PRLIM, 16, 0, 0, 1) },
	  4 },
	{ "soft above hard", { S(SETRL, RLIMIT_STACK, 2 * PG, PG), S(GETRL, RLIMIT_STACK) }, 2 },
	{ "NULL rlimit", { S(SETRL, RLIMIT_AS, 0, 0, 1) }, 1 },
	{ "lower and raise hard as root",
	  { S(SETRL, RLIMIT_MEMLOCK, 4 * PG, 16 * PG), S(PRLIM, RLIMIT_MEMLOCK, 8 * PG, INF),
	    S(GETRL, RLIMIT_MEMLOCK) }, 3 },
	{ "raise hard unprivileged",
	  { S(SETRL, RLIMIT_STACK, PG << 10, PG << 11), DROP, S(SETRL, RLIMIT_STACK, PG << 11, INF),
	    S(SETRL, RLIMIT_STACK, PG << 11, PG << 11), S(SETRL, RLIMIT_STACK, PG, PG << 10),
	    S(SETRL, RLIMIT_STACK, PG, PG << 11), S(GETRL, RLIMIT_STACK) }, 8 },
	{ "raise hard without CAP_SYS_RESOURCE",
	  { S(SETRL, RLIMIT_DATA, PG << 20, PG << 20), S(CAPSET, BIT(24), 0, 0),
	    S(SETRL, RLIMIT_DATA, PG << 20, PG << 21), S(GETRL, RLIMIT_DATA) }, 4 },
	{ "setuid drops caps",
	  { S(SETUID, 1000), S(CAPGET), S(IDS), S(SETUID, 0), S(SETUID, (unsigned long)-1) }, 5 },
	{ "setresuid keeps saved root",
	  { S(SETRESUID, 1000, 1000, -1UL), S(CAPGET), S(SETUID, 0), S(CAPGET), S(IDS) }, 5 },
	{ "setreuid", { S(SETREUID, -1UL, 1000), S(CAPGET), S(IDS), S(SETREUID, 1000, 0), S(CAPGET),
			S(IDS), S(SETREUID, 0, 0) }, 7 },
	{ "setgid unprivileged", { DROP, S(SETGID, 5), S(SETGID, 1000), S(SETREGID, 1000, 5),
				   S(SETRESGID, -1UL, 1000, -1UL), S(IDS) }, 7 },
	{ "keepcaps", { S(KEEPCAPS, 1), S(SETRESUID, 1000, 1000, 1000), S(CAPGET),
			S(CAPSET, 0, 0, 0, BIT(14)), S(CAPGET), S(SETRESUID, 0, 0, 0) }, 6 },
	{ "capset rules", { S(CAPSET, 0, BIT(14), 0), S(CAPSET, BIT(14), BIT(14), 0),
			    S(CAPSET, 0, 0, 0, BIT(14)), S(CAPSET, 0, 0, BIT(3)), S(CAPGET),
			    S(CAPSET, BIT(8), 0, BIT(3) | BIT(14)), S(CAPSET, 0, 0, BIT(3) | BIT(5)),
			    S(CAPGET) }, 8 },
	{ "mlock beyond RLIMIT_MEMLOCK",
	  { S(SETRL, RLIMIT_MEMLOCK, 4 * PG, 4 * PG), S(MMAP_KEEP, W, 16 * PG, RW, PRIV | MAP_FIXED),
	    S(MLOCK, W, 16 * PG), S(CAPSET, BIT(14), 0, 0), S(MLOCK, W, 16 * PG),
	    S(MLOCK, W, 4 * PG), S(MMAP, W + 64 * PG, PG, RW, PRIV | MAP_LOCKED | MAP_FIXED) }, 7 },
	{ "MAP_LOCKED with RLIMIT_MEMLOCK 0", { S(SETRL, RLIMIT_MEMLOCK, 0, 0), DROP,
		S(MMAP, W, PG, RW, PRIV | MAP_LOCKED | MAP_FIXED), S(MMAP_KEEP, W, PG, RW, PRIV | MAP_FIXED),
		S(MLOCK, W, PG) }, 6 },
	{ "below mmap_min_addr",
	  { S(MMAP, 0, PG, RW, PRIV | MAP_FIXED), S(CAPSET, BIT(17), 0, 0),
	    S(MMAP, 0, PG, RW, PRIV | MAP_FIXED), S(MMAP, 0, PG, RW, PRIV) }, 4 },
	{ "RLIMIT_AS", { S(AS_REL, 8 * PG), S(MMAP, W, 8 * PG, RW, PRIV | MAP_FIXED),
			 S(MMAP, W, 9 * PG, RW, PRIV | MAP_FIXED), S(MMAP_KEEP, W, 4 * PG, RW, PRIV | MAP_FIXED),
			 S(MREMAP, W, 4 * PG, 8 * PG, 0), S(MREMAP, W, 8 * PG, 9 * PG, 0) }, 6 },
	{ "RLIMIT_DATA", { S(DATA_REL, 4 * PG), S(MMAP, W, 5 * PG, RW, PRIV | MAP_FIXED),
			   S(MMAP, W, 5 * PG, PROT_READ, PRIV | MAP_FIXED),
			   S(MMAP, W, 4 * PG, RW, PRIV | MAP_FIXED),
			   S(MMAP_KEEP, W, 5 * PG, PROT_READ, PRIV | MAP_FIXED),
			   S(MPROTECT, W, 5 * PG, RW) }, 6 },
	/* vm.overcommit_memory 0: one request larger than RAM + swap fails. */
	{ "heuristic mmap", { S(MMAP, W, ram_rel(1), RW, PRIV), S(MMAP, W, ram_rel(0), RW, PRIV),
			      S(MMAP, W, ram_rel(1), RW, PRIV | MAP_NORESERVE),
			      S(MMAP, W, ram_rel(1), PROT_READ, PRIV),
			      S(MMAP, W, ram_rel(1), RW, MAP_SHARED | MAP_ANONYMOUS),
			      S(MMAP, W, ram_rel(1), RW, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE) },
	  6 },
	{ "heuristic mprotect", { S(MMAP_KEEP, W, ram_rel(1), PROT_NONE, PRIV | MAP_FIXED),
				  S(MPROTECT, W, ram_rel(1), RW), S(MPROTECT, W, ram_rel(0), RW),
				  S(MPROTECT, W, ram_rel(1), PROT_READ) }, 4 },
	{ "heuristic mremap", { S(MMAP_KEEP, W, PG, RW, PRIV | MAP_FIXED),
				S(MREMAP, W, PG, ram_rel(2), 0), S(MREMAP, W, PG, ram_rel(1), 0) }, 3 },
	{ "heuristic brk", { S(BRK_REL, ram_rel(1) ), S(BRK_REL, 64 * PG) }, 2 },
	/* prlimit64 on another process: its ids must be the caller's, or CAP_SYS_RESOURCE */
	{ "prlimit other root", { S(FORK, -1UL), S(CHILD_PRLIM, RLIMIT_MEMLOCK, 0, 0, 1),
				  S(CHILD_PRLIM, RLIMIT_MEMLOCK, PG, PG), DROP,
				  S(CHILD_PRLIM, RLIMIT_MEMLOCK, 0, 0, 1) }, 6 },
	{ "prlimit other user", { S(FORK, 1000), DROP, S(CHILD_PRLIM, RLIMIT_MEMLOCK, 0, 0, 1),
				  S(CHILD_PRLIM, RLIMIT_MEMLOCK, PG, PG),
				  S(CHILD_PRLIM, RLIMIT_MEMLOCK, PG, 2 * PG),
				  S(CHILD_PRLIM, RLIMIT_MEMLOCK, 0, 0, 1) }, 7 },
};

/* Each side's own figures: RAM + swap in pages (meminfo), VmSize and VmData in bytes. */
struct figures {
	unsigned long ram_swap_pages, vm_size, vm_data;
};

/* The "KEY: N kB" figure of a /proc text (no allocation: the host child's VmSize must not move). */
static unsigned long proc_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	unsigned long v = 0;

	if (p)
		sscanf(p + strlen(key), " %lu", &v);
	return v;
}

static void read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

static unsigned long len_of(const struct figures *fg, unsigned long len)
{
	if (len >= RAM_REL && len < RAM_REL + 1000)
		return (fg->ram_swap_pages + (len - RAM_REL)) * PG;
	return len;
}

static void host_figures(struct figures *fg)
{
	static char buf[8192];

	read_text("/proc/meminfo", buf, sizeof(buf));
	fg->ram_swap_pages = (proc_kb(buf, "MemTotal:") + proc_kb(buf, "SwapTotal:")) / 4;
	read_text("/proc/self/status", buf, sizeof(buf));
	fg->vm_size = proc_kb(buf, "VmSize:") << 10;
	fg->vm_data = proc_kb(buf, "VmData:") << 10;
}

static void lab_figures(struct mmlab_machine *m, struct mmlab_task *t, struct figures *fg)
{
	struct mmlab_task_info info;
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	assert_int_equal(mmlab_proc_meminfo(m, f), 0);
	fclose(f);
	fg->ram_swap_pages = (proc_kb(buf, "MemTotal:") + proc_kb(buf, "SwapTotal:")) / 4;
	mmlab_task_info(t, &info);
	fg->vm_size = info.total_vm * PG;
	fg->vm_data = info.data_vm * PG;
}

#define NR_OUT 7 /* per step: the result and up to six values */

static long ret_of(long r)
{
	return r < 0 ? -errno : r;
}

static pid_t host_child;	/* FORK's child in the host's case process */

/*
 * A child of the case process that takes the ids @id and lives until the case process exits:
 * it waits for the end of a pipe whose other end only the case process holds (the case
 * process may have lost the right to kill it).
 */
static long host_fork_child(unsigned long id)
{
	int p[2], life[2];
	char c = 0;

	if (pipe(p) || pipe(life))
		return -errno;
	host_child = fork();
	if (host_child < 0)
		return -errno;
	if (!host_child) {
		close(life[1]);
		if (id != -1UL && (syscall(SYS_setresgid, id, id, id) ||
				   syscall(SYS_setresuid, id, id, id)))
			c = 1;
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		while (read(life[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(life[0]);
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 1;
	close(p[0]);
	return c ? -EINVAL : 0;
}

static void host_step(const struct step *s, long *out)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { s->b, s->c };
	struct figures fg;
	uid_t u[3];
	gid_t g[3];
	long r;

	host_figures(&fg);
	switch (s->kind) {
	case GETRL:
		out[0] = ret_of(syscall(SYS_getrlimit, s->a, &rl));
		out[1] = (long)rl.rlim_cur;
		out[2] = (long)rl.rlim_max;
		break;
	case SETRL:
		out[0] = ret_of(syscall(SYS_setrlimit, s->a, s->d ? NULL : &rl));
		break;
	case PRLIM:
		rl = (struct rlimit){ s->b, s->c };
		{
			struct rlimit old = { 0, 0 };

			out[0] = ret_of(syscall(SYS_prlimit64, 0, s->a, s->d ? NULL : &rl, &old));
			out[1] = (long)old.rlim_cur;
			out[2] = (long)old.rlim_max;
		}
		break;
	case SETUID:
		out[0] = ret_of(syscall(SYS_setuid, s->a));
		break;
	case SETGID:
		out[0] = ret_of(syscall(SYS_setgid, s->a));
		break;
	case SETREUID:
		out[0] = ret_of(syscall(SYS_setreuid, s->a, s->b));
		break;
	case SETREGID:
		out[0] = ret_of(syscall(SYS_setregid, s->a, s->b));
		break;
	case SETRESUID:
		out[0] = ret_of(syscall(SYS_setresuid, s->a, s->b, s->c));
		break;
	case SETRESGID:
		out[0] = ret_of(syscall(SYS_setresgid, s->a, s->b, s->c));
		break;
	case CAPGET:
		out[0] = ret_of(syscall(SYS_capget, &h, d));
		out[1] = (long)(d[0].effective | (uint64_t)d[1].effective << 32);
		out[2] = (long)(d[0].permitted | (uint64_t)d[1].permitted << 32);
		out[3] = (long)(d[0].inheritable | (uint64_t)d[1].inheritable << 32);
		break;
	case CAPSET:
		syscall(SYS_capget, &h, d);
		for (int i = 0; i < 2; i++) {
			d[i].effective = (d[i].effective & ~(uint32_t)(s->a >> 32 * i)) |
					 (uint32_t)(s->d >> 32 * i);
			d[i].permitted &= ~(uint32_t)(s->b >> 32 * i);
			d[i].inheritable = (uint32_t)(s->c >> 32 * i);
		}
		out[0] = ret_of(syscall(SYS_capset, &h, d));
		break;
	case IDS:
		out[0] = ret_of(syscall(SYS_getresuid, &u[0], &u[1], &u[2]) |
				syscall(SYS_getresgid, &g[0], &g[1], &g[2]));
		for (int i = 0; i < 3; i++) {
			out[1 + i] = u[i];
			out[4 + i] = g[i];
		}
		break;
	case KEEPCAPS:
		out[0] = ret_of(syscall(SYS_prctl, PR_SET_KEEPCAPS, s->a, 0, 0, 0));
		break;
	case MMAP:
	case MMAP_KEEP:
		r = syscall(SYS_mmap, s->a, len_of(&fg, s->b), s->c, s->d, -1, 0);
		out[0] = r == -1 ? -errno : 0;
		if (r != -1 && s->kind == MMAP)
			syscall(SYS_munmap, r, len_of(&fg, s->b));
		break;
	case MLOCK:
		out[0] = ret_of(syscall(SYS_mlock, s->a, s->b));
		break;
	case MPROTECT:
		out[0] = ret_of(syscall(SYS_mprotect, s->a, len_of(&fg, s->b), s->c));
		break;
	case MREMAP:
		r = syscall(SYS_mremap, s->a, len_of(&fg, s->b), len_of(&fg, s->c), s->d, 0);
		out[0] = r == -1 ? -errno : 0;
		break;
	case MUNMAP:
		out[0] = ret_of(syscall(SYS_munmap, s->a, len_of(&fg, s->b)));
		break;
	case AS_REL:
	case DATA_REL:
		rl.rlim_cur = (s->kind == AS_REL ? fg.vm_size : fg.vm_data) + s->a;
		rl.rlim_max = INF;
		out[0] = ret_of(syscall(SYS_setrlimit, s->kind == AS_REL ? RLIMIT_AS : RLIMIT_DATA,
					&rl));
		break;
	case BRK_REL:
		r = syscall(SYS_brk, 0);
		out[0] = syscall(SYS_brk, r + (long)len_of(&fg, s->a)) == r;
		break;
	case FORK:
		out[0] = host_fork_child(s->a);
		break;
	case CHILD_PRLIM: {
		struct rlimit old = { 0, 0 };

		out[0] = ret_of(syscall(SYS_prlimit64, host_child, s->a, s->d ? NULL : &rl, &old));
		out[1] = (long)old.rlim_cur;
		out[2] = (long)old.rlim_max;
		break;
	}
	}
}

static struct mmlab_task *lab_child; /* FORK's child of the mmlab task */

static long lab_ret(int err, long val)
{
	return err ? err : val;
}

static void lab_step(struct mmlab_machine *m, struct mmlab_task *t, const struct step *s,
		     long *out)
{
	struct mmlab_rlimit rl = { s->b, s->c }, old = { 0, 0 };
	struct mmlab_caps caps;
	struct mmlab_cred cr;
	struct figures fg;
	uint64_t addr, brk;

	lab_figures(m, t, &fg);
	switch (s->kind) {
	case GETRL:
		out[0] = mmlab_getrlimit(t, (unsigned)s->a, &old);
		out[1] = (long)old.rlim_cur;
		out[2] = (long)old.rlim_max;
		break;
	case SETRL:
		out[0] = mmlab_setrlimit(t, (unsigned)s->a, s->d ? NULL : &rl);
		break;
	case PRLIM:
		out[0] = mmlab_prlimit(t, NULL, (unsigned)s->a, s->d ? NULL : &rl, &old);
		out[1] = (long)old.rlim_cur;
		out[2] = (long)old.rlim_max;
		break;
	case SETUID:
		out[0] = mmlab_setuid(t, (uint32_t)s->a);
		break;
	case SETGID:
		out[0] = mmlab_setgid(t, (uint32_t)s->a);
		break;
	case SETREUID:
		out[0] = mmlab_setreuid(t, (uint32_t)s->a, (uint32_t)s->b);
		break;
	case SETREGID:
		out[0] = mmlab_setregid(t, (uint32_t)s->a, (uint32_t)s->b);
		break;
	case SETRESUID:
		out[0] = mmlab_setresuid(t, (uint32_t)s->a, (uint32_t)s->b, (uint32_t)s->c);
		break;
	case SETRESGID:
		out[0] = mmlab_setresgid(t, (uint32_t)s->a, (uint32_t)s->b, (uint32_t)s->c);
		break;
	case CAPGET:
		out[0] = mmlab_capget(t, NULL, &caps);
		out[1] = (long)caps.effective;
		out[2] = (long)caps.permitted;
		out[3] = (long)caps.inheritable;
		break;
	case CAPSET:
		assert_int_equal(mmlab_capget(t, NULL, &caps), 0);
		caps.effective = (caps.effective & ~s->a) | s->d;
		caps.permitted &= ~s->b;
		caps.inheritable = s->c;
		out[0] = mmlab_capset(t, &caps);
		break;
	case IDS:
		mmlab_task_cred(t, &cr);
		out[0] = 0;
		out[1] = cr.uid, out[2] = cr.euid, out[3] = cr.suid;
		out[4] = cr.gid, out[5] = cr.egid, out[6] = cr.sgid;
		break;
	case KEEPCAPS:
		out[0] = mmlab_prctl_keepcaps(t, (long)s->a);
		break;
	case MMAP:
	case MMAP_KEEP:
		out[0] = lab_ret(mmlab_mmap(t, s->a, len_of(&fg, s->b), (int)s->c, (int)s->d, -1, 0,
					    &addr), 0);
		if (!out[0] && s->kind == MMAP)
			mmlab_munmap(t, addr, len_of(&fg, s->b));
		break;
	case MLOCK:
		out[0] = mmlab_mlock(t, s->a, s->b);
		break;
	case MPROTECT:
		out[0] = mmlab_mprotect(t, s->a, len_of(&fg, s->b), (int)s->c);
		break;
	case MREMAP:
		out[0] = lab_ret(mmlab_mremap(t, s->a, len_of(&fg, s->b), len_of(&fg, s->c),
					      (int)s->d, 0, &addr), 0);
		break;
	case MUNMAP:
		out[0] = mmlab_munmap(t, s->a, len_of(&fg, s->b));
		break;
	case AS_REL:
	case DATA_REL:
		rl.rlim_cur = (s->kind == AS_REL ? fg.vm_size : fg.vm_data) + s->a;
		rl.rlim_max = INF;
		out[0] = mmlab_setrlimit(t, s->kind == AS_REL ? RLIMIT_AS : RLIMIT_DATA, &rl);
		break;
	case BRK_REL:
		assert_int_equal(mmlab_brk(t, 0, &brk), 0);
		assert_int_equal(mmlab_brk(t, brk + len_of(&fg, s->a), &addr), 0);
		out[0] = addr == brk;
		break;
	case FORK:
		out[0] = mmlab_fork(t, &lab_child);
		if (!out[0] && s->a != -1UL)
			out[0] = mmlab_setresgid(lab_child, (uint32_t)s->a, (uint32_t)s->a,
						 (uint32_t)s->a) ?:
				 mmlab_setresuid(lab_child, (uint32_t)s->a, (uint32_t)s->a,
						 (uint32_t)s->a);
		break;
	case CHILD_PRLIM:
		out[0] = mmlab_prlimit(t, lab_child, (unsigned)s->a, s->d ? NULL : &rl, &old);
		out[1] = (long)old.rlim_cur;
		out[2] = (long)old.rlim_max;
		break;
	}
}

/* Runs the case natively in a child (which starts from the kernel's default limits). */
static void host_case(const struct test_case *c, long (*out)[NR_OUT])
{
	int fds[2];
	pid_t pid;
	size_t want = (size_t)c->nr * sizeof(*out);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct rlimit def[] = { [RLIMIT_STACK] = { 8UL << 20, INF },
					[RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },
					[RLIMIT_AS] = { INF, INF }, [RLIMIT_DATA] = { INF, INF } };
		long res[8][NR_OUT] = { { 0 } };

		for (int r = RLIMIT_DATA; r <= RLIMIT_AS; r++)
			if (r == RLIMIT_STACK || r == RLIMIT_MEMLOCK || r == RLIMIT_AS ||
			    r == RLIMIT_DATA)
				setrlimit(r, &def[r]);
		syscall(SYS_munmap, W, 1UL << 40);
		for (int i = 0; i < c->nr; i++)
			host_step(&c->steps[i], res[i]);

		if (write(fds[1], res, want) != (ssize_t)want)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], out, want), (ssize_t)want);
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static unsigned long host_mmap_min_addr(void)
{
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	unsigned long v = 65536;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 65536;
		fclose(f);
	}
	return v;
}

static void test_against_host(void **state)
{
	struct mmlab_task_config cfg = { .seed = 1, .privileged = 1,
					 .mmap_min_addr = host_mmap_min_addr() };
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct mmlab_caps host_caps;
	struct mmlab_machine *m;
	int failures = 0;

	(void)state;
	if (geteuid()) {
		fprintf(stderr, "test_limits: the host side needs root; skipped\n");
		skip();
	}
	assert_int_equal(syscall(SYS_capget, &h, d), 0);
	host_caps = (struct mmlab_caps){ d[0].effective | (uint64_t)d[1].effective << 32,
					 d[0].permitted | (uint64_t)d[1].permitted << 32,
					 d[0].inheritable | (uint64_t)d[1].inheritable << 32 };
	assert_int_equal(mmlab_machine_create(NULL, &m), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct test_case *c = &cases[i];
		long host[8][NR_OUT] = { { 0 } }, lab[8][NR_OUT] = { { 0 } };
		struct mmlab_task *t;

		host_case(c, host);
		assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
		/* The host's root may lack some capabilities (a container's bounding set). */
		assert_int_equal(mmlab_capset(t, &host_caps), 0);
		for (int s = 0; s < c->nr; s++) {
			lab_step(m, t, &c->steps[s], lab[s]);
			if (getenv("MMLAB_LIMITS_VERBOSE"))
				fprintf(stderr, "%-36s step %d: %ld %#lx %#lx\n", c->name, s,
					host[s][0], (unsigned long)host[s][1],
					(unsigned long)host[s][2]);
			if (memcmp(host[s], lab[s], sizeof(host[s]))) {
				fprintf(stderr, "%s, step %d: host", c->name, s);
				for (int k = 0; k < NR_OUT; k++)
					fprintf(stderr, " %#lx", (unsigned long)host[s][k]);
				fprintf(stderr, "\n%*s mmlab", (int)strlen(c->name) + 8, "");
				for (int k = 0; k < NR_OUT; k++)
					fprintf(stderr, " %#lx", (unsigned long)lab[s][k]);
				fputc('\n', stderr);
				failures++;
			}
		}
		assert_int_equal(mmlab_task_validate(t), 0);
		mmlab_task_destroy(t);
		if (lab_child)
			mmlab_exit(lab_child);
		lab_child = NULL;
	}
	mmlab_machine_destroy(m);
	assert_int_equal(failures, 0);
}

/* A /proc/meminfo figure of the machine, in pages. */
static unsigned long meminfo_pages(struct mmlab_machine *m, const char *key)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	assert_int_equal(mmlab_proc_meminfo(m, f), 0);
	fclose(f);
	return proc_kb(buf, key) / 4;
}

static struct mmlab_machine *machine_mode(int mode, uint64_t swap)
{
	struct mmlab_machine_config mc = { .overcommit_memory = mode, .swap_bytes = swap };
	struct mmlab_machine *m;

	assert_int_equal(mmlab_machine_create(&mc, &m), 0);
	return m;
}

static struct mmlab_task *task_root(struct mmlab_machine *m, int privileged)
{
	struct mmlab_task_config cfg = { .no_aslr = 1, .privileged = privileged,
					 .uid = privileged ? 0 : 1000, .gid = 1000 };
	struct mmlab_task *t;

	assert_int_equal(mmlab_task_create(m, &cfg, &t), 0);
	return t;
}

#define NP(n) ((uint64_t)(n) * PG)
#define BASE 33UL /* the exec layout's charged VMA: the 132 KiB [stack] */

/*
 * vm.overcommit_memory 2 on a 1 GiB machine without swap, derived from __vm_enough_memory:
 * CommitLimit = 262144 * 50 / 100 = 131072 pages; the admin reserve is min(free/32, 8 MiB) =
 * 2048 pages for a task without CAP_SYS_ADMIN; the per-process reserve is total_vm / 32 (the
 * exec layout's 41 pages: 1). A charge passes while the committed total including it stays
 * below CommitLimit less the reserves.
 */
static void test_overcommit_never(void **state)
{
	struct mmlab_machine *m = machine_mode(2, 0);
	struct mmlab_task *t = task_root(m, 1), *u, *child;
	struct mmlab_fault f;
	uint64_t a, b, brk;

	(void)state;
	assert_int_equal(meminfo_pages(m, "CommitLimit:"), 131072);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE);
	/* root: 33 + N < 131072 - 1 */
	assert_int_equal(mmlab_mmap(t, 0, NP(131038), RW, PRIV, -1, 0, &a), -ENOMEM);
	assert_int_equal(mmlab_mmap(t, 0, NP(131038), RW, PRIV | MAP_NORESERVE, -1, 0, &a),
			 -ENOMEM);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE);
	assert_int_equal(mmlab_mmap(t, 0, NP(131037), RW, PRIV, -1, 0, &a), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 131037);
	/*
	 * The stack cannot grow now: total_vm is 131078 pages, its reserve 4096, so the limit is
	 * 126976 and one more page fails.
	 */
	assert_int_equal(mmlab_touch(t, 0x7ffffffde000UL - PG, 1, "w", &f), -EFAULT);
	assert_int_equal(f.signo, 11);
	assert_int_equal(mmlab_munmap(t, a, NP(131037)), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE);
	assert_int_equal(mmlab_touch(t, 0x7ffffffde000UL - PG, 1, "w", &f), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1);

	/* mprotect charges: after the 126943-page PROT_NONE map, total_vm/32 is 3968 */
	assert_int_equal(mmlab_mmap(t, 0, NP(126943), PROT_NONE, PRIV, -1, 0, &a), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1);
	/* total_vm 126985 -> reserve 3968 -> limit 127104: 34 + N < 127104 */
	assert_int_equal(mmlab_mprotect(t, a, NP(126943), RW), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 126943);
	assert_int_equal(mmlab_mprotect(t, a, NP(126943), PROT_READ), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1); /* no anon_vma: uncharged */
	assert_int_equal(mmlab_munmap(t, a, NP(126943)), 0);
	assert_int_equal(mmlab_mmap(t, 0, NP(200000), PROT_NONE, PRIV, -1, 0, &a), 0);
	/* total_vm 200042 -> reserve 6251 -> limit 124821: 34 + N < 124821 */
	assert_int_equal(mmlab_mprotect(t, a, NP(124787), RW), -ENOMEM);
	assert_int_equal(mmlab_mprotect(t, a, NP(124786), RW), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 124786);
	assert_int_equal(mmlab_munmap(t, a, NP(200000)), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1);

	/* brk: 34 + K < 131071 */
	assert_int_equal(mmlab_brk(t, 0, &brk), 0);
	assert_int_equal(mmlab_brk(t, brk + NP(131037), &b), 0);
	assert_int_equal(b, brk);
	assert_int_equal(mmlab_brk(t, brk + NP(131036), &b), 0);
	assert_int_equal(b, brk + NP(131036));
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 131036);
	assert_int_equal(mmlab_brk(t, brk, &b), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1);

	/* mremap growth charges the delta: 35 + K < 131071 (total_vm 43: reserve 1) */
	assert_int_equal(mmlab_mmap(t, 0x10000000, PG, RW, PRIV | MAP_FIXED, -1, 0, &a), 0);
	assert_int_equal(mmlab_mremap(t, a, PG, NP(131037), 0, 0, &b), -ENOMEM);
	assert_int_equal(mmlab_mremap(t, a, PG, NP(131036), 0, 0, &b), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 131036);
	/*
	 * A move charges its growth, here 0 pages - and a charge of 0 is still checked: with
	 * total_vm at 131078 pages the limit is 126976, below the 131070 committed.
	 */
	assert_int_equal(mmlab_mremap(t, a, NP(131036), NP(131036), MREMAP_MAYMOVE | MREMAP_FIXED,
				      0x200000000000UL, &b), -ENOMEM);
	/* shrinking returns the charge; then the move passes and keeps it */
	assert_int_equal(mmlab_mremap(t, a, NP(131036), NP(2), 0, 0, &b), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 2);
	assert_int_equal(mmlab_mremap(t, a, NP(2), NP(2), MREMAP_MAYMOVE | MREMAP_FIXED,
				      0x200000000000UL, &b), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 2);
	/* a growing move charges the delta; MREMAP_DONTUNMAP charges the whole new copy */
	assert_int_equal(mmlab_mremap(t, b, NP(2), NP(3), MREMAP_MAYMOVE | MREMAP_FIXED,
				      0x300000000000UL, &b), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 3);
	assert_int_equal(mmlab_mremap(t, b, NP(3), NP(3), MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
				      0, &a), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 1 + 6);
	assert_int_equal(mmlab_munmap(t, a, NP(3)), 0);
	assert_int_equal(mmlab_mremap(t, b, NP(3), PG, 0, 0, &b), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 2);

	/* fork charges the child: 70000 + 70000 pages cannot both be promised */
	assert_int_equal(mmlab_mmap(t, 0, NP(70000), RW, PRIV, -1, 0, &a), 0);
	assert_int_equal(mmlab_fork(t, &child), -ENOMEM);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 2 + 70000);
	assert_int_equal(mmlab_munmap(t, a, NP(70000)), 0);
	assert_int_equal(mmlab_fork(t, &child), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), 2 * (BASE + 2));
	mmlab_exit(child);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 2);

	/* shared anonymous memory is charged whole, MAP_NORESERVE or not, and not again at fork */
	assert_int_equal(mmlab_mmap(t, 0, NP(100), RW, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
				    -1, 0, &a), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 2 + 100);
	assert_int_equal(mmlab_fork(t, &child), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), 2 * (BASE + 2) + 100);
	assert_int_equal(mmlab_munmap(t, a, NP(100)), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), 2 * (BASE + 2) + 100);
	mmlab_exit(child);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 2);

	/* without CAP_SYS_ADMIN the admin reserve (2048 pages) applies: 33 + N < 129023 */
	u = task_root(m, 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), 2 * BASE + 2);
	assert_int_equal(mmlab_mmap(u, 0, NP(128989 - BASE - 2 + 1), RW, PRIV, -1, 0, &a),
			 -ENOMEM);
	assert_int_equal(mmlab_mmap(u, 0, NP(128989 - BASE - 2), RW, PRIV, -1, 0, &a), 0);
	mmlab_task_destroy(u);
	assert_int_equal(mmlab_task_validate(t), 0);
	mmlab_task_destroy(t);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), 0);
	mmlab_machine_destroy(m);
}

/* Modes 1 and 0 with swap, the kbytes form of the limit, and the sysctl interface. */
/* VmLck of this process, in pages. */
static long host_locked_pages(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 4;
}

static long lab_locked_pages(struct mmlab_task *t)
{
	struct mmlab_task_info info;

	mmlab_task_info(t, &info);
	assert_int_equal(mmlab_task_validate(t), 0); /* mm_validate: VM_LOCKED pages vs VmLck */
	return (long)info.locked_vm;
}

/*
 * MREMAP_DONTUNMAP of two pages out of a locked 10-page VMA: the new range is charged to
 * VmLck, the whole old VMA is unlocked without being uncharged, and those ten pages stay in
 * VmLck after it is unmapped. VmLck changes must match the host's step by step (Linux 6.16+;
 * where this process cannot mlock, only mmlab's figures are checked, against 6.18's).
 */
static void test_dontunmap_locked(void **state)
{
	static const long expect[] = { 10, 12, 12, 10 };
	struct mmlab_machine *m = machine_mode(0, 0);
	struct mmlab_task *t = task_root(m, 1);
	long host[4], lab[4], host0 = host_locked_pages(), lab0 = lab_locked_pages(t);
	char *p = mmap(NULL, NP(10), RW, PRIV, -1, 0), *d = mmap(NULL, NP(2), PROT_NONE, PRIV, -1, 0);
	/* the raw system call: ASan's mlock interceptor does nothing */
	bool native = p != MAP_FAILED && d != MAP_FAILED && host0 >= 0 &&
		      !syscall(SYS_mlock, p, NP(10));
	uint64_t a, b, r;

	(void)state;
	if (native) {
		host[0] = host_locked_pages() - host0;
		native = host[0] == 10 && mremap(p + NP(4), NP(2), NP(2), MREMAP_MAYMOVE | MREMAP_FIXED |
				MREMAP_DONTUNMAP, d) == d;
		host[1] = host_locked_pages() - host0;
		munmap(p, NP(10));
		host[2] = host_locked_pages() - host0;
		munmap(d, NP(2));
		host[3] = host_locked_pages() - host0;
	}
	assert_int_equal(mmlab_mmap(t, 0, NP(10), RW, PRIV, -1, 0, &a), 0);
	assert_int_equal(mmlab_mmap(t, 0, NP(2), PROT_NONE, PRIV, -1, 0, &b), 0);
	assert_int_equal(mmlab_mlock(t, a, NP(10)), 0);
	lab[0] = lab_locked_pages(t) - lab0;
	assert_int_equal(mmlab_mremap(t, a + NP(4), NP(2), NP(2), MREMAP_MAYMOVE | MREMAP_FIXED |
				      MREMAP_DONTUNMAP, b, &r), 0);
	assert_int_equal(r, b);
	lab[1] = lab_locked_pages(t) - lab0;
	assert_int_equal(mmlab_munmap(t, a, NP(10)), 0);
	lab[2] = lab_locked_pages(t) - lab0;
	assert_int_equal(mmlab_munmap(t, b, NP(2)), 0);
	lab[3] = lab_locked_pages(t) - lab0;
	for (int i = 0; i < 4; i++) {
		if (native)
			assert_int_equal(lab[i], host[i]);
		assert_int_equal(lab[i], expect[i]);
	}
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

static void test_overcommit_sysctl(void **state)
{
	struct mmlab_machine *m = machine_mode(1, 256UL << 20);
	struct mmlab_task *t = task_root(m, 1);
	uint64_t a, v;

	(void)state;
	/* always: four times RAM is promised; the total counts it all */
	assert_int_equal(mmlab_mmap(t, 0, NP(4 * 262144), RW, PRIV, -1, 0, &a), 0);
	assert_int_equal(meminfo_pages(m, "Committed_AS:"), BASE + 4 * 262144);
	assert_int_equal(meminfo_pages(m, "SwapTotal:"), 65536);
	assert_int_equal(meminfo_pages(m, "CommitLimit:"), 131072 + 65536);
	assert_int_equal(mmlab_munmap(t, a, NP(4 * 262144)), 0);

	/* heuristic: one request above RAM + swap fails */
	v = 0;
	assert_int_equal(mmlab_sysctl(m, "vm.overcommit_memory", &v, &a), 0);
	assert_int_equal(a, 1);
	assert_int_equal(mmlab_mmap(t, 0, NP(262144 + 65536 + 1), RW, PRIV, -1, 0, &a), -ENOMEM);
	assert_int_equal(mmlab_mmap(t, 0, NP(262144 + 65536), RW, PRIV, -1, 0, &a), 0);
	assert_int_equal(mmlab_munmap(t, a, NP(262144 + 65536)), 0);

	/* overcommit_kbytes replaces the ratio (and zeroes it), and back */
	v = 100000;
	assert_int_equal(mmlab_sysctl(m, "vm.overcommit_kbytes", &v, NULL), 0);
	assert_int_equal(mmlab_sysctl(m, "vm.overcommit_ratio", NULL, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(meminfo_pages(m, "CommitLimit:"), 25000 + 65536);
	v = 10;
	assert_int_equal(mmlab_sysctl(m, "vm.overcommit_ratio", &v, NULL), 0);
	assert_int_equal(mmlab_sysctl(m, "vm.overcommit_kbytes", NULL, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(meminfo_pages(m, "CommitLimit:"), 26214 + 65536);
	v = 3;
	assert_int_equal(mmlab_sysctl(m, "vm.overcommit_memory", &v, NULL), -EINVAL);
	assert_int_equal(mmlab_sysctl(m, "vm.swappiness", NULL, &a), -ENOENT);
	assert_int_equal(mmlab_sysctl(m, "vm.admin_reserve_kbytes", NULL, &a), 0);
	assert_int_equal(a, 8192);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

/*
 * vm_commit_limit as mm/util.c computes it, from meminfo's MemTotal and SwapTotal (kB) and
 * the two sysctls: overcommit_kbytes when set, else MemTotal pages * ratio / 100 (integer
 * division of pages); plus the swap pages. In kB.
 */
static unsigned long commit_limit_kb(unsigned long mem_kb, unsigned long swap_kb,
				     unsigned long ratio, unsigned long kbytes)
{
	unsigned long allowed = kbytes ? kbytes / 4 : mem_kb / 4 * ratio / 100;

	return (allowed + swap_kb / 4) * 4;
}

/*
 * The formula against the host's own /proc/meminfo and sysctls, then against mmlab's meminfo
 * with a real swap area on and off, by ratio and by kbytes.
 */
static void test_commit_limit_formula(void **state)
{
	static char buf[8192], num[64];
	unsigned long ratio, kbytes, mem, swap;
	struct mmlab_machine *m = machine_mode(2, 0);
	struct mmlab_task *t = task_root(m, 1);
	char path[] = "/tmp/mmlab-commit-swap.XXXXXX";
	uint64_t v;
	int fd;

	(void)state;
	read_text("/proc/meminfo", buf, sizeof(buf));
	mem = proc_kb(buf, "MemTotal:");
	swap = proc_kb(buf, "SwapTotal:");
	read_text("/proc/sys/vm/overcommit_ratio", num, sizeof(num));
	ratio = strtoul(num, NULL, 10);
	read_text("/proc/sys/vm/overcommit_kbytes", num, sizeof(num));
	kbytes = strtoul(num, NULL, 10);
	assert_int_equal(proc_kb(buf, "CommitLimit:"), commit_limit_kb(mem, swap, ratio, kbytes));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, 4L << 20), 0);
	assert_int_equal(mmlab_mkswap(fd), 0);
	assert_int_equal(mmlab_swap_attach(m, "/swapfile", fd, MMLAB_SWAP_OWN_FD), 0);
	for (int on = 0; on < 2; on++) {
		if (on)
			assert_int_equal(mmlab_swapon(t, "/swapfile", 0), 0);
		mem = meminfo_pages(m, "MemTotal:") * 4;
		swap = meminfo_pages(m, "SwapTotal:") * 4;
		assert_int_equal(swap, on ? (1024 - 1) * 4 : 0);	/* less the header page */
		assert_int_equal(meminfo_pages(m, "CommitLimit:") * 4,
				 commit_limit_kb(mem, swap, 50, 0));
		v = 12345;
		assert_int_equal(mmlab_sysctl(m, "vm.overcommit_kbytes", &v, NULL), 0);
		assert_int_equal(meminfo_pages(m, "CommitLimit:") * 4,
				 commit_limit_kb(mem, swap, 0, 12345));
		v = 50;
		assert_int_equal(mmlab_sysctl(m, "vm.overcommit_ratio", &v, NULL), 0);
	}
	assert_int_equal(mmlab_swapoff(t, "/swapfile"), 0);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

/*
 * Limits are per process: a thread shares them, a fork child copies them; credentials are
 * copied at fork. prlimit on another process needs matching ids or CAP_SYS_RESOURCE.
 */
static void test_inherit(void **state)
{
	struct mmlab_machine *m = machine_mode(0, 0);
	struct mmlab_task *t = task_root(m, 1), *thr, *child, *other;
	struct mmlab_rlimit r = { 1UL << 20, 2UL << 20 }, got;
	struct mmlab_cred cr;

	(void)state;
	assert_int_equal(mmlab_clone(t, 0x10000 | 0x800 | 0x100, &thr), 0); /* THREAD|SIGHAND|VM */
	assert_int_equal(mmlab_fork(t, &child), 0);
	assert_int_equal(mmlab_setrlimit(t, RLIMIT_STACK, &r), 0);
	assert_int_equal(mmlab_getrlimit(thr, RLIMIT_STACK, &got), 0);
	assert_int_equal(got.rlim_cur, 1UL << 20);
	assert_int_equal(mmlab_getrlimit(child, RLIMIT_STACK, &got), 0);
	assert_int_equal(got.rlim_cur, 8UL << 20);
	assert_int_equal(mmlab_getrlimit(t, RLIMIT_NOFILE, &got), 0);
	assert_int_equal(got.rlim_cur, 1024);
	assert_int_equal(got.rlim_max, 4096);
	assert_int_equal(mmlab_getrlimit(t, RLIMIT_NPROC, &got), 0);
	assert_int_equal(got.rlim_cur, 262144UL * 4096 / (16384 * 8) / 2);
	assert_int_equal(mmlab_getrlimit(t, RLIMIT_CORE, &got), 0);
	assert_int_equal(got.rlim_cur, 0);
	assert_int_equal(mmlab_getrlimit(t, RLIMIT_NOFILE, NULL), -EFAULT);
	r = (struct mmlab_rlimit){ 1, 1UL << 20 };
	assert_int_equal(mmlab_setrlimit(t, RLIMIT_NOFILE, &r), 0);
	r.rlim_max = (1UL << 20) + 1;
	assert_int_equal(mmlab_setrlimit(t, RLIMIT_NOFILE, &r), -EPERM); /* above fs.nr_open */

	/* a child that dropped root: its own limits, not another's */
	assert_int_equal(mmlab_setresuid(child, 1000, 1000, 1000), 0);
	mmlab_task_cred(child, &cr);
	assert_int_equal(cr.cap_effective, 0);
	assert_int_equal(mmlab_fork(child, &other), 0);
	mmlab_task_cred(other, &cr);
	assert_int_equal(cr.uid, 1000);
	r = (struct mmlab_rlimit){ 4096, 4096 };
	assert_int_equal(mmlab_prlimit(child, other, RLIMIT_MEMLOCK, &r, NULL), 0);
	assert_int_equal(mmlab_prlimit(child, t, RLIMIT_MEMLOCK, NULL, &got), -EPERM);
	assert_int_equal(mmlab_prlimit(t, other, RLIMIT_MEMLOCK, NULL, &got), 0);
	assert_int_equal(got.rlim_max, 4096);
	assert_int_equal(mmlab_prctl_keepcaps(t, 2), -EINVAL);
	assert_int_equal(mmlab_prctl_keepcaps(t, -1), 0);
	mmlab_exit(other);
	mmlab_exit(child);
	mmlab_exit(thr);
	mmlab_task_destroy(t);
	mmlab_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_host),
		cmocka_unit_test(test_overcommit_never),
		cmocka_unit_test(test_overcommit_sysctl),
		cmocka_unit_test(test_commit_limit_formula),
		cmocka_unit_test(test_dontunmap_locked),
		cmocka_unit_test(test_inherit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
