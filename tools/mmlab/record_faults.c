// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmlab record --faults: the page faults the traced threads took in user mode, from the
 * kernel's software page-fault event (perf_event_open with PERF_COUNT_SW_PAGE_FAULTS, one
 * sample per fault: the faulting address, the instruction pointer, the thread and the time on
 * CLOCK_MONOTONIC, the clock record.c reads at every ptrace stop). One event per CPU is opened
 * on the first task before its execve (enabled by that execve) and inherited by every thread
 * and child it makes; the kernel sends the children's samples to the ring buffer of the CPU
 * they ran on, and the samples of all buffers are merged by time. record.c asks at
 * each stop for the faults older than the stop, in time order, and prints them as
 * `touch(ADDR, 1, "r"|"w"|"x") = 0` lines.
 *
 * The sample carries no access type, so each fault is classified (rec_faults_due()):
 *  - "x" when the address is the instruction pointer, or the start of the page an instruction
 *    that began less than 16 bytes before it runs into (an instruction fetch);
 *  - "r" in a VMA without write permission (/proc/PID/maps at the time of the stop);
 *  - in a writable VMA, the page's state at the stop decides (/proc/PID/pagemap, and
 *    /proc/kpageflags for the frame): a private page that is anonymous now (and not the zero
 *    page), a shared page that is dirty, an anonymous page not present (swapped, or zapped
 *    once a running thread's fault had a moment to map it: rf_page_written()):
 *    the page's last fault before the stop was a write ("w"), its earlier ones reads; else all
 *    were reads. A read fault followed by a write fault is two faults, so this is exact for one
 *    thread between two of its stops, except where a write came from the kernel (read(2)
 *    into the page: the fault was a read, the page is written) or from another thread or
 *    process without a fault of its own.
 * Faults the kernel took in kernel mode on user memory for a system call (copy_to_user into a
 * fresh buffer: the sample's instruction pointer is the kernel's) belong to that call: record.c
 * drops them when the call is in the log (replaying it makes them again), and prints them as
 * the thread's touches when it is not (read(2) and the other calls record leaves out). Where
 * perf_event_paranoid allows only user-mode samples, the event excludes the kernel and those
 * faults are not seen (the closing "# faults:" line says so).
 * record.c gives the fault a SIGSEGV or SIGBUS came from that signal as its result.
 * Left out: faults the recorder's own reads of the tracee cause, [vsyscall]'s faults as touches
 * (record.c writes them as comments: mmlab has no VMA there), and the hardware's own access
 * bits (hardware counters are not needed and not used).
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RF_DATA_PAGES 2048 /* each CPU's ring buffer: 8 MiB of samples (40 bytes each) */
#define RF_PAGE 4096UL
#define RF_KERNEL_IP 0xffff800000000000ULL /* x86-64's kernel half */
#define RF_INFLIGHT_NAP_US 100 /* a fault still mapping its page: see rf_page_written() */
#define RF_INFLIGHT_NAPS 20 /* per page */
#define RF_INFLIGHT_WAIT_US 10000 /* per drain */

/* One PERF_RECORD_SAMPLE with IP | TID | TIME | ADDR, in the kernel's field order. */
struct rf_sample {
	struct perf_event_header header;
	uint64_t ip;
	uint32_t pid, tid;
	uint64_t time;
	uint64_t addr;
};

/**
 * rec_clock_ns() - the clock of the ptrace stops and of the fault samples.
 *
 * Context: any.
 * Return: CLOCK_MONOTONIC in nanoseconds.
 */
uint64_t rec_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void rf_wakeup(int sig)
{
	(void)sig; /* only interrupts the tracer's waitpid so that it drains the buffers */
}

/* SIGIO when a buffer is half full: the tracer drains it while the tracee runs on. */
static void rf_async(int fd)
{
	struct sigaction sa = { .sa_handler = rf_wakeup };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGIO, &sa, NULL) || fcntl(fd, F_SETOWN, getpid()))
		return;
	fcntl(fd, F_SETFL, O_ASYNC);
}

