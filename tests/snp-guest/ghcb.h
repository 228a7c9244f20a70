/* SPDX-License-Identifier: MIT */
/*
 * The guest's side of the GHCB (AMD pub. 56421): the MSR protocol, its
 * own GHCB page (made shared, registered) and the exits it makes through
 * it: IOIO, MSR, page state changes and AP creation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <x86/asm.h> /* rdmsr, wrmsr */

#include "abi/ghcb.h"

/** VMGEXIT (`rep; vmmcall`): a call to the host. */
static inline void vmgexit(void)
{
	__asm__ volatile("rep; vmmcall" : : : "memory");
}

/** One MSR-protocol exchange: write `req`, VMGEXIT, return the response. */
uint64_t ghcb_msr_exchange(uint64_t req);
/** Ask the hypervisor to end the guest (reason set 1 = this guest). */
_Noreturn void ghcb_terminate(unsigned reason);

/**
 * Set up this vCPU's GHCB: page made shared (SVSM PVALIDATE rescind, then
 * an MSR-protocol page state change), mapped without the C-bit in the
 * shared window, registered. Returns 0 or a negative step number.
 */
int ghcb_init(void);
/** Whether ghcb_init() succeeded (the #VC handler's IOIO needs it). */
bool ghcb_ready(void);
struct ghcb *ghcb_get(void);
uint64_t ghcb_gpa(void);

/** Start an exit: clear the valid bitmap. */
void ghcb_begin(void);
/** Fill the exit fields and point the GHCB MSR at the page (no VMGEXIT). */
void ghcb_prepare(uint64_t code, uint64_t info1, uint64_t info2);
/**
 * A GHCB exit: SW_EXITCODE `code`, EXITINFO1/2; registers are set valid by
 * the caller with ghcb_set(). Returns SW_EXITINFO1[31:0] (0: done).
 */
uint32_t ghcb_exit(uint64_t code, uint64_t info1, uint64_t info2);
/** Store a GHCB register field at byte offset `off` and mark it valid. */
void ghcb_set(unsigned off, uint64_t v);

/** IOIO through the GHCB: `size` 1, 2 or 4 bytes. Returns 0 or -1. */
int ghcb_io(uint16_t port, unsigned size, bool in, uint32_t *val);
/** RDMSR/WRMSR through the GHCB. Returns 0 or -1. */
int ghcb_msr(uint32_t msr, bool write, uint64_t *val);
/** Page state change of one 4 KiB page (MSR protocol). 0 or the error. */
uint32_t ghcb_psc(uint64_t gpa, bool shared);
/** AP creation (SW_EXITCODE 0x80000013). Returns SW_EXITINFO1[31:0]. */
uint32_t ghcb_ap_create(uint32_t apic_id, uint64_t vmsa_gpa, uint64_t features,
			unsigned vmpl);
