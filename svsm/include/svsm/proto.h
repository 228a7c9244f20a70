/* SPDX-License-Identifier: MIT */
/*
 * SVSM protocol dispatch (58019 section 5). The request loop hands every
 * pending call to `svsm_dispatch()`, which splits RAX into protocol and
 * call, decodes the registers and invokes one handler. Handlers say which
 * output registers they set; the loop writes only those.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "abi/svsm_result.h"

struct svsm_cpu;
struct guest_vmsa;

/** Input registers of a call (from the caller's VMSA). */
struct svsm_call_in {
	uint64_t rax, rcx, rdx, r8, r9;
};

#define SVSM_OUT_RCX 0x1U
#define SVSM_OUT_RDX 0x2U
#define SVSM_OUT_R8 0x4U
/**
 * The call does not return to its caller (a reboot): the request loop
 * writes no register, leaves the Calling Area and the caller's VMSA alone.
 */
#define SVSM_OUT_NORETURN 0x8U

/** Outputs of a call: `set` says which registers the call defines. */
struct svsm_call_out {
	uint64_t rcx, rdx, r8;
	unsigned int set;
};

/** Who is calling. */
struct svsm_caller {
	struct svsm_cpu *cpu;
	struct guest_vmsa *vmsa;
	unsigned int vmpl;
};

/** Serve one call; returns the result code for RAX. */
enum svsm_result svsm_dispatch(const struct svsm_caller *caller,
			       const struct svsm_call_in *in,
			       struct svsm_call_out *out);

/**
 * Versions of `protocol` this SVSM serves: the one table both dispatch and
 * QUERY_PROTOCOL read. False if the protocol is not served.
 */
bool svsm_protocol_versions(uint32_t protocol, uint32_t *min, uint32_t *max);

/** Name of a result code ("SVSM_ERR_INVALID_ADDRESS"), never NULL. */
const char *svsm_result_name(uint32_t result);
