/* SPDX-License-Identifier: MIT */
/*
 * What ties the allocators together: reset, fault injection and the
 * allocated-bytes total.
 *
 * Fault injection counts attempts at the API level only: each public
 * allocating call asks mm_fault_hit() once, and the internal calls it makes
 * (mm_kmalloc(), mm_slab_get(), mm_pages_get()) never do.
 */
#include <stdatomic.h>

#include "svsm/log.h"
#include "internal.h"

static atomic_ulong fault_attempts;
/* The attempt number that fails, 0 for none. */
static atomic_ulong fault_fail_at;
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
	return true;
}

/** Make the n-th attempt from now fail; 0 turns fault injection off. */
void alloc_fault_fail_nth(unsigned long n)
{
	unsigned long now = atomic_load(&fault_attempts);

	atomic_store(&fault_fail_at, n == 0 ? 0 : now + n);
}

/** Attempts since boot (mm_reset()). */
unsigned long alloc_fault_attempts(void)
{
	return atomic_load(&fault_attempts);
}

/** Bytes handed out and not freed. */
size_t mm_allocated_bytes(void)
{
	return mm_page_bytes_allocated() + mm_slab_bytes_allocated();
}

/** Forget every region and cache; nothing may run concurrently. */
void mm_reset(void)
{
	mm_page_reset();
	mm_slab_reset();
	mm_kmalloc_reset();
	atomic_store(&fault_attempts, 0);
	atomic_store(&fault_fail_at, 0);
	atomic_store(&mm_ready, true);
}

/** mm_reset() unless it already ran (the first region added at boot). */
void mm_init_once(void)
{
	if (!atomic_load(&mm_ready)) {
		mm_reset();
	}
}
