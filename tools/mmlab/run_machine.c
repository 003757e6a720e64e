// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The machine a scenario runs on: the "# machine: ram=SIZE swap=SIZE overcommit=MODE
 * overcommit_ratio=N|overcommit_kbytes=N mmap_min_addr=N pku=yes|no zero_page=yes|no
 * uid=UID gid=GID
 * cap_eff=HEX cap_prm=HEX rlimits=NAME:CUR:MAX,..." line `mmlab record` writes first, and the
 * `mmlab run` options that override it (--ram, --overcommit, --overcommit-ratio, --pku,
 * --no-pku, --zero-page, --no-zero-page, --user UID[:GID]). The line's figures are the
 * recording host's: its RAM and swap (so the heuristic overcommit bound and CommitLimit come
 * out as there), vm.overcommit_memory, overcommit_ratio and mmap_min_addr, whether the CPU had
 * protection keys and the kernel a zero page for read faults, and the traced
 * program's ids, capability sets (a container's root may lack some) and resource limits. An
 * option beats the line; what neither says keeps Linux's defaults (mode 0, ratio 50, root
 * with every capability). Unknown keys are ignored so that newer recordings still run.
 * Models no Linux file.
 */
#include "run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_TAG "# machine:"

/**
 * run_machine_init() - a description that says nothing: every field unset.
 * @m: the description.
 *
 * Context: any.
 */
void run_machine_init(struct run_machine *m)
{
	*m = (struct run_machine){ .overcommit = -1, .overcommit_ratio = -1, .pku = -1,
				   .zero_page = -1, .uid = -1, .gid = -1, .overcommit_kbytes = -1, .mmap_min_addr = -1,
				   .cap_eff = -1,
				   .cap_prm = -1 };
}

static int parse_yes_no(const char *s, int *out)
{
	if (strcmp(s, "yes") && strcmp(s, "no"))
		return -EINVAL;
	*out = !strcmp(s, "yes");
	return 0;
}

static int parse_ulong(const char *s, unsigned long max, long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*out = (long)v;
	return 0;
}

/**
 * run_machine_parse_user() - "--user UID[:GID]": the first task's ids (GID defaults to UID).
 * @s: the option's value.
 * @m: where the ids go.
 *
 * Context: any.
 * Return: 0, or -EINVAL for anything but one or two decimal ids below 2^32 - 1.
 */
int run_machine_parse_user(const char *s, struct run_machine *m)
{
	char buf[32];
	char *colon;
	long uid, gid;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon)
		*colon = 0;
	if (parse_ulong(buf, 0xfffffffeUL, &uid))
		return -EINVAL;
	gid = uid;
	if (colon && parse_ulong(colon + 1, 0xfffffffeUL, &gid))
		return -EINVAL;
	m->uid = uid;
	m->gid = gid;
	return 0;
}

/**
 * run_machine_parse_overcommit() - "--overcommit MODE" (0, 1, 2) or, with @ratio,
 * "--overcommit-ratio N" (a percentage, 0 and above).
 * @s: the option's value.
 * @ratio: parse a ratio instead of a mode.
 * @m: where the value goes.
 *
 * Context: any.
 * Return: 0, or -EINVAL.
 */
int run_machine_parse_overcommit(const char *s, bool ratio, struct run_machine *m)
{
	long v;

	if (parse_ulong(s, ratio ? 0x7fffffffUL : 2, &v))
		return -EINVAL;
	if (ratio)
		m->overcommit_ratio = (int)v;
	else
		m->overcommit = (int)v;
	return 0;
}

static const char *const rlimit_names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS",
	"LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
};

static int parse_rlim(const char *s, uint64_t *v)
{
	char *end;

	if (!strcmp(s, "inf")) {
		*v = MMLAB_RLIM_INFINITY;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || s[0] == '-' ? -EINVAL : 0;
}

/* "NAME:CUR:MAX,NAME:CUR:MAX,...": CUR and MAX decimal or "inf"; unknown names ignored. */
static int parse_rlimits(const char *val, struct run_machine *m)
{
	char buf[1024], *item, *save = NULL;

	if (strlen(val) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, val);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *cur = strchr(item, ':'), *max = cur ? strchr(cur + 1, ':') : NULL;
		struct mmlab_rlimit rl;

		if (!max)
			return -EINVAL;
		*cur++ = 0;
		*max++ = 0;
		if (parse_rlim(cur, &rl.rlim_cur) || parse_rlim(max, &rl.rlim_max) ||
		    rl.rlim_cur > rl.rlim_max)
			return -EINVAL;
		for (unsigned int i = 0; i < 16; i++) {
			if (strcmp(item, rlimit_names[i]))
				continue;
			m->rlim[i] = rl;
			m->rlim_set |= 1U << i;
		}
	}
	return 0;
}

