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
 *
 * Inside a region everything is a page index from its first usable page
 * (pointer differences, never integer addresses): `make verify-mm` can
 * then bound every access. Natural alignment is kept by `skew`, the first
 * usable page's number modulo 2^PAGE_ORDER_MAX, read once from the address.
 */
#include <stdatomic.h>
#include <string.h>

#include "svsm/log.h"
#include "internal.h"

#define MM_REGION_MAX 32

/** A range of pages given to the allocator. */
struct mm_region {
	uint8_t *start;		/* first byte (descriptors live here) */
	uint8_t *usable;	/* first allocatable page */
	uint8_t *end;		/* one past the last page */
	size_t pages;		/* pages in [usable, end) */
	size_t skew;		/* usable's page number % 2^PAGE_ORDER_MAX */
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

/*
 * make verify-mm proves the contracts written here (docs/VERIFICATION.md).
 * fc_pow2(k) is 2^k for the orders the allocator uses, as a table: the
 * provers cannot reason about a variable shift, but they can about this.
 */
/*@ logic integer fc_pow2(integer k) =
      k == 0 ? 1 : k == 1 ? 2 : k == 2 ? 4 : k == 3 ? 8 : k == 4 ? 16 :
      k == 5 ? 32 : k == 6 ? 64 : k == 7 ? 128 : k == 8 ? 256 :
      k == 9 ? 512 : 1024;
 */

/* Pages per block of each order; a table for the provers (see above). */
static const size_t order_pages[PAGE_ORDER_MAX + 1] = {
	1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024,
};
_Static_assert(PAGE_ORDER_MAX == 10, "order_pages[] and fc_pow2 list 0..10");

/** Pages of a block of `order` (0 for an order beyond PAGE_ORDER_MAX). */
/*@ terminates \true;
    assigns \nothing;
    ensures order <= PAGE_ORDER_MAX ==> \result == fc_pow2(order);
    ensures order <= PAGE_ORDER_MAX ==> 1 <= \result <= 1024;
    ensures order > PAGE_ORDER_MAX ==> \result == 0;
 */
static inline size_t block_pages(unsigned int order)
{
	return order <= PAGE_ORDER_MAX ? order_pages[order] : 0;
}

/*@ terminates \true;
    assigns \nothing;
    ensures order <= PAGE_ORDER_MAX ==> \result == 4096 * fc_pow2(order);
 */
static inline size_t block_bytes(unsigned int order)
{
	return block_pages(order) * PAGE_SIZE;
}

/* No buddy (buddy_index()). */
#define NO_BUDDY SIZE_MAX

/*@ logic integer fc_buddy(integer skew, integer pages, integer i,
			 integer order) =
      order >= PAGE_ORDER_MAX || skew >= fc_pow2(PAGE_ORDER_MAX) ||
      pages > SIZE_MAX / 4 || i >= pages || pages - i < fc_pow2(order) ||
      (skew + i) % fc_pow2(order) != 0 ? NO_BUDDY :
      ((skew + i) / fc_pow2(order)) % 2 == 0 ?
	(pages - i < 2 * fc_pow2(order) ? NO_BUDDY : i + fc_pow2(order)) :
	(i < fc_pow2(order) ? NO_BUDDY : i - fc_pow2(order));
 */

/*
 * The buddy of the block of `order` at page `i` of a region of `pages`
 * pages whose first page has number `skew` modulo 2^PAGE_ORDER_MAX: the
 * other half of the block of order + 1 holding it. NO_BUDDY if that half
 * is not inside the region, or if the block itself is not a naturally
 * aligned block inside it (checked here: the contract needs no
 * precondition, so make verify-mm proves it for every caller).
 */
/*@ terminates \true;
    assigns \nothing;
    ensures exact: \result == fc_buddy(skew, pages, i, order);
    ensures valid_block: \result != NO_BUDDY ==>
      order < PAGE_ORDER_MAX && skew < fc_pow2(PAGE_ORDER_MAX) &&
      i < pages && pages - i >= fc_pow2(order) &&
      (skew + i) % fc_pow2(order) == 0;
    ensures adjacent: \result != NO_BUDDY ==>
      (\result == i + fc_pow2(order) || \result + fc_pow2(order) == i);
    ensures inside: \result != NO_BUDDY ==> \result + fc_pow2(order) <= pages;
    ensures pair_lower_even: \result != NO_BUDDY ==>
      ((skew + (\result < i ? \result : i)) / fc_pow2(order)) % 2 == 0;
    ensures not_found: \result == NO_BUDDY && order < PAGE_ORDER_MAX &&
      skew < fc_pow2(PAGE_ORDER_MAX) && i < pages <= SIZE_MAX / 4 &&
      pages - i >= fc_pow2(order) && (skew + i) % fc_pow2(order) == 0 ==>
      (((skew + i) / fc_pow2(order)) % 2 == 0 ?
	 pages - i < 2 * fc_pow2(order) : i < fc_pow2(order));
 */
static size_t buddy_index(size_t skew, size_t pages, size_t i,
			  unsigned int order)
{
	size_t n = block_pages(order);

	if (order >= PAGE_ORDER_MAX || skew >= block_pages(PAGE_ORDER_MAX) ||
	    pages > SIZE_MAX / 4 || i >= pages || pages - i < n ||
	    (skew + i) % n != 0) {
		return NO_BUDDY;
	}
	if (((skew + i) / n) % 2 == 0) {
		return pages - i < 2 * n ? NO_BUDDY : i + n; /* upper half */
	}
	return i < n ? NO_BUDDY : i - n; /* lower half */
}

static const struct mm_region *region_of_va(const uint8_t *va)
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

