// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of the calls that copy between files and memory: the same random sequence
 * of read, write, readv, writev, pread, vmsplice (both ways) and plain stores, natively on the
 * host kernel and through mmlab, on two non-blocking pipes (one in packet mode, O_DIRECT),
 * /dev/zero, /dev/null and /dev/full, with user buffers anywhere in a window of eight pages
 * and its unmapped neighbours: pages 0-2 and 5-6 read-write, 3 unmapped, 4 read-only, 7
 * PROT_NONE. Every call's result (count or errno) and, after each call, the bytes of every
 * readable page must be identical: partial counts at faults, EFAULT, EAGAIN on full and
 * empty pipes, packets, and what vmsplice'd pages show after later stores.
 * Then one pipe between two tasks across fork: the parent writes from its memory, the child
 * reads into its own (natively the child reports its count and bytes through another pipe);
 * and read()/write() against shared and private mappings of one file across fork, both ways,
 * then past a truncation (coherence()).
 * Usage: diffio [first-seed] [seeds] [ops]
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>

#include "mmlab.h"
#include <sys/ioctl.h>

/* diffio_pipe.c: bytes in the mmlab pipe of @t's @fd */
long diffio_pipe_bytes(struct mmlab_task *t, int fd);
#include "../../tools/mmlab/host_probe.h"

#define WIN 0x310000000000UL
#define PG 4096UL
#define NPAGES 8

static const int page_prot[NPAGES] = {
	PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, -1, PROT_READ,
	PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_NONE,
};

enum { PA_R, PA_W, PB_R, PB_W, ZERO, NUL, FULL, NFDS };

struct side {
	int fd[NFDS];
	struct mmlab_task *t;		/* NULL: the host */
};

static uint64_t rng;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

static long host_ret(long r)
{
	return r < 0 ? -errno : r;
}

static int setup_host(struct side *s)
{
	int p[2];

	if (mmap((void *)(WIN - PG), (NPAGES + 2) * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)(WIN - PG))
		return -1;
	munmap((void *)(WIN - PG), PG);
	munmap((void *)(WIN + NPAGES * PG), PG);
	for (unsigned long i = 0; i < NPAGES; i++) {
		memset((char *)WIN + i * PG, 'a' + (int)i, PG);
		if (page_prot[i] < 0)
			munmap((void *)(WIN + i * PG), PG);
		else
			mprotect((void *)(WIN + i * PG), PG, page_prot[i]);
	}
	if (pipe2(p, O_NONBLOCK))
		return -1;
	s->fd[PA_R] = p[0], s->fd[PA_W] = p[1];
	if (pipe2(p, O_NONBLOCK | O_DIRECT))
		return -1;
	s->fd[PB_R] = p[0], s->fd[PB_W] = p[1];
	s->fd[ZERO] = open("/dev/zero", O_RDWR);
	s->fd[NUL] = open("/dev/null", O_RDWR);
	s->fd[FULL] = open("/dev/full", O_RDWR);
	return 0;
}

static int setup_mmlab(struct side *s)
{
	char fill[PG];
	uint64_t out;
	int p[2];

	if (mmlab_mmap(s->t, WIN, NPAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &out))
		return -1;
	for (unsigned long i = 0; i < NPAGES; i++) {
		memset(fill, 'a' + (int)i, PG);
		if (mmlab_poke(s->t, WIN + i * PG, fill, PG, NULL))
			return -1;
		if (page_prot[i] < 0)
			mmlab_munmap(s->t, WIN + i * PG, PG);
		else
			mmlab_mprotect(s->t, WIN + i * PG, PG, page_prot[i]);
	}
	if (mmlab_pipe2(s->t, p, O_NONBLOCK))
		return -1;
	s->fd[PA_R] = p[0], s->fd[PA_W] = p[1];
	if (mmlab_pipe2(s->t, p, O_NONBLOCK | O_DIRECT))
		return -1;
	s->fd[PB_R] = p[0], s->fd[PB_W] = p[1];
	s->fd[ZERO] = mmlab_open(s->t, "/dev/zero", O_RDWR);
	s->fd[NUL] = mmlab_open(s->t, "/dev/null", O_RDWR);
	s->fd[FULL] = mmlab_open(s->t, "/dev/full", O_RDWR);
	return 0;
}

