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
 *
 * make verify-slab proves the ACSL contracts written here (the layout,
 * mm_slab_init(), the object index <-> offset maps, the free-object list's
 * push and pop, the helpers that keep the counters equal to the lists) and
 * runs alloc/free sequences under EVA (docs/VERIFICATION.md). Arithmetic is written for the provers: tables
 * instead of variable shifts, `%` and `/` instead of masks.
 */
#include <string.h> /* with Frama-C: strlen() of the ACSL contracts */

#include "svsm/log.h"
#include "internal.h"

#define SLAB_FREE_MAGIC 0x5ab1f4eeU
#define SLAB_MIN_ALIGN 8
/* The largest slab and object: 32 KiB. */
#define SLAB_MAX_BYTES (PAGE_SIZE << SLAB_MAX_ORDER)

/** The first 8 bytes of a free object. */
struct slab_free_obj {
	uint16_t next;
	uint16_t pad;
	uint32_t magic;
};

static struct spinlock caches_lock = SPINLOCK_INIT;
static struct slab_cache *caches;

/* Bytes of a slab of each order: a table, which the provers follow. */
static const size_t slab_order_bytes[SLAB_MAX_ORDER + 1] = {
	PAGE_SIZE,
	2 * PAGE_SIZE,
	4 * PAGE_SIZE,
	8 * PAGE_SIZE,
};
_Static_assert(SLAB_MAX_ORDER == 3, "slab_order_bytes[] lists orders 0..3");

/*@ logic integer fc_slab_bytes(integer o) =
      o == 0 ? 4096 : o == 1 ? 8192 : o == 2 ? 16384 : 32768;
    predicate fc_slab_order_ok(integer o, integer stride) =
      stride <= fc_slab_bytes(o) &&
      (fc_slab_bytes(o) % stride) * 8 <= fc_slab_bytes(o);
 */

/** Bytes of a slab of `order` (0 beyond SLAB_MAX_ORDER). */
/*@ terminates \true;
    assigns \nothing;
    ensures order <= SLAB_MAX_ORDER ==> \result == fc_slab_bytes(order);
    ensures order > SLAB_MAX_ORDER ==> \result == 0;
 */
static inline size_t order_bytes(unsigned int order)
{
	return order <= SLAB_MAX_ORDER ? slab_order_bytes[order] : 0;
}

static inline size_t slab_bytes(const struct slab_cache *cache)
{
	return order_bytes(cache->order);
}

/*
 * Smallest slab order that fits `stride` and wastes at most 1/8 of the
 * slab, else the largest (SLAB_MAX_ORDER).
 */
/*@ requires 1 <= stride;
    terminates \true;
    assigns \nothing;
    ensures range: \result <= SLAB_MAX_ORDER;
    ensures smallest: \forall integer o;
      0 <= o < \result ==> !fc_slab_order_ok(o, stride);
    ensures waste: \result < SLAB_MAX_ORDER ==>
      fc_slab_order_ok(\result, stride);
    ensures fits: stride <= SLAB_MAX_BYTES ==>
      stride <= fc_slab_bytes(\result);
 */
static unsigned int slab_pick_order(size_t stride)
{
	unsigned int order;

	/*@ loop invariant 0 <= order <= SLAB_MAX_ORDER;
	    loop invariant \forall integer o;
	      0 <= o < order ==> !fc_slab_order_ok(o, stride);
	    loop assigns order;
	    loop variant SLAB_MAX_ORDER - order;
	 */
	for (order = 0; order < SLAB_MAX_ORDER; order++) {
		size_t bytes = order_bytes(order);

		if (bytes >= stride && (bytes % stride) * 8 <= bytes) {
			break;
		}
	}
	return order;
}

/*
 * PAGE_SIZE is a power of two: a divisor of it from SLAB_MIN_ALIGN up is a
 * multiple of SLAB_MIN_ALIGN. The provers do not find it from "divides
 * PAGE_SIZE" among other facts; as the first lemma, z3 proves it.
 */
/*@ lemma fc_page_divisor: \forall integer a;
      SLAB_MIN_ALIGN <= a <= PAGE_SIZE && PAGE_SIZE % a == 0 ==>
      a % SLAB_MIN_ALIGN == 0;
    lemma fc_page_divisor_mul: \forall integer a;
      SLAB_MIN_ALIGN <= a <= PAGE_SIZE && PAGE_SIZE % a == 0 ==>
      a == SLAB_MIN_ALIGN * (a / SLAB_MIN_ALIGN);
 */

