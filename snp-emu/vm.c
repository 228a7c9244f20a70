/* SPDX-License-Identifier: MIT */
/*
 * The SNP VM: guest RAM carved out of L1 RAM, the software SNP machine's
 * model over it (svsm/sim/machine: RMP, PSP, hypervisor), the front-end
 * functions the model calls (machine_internal.h), and the launch.
 */
#include <string.h>

#include <svsm/mm.h>
#include <x86/asm.h>
#include <x86/time.h>

#include "emu.h"
#include "psp.h"
#include "vm_internal.h"

#define MSR_GHCB 0xC0010130U
#define MSR_SEV_STATUS_ADDR 0xC0010131U
/* SEV, SEV-ES, SNP; SEV_FEATURES = SEV_STATUS >> 2. */
#define VM_SEV_STATUS 0x7ULL

struct emu_vm vm;

extern const uint8_t emu_image_end[];

/** Zeroed pages from the heap (svsm/mm over L1 RAM), or NULL. */
void *vm_alloc_pages(unsigned order)
{
	void *p = page_alloc(order);

	if (p != NULL) {
		memset(p, 0, PAGE_SIZE << order);
	}
	return p;
}

/* MSRs SNP lets through to the guest's own state (VMCB, VMLOAD/VMSAVE). */
static const uint32_t msr_passthrough[] = {
	0xC0000080,					/* EFER */
	0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, /* STAR..SFMASK */
	0xC0000100, 0xC0000101, 0xC0000102, /* FS, GS, KERNEL_GS base */
	0x174,	    0x175,	0x176,	    /* SYSENTER */
	0x277,				    /* PAT */
};

static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
	uint32_t base;

	if (msr < 0x2000) {
		base = 0;
	} else if (msr >= 0xC0000000 && msr < 0xC0002000) {
		base = 0x800;
		msr -= 0xC0000000;
	} else if (msr >= 0xC0010000 && msr < 0xC0012000) {
		base = 0x1000;
		msr -= 0xC0010000;
	} else {
		return;
	}
	/* Two bits per MSR: read, write. */
	pm[base + msr / 4] &= (uint8_t) ~(3U << ((msr % 4) * 2));
}

static const char *const fault_names[] = {
	[VM_FAULT_NONE] = "none",
	[VM_FAULT_PSC] = "psc",
	[VM_FAULT_AP] = "ap",
	[VM_FAULT_GREQ] = "greq",
	[VM_FAULT_GREQ_BUSY] = "greq-busy",
};

#define VMM_ERR_INVALID_LEN (1ULL << 32)
#define VMM_ERR_BUSY (2ULL << 32)

/*
 * Guest requests: the model's PSP firmware (svsm/sim/psp), keyed with the
 * VMPCKs the launch generated and the launch digest. It is created at the
 * first request (its VCEK chain costs time the boot need not spend).
 * `fault=greq` makes the hypervisor answer INVALID_LEN without the
 * firmware, `fault=greq-busy` BUSY.
 */
static uint64_t vm_guest_request(struct snp_machine *m, void *ctx,
				 struct snp_guest_request *req)
{
	struct psp_config cfg = { .policy = vm.policy };
	unsigned i;

	(void)ctx;
	if (vm.fault == VM_FAULT_GREQ || vm.fault == VM_FAULT_GREQ_BUSY) {
		emu_printf("fault injection: guest request answered %s",
			   vm.fault == VM_FAULT_GREQ ? "INVALID_LEN" : "BUSY");
		return vm.fault == VM_FAULT_GREQ ? VMM_ERR_INVALID_LEN :
						   VMM_ERR_BUSY;
	}
	if (vm.psp == NULL) {
		for (i = 0; i < SNP_VMPCK_COUNT; i++) {
			const uint8_t *k = snp_machine_vmpck(m, i);

			if (k == NULL) {
				return VMM_ERR_BUSY; /* no secrets page launched */
			}
			memcpy(cfg.vmpck[i], k, SNP_VMPCK_SIZE);
		}
		memcpy(cfg.measurement, snp_machine_measurement(m),
		       sizeof(cfg.measurement));
		vm.psp = psp_create(&cfg);
		memzero_explicit(&cfg, sizeof(cfg));
		if (vm.psp == NULL) {
			emu_printf("the PSP firmware could not start");
			return VMM_ERR_BUSY;
		}
		emu_printf("PSP firmware started: VCEK chain ready");
	}
	return psp_hv_request(m, vm.psp, req);
}

static bool parse_fault(const char *s, enum vm_fault *out)
{
	unsigned i;

	*out = VM_FAULT_NONE;
	if (s == NULL) {
		return true;
	}
	for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
		if (strcmp(s, fault_names[i]) == 0) {
			*out = (enum vm_fault)i;
			return true;
		}
	}
	return false;
}

