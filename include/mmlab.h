/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmlab - the Linux process virtual-memory subsystem in user space.
 *
 * The one public header. Every handle is opaque; every function that can fail returns 0 or a
 * negative errno (-EINVAL, -ENOMEM, ...) exactly as the Linux call it models would, and never
 * writes errno. Nothing here aborts on bad input.
 */
#ifndef MMLAB_H
#define MMLAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MMLAB_BUILDING)
#define MMLAB_EXPORT __attribute__((visibility("default")))
#else
#define MMLAB_EXPORT
#endif

/* The library's version string, "MAJOR.MINOR.PATCH". */
MMLAB_EXPORT const char *mmlab_version(void);

/*
 * mmlab_parse_size - parse "64M", "1G", "4096", "512k" into bytes.
 * Returns 0, or -EINVAL for anything that is not a positive size that fits in size_t.
 */
MMLAB_EXPORT int mmlab_parse_size(const char *s, size_t *bytes);


/*
 * The machine: RAM carved into 4 KiB frames (a buddy allocator hands them out), CPU contexts
 * with a TLB each, and a software MMU that reaches RAM only through x86_64 page tables.
 */
struct mmlab_machine;
struct mmlab_cpu;
/* A bare address space: page tables and frames, no VMAs. For emulators and for tests. */
struct mmlab_space;

struct mmlab_machine_config {
	size_t ram_bytes;	/* RAM size; 0 means the default, 1 GiB */
	unsigned int nr_cpus;	/* CPU contexts, 1..64; 0 means 1 */
	/* Overcommit (mm/util.c), as the vm.overcommit_* sysctls; Linux's defaults when 0 */
	int overcommit_memory;	/* 0 heuristic: one request above RAM + swap fails; 1 always
				 * grants; 2 never overcommits beyond CommitLimit */
	unsigned int overcommit_ratio;	/* Percent of RAM in CommitLimit (mode 2); 0 means 50 */
	uint64_t overcommit_kbytes;	/* CommitLimit's RAM part in KiB instead of the ratio */
	uint64_t swap_bytes;	/* Swap the formulas and /proc/meminfo count with no file behind
				 * it (never used); real swap areas: mmlab_swap_attach */
	int no_pku;		/* 1: CPUs without protection keys (no PKU/OSPKE); 0, the default:
				 * with them, as most x86-64 CPUs in use. Fixed for the machine's life,
				 * so a replay answers the same on any host */
	int no_zero_page;	/* 1: no shared zero page, so a read of untouched private memory
				 * gets a zeroed page of its own, as kernels that forbid the zero
				 * page do (s390 guests with KVM, some VM hosts' kernels booted with
				 * pvm_no_zero_page=1); 0, the default: Linux's usual zero page */
	const char *root;	/* Host directory every path is confined to (no ".." or symlink
				 * leaves it); NULL means "/" */
	int write_files;	/* 1: writeback and msync write through to host files; 0, the
				 * default: every write stays in the machine's memory */
	/* Readahead of host files (the page cache reads this much beyond a miss): 0, the
	 * default, takes each file's host device's read_ahead_kb and max_sectors_kb (sysfs);
	 * N > 0 gives every host file read_ahead_kb N, the same on any host, as a replay made on
	 * another machine wants; -1 gives read_ahead_kb 0 (no readahead). Files made in the
	 * machine and shared memory never read ahead, as tmpfs. */
	int readahead_kb;
	int max_sectors_kb;	/* The largest read (bdi io_pages * 4): 0 the host device's, or
				 * 128 when readahead_kb is set; N > 0 KiB */
	int lru_mode;		/* Page replacement when memory runs low: MMLAB_LRU_CLASSIC (0,
				 * the default: Linux's active/inactive lists), MMLAB_LRU_MGLRU
				 * (the Multi-Gen LRU: generations aged by page-table walks,
				 * evicted oldest first), MMLAB_LRU_LRU (one list, the least
				 * recently used page evicted, every access counted) or
				 * MMLAB_LRU_CLOCK (one list as a clock of accessed bits) */
};

#define MMLAB_LRU_CLASSIC 0
#define MMLAB_LRU_MGLRU 1
#define MMLAB_LRU_LRU 2
#define MMLAB_LRU_CLOCK 3

/* Where and why an access stopped: the signal Linux would deliver. */
struct mmlab_fault {
	int signo;		/* SIGSEGV or SIGBUS */
	int code;		/* si_code: SEGV_MAPERR, SEGV_ACCERR, SEGV_PKUERR, SI_KERNEL, ... */
	uint64_t addr;		/* si_addr */
	uint64_t fault_addr;	/* The first byte that could not be accessed */
	uint64_t error_code;	/* x86 page-fault error code (0 for a general protection fault) */
	uint32_t pkey;		/* si_pkey: the VMA's protection key, for SEGV_PKUERR */
};

/* Counters of the machine, all since creation. */
struct mmlab_stats {
	uint64_t ram_pages, free_pages, pgtable_pages;
	uint64_t pgalloc, pgfree;
	uint64_t tlb_hits, tlb_misses, tlb_flush_all, tlb_flush_one; /* Summed over CPUs */
	int tlb_hits_counted;	/* 0 when built without MMLAB_TLB_HIT_STATS: tlb_hits is 0 */
	uint64_t faults;
	uint64_t tlb_preloads;	/* TLB entries a resolved fault filled from the entry it had
				 * installed (update_mmu_cache), sparing the retry its walk */
};

MMLAB_EXPORT int mmlab_machine_create(const struct mmlab_machine_config *cfg,
				      struct mmlab_machine **out);
/*
 * Frees the machine. A machine with write_files first writes every dirty page back to the
 * host's files, as unmounting a file system does (sync_filesystem at umount); without it the
 * in-memory layer goes with the machine, so there is nothing to write. Tasks still alive are
 * the caller's bug, but their dirty mapped pages are written too.
 */
MMLAB_EXPORT void mmlab_machine_destroy(struct mmlab_machine *m);
/* CPU context @id (0..nr_cpus-1), or NULL. */
MMLAB_EXPORT struct mmlab_cpu *mmlab_machine_cpu(struct mmlab_machine *m, unsigned int id);
MMLAB_EXPORT void mmlab_machine_stats(struct mmlab_machine *m, struct mmlab_stats *st);
/* Checks every frame, list and page table; 0 or -EUCLEAN (details on stderr). */
MMLAB_EXPORT int mmlab_machine_validate(struct mmlab_machine *m);
/*
 * Reads (@old_val) and/or writes (@new_val) a vm sysctl of the machine: "vm.overcommit_memory",
 * "vm.overcommit_ratio", "vm.overcommit_kbytes", "vm.admin_reserve_kbytes",
 * "vm.user_reserve_kbytes", "vm.memfd_noexec", the OOM killer's "vm.oom_kill_allocating_task"
 * and "vm.oom_dump_tasks", swap readahead's "vm.page-cluster", and SysV shm's limits
 * "kernel.shmmax", "kernel.shmall", "kernel.shmmni". 0; -ENOENT for another name; -EINVAL
 * for a value out of range.
 */