/*
 * Multiplication and division facts the provers do not find alone (each
 * proved by them as a goal of its own).
 */
/*@ lemma fc_mul_mono: \forall integer a, b, c;
      0 <= a <= b && 0 <= c ==> a * c <= b * c;
    lemma fc_div_floor: \forall integer x, d;
      0 <= x && 0 < d ==> (x / d) * d <= x < (x / d) * d + d;
    lemma fc_mul_mod: \forall integer q, d;
      0 <= q && 0 < d ==> (q * d) % d == 0;
    lemma fc_div_mono: \forall integer x, d, e;
      0 <= x && 0 < d <= e ==> x / e <= x / d;
    lemma fc_div_one: \forall integer x, d;
      0 < d <= x ==> 1 <= x / d;
 */

/*@ logic integer fc_slab_align(integer align) =
      align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;
    logic integer fc_slab_stride(integer size, integer align) =
      (size + fc_slab_align(align) - 1) / fc_slab_align(align) *
      fc_slab_align(align);
    predicate fc_slab_rejected(integer size, integer align) =
      size == 0 || size > SLAB_MAX_BYTES ||
      (align != 0 && (align > PAGE_SIZE || PAGE_SIZE % align != 0)) ||
      fc_slab_stride(size, align) > SLAB_MAX_BYTES;
 */

/*
 * `size` rounded up to a multiple of `a`, a divisor of PAGE_SIZE from
 * SLAB_MIN_ALIGN up (so a power of two, and the result a multiple of 8).
 */
/*@ requires 1 <= size <= SLAB_MAX_BYTES;
    requires SLAB_MIN_ALIGN <= a <= PAGE_SIZE && PAGE_SIZE % a == 0;
    terminates \true;
    assigns \nothing;
    ensures \result == (size + a - 1) / a * a;
    ensures \result % a == 0;
    ensures eight: \result % 8 == 0;
 */
static inline size_t slab_round_up(size_t size, size_t a)
{
	size_t q = (size + a - 1) / a;

	/*@ assert 1 <= q && (q * a) % a == 0; */
	/*@ assert a == SLAB_MIN_ALIGN * (a / SLAB_MIN_ALIGN); */
	/*@ assert q * a == q * (a / SLAB_MIN_ALIGN) * SLAB_MIN_ALIGN; */
	return q * a;
}

/*
 * The layout of a cache of `size`-byte objects aligned to `align` (0: the
 * minimum, 8): true with the stride, the slab order and the objects per
 * slab; false, assigning nothing, for a size of 0 or above 32 KiB, or an
 * alignment that is not a power of two up to PAGE_SIZE (a power of two up
 * to PAGE_SIZE is exactly a divisor of PAGE_SIZE).
 */
/*@ requires \valid(stride) && \valid(order) && \valid(objs);
    requires \separated(stride, order, objs);
    terminates \true;
    assigns *stride, *order, *objs;
    behavior rejected:
      assumes fc_slab_rejected(size, align);
      assigns \nothing;
      ensures \result == \false;
    behavior accepted:
      assumes !fc_slab_rejected(size, align);
      assigns *stride, *order, *objs;
      ensures \result == \true;
      ensures stride: *stride == fc_slab_stride(size, align);
      ensures aligned: *stride % fc_slab_align(align) == 0;
      ensures eight: *stride % 8 == 0;
      ensures tight: size <= *stride < size + fc_slab_align(align);
      ensures order: *order <= SLAB_MAX_ORDER &&
        *stride <= fc_slab_bytes(*order);
      ensures objs: *objs == fc_slab_bytes(*order) / *stride;
      ensures objs_range: 1 <= *objs <= SLAB_MAX_BYTES / SLAB_MIN_ALIGN;
      ensures objs_fit: *objs * *stride <= fc_slab_bytes(*order);
    complete behaviors;
    disjoint behaviors;
 */
