/* SPDX-License-Identifier: MIT */
/*
 * What ties the allocators together: reset, fault injection and the
 * allocated-bytes total.
 *
 * Fault injection counts attempts at the API level only: each public
 * allocating call enters once (mm_fault_enter()), and the internal calls it
 * makes count at most that one attempt. While nothing is armed, attempts are
 * counted under the lock the call takes anyway (a slab cache's or the page
 * allocator's) and alloc_fault_attempts() adds those counters up; once
 * armed, every attempt goes through `fault_attempts` so that the n-th one
 * is known exactly. An attempt racing with alloc_fault_fail_nth() on
 * another CPU may be counted on either side of it.
 */
#include <stdatomic.h>

#include "svsm/log.h"
#include "internal.h"

/* Attempts counted globally (armed, or with no lock to count under). */
static atomic_ulong fault_attempts;
/* The value of `fault_attempts` whose attempt fails, 0 for none. */
static atomic_ulong fault_fail_at;
atomic_bool mm_fault_armed;
static atomic_bool mm_ready;

/** Count one allocation attempt; true if it is the one that must fail. */
bool mm_fault_hit(void)
{
	unsigned long n = atomic_fetch_add_explicit(&fault_attempts, 1,
						    memory_order_relaxed) +
			  1;
	unsigned long at =
		atomic_load_explicit(&fault_fail_at, memory_order_relaxed);

	if (at == 0 || n != at) {
		return false;
	}
	/* Only the thread that made attempt `at` gets here. */
	atomic_store_explicit(&fault_fail_at, 0, memory_order_relaxed);
	atomic_store(&mm_fault_armed, false);
	return true;
}

/** Keep the attempts of a cache being destroyed in the total. */
void mm_fault_retire(unsigned long attempts)
{
	atomic_fetch_add(&fault_attempts, attempts);
}

/** Make the n-th attempt from now fail; 0 turns fault injection off. */
void alloc_fault_fail_nth(unsigned long n)
{
	if (n == 0) {
		atomic_store(&mm_fault_armed, false);
		atomic_store(&fault_fail_at, 0);
		return;
	}
	atomic_store(&fault_fail_at, atomic_load(&fault_attempts) + n);
	atomic_store(&mm_fault_armed, true);
}

/** Attempts since boot (mm_reset()). */
unsigned long alloc_fault_attempts(void)
{
	return atomic_load(&fault_attempts) + mm_page_attempts() +
	       mm_slab_attempts();
}

/** Bytes handed out and not freed. */
size_t mm_allocated_bytes(void)
{
	return mm_page_bytes_allocated() + mm_slab_bytes_allocated();
}

/** Fill `st` with the allocator's figures. */
void mm_stats_get(struct mm_stats *st)
{
	unsigned int o;

	st->total_pages = page_alloc_total_pages();
	st->free_pages = page_alloc_free_pages();
	st->slab_pages = mm_slab_pages(&st->slab_caches);
	st->alloc_bytes = mm_allocated_bytes();
	st->alloc_attempts = alloc_fault_attempts();
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		st->free_blocks[o] = page_alloc_free_blocks(o);
	}
}

/** Forget every region and cache; nothing may run concurrently. */
void mm_reset(void)
{
	mm_page_reset();
	mm_slab_reset();
	mm_kmalloc_reset();
	atomic_store(&fault_attempts, 0);
	atomic_store(&fault_fail_at, 0);
	atomic_store(&mm_fault_armed, false);
	atomic_store(&mm_ready, true);
}

/** mm_reset() unless it already ran (the first region added at boot). */
void mm_init_once(void)
{
	if (!atomic_load(&mm_ready)) {
		mm_reset();
	}
}
