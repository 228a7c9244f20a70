/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's view of guest physical memory: one linear mapping of all of it
 * (a direct map at a fixed virtual address in the kernel; the software
 * machine's memory buffer in the hosted build). The platform sets it up once
 * at boot with `physmap_init()`. This is the only place where a GPA becomes
 * a pointer, and it checks the range.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct physmap {
	uint8_t *base; /* virtual address of GPA 0 */
	uint64_t size; /* bytes of guest physical address space mapped */
};

extern struct physmap physmap;

static inline void physmap_init(void *base, uint64_t size)
{
	physmap.base = base;
	physmap.size = size;
}

/** True if [gpa, gpa + len) lies inside the mapping (no overflow). */
static inline bool physmap_contains(uint64_t gpa, uint64_t len)
{
	/* gpa + len <= size, written so that nothing wraps (and so that
	 * Frama-C's EVA can bound gpa: make verify). */
	return len <= physmap.size && gpa <= physmap.size - len;
}

/** Pointer for `gpa`, or NULL when [gpa, gpa + len) is not mapped. */
static inline void *physmap_va(uint64_t gpa, uint64_t len)
{
	if (!physmap_contains(gpa, len)) {
		return NULL;
	}
	return physmap.base + gpa;
}

/** GPA of a pointer returned by `physmap_va()`. */
static inline uint64_t physmap_pa(const void *va)
{
	return (uint64_t)((const uint8_t *)va - physmap.base);
}