static bool slab_layout(size_t size, size_t align, size_t *stride,
			unsigned int *order, size_t *objs)
{
	size_t a = align == 0 ? SLAB_MIN_ALIGN : align;
	size_t s, bytes;

	if (size == 0 || size > SLAB_MAX_BYTES || a > PAGE_SIZE ||
	    PAGE_SIZE % a != 0) {
		return false;
	}
	if (a < SLAB_MIN_ALIGN) {
		a = SLAB_MIN_ALIGN;
	}
	s = slab_round_up(size, a);
	/*@ assert 1 <= s / a && s % a == 0; */
	if (s > SLAB_MAX_BYTES) {
		return false;
	}
	*stride = s;
	*order = slab_pick_order(s);
	bytes = order_bytes(*order);
	/*@ assert SLAB_MIN_ALIGN <= s <= bytes <= SLAB_MAX_BYTES; */
	*objs = bytes / s;
	/*@ assert bytes == fc_slab_bytes(*order); */
	/*@ assert *objs * s <= bytes; */
	/*@ assert *objs * *stride <= fc_slab_bytes(*order); */
	/*@ assert 1 <= *objs <= bytes / SLAB_MIN_ALIGN; */
	return true;
}

/*
 * Offset in its slab of object `idx` of `cache`: the start of the slab
 * plus `idx` strides, and the whole object lies inside the slab.
 */
/*@ requires \valid_read(cache);
    requires cache->order <= SLAB_MAX_ORDER;
    requires layout: cache->objs * cache->stride <=
      fc_slab_bytes(cache->order);
    requires index: idx < cache->objs;
    terminates \true;
    assigns \nothing;
    ensures \result == idx * cache->stride;
    ensures inside: \result + cache->stride <= fc_slab_bytes(cache->order);
 */
static inline size_t slab_obj_offset(const struct slab_cache *cache, size_t idx)
{
	/*@ assert (idx + 1) * cache->stride <= cache->objs * cache->stride; */
	return idx * cache->stride;
}

/*
 * The index of the object of `cache` that starts `off` bytes into its
 * slab, or SLAB_END if no object starts there.
 */
/*@ requires \valid_read(cache);
    requires cache->stride >= 1;
    terminates \true;
    assigns \nothing;
    ensures found: \result != SLAB_END ==>
      \result < cache->objs && off == \result * cache->stride;
    ensures not_found: \result == SLAB_END <==>
      (off % cache->stride != 0 || off / cache->stride >= cache->objs);
 */
static inline uint16_t slab_obj_index(const struct slab_cache *cache,
				      size_t off)
{
	if (off % cache->stride != 0 || off / cache->stride >= cache->objs) {
		return SLAB_END;
	}
	return (uint16_t)(off / cache->stride);
}

/* True if `next` may follow on `slab`'s free list: the end or an object
 * handed out before (a free object's header was not overwritten). */
/*@ requires \valid_read(slab);
    terminates \true;
    assigns \nothing;
    ensures \result <==> (next == SLAB_END || next < slab->slab_fresh);
 */
static inline bool slab_link_ok(const struct page_desc *slab, uint16_t next)
{
	return next == SLAB_END || next < slab->slab_fresh;
}

/* Put object `idx` (at `f`), handed out before, first on `slab`'s list. */
/*@ requires \valid(slab) && \valid(f) && \separated(slab, f);
    requires index: idx < slab->slab_fresh;
    requires list: slab->slab_free == SLAB_END ||
      slab->slab_free < slab->slab_fresh;
    terminates \true;
    assigns slab->slab_free, *f;
    ensures slab->slab_free == idx;
    ensures link: f->next == \old(slab->slab_free) &&
      (f->next == SLAB_END || f->next < slab->slab_fresh);
    ensures magic: f->magic == SLAB_FREE_MAGIC && f->pad == 0;
 */
static inline void slab_free_push(struct page_desc *slab,
				  struct slab_free_obj *f, uint16_t idx)
{
	f->next = slab->slab_free;
	f->pad = 0;
	f->magic = SLAB_FREE_MAGIC;
	slab->slab_free = idx;
}

/*
 * Take the first object (at `f`) off `slab`'s free list: true, or false
 * (nothing changed) if its header was overwritten since its free: the
 * magic is gone or the link points past the objects handed out.
 */