/* One call, drawn once and run on both sides. */
struct op {
	int kind, fd, nseg;
	uint64_t addr[4], len[4];
	int64_t pos;
	unsigned char byte;
};

static const char *const kind_name[] = { "write", "read", "writev", "readv", "vmsplice-in",
					 "vmsplice-out", "store", "pread" };

static uint64_t rnd_len(void)
{
	switch (rnd(4)) {
	case 0:
		return rnd(3);
	case 1:
		return 1 + rnd(100);
	case 2:
		return 1 + rnd(5000);
	default:
		return 1 + rnd(20000);
	}
}

static void draw(struct op *o)
{
	static const int wfds[] = { PA_W, PA_W, PB_W, NUL, FULL, ZERO };
	static const int rfds[] = { PA_R, PA_R, PB_R, ZERO, NUL };

	*o = (struct op){ .kind = (int)rnd(8), .nseg = 1 };
	if (o->kind == 2 || o->kind == 3 || o->kind == 4 || o->kind == 5)
		o->nseg = 1 + (int)rnd(4);
	for (int i = 0; i < o->nseg; i++) {
		o->addr[i] = WIN - 64 + rnd((NPAGES + 1) * PG);
		o->len[i] = rnd_len();
	}
	switch (o->kind) {
	case 0:
	case 2:
		o->fd = wfds[rnd(6)];
		break;
	case 1:
	case 3:
		o->fd = rfds[rnd(5)];
		break;
	case 4:
		o->fd = rnd(2) ? PA_W : PB_W;
		break;
	case 5:
		o->fd = rnd(2) ? PA_R : PB_R;
		break;
	case 6:
		o->addr[0] = WIN + rnd(NPAGES * PG - 64);
		o->len[0] = 1 + rnd(64);
		o->byte = (unsigned char)rnd(256);
		break;
	default:
		o->fd = ZERO;
		o->pos = (int64_t)rnd(1000) - 10;
		break;
	}
}

static bool writable(uint64_t a, uint64_t len)
{
	for (uint64_t p = a & ~(PG - 1); p < a + len; p += PG) {
		long i = (long)((p - WIN) / PG);

		if (p < WIN || i >= NPAGES || page_prot[i] != (PROT_READ | PROT_WRITE))
			return false;
	}
	return true;
}

static long run(const struct side *s, const struct op *o)
{
	struct iovec hv[4];
	struct mmlab_iovec mv[4];
	int fd = s->fd[o->fd];

	for (int i = 0; i < o->nseg; i++) {
		hv[i] = (struct iovec){ (void *)o->addr[i], o->len[i] };
		mv[i] = (struct mmlab_iovec){ o->addr[i], o->len[i] };
	}
	if (o->kind == 6) {
		unsigned char b[64];

		if (!writable(o->addr[0], o->len[0]))
			return 0;
		memset(b, o->byte, sizeof(b));
		if (!s->t)
			memcpy((void *)o->addr[0], b, o->len[0]);
		return s->t ? mmlab_poke(s->t, o->addr[0], b, o->len[0], NULL) : 0;
	}
	if (!s->t) {
		switch (o->kind) {
		case 0:
			return host_ret(write(fd, hv[0].iov_base, hv[0].iov_len));
		case 1:
			return host_ret(read(fd, hv[0].iov_base, hv[0].iov_len));
		case 2:
			return host_ret(writev(fd, hv, o->nseg));
		case 3:
			return host_ret(readv(fd, hv, o->nseg));
		case 4:
		case 5:
			return host_ret(vmsplice(fd, hv, (unsigned long)o->nseg, SPLICE_F_NONBLOCK));
		default:
			return host_ret(pread(fd, hv[0].iov_base, hv[0].iov_len, o->pos));
		}
	}
	switch (o->kind) {
	case 0:
		return mmlab_fd_write(s->t, fd, mv[0].base, mv[0].len);
	case 1:
		return mmlab_fd_read(s->t, fd, mv[0].base, mv[0].len);
	case 2:
		return mmlab_fd_writev(s->t, fd, mv, o->nseg);
	case 3:
		return mmlab_fd_readv(s->t, fd, mv, o->nseg);
	case 4:
	case 5:
		return mmlab_vmsplice(s->t, fd, mv, (unsigned long)o->nseg, SPLICE_F_NONBLOCK);
	default:
		return mmlab_fd_pread(s->t, fd, mv[0].base, mv[0].len, o->pos);
	}
}

