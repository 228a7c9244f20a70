/* SPDX-License-Identifier: MIT */
/*
 * kmalloc: power-of-two size classes from 16 to 2048 bytes, each a slab
 * cache of naturally aligned objects; anything larger is a whole block of
 * pages whose order is kept in its head page descriptor (state LARGE), so
 * kfree() needs no header in front of the object.
 */
#include <string.h>

#include "svsm/log.h"
#include "internal.h"

#define KMALLOC_MIN_SHIFT 4  /* 16 bytes */
#define KMALLOC_MAX_SHIFT 11 /* 2048 bytes */
#define KMALLOC_CLASSES (KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)
#define KMALLOC_MAX_SLAB (1UL << KMALLOC_MAX_SHIFT)

static struct slab_cache kmalloc_caches[KMALLOC_CLASSES];

static const char *const kmalloc_names[KMALLOC_CLASSES] = {
	"kmalloc-16",  "kmalloc-32",  "kmalloc-64",   "kmalloc-128",
	"kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};

/* Index of the smallest class holding `size` (1 .. KMALLOC_MAX_SLAB). */
static inline unsigned int kmalloc_class(size_t size)
{
	unsigned int shift;

	if (size <= (1UL << KMALLOC_MIN_SHIFT)) {
		return 0;
	}
	/* ceil(log2(size)) for size >= 2 */
	shift = (unsigned int)(64 -
			       __builtin_clzll((unsigned long long)size - 1));
	return shift - KMALLOC_MIN_SHIFT;
}

/* Smallest order whose block holds `size` bytes (size <= max block). */
static inline unsigned int kmalloc_order(size_t size)
{
	size_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int order = 0;

	while ((1UL << order) < pages) {
		order++;
	}
	return order;
}

/** kmalloc() after fault injection; `count`: count the attempt. */
void *mm_kmalloc(size_t size, bool count)
{
	void *va;

	if (size == 0 || size > (PAGE_SIZE << PAGE_ORDER_MAX)) {
		if (count) {
			mm_fault_hit(); /* just counts: nothing is armed */
		}
		return NULL;
	}
	if (size <= KMALLOC_MAX_SLAB) {
		return mm_slab_get(&kmalloc_caches[kmalloc_class(size)], size,
				   count);
	}
	va = mm_pages_get(kmalloc_order(size), PAGE_STATE_LARGE,
			  MM_ZERO | (count ? MM_COUNT : 0));
	if (!va) {
		mm_shrink();
		va = mm_pages_get(kmalloc_order(size), PAGE_STATE_LARGE,
				  MM_ZERO);
	}
	if (va) {
		/* ASan builds: the bytes past `size` are not addressable. */
		mm_poison((uint8_t *)va + size,
			  (PAGE_SIZE << kmalloc_order(size)) - size);
	}
	return va;
}

/**
 * kfree() of anything kmalloc() or slab_alloc() returned, wiping it first
 * if asked (only once it is known to be live); bad frees panic.
 */
void mm_kfree(void *ptr, bool wipe)
{
	struct page_desc *desc;

	if (!ptr) {
		return;
	}
	desc = mm_page_desc(ptr);
	if (!desc) {
		mm_bad_free("kfree outside memory", ptr);
	}
	switch (desc->state) {
	case PAGE_STATE_SLAB:
		mm_slab_put(desc->cache, desc, ptr, wipe);
		break;
	case PAGE_STATE_SLAB_TAIL:
		mm_slab_put(desc->head->cache, desc->head, ptr, wipe);
		break;
	case PAGE_STATE_LARGE:
		if (((uintptr_t)ptr & (PAGE_SIZE - 1)) != 0) {
			mm_bad_free("kfree inside a large block", ptr);
		}
		mm_unpoison(ptr, PAGE_SIZE << desc->order);
		if (wipe) {
			mm_wipe(ptr, PAGE_SIZE << desc->order);
		}
		mm_pages_put(ptr, desc->order, PAGE_STATE_LARGE);
		break;
	case PAGE_STATE_FREE:
		mm_bad_free("kfree of a free block", ptr);
	default:
		mm_bad_free("kfree of memory kmalloc did not hand out", ptr);
	}
}

/* The usable size of the object or block starting at `ptr`; panics if
 * `ptr` is not the start of one. */
static size_t kmalloc_usable(const void *ptr)
{
	const struct page_desc *desc = mm_page_desc(ptr);
	const struct slab_cache *cache;
	uintptr_t off;

	if (!desc) {
		mm_bad_free("ksize outside memory", ptr);
	}
	switch (desc->state) {
	case PAGE_STATE_SLAB_TAIL:
		desc = desc->head;
		/* fall through */
	case PAGE_STATE_SLAB:
		cache = desc->cache;
		off = (uintptr_t)ptr & ((PAGE_SIZE << cache->order) - 1);
		if (off % cache->stride != 0 ||
		    off / cache->stride >= cache->objs) {
			mm_bad_free("ksize of a misaligned object", ptr);
		}
		return cache->size;
	case PAGE_STATE_LARGE:
		if (((uintptr_t)ptr & (PAGE_SIZE - 1)) != 0) {
			mm_bad_free("ksize inside a large block", ptr);
		}
		return PAGE_SIZE << desc->order;
	default:
		mm_bad_free("ksize of memory kmalloc did not hand out", ptr);
	}
}

/** Usable bytes of a live kmalloc() object (0 for NULL). */
size_t ksize(void *ptr)
{
	size_t len;

	if (!ptr) {
		return 0;
	}
	len = kmalloc_usable(ptr);
	/* The caller may now use all of it. */
	mm_unpoison(ptr, len);
	return len;
}

/**
 * Resize `ptr` to `size` bytes, keeping its contents up to the smaller
 * size: in place when it fits, else by moving it (one attempt). On failure
 * returns NULL and `ptr` is untouched. NULL `ptr`: kmalloc(size); size 0:
 * kfree(ptr), returning NULL (not an attempt).
 */
void *krealloc(void *ptr, size_t size)
{
	size_t old;
	bool count;
	void *p;

	if (ptr && size == 0) {
		mm_kfree(ptr, false);
		return NULL;
	}
	if (!mm_fault_enter(&count)) {
		return NULL;
	}
	if (!ptr) {
		return mm_kmalloc(size, count);
	}
	old = kmalloc_usable(ptr);
	if (size <= old) {
		if (count) {
			mm_fault_hit(); /* just counts: nothing is armed */
		}
		mm_unpoison(ptr, size);
		mm_poison((uint8_t *)ptr + size, old - size);
		return ptr;
	}
	p = mm_kmalloc(size, count);
	if (p) {
		mm_unpoison(ptr, old);
		memcpy(p, ptr, old);
		mm_kfree(ptr, false);
	}
	return p;
}

/** `size` bytes (NULL for 0 or on failure; one attempt). */
void *kmalloc(size_t size)
{
	bool count;

	if (!mm_fault_enter(&count)) {
		return NULL;
	}
	return mm_kmalloc(size, count);
}

static void *kzalloc_counted(size_t size, bool count)
{
	void *p = mm_kmalloc(size, count);

	/* Large blocks come zeroed from the page allocator. */
	if (p && size <= KMALLOC_MAX_SLAB) {
		memset(p, 0, size);
	}
	return p;
}

/** As kmalloc(), zero-filled (one attempt). */
void *kzalloc(size_t size)
{
	bool count;

	if (!mm_fault_enter(&count)) {
		return NULL;
	}
	return kzalloc_counted(size, count);
}

/** Zeroed `count` * `size` bytes; NULL on overflow or failure (one attempt). */
void *kcalloc(size_t count, size_t size)
{
	bool counted;

	if (!mm_fault_enter(&counted)) {
		return NULL;
	}
	if (size != 0 && count > SIZE_MAX / size) {
		if (counted) {
			mm_fault_hit(); /* just counts: nothing is armed */
		}
		return NULL;
	}
	return kzalloc_counted(count * size, counted);
}

/** Free what kmalloc(), kzalloc() or kcalloc() returned; NULL is ignored. */
void kfree(void *ptr)
{
	mm_kfree(ptr, false);
}

/** Wipe, then free, what kmalloc() returned; NULL is ignored. */
void kfree_sensitive(void *ptr)
{
	mm_kfree(ptr, true);
}

/** Empty every size class and register the classes as caches. */
void mm_kmalloc_reset(void)
{
	unsigned int i;

	for (i = 0; i < KMALLOC_CLASSES; i++) {
		size_t size = 1UL << (KMALLOC_MIN_SHIFT + i);

		CHECK(mm_slab_init(&kmalloc_caches[i], kmalloc_names[i], size,
				   size));
		kmalloc_caches[i].is_static = true;
		mm_slab_register(&kmalloc_caches[i]);
	}
}