MMLAB_EXPORT int mmlab_sysctl(struct mmlab_machine *m, const char *name, const uint64_t *new_val,
			      uint64_t *old_val);
/*
 * The machine's kernel log, as dmesg prints it (without timestamps): one line per message,
 * such as the OOM killer's report ("... invoked oom-killer: ...", "Out of memory: Killed
 * process ..."). @clear 1 forgets what was written (dmesg -c). 0; -EINVAL; -EIO.
 */
MMLAB_EXPORT int mmlab_dmesg(struct mmlab_machine *m, FILE *out, int clear);
/* Makes the @n-th frame allocation from now fail (0 disables), for failure-path tests. */
MMLAB_EXPORT void mmlab_machine_fail_alloc_after(struct mmlab_machine *m, unsigned long n);
/*
 * Lets @nanoseconds of time pass on the machine. The only thing that runs on its own is the
 * writeback flusher: it wakes every vm.dirty_writeback_centisecs (5 s) while file pages are
 * dirty, and writes back each file dirty for vm.dirty_expire_centisecs (30 s) or longer,
 * then the oldest while the dirty pages exceed vm.dirty_background_ratio. Time passes only
 * through this call: a machine whose caller never calls it never writes back on age.
 * Context: between operations, as for mmlab_machine_sync.
 */
MMLAB_EXPORT void mmlab_machine_advance(struct mmlab_machine *m, uint64_t nanoseconds);
/*
 * sync(2) for the whole machine: every dirty page of every file is written back, to the host
 * file when the machine has write_files, else to the in-memory layer. mmlab_machine_destroy
 * does it too for a machine with write_files (unmounting a file system writes its dirty
 * pages back); calling it first lets the caller see the error.
 * Not while another thread runs calls on the machine. 0, -EINVAL (NULL @m), or the first
 * writeback error (-EIO...).
 */
MMLAB_EXPORT int mmlab_machine_sync(struct mmlab_machine *m);

MMLAB_EXPORT int mmlab_space_create(struct mmlab_machine *m, struct mmlab_space **out);
/* Unmaps everything, frees the tables; CPUs still running the space are switched off it. */
MMLAB_EXPORT void mmlab_space_destroy(struct mmlab_space *s);
/*
 * Maps fresh zero-filled frames over [addr, addr+len) with PROT_* bits @prot.
 * Returns 0; -EINVAL for unaligned or empty ranges or ranges outside the user half or unknown
 * prot bits; -EEXIST if a page in the range is mapped; -ENOMEM (nothing stays mapped).
 */
MMLAB_EXPORT int mmlab_space_map(struct mmlab_space *s, uint64_t addr, uint64_t len, int prot);
/* Unmaps [addr, addr+len); holes are fine. -EINVAL for bad ranges. */
MMLAB_EXPORT int mmlab_space_unmap(struct mmlab_space *s, uint64_t addr, uint64_t len);
/* Changes the protection of the mapped pages in [addr, addr+len). -EINVAL for bad input. */
MMLAB_EXPORT int mmlab_space_protect(struct mmlab_space *s, uint64_t addr, uint64_t len,
				     int prot);
/* Loads @s on @cpu (NULL unloads), flushing its TLB. */
MMLAB_EXPORT void mmlab_cpu_switch(struct mmlab_cpu *cpu, struct mmlab_space *s);
/*
 * Copy through the MMU. Return the number of bytes copied; when fewer than @len, @fault
 * (if not NULL) says where and why the copy stopped.
 */
MMLAB_EXPORT size_t mmlab_read(struct mmlab_cpu *cpu, uint64_t addr, void *buf, size_t len,
			       struct mmlab_fault *fault);
MMLAB_EXPORT size_t mmlab_write(struct mmlab_cpu *cpu, uint64_t addr, const void *buf,
				size_t len, struct mmlab_fault *fault);
/* Checks that @addr can be executed (an instruction fetch of one byte). 0 or -EFAULT. */
MMLAB_EXPORT int mmlab_fetch(struct mmlab_cpu *cpu, uint64_t addr, struct mmlab_fault *fault);

/*
 * Processes: a task owns an address space laid out as exec leaves it (stack, vvar/vdso, brk
 * start, mmap base; randomized from @seed unless no_aslr) and a table of host files. The
 * memory calls behave as the Linux 6.x x86_64 system calls of the same name: same checks in
 * the same order, same errno, same VMA splitting and merging. Pages are faulted in as Linux
 * faults them: on access (mmlab_touch, mmlab_poke, mmlab_peek), or at the call for the calls
 * that populate (MAP_POPULATE, MAP_LOCKED, mlock, MADV_POPULATE_READ/WRITE).
 */
struct mmlab_task;

struct mmlab_task_config {
	uint64_t seed;			/* Seeds the randomized layout */
	int no_aslr;			/* ADDR_NO_RANDOMIZE: the deterministic layout */
	int legacy_layout;		/* ADDR_COMPAT_LAYOUT: bottom-up mmap from TASK_SIZE/3 */
	int privileged;			/* Every capability (a root shell's); else none */
	uint64_t rlimit_stack;		/* RLIMIT_STACK soft limit; 0: 8 MiB */
	uint64_t rlimit_as;		/* RLIMIT_AS; 0: unlimited */
	uint64_t rlimit_data;		/* RLIMIT_DATA; 0: unlimited */
	uint64_t rlimit_memlock;	/* RLIMIT_MEMLOCK; 0: 8 MiB */
	uint64_t mmap_min_addr;		/* vm.mmap_min_addr; 0: 65536 */
	int max_map_count;		/* vm.max_map_count; 0: 65530 */
	uint64_t start_brk;		/* Start of the heap; 0: after a small PIE's image */
	uint32_t uid, gid;		/* Every user and group id (real, effective, saved, fs);
					 * uid 0 without privileged is root with no capabilities */
};

/* Layout and counters of a task's address space (/proc/pid/stat and status fields). */
struct mmlab_task_info {
	uint64_t mmap_base, start_brk, brk, start_stack;
	unsigned int map_count;
	uint64_t total_vm, locked_vm, data_vm, exec_vm, stack_vm;	/* In pages */
	uint64_t vma_seq;		/* Changes whenever any VMA changes */
	uint64_t start_code, end_code;	/* The executable's code (/proc/pid/stat fields 26-27) */
	uint64_t start_data, end_data;	/* Its data (fields 45-46), as exec set them */
	uint64_t arg_start, arg_end;	/* argv's strings on the stack (fields 48-49) */
	uint64_t env_start, env_end;	/* envp's strings (fields 50-51) */
};

