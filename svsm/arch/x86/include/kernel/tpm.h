/* SPDX-License-Identifier: MIT */
/*
 * The vTPM in the kernel: svsm/vtpm/ (libtpms) and OpenSSL's libcrypto,
 * linked from Debian's static archives through the C-library shim in
 * svsm/lib/tpm/. Started over the memory NV store: at boot (native), or
 * on SNP in the background on the last vCPU while the guest already runs,
 * or by the first vTPM call if nothing started it yet (one vCPU). Protocol
 * 2 calls made meanwhile wait for it (`kernel_tpm_start()` again).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * Probe OpenSSL's CPU capabilities (its ELF .init hook never runs in the
 * kernel) and start the vTPM over a new memory NV store, creating the
 * endorsement keys. Needs SSE and FS set up on every CPU (done by
 * `cpu_tables_init()`). Returns true if the vTPM runs; on failure nothing
 * is left allocated and the reason is logged. Only the first caller
 * manufactures the TPM; a concurrent or later caller waits for that one
 * start and gets its result (svsm/once.h).
 */
bool kernel_tpm_start(void);

/** True until a start has finished (whether it succeeded or not). */
bool kernel_tpm_pending(void);

/**
 * Power the vTPM off and on again over the boot NV store (what survives
 * in NV, such as the endorsement seed, survives this). Returns true if it
 * runs again; false if the vTPM was never started or failed to restart.
 */
bool kernel_tpm_restart(void);

/** True if `kernel_tpm_start()` succeeded. */
bool kernel_tpm_available(void);

/** Microseconds `kernel_tpm_start()` took (TPM manufacture and EKs). */
uint64_t kernel_tpm_start_us(void);
