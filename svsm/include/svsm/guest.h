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

/**
 * True if every page of [gpa, gpa + len) can be read and written now: one
 * byte of each page is read and written back unchanged. A call that will
 * write its results only after work it cannot undo (a TPM command, a
 * report request) probes its output buffer first, so that an unusable
 * buffer fails the call before anything happened. A host (or another
 * vCPU of the guest) can still take a page away afterwards; the caller
 * then loses the results it asked for, and nothing else.
 */
bool guest_probe_write(uint64_t gpa, uint64_t len);

/** True if [gpa, gpa + len) crosses a 4 KiB boundary (or overflows). */
bool gpa_crosses_page(uint64_t gpa, uint64_t len);
