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
 * A fiber that asks to run a VMPL without a registered VMSA parks: control
 * goes back to whoever resumed it, and the next guest RUN_VMPL(0) on that
 * vCPU resumes it. An AP creation "create now" of a VMPL0 VMSA starts the
 * AP's fiber at once, runs it until it leaves VMPL0, then continues the
 * creator. A fiber whose entry function returns has halted for good. Once
 * the VM terminated, no fiber is resumed again and every guest VMGEXIT
 * fails. <svsm/cpu.h> called outside any fiber acts on vCPU 0 at VMPL0.
 *
 * The RMP is deliberately not encoded as the hardware's RMP table: code that
 * assumed the hardware layout would fail here rather than pass by accident.
 *
 * Where the hardware would fault instead of returning a code, the machine
 * returns a code so that the failure is visible to the caller (and the
 * machine never "fixes" a guest's mistake behind its back):
 *   - PVALIDATE or RMPADJUST of a page that is not assigned to the guest
 *     (shared/hypervisor-owned) or outside guest memory: the hardware takes
 *     #VMEXIT(NPF) (RMP violation) and a hypervisor could only make it pass
 *     by an RMPUPDATE the guest did not ask for. The machine returns
 *     FAIL_INPUT and changes nothing.
 *   - A 4 KiB PVALIDATE or RMPADJUST inside a 2 MiB RMP entry: the hardware
 *     takes #VMEXIT(NPF) with SIZEM set and the hypervisor may PSMASH. The
 *     machine never smashes behind the guest's back: it returns
 *     FAIL_SIZEMISMATCH (the guest asks for PSC op PSMASH explicitly).
 *   - A 2 MiB operation needs a 2 MiB aligned GPA (else FAIL_INPUT, a bad
 *     operand) and a 2 MiB RMP entry (else FAIL_SIZEMISMATCH, as for 4 KiB
 *     entries in a 2 MiB aligned range).
 *   - RMPADJUST of a page that is not validated: FAIL_INPUT.
 *   - RMPADJUST's VMSA bit is honoured only at VMPL0 and ignored at other
 *     VMPLs (as the APM describes); a 2 MiB RMPADJUST with the VMSA bit is
 *     FAIL_INPUT.
 *   - PVALIDATE(validate) gives VMPL0 every permission and the other VMPLs
 *     none, so revalidated pages never keep stale lower-VMPL grants.
 *
 * Not modelled: C-bit mappings (an SVSM pointer reaches any page), page
 * faults on the SVSM's own loads and stores (only `cpu_copy_*_trapped()`
 * and `snp_machine_access()` check the RMP), ASIDs, immutable pages,
 * interrupts, and the RMP's "in use" state of running VMSAs.
 *
 * Hypervisor failures that a real host would turn into a dead VM (a GHCB
 * outside memory or in a private page, an unknown MSR-protocol request)
 * terminate the VM with reason set `SNP_MACHINE_TERM_SET_HV`.
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
	bool validated;	   /* PVALIDATEd */
	bool page_2m;	   /* part of a 2 MiB RMP entry */
	bool vmsa;	   /* a VMSA page */
	bool guest_shared; /* made shared by the guest's page state change */
	uint8_t perms[SNP_VMPL_COUNT]; /* RMP_PERM_* for VMPL0..3 */
};

struct snp_machine_config {
	uint64_t mem_bytes;  /* guest physical memory, multiple of 2 MiB */
	unsigned vcpus;	     /* APIC IDs 0 .. vcpus-1 */
	uint64_t sev_status; /* SEV_STATUS MSR value every VMPL reads */
};

/* Limits of `struct snp_machine_config`. */
#define SNP_MACHINE_MAX_VCPUS 256U
#define SNP_MACHINE_MAX_MEM (1ULL << 40)
/* Defaults used for a NULL config. */
#define SNP_MACHINE_DEFAULT_MEM (256ULL << 20)
#define SNP_MACHINE_DEFAULT_SEV_STATUS 0x7ULL /* SEV | SEV-ES | SNP */

/** Termination reason set used when the hypervisor itself stops the VM. */
#define SNP_MACHINE_TERM_SET_HV 0x100U
#define SNP_MACHINE_TERM_HV_BAD_GHCB 1U	   /* GHCB outside memory/private */
#define SNP_MACHINE_TERM_HV_BAD_REQUEST 2U /* unknown MSR-protocol request */

/* Hypervisor features reported by HV_FEATURES (MSR 0x080 and 0x8000FFFD). */
#define SNP_MACHINE_HV_FEATURES 0x23ULL /* SNP | AP creation | multi-VMPL */

/* C-bit position reported by the SEV information request. */
#define SNP_MACHINE_CBIT 51U

/*
 * Page state change errors in SW_EXITINFO2 (as KVM reports them) and the
 * MSR-protocol PSC response error.
 */
