// SPDX-License-Identifier: MIT
/*
 * tools/igvm-build: images built from small ELFs made here (and Debian's
 * OVMF.fd) are checked with the IGVM library: structure and directive
 * order, the parameter block, the BSP's VMSA, the KVM rules, a stable
 * digest and byte-identical output. Also the OVMF SEV metadata parser,
 * against the real OVMF.fd and damaged copies of it.
 */
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "builder.h"
#include "file_io.h"
#include "igvm/igvm.h"
#include "ovmf_metadata.h"

#define OVMF_FD "/usr/share/ovmf/OVMF.fd"
#define KBASE 0x8000000ULL
#define KENTRY (KBASE + 0x10)
#define GBASE 0x1000000ULL

struct seg {
	uint64_t paddr;
	uint32_t filesz, memsz;
	uint8_t fill;
};

/* A minimal ELF64 x86-64 file: PT_LOADs filled with @fill, one note. */
static uint8_t *make_elf(const struct seg *segs, int nseg, const char *note,
			 uint32_t note_type, uint64_t note_val, size_t *len)
{
	size_t nph = (size_t)nseg + 1, off, size = 64 + 56 * nph + 64;
	size_t nlen = strlen(note) + 1;
	Elf64_Ehdr eh = { 0 };
	uint8_t *img;

	for (int i = 0; i < nseg; i++)
		size += segs[i].filesz;
	img = calloc(1, size);
	assert_non_null(img);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = 64;
	eh.e_ehsize = 64;
	eh.e_phentsize = 56;
	eh.e_phnum = (uint16_t)nph;
	memcpy(img, &eh, sizeof(eh));
	off = 64 + 56 * nph;
	for (int i = 0; i < nseg; i++) {
		Elf64_Phdr ph = {
			PT_LOAD,       PF_R | PF_W | PF_X,
			off,	       segs[i].paddr | 0xFFFFFFFF80000000ULL,
			segs[i].paddr, segs[i].filesz,
			segs[i].memsz, 4096
		};
		memcpy(img + 64 + 56 * i, &ph, sizeof(ph));
		memset(img + off, segs[i].fill, segs[i].filesz);
		off += segs[i].filesz;
	}
	{
		Elf64_Phdr ph = { PT_NOTE, PF_R,       off,	   0,
				  0,	   12 + 8 + 8, 12 + 8 + 8, 4 };
		Elf64_Nhdr nh = { (Elf64_Word)nlen, 8, note_type };

		assert_true(nlen <= 8);
		memcpy(img + 64 + 56 * nseg, &ph, sizeof(ph));
		memcpy(img + off, &nh, sizeof(nh));
		memcpy(img + off + 12, note, nlen);
		memcpy(img + off + 12 + ((nlen + 3) & ~(size_t)3), &note_val,
		       8);
		off += 28;
	}
	*len = off;
	return img;
}

static uint8_t *kernel_elf(size_t *len)
{
	static const struct seg segs[] = {
		{ KBASE, 0x2100, 0x2100, 0x90 }, /* text, a partial page */
		{ KBASE + 0x3000, 0x800, 0x4000, 0xCC }, /* data and bss */
	};
	return make_elf(segs, 2, "SVSM", 1, KENTRY, len);
}

static uint8_t *guest_elf(size_t *len)
{
	static const struct seg segs[] = { { GBASE, 0x1800, 0x3000, 0xF4 } };

	return make_elf(segs, 1, "Xen", 18, GBASE + 0x100, len);
}

struct built {
	uint8_t *file;
	size_t len;
	struct svsm_igvm_params p;
	struct igvm_file f;
	struct igvm_launch *l;
};

static void build(struct built *out, const uint8_t *guest, size_t glen)
{
	struct build_opts o = { .policy = 0x30000,
				.svsm_base = KBASE,
				.svsm_size = 64 << 20,
				.guest = guest,
				.guest_len = glen };
	char err[256] = "";
	size_t klen;
	uint8_t *k = kernel_elf(&klen);

	o.kernel = k;
	o.kernel_len = klen;
	out->file = build_igvm(&o, &out->len, &out->p, err, sizeof(err));
	if (!out->file)
		print_error("%s\n", err);
	assert_non_null(out->file);
	free(k);
	assert_int_equal(igvm_open(&out->f, out->file, out->len), 0);
	out->l = calloc(1, sizeof(*out->l));
	assert_non_null(out->l);
	assert_int_equal(igvm_platform_mask(&out->f, IGVM_PLATFORM_SEV_SNP,
					    &out->l->mask),
			 0);
	out->l->flags = IGVM_LAUNCH_CHECK_KVM;
	if (igvm_snp_launch(&out->f, out->l, NULL, NULL))
		print_error("%s\n", out->f.error);
	assert_int_equal(out->f.error[0], '\0');
}

