/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests (cmocka, ASan+UBSan) of what the kernel's SNP boot reads
 * (svsm/kernel/snp_boot.c, the MADT buffer parser in svsm/kernel/acpi.c)
 * and of its #VC instruction decoder (svsm/kernel/vc_decode.c). The
 * parameter areas come from the host: each malformed input must be
 * rejected, never trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kernel/acpi.h>
#include <kernel/snp_boot.h>
#include <kernel/vc.h>

struct acpi_info acpi_info;

#define MIB (1ULL << 20)
#define BASE (128 * MIB)

/* A block as the builder makes it: kernel, boot pages, an ELF guest. */
static struct svsm_igvm_params good(void)
{
	struct svsm_igvm_params p = {
		.magic = SVSM_IGVM_PARAMS_MAGIC,
		.version = SVSM_IGVM_PARAMS_VERSION,
		.size = sizeof(p),
		.svsm_base = BASE,
		.svsm_size = 64 * MIB,
		.kernel_start = BASE,
		.kernel_end = BASE + 4 * MIB,
		.boot_pages_end = BASE + 4 * MIB + 0x10000,
		.secrets_gpa = BASE + 4 * MIB + 0x1000,
		.cpuid_gpa = BASE + 4 * MIB + 0x2000,
		.general_gpa = BASE + 4 * MIB + 0x3000,
		.memmap_gpa = BASE + 4 * MIB + 0x4000,
		.memmap_size = 0x1000,
		.madt_gpa = BASE + 4 * MIB + 0x5000,
		.madt_size = 0x1000,
		.devtree_gpa = 0,
		.devtree_size = 0,
		.guest_kind = SVSM_IGVM_GUEST_ELF,
		.guest_vmpl = 2,
		.guest_entry = 16 * MIB + 0x40,
		.guest_secrets_gpa = 16 * MIB - 0x5000,
		.guest_cpuid_gpa = 16 * MIB - 0x4000,
		.guest_caa_gpa = 16 * MIB - 0x3000,
		.guest_vmsa_gpa = 16 * MIB - 0x2000,
		.guest_memmap_gpa = 16 * MIB - 0x1000,
		.guest_memmap_size = 0x1000,
		.guest_range_count = 2,
	};

	p.guest_ranges[0] =
		(struct svsm_igvm_range){ 16 * MIB - 0x5000, 0x5000 + MIB,
					  SVSM_IGVM_RANGE_LAUNCHED, 0 };
	p.guest_ranges[1] =
		(struct svsm_igvm_range){ 32 * MIB, 2 * MIB,
					  SVSM_IGVM_RANGE_VALIDATE, 0 };
	return p;
}

static void params_good(void **state)
{
	struct svsm_igvm_params p = good();

	(void)state;
	assert_null(snp_params_check(&p));
	assert_null(snp_params_check_top(&p, 256 * MIB));
	assert_non_null(snp_params_check_top(&p, 160 * MIB));
	p.guest_kind = SVSM_IGVM_GUEST_NONE;
	p.guest_vmpl = 0;
	assert_null(snp_params_check(&p));
	p = good();
	p.devtree_gpa = BASE + 4 * MIB + 0x6000;
	p.devtree_size = 0x2000;
	assert_null(snp_params_check(&p));
}

