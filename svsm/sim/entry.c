/* SPDX-License-Identifier: MIT */
/*
 * VMPL0 entry points of the hosted build. The software machine starts a
 * vCPU's VMPL0 context by calling the host function whose address is in the
 * VMSA's RIP, with RDI as its argument.
 */
#include <stdint.h>

#include "svsm/boot.h"
#include "svsm/cpu.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/reboot.h"
#include "internal.h"
#include "abi/snp_rmp.h"

/** Boot vCPU: RDI = host address of the boot-info block. */
void svsm_sim_bsp_entry(uint64_t rdi)
{
	svsm_boot((const struct svsm_boot_info *)(uintptr_t)rdi);
}

/** Other vCPUs: RDI = APIC ID. */
void svsm_sim_ap_entry(uint64_t rdi)
{
	svsm_ap_main((uint32_t)rdi);
}

/** AP VMSAs start at `info->ap_entry_rip` with RDI = APIC ID. */
void svsm_arch_init_ap_vmsa(struct sev_vmsa *vmsa,
			    const struct svsm_boot_info *info, uint32_t apic_id)
{
	vmsa->rip = info->ap_entry_rip;
	vmsa->rdi = apic_id;
}

/** The software machine's vCPUs need no waiting for and print nothing. */
void svsm_arch_boot_done(const struct svsm_boot_info *info)
{
	(void)info;
}

/*
 * The harness launches three guest pages (its secrets page copy, boot
 * Calling Area and boot VMSA), whose contents svsm_guest_launch() rebuilds
 * on every launch: nothing to copy.
 */
bool svsm_arch_guest_keep(const struct svsm_boot_info *info)
{
	(void)info;
	return true;
}

/* The three launch pages, validated again if the guest invalidated them. */
bool svsm_arch_guest_relaunch(struct ghcb *ghcb)
{
	const struct svsm_boot_info *bi = svsm_boot_info();
	const uint64_t pages[] = { bi->guest_secrets_gpa, bi->guest_ca_gpa,
				   bi->guest_vmsa_gpa };
	size_t i;

	(void)ghcb;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		void *va = physmap_va(pages[i], PAGE_SIZE);
		bool cf = false;

		/* CF set: still validated (the guest left it alone). */
		if (va == NULL || cpu_pvalidate(va, CPU_PAGE_4K, true, &cf) !=
					  PVALIDATE_SUCCESS) {
			return false;
		}
	}
	return true;
}