/* Give the L1 RAM after guest RAM (below the IGVM module) to the heap. */
static bool heap_init(const struct vm_config *cfg)
{
	uint64_t start = VM_GUEST_BASE + cfg->mem_bytes;
	uint64_t end = ((uint64_t)cfg->igvm) & ~0xFFFULL;

	if ((uint64_t)emu_image_end > VM_GUEST_BASE || end < start ||
	    end - start < (32ULL << 20)) {
		emu_printf("not enough L1 RAM for %lu MiB of guest RAM",
			   (unsigned long)(cfg->mem_bytes >> 20));
		return false;
	}
	mm_reset();
	return page_alloc_add_region((void *)start, end - start);
}

/** Create the VM and launch the IGVM file (see vm.h). */
bool vm_create(const struct vm_config *cfg)
{
	struct snp_machine_config mc = {
		.mem_bytes = cfg->mem_bytes,
		.vcpus = cfg->vcpus,
		.sev_status = VM_SEV_STATUS,
	};
	struct rmp_entry *rmp;
	struct snp_vcpu *mv;
	uint64_t vmsa_gpa = 0;
	unsigned i, order;

	vm.t_start_us = time_us();
	vm.bench = cfg->bench;
	spin_lock_init(&vm.lock);
	if (!parse_fault(cfg->fault, &vm.fault)) {
		emu_printf("unknown fault '%s' (none psc ap greq greq-busy)",
			   cfg->fault);
		return false;
	}
	if (!snp_machine_config_ok(&mc) || !heap_init(cfg)) {
		emu_printf("bad guest memory size or vCPU count");
		return false;
	}
	for (order = 0;
	     order < PAGE_ORDER_MAX &&
	     (PAGE_SIZE << order) < (mc.mem_bytes >> 12) * sizeof(*rmp);
	     order++) {
	}
	rmp = vm_alloc_pages(order);
	if ((PAGE_SIZE << order) < (mc.mem_bytes >> 12) * sizeof(*rmp)) {
		rmp = NULL;
	}
	mv = vm_alloc_pages(0);
	vm.msrpm = vm_alloc_pages(1);
	vm.iopm = vm_alloc_pages(2);
	if (rmp == NULL || mv == NULL || vm.msrpm == NULL || vm.iopm == NULL ||
	    sizeof(*mv) * mc.vcpus > 4096) {
		emu_printf("out of L1 memory for the RMP");
		return false;
	}
	snp_machine_setup(&vm.m, &mc, (uint8_t *)VM_GUEST_BASE, rmp, mv);
	/* Guest RAM is L1 RAM nothing has used: QEMU hands it out zeroed. */
	memset(vm.msrpm, 0xFF, 8192);
	memset(vm.iopm, 0xFF, 12288);
	for (i = 0; i < sizeof(msr_passthrough) / sizeof(msr_passthrough[0]);
	     i++) {
		msrpm_allow(vm.msrpm, msr_passthrough[i]);
	}
	if (!npt_init(&vm)) {
		emu_printf("out of L1 memory for the nested page tables");
		return false;
	}
	if (!igvm_launch(&vm, cfg, &vmsa_gpa)) {
		return false;
	}
	snp_machine_set_guest_request_handler(&vm.m, vm_guest_request, NULL);
	vm.m.vcpus[0].vmsa_valid[0] = true;
	vm.m.vcpus[0].vmsa_gpa[0] = vmsa_gpa;
	vm.vcpus[0].started = true;
	npt_sync(&vm, 0, vm.m.mem_size);
	if (vm.bench != 0) {
		uint64_t t = time_us();

		vm_bench_bare(vm.bench);
		vm.t_bench_us = time_us() - t;
	}
	emu_printf(
		"launched in %lu ms: %u vCPUs, BSP VMSA at 0x%lx, fault injection %s",
		(unsigned long)((time_us() - vm.t_start_us - vm.t_bench_us) /
				1000),
		mc.vcpus, (unsigned long)vmsa_gpa, fault_names[vm.fault]);
	return true;
}

/*
 * The model's front end (machine_internal.h). Every call comes from run.c
 * with `vm.lock` held.
 */

/** True while `v`'s VMPL0 context holds its L1 CPU. */
bool snp_fe_vmpl0_running(const struct snp_machine *m, const struct snp_vcpu *v)
{
	const struct vcpu_emu *ve = &vm.vcpus[v->apic_id];

	(void)m;
	return ve->started && ve->vmpl == 0;
}

