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

#include "fc_atomic.h"
