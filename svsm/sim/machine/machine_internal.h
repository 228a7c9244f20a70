/* SPDX-License-Identifier: MIT */
/*
 * Internals of the software SNP machine, shared by its files only.
 *
 * One model, two front ends. The model (machine.c, rmp.c, psp.c, hv.c,
 * hv_msr.c) builds hosted and freestanding (SVSM_SNP_EMU: snp-emu, the L1
 * hypervisor under QEMU). What runs the vCPUs is the front end's: the
 * hosted one (machine_hosted.c, fiber.c, cpu_sim.c) runs VMPL0 as fibers,
 * snp-emu runs real instructions under VMRUN. The model calls the front
 * end only through the `snp_fe_*` functions declared below.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

/* Wipe a secret (the hosted C library's name, or the kernel libc's). */
#if defined(SVSM_SNP_EMU)
#define snp_wipe memzero_explicit
#else
#define snp_wipe explicit_bzero
#endif

#define SNP_PAGE_SIZE 4096ULL
#define SNP_PAGE_MASK (SNP_PAGE_SIZE - 1)
#define SNP_2M_SIZE (2ULL << 20)
#define SNP_2M_MASK (SNP_2M_SIZE - 1)
#define SNP_2M_PAGES 512U

#if !defined(SVSM_SNP_EMU)
/**
 * A register/stack context a fiber switch saves to or restores from: the
 * stack pointer at which snp_ctx_switch() (fiber_switch.S) left its frame.
 */
struct snp_exec_ctx {
	void *sp;
	void *fake_stack;	  /* ASan's fake stack of this context */
	const void *stack_bottom; /* ASan: the context's stack */
	size_t stack_size;
};

/** Why a fiber last handed control back to whoever resumed it. */
enum snp_fiber_exit {
	SNP_FIBER_RUN_VMPL, /* asked to run `exit_vmpl`, which has a VMSA */
	SNP_FIBER_PARKED,   /* asked to run a VMPL that has no VMSA */
	SNP_FIBER_HALTED,   /* its entry function returned */
	SNP_FIBER_TERMINATED,
};

/** A vCPU's VMPL0 context: a fiber on an mmap'd stack. */
struct snp_fiber {
	struct snp_exec_ctx ctx;
	struct snp_exec_ctx *caller; /* who resumed it last */
	void *map;		     /* guard page + stack */
	size_t map_size;
	struct snp_vcpu *vcpu;
	void (*entry)(uint64_t arg);
	uint64_t arg;
	bool started; /* has run at least once */
	bool active;  /* resumed and not yet yielded */
	bool dead;    /* halted or terminated: never resumed again */
	enum snp_fiber_exit exit;
	unsigned exit_vmpl;
};
#endif /* !SVSM_SNP_EMU */

struct snp_vcpu {
	unsigned apic_id;
	bool vmsa_valid[SNP_VMPL_COUNT];
	uint64_t vmsa_gpa[SNP_VMPL_COUNT];
	uint64_t ghcb_msr[SNP_VMPL_COUNT];
	bool ghcb_registered[SNP_VMPL_COUNT];
	uint64_t ghcb_gpa[SNP_VMPL_COUNT];
	struct snp_fiber *fiber; /* hosted: VMPL0 context, or NULL */
};

struct snp_machine {
	struct snp_machine_config cfg;
	uint8_t *mem;
	uint64_t mem_size;
	/*
	 * A VMSA the hypervisor keeps in its own memory at a GPA outside guest
	 * memory (the launch VMSA at 0xFFFFFFFFF000, as KVM keeps it), or NULL.
	 */
	uint8_t *ext_vmsa;
	uint64_t ext_vmsa_gpa;
	uint64_t busy_top;     /* hosted: top bytes written each boot */
	struct rmp_entry *rmp; /* one per 4 KiB page */
	uint64_t pages;
	struct snp_vcpu *vcpus;
	struct snp_vcpu *cur; /* vCPU whose fiber runs; NULL: main context */

