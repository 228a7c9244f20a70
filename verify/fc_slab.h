/* SPDX-License-Identifier: MIT */
/*
 * What `make verify-slab` assumes when it analyses svsm/mm/slab.c alone:
 * the page allocator's interface (contracts here; verify/eva_slab.c gives
 * them bodies, a pool of slab blocks, whose results EVA checks against
 * these contracts), kmalloc (for the cache structure of
 * slab_cache_create()), fault injection never armed, panic() unreachable.
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

#include "svsm/log.h"
#include "svsm/mm.h"
#include "../svsm/mm/internal.h"
#include "fc_atomic.h"

/* Slabs are blocks of 1 to 8 pages (SLAB_MAX_ORDER). */
#define FC_SLAB_BLOCK (PAGE_SIZE << SLAB_MAX_ORDER)

/*@ assigns \nothing; */
void log_printf(enum log_level level, const char *fmt, ...);

/* Reaching panic() (a bad or double free, an overwritten free object, a
 * failed CHECK()) from the harness, which frees only what it was given, is
 * a slab error. */
/*@ requires fc_unreachable: \false;
    assigns \nothing;
    ensures \false;
 */
_Noreturn void panic(const char *fmt, ...);

/*
 * page_alloc.c, as the slab caches use it. A block taken is 2^order pages,
 * naturally aligned (mm_addr_bits() of its address under any mask below its
 * size is 0) and not part of any block held; freeing takes back exactly a
 * block taken, with its order and state.
 */
/*@ requires order <= SLAB_MAX_ORDER && state == PAGE_STATE_SLAB;
    ensures fc_block: \result == \null ||
      \valid((uint8_t *)\result + (0 .. PAGE_SIZE * (1 << order) - 1));
 */
void *mm_pages_get(unsigned int order, enum page_state state,
		   unsigned int flags);
/*@ requires order <= SLAB_MAX_ORDER && state == PAGE_STATE_SLAB;
    requires fc_block: \valid((uint8_t *)va + (0 .. PAGE_SIZE * (1 << order) - 1));
 */
void mm_pages_put(void *va, unsigned int order, enum page_state state);

/* kmalloc.c: the memory of a cache structure (slab_cache_create()). */
/*@ assigns \result \from size;
    ensures \result == \null || \valid((char *)\result + (0 .. size - 1));
 */
void *mm_kmalloc(size_t size, bool count);
/*@ assigns \nothing; */
void mm_kfree(void *ptr, bool wipe);

/* mm.c: fault injection, never armed here. */
/*@ assigns \result \from \nothing;
    ensures \result == 0;
 */
bool mm_fault_hit(void);
/*@ assigns \nothing; */
void mm_fault_retire(unsigned long attempts);

/* page_alloc.c: a bad free panics (unreachable from the harness). */
/*@ requires fc_unreachable: \false;
    assigns \nothing;
    ensures \false;
 */
void mm_bad_free(const char *what, const void *ptr);