/*@ requires \valid(slab) && \valid(f) && \separated(slab, f);
    terminates \true;
    assigns slab->slab_free, f->magic;
    behavior taken:
      assumes f->magic == SLAB_FREE_MAGIC &&
        (f->next == SLAB_END || f->next < slab->slab_fresh);
      assigns slab->slab_free, f->magic;
      ensures \result == \true;
      ensures slab->slab_free == f->next;
      ensures link: slab->slab_free == SLAB_END ||
        slab->slab_free < slab->slab_fresh;
      ensures magic: f->magic == 0;
    behavior overwritten:
      assumes f->magic != SLAB_FREE_MAGIC ||
        (f->next != SLAB_END && f->next >= slab->slab_fresh);
      assigns \nothing;
      ensures \result == \false;
    complete behaviors;
    disjoint behaviors;
 */
static inline bool slab_free_pop(struct page_desc *slab,
				 struct slab_free_obj *f)
{
	if (f->magic != SLAB_FREE_MAGIC || !slab_link_ok(slab, f->next)) {
		return false;
	}
	slab->slab_free = f->next;
	f->magic = 0;
	return true;
}

/*
 * The cache's counters against its slabs, for ghost counts of what its
 * lists hold: `full` slabs (all `objs` objects handed out, on no list),
 * `partial` slabs on the partial list holding `held` objects handed out in
 * all, and the spare (empty) slab. `inuse` is the number of objects handed
 * out, `slabs` the number of slabs.
 */
/*@ predicate fc_slab_counts(struct slab_cache *c, integer full,
                             integer partial, integer held) =
      0 <= full && 0 <= partial && 0 <= held &&
      c->inuse == held + full * c->objs &&
      c->slabs == partial + full + (c->spare == \null ? 0 : 1);
 */

/*@ predicate fc_name_prefix{L}(char *name, integer i) =
      name != \null && \forall integer j; 0 <= j <= i ==> name[j] != 0;
 */

/*
 * Every field is set one by one (not memset(), whose byte view of the
 * structure WP does not follow): a field added to the structure must be
 * added here.
 */
_Static_assert(sizeof(struct slab_cache) == 104,
	       "mm_slab_init() sets every field of struct slab_cache");

/**
 * Set up `cache` for objects of `size` bytes aligned to `align`, named
 * after the first SLAB_NAME_MAX - 1 characters of `name` (NULL: no name).
 * Returns false, leaving `cache` as it was, for a size of 0 or above
 * 32 KiB, or an alignment that is not a power of two up to PAGE_SIZE.
 */
/*@ requires \valid(cache);
    requires name: name == \null || valid_read_string((char *)name);
    requires separated: \separated(cache, name + (0 .. SLAB_NAME_MAX - 2));
    assigns *cache;
    behavior accepted:
      assumes !fc_slab_rejected(size, align);
      assigns *cache;
      ensures accepted: \result == \true;
      ensures layout: cache->size == size &&
        cache->stride == fc_slab_stride(size, align) &&
        cache->order <= SLAB_MAX_ORDER &&
        cache->stride <= fc_slab_bytes(cache->order) &&
        cache->objs == fc_slab_bytes(cache->order) / cache->stride &&
        1 <= cache->objs &&
        cache->objs * cache->stride <= fc_slab_bytes(cache->order);
      ensures empty: cache->partial == \null && cache->spare == \null &&
        cache->list_next == \null && cache->list_prev == \null;
      ensures counters: cache->inuse == 0 && cache->slabs == 0 &&
        cache->attempts == 0 && cache->is_static == \false;
      ensures counts: fc_slab_counts(cache, 0, 0, 0);
      ensures eight: cache->stride % 8 == 0;
      ensures name_copied: \forall integer i; 0 <= i < SLAB_NAME_MAX - 1 &&
        fc_name_prefix((char *)name, i) ==> cache->name[i] == name[i];
      ensures name_ended: \forall integer i; 0 <= i < SLAB_NAME_MAX &&
        !fc_name_prefix((char *)name, i) ==> cache->name[i] == 0;
      ensures nul: cache->name[SLAB_NAME_MAX - 1] == 0;
      ensures name_kept: \forall integer i; 0 <= i < SLAB_NAME_MAX - 1 ==>
        name[i] == \at(name[i], Pre);
    behavior rejected:
      assumes fc_slab_rejected(size, align);
      assigns \nothing;
      ensures rejected: \result == \false;
    complete behaviors;
    disjoint behaviors;
 */