/* The event of @pid on @cpu, with its ring buffer; 0 or -errno (@why says which step). */
static int rf_open_cpu(struct rec_faults *rf, pid_t pid, unsigned int cpu, char *why,
		       size_t whylen)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			       PERF_SAMPLE_ADDR,
		.disabled = 1,
		.enable_on_exec = 1,
		.inherit = 1,
		.exclude_kernel = !rf->with_kernel,
		.exclude_hv = 1,
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
		.watermark = 1,
		.wakeup_watermark = RF_DATA_PAGES * RF_PAGE / 2,
	};
	int fd, err;
	void *base;

	fd = (int)syscall(SYS_perf_event_open, &attr, pid, (int)cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(why, whylen, "perf_event_open(PERF_COUNT_SW_PAGE_FAULTS) on CPU %u: %s%s",
			 cpu, strerror(-err),
			 err == -EACCES || err == -EPERM ? " (kernel.perf_event_paranoid?)" : "");
		return err;
	}
	base = mmap(NULL, rf->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		snprintf(why, whylen, "mmap of the perf ring buffer: %s", strerror(-err));
		close(fd);
		return err;
	}
	rf->fds[cpu] = fd;
	rf->bases[cpu] = base;
	rf_async(fd);
	return 0;
}

/**
 * rec_faults_open() - the page-fault events of @pid and its future threads and children.
 * @rf: zeroed state (kpageflags -1).
 * @pid: the first task, stopped before its execve (the events start counting at the exec).
 * @why: receives the reason on failure.
 * @whylen: its size.
 *
 * One event per CPU, inherited (the kernel refuses to map a per-task inherited event); a CPU
 * that is not online (ENODEV) gets none.
 * Context: the tracer, before the first PTRACE_SYSCALL.
 * Return: 0, or -errno of perf_event_open or mmap (ENOENT: no software events in this kernel,
 * EACCES/EPERM: perf_event_paranoid or a seccomp policy forbids them).
 */
int rec_faults_open(struct rec_faults *rf, pid_t pid, char *why, size_t whylen)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	unsigned int opened = 0;
	int err = -ENODEV;

	rf->nr_cpus = n > 0 ? (unsigned int)n : 1;
	rf->len = (RF_DATA_PAGES + 1) * RF_PAGE;
	rf->fds = malloc(rf->nr_cpus * sizeof(*rf->fds));
	rf->bases = calloc(rf->nr_cpus, sizeof(*rf->bases));
	if (!rf->fds || !rf->bases) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int cpu = 0; cpu < rf->nr_cpus; cpu++)
		rf->fds[cpu] = -1;
	rf->with_kernel = true;
	for (unsigned int cpu = 0; cpu < rf->nr_cpus; cpu++) {
		err = rf_open_cpu(rf, pid, cpu, why, whylen);
		if ((err == -EACCES || err == -EPERM) && rf->with_kernel && !opened) {
			/* perf_event_paranoid 2 lets a user see its user-mode faults only */
			rf->with_kernel = false;
			err = rf_open_cpu(rf, pid, cpu, why, whylen);
		}
		if (err == -ENODEV)
			continue;
		if (err)
			return err;
		opened++;
	}
	if (!opened)
		return err;
	rf->on = true;
	rf->kpageflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	return 0;
}

