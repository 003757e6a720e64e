// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the differential fault tests share (diffutil.h): random numbers, smaps parsing and
 * comparison on both sides, the forked host helper and its fork steps.
 */
#include "diffutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

uint64_t rng;

uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const struct {
	const char *key;
	enum smaps_key bit;
	size_t off;
} smaps_fields[] = {
	{ "Rss", SMAPS_RSS, offsetof(struct vfig, rss) },
	{ "Pss", SMAPS_PSS, offsetof(struct vfig, pss) },
	{ "Pss_Dirty", SMAPS_PSS_DIRTY, offsetof(struct vfig, pss_dirty) },
	{ "Shared_Clean", SMAPS_SHARED_CLEAN, offsetof(struct vfig, sc) },
	{ "Shared_Dirty", SMAPS_SHARED_DIRTY, offsetof(struct vfig, sd) },
	{ "Private_Clean", SMAPS_PRIVATE_CLEAN, offsetof(struct vfig, pc) },
	{ "Private_Dirty", SMAPS_PRIVATE_DIRTY, offsetof(struct vfig, pd) },
	{ "Anonymous", SMAPS_ANONYMOUS, offsetof(struct vfig, anon) },
	{ "LazyFree", SMAPS_LAZYFREE, offsetof(struct vfig, lazy) },
	{ "Referenced", SMAPS_REFERENCED, offsetof(struct vfig, ref) },
};

void parse_smaps(const char *text, const struct smaps_window *w, struct vfig *v, int *nr)
{
	struct vfig *cur = NULL;
	const char *line = text;

	*nr = 0;
	while (line && *line) {
		unsigned long s, e, val;
		char key[32];

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, ' ') < strchr(line, '\n')) {
			cur = NULL;
			if (s >= WIN && e <= WIN + w->pages * PG && *nr < MAX_VMAS) {
				cur = &v[(*nr)++];
				memset(cur, 0, sizeof(*cur));
				cur->start = s;
				cur->end = e;
			}
		} else if (cur && sscanf(line, "%31[^:]: %lu", key, &val) == 2) {
			for (size_t i = 0; i < sizeof(smaps_fields) / sizeof(smaps_fields[0]); i++)
				if ((w->keys & smaps_fields[i].bit) && !strcmp(key, smaps_fields[i].key))
					*(uint64_t *)((char *)cur + smaps_fields[i].off) = val;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

bool same_vmas(const struct vfig *a, int na, const struct vfig *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end)
			return false;
	return true;
}

struct vfig window_sums(const struct vfig *v, int nr)
{
	struct vfig s = { 0 };

	for (int i = 0; i < nr; i++) {
		s.rss += v[i].rss, s.sc += v[i].sc, s.sd += v[i].sd;
		s.pc += v[i].pc, s.pd += v[i].pd, s.anon += v[i].anon;
		s.lazy += v[i].lazy;
	}
	return s;
}

const char *host_smaps_text(void)
{
	static char buf[8 << 20];
	size_t len = 0;
	ssize_t n;
	int fd = (int)syscall(SYS_open, "/proc/self/smaps", O_RDONLY);

	if (fd < 0)
		_exit(3);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	return buf;
}

char *lab_smaps_text(struct mmlab_task *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f || mmlab_proc_smaps(t, f)) {
		if (f)
			fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

long errno_ret(long r)
{
	return r < 0 ? -errno : r;
}

bool host_helper(const struct smaps_window *w, int *status)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		void *p = mmap((void *)WIN, w->pages * PG, PROT_NONE,
			       MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != (void *)WIN)
			_exit(6);
		munmap(p, w->pages * PG);
		return true;
	}
	if (pid < 0 || waitpid(pid, status, 0) != pid)
		*status = -1;
	return false;
}

bool native_fork(void (*warm_stack)(void))
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		_exit(4);
	if (pid > 0) {
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			_exit(5);
		warm_stack();
		return true;
	}
	warm_stack();
	return false;
}

int lab_tasks_start(struct lab_tasks *l, struct mmlab_machine *m)
{
	struct mmlab_task_config cfg = { .seed = 1, .no_aslr = 1 };

	l->depth = 0;
	return mmlab_task_create(m, &cfg, &l->stack[0]);
}

int lab_fork(struct lab_tasks *l)
{
	int err = mmlab_fork(l->stack[l->depth], &l->stack[l->depth + 1]);

	if (!err)
		l->depth++;
	return err;
}

int lab_step_end(struct lab_tasks *l, bool exit)
{
	if (exit)
		mmlab_exit(l->stack[l->depth--]);
	return mmlab_task_validate(l->stack[l->depth]);
}

void lab_tasks_end(struct lab_tasks *l)
{
	while (l->depth >= 0)
		mmlab_exit(l->stack[l->depth--]);
}
