/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The scenario language: strace's own output syntax (strace -f -y), one call per line, plus a
 * few pseudo-calls (maps(), touch(), peek() ...) that inspect or poke the emulated address
 * space. A recorded strace log is a valid scenario as it is. This is the reader: it turns
 * lines into records holding a generic value tree per argument, joins "<unfinished ...>" with
 * "<... NAME resumed>", and reports malformed text as FILE:LINE:COL messages. It corresponds
 * to nothing in Linux; the syntax is strace's (src/strace.c printleader(), src/syscall.c
 * syscall_exiting_trace(), src/util.c string quoting). Execution lives elsewhere.
 */
#ifndef MMLAB_TOOL_SCENARIO_H
#define MMLAB_TOOL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

/* A position in the scenario text; both 1-based. */
struct sc_pos {
	unsigned int line;
	unsigned int col;
};

enum sc_vkind {
	SC_V_NUM,      /* 8192, 0x7fff0000, 0644, -1: num (two's complement for negatives) */
	SC_V_SYM,      /* PROT_READ, s: name; AT_FDCWD</home/u> (strace -y): str the path */
	SC_V_NULL,     /* NULL */
	SC_V_STR,      /* "abc\n"...: str (unescaped), truncated when followed by "..." */
	SC_V_FD,       /* 3</path> (strace -y): num is the fd, str the path (unescaped, without
			  -yy's "<char 1:3>"), or "pipe:[123]", "TCP:[...]", "anon_inode:[...]" */
	SC_V_BINOP,    /* a|b a*b a<<b a&&b a==b ...: op, lhs, rhs */
	SC_V_UNOP,     /* -a ~a !a ~[...]: op, lhs */
	SC_V_ARRAY,    /* [a, b, ...]: kids */
	SC_V_STRUCT,   /* {a=1, b=[2]}: kids (mostly SC_V_NAMED) */
	SC_V_CALL,     /* makedev(0x1, 0x3), WIFEXITED(s): name, kids */
	SC_V_NAMED,    /* key=value: name, lhs */
	SC_V_CHANGED,  /* in => out (clone3, wait4's status): lhs is in, rhs is out */
	SC_V_ELLIPSIS, /* ... inside an array or struct: strace left elements out */
};

struct sc_value {
	enum sc_vkind kind;
	struct sc_pos pos;        /* where the value starts */
	unsigned long num;        /* SC_V_NUM, SC_V_FD */
	const char *name;         /* SC_V_SYM, SC_V_CALL, SC_V_NAMED; NUL-terminated */
	const char *str;          /* SC_V_STR, SC_V_FD: bytes, NUL-terminated for convenience */
	size_t str_len;           /* bytes in str (may hold NULs) */
	bool truncated;           /* SC_V_STR: strace printed "..." after it */
	char op[3];               /* SC_V_BINOP/SC_V_UNOP: "|", "*", "<<", "&&", "==", "-", "~" */
	struct sc_value *lhs;     /* SC_V_BINOP, SC_V_UNOP, SC_V_NAMED, SC_V_CHANGED */
	struct sc_value *rhs;     /* SC_V_BINOP, SC_V_CHANGED */
	struct sc_value **kids;   /* SC_V_ARRAY, SC_V_STRUCT, SC_V_CALL */
	unsigned int nr_kids;
};

enum sc_result_kind {
	SC_RES_NONE,   /* no "= ..." (allowed for pseudo-calls; an expectation-free call) */
	SC_RES_VALUE,  /* = 0, = 0x7ffff7fc0000, = 3611 */
	SC_RES_ERROR,  /* = -1 ENOMEM (Cannot allocate memory): err */
	SC_RES_UNKNOWN,/* = ? (exit, exit_group, a task killed in the call), maybe "<unavailable>" */
	SC_RES_SIGNAL, /* = SIGSEGV SEGV_MAPERR (touch): sig, si_code */
	SC_RES_BYTES,  /* = "bytes" (peek): bytes */
};

