/* SPDX-License-Identifier: MIT */
/*
 * Boot of the SVSM proper (58019 section 3): the allocator over the SVSM
 * region, a GHCB per vCPU, a VMPL0 context on every vCPU, and for the
 * guest its secrets page copy, a zeroed Calling Area and its boot VMSA,
 * registered with the hypervisor. Any failure terminates the VM: an SVSM
 * that cannot serve its guest must not let it run.
 */
#include <string.h>

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/reboot.h"
#include "svsm/request.h"
#include "svsm/services.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "abi/ghcb.h"
#include "abi/snp_secrets.h"

static struct svsm_boot_info boot_info;

/* Pages of one vCPU's VMPL0 state: the GHCB (made shared) and scratch. */
static bool cpu_alloc(struct svsm_cpu *cpu)
{
	cpu->scratch = page_alloc(0);
	if (cpu->scratch == NULL) {
		return false;
	}
	cpu->ghcb = page_alloc(0);
	if (cpu->ghcb == NULL) {
		return false;
	}
	/* A GHCB page that fails to become shared is never reused. */
	return snp_ghcb_prepare(cpu->ghcb);
}

/* Start the VMPL0 context of vCPU `apic_id` (AP creation, "create now"). */
static bool ap_start(struct svsm_cpu *bsp, uint32_t apic_id)
{
	struct svsm_cpu *cpu = vcpu_by_apic_id(apic_id);
	struct sev_vmsa *vmsa;
	uint64_t features = snp_sev_features();

	if (!cpu_alloc(cpu)) {
		return false;
	}
	vmsa = snp_vmsa_alloc();
	if (vmsa == NULL) {
		return false;
	}
	svsm_arch_init_ap_vmsa(vmsa, &boot_info, apic_id);
	vmsa->vmpl = 0;
	vmsa->efer |= EFER_SVME;
	vmsa->sev_features = features;
	if (snp_page_make_vmsa(vmsa, 0) != 0) {
		goto out_free;
	}
	if (!snp_ap_create(bsp->ghcb, apic_id, 0, physmap_pa(vmsa), features,
			   SVM_VMGEXIT_AP_CREATE)) {
		goto out_clear;
	}
	cpu->svsm_vmsa = vmsa;
	return true;

out_clear:
	/* A page still marked VMSA must never go back to the allocator. */
	if (snp_page_clear_vmsa(vmsa, 0) != 0) {
		return false;
	}
out_free:
	snp_vmsa_free(vmsa);
	return false;
}

/** The boot information the SVSM started with (see reboot.h). */
const struct svsm_boot_info *svsm_boot_info(void)
{
	return &boot_info;
}

/**
 * The guest's secrets page copy, Calling Area and boot VMSA, registered
 * through `ghcb` for the boot vCPU (first boot and every reboot).
 */
bool svsm_guest_launch(struct ghcb *ghcb)
{
	const struct svsm_boot_info *bi = &boot_info;
	struct snp_secrets_page *secrets;
	struct sev_vmsa *vmsa;
	struct guest_vmsa *slot;
	void *ca;

	secrets = physmap_va(bi->guest_secrets_gpa, PAGE_SIZE);
	ca = physmap_va(bi->guest_ca_gpa, PAGE_SIZE);
	vmsa = physmap_va(bi->guest_vmsa_gpa, PAGE_SIZE);
	if (secrets == NULL || ca == NULL || vmsa == NULL ||
	    physmap_va(bi->secrets_gpa, PAGE_SIZE) == NULL) {
		return false;
	}
	snp_secrets_for_guest(secrets, physmap_va(bi->secrets_gpa, PAGE_SIZE),
			      svsm.guest_vmpl, svsm.svsm_base, svsm.svsm_size,
			      bi->guest_ca_gpa);
	if (snp_page_grant(secrets, CPU_PAGE_4K, svsm.guest_vmpl) != 0) {
		return false;
	}
	memset(ca, 0, PAGE_SIZE);
	if (snp_page_grant(ca, CPU_PAGE_4K, svsm.guest_vmpl) != 0) {
		return false;
	}
	if (bi->guest_mode == SVSM_BOOT_GUEST_PM32) {
		const uint64_t regs[3] = { bi->guest_rsi, bi->guest_rdx,
					   bi->guest_rdi };

		snp_vmsa_init_guest_pm32(vmsa, svsm.guest_vmpl,
					 svsm.guest_sev_features, bi->guest_rip,
					 regs);
	} else {
		snp_vmsa_init_guest(vmsa, svsm.guest_vmpl,
				    svsm.guest_sev_features, bi->guest_rip);
	}
	if (snp_page_make_vmsa(vmsa, svsm.guest_vmpl) != 0) {
		return false;
	}
	slot = vcpu_free_slot();
	CHECK(slot != NULL);
	slot->used = true;
	slot->vmsa_gpa = bi->guest_vmsa_gpa;
	slot->ca_gpa = bi->guest_ca_gpa;
	slot->apic_id = 0;
	slot->vmpl = (uint8_t)svsm.guest_vmpl;
	slot->boot = true;
	if (!snp_ap_create(ghcb, 0, svsm.guest_vmpl, bi->guest_vmsa_gpa,
			   svsm.guest_sev_features, SVM_VMGEXIT_AP_CREATE)) {
		slot->used = false;
		return false;
	}
	vcpu_by_apic_id(0)->guest = slot;
	return true;
}

