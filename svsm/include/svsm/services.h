/* SPDX-License-Identifier: MIT */
/*
 * Services beyond the core protocol: attestation and, on request, the
 * vTPM. Each build starts them its own way (svsm/sim/services.c hosted,
 * svsm/kernel/services.c in the kernel), from the boot vCPU's VMPL0
 * context at the end of `svsm_boot()`, since they make pages shared.
 */
#pragma once

#include <stdbool.h>

#include "svsm/boot.h"

/** Start the services; a service that fails to start stays off. */
void svsm_services_init(const struct svsm_boot_info *info);

/**
 * Stop them (machine teardown, from the main context, while the machine's
 * memory, which holds their state, still exists).
 */
void svsm_services_fini(void);

/** True once attestation is ready (QUERY_PROTOCOL and dispatch). */
bool svsm_attest_available(void);

/**
 * True if the vTPM runs or is being started (QUERY_PROTOCOL reports
 * protocol 2 and dispatch accepts its calls).
 */
bool svsm_vtpm_available(void);

/**
 * Wait until the vTPM is ready (the kernel may still be manufacturing it
 * on another vCPU, or starts it here); true if it runs.
 */
bool svsm_vtpm_wait(void);
