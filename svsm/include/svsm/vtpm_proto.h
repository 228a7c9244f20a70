/* SPDX-License-Identifier: MIT */
/* The vTPM protocol (58019 protocol 2), served from svsm/vtpm/protocol.c. */
#pragma once

#include <stdint.h>

#include "svsm/proto.h"

/** Bitmap of MSSIM platform commands VTPM_CMD accepts (bit n: command n). */
uint64_t vtpm_proto_supported_cmds(void);

/** The protocol's call switch; UNSUPPORTED_PROTOCOL while no vTPM runs. */
enum svsm_result vtpm_proto_dispatch(const struct svsm_caller *caller,
				     uint32_t call,
				     const struct svsm_call_in *in,
				     struct svsm_call_out *out);
