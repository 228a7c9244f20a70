/* SPDX-License-Identifier: MIT */
/* kmalloc: size classes, large sizes, zeroing, misuse. */
#include <stdlib.h>
#include <string.h>
#if defined(SVSM_ASAN)
#include <sanitizer/asan_interface.h>
#endif

#include "mm_test.h"

static size_t class_of(size_t size)
{
	size_t c = 16;

	while (c < size) {
		c <<= 1;
	}
	return c;
}

/** Confirm that every small size gets an aligned object of its class. */
static void kmalloc_size_classes(void **state)
{
	size_t size;

	for (size = 1; size <= 2048; size++) {
		size_t cls = class_of(size);
		uint8_t *p = kmalloc(size);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % cls, 0);
		assert_int_equal(mm_allocated_bytes(), cls);
		memset(p, 0xee, size);
		kfree(p);
		assert_int_equal(mm_allocated_bytes(), 0);
	}
}

/** Confirm that sizes of one class share its objects. */
static void kmalloc_class_shared(void **state)
{
	void *a = kmalloc(17), *b;

	assert_non_null(a);
	kfree(a);
	b = kmalloc(32);
	assert_ptr_equal(a, b);
	kfree(b);
	a = kmalloc(64);
	b = kmalloc(64);
	assert_non_null(a);
	assert_non_null(b);
	/* Two 64-byte objects share a page. */
	assert_int_equal((uintptr_t)a / PAGE_SIZE, (uintptr_t)b / PAGE_SIZE);
	kfree(a);
	kfree(b);
}

/** Confirm that large sizes get whole page blocks of the right order. */
static void kmalloc_large(void **state)
{
	static const struct {
		size_t size;
		unsigned int order;
	} cases[] = {
		{ 2049, 0 },
		{ PAGE_SIZE, 0 },
		{ PAGE_SIZE + 1, 1 },
		{ 3 * PAGE_SIZE, 2 },
		{ 5000, 1 },
		{ 1UL << 20, 8 },
		{ PAGE_SIZE << PAGE_ORDER_MAX, PAGE_ORDER_MAX },
	};
	size_t free0 = mm_test_free_pages(), i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p = kmalloc(cases[i].size);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % (PAGE_SIZE << cases[i].order),
				 0);
		assert_int_equal(free0 - page_alloc_free_pages(),
				 1UL << cases[i].order);
		assert_int_equal(mm_allocated_bytes(),
				 PAGE_SIZE << cases[i].order);
		assert_true(mm_test_all(p, cases[i].size, 0));
		memset(p, 0x11, cases[i].size);
		kfree(p);
		assert_int_equal(page_alloc_free_pages(), free0);
	}
}

/** Confirm that zero and impossible sizes give NULL. */
static void kmalloc_bad_sizes(void **state)
{
	assert_null(kmalloc(0));
	assert_null(kzalloc(0));
	assert_null(kmalloc((PAGE_SIZE << PAGE_ORDER_MAX) + 1));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kcalloc(SIZE_MAX / 2, 3));
	assert_null(kcalloc((size_t)1 << 33, (size_t)1 << 33));
	assert_null(kcalloc(0, 16));
	assert_int_equal(mm_allocated_bytes(), 0);
	kfree(NULL);
}

/** Confirm that kzalloc() and kcalloc() zero reused memory. */
static void kzalloc_zeroes(void **state)
{
	uint8_t *p = kmalloc(200), *q;
	size_t i;

	assert_non_null(p);
	memset(p, 0xff, 200);
	kfree(p);
	q = kzalloc(200);
	assert_ptr_equal(p, q);
	assert_true(mm_test_all(q, 200, 0));
	memset(q, 0xff, 200);
	kfree(q);
	q = kcalloc(10, 20);
	assert_ptr_equal(p, q);
	assert_true(mm_test_all(q, 200, 0));
	kfree(q);
	for (i = 1; i <= 3; i++) {
		q = kzalloc(i * 5000);
		assert_non_null(q);
		assert_true(mm_test_all(q, i * 5000, 0));
		memset(q, 0xff, i * 5000);
		kfree(q);
	}
}

/** Confirm that kfree() catches double frees and foreign pointers. */
static void kfree_bad(void **state)
{
	static uint64_t outside[4];
	uint8_t *p = kmalloc(100), *keep = kmalloc(100), *big = kmalloc(9000);

	assert_non_null(p);
	assert_non_null(keep);
	assert_non_null(big);
	mm_test_kfree(p);
	expect_assert_failure(mm_test_kfree(p));
	expect_assert_failure(mm_test_kfree(keep + 1));
	expect_assert_failure(mm_test_kfree(big + PAGE_SIZE));
	expect_assert_failure(mm_test_kfree(big + 16));
	expect_assert_failure(mm_test_kfree(outside));
	mm_test_kfree(big);
	expect_assert_failure(mm_test_kfree(big));
	kfree(keep);
}