MMLAB_EXPORT int mmlab_task_create(struct mmlab_machine *m, const struct mmlab_task_config *cfg,
				   struct mmlab_task **out);
/*
 * Builds the VMAs of a /proc/pid/maps snapshot. Regular files are opened on the host by path
 * when they are still the file the line names (device and inode); devices, FIFOs, sockets and
 * kernel files never are. start_code..end_data and the break are set as exec set them, from
 * the executable's ELF headers when it can be read (the lowest file mapping), else from its
 * mappings. Blank lines and a UTF-8 byte order mark are accepted.
 */
MMLAB_EXPORT int mmlab_task_create_from_maps(struct mmlab_machine *m,
					     const struct mmlab_task_config *cfg, FILE *maps,
					     struct mmlab_task **out);
/* Where mmlab_task_create_from_maps_report found a snapshot bad. */
struct mmlab_maps_error {
	unsigned long line;		/* 1-based line number; 0 when no line is to blame */
	const char *message;		/* What is wrong with it (static text), or NULL */
};
/* mmlab_task_create_from_maps, also saying in @err (may be NULL) which line failed. */
MMLAB_EXPORT int mmlab_task_create_from_maps_report(struct mmlab_machine *m,
						    const struct mmlab_task_config *cfg,
						    FILE *maps, struct mmlab_task **out,
						    struct mmlab_maps_error *err);
MMLAB_EXPORT void mmlab_task_destroy(struct mmlab_task *t);
/*
 * execve(2) of the file @path names (through the machine's namespace, as mmlab_openat finds
 * it) with the NULL-terminated @argv and @envp (NULL: empty), as Linux 6.18 on x86_64 does it
 * to the memory: a new address space replaces the task's (the old one dropped, close-on-exec
 * fds closed, a vfork parent resumed), holding the ELF program's PT_LOAD segments, its bss,
 * its PT_INTERP interpreter, [vvar], [vvar_vclock], [vdso] and the stack, which holds the
 * strings, argc, argv, envp and the auxiliary vector as the program reads them (mmlab_peek).
 * "#!" scripts run their interpreter. Randomized from the task's seed unless it was created
 * with no_aslr. 0, or -errno as execve: -ENOENT, -ENOTDIR, -ELOOP, -EACCES (no exec
 * permission, a noexec mount, not a regular file), -ETXTBSY (the file is open for writing),
 * -ENOEXEC (not an x86_64 ELF executable or script), -ELIBBAD (a bad interpreter), -E2BIG,
 * -ENOMEM, -EFAULT (NULL @path), -EBUSY (the task waits for a vfork child). At the point of
 * no return the other threads of @t's process (CLONE_THREAD) are killed, as de_thread kills
 * them: each handle stays valid until mmlab_exit, on an empty address space of its own, and
 * mmlab_task_signals says SIGKILL; a thread other than the leader takes the leader's pid (the
 * killed leader's handle gets the thread's). An error after the point of no return kills the
 * process with SIGSEGV, as the kernel does (mmlab_task_signals' killed_by), and leaves the
 * task half-built: the caller should mmlab_exit it. Handled signals go back to their default.
 */
MMLAB_EXPORT int mmlab_execve(struct mmlab_task *t, const char *path, const char *const argv[],
			      const char *const envp[]);
/*
 * execveat(2): mmlab_execve of @path under the directory fd @dirfd (AT_FDCWD, -100: as
 * mmlab_execve; an absolute path ignores it), or with AT_EMPTY_PATH (0x1000) and an empty
 * @path of the file @dirfd refers to (fexecve; O_PATH fds too), or with AT_SYMLINK_NOFOLLOW
 * (0x100) not through a symlink in the last component (-ELOOP). The program knows a path
 * relative to @dirfd as "/dev/fd/N/path" ("/dev/fd/N" for AT_EMPTY_PATH): AT_EXECFN, and a
 * script's argument, which is -ENOENT when @dirfd is close-on-exec. Besides mmlab_execve's
 * errors: -EINVAL (other flags), -EBADF (no such fd), -ENOTDIR (@dirfd is no directory).
 */
MMLAB_EXPORT int mmlab_execveat(struct mmlab_task *t, int dirfd, const char *path,
				const char *const argv[], const char *const envp[], int flags);
MMLAB_EXPORT void mmlab_task_info(struct mmlab_task *t, struct mmlab_task_info *info);
/* Checks the VMA tree, the counters and the page tables; 0 or -EUCLEAN. */
MMLAB_EXPORT int mmlab_task_validate(struct mmlab_task *t);

/*
 * mmlab_openat(@t, @path, @flags, 0): the fd, or -errno. A regular file is an inode of the
 * machine's overlay (the host's file read-only below, whatever the scenario creates, truncates,
 * unlinks or renames in memory; paths confined to mmlab_machine_config.root). Only regular
 * files of ordinary filesystems are opened on the host, read-only; a device, FIFO, socket,
 * directory or procfs/sysfs file is stat()ed and kept by kind and identity (open's errors for
 * it come from its kind and permissions), and mmap of it answers as Linux's file_operations
 * do: /dev/zero maps (private: anonymous memory, shared writable: shmem), block devices map,
 * procfs entries fail with EIO, the rest with ENODEV.
 */
MMLAB_EXPORT int mmlab_open(struct mmlab_task *t, const char *path, int flags);
/*
 * A regular file or directory as another machine had it (a recorded log's "# file:" line): its
 * identity stands in for the host's file at the same path.
 */
struct mmlab_file_id {
	uint64_t dev;			/* st_dev: makedev(major, minor) */
	uint64_t ino;			/* st_ino */
	uint64_t size;			/* st_size, bytes */
	uint32_t mode;			/* st_mode: S_IFREG or S_IFDIR, and the permission bits */
};
/*
 * mmlab_open for a file known by @id: the host's file at @path is opened only when it is that
 * file (same device and inode), else mappings of the fd show @id's device and inode, a page at
 * or beyond @id's size is past the end, and no byte of it can be read (SIGBUS, as any regular
 * file's page until the page cache exists); a directory opens only for reading (-EISDIR) and
 * has no mmap (-ENODEV). Permission bits are not checked: the log's machine opened it. The fd,
 * or -errno (-EINVAL: @id is neither a regular file's nor a directory's).
 */
MMLAB_EXPORT int mmlab_open_id(struct mmlab_task *t, const char *path, int flags,
			       const struct mmlab_file_id *id);
MMLAB_EXPORT int mmlab_close(struct mmlab_task *t, int fd);

/*
 * Files through the page cache (open(2) and the calls that share the cache). The user buffers
 * are addresses in the task's memory, copied through its page tables as the kernel's
 * copy_to_user/copy_from_user: an unmapped or read-only buffer gives -EFAULT, or the partial
 * count when some bytes were copied. Host files are never written unless the machine has
 * write_files. Each returns a count, an fd, 0, or -errno as Linux does.
 */
