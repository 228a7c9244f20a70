/* SPDX-License-Identifier: MIT */
/*
 * The per-vCPU request loop (58019 section 5). Each pass runs the guest
 * VMPL until the host runs VMPL0 again, then serves at most one call:
 *
 *   1. clear EFER.SVME in the caller's VMSA, so the host cannot run it
 *      while the call is served;
 *   2. serve only if GUEST_EXIT_CODE is VMGEXIT and the Calling Area says
 *      a call is pending (a spurious entry by the host changes nothing);
 *   3. write RAX and the outputs the call defines, clear call_pending in
 *      the CA the call came from (unless REMAP_CA moved the vCPU away from
 *      it and completed it under `core_lock`), and only then set
 *      EFER.SVME again.
 *
 * Invariant (SMP): step 1 happens under `core_lock`, in the same critical
 * section that looks up `cpu->guest`. DELETE_VCPU runs under `core_lock`
 * and deletes a VMSA only if it finds SVME set, so a VMSA whose SVME this
 * loop cleared cannot be deleted, returned to the guest or have its slot
 * reused until step 3 sets SVME again. The rest of the pass therefore
 * needs no lock. Clearing SVME after unlocking would open a window in
 * which DELETE_VCPU frees the page this loop is about to use.
 */
#include "svsm/guest.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/proto.h"
#include "svsm/request.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "abi/svsm_ca.h"
#include "abi/vmsa.h"

static void write_outputs(struct sev_vmsa *vmsa, enum svsm_result rc,
			  const struct svsm_call_out *out)
{
	vmsa->rax = (uint32_t)rc;
	if (out->set & SVSM_OUT_RCX) {
		vmsa->rcx = out->rcx;
	}
	if (out->set & SVSM_OUT_RDX) {
		vmsa->rdx = out->rdx;
	}
	if (out->set & SVSM_OUT_R8) {
		vmsa->r8 = out->r8;
	}
}

/** Serve the call (if any) the guest on `cpu` made. */
void request_serve(struct svsm_cpu *cpu)
{
	struct svsm_caller caller = { .cpu = cpu };
	struct svsm_call_out out = { 0 };
	struct svsm_call_in in;
	struct sev_vmsa *vmsa;
	enum svsm_result rc;
	uint64_t ca_gpa;
	uint8_t pending;

	spin_lock(&core_lock);
	caller.vmsa = cpu->guest;
	if (caller.vmsa == NULL) {
		spin_unlock(&core_lock);
		return;
	}
	caller.vmpl = caller.vmsa->vmpl;
	ca_gpa = caller.vmsa->ca_gpa;
	vmsa = physmap_va(caller.vmsa->vmsa_gpa, PAGE_SIZE);
	CHECK(vmsa != NULL);
	/*
	 * Clear SVME before unlocking: DELETE_VCPU (under `core_lock`) then
	 * sees the VMSA in use and refuses, so `caller.vmsa` and `vmsa` stay
	 * a registered VMSA until this call sets SVME again.
	 */
	snp_vmsa_clear_svme(vmsa);
	spin_unlock(&core_lock);

	if (vmsa->guest_exit_code != SVM_EXIT_VMGEXIT) {
		goto out;
	}
	if (!guest_copy_from(&pending, ca_gpa + SVSM_CA_OFF_CALL_PENDING,
			     sizeof(pending)) ||
	    pending == SVSM_CA_CALL_NONE) {
		goto out;
	}
	in.rax = vmsa->rax;
	in.rcx = vmsa->rcx;
	in.rdx = vmsa->rdx;
	in.r8 = vmsa->r8;
	in.r9 = vmsa->r9;
	if (pending != SVSM_CA_CALL_PENDING) {
		rc = SVSM_ERR_INVALID_FORMAT;
	} else {
		rc = svsm_dispatch(&caller, &in, &out);
	}
	write_outputs(vmsa, rc, &out);
	/*
	 * Clear call_pending in the CA the call came from, unless the call
	 * moved this vCPU to another CA (REMAP_CA), which then completed it
	 * under `core_lock`. Without the lock this is safe only for a CA
	 * still registered to `caller.vmsa`: that registration cannot end
	 * while SVME is clear (DELETE_VCPU refuses), and only this vCPU's own
	 * REMAP_CA changes `ca_gpa`, so reading it here races with nobody.
	 * An old CA, by contrast, stops being the SVSM's when `core_lock` is
	 * released, and another vCPU may deposit it or make it a VMSA before
	 * this line runs.
	 */
	if (caller.vmsa->ca_gpa == ca_gpa) {
		pending = SVSM_CA_CALL_NONE;
		(void)guest_copy_to(ca_gpa + SVSM_CA_OFF_CALL_PENDING, &pending,
				    sizeof(pending));
	}
out:
	snp_vmsa_set_svme(vmsa);
}

/** Run the guest and serve its calls on `cpu`, for ever. */
_Noreturn void request_loop(struct svsm_cpu *cpu)
{
	for (;;) {
		if (!snp_msr_run_vmpl(svsm.guest_vmpl)) {
			pr_notice("request: run VMPL%u refused on vCPU %u\n",
				  svsm.guest_vmpl, cpu->apic_id);
		}
		request_serve(cpu);
	}
}
