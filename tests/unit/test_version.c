// SPDX-License-Identifier: LGPL-2.1-or-later
/* Argument parsers of the public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mmlab.h"

static void test_version(void **state)
{
	(void)state;
	assert_non_null(mmlab_version());
	assert_int_equal(strcmp(mmlab_version(), "0.1.0"), 0);
}

static void test_parse_size(void **state)
{
	size_t v;

	(void)state;
	assert_int_equal(mmlab_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(mmlab_parse_size("64M", &v), 0);
	assert_int_equal(v, 64UL << 20);
	assert_int_equal(mmlab_parse_size("1G", &v), 0);
	assert_int_equal(v, 1UL << 30);
	assert_int_equal(mmlab_parse_size("2GiB", &v), 0);
	assert_int_equal(v, 2UL << 30);
	assert_int_equal(mmlab_parse_size("512k", &v), 0);
	assert_int_equal(v, 512UL << 10);
	assert_int_equal(mmlab_parse_size("", &v), -EINVAL);
	assert_int_equal(mmlab_parse_size("0", &v), -EINVAL);
	assert_int_equal(mmlab_parse_size("12Q", &v), -EINVAL);
	assert_int_equal(mmlab_parse_size("-1", &v), -EINVAL);
	assert_int_equal(mmlab_parse_size("99999999999999999999999", &v), -EINVAL);
	assert_int_equal(mmlab_parse_size("99999999999T", &v), -EINVAL);
	assert_int_equal(mmlab_parse_size(NULL, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_parse_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
