// SPDX-License-Identifier: MIT
/*
 * igvm_open(): every malformed fixed header, TLV, section order, checksum
 * and directive field is refused with a message that names the problem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "igvm_test_files.h"

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob basic(void)
{
	struct blob b;

	b.p = t_basic_file(&b.len);
	return b;
}

/* Opens @b and expects failure with @msg in the error. */
static void expect_error(struct blob b, const char *msg)
{
	struct igvm_file f;
	int rc = igvm_open(&f, b.p, b.len);

	if (rc == 0 || !strstr(f.error, msg))
		print_error("rc %d, error \"%s\", wanted \"%s\"\n", rc, f.error,
			    msg);
	assert_int_equal(rc, IGVM_E_FORMAT);
	assert_non_null(strstr(f.error, msg));
	free(b.p);
}

static void expect_ok(struct blob b)
{
	struct igvm_file f;
	int rc = igvm_open(&f, b.p, b.len);

	if (rc)
		print_error("%s\n", f.error);
	assert_int_equal(rc, 0);
	free(b.p);
}

/* The payload offset of the @nth header of @type in @b. */
static size_t payload_of(struct blob b, uint32_t type, int nth)
{
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_header h;

	assert_int_equal(igvm_open(&f, b.p, b.len), 0);
	igvm_iter_start(&it, &f);
	while (igvm_iter_next(&it, &h))
		if (h.type == type && nth-- == 0)
			return h.offset + 8;
	fail_msg("no header of type %x", type);
	return 0;
}

static void put32(struct blob b, size_t off, uint32_t v)
{
	memcpy(b.p + off, &v, 4);
}

static void put64(struct blob b, size_t off, uint64_t v)
{
	memcpy(b.p + off, &v, 8);
}

static struct blob fixed(struct blob b)
{
	igvm_writer_fix_checksum(b.p, b.len);
	return b;
}

static void test_valid_file(void **state)
{
	struct blob b = basic();
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_header h;
	uint32_t types[16] = { 0 }, n = 0, mask = 0;

	assert_int_equal(igvm_open(&f, b.p, b.len), 0);
	assert_int_equal(f.platform_count, 2);
	assert_int_equal(f.masks, 3);
	igvm_iter_start(&it, &f);
	while (igvm_iter_next(&it, &h) && n < 16)
		types[n++] = h.type;
	assert_int_equal(n, f.header_count);
	assert_int_equal(n, 12);
	assert_int_equal(types[0], IGVM_VHT_SUPPORTED_PLATFORM);
	assert_int_equal(types[2], IGVM_VHT_GUEST_POLICY);
	assert_int_equal(types[11], IGVM_VHT_VP_CONTEXT);
	assert_int_equal(igvm_platform_mask(&f, IGVM_PLATFORM_SEV_SNP, &mask),
			 0);
	assert_int_equal(mask, T_SNP);
	assert_int_equal(igvm_platform_mask(&f, IGVM_PLATFORM_NATIVE, &mask),
			 0);
	assert_int_equal(mask, T_NATIVE);
	assert_int_equal(igvm_platform_mask(&f, IGVM_PLATFORM_TDX, &mask),
			 IGVM_E_NOPLATFORM);
	free(b.p);
}

static void test_crc32_vector(void **state)
{
	/* The CRC-32 check value of "123456789" (IEEE, zlib). */
	assert_int_equal(igvm_crc32(0, "123456789", 9), 0xCBF43926U);
	assert_int_equal(igvm_crc32(igvm_crc32(0, "1234", 4), "56789", 5),
			 0xCBF43926U);
}

static void test_short_file(void **state)
{
	struct blob b = basic();

	b.len = 20;
	expect_error(b, "shorter than the IGVM fixed header");
}

static void test_bad_magic(void **state)
{
	struct blob b = basic();

	b.p[0] ^= 1;
	expect_error(fixed(b), "bad magic");
}

static void test_bad_version(void **state)
{
	struct blob b = basic();

	put32(b, 4, 3);
	expect_error(fixed(b), "format version 3");
}

static void test_total_size(void **state)
{
	struct blob b = basic();

	b.len -= 1;
	expect_error(fixed(b), "total file size");
}

static void test_header_offset_unaligned(void **state)
{
	struct blob b = basic();

	put32(b, 8, 28);
	expect_error(fixed(b), "variable header offset 28");
}

static void test_headers_past_end(void **state)
{
	struct blob b = basic();

	put32(b, 12, (uint32_t)b.len);
	expect_error(fixed(b), "run past the end of the file");
}

static void test_checksum(void **state)
{
	struct blob b = basic();

	b.p[24 + 8] ^= 0x80; /* the SNP platform's mask: checksum stale */
	expect_error(b, "checksum");
}

static void test_tlv_past_end(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_VP_CONTEXT, 0);

	put32(b, off - 4, 0x1000); /* the last TLV's length */
	expect_error(fixed(b), "runs past the headers' end");
}

