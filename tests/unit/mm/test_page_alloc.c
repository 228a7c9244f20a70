/* SPDX-License-Identifier: MIT */
/* The buddy page allocator: orders, splitting, coalescing, regions, misuse. */
#include <stdlib.h>
#include <string.h>

#include "mm_test.h"

#define MAX_BLOCK (PAGE_SIZE << PAGE_ORDER_MAX)

static size_t baseline_blocks[PAGE_ORDER_MAX + 1];

static void save_blocks(void)
{
	unsigned int o;

	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		baseline_blocks[o] = page_alloc_free_blocks(o);
	}
}

static void assert_blocks_restored(void)
{
	unsigned int o;

	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		assert_int_equal(page_alloc_free_blocks(o), baseline_blocks[o]);
	}
}

/** Confirm that every order allocates an aligned, zeroed block and frees it. */
static void page_alloc_every_order(void **state)
{
	size_t free0 = page_alloc_free_pages();
	unsigned int o;

	save_blocks();
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		uint8_t *p = page_alloc(o);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % (PAGE_SIZE << o), 0);
		assert_int_equal(page_alloc_free_pages(), free0 - (1UL << o));
		assert_int_equal(mm_allocated_bytes(), PAGE_SIZE << o);
		assert_true(mm_test_all(p, PAGE_SIZE << o, 0));
		memset(p, 0xa5, PAGE_SIZE << o);
		page_free(p, o);
		assert_int_equal(page_alloc_free_pages(), free0);
		assert_int_equal(mm_allocated_bytes(), 0);
	}
	assert_blocks_restored();
}

static size_t pages_in_free_blocks(void)
{
	size_t pages = 0;
	unsigned int o;

	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		pages += page_alloc_free_blocks(o) << o;
	}
	return pages;
}

/**
 * Confirm over a random mix of allocations and frees that the free blocks
 * always add up to the free page count and that blocks never overlap.
 */
static void page_alloc_random_invariants(void **state)
{
	enum {
		SLOTS = 200
	};
	static struct {
		uint8_t *p;
		unsigned int order;
	} slot[SLOTS];
	size_t total = page_alloc_free_pages(), used = 0, i;
	unsigned int seed = 42, round;

	save_blocks();
	memset(slot, 0, sizeof(slot));
	for (round = 0; round < 20000; round++) {
		i = mm_test_rand(&seed) % SLOTS;
		if (slot[i].p) {
			assert_true(mm_test_all(slot[i].p,
						PAGE_SIZE << slot[i].order,
						(uint8_t)i));
			page_free(slot[i].p, slot[i].order);
			used -= 1UL << slot[i].order;
			slot[i].p = NULL;
		} else {
			slot[i].order = mm_test_rand(&seed) % 6;
			slot[i].p = page_alloc(slot[i].order);
			if (slot[i].p) {
				memset(slot[i].p, (int)i,
				       PAGE_SIZE << slot[i].order);
				used += 1UL << slot[i].order;
			}
		}
		assert_int_equal(page_alloc_free_pages(), total - used);
		assert_int_equal(pages_in_free_blocks(), total - used);
	}
	for (i = 0; i < SLOTS; i++) {
		page_free(slot[i].p, slot[i].order);
	}
	assert_blocks_restored();
}

/** Confirm that an order above the maximum fails without side effects. */
static void page_alloc_order_too_big(void **state)
{
	size_t free0 = page_alloc_free_pages();

	assert_null(page_alloc(PAGE_ORDER_MAX + 1));
	assert_null(page_alloc(~0U));
	assert_int_equal(page_alloc_free_pages(), free0);
	assert_int_equal(page_alloc_free_blocks(PAGE_ORDER_MAX + 1), 0);
}

