/* SPDX-License-Identifier: MIT */
/*
 * The IGVM library (svsm/igvm): check an IGVM file held in memory, walk its
 * headers, and launch it for SEV-SNP: one walk, in the order QEMU/KVM
 * measure, that both loads (through the caller's callbacks) and computes
 * the SNP launch digest. Measuring is launching with callbacks that place
 * nothing. See docs/SNP-BOOT.md.
 *
 * Freestanding C: the library calls only memcpy/memset/memcmp and
 * OpenSSL's SHA384(); it allocates nothing and prints nothing. It never
 * trusts the file: igvm_open() checks every header once, and the launch
 * checks what depends on the chosen platform.
 *
 *   struct igvm_file f;
 *   uint32_t mask;
 *   if (igvm_open(&f, buf, len) < 0) -> f.error says why
 *   if (igvm_platform_mask(&f, IGVM_PLATFORM_SEV_SNP, &mask) < 0) -> none
 *   struct igvm_launch l = { .mask = mask, .vcpus = 1 };
 *   if (igvm_snp_launch(&f, &l, &ops, ctx) < 0) -> f.error says why
 *   l.digest holds the launch digest (MEASUREMENT)
 */
#ifndef IGVM_IGVM_H
#define IGVM_IGVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/igvm.h>
#include <abi/vmsa.h>

#define IGVM_ERROR_LEN 160U

/* Return codes (negative). */
#define IGVM_E_FORMAT (-1) /* the file breaks the format (f->error) */
#define IGVM_E_LAUNCH (-2) /* the launch cannot proceed (f->error) */
#define IGVM_E_KVM (-3)	   /* a QEMU/KVM rule is broken (f->error) */
#define IGVM_E_LOADER (-4) /* a callback returned an error */
#define IGVM_E_NOPLATFORM (-5)

/** An IGVM file checked by igvm_open(). The bytes stay the caller's and must
 * not change while the struct is used. */
struct igvm_file {
	const uint8_t *data;
	uint32_t size;
	uint32_t format_version;
	uint32_t headers_start; /* first variable header */
	uint32_t headers_end;	/* end of the variable headers */
	uint32_t header_count;
	uint32_t platform_count;    /* SUPPORTED_PLATFORM headers */
	uint32_t masks;		    /* union of the platforms' masks */
	char error[IGVM_ERROR_LEN]; /* why the last call failed */
};

/**
 * Checks @size bytes at @data as an IGVM file: fixed header (magic,
 * version 1 or 2, offsets, total size, CRC32), the TLV walk (8-byte
 * alignment, zero padding, lengths inside the header area), section order
 * (platform, initialization, directives), each known header's size and
 * field rules (masks name a declared platform, GPAs page-aligned, file data
 * inside the file and after the headers, parameter areas declared once
 * before use, inserted once, reserved fields zero). Unknown headers are an
 * error unless marked optional.
 * Returns 0, or IGVM_E_FORMAT with f->error set.
 */
int igvm_open(struct igvm_file *f, const void *data, size_t size);

/** One variable header, copied out of the file (aligned, checked). */
struct igvm_header {
	uint32_t type; /* IGVM_VHT_*, the optional bit cleared */
	bool optional;
	uint32_t length; /* payload bytes */
	uint32_t offset; /* file offset of the TLV */
	uint32_t index;	 /* position among all headers, from 0 */
	union {
		struct igvm_vhs_supported_platform platform;
		struct igvm_vhs_guest_policy policy;
		struct igvm_vhs_parameter_area area;
		struct igvm_vhs_page_data page;
		struct igvm_vhs_parameter_insert insert;
		struct igvm_vhs_vp_context vp;
		struct igvm_vhs_required_memory mem;
		struct igvm_vhs_parameter param; /* every parameter directive */
		struct igvm_vhs_snp_id_block id_block;
		uint8_t raw[sizeof(struct igvm_vhs_snp_id_block)];
	} u; /* the payload's first bytes (up to sizeof(u)) */
};

struct igvm_iter {
	const struct igvm_file *f;
	uint32_t pos;
	uint32_t index;
};

/** Walks every header of a file igvm_open() accepted, in file order. */
void igvm_iter_start(struct igvm_iter *it, const struct igvm_file *f);
/** Fills @h with the next header; false at the end. */
bool igvm_iter_next(struct igvm_iter *it, struct igvm_header *h);

