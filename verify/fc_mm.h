/* SPDX-License-Identifier: MIT */
/*
 * What `make verify-mm` assumes about the rest of svsm/mm and the kernel
 * when it analyses page_alloc.c alone: the slab caches give nothing back
 * (mm_shrink), fault injection is never armed, panic() is unreachable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__FRAMAC__)
#include "__fc_builtin.h"
#else
/* For the linters, which lack Frama-C's headers: the builtins used. */
int Frama_C_interval(int min, int max);
#endif

#include <stdatomic.h>

#include "svsm/log.h"
#include "svsm/mm.h"
#include "../svsm/mm/internal.h"

/*@ assigns \nothing; */
void log_printf(enum log_level level, const char *fmt, ...);

/* Reaching panic() from the harness is an allocator error. */
/*@ requires fc_unreachable: \false;
    assigns \nothing;
    ensures \false;
 */
_Noreturn void panic(const char *fmt, ...);

/* slab.c: empty slabs returned to the page allocator (none here). */
/*@ assigns \nothing; */
void mm_shrink(void);

/* mm.c: one-time set-up and fault injection, never armed here. */
/*@ assigns \nothing; */
void mm_init_once(void);
/*@ assigns \result \from \nothing;
    ensures \result == 0;
 */
bool mm_fault_hit(void);

/*
 * Frama-C's <stdatomic.h> reads atomics as volatile (any value): these
 * contracts say an atomic load returns the object's value, as it does on
 * one CPU. Concurrency is not analysed (docs/VERIFICATION.md).
 */
/*@ requires \valid_read((char *)object + (0 .. obj_size - 1));
    assigns \result \from ((char *)object)[0 .. obj_size - 1];
    behavior word:
      assumes obj_size == sizeof(size_t);
      ensures \result == *(size_t *)object;
    behavior byte:
      assumes obj_size == 1;
      ensures \result == *(unsigned char *)object;
    complete behaviors;
    disjoint behaviors;
 */
unsigned long long __fc_atomic_load_explicit(void *object, memory_order order,
					     size_t obj_size);
/*@ assigns \nothing; */
void __fc_atomic_store_explicit_marker(void *object, unsigned long long desired,
				       memory_order order);
