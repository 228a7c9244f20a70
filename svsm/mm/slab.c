/* SPDX-License-Identifier: MIT */
/*
 * Slab caches. A slab is a block of 2^order pages cut into `objs` objects
 * `stride` bytes apart; its bookkeeping lives in the head page descriptor
 * (owner, free-object list, use count), so the whole block holds objects.
 *
 * A free object starts with a `struct slab_free_obj`: the index of the next
 * free object and a magic value. Freeing an object whose magic is already
 * set makes the cache walk the slab's free list: finding it there is a
 * double free (panic). Taking an object whose magic is wrong means someone
 * wrote to it after freeing it (panic).
 *
 * Objects never handed out are not on the free list: `slab_fresh` counts
 * them off, so a new slab costs no initialisation pass.
 *
 * Locks: `caches_lock` (the list of caches) is taken before a cache's lock;
 * the page allocator is only called with neither held.
 */
#include <string.h>

#include "svsm/log.h"
#include "internal.h"

#define SLAB_FREE_MAGIC 0x5ab1f4eeU
#define SLAB_MIN_ALIGN 8

/** The first 8 bytes of a free object. */
struct slab_free_obj {
	uint16_t next;
	uint16_t pad;
	uint32_t magic;
};

static struct spinlock caches_lock = SPINLOCK_INIT;
static struct slab_cache *caches;

static inline size_t slab_bytes(const struct slab_cache *cache)
{
	return PAGE_SIZE << cache->order;
}

/* Smallest slab order that wastes at most 1/8, else the largest that fits. */
static unsigned int slab_pick_order(size_t stride)
{
	unsigned int order;

	for (order = 0; order < SLAB_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;

		if (bytes >= stride && (bytes % stride) * 8 <= bytes) {
			break;
		}
	}
	return order;
}

/**
 * Set up `cache` for objects of `size` bytes aligned to `align`. Returns
 * false (leaving `cache` unusable) for a size of 0 or above 32 KiB, or an
 * alignment that is not a power of two up to PAGE_SIZE.
 */
bool mm_slab_init(struct slab_cache *cache, const char *name, size_t size,
		  size_t align)
{
	size_t stride, objs, len = 0;

	if (align == 0) {
		align = SLAB_MIN_ALIGN;
	}
	if (size == 0 || size > (PAGE_SIZE << SLAB_MAX_ORDER) ||
	    (align & (align - 1)) != 0 || align > PAGE_SIZE) {
		return false;
	}
	if (align < SLAB_MIN_ALIGN) {
		align = SLAB_MIN_ALIGN;
	}
	stride = (size + align - 1) & ~(align - 1);
	if (stride > (PAGE_SIZE << SLAB_MAX_ORDER)) {
		return false;
	}
	memset(cache, 0, sizeof(*cache));
	spin_lock_init(&cache->lock);
	cache->size = size;
	cache->stride = stride;
	cache->order = (uint8_t)slab_pick_order(stride);
	objs = slab_bytes(cache) / stride;
	cache->objs = (uint16_t)(objs < SLAB_END ? objs : SLAB_END - 1);
	while (name && len < SLAB_NAME_MAX - 1 && name[len] != '\0') {
		cache->name[len] = name[len];
		len++;
	}
	return true;
}

static void partial_push(struct slab_cache *cache, struct page_desc *slab)
{
	slab->prev = NULL;
	slab->next = cache->partial;
	if (slab->next) {
		slab->next->prev = slab;
	}
	cache->partial = slab;
}

static void partial_del(struct slab_cache *cache, struct page_desc *slab)
{
	if (slab->prev) {
		slab->prev->next = slab->next;
	} else {
		cache->partial = slab->next;
	}
	if (slab->next) {
		slab->next->prev = slab->prev;
	}
	slab->next = NULL;
	slab->prev = NULL;
}

/* A new, empty slab for `cache` (no lock held), or NULL. */
static struct page_desc *slab_new(struct slab_cache *cache)
{
	struct page_desc *head;
	void *va;
	size_t i;

