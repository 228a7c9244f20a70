/* SPDX-License-Identifier: MIT */
/*
 * The kernel's <string.h>: the few string functions the SVSM uses. Shared
 * code may call exactly these (see the build rules); the hosted build gets
 * them from the C library instead.
 */
#pragma once

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/**
 * Set `n` bytes to zero in a way the compiler may not elide (secrets).
 */
void memzero_explicit(void *dst, size_t n);