/** Confirm that many live objects of every class never overlap. */
static void kmalloc_many(void **state)
{
	enum {
		N = 3000
	};
	uint8_t **p = calloc(N, sizeof(*p));
	unsigned int seed = 7;
	size_t *len = calloc(N, sizeof(*len));
	size_t i;

	assert_non_null(p);
	assert_non_null(len);
	for (i = 0; i < N; i++) {
		len[i] = 1 + (size_t)mm_test_rand(&seed) % 3000;
		p[i] = kmalloc(len[i]);
		assert_non_null(p[i]);
		memset(p[i], (int)(i & 0xff), len[i]);
	}
	for (i = 0; i < N; i++) {
		assert_true(mm_test_all(p[i], len[i], (uint8_t)(i & 0xff)));
		if (i % 2) {
			kfree(p[i]);
		}
	}
	for (i = 0; i < N; i += 2) {
		kfree(p[i]);
	}
	assert_int_equal(mm_allocated_bytes(), 0);
	free(p);
	free(len);
}

static void fill_seq(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		p[i] = (uint8_t)(i * 7 + 3);
	}
}

static int check_seq(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] != (uint8_t)(i * 7 + 3)) {
			return 0;
		}
	}
	return 1;
}

/** Confirm that krealloc() keeps contents across every kind of move. */
static void krealloc_keeps_contents(void **state)
{
	static const size_t sizes[] = { 10,   16,  17, 100,   2048, 2049,
					9000, 100, 5,  70000, 3 };
	uint8_t *p = NULL;
	size_t i, prev = 0;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *q = krealloc(p, sizes[i]);
		size_t keep = prev < sizes[i] ? prev : sizes[i];

		assert_non_null(q);
		assert_true(check_seq(q, keep));
		assert_true(ksize(q) >= sizes[i]);
		fill_seq(q, sizes[i]);
		p = q;
		prev = sizes[i];
	}
	/* Shrinking stays in place. */
	assert_ptr_equal(krealloc(p, 1), p);
	assert_null(krealloc(p, 0)); /* frees */
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that a failed krealloc() leaves the old object intact. */
static void krealloc_failure_keeps_old(void **state)
{
	uint8_t *p = kmalloc(40);
	unsigned long before;

	assert_non_null(p);
	fill_seq(p, 40);
	before = alloc_fault_attempts();
	alloc_fault_fail_nth(1);
	assert_null(krealloc(p, 4000));
	assert_int_equal(alloc_fault_attempts() - before, 1);
	assert_true(check_seq(p, 40));
	assert_null(krealloc(p, (PAGE_SIZE << PAGE_ORDER_MAX) + 1));
	assert_true(check_seq(p, 40));
	p = krealloc(p, 4000);
	assert_non_null(p);
	assert_true(check_seq(p, 40));
	kfree(p);
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm ksize() for classes, large blocks and slab caches. */
static void ksize_values(void **state)
{
	struct slab_cache *c = slab_cache_create("ks", 40, 0);
	void *a = kmalloc(1), *b = kmalloc(300), *big = kmalloc(5000);
	uint8_t *o = slab_alloc(c);

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(big);
	assert_non_null(o);
	assert_int_equal(ksize(NULL), 0);
	assert_int_equal(ksize(a), 16);
	assert_int_equal(ksize(b), 512);
	memset(b, 1, 512); /* all of it is usable (ASan agrees) */
	assert_int_equal(ksize(big), 2 * PAGE_SIZE);
	assert_int_equal(ksize(o), 40);
	expect_assert_failure(ksize(o + 8));
	expect_assert_failure(ksize((uint8_t *)big + 8));
	kfree(a);
	kfree(b);
	kfree(big);
	slab_free(c, o);
	slab_cache_destroy(c);
}

/** Confirm that kfree_sensitive() wipes the whole object or block. */
static void kfree_sensitive_wipes(void **state)
{
	uint8_t *p = kmalloc(100), *q, *big;

	assert_non_null(p);
	memset(p, 0xaa, 100);
	kfree_sensitive(p);
	q = kmalloc(128); /* the same object comes back */
	assert_ptr_equal(p, q);
	assert_true(mm_test_all(q + 8, 120, 0)); /* past the free header */
	kfree(q);

	big = kmalloc(10000);
	assert_non_null(big);
	memset(big, 0x55, 10000);
	mm_test_kfree(big);
	/* A plain kfree() leaves the data (freed pages stay addressable). */
	assert_true(mm_test_all(big + 16, 100, 0x55));
	big = kmalloc(10000);
	assert_non_null(big);
	memset(big, 0x55, 10000);
	kfree_sensitive(big);
	assert_true(mm_test_all(big, 4 * PAGE_SIZE, 0));
	kfree_sensitive(NULL);
}

/** Confirm that kfree_sensitive() still catches a double free. */
static void kfree_sensitive_double(void **state)
{
	void *p = kmalloc(64), *keep = kmalloc(64);

	assert_non_null(p);
	assert_non_null(keep);
	kfree_sensitive(p);
	expect_assert_failure(mm_test_kfree_sensitive(p));
	kfree(keep);
}

/** Confirm that the statistics snapshot agrees with the single calls. */
static void mm_stats_snapshot(void **state)
{
	struct mm_stats st;
	struct slab_cache *c = slab_cache_create("stats", 5000, 0);
	void *a = kmalloc(64), *b = slab_alloc(c), *pg = page_alloc(3);
	size_t pages = 0;
	unsigned int o;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(pg);
	mm_stats_get(&st);
	assert_int_equal(st.total_pages, page_alloc_total_pages());
	assert_int_equal(st.free_pages, page_alloc_free_pages());
	assert_int_equal(st.alloc_bytes, mm_allocated_bytes());
	assert_int_equal(st.alloc_bytes, 64 + 5000 + 8 * PAGE_SIZE + 128);
	assert_int_equal(st.alloc_attempts, alloc_fault_attempts());
	assert_int_equal(st.slab_caches, 9); /* 8 size classes + "stats" */
	/* kmalloc-64 and kmalloc-128 (the cache struct): a page each; 5000
	 * bytes: 3 objects in a 4-page slab wastes under 1/8. */
	assert_int_equal(st.slab_pages, 1 + 1 + 4);
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		pages += st.free_blocks[o] << o;
	}
	assert_int_equal(pages, st.free_pages);
	assert_int_equal(st.total_pages - st.free_pages, st.slab_pages + 8);
	kfree(a);
	slab_free(c, b);
	page_free(pg, 3);
	slab_cache_destroy(c);
}

