/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests (cmocka, ASan+UBSan) of the kernel's ACPI parser
 * (svsm/kernel/acpi.c) over tables built in a buffer that stands for guest
 * memory. The tables come from the host: every malformed one must be
 * rejected or parsed within its bounds, never trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kernel/acpi.h>
#include <svsm/physmap.h>

#define MEM_SIZE (1U << 20)
#define RSDP_PA 0x1000
#define XSDT_PA 0x2000
#define RSDT_PA 0x3000
#define MADT_PA 0x4000
#define FADT_PA 0x5000

static uint8_t mem[MEM_SIZE];
static const uint8_t rsdp_sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
struct acpi_info acpi_info;

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(&mem[pa], &v, 4);
}

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(&mem[pa], &v, 8);
}

/** Fix the checksum byte at `off` of the `len` bytes at `pa`. */
static void checksum(uint64_t pa, size_t len, size_t off)
{
	uint8_t sum = 0;
	size_t i;

	mem[pa + off] = 0;
	for (i = 0; i < len; i++) {
		sum += mem[pa + i];
	}
	mem[pa + off] = (uint8_t)(0 - sum);
}

static void header(uint64_t pa, const char *sig, uint32_t len)
{
	mem[pa] = (uint8_t)sig[0];
	mem[pa + 1] = (uint8_t)sig[1];
	mem[pa + 2] = (uint8_t)sig[2];
	mem[pa + 3] = (uint8_t)sig[3];
	put32(pa + 4, len);
	mem[pa + 8] = 1;
}

static void seal(uint64_t pa)
{
	uint32_t len;

	memcpy(&len, &mem[pa + 4], 4);
	checksum(pa, len, 9);
}

/** RSDP revision 2 pointing at the XSDT (and the RSDT). */
static void make_rsdp(void)
{
	memcpy(&mem[RSDP_PA], rsdp_sig, sizeof(rsdp_sig));
	mem[RSDP_PA + 15] = 2;
	put32(RSDP_PA + 16, RSDT_PA);
	put32(RSDP_PA + 20, 36);
	put64(RSDP_PA + 24, XSDT_PA);
	checksum(RSDP_PA, 20, 8);
	checksum(RSDP_PA, 36, 32);
}

static void make_roots(void)
{
	header(XSDT_PA, "XSDT", 36 + 16);
	put64(XSDT_PA + 36, MADT_PA);
	put64(XSDT_PA + 44, FADT_PA);
	seal(XSDT_PA);
	header(RSDT_PA, "RSDT", 36 + 8);
	put32(RSDT_PA + 36, MADT_PA);
	put32(RSDT_PA + 40, FADT_PA);
	seal(RSDT_PA);
}

/** MADT with `n` local APIC entries (IDs 0..n-1, `flags`) + 1 x2APIC. */
static void make_madt(unsigned int n, uint32_t flags)
{
	uint64_t off = MADT_PA + 44;
	unsigned int i;

	for (i = 0; i < n; i++) {
		mem[off] = 0;
		mem[off + 1] = 8;
		mem[off + 2] = (uint8_t)i;
		mem[off + 3] = (uint8_t)i;
		put32(off + 4, flags);
		off += 8;
	}
	mem[off] = 9;
	mem[off + 1] = 16;
	put32(off + 4, 0x1234);
	put32(off + 8, 1);
	off += 16;
	header(MADT_PA, "APIC", (uint32_t)(off - MADT_PA));
	put32(MADT_PA + 36, 0xfee00000);
	seal(MADT_PA);
}

static void make_fadt(void)
{
	header(FADT_PA, "FACP", 116);
	put32(FADT_PA + 64, 0x604);
	seal(FADT_PA);
}

static int setup(void **state)
{
	memset(mem, 0, sizeof(mem));
	physmap_init(mem, sizeof(mem));
	make_rsdp();
	make_roots();
	make_madt(4, 1);
	make_fadt();
	return 0;
}

/** Confirm that well-formed tables give the CPUs, LAPIC and PM1a port. */
static void test_parse_ok(void **state)
{
	struct acpi_info info;

	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, 5);
	assert_int_equal(info.apic_ids[0], 0);
	assert_int_equal(info.apic_ids[3], 3);
	assert_int_equal(info.apic_ids[4], 0x1234);
	assert_int_equal(info.lapic_pa, 0xfee00000);
	assert_int_equal(info.pm1a_cnt_port, 0x604);
}

/** Confirm that disabled CPUs are skipped and online-capable ones kept. */
static void test_disabled_cpus(void **state)
{
	struct acpi_info info;

	make_madt(4, 0);
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, 1); /* the x2APIC entry */
	make_madt(4, 2);
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, 5);
}

/** Confirm that more CPUs than ACPI_MAX_CPUS are capped, not overflowed. */
static void test_too_many_cpus(void **state)
{
	struct acpi_info info;

	make_madt(200, 1);
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, ACPI_MAX_CPUS);
}

/** Confirm that a bad checksum anywhere hides that table. */
static void test_bad_checksums(void **state)
{
	struct acpi_info info;

	mem[MADT_PA + 9] ^= 1;
	assert_false(acpi_parse(RSDP_PA, &info));
	setup(state);
	mem[RSDP_PA + 8] ^= 1;
	assert_false(acpi_parse(RSDP_PA, &info));
	setup(state);
	mem[FADT_PA + 9] ^= 1;
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.pm1a_cnt_port, 0);
}

/** Confirm that the RSDT is used when the XSDT is unusable. */
static void test_rsdt_fallback(void **state)
{
	struct acpi_info info;

	mem[RSDP_PA + 15] = 0;
	checksum(RSDP_PA, 20, 8);
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, 5);
}

/** Confirm that tables and pointers outside guest memory are rejected. */
static void test_out_of_range(void **state)
{
	struct acpi_info info;

	assert_false(acpi_parse(MEM_SIZE - 8, &info));
	assert_false(acpi_parse(UINT64_MAX - 4, &info));
	/* An XSDT entry pointing past the end of memory. */
	put64(XSDT_PA + 36, MEM_SIZE - 16);
	seal(XSDT_PA);
	assert_false(acpi_parse(RSDP_PA, &info));
	setup(state);
	/* A MADT whose length runs past the end of memory. */
	put32(MADT_PA + 4, MEM_SIZE);
	assert_false(acpi_parse(RSDP_PA, &info));
}

/** Confirm that malformed MADT entries end the walk inside the table. */
static void test_bad_entries(void **state)
{
	struct acpi_info info;

	/* A zero-length entry after the first CPU. */
	mem[MADT_PA + 44 + 8 + 1] = 0;
	seal(MADT_PA);
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, 1);
	setup(state);
	/* The last entry claims to run past the table's end. */
	mem[MADT_PA + 44 + 32 + 1] = 200;
	seal(MADT_PA);
	assert_true(acpi_parse(RSDP_PA, &info));
	assert_int_equal(info.cpu_count, 4);
	setup(state);
	/* A table too short for its own header fields. */
	header(MADT_PA, "APIC", 40);
	seal(MADT_PA);
	assert_false(acpi_parse(RSDP_PA, &info));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_ok, setup),
		cmocka_unit_test_setup(test_disabled_cpus, setup),
		cmocka_unit_test_setup(test_too_many_cpus, setup),
		cmocka_unit_test_setup(test_bad_checksums, setup),
		cmocka_unit_test_setup(test_rsdt_fallback, setup),
		cmocka_unit_test_setup(test_out_of_range, setup),
		cmocka_unit_test_setup(test_bad_entries, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
