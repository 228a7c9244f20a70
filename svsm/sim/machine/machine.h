/* SPDX-License-Identifier: MIT */
/*
 * The software SNP machine (hosted build only): guest physical memory, the
 * RMP, the PSP's launch and guest-request firmware, a hypervisor serving the
 * GHCB, and vCPUs with a VMPL0 context each.
 *
 * Execution model. Each vCPU's VMPL0 software (the SVSM) runs as a fiber
 * started from the host function pointer found in its VMSA's RIP (RDI holds
 * its argument), exactly where real hardware would start it. The calling
 * thread (the "main context") is the hypervisor's scheduler and stands for
 * whatever runs at the guest VMPL. A VMGEXIT from a fiber (`cpu_vmgexit()`)
 * enters the hypervisor, which either answers at once (MSR protocol
 * requests, page state changes, AP creation) or, for RUN_VMPL to the guest
 * VMPL, switches back to the main context. A VMGEXIT by the guest
 * (`snp_machine_guest_vmgexit()`) with RUN_VMPL(0) resumes that vCPU's VMPL0
 * fiber. Everything is deterministic and single-threaded.
 *
 * The RMP is deliberately not encoded as the hardware's RMP table: code that
 * assumed the hardware layout would fail here rather than pass by accident.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNP_VMPL_COUNT 4

/* Per-VMPL permission bits of an RMP entry (RMPADJUST RDX bits 11:8 >> 8). */
#define RMP_PERM_READ 0x1
#define RMP_PERM_WRITE 0x2
#define RMP_PERM_UEXEC 0x4
#define RMP_PERM_SEXEC 0x8
#define RMP_PERM_ALL 0xF

/** One 4 KiB page's RMP state. */
struct rmp_entry {
	bool assigned; /* private to the guest (else hypervisor-owned/shared) */
	bool validated;		       /* PVALIDATEd */
	bool page_2m;		       /* part of a 2 MiB RMP entry */
	bool vmsa;		       /* a VMSA page */
	uint8_t perms[SNP_VMPL_COUNT]; /* RMP_PERM_* for VMPL0..3 */
};

struct snp_machine_config {
	uint64_t mem_bytes;  /* guest physical memory, multiple of 2 MiB */
	unsigned vcpus;	     /* APIC IDs 0 .. vcpus-1 */
	uint64_t sev_status; /* SEV_STATUS MSR value every VMPL reads */
};

/** Launch page types (SNP_LAUNCH_UPDATE), as the PSP loads them. */
enum snp_launch_page {
	SNP_LAUNCH_NORMAL,  /* measured data: assigned, validated, VMPL0 RWX */
	SNP_LAUNCH_ZERO,    /* zero page, measured, VMPL0 RWX */
	SNP_LAUNCH_VMSA,    /* a VMSA page for VMPL0 */
	SNP_LAUNCH_SECRETS, /* PSP fills the secrets page (VMPCK0-3, ...) */
	SNP_LAUNCH_CPUID,   /* PSP-checked CPUID page */
};

struct snp_machine;

/** NULL on failure (allocation). */
struct snp_machine *snp_machine_create(const struct snp_machine_config *cfg);
void snp_machine_destroy(struct snp_machine *m);

/** Raw host view of guest memory (no checks: for the loader and harness). */
uint8_t *snp_machine_mem(struct snp_machine *m);
uint64_t snp_machine_mem_size(const struct snp_machine *m);

/** The RMP entry of the 4 KiB page holding `gpa`, or NULL outside memory. */
const struct rmp_entry *snp_machine_rmp(const struct snp_machine *m,
					uint64_t gpa);

/** Load a launch page at `gpa` (4 KiB aligned). Returns 0 or -1. */
int snp_machine_launch_page(struct snp_machine *m, uint64_t gpa,
			    enum snp_launch_page type);

/** Launch measurement (SHA-384 of the launch updates, as the PSP keeps it). */
const uint8_t *snp_machine_measurement(const struct snp_machine *m);

/**
 * Start vCPU `apic_id` at VMPL0 from the VMSA at `vmsa_gpa` (a launched VMSA
 * page) and run it until it first leaves VMPL0 (enters the guest, halts or
 * terminates). Returns 0, or -1 if the VM terminated.
 */
int snp_machine_boot(struct snp_machine *m, unsigned apic_id,
		     uint64_t vmsa_gpa);

/** True once a VMPL0 context asked for termination. */
bool snp_machine_terminated(const struct snp_machine *m, unsigned *set,
			    unsigned *code);

/** GPA of the VMSA the hypervisor runs for (`apic_id`, `vmpl`), or 0. */
uint64_t snp_machine_vmsa_gpa(const struct snp_machine *m, unsigned apic_id,
			      unsigned vmpl);

/** Guest-side MSR access at `vmpl` (GHCB MSR, SEV_STATUS). */
uint64_t snp_machine_guest_rdmsr(struct snp_machine *m, unsigned apic_id,
				 unsigned vmpl, uint32_t msr);
void snp_machine_guest_wrmsr(struct snp_machine *m, unsigned apic_id,
			     unsigned vmpl, uint32_t msr, uint64_t value);

/**
 * The guest at `vmpl` on `apic_id` executes VMGEXIT with its current GHCB
 * MSR value. Before it, the harness has stored the guest registers into the
 * VMSA (as the hardware does on exit, GUEST_EXIT_CODE = 0x403). Returns when
 * control comes back to that VMPL: 0, or -1 if the VM terminated or the
 * request was refused.
 */
int snp_machine_guest_vmgexit(struct snp_machine *m, unsigned apic_id,
			      unsigned vmpl);

/**
 * Access check for one byte at `gpa` by software at `vmpl` (0 or a negative
 * `enum svsm_sim_fault` from <svsm/sim.h>).
 */
int snp_machine_access(const struct snp_machine *m, unsigned vmpl, uint64_t gpa,
		       bool write);
