/* SPDX-License-Identifier: MIT */
/* Atomics for the svsm/mm jobs of `make verify` (one CPU). */
#pragma once

#include <stdatomic.h>
#include <stddef.h>

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
