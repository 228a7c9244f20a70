/* SPDX-License-Identifier: MIT */
/*
 * SVSM call result codes, returned in RAX[31:0] (AMD pub. 58019 rev 1.00,
 * section 5, table 4; core-protocol codes from section 7).
 *
 * Export header: stdint types, constants and layouts only; shared by the
 * SVSM, the harness and guest-side tests.
 */
#ifndef ABI_SVSM_RESULT_H
#define ABI_SVSM_RESULT_H

#include <stdint.h>

/**
 * Result codes. Values are the protocol's numbers; the type is unsigned so
 * that the code zero-extends into RAX.
 */
enum svsm_result {
	/** The call completed (table 4). */
	SVSM_SUCCESS = 0x00000000U,
	/** Partially done: the guest re-sets call_pending and calls again. */
	SVSM_ERR_INCOMPLETE = 0x80000000U,
	SVSM_ERR_UNSUPPORTED_PROTOCOL = 0x80000001U,
	SVSM_ERR_UNSUPPORTED_CALL = 0x80000002U,
	/** A GPA is invalid, faults, or names memory the caller may not use. */
	SVSM_ERR_INVALID_ADDRESS = 0x80000003U,
	/** A reserved value was specified (e.g. in SVSM_CALL_PENDING). */
	SVSM_ERR_INVALID_FORMAT = 0x80000004U,
	/** A parameter is out of range, misaligned or has reserved bits set. */
	SVSM_ERR_INVALID_PARAMETER = 0x80000005U,
	SVSM_ERR_INVALID_REQUEST = 0x80000006U,
	/** Retry later; no intermediate state was left behind. */
	SVSM_ERR_BUSY = 0x80000007U,

	/** First protocol-defined error (table 4). */
	SVSM_ERR_PROTOCOL_BASE = 0x80001000U,
	/* Core protocol: PVALIDATE/RMPADJUST failed with EAX (0x1..0xF). */
	SVSM_ERR_PVALIDATE_FAIL_INPUT = 0x80001001U,
	SVSM_ERR_RMPADJUST_FAIL_PERMISSION = 0x80001002U,
	/** DELETE_VCPU: EFER.SVME could not be cleared (VMSA in use). */
	SVSM_ERR_CORE_FAIL_INUSE = 0x80001003U,
	/** PVALIDATE of a 2 MiB entry over 4 KiB RMP entries (Linux falls back). */
	SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH = 0x80001006U,
	/** PVALIDATE set CF (no RMP change) and the entry's ignore-CF was 0. */
	SVSM_ERR_PVALIDATE_FAIL_UNCHANGED = 0x80001010U,
	/** PVALIDATE returned EAX > 0xF. */
	SVSM_ERR_PVALIDATE_FAIL_UNKNOWN = 0x80001011U,
};

/* 0x4000_0000..0x7FFF_FFFF: more memory needed, bits 29:0 = 4 KiB pages. */
#define SVSM_RESULT_MEM_NEEDED_BASE 0x40000000U
#define SVSM_RESULT_MEM_NEEDED_MASK 0x3FFFFFFFU
#define SVSM_RESULT_MEM_NEEDED(pages)                                          \
	(SVSM_RESULT_MEM_NEEDED_BASE | ((pages)&SVSM_RESULT_MEM_NEEDED_MASK))

/* A failing PVALIDATE/RMPADJUST EAX (0..0xF) becomes PROTOCOL_BASE + EAX. */
#define SVSM_ERR_PROTOCOL(eax) (SVSM_ERR_PROTOCOL_BASE + (uint32_t)(eax))

#endif /* ABI_SVSM_RESULT_H */
