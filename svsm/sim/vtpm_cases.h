/* SPDX-License-Identifier: MIT */
/*
 * The malformed VTPM_CMD requests every guest-side vTPM test sends, with
 * the result 58019 and this SVSM give each: one table for the hosted
 * guest tests (tests/guest-vtpm, over libsvsm-sim) and the SNP test guest
 * (tests/snp-guest, in a VM), so both check the same cases.
 *
 * Freestanding: <stddef.h>/<stdint.h>/<string.h> only.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** A malformed TPM_SEND_COMMAND frame around a valid TPM command. */
struct vtpm_frame_case {
	const char *name;
	uint32_t platform_cmd;
	uint8_t locality;
	/** Framing size: the command's length plus `size_delta`, or `size`. */
	int32_t size_delta;
	uint32_t size;
	uint32_t expect; /* RAX[31:0] */
};

/** Where a VTPM_CMD buffer GPA points; each runner resolves these. */
enum vtpm_buf_at {
	VTPM_AT_NULL,	     /* GPA 0 */
	VTPM_AT_SVSM,	     /* the SVSM's base */
	VTPM_AT_BEYOND_RAM,  /* a page past guest memory */
	VTPM_AT_UNVALIDATED, /* guest RAM the guest never validated */
	VTPM_AT_WRAP,	     /* UINT64_MAX - 8: the buffer wraps */
	VTPM_AT_CA,	     /* the Calling Area */
};

struct vtpm_addr_case {
	const char *name;
	enum vtpm_buf_at at;
	uint32_t expect;
};

extern const struct vtpm_frame_case vtpm_frame_cases[];
extern const size_t vtpm_frame_case_count;
extern const struct vtpm_addr_case vtpm_addr_cases[];
extern const size_t vtpm_addr_case_count;

/**
 * Write a TPM_SEND_COMMAND request (58019 table 16) into `buf` (a
 * 4096-byte VTPM_CMD buffer): `platform_cmd`, `locality`, the framing
 * size `size` and the command bytes. Returns the bytes written.
 */
size_t vtpm_frame(uint8_t *buf, uint32_t platform_cmd, uint8_t locality,
		  uint32_t size, const uint8_t *cmd, size_t cmd_len);

/** The framing size a case gives a command of `cmd_len` bytes. */
uint32_t vtpm_frame_case_size(const struct vtpm_frame_case *c, size_t cmd_len);
