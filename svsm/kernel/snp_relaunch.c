/* SPDX-License-Identifier: MIT */
/*
 * The guest's launch memory kept for a reboot (the kernel's side of
 * `svsm_arch_guest_keep()` and `svsm_arch_guest_relaunch()`, <svsm/boot.h>;
 * docs/ARCHITECTURE.md "Guest reboot").
 *
 * The IGVM launch put the guest's image in its LAUNCHED ranges and the
 * boot made its VALIDATE ranges private, validated and zero
 * (`guest_prepare()` in snp.c). A guest overwrites both, and a reboot
 * invalidates what the guest validated through the SVSM, so the kernel
 * copies every LAUNCHED range into SVSM memory at boot (one allocation per
 * range; if one fails it keeps nothing and the reboot protocol is not
 * offered) and a relaunch puts them back: each range made private again
 * (the guest may have made pages shared), validated (CF set means it
 * still was), its launch contents or zeroes, every page granted to the
 * guest's VMPL, then the guest's CPUID page rebuilt. The parameter block,
 * whose ranges these are, and the boot registers (the boot info) stay in
 * the kernel's memory as they were at boot.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/snp.h>
#include <kernel/snp_boot.h>
#include <svsm/boot.h>
#include <svsm/cpu.h>
#include <svsm/log.h>
#include <svsm/mm.h>
#include <svsm/physmap.h>
#include <svsm/snp.h>
#include "abi/snp_rmp.h"

static const struct svsm_igvm_params *kept_params;
static const struct snp_cpuid_page *kept_cpuid;
/* The launch contents of LAUNCHED range i (NULL for VALIDATE ranges). */
static void *kept_copy[SVSM_IGVM_MAX_GUEST_RANGES];

/** See <kernel/snp.h>. */
void snp_relaunch_setup(const struct svsm_igvm_params *params,
			const struct snp_cpuid_page *cpuid)
{
	kept_params = params;
	kept_cpuid = cpuid;
}

static void forget(void)
{
	size_t i;

	for (i = 0; i < SVSM_IGVM_MAX_GUEST_RANGES; i++) {
		kfree(kept_copy[i]);
		kept_copy[i] = NULL;
	}
}

/** Copy every LAUNCHED guest range (see <svsm/boot.h>). */
bool svsm_arch_guest_keep(const struct svsm_boot_info *info)
{
	const struct svsm_igvm_params *p = kept_params;
	uint64_t bytes = 0;
	uint32_t i;

	(void)info;
	forget();
	if (p == NULL || p->guest_range_count > SVSM_IGVM_MAX_GUEST_RANGES) {
		return false;
	}
	for (i = 0; i < p->guest_range_count; i++) {
		const struct svsm_igvm_range *r = &p->guest_ranges[i];
		const void *src = physmap_va(r->gpa, r->size);

		if (r->flags != SVSM_IGVM_RANGE_LAUNCHED) {
			continue;
		}
		kept_copy[i] = src != NULL ? kmalloc(r->size) : NULL;
		if (kept_copy[i] == NULL) {
			pr_notice("reboot: no room for a copy of the guest's "
				  "range %#llx (%llu KiB)\n",
				  (unsigned long long)r->gpa,
				  (unsigned long long)(r->size >> 10));
			forget();
			return false;
		}
		memcpy(kept_copy[i], src, r->size);
		bytes += r->size;
	}
	pr_info("reboot: kept %llu KiB of the guest's launch\n",
		(unsigned long long)(bytes >> 10));
	return true;
}

/*
 * PVALIDATE one page of a range; a 2 MiB RMP entry (the guest had the
 * host make one) is split first. CF set (no change) is success.
 */
static bool validate_page(struct ghcb *ghcb, uint64_t pa)
{
	void *va = physmap_va(pa, PAGE_SIZE);
	bool cf = false;
	uint32_t eax = cpu_pvalidate(va, CPU_PAGE_4K, true, &cf);

	if (eax == PVALIDATE_FAIL_SIZEMISMATCH &&
	    snp_psc_psmash(ghcb, pa & ~((512ULL * PAGE_SIZE) - 1))) {
		eax = cpu_pvalidate(va, CPU_PAGE_4K, true, &cf);
	}
	return eax == PVALIDATE_SUCCESS;
}

/* One range back to its launch state; false on any failure. */
static bool range_restore(struct ghcb *ghcb, const struct svsm_igvm_range *r,
			  const void *copy, unsigned int vmpl)
{
	void *va = physmap_va(r->gpa, r->size);
	uint64_t pa;

	if (va == NULL ||
	    !snp_psc_pages(ghcb, r->gpa, r->size / PAGE_SIZE, false)) {
		return false;
	}
	for (pa = r->gpa; pa < r->gpa + r->size; pa += PAGE_SIZE) {
		if (!validate_page(ghcb, pa)) {
			pr_notice("reboot: PVALIDATE of guest page %#llx "
				  "failed\n",
				  (unsigned long long)pa);
			return false;
		}
	}
	if (copy != NULL) {
		memcpy(va, copy, r->size);
	} else {
		memset(va, 0, r->size);
	}
	for (pa = r->gpa; pa < r->gpa + r->size; pa += PAGE_SIZE) {
		if (snp_page_grant(physmap_va(pa, PAGE_SIZE), CPU_PAGE_4K,
				   vmpl) != 0) {
			pr_notice("reboot: RMPADJUST of guest page %#llx "
				  "failed\n",
				  (unsigned long long)pa);
			return false;
		}
	}
	return true;
}

/** Every guest range as at launch (see <svsm/boot.h>). */
bool svsm_arch_guest_relaunch(struct ghcb *ghcb)
{
	const struct svsm_igvm_params *p = kept_params;
	uint32_t i;

	if (p == NULL || kept_cpuid == NULL) {
		return false;
	}
	for (i = 0; i < p->guest_range_count; i++) {
		const struct svsm_igvm_range *r = &p->guest_ranges[i];

		if (r->flags == SVSM_IGVM_RANGE_LAUNCHED &&
		    kept_copy[i] == NULL) {
			return false;
		}
		if (!range_restore(ghcb, r, kept_copy[i], p->guest_vmpl)) {
			return false;
		}
	}
	/*
	 * The CPUID page and the memory-map area are in the ranges (the
	 * latter launched, put back above); the CPUID page is built again
	 * from the kernel's checked copy, as the boot built it.
	 */
	snp_cpuid_for_guest(physmap_va(p->guest_cpuid_gpa, PAGE_SIZE),
			    kept_cpuid);
	return true;
}