bool mm_slab_init(struct slab_cache *cache, const char *name, size_t size,
		  size_t align)
{
	size_t stride, objs, len = 0;
	unsigned int order;

	if (!slab_layout(size, align, &stride, &order, &objs)) {
		return false;
	}
	spin_lock_init(&cache->lock);
	/* The layout; not a kmalloc() size class (kmalloc.c sets that). */
	cache->size = size;
	cache->stride = stride;
	cache->order = (uint8_t)order;
	cache->objs = (uint16_t)objs; /* at most 4096 (slab_layout()) */
	cache->is_static = false;
	/* No slab yet, nothing handed out or attempted. */
	cache->partial = NULL;
	cache->spare = NULL;
	cache->inuse = 0;
	cache->slabs = 0;
	cache->attempts = 0;
	/* On no list of caches until mm_slab_register(). */
	cache->list_next = NULL;
	cache->list_prev = NULL;
	/*@ loop invariant 0 <= len <= SLAB_NAME_MAX - 1;
	    loop invariant len > 0 ==> name != \null;
	    loop invariant \forall integer i; 0 <= i < len ==>
	      cache->name[i] == name[i] && name[i] != 0;
	    loop assigns len, cache->name[0 .. SLAB_NAME_MAX - 2];
	    loop variant SLAB_NAME_MAX - len;
	 */
	while (name && len < SLAB_NAME_MAX - 1 && name[len] != '\0') {
		cache->name[len] = name[len];
		len++;
	}
	/*@ assert name_end: name == \null || len == SLAB_NAME_MAX - 1 ||
	      name[len] == 0; */
	/* The rest of the name, its terminator included, is NUL. */
	/*@ loop invariant \at(len, LoopEntry) <= len <= SLAB_NAME_MAX;
	    loop invariant \forall integer i; 0 <= i < \at(len, LoopEntry) ==>
	      cache->name[i] == name[i] && name[i] != 0;
	    loop invariant \forall integer i;
	      \at(len, LoopEntry) <= i < len ==> cache->name[i] == 0;
	    loop invariant name == \null ||
	      \at(len, LoopEntry) == SLAB_NAME_MAX - 1 ||
	      name[\at(len, LoopEntry)] == 0;
	    loop assigns len, cache->name[0 .. SLAB_NAME_MAX - 1];
	    loop variant SLAB_NAME_MAX - len;
	 */
	while (len < SLAB_NAME_MAX) {
		cache->name[len++] = '\0';
	}
	/*@ assert cache->order == order && cache->objs == objs &&
	      cache->stride == stride && cache->size == size; */
	return true;
}

/*
 * The partial list's links around `slab`, as partial_del() follows them:
 * first on the list when it has no predecessor, its neighbours other
 * descriptors.
 */
/*@ predicate fc_partial_linked(struct slab_cache *c, struct page_desc *s) =
      (s->prev == \null ==> c->partial == s) &&
      \separated(c, s) &&
      (s->prev != \null ==> \valid(s->prev) && \separated(s->prev, s, c)) &&
      (s->next != \null ==> \valid(s->next) && \separated(s->next, s, c)) &&
      (s->prev != \null && s->next != \null ==> \separated(s->prev, s->next));
 */

/* Put `slab` first on `cache`'s partial list. */
/*@ requires \valid(cache) && \valid(slab) && \separated(cache, slab);
    requires head: cache->partial == \null ||
      (\valid(cache->partial) && \separated(cache->partial, slab, cache));
    terminates \true;
    assigns slab->prev, slab->next, cache->partial, cache->partial->prev;
    ensures cache->partial == slab && slab->prev == \null &&
      slab->next == \old(cache->partial);
    ensures linked: fc_partial_linked(cache, slab);
 */
static void partial_push(struct slab_cache *cache, struct page_desc *slab)
{
	slab->prev = NULL;
	slab->next = cache->partial;
	if (slab->next) {
		slab->next->prev = slab;
	}
	cache->partial = slab;
}

/* Take `slab` off `cache`'s partial list. */
/*@ requires \valid(cache) && \valid(slab);
    requires linked: fc_partial_linked(cache, slab);
    terminates \true;
    assigns cache->partial, slab->prev->next, slab->next->prev, slab->next,
      slab->prev;
    ensures slab->next == \null && slab->prev == \null;
    ensures head: \old(slab->prev) == \null ==>
      cache->partial == \old(slab->next);
    ensures kept: \old(slab->prev) != \null ==>
      cache->partial == \old(cache->partial);
 */
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

