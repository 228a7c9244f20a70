/* SPDX-License-Identifier: MIT */
/*
 * The kernel's SNP boot (svsm/kernel/snp.c): from the IGVM entry to
 * `svsm_boot()`, and the VMPL0 start of the other vCPUs.
 */
#pragma once

#include <stdint.h>

#include <svsm/boot.h>
#include <svsm/igvm_params.h>
#include "abi/snp_cpuid.h"

/* GHCB termination reasons of the kernel's SNP boot (set 3). */
#define SNP_TERM_SET 3U
#define SNP_TERM_PARAMS 1U  /* parameter block bad or unreachable */
#define SNP_TERM_CPUID 2U   /* CPUID page bad, C-bit disagrees */
#define SNP_TERM_MEMMAP 3U  /* memory map bad or SVSM region outside */
#define SNP_TERM_PAGING 4U  /* cannot build the page tables */
#define SNP_TERM_GHCB 5U    /* cannot share or register the GHCB */
#define SNP_TERM_NOT_SNP 6U /* SEV_STATUS says SNP is off (boot.S) */
#define SNP_TERM_NO_CBIT 7U /* no usable C-bit in the CPUID page (boot.S) */

/** C entry of the SNP boot CPU (boot.S), `params_pa` from RSI. */
_Noreturn void kernel_snp_main(uint64_t params_pa);

/** C entry of an AP's VMPL0 context (boot.S `snp_ap_start`). */
_Noreturn void snp_ap_main(uint32_t apic_id);

/** boot.S: where AP VMSAs start (RDI = APIC ID). */
extern const char snp_ap_start[];

/**
 * snp_relaunch.c: the parameter block and CPUID page copy the guest's
 * launch memory is kept and restored by (`svsm_arch_guest_keep()`,
 * `svsm_arch_guest_relaunch()`); both stay valid for the kernel's life.
 */
void snp_relaunch_setup(const struct svsm_igvm_params *params,
			const struct snp_cpuid_page *cpuid);
