/* SPDX-License-Identifier: MIT */
/*
 * Writing an IGVM file (hosted): headers are appended in order, page data
 * goes to the data section after them; igvm_writer_finish() lays out the
 * file, turns data references into absolute file offsets and sets the
 * checksum. Used by igvm-build, igvm-measure --id-block and the tests.
 */
#ifndef IGVM_WRITER_H
#define IGVM_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct igvm_writer {
	uint8_t *hdrs; /* the variable headers, padded */
	size_t hlen, hcap;
	uint8_t *data; /* the data section */
	size_t dlen, dcap;
	size_t *fixups; /* header-area offsets of u32 file offsets to patch */
	size_t nfix, fixcap;
	int failed; /* an allocation failed: finish() refuses */
};

void igvm_writer_init(struct igvm_writer *w);
void igvm_writer_free(struct igvm_writer *w);

/** Appends a header (TLV + zero padding). Returns 0 or -1. */
int igvm_writer_header(struct igvm_writer *w, uint32_t type,
		       const void *payload, uint32_t len);

/**
 * Appends a header whose u32 at @offset_field (bytes into @payload) is a
 * file offset: @data (@dlen bytes) goes to the data section and the field
 * gets its absolute offset. @data NULL or @dlen 0: the field stays 0.
 */
int igvm_writer_header_data(struct igvm_writer *w, uint32_t type,
			    const void *payload, uint32_t len,
			    uint32_t offset_field, const void *data,
			    size_t dlen);

/** The file (malloc'd, *len bytes), or NULL. The writer stays usable
 * only for igvm_writer_free(). */
uint8_t *igvm_writer_finish(struct igvm_writer *w, size_t *len);

/** Recomputes a file's checksum after its headers changed. */
void igvm_writer_fix_checksum(uint8_t *file, size_t len);

#endif
