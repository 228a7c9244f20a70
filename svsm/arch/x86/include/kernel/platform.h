/* SPDX-License-Identifier: MIT */
/*
 * The kernel's platform layer: "native" (no SEV: validation and page state
 * changes are no-ops, port I/O is real) or "snp" (the SNP platform code of
 * svsm/platform/snp: PVALIDATE, GHCB). The platform is detected once at
 * boot and the calls below dispatch on it with a switch (no function
 * pointers).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum platform_type {
	PLATFORM_NATIVE = 0,
	PLATFORM_SNP = 1,
};

/** Inputs of the detection, so tests can feed it synthetic values. */
struct platform_probe {
	uint32_t max_ext_leaf; /* CPUID 0x80000000 EAX */
	uint32_t sev_leaf_eax; /* CPUID 0x8000001F EAX */
	bool sev_status_valid; /* the SEV_STATUS MSR could be read */
	uint64_t sev_status;   /* MSR 0xC0010131 */
};

/**
 * The platform for `probe`: SNP only if CPUID 0x8000001F exists, reports
 * SEV (EAX bit 1) and SEV_STATUS has SNP active (bit 2).
 */
enum platform_type platform_classify(const struct platform_probe *probe);

/** Probe this CPU (CPUID, then a fault-tolerant RDMSR). */
void platform_probe_cpu(struct platform_probe *probe);

/** Detect and record the platform (boot CPU, once). */
enum platform_type platform_init(void);
/** SNP boot: record SNP if SEV_STATUS reports it; false otherwise. */
bool platform_init_snp(void);
enum platform_type platform_get(void);
const char *platform_name(void);

/** Make [pa, pa + npages pages) valid (or invalid) guest memory. */
bool platform_validate(uint64_t pa, size_t npages, bool valid);
/** Page state change to shared (or private). */
bool platform_page_state(uint64_t pa, size_t npages, bool shared);

void platform_outb(uint16_t port, uint8_t v);
uint8_t platform_inb(uint16_t port);

/**
 * Stop for good. With `success` the test harness (isa-debug-exit) sees
 * 0x10, otherwise 0x11; then the VM is terminated or the CPU halted.
 */
_Noreturn void platform_halt(bool success);

/* The native platform (svsm/platform/native). */
bool native_validate(uint64_t pa, size_t npages, bool valid);
bool native_page_state(uint64_t pa, size_t npages, bool shared);
void native_outb(uint16_t port, uint8_t v);
uint8_t native_inb(uint16_t port);
_Noreturn void native_halt(bool success);
