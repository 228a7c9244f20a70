// SPDX-License-Identifier: MIT
/*
 * Writing an IGVM file: see igvm_writer.h.
 */
#include <stdlib.h>
#include <string.h>

#include "igvm/igvm.h"
#include "igvm_writer.h"

void igvm_writer_init(struct igvm_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void igvm_writer_free(struct igvm_writer *w)
{
	free(w->hdrs);
	free(w->data);
	free(w->fixups);
	memset(w, 0, sizeof(*w));
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;
	uint8_t *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static int append_header(struct igvm_writer *w, uint32_t type,
			 const void *payload, uint32_t len, size_t *at)
{
	struct igvm_var_header vh = { type, len };
	size_t total = (sizeof(vh) + len + 7) & ~(size_t)7;

	if (w->failed || grow(&w->hdrs, &w->hcap, w->hlen + total)) {
		w->failed = 1;
		return -1;
	}
	memset(w->hdrs + w->hlen, 0, total);
	memcpy(w->hdrs + w->hlen, &vh, sizeof(vh));
	memcpy(w->hdrs + w->hlen + sizeof(vh), payload, len);
	*at = w->hlen + sizeof(vh);
	w->hlen += total;
	return 0;
}

int igvm_writer_header(struct igvm_writer *w, uint32_t type,
		       const void *payload, uint32_t len)
{
	size_t at;

	return append_header(w, type, payload, len, &at);
}

int igvm_writer_header_data(struct igvm_writer *w, uint32_t type,
			    const void *payload, uint32_t len,
			    uint32_t offset_field, const void *data,
			    size_t dlen)
{
	size_t at;
	uint32_t rel;

	if (offset_field + 4 > len || append_header(w, type, payload, len, &at))
		return -1;
	if (!data || !dlen) {
		memset(w->hdrs + at + offset_field, 0, 4);
		return 0;
	}
	if (w->dlen + dlen > 0xFFFFFFFFU ||
	    grow(&w->data, &w->dcap, w->dlen + dlen)) {
		w->failed = 1;
		return -1;
	}
	if (w->nfix == w->fixcap) {
		size_t n = w->fixcap ? w->fixcap * 2 : 64;
		size_t *p = realloc(w->fixups, n * sizeof(*p));
		if (!p) {
			w->failed = 1;
			return -1;
		}
		w->fixups = p;
		w->fixcap = n;
	}
	memcpy(w->data + w->dlen, data, dlen);
	rel = (uint32_t)w->dlen;
	w->dlen += dlen;
	memcpy(w->hdrs + at + offset_field, &rel, 4);
	w->fixups[w->nfix++] = at + offset_field;
	return 0;
}

void igvm_writer_fix_checksum(uint8_t *file, size_t len)
{
	struct igvm_fixed_header fh;
	uint32_t crc;

	memcpy(&fh, file, sizeof(fh));
	fh.checksum = 0;
	crc = igvm_crc32(0, &fh, sizeof(fh));
	if ((uint64_t)fh.variable_header_offset + fh.variable_header_size <=
	    len)
		crc = igvm_crc32(crc, file + fh.variable_header_offset,
				 fh.variable_header_size);
	fh.checksum = crc;
	memcpy(file, &fh, sizeof(fh));
}

uint8_t *igvm_writer_finish(struct igvm_writer *w, size_t *len)
{
	struct igvm_fixed_header fh;
	size_t start = sizeof(fh) + w->hlen;
	size_t total = start + w->dlen;
	uint8_t *out;

	if (w->failed || total > 0xFFFFFFFFU)
		return NULL;
	out = calloc(1, total ? total : 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < w->nfix; i++) {
		uint32_t v;
		memcpy(&v, w->hdrs + w->fixups[i], 4);
		v += (uint32_t)start;
		memcpy(w->hdrs + w->fixups[i], &v, 4);
	}
	w->nfix = 0;
	fh.magic = IGVM_MAGIC;
	fh.format_version = IGVM_FORMAT_V1;
	fh.variable_header_offset = sizeof(fh);
	fh.variable_header_size = (uint32_t)w->hlen;
	fh.total_file_size = (uint32_t)total;
	fh.checksum = 0;
	memcpy(out, &fh, sizeof(fh));
	if (w->hlen)
		memcpy(out + sizeof(fh), w->hdrs, w->hlen);
	if (w->dlen)
		memcpy(out + start, w->data, w->dlen);
	igvm_writer_fix_checksum(out, total);
	*len = total;
	return out;
}
