/* SPDX-License-Identifier: MIT */
/*
 * VMPL0 entry points of the hosted build. The software machine starts a
 * vCPU's VMPL0 context by calling the host function whose address is in the
 * VMSA's RIP, with RDI as its argument.
 */
#include <stdint.h>

#include "svsm/boot.h"
#include "internal.h"

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
