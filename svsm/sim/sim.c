/* SPDX-License-Identifier: MIT */
/*
 * libsvsm-sim: boots the SVSM on the software SNP machine and acts as the
 * guest at VMPL2 (see <svsm/sim.h>).
 *
 * Guest-physical layout (M = guest RAM, S = min(16 MiB, M / 8) rounded down
 * to 2 MiB, at least 2 MiB):
 *   0x3000            the guest's secrets page copy   (launched normal page)
 *   0x4000            the boot vCPU's Calling Area    (launched normal page)
 *   0x5000            the guest's boot VMSA           (launched normal page)
 *   [0, H)            other pages: private, 4 KiB RMP entries, not validated
 *   [H, M - S)        private, 2 MiB RMP entries, not validated
 *   [M - S, M)        the SVSM region, private to VMPL0: boot info, the
 *                     SVSM's boot VMSA, the PSP's secrets and CPUID pages,
 *                     then the SVSM's page allocator
 * where H = (M - S) / 2 rounded down to 2 MiB.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/boot.h"
#include "svsm/mm.h"
#include "svsm/reboot.h"
#include "svsm/services.h"
#include "svsm/sim.h"
#include "svsm/vtpm.h"
#include "machine/machine.h"
#include "psp/psp.h"
#include "internal.h"
#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/snp_secrets.h"
#include "abi/svsm_ca.h"
#include "abi/svsm_call.h"
#include "abi/vmsa.h"

#define SIM_2M (2ULL << 20)
#define SIM_PAGE 4096ULL
/* SNP guest policy: ABI 0.0, SMT allowed, reserved bit 17 set. */
#define SIM_GUEST_POLICY 0x30000ULL

/* Pages at the start of the SVSM region. */
enum {
	SVSM_PG_BOOT_INFO,
	SVSM_PG_VMSA,
	SVSM_PG_SECRETS,
	SVSM_PG_CPUID,
	SVSM_PG_RESERVED,
};

struct svsm_sim {
	struct snp_machine *m;
	unsigned vcpus;
	uint64_t svsm_base;
	/** The guest's idea of each vCPU's Calling Area (as Linux keeps it). */
	uint64_t *ca_gpa;
	/** The firmware answering guest requests (attestation). */
	struct psp *psp;
};

static uint64_t svsm_size_for(uint64_t mem)
{
	uint64_t size = (mem / 8) & ~(SIM_2M - 1);

	if (size < SIM_2M) {
		size = SIM_2M;
	}
	return size > SIM_SVSM_MAX_SIZE ? SIM_SVSM_MAX_SIZE : size;
}

static int launch_svsm(struct svsm_sim *sim, const struct svsm_sim_config *c,
		       const struct svsm_sim_launch_options *o,
		       uint64_t svsm_size)
{
	uint8_t *mem = snp_machine_mem(sim->m);
	uint64_t base = sim->svsm_base;
	struct svsm_boot_info *bi;
	struct sev_vmsa *vmsa;
	uint64_t gpa;

	bi = (struct svsm_boot_info *)(mem + base +
				       SVSM_PG_BOOT_INFO * SIM_PAGE);
	*bi = (struct svsm_boot_info){
		.magic = SVSM_BOOT_INFO_MAGIC,
		.physmap_va = (uint64_t)(uintptr_t)mem,
		.mem_size = c->guest_mem_bytes,
		.svsm_base = base,
		.svsm_size = svsm_size,
		.svsm_reserved = SVSM_PG_RESERVED * SIM_PAGE,
		.secrets_gpa = base + SVSM_PG_SECRETS * SIM_PAGE,
		.cpuid_gpa = base + SVSM_PG_CPUID * SIM_PAGE,
		.guest_secrets_gpa = SIM_GUEST_SECRETS_GPA,
		.guest_ca_gpa = SIM_GUEST_CA_GPA,
		.guest_vmsa_gpa = SIM_GUEST_VMSA_GPA,
		.guest_rip = SIM_GUEST_RIP,
		.ap_entry_rip = (uint64_t)(uintptr_t)svsm_sim_ap_entry,
		.vcpu_count = c->vcpus,
		.guest_vmpl = SIM_GUEST_VMPL,
		.flags = (c->vtpm ? SVSM_BOOT_VTPM : 0) | SVSM_BOOT_REBOOT |
			 (o->vtpm_keep_on_reboot ? SVSM_BOOT_REBOOT_KEEP_TPM :
						   0),
	};
	vmsa = (struct sev_vmsa *)(mem + base + SVSM_PG_VMSA * SIM_PAGE);
	memset(vmsa, 0, sizeof(*vmsa));
	vmsa->rip = (uint64_t)(uintptr_t)svsm_sim_bsp_entry;
	vmsa->rdi = (uint64_t)(uintptr_t)bi;
	vmsa->efer = EFER_SVME;
	vmsa->sev_features = SEV_FEATURES_FROM_STATUS(SIM_SEV_STATUS);

	if (snp_machine_launch_page(sim->m, base, SNP_LAUNCH_NORMAL) != 0 ||
	    snp_machine_launch_page(sim->m, base + SVSM_PG_VMSA * SIM_PAGE,
				    SNP_LAUNCH_VMSA) != 0 ||
	    snp_machine_launch_page(sim->m, base + SVSM_PG_SECRETS * SIM_PAGE,
				    SNP_LAUNCH_SECRETS) != 0 ||
	    snp_machine_launch_page(sim->m, base + SVSM_PG_CPUID * SIM_PAGE,
				    SNP_LAUNCH_CPUID) != 0) {
		return -1;
	}
	for (gpa = base + SVSM_PG_RESERVED * SIM_PAGE; gpa < base + svsm_size;
	     gpa += SIM_PAGE) {
		if (snp_machine_launch_page(sim->m, gpa, SNP_LAUNCH_ZERO) !=
		    0) {
			return -1;
		}
	}
	return 0;
}

