/* SPDX-License-Identifier: MIT */
/* Runs every svsm/mm test group; fails if any test failed. */
#include <stdlib.h>

#include "mm_test.h"

/**
 * Confirm that a process that never called mm_reset() gets one from its
 * first page_alloc_add_region(): kmalloc() works straight away. This must
 * run before anything else touches the allocator.
 */
static void boot_without_reset(void **state)
{
	void *buf = aligned_alloc(PAGE_SIZE, 64 * PAGE_SIZE), *p;

	assert_non_null(buf);
	assert_null(kmalloc(64)); /* no memory yet */
	assert_true(page_alloc_add_region(buf, 64 * PAGE_SIZE));
	p = kmalloc(64);
	assert_non_null(p);
	assert_int_equal(mm_allocated_bytes(), 64);
	kfree(p);
	mm_reset();
	free(buf);
}

int main(void)
{
	const struct CMUnitTest first[] = {
		cmocka_unit_test(boot_without_reset),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("boot", first, NULL, NULL);
	failed += mm_test_run_page_alloc();
	failed += mm_test_run_slab();
	failed += mm_test_run_kmalloc();
	failed += mm_test_run_fault();
	failed += mm_test_run_stress();
	return failed ? 1 : 0;
}
