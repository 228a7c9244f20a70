/* SPDX-License-Identifier: MIT */
/*
 * The vCPU loop: each L1 CPU runs one vCPU of the SNP VM. Before VMRUN the
 * context's VMSA page is copied into its VMCB; after the #VMEXIT the state
 * goes back to the VMSA, so the VMSA page is what the SVSM reads and
 * writes. Exits become what SNP hardware would do:
 *
 *   #UD on PVALIDATE / RMPADJUST   emulated against the RMP (EAX, CF)
 *   VMMCALL with F3 (VMGEXIT)      the model's hypervisor (hv.c), RIP + 4
 *   CPUID, IOIO, MSR, plain VMMCALL #VC in the guest, error code = exit
 *                                  code (GHCB and SEV_STATUS MSRs emulated)
 *   NPF, MMIO (outside guest RAM)  #VC 0x400
 *   NPF, page not validated        #VC 0x404
 *   NPF, any other RMP violation   reported, the VM stops
 */
#include <string.h>

#include <x86/asm.h>
#include <x86/time.h>

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"

#include "cpu.h"
#include "emu.h"
#include "vm_internal.h"

#define VECTOR_UD 6
#define VECTOR_GP 13
#define VECTOR_PF 14
#define VECTOR_VC 29
#define RFLAGS_ARITH 0x8D5ULL /* CF PF AF ZF SF OF */
#define RFLAGS_CF 1ULL
#define TERM_RMP_VIOLATION 3U

struct exit_ctx {
	struct vcpu_emu *ve;
	struct snp_vcpu *mv;
	struct vctx *c;
	unsigned vmpl;
	uint8_t *vmcb;
};

static void report_and_exit(const char *why)
{
	emu_printf("VM stopped: %s", why);
	emu_exit(EMU_EXIT_FAIL);
}

/** Stop the VM (see vm_internal.h). */
_Noreturn void vm_stop(const char *why)
{
	snp_machine_kill(&vm.m, SNP_MACHINE_TERM_SET_HV, 0);
	report_and_exit(why);
	halt_forever();
}

static void vmcb_init(uint8_t *vmcb, unsigned vmpl)
{
	*(uint32_t *)(void *)(vmcb + VMCB_INTERCEPT_EXC) = INTERCEPT_EXC_UD;
	*(uint32_t *)(void *)(vmcb + VMCB_INTERCEPT_MISC1) =
		INTERCEPT_INTR | INTERCEPT_CPUID | INTERCEPT_HLT |
		INTERCEPT_IOIO | INTERCEPT_MSR | INTERCEPT_SHUTDOWN;
	*(uint32_t *)(void *)(vmcb + VMCB_INTERCEPT_MISC2) =
		INTERCEPT_VMRUN | INTERCEPT_VMMCALL;
	vmcb_set(vmcb, VMCB_IOPM_PA, (uint64_t)vm.iopm);
	vmcb_set(vmcb, VMCB_MSRPM_PA, (uint64_t)vm.msrpm);
	*(uint32_t *)(void *)(vmcb + VMCB_ASID) = 1;
	vmcb_set(vmcb, VMCB_NP_ENABLE, 1);
	vmcb_set(vmcb, VMCB_NCR3, (uint64_t)vm.npt_root[vmpl]);
	/* A wake-up IPI ends VMRUN (INTR); it never reaches the guest. */
	vmcb_set(vmcb, VMCB_INT_CTL, INT_CTL_V_INTR_MASKING);
}

static void advance(uint8_t *vmcb, uint64_t n)
{
	vmcb_set(vmcb, VMCB_RIP, vmcb_get(vmcb, VMCB_RIP) + n);
}

