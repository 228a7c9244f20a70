/* SPDX-License-Identifier: MIT */
/*
 * The buddy page allocator. Memory comes in regions given at boot; each
 * region starts with its page descriptor array and the rest is cut into
 * naturally aligned blocks of 2^order pages. Free blocks of each order sit
 * on one global doubly linked list (through their head descriptors), so a
 * block's buddy can be taken off its list in O(1) when they merge.
 *
 * Invariants (under `page_lock`):
 *   - a free block's head has state FREE and its order; every other page of
 *     a free block has state NONE;
 *   - two free buddies of the same order never both stay on the lists;
 *   - `free_pages` counts the pages of all free blocks.
 * Regions never change once published, so looking one up needs no lock.
 */
#include <stdatomic.h>
#include <string.h>

#include "svsm/log.h"
#include "internal.h"

#define MM_REGION_MAX 32

/** A range of pages given to the allocator. */
struct mm_region {
	uintptr_t start;	/* first byte (descriptors live here) */
	uintptr_t usable;	/* first allocatable page */
	uintptr_t end;		/* one past the last page */
	struct page_desc *desc; /* one per page of [usable, end) */
};

static struct mm_region regions[MM_REGION_MAX];
static atomic_size_t region_count;
static struct spinlock page_lock = SPINLOCK_INIT;
static struct page_desc *free_list[PAGE_ORDER_MAX + 1];
static size_t free_blocks[PAGE_ORDER_MAX + 1];
static size_t free_pages;
static size_t total_pages;
/* Bytes of PAGES and LARGE blocks handed out. */
static size_t page_bytes;
/* Allocation attempts counted under the lock (MM_COUNT). */
static unsigned long page_attempts;

static inline size_t block_bytes(unsigned int order)
{
	return PAGE_SIZE << order;
}

static const struct mm_region *region_of_va(uintptr_t va)
{
	size_t count =
		atomic_load_explicit(&region_count, memory_order_acquire);
	size_t i;

	for (i = 0; i < count; i++) {
		if (va >= regions[i].usable && va < regions[i].end) {
			return &regions[i];
		}
	}
	return NULL;
}

static const struct mm_region *region_of_desc(const struct page_desc *desc)
{
	size_t count =
		atomic_load_explicit(&region_count, memory_order_acquire);
	size_t i;

	for (i = 0; i < count; i++) {
		const struct mm_region *r = &regions[i];
		size_t pages = (r->end - r->usable) >> PAGE_SHIFT;

		if (desc >= r->desc && desc < r->desc + pages) {
			return r;
		}
	}
	return NULL;
}

/** The descriptor of the page holding `va`, or NULL outside every region. */
struct page_desc *mm_page_desc(const void *va)
{
	const struct mm_region *r = region_of_va((uintptr_t)va);

	if (!r) {
		return NULL;
	}
	return &r->desc[((uintptr_t)va - r->usable) >> PAGE_SHIFT];
}

/** The address of the page `desc` describes. */
void *mm_desc_va(const struct page_desc *desc)
{
	const struct mm_region *r = region_of_desc(desc);

	if (!r) {
		mm_bad_free("descriptor outside every region", desc);
	}
	return (void *)(r->usable +
			((uintptr_t)(desc - r->desc) << PAGE_SHIFT));
}

/** Panic on a free of something that was not allocated that way. */
__attribute__((noreturn)) void mm_bad_free(const char *what, const void *ptr)
{
	panic("mm: %s: %p", what, ptr);
}

static void list_push(unsigned int order, struct page_desc *desc)
{
	desc->prev = NULL;
	desc->next = free_list[order];
	if (desc->next) {
		desc->next->prev = desc;
	}
	free_list[order] = desc;
	desc->state = PAGE_STATE_FREE;
	desc->order = (uint8_t)order;
	free_blocks[order]++;
}

static void list_del(unsigned int order, struct page_desc *desc)
{
	if (desc->prev) {
		desc->prev->next = desc->next;
	} else {
		free_list[order] = desc->next;
	}
	if (desc->next) {
		desc->next->prev = desc->prev;
	}
	desc->next = NULL;
	desc->prev = NULL;
	desc->state = PAGE_STATE_NONE;
	free_blocks[order]--;
}

