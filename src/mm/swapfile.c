// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swap areas (mm/swapfile.c): the host files attached to a machine, swapon(2) and swapoff(2)
 * with Linux's checks and errors, the swap_map slot counts (allocation, duplication at fork,
 * freeing at unmap), free_swap_and_cache, swapoff's try_to_unuse (every mm that has held
 * swap entries is walked and each entry of the area brought back), /proc/swaps, and the
 * SwapTotal/SwapFree figures. Slots are handed out next-fit from a cursor in the active area
 * of highest priority (Linux's cluster allocator spreads them in 512-slot clusters; the
 * order differs, the counts do not).
 * Counts past SWAP_MAP_MAX continue in continuation pages (swap_count_read/write: the
 * count's digits, swap.h).
 * Left out: block devices, swap extents and holes (a file is read and written at slot *
 * 4096), discard, the per-CPU slot caches, priorities' round robin between areas of
 * equal priority, and the security_vm_enough_memory check of swapoff, which is kept: see
 * sys_swapoff.
 */
#include "mm/swap.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/shmem.h"
#include "mm/syscalls.h"
#include "mm/task.h"
#include "mmlab.h"

#include "host/host.h"

#include <string.h>

/* Live machines, for page_machine(): a page knows its frame, not its node. */
static pthread_mutex_t machines_lock = PTHREAD_MUTEX_INITIALIZER;
static struct machine *machines[64];

/**
 * page_machine - the machine whose RAM holds @page (Linux's page_pgdat(), with one node per
 * machine): the reclaim entry points take only a page.
 * Context: any; @page belongs to a live machine.
 * Return: the machine; never NULL for a valid page.
 */
struct machine *page_machine(const struct page *page)
{
	struct machine *found = NULL;

	pthread_mutex_lock(&machines_lock);
	for (size_t i = 0; i < ARRAY_SIZE(machines) && !found; i++) {
		struct machine *m = machines[i];

		if (m && page >= m->pgdat.mem_map && page < m->pgdat.mem_map + m->pgdat.nr_frames)
			found = m;
	}
	pthread_mutex_unlock(&machines_lock);
	VM_BUG_ON(!found);
	return found;
}

/**
 * swap_init - a machine with no swap area yet (vm.page-cluster 3, Linux's default).
 * Context: the machine is being created.
 * Return: 0, or -ENOMEM.
 */
int swap_init(struct machine *m)
{
	struct swap_state *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	INIT_LIST_HEAD(&s->mmlist);
	s->least_priority = -1;
	s->page_cluster = 3;
	pthread_mutex_lock(&machines_lock);
	for (i = 0; i < ARRAY_SIZE(machines) && machines[i]; i++)
		;
	if (i < ARRAY_SIZE(machines))
		machines[i] = m;
	pthread_mutex_unlock(&machines_lock);
	if (i == ARRAY_SIZE(machines)) {
		free(s);
		return -ENOMEM;
	}
	m->swap = s;
	return 0;
}

/* The continuation chunks of an area of @max slots. */
static unsigned long swap_cont_chunks(unsigned long max)
{
	return ALIGN(max, SWAP_CONT_SPAN) / SWAP_CONT_SPAN;
}

/* Frees the continuation pages of area @si (free_swap_count_continuations). */
static void swap_cont_free(struct swap_info_struct *si)
{
	unsigned long chunks = swap_cont_chunks(si->max);

	if (!si->cont)
		return;
	for (unsigned long c = 0; c < chunks; c++) {
		if (!si->cont[c])
			continue;
		for (unsigned int i = 0; i < si->cont[c]->levels; i++)
			free(si->cont[c]->digits[i]);
		free(si->cont[c]);
	}
	free(si->cont);
	si->cont = NULL;
}

static void swap_info_free(struct swap_info_struct *si)
{
	xa_destroy(&si->cache);
	swap_cont_free(si);
	free(si->swap_map);
	if (si->owns_fd)
		host_file_close(si->fd);
	free(si->name);
	free(si);
}

/**
 * swap_exit - the machine goes: its areas are detached (files it owns closed); pages still
 * in a swap cache go with RAM.
 * Context: no task left on the machine.
 */
void swap_exit(struct machine *m)
{
	struct swap_state *s = m->swap;

	if (!s)
		return;
	pthread_mutex_lock(&machines_lock);
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i] == m)
			machines[i] = NULL;
	pthread_mutex_unlock(&machines_lock);
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (s->info[t])
			swap_info_free(s->info[t]);
	pthread_mutex_destroy(&s->lock);
	free(s->wb_inflight);	/* writes still in flight: their pages go with RAM */
	free(s);
	m->swap = NULL;
}

