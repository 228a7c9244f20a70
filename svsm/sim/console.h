/* SPDX-License-Identifier: MIT */
/* Private to the svsm-sim console (svsm/sim/console*.c). */
#pragma once

#include <stdint.h>

#include "svsm/sim.h"

#define CONSOLE_MAX_VCPUS 256

struct console {
	struct svsm_sim *sim;
	unsigned vcpu;
	uint64_t ca_gpa[CONSOLE_MAX_VCPUS];
	/* Guest pages the service commands use (validated on first use). */
	bool buffers_ready;
};

/** Make a call on the current vCPU and print its result; 0 or -1. */
int console_call(struct console *con, struct svsm_sim_regs *r);

/** `tpm ...`: TPM 2.0 commands through SVSM_VTPM_CMD. */
int console_tpm(struct console *con, int argc, char **argv);
/** `attest [DIR]`: ATTEST_SERVICES; with DIR, write the blobs there. */
int console_attest(struct console *con, int argc, char **argv);

/** `svsm-sim tpm-server ...` (tpm_server.c); argv[0] is "tpm-server". */
int tpm_server_main(int argc, char **argv);
/** Write the simulated ARK (DER) to `path` unless NULL; 0 or -1. */
int console_write_ark(struct svsm_sim *sim, const char *path);
/** `kbs ...`: boot with a KBS and print the result (console_kbs.c). */
int console_kbs(const struct svsm_sim_config *cfg, int argc, char **argv,
		const char *ark_out);
