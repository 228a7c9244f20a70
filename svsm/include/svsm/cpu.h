/* SPDX-License-Identifier: MIT */
/*
 * The machine interface: the only privileged operations the SVSM performs.
 *
 * Two implementations, chosen by the build, never at run time:
 *   - svsm/arch/x86/cpu_ops.c   inline assembly (kernel build)
 *   - svsm/sim/machine/cpu_sim.c the software SNP machine (hosted build); the
 *     calls act on the vCPU whose VMPL0 context is running.
 *
 * Nothing outside these two files executes PVALIDATE, RMPADJUST, VMGEXIT or
 * touches an MSR.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Page-size operand of PVALIDATE and RMPADJUST (RCX). */
enum cpu_page_size {
	CPU_PAGE_4K = 0,
	CPU_PAGE_2M = 1,
};

/**
 * PVALIDATE the page mapped at `va` (an SVSM virtual address, aligned to
 * `size`). Returns EAX (0 success, 1 FAIL_INPUT, 6 FAIL_SIZEMISMATCH) and
 * stores rFLAGS.CF in `*cf` (CF=1: the RMP entry already had that state and
 * was not changed).
 */
uint32_t cpu_pvalidate(const void *va, enum cpu_page_size size, bool validate,
		       bool *cf);

/**
 * RMPADJUST the page mapped at `va`; `attrs` is the RDX attribute word
 * (target VMPL in bits 7:0, permissions in bits 11:8, VMSA in bit 16).
 * Returns EAX (0 success, 1 FAIL_INPUT, 2 FAIL_PERMISSION,
 * 6 FAIL_SIZEMISMATCH).
 */
uint32_t cpu_rmpadjust(const void *va, enum cpu_page_size size, uint64_t attrs);

/** VMGEXIT (`rep; vmmcall`): hand control to the hypervisor. */
void cpu_vmgexit(void);

uint64_t cpu_rdmsr(uint32_t msr);
void cpu_wrmsr(uint32_t msr, uint64_t value);

/** Flush every TLB entry of this guest on all CPUs (INVLPGB + TLBSYNC). */
void cpu_flush_tlb_all(void);

/**
 * Map the page at `va` shared (no C-bit) in the SVSM's own page tables,
 * after a page state change made it shared. False if it cannot be
 * remapped. The hosted machine has no encryption: nothing to do.
 */
bool cpu_map_shared(void *va);

/**
 * `ghcb` (an SVSM virtual address) is now this vCPU's registered GHCB:
 * the #VC handler uses it for port I/O and MSR accesses.
 */
struct ghcb;
void cpu_ghcb_set(struct ghcb *ghcb);

/** Identifier (APIC ID) of the CPU running this code. */
uint32_t cpu_apic_id(void);

/**
 * Copy `len` bytes between SVSM buffers and memory that may fault (a guest
 * page that is not validated, not assigned, or outside guest memory), the
 * way Hafnium's `memcpy_trapped` does. Returns false if any byte faulted;
 * the destination contents are then unspecified.
 */
bool cpu_copy_from_trapped(void *dst, const void *src_va, uint64_t len);
bool cpu_copy_to_trapped(void *dst_va, const void *src, uint64_t len);
