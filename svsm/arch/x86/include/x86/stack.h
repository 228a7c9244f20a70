/* SPDX-License-Identifier: MIT */
/*
 * Kernel stacks: KSTACK_SIZE bytes of page-allocator memory mapped into the
 * stack area below an unmapped guard page, so an overflow faults instead of
 * corrupting the neighbour.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/** A mapped stack: its lowest address (`base`) and `top` = base + size. */
struct kstack {
	uint64_t base;
	uint64_t top;
};

/** Allocate and map a stack; false on failure (nothing allocated). */
bool kstack_alloc(struct kstack *st);
void kstack_free(const struct kstack *st);

/**
 * Drop this CPU's TLB entries for the stack's range. Slots are reused, so a
 * CPU that may hold entries from an earlier stack in the same slot calls
 * this before first touching a new one (the allocating CPU does it in
 * `kstack_alloc()`, the scheduler before a task's first run).
 */
void kstack_flush_local(const struct kstack *st);

/** Stacks currently allocated (leak checks). */
unsigned int kstack_count(void);