static int parse_pair(const char *key, const char *val, struct run_machine *m)
{
	size_t size;
	long v;

	if (!strcmp(key, "ram") || !strcmp(key, "swap")) {
		/* swap=0 is a size too; mmlab_parse_size wants a positive one */
		if (!strcmp(val, "0"))
			size = 0;
		else if (mmlab_parse_size(val, &size))
			return -EINVAL;
		if (!strcmp(key, "ram"))
			m->ram = size;
		else
			m->swap = size;
		return 0;
	}
	if (!strcmp(key, "overcommit"))
		return run_machine_parse_overcommit(val, false, m);
	if (!strcmp(key, "overcommit_ratio"))
		return run_machine_parse_overcommit(val, true, m);
	if (!strcmp(key, "mmap_min_addr"))
		return parse_ulong(val, 0x7ffffffff000UL, &m->mmap_min_addr);
	if (!strcmp(key, "overcommit_kbytes"))
		return parse_ulong(val, ULONG_MAX - 1, &m->overcommit_kbytes);
	if (!strcmp(key, "pku"))
		return parse_yes_no(val, &m->pku);
	if (!strcmp(key, "zero_page"))
		return parse_yes_no(val, &m->zero_page);
	if (!strcmp(key, "rlimits"))
		return parse_rlimits(val, m);
	if (!strcmp(key, "cap_eff") || !strcmp(key, "cap_prm")) {
		char *end;
		unsigned long long c;

		errno = 0;
		c = strtoull(val, &end, 16);
		if (errno || end == val || *end || val[0] == '-')
			return -EINVAL;
		if (!strcmp(key, "cap_eff"))
			m->cap_eff = (int64_t)c;
		else
			m->cap_prm = (int64_t)c;
		return 0;
	}
	if (!strcmp(key, "uid") || !strcmp(key, "gid")) {
		if (parse_ulong(val, 0xfffffffeUL, &v))
			return -EINVAL;
		if (!strcmp(key, "uid"))
			m->uid = v;
		else
			m->gid = v;
		return 0;
	}
	return 0; /* a key of a newer mmlab: ignored */
}

/**
 * run_machine_parse_line() - read a "# machine: key=value ..." line.
 * @line: the line, without its newline (not necessarily NUL-terminated).
 * @len: its length.
 * @m: receives the values the line gives (others stay as they were).
 * @err: receives a message when the line is malformed.
 * @errlen: size of @err.
 *
 * Context: any.
 * Return: 1 when it was a machine line, 0 when it is another line, -EINVAL when it is a
 * machine line with a malformed or out-of-range value (named in @err).
 */
int run_machine_parse_line(const char *line, size_t len, struct run_machine *m, char *err,
			   size_t errlen)
{
	char buf[1024], *tok, *save = NULL;

	if (len < strlen(MACHINE_TAG) || strncmp(line, MACHINE_TAG, strlen(MACHINE_TAG)))
		return 0;
	if (len >= sizeof(buf)) {
		snprintf(err, errlen, "the machine line is too long");
		return -EINVAL;
	}
	memcpy(buf, line + strlen(MACHINE_TAG), len - strlen(MACHINE_TAG));
	buf[len - strlen(MACHINE_TAG)] = 0;
	for (tok = strtok_r(buf, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			snprintf(err, errlen, "machine line: '%s' is not key=value", tok);
			return -EINVAL;
		}
		*eq = 0;
		if (parse_pair(tok, eq + 1, m)) {
			snprintf(err, errlen, "machine line: bad value '%s' for %s", eq + 1, tok);
			return -EINVAL;
		}
	}
	m->present = true;
	return 1;
}

/**
 * run_machine_apply() - the machine and first-task config: each field from the command line
 * (@opt) when given there, else from the recording's line (@log), else Linux's default.
 * The overcommit sysctls come after the machine exists (run_machine_sysctls()).
 * @log: what the scenario's machine line said (run_machine_init() when it had none).
 * @opt: what the options said; --ram is passed as @mc->ram_bytes already set.
 * @mc: the machine config to complete: RAM and swap.
 * @tc: the first task's config to complete: its ids, its RLIMIT_STACK (which places the mmap
 * base), and every capability until run_machine_task() sets the ones it has.
 *
 * Context: any.
 */