	uint8_t measurement[SNP_MEASUREMENT_SIZE];
	unsigned launch_updates; /* records hashed into the measurement */
	bool launch_finished;
	bool have_vmpcks;
	uint8_t vmpck[4][32];

	bool terminated;
	unsigned term_set;
	unsigned term_code;

	snp_guest_request_fn greq_fn;
	void *greq_ctx;
	unsigned long tlb_flushes;

	/* Test knobs: snp_machine_hv_fault(), snp_machine_fail_writes(). */
	uint64_t hv_fault_exit_code;
	enum snp_hv_fault hv_fault;
	bool fail_writes;
	uint64_t fail_writes_page;
};

/* machine.c */
/** Fill `m` for `cfg` over memory, RMP and vCPU storage the front end owns. */
void snp_machine_setup(struct snp_machine *m,
		       const struct snp_machine_config *cfg, uint8_t *mem,
		       struct rmp_entry *rmp, struct snp_vcpu *vcpus);
bool snp_machine_config_ok(const struct snp_machine_config *cfg);
/** The VMSA page at `vmsa_gpa` (in memory, or the hypervisor's own). */
uint8_t *snp_vmsa_page(const struct snp_machine *m, uint64_t vmsa_gpa);
/**
 * True if the `len` bytes at `p` are all zero (`p` 16-byte aligned, `len`
 * a multiple of 64). Unchecked by ASan.
 */
bool snp_bytes_are_zero(const uint8_t *p, size_t len);
/** Zero the 4 KiB page at `p` unless it is zero already (not written then). */
void snp_zero_page(uint8_t *p);

/* machine_hosted.c: the hosted front end's allocations. */
void *snp_calloc(size_t n, size_t size);
void *snp_map(size_t len);
void *snp_map_kept(size_t len, bool zero, bool *fresh);
void snp_unmap(void *p, size_t len, bool zero);
/* dirty.c: which pages of a kept mapping were written */
bool snp_dirty_arm(void *p, size_t len, size_t tracked);
void snp_dirty_forget(void *p, size_t len);
int snp_dirty_each(void *p, size_t len, void (*fn)(uint8_t *page));
void snp_dirty_disable(bool off);

/*
 * The front end (machine_hosted.c for the hosted build, snp-emu/vm.c).
 */
/** True if `v`'s VMPL0 context is running now (AP creation refuses it). */
bool snp_fe_vmpl0_running(const struct snp_machine *m,
			  const struct snp_vcpu *v);
/** True if `v`'s VMPL0 context can take the vCPU back (guest RUN_VMPL(0)). */
bool snp_fe_vmpl0_resumable(const struct snp_machine *m,
			    const struct snp_vcpu *v);
/** Start `ap`'s VMPL0 context from the VMSA at `vmsa_gpa`; false: cannot. */
bool snp_fe_ap_start(struct snp_machine *m, struct snp_vcpu *ap,
		     uint64_t vmsa_gpa);
/**
 * AP destruction of `ap`'s VMSA of `vmpl` (any VMPL; the model has
 * forgotten it already): the front end stops running it. VMPL0: forget
 * the context. Another VMPL: a vCPU running that VMSA is forced out of it
 * (the host's kick) and, if its VMPL0 can take the vCPU back, resumes
 * VMPL0.
 */
void snp_fe_ap_destroy(struct snp_machine *m, struct snp_vcpu *ap,
		       unsigned vmpl);
/**
 * True while some vCPU has the VMSA at `vmsa_gpa` loaded (running it, or
 * serving its exit): RMPADJUST that clears that page's VMSA bit fails
 * with FAIL_INUSE then, as on SEV-SNP hardware.
 */
