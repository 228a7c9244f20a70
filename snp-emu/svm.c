/* SPDX-License-Identifier: MIT */
/*
 * Copies between a VMSA page (the state the SVSM reads and writes) and the
 * VMCB QEMU runs: the state save area has the VMSA's layout for the fields
 * VMRUN and VMLOAD use, and the VMSA's GPRs go to the emulator's save area.
 */
#include <string.h>

#include "abi/vmsa.h"

#include "svm.h"

#define VMSA_SEGS_END 0x0A0 /* ES .. TR */
#define VMSA_CPL 0x0CB
#define VMSA_CR4_TO_RIP 0x148 /* CR4, CR3, CR0, DR7, DR6, RFLAGS, RIP */
#define VMSA_RIP_END 0x180
#define VMSA_STAR 0x200 /* STAR .. CR2 */
#define VMSA_CR2_END 0x248
#define VMSA_GPAT 0x268
#define VMSA_EXITINFO1 0x390
#define VMSA_EXITINFO2 0x398
#define DEFAULT_PAT 0x0007040600070406ULL

/* VMSA offset of each saved GPR (0: in the VMCB). */
static const unsigned gpr_off[GPR_COUNT] = {
	[GPR_RCX] = 0x308, [GPR_RDX] = 0x310, [GPR_RBX] = 0x318,
	[GPR_RBP] = 0x328, [GPR_RSI] = 0x330, [GPR_RDI] = 0x338,
	[GPR_R8] = 0x340,  [GPR_R9] = 0x348,  [GPR_R10] = 0x350,
	[GPR_R11] = 0x358, [GPR_R12] = 0x360, [GPR_R13] = 0x368,
	[GPR_R14] = 0x370, [GPR_R15] = 0x378,
};

static uint64_t rd64(const uint8_t *p, unsigned off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void wr64(uint8_t *p, unsigned off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

/** VMSA -> VMCB (see svm.h). */
void svm_vmsa_to_vmcb(const uint8_t *vmsa, uint8_t *vmcb, uint64_t *gprs)
{
	uint8_t *save = vmcb + VMCB_SAVE;
	unsigned i;

	memcpy(save, vmsa, VMSA_SEGS_END);
	save[VMSA_CPL] = vmsa[VMSA_CPL];
	wr64(save, VMSA_OFF_EFER, rd64(vmsa, VMSA_OFF_EFER) | EFER_SVME_BIT);
	memcpy(save + VMSA_CR4_TO_RIP, vmsa + VMSA_CR4_TO_RIP,
	       VMSA_RIP_END - VMSA_CR4_TO_RIP);
	wr64(save, VMSA_OFF_RSP, rd64(vmsa, VMSA_OFF_RSP));
	wr64(save, VMSA_OFF_RAX, rd64(vmsa, VMSA_OFF_RAX));
	memcpy(save + VMSA_STAR, vmsa + VMSA_STAR, VMSA_CR2_END - VMSA_STAR);
	wr64(save, VMSA_GPAT,
	     rd64(vmsa, VMSA_GPAT) != 0 ? rd64(vmsa, VMSA_GPAT) : DEFAULT_PAT);
	for (i = 0; i < GPR_COUNT; i++) {
		if (gpr_off[i] != 0) {
			gprs[i] = rd64(vmsa, gpr_off[i]);
		}
	}
}

/** VMCB -> VMSA (see svm.h). */
void svm_vmcb_to_vmsa(const uint8_t *vmcb, const uint64_t *gprs, uint8_t *vmsa,
		      uint64_t exit_code, uint64_t info1, uint64_t info2)
{
	const uint8_t *save = vmcb + VMCB_SAVE;
	uint64_t svme = rd64(vmsa, VMSA_OFF_EFER) & EFER_SVME_BIT;
	unsigned i;

	memcpy(vmsa, save, VMSA_SEGS_END);
	vmsa[VMSA_CPL] = save[VMSA_CPL];
	wr64(vmsa, VMSA_OFF_EFER,
	     (rd64(save, VMSA_OFF_EFER) & ~EFER_SVME_BIT) | svme);
	memcpy(vmsa + VMSA_CR4_TO_RIP, save + VMSA_CR4_TO_RIP,
	       VMSA_RIP_END - VMSA_CR4_TO_RIP);
	wr64(vmsa, VMSA_OFF_RSP, rd64(save, VMSA_OFF_RSP));
	wr64(vmsa, VMSA_OFF_RAX, rd64(save, VMSA_OFF_RAX));
	memcpy(vmsa + VMSA_STAR, save + VMSA_STAR, VMSA_CR2_END - VMSA_STAR);
	wr64(vmsa, VMSA_GPAT, rd64(save, VMSA_GPAT));
	for (i = 0; i < GPR_COUNT; i++) {
		if (gpr_off[i] != 0) {
			wr64(vmsa, gpr_off[i], gprs[i]);
		}
	}
	wr64(vmsa, VMSA_OFF_GUEST_EXIT_CODE, exit_code);
	wr64(vmsa, VMSA_EXITINFO1, info1);
	wr64(vmsa, VMSA_EXITINFO2, info2);
}
