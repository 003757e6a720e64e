/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `mmlab run`: executes a scenario (an strace log, see scenario.h) against mmlab's tasks through
 * include/mmlab.h alone. run.c is the driver (line order, output, progress and summary),
 * run_options.c its options, run_proc.c maps the log's pids and fds onto mmlab tasks and host
 * files, and run_calls.c holds one table entry per system call and pseudo-call (run_cred.c the
 * limit and credential calls). Below them, calling none of them: run_files.c (the log's "# file:"
 * identities), run_machine.c (its "# machine:" line), run_names.c (system call names),
 * run_syms.c (the symbols arguments use) and run_msg.c (messages), so the files' calls form no
 * cycle. It models no Linux file: it plays the part of the processes whose calls strace
 * printed.
 */
#ifndef MMLAB_TOOL_RUN_H
#define MMLAB_TOOL_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "mmlab.h"
#include "sbuf.h"
#include "scenario.h"

/* A scenario fd ("3</path>", or openat's result) and the mmlab fd standing for it. */
struct run_fd {
	int fd;        /* the number in the log */
	char *path;    /* host path it names */
	int mfd;       /* mmlab_open()'s fd */
	int accmode;   /* O_RDONLY or O_RDWR: how it was opened */
	bool opened;   /* made by the log's open, memfd_create or F_DUPFD line, so opened with
			  the log's flags (not reopened for an mmap): fcntl answers as the log */
};

/* One address space: an mmlab task, the fds of its processes, the pids naming it. */
struct run_mm {
	struct mmlab_task *task;
	bool exited;          /* exit_group ran: later calls are refused */
	int exit_pid;         /* the pid whose exit ended it (0: the first task, unnamed) */
	struct mmlab_task_mem exit_mem; /* its RSS when it ended (valid when @exited) */
	struct run_fd *fds;   /* fd table shared by its threads (CLONE_FILES) */
	unsigned int nr_fds;
	unsigned int cap_fds;
};

enum run_proc_kind {
	RUN_PROC_TASK,   /* a thread of @mm */
	RUN_PROC_FORKED, /* the child of a fork the library refused: its calls are reported */
};

/* A pid of the log. */
struct run_proc {
	int pid;                 /* 0: the first task before its pid is known */
	enum run_proc_kind kind;
	struct run_mm *mm;       /* RUN_PROC_TASK */
	struct mmlab_task *thread; /* a clone-made thread's own task (its PKRU, credentials, CPU);
				      NULL: the calls run on @mm's task */
	bool exited;             /* exit() or +++ exited +++ */
	bool unnamed;            /* made by a clone without "= PID": the next new pid is it */
	bool adopted;            /* no clone made it: taken as a thread of its run's first
				    process (run_proc_adopt) */
	unsigned int fork_line;  /* RUN_PROC_FORKED: the line of the fork */
	unsigned int exec_line;  /* a forked child's execve: its later calls are another
				    program's, which mmlab cannot load */
	unsigned long after_exec; /* calls after @exec_line not run (summarised once) */
	int killed_by;           /* mmlab ended the process by this signal's default action */
	unsigned int killed_line; /* at the call of this line */
	bool kill_said;          /* the OOM killer ended it: its "+++ killed by SIGKILL +++" was
				    printed (run_oom.c), the log's own is not echoed again */
	bool shown;              /* a line of this pid was read or ran */
	bool unseen;             /* forked by a line without a pid: strace without -f may never
				    show a line of it */
	struct run_proc *vfork_child; /* the child of its latest vfork, while it may share @mm */
	unsigned int vfork_line; /* the line of that vfork */
};

/*
 * The machine a scenario runs on (run_machine.c): from the "# machine:" line mmlab record
 * writes first, or from options; -1 (0 for sizes) where nothing was said.
 */
struct run_machine {
	bool present;          /* the scenario had a machine line */
	uint64_t ram, swap;    /* bytes */
	int overcommit;        /* vm.overcommit_memory */
	int overcommit_ratio;  /* vm.overcommit_ratio */
	long overcommit_kbytes; /* vm.overcommit_kbytes (the line only) */
	long mmap_min_addr;    /* vm.mmap_min_addr (the line only) */
	int pku;               /* the recording CPU had protection keys (1) or not (0): the
				  --pku/--no-pku switch's default (see run_machine_pku()) */
	int zero_page;         /* the recording kernel mapped the zero page on read faults (1)
				  or not (0); -1 when the line does not say (Linux's default: 1) */
	long uid, gid;         /* the first task's ids (--user UID[:GID]) */
	int64_t cap_eff, cap_prm; /* its effective and permitted capabilities (the line only) */
	struct mmlab_rlimit rlim[16]; /* its resource limits, by RLIMIT_* (the line only) */
	unsigned int rlim_set;  /* bit N: rlim[N] was given */
};

