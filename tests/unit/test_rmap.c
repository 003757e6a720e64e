// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reverse map, white-box: the anon_vma chains fork, fork of a fork, splits, merges,
 * mremap and exit leave (their lengths, the anon_vma each VMA names, the reuse of an idle
 * ancestor), rmap_walk finding every mapping of a page in every process, try_to_unmap leaving
 * non-present entries with exact map counts and RSS, and folio_referenced clearing accessed
 * bits together with the TLB entries that cache them, so that the next access sets the bit
 * again through the MMU; a walk skips the mappings of an mm whose mmap_lock a writer holds. Every step ends with each task validated (mmlab_task_validate, which
 * includes rmap_validate's exact map counts) and each test with every frame free again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "mmlab.h"
#include "mm/memory.h"
#include "mm/mmap_lock.h"
#include "mm/swap.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "phys/lru.h"

#define PG 4096UL

struct env {
	struct mmlab_machine *m;
	uint64_t free0;
};

static uint64_t free_pages(struct mmlab_machine *m)
{
	struct mmlab_stats st;

	mmlab_machine_stats(m, &st);
	return st.free_pages;
}

static int setup(void **state)
{
	struct mmlab_machine_config cfg = { .ram_bytes = 32UL << 20, .nr_cpus = 2 };
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(mmlab_machine_create(&cfg, &e->m), 0);
	e->free0 = free_pages(e->m);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(mmlab_machine_validate(e->m), 0);
	assert_int_equal(free_pages(e->m), e->free0);
	mmlab_machine_destroy(e->m);
	free(e);
	return 0;
}

static struct mmlab_task *task(struct env *e)
{
	struct mmlab_task_config cfg = { .no_aslr = 1 };
	struct mmlab_task *t;

	assert_int_equal(mmlab_task_create(e->m, &cfg, &t), 0);
	return t;
}

static struct mmlab_task *fork_of(struct mmlab_task *t)
{
	struct mmlab_task *c;

	assert_int_equal(mmlab_fork(t, &c), 0);
	return c;
}

/* @n pages of private anonymous memory, each written once. */
static uint64_t map_written(struct mmlab_task *t, unsigned long n)
{
	uint64_t a;

	assert_int_equal(mmlab_mmap(t, 0, n * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &a), 0);
	assert_int_equal(mmlab_touch(t, a, n * PG, "w", NULL), 0);
	return a;
}

static void validate(struct mmlab_task *const *tasks, int n)
{
	for (int i = 0; i < n; i++)
		if (tasks[i])
			assert_int_equal(mmlab_task_validate(tasks[i]), 0);
}

/* The VMA at @addr; the machine is at rest, so it stays valid after the lock drops. */
static struct vm_area_struct *vma_at(struct mmlab_task *t, uint64_t addr)
{
	struct mm_struct *mm = task_mm(t);
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	assert_non_null(vma);
	assert_true(vma->vm_start <= addr);
	return vma;
}

static unsigned long chain_len(const struct vm_area_struct *vma)
{
	unsigned long n = 0;
	const struct list_head *pos;

	for (pos = vma->anon_vma_chain.next; pos != &vma->anon_vma_chain; pos = pos->next)
		n++;
	return n;
}

/* Does @vma's chain link @av? */
static bool chain_links(const struct vm_area_struct *vma, const struct anon_vma *av)
{
	const struct list_head *pos;

	for (pos = vma->anon_vma_chain.next; pos != &vma->anon_vma_chain; pos = pos->next)
		if (list_entry(pos, struct anon_vma_chain, same_vma)->anon_vma == av)
			return true;
	return false;
}

static pte_t *pte_at(struct mmlab_task *t, uint64_t addr)
{
	pte_t *ptep = pte_offset_map(task_mm(t), addr);

	assert_non_null(ptep);
	return ptep;
}

/* The page @t maps at @addr (present). */
static struct page *page_at(struct mmlab_task *t, uint64_t addr)
{
	struct mm_struct *mm = task_mm(t);
	pte_t pte = ptep_get(pte_at(t, addr));

	assert_true(pte_present(pte));
	return pfn_to_page(&mm->machine->pgdat, pte_pfn(pte));
}

/* What one rmap_walk saw. */
#define MAX_SEEN 8
struct seen {
	int n;
	struct mm_struct *mm[MAX_SEEN];
	unsigned long addr[MAX_SEEN];
};

static bool record_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		       void *arg)
{
	struct seen *s = arg;

	assert_non_null(page_vma_mapped_pte(page, vma, addr));
	assert_true(s->n < MAX_SEEN);
	s->mm[s->n] = vma->vm_mm;
	s->addr[s->n++] = addr;
	return true;
}

