/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own symbol table (text symbols, generated at link time by
 * svsm/kernel/gen-ksyms.sh) for symbolized backtraces.
 */
#pragma once

#include <stdint.h>

/**
 * The name of the function containing `addr` and the offset into it, or
 * NULL if `addr` is outside the kernel's text.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
