/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: what the kernel's SNP boot reads from the host and
 * the launch (svsm/kernel/snp_boot.c, the MADT buffer parser of
 * svsm/kernel/acpi.c, the #VC decoder). The first byte picks the input's
 * use: a parameter block (zero-padded), or one area that is parsed as a
 * memory map, as a MADT (its checksum fixed so inputs get past it), as a
 * CPUID page and as instruction bytes, the way the kernel uses them: each
 * result is used only within the bounds the parser reported.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/acpi.h>
#include <kernel/snp_boot.h>
#include <kernel/vc.h>

#define AREA_MAX 4096U

struct acpi_info acpi_info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_params(const uint8_t *data, size_t size)
{
	struct svsm_igvm_params p;
	uint32_t i;

	memset(&p, 0, sizeof(p));
	memcpy(&p, data, size < sizeof(p) ? size : sizeof(p));
	/* Let some inputs past the first checks. */
	p.magic = SVSM_IGVM_PARAMS_MAGIC;
	p.version = SVSM_IGVM_PARAMS_VERSION;
	p.size = sizeof(p);
	if (snp_params_check(&p) != NULL) {
		return;
	}
	(void)snp_params_check_top(&p, p.svsm_base + p.svsm_size);
	/* A good block keeps its promises. */
	if (p.svsm_base + p.svsm_size > SNP_EARLY_LIMIT ||
	    p.guest_range_count > SVSM_IGVM_MAX_GUEST_RANGES ||
	    p.boot_pages_end > p.svsm_base + p.svsm_size) {
		abort();
	}
	for (i = 0; i < p.guest_range_count; i++) {
		const struct svsm_igvm_range *r = &p.guest_ranges[i];

		if (r->gpa < p.svsm_base + p.svsm_size &&
		    p.svsm_base < r->gpa + r->size) {
			abort();
		}
	}
}

static void check_area(const uint8_t *area, size_t len)
{
	static struct snp_cpuid_page page;
	static uint8_t madt[AREA_MAX];
	struct boot_info bi;
	struct acpi_info info;
	struct vc_ioio io;
	uint32_t r[4];
	uint8_t sum = 0;
	bool w;
	size_t i;

	if (snp_memmap_parse(area, len, &bi) == NULL &&
	    (bi.memmap_count == 0 || bi.memmap_count > MEMMAP_MAX ||
	     bi.ram_bytes == 0)) {
		abort();
	}
	memcpy(madt, area, len);
	if (len >= 10) {
		madt[9] = 0;
		for (i = 0; i < len; i++) {
			sum += madt[i];
		}
		madt[9] = (uint8_t)(0 - sum);
	}
	if (acpi_parse_madt(madt, len, &info)) {
		if (info.cpu_count == 0 || info.cpu_count > ACPI_MAX_CPUS) {
			abort();
		}
		(void)snp_cpus_check(info.cpu_count, &info);
	}
	memset(&page, 0, sizeof(page));
	memcpy(&page, area, len < sizeof(page) ? len : sizeof(page));
	(void)snp_cpuid_check(&page);
	(void)snp_cpuid_lookup(&page, len > 4 ? area[4] : 0, 0, r);
	(void)snp_cpuid_cbit(&page);
	(void)vc_decode_ioio(area, len < 15 ? len : 15, 0x3f8, &io);
	(void)vc_decode_simple(area, len < 15 ? len : 15, SVM_EXIT_MSR, &w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0) {
		return 0;
	}
	if ((data[0] & 1) == 0) {
		check_params(data + 1, size - 1);
	} else {
		check_area(data + 1, size - 1 < AREA_MAX ? size - 1 : AREA_MAX);
	}
	return 0;
}
