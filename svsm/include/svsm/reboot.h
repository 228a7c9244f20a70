/* SPDX-License-Identifier: MIT */
/*
 * Guest reboot through the SVSM (the reboot protocol, abi/svsm_reboot.h;
 * docs/ARCHITECTURE.md "Guest reboot").
 *
 * What the guest validated. The SVSM keeps one bit per 4 KiB page of guest
 * memory for every page the guest holds validated through PVALIDATE (set
 * on validate, cleared on invalidate; a 2 MiB entry sets 512 bits and one
 * bit of a per-2 MiB map). Pages the guest deposits or turns into VMSAs
 * keep their bit: they are the guest's validated memory on loan to the
 * SVSM, and a reboot takes them back first (deposit pool drained, VMSAs
 * deleted), then invalidates every page whose bit is set. The SVSM's own
 * region and the launch pages (the guest's secrets page, boot Calling Area
 * and boot VMSA) are never in the map: the launch pages are rebuilt and
 * validated again as at launch. Updates and the sweep run under
 * `core_lock`.
 *
 * SVSM_REBOOT_EXECUTE, from any vCPU:
 *   1. quiesce: under `core_lock`, clear EFER.SVME in every other guest
 *      VMSA (a vCPU that is serving a call has SVME clear already: the
 *      reboot waits for it, or answers BUSY), ask the hypervisor to stop
 *      each (AP destroy), and take the VMSA bit off every guest VMSA with
 *      RMPADJUST, which the hardware refuses while that VMSA runs on some
 *      CPU. Once every VMSA bit is off no vCPU executes at the guest VMPL:
 *      each vCPU's VMPL0 request loop finds no guest to run and parks in
 *      RUN_VMPL until the guest creates it again. Any failure here undoes
 *      what was done and returns the error (nothing changed).
 *   2. point of no return: drain the deposit pool, invalidate every page
 *      in the validated map, reset the vTPM (mode "reset") or leave it
 *      ("keep"), rebuild the launch pages and the boot VMSA and hand it to
 *      the hypervisor for the boot vCPU. A failure from here on terminates
 *      the VM.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/cpu.h"
#include "svsm/proto.h"

struct svsm_boot_info;
struct ghcb;

/**
 * At boot: offer the reboot protocol if `offer` (the loader set
 * SVSM_BOOT_REBOOT: it can relaunch the guest), allocating the
 * validated-page maps for `mem_size` bytes of guest memory. False: no
 * memory; the protocol is not offered.
 */
bool reboot_init(uint64_t mem_size, bool offer);

/** valmap.c: forget the maps, then allocate them unless `mem_size` is 0. */
bool valmap_init(uint64_t mem_size);

/**
 * Record that the guest validated (`validated`) or invalidated the page or
 * 2 MiB range at `gpa` (inside guest memory). Core lock held.
 */
void valmap_note(uint64_t gpa, enum cpu_page_size size, bool validated);

/** True if the guest holds the 4 KiB page at `gpa` validated. */
bool valmap_test(uint64_t gpa);

/** Pages whose bit is set (tests compare it with the RMP). */
uint64_t valmap_count(void);

/**
 * The first page at or after `from` whose bit is set, in `*gpa` (always
 * inside the map, so a following range never wraps). False: none.
 */
bool valmap_next(uint64_t from, uint64_t *gpa);

/** True if the guest validated the 2 MiB range holding `gpa` as one entry. */
bool valmap_is_2m(uint64_t gpa);

/** True while the reboot protocol is served (QUERY_PROTOCOL, dispatch). */
bool svsm_reboot_available(void);

/** The reboot protocol's call switch. */
enum svsm_result reboot_dispatch(const struct svsm_caller *caller,
				 uint32_t call, const struct svsm_call_in *in,
				 struct svsm_call_out *out);

/** What a reboot does with the vTPM (SVSM_BOOT_REBOOT_KEEP_TPM). */
enum reboot_tpm_mode {
	REBOOT_TPM_RESET, /* _TPM_Init: PCRs reset, NV and EK kept */
	REBOOT_TPM_KEEP,  /* the TPM is not touched */
};

/** Reboots the SVSM performed since it booted (the harness's counter). */
uint64_t svsm_reboot_count(void);

/**
 * Provided by boot.c: build the guest's launch state (secrets page copy,
 * boot Calling Area, boot VMSA), register it for the boot vCPU through
 * `ghcb` and make it that vCPU's guest. False on any failure.
 */
bool svsm_guest_launch(struct ghcb *ghcb);

/** Provided by boot.c: the boot information the SVSM started with. */
const struct svsm_boot_info *svsm_boot_info(void);
