/* SPDX-License-Identifier: MIT */
/*
 * Services beyond the core protocol that the hosted build starts at boot
 * (svsm/sim/services.c): attestation and, on request, the vTPM. Started
 * from the boot vCPU's VMPL0 context, since they make pages shared.
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