/** Confirm that pages come back zeroed after a previous user dirtied them. */
static void page_alloc_zeroes_reused_pages(void **state)
{
	uint8_t *p = page_alloc(2), *q;

	assert_non_null(p);
	memset(p, 0xff, PAGE_SIZE << 2);
	page_free(p, 2);
	q = page_alloc(2);
	assert_ptr_equal(p, q); /* LIFO: the same block comes back */
	assert_true(mm_test_all(q, PAGE_SIZE << 2, 0));
	page_free(q, 2);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/**
 * Confirm that exhausting the allocator with single pages splits every
 * block, hands out each page once, then returns NULL, and that freeing
 * everything in a scrambled order merges back to the original blocks.
 */
static void page_alloc_split_exhaust_coalesce(void **state)
{
	size_t total = page_alloc_free_pages(), n = 0, i;
	uintptr_t *pages = calloc(total + 1, sizeof(*pages));

	assert_non_null(pages);
	save_blocks();
	while ((pages[n] = (uintptr_t)page_alloc(0)) != 0) {
		n++;
		assert_true(n <= total);
	}
	assert_int_equal(n, total);
	assert_int_equal(page_alloc_free_pages(), 0);
	assert_null(page_alloc(0));
	assert_null(page_alloc(PAGE_ORDER_MAX));
	qsort(pages, n, sizeof(*pages), cmp_ptr);
	for (i = 1; i < n; i++) {
		assert_true(pages[i] - pages[i - 1] >= PAGE_SIZE);
	}
	/* Free odd pages first, then even ones: no merge is possible early. */
	for (i = 1; i < n; i += 2) {
		page_free((void *)pages[i], 0);
	}
	assert_int_equal(page_alloc_free_blocks(1), 0);
	for (i = 0; i < n; i += 2) {
		page_free((void *)pages[i], 0);
	}
	assert_int_equal(page_alloc_free_pages(), total);
	assert_blocks_restored();
	assert_true(page_alloc_free_blocks(PAGE_ORDER_MAX) >= 3);
	free(pages);
}

/** Confirm that a mix of orders exhausts and coalesces back exactly. */
static void page_alloc_mixed_orders(void **state)
{
	size_t total = page_alloc_free_pages(), n = 0, i, got = 0;
	struct {
		void *p;
		unsigned int order;
	} *blocks = calloc(total, sizeof(*blocks));
	unsigned int order = 0;

	assert_non_null(blocks);
	save_blocks();
	for (;;) {
		void *p = page_alloc(order);

		if (!p) {
			if (order == 0) {
				break;
			}
			order = 0;
			continue;
		}
		assert_int_equal((uintptr_t)p % (PAGE_SIZE << order), 0);
		blocks[n].p = p;
		blocks[n].order = order;
		got += 1UL << order;
		n++;
		order = (order + 3) % (PAGE_ORDER_MAX + 1);
	}
	assert_int_equal(got, total);
	for (i = 0; i < n; i++) {
		size_t j = (i * 7919) % n; /* n is not a multiple of 7919 */

		if (blocks[j].p) {
			page_free(blocks[j].p, blocks[j].order);
			blocks[j].p = NULL;
		}
	}
	for (i = 0; i < n; i++) {
		page_free(blocks[i].p, blocks[i].order);
	}
	assert_int_equal(page_alloc_free_pages(), total);
	assert_blocks_restored();
	free(blocks);
}

/**
 * Confirm that a region with unaligned ends is rounded inwards, that its
 * descriptors come out of it, and that every block stays inside it and is
 * naturally aligned.
 */
static void page_alloc_odd_region(void **state)
{
	size_t bytes = (3UL << 20) + 12345, offset = 123, total, n = 0;
	uint8_t *base = mm_test_boot(bytes, offset);
	uintptr_t lo = ((uintptr_t)base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t hi = ((uintptr_t)base + bytes) & ~(PAGE_SIZE - 1);
	size_t pages = (hi - lo) / PAGE_SIZE;
	void *p;

	total = page_alloc_total_pages();
	assert_true(total < pages);
	assert_true(total >= pages - (pages * 32 + PAGE_SIZE - 1) / PAGE_SIZE);
	assert_int_equal(page_alloc_free_pages(), total);
	save_blocks();
	while ((p = page_alloc(0)) != NULL) {
		assert_true((uintptr_t)p >= lo &&
			    (uintptr_t)p + PAGE_SIZE <= hi);
		n++;
	}
	assert_int_equal(n, total);
	mm_test_boot(bytes, offset + 4096UL * 5);
	save_blocks();
	n = 0;
	while ((p = page_alloc(3)) != NULL) {
		assert_int_equal((uintptr_t)p % (PAGE_SIZE << 3), 0);
		n++;
	}
	assert_true(n > 0);
}

/** Confirm that empty, tiny, wrapping and overlapping regions are refused. */
static void page_alloc_region_refused(void **state)
{
	static uint8_t small[3 * 4096] __attribute__((aligned(4096)));
	uint8_t *base = mm_test_boot(1UL << 20, 0);
	size_t total = page_alloc_total_pages();

	assert_false(page_alloc_add_region(small, 0));
	assert_false(page_alloc_add_region(small + 1, PAGE_SIZE));
	assert_false(page_alloc_add_region(small, PAGE_SIZE)); /* all meta */
	assert_false(page_alloc_add_region((void *)(UINTPTR_MAX - 4095), 8192));
	assert_false(page_alloc_add_region(base + (512UL << 10), 1UL << 20));
	assert_false(page_alloc_add_region(base - PAGE_SIZE, 2 * PAGE_SIZE));
	assert_int_equal(page_alloc_total_pages(), total);
	/* A separate small region is accepted and used. */
	assert_true(page_alloc_add_region(small, sizeof(small)));
	assert_int_equal(page_alloc_total_pages(), total + 2);
}

/** Confirm that blocks from two regions never merge across them. */
static void page_alloc_two_regions(void **state)
{
	uint8_t *a = mm_test_boot(1UL << 20, 0);
	uint8_t *b = aligned_alloc(PAGE_SIZE, 64 * PAGE_SIZE);
	size_t total;

	assert_non_null(b);
	assert_true(page_alloc_add_region(b, 64 * PAGE_SIZE));
	total = page_alloc_total_pages();
	assert_int_equal(total, 254 + 63); /* minus descriptor pages */
	save_blocks();
	{
		void **all = calloc(total + 1, sizeof(void *));
		size_t n = 0, i;

		assert_non_null(all);
		while ((all[n] = page_alloc(0)) != NULL) {
			n++;
		}
		assert_int_equal(n, total);
		for (i = 0; i < n; i++) {
			page_free(all[(i * 101) % n], 0);
		}
		free(all);
	}
	assert_blocks_restored();
	mm_reset();
	free(b);
	(void)a;
}

/** Confirm that mm_reset() forgets every region. */
static void page_alloc_reset_forgets(void **state)
{
	assert_true(page_alloc_total_pages() > 0);
	mm_reset();
	assert_int_equal(page_alloc_total_pages(), 0);
	assert_int_equal(page_alloc_free_pages(), 0);
	assert_null(page_alloc(0));
	assert_null(kmalloc(8));
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that freeing a block twice panics. */
static void page_free_double(void **state)
{
	void *p = page_alloc(0);

	assert_non_null(p);
	page_free(p, 0);
	expect_assert_failure(mm_test_page_free(p, 0));
	assert_non_null(strstr(mm_test_panic_msg, "double"));
}

/** Confirm that freeing with the wrong order panics. */
static void page_free_wrong_order(void **state)
{
	void *p = page_alloc(1);

	assert_non_null(p);
	expect_assert_failure(mm_test_page_free(p, 0));
	expect_assert_failure(mm_test_page_free(p, 2));
	page_free(p, 1);
}

/** Confirm that freeing the middle of a block or an unaligned pointer panics. */
static void page_free_inside_block(void **state)
{
	uint8_t *p = page_alloc(2);

	assert_non_null(p);
	expect_assert_failure(mm_test_page_free(p + PAGE_SIZE, 0));
	expect_assert_failure(mm_test_page_free(p + 8, 0));
	page_free(p, 2);
}

/** Confirm that freeing memory outside every region panics. */
static void page_free_foreign(void **state)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));

	expect_assert_failure(mm_test_page_free(page, 0));
	expect_assert_failure(mm_test_page_free(page, PAGE_ORDER_MAX + 1));
	page_free(NULL, 0); /* ignored */
}

