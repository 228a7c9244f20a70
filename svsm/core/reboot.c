/* SPDX-License-Identifier: MIT */
/*
 * SVSM_REBOOT_EXECUTE: restart the guest from its launch state (see
 * reboot.h for the sequence and docs/ARCHITECTURE.md "Guest reboot").
 */
#include <string.h>

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/reboot.h"
#include "svsm/services.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "svsm/vtpm.h"
#include "abi/snp_rmp.h"
#include "abi/svsm_reboot.h"
#include "abi/vmsa.h"

/* How often quiesce waits for a vCPU that is serving a call. */
#define QUIESCE_TRIES 64U
#define QUIESCE_SPINS 10000U

static uint64_t reboots;

/* make verify (-wp-fct page_bytes) proves every function of that name. */
/*@ terminates \true;
    assigns \nothing;
    ensures size == CPU_PAGE_2M ==> \result == 2097152;
    ensures size != CPU_PAGE_2M ==> \result == 4096;
 */
static uint64_t page_bytes(enum cpu_page_size size)
{
	return size == CPU_PAGE_2M ? 512 * PAGE_SIZE : PAGE_SIZE;
}

/* A spin-wait hint only; make verify (__FRAMAC__) has no model of it. */
static void relax(void)
{
#if defined(__x86_64__) && !defined(__FRAMAC__)
	__builtin_ia32_pause();
#endif
}

/** Offer the protocol or not (see reboot.h). */
bool reboot_init(uint64_t mem_size, bool offer)
{
	reboots = 0;
	return valmap_init(offer ? mem_size : 0);
}

/** Reboots since the SVSM booted. */
uint64_t svsm_reboot_count(void)
{
	return reboots;
}

/* A failure past the point of no return: the guest cannot go on. */
static _Noreturn void reboot_fail(const char *what)
{
	pr_notice("reboot: %s failed, terminating\n", what);
	snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
}

static struct sev_vmsa *slot_vmsa(const struct guest_vmsa *s)
{
	struct sev_vmsa *vmsa = physmap_va(s->vmsa_gpa, PAGE_SIZE);

	CHECK(vmsa != NULL);
	return vmsa;
}

/* True if `s` is the VMSA the hypervisor runs for its vCPU. */
static bool slot_running(const struct guest_vmsa *s)
{
	return vcpu_by_apic_id(s->apic_id)->guest == s;
}

/*
 * Give a quiesced VMSA back to its vCPU: VMSA again, registered with the
 * hypervisor if it ran, SVME set (except the caller's, whose request loop
 * sets it). Best effort: the steps worked moments ago.
 */
static void slot_resume(const struct svsm_caller *caller, struct guest_vmsa *s)
{
	struct sev_vmsa *vmsa = slot_vmsa(s);

	(void)snp_page_make_vmsa(vmsa, s->vmpl);
	if (slot_running(s)) {
		(void)snp_ap_create(caller->cpu->ghcb, s->apic_id, s->vmpl,
				    s->vmsa_gpa, vmsa->sev_features,
				    SVM_VMGEXIT_AP_CREATE);
	}
	if (s != caller->vmsa) {
		snp_vmsa_set_svme(vmsa);
	}
}

/*
 * Take the VMSA bit off: the hardware refuses (FAIL_INUSE) while the VMSA
 * runs on some CPU, which it stops doing once the host has kicked that
 * vCPU out after AP destroy. Retried a bounded number of times.
 */
static bool unmark_vmsa(struct sev_vmsa *vmsa, unsigned int vmpl)
{
	unsigned int spin;

	for (spin = 0; spin < QUIESCE_SPINS; spin++) {
		uint32_t eax = snp_page_clear_vmsa(vmsa, vmpl);

		if (eax == RMPADJUST_SUCCESS) {
			return true;
		}
		if (eax != RMPADJUST_FAIL_INUSE) {
			return false;
		}
		relax();
	}
	return false;
}

/*
 * Stop one guest VMSA: SVME off (nobody can enter it; found off already,
 * its vCPU is serving a call: BUSY), the hypervisor told to stop running
 * it, and its VMSA bit taken off, which the hardware refuses while the
 * VMSA is in use on any CPU. On failure the VMSA is as it was.
 */
