// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The machine's event counters by name (mm/vmstat.c's vmstat_text and the /proc/vmstat
 * lookups): the names Linux prints, then mmlab's own (COW_FAULT, ZERO_PAGE_FAULT), which no
 * Linux line carries. show_vmstat (proc_stat.c) prints the file itself.
 * Left out: the per-node counters (events are counted per machine, in per-thread sets that
 * sum_vm_event folds: phys/vmstat.c).
 */
#include "mm/machine.h"
#include "mmlab.h"

#include <string.h>

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
	return -ENOENT;
}

MMLAB_EXPORT const char *mmlab_vmstat_name(unsigned int i, int *kernel)
{
	if (i >= NR_VM_EVENT_ITEMS)
		return NULL;
	if (kernel)
		*kernel = i < NR_VM_KERNEL_EVENT_ITEMS;
	return vmstat_text[i];
}
