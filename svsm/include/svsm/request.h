/* SPDX-License-Identifier: MIT */
/* The per-vCPU request loop (svsm/core/request.c). */
#pragma once

#include "svsm/vcpu.h"

/** Serve the call (if any) the guest on `cpu` made; one pass of the loop. */
void request_serve(struct svsm_cpu *cpu);

/** Run the guest VMPL and serve its calls on `cpu`, for ever. */
_Noreturn void request_loop(struct svsm_cpu *cpu);