MMLAB_EXPORT int mmlab_openat(struct mmlab_task *t, const char *path, int flags, unsigned int mode);
MMLAB_EXPORT int64_t mmlab_fd_read(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count);
MMLAB_EXPORT int64_t mmlab_fd_write(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count);
MMLAB_EXPORT int64_t mmlab_fd_pread(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count,
				    int64_t pos);
MMLAB_EXPORT int64_t mmlab_fd_pwrite(struct mmlab_task *t, int fd, uint64_t buf, uint64_t count,
				     int64_t pos);
struct mmlab_iovec {
	uint64_t base;			/* Address in the task's memory */
	uint64_t len;
};
MMLAB_EXPORT int64_t mmlab_fd_readv(struct mmlab_task *t, int fd, const struct mmlab_iovec *iov,
				    int iovcnt);
MMLAB_EXPORT int64_t mmlab_fd_writev(struct mmlab_task *t, int fd, const struct mmlab_iovec *iov,
				     int iovcnt);
/*
 * mmlab_fd_write_data - write(2) (@pos NULL: at the file position) or pwrite64(2) (at *@pos)
 * of @count bytes the caller holds at @data rather than in the task's memory (the kernel's
 * kernel_write): for the data a log printed without its address. Everything else is the
 * write's: fd, mode, pipes, limits, seals; the data itself never faults.
 */
MMLAB_EXPORT int64_t mmlab_fd_write_data(struct mmlab_task *t, int fd, const void *data,
					 uint64_t count, const int64_t *pos);
MMLAB_EXPORT int64_t mmlab_lseek(struct mmlab_task *t, int fd, int64_t off, int whence);

/*
 * Signals the file calls raise in their caller: SIGPIPE (a write or vmsplice into a pipe
 * without readers, which then fails with -EPIPE) and SIGXFSZ (a write or truncate at
 * RLIMIT_FSIZE: -EFBIG). What becomes of them follows rt_sigaction and rt_sigprocmask:
 * blocked, pending; ignored, dropped; a handler, delivered; else the default action ends the
 * thread group. Signal bit sig - 1 in every mask.
 */
#define MMLAB_SIG_DFL 0
#define MMLAB_SIG_IGN 1
#define MMLAB_SIG_HANDLER 2
/* rt_sigaction's disposition of @sig (@action -1: only read it into *@old). 0 or -EINVAL. */
MMLAB_EXPORT int mmlab_sigaction(struct mmlab_task *t, int sig, int action, int *old);
/* rt_sigprocmask(SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK, @set or NULL, @old or NULL). */
MMLAB_EXPORT int mmlab_sigprocmask(struct mmlab_task *t, int how, const uint64_t *set,
				   uint64_t *old);
struct mmlab_signals {
	int killed_by;			/* The signal whose default action ended the group, or 0 */
	uint64_t pending;		/* Sent while blocked */
	uint64_t delivered;		/* Sent to a handler since the last call of this */
};
MMLAB_EXPORT int mmlab_task_signals(struct mmlab_task *t, struct mmlab_signals *out);
MMLAB_EXPORT int mmlab_ftruncate(struct mmlab_task *t, int fd, int64_t len);
MMLAB_EXPORT int mmlab_truncate(struct mmlab_task *t, const char *path, int64_t len);
MMLAB_EXPORT int mmlab_fallocate(struct mmlab_task *t, int fd, int mode, int64_t off, int64_t len);
MMLAB_EXPORT int mmlab_fsync(struct mmlab_task *t, int fd);
MMLAB_EXPORT int mmlab_fdatasync(struct mmlab_task *t, int fd);
MMLAB_EXPORT int mmlab_fadvise(struct mmlab_task *t, int fd, int64_t off, int64_t len, int advice);
/*
 * The name calls change mmlab's overlay only, with Linux's permission checks for the task's
 * fsuid/fsgid: write and search permission on the directories, the sticky bit (EPERM unless
 * the task owns the file or the directory, or has CAP_FOWNER), fs.protected_hardlinks for
 * link. A directory renames as on any file system (its tree moves; over nothing or an empty
 * directory; RENAME_EXCHANGE swaps trees); renaming or linking a symlink or device is not
 * modelled (-EXDEV). linkat's @flags: AT_SYMLINK_FOLLOW.
 */
MMLAB_EXPORT int mmlab_unlink(struct mmlab_task *t, const char *path);
/*
 * mkdir(2) and rmdir(2) in the overlay's upper layer (never on the host): mkdir's @mode loses
 * the task's umask; -EEXIST, -ENOENT, -ENOTDIR, -EACCES, -ENOTEMPTY, -EINVAL (rmdir of "."),
 * -EBUSY (rmdir of the root), -EPERM (sticky directory) as Linux returns them.
 */
MMLAB_EXPORT int mmlab_mkdir(struct mmlab_task *t, const char *path, unsigned int mode);
MMLAB_EXPORT int mmlab_rmdir(struct mmlab_task *t, const char *path);
MMLAB_EXPORT int mmlab_link(struct mmlab_task *t, const char *from, const char *to);
MMLAB_EXPORT int mmlab_linkat(struct mmlab_task *t, const char *from, const char *to,
			      int flags);
/* umask(2): the mask O_CREAT modes lose from now on (copied at fork); returns the old one. */
MMLAB_EXPORT unsigned int mmlab_umask(struct mmlab_task *t, unsigned int mask);
MMLAB_EXPORT int mmlab_rename(struct mmlab_task *t, const char *from, const char *to);
/* renameat2's flags: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2). */
MMLAB_EXPORT int mmlab_renameat2(struct mmlab_task *t, const char *from, const char *to,
				 unsigned int flags);
MMLAB_EXPORT int mmlab_dup(struct mmlab_task *t, int fd);
MMLAB_EXPORT int mmlab_dup2(struct mmlab_task *t, int fd, int newfd);
MMLAB_EXPORT int mmlab_dup3(struct mmlab_task *t, int fd, int newfd, int flags);
MMLAB_EXPORT long mmlab_fcntl(struct mmlab_task *t, int fd, int cmd, unsigned long arg);
MMLAB_EXPORT int mmlab_pipe2(struct mmlab_task *t, int fds[2], int flags);
MMLAB_EXPORT int64_t mmlab_vmsplice(struct mmlab_task *t, int fd, const struct mmlab_iovec *iov,
				    unsigned long nr, unsigned int flags);
MMLAB_EXPORT int mmlab_memfd_create(struct mmlab_task *t, const char *name, unsigned int flags);
/* SysV shared memory (ipc/shm.c): ids, attach addresses and IPC_STAT as Linux gives them. */
struct mmlab_shmid_ds {
	int32_t key;
	uint32_t uid, gid, cuid, cgid, mode;
	uint64_t segsz;
	int32_t cpid, lpid;
	uint64_t nattch;
	int64_t atime, dtime, ctime;
};
MMLAB_EXPORT int mmlab_shmget(struct mmlab_task *t, int32_t key, uint64_t size, int flags);
MMLAB_EXPORT int mmlab_shmat(struct mmlab_task *t, int shmid, uint64_t addr, int flags,
			     uint64_t *out);
