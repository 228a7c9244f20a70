/* SPDX-License-Identifier: MIT */
/*
 * Memory management shared by the kernel and the hosted build: a buddy page
 * allocator over the regions given to it at boot, slab caches, and
 * kmalloc-style calls on top. Every allocation can fail (NULL) and every
 * caller handles it.
 *
 * Fault injection (all builds, used by the tests): `alloc_fault_fail_nth(n)`
 * makes the n-th allocation from now (page, slab or kmalloc; 1-based) fail.
 * Every call of `page_alloc()`, `slab_alloc()`, `slab_cache_create()`,
 * `kmalloc()`, `kzalloc()`, `kcalloc()` and `krealloc()` (except a
 * `krealloc()` to size 0, which only frees) is one attempt, whatever it does
 * inside (a `kmalloc()` that needs a new slab page is still one attempt).
 *
 * Freeing something twice, freeing what was never allocated, or freeing with
 * the wrong order or cache is an SVSM bug: it panics.
 *
 * Thread safety: every call may run on any CPU at any time, except
 * `mm_reset()` and `page_alloc_add_region()`, which run at boot before other
 * CPUs allocate. Locks (see lock.h): the page allocator lock and the slab
 * cache locks are never held together; the list of caches is locked before
 * a cache. The locks do not mask interrupts: never allocate or free in an
 * interrupt handler.
 *
 * ASan builds (SVSM_ASAN) poison free slab objects and the bytes past a
 * kmalloc() size, so overflows and uses after free are reported; free pages
 * are left addressable. ASan does not clear poison when memory is unmapped:
 * call mm_reset() when a region's memory goes away (before or after).
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
 * are rounded inwards to whole pages; the first pages of the region hold its
 * page descriptors (32 bytes per page). Returns false, adding nothing, if
 * no page would be left, if the range overlaps a region already added or
 * wraps around, or if 32 regions were added already.
 */
bool page_alloc_add_region(void *va, size_t bytes);

/** 2^order contiguous, naturally aligned, zeroed pages, or NULL. */
void *page_alloc(unsigned int order);
/** Free a block from `page_alloc(order)` (same order); NULL is ignored. */
void page_free(void *va, unsigned int order);

/** Statistics (pages). */
size_t page_alloc_free_pages(void);
size_t page_alloc_total_pages(void);
/** Free blocks of exactly 2^order pages (0 for an order above the maximum). */
size_t page_alloc_free_blocks(unsigned int order);

struct slab_cache;

/**
 * A cache of `size`-byte objects aligned to `align` (0, or a power of two
 * up to `PAGE_SIZE`; objects are always at least 8-byte aligned), or NULL.
 * Objects may be up to 32 KiB. `name` is
 * copied (truncated to 23 characters). Destroying a cache that still has
 * objects in use panics.
 */
struct slab_cache *slab_cache_create(const char *name, size_t size,
				     size_t align);
void slab_cache_destroy(struct slab_cache *cache);
/** An object (its contents are not zeroed), or NULL. */
void *slab_alloc(struct slab_cache *cache);
/** Free an object of `cache` (kfree() also accepts it); NULL is ignored. */
void slab_free(struct slab_cache *cache, void *obj);

/**
 * General-purpose allocation: NULL on failure (and for size 0). Sizes up to
 * 2048 bytes come from power-of-two size classes (16 .. 2048) and are
 * aligned to their class; larger ones are whole, page-aligned, zeroed blocks
 * of up to 2^PAGE_ORDER_MAX pages. Contents are otherwise not zeroed.
 */
void *kmalloc(size_t size);
/** As `kmalloc()`, zero-filled. */
void *kzalloc(size_t size);
/** Zeroed array of `count` objects of `size` bytes; NULL on overflow. */
void *kcalloc(size_t count, size_t size);
void kfree(void *ptr);
/**
 * Resize to `size` bytes, keeping the contents up to the smaller size (in
 * place when it fits). On failure returns NULL and `ptr` stays valid. A
 * NULL `ptr` is `kmalloc(size)`; size 0 frees `ptr` and returns NULL (that
 * alone is not an allocation attempt).
 */
void *krealloc(void *ptr, size_t size);
/**
 * Usable bytes of a live `kmalloc()` object: its size class, or its whole
 * block (0 for NULL). The caller may use all of them.
 */
size_t ksize(void *ptr);
/**
 * As `kfree()`, after wiping the whole object (its size class, or its
 * block): for memory that held secrets such as keys.
 */
void kfree_sensitive(void *ptr);

/**
 * Give every cached empty slab back to the page allocator (the page
 * allocator also does this by itself before it reports exhaustion).
 */
void mm_shrink(void);

/** Make the n-th allocation from now fail (n >= 1); 0 turns this off. */
void alloc_fault_fail_nth(unsigned long n);
/** Number of allocation attempts since boot (to size fault-injection loops). */
unsigned long alloc_fault_attempts(void);
/**
 * Bytes currently handed out: objects (at their cache's object size, or
 * their kmalloc size class) plus pages from `page_alloc()` and large
 * `kmalloc()`s. Leak checks in tests.
 */
size_t mm_allocated_bytes(void);

/** A snapshot of the allocator's state (for diagnostics). */
struct mm_stats {
	size_t total_pages; /* pages managed */
	size_t free_pages;  /* pages in free blocks */
	size_t slab_pages;  /* pages held by slabs (spares included) */
	size_t slab_caches; /* caches, kmalloc size classes included */
	size_t alloc_bytes; /* as mm_allocated_bytes() */
	unsigned long alloc_attempts;		/* as alloc_fault_attempts() */
	size_t free_blocks[PAGE_ORDER_MAX + 1]; /* free blocks per order */
};

/** Fill `st`; each figure is exact, the whole is not one atomic snapshot. */
void mm_stats_get(struct mm_stats *st);
