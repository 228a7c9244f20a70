/* SPDX-License-Identifier: MIT */
/* Fault injection: each attempt counts once, and the n-th one fails. */
#include <string.h>

#include "mm_test.h"

/*
 * A caller that allocates a little of everything and unwinds on failure.
 * Returns the number of the step that failed (1-based), 0 if none did.
 */
static unsigned int scenario(void)
{
	struct slab_cache *cache;
	void *a, *b, *c, *d, *e, *f, *g;
	unsigned int failed = 0;

	cache = slab_cache_create("scenario", 100, 16);
	if (!cache) {
		return 1;
	}
	a = slab_alloc(cache);
	if (!a) {
		failed = 2;
		goto out_cache;
	}
	b = kmalloc(64);
	if (!b) {
		failed = 3;
		goto out_a;
	}
	c = page_alloc(3);
	if (!c) {
		failed = 4;
		goto out_b;
	}
	d = kzalloc(10000);
	if (!d) {
		failed = 5;
		goto out_c;
	}
	e = kcalloc(4, 100);
	if (!e) {
		failed = 6;
		goto out_d;
	}
	f = slab_alloc(cache);
	if (!f) {
		failed = 7;
		goto out_e;
	}
	g = kmalloc(2048);
	if (!g) {
		failed = 8;
		goto out_f;
	}
	kfree(g);
out_f:
	slab_free(cache, f);
out_e:
	kfree(e);
out_d:
	kfree(d);
out_c:
	page_free(c, 3);
out_b:
	kfree(b);
out_a:
	slab_free(cache, a);
out_cache:
	slab_cache_destroy(cache);
	return failed;
}

/**
 * Confirm that the scenario makes one attempt per call, and that failing
 * each attempt in turn fails exactly that call and leaks nothing.
 */
static void fault_every_attempt(void **state)
{
	size_t bytes0 = mm_allocated_bytes(), free0 = mm_test_free_pages();
	unsigned long before = alloc_fault_attempts(), attempts, n;

	assert_int_equal(scenario(), 0);
	attempts = alloc_fault_attempts() - before;
	assert_int_equal(attempts, 8);
	for (n = 1; n <= attempts; n++) {
		before = alloc_fault_attempts();
		alloc_fault_fail_nth(n);
		assert_int_equal(scenario(), n);
		assert_int_equal(alloc_fault_attempts() - before, n);
		assert_int_equal(mm_allocated_bytes(), bytes0);
		assert_int_equal(mm_test_free_pages(), free0);
	}
	/* Injection is one-shot: the next run succeeds. */
	assert_int_equal(scenario(), 0);
}

/** Confirm that a kmalloc() that needs a new slab page is one attempt. */
static void fault_kmalloc_counts_once(void **state)
{
	unsigned long before = alloc_fault_attempts();
	void *p = kmalloc(512); /* first object: a new slab page */

	assert_non_null(p);
	assert_int_equal(alloc_fault_attempts() - before, 1);
	kfree(p);
	before = alloc_fault_attempts();
	alloc_fault_fail_nth(1);
	assert_null(kmalloc(64));
	assert_int_equal(alloc_fault_attempts() - before, 1);
	p = kmalloc(64);
	assert_non_null(p);
	kfree(p);
}

/** Confirm that every allocating call counts once, failures included. */
static void fault_counts_every_call(void **state)
{
	unsigned long before = alloc_fault_attempts();
	struct slab_cache *c = slab_cache_create("count", 8, 0);
	void *p;

	assert_non_null(c);
	p = slab_alloc(c);
	slab_free(c, p);
	kfree(kmalloc(1));
	kfree(kmalloc(20000));
	kfree(kzalloc(30));
	kfree(kcalloc(3, 3));
	assert_null(kmalloc(0));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kcalloc(SIZE_MAX, 2));
	assert_null(page_alloc(PAGE_ORDER_MAX + 1));
	page_free(page_alloc(0), 0);
	assert_int_equal(alloc_fault_attempts() - before, 11);
	/* Destroying a cache keeps its attempts in the total. */
	slab_cache_destroy(c);
	assert_int_equal(alloc_fault_attempts() - before, 11);
	/* Armed, the same calls count the same. */
	alloc_fault_fail_nth(1000);
	before = alloc_fault_attempts();
	assert_null(kmalloc(0));
	kfree(kmalloc(100));
	page_free(page_alloc(1), 1);
	assert_int_equal(alloc_fault_attempts() - before, 3);
	alloc_fault_fail_nth(0);
}

/** Confirm that n counts from now, and that 0 turns injection off. */
static void fault_nth_from_now(void **state)
{
	void *p[3];

	alloc_fault_fail_nth(3);
	p[0] = kmalloc(8);
	p[1] = page_alloc(0);
	p[2] = kmalloc(8);
	assert_non_null(p[0]);
	assert_non_null(p[1]);
	assert_null(p[2]);
	kfree(p[0]);
	page_free(p[1], 0);

	alloc_fault_fail_nth(1);
	alloc_fault_fail_nth(0);
	p[0] = kmalloc(8);
	assert_non_null(p[0]);
	kfree(p[0]);
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that mm_reset() restarts the attempt count. */
static void fault_reset_counts(void **state)
{
	void *p = kmalloc(8);

	assert_non_null(p);
	assert_true(alloc_fault_attempts() > 0);
	alloc_fault_fail_nth(5);
	mm_reset();
	assert_int_equal(alloc_fault_attempts(), 0);
	mm_test_boot(1UL << 20, 0);
	for (int i = 0; i < 10; i++) {
		p = kmalloc(8);
		assert_non_null(p); /* the armed failure was forgotten */
		kfree(p);
	}
}

int mm_test_run_fault(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(fault_every_attempt),
		MM_TEST(fault_kmalloc_counts_once),
		MM_TEST(fault_counts_every_call),
		MM_TEST(fault_nth_from_now),
		MM_TEST(fault_reset_counts),
	};

	return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