void run_machine_apply(const struct run_machine *log, const struct run_machine *opt,
		       struct mmlab_machine_config *mc, struct mmlab_task_config *tc)
{
	long uid = opt->uid >= 0 ? opt->uid : log->uid;
	long gid = opt->uid >= 0 ? opt->gid : log->gid;

	if (!mc->ram_bytes)
		mc->ram_bytes = log->ram;
	mc->swap_bytes = log->swap;
	tc->uid = uid >= 0 ? (uint32_t)uid : 0;
	tc->gid = gid >= 0 ? (uint32_t)gid : tc->uid;
	tc->privileged = 1; /* run_machine_task() drops what the ids do not have */
	/* vm.mmap_min_addr: 0 in the line is a real 0, which the task config cannot say */
	if (log->mmap_min_addr > 0)
		tc->mmap_min_addr = (uint64_t)log->mmap_min_addr;
	/* exec placed the mmap base below a gap of RLIMIT_STACK: the layout needs it first */
	if (log->rlim_set & (1U << 3))
		tc->rlimit_stack = log->rlim[3].rlim_cur;
}

/**
 * run_machine_sysctls() - set vm.overcommit_memory and vm.overcommit_ratio of the new
 * machine from the options or the recording's line (a ratio of 0 included, which the machine
 * config cannot say).
 * @log: the recording's machine line.
 * @opt: the options.
 * @m: the machine.
 *
 * Context: before the first task exists.
 * Return: 0, or the -errno of mmlab_sysctl.
 */
int run_machine_sysctls(const struct run_machine *log, const struct run_machine *opt,
			struct mmlab_machine *m)
{
	int mode = opt->overcommit >= 0 ? opt->overcommit : log->overcommit;
	int ratio = opt->overcommit_ratio >= 0 ? opt->overcommit_ratio : log->overcommit_ratio;
	uint64_t v;
	int err = 0;

	if (mode >= 0) {
		v = (uint64_t)mode;
		err = mmlab_sysctl(m, "vm.overcommit_memory", &v, NULL);
	}
	if (!err && ratio >= 0) {
		v = (uint64_t)ratio;
		err = mmlab_sysctl(m, "vm.overcommit_ratio", &v, NULL);
	} else if (!err && log->overcommit_kbytes > 0) {
		v = (uint64_t)log->overcommit_kbytes;
		err = mmlab_sysctl(m, "vm.overcommit_kbytes", &v, NULL);
	}
	return err;
}

/**
 * run_machine_task() - give the first task the resource limits (rlimits=) of the recording's
 * program, then its capability sets: those of the line (cap_eff=, cap_prm=) unless --user
 * chose the ids, else every capability for uid 0 and none for another. The task was created
 * with every capability (run_machine_apply()) so that limits above the kernel's defaults can
 * be set whatever the ids.
 * @log: the recording's machine line.
 * @opt: the options.
 * @t: the first task, as created.
 *
 * Context: before the first call runs.
 * Return: 0, or the -errno of mmlab_prlimit or mmlab_capset (-EINVAL: a soft limit above the
 * hard one).
 */
int run_machine_task(const struct run_machine *log, const struct run_machine *opt,
		     struct mmlab_task *t)
{
	struct mmlab_caps caps;
	struct mmlab_cred cr;
	int err;

	for (unsigned int res = 0; res < 16; res++) {
		if (!(log->rlim_set & (1U << res)))
			continue;
		err = mmlab_prlimit(t, NULL, res, &log->rlim[res], NULL);
		if (err)
			return err;
	}
	if (mmlab_capget(t, NULL, &caps))
		return -EINVAL;
	mmlab_task_cred(t, &cr);
	if (cr.uid || cr.euid)
		caps.permitted = caps.effective = 0;
	if (opt->uid < 0 && log->cap_prm >= 0)
		caps.permitted = (uint64_t)log->cap_prm;
	if (opt->uid < 0 && log->cap_eff >= 0)
		caps.effective = (uint64_t)log->cap_eff;
	return mmlab_capset(t, &caps);
}

/**
 * run_machine_pku() - whether the CPU to emulate has protection keys: the --pku/--no-pku
 * option (@opt_pku, -1 when not given) over the recording's "pku=" (-1 when not given).
 * Hook for the protection-key switch: -1 means neither said, so the default applies.
 * @log: the recording's machine line.
 * @opt_pku: the option's value.
 *
 * Context: any.
 * Return: 1 (PKU), 0 (no PKU) or -1 (unspecified).
 */
int run_machine_pku(const struct run_machine *log, int opt_pku)
{
	return opt_pku >= 0 ? opt_pku : log->pku;
}