static enum svsm_result slot_quiesce(const struct svsm_caller *caller,
				     struct guest_vmsa *s)
{
	struct sev_vmsa *vmsa = slot_vmsa(s);
	bool self = s == caller->vmsa;

	if (!self && !(snp_vmsa_clear_svme(vmsa) & EFER_SVME)) {
		return SVSM_ERR_BUSY;
	}
	if (slot_running(s) &&
	    !snp_ap_create(caller->cpu->ghcb, s->apic_id, s->vmpl, s->vmsa_gpa,
			   vmsa->sev_features, SVM_VMGEXIT_AP_DESTROY)) {
		if (!self) {
			snp_vmsa_set_svme(vmsa);
		}
		return SVSM_ERR_INVALID_REQUEST;
	}
	if (!unmark_vmsa(vmsa, s->vmpl)) {
		if (slot_running(s)) {
			(void)snp_ap_create(caller->cpu->ghcb, s->apic_id,
					    s->vmpl, s->vmsa_gpa,
					    vmsa->sev_features,
					    SVM_VMGEXIT_AP_CREATE);
		}
		if (!self) {
			snp_vmsa_set_svme(vmsa);
		}
		return SVSM_ERR_BUSY;
	}
	return SVSM_SUCCESS;
}

/* Quiesce every guest VMSA, or none (the first failure undoes the rest). */
static enum svsm_result quiesce_all(const struct svsm_caller *caller)
{
	enum svsm_result rc = SVSM_SUCCESS;
	size_t i, j;

	for (i = 0; i < svsm.vmsa_slots; i++) {
		if (!svsm.vmsas[i].used) {
			continue;
		}
		rc = slot_quiesce(caller, &svsm.vmsas[i]);
		if (rc != SVSM_SUCCESS) {
			break;
		}
	}
	if (rc == SVSM_SUCCESS) {
		return rc;
	}
	for (j = 0; j < i; j++) {
		if (svsm.vmsas[j].used) {
			slot_resume(caller, &svsm.vmsas[j]);
		}
	}
	return rc;
}

/*
 * Quiesce, waiting (lock dropped) for vCPUs that are serving a call: they
 * finish it first. BUSY after QUIESCE_TRIES rounds; core lock held on
 * entry and return.
 */
static enum svsm_result quiesce(const struct svsm_caller *caller)
{
	enum svsm_result rc = SVSM_ERR_BUSY;
	unsigned int tries, spin;

	for (tries = 0; tries < QUIESCE_TRIES; tries++) {
		rc = quiesce_all(caller);
		if (rc != SVSM_ERR_BUSY) {
			break;
		}
		spin_unlock(&core_lock);
		for (spin = 0; spin < QUIESCE_SPINS; spin++) {
			relax();
		}
		spin_lock(&core_lock);
	}
	return rc;
}

/* Invalidate one guest page or 2 MiB range; false if PVALIDATE failed. */
static bool invalidate(uint64_t gpa, enum cpu_page_size size)
{
	void *va = physmap_va(gpa, page_bytes(size));
	uint32_t eax;
	bool cf = false;

	if (va == NULL) {
		return false; /* not guest memory: the map is wrong */
	}
	eax = snp_page_revoke(va, size);
	if (eax == RMPADJUST_FAIL_SIZEMISMATCH) {
		return false;
	}
	eax = cpu_pvalidate(va, size, false, &cf);
	/*
	 * FAIL_INPUT: the host took the page back (made it shared) behind
	 * the guest's back; it is not validated either way.
	 */
	return eax == PVALIDATE_SUCCESS || eax == PVALIDATE_FAIL_INPUT;
}

/* Empty the deposit pool: its pages were guest-validated memory. */
static void drain_deposits(void)
{
	uint64_t gpa, bytes, off;

	while (deposit_pop(&gpa, &bytes)) {
		for (off = 0; off < bytes; off += PAGE_SIZE) {
			void *va = physmap_va(gpa + off, PAGE_SIZE);

			memset(va, 0, PAGE_SIZE);
			if (!invalidate(gpa + off, CPU_PAGE_4K)) {
				reboot_fail("invalidating a deposited page");
			}
			valmap_note(gpa + off, CPU_PAGE_4K, false);
		}
	}
}

