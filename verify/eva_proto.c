// SPDX-License-Identifier: MIT
/*
 * EVA harness: one request from a hostile guest through the request loop.
 * The guest VMSA (its registers RAX/RCX/RDX/R8/R9 and exit code), the
 * Calling Area and every request structure the handlers copy in are fully
 * unknown (every byte any value); the environment (guest memory copies,
 * RMP instructions, the vCPU registry, libtpms, the PSP) is the
 * ACSL-specified stubs of fc_env.h. Runs every handler's decode path: core
 * calls 0-7, attestation 0-1, vTPM 0-1, reboot 0 (the whole guest restart
 * with the validated-page maps of valmap.c) and unknown calls and protocols.
 */
#include "fc_env.h"

#include "svsm/boot.h"
#include "svsm/reboot.h"
#include "svsm/request.h"
#include "svsm/vcpu.h"

/* Guest memory: 4 MiB of unknown bytes (room for a 2 MiB page anywhere). */
#define FC_GUEST_MEM (4UL << 20)
static uint8_t guest_mem[FC_GUEST_MEM];
static uint8_t scratch_page[4096];
struct physmap physmap;
struct svsm_cpu fc_cpus[2];
struct guest_vmsa fc_vmsas[4];
static struct svsm_boot_info fc_boot_info;
const struct svsm_boot_info *fc_boot = &fc_boot_info;

/* A registry slot in any state the registry can hold. */
static void fc_slot(struct guest_vmsa *v)
{
	Frama_C_make_unknown((char *)v, sizeof(*v));
	v->used = Frama_C_interval(0, 1);
	v->boot = Frama_C_interval(0, 1);
	v->vmpl = (uint8_t)Frama_C_interval(1, 3);
	/* CREATE_VCPU registers a VMSA for a known vCPU only. */
	v->apic_id = (uint32_t)Frama_C_interval(0, 1);
	v->vmsa_gpa =
		(uint64_t)Frama_C_interval(0, FC_GUEST_MEM / 4096 - 1) * 4096;
	v->ca_gpa =
		(uint64_t)Frama_C_interval(0, FC_GUEST_MEM / 4096 - 1) * 4096;
}

int main(void)
{
	Frama_C_make_unknown((char *)guest_mem, sizeof(guest_mem));
	physmap_init(guest_mem, sizeof(guest_mem));
	for (int i = 0; i < 4; i++) {
		fc_slot(&fc_vmsas[i]);
	}
	for (int i = 0; i < 2; i++) {
		fc_cpus[i].apic_id = (uint32_t)i;
		fc_cpus[i].scratch = scratch_page;
		fc_cpus[i].guest = &fc_vmsas[i];
	}
	/* Boot state: the SVSM's own range sits inside guest memory. */
	svsm.mem_size = FC_GUEST_MEM;
	svsm.svsm_base = 3UL << 20;
	svsm.svsm_size = 256UL << 10;
	svsm.guest_vmpl = 2;
	svsm.cpu_count = 2;
	svsm.cpus = fc_cpus;
	svsm.vmsa_slots = 4;
	svsm.vmsas = fc_vmsas;
	svsm.deposit_head = DEPOSIT_NONE;
	/* The launch pages and the reboot mode the loader chose. */
	fc_boot_info.guest_secrets_gpa = 1UL << 20;
	fc_boot_info.guest_ca_gpa = (1UL << 20) + 4096;
	fc_boot_info.guest_vmsa_gpa = (1UL << 20) + 8192;
	fc_boot_info.flags =
		Frama_C_interval(0, 1) ? SVSM_BOOT_REBOOT_KEEP_TPM : 0;
	/* The reboot protocol offered or not (its validated-page maps). */
	reboot_init(FC_GUEST_MEM, Frama_C_interval(0, 1));
	/* Pages the guest validated before: any pattern of 4 KiB and 2 MiB. */
	for (int i = 0; i < 2; i++) {
		valmap_note((uint64_t)Frama_C_interval(0, FC_GUEST_MEM - 1),
			    i ? CPU_PAGE_2M : CPU_PAGE_4K, true);
	}
	/* The guest's VMSA (registers, exit code) is in unknown guest memory. */
	request_serve(&fc_cpus[Frama_C_interval(0, 1)]);
	return 0;
}
