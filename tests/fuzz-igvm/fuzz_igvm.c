// SPDX-License-Identifier: MIT
/*
 * libFuzzer target over the IGVM library: the file is host-controlled
 * input to the emulator and the tools. Each input is opened as it is (so
 * the checksum check runs) and again with its checksum made right (so the
 * fuzzer reaches the TLV walk and the directives); an accepted file is
 * walked, then launched for SNP with and without the KVM rules, through
 * callbacks that check every pointer the library hands out lies inside
 * the file and every GPA is page-aligned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "igvm/igvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const uint8_t *start;
	size_t size;
	uint32_t pages;
};

static void inside(const struct bounds *b, const uint8_t *p, size_t len)
{
	if (p && (p < b->start || len > b->size ||
		  (size_t)(p - b->start) > b->size - len))
		abort();
}

static int on_page(void *ctx, uint64_t gpa, enum igvm_page_kind kind,
		   uint32_t flags, const uint8_t *data)
{
	struct bounds *b = ctx;

	if (gpa & 0xFFF)
		abort();
	inside(b, data, 4096);
	b->pages++;
	return 0;
}

static int on_area(void *ctx, uint32_t index, uint64_t size,
		   const uint8_t *initial)
{
	if (!size || (size & 0xFFF))
		abort();
	inside(ctx, initial, size);
	return 0;
}

static int on_insert(void *ctx, uint32_t index, uint64_t gpa)
{
	if (gpa & 0xFFF)
		abort();
	return 0;
}

static int on_vp(void *ctx, uint32_t vp, uint64_t gpa,
		 const struct sev_vmsa *vmsa)
{
	/* The measured VMSA always has EFER.SVME and RFLAGS bit 1. */
	if (!(vmsa->efer & EFER_SVME) || !(vmsa->rflags & 2))
		abort();
	return 0;
}

static const struct igvm_loader_ops ops = {
	.page = on_page,
	.declare_area = on_area,
	.insert_area = on_insert,
	.vp_context = on_vp,
};

static void exercise(const uint8_t *buf, size_t size, uint8_t knobs)
{
	static struct igvm_launch l;
	struct bounds b = { buf, size, 0 };
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_header h;
	uint32_t n = 0;

	if (igvm_open(&f, buf, size)) {
		if (!f.error[0])
			abort(); /* a refusal always says why */
		return;
	}
	igvm_iter_start(&it, &f);
	while (igvm_iter_next(&it, &h)) {
		(void)igvm_type_name(h.type);
		n++;
	}
	if (n != f.header_count)
		abort();
	memset(&l, 0, sizeof(l));
	if (igvm_platform_mask(&f, IGVM_PLATFORM_SEV_SNP, &l.mask))
		return;
	l.vcpus = knobs & 3;
	l.flags = (knobs >> 2) & 3;
	if (igvm_snp_launch(&f, &l, (knobs & 0x10) ? &ops : NULL, &b) &&
	    !f.error[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igvm_fixed_header fh;
	uint8_t *copy;
	uint8_t knobs = size ? data[size - 1] : 0;

	exercise(data, size, knobs);
	if (size < sizeof(fh))
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memcpy(&fh, copy, sizeof(fh));
	fh.checksum = 0;
	if ((uint64_t)fh.variable_header_offset + fh.variable_header_size <=
	    size) {
		uint32_t crc = igvm_crc32(0, &fh, sizeof(fh));
		fh.checksum = igvm_crc32(crc, copy + fh.variable_header_offset,
					 fh.variable_header_size);
		memcpy(copy, &fh, sizeof(fh));
		exercise(copy, size, knobs);
	}
	free(copy);
	return 0;
}