/* The context's state, for whoever debugs the guest. */
static void dump(const struct exit_ctx *x)
{
	const uint8_t *v = x->vmcb;

	emu_printf("  rip %016lx rsp %016lx rflags %08lx cs %04x",
		   (unsigned long)vmcb_get(v, VMCB_RIP),
		   (unsigned long)vmcb_get(v, VMCB_RSP),
		   (unsigned long)vmcb_get(v, VMCB_RFLAGS),
		   (unsigned)(vmcb_get(v, VMCB_CS) & 0xFFFF));
	emu_printf("  cr0 %08lx cr2 %016lx cr3 %016lx cr4 %08lx efer %lx",
		   (unsigned long)vmcb_get(v, VMCB_CR0),
		   (unsigned long)vmcb_get(v, VMCB_CR2),
		   (unsigned long)vmcb_get(v, VMCB_CR3),
		   (unsigned long)vmcb_get(v, VMCB_CR4),
		   (unsigned long)vmcb_get(v, VMCB_EFER));
	emu_printf("  gdtr %016lx/%x idtr %016lx/%x tr base %016lx "
		   "exitintinfo %lx",
		   (unsigned long)vmcb_get(v, VMCB_GDTR + 8),
		   (unsigned)(vmcb_get(v, VMCB_GDTR) >> 32),
		   (unsigned long)vmcb_get(v, VMCB_IDTR + 8),
		   (unsigned)(vmcb_get(v, VMCB_IDTR) >> 32),
		   (unsigned long)vmcb_get(v, VMCB_TR + 8),
		   (unsigned long)vmcb_get(v, VMCB_EXITINTINFO));
	emu_printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx",
		   (unsigned long)vmcb_get(v, VMCB_RAX),
		   (unsigned long)x->c->gprs[GPR_RBX],
		   (unsigned long)x->c->gprs[GPR_RCX],
		   (unsigned long)x->c->gprs[GPR_RDX]);
	emu_printf("  rsi %016lx rdi %016lx rbp %016lx",
		   (unsigned long)x->c->gprs[GPR_RSI],
		   (unsigned long)x->c->gprs[GPR_RDI],
		   (unsigned long)x->c->gprs[GPR_RBP]);
}

static void stopf(const struct exit_ctx *x, const char *what, uint64_t a)
{
	emu_printf("vCPU %u VMPL%u: %s 0x%lx at RIP 0x%lx", x->mv->apic_id,
		   x->vmpl, what, (unsigned long)a,
		   (unsigned long)vmcb_get(x->vmcb, VMCB_RIP));
	dump(x);
	vm_stop("the guest cannot go on");
}

static void deliver(const struct exit_ctx *x, unsigned vector, bool has_err,
		    uint64_t err)
{
	if (!guest_deliver(x->vmcb, x->vmpl, vector, has_err, err)) {
		emu_printf("vCPU %u VMPL%u: cannot deliver exception %u "
			   "(error 0x%lx): no usable IDT gate or stack",
			   x->mv->apic_id, x->vmpl, vector, (unsigned long)err);
		stopf(x, "undeliverable exception", vector);
	}
}

/* Fetch the instruction bytes at RIP (linear = CS.base + RIP). */
static bool fetch(const struct exit_ctx *x, uint8_t *buf, size_t len)
{
	uint64_t rip = vmcb_get(x->vmcb, VMCB_RIP);
	uint64_t efer = vmcb_get(x->vmcb, VMCB_EFER);

	if ((efer & EFER_LMA) == 0) {
		rip = (rip + vmcb_get(x->vmcb, VMCB_CS + 8)) & 0xFFFFFFFFULL;
	}
	return guest_read(x->vmcb, x->vmpl, rip, buf, len);
}

static void set_result(const struct exit_ctx *x, uint32_t eax, bool cf)
{
	uint64_t fl = vmcb_get(x->vmcb, VMCB_RFLAGS) & ~RFLAGS_ARITH;

	vmcb_set(x->vmcb, VMCB_RAX, eax);
	vmcb_set(x->vmcb, VMCB_RFLAGS, fl | (cf ? RFLAGS_CF : 0));
	advance(x->vmcb, 4);
}

