/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The replay benchmark's workload (bench_replay, test_replay_gen): a seeded generator of mixed
 * memory calls in strace syntax, each line carrying the result the host kernel gives, plus the
 * native side that executes the same calls on the host and the plumbing that feeds a log to
 * `mmlab run -` through a pipe. The generator keeps a page-level model of the address range it
 * works in, so it knows every result without running anything; the native side checks the
 * model against the kernel on every call (test_replay_gen does it in `make check`, bench_replay
 * in every run), so a wrong expectation is found where it is made, not as a replay mismatch.
 */
#ifndef MMLAB_REPLAY_GEN_H
#define MMLAB_REPLAY_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define RG_PAGE 4096UL
/*
 * The calls work in slots of a window far from the program, the libraries and the heap, both
 * on the host and in mmlab's --no-aslr layout; 32 TiB is also above AddressSanitizer's shadow,
 * so the check build's native runs can use it.
 */
#define RG_WINDOW 0x200000000000UL
#define RG_SLOTS 1024
#define RG_SLOT_PAGES 64
/*
 * A slot's mappings stay in its first RG_MAX_EXTENT pages, so slots never touch and the window
 * never holds more than RG_SLOTS * RG_MAX_EXTENT VMAs: below vm.max_map_count (65530) however
 * mprotect fragments them.
 */
#define RG_MAX_EXTENT 48
#define RG_HEAP_MAX_PAGES 1024 /* the break stays within 4 MiB of its start */
#define RG_LINE_MAX 192	       /* longest line rg_format writes, newline included */

enum rg_kind { RG_MMAP, RG_MUNMAP, RG_MPROTECT, RG_MADVISE, RG_BRK, RG_TOUCH, RG_NR_KINDS };

/* One call as generated, parsed back from its line, or executed. */
struct rg_call {
	enum rg_kind kind;
	uint64_t addr; /* brk: the new break, 0 for brk(NULL) */
	uint64_t len;  /* bytes */
	int prot;      /* mmap, mprotect: PROT_* */
	int flags;     /* mmap: MAP_*; madvise: MADV_*; touch: 'r' or 'w' */
	bool heap;     /* addr lies in the break's range (brk and touches of the heap) */
	int64_t ret;   /* the result: an address, 0 or -errno */
};

/* The generator's state: the model of the window and of the break. */
struct rg_gen {
	uint64_t rng;			    /* xorshift64* state */
	uint64_t heap_base;		    /* the break the replaying task starts with */
	uint64_t heap_pages;		    /* pages above heap_base the break holds now */
	uint8_t page[RG_SLOTS * RG_SLOT_PAGES]; /* per window page: RG_PG_* and PROT_* bits */
	uint16_t mapped[RG_SLOTS];	    /* mapped pages per slot */
	uint16_t extent[RG_SLOTS];	    /* pages from the slot's start that may be mapped */
	uint16_t pos[RG_SLOTS];		    /* a slot's index in list[] */
	uint16_t list[RG_SLOTS];	    /* occupied slots in [0, nr_used), empty ones after */
	unsigned int nr_used;		    /* slots with at least one mapped page */
	unsigned long count[RG_NR_KINDS];   /* calls generated, per kind */
};

/**
 * rg_init - start a generator.
 * @g: the generator.
 * @seed: any value; the same seed and @heap_base give the same lines.
 * @heap_base: the initial break of the replaying task (page-aligned; mmlab's --no-aslr one
 *	for `mmlab run`).
 *
 * Context: any.
 */
void rg_init(struct rg_gen *g, uint64_t seed, uint64_t heap_base);

/**
 * rg_next - generate the next call and its expected result.
 * @g: the generator.
 * @c: filled with the call.
 *
 * Context: any.
 */
void rg_next(struct rg_gen *g, struct rg_call *c);

/**
 * rg_format - write @c as one strace line with its result.
 * @c: the call.
 * @buf: at least RG_LINE_MAX bytes.
 *
 * Context: any.
 * Return: the line's length, newline included (no NUL is written).
 */
size_t rg_format(const struct rg_call *c, char *buf);

/**
 * rg_parse - read one line rg_format wrote back into a call.
 * @line: the line, without its newline.
 * @len: its length.
 * @heap_base: the break the log's addresses are relative to (sets ->heap).
 * @c: filled with the call.
 *
 * Context: any.
 * Return: 0, or -EINVAL for a line that is not one of the generator's.
 */
int rg_parse(const char *line, size_t len, uint64_t heap_base, struct rg_call *c);