/* The guest's pages: three launched pages, the rest private, unvalidated. */
static int launch_guest(struct svsm_sim *sim)
{
	uint64_t top = sim->svsm_base;
	uint64_t half = (top / 2) & ~(SIM_2M - 1);
	uint64_t gpa;

	if (snp_machine_launch_page(sim->m, SIM_GUEST_SECRETS_GPA,
				    SNP_LAUNCH_NORMAL) != 0 ||
	    snp_machine_launch_page(sim->m, SIM_GUEST_CA_GPA,
				    SNP_LAUNCH_NORMAL) != 0 ||
	    snp_machine_launch_page(sim->m, SIM_GUEST_VMSA_GPA,
				    SNP_LAUNCH_NORMAL) != 0) {
		return -1;
	}
	if (half < SIM_2M) {
		half = top;
	}
	for (gpa = 0; gpa < half; gpa += SIM_PAGE) {
		if (gpa == SIM_GUEST_SECRETS_GPA || gpa == SIM_GUEST_CA_GPA ||
		    gpa == SIM_GUEST_VMSA_GPA) {
			continue;
		}
		if (snp_machine_rmp_update(sim->m, gpa, false, true) != 0) {
			return -1;
		}
	}
	for (gpa = half; gpa + SIM_2M <= top; gpa += SIM_2M) {
		if (snp_machine_rmp_update(sim->m, gpa, true, true) != 0) {
			return -1;
		}
	}
	return 0;
}

static struct svsm_sim *create(const struct svsm_sim_config *cfg,
			       const struct svsm_sim_kbs *kbs,
			       const struct svsm_sim_launch_options *opt);

/** Boot the SVSM on a new machine (see sim.h). */
struct svsm_sim *svsm_sim_create(const struct svsm_sim_config *cfg)
{
	return create(cfg, NULL, NULL);
}

/** Boot the SVSM, attesting to a KBS at boot (see sim.h). */
struct svsm_sim *svsm_sim_create_kbs(const struct svsm_sim_config *cfg,
				     const struct svsm_sim_kbs *kbs)
{
	return create(cfg, kbs, NULL);
}

/** Boot the SVSM on a new machine with launch options (see sim.h). */
struct svsm_sim *svsm_sim_create_with(const struct svsm_sim_config *cfg,
				      const struct svsm_sim_launch_options *opt)
{
	return create(cfg, NULL, opt);
}

