/* SPDX-License-Identifier: MIT */
/*
 * SNP guest request messages (SEV-SNP firmware ABI, chapter 8: message
 * header, message types, MSG_REPORT_REQ/RSP and the 0x4A0-byte
 * ATTESTATION_REPORT).
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SNP_GUEST_MSG_H
#define ABI_SNP_GUEST_MSG_H

#include <stdint.h>

#define SNP_MSG_AEAD_AES_256_GCM 1U
#define SNP_MSG_HDR_VERSION 1U
#define SNP_MSG_VERSION 1U

/* Message types. */
#define SNP_MSG_TYPE_INVALID 0U
#define SNP_MSG_CPUID_REQ 1U
#define SNP_MSG_CPUID_RSP 2U
#define SNP_MSG_KEY_REQ 3U
#define SNP_MSG_KEY_RSP 4U
#define SNP_MSG_REPORT_REQ 5U
#define SNP_MSG_REPORT_RSP 6U
#define SNP_MSG_EXPORT_REQ 7U
#define SNP_MSG_EXPORT_RSP 8U
#define SNP_MSG_IMPORT_REQ 9U
#define SNP_MSG_IMPORT_RSP 10U
#define SNP_MSG_ABSORB_REQ 11U
#define SNP_MSG_ABSORB_RSP 12U
#define SNP_MSG_VMRK_REQ 13U
#define SNP_MSG_VMRK_RSP 14U
#define SNP_MSG_TSC_INFO_REQ 17U
#define SNP_MSG_TSC_INFO_RSP 18U

/** Message header (0x60 bytes). AAD = bytes 0x30..0x5F. */
struct snp_guest_msg_hdr {
	uint8_t authtag[32]; /* AES-GCM tag in the first 16 bytes */
	uint64_t msg_seqno;  /* 0x20 */
	uint8_t rsvd1[8];
	uint8_t algo; /* 0x30 */
	uint8_t hdr_version;
	uint16_t hdr_sz;
	uint8_t msg_type; /* 0x34 */
	uint8_t msg_version;
	uint16_t msg_sz;
	uint32_t rsvd2;
	uint8_t msg_vmpck; /* 0x3C */
	uint8_t rsvd3[35];
};

#define SNP_MSG_HDR_SIZE 0x60U
#define SNP_MSG_AAD_OFFSET 0x30U
#define SNP_MSG_AAD_SIZE (SNP_MSG_HDR_SIZE - SNP_MSG_AAD_OFFSET)
#define SNP_MSG_PAYLOAD_SIZE (4096U - SNP_MSG_HDR_SIZE)
#define SNP_MSG_AUTHTAG_SIZE 16U
#define SNP_MSG_IV_SIZE 12U

_Static_assert(sizeof(struct snp_guest_msg_hdr) == SNP_MSG_HDR_SIZE,
	       "SNP ABI message header");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_seqno) == 0x20,
	       "SNP ABI message header");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, algo) == 0x30,
	       "SNP ABI message header");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_type) == 0x34,
	       "SNP ABI message header");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_sz) == 0x36,
	       "SNP ABI message header");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_vmpck) == 0x3C,
	       "SNP ABI message header");

/** A whole request or response page (shared with the host). */
struct snp_guest_msg {
	struct snp_guest_msg_hdr hdr;
	uint8_t payload[SNP_MSG_PAYLOAD_SIZE];
};

_Static_assert(sizeof(struct snp_guest_msg) == 4096, "one page");

/* MSG_REPORT_REQ flags[1:0]: key selection. */
#define SNP_REPORT_KEY_SEL_AUTO 0U
#define SNP_REPORT_KEY_SEL_VCEK 1U
#define SNP_REPORT_KEY_SEL_VLEK 2U
#define SNP_REPORT_KEY_SEL_MASK 3U

/** MSG_REPORT_REQ payload (0x60 bytes). */
struct snp_report_req {
	uint8_t user_data[64];
	uint32_t vmpl; /* 0x40 */
	uint32_t flags;
	uint8_t rsvd[24]; /* must be zero */
};

_Static_assert(sizeof(struct snp_report_req) == 0x60, "MSG_REPORT_REQ");
_Static_assert(__builtin_offsetof(struct snp_report_req, vmpl) == 0x40,
	       "MSG_REPORT_REQ");

#define SNP_REPORT_SIZE 0x4A0U

