/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of svsm/mm (the same sources as the hosted build) over
 * the kernel's real memory: page alignment, the direct map, slab caches,
 * kmalloc, fault injection and leak accounting.
 */
#include <stdint.h>
#include <string.h>

#include <kernel/ktest.h>
#include <x86/paging.h>
#include <svsm/mm.h>

KTEST(page_alloc_orders)
{
	size_t free_before = page_alloc_free_pages();
	unsigned int order;

	for (order = 0; order <= PAGE_ORDER_MAX; order++) {
		uint8_t *p = page_alloc(order);
		size_t bytes = PAGE_SIZE << order;

		KTEST_CHECK(p != NULL);
		KTEST_CHECK(((uintptr_t)p & (bytes - 1)) == 0);
		KTEST_CHECK(p[0] == 0 && p[bytes - 1] == 0);
		KTEST_CHECK(virt_to_phys(p) != 0);
		memset(p, 0xa5, bytes);
		page_free(p, order);
	}
	KTEST_CHECK(page_alloc_free_pages() == free_before);
	return true;
}

KTEST(page_alloc_reuses_zeroed)
{
	uint8_t *p = page_alloc(0);
	uint8_t *q;

	KTEST_CHECK(p != NULL);
	memset(p, 0xff, PAGE_SIZE);
	page_free(p, 0);
	q = page_alloc(0);
	KTEST_CHECK(q != NULL);
	KTEST_CHECK(q[0] == 0 && q[PAGE_SIZE - 1] == 0);
	page_free(q, 0);
	return true;
}

KTEST(slab_cache_objects)
{
	size_t before = mm_allocated_bytes();
	struct slab_cache *c = slab_cache_create("ktest", 48, 16);
	void *objs[100];
	int i;

	KTEST_CHECK(c != NULL);
	for (i = 0; i < 100; i++) {
		objs[i] = slab_alloc(c);
		KTEST_CHECK(objs[i] != NULL);
		KTEST_CHECK(((uintptr_t)objs[i] & 15) == 0);
		memset(objs[i], i, 48);
	}
	for (i = 0; i < 100; i++) {
		KTEST_CHECK(((uint8_t *)objs[i])[47] == (uint8_t)i);
		slab_free(c, objs[i]);
	}
	slab_cache_destroy(c);
	KTEST_CHECK(mm_allocated_bytes() == before);
	return true;
}

KTEST(kmalloc_sizes)
{
	size_t before = mm_allocated_bytes();
	static const size_t sizes[] = { 1, 16, 100, 2048, 2049, 20000 };
	unsigned int i;

	KTEST_CHECK(kmalloc(0) == NULL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = kzalloc(sizes[i]);

		KTEST_CHECK(p != NULL);
		KTEST_CHECK(p[0] == 0 && p[sizes[i] - 1] == 0);
		memset(p, 0x11, sizes[i]);
		kfree(p);
	}
	KTEST_CHECK(mm_allocated_bytes() == before);
	return true;
}

KTEST(alloc_fault_injection)
{
	void *p;

	alloc_fault_fail_nth(1);
	p = kmalloc(32);
	KTEST_CHECK(p == NULL);
	p = kmalloc(32);
	KTEST_CHECK(p != NULL);
	kfree(p);
	alloc_fault_fail_nth(2);
	p = page_alloc(0);
	KTEST_CHECK(p != NULL);
	KTEST_CHECK(page_alloc(0) == NULL);
	page_free(p, 0);
	alloc_fault_fail_nth(0);
	return true;
}
