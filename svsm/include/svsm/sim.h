/* SPDX-License-Identifier: MIT */
/*
 * svsm-sim: the guest-side harness of the hosted build. It boots the SVSM on
 * the software SNP machine and lets a program act as the guest at VMPL2.
 * This is a stable public API: outside conformance tests link against it
 * (`pkg-config --cflags --libs svsm-sim`).
 *
 * One simulated machine exists per process at a time.
 */
#ifndef SVSM_SIM_H
#define SVSM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct svsm_sim;

/**
 * A key broker the SVSM attests to at boot (docs/KBS.md): the SVSM runs the
 * RCAR protocol over `fd`, a connected stream socket to the host's KBS
 * proxy (tools/kbs-proxy), and keys its vTPM state with the resource. If
 * that fails the SVSM keeps running without the secret and without a vTPM.
 */
struct svsm_sim_kbs {
	int fd;		      /* the proxy's socket; the caller closes it */
	const char *resource; /* "repo/type/tag" */
	bool sha512; /* REPORT_DATA hash: SHA-384 (Trustee) or SHA-512 */
	unsigned timeout_ms; /* per exchange with the proxy; 0 = 30 s */
	/**
	 * Called after the launch, before the SVSM boots and attests, with
	 * the launch measurement: what a relying party would compute from
	 * the image as its reference value (NULL: not called).
	 */
	void (*launched)(const uint8_t measurement[48], void *ctx);
	void *ctx;
};

struct svsm_sim_config {
	uint64_t guest_mem_bytes; /* guest RAM, 2 MiB multiple */
	unsigned vcpus;		  /* vCPUs; APIC IDs 0 .. vcpus - 1 */
	bool vtpm;		  /* start the vTPM service */
	/**
	 * Persistent vTPM state (svsm/vtpm_store.h): NULL keeps it in
	 * memory; otherwise DIR/vtpm.state, made if absent, encrypted with
	 * a key derived from `vtpm_state_secret` (at least 16 bytes) as
	 * from a KBS-released secret (svsm/vtpm_key.h); with no secret, the
	 * key a KBS released at boot. A state that cannot be opened
	 * (damaged, tampered, another key, no key) fails the boot.
	 */
	const char *vtpm_state_dir;
	const uint8_t *vtpm_state_secret;
	size_t vtpm_state_secret_len;
};

/** What the SVSM's KBS client did at boot (never the secret itself). */
struct svsm_sim_kbs_result {
	int status;		    /* 0 released, else the SVSM's error code */
	char error[96];		    /* a fixed sentence for `status` */
	uint8_t secret_sha256[32];  /* SHA-256 of the resource (status 0) */
	size_t secret_len;	    /* its length */
	bool vtpm_key;		    /* the vTPM state key was installed */
	size_t auth_req, auth_resp; /* message sizes (bodies, bytes) */
	size_t attest_req, attest_resp, resource_resp;
};

/**
 * Launch options beyond `struct svsm_sim_config` (kept apart so that the
 * config's layout, which outside programs initialise positionally, stays
 * as it is).
 */
struct svsm_sim_launch_options {
	/**
	 * The vTPM across a guest reboot: false (the default) resets it
	 * (_TPM_Init: PCRs reset, NV and EK kept), true leaves it untouched.
	 */
	bool vtpm_keep_on_reboot;
};

struct svsm_sim_regs {
	uint64_t rax, rcx, rdx, r8, r9;
};

/** Faults `svsm_sim_guest_access()` reports, as the hardware would raise them. */
enum svsm_sim_fault {
	SVSM_SIM_FAULT_NONE = 0,
	/** #VC(VMEXIT_NPF) page-not-validated: the RMP entry is not validated. */
	SVSM_SIM_FAULT_NOT_VALIDATED = -1,
	/** #NPF RMP violation: the VMPL lacks the read or write permission. */
	SVSM_SIM_FAULT_PERMISSION = -2,
	/** #NPF: the page is not assigned to the guest (hypervisor-owned/shared). */
	SVSM_SIM_FAULT_NOT_ASSIGNED = -3,
	/** The GPA is outside guest memory. */
	SVSM_SIM_FAULT_OUT_OF_RANGE = -4,
	/** The page is a VMSA: guest software can never access it. */
	SVSM_SIM_FAULT_VMSA = -5,
};

