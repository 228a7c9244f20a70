// SPDX-License-Identifier: MIT
/*
 * EVA harness for the slab caches (svsm/mm/slab.c): a cache of one of a
 * few layouts (one state each), then a sequence of allocations and frees
 * whose every choice (which slot, a plain or a wiping free, whether the
 * page allocator has a block left, what the user stores in an object) is
 * unknown. Every object handed out must lie inside a slab the cache holds,
 * be aligned as asked and a whole number of strides from its slab's start,
 * and not overlap another object held; the counters must match what is
 * held; a free of an object held must never reach panic().
 *
 * The page allocator is a pool of FC_SLAB_BLOCKS blocks of the largest slab
 * size, each naturally aligned, with one descriptor per page: the contracts
 * of verify/fc_slab.h, which EVA checks on these bodies.
 */
#include "fc_slab.h"

#define FC_SLAB_BLOCKS 3
#define FC_SLAB_SLOTS 3
#define FC_SLAB_STEPS 8
#define FC_SLAB_PAGES (FC_SLAB_BLOCKS << SLAB_MAX_ORDER)
/* slab.c's free-object magic, which a user's data may hold too. */
#define FC_SLAB_FREE_MAGIC 0x5ab1f4eeU

static uint8_t fc_pool[FC_SLAB_BLOCKS * FC_SLAB_BLOCK]
	__attribute__((aligned(FC_SLAB_BLOCK)));
static struct page_desc fc_desc[FC_SLAB_PAGES];
static bool fc_held[FC_SLAB_BLOCKS];

#if defined(__FRAMAC__) /* elsewhere (the linters) internal.h defines it */
/* The pool is aligned to its blocks: its offsets have the address's bits. */
uintptr_t mm_addr_bits(const void *p, uintptr_t mask)
{
	return (uintptr_t)((const uint8_t *)p - fc_pool) & mask;
}
#endif

void *mm_pages_get(unsigned int order, enum page_state state,
		   unsigned int flags)
{
	int b;

	(void)flags;
	if (Frama_C_interval(0, 1)) {
		return NULL; /* no memory left: at any call */
	}
	for (b = 0; b < FC_SLAB_BLOCKS; b++) {
		if (!fc_held[b]) {
			fc_held[b] = true;
			fc_desc[b << SLAB_MAX_ORDER].state = (uint8_t)state;
			fc_desc[b << SLAB_MAX_ORDER].order = (uint8_t)order;
			return fc_pool + (size_t)b * FC_SLAB_BLOCK;
		}
	}
	return NULL;
}

void mm_pages_put(void *va, unsigned int order, enum page_state state)
{
	size_t off = (size_t)((uint8_t *)va - fc_pool);
	size_t b = off / FC_SLAB_BLOCK;

	/*@ assert fc_page_free: off % FC_SLAB_BLOCK == 0 &&
		b < FC_SLAB_BLOCKS && fc_held[b] &&
		fc_desc[b << SLAB_MAX_ORDER].state == state &&
		fc_desc[b << SLAB_MAX_ORDER].order == order; */
	fc_held[b] = false;
	fc_desc[b << SLAB_MAX_ORDER].state = PAGE_STATE_NONE;
}

struct page_desc *mm_page_desc(const void *va)
{
	const uint8_t *p = va;

	if (p < fc_pool || p >= fc_pool + sizeof(fc_pool)) {
		return NULL;
	}
	return &fc_desc[(size_t)(p - fc_pool) / PAGE_SIZE];
}

void *mm_desc_va(const struct page_desc *desc)
{
	return fc_pool + (size_t)(desc - fc_desc) * PAGE_SIZE;
}

/* The layouts: many objects per page; two per page; multi-page slabs of
 * five (tail descriptors); one object per 8-page slab (full at once). */
static const size_t fc_size[] = { 24, 2000, 3000, 20000 };
static const size_t fc_align[] = { 0, 0, 64, 4096 };
#define FC_SLAB_LAYOUTS (sizeof(fc_size) / sizeof(fc_size[0]))

/* The checks on an object just handed out in `slot[k]`. */
static void fc_check_new(const struct slab_cache *cache, size_t align,
			 uint8_t *const slot[FC_SLAB_SLOTS], int k)
{
	/* Ghost: only the assertions read them. */
	//@ ghost size_t off = (size_t)(slot[k] - fc_pool);
	//@ ghost size_t b = off / FC_SLAB_BLOCK;
	//@ ghost size_t in = off % FC_SLAB_BLOCK;
	/*@ assert fc_in_slab: b < FC_SLAB_BLOCKS && fc_held[b] &&
		in + cache->size <= PAGE_SIZE * (1 << cache->order); */
	/*@ assert fc_stride: in % cache->stride == 0; */
	/*@ assert fc_aligned: off % align == 0; */
	for (int j = 0; j < FC_SLAB_SLOTS; j++) {
		if (j != k && slot[j] != NULL) {
			/*@ assert fc_disjoint: \separated(
				slot[k] + (0 .. cache->size - 1),
				slot[j] + (0 .. cache->size - 1)); */
		}
	}
}

