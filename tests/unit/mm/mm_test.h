/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the svsm/mm unit tests: each test gets a fresh
 * allocator over a fresh region; panics become cmocka assertion failures
 * (so `expect_assert_failure()` catches CHECK() and bad frees).
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "svsm/mm.h"

/** Default test region: 16 MiB, 4 MiB aligned. */
#define MM_TEST_REGION (16UL << 20)

/** Message of the last panic(). */
extern char mm_test_panic_msg[256];

/** mm_reset() and a fresh region of `bytes` at `offset` in a buffer
 * aligned to 4 MiB; returns the region's first byte. */
void *mm_test_boot(size_t bytes, size_t offset);
/** Group setup: mm_test_boot(MM_TEST_REGION, 0). */
int mm_test_setup(void **state);
/** Group teardown: mm_reset() and free the buffers. */
int mm_test_teardown(void **state);
/** A test with a fresh allocator over the default region. */
#define MM_TEST(f)                                                             \
	cmocka_unit_test_setup_teardown(f, mm_test_setup, mm_test_teardown)

/*
 * Deliberate misuse goes through these (defined in another file, so that
 * static analysers that know kfree() do not flag the tests themselves).
 */
void mm_test_kfree(void *p);
void mm_test_kfree_sensitive(void *p);
void mm_test_page_free(void *p, unsigned int order);
void mm_test_slab_free(struct slab_cache *cache, void *p);
/** A small deterministic pseudo-random sequence. */
unsigned int mm_test_rand(unsigned int *seed);

/** Free pages after mm_shrink(). */
size_t mm_test_free_pages(void);
/** True if `len` bytes at `p` are all `byte`. */
int mm_test_all(const void *p, size_t len, uint8_t byte);

int mm_test_run_page_alloc(void);
int mm_test_run_slab(void);
int mm_test_run_kmalloc(void);
int mm_test_run_fault(void);
int mm_test_run_stress(void);
