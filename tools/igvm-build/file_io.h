/* SPDX-License-Identifier: MIT */
/*
 * Whole-file reads and writes for the IGVM tools (hosted).
 */
#ifndef IGVM_FILE_IO_H
#define IGVM_FILE_IO_H

#include <stddef.h>
#include <stdint.h>

/** Reads @path into a malloc'd buffer (*len bytes; at most 4 GiB).
 * Returns NULL and prints why on stderr (prefixed @tool). */
uint8_t *file_read(const char *tool, const char *path, size_t *len);

/** Writes @len bytes to @path (through a temporary file, renamed).
 * Returns 0, or -1 after printing why. */
int file_write(const char *tool, const char *path, const void *buf, size_t len);

#endif
