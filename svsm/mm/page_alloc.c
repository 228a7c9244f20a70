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
    lemma fc_pow2_pos: \forall integer k; fc_pow2(k) >= 1;
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

/*
 * The counters against the lists, for every state: fc_cnt(desc, n, o) is
 * the number of free heads of order o among desc[0 .. n - 1] (fc_prefix()
 * states its definition, one descriptor at a time), and fc_counted(desc,
 * pages) says free_blocks[] equals it for each order: with one region, the
 * free lists hold exactly the region's free heads. fc_cnt_update (one
 * descriptor changed, the count moves by its own change) and
 * fc_cnt_range follow from the definition by induction on n, which z3
 * and cvc4 do not do: they are axioms, assumed (docs/VERIFICATION.md).
 * The definition sits in its own axiomatic so that goals about the count
 * see only fc_cnt_update: with both, every goal of block_merge() took
 * several times longer. fc_heads(): each list's head is a free head of
 * its order in the region; fc_bodies(): each free block lies inside the
 * region and no page after its head is free.
 */
/*@ predicate fc_is_free(struct page_desc *d, integer o) =
      d->state == PAGE_STATE_FREE && d->order == o;
    logic integer fc_one{L}(struct page_desc *d, integer o) =
      d->state == PAGE_STATE_FREE && d->order == o ? 1 : 0;
    predicate fc_same{L1, L2}(struct page_desc *d) =
      \at(d->state, L1) == \at(d->state, L2) &&
      \at(d->order, L1) == \at(d->order, L2);
    axiomatic FcCount {
      logic integer fc_cnt{L}(struct page_desc *desc, integer n, integer o)
	reads desc[0 .. n - 1].state, desc[0 .. n - 1].order;
      axiom fc_cnt_update{L1, L2}: \forall struct page_desc *desc,
	  integer n, o, j;
	0 <= j < n ==>
	(\forall integer k; 0 <= k < n && k != j ==>
	   fc_same{L1, L2}(desc + k)) ==>
	fc_cnt{L2}(desc, n, o) == fc_cnt{L1}(desc, n, o) -
	  fc_one{L1}(desc + j, o) + fc_one{L2}(desc + j, o);
    }
    axiomatic FcCountDef {
      logic integer fc_prefix{L}(struct page_desc *desc, integer n,
				 integer o)
	reads desc[0 .. n - 1].state, desc[0 .. n - 1].order;
      axiom fc_prefix_zero{L}: \forall struct page_desc *desc, integer o;
	fc_prefix(desc, 0, o) == 0;
      axiom fc_prefix_step{L}: \forall struct page_desc *desc, integer n, o;
	0 <= n ==> fc_prefix(desc, n + 1, o) ==
	  fc_prefix(desc, n, o) + fc_one(desc + n, o);
      axiom fc_prefix_cnt{L}: \forall struct page_desc *desc, integer n, o;
	fc_prefix(desc, n, o) == fc_cnt(desc, n, o);
    }
    lemma fc_pow2_mono: \forall integer a, b; 0 <= a < b <= PAGE_ORDER_MAX ==>
      fc_pow2(a) < fc_pow2(b);
    axiomatic FcCountRange {
      axiom fc_cnt_range{L}: \forall struct page_desc *desc, integer n, o;
	0 <= n ==> 0 <= fc_cnt(desc, n, o) <= n;
    }
    predicate fc_heads(struct page_desc *desc, integer pages) =
      \forall integer o; 0 <= o <= PAGE_ORDER_MAX ==>
	free_list[o] == \null ||
	(\exists integer j; 0 <= j < pages && free_list[o] == desc + j &&
	   fc_is_free(desc + j, o));
    predicate fc_body_ok(struct page_desc *desc, integer pages, integer j) =
      desc[j].state == PAGE_STATE_FREE ==>
	desc[j].order <= PAGE_ORDER_MAX &&
	j + fc_pow2(desc[j].order) <= pages &&
	(\forall integer m; j < m < j + fc_pow2(desc[j].order) ==>
	   desc[m].state != PAGE_STATE_FREE);
    predicate fc_bodies(struct page_desc *desc, integer pages) =
      \forall integer j; 0 <= j < pages ==> fc_body_ok(desc, pages, j);
    predicate fc_counted(struct page_desc *desc, integer pages) =
      \forall integer o; 0 <= o <= PAGE_ORDER_MAX ==>
	free_blocks[o] == fc_cnt(desc, pages, o);
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
    ensures cnt: \forall struct page_desc *base, integer n, j, o;
      0 <= j < n && desc == base + j ==>
      fc_cnt(base, n, o) == fc_cnt{Pre}(base, n, o) -
	fc_one{Pre}(desc, o) + (o == order ? 1 : 0);
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
    ensures cnt: \forall struct page_desc *base, integer n, j, o;
      0 <= j < n && desc == base + j ==>
      fc_cnt(base, n, o) == fc_cnt{Pre}(base, n, o) - fc_one{Pre}(desc, o);
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
    requires held: \forall integer k; order <= k < from ==>
      desc[fc_pow2(k)].state != PAGE_STATE_FREE;
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
    ensures cnt: \forall struct page_desc *base, integer n, j, k;
      0 <= j && j + fc_pow2(from) <= n && desc == base + j ==>
      fc_cnt(base, n, k) == fc_cnt{Pre}(base, n, k) +
	(order <= k < from ? 1 : 0);
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
	    loop invariant held: \forall integer k; order <= k < o ==>
	      desc[fc_pow2(k)].state != PAGE_STATE_FREE;
	    loop invariant cnt: \forall struct page_desc *base, integer n, j,
	      k; 0 <= j && j + fc_pow2(from) <= n && desc == base + j ==>
	      fc_cnt(base, n, k) == fc_cnt{Pre}(base, n, k) +
		(o <= k < from ? 1 : 0);
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
    requires held: r->desc[*i].state != PAGE_STATE_FREE;
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
    ensures head_held: *i < \old(r->pages) &&
      \old(r->desc)[*i].state != PAGE_STATE_FREE;
    ensures counts: \forall integer o; 0 <= o <= PAGE_ORDER_MAX ==>
      free_blocks[o] == \old(free_blocks[o]) -
	(\old(order) <= o < \result ? 1 : 0) &&
      fc_cnt(\old(r->desc), \old(r->pages), o) ==
	fc_cnt{Pre}(\old(r->desc), \old(r->pages), o) -
	(\old(order) <= o < \result ? 1 : 0);
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
	    loop invariant held: *i < pages &&
	      desc[*i].state != PAGE_STATE_FREE;
	    loop invariant counts: \forall integer o;
	      0 <= o <= PAGE_ORDER_MAX ==>
	      free_blocks[o] == \at(free_blocks[o], Pre) -
		(\at(order, Pre) <= o < order ? 1 : 0) &&
	      fc_cnt(desc, pages, o) == fc_cnt{Pre}(desc, pages, o) -
		(\at(order, Pre) <= o < order ? 1 : 0);
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
		//@ assert bd_in: buddy < pages && \valid(bd);
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
 * The counters and the list heads against the region's descriptors,
 * checked the same way: a ghost loop counts the free heads of each order
 * and finds the page of its list's head, EVA checks each count against
 * free_blocks[] and each head on the harness's states, WP proves that
 * those assertions give fc_counted() and fc_heads().
 */
