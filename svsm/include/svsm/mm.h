/* SPDX-License-Identifier: MIT */
/*
 * Memory management shared by the kernel and the hosted build: a buddy page
 * allocator over the regions given to it at boot, slab caches, and
 * kmalloc-style calls on top. Every allocation can fail (NULL) and every
 * caller handles it.
 *
 * Fault injection (all builds, used by the tests): `alloc_fault_fail_nth(n)`
 * makes the n-th allocation from now (page, slab or kmalloc; 1-based) fail.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_ORDER_2M 9
#define PAGE_ORDER_MAX 10 /* largest block: 4 MiB */

/** Forget every region and cache (boot, and between simulated machines). */
void mm_reset(void);

/**
 * Give the pages of [va, va + bytes) to the page allocator. `va` and `bytes`
 * are rounded inwards to whole pages. Returns false if nothing was added.
 */
bool page_alloc_add_region(void *va, size_t bytes);

/** 2^order contiguous, naturally aligned, zeroed pages, or NULL. */
void *page_alloc(unsigned int order);
void page_free(void *va, unsigned int order);

/** Statistics (pages). */
size_t page_alloc_free_pages(void);
size_t page_alloc_total_pages(void);

struct slab_cache;

/** A cache of `size`-byte objects aligned to `align` (power of two), or NULL. */
struct slab_cache *slab_cache_create(const char *name, size_t size,
				     size_t align);
void slab_cache_destroy(struct slab_cache *cache);
void *slab_alloc(struct slab_cache *cache);
void slab_free(struct slab_cache *cache, void *obj);

/** General-purpose allocation: NULL on failure (and for size 0). */
void *kmalloc(size_t size);
/** As `kmalloc()`, zero-filled. */
void *kzalloc(size_t size);
void kfree(void *ptr);

/** Make the n-th allocation from now fail (n >= 1); 0 turns this off. */
void alloc_fault_fail_nth(unsigned long n);
/** Number of allocation attempts since boot (to size fault-injection loops). */
unsigned long alloc_fault_attempts(void);
/** Objects and pages currently allocated (leak checks in tests). */
size_t mm_allocated_bytes(void);
