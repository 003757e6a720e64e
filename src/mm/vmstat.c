// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The machine's event counters by name (mm/vmstat.c's vmstat_text and the /proc/vmstat
 * lookups): the names Linux prints, then mmlab's own (COW_FAULT, ZERO_PAGE_FAULT), which no
 * Linux line carries. show_vmstat (proc_stat.c) prints the file itself.
 * The node counters (nr_*, workingset_*) are looked up in /proc/vmstat's text as show_vmstat
 * prints it, so that a name means the same line in both. Left out: per-node sets (one node;
 * events are counted per machine, in per-thread sets that sum_vm_event folds: phys/vmstat.c).
 */
#include "mm/machine.h"
#include "mm/procfs.h"
#include "mmlab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @name's line in show_vmstat's text: 0, -ENOENT, or -ENOMEM. */
static int vmstat_node_get(struct machine *m, const char *name, uint64_t *val)
{
	size_t len = strlen(name), size = 0;
	char *text = NULL, *line;
	FILE *f = open_memstream(&text, &size);
	int err = -ENOENT;

	if (!f)
		return -ENOMEM;
	if (show_vmstat(m, f) | fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, name, len) && line[len] == ' ') {
			*val = strtoull(line + len + 1, NULL, 10);
			err = 0;
			break;
		}
	free(text);
	return err;
}

MMLAB_EXPORT int mmlab_vmstat_get(struct mmlab_machine *mm, const char *name, uint64_t *val)
{
	struct machine *m;

	if (!mm || !name || !val)
		return -EINVAL;
	m = machine_of(mm);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		if (vmstat_text[i] && !strcmp(vmstat_text[i], name)) {
			*val = sum_vm_event(&m->pgdat.vm_events, i);
			return 0;
		}
	}
	return vmstat_node_get(m, name, val);
}

MMLAB_EXPORT const char *mmlab_vmstat_name(unsigned int i, int *kernel)
{
	if (i >= NR_VM_EVENT_ITEMS)
		return NULL;
	if (kernel)
		*kernel = i < NR_VM_KERNEL_EVENT_ITEMS;
	return vmstat_text[i];
}
