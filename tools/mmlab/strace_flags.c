// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Symbol tables of the strace text format and strace's printing rules for them (see
 * strace_flags.h). Values are x86_64 Linux's, checked against /usr/include and the kernel's
 * uapi headers; orders follow strace 6.1's src/xlat/ tables because printflags() prints names in
 * table order. Leaves out every table that memory and process syscalls do not use.
 */
#include "strace_flags.h"

#include <stdio.h>
#include <string.h>

#define E(v, n) { (unsigned long)(v), n, false }
#define P(v, n) { (unsigned long)(v), n, true } /* newer than strace 6.1 */
#define XLAT(id, ...)                                                                          \
	static const struct strace_xlat_entry id##_data[] = { __VA_ARGS__ };                     \
	const struct strace_xlat xlat_##id = { #id, id##_data,                                   \
					       sizeof(id##_data) / sizeof(id##_data[0]) }

XLAT(mmap_prot, E(0, "PROT_NONE"), E(0x1, "PROT_READ"), E(0x2, "PROT_WRITE"), E(0x4, "PROT_EXEC"),
     E(0x8, "PROT_SEM"), E(0x01000000, "PROT_GROWSDOWN"), E(0x02000000, "PROT_GROWSUP"));

/* MAP_TYPE values first: print_mmap_flags() prints the type field with the same table. */
XLAT(mmap_flags, E(0x1, "MAP_SHARED"), E(0x2, "MAP_PRIVATE"), E(0x3, "MAP_SHARED_VALIDATE"),
     P(0x8, "MAP_DROPPABLE"), E(0x10, "MAP_FIXED"), E(0x20, "MAP_ANONYMOUS"),
     P(0x20, "MAP_ANON"), E(0x40, "MAP_32BIT"), E(0x4000, "MAP_NORESERVE"),
     E(0x8000, "MAP_POPULATE"), E(0x10000, "MAP_NONBLOCK"), E(0x100, "MAP_GROWSDOWN"),
     E(0x800, "MAP_DENYWRITE"), E(0x1000, "MAP_EXECUTABLE"), E(0, "MAP_FILE"),
     E(0x2000, "MAP_LOCKED"), E(0x20000, "MAP_STACK"), E(0x40000, "MAP_HUGETLB"),
     E(0x80000, "MAP_SYNC"), E(0x4000000, "MAP_UNINITIALIZED"),
     E(0x100000, "MAP_FIXED_NOREPLACE"), P(16UL << 26, "MAP_HUGE_64KB"),
     P(19UL << 26, "MAP_HUGE_512KB"), P(20UL << 26, "MAP_HUGE_1MB"),
     P(21UL << 26, "MAP_HUGE_2MB"), P(23UL << 26, "MAP_HUGE_8MB"),
     P(24UL << 26, "MAP_HUGE_16MB"), P(25UL << 26, "MAP_HUGE_32MB"),
     P(28UL << 26, "MAP_HUGE_256MB"), P(29UL << 26, "MAP_HUGE_512MB"),
     P(30UL << 26, "MAP_HUGE_1GB"), P(31UL << 26, "MAP_HUGE_2GB"),
     P(34UL << 26, "MAP_HUGE_16GB"), P(14UL << 26, "MAP_HUGE_16KB"), P(26, "MAP_HUGE_SHIFT"),
     P(0x3f, "MAP_HUGE_MASK"), P(0xf, "MAP_TYPE"));

XLAT(mremap_flags, E(1, "MREMAP_MAYMOVE"), E(2, "MREMAP_FIXED"), E(4, "MREMAP_DONTUNMAP"));

XLAT(madvise_cmds, E(0, "MADV_NORMAL"), E(1, "MADV_RANDOM"), E(2, "MADV_SEQUENTIAL"),
     E(3, "MADV_WILLNEED"), E(4, "MADV_DONTNEED"), E(8, "MADV_FREE"), E(9, "MADV_REMOVE"),
     E(10, "MADV_DONTFORK"), E(11, "MADV_DOFORK"), E(12, "MADV_MERGEABLE"),
     E(13, "MADV_UNMERGEABLE"), E(14, "MADV_HUGEPAGE"), E(15, "MADV_NOHUGEPAGE"),
     E(16, "MADV_DONTDUMP"), E(17, "MADV_DODUMP"), E(18, "MADV_WIPEONFORK"),
     E(19, "MADV_KEEPONFORK"), E(20, "MADV_COLD"), E(21, "MADV_PAGEOUT"),
     E(22, "MADV_POPULATE_READ"), E(23, "MADV_POPULATE_WRITE"), E(24, "MADV_DONTNEED_LOCKED"),
     E(25, "MADV_COLLAPSE"), E(100, "MADV_HWPOISON"), E(101, "MADV_SOFT_OFFLINE"),
     P(102, "MADV_GUARD_INSTALL"), P(103, "MADV_GUARD_REMOVE"));

XLAT(mlockall_flags, E(1, "MCL_CURRENT"), E(2, "MCL_FUTURE"), E(4, "MCL_ONFAULT"));
XLAT(mlock_flags, E(1, "MLOCK_ONFAULT"));
XLAT(msync_flags, E(4, "MS_SYNC"), E(1, "MS_ASYNC"), E(2, "MS_INVALIDATE"));

XLAT(clone_flags, E(0x100, "CLONE_VM"), E(0x200, "CLONE_FS"), E(0x400, "CLONE_FILES"),
     E(0x800, "CLONE_SIGHAND"), E(0x1000, "CLONE_PIDFD"), E(0x2000, "CLONE_PTRACE"),
     E(0x4000, "CLONE_VFORK"), E(0x8000, "CLONE_PARENT"), E(0x10000, "CLONE_THREAD"),
     E(0x20000, "CLONE_NEWNS"), E(0x40000, "CLONE_SYSVSEM"), E(0x80000, "CLONE_SETTLS"),
     E(0x100000, "CLONE_PARENT_SETTID"), E(0x200000, "CLONE_CHILD_CLEARTID"),
     E(0x800000, "CLONE_UNTRACED"), E(0x1000000, "CLONE_CHILD_SETTID"),
     E(0x2000000, "CLONE_NEWCGROUP"), E(0x4000000, "CLONE_NEWUTS"),
     E(0x8000000, "CLONE_NEWIPC"), E(0x10000000, "CLONE_NEWUSER"),
     E(0x20000000, "CLONE_NEWPID"), E(0x40000000, "CLONE_NEWNET"), E(0x80000000, "CLONE_IO"),
     P(0x400000, "CLONE_DETACHED"));
XLAT(clone3_flags, E(0x80, "CLONE_NEWTIME"), E(0x100000000UL, "CLONE_CLEAR_SIGHAND"),
     E(0x200000000UL, "CLONE_INTO_CGROUP"));

XLAT(wait4_options, E(1, "WNOHANG"), E(4, "WEXITED"), E(2, "WSTOPPED"), E(8, "WCONTINUED"),
     E(0x01000000, "WNOWAIT"), E(0x80000000, "__WCLONE"), E(0x40000000, "__WALL"),
     E(0x20000000, "__WNOTHREAD"), P(2, "WUNTRACED"));
XLAT(waitid_types, E(0, "P_ALL"), E(1, "P_PID"), E(2, "P_PGID"), E(3, "P_PIDFD"));

/* si_code values are ints: negative codes are stored sign-extended. */
XLAT(siginfo_codes, E(0, "SI_USER"), E(0x80, "SI_KERNEL"), E(-1L, "SI_QUEUE"),
     E(-2L, "SI_TIMER"), E(-3L, "SI_MESGQ"), E(-4L, "SI_ASYNCIO"), E(-5L, "SI_SIGIO"),
     E(-6L, "SI_TKILL"), E(-7L, "SI_DETHREAD"), E(-60L, "SI_ASYNCNL"));
XLAT(sigsegv_codes, E(1, "SEGV_MAPERR"), E(2, "SEGV_ACCERR"), E(3, "SEGV_BNDERR"),
     E(4, "SEGV_PKUERR"), E(5, "SEGV_ACCADI"), E(6, "SEGV_ADIDERR"), E(7, "SEGV_ADIPERR"),
     E(8, "SEGV_MTEAERR"), E(9, "SEGV_MTESERR"), P(10, "SEGV_CPERR"));
XLAT(sigbus_codes, E(1, "BUS_ADRALN"), E(2, "BUS_ADRERR"), E(3, "BUS_OBJERR"),
     E(4, "BUS_MCEERR_AR"), E(5, "BUS_MCEERR_AO"));
XLAT(sigchld_codes, E(1, "CLD_EXITED"), E(2, "CLD_KILLED"), E(3, "CLD_DUMPED"),
     E(4, "CLD_TRAPPED"), E(5, "CLD_STOPPED"), E(6, "CLD_CONTINUED"));
XLAT(sigill_codes, E(1, "ILL_ILLOPC"), E(2, "ILL_ILLOPN"), E(3, "ILL_ILLADR"),
     E(4, "ILL_ILLTRP"), E(5, "ILL_PRVOPC"), E(6, "ILL_PRVREG"), E(7, "ILL_COPROC"),
     E(8, "ILL_BADSTK"), E(9, "ILL_BADIADDR"));
XLAT(sigfpe_codes, E(1, "FPE_INTDIV"), E(2, "FPE_INTOVF"), E(3, "FPE_FLTDIV"),
     E(4, "FPE_FLTOVF"), E(5, "FPE_FLTUND"), E(6, "FPE_FLTRES"), E(7, "FPE_FLTINV"),
     E(8, "FPE_FLTSUB"), E(14, "FPE_FLTUNK"), E(15, "FPE_CONDTRAP"));
XLAT(sigtrap_codes, E(1, "TRAP_BRKPT"), E(2, "TRAP_TRACE"), E(3, "TRAP_BRANCH"),
     E(4, "TRAP_HWBKPT"), E(5, "TRAP_UNK"), E(6, "TRAP_PERF"));

XLAT(prctl_options, E(1, "PR_SET_PDEATHSIG"), E(2, "PR_GET_PDEATHSIG"),
     E(3, "PR_GET_DUMPABLE"), E(4, "PR_SET_DUMPABLE"), E(15, "PR_SET_NAME"),
     E(16, "PR_GET_NAME"), E(21, "PR_GET_SECCOMP"), E(22, "PR_SET_SECCOMP"),
     E(29, "PR_SET_TIMERSLACK"), E(30, "PR_GET_TIMERSLACK"), E(33, "PR_MCE_KILL"),
     E(34, "PR_MCE_KILL_GET"), E(35, "PR_SET_MM"), E(36, "PR_SET_CHILD_SUBREAPER"),
     E(37, "PR_GET_CHILD_SUBREAPER"), E(38, "PR_SET_NO_NEW_PRIVS"),
     E(39, "PR_GET_NO_NEW_PRIVS"), E(41, "PR_SET_THP_DISABLE"), E(42, "PR_GET_THP_DISABLE"),
     E(55, "PR_SET_TAGGED_ADDR_CTRL"), E(56, "PR_GET_TAGGED_ADDR_CTRL"),
     P(65, "PR_SET_MDWE"), P(66, "PR_GET_MDWE"), P(67, "PR_SET_MEMORY_MERGE"),
     P(68, "PR_GET_MEMORY_MERGE"), E(0x53564d41, "PR_SET_VMA"));
XLAT(pr_set_vma, E(0, "PR_SET_VMA_ANON_NAME"));
XLAT(pkey_access, E(0x1, "PKEY_DISABLE_ACCESS"), E(0x2, "PKEY_DISABLE_WRITE"),
     E(0x4, "PKEY_DISABLE_EXECUTE"));
XLAT(personality_flags, E(0x0020000, "UNAME26"), E(0x0040000, "ADDR_NO_RANDOMIZE"),
     E(0x0080000, "FDPIC_FUNCPTRS"), E(0x0100000, "MMAP_PAGE_ZERO"),
     E(0x0200000, "ADDR_COMPAT_LAYOUT"), E(0x0400000, "READ_IMPLIES_EXEC"),
     E(0x0800000, "ADDR_LIMIT_32BIT"), E(0x1000000, "SHORT_INODE"),
     E(0x2000000, "WHOLE_SECONDS"), E(0x4000000, "STICKY_TIMEOUTS"),
     E(0x8000000, "ADDR_LIMIT_3GB"));
XLAT(personality_types, E(0, "PER_LINUX"), E(0x0008, "PER_LINUX32"), E(0x0006, "PER_BSD"),
     E(0x000c, "PER_RISCOS"), E(0x000f, "PER_OSF4"), E(0x0010, "PER_HPUX"),
     E(0xffffffff, "PER_QUERY"));
XLAT(archvals, E(0x1001, "ARCH_SET_GS"), E(0x1002, "ARCH_SET_FS"), E(0x1003, "ARCH_GET_FS"),
     E(0x1004, "ARCH_GET_GS"), E(0x1011, "ARCH_GET_CPUID"), E(0x1012, "ARCH_SET_CPUID"),
     E(0x1021, "ARCH_GET_XCOMP_SUPP"), E(0x1022, "ARCH_GET_XCOMP_PERM"),
     E(0x1023, "ARCH_REQ_XCOMP_PERM"), E(0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
     E(0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"), E(0x2001, "ARCH_MAP_VDSO_X32"),
     E(0x2002, "ARCH_MAP_VDSO_32"), E(0x2003, "ARCH_MAP_VDSO_64"));
XLAT(swap_flags, E(0x8000, "SWAP_FLAG_PREFER"), E(0x10000, "SWAP_FLAG_DISCARD"),
     E(0x20000, "SWAP_FLAG_DISCARD_ONCE"), E(0x40000, "SWAP_FLAG_DISCARD_PAGES"));
/* execveat's flags (strace's execveat_flags; the scenario parser reads them in run_syms.c). */
XLAT(execveat_flags, E(0x100, "AT_SYMLINK_NOFOLLOW"), E(0x1000, "AT_EMPTY_PATH"));
/* Names scenarios may use that no syscall table above owns. */
XLAT(misc_consts, E(0, "P_ALL"), E(-100L, "AT_FDCWD"), E(1, "PR_MDWE_REFUSE_EXEC_GAIN"),
     E(2, "PR_MDWE_NO_INHERIT"), E(4096, "PAGE_SIZE"));

static const struct strace_xlat *const all_xlats[] = {
	&xlat_mmap_prot,	 &xlat_mmap_flags,	   &xlat_mremap_flags,
	&xlat_madvise_cmds,	 &xlat_mlockall_flags,	   &xlat_mlock_flags,
	&xlat_msync_flags,	 &xlat_clone_flags,	   &xlat_clone3_flags,
	&xlat_wait4_options,	 &xlat_waitid_types,	   &xlat_siginfo_codes,
	&xlat_sigsegv_codes,	 &xlat_sigbus_codes,	   &xlat_sigchld_codes,
	&xlat_sigill_codes,	 &xlat_sigfpe_codes,	   &xlat_sigtrap_codes,
	&xlat_prctl_options,	 &xlat_pr_set_vma,	   &xlat_pkey_access,
	&xlat_personality_flags, &xlat_personality_types, &xlat_archvals,
	&xlat_misc_consts,	 &xlat_swap_flags,
};

struct errno_entry {
	unsigned int err; /* errno value */
	const char *name; /* strace's name (src/linux/generic/errnoent.h) */
	const char *text; /* glibc's strerror() text, NULL when glibc has none */
};

static const struct errno_entry errno_table[] = {
	{ 1, "EPERM", "Operation not permitted" },
	{ 2, "ENOENT", "No such file or directory" },
	{ 3, "ESRCH", "No such process" },
	{ 4, "EINTR", "Interrupted system call" },
	{ 5, "EIO", "Input/output error" },
	{ 6, "ENXIO", "No such device or address" },
	{ 7, "E2BIG", "Argument list too long" },
	{ 8, "ENOEXEC", "Exec format error" },
	{ 9, "EBADF", "Bad file descriptor" },
	{ 10, "ECHILD", "No child processes" },
	{ 11, "EAGAIN", "Resource temporarily unavailable" },
	{ 12, "ENOMEM", "Cannot allocate memory" },
	{ 13, "EACCES", "Permission denied" },
	{ 14, "EFAULT", "Bad address" },
	{ 15, "ENOTBLK", "Block device required" },
	{ 16, "EBUSY", "Device or resource busy" },
	{ 17, "EEXIST", "File exists" },
	{ 18, "EXDEV", "Invalid cross-device link" },
	{ 19, "ENODEV", "No such device" },
	{ 20, "ENOTDIR", "Not a directory" },
	{ 21, "EISDIR", "Is a directory" },
	{ 22, "EINVAL", "Invalid argument" },
	{ 23, "ENFILE", "Too many open files in system" },
	{ 24, "EMFILE", "Too many open files" },
	{ 25, "ENOTTY", "Inappropriate ioctl for device" },
	{ 26, "ETXTBSY", "Text file busy" },
	{ 27, "EFBIG", "File too large" },
	{ 28, "ENOSPC", "No space left on device" },
	{ 29, "ESPIPE", "Illegal seek" },
	{ 30, "EROFS", "Read-only file system" },
	{ 31, "EMLINK", "Too many links" },
	{ 32, "EPIPE", "Broken pipe" },
	{ 33, "EDOM", "Numerical argument out of domain" },
	{ 34, "ERANGE", "Numerical result out of range" },
	{ 35, "EDEADLK", "Resource deadlock avoided" },
	{ 36, "ENAMETOOLONG", "File name too long" },
	{ 37, "ENOLCK", "No locks available" },
	{ 38, "ENOSYS", "Function not implemented" },
	{ 39, "ENOTEMPTY", "Directory not empty" },
	{ 40, "ELOOP", "Too many levels of symbolic links" },
	{ 42, "ENOMSG", "No message of desired type" },
	{ 43, "EIDRM", "Identifier removed" },
	{ 44, "ECHRNG", "Channel number out of range" },
	{ 45, "EL2NSYNC", "Level 2 not synchronized" },
	{ 46, "EL3HLT", "Level 3 halted" },
	{ 47, "EL3RST", "Level 3 reset" },
	{ 48, "ELNRNG", "Link number out of range" },
	{ 49, "EUNATCH", "Protocol driver not attached" },
	{ 50, "ENOCSI", "No CSI structure available" },
	{ 51, "EL2HLT", "Level 2 halted" },
	{ 52, "EBADE", "Invalid exchange" },
	{ 53, "EBADR", "Invalid request descriptor" },
	{ 54, "EXFULL", "Exchange full" },
	{ 55, "ENOANO", "No anode" },
	{ 56, "EBADRQC", "Invalid request code" },
	{ 57, "EBADSLT", "Invalid slot" },
	{ 59, "EBFONT", "Bad font file format" },
	{ 60, "ENOSTR", "Device not a stream" },
	{ 61, "ENODATA", "No data available" },
	{ 62, "ETIME", "Timer expired" },
	{ 63, "ENOSR", "Out of streams resources" },
	{ 64, "ENONET", "Machine is not on the network" },
	{ 65, "ENOPKG", "Package not installed" },
	{ 66, "EREMOTE", "Object is remote" },
	{ 67, "ENOLINK", "Link has been severed" },
	{ 68, "EADV", "Advertise error" },
	{ 69, "ESRMNT", "Srmount error" },
	{ 70, "ECOMM", "Communication error on send" },
	{ 71, "EPROTO", "Protocol error" },
	{ 72, "EMULTIHOP", "Multihop attempted" },
	{ 73, "EDOTDOT", "RFS specific error" },
	{ 74, "EBADMSG", "Bad message" },
	{ 75, "EOVERFLOW", "Value too large for defined data type" },
	{ 76, "ENOTUNIQ", "Name not unique on network" },
	{ 77, "EBADFD", "File descriptor in bad state" },
	{ 78, "EREMCHG", "Remote address changed" },
	{ 79, "ELIBACC", "Can not access a needed shared library" },
	{ 80, "ELIBBAD", "Accessing a corrupted shared library" },
	{ 81, "ELIBSCN", ".lib section in a.out corrupted" },
	{ 82, "ELIBMAX", "Attempting to link in too many shared libraries" },
	{ 83, "ELIBEXEC", "Cannot exec a shared library directly" },
	{ 84, "EILSEQ", "Invalid or incomplete multibyte or wide character" },
	{ 85, "ERESTART", "Interrupted system call should be restarted" },
	{ 86, "ESTRPIPE", "Streams pipe error" },
	{ 87, "EUSERS", "Too many users" },
	{ 88, "ENOTSOCK", "Socket operation on non-socket" },
	{ 89, "EDESTADDRREQ", "Destination address required" },
	{ 90, "EMSGSIZE", "Message too long" },
	{ 91, "EPROTOTYPE", "Protocol wrong type for socket" },
	{ 92, "ENOPROTOOPT", "Protocol not available" },
	{ 93, "EPROTONOSUPPORT", "Protocol not supported" },
	{ 94, "ESOCKTNOSUPPORT", "Socket type not supported" },
	{ 95, "EOPNOTSUPP", "Operation not supported" },
	{ 96, "EPFNOSUPPORT", "Protocol family not supported" },
	{ 97, "EAFNOSUPPORT", "Address family not supported by protocol" },
	{ 98, "EADDRINUSE", "Address already in use" },
	{ 99, "EADDRNOTAVAIL", "Cannot assign requested address" },
	{ 100, "ENETDOWN", "Network is down" },
	{ 101, "ENETUNREACH", "Network is unreachable" },
	{ 102, "ENETRESET", "Network dropped connection on reset" },
	{ 103, "ECONNABORTED", "Software caused connection abort" },
	{ 104, "ECONNRESET", "Connection reset by peer" },
	{ 105, "ENOBUFS", "No buffer space available" },
	{ 106, "EISCONN", "Transport endpoint is already connected" },
	{ 107, "ENOTCONN", "Transport endpoint is not connected" },
	{ 108, "ESHUTDOWN", "Cannot send after transport endpoint shutdown" },
	{ 109, "ETOOMANYREFS", "Too many references: cannot splice" },
	{ 110, "ETIMEDOUT", "Connection timed out" },
	{ 111, "ECONNREFUSED", "Connection refused" },
	{ 112, "EHOSTDOWN", "Host is down" },
	{ 113, "EHOSTUNREACH", "No route to host" },
	{ 114, "EALREADY", "Operation already in progress" },
	{ 115, "EINPROGRESS", "Operation now in progress" },
	{ 116, "ESTALE", "Stale file handle" },
	{ 117, "EUCLEAN", "Structure needs cleaning" },
	{ 118, "ENOTNAM", "Not a XENIX named type file" },
	{ 119, "ENAVAIL", "No XENIX semaphores available" },
	{ 120, "EISNAM", "Is a named type file" },
	{ 121, "EREMOTEIO", "Remote I/O error" },
	{ 122, "EDQUOT", "Disk quota exceeded" },
	{ 123, "ENOMEDIUM", "No medium found" },
	{ 124, "EMEDIUMTYPE", "Wrong medium type" },
	{ 125, "ECANCELED", "Operation canceled" },
	{ 126, "ENOKEY", "Required key not available" },
	{ 127, "EKEYEXPIRED", "Key has expired" },
	{ 128, "EKEYREVOKED", "Key has been revoked" },
	{ 129, "EKEYREJECTED", "Key was rejected by service" },
	{ 130, "EOWNERDEAD", "Owner died" },
	{ 131, "ENOTRECOVERABLE", "State not recoverable" },
	{ 132, "ERFKILL", "Operation not possible due to RF-kill" },
	{ 133, "EHWPOISON", "Memory page has hardware error" },
	{ 512, "ERESTARTSYS", NULL },
	{ 513, "ERESTARTNOINTR", NULL },
	{ 514, "ERESTARTNOHAND", NULL },
	{ 515, "ENOIOCTLCMD", NULL },
	{ 516, "ERESTART_RESTARTBLOCK", NULL },
	{ 517, "EPROBE_DEFER", NULL },
	{ 518, "EOPENSTALE", NULL },
	{ 521, "EBADHANDLE", NULL },
	{ 522, "ENOTSYNC", NULL },
	{ 523, "EBADCOOKIE", NULL },
	{ 524, "ENOTSUPP", NULL },
	{ 525, "ETOOSMALL", NULL },
	{ 526, "ESERVERFAULT", NULL },
	{ 527, "EBADTYPE", NULL },
	{ 528, "EJUKEBOX", NULL },
	{ 529, "EIOCBQUEUED", NULL },
	{ 530, "ERECALLCONFLICT", NULL },
};

static const char *const signal_names[STRACE_SIGRTMIN + 1] = {
	NULL,	    "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP", "SIGABRT",
	"SIGBUS",   "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE",
	"SIGALRM",  "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
	"SIGTTIN",  "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO",   "SIGPWR",    "SIGSYS",  "SIGRTMIN",
};

/**
 * strace_xlat_lookup() - value of a symbol in one table.
 * @x: the table.
 * @name: the symbol, not necessarily NUL-terminated.
 * @len: its length.
 * @val: where the value goes.
 *
 * Context: any.
 * Return: true when found.
 */
bool strace_xlat_lookup(const struct strace_xlat *x, const char *name, size_t len,
			unsigned long *val)
{
	for (size_t i = 0; i < x->size; i++) {
		const char *n = x->data[i].name;

		if (strlen(n) == len && !memcmp(n, name, len)) {
			*val = x->data[i].val;
			return true;
		}
	}
	return false;
}

/**
 * strace_xlat_name() - the name strace 6.1 prints for a value.
 * @x: the table.
 * @val: the value.
 *
 * Context: any.
 * Return: the name, or NULL when strace 6.1 prints the value as a number.
 */
const char *strace_xlat_name(const struct strace_xlat *x, unsigned long val)
{
	for (size_t i = 0; i < x->size; i++)
		if (x->data[i].val == val && !x->data[i].parse_only)
			return x->data[i].name;
	return NULL;
}

/**
 * strace_signal_lookup() - signal number of "SIGSEGV", "SIGRTMIN", "SIGRT_3" ...
 * @name: the name, not necessarily NUL-terminated.
 * @len: its length.
 * @sig: where the number goes.
 *
 * Context: any.
 * Return: true when @name is a signal.
 */
bool strace_signal_lookup(const char *name, size_t len, int *sig)
{
	for (int s = 1; s <= STRACE_SIGRTMIN; s++) {
		if (strlen(signal_names[s]) == len && !memcmp(signal_names[s], name, len)) {
			*sig = s;
			return true;
		}
	}
	if (len > 6 && len < 9 && !memcmp(name, "SIGRT_", 6)) {
		int n = 0;

		for (size_t i = 6; i < len; i++) {
			if (name[i] < '0' || name[i] > '9')
				return false;
			n = n * 10 + (name[i] - '0');
		}
		if (n >= 1 && STRACE_SIGRTMIN + n < STRACE_NSIG) {
			*sig = STRACE_SIGRTMIN + n;
			return true;
		}
	}
	return false;
}

/**
 * strace_errno_lookup() - errno value of "ENOMEM" ...
 * @name: the name, not necessarily NUL-terminated.
 * @len: its length.
 * @err: where the (positive) value goes.
 *
 * Context: any.
 * Return: true when @name is an errno name strace prints.
 */
bool strace_errno_lookup(const char *name, size_t len, unsigned long *err)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++) {
		if (strlen(errno_table[i].name) == len && !memcmp(errno_table[i].name, name, len)) {
			*err = errno_table[i].err;
			return true;
		}
	}
	return false;
}

/**
 * strace_sym_lookup() - value of any symbol the strace format uses.
 * @name: the symbol, not necessarily NUL-terminated.
 * @len: its length.
 * @val: where the value goes.
 *
 * Tables are searched in a fixed order; names are unique across them except for aliases with
 * equal values (P_ALL), so the order does not change results.
 *
 * Context: any.
 * Return: true when found.
 */
bool strace_sym_lookup(const char *name, size_t len, unsigned long *val)
{
	int sig;

	for (size_t i = 0; i < sizeof(all_xlats) / sizeof(all_xlats[0]); i++)
		if (strace_xlat_lookup(all_xlats[i], name, len, val))
			return true;
	if (strace_signal_lookup(name, len, &sig)) {
		*val = (unsigned long)sig;
		return true;
	}
	return strace_errno_lookup(name, len, val);
}

/* strace's print_xlat_val() in the default style: "%#llx", so 0 prints as "0". */
static void print_xlat_val(struct sbuf *sb, unsigned long v)
{
	sbuf_printf(sb, "%#lx", v);
}

/**
 * strace_print_flags2() - print a flag word as strace's printflags_ex() does with two tables.
 * @sb: output.
 * @x1: first table.
 * @x2: second table, or NULL.
 * @flags: the value.
 * @dflt: the comment for a value with no known bit ("MAP_???"), or NULL.
 *
 * Names print in table order, each clearing its bits; leftover bits print as one hex number;
 * a value with no name prints as "0x... /\* dflt *\/" and 0 prints as the 0-valued name or "0".
 *
 * Context: any.
 */
void strace_print_flags2(struct sbuf *sb, const struct strace_xlat *x1,
			 const struct strace_xlat *x2, unsigned long flags, const char *dflt)
{
	const struct strace_xlat *xs[2] = { x1, x2 };
	unsigned int n = 0;

	for (int t = 0; t < 2 && xs[t]; t++) {
		for (size_t i = 0; (flags || !n) && i < xs[t]->size; i++) {
			const struct strace_xlat_entry *e = &xs[t]->data[i];

			if (e->parse_only)
				continue;
			if (flags == e->val || (e->val && (flags & e->val) == e->val)) {
				if (n++)
					sbuf_putc(sb, '|');
				sbuf_puts(sb, e->name);
				flags &= ~e->val;
			}
			if (!flags)
				break;
		}
	}
	if (n) {
		if (flags) {
			sbuf_putc(sb, '|');
			print_xlat_val(sb, flags);
		}
	} else if (flags) {
		print_xlat_val(sb, flags);
		if (dflt)
			sbuf_printf(sb, " /* %s */", dflt);
	} else if (dflt) {
		sbuf_putc(sb, '0');
	}
}

/**
 * strace_print_flags() - print a flag word as strace's printflags() does.
 * @sb: output.
 * @x: the table.
 * @flags: the value.
 * @dflt: see strace_print_flags2().
 *
 * Context: any.
 */
void strace_print_flags(struct sbuf *sb, const struct strace_xlat *x, unsigned long flags,
			const char *dflt)
{
	strace_print_flags2(sb, x, NULL, flags, dflt);
}

/**
 * strace_print_xval() - print an enumerated value as strace's printxval() does.
 * @sb: output.
 * @x: the table.
 * @val: the value.
 * @dflt: comment after an unknown value ("MADV_???"), or NULL.
 *
 * Context: any.
 */
void strace_print_xval(struct sbuf *sb, const struct strace_xlat *x, unsigned long val,
		       const char *dflt)
{
	const char *name = strace_xlat_name(x, val);

	if (name) {
		sbuf_puts(sb, name);
		return;
	}
	print_xlat_val(sb, val);
	if (dflt)
		sbuf_printf(sb, " /* %s */", dflt);
}

/**
 * strace_print_mmap_flags() - print mmap()'s flags as strace's print_mmap_flags() does.
 * @sb: output.
 * @flags: the flags argument.
 *
 * The MAP_TYPE field prints first as an enumerated value, then the other bits as flags, then
 * the hugetlb size field as "N<<MAP_HUGE_SHIFT".
 *
 * Context: any.
 */
void strace_print_mmap_flags(struct sbuf *sb, unsigned long flags)
{
	const unsigned long mask = STRACE_MAP_HUGE_MASK << STRACE_MAP_HUGE_SHIFT;
	unsigned long huge;

	strace_print_xval(sb, &xlat_mmap_flags, flags & STRACE_MAP_TYPE, "MAP_???");
	flags &= ~STRACE_MAP_TYPE;
	huge = flags & (unsigned int)mask;
	flags &= ~(unsigned long)(unsigned int)mask;
	if (flags) {
		sbuf_putc(sb, '|');
		strace_print_flags(sb, &xlat_mmap_flags, flags, NULL);
	}
	if (huge)
		sbuf_printf(sb, "|%lu<<MAP_HUGE_SHIFT", huge >> STRACE_MAP_HUGE_SHIFT);
}

/**
 * strace_signame() - the name strace gives a signal number.
 * @sig: the signal.
 * @buf: scratch space for numbered names.
 *
 * Context: any.
 * Return: "SIGSEGV", "SIGRTMIN", "SIGRT_3", or the decimal number for anything else.
 */
const char *strace_signame(int sig, char buf[16])
{
	if (sig > 0 && sig <= STRACE_SIGRTMIN)
		return signal_names[sig];
	if (sig > STRACE_SIGRTMIN && sig < STRACE_NSIG)
		snprintf(buf, 16, "SIGRT_%d", sig - STRACE_SIGRTMIN);
	else
		snprintf(buf, 16, "%d", sig);
	return buf;
}

/**
 * strace_print_signal() - print a signal number as strace's printsignal() does.
 * @sb: output.
 * @sig: the signal.
 *
 * Context: any.
 */
void strace_print_signal(struct sbuf *sb, int sig)
{
	char buf[16];

	if ((sig > 0 && sig < STRACE_NSIG) || sig == 0) {
		if (sig == 0)
			sbuf_putc(sb, '0');
		else
			sbuf_puts(sb, strace_signame(sig, buf));
		return;
	}
	sbuf_printf(sb, "%d", sig);
}

/**
 * strace_si_code_name() - the name strace prints for a siginfo si_code.
 * @signo: the signal, which selects the per-signal code table.
 * @code: the si_code.
 *
 * Context: any.
 * Return: the name, or NULL (strace then prints the number).
 */
const char *strace_si_code_name(int signo, int code)
{
	const struct strace_xlat *x = NULL;
	const char *s = strace_xlat_name(&xlat_siginfo_codes, (unsigned long)(long)code);

	if (s)
		return s;
	switch (signo) {
	case 11: x = &xlat_sigsegv_codes; break;
	case 7: x = &xlat_sigbus_codes; break;
	case 17: x = &xlat_sigchld_codes; break;
	case 4: x = &xlat_sigill_codes; break;
	case 8: x = &xlat_sigfpe_codes; break;
	case 5: x = &xlat_sigtrap_codes; break;
	}
	return x ? strace_xlat_name(x, (unsigned long)(long)code) : NULL;
}

static const struct errno_entry *errno_find(unsigned long err)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].err == err)
			return &errno_table[i];
	return NULL;
}

