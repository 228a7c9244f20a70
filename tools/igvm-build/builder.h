/* SPDX-License-Identifier: MIT */
/*
 * The IGVM image of the SVSM (docs/SNP-BOOT.md): the kernel's pages, the
 * boot pages (parameter block, secrets, CPUID, parameter areas), the guest
 * (ELF or OVMF) and the BSP's SNP VMSA, as IGVM directives in the order
 * QEMU/KVM need.
 */
#ifndef IGVM_BUILDER_H
#define IGVM_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/igvm_params.h"

struct build_opts {
	const uint8_t *kernel; /* the kernel ELF */
	size_t kernel_len;
	const uint8_t *guest; /* an ELF (PVH) or OVMF image, or NULL */
	size_t guest_len;
	bool has_entry; /* --entry: overrides the kernel's SVSM note */
	uint64_t entry;
	uint64_t policy;
	uint64_t svsm_base, svsm_size;
	uint64_t sev_features;
	bool verbose; /* print the layout on stdout */
};

/** The IGVM file (malloc'd, *len bytes), or NULL with @err. @params (may
 * be NULL) gets the parameter block written into it. */
uint8_t *build_igvm(const struct build_opts *o, size_t *len,
		    struct svsm_igvm_params *params, char *err, size_t errlen);

/** Fills @page (4 KiB) with the SNP CPUID page template: the leaves the
 * hypervisor fills and the PSP checks, values zero. */
void build_cpuid_template(uint8_t *page);

#endif