		if (desc >= r->desc && desc < r->desc + r->pages) {
			return r;
		}
	}
	return NULL;
}

/** The descriptor of the page holding `va`, or NULL outside every region. */
struct page_desc *mm_page_desc(const void *va)
{
	const struct mm_region *r = region_of_va(va);

	if (!r) {
		return NULL;
	}
	return &r->desc[(size_t)((const uint8_t *)va - r->usable) / PAGE_SIZE];
}

/** The address of the page `desc` describes. */
void *mm_desc_va(const struct page_desc *desc)
{
	const struct mm_region *r = region_of_desc(desc);

	if (!r) {
		mm_bad_free("descriptor outside every region", desc);
	}
	return r->usable + (size_t)(desc - r->desc) * PAGE_SIZE;
}

/** Panic on a free of something that was not allocated that way. */
__attribute__((noreturn)) void mm_bad_free(const char *what, const void *ptr)
{
	panic("mm: %s: %p", what, ptr);
}

/*
 * The list helpers' contracts (make verify-mm-eva: WP proves each body for
 * every state the preconditions allow, EVA checks the preconditions at
 * every call of the harness's operation sequences). A list is well formed
 * locally: its head has no prev, and a neighbour's link points back.
 *
 * fc_linked(d, o): the free block at d is linked into free_list[o] as
 * list_del() needs it: the head when it has no prev, each neighbour a free
 * block of order o whose link points back, the two neighbours distinct,
 * the block counted. fc_free_wf(desc, pages, lo, hi): every free block of
 * an order in [lo, hi] among the region's descriptors is. Each follows
 * from the free lists being well formed (acyclic, doubly linked through
 * free heads of their order, counted by free_blocks[]), and block_merge()
 * needs them from its caller and keeps them for every order it does not
 * merge at, whatever the state.
 */