struct sc_result {
	enum sc_result_kind kind;
	struct sc_pos pos;      /* the value after "= " */
	unsigned long val;      /* SC_RES_VALUE (two's complement for negatives) */
	bool hex;               /* SC_RES_VALUE was written in hex */
	unsigned long err;      /* SC_RES_ERROR: positive errno */
	int sig;                /* SC_RES_SIGNAL */
	int si_code;            /* SC_RES_SIGNAL; 0 when not given */
	bool has_si_code;       /* SC_RES_SIGNAL */
	const char *bytes;      /* SC_RES_BYTES (unescaped) */
	size_t bytes_len;
	const char *annotation; /* text after the value: "(Cannot allocate memory)", "(flags
				   FD_CLOEXEC)", "<unavailable>"; NULL when none */
	const char *path;       /* SC_RES_VALUE "= 3</etc/x>" (strace -y): the fd's path, as
				   SC_V_FD's str; NULL when the result had no decoration */
	size_t path_len;
};

enum sc_rec_kind {
	SC_REC_CALL,    /* a syscall or pseudo-call, complete (joined when it was split) */
	SC_REC_SIGNAL,  /* --- SIGSEGV {si_signo=SIGSEGV, ...} --- */
	SC_REC_EXITED,  /* +++ exited with N +++ */
	SC_REC_KILLED,  /* +++ killed by SIGSEGV (core dumped) +++ */
	SC_REC_SI_ADDR, /* # si_addr: ADDR -- expectation for the previous faulting access */
};

enum sc_pseudo {
	SC_SYSCALL = 0,   /* a real system call */
	SC_PS_MAPS,       /* maps() */
	SC_PS_SMAPS,      /* smaps() */
	SC_PS_SMAPS_ROLLUP, /* smaps_rollup() */
	SC_PS_STATUS,     /* status() */
	SC_PS_VMSTAT,     /* vmstat() */
	SC_PS_MEMINFO,    /* meminfo() */
	SC_PS_SWAPS,      /* swaps(): /proc/swaps */
	SC_PS_PAGEMAP,    /* pagemap(ADDR, LEN[, decoded]) */
	SC_PS_TOUCH,      /* touch(ADDR, LEN, "r"|"w"|"x") */
	SC_PS_POKE,       /* poke(ADDR, "bytes") */
	SC_PS_PEEK,       /* peek(ADDR, LEN) = "bytes" */
	SC_PS_PKRU,       /* pkru(VALUE): the task executes WRPKRU with VALUE */
	SC_PS_SLEEP,      /* sleep(SECONDS), fractions allowed: time passes on the machine;
			     args[0] is an SC_V_NUM of nanoseconds */
	SC_PS_IDLE,       /* idle(ADDR, LEN): idle page tracking (page_idle) */
	SC_PS_PMAP,       /* pmap(): procps' `pmap PID` of the task */
	SC_PS_PMAP_X,     /* pmap_x(): `pmap -X PID` */
	SC_PS_FREE,       /* free(): `free -k` of the machine */
	SC_PS_WALK,       /* walk(ADDR): the page-table walk of one address, decoded */
	SC_PS_OOM_SCORE,  /* oom_score() = N: /proc/PID/oom_score */
	SC_PS_OOM_SCORE_ADJ, /* oom_score_adj() = N reads /proc/PID/oom_score_adj,
				oom_score_adj(N) = 0 writes it */
	SC_PS_PRESSURE,   /* pressure(): /proc/pressure/memory */
	SC_PS_LRU_GEN,    /* lru_gen(): /sys/kernel/debug/lru_gen (--lru mglru) */
};

