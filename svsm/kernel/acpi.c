/* SPDX-License-Identifier: MIT */
/*
 * Minimal ACPI: RSDP -> XSDT (or RSDT) -> MADT and FADT. Every table is
 * reached through `physmap_va()` (range-checked), its length bounded and
 * its checksum verified before any field is used.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/acpi.h>
#include <x86/asm.h>
#include <svsm/log.h>
#include <svsm/physmap.h>

#define ACPI_TABLE_MAX (1U << 20)
#define MADT_LAPIC 0
#define MADT_X2APIC 9
#define MADT_ENABLED 0x1
#define MADT_ONLINE_CAPABLE 0x2
#define SLP_EN (1U << 13)

/** Common table header (36 bytes). */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/** RSDP, ACPI 2.0+ layout (revision 0 uses the first 20 bytes). */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		sum += b[i];
	}
	return sum == 0;
}

/**
 * A verified table at `pa` (with signature `sig` unless NULL), or NULL.
 * The signature is compared before the checksum is summed: a root table
 * may list thousands of entries, and summing every table they point at
 * (up to 1 MiB each) for every lookup would be quadratic in host input.
 */
static const struct acpi_header *table_at(uint64_t pa, const char *sig)
{
	const struct acpi_header *h = physmap_va(pa, sizeof(*h));

	if (h == NULL || (sig != NULL && memcmp(h->signature, sig, 4) != 0) ||
	    h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX ||
	    physmap_va(pa, h->length) == NULL || !checksum_ok(h, h->length)) {
		return NULL;
	}
	return h;
}

/** Find the table `sig` through the RSDT/XSDT; NULL if absent. */
static const struct acpi_header *find_table(uint64_t rsdp_pa, const char *sig)
{
	const struct acpi_rsdp *rsdp = physmap_va(rsdp_pa, sizeof(*rsdp));
	const struct acpi_header *root;
	size_t entry_size;
	size_t count;
	size_t i;

	if (rsdp == NULL || memcmp(rsdp->signature, "RSD PTR ", 8) != 0 ||
	    !checksum_ok(rsdp, 20)) {
		return NULL;
	}
	if (rsdp->revision >= 2 && rsdp->xsdt_address != 0 &&
	    checksum_ok(rsdp, sizeof(*rsdp))) {
		root = table_at(rsdp->xsdt_address, NULL);
		entry_size = 8;
	} else {
		root = table_at(rsdp->rsdt_address, NULL);
		entry_size = 4;
	}
	if (root == NULL) {
		return NULL;
	}
	count = (root->length - sizeof(*root)) / entry_size;
	for (i = 0; i < count; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * entry_size;
		uint64_t pa = 0;
		const struct acpi_header *t;

		memcpy(&pa, e, entry_size);
		t = table_at(pa, sig);
		if (t != NULL) {
			return t;
		}
	}
	return NULL;
}

static void add_cpu(struct acpi_info *info, uint32_t apic_id, uint32_t flags)
{
	if ((flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)) == 0 ||
	    info->cpu_count == ACPI_MAX_CPUS) {
		return;
	}
	info->apic_ids[info->cpu_count++] = apic_id;
}

static bool parse_madt(const struct acpi_header *madt, struct acpi_info *info)
{
	const uint8_t *p = (const uint8_t *)madt;
	size_t off = sizeof(*madt) + 8; /* local APIC address, flags */
	uint32_t lapic;

	if (madt->length < off) {
		return false;
	}
	memcpy(&lapic, p + sizeof(*madt), 4);
	info->lapic_pa = lapic;
	while (off + 2 <= madt->length) {
		uint8_t type = p[off];
		uint8_t len = p[off + 1];
		uint32_t id;
		uint32_t flags;

		if (len < 2 || off + len > madt->length) {
			break;
		}
		if (type == MADT_LAPIC && len >= 8) {
			memcpy(&flags, p + off + 4, 4);
			add_cpu(info, p[off + 3], flags);
		} else if (type == MADT_X2APIC && len >= 16) {
			memcpy(&id, p + off + 4, 4);
			memcpy(&flags, p + off + 8, 4);
			add_cpu(info, id, flags);
		}
		off += len;
	}
	return info->cpu_count > 0;
}

/** Read the MADT and FADT reachable from the RSDP at `rsdp_pa`. */
bool acpi_parse(uint64_t rsdp_pa, struct acpi_info *info)
{
	const struct acpi_header *madt = find_table(rsdp_pa, "APIC");
	const struct acpi_header *fadt = find_table(rsdp_pa, "FACP");
	uint32_t pm1a;

	memset(info, 0, sizeof(*info));
	if (fadt != NULL && fadt->length >= 68) {
		memcpy(&pm1a, (const uint8_t *)fadt + 64, 4);
		info->pm1a_cnt_port = pm1a <= 0xffff ? (uint16_t)pm1a : 0;
	}
	return madt != NULL && parse_madt(madt, info);
}

/** Parse a MADT handed over as a copy (the IGVM MADT parameter area). */
bool acpi_parse_madt(const void *buf, size_t len, struct acpi_info *info)
{
	const struct acpi_header *h = buf;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(*h) || h->length < sizeof(*h) || h->length > len ||
	    h->length > ACPI_TABLE_MAX ||
	    memcmp(h->signature, "APIC", 4) != 0 ||
	    !checksum_ok(h, h->length)) {
		return false;
	}
	return parse_madt(h, info);
}

/** Request ACPI S5; the caller then halts until QEMU exits. */
void acpi_poweroff(const struct acpi_info *info)
{
	if (info->pm1a_cnt_port != 0) {
		outw(info->pm1a_cnt_port, SLP_EN);
	}
}
