// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host primitives: anonymous mappings for the machine's RAM, a monotonic clock, the wait of a
 * contended spinlock or of a count to drop to zero, thread slots (a host thread's small
 * number, given back when it exits), the host devices' readahead limits (sysfs), the host
 * kernel's auxiliary vector (the CPU's facts exec passes on) and its vDSO image, the CPU's
 * own string copy between two aliases of one page, and positioned reads and writes of host
 * files (the swap areas), vectored for runs of pages. RAM is mapped MAP_NORESERVE so a 64 GiB
 * machine costs nothing until its frames are touched.
 */
#include "host/host.h"
#include "host/spinlock.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <elf.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Buffers per preadv/pwritev call (well under the host's IOV_MAX of 1024). */
#define HOST_IOV_MAX 64

/* Reads of a held lock before the waiter yields its host CPU to whoever holds it. */
#define SPIN_READS_BEFORE_YIELD 256

/* The spin-wait hint (cpu_relax): PAUSE on x86, YIELD on arm64, nothing elsewhere. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/**
 * __spin_lock_slowpath - take @lock, found held: spin reading it, yielding the host CPU now
 * and then so that a preempted holder can run and release it.
 * Context: any; never sleeps on a wait queue (there is none).
 */
void __spin_lock_slowpath(spinlock_t *lock)
{
	for (;;) {
		for (int i = 0; i < SPIN_READS_BEFORE_YIELD; i++) {
			if (spin_trylock(lock))
				return;
			cpu_relax();
		}
		sched_yield();
	}
}

/**
 * host_wait_for_zero - wait until *@word reads 0, spinning and now and then yielding the host
 * CPU (whoever must bring it to zero may have been preempted).
 * Context: any; never sleeps on a wait queue.
 */
void host_wait_for_zero(const int *word)
{
	for (;;) {
		for (int i = 0; i < SPIN_READS_BEFORE_YIELD; i++) {
			if (!__atomic_load_n(word, __ATOMIC_ACQUIRE))
				return;
			cpu_relax();
		}
		sched_yield();
	}
}

__thread int host_thread_slot_plus1 __attribute__((tls_model("initial-exec")));

static unsigned long thread_slots_taken;	/* Bit N: slot N belongs to a live thread */
static pthread_key_t thread_slot_key;		/* Its destructor gives the slot back */
static pthread_once_t thread_slot_once = PTHREAD_ONCE_INIT;
static int thread_slot_key_err;

static void thread_slot_release(void *slot_plus1)
{
	unsigned long bit = 1UL << ((unsigned long)(uintptr_t)slot_plus1 - 1);

	__atomic_and_fetch(&thread_slots_taken, ~bit, __ATOMIC_RELEASE);
}

/* Set once, before any thread has a slot: membarrier's private expedited command works. */
bool host_membarrier_ready;
int host_barrier_word;		/* host_barrier_light's target without membarrier */

static long sys_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

static void thread_slot_key_create(void)
{
	long cmds = sys_membarrier(MEMBARRIER_CMD_QUERY);

	thread_slot_key_err = pthread_key_create(&thread_slot_key, thread_slot_release);
	if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
	    !sys_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
		host_membarrier_ready = true;
}

/**
 * host_barrier_heavy - the rare side of the asymmetric barrier pair (host.h): once it returns,
 * every store another slot holder made before its host_barrier_light() is visible here, and
 * every load it makes after it sees this thread's seq_cst stores made before this call.
 * A thread alone with a slot skips the system call: a thread that takes a slot later does
 * so with a sequentially consistent exchange, after which it sees those stores.
 * Context: any; the stores the other side must see were seq_cst atomics.
 */
