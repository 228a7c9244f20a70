/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the input is a program of allocator operations over a
 * small region. After every step the free blocks must add up to the free
 * page count; every live allocation keeps a pattern that is checked when it
 * is freed; at the end everything is freed and the allocator must be back
 * where it started (same free blocks, nothing allocated). Any panic (a
 * CHECK, or a bad free the harness should never make) aborts: a finding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm.h"

#define REGION (2UL << 20)
#define SLOTS 32

enum log_level log_level_max = LOG_ERROR;

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
}

void log_printf(enum log_level level, const char *fmt, ...)
{
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

enum kind {
	KIND_NONE,
	KIND_KMALLOC,
	KIND_PAGES,
	KIND_SLAB,
};

struct slot {
	uint8_t *p;
	size_t len;
	unsigned int order;
	enum kind kind;
	uint8_t tag;
};

static struct slot slots[SLOTS];
static struct slab_cache *cache;
static size_t blocks0[PAGE_ORDER_MAX + 1];

static void check_blocks(void)
{
	size_t pages = 0;
	unsigned int o;

	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		pages += page_alloc_free_blocks(o) << o;
	}
	if (pages != page_alloc_free_pages()) {
		panic("fuzz-mm: free blocks hold %zu pages, count says %zu",
		      pages, page_alloc_free_pages());
	}
}

/*
 * The first byte of p[0..len) that is not `v`, or len. The harness's
 * byte checks are not what is fuzzed: with coverage callbacks on each
 * byte they took most of every execution (136 execs/s here, 1,600 without
 * them), so they run uninstrumented and, when all is well, as a memcmp.
 */
__attribute__((no_sanitize("coverage"), noinline)) static size_t
first_not(const uint8_t *p, size_t len, uint8_t v)
{
	size_t i;

	/* All bytes equal to the first, in one (vectorised) pass. */
	if (len == 0 || (p[0] == v && memcmp(p, p + 1, len - 1) == 0)) {
		return len;
	}
	for (i = 0; i < len; i++) {
		if (p[i] != v) {
			break;
		}
	}
	return i;
}

static void slot_check(const struct slot *s)
{
	size_t i = first_not(s->p, s->len, s->tag);

	if (i != s->len) {
		panic("fuzz-mm: allocation %p changed at %zu", (void *)s->p, i);
	}
}

static void slot_free(struct slot *s)
{
	slot_check(s);
	switch (s->kind) {
	case KIND_KMALLOC:
		if (s->tag & 1) {
			kfree_sensitive(s->p);
		} else {
			kfree(s->p);
		}
		break;
	case KIND_PAGES:
		page_free(s->p, s->order);
		break;
	case KIND_SLAB:
		slab_free(cache, s->p);
		break;
	case KIND_NONE:
		break;
	}
	memset(s, 0, sizeof(*s));
}

static void slot_fill(struct slot *s, uint8_t tag)
{
	s->tag = tag;
	memset(s->p, tag, s->len);
}

/* One operation from 3 input bytes. */
static void step(const uint8_t *op, uint8_t tag)
{
	struct slot *s = &slots[op[1] % SLOTS];
	size_t size = ((size_t)op[1] << 8 | op[2]) % 9000 + 1;
	uint8_t *p;

	if (s->kind != KIND_NONE && (op[0] & 7) != 5) {
		slot_free(s);
		return;
	}
	switch (op[0] & 7) {
	case 0:
	case 1:
		s->p = (op[0] & 8) ? kzalloc(size) : kmalloc(size);
		s->len = size;
		s->kind = KIND_KMALLOC;
		break;
	case 2:
		s->order = op[2] % 6;
		s->p = page_alloc(s->order);
		s->len = PAGE_SIZE << s->order;
		s->kind = KIND_PAGES;
		break;
	case 3:
		s->p = slab_alloc(cache);
		s->len = 200;
		s->kind = KIND_SLAB;
		break;
	case 4:
		alloc_fault_fail_nth(op[2] % 4);
		return;
	case 5:
		if (s->kind != KIND_KMALLOC) {
			return;
		}
		p = krealloc(s->p, size);
		if (p) {
			/* The old contents survive up to the smaller size. */
			s->p = p;
			s->len = size < s->len ? size : s->len;
			slot_check(s);
			s->len = size;
			slot_fill(s, tag);
		}
		return;
	default:
		mm_shrink();
		return;
	}
	if (!s->p) {
		memset(s, 0, sizeof(*s));
		return;
	}
	/* Pages, kzalloc() and large kmalloc() blocks come zeroed. */
	if (s->kind == KIND_PAGES ||
	    (s->kind == KIND_KMALLOC && ((op[0] & 8) || size > 2048))) {
		if (first_not(s->p, s->len, 0) != s->len) {
			panic("fuzz-mm: %p not zeroed", (void *)s->p);
		}
	}
	slot_fill(s, tag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *region;
	unsigned int o;
	size_t i;

	if (!region) {
		region = aligned_alloc(REGION, REGION);
		if (!region) {
			abort();
		}
	}
	mm_reset();
	if (!page_alloc_add_region(region, REGION)) {
		abort();
	}
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		blocks0[o] = page_alloc_free_blocks(o);
	}
	cache = slab_cache_create("fuzz", 200, 8);
	if (!cache) {
		abort();
	}
	memset(slots, 0, sizeof(slots));
	for (i = 0; i + 3 <= size && i < 3 * 2000; i += 3) {
		step(data + i, (uint8_t)(i / 3));
		check_blocks();
	}
	alloc_fault_fail_nth(0);
	for (i = 0; i < SLOTS; i++) {
		slot_free(&slots[i]);
	}
	slab_cache_destroy(cache);
	mm_shrink();
	if (mm_allocated_bytes() != 0) {
		panic("fuzz-mm: %zu bytes leaked", mm_allocated_bytes());
	}
	for (o = 0; o <= PAGE_ORDER_MAX; o++) {
		if (page_alloc_free_blocks(o) != blocks0[o]) {
			panic("fuzz-mm: order %u: %zu free blocks, %zu at start",
			      o, page_alloc_free_blocks(o), blocks0[o]);
		}
	}
	mm_reset();
	return 0;
}
