// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The vDSO's special mappings (arch/x86/entry/vdso/vma.c, lib/vdso/datastore.c, and
 * mm/mmap.c's special_mapping_fault): map_vdso places [vvar] (4 pages), [vvar_vclock] (2) and
 * [vdso] (2) where a top-down search for 8 pages lands, as this host's 6.18 kernel shows them,
 * and their faults supply what the kernel's do:
 *
 *   [vvar]         page 0 time data, 1 time namespace (SIGBUS outside one), 2 random-number
 *                  state, 3 architecture data (none on x86: SIGBUS)
 *   [vvar_vclock]  page 0 the paravirtual clock (kvm-clock on this host), 1 Hyper-V's (SIGBUS)
 *   [vdso]         the image's two text pages
 *
 * The vvar pages are PFN maps (VM_PFNMAP, vmf_insert_pfn): a special entry with no struct
 * page behind it, so Rss stays 0 as the host's smaps shows; here the entry maps the zero
 * page's frame, and reads give zeros where the kernel's give the clock. The [vdso] pages are
 * ordinary pages the kernel image holds (vdso_fault's vmf->page): a read fault maps one
 * (no fault-around: special mappings have no ->map_pages), it counts in RssFile and smaps'
 * Rss, fork leaves it for the child to fault again (no anon_vma), and a write after
 * mprotect copies it into an anonymous page as for any private mapping. Their bytes are the
 * host's own vDSO (host_vdso_image), zero past its end, made at the machine's first vDSO
 * fault and held by the machine until it is destroyed. smaps counts them by this machine's
 * map count: one process alone shows Private_Clean and the whole page in Pss, where the host
 * (which every process maps the page of) shows Shared_Clean and Pss 0.
 * Left out: time namespaces, the 32-bit vDSO, mremap of the vDSO (vdso_mremap), and the clock
 * values themselves.
 */
#include "mm/exec.h"
#include "mm/machine.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/rmap.h"
#include "host/host.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define VVAR_PAGES 4UL
#define VCLOCK_PAGES 2UL
#define VDSO_PAGES (VVAR_PAGES + VCLOCK_PAGES + VDSO_TEXT_PAGES)

/* The vDSO text pages of a machine (the kernel's vdso_image_64.data). */
struct vdso_text {
	struct page *pages[VDSO_TEXT_PAGES];	/* Reserved, one reference held by the machine */
};

static const char *vvar_name(struct vm_area_struct *vma)
{
	return "[vvar]";
}
static const char *vclock_name(struct vm_area_struct *vma)
{
	return "[vvar_vclock]";
}
static const char *vdso_name(struct vm_area_struct *vma)
{
	return "[vdso]";
}
static int special_no_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/*
 * A PFN map's fault (vmf_insert_pfn): a special, young, read-only entry of the zero page's
 * frame, which no counter, rmap or smaps sees.
 */
static vm_fault_t vvar_insert_pfn(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct pglist_data *pgdat = &vma->vm_mm->machine->pgdat;
	pte_t entry = pfn_pte(page_to_pfn(pgdat, pgdat->zero_page), vma->vm_page_prot);

	set_pte_at(vma->vm_mm, vmf->address, vmf->pte, pte_mkyoung(entry) | _PAGE_SPECIAL);
	return VM_FAULT_NOPAGE;
}

/* [vvar]: the time data and the random-number state exist, the others are SIGBUS. */
static vm_fault_t vvar_fault(struct vm_fault *vmf)
{
	if (vmf->pgoff != 0 && vmf->pgoff != 2)
		return VM_FAULT_SIGBUS;
	return vvar_insert_pfn(vmf);
}

/* [vvar_vclock]: the paravirtual clock page of the host's kvm-clock; no Hyper-V page. */
static vm_fault_t vclock_fault(struct vm_fault *vmf)
{
	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	return vvar_insert_pfn(vmf);
}

/* Frees what vdso_text_make built before it failed or lost the race to publish. */
static void vdso_text_free(struct pglist_data *pgdat, struct vdso_text *text)
{
	for (unsigned long i = 0; i < VDSO_TEXT_PAGES; i++) {
		if (!text->pages[i])
			continue;
		ClearPageReserved(text->pages[i]);
		put_page(pgdat, text->pages[i]);
	}
	free(text);
}

/* The host's vDSO image, read once for every machine of the process; zeros past its end. */
static char vdso_image[VDSO_TEXT_PAGES * PAGE_SIZE];
static pthread_once_t vdso_image_once = PTHREAD_ONCE_INIT;

static void vdso_image_read(void)
{
	(void)host_vdso_image(vdso_image, sizeof(vdso_image));
}

/*
 * The machine's vDSO text, made at its first fault: the host's image copied into reserved
 * pages. Racing makers both build one; the first to publish wins, the other frees its own.
 * Return: the text, or NULL when out of memory.
 */
static struct vdso_text *vdso_text_get(struct machine *m)
{
	struct vdso_text *text = __atomic_load_n(&m->vdso_text, __ATOMIC_ACQUIRE), *none = NULL;

	if (text)
		return text;
	text = calloc(1, sizeof(*text));
	if (!text)
		return NULL;
	pthread_once(&vdso_image_once, vdso_image_read);
	for (unsigned long i = 0; i < VDSO_TEXT_PAGES; i++) {
		text->pages[i] = alloc_pages(&m->pgdat, 0);
		if (!text->pages[i]) {
			vdso_text_free(&m->pgdat, text);
			return NULL;
		}
		memcpy(page_address(&m->pgdat, text->pages[i]), vdso_image + i * PAGE_SIZE,
		       PAGE_SIZE);
		SetPageReserved(text->pages[i]);
		SetPageUptodate(text->pages[i]);
	}
	if (__atomic_compare_exchange_n(&m->vdso_text, &none, text, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return text;
	vdso_text_free(&m->pgdat, text);
	return none;
}

/* [vdso] (vdso_fault): the image's page, with a reference for the entry about to map it. */
static vm_fault_t vdso_fault(struct vm_fault *vmf)
{
	struct vdso_text *text;

	if (vmf->pgoff >= VDSO_TEXT_PAGES)
		return VM_FAULT_SIGBUS;
	text = vdso_text_get(vmf->vma->vm_mm->machine);
	if (!text)
		return VM_FAULT_OOM;
	vmf->page = text->pages[vmf->pgoff];
	get_page(vmf->page);
	return 0;
}

/* The special mappings' operations: named in maps, never split (special_mapping_split). */
const struct vm_operations_struct vvar_ops = { .name = vvar_name,
					       .may_split = special_no_split,
					       .fault = vvar_fault,
					       .no_map_pages = true };
const struct vm_operations_struct vclock_ops = { .name = vclock_name,
						 .may_split = special_no_split,
						 .fault = vclock_fault,
						 .no_map_pages = true };
const struct vm_operations_struct vdso_ops = { .name = vdso_name,
					       .may_split = special_no_split,
					       .fault = vdso_fault,
					       .no_map_pages = true };

/**
 * map_vdso - the vDSO's special mappings ([vvar], [vvar_vclock], [vdso]) where a top-down
 * search for their 8 pages lands (map_vdso_randomized: the mmap area, no hint). Nothing is
 * mapped in them yet: their pages come at their faults.
 * @vdso: receives the [vdso] text's address (mm->context.vdso, AT_SYSINFO_EHDR)
 * Context: mmap_lock held for writing.
 * Return: 0 or -ENOMEM.
 */
int map_vdso(struct task *tsk, unsigned long *vdso)
{
	unsigned long base = get_unmapped_area(tsk, NULL, 0, VDSO_PAGES * PAGE_SIZE, 0, 0, 0);
	unsigned long clock = base + VVAR_PAGES * PAGE_SIZE;
	unsigned long text = clock + VCLOCK_PAGES * PAGE_SIZE;
	int err;

	if (base & ~PAGE_MASK)
		return -ENOMEM;
	err = insert_special_vma(tsk, base, clock, VVAR_FLAGS, &vvar_ops) ?:
	      insert_special_vma(tsk, clock, text, VVAR_FLAGS, &vclock_ops) ?:
	      insert_special_vma(tsk, text, text + VDSO_TEXT_PAGES * PAGE_SIZE, VDSO_FLAGS,
				 &vdso_ops);
	if (!err)
		*vdso = text;
	return err;
}

/**
 * vdso_exit - the machine's vDSO text goes back to its free frames (the machine is being
 * destroyed: no entry maps it any more).
 * Context: no other user of @m.
 */
void vdso_exit(struct machine *m)
{
	if (m->vdso_text)
		vdso_text_free(&m->pgdat, m->vdso_text);
	m->vdso_text = NULL;
}