static bool boot_info_valid(const struct svsm_boot_info *bi)
{
	return bi->magic == SVSM_BOOT_INFO_MAGIC && bi->vcpu_count >= 1 &&
	       bi->guest_vmpl >= 1 && bi->guest_vmpl <= SNP_VMPL_MAX &&
	       bi->svsm_reserved < bi->svsm_size &&
	       bi->guest_mode <= SVSM_BOOT_GUEST_PM32 &&
	       bi->svsm_base <= bi->mem_size &&
	       bi->svsm_size <= bi->mem_size - bi->svsm_base;
}

/** Boot the SVSM on the boot vCPU. */
_Noreturn void svsm_boot(const struct svsm_boot_info *info)
{
	struct svsm_cpu *bsp;
	bool offer;
	uint32_t i;

	if (!boot_info_valid(info)) {
		snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	}
	boot_info = *info;
	physmap_init((void *)(uintptr_t)info->physmap_va, info->mem_size);
	memset(&svsm, 0, sizeof(svsm));
	spin_lock_init(&core_lock);
	svsm.mem_size = info->mem_size;
	svsm.svsm_base = info->svsm_base;
	svsm.svsm_size = info->svsm_size;
	svsm.secrets_gpa = info->secrets_gpa;
	svsm.guest_vmpl = info->guest_vmpl;
	svsm.deposit_head = DEPOSIT_NONE;
	if (!snp_guest_sev_features(snp_sev_features(),
				    &svsm.guest_sev_features)) {
		pr_notice("svsm: unsupported SEV features %#llx\n",
			  (unsigned long long)snp_sev_features());
		goto fail;
	}

	if (!page_alloc_add_region(
		    physmap_va(info->svsm_base + info->svsm_reserved,
			       info->svsm_size - info->svsm_reserved),
		    info->svsm_size - info->svsm_reserved)) {
		goto fail;
	}
	if (!vcpu_registry_init(info->vcpu_count)) {
		goto fail;
	}
	if (!deposit_init(info->mem_size)) {
		/* Over 128 GiB of guest memory, or no memory: no pool. */
		pr_notice("svsm: no deposit map, DEPOSIT_MEM is off\n");
	}
	/*
	 * A reboot needs what the launch put in guest memory: the build keeps
	 * it now (the allocator is up, the guest has not run), or the
	 * protocol is not offered.
	 */
	offer = (info->flags & SVSM_BOOT_REBOOT) != 0;
	if (offer && !svsm_arch_guest_keep(&boot_info)) {
		pr_notice("svsm: the guest's launch memory cannot be kept, "
			  "no reboot protocol\n");
		offer = false;
	}
	if (!reboot_init(info->mem_size, offer)) {
		pr_notice("svsm: no validation map, no reboot protocol\n");
	}
	bsp = vcpu_by_apic_id(0);
	if (!cpu_alloc(bsp) || !snp_ghcb_init(bsp->ghcb)) {
		goto fail;
	}
	/*
	 * Attestation and the vTPM: each build starts them its own way.
	 * Before the other vCPUs run: pages they make shared are then
	 * remapped before any other vCPU could have cached their mapping.
	 */
	svsm_services_init(&boot_info);
	for (i = 1; i < info->vcpu_count; i++) {
		if (!ap_start(bsp, i)) {
			goto fail;
		}
	}
	if (!svsm_guest_launch(bsp->ghcb)) {
		goto fail;
	}
	svsm_arch_boot_done(&boot_info);
	pr_info("svsm: %u vCPU(s), SVSM at %#llx (%llu KiB), guest VMPL%u\n",
		info->vcpu_count, (unsigned long long)info->svsm_base,
		(unsigned long long)(info->svsm_size >> 10), info->guest_vmpl);
	request_loop(bsp);

fail:
	pr_notice("svsm: boot failed, terminating\n");
	snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
}

/** VMPL0 entry of every vCPU but the boot vCPU. */
_Noreturn void svsm_ap_main(uint32_t apic_id)
{
	struct svsm_cpu *cpu = vcpu_by_apic_id(apic_id);

	if (cpu == NULL || !snp_ghcb_init(cpu->ghcb)) {
		snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	}
	request_loop(cpu);
}
