// SPDX-License-Identifier: MIT
/*
 * IGVM files for the library's tests: see igvm_test_files.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "igvm_test_files.h"

void t_vmsa(uint8_t page[4096], uint64_t rip)
{
	struct sev_vmsa v;
	struct vmsa_segment code = { 8, 0xC9B, 0xFFFFFFFF, 0 };
	struct vmsa_segment data = { 16, 0xC93, 0xFFFFFFFF, 0 };

	memset(&v, 0, sizeof(v));
	v.cs = code;
	v.ds = v.es = v.fs = v.gs = v.ss = data;
	v.tr.attrib = 0x8B;
	v.tr.limit = 0xFFFF;
	v.ldtr.attrib = 0x82;
	v.ldtr.limit = 0xFFFF;
	v.gdtr.limit = 0xFFFF;
	v.idtr.limit = 0xFFFF;
	v.cr0 = 0x31;
	v.efer = EFER_SVME;
	v.rflags = 2;
	v.rip = rip;
	v.rsi = 0x8001000;
	v.dr6 = 0xFFFF0FF0;
	v.dr7 = 0x400;
	v.g_pat = 0x0007040600070406ULL;
	v.xcr0 = 1;
	v.x87_fcw = 0x37F;
	v.mxcsr = 0x1F80;
	v.sev_features = 1;
	memcpy(page, &v, sizeof(v));
}

void t_begin(struct igvm_writer *w)
{
	struct igvm_vhs_supported_platform snp = { T_SNP, 0,
						   IGVM_PLATFORM_SEV_SNP, 1,
						   0 };
	struct igvm_vhs_supported_platform native = { T_NATIVE, 0,
						      IGVM_PLATFORM_NATIVE, 1,
						      0 };

	igvm_writer_init(w);
	assert_int_equal(igvm_writer_header(w, IGVM_VHT_SUPPORTED_PLATFORM,
					    &snp, sizeof(snp)),
			 0);
	assert_int_equal(igvm_writer_header(w, IGVM_VHT_SUPPORTED_PLATFORM,
					    &native, sizeof(native)),
			 0);
}

void t_policy(struct igvm_writer *w, uint64_t policy)
{
	struct igvm_vhs_guest_policy p = { policy, T_SNP, 0 };

	assert_int_equal(
		igvm_writer_header(w, IGVM_VHT_GUEST_POLICY, &p, sizeof(p)), 0);
}

void t_area(struct igvm_writer *w, uint32_t index, uint64_t bytes)
{
	struct igvm_vhs_parameter_area a = { bytes, index, 0 };

	assert_int_equal(
		igvm_writer_header(w, IGVM_VHT_PARAMETER_AREA, &a, sizeof(a)),
		0);
}

void t_param(struct igvm_writer *w, uint32_t type, uint32_t index,
	     uint32_t offset)
{
	struct igvm_vhs_parameter p = { index, offset };

	assert_int_equal(igvm_writer_header(w, type, &p, sizeof(p)), 0);
}

void t_insert(struct igvm_writer *w, uint32_t index, uint64_t gpa)
{
	struct igvm_vhs_parameter_insert p = { gpa, T_SNP | T_NATIVE, index };

	assert_int_equal(
		igvm_writer_header(w, IGVM_VHT_PARAMETER_INSERT, &p, sizeof(p)),
		0);
}

void t_page(struct igvm_writer *w, uint64_t gpa, uint16_t type, uint32_t flags,
	    const uint8_t *data)
{
	struct igvm_vhs_page_data p = { gpa, T_SNP, 0, flags, type, 0 };

	assert_int_equal(
		igvm_writer_header_data(
			w, IGVM_VHT_PAGE_DATA, &p, sizeof(p),
			offsetof(struct igvm_vhs_page_data, file_offset), data,
			data ? 4096 : 0),
		0);
}

void t_vp(struct igvm_writer *w, uint64_t gpa, uint16_t vp, const uint8_t *vmsa)
{
	struct igvm_vhs_vp_context c = { gpa, T_SNP, 0, vp, 0 };

	assert_int_equal(
		igvm_writer_header_data(
			w, IGVM_VHT_VP_CONTEXT, &c, sizeof(c),
			offsetof(struct igvm_vhs_vp_context, file_offset), vmsa,
			4096),
		0);
}

uint8_t *t_finish(struct igvm_writer *w, size_t *len)
{
	uint8_t *out = igvm_writer_finish(w, len);

	assert_non_null(out);
	igvm_writer_free(w);
	return out;
}

void t_pattern(uint8_t page[4096])
{
	for (int i = 0; i < 4096; i++)
		page[i] = (uint8_t)(i * 7 + 3);
}

uint8_t *t_basic_file(size_t *len)
{
	struct igvm_writer w;
	uint8_t data[4096], vmsa[4096], cpuid[4096];

	t_pattern(data);
	t_vmsa(vmsa, 0x8000000);
	memset(cpuid, 0, sizeof(cpuid));
	cpuid[0] = 1; /* count */
	t_begin(&w);
	t_policy(&w, 0x30000);
	t_area(&w, 0, 4096);
	t_param(&w, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	t_param(&w, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 0, 4);
	t_insert(&w, 0, 0x10000);
	t_page(&w, 0x1000, IGVM_PAGE_TYPE_NORMAL, 0, data);
	t_page(&w, 0x2000, IGVM_PAGE_TYPE_NORMAL, 0, NULL);
	t_page(&w, 0x3000, IGVM_PAGE_TYPE_SECRETS, 0, NULL);
	t_page(&w, 0x4000, IGVM_PAGE_TYPE_CPUID_DATA, 0, cpuid);
	t_vp(&w, IGVM_KVM_VMSA_GPA, 0, vmsa);
	return t_finish(&w, len);
}