	va = mm_pages_get(cache->order, PAGE_STATE_SLAB, 0);
	if (!va) {
		mm_shrink();
		va = mm_pages_get(cache->order, PAGE_STATE_SLAB, 0);
		if (!va) {
			return NULL;
		}
	}
	mm_poison(va, slab_bytes(cache));
	head = mm_page_desc(va);
	head->cache = cache;
	head->next = NULL;
	head->prev = NULL;
	head->slab_free = SLAB_END;
	head->slab_inuse = 0;
	head->slab_fresh = 0;
	for (i = 1; i < (1UL << cache->order); i++) {
		head[i].head = head;
		head[i].state = PAGE_STATE_SLAB_TAIL;
	}
	return head;
}

/* Give an empty slab back to the page allocator (no lock held). */
static void slab_release(struct slab_cache *cache, struct page_desc *head)
{
	void *va = mm_desc_va(head);
	size_t i;

	for (i = 1; i < (1UL << cache->order); i++) {
		head[i].head = NULL;
		head[i].state = PAGE_STATE_NONE;
	}
	head->cache = NULL;
	mm_unpoison(va, slab_bytes(cache));
	mm_pages_put(va, cache->order, PAGE_STATE_SLAB);
}

/* A free object's header was overwritten; under the cache lock. */
__attribute__((noreturn)) static void slab_overwritten(struct slab_cache *cache,
						       const void *obj)
{
	spin_unlock(&cache->lock);
	panic("mm: cache %s: free object %p was overwritten", cache->name, obj);
}

/* Take one object from `slab`, which has one; under the cache lock. */
static void *slab_take(struct slab_cache *cache, struct page_desc *slab)
{
	uint8_t *base = mm_desc_va(slab);
	uint8_t *obj;

	if (slab->slab_free != SLAB_END) {
		struct slab_free_obj *f;

		obj = base + (size_t)slab->slab_free * cache->stride;
		f = (struct slab_free_obj *)obj;
		if (f->magic != SLAB_FREE_MAGIC ||
		    (f->next != SLAB_END && f->next >= slab->slab_fresh)) {
			slab_overwritten(cache, obj);
		}
		slab->slab_free = f->next;
		f->magic = 0;
	} else {
		CHECK(slab->slab_fresh < cache->objs);
		obj = base + (size_t)slab->slab_fresh * cache->stride;
		slab->slab_fresh++;
		/* Slab pages are not zeroed: clear any stale free magic. */
		mm_unpoison(obj, sizeof(struct slab_free_obj));
		((struct slab_free_obj *)obj)->magic = 0;
	}
	slab->slab_inuse++;
	if (slab->slab_inuse == cache->objs) {
		partial_del(cache, slab);
	}
	cache->inuse++;
	return obj;
}

/**
 * One object of `cache` (not zeroed), or NULL when no page is left. In ASan
 * builds only its first `size` bytes are addressable. `count`: count one
 * allocation attempt.
 */
void *mm_slab_get(struct slab_cache *cache, size_t size, bool count)
{
	struct page_desc *slab;
	void *obj;

	spin_lock(&cache->lock);
	if (count) {
		cache->attempts++;
	}
	if (!cache->partial && cache->spare) {
		partial_push(cache, cache->spare);
		cache->spare = NULL;
	}
	if (!cache->partial) {
		spin_unlock(&cache->lock);
		slab = slab_new(cache);
		if (!slab) {
			return NULL;
		}
		spin_lock(&cache->lock);
		partial_push(cache, slab);
		cache->slabs++;
	}
	obj = slab_take(cache, cache->partial);
	spin_unlock(&cache->lock);
	mm_poison(obj, cache->stride);
	mm_unpoison(obj, size);
	return obj;
}

/*
 * True if object `idx` is on `slab`'s free list; under the cache lock. A
 * link past the objects handed out was overwritten after its free: panic
 * rather than follow it out of the slab.
 */