struct sc_record {
	enum sc_rec_kind kind;
	unsigned int line;        /* line of the record (for a joined call: the entry line) */
	unsigned int resume_line; /* joined call: the "<... resumed>" line; else 0 */
	int pid;                  /* from "[pid N]" or "N  " prefixes; 0 when none */
	bool has_time;            /* the line carried a strace -t/-tt/-ttt/-r timestamp */
	bool time_relative;       /* -r: @time is seconds since the previous line */
	double time;              /* seconds: since the epoch (-ttt), since midnight (-t, -tt),
				     since the previous line (-r); a joined call has the
				     entry line's */
	/* SC_REC_CALL */
	const char *name;         /* syscall or pseudo-call name */
	enum sc_pseudo pseudo;
	struct sc_value **args;   /* top-level arguments */
	unsigned int nr_args;
	const char *args_text;    /* the argument text as written (joined), NUL-terminated */
	struct sc_result res;
	bool interrupted;         /* "<unfinished ...>)" inside: the task died in the call */
	bool has_fault_addr;        /* a following "# si_addr:" line gave si_addr */
	unsigned long fault_addr;   /* from "# si_addr:" */
	int entry_pid;            /* joined call: the entry line's pid (0: no prefix), which
				     may differ from @pid when strace added prefixes between */
	/* SC_REC_SIGNAL: sig; info is the {...} struct (NULL for "stopped by") */
	int sig;
	struct sc_value *info;
	/* SC_REC_EXITED: status; SC_REC_KILLED: sig and core_dumped */
	int status;
	bool core_dumped;
	/* SC_REC_SI_ADDR: fault_addr */
};

struct sc_error {
	unsigned int line;
	unsigned int col;
	char msg[200];
};

struct sc_parser;

/* Resolves a symbol to a value; returns false when unknown. */
typedef bool (*sc_sym_lookup_t)(const char *name, size_t len, unsigned long *val, void *data);

int sc_parser_create(const char *file, struct sc_parser **out) __attribute__((warn_unused_result));
void sc_parser_destroy(struct sc_parser *p);
int sc_parser_feed(struct sc_parser *p, const char *line, size_t len, unsigned int lineno,
		   const struct sc_record **rec, struct sc_error *err)
	__attribute__((warn_unused_result));
int sc_parser_finish(struct sc_parser *p, const struct sc_record **rec, struct sc_error *err)
	__attribute__((warn_unused_result));
const char *sc_parser_file(const struct sc_parser *p);
bool sc_parser_unfinished(const struct sc_parser *p, unsigned int k, int *pid, const char **name);
void sc_record_free(const struct sc_record *rec);

struct scenario {
	const char *file;            /* name used in messages */
	struct sc_record **recs;     /* complete records in order of completion */
	unsigned int nr_recs;
	struct sc_error *errors;     /* malformed lines, in order */
	unsigned int nr_errors;
	struct sc_parser *parser;    /* frees every record and value with it */
};

int scenario_parse(const char *file, const char *text, size_t len, unsigned int max_errors,
		   struct scenario **out) __attribute__((warn_unused_result));
int scenario_load(const char *path, unsigned int max_errors, struct scenario **out)
	__attribute__((warn_unused_result));
void scenario_free(struct scenario *sc);

int sc_eval(const struct sc_value *v, sc_sym_lookup_t lookup, void *data, unsigned long *out,
	    struct sc_error *err) __attribute__((warn_unused_result));
bool sc_default_lookup(const char *name, size_t len, unsigned long *val, void *data);
size_t sc_binop_spine(const struct sc_value *v, const struct sc_value **buf, size_t nbuf,
		      const struct sc_value ***spine);
const struct sc_value *sc_named_arg(const struct sc_record *r, const char *name);
void sc_format_error(struct sbuf *sb, const char *file, const struct sc_error *err);

bool sc_syscall_returns_addr(const char *name);
void sc_format_result(struct sbuf *sb, const char *name, long ret);
void sc_format_value(struct sbuf *sb, const struct sc_value *v);
void sc_format_res(struct sbuf *sb, const struct sc_result *res);
void sc_format_record(struct sbuf *sb, const struct sc_record *r);
void sc_quote_string(struct sbuf *sb, const char *s, size_t len, const char *escape);

#endif
