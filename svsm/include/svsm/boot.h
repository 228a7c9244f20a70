/* SPDX-License-Identifier: MIT */
/*
 * Boot of the SVSM proper on an SNP machine. The loader (the harness in the
 * hosted build, the kernel's early code otherwise) places a boot-info block
 * in the SVSM region and starts the boot vCPU at VMPL0 with a pointer to it.
 *
 * The loader resets the allocator (`mm_reset()`) before it starts the SVSM;
 * `svsm_boot()` adds the SVSM region to it (so fault injection armed by a
 * test before boot reaches the boot's allocations).
 *
 * `svsm_boot()` never returns: it sets up the allocator, the GHCBs, the
 * guest's secrets page copy, Calling Area and boot VMSA, starts a VMPL0
 * context on every other vCPU, and enters the request loop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "abi/vmsa.h"

#define SVSM_BOOT_INFO_MAGIC 0x4f4f425f4d535653ULL /* "SVSM_BOO" */

/** What the loader tells the SVSM. All GPAs are page-aligned. */
struct svsm_boot_info {
	uint64_t magic;
	/** Virtual address of GPA 0 (the linear map of guest memory). */
	uint64_t physmap_va;
	/** Bytes of guest physical memory. */
	uint64_t mem_size;
	/** The SVSM region: private to VMPL0, launched validated. */
	uint64_t svsm_base;
	uint64_t svsm_size;
	/** Bytes at the start of the SVSM region the allocator must not use. */
	uint64_t svsm_reserved;
	/** The PSP's secrets page and CPUID page (inside the SVSM region). */
	uint64_t secrets_gpa;
	uint64_t cpuid_gpa;
	/** Guest pages (launched as normal pages, outside the SVSM region). */
	uint64_t guest_secrets_gpa;
	uint64_t guest_ca_gpa;
	uint64_t guest_vmsa_gpa;
	/** First instruction of the guest (its boot VMSA's RIP). */
	uint64_t guest_rip;
	/** RIP of the VMPL0 context of the other vCPUs (RDI = APIC ID). */
	uint64_t ap_entry_rip;
	uint32_t vcpu_count;
	uint32_t guest_vmpl;
	/** SVSM_BOOT_* flags. */
	uint64_t flags;
	/** How the guest's boot VMSA starts (SVSM_BOOT_GUEST_*). */
	uint32_t guest_mode;
	uint32_t rsvd;
	/** SVSM_BOOT_GUEST_PM32: the guest's RSI, RDX and RDI at entry. */
	uint64_t guest_rsi;
	uint64_t guest_rdx;
	uint64_t guest_rdi;
};

/** x86 reset state, CS:IP from `guest_rip` (firmware such as OVMF). */
#define SVSM_BOOT_GUEST_RESET 0U
/** 32-bit protected mode, paging off, flat (a PVH ELF guest). */
#define SVSM_BOOT_GUEST_PM32 1U

/** Start the vTPM service. */
#define SVSM_BOOT_VTPM 0x1ULL
/**
 * Offer the reboot protocol: the loader can relaunch the guest, if the
 * build can keep its launch memory (`svsm_arch_guest_keep()`;
 * docs/ARCHITECTURE.md "Guest reboot").
 */
#define SVSM_BOOT_REBOOT 0x4ULL
/** A guest reboot leaves the vTPM untouched (default: a TPM reset). */
#define SVSM_BOOT_REBOOT_KEEP_TPM 0x2ULL

/** Boot the SVSM on the boot vCPU (APIC ID 0). Never returns. */
_Noreturn void svsm_boot(const struct svsm_boot_info *info);

/** VMPL0 entry of vCPU `apic_id` other than the boot vCPU. Never returns. */
_Noreturn void svsm_ap_main(uint32_t apic_id);

/**
 * Provided by each build: fill the architectural state of the VMPL0 VMSA
 * that starts vCPU `apic_id` at `info->ap_entry_rip` (stack, paging,
 * segments as the build needs). The caller has zeroed `vmsa` and sets VMPL,
 * EFER.SVME and SEV_FEATURES afterwards.
 */
void svsm_arch_init_ap_vmsa(struct sev_vmsa *vmsa,
			    const struct svsm_boot_info *info,
			    uint32_t apic_id);

/**
 * Provided by each build: called on the boot vCPU once every vCPU's VMPL0
 * context and the guest's boot VMSA exist, just before its request loop
 * (the kernel waits for its APs and prints its banner).
 */
void svsm_arch_boot_done(const struct svsm_boot_info *info);

struct ghcb;

/**
 * Provided by each build, called once on the boot vCPU when the loader
 * offers the reboot protocol (SVSM_BOOT_REBOOT), after the allocator is
 * up and before the guest first runs: keep what a relaunch needs of the
 * memory the launch gave the guest (the kernel copies every LAUNCHED guest
 * range into SVSM memory). False: it cannot, and the reboot protocol is
 * not offered; the SVSM boots all the same.
 */
bool svsm_arch_guest_keep(const struct svsm_boot_info *info);

/**
 * Provided by each build, called by a reboot (svsm/core/reboot.c) under
 * `core_lock` once no vCPU runs the guest and every page the guest
 * validated is invalidated, before `svsm_guest_launch()`: give the guest
 * its launch memory back as the launch left it (validated again, launch
 * contents, granted to the guest's VMPL), through `ghcb` for any page
 * state change. False on a failure (the reboot then terminates the VM).
 */
bool svsm_arch_guest_relaunch(struct ghcb *ghcb);
