/* SPDX-License-Identifier: MIT */
/*
 * The attestation protocol (58019 protocol 1) and the SVSM's channel to the
 * PSP. `attest_init()` runs once at boot: it takes VMPCK0 from the SVSM's
 * own secrets page and prepares the shared request/response/certificate
 * pages the firmware exchange needs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/proto.h"
#include "abi/snp_guest_msg.h"

/** Pages of the SVSM's certificate buffer for extended requests. */
#define ATTEST_CERT_PAGES 4U

/** False if the pages could not be prepared (attestation then refuses). */
bool attest_init(const uint8_t vmpck0[32]);

struct snp_secrets_page;

/**
 * `attest_init()` with VMPCK0 of the SVSM's secrets page, which is then
 * wiped at its source whether or not the channel could start: from here
 * on only the channel holds the key, so nothing can reuse it from the
 * start of its sequence (AES-GCM IV reuse). NULL `secrets`: false.
 */
bool attest_init_from_secrets(struct snp_secrets_page *secrets);

/** Forget the channel and free its pages (machine teardown). */
void attest_fini(void);

/**
 * A VMPL0 report with `report_data` for the SVSM's own use (the KBS
 * client), with the PSP's certificate table in `certs` (`cap` at least
 * ATTEST_CERT_PAGES pages; `*certs_len` its size, 0 without one). 0 or -1.
 */
int attest_svsm_report(const uint8_t report_data[64],
		       struct snp_attestation_report *report, uint8_t *certs,
		       size_t cap, size_t *certs_len);

enum svsm_result attest_proto_dispatch(const struct svsm_caller *caller,
				       uint32_t call,
				       const struct svsm_call_in *in,
				       struct svsm_call_out *out);

/*
 * Provided by the SNP platform: one SNP_GUEST_REQUEST (certs_gpa == 0) or
 * extended request through this vCPU's GHCB. Both message pages are shared.
 * On return `*fw` holds the firmware status and `*vmm` the hypervisor's
 * error (1 INVALID_LEN: `*cert_pages` then holds the pages needed; 2 BUSY).
 * False if the hypervisor did not perform the request at all.
 */
bool snp_guest_request(uint64_t req_gpa, uint64_t resp_gpa, uint64_t certs_gpa,
		       uint64_t *cert_pages, uint32_t *fw, uint32_t *vmm);