/*@ ghost
  /@ requires \valid_read(r);
     requires \valid_read(r->desc + (0 .. r->pages - 1));
     requires r->pages <= SIZE_MAX / 4;
     terminates \true;
     assigns \nothing;
     ensures fc_chk_counted: fc_counted(r->desc, r->pages);
     ensures fc_chk_heads: fc_heads(r->desc, r->pages);
   @/
  static void fc_list_check(const struct mm_region *r)
  {
	struct page_desc *desc = r->desc;
	size_t pages = r->pages;
	size_t j, n, found;
	unsigned int o;

	/@ loop invariant fc_ls_o: 0 <= o <= PAGE_ORDER_MAX + 1;
	   loop invariant fc_ls_counted: \forall integer k; 0 <= k < o ==>
	     free_blocks[k] == fc_cnt(desc, pages, k);
	   loop invariant fc_ls_heads: \forall integer k; 0 <= k < o ==>
	     free_list[k] == \null ||
	     (\exists integer a; 0 <= a < pages && free_list[k] == desc + a &&
	        fc_is_free(desc + a, k));
	   loop assigns o, j, n, found;
	   loop variant PAGE_ORDER_MAX + 1 - o;
	 @/
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		n = 0;
		found = pages;
		/@ loop invariant fc_ls_j: 0 <= j <= pages && n <= j;
		   loop invariant fc_ls_n: n == fc_prefix(desc, j, o);
		   loop assigns j, n, found;
		   loop variant pages - j;
		 @/
		for (j = 0; j < pages; j++) {
			if (desc[j].state == PAGE_STATE_FREE &&
			    desc[j].order == o) {
				n++;
			}
			if (free_list[o] == desc + j) {
				found = j;
			}
		}
		/@ assert fc_at_count: n == free_blocks[o]; @/
		/@ assert fc_at_head: free_list[o] == \null ||
		     (found < pages && free_list[o] == desc + found &&
		      fc_is_free(desc + found, o)); @/
	}
  }
 */

