// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the scenario reader: any bytes must parse into records or
 * FILE:LINE:COL errors, never crash or leak; every parsed value is also evaluated and printed.
 */
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

static void walk(const struct sc_value *v)
{
	unsigned long x;
	struct sc_error err;

	if (sc_eval(v, sc_default_lookup, NULL, &x, &err))
		(void)err;
	for (unsigned int k = 0; k < v->nr_kids; k++)
		walk(v->kids[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *sc;
	struct sbuf sb = SBUF_INIT;

	if (scenario_parse("fuzz", (const char *)data, size, 0, &sc))
		return 0;
	for (unsigned int i = 0; i < sc->nr_recs; i++) {
		for (unsigned int k = 0; k < sc->recs[i]->nr_args; k++)
			walk(sc->recs[i]->args[k]);
		sc_format_record(&sb, sc->recs[i]);
	}
	for (unsigned int i = 0; i < sc->nr_errors; i++)
		sc_format_error(&sb, sc->file, &sc->errors[i]);
	sbuf_free(&sb);
	scenario_free(sc);
	return 0;
}
