// SPDX-License-Identifier: MIT
/*
 * EVA harness for the buddy page allocator (svsm/mm/page_alloc.c): one
 * region holding one block of order 3, then every sequence of
 * FC_MM_STEPS allocations and frees over FC_MM_SLOTS slots (which slot,
 * which order 0-3: each choice is unknown). After each step the harness
 * checks the allocator's whole state against the blocks it holds:
 *
 *   - every block handed out is inside the region, naturally aligned, and
 *     overlaps no other held block (no block handed out twice);
 *   - held and free blocks tile the region: each page is in exactly one;
 *   - a held block's head descriptor says PAGES and its order, a free
 *     block's says FREE and its order, every other page's says NONE;
 *   - no two free buddies of the same order (freed blocks were merged);
 *   - the free lists are doubly linked (next->prev and prev->next point
 *     back) through free heads of their own order, one list per order;
 *   - free_blocks[o], free_pages and page_bytes equal what those hold;
 *   - an allocation fails only when no free block is large enough;
 *   - panic() (a bad or double free, mm_bad_free()) is unreachable.
 *
 * The checks are ACSL assertions; `(void)x;` after one marks the value it
 * reads as used, for the compilers' dead-store analysis (ci/lint).
 *
 * EVA must never join the states of two sequences: its domains are not
 * relational, and the join of two consistent allocator states is not one
 * (docs/VERIFICATION.md). The region, the slots and the steps are small
 * enough that -eva-slevel keeps every distinct state apart.
 */
#include "fc_mm.h"

#define FC_MM_USABLE 8 /* pages after the descriptor page: one order 3 */
#define FC_MM_SLOTS 3
#define FC_MM_STEPS 6
#define FC_MM_ORDER 3

static uint8_t fc_mem[(FC_MM_USABLE + 1) * PAGE_SIZE];
#define FC_USABLE (fc_mem + PAGE_SIZE)

/*
 * mm_addr_bits() is only a contract in svsm/mm/internal.h ("some value <=
 * mask"): with it alone EVA cannot place the descriptor array inside the
 * region's first page, every descriptor pointer is misaligned and the free
 * lists collapse into one imprecise pointer. The harness places its region
 * at an address 4 KiB below a 4 MiB boundary, so that the usable pages
 * start on a block boundary of every order (skew 0) and the carve is one
 * block of order 3. buddy_index() is proved by WP for every skew.
 */
#define FC_MM_BASE ((PAGE_SIZE << PAGE_ORDER_MAX) - PAGE_SIZE)

#if defined(__FRAMAC__) /* elsewhere (the linters) internal.h defines it */
uintptr_t mm_addr_bits(const void *p, uintptr_t mask)
{
	return ((uintptr_t)((const uint8_t *)p - fc_mem) + FC_MM_BASE) & mask;
}
#endif

/* mm.c's: fault injection is never armed here (one path per allocation). */
atomic_bool mm_fault_armed;

static uint8_t *slot[FC_MM_SLOTS];
static unsigned int slot_order[FC_MM_SLOTS];

/* Pages of a block of `order` (the harness's own, not the allocator's). */
static size_t fc_pages(unsigned int order)
{
	return (size_t)1 << order;
}

/* The page of the region at `ptr`, which must be inside it. */
static size_t fc_page(const uint8_t *ptr)
{
	return (size_t)(ptr - FC_USABLE) / PAGE_SIZE;
}

/* The slot whose block holds page `i`, or FC_MM_SLOTS. */
static int fc_held_by(size_t i)
{
	int k, found = FC_MM_SLOTS, count = 0;

	for (k = 0; k < FC_MM_SLOTS; k++) {
		if (slot[k] && fc_page(slot[k]) <= i &&
		    i < fc_page(slot[k]) + fc_pages(slot_order[k])) {
			found = k;
			count++;
		}
	}
	//@ assert fc_no_overlap: count <= 1;
	return found;
}

