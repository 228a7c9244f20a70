/* SPDX-License-Identifier: MIT */
/*
 * The services manifest of the attestation protocol: a GUID table
 * (header GUID 63849ebb-3d92-4670-a1ff-58f9c94b87bb, total length, entry
 * count; then {GUID, offset, length} entries; then the data blobs), the
 * layout COCONUT-SVSM and Linux's consumers use.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* GUIDs in EFI (mixed-endian) byte order. */
#define SVSM_MANIFEST_GUID                                                     \
	{                                                                      \
		0xbb, 0x9e, 0x84, 0x63, 0x92, 0x3d, 0x70, 0x46, 0xa1, 0xff,    \
			0x58, 0xf9, 0xc9, 0x4b, 0x87, 0xbb                     \
	}
/* vTPM service: c476f1eb-0123-45a5-9641-b4e7dde5bfe3 */
#define SVSM_VTPM_SERVICE_GUID                                                 \
	{                                                                      \
		0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45, 0x96, 0x41,    \
			0xb4, 0xe7, 0xdd, 0xe5, 0xbf, 0xe3                     \
	}

/* Reboot service (reboot protocol): 0cc20f93-afaa-4013-9fb6-9d16fc42ceae */
#define SVSM_REBOOT_SERVICE_GUID                                               \
	{                                                                      \
		0x93, 0x0f, 0xc2, 0x0c, 0xaa, 0xaf, 0x13, 0x40, 0x9f, 0xb6,    \
			0x9d, 0x16, 0xfc, 0x42, 0xce, 0xae                     \
	}

struct manifest_service {
	uint8_t guid[16];
	const uint8_t *data;
	size_t len;
};

/**
 * Lay out the manifest of `count` services into `out` when it fits in `cap`
 * bytes. Returns its size (also when it does not fit, writing nothing), or
 * 0 if it cannot be represented (a length over 4 GiB).
 */
size_t manifest_build(const struct manifest_service *svc, unsigned count,
		      uint8_t *out, size_t cap);

/**
 * Find service `guid` in the manifest `m` (`len` bytes, untrusted: every
 * offset is checked). Returns 0 with its data, or -1 if malformed/absent.
 */
int manifest_find(const uint8_t *m, size_t len, const uint8_t guid[16],
		  const uint8_t **data, size_t *data_len);
