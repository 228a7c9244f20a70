/* SPDX-License-Identifier: MIT */
/*
 * Platform detection and dispatch (see <kernel/platform.h>). On SNP the
 * memory calls use PVALIDATE and the SNP platform code (GHCB MSR protocol
 * page state changes). Port I/O uses the real instructions on both: on SNP
 * they raise #VC and the handler (svsm/arch/x86/vc.c) forwards them
 * through the GHCB.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/platform.h>
#include <x86/asm.h>
#include <svsm/cpu.h>
#include <svsm/physmap.h>
#include <svsm/snp.h>

#define CPUID_SEV_LEAF 0x8000001f
#define SEV_LEAF_SEV (1U << 1)

static enum platform_type platform = PLATFORM_NATIVE;

/** Pick the platform for a probe (SNP needs all three signs). */
enum platform_type platform_classify(const struct platform_probe *probe)
{
	if (probe->max_ext_leaf < CPUID_SEV_LEAF ||
	    (probe->sev_leaf_eax & SEV_LEAF_SEV) == 0 ||
	    !probe->sev_status_valid ||
	    (probe->sev_status & SEV_STATUS_SNP) == 0) {
		return PLATFORM_NATIVE;
	}
	return PLATFORM_SNP;
}

/** Read CPUID 0x8000001F and, if SEV is reported, SEV_STATUS. */
void platform_probe_cpu(struct platform_probe *probe)
{
	uint32_t a;
	uint32_t b;
	uint32_t c;
	uint32_t d;

	*probe = (struct platform_probe){ 0 };
	cpuid_count(0x80000000, 0, &a, &b, &c, &d);
	probe->max_ext_leaf = a;
	if (a < CPUID_SEV_LEAF) {
		return;
	}
	cpuid_count(CPUID_SEV_LEAF, 0, &a, &b, &c, &d);
	probe->sev_leaf_eax = a;
	if ((a & SEV_LEAF_SEV) != 0) {
		probe->sev_status_valid =
			cpu_rdmsr_safe(MSR_SEV_STATUS, &probe->sev_status);
	}
}

/** Detect the platform of this machine and remember it. */
enum platform_type platform_init(void)
{
	struct platform_probe probe;

	platform_probe_cpu(&probe);
	platform = platform_classify(&probe);
	return platform;
}

/**
 * SNP boot: the IGVM entry ran, so only SEV_STATUS (readable without #VC)
 * decides; CPUID would come from the CPUID page, not the hardware.
 */
bool platform_init_snp(void)
{
	uint64_t status = 0;

	if (!cpu_rdmsr_safe(MSR_SEV_STATUS, &status) ||
	    (status & SEV_STATUS_SNP) == 0) {
		return false;
	}
	platform = PLATFORM_SNP;
	return true;
}

/** The platform chosen by `platform_init()`. */
enum platform_type platform_get(void)
{
	return platform;
}

/** The platform's name for the banner. */
const char *platform_name(void)
{
	switch (platform) {
	case PLATFORM_SNP:
		return "snp";
	case PLATFORM_NATIVE:
	default:
		return "native";
	}
}

/** SNP: PVALIDATE each 4 KiB page through the machine interface. */
static bool snp_validate(uint64_t pa, size_t npages, bool valid)
{
	size_t i;

	for (i = 0; i < npages; i++) {
		void *va = physmap_va(pa + i * 4096, 4096);
		bool cf;

		if (va == NULL ||
		    cpu_pvalidate(va, CPU_PAGE_4K, valid, &cf) != 0) {
			return false;
		}
	}
	return true;
}

/** SNP: page state changes through the GHCB MSR protocol, page by page. */
static bool snp_page_state(uint64_t pa, size_t npages, bool shared)
{
	size_t i;

	for (i = 0; i < npages; i++) {
		if (!snp_msr_psc(pa + i * 4096, shared)) {
			return false;
		}
	}
	return true;
}

/** Validate (or invalidate) guest pages; a no-op when native. */
bool platform_validate(uint64_t pa, size_t npages, bool valid)
{
	switch (platform) {
	case PLATFORM_SNP:
		return snp_validate(pa, npages, valid);
	case PLATFORM_NATIVE:
	default:
		return native_validate(pa, npages, valid);
	}
}

/** Page state change to shared or private; a no-op when native. */
bool platform_page_state(uint64_t pa, size_t npages, bool shared)
{
	switch (platform) {
	case PLATFORM_SNP:
		return snp_page_state(pa, npages, shared);
	case PLATFORM_NATIVE:
	default:
		return native_page_state(pa, npages, shared);
	}
}

/** Write a byte to an I/O port. */
void platform_outb(uint16_t port, uint8_t v)
{
	native_outb(port, v);
}

/** Read a byte from an I/O port. */
uint8_t platform_inb(uint16_t port)
{
	return native_inb(port);
}

/** Stop for good through the platform (see platform.h). */
_Noreturn void platform_halt(bool success)
{
	switch (platform) {
	case PLATFORM_SNP:
		/* GHCB MSR termination request: set 0, general reason. */
		snp_terminate(0, 0);
	case PLATFORM_NATIVE:
	default:
		native_halt(success);
	}
}
