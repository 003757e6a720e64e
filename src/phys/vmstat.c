// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event counters' per-thread sets (the event half of mm/vmstat.c: per-CPU
 * vm_event_states, folded when read by sum_vm_event/all_vm_events). A thread's first count on
 * a node finds or makes its set there, under the node's list lock; every later count is a
 * plain add to it. Readers sum the shared set and every thread's. A set outlives its thread:
 * its counts stay in the sums, and a later thread that gets the same thread-local address
 * takes it over. Left out: CPU hotplug folding (vm_events_fold_cpu), as sets are never
 * dropped before the node.
 */
#include "phys/vmstat.h"

#include <stdlib.h>

__thread struct vm_event_cache vm_event_cache __attribute__((tls_model("initial-exec")));

/* Node ids: unique for the process's life, so a stale cache never matches a new node. */
static unsigned long vm_events_last_id;

/**
 * vm_events_init - @ev with no counts and no thread's set yet, under a new node id.
 * Context: @ev not visible to other threads yet.
 */
void vm_events_init(struct vm_events *ev)
{
	pthread_mutex_init(&ev->lock, NULL);
	ev->states = NULL;
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		ev->shared[i] = 0;
	ev->id = __atomic_add_fetch(&vm_events_last_id, 1, __ATOMIC_RELAXED);
}

/**
 * vm_events_destroy - free every thread's set of @ev (a node never set up is left alone).
 * Context: no thread counts on @ev any more; caches naming its id never match again.
 */
void vm_events_destroy(struct vm_events *ev)
{
	struct vm_event_state *s, *next;

	if (!ev->id)
		return;
	for (s = ev->states; s; s = next) {
		next = s->next;
		free(s);
	}
	ev->states = NULL;
	pthread_mutex_destroy(&ev->lock);
	ev->id = 0;
}

/*
 * vm_event_state_get - the calling thread's set on @ev, found or made, and remembered in its
 * cache. Return: the set, or NULL (the node is not set up, or no memory): count in the shared
 * set then.
 */
struct vm_event_state *vm_event_state_get(struct vm_events *ev)
{
	const void *me = &vm_event_cache;
	struct vm_event_state *s = NULL;

	if (!ev->id)
		return NULL;
	pthread_mutex_lock(&ev->lock);
	for (s = ev->states; s && s->owner != me; s = s->next)
		;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (s) {
			s->owner = me;
			s->next = ev->states;
			ev->states = s;
		}
	}
	pthread_mutex_unlock(&ev->lock);
	if (s)
		vm_event_cache = (struct vm_event_cache){.id = ev->id, .state = s};
	return s;
}

/**
 * sum_vm_event - the count of @item on the node of @ev: the shared set plus every thread's.
 * Context: takes the list lock; exact for counts whose threads have finished counting.
 */
unsigned long sum_vm_event(struct vm_events *ev, enum vm_event_item item)
{
	unsigned long sum = __atomic_load_n(&ev->shared[item], __ATOMIC_RELAXED);

	if (!ev->id)
		return sum;
	pthread_mutex_lock(&ev->lock);
	for (const struct vm_event_state *s = ev->states; s; s = s->next)
		sum += __atomic_load_n(&s->event[item], __ATOMIC_RELAXED);
	pthread_mutex_unlock(&ev->lock);
	return sum;
}