/*@ predicate fc_apart(struct page_desc *d) =
      \separated(d + (..), free_list + (..), free_blocks + (..));
    predicate fc_neighbour(struct page_desc *n, integer o) =
      \valid(n) && fc_apart(n) && n->state == PAGE_STATE_FREE &&
      n->order == o;
    predicate fc_linked(struct page_desc *d, integer o) =
      0 <= o <= PAGE_ORDER_MAX && free_blocks[o] >= 1 &&
      (d->prev == \null ==> free_list[o] == d) &&
      (d->prev != \null ==> fc_neighbour(d->prev, o) &&
	 d->prev->next == d && \separated(d, d->prev)) &&
      (d->next != \null ==> fc_neighbour(d->next, o) &&
	 d->next->prev == d && \separated(d, d->next)) &&
      (d->prev != \null && d->next != \null ==>
	 \separated(d->prev, d->next));
    predicate fc_sep_eq(struct page_desc *a, struct page_desc *b) =
      a == \null || b == \null || a == b || \separated(a, b);
    predicate fc_links_apart(struct page_desc *n, struct page_desc *e) =
      fc_sep_eq(n, e->next) && fc_sep_eq(n, e->prev) && fc_sep_eq(n, e);
    predicate fc_apart_pair(struct page_desc *d, struct page_desc *e) =
      fc_sep_eq(d->prev, e) && fc_sep_eq(d->next, e) &&
      fc_sep_eq(d->prev, e->prev) && fc_sep_eq(d->prev, e->next) &&
      fc_sep_eq(d->next, e->prev) && fc_sep_eq(d->next, e->next);
    predicate fc_kept(struct page_desc *desc, integer j, integer lo,
		      integer hi) =
      desc[j].state == PAGE_STATE_FREE && desc[j].order <= PAGE_ORDER_MAX &&
      !(lo <= desc[j].order < hi);
    predicate fc_free_linked(struct page_desc *desc, integer pages,
			     integer lo, integer hi) =
      \forall integer j; 0 <= j < pages ==> fc_kept(desc, j, lo, hi) ==>
	fc_linked(desc + j, desc[j].order);
    predicate fc_free_sep(struct page_desc *desc, integer pages, integer lo,
			  integer hi) =
      \forall integer j, k; 0 <= j < pages && 0 <= k < pages ==>
	fc_kept(desc, j, lo, hi) && fc_kept(desc, k, lo, hi) ==>
	fc_apart_pair(desc + j, desc + k);
    predicate fc_unchanged{L1, L2}(struct page_desc *d) =
      \at(d->next, L1) == \at(d->next, L2) &&
      \at(d->prev, L1) == \at(d->prev, L2) &&
      \at(d->state, L1) == \at(d->state, L2) &&
      \at(d->order, L1) == \at(d->order, L2);
    predicate fc_free_wf(struct page_desc *desc, integer pages, integer lo,
			 integer hi) =
      fc_free_linked(desc, pages, lo, hi) && fc_free_sep(desc, pages, lo, hi);
    predicate fc_frame{L1, L2}(struct page_desc *desc, integer pages,
			     integer lo, integer hi) =
      \forall integer j; 0 <= j < pages ==> fc_kept{L2}(desc, j, lo, hi) ==>
	fc_kept{L1}(desc, j, lo, hi) && fc_unchanged{L1, L2}(desc + j) &&
	(\at(desc[j].prev, L1) != \null ==>
	   fc_unchanged{L1, L2}(\at(desc[j].prev, L1))) &&
	(\at(desc[j].next, L1) != \null ==>
	   fc_unchanged{L1, L2}(\at(desc[j].next, L1)));
    lemma fc_sep_frame{L1, L2}: \forall struct page_desc *desc,
	integer pages, lo, hi, hi2;
      lo <= hi <= hi2 ==> fc_free_sep{L1}(desc, pages, lo, hi) ==>
      fc_frame{L1, L2}(desc, pages, lo, hi2) ==>
      fc_free_sep{L2}(desc, pages, lo, hi2);
    lemma fc_linked_frame{L1, L2}: \forall struct page_desc *desc,
	integer pages, lo, hi, hi2;
      lo <= hi <= hi2 ==> fc_free_linked{L1}(desc, pages, lo, hi) ==>
      fc_frame{L1, L2}(desc, pages, lo, hi2) ==>
      (\forall integer o; 0 <= o <= PAGE_ORDER_MAX && !(lo <= o < hi2) ==>
	 \at(free_list[o], L1) == \at(free_list[o], L2) &&
	 \at(free_blocks[o], L1) == \at(free_blocks[o], L2)) ==>
      (\forall struct page_desc *p; \valid{L1}(p) ==> \valid{L2}(p)) ==>
      fc_free_linked{L2}(desc, pages, lo, hi2);
 */
/*@ requires order <= PAGE_ORDER_MAX;
    requires \valid(desc);
    requires head: free_list[order] == \null ||
      (\valid(free_list[order]) && free_list[order]->prev == \null &&
       \separated(desc, free_list[order]));
    requires count: free_blocks[order] < SIZE_MAX;
    requires apart: \separated(desc + (..), free_list + (..),
      free_blocks + (..));
    requires head_apart: free_list[order] == \null ||
      \separated(free_list[order] + (..), free_list + (..),
        free_blocks + (..));
    terminates \true;
    assigns desc->next, desc->prev, desc->state, desc->order,
      (free_list[order] == \null ? desc : free_list[order])->prev,
      free_list[order], free_blocks[order];
    ensures pushed: free_list[order] == desc && desc->prev == \null &&
      desc->next == \old(free_list[order]);
    ensures linked: \old(free_list[order]) != \null ==>
      \old(free_list[order])->prev == desc;
    ensures free: desc->state == PAGE_STATE_FREE && desc->order == order;
    ensures counted: free_blocks[order] == \old(free_blocks[order]) + 1;
 */
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