#define SNP_PSC_ERROR_INVALID_HDR ((1ULL << 32) | 1ULL)
#define SNP_PSC_ERROR_INVALID_ENTRY ((1ULL << 32) | 2ULL)
#define SNP_PSC_ERROR_GENERIC (0x100ULL << 32)
#define SNP_MSR_PSC_ERROR 1U
#define SNP_MSR_VMPL_ERROR 1U

/** Launch page types (SNP_LAUNCH_UPDATE), as the PSP loads them. */
enum snp_launch_page {
	SNP_LAUNCH_NORMAL,  /* measured data: assigned, validated, VMPL0 RWX */
	SNP_LAUNCH_ZERO,    /* zero page, measured, VMPL0 RWX */
	SNP_LAUNCH_VMSA,    /* a VMSA page for VMPL0 */
	SNP_LAUNCH_SECRETS, /* PSP fills the secrets page (VMPCK0-3, ...) */
	SNP_LAUNCH_CPUID,   /* PSP-checked CPUID page */
	SNP_LAUNCH_UNMEASURED, /* data loaded, its PAGE_INFO measured with
				  zero contents (type and GPA count) */
};

/* Secrets page values the PSP writes. */
#define SNP_MACHINE_SECRETS_VERSION 3U
#define SNP_MACHINE_FMS 0x00A10F11U /* family 19h model 11h stepping 1 */

/* Most entries the PSP accepts in a CPUID page (SNP firmware ABI). */
#define SNP_CPUID_MAX_ENTRIES 64U

#define SNP_MEASUREMENT_SIZE 48U

struct snp_machine;

/** NULL on failure (allocation, bad config, or another machine exists). */
struct snp_machine *snp_machine_create(const struct snp_machine_config *cfg);
void snp_machine_destroy(struct snp_machine *m);

/**
 * The top `bytes` of guest memory are written on every boot (the SVSM's
 * region): the hosted front end reads them when the machine goes instead
 * of having the kernel track each write (a page fault apiece). A hint for
 * speed only; nothing else changes.
 */
void snp_machine_hint_busy_top(struct snp_machine *m, uint64_t bytes);

/** The live machine (one per process at a time), or NULL. */
struct snp_machine *snp_machine_current(void);

/** Raw host view of guest memory (no checks: for the loader and harness). */
uint8_t *snp_machine_mem(struct snp_machine *m);
uint64_t snp_machine_mem_size(const struct snp_machine *m);
/** The configuration the machine was created with (defaults filled in). */
const struct snp_machine_config *
snp_machine_config(const struct snp_machine *m);

/** The RMP entry of the 4 KiB page holding `gpa`, or NULL outside memory. */
const struct rmp_entry *snp_machine_rmp(const struct snp_machine *m,
					uint64_t gpa);

/**
 * The hypervisor's RMPUPDATE of the page (or 2 MiB range, `page_2m`) at
 * `gpa`: `assigned` makes it private (not validated, VMPL0 all permissions,
 * other VMPLs none), otherwise shared. Returns 0, or -1 (misaligned, outside
 * memory, or a VMSA page) and changes nothing.
 */
int snp_machine_rmp_update(struct snp_machine *m, uint64_t gpa, bool page_2m,
			   bool assigned);

/**
 * PVALIDATE at VMPL0 of the page at `gpa` (`size` 0: 4 KiB, 1: 2 MiB).
 * Returns EAX (0, 1 FAIL_INPUT, 6 FAIL_SIZEMISMATCH); `*cf` is set when the
 * page already had the requested state (nothing changed). See the header
 * comment for where the machine differs from the hardware.
 */
uint32_t snp_machine_pvalidate(struct snp_machine *m, uint64_t gpa,
			       unsigned size, bool validate, bool *cf);

/**
 * RMPADJUST executed at `vmpl` on the page at `gpa` with the RDX attribute
 * word `attrs`. Returns EAX (0, 1 FAIL_INPUT, 2 FAIL_PERMISSION,
 * 3 FAIL_INUSE: it would clear the VMSA bit of a VMSA some vCPU has
 * loaded, 6 FAIL_SIZEMISMATCH); on failure nothing changed.
 */
uint32_t snp_machine_rmpadjust(struct snp_machine *m, unsigned vmpl,
			       uint64_t gpa, unsigned size, uint64_t attrs);

/**
 * Load a launch page at `gpa` (4 KiB aligned, not yet assigned). NORMAL,
 * VMSA and UNMEASURED pages take the contents already in memory; ZERO pages
 * are zeroed; the PSP fills SECRETS pages; CPUID pages are checked (count at
 * most 64). Fails once the launch is finished (the first boot). Returns 0 or
 * -1 (nothing changed).
 */
int snp_machine_launch_page(struct snp_machine *m, uint64_t gpa,
			    enum snp_launch_page type);

