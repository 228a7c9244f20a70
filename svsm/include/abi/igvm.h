/* SPDX-License-Identifier: MIT */
/*
 * The IGVM file format (Independent Guest Virtual Machine, Microsoft's igvm
 * crate igvm_defs, as QEMU's backends/igvm.c loads it): the fixed header,
 * the variable headers (TLV) and their payloads. All fields little-endian,
 * every structure packed. See docs/SNP-BOOT.md.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_IGVM_H
#define ABI_IGVM_H

#include <stdint.h>

#define IGVM_MAGIC 0x4D564749U /* "IGVM" as little-endian bytes */
#define IGVM_FORMAT_V1 1U
#define IGVM_FORMAT_V2 2U /* adds architecture and page size */
#define IGVM_PAGE_SIZE 4096U
#define IGVM_PAGE_SIZE_2M 0x200000U
#define IGVM_HEADER_ALIGN 8U

/** The fixed header at offset 0 (version 1: 24 bytes). */
struct igvm_fixed_header {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	/* CRC32 (IEEE) of the fixed header with this field 0 + the variable
	 * headers. */
	uint32_t checksum;
} __attribute__((packed));

/** Version 2 appends these two fields (32 bytes in all). */
struct igvm_fixed_header_v2 {
	struct igvm_fixed_header v1;
	uint32_t architecture; /* IGVM_ARCH_* */
	uint32_t page_size;    /* 4096 */
} __attribute__((packed));

#define IGVM_ARCH_X64 0U
#define IGVM_ARCH_AARCH64 1U

/** A variable header: type, payload length, then the payload. The next one
 * starts at the next 8-byte boundary; the padding is zero. */
struct igvm_var_header {
	uint32_t type;
	uint32_t length;
} __attribute__((packed));

/* Variable header types. Bit 31 set: a loader may ignore it if unknown. */
#define IGVM_VHT_OPTIONAL 0x80000000U
#define IGVM_VHT_MASK 0x7FFFFFFFU
/* Platform section. */
#define IGVM_VHT_SECTION_PLATFORM_FIRST 0x001U
#define IGVM_VHT_SECTION_PLATFORM_LAST 0x100U
#define IGVM_VHT_SUPPORTED_PLATFORM 0x001U
/* Initialization section. */
#define IGVM_VHT_SECTION_INIT_FIRST 0x101U
#define IGVM_VHT_SECTION_INIT_LAST 0x200U
#define IGVM_VHT_GUEST_POLICY 0x101U
#define IGVM_VHT_RELOCATABLE_REGION 0x102U
#define IGVM_VHT_PAGE_TABLE_RELOCATION_REGION 0x103U
/* Directive section. */
#define IGVM_VHT_SECTION_DIRECTIVE_FIRST 0x301U
#define IGVM_VHT_SECTION_DIRECTIVE_LAST 0x400U
#define IGVM_VHT_PARAMETER_AREA 0x301U
#define IGVM_VHT_PAGE_DATA 0x302U
#define IGVM_VHT_PARAMETER_INSERT 0x303U
#define IGVM_VHT_VP_CONTEXT 0x304U
#define IGVM_VHT_REQUIRED_MEMORY 0x305U
#define IGVM_VHT_VP_COUNT_PARAMETER 0x307U
#define IGVM_VHT_SRAT 0x308U
#define IGVM_VHT_MADT 0x309U
#define IGVM_VHT_MMIO_RANGES 0x30AU
#define IGVM_VHT_SNP_ID_BLOCK 0x30BU
#define IGVM_VHT_MEMORY_MAP 0x30CU
#define IGVM_VHT_ERROR_RANGE 0x30DU
#define IGVM_VHT_COMMAND_LINE 0x30EU
#define IGVM_VHT_SLIT 0x30FU
#define IGVM_VHT_PPTT 0x310U
#define IGVM_VHT_VBS_MEASUREMENT 0x311U
#define IGVM_VHT_DEVICE_TREE 0x312U
#define IGVM_VHT_ENVIRONMENT_INFO_PARAMETER 0x313U