static void release(struct built *b)
{
	free(b->file);
	free(b->l);
}

/* Section order as docs/SNP-BOOT.md has it. */
static void test_structure(void **state)
{
	struct built b;
	struct igvm_iter it;
	struct igvm_header h;
	size_t gl;
	uint8_t *g = guest_elf(&gl);
	int phase = 0, inserts = 0, areas = 0;
	uint64_t last_gpa = 0;
	bool saw_secrets = false, saw_cpuid = false, saw_params = false;

	build(&b, g, gl);
	igvm_iter_start(&it, &b.f);
	while (igvm_iter_next(&it, &h)) {
		switch (h.type) {
		case IGVM_VHT_SUPPORTED_PLATFORM:
		case IGVM_VHT_GUEST_POLICY:
		case IGVM_VHT_REQUIRED_MEMORY:
			assert_int_equal(phase, 0);
			break;
		case IGVM_VHT_PARAMETER_AREA:
			areas++;
			assert_true(phase <= 1);
			phase = 1;
			break;
		case IGVM_VHT_PARAMETER_INSERT:
			inserts++;
			assert_true(phase >= 1 && phase <= 2);
			phase = 2;
			break;
		case IGVM_VHT_PAGE_DATA:
			assert_true(phase >= 2 && phase <= 3);
			phase = 3;
			assert_true(h.u.page.gpa >= last_gpa);
			last_gpa = h.u.page.gpa;
			if (h.u.page.data_type == IGVM_PAGE_TYPE_SECRETS) {
				saw_secrets = true;
				assert_int_equal(h.u.page.gpa, b.p.secrets_gpa);
			}
			if (h.u.page.data_type == IGVM_PAGE_TYPE_CPUID_DATA) {
				const uint8_t *t =
					b.file + h.u.page.file_offset;
				uint32_t count;
				saw_cpuid = true;
				assert_int_equal(h.u.page.gpa, b.p.cpuid_gpa);
				memcpy(&count, t, 4);
				assert_true(count > 10 && count <= 64);
			}
			if (h.u.page.gpa == b.p.kernel_end &&
			    h.u.page.file_offset) {
				struct svsm_igvm_params p;
				memcpy(&p, b.file + h.u.page.file_offset,
				       sizeof(p));
				assert_memory_equal(&p, &b.p, sizeof(p));
				saw_params = true;
			}
			break;
		case IGVM_VHT_VP_CONTEXT:
			assert_int_equal(phase, 3);
			phase = 4;
			break;
		default:
			assert_int_equal(phase, 1); /* parameter directives */
			break;
		}
	}
	assert_int_equal(phase, 4); /* the VMSA came last */
	assert_int_equal(areas, 5);
	assert_int_equal(inserts, 5);
	assert_true(saw_secrets && saw_cpuid && saw_params);
	assert_int_equal(b.l->vmsa_count, 1);
	assert_true(b.l->has_policy);
	assert_int_equal(b.l->policy, 0x30000);
	release(&b);
	free(g);
}

static void test_params_and_vmsa(void **state)
{
	struct built b;
	size_t gl;
	uint8_t *g = guest_elf(&gl);

	build(&b, g, gl);
	assert_int_equal(b.p.magic, SVSM_IGVM_PARAMS_MAGIC);
	assert_int_equal(b.p.kernel_start, KBASE);
	assert_int_equal(b.p.kernel_end, KBASE + 0x7000);
	assert_int_equal(b.p.secrets_gpa, b.p.kernel_end + 0x1000);
	assert_int_equal(b.p.cpuid_gpa, b.p.kernel_end + 0x2000);
	assert_true(b.p.boot_pages_end <= KBASE + (64 << 20));
	assert_int_equal(b.p.guest_kind, SVSM_IGVM_GUEST_ELF);
	assert_int_equal(b.p.guest_vmpl, 2);
	assert_int_equal(b.p.guest_entry, GBASE + 0x100);
	assert_int_equal(b.p.guest_vmsa_gpa, GBASE - 0x1000);
	assert_int_equal(b.p.guest_secrets_gpa, GBASE - 0x4000);
	assert_int_equal(b.p.guest_memmap_gpa, GBASE - 0x5000);
	/* One launched range: memory map, zero pages, the image. */
	assert_int_equal(b.p.guest_range_count, 1);
	assert_int_equal(b.p.guest_ranges[0].gpa, GBASE - 0x5000);
	assert_int_equal(b.p.guest_ranges[0].size, 0x5000 + 0x3000);
	assert_int_equal(b.p.guest_ranges[0].flags, SVSM_IGVM_RANGE_LAUNCHED);
	/* The BSP's VMSA as measured. */
	assert_int_equal(b.l->vmsa.rip, KENTRY);
	assert_int_equal(b.l->vmsa.rsi, b.p.kernel_end);
	assert_int_equal(b.l->vmsa.cr0, 0x31);
	assert_int_equal(b.l->vmsa.cs.attrib, 0xC9B);
	assert_int_equal(b.l->vmsa.sev_features, 1);
	release(&b);
	free(g);
}

