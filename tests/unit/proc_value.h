/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The value of one line of a machine's /proc/vmstat or /proc/meminfo as mmlab prints them,
 * for the tests that compare counters (node counters too, which mmlab_vmstat_get does not
 * name). UINT64_MAX when no line has that name: the caller asserts what it needs. Include
 * after <cmocka.h> and "mmlab.h".
 */
#ifndef MMLAB_TEST_PROC_VALUE_H
#define MMLAB_TEST_PROC_VALUE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number after the first @key in what @print writes. */
static inline uint64_t proc_text_value(int (*print)(struct mmlab_machine *, FILE *),
				       struct mmlab_machine *m, const char *key)
{
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	uint64_t v = UINT64_MAX;

	assert_non_null(out);
	assert_int_equal(print(m, out), 0);
	fclose(out);
	p = strstr(buf, key);
	if (p)
		v = strtoull(p + strlen(key), NULL, 10);
	free(buf);
	return v;
}

/* The /proc/vmstat line @name. */
static inline uint64_t proc_vmstat_value(struct mmlab_machine *m, const char *name)
{
	char key[64];

	snprintf(key, sizeof(key), "\n%s ", name);
	return proc_text_value(mmlab_proc_vmstat, m, key);
}

/* The /proc/meminfo line that starts with @key ("MemFree:"), in kB. */
static inline uint64_t proc_meminfo_value(struct mmlab_machine *m, const char *key)
{
	return proc_text_value(mmlab_proc_meminfo, m, key);
}

#endif /* MMLAB_TEST_PROC_VALUE_H */
