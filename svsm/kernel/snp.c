/* SPDX-License-Identifier: MIT */
/*
 * The kernel's SNP boot (see <kernel/snp.h>, docs/SNP-BOOT.md). From the
 * IGVM VP context (boot.S `snp_start`, C-bit already in the early tables):
 *
 *   1. GS, IDT: #VC works from here on (CPUID from the CPUID page copy);
 *   2. copy and check the parameter block, CPUID page, memory map, MADT
 *      and vCPU count (the areas are host input);
 *   3. page tables with the C-bit; the allocator's early pool (the first
 *      2 MiB after the boot pages: made private, validated);
 *   4. the boot GHCB (rescinded, made shared by the MSR protocol, mapped
 *      without the C-bit, registered): port I/O and MSRs work, so does
 *      the console; hypervisor features; the rest of the SVSM region made
 *      private (batched page state changes) and validated; MADT,
 *      descriptor tables, TSC;
 *   5. the guest's memory: validate its VALIDATE ranges, grant every range
 *      to its VMPL, its CPUID page copy;
 *   6. `svsm_boot()`, as in the hosted build (which first keeps a copy of
 *      the guest's launched ranges for a reboot, snp_relaunch.c): the allocator over the rest
 *      of the region, a GHCB per vCPU, the APs (AP creation into
 *      `snp_ap_start`), the guest's secrets page, CA and boot VMSA, the
 *      services, the request loop.
 *
 * Before the console works a failure terminates the VM with a reason in
 * set 3 (SNP_TERM_*); after, it panics with the reason.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <generated/version.h>
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/platform.h>
#include <kernel/sched.h>
#include <kernel/snp.h>
#include <kernel/snp_boot.h>
#include <kernel/tpm.h>
#include <kernel/vc.h>
#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/time.h>
#include <svsm/cpu.h>
#include <svsm/log.h>
#include <svsm/mm.h>
#include <svsm/physmap.h>
#include <svsm/snp.h>
#include <svsm/vcpu.h>
#include "abi/ghcb.h"

#define PAGE 4096UL
#define AREA_MAX 4096UL
/* The allocator's first part of the SVSM region, for the kernel's own
 * boot (page tables, stacks, per-CPU areas); svsm_boot() adds the rest. */
#define EARLY_POOL (2UL << 20)
#define AP_ONLINE_TIMEOUT_US 5000000UL

extern char __kernel_start[], __kernel_end[];
extern uint32_t snp_cbit;

static struct percpu snp_boot_cpu;
static struct svsm_igvm_params params;
static struct snp_cpuid_page cpuid_copy;
static uint8_t memmap_buf[AREA_MAX];
static uint8_t madt_buf[AREA_MAX];
static uint32_t vp_count;
static struct ghcb boot_ghcb_page __attribute__((aligned(4096)));
static uint64_t boot_tsc; /* TSC at the first C instruction */

_Noreturn static void term(unsigned int code)
{
	snp_terminate(SNP_TERM_SET, code);
}

