/* SPDX-License-Identifier: MIT */
/*
 * The parameter block the IGVM builder (tools/igvm-build) puts in the SVSM
 * region and the kernel's SNP entry reads (RSI holds its GPA). It is a
 * measured page: the launch digest covers every field, so the SVSM may
 * trust it as it trusts its own code. The loader-filled parameter areas it
 * points at are not measured: the kernel checks them. See docs/SNP-BOOT.md.
 *
 * Shared by the builder (hosted), the kernel and the emulator: stdint types,
 * constants and layouts only.
 */
#ifndef SVSM_IGVM_PARAMS_H
#define SVSM_IGVM_PARAMS_H

#include <stdint.h>

#define SVSM_IGVM_PARAMS_MAGIC 0x534d5241504d5653ULL /* "SVSMPARAMS" cut */
#define SVSM_IGVM_PARAMS_VERSION 1U

/* ELF note of the kernel image naming its 32-bit SNP entry (physical). */
#define SVSM_ELFNOTE_NAME "SVSM"
#define SVSM_ELFNOTE_SNP_ENTRY 1U

/* Default GPAs (docs/SNP-BOOT.md); the block is what counts at run time. */
#define SVSM_IGVM_SVSM_BASE 0x8000000ULL
#define SVSM_IGVM_SVSM_SIZE (64ULL << 20)
#define SVSM_IGVM_VMSA_GPA 0xFFFFFFFFF000ULL

/* Parameter area indices the builder declares. */
#define SVSM_IGVM_AREA_GENERAL 0U /* u32 vCPU count @0, u32 env info @4 */
#define SVSM_IGVM_AREA_MEMMAP 1U
#define SVSM_IGVM_AREA_MADT 2U
#define SVSM_IGVM_AREA_DEVTREE 3U
#define SVSM_IGVM_AREA_GUEST_MEMMAP 4U

/* Kinds of guest (`guest_kind`). */
#define SVSM_IGVM_GUEST_NONE 0U
#define SVSM_IGVM_GUEST_ELF 1U	/* PVH ELF: 32-bit entry, RSI/RDX/RDI */
#define SVSM_IGVM_GUEST_OVMF 2U /* OVMF: reset vector, SEV metadata */

/* `flags` of a guest range. */
#define SVSM_IGVM_RANGE_LAUNCHED 0x1U /* launched validated: grant only */
#define SVSM_IGVM_RANGE_VALIDATE 0x2U /* not launched: validate, then grant */

#define SVSM_IGVM_MAX_GUEST_RANGES 32U

/** A range of guest memory the SVSM prepares for the guest at boot. */
struct svsm_igvm_range {
	uint64_t gpa;  /* page-aligned */
	uint64_t size; /* bytes, a multiple of 4 KiB */
	uint32_t flags;
	uint32_t rsvd;
};

/** The parameter block (fits one 4 KiB page). */
struct svsm_igvm_params {
	uint64_t magic;
	uint32_t version;
	uint32_t size; /* sizeof(struct svsm_igvm_params) */

	/* The SVSM region (REQUIRED_MEMORY), VMPL0 only. */
	uint64_t svsm_base;
	uint64_t svsm_size;
	/* The kernel image and the builder's boot pages, inside the region. */
	uint64_t kernel_start;
	uint64_t kernel_end;
	uint64_t boot_pages_end; /* first GPA the SVSM's allocator may use */

	uint64_t secrets_gpa; /* SNP secrets page (PSP) */
	uint64_t cpuid_gpa;   /* SNP CPUID page */
	/* Parameter areas (GPA and size in bytes, page multiples). */
	uint64_t general_gpa;
	uint64_t memmap_gpa;
	uint64_t memmap_size;
	uint64_t madt_gpa;
	uint64_t madt_size;
	uint64_t devtree_gpa;
	uint64_t devtree_size;

	/* The guest. */
	uint32_t guest_kind;
	uint32_t guest_vmpl;
	uint64_t guest_entry; /* ELF: 32-bit entry GPA; OVMF: reset RIP */
	uint64_t guest_secrets_gpa;
	uint64_t guest_cpuid_gpa;
	uint64_t guest_caa_gpa;
	uint64_t guest_vmsa_gpa;
	uint64_t guest_memmap_gpa; /* ELF guests; 0 for OVMF */
	uint64_t guest_memmap_size;
	uint32_t guest_range_count;
	uint32_t rsvd;
	struct svsm_igvm_range guest_ranges[SVSM_IGVM_MAX_GUEST_RANGES];
};

_Static_assert(sizeof(struct svsm_igvm_params) <= 4096,
	       "the parameter block is one page");

#endif
