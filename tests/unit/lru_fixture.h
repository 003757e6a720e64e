/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fixture test_lru.c and test_lru_gen.c share: a machine whose root is a host directory
 * of their own (mkdtemp), one task, its node, and files of known bytes in that root. Include
 * after <cmocka.h> and "mmlab.h".
 */
#ifndef MMLAB_TEST_LRU_FIXTURE_H
#define MMLAB_TEST_LRU_FIXTURE_H

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PG 4096UL

struct fixture {
	char root[64];			/* mkdtemp: the machine's root */
	struct mmlab_machine *m;
	struct mmlab_task *t;
	struct pglist_data *pgdat;
};

/* A file of @pages pages whose page i is filled with byte (i * 7 + 1) & 0xff. */
static inline void put_file(struct fixture *fx, const char *name, size_t pages)
{
	char path[PATH_MAX], buf[PG];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fx->root, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	for (size_t i = 0; i < pages; i++) {
		memset(buf, (int)((i * 7 + 1) & 0xff), PG);
		assert_int_equal(write(fd, buf, PG), (ssize_t)PG);
	}
	close(fd);
}

#endif /* MMLAB_TEST_LRU_FIXTURE_H */