/* The area @entry names, active or being turned off, or NULL. Context: swap_lock held. */
static struct swap_info_struct *__swap_info(struct swap_state *s, swp_entry_t entry)
{
	struct swap_info_struct *si;

	if (swp_type(entry) >= MAX_SWAPFILES)
		return NULL;
	si = s->info[swp_type(entry)];
	if (!si || !si->swap_map || !swp_offset(entry) || swp_offset(entry) >= si->max)
		return NULL;
	return si;
}

/**
 * swp_swap_info - the area of @entry (NULL for an entry no area holds).
 * Context: swap_lock held, or no swapoff can run.
 */
struct swap_info_struct *swp_swap_info(struct machine *m, swp_entry_t entry)
{
	return __swap_info(m->swap, entry);
}

/* Free slots of the active areas change by @delta (nr_swap_pages). Context: swap_lock held. */
static void swap_mod_nr_free(struct machine *m, long delta)
{
	__atomic_add_fetch(&m->pgdat.nr_swap_pages, delta, __ATOMIC_RELAXED);
}

/* get_nr_swap_pages: free slots of the active areas. Context: any. */
static long get_nr_swap_pages(struct machine *m)
{
	return __atomic_load_n(&m->pgdat.nr_swap_pages, __ATOMIC_RELAXED);
}

/*
 * swap_count_read - the number of PTEs naming slot @off: the swap_map byte's digit, plus the
 * continuation digits above it while COUNT_CONTINUED says there are more (swp_swapcount).
 * Context: swap_lock held.
 */
static unsigned long swap_count_read(const struct swap_info_struct *si, pgoff_t off)
{
	unsigned char ent = si->swap_map[off], d = ent;
	unsigned long count = ent & SWAP_MAP_BAD, weight = SWAP_MAP_MAX + 1;
	const struct swap_cont *c = si->cont[off / SWAP_CONT_SPAN];

	for (unsigned int i = 0; (d & COUNT_CONTINUED) && c && i < c->levels; i++) {
		d = c->digits[i][off % SWAP_CONT_SPAN];
		count += (d & SWAP_CONT_MAX) * weight;
		weight *= SWAP_CONT_MAX + 1;
	}
	return count;
}

/*
 * Gives slot @off's chunk @levels continuation pages (add_swap_count_continuation, under
 * the lock: the host heap does not reclaim). Return: 0, or -ENOMEM (nothing lost: pages
 * already added stay, zeroed).
 */
static int swap_cont_grow(struct swap_info_struct *si, pgoff_t off, unsigned int levels)
{
	struct swap_cont **cp = &si->cont[off / SWAP_CONT_SPAN];

	if (levels > SWAP_CONT_LEVELS)
		return -ENOMEM;
	if (!*cp && !(*cp = calloc(1, sizeof(**cp))))
		return -ENOMEM;
	while ((*cp)->levels < levels) {
		unsigned char *page = calloc(1, SWAP_CONT_SPAN);

		if (!page)
			return -ENOMEM;
		(*cp)->digits[(*cp)->levels++] = page;
	}
	return 0;
}

/*
 * swap_count_write - stores @count as slot @off's count, its SWAP_HAS_CACHE bit kept: the
 * lowest digit in the swap_map byte, the others in the continuation pages, each byte with
 * COUNT_CONTINUED while a higher digit is not 0 (the same bytes swap_count_continued's
 * carries and borrows leave). Context: swap_lock held. Return: 0, or -ENOMEM when a
 * continuation page is needed and cannot be had (the count is unchanged).
 */