/* Bytes in the pipe whose end is @fd (FIONREAD), on each side. */
static long pipe_bytes(const struct side *s, int which)
{
	int n = 0;
	long sum = 0;

	if (!s->t)
		return ioctl(s->fd[which], FIONREAD, &n) ? -1 : n;
	sum = diffio_pipe_bytes(s->t, s->fd[which]);
	return sum;
}

/* The readable pages of both sides: the first differing page, or -1. */
static int compare_memory(struct mmlab_task *t)
{
	unsigned char buf[PG];

	for (unsigned long i = 0; i < NPAGES; i++) {
		if (page_prot[i] <= 0)
			continue;
		if (mmlab_peek(t, WIN + i * PG, buf, PG, NULL) ||
		    memcmp(buf, (void *)(WIN + i * PG), PG)) {
			for (unsigned long k = 0; k < PG && getenv("DIFFIO_TRACE"); k++)
				if (buf[k] != ((unsigned char *)WIN)[i * PG + k]) {
					fprintf(stderr, "  first difference at %#lx: host %02x mmlab %02x\n",
						WIN + i * PG + k, ((unsigned char *)WIN)[i * PG + k], buf[k]);
					break;
				}
			return (int)i;
		}
	}
	return -1;
}

static int run_seed(struct mmlab_machine *m, uint64_t seed, int nops)
{
	struct mmlab_task_config cfg = { .seed = 1, .no_aslr = 1 };
	struct side host = { 0 }, ml = { 0 };
	int bad = 0;

	if (mmlab_task_create(m, &cfg, &ml.t) || setup_host(&host) || setup_mmlab(&ml)) {
		fprintf(stderr, "diffio: setup failed\n");
		return 1;
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (int n = 0; n < nops && !bad; n++) {
		struct op o;
		long a, b;
		int pg;

		draw(&o);
		a = run(&host, &o);
		b = run(&ml, &o);
		pg = compare_memory(ml.t);
		if (getenv("DIFFIO_TRACE") && o.nseg > 1)
			for (int k = 1; k < o.nseg; k++)
				fprintf(stderr, "   seg %#lx+%lu\n", (unsigned long)o.addr[k], (unsigned long)o.len[k]);
		if (getenv("DIFFIO_TRACE"))
			fprintf(stderr, "op %d %s fd %d addr %#lx len %lu (%d segs): %ld %ld  A %ld/%ld B %ld/%ld\n",
				n, kind_name[o.kind], o.fd, (unsigned long)o.addr[0], (unsigned long)o.len[0], o.nseg, a, b,
				pipe_bytes(&host, PA_R), pipe_bytes(&ml, PA_R), pipe_bytes(&host, PB_R), pipe_bytes(&ml, PB_R));
		if (pipe_bytes(&host, PA_R) != pipe_bytes(&ml, PA_R) || pipe_bytes(&host, PB_R) != pipe_bytes(&ml, PB_R))
			a = -9999;
		if (a != b || pg >= 0) {
			fprintf(stderr, "diffio: seed %lu op %d %s fd %d addr %#lx len %lu (%d segs): "
				"host %ld mmlab %ld%s\n", (unsigned long)seed, n, kind_name[o.kind],
				o.fd, (unsigned long)o.addr[0], (unsigned long)o.len[0], o.nseg, a, b,
				pg >= 0 ? ", memory differs" : "");
			bad = 1;
		}
	}
	for (int i = 0; i < NFDS; i++)
		close(host.fd[i]);
	munmap((void *)(WIN - PG), (NPAGES + 2) * PG);
	mmlab_task_destroy(ml.t);
	return bad;
}

/* Parent writes @len bytes of its memory into a pipe, the fork child reads them into its own. */
static int fork_transfer(struct mmlab_machine *m, uint64_t len)
{
	struct mmlab_task_config cfg = { .seed = 1, .no_aslr = 1 };
	struct mmlab_task *t, *child;
	unsigned char *data = malloc(len), *back = malloc(len), *got = malloc(len);
	long host_w, host_r = 0, ml_w, ml_r;
	int p[2], res[2], mp[2], bad = 0;
	uint64_t out;
	pid_t pid;

	for (uint64_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	/* The host: the child blocks in read until the parent's write arrives. */
	if (pipe(p) || pipe(res))
		return 1;
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		long r = read(p[0], buf, len), done = r > 0 ? r : 0;

		if (write(res[1], &r, sizeof(r)) != sizeof(r) || write(res[1], buf, (size_t)done) != done)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	memcpy(buf, data, len);
	host_w = host_ret(write(p[1], buf, len));
	/* The child's report before waiting: it may not fit the result pipe at once */
	if (read(res[0], &host_r, sizeof(host_r)) != sizeof(host_r))
		return 1;
	for (long got_n = 0, r; got_n < host_r; got_n += r) {
		r = read(res[0], back + got_n, (size_t)(host_r - got_n));
		if (r <= 0)
			return 1;
	}
	waitpid(pid, NULL, 0);
	munmap(buf, len);
	close(p[1]), close(res[0]), close(res[1]);
	/* mmlab: the same, the child's read after the parent's write (nothing blocks). */
	if (mmlab_task_create(m, &cfg, &t) ||
	    mmlab_mmap(t, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &out) ||
	    mmlab_pipe2(t, mp, 0) || mmlab_fork(t, &child))
		return 1;
	mmlab_poke(t, out, data, len, NULL);
	ml_w = mmlab_fd_write(t, mp[1], out, len);
	ml_r = mmlab_fd_read(child, mp[0], out, len);
	if (ml_r > 0)
		mmlab_peek(child, out, got, (uint64_t)ml_r, NULL);
	if (host_w != ml_w || host_r != ml_r ||
	    (host_r > 0 && memcmp(back, got, (size_t)host_r))) {
		fprintf(stderr, "diffio: fork transfer of %lu: host wrote %ld read %ld, mmlab wrote "
			"%ld read %ld%s\n", (unsigned long)len, host_w, host_r, ml_w, ml_r,
			host_r == ml_r ? ", bytes differ" : "");
		bad = 1;
	}
	/* The parent's page is still its own: the child's read went into the child's copy. */
	mmlab_task_destroy(child);
	mmlab_task_destroy(t);
	free(data), free(back), free(got);
	return bad;
}

/*
 * read()/write() and mappings of one file coherent in both directions across fork: the
 * parent writes and reads the file with pwrite/pread, the child reads and stores through a
 * shared and a private mapping it inherited; then a truncation makes the child's access past
 * the end SIGBUS. Each step's result (a count, 8 bytes read as a number, or -1 for SIGBUS) is
 * compared.
 */
#define COH_SHARED 0x320000000000UL
#define COH_PRIV 0x330000000000UL
#define COH_BUF 0x340000000000UL

struct coh_step {
	char who;			/* 'P' parent, 'C' child */
	char op;			/* 'w' pwrite, 'r' pread, 'l' load, 's' store, 't' ftruncate */
	unsigned long where;		/* mapping base for l/s (0 for file calls) */
	long off;
	const char *data;		/* 8 bytes for w/s */
};

static const struct coh_step coh_steps[] = {
	{ 'P', 'w', 0, 100, "AAAAAAAA" },
	{ 'C', 'l', COH_SHARED, 100, NULL },
	{ 'C', 'l', COH_PRIV, 100, NULL },
	{ 'C', 's', COH_SHARED, 5000, "BBBBBBBB" },
	{ 'P', 'r', 0, 5000, NULL },
	{ 'C', 's', COH_PRIV, 200, "CCCCCCCC" },
	{ 'P', 'r', 0, 200, NULL },
	{ 'P', 'w', 0, 200, "DDDDDDDD" },
	{ 'C', 'l', COH_PRIV, 200, NULL },
	{ 'C', 'l', COH_SHARED, 200, NULL },
	{ 'P', 'l', COH_SHARED, 5000, NULL },
	{ 'P', 'l', COH_PRIV, 5000, NULL },
	{ 'P', 't', 0, 4096, NULL },
	{ 'C', 'l', COH_SHARED, 100, NULL },
	{ 'C', 'l', COH_SHARED, 5000, NULL },
	{ 'P', 'r', 0, 5000, NULL },
};
#define NCOH (sizeof(coh_steps) / sizeof(coh_steps[0]))

static sigjmp_buf coh_jmp;

static void coh_sigbus(int sig)
{
	(void)sig;
	siglongjmp(coh_jmp, 1);
}

/* One step natively, in whichever process runs it. */
static long coh_host(const struct coh_step *st, int fd)
{
	long v = 0;

	switch (st->op) {
	case 'w':
		memcpy((void *)COH_BUF, st->data, 8);
		return host_ret(pwrite(fd, (void *)COH_BUF, 8, st->off));
	case 'r':
		if (pread(fd, (void *)COH_BUF, 8, st->off) < 0)
			return -errno;
		memcpy(&v, (void *)COH_BUF, 8);
		return v;
	case 's':
		memcpy((void *)(st->where + st->off), st->data, 8);
		return 0;
	case 't':
		return host_ret(ftruncate(fd, st->off));
	default:
		if (sigsetjmp(coh_jmp, 1))
			return -1;
		memcpy(&v, (void *)(st->where + st->off), 8);
		return v;
	}
}

static long coh_mmlab(const struct coh_step *st, struct mmlab_task *t, int fd)
{
	struct mmlab_fault fault;
	long v = 0, r;

	switch (st->op) {
	case 'w':
		mmlab_poke(t, COH_BUF, st->data, 8, NULL);
		return mmlab_fd_pwrite(t, fd, COH_BUF, 8, st->off);
	case 'r':
		r = mmlab_fd_pread(t, fd, COH_BUF, 8, st->off);
		if (r < 0)
			return r;
		mmlab_peek(t, COH_BUF, &v, 8, NULL);
		return v;
	case 's':
		return mmlab_poke(t, st->where + (unsigned long)st->off, st->data, 8, NULL);
	case 't':
		return mmlab_ftruncate(t, fd, st->off);
	default:
		if (mmlab_peek(t, st->where + (unsigned long)st->off, &v, 8, &fault))
			return fault.signo == SIGBUS ? -1 : -2;
		return v;
	}
}

static int coherence(struct mmlab_machine *m)
{
	char path[] = "/tmp/mmlab-diffio-coh.XXXXXX";
	struct mmlab_task_config cfg = { .seed = 1, .no_aslr = 1 };
	long host[NCOH], ml[NCOH];
	struct mmlab_task *t, *child;
	int fd = mkstemp(path), go[2], back[2], mfd, bad = 0;
	uint64_t out;
	pid_t pid;

	/* The host: the file, its two mappings and a buffer, then the child. */
	if (fd < 0 || ftruncate(fd, 3 * PG) || pipe(go) || pipe(back))
		return 1;
	if (mmap((void *)COH_SHARED, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 0) == MAP_FAILED ||
	    mmap((void *)COH_PRIV, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
		 0) == MAP_FAILED ||
	    mmap((void *)COH_BUF, PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return 1;
	pid = fork();
	if (pid == 0) {
		signal(SIGBUS, coh_sigbus);
		for (unsigned int i = 0; i < NCOH; i++) {
			char tok;
			long v;

			if (coh_steps[i].who != 'C')
				continue;
			if (read(go[0], &tok, 1) != 1)
				_exit(1);
			v = coh_host(&coh_steps[i], fd);
			if (write(back[1], &v, sizeof(v)) != sizeof(v))
				_exit(1);
		}
		_exit(0);
	}
	for (unsigned int i = 0; i < NCOH; i++) {
		if (coh_steps[i].who == 'P') {
			host[i] = coh_host(&coh_steps[i], fd);
		} else if (write(go[1], "x", 1) != 1 || read(back[0], &host[i], sizeof(long)) !=
			   sizeof(long)) {
			return 1;
		}
	}
	waitpid(pid, NULL, 0);
	munmap((void *)COH_SHARED, 3 * PG);
	munmap((void *)COH_PRIV, 3 * PG);
	munmap((void *)COH_BUF, PG);
	close(fd), close(go[0]), close(go[1]), close(back[0]), close(back[1]);
	unlink(path);
	/* mmlab: the same file, in the machine's memory only */
	if (mmlab_task_create(m, &cfg, &t))
		return 1;
	mfd = mmlab_openat(t, path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (mfd < 0 || mmlab_ftruncate(t, mfd, 3 * PG) ||
	    mmlab_mmap(t, COH_SHARED, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mfd, 0,
		       &out) ||
	    mmlab_mmap(t, COH_PRIV, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, mfd, 0,
		       &out) ||
	    mmlab_mmap(t, COH_BUF, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0, &out) ||
	    mmlab_fork(t, &child)) {
		fprintf(stderr, "diffio: coherence setup failed in mmlab\n");
		return 1;
	}
	for (unsigned int i = 0; i < NCOH; i++)
		ml[i] = coh_mmlab(&coh_steps[i], coh_steps[i].who == 'P' ? t : child, mfd);
	for (unsigned int i = 0; i < NCOH; i++) {
		if (getenv("DIFFIO_TRACE"))
			fprintf(stderr, "coherence %u: host %#lx mmlab %#lx\n", i,
				(unsigned long)host[i], (unsigned long)ml[i]);
		if (host[i] == ml[i])
			continue;
		fprintf(stderr, "diffio: coherence step %u (%c %c at %ld): host %#lx mmlab %#lx\n", i,
			coh_steps[i].who, coh_steps[i].op, coh_steps[i].off, (unsigned long)host[i],
			(unsigned long)ml[i]);
		bad = 1;
	}
	mmlab_task_destroy(child);
	mmlab_task_destroy(t);
	return bad;
}

int main(int argc, char **argv)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	uint64_t first = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	uint64_t seeds = argc > 2 ? strtoull(argv[2], NULL, 0) : 50;
	int nops = argc > 3 ? atoi(argv[3]) : 200, bad = 0;
	struct mmlab_machine *m;

	mc.no_zero_page = !host_has_zero_page();
	if (mmlab_machine_create(&mc, &m))
		return 1;
	for (uint64_t s = first; s < first + seeds; s++)
		bad |= run_seed(m, s, nops);
	/* At most the pipe's 64 KiB: a longer write would block the host's parent for good */
	static const uint64_t lens[] = { 1, 5, 100, 4096, 5000, 65536 };
	for (unsigned int i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		bad |= fork_transfer(m, lens[i]);
	bad |= coherence(m);
	mmlab_machine_destroy(m);
	if (!bad)
		printf("diffio: %lu seeds of %d calls, the fork transfers and file coherence "
		       "agree\n",
		       (unsigned long)seeds, nops);
	return bad;
}
