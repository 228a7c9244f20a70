/* SPDX-License-Identifier: MIT */
/*
 * Calls into the SVSM as Linux makes them (svsm_issue_call): set
 * call_pending in the Calling Area, VMGEXIT asking for VMPL0 (GHCB
 * protocol once the GHCB is registered, the MSR protocol before), then
 * exchange call_pending with 0 to learn whether the SVSM ran the call.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "abi/svsm_ca.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/svsm_result.h"

struct svsm_regs {
	uint64_t rax, rcx, rdx, r8, r9;
};

/** The Calling Area calls go through (the boot CA, or a remapped one). */
extern volatile struct svsm_ca *svsm_ca;
extern uint64_t svsm_ca_gpa;

/**
 * One call with `pending` written to call_pending (1 for a real call; the
 * checks also send reserved values). Returns 0 when the SVSM ran it (the
 * registers hold its outputs), -1 when the hypervisor refused the exit or
 * call_pending was still set afterwards.
 */
int svsm_call_raw(uint8_t pending, struct svsm_regs *r);

/** As svsm_call_raw() on another vCPU's CA; the MSR protocol if !via_ghcb. */
int svsm_call_on(volatile struct svsm_ca *ca, bool via_ghcb, uint8_t pending,
		 struct svsm_regs *r);

/** A call; returns RAX[31:0], or 0xFFFFFFFF if the call did not run. */
uint32_t svsm_call(uint32_t protocol, uint32_t id, struct svsm_regs *r);

/** A core call with RCX, RDX, R8; returns RAX[31:0]. */
uint32_t svsm_core(uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8);

/**
 * PVALIDATE `n` entries from a list at CA + 8 (as Linux). `*next` gets the
 * list's `next` afterwards when not NULL. Returns RAX[31:0].
 */
uint32_t svsm_pvalidate_list(const uint64_t *entries, unsigned n,
			     uint16_t start, uint16_t *next);
/** One 4 KiB or 2 MiB entry. */
uint32_t svsm_pvalidate(uint64_t gpa, bool is_2m, bool validate,
			bool ignore_cf);
/** Validate [gpa, gpa + size) in 4 KiB pages, CF ignored. */
uint32_t svsm_validate_range(uint64_t gpa, uint64_t size);

/** QUERY_PROTOCOL: RCX out, or 0 if the call failed. */
uint64_t svsm_query_protocol(uint32_t protocol, uint32_t version);
