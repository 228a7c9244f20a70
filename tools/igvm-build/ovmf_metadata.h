/* SPDX-License-Identifier: MIT */
/*
 * OVMF's SEV metadata (hosted): the GUIDed table at the end of an OVMF
 * image (its last entry 32 bytes before the end), the SEV metadata it
 * points at ("ASEV": the ranges OVMF expects validated, where the secrets,
 * CPUID and SVSM Calling Area pages go, the kernel-hashes page) and the
 * SEV-ES reset block (the APs' reset address).
 */
#ifndef IGVM_OVMF_METADATA_H
#define IGVM_OVMF_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* SEV metadata section types (OvmfPkg/ResetVector/X64/OvmfSevMetadata). */
#define OVMF_SEV_SNP_SEC_MEM 1U
#define OVMF_SEV_SNP_SECRETS 2U
#define OVMF_SEV_CPUID 3U
#define OVMF_SEV_SVSM_CAA 4U
#define OVMF_SEV_SNP_KERNEL_HASHES 0x10U

#define OVMF_MAX_SECTIONS 32U

struct ovmf_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
};

struct ovmf_metadata {
	uint64_t base; /* the image sits at [base, 4 GiB) */
	uint32_t size;
	bool has_reset;
	uint32_t reset_addr; /* SEV-ES AP reset address */
	uint32_t nsections;
	struct ovmf_section sections[OVMF_MAX_SECTIONS];
	/* The single-page sections (0: absent). */
	uint32_t secrets_gpa, cpuid_gpa, caa_gpa;
};

/**
 * Parses the OVMF image @img (@len bytes, a multiple of 4 KiB, at most
 * 16 MiB). Every length and offset is checked against the image; the
 * sections must be page-aligned, below 4 GiB, outside the image, and the
 * secrets/CPUID/CAA sections one page each. 0, or -1 with @err.
 */
int ovmf_metadata_parse(const uint8_t *img, size_t len, struct ovmf_metadata *m,
			char *err, size_t errlen);

/** "SNP_SEC_MEM", ... */
const char *ovmf_section_name(uint32_t type);

/** One line per finding. */
void ovmf_metadata_print(const struct ovmf_metadata *m, FILE *out);

#endif