struct run_counts {
	unsigned long run;         /* calls executed against mmlab (and pseudo-calls) */
	unsigned long skipped;     /* calls not about memory, accepted */
	unsigned long mismatches;  /* results that differ from "= RESULT" */
	unsigned long not_run;     /* calls of forked children or of exited tasks */
	unsigned long unsupported; /* memory calls and pseudo-calls the library lacks yet */
	unsigned long errors;      /* arguments that do not evaluate, fds that do not open */
	unsigned long malformed;   /* lines that do not parse (reported where they are) */
	unsigned long unknown;     /* calls whose name no Linux system call has */
	unsigned long lines;       /* lines read */
};

/* One input: the scenario, or one file of an strace -ff set (PREFIX.PID). */
struct run_src {
	const char *name;          /* for messages */
	FILE *f;
	struct sc_parser *parser;
	int pid;                   /* -ff: the pid of the file name; 0 otherwise */
	unsigned int lineno;       /* lines read */
	bool eof;
	char *buf;                 /* getline's buffer */
	size_t cap;
	unsigned long long bytes, size; /* read so far; the file's size (0: a pipe) */
	double clock;              /* the last absolute timestamp seen (strace -t/-tt/-ttt) */
	struct run_item *next;     /* the next item, read ahead to order several inputs */
};

/* A line read and parsed, waiting to run. */
struct run_item {
	const struct sc_record *rec; /* NULL: the line makes no record (comment, entry) */
	struct run_src *src;
	unsigned int line;         /* the line read (a joined call: the resumed line) */
	int pid;                   /* the record's pid, or the -ff file's */
	size_t len;                /* of text */
	struct run_item *next;     /* in a hold queue */
	char text[];               /* the line as read, for the transcript */
};

/* The lines of a pid seen before the clone that makes it returned (strace -f prints them). */
struct run_hold {
	int pid;
	unsigned int line;         /* its first line */
	struct run_item *head, *tail;
};

/* A file as the recording machine had it: a "# file:" line of the log (run_files.c). */
struct run_file {
	char *path;                /* absolute */
	struct mmlab_file_id id;   /* device, inode, size, mode */
};

/* Unknown call names and how often each was skipped. */
struct run_unknown {
	char *name;
	unsigned long count;
};

enum run_transcript {
	RUN_TR_UNDECIDED, /* no memory call yet: lines wait in ->pre */
	RUN_TR_OFF,       /* calls carry "= RESULT": only mismatches are printed */
	RUN_TR_ON,        /* a call lacked "= RESULT": every line is echoed with results */
};