/* Copy [pa, pa + len) through the early map of the first GiB. */
static bool early_copy(void *dst, uint64_t pa, uint64_t len)
{
	if (pa >= SNP_EARLY_LIMIT || len > SNP_EARLY_LIMIT - pa) {
		return false;
	}
	memcpy(dst, (const void *)(KERNEL_VIRT_BASE + pa), len);
	return true;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Step 2: copy and check what the launch and the loader gave us. */
static void read_inputs(uint64_t params_pa)
{
	uint64_t img_start = virt_to_phys(__kernel_start);
	uint64_t img_end = virt_to_phys(__kernel_end);
	uint64_t madt_len;
	uint32_t general[2];

	if ((params_pa & (PAGE - 1)) != 0 ||
	    !early_copy(&params, params_pa, sizeof(params)) ||
	    snp_params_check(&params) != NULL ||
	    params.kernel_start != img_start || params.kernel_end < img_end) {
		term(SNP_TERM_PARAMS);
	}
	if (!early_copy(&cpuid_copy, params.cpuid_gpa, sizeof(cpuid_copy)) ||
	    snp_cpuid_check(&cpuid_copy) != NULL ||
	    snp_cpuid_cbit(&cpuid_copy) != (int)snp_cbit) {
		term(SNP_TERM_CPUID);
	}
	vc_set_cpuid_page(&cpuid_copy);
	if (!early_copy(memmap_buf, params.memmap_gpa,
			min_u64(params.memmap_size, AREA_MAX)) ||
	    snp_memmap_parse(memmap_buf, min_u64(params.memmap_size, AREA_MAX),
			     &boot_info) != NULL ||
	    snp_params_check_top(&params, boot_info.phys_top) != NULL) {
		term(SNP_TERM_MEMMAP);
	}
	madt_len = min_u64(params.madt_size, AREA_MAX);
	if (!early_copy(madt_buf, params.madt_gpa, madt_len) ||
	    !early_copy(general, params.general_gpa, sizeof(general))) {
		term(SNP_TERM_PARAMS);
	}
	vp_count = general[0];
}

/*
 * Step 4: the boot CPU's GHCB, a page of the image used through its
 * direct-map address (the one `physmap_pa()` knows), which loses the
 * C-bit; the image address of the page is never used again.
 */
static struct ghcb *boot_ghcb_init(void)
{
	uint64_t pa = virt_to_phys(&boot_ghcb_page);
	struct ghcb *g = phys_to_virt(pa);
	bool cf;

	if (cpu_pvalidate(g, CPU_PAGE_4K, false, &cf) != 0 ||
	    !snp_msr_psc(pa, true) || !paging_set_shared(g, true)) {
		term(SNP_TERM_GHCB);
	}
	memset(g, 0, sizeof(*g));
	if (!snp_ghcb_init(g)) {
		term(SNP_TERM_GHCB);
	}
	return g;
}

static void check_hv_features(const struct ghcb *g)
{
	const uint64_t need = GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
			      GHCB_HV_FT_SNP_MULTI_VMPL;
	uint64_t have = 0;

	if (!snp_msr_hv_features(&have) || (have & need) != need) {
		panic("hypervisor features %#lx lack SNP, AP creation or "
		      "multiple VMPLs (%#lx)",
		      have, need);
	}
	/* The MSR protocol left its answer in the GHCB MSR: select ours. */
	cpu_wrmsr(MSR_GHCB, physmap_pa(g));
}

/*
 * PVALIDATE [start, end) page by page (the SVSM works in 4 KiB pages);
 * the first page that fails, or `end` if all were validated.
 */
static uint64_t validate_range(uint64_t start, uint64_t end)
{
	uint64_t pa;

	for (pa = start; pa < end; pa += PAGE) {
		bool cf;

		if (cpu_pvalidate(phys_to_virt(pa), CPU_PAGE_4K, true, &cf) !=
		    0) {
			return pa;
		}
	}
	return end;
}

/*
 * Step 3 (before the GHCB: sharing its page may need a page table): the
 * allocator's early pool, made private page by page (GHCB MSR protocol)
 * and validated. Memory the launch did not validate need not be private
 * yet: a page state change asks the host for it first.
 */
static uint64_t early_pool_init(void)
{
	uint64_t end = params.svsm_base + params.svsm_size;
	uint64_t pool_end = min_u64(params.boot_pages_end + EARLY_POOL, end);
	uint64_t pa;

	for (pa = params.boot_pages_end; pa < pool_end; pa += PAGE) {
		if (!snp_msr_psc(pa, false)) {
			term(SNP_TERM_MEMMAP);
		}
	}
	if (validate_range(params.boot_pages_end, pool_end) != pool_end) {
		term(SNP_TERM_MEMMAP);
	}
	mm_reset();
	if (!page_alloc_add_region(phys_to_virt(params.boot_pages_end),
				   pool_end - params.boot_pages_end)) {
		term(SNP_TERM_MEMMAP);
	}
	return pool_end;
}

/* Make [start, end) private (GHCB page protocol, batched) and validate it. */
static void accept_range(struct ghcb *g, uint64_t start, uint64_t end)
{
	uint64_t pa;

	if (start >= end) {
		return;
	}
	if (!snp_psc_pages(g, start, (end - start) / PAGE, false)) {
		panic("page state change of %#lx-%#lx to private failed", start,
		      end - 1);
	}
	pa = validate_range(start, end);
	if (pa != end) {
		panic("PVALIDATE of %#lx failed", pa);
	}
}

static void boot_cpu_init_snp(void)
{
	spin_lock_init(&snp_boot_cpu.rq_lock);
	spin_lock_init(&snp_boot_cpu.call_lock);
	if (!cpu_tables_init(&snp_boot_cpu)) {
		panic("cannot allocate the boot CPU's IST stacks");
	}
	if (!sched_init_cpu(&snp_boot_cpu)) {
		panic("cannot allocate the boot CPU's idle task");
	}
}

/* Step 5: the guest's memory and CPUID page. */
static void guest_prepare(struct ghcb *g)
{
	uint32_t i;

	if (params.guest_kind == SVSM_IGVM_GUEST_NONE) {
		panic("the IGVM image carries no guest");
	}
	for (i = 0; i < params.guest_range_count; i++) {
		const struct svsm_igvm_range *r = &params.guest_ranges[i];
		uint64_t pa;

		if (r->flags == SVSM_IGVM_RANGE_VALIDATE) {
			accept_range(g, r->gpa, r->gpa + r->size);
			memset(phys_to_virt(r->gpa), 0, r->size);
		}
		for (pa = r->gpa; pa < r->gpa + r->size; pa += PAGE) {
			uint32_t rc =
				snp_page_grant(phys_to_virt(pa), CPU_PAGE_4K,
					       params.guest_vmpl);

			if (rc != 0) {
				panic("RMPADJUST of guest page %#lx: %u", pa,
				      rc);
			}
		}
	}
	snp_cpuid_for_guest(phys_to_virt(params.guest_cpuid_gpa), &cpuid_copy);
}

static void boot_info_fill(struct svsm_boot_info *bi, uint64_t pool_end)
{
	bool elf = params.guest_kind == SVSM_IGVM_GUEST_ELF;

	*bi = (struct svsm_boot_info){
		.magic = SVSM_BOOT_INFO_MAGIC,
		.physmap_va = PHYSMAP_BASE,
		.mem_size = boot_info.phys_top,
		.svsm_base = params.svsm_base,
		.svsm_size = params.svsm_size,
		.svsm_reserved = pool_end - params.svsm_base,
		.secrets_gpa = params.secrets_gpa,
		.cpuid_gpa = params.cpuid_gpa,
		.guest_secrets_gpa = params.guest_secrets_gpa,
		.guest_ca_gpa = params.guest_caa_gpa,
		.guest_vmsa_gpa = params.guest_vmsa_gpa,
		.guest_rip = params.guest_entry,
		.ap_entry_rip = (uint64_t)snp_ap_start,
		.vcpu_count = vp_count,
		.guest_vmpl = params.guest_vmpl,
		/* A relaunch restores what guest_prepare() set up. */
		.flags = SVSM_BOOT_VTPM | SVSM_BOOT_REBOOT,
		.guest_mode =
			elf ? SVSM_BOOT_GUEST_PM32 : SVSM_BOOT_GUEST_RESET,
		.guest_rsi = params.guest_secrets_gpa,
		.guest_rdx = params.guest_cpuid_gpa,
		.guest_rdi = elf ? params.guest_memmap_gpa : 0,
	};
}

/*
 * The TSC rate from the CPUID page (leaf 0x16 EAX, base MHz, checked by
 * the PSP like every leaf), else the default: the PIT is the host's, and
 * an SNP host need not offer one.
 */
static void time_init_snp(void)
{
	uint32_t r[4];

	if (!snp_cpuid_lookup(&cpuid_copy, 0x16, 0, r) || r[0] == 0 ||
	    r[0] > 100000) {
		r[0] = 0;
	}
	time_init_rate(r[0]);
}

/** See <kernel/snp.h>. */
_Noreturn void kernel_snp_main(uint64_t params_pa)
{
	static struct svsm_boot_info bi;
	const char *err;
	struct ghcb *ghcb;
	uint64_t pool_end;

	snp_boot_cpu.self = &snp_boot_cpu;
	percpu_areas[0] = &snp_boot_cpu;
	cpu_wrmsr(MSR_GS_BASE, (uint64_t)&snp_boot_cpu);
	idt_init();
	idt_load();
	boot_tsc = rdtsc();
	/* boot.S checked SEV_STATUS: a panic now terminates through the GHCB
	 * MSR protocol. */
	if (!platform_init_snp()) {
		term(SNP_TERM_NOT_SNP);
	}
	read_inputs(params_pa);
	paging_set_cbit(snp_cbit);
	if (!paging_init(boot_info.phys_top)) {
		term(SNP_TERM_PAGING);
	}
	physmap_init((void *)PHYSMAP_BASE, boot_info.phys_top);
	pool_end = early_pool_init();
	ghcb = boot_ghcb_init();
	console_init();
	log_printf(LOG_INFO, "SVSM kernel %s booting (SNP, C-bit %u)\n",
		   SVSM_VERSION, snp_cbit);
	check_hv_features(ghcb);
	/* The rest of the SVSM region the launch did not validate. */
	accept_range(ghcb, params.svsm_base, params.kernel_start);
	accept_range(ghcb, pool_end, params.svsm_base + params.svsm_size);
	if (!acpi_parse_madt(madt_buf, min_u64(params.madt_size, AREA_MAX),
			     &acpi_info)) {
		panic("the loader's MADT is not valid");
	}
	err = snp_cpus_check(vp_count, &acpi_info);
	if (err != NULL) {
		panic("vCPUs: %s", err);
	}
	boot_cpu_init_snp();
	time_init_snp();
	smp_cpu_online(&snp_boot_cpu);
	guest_prepare(ghcb);
	snp_relaunch_setup(&params, &cpuid_copy);
	boot_info_fill(&bi, pool_end);
	svsm_boot(&bi);
}

/** See <kernel/snp.h>. */
_Noreturn void snp_ap_main(uint32_t apic_id)
{
	struct percpu *pc = this_cpu();
	struct svsm_cpu *cpu = vcpu_by_apic_id(apic_id);

	if (cpu == NULL || !cpu_tables_init(pc) || !sched_init_cpu(pc) ||
	    !snp_ghcb_init(cpu->ghcb)) {
		snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	}
	smp_cpu_online(pc);
	log_printf(LOG_INFO, "CPU %u (APIC ID %u) online\n", pc->index,
		   apic_id);
	/* The last vCPU manufactures the vTPM while the guest runs. */
	if (apic_id + 1 == svsm.cpu_count && apic_id != 0) {
		log_printf(LOG_INFO, "vtpm: %s\n",
			   kernel_tpm_start() ? "ready" : "failed to start");
	}
	svsm_ap_main(apic_id);
}

/** Wait for the APs and print the banner (see <svsm/boot.h>). */
void svsm_arch_boot_done(const struct svsm_boot_info *info)
{
	uint64_t t0 = time_us();

	while (smp_online_count() < info->vcpu_count &&
	       time_us() - t0 < AP_ONLINE_TIMEOUT_US) {
		cpu_relax();
	}
	log_printf(LOG_INFO, "SVSM %s, platform %s\n", SVSM_VERSION,
		   platform_name());
	log_printf(LOG_INFO,
		   "memory: %lu MiB RAM, SVSM region %lu MiB, %zu MiB free\n",
		   (unsigned long)(boot_info.ram_bytes >> 20),
		   (unsigned long)(info->svsm_size >> 20),
		   page_alloc_free_pages() * PAGE_SIZE >> 20);
	log_printf(LOG_INFO, "CPUs: %u of %u online\n", smp_online_count(),
		   info->vcpu_count);
	log_printf(
		LOG_INFO, "vTPM: %s\n",
		kernel_tpm_available() ? "available" :
		kernel_tpm_pending()   ? (info->vcpu_count > 1 ?
						  "starting on the last CPU" :
						  "starts with the first call") :
					 "not available");
	log_printf(
		LOG_INFO,
		"guest: VMPL%u, %s, entry %#lx (%lu ms after the SNP entry)\n",
		info->guest_vmpl,
		info->guest_mode == SVSM_BOOT_GUEST_PM32 ? "32-bit ELF" :
							   "reset vector",
		info->guest_rip,
		(unsigned long)(time_tsc_to_us(rdtsc() - boot_tsc) / 1000));
	log_printf(LOG_INFO, "svsm: ready\n");
}
