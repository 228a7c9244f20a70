/* SPDX-License-Identifier: MIT */
/* Runs every svsm/mm test group; fails if any test failed. */
#include "mm_test.h"

int main(void)
{
	int failed = 0;

	failed += mm_test_run_page_alloc();
	failed += mm_test_run_slab();
	failed += mm_test_run_kmalloc();
	failed += mm_test_run_fault();
	failed += mm_test_run_stress();
	return failed ? 1 : 0;
}