static int swap_count_write(struct swap_info_struct *si, pgoff_t off, unsigned long count)
{
	unsigned char digits[SWAP_CONT_LEVELS], *map = &si->swap_map[off];
	unsigned long rest = count / (SWAP_MAP_MAX + 1);
	struct swap_cont *c;
	unsigned int n = 0;

	for (; rest && n < SWAP_CONT_LEVELS; rest /= SWAP_CONT_MAX + 1)
		digits[n++] = (unsigned char)(rest % (SWAP_CONT_MAX + 1));
	if (rest || (n && swap_cont_grow(si, off, n)))
		return -ENOMEM;
	c = si->cont[off / SWAP_CONT_SPAN];
	for (unsigned int i = 0; c && i < c->levels; i++)
		c->digits[i][off % SWAP_CONT_SPAN] =
			i < n ? (unsigned char)(digits[i] | (i + 1 < n ? COUNT_CONTINUED : 0)) : 0;
	*map = (unsigned char)((*map & SWAP_HAS_CACHE) | (count % (SWAP_MAP_MAX + 1)) |
			       (n ? COUNT_CONTINUED : 0));
	return 0;
}

/* One slot's count less @usage (1 or SWAP_HAS_CACHE); an emptied slot is free again. */
static void __swap_entry_free(struct machine *m, struct swap_info_struct *si, pgoff_t offset,
			      unsigned int usage)
{
	unsigned char *map = &si->swap_map[offset];

	if (usage == SWAP_HAS_CACHE) {
		VM_BUG_ON(!(*map & SWAP_HAS_CACHE));
		*map &= (unsigned char)~SWAP_HAS_CACHE;
	} else {
		unsigned long count = swap_count_read(si, offset);

		VM_BUG_ON(!count);
		/* fewer digits than before: no page to allocate, no failure */
		if (swap_count_write(si, offset, count - 1))
			VM_BUG_ON(1);
	}
	if (*map)
		return;
	clear_shadow_from_swap_cache(m, si, offset);
	si->inuse_pages--;
	if (si->flags & SWP_WRITEOK)
		swap_mod_nr_free(m, 1);
}

/**
 * get_swap_page - a free slot of the active area of highest priority, its count set to
 * SWAP_HAS_CACHE for the page about to enter the swap cache (folio_alloc_swap).
 * Context: swap_lock not held.
 * Return: the entry, or one with val 0 when every area is full (or there is none).
 */
swp_entry_t get_swap_page(struct machine *m)
{
	struct swap_state *s = m->swap;
	struct swap_info_struct *best = NULL;
	swp_entry_t entry = { 0 };

	pthread_mutex_lock(&s->lock);
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		struct swap_info_struct *si = s->info[t];

		if (si && (si->flags & SWP_WRITEOK) && si->inuse_pages < si->pages &&
		    (!best || si->prio > best->prio))
			best = si;
	}
	if (best) {
		unsigned long off = best->cluster_next;

		for (unsigned long n = 0; n < best->max; n++, off++) {
			if (off >= best->max)
				off = 1;
			if (!best->swap_map[off])
				break;
		}
		VM_BUG_ON(best->swap_map[off]);
		best->swap_map[off] = SWAP_HAS_CACHE;
		best->inuse_pages++;
		best->cluster_next = off + 1;
		swap_mod_nr_free(m, -1);
		entry = swp_entry((unsigned long)best->type, off);
	}
	pthread_mutex_unlock(&s->lock);
	return entry;
}

/**
 * swap_duplicate - one more swap PTE names @entry (fork's copy, an unmap that leaves one).
 * Context: swap_lock not held.
 * Return: 0; -ENOMEM when the count needs a continuation page that cannot be had (fork
 * fails, as when Linux's add_swap_count_continuation cannot allocate); -ENOENT for an entry
 * that names no slot in use (a bug in the caller).
 */
int swap_duplicate(struct machine *m, swp_entry_t entry)
{
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;
	int err = 0;

	pthread_mutex_lock(&s->lock);
	si = __swap_info(s, entry);
	if (!si || !si->swap_map[swp_offset(entry)])
		err = -ENOENT;
	else
		err = swap_count_write(si, swp_offset(entry),
				       swap_count_read(si, swp_offset(entry)) + 1);
	pthread_mutex_unlock(&s->lock);
	VM_WARN_ON(err == -ENOENT);
	return err;
}