static void test_truncated_tlv(void **state)
{
	struct igvm_writer w;
	struct igvm_fixed_header fh;
	struct blob b;

	/* A file without data whose header area ends in half a TLV. */
	t_begin(&w);
	b.p = t_finish(&w, &b.len);
	b.p = realloc(b.p, b.len + 4);
	assert_non_null(b.p);
	memset(b.p + b.len, 0, 4);
	b.len += 4;
	memcpy(&fh, b.p, sizeof(fh));
	fh.variable_header_size += 4;
	fh.total_file_size += 4;
	memcpy(b.p, &fh, sizeof(fh));
	expect_error(fixed(b), "truncated type and length");
}

static void test_nonzero_padding(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_VP_CONTEXT, 0);

	b.p[off + 20] = 1; /* the 4 padding bytes after the 20-byte payload */
	expect_error(fixed(b), "non-zero padding");
}

static void test_section_order(void **state)
{
	struct igvm_writer w;
	struct blob b;

	t_begin(&w);
	t_area(&w, 0, 4096);
	t_policy(&w, 0x30000);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "initialization header after the directive section");
}

static void test_platform_first(void **state)
{
	struct igvm_writer w;
	struct igvm_vhs_parameter_area a = { 4096, 0, 0 };
	struct blob b;

	igvm_writer_init(&w);
	igvm_writer_header(&w, IGVM_VHT_PARAMETER_AREA, &a, sizeof(a));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "no SUPPORTED_PLATFORM header before");
}

static void test_no_platform(void **state)
{
	struct igvm_writer w;
	struct igvm_vhs_supported_platform p = { 1, 0, 2, 1, 0 };
	struct blob b;

	igvm_writer_init(&w);
	/* An unknown optional platform-section header only. */
	igvm_writer_header(&w, IGVM_VHT_OPTIONAL | 0x50, &p, sizeof(p));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "no SUPPORTED_PLATFORM header");
}

static void test_unknown_types(void **state)
{
	struct igvm_writer w;
	uint64_t x = 0;
	struct blob b;

	t_begin(&w);
	igvm_writer_header(&w, 0x3F0, &x, sizeof(x));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "unknown type 0x3f0 not marked optional");

	t_begin(&w);
	igvm_writer_header(&w, IGVM_VHT_OPTIONAL | 0x3F0, &x, sizeof(x));
	b.p = t_finish(&w, &b.len);
	expect_ok(b);

	t_begin(&w);
	igvm_writer_header(&w, 0x250, &x, sizeof(x));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "belongs to no section");
}

static void test_payload_size(void **state)
{
	struct igvm_writer w;
	struct igvm_vhs_parameter_area a = { 4096, 0, 0 };
	struct blob b;

	t_begin(&w);
	igvm_writer_header(&w, IGVM_VHT_PARAMETER_AREA, &a, 12);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "payload of 12 bytes, expected 16");
}

static void test_platform_fields(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_SUPPORTED_PLATFORM, 1);

	put32(b, off, 3);
	expect_error(fixed(b), "not exactly one bit");

	b = basic();
	put32(b, off, T_SNP);
	expect_error(fixed(b), "declared twice");

	b = basic();
	b.p[off + 5] = 9; /* platform type */
	expect_error(fixed(b), "unknown platform type 9");

	b = basic();
	b.p[off + 6] = 2; /* platform version */
	expect_error(fixed(b), "platform version 2");
}

static void test_mask_undeclared(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_PAGE_DATA, 0);

	put32(b, off + 8, 0x4);
	expect_error(fixed(b), "names no declared platform");

	b = basic();
	put32(b, off + 8, 0);
	expect_error(fixed(b), "compatibility mask is 0");
}

static void test_page_fields(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_PAGE_DATA, 0);

	put64(b, off, 0x1010);
	expect_error(fixed(b), "gpa 0x1010 is not aligned to 0x1000");

	b = basic();
	put32(b, off + 16, 0x8);
	expect_error(fixed(b), "unknown flags 0x8");

	b = basic();
	put32(b, off + 16, IGVM_PAGE_FLAG_2MB);
	expect_error(fixed(b), "is not aligned to 0x200000");

	b = basic();
	b.p[off + 20] = 7; /* data type */
	expect_error(fixed(b), "unknown data type 7");

	b = basic();
	b.p[off + 22] = 1; /* reserved */
	expect_error(fixed(b), "reserved field");

	b = basic();
	put32(b, off + 12, 24); /* data offset inside the headers */
	expect_error(fixed(b), "lies inside the headers");

	b = basic();
	put32(b, off + 12, (uint32_t)b.len - 100);
	expect_error(fixed(b), "runs past the end of the file");

	b = basic();
	off = payload_of(b, IGVM_VHT_PAGE_DATA, 2); /* the secrets page */
	put32(b, off + 16, IGVM_PAGE_FLAG_UNMEASURED);
	expect_error(fixed(b), "must be a plain 4 KiB page");

	b = basic();
	put64(b, off, 0xFFFFFFFFFFFFF000ULL);
	expect_ok(fixed(b)); /* the last page of the space is fine */
}

