// SPDX-License-Identifier: LGPL-2.1-or-later
/* Library identity and small argument parsers shared by the API and the command. */
#include "kernel.h"
#include "mmlab.h"

#include <ctype.h>
#include <string.h>

#ifndef MMLAB_VERSION_STRING
#define MMLAB_VERSION_STRING "0.1.0"
#endif

MMLAB_EXPORT const char *mmlab_version(void)
{
	return MMLAB_VERSION_STRING;
}

MMLAB_EXPORT int mmlab_parse_size(const char *s, size_t *bytes)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (!s || !bytes || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (~0ULL - 9) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	case 't': case 'T': mult = 1ULL << 40; p++; break;
	}
	if (*p == 'i' || *p == 'B')
		p += (*p == 'i' && p[1] == 'B') ? 2 : 1;
	if (*p || v == 0 || v > SIZE_MAX / mult)
		return -EINVAL;
	*bytes = (size_t)(v * mult);
	return 0;
}
