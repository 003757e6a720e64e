/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Multi-Gen LRU's interface to the rest of the address-space layer (the lru_gen half of
 * include/linux/mmzone.h and mm_types.h): the machine's list of address spaces that the aging
 * walks, the look-around rmap's folio_referenced calls, and the debugfs view. The
 * generations themselves are the physical layer's (phys/lru.h); lru_gen.c implements the
 * aging and the eviction.
 */
#ifndef MMLAB_MM_LRU_GEN_H
#define MMLAB_MM_LRU_GEN_H

#include "mm/machine.h"
#include "mm/mm_types.h"

#include <stdio.h>

void lru_gen_init_mm_list(struct machine *m);
void lru_gen_exit_mm_list(struct machine *m);
void lru_gen_add_mm(struct mm_struct *mm);
void lru_gen_del_mm(struct mm_struct *mm);
bool lru_gen_look_around(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep);
int lru_gen_seq_show(struct machine *m, FILE *out);

#endif /* MMLAB_MM_LRU_GEN_H */