/** Confirm that page_free() refuses a kmalloc() block and vice versa. */
static void page_free_wrong_kind(void **state)
{
	void *big = kmalloc(3 * PAGE_SIZE);
	void *page = page_alloc(2);

	assert_non_null(big);
	assert_non_null(page);
	expect_assert_failure(mm_test_page_free(big, 2));
	expect_assert_failure(mm_test_kfree(page));
	kfree(big);
	page_free(page, 2);
}

int mm_test_run_page_alloc(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(page_alloc_every_order,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_alloc_random_invariants,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_alloc_order_too_big,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_alloc_zeroes_reused_pages,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(
			page_alloc_split_exhaust_coalesce, mm_test_setup,
			mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_alloc_mixed_orders,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_teardown(page_alloc_odd_region,
					  mm_test_teardown),
		cmocka_unit_test_teardown(page_alloc_region_refused,
					  mm_test_teardown),
		cmocka_unit_test_teardown(page_alloc_two_regions,
					  mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_alloc_reset_forgets,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_free_double, mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(
			page_free_wrong_order, mm_test_setup, mm_test_teardown),
		cmocka_unit_test_setup_teardown(page_free_inside_block,
						mm_test_setup,
						mm_test_teardown),
		cmocka_unit_test_setup_teardown(
			page_free_foreign, mm_test_setup, mm_test_teardown),
		cmocka_unit_test_setup_teardown(
			page_free_wrong_kind, mm_test_setup, mm_test_teardown),
	};

	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
