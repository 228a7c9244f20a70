/* SPDX-License-Identifier: MIT */
/*
 * Time from the TSC, calibrated against the PIT at boot (time.c).
 */
#pragma once

#include <stdint.h>

/** Measure the TSC frequency against the PIT (about 10 ms). */
void time_init(void);
void udelay(unsigned long us);
/** Microseconds since `time_init()`. */
uint64_t time_us(void);