MMLAB_EXPORT int mmlab_shmdt(struct mmlab_task *t, uint64_t addr);
MMLAB_EXPORT int mmlab_shmctl(struct mmlab_task *t, int shmid, int cmd,
			      struct mmlab_shmid_ds *buf);
/* shmctl(IPC_INFO)'s struct shminfo64 and shmctl(SHM_INFO)'s struct shm_info (pages). */
struct mmlab_shminfo {
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
};
struct mmlab_shm_info {
	int32_t used_ids;
	uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
/*
 * shmctl(0, IPC_INFO / SHM_INFO, buf): the namespace's limits, or its segments' use (ids,
 * pages charged, pages resident, swapped); each returns the highest index in use (0: none),
 * or -EINVAL (NULL @t), -EFAULT (NULL @buf).
 */
MMLAB_EXPORT int mmlab_shmctl_ipc_info(struct mmlab_task *t, struct mmlab_shminfo *buf);
MMLAB_EXPORT int mmlab_shmctl_shm_info(struct mmlab_task *t, struct mmlab_shm_info *buf);
/*
 * What stayed in the machine's memory at the end: pages of files whose contents differ from
 * the host's (dirty, or written back to the in-memory layer; for a file whose size changed,
 * the page at its new end too), and how many files hold them (with those whose size alone
 * changed). Only files that still have a name count: an unlinked file's pages go with it.
 * With write_files, dirty pages of host files count until written back (mmlab_machine_sync);
 * what writeback never carries counts whatever happens: files the scenario created (they
 * never reach the host) and a host file's new size (the file, and the page at its new end).
 * shmem (memfd, SysV, shared anonymous) never counts.
 */
MMLAB_EXPORT void mmlab_unsaved_files(struct mmlab_machine *m, uint64_t *pages, uint64_t *files);

/* Each returns 0 or -errno; the address results go through @out. */
MMLAB_EXPORT int mmlab_mmap(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot,
			    int flags, int fd, uint64_t off, uint64_t *out);
MMLAB_EXPORT int mmlab_munmap(struct mmlab_task *t, uint64_t addr, uint64_t len);
MMLAB_EXPORT int mmlab_mprotect(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot);
MMLAB_EXPORT int mmlab_mremap(struct mmlab_task *t, uint64_t addr, uint64_t old_len,
			      uint64_t new_len, int flags, uint64_t new_addr, uint64_t *out);
/* brk(2) never fails: *out is the new break, or the old one when the request was refused. */
MMLAB_EXPORT int mmlab_brk(struct mmlab_task *t, uint64_t addr, uint64_t *out);
MMLAB_EXPORT int mmlab_madvise(struct mmlab_task *t, uint64_t addr, uint64_t len, int advice);
MMLAB_EXPORT int mmlab_mlock(struct mmlab_task *t, uint64_t addr, uint64_t len);
MMLAB_EXPORT int mmlab_mlock2(struct mmlab_task *t, uint64_t addr, uint64_t len, int flags);
MMLAB_EXPORT int mmlab_munlock(struct mmlab_task *t, uint64_t addr, uint64_t len);
MMLAB_EXPORT int mmlab_mlockall(struct mmlab_task *t, int flags);
MMLAB_EXPORT int mmlab_munlockall(struct mmlab_task *t);
MMLAB_EXPORT int mmlab_msync(struct mmlab_task *t, uint64_t addr, uint64_t len, int flags);
/*
 * mseal(2) (Linux 6.10): seals the VMAs of [addr, addr+len), which must have no hole (-ENOMEM);
 * @flags must be 0. Sealed VMAs refuse munmap, mmap MAP_FIXED over them, mremap, mprotect and
 * discarding madvise on read-only private anonymous memory with -EPERM.
 */
MMLAB_EXPORT int mmlab_mseal(struct mmlab_task *t, uint64_t addr, uint64_t len,
			     unsigned long flags);
/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len, name); NULL @name clears. */
MMLAB_EXPORT int mmlab_prctl_set_vma_anon_name(struct mmlab_task *t, uint64_t addr,
					       uint64_t len, const char *name);
/*
 * process_madvise(2): madvise on each range of @iov in @target's address space (@target NULL: the
 * pidfd's process has exited, -ESRCH). Another process must be one @t may read as ptrace does (the
 * same ids and no capability @t lacks, or CAP_SYS_PTRACE: else -EACCES); there only MADV_COLD,
 * MADV_PAGEOUT, MADV_WILLNEED and MADV_COLLAPSE are allowed (-EINVAL) and @t needs CAP_SYS_NICE
 * (-EPERM); on itself any advice madvise takes. Returns the bytes advised before the first range
 * that failed, or that range's -errno when it was the first; -EINVAL for @flags or more than 1024
 * ranges.
 */
MMLAB_EXPORT long mmlab_process_madvise(struct mmlab_task *t, struct mmlab_task *target,
					const struct mmlab_iovec *iov, size_t vlen, int advice,
					unsigned int flags);

/*
 * prctl(2)'s memory options: PR_SET_MDWE (65) and PR_GET_MDWE (66), memory-deny-write-execute
 * (mmap and mprotect then refuse write+exec and gaining exec with -EACCES; it cannot be
 * cleared; fork children keep it unless PR_MDWE_NO_INHERIT); PR_SET_THP_DISABLE (41) and
 * PR_GET_THP_DISABLE (42), inherited by fork. Returns 0 or the GET option's value, or -errno:
 * -EINVAL for bad arguments and for every other option, -EPERM for changing MDWE once set.
 */
MMLAB_EXPORT long mmlab_prctl(struct mmlab_task *t, int option, unsigned long arg2,
			      unsigned long arg3, unsigned long arg4, unsigned long arg5);
/* /proc/pid/maps and /proc/pid/smaps text, byte-exact; 0 or -EIO. */
MMLAB_EXPORT int mmlab_proc_maps(struct mmlab_task *t, FILE *out);
MMLAB_EXPORT int mmlab_proc_smaps(struct mmlab_task *t, FILE *out);

/*
 * Processes, threads and page-level memory (the fault layer). Anonymous memory behaves page
 * by page as Linux's: a read of untouched private memory maps the shared zero page, a write
 * allocates a zeroed frame, fork shares private pages copy-on-write, MAP_SHARED|MAP_ANONYMOUS
 * is one shmem inode shared with fork children. File mappings fault through the page cache:
 * pages wholly past the end of the file are SIGBUS BUS_ADRERR.
 */