static struct seen walk(struct page *page)
{
	struct seen s = { 0 };
	struct rmap_walk_control rwc = { .arg = &s, .rmap_one = record_one };

	rmap_walk(page, &rwc);
	return s;
}

/* The walk visited @t's mapping at @addr. */
static bool saw(const struct seen *s, struct mmlab_task *t, uint64_t addr)
{
	for (int i = 0; i < s->n; i++)
		if (s->mm[i] == task_mm(t) && s->addr[i] == addr)
			return true;
	return false;
}

/*
 * P forks C, C forks G: each generation adds one anon_vma (a child of the one before) and one
 * link; a page P wrote is found in all three, a page C copies on write only in C.
 */
static void test_fork_chains(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c, *g;
	uint64_t a = map_written(p, 4);
	struct vm_area_struct *vp, *vc, *vg;
	struct anon_vma *root;
	struct page *page, *copy;
	struct seen s;

	vp = vma_at(p, a);
	root = vp->anon_vma;
	assert_non_null(root);
	assert_ptr_equal(root->root, root);
	assert_int_equal(chain_len(vp), 1);
	assert_false(vma_is_fork_child(vp));
	assert_int_equal(root->num_children, 1);	/* itself */
	assert_int_equal(root->num_active_vmas, 1);

	c = fork_of(p);
	g = fork_of(c);
	vc = vma_at(c, a);
	vg = vma_at(g, a);
	assert_int_equal(chain_len(vc), 2);
	assert_int_equal(chain_len(vg), 3);
	assert_ptr_equal(vc->anon_vma->parent, root);
	assert_ptr_equal(vg->anon_vma->parent, vc->anon_vma);
	assert_ptr_equal(vg->anon_vma->root, root);
	assert_true(chain_links(vg, root) && chain_links(vg, vc->anon_vma));
	assert_true(vma_is_fork_child(vc) && vma_is_fork_child(vg));
	assert_int_equal(root->num_children, 2);
	assert_int_equal(vc->anon_vma->num_children, 1);
	assert_int_equal(root->refcount, 3);	/* its chains, and two descendants' root refs */

	page = page_at(p, a + PG);
	assert_ptr_equal(page_anon_vma(page), root);
	assert_int_equal(page_mapcount(page), 3);
	s = walk(page);
	assert_int_equal(s.n, 3);
	assert_true(saw(&s, p, a + PG) && saw(&s, c, a + PG) && saw(&s, g, a + PG));

	/* C writes: its copy names C's anon_vma and is found in C alone. */
	assert_int_equal(mmlab_touch(c, a + PG, 1, "w", NULL), 0);
	copy = page_at(c, a + PG);
	assert_ptr_not_equal(copy, page);
	assert_ptr_equal(page_anon_vma(copy), vc->anon_vma);
	s = walk(copy);
	assert_int_equal(s.n, 1);
	assert_true(saw(&s, c, a + PG));
	s = walk(page);
	assert_int_equal(s.n, 2);
	assert_true(saw(&s, p, a + PG) && saw(&s, g, a + PG));
	validate((struct mmlab_task *[]){ p, c, g }, 3);

	/* G exits: its anon_vma goes, and with it a reference on the root and C's child. */
	mmlab_exit(g);
	assert_int_equal(vc->anon_vma->num_children, 0);
	assert_int_equal(root->refcount, 2);
	s = walk(page);
	assert_int_equal(s.n, 1);
	assert_true(saw(&s, p, a + PG));
	validate((struct mmlab_task *[]){ p, c }, 2);
	mmlab_exit(c);
	assert_int_equal(root->num_children, 1);
	assert_int_equal(root->refcount, 1);
	validate(&p, 1);
	mmlab_exit(p);
}