/* Cut [r->usable, r->end) into the largest naturally aligned blocks. */
static void region_carve(const struct mm_region *r)
{
	uintptr_t va = r->usable;

	while (va < r->end) {
		unsigned int order = PAGE_ORDER_MAX;

		while (order > 0 && ((va & (block_bytes(order) - 1)) != 0 ||
				     r->end - va < block_bytes(order))) {
			order--;
		}
		list_push(order, &r->desc[(va - r->usable) >> PAGE_SHIFT]);
		va += block_bytes(order);
	}
}

static bool region_overlaps(uintptr_t start, uintptr_t end)
{
	size_t count =
		atomic_load_explicit(&region_count, memory_order_relaxed);
	size_t i;

	for (i = 0; i < count; i++) {
		if (start < regions[i].end && regions[i].start < end) {
			return true;
		}
	}
	return false;
}

/**
 * Give [va, va + bytes) to the allocator: its first pages hold the page
 * descriptors, the rest is free memory. Returns false, adding nothing, if
 * the range holds no usable page, overlaps a region or wraps around, or if
 * the region table is full. The page at address 0 is never used.
 */
bool page_alloc_add_region(void *va, size_t bytes)
{
	uintptr_t start = ((uintptr_t)va + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t end;
	size_t pages, meta, count;
	struct mm_region *r;
	bool ok = false;

	mm_init_once();
	if ((uintptr_t)va > UINTPTR_MAX - bytes || start < (uintptr_t)va) {
		return false;
	}
	end = ((uintptr_t)va + bytes) & ~(PAGE_SIZE - 1);
	if (start == 0) {
		start = PAGE_SIZE;
	}
	if (end <= start) {
		return false;
	}
	pages = (end - start) >> PAGE_SHIFT;
	meta = (pages * sizeof(struct page_desc) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (meta >= pages) {
		return false;
	}

	spin_lock(&page_lock);
	count = atomic_load_explicit(&region_count, memory_order_relaxed);
	if (count == MM_REGION_MAX || region_overlaps(start, end)) {
		goto out;
	}
	r = &regions[count];
	r->start = start;
	r->usable = start + (meta << PAGE_SHIFT);
	r->end = end;
	r->desc = (struct page_desc *)start;
	/* ASan: clear stale poison left by an earlier user of this memory. */
	mm_unpoison((void *)start, end - start);
	memset(r->desc, 0, (pages - meta) * sizeof(struct page_desc));
	region_carve(r);
	total_pages += pages - meta;
	free_pages += pages - meta;
	atomic_store_explicit(&region_count, count + 1, memory_order_release);
	ok = true;
out:
	spin_unlock(&page_lock);
	return ok;
}

/**
 * Take a block of 2^order pages and mark its head `state`; zero it with
 * MM_ZERO, count an attempt with MM_COUNT. Returns NULL when no block is
 * large enough.
 */
void *mm_pages_get(unsigned int order, enum page_state state,
		   unsigned int flags)
{
	struct page_desc *desc;
	unsigned int o;
	void *va;

	CHECK(order <= PAGE_ORDER_MAX);
	spin_lock(&page_lock);
	if (flags & MM_COUNT) {
		page_attempts++;
	}
	for (o = order; o <= PAGE_ORDER_MAX && !free_list[o]; o++) {
	}
	if (o > PAGE_ORDER_MAX) {
		spin_unlock(&page_lock);
		return NULL;
	}
	desc = free_list[o];
	list_del(o, desc);
	/* Descriptors of one region are contiguous: the upper half is at +2^o. */
	while (o > order) {
		o--;
		list_push(o, desc + (1UL << o));
	}
	desc->state = (uint8_t)state;
	desc->order = (uint8_t)order;
	free_pages -= 1UL << order;
	if (state == PAGE_STATE_PAGES || state == PAGE_STATE_LARGE) {
		page_bytes += block_bytes(order);
	}
	va = mm_desc_va(desc);
	spin_unlock(&page_lock);
	if (flags & MM_ZERO) {
		memset(va, 0, block_bytes(order));
	}
	return va;
}

/**
 * Give back the block at `va` that was taken with `order` and `state`, and
 * merge it with its free buddies. Anything else is a bad free: panic.
 */
void mm_pages_put(void *va, unsigned int order, enum page_state state)
{
	uintptr_t addr = (uintptr_t)va;
	const struct mm_region *r = region_of_va(addr);
	struct page_desc *desc;
	const char *err = NULL;

	if (order > PAGE_ORDER_MAX || (addr & (block_bytes(order) - 1)) != 0 ||
	    !r || r->end - addr < block_bytes(order)) {
		mm_bad_free("bad page free", va);
	}
	desc = &r->desc[(addr - r->usable) >> PAGE_SHIFT];

	spin_lock(&page_lock);
	if (desc->state == PAGE_STATE_FREE) {
		err = "double page free";
	} else if (desc->state != state || desc->order != order) {
		err = "bad page free (state or order)";
	}
	if (err) {
		spin_unlock(&page_lock);
		mm_bad_free(err, va);
	}
	desc->state = PAGE_STATE_NONE;
	free_pages += 1UL << order;
	if (state == PAGE_STATE_PAGES || state == PAGE_STATE_LARGE) {
		page_bytes -= block_bytes(order);
	}
	while (order < PAGE_ORDER_MAX) {
		uintptr_t buddy = addr ^ block_bytes(order);
		struct page_desc *bd;

		if (buddy < r->usable || r->end - buddy < block_bytes(order)) {
			break;
		}
		bd = &r->desc[(buddy - r->usable) >> PAGE_SHIFT];
		if (bd->state != PAGE_STATE_FREE || bd->order != order) {
			break;
		}
		list_del(order, bd);
		if (buddy < addr) {
			addr = buddy;
			desc = bd;
		}
		order++;
	}
	list_push(order, desc);
	spin_unlock(&page_lock);
}

/** 2^order zeroed pages, naturally aligned, or NULL (one attempt). */
void *page_alloc(unsigned int order)
{
	bool count;
	void *va;

	if (!mm_fault_enter(&count)) {
		return NULL;
	}
	if (order > PAGE_ORDER_MAX) {
		if (count) {
			mm_fault_hit(); /* just counts: nothing is armed */
		}
		return NULL;
	}
	va = mm_pages_get(order, PAGE_STATE_PAGES,
			  MM_ZERO | (count ? MM_COUNT : 0));
	if (!va) {
		/* Empty slabs kept by the caches may complete a block. */
		mm_shrink();
		va = mm_pages_get(order, PAGE_STATE_PAGES, MM_ZERO);
	}
	return va;
}

/** Free a block from `page_alloc(order)`; NULL is ignored. */
void page_free(void *va, unsigned int order)
{
	if (va) {
		mm_pages_put(va, order, PAGE_STATE_PAGES);
	}
}

/** Pages in free blocks. */
size_t page_alloc_free_pages(void)
{
	size_t n;

	spin_lock(&page_lock);
	n = free_pages;
	spin_unlock(&page_lock);
	return n;
}

/** Pages managed (descriptor pages excluded). */
size_t page_alloc_total_pages(void)
{
	size_t n;

	spin_lock(&page_lock);
	n = total_pages;
	spin_unlock(&page_lock);
	return n;
}

/** Free blocks of exactly `order`. */
size_t page_alloc_free_blocks(unsigned int order)
{
	size_t n;

	if (order > PAGE_ORDER_MAX) {
		return 0;
	}
	spin_lock(&page_lock);
	n = free_blocks[order];
	spin_unlock(&page_lock);
	return n;
}

/** Bytes of blocks handed out by page_alloc() and large kmalloc()s. */
size_t mm_page_bytes_allocated(void)
{
	size_t n;

	spin_lock(&page_lock);
	n = page_bytes;
	spin_unlock(&page_lock);
	return n;
}

/** Attempts counted by the page allocator. */
unsigned long mm_page_attempts(void)
{
	unsigned long n;

	spin_lock(&page_lock);
	n = page_attempts;
	spin_unlock(&page_lock);
	return n;
}

/** Forget every region (their memory is no longer touched). */
void mm_page_reset(void)
{
	size_t count =
		atomic_load_explicit(&region_count, memory_order_relaxed);
	size_t i;

	for (i = 0; i < count; i++) {
		mm_unpoison((void *)regions[i].usable,
			    regions[i].end - regions[i].usable);
	}
	memset(regions, 0, sizeof(regions));
	memset(free_list, 0, sizeof(free_list));
	memset(free_blocks, 0, sizeof(free_blocks));
	free_pages = 0;
	total_pages = 0;
	page_bytes = 0;
	page_attempts = 0;
	atomic_store_explicit(&region_count, 0, memory_order_release);
	spin_lock_init(&page_lock);
}