/*
 * Guest memory the guest never touched is private to an SNP guest under
 * KVM (its memory attributes start private): a PVALIDATE there takes an
 * NPF, KVM assigns the page (RMPUPDATE) and the instruction runs again.
 * Pages the guest made shared itself (page state change) stay shared, and
 * PVALIDATE fails on them.
 */
static void fault_in_private(uint64_t gpa, unsigned size)
{
	uint64_t len = size == RMP_PG_SIZE_2M ? 2ULL << 20 : 4096, a;

	if ((gpa & (len - 1)) != 0 || !snp_range_ok(&vm.m, gpa, len)) {
		return;
	}
	for (a = gpa; a < gpa + len; a += 4096) {
		const struct rmp_entry *e = &vm.m.rmp[a >> 12];

		if (e->assigned || e->guest_shared) {
			return;
		}
	}
	if (snp_machine_rmp_update(&vm.m, gpa, size == RMP_PG_SIZE_2M, true) ==
	    0) {
		npt_sync(&vm, gpa, len);
	}
}

/* PVALIDATE (F2 0F 01 FF) and RMPADJUST (F3 0F 01 FE) against the RMP. */
static void emulate_ud(const struct exit_ctx *x)
{
	uint8_t b[4];
	bool pvalidate, cf = false;
	uint64_t gva = vmcb_get(x->vmcb, VMCB_RAX), gpa;
	unsigned size = (unsigned)x->c->gprs[GPR_RCX];
	uint32_t rc;

	if (!fetch(x, b, sizeof(b)) || b[1] != 0x0F || b[2] != 0x01) {
		deliver(x, VECTOR_UD, false, 0);
		return;
	}
	pvalidate = b[0] == 0xF2 && b[3] == 0xFF;
	if (!pvalidate && !(b[0] == 0xF3 && b[3] == 0xFE)) {
		deliver(x, VECTOR_UD, false, 0);
		return;
	}
	if (pvalidate && x->vmpl != 0) {
		deliver(x, VECTOR_GP, true, 0);
		return;
	}
	if ((vmcb_get(x->vmcb, VMCB_EFER) & EFER_LMA) == 0) {
		gva &= 0xFFFFFFFFULL;
	}
	if (!guest_translate(x->vmcb, gva, false, &gpa)) {
		vmcb_set(x->vmcb, VMCB_CR2, gva);
		deliver(x, VECTOR_PF, true, 0);
		return;
	}
	if (pvalidate) {
		fault_in_private(gpa, size);
		rc = snp_machine_pvalidate(&vm.m, gpa, size,
					   (x->c->gprs[GPR_RDX] & 1) != 0, &cf);
	} else {
		rc = snp_machine_rmpadjust(&vm.m, x->vmpl, gpa, size,
					   x->c->gprs[GPR_RDX]);
	}
	set_result(x, rc, cf);
	if (rc == 0) {
		uint64_t len = size == RMP_PG_SIZE_2M ? 2ULL << 20 : 4096;

		npt_sync(&vm, gpa & ~(len - 1), len);
	}
}

static void emulate_msr(const struct exit_ctx *x, bool write)
{
	uint32_t msr = (uint32_t)x->c->gprs[GPR_RCX];
	uint64_t val;

	if (msr == 0xC0010130U && write) {
		val = (vmcb_get(x->vmcb, VMCB_RAX) & 0xFFFFFFFFULL) |
		      (x->c->gprs[GPR_RDX] << 32);
		snp_machine_guest_wrmsr(&vm.m, x->mv->apic_id, x->vmpl, msr,
					val);
	} else if ((msr == 0xC0010130U || msr == 0xC0010131U) && !write) {
		val = snp_machine_guest_rdmsr(&vm.m, x->mv->apic_id, x->vmpl,
					      msr);
		vmcb_set(x->vmcb, VMCB_RAX, val & 0xFFFFFFFFULL);
		x->c->gprs[GPR_RDX] = val >> 32;
	} else {
		deliver(x, VECTOR_VC, true, EXIT_MSR);
		return;
	}
	advance(x->vmcb, 2);
}

