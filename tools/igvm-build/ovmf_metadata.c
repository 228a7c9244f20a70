// SPDX-License-Identifier: MIT
/*
 * OVMF's SEV metadata: see ovmf_metadata.h. Layout (edk2
 * OvmfPkg/ResetVector): the 16 bytes at end - 0x20 are the table-footer
 * GUID, preceded by the u16 length of the whole table. Walking backwards,
 * each entry ends with its GUID, preceded by its u16 length (data + 18),
 * preceded by its data. The SEV metadata entry's data is a u32 offset from
 * the end of the image to "ASEV" {u32 signature, u32 length, u32 version
 * 1, u32 count, count x {u32 gpa, u32 size, u32 type}}.
 */
#include <stdio.h>
#include <string.h>

#include "ovmf_metadata.h"

#define FOOTER_OFFSET 0x20U
#define GUID_SIZE 16U
#define MAX_IMAGE (16U << 20)
#define PAGE 4096U
#define FOUR_GIB 0x100000000ULL

/* GUIDs in their byte (little-endian mixed) order. */
static const uint8_t table_footer_guid[GUID_SIZE] = {
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d
}; /* 96b582de-... */
static const uint8_t sev_metadata_guid[GUID_SIZE] = {
	0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47,
	0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc
}; /* dc886566-... */
static const uint8_t sev_es_reset_guid[GUID_SIZE] = {
	0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,
	0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e
}; /* 00f771de-... */

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

const char *ovmf_section_name(uint32_t type)
{
	switch (type) {
	case OVMF_SEV_SNP_SEC_MEM:
		return "SNP_SEC_MEM";
	case OVMF_SEV_SNP_SECRETS:
		return "SNP_SECRETS";
	case OVMF_SEV_CPUID:
		return "CPUID";
	case OVMF_SEV_SVSM_CAA:
		return "SVSM_CAA";
	case OVMF_SEV_SNP_KERNEL_HASHES:
		return "SNP_KERNEL_HASHES";
	default:
		return "unknown";
	}
}

static int parse_sev_metadata(const uint8_t *img, size_t len, uint32_t from_end,
			      struct ovmf_metadata *m, char *err, size_t errlen)
{
	const uint8_t *p;
	uint32_t count, mlen;

	if (from_end > len || len - from_end + 16 > len - FOOTER_OFFSET)
		return fail(err, errlen,
			    "SEV metadata offset outside the image");
	p = img + (len - from_end);
	if (memcmp(p, "ASEV", 4) != 0)
		return fail(err, errlen, "SEV metadata without ASEV signature");
	mlen = get32(p + 4);
	count = get32(p + 12);
	if (get32(p + 8) != 1)
		return fail(err, errlen, "SEV metadata version is not 1");
	if (count > OVMF_MAX_SECTIONS || mlen != 16 + 12 * count ||
	    mlen > from_end)
		return fail(err, errlen,
			    "SEV metadata length and section count disagree");
	for (uint32_t i = 0; i < count; i++) {
		struct ovmf_section s = { get32(p + 16 + 12 * i),
					  get32(p + 20 + 12 * i),
					  get32(p + 24 + 12 * i) };

		if ((s.gpa | s.size) % PAGE || !s.size ||
		    s.gpa + (uint64_t)s.size > m->base)
			return fail(err, errlen,
				    "SEV metadata section not page-aligned, "
				    "empty or overlapping the image");
		switch (s.type) {
		case OVMF_SEV_SNP_SEC_MEM:
		case OVMF_SEV_SNP_KERNEL_HASHES:
			break;
		case OVMF_SEV_SNP_SECRETS:
		case OVMF_SEV_CPUID:
		case OVMF_SEV_SVSM_CAA:
			if (s.size != PAGE)
				return fail(err, errlen,
					    "a secrets, CPUID or CAA section "
					    "is not one page");
			if (s.type == OVMF_SEV_SNP_SECRETS)
				m->secrets_gpa = s.gpa;
			else if (s.type == OVMF_SEV_CPUID)
				m->cpuid_gpa = s.gpa;
			else
				m->caa_gpa = s.gpa;
			break;
		default:
			return fail(err, errlen,
				    "unknown SEV metadata section type");
		}
		m->sections[m->nsections++] = s;
	}
	return 0;
}

int ovmf_metadata_parse(const uint8_t *img, size_t len, struct ovmf_metadata *m,
			char *err, size_t errlen)
{
	size_t footer, pos, start;
	uint16_t table_len;
	bool found = false;

	memset(m, 0, sizeof(*m));
	if (len < PAGE || len % PAGE || len > MAX_IMAGE)
		return fail(
			err, errlen,
			"an OVMF image is a multiple of 4 KiB up to 16 MiB");
	m->size = (uint32_t)len;
	m->base = FOUR_GIB - len;
	footer = len - FOOTER_OFFSET;
	if (memcmp(img + footer - GUID_SIZE, table_footer_guid, GUID_SIZE) != 0)
		return fail(err, errlen, "no OVMF GUIDed table footer");
	table_len = get16(img + footer - GUID_SIZE - 2);
	if (table_len < GUID_SIZE + 2 || table_len > footer)
		return fail(err, errlen, "bad OVMF table length");
	start = footer - table_len;
	pos = footer - GUID_SIZE - 2; /* end of the first entry */
	while (pos > start) {
		const uint8_t *guid;
		uint16_t elen;

		if (pos - start < GUID_SIZE + 2)
			return fail(err, errlen, "truncated OVMF table entry");
		guid = img + pos - GUID_SIZE;
		elen = get16(img + pos - GUID_SIZE - 2);
		if (elen < GUID_SIZE + 2 || elen > pos - start)
			return fail(err, errlen, "bad OVMF table entry length");
		if (memcmp(guid, sev_metadata_guid, GUID_SIZE) == 0) {
			if (elen < GUID_SIZE + 2 + 4)
				return fail(err, errlen,
					    "short SEV metadata entry");
			if (parse_sev_metadata(img, len,
					       get32(img + pos - elen), m, err,
					       errlen))
				return -1;
			found = true;
		} else if (memcmp(guid, sev_es_reset_guid, GUID_SIZE) == 0 &&
			   elen >= GUID_SIZE + 2 + 4) {
			m->has_reset = true;
			m->reset_addr = get32(img + pos - elen);
		}
		pos -= elen;
	}
	if (!found)
		return fail(err, errlen, "no SEV metadata in the OVMF table");
	return 0;
}

void ovmf_metadata_print(const struct ovmf_metadata *m, FILE *out)
{
	fprintf(out, "ovmf: image %u bytes at 0x%llx\n", m->size,
		(unsigned long long)m->base);
	if (m->has_reset)
		fprintf(out, "ovmf: SEV-ES AP reset address 0x%x\n",
			m->reset_addr);
	for (uint32_t i = 0; i < m->nsections; i++)
		fprintf(out, "ovmf: %-17s gpa 0x%x size 0x%x\n",
			ovmf_section_name(m->sections[i].type),
			m->sections[i].gpa, m->sections[i].size);
	if (!m->caa_gpa)
		fprintf(out, "ovmf: no SVSM_CAA section: this OVMF does not "
			     "know an SVSM\n");
}