/* Each way of breaking the block is caught. */
static void params_bad(void **state)
{
	struct svsm_igvm_params p;

	(void)state;
#define BAD(stmt)                                                              \
	do {                                                                   \
		p = good();                                                    \
		stmt;                                                          \
		assert_non_null(snp_params_check(&p));                         \
	} while (0)
	BAD(p.magic ^= 1);
	BAD(p.version = 2);
	BAD(p.size = 8);
	BAD(p.svsm_base += 0x800);
	BAD(p.svsm_size = 0);
	BAD(p.svsm_base = 1ULL << 30);
	BAD(p.svsm_size = 1ULL << 30);
	BAD(p.svsm_base = UINT64_MAX & ~0xfffULL);
	BAD(p.kernel_start = BASE - 0x1000);
	BAD(p.kernel_end = p.kernel_start);
	BAD(p.boot_pages_end = p.kernel_end - 0x1000);
	BAD(p.boot_pages_end = p.svsm_base + p.svsm_size);
	BAD(p.secrets_gpa = p.kernel_start);
	BAD(p.cpuid_gpa = p.secrets_gpa);
	BAD(p.general_gpa += 8);
	BAD(p.memmap_size = 0);
	BAD(p.memmap_size = 0x1800);
	BAD(p.madt_gpa = p.memmap_gpa);
	BAD(p.madt_size = UINT64_MAX & ~0xfffULL);
	BAD(p.devtree_size = 0x1000; p.devtree_gpa = p.madt_gpa);
	BAD(p.guest_kind = 3);
	BAD(p.guest_vmpl = 0);
	BAD(p.guest_vmpl = 4);
	BAD(p.guest_entry = 1ULL << 32);
	BAD(p.guest_secrets_gpa = BASE);
	BAD(p.guest_cpuid_gpa = p.guest_caa_gpa);
	BAD(p.guest_caa_gpa += 1);
	BAD(p.guest_vmsa_gpa = 16 * MIB);
	BAD(p.guest_memmap_size = 0);
	BAD(p.guest_range_count = SVSM_IGVM_MAX_GUEST_RANGES + 1);
	BAD(p.guest_ranges[1].flags = 3);
	BAD(p.guest_ranges[1].rsvd = 1);
	BAD(p.guest_ranges[1].size = 0);
	BAD(p.guest_ranges[1].gpa = BASE + 2 * MIB);
	BAD(p.guest_ranges[1].gpa = 16 * MIB);
	BAD(p.guest_ranges[1].gpa = UINT64_MAX & ~0xfffULL);
	/* The SVSM writes these guest pages: they must be in a range. */
	BAD(p.guest_ranges[0].gpa = 16 * MIB);
	BAD(p.guest_ranges[0].size = 0x1000; p.guest_ranges[0].gpa = 8 * MIB);
	/*
	 * Without a guest the ranges are still read (the fuzzer found a
	 * count past the array accepted): they are checked all the same.
	 */
	BAD(p.guest_kind = SVSM_IGVM_GUEST_NONE;
	    p.guest_range_count = SVSM_IGVM_MAX_GUEST_RANGES + 1);
	BAD(p.guest_kind = SVSM_IGVM_GUEST_NONE;
	    p.guest_range_count = UINT32_MAX);
	BAD(p.guest_kind = SVSM_IGVM_GUEST_NONE;
	    p.guest_ranges[1].gpa = BASE + 2 * MIB);
	BAD(p.guest_kind = SVSM_IGVM_GUEST_NONE; p.guest_ranges[1].flags = 3);
#undef BAD
}

static void put_entry(uint8_t *buf, unsigned int i, uint64_t gpa,
		      uint64_t bytes, uint16_t type)
{
	struct igvm_memmap_entry e = { gpa >> 12, bytes >> 12, type, 0, 0 };

	memcpy(buf + i * sizeof(e), &e, sizeof(e));
}

static void memmap_good(void **state)
{
	uint8_t buf[4096] = { 0 };
	struct boot_info bi;

	(void)state;
	put_entry(buf, 0, 0, 640 << 10, IGVM_MEMMAP_MEMORY);
	put_entry(buf, 1, MIB, 255 * MIB + 0x1000, IGVM_MEMMAP_MEMORY);
	put_entry(buf, 2, 4096 * MIB, MIB, IGVM_MEMMAP_PLATFORM_RESERVED);
	assert_null(snp_memmap_parse(buf, sizeof(buf), &bi));
	assert_int_equal(bi.memmap_count, 3);
	assert_int_equal(bi.memmap[1].type, MEMMAP_RAM);
	assert_int_equal(bi.memmap[2].type, MEMMAP_RESERVED);
	assert_int_equal(bi.ram_bytes, (640 << 10) + 255 * MIB + 0x1000);
	/* The end of RAM, rounded up to 2 MiB; reserved entries do not count. */
	assert_int_equal(bi.phys_top, 258 * MIB);
	/* The map ends at the area's end without a terminator too. */
	assert_null(snp_memmap_parse(buf, 2 * sizeof(struct igvm_memmap_entry),
				     &bi));
	assert_int_equal(bi.memmap_count, 2);
}

static void memmap_bad(void **state)
{
	uint8_t buf[4096] = { 0 };
	struct boot_info bi;
	unsigned int i;

	(void)state;
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi));
	put_entry(buf, 0, 0, MIB, IGVM_MEMMAP_PLATFORM_RESERVED);
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi)); /* no RAM */
	put_entry(buf, 0, 2 * MIB, MIB, IGVM_MEMMAP_MEMORY);
	put_entry(buf, 1, MIB, MIB, IGVM_MEMMAP_MEMORY);
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi)); /* order */
	put_entry(buf, 1, 2 * MIB + 0x1000, MIB, IGVM_MEMMAP_MEMORY);
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi)); /* overlap */
	memset(buf, 0, sizeof(buf));
	{
		struct igvm_memmap_entry e = { (1ULL << 40) - 1, 2, 0, 0, 0 };

		memcpy(buf, &e, sizeof(e));
	}
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi)); /* 52 bits */
	{
		struct igvm_memmap_entry e = { 1, UINT64_MAX, 0, 0, 0 };

		memcpy(buf, &e, sizeof(e));
	}
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi)); /* wrap */
	for (i = 0; i <= MEMMAP_MAX; i++) {
		put_entry(buf, i, (uint64_t)i * 2 * MIB, MIB,
			  IGVM_MEMMAP_MEMORY);
	}
	assert_non_null(snp_memmap_parse(buf, sizeof(buf), &bi)); /* count */
	assert_true(bi.memmap_count <= MEMMAP_MAX);
}

