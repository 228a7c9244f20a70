/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests (cmocka, ASan+UBSan) of the C-library shim that lets
 * libtpms.a and libcrypto.a run in the kernel (svsm/lib/tpm/): the same
 * sources with every symbol renamed to shim_*, over the hosted allocator.
 * Strings, conversions, sorting and the ctype tables are checked
 * differentially against glibc; memory, formatting and streams against
 * their documented behaviour, including failures.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svsm/mm.h"

void *shim_malloc(size_t size);
void *shim_calloc(size_t count, size_t size);
void *shim_realloc(void *ptr, size_t size);
void shim_free(void *ptr);
char *shim_strdup(const char *s);
void *shim_memchr(const void *s, int c, size_t n);
char *shim_strrchr(const char *s, int c);
char *shim_strcat(char *dst, const char *src);
char *shim_strcpy(char *dst, const char *src);
char *shim_strncpy(char *dst, const char *src, size_t n);
size_t shim_strspn(const char *s, const char *accept);
size_t shim_strcspn(const char *s, const char *reject);
char *shim_strpbrk(const char *s, const char *accept);
char *shim_strstr(const char *h, const char *n);
char *shim_strtok(char *s, const char *delim);
long shim_strtol(const char *s, char **end, int base);
unsigned long shim_strtoul(const char *s, char **end, int base);
int shim___xpg_strerror_r(int err, char *buf, size_t len);
void shim_qsort(void *base, size_t count, size_t size,
		int (*cmp)(const void *, const void *));
const unsigned short **shim___ctype_b_loc(void);
const int32_t **shim___ctype_tolower_loc(void);
int *shim___errno_location(void);
int shim___isoc99_sscanf(const char *s, const char *fmt, ...);
int shim___snprintf_chk(char *buf, size_t maxlen, int flag, size_t slen,
			const char *fmt, ...);
int shim___asprintf_chk(char **out, int flag, const char *fmt, ...);
int shim___fprintf_chk(void *f, int flag, const char *fmt, ...);
int shim___dprintf_chk(int fd, int flag, const char *fmt, ...);
void *shim_fopen(const char *path, const char *mode);
size_t shim_fwrite(const void *buf, size_t size, size_t count, void *f);
size_t shim_fread(void *buf, size_t size, size_t count, void *f);
int shim_fputs(const char *s, void *f);
int shim_fileno(void *f);
long shim_write(int fd, const void *buf, size_t len);
extern void *shim_stderr, *shim_stdin;

#define HEAP_BYTES (8UL << 20)

static int setup(void **state)
{
	static void *heap;

	if (heap == NULL) {
		heap = aligned_alloc(4UL << 20, HEAP_BYTES);
	}
	mm_reset();
	assert_true(page_alloc_add_region(heap, HEAP_BYTES));
	return 0;
}

/* Confirm that malloc/calloc/realloc/free work, align to 16 and fail cleanly. */
static void test_memory(void **state)
{
	unsigned char *p, *q;
	size_t sizes[] = { 0, 1, 15, 16, 17, 100, 2048, 5000, 70000 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = shim_malloc(sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xa5, sizes[i]);
		q = shim_realloc(p, sizes[i] * 2 + 1);
		assert_non_null(q);
		assert_true(sizes[i] == 0 ||
			    (q[0] == 0xa5 && q[sizes[i] - 1] == 0xa5));
		shim_free(q);
	}
	p = shim_calloc(100, 33);
	assert_non_null(p);
	for (i = 0; i < 3300; i++) {
		assert_int_equal(p[i], 0);
	}
	shim_free(p);
	*shim___errno_location() = 0;
	assert_null(shim_calloc(SIZE_MAX / 2, 3));
	assert_int_equal(*shim___errno_location(), ENOMEM);
	assert_null(shim_realloc(shim_malloc(8), 0));
	p = shim_realloc(NULL, 10);
	assert_non_null(p);
	memcpy(p, "123456789", 10);
	q = shim_realloc(p, 5); /* shrinking stays in place */
	assert_ptr_equal(q, p);
	assert_memory_equal(q, "12345", 5);
	shim_free(q);
	shim_free(NULL);
	/* The allocator failing: NULL and ENOMEM, the old object intact. */
	*shim___errno_location() = 0;
	alloc_fault_fail_nth(1);
	assert_null(shim_malloc(64));
	assert_int_equal(*shim___errno_location(), ENOMEM);
	p = shim_malloc(16);
	assert_non_null(p);
	p[0] = 7;
	alloc_fault_fail_nth(1);
	assert_null(shim_realloc(p, 100000));
	assert_int_equal(p[0], 7);
	shim_free(p);
	alloc_fault_fail_nth(1);
	assert_null(shim_strdup("abc"));
	alloc_fault_fail_nth(0);
	p = (unsigned char *)shim_strdup("copy me");
	assert_string_equal((char *)p, "copy me");
	shim_free(p);
}

