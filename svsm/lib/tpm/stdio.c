/* SPDX-License-Identifier: MIT */
/*
 * Formatted output and streams. Buffers are formatted by the kernel's
 * `vsnprintf()` (no floating point). The kernel has no files: the only
 * stream that works is `stderr`, and descriptors 1 and 2, which write to
 * the kernel log; every other stream or descriptor fails with EBADF or
 * ENOSYS.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm.h"
#include "libc.h"

struct kfile {
	unsigned long magic;
};

static struct kfile stderr_file = { LIBC_STDERR_MAGIC };
static struct kfile stdin_file = { 0 };

/** glibc's stream objects: standard error logs, standard input is empty. */
FILE *stderr = &stderr_file;
FILE *stdin = &stdin_file;

FILE *fopen(const char *path, const char *mode);
FILE *fopen64(const char *path, const char *mode);
int fclose(FILE *f);
size_t fread(void *buf, size_t size, size_t count, FILE *f);
size_t fwrite(const void *buf, size_t size, size_t count, FILE *f);
int fflush(FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
char *fgets(char *buf, int size, FILE *f);
int fputc(int c, FILE *f);
int fputs(const char *s, FILE *f);
int fseek(FILE *f, long off, int whence);
long ftell(FILE *f);
int fileno(FILE *f);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap);
int __dprintf_chk(int fd, int flag, const char *fmt, ...);
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap);
long write(int fd, const void *buf, size_t len);
void perror(const char *s);

static bool is_stderr(FILE *f)
{
	return f != NULL && f->magic == LIBC_STDERR_MAGIC;
}

/** True for descriptors 1 and 2, which go to the kernel log. */
int libc_fd_is_log(int fd)
{
	return fd == 1 || fd == 2;
}

/* Log `len` bytes (not necessarily terminated) at NOTICE. */
static void log_bytes(const char *s, size_t len)
{
	log_printf(LOG_NOTICE, "libc: %.*s", (int)(len > 4096 ? 4096 : len), s);
}

/** `vsnprintf()` ignoring the fortify flag; `slen` smaller than `maxlen` panics. */
int __vsnprintf_chk(char *buf, size_t maxlen, int flag, size_t slen,
		    const char *fmt, va_list ap)
{
	if (maxlen > slen) {
		panic("libc: vsnprintf of %zu bytes into %zu", maxlen, slen);
	}
	return vsnprintf(buf, maxlen, fmt, ap);
}

/** `snprintf()` with glibc's fortify check. */
int __snprintf_chk(char *buf, size_t maxlen, int flag, size_t slen,
		   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(buf, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return n;
}

/** Format into a new heap string (`free()` it); -1 with ENOMEM on failure. */
int __asprintf_chk(char **out, int flag, const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL) {
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*out = buf;
	return n;
}

/* Format and log; -1 with ENOMEM if the text cannot be buffered. */
static int log_vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	char *buf;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL) {
		return -1;
	}
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	log_bytes(buf, (size_t)n);
	free(buf);
	return n;
}

/** Formatted output to a stream: only `stderr` works (EBADF otherwise). */
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
	if (!is_stderr(f)) {
		libc_errno = LIBC_EBADF;
		return -1;
	}
	return log_vformat(fmt, ap);
}

/** See `__vfprintf_chk()`. */
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vfprintf_chk(f, flag, fmt, ap);
	va_end(ap);
	return n;
}

/** Formatted output to a descriptor: 1 and 2 log, others fail (EBADF). */
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
	if (!libc_fd_is_log(fd)) {
		libc_errno = LIBC_EBADF;
		return -1;
	}
	return log_vformat(fmt, ap);
}

/** See `__vdprintf_chk()`. */
int __dprintf_chk(int fd, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vdprintf_chk(fd, flag, fmt, ap);
	va_end(ap);
	return n;
}

/** POSIX write: descriptors 1 and 2 log, others fail (EBADF). */
long write(int fd, const void *buf, size_t len)
{
	if (!libc_fd_is_log(fd)) {
		libc_errno = LIBC_EBADF;
		return -1;
	}
	log_bytes(buf, len);
	return (long)len;
}

/** No files: NULL with ENOSYS. */
FILE *fopen(const char *path, const char *mode)
{
	libc_errno = LIBC_ENOSYS;
	return NULL;
}

/** No files: NULL with ENOSYS. */
FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

/** Nothing to close: EOF with EBADF (the standard streams stay). */
int fclose(FILE *f)
{
	libc_errno = LIBC_EBADF;
	return -1;
}

/** Nothing to read: 0 items. */
size_t fread(void *buf, size_t size, size_t count, FILE *f)
{
	libc_errno = LIBC_EBADF;
	return 0;
}

/** Writes to `stderr` log; others write 0 items (EBADF). */
size_t fwrite(const void *buf, size_t size, size_t count, FILE *f)
{
	if (!is_stderr(f) || size == 0 || count > SIZE_MAX / size) {
		libc_errno = LIBC_EBADF;
		return 0;
	}
	log_bytes(buf, size * count);
	return count;
}

/** `stderr` is unbuffered: 0; other streams EOF (EBADF). */
int fflush(FILE *f)
{
	if (f != NULL && !is_stderr(f)) {
		libc_errno = LIBC_EBADF;
		return -1;
	}
	return 0;
}

/** Every readable stream is at its end. */
int feof(FILE *f)
{
	return 1;
}

/** Only `stderr` is free of errors. */
int ferror(FILE *f)
{
	return !is_stderr(f);
}

/** Nothing to read: NULL. */
char *fgets(char *buf, int size, FILE *f)
{
	libc_errno = LIBC_EBADF;
	return NULL;
}

/** One byte to `stderr` (the log); EOF elsewhere. */
int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return fwrite(&ch, 1, 1, f) == 1 ? (unsigned char)c : -1;
}

/** A string to `stderr` (the log); EOF elsewhere. */
int fputs(const char *s, FILE *f)
{
	size_t n = strlen(s);

	return n == 0 || fwrite(s, 1, n, f) == n ? 0 : -1;
}

/** No seekable streams: -1 with EBADF. */
int fseek(FILE *f, long off, int whence)
{
	libc_errno = LIBC_EBADF;
	return -1;
}

/** No seekable streams: -1 with EBADF. */
long ftell(FILE *f)
{
	libc_errno = LIBC_EBADF;
	return -1;
}

/** `stderr` is descriptor 2; other streams have none (EBADF). */
int fileno(FILE *f)
{
	if (is_stderr(f)) {
		return 2;
	}
	libc_errno = LIBC_EBADF;
	return -1;
}

/** Log `s` and the error. */
void perror(const char *s)
{
	log_printf(LOG_NOTICE, "libc: %s: error %d\n", s ? s : "", libc_errno);
}