static void test_area_rules(void **state)
{
	struct igvm_writer w;
	struct blob b;

	t_begin(&w);
	t_area(&w, 0, 100);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "not a non-zero multiple of 4 KiB");

	t_begin(&w);
	t_area(&w, 0, 4096);
	t_area(&w, 0, 4096);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "parameter area 0 declared twice");

	t_begin(&w);
	t_insert(&w, 3, 0x10000);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "parameter area 3 was not declared before");

	t_begin(&w);
	t_area(&w, 0, 4096);
	t_insert(&w, 0, 0x10000);
	t_insert(&w, 0, 0x20000);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "inserted twice");

	t_begin(&w);
	t_area(&w, 0, 4096);
	t_insert(&w, 0, 0x10000);
	t_param(&w, IGVM_VHT_MEMORY_MAP, 0, 0);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "was already inserted");

	t_begin(&w);
	t_area(&w, 0, 4096);
	t_param(&w, IGVM_VHT_VP_COUNT_PARAMETER, 0, 4094);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "byte offset 4094 does not fit");

	t_begin(&w);
	t_param(&w, IGVM_VHT_MADT, 1, 0);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "parameter area 1 was not declared");

	t_begin(&w);
	t_area(&w, 0, 4096);
	t_insert(&w, 0, 0x10008);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "not aligned");
}

static void test_vp_context_rules(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_VP_CONTEXT, 0);

	put32(b, off + 12, 0);
	expect_error(fixed(b), "VP context without data");

	b = basic();
	put32(b, off + 12, (uint32_t)b.len - 2048);
	expect_error(fixed(b), "runs past the end of the file");

	b = basic();
	b.p[off + 18] = 1;
	expect_error(fixed(b), "reserved field");
}

static void test_required_memory_rules(void **state)
{
	struct igvm_writer w;
	struct igvm_vhs_required_memory m = { 0x8000000, T_SNP, 0x1000, 0, 0 };
	struct blob b;

	t_begin(&w);
	m.number_of_bytes = 0x1800;
	igvm_writer_header(&w, IGVM_VHT_REQUIRED_MEMORY, &m, sizeof(m));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "size 0x1800");

	t_begin(&w);
	m.number_of_bytes = 0x1000;
	m.flags = 2;
	igvm_writer_header(&w, IGVM_VHT_REQUIRED_MEMORY, &m, sizeof(m));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "unknown flags 0x2");
}

static void test_policy_and_id_block(void **state)
{
	struct igvm_writer w;
	struct igvm_vhs_snp_id_block id;
	struct blob b;

	t_begin(&w);
	t_policy(&w, 0x30000);
	t_policy(&w, 0x30000);
	b.p = t_finish(&w, &b.len);
	expect_error(b, "a second guest policy");

	memset(&id, 0, sizeof(id));
	id.compatibility_mask = T_NATIVE;
	t_begin(&w);
	igvm_writer_header(&w, IGVM_VHT_SNP_ID_BLOCK, &id, sizeof(id));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "not SEV-SNP");

	id.compatibility_mask = T_SNP;
	t_begin(&w);
	igvm_writer_header(&w, IGVM_VHT_SNP_ID_BLOCK, &id, sizeof(id));
	igvm_writer_header(&w, IGVM_VHT_SNP_ID_BLOCK, &id, sizeof(id));
	b.p = t_finish(&w, &b.len);
	expect_error(b, "a second ID block");
}

static void test_error_names_header(void **state)
{
	struct blob b = basic();
	size_t off = payload_of(b, IGVM_VHT_PAGE_DATA, 1);

	put64(b, off, 0x2001);
	/* Header 8 is the second PAGE_DATA; the message gives its offset. */
	expect_error(fixed(b), "header 8 (PAGE_DATA at 0x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_crc32_vector),
		cmocka_unit_test(test_short_file),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_total_size),
		cmocka_unit_test(test_header_offset_unaligned),
		cmocka_unit_test(test_headers_past_end),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_tlv_past_end),
		cmocka_unit_test(test_truncated_tlv),
		cmocka_unit_test(test_nonzero_padding),
		cmocka_unit_test(test_section_order),
		cmocka_unit_test(test_platform_first),
		cmocka_unit_test(test_no_platform),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_payload_size),
		cmocka_unit_test(test_platform_fields),
		cmocka_unit_test(test_mask_undeclared),
		cmocka_unit_test(test_page_fields),
		cmocka_unit_test(test_area_rules),
		cmocka_unit_test(test_vp_context_rules),
		cmocka_unit_test(test_required_memory_rules),
		cmocka_unit_test(test_policy_and_id_block),
		cmocka_unit_test(test_error_names_header),
	};

	return cmocka_run_group_tests_name("igvm-parse", tests, NULL, NULL);
}
