/* SPDX-License-Identifier: MIT */
/*
 * Attestation protocol (protocol 1) structures (AMD pub. 58019 rev 1.00,
 * section 8, tables 11 and 13; COCONUT-SVSM protocols/attest.rs).
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SVSM_ATTEST_H
#define ABI_SVSM_ATTEST_H

#include <stdint.h>

#define SVSM_ATTEST_VERSION_MIN 1U
#define SVSM_ATTEST_VERSION_MAX 1U
#define SVSM_ATTEST_NONCE_SIZE 64U

/** A guest buffer: GPA and size (bytes). */
struct svsm_attest_loc {
	uint64_t gpa;
	uint32_t size;
	uint32_t rsvd;
};

_Static_assert(sizeof(struct svsm_attest_loc) == 16, "58019 table 11");

/** SVSM_ATTEST_SERVICES operation (table 11). */
struct svsm_attest_services_req {
	struct svsm_attest_loc report; /* 4 KiB aligned */
	struct svsm_attest_loc nonce;  /* size in the low 16 bits */
	struct svsm_attest_loc manifest;
	struct svsm_attest_loc certs; /* size 0: no certificates */
};

_Static_assert(sizeof(struct svsm_attest_services_req) == 0x40,
	       "58019 table 11");
_Static_assert(__builtin_offsetof(struct svsm_attest_services_req, nonce) ==
		       0x10,
	       "58019 table 11");
_Static_assert(__builtin_offsetof(struct svsm_attest_services_req, manifest) ==
		       0x20,
	       "58019 table 11");
_Static_assert(__builtin_offsetof(struct svsm_attest_services_req, certs) ==
		       0x30,
	       "58019 table 11");

/** SVSM_ATTEST_SINGLE_SERVICE operation (table 13). */
struct svsm_attest_single_req {
	struct svsm_attest_services_req base;
	uint8_t guid[16]; /* EFI byte order */
	uint32_t manifest_version;
	uint32_t rsvd;
};

_Static_assert(sizeof(struct svsm_attest_single_req) == 0x58, "58019 table 13");
_Static_assert(__builtin_offsetof(struct svsm_attest_single_req, guid) == 0x40,
	       "58019 table 13");
_Static_assert(__builtin_offsetof(struct svsm_attest_single_req,
				  manifest_version) == 0x50,
	       "58019 table 13");

/** Services manifest header (GUID table, COCONUT-SVSM layout). */
struct svsm_manifest_hdr {
	uint8_t guid[16]; /* 63849ebb-3d92-4670-a1ff-58f9c94b87bb */
	uint32_t total_len;
	uint32_t entry_count;
};

/** One services-manifest entry; `offset` is from the table start. */
struct svsm_manifest_entry {
	uint8_t guid[16];
	uint32_t offset;
	uint32_t len;
};

_Static_assert(sizeof(struct svsm_manifest_hdr) == 24, "manifest header");
_Static_assert(sizeof(struct svsm_manifest_entry) == 24, "manifest entry");

#endif /* ABI_SVSM_ATTEST_H */
