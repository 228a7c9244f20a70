/* SPDX-License-Identifier: MIT */
/*
 * Several threads allocate and free at once through every interface. Each
 * live allocation holds a pattern naming its owner; finding it changed
 * means two threads were given overlapping memory.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mm_test.h"

#define THREADS 8
#define SLOTS 64
#define ROUNDS 20000

enum kind {
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

struct worker {
	pthread_t thread;
	unsigned int seed;
	struct slab_cache *cache;
	unsigned long failures; /* allocation failures (memory ran out) */
	unsigned long corruptions;
};

static void slot_free(struct worker *w, struct slot *s)
{
	if (!mm_test_all(s->p, s->len, s->tag)) {
		w->corruptions++;
	}
	switch (s->kind) {
	case KIND_KMALLOC:
		kfree(s->p);
		break;
	case KIND_PAGES:
		page_free(s->p, s->order);
		break;
	case KIND_SLAB:
		slab_free(w->cache, s->p);
		break;
	}
	s->p = NULL;
}

static void slot_alloc(struct worker *w, struct slot *s, uint8_t tag)
{
	unsigned int r = mm_test_rand(&w->seed);

	s->kind = (enum kind)(r % 3);
	switch (s->kind) {
	case KIND_KMALLOC:
		s->len = 1 + (r >> 4) % ((r & 8) ? 6000 : 300);
		s->p = (r & 16) ? kzalloc(s->len) : kmalloc(s->len);
		break;
	case KIND_PAGES:
		s->order = (r >> 4) % 4;
		s->len = PAGE_SIZE << s->order;
		s->p = page_alloc(s->order);
		break;
	case KIND_SLAB:
		s->len = 72;
		s->p = slab_alloc(w->cache);
		break;
	}
	if (!s->p) {
		w->failures++;
		return;
	}
	s->tag = tag;
	memset(s->p, tag, s->len);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct slot slots[SLOTS];
	unsigned int i, round;

	memset(slots, 0, sizeof(slots));
	for (round = 0; round < ROUNDS; round++) {
		struct slot *s = &slots[mm_test_rand(&w->seed) % SLOTS];

		if (s->p) {
			slot_free(w, s);
		} else {
			slot_alloc(w, s, (uint8_t)(round * THREADS + w->seed));
		}
	}
	for (i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			slot_free(w, &slots[i]);
		}
	}
	return NULL;
}

/**
 * Confirm that concurrent allocation never hands out overlapping memory and
 * that everything merges back once all threads are done.
 */
static void stress_threads(void **state)
{
	struct worker workers[THREADS];
	struct slab_cache *cache = slab_cache_create("shared-72", 72, 8);
	size_t free0, bytes0;
	unsigned int i;

	assert_non_null(cache);
	free0 = mm_test_free_pages();
	bytes0 = mm_allocated_bytes();
	for (i = 0; i < THREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].seed = i + 1;
		workers[i].cache = cache;
		assert_int_equal(pthread_create(&workers[i].thread, NULL,
						worker_run, &workers[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
		assert_int_equal(workers[i].corruptions, 0);
	}
	assert_int_equal(mm_allocated_bytes(), bytes0);
	assert_int_equal(mm_test_free_pages(), free0);
	slab_cache_destroy(cache);
}

/** Confirm that threads racing for a small region all see clean NULLs. */
static void stress_exhaustion(void **state)
{
	struct worker workers[THREADS];
	struct slab_cache *cache;
	size_t free0;
	unsigned long failures = 0;
	unsigned int i;

	mm_test_boot(1UL << 20, 0); /* 254 pages: threads run out */
	cache = slab_cache_create("shared-72", 72, 8);
	assert_non_null(cache);
	free0 = mm_test_free_pages();
	for (i = 0; i < THREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].seed = 100 + i;
		workers[i].cache = cache;
		assert_int_equal(pthread_create(&workers[i].thread, NULL,
						worker_run, &workers[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
		assert_int_equal(workers[i].corruptions, 0);
		failures += workers[i].failures;
	}
	assert_true(failures > 0);
	assert_int_equal(mm_test_free_pages(), free0);
	slab_cache_destroy(cache);
}

int mm_test_run_stress(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(stress_threads),
		cmocka_unit_test_teardown(stress_exhaustion, mm_test_teardown),
	};

	return cmocka_run_group_tests_name("stress", tests, NULL, NULL);
}