static void test_reproducible(void **state)
{
	struct built a, b;
	size_t gl;
	uint8_t *g = guest_elf(&gl);

	build(&a, g, gl);
	build(&b, g, gl);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.file, b.file, a.len);
	assert_memory_equal(a.l->digest, b.l->digest, 48);
	release(&a);
	release(&b);
	free(g);
}

static void test_build_errors(void **state)
{
	struct build_opts o = { .policy = 0x30000,
				.svsm_base = KBASE,
				.svsm_size = 64 << 20 };
	static const struct seg low[] = { { 0x200000, 0x1000, 0x1000, 1 } };
	char err[256];
	size_t len, klen;
	uint8_t *k = make_elf(low, 1, "XXXX", 1, 0x200000, &klen);

	o.kernel = k;
	o.kernel_len = klen;
	assert_null(build_igvm(&o, &len, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "lies outside the SVSM region"));

	o.svsm_base = 0x200000;
	assert_null(build_igvm(&o, &len, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "no \"SVSM\" SNP entry note"));

	o.has_entry = true;
	o.entry = 0x200010;
	free(build_igvm(&o, &len, NULL, err, sizeof(err)));
	o.entry = 0x300000;
	assert_null(build_igvm(&o, &len, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "outside the kernel image"));
	free(k);
}

static void test_entry_override(void **state)
{
	struct build_opts o = { .policy = 0x30000,
				.svsm_base = KBASE,
				.svsm_size = 64 << 20,
				.has_entry = true,
				.entry = KBASE + 0x40 };
	struct igvm_file f;
	struct igvm_launch *l = calloc(1, sizeof(*l));
	char err[256];
	size_t len, klen;
	uint8_t *k = kernel_elf(&klen), *out;

	assert_non_null(l);
	o.kernel = k;
	o.kernel_len = klen;
	out = build_igvm(&o, &len, NULL, err, sizeof(err));
	assert_non_null(out);
	assert_int_equal(igvm_open(&f, out, len), 0);
	l->mask = 1;
	assert_int_equal(igvm_snp_launch(&f, l, NULL, NULL), 0);
	assert_int_equal(l->vmsa.rip, KBASE + 0x40);
	free(out);
	free(k);
	free(l);
}

/* ---- OVMF ---- */

static uint8_t *read_ovmf(size_t *len)
{
	uint8_t *img = file_read("test", OVMF_FD, len);

	if (!img)
		fail_msg("%s is missing: ci/install-deps installs ovmf",
			 OVMF_FD);
	return img;
}

static void test_ovmf_metadata(void **state)
{
	struct ovmf_metadata m;
	char err[160];
	size_t len;
	uint8_t *img = read_ovmf(&len);
	unsigned sec_mem = 0;

	assert_int_equal(ovmf_metadata_parse(img, len, &m, err, sizeof(err)),
			 0);
	ovmf_metadata_print(&m, stdout);
	assert_int_equal(m.base + m.size, 0x100000000ULL);
	assert_true(m.has_reset);
	assert_true(m.reset_addr < m.base);
	assert_true(m.secrets_gpa && m.cpuid_gpa);
	assert_int_not_equal(m.secrets_gpa, m.cpuid_gpa);
	for (uint32_t i = 0; i < m.nsections; i++) {
		assert_int_equal(m.sections[i].gpa % 4096, 0);
		if (m.sections[i].type == OVMF_SEV_SNP_SEC_MEM)
			sec_mem++;
	}
	assert_true(sec_mem >= 1);
	free(img);
}

