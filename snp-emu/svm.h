/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM as the emulator uses it: VMCB offsets (APM vol. 2, appendix B),
 * the VMRUN stub, and the copies between a VMSA page and a VMCB.
 */
#pragma once

#include <stdint.h>

/* Control area. */
#define VMCB_INTERCEPT_EXC 0x008
#define VMCB_INTERCEPT_MISC1 0x00C
#define VMCB_INTERCEPT_MISC2 0x010
#define VMCB_IOPM_PA 0x040
#define VMCB_MSRPM_PA 0x048
#define VMCB_ASID 0x058
#define VMCB_TLB_CTL 0x05C
#define VMCB_INT_CTL 0x060
#define VMCB_INT_SHADOW 0x068
#define VMCB_EXITCODE 0x070
#define VMCB_EXITINFO1 0x078
#define VMCB_EXITINFO2 0x080
#define VMCB_EXITINTINFO 0x088
#define VMCB_NP_ENABLE 0x090
#define VMCB_EVENTINJ 0x0A8
#define VMCB_NCR3 0x0B0
/* State save area: the VMSA's layout from offset 0x400 on. */
#define VMCB_SAVE 0x400
#define VMCB_CS (VMCB_SAVE + 0x010)
#define VMCB_GDTR (VMCB_SAVE + 0x060)
#define VMCB_IDTR (VMCB_SAVE + 0x080)
#define VMCB_TR (VMCB_SAVE + 0x090)
#define VMCB_CPL (VMCB_SAVE + 0x0CB)
#define VMCB_EFER (VMCB_SAVE + 0x0D0)
#define VMCB_CR4 (VMCB_SAVE + 0x148)
#define VMCB_CR3 (VMCB_SAVE + 0x150)
#define VMCB_CR0 (VMCB_SAVE + 0x158)
#define VMCB_RFLAGS (VMCB_SAVE + 0x170)
#define VMCB_RIP (VMCB_SAVE + 0x178)
#define VMCB_RSP (VMCB_SAVE + 0x1D8)
#define VMCB_RAX (VMCB_SAVE + 0x1F8)
#define VMCB_CR2 (VMCB_SAVE + 0x240)
#define VMCB_GPAT (VMCB_SAVE + 0x268)

/* Intercept bits. */
#define INTERCEPT_EXC_UD (1U << 6)
#define INTERCEPT_INTR (1U << 0)
#define INTERCEPT_CPUID (1U << 18)
#define INTERCEPT_HLT (1U << 24)
#define INTERCEPT_IOIO (1U << 27)
#define INTERCEPT_MSR (1U << 28)
#define INTERCEPT_SHUTDOWN (1U << 31)
#define INTERCEPT_VMRUN (1U << 0)
#define INTERCEPT_VMMCALL (1U << 1)

/* VMCB_INT_CTL: physical interrupts stay the host's (masked by its IF). */
#define INT_CTL_V_INTR_MASKING (1ULL << 24)

/* Exit codes. */
#define EXIT_INTR 0x60
#define EXIT_EXC_UD 0x46
#define EXIT_CPUID 0x72
#define EXIT_HLT 0x78
#define EXIT_IOIO 0x7B
#define EXIT_MSR 0x7C
#define EXIT_SHUTDOWN 0x7F
#define EXIT_VMMCALL 0x81
#define EXIT_NPF 0x400

#define MSR_VM_HSAVE_PA 0xC0010117
#define MSR_EFER_ADDR 0xC0000080
#define EFER_SVME_BIT (1ULL << 12)

/* Indices of the saved GPRs (x86 register numbers; RAX and RSP: VMCB). */
enum {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	GPR_COUNT
};

static inline uint64_t vmcb_get(const uint8_t *vmcb, unsigned off)
{
	return *(const uint64_t *)(const void *)(vmcb + off);
}

static inline void vmcb_set(uint8_t *vmcb, unsigned off, uint64_t v)
{
	*(uint64_t *)(void *)(vmcb + off) = v;
}

/**
 * VMLOAD, VMRUN and VMSAVE of the VMCB at `vmcb_pa` with the guest GPRs in
 * `gprs`, the host's VMLOAD state kept in the VMCB page at `host_pa`
 * (svm_entry.S).
 */
void svm_run(uint64_t vmcb_pa, uint64_t *gprs, uint64_t host_pa);
/*
 * svm_run enters the guest with the L1's RFLAGS.IF set (GIF clear around
 * it): with V_INTR_MASKING and the INTR intercept, which every VMCB it
 * runs must have, a physical interrupt (an emulator IPI) ends VMRUN with
 * #VMEXIT(INTR) and stays pending until the caller takes it.
 */
/** The address of svm_run's VMRUN instruction (the L1's RIP there). */
extern const uint8_t svm_run_vmrun[];

/** Load a VMSA page into a VMCB's state save area and `gprs`. */
void svm_vmsa_to_vmcb(const uint8_t *vmsa, uint8_t *vmcb, uint64_t *gprs);
/**
 * Store a VMCB's state and `gprs` into a VMSA page, with GUEST_EXIT_CODE
 * and the exit information as the hardware sets them; the VMSA keeps its
 * own EFER.SVME (QEMU needs SVME set in every VMCB it runs).
 */
void svm_vmcb_to_vmsa(const uint8_t *vmcb, const uint64_t *gprs, uint8_t *vmsa,
		      uint64_t exit_code, uint64_t info1, uint64_t info2);
