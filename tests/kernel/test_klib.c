/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests (cmocka, ASan+UBSan) of the kernel's libc, svsm/lib: the
 * same sources, compiled with every function renamed to klib_* so they do
 * not clash with the C library. Formatting is checked differentially
 * against glibc over a table of conversions, values and buffer sizes; the
 * string functions against glibc over random buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int klib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int klib_snprintf(char *buf, size_t size, const char *fmt, ...);
void *klib_memcpy(void *dst, const void *src, size_t n);
void *klib_memmove(void *dst, const void *src, size_t n);
void *klib_memset(void *dst, int c, size_t n);
int klib_memcmp(const void *a, const void *b, size_t n);
size_t klib_strlen(const char *s);
size_t klib_strnlen(const char *s, size_t max);
int klib_strcmp(const char *a, const char *b);
int klib_strncmp(const char *a, const char *b, size_t n);
char *klib_strchr(const char *s, int c);
void klib_memzero_explicit(void *dst, size_t n);

/* A deterministic xorshift generator: reproducible test cases. */
static uint32_t rng_state;

static void rng_seed(uint32_t seed)
{
	rng_state = seed;
}

static int rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (int)(rng_state & 0x7fffffff);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/** Format with both implementations into every buffer size 0..len+1. */
static void compare_fmt(const char *fmt, ...)
{
	char want[256];
	char got[256];
	va_list ap;
	va_list aq;
	int n_want;
	int n_got;
	size_t size;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n_want = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	for (size = 0; size <= (size_t)n_want + 1; size++) {
		/* A heap buffer of exactly `size` bytes: ASan sees overruns. */
		char *buf = malloc(size == 0 ? 1 : size);

		assert_non_null(buf);
		va_copy(aq, ap);
		n_got = klib_vsnprintf(size == 0 ? NULL : buf, size, fmt, aq);
		va_end(aq);
		assert_int_equal(n_got, n_want);
		if (size > 0) {
			snprintf(got, sizeof(got), "%s", buf);
			assert_int_equal(strlen(got),
					 size - 1 < (size_t)n_want ?
						 size - 1 :
						 (size_t)n_want);
			assert_memory_equal(got, want, strlen(got));
		}
		free(buf);
	}
	va_end(ap);
}

/** Confirm that integer conversions match glibc. */
static void test_integers(void **state)
{
	static const long long values[] = { 0,	       1,	  -1,
					    7,	       42,	  -42,
					    255,       65535,	  INT32_MAX,
					    INT32_MIN, INT64_MAX, INT64_MIN };
	static const char *const fmts[] = {
		"%d",	  "%5d",  "%-5d|", "%05d", "%.3d", "%8.3d",
		"%08.3d", "%.0d", "%i",	   "%u",   "%x",   "%X",
		"%#x",	  "%08x", "%o",	   "%hhd", "%hd",  "%hhu",
		"%hu",	  "%*d",  "%-*d|", "%.*d",
	};
	size_t i;
	size_t j;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (j = 0; j < sizeof(values) / sizeof(values[0]); j++) {
			int v = (int)values[j];

			if (strchr(fmts[i], '*') != NULL) {
				compare_fmt(fmts[i], 7, v);
			} else {
				compare_fmt(fmts[i], v);
			}
		}
	}
	for (j = 0; j < sizeof(values) / sizeof(values[0]); j++) {
		compare_fmt("%ld %lu %lx %lld %llu", (long)values[j],
			    (unsigned long)values[j], (unsigned long)values[j],
			    values[j], (unsigned long long)values[j]);
		compare_fmt("%zu %zx %td %jd", (size_t)values[j],
			    (size_t)values[j], (ptrdiff_t)values[j],
			    (intmax_t)values[j]);
	}
}

