/* SPDX-License-Identifier: MIT */
/*
 * Time from the TSC, calibrated against the PIT at boot (time.c).
 */
#pragma once

#include <stdint.h>

/** Measure the TSC frequency against the PIT (about 10 ms). */
void time_init(void);
/**
 * Start the clock at a known TSC rate instead (SNP: no PIT the host must
 * provide; the rate comes from the CPUID page). 0 keeps the default.
 */
void time_init_rate(uint64_t tsc_per_us_rate);
void udelay(unsigned long us);
/** Microseconds in `ticks` TSC ticks (at the rate in use). */
uint64_t time_tsc_to_us(uint64_t ticks);
/** Microseconds since `time_init()`. */
uint64_t time_us(void);