/*
 * Put the block of `order` at page i of `r` on the free lists, merged with
 * its free buddies. For every state with the region's free lists well
 * formed and counted, the counters still equal the lists afterwards.
 */
/*@ requires \valid_read(r) && \valid(r->desc + (0 .. r->pages - 1));
    requires order <= PAGE_ORDER_MAX && i < r->pages;
    requires apart: \separated(r, free_list + (..), free_blocks + (..)) &&
      fc_apart(r->desc);
    requires wf: fc_free_wf(r->desc, r->pages, 0, 0);
    requires freed: r->desc[i].state != PAGE_STATE_FREE;
    requires counted: fc_counted(r->desc, r->pages);
    terminates \true;
    ensures counted: fc_counted(\old(r->desc), \old(r->pages));
 */
static void block_free(const struct mm_region *r, size_t i, unsigned int order)
{
	/* A local: the merge's writes to descriptors cannot reach it. */
	struct page_desc *const desc = r->desc;

	order = block_merge(r, &i, order);
	/*@ assert free_held: i < \at(r->pages, Pre) &&
	      \valid(desc + i) && desc[i].state != PAGE_STATE_FREE;
	 */
	list_push(order, &desc[i]);
	/*@ assert free_blocks_moved: \forall integer o; 0 <= o <= PAGE_ORDER_MAX ==>
	      free_blocks[o] == \at(free_blocks[o], Pre) -
	      (\at(order, Pre) <= o < order ? 1 : 0) + (o == order ? 1 : 0);
	 */
	/*@ assert free_cnt_moved: \forall integer o; 0 <= o <= PAGE_ORDER_MAX ==>
	      fc_cnt(desc, \at(r->pages, Pre), o) ==
	      fc_cnt{Pre}(desc, \at(r->pages, Pre), o) -
	      (\at(order, Pre) <= o < order ? 1 : 0) + (o == order ? 1 : 0);
	 */
}

/*
 * block_free() after the ghost checks (above): where EVA checks the free
 * lists and counters block_free() needs, each time the harness frees a
 * block. Frama-C only; the compiler inlines it.
 */