/* Platform types. */
#define IGVM_PLATFORM_NATIVE 0x00U
#define IGVM_PLATFORM_VSM_ISOLATION 0x01U
#define IGVM_PLATFORM_SEV_SNP 0x02U
#define IGVM_PLATFORM_TDX 0x03U
#define IGVM_PLATFORM_SEV 0x04U
#define IGVM_PLATFORM_SEV_ES 0x05U
#define IGVM_PLATFORM_VERSION 1U

/** IGVM_VHT_SUPPORTED_PLATFORM (16 bytes). */
struct igvm_vhs_supported_platform {
	uint32_t compatibility_mask; /* exactly one bit */
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
} __attribute__((packed));

/** IGVM_VHT_GUEST_POLICY (16 bytes). */
struct igvm_vhs_guest_policy {
	uint64_t policy; /* SNP: the guest policy */
	uint32_t compatibility_mask;
	uint32_t rsvd;
} __attribute__((packed));

/** IGVM_VHT_PARAMETER_AREA (16 bytes). */
struct igvm_vhs_parameter_area {
	uint64_t number_of_bytes; /* a multiple of 4 KiB */
	uint32_t parameter_area_index;
	uint32_t file_offset; /* 0: zeros */
} __attribute__((packed));

/* PAGE_DATA flags and data types. */
#define IGVM_PAGE_FLAG_2MB 0x1U
#define IGVM_PAGE_FLAG_UNMEASURED 0x2U
#define IGVM_PAGE_FLAG_SHARED 0x4U
#define IGVM_PAGE_FLAGS_KNOWN 0x7U
#define IGVM_PAGE_TYPE_NORMAL 0U
#define IGVM_PAGE_TYPE_SECRETS 1U
#define IGVM_PAGE_TYPE_CPUID_DATA 2U
#define IGVM_PAGE_TYPE_CPUID_XF 3U

/** IGVM_VHT_PAGE_DATA (24 bytes). */
struct igvm_vhs_page_data {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset; /* absolute; 0: a zero page */
	uint32_t flags;	      /* IGVM_PAGE_FLAG_* */
	uint16_t data_type;   /* IGVM_PAGE_TYPE_* */
	uint16_t rsvd;
} __attribute__((packed));

/** IGVM_VHT_PARAMETER_INSERT (16 bytes). */
struct igvm_vhs_parameter_insert {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
} __attribute__((packed));

/** IGVM_VHT_VP_CONTEXT (20 bytes). SNP: 4 KiB VMSA at file_offset. */
struct igvm_vhs_vp_context {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint16_t vp_index;
	uint16_t rsvd;
} __attribute__((packed));

#define IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE 0x1U

/** IGVM_VHT_REQUIRED_MEMORY (24 bytes). */
struct igvm_vhs_required_memory {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	uint32_t flags;
	uint32_t rsvd;
} __attribute__((packed));

/** The parameter directives (VP count, memory map, MADT, ...): 8 bytes. */
struct igvm_vhs_parameter {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
} __attribute__((packed));

/** ECDSA P-384 signature in the IGVM ID block: r, s little-endian. */
struct igvm_snp_signature {
	uint8_t r[72];
	uint8_t s[72];
} __attribute__((packed));

/** ECDSA public key in the IGVM ID block: qx, qy little-endian. */
struct igvm_snp_public_key {
	uint32_t curve; /* 2: P-384 */
	uint32_t rsvd;
	uint8_t qx[72];
	uint8_t qy[72];
} __attribute__((packed));

#define IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384 1U
#define IGVM_SNP_CURVE_P384 2U

/** IGVM_VHT_SNP_ID_BLOCK (696 bytes). */
struct igvm_vhs_snp_id_block {
	uint32_t compatibility_mask;
	uint8_t author_key_enabled;
	uint8_t rsvd[3];
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint32_t id_key_algorithm;
	uint32_t author_key_algorithm;
	struct igvm_snp_signature id_key_signature;
	struct igvm_snp_public_key id_public_key;
	struct igvm_snp_signature author_key_signature;
	struct igvm_snp_public_key author_public_key;
} __attribute__((packed));

