/* SPDX-License-Identifier: MIT */
/*
 * Test implementations of log.h (panics become cmocka assertion failures)
 * and the region buffers every test boots the allocator on.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "mm_test.h"

#define MM_TEST_BUFFERS 8

enum log_level log_level_max = LOG_WARN;
char mm_test_panic_msg[256];

static void *buffers[MM_TEST_BUFFERS];
static pthread_t main_thread;

__attribute__((constructor)) static void remember_main_thread(void)
{
	main_thread = pthread_self();
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level <= log_level_max) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mm_test_panic_msg, sizeof(mm_test_panic_msg), fmt, ap);
	va_end(ap);
	if (!pthread_equal(pthread_self(), main_thread)) {
		/* cmocka can only unwind the main thread. */
		fprintf(stderr, "panic in a worker thread: %s\n",
			mm_test_panic_msg);
		abort();
	}
	mock_assert(0, mm_test_panic_msg, __FILE__, __LINE__);
	abort();
}

static void buffers_free(void)
{
	size_t i;

	for (i = 0; i < MM_TEST_BUFFERS; i++) {
		free(buffers[i]);
		buffers[i] = NULL;
	}
}

void *mm_test_boot(size_t bytes, size_t offset)
{
	size_t i, len = (bytes + offset + (4UL << 20) - 1) & ~((4UL << 20) - 1);
	uint8_t *buf;

	mm_reset();
	buf = aligned_alloc(4UL << 20, len);
	assert_non_null(buf);
	for (i = 0; i < MM_TEST_BUFFERS; i++) {
		if (!buffers[i]) {
			buffers[i] = buf;
			assert_true(page_alloc_add_region(buf + offset, bytes));
			return buf + offset;
		}
	}
	free(buf);
	fail_msg("too many test buffers");
	return NULL;
}

void mm_test_kfree(void *p)
{
	kfree(p);
}

void mm_test_kfree_sensitive(void *p)
{
	kfree_sensitive(p);
}

void mm_test_page_free(void *p, unsigned int order)
{
	page_free(p, order);
}

void mm_test_slab_free(struct slab_cache *cache, void *p)
{
	slab_free(cache, p);
}

unsigned int mm_test_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245U + 12345U;
	return *seed >> 8;
}

int mm_test_setup(void **state)
{
	mm_test_boot(MM_TEST_REGION, 0);
	return 0;
}

int mm_test_teardown(void **state)
{
	mm_reset();
	buffers_free();
	return 0;
}

size_t mm_test_free_pages(void)
{
	mm_shrink();
	return page_alloc_free_pages();
}

int mm_test_all(const void *p, size_t len, uint8_t byte)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		if (b[i] != byte) {
			return 0;
		}
	}
	return 1;
}