#if defined(SVSM_ASAN)
/**
 * Confirm that in ASan builds the bytes past a kmalloc() size and freed
 * objects are poisoned, so that overflows and uses after free are reported.
 */
static void kmalloc_asan_poison(void **state)
{
	uint8_t *p = kmalloc(24), *big = kmalloc(5000), *q;

	assert_non_null(p);
	assert_non_null(big);
	assert_false(__asan_region_is_poisoned(p, 24));
	assert_true(__asan_address_is_poisoned(p + 24));
	assert_false(__asan_region_is_poisoned(big, 5000));
	assert_true(__asan_address_is_poisoned(big + 5000));
	kfree(p);
	assert_true(__asan_address_is_poisoned(p + 8));
	assert_true(__asan_address_is_poisoned(p + 31));
	q = kmalloc(32);
	assert_ptr_equal(p, q);
	assert_false(__asan_region_is_poisoned(q, 32));
	kfree(q);
	kfree(big);
	/*
	 * Pages go back addressable (other code may own them next). Only the
	 * address of the freed block is used here, never its contents.
	 */
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
	assert_false(__asan_region_is_poisoned(big, 2 * PAGE_SIZE));
}

/** Confirm that mm_reset() and adding a region clear stale poison. */
static void asan_poison_cleared(void **state)
{
	static uint8_t other[8 * 4096] __attribute__((aligned(4096)));
	uint8_t *p = kmalloc(24);

	assert_non_null(p);
	kfree(p);
	assert_true(__asan_address_is_poisoned(p + 8));
	mm_reset();
	assert_false(__asan_address_is_poisoned(p + 8));
	/* Poison left by someone else is cleared when a region is added. */
	__asan_poison_memory_region(other + PAGE_SIZE, PAGE_SIZE);
	assert_true(page_alloc_add_region(other, sizeof(other)));
	assert_false(__asan_region_is_poisoned(other, sizeof(other)));
}
#endif

int mm_test_run_kmalloc(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(kmalloc_size_classes),
		MM_TEST(kmalloc_class_shared),
		MM_TEST(kmalloc_large),
		MM_TEST(kmalloc_bad_sizes),
		MM_TEST(kzalloc_zeroes),
		MM_TEST(kfree_bad),
		MM_TEST(kmalloc_many),
		MM_TEST(krealloc_keeps_contents),
		MM_TEST(krealloc_failure_keeps_old),
		MM_TEST(ksize_values),
		MM_TEST(kfree_sensitive_wipes),
		MM_TEST(kfree_sensitive_double),
		MM_TEST(mm_stats_snapshot),
#if defined(SVSM_ASAN)
		MM_TEST(kmalloc_asan_poison),
		MM_TEST(asan_poison_cleared),
#endif
	};

	return cmocka_run_group_tests_name("kmalloc", tests, NULL, NULL);
}