/* fork(2): a child with a copy-on-write copy of @t's address space and fd table. */
MMLAB_EXPORT int mmlab_fork(struct mmlab_task *t, struct mmlab_task **child);
/* vfork(2): the child shares @t's mm; @t's access calls return -EBUSY until the child exits
 * or execs. */
MMLAB_EXPORT int mmlab_vfork(struct mmlab_task *t, struct mmlab_task **child);
/* 1 while @t waits for its vfork child (CLONE_VFORK) to exec or exit, else 0 (NULL @t: 0). */
MMLAB_EXPORT int mmlab_task_vfork_waiting(const struct mmlab_task *t);
/*
 * clone(2) with CLONE_* @flags (low byte: exit signal). CLONE_VM shares the mm (threads with
 * CLONE_THREAD|CLONE_SIGHAND|CLONE_VM), CLONE_VFORK suspends @t. -EINVAL for combinations
 * Linux refuses or flags not modelled (namespaces, pidfd, ...).
 */
MMLAB_EXPORT int mmlab_clone(struct mmlab_task *t, unsigned long flags,
			     struct mmlab_task **child);
/* exit(2): frees the task; the last task using an mm frees its every page and table. */
MMLAB_EXPORT void mmlab_exit(struct mmlab_task *t);
MMLAB_EXPORT int mmlab_task_pid(const struct mmlab_task *t);
MMLAB_EXPORT int mmlab_task_tgid(const struct mmlab_task *t);
/* 1 when both tasks use one address space. */
MMLAB_EXPORT int mmlab_task_same_mm(const struct mmlab_task *a, const struct mmlab_task *b);
/* The CPU context (0..nr_cpus-1) the task's accesses run on; -EINVAL for no such CPU. */
MMLAB_EXPORT int mmlab_task_set_cpu(struct mmlab_task *t, unsigned int cpu);

/*
 * Memory access by the task, faulting as the CPU would. Each returns 0, or -EFAULT with
 * @fault (if not NULL) holding the signal Linux delivers: {SIGSEGV, SEGV_MAPERR/SEGV_ACCERR,
 * si_addr}, {SIGSEGV, SEGV_PKUERR, si_addr, si_pkey} when the task's PKRU forbids the access,
 * {SIGBUS, BUS_ADRERR, si_addr}, {SIGKILL, SI_KERNEL} when frames run out.
 * -EINVAL for bad arguments, -EBUSY while the task waits for a vfork child.
 * mmlab_touch accesses one byte of every page of [addr, addr+len): "r" loads, "w" stores the
 * byte's own value (contents unchanged, the page becomes dirty), "x" fetches.
 */
MMLAB_EXPORT int mmlab_touch(struct mmlab_task *t, uint64_t addr, uint64_t len,
			     const char *mode, struct mmlab_fault *fault);
MMLAB_EXPORT int mmlab_poke(struct mmlab_task *t, uint64_t addr, const void *buf, uint64_t len,
			    struct mmlab_fault *fault);
MMLAB_EXPORT int mmlab_peek(struct mmlab_task *t, uint64_t addr, void *buf, uint64_t len,
			    struct mmlab_fault *fault);
/* mincore(2): @vec gets one byte per page (bit 0: resident). 0, -EINVAL, -ENOMEM. */
MMLAB_EXPORT int mmlab_mincore(struct mmlab_task *t, uint64_t addr, uint64_t len,
			       unsigned char *vec);
/*
 * Memory protection keys, as the machine's CPU has them (mmlab_machine_config.no_pku).
 * With PKU: pkey_alloc returns a key 1..15 (ENOSPC when none is left) and writes @init_val's
 * PKEY_DISABLE_ACCESS/PKEY_DISABLE_WRITE into the calling task's PKRU; pkey_free frees an
 * allocated key (EINVAL otherwise); pkey_mprotect is mprotect that also sets the range's key
 * (-1: mprotect's own rule), EINVAL for a key not allocated. PROT_EXEC alone (mmap, mprotect)
 * gets the mm's execute-only key, whose PKRU bits deny reads and writes. Without PKU they
 * answer as Linux 6.18 on such a CPU: pkey_alloc EINVAL once, then ENOSPC; pkey_free EINVAL;
 * pkey_mprotect EINVAL for any key but -1.
 */
MMLAB_EXPORT int mmlab_pkey_alloc(struct mmlab_task *t, unsigned long flags,
				  unsigned long init_val);
MMLAB_EXPORT int mmlab_pkey_free(struct mmlab_task *t, int pkey);
MMLAB_EXPORT int mmlab_pkey_mprotect(struct mmlab_task *t, uint64_t addr, uint64_t len, int prot,
				     int pkey);
/*
 * Resource limits (kernel/sys.c): per process, shared by its threads, copied at fork. The
 * first task starts with the kernel's defaults (8 MiB soft RLIMIT_STACK, 8 MiB RLIMIT_MEMLOCK,
 * RLIMIT_NOFILE 1024/4096, RLIMIT_NPROC and RLIMIT_SIGPENDING from the machine's RAM, the rest
 * unlimited or 0 as Linux's INIT_RLIMITS) with the config's limits on top. RLIMIT_AS,
 * RLIMIT_DATA, RLIMIT_STACK and RLIMIT_MEMLOCK govern mmap, brk, mremap, mlock and stack
 * growth from the next call on; the others are kept and returned.
 */
struct mmlab_rlimit {
	uint64_t rlim_cur;		/* Soft limit */
	uint64_t rlim_max;		/* Hard limit (ceiling for the soft one) */
};
#define MMLAB_RLIM_INFINITY (~(uint64_t)0)
/*
 * prlimit64(2) by @t on @target (NULL: @t itself). 0; -EINVAL (unknown resource, soft above
 * hard); -EPERM (raising a hard limit without CAP_SYS_RESOURCE, another process of other ids).
 */
MMLAB_EXPORT int mmlab_prlimit(struct mmlab_task *t, struct mmlab_task *target,
			       unsigned int resource, const struct mmlab_rlimit *new_rlim,
			       struct mmlab_rlimit *old_rlim);
/* getrlimit(2) and setrlimit(2): as prlimit on @t; a NULL struct is -EFAULT. */
MMLAB_EXPORT int mmlab_getrlimit(struct mmlab_task *t, unsigned int resource,
				 struct mmlab_rlimit *rlim);
MMLAB_EXPORT int mmlab_setrlimit(struct mmlab_task *t, unsigned int resource,
				 const struct mmlab_rlimit *rlim);

/*
 * Credentials (kernel/sys.c, kernel/capability.c, security/commoncap.c): ids and capability
 * sets per task, copied at fork. The memory calls consult CAP_IPC_LOCK (mlock and MAP_LOCKED
 * beyond RLIMIT_MEMLOCK), CAP_SYS_RAWIO (mappings below vm.mmap_min_addr), CAP_SYS_ADMIN (the
 * admin reserve of vm.overcommit_memory=2) and CAP_SYS_RESOURCE (raising hard limits). A uid
 * call that leaves no id at 0 empties the permitted and effective sets (unless keep-caps);
 * one that makes the effective uid 0 again restores the effective set from the permitted.
 * An id of (uint32_t)-1 means "unchanged" where Linux's call allows it. Each returns 0,
 * -EINVAL or -EPERM as Linux does.
 */
