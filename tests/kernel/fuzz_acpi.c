/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the kernel's ACPI parser (svsm/kernel/acpi.c) over an
 * arbitrary 64 KiB image of guest memory. So that inputs get past the
 * checksums, the harness fixes the RSDP's checksums and those of every
 * table the root table points at (when its header fits in memory) before
 * parsing; everything else, lengths and pointers included, is the input's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/acpi.h>
#include <svsm/physmap.h>

#define MEM_SIZE 0x10000U

struct acpi_info acpi_info;
static uint8_t mem[MEM_SIZE];
static const uint8_t rsdp_sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The harness's own loops are not what is fuzzed: without coverage
 * callbacks on every byte they summed, the checksum fix-ups took a third
 * of each execution.
 */
#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

HARNESS static void fix_checksum(uint64_t pa, uint64_t len, uint64_t off)
{
	uint8_t sum = 0;
	uint64_t i;

	if (pa >= MEM_SIZE || len > MEM_SIZE - pa || off >= len) {
		return;
	}
	mem[pa + off] = 0;
	for (i = 0; i < len; i++) {
		sum += mem[pa + i];
	}
	mem[pa + off] = (uint8_t)(0 - sum);
}

HARNESS static uint64_t table_len(uint64_t pa)
{
	uint32_t len;

	if (pa > MEM_SIZE - 36) {
		return 0;
	}
	memcpy(&len, &mem[pa + 4], 4);
	return len;
}

/** Fix the checksum of the root table at `pa` and of what it points at. */
HARNESS static void fix_tables(uint64_t pa, size_t entry_size)
{
	uint64_t len = table_len(pa);
	uint64_t i;

	fix_checksum(pa, len, 9);
	if (len < 36 || pa + len > MEM_SIZE) {
		return;
	}
	for (i = 36; i + entry_size <= len && i < 36 + 16 * entry_size;
	     i += entry_size) {
		uint64_t t = 0;

		memcpy(&t, &mem[pa + i], entry_size);
		fix_checksum(t, table_len(t), 9);
	}
	fix_checksum(pa, len, 9);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_info info;
	uint32_t rsdt;
	uint64_t xsdt;
	bool ok;

	memset(mem, 0, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));
	physmap_init(mem, sizeof(mem));
	memcpy(mem, rsdp_sig, sizeof(rsdp_sig));
	memcpy(&rsdt, &mem[16], 4);
	memcpy(&xsdt, &mem[24], 8);
	fix_tables(rsdt, 4);
	fix_tables(xsdt, 8);
	fix_checksum(0, 20, 8);
	fix_checksum(0, 36, 32);

	ok = acpi_parse(0, &info);
	if (info.cpu_count > ACPI_MAX_CPUS || (ok && info.cpu_count == 0)) {
		abort();
	}
	return 0;
}
