/* SPDX-License-Identifier: MIT */
/* Timing of TPM commands for the vTPM benchmarks (see bench_measure.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_measure.h"
#include "tpm2_cmds.h"

double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double bench_measure(bench_send_fn send, const uint8_t *cmd, size_t len,
		     int iters)
{
	uint8_t resp[TPM2_MAX] = { 0 };
	size_t rlen = 0;
	double t[5], tmp;
	int b, i, j;

	for (i = 0; i < 3; i++) {
		if (send(cmd, len, resp, &rlen) == 0 &&
		    tpm2_rc(resp, rlen) == 0) {
			break;
		}
	}
	for (b = 0; b < 5; b++) {
		double t0 = bench_now_us();

		for (i = 0; i < iters; i++) {
			if (send(cmd, len, resp, &rlen) != 0 ||
			    tpm2_rc(resp, rlen) != 0) {
				fprintf(stderr,
					"bench: TPM command failed (rc 0x%x)\n",
					tpm2_rc(resp, rlen));
				exit(1);
			}
		}
		t[b] = (bench_now_us() - t0) / iters;
	}
	for (i = 0; i < 5; i++) {
		for (j = i + 1; j < 5; j++) {
			if (t[j] < t[i]) {
				tmp = t[i];
				t[i] = t[j];
				t[j] = tmp;
			}
		}
	}
	return t[2];
}