static int rf_push(struct rec_faults *rf, const struct rf_sample *s)
{
	if (rf->nr == rf->cap) {
		size_t cap = rf->cap ? rf->cap * 2 : 4096;
		struct rec_fault *p = realloc(rf->pending, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rf->pending = p;
		rf->cap = cap;
	}
	rf->pending[rf->nr++] = (struct rec_fault){ .time = s->time, .ip = s->ip, .addr = s->addr,
						    .pid = (pid_t)s->pid, .tid = (pid_t)s->tid,
						    .kernel = s->ip >= RF_KERNEL_IP };
	return 0;
}

/* Moves one ring buffer's samples to the pending list. */
static void rf_drain_one(struct rec_faults *rf, struct perf_event_mmap_page *meta)
{
	const unsigned char *data = (const unsigned char *)meta + meta->data_offset;
	uint64_t head, tail, size = meta->data_size;

	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	while (tail < head) {
		struct perf_event_header h;
		unsigned char rec[256];

		for (size_t k = 0; k < sizeof(h); k++)
			((unsigned char *)&h)[k] = data[(tail + k) % size];
		if (h.size < sizeof(h))
			break;
		if (h.size <= sizeof(rec)) {
			for (size_t k = 0; k < h.size; k++)
				rec[k] = data[(tail + k) % size];
			if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(struct rf_sample)) {
				struct rf_sample s;

				memcpy(&s, rec, sizeof(s));
				if (rf_push(rf, &s))
					rf->lost++;
			} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
				uint64_t lost;

				memcpy(&lost, rec + sizeof(h) + 8, sizeof(lost));
				rf->lost += lost;
			}
		}
		tail += h.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

/**
 * rec_faults_drain() - move the ring buffers' samples to the pending list.
 * @rf: the state; nothing happens when faults are not recorded.
 *
 * Context: the tracer.
 */
void rec_faults_drain(struct rec_faults *rf)
{
	if (!rf->on)
		return;
	for (unsigned int cpu = 0; cpu < rf->nr_cpus; cpu++)
		if (rf->bases[cpu])
			rf_drain_one(rf, rf->bases[cpu]);
}

static int rf_cmp_time(const void *a, const void *b)
{
	const struct rec_fault *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* An instruction fetch: the address is the instruction's, or the page it runs into. */
static bool rf_is_fetch(const struct rec_fault *f)
{
	return f->addr == f->ip ||
	       (!(f->addr & (RF_PAGE - 1)) && f->addr > f->ip && f->addr - f->ip < 16);
}

/* One line of /proc/PID/maps, as much as the classification needs. */
struct rf_vma {
	unsigned long start, end;
	bool write, shared, anon; /* anon: no file behind it ([heap], [stack], nameless) */
	bool special;             /* [vsyscall]: no VMA in mmlab (the vDSO's have pages) */
};

struct rf_maps {
	pid_t pid;
	struct rf_vma *v;
	size_t nr, cap;
};

static void rf_read_maps(struct rf_maps *m, pid_t pid)
{
	char path[64], line[4352], perms[8];
	FILE *f;

	m->pid = pid;
	m->nr = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct rf_vma v = { 0 };
		unsigned long ino;
		int name = 0;

		if (sscanf(line, "%lx-%lx %7s %*x %*x:%*x %lu %n", &v.start, &v.end, perms, &ino,
			   &name) < 4)
			continue;
		v.write = perms[1] == 'w';
		v.shared = perms[3] == 's';
		v.anon = !ino;
		v.special = name && !strncmp(line + name, "[vsyscall]", 10);
		if (m->nr == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct rf_vma *p = realloc(m->v, cap * sizeof(*p));

			if (!p)
				break;
			m->v = p;
			m->cap = cap;
		}
		m->v[m->nr++] = v;
	}
	fclose(f);
}

static const struct rf_vma *rf_find(const struct rf_maps *m, unsigned long addr)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->v[mid].end <= addr)
			lo = mid + 1;
		else if (m->v[mid].start > addr)
			hi = mid;
		else
			return &m->v[mid];
	}
	return NULL;
}

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61) /* a page-cache page or shared anonymous memory */
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_DIRTY 4
#define KPF_ZERO_PAGE 24

static uint64_t rf_kpageflags(const struct rec_faults *rf, uint64_t pfn)
{
	uint64_t flags = 0;

	if (rf->kpageflags < 0 || !pfn ||
	    pread(rf->kpageflags, &flags, sizeof(flags), (off_t)(pfn * 8)) != sizeof(flags))
		return 0;
	return flags;
}

/* Whether the page at @addr of @vma (writable) shows a write at the time of the stop. */
static bool rf_page_written(const struct rec_faults *rf, int pagemap, const struct rf_vma *vma,
			    unsigned long addr, unsigned int *wait_us)
{
	uint64_t e = 0, pfn;

	if (pagemap < 0 ||
	    pread(pagemap, &e, sizeof(e), (off_t)(addr / RF_PAGE * 8)) != sizeof(e))
		return vma->anon;
	/*
	 * The sample is taken as the fault begins (do_user_addr_fault's perf_sw_event), before
	 * the page is mapped: a thread that is not stopped may still be inside that fault, and
	 * its page would read as gone, and a read fault taken for a write makes the replay
	 * allocate a page the kernel left on the zero page. So a page not present is read again
	 * after short naps, within *@wait_us for the whole drain, before it counts as written
	 * and zapped.
	 */
	for (unsigned int nap = 0; !(e & (PM_PRESENT | PM_SWAP)) && vma->anon &&
				   nap < RF_INFLIGHT_NAPS && *wait_us >= RF_INFLIGHT_NAP_US; nap++) {
		usleep(RF_INFLIGHT_NAP_US);
		*wait_us -= RF_INFLIGHT_NAP_US;
		if (pread(pagemap, &e, sizeof(e), (off_t)(addr / RF_PAGE * 8)) != sizeof(e))
			return vma->anon;
	}
	if (!(e & PM_PRESENT))
		return (e & PM_SWAP) || vma->anon;
	pfn = e & PM_PFN_MASK;
	if (vma->shared)
		return rf_kpageflags(rf, pfn) & (1ULL << KPF_DIRTY);
	if (e & PM_FILE)
		return false;
	return !(rf_kpageflags(rf, pfn) & (1ULL << KPF_ZERO_PAGE));
}

