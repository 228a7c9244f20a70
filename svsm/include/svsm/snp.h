/* SPDX-License-Identifier: MIT */
/*
 * The SNP platform (svsm/platform/snp): GHCB MSR and page protocols, page
 * state changes, PVALIDATE/RMPADJUST use, VMSA handling and the run-VMPL
 * switch, all over the machine interface of <svsm/cpu.h>.
 *
 * Return conventions: functions returning `uint32_t` return the
 * instruction's EAX (0 success); `bool` functions return false on failure
 * and say what a failure leaves behind.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/cpu.h"
#include "abi/ghcb.h"
#include "abi/snp_secrets.h"
#include "abi/vmsa.h"

/** Highest VMPL of the architecture. */
#define SNP_VMPL_MAX 3U

/* --- GHCB MSR protocol (this vCPU) --- */

/** Run VMPL `vmpl` on this vCPU; returns when VMPL0 runs again. */
bool snp_msr_run_vmpl(unsigned int vmpl);
/** Page state change of one 4 KiB page via the MSR protocol. */
bool snp_msr_psc(uint64_t gpa, bool shared);
/** Register `gpa` as this vCPU's GHCB. */
bool snp_msr_register_ghcb(uint64_t gpa);
/** Ask the hypervisor to terminate the VM. Never returns. */
/* GHCB hypervisor features (MSR protocol 0x080) the kernel needs. */
#define GHCB_HV_FT_SNP (1ULL << 0)
#define GHCB_HV_FT_SNP_AP_CREATION (1ULL << 1)
#define GHCB_HV_FT_SNP_MULTI_VMPL (1ULL << 5)
/** The hypervisor's feature bitmap (GHCBData); false if no answer. */
bool snp_msr_hv_features(uint64_t *features);
_Noreturn void snp_terminate(unsigned int set, unsigned int code);

/* --- GHCB page protocol --- */

/**
 * Make the page at `page` (an SVSM page) shared and clear it for use as a
 * GHCB (PVALIDATE invalidate, then PSC to shared). On failure the page
 * state is unspecified and the page must not be reused.
 */
bool snp_ghcb_prepare(struct ghcb *page);
/** Mark the field at offset `off` valid in the GHCB's valid bitmap. */
void snp_ghcb_set_valid(struct ghcb *ghcb, size_t off);
/**
 * One page-protocol call through `ghcb` (valid bitmap cleared and the
 * exit's own inputs set by the caller): returns SW_EXITINFO1[31:0].
 */
uint32_t snp_ghcb_call(struct ghcb *ghcb, uint64_t exit_code, uint64_t info1,
		       uint64_t info2);
/** Register `ghcb` (prepared) as this vCPU's GHCB and select it. */
bool snp_ghcb_init(struct ghcb *ghcb);
/**
 * AP creation (SW_EXITCODE 0x80000013) for `apic_id` at `vmpl` with the
 * VMSA at `vmsa_gpa`; `request` is SVM_VMGEXIT_AP_CREATE{_ON_INIT} or
 * SVM_VMGEXIT_AP_DESTROY. Uses this vCPU's GHCB.
 */
bool snp_ap_create(struct ghcb *ghcb, uint32_t apic_id, unsigned int vmpl,
		   uint64_t vmsa_gpa, uint64_t sev_features, uint64_t request);

/**
 * PSC PSMASH: split the 2 MiB RMP entry at `gpa` into 4 KiB entries. False
 * if the host reports an error or no progress in the PSC header (then the
 * entry may still be 2 MiB).
 */
bool snp_psc_psmash(struct ghcb *ghcb, uint64_t gpa);

/** Page state change of 4 KiB pages [gpa, gpa + npages pages); see ghcb.c. */
bool snp_psc_pages(struct ghcb *ghcb, uint64_t gpa, uint64_t npages,
		   bool shared);

/* --- RMP use (RMPADJUST with attribute words of abi/snp_rmp.h) --- */

/** Remove every permission of VMPL1..3. Returns EAX of the failing step. */
uint32_t snp_page_revoke(void *va, enum cpu_page_size size);
/** Grant RWX to VMPL1..`vmpl` (58019: the caller and lower numbers). */
uint32_t snp_page_grant(void *va, enum cpu_page_size size, unsigned int vmpl);
/** Make the 4 KiB page a VMSA for `vmpl` (no lower-VMPL permissions). */
uint32_t snp_page_make_vmsa(void *va, unsigned int vmpl);
/** Turn a VMSA page back into a normal page without lower permissions. */
uint32_t snp_page_clear_vmsa(void *va, unsigned int vmpl);
/**
 * The same for a VMSA just destroyed by AP destroy: tried again while the
 * hardware answers FAIL_INUSE (the host's kick not yet through), bounded.
 */
uint32_t snp_page_clear_vmsa_stopped(void *va, unsigned int vmpl);

/* --- VMSAs and the secrets page --- */

/** x86 reset state for a guest boot VMSA at `vmpl`, runnable (SVME set). */
void snp_vmsa_init_guest(struct sev_vmsa *vmsa, unsigned int vmpl,
			 uint64_t sev_features, uint64_t rip);
/** 32-bit flat protected-mode start (a PVH guest); regs = RSI, RDX, RDI. */
void snp_vmsa_init_guest_pm32(struct sev_vmsa *vmsa, unsigned int vmpl,
			      uint64_t sev_features, uint64_t rip,
			      const uint64_t regs[3]);
/** Atomically clear EFER.SVME; returns the old EFER. */
uint64_t snp_vmsa_clear_svme(struct sev_vmsa *vmsa);
/** Atomically set EFER.SVME. */
void snp_vmsa_set_svme(struct sev_vmsa *vmsa);
/** This VMPL's SEV features (SEV_STATUS >> 2). */
uint64_t snp_sev_features(void);

/**
 * Guest VMSA features from the SVSM's own `svsm` features: RestrictedInjection
 * and DebugSwap removed. False, `*guest` untouched, if `svsm` has VmsaRegProt,
 * which the SVSM cannot run a guest with (boot terminates).
 */
bool snp_guest_sev_features(uint64_t svsm, uint64_t *guest);

/**
 * A zeroed page for a VMSA the SVSM builds, never 2 MiB aligned (an SNP
 * erratum); NULL when out of memory. Free it with `snp_vmsa_free()`.
 */
struct sev_vmsa *snp_vmsa_alloc(void);
/** Free a page from `snp_vmsa_alloc()`; NULL is ignored. */
void snp_vmsa_free(struct sev_vmsa *vmsa);

/**
 * The guest's copy of the secrets page: VMPCK0..`guest_vmpl - 1` wiped, the
 * SVSM fields (table 1 of 58019) filled in.
 */
void snp_secrets_for_guest(struct snp_secrets_page *dst,
			   const struct snp_secrets_page *src,
			   unsigned int guest_vmpl, uint64_t svsm_base,
			   uint64_t svsm_size, uint64_t caa);
