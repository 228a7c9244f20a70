/* SPDX-License-Identifier: MIT */
/*
 * Private interfaces of svsm/mm: the page descriptor shared by the buddy
 * allocator, the slab caches and kmalloc, and the helpers they share.
 *
 * Every usable page of a region has one `struct page_desc`, in an array
 * carved from the start of the region itself. Only the first page of a block
 * (its head) carries a state other than `PAGE_STATE_NONE`, except the later
 * pages of a multi-page slab, which point at their head so that `kfree()`
 * finds the slab from any object.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "svsm/lock.h"
#include "svsm/mm.h"

/** What a page is; stored in `page_desc.state`. */
enum page_state {
	/** Not the head of a block (or not described at all). */
	PAGE_STATE_NONE = 0,
	/** Head of a free block, on `free_list[order]`. */
	PAGE_STATE_FREE,
	/** Head of a block handed out by `page_alloc()`. */
	PAGE_STATE_PAGES,
	/** Head of a block handed out by a large `kmalloc()`. */
	PAGE_STATE_LARGE,
	/** Head of a slab (`cache` is its owner). */
	PAGE_STATE_SLAB,
	/** Later page of a multi-page slab (`head` is its first page). */
	PAGE_STATE_SLAB_TAIL,
};

/** End of a slab's free-object list. */
#define SLAB_END 0xffffU
/** Largest slab: 2^3 pages. */
#define SLAB_MAX_ORDER 3
/** Slab cache names are copied into this many bytes (with the NUL). */
#define SLAB_NAME_MAX 24

/** One per usable page (32 bytes: 0.8 % of the memory it describes). */
struct page_desc {
	/** Free list (free heads) or the cache's partial list (slab heads). */
	struct page_desc *next;
	struct page_desc *prev;
	union {
		struct slab_cache *cache; /* PAGE_STATE_SLAB */
		struct page_desc *head;	  /* PAGE_STATE_SLAB_TAIL */
	};
	uint16_t slab_free;  /* first free object, SLAB_END if none */
	uint16_t slab_inuse; /* objects handed out */
	uint16_t slab_fresh; /* objects from here on were never handed out */
	uint8_t state;	     /* enum page_state */
	uint8_t order;	     /* block order (heads only) */
};

_Static_assert(sizeof(struct page_desc) == 32, "page_desc grew");

/** A slab cache; its slabs are blocks of 2^order pages of `objs` objects. */
struct slab_cache {
	struct spinlock lock;
	uint8_t order;
	bool is_static; /* a kmalloc size class, not from slab_cache_create() */
	uint16_t objs;	/* objects per slab */
	/** Slabs with both free and used objects (full slabs are on no list). */
	struct page_desc *partial;
	/** At most one empty slab, kept so alloc/free pairs do not thrash. */
	struct page_desc *spare;
	size_t size;   /* object size as asked */
	size_t stride; /* distance between objects */
	size_t inuse;  /* objects handed out */
	size_t slabs;  /* slabs owned, spare included */
	/** Allocation attempts counted here (fault injection disarmed). */
	unsigned long attempts;
	/** Every cache (kmalloc classes too), under `caches_lock`. */
	struct slab_cache *list_next;
	struct slab_cache *list_prev;
	char name[SLAB_NAME_MAX];
};

/** mm_pages_get() flags. */
#define MM_ZERO 1U  /* zero the block */
#define MM_COUNT 2U /* count one allocation attempt under the lock */

/* page_alloc.c */
void *mm_pages_get(unsigned int order, enum page_state state,
		   unsigned int flags);
void mm_pages_put(void *va, unsigned int order, enum page_state state);
struct page_desc *mm_page_desc(const void *va);
void *mm_desc_va(const struct page_desc *desc);
size_t mm_page_bytes_allocated(void);
unsigned long mm_page_attempts(void);
void mm_page_reset(void);
/* The attribute form: cppcheck 2.10 ignores `_Noreturn`. */
void mm_bad_free(const char *what, const void *ptr) __attribute__((noreturn));

/* slab.c */
bool mm_slab_init(struct slab_cache *cache, const char *name, size_t size,
		  size_t align);
void *mm_slab_get(struct slab_cache *cache, size_t size, bool count);
void mm_slab_put(struct slab_cache *cache, struct page_desc *head, void *obj,
		 bool wipe);
struct slab_cache *mm_slab_create(const char *name, size_t size, size_t align);
void mm_slab_register(struct slab_cache *cache);
size_t mm_slab_bytes_allocated(void);
size_t mm_slab_pages(size_t *cache_count);
unsigned long mm_slab_attempts(void);
void mm_slab_reset(void);

/* kmalloc.c */
void *mm_kmalloc(size_t size, bool count);
void mm_kfree(void *ptr, bool wipe);
void mm_kmalloc_reset(void);

/* mm.c */
extern atomic_bool mm_fault_armed;
bool mm_fault_hit(void);
void mm_fault_retire(unsigned long attempts);
void mm_init_once(void);

/**
 * Start one API-level allocation attempt. Returns false if fault injection
 * makes it fail. Otherwise `*count` says whether the callee must count the
 * attempt itself, under the lock it takes anyway: an unarmed attempt costs
 * no atomic read-modify-write of its own. Armed attempts are counted (and
 * checked) here, on one global counter.
 */
static inline bool mm_fault_enter(bool *count)
{
	if (atomic_load_explicit(&mm_fault_armed, memory_order_relaxed)) {
		*count = false;
		return !mm_fault_hit();
	}
	*count = true;
	return true;
}

/*
 * The only places where svsm/mm reads an address as a number: its low bits
 * (alignment) and the room above it (wrap checks). make verify-mm does not
 * know absolute addresses: it takes any value these contracts allow.
 */
#if defined(__FRAMAC__)
/*@ assigns \result \from indirect:mask;
    ensures \result <= mask;
 */
uintptr_t mm_addr_bits(const void *p, uintptr_t mask);
/*@ assigns \result \from \nothing; */
uintptr_t mm_addr_room(const void *p);
#else
/** `p`'s address & `mask`. */
static inline uintptr_t mm_addr_bits(const void *p, uintptr_t mask)
{
	return (uintptr_t)p & mask;
}

/** Bytes from `p` to the top of the address space. */
static inline uintptr_t mm_addr_room(const void *p)
{
	return UINTPTR_MAX - (uintptr_t)p;
}
#endif

/** memset() to zero that the compiler may not drop as a dead store. */
static inline void mm_wipe(void *p, size_t len)
{
	memset(p, 0, len);
#if !defined(__FRAMAC__) /* make verify: a compiler barrier, no effect */
	__asm__ volatile("" : : "r"(p) : "memory");
#endif
}

/*
 * ASan builds: free slab objects are poisoned so that a use after kfree()
 * is reported. Declared here because common code may not include the
 * sanitizer headers.
 */
#if defined(SVSM_ASAN)
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

static inline void mm_poison(void *addr, size_t size)
{
	__asan_poison_memory_region(addr, size);
}

static inline void mm_unpoison(void *addr, size_t size)
{
	__asan_unpoison_memory_region(addr, size);
}
#else
static inline void mm_poison(void *addr, size_t size)
{
}

static inline void mm_unpoison(void *addr, size_t size)
{
}
#endif