static void cpus(void **state)
{
	struct acpi_info m = { .apic_ids = { 1, 0, 2 }, .cpu_count = 3 };

	(void)state;
	assert_null(snp_cpus_check(3, &m));
	assert_non_null(snp_cpus_check(2, &m));
	assert_non_null(snp_cpus_check(0, &m));
	assert_non_null(snp_cpus_check(ACPI_MAX_CPUS + 1, &m));
	m.apic_ids[2] = 1;
	assert_non_null(snp_cpus_check(3, &m)); /* duplicate */
	m.apic_ids[2] = 3;
	assert_non_null(snp_cpus_check(3, &m)); /* beyond the count */
}

/* A MADT with `n` enabled local APICs 0 .. n - 1 in `buf`. */
static size_t madt(uint8_t *buf, unsigned int n)
{
	static const uint8_t sig[4] = { 'A', 'P', 'I', 'C' };
	uint32_t len = 44 + 8 * n;
	uint8_t sum = 0;
	unsigned int i;

	memset(buf, 0, len);
	memcpy(buf, sig, sizeof(sig));
	memcpy(buf + 4, &len, 4);
	for (i = 0; i < n; i++) {
		uint8_t *e = buf + 44 + 8 * i;
		uint32_t flags = 1;

		e[0] = 0;
		e[1] = 8;
		e[2] = (uint8_t)i;
		e[3] = (uint8_t)i;
		memcpy(e + 4, &flags, 4);
	}
	for (i = 0; i < len; i++) {
		sum += buf[i];
	}
	buf[9] = (uint8_t)(0 - sum);
	return len;
}

static void madt_buffer(void **state)
{
	uint8_t buf[1024];
	struct acpi_info info;
	size_t len = madt(buf, 4);

	(void)state;
	assert_true(acpi_parse_madt(buf, len, &info));
	assert_int_equal(info.cpu_count, 4);
	assert_int_equal(info.apic_ids[3], 3);
	assert_false(acpi_parse_madt(buf, len - 1, &info)); /* past buffer */
	assert_false(acpi_parse_madt(buf, 10, &info));
	buf[20] ^= 1;
	assert_false(acpi_parse_madt(buf, len, &info)); /* checksum */
	len = madt(buf, 4);
	buf[0] = 'X';
	buf[9] = (uint8_t)(buf[9] + 'A' - 'X');
	assert_false(acpi_parse_madt(buf, len, &info)); /* signature */
	len = madt(buf, 0);
	assert_false(acpi_parse_madt(buf, len, &info)); /* no CPU */
}

static void add_fn(struct snp_cpuid_page *p, uint32_t leaf, uint32_t sub,
		   uint32_t eax, uint32_t ebx)
{
	struct snp_cpuid_fn *f = &p->fn[p->count++];

	f->eax_in = leaf;
	f->ecx_in = sub;
	f->eax = eax;
	f->ebx = ebx;
	f->ecx = ~eax;
	f->edx = ~ebx;
}

static void cpuid_page(void **state)
{
	static struct snp_cpuid_page p;
	static struct snp_cpuid_page g;
	uint32_t r[4];

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(snp_cpuid_cbit(&p), -1);
	add_fn(&p, 0x80000000, 0, 0x8000001f, 0);
	add_fn(&p, 7, 0, 0x70, 0x71);
	add_fn(&p, 7, 1, 0x72, 0x73);
	add_fn(&p, 1, 5, 0x10, 0x11); /* no subleaves: ECX ignored */
	add_fn(&p, SNP_CPUID_SEV_LEAF, 0, 0x1001b, 51);
	assert_null(snp_cpuid_check(&p));
	assert_true(snp_cpuid_lookup(&p, 7, 1, r));
	assert_int_equal(r[0], 0x72);
	assert_int_equal(r[3], ~0x73U);
	assert_true(snp_cpuid_lookup(&p, 7, 0, r));
	assert_int_equal(r[1], 0x71);
	assert_false(snp_cpuid_lookup(&p, 7, 2, r));
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	assert_true(snp_cpuid_lookup(&p, 1, 0, r));
	assert_int_equal(r[0], 0x10);
	assert_false(snp_cpuid_lookup(&p, 0x40000000, 0, r));
	assert_int_equal(snp_cpuid_cbit(&p), 51);
	snp_cpuid_for_guest(&g, &p);
	assert_true(snp_cpuid_lookup(&g, SNP_CPUID_SEV_LEAF, 0, r));
	assert_int_equal(r[0], 0x1001b | SNP_CPUID_SEV_SVSM);
	assert_true(snp_cpuid_lookup(&p, SNP_CPUID_SEV_LEAF, 0, r));
	assert_int_equal(r[0], 0x1001b); /* the SVSM's own view: no bit 28 */
	/* A count past the page is refused, and lookups stay inside it. */
	p.count = SNP_CPUID_COUNT_MAX + 1;
	assert_non_null(snp_cpuid_check(&p));
	assert_true(snp_cpuid_lookup(&p, 7, 1, r));
	p.count = 0xffffffff;
	assert_false(snp_cpuid_lookup(&p, 0x12345678, 0, r));
}