static bool slab_on_free_list(struct slab_cache *cache,
			      const struct page_desc *slab, uint16_t idx)
{
	const uint8_t *base = mm_desc_va(slab);
	uint16_t cur = slab->slab_free;
	size_t steps = 0;

	while (cur != SLAB_END && steps++ < cache->objs) {
		const struct slab_free_obj *f;

		if (cur == idx) {
			return true;
		}
		f = (const struct slab_free_obj *)(base +
						   (size_t)cur * cache->stride);
		if (f->next != SLAB_END && f->next >= slab->slab_fresh) {
			slab_overwritten(cache, f);
		}
		cur = f->next;
	}
	return false;
}

/**
 * Put `obj` back into `cache`; `head` is the head descriptor of its slab.
 * With `wipe`, the whole object is zeroed first. Anything but an object of
 * this cache in use panics.
 */
void mm_slab_put(struct slab_cache *cache, struct page_desc *head, void *obj,
		 bool wipe)
{
	/* Slabs are naturally aligned blocks: no region lookup needed. */
	uint8_t *base = (uint8_t *)((uintptr_t)obj & ~(slab_bytes(cache) - 1));
	size_t off = (size_t)((uint8_t *)obj - base);
	struct page_desc *release = NULL;
	struct slab_free_obj *f = obj;
	uint16_t idx;

	if (head->state != PAGE_STATE_SLAB || head->cache != cache) {
		mm_bad_free("free to the wrong cache", obj);
	}
	if (off % cache->stride != 0 || off / cache->stride >= cache->objs) {
		mm_bad_free("free of a misaligned object", obj);
	}
	idx = (uint16_t)(off / cache->stride);
	mm_unpoison(obj, sizeof(*f));

	spin_lock(&cache->lock);
	if (idx >= head->slab_fresh || head->slab_inuse == 0 ||
	    (f->magic == SLAB_FREE_MAGIC &&
	     slab_on_free_list(cache, head, idx))) {
		spin_unlock(&cache->lock);
		mm_bad_free("double free", obj);
	}
	if (wipe) {
		mm_unpoison(obj, cache->stride);
		mm_wipe(obj, cache->stride);
	}
	if (head->slab_inuse == cache->objs) {
		partial_push(cache, head); /* it was full */
	}
	f->next = head->slab_free;
	f->pad = 0;
	f->magic = SLAB_FREE_MAGIC;
	head->slab_free = idx;
	head->slab_inuse--;
	cache->inuse--;
	if (head->slab_inuse == 0) {
		partial_del(cache, head);
		if (!cache->spare) {
			cache->spare = head;
		} else {
			release = head;
			cache->slabs--;
		}
	}
	mm_poison((uint8_t *)obj + sizeof(*f), cache->stride - sizeof(*f));
	spin_unlock(&cache->lock);
	if (release) {
		slab_release(cache, release);
	}
}

/** Add `cache` to the list of caches (for statistics and mm_shrink()). */
void mm_slab_register(struct slab_cache *cache)
{
	spin_lock(&caches_lock);
	cache->list_prev = NULL;
	cache->list_next = caches;
	if (caches) {
		caches->list_prev = cache;
	}
	caches = cache;
	spin_unlock(&caches_lock);
}

static void slab_unregister(struct slab_cache *cache)
{
	spin_lock(&caches_lock);
	if (cache->list_prev) {
		cache->list_prev->list_next = cache->list_next;
	} else {
		caches = cache->list_next;
	}
	if (cache->list_next) {
		cache->list_next->list_prev = cache->list_prev;
	}
	spin_unlock(&caches_lock);
}

/** A new cache from kmalloc() memory, or NULL. No fault injection. */
struct slab_cache *mm_slab_create(const char *name, size_t size, size_t align)
{
	struct slab_cache *cache = mm_kmalloc(sizeof(*cache), false);

	if (!cache) {
		return NULL;
	}
	if (!mm_slab_init(cache, name, size, align)) {
		mm_kfree(cache, false);
		return NULL;
	}
	mm_slab_register(cache);
	return cache;
}

/** A cache of `size`-byte objects aligned to `align`, or NULL (one attempt). */
struct slab_cache *slab_cache_create(const char *name, size_t size,
				     size_t align)
{
	if (mm_fault_hit()) {
		return NULL;
	}
	return mm_slab_create(name, size, align);
}

