// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A slab for lmt_bench, in place of tools/testing/shared/linux.c, whose caches exist to find
 * bugs: aligned objects (maple nodes are) go back to free() poisoned on every free, and every
 * GFP_NOWAIT allocation fails so that the retry paths get tested. Both make Linux's stores
 * look several times slower than the kernel's. Here, as in the kernel's slab fast path, a
 * freed object goes on its cache's free list and the next allocation takes it back; a
 * GFP_NOWAIT allocation succeeds whenever memory does. The lock is for liburcu's call_rcu
 * thread, which frees the nodes a store replaced. lmt_slab_nr_free() tells lmt_bench's batched
 * freeing scheme when the list is running low, and lmt_slab_empty() when it is empty.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/slab.h>

int nr_allocated;
int preempt_count;
int test_verbose;

struct kmem_cache {
	pthread_spinlock_t lock;
	unsigned int size, align;
	void *free;	       /* singly linked through each object's first word */
	unsigned long nr_free; /* objects on that list */
	void (*ctor)(void *);
};

/* lmt_bench.c: frees the nodes waiting for a grace period into @c, if it has any. */
void lmt_slab_empty(struct kmem_cache *c);

/* Objects on @c's free list now (call_rcu's thread may be adding more). */
unsigned long lmt_slab_nr_free(struct kmem_cache *c)
{
	unsigned long nr;

	pthread_spin_lock(&c->lock);
	nr = c->nr_free;
	pthread_spin_unlock(&c->lock);
	return nr;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *))
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	pthread_spin_init(&c->lock, PTHREAD_PROCESS_PRIVATE);
	c->size = size < sizeof(void *) ? sizeof(void *) : size;
	c->align = align ? align : sizeof(void *);
	c->ctor = ctor;
	return c;
}

void *kmem_cache_alloc_lru(struct kmem_cache *c, struct list_lru *lru, int gfp)
{
	void *p;

	int tries;

	for (tries = 0; tries < 2; tries++) {
		pthread_spin_lock(&c->lock);
		p = c->free;
		if (p) {
			c->free = *(void **)p;
			c->nr_free--;
		}
		pthread_spin_unlock(&c->lock);
		if (p || tries)
			break;
		lmt_slab_empty(c);
	}
	if (!p && posix_memalign(&p, c->align, c->size))
		return NULL;
	if (c->ctor)
		c->ctor(p);
	else if (gfp & __GFP_ZERO)
		memset(p, 0, c->size);
	return p;
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
	pthread_spin_lock(&c->lock);
	*(void **)p = c->free;
	c->free = p;
	c->nr_free++;
	pthread_spin_unlock(&c->lock);
}

int kmem_cache_alloc_bulk(struct kmem_cache *c, gfp_t gfp, size_t size, void **p)
{
	size_t i;

	for (i = 0; i < size; i++) {
		p[i] = kmem_cache_alloc_lru(c, NULL, gfp);
		if (!p[i]) {
			while (i--)
				kmem_cache_free(c, p[i]);
			return 0;
		}
	}
	return size;
}

void kmem_cache_free_bulk(struct kmem_cache *c, size_t size, void **list)
{
	size_t i;

	for (i = 0; i < size; i++)
		kmem_cache_free(c, list[i]);
}

void kmem_cache_shrink(struct kmem_cache *c)
{
}