/*
 * The first access to a page nobody touched: KVM makes it private if the
 * access is private (C-bit set; the page is then assigned and not
 * validated) and shared otherwise (an implicit conversion).
 */
static void first_touch(uint64_t gpa, bool private)
{
	struct rmp_entry *e = &vm.m.rmp[gpa >> 12];

	if (private) {
		if (snp_machine_rmp_update(&vm.m, gpa & ~0xFFFULL, false,
					   true) != 0) {
			return;
		}
	} else {
		e->guest_shared = true;
	}
	npt_sync(&vm, gpa & ~0xFFFULL, 4096);
}

static void npf(const struct exit_ctx *x, uint64_t info1, uint64_t gpa)
{
	const struct rmp_entry *e;
	bool write = (info1 & 2) != 0;
	bool cbit = (gpa >> VM_CBIT) & 1;
	const char *why;

	gpa &= VM_GPA_MASK;
	if (!snp_range_ok(&vm.m, gpa, 1)) {
		deliver(x, VECTOR_VC, true, EXIT_NPF); /* MMIO */
		return;
	}
	e = &vm.m.rmp[gpa >> 12];
	if (!e->assigned && !e->guest_shared) {
		first_touch(gpa, cbit);
		if (!cbit) {
			return; /* shared now: run the access again */
		}
	}
	if (e->assigned && !e->vmsa && !e->validated) {
		deliver(x, VECTOR_VC, true, 0x404);
		return;
	}
	if (snp_access_check(&vm.m, x->vmpl, gpa, write, true) == 0 &&
	    ((info1 & 0x10) == 0 ||
	     (!e->assigned ||
	      (e->perms[x->vmpl] & (RMP_PERM_UEXEC | RMP_PERM_SEXEC))))) {
		/* A stale TLB entry of a concurrent change: run it again. */
		npt_sync(&vm, gpa, 4096);
		return;
	}
	why = e->vmsa ? "a VMSA page" : "a page it has no permission for";
	emu_printf("RMP violation: vCPU %u VMPL%u %s GPA 0x%lx (%s, VMPL "
		   "permissions 0x%x) at RIP 0x%lx",
		   x->mv->apic_id, x->vmpl,
		   (info1 & 0x10) ? "fetch" :
		   write	  ? "write" :
				    "read",
		   (unsigned long)gpa, why, e->perms[x->vmpl],
		   (unsigned long)vmcb_get(x->vmcb, VMCB_RIP));
	snp_machine_kill(&vm.m, SNP_MACHINE_TERM_SET_HV, TERM_RMP_VIOLATION);
	report_and_exit("RMP violation");
}

/* Re-arm the injected hypervisor faults before a VMGEXIT. */
static bool inject_msr_fault(const struct exit_ctx *x)
{
	uint64_t *msr = &x->mv->ghcb_msr[x->vmpl];

	if (vm.fault == VM_FAULT_PSC) {
		snp_machine_hv_fault(&vm.m, SVM_VMGEXIT_PSC,
				     SNP_HV_FAULT_ERROR);
		if (GHCB_MSR_INFO(*msr) == GHCB_MSR_PSC_REQ) {
			*msr = ((uint64_t)SNP_MSR_PSC_ERROR << 32) |
			       GHCB_MSR_PSC_RESP;
			emu_printf(
				"fault injection: page state change refused");
			return true;
		}
	}
	return false;
}

