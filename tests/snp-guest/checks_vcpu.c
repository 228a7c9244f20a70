/* SPDX-License-Identifier: MIT */
/*
 * CREATE_VCPU / DELETE_VCPU from inside the VM, as Linux starts an AP
 * under an SVSM: validate a VMSA page and a CA, fill the VMSA (64-bit,
 * this guest's page tables, VMPL and SEV features), CREATE_VCPU, then the
 * GHCB AP creation. The AP checks in through shared memory and makes one
 * call of its own (deleting its own VMSA: FAIL_INUSE) before it halts.
 * Scratch pages 16-23.
 */
#include <string.h>

#include "abi/svsm_reboot.h"
#include "abi/vmsa.h"
#include "ghcb.h"
#include "guest.h"
#include "svsm.h"

#define AP_APIC_ID 1U
#define AP_WAIT_SPINS 200000000UL
#define SEL_CODE64 0x18U
#define SEL_DATA 0x10U
#define ATTR_CODE64 0xA9BU /* P, S, type 0xB, L, G */
#define ATTR_DATA 0xC93U   /* P, S, type 3, D/B, G */
#define CR0_PE 0x1ULL
#define CR0_ET 0x10ULL
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define VMSA_PAT 0x0007040600070406ULL

/** What the AP reports (its RDI points here). */
struct ap_info {
	volatile uint32_t started;
	volatile uint32_t done;
	volatile uint32_t delete_self_rc;
	uint64_t vmsa_gpa;
	uint64_t ca_gpa;
	/* The reboot test: call SVSM_REBOOT_EXECUTE instead. */
	bool reboot;
	volatile uint32_t reboot_rc;
};

static struct ap_info ap;

void ap_start64(void);
void ap_main(struct ap_info *info);

/* Runs on the AP at VMPL2; no console (no GHCB of its own). */
void ap_main(struct ap_info *info)
{
	struct svsm_regs r = { .rax = SVSM_CALL(SVSM_PROTOCOL_CORE,
						SVSM_CORE_DELETE_VCPU),
			       .rcx = info->vmsa_gpa };

	info->started = 1;
	if (info->reboot) {
		r = (struct svsm_regs){ .rax = SVSM_CALL(SVSM_PROTOCOL_REBOOT,
							 SVSM_REBOOT_EXECUTE) };
	}
	if (svsm_call_on((volatile struct svsm_ca *)(uintptr_t)info->ca_gpa,
			 false, SVSM_CA_CALL_PENDING, &r) == 0) {
		if (info->reboot) {
			info->reboot_rc = (uint32_t)r.rax;
		} else {
			info->delete_self_rc = (uint32_t)r.rax;
		}
	}
	info->done = 1;
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

static void fill_vmsa(struct sev_vmsa *v, uint64_t stack_top)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdt, idt;
	const struct vmsa_segment data = { SEL_DATA, ATTR_DATA, 0xFFFFFFFFU,
					   0 };

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdt), "=m"(idt));
	memset(v, 0, sizeof(*v));
	v->cs = (struct vmsa_segment){ SEL_CODE64, ATTR_CODE64, 0xFFFFFFFFU,
				       0 };
	v->ds = v->es = v->ss = v->fs = v->gs = data;
	v->gdtr = (struct vmsa_segment){ 0, 0, gdt.limit, gdt.base };
	v->idtr = (struct vmsa_segment){ 0, 0, idt.limit, idt.base };
	v->ldtr.attrib = 0x82;
	v->tr = (struct vmsa_segment){ 0, 0x8B, 0xFFFF, 0 };
	v->efer = EFER_LME | EFER_LMA | EFER_SVME;
	v->cr0 = read_cr0() | CR0_PE | CR0_ET | CR0_PG;
	v->cr3 = read_cr3();
	v->cr4 = read_cr4() | CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	v->rflags = 0x2;
	v->rip = (uint64_t)(uintptr_t)ap_start64;
	v->rsp = stack_top;
	v->rdi = (uint64_t)(uintptr_t)&ap;
	v->g_pat = VMSA_PAT;
	v->xcr0 = 1;
	v->dr6 = 0xFFFF0FF0;
	v->dr7 = 0x400;
	v->mxcsr = 0x1F80;
	v->x87_fcw = 0x37F;
	v->vmpl = env.vmpl;
	v->sev_features = env.sev_features;
}

static uint32_t create(uint64_t vmsa, uint64_t ca, uint64_t apic)
{
	return svsm_core(SVSM_CORE_CREATE_VCPU, vmsa, ca, apic);
}