/*
 * P forks C, C forks G, then P and C exit: C's anon_vma is idle (no VMA names it) with one
 * child, so G's next child H takes it instead of a new one (anon_vma_clone's reuse rule); a
 * second child H2 finds it active again and gets a new one.
 */
static void test_reuse_idle_anon_vma(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c, *g, *h, *h2;
	uint64_t a = map_written(p, 2);
	struct anon_vma *avc;
	struct page *page;
	struct seen s;

	c = fork_of(p);
	g = fork_of(c);
	avc = vma_at(c, a)->anon_vma;
	page = page_at(g, a);
	mmlab_exit(p);
	mmlab_exit(c);
	assert_int_equal(avc->num_active_vmas, 0);
	assert_int_equal(avc->num_children, 1);
	assert_int_equal(chain_len(vma_at(g, a)), 3);

	h = fork_of(g);
	assert_ptr_equal(vma_at(h, a)->anon_vma, avc);
	assert_int_equal(chain_len(vma_at(h, a)), 3);
	assert_int_equal(avc->num_active_vmas, 1);
	assert_int_equal(avc->num_children, 1);

	h2 = fork_of(g);
	assert_ptr_not_equal(vma_at(h2, a)->anon_vma, avc);
	assert_ptr_equal(vma_at(h2, a)->anon_vma->parent, vma_at(g, a)->anon_vma);
	assert_int_equal(chain_len(vma_at(h2, a)), 4);

	s = walk(page);
	assert_int_equal(s.n, 3);
	assert_true(saw(&s, g, a) && saw(&s, h, a) && saw(&s, h2, a));
	validate((struct mmlab_task *[]){ g, h, h2 }, 3);
	mmlab_exit(h);
	mmlab_exit(g);
	validate(&h2, 1);
	mmlab_exit(h2);
}

/*
 * A fork child's VMA split by mprotect: every piece keeps the whole chain and the anon_vma;
 * mprotect back merges the pieces and leaves one chain of the same length.
 *
 *   C: AAAA  ->  A B A A (B read-only)  ->  AAAA
 */
static void test_split_merge_chains(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c;
	uint64_t a = map_written(p, 4);
	struct anon_vma *own;
	struct seen s;

	c = fork_of(p);
	own = vma_at(c, a)->anon_vma;
	assert_int_equal(mmlab_mprotect(c, a + PG, PG, PROT_READ), 0);
	for (int i = 0; i < 4; i++) {
		struct vm_area_struct *v = vma_at(c, a + i * PG);

		assert_ptr_equal(v->anon_vma, own);
		assert_int_equal(chain_len(v), 2);
	}
	assert_ptr_not_equal(vma_at(c, a), vma_at(c, a + PG));
	assert_int_equal(own->num_active_vmas, 3);	/* the three pieces */
	s = walk(page_at(p, a + PG));
	assert_int_equal(s.n, 2);
	assert_true(saw(&s, p, a + PG) && saw(&s, c, a + PG));
	validate((struct mmlab_task *[]){ p, c }, 2);

	assert_int_equal(mmlab_mprotect(c, a + PG, PG, PROT_READ | PROT_WRITE), 0);
	assert_ptr_equal(vma_at(c, a), vma_at(c, a + 3 * PG));
	assert_int_equal(chain_len(vma_at(c, a)), 2);
	assert_int_equal(own->num_active_vmas, 1);
	validate((struct mmlab_task *[]){ p, c }, 2);
	mmlab_exit(p);
	validate(&c, 1);
	mmlab_exit(c);
}

