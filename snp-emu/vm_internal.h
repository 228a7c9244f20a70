/* SPDX-License-Identifier: MIT */
/*
 * The emulator's VM state, shared by vm.c (creation and the model's front
 * end), run.c (the vCPU loop and its exits), npt.c, guest.c and igvm.c.
 *
 * Locking: `vm.lock` serialises every call into the model (machine_internal.h
 * is single-threaded) and every NPT change; it is never held across VMRUN.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <svsm/lock.h>

#include "layout.h"
#include "machine_internal.h"
#include "svm.h"
#include "vm.h"

/* Where guest RAM starts in L1 physical memory (identity-mapped). */
#define VM_GUEST_BASE 0x4000000ULL
#define VM_CBIT 51
#define VM_GPA_MASK ((1ULL << VM_CBIT) - 1)

/** One VMPL context of a vCPU: its VMCB and its saved GPRs and FPU. */
struct vctx {
	uint8_t *vmcb;
	uint64_t gprs[GPR_COUNT];
	uint8_t fpu[512] __attribute__((aligned(16)));
	bool fpu_valid;
};

struct vcpu_emu {
	struct vctx ctx[SNP_VMPL_COUNT];
	unsigned vmpl;	       /* the context that runs */
	volatile bool started; /* VMPL0 has a VMSA to start from */
	uint8_t *host_save;    /* VM_HSAVE_PA page */
	uint8_t *host_vmcb;    /* the host's VMSAVE/VMLOAD state */
	uint64_t npt_gen;      /* NPT generation of the last VMRUN */
	unsigned long exits;
	/*
	 * The VMSA this L1 CPU has loaded: from its VMRUN until its exit is
	 * served (RMPADJUST answers FAIL_INUSE for it). `kicked`: AP destroy
	 * took it meanwhile; its exit is dropped. All under `vm.lock`.
	 */
	bool loaded;
	unsigned loaded_vmpl;
	uint64_t loaded_gpa;
	bool kicked;
};

/* Faults the emulator injects (`fault=` on its command line). */
enum vm_fault {
	VM_FAULT_NONE,
	VM_FAULT_PSC,	    /* page state changes fail */
	VM_FAULT_AP,	    /* AP creation refused */
	VM_FAULT_GREQ,	    /* guest requests fail (firmware error) */
	VM_FAULT_GREQ_BUSY, /* guest requests answer BUSY */
};

struct psp;

struct emu_vm {
	struct spinlock lock;
	struct snp_machine m;
	struct vcpu_emu vcpus[EMU_MAX_CPUS];
	enum vm_fault fault;
	uint64_t *npt_root[SNP_VMPL_COUNT];
	uint64_t **npt_pt[SNP_VMPL_COUNT]; /* page table of each 2 MiB */
	volatile uint64_t npt_gen;
	uint8_t *msrpm;
	uint8_t *iopm;
	struct psp *psp;     /* guest-request firmware, from the first one */
	uint64_t policy;     /* the IGVM file's guest policy */
	uint64_t t_start_us; /* emulator start (time_us) */
	uint64_t bench;
	uint64_t t_bench_us; /* time the bare benchmark took (not boot) */
	bool guest_entered;  /* a VMPL above 0 ran once */
	/* Exits by kind (statistics printed at the guest\'s first entry). */
	unsigned long n_ud, n_vmgexit, n_vc, n_msr, n_npf, n_hlt;
};

extern struct emu_vm vm;

/** Zeroed pages from the emulator's heap, or NULL. */
void *vm_alloc_pages(unsigned order);

/* npt.c */
bool npt_init(struct emu_vm *v);
/** Make every VMPL's NPT say what the RMP says for [gpa, gpa + len). */
void npt_sync(struct emu_vm *v, uint64_t gpa, uint64_t len);

/* guest.c: guest memory as the current context sees it. */
/** Host pointer of guest physical `gpa` (in guest RAM), or NULL. */
uint8_t *guest_phys(uint64_t gpa, uint64_t len);
/** Translate `gva` through the context's page tables; false: not mapped. */
bool guest_translate(const uint8_t *vmcb, uint64_t gva, bool write,
		     uint64_t *gpa);
/** Copy from/to guest virtual memory of `vmpl` (RMP-checked). */
bool guest_read(const uint8_t *vmcb, unsigned vmpl, uint64_t gva, void *buf,
		size_t len);
bool guest_write(const uint8_t *vmcb, unsigned vmpl, uint64_t gva,
		 const void *buf, size_t len);
/**
 * Deliver exception `vector` (with `err` if `has_err`) to the context as
 * the CPU would, in software (QEMU drops EVENTINJ error codes): 64-bit
 * IDT gate, IST stack from the TSS. False if it cannot be delivered.
 */
bool guest_deliver(uint8_t *vmcb, unsigned vmpl, unsigned vector, bool has_err,
		   uint64_t err);

/* igvm.c */
/** Launch the IGVM file into the machine (see vm.h); false: reported. */
bool igvm_launch(struct emu_vm *v, const struct vm_config *cfg,
		 uint64_t *vmsa_gpa);

/* bench.c */
/** Time `n` bare VMRUN/VMMCALL round trips on this CPU and print them. */
void vm_bench_bare(unsigned long n);

/* run.c */
/** Stop the VM: print why and leave QEMU with a failure status. */
_Noreturn void vm_stop(const char *why);