/** NULL cfg = defaults: 256 MiB, 1 vCPU, vTPM on. NULL on failure. */
struct svsm_sim *svsm_sim_create(const struct svsm_sim_config *cfg);

/**
 * As svsm_sim_create(), with the SVSM attesting to the KBS behind `kbs` at
 * boot (docs/KBS.md); svsm_sim_kbs_result() tells what came of it.
 */
struct svsm_sim *svsm_sim_create_kbs(const struct svsm_sim_config *cfg,
				     const struct svsm_sim_kbs *kbs);
/** As `svsm_sim_create()` with launch options (NULL: the defaults). */
struct svsm_sim *
svsm_sim_create_with(const struct svsm_sim_config *cfg,
		     const struct svsm_sim_launch_options *opt);
void svsm_sim_destroy(struct svsm_sim *sim);

/**
 * TPM platform reset, as a power cycle or a VM reset does it: _TPM_Init
 * runs again, so the guest's TPM2_Startup(CLEAR) works and PCRs start
 * over; NV indices and persistent objects stay. 0, or -1 (no vTPM).
 */
int svsm_sim_vtpm_reset(struct svsm_sim *sim);

/** The guest's view of its memory; NULL outside it. */
void *svsm_sim_guest_ptr(struct svsm_sim *sim, uint64_t gpa, size_t len);

/** The guest's secrets page (SVSM fields filled). */
uint64_t svsm_sim_secrets_gpa(struct svsm_sim *sim);

/** SEV_STATUS MSR as the guest reads it (its SEV features go into AP VMSAs). */
uint64_t svsm_sim_sev_status(struct svsm_sim *sim);

/**
 * The guest on vCPU `vcpu` (its APIC ID) makes an SVSM call exactly as Linux
 * does: sets call_pending in its current CA, VMGEXITs to VMPL0; returns 0
 * with regs updated, -1 if that vCPU has no VMSA registered or the SVSM
 * terminated the VM.
 */
int svsm_sim_call(struct svsm_sim *sim, unsigned vcpu,
		  struct svsm_sim_regs *regs);

/**
 * Guest reboots (SVSM_REBOOT_EXECUTE of the reboot protocol) so far. The
 * harness stands for the guest's new boot: the reboot call returns from
 * `svsm_sim_call()` (0, registers unchanged) with the guest in its launch
 * state on vCPU 0 (its Calling Area the launch one again) and no VMSA on
 * the other vCPUs until the guest creates them again.
 */
unsigned long svsm_sim_reboots(struct svsm_sim *sim);

/**
 * A VMPL2 access to one byte: 0 if allowed, otherwise the fault the hardware
 * would raise (a negative `enum svsm_sim_fault`).
 */
int svsm_sim_guest_access(struct svsm_sim *sim, unsigned vcpu, uint64_t gpa,
			  bool write);

/**
 * The simulated chip's VCEK certificate (DER), which signs attestation
 * reports, and its ARK (the self-signed root of ARK -> ASK -> VCEK), so
 * programs can verify reports. Owned by `sim`; `*len` gets the size.
 */
const uint8_t *svsm_sim_vcek_der(struct svsm_sim *sim, size_t *len);
const uint8_t *svsm_sim_ark_der(struct svsm_sim *sim, size_t *len);

/** The boot-time KBS result: 0, or -1 if no KBS was configured. */
int svsm_sim_kbs_result(struct svsm_sim *sim, struct svsm_sim_kbs_result *out);

#ifdef __cplusplus
}
#endif

#endif /* SVSM_SIM_H */