/**
 * rg_exec - execute @c natively on the host.
 * @c: the call; its heap addresses are relative to the log's heap base.
 * @heap_delta: the host's break minus the log's heap base (added to heap addresses, and
 *	subtracted from brk's result).
 *
 * Touches are real accesses, one per page as mmlab_touch makes them ("w" stores the byte's
 * own value with one read-modify-write instruction, so a page faults once, for writing).
 *
 * Context: the calling process's address space; the window must be free.
 * Return: the call's result in the log's terms: an address, 0 or -errno.
 */
int64_t rg_exec(const struct rg_call *c, int64_t heap_delta);

/**
 * rg_native_heap_delta - prepare the calling process's break for rg_exec.
 * @heap_base: the log's heap base.
 *
 * Context: a process that will not call malloc while it runs rg_exec (the break is the log's).
 * Return: the delta to give rg_exec.
 */
int64_t rg_native_heap_delta(uint64_t heap_base);

/**
 * rg_spawn - start `TOOL run ARGS... -` reading the pipe @in_fd.
 * @tool: path of the mmlab command.
 * @args: NULL-terminated options for `mmlab run` (before the final "-").
 * @in_fd: its standard input.
 * @out_fd: its standard output and error.
 * @pid: its pid.
 *
 * Context: any; posix_spawn keeps the caller's footprint out of the child's ru_maxrss except
 * for what the caller has touched before.
 * Return: 0 or a positive errno.
 */
int rg_spawn(const char *tool, const char *const *args, int in_fd, int out_fd, pid_t *pid);

/**
 * rg_mmlab_heap_base - the initial break of a task as `mmlab run --no-aslr` makes it.
 * @base: the break.
 *
 * Asked from the library (a no_aslr task's brk(0)), in a child process; a runner that
 * placed it elsewhere would show as mismatches on the log's brk lines.
 *
 * Context: any.
 * Return: 0, or -1 (a message is printed).
 */
int rg_mmlab_heap_base(uint64_t *base);

/**
 * rg_feed - write @lines generated lines to @fd.
 * @fd: a pipe or file, written with plain write(2) calls of up to 256 KiB.
 * @seed: the generator's seed.
 * @heap_base: the replaying task's initial break.
 * @lines: how many lines.
 * @corrupt_line: 1-based line whose expected result is made wrong (the first line from there
 *	that is not a touch); 0 for none.
 *
 * Context: any.
 * Return: 0, or -errno from write (EPIPE when the reader went away).
 */
int rg_feed(int fd, uint64_t seed, uint64_t heap_base, unsigned long lines,
	    unsigned long corrupt_line);

/* What one replay of a generated log through `mmlab run` gave. */
struct rg_replay {
	double secs;	    /* wall clock, from spawning mmlab to reaping it */
	long maxrss_kb;	    /* the mmlab process's peak RSS (wait4's ru_maxrss) */
	int status;	    /* its wait status */
	char out[2048];	    /* the start of what it printed (NUL-terminated) */
	size_t out_len;	    /* how much it printed in all */
};

/**
 * rg_replay - stream @lines generated lines into `TOOL run ARGS... -` and wait for it.
 * @tool: path of the mmlab command.
 * @args: options for `mmlab run`.
 * @seed: the generator's seed.
 * @heap_base: mmlab's initial break.
 * @lines: how many lines.
 * @corrupt_line: 1-based line whose expected result is made wrong (0: none), for tests.
 * @res: the outcome.
 *
 * The generator writes into the pipe while mmlab reads it, so generating overlaps replaying.
 *
 * Context: any; ignores SIGPIPE for the caller.
 * Return: 0, or -1 when a system call failed (a message is printed).
 */
int rg_replay(const char *tool, const char *const *args, uint64_t seed, uint64_t heap_base,
	      unsigned long lines, unsigned long corrupt_line, struct rg_replay *res);

/**
 * rg_native_check - execute @lines generated calls natively in a child and compare.
 * @seed: the generator's seed.
 * @heap_base: the log's heap base.
 * @lines: how many calls.
 * @exec_ns: when not NULL, the time spent executing (generation excluded).
 *
 * Context: any; the work runs in a forked child, so the caller's address space stays as it is.
 * Return: the number of calls whose kernel result differs from the generator's, or -1 when
 * the child could not run.
 */
long rg_native_check(uint64_t seed, uint64_t heap_base, unsigned long lines, uint64_t *exec_ns);

/**
 * rg_native_replay - read a generated log from @fd, parse each line, execute it natively and
 *	compare the result with the line's.
 * @fd: the log (a pipe or a file), read to its end.
 * @heap_base: the log's heap base.
 * @lines: set to the number of lines read.
 *
 * Context: a process that will not call malloc while this runs (the break is the log's);
 * the window must be free.
 * Return: the number of mismatches, or -1 for a line that does not parse or a read error.
 */
long rg_native_replay(int fd, uint64_t heap_base, unsigned long *lines);

#endif