/*
 * mremap moves a fork child's pages, wholly and in part: the moved VMA carries the chain, so
 * the parent's page is found at the child's new address.
 */
static void test_mremap_chains(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c;
	uint64_t a = map_written(p, 4), hole, moved;
	struct page *first, *last;
	struct seen s;

	c = fork_of(p);
	first = page_at(p, a);
	last = page_at(p, a + 3 * PG);
	/* A hole away from everything for the targets. */
	assert_int_equal(mmlab_mmap(c, 0, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0,
				    &hole), 0);
	assert_int_equal(mmlab_munmap(c, hole, 16 * PG), 0);

	/* The last page alone moves: a copy of the VMA, then a split. */
	assert_int_equal(mmlab_mremap(c, a + 3 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
				      hole + 8 * PG, &moved), 0);
	assert_int_equal(moved, hole + 8 * PG);
	assert_int_equal(chain_len(vma_at(c, moved)), 2);
	assert_ptr_equal(vma_at(c, moved)->anon_vma, vma_at(c, a)->anon_vma);
	s = walk(last);
	assert_int_equal(s.n, 2);
	assert_true(saw(&s, p, a + 3 * PG) && saw(&s, c, moved));
	validate((struct mmlab_task *[]){ p, c }, 2);

	/* The rest moves whole. */
	assert_int_equal(mmlab_mremap(c, a, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, hole,
				      &moved), 0);
	assert_int_equal(chain_len(vma_at(c, hole)), 2);
	s = walk(first);
	assert_int_equal(s.n, 2);
	assert_true(saw(&s, p, a) && saw(&s, c, hole));
	validate((struct mmlab_task *[]){ p, c }, 2);
	mmlab_exit(c);
	validate(&p, 1);
	mmlab_exit(p);
}

/* The swap side of try_to_unmap, faked: one swap entry for every mapping, counted. */
struct fake_swap {
	int calls;
	pte_t entry;
};

static pte_t fake_anon_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			   void *arg)
{
	struct fake_swap *fs = arg;

	(void)page, (void)vma, (void)addr;
	fs->calls++;
	return fs->entry;
}

/* Forgets a fake swap entry as a swap-in that failed would: the slot is gone. */
static void drop_fake_entry(struct mmlab_task *t, uint64_t addr, pte_t entry)
{
	struct mm_struct *mm = task_mm(t);
	pte_t *ptep = pte_at(t, addr);

	/* the PTE was soft-dirty (written): the entry carries that bit too */
	assert_int_equal(ptep_get(ptep) & ~_PAGE_SWP_SOFT_DIRTY, entry);
	set_pte_at(mm, addr, ptep, 0);
	add_mm_counter(mm, MM_SWAPENTS, -1);
}

/*
 * A page three processes share goes from all of their page tables at once, leaving the entry
 * the swap side gave each; without one (anon_pte NULL), nothing changes.
 */