bool snp_fe_vmsa_in_use(const struct snp_machine *m, uint64_t vmsa_gpa);
/**
 * Port I/O a guest asked for through the GHCB (IOIO exit, `info1` as the
 * GHCB encodes it, `*rax` data in and out). False if the front end has no
 * ports (the call fails with INVALID_INPUT).
 */
bool snp_fe_ioio(struct snp_machine *m, uint64_t info1, uint64_t *rax);
/**
 * The front end's CPUID value for (`fn`, `reg`) if it has its own; false:
 * the hypervisor's fixed table answers (snp_hv_cpuid()).
 */
bool snp_fe_cpuid(uint32_t fn, unsigned reg, uint32_t *val);

/* rmp.c */
bool snp_range_ok(const struct snp_machine *m, uint64_t gpa, uint64_t len);
struct rmp_entry *snp_rmp_at(struct snp_machine *m, uint64_t gpa);
void snp_rmp_set_private(struct rmp_entry *e, bool page_2m);
void snp_rmp_set_shared(struct rmp_entry *e);
int snp_rmp_psc(struct snp_machine *m, uint64_t gpa, unsigned op, bool is_2m);
int snp_access_check(const struct snp_machine *m, unsigned vmpl, uint64_t gpa,
		     bool write, bool shared_ok);

/* hv.c */
enum snp_hv_next {
	SNP_HV_DONE,	   /* return to the caller */
	SNP_HV_RUN_VMPL,   /* switch to `vmpl` of the caller's vCPU */
	SNP_HV_START_AP,   /* run the new VMPL0 fiber of `ap` first */
	SNP_HV_TERMINATED, /* the VM is dead */
};

struct snp_hv_result {
	enum snp_hv_next next;
	bool ok; /* the request succeeded */
	unsigned vmpl;
	struct snp_vcpu *ap;
};

void snp_hv_vmgexit(struct snp_machine *m, struct snp_vcpu *v, unsigned vmpl,
		    bool can_switch, struct snp_hv_result *res);

/* hv_msr.c */
uint32_t snp_hv_cpuid(uint32_t fn, unsigned reg);
bool snp_hv_run_vmpl(struct snp_machine *m, struct snp_vcpu *v, unsigned vmpl,
		     uint64_t target, bool can_switch,
		     struct snp_hv_result *res);
void snp_hv_msr_protocol(struct snp_machine *m, struct snp_vcpu *v,
			 unsigned vmpl, bool can_switch,
			 struct snp_hv_result *res);
void snp_machine_kill(struct snp_machine *m, unsigned set, unsigned code);
uint64_t snp_vmsa_read64(const struct snp_machine *m, uint64_t vmsa_gpa,
			 unsigned off);
void snp_vmsa_write64(struct snp_machine *m, uint64_t vmsa_gpa, unsigned off,
		      uint64_t val);
bool snp_vmsa_runnable(const struct snp_machine *m, const struct snp_vcpu *v,
		       unsigned vmpl);

#if !defined(SVSM_SNP_EMU)
/* fiber.c */
struct snp_fiber *snp_fiber_create(struct snp_vcpu *v, void (*entry)(uint64_t),
				   uint64_t arg);
void snp_fiber_free(struct snp_fiber *f);
/** Run `f` until it hands control back; `m->cur` follows. */
void snp_fiber_resume(struct snp_machine *m, struct snp_fiber *f);
/** From inside `f`: hand control back to whoever resumed it. */
void snp_fiber_yield(struct snp_machine *m, struct snp_fiber *f,
		     enum snp_fiber_exit why, unsigned vmpl);
/** From inside `f`: hand control back for good (VM terminated). */
_Noreturn void snp_fiber_abandon(struct snp_machine *m, struct snp_fiber *f);
/** Start vCPU `v`'s VMPL0 fiber from the VMSA at `vmsa_gpa`; false: no mem. */
bool snp_vcpu_start_fiber(struct snp_machine *m, struct snp_vcpu *v,
			  uint64_t vmsa_gpa);
#endif /* !SVSM_SNP_EMU */
