/* SPDX-License-Identifier: MIT */
/*
 * The C library surface that Debian's static libtpms.a and libcrypto.a
 * need inside the kernel (glibc ABI names included: fortify wrappers,
 * `__errno_location`, `__ctype_b_loc`). Private to svsm/lib/tpm/: the
 * objects that call these were compiled against glibc's headers, so only
 * the ABI matters here, and the prototypes exist to keep the definitions
 * checked (-Wmissing-prototypes).
 *
 * What works: memory (kmalloc-backed), strings, ctype, qsort, strtol,
 * formatted output into buffers, time from the TSC, randomness from
 * RDRAND, setjmp/longjmp, thread-specific data per CPU, read-write
 * spinlocks. What fails cleanly (an error return with `errno` set, never a
 * pretended success): files, directories, sockets, name lookup, dlopen,
 * signals, contexts, shared memory, mmap, terminals. Output to standard
 * error (the `stderr` stream, descriptors 1 and 2) goes to the kernel log.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* errno values (Linux numbering, as the library objects expect). */
#define LIBC_ENOENT 2
#define LIBC_EBADF 9
#define LIBC_ENOMEM 12
#define LIBC_EINVAL 22
#define LIBC_ERANGE 34
#define LIBC_ENOSYS 38

/** The shim's `errno` (one for the kernel: the libraries only report it). */
int *__errno_location(void);
#define libc_errno (*__errno_location())

/* Memory (malloc.c). */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
char *strdup(const char *s);

/* Strings and conversions (str.c). */
void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);
/*
 * The house style bans these four in SVSM code; the libraries call them,
 * so they are defined under other C names with the ABI names as symbols
 * (the host tests prefix the symbols through `LIBC_SYM_PREFIX`).
 */
#ifndef LIBC_SYM_PREFIX
#define LIBC_SYM_PREFIX ""
#endif
#define LIBC_SYM(name) __asm__(LIBC_SYM_PREFIX #name)
char *libc_strcat(char *dst, const char *src) LIBC_SYM(strcat);
char *libc_strcpy(char *dst, const char *src) LIBC_SYM(strcpy);
char *libc_strncpy(char *dst, const char *src, size_t n) LIBC_SYM(strncpy);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strstr(const char *haystack, const char *needle);
char *libc_strtok(char *s, const char *delim) LIBC_SYM(strtok);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
char *strerror(int err);
int __xpg_strerror_r(int err, char *buf, size_t len);
void qsort(void *base, size_t count, size_t size,
	   int (*cmp)(const void *, const void *));
const unsigned short **__ctype_b_loc(void);
const int32_t **__ctype_tolower_loc(void);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len);
void *__memset_chk(void *dst, int c, size_t n, size_t dst_len);
int __isoc99_sscanf(const char *s, const char *fmt, ...);

/* Formatted output and streams (stdio.c). */
int __snprintf_chk(char *buf, size_t maxlen, int flag, size_t slen,
		   const char *fmt, ...);
int __vsnprintf_chk(char *buf, size_t maxlen, int flag, size_t slen,
		    const char *fmt, va_list ap);
int __asprintf_chk(char **out, int flag, const char *fmt, ...);
/** True if `fd` is standard output or error (both go to the kernel log). */
int libc_fd_is_log(int fd);
#define LIBC_STDERR_MAGIC 0x73746465727221UL