static void ioio(void **state)
{
	static const struct {
		uint8_t insn[3];
		size_t n;
		uint16_t port;
		uint8_t size;
		bool in;
		uint8_t len;
	} t[] = {
		{ { 0xee }, 1, 0x3f8, 1, false, 1 },
		{ { 0xec }, 1, 0x3f8, 1, true, 1 },
		{ { 0xef }, 1, 0x3f8, 4, false, 1 },
		{ { 0x66, 0xed }, 2, 0x3f8, 2, true, 2 },
		{ { 0xe6, 0x80 }, 2, 0x80, 1, false, 2 },
		{ { 0xe5, 0x61 }, 2, 0x61, 4, true, 2 },
		{ { 0x66, 0xe7, 0xf4 }, 3, 0xf4, 2, false, 3 },
	};
	struct vc_ioio io;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_true(vc_decode_ioio(t[i].insn, t[i].n, 0x123403f8, &io));
		assert_int_equal(io.port, t[i].port);
		assert_int_equal(io.size, t[i].size);
		assert_int_equal(io.in, t[i].in);
		assert_int_equal(io.len, t[i].len);
		assert_int_equal(io.exitinfo1 >> 16, t[i].port);
		assert_int_equal(io.exitinfo1 & IOIO_TYPE_IN, t[i].in ? 1 : 0);
		assert_int_equal(io.exitinfo1 & 0x70,
				 t[i].size == 1 ? IOIO_SZ8 :
				 t[i].size == 2 ? IOIO_SZ16 :
						  IOIO_SZ32);
	}
	/* String I/O, other opcodes and short buffers are refused. */
	assert_false(vc_decode_ioio((const uint8_t[]){ 0x6e }, 1, 0, &io));
	assert_false(
		vc_decode_ioio((const uint8_t[]){ 0xf3, 0x6c }, 2, 0, &io));
	assert_false(vc_decode_ioio((const uint8_t[]){ 0x90 }, 1, 0, &io));
	assert_false(vc_decode_ioio((const uint8_t[]){ 0xe4 }, 1, 0, &io));
	assert_false(vc_decode_ioio((const uint8_t[]){ 0x66 }, 1, 0, &io));
	assert_false(vc_decode_ioio((const uint8_t[]){ 0 }, 0, 0, &io));
}

static void simple(void **state)
{
	bool w;

	(void)state;
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0xa2 }, 2,
					  SVM_EXIT_CPUID, &w),
			 2);
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0x32 }, 2,
					  SVM_EXIT_MSR, &w),
			 2);
	assert_false(w);
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0x30 }, 2,
					  SVM_EXIT_MSR, &w),
			 2);
	assert_true(w);
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0x31 }, 2,
					  SVM_EXIT_RDTSC, &w),
			 2);
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0x01, 0xf9 },
					  3, SVM_EXIT_RDTSCP, &w),
			 3);
	/* Bytes that are not the instruction of the exit code: 0. */
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0x31 }, 2,
					  SVM_EXIT_CPUID, &w),
			 0);
	assert_int_equal(
		vc_decode_simple((const uint8_t[]){ 0x0f, 0xa2 }, 2, 0x400, &w),
		0);
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f, 0x01 }, 2,
					  SVM_EXIT_RDTSCP, &w),
			 0);
	assert_int_equal(vc_decode_simple((const uint8_t[]){ 0x0f }, 1,
					  SVM_EXIT_CPUID, &w),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_good), cmocka_unit_test(params_bad),
		cmocka_unit_test(memmap_good), cmocka_unit_test(memmap_bad),
		cmocka_unit_test(cpus),	       cmocka_unit_test(madt_buffer),
		cmocka_unit_test(cpuid_page),  cmocka_unit_test(ioio),
		cmocka_unit_test(simple),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
