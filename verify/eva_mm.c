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

static uint8_t fc_mem[FC_MM_PAGES * PAGE_SIZE];

int main(void)
{
	void *slot[FC_MM_SLOTS] = { NULL };
	unsigned int order[FC_MM_SLOTS] = { 0 };

	if (!page_alloc_add_region(fc_mem, sizeof(fc_mem))) {
		return 1;
	}
	for (int step = 0; step < FC_MM_STEPS; step++) {
		int k = Frama_C_interval(0, FC_MM_SLOTS - 1);

		if (slot[k] != NULL) {
			page_free(slot[k], order[k]);
			slot[k] = NULL;
			continue;
		}
		order[k] = (unsigned int)Frama_C_interval(0, FC_MM_ORDER);
		slot[k] = page_alloc(order[k]);
		/*@ assert fc_block_inside: slot[k] == \null ||
			\valid((uint8_t *)slot[k] +
			       (0 .. PAGE_SIZE * (1 << order[k]) - 1)); */
	}
	return 0;
}