/*@ requires order <= PAGE_ORDER_MAX;
    requires \valid(desc);
    requires head: desc->prev == \null ==> free_list[order] == desc;
    requires prev: desc->prev != \null ==> \valid(desc->prev) &&
      desc->prev->next == desc && \separated(desc, desc->prev);
    requires next: desc->next != \null ==> \valid(desc->next) &&
      desc->next->prev == desc && \separated(desc, desc->next);
    requires own_order: desc->order == order &&
      (desc->prev != \null ==> desc->prev->order == order) &&
      (desc->next != \null ==> desc->next->order == order);
    requires distinct: desc->prev != \null && desc->next != \null ==>
      \separated(desc->prev, desc->next);
    requires count: free_blocks[order] >= 1;
    requires apart: \separated(desc + (..), free_list + (..),
      free_blocks + (..));
    requires prev_apart: desc->prev == \null ||
      \separated(desc->prev + (..), free_list + (..), free_blocks + (..));
    requires next_apart: desc->next == \null ||
      \separated(desc->next + (..), free_list + (..), free_blocks + (..));
    terminates \true;
    assigns desc->next, desc->prev, desc->state, desc->prev->next,
      desc->next->prev, free_list[order], free_blocks[order];
    ensures unlinked_head: \old(desc->prev) == \null ==>
      free_list[order] == \old(desc->next);
    ensures unlinked_prev: \old(desc->prev) != \null ==>
      \old(desc->prev)->next == \old(desc->next) &&
      free_list[order] == \old(free_list[order]);
    ensures unlinked_next: \old(desc->next) != \null ==>
      \old(desc->next)->prev == \old(desc->prev);
    ensures taken: desc->next == \null && desc->prev == \null &&
      desc->state == PAGE_STATE_NONE;
    ensures counted: free_blocks[order] == \old(free_blocks[order]) - 1;
    ensures others: \forall struct page_desc *d; d != \null &&
      \old(d->order) != order && fc_sep_eq(d, desc) &&
      fc_sep_eq(d, \old(desc->prev)) && fc_sep_eq(d, \old(desc->next)) ==>
      d->next == \old(d->next) && d->prev == \old(d->prev) &&
      d->state == \old(d->state) && d->order == \old(d->order);
    ensures other_lists: \forall integer k; 0 <= k <= PAGE_ORDER_MAX &&
      k != order ==> free_list[k] == \old(free_list[k]) &&
      free_blocks[k] == \old(free_blocks[k]);
 */
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

/*
 * Cut the block of order `from` at `desc` down to `order`: the upper half
 * at each order from - 1 down to `order` goes on its free list, which is
 * empty (mm_pages_get() took the smallest order with a free block).
 * Descriptors of one region are contiguous: the half of order k is at
 * desc + 2^k, so the halves and the block kept cover the 2^from pages once.
 */
/*@ requires order <= from <= PAGE_ORDER_MAX;
    requires \valid(desc + (0 .. fc_pow2(from) - 1));
    requires empty: \forall integer k; order <= k < from ==>
      free_list[k] == \null;
    requires count: \forall integer k; order <= k < from ==>
      free_blocks[k] < SIZE_MAX;
    requires apart: \separated(desc + (..), free_list + (..),
      free_blocks + (..));
    terminates \true;
    assigns free_list[order .. from - 1], free_blocks[order .. from - 1],
      desc[fc_pow2(order) .. fc_pow2(from) - 1];
    ensures halves: \forall integer k; order <= k < from ==>
      free_list[k] == desc + fc_pow2(k) &&
      free_list[k]->next == \null && free_list[k]->prev == \null &&
      free_list[k]->state == PAGE_STATE_FREE && free_list[k]->order == k &&
      free_blocks[k] == \old(free_blocks[k]) + 1;
 */
