/* SPDX-License-Identifier: MIT */
/*
 * Verification of SNP attestation reports as a relying party does it:
 * certificate chain ARK -> ASK -> VCEK, the report's ECDSA P-384 signature,
 * and REPORT_DATA = SHA-512(nonce || manifest). Every function returns 0 on
 * success or -1 with a one-line reason in `err`.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct verify_certs {
	const uint8_t *ark, *ask, *vcek; /* DER */
	size_t ark_len, ask_len, vcek_len;
};

/** Split a GHCB certificate table into the three certificates. */
int verify_split_cert_table(const uint8_t *table, size_t len,
			    struct verify_certs *out, char *err, size_t errlen);

int verify_chain(const struct verify_certs *c, char *err, size_t errlen);

/** `report` is the raw 0x4A0-byte ATTESTATION_REPORT. */
int verify_report_signature(const uint8_t *report, size_t len,
			    const uint8_t *vcek_der, size_t vcek_len, char *err,
			    size_t errlen);

/** The only nonce size an SVSM attestation report binds (58019 table 11). */
#define VERIFY_NONCE_SIZE 64U

/**
 * REPORT_DATA = SHA-512(nonce || manifest), with a nonce of exactly
 * VERIFY_NONCE_SIZE bytes (any other size fails: the split between nonce
 * and manifest must not be movable).
 */
int verify_report_data(const uint8_t *report, const uint8_t *nonce,
		       size_t nonce_len, const uint8_t *manifest,
		       size_t manifest_len, char *err, size_t errlen);

/**
 * MEASUREMENT (the launch digest) must equal `hex`: 96 hex digits, as
 * `igvm-measure -b` prints them (an optional 0x prefix is allowed).
 */
int verify_measurement(const uint8_t *report, const char *hex, char *err,
		       size_t errlen);
