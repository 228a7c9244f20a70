/* SPDX-License-Identifier: MIT */
/*
 * The emulator's reference for `make bench`: a bare VMRUN/VMMCALL round
 * trip on this QEMU (a 32-bit guest without paging or NPT whose only code
 * is VMMCALL and a jump back; the exit handler adds 3 to RIP), timed on
 * the boot CPU before the SNP VM starts. The VMPL round trip it is
 * compared with is timed by the payload (MODE_BENCH).
 */
#include <string.h>

#include <x86/asm.h>
#include <x86/time.h>

#include "cpu.h"
#include "emu.h"
#include "vm_internal.h"

/** Time `n` bare round trips and print the rate (see above). */
void vm_bench_bare(unsigned long n)
{
	static const uint8_t code[] = { 0x0F, 0x01, 0xD9, 0xEB, 0xFB };
	uint8_t *vmcb = vm_alloc_pages(0), *page = vm_alloc_pages(0);
	uint8_t *hsave = vm_alloc_pages(0), *host = vm_alloc_pages(0);
	uint64_t gprs[GPR_COUNT] = { 0 };
	uint64_t t0, t1, tsc0, tsc1;
	unsigned long i;

	if (vmcb == NULL || page == NULL || hsave == NULL || host == NULL) {
		emu_printf("bench: out of memory");
		return;
	}
	memcpy(page, code, sizeof(code));
	*(uint32_t *)(void *)(vmcb + VMCB_INTERCEPT_MISC1) = INTERCEPT_INTR;
	*(uint32_t *)(void *)(vmcb + VMCB_INTERCEPT_MISC2) =
		INTERCEPT_VMRUN | INTERCEPT_VMMCALL;
	vmcb_set(vmcb, VMCB_INT_CTL, INT_CTL_V_INTR_MASKING);
	*(uint32_t *)(void *)(vmcb + VMCB_ASID) = 1;
	vmcb_set(vmcb, VMCB_IOPM_PA, (uint64_t)vm.iopm);
	vmcb_set(vmcb, VMCB_MSRPM_PA, (uint64_t)vm.msrpm);
	/* CS: flat 32-bit code; SS, DS, ES: flat data. */
	vmcb_set(vmcb, VMCB_CS,
		 0x08ULL | (0xC9BULL << 16) | (0xFFFFFFFFULL << 32));
	vmcb_set(vmcb, VMCB_SAVE + 0x20,
		 0x10ULL | (0xC93ULL << 16) | (0xFFFFFFFFULL << 32));
	vmcb_set(vmcb, VMCB_SAVE + 0x30,
		 0x10ULL | (0xC93ULL << 16) | (0xFFFFFFFFULL << 32));
	vmcb_set(vmcb, VMCB_SAVE,
		 0x10ULL | (0xC93ULL << 16) | (0xFFFFFFFFULL << 32));
	vmcb_set(vmcb, VMCB_EFER, EFER_SVME_BIT);
	vmcb_set(vmcb, VMCB_CR0, 0x11);
	vmcb_set(vmcb, VMCB_RFLAGS, 2);
	vmcb_set(vmcb, VMCB_RIP, (uint64_t)page);
	vmcb_set(vmcb, VMCB_GPAT, 0x0007040600070406ULL);
	emu_wrmsr(MSR_EFER_ADDR, emu_rdmsr(MSR_EFER_ADDR) | EFER_SVME_BIT);
	emu_wrmsr(MSR_VM_HSAVE_PA, (uint64_t)hsave);
	t0 = time_us();
	tsc0 = rdtsc();
	for (i = 0; i < n; i++) {
		svm_run((uint64_t)vmcb, gprs, (uint64_t)host);
		if (vmcb_get(vmcb, VMCB_EXITCODE) == EXIT_INTR) {
			/* An IPI: take it and run the VMMCALL again. */
			__asm__ volatile("sti; nop; cli" : : : "memory");
			i--;
			continue;
		}
		if (vmcb_get(vmcb, VMCB_EXITCODE) != EXIT_VMMCALL) {
			emu_printf(
				"bench: unexpected exit 0x%lx",
				(unsigned long)vmcb_get(vmcb, VMCB_EXITCODE));
			return;
		}
		vmcb_set(vmcb, VMCB_RIP, vmcb_get(vmcb, VMCB_RIP) + 3);
	}
	tsc1 = rdtsc();
	t1 = time_us();
	emu_printf("bench: bare VMRUN+VMMCALL: %lu round trips in %lu us", n,
		   (unsigned long)(t1 - t0));
	emu_printf("bench: TSC ticks per us: %lu",
		   (unsigned long)((tsc1 - tsc0) / (t1 > t0 ? t1 - t0 : 1)));
}
