// SPDX-License-Identifier: MIT
/*
 * EVA harness for the buddy page allocator (svsm/mm/page_alloc.c): one
 * region, then a sequence of allocations and frees whose every choice
 * (which slot, which order, alloc or free) is unknown. Every block handed
 * out must lie inside the region, and no path may reach panic() (a bad or
 * double free is mm_bad_free(), which panics: the harness frees only what
 * it was given, so reaching it would be an allocator bug).
 */
#include "fc_mm.h"

#define FC_MM_PAGES 64
#define FC_MM_SLOTS 6
#define FC_MM_STEPS 10
#define FC_MM_ORDER 3

/*
 * The region is aligned to the largest block, and mm_addr_bits() (only a
 * contract in svsm/mm/internal.h: "some value <= mask") reads the address
 * bits from the offset in fc_mem. With the contract alone EVA cannot place
 * the descriptor array inside the region's first page (any of 4096 byte
 * offsets), so every descriptor pointer was misaligned and the free lists
 * collapsed into one imprecise pointer. The region's carve is then exact:
 * blocks of orders 0 to 5 after the descriptor page.
 */
static uint8_t fc_mem[FC_MM_PAGES * PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE << PAGE_ORDER_MAX)));

#if defined(__FRAMAC__) /* elsewhere (the linters) internal.h defines it */
uintptr_t mm_addr_bits(const void *p, uintptr_t mask)
{
	return (uintptr_t)((const uint8_t *)p - fc_mem) & mask;
}
#endif

int main(void)
{
	void *slot[FC_MM_SLOTS] = { NULL };
	unsigned int order[FC_MM_SLOTS] = { 0 };

	if (!page_alloc_add_region(fc_mem, sizeof(fc_mem))) {
		return 1;
	}
	for (int step = 0; step < FC_MM_STEPS; step++) {
		int k = Frama_C_interval(0, FC_MM_SLOTS - 1);

		/* One state per slot and per order: a slot's pointer and its order
		 * stay paired (an imprecise k would free one slot's block with
		 * another slot's order). */
		//@ split k;

		if (slot[k] != NULL) {
			page_free(slot[k], order[k]);
			slot[k] = NULL;
			continue;
		}
		order[k] = (unsigned int)Frama_C_interval(0, FC_MM_ORDER);
		//@ split order[k];
		slot[k] = page_alloc(order[k]);
		/*@ assert fc_block_inside: slot[k] == \null ||
			\valid((uint8_t *)slot[k] +
			       (0 .. PAGE_SIZE * (1 << order[k]) - 1)); */
	}
	return 0;
}