/* Boot the SVSM on a new machine (the three public entries above). */
static struct svsm_sim *create(const struct svsm_sim_config *cfg,
			       const struct svsm_sim_kbs *kbs,
			       const struct svsm_sim_launch_options *opt)
{
	static const struct svsm_sim_launch_options defaults = { 0 };
	struct svsm_sim_config c = {
		.guest_mem_bytes = 256ULL << 20,
		.vcpus = 1,
		.vtpm = true,
	};
	struct snp_machine_config mc;
	struct svsm_sim *sim;
	uint64_t svsm_size;

	if (cfg != NULL) {
		c = *cfg;
	}
	if (c.guest_mem_bytes < 8 * SIM_2M || c.guest_mem_bytes % SIM_2M ||
	    c.vcpus == 0 || c.vcpus > SNP_MACHINE_MAX_VCPUS) {
		return NULL;
	}
	svsm_size = svsm_size_for(c.guest_mem_bytes);
	sim = calloc(1, sizeof(*sim));
	if (sim == NULL) {
		return NULL;
	}
	sim->vcpus = c.vcpus;
	sim->ca_gpa = calloc(c.vcpus, sizeof(*sim->ca_gpa));
	mc = (struct snp_machine_config){
		.mem_bytes = c.guest_mem_bytes,
		.vcpus = c.vcpus,
		.sev_status = SIM_SEV_STATUS,
	};
	sim->m = sim->ca_gpa ? snp_machine_create(&mc) : NULL;
	if (sim->m == NULL) {
		goto out_free;
	}
	sim->svsm_base = c.guest_mem_bytes - svsm_size;
	/* The SVSM's allocator writes its region on every boot. */
	snp_machine_hint_busy_top(sim->m, svsm_size);
	sim->ca_gpa[0] = SIM_GUEST_CA_GPA;
	svsm_sim_vtpm_state = (struct sim_vtpm_state){
		.dir = c.vtpm_state_dir,
		.secret = c.vtpm_state_secret,
		.secret_len = c.vtpm_state_secret_len,
	};
	svsm_sim_kbs_boot = kbs;
	if (launch_svsm(sim, &c, opt != NULL ? opt : &defaults, svsm_size) !=
		    0 ||
	    launch_guest(sim) != 0 ||
	    (sim->psp = psp_attach(sim->m,
				   sim->svsm_base + SVSM_PG_SECRETS * SIM_PAGE,
				   SIM_GUEST_POLICY)) == NULL) {
		goto out_destroy;
	}
	if (kbs != NULL && kbs->launched != NULL) {
		kbs->launched(snp_machine_measurement(sim->m), kbs->ctx);
	}
	if (snp_machine_boot(sim->m, 0,
			     sim->svsm_base + SVSM_PG_VMSA * SIM_PAGE) != 0 ||
	    snp_machine_terminated(sim->m, NULL, NULL)) {
		goto out_destroy;
	}
	svsm_sim_kbs_boot = NULL;
	/* A persistent state that was refused fails the boot: the guest
	 * must never get a fresh TPM in place of its own. */
	if (c.vtpm && c.vtpm_state_dir != NULL && kbs == NULL &&
	    !vtpm_running()) {
		goto out_destroy;
	}
	return sim;

out_destroy:
	svsm_sim_kbs_boot = NULL;
	svsm_services_fini();
	if (sim->psp != NULL) {
		psp_detach(sim->m, sim->psp);
	}
	snp_machine_destroy(sim->m);
	mm_reset();
out_free:
	free(sim->ca_gpa);
	free(sim);
	return NULL;
}

/** See sim.h: the platform resets the TPM, as a power cycle does. */
int svsm_sim_vtpm_reset(struct svsm_sim *sim)
{
	(void)sim;
	return vtpm_running() ? vtpm_reset() : -1;
}

/** Tear the machine down; the SVSM's allocator forgets its region. */
void svsm_sim_destroy(struct svsm_sim *sim)
{
	if (sim == NULL) {
		return;
	}
	/* The services keep their state in SVSM memory: stop them first. */
	svsm_services_fini();
	psp_detach(sim->m, sim->psp);
	snp_machine_destroy(sim->m);
	mm_reset();
	free(sim->ca_gpa);
	free(sim);
}

/** Host pointer for guest memory [gpa, gpa + len), or NULL outside it. */
void *svsm_sim_guest_ptr(struct svsm_sim *sim, uint64_t gpa, size_t len)
{
	uint64_t size = snp_machine_mem_size(sim->m);

	if (gpa > size || len > size - gpa) {
		return NULL;
	}
	return snp_machine_mem(sim->m) + gpa;
}

/** The guest's secrets page. */
uint64_t svsm_sim_secrets_gpa(struct svsm_sim *sim)
{
	(void)sim;
	return SIM_GUEST_SECRETS_GPA;
}

/** SEV_STATUS as VMPL2 reads it. */
uint64_t svsm_sim_sev_status(struct svsm_sim *sim)
{
	return snp_machine_guest_rdmsr(sim->m, 0, SIM_GUEST_VMPL,
				       MSR_SEV_STATUS);
}

/* VMGEXIT RUN_VMPL(0) over the GHCB MSR protocol, as Linux does it. */
static int msr_protocol_call(struct svsm_sim *sim, unsigned vcpu)
{
	struct snp_machine *m = sim->m;
	uint64_t saved, resp;
	int rc;

	saved = snp_machine_guest_rdmsr(m, vcpu, SIM_GUEST_VMPL, MSR_GHCB);
	snp_machine_guest_wrmsr(m, vcpu, SIM_GUEST_VMPL, MSR_GHCB,
				GHCB_MSR_VMPL_REQ_LEVEL(0));
	rc = snp_machine_guest_vmgexit(m, vcpu, SIM_GUEST_VMPL);
	resp = snp_machine_guest_rdmsr(m, vcpu, SIM_GUEST_VMPL, MSR_GHCB);
	snp_machine_guest_wrmsr(m, vcpu, SIM_GUEST_VMPL, MSR_GHCB, saved);
	if (rc != 0 || GHCB_MSR_INFO(resp) != GHCB_MSR_VMPL_RESP ||
	    GHCB_MSR_VMPL_RESP_ERROR(resp) != 0) {
		return -1;
	}
	return 0;
}