static void vmgexit(const struct exit_ctx *x)
{
	struct snp_hv_result res;
	uint64_t req = x->mv->ghcb_msr[x->vmpl];
	bool psc = GHCB_MSR_INFO(req) == GHCB_MSR_PSC_REQ;
	const struct ghcb *ghcb;
	uint64_t ap_apic = UINT64_MAX;

	advance(x->vmcb, 4);
	svm_vmcb_to_vmsa(x->vmcb, x->c->gprs,
			 snp_vmsa_page(&vm.m, x->mv->vmsa_gpa[x->vmpl]),
			 SVM_EXIT_VMGEXIT, 0, 0);
	if (GHCB_MSR_INFO(req) == 0) {
		ghcb = (const struct ghcb *)(const void *)guest_phys(req, 4096);
		psc = ghcb != NULL && ghcb->sw_exit_code == SVM_VMGEXIT_PSC;
		if (ghcb != NULL &&
		    ghcb->sw_exit_code == SVM_VMGEXIT_AP_CREATION) {
			ap_apic = ghcb->sw_exit_info_1 >> 32;
		}
	}
	if (inject_msr_fault(x)) {
		return;
	}
	snp_hv_vmgexit(&vm.m, x->mv, x->vmpl, true, &res);
	if (psc) {
		npt_sync(&vm, 0, vm.m.mem_size);
	}
	if (ap_apic < vm.m.cfg.vcpus) {
		/* A VMSA of that vCPU may be runnable now: wake it. */
		emu_wake((unsigned)ap_apic);
	}
	switch (res.next) {
	case SNP_HV_RUN_VMPL:
		x->ve->vmpl = res.vmpl;
		break;
	case SNP_HV_TERMINATED: {
		unsigned set = 0, code = 0;

		snp_machine_terminated(&vm.m, &set, &code);
		emu_printf("vCPU %u VMPL%u asked to terminate: reason set %u "
			   "code %u",
			   x->mv->apic_id, x->vmpl, set, code);
		report_and_exit("termination request");
		break;
	}
	case SNP_HV_DONE:
	case SNP_HV_START_AP:
	default:
		break;
	}
}

/*
 * EMU-1: QEMU 7.2's multi-threaded TCG sometimes resumes a vCPU after
 * VMRUN with the L1's state instead of the VMCB's; it then runs the
 * emulator's code with the guest's NPT and triple-faults at once, at
 * the VMRUN of svm_run with the L1's page tables. No guest can have that
 * RIP and CR3 together: the emulator's image is not guest memory.
 */
static bool l1_state_leaked(const uint8_t *vmcb)
{
	uint64_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	return vmcb_get(vmcb, VMCB_RIP) == (uint64_t)svm_run_vmrun &&
	       (vmcb_get(vmcb, VMCB_CR3) & ~0xFFFULL) == (cr3 & ~0xFFFULL);
}

/* Serve one #VMEXIT; `vm.lock` is held. */
static void handle_exit(const struct exit_ctx *x)
{
	uint64_t code = vmcb_get(x->vmcb, VMCB_EXITCODE);
	uint64_t info1 = vmcb_get(x->vmcb, VMCB_EXITINFO1);
	uint64_t info2 = vmcb_get(x->vmcb, VMCB_EXITINFO2);
	uint64_t intinfo = vmcb_get(x->vmcb, VMCB_EXITINTINFO);
	uint8_t b[4];

	/* An event the exit interrupted is delivered again. */
	vmcb_set(x->vmcb, VMCB_EVENTINJ,
		 (intinfo & (1ULL << 31)) != 0 ? intinfo : 0);
	switch (code) {
	case EXIT_EXC_UD:
		vm.n_ud++;
		emulate_ud(x);
		break;
	case EXIT_VMMCALL:
		if (!fetch(x, b, sizeof(b))) {
			stopf(x, "cannot fetch VMMCALL", 0);
		}
		if (b[0] == 0xF3 && b[1] == 0x0F && b[2] == 0x01 &&
		    b[3] == 0xD9) {
			vm.n_vmgexit++;
			vmgexit(x);
		} else {
			deliver(x, VECTOR_VC, true, EXIT_VMMCALL);
		}
		break;
	case EXIT_CPUID:
	case EXIT_IOIO:
		vm.n_vc++;
		deliver(x, VECTOR_VC, true, code);
		break;
	case EXIT_MSR:
		vm.n_msr++;
		emulate_msr(x, info1 == 1);
		break;
	case EXIT_NPF:
		vm.n_npf++;
		npf(x, info1, info2);
		break;
	case EXIT_HLT:
		vm.n_hlt++;
		advance(x->vmcb, 1); /* no interrupts: HLT returns at once */
		break;
	case EXIT_INTR:
		break; /* a wake-up IPI: taken after svm_run already */
	case EXIT_SHUTDOWN:
		if (l1_state_leaked(x->vmcb)) {
			emu_printf("vCPU %u VMPL%u: EMU-1: QEMU resumed the "
				   "guest with the L1's own state (its VMRUN "
				   "RIP and CR3); multi-threaded TCG (--mttcg) "
				   "loses nested SVM state, run QEMU with "
				   "-accel tcg,thread=single",
				   x->mv->apic_id, x->vmpl);
			dump(x);
			vm_stop("QEMU lost the guest state (EMU-1)");
		}
		stopf(x, "shutdown (triple fault)", code);
		break;
	default:
		stopf(x, "unexpected #VMEXIT", code);
		break;
	}
}