static void test_try_to_unmap_anon(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c, *g, *all[3];
	uint64_t a = map_written(p, 2);
	struct fake_swap fs = { .entry = (pte_t)1 << SWP_OFFSET_SHIFT };	/* type 0, slot 1 */
	struct ttu_control none = { 0 }, ttu = { .anon_pte = fake_anon_pte, .arg = &fs };
	struct mmlab_task_mem before, after;
	struct page *page;

	c = fork_of(p);
	g = fork_of(c);
	all[0] = p, all[1] = c, all[2] = g;
	page = page_at(p, a);
	lru_add_drain_all(&task_mm(p)->machine->pgdat);	/* reclaim drains the LRU batches */
	get_page(page);		/* reclaim's isolation reference */
	assert_false(try_to_unmap(page, &none));
	assert_int_equal(page_mapcount(page), 3);
	validate(all, 3);

	mmlab_task_mem(c, &before);
	assert_true(try_to_unmap(page, &ttu));
	assert_int_equal(fs.calls, 3);
	assert_int_equal(page_mapcount(page), 0);
	assert_int_equal(page_ref_count(page), 1);
	mmlab_task_mem(c, &after);
	for (int i = 0; i < 3; i++) {
		pte_t pte = ptep_get(pte_at(all[i], a));

		assert_false(pte_present(pte));
		assert_int_equal(pte & ~_PAGE_SWP_SOFT_DIRTY, fs.entry);
		assert_int_equal(get_mm_counter(task_mm(all[i]), MM_SWAPENTS), 1);
		/* The other page is still mapped. */
		assert_true(pte_present(ptep_get(pte_at(all[i], a + PG))));
	}
	assert_int_equal(get_mm_counter(task_mm(c), MM_ANONPAGES), 1);
	for (int i = 0; i < 3; i++) {
		drop_fake_entry(all[i], a, fs.entry);
		validate(&all[i], 1);
	}
	put_page(&task_mm(p)->machine->pgdat, page);
	(void)before, (void)after;
	/* The address faults in a new zeroed page. */
	assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);
	validate(all, 3);
	for (int i = 2; i >= 0; i--)
		mmlab_exit(all[i]);
}

/*
 * A mapping in an mlocked VMA refuses to go and marks the page mlocked; the walk stops there.
 * TTU_IGNORE_MLOCK (not used by reclaim) unmaps it all the same.
 */
static void test_try_to_unmap_mlocked(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e);
	uint64_t a = map_written(p, 1);
	struct fake_swap fs = { .entry = (pte_t)2 << SWP_OFFSET_SHIFT };
	struct ttu_control ttu = { .anon_pte = fake_anon_pte, .arg = &fs };
	struct page *page;

	assert_int_equal(mmlab_mlock(p, a, PG), 0);
	page = page_at(p, a);
	lru_add_drain_all(&task_mm(p)->machine->pgdat);
	get_page(page);
	assert_false(try_to_unmap(page, &ttu));
	assert_int_equal(fs.calls, 0);
	assert_true(PageMlocked(page));
	assert_int_equal(page_mapcount(page), 1);
	validate(&p, 1);
	ttu.flags = TTU_IGNORE_MLOCK;
	assert_true(try_to_unmap(page, &ttu));
	assert_int_equal(fs.calls, 1);
	drop_fake_entry(p, a, fs.entry);
	put_page(&task_mm(p)->machine->pgdat, page);
	validate(&p, 1);
	lru_add_drain(&task_mm(p)->machine->pgdat);	/* the mlock batch's reference */
	mmlab_exit(p);
}

/*
 * A shared memfd page mapped by parent and child: unmapped from both, it stays in the page
 * cache with its contents, and the next access maps the same frame again (a minor fault).
 */
static void test_try_to_unmap_shared(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c;
	struct ttu_control ttu = { 0 };
	uint64_t a;
	struct page *page;
	char buf[6] = "";
	int fd;

	fd = mmlab_memfd_create(p, "rmap", 0);
	assert_true(fd >= 0);
	assert_int_equal(mmlab_ftruncate(p, fd, 2 * PG), 0);
	assert_int_equal(mmlab_mmap(p, 0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, &a),
			 0);
	assert_int_equal(mmlab_poke(p, a, "hello", 6, NULL), 0);
	c = fork_of(p);
	assert_int_equal(mmlab_touch(c, a, 1, "r", NULL), 0);
	page = page_at(p, a);
	assert_false(PageAnon(page));
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(walk(page).n, 2);
	get_page(page);
	assert_true(try_to_unmap(page, &ttu));
	assert_int_equal(page_mapcount(page), 0);
	assert_int_equal(ptep_get(pte_at(p, a)), 0);
	assert_int_equal(ptep_get(pte_at(c, a)), 0);
	assert_int_equal(get_mm_counter(task_mm(p), MM_SHMEMPAGES), 0);
	assert_true(PageDirty(page));	/* the write's dirty bit moved to the page */
	validate((struct mmlab_task *[]){ p, c }, 2);
	put_page(&task_mm(p)->machine->pgdat, page);

	assert_int_equal(mmlab_peek(c, a, buf, 6, NULL), 0);
	assert_string_equal(buf, "hello");
	assert_ptr_equal(page_at(c, a), page);
	validate((struct mmlab_task *[]){ p, c }, 2);
	mmlab_exit(c);
	mmlab_exit(p);
}

