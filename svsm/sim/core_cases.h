/* SPDX-License-Identifier: MIT */
/*
 * Core protocol calls that must fail whatever state the guest is in, with
 * the result 58019 and this SVSM give each: one table for the hosted guest
 * tests (tests/guest, over libsvsm-sim) and the SNP test guest
 * (tests/snp-guest, in a VM). Each runner resolves where RCX points.
 *
 * Freestanding: <stdint.h> only.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** What RCX names; the runner adds the case's `offset`. */
enum core_case_at {
	CORE_AT_VALUE,	     /* RCX = offset itself */
	CORE_AT_CA,	     /* the caller's Calling Area */
	CORE_AT_SVSM,	     /* the SVSM's base */
	CORE_AT_UNVALIDATED, /* guest RAM the guest never validated */
};

struct core_case {
	const char *name;
	uint32_t protocol;
	uint32_t call;
	enum core_case_at at;
	uint64_t offset;
	uint32_t expect; /* RAX[31:0] */
};

extern const struct core_case core_cases[];
extern const size_t core_case_count;