/** VMPL0 takes the vCPU back if it has a runnable VMSA. */
bool snp_fe_vmpl0_resumable(const struct snp_machine *m,
			    const struct snp_vcpu *v)
{
	return vm.vcpus[v->apic_id].started && snp_vmsa_runnable(m, v, 0);
}

/** Start `ap`'s L1 CPU at VMPL0 (or refuse: `fault=ap`). */
bool snp_fe_ap_start(struct snp_machine *m, struct snp_vcpu *ap,
		     uint64_t vmsa_gpa)
{
	struct vcpu_emu *ve = &vm.vcpus[ap->apic_id];

	(void)m;
	(void)vmsa_gpa;
	if (vm.fault == VM_FAULT_AP) {
		emu_printf("fault injection: AP creation of vCPU %u refused",
			   ap->apic_id);
		return false;
	}
	ve->vmpl = 0;
	ve->ctx[0].fpu_valid = false; /* a new context: a clean FPU */
	__atomic_store_n(&ve->started, true, __ATOMIC_RELEASE);
	emu_wake(ap->apic_id);
	return true;
}

/**
 * A destroyed VMSA stops running. VMPL0 (never running now: the model
 * refuses that): the L1 CPU parks once its lower VMPL is done, until AP
 * creation starts it again. A lower VMPL: the vCPU goes back to VMPL0,
 * whose RUN_VMPL completes, if VMPL0 can take it (else it parks); an L1
 * CPU inside VMRUN of that VMSA gets the wake-up IPI, which ends VMRUN
 * (INTR intercept), and drops that exit (run.c), as the hardware's VMSA
 * would be left after the host's kick.
 */
void snp_fe_ap_destroy(struct snp_machine *m, struct snp_vcpu *ap,
		       unsigned vmpl)
{
	struct vcpu_emu *ve = &vm.vcpus[ap->apic_id];

	if (vmpl == 0) {
		__atomic_store_n(&ve->started, false, __ATOMIC_RELEASE);
	} else if (ve->vmpl == vmpl && snp_fe_vmpl0_resumable(m, ap)) {
		ve->vmpl = 0;
	}
	if (ve->loaded && ve->loaded_vmpl == vmpl) {
		ve->kicked = true;
		emu_wake(ap->apic_id);
	}
}

/** In use: some L1 CPU has that VMSA loaded (see vcpu_emu). */
bool snp_fe_vmsa_in_use(const struct snp_machine *m, uint64_t vmsa_gpa)
{
	unsigned i;

	for (i = 0; i < m->cfg.vcpus; i++) {
		if (vm.vcpus[i].loaded && vm.vcpus[i].loaded_gpa == vmsa_gpa) {
			return true;
		}
	}
	return false;
}

/** Port I/O of the SNP VM: COM1, COM2 and isa-debug-exit only. */
bool snp_fe_ioio(struct snp_machine *m, uint64_t info1, uint64_t *rax)
{
	uint16_t port = (uint16_t)(info1 >> 16);
	unsigned size = (info1 & 0x10) ? 1 : (info1 & 0x20) ? 2 : 4;
	bool in = (info1 & 1) != 0;

	(void)m;
	if (!((port >= 0x3F8 && port < 0x400) ||
	      (port >= 0x2F8 && port < 0x300) ||
	      (port >= EMU_EXIT_PORT && port < EMU_EXIT_PORT + 4))) {
		return false;
	}
	if (!in && port == 0x3F8 && size == 1) {
		emu_console_raw((uint8_t)*rax);
		return true;
	}
	if (!in && port == EMU_EXIT_PORT) {
		emu_console_flush();
		emu_printf(
			"guest exit code 0x%lx (%lu s after start)",
			(unsigned long)(*rax & 0xFF),
			(unsigned long)((time_us() - vm.t_start_us) / 1000000));
	}
	if (in) {
		*rax = size == 1 ? inb(port) :
		       size == 2 ? inw(port) :
				   inl(port);
	} else if (size == 1) {
		outb(port, (uint8_t)*rax);
	} else if (size == 2) {
		outw(port, (uint16_t)*rax);
	} else {
		outl(port, (uint32_t)*rax);
	}
	return true;
}

/** CPUID as the L1 CPU answers it, plus SEV's leaf 0x8000001F. */
bool snp_fe_cpuid(uint32_t fn, unsigned reg, uint32_t *val)
{
	uint32_t r[4];

	if (fn == 0x8000001F) {
		return false; /* the model's: SEV, SEV-ES, SNP, C-bit 51 */
	}
	cpuid_count(fn, 0, &r[0], &r[1], &r[2], &r[3]);
	if (fn == 0x80000000 && r[0] < 0x8000001F) {
		r[0] = 0x8000001F;
	}
	*val = r[reg & 3];
	return true;
}