static bool young(struct mmlab_task *t, uint64_t addr)
{
	return pte_young(ptep_get(pte_at(t, addr)));
}

/*
 * folio_referenced counts the young mappings and clears them; it flushes the TLB entries of
 * those it clears, so an access right after walks the page table and sets the bit again (a
 * TLB hit would not: the MMU sets it only when it fills the TLB).
 */
static void test_folio_referenced(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c;
	uint64_t a = map_written(p, 1);
	unsigned long flags;
	struct page *page;

	c = fork_of(p);
	assert_int_equal(mmlab_touch(c, a, 1, "r", NULL), 0);
	assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);
	page = page_at(p, a);
	assert_true(young(p, a) && young(c, a));
	assert_int_equal(folio_referenced(page, &flags), 2);
	assert_true(flags & VM_READ);
	assert_false(flags & VM_LOCKED);
	assert_false(young(p, a) || young(c, a));
	assert_int_equal(folio_referenced(page, &flags), 0);
	assert_int_equal(flags, 0);

	/* Same CPU, same mm: without the flush this read would hit the TLB. */
	for (int round = 0; round < 3; round++) {
		assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);
		assert_true(young(p, a));
		assert_false(young(c, a));
		assert_int_equal(folio_referenced(page, &flags), 1);
		assert_false(young(p, a));
	}
	validate((struct mmlab_task *[]){ p, c }, 2);

	/* C's page tables are being changed (its mmap_lock held for writing): -1, and C's
	 * entry keeps its bit; an unmap leaves C's mapping and fails. */
	assert_int_equal(mmlab_touch(c, a, 1, "r", NULL), 0);
	mmap_write_lock(task_mm(c));
	assert_int_equal(folio_referenced(page, &flags), -1);
	assert_true(young(c, a));
	{
		struct fake_swap fs = { .entry = (pte_t)3 << SWP_OFFSET_SHIFT };
		struct ttu_control ttu = { .anon_pte = fake_anon_pte, .arg = &fs };

		get_page(page);
		assert_false(try_to_unmap(page, &ttu));
		assert_int_equal(fs.calls, 1);
		assert_int_equal(page_mapcount(page), 1);
		mmap_write_unlock(task_mm(c));
		drop_fake_entry(p, a, fs.entry);
		put_page(&task_mm(p)->machine->pgdat, page);
	}
	assert_int_equal(folio_referenced(page, &flags), 1);
	assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);	/* a fresh zeroed page */
	validate((struct mmlab_task *[]){ p, c }, 2);

	/* A VMA with MADV_RANDOM tells nothing: not looked at. */
	assert_int_equal(mmlab_touch(c, a, 1, "r", NULL), 0);
	assert_int_equal(mmlab_madvise(c, a, PG, MADV_RANDOM), 0);
	assert_int_equal(folio_referenced(page, &flags), 0);
	assert_true(young(c, a));
	assert_int_equal(mmlab_madvise(c, a, PG, MADV_NORMAL), 0);

	/* An mlocked mapping is reported; mlock itself mlocked the page the VMA mapped. */
	assert_int_equal(mmlab_mlock(c, a, PG), 0);
	page = page_at(c, a);
	assert_true(PageMlocked(page));
	(void)folio_referenced(page, &flags);
	assert_true(flags & VM_LOCKED);
	assert_true(PageMlocked(page));
	validate((struct mmlab_task *[]){ p, c }, 2);
	mmlab_exit(c);
	mmlab_exit(p);
}

