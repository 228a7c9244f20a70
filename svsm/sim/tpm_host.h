/* SPDX-License-Identifier: MIT */
/*
 * Hosted plumbing of the TPM bridge (tpm_bridge.h) over libsvsm-sim: the
 * guest's VTPM_CMD buffer page and the loopback listener. Shared by
 * `svsm-sim tpm-server` and the guest bridge's hosted twin
 * (tests/snp-guest/tpm_bridge_sim.c).
 */
#pragma once

#include <stdint.h>

#include "svsm/sim.h"

/** The guest page the bridge's VTPM_CMD calls use. */
#define TPM_HOST_PAGE_GPA 0x210000ULL

/**
 * As the guest does before using the vTPM: PVALIDATE the buffer page, then
 * VTPM_QUERY. 0 with `*bitmap` (its RCX) set, or -1 (no vTPM).
 */
int tpm_host_attach(struct svsm_sim *sim, uint64_t *bitmap);

/** VTPM_CMD on `page` (SVSM_VTPM_BUFFER_SIZE bytes): RAX[31:0]. */
uint32_t tpm_host_vtpm_cmd(struct svsm_sim *sim, uint8_t *page);

/** A listening TCP socket on 127.0.0.1:`port`, or -1 (after perror). */
int tpm_host_listen(unsigned port, int backlog);