static void block_split(struct page_desc *desc, unsigned int from,
			unsigned int order)
{
	unsigned int o = from;

	/*@ loop invariant order <= o <= from;
	    loop invariant done: \forall integer k; o <= k < from ==>
	      free_list[k] == desc + fc_pow2(k) &&
	      free_list[k]->next == \null && free_list[k]->prev == \null &&
	      free_list[k]->state == PAGE_STATE_FREE &&
	      free_list[k]->order == k &&
	      free_blocks[k] == \at(free_blocks[k], Pre) + 1;
	    loop invariant todo: \forall integer k; order <= k < o ==>
	      free_list[k] == \null &&
	      free_blocks[k] == \at(free_blocks[k], Pre);
	    loop assigns o, free_list[order .. from - 1],
	      free_blocks[order .. from - 1],
	      desc[fc_pow2(order) .. fc_pow2(from) - 1];
	    loop variant o;
	 */
	while (o > order) {
		o--;
		list_push(o, desc + block_pages(o));
	}
}

/*
 * Merge the block of `order` at page *i of `r`, just freed, with its buddy
 * while that is a free block of the same order, taking the buddy off its
 * list. Returns the merged block's order, *i its first page: the buddy of
 * that block is then no free block of its order (freed buddies merged).
 */
/*@ requires \valid(i) && \valid_read(r);
    requires order <= PAGE_ORDER_MAX && *i < r->pages;
    requires \valid(r->desc + (0 .. r->pages - 1));
    requires \separated(i, r);
    requires apart: \separated(i, free_list + (..), free_blocks + (..)) &&
      \separated(r, free_list + (..), free_blocks + (..)) &&
      fc_apart(r->desc);
    requires wf: fc_free_wf(r->desc, r->pages, 0, 0);
    terminates \true;
    assigns *i, free_list[0 .. PAGE_ORDER_MAX],
      free_blocks[0 .. PAGE_ORDER_MAX],
      { d->next | struct page_desc *d; \true },
      { d->prev | struct page_desc *d; \true },
      { d->state | struct page_desc *d; \true };
    ensures order: \old(order) <= \result <= PAGE_ORDER_MAX;
    ensures merged:
      \let b = fc_buddy(\old(r->skew), \old(r->pages), *i, \result);
      b == NO_BUDDY || \old(r->desc)[b].state != PAGE_STATE_FREE ||
      \old(r->desc)[b].order != \result;
    ensures wf_kept: fc_free_wf(\old(r->desc), \old(r->pages), \old(order),
      \result);
 */
