/* SPDX-License-Identifier: MIT */
/* Slab caches: layout, reuse, returning empty slabs, misuse. */
#include <stdlib.h>
#include <string.h>

#include "mm_test.h"
#include "../../../svsm/mm/internal.h"

/** Confirm that objects are distinct, aligned, writable and reused LIFO. */
static void slab_alloc_reuse(void **state)
{
	struct slab_cache *c = slab_cache_create("test-24", 24, 8);
	size_t base = mm_allocated_bytes(), i, j;
	uint8_t *obj[400];

	assert_non_null(c);
	assert_true(base > 0); /* the cache itself */
	for (i = 0; i < 400; i++) {
		obj[i] = slab_alloc(c);
		assert_non_null(obj[i]);
		assert_int_equal((uintptr_t)obj[i] % 8, 0);
		memset(obj[i], (int)i, 24);
	}
	for (i = 0; i < 400; i++) {
		assert_true(mm_test_all(obj[i], 24, (uint8_t)i));
		for (j = i + 1; j < 400; j++) {
			assert_true(obj[i] + 24 <= obj[j] ||
				    obj[j] + 24 <= obj[i]);
		}
	}
	assert_int_equal(mm_allocated_bytes(), base + (size_t)400 * 24);
	slab_free(c, obj[17]);
	assert_ptr_equal(slab_alloc(c), obj[17]);
	for (i = 0; i < 400; i++) {
		slab_free(c, obj[i]);
	}
	slab_cache_destroy(c);
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that alignment requests are honoured, up to a page. */
static void slab_alignment(void **state)
{
	size_t align;

	for (align = 1; align <= PAGE_SIZE; align <<= 1) {
		struct slab_cache *c = slab_cache_create("aligned", 40, align);
		void *a, *b;

		assert_non_null(c);
		a = slab_alloc(c);
		b = slab_alloc(c);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal((uintptr_t)a % align, 0);
		assert_int_equal((uintptr_t)b % align, 0);
		slab_free(c, a);
		slab_free(c, b);
		slab_cache_destroy(c);
	}
}

/** Confirm that bad sizes and alignments are refused. */
static void slab_create_invalid(void **state)
{
	assert_null(slab_cache_create("zero", 0, 8));
	assert_null(slab_cache_create("align3", 16, 3));
	assert_null(slab_cache_create("bigalign", 16, 2 * PAGE_SIZE));
	assert_null(slab_cache_create("huge", (32UL << 10) + 1, 8));
	assert_null(slab_cache_create("wrap", SIZE_MAX, 8));
	assert_int_equal(mm_allocated_bytes(), 0);
}

/* A structure full of 0xa5 bytes, as kmalloc() memory may be. */
static void slab_dirty(struct slab_cache *c)
{
	memset(c, 0xa5, sizeof(*c));
}

/**
 * Confirm that mm_slab_init() sets every field of a dirty structure, copies
 * the name bounded and NUL-terminated, and leaves the structure alone when
 * it rejects the layout.
 */
static void slab_init_fields(void **state)
{
	static const char long_name[] = "a-cache-name-longer-than-its-field";
	struct slab_cache c, before;
	size_t i;

	slab_dirty(&c);
	before = c;
	assert_false(mm_slab_init(&c, "bad", 16, 3));
	assert_memory_equal(&c, &before, sizeof(c));
	assert_true(mm_slab_init(&c, long_name, 24, 0));
	assert_int_equal(c.size, 24);
	assert_int_equal(c.stride, 24);
	assert_int_equal(c.order, 0);
	assert_int_equal(c.objs, PAGE_SIZE / 24);
	assert_false(c.is_static);
	assert_null(c.partial);
	assert_null(c.spare);
	assert_null(c.list_next);
	assert_null(c.list_prev);
	assert_int_equal(c.inuse, 0);
	assert_int_equal(c.slabs, 0);
	assert_int_equal(c.attempts, 0);
	assert_memory_equal(c.name, long_name, SLAB_NAME_MAX - 1);
	assert_int_equal(c.name[SLAB_NAME_MAX - 1], '\0');

	slab_dirty(&c);
	assert_true(mm_slab_init(&c, "ab", 100, 64));
	assert_int_equal(c.stride, 128);
	assert_string_equal(c.name, "ab");
	for (i = 2; i < SLAB_NAME_MAX; i++) {
		assert_int_equal(c.name[i], '\0');
	}
	slab_dirty(&c);
	assert_true(mm_slab_init(&c, NULL, 8, 0));
	for (i = 0; i < SLAB_NAME_MAX; i++) {
		assert_int_equal(c.name[i], '\0');
	}
}

/** Confirm that empty slabs go back to the page allocator (one is kept). */
static void slab_empty_slabs_returned(void **state)
{
	struct slab_cache *c = slab_cache_create("page-ish", 1024, 0);
	size_t free0, i;
	void *obj[12];

	assert_non_null(c);
	free0 = mm_test_free_pages();
	for (i = 0; i < 12; i++) {
		obj[i] = slab_alloc(c);
		assert_non_null(obj[i]);
	}
	assert_int_equal(page_alloc_free_pages(), free0 - 3);
	for (i = 0; i < 12; i++) {
		slab_free(c, obj[i]);
	}
	/* Two slabs went back; one stays as the spare. */
	assert_int_equal(page_alloc_free_pages(), free0 - 1);
	mm_shrink();
	assert_int_equal(page_alloc_free_pages(), free0);
	slab_cache_destroy(c);
}

/** Confirm that big objects get multi-page slabs and free from any page. */
static void slab_big_objects(void **state)
{
	struct slab_cache *c = slab_cache_create("big", 3000, 64);
	size_t free0 = mm_test_free_pages(), i;
	uint8_t *obj[32];

	assert_non_null(c);
	for (i = 0; i < 32; i++) {
		obj[i] = slab_alloc(c);
		assert_non_null(obj[i]);
		assert_int_equal((uintptr_t)obj[i] % 64, 0);
		memset(obj[i], 0x5a, 3000);
	}
	/* 3008-byte stride: 5 objects per 4-page slab (waste < 1/8). */
	assert_int_equal(free0 - page_alloc_free_pages(), 7 * 4);
	for (i = 0; i < 32; i++) {
		assert_int_equal(ksize(obj[i]), 3000);
		if (i % 2) {
			kfree(obj[i]); /* kfree() finds the cache too */
		} else {
			slab_free(c, obj[i]);
		}
	}
	slab_cache_destroy(c);
	assert_int_equal(mm_test_free_pages(), free0 + 1);
}

/** Confirm that a double free is caught while the slab is partly used. */
static void slab_double_free(void **state)
{
	struct slab_cache *c = slab_cache_create("df", 64, 0);
	void *a = slab_alloc(c), *b = slab_alloc(c);

	assert_non_null(a);
	assert_non_null(b);
	slab_free(c, a);
	expect_assert_failure(mm_test_slab_free(c, a));
	assert_non_null(strstr(mm_test_panic_msg, "double free"));
	slab_free(c, b);
	/* Now the slab is the empty spare: still caught. */
	expect_assert_failure(mm_test_slab_free(c, b));
	slab_cache_destroy(c);
}

/** Confirm that a double free is caught even with the free header wiped. */
static void slab_double_free_wiped(void **state)
{
	struct slab_cache *c = slab_cache_create("dfw", 64, 0);
	uint8_t *a = slab_alloc(c);

	assert_non_null(a);
	slab_free(c, a);
	memset(a, 0, 8); /* the slab is now empty: caught by its use count */
	expect_assert_failure(mm_test_slab_free(c, a));
}

/** Confirm that live data looking like a free object is not a double free. */
static void slab_magic_lookalike(void **state)
{
	struct slab_cache *c = slab_cache_create("look", 32, 0);
	uint32_t *a = slab_alloc(c), *b = slab_alloc(c);

	assert_non_null(a);
	assert_non_null(b);
	slab_free(c, b);
	memcpy(a, b, 8); /* copy a free object's header into a live one */
	slab_free(c, a);
	slab_cache_destroy(c);
}

/** Confirm that frees to the wrong cache or of odd pointers panic. */
static void slab_bad_free(void **state)
{
	struct slab_cache *c = slab_cache_create("one", 64, 0);
	struct slab_cache *d = slab_cache_create("two", 64, 0);
	uint8_t *a = slab_alloc(c);
	void *page = page_alloc(0);

	assert_non_null(a);
	assert_non_null(page);
	expect_assert_failure(mm_test_slab_free(d, a));
	expect_assert_failure(mm_test_slab_free(c, a + 8));
	expect_assert_failure(
		mm_test_slab_free(c, a + 64)); /* never handed out */
	expect_assert_failure(mm_test_slab_free(c, page));
	expect_assert_failure(mm_test_slab_free(c, &c));
	slab_free(c, NULL);
	slab_free(c, a);
	page_free(page, 0);
	slab_cache_destroy(c);
	slab_cache_destroy(d);
	slab_cache_destroy(NULL);
}

/** Confirm that destroying a cache with live objects panics. */
static void slab_destroy_busy(void **state)
{
	struct slab_cache *c = slab_cache_create("busy", 64, 0);
	void *a = slab_alloc(c);

	assert_non_null(a);
	expect_assert_failure(slab_cache_destroy(c));
	assert_non_null(strstr(mm_test_panic_msg, "busy"));
	slab_free(c, a);
	slab_cache_destroy(c);
}

/** Confirm that a write to a free object is caught when it is reused. */
static void slab_write_after_free(void **state)
{
	struct slab_cache *c = slab_cache_create("waf", 64, 0);
	uint8_t *a = slab_alloc(c);

	assert_non_null(a);
	slab_free(c, a);
	memset(a, 0, 8); /* the free-object header stays addressable */
	expect_assert_failure(slab_alloc(c));
	assert_non_null(strstr(mm_test_panic_msg, "overwritten"));
}

/*
 * Confirm that a free-list link overwritten after free is caught by the
 * double-free walk, not followed outside the slab.
 */
static void slab_free_list_link_overwritten(void **state)
{
	struct slab_cache *c = slab_cache_create("link", 1024, 0);
	uint8_t *a = slab_alloc(c), *b = slab_alloc(c), *live = slab_alloc(c);
	uint16_t far = 0xfffe; /* 64 MiB past the slab */

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(live);
	slab_free(c, a);
	slab_free(c, b);	      /* the free list is now b -> a */
	memcpy(b, &far, sizeof(far)); /* the link; the magic stays */
	expect_assert_failure(mm_test_slab_free(c, a));
	assert_non_null(strstr(mm_test_panic_msg, "overwritten"));
}

/** Confirm that creating a cache with no memory left fails cleanly. */
static void slab_create_no_memory(void **state)
{
	size_t cap = page_alloc_free_pages() + 1, n = 0;
	void **pages = calloc(cap, sizeof(void *));

	assert_non_null(pages);
	while ((pages[n] = page_alloc(0)) != NULL) {
		n++;
	}
	assert_null(slab_cache_create("none", 64, 0));
	assert_null(kmalloc(64));
	while (n > 0) {
		page_free(pages[--n], 0);
	}
	free(pages);
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that exhaustion gives NULL and memory comes back afterwards. */
static void slab_exhaustion(void **state)
{
	struct slab_cache *c = slab_cache_create("fill", 2048, 0);
	size_t n = 0, cap = 2 * page_alloc_free_pages() + 1, i;
	void **objs = calloc(cap, sizeof(void *));

	assert_non_null(c);
	assert_non_null(objs);
	while ((objs[n] = slab_alloc(c)) != NULL) {
		n++;
		assert_true(n < cap);
	}
	assert_int_equal(page_alloc_free_pages(), 0);
	assert_null(page_alloc(0));
	for (i = 0; i < n; i++) {
		slab_free(c, objs[i]);
	}
	/* The spare slab is reclaimed by a page_alloc() that needs it. */
	cap = page_alloc_free_pages();
	n = 0;
	while ((objs[n] = page_alloc(0)) != NULL) {
		n++;
	}
	assert_int_equal(n, cap + 1);
	for (i = 0; i < n; i++) {
		page_free(objs[i], 0);
	}
	slab_cache_destroy(c);
	free(objs);
}

int mm_test_run_slab(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(slab_alloc_reuse),
		MM_TEST(slab_alignment),
		MM_TEST(slab_create_invalid),
		MM_TEST(slab_init_fields),
		MM_TEST(slab_empty_slabs_returned),
		MM_TEST(slab_big_objects),
		MM_TEST(slab_double_free),
		MM_TEST(slab_double_free_wiped),
		MM_TEST(slab_magic_lookalike),
		MM_TEST(slab_bad_free),
		MM_TEST(slab_destroy_busy),
		MM_TEST(slab_write_after_free),
		MM_TEST(slab_free_list_link_overwritten),
		MM_TEST(slab_create_no_memory),
		MM_TEST(slab_exhaustion),
	};

	return cmocka_run_group_tests_name("slab", tests, NULL, NULL);
}
