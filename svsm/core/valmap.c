/* SPDX-License-Identifier: MIT */
/*
 * The pages the guest holds validated (see reboot.h): one bit per 4 KiB
 * page, one per 2 MiB range validated as a single entry. Lookups and
 * updates cost O(pages of the operation); the reboot's sweep skips empty
 * 64-page words. Both maps live in SVSM memory, allocated at boot.
 */
#include <string.h>

#include "svsm/mm.h"
#include "svsm/reboot.h"
#include "svsm/vcpu.h"

#define WORD_BITS 64U
#define PAGES_2M 512U

static struct {
	/* The 4 KiB map's words4k words, then the 2 MiB map's (one block). */
	uint64_t *map4k;
	uint64_t words4k;
	uint64_t pages; /* 4 KiB pages covered */
} val;

/** Forget the maps; allocate them if `mem_size` is not 0 (reboot.c). */
bool valmap_init(uint64_t mem_size)
{
	uint64_t pages = mem_size / PAGE_SIZE;
	uint64_t words4k = (pages + WORD_BITS - 1) / WORD_BITS;
	uint64_t words2m = (pages / PAGES_2M + WORD_BITS - 1) / WORD_BITS;

	memset(&val, 0, sizeof(val));
	if (mem_size == 0) {
		return true;
	}
	/*
	 * One allocation for both maps, the 2 MiB map found from the 4 KiB
	 * one: either both exist or neither, which make verify can see.
	 */
	if (words2m == 0) {
		words2m = 1; /* pfn / PAGES_2M is 0 for less than 2 MiB */
	}
	val.map4k = kcalloc(words4k + words2m, sizeof(uint64_t));
	if (val.map4k == NULL) {
		return false;
	}
	val.words4k = words4k;
	val.pages = pages;
	return true;
}

/** True while the reboot protocol is served. */
bool svsm_reboot_available(void)
{
	return val.map4k != NULL;
}

static uint64_t *map2m(void)
{
	return val.map4k + val.words4k;
}

static bool bit_set(const uint64_t *map, uint64_t i)
{
	return (map[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

static void bit_put(uint64_t *map, uint64_t i, bool on)
{
	uint64_t bit = 1ULL << (i % WORD_BITS);

	if (on) {
		map[i / WORD_BITS] |= bit;
	} else {
		map[i / WORD_BITS] &= ~bit;
	}
}

/** Record a validation or invalidation (see reboot.h). */
void valmap_note(uint64_t gpa, enum cpu_page_size size, bool validated)
{
	uint64_t pfn = gpa / PAGE_SIZE;
	uint64_t n = size == CPU_PAGE_2M ? PAGES_2M : 1;
	uint64_t i;

	/*@ split size; */ /* make verify: n exact, so i < pages is seen */
	if (val.map4k == NULL || pfn >= val.pages || n > val.pages - pfn) {
		return;
	}
	for (i = pfn; i < pfn + n; i++) {
		bit_put(val.map4k, i, validated);
	}
	/*
	 * The 2 MiB bit says how to invalidate the range: set by a 2 MiB
	 * validation, cleared by any change inside the range (a page in it
	 * changed state, so it is no longer one 2 MiB entry validated whole).
	 */
	bit_put(map2m(), pfn / PAGES_2M, size == CPU_PAGE_2M && validated);
}

/** True if the page at `gpa` is marked validated. */
bool valmap_test(uint64_t gpa)
{
	uint64_t pfn = gpa / PAGE_SIZE;

	return val.map4k != NULL && pfn < val.pages && bit_set(val.map4k, pfn);
}

/** True if the 2 MiB range holding `gpa` was validated as one entry. */
bool valmap_is_2m(uint64_t gpa)
{
	uint64_t pfn = gpa / PAGE_SIZE;

	return val.map4k != NULL && pfn < val.pages &&
	       bit_set(map2m(), pfn / PAGES_2M);
}

/*
 * Number of pages marked validated, counted from the map (no counter to
 * keep in step with it; for the tests).
 */
uint64_t valmap_count(void)
{
	uint64_t words = (val.pages + WORD_BITS - 1) / WORD_BITS;
	uint64_t w, n = 0;

	if (val.map4k == NULL) {
		return 0;
	}
	for (w = 0; w < words; w++) {
		uint64_t bits = val.map4k[w];

		/* No popcount builtin: the kernel links no libgcc. */
		for (; bits != 0; bits &= bits - 1) {
			n++;
		}
	}
	return n;
}

/** The first marked page at or after `from`: false if none. */
bool valmap_next(uint64_t from, uint64_t *gpa)
{
	uint64_t pfn = from / PAGE_SIZE;

	if (val.map4k == NULL) {
		return false;
	}
	while (pfn < val.pages) {
		uint64_t w = val.map4k[pfn / WORD_BITS] >> (pfn % WORD_BITS);

		if (w != 0) {
			pfn += (uint64_t)__builtin_ctzll(w);
			if (pfn >= val.pages) {
				return false;
			}
			*gpa = pfn * PAGE_SIZE;
			return true;
		}
		pfn = (pfn / WORD_BITS + 1) * WORD_BITS;
	}
	return false;
}
