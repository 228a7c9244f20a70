/* SPDX-License-Identifier: MIT */
/* The attestation services manifest (GUID table). */
#include <string.h>

#include "svsm/manifest.h"

#define HDR_SIZE 24U
#define ENTRY_SIZE 24U

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* little-endian, like every SNP structure */
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/** Lay out the services manifest (see svsm/manifest.h). */
size_t manifest_build(const struct manifest_service *svc, unsigned count,
		      uint8_t *out, size_t cap)
{
	static const uint8_t hdr_guid[16] = SVSM_MANIFEST_GUID;
	uint64_t total = HDR_SIZE + (uint64_t)ENTRY_SIZE * count;
	uint64_t off;
	unsigned i;

	for (i = 0; i < count; i++) {
		total += svc[i].len;
	}
	if (total > UINT32_MAX) {
		return 0;
	}
	if (total > cap) {
		return (size_t)total;
	}
	memcpy(out, hdr_guid, 16);
	put32(out + 16, (uint32_t)total);
	put32(out + 20, count);
	off = HDR_SIZE + (uint64_t)ENTRY_SIZE * count;
	for (i = 0; i < count; i++) {
		uint8_t *e = out + HDR_SIZE + ENTRY_SIZE * i;

		memcpy(e, svc[i].guid, 16);
		put32(e + 16, (uint32_t)off);
		put32(e + 20, (uint32_t)svc[i].len);
		if (svc[i].len) {
			memcpy(out + off, svc[i].data, svc[i].len);
		}
		off += svc[i].len;
	}
	return (size_t)total;
}

/** Find a service's data in an untrusted manifest. */
int manifest_find(const uint8_t *m, size_t len, const uint8_t guid[16],
		  const uint8_t **data, size_t *data_len)
{
	static const uint8_t hdr_guid[16] = SVSM_MANIFEST_GUID;
	uint32_t total, count, i;

	if (len < HDR_SIZE || memcmp(m, hdr_guid, 16) != 0) {
		return -1;
	}
	total = get32(m + 16);
	count = get32(m + 20);
	if (total > len || (uint64_t)count * ENTRY_SIZE > total - HDR_SIZE) {
		return -1;
	}
	for (i = 0; i < count; i++) {
		const uint8_t *e = m + HDR_SIZE + (size_t)ENTRY_SIZE * i;
		uint32_t off = get32(e + 16), n = get32(e + 20);

		if (memcmp(e, guid, 16) != 0) {
			continue;
		}
		if (off > total || n > total - off) {
			return -1;
		}
		*data = m + off;
		*data_len = n;
		return 0;
	}
	return -1;
}
