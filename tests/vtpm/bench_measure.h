/* SPDX-License-Identifier: MIT */
/* Timing of TPM commands for the vTPM benchmarks. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Send one TPM command; 0 with the response in `resp`/`*rlen`, or -1. */
typedef int (*bench_send_fn)(const uint8_t *cmd, size_t len, uint8_t *resp,
			     size_t *rlen);

/** Monotonic time in microseconds. */
double bench_now_us(void);

/**
 * Microseconds per command: the median of 5 batches of `iters`, after a
 * warm-up (libtpms answers the first use of an algorithm with
 * TPM_RC_RETRY). Exits the program if a command fails.
 */
double bench_measure(bench_send_fn send, const uint8_t *cmd, size_t len,
		     int iters);