void checks_vcpu(void)
{
	uint64_t vmsa = scratch_page(17), ca = scratch_page(18);
	uint64_t stack = scratch_page(19);
	struct sev_vmsa *v = (struct sev_vmsa *)(uintptr_t)vmsa;
	unsigned long spins;
	uint32_t rc;

	note("vCPUs");
	if (svsm_validate_range(vmsa, 4 * PAGE_SIZE) != SVSM_SUCCESS) {
		check(false, "CREATE_VCPU: validate VMSA, CA and stack pages");
		return;
	}
	fill_vmsa(v, stack + 2 * PAGE_SIZE);
	check(create(vmsa + 8, ca, AP_APIC_ID) == SVSM_ERR_INVALID_PARAMETER,
	      "CREATE_VCPU with a misaligned VMSA: INVALID_PARAMETER");
	check(create(env.svsm_base + 16 * PAGE_SIZE, ca, AP_APIC_ID) ==
		      SVSM_ERR_INVALID_ADDRESS,
	      "CREATE_VCPU with a VMSA in SVSM memory: INVALID_ADDRESS");
	check(create(vmsa, ca, 0xFFFFFFFFULL) == SVSM_ERR_INVALID_PARAMETER,
	      "CREATE_VCPU with an unknown APIC ID: INVALID_PARAMETER");
	v->vmpl = 0;
	check(create(vmsa, ca, AP_APIC_ID) == SVSM_ERR_INVALID_PARAMETER,
	      "CREATE_VCPU of a VMPL0 VMSA: INVALID_PARAMETER");
	v->vmpl = env.vmpl;
	v->efer &= ~EFER_SVME;
	check(create(vmsa, ca, AP_APIC_ID) == SVSM_ERR_INVALID_PARAMETER,
	      "CREATE_VCPU of a VMSA without EFER.SVME: INVALID_PARAMETER");
	fill_vmsa(v, stack + 2 * PAGE_SIZE);
	memset(&ap, 0, sizeof(ap));
	ap.vmsa_gpa = vmsa;
	ap.ca_gpa = ca;

	rc = create(vmsa, ca, AP_APIC_ID);
	if (rc == SVSM_ERR_INVALID_PARAMETER) {
		check_skip("one vCPU", "CREATE_VCPU for APIC ID 1");
		return;
	}
	check(rc == SVSM_SUCCESS, "CREATE_VCPU for APIC ID 1: SUCCESS (0x%x)",
	      rc);
	if (rc != SVSM_SUCCESS) {
		return;
	}
	check(create(vmsa, ca, AP_APIC_ID) == SVSM_ERR_INVALID_ADDRESS,
	      "CREATE_VCPU of an active VMSA: INVALID_ADDRESS");
	check(svsm_pvalidate(vmsa, false, false, false) ==
		      SVSM_ERR_INVALID_ADDRESS,
	      "PVALIDATE of an active VMSA: INVALID_ADDRESS");
	rc = ghcb_ap_create(AP_APIC_ID, vmsa, env.sev_features, env.vmpl);
	check(rc == GHCB_RESULT_OK, "GHCB AP creation: accepted (0x%x)", rc);
	for (spins = 0; spins < AP_WAIT_SPINS && !ap.done; spins++) {
		cpu_relax();
	}
	check(ap.started != 0, "the AP runs at VMPL%u", env.vmpl);
	check(ap.done != 0 && ap.delete_self_rc == SVSM_ERR_CORE_FAIL_INUSE,
	      "DELETE_VCPU of the caller's own VMSA: FAIL_INUSE (0x%x)",
	      ap.delete_self_rc);
	rc = svsm_core(SVSM_CORE_DELETE_VCPU, vmsa, 0, 0);
	check(rc == SVSM_SUCCESS, "DELETE_VCPU of the AP: SUCCESS (0x%x)", rc);
	check(svsm_pvalidate(vmsa, false, false, false) == SVSM_SUCCESS,
	      "the deleted VMSA page is the guest's again");
}

/**
 * The reboot test: start an AP at VMPL2 (VMSA, CA and two stack pages
 * from `page`) that calls SVSM_REBOOT_EXECUTE while this vCPU runs on. If
 * the reboot works this never returns; else false, the reason checked.
 */
bool vcpu_ap_reboot(uint64_t page)
{
	uint64_t vmsa = page, ca = page + PAGE_SIZE;
	unsigned long spins;
	uint32_t rc;

	if (svsm_validate_range(vmsa, 4 * PAGE_SIZE) != SVSM_SUCCESS) {
		check(false, "reboot: validate the AP's VMSA, CA and stack");
		return false;
	}
	fill_vmsa((struct sev_vmsa *)(uintptr_t)vmsa, page + 4 * PAGE_SIZE);
	memset(&ap, 0, sizeof(ap));
	ap.vmsa_gpa = vmsa;
	ap.ca_gpa = ca;
	ap.reboot = true;
	/*
	 * The last line of this boot: the SVSM's CREATE_VCPU registers the
	 * VMSA with the host, which may run it at once, and the AP's reboot
	 * then stops this vCPU wherever it is, mid-line or not.
	 */
	con_puts("snp-guest: rebooting through the SVSM from an AP\n");
	rc = create(vmsa, ca, AP_APIC_ID);
	if (rc != SVSM_SUCCESS) {
		check(false, "reboot: CREATE_VCPU of the AP (0x%x)", rc);
		return false;
	}
	rc = ghcb_ap_create(AP_APIC_ID, vmsa, env.sev_features, env.vmpl);
	if (rc != GHCB_RESULT_OK) {
		check(false, "reboot: GHCB AP creation (0x%x)", rc);
		return false;
	}
	/* Running at VMPL2 until the reboot takes this vCPU away. */
	for (spins = 0; spins < AP_WAIT_SPINS * 10 && !ap.done; spins++) {
		cpu_relax();
	}
	check(false, "reboot: the AP's SVSM_REBOOT_EXECUTE %s (0x%x)",
	      ap.done ? "returned" : "did not end this boot", ap.reboot_rc);
	return false;
}
