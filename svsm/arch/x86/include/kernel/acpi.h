/* SPDX-License-Identifier: MIT */
/*
 * The ACPI tables the kernel needs: the MADT (CPUs, local APIC address)
 * and the FADT (PM1a control block for power-off). Tables are read through
 * the range-checked direct map and their checksums verified.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 64

struct acpi_info {
	uint32_t apic_ids[ACPI_MAX_CPUS]; /* enabled CPUs, MADT order */
	unsigned int cpu_count;
	uint64_t lapic_pa;
	uint16_t pm1a_cnt_port; /* 0 if unknown */
};

/** What the boot CPU found (filled once at boot). */
extern struct acpi_info acpi_info;

/** Parse the tables from `rsdp_pa`; false if the MADT is missing/invalid. */
bool acpi_parse(uint64_t rsdp_pa, struct acpi_info *info);

/**
 * Parse the MADT copied into [buf, buf + len) (the SNP boot's MADT
 * parameter area): signature, length inside the buffer, checksum, then
 * the enabled CPUs. False if any check fails or no CPU is enabled.
 */
bool acpi_parse_madt(const void *buf, size_t len, struct acpi_info *info);

/** ACPI S5 through PM1a_CNT (SLP_TYP 0, as QEMU's DSDT has it). */
void acpi_poweroff(const struct acpi_info *info);