static int rf_cmp_page(const void *a, const void *b)
{
	const struct rec_fault *const *x = a, *const *y = b;
	unsigned long px = (*x)->addr / RF_PAGE, py = (*y)->addr / RF_PAGE;

	if ((*x)->pid != (*y)->pid)
		return (*x)->pid < (*y)->pid ? -1 : 1;
	if (px != py)
		return px < py ? -1 : 1;
	return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

static bool rf_same_page(const struct rec_fault *x, const struct rec_fault *y)
{
	return x->pid == y->pid && x->addr / RF_PAGE == y->addr / RF_PAGE;
}

/* Classifies one page's faults idx[0..n): see the file's head. */
static void rf_classify_page(const struct rec_faults *rf, struct rf_maps *maps, int *pagemap,
			     struct rec_fault **idx, size_t n, unsigned int *wait_us)
{
	const struct rf_vma *vma;
	struct rec_fault *last = NULL;
	char path[64];

	for (size_t k = 0; k < n; k++) {
		idx[k]->mode = rf_is_fetch(idx[k]) ? 'x' : 'r';
		if (idx[k]->mode == 'r')
			last = idx[k];
	}
	if (maps->pid != idx[0]->pid) {
		rf_read_maps(maps, idx[0]->pid);
		if (*pagemap >= 0)
			close(*pagemap);
		snprintf(path, sizeof(path), "/proc/%d/pagemap", idx[0]->pid);
		*pagemap = open(path, O_RDONLY | O_CLOEXEC);
	}
	vma = rf_find(maps, idx[0]->addr);
	for (size_t k = 0; vma && vma->special && k < n; k++)
		idx[k]->special = true;
	if (last && vma && vma->write && rf_page_written(rf, *pagemap, vma, last->addr, wait_us))
		last->mode = 'w';
}

/**
 * rec_faults_due() - the faults that happened before @now, classified and in time order.
 * @rf: the state.
 * @now: rec_clock_ns() taken after the stop being handled was reported.
 *
 * Drains the ring buffer first. The faults returned are rf->pending[0..return); call
 * rec_faults_consume() with the same count once they are printed.
 * Context: the tracer; reads /proc/PID/{maps,pagemap} of the faulting processes.
 * Return: the number of faults due.
 */
size_t rec_faults_due(struct rec_faults *rf, uint64_t now)
{
	struct rf_maps maps = { .pid = -1 };
	unsigned int wait_us = RF_INFLIGHT_WAIT_US;
	struct rec_fault **idx;
	int pagemap = -1;
	size_t n = 0;

	rec_faults_drain(rf);
	if (!rf->nr)
		return 0;
	for (size_t k = 0; k < rf->nr; k++)
		rf->pending[k].seq = k;
	qsort(rf->pending, rf->nr, sizeof(*rf->pending), rf_cmp_time);
	while (n < rf->nr && rf->pending[n].time <= now)
		n++;
	if (!n)
		return 0;
	idx = malloc(n * sizeof(*idx));
	if (!idx) {
		for (size_t k = 0; k < n; k++)
			rf->pending[k].mode = rf_is_fetch(&rf->pending[k]) ? 'x' : 'r';
		return n;
	}
	for (size_t k = 0; k < n; k++) {
		rf->pending[k].seq = k;
		idx[k] = &rf->pending[k];
	}
	qsort(idx, n, sizeof(*idx), rf_cmp_page);
	for (size_t k = 0, end; k < n; k = end) {
		for (end = k + 1; end < n && rf_same_page(idx[k], idx[end]); end++)
			;
		rf_classify_page(rf, &maps, &pagemap, idx + k, end - k, &wait_us);
	}
	if (pagemap >= 0)
		close(pagemap);
	free(maps.v);
	free(idx);
	return n;
}

/**
 * rec_faults_consume() - forget the first @n pending faults (printed).
 * @rf: the state.
 * @n: what rec_faults_due() returned.
 *
 * Context: the tracer.
 */
void rec_faults_consume(struct rec_faults *rf, size_t n)
{
	if (!n)
		return;
	memmove(rf->pending, rf->pending + n, (rf->nr - n) * sizeof(*rf->pending));
	rf->nr -= n;
}

/**
 * rec_faults_close() - close the event and free the pending list.
 * @rf: the state (may never have been opened).
 *
 * Context: the tracer, after the last stop.
 */
void rec_faults_close(struct rec_faults *rf)
{
	for (unsigned int cpu = 0; rf->fds && cpu < rf->nr_cpus; cpu++) {
		if (rf->bases[cpu])
			munmap(rf->bases[cpu], rf->len);
		if (rf->fds[cpu] >= 0)
			close(rf->fds[cpu]);
	}
	if (rf->kpageflags >= 0)
		close(rf->kpageflags);
	free(rf->fds);
	free(rf->bases);
	free(rf->pending);
	*rf = (struct rec_faults){ .kpageflags = -1 };
}