void host_barrier_heavy(void)
{
	int me = host_thread_slot();
	unsigned long others;

	if (!host_membarrier_ready)
		return;
	others = __atomic_load_n(&thread_slots_taken, __ATOMIC_SEQ_CST);
	if (me >= 0)
		others &= ~(1UL << me);
	if (others && sys_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		abort();	/* registered, so it cannot fail: a reader may be unseen */
}

/**
 * __host_thread_slot - host_thread_slot() for a thread that has none yet: takes the lowest
 * free slot, which the thread keeps until it exits. A thread that finds none asks again at
 * its next call.
 * Return: the slot, or -1.
 */
int __host_thread_slot(void)
{
	unsigned long taken;
	int s;

	if (pthread_once(&thread_slot_once, thread_slot_key_create) || thread_slot_key_err)
		return -1;
	taken = __atomic_load_n(&thread_slots_taken, __ATOMIC_RELAXED);
	do {
		if (taken == (1UL << HOST_THREAD_SLOTS) - 1)
			return -1;
		s = __builtin_ctzl(~taken);
	/* sequentially consistent: host_barrier_heavy skips the threads it sees no slot of,
	 * and from here this one sees what such a barrier's caller stored before it looked */
	} while (!__atomic_compare_exchange_n(&thread_slots_taken, &taken, taken | 1UL << s, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	if (pthread_setspecific(thread_slot_key, (void *)(uintptr_t)(s + 1))) {
		thread_slot_release((void *)(uintptr_t)(s + 1));
		return -1;
	}
	host_thread_slot_plus1 = s + 1;
	return s;
}

void *host_reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void host_release(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

void host_discard(void *p, size_t bytes)
{
	madvise(p, bytes, MADV_DONTNEED);
}

int64_t host_real_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

uint64_t host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define HOST_PAGE 4096UL

/* rep movsb, the instruction copy_user_generic runs on CPUs with FSRM (x86); a byte loop,
 * its architectural meaning, elsewhere. */
static void host_movsb(unsigned char *dst, const unsigned char *src, size_t n)
{
#if defined(__x86_64__)
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
#else
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
#endif
}

int host_copy_aliased(void *const dst_pages[2], unsigned int dst_off, const void *src_page,
		      unsigned int src_off, size_t n)
{
	unsigned int nr_dst = dst_off + n > HOST_PAGE ? 2 : 1;
	unsigned char *src_alias, *dst_alias;
	int fd, err = -1;

	if (src_off + n > HOST_PAGE || dst_off >= HOST_PAGE || dst_off + n > 2 * HOST_PAGE)
		return -1;
	/* memfd page 0: the source; pages 1, 2: the destination's pages that are not it */
	fd = memfd_create("mmlab-alias", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, 3 * HOST_PAGE))
		goto out_close;
	src_alias = mmap(NULL, HOST_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (src_alias == MAP_FAILED)
		goto out_close;
	dst_alias = mmap(NULL, 2 * HOST_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst_alias == MAP_FAILED)
		goto out_src;
	memcpy(src_alias, src_page, HOST_PAGE);
	for (unsigned int i = 0; i < nr_dst; i++) {
		bool same = dst_pages[i] == src_page;	/* NULL: a scratch page */
		off_t page = same ? 0 : (off_t)(1 + i) * (off_t)HOST_PAGE;

		if (mmap(dst_alias + i * HOST_PAGE, HOST_PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, page) == MAP_FAILED)
			goto out_dst;
		if (!same && dst_pages[i])
			memcpy(dst_alias + i * HOST_PAGE, dst_pages[i], HOST_PAGE);
	}
	host_movsb(dst_alias + dst_off, src_alias + src_off, n);
	/* Back into the machine's frames: the destination's bytes, nothing else */
	for (unsigned int i = 0, done = 0; i < nr_dst && dst_pages[i]; i++) {
		unsigned int from = i ? 0 : dst_off;
		unsigned int len = (unsigned int)(i ? n - done : (n < HOST_PAGE - from ? n : HOST_PAGE - from));

		memcpy((unsigned char *)dst_pages[i] + from, dst_alias + i * HOST_PAGE + from, len);
		done += len;
	}
	err = 0;
out_dst:
	munmap(dst_alias, 2 * HOST_PAGE);
out_src:
	munmap(src_alias, HOST_PAGE);
out_close:
	close(fd);
	return err;
}

/* One number from sysfs: 0, or -ENOENT when the file cannot be read as one. */
static int sysfs_read_uint(const char *path, unsigned int *v)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -ENOENT;
	ok = fscanf(f, "%u", v) == 1;
	fclose(f);
	return ok ? 0 : -ENOENT;
}

/* @attr of the block queue of MAJOR:MINOR, or of its whole disk when it is a partition. */
static int block_queue_attr(unsigned int major, unsigned int minor, const char *attr,
			    unsigned int *v)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/%s", major, minor, attr);
	if (!sysfs_read_uint(path, v))
		return 0;
	/* a partition's directory sits inside its disk's */
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../queue/%s", major, minor, attr);
	return sysfs_read_uint(path, v);
}

int host_bdi_limits(unsigned int major, unsigned int minor, unsigned int *ra_kb,
		    unsigned int *max_sectors_kb)
{
	char path[96];

	if (!block_queue_attr(major, minor, "read_ahead_kb", ra_kb)) {
		if (block_queue_attr(major, minor, "max_sectors_kb", max_sectors_kb))
			*max_sectors_kb = 0;
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/read_ahead_kb", major, minor);
	*max_sectors_kb = 0;
	return sysfs_read_uint(path, ra_kb);
}

int host_bdev_rotational(unsigned int major, unsigned int minor)
{
	unsigned int v;

	if (block_queue_attr(major, minor, "rotational", &v))
		return -ENOENT;
	return v != 0;
}

/*
 * The whole of @nr buffers of @each bytes, back to back in the file from @off, through short
 * transfers and EINTR: one preadv/pwritev per HOST_IOV_MAX buffers, resumed where a short
 * one stopped; 0 or -EIO.
 */
static int host_file_rwv(int fd, void *const *bufs, unsigned int nr, size_t each, uint64_t off,
			 bool write)
{
	struct iovec iov[HOST_IOV_MAX];
	uint64_t total = (uint64_t)nr * each, done = 0;

	while (done < total) {
		unsigned int first = (unsigned int)(done / each), n = 0;
		size_t skip = (size_t)(done % each);
		ssize_t got;

		for (; n < HOST_IOV_MAX && first + n < nr; n++, skip = 0)
			iov[n] = (struct iovec){ .iov_base = (char *)bufs[first + n] + skip,
						 .iov_len = each - skip };
		got = write ? pwritev(fd, iov, (int)n, (off_t)(off + done))
			    : preadv(fd, iov, (int)n, (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -EIO;
		done += (uint64_t)got;
	}
	return 0;
}

/* The whole of @len bytes at @off: a vectored transfer of one buffer; 0 or -EIO. */
int host_file_read(int fd, void *buf, size_t len, uint64_t off)
{
	return host_file_rwv(fd, &buf, 1, len, off, false);
}

int host_file_write(int fd, const void *buf, size_t len, uint64_t off)
{
	void *b = (void *)buf;

	return host_file_rwv(fd, &b, 1, len, off, true);
}

int host_file_readv(int fd, void *const *bufs, unsigned int nr, size_t each, uint64_t off)
{
	return host_file_rwv(fd, bufs, nr, each, off, false);
}

int host_file_writev(int fd, void *const *bufs, unsigned int nr, size_t each, uint64_t off)
{
	return host_file_rwv(fd, bufs, nr, each, off, true);
}

int host_file_stat(int fd, uint64_t *size, bool *regular, int *rotational)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -EBADF;
	if (size)
		*size = (uint64_t)st.st_size;
	if (regular)
		*regular = S_ISREG(st.st_mode);
	if (rotational)
		*rotational = host_bdev_rotational(major(st.st_dev), minor(st.st_dev));
	return 0;
}

void host_file_close(int fd)
{
	close(fd);
}

/*
 * The host kernel's own vector, from /proc/self/auxv (read once): glibc's getauxval answers
 * AT_HWCAP on x86 with its own view of the CPU, not the kernel's.
 */
static unsigned long host_auxv[2 * 64];
static pthread_once_t host_auxv_once = PTHREAD_ONCE_INIT;

static void host_auxv_read(void)
{
	int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (read(fd, host_auxv, sizeof(host_auxv) - 2 * sizeof(host_auxv[0])) < 0)
		host_auxv[0] = AT_NULL;
	close(fd);
}

unsigned long host_getauxval(unsigned long type)
{
	pthread_once(&host_auxv_once, host_auxv_read);
	for (size_t i = 0; i + 1 < sizeof(host_auxv) / sizeof(host_auxv[0]); i += 2) {
		if (host_auxv[i] == AT_NULL)
			break;
		if (host_auxv[i] == type)
			return host_auxv[i + 1];
	}
	return 0;
}

/* The length of the host's [vdso] mapping that starts at @base, from /proc/self/maps; 0 if none. */
static size_t host_vdso_len(unsigned long base)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long start, end;
	char line[512];
	size_t len = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " [vdso]") || sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (start == base && end > start)
			len = end - start;
		break;
	}
	fclose(f);
	return len;
}

/*
 * The vDSO the host kernel mapped into this process: an ELF image (AT_SYSINFO_EHDR) as long
 * as its [vdso] mapping in the host's maps.
 */
size_t host_vdso_image(void *buf, size_t len)
{
	unsigned long base = host_getauxval(AT_SYSINFO_EHDR);
	size_t span = base ? host_vdso_len(base) : 0;

	if (!span || memcmp((const void *)base, ELFMAG, SELFMAG))
		return 0;
	if (span > len)
		span = len;
	memcpy(buf, (const void *)base, span);
	return span;
}