/**
 * swap_free - one swap PTE naming @entry is gone, its page having been mapped in its place
 * (do_swap_page, swapoff); the page in the swap cache, if any, stays there.
 * Context: swap_lock not held.
 */
void swap_free(struct machine *m, swp_entry_t entry)
{
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;

	pthread_mutex_lock(&s->lock);
	si = __swap_info(s, entry);
	VM_BUG_ON(!si);
	if (si)
		__swap_entry_free(m, si, swp_offset(entry), 1);
	pthread_mutex_unlock(&s->lock);
}

/**
 * put_swap_page - the swap cache let go of @entry's slot (put_swap_folio): it is free once
 * no PTE names it.
 * Context: swap_lock held.
 */
void put_swap_page(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = __swap_info(m->swap, entry);

	VM_BUG_ON(!si);
	if (si)
		__swap_entry_free(m, si, swp_offset(entry), SWAP_HAS_CACHE);
}

/**
 * free_swap_and_cache - a zap dropped a swap PTE: the slot's count goes down, and when no PTE
 * names it any more the page the swap cache holds for it is dropped too, unless someone
 * else holds that page (it then leaves the cache when they are done, __try_to_reclaim_swap's
 * trylock failing in Linux).
 * Context: swap_lock not held.
 */
void free_swap_and_cache(struct machine *m, swp_entry_t entry)
{
	struct swap_state *s = m->swap;
	struct page *page = NULL;
	struct swap_info_struct *si;
	pgoff_t off = swp_offset(entry);

	pthread_mutex_lock(&s->lock);
	si = __swap_info(s, entry);
	VM_BUG_ON(!si);
	if (si) {
		__swap_entry_free(m, si, off, 1);
		if (si->swap_map[off] == SWAP_HAS_CACHE) {
			page = swap_cache_page(si, off);
			if (page && page_ref_count(page) == 1 && page_mapcount(page) == 0 &&
			    !PageWriteback(page))
				__delete_from_swap_cache(m, page, 0);
			else
				page = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (page)
		put_page(&m->pgdat, page);
}

/**
 * swp_swapcount - the PTEs naming @entry, continuations included; 0 for an entry of no area.
 * Context: swap_lock not held.
 */
unsigned long swp_swapcount(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si;
	unsigned long n = 0;

	pthread_mutex_lock(&m->swap->lock);
	si = __swap_info(m->swap, entry);
	if (si)
		n = swap_count_read(si, swp_offset(entry));
	pthread_mutex_unlock(&m->swap->lock);
	return n;
}

/**
 * swap_sysctl - vm.page-cluster (0..31, as Linux's handler accepts): readahead windows of up
 * to 2^N pages.
 * Return: 0; -EINVAL (out of range); -ENOENT (another name).
 */
int swap_sysctl(struct machine *m, const char *name, const uint64_t *new_val, uint64_t *old_val)
{
	if (strcmp(name, "vm.page-cluster"))
		return -ENOENT;
	if (new_val && *new_val > 31)
		return -EINVAL;
	if (old_val)
		*old_val = READ_ONCE(m->swap->page_cluster);
	if (new_val)
		WRITE_ONCE(m->swap->page_cluster, (unsigned int)*new_val);
	return 0;
}

/* vm_swap_full: more than half of the swap is in use (the swap cache then lets go early). */
bool vm_swap_full(struct machine *m)
{
	return get_nr_swap_pages(m) * 2 < READ_ONCE(m->swap->total_swap_pages);
}

/**
 * si_swapinfo - SwapTotal and SwapFree in pages: the active areas, plus the swap the
 * machine's configuration counts without a file behind it (a recording's "swap=", which
 * enters the overcommit formulas and reads as all free).
 * Context: swap_lock not held.
 */
void si_swapinfo(struct machine *m, unsigned long *total, unsigned long *free)
{
	struct swap_state *s = m->swap;
	unsigned long phantom;

	pthread_mutex_lock(&s->lock);
	phantom = m->commit.total_swap_pages - (unsigned long)s->total_swap_pages;
	*total = m->commit.total_swap_pages;
	*free = phantom + (unsigned long)get_nr_swap_pages(m);
	pthread_mutex_unlock(&s->lock);
}

/**
 * swap_mm_register - @mm holds a swap entry now: swapoff must walk it (the kernel puts the mm
 * on init_mm.mmlist in try_to_unmap_one).
 * Context: any; takes swap_lock.
 */
void swap_mm_register(struct mm_struct *mm)
{
	struct swap_state *s = mm->machine->swap;

	if (!list_empty(&mm->mmlist))
		return;
	pthread_mutex_lock(&s->lock);
	if (list_empty(&mm->mmlist))
		list_add(&mm->mmlist, &s->mmlist);
	pthread_mutex_unlock(&s->lock);
}

/**
 * swap_mm_unregister - @mm's address space is gone (mmput after exit_mmap).
 * Context: takes swap_lock.
 */
void swap_mm_unregister(struct mm_struct *mm)
{
	struct swap_state *s = mm->machine->swap;

	if (!s || list_empty(&mm->mmlist))
		return;
	pthread_mutex_lock(&s->lock);
	list_del_init(&mm->mmlist);
	pthread_mutex_unlock(&s->lock);
}

/* The attached area called @name, or NULL. Context: swap_lock held. */
static struct swap_info_struct *swap_find(struct swap_state *s, const char *name)
{
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (s->info[t] && !strcmp(s->info[t]->name, name))
			return s->info[t];
	return NULL;
}

/*
 * read_swap_header: the usable size of the area, from its mkswap header, in slots (the
 * header's included), or 0 for a header swapon refuses: no SWAPSPACE2 signature, a version
 * other than 1, no usable page, more pages than the file holds, bad pages in a file.
 */
static unsigned long read_swap_header(int fd)
{
	unsigned char *hdr = malloc(PAGE_SIZE);
	uint32_t version, last_page, nr_bad;
	unsigned long maxpages = 0, file_pages;
	uint64_t size;

	if (!hdr)
		return 0;
	if (host_file_read(fd, hdr, PAGE_SIZE, 0) || host_file_stat(fd, &size, NULL, NULL))
		goto out;
	if (memcmp(hdr + PAGE_SIZE - 10, SWAP_HEADER_MAGIC, 10))
		goto out;
	memcpy(&version, hdr + SWAP_HEADER_VERSION_OFF, 4);
	memcpy(&last_page, hdr + SWAP_HEADER_LAST_PAGE_OFF, 4);
	memcpy(&nr_bad, hdr + SWAP_HEADER_BADPAGES_OFF, 4);
	if (version != 1 || !last_page || nr_bad)
		goto out;
	maxpages = min((unsigned long)last_page + 1, 1UL << SWP_OFFSET_BITS);
	file_pages = (unsigned long)(size >> PAGE_SHIFT);
	if (file_pages && maxpages > file_pages)
		maxpages = 0; /* "Swap area shorter than signature indicates" */
out:
	free(hdr);
	return maxpages;
}

/*
 * swap_activate - turn area @si on (the second half of swapon): its header read, its
 * swap_map allocated, its slots counted in SwapTotal and CommitLimit. Return: 0; -EBUSY
 * (already on), -EINVAL (no valid mkswap header), -ENOMEM.
 */
static long swap_activate(struct machine *m, struct swap_info_struct *si, int flags)
{
	struct swap_state *s = m->swap;
	unsigned long maxpages;
	bool rotational;
	int rot = -ENOENT;
	struct swap_cont **cont;
	unsigned char *map;
	long err = 0;

	pthread_mutex_lock(&s->lock);
	if (si->swap_map)
		err = -EBUSY;
	pthread_mutex_unlock(&s->lock);
	if (err)
		return err;
	/* The area is not on: nothing else reads or writes it until it is. */
	maxpages = read_swap_header(si->fd);
	if (!maxpages)
		return -EINVAL;
	map = calloc(maxpages, sizeof(*map));
	cont = calloc(swap_cont_chunks(maxpages), sizeof(*cont));
	if (!map || !cont) {
		free(map);
		free(cont);
		return -ENOMEM;
	}
	map[0] = SWAP_MAP_BAD;	/* the header: never handed out */
	/* bdev_nonrot: the disk the host file is on */
	rotational = !host_file_stat(si->fd, NULL, NULL, &rot) && rot == 1;
	pthread_mutex_lock(&s->lock);
	if (si->swap_map) {	/* a racing swapon won */
		pthread_mutex_unlock(&s->lock);
		free(map);
		free(cont);
		return -EBUSY;
	}
	si->swap_map = map;
	si->cont = cont;
	si->max = maxpages;
	si->pages = maxpages - 1;
	si->inuse_pages = 0;
	si->cluster_next = 1;
	xa_init(&si->cache);
	si->prio = (flags & SWAP_FLAG_PREFER) ? (short)(flags & SWAP_FLAG_PRIO_MASK) :
						(short)--s->least_priority;
	si->flags |= SWP_WRITEOK;
	si->rotational = rotational;
	s->nr_rotate_swap += rotational;
	swap_mod_nr_free(m, (long)si->pages);
	s->total_swap_pages += (long)si->pages;
	m->commit.total_swap_pages += si->pages;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/**
 * sys_swapon - swapon(2) of the area attached as @name, with @flags.
 * Context: no mmap_lock held.
 * Return: 0; -EINVAL (flags, or a file without a valid mkswap header), -EPERM (no
 * CAP_SYS_ADMIN), -EFAULT (NULL @name), -ENOENT (no area of that name), -EBUSY (already
 * on), -ENOMEM.
 */
long sys_swapon(struct task *tsk, const char *name, int flags)
{
	struct machine *m = tsk->mm->machine;
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;

	if ((unsigned int)flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	if (!capable(tsk, CAP_SYS_ADMIN))
		return -EPERM;
	if (!name)
		return -EFAULT;
	/* Areas are detached only with the machine: @si outlives the lock. */
	pthread_mutex_lock(&s->lock);
	si = swap_find(s, name);
	pthread_mutex_unlock(&s->lock);
	if (!si)
		return -ENOENT;
	return swap_activate(m, si, flags);
}

struct unuse_state {
	struct machine *m;
	int type;
	struct vm_area_struct *vma;
	int err;
};

/* unuse_pte_range: one swap PTE of the area becomes the page again. */
static int unuse_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep, void *data)
{
	struct unuse_state *u = data;
	pte_t pte = ptep_get(ptep);
	swp_entry_t entry;
	struct page *page;
	bool major;

	(void)mm;
	if (!is_swap_entry_pte(pte) || (int)pte_swp_type(pte) != u->type)
		return 0;
	entry = pte_to_swp_entry(pte);
	page = swapin_readahead(u->m, entry, NULL, &major);
	if (!page) {
		u->err = -ENOMEM;
		return 1;
	}
	u->err = unuse_pte(u->vma, addr, ptep, page);
	put_page(&u->m->pgdat, page);
	return u->err ? 1 : 0;
}

/* Every swap PTE of area @type in @mm becomes its page again (unuse_mm). */
static int unuse_mm(struct machine *m, struct mm_struct *mm, int type)
{
	struct unuse_state u = { .m = m, .type = type };
	VMA_ITERATOR(vmi, mm, 0);

	mmap_write_lock(mm);
	for_each_vma(vmi, u.vma) {
		if (!u.vma->anon_vma)
			continue;
		(void)walk_pte_range(mm, u.vma->vm_start, u.vma->vm_end, unuse_one, &u);
		if (u.err)
			break;
	}
	mmap_write_unlock(mm);
	return u.err;
}

/*
 * try_to_unuse - bring back every page of area @si: shmem files' pages into their caches,
 * then each mm that has held swap entries is walked (held by mmgrab while swap_lock is
 * dropped), then the swap cache lets go of what it still holds.
 * Return: 0, or -ENOMEM (RAM is full; what came back stays back).
 */
static int try_to_unuse(struct machine *m, struct swap_info_struct *si)
{
	struct swap_state *s = m->swap;
	struct mm_struct *mm, *prev = NULL;
	struct list_head *pos;
	unsigned long off;
	struct page *page;
	int err;

	/* shmem files first (Linux does them after the mms: the order changes nothing here) */
	err = shmem_unuse(m, si->type);
	if (err)
		return err;
	pthread_mutex_lock(&s->lock);
	list_for_each(pos, &s->mmlist) {
		mm = list_entry(pos, struct mm_struct, mmlist);
		if (!__atomic_load_n(&mm->mm_users, __ATOMIC_RELAXED))
			continue;
		mmgrab(mm);
		pthread_mutex_unlock(&s->lock);
		if (prev)
			mmdrop(prev);
		prev = mm;
		err = unuse_mm(m, mm, si->type);
		pthread_mutex_lock(&s->lock);
		if (err)
			break;
	}
	/* Pages no PTE names any more (readahead, or unmapped ones): out of the cache. */
	for (off = 0; !err && (page = xa_find(&si->cache, &off, si->max)); off++) {
		if (xa_is_value(page) || swap_count(si->swap_map[off]))
			continue;
		if (page_mapcount(page))
			SetPageDirty(page); /* its only copy is in memory now */
		__delete_from_swap_cache(m, page, 0);
		pthread_mutex_unlock(&s->lock);
		put_page(&m->pgdat, page);
		pthread_mutex_lock(&s->lock);
	}
	if (!err && si->inuse_pages)
		err = -ENOMEM; /* entries left that no walked mm holds: a leak */
	pthread_mutex_unlock(&s->lock);
	if (prev)
		mmdrop(prev);
	VM_WARN_ON(!err && si->inuse_pages);
	return err;
}

/**
 * sys_swapoff - swapoff(2) of the area attached as @name: every page it holds comes back
 * into RAM, then it is off.
 * Context: no mmap_lock held; no other thread runs calls on the machine (the mms are
 * walked one after the other, as mmlab_machine_sync walks files).
 * Return: 0; -EPERM (no CAP_SYS_ADMIN), -EINVAL (no such area on), -ENOMEM (the pages do
 * not fit, or the committed memory would exceed the limit without the area: it stays on).
 */
long sys_swapoff(struct task *tsk, const char *name)
{
	struct machine *m = tsk->mm->machine;
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;
	long err;

	if (!capable(tsk, CAP_SYS_ADMIN))
		return -EPERM;
	if (!name)
		return -EFAULT;
	pthread_mutex_lock(&s->lock);
	si = swap_find(s, name);
	if (!si || !(si->flags & SWP_WRITEOK)) {
		pthread_mutex_unlock(&s->lock);
		return si ? -EINVAL : -ENOENT;
	}
	pthread_mutex_unlock(&s->lock);
	/* security_vm_enough_memory_mm(current->mm, p->pages), then given back */
	if (security_vm_enough_memory_mm(tsk, tsk->mm, (long)si->pages))
		return -ENOMEM;
	vm_unacct_memory(m, (long)si->pages);
	pthread_mutex_lock(&s->lock);
	si->flags &= ~SWP_WRITEOK;
	swap_mod_nr_free(m, -(long)(si->pages - si->inuse_pages));
	s->total_swap_pages -= (long)si->pages;
	m->commit.total_swap_pages -= si->pages;
	pthread_mutex_unlock(&s->lock);
	swap_io_complete(m);	/* try_to_unuse waits for writeback (folio_wait_writeback) */
	err = try_to_unuse(m, si);
	pthread_mutex_lock(&s->lock);
	if (err) {
		/* reinsert_swap_info: on again, with what is still out */
		si->flags |= SWP_WRITEOK;
		swap_mod_nr_free(m, (long)(si->pages - si->inuse_pages));
		s->total_swap_pages += (long)si->pages;
		m->commit.total_swap_pages += si->pages;
	} else {
		s->nr_rotate_swap -= si->rotational;
		swap_cache_clear_shadows(m, si);
		swap_cont_free(si);
		free(si->swap_map);
		si->swap_map = NULL;
		xa_destroy(&si->cache);
		if (si->prio < 0)
			s->least_priority++;
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

/**
 * swap_attach - make host file @fd known to @m as swap area @name, off until swapon.
 * Return: 0; -EINVAL (bad name or fd), -EEXIST (the name is taken), -ENFILE (MAX_SWAPFILES
 * areas attached), -ENOMEM.
 */
static int swap_attach(struct machine *m, const char *name, int fd, bool owns_fd)
{
	struct swap_state *s = m->swap;
	struct swap_info_struct *si;
	int t, err = 0;

	if (!name || !*name || fd < 0)
		return -EINVAL;
	si = calloc(1, sizeof(*si));
	if (!si)
		return -ENOMEM;
	si->name = strdup(name);
	if (!si->name) {
		free(si);
		return -ENOMEM;
	}
	si->fd = fd;
	si->owns_fd = owns_fd;
	si->flags = SWP_USED;
	xa_init(&si->cache);
	pthread_mutex_lock(&s->lock);
	for (t = 0; t < MAX_SWAPFILES && s->info[t]; t++)
		;
	if (swap_find(s, name))
		err = -EEXIST;
	else if (t == MAX_SWAPFILES)
		err = -ENFILE;
	else
		si->type = t, s->info[t] = si;
	pthread_mutex_unlock(&s->lock);
	if (err) {
		si->owns_fd = false;
		swap_info_free(si);
	}
	return err;
}

/* Forget area @si, attached and off (an attach whose swapon failed). */
static void swap_detach(struct machine *m, struct swap_info_struct *si)
{
	pthread_mutex_lock(&m->swap->lock);
	m->swap->info[si->type] = NULL;
	pthread_mutex_unlock(&m->swap->lock);
	si->owns_fd = false;	/* the caller's fd on failure, as without OWN_FD */
	swap_info_free(si);
}

/* /proc/swaps (swap_show): one line per active area. */
static int show_swaps(struct machine *m, FILE *out)
{
	struct swap_state *s = m->swap;

	fprintf(out, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	pthread_mutex_lock(&s->lock);
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		struct swap_info_struct *si = s->info[t];
		unsigned long size, used;
		int len;

		if (!si || !(si->flags & SWP_WRITEOK))
			continue;
		size = si->pages << (PAGE_SHIFT - 10);
		used = si->inuse_pages << (PAGE_SHIFT - 10);
		len = (int)strlen(si->name);
		fprintf(out, "%s%*s%s\t%lu\t%s%lu\t%s%d\n", si->name, len < 40 ? 40 - len : 1, " ",
			"file\t", size, size < 10000000 ? "\t" : "", used,
			used < 10000000 ? "\t" : "", si->prio);
	}
	pthread_mutex_unlock(&s->lock);
	return ferror(out) ? -EIO : 0;
}

MMLAB_EXPORT int mmlab_swap_attach(struct mmlab_machine *mm, const char *name, int fd,
				   int flags)
{
	struct swap_info_struct *si;
	struct machine *m;
	int err;

	if (!mm || (flags & ~(MMLAB_SWAP_OWN_FD | MMLAB_SWAP_ON)))
		return -EINVAL;
	m = machine_of(mm);
	err = swap_attach(m, name, fd, flags & MMLAB_SWAP_OWN_FD);
	if (err || !(flags & MMLAB_SWAP_ON))
		return err;
	pthread_mutex_lock(&m->swap->lock);
	si = swap_find(m->swap, name);
	pthread_mutex_unlock(&m->swap->lock);
	err = (int)swap_activate(m, si, 0);
	if (err)
		swap_detach(m, si);
	return err;
}

MMLAB_EXPORT int mmlab_mkswap(int fd)
{
	uint64_t size;
	bool regular;

	if (host_file_stat(fd, &size, &regular, NULL))
		return -EBADF;
	if (!regular)
		return -EINVAL;
	return swap_write_header(fd, size);
}

MMLAB_EXPORT int mmlab_swapon(struct mmlab_task *t, const char *path, int flags)
{
	return t ? (int)sys_swapon(&t->tsk, path, flags) : -EINVAL;
}

MMLAB_EXPORT int mmlab_swapoff(struct mmlab_task *t, const char *path)
{
	return t ? (int)sys_swapoff(&t->tsk, path) : -EINVAL;
}

MMLAB_EXPORT int mmlab_proc_swaps(struct mmlab_machine *mm, FILE *out)
{
	if (!mm || !out)
		return -EINVAL;
	return show_swaps(machine_of(mm), out);
}
