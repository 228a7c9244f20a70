/* SPDX-License-Identifier: MIT */
/*
 * SVSM calling convention (AMD pub. 58019 rev 1.00, section 5, table 3):
 * RAX = protocol << 32 | call; parameters in RCX, RDX, R8, R9; the result
 * code in RAX[31:0] and call-specific outputs in RCX, RDX, R8.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SVSM_CALL_H
#define ABI_SVSM_CALL_H

#include <stdint.h>

/* Protocol numbers (table 3; 3 and 4 as COCONUT-SVSM assigns them). */
#define SVSM_PROTOCOL_CORE 0U
#define SVSM_PROTOCOL_ATTEST 1U
#define SVSM_PROTOCOL_VTPM 2U
#define SVSM_PROTOCOL_APIC 3U

/* RAX encoding. */
#define SVSM_CALL_PROTOCOL_SHIFT 32
#define SVSM_CALL_ID_MASK 0xFFFFFFFFULL
#define SVSM_CALL(protocol, id)                                                \
	(((uint64_t)(protocol) << SVSM_CALL_PROTOCOL_SHIFT) |                  \
	 ((uint64_t)(id)&SVSM_CALL_ID_MASK))
#define SVSM_CALL_GET_PROTOCOL(rax)                                            \
	((uint32_t)((uint64_t)(rax) >> SVSM_CALL_PROTOCOL_SHIFT))
#define SVSM_CALL_GET_ID(rax) ((uint32_t)((uint64_t)(rax)&SVSM_CALL_ID_MASK))

/* Core protocol calls (section 7, table 5). */
#define SVSM_CORE_REMAP_CA 0U
#define SVSM_CORE_PVALIDATE 1U
#define SVSM_CORE_CREATE_VCPU 2U
#define SVSM_CORE_DELETE_VCPU 3U
#define SVSM_CORE_DEPOSIT_MEM 4U
#define SVSM_CORE_WITHDRAW_MEM 5U
#define SVSM_CORE_QUERY_PROTOCOL 6U
#define SVSM_CORE_CONFIGURE_VTOM 7U

/* Attestation protocol calls (section 8). */
#define SVSM_ATTEST_SERVICES 0U
#define SVSM_ATTEST_SINGLE_SERVICE 1U

/* vTPM protocol calls (section 8, table 14). */
#define SVSM_VTPM_QUERY 0U
#define SVSM_VTPM_CMD 1U

/* QUERY_PROTOCOL: RCX in = protocol << 32 | version; RCX out = max << 32 | min. */
#define SVSM_QUERY_PROTOCOL_ARG(protocol, version)                             \
	(((uint64_t)(protocol) << 32) | (uint32_t)(version))
#define SVSM_QUERY_PROTOCOL_RESULT(min, max)                                   \
	(((uint64_t)(max) << 32) | (uint32_t)(min))

#endif /* ABI_SVSM_CALL_H */
