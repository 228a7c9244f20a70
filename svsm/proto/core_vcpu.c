/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_REMAP_CA, SVSM_CORE_CREATE_VCPU and SVSM_CORE_DELETE_VCPU
 * (58019 section 7).
 *
 * A VMSA named by CREATE_VCPU is taken away from the guest (every
 * lower-VMPL permission revoked, TLBs flushed) before the SVSM inspects it,
 * so the guest cannot change it between the checks and its use.
 */
#include <string.h>

#include "svsm/guest.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "internal.h"
#include "abi/snp_rmp.h"
#include "abi/svsm_ca.h"
#include "abi/vmsa.h"

/* How the SVSM registers guest VMSAs with the hypervisor. */
#define GUEST_AP_REQUEST SVM_VMGEXIT_AP_CREATE

/* A page the guest names as a Calling Area: aligned, guest memory, usable. */
static enum svsm_result ca_check(uint64_t ca_gpa, uint64_t except_ca)
{
	uint8_t hdr[SVSM_CA_HEADER_SIZE];

	if (ca_gpa & (PAGE_SIZE - 1)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!physmap_contains(ca_gpa, PAGE_SIZE) ||
	    svsm_owns_range(ca_gpa, PAGE_SIZE, except_ca)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (!guest_copy_from(hdr, ca_gpa, sizeof(hdr))) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	return SVSM_SUCCESS;
}

/* Clear the CA header so that a host cannot fake a pending call. */
static bool ca_reset(uint64_t ca_gpa)
{
	static const uint8_t zero[SVSM_CA_HEADER_SIZE];

	return guest_copy_to(ca_gpa, zero, sizeof(zero));
}

/* Clear call_pending in a CA: the call made through it is complete. */
static bool ca_complete(uint64_t ca_gpa)
{
	static const uint8_t none = SVSM_CA_CALL_NONE;

	return guest_copy_to(ca_gpa + SVSM_CA_OFF_CALL_PENDING, &none,
			     sizeof(none));
}

/** REMAP_CA: the caller's vCPU uses the CA at `ca_gpa` from now on. */
enum svsm_result core_remap_ca(const struct svsm_caller *caller,
			       uint64_t ca_gpa)
{
	enum svsm_result rc;

	if (ca_gpa == caller->vmsa->ca_gpa) {
		return SVSM_SUCCESS;
	}
	rc = ca_check(ca_gpa, NO_CA);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	if (!ca_reset(ca_gpa)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	/*
	 * Complete the call in the old CA here, under `core_lock`, while it
	 * is still this vCPU's CA (58019: the old CA's call_pending is
	 * cleared on completion). The request loop must not do it: it runs
	 * after `core_lock` is released, when the old CA is guest memory
	 * again that another vCPU may already have deposited (the write
	 * would corrupt the pool's link in the page) or made a VMSA. The
	 * loop sees the CA changed and leaves it alone (request.c).
	 */
	(void)ca_complete(caller->vmsa->ca_gpa);
	caller->vmsa->ca_gpa = ca_gpa;
	if (caller->vmsa->boot) {
		core_update_mem_available();
	}
	return SVSM_SUCCESS;
}

/* A failed RMPADJUST as a result: 0x8000_1000 + EAX (58019 table 4). */
static enum svsm_result rmpadjust_error(uint32_t eax)
{
	return eax <= 0xF ? (enum svsm_result)SVSM_ERR_PROTOCOL(eax) :
			    SVSM_ERR_INVALID_REQUEST;
}

/*
 * A page that stopped being a VMSA but could not be granted back: the
 * guest cannot use it and the SVSM must not forget it. Take every
 * lower-VMPL permission away (a grant may have half happened) and keep it
 * as deposited memory, which WITHDRAW_MEM grants back. If even that fails,
 * the page is gone from the guest (the host made it shared or unvalidated
 * it): no VMPL holds more on it than it did as a VMSA, and there is
 * nothing left to track.
 */
static void page_keep(uint64_t gpa, void *va)
{
	/* Without a pool (see deposit_init()) the page stays as it is. */
	if (!deposit_ready() ||
	    snp_page_revoke(va, CPU_PAGE_4K) != RMPADJUST_SUCCESS) {
		return;
	}
	cpu_flush_tlb_all();
	deposit_push(gpa, PAGE_SIZE);
	core_update_mem_available();
}

/*
 * Give a page taken for a VMSA (never run: CREATE_VCPU failed) back to the
 * guest. If it cannot stop being a VMSA, clear SVME so that nobody can run
 * it; it holds nothing the SVSM needs and the guest can take it back later
 * (the RMPADJUST of PVALIDATE's revoke clears the VMSA bit). If it stopped
 * being a VMSA but cannot be granted back, keep it (`page_keep()`).
 */
static void vmsa_page_return(uint64_t gpa, struct sev_vmsa *va,
			     unsigned int vmpl)
{
	if (snp_page_clear_vmsa(va, vmpl) != RMPADJUST_SUCCESS) {
		snp_vmsa_clear_svme(va);
		return;
	}
	if (snp_page_grant(va, CPU_PAGE_4K, vmpl) != RMPADJUST_SUCCESS) {
		page_keep(gpa, va);
	}
}

/*
 * Checks on the (now private) VMSA contents.
 *
 * Keep `vmsa->vmpl == caller_vmpl`: it is what keeps callers apart. The
 * SVSM never checks the caller VMPL's own RMP permissions on a GPA it
 * touches on the caller's behalf (PVALIDATE, CREATE_VCPU, DEPOSIT_MEM,
 * the CA); it is safe only because every caller runs at the same VMPL.
 * A VMSA at a lower VMPL than its creator would let, say, a VMPL3 vCPU
 * take over VMPL2-only pages with their contents through these calls.
 */
static enum svsm_result vmsa_contents_check(const struct sev_vmsa *vmsa,
					    unsigned int caller_vmpl)
{
	/*
	 * 58019 refuses VMPL0 and levels above the caller's; this SVSM runs
	 * one guest VMPL on every vCPU, so it also refuses levels below.
	 */
	if (vmsa->vmpl != caller_vmpl) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!(vmsa->efer & EFER_SVME)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (vmsa->sev_features != svsm.guest_sev_features) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	return SVSM_SUCCESS;
}

/*
 * Undo a successful AP creation of the VMSA at `vmsa_gpa`: the host gets
 * the vCPU's previous guest VMSA back, or none. If the host refuses, the
 * page still stops being a VMSA when the caller returns it to the guest,
 * so the host cannot run it.
 */
static void ap_create_undo(const struct svsm_caller *caller, uint32_t apic_id,
			   uint64_t vmsa_gpa, const struct sev_vmsa *vmsa)
{
	const struct guest_vmsa *old = vcpu_by_apic_id(apic_id)->guest;

	if (old != NULL) {
		(void)snp_ap_create(caller->cpu->ghcb, apic_id, old->vmpl,
				    old->vmsa_gpa, vmsa->sev_features,
				    GUEST_AP_REQUEST);
		return;
	}
	(void)snp_ap_create(caller->cpu->ghcb, apic_id, vmsa->vmpl, vmsa_gpa,
			    vmsa->sev_features, SVM_VMGEXIT_AP_DESTROY);
}

static enum svsm_result create_vcpu_decode(uint64_t vmsa_gpa, uint64_t ca_gpa,
					   uint32_t apic_id,
					   struct guest_vmsa **slot)
{
	const struct svsm_cpu *cpu;
	enum svsm_result rc;

	if (vmsa_gpa & (PAGE_SIZE - 1)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	rc = guest_range_check(vmsa_gpa, PAGE_SIZE);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	/*
	 * A 2 MiB aligned VMSA can trip an SNP erratum (spurious RMP
	 * violations, see `snp_vmsa_alloc()`). 58019 names no code for it;
	 * like a misaligned VMSA it is a bad parameter. Linux never sends
	 * one: it allocates its VMSAs off 2 MiB boundaries.
	 */
	if ((vmsa_gpa & (page_bytes(CPU_PAGE_2M) - 1)) == 0) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	cpu = vcpu_by_apic_id(apic_id);
	if (cpu == NULL) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	/*
	 * The CA of the VMSA being replaced on the same vCPU is allowed:
	 * Linux re-onlines a CPU with a new VMSA and the CPU's per-CPU CA,
	 * which is still registered to the old VMSA until it deletes that
	 * one. Old and new VMSA then share the CA; only `cpu->guest` (the
	 * new one) is served. A CA registered to another vCPU stays refused:
	 * `svsm_owns_range()` exempts only slots whose CA is this one, and
	 * no other vCPU can hold it (it was refused to them in turn).
	 */
	rc = ca_check(ca_gpa, cpu->guest != NULL ? cpu->guest->ca_gpa : NO_CA);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	if (vmsa_gpa == ca_gpa) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	*slot = vcpu_free_slot();
	if (*slot == NULL) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	return SVSM_SUCCESS;
}

/**
 * CREATE_VCPU: RCX = VMSA GPA, RDX = CA GPA, R8[31:0] = APIC ID. Beyond
 * 58019, a 2 MiB aligned VMSA GPA is INVALID_PARAMETER (an SNP erratum);
 * short of it, the CA of the VMSA this one replaces on the same vCPU is
 * accepted (Linux's CPU re-online, see create_vcpu_decode()).
 * On failure nothing changed: the VMSA page is the guest's again and the
 * CA is untouched.
 */
enum svsm_result core_create_vcpu(const struct svsm_caller *caller,
				  uint64_t vmsa_gpa, uint64_t ca_gpa,
				  uint32_t apic_id)
{
	struct guest_vmsa *slot = NULL;
	struct sev_vmsa *vmsa;
	enum svsm_result rc;
	uint32_t eax;

	rc = create_vcpu_decode(vmsa_gpa, ca_gpa, apic_id, &slot);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	vmsa = physmap_va(vmsa_gpa, PAGE_SIZE);
	/* Take the page away from the guest before looking at it. */
	eax = snp_page_make_vmsa(vmsa, caller->vmpl);
	if (eax != 0) {
		/* Not a VMSA: the RMPADJUST that makes it one failed. */
		(void)snp_page_grant(vmsa, CPU_PAGE_4K, caller->vmpl);
		return eax == 1 ? SVSM_ERR_INVALID_ADDRESS :
				  rmpadjust_error(eax);
	}
	cpu_flush_tlb_all();
	rc = vmsa_contents_check(vmsa, caller->vmpl);
	if (rc != SVSM_SUCCESS) {
		goto out_return_page;
	}
	if (!snp_ap_create(caller->cpu->ghcb, apic_id, vmsa->vmpl, vmsa_gpa,
			   vmsa->sev_features, GUEST_AP_REQUEST)) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out_return_page;
	}
	/*
	 * Only now touch the guest's CA. The new VMSA may already run, but
	 * its calls are not served before `cpu->guest` is published below
	 * (the request loop reads it under `core_lock`, held here). A call
	 * the new vCPU flags in the CA before that is wiped by the reset and
	 * never served; only a host that stalls this vCPU meanwhile can
	 * arrange it, which denies service and nothing more.
	 */
	if (!ca_reset(ca_gpa)) {
		rc = SVSM_ERR_INVALID_ADDRESS;
		goto out_undo_ap;
	}
	slot->used = true;
	slot->vmsa_gpa = vmsa_gpa;
	slot->ca_gpa = ca_gpa;
	slot->apic_id = apic_id;
	slot->vmpl = vmsa->vmpl;
	slot->boot = false;
	vcpu_by_apic_id(apic_id)->guest = slot;
	return SVSM_SUCCESS;

out_undo_ap:
	ap_create_undo(caller, apic_id, vmsa_gpa, vmsa);
out_return_page:
	vmsa_page_return(vmsa_gpa, vmsa, caller->vmpl);
	cpu_flush_tlb_all();
	return rc;
}

/**
 * DELETE_VCPU: RCX = GPA of a VMSA registered by CREATE_VCPU. Deleting the
 * caller's own VMSA is FAIL_INUSE here, where 58019 lets it succeed and
 * never return: the request loop still has to write this call's results
 * into that VMSA, and refusing keeps the loop free of that special case.
 */
enum svsm_result core_delete_vcpu(const struct svsm_caller *caller,
				  uint64_t vmsa_gpa)
{
	struct guest_vmsa *slot;
	struct svsm_cpu *cpu;
	struct sev_vmsa *vmsa;
	uint64_t efer;
	uint32_t eax;
	bool running;

	if (vmsa_gpa & (PAGE_SIZE - 1)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	slot = vcpu_find_vmsa(vmsa_gpa);
	if (slot == NULL || slot->boot || slot->vmpl < caller->vmpl) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (slot == caller->vmsa) {
		/* The caller's own VMSA is running this call. */
		return SVSM_ERR_CORE_FAIL_INUSE;
	}
	vmsa = physmap_va(vmsa_gpa, PAGE_SIZE);
	/*
	 * The request loop clears SVME under `core_lock` (request.c), which
	 * this handler holds: SVME found clear means that vCPU is serving a
	 * call on this VMSA, and the VMSA must stay until it is done.
	 */
	efer = snp_vmsa_clear_svme(vmsa);
	if (!(efer & EFER_SVME)) {
		return SVSM_ERR_CORE_FAIL_INUSE;
	}
	cpu = vcpu_by_apic_id(slot->apic_id);
	running = cpu->guest == slot;
	if (running && !snp_ap_create(caller->cpu->ghcb, slot->apic_id,
				      slot->vmpl, vmsa_gpa, vmsa->sev_features,
				      SVM_VMGEXIT_AP_DESTROY)) {
		snp_vmsa_set_svme(vmsa);
		return SVSM_ERR_INVALID_REQUEST;
	}
	/*
	 * If the page cannot stop being a VMSA (on hardware FAIL_INUSE: a
	 * host that said it destroyed the AP still runs it), forgetting it
	 * would leave a VMSA page nobody tracks. Keep it registered, served
	 * and runnable as before, and say that the call failed.
	 */
	/* A running VMSA stays in use until the host's kick gets through. */
	eax = running ? snp_page_clear_vmsa_stopped(vmsa, caller->vmpl) :
			snp_page_clear_vmsa(vmsa, caller->vmpl);
	if (eax != RMPADJUST_SUCCESS) {
		if (running) {
			(void)snp_ap_create(
				caller->cpu->ghcb, slot->apic_id, slot->vmpl,
				vmsa_gpa, vmsa->sev_features, GUEST_AP_REQUEST);
		}
		snp_vmsa_set_svme(vmsa);
		return rmpadjust_error(eax);
	}
	if (running) {
		cpu->guest = NULL;
	}
	memset(slot, 0, sizeof(*slot));
	eax = snp_page_grant(vmsa, CPU_PAGE_4K, caller->vmpl);
	cpu_flush_tlb_all();
	if (eax != RMPADJUST_SUCCESS) {
		page_keep(vmsa_gpa, vmsa);
		return rmpadjust_error(eax);
	}
	return SVSM_SUCCESS;
}
