/* SPDX-License-Identifier: MIT */
/*
 * What the IGVM library's files share (not part of the API).
 */
#ifndef IGVM_INTERNAL_H
#define IGVM_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <igvm/igvm.h>

/*
 * OpenSSL's one-shot SHA-384 (<openssl/sha.h>), declared here so the
 * freestanding flavours need no system headers; hosted and freestanding
 * builds both link libcrypto.
 */
unsigned char *SHA384(const unsigned char *d, size_t n, unsigned char *md);

/**
 * Formats into @buf (always NUL-terminated): %s (const char *), %u
 * (unsigned int), %llx (unsigned long long, hex), %% only.
 */
void igvm_format(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void igvm_vformat(char *buf, size_t len, const char *fmt, va_list ap);

/** igvm_format() into f->error; returns @rc. */
int igvm_fail(struct igvm_file *f, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** The page of zeros pages without file data stand for. */
extern const uint8_t igvm_zero_page[IGVM_PAGE_SIZE];

#endif