/* Bring up SVM on this L1 CPU. */
static void svm_cpu_init(struct vcpu_emu *ve)
{
	spin_lock(&vm.lock);
	ve->host_save = vm_alloc_pages(0);
	ve->host_vmcb = vm_alloc_pages(0);
	spin_unlock(&vm.lock);
	if (ve->host_save == NULL || ve->host_vmcb == NULL) {
		vm_stop("out of L1 memory for SVM state");
	}
	emu_wrmsr(MSR_EFER_ADDR, emu_rdmsr(MSR_EFER_ADDR) | EFER_SVME_BIT);
	emu_wrmsr(MSR_VM_HSAVE_PA, (uint64_t)ve->host_save);
}

/* Prepare the context to run; false: it cannot run now (parked). */
static bool ctx_enter(struct vcpu_emu *ve, struct snp_vcpu *mv, unsigned vmpl)
{
	struct vctx *c = &ve->ctx[vmpl];
	uint8_t *vmsa;
	uint64_t gen;

	if (!ve->started || !snp_vmsa_runnable(&vm.m, mv, vmpl)) {
		return false;
	}
	vmsa = snp_vmsa_page(&vm.m, mv->vmsa_gpa[vmpl]);
	if ((*(const uint64_t *)(const void *)(vmsa + VMSA_OFF_EFER) &
	     EFER_SVME) == 0) {
		return false;
	}
	if (c->vmcb == NULL) {
		c->vmcb = vm_alloc_pages(0);
		if (c->vmcb == NULL) {
			vm_stop("out of L1 memory for a VMCB");
		}
		vmcb_init(c->vmcb, vmpl);
	}
	svm_vmsa_to_vmcb(vmsa, c->vmcb, c->gprs);
	gen = __atomic_load_n(&vm.npt_gen, __ATOMIC_ACQUIRE);
	c->vmcb[VMCB_TLB_CTL] = gen != ve->npt_gen ? 1 : 0;
	ve->npt_gen = gen;
	return true;
}

static void fpu_enter(struct vctx *c)
{
	static const uint32_t mxcsr = 0x1F80;

	if (c->fpu_valid) {
		__asm__ volatile("fxrstor %0" : : "m"(c->fpu));
	} else {
		__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	}
}

/*
 * A vCPU with nothing to run waits without the lock (the running vCPUs
 * take it on every exit). Until AP creation starts it, or registers a
 * VMSA for the VMPL it is to run, it sleeps (AP creation wakes it with an
 * IPI); a registered VMSA that is not runnable (EFER.SVME clear) can only
 * change under it, so then it looks again after a while.
 */
