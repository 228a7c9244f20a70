/* SPDX-License-Identifier: MIT */
/*
 * malloc and friends for the libraries, on the SVSM heap. kmalloc knows
 * each object's size class (`ksize()`), so no header is needed; every
 * object is at least 16-byte aligned (the smallest size class), which is
 * what the libraries' SSE code assumes of malloc. Freed objects are wiped:
 * the libraries keep key material in memory they free.
 */
#include <string.h>

#include "svsm/mm.h"
#include "libc.h"

/** `kmalloc()` of at least one byte; NULL with ENOMEM on failure. */
void *malloc(size_t size)
{
	void *p = kmalloc(size ? size : 1);

	if (p == NULL) {
		libc_errno = LIBC_ENOMEM;
	}
	return p;
}

/** Zeroed array; NULL with ENOMEM on overflow or failure. */
void *calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		libc_errno = LIBC_ENOMEM;
		return NULL;
	}
	p = kzalloc(count != 0 && size != 0 ? count * size : 1);
	if (p == NULL) {
		libc_errno = LIBC_ENOMEM;
	}
	return p;
}

/**
 * Resize keeping the contents. Size 0 frees `ptr` and returns NULL (as
 * glibc does); on failure returns NULL and `ptr` stays valid. An object
 * that moves is wiped before it is freed, as `free()` does.
 */
void *realloc(void *ptr, size_t size)
{
	size_t old;
	void *p;

	if (ptr == NULL) {
		return malloc(size);
	}
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	old = ksize(ptr);
	if (size <= old) {
		return ptr;
	}
	p = malloc(size);
	if (p != NULL) {
		memcpy(p, ptr, old);
		free(ptr);
	}
	return p;
}

/** Wipe and free; NULL is ignored. */
void free(void *ptr)
{
	kfree_sensitive(ptr);
}

/** A heap copy of `s`, or NULL with ENOMEM. */
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p != NULL) {
		memcpy(p, s, n);
	}
	return p;
}