static const char *const texts[] = {
	"",	     "a",	    "abc",     "hello, world",
	"aaaab",     "xyzzy plugh", "\t \n x", "0123456789abcdef",
	"ababababc",
};
static const char *const sets[] = { "", "a", "ab", " \t\n", "xyz", "c", "abc" };

/* Confirm that the search functions agree with glibc. */
static void test_search(void **state)
{
	size_t i, j;
	int c;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *s = texts[i];

		for (j = 0; j < sizeof(sets) / sizeof(sets[0]); j++) {
			assert_int_equal(shim_strspn(s, sets[j]),
					 strspn(s, sets[j]));
			assert_int_equal(shim_strcspn(s, sets[j]),
					 strcspn(s, sets[j]));
			assert_ptr_equal(shim_strpbrk(s, sets[j]),
					 strpbrk(s, sets[j]));
			assert_ptr_equal(shim_strstr(s, sets[j]),
					 strstr(s, sets[j]));
		}
		for (j = 0; j < sizeof(texts) / sizeof(texts[0]); j++) {
			assert_ptr_equal(shim_strstr(s, texts[j]),
					 strstr(s, texts[j]));
		}
		for (c = 0; c < 256; c++) {
			assert_ptr_equal(shim_strrchr(s, c), strrchr(s, c));
			assert_ptr_equal(shim_memchr(s, c, strlen(s)),
					 memchr(s, c, strlen(s)));
		}
	}
}

/* glibc's versions, the references (SVSM code may not call them). */
static char *(*const ref_strncpy)(char *, const char *, size_t) = strncpy;
static char *(*const ref_strtok)(char *, const char *) = strtok;

/* Confirm that the copying functions and strtok agree with glibc. */
static void test_copy_and_tokens(void **state)
{
	char a[32], b[32], ta[64], tb[64];
	char *xa, *xb;

	memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	assert_ptr_equal(shim_strncpy(a, "abc", 8), a);
	ref_strncpy(b, "abc", 8);
	assert_memory_equal(a, b, sizeof(a));
	shim_strncpy(a, "abcdefghij", 4);
	assert_memory_equal(a, "abcd\0\0\0\0", 8);
	shim_strcpy(a, "left");
	shim_strcat(a, "+right");
	assert_string_equal(a, "left+right");

	snprintf(ta, sizeof(ta), "  one,two,, three ,");
	snprintf(tb, sizeof(tb), "%s", ta);
	xa = shim_strtok(ta, " ,");
	xb = ref_strtok(tb, " ,");
	while (xa != NULL || xb != NULL) {
		assert_non_null(xa);
		assert_non_null(xb);
		assert_int_equal(xa - ta, xb - tb);
		xa = shim_strtok(NULL, " ,");
		xb = ref_strtok(NULL, " ,");
	}
	assert_null(shim_strtok(NULL, ","));
}

static const char *const numbers[] = {
	"0",
	"42",
	"-42",
	"+7",
	"  123abc",
	"0x1f",
	"0X1F",
	"017",
	"0x",
	"z",
	"",
	"-",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775808",
	"-9223372036854775809",
	"18446744073709551615",
	"18446744073709551616",
	"-1",
	"zz",
	"0b101",
	"\t\n 55",
	"99999999999999999999999",
};
static const int bases[] = { 0, 2, 8, 10, 16, 36 };

/* Confirm that strtol and strtoul agree with glibc, errno and end included. */
static void test_strtol(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		for (j = 0; j < sizeof(bases) / sizeof(bases[0]); j++) {
			const char *s = numbers[i];
			char *ea, *eb;
			long la, lb;
			unsigned long ua, ub;
			int erra, errb;

			*shim___errno_location() = 0;
			errno = 0;
			la = shim_strtol(s, &ea, bases[j]);
			lb = strtol(s, &eb, bases[j]);
			erra = *shim___errno_location();
			errb = errno;
			assert_int_equal(la, lb);
			assert_ptr_equal(ea, eb);
			assert_int_equal(erra == ERANGE, errb == ERANGE);

			*shim___errno_location() = 0;
			errno = 0;
			ua = shim_strtoul(s, &ea, bases[j]);
			ub = strtoul(s, &eb, bases[j]);
			erra = *shim___errno_location();
			errb = errno;
			assert_int_equal(ua, ub);
			assert_ptr_equal(ea, eb);
			assert_int_equal(erra == ERANGE, errb == ERANGE);
		}
	}
	*shim___errno_location() = 0;
	assert_int_equal(shim_strtol("12", NULL, 1), 0);
	assert_int_equal(*shim___errno_location(), EINVAL);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Sort by the first byte only, so elements with equal keys differ. */