/**
 * Measure a launch VMSA `page` the hypervisor keeps in its own memory at
 * `gpa` (outside guest memory: the IGVM file's VMSA at 0xFFFFFFFFF000, as
 * KVM keeps it; KVM measures one per vCPU at LAUNCH_FINISH, all at that
 * GPA). The machine keeps the first page: it is the VMSA at `gpa` from now
 * on (the BSP's). Returns 0 or -1 (nothing changed).
 */
int snp_machine_launch_ext_vmsa(struct snp_machine *m, uint64_t gpa,
				uint8_t *page);

/** SNP_LAUNCH_FINISH: no launch page is accepted any more. */
void snp_machine_launch_finish(struct snp_machine *m);

/** Launch measurement (SHA-384 of the launch updates, as the PSP keeps it). */
const uint8_t *snp_machine_measurement(const struct snp_machine *m);

/** VMPCK `idx` (0..3, 32 bytes) the PSP generated, or NULL before launch. */
const uint8_t *snp_machine_vmpck(const struct snp_machine *m, unsigned idx);

/**
 * Start vCPU `apic_id` at VMPL0 from the VMSA at `vmsa_gpa` (a page whose RMP
 * entry has the VMSA bit and whose VMSA names VMPL0) and run it until it
 * first leaves VMPL0 (enters the guest, halts or terminates). Returns 0, or
 * -1 if the VM terminated or the VMSA/vCPU is unusable.
 */
int snp_machine_boot(struct snp_machine *m, unsigned apic_id,
		     uint64_t vmsa_gpa);

/** True once a VMPL0 context (or the hypervisor) terminated the VM. */
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
 * VMSA (as the hardware does on exit, GUEST_EXIT_CODE = 0x403, which this
 * call stores). Returns when control comes back to that VMPL: 0, or -1 if
 * the VM terminated, the request was refused, or the VMPL0 context went
 * elsewhere (halted, or asked to run another VMPL).
 */
int snp_machine_guest_vmgexit(struct snp_machine *m, unsigned apic_id,
			      unsigned vmpl);

/**
 * Access check for one byte at `gpa` by software at `vmpl` through a private
 * (C-bit set) mapping: 0 or a negative `enum svsm_sim_fault` from
 * <svsm/sim.h>. Checked in the hardware's order: range, assignment, VMSA
 * (VMPL1-3 only), validation, VMPL permissions. A write needs read and
 * write permission.
 */
int snp_machine_access(const struct snp_machine *m, unsigned vmpl, uint64_t gpa,
		       bool write);

/** A guest request (SW_EXITCODE 0x80000011 or 0x80000012) for the PSP. */
struct snp_guest_request {
	unsigned apic_id;
	unsigned vmpl;	      /* VMPL that issued the VMGEXIT */
	bool extended;	      /* 0x80000012 */
	uint64_t req_gpa;     /* shared request page */
	uint64_t resp_gpa;    /* shared response page */
	uint64_t certs_gpa;   /* extended: certificate buffer (RAX) */
	uint64_t certs_pages; /* extended: in RBX pages, out pages needed */
};

/**
 * The PSP firmware behind guest requests: returns SW_EXITINFO2 ([31:0]
 * firmware error, [63:32] VMM error). The pages are checked (aligned,
 * inside memory, shared) before it is called.
 */
typedef uint64_t (*snp_guest_request_fn)(struct snp_machine *m, void *ctx,
					 struct snp_guest_request *req);

/** Install (or remove, with NULL) the guest-request handler. */
void snp_machine_set_guest_request_handler(struct snp_machine *m,
					   snp_guest_request_fn fn, void *ctx);

/**
 * Fault injection for the machine's own allocations (its memory, RMP, vCPU
 * table, fiber records and stacks): the n-th one from now fails; 0 turns
 * it off.
 */
void snp_machine_fail_alloc_nth(unsigned long n);

/** How the hypervisor misbehaves on a GHCB call it is told to (tests). */
enum snp_hv_fault {
	SNP_HV_FAULT_NONE,  /* serve the call */
	SNP_HV_FAULT_ERROR, /* answer an error (INVALID_INPUT), do nothing */
	SNP_HV_FAULT_NOP, /* answer success (SW_EXITINFO1/2 = 0), do nothing */
};

/**
 * The next GHCB page-protocol call with SW_EXITCODE `exit_code` is answered
 * as `fault` says instead of being served (once); SNP_HV_FAULT_NONE cancels
 * it. Tests of how the SVSM checks the host's answers.
 */
void snp_machine_hv_fault(struct snp_machine *m, uint64_t exit_code,
			  enum snp_hv_fault fault);

/**
 * From now on, trapped copies (`cpu_copy_to_trapped()`) that write to the
 * 4 KiB page holding `gpa` fault, as if the host had taken the page away
 * after the SVSM read it; reads still work. `on` false turns it off.
 */
void snp_machine_fail_writes(struct snp_machine *m, uint64_t gpa, bool on);

/** Number of `cpu_flush_tlb_all()` calls so far (tests of TLB discipline). */
unsigned long snp_machine_tlb_flushes(const struct snp_machine *m);
