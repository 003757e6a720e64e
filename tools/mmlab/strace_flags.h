/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Symbol tables of the strace text format: the names strace prints for memory and process
 * syscall arguments (PROT_*, MAP_*, MREMAP_*, MADV_*, CLONE_*, signals, si_codes, errnos...)
 * with x86_64 Linux values, in both directions. It corresponds to strace's src/xlat/ tables tables
 * and the printing rules of src/xlat.c and src/mem.c (printflags_ex, printxvals_ex,
 * print_mmap_flags). Entries marked parse-only are names newer than strace 6.1: the parser
 * accepts them, the printer shows them as raw hex like strace 6.1 does.
 */
#ifndef MMLAB_TOOL_STRACE_FLAGS_H
#define MMLAB_TOOL_STRACE_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

struct strace_xlat_entry {
	unsigned long val; /* the value on x86_64 Linux */
	const char *name;  /* the symbol as strace spells it */
	bool parse_only;   /* unknown to strace 6.1: never printed by name */
};

struct strace_xlat {
	const char *what;                     /* table name for messages, e.g. "mmap_prot" */
	const struct strace_xlat_entry *data; /* entries in strace's printing order */
	size_t size;                          /* number of entries */
};

extern const struct strace_xlat xlat_mmap_prot;
extern const struct strace_xlat xlat_mmap_flags;
extern const struct strace_xlat xlat_mremap_flags;
extern const struct strace_xlat xlat_madvise_cmds;
extern const struct strace_xlat xlat_mlockall_flags;
extern const struct strace_xlat xlat_mlock_flags;
extern const struct strace_xlat xlat_execveat_flags;
extern const struct strace_xlat xlat_msync_flags;
extern const struct strace_xlat xlat_clone_flags;
extern const struct strace_xlat xlat_clone3_flags;
extern const struct strace_xlat xlat_wait4_options;
extern const struct strace_xlat xlat_waitid_types;
extern const struct strace_xlat xlat_siginfo_codes;
extern const struct strace_xlat xlat_sigsegv_codes;
extern const struct strace_xlat xlat_sigbus_codes;
extern const struct strace_xlat xlat_sigchld_codes;
extern const struct strace_xlat xlat_sigill_codes;
extern const struct strace_xlat xlat_sigfpe_codes;
extern const struct strace_xlat xlat_sigtrap_codes;
extern const struct strace_xlat xlat_prctl_options;
extern const struct strace_xlat xlat_pr_set_vma;
extern const struct strace_xlat xlat_pkey_access;
extern const struct strace_xlat xlat_personality_flags;
extern const struct strace_xlat xlat_personality_types;
extern const struct strace_xlat xlat_archvals;
extern const struct strace_xlat xlat_misc_consts;
extern const struct strace_xlat xlat_swap_flags;

#define STRACE_MAP_TYPE 0xfUL
#define STRACE_MAP_HUGE_SHIFT 26
#define STRACE_MAP_HUGE_MASK 0x3fUL
#define STRACE_NSIG 65 /* signals 1..64 on x86_64 */
#define STRACE_SIGRTMIN 32

bool strace_xlat_lookup(const struct strace_xlat *x, const char *name, size_t len,
			unsigned long *val);
const char *strace_xlat_name(const struct strace_xlat *x, unsigned long val);
bool strace_sym_lookup(const char *name, size_t len, unsigned long *val);

void strace_print_flags(struct sbuf *sb, const struct strace_xlat *x, unsigned long flags,
			const char *dflt);
void strace_print_flags2(struct sbuf *sb, const struct strace_xlat *x1,
			 const struct strace_xlat *x2, unsigned long flags, const char *dflt);
void strace_print_xval(struct sbuf *sb, const struct strace_xlat *x, unsigned long val,
		       const char *dflt);
void strace_print_mmap_flags(struct sbuf *sb, unsigned long flags);
void strace_print_signal(struct sbuf *sb, int sig);
const char *strace_signame(int sig, char buf[16]);
bool strace_signal_lookup(const char *name, size_t len, int *sig);
const char *strace_si_code_name(int signo, int code);

const char *strace_errno_name(unsigned long err);
const char *strace_errno_text(unsigned long err);
bool strace_errno_lookup(const char *name, size_t len, unsigned long *err);
void strace_print_err_ret(struct sbuf *sb, unsigned long err);

#endif