/* Check the allocator's state against the blocks the slots hold. */
static void fc_check(void)
{
	size_t blocks[FC_MM_ORDER + 1] = { 0 };
	size_t heads[FC_MM_ORDER + 1] = { 0 };
	size_t free_pages = 0, held_pages = 0;
	size_t cover = 0; /* pages of the free block being walked, left */
	size_t i, n;
	unsigned int o;
	int k;

	for (k = 0; k < FC_MM_SLOTS; k++) {
		if (slot[k]) {
			held_pages += fc_pages(slot_order[k]);
		}
	}
	for (i = 0; i < FC_MM_USABLE; i++) {
		const struct page_desc *d =
			mm_page_desc(FC_USABLE + i * PAGE_SIZE);
		int held = fc_held_by(i);

		//@ assert fc_desc: d == (struct page_desc *)fc_mem + i;
		if (held < FC_MM_SLOTS && fc_page(slot[held]) == i) {
			/*@ assert fc_held_head: d->state == PAGE_STATE_PAGES &&
				d->order == slot_order[held]; */
			//@ assert fc_tiled: cover == 0;
			continue;
		}
		if (d->state != PAGE_STATE_FREE) {
			//@ assert fc_body: d->state == PAGE_STATE_NONE;
			//@ assert fc_tiled: held < FC_MM_SLOTS || cover > 0;
			if (cover > 0) {
				cover--;
			}
			continue;
		}
		/* A free head: a whole free block, alone on these pages. */
		o = d->order;
		//@ assert fc_free_order: o <= FC_MM_ORDER;
		n = fc_pages(o);
		//@ assert fc_free_aligned: i % n == 0;
		//@ assert fc_tiled: held == FC_MM_SLOTS && cover == 0;
		cover = n - 1;
		blocks[o]++;
		free_pages += n;
		if (o < FC_MM_ORDER) { /* skew 0: the buddy is at i ^ 2^o */
			const struct page_desc *b =
				(const struct page_desc *)fc_mem + (i ^ n);

			/*@ assert fc_merged: !(b->state == PAGE_STATE_FREE &&
						b->order == o); */
			(void)b;
		}
		/*@ assert fc_list_next: d->next == \null ||
			(d->next->state == PAGE_STATE_FREE &&
			 d->next->order == o && d->next->prev == d); */
		/*@ assert fc_list_prev: d->prev == \null ||
			(d->prev->state == PAGE_STATE_FREE &&
			 d->prev->order == o && d->prev->next == d); */
		if (!d->prev) {
			heads[o]++;
		}
	}
	//@ assert fc_tiled: cover == 0;
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		n = page_alloc_free_blocks(o);

		if (o <= FC_MM_ORDER) {
			//@ assert fc_free_blocks: n == blocks[o];
			//@ assert fc_one_list: heads[o] == (n > 0);
		} else {
			//@ assert fc_free_blocks: n == 0;
		}
		(void)n;
	}
	n = page_alloc_free_pages();
	//@ assert fc_free_pages: n == free_pages;
	//@ assert fc_all_pages: free_pages + held_pages == FC_MM_USABLE;
	(void)n;
	n = mm_page_bytes_allocated();
	//@ assert fc_page_bytes: n == held_pages * PAGE_SIZE;
	(void)n;
}

int main(void)
{
	if (!page_alloc_add_region(fc_mem, sizeof(fc_mem))) {
		return 1;
	}
	size_t total = page_alloc_total_pages();

	//@ assert fc_carve: total == FC_MM_USABLE;
	(void)total;
	fc_check();
	for (int step = 0; step < FC_MM_STEPS; step++) {
		int k = Frama_C_interval(0, FC_MM_SLOTS - 1);
		unsigned int o;

		/* One state per slot and per order: a slot's pointer and its order
		 * stay paired (an imprecise k would free one slot's block with
		 * another slot's order). */
		//@ split k;

		if (slot[k] != NULL) {
			page_free(slot[k], slot_order[k]);
			slot[k] = NULL;
			slot_order[k] = 0; /* no stale order: fewer states */
			fc_check();
			continue;
		}
		o = (unsigned int)Frama_C_interval(0, FC_MM_ORDER);
		//@ split o;
		slot[k] = page_alloc(o);
		if (slot[k]) {
			size_t bytes = PAGE_SIZE * fc_pages(o);

			slot_order[k] = o;
			/*@ assert fc_block_inside:
				\valid(slot[k] + (0 .. bytes - 1)) &&
				(size_t)(slot[k] - FC_USABLE) % bytes == 0; */
			(void)bytes;
		} else {
			/* Only when no free block is large enough (fc_check() sees
			 * none above FC_MM_ORDER). */
			for (unsigned int big = o; big <= FC_MM_ORDER; big++) {
				size_t n = page_alloc_free_blocks(big);

				//@ assert fc_fail_empty: n == 0;
				(void)n;
			}
		}
		fc_check();
	}
	return 0;
}