MMLAB_EXPORT int mmlab_setuid(struct mmlab_task *t, uint32_t uid);
MMLAB_EXPORT int mmlab_setgid(struct mmlab_task *t, uint32_t gid);
MMLAB_EXPORT int mmlab_setreuid(struct mmlab_task *t, uint32_t ruid, uint32_t euid);
MMLAB_EXPORT int mmlab_setregid(struct mmlab_task *t, uint32_t rgid, uint32_t egid);
MMLAB_EXPORT int mmlab_setresuid(struct mmlab_task *t, uint32_t ruid, uint32_t euid,
				 uint32_t suid);
MMLAB_EXPORT int mmlab_setresgid(struct mmlab_task *t, uint32_t rgid, uint32_t egid,
				 uint32_t sgid);
/* Capability sets, bit N for capability N (CAP_IPC_LOCK is 14, CAP_SYS_RAWIO 17, ...). */
struct mmlab_caps {
	uint64_t effective, permitted, inheritable;
};
/* capget(2) of @target (NULL: @t); a NULL @caps returns 0, as the kernel's version probe. */
MMLAB_EXPORT int mmlab_capget(struct mmlab_task *t, struct mmlab_task *target,
			      struct mmlab_caps *caps);
/* capset(2) on @t: permitted may only shrink, effective within permitted; -EPERM else. */
MMLAB_EXPORT int mmlab_capset(struct mmlab_task *t, const struct mmlab_caps *caps);
/* prctl(PR_SET_KEEPCAPS, @set) for @set 0 or 1; prctl(PR_GET_KEEPCAPS) for @set -1. */
MMLAB_EXPORT int mmlab_prctl_keepcaps(struct mmlab_task *t, long set);
struct mmlab_cred {
	uint32_t uid, euid, suid, fsuid, gid, egid, sgid, fsgid;
	uint64_t cap_inheritable, cap_permitted, cap_effective, cap_bset, cap_ambient;
	unsigned int securebits;
};
MMLAB_EXPORT void mmlab_task_cred(struct mmlab_task *t, struct mmlab_cred *out);

/*
 * WRPKRU and RDPKRU executed by the task: its own PKRU (per thread; a fork or clone child
 * starts with its parent's, the first task with Linux's init_pkru_value 0x55555554).
 * Return: 0; -EFAULT with @fault = {SIGILL, ILL_ILLOPN} on a CPU without PKU (the
 * instructions do not exist there); -EINVAL for a NULL task or result.
 */
MMLAB_EXPORT int mmlab_wrpkru(struct mmlab_task *t, uint32_t pkru, struct mmlab_fault *fault);
MMLAB_EXPORT int mmlab_rdpkru(struct mmlab_task *t, uint32_t *pkru, struct mmlab_fault *fault);
/*
 * Memory pressure on MADV_FREE pages (drops those not written since) and on MAP_DROPPABLE
 * memory (drops its pages, written or not). Returns pages freed.
 */
MMLAB_EXPORT uint64_t mmlab_reclaim_lazyfree(struct mmlab_task *t);

/*
 * The OOM killer. When a fault finds no free frame, the process whose death frees the most
 * is killed with SIGKILL (mmlab_task_signals' killed_by; every process sharing its mm too),
 * its private memory is unmapped at once (the OOM reaper) and the fault is retried; the
 * faulting task dies itself when it is the one chosen or nothing is left to kill. The kernel
 * log (mmlab_dmesg) gets the kernel's report. A killed task's later accesses fault SIGKILL.
 * Under vm.overcommit_memory 2 allocations fail with ENOMEM before memory can run out.
 * mmlab_oom_score: /proc/PID/oom_score, 0..2000. mmlab_oom_score_adj: /proc/PID/oom_score_adj
 * of @target (NULL: @t) read into @old_adj and/or written from @new_adj by @t: -EINVAL outside
 * -1000..1000, -EACCES below the process's minimum without CAP_SYS_RESOURCE (which sets the
 * minimum). -1000 makes the process unkillable; fork children inherit the value.
 */
MMLAB_EXPORT int mmlab_oom_score(struct mmlab_task *t, uint64_t *score);
MMLAB_EXPORT int mmlab_oom_score_adj(struct mmlab_task *t, struct mmlab_task *target,
				     const int *new_adj, int *old_adj);

/*
 * Memory pressure (/proc/pressure/memory) on the machine's simulated clock, which advances
 * with the work done (faults, waits for I/O, reclaim) and with mmlab_machine_advance (idle
 * time); README's "Memory pressure" gives the model. mmlab_pressure writes the file as the
 * kernel prints it: 0; -EINVAL; -EIO.
 */
struct mmlab_pressure_stats {
	uint64_t clock_ns;		/* Simulated time since the machine was made */
	uint64_t some_ns, full_ns;	/* Time some / every task was stalled on memory */
};
MMLAB_EXPORT int mmlab_pressure(struct mmlab_machine *m, FILE *out);
MMLAB_EXPORT int mmlab_pressure_get(struct mmlab_machine *m, struct mmlab_pressure_stats *st);

/*
 * The Multi-Gen LRU's generations as /sys/kernel/debug/lru_gen prints them (a kernel without
 * memcg: "memcg     0 ", " node     0", then per generation from the oldest anon one: its
 * sequence number, its age in ms of the simulated clock, its anon and file pages): 0;
 * -ENOENT when the machine does not run MMLAB_LRU_MGLRU (no such file); -EINVAL.
 */
MMLAB_EXPORT int mmlab_lru_gen(struct mmlab_machine *m, FILE *out);

/* Page-level counters of a task and its mm (/proc/pid/stat and status), pages unless noted. */
struct mmlab_task_mem {
	uint64_t minflt, majflt;	/* This task's faults (stat fields 10 and 12) */
	uint64_t rss_anon, rss_file, rss_shmem, swapents; /* RssAnon RssFile RssShmem VmSwap */
	uint64_t rss;			/* VmRSS: anon + file + shmem */
	uint64_t hiwater_rss;		/* VmHWM */
	uint64_t total_vm, hiwater_vm;	/* VmSize, VmPeak */
	uint64_t pgtables_bytes;	/* VmPTE, in bytes */
	uint64_t mm_users;		/* Tasks sharing the mm */
};
MMLAB_EXPORT void mmlab_task_mem(struct mmlab_task *t, struct mmlab_task_mem *st);
/*
 * /proc/vmstat counters by name: the events ("pgfault", "pgmajfault", "pgalloc_normal",
 * "pgfree", "pswpin", "vmacache_find_calls", ..., and mmlab's own "mmlab_cow_fault",
 * "mmlab_zero_page_fault") and the node counters of mmlab_proc_vmstat's lines
 * ("nr_free_pages", "workingset_refault_anon", ...). 0, or -ENOENT for an unknown name,
 * -ENOMEM.
 */
