// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of the maps importer against exec: each program named on the command line
 * is started under ptrace with address randomization off and stopped right after its execve,
 * when the address space is what load_elf_binary left. Its /proc/PID/maps becomes an mmlab task
 * (mmlab_task_create_from_maps), whose start_code, end_code, start_data, end_data and break
 * must equal /proc/PID/stat's fields 26, 27, 45, 46 and 47, and whose VmExe, VmLib, VmData and
 * VmStk must equal /proc/PID/status's. Programs that do not exist are skipped.
 * Usage: diffexec PROGRAM...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

/* The value of "KEY:" in status text, in kB; -1 when missing. */
static long status_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static char *slurp(FILE *f)
{
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	buf[n] = 0;
	return buf;
}

/* Fields 26, 27, 45, 46, 47 of /proc/PID/stat. */
static int stat_fields(pid_t pid, unsigned long v[5])
{
	char path[64], buf[4096], *p;
	static const int want[5] = { 26, 27, 45, 46, 47 };
	FILE *f;
	int field = 2, k = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	for (p++; *p && k < 5;) {
		unsigned long x;
		int n;

		if (sscanf(p, " %*s%n", &n) < 0)
			break;
		field++;
		sscanf(p, " %lu", &x);
		if (field == want[k])
			v[k++] = x;
		p += n;
	}
	return k == 5 ? 0 : -1;
}

static int check(struct mmlab_machine *m, const char *prog)
{
	char path[64], host_status[1 << 16], *text = NULL;
	struct mmlab_task_config cfg = { .no_aslr = 1 };
	static const char *const keys[] = { "VmExe:", "VmLib:", "VmData:", "VmStk:" };
	struct mmlab_task_info info;
	struct mmlab_task *t;
	unsigned long v[5];
	size_t size = 0;
	int st, bad = 0;
	FILE *f, *mf;
	pid_t pid;

	if (access(prog, X_OK))
		return 0;
	pid = fork();
	if (pid == 0) {
		personality(ADDR_NO_RANDOMIZE);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execl(prog, prog, "--version", (char *)NULL);
		_exit(127);
	}
	/* The SIGTRAP of a traced execve: the image is loaded, no instruction has run. */
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "%s: did not stop at exec\n", prog);
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	strcpy(host_status, f ? slurp(f) : "");
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	mf = fopen(path, "r");
	if (!mf || stat_fields(pid, v)) {
		fprintf(stderr, "%s: cannot read /proc/%d\n", prog, pid);
		bad = 1;
	} else if (mmlab_task_create_from_maps(m, &cfg, mf, &t)) {
		fprintf(stderr, "%s: mmlab_task_create_from_maps failed\n", prog);
		bad = 1;
	}
	if (mf)
		fclose(mf);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (bad)
		return 1;
	mmlab_task_info(t, &info);
	if (info.start_code != v[0] || info.end_code != v[1] || info.start_data != v[2] ||
	    info.end_data != v[3] || info.start_brk != v[4] || info.brk != v[4]) {
		fprintf(stderr, "%s: host code %#lx-%#lx data %#lx-%#lx brk %#lx; mmlab code "
			"%#lx-%#lx data %#lx-%#lx brk %#lx-%#lx\n", prog, v[0], v[1], v[2], v[3], v[4],
			(unsigned long)info.start_code, (unsigned long)info.end_code,
			(unsigned long)info.start_data, (unsigned long)info.end_data,
			(unsigned long)info.start_brk, (unsigned long)info.brk);
		bad = 1;
	}
	f = open_memstream(&text, &size);
	mmlab_proc_status(t, f);
	fclose(f);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		long h = status_kb(host_status, keys[i]), l = status_kb(text, keys[i]);

		if (h != l) {
			fprintf(stderr, "%s: %s host %ld kB, mmlab %ld kB\n", prog, keys[i], h, l);
			bad = 1;
		}
	}
	free(text);
	mmlab_task_destroy(t);
	printf("%s: %s (code %#lx-%#lx data %#lx-%#lx brk %#lx)\n", prog, bad ? "differs" : "same",
	       v[0], v[1], v[2], v[3], v[4]);
	return bad;
}

int main(int argc, char **argv)
{
	struct mmlab_machine_config mc = { .ram_bytes = 64UL << 20 };
	struct mmlab_machine *m;
	int failed = 0;

	if (mmlab_machine_create(&mc, &m))
		return 2;
	for (int i = 1; i < argc; i++)
		failed += check(m, argv[i]);
	mmlab_machine_destroy(m);
	return failed ? 1 : 0;
}