struct runner {
	const char *file;              /* for messages: the input of the record running */
	struct run_src *srcs;          /* the inputs; several for an strace -ff set */
	unsigned int nr_srcs;
	bool timed;                    /* order several inputs by their timestamps */
	bool live;                     /* an input is a pipe or terminal: flush each line */
	bool quiet, stop_on_mismatch, strict;
	bool ram_option;               /* --ram was given: the summary shows the pressure */
	enum run_transcript transcript;
	struct sbuf pre;               /* RUN_TR_UNDECIDED: the lines echoed so far */
	bool stopped;                  /* --stop-on-mismatch fired */
	struct mmlab_machine *machine;
	struct mmlab_task_config cfg;
	const char *maps_path;         /* --maps */
	struct run_mm **mms;
	unsigned int nr_mms;
	struct run_proc **procs;       /* [0] is the first task */
	struct run_proc *plain;        /* what lines without a pid act on when not the first
					  task: once it ended, the one process left or a run
					  appended after it (run_proc_plain) */
	struct run_proc *run_first;    /* the first process of the latest run strace -A
					  appended (new_run); NULL: the first task */
	unsigned int nr_procs, cap_procs;
	struct run_hold *holds;        /* pids waiting for their clone, in order of appearance */
	unsigned int nr_holds;
	unsigned int nr_held;          /* items in all holds */
	int released_pid;              /* a clone just named this pid: run its held lines */
	struct run_item *vfork_head, *vfork_tail; /* lines of tasks still waiting for their
					  vfork child's exec, in order (run.c) */
	bool vfork_releasing;          /* those lines are being run */
	struct run_item *lag;          /* a record waiting for the next line (awaits_next_line) */
	int child_hint;                /* the next line's pid, new: a lagging clone's child */
	struct run_file *files;        /* the log's "# file:" lines, by path */
	struct run_shmid *shmids;      /* SysV segment ids of the log and mmlab's (run_shm.c) */
	unsigned int nr_shmids;
	unsigned int nr_files;
	struct run_unknown *unknown;   /* unknown call names */
	unsigned int nr_unknown;
	int next_pid;                  /* for clones written without a result */
	int first_tid;                 /* what set_tid_address returned to the first task
					  while its lines had no pid: its pid (0: unknown) */
	bool seen_memory_call;         /* an execve after this is not the initial one */
	bool argv_unknown_said;        /* an execve's argv was an address: said once */
	bool exec_loaded;              /* an execve line loaded a program */
	bool no_program_said;          /* neither an execve nor --maps gave the program: said */
	bool unknown_fd_said;          /* an mmap of an fd no line opened: said once */
	bool untraced_child_said;      /* a vfork child the log never showed: said once */
	bool seen_clone;               /* a clone, fork or vfork line ran */
	bool new_run_said;             /* a run appended to the log (strace -A): said once */
	bool one_left_said;            /* lines without a pid of the one process left: once */
	bool memfd_made_said;          /* a memfd made for an fd no line created: said once */
	bool early_child_said;         /* a fork's child whose lines came first (-z): said once */
	char *env_text;                /* --env FILE's contents, NUL-separated (run_exec.c) */
	const char **env;              /* its variables, NULL-terminated; NULL without --env */
	unsigned long fault_addr;      /* last "# si_addr:", kept for the fault path */
	unsigned long buf_addr;        /* last "# buf: ADDR", for the next read or write */
	unsigned long cut_writes;      /* writes whose printed data strace cut ("..."): */
	unsigned long long cut_bytes;  /* the bytes they wrote as zeros, not known */
	unsigned long injected;        /* calls whose result strace injected: not run */
	bool has_buf_addr;
	bool has_fault_addr;
	bool has_time;                 /* a line had an absolute timestamp: ->time is the latest */
	double time;                   /* seconds (strace -t/-tt/-ttt), for the machine's clock */
	struct run_counts n;
	struct run_machine machine_log;  /* the scenario's "# machine:" line */
	struct run_machine machine_opt;  /* --overcommit, --overcommit-ratio, --user */
	bool json;                     /* --json: JSON lines on stdout instead of the transcript */
	bool trace_maps;               /* --trace-maps: the maps diff after each changing line */
	bool stats;                    /* --stats: Rss, VMAs and faults after each line */
	const char *html_path;         /* --html FILE: the report page to write at the end */
	struct run_json *json_state;   /* run_json.c's per-task maps, for --trace-maps */
};

/* What became of one call. */
enum run_status {
	RUN_DONE,        /* executed: ->ret holds the result to print or compare */
	RUN_NO_RESULT,   /* executed, nothing to compare (clone, exit_group, pseudo-calls) */
	RUN_SKIPPED,     /* not about memory: accepted */
	RUN_REPORTED,    /* a message was printed; counted by the handler */
};

/* The call being executed. */
struct run_call {
	const struct sc_record *rec;
	struct run_proc *proc;
	long ret;                      /* raw return: -4095..-1 is -errno */
	bool failed;                   /* an argument did not evaluate (already reported) */
	bool placed;                   /* ->ret is an address the kernel chose (mmap without
					  MAP_FIXED, a moving mremap, brk): the layout decides it */
	struct sbuf *out;              /* a pseudo-call's result without "= RESULT" goes here */
};

/* A system call the runner executes: its name, argument counts and handler. */
enum run_kind {
	RUN_K_MEM,  /* acts on the address space: needs a live, modelled task */
	RUN_K_PROC, /* process structure (clone, exit, exec, fds): runs for every pid */
};

struct run_syscall {
	const char *name;
	unsigned int min_args, max_args;
	enum run_kind kind;
	enum run_status (*fn)(struct runner *r, struct run_call *c);
};

