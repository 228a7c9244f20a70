/* SPDX-License-Identifier: MIT */
/*
 * The software SNP machine's PSP firmware for guest requests
 * (SNP_GUEST_REQUEST / extended request): it decrypts and checks the
 * request message under the VMPCK it names, answers MSG_REPORT_REQ with an
 * ATTESTATION_REPORT signed ECDSA P-384 by a VCEK it generated, and hands
 * out the ARK -> ASK -> VCEK certificate chain as the GHCB certificate
 * table.
 *
 * The chain is in AMD's format (psp_certs.c): RSA-4096 ARK and ASK signing
 * RSASSA-PSS/SHA-384, a P-384 VCEK with AMD's extensions (hwID = CHIP_ID,
 * SPLs = REPORTED_TCB); the reports are version 3 from a Milan-B0 chip, so
 * verifiers written for hardware (Trustee's) accept them (docs/KBS.md).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/snp_secrets.h"

/* SEV firmware status codes used by the guest-request path. */
#define PSP_STATUS_SUCCESS 0x00U
#define PSP_STATUS_INVALID_LEN 0x04U
#define PSP_STATUS_INVALID_PARAM 0x16U
#define PSP_STATUS_AEAD_OFLOW 0x1DU

/* GHCB certificate-table GUIDs (GHCB spec, extended guest request). */
#define PSP_GUID_ARK                                                           \
	{                                                                      \
		0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8, 0x52, 0x49, 0x97, 0x43,    \
			0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae                     \
	}
#define PSP_GUID_ASK                                                           \
	{                                                                      \
		0x79, 0xb3, 0xb7, 0x4a, 0xac, 0xbb, 0xe4, 0x4f, 0xa0, 0x2f,    \
			0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82                     \
	}
#define PSP_GUID_VCEK                                                          \
	{                                                                      \
		0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6, 0x64, 0x45, 0xad, 0xc5,    \
			0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd                     \
	}

struct psp;

struct psp_config {
	uint8_t vmpck[SNP_VMPCK_COUNT][SNP_VMPCK_SIZE];
	uint8_t measurement[48];
	uint64_t policy;
};

/** NULL on failure. Generates the chip's keys and certificates. */
struct psp *psp_create(const struct psp_config *cfg);
void psp_destroy(struct psp *psp);

/** Replace the launch measurement (the machine finalises it after launch). */
void psp_set_measurement(struct psp *psp, const uint8_t measurement[48]);

/**
 * Handle one guest request: `req` and `resp` are the 4 KiB message pages.
 * Returns a PSP_STATUS_* code; a response is written only on success.
 */
uint32_t psp_guest_request(struct psp *psp, const uint8_t *req, uint8_t *resp);

/**
 * The certificate table of the extended request. Writes it to `buf` when
 * it fits in `len` bytes and returns its size; returns the size needed
 * (larger than `len`) without writing when it does not fit.
 */
size_t psp_cert_table(struct psp *psp, uint8_t *buf, size_t len);

/** DER certificates (owned by the PSP). */
const uint8_t *psp_ark_der(const struct psp *psp, size_t *len);
const uint8_t *psp_ask_der(const struct psp *psp, size_t *len);
const uint8_t *psp_vcek_der(const struct psp *psp, size_t *len);

/**
 * Sign every report of the process with one nonce per VCEK (off: a fresh
 * nonce each, as the firmware does). The signatures stay valid; reusing the
 * nonce gives away the test chip's VCEK, which only the fuzzers can afford
 * for the speed: a signature then costs microseconds, not a scalar
 * multiplication.
 */
void psp_reuse_signing_nonce(bool on);

struct snp_machine;
struct snp_guest_request;

/**
 * Serve a guest request (`req` as the machine's hypervisor checked it:
 * shared pages inside memory) with `psp`: SW_EXITINFO2, as the machine's
 * guest-request handler returns it. What psp_attach() installs; a front end
 * that creates its PSP itself (snp-emu) calls it from its own handler.
 */
uint64_t psp_hv_request(struct snp_machine *m, struct psp *psp,
			struct snp_guest_request *req);

/**
 * Create a PSP keyed with the VMPCKs of the launched secrets page at
 * `secrets_gpa` and the machine's launch measurement, and install it as the
 * machine's guest-request handler. Call after the launch, before boot.
 */
struct psp *psp_attach(struct snp_machine *m, uint64_t secrets_gpa,
		       uint64_t policy);
void psp_detach(struct snp_machine *m, struct psp *psp);