/** Confirm that %s, %c and %% match glibc, with widths and precisions. */
static void test_strings(void **state)
{
	compare_fmt("%s", "");
	compare_fmt("%s|%s", "hello", "world");
	compare_fmt("%10s|%-10s|", "abc", "abc");
	compare_fmt("%.2s|%.0s|%.10s", "abcdef", "abc", "abc");
	compare_fmt("%*s|%-*s|", 6, "ab", 6, "ab");
	compare_fmt("%c%c%c", 'a', 'b', 'c');
	compare_fmt("%3c|%-3c|", 'x', 'y');
	compare_fmt("100%% %d%%", 5);
	compare_fmt("no conversions at all, quite a long line of text");
}

/** Confirm that %p prints 0x and 16 hex digits, and unknown conversions are
 *  copied literally. */
static void test_pointer_and_unknown(void **state)
{
	char buf[64];

	assert_int_equal(
		klib_snprintf(buf, sizeof(buf), "%p", (void *)0x1234UL), 18);
	assert_string_equal(buf, "0x0000000000001234");
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(klib_snprintf(buf, sizeof(buf), "end%"), 4);
	assert_string_equal(buf, "end%");
}

/** Confirm that memcpy/memmove/memset match glibc, overlapping included. */
static void test_mem_functions(void **state)
{
	unsigned char a[300];
	unsigned char b[300];
	int round;

	rng_seed(1);
	for (round = 0; round < 2000; round++) {
		size_t n = (size_t)rng() % 100;
		size_t src = (size_t)rng() % 100;
		size_t dst = (size_t)rng() % 100;
		size_t i;

		for (i = 0; i < sizeof(a); i++) {
			a[i] = b[i] = (unsigned char)rng();
		}
		assert_ptr_equal(klib_memmove(a + dst, a + src, n), a + dst);
		memmove(b + dst, b + src, n);
		assert_memory_equal(a, b, sizeof(a));
		if (dst + n <= src || src + n <= dst) {
			assert_ptr_equal(klib_memcpy(a + dst, a + src, n),
					 a + dst);
			memcpy(b + dst, b + src, n);
			assert_memory_equal(a, b, sizeof(a));
		}
		klib_memset(a + dst, (int)src, n);
		memset(b + dst, (int)src, n);
		assert_memory_equal(a, b, sizeof(a));
		assert_int_equal(sign(klib_memcmp(a + src, b + dst, n)),
				 sign(memcmp(a + src, b + dst, n)));
	}
	klib_memzero_explicit(a, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_memory_equal(a, b, sizeof(a));
}

/** Confirm that the string functions match glibc on random short strings. */
static void test_str_functions(void **state)
{
	char s[16];
	char t[16];
	int round;

	rng_seed(2);
	for (round = 0; round < 5000; round++) {
		size_t ls = (size_t)rng() % 8;
		size_t lt = (size_t)rng() % 8;
		size_t n = (size_t)rng() % 10;
		size_t i;
		int c = 'a' + rng() % 3;

		for (i = 0; i < ls; i++) {
			s[i] = (char)('a' + rng() % 3);
		}
		s[ls] = '\0';
		for (i = 0; i < lt; i++) {
			t[i] = (char)('a' + rng() % 3);
		}
		t[lt] = '\0';
		if (rng() % 4 == 0) {
			s[0] = (char)0xe9; /* compare as unsigned char */
		}
		assert_int_equal(klib_strlen(s), strlen(s));
		assert_int_equal(klib_strnlen(s, n), strnlen(s, n));
		assert_int_equal(sign(klib_strcmp(s, t)), sign(strcmp(s, t)));
		assert_int_equal(sign(klib_strncmp(s, t, n)),
				 sign(strncmp(s, t, n)));
		assert_ptr_equal(klib_strchr(s, c), strchr(s, c));
		assert_ptr_equal(klib_strchr(s, '\0'), strchr(s, '\0'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_pointer_and_unknown),
		cmocka_unit_test(test_mem_functions),
		cmocka_unit_test(test_str_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
