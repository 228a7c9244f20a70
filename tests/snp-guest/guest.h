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

#include <x86/asm.h>

#define PAGE_SIZE 4096ULL
#define SIZE_2M (2ULL << 20)
#define MIB (1ULL << 20)

/* isa-debug-exit (port 0xF4) codes: QEMU exits with (code << 1) | 1. */
#define GUEST_EXIT_PORT 0xF4U
/* PASS is the kernel's test-pass code too (svsm/kernel/qemu.sh, snp-emu's
 * run.sh): a run of the whole stack passes only when the guest's checks do. */
#define GUEST_EXIT_PASS 0x10U	 /* every check passed: status 33 */
#define GUEST_EXIT_FAIL 0x11U	 /* a check failed: status 35 */
#define GUEST_EXIT_NO_SVSM 0x12U /* no SEV-SNP or no SVSM: status 37 */
#define GUEST_EXIT_FATAL 0x13U	 /* unexpected trap or GHCB error: 39 */

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

/*
 * Port I/O (outb, inb, outl from <x86/asm.h>) is plain instructions: under
 * SNP they raise #VC, which trap.c forwards through the GHCB.
 */
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

/**
 * checks_vtpm.c: send the TPM command `command` (`len` bytes) through
 * VTPM_CMD in the validated page `page`; the response (inside `page`) and
 * its length, or NULL if the call or the response's framing failed.
 */
const uint8_t *vtpm_send(uint8_t *page, const uint8_t *command, size_t len,
			 size_t *rlen);

/*
 * vtpm_send(), again while the TPM answers TPM_RC_RETRY (its first command
 * after a _TPM_Init and its NV commands may), a bounded number of times.
 */
const uint8_t *vtpm_run(uint8_t *page, const uint8_t *command, size_t len,
			size_t *rlen);

/* vtpm_run() of `len` bytes of `command`: its response code, ~0 if none. */
uint32_t vtpm_run_rc(uint8_t *page, const uint8_t *command, size_t len);

/* TPM2_PCR_Read of SHA-256 PCR `pcr`, built in `command`, into `out`. */
bool vtpm_pcr_read(uint8_t *page, uint8_t *command, unsigned int pcr,
		   uint8_t out[32]);

/*
 * The reboot mode (reboot.c, mode byte 'R'): the first boot runs the
 * checks, then reboot_first() records what the second boot compares in
 * a TPM NV index and calls SVSM_REBOOT_EXECUTE; the second boot, found by
 * reboot_second_boot() (the index exists), runs reboot_second() instead
 * of the checks.
 */
void reboot_begin(void);
bool reboot_second_boot(void);
void reboot_first(bool from_ap);
void reboot_second(void);
/** checks_vcpu.c: an AP calls SVSM_REBOOT_EXECUTE; returns on failure. */
bool vcpu_ap_reboot(uint64_t page);

/*
 * The TPM bridge (bridge.c). With a UART on COM2 the host sends one mode
 * byte first (tpm-relay.py --mode): 'C' checks then the bridge, 'B' the
 * bridge alone, 'R' the reboot test ('A': the reboot called by an AP;
 * each boot reads one byte); the bridge
 * serves COM2 until a STOP.
 */
#define BRIDGE_MODE_AFTER_CHECKS 'C'
#define BRIDGE_MODE_ONLY 'B'
#define BRIDGE_MODE_REBOOT 'R'	  /* no bridge: the reboot test (reboot.c) */
#define BRIDGE_MODE_REBOOT_AP 'A' /* the same, the reboot called by an AP */
enum bridge_mode {
	BRIDGE_NONE,
	BRIDGE_AFTER_CHECKS,
	BRIDGE_ONLY,
	BRIDGE_REBOOT,
	BRIDGE_REBOOT_AP,
};
enum bridge_mode bridge_mode(void);
/** Serve until STOP: true; false (said why) when there is no vTPM. */
bool bridge_serve(void);

/* Scratch pages (main.c): the n-th 4 KiB page of the scratch range. */
uint64_t scratch_page(unsigned n);