/* Invalidate every page the guest validated (a 2 MiB entry as one). */
static void sweep(void)
{
	uint64_t gpa;
	bool more = valmap_next(0, &gpa);

	while (more) {
		enum cpu_page_size size = CPU_PAGE_4K;

		if (valmap_is_2m(gpa) && gpa % page_bytes(CPU_PAGE_2M) == 0 &&
		    invalidate(gpa, CPU_PAGE_2M)) {
			size = CPU_PAGE_2M;
		} else if (!invalidate(gpa, CPU_PAGE_4K)) {
			reboot_fail("invalidating a guest page");
		}
		valmap_note(gpa, size, false);
		more = valmap_next(gpa + page_bytes(size), &gpa);
	}
}

/* Forget every guest VMSA (all quiesced) and every vCPU's guest. */
static void forget_vmsas(void)
{
	size_t i;

	for (i = 0; i < svsm.vmsa_slots; i++) {
		memset(&svsm.vmsas[i], 0, sizeof(svsm.vmsas[i]));
	}
	for (i = 0; i < svsm.cpu_count; i++) {
		svsm.cpus[i].guest = NULL;
	}
}

/* The vTPM across a reboot, per the launch's mode. Core lock not held. */
static void reboot_tpm(void)
{
	if (svsm_boot_info()->flags & SVSM_BOOT_REBOOT_KEEP_TPM) {
		return;
	}
	if (svsm_vtpm_available() && svsm_vtpm_wait() && vtpm_reset() != 0) {
		reboot_fail("the vTPM reset");
	}
}

/* SVSM_REBOOT_EXECUTE: RCX must be 0. */
static enum svsm_result reboot_execute(const struct svsm_caller *caller,
				       uint64_t rcx, struct svsm_call_out *out)
{
	enum svsm_result rc;
	uint64_t left;

	if (rcx != 0) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	spin_lock(&core_lock);
	rc = quiesce(caller);
	if (rc != SVSM_SUCCESS) {
		spin_unlock(&core_lock);
		return rc;
	}
	/* Point of no return: no vCPU runs the guest any more. */
	pr_info("reboot: guest restart requested on vCPU %u\n",
		caller->cpu->apic_id);
	forget_vmsas();
	drain_deposits();
	sweep();
	/*
	 * The sweep leaves no page marked: a page left would stay validated
	 * across the restart. make verify does not prove it (the map is
	 * beyond EVA's precision), so a terminated VM rather than a panic.
	 */
	if (valmap_next(0, &left)) {
		reboot_fail("the sweep");
	}
	spin_unlock(&core_lock);

	reboot_tpm();

	spin_lock(&core_lock);
	/* The build's launch memory as the launch left it (boot.h). */
	if (!svsm_arch_guest_relaunch(caller->cpu->ghcb)) {
		reboot_fail("restoring the guest's launch memory");
	}
	cpu_flush_tlb_all();
	/*
	 * Said before: once the boot VMSA is the host's, the guest may run
	 * on another vCPU and write the console between this line's bytes.
	 */
	pr_info("reboot: guest restarting (%llu)\n",
		(unsigned long long)reboots + 1);
	if (!svsm_guest_launch(caller->cpu->ghcb)) {
		reboot_fail("the guest's relaunch");
	}
	reboots++;
	spin_unlock(&core_lock);
	/* The caller's VMSA is gone or new: the loop writes nothing back. */
	out->set = SVSM_OUT_NORETURN;
	return SVSM_SUCCESS;
}

/** The reboot protocol's call switch. */
enum svsm_result reboot_dispatch(const struct svsm_caller *caller,
				 uint32_t call, const struct svsm_call_in *in,
				 struct svsm_call_out *out)
{
	switch (call) {
	case SVSM_REBOOT_EXECUTE:
		return reboot_execute(caller, in->rcx, out);
	default:
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
}