/* run_fileio.c: read/write, pipes, dup, truncate... and the "# buf: ADDR" lines */
const struct run_syscall *run_fileio_find(const char *name);
bool run_buf_line(struct runner *r, const char *text, size_t len, unsigned int line);

/* run_syms.c: the symbols of scenario arguments */
#define LINUX_CAPABILITY_VERSION_1 0x19980330UL
#define LINUX_CAPABILITY_VERSION_2 0x20071026UL
#define LINUX_CAPABILITY_VERSION_3 0x20080522UL
#define PR_GET_KEEPCAPS_ 7
#define PR_SET_KEEPCAPS_ 8
bool run_lookup(const char *name, size_t len, unsigned long *val, void *data);

/* run_exec.c: an execve line loads its program (no --maps) */
enum run_status run_execve(struct runner *r, struct run_call *c);
int run_env_load(struct runner *r, const char *path);
void run_env_free(struct runner *r);

/* run_json.c: --json, --trace-maps and --stats output after one line; the summary object */
void run_json_before(struct runner *r, const struct sc_record *rec, struct run_proc *p);
void run_json_line(struct runner *r, const struct run_item *it, struct run_proc *p,
		   const char *res, bool mismatch, const char *output);
void run_json_summary(struct runner *r, const char *name, double secs, const char *end);
void run_json_free(struct runner *r);
int run_json_report(struct runner *r, const char *name, double secs);
/* run_report.c: the report page around its data (a JSON object) */
void report_html(FILE *out, const char *data);
/* run_views.c: pmap(), pmap_x(), free(); walk(ADDR); pagemap(..., decoded)'s lines */
enum run_status ps_view(struct runner *r, struct run_call *c);
enum run_status ps_walk(struct runner *r, struct run_call *c);
void print_pagemap_decoded(uint64_t addr, uint64_t entry);
/* run_msg.c */
void run_progress_clear(void);
void run_progress_shown(void);
void run_msg(struct runner *r, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void run_msg_at(struct runner *r, unsigned int line, unsigned int col, const char *msg);
/* run_msg.c: argument @k of a call evaluated; a failure is reported at its column */
bool run_arg(struct runner *r, struct run_call *c, unsigned int k, unsigned long *v);
void run_err_at(struct runner *r, const struct sc_value *v, const char *msg);
bool run_path_ok(struct runner *r, struct run_call *c, const struct sc_value *path);

/* run_proc.c */
enum { RUN_NEW_PROC, RUN_NEW_HOLD };

/* A walk over the calls the inputs entered and have not resumed (run_next_unfinished()). */
struct run_unfinished {
	unsigned int src, k; /* the next one: an input of ->srcs, its index among its parser's */
	int pid;             /* the call's pid (0: its line had no pid prefix) */
	const char *name;    /* the call's name, the parser's until it resumes */
};

int run_mm_create(struct runner *r, struct run_mm **out) __attribute__((warn_unused_result));
struct run_proc *run_proc_find(struct runner *r, int pid);
struct run_proc *run_proc_plain(struct runner *r, const struct sc_record *rec);
int run_proc_new(struct runner *r, const struct sc_record *rec, int pid, struct run_proc **out)
	__attribute__((warn_unused_result));
struct run_proc *run_proc_clone(struct runner *r, struct run_call *c);
int run_proc_exec_apart(struct runner *r, struct run_proc *p, const struct sc_record *rec)
	__attribute__((warn_unused_result));
struct run_proc *run_proc_of(struct runner *r, int pid, unsigned int line);
struct run_proc *run_proc_adopt(struct runner *r, int pid, unsigned int line);
struct run_proc *run_mm_first(const struct runner *r, const struct run_mm *mm);
struct run_proc *run_proc_add(struct runner *r, int pid, enum run_proc_kind kind,
			      struct run_mm *mm, unsigned int line);
void run_pid_seen(struct runner *r, int pid);
bool run_is_clone(const struct sc_record *rec);
bool run_next_unfinished(const struct runner *r, struct run_unfinished *u);
bool run_clone_unfinished(struct runner *r, int pid);
int run_clone_lost_child(struct runner *r);
bool run_clone_shares_vm(struct runner *r, const struct sc_record *rec, bool *has_flags);
int run_fd_for_mmap(struct runner *r, struct run_call *c, const struct sc_value *v,
		    unsigned long prot, unsigned long flags, int *mfd);
int run_fd_install(struct runner *r, struct run_mm *mm, int fd, const char *path, int mfd,
		   int accmode);
struct run_fd *run_fd_find(struct run_mm *mm, int fd);
struct run_fd *run_fd_memfd(struct runner *r, struct run_call *c, const struct sc_value *v);
void run_fd_drop(struct run_mm *mm, struct run_fd *f);
void run_free_procs(struct runner *r);
struct mmlab_task *run_proc_task(const struct run_proc *p);
void run_proc_release(struct run_proc *p);
void run_mm_exit(struct runner *r, struct run_mm *mm);
void run_note_no_program(struct runner *r, unsigned int line);

/* run_machine.c */
void run_machine_init(struct run_machine *m);
int run_machine_parse_user(const char *s, struct run_machine *m);
int run_machine_parse_overcommit(const char *s, bool ratio, struct run_machine *m);
int run_machine_parse_line(const char *line, size_t len, struct run_machine *m, char *err,
			   size_t errlen);
void run_machine_apply(const struct run_machine *log, const struct run_machine *opt,
		       struct mmlab_machine_config *mc, struct mmlab_task_config *tc);
int run_machine_sysctls(const struct run_machine *log, const struct run_machine *opt,
			struct mmlab_machine *m);
int run_machine_task(const struct run_machine *log, const struct run_machine *opt,
		     struct mmlab_task *t);
int run_machine_pku(const struct run_machine *log, int opt_pku);

/* run_shm.c: SysV shared memory, memfd_create, fcntl */
enum run_status run_shm_call(struct runner *r, struct run_call *c);
void run_shm_free(struct runner *r);

/* run_swap.c: --swap/--swapfile and the swapon/swapoff lines */
struct run_swap_opts {
	uint64_t bytes;		/* --swap SIZE; 0: none given */
	const char *path;	/* --swapfile PATH; NULL: a temporary file */
};
int run_swap_setup(struct mmlab_machine *m, const struct run_swap_opts *o, bool write_files);
enum run_status run_swap_call(struct runner *r, struct run_call *c);

/* run_options.c: the options of `mmlab run` (run_check_ram and run_option_kind: commands.h) */
/* What the options set: the runner, the machine's configuration, and the run's outputs. */
struct run_opts {
	struct runner *r;                /* ->cfg: the first task's configuration */
	struct mmlab_machine_config mc;  /* the machine mmlab_machine_create() builds */
	const char *final_maps;
	const char *final_smaps;
	int pku;	/* --pku 1, --no-pku 0 (CPUs without protection keys); -1 when neither
			   is given: the default, PKU */
	int zero_page;	/* --zero-page 1, --no-zero-page 0; -1: the log's, else 1 */
	struct run_swap_opts swap;	/* --swap, --swapfile (run_swap.c) */
	int lru;	/* --lru: MMLAB_LRU_*, or -1: this host's (lru_default_mode) */
};
struct cli_cmd;
extern const struct cli_cmd run_cmd;	/* the command and its option table, for cli.h */
int lru_default_mode(void);		/* --lru's default: the policy this host runs */

/* run_cred.c: resource limits and credentials */
enum run_status run_cred_call(struct runner *r, struct run_call *c);
bool run_prctl_is_keepcaps(unsigned long option);
enum run_status run_prctl_keepcaps(struct runner *r, struct run_call *c, unsigned long option);

/* run_files.c */
bool run_file_line(struct runner *r, const char *text, size_t len, unsigned int line);
const struct mmlab_file_id *run_file_find(const struct runner *r, const char *path);
int run_file_open(const struct runner *r, struct mmlab_task *t, const char *path, int flags,
		  unsigned int mode);
void run_files_free(struct runner *r);

/* run_names.c */
bool run_known_syscall(const char *name);

/* run_oom.c: the OOM killer's pseudo-calls and report */
void run_oom_report(struct runner *r, const struct sc_record *rec);
void run_pressure_summary(struct runner *r);
enum run_status run_ps_oom_score(struct runner *r, struct run_call *c);
enum run_status run_ps_oom_score_adj(struct runner *r, struct run_call *c);

/* run_calls.c */
enum run_status run_call(struct runner *r, struct run_call *c);
bool run_call_prints_result(const struct sc_record *rec);
bool run_pseudo_prints(const struct sc_record *rec);

#endif