/*
 * Empty `slab` joins `cache`'s partial list: the spare slab (`spare`: no
 * longer kept aside) or a new one (then counted). Under the cache lock.
 */
/*@ requires \valid(cache) && \valid(slab) && \separated(cache, slab);
    requires empty: slab->slab_inuse == 0;
    requires head: cache->partial == \null ||
      (\valid(cache->partial) && \separated(cache->partial, slab, cache));
    requires spare: spare != 0 ==> cache->spare == slab;
    requires new: spare == 0 ==>
      cache->spare != slab && cache->slabs < SIZE_MAX;
    terminates \true;
    assigns slab->prev, slab->next, cache->partial, cache->partial->prev,
      cache->spare, cache->slabs;
    ensures cache->partial == slab && fc_partial_linked(cache, slab);
    ensures spared: spare != 0 ==>
      cache->spare == \null && cache->slabs == \old(cache->slabs);
    ensures added: spare == 0 ==> cache->spare == \old(cache->spare) &&
      cache->slabs == \old(cache->slabs) + 1;
    ensures counts: \forall integer full, partial, held;
      fc_slab_counts{Pre}(cache, full, partial, held) ==>
      fc_slab_counts(cache, full, partial + 1, held);
 */
static inline void slab_to_partial(struct slab_cache *cache,
				   struct page_desc *slab, bool spare)
{
	partial_push(cache, slab);
	if (spare) {
		cache->spare = NULL;
	} else {
		cache->slabs++;
	}
}

/* Take `cache`'s spare slab away, to release it. Under the cache lock. */
/*@ requires \valid(cache) && cache->spare != \null;
    requires counted: 1 <= cache->slabs;
    terminates \true;
    assigns cache->spare, cache->slabs;
    ensures \result == \old(cache->spare) && cache->spare == \null;
    ensures cache->slabs == \old(cache->slabs) - 1;
    ensures counts: \forall integer full, partial, held;
      fc_slab_counts{Pre}(cache, full, partial, held) ==>
      fc_slab_counts(cache, full, partial, held);
 */
static inline struct page_desc *slab_spare_take(struct slab_cache *cache)
{
	struct page_desc *spare = cache->spare;

	cache->spare = NULL;
	cache->slabs--;
	return spare;
}

/*
 * The bookkeeping of an object just taken from `slab`, on the partial
 * list: one more in use in the slab and in the cache; a slab now full
 * leaves the partial list. Under the cache lock.
 */
/*@ requires \valid(cache) && \valid(slab);
    requires partial: slab->slab_inuse < cache->objs;
    requires linked: fc_partial_linked(cache, slab);
    requires room: cache->inuse < SIZE_MAX;
    terminates \true;
    assigns slab->slab_inuse, cache->inuse, cache->partial, slab->prev->next,
      slab->next->prev, slab->next, slab->prev;
    ensures slab->slab_inuse == \old(slab->slab_inuse) + 1;
    ensures inuse: cache->inuse == \old(cache->inuse) + 1;
    ensures full: slab->slab_inuse == cache->objs ==>
      slab->next == \null && slab->prev == \null;
    ensures still_partial: slab->slab_inuse < cache->objs ==>
      cache->partial == \old(cache->partial) &&
      slab->next == \old(slab->next) && slab->prev == \old(slab->prev);
    ensures counts_full: \forall integer full, partial, held;
      fc_slab_counts{Pre}(cache, full, partial, held) && 1 <= partial &&
      \at(slab->slab_inuse, Pre) <= held &&
      slab->slab_inuse == cache->objs ==>
      fc_slab_counts(cache, full + 1, partial - 1,
                     held - \at(slab->slab_inuse, Pre));
    ensures counts_partial: \forall integer full, partial, held;
      fc_slab_counts{Pre}(cache, full, partial, held) &&
      slab->slab_inuse < cache->objs ==>
      fc_slab_counts(cache, full, partial, held + 1);
 */
static inline void slab_took(struct slab_cache *cache, struct page_desc *slab)
{
	slab->slab_inuse++;
	if (slab->slab_inuse == cache->objs) {
		partial_del(cache, slab);
	}
	cache->inuse++;
}

/*
 * The bookkeeping of an object of `head` just put back: one less in use in
 * the slab and in the cache; a slab that was full joins the partial list,
 * one now empty leaves it and becomes the spare, or, if there is one
 * already, is returned for release (no longer counted). Under the cache
 * lock.
 */