/* What the guest learns from a successful call about its Calling Areas. */
static void track_ca(struct svsm_sim *sim, unsigned vcpu,
		     const struct svsm_sim_regs *in)
{
	if (in->rax == SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_REMAP_CA)) {
		sim->ca_gpa[vcpu] = in->rcx;
	} else if (in->rax ==
		   SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_CREATE_VCPU)) {
		if ((uint32_t)in->r8 < sim->vcpus) {
			sim->ca_gpa[(uint32_t)in->r8] = in->rdx;
		}
	}
}

/** An SVSM call by the guest on `vcpu` (see sim.h). */
int svsm_sim_call(struct svsm_sim *sim, unsigned vcpu,
		  struct svsm_sim_regs *regs)
{
	struct svsm_sim_regs in = *regs;
	uint64_t reboots = svsm_reboot_count();
	struct sev_vmsa *vmsa;
	_Atomic uint8_t *pending;
	uint64_t vmsa_gpa;
	int rc;

	if (vcpu >= sim->vcpus || snp_machine_terminated(sim->m, NULL, NULL)) {
		return -1;
	}
	vmsa_gpa = snp_machine_vmsa_gpa(sim->m, vcpu, SIM_GUEST_VMPL);
	vmsa = svsm_sim_guest_ptr(sim, vmsa_gpa, sizeof(*vmsa));
	pending = svsm_sim_guest_ptr(sim, sim->ca_gpa[vcpu], SVSM_CA_SIZE);
	if (vmsa_gpa == 0 || vmsa == NULL || pending == NULL) {
		return -1;
	}
	/* The registers as the hardware saves them into the VMSA on exit. */
	vmsa->rax = regs->rax;
	vmsa->rcx = regs->rcx;
	vmsa->rdx = regs->rdx;
	vmsa->r8 = regs->r8;
	vmsa->r9 = regs->r9;
	atomic_store(pending, SVSM_CA_CALL_PENDING);
	rc = msr_protocol_call(sim, vcpu);
	if (svsm_reboot_count() != reboots &&
	    !snp_machine_terminated(sim->m, NULL, NULL)) {
		/* The guest boots again: it knows only the launch CA. */
		memset(sim->ca_gpa, 0, sim->vcpus * sizeof(*sim->ca_gpa));
		sim->ca_gpa[0] = SIM_GUEST_CA_GPA;
		return 0;
	}
	if (rc != 0) {
		atomic_store(pending, SVSM_CA_CALL_NONE);
		return -1;
	}
	if (atomic_exchange(pending, SVSM_CA_CALL_NONE) != SVSM_CA_CALL_NONE) {
		return -1; /* the SVSM never served the call */
	}
	regs->rax = vmsa->rax;
	regs->rcx = vmsa->rcx;
	regs->rdx = vmsa->rdx;
	regs->r8 = vmsa->r8;
	regs->r9 = vmsa->r9;
	if ((uint32_t)regs->rax == 0) {
		track_ca(sim, vcpu, &in);
	}
	return 0;
}

/** Guest reboots so far (see sim.h). */
unsigned long svsm_sim_reboots(struct svsm_sim *sim)
{
	(void)sim;
	return (unsigned long)svsm_reboot_count();
}

/** A VMPL2 access to one byte (see sim.h). */
int svsm_sim_guest_access(struct svsm_sim *sim, unsigned vcpu, uint64_t gpa,
			  bool write)
{
	(void)vcpu;
	return snp_machine_access(sim->m, SIM_GUEST_VMPL, gpa, write);
}

/** The VCEK certificate (DER) of the simulated chip. */
const uint8_t *svsm_sim_vcek_der(struct svsm_sim *sim, size_t *len)
{
	return psp_vcek_der(sim->psp, len);
}

/** The ARK (root) certificate (DER) of the simulated chip. */
const uint8_t *svsm_sim_ark_der(struct svsm_sim *sim, size_t *len)
{
	return psp_ark_der(sim->psp, len);
}

/** What the SVSM's KBS client did at boot. */
int svsm_sim_kbs_result(struct svsm_sim *sim, struct svsm_sim_kbs_result *out)
{
	const struct svsm_sim_kbs_result *r = svsm_services_kbs_result();

	(void)sim;
	if (r == NULL) {
		return -1;
	}
	*out = *r;
	return 0;
}