/** Destroy an empty cache made by slab_cache_create(); NULL is ignored. */
void slab_cache_destroy(struct slab_cache *cache)
{
	struct page_desc *spare;

	if (!cache) {
		return;
	}
	CHECK(!cache->is_static);
	spin_lock(&cache->lock);
	if (cache->inuse != 0) {
		size_t inuse = cache->inuse;

		spin_unlock(&cache->lock);
		panic("mm: destroying cache %s with %zu objects in use",
		      cache->name, inuse);
	}
	CHECK(cache->partial == NULL);
	spare = cache->spare;
	cache->spare = NULL;
	spin_unlock(&cache->lock);
	slab_unregister(cache);
	mm_fault_retire(cache->attempts);
	if (spare) {
		slab_release(cache, spare);
	}
	mm_kfree(cache, false);
}

/** An object of `cache` (not zeroed), or NULL (one attempt). */
void *slab_alloc(struct slab_cache *cache)
{
	bool count;

	CHECK(cache != NULL);
	if (!mm_fault_enter(&count)) {
		return NULL;
	}
	return mm_slab_get(cache, cache->size, count);
}

/** Free an object of `cache`; NULL is ignored. A bad free panics. */
void slab_free(struct slab_cache *cache, void *obj)
{
	struct page_desc *desc;

	if (!obj) {
		return;
	}
	desc = mm_page_desc(obj);
	if (desc && desc->state == PAGE_STATE_SLAB_TAIL) {
		desc = desc->head;
	}
	if (!desc || desc->state != PAGE_STATE_SLAB) {
		mm_bad_free("slab free of a non-slab object", obj);
	}
	mm_slab_put(cache, desc, obj, false);
}

/** Return every cache's spare empty slab to the page allocator. */
void mm_shrink(void)
{
	struct page_desc *list = NULL;
	struct slab_cache *cache;

	spin_lock(&caches_lock);
	for (cache = caches; cache; cache = cache->list_next) {
		spin_lock(&cache->lock);
		if (cache->spare) {
			cache->spare->next = list;
			list = cache->spare;
			cache->spare = NULL;
			cache->slabs--;
		}
		spin_unlock(&cache->lock);
	}
	spin_unlock(&caches_lock);
	while (list) {
		struct page_desc *next = list->next;

		list->next = NULL;
		slab_release(list->cache, list);
		list = next;
	}
}

/** Bytes of objects in use, over every cache. */
size_t mm_slab_bytes_allocated(void)
{
	struct slab_cache *cache;
	size_t bytes = 0;

	spin_lock(&caches_lock);
	for (cache = caches; cache; cache = cache->list_next) {
		spin_lock(&cache->lock);
		bytes += cache->inuse * cache->size;
		spin_unlock(&cache->lock);
	}
	spin_unlock(&caches_lock);
	return bytes;
}

/** Pages held by slabs; `*cache_count` receives the number of caches. */
size_t mm_slab_pages(size_t *cache_count)
{
	struct slab_cache *cache;
	size_t pages = 0, n = 0;

	spin_lock(&caches_lock);
	for (cache = caches; cache; cache = cache->list_next) {
		spin_lock(&cache->lock);
		pages += cache->slabs << cache->order;
		spin_unlock(&cache->lock);
		n++;
	}
	spin_unlock(&caches_lock);
	*cache_count = n;
	return pages;
}

/** Attempts counted by every cache. */
unsigned long mm_slab_attempts(void)
{
	struct slab_cache *cache;
	unsigned long n = 0;

	spin_lock(&caches_lock);
	for (cache = caches; cache; cache = cache->list_next) {
		spin_lock(&cache->lock);
		n += cache->attempts;
		spin_unlock(&cache->lock);
	}
	spin_unlock(&caches_lock);
	return n;
}

/** Forget every cache (their memory went with the regions). */
void mm_slab_reset(void)
{
	caches = NULL;
	spin_lock_init(&caches_lock);
}
