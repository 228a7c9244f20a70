/* SPDX-License-Identifier: MIT */
/*
 * The kernel's formatted output: `snprintf()` and `vsnprintf()` only.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with the flags `-` and `0`,
 * a field width and precision (`*` allowed), and the length modifiers
 * hh h l ll z t j. %p prints `0x` and 16 hex digits. No floating point.
 * Like C99, the return value is the length the full output would have had.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/**
 * An opaque stream: the kernel has no files. The type exists so that
 * library headers (OpenSSL) that name `FILE *` compile; every stream
 * function in the libc shim fails.
 */
typedef struct kfile FILE;

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