/** "PAGE_DATA" etc.; "unknown" for a type the library does not know. */
const char *igvm_type_name(uint32_t type);
/** "SEV_SNP", "NATIVE", ... */
const char *igvm_platform_name(uint8_t platform_type);

/** The compatibility mask of @platform_type (IGVM_PLATFORM_*): 0, or
 * IGVM_E_NOPLATFORM if the file does not support it. */
int igvm_platform_mask(const struct igvm_file *f, uint8_t platform_type,
		       uint32_t *mask);

/** @len bytes of file data at @offset, or NULL if not inside the file. */
const uint8_t *igvm_file_bytes(const struct igvm_file *f, uint32_t offset,
			       uint64_t len);

/* ---- The SNP launch --------------------------------------------------- */

/** What a page is, for the loader and for the digest (values are the SNP
 * PAGE_INFO page types). */
enum igvm_page_kind {
	IGVM_PAGE_NORMAL = SNP_PAGE_TYPE_NORMAL,	 /* data: 4 KiB */
	IGVM_PAGE_VMSA = SNP_PAGE_TYPE_VMSA,		 /* see vp_context */
	IGVM_PAGE_ZERO = SNP_PAGE_TYPE_ZERO,		 /* data NULL */
	IGVM_PAGE_UNMEASURED = SNP_PAGE_TYPE_UNMEASURED, /* data or NULL */
	IGVM_PAGE_SECRETS = SNP_PAGE_TYPE_SECRETS,	 /* the PSP fills it */
	IGVM_PAGE_CPUID = SNP_PAGE_TYPE_CPUID,		 /* template or NULL */
};

/** The loader. Every callback may be NULL (nothing to do); each returns 0,
 * or a negative value that stops the launch (IGVM_E_LOADER). */
struct igvm_loader_ops {
	/* A 4 KiB page at @gpa (2 MiB pages come as 512 calls). @data points
	 * at 4096 bytes of the file, or is NULL for a page of zeros. Pages
	 * flagged shared come as their kind too; @flags are the directive's
	 * IGVM_PAGE_FLAG_* (for the shared bit). Called when QEMU measures
	 * the page, so in measurement order. */
	int (*page)(void *ctx, uint64_t gpa, enum igvm_page_kind kind,
		    uint32_t flags, const uint8_t *data);
	/* PARAMETER_AREA @index of @size bytes (a page multiple). @initial is
	 * @size bytes of the file, or NULL for zeros (QEMU ignores it and
	 * starts from zeros). */
	int (*declare_area)(void *ctx, uint32_t index, uint64_t size,
			    const uint8_t *initial);
	/* A parameter directive: the loader writes parameter @type
	 * (IGVM_VHT_VP_COUNT_PARAMETER: u32 vCPU count,
	 * IGVM_VHT_ENVIRONMENT_INFO_PARAMETER: u32 IGVM_ENV_*,
	 * IGVM_VHT_MEMORY_MAP: entries, IGVM_VHT_MADT, IGVM_VHT_DEVICE_TREE,
	 * IGVM_VHT_SRAT, ...) at @byte_offset into area @index. The library
	 * has checked that the area exists and is not yet inserted, and that
	 * a u32 parameter fits. */
	int (*fill_param)(void *ctx, uint32_t type, uint32_t index,
			  uint32_t byte_offset);
	/* PARAMETER_INSERT: area @index goes to @gpa (unmeasured pages; the
	 * area is consumed). */
	int (*insert_area)(void *ctx, uint32_t index, uint64_t gpa);
	/* REQUIRED_MEMORY: [@gpa, @gpa + @size) must be guest RAM. */
	int (*required_memory)(void *ctx, uint64_t gpa, uint32_t size,
			       uint32_t flags);
	/* The SNP VP context of @vp_index at @gpa (KVM: 0xFFFFFFFFF000):
	 * @vmsa is the VMSA exactly as it was measured (normalized as KVM
	 * measures it, igvm_snp_vmsa_normalize()). Called after every page,
	 * as KVM measures VMSAs at LAUNCH_FINISH. */
	int (*vp_context)(void *ctx, uint32_t vp_index, uint64_t gpa,
			  const struct sev_vmsa *vmsa);
};

/* igvm_launch.flags */
#define IGVM_LAUNCH_CHECK_KVM 0x1U /* enforce the QEMU/KVM rules */
/* Measure pages without data as ZERO pages (as a PSP-native loader would),
 * not as NORMAL pages of zeros (QEMU/KVM). */