/* Damages a copy of OVMF.fd at @off (from the end) and expects @msg. */
static void damaged(size_t from_end, uint32_t value, int width, const char *msg)
{
	struct ovmf_metadata m;
	char err[160] = "";
	size_t len;
	uint8_t *img = read_ovmf(&len);

	memcpy(img + len - from_end, &value, (size_t)width);
	assert_int_equal(ovmf_metadata_parse(img, len, &m, err, sizeof(err)),
			 -1);
	if (!strstr(err, msg))
		print_error("error \"%s\", wanted \"%s\"\n", err, msg);
	assert_non_null(strstr(err, msg));
	free(img);
}

/* Offset from the end of the SEV metadata entry's u32 (walks the table
 * as the parser does, but by the known GUID bytes). */
static size_t sev_entry_from_end(const uint8_t *img, size_t len)
{
	static const uint8_t guid[4] = { 0x66, 0x65, 0x88, 0xdc };
	size_t pos = len - 0x20 - 18;

	while (pos > len - 0x1000) {
		uint16_t elen;
		memcpy(&elen, img + pos - 18, 2);
		if (memcmp(img + pos - 16, guid, 4) == 0)
			return len - (pos - elen);
		pos -= elen;
	}
	fail_msg("no SEV metadata entry");
	return 0;
}

static void test_ovmf_damaged(void **state)
{
	size_t len, meta_entry;
	uint8_t *img = read_ovmf(&len);
	uint32_t meta_off;

	meta_entry = sev_entry_from_end(img, len);
	memcpy(&meta_off, img + len - meta_entry, 4);
	free(img);

	damaged(0x21, 0, 1, "no OVMF GUIDed table footer");
	/* A table reaching into the image's code: its entries make no sense */
	damaged(0x32, 0xFFFF, 2, "bad OVMF table");
	damaged(0x32, 4, 2, "bad OVMF table length");
	damaged(meta_entry, 0x7FFFFFFF, 4, "offset outside the image");
	damaged(meta_off, 0x58585858, 4, "without ASEV signature");
	damaged(meta_off - 8, 2, 4, "version is not 1");
	damaged(meta_off - 12, 1000, 4, "section count disagree");
	damaged(meta_off - 16, 0x800123, 4, "not page-aligned");
	damaged(meta_off - 24, 7, 4, "unknown SEV metadata section type");
	damaged(meta_off - 20, 0xFFFFF000, 4, "overlapping the image");
}

static void test_ovmf_sizes(void **state)
{
	struct ovmf_metadata m;
	char err[160];
	uint8_t small[100] = { 0 };

	assert_int_equal(
		ovmf_metadata_parse(small, sizeof(small), &m, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "multiple of 4 KiB"));
}

static void test_build_with_ovmf(void **state)
{
	struct ovmf_metadata m;
	struct built b;
	char err[160];
	size_t len;
	uint8_t *img = read_ovmf(&len);
	unsigned validate = 0;

	assert_int_equal(ovmf_metadata_parse(img, len, &m, err, sizeof(err)),
			 0);
	build(&b, img, len);
	assert_int_equal(b.p.guest_kind, SVSM_IGVM_GUEST_OVMF);
	assert_int_equal(b.p.guest_entry, 0xFFFFFFF0ULL);
	assert_int_equal(b.p.guest_secrets_gpa, m.secrets_gpa);
	assert_int_equal(b.p.guest_cpuid_gpa, m.cpuid_gpa);
	assert_int_equal(b.p.guest_caa_gpa, m.caa_gpa);
	assert_true(b.p.guest_vmsa_gpa >= b.p.kernel_end &&
		    b.p.guest_vmsa_gpa < b.p.boot_pages_end);
	for (uint32_t i = 0; i < b.p.guest_range_count; i++) {
		const struct svsm_igvm_range *r = &b.p.guest_ranges[i];
		if (r->flags == SVSM_IGVM_RANGE_VALIDATE)
			validate++;
		else
			assert_int_equal(r->gpa + r->size, 0x100000000ULL);
	}
	assert_true(validate >= 1);
	/* Every OVMF page is launched: 512 pages of 2 MiB, plus the rest. */
	assert_true(b.l->pages_measured > len / 4096);
	release(&b);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_params_and_vmsa),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_entry_override),
		cmocka_unit_test(test_ovmf_metadata),
		cmocka_unit_test(test_ovmf_damaged),
		cmocka_unit_test(test_ovmf_sizes),
		cmocka_unit_test(test_build_with_ovmf),
	};

	return cmocka_run_group_tests_name("igvm-build", tests, NULL, NULL);
}