/*
 * The counters agree with what the harness holds: objects in use in the
 * cache and in each slab, slabs owned (the blocks held from the pool).
 */
static void fc_check_counts(const struct slab_cache *cache,
			    uint8_t *const slot[FC_SLAB_SLOTS])
{
	size_t objs = 0, blocks = 0;

	for (int b = 0; b < FC_SLAB_BLOCKS; b++) {
		uint16_t in_block = 0;

		for (int j = 0; j < FC_SLAB_SLOTS; j++) {
			if (slot[j] != NULL &&
			    (size_t)(slot[j] - fc_pool) / FC_SLAB_BLOCK ==
				    (size_t)b) {
				in_block++;
			}
		}
		if (fc_held[b]) {
			blocks++;
			/*@ assert fc_slab_inuse:
				fc_desc[b << SLAB_MAX_ORDER].slab_inuse ==
				in_block; */
		}
		objs += in_block;
	}
	/*@ assert fc_inuse: cache->inuse == objs; */
	/*@ assert fc_slabs: cache->slabs == blocks; */
}

/*
 * The object's user may store anything, also what looks like a free
 * object's header (the first 8 bytes: a next index, the free magic): its
 * free must then walk the free list, find it absent and go on.
 */
static void fc_user_write(uint8_t *obj)
{
	uint16_t next = (uint16_t)Frama_C_interval(0, 0xffff);
	uint32_t magic = Frama_C_interval(0, 1) ? FC_SLAB_FREE_MAGIC : 0;

	memcpy(obj, &next, sizeof(next));
	memcpy(obj + 4, &magic, sizeof(magic));
}

/*
 * mm_slab_init() with any size up to 64 KiB or within 8 KiB of SIZE_MAX and
 * any alignment up to 8 KiB: a rejected one leaves the cache as it was;
 * an accepted one starts empty, with a slab order in range and its name.
 */
static void fc_check_init(void)
{
	static struct slab_cache scratch;
	size_t size = Frama_C_interval(0, 1) ?
			      (size_t)Frama_C_interval(0, 1 << 16) :
			      SIZE_MAX - (size_t)Frama_C_interval(0, 1 << 13);
	size_t align = (size_t)Frama_C_interval(0, 1 << 13);

	scratch.size = 0x5a;
	scratch.stride = 0x5a;
	scratch.order = 0x5a;
	scratch.objs = 0x5a;
	scratch.inuse = 0x5a;
	scratch.name[0] = 'x';
	if (!mm_slab_init(&scratch, "scratch", size, align)) {
		/*@ assert fc_init_rejected: scratch.size == 0x5a &&
			scratch.stride == 0x5a && scratch.order == 0x5a &&
			scratch.objs == 0x5a && scratch.inuse == 0x5a &&
			scratch.name[0] == 'x'; */
		return;
	}
	/* (Its size and object count are WP's: slab_layout().) */
	/*@ assert fc_init_accepted: scratch.order <= SLAB_MAX_ORDER &&
		scratch.inuse == 0 && scratch.slabs == 0 &&
		scratch.partial == \null && scratch.spare == \null &&
		scratch.name[0] == 's'; */
}

/*
 * Free `obj` as slab_free() does, or as kfree_sensitive() does: the head
 * descriptor found from any page of the slab, the whole stride wiped.
 */
static void fc_free(struct slab_cache *cache, uint8_t *obj)
{
	struct page_desc *head;

	if (Frama_C_interval(0, 1)) {
		slab_free(cache, obj);
		return;
	}
	head = mm_page_desc(obj);
	if (head->state == PAGE_STATE_SLAB_TAIL) {
		head = head->head;
	}
	mm_slab_put(cache, head, obj, true);
}

int main(void)
{
	static struct slab_cache cache;
	uint8_t *slot[FC_SLAB_SLOTS] = { NULL };
	int layout = Frama_C_interval(0, FC_SLAB_LAYOUTS - 1);
	size_t align;

	fc_check_init();
	//@ split layout;
	align = fc_align[layout] ? fc_align[layout] : 8;
	if (!mm_slab_init(&cache, "eva", fc_size[layout], fc_align[layout])) {
		return 1;
	}
	mm_slab_register(&cache); /* mm_shrink() takes its spare slab */
	for (int step = 0; step < FC_SLAB_STEPS; step++) {
		int k = Frama_C_interval(0, FC_SLAB_SLOTS - 1);

		//@ split k;
		if (slot[k] != NULL) {
			fc_free(&cache, slot[k]);
			slot[k] = NULL;
			fc_check_counts(&cache, slot);
			continue;
		}
		slot[k] = mm_slab_get(&cache, cache.size, true);
		if (slot[k] != NULL) {
			fc_check_new(&cache, align, slot, k);
			fc_user_write(slot[k]);
		}
		fc_check_counts(&cache, slot);
	}
	return 0;
}