/**
 * strace_errno_name() - strace's name of an errno value.
 * @err: positive errno.
 *
 * Context: any.
 * Return: "ENOMEM" ..., or NULL when strace has no name.
 */
const char *strace_errno_name(unsigned long err)
{
	const struct errno_entry *e = errno_find(err);

	return e ? e->name : NULL;
}

/**
 * strace_errno_text() - glibc's strerror() text, which strace prints in parentheses.
 * @err: positive errno.
 *
 * Context: any.
 * Return: the text, or NULL when glibc has none (it says "Unknown error N").
 */
const char *strace_errno_text(unsigned long err)
{
	const struct errno_entry *e = errno_find(err);

	return e ? e->text : NULL;
}

/**
 * strace_print_err_ret() - print a failed return as strace's print_err_ret() does.
 * @sb: output.
 * @err: positive errno.
 *
 * Prints "= -1 ENOMEM (Cannot allocate memory)", or "= -1 (errno N)" for unnamed values.
 *
 * Context: any.
 */
void strace_print_err_ret(struct sbuf *sb, unsigned long err)
{
	const char *name = strace_errno_name(err);
	const char *text = strace_errno_text(err);

	if (!name) {
		sbuf_printf(sb, "= -1 (errno %lu)", err);
		return;
	}
	if (text)
		sbuf_printf(sb, "= -1 %s (%s)", name, text);
	else
		sbuf_printf(sb, "= -1 %s (Unknown error %lu)", name, err);
}