#define IGVM_LAUNCH_NATIVE_ZERO 0x2U

/** A launch: inputs, then what it found. */
struct igvm_launch {
	uint32_t mask;	/* the platform's compatibility mask */
	uint32_t vcpus; /* vCPUs of the VM (0 counts as 1) */
	uint32_t flags; /* IGVM_LAUNCH_* */

	/* Results. */
	uint8_t digest[SNP_DIGEST_SIZE]; /* the SNP launch digest */
	uint32_t pages_measured;	 /* PAGE_INFO updates, VMSAs included */
	uint32_t vmsa_count;		 /* SNP VP contexts in the file */
	bool has_policy;
	uint64_t policy; /* GUEST_POLICY */
	bool has_id_block;
	struct igvm_vhs_snp_id_block id_block;
	/* The BSP's VMSA as measured (igvm_snp_vmsa_normalize()): the state
	 * the BSP starts from. */
	struct sev_vmsa vmsa;
};

/**
 * Launches @f for SEV-SNP on the platform of @l->mask: walks the directives
 * once, calls @ops (may be NULL: measure only) in QEMU's order and computes
 * the launch digest in @l->digest:
 *  - consecutive PAGE_DATA directives of one kind at consecutive GPAs form a
 *    run, measured (and placed) when a page directive that does not
 *    continue it arrives or the file ends; every other directive acts at
 *    once, so a PARAMETER_INSERT after page data is measured before the
 *    pending run (each page of the area: UNMEASURED);
 *  - pages without data: NORMAL pages of zeros (IGVM_LAUNCH_NATIVE_ZERO:
 *    ZERO); unmeasured: UNMEASURED; SECRETS; CPUID_DATA/CPUID_XF: CPUID;
 *  - then the VMSAs, as KVM does at LAUNCH_FINISH: one per vCPU in vCPU
 *    order, at 0xFFFFFFFFF000; vCPU i uses VP context i if the file has
 *    one, else the BSP's (vCPU 0). Each is normalized as KVM measures it.
 * With IGVM_LAUNCH_CHECK_KVM it also enforces: exactly one SNP VP context
 * (the BSP), at 0xFFFFFFFFF000, CR0 as KVM sets it, no page directive and no
 * PARAMETER_INSERT after it, and only the VMSA fields QEMU accepts.
 * Returns 0, or IGVM_E_* with f->error set.
 */
int igvm_snp_launch(struct igvm_file *f, struct igvm_launch *l,
		    const struct igvm_loader_ops *ops, void *ctx);

/* ---- SNP measurement pieces ------------------------------------------ */

/** CR0 KVM measures for a VMSA whose IGVM CR0 is PE|ET|NE (0x31). */
#define IGVM_KVM_CR0 0x31ULL
#define IGVM_KVM_VMSA_GPA 0xFFFFFFFFF000ULL

/**
 * The VMSA KVM measures (and the vCPU starts from) for the 4 KiB IGVM VMSA
 * page @igvm_vmsa: the fields QEMU hands to KVM are kept, every other field
 * is zero, then KVM's fixed values apply (EFER.SVME, DR6/DR7 reset values,
 * CR0 as KVM holds it, SEV_FEATURES as given). The emulator starts the BSP
 * from exactly this.
 */
void igvm_snp_vmsa_normalize(struct sev_vmsa *out, const uint8_t *igvm_vmsa);

/** 0 if @igvm_vmsa only sets fields QEMU accepts (check_vmsa_supported),
 * else -1 with the first offending field named in @err. */
int igvm_snp_vmsa_check(const uint8_t *igvm_vmsa, char *err, size_t errlen);

/** One PAGE_INFO step: @ld = SHA-384(ld | contents | 0x70 | type | 0 |
 * gpa), contents = SHA-384(@page) for NORMAL and VMSA (@page NULL: a page
 * of zeros), zeros otherwise. Returns 0, -1 if SHA-384 failed. */
int igvm_snp_measure_page(uint8_t ld[SNP_DIGEST_SIZE], uint8_t page_type,
			  uint64_t gpa, const uint8_t *page);

/** CRC32 (IEEE, zlib's) continuing from @crc (start with 0). */
uint32_t igvm_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* IGVM_IGVM_H */
