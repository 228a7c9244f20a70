/* SPDX-License-Identifier: MIT */
/*
 * The string, conversion, sorting and character-class functions the
 * libraries call beyond svsm/lib/string.c, with glibc's ABI where the
 * objects use glibc-only names (`__ctype_b_loc`, `__memcpy_chk`, ...).
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "svsm/log.h"
#include "libc.h"

#define LONG_MAX __LONG_MAX__
#define ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)

static int errno_value;

/** The one `errno` of the kernel (the libraries only report it). */
int *__errno_location(void)
{
	return &errno_value;
}

/** First byte `c` in `n` bytes of `s`, or NULL. */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c) {
			return (void *)(uintptr_t)(p + i);
		}
	}
	return NULL;
}

/** Last `c` in `s` (the terminator counts), or NULL. */
char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c) {
			last = s;
		}
	} while (*s++ != '\0');
	return (char *)(uintptr_t)last;
}

/** Append `src` to `dst` (the caller sized `dst`). */
char *libc_strcat(char *dst, const char *src)
{
	memcpy(dst + strlen(dst), src, strlen(src) + 1);
	return dst;
}

/** Copy `src` with its terminator (the caller sized `dst`). */
char *libc_strcpy(char *dst, const char *src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

/** Copy at most `n` bytes of `src`, zero-padding `dst` to `n` bytes. */
char *libc_strncpy(char *dst, const char *src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst;
}

static bool in_set(char c, const char *set)
{
	for (; *set != '\0'; set++) {
		if (*set == c) {
			return true;
		}
	}
	return false;
}

/** Length of the prefix of `s` made of bytes in `accept`. */
size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] != '\0' && in_set(s[n], accept)) {
		n++;
	}
	return n;
}

/** Length of the prefix of `s` made of bytes not in `reject`. */
size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] != '\0' && !in_set(s[n], reject)) {
		n++;
	}
	return n;
}

/** First byte of `s` in `accept`, or NULL. */
char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s != '\0' ? (char *)(uintptr_t)s : NULL;
}

/** First occurrence of `needle` in `haystack`, or NULL. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0' || n == 0; haystack++) {
		if (strncmp(haystack, needle, n) == 0) {
			return (char *)(uintptr_t)haystack;
		}
	}
	return NULL;
}

/** ISO `strtok`: one saved position for the whole kernel (not reentrant). */
char *libc_strtok(char *s, const char *delim)
{
	static char *next;
	char *tok;

	if (s == NULL) {
		s = next;
	}
	if (s == NULL) {
		return NULL;
	}
	s += strspn(s, delim);
	if (*s == '\0') {
		next = NULL;
		return NULL;
	}
	tok = s;
	s += strcspn(s, delim);
	if (*s != '\0') {
		*s++ = '\0';
		next = s;
	} else {
		next = NULL;
	}
	return tok;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 10;
	}
	return 99;
}

/*
 * The common part of strtol/strtoul: magnitude in `*mag` (saturated at
 * `limit`: `*over` and ERANGE then), sign in `*neg`; returns the end of
 * the number (`s` itself when there is none).
 */
static const char *parse_ulong(const char *s, int base, unsigned long limit,
			       unsigned long *mag, bool *neg, bool *over)
{
	const char *start = s;
	unsigned long v = 0;
	bool any = false;
	int d;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
		s++;
	}
	*neg = *s == '-';
	if (*s == '-' || *s == '+') {
		s++;
	}
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	*over = false;
	if (base < 2 || base > 36) {
		libc_errno = LIBC_EINVAL;
		*mag = 0;
		return start;
	}
	for (; (d = digit_value(*s)) < base; s++) {
		any = true;
		if (v > (limit - (unsigned long)d) / (unsigned long)base) {
			*over = true;
		} else {
			v = v * (unsigned long)base + (unsigned long)d;
		}
	}
	if (*over) {
		libc_errno = LIBC_ERANGE;
		v = limit;
	}
	*mag = v;
	return any ? s : start;
}

/** ISO strtol: saturates with ERANGE; `*end` at the first unused byte. */
long strtol(const char *s, char **end, int base)
{
	unsigned long mag;
	bool neg, over;
	const char *e;

	/* The magnitude may reach LONG_MAX + 1 only when negative. */
	e = parse_ulong(s, base, (unsigned long)LONG_MAX + 1, &mag, &neg,
			&over);
	if (end != NULL) {
		*end = (char *)(uintptr_t)e;
	}
	if (!neg && mag > (unsigned long)LONG_MAX) {
		libc_errno = LIBC_ERANGE;
		return LONG_MAX;
	}
	return neg ? (long)(0 - mag) : (long)mag;
}

/** ISO strtoul: a leading minus negates (modulo 2^64), as ISO C says. */
unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long mag;
	bool neg, over;
	const char *e;

	e = parse_ulong(s, base, ULONG_MAX, &mag, &neg, &over);
	if (end != NULL) {
		*end = (char *)(uintptr_t)e;
	}
	if (over) {
		return ULONG_MAX;
	}
	return neg ? 0 - mag : mag;
}

