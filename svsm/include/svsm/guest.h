/* SPDX-License-Identifier: MIT */
/*
 * Access to guest-owned memory by GPA. Guest memory is hostile: a page may
 * be unvalidated, shared or outside guest memory at any time, so every
 * access is range-checked and fault-tolerant (`cpu_copy_*_trapped`). Copy a
 * request structure once, then check the private copy.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Copy `len` bytes at guest `gpa` into `dst`; false if any byte faulted. */
bool guest_copy_from(void *dst, uint64_t gpa, size_t len);
/** Copy `len` bytes from `src` to guest `gpa`; false if any byte faulted. */
bool guest_copy_to(uint64_t gpa, const void *src, size_t len);

/** True if [gpa, gpa + len) crosses a 4 KiB boundary (or overflows). */
bool gpa_crosses_page(uint64_t gpa, uint64_t len);