/* MSG_REPORT_RSP status. */
#define SNP_REPORT_STATUS_SUCCESS 0x00U
#define SNP_REPORT_STATUS_INVALID_PARAM 0x16U
#define SNP_REPORT_STATUS_INVALID_KEY 0x27U

/** ATTESTATION_REPORT (0x4A0 bytes); the signature covers 0x000..0x29F. */
struct snp_attestation_report {
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16]; /* 0x010 */
	uint8_t image_id[16];
	uint32_t vmpl; /* 0x030 */
	uint32_t signature_algo;
	uint64_t platform_version; /* 0x038 */
	uint64_t platform_info;
	uint32_t flags; /* 0x048 */
	uint32_t rsvd_04c;
	uint8_t report_data[64];       /* 0x050 */
	uint8_t measurement[48];       /* 0x090 */
	uint8_t host_data[32];	       /* 0x0C0 */
	uint8_t id_key_digest[48];     /* 0x0E0 */
	uint8_t author_key_digest[48]; /* 0x110 */
	uint8_t report_id[32];	       /* 0x140 */
	uint8_t report_id_ma[32];      /* 0x160 */
	uint64_t reported_tcb;	       /* 0x180 */
	uint8_t cpuid_fam_id;	       /* 0x188, version 3 and later */
	uint8_t cpuid_mod_id;
	uint8_t cpuid_step;
	uint8_t rsvd_18b[21];
	uint8_t chip_id[64];	 /* 0x1A0 */
	uint64_t committed_tcb;	 /* 0x1E0 */
	uint8_t current_fw[4];	 /* 0x1E8: build, minor, major, 0 */
	uint8_t committed_fw[4]; /* 0x1EC: build, minor, major, 0 */
	uint64_t launch_tcb;	 /* 0x1F0 */
	uint8_t rsvd_1f8[168];	 /* version 5: mitigation vectors */
	uint8_t signature_r[72]; /* 0x2A0 */
	uint8_t signature_s[72]; /* 0x2E8 */
	uint8_t rsvd_330[368];
};

#define SNP_REPORT_SIGNED_SIZE 0x2A0U

#define SNP_REPORT_ASSERT_OFF(field, off)                                      \
	_Static_assert(__builtin_offsetof(struct snp_attestation_report,       \
					  field) == (off),                     \
		       "report offset of " #field)
SNP_REPORT_ASSERT_OFF(vmpl, 0x030);
SNP_REPORT_ASSERT_OFF(platform_version, 0x038);
SNP_REPORT_ASSERT_OFF(flags, 0x048);
SNP_REPORT_ASSERT_OFF(report_data, 0x050);
SNP_REPORT_ASSERT_OFF(measurement, 0x090);
SNP_REPORT_ASSERT_OFF(host_data, 0x0C0);
SNP_REPORT_ASSERT_OFF(id_key_digest, 0x0E0);
SNP_REPORT_ASSERT_OFF(author_key_digest, 0x110);
SNP_REPORT_ASSERT_OFF(report_id, 0x140);
SNP_REPORT_ASSERT_OFF(report_id_ma, 0x160);
SNP_REPORT_ASSERT_OFF(reported_tcb, 0x180);
SNP_REPORT_ASSERT_OFF(cpuid_fam_id, 0x188);
SNP_REPORT_ASSERT_OFF(chip_id, 0x1A0);
SNP_REPORT_ASSERT_OFF(committed_tcb, 0x1E0);
SNP_REPORT_ASSERT_OFF(current_fw, 0x1E8);
SNP_REPORT_ASSERT_OFF(launch_tcb, 0x1F0);
SNP_REPORT_ASSERT_OFF(signature_r, 0x2A0);
SNP_REPORT_ASSERT_OFF(signature_s, 0x2E8);
_Static_assert(sizeof(struct snp_attestation_report) == SNP_REPORT_SIZE,
	       "ATTESTATION_REPORT is 0x4A0 bytes");

/** MSG_REPORT_RSP payload. */
struct snp_report_rsp {
	uint32_t status;
	uint32_t report_size; /* SNP_REPORT_SIZE */
	uint8_t rsvd[24];
	struct snp_attestation_report report; /* 0x20 */
};

_Static_assert(sizeof(struct snp_report_rsp) == 0x4C0, "MSG_REPORT_RSP");

#endif /* ABI_SNP_GUEST_MSG_H */