static void block_free_checked(const struct mm_region *r, size_t i,
			       unsigned int order)
{
	//@ ghost fc_wf_check(r);
	//@ ghost fc_list_check(r);
	block_free(r, i, order);
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

/* Mark the head of a block handed out with its state and order. */
/*@ requires \valid(desc) && order <= PAGE_ORDER_MAX;
    requires 0 <= state <= PAGE_STATE_SLAB_TAIL;
    terminates \true;
    assigns desc->state, desc->order;
    ensures marked: desc->state == state && desc->order == order;
    ensures cnt: \forall struct page_desc *base, integer n, j, o;
      0 <= j < n && desc == base + j ==>
      fc_cnt(base, n, o) == fc_cnt{Pre}(base, n, o) -
	fc_one{Pre}(desc, o) + fc_one(desc, o);
 */
static void block_mark(struct page_desc *desc, unsigned int order,
		       enum page_state state)
{
	desc->state = (uint8_t)state;
	desc->order = (uint8_t)order;
}

/*
 * Take the first block of the smallest order from `order` up that has one,
 * split it down to `order` and mark its head `state`; NULL if every list
 * from `order` up is empty. desc/pages (ghost, Frama-C only) are the
 * region's descriptors: for every state whose free lists are well formed
 * with their heads, free blocks and counters in the region, the block
 * returned was free and no longer is, and the counters still equal the
 * lists.
 */
/*@ requires order <= PAGE_ORDER_MAX && state != PAGE_STATE_FREE;
    requires 0 <= state <= PAGE_STATE_SLAB_TAIL;
    requires \valid(rd + (0 .. rn - 1)) && rn <= SIZE_MAX / 4;
    requires apart: fc_apart(rd);
    requires wf: fc_free_wf(rd, rn, 0, 0);
    requires heads: fc_heads(rd, rn);
    requires bodies: fc_bodies(rd, rn);
    requires counted: fc_counted(rd, rn);
    terminates \true;
    ensures counted: fc_counted(rd, rn);
    ensures none: \result == \null ==> \forall integer k;
      order <= k <= PAGE_ORDER_MAX ==> free_list[k] == \null;
    ensures taken: \result != \null ==> \exists integer j, o;
      0 <= j < rn && \result == rd + j && order <= o <= PAGE_ORDER_MAX &&
      \old(free_list[o]) == rd + j && fc_is_free{Pre}(rd + j, o) &&
      \result->state == state && \result->order == order;
 */
static struct page_desc *block_take(unsigned int order, enum page_state state)
/*@ ghost (struct page_desc *rd, size_t rn) */
{
	struct page_desc *desc;
	unsigned int o;

	/*@ loop invariant order <= o <= PAGE_ORDER_MAX + 1;
	    loop invariant empty: \forall integer k; order <= k < o ==>
	      free_list[k] == \null;
	    loop assigns o;
	    loop variant PAGE_ORDER_MAX + 1 - o;
	 */
	for (o = order; o <= PAGE_ORDER_MAX && !free_list[o]; o++) {
	}
	if (o > PAGE_ORDER_MAX) {
		return NULL;
	}
	desc = free_list[o];
	/* The steps of the proof: the head's page in the region, its block
	 * inside it, the halves split off not free. */
	//@ ghost size_t at = (size_t)(desc - rd);
	/*@ assert head_at: at < rn && desc == rd + at && fc_is_free(desc, o);
	 */
	/*@ assert inside: at + fc_pow2(o) <= rn &&
	      \valid(desc + (0 .. fc_pow2(o) - 1)); */
	/*@ assert body_at: \forall integer m; at < m < at + fc_pow2(o) ==>
	      rd[m].state != PAGE_STATE_FREE; */
	/*@ assert pow_k: \forall integer k; order <= k < o ==>
	      1 <= fc_pow2(k) < fc_pow2(o); */
	/*@ assert halves_held: \forall integer k; order <= k < o ==>
	      desc[fc_pow2(k)].state != PAGE_STATE_FREE; */
	list_del(o, desc);
	/*@ assert del_cnt: \forall integer k; 0 <= k <= PAGE_ORDER_MAX ==>
	      free_blocks[k] == fc_cnt(rd, rn, k); */
	block_split(desc, o, order);
	/*@ assert split_cnt: \forall integer k; 0 <= k <= PAGE_ORDER_MAX ==>
	      free_blocks[k] == fc_cnt(rd, rn, k); */
	/*@ assert split_head: desc->state != PAGE_STATE_FREE; */
	block_mark(desc, order, state);
	return desc;
}

/*
 * The ghost check of the free blocks' pages: EVA checks each page on the
 * harness's states, WP proves that those assertions give fc_bodies().
 */
/*@ ghost
  /@ requires \valid_read(desc + (0 .. pages - 1));
     requires pages <= SIZE_MAX / 4;
     terminates \true;
     assigns \nothing;
     ensures fc_chk_bodies: fc_bodies(desc, pages);
   @/
  static void fc_body_check(struct page_desc *desc, size_t pages)
  {
	size_t j, m, n;

	/@ loop invariant fc_bd_j: 0 <= j <= pages;
	   loop invariant fc_bd_done: \forall integer a; 0 <= a < j ==>
	     fc_body_ok(desc, pages, a);
	   loop assigns j, m, n;
	   loop variant pages - j;
	 @/
	for (j = 0; j < pages; j++) {
		if (desc[j].state == PAGE_STATE_FREE) {
			/@ assert fc_at_order: desc[j].order <= PAGE_ORDER_MAX; @/
			n = order_pages[desc[j].order];
			/@ assert fc_at_inside: j + n <= pages; @/
			/@ loop invariant fc_bd_m: j + 1 <= m <= j + n;
			   loop invariant fc_bd_body: \forall integer b;
			     j < b < m ==> desc[b].state != PAGE_STATE_FREE;
			   loop assigns m;
			   loop variant j + n - m;
			 @/
			for (m = j + 1; m < j + n; m++) {
				/@ assert fc_at_body:
				     desc[m].state != PAGE_STATE_FREE; @/
			}
		}
	}
  }
 */

/*
 * block_take() after the ghost checks (above) of the one region's free
 * lists, heads, free blocks and counters: where EVA checks what
 * block_take() needs, each time the harness allocates. Frama-C only; the
 * compiler inlines it.
 */
static struct page_desc *block_take_checked(unsigned int order,
					    enum page_state state)
{
	//@ ghost fc_wf_check(&regions[0]);
	//@ ghost fc_list_check(&regions[0]);
	//@ ghost fc_body_check(regions[0].desc, regions[0].pages);
	//@ ghost const struct mm_region *r0 = &regions[0];
	return block_take(order, state) /*@ ghost (r0->desc, r0->pages) */;
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
	void *va;

	CHECK(order <= PAGE_ORDER_MAX);
	spin_lock(&page_lock);
	if (flags & MM_COUNT) {
		page_attempts++;
	}
	desc = block_take_checked(order, state);
	if (!desc) {
		spin_unlock(&page_lock);
		return NULL;
	}
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
	block_free_checked(r, i, order);
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