/** The structure the ID key signs (SNP firmware ABI, ID_BLOCK: 96 bytes). */
struct snp_id_block {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version; /* 1 */
	uint32_t guest_svn;
	uint64_t policy;
} __attribute__((packed));

/* MEMORY_MAP parameter entries (24 bytes), sorted, ended by a zero count. */
#define IGVM_MEMORY_MAP_MEMORY 0U
#define IGVM_MEMORY_MAP_PLATFORM_RESERVED 1U
#define IGVM_MEMORY_MAP_PERSISTENT 2U
#define IGVM_MEMORY_MAP_VTL2_PROTECTABLE 3U

struct igvm_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	uint16_t entry_type;
	uint16_t flags;
	uint32_t rsvd;
} __attribute__((packed));

/* ENVIRONMENT_INFO parameter (u32) bits. */
#define IGVM_ENV_MEMORY_IS_SHARED 0x1U

/* The SNP launch digest's PAGE_INFO (SNP firmware ABI, 0x70 bytes). */
#define SNP_PAGE_TYPE_NORMAL 1U
#define SNP_PAGE_TYPE_VMSA 2U
#define SNP_PAGE_TYPE_ZERO 3U
#define SNP_PAGE_TYPE_UNMEASURED 4U
#define SNP_PAGE_TYPE_SECRETS 5U
#define SNP_PAGE_TYPE_CPUID 6U
#define SNP_DIGEST_SIZE 48U

struct snp_page_info {
	uint8_t digest_cur[SNP_DIGEST_SIZE];
	uint8_t contents[SNP_DIGEST_SIZE];
	uint16_t length; /* sizeof(struct snp_page_info) */
	uint8_t page_type;
	uint8_t imi_page;
	uint8_t vmpl_perms[4]; /* 0 at launch */
	uint64_t gpa;
} __attribute__((packed));

_Static_assert(sizeof(struct igvm_fixed_header) == 24, "IGVM fixed header");
_Static_assert(sizeof(struct igvm_fixed_header_v2) == 32, "IGVM v2 header");
_Static_assert(sizeof(struct igvm_var_header) == 8, "IGVM TLV header");
_Static_assert(sizeof(struct igvm_vhs_supported_platform) == 16, "platform");
_Static_assert(sizeof(struct igvm_vhs_guest_policy) == 16, "guest policy");
_Static_assert(sizeof(struct igvm_vhs_parameter_area) == 16, "param area");
_Static_assert(sizeof(struct igvm_vhs_page_data) == 24, "page data");
_Static_assert(sizeof(struct igvm_vhs_parameter_insert) == 16, "insert");
_Static_assert(sizeof(struct igvm_vhs_vp_context) == 20, "VP context");
_Static_assert(sizeof(struct igvm_vhs_required_memory) == 24, "required");
_Static_assert(sizeof(struct igvm_vhs_parameter) == 8, "parameter");
_Static_assert(sizeof(struct igvm_vhs_snp_id_block) == 696, "SNP ID block");
_Static_assert(__builtin_offsetof(struct igvm_vhs_snp_id_block, ld) == 8,
	       "ID block ld");
_Static_assert(__builtin_offsetof(struct igvm_vhs_snp_id_block,
				  id_key_signature) == 104,
	       "ID block signature");
_Static_assert(__builtin_offsetof(struct igvm_vhs_snp_id_block,
				  id_public_key) == 248,
	       "ID block public key");
_Static_assert(__builtin_offsetof(struct igvm_vhs_snp_id_block,
				  author_key_signature) == 400,
	       "ID block author signature");
_Static_assert(__builtin_offsetof(struct igvm_vhs_snp_id_block,
				  author_public_key) == 544,
	       "ID block author key");
_Static_assert(sizeof(struct snp_id_block) == 96, "SNP ID_BLOCK");
_Static_assert(sizeof(struct igvm_memory_map_entry) == 24, "memory map");
_Static_assert(sizeof(struct snp_page_info) == 0x70, "SNP PAGE_INFO");
_Static_assert(__builtin_offsetof(struct snp_page_info, gpa) == 0x68,
	       "PAGE_INFO gpa");

#endif /* ABI_IGVM_H */