static void park(const struct vcpu_emu *ve, const struct snp_vcpu *mv)
{
	unsigned i;

	if (!__atomic_load_n(&ve->started, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&mv->vmsa_valid[ve->vmpl], __ATOMIC_ACQUIRE)) {
		emu_sleep();
		return;
	}
	for (i = 0; i < 20000; i++) {
		cpu_relax();
	}
}

/** Run vCPU `index` (see vm.h). */
_Noreturn void vm_run_vcpu(unsigned index)
{
	struct vcpu_emu *ve = &vm.vcpus[index];
	struct snp_vcpu *mv;
	unsigned long spins = 0;

	if (index >= vm.m.cfg.vcpus) {
		halt_forever();
	}
	mv = &vm.m.vcpus[index];
	svm_cpu_init(ve);
	for (;;) {
		struct exit_ctx x = { .ve = ve, .mv = mv };
		uint64_t exit_code;
		uint8_t *vmsa;

		spin_lock(&vm.lock);
		if (vm.m.terminated) {
			spin_unlock(&vm.lock);
			halt_forever();
		}
		x.vmpl = ve->vmpl;
		if (!ctx_enter(ve, mv, x.vmpl)) {
			spin_unlock(&vm.lock);
			if (++spins % 20000UL == 0 && ve->started) {
				emu_printf("vCPU %u waits for a runnable "
					   "VMPL%u VMSA",
					   index, x.vmpl);
			}
			park(ve, mv);
			continue;
		}
		if (x.vmpl != 0 && !vm.guest_entered) {
			vm.guest_entered = true;
			emu_printf("boot to guest entry (VMPL%u): %lu us since "
				   "the L1 started",
				   x.vmpl,
				   (unsigned long)(time_us() - vm.t_bench_us));
			emu_printf("exits so far: %lu PVALIDATE/RMPADJUST, %lu "
				   "VMGEXIT, %lu #VC (CPUID, IOIO), %lu MSR, "
				   "%lu NPF, %lu HLT",
				   vm.n_ud, vm.n_vmgexit, vm.n_vc, vm.n_msr,
				   vm.n_npf, vm.n_hlt);
		}
		ve->loaded = true;
		ve->loaded_vmpl = x.vmpl;
		ve->loaded_gpa = mv->vmsa_gpa[x.vmpl];
		spin_unlock(&vm.lock);
		x.c = &ve->ctx[x.vmpl];
		x.vmcb = x.c->vmcb;
		fpu_enter(x.c);
		svm_run((uint64_t)x.vmcb, x.c->gprs, (uint64_t)ve->host_vmcb);
		__asm__ volatile("fxsave %0" : "=m"(x.c->fpu));
		x.c->fpu_valid = true;
		ve->exits++;
		exit_code = vmcb_get(x.vmcb, VMCB_EXITCODE);
		if (exit_code == EXIT_INTR) {
			/* A wake-up IPI: take it (its handler only EOIs). */
			__asm__ volatile("sti; nop; cli" : : : "memory");
		}

		spin_lock(&vm.lock);
		vmsa = snp_vmsa_page(&vm.m, ve->loaded_gpa);
		if (!ve->kicked) {
			handle_exit(&x);
		}
		/* Its exit may have destroyed the VMSA too (AP destroy). */
		if (!ve->kicked &&
		    (exit_code != EXIT_VMMCALL || ve->vmpl == x.vmpl) &&
		    mv->vmsa_valid[x.vmpl] &&
		    mv->vmsa_gpa[x.vmpl] == ve->loaded_gpa) {
			/* Keep the VMSA's last GUEST_EXIT_CODE. */
			svm_vmcb_to_vmsa(
				x.vmcb, x.c->gprs, vmsa,
				*(const uint64_t
					  *)(const void
						     *)(vmsa +
							VMSA_OFF_GUEST_EXIT_CODE),
				0, 0);
		}
		if (ve->kicked) {
			/* The VMSA is gone: the next one starts clean. */
			x.c->fpu_valid = false;
			ve->kicked = false;
		}
		ve->loaded = false;
		spin_unlock(&vm.lock);
	}
}