static unsigned int block_merge(const struct mm_region *r, size_t *i,
				unsigned int order)
{
	/* Locals: the loop's writes to descriptors cannot reach them. */
	struct page_desc *const desc = r->desc;
	const size_t skew = r->skew, pages = r->pages;
	size_t buddy;

	/*@ loop invariant \at(order, Pre) <= order <= PAGE_ORDER_MAX;
	    loop invariant linked: fc_free_linked(desc, pages, \at(order, Pre),
	      order);
	    loop invariant sep: fc_free_sep(desc, pages, \at(order, Pre),
	      order);
	    loop assigns *i, order, buddy, free_list[0 .. PAGE_ORDER_MAX],
	      free_blocks[0 .. PAGE_ORDER_MAX],
	      { d->next | struct page_desc *d; \true },
	      { d->prev | struct page_desc *d; \true },
	      { d->state | struct page_desc *d; \true };
	    loop variant PAGE_ORDER_MAX - order;
	 */
	while ((buddy = buddy_index(skew, pages, *i, order)) != NO_BUDDY) {
		struct page_desc *bd = &desc[buddy];

		if (bd->state != PAGE_STATE_FREE || bd->order != order) {
			break;
		}
		/* The steps of the invariant's proof: the blocks of the orders
		 * kept are apart from the buddy and its neighbours, so
		 * list_del() leaves them and their neighbours as they were. */
		/*@ assert bd_apart: \forall integer j; 0 <= j < pages ==>
		      desc + j != \null && (j == buddy || \separated(desc + j, bd));
		 */
		/*@ assert bd_sep: \forall integer j; 0 <= j < pages ==>
		      fc_kept(desc, j, \at(order, Pre), order) ==>
		      fc_apart_pair(desc + j, bd) && fc_apart_pair(bd, desc + j);
		 */
		/*@ assert self_apart: \forall integer j; 0 <= j < pages &&
		      j != buddy ==> fc_kept(desc, j, \at(order, Pre), order) ==>
		      fc_sep_eq(desc + j, bd->next) &&
		      fc_sep_eq(desc + j, bd->prev) && fc_sep_eq(desc + j, bd);
		 */
		/*@ assert nbr_order: \forall integer j; 0 <= j < pages &&
		      j != buddy ==>
		      fc_kept(desc, j, \at(order, Pre), order + 1) ==>
		      (desc[j].prev != \null ==> desc[j].prev->order != order) &&
		      (desc[j].next != \null ==> desc[j].next->order != order);
		 */
		/*@ assert nbr_sep: \forall integer j; 0 <= j < pages &&
		      j != buddy ==> fc_kept(desc, j, \at(order, Pre), order) ==>
		      fc_links_apart(desc[j].prev, bd) &&
		      fc_links_apart(desc[j].next, bd);
		 */
		list_del(order, bd);
		/*@ assert kept_was: \forall integer j; 0 <= j < pages ==>
		      fc_kept(desc, j, \at(order, Pre), order + 1) ==>
		      j != buddy && desc[j].state == \at(desc[j].state, LoopCurrent) &&
		      desc[j].order == \at(desc[j].order, LoopCurrent);
		 */
		/*@ assert other_order: \forall integer j; 0 <= j < pages &&
		      j != buddy ==>
		      \at(fc_kept(desc, j, \at(order, Pre), order + 1), LoopCurrent) ==>
		      \at(desc[j].order, LoopCurrent) != order;
		 */
		/*@ assert frame_self: \forall integer j; 0 <= j < pages &&
		      j != buddy ==>
		      \at(fc_kept(desc, j, \at(order, Pre), order + 1), LoopCurrent) ==>
		      fc_unchanged{LoopCurrent, Here}(desc + j);
		 */
		/*@ assert frame_prev: \forall integer j; 0 <= j < pages &&
		      j != buddy ==>
		      \at(fc_kept(desc, j, \at(order, Pre), order + 1), LoopCurrent) ==>
		      \at(desc[j].prev, LoopCurrent) != \null ==>
		      fc_unchanged{LoopCurrent, Here}(\at(desc[j].prev, LoopCurrent));
		 */
		/*@ assert frame_next: \forall integer j; 0 <= j < pages &&
		      j != buddy ==>
		      \at(fc_kept(desc, j, \at(order, Pre), order + 1), LoopCurrent) ==>
		      \at(desc[j].next, LoopCurrent) != \null ==>
		      fc_unchanged{LoopCurrent, Here}(\at(desc[j].next, LoopCurrent));
		 */
		/*@ assert kept_at: \forall integer j; 0 <= j < pages ==>
		      fc_kept(desc, j, \at(order, Pre), order + 1) ==>
		      \at(fc_kept(desc, j, \at(order, Pre), order + 1),
			  LoopCurrent);
		 */
		/*@ assert framed: fc_frame{LoopCurrent, Here}(desc, pages,
		      \at(order, Pre), order + 1);
		 */
		/*@ assert linked_next: fc_free_linked(desc, pages, \at(order, Pre),
		      order + 1);
		 */
		/*@ assert sep_next: fc_free_sep(desc, pages, \at(order, Pre),
		      order + 1);
		 */
		if (buddy < *i) {
			*i = buddy;
		}
		order++;
	}
	return order;
}

/*
 * EVA evaluates a quantifier over a range at once (not value by value), so
 * it cannot check fc_free_wf() at block_merge()'s call: this ghost check
 * (Frama-C only, no code) asserts it for each descriptor and pair, which
 * EVA checks on the harness's states, and WP proves that those assertions
 * make fc_free_wf() hold.
 */
/*@ ghost
  /@ requires \valid_read(r);
     requires \valid_read(r->desc + (0 .. r->pages - 1));
     terminates \true;
     assigns \nothing;
     ensures fc_chk_wf: fc_free_wf(r->desc, r->pages, 0, 0);
   @/
  static void fc_wf_check(const struct mm_region *r)
  {
	struct page_desc *desc = r->desc;
	size_t pages = r->pages;
	size_t j, k;

	/@ loop invariant fc_chk_j: 0 <= j <= pages;
	   loop invariant fc_chk_linked: \forall integer a; 0 <= a < j ==>
	     fc_kept(desc, a, 0, 0) ==> fc_linked(desc + a, desc[a].order);
	   loop invariant fc_chk_sep: \forall integer a, b; 0 <= a < j &&
	     0 <= b < pages ==> fc_kept(desc, a, 0, 0) &&
	     fc_kept(desc, b, 0, 0) ==> fc_apart_pair(desc + a, desc + b);
	   loop assigns j, k;
	   loop variant pages - j;
	 @/
	for (j = 0; j < pages; j++) {
		/@ assert fc_at_linked: fc_kept(desc, j, 0, 0) ==>
		     fc_linked(desc + j, desc[j].order); @/
		/@ loop invariant fc_chk_k: 0 <= k <= pages;
		   loop invariant fc_chk_pair: \forall integer b; 0 <= b < k ==>
		     fc_kept(desc, j, 0, 0) && fc_kept(desc, b, 0, 0) ==>
		     fc_apart_pair(desc + j, desc + b);
		   loop assigns k;
		   loop variant pages - k;
		 @/
		for (k = 0; k < pages; k++) {
			/@ assert fc_at_pair: fc_kept(desc, j, 0, 0) &&
			     fc_kept(desc, k, 0, 0) ==>
			     fc_apart_pair(desc + j, desc + k); @/
		}
	}
  }
 */

