/* SPDX-License-Identifier: MIT */
/*
 * The freestanding SNP test guest (docs/SNP-BOOT.md, "The guest"): a PVH
 * ELF the SVSM starts at VMPL2. It finds the SVSM as Linux does, runs the
 * guest-side checks, then serves the vTPM to the host over COM2/COM3.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096ULL
#define SIZE_2M (2ULL << 20)
#define MIB (1ULL << 20)

/* isa-debug-exit (port 0xF4) codes: QEMU exits with (code << 1) | 1. */
#define GUEST_EXIT_PORT 0xF4U
#define GUEST_EXIT_PASS 0x20U	 /* every check passed: status 65 */
#define GUEST_EXIT_FAIL 0x21U	 /* a check failed: status 67 */
#define GUEST_EXIT_NO_SVSM 0x22U /* no SEV-SNP or no SVSM: status 69 */
#define GUEST_EXIT_FATAL 0x23U	 /* unexpected trap or GHCB error: 71 */

/* Serial ports: the console, the TPM command and platform channels. */
#define COM1 0x3F8U
#define COM2 0x2F8U
#define COM3 0x3E8U

/** What the entry (boot.S) hands to guest_main(). */
struct boot_args {
	uint64_t secrets_gpa; /* RSI under the SVSM */
	uint64_t cpuid_gpa;   /* RDX */
	uint64_t memmap_gpa;  /* RDI */
	uint64_t pvh_info;    /* EBX under PVH */
	uint64_t sev_status;  /* MSR 0xC0010131, 0 where it faults */
	uint64_t cbit;	      /* C-bit position, 0 without SNP */
};

/** The machine as the guest found it. */
struct guest_env {
	bool snp;
	uint64_t cbit_mask; /* 1 << C-bit, or 0 */
	uint64_t sev_features;
	const struct boot_args *boot;
	/* From the secrets page (Linux's svsm_setup_ca). */
	uint64_t svsm_base, svsm_size, caa;
	uint32_t svsm_max_version;
	uint8_t vmpl;
	/* A range of guest RAM outside the image and the SVSM, 2 MiB aligned. */
	uint64_t scratch, scratch_size;
};

extern struct guest_env env;

/* Console (COM1) and the exit port. */
void con_puts(const char *s);
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void guest_exit(uint32_t code);
_Noreturn void guest_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Port I/O: plain instructions; under SNP they raise #VC (trap.c). */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* UARTs (16550): present, byte ready, read, write. */
bool uart_present(uint16_t base);
bool uart_ready(uint16_t base);
uint8_t uart_getc(uint16_t base);
void uart_putc(uint16_t base, uint8_t c);

/* Traps: the 64-bit IDT with the #VC handler (trap.c). */
void trap_init(void);

/* TAP-like results (main.c). */
void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Check groups. */
void checks_core(void);
void checks_vcpu(void);
void checks_vtpm(void);
void checks_attest(void);

/* The TPM bridge (bridge.c): serves COM2/COM3 until a STOP; true if asked. */
bool bridge_wanted(void);
void bridge_serve(void);

/* Scratch pages (main.c): the n-th 4 KiB page of the scratch range. */
uint64_t scratch_page(unsigned n);