/*@ requires \valid(cache) && \valid(head);
    requires used: 1 <= head->slab_inuse <= cache->objs;
    requires room: 1 <= cache->inuse;
    requires was_full: head->slab_inuse == cache->objs ==>
      \separated(cache, head) && (cache->partial == \null ||
       (\valid(cache->partial) && \separated(cache->partial, head, cache)));
    requires was_partial: head->slab_inuse < cache->objs ==>
      fc_partial_linked(cache, head);
    requires spare: cache->spare != head;
    requires slabs: head->slab_inuse == 1 && cache->spare != \null ==>
      1 <= cache->slabs;
    terminates \true;
    assigns head->slab_inuse, cache->inuse, cache->slabs, cache->spare,
      cache->partial, cache->partial->prev, head->prev->next,
      head->next->prev, head->next, head->prev;
    ensures head->slab_inuse == \old(head->slab_inuse) - 1;
    ensures inuse: cache->inuse == \old(cache->inuse) - 1;
    ensures released: \result != \null ==> \result == head &&
      head->slab_inuse == 0 && cache->spare == \old(cache->spare) &&
      head->next == \null && head->prev == \null;
    ensures spared: \result == \null && head->slab_inuse == 0 ==>
      cache->spare == head && \old(cache->spare) == \null &&
      head->next == \null && head->prev == \null;
    ensures partial: head->slab_inuse > 0 ==> \result == \null &&
      fc_partial_linked(cache, head) && cache->spare == \old(cache->spare);
    ensures counts_full: \forall integer full, partial, held;
      fc_slab_counts{Pre}(cache, full, partial, held) && 1 <= full &&
      \at(head->slab_inuse, Pre) == cache->objs ==>
      fc_slab_counts(cache, full - 1, partial + (head->slab_inuse > 0 ? 1 : 0),
                     held + head->slab_inuse);
    ensures counts_partial: \forall integer full, partial, held;
      fc_slab_counts{Pre}(cache, full, partial, held) && 1 <= partial &&
      \at(head->slab_inuse, Pre) <= held &&
      \at(head->slab_inuse, Pre) < cache->objs ==>
      fc_slab_counts(cache, full, partial - (head->slab_inuse == 0 ? 1 : 0),
                     held - 1);
 */
static inline struct page_desc *slab_put_back(struct slab_cache *cache,
					      struct page_desc *head)
{
	struct page_desc *release = NULL;

	if (head->slab_inuse == cache->objs) {
		partial_push(cache, head); /* it was full */
	}
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
	return release;
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
		obj = base + slab_obj_offset(cache, slab->slab_free);
		if (!slab_free_pop(slab, (struct slab_free_obj *)obj)) {
			slab_overwritten(cache, obj);
		}
	} else {
		CHECK(slab->slab_fresh < cache->objs);
		obj = base + slab_obj_offset(cache, slab->slab_fresh);
		slab->slab_fresh++;
		/* Slab pages are not zeroed: clear any stale free magic. */
		mm_unpoison(obj, sizeof(struct slab_free_obj));
		((struct slab_free_obj *)obj)->magic = 0;
	}
	slab_took(cache, slab);
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
		slab_to_partial(cache, cache->spare, true);
	}
	if (!cache->partial) {
		spin_unlock(&cache->lock);
		slab = slab_new(cache);
		if (!slab) {
			return NULL;
		}
		spin_lock(&cache->lock);
		slab_to_partial(cache, slab, false);
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
						   slab_obj_offset(cache, cur));
		if (!slab_link_ok(slab, f->next)) {
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
	size_t off = mm_addr_bits(obj, slab_bytes(cache) - 1);
	struct page_desc *release;
	struct slab_free_obj *f = obj;
	uint16_t idx;

	if (head->state != PAGE_STATE_SLAB || head->cache != cache) {
		mm_bad_free("free to the wrong cache", obj);
	}
	idx = slab_obj_index(cache, off);
	if (idx == SLAB_END) {
		mm_bad_free("free of a misaligned object", obj);
	}
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
	slab_free_push(head, f, idx);
	release = slab_put_back(cache, head);
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
			struct page_desc *spare = slab_spare_take(cache);

			spare->next = list;
			list = spare;
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