/*
 * Put the block of `order` at page i of `r` on the free lists, merged with
 * its free buddies. The ghost check (above) is where EVA checks the free
 * lists that block_merge() needs, each time the harness frees a block.
 */
static void block_free(const struct mm_region *r, size_t i, unsigned int order)
{
	//@ ghost fc_wf_check(r);
	order = block_merge(r, &i, order);
	list_push(order, &r->desc[i]);
}

/* Cut the region's pages into the largest naturally aligned blocks. */
static void region_carve(const struct mm_region *r)
{
	size_t i = 0;

	while (i < r->pages) {
		unsigned int order = PAGE_ORDER_MAX;

		while (order > 0 && ((r->skew + i) % block_pages(order) != 0 ||
				     r->pages - i < block_pages(order))) {
			order--;
		}
		list_push(order, &r->desc[i]);
		i += block_pages(order);
	}
}

static bool region_overlaps(const uint8_t *start, const uint8_t *end)
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
	uint8_t *start, *end;
	size_t head, pages, meta, count;
	struct mm_region *r;
	bool ok = false;

	mm_init_once();
	if (va == NULL) { /* never the page at address 0 */
		if (bytes <= PAGE_SIZE) {
			return false;
		}
		va = (uint8_t *)(uintptr_t)PAGE_SIZE;
		bytes -= PAGE_SIZE;
	}
	/* The range must not wrap; then its page-aligned part. */
	if (bytes > mm_addr_room(va)) {
		return false;
	}
	head = (PAGE_SIZE - mm_addr_bits(va, PAGE_SIZE - 1)) % PAGE_SIZE;
	if (bytes <= head) {
		return false;
	}
	start = (uint8_t *)va + head;
	pages = (bytes - head) / PAGE_SIZE;
	if (pages == 0) {
		return false;
	}
	end = start + pages * PAGE_SIZE;
	meta = (pages * sizeof(struct page_desc) + PAGE_SIZE - 1) / PAGE_SIZE;
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
	r->usable = start + meta * PAGE_SIZE;
	r->end = end;
	r->pages = pages - meta;
	r->skew = mm_addr_bits(r->usable, block_bytes(PAGE_ORDER_MAX) - 1) /
		  PAGE_SIZE;
	r->desc = (struct page_desc *)start;
	/* ASan: clear stale poison left by an earlier user of this memory. */
	mm_unpoison(start, pages * PAGE_SIZE);
	memset(r->desc, 0, r->pages * sizeof(struct page_desc));
	region_carve(r);
	total_pages += r->pages;
	free_pages += r->pages;
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
	block_split(desc, o, order);
	desc->state = (uint8_t)state;
	desc->order = (uint8_t)order;
	free_pages -= block_pages(order);
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
	const struct mm_region *r = region_of_va(va);
	struct page_desc *desc;
	const char *err = NULL;
	size_t i;

	if (order > PAGE_ORDER_MAX || !r) {
		mm_bad_free("bad page free", va);
	}
	i = (size_t)((const uint8_t *)va - r->usable) / PAGE_SIZE;
	if ((size_t)((const uint8_t *)va - r->usable) % PAGE_SIZE != 0 ||
	    (r->skew + i) % block_pages(order) != 0 ||
	    r->pages - i < block_pages(order)) {
		mm_bad_free("bad page free", va);
	}
	desc = &r->desc[i];

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
	free_pages += block_pages(order);
	if (state == PAGE_STATE_PAGES || state == PAGE_STATE_LARGE) {
		page_bytes -= block_bytes(order);
	}
	block_free(r, i, order);
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
		mm_unpoison(regions[i].usable, regions[i].pages * PAGE_SIZE);
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