MMLAB_EXPORT int mmlab_vmstat_get(struct mmlab_machine *m, const char *name, uint64_t *val);
/* The @i-th counter's name (NULL past the end); *kernel = 1 when Linux has that line. */
MMLAB_EXPORT const char *mmlab_vmstat_name(unsigned int i, int *kernel);

/*
 * More of /proc (all text byte-exact in the Linux 6.x format; 0, -EINVAL for NULL arguments,
 * -EIO when @out fails). mmlab_proc_smaps above walks the page tables as the kernel does.
 * smaps_rollup: one "[rollup]" header and every VMA's counters summed, with Pss_Anon/File/Shmem.
 * status: the memory lines VmPeak..HugetlbPages of /proc/pid/status, then CoreDumping and
 * THP_enabled (0 after PR_SET_THP_DISABLE).
 * vmstat and meminfo: the machine-wide lines whose figures mmlab keeps, in the kernel's order
 * (meminfo's CommitLimit and Committed_AS as mm/util.c computes them).
 */
MMLAB_EXPORT int mmlab_proc_smaps_rollup(struct mmlab_task *t, FILE *out);
MMLAB_EXPORT int mmlab_proc_status(struct mmlab_task *t, FILE *out);
MMLAB_EXPORT int mmlab_proc_vmstat(struct mmlab_machine *m, FILE *out);
MMLAB_EXPORT int mmlab_proc_meminfo(struct mmlab_machine *m, FILE *out);
/*
 * /proc/pid/pagemap for the pages of [addr, addr+len) as a reader with CAP_SYS_ADMIN sees it:
 * @out gets one entry per page - bit 63 present, 62 swapped, 61 file page or shared anonymous,
 * 56 exclusively mapped, 55 soft-dirty, bits 0-54 the PFN. Pages not present read as 0.
 * 0, or -EINVAL for an unaligned @addr or a range past the user address space.
 */
MMLAB_EXPORT int mmlab_pagemap(struct mmlab_task *t, uint64_t addr, uint64_t len,
			       uint64_t *out);
/*
 * Idle page tracking for [addr, addr+len), as /sys/kernel/mm/page_idle/bitmap gives it for
 * frames: bit i of @bitmap (64 pages a word, bit 0 the lowest) is set when the page at
 * addr + i pages is present and nothing accessed it through any mapping, in any process,
 * since the previous call marked it idle; every present page is then marked idle again (its
 * accessed bits cleared through the reverse map). Pages not present, the zero page and pages
 * the call had not marked before read as 0. @bitmap holds (pages + 63) / 64 words.
 * 0, or -EINVAL for an unaligned @addr or a range past the user address space.
 */
MMLAB_EXPORT int mmlab_page_idle(struct mmlab_task *t, uint64_t addr, uint64_t len,
				 uint64_t *bitmap);

/*
 * One address's page-table walk, as the MMU does it (the walk() pseudo-call and reports):
 * the entry read at each level, PGD first, and the frame the PTE maps. @levels is 4 when the
 * walk reached the PTE (present or not), fewer when a table entry was not present (the last
 * entry read is that one), 0 for an address no VMA covers or that the walk cannot reach.
 * @kpageflags holds the frame's flags as /proc/kpageflags bits (KPF_*: 0 LOCKED,
 * 2 REFERENCED, 3 UPTODATE, 4 DIRTY, 5 LRU, 6 ACTIVE, 8 WRITEBACK, 9 RECLAIM, 11 MMAP,
 * 12 ANON, 13 SWAPCACHE, 14 SWAPBACKED, 15 COMPOUND_HEAD, 16 COMPOUND_TAIL, 18 UNEVICTABLE,
 * 24 ZERO_PAGE, 26 PGTABLE, 32 RESERVED, 33 MLOCKED).
 * Returns 0, or -EINVAL for a NULL argument or an address outside the user address space.
 */
struct mmlab_page_walk {
	int levels;			/* Entries read (see above) */
	uint64_t entry[4];		/* PGD, PUD, PMD, PTE entries as stored */
	unsigned int index[4];		/* Each entry's index in its table */
	int mapped;			/* The PTE is present: the fields below are its frame's */
	uint64_t pfn;
	uint64_t kpageflags;
	int refcount;			/* The frame's reference count */
	int mapcount;			/* Page-table mappings of the frame */
};
MMLAB_EXPORT int mmlab_page_walk(struct mmlab_task *t, uint64_t addr, struct mmlab_page_walk *w);

/*
 * Swap. A swap area is a host file the caller attaches to the machine under a name, the path
 * swapon(2) and swapoff(2) then give; it is off until swapon. Pages go out to it through
 * MADV_PAGEOUT (and reclaim) and come back on fault, each slot at byte slot * 4096.
 *
 * mmlab_mkswap: mkswap(8) on host file @fd: a version-1 "SWAPSPACE2" header over the file's
 * size, which must be at least 40 KiB. 0, -EBADF, -EINVAL (too small, not a regular file), -EIO.
 * mmlab_swap_attach: @fd (open for reading and writing) becomes the area @name; with
 * MMLAB_SWAP_OWN_FD the machine closes it when it goes (on success only); with
 * MMLAB_SWAP_ON it is also turned on at once, as a boot-time swapon with no task (the area
 * is not attached if that fails). 0, -EINVAL (also: no valid header, with MMLAB_SWAP_ON),
 * -EEXIST (the name is taken), -ENFILE (24 areas attached), -ENOMEM.
 * mmlab_swapon/mmlab_swapoff: swapon(2)/swapoff(2) of area @path as task @t, with Linux's
 * errors: -EPERM without CAP_SYS_ADMIN, -EINVAL for bad flags or a file without a valid
 * header (swapon) or an area that is not on (swapoff), -EBUSY when already on, -ENOENT when
 * no area has that name, -ENOMEM. swapoff brings every page back into RAM first; no other
 * thread may run calls on the machine meanwhile.
 * mmlab_proc_swaps: /proc/swaps.
 */
#define MMLAB_SWAP_OWN_FD 1
#define MMLAB_SWAP_ON 2
MMLAB_EXPORT int mmlab_mkswap(int fd);
MMLAB_EXPORT int mmlab_swap_attach(struct mmlab_machine *m, const char *name, int fd,
				   int flags);
MMLAB_EXPORT int mmlab_swapon(struct mmlab_task *t, const char *path, int flags);
MMLAB_EXPORT int mmlab_swapoff(struct mmlab_task *t, const char *path);
MMLAB_EXPORT int mmlab_proc_swaps(struct mmlab_machine *m, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* MMLAB_H */