/** No message table in the kernel: one text for every error. */
char *strerror(int err)
{
	return (char *)(uintptr_t) "error (no message table in the SVSM)";
}

/** XSI strerror_r: "error N" into `buf`; ERANGE if it does not fit. */
int __xpg_strerror_r(int err, char *buf, size_t len)
{
	int n = snprintf(buf, len, "error %d", err);

	return n >= 0 && (size_t)n < len ? 0 : LIBC_ERANGE;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t n)
{
	while (n-- > 0) {
		unsigned char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(unsigned char *base, size_t root, size_t count,
		      size_t size, int (*cmp)(const void *, const void *))
{
	size_t child;

	while ((child = 2 * root + 1) < count) {
		if (child + 1 < count &&
		    cmp(base + child * size, base + (child + 1) * size) < 0) {
			child++;
		}
		if (cmp(base + root * size, base + child * size) >= 0) {
			return;
		}
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

/** ISO qsort as a heap sort: O(n log n), no recursion, no allocation. */
void qsort(void *base, size_t count, size_t size,
	   int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;
	size_t i;

	if (count < 2 || size == 0) {
		return;
	}
	for (i = count / 2; i-- > 0;) {
		sift_down(b, i, count, size, cmp);
	}
	for (i = count - 1; i > 0; i--) {
		swap_bytes(b, b + i * size, size);
		sift_down(b, 0, i, size, cmp);
	}
}

/* glibc's class bits (little-endian layout of <ctype.h>'s _ISbit()). */
#define CT_UPPER 0x0100
#define CT_LOWER 0x0200
#define CT_ALPHA 0x0400
#define CT_DIGIT 0x0800
#define CT_XDIGIT 0x1000
#define CT_SPACE 0x2000
#define CT_PRINT 0x4000
#define CT_GRAPH 0x8000
#define CT_BLANK 0x0001
#define CT_CNTRL 0x0002
#define CT_PUNCT 0x0004
#define CT_ALNUM 0x0008

/* The "C" locale for bytes -128..255 (glibc indexes EOF and signed chars). */
static unsigned short ctype_b[384];
static int32_t ctype_lower[384];
static atomic_bool ctype_ready;

static unsigned short ctype_class(int c)
{
	unsigned short v = 0;

	if (c < 0 || c > 127) {
		return 0;
	}
	if (c >= 'A' && c <= 'Z') {
		v |= CT_UPPER | CT_ALPHA | CT_ALNUM | CT_GRAPH | CT_PRINT;
	}
	if (c >= 'a' && c <= 'z') {
		v |= CT_LOWER | CT_ALPHA | CT_ALNUM | CT_GRAPH | CT_PRINT;
	}
	if (c >= '0' && c <= '9') {
		v |= CT_DIGIT | CT_ALNUM | CT_GRAPH | CT_PRINT;
	}
	if (digit_value((char)c) < 16) {
		v |= CT_XDIGIT;
	}
	if (c == ' ' || (c >= '\t' && c <= '\r')) {
		v |= CT_SPACE;
	}
	if (c == ' ' || c == '\t') {
		v |= CT_BLANK;
	}
	if (c < 32 || c == 127) {
		v |= CT_CNTRL;
	}
	if (c == ' ') {
		v |= CT_PRINT;
	}
	if (c > 32 && c < 127 && !(v & CT_ALNUM)) {
		v |= CT_PUNCT | CT_GRAPH | CT_PRINT;
	}
	return v;
}

/* Filling twice with the same values is harmless: no lock needed. */
static void ctype_fill(void)
{
	int i;

	if (atomic_load(&ctype_ready)) {
		return;
	}
	for (i = 0; i < 384; i++) {
		int c = i - 128;

		ctype_b[i] = ctype_class(c);
		ctype_lower[i] = c >= 'A' && c <= 'Z' ? c + 32 : c;
	}
	atomic_store(&ctype_ready, true);
}

/** glibc's class table pointer, indexable by -128..255 ("C" locale). */
const unsigned short **__ctype_b_loc(void)
{
	static const unsigned short *table = ctype_b + 128;

	ctype_fill();
	return &table;
}

/** glibc's `tolower` table pointer, indexable by -128..255. */
const int32_t **__ctype_tolower_loc(void)
{
	static const int32_t *table = ctype_lower + 128;

	ctype_fill();
	return &table;
}

/** Fortified memcpy: a copy past the destination object panics. */
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len)
{
	if (n > dst_len) {
		panic("libc: memcpy of %zu bytes into %zu", n, dst_len);
	}
	return memcpy(dst, src, n);
}

/** Fortified memset: a fill past the destination object panics. */
void *__memset_chk(void *dst, int c, size_t n, size_t dst_len)
{
	if (n > dst_len) {
		panic("libc: memset of %zu bytes into %zu", n, dst_len);
	}
	return memset(dst, c, n);
}

/** No scanf in the kernel: EOF with ENOSYS (callers see a failed parse). */
int __isoc99_sscanf(const char *s, const char *fmt, ...)
{
	libc_errno = LIBC_ENOSYS;
	return -1;
}
