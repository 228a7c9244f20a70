/* SPDX-License-Identifier: MIT */
/*
 * Byte-string functions for the freestanding kernel. They are deliberately
 * simple byte loops (plus `rep movsb`/`rep stosb`, fast on current CPUs):
 * the kernel is built with -fno-builtin, so these are what the compiler's
 * structure copies call.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** Copy `n` bytes between non-overlapping buffers. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(n)
			 :
			 : "memory");
	return ret;
}

/** Copy `n` bytes; the buffers may overlap. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		return memcpy(dst, src, n);
	}
	/* Overlap with dst above src: copy backwards. */
	while (n > 0) {
		n--;
		d[n] = s[n];
	}
	return dst;
}

/** Fill `n` bytes with `c`. */
void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return ret;
}

/** Zero `n` bytes; never optimised away. */
void memzero_explicit(void *dst, size_t n)
{
	memset(dst, 0, n);
	__asm__ volatile("" : : "r"(dst) : "memory");
}

/** Compare `n` bytes as unsigned char. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a;
	const unsigned char *q = b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != q[i]) {
			return p[i] < q[i] ? -1 : 1;
		}
	}
	return 0;
}

/** Length of `s`. */
size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

/** Length of `s`, at most `max`. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

/** Compare two strings as unsigned char. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	return (*p > *q) - (*p < *q);
}

/** Compare at most `n` characters as unsigned char. */
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != q[i] || p[i] == '\0') {
			return (p[i] > q[i]) - (p[i] < q[i]);
		}
	}
	return 0;
}

/** First `c` in `s` (the terminator included), or NULL. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}