/* One idle() sample of the single page at @a: 1 idle, 0 accessed (or not marked before). */
static int idle_bit(struct mmlab_task *t, uint64_t a)
{
	uint64_t bits = ~0ULL;

	assert_int_equal(mmlab_page_idle(t, a, PG, &bits), 0);
	assert_true(bits <= 1);
	return (int)bits;
}

/*
 * Idle tracking: a page reads idle only when it was marked and nothing accessed it since,
 * through any mapping; the access right after a marking goes through the MMU (the marking
 * flushed the TLB entry), and an accessed bit the marking cleared still counts for reclaim
 * (PG_young) exactly once.
 */
static void test_page_idle(void **state)
{
	struct env *e = *state;
	struct mmlab_task *p = task(e), *c;
	uint64_t a = map_written(p, 3), bits[2];
	unsigned long flags;
	struct page *page;

	assert_int_equal(idle_bit(p, a), 0);	/* marked now */
	assert_int_equal(idle_bit(p, a), 1);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);	/* TLB filled before */
		assert_int_equal(idle_bit(p, a), 0);
		assert_int_equal(idle_bit(p, a), 1);
	}
	/* The child's access ends the idleness of the page they share. */
	c = fork_of(p);
	assert_int_equal(idle_bit(p, a), 1);
	assert_int_equal(mmlab_touch(c, a, 1, "r", NULL), 0);
	assert_int_equal(idle_bit(p, a), 0);

	/* PG_young: the bit idle() cleared is one reference for folio_referenced, once. */
	page = page_at(p, a);
	assert_true(PageYoung(page));		/* the child's access, which idle() cleared */
	assert_int_equal(folio_referenced(page, &flags), 1);
	assert_int_equal(folio_referenced(page, &flags), 0);
	assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);
	assert_int_equal(idle_bit(p, a), 0);
	assert_false(young(p, a));
	assert_true(PageYoung(page));
	assert_int_equal(folio_referenced(page, &flags), 1);
	assert_false(PageYoung(page));
	assert_int_equal(folio_referenced(page, &flags), 0);
	/* ...and folio_referenced finding a young entry ends the idleness too. */
	assert_int_equal(idle_bit(p, a), 1);
	assert_int_equal(mmlab_touch(p, a, 1, "r", NULL), 0);
	assert_int_equal(folio_referenced(page, &flags), 1);
	assert_false(PageIdle(page));
	assert_int_equal(idle_bit(p, a), 0);

	/* A range: pages 0-2 present, 3 not mapped at all; bit i for page i. */
	assert_int_equal(mmlab_page_idle(p, a, 4 * PG, bits), 0);
	assert_int_equal(mmlab_touch(p, a + PG, 1, "w", NULL), 0);
	assert_int_equal(mmlab_page_idle(p, a, 4 * PG, bits), 0);
	assert_int_equal(bits[0], 0x5);
	/* Bad input. */
	assert_int_equal(mmlab_page_idle(p, a + 1, PG, bits), -EINVAL);
	assert_int_equal(mmlab_page_idle(p, a, PG, NULL), -EINVAL);
	assert_int_equal(mmlab_page_idle(NULL, a, PG, bits), -EINVAL);
	assert_int_equal(mmlab_page_idle(p, 0x7ffffffff000UL, 2 * PG, bits), -EINVAL);
	assert_int_equal(mmlab_page_idle(p, a, 0, NULL), 0);
	validate((struct mmlab_task *[]){ p, c }, 2);
	mmlab_exit(c);
	mmlab_exit(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fork_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_idle_anon_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_merge_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_try_to_unmap_anon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_try_to_unmap_mlocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_try_to_unmap_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folio_referenced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_idle, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