static int cmp_key(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* Confirm that qsort sorts like glibc (keys) for many sizes and widths. */
static void test_qsort(void **state)
{
	uint32_t a[300] = { 0 }, b[300] = { 0 };
	unsigned char wa[100][7], wb[100][7];
	size_t n, i, k;

	srand(1);
	for (n = 0; n <= 300; n += (n < 20 ? 1 : 37)) {
		for (i = 0; i < n; i++) {
			a[i] = b[i] = (uint32_t)rand() % (n / 2 + 1);
		}
		shim_qsort(a, n, sizeof(a[0]), cmp_u32);
		qsort(b, n, sizeof(b[0]), cmp_u32);
		assert_memory_equal(a, b, n * sizeof(a[0]));
	}
	for (i = 0; i < 100; i++) {
		for (k = 0; k < 7; k++) {
			wa[i][k] = wb[i][k] = (unsigned char)rand();
		}
	}
	shim_qsort(wa, 100, 7, cmp_key);
	qsort(wb, 100, 7, cmp_key);
	for (i = 0; i < 100; i++) {
		assert_int_equal(wa[i][0], wb[i][0]);
	}
}

/* Confirm that the ctype tables match glibc's "C" locale for -128..255. */
static void test_ctype(void **state)
{
	const unsigned short *ca = *shim___ctype_b_loc();
	const unsigned short *cb = *__ctype_b_loc();
	const int32_t *la = *shim___ctype_tolower_loc();
	const int32_t *lb = *__ctype_tolower_loc();
	int c;

	for (c = -128; c < 256; c++) {
		if (c >= -128 && c < 0 && c != EOF) {
			/* glibc mirrors 128..255 here; "C" has no classes. */
			assert_int_equal(ca[c], 0);
			continue;
		}
		assert_int_equal(ca[c], cb[c]);
		assert_int_equal(la[c], lb[c]);
	}
}

/* Confirm formatting into buffers and onto the heap, and strerror_r. */
static void test_format(void **state)
{
	char buf[16], *heap = NULL;

	assert_int_equal(shim___snprintf_chk(buf, sizeof(buf), 1, sizeof(buf),
					     "%d-%s", 42, "x"),
			 4);
	assert_string_equal(buf, "42-x");
	assert_int_equal(
		shim___snprintf_chk(buf, 4, 1, sizeof(buf), "%s", "truncated"),
		9);
	assert_string_equal(buf, "tru");
	assert_int_equal(shim___asprintf_chk(&heap, 1, "%u:%x", 7U, 255U), 4);
	assert_string_equal(heap, "7:ff");
	shim_free(heap);
	alloc_fault_fail_nth(1);
	heap = NULL;
	assert_int_equal(shim___asprintf_chk(&heap, 1, "%s", "no memory"), -1);
	assert_null(heap);
	alloc_fault_fail_nth(0);
	assert_int_equal(shim___xpg_strerror_r(5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "error 5");
	assert_int_equal(shim___xpg_strerror_r(5, buf, 4), ERANGE);
}

/* Confirm that files fail cleanly and only standard error writes. */
static void test_streams(void **state)
{
	char b[4] = { 0 };
	int n = 0;

	*shim___errno_location() = 0;
	assert_null(shim_fopen("/etc/passwd", "r"));
	assert_int_equal(*shim___errno_location(), ENOSYS);
	assert_int_equal(shim_fread(b, 1, sizeof(b), shim_stdin), 0);
	assert_int_equal(shim_fwrite("x", 1, 1, shim_stdin), 0);
	assert_int_equal(shim_fwrite("shim test\n", 1, 10, shim_stderr), 10);
	assert_int_equal(shim_fputs("shim test\n", shim_stderr), 0);
	assert_int_equal(shim_fputs("x", shim_stdin), -1);
	assert_int_equal(shim_fileno(shim_stderr), 2);
	assert_int_equal(shim_fileno(shim_stdin), -1);
	assert_int_equal(shim___fprintf_chk(shim_stderr, 1, "n=%d\n", 3), 4);
	assert_int_equal(shim___fprintf_chk(shim_stdin, 1, "n=%d\n", 3), -1);
	assert_int_equal(shim___dprintf_chk(2, 1, "fd %d\n", 2), 5);
	assert_int_equal(shim___dprintf_chk(5, 1, "fd %d\n", 5), -1);
	assert_int_equal(shim_write(1, "out\n", 4), 4);
	assert_int_equal(shim_write(3, "out\n", 4), -1);
	assert_int_equal(*shim___errno_location(), EBADF);
	assert_int_equal(shim___isoc99_sscanf("1.2.3.4", "%d", &n), -1);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_memory, setup),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_copy_and_tokens),
		cmocka_unit_test(test_strtol),
		cmocka_unit_test(test_qsort),
		cmocka_unit_test(test_ctype),
		cmocka_unit_test_setup(test_format, setup),
		cmocka_unit_test_setup(test_streams, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
